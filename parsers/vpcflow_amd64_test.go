package parsers

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
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
		b := randomFlowBytes(rng, alphabet, 64*n)
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

// flowSegFixture lays lines of fields out as parseRun does for
// buildSegment: b the lines (each ending in a newline; 32 more bytes of
// capacity, so 16 bytes load from any value's start), tape -1 and then
// the positions of b's spaces and newlines, and seg, for each line with
// as many fields as the first, the index in tape of the newline before
// it.
func flowSegFixture(lines [][]string) (b []byte, tape, seg []int32, nf int) {
	for _, l := range lines {
		b = append(b, strings.Join(l, " ")...)
		b = append(b, '\n')
	}
	b = append(b, bytes.Repeat([]byte("z"), 32)...)
	b = b[:len(b)-32]
	tape = []int32{-1}
	for i, c := range b {
		if c == ' ' || c == '\n' {
			tape = append(tape, int32(i))
		}
	}
	if len(lines) > 0 {
		nf = len(lines[0])
	}
	t := 0 // index in tape of the newline before the line
	for _, l := range lines {
		if len(l) == nf {
			seg = append(seg, int32(t))
		}
		t += len(l)
	}
	return b, tape, seg, nf
}

// seg0 is the index in tape of the newline at nl.
func seg0(tape []int32, nl int32) int {
	i, _ := slices.BinarySearch(tape, nl)
	return i
}

