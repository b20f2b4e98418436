package engine

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/hunt-sec/hunt/parsers"
)

// Pruning is what a query's WHERE clause implies about the objects worth
// opening: rows outside [Since, Until] or from other accounts or regions
// cannot match. Zero times and nil lists mean "no restriction". archive
// widens the time range by its own delivery margin; the engine still
// filters every row.
type Pruning struct {
	Since, Until time.Time
	Accounts     []string // the table's AccountColumn (recipientaccountid, account_id)
	Regions      []string // the table's RegionColumn (awsregion, region)
	// Equal maps a column path ("eventname", "useridentity.arn") to the
	// string values the WHERE clause ANDs it to equal one of, for skipping
	// Parquet row groups by statistics (see [parsers.Pruning]).
	Equal map[string][]string
	// EqualFold maps a column path to the lower-case values the WHERE
	// clause ANDs its lower() to equal one of (lower(eventname) IN (...),
	// as Sigma rules compare), for the case-insensitive gate (gate_fold.go).
	EqualFold map[string][]string
	// EqualInt maps an integer column's path ("dstport") to the values
	// the WHERE clause ANDs it to equal one of, for Parquet readers.
	EqualInt map[string][]int64
}

// facts is Pruning during analysis; nil pointers and lists mean unbounded.
type facts struct {
	since, until      *int64 // microseconds
	accounts, regions []string
	equal             map[string][]string // column path → allowed values; absent = any
	fold              map[string][]string // column path → allowed lower-case values of lower(column)
	ints              map[string][]string // integer column path → allowed values, in decimal
}

// pruneFacts analyzes a WHERE expression over a base table t.
func pruneFacts(t *parsers.Table, e expr) facts {
	switch x := e.(type) {
	case *exprAnd:
		return andFacts(pruneFacts(t, x.l), pruneFacts(t, x.r))
	case *exprOr:
		return orFacts(pruneFacts(t, x.l), pruneFacts(t, x.r))
	case *exprCmp:
		return cmpFacts(t, x.op, x.l, x.r)
	case *exprFunc:
		if f, ok := foldFacts(t, x); ok {
			return f // the case-folded forms (gate_fold.go)
		}
		if x.set == nil {
			return facts{}
		}
		col, ok := x.args[0].(*exprCol)
		if !ok || len(x.set.strs) == 0 || x.set.hasNull {
			return facts{}
		}
		var vals []string
		for s := range x.set.strs {
			vals = append(vals, s)
		}
		slices.Sort(vals)
		return stringFacts(t, col.path, vals)
	}
	return facts{}
}

// stringFacts: col.path equals one of vals.
func stringFacts(t *parsers.Table, path string, vals []string) facts {
	if p := t.PartitionNamed(path); p != nil {
		return partitionFacts(p, opEq, vals)
	}
	f := facts{equal: map[string][]string{path: vals}}
	switch path {
	case t.AccountColumn:
		f.accounts = vals
	case t.RegionColumn:
		f.regions = vals
	}
	return f
}

// partitionFacts: partition column p compared with op to one of vals (one
// value unless op is =). Account and region partitions select accounts
// and regions; a date partition bounds the delivery dates read, as
// partition projection does on Athena.
func partitionFacts(p *parsers.Partition, op cmpOp, vals []string) facts {
	switch p.Kind {
	case parsers.PartitionAccount:
		if op == opEq {
			return facts{accounts: vals}
		}
	case parsers.PartitionRegion:
		if op == opEq {
			return facts{regions: vals}
		}
	case parsers.PartitionDate:
		var f facts
		layout := p.DateLayout
		if p.IsDate {
			layout = time.DateOnly
		}
		for i, v := range vals {
			day, err := time.Parse(layout, v)
			if err != nil {
				return facts{}
			}
			next := day.AddDate(0, 0, 1)
			if p.Hourly {
				next = day.Add(time.Hour)
			}
			lo, hi := day.UnixMicro(), next.UnixMicro()
			var g facts
			switch op {
			case opEq:
				g.since, g.until = &lo, &hi
			case opGe:
				g.since = &lo
			case opGt:
				g.since = &hi
			case opLt:
				g.until = &lo
			case opLe:
				g.until = &hi
			}
			if i == 0 {
				f = g
			} else {
				f = orFacts(f, g)
			}
		}
		return f
	}
	return facts{}
}

