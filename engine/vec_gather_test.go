package engine

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestGatherInto checks the gathers (the int32 ones and widenings in
// assembly on amd64 with AVX2) against a plain loop: every length around
// the blocks of eight and sixteen rows, rows in any order, repeated, at
// both ends of the source, and negative values widened with their sign.
func TestGatherInto(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, nsrc := range []int{1, 7, 64, 4096} {
		src64 := make([]int64, nsrc)
		src32 := make([]int32, nsrc)
		srcS := make([]string, nsrc)
		for i := range src64 {
			src64[i] = int64(rng.Uint64())
			src32[i] = int32(rng.Uint32())
			srcS[i] = strconv.Itoa(int(src32[i]))[:i%5]
		}
		for n := range 70 {
			for _, shape := range []string{"ascending", "random", "ends"} {
				rows := make([]int32, n)
				for j := range rows {
					switch shape {
					case "ascending", "random":
						rows[j] = int32(rng.IntN(nsrc))
					case "ends":
						rows[j] = int32([]int{0, nsrc - 1}[j%2])
					}
				}
				if shape == "ascending" {
					slices.Sort(rows)
				}
				want64 := make([]int64, n)
				want32 := make([]int32, n)
				wantW := make([]int64, n)
				wantS := make([]string, n)
				for j, r := range rows {
					want64[j], want32[j], wantW[j], wantS[j] = src64[r], src32[r], int64(src32[r]), srcS[r]
				}
				got64 := make([]int64, n+1) // one more: must stay as it was
				got32 := make([]int32, n+1)
				gotW := make([]int64, n+1)
				gotS := make([]string, n+1)
				got64[n], got32[n], gotW[n], gotS[n] = 7, 7, 7, "7"
				for j := range n {
					gotS[j] = "old" // overwritten
				}
				gatherInto(gotS, srcS, rows)
				gatherInto(got64, src64, rows)
				gatherInto(got32, src32, rows)
				gatherWiden(gotW, src32, rows)
				if !slices.Equal(gotS[:n], wantS) || gotS[n] != "7" {
					t.Fatalf("string %s n=%d over %d: got %q; want %q", shape, n, nsrc, gotS, wantS)
				}
				if !slices.Equal(got64[:n], want64) || got64[n] != 7 {
					t.Fatalf("int64 %s n=%d over %d: got %v; want %v", shape, n, nsrc, got64, want64)
				}
				if !slices.Equal(got32[:n], want32) || got32[n] != 7 {
					t.Fatalf("int32 %s n=%d over %d: got %v; want %v", shape, n, nsrc, got32, want32)
				}
				if !slices.Equal(gotW[:n], wantW) || gotW[n] != 7 {
					t.Fatalf("widened %s n=%d over %d: got %v; want %v", shape, n, nsrc, gotW, wantW)
				}
			}
		}
	}
}

// TestWidenInto checks int32 → int64 over every length around the
// blocks, with negative values.
func TestWidenInto(t *testing.T) {
	src := make([]int32, 100)
	for i := range src {
		src[i] = int32(i*1_000_003) - 50_000_000
	}
	src[3] = -1 << 31
	src[4] = 1<<31 - 1
	for n := range len(src) {
		got := make([]int64, n+1)
		got[n] = 7
		widenInto(got[:n], src)
		for j := range n {
			if got[j] != int64(src[j]) {
				t.Fatalf("n=%d: got[%d] = %d; want %d", n, j, got[j], src[j])
			}
		}
		if got[n] != 7 {
			t.Fatalf("n=%d: wrote past dst", n)
		}
	}
}

// TestGatherInto_OutOfRange checks that a row outside the source panics,
// as a Go index does, wherever it sits among the rows (the assembly
// gathers would read outside the source instead).
func TestGatherInto_OutOfRange(t *testing.T) {
	for _, bad := range []int32{64, 1 << 20, -1, -1 << 31} {
		for _, at := range []int{0, 7, 8, 31, 39} {
			rows := make([]int32, 40)
			for j := range rows {
				rows[j] = int32(j)
			}
			rows[at] = bad
			src64 := make([]int64, 64)
			src32 := make([]int32, 64)
			srcS := make([]string, 64)
			for name, f := range map[string]func(){
				"string":  func() { gatherInto(make([]string, 40), srcS, rows) },
				"int64":   func() { gatherInto(make([]int64, 40), src64, rows) },
				"int32":   func() { gatherInto(make([]int32, 40), src32, rows) },
				"widened": func() { gatherWiden(make([]int64, 40), src32, rows) },
			} {
				func() {
					defer func() {
						if recover() == nil {
							t.Errorf("%s: row %d at %d: no panic", name, bad, at)
						}
					}()
					f()
				}()
			}
		}
	}
}
