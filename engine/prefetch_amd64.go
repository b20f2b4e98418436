//go:build amd64 && !purego

package engine

import "unsafe"

// prefetchIdx issues PREFETCHT0 for the addresses base + idx[i]*stride
// (prefetch_amd64.s). A prefetch never faults, so an index past the
// slots only wastes the hint.
//
//go:noescape
func prefetchIdx(base unsafe.Pointer, stride uintptr, idx []uint32)
