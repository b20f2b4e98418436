package parsers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// This file holds the reader shared by the flat JSON tables (GuardDuty
// findings, AWS Config configuration items): one JSON object a row, whose
// top-level keys are the columns. It scans with the CloudTrail reader's
// byte-level helpers (json_scan.go) and builds with its column builders
// (arrow_build.go): only projected keys are decoded, the values of the
// others are skipped structurally, and nested objects the schema does not
// model are kept as their raw JSON text.

// jrKind says how a column's value is decoded.
type jrKind uint8

const (
	jrString jrKind = iota // a string; numbers and booleans become their text (Athena's JSON SerDe)
	jrTime                 // a string holding an RFC 3339 time
	jrRaw                  // any JSON value as its text; a string value as its content
	jrInt64                // an integer
	jrMap                  // an object: keys to string content or raw JSON text
)

// jrColumn is one column of a flat JSON table: its lower-case JSON key,
// how its value decodes, and whether a record without it is rejected.
type jrColumn struct {
	key      string
	kind     jrKind
	required bool
}

// jrTable describes a flat JSON table to the reader.
type jrTable struct {
	name    string        // "guardduty", for messages
	schema  *arrow.Schema // the full schema; field i is columns[i] ($path aside)
	columns []jrColumn
	// arrayKey, when set, is the key of the top-level object whose array
	// holds the records ("configurationitems"); objects without it are
	// skipped and counted in Stats.Skipped. When empty, every top-level
	// object is a record (JSON Lines).
	arrayKey string
	// what the records are, for messages ("a GuardDuty finding").
	what string
}

// jrField is a key of the record object as the plan decodes it.
type jrField struct {
	key     string
	spelled string // last spelling seen, for an exact match first
	kind    jrKind
	slot    int // value slot; -1 when the column is not projected
	col     int // index in the table's columns
}

// jrOut is one projected column's builder.
type jrOut struct {
	slot int
	kind jrKind
	ct   *ctCol              // string, dictionary and map columns
	i64  *array.Int64Builder // jrInt64
}

// jsonRowReader reads the records of a flat JSON table. See
// [GuardDutyReader] and [ConfigReader].
type jsonRowReader struct {
	// jsonInput holds the input window (buf[pos:] is not consumed yet) and
	// the scratch buffer of the current record's unescaped strings, as
	// the CloudTrail reader's.
	jsonInput
	t      *jrTable
	source string
	strict bool
	mem    memory.Allocator

	lines     int   // newlines in the input before buf[0]
	lineStart int64 // stream offset of the line buf[0] is on

	state     jrState
	seenValue bool
	recIdx    int

	fields   []jrField
	reqMask  uint64   // bits of the required keys
	seenMask uint64   // bits of the required keys the record has (not null)
	keyBits  []uint64 // per field: its bit in reqMask, 0 when not required
	outs     []jrOut
	path     *dictBuilder
	pathCol  int
	schema   *arrow.Schema
	rows     int
	reserved int
	batch    arrow.RecordBatch

	vals   []span
	maps   [][]span // per map slot: key/value spans
	errAt  int
	errKey []byte
	recErr error

	stats   Stats
	rejects ErrorList
	err     error
}

type jrState uint8

const (
	jrStart     jrState = iota // before a top-level value
	jrElemFirst                // after '[' of the records array: a record or ']'
	jrElemNext                 // after a record: ',' or ']'
	jrElem                     // after ',': a record
	jrRest                     // after the records array: more keys or '}'
	jrDone
)

