package parsers

import (
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The text flow reader builds each column of a batch in Go slices (flowCol)
// and used to copy them into allocator buffers once per batch: 350 KiB of
// fresh memory per batch of a hunt's columns, half the bytes `hunt run`
// allocated over the library's 118 hunts (copyBuffer and the collections
// it brought were ~5 % of its CPU). handArray hands the slices themselves
// to the batch instead, and the column goes on in others:
//
//   - validity bits, integers, string offsets and dictionary indices come
//     back to the reader's flowHand when Arrow frees them (the batch's last
//     reference released: Next releases the reader's own, so a consumer
//     that keeps nothing gives them back before the next batch is built)
//     and the columns build later batches in them. Releasing a batch ends
//     its consumers' use of its memory (Arrow's contract; the engine
//     reads a batch only while it is pushed), and a batch retained stays
//     whole: its buffers are not reused until it is released.
//   - string bytes are handed over with the reader's allocator when it is
//     a [Recycler] (scan gives each worker one), which takes them back when
//     the batch is released, and the column goes on in a buffer it hands
//     out (released batches' bytes). Any other allocator gets them as Go
//     memory and they are never reused: the column goes on in a fresh
//     buffer of the same capacity (one allocation, no copy). Reuse relies
//     on consumers keeping no view of a batch's strings past its release
//     (scan.Func says so; arrow_mem.go's tests check it).
//
// The other handed slices are Go memory, not the reader's allocator's
// ([WithAllocator] still gets the dictionaries and the all-null columns):
// a CheckedAllocator sees the same nothing-left at the end, and the
// flowHand's count of buffers out says whether every batch came back.

// flowHandMax bounds the free buffers of each kind a flowHand keeps: two
// batches' worth of a reader of every column.
const flowHandMax = 2 * flowSpareCols

// flowHand holds the buffers batches handed back, by element type, for the
// columns' next batches. It goes from reader to reader with the columns
// (flowSpare). Safe for concurrent use: a consumer may release a batch on
// another goroutine, after the reader is released and its hand taken by
// the next reader.
type flowHand struct {
	mu  sync.Mutex // guards what follows
	b8  [][]byte   // validity bitmaps, full length
	b32 [][]int32  // int32 values, offsets and indices, full length
	b64 [][]int64  // int64 values, full length
	out int        // buffers handed to batches and not yet back
	// free8, free32 and free64 are the allocators the handed buffers
	// name: Arrow calls their Free with the buffer when the last
	// reference goes.
	free8  flowHandFree8
	free32 flowHandFree32
	free64 flowHandFree64
}

func newFlowHand() *flowHand {
	h := &flowHand{}
	h.free8.h, h.free32.h, h.free64.h = h, h, h
	return h
}

// outstanding returns how many handed buffers have not come back.
func (h *flowHand) outstanding() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.out
}

// take returns a free buffer from *list of at least n elements (resliced
// to n), or nil when none has room. The caller holds mu.
func take[T any](list *[][]T, n int) []T {
	l := *list
	for i := len(l) - 1; i >= 0; i-- {
		if b := l[i]; cap(b) >= n {
			last := len(l) - 1
			l[i], l[last] = l[last], nil
			*list = l[:last]
			return b[:n]
		}
	}
	return nil
}

// give puts b back on *list unless the list is full (then b is left to
// the collector). The caller holds mu.
func give[T any](list *[][]T, b []T) {
	if len(*list) < flowHandMax {
		*list = append(*list, b[:cap(b)])
	}
}

// hand8 hands the bitmap *b (its whole length) to a buffer and replaces
// *b with a free one of the same length, all zero.
func (h *flowHand) hand8(b *[]byte) *memory.Buffer {
	n := len(*b)
	buf := memory.NewBufferWithAllocator(*b, &h.free8)
	h.mu.Lock()
	h.out++
	nb := take(&h.b8, n)
	h.mu.Unlock()
	if nb == nil {
		nb = make([]byte, n)
	} else {
		clear(nb)
	}
	*b = nb
	return buf
}

// hand32 hands *b (its whole length) to a buffer and replaces *b with a
// free slice of the same length; its values are left as they were.
func (h *flowHand) hand32(b *[]int32) *memory.Buffer {
	n := len(*b)
	buf := memory.NewBufferWithAllocator(arrow.Int32Traits.CastToBytes(*b), &h.free32)
	h.mu.Lock()
	h.out++
	nb := take(&h.b32, n)
	h.mu.Unlock()
	if nb == nil {
		nb = make([]int32, n)
	}
	*b = nb
	return buf
}

