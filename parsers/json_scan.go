package parsers

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// This file holds the byte-level JSON scanning shared by the CloudTrail,
// GuardDuty and Config readers (and the CloudWatch Logs envelopes), and
// their input window ([jsonInput]): whitespace, strings, literals, numbers and the structural skip of
// values a projection does not need. The functions work on a window of input
// b and an index i; they return errNeedMore when the value runs past the end
// of b, so the caller can read more input and rescan the record.

// errNeedMore reports a value that continues past the buffered input. It
// never escapes the package: at the end of the stream it becomes ErrTruncated.
var errNeedMore = errors.New("BUG: need more input")

// MaxDepth is the deepest JSON nesting a reader accepts. CloudTrail records
// nest a dozen levels at most; the limit keeps hostile input from costing
// unbounded work.
const MaxDepth = 128

var isWS = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// skipWS returns the index of the first non-whitespace byte at or after i.
func skipWS(b []byte, i int) int {
	// Fast path: compact JSON has no whitespace between tokens.
	if i < len(b) && !isWS[b[i]] {
		return i
	}
	for i < len(b) && isWS[b[i]] {
		i++
	}
	return i
}

// SWAR constants: eight bytes tested at once in a uint64.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// stringStop returns a mask with the high bit set in the first byte of x
// (little endian) that ends a run of plain string content: '"', '\\' or a
// control character (below 0x20, which JSON strings may not hold raw).
// Bits above the first hit may be false positives (borrows); only the
// lowest set bit is exact. x^0x02 maps '"' (0x22) to 0x20 and the control
// characters onto themselves, and no other byte below 0x21, so one "below
// 0x21" test finds both: skipping a generated CloudTrail corpus whole is
// ~5 % faster (CPU time) than with a test for each.
func stringStop(x uint64) uint64 {
	y := x ^ (0x02 * lsb)
	s := x ^ ('\\' * lsb)
	return ((y-0x21*lsb)&^y | (s-lsb)&^s) & msb
}

// errControl is the error for a raw control character at b[j] in a string.
func errControl(b []byte, j int) error {
	return errAt(j, errExpected(ErrSyntax, "a string without raw control characters", quoteFound(b[j:j+1])))
}

// String flags from scanString.
const (
	strEscaped  = 1 << iota // holds a backslash escape
	strNonASCII             // holds a byte >= 0x80: check it is UTF-8
)

// scanString scans the string starting at b[i] == '"'. It returns the index
// after the closing quote and the string's flags, or a syntax error for a
// raw control character (JSON requires them escaped). Quotes and
// backslashes are found eight bytes at a time: CloudTrail strings are short
// (names, ARNs, IDs), where a word loop beats a call to bytes.IndexByte.
// The same loop also stops at the first byte >= 0x80, which sets
// strNonASCII, so most strings need no separate UTF-8 pass; ASCII words pay
// one AND for it instead of OR-ing every byte of the string into an
// accumulator.
func scanString(b []byte, i int) (end int, flags uint8, err error) {
	j := i + 1
	stop := uint64(msb) // high bits that end a run: non-ASCII, until the first
	for {
		if useStringStop && j+32 <= len(b) {
			// Fast path: 32 bytes at a time (AVX2), to the first stop
			// byte (a byte >= 0x80 too, until the first), or to the
			// window's last 32 bytes, which go on a word or a byte at a
			// time. The words took ~40 % of the instructions of the
			// library's string columns: ARNs and user agents are
			// 50-150 bytes.
			var found bool
			if stop != 0 {
				j, found = stringStopASCII32(b, j)
			} else {
				j, found = stringStop32(b, j)
			}
			if found {
				goto stop
			}
		}
		if j+8 <= len(b) {
			// Fast path: whole words without a quote, a backslash, a
			// control character or (until the first) a non-ASCII byte.
			x := binary.LittleEndian.Uint64(b[j:])
			m := stringStop(x) | x&stop
			if m == 0 {
				j += 8
				continue
			}
			j += bits.TrailingZeros64(m) >> 3
		} else {
			// Slow path: the tail of the buffer, byte by byte.
			for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 && b[j]&byte(stop) == 0 {
				j++
			}
			if j >= len(b) {
				return 0, 0, errNeedMore
			}
		}
	stop:
		switch c := b[j]; {
		case c == '"':
			return j + 1, flags, nil
		case c == '\\':
			flags |= strEscaped
			if j+1 < len(b) && b[j+1] >= 0x80 {
				flags |= strNonASCII
				stop = 0
			}
			j += 2 // the backslash and the byte it escapes
		case c < 0x20:
			return 0, 0, errControl(b, j)
		default: // the first byte >= 0x80
			flags |= strNonASCII
			stop = 0
			j++
		}
	}
}

