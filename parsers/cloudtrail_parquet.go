package parsers

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"
)

// Pruning is what a query says about the rows it can match, for skipping
// Parquet row groups by their statistics. The zero value skips nothing.
type Pruning struct {
	// Since and Until bound eventtime, both inclusive; zero is open.
	Since, Until time.Time
	// Equal maps a column path ("eventname", "useridentity.arn") to the
	// values it must equal one of. A row group whose min/max statistics,
	// bloom filter or dictionary rule out every value is skipped; a column
	// absent from the file, repeated, or without statistics prunes
	// nothing. Readers may also leave out the rows whose value of a
	// projected top-level column is none of them (late materialisation).
	Equal map[string][]string
	// EqualInt maps an integer column ("dstport") to the values it must
	// equal one of: a row group whose min/max statistics rule out every
	// value is skipped, and readers may leave out the rows of a projected
	// column whose value is none of them. An empty list prunes nothing.
	EqualInt map[string][]int64
}

// IsZero reports whether p prunes nothing.
func (p Pruning) IsZero() bool {
	return p.Since.IsZero() && p.Until.IsZero() && len(p.Equal) == 0 && len(p.EqualInt) == 0
}

// CloudTrailParquetReader reads a Parquet file of the cloudtrail table
// written by [ParquetWriter] (hunt convert) into Arrow batches of the
// (projected) [CloudTrailSchema], as [CloudTrailReader] does for JSON.
//
// Only the column chunks of projected columns are read: a query on
// eventname and eventtime reads those two chunks of each row group and the
// footer. Row groups that cannot hold a matching row are skipped without
// reading their chunks: by the event-time bounds hunt writes per row group
// (see [ParquetTimeKey]; eventtime statistics otherwise) against
// Pruning.Since/Until, and by min/max statistics, bloom filters and
// dictionaries against Pruning.Equal. An equality on a projected
// top-level column also filters rows (late materialisation): that column
// is read first, the batch leaves out the rows whose value is none of the
// equality's, and the other columns are built only for the rows kept.
//
// Top-level string columns are read a page at a time through the page's
// own slices, and a dictionary page's values are checked and mapped to the
// batch's dictionary once per column chunk, not once per row.
//
// Columns are matched by name and nesting; a projected column the file
// lacks is null. A file with none of the table's columns or without
// eventtime, or whose column has another shape than the table's (a flat
// column where a struct is expected, a group where a string is, a list or
// map of another layout, a repeated column where a single value is), is
// rejected with a [*ParseError] wrapping [ErrFormat] naming the column.
//
// eventtime is read and checked whatever the projection, as in JSON: a row
// whose eventtime is null or not a real RFC 3339 instant is rejected
// (Stats.Rejected, Rejects; Err under [WithStrict]). Files hunt convert
// wrote are the exception: their rows' eventtimes were checked as they
// were converted, which the footer's [ParquetTimeKey] records (every row
// group's lower bound is a time, not the minimum that stands for a null
// or unparseable one; see [RowRef]). Their eventtime is then an ordinary
// column, read only when projected, after the filters like the others,
// and not checked again. The file's metadata is
// checked before it is believed: a footer, page, value count or compressed
// stream claiming more than the file can hold is a [*ParseError] wrapping
// [ErrCorrupt], so memory stays proportional to the file's size.
//
// A CloudTrailParquetReader is not safe for concurrent use.
type CloudTrailParquetReader struct {
	pf     *pqFile // the file's claims, checked before each chunk is read
	cr     *countingReaderAt
	source string
	mem    memory.Allocator
	// rec allocates the dictionary indices of flat columns, reused from
	// batch to batch (see ctpFlat.newArray).
	rec    *pqRecycler
	strict bool
	prune  Pruning
	// rgTimes[g] are row group g's event-time bounds from the footer
	// (microseconds), nil when the file has none.
	rgTimes [][2]int64

	schema *arrow.Schema
	bld    *array.RecordBuilder
	nodes  []*ctpNode // top-level projected columns, schema order; nil for SourceColumn
	leaves []*ctpLeaf // every leaf read, flat ones included
	// flats are the top-level string columns read in bulk (see ctpFlat),
	// nested the leaves under structs, lists and maps, read a value at a
	// time.
	flats  []*ctpFlat
	nested []*ctpLeaf
	// timeFlat is eventtime, read and checked first whatever the
	// projection: a row without a valid one is rejected, as in JSON.
	// nil when the file's times were checked when it was written
	// (timesChecked).
	timeFlat *ctpFlat
	// filters are the flat columns with an equality of the pruning (late
	// materialisation): read after eventtime, they decide which rows the
	// other columns are built for.
	filters []*ctpFlat
	// bad[i] is set when row i of the batch is rejected; nbad counts them.
	bad  []bool
	nbad int
	// keep[i] is set for a batch row every filter keeps, drop[i] for a
	// row left out of the batch (rejected or filtered).
	keep []bool
	drop []bool
	// dropped marks the rows of the batch being read that it leaves out
	// (p.bad or p.drop), nil when it keeps all.
	dropped []bool

	rg      int   // current row group, -1 before the first
	rgLeft  int64 // rows of the current row group not yet read
	rgRows  int64 // rows of the current row group
	rgRow   int64 // row of the current row group the batch being read starts at
	skipped int   // row groups skipped by pruning

	batch   arrow.RecordBatch
	err     error
	rejects ErrorList
	stats   Stats
}

// ctpNode is one projected Arrow field and where its values are in the file.
type ctpNode struct {
	kind     pqKind // pqString (plain or dictionary), pqStruct, pqList, pqMap
	field    arrow.Field
	def      int // definition level at which this field is non-null
	rep      int // list, map: repetition level of their entries
	children []*ctpNode
	leaf     *ctpLeaf   // pqString
	flat     *ctpFlat   // pqString at the top level
	leaves   []*ctpLeaf // every leaf under this node; leaves[0] gives its levels
}

