package parsers

import (
	"bytes"
	"slices"
	"testing"
)

// TestRecycler_Reuse: a freed buffer is handed out again for a request of
// its class or up to a power of two smaller, zeroed by Allocate; larger
// requests get fresh memory; Reallocate keeps the bytes it had.
func TestRecycler_Reuse(t *testing.T) {
	for _, tc := range []struct {
		name      string
		had, want int
		reused    bool
	}{
		{"same size", 5000, 5000, true},
		{"a bit smaller", 5000, 4200, true},
		{"half", 8192, 4096, true},
		{"far smaller", 1 << 20, 1000, false}, // not given away to a small request
		{"larger", 4096, 4097, false},
		{"tiny", 10, 20, true}, // both of the smallest class
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Recycler{max: 1 << 30}
			b := r.Allocate(tc.had)
			if len(b) != tc.had || cap(b) < tc.had {
				t.Fatalf("Allocate(%d): len %d cap %d", tc.had, len(b), cap(b))
			}
			for i := range b {
				b[i] = 7
			}
			p := &b[:1][0]
			r.Free(b)
			c := r.Allocate(tc.want)
			if len(c) != tc.want {
				t.Fatalf("Allocate(%d): len %d", tc.want, len(c))
			}
			if got := &c[:1][0] == p; got != tc.reused {
				t.Errorf("reused %v; want %v", got, tc.reused)
			}
			if bytes.IndexFunc(c, func(r rune) bool { return r != 0 }) >= 0 {
				t.Errorf("Allocate returned bytes that are not zero")
			}
		})
	}
	r := &Recycler{max: 1 << 30}
	b := r.Allocate(1000)
	copy(b, "abc")
	b = r.Reallocate(3000, b)
	if len(b) != 3000 || string(b[:3]) != "abc" || slices.ContainsFunc(b[3:], func(c byte) bool { return c != 0 }) {
		t.Errorf("Reallocate(3000): len %d, starts %q, rest zero %v", len(b), b[:3], !slices.ContainsFunc(b[3:], func(c byte) bool { return c != 0 }))
	}
}

// TestRecycler_Bound: a Recycler keeps at most its bound of freed bytes.
func TestRecycler_Bound(t *testing.T) {
	r := &Recycler{max: 64 << 10} // not NewRecycler: -tags huntpoison makes it keep everything
	var bufs [][]byte
	for range 10 {
		bufs = append(bufs, r.Allocate(16<<10))
	}
	for _, b := range bufs {
		r.Free(b)
	}
	if r.held > 64<<10 {
		t.Errorf("holds %d bytes; want at most %d", r.held, 64<<10)
	}
	if r.held < 48<<10 {
		t.Errorf("holds %d bytes; want the bound's worth of buffers", r.held)
	}
}

// TestRecycler_Poison: a poisoning Recycler overwrites what is freed,
// counts what was never freed and panics on a buffer freed twice.
func TestRecycler_Poison(t *testing.T) {
	r := NewPoisonRecycler()
	a, b := r.Allocate(1000), r.Allocate(5000)
	copy(a, "view")
	view := a[:4]
	r.Free(a)
	if string(view) == "view" {
		t.Errorf("a freed buffer kept its bytes")
	}
	if n := r.Outstanding(); n != 1 {
		t.Errorf("Outstanding %d; want 1 (b)", n)
	}
	r.Free(b)
	if n := r.Outstanding(); n != 0 {
		t.Errorf("Outstanding %d; want 0", n)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("a buffer freed twice did not panic")
		}
	}()
	r.Free(b)
}

// TestRecycleClass: classes cover capacities in order, four per power of
// two, each class's smallest capacity in it; roundCap rounds up to one.
func TestRecycleClass(t *testing.T) {
	if k := recycleClass(roundCap(recycleMaxSize)); k >= recycleClasses {
		t.Fatalf("the largest request's class %d is past the %d classes", k, recycleClasses)
	}
	prev := -1
	for c := 1; c < 1<<20; c += 1 + c/64 {
		k := recycleClass(c)
		if k < prev {
			t.Fatalf("class of %d is %d, below %d", c, k, prev)
		}
		prev = k
		if lo := recycleClassCap(k); lo > c || recycleClass(lo) != k {
			t.Fatalf("capacity %d in class %d whose smallest is %d (class %d)", c, k, lo, recycleClass(lo))
		}
		rc := roundCap(c)
		if rc < c || rc > max(recycleMin, c+c/4+1) || recycleClassCap(recycleClass(rc)) != rc {
			t.Fatalf("roundCap(%d) = %d", c, rc)
		}
	}
}
