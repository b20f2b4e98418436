package parsers

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"strconv"
)

// This file unwraps CloudWatch Logs subscription deliveries (CloudWatch
// Logs → Firehose → S3): objects of concatenated JSON envelopes, often
// without a newline between them and sometimes gzip inside gzip,
//
//	{"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"vpc-flow",
//	 "logStream":"eni-0a1b-all","subscriptionFilters":["to-firehose"],
//	 "logEvents":[{"id":"3795...","timestamp":1709629200000,"message":"2 111122223333 eni-0a1b ..."}]}
//
// whose messages are flow-log lines (no header) or CloudTrail events. The
// messages become the lines the flow-log or CloudTrail reader reads, so
// they land in the vpc_flow or cloudtrail table: the first message of the
// object tells which (see [sniffCWLogs]). CONTROL_MESSAGE envelopes (the
// subscription's health checks) yield no line. The envelope's logGroup,
// logStream and owner are not kept.

// cwContent is what the messages of a CloudWatch Logs delivery are.
type cwContent uint8

const (
	cwNone       cwContent = iota // not a CloudWatch Logs delivery
	cwFlow                        // flow-log lines (or no message seen)
	cwCloudTrail                  // CloudTrail events
)

var gzipMagic = []byte{0x1f, 0x8b}

// sniffCWLogs reports whether head (the first bytes of an object, maybe
// gzip-compressed once more) is a CloudWatch Logs subscription delivery,
// and what its first data message holds.
func sniffCWLogs(head []byte) cwContent {
	if bytes.HasPrefix(head, gzipMagic) {
		zr, err := gzip.NewReader(bytes.NewReader(head))
		if err != nil {
			return cwNone
		}
		var buf [512]byte
		n, _ := io.ReadFull(zr, buf[:])
		head = bytes.TrimLeft(buf[:n], " \t\r\n")
	}
	if len(head) == 0 || head[0] != '{' || !cwFirstKey(head) {
		return cwNone
	}
	rest := head
	for {
		i := bytes.Index(rest, []byte(`"message"`))
		if i < 0 {
			return cwFlow
		}
		j := skipWS(rest, i+len(`"message"`))
		if j < len(rest) && rest[j] == ':' {
			j = skipWS(rest, j+1)
			if j+1 < len(rest) && rest[j] == '"' {
				if bytes.HasPrefix(rest[j+1:], []byte("CWL CONTROL MESSAGE")) {
					rest = rest[j+1:]
					continue
				}
				if rest[j+1] == '{' {
					return cwCloudTrail
				}
				return cwFlow
			}
		}
		rest = rest[i+1:]
	}
}

// cwFirstKey reports whether the object at head[0] starts with a key of
// an envelope (AWS writes messageType first).
func cwFirstKey(head []byte) bool {
	i := skipWS(head, 1)
	for _, k := range [...]string{`"messageType"`, `"owner"`, `"logGroup"`, `"logStream"`, `"subscriptionFilters"`, `"logEvents"`} {
		if bytes.HasPrefix(head[i:], []byte(k)) {
			return true
		}
	}
	return false
}

// unwrapCWLogs returns a reader of the content of r: r itself, its
// content when it is gzip-compressed once more, or the messages of the
// CloudWatch Logs subscription deliveries it holds, one a line.
func unwrapCWLogs(r io.Reader, source string) io.Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	head, _ := br.Peek(2)
	if bytes.Equal(head, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return br // the reader reports what it finds
		}
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	head, _ = br.Peek(512)
	if sniffCWLogs(bytes.TrimLeft(head, " \t\r\n")) == cwNone {
		return br
	}
	return &cwLogsLines{src: br, source: source, buf: make([]byte, 0, 64<<10)}
}

// cwLogsLines is an io.Reader of the messages of the envelopes in src, each
// followed by a newline. It decodes one envelope at a time (at most
// [MaxRecordBytes]); broken or oversized input is a [*ParseError] from
// Read, positioned in src's bytes.
type cwLogsLines struct {
	src    io.Reader
	source string
	buf    []byte // src's bytes not consumed yet start at pos
	pos    int
	base   int64 // src offset of buf[0]
	eof    bool
	out    []byte // messages decoded and not read yet start at outPos
	outPos int
	err    error
	// Control counts the CONTROL_MESSAGE envelopes skipped.
	control int
	index   int // envelope index, for errors
}

