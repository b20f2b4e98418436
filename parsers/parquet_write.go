package parsers

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	kzstd "github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/format"
)

// ParquetRowGroupRows is how many rows a Parquet row group written by
// [ParquetWriter] holds at most. hunt convert writes rows in time order,
// to the minute ([RowRefGrain]), in sorted runs as large as its buffer, so
// a row group covers a slice of
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
					t = parseEventTime(StringAt(col, i))
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

// RowRefGrain is the time grain SortRowRefs orders rows by: 2^26 µs,
// about 67 seconds. Rows within one grain keep their input order.
const RowRefGrain = 1 << rowRefGrainBits

const rowRefGrainBits = 26

// rowRefKey is what SortRowRefs compares: r's grain of time.
func rowRefKey(r RowRef) int64 { return r.Time >> rowRefGrainBits }

// SortRowRefs sorts refs by their grain of time ([RowRefGrain]), keeping
// the input order of rows in the same grain.
//
// Why a grain and not the exact time: objects hold their records in no
// time order (flow-log lines, CloudTrail records), so rows sorted by exact
// time come from all over their batches, and the writer, which reads each
// column of the rows in that order, waited on memory for most of them. In
// a grain, rows keep the order of their batches (batch after batch, rows
// forward), which the CPU prefetches: a convert takes 9-10% less CPU. Row
// groups still cover successive time ranges (two share at most one grain)
// and keep exact time bounds; only time columns compress a little worse
// (the /tmp/hb/corpus lake grew 2.7%, nearly all in flow start and end).
//
// It is a natural merge sort: refs are mostly runs already in order
// (each batch's rows of one grain), which it finds and merges through a
// pooled buffer; runs shorter than 32 are extended by insertion sort.
// slices.SortStableFunc's in-place merging cost 6% of a convert.
// Refs whose grains span fewer than [rowRefCountGrains] (a converter's
// partition is a day: about 1300 grains) are counted into place instead,
// in one pass: flow-log rows come in so little time order that the merge
// sort's runs were its minimum, 32 rows, and it made a dozen passes.
func SortRowRefs(refs []RowRef) {
	if len(refs) < 2 || sortedRowRefs(refs) {
		return
	}
	s := rowRefSorters.Get().(*rowRefSorter)
	defer rowRefSorters.Put(s)
	lo, hi := rowRefKey(refs[0]), rowRefKey(refs[0])
	for _, r := range refs {
		k := rowRefKey(r)
		lo, hi = min(lo, k), max(hi, k)
	}
	if uint64(hi-lo) < rowRefCountGrains && len(refs) >= rowRefCountGrains/8 {
		s.count(refs, lo, int(hi-lo)+1)
		return
	}
	s.sort(refs)
}

// rowRefCountGrains caps the grains SortRowRefs sorts by counting (its
// counts are 16 KiB); below an eighth as many refs, the counts would cost
// more than the merge sort.
const rowRefCountGrains = 1 << 12

func sortedRowRefs(refs []RowRef) bool {
	for i := 1; i < len(refs); i++ {
		if rowRefKey(refs[i]) < rowRefKey(refs[i-1]) {
			return false
		}
	}
	return true
}

// rowRefSorter is SortRowRefs's scratch space: a buffer as long as the
// refs and the run boundaries.
type rowRefSorter struct {
	buf    []RowRef
	runs   []int
	counts []int32 // per grain: refs before it, then where its next goes
}

// count sorts refs, whose grains are lo to lo+grains-1, stably: a
// counting sort into buf, copied back.
func (s *rowRefSorter) count(refs []RowRef, lo int64, grains int) {
	s.counts = slices.Grow(s.counts[:0], grains)[:grains]
	clear(s.counts)
	for _, r := range refs {
		s.counts[rowRefKey(r)-lo]++
	}
	var at int32
	for g, n := range s.counts {
		s.counts[g] = at
		at += n
	}
	if cap(s.buf) < len(refs) {
		s.buf = make([]RowRef, len(refs))
	}
	buf := s.buf[:len(refs)]
	for _, r := range refs {
		g := rowRefKey(r) - lo
		buf[s.counts[g]] = r
		s.counts[g]++
	}
	copy(refs, buf)
}

var rowRefSorters = sync.Pool{New: func() any { return new(rowRefSorter) }}

const rowRefMinRun = 32

