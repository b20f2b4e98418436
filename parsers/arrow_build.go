package parsers

import (
	"encoding/binary"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// This file holds the column builders of the CloudTrail reader. They write
// straight into allocator buffers with inlinable appends: arrow-go's
// generic builders re-check capacity, dispatch through interfaces and
// update bitmaps through helpers on every value, which cost as much as
// parsing for the full 50-column schema. Each builder hands its buffers to
// the arrays it finishes and starts a new batch with fresh buffers.

// bitmap is a growable validity bitmap.
type bitmap struct {
	buf *memory.Buffer
	b   []byte // buf's whole capacity
}

// grow makes room for n bits, zeroing the new bytes.
func (bm *bitmap) grow(mem memory.Allocator, n int) {
	need := int(bitutil.BytesForBits(int64(n)))
	if need <= len(bm.b) {
		return
	}
	if bm.buf == nil {
		bm.buf = memory.NewResizableBuffer(mem)
	}
	old := len(bm.b)
	bm.buf.Reserve(max(need, 2*old, 64))
	bm.b = bm.buf.Buf()
	clear(bm.b[old:])
}

// finish returns the bitmap for n rows (nil when nulls is 0) and resets bm.
func (bm *bitmap) finish(mem memory.Allocator, n, nulls int) *memory.Buffer {
	if nulls == 0 || n == 0 {
		bm.reset()
		return nil
	}
	bm.grow(mem, n)
	buf := bm.buf
	buf.ResizeNoShrink(int(bitutil.BytesForBits(int64(n))))
	bm.buf, bm.b = nil, nil
	return buf
}

func (bm *bitmap) reset() {
	if bm.buf != nil {
		clear(bm.b)
	}
}

func (bm *bitmap) release() {
	if bm.buf != nil {
		bm.buf.Release()
		bm.buf, bm.b = nil, nil
	}
}

// strBuilder builds a utf8 array: validity, int32 offsets and the bytes.
type strBuilder struct {
	mem   memory.Allocator
	valid bitmap
	offs  *memory.Buffer
	o     []int32 // offsets; len(o)-1 rows fit
	data  *memory.Buffer
	d     []byte // data's whole capacity
	n     int
	nulls int
	// perRow is the data bytes per row of the last batch finished: reserve
	// sizes a new batch's data buffer with it, so a column of raw JSON
	// (~200 bytes a row) is not regrown and copied from 4 KiB up to its
	// size in every batch.
	perRow int
	// sparse: the column has values in few rows (WithOnlyIn), so the
	// rows so far do not project its size; it grows by doubling.
	sparse bool
}

func newStrBuilder(mem memory.Allocator) *strBuilder { return &strBuilder{mem: mem} }

// reserve makes room for rows more rows.
func (s *strBuilder) reserve(rows int) {
	if s.n+rows < len(s.o) {
		return
	}
	fresh := s.offs == nil
	if fresh {
		s.offs = memory.NewResizableBuffer(s.mem)
	}
	s.offs.Reserve(4 * max(s.n+rows+1, 2*len(s.o), 64))
	s.o = arrow.Int32Traits.CastFromBytes(s.offs.Buf())
	if fresh {
		s.o[0] = 0
	}
	s.valid.grow(s.mem, len(s.o))
	if s.data == nil && s.perRow > 0 && rows > 1 {
		s.growData(s.perRow * rows)
	}
}

// growData makes room for need bytes of data. Past a few rows it grows to
// what the rows so far project onto the rows reserved (plus an eighth):
// hunt reads each object with a new reader, so most batches are a
// reader's first, without perRow, and doubling from 4 KiB up to a column
// of raw JSON copied it over and over (arrow Reallocate was 0.35 s of a
// 13.4 s hunt run).
func (s *strBuilder) growData(need int) {
	size := max(need, 2*len(s.d), 4096)
	if s.n >= 16 && !s.sparse {
		proj := need * (len(s.o) - 1) / s.n
		size = max(size, proj+proj/8)
	}
	if r, ok := s.mem.(*Recycler); ok {
		// Fast path: a freed buffer, not zeroed (bytes are read only
		// once written), and only the bytes so far copied.
		d := r.alloc(size)
		if s.data != nil {
			copy(d, s.d[:s.o[s.n]])
			s.data.Release()
		}
		s.data = memory.NewBufferWithAllocator(d, r)
		s.d = d
		return
	}
	if s.data == nil {
		s.data = memory.NewResizableBuffer(s.mem)
	}
	s.data.Reserve(size)
	s.d = s.data.Buf()
}

// append adds one value.
func (s *strBuilder) append(v []byte) {
	if s.n+1 >= len(s.o) {
		s.reserve(1)
	}
	start := int(s.o[s.n])
	end := start + len(v)
	if end > len(s.d) {
		s.growData(end)
	}
	copy(s.d[start:end], v)
	s.o[s.n+1] = int32(end)
	s.valid.b[s.n>>3] |= 1 << (s.n & 7)
	s.n++
}

// appendNull adds one null.
func (s *strBuilder) appendNull() {
	if s.n+1 >= len(s.o) {
		s.reserve(1)
	}
	s.o[s.n+1] = s.o[s.n]
	s.nulls++
	s.n++
}

// padNulls appends nulls up to n rows in all.
func (s *strBuilder) padNulls(n int) {
	if s.n >= n {
		return
	}
	if n >= len(s.o) {
		s.reserve(n - s.n)
	}
	o := s.o[s.n : n+1]
	for i := 1; i < len(o); i++ {
		o[i] = o[0]
	}
	s.nulls += n - s.n
	s.n = n
}

// finish returns the array data of the rows so far and starts anew.
func (s *strBuilder) finish() *array.Data {
	s.reserve(0)
	if s.data == nil {
		s.growData(0)
	}
	n := s.n
	if n > 0 {
		s.perRow = (int(s.o[n]) + n - 1) / n
	}
	s.offs.ResizeNoShrink(4 * (n + 1))
	s.data.ResizeNoShrink(int(s.o[n]))
	d := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{s.valid.finish(s.mem, n, s.nulls), s.offs, s.data}, nil, s.nulls, 0)
	for _, b := range d.Buffers() {
		if b != nil {
			b.Release() // d holds them now
		}
	}
	s.offs, s.o, s.data, s.d = nil, nil, nil, nil
	s.n, s.nulls = 0, 0
	return d
}

