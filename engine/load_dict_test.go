package engine

import (
	"slices"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestLoadDict: loading dictionary-encoded columns converts a dictionary
// several batches share once, into a kept vec (isKept) handed to every
// later load of it, and a batch's own dictionary into a scratch vec; in
// every case the rows read the dictionary's values and NULL entries. A
// dictionary larger than its batch is kept at its first load, a smaller
// one at its second; a different dictionary with the same values is
// another one (its own kept vec); one replaced in the cache by
// dictCacheSize others is converted again, into a new kept vec, the old
// one's buffers reused once every batch released its dictionary (and
// the old vec left without strings, never showing the new values).
func TestLoadDict(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	typ := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	newDict := func(vals ...string) *array.String {
		b := array.NewStringBuilder(mem)
		defer b.Release()
		for _, v := range vals {
			if v == "<null>" {
				b.AppendNull()
			} else {
				b.Append(v)
			}
		}
		return b.NewStringArray()
	}
	batch := func(dict *array.String, codes ...int32) *array.Dictionary {
		b := array.NewInt32Builder(mem)
		defer b.Release()
		b.AppendValues(codes, nil)
		idx := b.NewInt32Array()
		defer idx.Release()
		return array.NewDictionaryArray(typ, idx, dict)
	}
	var a arena
	load := func(x *array.Dictionary) *vec {
		t.Helper()
		a.reset()
		v := a.vec(nil, x.Len())
		loadArrow(&a, v, x, nil, nil, x.Len())
		if v.dict == nil {
			t.Fatal("no dictionary vec")
		}
		dict := x.Dictionary().(*array.String)
		for i, c := range v.codes {
			j := x.GetValueIndex(i)
			if int(c) != j {
				t.Fatalf("row %d: code %d; want %d", i, c, j)
			}
			if v.dict.isNull(j) != dict.IsNull(j) || !dict.IsNull(j) && v.dict.s[j] != dict.Value(j) {
				t.Fatalf("row %d: entry %d %q (NULL %v); want %q (NULL %v)", i, j, v.dict.s[j], v.dict.isNull(j), dict.Value(j), dict.IsNull(j))
			}
		}
		return v.dict
	}
	// A shared dictionary of 5 entries under batches of 3 and 2 rows.
	shared := newDict("10.0.0.1", "<null>", "10.0.0.2", "", "10.0.0.1")
	b1, b2, b3 := batch(shared, 0, 2, 4), batch(shared, 3, 1), batch(shared, 2, 2)
	d1 := load(b1)
	if !d1.isKept {
		t.Fatal("a dictionary larger than its batch is not kept at its first load")
	}
	if d2 := load(b2); d2 != d1 {
		t.Fatal("a shared dictionary's second load gives another vec")
	}
	// Its twin: the same values, another dictionary.
	twin := newDict("10.0.0.1", "<null>", "10.0.0.2", "", "10.0.0.1")
	b4 := batch(twin, 0, 1, 2, 3, 4, 0)
	if d := load(b4); d == d1 || d.isKept {
		t.Fatalf("another dictionary of the same values: kept %v, the first one's vec %v", d.isKept, d == d1)
	}
	b5 := batch(twin, 4, 3, 2, 1, 0, 0, 0)
	d5 := load(b5)
	if !d5.isKept || d5 == d1 {
		t.Fatalf("a dictionary no larger than its batch, at its second load: kept %v, the first one's vec %v", d5.isKept, d5 == d1)
	}
	if d := load(b3); d != d1 {
		t.Fatal("the shared dictionary's third load gives another vec")
	}
	// Every batch of twin released, its kept vec's buffers go to the
	// next one kept.
	twin.Release()
	b4.Release()
	b5.Release()
	fresh := newDict("x", "y", "z", "w")
	b7 := batch(fresh, 3)
	d7 := load(b7)
	if !d7.isKept || d5.s != nil || d5.sb != nil {
		t.Fatalf("a dictionary gone: its vec keeps %d strings (the next kept: %v)", len(d5.s), d7.isKept)
	}
	if got := d7.s; !slices.Equal(got, []string{"x", "y", "z", "w"}) {
		t.Fatalf("kept vec in reused buffers: %q", got)
	}
	if d := load(b3); d != d1 {
		t.Fatal("the shared dictionary's fourth load gives another vec")
	}
	// dictCacheSize other dictionaries replace it.
	for i := range dictCacheSize {
		o := newDict("a"+strconv.Itoa(i), "b"+strconv.Itoa(i), "c")
		x := batch(o, 0, 1)
		o.Release()
		load(x)
		x.Release()
	}
	b6 := batch(shared, 1, 0)
	if d := load(b6); d == d1 || !d.isKept {
		t.Fatalf("a dictionary replaced, loaded again: kept %v, its old vec %v", d.isKept, d == d1)
	}
	// A batch's own dictionary, no larger than the batch, seen once.
	own := newDict("p", "q")
	b8 := batch(own, 1, 0, 1)
	own.Release()
	if d := load(b8); d.isKept {
		t.Fatal("a dictionary seen once, no larger than its batch, is kept")
	}
	// An empty dictionary (every row NULL) is never kept.
	empty := newDict()
	nb := array.NewInt32Builder(mem)
	nb.AppendNull()
	idx := nb.NewInt32Array()
	nb.Release()
	b9 := array.NewDictionaryArray(typ, idx, empty)
	idx.Release()
	empty.Release()
	for range 2 {
		a.reset()
		v := a.vec(nil, 1)
		loadArrow(&a, v, b9, nil, nil, 1)
		if v.dict.isKept || !v.isNull(0) {
			t.Fatalf("an empty dictionary: kept %v, row NULL %v", v.dict.isKept, v.isNull(0))
		}
	}
	for _, x := range []*array.Dictionary{b1, b2, b3, b6, b7, b8, b9} {
		x.Release()
	}
	shared.Release()
	fresh.Release()
}
