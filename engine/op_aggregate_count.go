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

func (s *countState) reset() { s.n = s.n[:0] }

func (s *countState) merge(o aggState, from, to []int32, ng int) {
	s.n = growTo(s.n, ng)
	src := o.(*countState).n
	for i, j := range from {
		if int(j) < len(src) {
			s.n[to[i]] += src[j]
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
