package parsers

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"strings"
	"testing"
	"testing/iotest"
)

func TestScanString(t *testing.T) {
	tests := []struct {
		in       string // a string token followed by more input
		end      int    // index after the closing quote; -1: errNeedMore
		escaped  bool
		nonASCII bool
	}{
		{`"abc",`, 5, false, false},
		{`"",`, 2, false, false},
		{`"héllo"}`, 8, false, true},
		{`"a\"b" `, 6, true, false},
		{`"0123456789abcdef\\" `, 20, true, false},
		{`"0123456789abcdeé" `, 19, false, true},
		{`"\u00e9xxxxxxxxxxxxxxxx" `, 24, true, false},
		{`"xxxxxxx\"é" `, 13, true, true},
		{`"` + strings.Repeat("a", 31) + "\xff" + `" `, 34, false, true},
		{`"abcdefg` + "\x80" + `" `, 10, false, true},
		{`"ab\\\"cd" `, 10, true, false},
		{`"no end`, -1, false, false},
		{`"ends in escape \`, -1, false, false},
	}
	for _, tt := range tests {
		end, flags, err := scanString([]byte(tt.in), 0)
		if tt.end < 0 {
			if err != errNeedMore {
				t.Errorf("%q: got end %d, err %v; want errNeedMore", tt.in, end, err)
			}
			continue
		}
		if err != nil || end != tt.end || (flags&strEscaped != 0) != tt.escaped || (flags&strNonASCII != 0) != tt.nonASCII {
			t.Errorf("%q: got end %d, flags %b, err %v; want end %d, escaped %v, nonASCII %v",
				tt.in, end, flags, err, tt.end, tt.escaped, tt.nonASCII)
		}
	}
}

func TestSkipValue(t *testing.T) {
	tests := []struct {
		in      string
		end     int // -1: errNeedMore, -2: a syntax or depth error
		wantErr error
	}{
		{`{"a":[1,{"b":"}"}],"c":"\"]"} tail`, 29, nil},
		{`[1, 2, [3]],`, 11, nil},
		{`"x"`, 3, nil},
		{`true,`, 4, nil},
		{`null}`, 4, nil},
		{`-12.5e3,`, 7, nil},
		{`{"a":1`, -1, nil},
		{`12`, -1, nil},
		{`{"a":]`, -2, ErrSyntax},
		{`nul,`, -2, ErrSyntax},
		{`?`, -2, ErrSyntax},
		{strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), -2, ErrTooDeep},
		{strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), 2 * MaxDepth, nil},
	}
	for _, tt := range tests {
		end, err := skipValue([]byte(tt.in), 0, 0)
		switch {
		case tt.end == -1:
			if err != errNeedMore {
				t.Errorf("%.40q: got %d, %v; want errNeedMore", tt.in, end, err)
			}
		case tt.end == -2:
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("%.40q: got %d, %v; want %v", tt.in, end, err, tt.wantErr)
			}
		case err != nil || end != tt.end:
			t.Errorf("%.40q: got %d, %v; want %d", tt.in, end, err, tt.end)
		}
	}
}

func TestAppendUnescaped(t *testing.T) {
	tests := []struct {
		in, want string
		bad      int
	}{
		{`plain`, "plain", -1},
		{`a\"b\\c\/d\n\t\r\b\f`, "a\"b\\c/d\n\t\r\b\f", -1},
		{`\u00e9\u20AC`, "é€", -1},
		{`\ud83d\ude00!`, "😀!", -1},
		{`\ud83d alone`, "\uFFFD alone", -1},
		{`bad \q`, "bad ", 4},
		{`short \u12`, "short ", 6},
		{`trailing \`, "trailing ", 9},
	}
	for _, tt := range tests {
		got, bad := AppendJSONUnescaped(nil, []byte(tt.in))
		if string(got) != tt.want || bad != tt.bad {
			t.Errorf("%q: got %q, bad %d; want %q, %d", tt.in, got, bad, tt.want, tt.bad)
		}
	}
}

func TestIsTime(t *testing.T) {
	for s, want := range map[string]bool{
		"2024-03-05T10:11:12Z":          true,
		"2024-03-05T10:11:12.123Z":      true,
		"2024-03-05T10:11:12+02:00":     true,
		"2024-03-05 10:11:12Z":          true,
		"2024-03-05T10:11:12":           false,
		"05/01/2024":                    false,
		"2024-03-05T10:11:12.Z":         false,
		"2024-03-05T10:11:12+0200":      false,
		"2024-3-05T10:11:12Z":           false,
		"ThisIsAWrongEventTimeXXXXXXXX": false,
	} {
		if got := isTime([]byte(s)); got != want {
			t.Errorf("isTime(%q) = %v; want %v", s, got, want)
		}
	}
}

// isTimeRef is isTime's check of the date and time's shape one byte at a
// time (as it was written before its words): the reference of
// TestIsTime_Words and FuzzIsTime. The ranges, fraction and zone after it
// are isTimeRest for both.
func isTimeRef(s []byte) bool {
	if len(s) < 20 {
		return false
	}
	for i, c := range s[:19] {
		switch i {
		case 4, 7:
			if c != '-' {
				return false
			}
		case 10:
			if c != 'T' && c != 't' && c != ' ' {
				return false
			}
		case 13, 16:
			if c != ':' {
				return false
			}
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return isTimeRest(s)
}

// TestIsTime_Words checks isTime against the byte-at-a-time reference
// with every byte value at every position of valid times (so each word's
// separators, digits and neighbours meet every byte, including those
// whose high nibble is 3 but are no digit, and those that would carry),
// and with every pair of bytes at the positions of two digits of a field.
func TestIsTime_Words(t *testing.T) {
	check := func(s []byte) {
		t.Helper()
		if got, want := isTime(s), isTimeRef(s); got != want {
			t.Fatalf("isTime(%q) = %v; want %v", s, got, want)
		}
	}
	for _, base := range []string{"2024-02-29T23:59:59Z", "2023-12-31 00:00:00.123456+23:59", "1999-01-01t09:09:09z"} {
		for p := range len(base) {
			for c := range 256 {
				s := []byte(base)
				s[p] = byte(c)
				check(s)
			}
		}
		for _, p := range [][2]int{{0, 1}, {2, 3}, {5, 6}, {8, 9}, {11, 12}, {14, 15}, {17, 18}} {
			for c := range 256 {
				for d := range 256 {
					s := []byte(base)
					s[p[0]], s[p[1]] = byte(c), byte(d)
					check(s)
				}
			}
		}
	}
}

// TestTimeCache_IsTime checks timeCache.isTime against isTime with every
// byte value at every position of times that share the date and hour of
// the time accepted before (the fast path) and of times that do not,
// after each of several accepted times, and after a rejected one (whose
// date and hour must not be remembered).
func TestTimeCache_IsTime(t *testing.T) {
	bases := []string{"2024-02-29T23:59:59Z", "2023-12-31 00:00:00.123456+23:59", "1999-01-01t09:09:09z", "2024-02-29T23:05:07.5-01:30"}
	for _, prime := range append(bases, "2024-02-30T23:59:59Z", "2024-02-28T24:59:59Z") {
		for _, base := range append(bases, prime) {
			for p := range len(base) + 1 {
				for c := range 256 {
					s := []byte(base)
					switch {
					case p < len(s):
						s[p] = byte(c)
					case c > 0:
						s = append(s, byte(c))
					}
					var tc timeCache
					tc.isTime([]byte(prime))
					if got, want := tc.isTime(s), isTime(s); got != want {
						t.Fatalf("after %q: isTime(%q) = %v; want %v", prime, s, got, want)
					}
					if got, want := tc.isTime([]byte(base)), isTime([]byte(base)); got != want {
						t.Fatalf("after %q and %q: isTime(%q) = %v; want %v", prime, s, base, got, want)
					}
				}
			}
			for _, p := range [][2]int{{14, 15}, {17, 18}} {
				for c := range 256 {
					for d := range 256 {
						s := []byte(base)
						s[p[0]], s[p[1]] = byte(c), byte(d)
						var tc timeCache
						tc.isTime([]byte(prime))
						if got, want := tc.isTime(s), isTime(s); got != want {
							t.Fatalf("after %q: isTime(%q) = %v; want %v", prime, s, got, want)
						}
					}
				}
			}
		}
	}
}

// FuzzIsTime checks isTime against the byte-at-a-time reference.
func FuzzIsTime(f *testing.F) {
	for _, s := range []string{"2024-03-05T10:11:12Z", "2024-03-05 10:11:12.5+02:00", "2024-13-05T10:11:12Z", "0000-00-00T00:00:00Z"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		if got, want := isTime(s), isTimeRef(s); got != want {
			t.Fatalf("isTime(%q) = %v; want %v", s, got, want)
		}
	})
}

// scanStringRef is the byte-at-a-time scanString that scanString and
// skipString must agree with on any input.
func scanStringRef(b []byte, i int) (end int, flags uint8, err error) {
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1, flags, nil
		case c == '\\':
			flags |= strEscaped
			j++
			if j < len(b) && b[j] >= 0x80 {
				flags |= strNonASCII
			}
		case c < 0x20: // a raw control character: bad whatever follows
			return 0, 0, errControl(b, j)
		case c >= 0x80:
			flags |= strNonASCII
		}
	}
	return 0, 0, errNeedMore
}

// sameErr compares errors by text (errControl makes a new value each time).
func sameErr(a, b error) bool {
	return a == b || a != nil && b != nil && a.Error() == b.Error()
}

func checkScanString(t *testing.T, in []byte) {
	t.Helper()
	if len(in) == 0 || in[0] != '"' {
		return
	}
	wantEnd, wantFlags, wantErr := scanStringRef(in, 0)
	end, flags, err := scanString(in, 0)
	if end != wantEnd || flags != wantFlags || !sameErr(err, wantErr) {
		t.Fatalf("scanString(%q) = %d, %b, %v; want %d, %b, %v", in, end, flags, err, wantEnd, wantFlags, wantErr)
	}
	if end, err = skipString(in, 0); end != wantEnd || !sameErr(err, wantErr) {
		t.Fatalf("skipString(%q) = %d, %v; want %d, %v", in, end, err, wantEnd, wantErr)
	}
}

func TestScanStringWords(t *testing.T) {
	tests := []string{
		`"abc",`,
		`"0123456\"`,
		`"01234567\"\"x"`,
		`"0123456\\"`,
		`"0123456\` + "\x80" + `"`,
		"\"0123456\xc3\xa9\",",
		"\"\x80\x80\x80\x80\x80\x80\x80\x80\x80\"",
		`"` + strings.Repeat("#", 20) + `"#"`, // a borrow after the quote
		`"` + strings.Repeat("ab\\n", 9) + `"`,
		`"unterminated 0123456789`,
	}
	for _, in := range tests {
		// Every prefix too, so each word boundary meets the buffer's end.
		for k := 1; k <= len(in); k++ {
			checkScanString(t, []byte(in[:k]))
		}
	}
}

// FuzzScanString checks scanString and skipString against the
// byte-at-a-time reference.
func FuzzScanString(f *testing.F) {
	for _, s := range []string{`"abc"`, `"a\"b\\"`, "\"h\xc3\xa9llo 01234567\"", `"x\` + "\xff" + `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkScanString(t, in)
	})
}

