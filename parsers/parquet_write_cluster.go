package parsers

import (
	"math/bits"
	"slices"
	"strings"
)

// parquetClusterPageRows caps the rows of a data page of a clustered
// table ([Table.ParquetCluster]): pages end at most this many rows apart,
// so a cluster's pages have narrow min/max statistics, which a reader
// compares against a query's equalities to skip pages ([pqFile.pageRanges]).
// 32768-row row groups get at least 8 pages per column.
const parquetClusterPageRows = 4 << 10

// pqCluster orders the rows of each row group a [ParquetWriter] writes by
// its table's [Table.ParquetCluster] columns: rows are already in time
// order (the caller sorts them, and a row group keeps exact time bounds),
// and within the rows of a Write that share a row group, those with the
// same cluster values are written together. A selective
// equality (action = 'REJECT' AND dstport = 3389) then matches a few pages
// per row group instead of some rows on every page.
//
// The sort key of a row is 32 bits: a text column gives 8 (the rank of
// its value among the distinct values of the rows sorted, null first; a
// column with more than 255 of them gives none), or 16 when it is the only
// cluster column (CloudTrail's eventname: an account calls hundreds of
// APIs a day; more than 65535 give none), an integer column 16
// (the value plus one, clamped to 1-65535; null 0); rows of the same key
// are sorted by batch, then keep their order. Rows are sorted by a stable
// radix sort, 11 bits a pass, as many passes as the keys' bits (with the
// batch's) need: no comparison per row.
type pqCluster struct {
	units []int  // the writer's unit of each cluster column
	text  []bool // per column: text (else integer)
	// textBits is the width of a text column's rank: 8, or 16 for a text
	// column clustering alone; maxRank is the largest rank it holds.
	textBits, maxRank int

	keys, keys2 []uint64
	refs2       []RowRef
	sorted      []RowRef          // the rows in cluster order, reused
	vals        []string          // distinct values of a text column
	seen        map[string]uint16 // value → rank
	ranks       [][]uint16        // per batch: dictionary index → rank
	count       [1 << 11]int32
}

// newPQCluster returns the cluster of the writer pw for the column names
// cols, which must be top-level text or integer columns; nil for none.
func newPQCluster(pw *ParquetWriter, cols []string) *pqCluster {
	if len(cols) == 0 {
		return nil
	}
	c := &pqCluster{seen: map[string]uint16{}, textBits: 8}
	if len(cols) == 1 {
		c.textBits = 16
	}
	c.maxRank = 1<<c.textBits - 1
	bits := 0
	for _, name := range cols {
		u := slices.IndexFunc(pw.units, func(u pqUnit) bool { return len(u.path) == 0 && u.node.name == name })
		if u < 0 || pw.units[u].node.kind > pqInt64 {
			panic("BUG: cluster column " + name + ": not a top-level text or integer column")
		}
		text := pw.units[u].node.kind == pqString
		bits += map[bool]int{true: c.textBits, false: 16}[text]
		if bits > 32 {
			panic("BUG: cluster columns " + strings.Join(cols, ", ") + ": more than 32 bits of key")
		}
		c.units, c.text = append(c.units, u), append(c.text, text)
	}
	return c
}

// order returns refs (rows of one row group, in time order) in cluster
// order; the result is c's, valid until the next call.
func (c *pqCluster) order(pw *ParquetWriter, refs []RowRef) []RowRef {
	n := len(refs)
	c.keys = slices.Grow(c.keys[:0], n)[:n]
	clear(c.keys)
	for j, u := range c.units {
		if c.text[j] {
			c.addText(pw, u, refs)
		} else {
			c.addInt(pw, u, refs)
		}
	}
	// Then the batch: a cluster's rows are read batch after batch, not
	// in time order, which jumps between batches at every row (the
	// writer then waits on memory for most of them). The rows of a
	// batch keep their order. The batch takes the bits its largest
	// index needs, and the sort only the passes the keys' bits need.
	shift := bits.Len(uint(len(pw.views)))
	var all uint64
	for i, r := range refs {
		k := c.keys[i]<<shift | uint64(uint32(r.Batch))
		c.keys[i] = k
		all |= k
	}
	c.sorted = append(c.sorted[:0], refs...)
	c.refs2 = slices.Grow(c.refs2[:0], n)[:n]
	c.keys2 = slices.Grow(c.keys2[:0], n)[:n]
	for shift := 0; shift < bits.Len64(all); shift += 11 {
		c.pass(shift)
	}
	return c.sorted
}

