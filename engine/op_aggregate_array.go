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
