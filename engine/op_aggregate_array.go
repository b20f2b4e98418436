package engine

import "slices"

// ArrayAggLimit bounds array_agg: it keeps the ArrayAggLimit smallest
// values of each group, sorted, so memory is bounded and the result does
// not depend on parallelism.
const ArrayAggLimit = 1000

// arrayAggState is array_agg(x), bounded by [ArrayAggLimit].
type arrayAggState struct {
	t        *dtype
	distinct bool // array_agg(DISTINCT x)
	lists    [][]any
	// interned holds one boxed copy of each string value boxed so far (at
	// most internLimit): "$path", a region, an event name repeat in group
	// after group, and boxing each occurrence cloned the string per row
	// (hunt run's flow hunts: array_agg(DISTINCT "$path") over millions
	// of groups held one copy of an object's key per group).
	interned map[string]any
}

// internLimit bounds arrayAggState.interned: high-cardinality values past
// it are boxed one by one, as they would be kept anyway.
const internLimit = 4096

// box returns row i of plain x boxed, strings through interned.
func (s *arrayAggState) box(x *vec, i int) any {
	if !x.t.isStringy() || x.isNull(i) {
		return boxValue(x, i)
	}
	if b, ok := s.interned[x.s[i]]; ok {
		return b
	}
	b := boxValue(x, i)
	if len(s.interned) < internLimit {
		if s.interned == nil {
			s.interned = map[string]any{}
		}
		s.interned[b.(string)] = b
	}
	return b
}

func (s *arrayAggState) update(gids []int32, ng int, args []*vec) {
	s.lists = growTo(s.lists, ng)
	x := args[0]
	for i, g := range gids {
		if s.distinct && len(s.lists[g]) > 0 && equalsBoxed(x, i, s.lists[g][len(s.lists[g])-1]) {
			continue // a run of one value (eventname, "$path" of one object) boxes once
		}
		s.lists[g] = append(s.lists[g], s.box(x, i))
		if len(s.lists[g]) >= 2*ArrayAggLimit {
			s.lists[g] = trimAgg(s.lists[g], s.distinct)
		}
	}
}

// equalsBoxed reports whether row i of plain x is the boxed value b
// (scalars only; other values are never equal here).
func equalsBoxed(x *vec, i int, b any) bool {
	if x.isNull(i) {
		return b == nil
	}
	switch {
	case x.t.isStringy():
		v, ok := b.(string)
		return ok && v == x.s[i]
	case x.t.isIntLike():
		v, ok := b.(int64)
		return ok && v == x.i[i]
	case x.t.k == kBool:
		v, ok := b.(bool)
		return ok && v == x.b[i]
	}
	return false
}

func trimAgg(l []any, distinct bool) []any {
	slices.SortStableFunc(l, compareAny)
	if distinct {
		l = slices.CompactFunc(l, func(a, b any) bool { return compareAny(a, b) == 0 })
	}
	if len(l) > ArrayAggLimit {
		l = l[:ArrayAggLimit]
	}
	return l
}

func (s *arrayAggState) merge(o aggState, from, to []int32, ng int) {
	s.lists = growTo(s.lists, ng)
	src := o.(*arrayAggState).lists
	for i, j := range from {
		if int(j) >= len(src) {
			continue
		}
		l, g := src[j], to[i]
		if s.lists[g] == nil {
			// Fast path: the group's first values; move src's list
			// rather than copy it (see aggState.merge).
			s.lists[g], src[j] = l, nil
			continue
		}
		s.lists[g] = append(s.lists[g], l...)
		if len(s.lists[g]) >= 2*ArrayAggLimit {
			s.lists[g] = trimAgg(s.lists[g], s.distinct)
		}
	}
}

func (s *arrayAggState) result(ng int) *column {
	s.lists = growTo(s.lists, ng)
	vals := make([]any, ng)
	for g, l := range s.lists[:ng] {
		if len(l) == 0 {
			continue // array_agg over no rows is NULL
		}
		vals[g] = trimAgg(l, s.distinct)
	}
	return columnOfValues(s.t, vals)
}

// arrayAggIDState is array_agg(x) and array_agg(DISTINCT x) of an
// integer-like, string or boolean x (not double: grouping folds 0.0 and
// -0.0, which array_agg keeps apart): the result of arrayAggState, kept
// as numbers. A value table numbers x's distinct values, and a group
// holds value IDs: its only value in first, pointer-free, or a list in
// more once it has two. The flow-log hunts' array_agg(DISTINCT "$path")
// over millions of groups of a few rows each spent as much time boxing
// each group's one value into a list of its own, and building its result
// list, as grouping the rows; a list of pointers per group also kept the
// collector busy.
type arrayAggIDState struct {
	t        *dtype // the result type, array(x)
	distinct bool
	vals     grouper // numbers x's values: value ID = index in vals.vals[0]
	// first, per group: value ID + 1 of its only value; 0: no value yet;
	// -(i + 1): its values are more[i].
	first []int32
	more  [][]int32
	boxed []any // per value ID: the value boxed, nil until needed
	// single, per value ID: the result of a group of that one value, a
	// list shared by all such groups (results are never modified).
	single []any
	a      arena
}

