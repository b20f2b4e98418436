//go:build !(libdeflate && cgo)

package archive

import "sync"

// Built without -tags libdeflate (or without cgo): Purego and Klauspost.
const hasLibdeflate = false

type ldDecompressor struct{}

var ldPool sync.Pool

func (s *wholeState) inflateLD([]byte) ([]byte, bool) {
	panic("BUG: inflateLD without libdeflate")
}
