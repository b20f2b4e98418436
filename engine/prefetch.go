package engine

import "unsafe"

// prefetchSlots hints the processor to bring slots s[idx[i]] into its
// caches, where a probe of each will read them soon: a batch of probes
// into a table larger than the caches then waits for its misses at
// once, not one after another. Only a hint: it reads nothing, changes
// nothing and cannot fault, whatever the indexes (see prefetchIdx).
//
// One call prefetches a window of rows (probeWindow): the call is not
// inlined, and a call per row cost what the prefetch saved.
func prefetchSlots[T any](s []T, idx []uint32) {
	if len(s) == 0 || len(idx) == 0 {
		return
	}
	var zero T
	// The one unsafe conversion: the pointer is only read by
	// PREFETCH, which never dereferences it architecturally.
	prefetchIdx(unsafe.Pointer(unsafe.SliceData(s)), unsafe.Sizeof(zero), idx)
}

// prefetchIdxGo is prefetchIdx for architectures without one in
// assembly: nothing (Go has no prefetch intrinsic). Probes work the same
// without the hint, only slower on large tables.
func prefetchIdxGo(base unsafe.Pointer, stride uintptr, idx []uint32) {}
