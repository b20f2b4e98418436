//go:build libdeflate && cgo

package archive

/*
#cgo LDFLAGS: -ldeflate
#include <libdeflate.h>
*/
import "C"

import (
	"encoding/binary"
	"runtime"
	"sync"
	"unsafe"
)

const hasLibdeflate = true

// ldDecompressor is one libdeflate decompressor.
type ldDecompressor = *C.struct_libdeflate_decompressor

var ldPool = sync.Pool{New: func() any {
	s := &wholeState{ld: C.libdeflate_alloc_decompressor()}
	if s.ld == nil {
		panic("archive: libdeflate_alloc_decompressor: out of memory")
	}
	runtime.AddCleanup(s, func(d ldDecompressor) { C.libdeflate_free_decompressor(d) }, s.ld)
	return s
}}

// inflateLD returns the content of all gzip members in in, valid until s
// is reused, or false when libdeflate rejects the stream or the content
// would exceed wholeMaxOut.
func (s *wholeState) inflateLD(in []byte) ([]byte, bool) {
	if len(in) < 18 { // shorter than any gzip member: let Klauspost say why
		return nil, false
	}
	// The last member's ISIZE is the content size of the usual
	// single-member object; more members grow the buffer below.
	size := int(binary.LittleEndian.Uint32(in[len(in)-4:]))
	if size > wholeMaxOut {
		return nil, false
	}
	if size = max(size, 64<<10); cap(s.out) < size {
		s.out = make([]byte, grownCap(size, cap(s.out), wholeMaxOut))
	}
	s.out = s.out[:cap(s.out)]
	rest, pos := in, 0
	for len(rest) > 0 {
		if pos == len(s.out) && !s.grow(pos) {
			return nil, false
		}
		var inN, outN C.size_t
		res := C.libdeflate_gzip_decompress_ex(s.ld, unsafe.Pointer(&rest[0]), C.size_t(len(rest)),
			unsafe.Pointer(&s.out[pos]), C.size_t(len(s.out)-pos), &inN, &outN)
		switch res {
		case C.LIBDEFLATE_SUCCESS:
			rest, pos = rest[inN:], pos+int(outN)
		case C.LIBDEFLATE_INSUFFICIENT_SPACE:
			if !s.grow(pos) {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return s.out[:pos], true
}

// grow doubles s.out, keeping its first n bytes, or reports false when it
// is at wholeMaxOut already.
func (s *wholeState) grow(n int) bool {
	if len(s.out) >= wholeMaxOut {
		return false
	}
	grown := make([]byte, min(2*len(s.out), wholeMaxOut))
	copy(grown, s.out[:n])
	s.out = grown
	return true
}