// ctpLeaf is one leaf column read from the file, a batch at a time.
type ctpLeaf struct {
	path   string
	col    int // leaf column index in the file; -1 when absent
	maxRep int // 0 for columns outside lists and maps
	maxDef int
	pages  parquet.Pages
	// ch reads the current chunk of a flat column that skips no page
	// when isOwn is set (then pages is nil).
	ch    *pqChunk
	isOwn bool
	vr    parquet.ValueReader // values of the current page; nil between pages
	off   int64               // file offset of the current chunk, for errors

	// buf holds values read from the current page and not yet taken; they
	// alias the page, which stays current until buf is drained. It is
	// made when the leaf is first read through parquet-go (readMore):
	// leaves read by pqChunk never need it.
	buf []parquet.Value
	pos int

	// The batch's values, copied out of the pages: definition and
	// repetition levels per value, and the bytes of value i at
	// data[offs[i]:offs[i+1]].
	defs []byte
	reps []byte
	offs []int32
	data []byte
	cur  int // next value to assemble

}

// ctpFlat is a top-level string column, one value per row: its pages are
// read whole through their own slices (pageCursor), not a parquet.Value
// per row, into a flowCol that becomes the batch's array. A dictionary
// page's values are looked at once per chunk: eventtime's checked, a
// dictionary column's mapped to the batch's dictionary.
type ctpFlat struct {
	l   *ctpLeaf
	col *flowCol // nil for eventtime when not projected: only checked
	typ arrow.DataType
	// isTime is set for eventtime: a row whose value is null or not an
	// RFC 3339 instant is rejected.
	isTime bool
	pg     pageCursor
	dict   flowPqDict // state: dictValid or dictBad (isTime)
	nbad   int        // dictBad entries of dict
	filter *colFilter // the pruning's equality on this column, if a filter
	// Page skipping, for a column read after the filters: locs are the
	// data pages of the current chunk and seek their reader when it can
	// seek to any of them (pqFile.skippablePages), else nil; page is
	// the next page ReadPage returns.
	locs []pqPageLoc
	seek *parquet.FilePages
	page int
	// values is the Arrow array of col's dictionary values as of the last
	// batch (len(col.dict) of them), which the next batch shares while
	// no value is added (newArray); nil before the first.
	values arrow.Array
}

// NewCloudTrailParquetReader returns a reader of the Parquet file r of size
// bytes, skipping row groups that prune rules out; source names the file in
// errors and fills [SourceColumn]. Options are those of the other readers
// (WithColumns, WithAllocator, WithStrict, WithMaxErrors). It reads the
// footer, so a file that is not Parquet, or not of the cloudtrail table's
// shape, is a [*ParseError] wrapping [ErrFormat]. The caller must call
// Release.
func NewCloudTrailParquetReader(r io.ReaderAt, size int64, source string, prune Pruning, opts ...Option) (*CloudTrailParquetReader, error) {
	cfg := newConfig(opts)
	proj, err := projectSchema(CloudTrailSchema, cfg.columns)
	if err != nil {
		return nil, fmt.Errorf("cloudtrail parquet reader: %w", err)
	}
	cr := &countingReaderAt{r: r}
	open := openParquetLazy
	if len(prune.Equal) > 0 || len(prune.EqualInt) > 0 {
		// Equalities prune by statistics and bloom filters read
		// through parquet-go: open it at once, and decode the footer
		// once.
		open = openParquet
	}
	pf, err := open(r, cr, size, source)
	if err != nil {
		return nil, err
	}
	rec := &pqRecycler{mem: cfg.mem}
	p := &CloudTrailParquetReader{pf: pf, cr: cr, source: source, mem: cfg.mem, rec: rec, strict: cfg.strict, prune: prune, schema: proj, rg: -1,
		bad: make([]bool, BatchRows)}
	p.rejects.Max = cfg.maxErrors
	if table, ok := pf.lookup(ParquetTableKey); ok && table != "cloudtrail" {
		return nil, &ParseError{Source: source, Offset: pf.dataEnd, Path: ParquetTableKey, Err: errExpected(ErrFormat, `"cloudtrail"`, strconv.Quote(table))}
	}
	if err := p.checkColumns(); err != nil {
		return nil, err
	}
	if v, ok := pf.lookup(ParquetTimeKey); ok {
		p.rgTimes = parseRowGroupTimes(v, len(pf.meta.RowGroups))
	}
	checked := timesChecked(p.rgTimes)
	for _, fl := range proj.Fields() {
		if fl.Name == SourceColumn {
			p.nodes = append(p.nodes, nil)
			continue
		}
		n, err := p.plan(fl, nil, 0)
		if err != nil {
			return nil, err
		}
		p.nodes = append(p.nodes, n)
	}
	for _, n := range p.nodes {
		if n != nil && n.kind == pqString {
			n.flat = &ctpFlat{l: n.leaf, typ: n.field.Type, isTime: n.field.Name == "eventtime" && !checked}
			kind := flowKindString
			if _, ok := n.field.Type.(*arrow.DictionaryType); ok {
				kind = flowKindDict
			}
			n.flat.col = newFlowCol(kind, BatchRows)
			if n.flat.isTime {
				p.timeFlat = n.flat
			}
			p.flats = append(p.flats, n.flat)
		}
	}
	if p.timeFlat == nil && !checked {
		n, err := p.plan(arrow.Field{Name: "eventtime", Type: arrow.BinaryTypes.String, Nullable: true}, nil, 0)
		if err != nil {
			return nil, err
		}
		p.timeFlat = &ctpFlat{l: n.leaf, isTime: true}
		p.flats = append(p.flats, p.timeFlat)
	}
	for _, l := range p.leaves {
		if !slices.ContainsFunc(p.flats, func(f *ctpFlat) bool { return f.l == l }) {
			p.nested = append(p.nested, l)
		}
	}
	for _, f := range p.flats {
		if vals := prune.Equal[f.l.path]; len(vals) > 0 && f.col != nil && f.l.col >= 0 {
			f.filter = &colFilter{vals: vals}
			p.filters = append(p.filters, f)
		}
	}
	if len(p.filters) > 0 {
		p.keep = make([]bool, BatchRows)
		p.drop = make([]bool, BatchRows)
	}
	p.bld = array.NewRecordBuilder(cfg.mem, proj)
	return p, nil
}

