package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/findings"
	"github.com/hunt-sec/hunt/investigate"
	"github.com/hunt-sec/hunt/queries"
	"github.com/hunt-sec/hunt/scan"
)

const investigateExamples = `  # everything an address did: calls, flows, pivots, findings; a report to open offline
  hunt investigate --html report.html 198.51.100.23 s3://trail-bucket/AWSLogs/ s3://flow-bucket/AWSLogs/

  # a stolen session key over a week, as JSON
  hunt investigate --output json --since 2024-03-01 --until 2024-03-08 ASIAEXAMPLEKEY000001 ./AWSLogs

  # a role session, or a finding of an earlier run (its actor, around its time)
  hunt investigate arn:aws:sts::111122223333:assumed-role/admin/pwn ./AWSLogs
  hunt investigate --state state.json --finding 3f2a... ./AWSLogs
`

// findingMargin widens the window around a finding given with --finding.
const findingMargin = 24 * time.Hour

// runInvestigate builds the report of one entity from one pass over the logs.
func runInvestigate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("investigate", "hunt investigate [flags] ENTITY [PATH|s3://...]...", investigateExamples, stdout)
	var common commonFlags
	common.register(fs)
	fs.Lookup("output").Usage = "how the report is written to stdout: table (a summary for a terminal) or json"
	htmlFile := fs.String("html", "", "also write a self-contained HTML report (timeline, entity graph, sortable tables) to this file")
	findingID := fs.String("finding", "", "start from this finding of the --state file: its actor, around its time")
	statePath := fs.String("state", "", "state file of 'hunt run', for --finding")
	var huntDirs listFlag
	fs.Var(&huntDirs, "hunts", "also run the *.sql hunts in this folder (repeatable)")
	noHunts := fs.Bool("no-hunts", false, "do not run the saved hunts: calls, flows and pivots only")
	var aggMem memoryFlag
	registerMemory(fs, &aggMem)
	pos, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "hunt investigate: "+format+"\n", a...)
		return exitUsage
	}
	if common.output != "table" && common.output != "json" {
		return usageErr("--output: expected table or json, found %q", common.output)
	}
	start := time.Now()
	w := queries.Window{}
	if w.Since, err = parseWhen(common.since, start); err != nil {
		return usageErr("--since: %v", err)
	}
	if w.Until, err = parseWhen(common.until, start); err != nil {
		return usageErr("--until: %v", err)
	}
	var entity investigate.Entity
	switch {
	case *findingID != "":
		if *statePath == "" {
			return usageErr("--finding needs --state, the state file of 'hunt run'")
		}
		state, err := findings.LoadState(*statePath)
		if err != nil {
			fmt.Fprintf(stderr, "hunt investigate: %v\n", err)
			return exitError
		}
		// A first argument that is no path or URI names the entity.
		if len(pos) > 0 && !isPath(pos[0]) {
			if entity, err = investigate.ParseEntity(pos[0]); err != nil {
				return usageErr("%v", err)
			}
			pos = pos[1:]
		}
		e, fw, err := fromFinding(state, *findingID, entity)
		if err != nil {
			return usageErr("%v", err)
		}
		entity = e
		if w.Since.IsZero() && w.Until.IsZero() {
			w = fw
		}
	case len(pos) == 0:
		return usageErr("no ENTITY given: an IP address, access key ID, principal ARN or resource ID\nUsage: hunt investigate [flags] ENTITY [PATH|s3://...]... (hunt investigate -h for help)")
	default:
		if entity, err = investigate.ParseEntity(pos[0]); err != nil {
			return usageErr("%v", err)
		}
		pos = pos[1:]
	}
	if len(pos) == 0 {
		return usageErr("no PATH or s3:// URI to read\nUsage: hunt investigate [flags] ENTITY [PATH|s3://...]... (hunt investigate -h for help)")
	}
	if !w.Since.IsZero() && !w.Until.IsZero() && !w.Since.Before(w.Until) {
		return usageErr("--since %s is not before --until %s", w.Since.Format(time.RFC3339), w.Until.Format(time.RFC3339))
	}
	var hunts []*queries.Hunt
	if !*noHunts {
		if hunts, err = loadHunts(huntDirs); err != nil {
			fmt.Fprintln(stderr, err)
			return exitError
		}
	}
	facts, err := common.facts("", start)
	if err != nil {
		return usageErr("%v", err)
	}
	facts.Since, facts.Until = w.Since, w.Until
	plan, err := planPaths(ctx, common, pos, facts)
	if err != nil {
		fmt.Fprintf(stderr, "hunt investigate: %v\n", err)
		return exitError
	}
	archive.PruneHive(plan, facts)
	opts := engine.Options{Now: start, Since: w.Since, Until: w.Until, MemoryPool: engine.NewMemoryPool(aggMem.bytes)}
	cfg := scan.Config{Strict: common.strict, Workers: common.workers, MaxErrors: common.maxErrors, ProgressTo: stderr}
	rep, totals, err := investigate.Run(ctx, entity, hunts, opts, cfg, plan.Objects, w)
	if err != nil {
		fmt.Fprintf(stderr, "hunt investigate: %v\n", err)
		if totals != nil {
			finishScan(stderr, "investigate", plan, totals, time.Since(start), common.maxErrors)
		}
		return exitError
	}
	if common.output == "json" {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteText(stdout)
	}
	if err == nil && *htmlFile != "" {
		err = writeHTMLReport(*htmlFile, rep, start)
	}
	if err != nil {
		fmt.Fprintf(stderr, "hunt investigate: %v\n", err)
		return exitError
	}
	return finishScan(stderr, "investigate", plan, totals, time.Since(start), common.maxErrors)
}

// isPath reports whether s names something to read: an s3:// URI or a
// local file or folder.
func isPath(s string) bool {
	if strings.HasPrefix(s, "s3://") {
		return true
	}
	_, err := os.Stat(s)
	return err == nil
}

// fromFinding finds what to investigate for a finding of the state: a
// pending finding keeps its actor (else its resource) and times; a
// delivered one keeps only its hunt and last seen, so the entity must be
// given (e non-empty).
func fromFinding(state *findings.State, id string, e investigate.Entity) (investigate.Entity, queries.Window, error) {
	if p := state.PendingFinding(id); p != nil {
		f := p.Finding
		w := queries.Window{Since: f.FirstSeen.Add(-findingMargin), Until: f.LastSeen.Add(findingMargin)}
		if e.Value != "" {
			return e, w, nil
		}
		for _, v := range []string{f.Actor, f.Resource} {
			if v == "" {
				continue
			}
			ent, err := investigate.ParseEntity(v)
			if err == nil {
				return ent, w, nil
			}
		}
		return e, w, fmt.Errorf("--finding %s: its actor %q and resource %q are no entity to investigate: pass ENTITY", id, f.Actor, f.Resource)
	}
	d := state.Findings[id]
	if d == nil {
		return e, queries.Window{}, fmt.Errorf("--finding: expected a finding ID of the state, found %q", id)
	}
	w := queries.Window{Since: d.LastSeen.Add(-findingMargin), Until: d.LastSeen.Add(findingMargin)}
	if e.Value == "" {
		return e, w, fmt.Errorf("--finding %s: the state keeps only its hunt (%s) and last seen time (%s) for a delivered finding, not its actor: pass ENTITY too",
			id, d.HuntID, d.LastSeen.Format(time.RFC3339))
	}
	return e, w, nil
}

func writeHTMLReport(path string, rep *investigate.Report, now time.Time) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := rep.WriteHTML(f, now); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
