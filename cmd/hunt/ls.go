package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/hunt-sec/hunt/archive"
)

const lsExamples = `  # what a week of one account's CloudTrail would read, and what is skipped
  hunt ls --table cloudtrail --account 111122223333 --since 2024-03-01 --until 2024-03-08 s3://trail-bucket/AWSLogs/

  # every object of a local copy, with the pruned folders and files
  hunt ls --pruned testdata/cloudtrail/AWSLogs
`

// runLs prints the planned objects of local paths or S3 URIs, with their
// sizes and key facts, and what planning pruned and why.
func runLs(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("ls", "hunt ls [flags] PATH|s3://...", lsExamples, stdout)
	var common commonFlags
	common.register(fs)
	table := fs.String("table", "", "only objects of this table: "+tableNamesOr()+" (default: all)")
	pruned := fs.Bool("pruned", false, "also list what was pruned (objects and prefixes), with the reason")
	paths, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if err := common.validate(); err != nil {
		fmt.Fprintf(stderr, "hunt ls: %v\n", err)
		return exitUsage
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "hunt ls: no PATH or s3:// URI to list\nUsage: hunt ls [flags] PATH|s3://... (hunt ls -h for help)")
		return exitUsage
	}
	if _, err := tableFlag(*table); err != nil {
		fmt.Fprintf(stderr, "hunt ls: %v\n", err)
		return exitUsage
	}
	start := time.Now()
	facts, err := common.facts(*table, start)
	if err != nil {
		fmt.Fprintf(stderr, "hunt ls: %v\n", err)
		return exitUsage
	}
	plan, err := planPaths(ctx, common, paths, facts)
	if err != nil {
		fmt.Fprintf(stderr, "hunt ls: %v\n", err)
		return exitError
	}
	out, err := newRowWriter(common.output, stdout, []string{"status", "uri", "size", "kind", "account", "region", "date", "reason"})
	if err != nil {
		fmt.Fprintf(stderr, "hunt ls: %v\n", err)
		return exitUsage
	}
	for _, o := range plan.Objects {
		if err := out.Row(lsRow("read", o, "")); err != nil {
			fmt.Fprintf(stderr, "hunt ls: %v\n", err)
			return exitError
		}
	}
	if *pruned {
		for _, p := range plan.Pruned {
			row := lsRow("pruned", p.Object, p.Reason)
			if p.Prefix != "" {
				row = []any{"pruned", p.Prefix, nil, nil, nil, nil, nil, p.Reason}
			}
			if err := out.Row(row); err != nil {
				fmt.Fprintf(stderr, "hunt ls: %v\n", err)
				return exitError
			}
		}
	}
	if err := out.Close(); err != nil {
		fmt.Fprintf(stderr, "hunt ls: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stderr, "hunt ls: %d objects to read (%s), %d pruned; %d prefixes listed; %.2fs\n",
		len(plan.Objects), byteSize(plan.Bytes), len(plan.Pruned), len(plan.ListedPrefixes), time.Since(start).Seconds())
	return exitOK
}

// lsRow is one object line of hunt ls.
func lsRow(status string, o archive.Object, reason string) []any {
	k := o.Facts
	row := []any{status, o.URI, o.Size, k.Kind.String(), nullIfEmpty(k.Account), nullIfEmpty(k.Region), nil, nullIfEmpty(reason)}
	if k.HasDate {
		layout := "2006-01-02"
		if k.Hourly {
			layout = "2006-01-02T15"
		}
		row[6] = k.Date.Format(layout)
	}
	return row
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
