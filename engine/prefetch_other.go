//go:build !amd64 || purego

package engine

import "unsafe"

// prefetchIdx is a no-op where no assembly issues prefetches (see
// prefetchIdxGo), and with the purego build tag, which tests the batched
// probes without hints on amd64 too.
func prefetchIdx(base unsafe.Pointer, stride uintptr, idx []uint32) {
	prefetchIdxGo(base, stride, idx)
}
