package engine

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestFlatTable: a flatTable agrees with a Go map over random keys,
// including emptyKey, small integers and pairs of 32-bit IDs, through
// several rehashes.
func TestFlatTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var ft flatTable[int32]
	want := map[uint64]int32{}
	keys := []uint64{emptyKey, 0, 1, emptyKey - 1, 1 << 32, 1<<32 | 1}
	for i := range 20000 {
		switch i % 3 {
		case 0:
			keys = append(keys, uint64(rng.IntN(5000)))
		case 1:
			keys = append(keys, uint64(rng.IntN(300))<<32|uint64(rng.IntN(300)))
		default:
			keys = append(keys, rng.Uint64())
		}
	}
	for i, k := range keys {
		v := int32(i)
		got, had := ft.put(k, v)
		old, ok := want[k]
		if had != ok || had && got != old || !had && got != v {
			t.Fatalf("put(%#x, %d) = %d, %v; want %d, %v", k, v, got, had, old, ok)
		}
		if !ok {
			want[k] = v
		}
	}
	if ft.len() != len(want) {
		t.Fatalf("len %d; want %d", ft.len(), len(want))
	}
	for k, v := range want {
		if got, ok := ft.get(k); !ok || got != v {
			t.Fatalf("get(%#x) = %d, %v; want %d, true", k, got, ok, v)
		}
	}
	for _, k := range []uint64{2 << 40, 12345678901} {
		if _, ok := want[k]; !ok {
			if _, ok := ft.get(k); ok {
				t.Errorf("get(%#x) found a key never put", k)
			}
		}
	}
	seen := 0
	for k, v := range ft.all() {
		if want[k] != v {
			t.Fatalf("all yields %#x=%d; want %d", k, v, want[k])
		}
		seen++
	}
	if seen != len(want) {
		t.Errorf("all yields %d entries; want %d", seen, len(want))
	}
	var empty flatTable[struct{}]
	if _, ok := empty.get(7); ok || empty.len() != 0 {
		t.Errorf("zero flatTable: get(7) found, or len %d", empty.len())
	}
	ft.reset()
	if ft.len() != 0 {
		t.Fatalf("after reset: len %d; want 0", ft.len())
	}
	for _, k := range keys[:100] {
		if _, ok := ft.get(k); ok {
			t.Fatalf("after reset: get(%#x) found", k)
		}
		if got, had := ft.put(k, 7); had && got != 7 {
			t.Fatalf("after reset: put(%#x, 7) = %d, %v", k, got, had)
		}
	}
}

// TestStrTable: a strTable numbers strings as a Go map does, over random
// strings (empty, repeated, long, differing in one byte), through several
// rehashes, including strings whose 32-bit hashes collide (forced by
// filing them under one hash), and strings of every inline length that
// differ only in a trailing NUL or in one byte.
func TestStrTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var st strTable
	var vals []string
	want := map[string]int32{}
	put := func(s string, k strKey) {
		t.Helper()
		id, ok := st.get(s, k, vals)
		wid, wok := want[s]
		if ok != wok || ok && id != wid {
			t.Fatalf("get(%q) = %d, %v; want %d, %v", s, id, ok, wid, wok)
		}
		if !ok {
			id = int32(len(vals))
			vals = append(vals, s)
			st.add(k, id)
			want[s] = id
		}
	}
	long := strings.Repeat("arn:aws:iam::123456789012:role/", 3)
	for i := range 30000 {
		var s string
		switch i % 4 {
		case 0:
			s = strconv.Itoa(rng.IntN(3000))
		case 1:
			s = long + strconv.Itoa(rng.IntN(3000))
		case 2:
			s = ""
		default:
			s = "10.0." + strconv.Itoa(rng.IntN(256)) + "." + strconv.Itoa(rng.IntN(256))
		}
		put(s, strKeyOf(s))
	}
	// Every length around the inline limit, with and without a trailing
	// NUL, and with each byte changed.
	base := "0123456789abcdefgh"
	for n := range len(base) {
		for _, s := range []string{base[:n], base[:n] + "\x00", "\x00" + base[:n]} {
			put(s, strKeyOf(s))
			for j := range len(s) {
				b := []byte(s)
				b[j] ^= 0x80
				put(string(b), strKeyOf(string(b)))
			}
		}
	}
	// Collisions: one hash for many strings, short and long.
	collide := func(s string) strKey {
		k := strKeyOf(s)
		k.h = 42
		return k
	}
	for i := range 50 {
		put("collide-"+strconv.Itoa(i), collide("collide-"+strconv.Itoa(i)))
		put(long+"collide-"+strconv.Itoa(i), collide(long+"collide-"+strconv.Itoa(i)))
	}
	if st.n != len(want) {
		t.Fatalf("n %d; want %d", st.n, len(want))
	}
	for s, id := range want {
		k := strKeyOf(s)
		if strings.Contains(s, "collide-") {
			k.h = 42
		}
		if got, ok := st.get(s, k, vals); !ok || got != id {
			t.Fatalf("get(%q) = %d, %v; want %d, true", s, got, ok, id)
		}
	}
	for _, s := range []string{"never", long + "never", "0123456789abcde\x01"} {
		if _, ok := st.get(s, strKeyOf(s), vals); ok {
			t.Errorf("get found %q, never added", s)
		}
	}
	var empty strTable
	if _, ok := empty.get("", strKeyOf(""), nil); ok {
		t.Error("zero strTable: get found")
	}
}

