package parsers

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	kzstd "github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/format"
)

// ParquetRowGroupRows is how many rows a Parquet row group written by
// [ParquetWriter] holds at most. hunt convert writes rows in time order
// (in sorted runs as large as its buffer), so a row group covers a slice of
// time: 32768 CloudTrail rows are 3-8 MB of zstd
// column chunks, large enough that a scan reads long sequential runs, small
// enough that a one-hour window or a rare eventname skips most of a day's
// file by row-group statistics and bloom filters.
const ParquetRowGroupRows = 32 << 10

// Key-value metadata hunt writes into the footer of its Parquet files.
const (
	// ParquetTableKey names the table the file holds rows of: "cloudtrail"
	// or "vpc_flow".
	ParquetTableKey = "hunt.table"
	// ParquetTimeKey holds each row group's event-time bounds in Unix
	// microseconds, "min:max" per row group, comma-separated. Unlike
	// string statistics on eventtime, these compare as times whatever
	// the text's fractional digits or offset.
	ParquetTimeKey = "hunt.rowgroup_time"
)

// RowRef names one row of a set of batches, with its event time, so rows
// from several batches can be sorted and written in time order.
type RowRef struct {
	Batch int32 // index into the batches passed with the refs
	Row   int32 // row in that batch
	// Time is the event time in Unix microseconds: eventtime (cloudtrail)
	// or start (vpc_flow); math.MinInt64 when null or unparseable.
	Time int64
}

// AppendRowRefs appends a RowRef for every row of b, the batch numbered
// batch, with its event time read from the first time column of its table
// (eventtime for CloudTrail, start for flow logs; see [Table.TimeColumns]).
// A batch without such a column gets times of math.MinInt64.
func AppendRowRefs(dst []RowRef, batch int, b arrow.RecordBatch) []RowRef {
	n := int(b.NumRows())
	dst = slices.Grow(dst, n)
	ts := minTime
	sch := b.Schema()
	for _, t := range Tables {
		idx := sch.FieldIndices(t.TimeColumns[0])
		if len(idx) != 1 {
			continue
		}
		col := b.Column(idx[0])
		switch t.TimeUnit {
		case TimeISO8601:
			for i := range n {
				t := ts
				if col.IsValid(i) {
					t = parseEventTime(stringAt(col, i))
				}
				dst = append(dst, RowRef{Batch: int32(batch), Row: int32(i), Time: t})
			}
			return dst
		case TimeUnixSeconds:
			if col, ok := col.(*array.Int64); ok {
				for i := range n {
					t := ts
					if col.IsValid(i) {
						t = col.Value(i) * 1_000_000
					}
					dst = append(dst, RowRef{Batch: int32(batch), Row: int32(i), Time: t})
				}
				return dst
			}
		}
	}
	for i := range n {
		dst = append(dst, RowRef{Batch: int32(batch), Row: int32(i), Time: ts})
	}
	return dst
}

// SortRowRefs sorts refs by Time, keeping the input order of equal times.
func SortRowRefs(refs []RowRef) {
	slices.SortStableFunc(refs, func(a, b RowRef) int {
		switch {
		case a.Time < b.Time:
			return -1
		case a.Time > b.Time:
			return 1
		}
		return 0
	})
}

const minTime int64 = -1 << 63

// parseEventTime reads an ISO-8601 eventtime into Unix microseconds, or
// minTime.
func parseEventTime(s string) int64 {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return minTime
	}
	return t.UnixMicro()
}

// stringAt returns row i of a string or dictionary-of-string array, ""
// when null; the result aliases the array's memory.
func stringAt(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	switch c := a.(type) {
	case *array.String:
		return c.Value(i)
	case *array.Dictionary:
		if d, ok := c.Dictionary().(*array.String); ok {
			return d.Value(c.GetValueIndex(i))
		}
	}
	return ""
}