func (s *rowRefSorter) sort(refs []RowRef) {
	n := len(refs)
	runs := append(s.runs[:0], 0)
	for i := 0; i < n; {
		j := i + 1
		for j < n && rowRefKey(refs[j]) >= rowRefKey(refs[j-1]) {
			j++
		}
		if j-i < rowRefMinRun {
			j = min(i+rowRefMinRun, n)
			insertionSortRowRefs(refs[i:j])
		}
		runs = append(runs, j)
		i = j
	}
	if cap(s.buf) < n {
		s.buf = make([]RowRef, n)
	}
	src, dst := refs, s.buf[:n]
	for len(runs) > 2 {
		// Merge runs pairwise from src into dst.
		w := 1
		for k := 0; k+1 < len(runs); k += 2 {
			lo, mid := runs[k], runs[k+1]
			if k+2 < len(runs) {
				hi := runs[k+2]
				mergeRowRefs(dst[lo:hi], src[lo:mid], src[mid:hi])
				runs[w] = hi
			} else {
				copy(dst[lo:mid], src[lo:mid])
				runs[w] = mid
			}
			w++
		}
		runs = runs[:w]
		src, dst = dst, src
	}
	if &src[0] != &refs[0] {
		copy(refs, src)
	}
	s.runs = runs[:0]
}

// insertionSortRowRefs sorts a short slice, stably.
func insertionSortRowRefs(a []RowRef) {
	for i := 1; i < len(a); i++ {
		x := a[i]
		j := i
		for j > 0 && rowRefKey(a[j-1]) > rowRefKey(x) {
			a[j] = a[j-1]
			j--
		}
		a[j] = x
	}
}

// mergeRowRefs merges the sorted a and b into dst, a's refs first among
// equal grains.
func mergeRowRefs(dst, a, b []RowRef) {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		if rowRefKey(b[j]) < rowRefKey(a[i]) {
			dst[k] = b[j]
			j++
		} else {
			dst[k] = a[i]
			i++
		}
		k++
	}
	k += copy(dst[k:], a[i:])
	copy(dst[k:], b[j:])
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