func (s *strBuilder) release() {
	s.valid.release()
	if s.offs != nil {
		s.offs.Release()
	}
	if s.data != nil {
		s.data.Release()
	}
	s.offs, s.o, s.data, s.d = nil, nil, nil, nil
}

// dictBuilder builds a dictionary<int32, utf8> array whose dictionary holds
// the batch's distinct values in order of appearance.
type dictBuilder struct {
	mem   memory.Allocator
	valid bitmap
	idx   *memory.Buffer
	ix    []int32
	n     int
	nulls int
	dict  strBuilder
	ids   map[string]int32 // value → index in dict; reset per batch
	// seen is, per hash of a value's key, the slot of the last value
	// with that hash (id 0: none); reset per batch. A value of at most
	// 16 bytes is its key (textKey), so a hit needs no look at dict; a
	// longer one is checked against dict, so a collision only costs
	// the map lookup that a miss does.
	seen *[256]dictSlot // from dictSeenPool; back to it at release
}

// dictSeenPool holds dictBuilder.seen tables (6 KiB each), cleared: a
// reader builds one per dictionary column per object, and allocating
// them anew made 15 MB more garbage over the 2 GiB corpus (the library's
// peak RSS 200 → 215 MB, its heap growing to the run's memory limit).
var dictSeenPool = sync.Pool{New: func() any { return new([256]dictSlot) }}

// dictSlot is a dictionary entry as dictBuilder's caches hold it: its
// text's key (textKey) and length, and its index in the dictionary
// plus one (0: an empty slot).
type dictSlot struct {
	w0, w1 uint64
	n      int32
	id     int32
}

