package parsers

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"
)

// VPCFlowParquetReader reads a VPC flow-log file in the Apache Parquet
// format AWS delivers ("Parquet" output of a flow log to S3) and returns the
// same rows as [VPCFlowReader]: the projection of [VPCFlowSchema], except
// that a text column the file holds as text (srcaddr, dstaddr,
// account_id...) comes dictionary-encoded (dictionary<int32, utf8>, a
// dictionary of the batch's values, not necessarily distinct), as the
// file's pages mostly are: the values, nulls and rows are the same.
//
// Columns are matched by name: the Athena spelling AWS writes
// ("log_status") or the hyphenated field name. Only projected columns are
// read from the file; a projected column the file lacks is all null, and
// file columns this schema does not know are not read. A file with none of
// the table's columns, or whose projected column is nested, repeated or of
// a physical type without a conversion (DOUBLE, BOOLEAN...), is refused
// with a [*ParseError] wrapping [ErrFormat] naming the column, the types
// expected and the one found. Values are converted to the schema's types
// whatever their physical type (INT32, INT64, or text holding a number), a
// null or "-" is null, and integers are checked as in text (ports 0-65535,
// protocol 0-255, counters non-negative, start not after end); text must be
// valid UTF-8 without control characters. A row with a bad value is
// rejected whole, with a [*ParseError] whose Offset is the start of the
// column chunk and whose Path names the row ("row 17 (protocol)").
//
// Row groups that cannot hold a row the query wants are skipped without
// reading their chunks: by the start and end statistics against
// Pruning.Since/Until (a flow window [start, end] wholly outside), and by
// min/max statistics, bloom filters and dictionaries against Pruning.Equal
// (action = 'REJECT', srcaddr = '10.0.0.1') and min/max statistics against
// Pruning.EqualInt (dstport = 22). An equality on a projected column also
// filters rows (late materialisation): that column is read first and the
// others are built only for the rows it keeps. Pruning is a hint: the
// engine still filters every row.
//
// The file's metadata is checked before it is believed: a footer, page,
// value count or compressed stream claiming more than the file can hold is
// a [*ParseError] wrapping [ErrCorrupt], so memory stays proportional to
// the file's size.
//
// A VPCFlowParquetReader is not safe for concurrent use.
type VPCFlowParquetReader struct {
	pf     *pqFile           // the file's footer and claims, checked before each chunk is read
	cr     *countingReaderAt // the file, counting bytes read for Stats
	source string
	mem    memory.Allocator
	// rec allocates the batches' validity bits, integers and text
	// offsets, reused from batch to batch (flowParquetArray).
	rec    *pqRecycler
	strict bool
	prune  Pruning
	pages  flowPageSkip // rows of the row group no page can match (parquet_pages.go)

	schema *arrow.Schema
	outs   []flowOut
	path   *flowCol
	cols   []*flowParquetColumn // projected columns found in the file
	absent []*flowCol           // projected columns the file lacks
	nulls  flowNulls            // their all-null arrays, shared by batches
	spare  *flowSpare           // where the columns came from, nil if new
	// dicts[i] is the dictionary of the last batch's column i, if a
	// flowKindDict column's: the next batch shares it while the column's
	// values are the same (flowParquetDict).
	dicts []*array.String
	// texts[i], when output i is a text column built dictionary-encoded
	// (flowParquetColumn.isText), is that column; nil when no column is.
	texts []*flowParquetColumn
	// kept is the number of rows the batch being read keeps (before
	// rejects): whether a text column shares its chunk's dictionary
	// depends on it (textMode).
	kept int

	maxRows int   // rows per batch: BatchRows, or the file's rows if fewer
	rg      int   // current row group
	rgRow   int64 // rows of the current row group consumed
	skipped int   // row groups skipped by pruning
	row     int64 // rows of the file consumed
	// bad[i] is set when row i of the batch is rejected; its error is
	// kept when bad is first set.
	bad  []bool
	nbad int
	// Late materialisation (readFiltered): the equalities of the
	// pruning on projected text columns, keep[i] set for batch row i
	// every filter keeps (drop its negation), rowOf the batch row of each
	// kept row and kbad the rejects among kept rows, in kept order.
	filters []*flowFilter
	keep    []bool
	drop    []bool
	rowOf   []int32
	kbad    []bool
	// runs are the kept rows as runs of consecutive batch rows, runs[2j]
	// to runs[2j+1] (excluded), when there are at most flowMaxRuns.
	runs    []int32
	vidx    []int32         // scratch of appendKept: the page value of each kept row
	allKept []bool          // maxRows trues, copied to start keep
	values  []parquet.Value // scratch for ReadValues
	digits  []byte          // scratch for integers read into string columns

	batch   arrow.RecordBatch
	err     error
	rejects ErrorList
	stats   Stats
}

// flowParquetColumn is one projected column found in the file.
type flowParquetColumn struct {
	field *flowField
	col   *flowCol
	leaf  int           // leaf column index in the file
	pages parquet.Pages // pages of the current row group's chunk
	vr    parquet.ValueReader
	off   int64 // file offset of the current chunk, for errors

	// isBulk is set when the file's physical type is the column's own
	// (INT32 or INT64 for integers, BYTE_ARRAY for text): its pages are
	// read whole through their typed slices (readBulk), not one
	// parquet.Value at a time (readColumn, for conversions).
	isBulk bool
	// isFilter is set for a column of an equality the reader filters on
	// (see flowFilter).
	isFilter bool
	pg       pageCursor
	dict     flowPqDict
	// The file's physical type and max definition level of the column,
	// and, when the current chunk is read through a pqChunk (isOwn), it.
	kind   parquet.Kind
	maxDef int
	ch     *pqChunk
	isOwn  bool
	// isText is set for a text column of the schema (utf8) read in bulk
	// from BYTE_ARRAY pages: it is built dictionary-encoded instead
	// (col is a flowKindDict column), its batch dictionary in text.
	isText bool
	text   pqTextDict
	// mode is how the current batch's text is built (textUndecided,
	// textBatch or textShared; see vpcflow_parquet_shared.go); shared is
	// the Arrow array of the dictionary converted sharedGen-th
	// (flowPqDict.gen), made when a batch first shares it; idsShared is
	// set while dict.ids maps each valid value to itself.
	mode      uint8
	idsShared bool
	shared    *array.String
	sharedGen uint64
}

// pqTextDict is the dictionary of a batch of a text column a flow Parquet
// reader builds dictionary-encoded (flowParquetColumn.isText): one entry
// per value of the chunk's dictionary the batch's rows use, made when a
// row first uses it (flowPqDict.ids maps the chunk's values to entries),
// and one per row of a page that is not dictionary-encoded. Entries need
// not be distinct (Parquet does not require a dictionary's values to be).
// Its buffers are borrowed from the column's flowCol (data, offs and i32,
// which a dictionary column does not use) and given back at Release, so
// that they go to the next reader with the column (flowSpare) instead of
// growing again in each: growing them was 8 of 118 MB allocated by the
// flow query over a small lake, a reader per file.
//
// Handing the engine a batch's addresses this way (vpc_large_egress over
// Parquet: a row group of 32,768 rows has 6,967 source addresses, a
// batch's 3,723 accepted rows 1,105) copies each distinct address once a
// batch instead of once a row, and the engine numbers, hashes and
// compares each entry once (grouping keys, WHERE kernels) instead of
// each row.
type pqTextDict struct {
	data []byte  // the entries' bytes
	offs []int32 // entry k is data[offs[k]:offs[k+1]]; offs[0] is 0
	// src are the chunk dictionary's values given an entry since the
	// dictionary was converted, whose flowPqDict.ids the next batch
	// resets: a selective query's batch uses a few values of a
	// dictionary of tens of thousands.
	src []int32
}

// reset empties t for the next batch.
func (t *pqTextDict) reset() {
	t.data = t.data[:0]
	t.offs = append(t.offs[:0], 0)
}

// add appends entry b and returns its index.
func (t *pqTextDict) add(b []byte) int32 {
	t.data = append(t.data, b...)
	t.offs = append(t.offs, int32(len(t.data)))
	return int32(len(t.offs) - 2)
}

// textID returns the batch dictionary entry of value x of c's chunk
// dictionary (a valid text value), adding it on the batch's first use.
func (c *flowParquetColumn) textID(x int32) int32 {
	d, t := &c.dict, &c.text
	if id := d.ids[x]; id >= 0 {
		return id
	}
	lo, hi, n := int(d.offs[x]), int(d.offs[x+1]), len(t.data)
	if hi-lo <= 16 && lo+16 <= cap(d.data) && n+16 <= cap(t.data) {
		// Fast path (addresses): one 16-byte move within both buffers'
		// capacity, the bytes past the value cut off.
		*(*[16]byte)(t.data[n : n+16]) = *(*[16]byte)(d.data[lo : lo+16])
		t.data = t.data[:n+hi-lo]
	} else {
		t.data = append(t.data, d.data[lo:hi]...)
	}
	t.offs = append(t.offs, int32(len(t.data)))
	t.src = append(t.src, x)
	id := int32(len(t.offs) - 2)
	d.ids[x] = id
	return id
}

// pageCursor is the current page of a flat column read in bulk, and how
// far into it the reader is. The slices alias the page and are valid until
// the next page of the chunk is read.
type pageCursor struct {
	pg   parquet.Page // the parquet-go page, if read through parquet-go
	has  bool         // a page is current: false between pages
	rows int          // rows (= values and nulls) in the page
	row  int          // next row
	val  int          // next non-null value
	// defs are the page's definition levels, one per row (0: null);
	// nil when every row has a value.
	defs []byte
	i32  []int32
	i64  []int64
	// The page's text values: value k is data[offs[k]:offs[k+1]].
	data []byte
	offs []uint32
	// idx are the dictionary indexes of a dictionary-encoded page (then
	// the slices above are unused), checked against the dictionary's size.
	idx []int32
}

// flowPqDict is a column chunk's Parquet dictionary converted once to the
// column's type and checked, instead of once per row that uses a value.
type flowPqDict struct {
	src parquet.Dictionary // the dictionary converted, if parquet-go's; nil before the chunk's first dictionary page
	// chunkGen is the pqChunk.dictGen of the dictionary converted, if a
	// pqChunk's (0: not one); gen counts conversions, naming the one
	// current (flowFilter.hitsGen).
	chunkGen, gen uint64
	// ints[k] is integer value k; text value k is data[offs[k]:offs[k+1]].
	// Text aliases the dictionary's own values (flow reader): parquet-go
	// keeps them for the chunk, and they are never appended to.
	ints []int64
	data []byte
	offs []uint32
	// state[k]: dictValid, dictNull ("-") or dictBad (out of range,
	// control characters): a row using it is rejected. The flow reader
	// checks a text value when a row first uses it (dictUnchecked until
	// then): a selective query uses few of a large dictionary's values.
	state []uint8
	// ids[k] is value k's index in the batch's dictionary (flowKindDict
	// columns), -1 until used in the batch.
	ids []int32
	// checks counts the text values checked one by one (checkText).
	checks int
}