// checkColumns refuses a file that has none of the table's columns, or no
// eventtime column (every record has one), instead of reading rows of
// nulls.
func (p *CloudTrailParquetReader) checkColumns() error {
	known := false
	var names []string
	var top []string
	if root := p.pf.root; root != nil {
		for _, c := range root.children {
			top = append(top, c.el.Name)
		}
	} else {
		for _, fl := range p.pf.f.Schema().Fields() {
			top = append(top, fl.Name())
		}
	}
	fields := top
	for _, name := range top {
		if _, ok := CloudTrailSchema.FieldsByName(name); ok {
			known = true
		}
		if len(names) < 8 {
			names = append(names, strconv.Quote(name))
		}
	}
	if !known {
		found := "no columns"
		if len(names) > 0 {
			found = "columns " + strings.Join(names, ", ")
			if len(fields) > len(names) {
				found += " and " + strconv.Itoa(len(fields)-len(names)) + " more"
			}
		}
		return &ParseError{Source: p.source, Offset: p.pf.dataEnd,
			Err: errExpected(ErrFormat, "a cloudtrail Parquet file (at least one cloudtrail column)", found)}
	}
	if !p.hasLeaf("eventtime") {
		return &ParseError{Source: p.source, Offset: p.pf.dataEnd, Path: "eventtime",
			Err: errExpected(ErrFormat, "a string column eventtime (every record has one)", "no such column")}
	}
	return nil
}

// pqStructural names the Parquet groups that give lists and maps their
// shape; a file lacking one has another layout than the table's.
var pqStructural = map[string]bool{"list": true, "element": true, "key_value": true, "key": true, "value": true}

// lookupShaped finds the leaf at path, or reports a file column of another
// shape than the table's: a leaf where a group is expected, a group where
// a leaf is, or a list or map group without its structural child. A path
// whose first element, or a struct field, is absent is not an error: the
// column is null.
func (p *CloudTrailParquetReader) lookupShaped(path []string) (parquet.LeafColumn, bool, error) {
	f, err := p.pf.file()
	if err != nil {
		return parquet.LeafColumn{}, false, err
	}
	var node parquet.Node = f.Schema()
	for i, name := range path {
		if node.Leaf() {
			return parquet.LeafColumn{}, false, &ParseError{Source: p.source, Offset: p.pf.dataEnd, Path: strings.Join(path[:i], "."),
				Err: errExpected(ErrFormat, "a group ("+groupKind(path[i:])+")", "a "+kindName(node)+" column")}
		}
		var next parquet.Node
		var children []string
		for _, f := range node.Fields() {
			if f.Name() == name {
				next = f
				break
			}
			children = append(children, strconv.Quote(f.Name()))
		}
		if next == nil {
			if i > 0 && pqStructural[name] {
				return parquet.LeafColumn{}, false, &ParseError{Source: p.source, Offset: p.pf.dataEnd, Path: strings.Join(path[:i], "."),
					Err: errExpected(ErrFormat, "a group with child "+strconv.Quote(name), "a group with children "+strings.Join(children, ", "))}
			}
			return parquet.LeafColumn{}, false, nil
		}
		node = next
	}
	if !node.Leaf() {
		return parquet.LeafColumn{}, false, &ParseError{Source: p.source, Offset: p.pf.dataEnd, Path: strings.Join(path, "."),
			Err: errExpected(ErrFormat, "a string column", "a group")}
	}
	leaf, ok := f.Schema().Lookup(path...)
	return leaf, ok, nil
}

// hasLeaf reports whether the file has a leaf column at path.
func (p *CloudTrailParquetReader) hasLeaf(path ...string) bool {
	if root := p.pf.root; root != nil {
		_, ok := root.lookup(path...)
		return ok
	}
	_, ok := p.pf.f.Schema().Lookup(path...)
	return ok
}

// lookupPlain is lookupShaped on the plain schema of the decoded footer
// (pqFile.root): the leaf at path, when it is a string column at
// definition level def and the repetition level of its path. plain is
// false when it cannot tell (no plain schema) or finds a column of
// another shape or type: lookupShaped and plan then read the schema
// through parquet-go and name the fault as before.
func (p *CloudTrailParquetReader) lookupPlain(path []string, def int) (leaf *pqSchemaNode, ok, plain bool) {
	n := p.pf.root
	if n == nil {
		return nil, false, false
	}
	for i, name := range path {
		if n.leaf() {
			return nil, false, false
		}
		next := n.child(name)
		if next == nil {
			if i > 0 && pqStructural[name] {
				return nil, false, false
			}
			return nil, false, true
		}
		n = next
	}
	if !n.leaf() {
		return nil, false, false
	}
	wantRep := 0
	for _, s := range path {
		if s == "list" || s == "key_value" {
			wantRep++
		}
	}
	if n.kind() != format.ByteArray || n.maxDef != def || n.maxRep != wantRep {
		return nil, false, false
	}
	return n, true, true
}

// groupKind names what the rest of a path needs: a list, a map or a struct.
func groupKind(rest []string) string {
	if len(rest) > 1 {
		switch rest[1] {
		case "list":
			return "list"
		case "key_value":
			return "map"
		}
	}
	return "struct"
}

// timesChecked reports whether every row group's rows have an eventtime
// that parsed when the file was written, by the row groups' time bounds
// (from [ParquetTimeKey]; nil when the file has none): the writer's lower
// bound is minTime when a row's time is null or does not parse.
func timesChecked(rgTimes [][2]int64) bool {
	return rgTimes != nil && !slices.ContainsFunc(rgTimes, func(b [2]int64) bool { return b[0] == minTime })
}

// parseRowGroupTimes reads [ParquetTimeKey]; nil if it does not describe
// n row groups.
func parseRowGroupTimes(v string, n int) [][2]int64 {
	parts := strings.Split(v, ",")
	if v == "" || len(parts) != n {
		return nil
	}
	out := make([][2]int64, n)
	for i, s := range parts {
		lo, hi, ok := strings.Cut(s, ":")
		a, err1 := strconv.ParseInt(lo, 10, 64)
		b, err2 := strconv.ParseInt(hi, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil
		}
		out[i] = [2]int64{a, b}
	}
	return out
}