// TestNumberKeys: numberKeys gives each key the ID put gives it, filing
// new keys under the next number, and lists the rows of new keys, in
// batches whose keys collide in their home slots, include emptyKey,
// repeat within the batch, or grow the table (from 16 slots) several
// times over; on the batched path (every table, here) and on put's (the
// default bound, with a table that crosses it).
func TestNumberKeys(t *testing.T) {
	defer func(m int) { prefetchMinSlots = m }(prefetchMinSlots)
	// colliding returns n keys sharing one home slot in a table of
	// 2^bits slots.
	colliding := func(bits uint, n int) []uint64 {
		probe := flatTable[int32]{shift: 64 - bits}
		var out []uint64
		for k := uint64(1); len(out) < n; k++ {
			if probe.slot(k) == 5 {
				out = append(out, k)
			}
		}
		return out
	}
	seq := func(lo, hi uint64) []uint64 {
		var out []uint64
		for k := lo; k < hi; k++ {
			out = append(out, k)
		}
		return out
	}
	rng := rand.New(rand.NewPCG(5, 6))
	random := func(n, distinct int) []uint64 {
		out := make([]uint64, n)
		for i := range out {
			out[i] = rng.Uint64N(uint64(distinct)) * 0x100000001
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		minSlot int
		batches [][]uint64
	}{
		{"collisions", 0, [][]uint64{colliding(4, 6), append(colliding(6, 20), colliding(4, 6)...)}},
		{"empty key", 0, [][]uint64{{emptyKey, 0, emptyKey, 1, emptyKey - 1}, {1, emptyKey, 0}}},
		{"repeats in a batch", 0, [][]uint64{{7, 7, 7, 8, 7, 8, 9}, {9, 9, 10}}},
		{"growth during a batch", 0, [][]uint64{{3}, seq(0, 1000), append(seq(500, 5000), seq(0, 10)...)}},
		{"empty batch", 0, [][]uint64{{}, {4}, {}}},
		{"put's path", 1 << 15, [][]uint64{seq(0, 100), random(4096, 1000)}},
		{"crossing the bound", 1 << 15, [][]uint64{random(20000, 30000), random(20000, 30000), random(4096, 60000)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prefetchMinSlots = tc.minSlot
			var ft flatTable[int32]
			want := map[uint64]int32{}
			var fresh []int32
			for b, keys := range tc.batches {
				ids := make([]int32, len(keys))
				fresh = numberKeys(&ft, keys, ids, fresh[:0])
				var wantFresh []int32
				for i, k := range keys {
					id, ok := want[k]
					if !ok {
						id = int32(len(want))
						want[k] = id
						wantFresh = append(wantFresh, int32(i))
					}
					if ids[i] != id {
						t.Fatalf("batch %d: key %#x (row %d) got ID %d; want %d", b, k, i, ids[i], id)
					}
				}
				if !slices.Equal(fresh, wantFresh) {
					t.Fatalf("batch %d: new rows %v; want %v", b, fresh, wantFresh)
				}
				if ft.len() != len(want) {
					t.Fatalf("batch %d: %d entries; want %d", b, ft.len(), len(want))
				}
			}
			for k, id := range want {
				if got, ok := ft.get(k); !ok || got != id {
					t.Fatalf("get(%#x) = %d, %v; want %d, true", k, got, ok, id)
				}
			}
		})
	}
}

// TestPrefetchIdx: the prefetch hints, in assembly and in Go, take any
// index (past the slots, the largest) and an empty list without
// faulting, and change nothing.
func TestPrefetchIdx(t *testing.T) {
	slots := make([]strSlot, 16)
	slots[3].e = 7
	idx := []uint32{0, 3, 15, 16, 1 << 20, ^uint32(0)}
	for _, f := range []func(unsafe.Pointer, uintptr, []uint32){prefetchIdx, prefetchIdxGo} {
		f(unsafe.Pointer(&slots[0]), unsafe.Sizeof(slots[0]), idx)
		f(unsafe.Pointer(&slots[0]), 8, nil)
		f(nil, 24, idx)
	}
	prefetchSlots(slots, idx)
	prefetchSlots([]uint64(nil), idx)
	prefetchSlots(slots, nil)
	if slots[3].e != 7 || slots[4].e != 0 {
		t.Errorf("slots changed: %v", slots[:5])
	}
}