// dictCheckAllAfter is the share of a text dictionary's values (one in
// dictCheckAllAfter) checked one by one after which checkText checks
// them all at once.
const dictCheckAllAfter = 32

// checkText checks text value x of d when a row first uses it and
// returns its state. Once rows used one in dictCheckAllAfter values, it
// checks the whole dictionary in one pass instead (checkAll): checking
// each value on first use (random reads of a 100 KiB dictionary of
// addresses) was a tenth of reading the flow query's addresses, where a
// selective query uses a few values of the dictionary.
func (d *flowPqDict) checkText(x int) uint8 {
	d.checks++
	if d.checks == len(d.state)/dictCheckAllAfter+1 && d.checkAll() {
		return d.state[x]
	}
	st := checkFlowDictText(d.data[d.offs[x]:d.offs[x+1]])
	d.state[x] = st
	return st
}

// checkAll sets the state of every text value of d not checked yet when
// all the values, side by side, are printable ASCII: each is then valid,
// or null for "-". It reports false, changing nothing, for a dictionary
// with another byte (which checkText then checks a value at a time, so
// that a bad value rejects only the rows that use it).
func (d *flowPqDict) checkAll() bool {
	n := len(d.state)
	if n == 0 || !flowASCII(d.data[d.offs[0]:d.offs[n]]) {
		return false
	}
	for k, st := range d.state {
		if st != dictUnchecked {
			continue
		}
		d.state[k] = dictValid
		if lo := d.offs[k]; d.offs[k+1]-lo == 1 && d.data[lo] == '-' {
			d.state[k] = dictNull
		}
	}
	return true
}

const (
	dictValid uint8 = iota
	dictNull
	dictBad
	dictUnchecked
)

// NewVPCFlowParquetReader returns a reader of the Parquet file r of size
// bytes, skipping row groups that prune rules out (see [VPCFlowParquetReader]);
// source names it in errors and in [SourceColumn]. It reads the
// file's footer, so it returns a [*ParseError] wrapping [ErrFormat] for a
// file that is not Parquet or whose projected columns are nested, and an
// error for a projection naming an unknown column. The caller must call
// Release.
func NewVPCFlowParquetReader(r io.ReaderAt, size int64, source string, prune Pruning, opts ...Option) (*VPCFlowParquetReader, error) {
	cfg := newConfig(opts)
	proj, err := projectSchema(VPCFlowSchema, cfg.columns)
	if err != nil {
		return nil, fmt.Errorf("vpc flow parquet reader: %w", err)
	}
	cr := &countingReaderAt{r: r}
	open := openParquetLazy
	if cfg.parquetGo {
		open = openParquet
	}
	pf, err := open(r, cr, size, source)
	if err != nil {
		return nil, err
	}
	top, err := flowParquetColumns(pf)
	if err != nil {
		return nil, err
	}
	p := &VPCFlowParquetReader{
		pf:     pf,
		cr:     cr,
		source: source,
		mem:    cfg.mem,
		rec:    &pqRecycler{mem: cfg.mem},
		strict: cfg.strict,
		prune:  prune,
		schema: proj,
		values: make([]parquet.Value, 512),
		rg:     -1,
		// Size the columns for the file: a small one gets small columns.
		maxRows: int(min(int64(BatchRows), max(pf.meta.NumRows, 1))),
	}
	p.bad = make([]bool, p.maxRows)
	p.rejects.Max = cfg.maxErrors
	// The columns of a released reader, text or Parquet (flowSpare): a
	// query opens a reader per file.
	p.spare, _ = flowSpares.Get().(*flowSpare)
	texts := false // a column is built dictionary-encoded (isText)
	for _, fl := range proj.Fields() {
		o := flowOut{field: fl}
		if fl.Name == SourceColumn {
			p.path = p.spare.col(flowKindDict, p.maxRows)
			clear(p.path.idx) // every row is index 0, the source
			p.path.dict = append(p.path.dict, source)
			o.col = p.path
			p.outs = append(p.outs, o)
			continue
		}
		j := vpcFlowFieldIndex[fl.Name]
		field := &vpcFlowFields[j]
		name := field.col
		node, ok := top[name]
		if !ok {
			name = field.name
			node, ok = top[name]
		}
		if !ok {
			o.col = p.spare.col(field.kind, p.maxRows)
			p.outs = append(p.outs, o)
			p.absent = append(p.absent, o.col)
			continue
		}
		if err := checkFlowParquetColumn(pf, field, &node); err != nil {
			return nil, err
		}
		k := node.kind
		isInt := field.kind == flowKindInt32 || field.kind == flowKindInt64
		bulk := isInt && (k == parquet.Int32 || k == parquet.Int64) || !isInt && k == parquet.ByteArray
		c := &flowParquetColumn{field: field, leaf: node.col, isBulk: bulk, kind: k, maxDef: node.maxDef}
		kind := field.kind
		if bulk && kind == flowKindString {
			// Text read in bulk: built dictionary-encoded (isText).
			c.isText, kind = true, flowKindDict
			o.field.Type = dictString
			texts = true
		}
		o.col = p.spare.col(kind, p.maxRows)
		c.col = o.col
		if c.isText {
			c.text = pqTextDict{data: o.col.data[:0], offs: o.col.offs[:0], src: o.col.i32[:0]}
			c.text.reset()
		}
		p.outs = append(p.outs, o)
		p.cols = append(p.cols, c)
	}
	if texts {
		fields := make([]arrow.Field, len(p.outs))
		p.texts = make([]*flowParquetColumn, len(p.outs))
		for i, o := range p.outs {
			fields[i] = o.field
			for _, c := range p.cols {
				if c.col == o.col && c.isText {
					p.texts[i] = c
				}
			}
		}
		md := proj.Metadata()
		p.schema = arrow.NewSchema(fields, &md)
	}
	p.planFilters()
	return p, nil
}

// withParquetGo makes a flow Parquet reader open the file through
// parquet-go at once and read its schema there, as it did before it
// planned from the footer it decodes itself: the tests compare the two.
func withParquetGo() Option {
	return func(c *config) { c.parquetGo = true }
}

// planFilters makes a filter of each equality of the pruning on a
// projected column read in bulk: a text column's of Pruning.Equal, an
// integer column's of Pruning.EqualInt.
func (p *VPCFlowParquetReader) planFilters() {
	for _, c := range p.cols {
		if !c.isBulk {
			continue
		}
		var f colFilter
		switch c.field.kind {
		case flowKindString, flowKindDict:
			vals, ok := p.prune.Equal[c.field.col]
			if !ok {
				continue
			}
			f.vals = vals
		default:
			ints := p.prune.EqualInt[c.field.col]
			if len(ints) == 0 {
				continue
			}
			f.ints = ints
		}
		c.isFilter = true
		p.filters = append(p.filters, &flowFilter{c: c, colFilter: f})
	}
	for _, f := range p.filters[:max(len(p.filters)-1, 0)] {
		f.held = make([]bool, p.maxRows)
	}
	if len(p.filters) > 0 {
		p.keep = make([]bool, p.maxRows)
		p.drop = make([]bool, p.maxRows)
		p.rowOf = make([]int32, 0, p.maxRows)
		p.vidx = make([]int32, p.maxRows)
		p.allKept = make([]bool, p.maxRows)
		for i := range p.allKept {
			p.allKept[i] = true
		}
		p.kbad = make([]bool, p.maxRows)
	}
}

// flowFileColumn is a top-level column of a flow Parquet file, as the
// plain schema of its footer (pqFile.root) or parquet-go's gives it.
type flowFileColumn struct {
	name     string
	group    string // a group's path down its first children ("a.b.c"); "" for a leaf
	repeated bool
	// A leaf's physical type (kindOK false when parquet-go gives none:
	// kindName then names what it is), column index and max definition
	// level.
	kind     parquet.Kind
	kindOK   bool
	kindName string
	col      int
	maxDef   int
}

// flowParquetColumns returns the file's top-level columns by name, or a
// [*ParseError] when none of them is a vpc_flow column: such a file is not
// a flow log, and reading it would make rows of nulls. The columns come
// from the decoded footer when its schema is plain, else from parquet-go.
func flowParquetColumns(pf *pqFile) (map[string]flowFileColumn, error) {
	var all []flowFileColumn
	if root := pf.root; root != nil {
		all = make([]flowFileColumn, 0, len(root.children))
		for _, n := range root.children {
			c := flowFileColumn{name: n.el.Name, col: n.col, maxDef: n.maxDef,
				repeated: n.el.RepetitionType.Valid && n.el.RepetitionType.V == format.Repeated}
			if n.leaf() {
				c.kind, c.kindOK = parquet.Kind(n.kind()), true
			} else {
				path := []string{n.el.Name}
				for g := n; !g.leaf() && len(g.children) > 0; {
					g = g.children[0]
					path = append(path, g.el.Name)
				}
				c.group = strings.Join(path, ".")
			}
			all = append(all, c)
		}
	} else {
		schema := pf.f.Schema()
		for _, fl := range schema.Fields() {
			c := flowFileColumn{name: fl.Name(), repeated: fl.Repeated()}
			if fl.Leaf() {
				c.kind, c.kindOK = kindOf(fl)
				c.kindName = kindName(fl)
				leaf, _ := schema.Lookup(fl.Name())
				c.col, c.maxDef = leaf.ColumnIndex, leaf.MaxDefinitionLevel
			} else {
				path := []string{fl.Name()}
				for n := parquet.Node(fl); !n.Leaf() && len(n.Fields()) > 0; {
					n = n.Fields()[0]
					path = append(path, n.(parquet.Field).Name())
				}
				c.group = strings.Join(path, ".")
			}
			all = append(all, c)
		}
	}
	top := make(map[string]flowFileColumn, len(all))
	known := false
	var names []string
	for _, c := range all {
		top[c.name] = c
		if _, ok := vpcFlowFieldIndex[c.name]; ok {
			known = true
		}
		if len(names) < 8 {
			names = append(names, strconv.Quote(c.name))
		}
	}
	if !known {
		found := "no columns"
		if len(names) > 0 {
			found = "columns " + strings.Join(names, ", ")
			if n := len(all); n > len(names) {
				found += " and " + strconv.Itoa(n-len(names)) + " more"
			}
		}
		return nil, &ParseError{Source: pf.source, Offset: pf.dataEnd,
			Err: errExpected(ErrFormat, "a VPC flow log Parquet file (at least one vpc_flow column)", found)}
	}
	return top, nil
}