// checkFlowSegAsm checks flowLocate (checkFlowLocate) and flowSegment
// (against flowSegmentGo) on the lines of b, then builds every field of the lines of seg with the
// assembly loops (segInts32, segInts64, segDict, segString; checkInts
// checks them) and with the Go ones
// they replace, as rows from row of columns that hold row rows, and
// fails unless both accept the same segments and build the same columns.
// dataCap is the string columns' capacity, small to make segString grow.
func checkFlowSegAsm(t *testing.T, b []byte, tape, seg []int32, nf, row, dataCap int) {
	t.Helper()
	if !useSegAsm {
		t.Skip("no SSSE3")
	}
	checkFlowLocate(t, b, nf)
	var nls []int32
	for i, c := range b {
		if c == '\n' {
			nls = append(nls, int32(i))
		}
	}
	for _, limit := range []int{len(nls), 2} {
		for _, nb := range []int{math.MaxInt32, len(b) / 2} {
			for _, wide := range []int{cap(b) - 16, len(b) / 3} {
				for _, from := range []int{0, 1} {
					if from > len(nls) {
						continue
					}
					c := 1
					if from == 1 {
						c = int(seg0(tape, nls[0])) + 1
					}
					wantSeg, wantC := flowSegmentGo(nil, b, nls[from:], tape, c, nb, nf, limit, wide)
					gotSeg, gotC := flowSegment(nil, b, nls[from:], tape, c, nb, nf, limit, wide)
					if !slices.Equal(gotSeg, wantSeg) || gotC != wantC {
						t.Fatalf("segment of %q from line %d, limit %d, nb %d, wide %d: assembly %v %d; Go %v %d",
							b, from, limit, nb, wide, gotSeg, gotC, wantSeg, wantC)
					}
				}
			}
		}
	}

	for pos := range nf {
		checkFlowSegFilter(t, b, tape[pos:], seg)
	}
	checkFlowSegDrop(t, b, tape, seg, nf)

	rows := row + len(seg)
	prefill := func(c *flowCol) {
		for r := range row {
			if r%3 == 0 {
				c.appendNull()
				continue
			}
			switch c.kind {
			case flowKindInt32:
				c.i32[c.n] = int32(r)
			case flowKindInt64:
				c.i64[c.n] = int64(r)
			case flowKindString:
				c.data = append(c.data, "ab"...)
				c.offs[c.n+1] = int32(len(c.data))
			case flowKindDict:
				c.idx[c.n] = int32(r % 2)
			}
			c.setValid()
		}
	}
	checkFlowSegPairs(t, b, tape, seg, nf, row, prefill)
	for pos := range nf {
		for _, max := range []int64{255, 65535, math.MaxInt32, math.MaxInt64} {
			kind := flowKindInt64
			if max <= math.MaxInt32 && max != 255 {
				kind = flowKindInt32
			}
			g, a := newFlowCol(kind, rows), newFlowCol(kind, rows)
			prefill(g)
			prefill(a)
			var okG, okA bool
			if kind == flowKindInt32 {
				okG = segIntsGo(g, g.i32, b, tape, seg, pos, max, row)
				okA = segInts32(a, b, tape, seg, pos, max, row)
			} else {
				okG = segIntsGo(g, g.i64, b, tape, seg, pos, max, row)
				okA = segInts64(a, b, tape, seg, pos, max, row)
			}
			if okA != okG {
				t.Fatalf("field %d, max %d of %q: assembly ok %v; Go %v", pos, max, b, okA, okG)
			}
			digits := 0
			for x := int64(9); x <= max && digits < 18; x = 10*x + 9 {
				digits++
			}
			var r flowRun
			if okC, okR := r.checkInts(b, tape[pos:], seg, digits, max), segCheckInts(b, tape[pos:], seg, digits, max); okC != okR {
				t.Fatalf("field %d, max %d of %q checked: assembly ok %v; Go %v", pos, max, b, okC, okR)
			}
			if !okG {
				continue
			}
			if a.n != g.n || a.nulls != g.nulls || !bytes.Equal(a.valid, g.valid) || !slices.Equal(a.i32, g.i32) || !slices.Equal(a.i64, g.i64) {
				t.Fatalf("field %d, max %d of %q: assembly n %d nulls %d valid %x %v %v; Go %d %d %x %v %v",
					pos, max, b, a.n, a.nulls, a.valid, a.i32, a.i64, g.n, g.nulls, g.valid, g.i32, g.i64)
			}
		}
		g, a := newFlowCol(flowKindDict, rows), newFlowCol(flowKindDict, rows)
		for _, c := range []*flowCol{g, a} {
			for _, v := range []string{"ACCEPT", "REJECT", "12", "eni-0a1b2c3d4e5f60001"} {
				c.dictIndex([]byte(v))
			}
			prefill(c)
		}
		okG, okA := g.segDictGo(b, tape, seg, pos, row), a.segDict(b, tape, seg, pos, row)
		if okA != okG {
			t.Fatalf("field %d of %q, dictionary: assembly ok %v; Go %v", pos, b, okA, okG)
		}
		if okG && (a.n != g.n || a.nulls != g.nulls || !bytes.Equal(a.valid, g.valid) || !slices.Equal(a.idx, g.idx) ||
			!slices.Equal(a.dict, g.dict) || !slices.Equal(a.keys, g.keys) || !slices.Equal(a.klen, g.klen)) || a.segDict0 != g.segDict0 {
			t.Fatalf("field %d of %q, dictionary: assembly n %d nulls %d valid %x idx %v dict %q; Go %d %d %x %v %q",
				pos, b, a.n, a.nulls, a.valid, a.idx, a.dict, g.n, g.nulls, g.valid, g.idx, g.dict)
		}

		g, a = newFlowCol(flowKindString, rows), newFlowCol(flowKindString, rows)
		a.data = make([]byte, 0, dataCap)
		prefill(g)
		prefill(a)
		okG, okA = g.segStringGo(b, tape, seg, pos, row), a.segString(b, tape, seg, pos, row)
		if okA != okG {
			t.Fatalf("field %d of %q: assembly ok %v; Go %v", pos, b, okA, okG)
		}
		if !okG {
			if string(a.data) != string(g.data) {
				t.Fatalf("field %d of %q, rejected: assembly left data %q; Go %q", pos, b, a.data, g.data)
			}
			continue
		}
		if a.n != g.n || a.nulls != g.nulls || !bytes.Equal(a.valid, g.valid) || !slices.Equal(a.offs, g.offs) || string(a.data) != string(g.data) {
			t.Fatalf("field %d of %q: assembly n %d nulls %d valid %x offs %v data %q; Go %d %d %x %v %q",
				pos, b, a.n, a.nulls, a.valid, a.offs, a.data, g.n, g.nulls, g.valid, g.offs, g.data)
		}
	}
}