// plan builds the node of f, under the Parquet path parent whose
// definition level is def.
func (p *CloudTrailParquetReader) plan(f arrow.Field, parent []string, def int) (*ctpNode, error) {
	path := append(parent[:len(parent):len(parent)], f.Name)
	n := &ctpNode{field: f, def: def + 1}
	switch t := f.Type.(type) {
	case *arrow.StructType:
		n.kind = pqStruct
		for _, cf := range t.Fields() {
			c, err := p.plan(cf, path, n.def)
			if err != nil {
				return nil, err
			}
			n.children = append(n.children, c)
			n.leaves = append(n.leaves, c.leaves...)
		}
	case *arrow.ListType:
		n.kind = pqList
		n.rep = 1
		e, err := p.plan(arrow.Field{Name: "element", Type: t.Elem(), Nullable: true}, append(path, "list"), n.def+1)
		if err != nil {
			return nil, err
		}
		n.children = []*ctpNode{e}
		n.leaves = e.leaves
	case *arrow.MapType:
		n.kind = pqMap
		n.rep = 1
		kv := append(path, "key_value")
		// The key is required: it adds no definition level to key_value's.
		k, err := p.plan(arrow.Field{Name: "key", Type: t.KeyType()}, kv, n.def)
		if err != nil {
			return nil, err
		}
		v, err := p.plan(arrow.Field{Name: "value", Type: t.ItemType()}, kv, n.def+1)
		if err != nil {
			return nil, err
		}
		n.children = []*ctpNode{k, v}
		n.leaves = []*ctpLeaf{k.leaf, v.leaf}
	default:
		n.kind = pqString
		l := &ctpLeaf{path: strings.Join(path, "."), col: -1}
		if leaf, ok, plain := p.lookupPlain(path, n.def); plain {
			if ok {
				l.col, l.maxRep, l.maxDef = leaf.col, leaf.maxRep, leaf.maxDef
			}
			n.leaf = l
			n.leaves = []*ctpLeaf{l}
			p.leaves = append(p.leaves, l)
			return n, nil
		}
		leaf, ok, err := p.lookupShaped(path)
		if err != nil {
			return nil, err
		}
		if ok {
			wantRep := 0
			for _, s := range path {
				if s == "list" || s == "key_value" {
					wantRep++
				}
			}
			if k, _ := kindOf(leaf.Node); k != parquet.ByteArray || leaf.MaxDefinitionLevel != n.def || leaf.MaxRepetitionLevel != wantRep {
				found := kindName(leaf.Node)
				if t := leaf.Node.Type().String(); t != found {
					found += " (" + t + ")"
				}
				return nil, &ParseError{Source: p.source, Offset: p.pf.dataEnd, Path: l.path, Err: errExpected(ErrFormat,
					"a string column at definition level "+strconv.Itoa(n.def)+", repetition level "+strconv.Itoa(wantRep),
					found+" at definition level "+strconv.Itoa(leaf.MaxDefinitionLevel)+", repetition level "+strconv.Itoa(leaf.MaxRepetitionLevel))}
			}
			l.col, l.maxRep, l.maxDef = leaf.ColumnIndex, leaf.MaxRepetitionLevel, leaf.MaxDefinitionLevel
		}
		n.leaf = l
		n.leaves = []*ctpLeaf{l}
		p.leaves = append(p.leaves, l)
	}
	return n, nil
}

// Schema returns the schema of the batches: the projection of
// [CloudTrailSchema].
func (p *CloudTrailParquetReader) Schema() *arrow.Schema { return p.schema }

// Batch returns the current batch, valid until the next call to Next or
// Release; call Retain to keep it longer.
func (p *CloudTrailParquetReader) Batch() arrow.RecordBatch { return p.batch }

// Err returns the error that stopped the read, nil at a clean end.
func (p *CloudTrailParquetReader) Err() error { return p.err }

// Rejects returns the positioned errors of rejected rows: rows without a
// valid eventtime. A damaged chunk stops the read (see Err).
func (p *CloudTrailParquetReader) Rejects() *ErrorList { return &p.rejects }

// Stats returns what the reader consumed so far. Bytes counts the bytes
// read from the file (footer and projected column chunks of the row groups
// not skipped, compressed), not its size.
func (p *CloudTrailParquetReader) Stats() Stats {
	s := p.stats
	s.Bytes = p.cr.n
	return s
}

// RowGroups returns how many row groups the file has and how many were
// skipped by pruning so far.
func (p *CloudTrailParquetReader) RowGroups() (total, skipped int) {
	return len(p.pf.meta.RowGroups), p.skipped
}

// Release frees the current batch and the builders and closes the column
// readers. It does not close the underlying file.
func (p *CloudTrailParquetReader) Release() {
	if p.batch != nil {
		p.batch.Release()
		p.batch = nil
	}
	if p.bld != nil {
		p.bld.Release()
		p.bld = nil
	}
	for _, f := range p.flats {
		f.releaseValues()
	}
	p.rec.close()
	p.closePages()
	for _, l := range p.leaves {
		if l.ch != nil {
			putPQChunk(l.ch)
			l.ch = nil
		}
	}
}

func (p *CloudTrailParquetReader) closePages() {
	for _, f := range p.flats {
		f.pg.release()
		f.dict.src, f.dict.chunkGen = nil, 0
	}
	for _, l := range p.leaves {
		if l.pages != nil {
			l.pages.Close()
			l.pages, l.vr = nil, nil
		}
		l.isOwn = false
		l.buf, l.pos = l.buf[:0], 0
	}
}

// Next reads the next batch of at most [BatchRows] rows, releasing the
// previous one. It returns false at the end or on an error (see Err).
func (p *CloudTrailParquetReader) Next() bool {
	if p.batch != nil {
		p.batch.Release()
		p.batch = nil
	}
	if p.err != nil || p.bld == nil {
		return false
	}
	groups := p.pf.meta.RowGroups
	for {
		for p.rgLeft == 0 {
			p.closePages()
			p.rg++
			if p.rg >= len(groups) {
				return false
			}
			if p.canSkip(p.rg) {
				p.skipped++
				continue
			}
			p.rgLeft = groups[p.rg].NumRows
			md := &p.pf.meta
			for _, l := range p.leaves {
				if l.col < 0 {
					continue
				}
				f := p.skipper(l)
				l.off = md.RowGroups[p.rg].Columns[l.col].MetaData.DataPageOffset
				// A flat column that skips no page reads its chunk
				// itself (pqChunk).
				l.isOwn = f == nil && l.maxRep == 0 && p.isFlat(l) && pqChunkCan(p.pf, p.rg, l.col, parquet.ByteArray, l.maxDef)
				if l.isOwn {
					if l.ch == nil {
						l.ch = getPQChunk()
					}
					if err := l.ch.load(p.pf, p.cr, p.rg, l.col, l.path, parquet.ByteArray, l.maxDef); err != nil {
						p.err = err
						return false
					}
					continue
				}
				if err := p.pf.checkChunkPages(p.rg, l.col, l.path, f != nil); err != nil {
					p.err = err
					return false
				}
				c, err := p.pf.chunkOf(p.rg, l.col)
				if err != nil {
					p.err = err
					return false
				}
				l.pages = c.Pages()
				if f != nil {
					if err := p.planSkips(f); err != nil {
						p.err = err
						return false
					}
				}
			}
			p.rgRows = p.rgLeft
		}
		n := int(min(int64(BatchRows), p.rgLeft))
		p.rgRow = p.rgRows - p.rgLeft
		if rows := p.readBatch(n); rows > 0 {
			p.rgLeft -= int64(n)
			p.build(n, rows)
			p.stats.Records += int64(rows)
			return true
		}
		if p.err != nil {
			return false
		}
		p.rgLeft -= int64(n)
		// Every row rejected or filtered out: read on, as the JSON reader
		// does.
	}
}