// ParquetWriter writes rows of the cloudtrail or vpc_flow table to one
// Parquet file, in the layout hunt's readers and Athena's Parquet tables
// read: the table's columns by name and Athena type (structs as groups,
// resources a LIST of structs, the webidfederationdata attributes a MAP,
// eventtime kept as text), zstd pages, dictionary encoding that falls back
// to plain for high-cardinality columns, min/max statistics per column
// chunk and page, bloom filters on the columns hunts compare for equality,
// and row groups of at most [ParquetRowGroupRows] rows whose time bounds go
// into the footer under [ParquetTimeKey].
//
// The caller sorts the rows ([SortRowRefs]); the writer keeps their order.
// A row group may hold several calls' rows, so the footer declares no
// sorting columns; [ParquetTimeKey] bounds each row group's times.
// A ParquetWriter is not safe for concurrent use.
type ParquetWriter struct {
	table  string
	w      *parquet.Writer
	cw     []*parquet.ColumnWriter
	root   []*pqNode // one per top-level column, in file order
	leaves int

	rowGroupRows int
	rgRows       int   // rows in the current row group
	rgMin, rgMax int64 // its time bounds
	times        []string
	rows         int64

	// vals[leaf] collects the values of a chunk of rows for one leaf
	// column, with their levels; reused.
	vals [][]parquet.Value
	// cols[batch][top] is the array of top-level column top in batch, nil
	// when the batch lacks it; reused.
	cols [][]arrow.Array
	// flat[batch][top] reads top-level primitive column top of batch
	// without an interface call per row; reused.
	flat [][]pqFlat
}

// pqFlat is one top-level primitive column of one batch, as slices.
type pqFlat struct {
	kind     pqFlatKind
	valid    []byte // validity bitmap; nil when no value is null
	validOff int    // bit offset of row 0 in valid
	offs     []int32
	data     []byte  // strings: offs and data of the values (dictionary's values when idx is set)
	idx      []int32 // dictionary indexes
	i32      []int32
	i64      []int64
}

type pqFlatKind uint8

const (
	flatNull pqFlatKind = iota // absent column: all null
	flatString
	flatDict
	flatInt32
	flatInt64
	flatOther // anything else: the slow path
)

// newPQFlat returns the flat view of a (nil: absent).
func newPQFlat(a arrow.Array) pqFlat {
	if a == nil {
		return pqFlat{kind: flatNull}
	}
	f := pqFlat{kind: flatOther}
	if a.NullN() > 0 {
		f.valid, f.validOff = a.NullBitmapBytes(), a.Data().Offset()
	}
	switch c := a.(type) {
	case *array.String:
		f.kind, f.offs, f.data = flatString, c.ValueOffsets(), stringData(c)
	case *array.Dictionary:
		d, ok := c.Dictionary().(*array.String)
		idx, ok2 := c.Indices().(*array.Int32)
		if ok && ok2 {
			f.kind, f.offs, f.data, f.idx = flatDict, d.ValueOffsets(), stringData(d), idx.Int32Values()
		}
	case *array.Int32:
		f.kind, f.i32 = flatInt32, c.Int32Values()
	case *array.Int64:
		f.kind, f.i64 = flatInt64, c.Int64Values()
	}
	return f
}

// stringData is the value bytes of a, offsets into which are
// a.ValueOffsets().
func stringData(a *array.String) []byte {
	bufs := a.Data().Buffers()
	if len(bufs) < 3 || bufs[2] == nil {
		return nil
	}
	return bufs[2].Bytes()
}

// pqNode maps one Arrow field to its Parquet node.
type pqNode struct {
	name     string
	kind     pqKind
	optional bool      // adds a definition level when present
	children []*pqNode // struct fields; list: [element]; map: [key, value]
	leaf     int       // first leaf column index under this node
	nleaves  int
	rep      int // repetition level of the repeated group (list, map)
}

type pqKind uint8

const (
	pqString pqKind = iota
	pqInt32
	pqInt64
	pqStruct
	pqList
	pqMap
)

// parquetZstd compresses the pages of every [ParquetWriter]. It is shared,
// so the writers of a process share its encoders: a codec per file made
// new encoders per file, each with a history of 16 MiB.
var parquetZstd = &zstdCodec{}

// zstdCodec is parquet-go's zstd codec with a 1 MiB window instead of the
// default 8 MiB. A page is at most [parquetPageBytes] before compression
// and is compressed on its own, so a larger window finds nothing more and
// only costs memory.
type zstdCodec struct {
	once sync.Once
	enc  *kzstd.Encoder
	dec  zstd.Codec // decoding, which parquet-go does not ask of a writer's codec
}

func (c *zstdCodec) String() string { return "ZSTD" }

func (c *zstdCodec) CompressionCodec() format.CompressionCodec { return format.Zstd }

