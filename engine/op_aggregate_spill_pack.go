package engine

import (
	"encoding/binary"
	"slices"
	"unsafe"
)

// Packed strings of digits, dots and slashes.
//
// The flow-log hunts that spill most (vpc_port_scan, vpc_large_egress,
// vpc_reject_flood over the 2 GiB corpus: 142, 52 and 43 MiB) spill one
// or two address columns per row, srcaddr and dstaddr, as text: "10.0.12.7"
// is a length byte and 9 to 15 bytes, a third to a half of a spilled
// row. With a HAVING bound the rows are written but rarely read
// (op_aggregate_sketch.go), so writing them is what spilling costs.
//
// A string column whose first value in a segment is 1 to 16 bytes of
// digits, dots and slashes is written in a packed mode (spillPacked,
// spillPackedSomeNull): each value of 1 to 16 such bytes as 2 × its length
// + 1 (uvarint) and its bytes' low nibbles, two a byte ('0'-'9' are 0-9,
// '.' 14, '/' 15); any other value (an IPv6 address, "", a longer string)
// as 2 × its length (uvarint) and its bytes. An IPv4 address takes 5 to 9
// bytes, not 8 to 16: the hunts above spill 106, 36 and 31 MiB. A nibble
// stands for one byte only, so any such text comes back byte for byte
// ("010.0.0.1" and "1..2" as well as "10.0.0.1"), with no test of what it
// spells. Reading an address as a number (a tag and 4 bytes) saved ~1.5
// bytes more a value, but parsing it, with its leading zeros, cost ~28 ns
// an address on the shared 2-core machine, more than writing the bytes it
// saved; packing is a range test and three shifts per 8 bytes.

// spillPackMax is the longest value packed: two 8-byte words of text.
const spillPackMax = 16

// spillHighs is the high bit of each byte of a word.
const spillHighs uint64 = 0x8080808080808080

// spillPackable reports whether the bytes of words lo and hi that vlo and
// vhi mark (their high bits) are all in ['.', '9']: '.', '/' and the
// digits, whose low nibbles (14, 15, 0-9) tell them apart.
func spillPackable(lo, hi, vlo, vhi uint64) bool {
	const ones, lows uint64 = 0x0101010101010101, 0x7f7f7f7f7f7f7f7f
	// The bytes out of range: adding to a byte below 0x80 carries into
	// no other byte.
	out := func(w uint64) uint64 {
		x := w & lows
		return (^(x + (0x80-'.')*ones) | (x + (0x80-'9'-1)*ones) | w) & spillHighs
	}
	return out(lo)&vlo|out(hi)&vhi == 0
}

// spillNibbles packs the low nibbles of w's 8 bytes into 32 bits, byte i's
// at bits 4i.
func spillNibbles(w uint64) uint64 {
	w &= 0x0f0f0f0f0f0f0f0f
	w = (w | w>>4) & 0x00ff00ff00ff00ff
	w = (w | w>>8) & 0x0000ffff0000ffff
	return (w | w>>16) & 0xffffffff
}

// spillPack returns the packed nibbles of s (see above) and whether it
// packs: 1 to 16 bytes, each a digit, '.' or '/'.
func spillPack(s string) (uint64, bool) {
	n := len(s)
	if n < 8 {
		if n == 0 {
			return 0, false
		}
		var w uint64
		for i := range n {
			w |= uint64(s[i]) << (8 * i)
		}
		return spillNibbles(w), spillPackable(w, 0, (uint64(1)<<(8*n)-1)&spillHighs, 0)
	}
	if n > spillPackMax {
		return 0, false
	}
	lo := le64(s)
	hi := le64(s[n-8:]) >> (8 * (16 - n)) // bytes 8 to n-1, then zeros
	vhi := (uint64(1)<<(8*(n-8)) - 1) & spillHighs
	return spillNibbles(lo) | spillNibbles(hi)<<32, spillPackable(lo, hi, spillHighs, vhi)
}

// spillPacks reports whether rows sel of flat vec v (some not NULL) go in
// a packed mode: strings whose first value that is not NULL packs. One
// value decides, so a column of other strings (ARNs, user agents) costs
// one look a segment.
func spillPacks(v *vec, sel []int32) bool {
	if !v.t.isStringy() {
		return false
	}
	for _, i := range sel {
		if v.null == nil || !v.null[i] {
			_, ok := spillPack(v.s[i])
			return ok
		}
	}
	return false
}