// readBatch reads the next n rows of every leaf and returns how many the
// batch keeps; p.drop (or p.bad) then marks the rows left out. eventtime
// comes first, so its rejects are left out of the other columns, then the
// filters, whose rows no value matches are left out too: the other
// columns are built only for the rows kept. Rows left out by a filter are
// counted as read (Stats.Records) but not checked beyond eventtime and
// the filters, as rows of a skipped row group are not.
func (p *CloudTrailParquetReader) readBatch(n int) int {
	clear(p.bad[:n])
	p.nbad = 0
	if p.timeFlat != nil {
		if err := p.readFlat(p.timeFlat, n, nil); err != nil {
			p.err = err
			return 0
		}
		if p.err != nil { // strict: a rejected row
			return 0
		}
	}
	var drop []bool
	if p.nbad > 0 {
		drop = p.bad[:n]
	}
	if len(p.filters) > 0 {
		keep := p.keep[:n]
		for i := range keep {
			keep[i] = !p.bad[i]
		}
		for _, f := range p.filters {
			if f != p.timeFlat {
				if err := p.readFlat(f, n, nil); err != nil {
					p.err = err
					return 0
				}
			}
			f.filter.match(f.col, keep)
		}
		drop = p.drop[:n]
		for i, k := range keep {
			drop[i] = !k
		}
	}
	ndrop := 0
	for _, d := range drop {
		if d {
			ndrop++
		}
	}
	if ndrop == 0 {
		drop = nil
	}
	kept := n - ndrop
	p.stats.Records += int64(n - p.nbad - kept) // filtered out; the kept are counted when built
	p.dropped = drop
	// The columns read whole so far lose the rows left out.
	for _, f := range p.flats {
		if f.col != nil && ndrop > 0 && (f == p.timeFlat || f.filter != nil) {
			f.col.filter(drop)
		}
	}
	for _, f := range p.flats {
		if f == p.timeFlat || f.filter != nil {
			continue
		}
		if err := p.readFlat(f, n, drop); err != nil {
			p.err = err
			return 0
		}
	}
	for _, l := range p.nested {
		if err := p.fill(l, n); err != nil {
			p.err = err
			return 0
		}
	}
	return kept
}

// rejectTime rejects row of the batch of n rows for its eventtime, found.
func (p *CloudTrailParquetReader) rejectTime(n, row int, found string) {
	// Slow path.
	if p.bad[row] {
		return
	}
	p.bad[row] = true
	p.nbad++
	p.stats.Rejected++
	e := &ParseError{Source: p.source, Offset: p.timeFlat.l.off, Path: p.rowPath(n, row, "eventtime"), Err: errExpected(ErrType, "RFC 3339 time", found)}
	if p.strict {
		if p.err == nil {
			p.err = e
		}
		return
	}
	p.rejects.Add(e)
}

// readFlat appends the next n rows of f to its column, or only those i
// without drop[i] when drop is not nil; eventtime's are checked.
func (p *CloudTrailParquetReader) readFlat(f *ctpFlat, n int, drop []bool) error {
	if f.l.col < 0 {
		if f.col != nil {
			rows := n
			for _, d := range drop {
				if d {
					rows--
				}
			}
			f.col.appendNullsTo(f.col.n + rows)
		}
		return nil
	}
	if f.col != nil && f.col.kind == flowKindDict {
		for i := range f.dict.ids {
			f.dict.ids[i] = -1
		}
	}
	for row := 0; row < n; {
		cur := &f.pg
		if !cur.has || cur.row == cur.rows {
			// Slow path: the next page, or one holding a kept row.
			if drop != nil && f.seek != nil {
				k, err := p.skipPages(f, row, n, drop)
				if err != nil {
					return err
				}
				if k > 0 {
					row += k
					continue
				}
			}
			if err := p.nextFlatPage(f, n, row); err != nil {
				return err
			}
			f.page++
			continue
		}
		k := min(n-row, cur.rows-cur.row)
		var dr []bool
		if drop != nil {
			dr = drop[row : row+k]
		}
		if err := p.appendFlat(f, n, row, k, dr); err != nil {
			return err
		}
		row += k
	}
	return nil
}

// isFlat reports whether leaf l is a flat column's.
func (p *CloudTrailParquetReader) isFlat(l *ctpLeaf) bool {
	for _, f := range p.flats {
		if f.l == l {
			return true
		}
	}
	return false
}

// skipper returns the flat column of leaf l when it may skip pages: one
// read after the filters (they leave rows out), a row per value; nil
// otherwise.
func (p *CloudTrailParquetReader) skipper(l *ctpLeaf) *ctpFlat {
	if len(p.filters) == 0 || l.maxRep != 0 {
		return nil
	}
	for _, f := range p.flats {
		if f.l == l && f != p.timeFlat && f.filter == nil {
			return f
		}
	}
	return nil
}

// planSkips lets f skip the pages of its chunk that hold no row the
// batches keep, when the chunk's offset index agrees with its pages;
// checkChunkPages walked them just before, leaving their compressed
// streams unchecked: each is then checked before it is read (nextFlatPage),
// or here, all of them, when the chunk cannot skip.
func (p *CloudTrailParquetReader) planSkips(f *ctpFlat) error {
	f.locs, f.seek, f.page = f.locs[:0], nil, 0
	locs, seek := p.pf.skippablePages(p.rg, f.l.col, f.l.pages)
	if seek == nil {
		for _, loc := range p.pf.locs {
			if err := p.pf.checkPage(p.rg, f.l.path, loc); err != nil {
				return err
			}
		}
		return nil
	}
	f.locs, f.seek = append(f.locs, locs...), seek
	return nil
}