// StringAt returns row i of a string or dictionary-of-string array, ""
// when it is null or a is nil (a column the batch does not have); the
// result aliases the array's memory.
func StringAt(a arrow.Array, i int) string {
	if a == nil || a.IsNull(i) {
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

// TextColumn reads the values of a string or dictionary-of-string array
// row by row, as [StringAt] does, without its type switches per row: a
// converter routes every row by two such columns.
type TextColumn struct {
	f pqFlat
}

// NewTextColumn returns the reader of a, which may be nil (a column the
// batch does not have: every row is ""). a must outlive the TextColumn.
func NewTextColumn(a arrow.Array) TextColumn {
	f := newPQFlat(a)
	if f.kind != flatString && f.kind != flatDict {
		f = pqFlat{kind: flatNull}
	}
	return TextColumn{f: f}
}

// At returns row i, "" when it is null or the column is absent or of
// another type; the result aliases the array's memory.
func (t *TextColumn) At(i int) string {
	f := &t.f
	if f.kind == flatNull || f.null(i) {
		return ""
	}
	if f.idx != nil {
		i = int(f.idx[i])
	}
	b := f.data[f.offs[i]:f.offs[i+1]]
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// ParquetWriter writes rows of the cloudtrail or vpc_flow table to one
// Parquet file, in the layout hunt's readers and Athena's Parquet tables
// read: the table's columns by name and Athena type (structs as groups,
// resources a LIST of structs, the webidfederationdata attributes a MAP,
// eventtime kept as text), zstd pages, dictionary encoding that falls back
// to plain for high-cardinality columns, min/max statistics per column
// chunk and page (and column and offset indexes), bloom filters on the
// columns hunts compare for equality, and row groups of at most
// [ParquetRowGroupRows] rows whose time bounds go into the footer under
// [ParquetTimeKey].
//
// It encodes pages itself, straight from the Arrow buffers (see
// [pqColumn]): parquet-go provides the schema, the footer's types and the
// thrift, RLE and bloom-filter primitives. Dictionary-encoded Arrow columns
// are mapped to the chunk's dictionary once per distinct value and batch,
// not hashed per row.
//
// The caller sorts the rows ([SortRowRefs]); the writer keeps their order.
// A row group may hold several calls' rows, so the footer declares no
// sorting columns; [ParquetTimeKey] bounds each row group's times.
// A ParquetWriter is not safe for concurrent use.
type ParquetWriter struct {
	table   string
	out     pqOut
	tmpl    *format.FileMetaData // schema, column orders, created-by
	scratch *pqScratch           // shared by the columns
	cols    []*pqColumn          // one per leaf, in file order
	root    []*pqNode            // one per top-level column, in file order
	units   []pqUnit
	leaves  int

	rowGroupRows int
	rgRows       int   // rows in the current row group
	rgMin, rgMax int64 // its time bounds
	times        []string
	rows         int64
	groups       []format.RowGroup
	indexes      [][]pqIndexes // per row group, per leaf

	// views[batch][unit] reads one unit of one batch of the current
	// Write; reused.
	views [][]pqView
	named []bool // named[batch]: a ref of the current Write names it
	// topIdx[i] is the column of root[i] in batches of schema sch, or -1.
	sch    *arrow.Schema
	topIdx []int

	cluster *pqCluster // nil: rows keep the caller's order
	gather  pqGather   // writeFlat's blocks of values
}

// pqGather is a block of one column's values of rows writeFlat writes.
type pqGather struct {
	null  [pqBlock]bool
	i64   [pqBlock]int64
	i32   [pqBlock]int32
	str   [pqBlock][]byte  // aliasing the batches: cleared after use
	view  [pqBlock]*pqView // flatDict: each row's view; cleared after use
	touch byte             // keeps the loads that touch str
}

// pqBlock is how many rows writeFlat gathers, then encodes, at a time.
const pqBlock = 64

// pqUnit is what the writer writes row by row from one Arrow array: a
// primitive leaf, or a list or map node with every leaf under it, reached
// from a top-level column through optional structs only.
type pqUnit struct {
	node *pqNode
	top  int   // index of the top-level column in root
	path []int // struct field positions from the top-level node down to node
}

// pqView is one unit of one batch: the validity of the structs above it
// and its array.
type pqView struct {
	absent bool      // the batch lacks the column: all null below the top
	null0  bool      // every row is null at definition level 0 (absent, or the top-level array all null)
	anc    []pqValid // validity of the structs above the unit, outermost first
	arr    arrow.Array
	f      pqFlat
	remap  []int32 // flatDict: Arrow dictionary index → chunk dictionary id, or -1
	gen    uint32  // the column's dictionary generation remap is for
}

// addDictValue adds value k of v's Arrow dictionary at level 0: as bytes
// once the chunk has given up its dictionary, else as the chunk
// dictionary's id, looked up once per Arrow dictionary entry and
// generation of the chunk's dictionary (v.remap).
func (c *pqColumn) addDictValue(v *pqView, k int32) {
	f := &v.f
	if !c.useDict {
		c.addBytes(0, f.data[f.offs[k]:f.offs[k+1]])
		return
	}
	if v.gen != c.dictGen {
		for j := range v.remap {
			v.remap[j] = -1
		}
		v.gen = c.dictGen
	}
	id := v.remap[k]
	if id < 0 {
		id = c.dict.id(f.data[f.offs[k]:f.offs[k+1]])
		v.remap[k] = id
	}
	c.levels(0)
	c.addID(id, c.dict.keys[id])
}

// addDictViewRows appends len(null) rows of one value each to c, a
// column that is neither repeated nor required: value ks[j] of views[j]'s
// Arrow dictionary, or a null at definition level 0 where null[j]. Pages
// end where beginRow would end them; rows of a dictionary-encoded page
// cost no check each, and a value already mapped to the chunk's
// dictionary (v.remap) no lookup.
func (c *pqColumn) addDictViewRows(null []bool, views []*pqView, ks []int32) {
	for len(null) > 0 {
		if c.pageFull() {
			c.flushPage()
		}
		k := 1
		if !c.useDict {
			c.nrows++
			if null[0] {
				c.addNull(0, 0)
			} else {
				c.addDictValue(views[0], ks[0])
			}
		} else {
			// A row adds an id and at most 1 to nvals>>2.
			k = c.addDictIDRows(null[:min(len(null), c.room(5))], views, ks)
		}
		null, views, ks = null[k:], views[k:], ks[k:]
	}
}

// addDictIDRows appends the rows of null, views and ks that fit in the
// dictionary-encoded page being built, up to the row whose value fills
// the dictionary, and returns how many it appended.
func (c *pqColumn) addDictIDRows(null []bool, views []*pqView, ks []int32) int {
	n := len(null)
	views, ks = views[:n], ks[:n]
	d := len(c.defs)
	c.defs = slices.Grow(c.defs, n)[:d+n]
	defs := c.defs[d:]
	idx := slices.Grow(c.idx, n)
	maxDef := c.maxDef
	nnull := 0
	lastID := int32(-1) // bounded in this page: no bound to widen
	for j, v := range views {
		if null[j] {
			defs[j] = 0
			nnull++
			continue
		}
		defs[j] = maxDef
		if v.gen != c.dictGen {
			for e := range v.remap {
				v.remap[e] = -1
			}
			v.gen = c.dictGen
		}
		k := ks[j]
		id := v.remap[k]
		if id < 0 {
			f := &v.f
			id = c.dict.id(f.data[f.offs[k]:f.offs[k+1]])
			v.remap[k] = id
		}
		idx = append(idx, id)
		if id == lastID {
			continue
		}
		lastID = id
		c.boundID(id, c.dict.keys[id])
		if len(c.dict.plain) > parquetDictBytes {
			c.fallback = true
			n = j + 1
			c.defs = c.defs[:d+n]
			break
		}
	}
	c.idx = idx
	c.nvals += n
	c.nnull += nnull
	c.nrows += n
	return n
}

// pqValid is a validity bitmap and the bit offset of row 0; nil bits: no null.
type pqValid struct {
	bits []byte
	off  int
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

// null reports whether row i of f is null (inlined in the write loops).
func (f *pqFlat) null(i int) bool {
	if f.valid == nil {
		return false
	}
	j := f.validOff + i
	return f.valid[j>>3]&(1<<(j&7)) == 0
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

// zstdCodec is parquet-go's zstd codec at zstd's fastest level with a
// 1 MiB window instead of the default 8 MiB. A page is at most about
// [parquetPageBytes] before compression and is compressed on its own, so a
// larger window finds nothing more and only costs memory. The fastest
// level costs about 4% in file size against the default level (62.5 vs
// 60.0 MB for the 256 MiB bench corpus) and saves a quarter of the
// compression time.
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
		c.enc, err = kzstd.NewWriter(nil, kzstd.WithEncoderLevel(kzstd.SpeedFastest), kzstd.WithWindowSize(1<<20),
			kzstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), kzstd.WithZeroFrames(true), kzstd.WithEncoderCRC(false))
		if err != nil {
			panic("BUG: zstd options: " + err.Error())
		}
	})
	return c.enc.EncodeAll(src, dst[:0]), nil
}

func (c *zstdCodec) Decode(dst, src []byte) ([]byte, error) { return c.dec.Decode(dst, src) }

// parquetPageBytes is the size of a data page before compression: pages
// end at the first row boundary past it. zstd compresses a page on its
// own, so larger pages compress the long JSON columns (requestparameters,
// responseelements) far better: 256 KiB pages make files 8% smaller than
// 64 KiB ones at the same CPU. The pages of a clustered table end every
// [parquetClusterPageRows] rows as well: the flow reader skips pages by
// the column index.
const parquetPageBytes = 256 << 10

// NewParquetWriter returns a writer of rows of table (its [Table.Schema]
// without [SourceColumn]) to w, with bloom filters on its [Table.ParquetBloom] columns. rowGroupRows caps
// the rows of a row group; 0 means [ParquetRowGroupRows].
func NewParquetWriter(w io.Writer, t *Table, rowGroupRows int) (*ParquetWriter, error) {
	return newParquetWriter(w, t, rowGroupRows)
}

// NewCloudTrailParquetWriter is [NewParquetWriter] for [CloudTrail].
func NewCloudTrailParquetWriter(w io.Writer, rowGroupRows int) (*ParquetWriter, error) {
	return NewParquetWriter(w, CloudTrail, rowGroupRows)
}

// NewVPCFlowParquetWriter is [NewParquetWriter] for [VPCFlow].
func NewVPCFlowParquetWriter(w io.Writer, rowGroupRows int) (*ParquetWriter, error) {
	return NewParquetWriter(w, VPCFlow, rowGroupRows)
}

// parquetTemplates holds, per table, the footer parquet-go writes for a
// file of no rows with the table's schema: its schema elements, column
// orders, version and created-by are what hunt's files declare.
var parquetTemplates sync.Map // table name → *parquetTemplate

type parquetTemplate struct {
	schema *parquet.Schema
	meta   *format.FileMetaData
}

func parquetTemplateOf(table string) (*parquetTemplate, error) {
	if t, ok := parquetTemplates.Load(table); ok {
		return t.(*parquetTemplate), nil
	}
	schema, err := ParquetSchema(table)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, schema, parquet.CreatedBy("hunt", "1", ""))
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("BUG: parquet template: %w", err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return nil, fmt.Errorf("BUG: parquet template: %w", err)
	}
	t := &parquetTemplate{schema: schema, meta: f.Metadata()}
	parquetTemplates.Store(table, t)
	return t, nil
}

