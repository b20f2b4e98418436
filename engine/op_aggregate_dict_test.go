package engine

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestGrouper_KeptTable: a string key that comes through kept
// dictionaries (vec.isKept, the same one for several batches, as a
// Parquet row group's) is numbered as the same rows as plain strings
// are: rows and values alike, whether the grouper's table is taken
// small (one entry at a time) or batched (dictStringIDs). The sequence
// covers a kept dictionary over several batches that use different
// entries (some already numbered, some not, some by no row), a second
// kept dictionary and then the first again, a grouper reset between
// uses of one kept dictionary (its table must be dropped: the values
// it named are gone), and a scratch dictionary vec, not kept, reused at
// the same address with other entries (whose identity must not be
// trusted).
func TestGrouper_KeptTable(t *testing.T) {
	defer func(m int) { strPrefetchMinSlots = m }(strPrefetchMinSlots)
	rng := rand.New(rand.NewPCG(7, 8))
	mkDict := func(seed, n int) []string {
		var d []string
		for i := range n {
			d = append(d, "10."+strconv.Itoa(seed)+"."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256))
		}
		d[3] = "<null>"
		d[9] = d[8] // a value twice (Parquet does not forbid it)
		return d
	}
	dA, dB, dS1, dS2 := mkDict(1, 1500), mkDict(2, 900), mkDict(3, 700), mkDict(4, 800)
	dS2[5] = dA[100] // a value the kept dictionary has too
	type batch struct {
		dict    []string
		kept    int  // 1 or 2: kept dictionary A or B; 0: scratch
		reset   bool // reset the grouper before the batch
		lo, hi  int  // rows use entries lo to hi-1
		codes   []int32
		nullRow []bool
	}
	bs := []batch{
		{dict: dA, kept: 1, lo: 0, hi: 600},
		{dict: dA, kept: 1, lo: 300, hi: 1000},
		{dict: dS1, lo: 0, hi: 700},
		{dict: dS2, lo: 0, hi: 800},
		{dict: dA, kept: 1, lo: 900, hi: 1500},
		{dict: dB, kept: 2, lo: 0, hi: 900},
		{dict: dA, kept: 1, lo: 0, hi: 1500},
		{dict: dS2, lo: 0, hi: 800},
		{dict: dA, kept: 1, reset: true, lo: 700, hi: 1200},
		{dict: dA, kept: 1, lo: 0, hi: 800},
		{dict: dB, kept: 2, reset: true, lo: 400, hi: 900},
	}
	for i := range bs {
		b := &bs[i]
		for range 2000 {
			b.codes = append(b.codes, int32(b.lo+rng.IntN(b.hi-b.lo)))
			b.nullRow = append(b.nullRow, rng.IntN(30) == 0)
		}
	}
	fillDict := func(d *vec, dict []string) {
		d.reset(tString, len(dict))
		d.strs()
		d.nulls()
		for i, s := range dict {
			if s == "<null>" {
				d.null[i] = true
			} else {
				d.s[i] = s
			}
		}
	}
	// number runs the batches and returns, per batch, the value each
	// row's ID names ("<null>" for NULL), and, at each reset and at the
	// end, the grouper's values, sorted.
	number := func(minSlots int, asDict bool) (rows [][]string, vals [][]string) {
		strPrefetchMinSlots = minSlots
		var a arena
		kept := map[int]*vec{}
		scratch := &vec{} // one vec for every scratch dictionary
		g := newGrouper([]*dtype{tString, tInt})
		values := func() []string {
			var out []string
			col := g.vals[0]
			for i := range col.len() {
				if col.null[i] {
					out = append(out, "<null>")
				} else {
					out = append(out, col.s[i])
				}
			}
			slices.Sort(out)
			return out
		}
		for _, b := range bs {
			if b.reset {
				vals = append(vals, values())
				g.reset()
			}
			a.reset()
			n := len(b.codes)
			v := a.vec(tString, n)
			v.nulls()
			if asDict {
				switch {
				case b.kept > 0 && kept[b.kept] == nil:
					d := &vec{}
					fillDict(d, b.dict)
					d.isKept = true
					kept[b.kept] = d
					v.dict = d
				case b.kept > 0:
					v.dict = kept[b.kept]
				default:
					fillDict(scratch, b.dict)
					v.dict = scratch
				}
				v.codes = slices.Clone(b.codes)
			} else {
				v.strs()
			}
			for i, c := range b.codes {
				switch {
				case b.nullRow[i]:
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
			col := g.vals[0]
			var r []string
			for _, id := range g.ids[0][:n] {
				switch {
				case int(id) >= col.len():
					r = append(r, "<no value>")
				case col.null[id]:
					r = append(r, "<null>")
				default:
					r = append(r, col.s[id])
				}
			}
			rows = append(rows, r)
		}
		return rows, append(vals, values())
	}
	// The expected rows, and values: those the rows since the last
	// reset use, once each.
	var wantRows, wantVals [][]string
	seen := map[string]bool{}
	flush := func() {
		var vs []string
		for s := range seen {
			vs = append(vs, s)
		}
		slices.Sort(vs)
		wantVals = append(wantVals, vs)
		clear(seen)
	}
	for _, b := range bs {
		if b.reset {
			flush()
		}
		var r []string
		for i, c := range b.codes {
			s := b.dict[c]
			if b.nullRow[i] {
				s = "<null>"
			}
			r = append(r, s)
			seen[s] = true
		}
		wantRows = append(wantRows, r)
	}
	flush()
	for _, tc := range []struct {
		name     string
		minSlots int
		asDict   bool
	}{{"plain", 1 << 30, false}, {"small table", 1 << 30, true}, {"batched", 0, true}} {
		rows, vals := number(tc.minSlots, tc.asDict)
		for bi, b := range bs {
			for i, s := range rows[bi] {
				if s != wantRows[bi][i] {
					t.Fatalf("%s: batch %d row %d (code %d, NULL row %v): value %q; want %q", tc.name, bi, i, b.codes[i], b.nullRow[i], s, wantRows[bi][i])
				}
			}
		}
		for j := range wantVals {
			if !slices.Equal(vals[j], wantVals[j]) {
				t.Fatalf("%s: values before reset %d: %d; want %d", tc.name, j, len(vals[j]), len(wantVals[j]))
			}
		}
	}
}
