package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/parsers"
)

// Reading the Parquet archives `hunt convert` writes: which objects hold
// CloudTrail rows, which Hive partitions a query can skip, and the pruning
// facts row groups are skipped by.

// hivePrefix is the folder `hunt convert` puts each table's Parquet files
// under, inside the destination.
func hivePrefix(table string) string { return "table=" + table }

// isCloudTrailParquet reports whether obj, a Parquet object, holds
// cloudtrail rows: its path has the table=cloudtrail folder `hunt convert`
// writes, or, for a path that says nothing, its footer names the table.
func isCloudTrailParquet(ctx context.Context, obj archive.Object) bool {
	if hasSegment(obj.Key, hivePrefix(tableCloudTrail)) {
		return true
	}
	if obj.Facts.Kind != archive.KindUnknown || hasSegment(obj.Key, hivePrefix(tableVPCFlow)) {
		return false
	}
	ra, size, err := archive.OpenAt(ctx, obj)
	if err != nil {
		return false // the flow-log reader reports it
	}
	defer ra.Close()
	return parsers.ParquetTable(ra, size) == tableCloudTrail
}

// hasSegment reports whether the slash-separated key has a folder seg.
func hasSegment(key, seg string) bool {
	return strings.HasPrefix(key, seg+"/") || strings.Contains(key, "/"+seg+"/")
}

// openCloudTrailParquet opens a CloudTrail Parquet object with the scan's
// projection and row-group pruning.
func openCloudTrailParquet(ctx context.Context, cfg scanConfig, obj archive.Object) (batchReader, string, io.Closer, error) {
	if cfg.table != "" && cfg.table != tableCloudTrail {
		return nopReader{other: true}, "", io.NopCloser(nil), nil
	}
	var ra archive.ReadAtCloser
	var size int64
	var err error
	if cfg.progress != nil {
		ra, size, err = cfg.progress.OpenAt(ctx, obj)
	} else {
		ra, size, err = archive.OpenAt(ctx, obj)
	}
	if err != nil {
		return nil, "", nil, err
	}
	opts := []parsers.Option{parsers.WithStrict(cfg.strict), parsers.WithMaxErrors(cfg.maxErrors)}
	if cfg.mem != nil {
		opts = append(opts, parsers.WithAllocator(cfg.mem))
	}
	if cols, ok := cfg.columns[tableCloudTrail]; ok {
		opts = append(opts, parsers.WithColumns(cols...))
	}
	r, err := parsers.NewCloudTrailParquetReader(ra, size, obj.URI, cfg.pruning, opts...)
	if err != nil {
		ra.Close()
		return nil, "", nil, err
	}
	return r, tableCloudTrail, ra, nil
}

