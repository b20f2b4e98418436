package parsers

import (
	"slices"

	"golang.org/x/sys/cpu"
)

// flowSpaceBlocks is [flowSpaceBlocksGo] in assembly (vpcflow_amd64.s),
// 16 bytes a compare with SSE2, which every amd64 has. b must hold 64
// bytes for each word of bits.
//
//go:noescape
func flowSpaceBlocks(b []byte, bits []uint64) (bad uint64)

// flowClassify is [flowClassifyGo] in assembly (vpcflow_amd64.s): with
// AVX-512BW a block a compare, else with AVX2 32 bytes a compare, else
// SSE2 (every amd64), 16 bytes a compare. b must hold 64 bytes for each
// word of sep; nl and bad at least as many words as sep.
func flowClassify(b []byte, sep, nl, bad []uint64) {
	if use512 {
		flowClassify512(b, sep, nl, bad)
		return
	}
	if useAVX2 {
		flowClassifyAVX2(b, sep, nl, bad)
		return
	}
	flowClassifySSE2(b, sep, nl, bad)
}

// useAVX2 tells flowClassify to use its AVX2 version where AVX-512 is
// not (AMD before Zen 4, Intel before Ice Lake): about 30 instructions a
// 64-byte block against SSE2's 75.
var useAVX2 = cpu.X86.HasAVX2

//go:noescape
func flowClassifyAVX2(b []byte, sep, nl, bad []uint64)

// use512 tells flowClassify and flowFlatten to use their AVX-512 versions
// (Intel since Ice Lake, AMD since Zen 4).
var use512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI2 && cpu.X86.HasPOPCNT

//go:noescape
func flowClassifySSE2(b []byte, sep, nl, bad []uint64)

//go:noescape
func flowClassify512(b []byte, sep, nl, bad []uint64)

//go:noescape
func flowFlatten512(t []int32, k int, words []uint64) int

// flowFlatten is [flowFlattenGo], in assembly where the CPU has POPCNT
// and BMI1 (every amd64 since 2013): Go's bit loops spill registers, and
// without BLSR clearing a bit takes two dependent instructions. Sparse
// words (newlines, about one in 64 bytes of flow lines) go to the BMI
// version even where AVX-512 is: its rounds of two bits cost a quarter of
// the AVX-512 version's four 16-entry stores a word (0.3 vs 1.2 ns a
// word, a 16 KiB run of v5 lines in L1).
func flowFlatten(t []int32, words []uint64, sparse bool) []int32 {
	if !useFlattenBMI && !use512 {
		return flowFlattenGo(t, words, sparse)
	}
	k := len(t)
	t = t[:cap(t)]
	if cap(t)-k < 64*len(words)+8 {
		panic("parsers: flowFlatten: no room")
	}
	if use512 && !(sparse && useFlattenBMI) {
		return t[:flowFlatten512(t, k, words)]
	}
	return t[:flowFlattenBMI(t, k, words, sparse)]
}

// useFlattenBMI tells flowFlatten to call flowFlattenBMI.
var useFlattenBMI = cpu.X86.HasPOPCNT && cpu.X86.HasBMI1

// flowFlattenBMI is flowFlattenGo in assembly, writing from t[k]; it
// returns the entries in t after.
//
//go:noescape
func flowFlattenBMI(t []int32, k int, words []uint64, sparse bool) int

// useSegAsm tells segInts32, segInts64 and segString to use their
// assembly loops (SSSE3: PSHUFB and PMADDUBSW), a variable for tests.
// The Go loops spend about 60 instructions a value on bounds checks and
// spilled registers; the assembly ones about 30 for an integer and 17
// for a short string.
var useSegAsm = cpu.X86.HasSSSE3

// segInts32 is [segIntsGo] for an int32 column: flowSegInts32 where the
// CPU has SSSE3.
func segInts32(c *flowCol, b []byte, tape, seg []int32, pos int, max int64, row int) bool {
	if !useSegAsm {
		return segIntsGo(c, c.i32, b, tape, seg, pos, max, row)
	}
	vals := c.i32[row : row+len(seg)]
	setFlowBits(c.valid, row, row+len(seg))
	nulls, ok := flowSegInts32(vals, c.valid, b, tape[pos:], seg, max, row)
	if ok {
		c.n, c.nulls = row+len(seg), c.nulls+nulls
	}
	return ok
}