// skipString returns the index after the string starting at b[i] == '"',
// for strings whose content is not needed: scanString without the flags.
// Skipped values hold most of a record's strings; not OR-ing every word
// into the ASCII test makes skipping a whole record ~15 % faster. Raw
// control characters are still refused, so whether a record is rejected
// does not depend on the projection. Where the CPU has AVX2 the string
// is looked through 32 bytes at a time (stringStopAVX2): a word loop
// took ~4 turns and a mispredicted exit for the ~30-byte strings of a
// CloudTrail record, ~12 % of the instructions of reading eventname
// alone.
func skipString(b []byte, i int) (int, error) {
	j := i + 1
	for {
		if useStringStop && j+32 <= len(b) {
			// Fast path: 32 bytes at a time (stringStopAVX2), to the
			// first stop byte, or to the last 32 bytes of the window,
			// which go on a word or a byte at a time.
			var found bool
			if j, found = stringStop32(b, j); found {
				goto stop
			}
		}
		if j+8 <= len(b) {
			// Fast path: whole words without a quote, a backslash or a
			// control character.
			m := stringStop(binary.LittleEndian.Uint64(b[j:]))
			if m == 0 {
				j += 8
				continue
			}
			j += bits.TrailingZeros64(m) >> 3
		} else {
			// Slow path: the tail of the buffer, byte by byte.
			for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 {
				j++
			}
			if j >= len(b) {
				return 0, errNeedMore
			}
		}
	stop:
		switch c := b[j]; {
		case c == '"':
			return j + 1, nil
		case c < 0x20:
			return 0, errControl(b, j)
		}
		j += 2 // the backslash and the byte it escapes
	}
}

// scanError is a JSON error at an index of the buffer; a reader reports
// it with its source and the offset of that index.
type scanError struct {
	at  int
	err error
}

func (e *scanError) Error() string { return e.err.Error() }

func (e *scanError) Unwrap() error { return e.err }

func errAt(at int, err error) *scanError { return &scanError{at: at, err: err} }

// describe names the JSON token starting at b[i] for "found ..." messages.
func describe(b []byte, i int) string {
	if i >= len(b) {
		return "end of input"
	}
	switch c := b[i]; {
	case c == '"':
		end, _, err := scanString(b, i)
		if err != nil {
			end = min(len(b), i+80)
		}
		return "string " + quoteFound(b[i+1:max(i+1, end-1)])
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		end := i
		for end < len(b) && isNumByte[b[end]] {
			end++
		}
		return "number " + string(b[i:min(end, i+40)])
	default:
		return quoteFound(b[i:min(len(b), i+1)])
	}
}

var isNumByte = [256]bool{'0': true, '1': true, '2': true, '3': true, '4': true, '5': true,
	'6': true, '7': true, '8': true, '9': true, '-': true, '+': true, '.': true, 'e': true, 'E': true}

// scanNumber returns the end of the number at b[i].
func scanNumber(b []byte, i int) (int, error) {
	j := i
	for j < len(b) && isNumByte[b[j]] {
		j++
	}
	if j == len(b) {
		return 0, errNeedMore
	}
	if j == i {
		return 0, errAt(i, errExpected(ErrSyntax, "JSON value", describe(b, i)))
	}
	return j, nil
}