func newParquetWriter(w io.Writer, t *Table, rowGroupRows int) (*ParquetWriter, error) {
	if rowGroupRows <= 0 {
		rowGroupRows = ParquetRowGroupRows
	}
	tmpl, err := parquetTemplateOf(t.Name)
	if err != nil {
		return nil, err
	}
	sch := t.Schema
	sp, _ := pqSpares.Get().(*pqSpare)
	if sp == nil {
		sp = &pqSpare{scratch: newPQScratch()}
	}
	pw := &ParquetWriter{table: t.Name, out: pqOut{w: bufio.NewWriterSize(w, 64<<10)}, scratch: sp.scratch, tmpl: tmpl.meta, rowGroupRows: rowGroupRows}
	defer func() {
		for i, c := range pw.cols {
			if i < len(sp.cols) {
				c.take(&sp.cols[i])
			}
		}
	}()
	for _, f := range sch.Fields() {
		if f.Name == SourceColumn {
			continue
		}
		n, err := pw.plan(tmpl.schema, f, nil)
		if err != nil {
			return nil, err
		}
		pw.root = append(pw.root, n)
	}
	for _, path := range t.ParquetBloom {
		leaf, ok := tmpl.schema.Lookup(path...)
		if !ok || pw.cols[leaf.ColumnIndex].typ != format.ByteArray {
			return nil, fmt.Errorf("BUG: bloom filter on %s: not a string column", strings.Join(path, "."))
		}
		pw.cols[leaf.ColumnIndex].bloom = true
	}
	for ti, n := range pw.root {
		pw.addUnits(n, ti, nil)
	}
	if pw.cluster = newPQCluster(pw, t.ParquetCluster); pw.cluster != nil {
		for _, c := range pw.cols {
			c.pageRows = parquetClusterPageRows
		}
	}
	return pw, nil
}