// segInts64 is [segIntsGo] for an int64 column: flowSegInts64 where the
// CPU has SSSE3.
func segInts64(c *flowCol, b []byte, tape, seg []int32, pos int, max int64, row int) bool {
	if !useSegAsm {
		return segIntsGo(c, c.i64, b, tape, seg, pos, max, row)
	}
	vals := c.i64[row : row+len(seg)]
	setFlowBits(c.valid, row, row+len(seg))
	nulls, ok := flowSegInts64(vals, c.valid, b, tape[pos:], seg, max, row)
	if ok {
		c.n, c.nulls = row+len(seg), c.nulls+nulls
	}
	return ok
}

// flowSegInts64 is segIntsGo's loop in assembly (vpcflow_amd64.s), SSSE3:
// a value of 1 to 16 bytes is loaded as 16, right-aligned behind zeros by
// one PSHUFB, checked for digits by one saturating add and turned into
// its value by PMADDUBSW, PMADDWD, PACKSSDW and PMADDWD, with no branch
// on its length. vals[k] gets the value of line seg[k]'s field (tape is
// the column's stretch of the tape, tape[pos:]), "-" a 0 and its row's
// validity bit (row+k of valid) cleared and counted in nulls. It returns
// ok false at the first other value that is not 1 to 16 digits of at
// most max. The caller ensures what segIntsGo's bounds checks would:
// len(vals) == len(seg), every tape[seg[k]+1] in tape, 16 bytes loadable
// from every value's start in b, bits row to row+len(seg) in valid.
//
//go:noescape
func flowSegInts64(vals []int64, valid []byte, b []byte, tape []int32, seg []int32, max int64, row int) (nulls int, ok bool)

// flowSegInts32 is flowSegInts64 for an int32 column (max at most
// math.MaxInt32).
//
//go:noescape
func flowSegInts32(vals []int32, valid []byte, b []byte, tape []int32, seg []int32, max int64, row int) (nulls int, ok bool)

// segString is [flowCol.segStringGo]: flowSegStrings where the CPU has
// SSSE3, growing the column's bytes whenever it stops for room.
func (c *flowCol) segString(b []byte, tape, seg []int32, pos int, row int) bool {
	if !useSegAsm {
		return c.segStringGo(b, tape, seg, pos, row)
	}
	tape = tape[pos:]
	setFlowBits(c.valid, row, row+len(seg))
	offs := c.offs[row+1 : row+1+len(seg)]
	d0, n0, nulls := len(c.data), row+len(seg), 0
	for {
		data := c.data[:cap(c.data)]
		k, d, nl, status := flowSegStrings(data, len(c.data), offs, c.valid, b, tape, seg, row)
		c.data = data[:d]
		nulls += nl
		switch status {
		case flowSegDone:
			c.n, c.nulls = n0, c.nulls+nulls
			return true
		case flowSegFail:
			c.data = c.data[:d0]
			return false
		}
		// Slow path: room for seg[k]'s value and 16 bytes past it, or
		// twice the room.
		offs, seg, row = offs[k:], seg[k:], row+k
		need := 16 + int(tape[seg[0]+1]-tape[seg[0]])
		c.data = slices.Grow(c.data, max(need, cap(c.data)))
	}
}

// flowSegStrings' status: all of seg done, stopped at seg[k] for room,
// or at a value buildLine rejects (empty).
const (
	flowSegDone = iota
	flowSegRoom
	flowSegFail
)

// flowSegStrings is segStringGo's loop in assembly (vpcflow_amd64.s):
// it appends the value of line seg[k]'s field to data from data[d] (16
// bytes a move, SSE2) and sets offs[k] to its end, "-" none and its
// row's validity bit (row+k of valid) cleared and counted in nulls,
// until all of seg is done (status flowSegDone, k len(seg)), a value
// needs more than len(data) (flowSegRoom: values before seg[k] are
// done, d is data's length after them) or a value is empty
// (flowSegFail). The caller ensures what segStringGo's bounds checks
// would: len(offs) == len(seg), every tape[seg[k]+1] in tape, 16 bytes
// loadable past every value's end in b, bits row to row+len(seg) in valid.
//
//go:noescape
func flowSegStrings(data []byte, d int, offs []int32, valid []byte, b []byte, tape []int32, seg []int32, row int) (k, dout, nulls, status int)