func (c *zstdCodec) Encode(dst, src []byte) ([]byte, error) {
	c.once.Do(func() {
		var err error
		c.enc, err = kzstd.NewWriter(nil, kzstd.WithEncoderLevel(kzstd.SpeedDefault), kzstd.WithWindowSize(1<<20),
			kzstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), kzstd.WithZeroFrames(true), kzstd.WithEncoderCRC(false))
		if err != nil {
			panic("BUG: zstd options: " + err.Error())
		}
	})
	return c.enc.EncodeAll(src, dst[:0]), nil
}

func (c *zstdCodec) Decode(dst, src []byte) ([]byte, error) { return c.dec.Decode(dst, src) }

// parquetPageBytes is the size of a data page before compression.
const parquetPageBytes = 64 << 10

// parquetChunkRows is how many rows [ParquetWriter.Write] turns into
// parquet-go values at a time: the values buffer of a writer is about
// parquetChunkRows × leaf columns × 24 bytes.
const parquetChunkRows = 1024

// NewParquetWriter returns a writer of rows of table (its [Table.Schema]
// without [SourceColumn]) to w, with bloom filters on its [Table.ParquetBloom] columns. rowGroupRows caps
// the rows of a row group; 0 means [ParquetRowGroupRows].
func NewParquetWriter(w io.Writer, t *Table, rowGroupRows int) (*ParquetWriter, error) {
	return newParquetWriter(w, t.Name, t.Schema, rowGroupRows)
}

// NewCloudTrailParquetWriter is [NewParquetWriter] for [CloudTrail].
func NewCloudTrailParquetWriter(w io.Writer, rowGroupRows int) (*ParquetWriter, error) {
	return NewParquetWriter(w, CloudTrail, rowGroupRows)
}

// NewVPCFlowParquetWriter is [NewParquetWriter] for [VPCFlow].
func NewVPCFlowParquetWriter(w io.Writer, rowGroupRows int) (*ParquetWriter, error) {
	return NewParquetWriter(w, VPCFlow, rowGroupRows)
}

func newParquetWriter(w io.Writer, table string, sch *arrow.Schema, rowGroupRows int) (*ParquetWriter, error) {
	if rowGroupRows <= 0 {
		rowGroupRows = ParquetRowGroupRows
	}
	schema, err := ParquetSchema(table)
	if err != nil {
		return nil, err
	}
	t := TableNamed(table)
	opts := []parquet.WriterOption{
		schema,
		parquet.Compression(parquetZstd),
		parquet.DataPageStatistics(true),
		parquet.DictionaryMaxBytes(128 << 10),
		parquet.PageBufferSize(parquetPageBytes),
		parquet.MaxRowsPerRowGroup(int64(rowGroupRows)),
		parquet.CreatedBy("hunt", "1", ""),
		parquet.KeyValueMetadata(ParquetTableKey, table),
	}
	// One option with every filter: parquet.BloomFilters replaces the
	// list, so one call per column would leave only the last.
	var blooms []parquet.BloomFilterColumn
	for _, path := range t.ParquetBloom {
		blooms = append(blooms, parquet.SplitBlockFilter(10, path...))
	}
	if len(blooms) > 0 {
		opts = append(opts, parquet.BloomFilters(blooms...))
	}
	pw := &ParquetWriter{table: table, w: parquet.NewWriter(w, opts...), rowGroupRows: rowGroupRows}
	for _, f := range sch.Fields() {
		if f.Name == SourceColumn {
			continue
		}
		n, err := pw.plan(schema, f, nil)
		if err != nil {
			return nil, err
		}
		pw.root = append(pw.root, n)
	}
	pw.vals = make([][]parquet.Value, pw.leaves)
	return pw, nil
}