// checkFlowParquetColumn refuses a file column the field's values cannot
// come from: a group (nested or repeated) or a physical type without a
// conversion, naming the column, the types expected and the one found.
func checkFlowParquetColumn(pf *pqFile, field *flowField, node *flowFileColumn) error {
	expected := "a flat column of BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT32 or INT64"
	if field.kind == flowKindInt32 || field.kind == flowKindInt64 {
		expected = "a flat column of INT32, INT64 or BYTE_ARRAY"
	}
	found := ""
	switch k := node.kind; {
	case node.group != "":
		found = "a group (" + node.group + ")"
	case node.repeated:
		found = "a repeated column"
	case !node.kindOK:
		found = node.kindName
	case k == parquet.Int32, k == parquet.Int64, k == parquet.ByteArray:
		return nil
	case k == parquet.FixedLenByteArray && field.kind != flowKindInt32 && field.kind != flowKindInt64:
		return nil
	default:
		found = k.String()
	}
	return &ParseError{Source: pf.source, Offset: pf.dataEnd, Path: field.col, Err: errExpected(ErrFormat, expected, found)}
}

// Schema returns the schema of the batches, the projection of [VPCFlowSchema].
func (p *VPCFlowParquetReader) Schema() *arrow.Schema { return p.schema }

// Batch returns the current batch, valid until the next call to Next or
// Release; call Retain to keep it longer.
func (p *VPCFlowParquetReader) Batch() arrow.RecordBatch { return p.batch }

// Err returns the error that stopped the read, nil at a clean end.
func (p *VPCFlowParquetReader) Err() error { return p.err }

// Stats returns what the reader consumed so far. Bytes counts the bytes
// read from the file (footer and projected column chunks, compressed), not
// its size: projection pushdown shows there.
func (p *VPCFlowParquetReader) Stats() Stats {
	s := p.stats
	s.Bytes = p.cr.n
	return s
}

// countingReaderAt counts the bytes read through it. parquet-go reads
// pages synchronously here (no AsyncPages), so no locking.
type countingReaderAt struct {
	r io.ReaderAt
	n int64
}

func (c *countingReaderAt) ReadAt(b []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(b, off)
	c.n += int64(n)
	return n, err
}

// RowGroups returns how many row groups the file has and how many were
// skipped by pruning so far.
func (p *VPCFlowParquetReader) RowGroups() (total, skipped int) {
	return len(p.pf.meta.RowGroups), p.skipped
}

// canSkip reports whether row group g cannot hold a row matching p.prune.
func (p *VPCFlowParquetReader) canSkip(g int) bool {
	pr := &p.prune
	if pr.IsZero() {
		return false
	}
	if !pr.Since.IsZero() || !pr.Until.IsZero() {
		// A row's window is [start, end]: the group's lie within
		// [min start, max end].
		lo, okLo := p.intBound("start", g, false)
		hi, okHi := p.intBound("end", g, true)
		if okHi && !pr.Since.IsZero() && hi < pr.Since.Unix() || okLo && !pr.Until.IsZero() && lo > pr.Until.Unix() {
			return true
		}
	}
	return p.pf.canSkipEqual(g, pr.Equal, p.cr) || p.pf.canSkipEqualInt(g, pr.EqualInt)
}

// intBound returns the minimum (or maximum) of integer column name in row
// group g from its statistics in the decoded footer; false when the file
// has no such flat integer column or no statistics (or statistics of the
// wrong size), or a null in the chunk (a null start or end is no bound).
func (p *VPCFlowParquetReader) intBound(name string, g int, isMax bool) (int64, bool) {
	col, k, _, ok := p.pf.flatLeaf(name)
	if !ok || k != parquet.Int64 && k != parquet.Int32 {
		return 0, false
	}
	if p.pf.meta.RowGroups[g].Columns[col].MetaData.Statistics.NullCount > 0 {
		return 0, false
	}
	lo, hi, ok := p.pf.chunkBounds(g, col)
	if !ok {
		return 0, false
	}
	if isMax {
		return pqStatInt(hi, k)
	}
	return pqStatInt(lo, k)
}

// Rejects returns the positioned errors of the rejected rows.
func (p *VPCFlowParquetReader) Rejects() *ErrorList { return &p.rejects }

// Release releases the current batch and closes the column readers. It
// does not close the underlying file.
func (p *VPCFlowParquetReader) Release() {
	if p.batch != nil {
		p.batch.Release()
		p.batch = nil
	}
	p.nulls.release()
	for i, d := range p.dicts {
		if d != nil {
			d.Release()
			p.dicts[i] = nil
		}
	}
	p.rec.close()
	p.closePages()
	for _, c := range p.cols {
		if c.shared != nil {
			c.shared.Release()
			c.shared = nil
		}
		if c.ch != nil {
			putPQChunk(c.ch)
			c.ch = nil
		}
	}
	if p.outs == nil {
		return // released before
	}
	for _, c := range p.cols {
		if c.isText {
			// Its buffers go with the column (pqTextDict).
			c.col.data, c.col.offs, c.col.i32 = c.text.data[:0], c.text.offs[:0], c.text.src[:0]
			c.text = pqTextDict{}
		}
	}
	// The columns go to the next reader: the batches hold copies of
	// them (flowParquetArray), never these buffers.
	sp := p.spare
	if sp == nil {
		sp = new(flowSpare)
	}
	for _, o := range p.outs {
		if len(sp.cols) < flowSpareCols {
			sp.cols = append(sp.cols, o.col)
		}
	}
	p.spare, p.outs, p.path, p.absent = nil, nil, nil, nil
	for _, c := range p.cols {
		c.col = nil
	}
	flowSpares.Put(sp)
}

func (p *VPCFlowParquetReader) closePages() {
	for _, c := range p.cols {
		if c.pages != nil {
			c.pages.Close()
			c.pages, c.vr = nil, nil
		}
		c.pg.release()
		c.dict.src, c.dict.chunkGen = nil, 0
		c.isOwn = false
	}
}

// Next reads the next batch of at most [BatchRows] rows, releasing the
// previous one. It returns false at the end or on a fatal error.
func (p *VPCFlowParquetReader) Next() bool {
	if p.batch != nil {
		p.batch.Release()
		p.batch = nil
	}
	for p.err == nil {
		groups := p.pf.meta.RowGroups
		for p.rg < 0 || p.rg < len(groups) && p.rgRow == groups[p.rg].NumRows {
			p.rg++
			p.rgRow = 0
			p.closePages()
			if p.rg == len(groups) {
				return false
			}
			if p.canSkip(p.rg) {
				p.skipped++
				p.rgRow = groups[p.rg].NumRows
				continue
			}
			if !p.openGroup() {
				if p.err != nil {
					return false
				}
				// No page of the group can match: none is read.
				p.row += groups[p.rg].NumRows
				p.rgRow = groups[p.rg].NumRows
			}
		}
		if p.rg >= len(groups) {
			return false
		}
		left, err := p.pageSkip()
		if err != nil {
			p.err = err
			return false
		}
		if left == 0 {
			continue // no row of the rest of the group can match
		}
		n := int(min(int64(p.maxRows), left))
		rows := p.readBatch(n)
		p.rgRow += int64(n)
		p.row += int64(n)
		if rows > 0 {
			p.stats.Records += int64(rows)
			p.build(rows)
			return true
		}
	}
	return false
}

// openGroup opens the chunks of the projected columns of row group p.rg.
// When every column is decoded by pqChunk, the filter columns are loaded
// first and their column indexes say which of their pages may match
// (pageSkip then seeks every column past the others, decoding only the
// pages read); a group none of whose pages can match is not loaded at
// all, and openGroup returns false. Otherwise a group whose pages the
// filters can rule out is read through parquet-go's page readers, which
// seek past them, and one read whole goes through pqChunk. It returns
// false with p.err set on an error.
func (p *VPCFlowParquetReader) openGroup() bool {
	md := &p.pf.meta
	load := func(c *flowParquetColumn) bool {
		if c.ch == nil {
			c.ch = getPQChunk()
		}
		if err := c.ch.load(p.pf, p.cr, p.rg, c.leaf, c.field.col, c.kind, c.maxDef); err != nil {
			p.err = err
			return false
		}
		return true
	}
	allOwn := true
	for _, c := range p.cols {
		c.isOwn = c.isBulk && pqChunkCan(p.pf, p.rg, c.leaf, c.kind, c.maxDef)
		allOwn = allOwn && c.isOwn
		if p.rg < len(md.RowGroups) && c.leaf < len(md.RowGroups[p.rg].Columns) {
			c.off = md.RowGroups[p.rg].Columns[c.leaf].MetaData.DataPageOffset
		}
	}
	if allOwn {
		s := &p.pages
		s.rg1, s.ranges, s.all = p.rg+1, nil, true
		if len(p.filters) == 0 {
			for _, c := range p.cols {
				if !load(c) {
					return false
				}
			}
			return true
		}
		known := p.ownLocs()
		clear(known)
		for _, f := range p.filters {
			if !load(f.c) {
				return false
			}
			if len(f.c.ch.locs) > 0 && p.pf.offsetIndexIs(p.rg, f.c.leaf, f.c.ch.locs) {
				known[f.c.leaf] = f.c.ch.locs
			}
		}
		if r, ok := p.pf.pageRanges(p.rg, md.RowGroups[p.rg].NumRows, p.prune.Equal, p.prune.EqualInt, known); ok {
			if len(r) == 0 {
				return false
			}
			s.ranges, s.all = r, false
		}
		for _, c := range p.cols {
			if !c.isFilter && !load(c) {
				return false
			}
		}
		return true
	}
	// A row group whose pages the filters can rule out is read
	// through parquet-go's page readers, which seek past them
	// (pageSkip); one read whole goes through pqChunk, which
	// decodes a chunk's pages faster but only in order.
	skips := false
	if len(p.filters) > 0 && p.mayPrunePages() {
		for _, c := range p.cols {
			if !p.openPages(c) {
				return false
			}
		}
		skips = p.planPages()
	}
	for _, c := range p.cols {
		c.isOwn = !skips && c.isOwn
		if c.isOwn && c.pages != nil {
			c.pages.Close()
			c.pages = nil
		}
		if c.pages != nil {
			// opened above
		} else if c.isOwn {
			if !load(c) {
				return false
			}
		} else if !p.openPages(c) {
			return false
		}
	}
	return true
}

// openPages opens parquet-go's page reader of c's chunk in row group
// p.rg after checking it (the slow path, for chunks pqChunk does not
// decode or groups read with seeks), opening the file through parquet-go
// if need be. It returns false with p.err set on an error.
func (p *VPCFlowParquetReader) openPages(c *flowParquetColumn) bool {
	if err := p.pf.checkChunk(p.rg, c.leaf, c.field.col); err != nil {
		p.err = err
		return false
	}
	chunk, err := p.pf.chunkOf(p.rg, c.leaf)
	if err != nil {
		p.err = err
		return false
	}
	c.pages = chunk.Pages()
	return true
}