// segDict is [flowCol.segDictGo]: flowSegDict where the CPU has SSSE3
// (the others' condition; this one needs only SSE2), with the values it
// stops at (not among the word keys) taken here as segDictGo takes them.
func (c *flowCol) segDict(b []byte, tape, seg []int32, pos int, row int) bool {
	if !useSegAsm {
		return c.segDictGo(b, tape, seg, pos, row)
	}
	c.segDict0 = len(c.dict)
	tape = tape[pos:]
	setFlowBits(c.valid, row, row+len(seg))
	idx := c.idx[row : row+len(seg)]
	nulls := 0
	for k := 0; ; k++ {
		k += flowSegDict(idx[k:], c.keys, c.klen, b, tape, seg[k:])
		if k == len(seg) {
			break
		}
		// Slow path: a value not among the keys.
		t := seg[k]
		v := b[tape[t]+1 : tape[t+1]]
		if len(v) == 1 && v[0] == '-' {
			r := row + k
			c.valid[r>>3] &^= 1 << (r & 7)
			nulls++
			idx[k] = 0
		} else if len(v) == 0 {
			return false
		} else {
			idx[k] = c.dictIndex(v)
		}
	}
	c.n, c.nulls = row+len(seg), c.nulls+nulls
	return true
}

// flowSegDict is segDictGo's loop in assembly (vpcflow_amd64.s): it sets
// idx[k] to the index e of the value of line seg[k]'s field among keys
// (keys[e] its first 8 bytes as a little-endian word, klen[e] its
// length), for k from 0 until a value of no key or all of seg, and
// returns that k. The caller ensures what segDictGo's bounds checks
// would: len(idx) >= len(seg), len(klen) == len(keys), every
// tape[seg[k]+1] in tape, 8 bytes loadable from every value's start.
//
//go:noescape
func flowSegDict(idx []int32, keys []uint64, klen []uint8, b []byte, tape []int32, seg []int32) int

// checkInts is [segCheckInts]: where the CPU has SSSE3, flowSegInts64
// building the values into r's scratch, which accepts the same values (a
// value of at most digits digits is at most max).
func (r *flowRun) checkInts(b []byte, tape, seg []int32, digits int, max int64) bool {
	if !useSegAsm {
		return segCheckInts(b, tape, seg, digits, max)
	}
	if len(r.checkVals) < len(seg) {
		r.checkVals, r.checkValid = make([]int64, len(seg)), make([]byte, len(seg)/8+1)
	}
	_, ok := flowSegInts64(r.checkVals[:len(seg)], r.checkValid, b, tape, seg, max, 0)
	return ok
}

// flowLocate is [flowLocateGo]: flowLocateAsm where the CPU has BMI2
// (PDEP) and every mask of the format is one (no distance over 64).
func flowLocate(tape []int32, b []byte, sep []uint64, nls []int32, prev, lim, nf int, bounds []int32, masks []uint64) int {
	if !useLocateAsm || nf < 1 || len(masks) == 0 || slices.Contains(masks, 0) {
		return flowLocateGo(tape, b, sep, nls, prev, lim, nf, bounds)
	}
	if len(tape) < len(bounds)*len(nls) || len(nls) > 0 && int(nls[len(nls)-1])/64+1 >= len(sep) {
		panic("parsers: flowLocate: no room")
	}
	return flowLocateAsm(tape, b, sep, nls, prev, lim, masks, len(bounds) > 0 && bounds[0] < 0)
}

// useLocateAsm tells flowLocate to use flowLocateAsm (BMI1 and BMI2, a
// variable for tests).
var useLocateAsm = cpu.X86.HasBMI1 && cpu.X86.HasBMI2 && cpu.X86.HasPOPCNT

// locateFast tells setBounds that the compact tape may pay: flowLocateAsm
// runs and PDEP is fast (fastPDEP). Elsewhere every plan takes the full
// tape, as before the compact tape existed.
var locateFast = useLocateAsm && fastPDEP()

// flowLocateAsm is flowLocateGo's loop in assembly (vpcflow_amd64.s): the
// k-th space or newline from a position is the bit PDEP deposits 1<<(k-1)
// to in the 64 bits of sep from there (one SHRD of two words), so a line
// costs a few instructions per end it writes, not per field. masks are
// VPCFlowReader.masks; first tells that bounds starts with end -1 (the
// newline before the line, prev for the first), written before them.
//
//go:noescape
func flowLocateAsm(tape []int32, b []byte, sep []uint64, nls []int32, prev, lim int, masks []uint64, first bool) int

