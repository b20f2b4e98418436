package engine

import (
	"runtime"
	"slices"
	"strconv"
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
		{"empty runs, long", func() (vs []string) {
			for i := range 70 {
				vs = append(vs, strings.Repeat("w", max(0, i%5-2)))
			}
			return append(vs, "", "")
		}()},
		{"all empty, long", make([]string, 40)},
		{"nulls, long", func() (vs []string) {
			for i := range 60 {
				if i%7 == 3 {
					vs = append(vs, "<null>")
				} else {
					vs = append(vs, strings.Repeat("n", i%4))
				}
			}
			return vs
		}()},
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
	panics("offset past the buffer", func() { loadStrings(out, []int32{0, 7}, buf, nil, false) })
	panics("offsets decreasing", func() { loadStrings(out, []int32{3, 2}, buf, nil, false) })
	panics("offset past the buffer, through rows", func() { loadStrings(out, []int32{0, 2, 7}, buf, []int32{1}, false) })
	panics("offsets decreasing, through rows", func() { loadStrings(out, []int32{0, 4, 2}, buf, []int32{1}, false) })
	panics("row past the array", func() { loadStrings(out, []int32{0, 2, 4, 6}[:3], buf, []int32{2}, false) })
	panics("negative row", func() { loadStrings(out, []int32{0, 2, 4}, buf, []int32{-1}, false) })
	panics("negative offset", func() { loadStrings(out, []int32{-1, 2}, buf, nil, false) })

	// The same among enough values for the eight-value blocks, the bad
	// value first, inside and last of a block and in the tail.
	long := []byte(strings.Repeat("abcdefgh", 8))
	for _, at := range []int{0, 3, 7, 8, 12, 23, 37} {
		offs := make([]int32, 41)
		for i := range offs {
			offs[i] = int32(i)
		}
		rows := make([]int32, 40)
		for j := range rows {
			rows[j] = int32(j)
		}
		out := make([]string, 40)
		bad := slices.Clone(offs)
		bad[at+1] = 65 // past the buffer
		panics("offset past the buffer, long", func() { loadStrings(out, bad, long, nil, false) })
		panics("offset past the buffer, long, through rows", func() { loadStrings(out, bad, long, rows, false) })
		bad = slices.Clone(offs)
		bad[at+1] = int32(at) - 1 // decreasing
		panics("offsets decreasing, long", func() { loadStrings(out, bad, long, nil, false) })
		panics("offsets decreasing, long, through rows", func() { loadStrings(out, bad, long, rows, false) })
		bad = slices.Clone(offs)
		bad[at] = -1
		panics("negative offset, long", func() { loadStrings(out, bad, long, nil, false) })
		for _, r := range []int32{40, 1 << 30, -1} {
			badRows := slices.Clone(rows)
			badRows[at] = r
			panics("row outside the array, long", func() { loadStrings(out, offs, long, badRows, false) })
		}
	}
}

// TestLoadStrings_Collector loads strings over and over while the
// collector runs, and checks every value afterwards: the assembly
// stores string pointers without write barriers (see loadStrings), so
// a mistake in that reasoning would show as a freed buffer's bytes.
func TestLoadStrings_Collector(t *testing.T) {
	collectorRunning(t)
	out := make([]string, 200)
	rows := make([]int32, 200)
	for j := range rows {
		rows[j] = int32(2 * j)
	}
	for it := range 2000 {
		// A fresh buffer each time, referenced only by the loaded strings
		// and this frame, with garbage around it.
		vals := make([]string, 400)
		var sb strings.Builder
		offs := make([]int32, 401)
		for i := range vals {
			vals[i] = strconv.Itoa(it*1000 + i)
			sb.WriteString(vals[i])
			offs[i+1] = int32(sb.Len())
		}
		buf := []byte(sb.String())
		_ = make([]byte, 1<<12)
		if it%2 == 0 {
			loadStrings(out, offs, buf, rows, false)
		} else {
			loadStrings(out, offs, buf, nil, false)
		}
		buf = nil
		runtime.Gosched()
		_ = make([]byte, 1<<14)
		for j, s := range out {
			want := vals[j]
			if it%2 == 0 {
				want = vals[2*j]
			}
			if s != want {
				t.Fatalf("iteration %d: out[%d] = %q; want %q", it, j, s, want)
			}
		}
	}
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