// scanLiteral checks the literal lit (true, false, null) at b[i].
func scanLiteral(b []byte, i int, lit string) (int, error) {
	if len(b)-i < len(lit) {
		if string(b[i:]) == lit[:len(b)-i] {
			return 0, errNeedMore
		}
	} else if string(b[i:i+len(lit)]) == lit {
		return i + len(lit), nil
	}
	return 0, errAt(i, errExpected(ErrSyntax, "JSON value", describe(b, i)))
}

// skipValue returns the index after the JSON value starting at b[i]. depth is
// the nesting of the value's container; containers are skipped structurally
// (brackets matched, strings jumped over) without validating their content.
func skipValue(b []byte, i, depth int) (int, error) {
	if i >= len(b) {
		return 0, errNeedMore
	}
	switch c := b[i]; c {
	case '"':
		return skipString(b, i)
	case '{', '[':
		return skipContainer(b, i, depth)
	case 't':
		return scanLiteral(b, i, "true")
	case 'f':
		return scanLiteral(b, i, "false")
	case 'n':
		return scanLiteral(b, i, "null")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return scanNumber(b, i)
		}
		return 0, errAt(i, errExpected(ErrSyntax, "JSON value", describe(b, i)))
	}
}

// skipContainer skips the object or array at b[i], matching brackets with a
// stack bounded by MaxDepth: skipContainerBlocks where the CPU classifies
// 64 bytes at once (and 64 bytes are buffered), else skipContainerWords.
func skipContainer(b []byte, i, depth int) (int, error) {
	if useBlockMasks && len(b)-i >= 64 {
		return skipContainerBlocks(b, i, depth)
	}
	return skipContainerWords(b, i, depth)
}

// skipContainerBlocks is skipContainer 64 bytes at a time, as simdjson
// finds structure: blockMasks gives the block's quotes, backslashes,
// brackets and control characters as bit masks; the prefix XOR of the
// quotes marks the bytes inside strings, and only the brackets outside
// them are visited, one at a time. Nothing branches per string, so the
// ~10-byte strings of CloudTrail cost no misprediction each (following
// them one by one, skipContainerWords, mispredicts the end of most).
// Backslashes in strings are resolved with masks too (escapedBits), so
// escaped JSON in a string (policy documents) stays on the fast path. A
// block with a backslash outside a string, or a control character inside
// one, goes byte by byte (skipBytes), so ends and errors are exactly
// those of the byte-at-a-time reference.
//
// Where the CPU has it (useSkipBlocks), the blocks go through skipBlocks,
// the same loop in assembly (the prefix XOR one carry-less multiply, no
// call per block); the blocks it leaves (a backslash outside a string, a
// control character in one) take the slow path below.
func skipContainerBlocks(b []byte, i, depth int) (int, error) {
	var st blockState
	stack := &st.stack
	n := 0
	var inStr uint64    // all ones when the block starts inside a string
	var escCarry uint64 // 1 when the block's first byte is escaped
	j := i
	for j+64 <= len(b) {
		if useSkipBlocks {
			// Fast path: the blocks in assembly, up to one for the
			// slow path below.
			st.n, st.room, st.inStr, st.escCarry = n, MaxDepth-depth, inStr, escCarry
			k, status := skipBlocks(b, j, &st)
			n, inStr, escCarry = st.n, st.inStr, st.escCarry
			switch status {
			case blocksDone:
				return k, nil
			case blocksTooDeep:
				return 0, errTooDeep(k)
			case blocksMismatch:
				return 0, errAt(k, errExpected(ErrSyntax, "'"+string(stack[n]+2)+"'", quoteFound(b[k:k+1])))
			case blocksEnd:
				j = k
				continue // to the tail
			}
			j = k // blocksSlow: this block is the loop's
		}
		q, bs, brk, ctl := blockMasks((*[64]byte)(b[j : j+64]))
		var esc uint64
		if bs|escCarry != 0 {
			// Escaped quotes are not quotes (see escapedBits).
			esc, escCarry = escapedBits(bs, escCarry)
			q &^= esc
		}
		s := prefixXor(q) ^ inStr // inside a string, opening quotes included
		if bs&^s|ctl&s&^esc != 0 {
			// Slow path: a backslash outside a string (which escapes
			// nothing there), or a control character in a string (an
			// error): the block byte by byte, after a byte the last
			// block escaped.
			lim := j + 64
			j += int(esc & 1)
			in := inStr != 0
			end, err := skipBytes(b, &j, lim, depth, stack, &n, &in)
			if end != 0 || err != nil {
				return end, err
			}
			inStr, escCarry = 0, 0
			if in {
				inStr = ^uint64(0)
			}
			continue
		}
		for brk &^= s; brk != 0; brk &= brk - 1 {
			k := j + bits.TrailingZeros64(brk)
			c := b[k]
			if c == '{' || c == '[' {
				if depth+n >= MaxDepth {
					return 0, errTooDeep(k)
				}
				stack[n] = c
				n++
				continue
			}
			n--
			if want := c - 2; stack[n] != want { // '{'+2 == '}', '['+2 == ']'
				return 0, errAt(k, errExpected(ErrSyntax, "'"+string(stack[n]+2)+"'", quoteFound(b[k:k+1])))
			}
			if n == 0 {
				return k + 1, nil
			}
		}
		inStr = uint64(int64(s) >> 63)
		j += 64
	}
	j += int(escCarry) // a byte the last block escaped
	in := inStr != 0
	end, err := skipBytes(b, &j, len(b), depth, stack, &n, &in)
	if end == 0 && err == nil {
		err = errNeedMore
	}
	return end, err
}

