package parsers

import (
	"math/bits"
	"sync"
)

// Recycler is a memory.Allocator that keeps the buffers freed to it and
// hands them out again, so that a reader building batch after batch (and
// reader after reader of one scan worker) builds them in the memory of the
// batches its consumers released instead of in fresh memory. Fresh memory
// costs twice: Go zeroes it (page faults first, for large buffers) and the
// collector has to run once the heap has grown by it; the 118 hunts of the
// library allocated ~230 MB over a 53 MB subset of the corpus, ~170 MB of
// it batch buffers, which made the run collect once.
//
// The contract it relies on is Arrow's: a buffer is freed when the last
// reference to it is released, and its memory is then no one's. A consumer
// that keeps a Go view of a batch's bytes (a string of its values, a slice
// of its offsets) past the batch's release would read the bytes of a later
// batch; every consumer in hunt keeps copies (or the batch, retained)
// instead, and the tests check it with a Recycler that overwrites what is
// freed (recyclePoison; `go test -tags huntpoison ./...` poisons every
// Recycler).
//
// Allocate returns zeroed memory, as Go's allocator does (Arrow's own
// builders rely on it), of a capacity rounded up to a quarter power of
// two so that buffers of similar sizes fit each other's requests. Free
// keeps at most max bytes; the rest goes to the collector. Safe for
// concurrent use: a batch may be released on another goroutine than the
// one reading.
type Recycler struct {
	mu   sync.Mutex
	free [recycleClasses][][]byte // by recycleClass of the capacity
	held int                      // bytes in free
	max  int
	// poison overwrites freed buffers (with 0xa5 bytes) before keeping
	// them: a view kept past its batch's release then reads garbage at
	// once, not only after the memory is built in again.
	poison bool
	// given and freed, kept only by a poisoning Recycler (tests), are
	// the buffers handed out and not back, and those in free, by their
	// first byte: a buffer freed twice panics, and given says which
	// were never freed.
	given map[*byte]int
	freed map[*byte]bool
}

// recycleMaxSize is the largest request a Recycler rounds and the
// largest buffer it keeps (a batch's buffers are a few MiB).
const recycleMaxSize = 256 << 20

// recycleClasses covers the capacities of requests up to recycleMaxSize
// rounded up.
const recycleClasses = 4 * 30

// recycleMin is the smallest capacity handed out: smaller requests (a
// bitmap of a few rows) get this much, so that they all share one class.
const recycleMin = 256

// DefaultRecycleBytes is what a Recycler of [NewRecycler] keeps at most:
// about two batches of the widest CloudTrail projection at BatchRows.
const DefaultRecycleBytes = 32 << 20

// NewRecycler returns a Recycler that keeps at most max bytes of freed
// buffers.
func NewRecycler(max int) *Recycler {
	if recyclePoison {
		return NewPoisonRecycler()
	}
	return &Recycler{max: max}
}

// NewPoisonRecycler returns a Recycler for tests of what consumes its
// batches: it overwrites the buffers freed to it with 0xa5 bytes (a view
// kept past its batch's release reads them at once), hands them out
// again without zeroing where a builder writes every byte it reads, keeps
// every one, and panics when a buffer is freed twice.
func NewPoisonRecycler() *Recycler {
	return &Recycler{max: 1 << 62, poison: true, given: map[*byte]int{}, freed: map[*byte]bool{}}
}

// recycleClass is the class of capacity c (c ≥ 1): four classes per
// power of two, by the two bits after the leading one. Every buffer of a
// class has at least recycleClassCap of it.
func recycleClass(c int) int {
	l := bits.Len(uint(c)) - 1 // c in [2^l, 2^(l+1))
	if l < 2 {
		return 4 * l
	}
	return 4*l + int(uint(c)>>(l-2)&3)
}

// recycleClassCap is the smallest capacity of class k.
func recycleClassCap(k int) int {
	l := k / 4
	if l < 2 {
		return 1 << l
	}
	return (4 + k%4) << (l - 2)
}

// roundCap is size rounded up to a class's smallest capacity.
func roundCap(size int) int {
	size = max(size, recycleMin)
	k := recycleClass(size)
	if c := recycleClassCap(k); c == size {
		return c
	}
	return recycleClassCap(k + 1)
}

// Allocate returns size zeroed bytes.
func (r *Recycler) Allocate(size int) []byte {
	b := r.alloc(size)
	clear(b)
	return b
}

// alloc is Allocate without the zeroing, for builders that write every
// byte they read.
func (r *Recycler) alloc(size int) []byte {
	if size > recycleMaxSize {
		return make([]byte, size) // not kept either (Free)
	}
	c := roundCap(size)
	k := recycleClass(c)
	r.mu.Lock()
	defer r.mu.Unlock()
	var b []byte
	// The request's class or up to a power of two larger.
	for j := k; j < min(k+5, recycleClasses) && b == nil; j++ {
		if l := r.free[j]; len(l) > 0 {
			b = l[len(l)-1]
			l[len(l)-1] = nil
			r.free[j] = l[:len(l)-1]
			r.held -= cap(b)
		}
	}
	if b == nil {
		b = make([]byte, c)
	}
	if r.poison {
		p := &b[:1][0]
		delete(r.freed, p)
		r.given[p] = cap(b)
	}
	return b[:size]
}

// Reallocate returns a buffer of size bytes starting with b's, the rest
// zero, and frees b.
func (r *Recycler) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		nb := b[:size]
		if size > len(b) {
			clear(nb[len(b):])
		}
		return nb
	}
	nb := r.alloc(size)
	n := copy(nb, b)
	clear(nb[n:])
	r.Free(b)
	return nb
}

// Free takes b back for later Allocate calls.
func (r *Recycler) Free(b []byte) {
	b = b[:cap(b)]
	if r.poison {
		for i := range b {
			b[i] = 0xa5
		}
	}
	if len(b) < recycleMin || len(b) > recycleMaxSize {
		return
	}
	k := recycleClass(len(b))
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.poison {
		p := &b[0]
		if r.freed[p] {
			panic("parsers: Recycler: a buffer freed twice")
		}
		delete(r.given, p)
		r.freed[p] = true
	}
	if r.held+len(b) <= r.max {
		r.free[k] = append(r.free[k], b)
		r.held += len(b)
	}
}

// Outstanding returns how many buffers a poisoning Recycler handed out
// that were not freed (0 for others).
func (r *Recycler) Outstanding() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.given)
}