// textKey returns two words that, with its length, are v when v has at
// most 16 bytes (equal lengths and words are equal texts); a longer v's
// are its first and last eight bytes. Up to 3 bytes: bytes 0, n/2 and
// n-1 (all of them); 4 to 7: the first and the last four; 8 to 16: the
// first and the last eight.
func textKey(v []byte) (w0, w1 uint64) {
	switch n := len(v); {
	case n >= 8:
		return binary.LittleEndian.Uint64(v), binary.LittleEndian.Uint64(v[n-8:])
	case n >= 4:
		return uint64(binary.LittleEndian.Uint32(v)) | uint64(binary.LittleEndian.Uint32(v[n-4:]))<<32, 0
	case n > 0:
		return uint64(v[0]) | uint64(v[n/2])<<8 | uint64(v[n-1])<<16, 0
	}
	return 0, 0
}

// slotHash is seen's index for the key w0, w1 of a text of n bytes.
func slotHash(w0, w1 uint64, n int) uint8 {
	return uint8((w0 ^ w1<<7 ^ uint64(n)) * 0x9e3779b97f4a7c15 >> 56)
}

// isLong reports whether the dictionary's entry id, whose key is v's,
// holds v, a text of more than 16 bytes. (Not inlined: append's slow path.)
//
//go:noinline
func (d *dictBuilder) isLong(id int32, v []byte) bool {
	return sameLong(v, d.dict.d[d.dict.o[id]:d.dict.o[id+1]])
}

// sameLong reports whether a holds b's bytes, for texts of the same
// length above 16 whose first and last eight bytes are equal: the bytes
// between them as words (the last word may overlap the last eight),
// without a call to memequal.
func sameLong(a, b []byte) bool {
	n := len(a)
	if len(b) != n {
		return false
	}
	for k := 8; k < n-8; k += 8 {
		if binary.LittleEndian.Uint64(a[k:]) != binary.LittleEndian.Uint64(b[k:]) {
			return false
		}
	}
	return true
}

func newDictBuilder(mem memory.Allocator) *dictBuilder {
	return &dictBuilder{mem: mem, dict: strBuilder{mem: mem}, ids: make(map[string]int32), seen: dictSeenPool.Get().(*[256]dictSlot)}
}

func (d *dictBuilder) reserve(rows int) {
	if d.n+rows <= len(d.ix) {
		return
	}
	if d.idx == nil {
		d.idx = memory.NewResizableBuffer(d.mem)
	}
	d.idx.Reserve(4 * max(d.n+rows, 2*len(d.ix), 64))
	d.ix = arrow.Int32Traits.CastFromBytes(d.idx.Buf())
	d.valid.grow(d.mem, len(d.ix))
}

func (d *dictBuilder) append(v []byte) {
	if d.n >= len(d.ix) {
		d.reserve(1)
	}
	// Fast path: the value last seen with its key's hash (~150
	// distinct event names, regions or accounts a batch). Slow path
	// (miss): a map lookup that converts v without allocating; only a
	// new distinct value allocates its key, once per batch.
	w0, w1 := textKey(v)
	// The slot holds v if its key and length are v's (and it is not
	// empty): for a text of at most 16 bytes that says it, a longer one
	// is compared with the dictionary's.
	c := &d.seen[slotHash(w0, w1, len(v))]
	if (c.w0^w0)|(c.w1^w1)|uint64(int(c.n)^len(v)) != 0 || c.id == 0 || len(v) > 16 && !d.isLong(c.id-1, v) {
		d.miss(c, v, w0, w1)
	}
	d.ix[d.n] = c.id - 1
	d.valid.b[d.n>>3] |= 1 << (d.n & 7)
	d.n++
}

// miss makes the slot c hold v (key w0, w1), adding v to the
// dictionary if it is not there yet.
func (d *dictBuilder) miss(c *dictSlot, v []byte, w0, w1 uint64) {
	id, ok := d.ids[string(v)]
	if !ok {
		id = int32(d.dict.n)
		d.dict.append(v)
		d.ids[string(v)] = id
	}
	*c = dictSlot{w0: w0, w1: w1, n: int32(len(v)), id: id + 1}
}

