package parsers

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"errors"
	"io"
	"slices"
	"sort"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
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
// subscription's health checks) yield no line and are counted
// ([Stats].Control).
//
// The envelope's logGroup, logStream and owner become the hidden columns
// [LogGroupColumn], [LogStreamColumn] and [OwnerColumn] of the rows, when
// a query names them (see [cwReader]).

// cwContent is what the messages of a CloudWatch Logs delivery are.
type cwContent uint8

const (
	cwNone       cwContent = iota // not a CloudWatch Logs delivery
	cwFlow                        // flow-log lines (or no message seen)
	cwCloudTrail                  // CloudTrail events
)

var gzipMagic = []byte{0x1f, 0x8b}

// sniffCWLogs reports whether head (the first bytes of an object, maybe
// gzip-compressed once more) is a CloudWatch Logs subscription delivery
// or export task, and what its first data message holds.
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
	if ok, isJSON := sniffExport(head); ok {
		if isJSON {
			return cwCloudTrail
		}
		return cwFlow
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
// CloudWatch Logs subscription deliveries ([*cwLogsLines]) or the export
// task's lines ([*cwExportLines]) it holds, one a line.
func unwrapCWLogs(r io.Reader, source string) io.Reader {
	// A source that can peek (a bufio.Reader, an object inflated whole)
	// is read as it is: no read-ahead copy of content already in memory.
	br, ok := r.(peekReader)
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
	if ok, isJSON := sniffExport(head); ok {
		return newCWExportLines(br, source, isJSON)
	}
	if sniffCWLogs(bytes.TrimLeft(head, " \t\r\n")) == cwNone {
		return br
	}
	return &cwLogsLines{src: br, source: source, buf: make([]byte, 0, 64<<10)}
}

// peekReader is a reader that shows its next bytes without consuming
// them, as bufio.Reader does.
type peekReader interface {
	io.Reader
	Peek(n int) ([]byte, error)
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

	// Segments (see [cwLogsLines.nextSegment]), when segmented: the lines
	// of consecutive envelopes of one log stream are one segment.
	segmented bool
	meta      cwMeta // of the envelope decoded last
	segMeta   cwMeta // of the segment being read
	started   bool   // a segment was started
	boundary  bool   // out holds the first envelope of the next segment
	lines     int64  // messages handed out, before the pending out
	emitted   int64  // bytes handed out
	segLine   int64  // lines and emitted when the segment started
	segOff    int64
	scratch   []byte // unescaped envelope names

	// Where the messages come from, to position their readers' errors:
	// one run per envelope that yielded lines (not per message).
	runs     []cwEnvRun
	produced int64 // message bytes before out[0]
	outLines int64 // message lines decoded so far
}

// cwEnvRun says where an envelope's messages are: from byte msgOff and
// line msgLine+1 of the messages, they are its logEvents in order; the
// envelope starts at objOff of the object.
type cwEnvRun struct {
	msgOff, msgLine, objOff int64
	index                   int
}

// locate moves e, an error of the messages' reader (its Offset, and Line
// and Col when it has them, are in the messages), to the object: Offset
// becomes the start of the envelope, Path names the envelope and, for an
// error with a line, the log event and the column in its message.
func (c *cwLogsLines) locate(e *ParseError) {
	i := sort.Search(len(c.runs), func(i int) bool { return c.runs[i].msgOff > e.Offset }) - 1
	if i < 0 {
		return
	}
	r := c.runs[i]
	path := "envelope " + strconv.Itoa(r.index)
	if e.Line > 0 {
		path += ", logEvents[" + strconv.FormatInt(int64(e.Line)-1-r.msgLine, 10) + "].message"
		if e.Col > 0 {
			path += " col " + strconv.Itoa(e.Col)
		}
	}
	if e.Path != "" {
		path += ", " + e.Path
	}
	e.Path, e.Offset, e.Line, e.Col = path, r.objOff, 0, 0
}

// cwMeta is where an envelope's messages come from.
type cwMeta struct {
	owner, group, stream string
	has                  bool // false: unknown (every column null)
	streamOnly           bool // only stream is known (an export task)
}

// nextSegment starts the next segment: Read then returns its lines and
// io.EOF at its end. It reports false when no envelope is left (or the
// input is broken: Read returns the error).
func (c *cwLogsLines) nextSegment() bool {
	if c.boundary {
		c.boundary = false
	} else if c.started || !c.fetch() {
		return false
	}
	c.started = true
	c.segMeta = c.meta
	c.segLine, c.segOff = c.lines, c.emitted
	return true
}

// fetch decodes envelopes until one yields lines; false at EOF or error.
func (c *cwLogsLines) fetch() bool {
	for c.outPos == len(c.out) {
		if c.err != nil {
			return false
		}
		c.produced += int64(len(c.out))
		c.out, c.outPos = c.out[:0], 0
		c.next()
	}
	return true
}

func (c *cwLogsLines) Read(p []byte) (int, error) {
	if c.boundary {
		return 0, io.EOF
	}
	if c.outPos == len(c.out) {
		if !c.fetch() {
			return 0, c.err
		}
		if c.segmented && c.started && c.meta != c.segMeta {
			c.boundary = true
			return 0, io.EOF
		}
	}
	n := copy(p, c.out[c.outPos:])
	c.outPos += n
	if c.segmented {
		c.emitted += int64(n)
		c.lines += int64(bytes.Count(p[:n], []byte{'\n'}))
	}
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
	var owner, group, stream []byte
	end, err := eachMember(b, i, func(key []byte, v int) (int, error) {
		switch string(key) {
		case "owner", "logGroup", "logStream":
			if !c.segmented || b[v] != '"' {
				break
			}
			e, err := skipString(b, v)
			if err != nil {
				return 0, err
			}
			raw := b[v+1 : e-1]
			switch key[3] {
			case 'e': // owner
				owner = raw
			case 'G':
				group = raw
			default:
				stream = raw
			}
			return e, nil
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
	} else if len(c.out) > start {
		c.runs = append(c.runs, cwEnvRun{msgOff: c.produced + int64(start), msgLine: c.outLines, objOff: c.base + int64(i), index: c.index})
		c.outLines += int64(bytes.Count(c.out[start:], []byte{'\n'}))
	}
	if !control && c.segmented {
		// Once per envelope, not per row.
		c.meta = cwMeta{owner: c.unescape(owner), group: c.unescape(group), stream: c.unescape(stream), has: true}
	}
	return end, nil
}

// unescape returns the JSON string content raw unescaped (the names were
// scanned, so their escapes are valid).
func (c *cwLogsLines) unescape(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw)
	}
	c.scratch, _ = AppendJSONUnescaped(c.scratch[:0], raw)
	return string(c.scratch)
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

// The hidden columns of where a row delivered through CloudWatch Logs
// comes from: the envelope's logGroup, logStream and owner (the account
// of the log group). They are null for rows delivered straight to S3. Like
// [SourceColumn] they are not among a table's columns for SELECT *, hunt
// convert does not write them, and AWS's Athena tables do not have them:
// a query naming them runs locally only.
const (
	LogGroupColumn  = "$loggroup"
	LogStreamColumn = "$logstream"
	OwnerColumn     = "$owner"
)

// DeliveryColumns lists [LogGroupColumn], [LogStreamColumn] and
// [OwnerColumn]: the hidden columns of the tables CloudWatch Logs delivers
// (cloudtrail, vpc_flow).
var DeliveryColumns = []string{LogGroupColumn, LogStreamColumn, OwnerColumn}

// newDeliveredReader returns open's reader of r, or of the messages r
// holds when it is a CloudWatch Logs delivery, with the delivery columns
// the projection names added to its batches (see [cwReader]).
func newDeliveredReader(r io.Reader, source string, opts []Option, open func(io.Reader, string, ...Option) (Reader, error)) (Reader, error) {
	cfg := newConfig(opts)
	var cols []string
	if cfg.columns != nil {
		var rest []string
		for _, c := range cfg.columns {
			if slices.Contains(DeliveryColumns, c) {
				if !slices.Contains(cols, c) {
					cols = append(cols, c)
				}
			} else {
				rest = append(rest, c)
			}
		}
		if cols != nil {
			if rest == nil {
				rest = []string{} // none, not every column
			}
			opts = append(slices.Clip(opts), WithColumns(rest...))
		}
	}
	src := unwrapCWLogs(r, source)
	lines, _ := src.(*cwLogsLines)
	exp, _ := src.(*cwExportLines)
	if lines == nil && exp == nil && cols == nil {
		return open(src, source, opts...)
	}
	c := &cwReader{src: src, lines: lines, exp: exp, source: source, opts: opts, open: open, cols: cols, mem: cfg.mem}
	if exp != nil {
		exp.strict = cfg.strict
		exp.rejects.Max = cfg.maxErrors
		if s, ok := exportStream(source); ok {
			c.meta = cwMeta{stream: s, has: true, streamOnly: true}
		}
	}
	if lines != nil {
		lines.segmented = cols != nil
	}
	if err := c.start(); err != nil {
		return nil, err
	}
	return c, nil
}

// cwReader reads the rows of a CloudWatch Logs delivery with the reader
// of their table, counts its control messages and adds the delivery
// columns a query names. Their values change per envelope, not per row,
// so when a query names them the messages are read in segments (runs of
// envelopes of one log stream), each by a reader of its own whose batches
// get the segment's values; otherwise one reader reads every message.
// Rows of an object that is not a delivery get nulls. The errors of the
// messages' reader are moved to the object: for a subscription delivery
// the envelope's offset, and a path naming the envelope, the log event
// and the column in its message (see [cwLogsLines.locate]); for an export
// task the line and column of the object (see [cwExportLines.move]).
type cwReader struct {
	src    io.Reader
	lines  *cwLogsLines   // nil: not a subscription delivery
	exp    *cwExportLines // nil: not an export task
	source string
	opts   []Option
	open   func(io.Reader, string, ...Option) (Reader, error)
	cols   []string // the delivery columns projected, in projection order
	mem    memory.Allocator

	inner   Reader            // the current segment's reader
	meta    cwMeta            // the current segment's values
	batch   arrow.RecordBatch // inner's batch plus cols; nil when cols is
	from    *arrow.Schema     // inner's batch schema schema was made for
	schema  *arrow.Schema
	stats   Stats
	rejects ErrorList
	err     error
	done    bool
}

// start opens the reader of the next segment, or sets done.
func (c *cwReader) start() error {
	in := c.src
	switch {
	case c.lines == nil || !c.lines.segmented:
		if c.done {
			return nil
		}
		c.done = true // one reader reads everything
	case c.lines.nextSegment():
		c.meta = c.lines.segMeta
	default:
		c.done = true
		return nil
	}
	r, err := c.open(in, c.source, c.opts...)
	if err != nil {
		return err
	}
	c.inner = r
	return nil
}

// end adds up the finished segment's reader, with its rejects' positions
// moved past the lines of the segments before it.
func (c *cwReader) end() {
	r := c.inner
	c.inner = nil
	defer r.Release()
	st := r.Stats()
	inferred := max(c.stats.Inferred, st.Inferred) // one object
	c.stats.Add(st)
	c.stats.Inferred = inferred
	var line, off int64
	if c.lines != nil && c.lines.segmented {
		line, off = c.lines.segLine, c.lines.segOff
	}
	if c.rejects.Max == 0 {
		c.rejects.Max = r.Rejects().Max
	}
	move := func(e *ParseError) {
		if c.exp != nil {
			c.exp.move(e)
			return
		}
		if e.Line > 0 {
			e.Line += int(line)
		}
		e.Offset += off
		if c.lines != nil {
			c.lines.locate(e)
		}
	}
	errs := r.Rejects().Errs
	for _, e := range errs {
		move(e)
	}
	if c.exp != nil {
		// The export's bad lines and the messages' bad records, in
		// input order.
		errs = append(slices.Clone(errs), c.exp.rejects.Errs...)
		slices.SortStableFunc(errs, func(a, b *ParseError) int { return cmp.Compare(a.Offset, b.Offset) })
		c.rejects.Dropped += c.exp.rejects.Dropped
		c.stats.Rejected += c.exp.rejected
	}
	for _, e := range errs {
		c.rejects.Add(e)
	}
	c.rejects.Dropped += r.Rejects().Dropped
	if err := r.Err(); err != nil {
		if pe, ok := err.(*ParseError); ok && !c.fromSource(err) {
			move(pe)
		}
		c.err = err
	}
}

// fromSource reports whether err is (or wraps) the error of the messages'
// source, which is positioned in the object already.
func (c *cwReader) fromSource(err error) bool {
	switch {
	case c.lines != nil && c.lines.err != nil:
		return errors.Is(err, c.lines.err)
	case c.exp != nil && c.exp.err != nil:
		return errors.Is(err, c.exp.err)
	}
	return false
}

func (c *cwReader) Next() bool {
	if c.batch != nil {
		c.batch.Release()
		c.batch = nil
	}
	for c.err == nil {
		if c.inner == nil {
			if c.done {
				return false
			}
			if c.err = c.start(); c.err != nil || c.inner == nil {
				return false
			}
		}
		if c.inner.Next() {
			if c.cols != nil {
				c.batch = c.withColumns(c.inner.Batch())
			}
			return true
		}
		c.end()
	}
	return false
}

// withColumns returns b with the delivery columns appended.
func (c *cwReader) withColumns(b arrow.RecordBatch) arrow.RecordBatch {
	if c.from != b.Schema() {
		fields := slices.Clone(b.Schema().Fields())
		for _, name := range c.cols {
			fields = append(fields, arrow.Field{Name: name, Type: arrow.BinaryTypes.String, Nullable: true})
		}
		md := b.Schema().Metadata()
		c.from, c.schema = b.Schema(), arrow.NewSchema(fields, &md)
	}
	n := int(b.NumRows())
	cols := slices.Clone(b.Columns())
	sb := array.NewStringBuilder(c.mem)
	defer sb.Release()
	for _, name := range c.cols {
		v := c.meta.owner
		switch name {
		case LogGroupColumn:
			v = c.meta.group
		case LogStreamColumn:
			v = c.meta.stream
		}
		if c.meta.has && (!c.meta.streamOnly || name == LogStreamColumn) {
			sb.Reserve(n)
			sb.ReserveData(n * len(v))
			for range n {
				sb.Append(v)
			}
		} else {
			sb.AppendNulls(n)
		}
		cols = append(cols, sb.NewArray())
	}
	out := array.NewRecordBatch(c.schema, cols, int64(n))
	for _, a := range cols[len(b.Columns()):] {
		a.Release() // out holds them
	}
	return out
}

func (c *cwReader) Batch() arrow.RecordBatch {
	if c.batch != nil {
		return c.batch
	}
	return c.inner.Batch()
}

func (c *cwReader) Err() error { return c.err }

func (c *cwReader) Stats() Stats {
	s := c.stats
	if c.lines != nil {
		s.Control = int64(c.lines.control)
	}
	return s
}

func (c *cwReader) Rejects() *ErrorList { return &c.rejects }

func (c *cwReader) Release() {
	if c.batch != nil {
		c.batch.Release()
		c.batch = nil
	}
	if c.inner != nil {
		c.end()
	}
}
