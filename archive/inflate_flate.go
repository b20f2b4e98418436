package archive

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// Table entries (uint32):
//
//	bits 0-7   bits to consume: the codeword's length plus its extra bits
//	           (for a subtable pointer: the primary table's bits)
//	bits 8-11  the codeword's length (extra bits start there); for a
//	           subtable pointer, the subtable's index bits
//	bits 12-13 kind: literal, length, end of block, subtable
//	bits 16-31 the literal byte, the length or distance base, or the
//	           subtable's offset in the table
const (
	kindLiteral  = 0 << 12
	kindLength   = 1 << 12
	kindEnd      = 2 << 12
	kindSub      = 3 << 12
	kindMask     = 3 << 12
	litlenBits   = 11
	distBits     = 8
	precodeBits  = 7
	maxCodeLen   = 15
	numLitlen    = 288
	numDist      = 32
	litlenTabLen = 2342 // entries a table of 288 symbols, 11 root bits and codewords up to 15 bits can need
	distTabLen   = 402  // the same for 32 symbols and 8 root bits
)

var errCorrupt = errors.New("inflate: corrupt stream")

// errOverLimit is a panic value: the content outgrew flateDecoder.limit.
var errOverLimit = errors.New("inflate: content over the limit")

var lengthBase = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
var lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
var distBase = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
var distExtra = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
var precodeOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// symbol entry for a literal/length symbol.
func litlenEntry(sym int, codeLen uint) (uint32, bool) {
	switch {
	case sym < 256:
		return uint32(sym)<<16 | kindLiteral | uint32(codeLen)<<8 | uint32(codeLen), true
	case sym == 256:
		return kindEnd | uint32(codeLen)<<8 | uint32(codeLen), true
	case sym < 286:
		i := sym - 257
		return uint32(lengthBase[i])<<16 | kindLength | uint32(codeLen)<<8 | uint32(codeLen+uint(lengthExtra[i])), true
	}
	return 0, false // 286, 287: invalid in a stream
}

func distEntry(sym int, codeLen uint) (uint32, bool) {
	if sym >= 30 {
		return 0, false
	}
	return uint32(distBase[sym])<<16 | kindLength | uint32(codeLen)<<8 | uint32(codeLen+uint(distExtra[sym])), true
}

const invalidEntry = 0xFFFF_FFFF

// build fills table with the decoding table of the canonical Huffman code
// whose codeword lengths are lens (0: symbol unused), with a primary
// table indexed by rootBits bits and subtables for longer codewords (the
// construction of zlib's inflate_table). entry gives a symbol's entry for
// a codeword length. Only complete codes are accepted, and the code of a
// single symbol of length 1 (deflate's one-distance-code case); anything
// else reports false (the caller falls back to a stricter decoder).
func build(table []uint32, lens []uint8, rootBits uint, entry func(int, uint) (uint32, bool)) bool {
	var count [maxCodeLen + 1]uint16
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	maxLen := maxCodeLen
	for maxLen > 0 && count[maxLen] == 0 {
		maxLen--
	}
	rootSize := 1 << rootBits
	if maxLen == 0 {
		return false // no codes at all: fall back
	}
	left := 1
	for l := 1; l <= maxCodeLen; l++ {
		left <<= 1
		left -= int(count[l])
		if left < 0 {
			return false // oversubscribed
		}
	}
	if left > 0 {
		if !(maxLen == 1 && count[1] == 1) {
			return false // incomplete
		}
		// One codeword "0": the other half of the table is invalid.
		sym := 0
		for lens[sym] == 0 {
			sym++
		}
		e, ok := entry(sym, 1)
		if !ok {
			return false
		}
		for j := 0; j < rootSize; j += 2 {
			table[j], table[j+1] = e, invalidEntry
		}
		return true
	}
	var offs [maxCodeLen + 2]uint16
	for l := 1; l <= maxCodeLen; l++ {
		offs[l+1] = offs[l] + count[l]
	}
	var sorted [numLitlen + numDist]uint16
	for s, l := range lens {
		if l != 0 {
			sorted[offs[l]] = uint16(s)
			offs[l]++
		}
	}
	minLen := 1
	for count[minLen] == 0 {
		minLen++
	}
	root := int(rootBits)
	if root > maxLen {
		root = maxLen
	}
	// Index of the table being filled (0: the root), its index bits, and
	// the bits dropped (0 in the root, rootBits in a subtable).
	next, curr, drop := 0, root, 0
	used := 1 << root
	mask := used - 1
	low := -1
	huff := 0 // the current codeword, bit-reversed (LSB first)
	l := minLen
	for si := 0; ; {
		sym := int(sorted[si])
		e, ok := entry(sym, uint(l-drop))
		if !ok {
			e = invalidEntry
		}
		incr := 1 << (l - drop)
		fill := 1 << curr
		minSz := fill
		for {
			fill -= incr
			table[next+(huff>>drop)+fill] = e
			if fill == 0 {
				break
			}
		}
		// Increment the l-bit codeword, bit-reversed.
		inc := 1 << (l - 1)
		for huff&inc != 0 {
			inc >>= 1
		}
		if inc != 0 {
			huff &= inc - 1
			huff += inc
		} else {
			huff = 0
		}
		si++
		count[l]--
		if count[l] == 0 {
			if l == maxLen {
				break
			}
			l = int(lens[sorted[si]])
		}
		if l > root && huff&mask != low {
			if drop == 0 {
				drop = root
			}
			next += minSz
			curr = l - drop
			left := 1 << curr
			for curr+drop < maxLen {
				left -= int(count[curr+drop])
				if left <= 0 {
					break
				}
				curr++
				left <<= 1
			}
			used += 1 << curr
			if used > len(table) {
				return false
			}
			low = huff & mask
			table[low] = uint32(next)<<16 | kindSub | uint32(curr)<<8 | uint32(root)
		}
	}
	if root < int(rootBits) {
		// A short code in a wider root table: repeat it.
		for j := 1 << root; j < rootSize; j++ {
			table[j] = table[j&(1<<root-1)]
		}
	}
	return true
}