func cmpFacts(t *parsers.Table, op cmpOp, l, r expr) facts {
	if _, ok := l.(*exprConst); ok {
		l, r, op = r, l, op.flip()
	}
	k, ok := r.(*exprConst)
	if !ok || k.v.isNull(0) || op == opNe {
		return facts{}
	}
	v := k.v
	// A comparison of a partition column with a string (or a date).
	if col, ok := l.(*exprCol); ok {
		if p := t.PartitionNamed(col.path); p != nil {
			switch {
			case v.t.isText() && !p.IsDate:
				return partitionFacts(p, op, []string{v.s[0]})
			case v.t.k == kDate && p.IsDate:
				return partitionFacts(p, op, []string{time.UnixMicro(v.i[0]).UTC().Format(time.DateOnly)})
			}
			return facts{}
		}
	}
	// A string equality on a column.
	if col, ok := l.(*exprCol); ok && v.t.isText() && op == opEq {
		return stringFacts(t, col.path, []string{v.s[0]})
	}
	us, ok := timeBound(t, l, v)
	if !ok {
		// An integer equality on a column.
		if col, ok := l.(*exprCol); ok && col.path != "" && col.t.k == kInt && v.t.k == kInt && op == opEq {
			return facts{ints: map[string][]string{col.path: {strconv.FormatInt(v.i[0], 10)}}}
		}
		return facts{}
	}
	var f facts
	switch op {
	case opGt, opGe:
		f.since = &us
	case opLt, opLe:
		f.until = &us
	case opEq:
		f.since, f.until = &us, &us
	}
	return f
}

// timeBound recognizes one of t's time columns compared with constant v
// and returns v in microseconds: for ISO text (eventtime) the column and
// from_iso8601_timestamp(column); for Unix seconds (start, end) the column,
// possibly cast to double, and from_unixtime(column).
func timeBound(t *parsers.Table, l expr, v *vec) (int64, bool) {
	unwrapCast := func(e expr) expr {
		if f, ok := e.(*exprFunc); ok && f.name == "cast" {
			return f.args[0]
		}
		return e
	}
	switch x := unwrapCast(l).(type) {
	case *exprCol:
		switch {
		case !slices.Contains(t.TimeColumns, x.path):
		case t.TimeUnit == parsers.TimeISO8601 && v.t.isText():
			return parseTimestamp(v.s[0])
		case t.TimeUnit == parsers.TimeUnixSeconds:
			switch v.t.k {
			case kInt:
				return v.i[0] * 1_000_000, true
			case kDouble:
				return int64(v.f[0] * 1e6), true
			}
		}
	case *exprFunc:
		if len(x.args) != 1 || v.t.k != kTimestamp {
			return 0, false
		}
		col, ok := unwrapCast(x.args[0]).(*exprCol)
		if !ok {
			return 0, false
		}
		if !slices.Contains(t.TimeColumns, col.path) {
			return 0, false
		}
		if (x.name == "from_iso8601_timestamp" && t.TimeUnit == parsers.TimeISO8601) ||
			(x.name == "from_unixtime" && t.TimeUnit == parsers.TimeUnixSeconds) {
			return v.i[0], true
		}
	}
	return 0, false
}

func andFacts(a, b facts) facts {
	f := a
	if b.since != nil && (f.since == nil || *b.since > *f.since) {
		f.since = b.since
	}
	if b.until != nil && (f.until == nil || *b.until < *f.until) {
		f.until = b.until
	}
	f.accounts = intersect(a.accounts, b.accounts)
	f.regions = intersect(a.regions, b.regions)
	f.equal = maps.Clone(a.equal)
	for k, v := range b.equal {
		if f.equal == nil {
			f.equal = map[string][]string{}
		}
		f.equal[k] = intersect(f.equal[k], v)
	}
	f.fold = andEqual(a.fold, b.fold)
	f.ints = andEqual(a.ints, b.ints)
	return f
}

func orFacts(a, b facts) facts {
	var f facts
	if a.since != nil && b.since != nil {
		f.since = a.since
		if *b.since < *a.since {
			f.since = b.since
		}
	}
	if a.until != nil && b.until != nil {
		f.until = a.until
		if *b.until > *a.until {
			f.until = b.until
		}
	}
	f.accounts = union(a.accounts, b.accounts)
	f.regions = union(a.regions, b.regions)
	for k, av := range a.equal {
		if bv, ok := b.equal[k]; ok {
			if f.equal == nil {
				f.equal = map[string][]string{}
			}
			f.equal[k] = union(av, bv)
		}
	}
	f.fold = orEqual(a.fold, b.fold)
	f.ints = orEqual(a.ints, b.ints)
	return f
}

// intersect of two restrictions (nil = any).
func intersect(a, b []string) []string {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	out := []string{}
	for _, s := range a {
		if slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// union of two restrictions (nil = any).
func union(a, b []string) []string {
	if a == nil || b == nil {
		return nil
	}
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

func (f facts) pruning() Pruning {
	var p Pruning
	if f.since != nil {
		p.Since = time.UnixMicro(*f.since).UTC()
	}
	if f.until != nil {
		p.Until = time.UnixMicro(*f.until).UTC()
	}
	p.Accounts, p.Regions = f.accounts, f.regions
	p.Equal = f.equal
	p.EqualFold = f.fold
	for k, vals := range f.ints {
		if p.EqualInt == nil {
			p.EqualInt = map[string][]int64{}
		}
		ints := []int64{} // none: no row matches
		for _, v := range vals {
			n, _ := strconv.ParseInt(v, 10, 64) // written by cmpFacts
			ints = append(ints, n)
		}
		p.EqualInt[k] = ints
	}
	return p
}