func newJSONRowReader(t *jrTable, r io.Reader, source string, opts []Option) (*jsonRowReader, error) {
	cfg := newConfig(opts)
	schema, err := projectSchema(t.schema, cfg.columns)
	if err != nil {
		return nil, fmt.Errorf("%s projection: %w", t.name, err)
	}
	jr := &jsonRowReader{
		jsonInput: jsonInput{src: r, buf: make([]byte, 0, windowSize)},
		t:         t, source: source, strict: cfg.strict, mem: cfg.mem,
		schema: schema, pathCol: -1,
	}
	jr.rejects.Max = cfg.maxErrors
	slots := 0
	for i, c := range t.columns {
		f := jrField{key: c.key, kind: c.kind, slot: -1, col: i}
		if idx := schema.FieldIndices(t.schema.Field(i).Name); len(idx) > 0 || c.required {
			f.slot = slots
			slots++
		}
		if c.required {
			jr.reqMask |= 1 << len(jr.keyBits)
			jr.keyBits = append(jr.keyBits, 1<<len(jr.keyBits))
		} else {
			jr.keyBits = append(jr.keyBits, 0)
		}
		jr.fields = append(jr.fields, f)
	}
	jr.vals = make([]span, slots)
	jr.maps = make([][]span, slots)
	for i, f := range schema.Fields() {
		if f.Name == SourceColumn {
			jr.pathCol = i
			jr.path = newDictBuilder(cfg.mem)
			continue
		}
		ci := t.schema.FieldIndices(f.Name)[0]
		out := jrOut{slot: jr.fields[ci].slot, kind: t.columns[ci].kind}
		switch {
		case out.kind == jrInt64:
			out.i64 = array.NewInt64Builder(cfg.mem)
		case out.kind == jrMap:
			out.ct = &ctCol{kind: ctMap, typ: f.Type, lst: &offsetsBuilder{validBuilder: validBuilder{mem: cfg.mem}},
				mk: newStrBuilder(cfg.mem), mv: newStrBuilder(cfg.mem)}
		case f.Type.ID() == arrow.DICTIONARY:
			out.ct = &ctCol{kind: ctString, typ: f.Type, dict: newDictBuilder(cfg.mem)}
		default:
			out.ct = &ctCol{kind: ctString, typ: f.Type, str: newStrBuilder(cfg.mem)}
		}
		jr.outs = append(jr.outs, out)
	}
	return jr, nil
}

func (r *jsonRowReader) Schema() *arrow.Schema    { return r.schema }
func (r *jsonRowReader) Batch() arrow.RecordBatch { return r.batch }
func (r *jsonRowReader) Err() error               { return r.err }
func (r *jsonRowReader) Rejects() *ErrorList      { return &r.rejects }

func (r *jsonRowReader) Stats() Stats {
	s := r.stats
	s.Bytes = r.base + int64(r.pos)
	return s
}

func (r *jsonRowReader) Release() {
	if r.batch != nil {
		r.batch.Release()
		r.batch = nil
	}
	for _, o := range r.outs {
		if o.ct != nil {
			o.ct.release()
		}
		if o.i64 != nil {
			o.i64.Release()
		}
	}
	if r.path != nil {
		r.path.release()
	}
}

