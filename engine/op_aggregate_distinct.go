package engine

import (
	"iter"
	"slices"
	"sync/atomic"
)

// distinctState is count(DISTINCT x) and approx_distinct(x), which is
// exact here: the distinct (group, value ID) pairs. A group's first
// value is kept in first, the group's own slot, and only its other
// values go to a hash set of pairs: flow-log groups of a source and five
// minutes mostly see one or two ports and targets, so most rows find
// their pair in an array the size of the groups, not in a set several
// times larger than the caches.
type distinctState struct {
	g     grouper             // numbers the distinct values
	first []int32             // per group: its first value's ID + 1 (0: none yet)
	pairs flatTable[struct{}] // (group, value ID) pairs of values other than the group's first
	a     arena
}

// add records value ID v for group g (first has room for g).
func (s *distinctState) add(g, v int32) {
	switch f := s.first[g]; f {
	case v + 1:
	case 0:
		s.first[g] = v + 1
	default:
		s.pairs.put(uint64(uint32(g))<<32|uint64(uint32(v)), struct{}{})
	}
}

// allPairs yields every (group, value ID) pair once: the groups' first
// values in group order, then the set's in slot order (neither depends
// on the process).
func (s *distinctState) allPairs() iter.Seq[uint64] {
	return func(yield func(uint64) bool) {
		for g, f := range s.first {
			if f != 0 && !yield(uint64(uint32(g))<<32|uint64(uint32(f-1))) {
				return
			}
		}
		for p := range s.pairs.all() {
			if !yield(p) {
				return
			}
		}
	}
}

// npairs returns the number of pairs.
func (s *distinctState) npairs() int {
	n := s.pairs.len()
	for _, f := range s.first {
		if f != 0 {
			n++
		}
	}
	return n
}

func (s *distinctState) update(gids []int32, ng int, args []*vec) {
	s.a.reset()
	x := args[0]
	ids := s.g.groupIDs(&s.a, args, len(gids))
	s.first = growTo(s.first, ng)
	if x.null == nil && !x.isConst {
		// Fast path: no NULLs.
		for i, g := range gids {
			s.add(g, ids[i])
		}
		return
	}
	for i, g := range gids {
		if !x.isNull(i) {
			s.add(g, ids[i])
		}
	}
}

func (s *distinctState) reset() {
	s.g.reset()
	s.first = s.first[:0]
	s.pairs.reset()
}

func (s *distinctState) merge(o aggState, from, to []int32, ng int) {
	src := o.(*distinctState)
	s.first = growTo(s.first, ng)
	if len(from) == 0 {
		return
	}
	n := src.npairs()
	if n == 0 {
		return
	}
	gmap := make([]int32, slices.Max(from)+1) // src group → this state's, -1 if not merged
	fill(gmap, -1)
	for i, j := range from {
		gmap[j] = to[i]
	}
	// Number only the values of merged groups (a partition merges part
	// of src's groups), in src's value order so that this state does not
	// depend on map iteration order.
	distinctMerged.Add(2 * int64(n))
	vmap := make([]int32, src.g.ngroups) // src value ID → this state's
	fill(vmap, -1)
	for p := range src.allPairs() {
		if g := int32(p >> 32); int(g) < len(gmap) && gmap[g] >= 0 {
			vmap[int32(uint32(p))] = 0
		}
	}
	var used []int32
	for v, m := range vmap {
		if m == 0 {
			used = append(used, int32(v))
		}
	}
	if len(used) == 0 {
		return
	}
	s.a.reset()
	vals := src.g.groupVecs(&s.a)
	ids := s.g.groupIDs(&s.a, []*vec{gatherVec(&s.a, vals[0], used)}, len(used))
	for i, v := range used {
		vmap[v] = ids[i]
	}
	for p := range src.allPairs() {
		if g := int32(p >> 32); int(g) < len(gmap) && gmap[g] >= 0 {
			s.add(gmap[g], vmap[int32(uint32(p))])
		}
	}
}

func (s *distinctState) result(ng int) *column {
	c := newColumn(tInt)
	c.i = make([]int64, ng)
	c.null = make([]bool, ng)
	for g, f := range s.first[:min(len(s.first), ng)] {
		if f != 0 {
			c.i[g] = 1
		}
	}
	for p := range s.pairs.all() {
		c.i[int32(p>>32)]++
	}
	return c
}

// distinctMerged counts the pairs merges visited (for tests).
var distinctMerged atomic.Int64

// split takes s's pairs out of its table into one list per partition,
// part giving the partition of each group, and returns the lists
// (backed by one slice, in slot order). s keeps its values, for
// mergePairs.
func (s *distinctState) split(part []uint8) *[spillParts][]uint64 {
	var counts [spillParts]int
	for p := range s.allPairs() {
		counts[part[int32(p>>32)]]++
	}
	all := make([]uint64, 0, s.npairs())
	out := new([spillParts][]uint64)
	for q, n := range counts {
		out[q] = all[len(all) : len(all) : len(all)+n]
		all = all[:len(all)+n]
	}
	for p := range s.allPairs() {
		q := part[int32(p>>32)]
		out[q] = append(out[q], p)
	}
	s.pairs, s.first = flatTable[struct{}]{}, nil
	return out
}

// mergePairs is merge given only the pairs of src of one partition (as
// split returns them): src group j becomes this state's group
// ids[pos[j]], or is left out when that is negative. It visits each pair
// once.
func (s *distinctState) mergePairs(src *distinctState, pairs []uint64, pos, ids []int32) {
	if len(pairs) == 0 {
		return
	}
	distinctMerged.Add(int64(len(pairs)))
	// Number the values the pairs use, in their order of first use.
	var vmap flatTable[int32] // src value ID → index in used
	var used []int32
	for _, p := range pairs {
		if ids[pos[int32(p>>32)]] < 0 {
			continue
		}
		v := int32(uint32(p))
		if _, ok := vmap.put(uint64(v), int32(len(used))); !ok {
			used = append(used, v)
		}
	}
	s.a.reset()
	vals := src.g.groupVecs(&s.a)
	vids := s.g.groupIDs(&s.a, []*vec{gatherVec(&s.a, vals[0], used)}, len(used))
	if len(used) == 0 {
		return
	}
	for _, p := range pairs {
		g := ids[pos[int32(p>>32)]]
		if g < 0 {
			continue
		}
		j, _ := vmap.get(uint64(uint32(p)))
		s.first = growTo(s.first, int(g)+1)
		s.add(g, vids[j])
	}
}
