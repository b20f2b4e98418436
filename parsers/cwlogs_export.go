package parsers

import (
	"bytes"
	"io"
	"sort"
	"strconv"
	"strings"
)

// This file reads CloudWatch Logs export tasks (CreateExportTask to S3):
// gzip objects at PREFIX/TASK-ID/LOG-STREAM/000000.gz whose lines are a
// log event each, its ISO 8601 timestamp, a space and its message:
//
//	2024-03-05T10:00:00.000Z 2 111122223333 eni-0a1b2c3d 203.0.113.7 10.0.0.12 44312 22 6 10 840 1709629200 1709629260 REJECT OK
//
// As for subscription deliveries, the messages are flow-log lines (no
// header) or CloudTrail events, told by the first line (see
// [sniffExport]), and become the lines of that table's reader. The log
// stream is the key's folder after the task ID ([LogStreamColumn]); the
// export names neither the log group nor the owner.

// exportStamp returns the length of the ISO 8601 UTC timestamp and space
// line starts with ("2024-03-05T10:00:00.000Z "), or -1 and the index of
// the first byte that does not fit.
func exportStamp(line []byte) (int, int) {
	const layout = "dddd-dd-ddTdd:dd:dd"
	for i := 0; i < len(layout); i++ {
		if i >= len(line) {
			return -1, i
		}
		c := line[i]
		if layout[i] == 'd' && (c < '0' || c > '9') || layout[i] != 'd' && c != layout[i] {
			return -1, i
		}
	}
	i := len(layout)
	if i < len(line) && line[i] == '.' {
		i++
		j := i
		for i < len(line) && line[i] >= '0' && line[i] <= '9' && i-j < 9 {
			i++
		}
		if i == j {
			return -1, i
		}
	}
	if i >= len(line) || line[i] != 'Z' {
		return -1, i
	}
	if i+1 >= len(line) || line[i+1] != ' ' {
		return -1, i + 1
	}
	return i + 2, 0
}

// sniffExport reports whether head starts with an export task's line,
// and whether its message is a JSON object (a CloudTrail event).
func sniffExport(head []byte) (isExport, isJSON bool) {
	n, _ := exportStamp(head)
	if n < 0 {
		return false, false
	}
	return true, n < len(head) && head[n] == '{'
}

// exportStream returns the log stream an export task's object key names
// (PREFIX/TASK-ID/LOG-STREAM/NNNNNN.gz; stream names may hold '/'), or
// false.
func exportStream(source string) (string, bool) {
	segs := strings.Split(source, "/")
	for i := len(segs) - 3; i >= 0; i-- {
		if IsExportTaskID(segs[i]) {
			return strings.Join(segs[i+1:len(segs)-1], "/"), true
		}
	}
	return "", false
}

// IsExportTaskID reports whether s can be a CloudWatch Logs export task
// ID: a lower-case UUID (8-4-4-4-12 hex digits). archive's key parser
// recognises export objects by it too.
func IsExportTaskID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// cwExportLines is an io.Reader of the messages of an export task's
// lines. A line that does not start with a timestamp and a space is
// rejected with its position (kept in rejects; the first is Read's error
// in strict mode). JSON messages keep their place: the timestamp becomes
// blanks and a rejected line a blank line, so the CloudTrail reader's
// offsets are the object's. Flow-log messages lose the timestamp (their
// fields are positional) and rejected lines are dropped: runs records
// how to move the flow reader's positions back to the object's.
type cwExportLines struct {
	src    io.Reader
	source string
	isJSON bool
	strict bool
	buf    []byte // src's bytes not consumed yet start at pos
	pos    int
	base   int64 // src offset of buf[0]
	eof    bool
	out    []byte // messages not read yet start at outPos
	outPos int
	err    error
	line   int   // object lines read
	msgs   int   // message lines written (flow)
	msgOff int64 // message bytes written (flow)
	runs   []exportRun
	// rejects are the bad lines; rejected counts them.
	rejects  ErrorList
	rejected int64
}

// exportRun says where the message lines from msgLine on (1-based) are in
// the object, as long as every line drops a prefix of the same length and
// no line is skipped: line L of the messages is line L+lineShift of the
// object and its bytes lie byteShift+(L-msgLine)*prefix further on.
type exportRun struct {
	msgLine, lineShift int
	byteShift          int64
	prefix             int
}

func newCWExportLines(src io.Reader, source string, isJSON bool) *cwExportLines {
	return &cwExportLines{src: src, source: source, isJSON: isJSON, buf: make([]byte, 0, 64<<10)}
}