// checkFlowSegPairs checks segIntsPair, which builds two integer
// columns at once, against segIntsPairGo (segIntsGo of each, and the
// start-end check) on the fields of the lines of seg taken two at a
// time, for maximums of both kinds and with and without the window
// check, as rows from row of columns prefill fills with row rows.
func checkFlowSegPairs(t *testing.T, b []byte, tape, seg []int32, nf, row int, prefill func(*flowCol)) {
	t.Helper()
	if !useSegPair {
		return
	}
	rows := row + len(seg)
	type pairKind struct {
		kind       flowKind
		max1, max2 int64
		window     bool
	}
	kinds := []pairKind{
		{flowKindInt32, 65535, 65535, false}, {flowKindInt32, math.MaxInt32, 65535, false},
		{flowKindInt64, 255, math.MaxInt64, false}, {flowKindInt64, math.MaxInt64, math.MaxInt64, false},
		{flowKindInt64, math.MaxInt64, math.MaxInt64, true}, {flowKindInt64, 1700000000, 255, true},
	}
	for pos1 := range nf {
		for _, pos2 := range []int{(pos1 + 1) % nf, pos1, nf - 1 - pos1} {
			for _, k := range kinds {
				g1, g2, a1, a2 := newFlowCol(k.kind, rows), newFlowCol(k.kind, rows), newFlowCol(k.kind, rows), newFlowCol(k.kind, rows)
				for _, c := range []*flowCol{g1, g2, a1, a2} {
					prefill(c)
				}
				okG := segIntsPairGo(g1, g2, b, tape, seg, pos1, pos2, k.max1, k.max2, row, k.window)
				okA := segIntsPair(a1, a2, b, tape, seg, pos1, pos2, k.max1, k.max2, row, k.window)
				if okA != okG {
					t.Fatalf("fields %d and %d, %+v of %q: assembly ok %v; Go %v", pos1, pos2, k, b, okA, okG)
				}
				if !okG {
					continue
				}
				for i, c := range [][2]*flowCol{{a1, g1}, {a2, g2}} {
					a, g := c[0], c[1]
					if a.n != g.n || a.nulls != g.nulls || !bytes.Equal(a.valid, g.valid) || !slices.Equal(a.i32, g.i32) || !slices.Equal(a.i64, g.i64) {
						t.Fatalf("fields %d and %d, %+v of %q, column %d: assembly n %d nulls %d valid %x %v %v; Go %d %d %x %v %v",
							pos1, pos2, k, b, i+1, a.n, a.nulls, a.valid, a.i32, a.i64, g.n, g.nulls, g.valid, g.i32, g.i64)
					}
				}
			}
		}
	}
}

// flowSegAsmValues are the values TestFlowSegAsm puts in a segment
// and FuzzFlowSegAsm starts from: lengths 0 to 40, the bounds of each
// maximum, 16 and 17 digits, "-", bytes either side of the digits,
// spaces (another field count).
var flowSegAsmValues = []string{
	"", "-", "--", "-1", "1-", "0", "7", "9", "10", "42", "255", "256", "65535", "65536",
	"2147483647", "2147483648", "9223372036854775807", "9999999999999999", "10000000000000000",
	"0000000000000000", "00000000000000001", "1234567890123456", "123456789012345", "12345678",
	"123456789", "/", ":", "1/", "1:", "0:0", "/9", "a", "1a", "a1", "1.5", "+1", "12345678a", "1234567812345678x",
	"x1234567812345678", "10.0.1.25", "2600:1f18:266e:a02:9db7:1e89:65c5:b411", "eni-0a1b2c3d4e5f60001",
	"abcdefghijklmnop", "abcdefghijklmnopq", "REJECT", "NODATA", "ACCEP", "ACCEPTX", "12345678901", "1 2", "1 2 3", "1 ", strings.Repeat("y", 31), strings.Repeat("y", 32), strings.Repeat("y", 33),
	strings.Repeat("9", 40), "~", "ACCEPT",
}

// TestFlowSegAsm checks the assembly loops of buildSegment against the
// Go ones on a value of each kind that matters (lengths 0 to 40, the
// bounds of each maximum, 16 and 17 digits, "-", bytes either side of
// the digits) at each place of a segment of good lines.
func TestFlowSegAsm(t *testing.T) {
	good := []string{"2", "123456789010", "-", "1700000000", "65535"}
	for _, v := range flowSegAsmValues {
		for _, at := range []int{0, 1, 6, 19} {
			for _, nf := range []int{1, 3} {
				var lines [][]string
				for i := range 20 {
					l := make([]string, nf)
					for j := range l {
						l[j] = good[(i+j)%len(good)]
					}
					if i == at {
						l[nf/2] = v
					}
					lines = append(lines, l)
				}
				b, tape, seg, nf := flowSegFixture(lines)
				for _, row := range []int{0, 5} {
					for _, dataCap := range []int{0, 40, 4096} {
						checkFlowSegAsm(t, b, tape, seg, nf, row, dataCap)
					}
				}
			}
		}
	}
}