// skipPages skips the pages of f's chunk holding none of the batch rows
// at and after row the batch keeps (drop[i] not set), by seeking to the
// page of the next kept row; it returns how many rows it skipped (0:
// the next page is needed).
func (p *CloudTrailParquetReader) skipPages(f *ctpFlat, row, n int, drop []bool) (int, error) {
	r := row
	for r < n && drop[r] {
		r++
	}
	at := p.rgRow + int64(row) // the start of page f.page
	target := p.rgRow + int64(r)
	if target == p.rgRows {
		// No row of the rest of the chunk is kept: its pages are not read.
		f.page = len(f.locs)
		return n - row, nil
	}
	j := f.page
	for j+1 < len(f.locs) && f.locs[j+1].first <= target {
		j++
	}
	if j == f.page || f.locs[j].first <= at {
		return 0, nil
	}
	if err := seekToRow(f.seek, f.locs[j].first); err != nil {
		return 0, &ParseError{Source: p.source, Offset: f.l.off, Path: p.rowPath(n, row, f.l.path), Err: fmt.Errorf("%w: %w", ErrCorrupt, err)}
	}
	f.page = j
	return int(f.locs[j].first - at), nil
}

// nextFlatPage makes the next page of f's chunk current; row is the batch
// row it starts at, for errors.
func (p *CloudTrailParquetReader) nextFlatPage(f *ctpFlat, n, row int) error {
	l := f.l
	f.pg.release()
	if l.isOwn {
		if err := l.ch.nextPage(); err != nil {
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("%w: column chunk: %w", ErrTruncated, io.ErrUnexpectedEOF)
			}
			return &ParseError{Source: p.source, Offset: l.off, Path: p.rowPath(n, row, l.path), Err: err}
		}
		if err := f.pg.loadChunk(l.ch, l.path, f.convertChunkDict); err != nil {
			return &ParseError{Source: p.source, Offset: l.off, Path: p.rowPath(n, row, l.path), Err: err}
		}
		return nil
	}
	if f.seek != nil && f.page < len(f.locs) {
		if err := p.pf.checkPage(p.rg, l.path, f.locs[f.page]); err != nil {
			return err
		}
	}
	pg, err := readPage(l.pages)
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return &ParseError{Source: p.source, Offset: l.off, Path: p.rowPath(n, row, l.path),
			Err: fmt.Errorf("%w: column chunk: %w", ErrTruncated, err)}
	}
	if err := f.pg.load(pg, l.path, func(dict parquet.Dictionary) (int, error) { return f.convertDict(dict) }); err != nil {
		return &ParseError{Source: p.source, Offset: l.off, Path: p.rowPath(n, row, l.path), Err: err}
	}
	return nil
}

// convertDict copies and checks dict, the dictionary of f's chunk, once,
// and returns its size.
func (f *ctpFlat) convertDict(dict parquet.Dictionary) (int, error) {
	d := &f.dict
	if dict == d.src {
		return len(d.state), nil
	}
	values, err := pageData(dict.Page())
	if err != nil {
		return 0, err
	}
	if err := f.convertValues(values); err != nil {
		return 0, err
	}
	d.src = dict
	return len(d.state), nil
}

// convertChunkDict is convertDict for the dictionary of ch, f's pqChunk.
func (f *ctpFlat) convertChunkDict(ch *pqChunk) (int, error) {
	d := &f.dict
	if d.src == nil && d.chunkGen == ch.dictGen {
		return len(d.state), nil
	}
	if err := f.convertValues(ch.dict); err != nil {
		return 0, err
	}
	d.chunkGen = ch.dictGen
	return len(d.state), nil
}

// convertValues checks values, the dictionary of f's chunk, and keeps
// them without copying: the chunk's pqChunk, or parquet-go's dictionary,
// holds them until the next chunk, and rows copy what they use. The
// caller records which one it is (src or chunkGen).
func (f *ctpFlat) convertValues(values encoding.Values) error {
	d := &f.dict
	d.src, d.chunkGen = nil, 0
	d.gen++
	if values.Kind() != encoding.ByteArray {
		return fmt.Errorf("%w: dictionary of %v values in a column of strings", ErrCorrupt, values.Kind())
	}
	data, offs := values.ByteArray()
	f.nbad = 0
	d.data, d.offs = data, offs
	d.state, d.ids = d.state[:0], d.ids[:0]
	for k := 0; k+1 < len(offs); k++ {
		if offs[k] > offs[k+1] || int(offs[k+1]) > len(data) {
			return fmt.Errorf("%w: dictionary values end past the page", ErrCorrupt)
		}
		st := dictValid
		if f.isTime && !isTime(data[offs[k]:offs[k+1]]) {
			st = dictBad
			f.nbad++
		}
		d.state = append(d.state, st)
		d.ids = append(d.ids, -1)
	}
	return nil
}

