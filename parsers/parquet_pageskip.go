package parsers

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/parquet-go/parquet-go"
)

// pqRowRange is rows [lo, hi) of a row group.
type pqRowRange struct{ lo, hi int64 }

// pageRanges returns the rows of row group g (of rows rows) that may
// match every equality of equal (text columns) and equalInt (integer
// columns), by the column index of each such flat column: a page whose
// bounds hold none of the values, or that holds only nulls, holds no such
// row. The pages are those checkChunkPages finds, which the chunk's offset
// index must name (skippablePages); known holds them for the columns
// already walked and checked, by column index. It returns ok false when no page is ruled out or the
// indexes cannot tell (none, damaged, or not agreeing with the pages):
// every row is read. An empty result means no row can match.
func (pf *pqFile) pageRanges(g int, rows int64, equal map[string][]string, equalInt map[string][]int64, known map[int][]pqPageLoc) (ranges []pqRowRange, ok bool) {
	ranges = []pqRowRange{{0, rows}}
	pruned := false
	col := func(path string) (int, parquet.Kind, bool) {
		c, k, _, ok := pf.flatLeaf(path)
		return c, k, ok
	}
	narrow := func(c int, path string, match func(lo, hi []byte) bool) bool {
		pages, ok := pf.pageBounds(g, c, path, rows, known[c])
		if !ok {
			return true // the index cannot tell: this column rules nothing out
		}
		var keep []pqRowRange
		for i, p := range pages {
			if p.null || !match(p.min, p.max) {
				pruned = true
				continue
			}
			hi := rows
			if i+1 < len(pages) {
				hi = pages[i+1].first
			}
			if n := len(keep); n > 0 && keep[n-1].hi == p.first {
				keep[n-1].hi = hi
			} else {
				keep = append(keep, pqRowRange{p.first, hi})
			}
		}
		ranges = intersectRanges(ranges, keep)
		return len(ranges) > 0
	}
	for _, path := range slices.Sorted(maps.Keys(equal)) {
		c, k, ok := col(path)
		if !ok || k != parquet.ByteArray || len(equal[path]) == 0 {
			continue
		}
		vals := equal[path]
		if !narrow(c, path, func(lo, hi []byte) bool {
			return slices.ContainsFunc(vals, func(v string) bool {
				return bytes.Compare([]byte(v), lo) >= 0 && bytes.Compare([]byte(v), hi) <= 0
			})
		}) {
			return nil, true
		}
	}
	for _, path := range slices.Sorted(maps.Keys(equalInt)) {
		c, k, ok := col(path)
		if !ok || k != parquet.Int32 && k != parquet.Int64 || len(equalInt[path]) == 0 {
			continue
		}
		vals := equalInt[path]
		if !narrow(c, path, func(lo, hi []byte) bool {
			a, okA := pqIndexInt(lo, k)
			b, okB := pqIndexInt(hi, k)
			return !okA || !okB || slices.ContainsFunc(vals, func(v int64) bool { return v >= a && v <= b })
		}) {
			return nil, true
		}
	}
	if !pruned {
		return nil, false
	}
	return ranges, true
}

// pqIndexInt decodes an INT32 or INT64 bound of a column index.
func pqIndexInt(b []byte, k parquet.Kind) (int64, bool) {
	switch {
	case k == parquet.Int32 && len(b) == 4:
		return int64(int32(binary.LittleEndian.Uint32(b))), true
	case k == parquet.Int64 && len(b) == 8:
		return int64(binary.LittleEndian.Uint64(b)), true
	}
	return 0, false
}

// pqPageBound is one data page of a chunk, as its column index says;
// min and max alias the index's bytes, valid until the file's next read
// (pqFile.bytesAt).
type pqPageBound struct {
	first    int64 // first row in the row group
	null     bool  // only nulls
	min, max []byte
}