// FuzzFlowSegAsm compares buildSegment's assembly loops with the Go ones
// on printable lines: the bytes of data other than spaces and newlines
// are mapped to printable ASCII, as parseRun only segments such lines;
// lines with the first line's field count form the segment.
func FuzzFlowSegAsm(f *testing.F) {
	f.Add([]byte("2 123 - 1700000000 10.0.1.25\n2 9 -- 17 x\n"), uint8(0), uint16(64))
	f.Add([]byte("12345678901234567 1\n- -\n0 65536\n"), uint8(3), uint16(0))
	f.Add([]byte("255 256\n2147483647 2147483648\n9999999999999999 10000000000000000\n"), uint8(7), uint16(20))
	f.Add([]byte("7\n\n7\n7\n"), uint8(2), uint16(64))
	for _, v := range flowSegAsmValues {
		f.Add([]byte("7 "+v+"\n7 12\n"), uint8(1), uint16(4096))
		f.Add([]byte(v+" 7\n12 7\n7 12\n"), uint8(0), uint16(4096))
		// Beside a null: segIntsPair's loop takes two nulls only.
		f.Add([]byte("- "+v+"\n- -\n"), uint8(1), uint16(4096))
		f.Add([]byte(v+" -\n- -\n"), uint8(0), uint16(4096))
	}
	f.Fuzz(func(t *testing.T, data []byte, row uint8, dataCap uint16) {
		if len(data) > 4096 {
			return
		}
		var lines [][]string
		for _, l := range strings.Split(string(data), "\n") {
			fields := strings.Split(l, " ")
			for i, v := range fields {
				w := []byte(v)
				for j, c := range w {
					if c < 0x21 || c > 0x7e {
						w[j] = 0x21 + c%94
					}
				}
				fields[i] = string(w)
			}
			lines = append(lines, fields)
		}
		b, tape, seg, nf := flowSegFixture(lines)
		checkFlowSegAsm(t, b, tape, seg, nf, int(row%16), int(dataCap))
	})
}

// checkFlowLocate checks flowLocateGo against lines split by hand, and
// flowLocateAsm against flowLocateGo, on the lines of b (cap(b) has room
// for a block past them) with nf fields: from the first line and the
// second, with a limit on the lines, in a block with a bad byte or past
// wide (lim), and for the ends of several plans (every field, none, the
// first, the last, every third, one far from the one before).
func checkFlowLocate(t *testing.T, b []byte, nf int) {
	t.Helper()
	n := (len(b) + 63) / 64
	blocks := make([]byte, 64*n)
	copy(blocks, b)
	for i := len(b); i < len(blocks); i++ {
		blocks[i] = 'a'
	}
	sep, nl, bad := make([]uint64, n+1), make([]uint64, n), make([]uint64, n)
	flowClassifyGo(blocks, sep[:n], nl, bad)
	sep[n] = ^uint64(0) // junk past the newlines
	var nls []int32
	for i, c := range b {
		if c == '\n' {
			nls = append(nls, int32(i))
		}
	}
	plans := [][]int{nil}
	all, thirds := []int{}, []int{}
	for f := range nf {
		all = append(all, f)
		if f%3 == 1 {
			thirds = append(thirds, f)
		}
	}
	plans = append(plans, all, thirds, []int{0}, []int{nf - 1}, []int{0, nf - 1})
	if nf > 70 {
		plans = append(plans, []int{1, 68}, []int{66})
	}
	for _, plan := range plans {
		r := &VPCFlowReader{nfields: nf}
		for _, f := range plan {
			r.plan = append(r.plan, flowStep{pos: f})
		}
		r.setBounds()
		bounds, masks := r.bounds, r.masks
		checkFlowLinesLocate(t, b, nf, bounds)
		nb := len(bounds)
		for _, lim := range []int{math.MaxInt32, len(b) / 2, len(b) / 3} {
			for from := range min(2, len(nls)+1) {
				for _, limit := range []int{len(nls) - from, 1} {
					prev := -1
					if from > 0 {
						prev = int(nls[from-1])
					}
					ls := nls[from : from+max(limit, 0)]
					// By hand.
					var want []int32
					wantK := 0
					for _, e := range ls {
						start := prev + 1
						if int(e) >= lim || int(e) <= start || b[start]-'a' < 26 {
							break
						}
						fields := strings.Split(string(b[start:e]), " ")
						if len(fields) != nf {
							break
						}
						ends := []int32{int32(prev)}
						at := prev
						for _, f := range fields {
							at += len(f) + 1
							ends = append(ends, int32(at))
						}
						for _, j := range bounds {
							want = append(want, ends[j+1])
						}
						wantK++
						prev = int(e)
					}
					tapeG := make([]int32, nb*len(ls))
					k := flowLocateGo(tapeG, b, sep, ls, prev0(nls, from), lim, nf, bounds)
					if k != wantK || !slices.Equal(tapeG[:nb*k], want) {
						t.Fatalf("locate %q from line %d, lim %d, bounds %v: Go %d lines %v; want %d %v", b, from, lim, bounds, k, tapeG[:nb*k], wantK, want)
					}
					if !useLocateAsm || slices.Contains(masks, 0) || len(masks) == 0 {
						continue
					}
					tapeA := make([]int32, nb*len(ls))
					ka := flowLocateAsm(tapeA, b, sep, ls, prev0(nls, from), lim, masks, nb > 0 && bounds[0] < 0)
					if ka != k || !slices.Equal(tapeA[:nb*k], tapeG[:nb*k]) {
						t.Fatalf("locate %q from line %d, lim %d, bounds %v: assembly %d lines %v; Go %d %v", b, from, lim, bounds, ka, tapeA[:nb*ka], k, tapeG[:nb*k])
					}
				}
			}
		}
	}
}

