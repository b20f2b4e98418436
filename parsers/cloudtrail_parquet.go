package parsers

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
)

// Pruning is what a query says about the rows it can match, for skipping
// Parquet row groups by their statistics. The zero value skips nothing.
type Pruning struct {
	// Since and Until bound eventtime, both inclusive; zero is open.
	Since, Until time.Time
	// Equal maps a column path ("eventname", "useridentity.arn") to the
	// values it must equal one of. A row group whose min/max statistics
	// or bloom filter rule out every value is skipped; a column absent from
	// the file, repeated, or without statistics prunes nothing.
	Equal map[string][]string
}

// IsZero reports whether p prunes nothing.
func (p Pruning) IsZero() bool {
	return p.Since.IsZero() && p.Until.IsZero() && len(p.Equal) == 0
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
// Pruning.Since/Until, and by min/max statistics and bloom filters against
// Pruning.Equal.
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
// (Stats.Rejected, Rejects; Err under [WithStrict]). The file's metadata is
// checked before it is believed: a footer, page, value count or compressed
// stream claiming more than the file can hold is a [*ParseError] wrapping
// [ErrCorrupt], so memory stays proportional to the file's size.
//
// A CloudTrailParquetReader is not safe for concurrent use.
type CloudTrailParquetReader struct {
	f      *parquet.File
	pf     *pqFile // the file's claims, checked before each chunk is read
	cr     *countingReaderAt
	source string
	mem    memory.Allocator
	strict bool
	prune  Pruning
	// rgTimes[g] are row group g's event-time bounds from the footer
	// (microseconds), nil when the file has none.
	rgTimes [][2]int64

	schema *arrow.Schema
	bld    *array.RecordBuilder
	nodes  []*ctpNode // top-level projected columns, schema order; nil for SourceColumn
	leaves []*ctpLeaf
	// timeLeaf is eventtime, read and checked whatever the projection:
	// a row without a valid one is rejected, as in JSON. Its values are
	// buffered (never direct), so they are checked before any is built.
	timeLeaf *ctpLeaf
	// bad[i] is set when row i of the batch is rejected; nbad counts them.
	bad  []bool
	nbad int

	rg      int   // current row group, -1 before the first
	rgLeft  int64 // rows of the current row group not yet read
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
	leaves   []*ctpLeaf // every leaf under this node; leaves[0] gives its levels
}

// ctpLeaf is one leaf column read from the file, a batch at a time.
type ctpLeaf struct {
	path   string
	col    int // leaf column index in the file; -1 when absent
	maxRep int // 0 for columns outside lists and maps
	pages  parquet.Pages
	vr     parquet.ValueReader // values of the current page; nil between pages
	off    int64               // file offset of the current chunk, for errors

	// buf holds values read from the current page and not yet taken; they
	// alias the page, which stays current until buf is drained.
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

	// direct is the builder of a top-level column: its values go straight
	// there, without the buffers above (see fillDirect).
	direct   array.Builder
	dataHint int // string bytes per BatchRows rows seen so far, to reserve
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
	pf, err := openParquet(r, cr, size, source)
	if err != nil {
		return nil, err
	}
	f := pf.f
	p := &CloudTrailParquetReader{f: f, pf: pf, cr: cr, source: source, mem: cfg.mem, strict: cfg.strict, prune: prune, schema: proj, rg: -1,
		bad: make([]bool, BatchRows)}
	p.rejects.Max = cfg.maxErrors
	if table, ok := f.Lookup(ParquetTableKey); ok && table != "cloudtrail" {
		return nil, &ParseError{Source: source, Offset: pf.dataEnd, Path: ParquetTableKey, Err: errExpected(ErrFormat, `"cloudtrail"`, strconv.Quote(table))}
	}
	if err := p.checkColumns(); err != nil {
		return nil, err
	}
	if v, ok := f.Lookup(ParquetTimeKey); ok {
		p.rgTimes = parseRowGroupTimes(v, len(f.RowGroups()))
	}
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
		if n != nil && n.field.Name == "eventtime" {
			p.timeLeaf = n.leaf
		}
	}
	if p.timeLeaf == nil {
		n, err := p.plan(arrow.Field{Name: "eventtime", Type: arrow.BinaryTypes.String, Nullable: true}, nil, 0)
		if err != nil {
			return nil, err
		}
		p.timeLeaf = n.leaf
	}
	p.bld = array.NewRecordBuilder(cfg.mem, proj)
	for i, n := range p.nodes {
		if n != nil && n.kind == pqString && n.leaf != p.timeLeaf {
			n.leaf.direct = p.bld.Field(i)
		}
	}
	return p, nil
}

