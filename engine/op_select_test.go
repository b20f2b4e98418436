package engine

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestSelectBools checks selectBools (32 rows a step in assembly on amd64
// with AVX2) against a plain loop: every length around the blocks of 8
// and 32 rows, densities from none to all, with and without NULL flags
// (a NULL row is never selected, whatever its bool).
func TestSelectBools(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 140 {
		for _, p := range []float64{0, 0.03, 0.5, 0.97, 1} {
			for _, withNull := range []bool{false, true} {
				b := make([]bool, n)
				var null []bool
				if withNull {
					null = make([]bool, n)
				}
				for i := range b {
					b[i] = rng.Float64() < p
					if withNull {
						null[i] = rng.IntN(3) == 0
					}
				}
				var want []int32
				for i := range b {
					if b[i] && (null == nil || !null[i]) {
						want = append(want, int32(i))
					}
				}
				sel := make([]int32, n)
				k := selectBools(sel, b, null)
				if !slices.Equal(sel[:k], want) {
					t.Fatalf("n=%d p=%v null=%v: got %v; want %v", n, p, withNull, sel[:k], want)
				}
			}
		}
	}
}

// BenchmarkSelectBools turns a conjunct's bools over a batch into the
// selected rows, at a rare, an even and a common density. Compare with
// -tags purego for the Go loop.
func BenchmarkSelectBools(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, p := range []float64{0.03, 0.5, 0.97} {
		bs := make([]bool, BatchRows)
		for i := range bs {
			bs[i] = rng.Float64() < p
		}
		sel := make([]int32, BatchRows)
		b.Run(strconv.FormatFloat(p, 'f', -1, 64), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(BatchRows)
			for b.Loop() {
				selectBools(sel, bs, nil)
			}
		})
	}
}
