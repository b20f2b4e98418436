package engine

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestGrouper_DictStringIDs: numbering a string key that comes as a
// dictionary vec with prefetches (dictStringIDs, every table here) gives
// the rows the IDs and the grouper the values, in order, that the same
// rows as plain strings get: over batches whose dictionaries hold
// entries no row uses (which must not become values), NULL entries and
// an empty string, the same value twice, rows that are NULL themselves
// (whatever their code), and values enough to grow the table within a
// batch; with a new dictionary each batch, and with one pinned across
// batches (its entries numbered once).
func TestGrouper_DictStringIDs(t *testing.T) {
	defer func(m int) { strPrefetchMinSlots = m }(strPrefetchMinSlots)
	rng := rand.New(rand.NewPCG(3, 4))
	type batch struct {
		dict  []string // "<null>" marks a NULL entry
		codes []int32
		null  []bool // rows NULL themselves
	}
	var batches []batch
	small := []string{"b", "<null>", "a", "", "unused", "a", "c"}
	batches = append(batches, batch{dict: small, codes: []int32{0, 2, 1, 3, 5, 5, 0, 6, 3, 2}, null: []bool{false, false, false, false, true, false, false, false, false, true}})
	for b := range 4 {
		var dict []string
		for i := range 3000 {
			dict = append(dict, "10."+strconv.Itoa(b%2)+"."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256))
		}
		dict[17] = "<null>"
		dict[40] = dict[41] // a value twice
		bt := batch{dict: dict}
		for range BatchRows {
			// Rows use the first 2,000 entries: the others must not
			// become values.
			bt.codes = append(bt.codes, int32(rng.IntN(2000)))
			bt.null = append(bt.null, rng.IntN(20) == 0)
		}
		batches = append(batches, bt)
	}
	dictVec := func(a *arena, dict []string) *vec {
		d := a.vec(tString, len(dict))
		d.strs()
		d.nulls()
		for i, s := range dict {
			if s == "<null>" {
				d.null[i] = true
			} else {
				d.s[i] = s
			}
		}
		return d
	}
	number := func(minSlots int, asDict, pin bool) ([][]int32, []string, []bool) {
		strPrefetchMinSlots = minSlots
		var a, pa arena
		g := newGrouper([]*dtype{tString, tInt})
		var pinned *vec
		var out [][]int32
		for bi, b := range batches {
			a.reset()
			n := len(b.codes)
			v := a.vec(tString, n)
			if asDict {
				v.dict = dictVec(&a, b.dict)
				if pin && bi >= 1 {
					// From the second batch on, one dictionary pinned
					// (after values were numbered: not the grouper's
					// only source, valueMap.excl).
					if pinned == nil {
						pinned = dictVec(&pa, b.dict)
						g.pin(0, pinned)
					}
					v.dict = pinned
				}
				v.codes = slices.Clone(b.codes)
			} else {
				v.strs()
			}
			v.nulls()
			for i, c := range b.codes {
				switch {
				case b.null[i]:
					v.null[i] = true
				case asDict:
				case b.dict[c] == "<null>":
					v.null[i] = true
				default:
					v.s[i] = b.dict[c]
				}
			}
			other := a.vec(tInt, n)
			fill(other.ints(), 7)
			g.keyIDs(&a, []*vec{v, other}, n)
			out = append(out, slices.Clone(g.ids[0][:n]))
		}
		return out, slices.Clone(g.vals[0].s), slices.Clone(g.vals[0].null)
	}
	wantIDs, wantVals, wantNull := number(1<<30, false, false)
	if len(wantVals) < 3500 || len(wantVals) > 4000 {
		t.Fatalf("%d values in the plain run; want 3,500-4,000 (unused entries are not values)", len(wantVals))
	}
	for _, tc := range []struct {
		name     string
		minSlots int
		pin      bool
	}{{"dictionary", 1 << 30, false}, {"dictionary batched", 0, false}, {"pinned batched", 0, true}} {
		if tc.pin {
			// A pinned dictionary is the same across batches, and its
			// entries are distinct: give every batch after the first the
			// second's dictionary, without its value twice.
			saved := slices.Clone(batches)
			d := slices.Clone(batches[1].dict)
			d[40] = "10.9.9.9"
			for i := 1; i < len(batches); i++ {
				batches[i].dict = d
			}
			wantIDs, wantVals, wantNull = number(1<<30, false, false)
			defer func() { batches = saved }() // (the last case)
		}
		gotIDs, gotVals, gotNull := number(tc.minSlots, true, tc.pin)
		if !slices.Equal(gotVals, wantVals) || !slices.Equal(gotNull, wantNull) {
			t.Fatalf("%s: %d values (NULL at %v); want %d (NULL at %v)", tc.name, len(gotVals), slices.Index(gotNull, true), len(wantVals), slices.Index(wantNull, true))
		}
		for b := range batches {
			for i, id := range gotIDs[b] {
				if id != wantIDs[b][i] {
					t.Fatalf("%s: batch %d row %d (code %d, null %v): ID %d; want %d", tc.name, b, i, batches[b].codes[i], batches[b].null[i], id, wantIDs[b][i])
				}
			}
		}
	}
}

