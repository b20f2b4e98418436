package engine

import "math"

// varianceState is stddev, stddev_samp, stddev_pop, variance, var_samp
// and var_pop over a number, as Trino computes them: per group the count,
// the mean and the sum of squared differences from it (m2), each value
// added by Welford's update and partial states merged by Chan's formula,
// which stay exact where the sum of squares minus the squared sum would
// cancel (byte counts of ~1e9 squared). The sample forms are NULL below
// two values, the population forms below one.
type varianceState struct {
	pop, root bool // population (n) rather than sample (n-1); square root
	n         []int64
	mean, m2  []float64
}

func newVarianceState(name string) *varianceState {
	return &varianceState{
		pop:  name == "stddev_pop" || name == "var_pop",
		root: name == "stddev" || name == "stddev_samp" || name == "stddev_pop",
	}
}

func (s *varianceState) grow(ng int) {
	s.n, s.mean, s.m2 = growTo(s.n, ng), growTo(s.mean, ng), growTo(s.m2, ng)
}

func (s *varianceState) update(gids []int32, ng int, args []*vec) {
	s.grow(ng)
	x := args[0]
	isInt := x.t.k != kDouble
	for i, g := range gids {
		if x.isNull(i) {
			continue
		}
		v := 0.0
		if isInt {
			v = float64(x.i[i])
		} else {
			v = x.f[i]
		}
		s.n[g]++
		delta := v - s.mean[g]
		s.mean[g] += delta / float64(s.n[g])
		s.m2[g] += delta * (v - s.mean[g])
	}
}

func (s *varianceState) merge(o aggState, from, to []int32, ng int) {
	s.grow(ng)
	src := o.(*varianceState)
	for i, j := range from {
		if int(j) >= len(src.n) || src.n[j] == 0 {
			continue
		}
		g := to[i]
		na, nb := float64(s.n[g]), float64(src.n[j])
		n := na + nb
		delta := src.mean[j] - s.mean[g]
		s.mean[g] += delta * nb / n
		s.m2[g] += src.m2[j] + delta*delta*na*nb/n
		s.n[g] += src.n[j]
	}
}

func (s *varianceState) reset() { s.n, s.mean, s.m2 = s.n[:0], s.mean[:0], s.m2[:0] }

func (s *varianceState) result(ng int) *column {
	s.grow(ng)
	c := newColumn(tDouble)
	c.f = make([]float64, ng)
	c.null = make([]bool, ng)
	least := int64(2) // values a sample form needs
	if s.pop {
		least = 1
	}
	for g := 0; g < ng; g++ {
		if s.n[g] < least {
			c.null[g] = true
			continue
		}
		d := float64(s.n[g] - 1)
		if s.pop {
			d = float64(s.n[g])
		}
		v := s.m2[g] / d
		if s.root {
			v = math.Sqrt(v)
		}
		c.f[g] = v
	}
	return c
}
