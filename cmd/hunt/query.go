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

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/scan"
)

const queryExamples = `  # who changed a network ACL in a time window
  hunt query "SELECT eventtime, useridentity.arn, eventname FROM cloudtrail
    WHERE eventname LIKE '%NetworkAcl%' AND eventtime BETWEEN '2024-03-05T15:00:00Z' AND '2024-03-05T16:00:00Z'" testdata/cloudtrail

  # REJECTs per source IP per minute
  hunt query "SELECT srcaddr, start / 60 * 60 AS minute, count(*) AS rejects FROM vpc_flow
    WHERE action = 'REJECT' GROUP BY 1, 2 HAVING count(*) > 100" s3://bucket/AWSLogs/

  # SQL from a file or stdin, plan only
  hunt query --file hunt.sql --explain testdata/cloudtrail
  echo "SELECT count(*) FROM cloudtrail_logs" | hunt query - testdata/cloudtrail
`

// runQuery runs an ad-hoc SQL query over local paths or S3 URIs.
func runQuery(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("query", "hunt query [flags] SQL|- [PATH|s3://...]...", queryExamples, stdout)
	var common commonFlags
	common.register(fs)
	file := fs.String("file", "", "read the SQL from this file instead of the first argument")
	explain := fs.Bool("explain", false, "print the plan, the pushed-down columns and pruning, and the objects that would be read; do not run")
	engineName := fs.String("engine", "local", "where to run: local, athena (the same SQL on Amazon Athena) or auto (by the size of the listing)")
	var athena athenaFlags
	athena.register(fs)
	var aggMem memoryFlag
	registerMemory(fs, &aggMem)
	stream := fs.Bool("stream", false, "write rows as they are produced, so memory does not grow with the result (json and csv; without ORDER BY rows come in the order read, as Trino gives no order)")
	var columnNames listFlag
	fs.Var(&columnNames, "column-name", "map another column name to a table's own, as NAME=COLUMN, e.g. date_partition=timestamp for tables whose partitions are named differently, or TABLE.NAME=COLUMN for one table only (vpc_flow.date_partition=day), or @FILE of such lines (repeatable)")
	var tables listFlag
	fs.Var(&tables, "table-name", "map another table name to a hunt table, as NAME=TABLE where TABLE is "+tableNamesOr()+" (repeatable)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if err := common.validate(); err != nil {
		fmt.Fprintf(stderr, "hunt query: %v\n", err)
		return exitUsage
	}
	if lim, ok := queryMemLimit(os.Getenv("GOMEMLIMIT"), aggMem.bytes); ok {
		stop, _ := collectQueryUnder(lim)
		defer stop()
	}
	defer common.startProfiles(stderr)()
	if *engineName != "local" && *engineName != "athena" && *engineName != "auto" {
		fmt.Fprintf(stderr, "hunt query: --engine: expected local, athena or auto, found %q\n", *engineName)
		return exitUsage
	}
	sql, source, paths, err := querySQL(*file, pos)
	if err != nil {
		fmt.Fprintf(stderr, "hunt query: %v\n", err)
		return usageOrError(err)
	}
	opts := engine.Options{Source: source, TableNames: map[string]string{}, AggregateMemory: aggMem.bytes}
	for _, m := range tables {
		name, table, ok := strings.Cut(m, "=")
		if !ok {
			fmt.Fprintf(stderr, "hunt query: --table-name: expected NAME=TABLE where TABLE is %s, found %q\n", tableNamesOr(), m)
			return exitUsage
		}
		opts.TableNames[strings.ToLower(name)] = table
	}
	if opts.ColumnNames, err = nameMap(columnNames, "--column-name", "NAME=COLUMN"); err != nil {
		fmt.Fprintf(stderr, "hunt query: %v\n", err)
		return exitUsage
	}
	if *engineName != "local" {
		if code, done := queryRemote(ctx, *engineName, &athena, common, sql, opts, paths, *explain, stdout, stderr); done {
			return code
		}
	}
	start := time.Now()
	// --since/--until keep only the events in the window, as well as
	// pruning what is read.
	if window, err := common.facts("", start); err == nil {
		opts.Since, opts.Until = window.Since, window.Until
	}
	q, err := engine.Compile(sql, opts)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError
	}
	if len(paths) == 0 && !*explain {
		fmt.Fprintln(stderr, "hunt query: no PATH or s3:// URI to read\nUsage: hunt query [flags] SQL|- [PATH|s3://...]... (hunt query -h for help)")
		return exitUsage
	}
	facts, err := queryFacts(q, common, start)
	if err != nil {
		fmt.Fprintf(stderr, "hunt query: %v\n", err)
		return exitUsage
	}
	var plan *archive.Plan
	if len(paths) > 0 {
		if plan, err = planPaths(ctx, common, paths, facts); err != nil {
			fmt.Fprintf(stderr, "hunt query: %v\n", err)
			return exitError
		}
		archive.PruneHive(plan, facts)
	}
	if *explain {
		printExplain(stdout, q, facts, plan)
		return exitOK
	}
	cfg := scan.Config{Table: onlyTable(q.Tables()), Strict: common.strict, Workers: common.workers, MaxErrors: common.maxErrors, ProgressTo: stderr, Options: common.readerOptions(),
		Columns: map[string][]string{}, Pruning: rowGroupPruning(q, facts)}
	for _, t := range q.Tables() {
		cfg.Columns[t] = q.Columns(t)
	}
	r := q.NewRunContext(ctx, scan.Workers(cfg))
	var streamed rowWriter
	if *stream {
		// Rows go to the writer as they are produced: memory is bounded
		// by the batches in flight, not by the result.
		if streamed, err = newRowWriter(common.output, stdout, q.OutputColumns()); err != nil {
			fmt.Fprintf(stderr, "hunt query: %v\n", err)
			return exitUsage
		}
		r.Stream(func(res *engine.Result) error {
			for i := range res.Len() {
				if err := streamed.Row(res.Row(i)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	totals := scan.Run(ctx, cfg, plan.Objects, func(worker int, table *parsers.Table, _ archive.Object, b arrow.RecordBatch) error {
		if err := r.PushTable(worker, table.Name, b); err != nil {
			return err
		}
		if r.Done() {
			return errLimit
		}
		return nil
	})
	if errors.Is(totals.Stopped, errLimit) {
		totals.Stopped = nil
	}
	res, err := r.Finish()
	if err != nil {
		fmt.Fprintf(stderr, "hunt query: %v\n", err)
		return exitError
	}
	if streamed != nil {
		err = streamed.Close()
	} else {
		err = writeResult(common.output, stdout, res)
	}
	if err != nil {
		fmt.Fprintf(stderr, "hunt query: %v\n", err)
		return exitError
	}
	code := finishScan(stderr, "query", plan, totals, time.Since(start), common.maxErrors)
	if totals.Stopped == nil && !r.Done() && missingTables(stderr, "query", q.Tables(), totals, plan) {
		return exitError
	}
	return code
}

// querySQL finds the SQL text and the paths among the arguments: --file, or
// the first argument ("-" reads stdin).
func querySQL(file string, pos []string) (sql, source string, paths []string, err error) {
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", nil, err
		}
		return string(b), file, pos, nil
	case len(pos) == 0:
		return "", "", nil, errors.New("no SQL given: pass it as the first argument, '-' for stdin, or --file")
	case pos[0] == "-":
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			return "", "", nil, err
		}
		return string(b), "stdin", pos[1:], nil
	}
	return pos[0], "query", pos[1:], nil
}

// queryFacts combines the pruning the query's WHERE implies with the
// --since/--until/--account/--region flags (both must hold).
func queryFacts(q *engine.Query, common commonFlags, now time.Time) (archive.Facts, error) {
	ts := q.Tables()
	table := ""
	if len(ts) == 1 {
		table = ts[0]
	}
	f, err := common.facts(table, now)
	if err != nil {
		return f, err
	}
	if table == "" {
		return f, nil // several tables: only the flags prune
	}
	p := q.Pruning(table)
	if !p.Since.IsZero() && p.Since.After(f.Since) {
		f.Since = p.Since
	}
	if !p.Until.IsZero() && (f.Until.IsZero() || p.Until.Before(f.Until)) {
		f.Until = p.Until
	}
	f.Accounts = intersect(f.Accounts, p.Accounts)
	f.Regions = intersect(f.Regions, p.Regions)
	return f, nil
}

// missingTables says on stderr which of tables the scan read no record of,
// and reports whether one had no object at all among the inputs, not even
// one pruned by the window, account or region: an answer over a table
// that was not there is no answer (a typo in a path, the wrong bucket), so
// it is an error, not 0 rows.
func missingTables(stderr io.Writer, cmd string, tables []string, t *scan.Totals, plan *archive.Plan) bool {
	missing := false
	for _, name := range tables {
		pruned := 0
		for _, p := range plan.Pruned {
			switch p.Cause {
			case archive.PrunedAccount, archive.PrunedRegion, archive.PrunedDate:
				if k := p.Object.Facts.Kind.Table(); p.Prefix != "" || k == "" || k == name {
					pruned++ // of this table, or maybe: a listing prefix, a key of no layout
				}
			}
		}
		switch {
		case t.TableObjects[name] == 0 && pruned == 0:
			fmt.Fprintf(stderr, "hunt %s: no object of table %s among the inputs (%d objects of other tables read or skipped): nothing to answer from\n",
				cmd, name, t.Objects+t.OtherTable)
			missing = true
		case t.TableObjects[name] == 0:
			fmt.Fprintf(stderr, "hunt %s: no object of table %s left to read after pruning (%d pruned)\n", cmd, name, pruned)
		case t.PerTable[name] == 0:
			fmt.Fprintf(stderr, "hunt %s: the %d objects of table %s held no records\n", cmd, t.TableObjects[name], name)
		}
	}
	return missing
}

// onlyTable is the table of a query that reads one, else nil (every
// table is read).
func onlyTable(tables []string) *parsers.Table {
	if len(tables) == 1 {
		return parsers.TableNamed(tables[0])
	}
	return nil
}

// rowGroupPruning is what a query lets Parquet readers skip: the time
// range of facts, and the equalities the WHERE clause of a one-table query
// ANDs with everything else (eventname = 'X', useridentity.arn IN ('a',
// 'b'), dstport = 22), as the compiled query found them. The --account
// and --region flags are not turned into equalities: they select objects
// (and Hive partitions), and a row without those columns still belongs to
// its object. It is only a hint for skipping row groups; the engine still
// filters every row.
func rowGroupPruning(q *engine.Query, facts archive.Facts) parsers.Pruning {
	p := parsers.Pruning{Since: facts.Since, Until: facts.Until, Equal: map[string][]string{}}
	if ts := q.Tables(); len(ts) == 1 {
		for k, v := range q.Pruning(ts[0]).Equal {
			p.Equal[k] = v
		}
		p.EqualInt = q.Pruning(ts[0]).EqualInt
	}
	return p
}

// intersect returns the values in both lists, where nil means "any".
func intersect(a, b []string) []string {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	out := []string{}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

func printExplain(w io.Writer, q *engine.Query, f archive.Facts, plan *archive.Plan) {
	fmt.Fprintln(w, q.Explain())
	fmt.Fprintln(w, "pruning facts given to the archive:")
	when := func(t time.Time) string {
		if t.IsZero() {
			return "open"
		}
		return t.Format(time.RFC3339)
	}
	fmt.Fprintf(w, "  table %q, since %s, until %s, accounts %v, regions %v\n", f.Table, when(f.Since), when(f.Until), f.Accounts, f.Regions)
	if plan == nil {
		return
	}
	fmt.Fprintf(w, "objects to read: %d (%s)\n", len(plan.Objects), byteSize(plan.Bytes))
	for _, o := range plan.Objects {
		fmt.Fprintf(w, "  read   %s (%s)\n", o.URI, byteSize(o.Size))
	}
	for _, p := range plan.Pruned {
		what := p.Prefix
		if what == "" {
			what = p.Object.URI
		}
		fmt.Fprintf(w, "  pruned %s: %s\n", what, p.Reason)
	}
}

// writeResult writes a query result in the output format.
func writeResult(format string, w io.Writer, res *engine.Result) error {
	out, err := newRowWriter(format, w, res.Columns)
	if err != nil {
		return err
	}
	for i := range res.Len() {
		if err := out.Row(res.Row(i)); err != nil {
			return err
		}
	}
	return out.Close()
}

// queryMemoryLimit is the base of a query's soft memory limit. Below it
// the query collects at GOGC=queryGCPercent (unless GOGC is set): at the
// default GOGC a query's first collections came at 4, 8 and 16 MB of
// heap, in its first milliseconds, while the package initialisation's
// 3 MB were still live; they cost 10 of the 42 ms of CPU a count over
// the Parquet lake took at 1 core. Past the base the limit is twice the
// live heap (queryHeadroom), as GOGC=100 without one.
const queryMemoryLimit = 64 << 20

// queryGCPercent is the GOGC of a query under its soft memory limit
// (unless GOGC is set).
const queryGCPercent = 400

// queryMemLimit returns the base of a query's soft memory limit, and
// false when none is set: GOMEMLIMIT (env) is set, or --aggregate-memory
// is off (aggregate < 0: nothing bounds the groups). A larger
// --aggregate-memory raises it by the difference.
func queryMemLimit(env string, aggregate int64) (int64, bool) {
	return softMemLimit(env, queryMemoryLimit, aggregate)
}
