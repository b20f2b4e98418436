package parsers

import "math/bits"

// This file holds the structural index of the CloudTrail reader's fast
// path (CloudTrailReader.parseRecordFast): simdjson's first stage, run 64
// bytes at a time ahead of the walk, so that finding the end of a string
// or of a skipped object is a bit scan instead of a byte loop.

// jsonIndex is a structural index of the input window from base on: for
// each 64-byte block, bit k of quote[block] is set when the byte is a
// quote that opens or closes a string (escaped quotes are not), and bit k
// of brk[block] when it is a bracket outside strings.
//
// It is built as the reader would lex the bytes from base, which must be
// outside a string: backslashes escape the next byte, quotes toggle
// strings. The byte-level reader lexes the same way except where a block
// has a backslash outside a string (the byte-level scanners treat it as a
// plain byte) or a raw control character inside one (an error): building
// stops before such a block, and a walk that needs it falls back to the
// byte-level reader. Within the blocks built, the index and the
// byte-level reader agree on every string and bracket.
//
// The index survives from one record to the next while the window does
// not move (see anchor), so blocks built past a record's end serve the
// next record.
type jsonIndex struct {
	base  int      // window index of bit 0 of block 0
	quote []uint64 // unescaped quotes, per block
	brk   []uint64 // brackets outside strings, per block
	carry idxCarry // the lexer's state after the last block built
	valid bool     // base and the blocks describe the current window
	// goBlocks builds with indexBlocksGo whatever the CPU (tests compare).
	goBlocks bool
	// tailEnd is the window length the last block was built for when
	// that block is the window's tail, shorter than 64 bytes and built
	// from a copy padded with blank space (tail); 0 otherwise. The index
	// then holds only for that window.
	tailEnd int
	tail    [64]byte
	// stack holds the open brackets of skipContainer ('{' or '['), kept
	// here so a call does not clear a MaxDepth array.
	stack [MaxDepth]byte
}

// idxCarry is the lexer's state between blocks.
type idxCarry struct {
	inStr uint64 // all ones when the next block starts inside a string
	esc   uint64 // 1 when the next block's first byte is escaped
}

// idxChunk is how many blocks one build adds: a ~1.6 KB CloudTrail
// record takes two builds, and what is built past it serves the next.
const idxChunk = 16

// invalidate drops the index: the window has moved or been refilled.
func (x *jsonIndex) invalidate() { x.valid = false }

// anchor makes the index usable for a record starting at b[i], a '{'
// the reader is outside strings at. The blocks already built are kept
// when they cover b[i] and lex it as a bracket outside strings: the
// lexer's state there is then the fresh state, and every bit from i on
// is what an index anchored at i would have. Otherwise the index starts
// again at i.
func (x *jsonIndex) anchor(b []byte, i int) {
	if x.valid {
		off := i - x.base
		k := off >> 6
		fits := x.base+len(x.brk)<<6 <= len(b) && x.tailEnd == 0 || x.tailEnd == len(b)
		if off >= 0 && k < len(x.brk) && x.brk[k]>>(off&63)&1 != 0 && fits {
			if k > 0 {
				n := copy(x.quote, x.quote[k:])
				copy(x.brk, x.brk[k:])
				x.quote, x.brk = x.quote[:n], x.brk[:n]
				x.base += k << 6
			}
			return
		}
	}
	x.base = i
	x.quote, x.brk = x.quote[:0], x.brk[:0]
	x.carry = idxCarry{}
	x.valid = true
	x.tailEnd = 0
}

// build adds up to idxChunk blocks of b, the last one padded with blank
// space when b ends within it. It returns false when it adds none: b
// ends, or the next block is one the index cannot describe.
func (x *jsonIndex) build(b []byte) bool {
	start := x.base + len(x.quote)<<6
	if x.tailEnd != 0 || start >= len(b) {
		return false
	}
	n := min(idxChunk, (len(b)-start)>>6)
	if n == 0 {
		// The window's tail: blank space lexes as nothing, so the bits
		// of the bytes before it are what a whole block would give.
		p := x.tail[:]
		for k := copy(p, b[start:]); k < len(p); k++ {
			p[k] = ' '
		}
		x.quote, x.brk = grow(x.quote, 1), grow(x.brk, 1)
		k := len(x.quote) - 1
		var got int
		if x.goBlocks {
			got = indexBlocksGo(p, x.quote[k:], x.brk[k:], &x.carry)
		} else {
			got = indexBlocks(p, x.quote[k:], x.brk[k:], &x.carry)
		}
		x.quote, x.brk = x.quote[:k+got], x.brk[:k+got]
		if got == 0 {
			return false
		}
		x.tailEnd = len(b)
		return true
	}
	old := len(x.quote)
	x.quote = grow(x.quote, n)
	x.brk = grow(x.brk, n)
	var got int
	if x.goBlocks {
		got = indexBlocksGo(b[start:start+n<<6], x.quote[old:old+n], x.brk[old:old+n], &x.carry)
	} else {
		got = indexBlocks(b[start:start+n<<6], x.quote[old:old+n], x.brk[old:old+n], &x.carry)
	}
	x.quote, x.brk = x.quote[:old+got], x.brk[:old+got]
	return got > 0
}