// hand64 is hand32 for int64 values.
func (h *flowHand) hand64(b *[]int64) *memory.Buffer {
	n := len(*b)
	buf := memory.NewBufferWithAllocator(arrow.Int64Traits.CastToBytes(*b), &h.free64)
	h.mu.Lock()
	h.out++
	nb := take(&h.b64, n)
	h.mu.Unlock()
	if nb == nil {
		nb = make([]int64, n)
	}
	*b = nb
	return buf
}

// flowHandFree8, flowHandFree32 and flowHandFree64 are the allocators of
// the buffers a flowHand hands out, one per element type, so that Free
// knows what the bytes it gets back were. Arrow calls only Free on them;
// Allocate and Reallocate are Go's, for completeness.
type (
	flowHandFree8  struct{ h *flowHand }
	flowHandFree32 struct{ h *flowHand }
	flowHandFree64 struct{ h *flowHand }
)

func (f *flowHandFree8) Allocate(size int) []byte { return make([]byte, size) }
func (f *flowHandFree8) Reallocate(size int, b []byte) []byte {
	return append(make([]byte, 0, size), b[:min(len(b), size)]...)[:size]
}
func (f *flowHandFree8) Free(b []byte) {
	f.h.mu.Lock()
	f.h.out--
	give(&f.h.b8, b)
	f.h.mu.Unlock()
}

func (f *flowHandFree32) Allocate(size int) []byte { return make([]byte, size) }
func (f *flowHandFree32) Reallocate(size int, b []byte) []byte {
	return append(make([]byte, 0, size), b[:min(len(b), size)]...)[:size]
}
func (f *flowHandFree32) Free(b []byte) {
	f.h.mu.Lock()
	f.h.out--
	give(&f.h.b32, arrow.Int32Traits.CastFromBytes(b))
	f.h.mu.Unlock()
}

func (f *flowHandFree64) Allocate(size int) []byte { return make([]byte, size) }
func (f *flowHandFree64) Reallocate(size int, b []byte) []byte {
	return append(make([]byte, 0, size), b[:min(len(b), size)]...)[:size]
}
func (f *flowHandFree64) Free(b []byte) {
	f.h.mu.Lock()
	f.h.out--
	give(&f.h.b64, arrow.Int64Traits.CastFromBytes(b))
	f.h.mu.Unlock()
}

// handArray is newArray for the text reader: the array gets the column's
// own buffers, not copies (see the top of this file), and the column goes
// on in buffers from h. It resets the column.
func (c *flowCol) handArray(h *flowHand, mem memory.Allocator, typ arrow.DataType) arrow.Array {
	defer c.reset()
	n := c.n
	var validity *memory.Buffer
	if c.nulls > 0 {
		validity = h.hand8(&c.valid) // the new one is all zero, as reset leaves it
		defer validity.Release()
	}
	var bufs []*memory.Buffer
	switch c.kind {
	case flowKindInt32:
		bufs = []*memory.Buffer{validity, h.hand32(&c.i32)}
	case flowKindInt64:
		bufs = []*memory.Buffer{validity, h.hand64(&c.i64)}
	case flowKindString:
		offs := h.hand32(&c.offs)
		c.offs[0] = 0
		// The bytes go with the batch for good (Go memory, no allocator
		// to call); the column goes on in a fresh buffer as large, or,
		// when that is more than a full batch of this one's bytes per
		// row and an eighth takes, that large: a column kept from a
		// larger object's reader would otherwise give a small object's
		// every batch its largest buffer (53 KiB of addresses for 200
		// rows of 2.6 KiB).
		size := cap(c.data)
		if n > 0 {
			size = min(size, max(64, (len(c.data)/n+1)*(len(c.offs)-1)*9/8))
		}
		var data *memory.Buffer
		if r, ok := mem.(*Recycler); ok {
			// A Recycler takes the bytes back when the batch is
			// released (see arrow_mem.go) and gives the column
			// a freed buffer.
			data = memory.NewBufferWithAllocator(c.data, r)
			c.data = r.alloc(size)[:0]
		} else {
			data = memory.NewBufferBytes(c.data)
			c.data = make([]byte, 0, size)
		}
		bufs = []*memory.Buffer{validity, offs, data}
	default:
		bufs = []*memory.Buffer{validity, h.hand32(&c.idx)}
	}
	return c.arrayOf(mem, typ, n, bufs)
}
