package parsers

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors for the classes of bad input callers branch on. A
// [ParseError] wraps one of them when it applies; match with errors.Is.
var (
	// ErrTruncated reports input that ended inside a value, a record or a
	// compressed stream.
	ErrTruncated = errors.New("truncated input")
	// ErrTooDeep reports JSON nested deeper than the reader's depth limit.
	ErrTooDeep = errors.New("nesting too deep")
	// ErrTooLarge reports a record, line or field beyond the reader's size limit.
	ErrTooLarge = errors.New("too large")
	// ErrSyntax reports input that is not well-formed for its format.
	ErrSyntax = errors.New("syntax error")
	// ErrType reports a value of the wrong type or shape for its field.
	ErrType = errors.New("wrong type")
	// ErrFormat reports input that is well-formed but not a supported format.
	ErrFormat = errors.New("unsupported format")
	// ErrCorrupt reports input that cannot be read, such as a compressed
	// stream with a bad checksum.
	ErrCorrupt = errors.New("corrupt input")
)

// ParseError is an error about input, positioned so a person can find the
// bad bytes: the source (path or S3 URI), the 1-based line and column (line
// formats), the byte offset in the decompressed stream and the record path
// (e.g. "Records[17].eventTime").
//
// Its message has the shape "source:line:col: path: expected X, found Y",
// which editors and grep understand.
type ParseError struct {
	Source string // path or S3 URI of the object
	Line   int    // 1-based line, 0 when unknown or not a line format
	Col    int    // 1-based column in bytes, 0 when unknown
	Offset int64  // byte offset in the decompressed stream
	Path   string // record index and field, e.g. "Records[17].eventTime"
	Err    error  // what went wrong, usually wrapping a sentinel
}

// Error implements error.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.Source)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Col))
		}
	} else {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString("offset ")
		b.WriteString(strconv.FormatInt(e.Offset, 10))
	}
	if e.Path != "" {
		b.WriteString(" (")
		b.WriteString(e.Path)
		b.WriteByte(')')
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// expectedError is the "expected X, found Y" detail of a [ParseError].
type expectedError struct {
	class    error  // sentinel for errors.Is
	expected string // what the format allows here
	found    string // what the input holds, already quoted or described
}

func (e *expectedError) Error() string {
	return "expected " + e.expected + ", found " + e.found
}

func (e *expectedError) Unwrap() error { return e.class }

// errExpected builds the "expected X, found Y" error of class.
func errExpected(class error, expected, found string) error {
	return &expectedError{class: class, expected: expected, found: found}
}

// quoteFound quotes input for an error message, keeping both ends when it is
// longer than 80 bytes so neither a long value nor a whole record is printed.
func quoteFound(b []byte) string {
	const max = 80
	if len(b) <= max {
		return strconv.Quote(string(b))
	}
	return strconv.Quote(string(b[:max/2])) + "..." + strconv.Quote(string(b[len(b)-max/2:]))
}

// ErrorList is the first bad records of a scan, in input order, plus how many
// more there were. It implements error so a scan can return it whole; the
// message prints the first error and the count.
type ErrorList struct {
	Errs    []*ParseError // the first Max errors
	Dropped int           // errors beyond Max, counted but not kept
	Max     int           // how many to keep; 0 means DefaultMaxErrors
}

// DefaultMaxErrors is how many ParseErrors an [ErrorList] keeps by default.
const DefaultMaxErrors = 100

// Add records e, keeping at most Max errors.
func (l *ErrorList) Add(e *ParseError) {
	max := l.Max
	if max == 0 {
		max = DefaultMaxErrors
	}
	if len(l.Errs) >= max {
		l.Dropped++
		return
	}
	l.Errs = append(l.Errs, e)
}

// Len returns how many errors were added, kept or not.
func (l *ErrorList) Len() int { return len(l.Errs) + l.Dropped }

// Err returns l as an error, or nil when it is empty.
func (l *ErrorList) Err() error {
	if l.Len() == 0 {
		return nil
	}
	return l
}

// Error implements error: the first error and how many others there were.
func (l *ErrorList) Error() string {
	switch n := l.Len(); n {
	case 0:
		return "no errors"
	case 1:
		return l.Errs[0].Error()
	default:
		return l.Errs[0].Error() + " (and " + strconv.Itoa(n-1) + " more errors)"
	}
}