// checkColumns refuses a file that has none of the table's columns, or no
// eventtime column (every record has one), instead of reading rows of
// nulls.
func (p *CloudTrailParquetReader) checkColumns() error {
	known := false
	var names []string
	fields := p.f.Schema().Fields()
	for _, fl := range fields {
		if _, ok := CloudTrailSchema.FieldsByName(fl.Name()); ok {
			known = true
		}
		if len(names) < 8 {
			names = append(names, strconv.Quote(fl.Name()))
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
	if _, ok := p.f.Schema().Lookup("eventtime"); !ok {
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
	var node parquet.Node = p.f.Schema()
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
	leaf, ok := p.f.Schema().Lookup(path...)
	return leaf, ok, nil
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
		l := &ctpLeaf{path: strings.Join(path, "."), col: -1, buf: make([]parquet.Value, 0, 512)}
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
			l.col, l.maxRep = leaf.ColumnIndex, leaf.MaxRepetitionLevel
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
	return len(p.f.RowGroups()), p.skipped
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
	p.closePages()
}

func (p *CloudTrailParquetReader) closePages() {
	for _, l := range p.leaves {
		if l.pages != nil {
			l.pages.Close()
			l.pages, l.vr = nil, nil
		}
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
	groups := p.f.RowGroups()
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
			p.rgLeft = groups[p.rg].NumRows()
			chunks := groups[p.rg].ColumnChunks()
			md := p.f.Metadata()
			for _, l := range p.leaves {
				if l.col < 0 {
					continue
				}
				if err := p.pf.checkChunk(p.rg, l.col, l.path); err != nil {
					p.err = err
					return false
				}
				l.pages = chunks[l.col].Pages()
				l.off = md.RowGroups[p.rg].Columns[l.col].MetaData.DataPageOffset
			}
		}
		n := int(min(int64(BatchRows), p.rgLeft))
		// eventtime first: the rows it rejects are left out of the others.
		if err := p.fill(p.timeLeaf, n); err != nil {
			p.err = err
			return false
		}
		p.checkTimes(n)
		if p.err != nil {
			return false
		}
		for _, l := range p.leaves {
			if l == p.timeLeaf {
				continue
			}
			if err := p.fill(l, n); err != nil {
				p.err = err
				return false
			}
		}
		p.rgLeft -= int64(n)
		if rows := n - p.nbad; rows > 0 {
			p.build(n)
			p.stats.Records += int64(rows)
			return true
		}
		// Every row rejected: read on, as the JSON reader does.
	}
}

// checkTimes marks the rows of the batch of n rows whose eventtime is null
// or not a real RFC 3339 instant bad, rejecting them.
func (p *CloudTrailParquetReader) checkTimes(n int) {
	l := p.timeLeaf
	clear(p.bad[:n])
	p.nbad = 0
	for i := range n {
		found := "null"
		if l.defs[i] >= 1 {
			v := l.data[l.offs[i]:l.offs[i+1]]
			if isTime(v) {
				continue
			}
			found = quoteFound(v)
		}
		// Slow path.
		p.bad[i] = true
		p.nbad++
		p.stats.Rejected++
		e := &ParseError{Source: p.source, Offset: l.off, Path: p.rowPath(n, i, "eventtime"), Err: errExpected(ErrType, "RFC 3339 time", found)}
		if p.strict {
			p.err = e
			return
		}
		p.rejects.Add(e)
	}
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
	return p.pf.canSkipEqual(g, pr.Equal, p.cr)
}

// timeBounds returns row group g's event-time bounds in microseconds: from
// the footer hunt writes, else from eventtime statistics when both are UTC
// text ending in 'Z' (widened by a second: "…:00Z" sorts after
// "…:00.5Z").
func (p *CloudTrailParquetReader) timeBounds(g int) (lo, hi int64, ok bool) {
	if p.rgTimes != nil {
		return p.rgTimes[g][0], p.rgTimes[g][1], true
	}
	leaf, ok := p.f.Schema().Lookup("eventtime")
	if !ok {
		return 0, 0, false
	}
	c, ok := p.f.RowGroups()[g].ColumnChunks()[leaf.ColumnIndex].(*parquet.FileColumnChunk)
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
	if l.direct != nil {
		return p.fillDirect(l, rows)
	}
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

// fillDirect is fill for a top-level column, one value per row: the
// values go straight into its builder, before the page they alias is left.
func (p *CloudTrailParquetReader) fillDirect(l *ctpLeaf, rows int) error {
	if l.col < 0 {
		l.direct.AppendNulls(rows)
		return nil
	}
	sb, _ := l.direct.(*array.StringBuilder)
	db, _ := l.direct.(*array.BinaryDictionaryBuilder)
	if sb != nil {
		// Reserve what the previous batch took: growing the data buffer
		// value by value costs more than reading the page.
		sb.Reserve(rows)
		sb.ReserveData(l.dataHint * rows / BatchRows)
		defer func() { l.dataHint = max(l.dataHint, sb.DataLen()*BatchRows/max(rows, 1)) }()
	}
	for got := 0; got < rows; {
		if l.pos == len(l.buf) {
			// Slow path: the page's buffered values are used up.
			if err := p.readMore(l); err != nil {
				if errors.Is(err, io.EOF) {
					err = io.ErrUnexpectedEOF
				}
				return &ParseError{Source: p.source, Offset: l.off, Path: p.rowPath(rows, got, l.path),
					Err: fmt.Errorf("%w: column chunk: %w", ErrTruncated, err)}
			}
			continue
		}
		take := min(len(l.buf)-l.pos, rows-got)
		bad := p.bad[got : got+take]
		for k, v := range l.buf[l.pos : l.pos+take] {
			switch {
			case p.nbad > 0 && bad[k]: // a rejected row
			case v.IsNull():
				l.direct.AppendNull()
			case sb != nil:
				sb.BinaryBuilder.Append(v.ByteArray())
			default:
				db.Append(v.ByteArray())
			}
		}
		l.pos += take
		got += take
	}
	return nil
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
	total := p.f.RowGroups()[p.rg].NumRows()
	row := total - p.rgLeft + int64(got)
	return "row group " + strconv.Itoa(p.rg) + " row " + strconv.FormatInt(row, 10) + " (" + path + ")"
}

// build assembles the rows of the batch of n rows that are not bad from
// the leaves' buffers into the batch.
func (p *CloudTrailParquetReader) build(n int) {
	rows := n - p.nbad
	for i, node := range p.nodes {
		b := p.bld.Field(i)
		if node == nil {
			db := b.(*array.BinaryDictionaryBuilder)
			for range rows {
				db.AppendString(p.source)
			}
			continue
		}
		if node.leaf != nil && node.leaf.direct != nil {
			continue // filled directly (fillDirect)
		}
		for r := range n {
			if p.bad[r] {
				skipRow(node)
				continue
			}
			appendNode(node, b)
		}
	}
	// Built column by column: a projection without columns (count(*))
	// still has rows.
	cols := make([]arrow.Array, len(p.nodes))
	for i := range cols {
		cols[i] = p.bld.Field(i).NewArray()
	}
	p.batch = array.NewRecordBatch(p.schema, cols, int64(rows))
	for _, c := range cols {
		c.Release()
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