// flateDecoder is the Purego inflater: a whole-buffer deflate decoder in
// the manner of libdeflate (a 64-bit bit buffer refilled 8 bytes at a
// time, litlen entries that carry a length's base and extra bits, up to
// three literals per refill, matches copied 8 or 16 bytes at a time into
// one flat output buffer) instead of a streaming one through a 32 KiB
// window. It never needs to say why a stream is bad: any error, panic or
// limit sends the object to Klauspost, which does (inflateWhole), and the
// CRC-32 and size of each member are checked, so a decoding mistake can
// only cost speed. Its tables are reused from one object to the next.
type flateDecoder struct {
	litlen  [litlenTabLen]uint32
	dist    [distTabLen]uint32
	precode [1 << precodeBits]uint32
	lens    [numLitlen + numDist + 8]uint8

	limit int // most content bytes an object may have (wholeMaxOut)
}

func precodeEntry(sym int, codeLen uint) (uint32, bool) {
	return uint32(sym)<<16 | uint32(codeLen)<<8 | uint32(codeLen), true
}

// inflate appends the content of the gzip members in in to out and
// returns it. in must have 8 readable bytes past its end (slack): the bit
// reader loads 8 bytes at a time. Any error means "not decoded here":
// the caller falls back to a decoder that says what is wrong.
func (d *flateDecoder) inflate(in []byte, out []byte) (_ []byte, err error) {
	defer func() {
		if recover() != nil {
			err = errCorrupt
		}
	}()
	for len(in) > 0 {
		start := len(out)
		body, ok := gzipHeader(in)
		if !ok {
			return out, errCorrupt
		}
		var n int
		out, n, err = d.deflate(body, out)
		if err != nil {
			return out, err
		}
		if n > len(body) {
			return out, errCorrupt // it read past the end: truncated
		}
		trailer := body[n:]
		if len(trailer) < 8 {
			return out, errCorrupt
		}
		if crc32.ChecksumIEEE(out[start:]) != binary.LittleEndian.Uint32(trailer) ||
			uint32(len(out)-start) != binary.LittleEndian.Uint32(trailer[4:]) {
			return out, errCorrupt
		}
		in = trailer[8:]
	}
	return out, nil
}