// blockState is skipContainerBlocks' state as skipBlocks takes it: the
// bracket stack and its depth n, the most brackets it may hold (MaxDepth
// less the container's depth), inStr (all ones when the next block
// starts inside a string) and the escape carried into it.
type blockState struct {
	stack    [MaxDepth]byte
	n        int
	room     int
	inStr    uint64
	escCarry uint64 // 1 when the next block's first byte is escaped
	carryOut uint64 // skipBlocks' scratch: the carry out of its block
}

// skipBlocks' statuses: why it stopped (see skipBlocksAVX2).
const (
	blocksDone = iota
	blocksTooDeep
	blocksMismatch
	blocksSlow
	blocksEnd
)

// skipBytes runs skipContainer's state machine byte by byte from b[*j] to
// lim (or one past, when the last byte is a backslash: the byte it escapes
// is skipped too). It returns the index after the container when it ends
// there, or an error.
func skipBytes(b []byte, j *int, lim, depth int, stack *[MaxDepth]byte, n *int, inStr *bool) (int, error) {
	k := *j
	defer func() { *j = k }()
	for ; k < lim; k++ {
		c := b[k]
		if *inStr {
			switch {
			case c == '"':
				*inStr = false
			case c == '\\':
				k++
			case c < 0x20:
				return 0, errControl(b, k)
			}
			continue
		}
		switch c {
		case '"':
			*inStr = true
		case '{', '[':
			if depth+*n >= MaxDepth {
				return 0, errTooDeep(k)
			}
			stack[*n] = c
			*n++
		case '}', ']':
			*n--
			if want := c - 2; stack[*n] != want {
				return 0, errAt(k, errExpected(ErrSyntax, "'"+string(stack[*n]+2)+"'", quoteFound(b[k:k+1])))
			}
			if *n == 0 {
				return k + 1, nil
			}
		}
	}
	return 0, nil
}

// errTooDeep is the error for the bracket at b[at] that nests too deep.
func errTooDeep(at int) error {
	return errAt(at, errExpected(ErrTooDeep, "at most "+itoa(MaxDepth)+" levels of nesting", "deeper nesting"))
}

// escapedBits returns the bits of a block escaped by a backslash, given
// its backslashes bs and carry (1 when the last block ended in an
// unescaped backslash, which escapes this block's first byte), and the
// carry for the next block. A run of backslashes escapes every other
// byte from its start, and the byte after it when it is odd. It is
// simdjson's json_escape_scanner: subtracting each run's start from the
// odd bits leaves a carry that ends where the run does.
func escapedBits(bs, carry uint64) (escaped, next uint64) {
	const oddBits = 0xaaaaaaaaaaaaaaaa
	potential := bs &^ carry // a backslash escaped by the last block escapes nothing
	code := ((potential<<1 | oddBits) - potential) ^ oddBits
	escaped = code ^ (bs | carry)
	next = (code & bs) >> 63
	return escaped, next
}