// plan builds the node of Arrow field f, whose Parquet path is under parent.
func (pw *ParquetWriter) plan(schema *parquet.Schema, f arrow.Field, parent []string) (*pqNode, error) {
	path := append(slices.Clip(parent), f.Name)
	n := &pqNode{name: f.Name, optional: true, leaf: pw.leaves}
	switch t := f.Type.(type) {
	case *arrow.StructType:
		n.kind = pqStruct
		for _, cf := range t.Fields() {
			c, err := pw.plan(schema, cf, path)
			if err != nil {
				return nil, err
			}
			n.children = append(n.children, c)
		}
	case *arrow.MapType:
		n.kind = pqMap
		kv := append(path, "key_value")
		k, err := pw.plan(schema, arrow.Field{Name: "key", Type: t.KeyType()}, kv)
		if err != nil {
			return nil, err
		}
		k.optional = false
		v, err := pw.plan(schema, arrow.Field{Name: "value", Type: t.ItemType()}, kv)
		if err != nil {
			return nil, err
		}
		n.children = []*pqNode{k, v}
		n.rep = repLevel(schema, k.leaf)
	case *arrow.ListType:
		n.kind = pqList
		e, err := pw.plan(schema, arrow.Field{Name: "element", Type: t.Elem()}, append(path, "list"))
		if err != nil {
			return nil, err
		}
		n.children = []*pqNode{e}
		n.rep = repLevel(schema, e.leaf)
	default:
		leaf, ok := schema.Lookup(path...)
		if !ok || leaf.ColumnIndex != pw.leaves {
			return nil, fmt.Errorf("BUG: parquet schema has no leaf %s at column %d", strings.Join(path, "."), pw.leaves)
		}
		switch f.Type.ID() {
		case arrow.INT32:
			n.kind = pqInt32
		case arrow.INT64:
			n.kind = pqInt64
		default:
			n.kind = pqString
		}
		pw.leaves++
	}
	n.nleaves = pw.leaves - n.leaf
	return n, nil
}

func repLevel(schema *parquet.Schema, leaf int) int {
	for _, p := range schema.Columns() {
		if l, ok := schema.Lookup(p...); ok && l.ColumnIndex == leaf {
			return l.MaxRepetitionLevel
		}
	}
	return 1
}

// ParquetSchema returns the Parquet schema hunt writes for table
// ("cloudtrail" or "vpc_flow"): the table's Arrow schema without
// [SourceColumn], field for field and in order. Strings are optional
// BYTE_ARRAY (STRING) columns with dictionary encoding; int32/int64 are
// optional INT32/INT64; structs are optional groups; lists are 3-level
// LIST groups of optional elements; maps are MAP groups with required keys.
func ParquetSchema(table string) (*parquet.Schema, error) {
	t := TableNamed(table)
	if t == nil {
		return nil, fmt.Errorf("unknown table %q: expected %s", table, strings.Join(TableNames(), " or "))
	}
	sch := t.Schema
	var fields []reflect.StructField
	for _, f := range sch.Fields() {
		if f.Name == SourceColumn {
			continue
		}
		fields = append(fields, goField(len(fields), f))
	}
	return parquet.NewSchema(table, parquet.SchemaOf(reflect.New(reflect.StructOf(fields)).Elem().Interface())), nil
}

// goField is the Go struct field whose parquet tag makes f's Parquet node;
// parquet-go keeps struct fields in order, where its Group sorts by name.
func goField(i int, f arrow.Field) reflect.StructField {
	sf := reflect.StructField{Name: "F" + strconv.Itoa(i)}
	tag := f.Name + ",optional"
	switch t := f.Type.(type) {
	case *arrow.StructType:
		var fs []reflect.StructField
		for j, cf := range t.Fields() {
			fs = append(fs, goField(j, cf))
		}
		sf.Type = reflect.PointerTo(reflect.StructOf(fs))
	case *arrow.MapType:
		sf.Type = reflect.TypeOf(map[string]*string(nil))
	case *arrow.ListType:
		sf.Type = reflect.SliceOf(goField(0, t.ElemField()).Type)
		tag += ",list"
	default:
		switch f.Type.ID() {
		case arrow.INT32:
			sf.Type = reflect.TypeOf((*int32)(nil))
		case arrow.INT64:
			sf.Type = reflect.TypeOf((*int64)(nil))
		default:
			sf.Type = reflect.TypeOf((*string)(nil))
			tag += ",dict"
		}
	}
	sf.Tag = reflect.StructTag(`parquet:"` + tag + `"`)
	return sf
}

