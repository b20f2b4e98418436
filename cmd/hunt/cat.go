package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/scan"
)

const catExamples = `  hunt cat testdata/cloudtrail
  hunt cat --columns eventtime,eventname,useridentity.sessioncontext.sessionissuer.arn trail.json.gz
  hunt cat --table vpc_flow --output csv AWSLogs/111122223333/vpcflowlogs/
  hunt cat --columns '*' --output json --limit 5 x.json.gz
`

// runCat prints parsed records for checking input.
func runCat(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("cat", "hunt cat [flags] PATH...", catExamples, stdout)
	var common commonFlags
	common.register(fs)
	columns := fs.String("columns", "", "comma-separated columns or nested fields (useridentity.arn); '*' for all; default: the table's key columns")
	table := fs.String("table", "", "read only this table: "+tableNamesOr()+" (default: the table of the inputs)")
	limit := fs.Int64("limit", 0, "stop after this many rows (0 = all)")
	paths, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "hunt cat: no PATH given\nUsage: hunt cat [flags] PATH... (hunt cat -h for help)")
		return exitUsage
	}
	if err := common.validate(); err != nil {
		fmt.Fprintf(stderr, "hunt cat: %v\n", err)
		return exitUsage
	}
	tab, err := tableFlag(*table)
	if err != nil {
		fmt.Fprintf(stderr, "hunt cat: %v\n", err)
		return exitUsage
	}
	start := time.Now()
	facts, err := common.facts(*table, start)
	if err != nil {
		fmt.Fprintf(stderr, "hunt cat: %v\n", err)
		return exitUsage
	}
	plan, err := planPaths(ctx, common, paths, facts)
	if err != nil {
		fmt.Fprintf(stderr, "hunt cat: %v\n", err)
		return exitError
	}
	if tab == nil {
		if tab, err = inputTable(ctx, plan.Objects); err != nil {
			fmt.Fprintf(stderr, "hunt cat: %v\n", err)
			return usageOrError(err)
		}
	}
	cols := tab.CatColumns
	switch *columns {
	case "":
	case "*":
		cols = nil
	default:
		cols = strings.Split(*columns, ",")
		for i := range cols {
			cols[i] = strings.ToLower(strings.TrimSpace(cols[i]))
		}
	}
	var out rowWriter
	var getters []valueGetter
	var rows atomic.Int64
	cfg := scan.Config{Table: tab, Strict: common.strict, Workers: 1, MaxErrors: common.maxErrors, Options: common.readerOptions()}
	if cols != nil {
		read := slices.Clone(cols)
		if !facts.Since.IsZero() || !facts.Until.IsZero() {
			read = append(read, tab.TimeColumns...) // for --since/--until
		}
		cfg.Columns = map[string][]string{tab.Name: read}
	}
	inWindow := eventWindow(tab, facts.Since, facts.Until)
	totals := scan.Run(ctx, cfg, plan.Objects, func(_ int, _ *parsers.Table, _ archive.Object, b arrow.RecordBatch) error {
		if out == nil {
			names := cols
			if names == nil {
				for _, f := range b.Schema().Fields() {
					names = append(names, f.Name)
				}
			}
			var err error
			if getters, err = newGetters(b.Schema(), names); err != nil {
				return err
			}
			if out, err = newRowWriter(common.output, stdout, names); err != nil {
				return err
			}
		}
		vals := make([]any, len(getters))
		keep := inWindow(b)
		for i := range int(b.NumRows()) {
			if !keep(i) {
				continue
			}
			if *limit > 0 && rows.Load() >= *limit {
				return errLimit
			}
			for c, g := range getters {
				vals[c] = g(b, i)
			}
			if err := out.Row(vals); err != nil {
				return err
			}
			rows.Add(1)
		}
		return nil
	})
	if out != nil {
		if err := out.Close(); err != nil {
			fmt.Fprintf(stderr, "hunt cat: %v\n", err)
			return exitError
		}
	}
	if errors.Is(totals.Stopped, errLimit) {
		totals.Stopped = nil
	}
	return finishScan(stderr, "cat", plan, totals, time.Since(start), common.maxErrors)
}

