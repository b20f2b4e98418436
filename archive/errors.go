package archive

import (
	"errors"
	"io"
	"strings"

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

// ObjectError is a failure to open one object: [Open], [OpenAt], [S3.Open],
// [S3.OpenAt] and [Progress] return it, so a caller tells which object
// failed with errors.As and URI, never by searching a message. Read errors
// are not wrapped: the parser reading the object positions them.
type ObjectError struct {
	URI string // the object's URI: "s3://bucket/key" or a local path
	Err error
}

// Error returns "URI: Err", or Err's message alone when it names URI
// already (as S3 errors and *fs.PathError do), so the URI is not repeated.
func (e *ObjectError) Error() string {
	msg := e.Err.Error()
	if e.URI == "" || names(msg, e.URI) {
		return msg
	}
	return e.URI + ": " + msg
}

// Unwrap returns the underlying error.
func (e *ObjectError) Unwrap() error { return e.Err }

// names reports whether msg mentions uri as a whole name, not as the
// start of a longer one ("a.json" is not named by "a.json.gz: …").
func names(msg, uri string) bool {
	for i := 0; ; {
		j := strings.Index(msg[i:], uri)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(uri)
		if (start == 0 || strings.IndexByte(" \"'(", msg[start-1]) >= 0) &&
			(end == len(msg) || strings.IndexByte(": \"')", msg[end]) >= 0) {
			return true
		}
		i = start + 1
	}
}

// objectErr returns err as an [*ObjectError] for uri: nil for nil, and an
// error that is one for uri already as it is.
func objectErr(uri string, err error) error {
	var oe *ObjectError
	if err == nil || errors.As(err, &oe) && oe.URI == uri {
		return err
	}
	return &ObjectError{URI: uri, Err: err}
}