// readBatch reads n rows of every projected column and returns how many
// rows are kept.
func (p *VPCFlowParquetReader) readBatch(n int) int {
	clear(p.bad[:n])
	p.nbad = 0
	if len(p.filters) > 0 {
		return p.readFiltered(n)
	}
	p.kept = n
	for _, c := range p.cols {
		var err error
		if c.isBulk {
			err = p.readBulk(c, n, nil)
		} else {
			err = p.readColumn(c, n)
		}
		if err != nil {
			p.err = err
			return 0
		}
	}
	p.checkWindows(n, nil)
	if p.strict && p.nbad > 0 {
		return 0
	}
	if p.nbad > 0 {
		for _, c := range p.cols {
			c.col.filter(p.bad[:n])
		}
	}
	return n - p.nbad
}

// flowFilter is an equality of Pruning.Equal on a projected text column
// read in bulk: the rows whose value is none of vals cannot match the
// query, so the other columns are not built for them (late
// materialisation) and the batch leaves them out.
type flowFilter struct {
	c *flowParquetColumn
	colFilter
	// held[i] is set for the batch rows the column holds (kept by this
	// filter and those before it), for all but the last filter.
	held []bool
	// hits[k] is what value k of the dictionary converted hitsGen-th
	// (flowPqDict.gen) is to the filter (hitUnknown until a row uses it).
	hits    []uint8
	hitsGen uint64
	// isKnown is set when every value of the dictionary is classified
	// and none is bad; yes[k] is then 1 for a value of the filter's
	// (hitYes), and yesList lists those values.
	isKnown bool
	yes     []uint8
	yesList []int32
}

// colFilter is an equality of Pruning.Equal a Parquet reader filters rows
// on: the column must equal one of vals.
type colFilter struct {
	vals []string // a text column's
	ints []int64  // an integer column's
	// dictHit[k] caches whether the batch dictionary's value k is one of
	// vals (flowKindDict columns): 0 unknown, 1 no, 2 yes.
	dictHit []uint8
}

// readFiltered is readBatch for a reader with filters: the filter
// columns are read first, each checking every row (a bad value is
// rejected whether or not the row is kept) and appending only the rows
// every filter so far keeps, then the other columns only for the rows
// every filter keeps (late materialisation). Rows left out are counted
// as read (Stats.Records) but are not checked beyond the filter columns,
// as rows of a skipped row group are not.
func (p *VPCFlowParquetReader) readFiltered(n int) int {
	keep := p.keep[:n]
	copy(keep, p.allKept)
	last := len(p.filters) - 1
	for j, f := range p.filters {
		if err := p.filterBulk(f, n, keep); err != nil {
			p.err = err
			return 0
		}
		if j < last {
			copy(f.held[:n], keep) // the rows f's column holds
		}
	}
	if p.strict && p.nbad > 0 {
		return 0
	}
	// The kept rows as runs of consecutive batch rows, which the bulk
	// columns below copy a run at a time (readBulkRuns): the flow lake
	// clusters its rows by action, so a filter on it keeps whole pages
	// or one run of a page. Rows kept here and there (more than
	// flowMaxRuns runs) are appended one by one (readBulk) instead.
	runs, isRuns := keepRuns(p.runs[:0], keep, flowMaxRuns)
	p.runs = runs
	rowOf := p.rowOf[:n]
	nk := 0
	if isRuns {
		for j := 0; j < len(runs); j += 2 {
			nk += int(runs[j+1] - runs[j])
		}
		if nk == n {
			rowOf = nil // every row: batch row i is kept row i
		} else {
			rowOf = rowOf[:0]
			for j := 0; j < len(runs); j += 2 {
				for r := runs[j]; r < runs[j+1]; r++ {
					rowOf = append(rowOf, r)
				}
			}
		}
	} else {
		// The kept rows, without a branch per row: each row is written
		// at the end and counted only when kept.
		for i, k := range keep {
			rowOf[nk] = int32(i)
			nk += int(b2u(k))
		}
		rowOf = rowOf[:nk]
	}
	if rowOf != nil {
		p.rowOf = rowOf
	}
	p.stats.Records += int64(n - nk)
	p.kept = nk
	// A filter column holds the rows kept when it was read: take out
	// those a later filter left out.
	for _, f := range p.filters[:last] {
		if f.c.col.n == nk {
			continue
		}
		drop := p.drop[:0]
		for i, h := range f.held[:n] {
			if h {
				drop = append(drop, !keep[i])
			}
		}
		f.c.col.filter(drop)
	}
	for _, c := range p.cols {
		if c.isFilter {
			continue
		}
		var err error
		switch {
		case c.isBulk && isRuns:
			err = p.readBulkRuns(c, n, runs)
		case c.isBulk:
			err = p.readBulk(c, n, rowOf)
		case nk == 0:
			err = p.readColumn(c, n)
			c.col.reset()
		default:
			err = p.readColumn(c, n)
			if nk < n {
				drop := p.drop[:n]
				for i, k := range keep {
					drop[i] = !k
				}
				c.col.filter(drop)
			}
		}
		if err != nil {
			p.err = err
			return 0
		}
	}
	if nk == 0 {
		return 0
	}
	p.checkWindows(nk, rowOf)
	if p.strict && p.nbad > 0 {
		return 0
	}
	if p.nbad == 0 {
		return nk // no row rejected, kept or not
	}
	// Rows rejected among the kept ones, in kept order.
	kbad, nbad := p.kbad[:nk], 0
	if rowOf == nil {
		copy(kbad, p.bad[:n])
	}
	for j, r := range rowOf {
		kbad[j] = p.bad[r]
	}
	for _, b := range kbad {
		if b {
			nbad++
		}
	}
	if nbad > 0 {
		for _, c := range p.cols {
			c.col.filter(kbad)
		}
	}
	return nk - nbad
}

// filterBulk reads n rows of f's column: a row whose value is null, bad
// (rejected) or none of f's has keep[i] cleared, and the value of a row
// still kept is appended.
func (p *VPCFlowParquetReader) filterBulk(f *flowFilter, n int, keep []bool) error {
	return p.eachPage(f.c, n, func(row, k int) { p.filterPage(f, row, k, keep[row:row+k]) })
}

// eachPage walks the next n rows of c a page at a time: do(row, k) gets
// the k rows from batch row row on that lie in the current page, and must
// consume them. A dictionary column's values are looked up afresh (its
// chunk's dictionary may change at the next page).
func (p *VPCFlowParquetReader) eachPage(c *flowParquetColumn, n int, do func(row, k int)) error {
	switch {
	case c.isText:
		for _, x := range c.text.src {
			c.dict.ids[x] = -1
		}
		c.text.src = c.text.src[:0]
		c.text.reset()
		c.mode = textUndecided
	case c.col.kind == flowKindDict:
		for i := range c.dict.ids {
			c.dict.ids[i] = -1
		}
	}
	for row := 0; row < n; {
		cur := &c.pg
		if !cur.has || cur.row == cur.rows {
			// Slow path: the next page.
			if err := p.nextPage(c, row); err != nil {
				return err
			}
			continue
		}
		k := min(n-row, cur.rows-cur.row)
		if c.isText {
			p.textMode(c)
		}
		do(row, k)
		row += k
	}
	return nil
}

// What a dictionary value is to a filter (flowFilter.hits).
const (
	hitUnknown uint8 = iota // not classified yet
	hitNo                   // null or none of the filter's values
	hitYes                  // one of the filter's values
	hitBad                  // a bad value: the row is rejected
)

// filterPage filters the next k rows of f's page (see filterBulk); row
// is the first one's row in the batch. A dictionary page's values are
// classified once per dictionary value, then looked up by index.
func (p *VPCFlowParquetReader) filterPage(f *flowFilter, row, k int, keep []bool) {
	c := f.c
	cur, d := &c.pg, &c.dict
	if cur.idx != nil {
		if f.hitsGen != d.gen {
			f.reset(d)
		}
		hits := f.hits
		if f.isKnown && c.col.kind == flowKindDict && len(cur.idx) > 0 {
			// Fast path: every dictionary value classified and none
			// bad, a dictionary column: a row is kept without a branch,
			// and appended by writing its index at the column's end and
			// counting it only when kept; the rows appended are all
			// valid, so their bits are set after the loop.
			col := c.col
			for _, x := range f.yesList {
				switch {
				case c.isText:
					c.textID(x)
				case d.ids[x] < 0:
					d.ids[x] = col.dictIndex(d.data[d.offs[x]:d.offs[x+1]])
				}
			}
			v, n := cur.val, col.n
			ids, yes, idx := d.ids, f.yes, cur.idx
			if cur.defs == nil && len(f.yesList) == 1 && allSame(idx[v:v+k], f.yesList[0]) && allTrue(keep) {
				// Fast path: every row holds the filter's one value (a
				// page of the flow lake, clustered by action) and is
				// kept so far: the rows' entries are that value's.
				fill32(col.idx[n:n+k], ids[f.yesList[0]])
				n += k
				v += k
			} else if cur.defs == nil {
				for i, x := range idx[v : v+k] {
					kept := yes[x] & b2u(keep[i])
					keep[i] = kept != 0
					col.idx[n] = ids[x]
					n += int(kept)
				}
				v += k
			} else {
				// A null (level 0) is not kept and takes no value: the
				// row looks at the next value (or the last) but keeps
				// it only with level 1.
				last := len(idx) - 1
				for i, dl := range cur.defs[cur.row : cur.row+k] {
					dl = min(dl, 1)
					x := idx[min(v, last)]
					kept := yes[x] & b2u(keep[i]) & dl
					keep[i] = kept != 0
					col.idx[n] = ids[x]
					n += int(kept)
					v += int(dl)
				}
			}
			setBits(col.valid, col.n, n)
			col.n = n
			cur.val = v
			cur.row += k
			return
		}
		if cur.defs == nil {
			// Fast path: no nulls; most rows' values are misses.
			base := cur.val
			for i, x := range cur.idx[base : base+k] {
				h := hits[x]
				if h == hitNo {
					keep[i] = false
					continue
				}
				if h == hitUnknown {
					// Slow path: the first use of the value in the chunk.
					h = f.classify(d, int(x))
					hits[x] = h
				}
				switch {
				case h == hitYes && keep[i]:
					p.appendAt(c, row+i, base+i)
				case h == hitBad:
					p.rejectBulk(c, row+i, d.ints, d.data, d.offs, int(x))
					keep[i] = false
				default:
					keep[i] = false
				}
			}
			cur.val += k
			cur.row += k
			return
		}
		for i := range k {
			if cur.defs != nil && cur.defs[cur.row+i] == 0 {
				keep[i] = false
				continue
			}
			v := cur.val
			cur.val++
			x := cur.idx[v]
			h := hits[x]
			if h == hitUnknown {
				// Slow path: the first use of the value in the chunk.
				h = f.classify(d, int(x))
				hits[x] = h
			}
			switch {
			case h == hitYes && keep[i]:
				p.appendAt(c, row+i, v)
			case h == hitBad:
				p.rejectBulk(c, row+i, d.ints, d.data, d.offs, int(x))
				keep[i] = false
			default:
				keep[i] = false
			}
		}
		cur.row += k
		return
	}
	isInt := c.col.kind == flowKindInt32 || c.col.kind == flowKindInt64
	if isInt && cur.i32 != nil && cur.defs == nil && len(f.ints) == 1 {
		// Fast path: an INT32 page without nulls and one value.
		want, hi := f.ints[0], c.field.max
		base := cur.val
		for i, x := range cur.i32[base : base+k] {
			x := int64(x)
			if x == want && keep[i] && x >= 0 && x <= hi {
				p.appendAt(c, row+i, base+i)
				continue
			}
			keep[i] = false
			if x < 0 || x > hi {
				p.rejectRow(c, row+i, strconv.FormatInt(x, 10))
			}
		}
		cur.val += k
		cur.row += k
		return
	}
	for i := range k {
		if cur.defs != nil && cur.defs[cur.row+i] == 0 {
			keep[i] = false
			continue
		}
		v := cur.val
		cur.val++
		if isInt {
			var x int64
			if cur.i32 != nil {
				x = int64(cur.i32[v])
			} else {
				x = cur.i64[v]
			}
			if x < 0 || x > c.field.max {
				p.rejectRow(c, row+i, strconv.FormatInt(x, 10))
				keep[i] = false
				continue
			}
			if keep[i] && slices.Contains(f.ints, x) {
				p.appendAt(c, row+i, v)
			} else {
				keep[i] = false
			}
			continue
		}
		b := cur.data[cur.offs[v]:cur.offs[v+1]]
		if len(b) == 1 && b[0] == '-' {
			keep[i] = false
			continue
		}
		if badFlowText(b) >= 0 {
			p.rejectBulk(c, row+i, nil, cur.data, cur.offs, v)
			keep[i] = false
			continue
		}
		if keep[i] && f.hasText(b) {
			p.appendAt(c, row+i, v)
		} else {
			keep[i] = false
		}
	}
	cur.row += k
}