// flowSegFilter is [flowSegFilterGo]: flowSegFilterAsm where the CPU has
// BMI2 (BZHI; flowLocateAsm's condition).
func flowSegFilter(kept, left []int32, b []byte, tape, seg []int32, keys []uint64, lens []int) (nk, nl int, ok bool) {
	if !useLocateAsm {
		return flowSegFilterGo(kept, left, b, tape, seg, keys, lens)
	}
	if len(kept) < len(seg) || len(left) < len(seg) || len(lens) != len(keys) {
		panic("parsers: flowSegFilter: no room")
	}
	return flowSegFilterAsm(kept, left, b, tape, seg, keys, lens)
}

// flowSegFilterAsm is flowSegFilterGo's loop in assembly
// (vpcflow_amd64.s), with no bounds check: the caller ensures what they
// would (every tape[seg[k]+1] in tape, 8 bytes loadable from each value's
// start).
//
//go:noescape
func flowSegFilterAsm(kept, left []int32, b []byte, tape, seg []int32, keys []uint64, lens []int) (nk, nl int, ok bool)

// flowSegDrop is [flowSegDropGo]: flowSegDropAsm where the CPU has BMI2
// (BZHI; flowLocateAsm's condition) and SSSE3 (the segment loops'), and
// flowSegDrop1Asm for one text and one integer field.
func flowSegDrop(kept []int32, b []byte, tape, seg []int32, fpos int, key uint64, texts, ints []int32) (int, bool) {
	if !useLocateAsm || !useSegAsm {
		return flowSegDropGo(kept, b, tape, seg, fpos, key, texts, ints)
	}
	if len(kept) < len(seg) {
		panic("parsers: flowSegDrop: no room")
	}
	if len(texts) == 1 && len(ints) == 1 && useSegDrop1 {
		return flowSegDrop1Asm(kept, b, tape, seg, fpos, key, int(texts[0]), int(ints[0]))
	}
	return flowSegDropAsm(kept, b, tape, seg, fpos, key, texts, ints)
}

// useSegDrop1 tells flowSegDrop to call flowSegDrop1Asm where it can (a
// variable for tests).
var useSegDrop1 = true

// flowSegDropAsm is flowSegDropGo's loop in assembly (vpcflow_amd64.s),
// with no bounds check: the caller ensures what they would (every
// tape[seg[k]+pos+1] in tape for fpos and each of texts and ints, 16
// bytes loadable from each value's start).
//
//go:noescape
func flowSegDropAsm(kept []int32, b []byte, tape, seg []int32, fpos int, key uint64, texts, ints []int32) (nk int, ok bool)

// flowSegDrop1Asm is flowSegDropAsm for texts {tpos} and ints {ipos}:
// about 17 instructions a line left out, against 32.
//
//go:noescape
func flowSegDrop1Asm(kept []int32, b []byte, tape, seg []int32, fpos int, key uint64, tpos, ipos int) (nk int, ok bool)

// flowLines is [flowLinesGo]: with AVX2 (but not AVX-512, whose
// flattening is another), flowClassifyNLAVX2 lists the newlines as it
// classifies the blocks.
func flowLines(b []byte, tail *[64]byte, sep, nl, bad []uint64, nls []int32) []int32 {
	if !useAVX2 || use512 || !useFlattenBMI {
		return flowLinesGo(b, tail, sep, nl, bad, nls)
	}
	full, n := len(b)/64, (len(b)+63)/64
	nls = nls[:cap(nls)]
	if len(nls) < len(b)+1 || len(sep) < n || len(bad) < n {
		panic("parsers: flowLines: no room")
	}
	k := flowClassifyNLAVX2(b[:64*full], sep[:full], bad[:full], nls, 0)
	if full < n {
		k += flowClassifyNLAVX2(flowTail(tail, b[64*full:]), sep[full:n], bad[full:n], nls[k:], 64*full)
	}
	return nls[:k]
}