// pageBounds returns the data pages of column c of row group g (path
// names it in errors) with their column-index bounds; false when the
// chunk's column index is missing, does not decode within its bytes, or
// does not list the pages checkChunkPages finds (which the offset index
// must name as well). locs, when not nil, are the pages, walked and
// checked against the offset index already.
func (pf *pqFile) pageBounds(g, c int, path string, rows int64, locs []pqPageLoc) ([]pqPageBound, bool) {
	if locs == nil {
		if pf.checkChunkPages(g, c, path, true) != nil {
			return nil, false
		}
		if len(pf.locs) == 0 || !pf.offsetIndexIs(g, c, pf.locs) {
			return nil, false
		}
		locs = pf.locs
	}
	cc := &pf.meta.RowGroups[g].Columns[c]
	off, n := cc.ColumnIndexOffset, int64(cc.ColumnIndexLength)
	if off < 4 || n <= 0 || n > pf.dataEnd-off {
		return nil, false
	}
	b, err := pf.bytesAt(off, int(n), pf.dataEnd, pqWindow)
	if err != nil {
		return nil, false
	}
	tc := thriftCheck{b: b, limit: int(n), budget: 64*n + 1<<16}
	if tc.walkStruct(0, 0) != nil || tc.i != int(n) {
		return nil, false
	}
	nulls, mins, maxs, err := decodeColumnIndex(b[:n])
	if err != nil {
		return nil, false
	}
	np := len(locs)
	if len(nulls) != np || len(mins) != np || len(maxs) != np {
		return nil, false
	}
	pages := make([]pqPageBound, np)
	for i, l := range locs {
		if l.first < 0 || l.first >= rows || i > 0 && l.first <= locs[i-1].first || i == 0 && l.first != 0 {
			return nil, false
		}
		pages[i] = pqPageBound{first: l.first, null: nulls[i], min: mins[i], max: maxs[i]}
	}
	return pages, true
}

// intersectRanges returns the rows both a and b (sorted, disjoint) hold.
func intersectRanges(a, b []pqRowRange) []pqRowRange {
	var out []pqRowRange
	for i, j := 0, 0; i < len(a) && j < len(b); {
		lo, hi := max(a[i].lo, b[j].lo), min(a[i].hi, b[j].hi)
		if lo < hi {
			out = append(out, pqRowRange{lo, hi})
		}
		if a[i].hi < b[j].hi {
			i++
		} else {
			j++
		}
	}
	return out
}

// flowPageSkip is what a [VPCFlowParquetReader] knows of the pages of
// its row group that hold no row its pruning can match (see
// [pqFile.pageRanges]): the row ranges left to read.
type flowPageSkip struct {
	rg1    int // 1 + the row group ranges is for; 0 before any
	ranges []pqRowRange
	all    bool // read every row of the group
	// locs holds the pages of each projected column (by column index),
	// walked and checked against its offset index (seekable).
	locs map[int][]pqPageLoc
}

// pageSkip moves the reader past the rows of its row group that no page
// of the pruning's columns can match, seeking every column's pages, and
// returns how many rows from there on to read at most (the rest of the
// range); 0 when no row of the group is left to read, the reader then
// being at its end. Row groups whose pages cannot be sought, or whose
// indexes rule nothing out, are read whole.
func (p *VPCFlowParquetReader) pageSkip() (int64, error) {
	s := &p.pages
	rows := p.pf.meta.RowGroups[p.rg].NumRows
	if s.rg1 != p.rg+1 {
		p.planPages()
	}
	if s.all {
		return rows - p.rgRow, nil
	}
	for len(s.ranges) > 0 && s.ranges[0].hi <= p.rgRow {
		s.ranges = s.ranges[1:]
	}
	to := rows
	if len(s.ranges) > 0 {
		to = max(s.ranges[0].lo, p.rgRow)
	}
	if to > p.rgRow {
		p.row += to - p.rgRow
		p.rgRow = to
		if to == rows {
			return 0, nil
		}
		for _, c := range p.cols {
			c.pg.release()
			var err error
			if c.isOwn {
				err = p.seekOwn(c, to)
			} else {
				err = seekToRow(c.pages.(*parquet.FilePages), to)
			}
			if err != nil {
				return 0, &ParseError{Source: p.source, Offset: c.off, Path: "row " + strconv.FormatInt(p.row, 10) + " (" + c.field.col + ")", Err: err}
			}
		}
	}
	return s.ranges[0].hi - p.rgRow, nil
}

