//go:build libdeflate && cgo

package archive

/*
#cgo LDFLAGS: -ldeflate
#include <libdeflate.h>
*/
import "C"

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"sync"
	"unsafe"
)

const hasLibdeflate = true

// ldState is one libdeflate decompressor with the buffers of one object:
// its compressed bytes and its content. Pooled: a worker reuses the same
// buffers object after object, so inflating allocates nothing.
type ldState struct {
	d   *C.struct_libdeflate_decompressor
	in  []byte
	out []byte
	r   bytes.Reader // over out
}

var ldPool = sync.Pool{New: func() any {
	s := &ldState{d: C.libdeflate_alloc_decompressor()}
	if s.d == nil {
		panic("archive: libdeflate_alloc_decompressor: out of memory")
	}
	runtime.AddCleanup(s, func(d *C.struct_libdeflate_decompressor) { C.libdeflate_free_decompressor(d) }, s.d)
	return s
}}

// inflateWhole reads the gzip object in br whole and inflates it with
// libdeflate. An object over the size caps, a source that fails while
// being read, and a stream libdeflate rejects (corrupt, truncated, bad
// CRC, trailing garbage) are streamed through Klauspost instead, from the
// bytes already read, so they give the same content and errors as the
// pure-Go build. owned (nil: none) is br when it goes back to the pool
// once read.
func inflateWhole(br, owned *bufio.Reader) (io.ReadCloser, error) {
	s := ldPool.Get().(*ldState)
	in, err := readCapped(br, s.in[:0], wholeMaxIn)
	s.in = in
	switch {
	case err != nil:
		putBuf(owned)
		return s.stream(io.MultiReader(bytes.NewReader(in), errReader{err}), nil)
	case len(in) > wholeMaxIn:
		return s.stream(io.MultiReader(bytes.NewReader(in), br), owned)
	}
	putBuf(owned)
	out, ok := s.inflate(in)
	if !ok {
		return s.stream(bytes.NewReader(in), nil)
	}
	s.r.Reset(out)
	return &wholeReader{s: s}, nil
}

// readCapped appends r's bytes to buf until EOF or until buf holds more
// than limit bytes.
func readCapped(r io.Reader, buf []byte, limit int) ([]byte, error) {
	for len(buf) <= limit {
		if len(buf) == cap(buf) {
			buf = append(buf, make([]byte, max(64<<10, len(buf)))...)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):min(cap(buf), limit+1)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// inflate returns the content of all gzip members in in, valid until s is
// reused, or false when libdeflate rejects the stream or the content
// would exceed wholeMaxOut.
func (s *ldState) inflate(in []byte) ([]byte, bool) {
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
		s.out = make([]byte, min(size+size/8, wholeMaxOut))
	}
	s.out = s.out[:cap(s.out)]
	rest, pos := in, 0
	for len(rest) > 0 {
		if pos == len(s.out) && !s.grow(pos) {
			return nil, false
		}
		var inN, outN C.size_t
		res := C.libdeflate_gzip_decompress_ex(s.d, unsafe.Pointer(&rest[0]), C.size_t(len(rest)),
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
func (s *ldState) grow(n int) bool {
	if len(s.out) >= wholeMaxOut {
		return false
	}
	grown := make([]byte, min(2*len(s.out), wholeMaxOut))
	copy(grown, s.out[:n])
	s.out = grown
	return true
}

// stream inflates r with Klauspost; s (and owned) go back to the pools
// on Close.
func (s *ldState) stream(r io.Reader, owned *bufio.Reader) (io.ReadCloser, error) {
	zr, err := newGzip(r, owned)
	if err != nil {
		ldPool.Put(s)
		return nil, err
	}
	return &streamReader{ReadCloser: zr, s: s}, nil
}

// wholeReader reads an object inflated whole.
type wholeReader struct{ s *ldState }

func (w *wholeReader) Read(p []byte) (int, error) {
	if w.s == nil {
		return 0, errors.New("archive: read after Close")
	}
	return w.s.r.Read(p)
}

// WriteTo hands the content over without a copy through a caller's buffer.
func (w *wholeReader) WriteTo(dst io.Writer) (int64, error) {
	if w.s == nil {
		return 0, errors.New("archive: read after Close")
	}
	return w.s.r.WriteTo(dst)
}

func (w *wholeReader) Close() error {
	if w.s != nil {
		w.s.r.Reset(nil)
		ldPool.Put(w.s)
		w.s = nil
	}
	return nil
}

// streamReader is the Klauspost fallback over bytes held in s.
type streamReader struct {
	io.ReadCloser
	s *ldState
}

func (r *streamReader) Close() error {
	err := r.ReadCloser.Close()
	if r.s != nil {
		ldPool.Put(r.s)
		r.s = nil
	}
	return err
}

// errReader fails every Read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
