package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression is the compression of an object, detected from its first bytes.
type Compression uint8

const (
	// None is uncompressed input.
	None Compression = iota
	// Gzip is gzip (RFC 1952), single or multi-member.
	Gzip
	// Zstd is a Zstandard frame.
	Zstd
)

func (c Compression) String() string {
	switch c {
	case Gzip:
		return "gzip"
	case Zstd:
		return "zstd"
	default:
		return "none"
	}
}

var (
	magicGzip = []byte{0x1f, 0x8b}
	magicZstd = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// readBufferSize is the read-ahead on compressed input. 256 KiB amortises
// syscalls and S3 body reads without holding much per concurrent object.
const readBufferSize = 256 << 10

// Read-ahead buffers and Klauspost gzip readers (with their 32 KiB window
// and Huffman tables) are pooled: a real archive is mostly small objects
// (a CloudTrail file every 5 minutes per account and region), and
// allocating ~300 KiB to read each would cost more than inflating it.
var (
	bufPool  sync.Pool // *bufio.Reader of readBufferSize
	gzipPool sync.Pool // *gzip.Reader
)

// getBuf returns a pooled read-ahead buffer reading r.
func getBuf(r io.Reader) *bufio.Reader {
	br, _ := bufPool.Get().(*bufio.Reader)
	if br == nil {
		return bufio.NewReaderSize(r, readBufferSize)
	}
	br.Reset(r)
	return br
}

// putBuf returns br (nil: none) to the pool.
func putBuf(br *bufio.Reader) {
	if br != nil {
		br.Reset(nil)
		bufPool.Put(br)
	}
}

// Decompress detects the compression of r from its magic bytes (never from a
// name) and returns a reader of the decompressed bytes; gzip goes through
// [Inflater]. Close releases the decompressor (and its buffers, which the
// reader must not be used after); it does not close r. Errors from a
// corrupt or truncated stream surface from Read; a truncated stream is
// [ErrTruncated] (and wraps io.ErrUnexpectedEOF).
func Decompress(r io.Reader) (io.ReadCloser, Compression, error) {
	br, ok := r.(*bufio.Reader)
	var owned *bufio.Reader // br when it is ours, to pool on Close
	if !ok || br.Size() < 4 {
		br = getBuf(r)
		owned = br
	}
	head, err := br.Peek(4)
	if err != nil && !errors.Is(err, io.EOF) {
		putBuf(owned)
		return nil, None, err
	}
	switch {
	case bytes.HasPrefix(head, magicGzip):
		var rc io.ReadCloser
		switch Inflater() {
		case Purego:
			rc, err = inflateWhole(br, owned, &flatePool)
		case Libdeflate:
			rc, err = inflateWhole(br, owned, &ldPool)
		default:
			rc, err = newGzip(br, owned)
		}
		return rc, Gzip, err
	case bytes.HasPrefix(head, magicZstd):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			putBuf(owned)
			return nil, Zstd, fmt.Errorf("zstd header: %w", err)
		}
		return &zstdReadCloser{zr, owned}, Zstd, nil
	default:
		return &plainReader{br, owned}, None, nil
	}
}

// newGzip returns a Klauspost gzip reader of r (all members); owned (nil:
// none) goes back to the pool on Close or error.
func newGzip(r io.Reader, owned *bufio.Reader) (io.ReadCloser, error) {
	zr, _ := gzipPool.Get().(*gzip.Reader)
	if zr == nil {
		zr = new(gzip.Reader)
	}
	if err := zr.Reset(r); err != nil {
		gzipPool.Put(zr)
		putBuf(owned)
		return nil, classify("gzip header", eofToUnexpected(err))
	}
	return &gzipReadCloser{zr, owned}, nil
}

// classify prefixes a decompressor's error with what failed; a stream cut
// short (io.ErrUnexpectedEOF) becomes [ErrTruncated].
func classify(what string, err error) error {
	err = fmt.Errorf("%s: %w", what, err)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return truncated(err)
	}
	return err
}

func eofToUnexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

type gzipReadCloser struct {
	zr    *gzip.Reader
	owned *bufio.Reader
}

func (g *gzipReadCloser) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		err = classify("gzip", err)
	}
	return n, err
}

func (g *gzipReadCloser) Close() error {
	if g.zr == nil {
		return nil
	}
	err := g.zr.Close()
	gzipPool.Put(g.zr)
	putBuf(g.owned)
	g.zr, g.owned = nil, nil
	return err
}

type zstdReadCloser struct {
	zr    *zstd.Decoder
	owned *bufio.Reader
}

func (z *zstdReadCloser) Read(p []byte) (int, error) {
	n, err := z.zr.Read(p)
	if err != nil && err != io.EOF {
		err = classify("zstd", err)
	}
	return n, err
}

func (z *zstdReadCloser) Close() error {
	if z.zr != nil {
		z.zr.Close()
		putBuf(z.owned)
		z.zr, z.owned = nil, nil
	}
	return nil
}

// plainReader is uncompressed input read through br.
type plainReader struct {
	br    *bufio.Reader
	owned *bufio.Reader
}

func (p *plainReader) Read(b []byte) (int, error) {
	if p.br == nil {
		return 0, errors.New("archive: read after Close")
	}
	return p.br.Read(b)
}

func (p *plainReader) Close() error {
	putBuf(p.owned)
	p.br, p.owned = nil, nil
	return nil
}