// prefixXor sets bit k of the result when an odd number of bits 0..k of q
// are set: with q the quotes of a block, the bytes inside strings (the
// opening quote included, the closing one not).
func prefixXor(q uint64) uint64 {
	q ^= q << 1
	q ^= q << 2
	q ^= q << 4
	q ^= q << 8
	q ^= q << 16
	q ^= q << 32
	return q
}

// blockMasksGo is what blockMasks computes, one byte at a time: bit k of
// each mask is set when p[k] is '"'; '\\'; a bracket; a control character.
// It is the reference of the vector versions, and blockMasks where there
// is none.
func blockMasksGo(p *[64]byte) (quote, bslash, brk, ctl uint64) {
	for k, c := range p {
		bit := uint64(1) << k
		switch {
		case c == '"':
			quote |= bit
		case c == '\\':
			bslash |= bit
		case c == '[' || c == ']' || c == '{' || c == '}':
			brk |= bit
		case c < 0x20:
			ctl |= bit
		}
	}
	return
}

// skipContainerWords is skipContainer without block masks. Strings are
// jumped over a word at a time, as skipString does, written out here:
// the call per string cost ~3 % of
// skipping (CPU time, whole generated CloudTrail objects). A string
// followed by ':' or ',' and another string goes on with that one, so the
// per-byte loop only sees the other structural runs between strings
// (another 7 %).
func skipContainerWords(b []byte, i, depth int) (int, error) {
	var stack [MaxDepth]byte
	n := 0
	for i < len(b) {
		switch c := b[i]; c {
		case '"':
			j := i + 1
		str:
			for {
				for j+8 <= len(b) {
					if m := stringStop(binary.LittleEndian.Uint64(b[j:])); m != 0 {
						j += bits.TrailingZeros64(m) >> 3
						goto stop
					}
					j += 8
				}
				for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 {
					j++
				}
				if j >= len(b) {
					return 0, errNeedMore
				}
			stop:
				if c := b[j]; c == '"' {
					// ':' or ',' and another string (a member's value, the
					// next key): on with it, without a turn of the outer
					// loop per structural byte.
					if j+2 < len(b) && (b[j+1] == ':' || b[j+1] == ',') && b[j+2] == '"' {
						j += 3
						continue str
					}
					break
				} else if c < 0x20 {
					return 0, errControl(b, j)
				}
				j += 2 // the backslash and the byte it escapes
			}
			i = j + 1
			continue
		case '{', '[':
			if depth+n >= MaxDepth {
				return 0, errAt(i, errExpected(ErrTooDeep, "at most "+itoa(MaxDepth)+" levels of nesting", "deeper nesting"))
			}
			stack[n] = c
			n++
		case '}', ']':
			n--
			if want := c - 2; stack[n] != want { // '{'+2 == '}', '['+2 == ']'
				return 0, errAt(i, errExpected(ErrSyntax, "'"+string(stack[n]+2)+"'", quoteFound(b[i:i+1])))
			}
			if n == 0 {
				return i + 1, nil
			}
		}
		i++
	}
	return 0, errNeedMore
}

func itoa(n int) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(buf[i:])
}

// AppendJSONUnescaped appends the decoded content of the JSON string body s
// (without its quotes) to dst: the escapes of RFC 8259, with \uXXXX
// surrogate pairs joined into one rune and a lone surrogate as U+FFFD. It
// returns the index in s of the first bad escape, or -1; dst then holds the
// content before it. The readers and the engine's JSON functions share it,
// so a value decodes the same in a column and in json_extract_scalar.
func AppendJSONUnescaped[S ~string | ~[]byte](dst []byte, s S) ([]byte, int) {
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] != '\\' {
			j++
		}
		dst = append(dst, s[i:j]...)
		i = j
		if i >= len(s) {
			return dst, -1
		}
		if i+1 >= len(s) {
			return dst, i
		}
		switch s[i+1] {
		case '"', '\\', '/':
			dst = append(dst, s[i+1])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(s, i+2)
			if !ok {
				return dst, i
			}
			i += 6
			if utf16.IsSurrogate(r) {
				r2, ok := rune(0), false
				if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
					r2, ok = hex4(s, i+2)
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default:
			return dst, i
		}
		i += 2
	}
	return dst, -1
}

