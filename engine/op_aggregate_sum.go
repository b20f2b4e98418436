package engine

// sumState is sum over bigint or double. A bigint sum that leaves the
// range is an error, as in Trino ("bigint addition overflow:
// 9223372036854775807 + 1"), recorded in ag: a wrapped sum would hide
// what a hunt looks for (one flow of 2^63-1 bytes turned sum(bytes)
// negative).
type sumState struct {
	isInt bool
	ag    *aggCall // where overflow errors go
	i     []int64
	f     []float64
	has   []bool
}

func (s *sumState) update(gids []int32, ng int, args []*vec) {
	s.grow(ng)
	x := args[0]
	if !s.isInt {
		for i, g := range gids {
			if x.isNull(i) {
				continue
			}
			s.has[g] = true
			s.f[g] += x.f[i]
		}
		return
	}
	// Fast path: add, folding the overflow bit of every row into ov.
	var ov int64
	if x.null == nil {
		for i, g := range gids {
			a, v := s.i[g], x.i[i]
			r := a + v
			ov |= (a ^ r) & (v ^ r)
			s.i[g] = r
			s.has[g] = true
		}
	} else {
		for i, g := range gids {
			if x.null[i] {
				continue
			}
			a, v := s.i[g], x.i[i]
			r := a + v
			ov |= (a ^ r) & (v ^ r)
			s.i[g] = r
			s.has[g] = true
		}
	}
	if ov < 0 {
		s.overflowSlow(gids, x)
	}
}

// overflowSlow finds the row of a chunk whose addition overflowed and
// reports it with the values. Wrapping additions commute and subtraction
// undoes them, so it takes the chunk back out and adds it again, checked.
//
// Slow path: runs only for a chunk that overflowed; the query fails.
func (s *sumState) overflowSlow(gids []int32, x *vec) {
	for i, g := range gids {
		if !x.isNull(i) {
			s.i[g] -= x.i[i]
		}
	}
	for i, g := range gids {
		if x.isNull(i) {
			continue
		}
		if !s.add(int(g), x.i[i]) {
			return
		}
	}
}

// add adds v to group g's bigint sum, or records the overflow and
// reports false.
func (s *sumState) add(g int, v int64) bool {
	a := s.i[g]
	r := a + v
	if (a^r)&(v^r) < 0 {
		s.ag.fail("bigint addition overflow: " + itoa(a) + " + " + itoa(v))
		return false
	}
	s.i[g] = r
	return true
}

// grow extends the state to ng groups: the bigint sums or the double
// ones (not both), and which groups have a value.
func (s *sumState) grow(ng int) {
	if s.isInt {
		s.i = growTo(s.i, ng)
	} else {
		s.f = growTo(s.f, ng)
	}
	s.has = growTo(s.has, ng)
}

func (s *sumState) merge(o aggState, from, to []int32, ng int) {
	s.grow(ng)
	src := o.(*sumState)
	for i, j := range from {
		g := to[i]
		if int(j) >= len(src.has) || !src.has[j] {
			continue
		}
		s.has[g] = true
		if !s.isInt {
			s.f[g] += src.f[j]
		} else if !s.add(int(g), src.i[j]) {
			return
		}
	}
}

func (s *sumState) reset() { s.i, s.f, s.has = s.i[:0], s.f[:0], s.has[:0] }

func (s *sumState) result(ng int) *column {
	s.grow(ng)
	c := newColumn(tDouble)
	if s.isInt {
		c = newColumn(tInt)
		c.i = s.i[:ng]
	} else {
		c.f = s.f[:ng]
	}
	c.null = make([]bool, ng)
	for g := range c.null {
		c.null[g] = !s.has[g]
	}
	return c
}

// avgState is avg: a double sum and a count.
type avgState struct {
	sum []float64
	n   []int64
}

func (s *avgState) update(gids []int32, ng int, args []*vec) {
	s.sum, s.n = growTo(s.sum, ng), growTo(s.n, ng)
	x := args[0]
	isInt := x.t.k != kDouble
	for i, g := range gids {
		if x.isNull(i) {
			continue
		}
		s.n[g]++
		if isInt {
			s.sum[g] += float64(x.i[i])
		} else {
			s.sum[g] += x.f[i]
		}
	}
}

func (s *avgState) merge(o aggState, from, to []int32, ng int) {
	s.sum, s.n = growTo(s.sum, ng), growTo(s.n, ng)
	src := o.(*avgState)
	for i, j := range from {
		if int(j) < len(src.n) {
			g := to[i]
			s.n[g] += src.n[j]
			s.sum[g] += src.sum[j]
		}
	}
}

func (s *avgState) reset() { s.sum, s.n = s.sum[:0], s.n[:0] }

func (s *avgState) result(ng int) *column {
	s.sum, s.n = growTo(s.sum, ng), growTo(s.n, ng)
	c := newColumn(tDouble)
	c.f = make([]float64, ng)
	c.null = make([]bool, ng)
	for g := 0; g < ng; g++ {
		if s.n[g] == 0 {
			c.null[g] = true
			continue
		}
		c.f[g] = s.sum[g] / float64(s.n[g])
	}
	return c
}