// prev0 is the newline before line from of nls, or -1.
func prev0(nls []int32, from int) int {
	if from == 0 {
		return -1
	}
	return int(nls[from-1])
}

// TestFlowLocate checks flowLocate (checkFlowLocate) on random lines of
// 1 to 80 fields of 0 to 90 bytes, so that ends lie more than 64 bytes
// apart, lines span several words and some have other field counts, are
// empty or start with a lowercase letter.
func TestFlowLocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 400 {
		nf := 1 + rng.IntN(12)
		if rng.IntN(4) == 0 {
			nf = 1 + rng.IntN(80)
		}
		maxLen := []int{3, 12, 40, 90}[rng.IntN(4)]
		var b []byte
		for range 1 + rng.IntN(12) {
			n := nf
			switch rng.IntN(8) {
			case 0:
				n = max(1, nf+rng.IntN(3)-1)
			case 1:
				n = 0
			}
			for f := range n {
				if f > 0 {
					b = append(b, ' ')
				}
				for range rng.IntN(maxLen + 1) {
					b = append(b, "0123456789.:-ABCabz"[rng.IntN(19)])
				}
			}
			b = append(b, '\n')
		}
		b = append(b, bytes.Repeat([]byte("z"), 72)...)[:len(b)]
		checkFlowLocate(t, b, nf)
	}
}

// checkFlowSegFilter checks flowSegFilterAsm against flowSegFilterGo on
// the field at the start of tape of the lines of seg, for several sets of
// kept values (none, one, two, of 1 and 8 bytes, one with a NUL).
func checkFlowSegFilter(t *testing.T, b []byte, tape, seg []int32) {
	t.Helper()
	if !useLocateAsm {
		return
	}
	for _, vals := range [][]string{nil, {"REJECT"}, {"ACCEPT", "REJECT"}, {"7", "12"}, {"12345678", "2"}, {"1\x00", "-1"}, {"65535", "9", "1700000000", "a"}} {
		var keys []uint64
		var lens []int
		for _, v := range vals {
			var w [8]byte
			copy(w[:], v)
			keys = append(keys, binary.LittleEndian.Uint64(w[:]))
			lens = append(lens, len(v))
		}
		kg, lg := make([]int32, len(seg)), make([]int32, len(seg))
		ka, la := make([]int32, len(seg)), make([]int32, len(seg))
		nkG, nlG, okG := flowSegFilterGo(kg, lg, b, tape, seg, keys, lens)
		nkA, nlA, okA := flowSegFilterAsm(ka, la, b, tape, seg, keys, lens)
		if okA != okG || okG && (nkA != nkG || nlA != nlG || !slices.Equal(ka[:nkA], kg[:nkG]) || !slices.Equal(la[:nlA], lg[:nlG])) {
			t.Fatalf("filter %q of %q: assembly %v %v %v; Go %v %v %v", vals, b, okA, ka[:nkA], la[:nlA], okG, kg[:nkG], lg[:nlG])
		}
	}
}

// randomFlowBytes returns n random bytes: lowercase letters, and bytes of
// alphabet at a density drawn per call (from every byte to one in
// len(alphabet)).
func randomFlowBytes(rng *rand.Rand, alphabet []byte, n int) []byte {
	b := make([]byte, n)
	density := rng.IntN(len(alphabet)) + 1
	for i := range b {
		if rng.IntN(density) == 0 {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		} else {
			b[i] = byte('a' + rng.IntN(26))
		}
	}
	return b
}

// TestFlowLines checks flowLines (flowClassifyNLAVX2 where it runs)
// against flowLinesGo on random runs of 0 to 400 bytes weighted towards
// spaces, newlines and bad bytes, whole blocks and a tail.
func TestFlowLines(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte("  \n\n\n-a1.:\x00\x01\r\x7f\x80\xff")
	for range 2000 {
		b := randomFlowBytes(rng, alphabet, rng.IntN(401))
		n := (len(b) + 63) / 64
		var tailG, tailA [64]byte
		sepG, nlG, badG := make([]uint64, n), make([]uint64, n), make([]uint64, n)
		sepA, nlA, badA := make([]uint64, n), make([]uint64, n), make([]uint64, n)
		want := flowLinesGo(b, &tailG, sepG, nlG, badG, make([]int32, 0, 64*n+16))
		got := flowLines(b, &tailA, sepA, nlA, badA, make([]int32, 0, 64*n+16))
		if !slices.Equal(got, want) || !slices.Equal(sepA, sepG) {
			t.Fatalf("lines of %q: %v sep %x; want %v %x", b, got, sepA, want, sepG)
		}
		for i := range n {
			if (badA[i] != 0) != (badG[i] != 0) {
				t.Fatalf("lines of %q: bad %x; want %x", b, badA, badG)
			}
		}
	}
}

