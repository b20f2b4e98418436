package engine

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// A rule set (hunt run's hundreds of hunts over one pass) first routes each
// batch to the queries that can match it. Most rules pin a low-cardinality
// column to constants (eventname = 'StopLogging', eventsource IN (...),
// action = 'REJECT'); the readers dictionary-encode those columns per batch,
// so whether a batch holds any of a rule's values is a lookup of a few
// values in the batch's dictionary, done once per batch for all rules,
// instead of running the rule's filter over every row.

// Gate is what a query's WHERE clauses require of the rows of one table:
// each listed column must equal one of its values (the [Pruning.Equal]
// facts). A batch none of whose rows can satisfy it needs not be pushed.
// The zero Gate admits every batch.
type Gate struct {
	cols []string
	vals [][]string
	fold []bool // vals[i] are lower-case values of lower(cols[i]) (gate_fold.go)
}

// Gate returns the gate of q's reads of table.
func (q *Query) Gate(table string) Gate {
	var g Gate
	eq := q.Pruning(table).Equal
	for _, c := range slices.Sorted(mapKeys(eq)) {
		g.cols = append(g.cols, c)
		g.vals = append(g.vals, eq[c])
	}
	g.addFold(q.Pruning(table).EqualFold)
	return g
}

func mapKeys(m map[string][]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// IsOpen reports whether g admits every batch.
func (g Gate) IsOpen() bool { return len(g.cols) == 0 }

// Columns returns the columns g looks at.
func (g Gate) Columns() []string { return g.cols }

// BatchValues holds, for one batch, the distinct values of its
// dictionary-encoded top-level string columns, for [Gate.Admits]. Reset it
// per batch; it keeps its maps across batches. Not safe for concurrent
// use: one per worker.
type BatchValues struct {
	b    arrow.RecordBatch
	sets map[string]map[string]bool // column → values present; absent: not looked at yet
	none map[string]bool            // columns that are not dictionary-encoded (or absent)
}

// Reset makes v describe b.
func (v *BatchValues) Reset(b arrow.RecordBatch) {
	v.b = b
	if v.sets == nil {
		v.sets, v.none = map[string]map[string]bool{}, map[string]bool{}
	}
	for _, s := range v.sets {
		clear(s)
	}
	clear(v.none)
}

// values returns the values of column c present in the batch, or nil when
// they cannot be told cheaply (the column is not a dictionary of strings).
func (v *BatchValues) values(c string) map[string]bool {
	if v.none[c] {
		return nil
	}
	if s := v.sets[c]; len(s) > 0 {
		return s
	}
	idx := v.b.Schema().FieldIndices(c)
	var dict *array.String
	var d *array.Dictionary
	if len(idx) == 1 {
		if dd, ok := v.b.Column(idx[0]).(*array.Dictionary); ok {
			d = dd
			dict, _ = dd.Dictionary().(*array.String)
		}
	}
	if dict == nil {
		v.none[c] = true
		return nil
	}
	s := v.sets[c]
	if s == nil {
		s = map[string]bool{}
		v.sets[c] = s
	}
	// The dictionary is the batch's own, but entries may be unused by any
	// valid row; both only make the gate admit more, never less.
	for i := range dict.Len() {
		s[dict.Value(i)] = true
	}
	if d.NullN() == d.Len() {
		clear(s)
		s[""] = false // all NULL: no value matches; keep the set non-empty
	}
	return s
}

// Admits reports whether some row of the batch v describes may satisfy g:
// false only when a gated column is dictionary-encoded and holds none of
// the gate's values.
func (g Gate) Admits(v *BatchValues) bool {
	for i, c := range g.cols {
		s := v.values(c)
		if s == nil {
			continue
		}
		if g.fold != nil && g.fold[i] {
			if !admitsFold(s, g.vals[i]) {
				return false
			}
			continue
		}
		if !slices.ContainsFunc(g.vals[i], func(x string) bool { return s[x] }) {
			return false
		}
	}
	return true
}