func TestJSONInput_DecodeString(t *testing.T) {
	tests := []struct {
		in   string // one JSON string; ¶ marks the error's byte
		want string
		err  string
	}{
		{`"plain"`, "plain", ""},
		{`"caf\u00e9 \"q\""`, `café "q"`, ""},
		{`"héllo"`, "héllo", ""},
		{"\"ab¶\xff\"", "", "expected valid UTF-8"},
		{`"a¶\x"`, "", "expected a valid escape"},
	}
	for _, tt := range tests {
		at := strings.Index(tt.in, "¶")
		b := []byte(strings.Replace(tt.in, "¶", "", 1))
		end, flags, err := scanString(b, 0)
		if err != nil {
			t.Fatalf("scanString(%q): %v", b, err)
		}
		in := &jsonInput{buf: b, scratch: []byte("earlier")}
		sp, bad, err := in.decodeString(b, 0, end, flags)
		switch {
		case tt.err == "" && (err != nil || string(in.bytesOf(sp)) != tt.want):
			t.Errorf("%q: got %q, %v; want %q", b, in.bytesOf(sp), err, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err) || bad != at || string(in.scratch) != "earlier"):
			t.Errorf("%q: got error %v at %d, scratch %q; want %q at %d, scratch kept", b, err, bad, in.scratch, tt.err, at)
		}
	}
}