// appendFlat appends the next k rows of f's page to its column, but for
// those with drop[i] set when drop is not nil; row is the first one's row
// in the batch of n rows.
func (p *CloudTrailParquetReader) appendFlat(f *ctpFlat, n, row, k int, drop []bool) error {
	cur, col, d := &f.pg, f.col, &f.dict
	if cur.defs == nil && cur.idx != nil && f.nbad == 0 && drop == nil {
		switch {
		case col == nil:
			// Fast path: eventtime, not projected, from a dictionary
			// page without nulls whose every value is valid: nothing to
			// check.
			cur.val += k
			cur.row += k
			return nil
		case col.kind == flowKindDict:
			// Fast path: a dictionary column from a dictionary page
			// without nulls, every row kept. The validity bits are set
			// after the loop, a byte at a time: set per row, each
			// row's store waits for the previous one's to the same byte.
			out := col.idx[col.n : col.n+k]
			for j, x := range cur.idx[cur.val : cur.val+k] {
				id := d.ids[x]
				if id < 0 {
					id = col.dictIndex(d.data[d.offs[x]:d.offs[x+1]])
					d.ids[x] = id
				}
				out[j] = id
			}
			setValidRun(col, k)
			cur.val += k
			cur.row += k
			return nil
		}
	}
	for i := range k {
		if drop != nil && drop[i] {
			// Late materialisation: a row left out is passed.
			if cur.defs == nil || cur.defs[cur.row+i] != 0 {
				cur.val++
			}
			continue
		}
		if cur.defs != nil && cur.defs[cur.row+i] == 0 {
			if f.isTime {
				p.rejectTime(n, row+i, "null")
			}
			if col != nil {
				col.appendNull()
			}
			continue
		}
		v := cur.val
		cur.val++
		var b []byte
		if cur.idx != nil {
			x := cur.idx[v]
			b = d.data[d.offs[x]:d.offs[x+1]]
			if d.state[x] == dictBad {
				p.rejectTime(n, row+i, quoteFound(b))
				if col != nil {
					col.appendNull()
				}
				continue
			}
			if col == nil {
				continue
			}
			if col.kind == flowKindDict {
				id := d.ids[x]
				if id < 0 {
					id = col.dictIndex(b)
					d.ids[x] = id
				}
				col.idx[col.n] = id
				col.setValid()
				continue
			}
		} else {
			b = cur.data[cur.offs[v]:cur.offs[v+1]]
			if f.isTime && !isTime(b) {
				p.rejectTime(n, row+i, quoteFound(b))
				if col != nil {
					col.appendNull()
				}
				continue
			}
			if col == nil {
				continue
			}
			if col.kind == flowKindDict {
				col.idx[col.n] = col.dictIndex(b)
				col.setValid()
				continue
			}
		}
		if len(col.data) > math.MaxInt32-len(b) {
			// Slow path: a dictionary value repeated past what a batch's
			// offsets can address.
			return &ParseError{Source: p.source, Offset: f.l.off, Path: p.rowPath(n, row+i, f.l.path),
				Err: errExpected(ErrTooLarge, "at most 2 GiB of text in a batch of "+strconv.Itoa(BatchRows)+" rows", "more")}
		}
		col.data = append(col.data, b...)
		col.offs[col.n+1] = int32(len(col.data))
		col.setValid()
	}
	cur.row += k
	return nil
}

// setValidRun appends k rows to c whose values are in place, all valid:
// k calls of setValid, with whole bytes of the validity bitmap set at
// once (the bits at and after c.n are zero).
func setValidRun(c *flowCol, k int) {
	i, end := c.n, c.n+k
	for ; i < end && i&7 != 0; i++ {
		c.valid[i>>3] |= 1 << (i & 7)
	}
	for ; i+8 <= end; i += 8 {
		c.valid[i>>3] = 0xff
	}
	for ; i < end; i++ {
		c.valid[i>>3] |= 1 << (i & 7)
	}
	c.n = end
}

// canSkip reports whether row group g cannot hold a row matching p.prune.
func (p *CloudTrailParquetReader) canSkip(g int) bool {
	pr := &p.prune
	if pr.IsZero() {
		return false
	}
	if !pr.Since.IsZero() || !pr.Until.IsZero() {
		lo, hi, ok := p.timeBounds(g)
		if ok && ((!pr.Since.IsZero() && hi < pr.Since.UnixMicro()) || (!pr.Until.IsZero() && lo > pr.Until.UnixMicro())) {
			return true
		}
	}
	return p.pf.canSkipEqual(g, pr.Equal, p.cr) || p.pf.canSkipEqualInt(g, pr.EqualInt)
}

// timeBounds returns row group g's event-time bounds in microseconds: from
// the footer hunt writes, else from eventtime statistics when both are UTC
// text ending in 'Z' (widened by a second: "…:00Z" sorts after
// "…:00.5Z").
func (p *CloudTrailParquetReader) timeBounds(g int) (lo, hi int64, ok bool) {
	if p.rgTimes != nil {
		return p.rgTimes[g][0], p.rgTimes[g][1], true
	}
	f, err := p.pf.file()
	if err != nil {
		return 0, 0, false
	}
	leaf, ok := f.Schema().Lookup("eventtime")
	if !ok {
		return 0, 0, false
	}
	c, ok := f.RowGroups()[g].ColumnChunks()[leaf.ColumnIndex].(*parquet.FileColumnChunk)
	if !ok {
		return 0, 0, false
	}
	minV, maxV, ok := c.Bounds()
	if !ok {
		return 0, 0, false
	}
	a, b := string(minV.ByteArray()), string(maxV.ByteArray())
	if !strings.HasSuffix(a, "Z") || !strings.HasSuffix(b, "Z") {
		return 0, 0, false
	}
	lo, hi = parseEventTime(a), parseEventTime(b)
	if lo == minTime || hi == minTime {
		return 0, 0, false
	}
	return lo - 1_000_000, hi + 1_000_000, true
}

// fill reads the values of the next rows rows of leaf l into its batch
// buffers.
func (p *CloudTrailParquetReader) fill(l *ctpLeaf, rows int) error {
	l.defs, l.reps, l.data, l.cur = l.defs[:0], l.reps[:0], l.data[:0], 0
	l.offs = append(l.offs[:0], 0)
	if l.col < 0 {
		for range rows {
			l.defs = append(l.defs, 0)
			l.reps = append(l.reps, 0)
			l.offs = append(l.offs, 0)
		}
		return nil
	}
	got := 0
	for {
		if l.pos == len(l.buf) {
			// Slow path: the page's buffered values are used up.
			if err := p.readMore(l); err != nil {
				if errors.Is(err, io.EOF) && got == rows {
					return nil // the row group's chunk ends with the batch
				}
				if errors.Is(err, io.EOF) {
					err = io.ErrUnexpectedEOF
				}
				return &ParseError{Source: p.source, Offset: l.off, Path: p.rowPath(rows, got, l.path),
					Err: fmt.Errorf("%w: column chunk: %w", ErrTruncated, err)}
			}
			continue
		}
		v := l.buf[l.pos]
		if v.RepetitionLevel() == 0 {
			if got == rows {
				return nil // the next batch's first value stays in buf
			}
			got++
		}
		l.defs = append(l.defs, byte(v.DefinitionLevel()))
		l.reps = append(l.reps, byte(v.RepetitionLevel()))
		if !v.IsNull() {
			l.data = append(l.data, v.ByteArray()...)
		}
		l.offs = append(l.offs, int32(len(l.data)))
		l.pos++
	}
}