func hex4[S ~string | ~[]byte](s S, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for k := i; k < i+4; k++ {
		c := s[k]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// isTime reports whether s is an RFC 3339 timestamp as CloudTrail writes
// them, YYYY-MM-DDTHH:MM:SS, optional fraction, then Z or ±HH:MM, naming a
// real instant: month 1-12, a day the month has (29 February only in leap
// years), hour 0-23, minute 0-59, second 0-59 (no leap second, as
// time.Parse, which pruning and the engine use), offset 00:00-23:59.
//
// The 19 bytes of date and time are checked three words at a time (SWAR):
// the separators compared under a mask, then every other byte tested for
// a digit at once. A byte-at-a-time loop with a switch per position was
// ~4 % of the CPU of reading eventname alone (eventTime is checked in
// every record); the words take half its instructions and ~3 % less CPU.
func isTime(s []byte) bool {
	if len(s) < 20 {
		return false
	}
	const (
		// "YYYY-MM-": '-' at 4 and 7.
		sep0  = 0xff<<32 | 0xff<<56
		want0 = '-'<<32 | '-'<<56
		// "DDTHH:MM": 'T' at 2 (checked apart: 't' and ' ' too), ':' at 5.
		sep1  = 0xff<<16 | 0xff<<40
		want1 = ':' << 40
		// "HH:MM:SS" (s[11:19]): ':' at 2 and 5.
		sep2  = 0xff<<16 | 0xff<<40
		want2 = ':'<<16 | ':'<<40
	)
	w0 := binary.LittleEndian.Uint64(s[0:8])
	w1 := binary.LittleEndian.Uint64(s[8:16])
	w2 := binary.LittleEndian.Uint64(s[11:19])
	if w0&sep0 != want0 || w1&(sep1&^(0xff<<16)) != want1 || w2&sep2 != want2 ||
		!allDigits8(w0&^sep0|'0'*sep0/0xff) || !allDigits8(w1&^sep1|'0'*sep1/0xff) || !allDigits8(w2&^sep2|'0'*sep2/0xff) {
		return false
	}
	if c := s[10]; c != 'T' && c != 't' && c != ' ' {
		return false
	}
	return isTimeRest(s)
}

// isTimeRest is isTime past the shape of the date and time (s[:19] digits
// and separators, at least 20 bytes): their ranges, the fraction and the
// zone.
func isTimeRest(s []byte) bool {
	year := num2(s[0:2])*100 + num2(s[2:4])
	month, day := num2(s[5:7]), num2(s[8:10])
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		num2(s[11:13]) > 23 || num2(s[14:16]) > 59 || num2(s[17:19]) > 59 {
		return false
	}
	return isTimeZone(s[19:])
}

// isTimeZone is isTime past the seconds (rest not empty): an optional
// fraction, then Z or ±HH:MM.
func isTimeZone(rest []byte) bool {
	if rest[0] == '.' {
		j := 1
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if j == 1 {
			return false
		}
		rest = rest[j:]
	}
	switch {
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		return isDigits(rest[1:3]) && isDigits(rest[4:6]) && num2(rest[1:3]) <= 23 && num2(rest[4:6]) <= 59
	}
	return false
}

// timeCache is isTime for a run of times that mostly share their date
// and hour, as a delivery's records do (its events span minutes): it
// remembers the first 14 bytes ("YYYY-MM-DDTHH:") of the last time it
// accepted, and a time that starts with them only has its minutes,
// seconds, fraction and zone checked, about a tenth of isTime's
// instructions. The zero value is ready to use.
type timeCache struct {
	w0, w1 uint64 // s[0:8] and s[6:14] of the last time accepted
	ok     bool
}

// isTime reports what isTime(s) does.
func (c *timeCache) isTime(s []byte) bool {
	if c.ok && len(s) >= 20 && binary.LittleEndian.Uint64(s[0:8]) == c.w0 && binary.LittleEndian.Uint64(s[6:14]) == c.w1 {
		// Fast path: the date and hour of a time accepted before, so
		// valid; "MM:SS" (00-59 each) and the rest checked here.
		if s[14] < '0' || s[14] > '5' || s[15] < '0' || s[15] > '9' || s[16] != ':' ||
			s[17] < '0' || s[17] > '5' || s[18] < '0' || s[18] > '9' {
			return false
		}
		return isTimeZone(s[19:])
	}
	if !isTime(s) {
		return false
	}
	c.w0, c.w1, c.ok = binary.LittleEndian.Uint64(s[0:8]), binary.LittleEndian.Uint64(s[6:14]), true
	return true
}

// allDigits8 reports whether the eight bytes of x are all ASCII digits: each
// has the high nibble 3, and still has it with 6 added ('9'+6 is 0x3f,
// ':'+6 is 0x40); the first test keeps the addition from carrying.
func allDigits8(x uint64) bool {
	const hi = 0xf0f0f0f0f0f0f0f0
	return x&hi == '0'*lsb && (x+6*lsb)&hi == '0'*lsb
}

// num2 is the value of two ASCII digits.
func num2(s []byte) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

// daysIn returns the days of month (1-12) in year, proleptic Gregorian.
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func isDigits(s []byte) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// lowerASCII maps ASCII letters to lower case, other bytes to themselves.
var lowerASCII = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if i >= 'A' && i <= 'Z' {
			t[i] = byte(i) + 'a' - 'A'
		}
	}
	return t
}()