// flowFilterClassifyAll is the largest dictionary a filter classifies
// whole when its chunk starts (flowFilter.reset), for filterPage's fast
// path: a value per row of a page at most.
const flowFilterClassifyAll = 4096

// reset starts the filter on dictionary d, just converted: no value
// classified, or, for a dictionary of at most flowFilterClassifyAll
// values, every one (isKnown; yes and yesList then say which are the
// filter's), unless one is bad.
func (f *flowFilter) reset(d *flowPqDict) {
	f.hits = append(f.hits[:0], make([]uint8, len(d.state))...)
	f.hitsGen = d.gen
	f.isKnown, f.yes, f.yesList = false, f.yes[:0], f.yesList[:0]
	if len(d.state) > flowFilterClassifyAll {
		return
	}
	for x := range f.hits {
		h := f.classify(d, x)
		f.hits[x] = h
		switch h {
		case hitBad:
			return
		case hitYes:
			f.yesList = append(f.yesList, int32(x))
		}
		f.yes = append(f.yes, b2u(h == hitYes))
	}
	f.isKnown = true
}

// allSame reports whether every value of xs is x.
func allSame(xs []int32, x int32) bool {
	var diff0, diff1 int32
	i := 0
	for ; i+2 <= len(xs); i += 2 {
		diff0 |= xs[i] ^ x
		diff1 |= xs[i+1] ^ x
	}
	for ; i < len(xs); i++ {
		diff0 |= xs[i] ^ x
	}
	return diff0|diff1 == 0
}

// allTrue reports whether every value of bs is true.
func allTrue(bs []bool) bool {
	if len(bs) == 0 {
		return true
	}
	return bytes.IndexByte(unsafe.Slice((*byte)(unsafe.Pointer(&bs[0])), len(bs)), 0) < 0
}

// fill32 sets every value of xs to x.
func fill32(xs []int32, x int32) {
	for i := range xs {
		xs[i] = x
	}
}

// setBits sets bits [from, to) of bitmap b (least significant bit first).
func setBits(b []byte, from, to int) {
	for ; from < to && from&7 != 0; from++ {
		b[from>>3] |= 1 << (from & 7)
	}
	for ; from+8 <= to; from += 8 {
		b[from>>3] = 0xff
	}
	for ; from < to; from++ {
		b[from>>3] |= 1 << (from & 7)
	}
}

// b2u is 1 for true and 0 for false, without a branch.
func b2u(b bool) uint8 {
	var u uint8
	if b {
		u = 1
	}
	return u
}

// classify returns what dictionary value x is to the filter, checking
// it first.
func (f *flowFilter) classify(d *flowPqDict, x int) uint8 {
	st := d.state[x]
	if st == dictUnchecked {
		st = d.checkText(x)
	}
	switch {
	case st == dictBad:
		return hitBad
	case st == dictNull:
		return hitNo
	case d.ints != nil:
		if slices.Contains(f.ints, d.ints[x]) {
			return hitYes
		}
	case f.hasText(d.data[d.offs[x]:d.offs[x+1]]):
		return hitYes
	}
	return hitNo
}

// hasText reports whether b is one of the filter's text values.
func (f *colFilter) hasText(b []byte) bool {
	for _, s := range f.vals {
		if string(b) == s {
			return true
		}
	}
	return false
}

// match clears keep[i] for the rows of col (a column of len(keep) rows)
// whose value is null or none of f.vals (f.ints for an integer column).
func (f *colFilter) match(col *flowCol, keep []bool) {
	switch col.kind {
	case flowKindInt32, flowKindInt64:
		for i := range keep {
			if !keep[i] {
				continue
			}
			if !col.isValid(i) {
				keep[i] = false
				continue
			}
			var x int64
			if col.kind == flowKindInt32 {
				x = int64(col.i32[i])
			} else {
				x = col.i64[i]
			}
			keep[i] = slices.Contains(f.ints, x)
		}
		return
	case flowKindDict:
		if len(f.dictHit) < len(col.dict) {
			f.dictHit = append(f.dictHit, make([]uint8, len(col.dict)-len(f.dictHit))...)
		}
		clear(f.dictHit)
		for i := range keep {
			if !keep[i] {
				continue
			}
			if !col.isValid(i) {
				keep[i] = false
				continue
			}
			x := col.idx[i]
			if f.dictHit[x] == 0 {
				f.dictHit[x] = 1
				if slices.Contains(f.vals, col.dict[x]) {
					f.dictHit[x] = 2
				}
			}
			keep[i] = f.dictHit[x] == 2
		}
		return
	}
	for i := range keep {
		if !keep[i] {
			continue
		}
		if !col.isValid(i) {
			keep[i] = false
			continue
		}
		v := col.data[col.offs[i]:col.offs[i+1]]
		hit := false
		for _, s := range f.vals {
			if string(v) == s {
				hit = true
				break
			}
		}
		keep[i] = hit
	}
}

// readColumn appends n values of c, converting each.
func (p *VPCFlowParquetReader) readColumn(c *flowParquetColumn, n int) error {
	row := 0
	for row < n {
		if c.vr == nil {
			pg, err := readPage(c.pages)
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = io.ErrUnexpectedEOF
				}
				return &ParseError{Source: p.source, Offset: c.off, Path: "row " + strconv.FormatInt(p.row+int64(row), 10) + " (" + c.field.col + ")",
					Err: fmt.Errorf("%w: column chunk: %w", ErrTruncated, err)}
			}
			c.vr = pg.Values()
		}
		vals := p.values[:min(len(p.values), n-row)]
		k, err := readValues(c.vr, vals)
		// Append before the page changes: byte arrays point into it.
		for i, v := range vals[:k] {
			p.appendValue(c, v, row+i)
		}
		row += k
		if errors.Is(err, io.EOF) {
			c.vr = nil
		} else if err != nil {
			return &ParseError{Source: p.source, Offset: c.off, Path: "row " + strconv.FormatInt(p.row+int64(row), 10) + " (" + c.field.col + ")",
				Err: fmt.Errorf("%w: %w", ErrSyntax, err)}
		}
	}
	return nil
}

// appendValue converts v to the column's type and appends it; a bad value
// appends a null placeholder and rejects the row.
func (p *VPCFlowParquetReader) appendValue(c *flowParquetColumn, v parquet.Value, row int) {
	col := c.col
	if v.IsNull() {
		col.appendNull()
		return
	}
	switch col.kind {
	case flowKindInt32, flowKindInt64:
		var n int64
		ok := true
		switch v.Kind() {
		case parquet.Int32:
			n = int64(v.Int32())
		case parquet.Int64:
			n = v.Int64()
		case parquet.ByteArray:
			b := v.ByteArray()
			if len(b) == 1 && b[0] == '-' {
				col.appendNull()
				return
			}
			n, ok = parseFlowInt(b, c.field.max)
			if !ok {
				p.rejectRow(c, row, quoteFound(b))
				col.appendNull()
				return
			}
		default:
			ok = false
		}
		if !ok || n < 0 || n > c.field.max {
			p.rejectRow(c, row, v.String())
			col.appendNull()
			return
		}
		if col.kind == flowKindInt32 {
			col.i32[col.n] = int32(n)
		} else {
			col.i64[col.n] = n
		}
	default:
		var b []byte
		switch v.Kind() {
		case parquet.ByteArray, parquet.FixedLenByteArray:
			b = v.ByteArray()
		case parquet.Int32, parquet.Int64:
			p.digits = strconv.AppendInt(p.digits[:0], v.Int64(), 10)
			b = p.digits
		default:
			p.rejectRow(c, row, v.String())
			col.appendNull()
			return
		}
		if len(b) == 1 && b[0] == '-' {
			col.appendNull()
			return
		}
		if k := badFlowText(b); k >= 0 {
			p.rejectRowErr(row, &ParseError{
				Source: p.source, Offset: c.off, Path: "row " + strconv.FormatInt(p.row+int64(row), 10) + " (" + c.field.col + ")",
				Err: errExpected(ErrSyntax, "valid UTF-8 text without control characters", quoteFound(b)),
			})
			col.appendNull()
			return
		}
		if col.kind == flowKindString {
			col.data = append(col.data, b...)
			col.offs[col.n+1] = int32(len(col.data))
		} else {
			col.idx[col.n] = col.dictIndex(b)
		}
	}
	col.setValid()
}

// rejectRow marks row of the batch bad, keeping the first error of the row.
func (p *VPCFlowParquetReader) rejectRow(c *flowParquetColumn, row int, found string) {
	expect := c.field.expect
	if expect == "" {
		expect = "text"
	}
	p.rejectRowErr(row, &ParseError{
		Source: p.source, Offset: c.off, Path: "row " + strconv.FormatInt(p.row+int64(row), 10) + " (" + c.field.col + ")",
		Err: errExpected(ErrType, expect, found),
	})
}

func (p *VPCFlowParquetReader) rejectRowErr(row int, e *ParseError) {
	if p.bad[row] {
		return
	}
	p.bad[row] = true
	p.nbad++
	p.stats.Rejected++
	if p.strict {
		if p.err == nil {
			p.err = e
		}
		return
	}
	p.rejects.Add(e)
}