// grow extends s by n elements, keeping its contents.
func grow(s []uint64, n int) []uint64 {
	if cap(s)-len(s) < n {
		ns := make([]uint64, len(s), 2*cap(s)+n)
		copy(ns, s)
		s = ns
	}
	return s[:len(s)+n]
}

// nextQuote returns the index of the first quote at or after b[p] (p at
// or after base), or -1 when the index cannot reach one in b.
func (x *jsonIndex) nextQuote(b []byte, p int) int {
	// Fast path: the quote is in the block of p.
	off := p - x.base
	if k := off >> 6; k < len(x.quote) {
		if m := x.quote[k] >> (off & 63); m != 0 {
			return p + bits.TrailingZeros64(m)
		}
	}
	return x.nextQuoteSlow(b, p)
}

// quoteFrom is nextQuote's fast path, small enough to inline: the first
// quote in the 64 bytes from b[p], taken from the block of p and the
// next, so that whether a string crosses a block's end costs no branch
// (it would be mispredicted for a third of CloudTrail's strings).
func (x *jsonIndex) quoteFrom(p int) (int, bool) {
	off := uint(p - x.base)
	if k := off >> 6; k+1 < uint(len(x.quote)) {
		s := off & 63
		if m := x.quote[k]>>s | x.quote[k+1]<<(64-s); m != 0 {
			return p + bits.TrailingZeros64(m), true
		}
	}
	return 0, false
}

// nextQuoteSlow is nextQuote block by block from the block of p,
// building blocks as needed.
func (x *jsonIndex) nextQuoteSlow(b []byte, p int) int {
	off := p - x.base
	k := off >> 6
	for {
		for k >= len(x.quote) {
			if !x.build(b) {
				return -1
			}
		}
		m := x.quote[k]
		if k == off>>6 {
			m &^= 1<<(off&63) - 1
		}
		if m != 0 {
			return x.base + k<<6 + bits.TrailingZeros64(m)
		}
		k++
	}
}

// skipContainer returns the index after the object or array at b[i], as
// the byte-level skipContainer(b, i, depth) would, or -1 where that
// would fail or the index cannot vouch for its answer: brackets that do
// not match, too deep a nesting, the end of the window or of the blocks
// the index can describe. The caller then asks the byte-level reader.
func (x *jsonIndex) skipContainer(b []byte, i, depth int) int {
	off := i - x.base
	k := off >> 6
	for k >= len(x.brk) {
		if !x.build(b) {
			return -1
		}
	}
	m := x.brk[k] &^ (1<<(off&63) - 1)
	if m&-m != 1<<(off&63) {
		return -1 // BUG guard: b[i] is not a bracket of the index
	}
	n := 0
	for {
		for ; m != 0; m &= m - 1 {
			p := x.base + k<<6 + bits.TrailingZeros64(m)
			c := b[p]
			if c == '{' || c == '[' {
				if depth+n >= MaxDepth {
					return -1
				}
				x.stack[n] = c
				n++
				continue
			}
			n--
			if x.stack[n] != c-2 { // '{'+2 == '}', '['+2 == ']'
				return -1
			}
			if n == 0 {
				return p + 1
			}
		}
		k++
		for k >= len(x.brk) {
			if !x.build(b) {
				return -1
			}
		}
		m = x.brk[k]
	}
}

// indexBlocksGo builds len(quote) blocks of the index from p (64 bytes a
// block) with the lexer state *c, and returns how many it built: it stops
// before a block with a backslash outside a string or a raw control
// character (not escaped) inside one, leaving *c the state before it. It
// is the reference of the vector versions, and indexBlocks where there is
// none.
func indexBlocksGo(p []byte, quote, brk []uint64, c *idxCarry) int {
	for k := range quote {
		q, bs, br, ctl := blockMasksGo((*[64]byte)(p[k<<6 : k<<6+64]))
		var esc, next uint64
		if bs|c.esc != 0 {
			esc, next = escapedBits(bs, c.esc)
			q &^= esc
		}
		s := prefixXor(q) ^ c.inStr // inside strings, opening quotes included
		if bs&^s|ctl&s&^esc != 0 {
			return k
		}
		quote[k] = q
		brk[k] = br &^ s
		c.inStr = uint64(int64(s) >> 63)
		c.esc = next
	}
	return len(quote)
}
