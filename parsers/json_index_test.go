package parsers

import (
	"strings"
	"testing"
)

// indexInputs are inputs whose blocks meet every case of the index:
// escapes across block ends, runs of backslashes, brackets and quotes in
// strings, and the bytes that stop a build.
func indexInputs() [][]byte {
	snippets := []string{
		`"a\"b",{"c":[1,"]"]}]`,
		`"\\",["x"]]`,
		`{"k":"v"},"}"]  tail`,
		`"x` + "\n" + `y"]`,
		"{\n\t\"k\": [ ]\r\n}]",
		`"` + "\xc3\xa9\x7f" + `|"]`,
		`"{\"a\":[\"}\\\\\"]\"}"]`,
		`"\\\\\\\\\"\\\\\"],"\\"]`,
		`\"a"]`,
		`"\` + "\x01" + `"]`,
		`"q\"` + "\n" + `"]`,
		`"q\"",\["b"],"` + strings.Repeat("z", 70) + `"]`,
		strings.Repeat(`\`, 63) + `"`,
	}
	var ins [][]byte
	for _, sn := range snippets {
		for pad := range 140 {
			ins = append(ins, []byte(`["`+strings.Repeat("p", pad)+`",`+sn+strings.Repeat(`{"k":["v"]}`, 20)))
		}
	}
	ins = append(ins, []byte(`{"Records":[`+rec1+`,`+rec2+`]}`))
	return ins
}

// TestIndexBlocks checks indexBlocks (the vector version where the CPU
// has one) against indexBlocksGo, block by block and in one call, from
// each carry state.
func TestIndexBlocks(t *testing.T) {
	x := uint64(0x9e3779b97f4a7c15)
	ins := indexInputs()
	alphabet := []byte{'"', '\\', '{', '}', '[', ']', 'a', ' ', 0x01, 0x1f, 0x20, 0x80, 0xff, ':', ','}
	for range 3000 {
		b := make([]byte, 64*8)
		for k := range b {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			b[k] = 'a'
			if x%4 == 0 {
				b[k] = alphabet[x>>8%uint64(len(alphabet))]
			}
		}
		ins = append(ins, b)
	}
	for _, in := range ins {
		n := len(in) >> 6
		for _, c0 := range []idxCarry{{}, {inStr: ^uint64(0)}, {esc: 1}, {inStr: ^uint64(0), esc: 1}} {
			wq, wb := make([]uint64, n), make([]uint64, n)
			gq, gb := make([]uint64, n), make([]uint64, n)
			wc, gc := c0, c0
			wn := indexBlocksGo(in, wq, wb, &wc)
			gn := indexBlocks(in, gq, gb, &gc)
			if gn != wn || gc != wc {
				t.Fatalf("indexBlocks(%q, %+v) = %d blocks, carry %+v; want %d, %+v", in, c0, gn, gc, wn, wc)
			}
			for k := range wn {
				if gq[k] != wq[k] || gb[k] != wb[k] {
					t.Fatalf("indexBlocks(%q, %+v) block %d = %x %x; want %x %x", in, c0, k, gq[k], gb[k], wq[k], wb[k])
				}
			}
		}
	}
}

// TestJSONIndex_SkipContainer checks the index's skipContainer and
// nextQuote against the byte-level scanners on every prefix of inputs
// that meet the block ends in every way: where the index answers, it
// answers as they do; where it cannot (an error, a byte it cannot
// describe, the window's end), it says so.
func TestJSONIndex_SkipContainer(t *testing.T) {
	for _, in := range indexInputs() {
		for k := 1; k <= len(in); k += 7 {
			b := in[:k]
			var x jsonIndex
			x.anchor(b, 0)
			got := x.skipContainer(b, 0, 0)
			want, err := skipContainer(b, 0, 0)
			if got >= 0 && (err != nil || got != want) {
				t.Fatalf("index skipContainer(%q) = %d; byte-level %d, %v", b, got, want, err)
			}
			if got < 0 && err == nil && len(b)-want >= 64 && !strings.ContainsAny(string(b[:want]), "\\\x00\x01\n") {
				t.Fatalf("index skipContainer(%q) = %d; byte-level %d", b, got, want)
			}
			// The string after the '[' and the quote that ends it.
			q := x.nextQuote(b, 2)
			end, err := skipString(b, 1)
			if q >= 0 && (err != nil || q != end-1) {
				t.Fatalf("nextQuote(%q, 2) = %d; skipString %d, %v", b, q, end, err)
			}
		}
	}
}

// TestJSONIndex_Anchor checks that an index kept from one record to the
// next answers as one built afresh at the next record.
func TestJSONIndex_Anchor(t *testing.T) {
	b := []byte(`[` + strings.Repeat(rec1+`,`+rec2+`,`, 10) + rec1 + `]` + strings.Repeat(" ", 64))
	var kept jsonIndex
	kept.anchor(b, 1)
	i := 1
	for i < len(b)-65 {
		kept.anchor(b, i)
		var fresh jsonIndex
		fresh.anchor(b, i)
		end := kept.skipContainer(b, i, 0)
		if want := fresh.skipContainer(b, i, 0); end != want || end < 0 {
			t.Fatalf("record at %d: kept index ends it at %d, fresh at %d", i, end, want)
		}
		for p := i; p < end; p++ {
			if kq, fq := kept.nextQuote(b, p), fresh.nextQuote(b, p); kq != fq {
				t.Fatalf("nextQuote(%d) = %d kept, %d fresh", p, kq, fq)
			}
			if q, ok := kept.quoteFrom(p); ok && q != kept.nextQuote(b, p) {
				t.Fatalf("quoteFrom(%d) = %d; nextQuote %d", p, q, kept.nextQuote(b, p))
			}
			if q := kept.nextQuoteSlow(b, p); q != kept.nextQuote(b, p) {
				t.Fatalf("nextQuoteSlow(%d) = %d; nextQuote %d", p, q, kept.nextQuote(b, p))
			}
		}
		i = end + 1
	}
}