// checkWindows rejects rows whose start is after their end, among the
// first n rows of the columns; rowOf maps them to batch rows (nil: the
// same).
func (p *VPCFlowParquetReader) checkWindows(n int, rowOf []int32) {
	var start, end *flowParquetColumn
	for _, c := range p.cols {
		switch c.field.col {
		case "start":
			start = c
		case "end":
			end = c
		}
	}
	if start == nil || end == nil {
		return
	}
	s, e := start.col, end.col
	for i := range n {
		if s.i64[i] > e.i64[i] && s.isValid(i) && e.isValid(i) {
			// Slow path.
			r := i
			if rowOf != nil {
				r = int(rowOf[i])
			}
			p.rejectRowErr(r, &ParseError{
				Source: p.source, Offset: end.off, Path: "row " + strconv.FormatInt(p.row+int64(r), 10) + " (end)",
				Err: errExpected(ErrType, "end at or after start "+strconv.FormatInt(s.i64[i], 10), strconv.Quote(strconv.FormatInt(e.i64[i], 10))),
			})
		}
	}
}

// build makes the batch of rows rows from the columns.
func (p *VPCFlowParquetReader) build(rows int) {
	cols := make([]arrow.Array, len(p.outs))
	for i, o := range p.outs {
		if o.col == p.path {
			p.path.n = rows
		}
		if o.col.n == 0 {
			cols[i] = p.nulls.get(p.mem, p.outs, i, rows, p.maxRows)
			continue
		}
		o.col.appendNullsTo(rows)
		if p.texts != nil && p.texts[i] != nil {
			if c := p.texts[i]; c.mode == textShared {
				cols[i] = p.sharedArray(c, o.field.Type)
			} else {
				cols[i] = p.textDictArray(o.col, &c.text, o.field.Type)
			}
			continue
		}
		if o.col.kind == flowKindDict {
			cols[i] = p.flowParquetDict(i, o.col, o.field.Type)
			continue
		}
		cols[i] = p.flowParquetArray(o.col, o.field.Type)
	}
	p.batch = array.NewRecordBatch(p.schema, cols, int64(rows))
	for _, c := range cols {
		c.Release()
	}
}

// flowParquetDict is c.newArray for dictionary column c, output i: its
// indexes and validity bits in buffers of p.rec, and its dictionary the
// previous batch's while c's values are the same ones. A batch of the
// flow query kept about 700 of 4096 rows, and building a dictionary of
// two actions for each (a string builder, its buffers) was an eighth of
// the bytes the reader allocated.
func (p *VPCFlowParquetReader) flowParquetDict(i int, c *flowCol, typ arrow.DataType) arrow.Array {
	if p.dicts == nil {
		p.dicts = make([]*array.String, len(p.outs))
	}
	dict := p.dicts[i]
	if dict == nil || !sameDict(dict, c.dict) {
		if dict != nil {
			dict.Release()
		}
		db := array.NewStringBuilder(p.mem)
		db.Reserve(len(c.dict))
		for _, d := range c.dict {
			db.Append(d)
		}
		dict = db.NewStringArray()
		db.Release()
		p.dicts[i] = dict
	}
	if len(c.dict) > vpcFlowMaxDictValues {
		c.dict, c.memo, c.last = c.dict[:0], nil, 0
		c.keys, c.klen = c.keys[:0], c.klen[:0]
	}
	idx := p.flowParquetArray(c, arrow.PrimitiveTypes.Int32)
	defer idx.Release()
	return array.NewDictionaryArray(typ, idx, dict)
}

// textDictArray is flowParquetArray for text column c built
// dictionary-encoded: its indexes over the batch dictionary t, whose
// offsets come from p.rec and whose text from p.mem (consumers view it
// as strings). It empties t.
func (p *VPCFlowParquetReader) textDictArray(c *flowCol, t *pqTextDict, typ arrow.DataType) arrow.Array {
	defer t.reset()
	n := len(t.offs) - 1
	offs := p.recBuffer(arrow.Int32Traits.CastToBytes(t.offs), 4*(p.maxRows+1))
	defer offs.Release()
	data := copyBuffer(p.mem, t.data)
	defer data.Release()
	dd := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{nil, offs, data}, nil, 0, 0)
	defer dd.Release()
	dict := array.MakeFromData(dd)
	defer dict.Release()
	idx := p.flowParquetArray(c, arrow.PrimitiveTypes.Int32)
	defer idx.Release()
	return array.NewDictionaryArray(typ, idx, dict)
}

// recBuffer returns a buffer of p.rec holding a copy of b, with room for
// capacity bytes (see flowParquetArray).
func (p *VPCFlowParquetReader) recBuffer(b []byte, capacity int) *memory.Buffer {
	buf := memory.NewResizableBuffer(p.rec)
	buf.Reserve(max(capacity, len(b)))
	buf.Resize(len(b))
	copy(buf.Bytes(), b)
	return buf
}

// sameDict reports whether d holds the values vals, in order.
func sameDict(d *array.String, vals []string) bool {
	if d.Len() != len(vals) {
		return false
	}
	for i, v := range vals {
		if d.Value(i) != v {
			return false
		}
	}
	return true
}

// flowParquetArray is c.newArray with the validity bits, integers and
// text offsets in buffers of p.rec, which the next batches reuse once
// this one is released ([pqRecycler]), each sized for a full batch so
// that batches a filter leaves short of it reuse them too: a batch's
// fresh buffers cost about 8 % of the flow query. Text, which consumers
// view as strings, comes from p.mem; a dictionary column is newArray's.
func (p *VPCFlowParquetReader) flowParquetArray(c *flowCol, typ arrow.DataType) arrow.Array {
	defer c.reset()
	n := c.n
	full := p.recBuffer
	var validity *memory.Buffer
	if c.nulls > 0 {
		validity = full(c.valid[:(n+7)/8], (p.maxRows+7)/8)
		defer validity.Release()
	}
	var bufs []*memory.Buffer
	switch c.kind {
	case flowKindInt32:
		bufs = []*memory.Buffer{validity, full(arrow.Int32Traits.CastToBytes(c.i32[:n]), 4*p.maxRows)}
	case flowKindInt64:
		bufs = []*memory.Buffer{validity, full(arrow.Int64Traits.CastToBytes(c.i64[:n]), 8*p.maxRows)}
	case flowKindDict:
		bufs = []*memory.Buffer{validity, full(arrow.Int32Traits.CastToBytes(c.idx[:n]), 4*p.maxRows)}
	default:
		bufs = []*memory.Buffer{validity, full(arrow.Int32Traits.CastToBytes(c.offs[:n+1]), 4*(p.maxRows+1)), copyBuffer(p.mem, c.data)}
	}
	for _, b := range bufs[1:] {
		defer b.Release()
	}
	data := array.NewData(typ, n, bufs, nil, c.nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// readBulk appends n values of c, a column whose pages hold its own type,
// a page at a time: integers are range-checked and copied from the page's
// typed slice, text is checked and copied, and a dictionary page's values
// are converted and checked once per chunk, then looked up by index. With
// rows (ascending batch rows), only those rows are appended; the others
// are passed.
func (p *VPCFlowParquetReader) readBulk(c *flowParquetColumn, n int, rows []int32) error {
	return p.eachPage(c, n, func(row, k int) {
		if rows == nil {
			p.appendSpan(c, row, k)
			return
		}
		j := 0
		for j < len(rows) && int(rows[j]) < row+k {
			j++
		}
		p.appendKept(c, row, k, rows[:j])
		rows = rows[j:]
	})
}

// flowMaxRuns is the most runs of kept rows a batch's late-materialised
// columns are appended by (readBulkRuns); past it, they are appended a
// row at a time (readBulk), as the cost of a run is that of a few rows.
const flowMaxRuns = 64

// keepRuns appends to dst the runs of true values of keep, each as its
// first index and the index after its last, and reports true; it reports
// false as soon as there are more than maxRuns. It finds the ends of
// runs with bytes.IndexByte over keep's bytes, not by testing each row.
func keepRuns(dst []int32, keep []bool, maxRuns int) ([]int32, bool) {
	if len(keep) == 0 {
		return dst, true
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&keep[0])), len(keep)) // a bool is one byte, 0 or 1
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], 1)
		if j < 0 {
			break
		}
		if len(dst) == 2*maxRuns {
			return dst, false
		}
		start, end := i+j, len(b)
		if e := bytes.IndexByte(b[i+j:], 0); e >= 0 {
			end = i + j + e
		}
		dst = append(dst, int32(start), int32(end))
		i = end
	}
	return dst, true
}

// readBulkRuns is readBulk for the batch rows of runs (keepRuns' pairs,
// ascending): each run's rows are appended in bulk (appendSpan), those
// between runs passed.
func (p *VPCFlowParquetReader) readBulkRuns(c *flowParquetColumn, n int, runs []int32) error {
	return p.eachPage(c, n, func(row, k int) {
		end, pos := row+k, row
		for len(runs) > 0 && int(runs[0]) < end {
			from, to := max(int(runs[0]), pos), min(int(runs[1]), end)
			if from > pos {
				c.pg.pass(from - pos)
			}
			p.appendSpan(c, from, to-from)
			pos = to
			if int(runs[1]) > end {
				break // the run goes on in the next page
			}
			runs = runs[2:]
		}
		if pos < end {
			c.pg.pass(end - pos)
		}
	})
}

// pass passes the next k rows of the cursor's page.
func (cur *pageCursor) pass(k int) {
	v := k
	if cur.defs != nil {
		v -= bytes.Count(cur.defs[cur.row:cur.row+k], zeroLevel[:])
	}
	cur.val += v
	cur.row += k
}

// appendSpan appends the next k rows of c's page; row is the first one's
// row in the batch. The values of each run of rows without a null are
// appended in bulk (appendRun).
func (p *VPCFlowParquetReader) appendSpan(c *flowParquetColumn, row, k int) {
	cur := &c.pg
	if cur.defs == nil {
		p.appendRun(c, row, cur.val, k)
		cur.val += k
		cur.row += k
		return
	}
	defs := cur.defs[cur.row : cur.row+k]
	for i := 0; i < k; {
		for i < k && defs[i] == 0 {
			c.col.appendNull()
			i++
		}
		j := bytes.IndexByte(defs[i:], 0)
		if j < 0 {
			j = k - i
		}
		if j > 0 {
			p.appendRun(c, row+i, cur.val, j)
			cur.val += j
			i += j
		}
	}
	cur.row += k
}