// TestHashStrings: hashStrings hashes each string as hashString does,
// at every length 0 to 40 (its inline cases 4-7 and 8-16 and the calls
// either side), and strings differing in one byte or in length hash
// apart.
func TestHashStrings(t *testing.T) {
	var strs []string
	for n := range 41 {
		s := strings.Repeat("10.0.255.7/abcdefghijklmnopqrstuvwxyz:-_", 2)[:n]
		strs = append(strs, s)
		for pos := range n {
			b := []byte(s)
			b[pos] ^= 1
			strs = append(strs, string(b))
		}
	}
	h := make([]uint64, len(strs))
	hashStrings(strs, h)
	seen := map[uint64]string{}
	for i, s := range strs {
		if want := hashString(s); h[i] != want {
			t.Errorf("hashStrings(%q) = %#x; hashString: %#x", s, h[i], want)
		}
		if o, ok := seen[h[i]]; ok && o != s {
			t.Errorf("%q and %q hash alike", o, s)
		}
		seen[h[i]] = s
	}
}

// TestGrouper_StringRuns: numbering a plain string key through a small
// table, where a run of one value is found by comparing each row with
// the run's (8-16 byte values as two words), gives each distinct value
// one ID in order of first use and a NULL its own: over runs of values
// whose words are equal but whose lengths differ ("aaaaaaaaa" and
// "aaaaaaaaaa"), NULLs inside runs, every length from 0 to 20, and
// random values of a two-letter alphabet, over several batches.
func TestGrouper_StringRuns(t *testing.T) {
	strs := []string{
		"123456789012", "123456789012", "123456789012", "123456789013", "123456789012", "aaaaaaaaaaaa", "123456789012",
		"aaaaaaaaa", "aaaaaaaaaa", "aaaaaaaaa", "aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa",
		"aaaa", "aaaaa", "aaaa", "aaaaaaa", "aaaaaaaa", "aaa", "aaaa", "", "", "a",
		"abcdefghijklmnopqrstu", "abcdefghijklmnopqrstu", "abcdefghijklmnopqrstv",
		"xaaaaaaaaaaaaaaaay", "xaaaaaaaaaaaaaaaby",
	}
	for n := range 21 {
		strs = append(strs, strings.Repeat("x", n), strings.Repeat("x", n), strings.Repeat("x", n)+"y")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 1200 {
		b := make([]byte, rng.IntN(18))
		for j := range b {
			b[j] = "ab"[rng.IntN(2)]
		}
		s := string(b)
		for range 1 + rng.IntN(3) {
			strs = append(strs, s)
		}
	}
	null := make([]bool, len(strs))
	for i := range null {
		null[i] = i == 1 || i > 10 && rng.IntN(9) == 0
	}
	g := newGrouper([]*dtype{tString})
	want := map[string]int32{}
	nullID := int32(-1)
	var a arena
	for lo := 0; lo < len(strs); lo += 700 {
		hi := min(lo+700, len(strs))
		v := &vec{t: tString, n: hi - lo, s: strs[lo:hi], null: null[lo:hi]}
		ids := g.groupIDs(&a, []*vec{v}, hi-lo)
		for j, id := range ids {
			i := lo + j
			var w int32
			switch {
			case null[i] && nullID < 0:
				nullID = int32(len(want)) + b2i32(nullID >= 0)
				w = nullID
			case null[i]:
				w = nullID
			default:
				x, ok := want[strs[i]]
				if !ok {
					x = int32(len(want)) + b2i32(nullID >= 0)
					want[strs[i]] = x
				}
				w = x
			}
			if id != w {
				t.Fatalf("row %d (%q, NULL %v): ID %d, want %d", i, strs[i], null[i], id, w)
			}
		}
	}
	if len(g.maps[0].strs.slots) >= strPrefetchMinSlots {
		t.Fatalf("%d slots: the batched path numbered the rows", len(g.maps[0].strs.slots))
	}
}

func b2i32(b bool) int32 {
	if b {
		return 1
	}
	return 0
}