func (d *dictBuilder) appendNull() {
	if d.n >= len(d.ix) {
		d.reserve(1)
	}
	d.ix[d.n] = 0
	d.nulls++
	d.n++
}

// padNulls appends nulls up to n rows in all.
func (d *dictBuilder) padNulls(n int) {
	if d.n >= n {
		return
	}
	if n > len(d.ix) {
		d.reserve(n - d.n)
	}
	clear(d.ix[d.n:n])
	d.nulls += n - d.n
	d.n = n
}

// appendRepeat adds n copies of v (the $path column).
func (d *dictBuilder) appendRepeat(v []byte, n int) {
	if n == 0 {
		return
	}
	d.append(v)
	d.reserve(n - 1)
	id := d.ix[d.n-1]
	for range n - 1 {
		d.ix[d.n] = id
		d.valid.b[d.n>>3] |= 1 << (d.n & 7)
		d.n++
	}
}

func (d *dictBuilder) finish() *array.Data {
	d.reserve(0)
	if d.idx == nil {
		d.reserve(1)
	}
	n := d.n
	d.idx.ResizeNoShrink(4 * n)
	dict := d.dict.finish()
	out := array.NewDataWithDictionary(dictString, n, []*memory.Buffer{d.valid.finish(d.mem, n, d.nulls), d.idx}, d.nulls, 0, dict)
	dict.Release()
	for _, b := range out.Buffers() {
		if b != nil {
			b.Release()
		}
	}
	d.idx, d.ix = nil, nil
	d.n, d.nulls = 0, 0
	clear(d.ids)
	clear(d.seen[:])
	return out
}

func (d *dictBuilder) release() {
	if d.seen != nil {
		clear(d.seen[:])
		dictSeenPool.Put(d.seen)
		d.seen = nil
	}
	d.valid.release()
	if d.idx != nil {
		d.idx.Release()
		d.idx, d.ix = nil, nil
	}
	d.dict.release()
}

// validBuilder counts rows and nulls of a struct.
type validBuilder struct {
	mem   memory.Allocator
	valid bitmap
	n     int
	nulls int
}

func (v *validBuilder) append(ok bool) {
	v.valid.grow(v.mem, v.n+1)
	if ok {
		v.valid.b[v.n>>3] |= 1 << (v.n & 7)
	} else {
		v.nulls++
	}
	v.n++
}

func (v *validBuilder) finish() (*memory.Buffer, int, int) {
	n, nulls := v.n, v.nulls
	buf := v.valid.finish(v.mem, n, nulls)
	v.n, v.nulls = 0, 0
	return buf, n, nulls
}

// offsetsBuilder builds the validity and int32 offsets of a list or map.
type offsetsBuilder struct {
	validBuilder
	offs *memory.Buffer
	o    []int32
}

// append adds one list of length elems (or a null list).
func (l *offsetsBuilder) append(ok bool, elems int) {
	if l.n+1 >= len(l.o) {
		fresh := l.offs == nil
		if fresh {
			l.offs = memory.NewResizableBuffer(l.mem)
		}
		l.offs.Reserve(4 * max(l.n+2, 2*len(l.o), 64))
		l.o = arrow.Int32Traits.CastFromBytes(l.offs.Buf())
		if fresh {
			l.o[0] = 0
		}
	}
	l.o[l.n+1] = l.o[l.n] + int32(elems)
	l.validBuilder.append(ok)
}

// finish returns the validity and offsets buffers, the rows and the nulls,
// and starts anew.
func (l *offsetsBuilder) finish() ([]*memory.Buffer, int, int) {
	if l.offs == nil {
		l.append(true, 0) // make the zero offset exist
		l.n, l.nulls = 0, 0
		l.valid.reset()
	}
	n := l.n
	valid, _, nulls := l.validBuilder.finish()
	offs := l.offs
	offs.ResizeNoShrink(4 * (n + 1))
	l.offs, l.o = nil, nil
	return []*memory.Buffer{valid, offs}, n, nulls
}

func (l *offsetsBuilder) release() {
	l.valid.release()
	if l.offs != nil {
		l.offs.Release()
		l.offs, l.o = nil, nil
	}
}
