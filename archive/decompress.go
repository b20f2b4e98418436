package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

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

// Decompress detects the compression of r from its magic bytes (never from a
// name) and returns a reader of the decompressed bytes. Close releases the
// decompressor; it does not close r. Errors from a corrupt or truncated
// stream surface from Read; a truncated stream wraps io.ErrUnexpectedEOF.
func Decompress(r io.Reader) (io.ReadCloser, Compression, error) {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 4 {
		br = bufio.NewReaderSize(r, readBufferSize)
	}
	head, err := br.Peek(4)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, None, err
	}
	switch {
	case bytes.HasPrefix(head, magicGzip):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, Gzip, fmt.Errorf("gzip header: %w", eofToUnexpected(err))
		}
		return &gzipReadCloser{zr}, Gzip, nil
	case bytes.HasPrefix(head, magicZstd):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, Zstd, fmt.Errorf("zstd header: %w", err)
		}
		return &zstdReadCloser{zr}, Zstd, nil
	default:
		return io.NopCloser(br), None, nil
	}
}

func eofToUnexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

type gzipReadCloser struct{ zr *gzip.Reader }

func (g *gzipReadCloser) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("gzip: %w", err)
	}
	return n, err
}

func (g *gzipReadCloser) Close() error { return g.zr.Close() }

type zstdReadCloser struct{ zr *zstd.Decoder }

func (z *zstdReadCloser) Read(p []byte) (int, error) {
	n, err := z.zr.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("zstd: %w", err)
	}
	return n, err
}

func (z *zstdReadCloser) Close() error {
	z.zr.Close()
	return nil
}