// equalFold reports whether key equals lower (already lower case) ignoring
// ASCII case, as Athena's JSON SerDe matches keys.
func equalFold(key []byte, lower string) bool {
	if len(key) != len(lower) {
		return false
	}
	for i := range len(key) {
		if lowerASCII[key[i]] != lower[i] {
			return false
		}
	}
	return true
}

// afterKey returns where the value of an object member starts, given kend,
// the end of its key string: past blank space, the ':' and blank space
// again. It returns errNeedMore when the window ends first.
func afterKey(b []byte, kend int) (int, error) {
	// Fast path: the ':' right after the key and the value right after it
	// (no blank space, as CloudTrail writes its objects).
	if i := kend + 1; i < len(b) && b[kend] == ':' && b[i] > ' ' {
		return i, nil
	}
	return afterKeySlow(b, kend)
}

// afterKeySlow is afterKey past blank space, or at the window's end or a
// syntax error.
func afterKeySlow(b []byte, kend int) (int, error) {
	i := skipWS(b, kend)
	if i >= len(b) {
		return 0, errNeedMore
	}
	if b[i] != ':' {
		return 0, errAt(i, errExpected(ErrSyntax, "':' after object key", describe(b, i)))
	}
	i = skipWS(b, i+1)
	if i >= len(b) {
		return 0, errNeedMore
	}
	return i, nil
}

// jsonInput is what the JSON readers (CloudTrail, GuardDuty and Config)
// share around their scanning: the input window and the scratch buffer of
// the current record's unescaped strings. buf[pos:] is not consumed yet;
// base is the stream offset of buf[0].
type jsonInput struct {
	src     io.Reader
	buf     []byte
	pos     int
	base    int64
	eof     bool
	scratch []byte // unescaped strings of the current record
	// inMemory: buf is the whole content of an [InMemory] input, never
	// written; fill only finds the end.
	inMemory bool
}

// useInMemory makes in parse the content of src in place when src is
// [InMemory] (and fits the int32 indexes of spans): buf is all of it,
// as if one read had filled the buffer with the whole input. Otherwise it
// allocates the window src is read through: an input parsed in place
// needs none (hunt's inflaters hand every object over whole, and a window
// per object was 256 KiB allocated and cleared for nothing).
func (in *jsonInput) useInMemory() {
	if m, ok := in.src.(InMemory); ok {
		whole := m.Contents() // consumed: from here on src is whole
		if len(whole) <= math.MaxInt32 {
			in.buf, in.inMemory = whole, true
			return
		}
		in.src = bytes.NewReader(whole) // read as a stream, as before
	}
	if in.buf == nil {
		in.buf = make([]byte, 0, windowSize)
	}
}