// Next decodes up to [BatchRows] records, or records from up to
// [BatchBytes] of input, into a new batch.
func (r *jsonRowReader) Next() bool {
	if r.batch != nil {
		r.batch.Release()
		r.batch = nil
	}
	start := r.base + int64(r.pos)
	for r.rows < BatchRows && r.err == nil && r.state != jrDone && r.base+int64(r.pos)-start < BatchBytes {
		r.step()
	}
	if r.rows == 0 {
		return false
	}
	cols := make([]arrow.Array, len(r.schema.Fields()))
	k := 0
	for i := range cols {
		if i == r.pathCol {
			r.path.appendRepeat([]byte(r.source), r.rows)
			d := r.path.finish()
			cols[i] = array.MakeFromData(d)
			d.Release()
			continue
		}
		o := r.outs[k]
		k++
		if o.i64 != nil {
			cols[i] = o.i64.NewArray()
			continue
		}
		d := o.ct.finish()
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
	return true
}

// step consumes one top-level token or record.
func (r *jsonRowReader) step() {
	i := skipWS(r.buf, r.pos)
	if i >= len(r.buf) {
		r.pos = i
		if !r.eof {
			r.fill(i)
			return
		}
		r.atEOF()
		return
	}
	b := r.buf
	switch r.state {
	case jrStart:
		if !r.seenValue && r.base+int64(i) == 0 && len(b)-i >= 3 && b[i] == 0xEF && b[i+1] == 0xBB && b[i+2] == 0xBF {
			r.pos = i + 3
			return
		}
		r.seenValue = true
		if b[i] != '{' {
			if r.t.arrayKey == "" && r.recIdx > 0 {
				r.rejectLine(i, r.parseError(i, errExpected(ErrSyntax, r.t.what+" object", describe(b, i)), ""))
				return
			}
			r.fatal(i, errExpected(ErrFormat, r.t.what+" JSON object", describe(b, i)))
			return
		}
		if r.t.arrayKey == "" {
			r.record(i)
			return
		}
		r.openWrapper(i)
	case jrElemFirst, jrElem:
		if b[i] == ']' && r.state == jrElemFirst {
			r.state, r.pos = jrRest, i+1
			return
		}
		r.record(i)
		if r.state == jrElemFirst || r.state == jrElem {
			r.state = jrElemNext
		}
	case jrElemNext:
		switch b[i] {
		case ',':
			r.state, r.pos = jrElem, i+1
		case ']':
			r.state, r.pos = jrRest, i+1
		default:
			r.fatal(i, errExpected(ErrSyntax, "',' or ']' after "+r.t.what, describe(b, i)))
		}
	case jrRest:
		switch b[i] {
		case '}':
			r.state, r.pos = jrStart, i+1
		case ',':
			end, err := r.skipMembersUntilArray(i+1, false)
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
			r.fatal(i, errExpected(ErrSyntax, "',' or '}' after the "+r.t.arrayKey+" array", describe(b, i)))
		}
	}
}

// openWrapper reads the keys of the object at b[i] up to the records
// array, skipping the others (fileVersion, configSnapshotId). An object
// without the array is skipped whole and counted in Stats.Skipped.
func (r *jsonRowReader) openWrapper(i int) {
	j := skipWS(r.buf, i+1)
	if j < len(r.buf) && r.buf[j] == '}' {
		r.pos = j + 1
		r.stats.Skipped++
		return
	}
	end, err := r.skipMembersUntilArray(j, true)
	if err == errNeedMore {
		r.needMore(i)
		return
	}
	if err != nil {
		r.fatalScan(err)
		return
	}
	r.pos = end
}

// skipMembersUntilArray skips `"key": value` members from b[i] until the
// records array: it returns the index after its '[' with the state set to
// jrElemFirst, or, when the object ends first, the index after '}' (the
// object is counted as skipped when first is set).
func (r *jsonRowReader) skipMembersUntilArray(i int, first bool) (int, error) {
	b := r.buf
	for {
		i = skipWS(b, i)
		if i >= len(b) {
			return 0, errNeedMore
		}
		if b[i] != '"' {
			return 0, errAt(i, errExpected(ErrSyntax, "object key", describe(b, i)))
		}
		kend, _, err := scanString(b, i)
		if err != nil {
			return 0, err
		}
		key := b[i+1 : kend-1]
		if i, err = afterKey(b, kend); err != nil {
			return 0, err
		}
		if equalFold(key, r.t.arrayKey) {
			if b[i] != '[' {
				return 0, errAt(i, errExpected(ErrType, "array", describe(b, i)))
			}
			r.state = jrElemFirst
			return i + 1, nil
		}
		if i, err = skipValue(b, i, 1); err != nil {
			return 0, err
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return 0, errNeedMore
		}
		switch b[i] {
		case ',':
			i++
		case '}':
			if first {
				r.stats.Skipped++
			}
			r.state = jrStart
			return i + 1, nil
		default:
			return 0, errAt(i, errExpected(ErrSyntax, "',' or '}' in object", describe(b, i)))
		}
	}
}

func (r *jsonRowReader) atEOF() {
	switch r.state {
	case jrStart:
		if !r.seenValue {
			r.fatal(r.pos, errExpected(ErrFormat, r.t.what+" JSON", "empty input"))
			return
		}
	case jrElemFirst, jrElemNext, jrElem:
		r.fatal(r.pos, errExpected(ErrTruncated, "',' or ']'", "end of input"))
		return
	case jrRest:
		r.fatal(r.pos, errExpected(ErrTruncated, "'}' closing the object", "end of input"))
		return
	}
	r.state = jrDone
}

func (r *jsonRowReader) needMore(keep int) {
	if r.eof {
		r.fatal(len(r.buf), errExpected(ErrTruncated, "more JSON", "end of input"))
		return
	}
	r.fill(keep)
}

// fill counts the lines of buf[:keep], moves buf[keep:] to the front
// and reads more input (see [jsonInput.fill]); a read error stops the
// reader.
func (r *jsonRowReader) fill(keep int) {
	if keep > 0 {
		r.lines += bytes.Count(r.buf[:keep], []byte{'\n'})
		if nl := bytes.LastIndexByte(r.buf[:keep], '\n'); nl >= 0 {
			r.lineStart = r.base + int64(nl) + 1
		}
	}
	if err := r.jsonInput.fill(keep); err != nil {
		r.err = r.readError(r.source, err)
		r.state = jrDone
	}
}

// position returns the line and column of buf[at].
func (r *jsonRowReader) position(at int) (int, int) {
	at = min(at, len(r.buf))
	line := r.lines + 1 + bytes.Count(r.buf[:at], []byte{'\n'})
	col := int(r.base + int64(at) - r.lineStart + 1)
	if nl := bytes.LastIndexByte(r.buf[:at], '\n'); nl >= 0 {
		col = at - nl
	}
	return line, col
}

func (r *jsonRowReader) parseError(at int, err error, key string) *ParseError {
	line, col := r.position(at)
	path := r.recordPath()
	if key != "" {
		path += "." + key
	}
	return &ParseError{Source: r.source, Line: line, Col: col, Offset: r.base + int64(at), Path: path, Err: err}
}

func (r *jsonRowReader) recordPath() string {
	if r.inArrayState() {
		return r.t.arrayKey + "[" + strconv.Itoa(r.recIdx) + "]"
	}
	return "record " + strconv.Itoa(r.recIdx)
}

func (r *jsonRowReader) inArrayState() bool { return r.t.arrayKey != "" }

func (r *jsonRowReader) fatal(at int, err error) {
	line, col := r.position(at)
	r.err = &ParseError{Source: r.source, Line: line, Col: col, Offset: r.base + int64(at), Err: err}
	r.state = jrDone
}

func (r *jsonRowReader) fatalScan(err error) {
	var se *scanError
	if errors.As(err, &se) {
		r.fatal(se.at, se.err)
		return
	}
	r.fatal(r.pos, err)
}

// reject counts the current record as bad.
func (r *jsonRowReader) reject(pe *ParseError) {
	r.stats.Rejected++
	r.recIdx++
	if r.strict {
		r.err = pe
		r.state = jrDone
		return
	}
	r.rejects.Add(pe)
}

// rejectLine rejects broken JSON in a JSON Lines object and goes on at the
// next line.
func (r *jsonRowReader) rejectLine(at int, pe *ParseError) {
	r.reject(pe)
	for {
		if k := bytes.IndexByte(r.buf[at:], '\n'); k >= 0 {
			r.pos = at + k + 1
			return
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

// record decodes the record at buf[i] and appends it, or rejects it.
func (r *jsonRowReader) record(i int) {
	for {
		end, err := r.parseRecord(i)
		if err == nil {
			r.pos = end
			r.finishRecord(i)
			return
		}
		if err == errNeedMore {
			if r.eof {
				r.stats.Rejected++
				r.fatal(len(r.buf), errExpected(ErrTruncated, "the rest of "+r.t.what, "end of input"))
				r.err.(*ParseError).Path = r.recordPath()
				return
			}
			if len(r.buf)-i >= MaxRecordBytes {
				r.skipTooLarge(i)
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
		var se *scanError
		if !errors.As(err, &se) {
			panic("BUG: " + err.Error())
		}
		pe := r.parseError(se.at, se.err, string(r.errKey))
		if r.t.arrayKey == "" {
			r.rejectLine(se.at, pe)
			return
		}
		// Inside an array, broken JSON cannot be resynchronised.
		r.stats.Rejected++
		r.err = pe
		r.state = jrDone
		return
	}
}

// skipTooLarge rejects the record at buf[i] as too large and skips it as a
// stream.
func (r *jsonRowReader) skipTooLarge(i int) {
	pe := r.parseError(i, errExpected(ErrTooLarge, "a record of at most "+strconv.Itoa(MaxRecordBytes>>20)+" MiB", "a larger one"), "")
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
			r.state = jrDone
			return
		}
		r.pos = len(r.buf)
		r.fill(len(r.buf))
		j = 0
	}
}

func (r *jsonRowReader) finishRecord(start int) {
	if r.recErr != nil {
		r.reject(r.parseError(r.errAt, r.recErr, string(r.errKey)))
		return
	}
	if missing := r.reqMask &^ r.seenMask; missing != 0 {
		for k, f := range r.fields {
			if r.keyBits[k]&missing != 0 {
				r.reject(r.parseError(start, errExpected(ErrFormat, r.t.what+" with key "+strconv.Quote(r.t.schema.Field(f.col).Name), "an object without it"), ""))
				return
			}
		}
	}
	r.appendRecord()
	r.recIdx++
}

// semantic records the first type error of the record.
func (r *jsonRowReader) semantic(at int, key []byte, err error) {
	if r.recErr == nil {
		r.recErr, r.errAt = err, at
		r.errKey = append(r.errKey[:0], key...)
	}
}

// find returns the field for key, or nil.
func (r *jsonRowReader) find(key []byte) *jrField {
	for k := range r.fields {
		if f := &r.fields[k]; f.spelled == string(key) {
			return f
		}
	}
	for k := range r.fields {
		if f := &r.fields[k]; equalFold(key, f.key) {
			f.spelled = string(key)
			return f
		}
	}
	return nil
}

// parseRecord decodes the object at buf[i] into r.vals.
func (r *jsonRowReader) parseRecord(i int) (int, error) {
	clear(r.vals)
	for k := range r.maps {
		r.maps[k] = r.maps[k][:0]
	}
	r.scratch = r.scratch[:0]
	r.recErr = nil
	r.errKey = r.errKey[:0]
	r.seenMask = 0
	b := r.buf
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
		kend, kflags, err := scanString(b, i)
		if err != nil {
			return 0, err
		}
		key := b[i+1 : kend-1]
		// afterKey with its fast path written out, as in the CloudTrail
		// reader: this runs for every key of every row.
		if i = kend + 1; i < len(b) && b[kend] == ':' && b[i] > ' ' {
		} else if i, err = afterKeySlow(b, kend); err != nil {
			return 0, err
		}
		var f *jrField
		if kflags&strEscaped == 0 {
			f = r.find(key)
		}
		if f == nil || f.slot < 0 {
			if i, err = skipValue(b, i, 1); err != nil {
				if err != errNeedMore {
					r.errKey = append(r.errKey[:0], key...)
				}
				return 0, err
			}
		} else {
			r.seenMask |= r.keyBits[f.col]
			if i, err = r.parseValue(b, i, key, f); err != nil {
				if err != errNeedMore && len(r.errKey) == 0 {
					r.errKey = append(r.errKey[:0], key...)
				}
				return 0, err
			}
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return 0, errNeedMore
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
			if i >= len(b) {
				return 0, errNeedMore
			}
		case '}':
			return i + 1, nil
		default:
			return 0, errAt(i, errExpected(ErrSyntax, "',' or '}' in object", describe(b, i)))
		}
	}
}

// parseValue decodes the value of f at b[i] into its slot.
func (r *jsonRowReader) parseValue(b []byte, i int, key []byte, f *jrField) (int, error) {
	c := b[i]
	if c == 'n' {
		end, err := scanLiteral(b, i, "null")
		if err == nil && f.kind != jrMap {
			r.seenMask &^= r.keyBits[f.col] // a null required key is missing
		}
		return end, err
	}
	switch f.kind {
	case jrString, jrTime, jrRaw:
		if c == '"' {
			end, flags, err := scanString(b, i)
			if err != nil {
				return 0, err
			}
			sp, ok := r.stringSpan(b, i, end, flags, key)
			if !ok {
				return end, nil
			}
			if f.kind == jrTime && !isTime(r.bytesOf(sp)) {
				r.semantic(i, key, errExpected(ErrType, "RFC 3339 time", quoteFound(r.bytesOf(sp))))
				return end, nil
			}
			r.vals[f.slot] = sp
			return end, nil
		}
		end, err := skipValue(b, i, 1)
		if err != nil {
			return 0, err
		}
		switch {
		case f.kind == jrTime:
			r.semantic(i, key, errExpected(ErrType, "string (RFC 3339 time)", describe(b, i)))
			return end, nil
		case f.kind == jrString && (c == '{' || c == '['):
			r.semantic(i, key, errExpected(ErrType, "string", describe(b, i)))
			return end, nil
		case f.kind == jrRaw && !utf8.Valid(b[i:end]):
			r.semantic(i, key, errExpected(ErrSyntax, "valid UTF-8", "invalid bytes"))
			return end, nil
		}
		r.vals[f.slot] = span{start: int32(i), end: int32(end), src: srcBuf}
		return end, nil
	case jrInt64:
		end, err := skipValue(b, i, 1)
		if err != nil {
			return 0, err
		}
		start, stop := i, end
		if c == '"' {
			start, stop = i+1, end-1 // Athena's JSON SerDe reads "123" as 123
		}
		if _, ok := parseInt64(b[start:stop]); !ok {
			r.semantic(i, key, errExpected(ErrType, "integer", describe(b, i)))
			return end, nil
		}
		r.vals[f.slot] = span{start: int32(start), end: int32(stop), src: srcBuf}
		return end, nil
	case jrMap:
		if c != '{' {
			end, err := skipValue(b, i, 1)
			if err == nil {
				r.semantic(i, key, errExpected(ErrType, "object", describe(b, i)))
			}
			return end, err
		}
		return r.parseMap(b, i, key, f)
	}
	panic("BUG: unexpected column kind")
}

// parseInt64 parses a decimal integer without allocating.
func parseInt64(v []byte) (int64, bool) {
	neg := len(v) > 0 && v[0] == '-'
	if neg {
		v = v[1:]
	}
	if len(v) == 0 || len(v) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if n > 1<<63-1+uint64(boolU(neg)) {
		return 0, false
	}
	if neg {
		return -int64(n), true
	}
	return int64(n), true
}

func boolU(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// parseMap decodes an object into key/value spans: string values as their
// content, others as their JSON text.
func (r *jsonRowReader) parseMap(b []byte, i int, key []byte, f *jrField) (int, error) {
	store := f.slot
	i = skipWS(b, i+1)
	if i >= len(b) {
		return 0, errNeedMore
	}
	r.vals[f.slot] = span{src: srcPresent}
	if b[i] == '}' {
		return i + 1, nil
	}
	for {
		if b[i] != '"' {
			return 0, errAt(i, errExpected(ErrSyntax, "object key", describe(b, i)))
		}
		kend, kflags, err := scanString(b, i)
		if err != nil {
			return 0, err
		}
		ks, keyOK := r.stringSpan(b, i, kend, kflags, key)
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
			vs, _ = r.stringSpan(b, i, vend, vflags, key)
			i = vend
		case 'n':
			if i, err = scanLiteral(b, i, "null"); err != nil {
				return 0, err
			}
		default:
			start := i
			if i, err = skipValue(b, i, 2); err != nil {
				return 0, err
			}
			if !utf8.Valid(b[start:i]) {
				r.semantic(start, key, errExpected(ErrSyntax, "valid UTF-8", "invalid bytes"))
			}
			vs = span{start: int32(start), end: int32(i), src: srcBuf}
		}
		if keyOK {
			r.maps[store] = append(r.maps[store], ks, vs)
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return 0, errNeedMore
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
			if i >= len(b) {
				return 0, errNeedMore
			}
		case '}':
			return i + 1, nil
		default:
			return 0, errAt(i, errExpected(ErrSyntax, "',' or '}' in object", describe(b, i)))
		}
	}
}

// stringSpan returns the decoded content of the string b[i:end] (see
// [jsonInput.decodeString]), or records a semantic error of key.
func (r *jsonRowReader) stringSpan(b []byte, i, end int, flags uint8, key []byte) (span, bool) {
	sp, at, err := r.decodeString(b, i, end, flags)
	if err != nil {
		r.semantic(at, key, err)
		return span{}, false
	}
	return sp, true
}

// appendRecord appends the decoded record: one value or null per column.
func (r *jsonRowReader) appendRecord() {
	if r.rows == 0 {
		n := r.reserved
		if n == 0 {
			n = min(max(len(r.buf)>>10, 16), BatchRows)
		}
		for _, o := range r.outs {
			if o.ct != nil {
				o.ct.reserve(n)
			} else {
				o.i64.Reserve(n)
			}
		}
	}
	for _, o := range r.outs {
		s := r.vals[o.slot]
		switch o.kind {
		case jrInt64:
			if s.src == srcNull {
				o.i64.AppendNull()
				continue
			}
			v, _ := parseInt64(r.bytesOf(s))
			o.i64.Append(v)
		case jrMap:
			c := o.ct
			if s.src == srcNull {
				c.lst.append(false, 0)
				continue
			}
			kv := r.maps[o.slot]
			c.lst.append(true, len(kv)/2)
			for e := 0; e < len(kv); e += 2 {
				c.mk.append(r.bytesOf(kv[e]))
				if v := kv[e+1]; v.src == srcNull {
					c.mv.appendNull()
				} else {
					c.mv.append(r.bytesOf(v))
				}
			}
		default:
			c := o.ct
			switch {
			case s.src == srcNull && c.dict != nil:
				c.dict.appendNull()
			case s.src == srcNull:
				c.str.appendNull()
			case c.dict != nil:
				c.dict.append(r.bytesOf(s))
			default:
				c.str.append(r.bytesOf(s))
			}
		}
	}
	r.rows++
}