// gzipHeader returns the deflate stream after the gzip member header at
// the start of in.
func gzipHeader(in []byte) ([]byte, bool) {
	if len(in) < 18 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8 || in[3]&0xe0 != 0 {
		return nil, false
	}
	flg := in[3]
	p := 10
	if flg&4 != 0 { // FEXTRA
		if len(in) < p+2 {
			return nil, false
		}
		p += 2 + int(binary.LittleEndian.Uint16(in[p:]))
	}
	for _, f := range [2]byte{8, 16} { // FNAME, FCOMMENT: zero-terminated
		if flg&f != 0 {
			for p < len(in) && in[p] != 0 {
				p++
			}
			p++
		}
	}
	if flg&2 != 0 { // FHCRC
		p += 2
	}
	if p > len(in) {
		return nil, false
	}
	return in[p:], true
}

// deflate decodes the raw deflate stream at the start of in, appending to
// out; it returns out and the bytes of in the stream took.
func (d *flateDecoder) deflate(in []byte, out []byte) ([]byte, int, error) {
	var bitbuf uint64
	var bitsleft uint
	ip := 0
	if cap(in)-len(in) < 8 {
		return out, 0, errCorrupt
	}
	full := in[:len(in)+8] // the bit reader loads 8 bytes at a time
	for {
		if ip+8 > len(full) {
			return out, 0, errCorrupt
		}
		bitbuf |= binary.LittleEndian.Uint64(full[ip:]) << bitsleft
		ip += int((63 - bitsleft) >> 3)
		bitsleft |= 56
		final := bitbuf & 1
		btype := (bitbuf >> 1) & 3
		bitbuf >>= 3
		bitsleft -= 3
		var litlen *[litlenTabLen]uint32
		var dist *[distTabLen]uint32
		switch btype {
		case 0: // stored
			bitbuf >>= bitsleft & 7
			bitsleft -= bitsleft & 7
			ip -= int(bitsleft >> 3)
			bitbuf, bitsleft = 0, 0
			if ip+4 > len(in) {
				return out, 0, errCorrupt
			}
			n := int(binary.LittleEndian.Uint16(in[ip:]))
			if uint16(n) != ^binary.LittleEndian.Uint16(in[ip+2:]) || ip+4+n > len(in) {
				return out, 0, errCorrupt
			}
			if len(out)+n > d.limit {
				return out, 0, errCorrupt
			}
			out = append(out, in[ip+4:ip+4+n]...)
			ip += 4 + n
			if final != 0 {
				return out, ip, nil
			}
			continue
		case 1:
			litlen, dist = fixedLitlen, fixedDist
		case 2:
			// Dynamic: HLIT, HDIST, HCLEN, then the precode lengths.
			nlit := int(bitbuf&31) + 257
			ndist := int(bitbuf>>5&31) + 1
			nclen := int(bitbuf>>10&15) + 4
			bitbuf >>= 14
			bitsleft -= 14
			var plens [19]uint8
			for i := 0; i < nclen; i++ {
				if bitsleft < 3 {
					if ip+8 > len(full) {
						return out, 0, errCorrupt
					}
					bitbuf |= binary.LittleEndian.Uint64(full[ip:]) << bitsleft
					ip += int((63 - bitsleft) >> 3)
					bitsleft |= 56
				}
				plens[precodeOrder[i]] = uint8(bitbuf & 7)
				bitbuf >>= 3
				bitsleft -= 3
			}
			if !build(d.precode[:], plens[:], precodeBits, precodeEntry) {
				return out, 0, errCorrupt
			}
			lens := d.lens[:nlit+ndist]
			for i := 0; i < len(lens); {
				if bitsleft < 7+7 {
					if ip+8 > len(full) {
						return out, 0, errCorrupt
					}
					bitbuf |= binary.LittleEndian.Uint64(full[ip:]) << bitsleft
					ip += int((63 - bitsleft) >> 3)
					bitsleft |= 56
				}
				e := d.precode[bitbuf&(1<<precodeBits-1)]
				if e == invalidEntry {
					return out, 0, errCorrupt
				}
				cl := uint(e & 0xFF)
				bitbuf >>= cl
				bitsleft -= cl
				sym := e >> 16
				if sym < 16 {
					lens[i] = uint8(sym)
					i++
					continue
				}
				var rep int
				var v uint8
				switch sym {
				case 16:
					if i == 0 {
						return out, 0, errCorrupt
					}
					v = lens[i-1]
					rep = 3 + int(bitbuf&3)
					bitbuf >>= 2
					bitsleft -= 2
				case 17:
					rep = 3 + int(bitbuf&7)
					bitbuf >>= 3
					bitsleft -= 3
				default:
					rep = 11 + int(bitbuf&127)
					bitbuf >>= 7
					bitsleft -= 7
				}
				if i+rep > len(lens) {
					return out, 0, errCorrupt
				}
				for k := 0; k < rep; k++ {
					lens[i+k] = v
				}
				i += rep
			}
			if lens[256] == 0 {
				return out, 0, errCorrupt
			}
			if !build(d.litlen[:], lens[:nlit], litlenBits, litlenEntry) ||
				!build(d.dist[:], lens[nlit:], distBits, distEntry) {
				return out, 0, errCorrupt
			}
			litlen, dist = &d.litlen, &d.dist
		default:
			return out, 0, errCorrupt
		}

		// The block's symbols. out[:op] is the content so far; out has
		// room for a match (258 bytes), its 15-byte overrun and three
		// literals past op whenever a symbol is decoded. e is the litlen
		// entry of the next symbol, looked up as soon as its bits are
		// known (libdeflate's preload): the load overlaps the literal
		// stores and the match copy. A refill only adds bits above
		// bitsleft, so it never changes an entry looked up before it;
		// at least 11 bits are loaded whenever one is looked up. Shift
		// counts are masked to 6 bits (an entry consumes at most 28, and
		// bitsleft stays below 64): the compiler then emits a bare shift,
		// without the code for Go's shifts of 64 bits or more.
		op := len(out)
		out = out[:cap(out)]
		if ip > len(in) {
			return out[:op], 0, errCorrupt
		}
		bitbuf |= binary.LittleEndian.Uint64(full[ip:]) << (bitsleft & 63)
		ip += int((63 - bitsleft) >> 3)
		bitsleft |= 56
		e := litlen[bitbuf&(1<<litlenBits-1)]
		for {
			if op > len(out)-(258+16+2) {
				out = d.grow(out, op)
			}
			if ip > len(in) {
				return out[:op], 0, errCorrupt
			}
			bitbuf |= binary.LittleEndian.Uint64(full[ip:]) << (bitsleft & 63)
			ip += int((63 - bitsleft) >> 3)
			bitsleft |= 56
			if e&kindMask == kindLiteral {
				// Up to three literals per refill, then the next entry
				// (3 × 15 + 11 bits ≤ 56).
				o := out[op : op+3]
				bitbuf >>= e & 63
				bitsleft -= uint(e & 0xFF)
				o[0] = byte(e >> 16)
				op++
				e = litlen[bitbuf&(1<<litlenBits-1)]
				if e&kindMask != kindLiteral {
					continue
				}
				bitbuf >>= e & 63
				bitsleft -= uint(e & 0xFF)
				o[1] = byte(e >> 16)
				op++
				e = litlen[bitbuf&(1<<litlenBits-1)]
				if e&kindMask != kindLiteral {
					continue
				}
				bitbuf >>= e & 63
				bitsleft -= uint(e & 0xFF)
				o[2] = byte(e >> 16)
				op++
				e = litlen[bitbuf&(1<<litlenBits-1)]
				continue
			}
			if e&kindMask == kindSub {
				bitbuf >>= litlenBits
				bitsleft -= litlenBits
				e = litlen[int(e>>16)+int(bitbuf&(1<<(e>>8&15)-1))]
				if e == invalidEntry {
					return out[:op], 0, errCorrupt
				}
				if e&kindMask == kindLiteral {
					bitbuf >>= e & 63
					bitsleft -= uint(e & 0xFF)
					out[op] = byte(e >> 16)
					op++
					e = litlen[bitbuf&(1<<litlenBits-1)] // 15 + 11 bits ≤ 56
					continue
				}
			}
			if e == invalidEntry {
				return out[:op], 0, errCorrupt
			}
			if e&kindMask == kindEnd {
				bitbuf >>= e & 63
				bitsleft -= uint(e & 0xFF)
				break
			}
			// A length (at most 15+5 bits), then a distance (at most
			// 15+13): both fit in the 56 bits of one refill.
			n := e & 63
			length := int(e>>16) + int((bitbuf&(1<<n-1))>>(e>>8&15))
			bitbuf >>= n
			bitsleft -= uint(n)
			de := dist[bitbuf&(1<<distBits-1)]
			if de&kindMask == kindSub {
				bitbuf >>= distBits
				bitsleft -= distBits
				de = dist[int(de>>16)+int(bitbuf&(1<<(de>>8&15)-1))]
			}
			if de == invalidEntry {
				return out[:op], 0, errCorrupt
			}
			dn := de & 63
			distance := int(de>>16) + int((bitbuf&(1<<dn-1))>>(de>>8&15))
			bitbuf >>= dn
			bitsleft -= uint(dn)
			if distance > op {
				return out[:op], 0, errCorrupt
			}
			// Refill and look up the next symbol before the copy.
			if ip > len(in) {
				return out[:op], 0, errCorrupt
			}
			bitbuf |= binary.LittleEndian.Uint64(full[ip:]) << (bitsleft & 63)
			ip += int((63 - bitsleft) >> 3)
			bitsleft |= 56
			e = litlen[bitbuf&(1<<litlenBits-1)]
			src := op - distance
			if distance >= 16 {
				// 32 bytes whatever the length (most matches are
				// shorter: no loop branch to mispredict), then 16 at a
				// time, up to 31 past the match (out has the room); d and
				// s shrink together, so only s's length is checked per
				// step.
				d := out[op : op+32]
				s := out[src : src+32]
				binary.LittleEndian.PutUint64(d, binary.LittleEndian.Uint64(s))
				binary.LittleEndian.PutUint64(d[8:], binary.LittleEndian.Uint64(s[8:]))
				binary.LittleEndian.PutUint64(d[16:], binary.LittleEndian.Uint64(s[16:]))
				binary.LittleEndian.PutUint64(d[24:], binary.LittleEndian.Uint64(s[24:]))
				if length > 32 {
					d = out[op+32 : op+length+15]
					s = out[src+32 : src+length+15]
					for len(d) >= 16 {
						s = s[:len(d)]
						binary.LittleEndian.PutUint64(d, binary.LittleEndian.Uint64(s))
						binary.LittleEndian.PutUint64(d[8:], binary.LittleEndian.Uint64(s[8:]))
						d, s = d[16:], s[16:]
					}
				}
			} else if distance >= 8 {
				for i := 0; i < length; i += 8 {
					binary.LittleEndian.PutUint64(out[op+i:], binary.LittleEndian.Uint64(out[src+i:]))
				}
			} else if distance == 1 {
				c := out[src]
				for i := 0; i < length; i++ {
					out[op+i] = c
				}
			} else {
				for i := 0; i < length; i++ {
					out[op+i] = out[src+i]
				}
			}
			op += length
		}
		out = out[:op]
		if final != 0 {
			// Give back the whole bytes loaded but not consumed.
			return out, ip - int(bitsleft>>3), nil
		}
	}
}

