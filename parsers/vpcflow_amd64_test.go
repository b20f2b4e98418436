package parsers

import (
	"math/rand/v2"
	"testing"
)

// TestFlowRunAssembly checks the assembly versions of flowClassify and
// flowFlatten that this CPU runs and the ones it could fall back to
// against the portable ones, on random blocks weighted towards spaces,
// newlines and bytes that are not printable ASCII.
func TestFlowRunAssembly(t *testing.T) {
	t.Logf("AVX-512: %v, AVX2: %v, BMI1: %v", use512, useAVX2, useFlattenBMI)
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("  \n\n-a1.:\x00\x01\r\x7f\x80\xff")
	for range 300 {
		n := 1 + rng.IntN(6)
		b := make([]byte, 64*n)
		density := rng.IntN(len(alphabet)) + 1
		for i := range b {
			if rng.IntN(density) == 0 {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[i] = byte('a' + rng.IntN(26))
			}
		}
		want := [3][]uint64{make([]uint64, n), make([]uint64, n), make([]uint64, n)}
		flowClassifyGo(b, want[0], want[1], want[2])
		type classifier struct {
			name  string
			f     func(b []byte, sep, nl, bad []uint64)
			on    bool
			exact bool // bad has a bit per bad byte, not only non-zero
		}
		for _, c := range []classifier{{"SSE2", flowClassifySSE2, true, false}, {"AVX2", flowClassifyAVX2, useAVX2, false}, {"AVX-512", flowClassify512, use512, true}} {
			if !c.on {
				continue
			}
			got := [3][]uint64{make([]uint64, n), make([]uint64, n), make([]uint64, n)}
			c.f(b, got[0], got[1], got[2])
			for i := range n {
				badOK := (got[2][i] != 0) == (want[2][i] != 0) && (!c.exact || got[2][i] == want[2][i])
				if got[0][i] != want[0][i] || got[1][i] != want[1][i] || !badOK {
					t.Fatalf("%s block %d of %q: sep %x nl %x bad %x; want %x %x %x", c.name, i, b[64*i:64*i+64],
						got[0][i], got[1][i], got[2][i], want[0][i], want[1][i], want[2][i])
				}
			}
		}

		words := want[0]
		if rng.IntN(2) == 0 {
			words = want[1]
		}
		ref := []int32{7}
		for i, w := range words {
			for j := range 64 {
				if w&(1<<j) != 0 {
					ref = append(ref, int32(64*i+j))
				}
			}
		}
		type flattener struct {
			name string
			f    func(t []int32, k int, words []uint64) int
			on   bool
		}
		for _, f := range []flattener{
			{"Go", func(t []int32, k int, w []uint64) int { return len(flowFlattenGo(t[:k], w, false)) }, true},
			{"BMI", func(t []int32, k int, w []uint64) int { return flowFlattenBMI(t, k, w, false) }, useFlattenBMI},
			{"BMI sparse", func(t []int32, k int, w []uint64) int { return flowFlattenBMI(t, k, w, true) }, useFlattenBMI},
			{"AVX-512", flowFlatten512, use512},
		} {
			if !f.on {
				continue
			}
			tape := make([]int32, 1, 1+64*n+8)
			tape[0] = 7
			k := f.f(tape[:cap(tape)], 1, words)
			if k != len(ref) {
				t.Fatalf("%s: %d entries; want %d", f.name, k, len(ref))
			}
			for i := range ref {
				if tape[:k][i] != ref[i] {
					t.Fatalf("%s: entry %d is %d; want %d", f.name, i, tape[i], ref[i])
				}
			}
		}
	}
}
