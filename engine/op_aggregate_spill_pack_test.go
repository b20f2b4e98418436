package engine

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// packEdge are strings on either side of what packs: addresses, IPv6,
// leading zeros, spaces, bytes whose low nibble is a dot's or a digit's
// ('>', '^', 0xb0), 16 and 17 bytes, empty.
var packEdge = []string{
	"10.0.0.1", "1.2.3.4", "255.255.255.255", "0.0.0.0", "010.0.0.1", "1.2.3.4 ", " 1.2.3.4", "1..2", ".", "0",
	"", "2001:db8::1", "::ffff:10.0.0.1", "fe80::1%eth0", "1234567890123456", "12345678901234567", "111111111111",
	"1>2", ">", "^.^", "1\xb0", "\x1e", "1.2.3.4\x00", "é", "1/2", "1:2", "256.256.256.256", "1.2.3.04",
	"10.0.0.1234567890", "-", "99999999", "1234567", "10.0.0.0/16", "2026/01/05", "-1", ",", "\x7f", ":9",
	"1.2.3x", "123:", "12.4 ", "abc1", "1.2.3.45", "1.2.3", "9\xff99", "1.2.3.4.5.6.7.8.", "12345678.", "1.2\x003",
	"10.0.0.12x", "255.255.255.25:", "1234567890123456\x00",
}

// TestSpillPack_Success: the strings of digits, dots and slashes of 1 to
// 16 bytes pack, and nothing else does.
func TestSpillPack_Success(t *testing.T) {
	for _, s := range packEdge {
		want := len(s) >= 1 && len(s) <= 16 && strings.Trim(s, "0123456789./") == ""
		if _, ok := spillPack(s); ok != want {
			t.Errorf("spillPack(%q): packs %v; want %v", s, ok, want)
		}
	}
}

// spillColumnRoundTrip writes rows sel of v as one column of a segment
// and reads it back into a fresh vec, failing t if a value or a NULL
// differs; it returns the bytes written.
func spillColumnRoundTrip(t testing.TB, v *vec, sel []int32) []byte {
	t.Helper()
	b := appendSpillColumn(nil, v, sel, nil)
	var a arena
	got := a.vec(v.t, len(sel))
	got.strs()
	var last []byte
	txt := make([]byte, 0, 1) // grows: earlier strings keep their array
	rest, ok := decodeSpillColumn(b, got, 0, len(sel), &last, &txt)
	if !ok || len(rest) != 0 {
		t.Fatalf("decoded %v with %d bytes left, of %q", ok, len(rest), b)
	}
	for r, i := range sel {
		if got.isNull(r) != v.isNull(int(i)) || !v.isNull(int(i)) && got.s[r] != v.s[i] {
			t.Errorf("row %d: got %q (null %v); want %q (null %v)", r, got.s[r], got.isNull(r), v.s[i], v.isNull(int(i)))
		}
	}
	// A truncated column is an error, never a panic.
	for cut := range len(b) {
		g := a.vec(v.t, len(sel))
		g.strs()
		if rest, ok := decodeSpillColumn(b[:cut], g, 0, len(sel), &last, &txt); ok && len(rest) == 0 {
			t.Errorf("column cut at %d of %d bytes: decoded", cut, len(b))
		}
	}
	return b
}

// TestSpillColumn_Packed: columns of addresses, with NULLs, IPv6 and any
// other string among them, read back byte for byte, and an IPv4 address
// takes a byte and its packed nibbles.
func TestSpillColumn_Packed(t *testing.T) {
	all := make([]int32, len(packEdge))
	for i := range all {
		all[i] = int32(i)
	}
	nulls := make([]bool, len(packEdge))
	for i := range nulls {
		nulls[i] = i%3 == 1
	}
	for _, tc := range []struct {
		name string
		v    *vec
		sel  []int32
		mode byte
	}{
		{"edge strings", &vec{t: tString, n: len(packEdge), s: packEdge}, all, spillPacked},
		{"edge strings, some NULL", &vec{t: tString, n: len(packEdge), s: packEdge, null: nulls}, all, spillPackedSomeNull},
		{"first NULL", &vec{t: tString, n: len(packEdge), s: packEdge, null: nulls}, []int32{1, 0, 2, 11}, spillPackedSomeNull},
		{"IPv6 first", &vec{t: tString, n: len(packEdge), s: packEdge}, []int32{11, 0, 12, 1}, spillPlain},
		{"empty first", &vec{t: tString, n: len(packEdge), s: packEdge}, []int32{10, 0}, spillPlain},
		{"one address", &vec{t: tString, n: len(packEdge), s: packEdge}, []int32{0}, spillConst},
		{"ipaddress", &vec{t: tIPAddress, n: len(packEdge), s: packEdge}, all, spillPacked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := spillColumnRoundTrip(t, tc.v, tc.sel)
			if b[0] != tc.mode {
				t.Errorf("mode %d; want %d", b[0], tc.mode)
			}
		})
	}
	// 4,096 addresses of 8 to 15 bytes: a byte and (length+1)/2.
	addrs := make([]string, 4096)
	text, want := 0, 1
	for i := range addrs {
		addrs[i] = "10." + strconv.Itoa(i%97) + "." + strconv.Itoa(i*13%256) + "." + strconv.Itoa(i*31%256)
		text += 1 + len(addrs[i])
		want += 1 + (len(addrs[i])+1)/2
	}
	sel := make([]int32, len(addrs))
	for i := range sel {
		sel[i] = int32(i)
	}
	if b := spillColumnRoundTrip(t, &vec{t: tString, n: len(addrs), s: addrs}, sel); len(b) != want {
		t.Errorf("4,096 addresses took %d bytes; want %d (as text: %d)", len(b), want, text)
	}
}