// arrayAggByID reports whether array_agg over values of type t can keep
// value IDs (arrayAggIDState).
func arrayAggByID(t *dtype) bool { return t.isIntLike() || t.isStringy() || t.k == kBool }

func newArrayAggIDState(ag *aggCall) *arrayAggIDState {
	return &arrayAggIDState{t: ag.t, distinct: ag.name == "array_agg_distinct", vals: newGrouper(ag.argTypes[:1])}
}

func (s *arrayAggIDState) update(gids []int32, ng int, args []*vec) {
	s.first = growTo(s.first, ng)
	s.a.reset()
	ids := s.vals.groupIDs(&s.a, args[:1], len(gids))
	for i, g := range gids {
		s.add(g, ids[i])
	}
}

func (s *arrayAggIDState) reset() {
	s.vals.reset()
	s.first, s.more, s.boxed, s.single = s.first[:0], s.more[:0], s.boxed[:0], s.single[:0]
}

// add appends value id to group g's values; array_agg(DISTINCT x) skips
// a run of one value (eventname, "$path" of one object).
func (s *arrayAggIDState) add(g, id int32) {
	switch f := s.first[g]; {
	case f == 0:
		s.first[g] = id + 1
	case f > 0:
		if s.distinct && f-1 == id {
			return
		}
		s.first[g] = -int32(len(s.more)) - 1
		s.more = append(s.more, []int32{f - 1, id})
	default:
		l := s.more[-f-1]
		if s.distinct && l[len(l)-1] == id {
			return
		}
		l = append(l, id)
		if len(l) >= 2*ArrayAggLimit {
			l = s.trim(l)
		}
		s.more[-f-1] = l
	}
}

// box returns value id boxed as boxValue boxes it.
func (s *arrayAggIDState) box(id int32) any {
	if int(id) >= len(s.boxed) {
		s.boxed = growTo(s.boxed, s.vals.vals[0].len())
	}
	if s.boxed[id] == nil {
		col := s.vals.vals[0]
		switch t := col.t; {
		case col.null[id]:
			return nil
		case t.isIntLike():
			s.boxed[id] = col.i[id]
		case t.isStringy():
			s.boxed[id] = col.s[id] // the value table's own copy
		case t.k == kBool:
			s.boxed[id] = col.b[id]
		}
	}
	return s.boxed[id]
}

// trim keeps the ArrayAggLimit smallest values of l, sorted (and
// distinct for array_agg(DISTINCT x)), as trimAgg does with boxed
// values: a value has one ID, so equal IDs are equal values.
func (s *arrayAggIDState) trim(l []int32) []int32 {
	slices.SortStableFunc(l, func(a, b int32) int { return compareAny(s.box(a), s.box(b)) })
	if s.distinct {
		l = slices.Compact(l)
	}
	if len(l) > ArrayAggLimit {
		l = l[:ArrayAggLimit]
	}
	return l
}

func (s *arrayAggIDState) merge(o aggState, from, to []int32, ng int) {
	s.first = growTo(s.first, ng)
	src := o.(*arrayAggIDState)
	tr := s.translator(src)
	for i, j := range from {
		if int(j) >= len(src.first) {
			continue
		}
		switch f := src.first[j]; {
		case f > 0:
			s.add(to[i], tr.id(f-1))
		case f < 0:
			for _, id := range src.more[-f-1] {
				s.add(to[i], tr.id(id))
			}
		}
	}
}

// idTranslator gives a state's value IDs for another state's, numbering
// them on first use.
type idTranslator struct {
	s   *arrayAggIDState
	v   *vec    // the other state's values
	ids []int32 // other value ID → s's + 1 (0: not yet)
}

func (s *arrayAggIDState) translator(src *arrayAggIDState) idTranslator {
	s.a.reset()
	col := src.vals.vals[0]
	v := s.a.vec(col.t, col.len())
	col.toVec(v)
	return idTranslator{s: s, v: v, ids: make([]int32, col.len())}
}

func (tr *idTranslator) id(j int32) int32 {
	if tr.ids[j] == 0 {
		g := &tr.s.vals
		tr.ids[j] = g.valueID(&g.maps[0], 0, tr.v, int(j), tr.v.isNull(int(j))) + 1
	}
	return tr.ids[j] - 1
}

func (s *arrayAggIDState) result(ng int) *column {
	s.first = growTo(s.first, ng)
	c := newColumn(s.t)
	c.null = make([]bool, ng)
	c.x = make([]any, ng)
	for g, f := range s.first[:ng] {
		switch {
		case f == 0:
			c.null[g] = true // array_agg over no rows is NULL
		case f > 0:
			c.x[g] = s.singleList(f - 1)
		default:
			l := s.trim(s.more[-f-1])
			vals := make([]any, len(l))
			for i, id := range l {
				vals[i] = s.box(id)
			}
			c.x[g] = vals
		}
	}
	return c
}

// singleList returns the result of a group whose one value is id.
func (s *arrayAggIDState) singleList(id int32) any {
	if int(id) >= len(s.single) {
		s.single = growTo(s.single, s.vals.vals[0].len())
	}
	if s.single[id] == nil {
		s.single[id] = []any{s.box(id)}
	}
	return s.single[id]
}
