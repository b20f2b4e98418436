package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/hunt-sec/hunt/archive"
)

// Default columns of `hunt cat`, the ones a responder reads first.
var catDefaultColumns = map[string][]string{
	tableCloudTrail: {"eventtime", "eventsource", "eventname", "awsregion", "sourceipaddress", "useridentity.arn", "errorcode"},
	tableVPCFlow:    {"start", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "action", "log_status"},
}

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
	table := fs.String("table", "", "read only this table: cloudtrail or vpc_flow (default: the table of the inputs)")
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
	if *table != "" && *table != tableCloudTrail && *table != tableVPCFlow {
		fmt.Fprintf(stderr, "hunt cat: --table: expected cloudtrail or vpc_flow, found %q\n", *table)
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
	if *table == "" {
		if *table, err = inputTable(ctx, plan.Objects); err != nil {
			fmt.Fprintf(stderr, "hunt cat: %v\n", err)
			return usageOrError(err)
		}
	}
	cols := catDefaultColumns[*table]
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
	cfg := scanConfig{table: *table, strict: common.strict, workers: 1, maxErrors: common.maxErrors}
	if cols != nil {
		cfg.columns = map[string][]string{*table: cols}
	}
	totals := scan(ctx, cfg, plan.Objects, func(_ int, _ string, _ archive.Object, b arrow.RecordBatch) error {
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
		for i := range int(b.NumRows()) {
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
// layouts, else from the first object's content.
func inputTable(ctx context.Context, objs []archive.Object) (string, error) {
	seen := map[string]bool{}
	var unknown []archive.Object
	for _, o := range objs {
		if t := tableOf(o.Facts.Kind); t != "" {
			seen[t] = true
		} else if o.Facts.Kind != archive.KindCloudTrailDigest {
			unknown = append(unknown, o)
		}
	}
	if len(seen) == 0 && len(unknown) > 0 {
		if strings.HasSuffix(unknown[0].Key, ".parquet") {
			if isCloudTrailParquet(ctx, unknown[0]) {
				seen[tableCloudTrail] = true
			} else {
				seen[tableVPCFlow] = true
			}
		} else {
			rc, err := archive.Open(ctx, unknown[0])
			if err != nil {
				return "", err
			}
			head := make([]byte, 512)
			n, _ := io.ReadFull(rc, head)
			rc.Close()
			if t := sniffTable(head[:n]); t != "" {
				seen[t] = true
			}
		}
	}
	switch {
	case len(seen) > 1:
		return "", errors.New("the inputs hold both CloudTrail and VPC flow logs: choose one with --table cloudtrail or --table vpc_flow")
	case seen[tableVPCFlow]:
		return tableVPCFlow, nil
	default:
		return tableCloudTrail, nil
	}
}