// checkFlowLinesLocate checks flowLinesLocate on the lines of b (nf
// fields; the ends of bounds located) with wide at the end of its
// capacity and at a third of it: its newlines and bitmaps against
// flowLinesGo's, its lines and their ends against flowLocateBlocksGo's
// (where the assembly runs) and against flowLocateGo's first lines. It
// returns how many lines it located with the first wide, and how many
// flowLocateGo takes that end in the blocks it could locate (whole,
// before wide+1).
func checkFlowLinesLocate(t *testing.T, b []byte, nf int, bounds []int32) (located, could int) {
	t.Helper()
	var l flowLocTables
	l.set(bounds, nf, true)
	if !l.on {
		return 0, 0
	}
	buf := make([]byte, len(b), len(b)+80)
	copy(buf, b)
	n := (len(b) + 63) / 64
	for wi, wide := range []int{cap(buf) - 16, cap(buf) / 3} {
		var tailG, tailA [64]byte
		sepG, nlG, badG := make([]uint64, n+1), make([]uint64, n), make([]uint64, n)
		nlsG := flowLinesGo(buf, &tailG, sepG, nlG, badG, make([]int32, 0, 64*n+16))
		sepA, nlA, badA := make([]uint64, n+1), make([]uint64, n), make([]uint64, n)
		for i := range badA {
			badA[i] = ^uint64(0) // left from an earlier run: read from clean on only
		}
		tape := make([]int32, l.stride*(len(b)/nf+2)+4)
		nlsA, k, clean := flowLinesLocate(buf, &tailA, sepA, nlA, badA, make([]int32, 0, 64*n+16), tape, wide, &l)
		if nb := flowNextBad(badG[:n], 0); nb < clean || clean > len(b) {
			t.Fatalf("lines of %q: clean to %d; first bad block at %d", b, clean, nb)
		}
		// sep from block clean/64 on (parseRun's flowRun.sepFrom
		// classifies those before again).
		if !slices.Equal(nlsA, nlsG) || !slices.Equal(sepA[clean/64:n], sepG[clean/64:n]) {
			t.Fatalf("lines of %q: %v sep %x; want %v %x", b, nlsA, sepA[:n], nlsG, sepG[:n])
		}
		for i := clean / 64; i < n; i++ {
			if (badA[i] != 0) != (badG[i] != 0) {
				t.Fatalf("lines of %q: bad %x; want %x", b, badA, badG)
			}
		}
		lb := max(min(len(b)/64, (wide+1)/64), 0)
		if useAVX2 && !use512 && useFlattenBMI && useLocateAsm && len(b) > 0 && b[0]-'a' >= 26 {
			ref := flowLocateBlocksGo(buf[:cap(buf)], sepG[:lb], nlG[:lb], badG[:lb], &l, nil)
			want := len(ref) / l.stride
			if k != want || !slices.Equal(tape[:l.stride*k], ref[:l.stride*want]) {
				t.Fatalf("locate %q, nf %d, bounds %v, wide %d: %d lines %v; want %d %v", b, nf, bounds, wide, k, tape[:l.stride*k], want, ref[:l.stride*want])
			}
		} else if k != 0 {
			t.Fatalf("locate %q: %d lines without the assembly", b, k)
		}
		nb := flowNextBad(badG[:n], 0)
		tapeG := make([]int32, len(bounds)*len(nlsG))
		kg := flowLocateGo(tapeG, buf, sepG, nlsG, -1, min(nb, wide+1), nf, bounds)
		if k > kg || !slices.Equal(tape[:l.stride*k], tapeG[:l.stride*k]) {
			t.Fatalf("locate %q, nf %d, bounds %v, wide %d: %d lines %v; flowLocateGo %d %v", b, nf, bounds, wide, k, tape[:l.stride*k], kg, tapeG[:l.stride*kg])
		}
		if wi == 0 {
			located = k
			for could < kg && int(nlsG[could]) < 64*lb {
				could++
			}
		}
	}
	return located, could
}