// planPages works out which rows of the reader's row group its filters
// leave to read (page ranges from the column indexes) and reports
// whether that rules out at least a quarter of them, enough to read the
// group through parquet-go's page readers, which seek, rather than
// through pqChunk, which decodes faster but every page; it needs every
// column open through the page readers (seekable).
func (p *VPCFlowParquetReader) planPages() bool {
	s := &p.pages
	rows := p.pf.meta.RowGroups[p.rg].NumRows
	s.rg1, s.ranges, s.all = p.rg+1, nil, true
	if len(p.filters) > 0 && p.seekable() {
		if r, ok := p.pf.pageRanges(p.rg, rows, p.prune.Equal, p.prune.EqualInt, s.locs); ok {
			s.ranges, s.all = r, false
		}
	}
	if s.all {
		return false
	}
	var n int64
	for _, r := range s.ranges {
		n += r.hi - r.lo
	}
	return 4*n <= 3*rows
}

// mayPrunePages reports whether the column indexes of the filters'
// columns alone rule out at least a quarter of the row group's rows: only
// then is it worth opening every column's page readers to plan the skip
// (planPages). Otherwise the group is read whole, and pageSkip finds it
// planned so.
func (p *VPCFlowParquetReader) mayPrunePages() bool {
	rows := p.pf.meta.RowGroups[p.rg].NumRows
	r, ok := p.pf.pageRanges(p.rg, rows, p.prune.Equal, p.prune.EqualInt, nil)
	var n int64
	for _, x := range r {
		n += x.hi - x.lo
	}
	if !ok || 4*n > 3*rows {
		s := &p.pages
		s.rg1, s.ranges, s.all = p.rg+1, nil, true
		return false
	}
	return true
}

// seekable reports whether every column of the reader's row group can
// seek to any row: a page reader of the file whose offset index names the
// chunk's pages, which it keeps in p.pages.locs.
func (p *VPCFlowParquetReader) seekable() bool {
	if p.pages.locs == nil {
		p.pages.locs = map[int][]pqPageLoc{}
	}
	locs := p.pages.locs
	clear(locs)
	for _, c := range p.cols {
		if _, ok := c.pages.(*parquet.FilePages); !ok {
			return false
		}
		if p.pf.checkChunkPages(p.rg, c.leaf, c.field.col, true) != nil {
			return false
		}
		l, _ := p.pf.skippablePages(p.rg, c.leaf, c.pages)
		if l == nil {
			return false
		}
		locs[c.leaf] = append([]pqPageLoc(nil), l...)
	}
	return true
}

// seekOwn moves c, a column read through its pqChunk, to row to of the
// row group: the page holding it is decoded and the cursor moved past the
// rows before it; the pages before are never decompressed.
func (p *VPCFlowParquetReader) seekOwn(c *flowParquetColumn, to int64) error {
	skip, err := c.ch.seekRow(to)
	if err != nil {
		return err
	}
	if err := p.nextPage(c, 0); err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	cur := &c.pg
	if !cur.has || skip >= cur.rows {
		return fmt.Errorf("%w: page of %d rows holds no row %d", ErrCorrupt, cur.rows, skip)
	}
	if cur.defs == nil {
		cur.val += skip
	} else {
		for _, d := range cur.defs[:skip] {
			cur.val += int(min(d, 1))
		}
	}
	cur.row += skip
	return nil
}

// ownLocs returns p.pages.locs, made on first use.
func (p *VPCFlowParquetReader) ownLocs() map[int][]pqPageLoc {
	if p.pages.locs == nil {
		p.pages.locs = map[int][]pqPageLoc{}
	}
	return p.pages.locs
}

var (
	offsetIndexNames  = []string{1: "page_locations", 2: "unencoded_byte_array_data_bytes"}
	pageLocationNames = []string{1: "offset", 2: "compressed_page_size", 3: "first_row_index"}
	columnIndexNames  = []string{1: "null_pages", 2: "min_values", 3: "max_values", 4: "boundary_order", 5: "null_counts",
		6: "repetition_level_histograms", 7: "definition_level_histograms"}
)