func TestJSONInput_Fill(t *testing.T) {
	in := &jsonInput{src: iotest.TimeoutReader(strings.NewReader(strings.Repeat("x", 10))), buf: make([]byte, 0, 4)}
	if err := in.fill(0); err != nil || string(in.buf) != strings.Repeat("x", 10) {
		t.Fatalf("fill: %q, %v", in.buf, err)
	}
	in.pos = 6
	err := in.fill(8)
	if err == nil || in.pos != 0 || in.base != 8 || string(in.buf) != "xx" {
		t.Fatalf("got buf %q, pos %d, base %d, err %v; want the kept bytes and the read error", in.buf, in.pos, in.base, err)
	}
	if pe := in.readError("x.gz", err); !errors.Is(pe, ErrCorrupt) || pe.Offset != 10 {
		t.Errorf("got %v at %d; want a corrupt-input error at offset 10", pe, pe.Offset)
	}
	in = &jsonInput{src: strings.NewReader(""), buf: make([]byte, 0, 4)}
	if err := in.fill(0); err != nil || !in.eof {
		t.Errorf("empty input: err %v, eof %v; want eof", err, in.eof)
	}
	if pe := in.readError("x.gz", io.ErrUnexpectedEOF); !errors.Is(pe, ErrTruncated) {
		t.Errorf("got %v; want a truncated-input error", pe)
	}
}

