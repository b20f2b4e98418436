package engine

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestLoadStrings loads string arrays through loadArrow, every row and
// through row selections, and compares each value with the array's own
// Value: arrays sliced at offsets (the offsets then index the value buffer
// past its start), empty values first, last and in runs (an empty last
// value sits at the buffer's end), NULLs, and arrays whose every value is
// empty (no value buffer). Every string of a non-empty buffer must point
// inside it: an empty one at a byte of it, never past its end. Offsets
// outside the buffer and rows outside the array panic.
func TestLoadStrings(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cases := []struct {
		name string
		vals []string // "<null>" appends a NULL
	}{
		{"plain", []string{"10.0.0.1", "192.168.0.7", "a", "bc", "def"}},
		{"empty last", []string{"x", "yy", ""}},
		{"empty first", []string{"", "x", "yy"}},
		{"empty runs", []string{"", "", "a", "", "", "bb", "", ""}},
		{"nulls", []string{"<null>", "a", "<null>", "", "b", "<null>"}},
		{"all empty", []string{"", "", ""}},
		{"all null", []string{"<null>", "<null>"}},
		{"one", []string{"only"}},
		{"long", func() (vs []string) {
			for i := range 300 {
				vs = append(vs, strings.Repeat("v", i%17))
			}
			return vs
		}()},
	}
	for _, tc := range cases {
		b := array.NewStringBuilder(mem)
		for _, s := range tc.vals {
			if s == "<null>" {
				b.AppendNull()
			} else {
				b.Append(s)
			}
		}
		whole := b.NewStringArray()
		b.Release()
		for off := 0; off <= min(3, len(tc.vals)-1); off++ {
			for _, end := range []int{len(tc.vals), len(tc.vals) - 1} {
				if end <= off {
					continue
				}
				arr := array.NewSlice(whole, int64(off), int64(end)).(*array.String)
				n := arr.Len()
				var all, odd, last []int32
				for r := range int32(n) {
					all = append(all, r)
					if r%2 == 1 {
						odd = append(odd, r)
					}
				}
				last = []int32{int32(n - 1)}
				for _, rows := range [][]int32{nil, all, odd, last, {0}} {
					m := n
					if rows != nil {
						m = len(rows)
					}
					if m == 0 {
						continue
					}
					var a arena
					v := a.vec(nil, m)
					loadArrow(&a, v, arr, nil, rows, m)
					var buf []byte
					if bb := arr.Data().Buffers()[2]; bb != nil {
						buf = bb.Bytes()
					}
					for j := range m {
						r := j
						if rows != nil {
							r = int(rows[j])
						}
						want := arr.Value(r)
						if arr.IsNull(r) {
							want = ""
							if !v.isNull(j) {
								t.Errorf("%s [%d:%d] rows %v: row %d not NULL", tc.name, off, end, rows, r)
							}
						}
						if v.s[j] != want {
							t.Errorf("%s [%d:%d] rows %v: row %d = %q, want %q", tc.name, off, end, rows, r, v.s[j], want)
						}
						if len(buf) > 0 {
							p := uintptr(unsafe.Pointer(unsafe.StringData(v.s[j])))
							lo := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
							if p < lo || p >= lo+uintptr(len(buf)) {
								t.Errorf("%s [%d:%d] rows %v: row %d (%q) points outside the value buffer", tc.name, off, end, rows, r, v.s[j])
							}
						}
					}
				}
				arr.Release()
			}
		}
		whole.Release()
	}

	// Corrupt arrays and rows outside the array panic.
	panics := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	buf := []byte("abcdef")
	out := make([]string, 1)
	panics("offset past the buffer", func() { loadStrings(out, []int32{0, 7}, buf, nil) })
	panics("offsets decreasing", func() { loadStrings(out, []int32{3, 2}, buf, nil) })
	panics("offset past the buffer, through rows", func() { loadStrings(out, []int32{0, 2, 7}, buf, []int32{1}) })
	panics("offsets decreasing, through rows", func() { loadStrings(out, []int32{0, 4, 2}, buf, []int32{1}) })
	panics("row past the array", func() { loadStrings(out, []int32{0, 2, 4, 6}[:3], buf, []int32{2}) })
	panics("negative row", func() { loadStrings(out, []int32{0, 2, 4}, buf, []int32{-1}) })
	panics("negative offset", func() { loadStrings(out, []int32{-1, 2}, buf, nil) })
}

// TestStringHeaders checks that stringHeader is the layout of a Go string,
// which loadStrings writes through it.
func TestStringHeaders(t *testing.T) {
	if unsafe.Sizeof(stringHeader{}) != unsafe.Sizeof("") {
		t.Fatalf("stringHeader is %d bytes, a string %d", unsafe.Sizeof(stringHeader{}), unsafe.Sizeof(""))
	}
	b := []byte("hello, world")
	out := []string{"x", "y"}
	hs := stringHeaders(out)
	hs[0] = stringHeader{&b[7], 5}
	hs[1] = stringHeader{&b[0], 0}
	if out[0] != "world" || out[1] != "" {
		t.Fatalf("written through headers: %q", out)
	}
	if unsafe.StringData(out[0]) != &b[7] || len(out[0]) != 5 {
		t.Fatalf("string %q does not view its bytes", out[0])
	}
}