// addUnits adds the units under n, the node at struct path path of
// top-level column top.
func (pw *ParquetWriter) addUnits(n *pqNode, top int, path []int) {
	if n.kind != pqStruct {
		pw.units = append(pw.units, pqUnit{node: n, top: top, path: path})
		return
	}
	for j, c := range n.children {
		pw.addUnits(c, top, append(slices.Clip(path), j))
	}
}

// plan builds the node of Arrow field f, whose Parquet path is under
// parent, and the columns of its leaves.
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
		n.rep = int(pw.cols[k.leaf].maxRep)
	case *arrow.ListType:
		n.kind = pqList
		e, err := pw.plan(schema, arrow.Field{Name: "element", Type: t.Elem()}, append(path, "list"))
		if err != nil {
			return nil, err
		}
		n.children = []*pqNode{e}
		n.rep = int(pw.cols[e.leaf].maxRep)
	default:
		leaf, ok := schema.Lookup(path...)
		if !ok || leaf.ColumnIndex != pw.leaves {
			return nil, fmt.Errorf("BUG: parquet schema has no leaf %s at column %d", strings.Join(path, "."), pw.leaves)
		}
		typ := format.ByteArray
		switch f.Type.ID() {
		case arrow.INT32:
			n.kind, typ = pqInt32, format.Int32
		case arrow.INT64:
			n.kind, typ = pqInt64, format.Int64
		default:
			n.kind = pqString
		}
		pw.cols = append(pw.cols, newPQColumn(pw.scratch, path, typ, leaf.MaxDefinitionLevel, leaf.MaxRepetitionLevel, false))
		pw.leaves++
	}
	n.nleaves = pw.leaves - n.leaf
	return n, nil
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
	pw.prepare(batches, refs)
	for len(refs) > 0 {
		if pw.rgRows == 0 {
			pw.rgMin, pw.rgMax = refs[0].Time, refs[0].Time
		}
		k := min(len(refs), pw.rowGroupRows-pw.rgRows)
		seg := refs[:k]
		if pw.cluster != nil {
			seg = pw.cluster.order(pw, seg)
		}
		for u := range pw.units {
			pw.writeUnit(u, seg)
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
	if pw.out.err != nil {
		return fmt.Errorf("parquet writer: %w", pw.out.err)
	}
	return nil
}

// prepare makes the views of the batches refs names. The others (a
// converter passes every batch it holds, of every partition and table)
// get none: views of them cost time, and their columns, absent or of
// another kind, would keep every unit off writeFlat's fast path.
func (pw *ParquetWriter) prepare(batches []arrow.RecordBatch, refs []RowRef) {
	if cap(pw.views) < len(batches) {
		pw.views = append(pw.views[:cap(pw.views)], make([][]pqView, len(batches)-cap(pw.views))...)
	}
	pw.views = pw.views[:len(batches)]
	pw.named = slices.Grow(pw.named[:0], len(batches))[:len(batches)]
	clear(pw.named)
	for _, r := range refs {
		pw.named[r.Batch] = true
	}
	for bi, b := range batches {
		if b == nil || !pw.named[bi] {
			pw.views[bi] = pw.views[bi][:0] // no ref names it
			continue
		}
		if cap(pw.views[bi]) < len(pw.units) {
			pw.views[bi] = make([]pqView, len(pw.units))
		}
		pw.views[bi] = pw.views[bi][:len(pw.units)]
		if sch := b.Schema(); sch != pw.sch {
			// Batches of one reader share their schema: the columns
			// are looked up by name once per schema.
			pw.sch, pw.topIdx = sch, pw.topIdx[:0]
			for _, n := range pw.root {
				i := -1
				if idx := sch.FieldIndices(n.name); len(idx) == 1 {
					i = idx[0]
				}
				pw.topIdx = append(pw.topIdx, i)
			}
		}
		for u := range pw.units {
			un := &pw.units[u]
			v := &pw.views[bi][u]
			anc, remap := v.anc[:0], v.remap[:0]
			*v = pqView{}
			var a, top arrow.Array
			if i := pw.topIdx[un.top]; i >= 0 {
				a, top = b.Column(i), b.Column(i)
			}
			for _, j := range un.path {
				s, ok := a.(*array.Struct)
				if !ok || j >= s.NumField() {
					a = nil
					break
				}
				anc = append(anc, validOf(s))
				a = s.Field(j)
			}
			v.anc = anc
			if a == nil {
				v.absent, v.null0, v.anc = true, true, anc[:0]
				continue
			}
			v.arr = a
			v.null0 = top.NullN() == top.Len()
			if un.node.kind <= pqInt64 {
				v.f = newPQFlat(a)
				if v.f.kind == flatDict {
					n := a.(*array.Dictionary).Dictionary().Len()
					remap = slices.Grow(remap[:0], n)[:n]
					v.gen = ^uint32(0) // filled on first use
				}
			}
			v.remap = remap
		}
	}
}

func validOf(a arrow.Array) pqValid {
	if a.NullN() == 0 {
		return pqValid{}
	}
	return pqValid{bits: a.NullBitmapBytes(), off: a.Data().Offset()}
}

// ancestors returns how many of the structs above the unit are valid in
// row i, counting from the top until one is null, and whether all are.
func (v *pqView) ancestors(i int) (uint8, bool) {
	for d, a := range v.anc {
		if a.bits != nil {
			if j := a.off + i; a.bits[j>>3]&(1<<(j&7)) == 0 {
				return uint8(d), false
			}
		}
	}
	return uint8(len(v.anc)), true
}

// writeUnit writes unit u of the rows refs names.
func (pw *ParquetWriter) writeUnit(u int, refs []RowRef) {
	n := pw.units[u].node
	if n.kind > pqInt64 {
		pw.writeNested(u, refs)
		return
	}
	c := pw.cols[n.leaf]
	if pw.allNull0(u) {
		// Fast path: a column no batch has a value of (most flow-log
		// columns of a default-format file, CloudTrail's rare structs).
		c.addNullRows(len(refs))
		return
	}
	if k := pw.flatKind(u); k != flatOther {
		pw.writeFlat(u, k, refs)
		return
	}
	for _, r := range refs {
		v := &pw.views[r.Batch][u]
		i := int(r.Row)
		c.beginRow()
		if v.absent {
			c.addNull(0, 0)
			continue
		}
		def, ok := v.ancestors(i)
		if !ok {
			c.addNull(0, def)
			continue
		}
		f := &v.f
		if f.null(i) {
			c.addNull(0, def)
			continue
		}
		switch f.kind {
		case flatString:
			c.addBytes(0, f.data[f.offs[i]:f.offs[i+1]])
		case flatDict:
			c.addDictValue(v, f.idx[i])
		case flatInt32:
			c.addInt32(0, f.i32[i])
		case flatInt64:
			c.addInt64(0, f.i64[i])
		case flatNull:
			c.addNull(0, def)
		default:
			// Slow path: a type the flat view does not cover.
			pw.emit(n, v.arr, i, 0, int(def))
		}
	}
}

// flatKind returns the kind of unit u's arrays when the unit is a
// top-level column that every batch of the Write has, as a flat array of
// that one kind (string, dictionary, int32 or int64): the fast path,
// [ParquetWriter.writeFlat]. Otherwise it returns flatOther.
func (pw *ParquetWriter) flatKind(u int) pqFlatKind {
	k := flatOther
	for _, vs := range pw.views {
		if len(vs) <= u {
			continue // a batch no ref names
		}
		v := &vs[u]
		switch {
		case v.absent || len(v.anc) > 0 || v.f.kind == flatNull:
			return flatOther
		case k == flatOther:
			k = v.f.kind
		case v.f.kind != k:
			return flatOther
		}
	}
	return k
}

// writeFlat writes unit u of the rows refs names, u being a top-level
// column whose arrays are all of kind k (see flatKind): a loop per kind,
// without writeUnit's per-row checks of absent columns, struct validity
// and kind. A null row is null at definition level 0.
func (pw *ParquetWriter) writeFlat(u int, k pqFlatKind, refs []RowRef) {
	c := pw.cols[pw.units[u].node.leaf]
	switch k {
	// Rows named out of their batches' order (a clustered table's) are
	// read from memory the caches do not hold: each block's values are
	// gathered first, by a loop of independent loads the CPU overlaps,
	// then encoded.
	case flatInt64:
		s := &pw.gather
		for len(refs) > 0 {
			blk := refs[:min(len(refs), pqBlock)]
			nulls := 0
			for j, r := range blk {
				f := &pw.views[r.Batch][u].f
				i := int(r.Row)
				null := f.null(i)
				if null {
					nulls++
				}
				s.null[j], s.i64[j] = null, f.i64[i]
			}
			addIntRows(c, s.null[:len(blk)], s.i64[:len(blk)], nulls)
			refs = refs[len(blk):]
		}
	case flatInt32:
		s := &pw.gather
		for len(refs) > 0 {
			blk := refs[:min(len(refs), pqBlock)]
			nulls := 0
			for j, r := range blk {
				f := &pw.views[r.Batch][u].f
				i := int(r.Row)
				null := f.null(i)
				if null {
					nulls++
				}
				s.null[j], s.i32[j] = null, f.i32[i]
			}
			addIntRows(c, s.null[:len(blk)], s.i32[:len(blk)], nulls)
			refs = refs[len(blk):]
		}
	case flatString:
		s := &pw.gather
		for len(refs) > 0 {
			blk := refs[:min(len(refs), pqBlock)]
			var touch byte
			for j, r := range blk {
				f := &pw.views[r.Batch][u].f
				i := int(r.Row)
				s.null[j], s.str[j] = f.null(i), f.data[f.offs[i]:f.offs[i+1]]
			}
			for _, b := range s.str[:len(blk)] {
				if len(b) > 0 {
					touch ^= b[0] // the value's first cache line, loaded
				}
			}
			s.touch ^= touch
			c.addStringRows(s.null[:len(blk)], s.str[:len(blk)])
			refs = refs[len(blk):]
		}
		clear(s.str[:])
	case flatDict:
		s := &pw.gather
		for len(refs) > 0 {
			blk := refs[:min(len(refs), pqBlock)]
			for j, r := range blk {
				v := &pw.views[r.Batch][u]
				f := &v.f
				i := int(r.Row)
				s.null[j], s.view[j] = f.null(i), v
				s.i32[j] = f.idx[i] // any index for a null: never read
			}
			c.addDictViewRows(s.null[:len(blk)], s.view[:len(blk)], s.i32[:len(blk)])
			refs = refs[len(blk):]
		}
		clear(s.view[:])
	default:
		panic("BUG: writeFlat of a kind flatKind does not return")
	}
}

// allNull0 reports whether unit u of every batch of the Write is all
// null at definition level 0.
func (pw *ParquetWriter) allNull0(u int) bool {
	for _, vs := range pw.views {
		if len(vs) > u && !vs[u].null0 {
			return false
		}
	}
	return true
}

// writeNested writes unit u, a list or map, of the rows refs names.
func (pw *ParquetWriter) writeNested(u int, refs []RowRef) {
	n := pw.units[u].node
	cols := pw.cols[n.leaf : n.leaf+n.nleaves]
	for _, r := range refs {
		for _, c := range cols {
			c.beginRow()
		}
		v := &pw.views[r.Batch][u]
		if v.absent {
			pw.emitNull(n, 0, 0)
			continue
		}
		def, ok := v.ancestors(int(r.Row))
		if !ok {
			pw.emitNull(n, 0, int(def))
			continue
		}
		pw.emit(n, v.arr, int(r.Row), 0, int(def))
	}
}

// forget drops the writer's references into the batches of the last
// Write (their arrays and buffers), so an open writer does not keep
// released batches' memory reachable.
func (pw *ParquetWriter) forget() {
	for _, vs := range pw.views {
		for i := range vs {
			v := &vs[i]
			clear(v.anc)
			*v = pqView{anc: v.anc[:0], remap: v.remap[:0]}
		}
	}
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
		pw.cols[n.leaf].addBytes(uint8(rep), b)
	case pqInt32:
		pw.cols[n.leaf].addInt32(uint8(rep), a.(*array.Int32).Value(i))
	case pqInt64:
		pw.cols[n.leaf].addInt64(uint8(rep), a.(*array.Int64).Value(i))
	case pqStruct:
		s := a.(*array.Struct)
		for j, c := range n.children {
			var f arrow.Array
			if j < s.NumField() {
				f = s.Field(j)
			}
			pw.emit(c, f, i, rep, def)
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
	for _, c := range pw.cols[n.leaf : n.leaf+n.nleaves] {
		c.addNull(uint8(rep), uint8(def))
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

// start writes the file's leading magic number, once.
func (pw *ParquetWriter) start() {
	if pw.out.off == 0 {
		pw.out.write([]byte("PAR1"))
	}
}

// endRowGroup writes the current row group (its column chunks, then
// their bloom filters) and records its time bounds.
func (pw *ParquetWriter) endRowGroup() error {
	if pw.rgRows == 0 {
		return nil
	}
	pw.start()
	rg := format.RowGroup{NumRows: int64(pw.rgRows), Ordinal: int16(len(pw.groups)), FileOffset: pw.out.off}
	ix := make([]pqIndexes, len(pw.cols))
	rg.Columns = make([]format.ColumnChunk, len(pw.cols))
	for l, c := range pw.cols {
		rg.Columns[l], ix[l] = c.writeChunk(&pw.out)
		rg.TotalByteSize += rg.Columns[l].MetaData.TotalUncompressedSize
		rg.TotalCompressedSize += rg.Columns[l].MetaData.TotalCompressedSize
	}
	for l, c := range pw.cols {
		c.writeBloom(&pw.out, &rg.Columns[l].MetaData)
	}
	pw.groups = append(pw.groups, rg)
	pw.indexes = append(pw.indexes, ix)
	pw.times = append(pw.times, strconv.FormatInt(pw.rgMin, 10)+":"+strconv.FormatInt(pw.rgMax, 10))
	pw.rgRows = 0
	pw.out.flush()
	if pw.out.err != nil {
		return fmt.Errorf("parquet writer: %w", pw.out.err)
	}
	return nil
}

// Rows returns how many rows were written.
func (pw *ParquetWriter) Rows() int64 { return pw.rows }

// Size returns an estimate of the file size so far: bytes written plus
// those buffered for the current row group.
func (pw *ParquetWriter) Size() int64 {
	n := pw.out.off
	for _, c := range pw.cols {
		n += int64(len(c.chunk) + len(c.dict.plain) + c.pageBytes())
	}
	return n
}

// Close ends the last row group and writes the page indexes and the
// footer. It does not close the underlying writer. After it returns nil,
// the writer's buffers go to the next writer: only Rows and Size may be
// called.
func (pw *ParquetWriter) Close() error {
	if err := pw.endRowGroup(); err != nil {
		return err
	}
	pw.start()
	var b []byte
	for g := range pw.groups {
		for l := range pw.cols {
			cc := &pw.groups[g].Columns[l]
			b = pw.scratch.marshal(b[:0], &pw.indexes[g][l].ci)
			cc.ColumnIndexOffset, cc.ColumnIndexLength = pw.out.off, int32(len(b))
			pw.out.write(b)
		}
	}
	for g := range pw.groups {
		for l := range pw.cols {
			cc := &pw.groups[g].Columns[l]
			b = pw.scratch.marshal(b[:0], &pw.indexes[g][l].oi)
			cc.OffsetIndexOffset, cc.OffsetIndexLength = pw.out.off, int32(len(b))
			pw.out.write(b)
		}
	}
	pw.indexes = nil
	md := format.FileMetaData{
		Version:   pw.tmpl.Version,
		Schema:    pw.tmpl.Schema,
		NumRows:   pw.rows,
		RowGroups: pw.groups,
		KeyValueMetadata: []format.KeyValue{
			{Key: ParquetTimeKey, Value: strings.Join(pw.times, ",")},
			{Key: ParquetTableKey, Value: pw.table},
		},
		CreatedBy:    pw.tmpl.CreatedBy,
		ColumnOrders: pw.tmpl.ColumnOrders,
	}
	b = pw.scratch.marshal(b[:0], &md)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(b)))
	b = append(b, "PAR1"...)
	pw.out.write(b)
	pw.out.flush()
	if pw.out.err != nil {
		return fmt.Errorf("parquet writer: %w", pw.out.err)
	}
	pw.recycle()
	return nil
}

// pqSpare holds a closed [ParquetWriter]'s scratch and its columns'
// buffers (leaf by leaf) for the next writer: hunt convert writes a file
// per partition and size, and each new writer grew its pages, chunks and
// dictionaries from nothing again (growslice was 4% of a convert). They
// go through a sync.Pool (STYLE §4.5): workers open writers on any
// goroutine, and a collection drops what no writer took.
type pqSpare struct {
	scratch *pqScratch
	cols    []pqBufs
}

// pqSpares holds *pqSpare.
var pqSpares sync.Pool

// recycle gives pw's buffers to the next writer; pw must not be used
// after.
func (pw *ParquetWriter) recycle() {
	sp := &pqSpare{scratch: pw.scratch, cols: make([]pqBufs, len(pw.cols))}
	for i, c := range pw.cols {
		sp.cols[i] = c.spare()
	}
	pw.cols, pw.scratch = nil, nil
	pqSpares.Put(sp)
}