// pqIndexDecoder returns a decoder of the n bytes b of a page index
// structure (an offset or column index), with an allocation budget
// proportional to them.
func pqIndexDecoder(b []byte) *footerDecoder {
	d := &footerDecoder{thriftCheck: thriftCheck{b: b, limit: len(b), budget: 64*int64(len(b)) + 1<<16}}
	d.path = make([]footerField, 0, 4)
	return d
}

// offsetIndexIs reports whether the offset index of column chunk col of
// row group g names the pages locs (their offsets and first rows), as
// parquet-go decodes it; false for a chunk without one or one that does
// not decode. It reads the index's bytes (pf.bytesAt) and decodes them
// itself.
func (pf *pqFile) offsetIndexIs(g, col int, locs []pqPageLoc) bool {
	cc := &pf.meta.RowGroups[g].Columns[col]
	off, n := cc.OffsetIndexOffset, int64(cc.OffsetIndexLength)
	if off < 4 || n <= 0 || n > pf.dataEnd-off {
		return false
	}
	b, err := pf.bytesAt(off, int(n), pf.dataEnd, pqWindow)
	if err != nil {
		return false
	}
	d := pqIndexDecoder(b)
	pages, same := 0, true
	err = d.structFields(0, 1<<1, offsetIndexNames, func(id int16, typ byte) (bool, error) {
		if id != 1 || typ != tcList {
			return false, nil
		}
		np, et, err := d.list()
		if err != nil {
			return true, err
		}
		if et != tcStruct {
			pages = 0
			return true, d.skipElems(et, np, 0)
		}
		pages = np
		for k := range np {
			var at, first int64
			var size int32
			err := d.structFields(1, 1<<1|1<<2|1<<3, pageLocationNames, func(id int16, typ byte) (bool, error) {
				switch id {
				case 1:
					return d.decodeI64(typ, &at)
				case 2:
					return d.decodeI32(typ, &size)
				case 3:
					return d.decodeI64(typ, &first)
				}
				return false, nil
			})
			if err != nil {
				return true, err
			}
			if k >= len(locs) || locs[k].off != at || locs[k].first != first {
				same = false
			}
		}
		return true, nil
	})
	return err == nil && same && pages == len(locs)
}

// decodeColumnIndex decodes the column index b (its null pages and the
// pages' min and max values), as parquet-go does; mins and maxs alias b.
func decodeColumnIndex(b []byte) (nulls []bool, mins, maxs [][]byte, err error) {
	d := pqIndexDecoder(b)
	bins := func(typ byte, v *[][]byte) (bool, error) {
		if typ != tcList {
			return false, nil
		}
		n, et, err := d.list()
		if err != nil {
			return true, err
		}
		if et != tcBinary {
			*v = nil
			return true, d.skipElems(et, n, 0)
		}
		s := make([][]byte, n)
		for k := range s {
			if s[k], err = d.binary(); err != nil {
				return true, err
			}
		}
		*v = s
		return true, nil
	}
	err = d.structFields(0, 1<<1|1<<2|1<<3|1<<4, columnIndexNames, func(id int16, typ byte) (bool, error) {
		switch id {
		case 1:
			if typ != tcList {
				return false, nil
			}
			n, et, err := d.list()
			if err != nil {
				return true, err
			}
			if et != tcTrue && et != tcFalse {
				nulls = nil
				return true, d.skipElems(et, n, 0)
			}
			if err := d.need(n); err != nil { // a list's booleans take a byte each
				return true, err
			}
			nulls = make([]bool, n)
			for k := range nulls {
				v := d.b[d.i+k]
				nulls[k] = v != 0 && v != 2 // Thrift reads 0 and 2 as false
			}
			d.i += n
			return true, nil
		case 2:
			return bins(typ, &mins)
		case 3:
			return bins(typ, &maxs)
		case 4:
			var v int32
			return d.decodeI32(typ, &v)
		}
		return false, nil
	})
	return nulls, mins, maxs, err
}