// TestSpillColumn_PackedCorrupt: a packed value whose nibble stands for
// no byte, or whose length is 0 or over 16, is an error.
func TestSpillColumn_PackedCorrupt(t *testing.T) {
	for _, b := range [][]byte{
		{spillPacked, 3, 0x1c}, // nibble 12
		{spillPacked, 3, 0xa1}, // nibble 10
		{spillPacked, 1},       // packed, no byte
		{spillPacked, 2*17 + 1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		{spillPacked, 5, 0x21},      // 2 nibbles, 1 byte... and no second value
		{spillPackedSomeNull, 0x01}, // row 0 NULL, row 1 missing
	} {
		var a arena
		v := a.vec(tString, 2)
		v.strs()
		var last, txt []byte
		if rest, ok := decodeSpillColumn(b, v, 0, 2, &last, &txt); ok && len(rest) == 0 {
			t.Errorf("%x: decoded %q", b, v.s)
		}
	}
}

// FuzzSpillColumn_Packed: any strings, NULL or not, read back as written.
func FuzzSpillColumn_Packed(f *testing.F) {
	for i := range len(packEdge) - 1 {
		f.Add(packEdge[i], packEdge[i+1], "10.1.2.3", uint8(i))
	}
	f.Fuzz(func(t *testing.T, s0, s1, s2 string, nulls uint8) {
		v := &vec{t: tString, n: 6, s: []string{s0, s1, s2, s2, s1, s0}, null: make([]bool, 6)}
		for i := range v.null {
			v.null[i] = nulls>>i&1 != 0
		}
		if nulls&0x80 != 0 {
			v.null = nil
		}
		spillColumnRoundTrip(t, v, []int32{0, 1, 2, 3, 4, 5})
		spillColumnRoundTrip(t, v, []int32{5, 2})
		if want := len(s0) >= 1 && len(s0) <= 16 && strings.Trim(s0, "0123456789./") == ""; want {
			if _, ok := spillPack(s0); !ok {
				t.Errorf("spillPack(%q) does not pack", s0)
			}
		} else if _, ok := spillPack(s0); ok {
			t.Errorf("spillPack(%q) packs", s0)
		}
	})
}

// BenchmarkSpillPack packs 4,096 flow-log addresses of 8 to 15 bytes.
// MB/s of address text.
func BenchmarkSpillPack(b *testing.B) {
	addrs := make([]string, 4096)
	n := 0
	for i := range addrs {
		addrs[i] = strconv.Itoa(i*7%256) + "." + strconv.Itoa(i%97) + "." + strconv.Itoa(i*13%256) + "." + strconv.Itoa(i*31%256)
		n += len(addrs[i])
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	defer reportCPU(b)()
	var sum uint64
	for b.Loop() {
		for _, s := range addrs {
			p, _ := spillPack(s)
			sum += p
		}
	}
	_ = sum
}

// BenchmarkSpillPackColumn writes a column of 4,096 flow-log addresses
// of 7 to 15 bytes in the packed mode, as a log's segment does. MB/s of
// address text.
func BenchmarkSpillPackColumn(b *testing.B) {
	addrs := make([]string, 4096)
	sel := make([]int32, len(addrs))
	n := 0
	for i := range addrs {
		addrs[i] = strconv.Itoa(i*7%256) + "." + strconv.Itoa(i%97) + "." + strconv.Itoa(i*13%256) + "." + strconv.Itoa(i*31%256)
		n += len(addrs[i])
		sel[i] = int32(i)
	}
	v := &vec{t: tString, n: len(addrs), s: addrs}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	defer reportCPU(b)()
	var buf []byte
	for b.Loop() {
		buf = appendSpillColumn(buf[:0], v, sel, nil)
	}
}

// TestSpillColumn_PackedRoom: addresses after text values that used up
// the room reserved for them read back, whatever room the block had
// (spillPackRun stops where fewer than 9 bytes are left).
func TestSpillColumn_PackedRoom(t *testing.T) {
	for _, l := range []int{9, 12, 17, 30} {
		for texts := 1; texts <= 6; texts++ {
			var vals []string
			for i := range texts {
				vals = append(vals, strings.Repeat(string(rune('a'+i)), l))
			}
			vals = append(vals, "10.0.0.1", "10.20.30.40", "1.2.3.4", "255.255.255.255", "10.0.0.2", "10.0.0.3")
			sel := make([]int32, len(vals))
			for i := range sel {
				sel[i] = int32(i)
			}
			// The first value decides the mode: an address first.
			sel[0], sel[texts] = sel[texts], sel[0]
			v := &vec{t: tString, n: len(vals), s: vals}
			for c := range 128 {
				b := appendSpillColumn(make([]byte, 0, c), v, sel, nil)
				if b[0] != spillPacked {
					t.Fatalf("mode %d; want spillPacked", b[0])
				}
				var a arena
				got := a.vec(tString, len(sel))
				got.strs()
				var last, txt []byte
				rest, ok := decodeSpillColumn(b, got, 0, len(sel), &last, &txt)
				if !ok || len(rest) != 0 {
					t.Fatalf("texts %d of %d bytes, room %d: decoded %v with %d bytes left", texts, l, c, ok, len(rest))
				}
				for r, i := range sel {
					if got.s[r] != vals[i] {
						t.Fatalf("texts %d of %d bytes, room %d: row %d: got %q; want %q", texts, l, c, r, got.s[r], vals[i])
					}
				}
			}
		}
	}
}

// checkSpillPackRun fails t unless spillPackRunAsm writes what
// spillPackRunGo writes for rows sel of strs into dst of room bytes,
// and stops at the same row.
func checkSpillPackRun(t *testing.T, strs []string, sel []int32, room int) {
	t.Helper()
	want, got := make([]byte, room), make([]byte, room)
	wk, wn := spillPackRunGo(want, strs, sel)
	gk, gn := spillPackRunAsm(got, strs, sel)
	if gk != wk || gn != wn || !bytes.Equal(got[:gn], want[:wn]) {
		t.Errorf("%q in %d bytes: asm %d rows, % x; want %d rows, % x", strs, room, gk, got[:gn], wk, want[:wn])
	}
}

// TestSpillPackRunAsm: the assembly writes what spillPackRunGo writes,
// stopping where it stops (a value of 3 or 17 bytes, a byte that does
// not pack at each position of each length, too little room), over the
// edge strings and every length of every digit, dot and slash position.
func TestSpillPackRunAsm(t *testing.T) {
	if !useSpillPackAsm {
		t.Skip("no assembly")
	}
	for i := range packEdge {
		for j := range packEdge {
			strs := []string{packEdge[i], packEdge[j], "10.0.0.1"}
			for room := 0; room <= 30; room++ {
				checkSpillPackRun(t, strs, []int32{0, 1, 2}, room)
			}
		}
	}
	// Each length 1 to 18, each byte position holding each byte value
	// that matters: the range's ends and their neighbours, digits, a
	// nibble of 10 to 13 (':' to '=').
	probe := []byte{'.' - 1, '.', '/', '0', '5', '9', '9' + 1, ';', '=', 0, 0x80, 0xae, 0xb9}
	for l := 1; l <= 18; l++ {
		base := []byte(strings.Repeat("0123456789./", 2)[:l])
		for pos := range l {
			for _, c := range probe {
				s := slices.Clone(base)
				s[pos] = c
				strs := []string{"1.2.3.4", string(s), "255.255.255.255"}
				checkSpillPackRun(t, strs, []int32{0, 1, 2, 1}, 40)
				checkSpillPackRun(t, strs, []int32{1}, 9)
			}
		}
	}
	// Rows in any order, repeated, through a long run.
	addrs := make([]string, 1000)
	sel := make([]int32, 3000)
	for i := range addrs {
		addrs[i] = strconv.Itoa(i*7%256) + "." + strconv.Itoa(i%97) + "/" + strconv.Itoa(i*13%256)
	}
	for i := range sel {
		sel[i] = int32(i * 17 % len(addrs))
	}
	checkSpillPackRun(t, addrs, sel, 9*len(sel))
	checkSpillPackRun(t, addrs, sel, 5000)
}

// FuzzSpillPackRunAsm: any strings, the assembly writes what
// spillPackRunGo writes.
func FuzzSpillPackRunAsm(f *testing.F) {
	if !useSpillPackAsm {
		f.Skip("no assembly")
	}
	for i := range len(packEdge) - 1 {
		f.Add(packEdge[i], packEdge[i+1], uint8(20))
	}
	f.Fuzz(func(t *testing.T, s0, s1 string, room uint8) {
		checkSpillPackRun(t, []string{s0, s1, "10.1.2.3"}, []int32{0, 2, 1, 2, 0}, int(room))
	})
}