// TestStringStop checks the lowest set bit of stringStop against a byte
// test, for every byte value at every position of a word after bytes that
// do not stop (so borrows and every kind of neighbour are met), and for
// every pair of bytes at two neighbouring positions.
func TestStringStop(t *testing.T) {
	stops := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }
	check := func(w [8]byte) {
		want := 8
		for k, c := range w {
			if stops(c) {
				want = k
				break
			}
		}
		x := binary.LittleEndian.Uint64(w[:])
		if got := bits.TrailingZeros64(stringStop(x)) >> 3; got != want {
			t.Fatalf("stringStop(% x): first stop at %d; want %d", w, got, want)
		}
	}
	for _, fill := range []byte{'a', 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xff} {
		for p := range 8 {
			for c := range 256 {
				w := [8]byte{fill, fill, fill, fill, fill, fill, fill, fill}
				w[p] = byte(c)
				check(w)
				for d := range 256 {
					if p < 7 {
						w[p+1] = byte(d)
						check(w)
					}
				}
			}
		}
	}
}

// skipValueRef is skipValue one byte at a time: the reference of
// FuzzSkipValue.
func skipValueRef(b []byte, i, depth int) (int, error) {
	if i >= len(b) || (b[i] != '{' && b[i] != '[') {
		return skipValue(b, i, depth) // scalars: checked by FuzzScanString
	}
	var stack []byte
	for ; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			end, _, err := scanStringRef(b, i)
			if err != nil {
				return 0, err
			}
			i = end - 1
		case '{', '[':
			if depth+len(stack) >= MaxDepth {
				return 0, errAt(i, errExpected(ErrTooDeep, "at most "+itoa(MaxDepth)+" levels of nesting", "deeper nesting"))
			}
			stack = append(stack, c)
		case '}', ']':
			open := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if open+2 != c {
				return 0, errAt(i, errExpected(ErrSyntax, "'"+string(open+2)+"'", quoteFound(b[i:i+1])))
			}
			if len(stack) == 0 {
				return i + 1, nil
			}
		}
	}
	return 0, errNeedMore
}