// eventWindow returns, for a batch of table t, whether its row i is an
// event in [since, until) (a row with a start and an end: whose span
// overlaps it), as the engine's Options.Since/Until decide for queries.
// Zero bounds are open; a row without a time is outside any window.
func eventWindow(t *parsers.Table, since, until time.Time) func(b arrow.RecordBatch) func(i int) bool {
	all := func(int) bool { return true }
	if since.IsZero() && until.IsZero() {
		return func(arrow.RecordBatch) func(int) bool { return all }
	}
	return func(b arrow.RecordBatch) func(int) bool {
		col := func(name string) arrow.Array {
			if idx := b.Schema().FieldIndices(name); len(idx) == 1 {
				return b.Column(idx[0])
			}
			return nil
		}
		first, last := col(t.TimeColumns[0]), col(t.TimeColumns[len(t.TimeColumns)-1])
		at := func(a arrow.Array, i int) (time.Time, bool) {
			if a == nil || a.IsNull(i) {
				return time.Time{}, false
			}
			switch c := a.(type) {
			case *array.String:
				ts, err := time.Parse(time.RFC3339Nano, c.Value(i))
				return ts, err == nil
			case *array.Int64:
				return time.Unix(c.Value(i), 0), true
			}
			return time.Time{}, false
		}
		return func(i int) bool {
			lo, ok1 := at(first, i)
			hi, ok2 := at(last, i)
			return ok1 && ok2 && (since.IsZero() || !hi.Before(since)) && (until.IsZero() || lo.Before(until))
		}
	}
}

// errLimit stops a scan once --limit rows were printed.
var errLimit = errors.New("limit reached")

// valueGetter reads one output column of a batch row.
type valueGetter func(b arrow.RecordBatch, row int) any

// newGetters resolves column paths ("useridentity.arn", "resources.arn")
// against a projected schema.
func newGetters(schema *arrow.Schema, names []string) ([]valueGetter, error) {
	gs := make([]valueGetter, len(names))
	for i, name := range names {
		parts := strings.Split(name, ".")
		idx := schema.FieldIndices(parts[0])
		if len(idx) == 0 {
			return nil, fmt.Errorf("unknown column %q", parts[0])
		}
		col, rest := idx[0], parts[1:]
		gs[i] = func(b arrow.RecordBatch, row int) any {
			return nestedValue(b.Column(col), row, rest)
		}
	}
	return gs, nil
}

// nestedValue follows path through structs (and lists of structs, giving a
// list) from row of arr.
func nestedValue(arr arrow.Array, row int, path []string) any {
	if len(path) == 0 {
		return arrowValue(arr, row)
	}
	if arr.IsNull(row) {
		return nil
	}
	switch a := arr.(type) {
	case *array.Struct:
		t := a.DataType().(*arrow.StructType)
		f, ok := t.FieldIdx(path[0])
		if !ok {
			return nil
		}
		return nestedValue(a.Field(f), row, path[1:])
	case *array.List:
		start, end := a.ValueOffsets(row)
		out := make([]any, 0, end-start)
		for j := int(start); j < int(end); j++ {
			out = append(out, nestedValue(a.ListValues(), j, path))
		}
		return out
	}
	return nil
}

// inputTable decides the table when --table is not given: from the key
// layouts, else from the first other object's Hive folder, footer or
// content. Inputs of several tables, or of none hunt can tell, need
// --table.
func inputTable(ctx context.Context, objs []archive.Object) (*parsers.Table, error) {
	var seen []*parsers.Table
	var unknown []archive.Object
	for _, o := range objs {
		if t := parsers.TableNamed(o.Facts.Kind.Table()); t != nil {
			if !slices.Contains(seen, t) {
				seen = append(seen, t)
			}
		} else if o.Facts.Kind != archive.KindCloudTrailDigest {
			unknown = append(unknown, o)
		}
	}
	if len(seen) == 0 && len(unknown) > 0 {
		t, err := scan.TableOf(ctx, unknown[0])
		if err != nil {
			return nil, err
		}
		if t != nil {
			seen = append(seen, t)
		}
	}
	switch len(seen) {
	case 0:
		if len(unknown) == 0 {
			return parsers.Tables[0], nil // nothing to read: any table prints nothing
		}
		return nil, fmt.Errorf("cannot tell the table of %s from its key or content: choose one with %s", unknown[0].URI, tableChoice())
	case 1:
		return seen[0], nil
	}
	return nil, fmt.Errorf("the inputs hold rows of several tables (%s): choose one with %s", tableList(seen), tableChoice())
}