// TestFlowLinesLocate checks flowLinesLocate (checkFlowLinesLocate) on
// random runs of lines of 2 to 40 fields: values of 0 to 90 bytes (so
// lines span blocks and ends lie more than 64 bytes apart), "-" values,
// NODATA-like lines, and now and then a line of another field count, an
// empty line, one that starts with a lowercase letter, a CR before the
// newline, a byte that is not printable ASCII, or no newline at the end.
// Runs of none of those must be located up to their last whole block.
func TestFlowLinesLocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	located, could := 0, 0
	for it := range 3000 {
		nf := 2 + rng.IntN(13)
		if rng.IntN(4) == 0 {
			nf = 2 + rng.IntN(39)
		}
		maxLen := []int{2, 8, 20, 90}[rng.IntN(4)]
		clean := it%2 == 0
		var b []byte
		for li := range 1 + rng.IntN(30) {
			nfl := nf
			odd := -1
			if !clean && rng.IntN(6) == 0 {
				odd = rng.IntN(6)
			}
			switch odd {
			case 0:
				nfl = max(1, nf+rng.IntN(3)-1)
			case 1:
				nfl = 0
			}
			for f := range nfl {
				if f > 0 {
					b = append(b, ' ')
				}
				switch {
				case f == 0 && (odd == 2 || li == 0 && !clean && rng.IntN(8) == 0):
					b = append(b, "version"[:1+rng.IntN(7)]...)
				case f == nfl-1 && rng.IntN(10) == 0:
					b = append(b, "NODATA"...)
				case rng.IntN(5) == 0:
					b = append(b, '-')
				default:
					n := rng.IntN(maxLen + 1)
					if f == 0 {
						n = max(n, 1)
					}
					for range n {
						c := "0123456789.:-ABCabz"[rng.IntN(19)]
						if f == 0 && c >= 'a' {
							c = '7'
						}
						b = append(b, c)
					}
				}
				if odd == 3 && f == nfl/2 {
					b = append(b, "\x00\x80\x7f\x1f"[rng.IntN(4)])
				}
			}
			if odd == 4 {
				b = append(b, '\r')
			}
			b = append(b, '\n')
		}
		if !clean && rng.IntN(4) == 0 {
			b = b[:len(b)-1] // no newline at the end
		}
		var bounds []int32
		for j := range nf - 1 {
			if rng.IntN(3) == 0 {
				bounds = append(bounds, int32(j))
			}
		}
		bounds = append(bounds, int32(nf-1))
		k, c := checkFlowLinesLocate(t, b, nf, bounds)
		if clean && k != c {
			t.Fatalf("locate %q, nf %d, bounds %v: %d lines; want %d", b, nf, bounds, k, c)
		}
		located, could = located+k, could+c
	}
	t.Logf("%d lines located of %d", located, could)
	if useAVX2 && !use512 && useLocateAsm && located == 0 {
		t.Fatal("no line located")
	}
}

// TestFlowLinesLocate_NotNewline checks flowLinesLocate where a byte
// below 0x20 or above 0x7f other than a newline (CR, NUL, tab, unit
// separator, 0x80, 0xff) stands where a line's newline must be, alone
// or with a newline before it in the same block, in the first block or
// a later one: flowClassifyLocateAVX2 takes such bytes with the newlines
// in one bitmap, and must stop at the block (and take back the newlines
// it wrote for it) because the byte is not a newline.
func TestFlowLinesLocate_NotNewline(t *testing.T) {
	for _, nf := range []int{2, 3, 5, 14} {
		line := strings.TrimSpace(strings.Repeat("7 ", nf))
		for _, c := range []byte{'\r', 0, '\t', 0x1f, 0x80, 0xff} {
			for _, at := range []int{0, 1, 2, 5, 9, 20} {
				for _, before := range []int{0, 1} {
					var b []byte
					for i := range 40 {
						b = append(b, line...)
						if i == at {
							b = append(b, c)
							b = append(b, strings.Repeat("8", before)...)
						}
						b = append(b, '\n')
					}
					bounds := []int32{0, int32(nf - 1)}
					if nf == 2 {
						bounds = bounds[1:]
					}
					checkFlowLinesLocate(t, b, nf, bounds)
					// The byte in place of a newline.
					b2 := slices.Clone(b)
					k := 0
					for i, x := range b2 {
						if x == '\n' {
							if k == at+before {
								b2[i] = c
								break
							}
							k++
						}
					}
					checkFlowLinesLocate(t, b2, nf, bounds)
				}
			}
		}
	}
}

