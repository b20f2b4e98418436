package engine

import (
	"math/bits"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// A rule set (hunt run's hundreds of hunts over one pass) first routes each
// batch to the queries that can match it. Most rules pin a low-cardinality
// column to constants (eventname = 'StopLogging', eventsource IN (...),
// action = 'REJECT'); the readers dictionary-encode those columns per batch,
// so whether a batch holds any of a rule's values is a lookup of a few
// values in the batch's dictionary, done once per batch for all rules,
// instead of running the rule's filter over every row. Past the batch,
// [Gate.Rows] routes rows: each gated column's rows are bucketed by value
// once per batch, and each rule is pushed only the rows holding one of its
// values ([Run.PushRows]).

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

// Values returns what g requires of column col: one of exact, or (when
// exact is nil) a value that lower-cases to one of folded; ok is false
// when g does not look at col. A gate that looks at col both ways admits
// fewer rows than exact alone says.
func (g Gate) Values(col string) (exact, folded []string, ok bool) {
	for i, c := range g.cols {
		switch {
		case c != col:
		case g.fold == nil || !g.fold[i]:
			return g.vals[i], nil, true
		case folded == nil:
			folded, ok = g.vals[i], true
		}
	}
	return nil, folded, ok
}

// BatchValues holds, for one batch, the distinct values of its
// dictionary-encoded top-level string columns, for [Gate.Admits]. Reset it
// per batch; it keeps its maps across batches. Not safe for concurrent
// use: one per worker.
type BatchValues struct {
	b    arrow.RecordBatch
	sets map[string]map[string]bool // column → values present; absent: not looked at yet
	none map[string]bool            // columns that are not dictionary-encoded (or absent)
	// idx is, per gated column, the batch's rows bucketed by value, built
	// on the first [Gate.Rows] that looks at the column (built: this batch).
	idx map[string]*rowIndex
	// out holds the rows the last [Gate.Rows] returned when they are not
	// one bucket of idx; ok marks, per dictionary code of a column being
	// narrowed, whether the gate admits it. Both sized by the batch, one
	// per worker, shared by every hunt.
	out []int32
	ok  []bool
	// ids and ids2: scratch for the value ids a gate admits ([Gate.ids]).
	ids, ids2 []int32
}

// rowIndex is one dictionary column of a batch with its rows bucketed by
// value (a counting sort of the codes): the rows of value id k are
// rows[start[k]:start[k+1]], ascending. A value's id is the first
// dictionary code holding it, so a dictionary with repeated entries still
// gives each value one bucket.
//
// Example: codes [2 0 2 1] over dictionary [A B C] → ids {A:0 B:1 C:2},
// start [0 1 2 4], rows [1 3 0 2].
type rowIndex struct {
	built bool
	id    map[string]int32 // value → id; keys point into the batch, cleared by Reset
	canon []int32          // dictionary code → value id, -1 for a NULL entry
	// codes are the batch's codes with each NULL row's code replaced by
	// len(canon), a code past the dictionary (Arrow memory when no row is
	// NULL, else a copy in own): a NULL row holds any number, so the
	// loops over every row read these instead of testing validity.
	codes []int32
	own   []int32
	// slot is, per code of codes, its value id plus one, 0 for a NULL
	// entry or a NULL row (len(canon)+1 entries): the counter a row adds
	// to and the bucket place puts it in, so neither loop branches.
	slot   []int32
	start  []int32 // per id, plus one: offsets into rows
	count  []int32 // scratch: rows per slot
	placed bool    // rows holds this batch's rows (see place)
	// rows are the batch's rows grouped by value id (then the rows of
	// slot 0, NULL, past start[len(canon)]).
	rows []int32
	pos  []int32 // scratch: next free position per slot while filling rows

	lower      map[string][]int32 // lower-cased value → ids, for case-insensitive gates
	lowerBuilt bool
}

// ids returns the value ids of ix whose values gate column i admits
// (each once), appended to buf[:0]: exact values, or for a
// case-insensitive column the values that lower-case to one of its.
func (g Gate) ids(i int, ix *rowIndex, buf []int32) []int32 {
	buf = buf[:0]
	if g.fold != nil && g.fold[i] {
		if !ix.lowerBuilt {
			if ix.lower == nil {
				ix.lower = map[string][]int32{}
			}
			for val, id := range ix.id {
				k := strings.ToLower(val) // lower()'s result, as the folded comparisons
				ix.lower[k] = append(ix.lower[k], id)
			}
			ix.lowerBuilt = true
		}
		for _, x := range g.vals[i] {
			for _, id := range ix.lower[x] {
				if !slices.Contains(buf, id) {
					buf = append(buf, id)
				}
			}
		}
		return buf
	}
	for _, x := range g.vals[i] {
		if id, ok := ix.id[x]; ok && !slices.Contains(buf, id) {
			buf = append(buf, id)
		}
	}
	return buf
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
	for _, ix := range v.idx {
		ix.built = false
		clear(ix.id)
		clear(ix.lower)
		ix.lowerBuilt = false
		ix.codes = nil
	}
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

// Rows returns the rows of the batch v describes that may satisfy g: the
// rows whose gated dictionary columns hold one of the gate's values. all
// is true (and rows nil) when every row may, because g is open, no gated
// column is dictionary-encoded or every row holds an admitted value; push
// the whole batch then. Otherwise rows lists the candidate rows,
// ascending; empty when none may satisfy g.
//
// This is row-level routing: each gated column's values are looked up
// once per dictionary entry per batch, for all gates, and a hunt is
// pushed only its candidate rows ([Run.PushRows]) instead of running its
// filter over the whole batch. rows is valid until the next call of Rows
// or Reset on v, and must not be modified.
func (g Gate) Rows(v *BatchValues) (rows []int32, all bool) {
	n := int(v.b.NumRows())
	// The most selective indexed column gives the candidates; the others
	// narrow them.
	best, bestN, narrow := -1, n+1, 0
	for i, c := range g.cols {
		ix := v.index(c)
		if ix == nil {
			continue
		}
		m := 0
		v.ids = g.ids(i, ix, v.ids)
		for _, id := range v.ids {
			m += int(ix.start[id+1] - ix.start[id])
		}
		if m == 0 {
			return nil, false
		}
		if m < n {
			narrow++
		}
		if m < bestN {
			best, bestN = i, m
		}
	}
	if best < 0 || narrow == 0 {
		return nil, true
	}
	ix := v.idx[g.cols[best]]
	ix.place()
	v.ids = g.ids(best, ix, v.ids)
	present := v.ids
	if len(present) == 1 && narrow == 1 {
		// Fast path: one value of one column is one bucket, shared as is.
		return ix.rows[ix.start[present[0]]:ix.start[present[0]+1]], false
	}
	out := v.out[:0]
	for _, id := range present {
		out = append(out, ix.rows[ix.start[id]:ix.start[id+1]]...)
	}
	if len(present) > 1 {
		slices.Sort(out)
	}
	for i, c := range g.cols {
		if i == best {
			continue
		}
		jx := v.index(c)
		if jx == nil {
			continue
		}
		ok := grow(&v.ok, len(jx.canon)+1) // ok[len(jx.canon)]: a NULL row's code
		clear(ok)
		v.ids2 = g.ids(i, jx, v.ids2)
		for _, id := range v.ids2 {
			for k, cid := range jx.canon {
				if cid == id {
					ok[k] = true
				}
			}
		}
		kept, codes := out[:0], jx.codes
		for _, r := range out {
			if ok[codes[r]] {
				kept = append(kept, r)
			}
		}
		out = kept
	}
	v.out = out
	if len(out) == n {
		return nil, true
	}
	return out, false
}

// index returns column c's rows bucketed by value, or nil when c is not
// a dictionary of strings with int32 codes.
func (v *BatchValues) index(c string) *rowIndex {
	if v.none[c] {
		return nil
	}
	if ix := v.idx[c]; ix != nil && ix.built {
		return ix
	}
	idx := v.b.Schema().FieldIndices(c)
	if len(idx) != 1 {
		v.none[c] = true
		return nil
	}
	d, ok := v.b.Column(idx[0]).(*array.Dictionary)
	if !ok {
		v.none[c] = true
		return nil
	}
	dict, ok1 := d.Dictionary().(*array.String)
	codes, ok2 := d.Indices().(*array.Int32)
	if !ok1 || !ok2 {
		v.none[c] = true
		return nil
	}
	if v.idx == nil {
		v.idx = map[string]*rowIndex{}
	}
	ix := v.idx[c]
	if ix == nil {
		ix = &rowIndex{id: map[string]int32{}}
		v.idx[c] = ix
	}
	ix.built = true
	nd := dict.Len()
	ix.canon = growSlots(&ix.canon, nd)
	slot := growSlots(&ix.slot, nd+1)
	for k := range nd {
		if dict.IsNull(k) {
			ix.canon[k], slot[k] = -1, 0
			continue
		}
		val := dict.Value(k)
		id, seen := ix.id[val]
		if !seen {
			id = int32(k)
			ix.id[val] = id
		}
		ix.canon[k], slot[k] = id, id+1
	}
	slot[nd] = 0 // a NULL row
	n := int(v.b.NumRows())
	ix.codes = codes.Int32Values()[:n]
	if d.NullN() > 0 {
		ix.codes = nullCodes(&ix.own, ix.codes, d.NullBitmapBytes(), d.Data().Offset(), int32(nd))
	}
	// Counting sort: count per id and prefix sums here; the rows are
	// placed by place, once the column is some gate's best.
	count := growSlots(&ix.count, nd+1)
	clear(count)
	for _, code := range ix.codes {
		count[slot[code]]++
	}
	start := growSlots(&ix.start, nd+1)
	start[0] = 0
	for k := range nd {
		start[k+1] = start[k] + count[k+1]
	}
	ix.placed = false
	return ix
}

// nullCodes returns codes copied into *own with the code of each row
// whose bit in the validity bitmap valid (from bit off) is clear set to
// null.
func nullCodes(own *[]int32, codes []int32, valid []byte, off int, null int32) []int32 {
	out := growSlots(own, len(codes))
	copy(out, codes)
	for r0 := 0; r0 < len(out); r0 += 64 {
		i := off + r0
		w := bitmapWord(valid, i>>6) >> (i & 63)
		if i&63 != 0 {
			w |= bitmapWord(valid, i>>6+1) << (64 - i&63)
		}
		w = ^w
		if m := len(out) - r0; m < 64 {
			w &= 1<<m - 1
		}
		for ; w != 0; w &= w - 1 {
			out[r0+bits.TrailingZeros64(w)] = null
		}
	}
	return out
}

// place fills ix.rows: the batch's rows grouped by value id, each group
// ascending. Only a column some gate narrows by first needs its rows
// placed; the others' counts suffice.
func (ix *rowIndex) place() {
	if ix.placed {
		return
	}
	ix.placed = true
	nd := len(ix.canon)
	pos := growSlots(&ix.pos, nd+1)
	copy(pos[1:], ix.start[:nd])
	pos[0] = ix.start[nd] // NULL rows after every bucket
	rows := grow(&ix.rows, len(ix.codes))
	slot := ix.slot
	for r, code := range ix.codes {
		s := slot[code]
		rows[pos[s]] = int32(r)
		pos[s]++
	}
	ix.rows = rows
}
