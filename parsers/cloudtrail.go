package parsers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// MaxRecordBytes is the largest CloudTrail record the reader decodes.
// CloudTrail itself caps requestParameters and responseElements at 100 KB
// each and additionalEventData at 28 KB, so a record past 4 MiB is not a
// CloudTrail record; it is rejected with [ErrTooLarge] and skipped as a
// stream, without being buffered.
const MaxRecordBytes = 4 << 20

// readChunk is how much input a refill asks for at least.
const readChunk = 64 << 10

// span is where a decoded value lives: in the input buffer, in the scratch
// buffer (unescaped strings), or nowhere (absent or JSON null). For lists and
// maps, start and end are the first element and the element count in the
// element storage; for structs, src tells present from null.
type span struct {
	start, end int32
	src        uint8
}

const (
	srcNull    = iota // absent or JSON null
	srcBuf            // bytes in the input buffer
	srcScratch        // bytes in the scratch buffer
	srcPresent        // a struct, list or map that is present
)

// pathElem is one step of the JSON path to the value being decoded, kept so
// an error can say "Records[17].userIdentity.type" without allocating on the
// good path.
type pathElem struct {
	key []byte // nil for a list index
	idx int
}

// ctState is where the reader is in the top-level structure of the input.
type ctState uint8

const (
	stStart       ctState = iota // before a top-level value
	stArrayFirst                 // after '[': a record or ']'
	stArrayNext                  // after an element: ',' or ']'
	stArrayElem                  // after ',': a record
	stWrapperRest                // after the Records array: more keys or '}'
	stObjects                    // a stream of top-level objects (NDJSON or one record)
	stLenient                    // after broken input: records separated by any of ",]}" and blanks
	stDone
)

// CloudTrailReader reads CloudTrail records from a decompressed stream into
// Arrow record batches of the (projected) [CloudTrailSchema].
//
// The input form is detected from the content: the S3 delivery object
// {"Records":[...]} (streamed record by record, never held whole), a JSON
// array of records, NDJSON or concatenated record objects (extra keys such as
// "@version" are ignored), or a single record. CloudTrail-Digest objects are
// recognised by their keys and counted in Stats.Skipped, never parsed as
// events. Insights records parse into the same table.
//
// SIEM exports of CloudTrail (Logstash, Elastic, the OTRF datasets) often
// drop eventTime and carry the time as a top-level "@timestamp": in a record
// without an eventTime key, "@timestamp" is the event time. Its text fills
// the eventtime column and is checked as eventTime is (an invalid one
// rejects the record, at the "@timestamp" value). eventTime wins when both
// are present; "@timestamp" is then skipped like any other extra key.
//
// With [WithEqual], a record whose value of a projected top-level string
// column is null or none of the equality's values is decoded and checked
// as any other, counted in Stats.Records, but left out of the batches: a
// query on eventname = 'ConsoleLogin' builds its raw JSON columns for the
// few records it can match, not for every record.
//
// Only projected columns are decoded; the values of other keys are skipped
// structurally (brackets matched, strings jumped over), so their content is
// not validated. Keys match ignoring ASCII case, as in Athena's JSON SerDe.
//
// A bad record (wrong type, an eventTime null, not a real RFC 3339 instant
// or missing with no "@timestamp" to stand in, invalid UTF-8, a raw control
// character in a string, an array element that is not an object, too deep,
// too large, or broken JSON) is counted in Stats.Rejected with a
// positioned [ParseError] in Rejects, and reading goes on with the next
// record: after broken JSON, at the next record start that can be found
// (see resync). eventTime is checked whatever the projection, so which
// records are rejected does not depend on it. With [WithStrict] the first
// bad record is Err.
//
// A CloudTrailReader is not safe for concurrent use.
type CloudTrailReader struct {
	// jsonInput holds the input window (buf[pos:] is not consumed yet) and
	// the scratch buffer of the current record's unescaped strings.
	jsonInput
	source string
	strict bool

	state      ctState
	seenValue  bool // a top-level value was seen (an empty input is an error)
	lineBased  bool // NDJSON: a broken record can be skipped to the next line
	resyncs    int  // times reading resumed after broken JSON
	wrapper    bool // inside {"Records":[...]}
	arrayDepth bool // records are array elements
	recIdx     int  // index of the next record, for paths

	plan     *ctPlan
	schema   *arrow.Schema
	filters  []ctFilter // the equalities of WithEqual on projected columns
	rows     int
	start    int64 // the input offset where the batch Next builds began
	batch    arrow.RecordBatch
	reserved int // rows of the previous batch, to size the next one

	// Per-record decode state, reset for each record.
	vals    []span   // one per slot of the top-level space
	lists   [][]span // element storage per list/map
	stack   []pathElem
	mask    uint8      // marks of the top-level keys seen
	recErr  *scanError // first semantic error of the record
	recPath []pathElem // path of recErr
	tsKey   []byte     // the record's "@timestamp" key as spelled, for errors
	lower   []byte     // scratch of admits
	blocks  blockState // skipTopContainer's
	times   timeCache  // eventTime's checks

	stats   Stats
	rejects ErrorList
	err     error
}

// NewCloudTrailReader returns a reader of the CloudTrail records in r, a
// decompressed stream. source names r in errors and fills the $path column.
// The caller must call Release.
func NewCloudTrailReader(r io.Reader, source string, opts ...Option) (*CloudTrailReader, error) {
	cfg := newConfig(opts)
	schema, err := projectSchema(CloudTrailSchema, cfg.columns)
	if err != nil {
		return nil, fmt.Errorf("cloudtrail projection: %w", err)
	}
	plan, err := newCTPlan(schema, cfg.mem)
	if err != nil {
		return nil, err
	}
	plan.onlyIn(schema, cfg.onlyIn)
	ct := &CloudTrailReader{
		jsonInput: jsonInput{src: r}, // buf: see useInMemory
		source:    source,
		strict:    cfg.strict,
		plan:      plan,
		schema:    schema,
		vals:      make([]span, plan.nslots),
		lists:     make([][]span, plan.nlists),
	}
	ct.rejects.Max = cfg.maxErrors
	ct.filters = plan.filters(schema, cfg.equal)
	ct.useInMemory()
	return ct, nil
}

// ctFilter is an equality of [WithEqual] on a projected top-level string
// column: a record whose value in slot is null or none of vals is left
// out of the batches.
type ctFilter struct {
	slot int
	vals []string
}

// filters returns the equalities of equal on the projected top-level
// string columns of schema (strings, eventtime and raw JSON text: the
// values compared are the column's, as the engine would compare them).
func (p *ctPlan) filters(schema *arrow.Schema, equal map[string][]string) []ctFilter {
	var fs []ctFilter
	k := 0
	for i, f := range schema.Fields() {
		if i == p.pathCol {
			continue
		}
		c := p.cols[k]
		k++
		if vals := equal[f.Name]; len(vals) > 0 && (c.kind == ctString || c.kind == ctTime || c.kind == ctRaw) {
			fs = append(fs, ctFilter{slot: c.slot, vals: vals})
		}
	}
	return fs
}