// windowSize is the first size of a stream's input window; fill grows it
// for records that do not fit.
const windowSize = 256 << 10

// fill moves buf[keep:] to the front (pos follows, not below 0) and reads
// more input, growing buf when less than readChunk of it is free. It sets
// eof at the end of the input and returns any other read error. For an
// [InMemory] input there is no more: buf starts at buf[keep] instead,
// without a copy, and eof is set, as a stream's next read would find.
func (in *jsonInput) fill(keep int) error {
	if in.inMemory {
		in.buf = in.buf[keep:]
		in.base += int64(keep)
		in.pos = max(in.pos-keep, 0)
		in.eof = true
		return nil
	}
	if keep > 0 {
		n := copy(in.buf, in.buf[keep:])
		in.buf = in.buf[:n]
		in.base += int64(keep)
		in.pos = max(in.pos-keep, 0)
	}
	if cap(in.buf)-len(in.buf) < readChunk {
		nb := make([]byte, len(in.buf), 2*cap(in.buf)+readChunk)
		copy(nb, in.buf)
		in.buf = nb
	}
	for {
		n, err := in.src.Read(in.buf[len(in.buf):cap(in.buf)])
		in.buf = in.buf[:len(in.buf)+n]
		if err != nil {
			if err == io.EOF {
				in.eof = true
				return nil
			}
			return err
		}
		if n > 0 {
			return nil
		}
	}
}

// readError is the error of source for a read error err at the end of
// the window: truncated input, or corrupt input (a bad gzip checksum).
func (in *jsonInput) readError(source string, err error) *ParseError {
	class := error(ErrTruncated)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		class = ErrCorrupt
	}
	return &ParseError{Source: source, Offset: in.base + int64(len(in.buf)),
		Err: fmt.Errorf("%w: cannot read input: %w", class, err)}
}

// decodeString returns the decoded content of the string b[i:end], with
// the flags scanString reported: a span of b (which must be the window)
// or, when it has escapes, of the scratch buffer. Invalid UTF-8 or an
// invalid escape gives the index in b of the offending byte and an error.
func (in *jsonInput) decodeString(b []byte, i, end int, flags uint8) (span, int, error) {
	if flags&(strNonASCII|strEscaped) == 0 {
		// Fast path: ASCII without escapes, the bytes are the value.
		return span{start: int32(i + 1), end: int32(end - 1), src: srcBuf}, 0, nil
	}
	return in.decodeStringSlow(b, i, end, flags)
}

func (in *jsonInput) decodeStringSlow(b []byte, i, end int, flags uint8) (span, int, error) {
	body := b[i+1 : end-1]
	if flags&strNonASCII != 0 && !utf8.Valid(body) {
		bad := 0
		for bad < len(body) {
			rr, size := utf8.DecodeRune(body[bad:])
			if rr == utf8.RuneError && size <= 1 {
				break
			}
			bad += size
		}
		return span{}, i + 1 + bad, errExpected(ErrSyntax, "valid UTF-8", quoteFound(body[bad:min(len(body), bad+4)]))
	}
	if flags&strEscaped == 0 {
		return span{start: int32(i + 1), end: int32(end - 1), src: srcBuf}, 0, nil
	}
	// Unescape into the record's scratch buffer.
	start := len(in.scratch)
	var bad int
	in.scratch, bad = AppendJSONUnescaped(in.scratch, body)
	if bad >= 0 {
		in.scratch = in.scratch[:start]
		return span{}, i + 1 + bad, errExpected(ErrSyntax, "a valid escape", quoteFound(body[bad:min(len(body), bad+6)]))
	}
	return span{start: int32(start), end: int32(len(in.scratch)), src: srcScratch}, 0, nil
}

// bytesOf returns the bytes of a string span of the current record.
func (in *jsonInput) bytesOf(s span) []byte {
	if s.src == srcScratch {
		return in.scratch[s.start:s.end]
	}
	return in.buf[s.start:s.end]
}
