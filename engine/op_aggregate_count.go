package engine

// countState is count(*) and count(x).
type countState struct {
	star bool
	n    []int64
}

func (s *countState) update(gids []int32, ng int, args []*vec) {
	s.n = growTo(s.n, ng)
	if s.star || args[0].null == nil {
		for _, g := range gids {
			s.n[g]++
		}
		return
	}
	nl := args[0].null
	for i, g := range gids {
		if !nl[i] {
			s.n[g]++
		}
	}
}

func (s *countState) merge(o aggState, gmap []int32, ng int) {
	s.n = growTo(s.n, ng)
	for j, v := range o.(*countState).n {
		if g := gmap[j]; g >= 0 {
			s.n[g] += v
		}
	}
}

func (s *countState) result(ng int) *column {
	s.n = growTo(s.n, ng)
	c := newColumn(tInt)
	c.i = s.n[:ng]
	c.null = make([]bool, ng)
	return c
}
