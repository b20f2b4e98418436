package engine

import (
	"cmp"
	"slices"
	"strings"
)

// sortKey is one ORDER BY key: a column slot, direction and null placement.
// Trino's default is NULLS LAST for both directions.
type sortKey struct {
	col        int
	desc       bool
	nullsFirst bool
}

// opSort is ORDER BY with an optional LIMIT (top-N). Each worker keeps
// its best rows (with a LIMIT, at most limit per chunk and 2·limit in
// total); flush merges the workers, sorts and emits. Rows equal on every
// key are ordered by all columns, so the order never depends on
// parallelism.
type opSort struct {
	base
	keys  []sortKey
	limit int64 // -1: none
	types []*dtype
	texts []string // SQL of the ORDER BY items, for Explain
	ws    []*sortState
}

type sortState struct {
	a    arena
	cols []*column
	cand []int32
	keys []*vec
	// bound is the first key of the limit-th best row kept so far (valid
	// when hasBound): rows that sort after it cannot make the top N.
	bound    *column
	hasBound bool
}

func (o *opSort) start(workers int) {
	o.ws = make([]*sortState, workers)
	for i := range o.ws {
		o.ws[i] = &sortState{cols: newColumns(o.types)}
	}
}

func (o *opSort) explain() string {
	by := strings.Join(o.texts, ", ")
	if o.limit >= 0 {
		return "top " + itoa(o.limit) + " by " + by + " (per-worker bound, merged)"
	}
	return "sort by " + by
}

func (o *opSort) push(w int, c *chunk) error {
	st := o.ws[w]
	var rows []int32
	if o.limit >= 0 {
		// Top-N: drop rows that sort after the bound, then keep at most
		// limit of the rest, so only candidates are copied.
		st.a.reset()
		st.keys = st.keys[:0]
		for _, k := range o.keys {
			st.keys = append(st.keys, flat(&st.a, c.col(k.col), c.n))
		}
		keys := st.keys
		st.cand = st.cand[:0]
		k0 := o.keys[0]
		for i := 0; i < c.n; i++ {
			if !st.hasBound || compareVecCol(keys[0], i, st.bound, 0, k0) <= 0 {
				st.cand = append(st.cand, int32(i))
			}
		}
		if int64(len(st.cand)) > o.limit {
			slices.SortFunc(st.cand, func(i, j int32) int {
				for n, k := range o.keys {
					if r := compareVecRows(keys[n], int(i), int(j), k); r != 0 {
						return r
					}
				}
				return cmp.Compare(i, j)
			})
			st.cand = st.cand[:o.limit]
		}
		if len(st.cand) == 0 {
			return nil
		}
		rows = st.cand
	}
	for i, col := range st.cols {
		col.appendVec(c.col(i), rows, c.n)
	}
	// Cut back to the top N (which sets the bound) as soon as there are
	// more, then only every BatchRows candidates.
	if n := int64(st.cols[0].len()); o.limit >= 0 && n > o.limit && (!st.hasBound || n > 2*o.limit+BatchRows) {
		st.cols = sortColumns(st.cols, o.keys, int(o.limit))
		if o.limit > 0 {
			kc := st.cols[o.keys[0].col]
			st.bound = newColumn(kc.t)
			st.bound.appendFrom(kc, int(o.limit)-1)
			st.hasBound = true
		}
	}
	return nil
}

// orderNulls orders two values when either is NULL, as key k places NULLs;
// ok is false when neither is.
func orderNulls(ni, nj bool, k sortKey) (r int, ok bool) {
	switch {
	case ni && nj:
		return 0, true
	case ni == nj:
		return 0, false
	case ni == k.nullsFirst:
		return -1, true
	}
	return 1, true
}

// compareVecCol orders row i of plain v against row j of c by key k.
func compareVecCol(v *vec, i int, c *column, j int, k sortKey) int {
	if r, ok := orderNulls(v.isNull(i), c.null[j], k); ok {
		return r
	}
	var r int
	switch {
	case v.t.isIntLike():
		r = cmp.Compare(v.i[i], c.i[j])
	case v.t.k == kDouble:
		r = cmp.Compare(v.f[i], c.f[j])
	case v.t.isStringy():
		r = strings.Compare(v.s[i], c.s[j])
	case v.t.k == kBool:
		r = cmp.Compare(b2i(v.b[i]), b2i(c.b[j]))
	}
	if k.desc {
		r = -r
	}
	return r
}