// checkFlowSegDrop checks flowSegDropAsm against flowSegDropGo, and
// flowSegDropGo against filterSegment's other way (flowSegFilterGo, the
// text checks and segCheckInts), on the lines of seg (nf fields, on the
// full tape) for each filtered field, several keys and several sets of
// checked fields: where flowSegDropGo takes the lines, the other way
// takes them and keeps the same; where it does not, the other way does
// not either, or a checked integer value has over 16 digits.
func checkFlowSegDrop(t *testing.T, b []byte, tape, seg []int32, nf int) {
	t.Helper()
	for fpos := range nf {
		for _, v := range []string{"REJECT", "7", "12345678", "2", "-", "ab"} {
			var w [8]byte
			copy(w[:], v)
			key := binary.LittleEndian.Uint64(w[:])
			var others []int32
			for f := range nf {
				if f != fpos {
					others = append(others, int32(f))
				}
			}
			sets := [][2][]int32{{nil, nil}, {others, nil}, {nil, others}}
			if len(others) > 1 {
				sets = append(sets, [2][]int32{others[:1], others[1:]}, [2][]int32{others[1:], others[:1]})
			}
			// flowSegDrop1Asm: every text field with every integer field.
			for _, tp := range others {
				for _, ip := range others {
					if !useLocateAsm || !useSegAsm {
						break
					}
					texts, ints := []int32{tp}, []int32{ip}
					kg, ka := make([]int32, len(seg)), make([]int32, len(seg))
					nkG, okG := flowSegDropGo(kg, b, tape, seg, fpos, key, texts, ints)
					nkA, okA := flowSegDrop1Asm(ka, b, tape, seg, fpos, key, int(tp), int(ip))
					if okA != okG || okG && (nkA != nkG || !slices.Equal(ka[:nkA], kg[:nkG])) {
						t.Fatalf("drop %q at %d, text %d int %d of %q: flowSegDrop1Asm %v %v; Go %v %v", v, fpos, tp, ip, b, okA, ka[:nkA], okG, kg[:nkG])
					}
				}
			}
			for _, set := range sets {
				texts, ints := set[0], set[1]
				kg, ka := make([]int32, len(seg)), make([]int32, len(seg))
				nkG, okG := flowSegDropGo(kg, b, tape, seg, fpos, key, texts, ints)
				if useLocateAsm && useSegAsm {
					nkA, okA := flowSegDropAsm(ka, b, tape, seg, fpos, key, texts, ints)
					if okA != okG || okG && (nkA != nkG || !slices.Equal(ka[:nkA], kg[:nkG])) {
						t.Fatalf("drop %q at %d, texts %v ints %v of %q: assembly %v %v; Go %v %v", v, fpos, texts, ints, b, okA, ka[:nkA], okG, kg[:nkG])
					}
				}
				// The other way.
				kept, left := make([]int32, len(seg)), make([]int32, len(seg))
				nk, nl, ok := flowSegFilterGo(kept, left, b, tape[fpos:], seg, []uint64{key}, []int{len(v)})
				long := false
				for _, pos := range texts {
					for _, l := range left[:nl] {
						ok = ok && tape[int(l)+int(pos)+1]-tape[int(l)+int(pos)] >= 2
					}
				}
				for _, pos := range ints {
					ok = ok && segCheckInts(b, tape[pos:], left[:nl], 18, math.MaxInt64)
					for _, l := range left[:nl] {
						long = long || tape[int(l)+int(pos)+1]-tape[int(l)+int(pos)] > 17
					}
				}
				if okG && (!ok || nk != nkG || !slices.Equal(kept[:nk], kg[:nkG])) || !okG && ok && !long {
					t.Fatalf("drop %q at %d, texts %v ints %v of %q: %v %v; the other way %v %v", v, fpos, texts, ints, b, okG, kg[:nkG], ok, kept[:nk])
				}
			}
		}
	}
}

// TestFlowSegDrop_Long checks the drop loops (checkFlowSegDrop) on
// segments of many lines whose values are drawn from ones that keep,
// leave out, stop the loop or fail: empty values, "-", 1 to 18 digits,
// digits with a letter at each place.
func TestFlowSegDrop_Long(t *testing.T) {
	pool := []string{"REJECT", "ACCEPT", "REJECTS", "7", "12345678", "123456789", "1234567890123456",
		"12345678901234567", "-", "ab", "", "2", "1767588107", "17675x8107", "x", "123456789012345x", "9999999/"}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		nl := 8 + rng.IntN(40)
		nf := 2 + round%3
		lines := make([][]string, nl)
		for i := range lines {
			for range nf {
				v := pool[rng.IntN(4)] // mostly plain values
				if rng.IntN(6) == 0 {
					v = pool[rng.IntN(len(pool))]
				}
				lines[i] = append(lines[i], v)
			}
		}
		b, tape, seg, nf := flowSegFixture(lines)
		checkFlowSegDrop(t, b, tape, seg, nf)
	}
}