// readMore refills l.buf from the current page, or the next page of the
// chunk; io.EOF at the end of the chunk.
func (p *CloudTrailParquetReader) readMore(l *ctpLeaf) error {
	for {
		if l.vr == nil {
			pg, err := readPage(l.pages)
			if err != nil {
				return err
			}
			l.vr = pg.Values()
		}
		if cap(l.buf) == 0 {
			l.buf = make([]parquet.Value, 0, 512)
		}
		k, err := readValues(l.vr, l.buf[:cap(l.buf)])
		l.buf, l.pos = l.buf[:k], 0
		if errors.Is(err, io.EOF) {
			l.vr = nil
		} else if err != nil {
			return fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		if k > 0 {
			return nil
		}
	}
}

func (p *CloudTrailParquetReader) rowPath(rows, got int, path string) string {
	total := p.pf.meta.RowGroups[p.rg].NumRows
	row := total - p.rgLeft + int64(got)
	return "row group " + strconv.Itoa(p.rg) + " row " + strconv.FormatInt(row, 10) + " (" + path + ")"
}

// build makes the batch of the rows rows of the n read that are not
// left out (p.dropped): flat columns from their flowCols, nested ones
// assembled from the leaves' buffers.
func (p *CloudTrailParquetReader) build(n, rows int) {
	drop := p.dropped
	cols := make([]arrow.Array, len(p.nodes))
	for i, node := range p.nodes {
		b := p.bld.Field(i)
		switch {
		case node == nil:
			db := b.(*array.BinaryDictionaryBuilder)
			for range rows {
				db.AppendString(p.source)
			}
		case node.flat != nil:
			node.flat.col.appendNullsTo(rows) // a column the file lacks
			cols[i] = node.flat.newArray(p.rec, p.mem, node.field.Type)
			continue
		default:
			for r := range n {
				if drop != nil && drop[r] {
					skipRow(node)
					continue
				}
				appendNode(node, b)
			}
		}
		// Built column by column: a projection without columns
		// (count(*)) still has rows.
		cols[i] = b.NewArray()
	}
	p.batch = array.NewRecordBatch(p.schema, cols, int64(rows))
	for _, c := range cols {
		c.Release()
	}
}

// newArray is f.col.newArray, but for a dictionary column its indices
// and validity bits are in buffers of rec, which the next batches reuse
// once this one is released ([pqRecycler]): 16 KiB of fresh memory per
// column and batch otherwise. The dictionary's values, which consumers
// view as strings (and may keep longer than they should), come from mem,
// in one array that batches share until a value is added (arrays are
// immutable): built per batch, their appends were ~4 % of a count(*)
// GROUP BY eventname.
func (f *ctpFlat) newArray(rec *pqRecycler, mem memory.Allocator, typ arrow.DataType) arrow.Array {
	col := f.col
	if col.kind != flowKindDict {
		return col.newArray(mem, typ)
	}
	defer col.reset()
	n := col.n
	var validity *memory.Buffer
	if col.nulls > 0 {
		validity = copyBuffer(rec, col.valid[:(n+7)/8])
		defer validity.Release()
	}
	idxBuf := copyBuffer(rec, arrow.Int32Traits.CastToBytes(col.idx[:n]))
	defer idxBuf.Release()
	idxData := array.NewData(arrow.PrimitiveTypes.Int32, n, []*memory.Buffer{validity, idxBuf}, nil, col.nulls, 0)
	defer idxData.Release()
	idx := array.MakeFromData(idxData)
	defer idx.Release()
	if f.values == nil || f.values.Len() != len(col.dict) {
		// Slow path: values were added (the dictionary only grows, but
		// for the reset below, which drops the array).
		f.releaseValues()
		db := array.NewStringBuilder(mem)
		defer db.Release()
		db.Reserve(len(col.dict))
		for _, d := range col.dict {
			db.Append(d)
		}
		f.values = db.NewArray()
	}
	arr := array.NewDictionaryArray(typ, idx, f.values)
	if len(col.dict) > vpcFlowMaxDictValues {
		col.dict, col.memo, col.last = col.dict[:0], nil, 0
		col.keys, col.klen = col.keys[:0], col.klen[:0]
		f.releaseValues()
	}
	return arr
}

// releaseValues drops the shared dictionary values array.
func (f *ctpFlat) releaseValues() {
	if f.values != nil {
		f.values.Release()
		f.values = nil
	}
}

// appendNode appends one value of n (a row, a list element or a map
// entry) to b, taking the next value of each leaf under n.
func appendNode(n *ctpNode, b array.Builder) {
	first := n.leaves[0]
	d := int(first.defs[first.cur])
	switch n.kind {
	case pqString:
		l := n.leaf
		if d >= n.def {
			v := l.data[l.offs[l.cur]:l.offs[l.cur+1]]
			switch sb := b.(type) {
			case *array.StringBuilder:
				sb.BinaryBuilder.Append(v)
			case *array.BinaryDictionaryBuilder:
				sb.Append(v)
			}
		} else {
			b.AppendNull()
		}
		l.cur++
	case pqStruct:
		sb := b.(*array.StructBuilder)
		if d < n.def {
			sb.Append(false) // appends nulls to the children
			skipLeaves(n)
			return
		}
		sb.Append(true)
		for i, c := range n.children {
			appendNode(c, sb.FieldBuilder(i))
		}
	case pqList:
		lb := b.(*array.ListBuilder)
		if d < n.def {
			lb.AppendNull()
			skipLeaves(n)
			return
		}
		lb.Append(true)
		if d == n.def { // empty list
			skipLeaves(n)
			return
		}
		vb := lb.ValueBuilder()
		for {
			appendNode(n.children[0], vb)
			if first.cur >= len(first.reps) || int(first.reps[first.cur]) < n.rep {
				return
			}
		}
	case pqMap:
		mb := b.(*array.MapBuilder)
		if d < n.def {
			mb.AppendNull()
			skipLeaves(n)
			return
		}
		mb.Append(true)
		if d == n.def {
			skipLeaves(n)
			return
		}
		kb, ib := mb.KeyBuilder(), mb.ItemBuilder()
		for {
			appendNode(n.children[0], kb)
			appendNode(n.children[1], ib)
			if first.cur >= len(first.reps) || int(first.reps[first.cur]) < n.rep {
				return
			}
		}
	}
}

// skipRow passes the values each leaf under n has for one row: the first
// (repetition level 0) and those repeated in it.
func skipRow(n *ctpNode) {
	for _, l := range n.leaves {
		l.cur++
		for l.cur < len(l.reps) && l.reps[l.cur] > 0 {
			l.cur++
		}
	}
}

// skipLeaves passes the one value each leaf under n has for a null or
// empty n.
func skipLeaves(n *ctpNode) {
	for _, l := range n.leaves {
		l.cur++
	}
}