func (c *cwLogsLines) Read(p []byte) (int, error) {
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

// next decodes the next envelope into c.out, or sets c.err.
func (c *cwLogsLines) next() {
	for {
		i := skipWS(c.buf, c.pos)
		if i == len(c.buf) && c.eof {
			c.err = io.EOF
			return
		}
		if i < len(c.buf) {
			if c.buf[i] != '{' {
				c.fail(i, errExpected(ErrSyntax, "a CloudWatch Logs envelope object", describe(c.buf, i)))
				return
			}
			end, err := c.envelope(i)
			if err == nil {
				c.pos = end
				c.index++
				return
			}
			if err != errNeedMore {
				if se, ok := err.(*scanError); ok {
					c.fail(se.at, se.err)
				} else {
					c.fail(i, err)
				}
				return
			}
			if c.eof {
				c.fail(len(c.buf), errExpected(ErrTruncated, "the rest of the envelope", "end of input"))
				return
			}
			if len(c.buf)-i >= MaxRecordBytes {
				c.fail(i, errExpected(ErrTooLarge, "an envelope of at most "+strconv.Itoa(MaxRecordBytes>>20)+" MiB", "a larger one"))
				return
			}
		}
		c.fill(i)
		if c.err != nil {
			return
		}
	}
}

func (c *cwLogsLines) fail(at int, err error) {
	c.err = &ParseError{Source: c.source, Offset: c.base + int64(at), Path: "envelope " + strconv.Itoa(c.index), Err: err}
	c.out = c.out[:0]
}

// fill keeps buf[keep:] and reads more.
func (c *cwLogsLines) fill(keep int) {
	n := copy(c.buf, c.buf[keep:])
	c.buf = c.buf[:n]
	c.base += int64(keep)
	c.pos = 0
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

// envelope decodes the envelope at buf[i]: its messages go to c.out
// unless it is a control message.
func (c *cwLogsLines) envelope(i int) (int, error) {
	b := c.buf
	start := len(c.out)
	control := false
	end, err := eachMember(b, i, func(key []byte, v int) (int, error) {
		switch string(key) {
		case "messageType":
			if b[v] == '"' {
				e, err := skipString(b, v)
				control = err == nil && string(b[v+1:e-1]) == "CONTROL_MESSAGE"
				return e, err
			}
		case "logEvents":
			if b[v] == '[' {
				return c.events(b, v)
			}
			e, err := skipValue(b, v, 1)
			if err == nil {
				err = errAt(v, errExpected(ErrType, "logEvents array", describe(b, v)))
			}
			return e, err
		}
		return skipValue(b, v, 1)
	})
	if err != nil {
		c.out = c.out[:start]
		return 0, err
	}
	if control {
		c.out = c.out[:start]
		c.control++
	}
	return end, nil
}

// events appends the message of each log event of the array at b[i].
func (c *cwLogsLines) events(b []byte, i int) (int, error) {
	i = skipWS(b, i+1)
	if i >= len(b) {
		return 0, errNeedMore
	}
	if b[i] == ']' {
		return i + 1, nil
	}
	for {
		if b[i] != '{' {
			return 0, errAt(i, errExpected(ErrType, "log event object", describe(b, i)))
		}
		end, err := eachMember(b, i, func(key []byte, v int) (int, error) {
			if string(key) != "message" {
				return skipValue(b, v, 2)
			}
			if b[v] != '"' {
				e, err := skipValue(b, v, 2)
				if err == nil {
					err = errAt(v, errExpected(ErrType, "message string", describe(b, v)))
				}
				return e, err
			}
			e, _, err := scanString(b, v)
			if err != nil {
				return 0, err
			}
			var bad int
			if c.out, bad = AppendJSONUnescaped(c.out, b[v+1:e-1]); bad >= 0 {
				return 0, errAt(v+1+bad, errExpected(ErrSyntax, "a valid escape", quoteFound(b[v+1+bad:min(e-1, v+7+bad)])))
			}
			c.out = append(c.out, '\n')
			return e, nil
		})
		if err != nil {
			return 0, err
		}
		var done bool
		if i, done, err = nextMember(b, end, ']'); done || err != nil {
			return i, err
		}
	}
}

// eachMember calls fn for each member of the object at b[i] with the key
// and the index of the value; fn returns the index after the value.
func eachMember(b []byte, i int, fn func(key []byte, v int) (int, error)) (int, error) {
	i = skipWS(b, i+1)
	if i >= len(b) {
		return 0, errNeedMore
	}
	if b[i] == '}' {
		return i + 1, nil
	}
	for {
		if b[i] != '"' {
			return 0, errAt(i, errExpected(ErrSyntax, "object key", describe(b, i)))
		}
		kend, err := skipString(b, i)
		if err != nil {
			return 0, err
		}
		key := b[i+1 : kend-1]
		if i, err = afterKey(b, kend); err != nil {
			return 0, err
		}
		if i, err = fn(key, i); err != nil {
			return 0, err
		}
		var done bool
		if i, done, err = nextMember(b, i, '}'); done || err != nil {
			return i, err
		}
	}
}