// FuzzSkipValue checks skipValue (skipContainer, which skips strings a
// word at a time in its own loop) against the byte-at-a-time reference:
// the same end, or the same error at the same place.
func FuzzSkipValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":"}"}],"c":"\"]"} tail`, `[{"x":"0123456789abcdef\u0041"}, "\` + "\x01" + `"]`,
		`{"k":"v` + "\n" + `"}`, `[[{]]`, `{"a":"b"`, `{"a":"01234567\`} {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"k":["` + strings.Repeat("x", 60) + `\"]", "\\"],"` + strings.Repeat("y", 70) + `":{}} `))
	f.Add([]byte(`[` + strings.Repeat(`"ab",`, 30) + `"c` + "\x01" + `"]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		checkSkip(t, in)
	})
}

// checkSkip checks skipValue, and both ways of skipping a container
// whatever the CPU, against the byte-at-a-time reference: the same end,
// or the same error at the same place.
func checkSkip(t *testing.T, in []byte) {
	t.Helper()
	for _, depth := range []int{0, MaxDepth - 2} {
		wantEnd, wantErr := skipValueRef(in, 0, depth)
		end, err := skipValue(in, 0, depth)
		if end != wantEnd || !sameErr(err, wantErr) || errAtOf(err) != errAtOf(wantErr) {
			t.Fatalf("skipValue(%q, depth %d) = %d, %v; want %d, %v", in, depth, end, err, wantEnd, wantErr)
		}
		if len(in) == 0 || (in[0] != '{' && in[0] != '[') {
			continue
		}
		for name, skip := range map[string]func([]byte, int, int) (int, error){
			"skipContainerBlocks": skipContainerBlocks, "skipContainerWords": skipContainerWords,
			"skipContainerBlocks without skipBlocks": skipContainerBlocksGo} {
			end, err := skip(in, 0, depth)
			if end != wantEnd || !sameErr(err, wantErr) || errAtOf(err) != errAtOf(wantErr) {
				t.Fatalf("%s(%q, depth %d) = %d, %v; want %d, %v", name, in, depth, end, err, wantEnd, wantErr)
			}
		}
	}
}

// skipContainerBlocksGo is skipContainerBlocks with every block in Go, as
// on CPUs without skipBlocksAVX2.
func skipContainerBlocksGo(b []byte, i, depth int) (int, error) {
	defer func(was bool) { useSkipBlocks = was }(useSkipBlocks)
	useSkipBlocks = false
	return skipContainerBlocks(b, i, depth)
}

// TestSkipContainer_Blocks puts each kind of byte that matters at every
// offset around the 64-byte block boundaries (after a string of pad
// bytes), and checks every prefix of the input, so each block and the
// buffer's end meet escapes, strings, brackets and errors.
func TestSkipContainer_Blocks(t *testing.T) {
	snippets := []string{
		`"a\"b",{"c":[1,"]"]}]`,      // an escaped quote, brackets in a string
		`"\\",["x"]]`,                // an escaped backslash before a quote
		`{"k":"v"},"}"]  tail`,       // ends mid-block
		`{"a":1]`,                    // mismatched bracket
		`"x` + "\n" + `y"]`,          // a control character in a string
		"{\n\t\"k\": [ ]\r\n}]",      // blank space outside strings
		`"` + "\xc3\xa9\x7f" + `|"]`, // UTF-8, DEL, '|' beside the bracket range
		`"{\"a\":[\"}\\\\\"]\"}"]`,   // escaped JSON in a string
		`"\\\\\\\\\"\\\\\"],"\\"]`,   // runs of backslashes, odd and even
		`\"a"]`,                      // a backslash outside a string escapes nothing
		`"a",\\["b"]]`,               // two of them
		`"\` + "\x01" + `"]`,         // an escaped control character
		`"q\"` + "\n" + `"]`,         // an escaped quote, then an error in the string
		`"q\"",\["b"],"` + strings.Repeat("z", 70) + `"]`, // an escaped quote, then a backslash outside
	}
	for _, sn := range snippets {
		for pad := range 140 {
			in := []byte(`["` + strings.Repeat("p", pad) + `",` + sn)
			for k := 1; k <= len(in); k++ {
				checkSkip(t, in[:k])
			}
		}
	}
	deep := strings.Repeat(`[ "`+strings.Repeat("d", 40)+`",`, MaxDepth+1)
	checkSkip(t, []byte(deep))
}