// Write appends the rows refs names, in the order given, from batches
// (batches of the writer's table schema or a projection of it; missing
// columns are written as null; a nil batch is one refs does not name).
// The batches must stay valid during the call only.
func (pw *ParquetWriter) Write(batches []arrow.RecordBatch, refs []RowRef) error {
	defer pw.forget()
	if cap(pw.cols) < len(batches) {
		pw.cols = make([][]arrow.Array, len(batches))
	}
	pw.cols = pw.cols[:len(batches)]
	if cap(pw.flat) < len(batches) {
		pw.flat = make([][]pqFlat, len(batches))
	}
	pw.flat = pw.flat[:len(batches)]
	for bi, b := range batches {
		cols := pw.cols[bi][:0]
		flat := pw.flat[bi][:0]
		if b == nil {
			pw.cols[bi], pw.flat[bi] = cols, flat
			continue
		}
		sch := b.Schema()
		for _, n := range pw.root {
			var a arrow.Array
			if idx := sch.FieldIndices(n.name); len(idx) == 1 {
				a = b.Column(idx[0])
			}
			cols = append(cols, a)
			if n.kind <= pqInt64 {
				flat = append(flat, newPQFlat(a))
			} else {
				flat = append(flat, pqFlat{kind: flatOther})
			}
		}
		pw.cols[bi], pw.flat[bi] = cols, flat
	}
	for len(refs) > 0 {
		if pw.rgRows == 0 {
			pw.rgMin, pw.rgMax = refs[0].Time, refs[0].Time
		}
		k := min(len(refs), pw.rowGroupRows-pw.rgRows, parquetChunkRows)
		if err := pw.writeChunk(refs[:k]); err != nil {
			return err
		}
		for _, r := range refs[:k] {
			pw.rgMin = min(pw.rgMin, r.Time)
			pw.rgMax = max(pw.rgMax, r.Time)
		}
		pw.rgRows += k
		pw.rows += int64(k)
		refs = refs[k:]
		if pw.rgRows == pw.rowGroupRows {
			if err := pw.endRowGroup(); err != nil {
				return err
			}
		}
	}
	return nil
}

// forget drops the writer's references into the batches of the last
// Write (their arrays, and values pointing into their buffers), so an open
// writer does not keep released batches' memory reachable.
func (pw *ParquetWriter) forget() {
	for i := range pw.cols {
		clear(pw.cols[i][:cap(pw.cols[i])])
		clear(pw.flat[i][:cap(pw.flat[i])])
	}
	for i := range pw.vals {
		clear(pw.vals[i][:cap(pw.vals[i])])
	}
}

// writeChunk writes refs, one column at a time.
func (pw *ParquetWriter) writeChunk(refs []RowRef) error {
	if pw.cw == nil {
		pw.cw = pw.w.ColumnWriters()
	}
	for ti, n := range pw.root {
		for l := n.leaf; l < n.leaf+n.nleaves; l++ {
			pw.vals[l] = pw.vals[l][:0]
		}
		if n.kind <= pqInt64 {
			pw.writeFlat(n, ti, refs)
		} else {
			for _, r := range refs {
				pw.emit(n, pw.cols[r.Batch][ti], int(r.Row), 0, 0)
			}
		}
		for l := n.leaf; l < n.leaf+n.nleaves; l++ {
			if _, err := pw.cw[l].WriteRowValues(pw.vals[l]); err != nil {
				return fmt.Errorf("parquet writer: column %d: %w", l, err)
			}
		}
	}
	return nil
}

// writeFlat appends the values of the rows refs names for n, top-level
// column ti of a primitive type: one value per row at repetition level 0.
func (pw *ParquetWriter) writeFlat(n *pqNode, ti int, refs []RowRef) {
	l := n.leaf
	vals := pw.vals[l]
	null := parquet.NullValue().Level(0, 0, l)
	for _, r := range refs {
		f := &pw.flat[r.Batch][ti]
		i := int(r.Row)
		if f.kind == flatNull {
			vals = append(vals, null)
			continue
		}
		if f.valid != nil {
			if j := f.validOff + i; f.valid[j>>3]&(1<<(j&7)) == 0 {
				vals = append(vals, null)
				continue
			}
		}
		var v parquet.Value
		switch f.kind {
		case flatString:
			v = parquet.ByteArrayValue(f.data[f.offs[i]:f.offs[i+1]:f.offs[i+1]])
		case flatDict:
			k := f.idx[i]
			v = parquet.ByteArrayValue(f.data[f.offs[k]:f.offs[k+1]:f.offs[k+1]])
		case flatInt32:
			v = parquet.Int32Value(f.i32[i])
		case flatInt64:
			v = parquet.Int64Value(f.i64[i])
		default:
			// Slow path: a type the flat view does not cover.
			pw.vals[l] = vals
			pw.emit(n, pw.cols[r.Batch][ti], i, 0, 0)
			vals = pw.vals[l]
			continue
		}
		vals = append(vals, v.Level(0, 1, l))
	}
	pw.vals[l] = vals
}