// flowLinesLocate is flowLines that also locates the lines from the
// start of b (a line's start) on the compact tape, from tape[0], as they
// are classified, where flowClassifyLocateAVX2 runs (flowLines' CPU, and
// l on), and returns how many it located: the lines flowLocate would
// take from there (lim the first block with a bad byte, or wide+1), or
// fewer (flowLocateBlocksGo), and clean: no block before byte clean of
// b has a bad byte. sep and bad are written from block clean/64 on only
// (the callers read bad from there, and classify the blocks before it
// again where they read sep: flowRun.sepFrom). tape must have room for l.stride entries
// for each nf bytes of b, and two lines more.
func flowLinesLocate(b []byte, tail *[64]byte, sep, nl, bad []uint64, nls, tape []int32, wide int, l *flowLocTables) (_ []int32, located, clean int) {
	if !useAVX2 || use512 || !useFlattenBMI || !useLocateAsm || !l.on || len(b) == 0 || b[0]-'a' < 26 {
		return flowLines(b, tail, sep, nl, bad, nls), 0, 0
	}
	full, n := len(b)/64, (len(b)+63)/64
	// The blocks located: whole ones, below wide+1, so that the byte
	// after each of their newlines loads, and every line they locate
	// ends before wide+1.
	lb := max(min(full, (wide+1)/64), 0)
	nls = nls[:cap(nls)]
	if len(nls) < len(b)+1 || len(sep) < n || len(bad) < n || l.tab == nil ||
		len(tape) < l.stride*(64*lb/l.nf+2)+4 || cap(b) < 64*lb+1 {
		panic("parsers: flowLinesLocate: no room")
	}
	k, nt, stop := flowClassifyLocateAVX2(b[:64*lb], sep[:lb], bad[:lb], nls, tape, l.tab)
	if lb < full {
		k += flowClassifyNLAVX2(b[64*lb:64*full], sep[lb:full], bad[lb:full], nls[k:], 64*lb)
	}
	if full < n {
		k += flowClassifyNLAVX2(flowTail(tail, b[64*full:]), sep[full:n], bad[full:n], nls[k:], 64*full)
	}
	return nls[:k], nt / l.stride, stop
}

// flowClassifyLocateAVX2 is flowClassifyNLAVX2 from base 0 that also
// locates the lines from the start of b as flowLocateBlocksGo does, in
// the same pass (vpcflow_amd64.s): it writes their ends to tape and
// returns how many newlines it wrote to nls, how many ends to tape, and
// the index in b of the block it stopped locating at (len(b) if none);
// it writes the words of sep and bad from that block on only. nls and tape must
// have room (flowLinesLocate), and b[64*len(sep)] must load. AVX2,
// BMI1, BMI2 and POPCNT.
//
//go:noescape
func flowClassifyLocateAVX2(b []byte, sep, bad []uint64, nls, tape []int32, tab *flowLocTab) (nnl, ntape, stop int)

// flowClassifyNLAVX2 is flowClassifyAVX2 writing the newlines' positions
// (base plus their index in b) to nls, in order, not their bitmap, and
// returning how many (vpcflow_amd64.s). nls must have room for them.
//
//go:noescape
func flowClassifyNLAVX2(b []byte, sep, bad []uint64, nls []int32, base int) int

// flowSegment is [flowSegmentGo]: flowSegmentAsm where the CPU has SSSE3
// (the others' condition; this one needs none), into room made first.
func flowSegment(seg []int32, b []byte, nls, tape []int32, c, nb, nf, limit, wide int) ([]int32, int) {
	if !useSegAsm || len(seg) > limit || nf < 1 {
		return flowSegmentGo(seg, b, nls, tape, c, nb, nf, limit, wide)
	}
	n := min(limit-len(seg), len(nls))
	seg = slices.Grow(seg, n)
	k, c := flowSegmentAsm(seg[len(seg):len(seg)+n], b, nls[:n], tape, c, min(nb, wide+1), nf)
	return seg[:len(seg)+k], c
}

// flowSegmentAsm is flowSegmentGo's loop in assembly (vpcflow_amd64.s):
// it writes to seg[k] the index in tape of the newline before the line
// that ends at nls[k] (fields on the tape from tape[c-1]), for k from 0
// while that line has nf fields (its newline is tape[c+nf-1]), ends
// before byte lim of b (the first bad block, or after wide), is not
// empty and does not start with a lowercase letter, and returns how many
// it wrote and the tape index after them. len(seg) == len(nls), c >= 1,
// nf >= 1.
//
//go:noescape
func flowSegmentAsm(seg []int32, b []byte, nls, tape []int32, c, lim, nf int) (k, after int)

// useSegPair tells setSegOps to build two integer columns in one loop
// (segIntsPair: flowSegInts64x2 and its kin, AVX2), a variable for
// tests. A value costs about 22 instructions there, 31 alone, and start
// after end is checked in the loop, not after it.
var useSegPair = useSegAsm && cpu.X86.HasAVX2

