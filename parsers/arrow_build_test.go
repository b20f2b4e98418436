package parsers

import (
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestBuilders appends past every initial capacity, with and without nulls,
// over two batches, and checks values, nulls and that the allocator ends
// at zero.
func TestBuilders(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	s := newStrBuilder(mem)
	d := newDictBuilder(mem)
	var l offsetsBuilder
	l.mem = mem
	for batch, n := range []int{1000, 3} {
		for i := range n {
			v := []byte(strconv.Itoa(i*7) + "-" + string(make([]byte, i%5)))
			if i%3 == 0 {
				s.appendNull()
				d.appendNull()
				l.append(false, 0)
			} else {
				s.append(v)
				d.append([]byte("v" + strconv.Itoa(i%4)))
				l.append(true, i%2)
			}
		}
		sd, dd := s.finish(), d.finish()
		sa := array.MakeFromData(sd).(*array.String)
		da := array.MakeFromData(dd).(*array.Dictionary)
		sd.Release()
		dd.Release()
		bufs, ln, lnulls := l.finish()
		if sa.Len() != n || da.Len() != n || ln != n {
			t.Fatalf("batch %d: lengths %d, %d, %d; want %d", batch, sa.Len(), da.Len(), ln, n)
		}
		wantNulls := (n + 2) / 3
		if sa.NullN() != wantNulls || da.NullN() != wantNulls || lnulls != wantNulls {
			t.Errorf("batch %d: nulls %d, %d, %d; want %d", batch, sa.NullN(), da.NullN(), lnulls, wantNulls)
		}
		dict := da.Dictionary().(*array.String)
		for i := range n {
			if i%3 == 0 {
				if sa.IsValid(i) || da.IsValid(i) {
					t.Fatalf("batch %d row %d: want null", batch, i)
				}
				continue
			}
			if want := strconv.Itoa(i*7) + "-" + string(make([]byte, i%5)); sa.Value(i) != want {
				t.Fatalf("batch %d row %d: got %q; want %q", batch, i, sa.Value(i), want)
			}
			if want := "v" + strconv.Itoa(i%4); dict.Value(da.GetValueIndex(i)) != want {
				t.Fatalf("batch %d row %d: dict got %q; want %q", batch, i, dict.Value(da.GetValueIndex(i)), want)
			}
		}
		if dict.Len() > 4 {
			t.Errorf("batch %d: dictionary has %d values; want at most 4 (distinct per batch)", batch, dict.Len())
		}
		sa.Release()
		da.Release()
		for _, b := range bufs {
			if b != nil {
				b.Release()
			}
		}
	}
	// Unfinished rows are freed by release.
	s.append([]byte("x"))
	d.append([]byte("y"))
	l.append(true, 1)
	s.release()
	d.release()
	l.release()
}

// reallocCounter counts the Reallocate calls to its allocator and the
// bytes they copy.
type reallocCounter struct {
	memory.Allocator
	reallocs int
	copied   int
}

func (c *reallocCounter) Reallocate(size int, b []byte) []byte {
	c.reallocs++
	c.copied += len(b)
	return c.Allocator.Reallocate(size, b)
}

// TestStrBuilder_ReservesLastBatchBytes checks that a batch like the last
// one gets its data buffer at once: a column of raw JSON text (~200 bytes a
// row) is not regrown and copied from 4 KiB up in every batch.
func TestStrBuilder_ReservesLastBatchBytes(t *testing.T) {
	checked := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer checked.AssertSize(t, 0)
	mem := &reallocCounter{Allocator: checked}
	s := newStrBuilder(mem)
	v := make([]byte, 200)
	for batch := range 3 {
		mem.reallocs = 0
		s.reserve(1000)
		for range 1000 {
			s.append(v)
		}
		d := s.finish()
		a := array.MakeFromData(d).(*array.String)
		if n := a.ValueLen(999); n != 200 {
			t.Errorf("batch %d: last value of %d bytes; want 200", batch, n)
		}
		a.Release()
		d.Release()
		if batch > 0 && mem.reallocs != 0 {
			t.Errorf("batch %d: %d reallocations; want 0 after the first batch", batch, mem.reallocs)
		}
	}
	s.release()
}

// TestStrBuilder_ProjectsFirstBatch: a reader's first batch (no last batch
// to size it) grows its data buffer to what its first rows project onto
// the rows reserved, not by doubling from 4 KiB up, which copies about the
// column's size again: reallocations copy at most an eighth of it,
// whatever the values' size.
func TestStrBuilder_ProjectsFirstBatch(t *testing.T) {
	for _, size := range []int{20, 200, 2000} {
		checked := memory.NewCheckedAllocator(memory.NewGoAllocator())
		mem := &reallocCounter{Allocator: checked}
		s := newStrBuilder(mem)
		v := make([]byte, size)
		s.reserve(BatchRows)
		for i := range BatchRows {
			if i%3 == 0 {
				s.appendNull()
				continue
			}
			s.append(v[:size-i%7])
		}
		d := s.finish()
		data := d.Buffers()[2].Len()
		if d.Len() != BatchRows || mem.copied > data/8 {
			t.Errorf("%d-byte values: %d rows, %d reallocations copied %d bytes; want %d rows, at most %d bytes copied",
				size, d.Len(), mem.reallocs, mem.copied, BatchRows, data/8)
		}
		d.Release()
		s.release()
		checked.AssertSize(t, 0)
	}
}

// TestDictBuilder_Seen: values whose shortHash collide (2,000 distinct
// values, 256 hashes), appended in an order that alternates between
// them, each come back as themselves: a hit in seen is checked against
// the dictionary.
func TestDictBuilder_Seen(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	d := newDictBuilder(mem)
	var want []string
	for i := range 6000 {
		v := "value-" + strconv.Itoa(i*7919%2000)
		if i%3 == 0 {
			v = "v" + strconv.Itoa(i%5) // short values too
		}
		want = append(want, v)
		d.append([]byte(v))
	}
	data := d.finish()
	a := array.MakeFromData(data).(*array.Dictionary)
	data.Release()
	defer d.release()
	defer a.Release()
	dict := a.Dictionary().(*array.String)
	for i, w := range want {
		if got := dict.Value(a.GetValueIndex(i)); got != w {
			t.Fatalf("row %d: got %q; want %q", i, got, w)
		}
	}
	if dict.Len() != 2005 {
		t.Errorf("%d dictionary entries; want 2005", dict.Len())
	}
}

// TestDictBuilder_SeenReused: a released builder's seen table goes back
// to the pool cleared, so the next builder (which takes the same table)
// does not find the old builder's values at their old indexes.
func TestDictBuilder_SeenReused(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for round := range 3 {
		a := newDictBuilder(mem)
		for _, v := range []string{"ConsoleLogin", "AssumeRole", "GetObject"} {
			a.append([]byte(v))
		}
		a.release() // mid-batch, as a reader stopped by an error is
		b := newDictBuilder(mem)
		b.append([]byte("GetObject"))
		b.append([]byte("AssumeRole"))
		data := b.finish()
		arr := array.MakeFromData(data).(*array.Dictionary)
		data.Release()
		dict := arr.Dictionary().(*array.String)
		if dict.Len() != 2 || dict.Value(arr.GetValueIndex(0)) != "GetObject" || dict.Value(arr.GetValueIndex(1)) != "AssumeRole" {
			t.Errorf("round %d: dictionary %v, indexes %d %d; want [GetObject AssumeRole], 0 1", round, dict, arr.GetValueIndex(0), arr.GetValueIndex(1))
		}
		arr.Release()
		b.release()
	}
}

// TestTextKey: for every length up to 24, textKey with the length tells
// texts apart exactly up to 16 bytes (texts that differ in one byte at
// any position, or in length, have other keys), and the builder keeps
// apart texts longer than 16 bytes with the same first and last eight.
func TestTextKey(t *testing.T) {
	for n := 0; n <= 24; n++ {
		a := []byte(strings.Repeat("abcdefghij", 3)[:n])
		a0, a1 := textKey(a)
		if b0, b1 := textKey(append([]byte(nil), a...)); b0 != a0 || b1 != a1 {
			t.Errorf("textKey(%q) differs between copies", a)
		}
		if n > 16 {
			continue
		}
		for k := range n {
			c := append([]byte(nil), a...)
			c[k] ^= 0x20
			if c0, c1 := textKey(c); c0 == a0 && c1 == a1 {
				t.Errorf("textKey(%q) == textKey(%q)", a, c)
			}
		}
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	d := newDictBuilder(mem)
	defer d.release()
	long := "abcdefgh" + strings.Repeat("0123456789", 3) + "ijklmnop"
	want := []string{"abcdefgh-1-ijklmnop", "abcdefgh-2-ijklmnop", "abcdefgh-1-ijklmnop", "", "x", "", "abcdefgh-2-ijklmnop", "abcdefgh-22-ijklmnop",
		long, long[:20] + "X" + long[21:], long[:30] + "X" + long[31:], long}
	for _, v := range want {
		d.append([]byte(v))
	}
	data := d.finish()
	a := array.MakeFromData(data).(*array.Dictionary)
	data.Release()
	defer a.Release()
	dict := a.Dictionary().(*array.String)
	for i, w := range want {
		if got := dict.Value(a.GetValueIndex(i)); got != w {
			t.Errorf("row %d: got %q; want %q", i, got, w)
		}
	}
	if dict.Len() != 8 {
		t.Errorf("%d dictionary entries; want 8", dict.Len())
	}
}
