package engine

import (
	"slices"
	"sync/atomic"
)

// distinctState is count(DISTINCT x) and approx_distinct(x), which is
// exact here: (group, value ID) pairs in a set.
type distinctState struct {
	g     grouper             // numbers the distinct values
	pairs flatTable[struct{}] // (group, value ID) pairs
	a     arena
}

func (s *distinctState) update(gids []int32, ng int, args []*vec) {
	s.a.reset()
	x := args[0]
	ids := s.g.groupIDs(&s.a, args, len(gids))
	for i, g := range gids {
		if x.isNull(i) {
			continue
		}
		s.pairs.put(uint64(uint32(g))<<32|uint64(uint32(ids[i])), struct{}{})
	}
}

func (s *distinctState) reset() {
	s.g.reset()
	s.pairs.reset()
}

func (s *distinctState) merge(o aggState, from, to []int32, ng int) {
	src := o.(*distinctState)
	if src.pairs.len() == 0 || len(from) == 0 {
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
	distinctMerged.Add(2 * int64(src.pairs.len()))
	vmap := make([]int32, src.g.ngroups) // src value ID → this state's
	fill(vmap, -1)
	for p := range src.pairs.all() {
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
	for p := range src.pairs.all() {
		if g := int32(p >> 32); int(g) < len(gmap) && gmap[g] >= 0 {
			s.pairs.put(uint64(uint32(gmap[g]))<<32|uint64(uint32(vmap[int32(uint32(p))])), struct{}{})
		}
	}
}

func (s *distinctState) result(ng int) *column {
	c := newColumn(tInt)
	c.i = make([]int64, ng)
	c.null = make([]bool, ng)
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
	for p := range s.pairs.all() {
		counts[part[int32(p>>32)]]++
	}
	all := make([]uint64, 0, s.pairs.len())
	out := new([spillParts][]uint64)
	for q, n := range counts {
		out[q] = all[len(all) : len(all) : len(all)+n]
		all = all[:len(all)+n]
	}
	for p := range s.pairs.all() {
		q := part[int32(p>>32)]
		out[q] = append(out[q], p)
	}
	s.pairs = flatTable[struct{}]{}
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
		s.pairs.put(uint64(uint32(g))<<32|uint64(uint32(vids[j])), struct{}{})
	}
}