// parquetPruning is what a query lets CloudTrail Parquet readers skip: the
// time range of facts, and the equalities the WHERE clause of a plain
// one-table query ANDs with everything else (eventname = 'X',
// useridentity.arn IN ('a', 'b')). The --account and --region flags are
// not turned into equalities on recipientaccountid and awsregion: they
// select objects (and Hive partitions), and a row without those columns
// still belongs to its object. It is only a hint for skipping row groups;
// the engine still filters every row.
func parquetPruning(sql string, facts archive.Facts) parsers.Pruning {
	p := parsers.Pruning{Since: facts.Since, Until: facts.Until, Equal: map[string][]string{}}
	st, err := engine.Parse(sql)
	if err != nil || len(st.With) > 0 {
		return p
	}
	sel, ok := st.Body.(*engine.Select)
	if !ok || sel.Where == nil {
		return p
	}
	from := sel.From
	unnest := ""
	if u, ok := from.(*engine.UnnestJoin); ok {
		from, unnest = u.Left, u.Alias
	}
	ref, ok := from.(*engine.TableRef)
	if !ok {
		return p
	}
	rel := ref.Alias
	if rel == "" {
		rel = ref.Name
	}
	col := func(e engine.Expr) string {
		id, ok := e.(*engine.Ident)
		if !ok || len(id.Parts) == 0 {
			return ""
		}
		parts := id.Parts
		if len(parts) > 1 && strings.EqualFold(parts[0], rel) {
			parts = parts[1:]
		}
		if strings.EqualFold(parts[0], unnest) || len(parsers.CloudTrailSchema.FieldIndices(strings.ToLower(parts[0]))) == 0 {
			return ""
		}
		return strings.ToLower(strings.Join(parts, "."))
	}
	var walk func(e engine.Expr)
	walk = func(e engine.Expr) {
		switch x := e.(type) {
		case *engine.Binary:
			switch x.Op {
			case "AND":
				walk(x.L)
				walk(x.R)
			case "=":
				l, r := x.L, x.R
				if _, ok := l.(*engine.StringLit); ok {
					l, r = r, l
				}
				if s, ok := r.(*engine.StringLit); ok {
					if c := col(l); c != "" {
						p.Equal[c] = narrow(p.Equal[c], []string{s.Val})
					}
				}
			}
		case *engine.In:
			c := col(x.X)
			if x.Not || c == "" {
				return
			}
			var vals []string
			for _, v := range x.List {
				s, ok := v.(*engine.StringLit)
				if !ok {
					return
				}
				vals = append(vals, s.Val)
			}
			p.Equal[c] = narrow(p.Equal[c], vals)
		}
	}
	walk(sel.Where)
	return p
}

// narrow ANDs two value lists (nil = any).
func narrow(have, vals []string) []string {
	if have == nil {
		return vals
	}
	out := []string{}
	for _, v := range vals {
		if slices.Contains(have, v) {
			out = append(out, v)
		}
	}
	return out
}

// pruneHivePartitions moves the objects of plan whose Hive partition
// folders (account=, region=, date= under table=cloudtrail, as `hunt
// convert` writes) rule them out under facts into plan.Pruned. archive
// reads only AWS's own layouts, so it keeps these; the date here is the
// events' UTC date, not a delivery date, so no delivery margin applies.
func pruneHivePartitions(plan *archive.Plan, facts archive.Facts) {
	if plan == nil {
		return
	}
	kept := plan.Objects[:0]
	for _, o := range plan.Objects {
		if r := hivePruneReason(o.Key, facts); r != "" {
			plan.Pruned = append(plan.Pruned, archive.Pruned{Object: o, Reason: r})
			plan.Bytes -= o.Size
			continue
		}
		kept = append(kept, o)
	}
	plan.Objects = kept
}

// hivePruneReason says why the object at key cannot hold rows matching
// facts, or "" when it may.
func hivePruneReason(key string, facts archive.Facts) string {
	if strings.HasPrefix(key[strings.LastIndexByte(key, '/')+1:], ".") {
		// The convert manifest and unfinished files: local planning skips
		// hidden files, S3 planning lists them.
		return "hidden"
	}
	if !hasSegment(key, hivePrefix(tableCloudTrail)) {
		return ""
	}
	if facts.Table != "" && facts.Table != tableCloudTrail {
		return "cloudtrail not in table " + facts.Table
	}
	for _, seg := range strings.Split(key, "/") {
		name, val, ok := strings.Cut(seg, "=")
		if !ok || val == "unknown" {
			continue
		}
		switch name {
		case "account":
			if len(facts.Accounts) > 0 && !slices.Contains(facts.Accounts, val) {
				return "partition account=" + val + " not in the query's accounts"
			}
		case "region":
			if len(facts.Regions) > 0 && !slices.Contains(facts.Regions, val) {
				return "partition region=" + val + " not in the query's regions"
			}
		case "date":
			day, err := time.Parse("2006-01-02", val)
			if err != nil {
				continue
			}
			if (!facts.Since.IsZero() && !day.AddDate(0, 0, 1).After(facts.Since)) || (!facts.Until.IsZero() && day.After(facts.Until)) {
				return fmt.Sprintf("partition date=%s outside %s..%s", val, fmtWhen(facts.Since), fmtWhen(facts.Until))
			}
		}
	}
	return ""
}

func fmtWhen(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
