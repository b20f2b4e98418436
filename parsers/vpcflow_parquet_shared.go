package parsers

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// A text column built dictionary-encoded (flowParquetColumn.isText)
// hands the engine one of two dictionaries per batch:
//
//   - textBatch: the batch's own (pqTextDict), one entry per chunk value
//     its rows use, copied when a row first uses it;
//   - textShared: the chunk's Parquet dictionary itself, converted once
//     to an Arrow array (sharedDict) that every batch of the row group
//     shares, its "-" and bad values NULL entries that no row uses. A row
//     writes its value's index as it is, and the engine, seeing the same
//     array again, loads and numbers each entry once a row group instead
//     of once a batch (vpc_large_egress over Parquet: a row group's 8
//     batches use 8,840 batch entries of its 6,967 source addresses).
//
// A batch shares the chunk's dictionary when it keeps at least
// 1/textShareRatio as many rows as the dictionary has values
// (textShareRatio = 2: the half the design measured), so a selective
// query, whose batches use few of a large dictionary's values, keeps its
// small batch dictionaries. The choice is made at the batch's first page
// of the column (textMode); a page that is not dictionary-encoded, or a
// new dictionary, met later in a shared batch turns the batch back into
// textBatch (unshare), its rows so far renumbered into a batch dictionary.
//
// In textShared, dict.ids maps each valid value to itself (idsShared), so
// the loops that write a batch entry per row write the value's index,
// and no valid value reaches textID.
const (
	textUndecided uint8 = iota // no page of the column read in the batch yet
	textBatch
	textShared
)

// textShareRatio: a batch shares its chunk's dictionary when it keeps at
// least one row per textShareRatio values of the dictionary.
const textShareRatio = 2

// textMode makes the batch's text mode of text column c agree with its
// current page (a dictionary page or not), deciding it at the batch's
// first page. p.kept is the number of rows the batch keeps.
func (p *VPCFlowParquetReader) textMode(c *flowParquetColumn) {
	if c.pg.idx == nil {
		// Not a dictionary page: its rows need batch entries.
		if c.mode == textShared {
			p.unshare(c)
		}
		c.setBatch()
		return
	}
	if c.mode != textUndecided {
		return
	}
	d := &c.dict
	n := len(d.state)
	if c.isFilter || n == 0 || textShareRatio*p.kept < n || !p.share(c) {
		c.setBatch()
		return
	}
	c.mode = textShared
}

// setBatch puts c in textBatch, giving dict.ids back their batch meaning
// (-1: no entry yet) if they were shared.
func (c *flowParquetColumn) setBatch() {
	c.mode = textBatch
	if c.idsShared {
		fill32(c.dict.ids, -1)
		c.idsShared = false
	}
}

// share makes c.shared the Arrow array of c's current dictionary and
// dict.ids its identity on valid values. Every value is checked first:
// those that are not valid (null "-" or bad) become NULL entries. It
// reports false for a dictionary an Arrow string array cannot hold.
func (p *VPCFlowParquetReader) share(c *flowParquetColumn) bool {
	d := &c.dict
	n := len(d.state)
	if int64(d.offs[n])-int64(d.offs[0]) > math.MaxInt32 {
		return false
	}
	if c.shared == nil || c.sharedGen != d.gen {
		if !d.checkAll() {
			for k, st := range d.state {
				if st == dictUnchecked {
					d.state[k] = checkFlowDictText(d.data[d.offs[k]:d.offs[k+1]])
				}
			}
		}
		if c.shared != nil {
			c.shared.Release()
		}
		c.shared, c.sharedGen = sharedDict(p.mem, d), d.gen
	}
	if !c.idsShared {
		for k, st := range d.state {
			id := int32(-1)
			if st == dictValid {
				id = int32(k)
			}
			d.ids[k] = id
		}
		c.idsShared = true
	}
	return true
}

// sharedDict returns dictionary d, every value checked, as an Arrow
// string array: value k is entry k, NULL when it is not valid.
func sharedDict(mem memory.Allocator, d *flowPqDict) *array.String {
	n := len(d.state)
	lo := d.offs[0]
	data := copyBuffer(mem, d.data[lo:d.offs[n]])
	defer data.Release()
	offs := memory.NewResizableBuffer(mem)
	defer offs.Release()
	offs.Resize(4 * (n + 1))
	o := arrow.Int32Traits.CastFromBytes(offs.Bytes())
	for k, x := range d.offs[:n+1] {
		o[k] = int32(x - lo)
	}
	var valid *memory.Buffer
	nulls := 0
	for _, st := range d.state {
		if st != dictValid {
			nulls++
		}
	}
	if nulls > 0 {
		valid = memory.NewResizableBuffer(mem)
		defer valid.Release()
		valid.Resize((n + 7) / 8)
		b := valid.Bytes()
		clear(b)
		for k, st := range d.state {
			if st == dictValid {
				b[k>>3] |= 1 << (k & 7)
			}
		}
	}
	dd := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{valid, offs, data}, nil, nulls, 0)
	defer dd.Release()
	return array.NewStringData(dd)
}

// unshare turns c's batch, shared so far, into textBatch: the rows
// appended so far get batch entries for the shared values they index.
// It runs before c's dictionary changes (convertDict), while the values
// are still those of c.shared.
func (p *VPCFlowParquetReader) unshare(c *flowParquetColumn) {
	c.setBatch()
	col := c.col
	for j := range col.n {
		if col.isValid(j) {
			col.idx[j] = c.textID(col.idx[j])
		}
	}
}

// sharedArray is textDictArray for a batch of c in textShared: its
// indexes over the shared chunk dictionary.
func (p *VPCFlowParquetReader) sharedArray(c *flowParquetColumn, typ arrow.DataType) arrow.Array {
	idx := p.flowParquetArray(c.col, arrow.PrimitiveTypes.Int32)
	defer idx.Release()
	return array.NewDictionaryArray(typ, idx, c.shared)
}