// segIntsPair is [segIntsPairGo]: the assembly loop of the pair's kind
// (with window, the one that checks start <= end), and each line it
// stops at (a null, a value it does not take, start after end) taken
// here as segIntsGo and segIntsPairGo take it.
func segIntsPair(c1, c2 *flowCol, b []byte, tape, seg []int32, pos1, pos2 int, max1, max2 int64, row int, window bool) bool {
	if !useSegPair {
		return segIntsPairGo(c1, c2, b, tape, seg, pos1, pos2, max1, max2, row, window)
	}
	n := len(seg)
	if c1.kind != c2.kind || len(tape) == 0 || window && c1.kind != flowKindInt64 {
		panic("parsers: segIntsPair: columns")
	}
	setFlowBits(c1.valid, row, row+n)
	setFlowBits(c2.valid, row, row+n)
	nulls1, nulls2 := 0, 0
	for k := 0; ; k++ {
		var done, nulls int
		switch {
		case c1.kind == flowKindInt32:
			done, nulls = flowSegInts32x2(c1.i32[row+k:row+n], c2.i32[row+k:row+n], c1.valid, c2.valid, b, tape, seg[k:], pos1, pos2, max1, max2, row+k)
		case window:
			done, nulls = flowSegInts64x2W(c1.i64[row+k:row+n], c2.i64[row+k:row+n], c1.valid, c2.valid, b, tape, seg[k:], pos1, pos2, max1, max2, row+k)
		default:
			done, nulls = flowSegInts64x2(c1.i64[row+k:row+n], c2.i64[row+k:row+n], c1.valid, c2.valid, b, tape, seg[k:], pos1, pos2, max1, max2, row+k)
		}
		k += done
		nulls1, nulls2 = nulls1+nulls, nulls2+nulls
		if k == n {
			break
		}
		// Slow path: one null, a value the loop does not take, start
		// after end.
		t := int(seg[k])
		x1, null1, ok1 := segIntValue(b[tape[t+pos1]+1:tape[t+pos1+1]], max1)
		x2, null2, ok2 := segIntValue(b[tape[t+pos2]+1:tape[t+pos2+1]], max2)
		if !ok1 || !ok2 || window && !null1 && !null2 && x1 > x2 {
			return false
		}
		r := row + k
		if null1 {
			c1.valid[r>>3] &^= 1 << (r & 7)
			nulls1++
		}
		if null2 {
			c2.valid[r>>3] &^= 1 << (r & 7)
			nulls2++
		}
		if c1.kind == flowKindInt32 {
			c1.i32[r], c2.i32[r] = int32(x1), int32(x2)
		} else {
			c1.i64[r], c2.i64[r] = x1, x2
		}
	}
	c1.n, c1.nulls = row+n, c1.nulls+nulls1
	c2.n, c2.nulls = row+n, c2.nulls+nulls2
	return true
}

// flowSegInts64x2 is segIntsGo's loop for two int64 columns at once in
// assembly (vpcflow_amd64.s), AVX2: v1[k] and v2[k] get the values of
// the fields at pos1 and pos2 of line seg[k] (tape is the whole tape),
// for k from 0 while both are 1 to 16 digits of at most max1 and max2,
// or both "-" (then 0, and the validity bit of row+k cleared in valid1
// and valid2 and counted in nulls); it returns that k. The caller
// ensures what segIntsGo's bounds checks would: len(v1) and len(v2) at
// least len(seg), every tape[seg[k]+pos+1] in tape, 16 bytes loadable
// from every value's start in b, bits row to row+len(seg) in valid1 and
// valid2.
//
//go:noescape
func flowSegInts64x2(v1, v2 []int64, valid1, valid2 []byte, b []byte, tape []int32, seg []int32, pos1, pos2 int, max1, max2 int64, row int) (k, nulls int)

// flowSegInts64x2W is flowSegInts64x2 that also stops at a line whose
// first value is above its second (start after end).
//
//go:noescape
func flowSegInts64x2W(v1, v2 []int64, valid1, valid2 []byte, b []byte, tape []int32, seg []int32, pos1, pos2 int, max1, max2 int64, row int) (k, nulls int)

// flowSegInts32x2 is flowSegInts64x2 for two int32 columns (max1 and
// max2 at most math.MaxInt32).
//
//go:noescape
func flowSegInts32x2(v1, v2 []int32, valid1, valid2 []byte, b []byte, tape []int32, seg []int32, pos1, pos2 int, max1, max2 int64, row int) (k, nulls int)