// emit appends the values of row i of a (nil: absent, all null) for every
// leaf under n, at repetition level rep and with def levels already
// defined above n.
func (pw *ParquetWriter) emit(n *pqNode, a arrow.Array, i, rep, def int) {
	if a == nil || a.IsNull(i) {
		pw.emitNull(n, rep, def)
		return
	}
	if n.optional {
		def++
	}
	switch n.kind {
	case pqString:
		var b []byte
		switch c := a.(type) {
		case *array.String:
			b = stringBytes(c, i)
		case *array.Dictionary:
			b = stringBytes(c.Dictionary().(*array.String), c.GetValueIndex(i))
		}
		pw.vals[n.leaf] = append(pw.vals[n.leaf], parquet.ByteArrayValue(b).Level(rep, def, n.leaf))
	case pqInt32:
		pw.vals[n.leaf] = append(pw.vals[n.leaf], parquet.Int32Value(a.(*array.Int32).Value(i)).Level(rep, def, n.leaf))
	case pqInt64:
		pw.vals[n.leaf] = append(pw.vals[n.leaf], parquet.Int64Value(a.(*array.Int64).Value(i)).Level(rep, def, n.leaf))
	case pqStruct:
		s := a.(*array.Struct)
		for j, c := range n.children {
			pw.emit(c, s.Field(j), i, rep, def)
		}
	case pqList:
		l := a.(*array.List)
		start, end := l.ValueOffsets(i)
		if start == end {
			pw.emitNull(n.children[0], rep, def)
			return
		}
		for j := start; j < end; j++ {
			pw.emit(n.children[0], l.ListValues(), int(j), rep, def+1)
			rep = n.rep
		}
	case pqMap:
		m := a.(*array.Map)
		start, end := m.ValueOffsets(i)
		if start == end {
			pw.emitNull(n.children[0], rep, def)
			pw.emitNull(n.children[1], rep, def)
			return
		}
		for j := start; j < end; j++ {
			pw.emit(n.children[0], m.Keys(), int(j), rep, def+1)
			pw.emit(n.children[1], m.Items(), int(j), rep, def+1)
			rep = n.rep
		}
	}
}

// emitNull appends a null at levels (rep, def) to every leaf under n.
func (pw *ParquetWriter) emitNull(n *pqNode, rep, def int) {
	for l := n.leaf; l < n.leaf+n.nleaves; l++ {
		pw.vals[l] = append(pw.vals[l], parquet.NullValue().Level(rep, def, l))
	}
}

// stringBytes returns row i of a as bytes aliasing its buffer.
func stringBytes(a *array.String, i int) []byte {
	offs := a.ValueOffsets()
	bufs := a.Data().Buffers()
	if len(bufs) < 3 || bufs[2] == nil {
		return []byte{}
	}
	return bufs[2].Bytes()[offs[i]:offs[i+1]]
}

// endRowGroup flushes the current row group and records its time bounds.
func (pw *ParquetWriter) endRowGroup() error {
	if pw.rgRows == 0 {
		return nil
	}
	if err := pw.w.Flush(); err != nil {
		return fmt.Errorf("parquet writer: %w", err)
	}
	pw.times = append(pw.times, strconv.FormatInt(pw.rgMin, 10)+":"+strconv.FormatInt(pw.rgMax, 10))
	pw.rgRows = 0
	return nil
}

// Rows returns how many rows were written.
func (pw *ParquetWriter) Rows() int64 { return pw.rows }

// Size returns an estimate of the file size so far: bytes written plus
// those buffered for the current row group.
func (pw *ParquetWriter) Size() int64 { return pw.w.Size() }

// Close ends the last row group and writes the footer. It does not close
// the underlying writer.
func (pw *ParquetWriter) Close() error {
	err := pw.endRowGroup()
	pw.w.SetKeyValueMetadata(ParquetTimeKey, strings.Join(pw.times, ","))
	return errors.Join(err, pw.w.Close())
}
