// Command hunt hunts through AWS security log archives: CloudTrail and VPC
// Flow Logs, in local folders or S3, parsed straight into Arrow batches.
//
// Run `hunt help` for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"

	"github.com/hunt-sec/hunt/queries"
)

// Exit codes, for cron and CI.
const (
	exitOK       = 0 // done, nothing found
	exitError    = 1 // an error, or results incomplete (an object could not be read)
	exitUsage    = 2 // bad command line
	exitFindings = 3 // done, findings emitted
)

const usage = `hunt — hunt through AWS CloudTrail and VPC Flow Logs archives

Usage:
  hunt <command> [flags] [arguments]

Commands:
  cat      print parsed records (chosen columns), for checking input
  query    run an ad-hoc SQL query (Athena dialect) over local paths or s3://
  run      run the saved hunts (all or --hunt ID), incremental with --state, findings to --sink
  investigate  one IP address, access key, principal or resource: timeline, pivots, findings, incidents (--html report)
  hunts    list, show or check the saved hunts
  sigma    check Sigma rules, or convert one to SQL (hunt run --sigma runs them)
  ls       the objects a scan would read, with sizes and key facts, and what is pruned and why
  convert  convert CloudTrail and flow-log archives to partitioned Parquet
  athena   athena ddl: CREATE TABLE statements (partition projection) for --engine athena
  bench    measure inflate, parse and end-to-end throughput over a corpus
  completion  print a shell completion script (bash, zsh or fish)
  version  print the version, commit, Go version, build tags and inflaters
  help     show this help

Run 'hunt <command> -h' for a command's flags and examples.

Exit codes: 0 done and nothing found, 3 findings, 1 error (or results
incomplete), 2 usage.
`

func main() {
	runtime.MemProfileRate = memProfileRate(os.Args[1:], runtime.MemProfileRate)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// memProfileRate is the heap profile's sampling rate for a process run
// with args: def (the runtime's, a sample per 512 KiB allocated) when
// they ask for a --memprofile, else 0. Sampling walks the allocating
// goroutine's stack, ~39,000 instructions a sample: 15.5 M of the 7.3 G
// the library's 118 hunts took over a 258 MiB subset, for a profile
// nobody writes.
func memProfileRate(args []string, def int) int {
	for _, a := range args {
		if a == "--" {
			break
		}
		if name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); strings.HasPrefix(a, "-") && name == "memprofile" {
			return def
		}
	}
	return 0
}

// run dispatches to the subcommand; it is main without the process. A
// panic in the command is a bug: it is reported with its stack and exits
// exitError, not with the runtime's exit status 2, which would read as a
// usage error. (Panics in a command's own goroutines, and fatal runtime
// errors such as running out of memory, still end the process with 2:
// Go cannot recover them.)
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "hunt: internal error: %v\n%s", r, debug.Stack())
			code = exitError
		}
	}()
	return dispatch(ctx, args, stdout, stderr)
}

// usageOrError is the exit code for an error from a step that both checks
// the command line and uses what it names (reads --file, opens the first
// input, opens the sinks): exitUsage for hunt's own complaint about the
// command line, which is a plain message (errors.New, fmt.Errorf, possibly
// wrapped), exitError when beneath it lies a failure to open, read or
// connect, which always carries a typed cause: an *fs.PathError, an
// *archive.ObjectError, an AWS SDK error.
func usageOrError(err error) int {
	if isPlainError(err) {
		return exitUsage
	}
	return exitError
}

// plainErrorTypes are the types of errors.New and fmt.Errorf values.
var plainErrorTypes = [...]reflect.Type{
	reflect.TypeOf(errors.New("")),
	reflect.TypeOf(fmt.Errorf("%w", io.EOF)),
	reflect.TypeOf(fmt.Errorf("%w%w", io.EOF, io.EOF)),
}

// isPlainError reports whether err and all it wraps are plain messages.
func isPlainError(err error) bool {
	if err == nil {
		return true
	}
	if !slices.Contains(plainErrorTypes[:], reflect.TypeOf(err)) {
		return false
	}
	switch x := err.(type) {
	case interface{ Unwrap() error }:
		return isPlainError(x.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range x.Unwrap() {
			if !isPlainError(e) {
				return false
			}
		}
	}
	return true
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	// Commands write to the console: stdout, plus where their usage
	// errors go and how wide the terminal is.
	con := newConsole(stdout, stderr)
	switch cmd {
	case "cat":
		return runCat(ctx, rest, con, stderr)
	case "query":
		return runQuery(ctx, rest, con, stderr)
	case "ls":
		return runLs(ctx, rest, con, stderr)
	case "run":
		return runRun(ctx, rest, con, stderr)
	case "investigate":
		return runInvestigate(ctx, rest, con, stderr)
	case "hunts":
		return runHunts(ctx, rest, con, stderr)
	case "sigma":
		return runSigma(ctx, rest, con, stderr)
	case "convert":
		return runConvert(ctx, rest, con, stderr)
	case "athena":
		return runAthena(ctx, rest, con, stderr)
	case "bench":
		return runBench(ctx, rest, con, stderr)
	case "completion":
		return runCompletion(rest, con, stderr)
	case "version", "--version", "-version":
		return runVersion(rest, con, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "hunt: unknown command %q\n", cmd)
		if strings.HasPrefix(cmd, "-") {
			if s := suggest(strings.TrimLeft(cmd, "-"), []string{"help", "version"}); s != "" {
				fmt.Fprintf(stderr, "Did you mean --%s?\n", s)
			}
		} else if s := suggest(cmd, commands); s != "" {
			fmt.Fprintf(stderr, "Did you mean 'hunt %s'?\n", s)
		}
		fmt.Fprint(stderr, "Usage: hunt <command> [flags] [arguments]\nRun 'hunt help' for the commands.\n")
		return exitUsage
	}
}

// suggest returns the candidate nearest to word, for "did you mean": one
// that word is a unique prefix of, else the nearest by edit distance if it
// is close (at most 2 edits, and fewer than half of word's letters), else "".
func suggest(word string, candidates []string) string {
	if word == "" {
		return ""
	}
	var prefixed []string
	for _, c := range candidates {
		if strings.HasPrefix(c, word) {
			prefixed = append(prefixed, c)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(word, c); d < bestD && 2*d < max(len(word), 2)+1 {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Damerau–Levenshtein distance (optimal string
// alignment) of a and b: insertions, deletions, substitutions and swaps of
// adjacent letters each cost 1.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// didYouMeanHunt is "; did you mean ID?" for the hunt ID nearest to id,
// or "" when none is near.
func didYouMeanHunt(hunts []*queries.Hunt, id string) string {
	ids := make([]string, len(hunts))
	for i, h := range hunts {
		ids[i] = h.ID
	}
	if s := suggest(id, ids); s != "" {
		return "; did you mean " + s + "?"
	}
	return ""
}