// grow returns out with more room, keeping out[:n]; past d.limit it
// panics with errOverLimit (inflate recovers it).
func (d *flateDecoder) grow(out []byte, n int) []byte {
	if n > d.limit {
		panic(errOverLimit)
	}
	g := make([]byte, max(2*len(out), 64<<10))
	copy(g, out[:n])
	return g
}

// The tables of fixed-Huffman blocks (RFC 1951 3.2.6), the same for every
// stream: built once.
var fixedLitlen, fixedDist = func() (*[litlenTabLen]uint32, *[distTabLen]uint32) {
	var lens [numLitlen]uint8
	for i := range lens {
		switch {
		case i < 144:
			lens[i] = 8
		case i < 256:
			lens[i] = 9
		case i < 280:
			lens[i] = 7
		default:
			lens[i] = 8
		}
	}
	// 30 distance codes of 5 bits plus 2 unused: a complete code of 32.
	var dl [32]uint8
	for i := range dl {
		dl[i] = 5
	}
	litlen, dist := new([litlenTabLen]uint32), new([distTabLen]uint32)
	if !build(litlen[:], lens[:], litlenBits, litlenEntry) || !build(dist[:], dl[:], distBits, distEntry) {
		panic("archive: the fixed Huffman codes do not build")
	}
	return litlen, dist
}()