// pass sorts c.sorted and c.keys by the 11 key bits at shift, stably.
func (c *pqCluster) pass(shift int) {
	clear(c.count[:])
	keys := c.keys
	for _, k := range keys {
		c.count[k>>shift&0x7ff]++
	}
	if int(c.count[keys[0]>>shift&0x7ff]) == len(keys) {
		return // one digit: nothing moves
	}
	var at int32
	for i, n := range c.count {
		c.count[i] = at
		at += n
	}
	refs, refs2, keys2 := c.sorted, c.refs2, c.keys2
	for i, k := range keys {
		d := k >> shift & 0x7ff
		j := c.count[d]
		c.count[d]++
		refs2[j], keys2[j] = refs[i], k
	}
	c.sorted, c.refs2 = refs2, refs
	c.keys, c.keys2 = keys2, keys
}

// addInt shifts the keys 16 bits left and adds integer unit u's value of
// each row.
func (c *pqCluster) addInt(pw *ParquetWriter, u int, refs []RowRef) {
	for i, r := range refs {
		var k uint64
		if vs := pw.views[r.Batch]; !vs[u].absent {
			f := &vs[u].f
			row := int(r.Row)
			switch {
			case f.kind == flatInt32 && !f.null(row):
				k = uint64(min(max(int64(f.i32[row])+1, 1), 0xffff))
			case f.kind == flatInt64 && !f.null(row):
				k = uint64(min(max(f.i64[row]+1, 1), 0xffff))
			}
		}
		c.keys[i] = c.keys[i]<<16 | k
	}
}

// addText shifts the keys c.textBits left and adds the rank of text unit
// u's value of each row; nothing when the rows have more than c.maxRank
// values.
func (c *pqCluster) addText(pw *ParquetWriter, u int, refs []RowRef) {
	// The distinct values: a dictionary's once per batch, plain
	// strings row by row.
	clear(c.seen)
	c.vals = c.vals[:0]
	add := func(b []byte) bool {
		if _, ok := c.seen[string(b)]; !ok {
			if len(c.vals) == c.maxRank {
				return false
			}
			s := string(b)
			c.seen[s] = 0
			c.vals = append(c.vals, s)
		}
		return true
	}
	for bi, vs := range pw.views {
		if len(vs) == 0 || vs[u].f.kind != flatDict || !pw.named[bi] {
			continue
		}
		f := &vs[u].f
		for k := 0; k+1 < len(f.offs); k++ {
			if !add(f.data[f.offs[k]:f.offs[k+1]]) {
				return
			}
		}
	}
	for _, r := range refs {
		v := &pw.views[r.Batch][u]
		if f := &v.f; f.kind == flatString && !f.null(int(r.Row)) {
			if !add(f.data[f.offs[r.Row]:f.offs[r.Row+1]]) {
				return
			}
		}
	}
	slices.Sort(c.vals)
	for i, s := range c.vals {
		c.seen[s] = uint16(i + 1)
	}
	if cap(c.ranks) < len(pw.views) {
		c.ranks = make([][]uint16, len(pw.views))
	}
	c.ranks = c.ranks[:len(pw.views)]
	for bi, vs := range pw.views {
		if len(vs) == 0 || vs[u].f.kind != flatDict || !pw.named[bi] {
			continue
		}
		f := &vs[u].f
		rk := c.ranks[bi][:0]
		for k := 0; k+1 < len(f.offs); k++ {
			rk = append(rk, c.seen[string(f.data[f.offs[k]:f.offs[k+1]])])
		}
		c.ranks[bi] = rk
	}
	for i, r := range refs {
		var k uint16
		v := &pw.views[r.Batch][u]
		f, row := &v.f, int(r.Row)
		switch {
		case v.absent || f.null(row):
		case f.kind == flatDict:
			k = c.ranks[r.Batch][f.idx[row]]
		case f.kind == flatString:
			k = c.seen[string(f.data[f.offs[row]:f.offs[row+1]])]
		}
		c.keys[i] = c.keys[i]<<c.textBits | uint64(k)
	}
}