// appendRun appends values v to v+k of c's page, none null, for the k
// batch rows from row. The common kinds are copied or looked up in a
// loop of their own, the rows' validity bits set together at the end of
// each run of valid values: dictionary indexes whose entry the batch
// already made (a value that is not yet one, or not valid, goes to
// appendAt, which makes its entry, or appends a null or rejects its
// row), integers in range (checked for the run at once). Other pages go
// to appendAt a row at a time.
func (p *VPCFlowParquetReader) appendRun(c *flowParquetColumn, row, v, k int) {
	cur, col, d := &c.pg, c.col, &c.dict
	switch {
	case cur.idx != nil && col.kind == flowKindDict:
		ids, out := d.ids, col.idx
		n0, n := col.n, col.n
		run := cur.idx[v : v+k]
		for i := 0; i < len(run); i++ {
			// Fast path: entries of the batch (valid values), up to the
			// first that is not.
			m := mapDictIDs(out[n:], ids, run[i:])
			n, i = n+m, i+m
			if i == len(run) {
				break
			}
			x := run[i]
			if c.isText {
				// A text value's first use in the batch: a valid one
				// gets its entry and stays in the run.
				st := d.state[x]
				if st == dictUnchecked {
					st = d.checkText(int(x))
				}
				if st == dictValid {
					out[n] = c.textID(x)
					n++
					continue
				}
			}
			setBits(col.valid, n0, n)
			col.n = n
			p.appendAt(c, row+i, v+i)
			n0, n = col.n, col.n
		}
		setBits(col.valid, n0, n)
		col.n = n
	case cur.i64 != nil && col.kind == flowKindInt64:
		if !appendIntRun(col, col.i64, cur.i64[v:v+k], uint64(c.field.max)) {
			// Slow path: a value out of range rejects its row.
			for i := range k {
				p.appendAt(c, row+i, v+i)
			}
		}
	case cur.i32 != nil && col.kind == flowKindInt32:
		if !appendIntRun(col, col.i32, cur.i32[v:v+k], uint64(c.field.max)) {
			for i := range k {
				p.appendAt(c, row+i, v+i)
			}
		}
	case cur.idx != nil && (col.kind == flowKindInt64 || col.kind == flowKindInt32):
		// An integer dictionary: its values were checked when converted.
		n0, n := col.n, col.n
		for i, x := range cur.idx[v : v+k] {
			if d.state[x] == dictValid {
				if col.kind == flowKindInt64 {
					col.i64[n] = d.ints[x]
				} else {
					col.i32[n] = int32(d.ints[x])
				}
				n++
				continue
			}
			setBits(col.valid, n0, n)
			col.n = n
			p.appendAt(c, row+i, v+i)
			n0, n = col.n, col.n
		}
		setBits(col.valid, n0, n)
		col.n = n
	default:
		for i := range k {
			p.appendAt(c, row+i, v+i)
		}
	}
}

// mapDictIDs sets out[i] to ids[idx[i]] up to the first such ID that is
// negative (or the end of out) and returns how many it set. A function
// of its own: in appendRun's loop, with its slow paths, each value took
// ~10 instructions (counters on the stack, a bounds check a store).
//
//go:noinline
func mapDictIDs(out, ids, idx []int32) int {
	if len(idx) > len(out) {
		idx = idx[:len(out)]
	}
	out = out[:len(idx)]
	for i, x := range idx {
		id := ids[x]
		if id < 0 {
			return i
		}
		out[i] = id
	}
	return len(idx)
}

// appendIntRun appends vals, valid, to col's values dst (col.i64 or
// col.i32) when every one is in [0, hi] (inRange), and reports whether it
// did; otherwise it appends nothing.
func appendIntRun[T int32 | int64](col *flowCol, dst, vals []T, hi uint64) bool {
	if !inRange(vals, hi) {
		return false
	}
	copy(dst[col.n:col.n+len(vals)], vals)
	setBits(col.valid, col.n, col.n+len(vals))
	col.n += len(vals)
	return true
}

// inRange reports whether every value of vals is in [0, hi], hi one less
// than a power of two (as every flow field's maximum is), from the values
// ORed together: no branch per value. For another hi it may report false
// for values in range, which then take the slow path, never true for one
// out of range (a value whose bits are all among hi's is at most hi).
func inRange[T int32 | int64](vals []T, hi uint64) bool {
	var or0, or1 T
	i := 0
	for ; i+2 <= len(vals); i += 2 {
		or0 |= vals[i]
		or1 |= vals[i+1]
	}
	for ; i < len(vals); i++ {
		or0 |= vals[i]
	}
	// A negative value sign-extends to set bits above any hi.
	return uint64(int64(or0|or1))&^hi == 0
}

// appendKept appends the values of rows (ascending batch rows within
// [row, row+k)) among the next k rows of c's page, and passes the others
// (late materialisation).
func (p *VPCFlowParquetReader) appendKept(c *flowParquetColumn, row, k int, rows []int32) {
	cur := &c.pg
	// vidx[j] is the page value of row rows[j], -1 for a null.
	vidx := p.vidx[:len(rows)]
	if cur.defs == nil {
		// Fast path: no nulls, so row r holds value cur.val+r-row.
		base := int32(cur.val - row)
		for j, r := range rows {
			vidx[j] = base + r
		}
		cur.val += k
	} else {
		// Row r's value is cur.val plus the non-nulls of the page's rows
		// before it: count them gap by gap, without a branch per row.
		defs := cur.defs[cur.row : cur.row+k]
		v, prev := cur.val, 0
		for j, r := range rows {
			i := int(r) - row
			for _, d := range defs[prev:i] {
				v += int(min(d, 1))
			}
			prev = i
			vidx[j] = int32(v)
			if defs[i] == 0 {
				vidx[j] = -1
			}
		}
		for _, d := range defs[prev:] {
			v += int(min(d, 1))
		}
		cur.val = v
	}
	cur.row += k
	if !p.appendKeptFast(c, rows, vidx) {
		for j, r := range rows {
			if vidx[j] < 0 {
				c.col.appendNull()
				continue
			}
			p.appendAt(c, int(r), int(vidx[j]))
		}
	}
}

// appendKeptFast appends the values vidx of c's page (-1: null) for the
// batch rows rows, for the common kinds: text from a dictionary page,
// integers of the column's own width. A value that is not valid goes to
// appendAt (which rejects its row or appends a null). It reports false
// for a page it does not handle.
func (p *VPCFlowParquetReader) appendKeptFast(c *flowParquetColumn, rows, vidx []int32) bool {
	cur, col, d := &c.pg, c.col, &c.dict
	switch {
	case cur.idx != nil && c.isText:
		// Text built dictionary-encoded: a row writes its value's entry,
		// made on the value's first use in the batch. Rows whose entry
		// is made are written in a run (n0 to n) whose validity bits are
		// set at its end.
		ids, idx, out := d.ids, cur.idx, col.idx
		n0, n := col.n, col.n
		for j, v := range vidx {
			if v >= 0 {
				if id := ids[idx[v]]; id >= 0 {
					// Fast path.
					out[n] = id
					n++
					continue
				}
			}
			setBits(col.valid, n0, n)
			col.n = n
			if v < 0 {
				col.appendNull()
				n0, n = col.n, col.n
				continue
			}
			x := idx[v]
			n0, n = col.n+1, col.n+1 // the row, appended below
			st := d.state[x]
			if st == dictUnchecked {
				// The value's first use in the chunk: check it.
				st = d.checkText(int(x))
			}
			if st != dictValid {
				// Slow path: null or bad.
				p.appendAt(c, int(rows[j]), int(v))
				n0, n = col.n, col.n
				continue
			}
			col.idx[col.n] = c.textID(x)
			col.setValid()
		}
		setBits(col.valid, n0, n)
		col.n = n
	case cur.idx != nil && col.kind == flowKindString:
		data, offs, idx := d.data, d.offs, cur.idx
		for j, v := range vidx {
			if v < 0 {
				col.appendNull()
				continue
			}
			x := idx[v]
			st := d.state[x]
			if st == dictUnchecked {
				// The value's first use in the chunk: check it.
				st = d.checkText(int(x))
			}
			if st != dictValid {
				// Slow path: null or bad.
				p.appendAt(c, int(rows[j]), int(v))
				continue
			}
			lo, hi, n := int(offs[x]), int(offs[x+1]), len(col.data)
			if hi-lo <= 16 && lo+16 <= cap(data) && n+16 <= cap(col.data) {
				// Fast path (addresses): one 16-byte move within both
				// buffers' capacity, the bytes past the value cut off.
				*(*[16]byte)(col.data[n : n+16]) = *(*[16]byte)(data[lo : lo+16])
				col.data = col.data[:n+hi-lo]
			} else {
				col.data = append(col.data, data[lo:hi]...)
			}
			col.offs[col.n+1] = int32(len(col.data))
			col.setValid()
		}
	case cur.i64 != nil && col.kind == flowKindInt64:
		// As the text case: valid values in runs.
		hi, vals, out := uint64(c.field.max), cur.i64, col.i64
		n0, n := col.n, col.n
		for j, v := range vidx {
			if v >= 0 {
				if x := vals[v]; uint64(x) <= hi {
					// Fast path: in [0, max].
					out[n] = x
					n++
					continue
				}
			}
			setBits(col.valid, n0, n)
			col.n = n
			if v < 0 {
				col.appendNull()
			} else {
				p.appendAt(c, int(rows[j]), int(v)) // rejects it
			}
			n0, n = col.n, col.n
		}
		setBits(col.valid, n0, n)
		col.n = n
	case cur.i32 != nil && col.kind == flowKindInt32:
		hi, vals := c.field.max, cur.i32
		for j, v := range vidx {
			if v < 0 {
				col.appendNull()
				continue
			}
			x := int64(vals[v])
			if x < 0 || x > hi {
				p.appendAt(c, int(rows[j]), int(v)) // rejects it
				continue
			}
			col.i32[col.n] = int32(x)
			col.setValid()
		}
	default:
		return false
	}
	return true
}

// appendAt appends value v of c's page (not null), for batch row row: a
// bad value appends a null placeholder and rejects the row.
func (p *VPCFlowParquetReader) appendAt(c *flowParquetColumn, row, v int) {
	cur, col, d := &c.pg, c.col, &c.dict
	if cur.idx != nil {
		// A dictionary page: the value was converted with the dictionary.
		x := cur.idx[v]
		st := d.state[x]
		if st == dictUnchecked {
			st = d.checkText(int(x))
		}
		switch st {
		case dictNull:
			col.appendNull()
			return
		case dictBad:
			p.rejectBulk(c, row, d.ints, d.data, d.offs, int(x))
			col.appendNull()
			return
		}
		switch col.kind {
		case flowKindInt32:
			col.i32[col.n] = int32(d.ints[x])
		case flowKindInt64:
			col.i64[col.n] = d.ints[x]
		case flowKindString:
			col.data = append(col.data, d.data[d.offs[x]:d.offs[x+1]]...)
			col.offs[col.n+1] = int32(len(col.data))
		default:
			id := d.ids[x]
			if id < 0 {
				if c.isText {
					id = c.textID(x)
				} else {
					id = col.dictIndex(d.data[d.offs[x]:d.offs[x+1]])
					d.ids[x] = id
				}
			}
			col.idx[col.n] = id
		}
		col.setValid()
		return
	}
	switch col.kind {
	case flowKindInt32, flowKindInt64:
		var x int64
		if cur.i32 != nil {
			x = int64(cur.i32[v])
		} else {
			x = cur.i64[v]
		}
		if x < 0 || x > c.field.max {
			p.rejectRow(c, row, strconv.FormatInt(x, 10))
			col.appendNull()
			return
		}
		if col.kind == flowKindInt32 {
			col.i32[col.n] = int32(x)
		} else {
			col.i64[col.n] = x
		}
	default:
		b := cur.data[cur.offs[v]:cur.offs[v+1]]
		if len(b) == 1 && b[0] == '-' {
			col.appendNull()
			return
		}
		if badFlowText(b) >= 0 {
			p.rejectBulk(c, row, nil, cur.data, cur.offs, v)
			col.appendNull()
			return
		}
		switch {
		case col.kind == flowKindString:
			col.data = append(col.data, b...)
			col.offs[col.n+1] = int32(len(col.data))
		case c.isText:
			// A page that is not dictionary-encoded (a writer's fallback
			// once its dictionary grew too large): an entry per row.
			col.idx[col.n] = c.text.add(b)
		default:
			col.idx[col.n] = col.dictIndex(b)
		}
	}
	col.setValid()
}

