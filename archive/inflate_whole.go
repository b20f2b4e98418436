package archive

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"sync"
	"sync/atomic"
)

// Whole-object inflating (Purego, and Libdeflate in builds that have it):
// each gzip object is read whole and inflated into one buffer. Objects
// over the size caps, sources that fail while being read, and streams
// the whole-object inflater rejects (corrupt, truncated, bad CRC,
// trailing garbage) are streamed through Klauspost instead, from the
// bytes already read, so they give the same content and errors in every
// build and with every inflater.

// wholeState is one whole-object inflater with the buffers of one object:
// its compressed bytes and its content. Pooled: a worker reuses the same
// buffers object after object, so inflating allocates nothing.
type wholeState struct {
	in  []byte
	out []byte
	r   bytes.Reader // over out

	flate *flateDecoder  // Purego; nil for Libdeflate
	ld    ldDecompressor // Libdeflate
	pool  *sync.Pool     // where s goes back
}

var flatePool = sync.Pool{New: func() any { return &wholeState{flate: new(flateDecoder)} }}

// wholeFallbacks counts the objects a whole-object inflater handed to
// Klauspost (tests check that good objects never are).
var wholeFallbacks atomic.Int64

// inflateWhole reads the gzip object in br whole and inflates it with the
// whole-object inflater of pool. owned (nil: none) is br when it goes back
// to the pool once read.
func inflateWhole(br, owned *bufio.Reader, pool *sync.Pool) (io.ReadCloser, error) {
	s := pool.Get().(*wholeState)
	s.pool = pool
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
	var out []byte
	var ok bool
	if s.flate != nil {
		out, ok = s.inflateFlate()
	} else {
		out, ok = s.inflateLD(in)
	}
	if !ok {
		wholeFallbacks.Add(1)
		return s.stream(bytes.NewReader(s.in), nil)
	}
	s.r.Reset(out)
	return &wholeReader{s: s, out: out}, nil
}

// inflateFlate inflates s.in with Purego.
func (s *wholeState) inflateFlate() ([]byte, bool) {
	in := s.in
	if len(in) < 18 { // shorter than any gzip member: let Klauspost say why
		return nil, false
	}
	if cap(in)-len(in) < 8 { // the decoder's slack
		in = append(in, make([]byte, 8)...)[:len(in)]
		s.in = in
	}
	clear(in[len(in) : len(in)+8])
	// The last member's ISIZE is the content size of the usual
	// single-member object; more members grow the buffer.
	size := int(binary.LittleEndian.Uint32(in[len(in)-4:]))
	if size > wholeMaxOut {
		return nil, false
	}
	if need := size + 512; cap(s.out) < need {
		s.out = make([]byte, 0, grownCap(need, cap(s.out), wholeMaxOut+512))
	}
	s.flate.limit = wholeMaxOut
	out, err := s.flate.inflate(in, s.out[:0])
	if cap(out) > cap(s.out) {
		s.out = out[:0]
	}
	return out, err == nil && len(out) <= wholeMaxOut
}

// grownCap is the capacity of a new output buffer for need bytes when
// the one a worker has (of capacity had) is too small: an eighth more
// than need, and at least twice had, up to limit. Objects
// come in random sizes, and growing only to each new largest would
// allocate a buffer at every one of them (about ln n of n objects), each
// megabytes of fresh memory to fault in and zero.
func grownCap(need, had, limit int) int {
	return min(max(need+need/8, 2*had), limit)
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

// stream inflates r with Klauspost; s (and owned) go back to the pools
// on Close.
func (s *wholeState) stream(r io.Reader, owned *bufio.Reader) (io.ReadCloser, error) {
	zr, err := newGzip(r, owned)
	if err != nil {
		s.pool.Put(s)
		return nil, err
	}
	return &streamReader{ReadCloser: zr, s: s}, nil
}

// wholeReader reads an object inflated whole. Besides Read it hands the
// content over where it lies: Peek (as bufio.Reader's) lets callers sniff
// the content without a read-ahead buffer, and Contents lets a reader that
// parses bytes in place (parsers.VPCFlowReader, see parsers.InMemory) take
// them without a copy.
type wholeReader struct {
	s   *wholeState
	out []byte // the content; the last s.r.Len() bytes are unread
}

// unread returns the content not read yet.
func (w *wholeReader) unread() []byte { return w.out[len(w.out)-w.s.r.Len():] }

// Peek returns the next n bytes without consuming them, fewer with
// io.EOF at the end of the content. They are valid until Close.
func (w *wholeReader) Peek(n int) ([]byte, error) {
	if w.s == nil {
		return nil, errors.New("archive: read after Close")
	}
	b := w.unread()
	if n > len(b) {
		return b, io.EOF
	}
	return b[:n], nil
}

// Contents returns the content not read yet and consumes it. The bytes
// are the inflater's buffer: valid until Close, not to be modified.
func (w *wholeReader) Contents() []byte {
	if w.s == nil {
		return nil
	}
	b := w.unread()
	w.s.r.Reset(nil)
	return b
}

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
		w.s.pool.Put(w.s)
		w.s, w.out = nil, nil
	}
	return nil
}

// streamReader is the Klauspost fallback over bytes held in s.
type streamReader struct {
	io.ReadCloser
	s *wholeState
}

func (r *streamReader) Close() error {
	err := r.ReadCloser.Close()
	if r.s != nil {
		r.s.pool.Put(r.s)
		r.s = nil
	}
	return err
}

// errReader fails every Read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