// TestBlockMasks checks blockMasks against the byte-at-a-time
// blockMasksGo: every byte value at every position of a block of each
// kind of filler.
func TestBlockMasks(t *testing.T) {
	for _, fill := range []byte{'a', '"', '\\', '{', 0x00, 0x1f, 0x20, 0x7f, 0x80, 0xff} {
		for pos := range 64 {
			for c := range 256 {
				var p [64]byte
				for k := range p {
					p[k] = fill
				}
				p[pos] = byte(c)
				q, bs, brk, ctl := blockMasks(&p)
				wq, wbs, wbrk, wctl := blockMasksGo(&p)
				if q != wq || bs != wbs || brk != wbrk || ctl != wctl {
					t.Fatalf("blockMasks(fill %#x, %#x at %d) = %x %x %x %x; want %x %x %x %x",
						fill, c, pos, q, bs, brk, ctl, wq, wbs, wbrk, wctl)
				}
			}
		}
	}
}

// TestEscapedBits checks escapedBits against a byte-at-a-time scan over
// blocks of backslashes (runs of every length across the block's ends)
// and random masks, with and without a carry.
func TestEscapedBits(t *testing.T) {
	ref := func(bs, carry uint64) (escaped, next uint64) {
		esc := carry == 1
		for k := range 64 {
			if esc {
				escaped |= 1 << k
				esc = false
				continue
			}
			esc = bs>>k&1 == 1
		}
		if esc {
			next = 1
		}
		return escaped, next
	}
	var masks []uint64
	for start := range 64 {
		for length := 1; start+length <= 64; length++ {
			masks = append(masks, (^uint64(0)>>(64-length))<<start)
		}
	}
	x := uint64(0x9e3779b97f4a7c15)
	for range 20000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		masks = append(masks, x, x&(x>>1), x&(x>>2)&(x>>3))
	}
	for _, bs := range masks {
		for _, carry := range []uint64{0, 1} {
			esc, next := escapedBits(bs, carry)
			wantEsc, wantNext := ref(bs, carry)
			if esc != wantEsc || next != wantNext {
				t.Fatalf("escapedBits(%064b, %d) = %064b, %d; want %064b, %d", bs, carry, esc, next, wantEsc, wantNext)
			}
		}
	}
}

func TestPrefixXor(t *testing.T) {
	for _, q := range []uint64{0, 1, 1 << 63, 0b1001, 0b110110, ^uint64(0), 0x8000000000000001} {
		var want uint64
		odd := false
		for k := range 64 {
			odd = odd != (q>>k&1 == 1)
			if odd {
				want |= 1 << k
			}
		}
		if got := prefixXor(q); got != want {
			t.Errorf("prefixXor(%064b) = %064b; want %064b", q, got, want)
		}
	}
}

// errAtOf is the buffer index of a scanError, -1 for other errors.
func errAtOf(err error) int {
	var se *scanError
	if errors.As(err, &se) {
		return se.at
	}
	return -1
}