func (c *cwExportLines) Read(p []byte) (int, error) {
	for c.outPos == len(c.out) {
		if c.err != nil {
			return 0, c.err
		}
		c.out, c.outPos = c.out[:0], 0
		c.next()
	}
	n := copy(p, c.out[c.outPos:])
	c.outPos += n
	return n, nil
}

// next converts the buffered whole lines into c.out, or reads more.
func (c *cwExportLines) next() {
	for len(c.out) < readChunk {
		nl := bytes.IndexByte(c.buf[c.pos:], '\n')
		if nl < 0 {
			if len(c.out) > 0 {
				return
			}
			if !c.eof {
				if len(c.buf)-c.pos >= MaxRecordBytes {
					c.reject(c.pos, 1, errExpected(ErrTooLarge, "a line of at most "+strconv.Itoa(MaxRecordBytes>>20)+" MiB", "a longer one"), true)
					return
				}
				c.fill()
				continue
			}
			if c.pos == len(c.buf) {
				c.err = io.EOF
				return
			}
			nl = len(c.buf) - c.pos // the last line has no newline
		}
		c.line++
		start := c.pos
		line := c.buf[start : start+nl]
		c.pos = min(start+nl+1, len(c.buf))
		if len(bytes.TrimRight(line, "\r")) == 0 {
			c.skip(line) // a blank line holds no event
			continue
		}
		n, bad := exportStamp(line)
		if n < 0 {
			if bad < len("2024-03-05T10:00:00") {
				bad = 0 // no timestamp: the line's start
			}
			c.reject(start, bad+1, errExpected(ErrSyntax, "an ISO 8601 timestamp and a space (2024-03-05T10:00:00.000Z ...)", quoteFound(line[bad:min(len(line), bad+24)])), false)
			if c.err != nil {
				return
			}
			c.skip(line)
			continue
		}
		if c.isJSON {
			for range n {
				c.out = append(c.out, ' ')
			}
			c.out = append(c.out, line[n:]...)
			c.out = append(c.out, '\n')
			continue
		}
		c.msgs++
		shift := c.line - c.msgs
		if r := len(c.runs); r == 0 || c.runs[r-1].lineShift != shift || c.runs[r-1].prefix != n {
			c.runs = append(c.runs, exportRun{msgLine: c.msgs, lineShift: shift, byteShift: c.base + int64(start) - c.msgOff, prefix: n})
		}
		c.out = append(c.out, line[n:]...)
		c.out = append(c.out, '\n')
		c.msgOff += int64(len(line) - n + 1)
	}
}

// skip writes a blank line in place of line for JSON messages.
func (c *cwExportLines) skip(line []byte) {
	if c.isJSON {
		for range line {
			c.out = append(c.out, ' ')
		}
		c.out = append(c.out, '\n')
	}
}

// reject records a bad line at buf[start] with the error at column col;
// fatal errors (and all in strict mode) stop the read.
func (c *cwExportLines) reject(start, col int, err error, fatal bool) {
	e := &ParseError{Source: c.source, Line: c.line, Col: col, Offset: c.base + int64(start+col-1), Err: err}
	if fatal || c.strict {
		c.err = e
		c.out = c.out[:0]
		return
	}
	c.rejected++
	c.rejects.Add(e)
}

// fill drops the consumed bytes and reads more.
func (c *cwExportLines) fill() {
	n := copy(c.buf, c.buf[c.pos:])
	c.base += int64(c.pos)
	c.buf, c.pos = c.buf[:n], 0
	if cap(c.buf)-len(c.buf) < readChunk {
		nb := make([]byte, len(c.buf), 2*cap(c.buf)+readChunk)
		copy(nb, c.buf)
		c.buf = nb
	}
	m, err := io.ReadAtLeast(c.src, c.buf[len(c.buf):cap(c.buf)], 1)
	c.buf = c.buf[:len(c.buf)+m]
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		c.eof = true
	} else if err != nil {
		c.err = &ParseError{Source: c.source, Offset: c.base + int64(len(c.buf)), Err: errExpected(ErrCorrupt, "readable input", err.Error())}
		c.eof = true
	}
}

// move moves e, a position in the flow messages, to the object's.
func (c *cwExportLines) move(e *ParseError) {
	if c.isJSON || e.Line <= 0 || len(c.runs) == 0 {
		return
	}
	i := sort.Search(len(c.runs), func(i int) bool { return c.runs[i].msgLine > e.Line }) - 1
	if i < 0 {
		return
	}
	r := c.runs[i]
	e.Offset += r.byteShift + int64((e.Line-r.msgLine+1)*r.prefix)
	e.Line += r.lineShift
	if e.Col > 0 {
		e.Col += r.prefix
	}
}