// keep reports whether the decoded record passes every filter.
func (r *CloudTrailReader) keep() bool {
	for _, f := range r.filters {
		s := r.vals[f.slot]
		if s.src == srcNull {
			return false // null equals nothing
		}
		v := r.bytesOf(s)
		found := false
		for _, w := range f.vals {
			if string(v) == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Schema returns the schema of the batches: the projection of
// [CloudTrailSchema].
func (r *CloudTrailReader) Schema() *arrow.Schema { return r.schema }

// Batch returns the current batch. It is valid until the next call to Next;
// a caller that keeps it must Retain it.
func (r *CloudTrailReader) Batch() arrow.RecordBatch { return r.batch }

// Err returns the error that stopped the reader: a *ParseError for bad input,
// or the first rejected record under [WithStrict]. It is nil at a clean end.
func (r *CloudTrailReader) Err() error { return r.err }

// Stats returns the counts so far.
func (r *CloudTrailReader) Stats() Stats {
	s := r.stats
	s.Bytes = r.base + int64(r.pos)
	return s
}

// Rejects returns the positioned errors of the rejected records (the first
// ones; all are counted in Stats.Rejected).
func (r *CloudTrailReader) Rejects() *ErrorList { return &r.rejects }

// Release frees the current batch and the builders.
func (r *CloudTrailReader) Release() {
	if r.batch != nil {
		r.batch.Release()
		r.batch = nil
	}
	for _, c := range r.plan.cols {
		c.release()
	}
	if r.plan.path != nil {
		r.plan.path.release()
	}
}

// Next decodes up to [BatchRows] records, or records from up to
// [BatchBytes] of input, into a new batch. It returns false at the end of
// the input or on a fatal error (see Err). BatchBytes only ends a batch
// that has a row: input without a good record (rejected records, digests,
// blank space) is read on until one comes, so false always means the end.
func (r *CloudTrailReader) Next() bool {
	if r.batch != nil {
		r.batch.Release()
		r.batch = nil
	}
	r.start = r.base + int64(r.pos)
	for r.more() {
		r.step()
	}
	if r.rows == 0 {
		return false
	}
	r.flush()
	return true
}

// more reports whether Next reads on into the batch: it has room for a
// row, and has a row and is short of BatchBytes of input, or none.
func (r *CloudTrailReader) more() bool {
	return r.rows < BatchRows && r.err == nil && r.state != stDone && (r.rows == 0 || r.base+int64(r.pos)-r.start < BatchBytes)
}

// flush turns the appended rows into r.batch.
func (r *CloudTrailReader) flush() {
	for k := range r.plan.only {
		r.plan.only[k].padNulls(r.rows)
	}
	cols := make([]arrow.Array, r.schema.NumFields())
	k := 0
	for i := range cols {
		var d *array.Data
		if i == r.plan.pathCol {
			r.plan.path.appendRepeat([]byte(r.source), r.rows)
			d = r.plan.path.finish()
		} else {
			d = r.plan.cols[k].finish()
			k++
		}
		cols[i] = array.MakeFromData(d)
		d.Release()
	}
	r.batch = array.NewRecordBatch(r.schema, cols, int64(r.rows))
	for _, c := range cols {
		c.Release()
	}
	r.stats.Records += int64(r.rows)
	r.reserved = r.rows
	r.rows = 0
	if r.stats.Records > 0 {
		recordBytes.Store((r.base + int64(r.pos)) / r.stats.Records)
	}
}

// recordBytes is the input bytes per record of the last batch a CloudTrail
// reader made, all its batches so far taken together. hunt reads each
// object with a new reader, in one batch (most objects hold fewer than
// BatchRows records), whose string columns are sized from the rows
// reserve expects: at the 1 KiB a record it assumed, records of 1.7 KiB
// (the Sigma benchmark's corpus) made it reserve 1.7 times the rows, and
// string data in proportion.
var recordBytes atomic.Int64

// reserve sizes the builders once per batch, before its first record: to the
// previous batch's rows, or for the first batch to what the buffered input
// suggests (at the input bytes per record of the last batch any reader
// made, or 1 KiB), so a small object does not pay for BatchRows rows of
// every column.
func (r *CloudTrailReader) reserve() {
	n := r.reserved
	if n == 0 {
		per := int(recordBytes.Load())
		if per <= 0 {
			per = 1 << 10
		}
		n = min(max(min(len(r.buf), BatchBytes)/per, 16), BatchRows)
	}
	for _, c := range r.plan.cols {
		c.reserve(n)
	}
}

// step consumes one top-level token or record.
func (r *CloudTrailReader) step() {
	i := skipWS(r.buf, r.pos)
	if i >= len(r.buf) {
		if !r.eof {
			r.pos = i
			r.fill(i)
			return
		}
		r.pos = i
		r.atEOF()
		return
	}
	b := r.buf
	switch r.state {
	case stStart:
		if !r.seenValue && r.base+int64(i) == 0 && len(b)-i >= 3 && b[i] == 0xEF && b[i+1] == 0xBB && b[i+2] == 0xBF {
			r.pos = i + 3 // a UTF-8 byte order mark
			return
		}
		first := !r.seenValue
		r.seenValue = true
		r.wrapper, r.arrayDepth = false, false
		switch b[i] {
		case '[':
			r.arrayDepth = true
			r.state, r.pos = stArrayFirst, i+1
		case '{':
			isWrapper, next, err := r.peekWrapper(i)
			if err == errNeedMore {
				r.needMore(i)
				return
			}
			if isWrapper {
				r.wrapper, r.arrayDepth = true, true
				r.state, r.pos = stArrayFirst, next
				return
			}
			r.state, r.pos = stObjects, i
		default:
			if first {
				r.fatal(i, errExpected(ErrFormat, "CloudTrail JSON ('{' or '[')", describe(b, i)))
				return
			}
			// Stray bytes after a value: the records after them are
			// still read.
			r.resync(i, r.parseError(i, errExpected(ErrSyntax, "CloudTrail JSON ('{' or '[')", describe(b, i)), nil))
		}
	case stArrayFirst, stArrayElem:
		if b[i] == ']' && r.state == stArrayFirst {
			r.endArray(i + 1)
			return
		}
		if b[i] != '{' {
			r.element(i)
			return
		}
		for {
			r.record(i)
			if r.state != stArrayFirst && r.state != stArrayElem {
				return
			}
			r.state = stArrayNext
			// Fast path: the ',' right after the record, as
			// stArrayNext reads it, without a step of its own, and
			// the record right after it, as the next step would read
			// it when Next reads on (most records of a delivery).
			j := r.pos
			if j >= len(r.buf) || r.buf[j] != ',' {
				return
			}
			r.state, r.pos = stArrayElem, j+1
			if j+1 >= len(r.buf) || r.buf[j+1] != '{' || !r.more() {
				return
			}
			i = j + 1
		}
	case stArrayNext:
		switch b[i] {
		case ',':
			r.state, r.pos = stArrayElem, i+1
		case ']':
			r.endArray(i + 1)
		default:
			r.resync(i, r.parseError(i, errExpected(ErrSyntax, "',' or ']' after a record", describe(b, i)), nil))
		}
	case stWrapperRest:
		switch b[i] {
		case '}':
			r.state, r.pos = stStart, i+1
		case ',':
			// More keys after "Records": skip them.
			end, err := r.skipMember(i + 1)
			if err == errNeedMore {
				r.needMore(i)
				return
			}
			if err != nil {
				r.fatalScan(err)
				return
			}
			r.pos = end
		default:
			r.fatal(i, errExpected(ErrSyntax, "',' or '}' after the Records array", describe(b, i)))
		}
	case stObjects:
		if b[i] != '{' {
			r.resync(i, r.parseError(i, errExpected(ErrSyntax, "a record object", describe(b, i)), nil))
			return
		}
		r.record(i)
	case stLenient:
		switch b[i] {
		case ',', ']', '}':
			r.pos = i + 1
		case '{':
			r.record(i)
		default:
			r.resync(i, r.parseError(i, errExpected(ErrSyntax, "a record object", describe(b, i)), nil))
		}
	}
}

// element rejects the array element at buf[i], which is not an object: a
// well-formed value followed by ',' or ']' is skipped; anything else is
// broken JSON, and reading resumes at the next record start after buf[i],
// which may be the very next byte (a stray byte before a record).
func (r *CloudTrailReader) element(i int) {
	b := r.buf
	// At most a record's worth of it, as in record.
	end, err := skipValue(b[:min(len(b), i+MaxRecordBytes)], i, 1)
	if err == nil {
		j := skipWS(b, end)
		switch {
		case j >= len(b):
			err = errNeedMore
		case b[j] == ',' || b[j] == ']':
			r.pos, r.state = end, stArrayNext
			r.reject(r.parseError(i, errExpected(ErrType, "a record object", describe(b, i)), nil))
			return
		}
	}
	if err == errNeedMore && !r.eof && len(b)-i < MaxRecordBytes {
		r.fill(i)
		return
	}
	r.resync(i, r.parseError(i, errExpected(ErrSyntax, "a record object", describe(b, i)), nil))
}

// resync gets past broken JSON: the broken part is counted as one rejected
// record with pe, and reading goes on, in lenient mode, at the next record
// start: a line whose first non-blank byte is '{', or `{"eventVersion"`
// (compact deliveries hold every record on one line). Files that mix bare
// and wrapped records, or whose brackets do not balance, are read record by
// record this way instead of being dropped after the first error. The error
// says how many bytes were skipped, so nothing is lost silently.
func (r *CloudTrailReader) resync(at int, pe *ParseError) {
	r.resyncs++
	if r.strict || r.resyncs > maxResyncs {
		if !r.strict {
			pe.Err = fmt.Errorf("%w (and %d earlier resynchronisations: giving up on this object)", pe.Err, maxResyncs)
		}
		r.stats.Rejected++
		r.err = pe
		r.state = stDone
		return
	}
	r.state = stLenient
	defer func() {
		if r.state == stDone {
			pe.Err = fmt.Errorf("%w (no record after it)", pe.Err)
		} else {
			pe.Err = fmt.Errorf("%w (reading resumed at offset %d)", pe.Err, r.base+int64(r.pos))
		}
		r.reject(pe)
	}()
	for {
		b := r.buf
		next := -1
		if k := bytes.Index(b[min(at+1, len(b)):], recordStart); k >= 0 {
			next = min(at+1, len(b)) + k
		}
		for j := at; j < len(b) && (next < 0 || j < next); j++ {
			if b[j] != '\n' {
				continue
			}
			k := j + 1
			for k < len(b) && (b[k] == ' ' || b[k] == '\t' || b[k] == '\r') {
				k++
			}
			if k < len(b) && b[k] == '{' {
				next = k
				break
			}
		}
		if next >= 0 {
			r.pos = next
			return
		}
		if r.eof || r.err != nil {
			r.pos = len(r.buf)
			r.state = stDone
			return
		}
		// Keep a little of the tail: a record start may straddle the refill.
		keep := max(at, len(r.buf)-len(recordStart)-64)
		r.pos = keep
		r.fill(keep)
		at = 0
	}
}

// maxResyncs bounds the work on one hostile object: each resync may rescan
// up to a record's worth of input.
const maxResyncs = 1000

// recordStart is how CloudTrail records begin in compact deliveries.
var recordStart = []byte(`{"eventVersion"`)

// atEOF handles the end of input in the current state.
func (r *CloudTrailReader) atEOF() {
	switch r.state {
	case stStart:
		if !r.seenValue {
			r.fatal(r.pos, errExpected(ErrFormat, "CloudTrail JSON", "empty input"))
			return
		}
		r.state = stDone
	case stObjects, stLenient:
		r.state = stDone
	case stArrayFirst, stArrayNext, stArrayElem:
		r.fatal(r.pos, errExpected(ErrTruncated, "',' or ']'", "end of input"))
	case stWrapperRest:
		r.fatal(r.pos, errExpected(ErrTruncated, "'}' closing the Records object", "end of input"))
	}
}

func (r *CloudTrailReader) endArray(next int) {
	r.pos = next
	if r.wrapper {
		r.state = stWrapperRest
		return
	}
	r.state = stStart
}

// peekWrapper reports whether the object at b[i] starts with the key
// "Records" holding an array, and the index after '['.
func (r *CloudTrailReader) peekWrapper(i int) (bool, int, error) {
	b := r.buf
	j := skipWS(b, i+1)
	if j >= len(b) {
		return false, 0, errNeedMore
	}
	if b[j] != '"' {
		return false, 0, nil
	}
	end, _, err := scanString(b, j)
	if err != nil {
		return false, 0, err
	}
	if string(b[j+1:end-1]) != "Records" {
		return false, 0, nil
	}
	j = skipWS(b, end)
	if j >= len(b) {
		return false, 0, errNeedMore
	}
	if b[j] != ':' {
		return false, 0, nil
	}
	j = skipWS(b, j+1)
	if j >= len(b) {
		return false, 0, errNeedMore
	}
	return b[j] == '[', j + 1, nil
}

// skipMember skips `"key": value` at b[i] (after a ',').
func (r *CloudTrailReader) skipMember(i int) (int, error) {
	b := r.buf
	i = skipWS(b, i)
	if i >= len(b) {
		return 0, errNeedMore
	}
	if b[i] != '"' {
		return 0, errAt(i, errExpected(ErrSyntax, "object key", describe(b, i)))
	}
	end, err := skipString(b, i)
	if err != nil {
		return 0, err
	}
	i = skipWS(b, end)
	if i >= len(b) {
		return 0, errNeedMore
	}
	if b[i] != ':' {
		return 0, errAt(i, errExpected(ErrSyntax, "':' after object key", describe(b, i)))
	}
	i = skipWS(b, i+1)
	return skipValue(b, i, 1)
}

// needMore reads more input keeping buf[keep:], or ends the input as
// truncated.
func (r *CloudTrailReader) needMore(keep int) {
	if r.eof {
		r.fatal(len(r.buf), errExpected(ErrTruncated, "more JSON", "end of input"))
		return
	}
	r.fill(keep)
}

// fill moves buf[keep:] to the front and reads more input (see
// [jsonInput.fill]); a read error stops the reader.
func (r *CloudTrailReader) fill(keep int) {
	if err := r.jsonInput.fill(keep); err != nil {
		r.err = r.readError(r.source, err)
		r.state = stDone
	}
}

// fatal stops the reader with an error at buffer index at.
func (r *CloudTrailReader) fatal(at int, err error) {
	r.err = &ParseError{Source: r.source, Offset: r.base + int64(at), Err: err}
	r.state = stDone
}

func (r *CloudTrailReader) fatalScan(err error) {
	var se *scanError
	if errors.As(err, &se) {
		r.fatal(se.at, se.err)
		return
	}
	r.fatal(r.pos, err)
}

// recordPath is the path prefix of the current record.
func (r *CloudTrailReader) recordPath() string {
	switch {
	case r.wrapper:
		return "Records[" + strconv.Itoa(r.recIdx) + "]"
	case r.arrayDepth:
		return "[" + strconv.Itoa(r.recIdx) + "]"
	default:
		return "record " + strconv.Itoa(r.recIdx)
	}
}

func (r *CloudTrailReader) parseError(at int, err error, path []pathElem) *ParseError {
	var b strings.Builder
	b.WriteString(r.recordPath())
	for _, p := range path {
		if p.key == nil {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.idx))
			b.WriteByte(']')
			continue
		}
		b.WriteByte('.')
		b.Write(p.key)
	}
	return &ParseError{Source: r.source, Offset: r.base + int64(at), Path: b.String(), Err: err}
}

// reject counts the current record as bad.
func (r *CloudTrailReader) reject(pe *ParseError) {
	r.stats.Rejected++
	r.recIdx++
	if r.strict {
		r.err = pe
		r.state = stDone
		return
	}
	r.rejects.Add(pe)
}

// record decodes the record starting at buf[i] and appends it, or rejects it.
// The record is parsed in at most MaxRecordBytes of the buffer, so one
// longer is rejected as too large however much input is buffered (a
// window grown by earlier reads, or an [InMemory] input held whole).
func (r *CloudTrailReader) record(i int) {
	for {
		full := r.buf
		r.buf = full[:min(len(full), i+MaxRecordBytes)]
		end, err := r.parseRecord(i)
		r.buf = full
		if err == nil {
			r.pos = end
			if r.state == stObjects && r.recIdx == 0 {
				r.lineBased = !containsNewline(r.buf[i:end])
			}
			r.finishRecord(i)
			return
		}
		if err == errNeedMore {
			if len(r.buf)-i > MaxRecordBytes || !r.eof && len(r.buf)-i == MaxRecordBytes {
				r.skipRejected(i, r.parseError(i, errExpected(ErrTooLarge,
					"a record of at most "+strconv.Itoa(MaxRecordBytes>>20)+" MiB", "a larger one"), nil))
				return
			}
			if r.eof {
				r.stats.Rejected++
				r.fatal(len(r.buf), errExpected(ErrTruncated, "the rest of the record", "end of input"))
				r.err.(*ParseError).Path = r.recordPath()
				return
			}
			r.fill(i)
			if r.err != nil {
				r.stats.Rejected++
				return
			}
			i = 0
			continue
		}
		// Broken JSON: the record is rejected; the stream goes on only
		// where lines delimit records.
		var se *scanError
		if !errors.As(err, &se) {
			panic("BUG: " + err.Error())
		}
		pe := r.parseError(se.at, se.err, r.stack)
		if errors.Is(se.err, ErrTooDeep) {
			// Well-formed but too deep: skip the record without a limit.
			r.skipRejected(i, pe)
			return
		}
		if r.state == stObjects && r.lineBased {
			r.reject(pe)
			r.skipLine(se.at)
			return
		}
		// Look for the next record from just after this one's start: a
		// record whose brackets never close would otherwise swallow the
		// records after it.
		r.resync(i+1, pe)
		return
	}
}

// finishRecord appends the decoded record, or skips a digest, or rejects it.
func (r *CloudTrailReader) finishRecord(start int) {
	switch {
	case r.recErr != nil:
		r.reject(r.parseError(r.recErr.at, r.recErr.err, r.recPath))
	case r.mask&markDigest != 0 && r.mask&markRecord == 0:
		r.stats.Skipped++
	case r.mask&markRecord == 0:
		r.reject(r.parseError(start, errExpected(ErrFormat,
			"a CloudTrail record (eventVersion, eventTime, eventName, eventSource, eventID or eventType)",
			"an object with none of them"), nil))
	case r.vals[r.plan.timeSlot].src == srcNull && r.vals[r.plan.tsSlot].src != srcNull:
		// Slow path: a record without eventTime (JSON null was rejected
		// where it was read) but with "@timestamp", as SIEM exports have.
		r.fallbackTime()
		r.finishRecord(start)
	case r.vals[r.plan.timeSlot].src == srcNull:
		// Slow path: a record with neither key.
		r.reject(r.parseError(start, errExpected(ErrType, "eventTime (RFC 3339 time)", "a record without it"), nil))
	case len(r.filters) > 0 && !r.keep():
		// Left out (WithEqual): read and checked as a row is, counted
		// as one, but not built.
		r.stats.Records++
		r.recIdx++
	default:
		r.appendRecord()
		r.recIdx++
	}
}

// fallbackTime makes the record's "@timestamp" its eventtime: the value is
// decoded and checked exactly as an eventTime value at its place would be,
// so a bad one is the record's error, at the value, on the path
// "record 3.@timestamp". It leaves either the eventtime slot set or r.recErr,
// and the "@timestamp" slot empty.
func (r *CloudTrailReader) fallbackTime() {
	s := r.vals[r.plan.tsSlot]
	r.vals[r.plan.tsSlot] = span{}
	r.stack = append(r.stack[:0], pathElem{key: r.tsKey})
	if _, err := r.parseValue(r.buf, int(s.start), r.plan.timeField, r.vals, 1); err != nil {
		panic("BUG: @timestamp skipped but not decodable: " + err.Error())
	}
	r.stack = r.stack[:0]
}

func containsNewline(b []byte) bool {
	for _, c := range b {
		if c == '\n' {
			return true
		}
	}
	return false
}

// skipLine moves past the next newline at or after buf[at], reading more
// input as needed.
func (r *CloudTrailReader) skipLine(at int) {
	for {
		for j := at; j < len(r.buf); j++ {
			if r.buf[j] == '\n' {
				r.pos = j + 1
				return
			}
		}
		if r.eof || r.err != nil {
			r.pos = len(r.buf)
			return
		}
		r.pos = len(r.buf)
		r.fill(len(r.buf))
		at = 0
	}
}

// skipRejected rejects the record at buf[i] with pe and skips it as a
// stream, holding at most one buffer of it: used for records too large or too
// deep to decode.
func (r *CloudTrailReader) skipRejected(i int, pe *ParseError) {
	var sk streamSkipper
	j := i
	for {
		end, done := sk.feed(r.buf, j)
		if done {
			r.pos = end
			r.reject(pe)
			return
		}
		if r.eof || r.err != nil {
			r.stats.Rejected++
			if r.err == nil {
				r.err = pe
			}
			r.state = stDone
			return
		}
		r.pos = len(r.buf)
		r.fill(len(r.buf))
		j = 0
	}
}

// streamSkipper skips one JSON value fed in pieces, tracking only string
// state and bracket depth.
type streamSkipper struct {
	depth   int
	inStr   bool
	esc     bool
	started bool
}

// feed consumes b[i:] and returns the index after the value when it ends.
func (s *streamSkipper) feed(b []byte, i int) (int, bool) {
	for ; i < len(b); i++ {
		c := b[i]
		if s.inStr {
			switch {
			case s.esc:
				s.esc = false
			case c == '\\':
				s.esc = true
			case c == '"':
				s.inStr = false
			}
			continue
		}
		switch c {
		case '"':
			s.inStr = true
		case '{', '[':
			s.depth++
			s.started = true
		case '}', ']':
			s.depth--
			if s.started && s.depth == 0 {
				return i + 1, true
			}
		}
	}
	return i, false
}

// parseRecord decodes the object at buf[i] into r.vals and r.lists. Syntax
// errors and errNeedMore are returned; type errors are kept in r.recErr and
// decoding goes on, so the record's end is known and it can be skipped.
func (r *CloudTrailReader) parseRecord(i int) (int, error) {
	clear(r.vals)
	for k := range r.lists {
		r.lists[k] = r.lists[k][:0]
	}
	r.scratch = r.scratch[:0]
	r.stack = r.stack[:0]
	r.mask = 0
	r.recErr = nil
	return r.parseTop(r.buf, i)
}

// parseTop is parseObject for a record's top level (r.plan.top, depth
// 1), with its most common member in a loop of its own: the key
// predicted from the last record's order, matched as words with its ':'
// (keyWordsAt), before a value without blank space. Its value is
// skipped (its key joins the path only if skipping fails) or decoded,
// and its mark set, as in parseObject; any other member goes through
// topMember, parseObject's loop body. Most of a record's ~20
// members take the loop, which keeps fewer values live across the skip
// calls than parseObject's (~30 % of whose instructions were reloads
// and checks around them). Where the CPU has AVX2, the members it
// skips with a string, literal or container value, and those it
// decodes from a plain ASCII string, a literal or (raw JSON) an ASCII
// container, go in runs through skipMembersAVX2, which tries both
// predictions (pred1 too, as topMember does) and stops at anything
// else: a decoded string there costs ~40 instructions instead of
// ~260 (parseValue, parseString, scanString, decodeString, the path).
func (r *CloudTrailReader) parseTop(b []byte, i int) (int, error) {
	i = skipWS(b, i+1)
	if i >= len(b) {
		return 0, errNeedMore
	}
	if b[i] == '}' {
		return i + 1, nil
	}
	// As parseObject's pred and prev: pred0 and pred1 are the fields
	// whose keys the next member most likely has, prev the last known
	// key's field.
	pred0, pred1 := r.plan.top.first, (*ctField)(nil)
	var prev *ctField
	for {
		if b[i] != '"' {
			return 0, errAt(i, errExpected(ErrSyntax, "object key", describe(b, i)))
		}
		fast := false
		if useSkipMembers && pred0 != nil && pred0.inRuns() {
			// The members skipped, and the strings, literals and raw
			// JSON decoded, in a run (skipMembersAVX2): it stops after
			// a value not followed by ',' and a key, at a container it
			// leaves to Go, or at a member the paths below read (a
			// miss, a time or a struct, a string with an escape or a
			// byte >= 0x80, the window's last 64 bytes...). It is not
			// called where the predicted member is one it never reads:
			// a call that stops at once cost more than the runs saved.
			k, last, status := skipMembersAVX2(b, i, pred0, pred1, &r.blocks, r.vals, MaxDepth-1, &r.times)
			if last != nil {
				r.mask |= uint8(status >> 8)
				prev, pred0, pred1 = last, last.next[0], last.next[1]
				if status&(markTime<<8) != 0 {
					r.runTime(b)
				}
			}
			i = k
			switch status & 0xff {
			case membersAfter:
				if k < len(b) && b[k] == '}' {
					return k + 1, nil // the record's end, as nextMember reads it
				}
				fast = true
			case membersContainer:
				// last's value, read as the fast path below does.
				var end int
				var err error
				if last.kind == ctSkip {
					end, err = r.skipTopContainer(b, k)
				} else {
					r.stack = append(r.stack, pathElem{key: b[k-last.plen+1 : k-2]})
					if end, err = r.parseValue(b, k, last, r.vals, 1); err == nil {
						r.stack = r.stack[:len(r.stack)-1]
					}
				}
				if err != nil {
					if err != errNeedMore && last.kind == ctSkip {
						r.stack = append(r.stack, pathElem{key: b[k-last.plen+1 : k-2]}) // for the error's path
					}
					return 0, err
				}
				i, fast = end, true
			}
		}
		if f := pred0; !fast && f != nil && f.plen > 0 && i+24 < len(b) && f.keyWordsAt(b, i) {
			// Fast path: the predicted key; v < len(b) as plen <= 24.
			if v := i + f.plen; b[v] > ' ' {
				fast = true
				r.mask |= f.mark
				var end int
				var err error
				if f.kind == ctSkip {
					switch b[v] {
					case '"':
						end, err = skipString(b, v)
					case '{', '[':
						end, err = r.skipTopContainer(b, v)
					default:
						end, err = skipValue(b, v, 1)
					}
					if err != nil {
						if err != errNeedMore {
							r.stack = append(r.stack, pathElem{key: b[i+1 : i+f.plen-2]}) // for the error's path
						}
						return 0, err
					}
				} else {
					r.stack = append(r.stack, pathElem{key: b[i+1 : i+f.plen-2]})
					if end, err = r.parseValue(b, v, f, r.vals, 1); err != nil {
						return 0, err
					}
					r.stack = r.stack[:len(r.stack)-1]
				}
				prev, pred0, pred1 = f, f.next[0], f.next[1]
				i = end
			}
		}
		if !fast {
			// Slow path: any other member.
			var err error
			if i, prev, pred0, pred1, err = r.topMember(b, i, prev, pred0, pred1); err != nil {
				return 0, err
			}
		}
		// nextMember, with its fast path (compact JSON) written out.
		if i+1 < len(b) && b[i] == ',' && b[i+1] == '"' {
			i++
			continue
		}
		var done bool
		var err error
		if i, done, err = nextMember(b, i, '}'); done || err != nil {
			return i, err
		}
	}
}

// inRuns reports whether skipMembersAVX2 reads a member of f's: skipped,
// or a string, raw JSON or time column's.
func (f *ctField) inRuns() bool {
	return f.kind == ctSkip || f.kind == ctString || f.kind == ctTime || f.kind == ctRaw
}

// runTime checks the eventTime a run of skipMembersAVX2 decoded (a
// plain ASCII string, its span in the time slot; at most one a run) as
// parseString checks it. It runs right after the run: the members read
// in it after the time record no error, so the time's is still the
// record's first, as when parseString checked it in place.
func (r *CloudTrailReader) runTime(b []byte) {
	f := r.plan.timeField
	s := r.vals[f.slot]
	v := b[s.start:s.end]
	if r.times.isTime(v) {
		return
	}
	// Slow path: the record's error, at the value's quote, on the path
	// of the key as spelled (`"eventTime":` right before the quote).
	q := int(s.start) - 1
	r.vals[f.slot] = span{}
	r.stack = append(r.stack, pathElem{key: b[q-f.plen+1 : q-2]})
	r.semantic(q, errExpected(ErrType, "RFC 3339 time", quoteFound(v)))
	r.stack = r.stack[:len(r.stack)-1]
}

// skipMembers' statuses: where it stopped (see skipMembersAVX2).
const (
	membersAt        = iota // at a member's key, for the paths of parseTop
	membersAfter            // after a value, before something other than ',' and a key
	membersContainer        // at the value of the last member skipped, a container
)

// skipTopContainer is skipContainer(b, i, 1), for a top-level member's
// value, with the reader's block state: skipContainerBlocks zeroes one
// of ~150 bytes a call, and a record skips about five containers.
// Where the container does not end in the blocks skipBlocks takes
// (escapes outside strings, errors, the window's last 64 bytes),
// skipContainer reads it again from its start.
func (r *CloudTrailReader) skipTopContainer(b []byte, i int) (int, error) {
	if useSkipBlocks && len(b)-i >= 64 {
		st := &r.blocks
		st.n, st.room, st.inStr, st.escCarry = 0, MaxDepth-1, 0, 0
		if k, status := skipBlocks(b, i, st); status == blocksDone {
			return k, nil
		}
	}
	return skipContainer(b, i, 1)
}

// topMember reads the top-level member at b[i] (its key's quote) as
// parseObject's loop body does, given its prediction state (see
// parseTop), and returns the index after the value and the state for
// the next member.
func (r *CloudTrailReader) topMember(b []byte, i int, prev, pred0, pred1 *ctField) (int, *ctField, *ctField, *ctField, error) {
	obj := r.plan.top
	var f *ctField
	kend, hit := 0, false
	if f = pred0; f != nil {
		if kend, hit = f.keyMatch(b, i); !hit {
			if f = pred1; f != nil {
				kend, hit = f.keyMatch(b, i)
			}
		}
	}
	if !hit {
		var kflags uint8
		var err error
		if kend, kflags, err = scanString(b, i); err != nil {
			return 0, nil, nil, nil, err
		}
		f = nil
		if kflags&strEscaped == 0 {
			if f = obj.find(b[i+1 : kend-1]); f == nil {
				f = obj.unknownKey(b[i+1 : kend-1])
			}
		}
		if f != nil {
			obj.follows(prev, f)
		}
	}
	if f != nil {
		prev, pred0, pred1 = f, f.next[0], f.next[1]
	} else {
		pred0, pred1 = nil, nil
	}
	kstart := i + 1
	var err error
	if i, err = afterKey(b, kend); err != nil {
		return 0, nil, nil, nil, err
	}
	if f == nil || f.kind == ctSkip {
		if f != nil {
			r.mask |= f.mark
		}
		if i, err = skipValue(b, i, 1); err != nil {
			if err != errNeedMore {
				r.stack = append(r.stack, pathElem{key: b[kstart : kend-1]}) // for the error's path
			}
			return 0, nil, nil, nil, err
		}
	} else {
		r.mask |= f.mark
		r.stack = append(r.stack, pathElem{key: b[kstart : kend-1]})
		if i, err = r.parseValue(b, i, f, r.vals, 1); err != nil {
			return 0, nil, nil, nil, err
		}
		r.stack = r.stack[:len(r.stack)-1]
	}
	return i, prev, pred0, pred1, nil
}

// semantic records the first type error of the record.
func (r *CloudTrailReader) semantic(at int, err error) {
	if r.recErr == nil {
		r.recErr = errAt(at, err)
		r.recPath = append(r.recPath[:0], r.stack...)
	}
}

// parseObject decodes the object at b[i] per obj into vals.
func (r *CloudTrailReader) parseObject(b []byte, i int, obj *ctObject, vals []span, depth int) (int, error) {
	if depth > MaxDepth {
		return 0, errAt(i, errExpected(ErrTooDeep, "at most "+itoa(MaxDepth)+" levels of nesting", "deeper nesting"))
	}
	top := obj == r.plan.top
	i = skipWS(b, i+1)
	if i >= len(b) {
		return 0, errNeedMore
	}
	if b[i] == '}' {
		return i + 1, nil
	}
	// pred are the fields whose keys the next member most likely has (the
	// keys that followed the last one lately); prev is the last known key's.
	pred := [2]*ctField{obj.first}
	var prev *ctField
	var err error
	for {
		if b[i] != '"' {
			return 0, errAt(i, errExpected(ErrSyntax, "object key", describe(b, i)))
		}
		if useSkipMembers && pred[0] != nil && pred[0].inRuns() {
			// A run of members, as parseTop reads them
			// (skipMembersAVX2): useridentity's strings, most of all.
			k, last, status := skipMembersAVX2(b, i, pred[0], pred[1], &r.blocks, vals, MaxDepth-depth, &r.times)
			if last != nil {
				if top {
					r.mask |= uint8(status >> 8)
					if status&(markTime<<8) != 0 {
						r.runTime(b)
					}
				}
				prev, pred = last, last.next
			}
			i = k
			switch status & 0xff {
			case membersAfter:
				if k < len(b) && b[k] == '}' {
					return k + 1, nil // the object's end, as nextMember reads it
				}
				goto next
			case membersContainer:
				// last's value, read as the paths below read it.
				if last.kind == ctSkip {
					if i, err = skipContainer(b, k, depth); err != nil {
						if err != errNeedMore {
							r.stack = append(r.stack, pathElem{key: b[k-last.plen+1 : k-2]}) // for the error's path
						}
						return 0, err
					}
				} else {
					r.stack = append(r.stack, pathElem{key: b[k-last.plen+1 : k-2]})
					if i, err = r.parseValue(b, k, last, vals, depth); err != nil {
						return 0, err
					}
					r.stack = r.stack[:len(r.stack)-1]
				}
				goto next
			}
		}
		{
			// Fast path: a predicted key, with no scan and no lookup; a hit is
			// the field the slow path would find (see keyAt).
			var f *ctField
			kend, hit := 0, false
			if f = pred[0]; f != nil {
				// keyMatch, written out for the first guess.
				if f.plen > 0 && i+24 <= len(b) {
					kend, hit = i+f.plen-1, f.keyWordsAt(b, i)
				} else {
					kend, hit = f.keyAt(b, i)
				}
				if !hit {
					if f = pred[1]; f != nil {
						kend, hit = f.keyMatch(b, i)
					}
				}
			}
			if !hit {
				// A miss: the key is scanned and looked up, and the order
				// learnt. At the top level the lookup also sets the marks
				// that tell records from digests.
				var kflags uint8
				if kend, kflags, err = scanString(b, i); err != nil {
					return 0, err
				}
				f = nil
				if kflags&strEscaped == 0 {
					if f = obj.find(b[i+1 : kend-1]); f == nil {
						f = obj.unknownKey(b[i+1 : kend-1])
					}
				}
				if f != nil {
					obj.follows(prev, f)
				}
			}
			if f != nil {
				prev, pred = f, f.next
			} else {
				pred = [2]*ctField{}
			}
			// The key, b[kstart:kend-1], is sliced only where it joins the
			// path: slicing it for every member, skipped ones too, was ~10
			// instructions a key (bounds checks), ~4 % of the instructions
			// of reading one column.
			kstart := i + 1
			// afterKey, with its fast path written out: a call per key costs
			// about 5 % of a full-schema read.
			if i = kend + 1; i < len(b) && b[kend] == ':' && b[i] > ' ' {
			} else if i, err = afterKeySlow(b, kend); err != nil {
				return 0, err
			}
			// A skipped value's key joins the path only if skipping it fails.
			if f == nil || f.kind == ctSkip {
				if f != nil && top {
					r.mask |= f.mark
				}
				// skipValue's dispatch written out for the common kinds.
				switch b[i] {
				case '"':
					i, err = skipString(b, i)
				case '{', '[':
					i, err = skipContainer(b, i, depth)
				default:
					i, err = skipValue(b, i, depth)
				}
				if err != nil {
					if err != errNeedMore {
						r.stack = append(r.stack, pathElem{key: b[kstart : kend-1]}) // for the error's path
					}
					return 0, err
				}
			} else {
				if top {
					r.mask |= f.mark
				}
				r.stack = append(r.stack, pathElem{key: b[kstart : kend-1]})
				if i, err = r.parseValue(b, i, f, vals, depth); err != nil {
					return 0, err
				}
				r.stack = r.stack[:len(r.stack)-1]
			}
		}
	next:
		// nextMember, with its fast path (compact JSON) written out.
		if i+1 < len(b) && b[i] == ',' && b[i+1] == '"' {
			i++
			continue
		}
		var done bool
		if i, done, err = nextMember(b, i, '}'); done || err != nil {
			return i, err
		}
	}
}

// nextMember moves past the separator after an object member or array
// element ending at b[i]: it returns the index of the next member, or
// done and the index after the closing bracket.
func nextMember(b []byte, i int, closing byte) (int, bool, error) {
	i = skipWS(b, i)
	if i >= len(b) {
		return 0, false, errNeedMore
	}
	switch b[i] {
	case ',':
		i = skipWS(b, i+1)
		if i >= len(b) {
			return 0, false, errNeedMore
		}
		return i, false, nil
	case closing:
		return i + 1, true, nil
	}
	expected := "',' or '}' in object"
	if closing == ']' {
		expected = "',' or ']' in array"
	}
	return 0, false, errAt(i, errExpected(ErrSyntax, expected, describe(b, i)))
}

// parseValue decodes the value of field f at b[i] into its slot.
func (r *CloudTrailReader) parseValue(b []byte, i int, f *ctField, vals []span, depth int) (int, error) {
	c := b[i]
	if c == 'n' && f.kind != ctTimeFallback {
		end, err := scanLiteral(b, i, "null")
		if err == nil {
			vals[f.slot] = span{}
			if f.kind == ctTime {
				r.semantic(i, errExpected(ErrType, "RFC 3339 time", "null"))
			}
		}
		return end, err
	}
	switch f.kind {
	case ctString, ctTime:
		if c == '"' {
			return r.parseString(b, i, f, vals)
		}
		end, err := skipValue(b, i, depth)
		if err != nil {
			return 0, err
		}
		if f.kind == ctTime {
			r.semantic(i, errExpected(ErrType, "string (RFC 3339 time)", describe(b, i)))
			return end, nil
		}
		if c == '{' || c == '[' {
			r.semantic(i, errExpected(ErrType, "string", describe(b, i)))
			return end, nil
		}
		// A number or boolean in a string column reads as its text.
		vals[f.slot] = span{start: int32(i), end: int32(end), src: srcBuf}
		return end, nil
	case ctTimeFallback:
		// Kept as it is: it matters, and is checked, only in a record
		// without eventTime (see fallbackTime).
		end, err := skipValue(b, i, depth)
		if err == nil {
			vals[f.slot] = span{start: int32(i), end: int32(end), src: srcBuf}
			r.tsKey = r.stack[len(r.stack)-1].key
		}
		return end, err
	case ctRaw:
		if c == '"' {
			return r.parseString(b, i, f, vals)
		}
		end, err := skipValue(b, i, depth)
		if err != nil {
			return 0, err
		}
		if !utf8.Valid(b[i:end]) {
			r.semantic(i, errExpected(ErrSyntax, "valid UTF-8", "invalid bytes"))
			return end, nil
		}
		vals[f.slot] = span{start: int32(i), end: int32(end), src: srcBuf}
		return end, nil
	case ctStruct:
		if c != '{' {
			end, err := skipValue(b, i, depth)
			if err == nil {
				r.semantic(i, errExpected(ErrType, "object", describe(b, i)))
			}
			return end, err
		}
		vals[f.slot] = span{src: srcPresent}
		return r.parseObject(b, i, f.obj, vals, depth+1)
	case ctList:
		if c != '[' {
			end, err := skipValue(b, i, depth)
			if err == nil {
				r.semantic(i, errExpected(ErrType, "array", describe(b, i)))
			}
			return end, err
		}
		return r.parseList(b, i, f, vals, depth)
	case ctMap:
		if c != '{' {
			end, err := skipValue(b, i, depth)
			if err == nil {
				r.semantic(i, errExpected(ErrType, "object", describe(b, i)))
			}
			return end, err
		}
		return r.parseMap(b, i, f, vals, depth)
	}
	panic("BUG: unexpected field kind")
}

// parseString decodes the string at b[i] into f's slot.
func (r *CloudTrailReader) parseString(b []byte, i int, f *ctField, vals []span) (int, error) {
	end, flags, err := scanString(b, i)
	if err != nil {
		return 0, err
	}
	sp, ok := r.stringSpan(b, i, end, flags)
	if !ok {
		return end, nil
	}
	if f.kind == ctTime {
		if v := r.bytesOf(sp); !r.times.isTime(v) {
			r.semantic(i, errExpected(ErrType, "RFC 3339 time", quoteFound(v)))
			return end, nil
		}
	}
	vals[f.slot] = sp
	return end, nil
}

// stringSpan returns the decoded content of the string b[i:end], checking
// escapes and UTF-8; false means a semantic error was recorded.
func (r *CloudTrailReader) stringSpan(b []byte, i, end int, flags uint8) (span, bool) {
	sp, at, err := r.decodeString(b, i, end, flags)
	if err != nil {
		r.semantic(at, err)
		return span{}, false
	}
	return sp, true
}

// parseList decodes an array of objects into the list's element storage.
func (r *CloudTrailReader) parseList(b []byte, i int, f *ctField, vals []span, depth int) (int, error) {
	store := f.list
	first := len(r.lists[store]) / f.obj.nslots
	n := 0
	i = skipWS(b, i+1)
	if i >= len(b) {
		return 0, errNeedMore
	}
	if b[i] != ']' {
		for {
			r.stack = append(r.stack, pathElem{idx: n})
			base := len(r.lists[store])
			for range f.obj.nslots {
				r.lists[store] = append(r.lists[store], span{})
			}
			elem := r.lists[store][base : base+f.obj.nslots]
			var err error
			switch b[i] {
			case '{':
				elem[0] = span{src: srcPresent}
				i, err = r.parseObject(b, i, f.obj, elem, depth+1)
			case 'n':
				i, err = scanLiteral(b, i, "null")
			default:
				start := i
				i, err = skipValue(b, i, depth+1)
				if err == nil {
					r.semantic(start, errExpected(ErrType, "object", describe(b, start)))
				}
			}
			if err != nil {
				return 0, err
			}
			r.stack = r.stack[:len(r.stack)-1]
			n++
			var done bool
			if i, done, err = nextMember(b, i, ']'); err != nil {
				return 0, err
			}
			if done {
				break
			}
		}
	} else {
		i++
	}
	vals[f.slot] = span{start: int32(first), end: int32(n), src: srcPresent}
	return i, nil
}

// parseMap decodes an object of string values into key/value spans.
func (r *CloudTrailReader) parseMap(b []byte, i int, f *ctField, vals []span, depth int) (int, error) {
	store := f.list
	first := len(r.lists[store]) / 2
	n := 0
	i = skipWS(b, i+1)
	if i >= len(b) {
		return 0, errNeedMore
	}
	if b[i] != '}' {
		for {
			if b[i] != '"' {
				return 0, errAt(i, errExpected(ErrSyntax, "object key", describe(b, i)))
			}
			kend, kflags, err := scanString(b, i)
			if err != nil {
				return 0, err
			}
			// A bad key is a semantic error of the record (kept by
			// stringSpan); the pair is dropped and decoding goes on.
			ks, keyOK := r.stringSpan(b, i, kend, kflags)
			if i, err = afterKey(b, kend); err != nil {
				return 0, err
			}
			var vs span
			switch b[i] {
			case '"':
				vend, vflags, err := scanString(b, i)
				if err != nil {
					return 0, err
				}
				vs, _ = r.stringSpan(b, i, vend, vflags)
				i = vend
			case 'n':
				if i, err = scanLiteral(b, i, "null"); err != nil {
					return 0, err
				}
			default:
				start := i
				if i, err = skipValue(b, i, depth+1); err != nil {
					return 0, err
				}
				vs = span{start: int32(start), end: int32(i), src: srcBuf}
			}
			if keyOK {
				r.lists[store] = append(r.lists[store], ks, vs)
				n++
			}
			var done bool
			if i, done, err = nextMember(b, i, '}'); err != nil {
				return 0, err
			}
			if done {
				break
			}
		}
	} else {
		i++
	}
	vals[f.slot] = span{start: int32(first), end: int32(n), src: srcPresent}
	return i, nil
}

// appendRecord appends the decoded record to the builders: exactly one value
// or null per column.
func (r *CloudTrailReader) appendRecord() {
	if r.rows == 0 {
		r.reserve()
		for _, k := range r.plan.onlyKeys {
			clear(k.dec) // the batch's dictionaries start anew
		}
		for _, g := range r.plan.onlyGroups {
			clear(g.dec)
		}
	}
	// The columns decoded in every record first: the keys of the others
	// (WithOnlyIn) are among them. The plan's ops are the columns'
	// leaves in that order, a loop instead of appendCol's recursion and
	// switch per column; the columns decoded only in some records come
	// after, in a loop of their own, so the first keeps less state live
	// across its appends.
	vals := r.vals
	ops := r.plan.ops
	for k := 0; k < len(ops); k++ {
		op := &ops[k]
		s := vals[op.slot]
		switch op.kind {
		case opStr:
			if s.src == srcNull {
				op.str.appendNull()
			} else {
				op.str.append(r.bytesOf(s))
			}
		case opDict:
			if s.src == srcNull {
				op.dict.appendNull()
			} else {
				op.dict.append(r.bytesOf(s))
			}
		case opStruct:
			if s.src == srcNull {
				// Slow path: a null struct, its subtree null.
				r.appendCol(op.col, vals)
				k += op.sub
				continue
			}
			op.col.st.append(true)
		case opOther:
			r.appendCol(op.col, vals)
		}
	}
	if only := r.plan.only; len(only) > 0 {
		// The bits of the keys that admit it (bit 63 only says a key
		// was looked up). Most records are admitted by none: then,
		// without keys asked one by one, no column of only is decoded
		// and the loop is not run.
		admitted := r.onlyMask() &^ (1 << 63)
		if admitted == 0 && !r.plan.onlySlow {
			only = nil
		}
		for k := range only {
			op := &only[k]
			// Not needed in this record: null, not copied, and not
			// even appended: the nulls of a run of such records are
			// written at once, before the next value or at flush.
			if o := op.col.only; admitted&o.mask != 0 || len(o.slow) > 0 && r.admits(o.slow) {
				op.padNulls(r.rows)
				r.appendCol(op.col, vals)
			}
		}
	}
	r.rows++
}

// onlyMask returns the bits of the keys of the plan's onlyGroups that
// admit the record: per group, the bits its key's dictionary entry got
// when first looked up in the batch.
func (r *CloudTrailReader) onlyMask() uint64 {
	var m uint64
	for _, g := range r.plan.onlyGroups {
		d := g.dict
		n := d.n - 1
		if d.valid.b[n>>3]&(1<<(n&7)) == 0 {
			continue // null admits nothing
		}
		id := d.ix[n]
		if int(id) >= len(g.dec) {
			g.dec = append(g.dec, make([]uint64, d.dict.n-len(g.dec))...)
		}
		v := g.dec[id]
		if v == 0 {
			v = 1 << 63
			val := d.dict.d[d.dict.o[id]:d.dict.o[id+1]]
			for _, k := range g.keys {
				if r.admitsSlow(k, val) {
					v |= 1 << k.bit
				}
			}
			g.dec[id] = v
		}
		m |= v
	}
	return m
}

// admits reports whether one of keys admits the record.
func (r *CloudTrailReader) admits(keys []*ctOnlyKey) bool {
	for _, k := range keys {
		if r.admitsKey(k) {
			return true
		}
	}
	return false
}

// admitsKey reports whether the record's key column of o holds one of
// o's values or lower-cases (as the engine's lower does) to one of its
// folded values.
func (r *CloudTrailReader) admitsKey(o *ctOnlyKey) bool {
	if d := o.dict; d != nil {
		// Fast path: the record's key, appended already, is an index
		// into the batch's dictionary, looked up once per batch.
		n := d.n - 1
		if d.valid.b[n>>3]&(1<<(n&7)) == 0 {
			return false // null
		}
		id := d.ix[n]
		if int(id) >= len(o.dec) {
			o.dec = append(o.dec, make([]int8, d.dict.n-len(o.dec))...)
		}
		if v := o.dec[id]; v != 0 {
			return v == 1
		}
		ok := r.admitsSlow(o, d.dict.d[d.dict.o[id]:d.dict.o[id+1]])
		o.dec[id] = 2
		if ok {
			o.dec[id] = 1
		}
		return ok
	}
	s := r.vals[o.key]
	if s.src == srcNull {
		return false
	}
	b := r.bytesOf(s)
	// Fast path: the key of the record before.
	if o.last != nil && string(b) == string(o.last) {
		return o.lastOK
	}
	ok := r.admitsSlow(o, b)
	o.last, o.lastOK = append(o.last[:0], b...), ok
	return ok
}

func (r *CloudTrailReader) admitsSlow(o *ctOnlyKey, b []byte) bool {
	if _, ok := o.values[string(b)]; ok {
		return true
	}
	if len(o.folded) == 0 {
		return false
	}
	low := r.lower[:0]
	for _, c := range b {
		if c >= utf8.RuneSelf {
			// Lower-casing beyond ASCII.
			_, ok := o.folded[strings.ToLower(string(b))]
			return ok
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low = append(low, c)
	}
	r.lower = low
	_, ok := o.folded[string(low)]
	return ok
}

// nullSlots stands for the slots of a null struct: every child is null.
// It is never written.
var nullSlots [128]span

func (r *CloudTrailReader) appendCol(c *ctCol, vals []span) {
	s := vals[c.slot]
	switch c.kind {
	case ctString, ctTime, ctRaw:
		switch {
		case s.src == srcNull:
			if c.dict != nil {
				c.dict.appendNull()
			} else {
				c.str.appendNull()
			}
		case c.dict != nil:
			c.dict.append(r.bytesOf(s))
		default:
			c.str.append(r.bytesOf(s))
		}
	case ctStruct:
		// A null struct still appends (null) values to its children, so
		// every child has one value per row.
		c.st.append(s.src != srcNull)
		if s.src == srcNull {
			vals = nullSlots[:]
		}
		for _, ch := range c.children {
			r.appendCol(ch, vals)
		}
	case ctList:
		if s.src == srcNull {
			c.lst.append(false, 0)
			return
		}
		c.lst.append(true, int(s.end))
		store := r.lists[c.list]
		for e := int(s.start); e < int(s.start+s.end); e++ {
			r.appendCol(c.elem, store[e*c.nslots:(e+1)*c.nslots])
		}
	case ctMap:
		if s.src == srcNull {
			c.lst.append(false, 0)
			return
		}
		c.lst.append(true, int(s.end))
		store := r.lists[c.list]
		for e := int(s.start); e < int(s.start+s.end); e++ {
			c.mk.append(r.bytesOf(store[2*e]))
			if v := store[2*e+1]; v.src == srcNull {
				c.mv.appendNull()
			} else {
				c.mv.append(r.bytesOf(v))
			}
		}
	}
}
