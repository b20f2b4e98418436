package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/queries"
)

const huntsExamples = `  hunt hunts list
  hunt hunts list --hunts ./my-hunts --output csv
  hunt hunts show cloudtrail_stopped
  hunt hunts check                      # every built-in hunt (and --hunts folders)
  hunt hunts check ./my-hunts x.sql     # only these files and folders

check parses each hunt's header and compiles its SQL against the table's
schema, printing positioned errors (file:line:col); it needs no AWS access.
`

// runHunts lists, shows and checks the saved hunts.
func runHunts(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("hunts", "hunt hunts list|show ID|check [FILE|DIR...] [flags]", huntsExamples, stdout)
	var dirs listFlag
	fs.Var(&dirs, "hunts", "also load the *.sql hunts in this folder (repeatable)")
	output := fs.String("output", "table", "list format: table, line, json (JSON Lines) or csv")
	pos, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if len(pos) == 0 {
		fmt.Fprintln(stderr, "hunt hunts: expected list, show or check\nUsage: hunt hunts list|show ID|check [FILE|DIR...] (hunt hunts -h for help)")
		return exitUsage
	}
	switch pos[0] {
	case "list":
		if len(pos) > 1 {
			fmt.Fprintf(stderr, "hunt hunts list: expected no arguments, found %q\n", pos[1:])
			return exitUsage
		}
		hunts, err := loadHunts(dirs)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitError
		}
		out, err := newRowWriter(*output, stdout, []string{"id", "severity", "table", "tactics", "techniques", "window", "title"})
		if err != nil {
			fmt.Fprintf(stderr, "hunt hunts: %v\n", err)
			return exitUsage
		}
		for _, h := range hunts {
			if err := out.Row([]any{h.ID, h.Severity, strings.Join(h.TableList(), ","), strings.Join(h.Tactics, ","), strings.Join(h.Techniques, ","), queries.FormatWindow(h.Window), h.Title}); err != nil {
				fmt.Fprintf(stderr, "hunt hunts: %v\n", err)
				return exitError
			}
		}
		if err := out.Close(); err != nil {
			fmt.Fprintf(stderr, "hunt hunts: %v\n", err)
			return exitError
		}
		return exitOK
	case "show":
		if len(pos) != 2 {
			fmt.Fprintln(stderr, "hunt hunts show: expected one hunt ID")
			return exitUsage
		}
		hunts, err := loadHunts(dirs)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitError
		}
		ids := make([]string, len(hunts))
		for i, h := range hunts {
			ids[i] = h.ID
		}
		i := slices.Index(ids, pos[1])
		if i < 0 {
			fmt.Fprintf(stderr, "hunt hunts show: expected a hunt ID (see hunt hunts list), found %q\n", pos[1])
			if s := suggest(pos[1], ids); s != "" {
				fmt.Fprintf(stderr, "Did you mean %s?\n", s)
			}
			return exitUsage
		}
		fmt.Fprintf(stdout, "-- %s\n%s", hunts[i].Source, hunts[i].String())
		return exitOK
	case "check":
		return checkHunts(dirs, pos[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "hunt hunts: expected list, show or check, found %q\n", pos[0])
	if s := suggest(pos[0], []string{"list", "show", "check"}); s != "" {
		fmt.Fprintf(stderr, "Did you mean 'hunt hunts %s'?\n", s)
	}
	return exitUsage
}

// checkHunts parses and compiles hunts: those of paths (files and folders)
// when given, else the built-in ones and those of dirs. Every error is
// printed, positioned; the exit code is 1 if there was any.
func checkHunts(dirs, paths []string, stdout, stderr io.Writer) int {
	var hunts []*queries.Hunt
	var errs []error
	if len(paths) == 0 {
		h, err := queries.Embedded()
		hunts = h
		if err != nil {
			errs = append(errs, err)
		}
		paths = dirs
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if st.IsDir() {
			more, err := queries.LoadDir(p)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			hunts = append(hunts, more...)
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		h, err := queries.Parse(p, string(b))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		hunts = append(hunts, h)
	}
	if err := queries.CheckUnique(hunts); err != nil {
		errs = append(errs, err)
	}
	ok := 0
	for _, h := range hunts {
		if _, err := h.Compile(engine.Options{}); err != nil {
			errs = append(errs, err)
			continue
		}
		ok++
	}
	for _, e := range errs {
		// errors.Join of several files prints one per line already.
		fmt.Fprintln(stderr, e)
	}
	fmt.Fprintf(stdout, "%d hunts ok, %d errors\n", ok, countErrs(errs))
	if len(errs) > 0 {
		return exitError
	}
	return exitOK
}

func countErrs(errs []error) int {
	n := 0
	for _, e := range errs {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			n += len(j.Unwrap())
			continue
		}
		n++
	}
	return n
}
