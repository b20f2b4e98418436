package archive

import (
	"errors"
	"io"

	"github.com/hunt-sec/hunt/parsers"
)

// ErrTruncated reports bytes that ended early: an S3 body shorter than its
// Content-Length or than the listed size (after all retries), a local file
// that shrank after it was listed, or a gzip or zstd stream cut short. It
// is [parsers.ErrTruncated] itself, so one errors.Is finds a short read
// whether the transport, the decompressor or a parser saw it. Errors of
// this class also wrap io.ErrUnexpectedEOF, which parsers take for a
// stream cut short. The messages stay those of each layer ("gzip:
// unexpected EOF", "truncated body at offset …").
var ErrTruncated = parsers.ErrTruncated

// truncatedError classifies err as [ErrTruncated] without changing its
// message.
type truncatedError struct{ err error }

// truncated returns err classified as [ErrTruncated] (nil for nil).
func truncated(err error) error {
	if err == nil || errors.Is(err, ErrTruncated) {
		return err
	}
	return &truncatedError{err}
}

func (e *truncatedError) Error() string { return e.err.Error() }

func (e *truncatedError) Unwrap() []error {
	return []error{e.err, ErrTruncated, io.ErrUnexpectedEOF}
}