func (o *opSort) flush() error {
	all := newColumns(o.types)
	for _, st := range o.ws {
		for j := 0; j < st.cols[0].len(); j++ {
			for i, col := range st.cols {
				all[i].appendFrom(col, j)
			}
		}
	}
	all = sortColumns(all, o.keys, int(o.limit))
	if err := emitColumns(o.next, all); err != nil {
		return err
	}
	return o.next.flush()
}

// emitColumns pushes columns downstream as one chunk from worker 0.
func emitColumns(next op, cols []*column) error { return emitColumnsAs(next, 0, cols) }

// emitColumnsAs pushes columns downstream as one chunk from worker w.
func emitColumnsAs(next op, w int, cols []*column) error {
	if len(cols) == 0 || cols[0].len() == 0 {
		return nil
	}
	var a arena
	var c chunk
	c.reset(len(cols), &a)
	c.n = cols[0].len()
	for i, col := range cols {
		v := a.vec(col.t, c.n)
		col.toVec(v)
		c.cols[i] = v
	}
	return next.push(w, &c)
}

// compareVecRows orders rows i and j of plain v by key k.
func compareVecRows(v *vec, i, j int, k sortKey) int {
	if r, ok := orderNulls(v.isNull(i), v.isNull(j), k); ok {
		return r
	}
	var r int
	switch {
	case v.t.isIntLike():
		r = cmp.Compare(v.i[i], v.i[j])
	case v.t.k == kDouble:
		r = cmp.Compare(v.f[i], v.f[j])
	case v.t.isStringy():
		r = strings.Compare(v.s[i], v.s[j])
	case v.t.k == kBool:
		r = cmp.Compare(b2i(v.b[i]), b2i(v.b[j]))
	}
	if k.desc {
		r = -r
	}
	return r
}

// compareRows orders rows i and j of cols by keys, then by every column.
func compareRows(cols []*column, keys []sortKey, i, j int) int {
	for _, k := range keys {
		c := cols[k.col]
		ni, nj := c.null[i], c.null[j]
		switch {
		case ni && nj:
			continue
		case ni:
			if k.nullsFirst {
				return -1
			}
			return 1
		case nj:
			if k.nullsFirst {
				return 1
			}
			return -1
		}
		r := c.compare(i, j)
		if k.desc {
			r = -r
		}
		if r != 0 {
			return r
		}
	}
	for _, c := range cols {
		if r := c.compare(i, j); r != 0 {
			return r
		}
	}
	return 0
}

// sortColumns returns cols sorted by keys, cut to limit rows (limit < 0:
// all).
func sortColumns(cols []*column, keys []sortKey, limit int) []*column {
	if len(cols) == 0 {
		return cols
	}
	perm := sortPerm(cols, keys, limit)
	out := make([]*column, len(cols))
	for k, c := range cols {
		out[k] = takeRows(c, perm)
	}
	return out
}

// sortPerm returns the row numbers of cols in the order of keys, cut to
// limit rows (limit < 0: all).
func sortPerm(cols []*column, keys []sortKey, limit int) []int {
	n := cols[0].len()
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	slices.SortStableFunc(perm, func(i, j int) int { return compareRows(cols, keys, i, j) })
	if limit >= 0 && limit < n {
		perm = perm[:limit]
	}
	return perm
}

// takeRows returns a new column of the rows perm of c, in that order.
func takeRows(c *column, perm []int) *column {
	oc := newColumn(c.t)
	for _, p := range perm {
		oc.appendFrom(c, p)
	}
	return oc
}

// sliceColumns keeps the first n rows.
func sliceColumns(cols []*column, n int) []*column {
	out := make([]*column, len(cols))
	for k, c := range cols {
		oc := newColumn(c.t)
		for j := 0; j < n; j++ {
			oc.appendFrom(c, j)
		}
		out[k] = oc
	}
	return out
}