// BenchmarkSkipContainer skips an array of records (rec1) and of records
// holding a policy document as escaped JSON, as IAM and S3 events do, with
// each way of skipping.
func BenchmarkSkipContainer(b *testing.B) {
	policy := `{"eventVersion":"1.08","eventName":"PutBucketPolicy","requestParameters":{"bucketPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AllowSSLRequestsOnly\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::b\",\"arn:aws:s3:::b/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}","bucketName":"b"}}`
	for _, in := range []struct{ name, rec string }{{"plain", rec1}, {"escaped", policy}} {
		input := []byte("[" + strings.Repeat(in.rec+",", 2000) + in.rec + "]")
		for name, skip := range map[string]func([]byte, int, int) (int, error){
			"blocks": skipContainerBlocks, "blocks-go": skipContainerBlocksGo, "words": skipContainerWords} {
			b.Run(in.name+"/"+name, func(b *testing.B) {
				b.SetBytes(int64(len(input)))
				for b.Loop() {
					if end, err := skip(input, 0, 0); end != len(input) || err != nil {
						b.Fatal(end, err)
					}
				}
			})
		}
	}
}

// TestStringStop32 checks stringStop32 (where the CPU has it) and
// skipString on its path: every byte value at every offset of the 32-byte
// chunks after j, with the window cut at every length, and strings of
// every length around the chunks, escapes included, against the
// byte-at-a-time reference.
func TestStringStop32(t *testing.T) {
	if useStringStop {
		checkStop32(t, "stringStop32", stringStop32, func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 },
			[]byte{'a', 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xff})
	}
	for n := range 140 {
		for _, stop := range []string{`"`, `\"x"`, `\\"`, "\x01\"", `\` + "\x01\""} {
			in := []byte(`"` + strings.Repeat("s", n) + stop + "  ")
			for k := 1; k <= len(in); k++ {
				checkScanString(t, in[:k])
			}
		}
	}
}

// checkStop32 checks a 32-byte stop search (name, fn) against stops,
// byte at a time: every byte value at every offset of the 32-byte chunks
// after j, in runs of each fill byte, with the window cut at every
// seventh length. fn must return the first stop at or after j, or not
// found with k at most the first stop and short of the window's last 32
// bytes.
func checkStop32(t *testing.T, name string, fn func([]byte, int) (int, bool), stops func(byte) bool, fills []byte) {
	t.Helper()
	for _, fill := range fills {
		for j := range 3 {
			for p := j; p < 100; p++ {
				for c := range 256 {
					b := bytes.Repeat([]byte{fill}, 100)
					b[p] = byte(c)
					for cut := j + 32; cut <= len(b); cut += 7 {
						w := b[:cut]
						first := j
						for first < len(w) && !stops(w[first]) {
							first++
						}
						k, found := fn(w, j)
						switch {
						case found && k != first,
							!found && (k+32 <= len(w) || k > first || k < j):
							t.Fatalf("%s(% x (len %d), %d) = %d, %v; first stop at %d", name, w, len(w), j, k, found, first)
						}
					}
				}
			}
		}
	}
}

// TestStringStopASCII32 checks stringStopASCII32 (where the CPU has it)
// as TestStringStop32 checks stringStop32, with bytes >= 0x80 stopping
// too, and scanString on its path: strings of every length around the
// chunks with a non-ASCII byte (valid or not) before, in or after the
// first chunk, and escapes after it, against the byte-at-a-time
// reference.
func TestStringStopASCII32(t *testing.T) {
	if useStringStop {
		checkStop32(t, "stringStopASCII32", stringStopASCII32, func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 || c >= 0x80 },
			[]byte{'a', 0x21, 0x23, 0x5b, 0x5d, 0x7f})
	}
	for n := range 140 {
		for _, mid := range []string{"\xc3\xa9", "\xff", "\xe2\x82"} {
			for _, m := range []int{0, n / 2, n} {
				for _, stop := range []string{`"`, `\"x"`, `\` + "\x80\"", "\x01\"", strings.Repeat("b", 40) + "\xc3\xa9\""} {
					in := []byte(`"` + strings.Repeat("s", m) + mid + strings.Repeat("s", n-m) + stop + "  ")
					for k := 1; k <= len(in); k += 1 + k/16 {
						checkScanString(t, in[:k])
					}
					checkScanString(t, in)
				}
			}
		}
	}
}
