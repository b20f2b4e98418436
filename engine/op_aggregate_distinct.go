package engine

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

func (s *distinctState) merge(o aggState, gmap []int32, ng int) {
	src := o.(*distinctState)
	if src.pairs.len() == 0 {
		return
	}
	// Number only the values of merged groups (a partition merges part
	// of src's groups), in src's value order so that this state does not
	// depend on map iteration order.
	vmap := make([]int32, src.g.ngroups) // src value ID → this state's
	fill(vmap, -1)
	for p := range src.pairs.all() {
		if gmap[int32(p>>32)] >= 0 {
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
		if g := gmap[int32(p>>32)]; g >= 0 {
			s.pairs.put(uint64(uint32(g))<<32|uint64(uint32(vmap[int32(uint32(p))])), struct{}{})
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
