package engine

import (
	"cmp"
	"strings"
)

// minMaxState is min, max and arbitrary (which returns the minimum, so it
// is deterministic).
type minMaxState struct {
	isMax bool
	t     *dtype
	has   []bool
	i     []int64
	f     []float64
	s     []string
	b     []bool
}

func (s *minMaxState) grow(ng int) {
	s.has = growTo(s.has, ng)
	switch {
	case s.t.isIntLike():
		s.i = growTo(s.i, ng)
	case s.t.k == kDouble:
		s.f = growTo(s.f, ng)
	case s.t.isStringy():
		s.s = growTo(s.s, ng)
	case s.t.k == kBool:
		s.b = growTo(s.b, ng)
	}
}

func (s *minMaxState) update(gids []int32, ng int, args []*vec) {
	s.grow(ng)
	x := args[0]
	switch {
	case s.t.isIntLike():
		for i, g := range gids {
			if !x.isNull(i) && (!s.has[g] || (x.i[i] > s.i[g]) == s.isMax && x.i[i] != s.i[g]) {
				s.i[g], s.has[g] = x.i[i], true
			}
		}
	case s.t.k == kDouble:
		for i, g := range gids {
			if !x.isNull(i) && (!s.has[g] || (x.f[i] > s.f[g]) == s.isMax && x.f[i] != s.f[g]) {
				s.f[g], s.has[g] = x.f[i], true
			}
		}
	case s.t.isStringy():
		for i, g := range gids {
			if !x.isNull(i) && (!s.has[g] || (x.s[i] > s.s[g]) == s.isMax && x.s[i] != s.s[g]) {
				s.s[g], s.has[g] = strings.Clone(x.s[i]), true
			}
		}
	case s.t.k == kBool:
		for i, g := range gids {
			if !x.isNull(i) && (!s.has[g] || x.b[i] == s.isMax) {
				s.b[g], s.has[g] = x.b[i], true
			}
		}
	}
}

func (s *minMaxState) merge(o aggState, from, to []int32, ng int) {
	s.grow(ng)
	src := o.(*minMaxState)
	for i, j := range from {
		g := to[i]
		if int(j) >= len(src.has) || !src.has[j] {
			continue
		}
		switch {
		case s.t.isIntLike():
			if !s.has[g] || (src.i[j] > s.i[g]) == s.isMax && src.i[j] != s.i[g] {
				s.i[g] = src.i[j]
			}
		case s.t.k == kDouble:
			if !s.has[g] || (src.f[j] > s.f[g]) == s.isMax && src.f[j] != s.f[g] {
				s.f[g] = src.f[j]
			}
		case s.t.isStringy():
			if !s.has[g] || (src.s[j] > s.s[g]) == s.isMax && src.s[j] != s.s[g] {
				s.s[g] = src.s[j]
			}
		case s.t.k == kBool:
			if !s.has[g] || src.b[j] == s.isMax {
				s.b[g] = src.b[j]
			}
		}
		s.has[g] = true
	}
}

func (s *minMaxState) reset() {
	s.has, s.i, s.f, s.s, s.b = s.has[:0], s.i[:0], s.f[:0], s.s[:0], s.b[:0]
}

func (s *minMaxState) result(ng int) *column {
	s.grow(ng)
	c := newColumn(s.t)
	c.null = make([]bool, ng)
	for g := range c.null {
		c.null[g] = !s.has[g]
	}
	switch {
	case s.t.isIntLike():
		c.i = s.i[:ng]
	case s.t.k == kDouble:
		c.f = s.f[:ng]
	case s.t.isStringy():
		c.s = s.s[:ng]
	case s.t.k == kBool:
		c.b = s.b[:ng]
	}
	return c
}

// minByState is min_by(x, y) / max_by(x, y): the x of the row with the
// smallest/largest y; ties keep the smallest x.
type minByState struct {
	isMax bool
	t     *dtype // x
	yt    *dtype
	has   []bool
	yi    []int64
	yf    []float64
	ys    []string
	x     []any // boxed only when the best row changes
}

func (s *minByState) grow(ng int) {
	s.has, s.yi, s.yf, s.ys, s.x = growTo(s.has, ng), growTo(s.yi, ng), growTo(s.yf, ng), growTo(s.ys, ng), growTo(s.x, ng)
}

// rank compares y value at row i of y with group g's best: 1 better, 0
// tie, -1 worse.
func (s *minByState) rank(g int32, y *vec, i int) int {
	if !s.has[g] {
		return 1
	}
	var c int
	switch {
	case s.yt.isIntLike():
		c = cmp.Compare(y.i[i], s.yi[g])
	case s.yt.k == kDouble:
		c = cmp.Compare(y.f[i], s.yf[g])
	case s.yt.isStringy():
		c = strings.Compare(y.s[i], s.ys[g])
	}
	if !s.isMax {
		c = -c
	}
	return c
}

// xLess reports whether x at row i orders before the boxed cur; ties on y
// keep the smallest x, so the result does not depend on parallelism.
func xLess(x *vec, i int, cur any) bool {
	if x.isNull(i) {
		return false
	}
	switch {
	case x.t.isIntLike():
		c, ok := cur.(int64)
		return !ok || x.i[i] < c
	case x.t.k == kDouble:
		c, ok := cur.(float64)
		return !ok || x.f[i] < c
	case x.t.isStringy():
		c, ok := cur.(string)
		return !ok || x.s[i] < c
	}
	return compareAny(boxValue(x, i), cur) < 0
}

func (s *minByState) update(gids []int32, ng int, args []*vec) {
	s.grow(ng)
	x, y := args[0], args[1]
	for i, g := range gids {
		if y.isNull(i) {
			continue
		}
		r := s.rank(g, y, i)
		if r < 0 || r == 0 && !xLess(x, i, s.x[g]) {
			continue
		}
		s.has[g] = true
		switch {
		case s.yt.isIntLike():
			s.yi[g] = y.i[i]
		case s.yt.k == kDouble:
			s.yf[g] = y.f[i]
		case s.yt.isStringy():
			s.ys[g] = strings.Clone(y.s[i])
		}
		s.x[g] = boxValue(x, i)
	}
}

func (s *minByState) merge(o aggState, from, to []int32, ng int) {
	s.grow(ng)
	src := o.(*minByState)
	yv := &vec{t: s.yt, n: len(src.has), i: src.yi, f: src.yf, s: src.ys}
	for i, j := range from {
		g := to[i]
		if int(j) >= len(src.has) || !src.has[j] {
			continue
		}
		r := s.rank(g, yv, int(j))
		if r < 0 || r == 0 && (src.x[j] == nil || s.x[g] != nil && compareAny(src.x[j], s.x[g]) >= 0) {
			continue
		}
		s.has[g], s.yi[g], s.yf[g], s.ys[g], s.x[g] = true, src.yi[j], src.yf[j], src.ys[j], src.x[j]
	}
}

func (s *minByState) result(ng int) *column {
	s.grow(ng)
	return columnOfValues(s.t, s.x[:ng])
}