// rejectBulk rejects row of the batch for value k of a page or dictionary
// (ints, or data and offs).
func (p *VPCFlowParquetReader) rejectBulk(c *flowParquetColumn, row int, ints []int64, data []byte, offs []uint32, k int) {
	// Slow path.
	if ints != nil {
		p.rejectRow(c, row, strconv.FormatInt(ints[k], 10))
		return
	}
	p.rejectRowErr(row, &ParseError{
		Source: p.source, Offset: c.off, Path: "row " + strconv.FormatInt(p.row+int64(row), 10) + " (" + c.field.col + ")",
		Err: errExpected(ErrSyntax, "valid UTF-8 text without control characters", quoteFound(data[offs[k]:offs[k+1]])),
	})
}

// nextPage makes the next page of c's chunk current, checking that its
// levels, values and dictionary indexes agree; row is the batch row it
// starts at, for errors.
func (p *VPCFlowParquetReader) nextPage(c *flowParquetColumn, row int) error {
	fail := func(err error) error {
		return &ParseError{Source: p.source, Offset: c.off, Path: "row " + strconv.FormatInt(p.row+int64(row), 10) + " (" + c.field.col + ")", Err: err}
	}
	c.pg.release()
	if c.isOwn {
		if err := c.ch.nextPage(); err != nil {
			if errors.Is(err, io.EOF) {
				return fail(fmt.Errorf("%w: column chunk: %w", ErrTruncated, io.ErrUnexpectedEOF))
			}
			return fail(err)
		}
		err := c.pg.loadChunk(c.ch, c.field.col, func(ch *pqChunk) (int, error) {
			if c.dict.src != nil || c.dict.chunkGen != ch.dictGen {
				if err := p.convertDict(c, ch.dict); err != nil {
					return 0, err
				}
				c.dict.chunkGen = ch.dictGen
			}
			return len(c.dict.state), nil
		})
		if err != nil {
			return fail(err)
		}
		return nil
	}
	pg, err := readPage(c.pages)
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return fail(fmt.Errorf("%w: column chunk: %w", ErrTruncated, err))
	}
	err = c.pg.load(pg, c.field.col, func(dict parquet.Dictionary) (int, error) {
		if dict != c.dict.src {
			values, err := pageData(dict.Page())
			if err != nil {
				return 0, err
			}
			if err := p.convertDict(c, values); err != nil {
				return 0, err
			}
			c.dict.src = dict
		}
		return len(c.dict.state), nil
	})
	if err != nil {
		return fail(err)
	}
	return nil
}

// load makes pg, just read, the cursor's page and checks that its levels,
// values and dictionary indexes agree; dictSize converts the dictionary of
// a dictionary-encoded page (when it is not the one converted already) and
// returns its size. col names the column in errors. An empty page is
// released at once (the cursor then has no page).
func (cur *pageCursor) load(pg parquet.Page, col string, dictSize func(parquet.Dictionary) (int, error)) error {
	values, err := pageData(pg)
	if err != nil {
		return err
	}
	size := -1
	if dict := pg.Dictionary(); dict != nil {
		if size, err = dictSize(dict); err != nil {
			return err
		}
	}
	return cur.set(pg, int(pg.NumValues()), pg.DefinitionLevels(), values, size, col)
}

// loadChunk makes the page ch decoded last the cursor's page, as load
// does; dictSize converts ch's dictionary (when it is not the one
// converted already) and returns its size.
func (cur *pageCursor) loadChunk(ch *pqChunk, col string, dictSize func(*pqChunk) (int, error)) error {
	size := -1
	if ch.isDict {
		var err error
		if size, err = dictSize(ch); err != nil {
			return err
		}
	}
	return cur.set(nil, ch.rows, ch.defs, ch.vals, size, col)
}

// set makes a page of rows rows the cursor's: defs are its definition
// levels (none when every row has a value), values its values, or its
// dictionary indexes into a dictionary of dictSize values (-1: not a
// dictionary page); pg is the parquet-go page they alias, if any.
func (cur *pageCursor) set(pg parquet.Page, rows int, defs []byte, values encoding.Values, dictSize int, col string) error {
	*cur = pageCursor{pg: pg, has: true, rows: rows}
	if len(defs) > 0 {
		if len(defs) != cur.rows {
			return fmt.Errorf("%w: page of %d values has %d definition levels", ErrCorrupt, cur.rows, len(defs))
		}
		cur.defs = defs
	}
	nonNull := cur.rows
	if cur.defs != nil {
		nulls := bytes.Count(cur.defs, zeroLevel[:])
		nonNull -= nulls
		if nulls == 0 {
			cur.defs = nil // no null: the rows need not look at the levels
		}
	}
	got := 0
	if dictSize >= 0 {
		size := dictSize
		if values.Kind() != encoding.Int32 {
			return fmt.Errorf("%w: dictionary page of %v indexes", ErrCorrupt, values.Kind())
		}
		cur.idx = values.Int32()
		got = len(cur.idx)
		if uint64(maxIndex(cur.idx)) >= uint64(size) {
			// Slow path: name the first bad index.
			for _, x := range cur.idx {
				if x < 0 || int(x) >= size {
					return fmt.Errorf("%w: dictionary index %d out of a dictionary of %d values", ErrCorrupt, x, size)
				}
			}
		}
	} else {
		switch values.Kind() {
		case encoding.Int32:
			cur.i32 = values.Int32()
			got = len(cur.i32)
		case encoding.Int64:
			cur.i64 = values.Int64()
			got = len(cur.i64)
		case encoding.ByteArray:
			cur.data, cur.offs = values.ByteArray()
			got = max(len(cur.offs)-1, 0)
			if got > 0 && int(cur.offs[got]) > len(cur.data) {
				return fmt.Errorf("%w: page values end past the page", ErrCorrupt)
			}
		default:
			return fmt.Errorf("%w: page of %v values in a column of %v", ErrCorrupt, values.Kind(), col)
		}
	}
	if got < nonNull {
		return fmt.Errorf("%w: page of %d non-null values holds %d", ErrCorrupt, nonNull, got)
	}
	if cur.rows == 0 {
		cur.release() // an empty page: read the next
	}
	return nil
}

// zeroLevel is the definition level of a null in a flat column.
var zeroLevel = [1]byte{0}

// release gives the cursor's page back to parquet-go's buffer pools, so
// the next page reuses its buffers instead of allocating; the cursor's
// slices are invalid after.
func (cur *pageCursor) release() {
	if cur.pg != nil {
		parquet.Release(cur.pg)
	}
	*cur = pageCursor{}
}

// flowASCII reports whether every byte of b is printable ASCII (0x20 to
// 0x7f), text badFlowText accepts, eight bytes at a time: w | (w -
// 0x20*lsb) has a byte's top bit set for a byte of 0x80 or more, or below
// 0x20 (only such a byte borrows from the next).
func flowASCII(b []byte) bool {
	var text uint64
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		text |= w | (w - 0x20*lsb)
	}
	for _, c := range b[i:] {
		text |= uint64(c) | uint64(c-0x20)
	}
	return text&msb == 0
}

// checkFlowDictText is the state of a dictionary's text value b: null
// ("-"), bad (control characters, invalid UTF-8) or valid.
func checkFlowDictText(b []byte) uint8 {
	switch {
	case len(b) == 1 && b[0] == '-':
		return dictNull
	case badFlowText(b) >= 0:
		return dictBad
	}
	return dictValid
}

// pageData is pg.Data(), with a panic of parquet-go turned into an error
// as in readPage.
func pageData(pg parquet.Page) (v encoding.Values, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: damaged page: %v", ErrCorrupt, r)
		}
	}()
	return pg.Data(), nil
}

// convertDict converts and checks values, the dictionary of c's chunk,
// once; the caller records which dictionary it is (src or chunkGen).
func (p *VPCFlowParquetReader) convertDict(c *flowParquetColumn, values encoding.Values) error {
	d := &c.dict
	if c.mode == textShared {
		p.unshare(c) // while d holds the shared values
	}
	c.idsShared = false // d.ids are made anew below
	d.src, d.chunkGen = nil, 0
	d.gen++
	d.ints, d.data, d.offs, d.state, d.ids = d.ints[:0], nil, nil, d.state[:0], d.ids[:0]
	switch values.Kind() {
	case encoding.Int32, encoding.Int64:
		if values.Kind() == encoding.Int32 {
			for _, x := range values.Int32() {
				d.ints = append(d.ints, int64(x))
			}
		} else {
			d.ints = append(d.ints, values.Int64()...)
		}
		for _, x := range d.ints {
			st := dictValid
			if x < 0 || x > c.field.max {
				st = dictBad
			}
			d.state = append(d.state, st)
		}
		d.ints = d.ints[:len(d.ints):len(d.ints)]
	case encoding.ByteArray:
		data, offs := values.ByteArray()
		n := max(len(offs)-1, 0)
		for k := range n {
			if offs[k] > offs[k+1] {
				return fmt.Errorf("%w: dictionary values end past the page", ErrCorrupt)
			}
		}
		if n > 0 && int(offs[n]) > len(data) {
			return fmt.Errorf("%w: dictionary values end past the page", ErrCorrupt)
		}
		// Sized once and filled, not appended to a value at a time: a
		// dictionary of addresses has tens of thousands.
		d.state, d.ids = slices.Grow(d.state[:0], n)[:n], slices.Grow(d.ids[:0], n)[:n]
		for k := range d.state {
			d.state[k] = dictUnchecked
		}
		for k := range d.ids {
			d.ids[k] = -1
		}
		c.text.src = c.text.src[:0] // (its values were the last dictionary's)
		d.data, d.offs, d.ints = data, offs, nil
		d.checks = 0
	default:
		return fmt.Errorf("%w: dictionary of %v values in a column of %v", ErrCorrupt, values.Kind(), c.field.col)
	}
	return nil
}
