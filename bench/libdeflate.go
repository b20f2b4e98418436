//go:build libdeflate && cgo

package bench

/*
#cgo LDFLAGS: -ldeflate
#include <libdeflate.h>
*/
import "C"

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime"
	"unsafe"
)

const hasLibdeflate = true

// libdeflateState inflates whole objects with one libdeflate decompressor.
// libdeflate has no streaming API: the compressed object and its content
// are both held in memory, in buffers reused from object to object. Not
// safe for concurrent use: one per worker.
type libdeflateState struct {
	d   *C.struct_libdeflate_decompressor
	in  []byte // the compressed object, as read from disk
	out []byte // its content, all gzip members one after another
	r   bytes.Reader
}

func newLibdeflate() *libdeflateState {
	s := &libdeflateState{d: C.libdeflate_alloc_decompressor()}
	if s.d == nil {
		panic("BUG: libdeflate_alloc_decompressor: out of memory")
	}
	runtime.AddCleanup(s, func(d *C.struct_libdeflate_decompressor) { C.libdeflate_free_decompressor(d) }, s.d)
	return s
}

// open reads the file at path and returns its decompressed content, valid
// until the next call. Input that is not gzip is returned as it is.
func (s *libdeflateState) open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s.in = s.in[:0]
	for {
		if len(s.in) == cap(s.in) {
			s.in = append(s.in, 0)[:len(s.in)]
		}
		n, err := f.Read(s.in[len(s.in):cap(s.in)])
		s.in = s.in[:len(s.in)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	out, err := s.inflate(s.in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.r.Reset(out)
	return io.NopCloser(&s.r), nil
}

// inflate returns the content of the gzip file in (all its members), valid
// until the next call; input that is not gzip is returned as it is.
func (s *libdeflateState) inflate(in []byte) ([]byte, error) {
	if len(in) < 18 || in[0] != 0x1f || in[1] != 0x8b {
		return in, nil
	}
	// The last member's ISIZE is the whole content's size for the usual
	// single-member file; more members grow the buffer below.
	if size := int(binary.LittleEndian.Uint32(in[len(in)-4:])); cap(s.out) < size {
		s.out = make([]byte, size+size/8)
	}
	s.out = s.out[:cap(s.out)]
	rest, pos := in, 0
	for len(rest) > 0 {
		var inN, outN C.size_t
		var out unsafe.Pointer
		if pos < len(s.out) {
			out = unsafe.Pointer(&s.out[pos])
		}
		res := C.libdeflate_gzip_decompress_ex(s.d, unsafe.Pointer(&rest[0]), C.size_t(len(rest)),
			out, C.size_t(len(s.out)-pos), &inN, &outN)
		switch res {
		case C.LIBDEFLATE_SUCCESS:
			rest, pos = rest[inN:], pos+int(outN)
		case C.LIBDEFLATE_INSUFFICIENT_SPACE:
			s.out = append(s.out[:len(s.out)], make([]byte, len(s.out)+1<<20)...)
		default:
			return nil, fmt.Errorf("libdeflate: corrupt gzip stream at offset %d (result %d)", len(in)-len(rest), int(res))
		}
	}
	return s.out[:pos], nil
}