// appendSpillPacked appends the values of rows sel of string vec v in a
// packed mode (see above), skipping the rows null marks (nil: none). The
// room of a packed value for each row is reserved first (see
// appendSpillValues; a pass over the rows' lengths, to reserve the room
// of text values too, cost as much as packing): a packed value takes at
// most 9 bytes, stored as a length byte and 8 bytes; a text value grows
// b as it needs to.
//
// Runs of rows without NULL whose values pack are written by
// spillPackRun; a value it stops at goes the general way.
func appendSpillPacked(b []byte, v *vec, sel []int32, null []bool) []byte {
	b = slices.Grow(b, 9*len(sel)+8)
	for len(sel) > 0 {
		if null == nil {
			k, nb := spillPackRun(b[len(b):cap(b)], v.s, sel)
			b, sel = b[:len(b)+nb], sel[k:]
			if len(sel) == 0 {
				break
			}
		}
		i := sel[0]
		sel = sel[1:]
		if null != nil && null[i] {
			continue
		}
		s := v.s[i]
		if p, ok := spillPack(s); ok {
			if cap(b)-len(b) < 9 {
				b = slices.Grow(b, 9*(len(sel)+1)) // after text values
			}
			at := len(b)
			b = b[:at+9]
			b[at] = byte(2*len(s) + 1)
			binary.LittleEndian.PutUint64(b[at+1:], p)
			b = b[:at+1+(len(s)+1)/2]
			continue
		}
		b = binary.AppendUvarint(b, 2*uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// spillPackRunGo writes into dst the packed values (see above) of rows sel
// of strs, as long as each is 4 to 16 bytes that pack and dst has room
// for 9 bytes more, and returns the rows and bytes written.
//
// It keeps few values live: written inside appendSpillPacked's loop,
// packing spilled its registers to the stack (~140 instructions an
// address).
func spillPackRunGo(dst []byte, strs []string, sel []int32) (int, int) {
	n := 0
	for k, i := range sel {
		s := strs[i]
		l := len(s)
		if l < 4 || l > spillPackMax || len(dst)-n < 9 {
			return k, n
		}
		var lo, hi, vlo, vhi uint64
		// Shifts are masked to 63, so none takes the compiler's test for
		// a shift of 64: where one would be (l = 8), hi is lo and its
		// bytes are tested twice, and its nibbles are not written.
		if l >= 8 {
			lo = le64(s)
			hi = le64(s[l-8:]) >> (8 * (16 - l) & 63) // bytes 8 to l-1, then zeros
			vlo, vhi = spillHighs, spillHighs>>(8*(16-l)&63)
		} else {
			// Two 4-byte loads that overlap.
			lo = uint64(le32(s)) | uint64(le32(s[l-4:]))<<(8*(l-4)&63)
			vlo = spillHighs >> (8 * (8 - l) & 63)
		}
		if !spillPackable(lo, hi, vlo, vhi) {
			return k, n
		}
		dst[n] = byte(2*l + 1)
		binary.LittleEndian.PutUint64(dst[n+1:n+9], spillNibbles(lo)|spillNibbles(hi)<<32)
		n += 1 + (l+1)/2
	}
	return len(sel), n
}

// spillUnpack returns the bytes of the 8 nibbles of the low 32 bits of
// p (byte i from bits 4i), and bad with the bits of the bytes whose
// nibble stands for no byte (10 to 13) set.
func spillUnpack(p uint64) (w, bad uint64) {
	const ones uint64 = 0x0101010101010101
	x := p & 0xffffffff
	x = (x | x<<16) & 0x0000ffff0000ffff
	x = (x | x<<8) & 0x00ff00ff00ff00ff
	x = (x | x<<4) & 0x0f0f0f0f0f0f0f0f
	ge10 := (x + (0x80-10)*ones) & spillHighs >> 7
	ge14 := (x + (0x80-14)*ones) & spillHighs >> 7
	// '0'-'9' from 0-9, '.' and '/' from 14 and 15 ('>' and '?' less 16).
	return x + '0'*ones - 0x10*ge14, (ge10 &^ ge14) * 0xff
}

// decodeSpillPacked decodes the values of a packed column (see
// appendSpillPacked) into out, skipping the rows null marks (nil: none),
// and returns the rest of b. A packed value's text is written to *txt,
// which the strings point into as others point into b: *txt is grown
// once for the column, so the strings of earlier columns keep the array
// they point into.
func decodeSpillPacked(b []byte, out []string, null []bool, txt *[]byte) ([]byte, bool) {
	t := slices.Grow(*txt, spillPackMax*len(out)+16)
	for j := range out {
		if null != nil && null[j] {
			continue
		}
		var x uint64
		var w int
		if len(b) > 0 && b[0] < 0x80 {
			x, w = uint64(b[0]), 1
		} else {
			x, w = binary.Uvarint(b)
		}
		if w <= 0 {
			return nil, false
		}
		l := x / 2
		if x&1 == 0 {
			// Text.
			if uint64(len(b)-w) < l {
				return nil, false
			}
			if l > 0 {
				out[j] = unsafe.String(&b[w], int(l))
			} else {
				out[j] = ""
			}
			b = b[w+int(l):]
			continue
		}
		nb := (l + 1) / 2
		if l == 0 || l > spillPackMax || uint64(len(b)-w) < nb {
			return nil, false
		}
		// The packed bytes, 8 at most, as a word (the nibbles past the
		// value's are not read), unpacked 8 nibbles at a time.
		var pw uint64
		if len(b)-w >= 8 {
			pw = binary.LittleEndian.Uint64(b[w:])
		} else {
			for i := range int(nb) {
				pw |= uint64(b[w+i]) << (8 * i)
			}
		}
		lo, lbad := spillUnpack(pw)
		hi, hbad := spillUnpack(pw >> 32)
		vlo := ^uint64(0) >> (8 * max(0, 8-int(l)))
		vhi := ^uint64(0) >> (8 * min(8, 16-int(l)))
		if lbad&vlo|hbad&vhi != 0 {
			return nil, false
		}
		at := len(t)
		t = t[:at+16]
		binary.LittleEndian.PutUint64(t[at:], lo)
		binary.LittleEndian.PutUint64(t[at+8:], hi)
		t = t[:at+int(l)]
		out[j] = unsafe.String(&t[at], int(l))
		b = b[w+int(nb):]
	}
	*txt = t
	return b, true
}
