package parsers

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"unsafe"

	"github.com/parquet-go/parquet-go/bloom"
	"github.com/parquet-go/parquet-go/bloom/xxhash"
	"github.com/parquet-go/parquet-go/encoding/delta"
	"github.com/parquet-go/parquet-go/encoding/rle"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// pqColumn encodes one leaf column of the row group a [ParquetWriter] is
// building: it buffers one data page of levels and values at a time,
// compresses each full page into the column chunk, and writes the chunk
// (dictionary page first) when the row group ends.
//
// Pages are DATA_PAGE_V2 with RLE levels. Byte arrays start each chunk
// dictionary-encoded (RLE_DICTIONARY); once the dictionary exceeds
// [parquetDictBytes] the page being built ends and the rest of the chunk is
// PLAIN, as parquet-go's writer does. A column whose dictionary outgrew its
// limit starts its next chunks PLAIN (see [pqColumn.plainChunks]): unique
// values (request and event IDs) are not hashed again only to fall back.
// Integers are DELTA_BINARY_PACKED, then zstd: flow times, versions,
// protocols and a cluster's ports become a few bits each, so zstd has a
// quarter of PLAIN's bytes to compress (integers are most of a flow-log
// file's bytes: a convert takes 9% less CPU, and files are smaller);
// dictionary-encoded integers made the flow-log files 10% larger and
// saved no time. (They are buffered PLAIN, little-endian, and encoded when
// the page ends.) A page whose values zstd does not shrink is stored
// uncompressed (see [pqColumn.compress]). Every page carries
// min/max/null-count statistics; the chunk keeps them for the column index,
// the offset index and the chunk's own statistics.
type pqColumn struct {
	path           []string
	typ            format.Type // ByteArray, Int32 or Int64
	maxDef, maxRep uint8
	bloom          bool // write a bloom filter of the chunk's values
	pageRows       int  // a page ends at this many rows (or parquetPageBytes)

	// The page being built.
	defs, reps []uint8 // one level per value, null or not (when maxDef/maxRep > 0)
	nvals      int     // values, nulls included
	nnull      int
	nrows      int
	idx        []int32 // dictionary ids of the non-null values (dictionary mode)
	plain      []byte  // PLAIN-encoded non-null values (plain mode and integers)
	imin, imax int64   // integer bounds of the page
	lo, hi     int32   // dictionary ids of the bounds of the page in dictionary mode
	loKey      uint64  // the dictionary's keys of lo and hi (MaxUint64 and 0 while !bounded)
	hiKey      uint64
	smin, smax []byte // byte-array bounds of the page in plain mode (owned)
	bounded    bool   // the page has a non-null value (imin..smax are set)

	// The chunk's dictionary (byte arrays).
	dict     pqDict
	useDict  bool   // the page being built is dictionary-encoded
	last     int32  // id of the last value looked up, or -1
	lastVal  []byte // its value, aliasing dict
	lastHit  bool   // it was looked up twice in a row: compare the next value with it first
	fallback bool   // the dictionary outgrew its limit: the next page is plain
	// plainChunks is how many chunks to start PLAIN, after a dictionary
	// that fell back; misses counts the fallbacks in a row, which space
	// the tries out (1, 3, 7, then 15 chunks), so a column whose values
	// turn repetitive is dictionary-encoded again.
	plainChunks, misses int
	// rawPages[k][p] is how many chunks' p'th data pages to store
	// uncompressed without trying zstd, after one it shrank by less than
	// 1/parquetMinGain; rawMisses counts such pages in a row, which space
	// the tries out (1, 3, 7, then 15 chunks), so a column whose values
	// turn compressible is compressed again. Pages count by their place
	// in the chunk (the last slot shares the later ones): the rows of a
	// clustered table's row groups come in cluster order, so the p'th
	// pages of its chunks hold alike values (a flow log's srcport pages
	// are random ports where its dstport is 443, repeated ones where it
	// is ephemeral). Index k is 1 for dictionary-encoded pages, 0 for the
	// others.
	rawPages, rawMisses [2][pqRawSlots]uint8
	dictGen             uint32   // counts dictionaries: ids of an older one are stale
	hashes              []uint64 // bloom: xxhash of the plain-mode values

	// The chunk: compressed data pages, with what the footer and the
	// page indexes say of them.
	chunk        []byte
	locs         []format.PageLocation // Offset relative to chunk
	ciMin, ciMax [][]byte
	nullPages    []bool
	nullCounts   []int64
	numValues    int64
	nullCount    int64
	unc          int64 // page headers and uncompressed page bodies
	cmin, cmax   []byte
	cbounded     bool
	dictPages    int32 // data pages dictionary-encoded
	plainPages   int32
	dictChunk    bool  // the chunk started dictionary-encoded: it has a dictionary page
	firstRow     int64 // row index in the row group of the page being built

	s *pqScratch // shared with the writer's other columns
}

// pqScratch is what a writer's columns use while encoding one page or
// chunk at a time: buffers, the thrift encoder and headers, reused.
type pqScratch struct {
	rbuf, dbuf, vbuf, zbuf, hbuf []byte
	lo, hi                       [8]byte
	tbuf                         bytes.Buffer
	enc                          *thrift.Encoder
	ph                           format.PageHeader
	bh                           format.BloomFilterHeader
	rle                          rle.Encoding
	dict                         rle.DictionaryEncoding
	delta                        delta.BinaryPackedEncoding
	i64                          []int64 // int64s on a big-endian host
	i32                          []int32
}

func newPQScratch() *pqScratch {
	s := &pqScratch{}
	s.enc = thrift.NewEncoder(new(thrift.CompactProtocol).NewWriter(&s.tbuf))
	return s
}

// int64s returns the little-endian integers of b (PLAIN INT64 values):
// b itself on a little-endian host (amd64, arm64), else a copy.
func (s *pqScratch) int64s(b []byte) []int64 {
	if len(b) < 8 {
		return nil
	}
	if littleEndian {
		return unsafe.Slice((*int64)(unsafe.Pointer(&b[0])), len(b)/8)
	}
	s.i64 = s.i64[:0]
	for i := 0; i+8 <= len(b); i += 8 {
		s.i64 = append(s.i64, int64(binary.LittleEndian.Uint64(b[i:])))
	}
	return s.i64
}

// int32s is int64s for PLAIN INT32 values.
func (s *pqScratch) int32s(b []byte) []int32 {
	if len(b) < 4 {
		return nil
	}
	if littleEndian {
		return unsafe.Slice((*int32)(unsafe.Pointer(&b[0])), len(b)/4)
	}
	s.i32 = s.i32[:0]
	for i := 0; i+4 <= len(b); i += 4 {
		s.i32 = append(s.i32, int32(binary.LittleEndian.Uint32(b[i:])))
	}
	return s.i32
}

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// appendLE appends the PLAIN (little-endian) encoding of vals to dst: a
// copy of their memory on a little-endian host. The bytes viewed through
// unsafe.Slice are read by the copy only.
func appendLE[T int32 | int64](dst []byte, vals []T) []byte {
	if len(vals) == 0 {
		return dst
	}
	if littleEndian {
		return append(dst, unsafe.Slice((*byte)(unsafe.Pointer(&vals[0])), len(vals)*int(unsafe.Sizeof(vals[0])))...)
	}
	for _, v := range vals {
		if unsafe.Sizeof(v) == 8 {
			dst = binary.LittleEndian.AppendUint64(dst, uint64(v))
		} else {
			dst = binary.LittleEndian.AppendUint32(dst, uint32(v))
		}
	}
	return dst
}

// marshal appends the compact-protocol encoding of v to dst.
func (s *pqScratch) marshal(dst []byte, v any) []byte {
	s.tbuf.Reset()
	if err := s.enc.Encode(v); err != nil {
		panic("BUG: thrift: " + err.Error())
	}
	return append(dst, s.tbuf.Bytes()...)
}

// parquetDictBytes caps the PLAIN size of a column chunk's dictionary; past
// it the chunk falls back to PLAIN pages.
const parquetDictBytes = 128 << 10

// parquetIndexBytes caps the length of a byte-array bound in the column
// index (parquet-go's default): longer minimums are cut, longer maximums
// cut and incremented.
const parquetIndexBytes = 16

func newPQColumn(s *pqScratch, path []string, typ format.Type, maxDef, maxRep int, bloom bool) *pqColumn {
	c := &pqColumn{s: s, path: path, typ: typ, maxDef: uint8(maxDef), maxRep: uint8(maxRep), bloom: bloom, pageRows: math.MaxInt}
	c.useDict, c.dictChunk, c.last = typ == format.ByteArray, typ == format.ByteArray, -1
	c.loKey = math.MaxUint64
	// Non-nil: a bound may be the empty string, and a nil bound means
	// "no value" (pageBounds).
	c.smin, c.smax, c.cmin, c.cmax = []byte{}, []byte{}, []byte{}, []byte{}
	return c
}

// pqBufs are a column's growable buffers, emptied, kept from a closed
// writer for the next one ([pqSpare]).
type pqBufs struct {
	defs, reps         []uint8
	idx                []int32
	plain, chunk, dict []byte
	ents               []pqEnt
	keys, hashes       []uint64
	locs               []format.PageLocation
	nullPages          []bool
	nullCounts         []int64
}

// spare returns c's buffers, emptied, but for those larger than
// pqSpareBytes; c must not be used after.
func (c *pqColumn) spare() pqBufs {
	return pqBufs{
		defs: spareBuf(c.defs), reps: spareBuf(c.reps), idx: spareBuf(c.idx),
		plain: spareBuf(c.plain), chunk: spareBuf(c.chunk), dict: spareBuf(c.dict.plain),
		ents: spareBuf(c.dict.ents), keys: spareBuf(c.dict.keys), hashes: spareBuf(c.hashes),
		locs: spareBuf(c.locs), nullPages: spareBuf(c.nullPages), nullCounts: spareBuf(c.nullCounts),
	}
}

// pqSpareBytes caps a buffer a closed writer keeps for the next: the
// chunk of a CloudTrail column of raw JSON grows to megabytes, and kept
// spares add to the converter's peak memory; a buffer that large regrows
// in a few doublings, where the many small ones grew in many.
const pqSpareBytes = 1 << 20

// spareBuf returns b emptied, or nil when its capacity exceeds
// pqSpareBytes.
func spareBuf[T any](b []T) []T {
	var zero T
	if cap(b)*int(unsafe.Sizeof(zero)) > pqSpareBytes {
		return nil
	}
	return b[:0]
}

// take gives a new column the buffers b of a closed writer's column.
func (c *pqColumn) take(b *pqBufs) {
	c.defs, c.reps, c.idx = b.defs, b.reps, b.idx
	c.plain, c.chunk, c.dict.plain = b.plain, b.chunk, b.dict
	c.dict.ents, c.dict.keys, c.hashes = b.ents, b.keys, b.hashes
	c.locs, c.nullPages, c.nullCounts = b.locs, b.nullPages, b.nullCounts
}

// pageBytes estimates the size of the page being built.
func (c *pqColumn) pageBytes() int { return len(c.plain) + 4*len(c.idx) + c.nvals>>2 }

// beginRow is called before the first value of each row: it ends the
// page if it is full, or if its dictionary is full, so pages start on row
// boundaries.
func (c *pqColumn) beginRow() {
	if c.pageFull() {
		c.flushPage()
	}
	c.nrows++
}

// pageFull reports whether the page being built ends before the next
// row: its dictionary is full, or it holds parquetPageBytes, or pageRows
// rows of which one is not null (a page of nulls costs a reader nothing
// to skip, and more pages cost the writer a header and a compression
// each).
func (c *pqColumn) pageFull() bool {
	return c.fallback || c.pageBytes() >= parquetPageBytes || c.nrows >= c.pageRows && c.nnull < c.nvals
}

// addNull appends a null (or an empty list or map) at levels rep, def.
func (c *pqColumn) addNull(rep, def uint8) {
	if c.maxDef > 0 {
		c.defs = append(c.defs, def)
	}
	if c.maxRep > 0 {
		c.reps = append(c.reps, rep)
	}
	c.nvals++
	c.nnull++
}

// addNullRows appends n rows of one null at definition level 0, c being a
// column that is not repeated; pages end as beginRow would end them.
func (c *pqColumn) addNullRows(n int) {
	for n > 0 {
		if c.pageFull() {
			c.flushPage()
		}
		m := min(n, (parquetPageBytes-c.pageBytes())*4+1)
		if c.nnull < c.nvals {
			m = min(m, c.pageRows-c.nrows)
		}
		if c.maxDef > 0 {
			c.defs = slices.Grow(c.defs, m)
			c.defs = c.defs[:len(c.defs)+m]
			clear(c.defs[len(c.defs)-m:])
		}
		c.nvals += m
		c.nnull += m
		c.nrows += m
		n -= m
	}
}

// room returns how many rows, each adding at most per bytes to
// pageBytes, the page being built takes when it is not full now: the
// rows up to the last need no pageFull check before them. It is 1 when
// the page may end after any row (at pageRows rows of nulls).
func (c *pqColumn) room(per int) int {
	if c.nrows >= c.pageRows {
		return 1
	}
	return min((parquetPageBytes-1-c.pageBytes())/per+1, c.pageRows-c.nrows)
}

// addIntRows appends len(vals) rows of one INT32 or INT64 value each (T
// the column's type) to c, a column that is neither repeated nor
// required: vals[j], or a null at definition level 0 where null[j]; nulls
// counts the nulls. Pages end where beginRow would end them, but the rows
// between page ends cost no check each, and a run without nulls is copied
// whole.
func addIntRows[T int32 | int64](c *pqColumn, null []bool, vals []T, nulls int) {
	width := int(unsafe.Sizeof(vals[0]))
	for len(vals) > 0 {
		if c.pageFull() {
			c.flushPage()
		}
		// A row adds its value and at most 1 to nvals>>2.
		k := min(len(vals), c.room(width+1))
		if nulls == 0 {
			addIntsNoNull(c, vals[:k])
		} else {
			nulls -= addIntsUnchecked(c, null[:k], vals[:k])
		}
		null, vals = null[k:], vals[k:]
	}
}

// addIntsNoNull appends rows of the non-null vals that fit in the page
// being built.
func addIntsNoNull[T int32 | int64](c *pqColumn, vals []T) {
	n := len(vals)
	d := len(c.defs)
	c.defs = slices.Grow(c.defs, n)[:d+n]
	if defs := c.defs[d:]; c.maxDef == 1 && n <= len(pqOnes) {
		copy(defs, pqOnes[:])
	} else {
		for j := range defs {
			defs[j] = c.maxDef
		}
	}
	c.plain = appendLE(c.plain, vals)
	lo, hi := vals[0], vals[0]
	if c.bounded {
		lo, hi = T(c.imin), T(c.imax)
	}
	for _, v := range vals {
		lo = min(lo, v)
		hi = max(hi, v)
	}
	c.imin, c.imax, c.bounded = int64(lo), int64(hi), true
	c.nvals += n
	c.nrows += n
}

// addIntsUnchecked appends rows that fit in the page being built, some of
// them null, and returns how many are.
func addIntsUnchecked[T int32 | int64](c *pqColumn, null []bool, vals []T) int {
	n := len(vals)
	d := len(c.defs)
	c.defs = slices.Grow(c.defs, n)[:d+n]
	defs := c.defs[d:]
	lo, hi, bounded := T(c.imin), T(c.imax), c.bounded
	nnull := 0
	maxDef := c.maxDef
	null = null[:n]
	defs = defs[:n]
	plain := c.plain
	for j, v := range vals {
		if null[j] {
			defs[j] = 0
			nnull++
			continue
		}
		defs[j] = maxDef
		if unsafe.Sizeof(v) == 8 {
			plain = binary.LittleEndian.AppendUint64(plain, uint64(v))
		} else {
			plain = binary.LittleEndian.AppendUint32(plain, uint32(v))
		}
		if !bounded {
			lo, hi, bounded = v, v, true
		}
		lo = min(lo, v)
		hi = max(hi, v)
	}
	c.plain = plain
	c.imin, c.imax, c.bounded = int64(lo), int64(hi), bounded
	c.nvals += n
	c.nnull += nnull
	c.nrows += n
	return nnull
}

// pqOnes is a block of definition levels of non-null top-level values.
var pqOnes = func() (b [pqBlock]uint8) {
	for i := range b {
		b[i] = 1
	}
	return b
}()

// levels appends the levels of a non-null value.
func (c *pqColumn) levels(rep uint8) {
	if c.maxDef > 0 {
		c.defs = append(c.defs, c.maxDef)
	}
	if c.maxRep > 0 {
		c.reps = append(c.reps, rep)
	}
	c.nvals++
}

// addBytes appends the non-null byte array b. b may alias memory that is
// reused after the call.
func (c *pqColumn) addBytes(rep uint8, b []byte) {
	c.levels(rep)
	if c.useDict {
		c.addID(c.lookup(b), pqKey(b))
		return
	}
	c.addPlain(b)
}

// lookup returns the dictionary id of b, added when new. Once a value
// came twice in a row, the next is compared with it before it is hashed:
// constant columns and runs of one session's rows are not hashed, and
// columns of varied values cost no compare.
func (c *pqColumn) lookup(b []byte) int32 {
	if c.lastHit && pqEqual(c.lastVal, b) {
		return c.last
	}
	id := c.dict.id(b)
	c.lastHit = id == c.last
	c.last, c.lastVal = id, c.dict.value(id)
	return id
}

// addStringRows appends len(strs) rows of one byte array each to c, a
// column that is neither repeated nor required: strs[j], or a null at
// definition level 0 where null[j]. strs may alias memory that is reused
// after the call. Pages end where beginRow would end them; rows of a
// dictionary-encoded page cost no check each.
func (c *pqColumn) addStringRows(null []bool, strs [][]byte) {
	for len(strs) > 0 {
		if c.pageFull() {
			c.flushPage()
		}
		var k int
		if c.useDict {
			// A row adds an id and at most 1 to nvals>>2.
			k = c.addDictRows(null[:min(len(strs), c.room(5))], strs)
		} else {
			k = c.addPlainRows(null, strs)
		}
		null, strs = null[k:], strs[k:]
	}
}

// addDictRows appends the rows of null and strs that fit in the
// dictionary-encoded page being built, up to the row whose value fills
// the dictionary, and returns how many it appended.
func (c *pqColumn) addDictRows(null []bool, strs [][]byte) int {
	n := len(null)
	strs = strs[:n]
	d := len(c.defs)
	c.defs = slices.Grow(c.defs, n)[:d+n]
	defs := c.defs[d:]
	idx := slices.Grow(c.idx, n)
	maxDef := c.maxDef
	nnull := 0
	for j, b := range strs {
		if null[j] {
			defs[j] = 0
			nnull++
			continue
		}
		defs[j] = maxDef
		if c.lastHit && pqEqual(c.lastVal, b) {
			idx = append(idx, c.last)
			continue // bounded when it came before (flushPage clears lastHit)
		}
		id := c.dict.id(b)
		c.boundID(id, pqKey(b))
		c.lastHit = id == c.last
		c.last, c.lastVal = id, c.dict.value(id)
		idx = append(idx, id)
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

// addPlainRows appends rows of null and strs as PLAIN values until the
// page being built is full, and returns how many it appended (at least
// one).
func (c *pqColumn) addPlainRows(null []bool, strs [][]byte) int {
	for j, b := range strs {
		if j > 0 && c.pageFull() {
			return j
		}
		c.nrows++
		if null[j] {
			c.addNull(0, 0)
			continue
		}
		c.levels(0)
		c.addPlain(b)
	}
	return len(strs)
}

// boundID widens the bounds of the dictionary-encoded page being built
// to value k of the dictionary, whose key (pqKey) is key: the caller
// computes it from the bytes it holds, which the cache holds too (the
// dictionary's keys of values looked up at random are not). Fast path: a
// value whose key orders strictly between the bounds' is neither; as a
// page fills, few values are.
func (c *pqColumn) boundID(k int32, key uint64) {
	if key <= c.loKey || key >= c.hiKey {
		c.boundIDSlow(k, key)
	}
}

// boundIDSlow is boundID's slow path: the first value, or one whose key
// is at or past a bound's (values alike in their first 8 bytes are
// compared whole).
func (c *pqColumn) boundIDSlow(k int32, key uint64) {
	switch {
	case !c.bounded:
		c.lo, c.hi, c.loKey, c.hiKey, c.bounded = k, k, key, key, true
	case k == c.lo || k == c.hi:
	case c.dict.less(k, c.lo):
		c.lo, c.loKey = k, key
	case c.dict.less(c.hi, k):
		c.hi, c.hiKey = k, key
	}
}

// addID appends dictionary id k, whose key is key (dictionary mode only).
func (c *pqColumn) addID(k int32, key uint64) {
	c.boundID(k, key)
	c.idx = append(c.idx, k)
	if len(c.dict.plain) > parquetDictBytes {
		c.fallback = true
	}
}

// addPlain appends b as a PLAIN value, with its statistics and hash.
func (c *pqColumn) addPlain(b []byte) {
	c.plain = binary.LittleEndian.AppendUint32(c.plain, uint32(len(b)))
	c.plain = append(c.plain, b...)
	if !c.bounded {
		c.smin, c.smax, c.bounded = append(c.smin[:0], b...), append(c.smax[:0], b...), true
	} else if bytes.Compare(b, c.smin) < 0 {
		c.smin = append(c.smin[:0], b...)
	} else if bytes.Compare(b, c.smax) > 0 {
		c.smax = append(c.smax[:0], b...)
	}
	if c.bloom {
		c.hashes = append(c.hashes, xxhash.Sum64(b))
	}
}

// addInt32 appends a non-null INT32.
func (c *pqColumn) addInt32(rep uint8, v int32) {
	c.levels(rep)
	c.plain = binary.LittleEndian.AppendUint32(c.plain, uint32(v))
	c.bound(int64(v))
}

// addInt64 appends a non-null INT64.
func (c *pqColumn) addInt64(rep uint8, v int64) {
	c.levels(rep)
	c.plain = binary.LittleEndian.AppendUint64(c.plain, uint64(v))
	c.bound(v)
}

func (c *pqColumn) bound(v int64) {
	if !c.bounded {
		c.imin, c.imax, c.bounded = v, v, true
		return
	}
	c.imin = min(c.imin, v)
	c.imax = max(c.imax, v)
}

// pageBounds returns the page's min and max as PLAIN bytes without length
// (nil when every value is null), aliasing c's buffers or its scratch.
func (c *pqColumn) pageBounds() (lo, hi []byte) {
	switch c.typ {
	case format.Int32:
		if !c.bounded {
			return nil, nil
		}
		binary.LittleEndian.PutUint32(c.s.lo[:], uint32(c.imin))
		binary.LittleEndian.PutUint32(c.s.hi[:], uint32(c.imax))
		return c.s.lo[:4], c.s.hi[:4]
	case format.Int64:
		if !c.bounded {
			return nil, nil
		}
		binary.LittleEndian.PutUint64(c.s.lo[:], uint64(c.imin))
		binary.LittleEndian.PutUint64(c.s.hi[:], uint64(c.imax))
		return c.s.lo[:], c.s.hi[:]
	}
	if !c.useDict {
		if !c.bounded {
			return nil, nil
		}
		return c.smin, c.smax
	}
	if !c.bounded {
		return nil, nil
	}
	return c.dict.value(c.lo), c.dict.value(c.hi)
}

// flushPage compresses the page being built into the chunk.
func (c *pqColumn) flushPage() {
	if c.nvals == 0 {
		if c.fallback {
			c.useDict, c.fallback = false, false
		}
		return
	}
	var err error
	c.s.rbuf, c.s.dbuf = c.s.rbuf[:0], c.s.dbuf[:0]
	if c.maxRep > 0 {
		c.s.rle.BitWidth = bits.Len8(c.maxRep)
		c.s.rbuf, err = c.s.rle.EncodeLevels(c.s.rbuf, c.reps)
		if err != nil {
			panic("BUG: repetition levels: " + err.Error())
		}
	}
	if c.maxDef > 0 {
		c.s.rle.BitWidth = bits.Len8(c.maxDef)
		c.s.dbuf, err = c.s.rle.EncodeLevels(c.s.dbuf, c.defs)
		if err != nil {
			panic("BUG: definition levels: " + err.Error())
		}
	}
	values, enc := c.plain, format.Plain
	switch {
	case c.useDict:
		enc = format.RLEDictionary
		c.s.vbuf, err = c.s.dict.EncodeInt32(c.s.vbuf, c.idx)
		if err != nil {
			panic("BUG: dictionary ids: " + err.Error())
		}
		values = c.s.vbuf
	case c.typ == format.Int64 && len(c.plain) > 0:
		enc = format.DeltaBinaryPacked
		c.s.vbuf, err = c.s.delta.EncodeInt64(c.s.vbuf[:0], c.s.int64s(c.plain))
		if err != nil {
			panic("BUG: delta encoding: " + err.Error())
		}
		values = c.s.vbuf
	case c.typ == format.Int32 && len(c.plain) > 0:
		enc = format.DeltaBinaryPacked
		c.s.vbuf, err = c.s.delta.EncodeInt32(c.s.vbuf[:0], c.s.int32s(c.plain))
		if err != nil {
			panic("BUG: delta encoding: " + err.Error())
		}
		values = c.s.vbuf
	}
	body, compressed := c.compress(values)
	lo, hi := c.pageBounds()
	levels := len(c.s.rbuf) + len(c.s.dbuf)
	h := &c.s.ph
	*h = format.PageHeader{
		Type:                 format.DataPageV2,
		UncompressedPageSize: int32(levels + len(values)),
		CompressedPageSize:   int32(levels + len(body)),
	}
	dh := format.DataPageHeaderV2{
		NumValues:                  int32(c.nvals),
		NumNulls:                   int32(c.nnull),
		NumRows:                    int32(c.nrows),
		Encoding:                   enc,
		DefinitionLevelsByteLength: int32(len(c.s.dbuf)),
		RepetitionLevelsByteLength: int32(len(c.s.rbuf)),
	}
	if !compressed {
		dh.IsCompressed = thrift.New(false)
	}
	dh.Statistics.NullCount = int64(c.nnull)
	if lo != nil {
		dh.Statistics.Min, dh.Statistics.MinValue = lo, lo
		dh.Statistics.Max, dh.Statistics.MaxValue = hi, hi
	}
	h.DataPageHeaderV2 = thrift.New(dh)
	c.s.hbuf = c.s.marshal(c.s.hbuf[:0], h)
	off := len(c.chunk)
	c.chunk = append(c.chunk, c.s.hbuf...)
	c.chunk = append(c.chunk, c.s.rbuf...)
	c.chunk = append(c.chunk, c.s.dbuf...)
	c.chunk = append(c.chunk, body...)
	c.locs = append(c.locs, format.PageLocation{Offset: int64(off), CompressedPageSize: int32(len(c.chunk) - off), FirstRowIndex: c.firstRow})

	// Column index and chunk statistics.
	c.nullPages = append(c.nullPages, c.nnull == c.nvals)
	c.nullCounts = append(c.nullCounts, int64(c.nnull))
	if lo == nil {
		c.ciMin, c.ciMax = append(c.ciMin, []byte{}), append(c.ciMax, []byte{})
	} else {
		c.ciMin = append(c.ciMin, indexMin(lo, c.typ))
		c.ciMax = append(c.ciMax, indexMax(hi, c.typ))
		if !c.cbounded {
			c.cmin, c.cmax, c.cbounded = append(c.cmin[:0], lo...), append(c.cmax[:0], hi...), true
		} else {
			if c.less(lo, c.cmin) {
				c.cmin = append(c.cmin[:0], lo...)
			}
			if c.less(c.cmax, hi) {
				c.cmax = append(c.cmax[:0], hi...)
			}
		}
	}
	c.numValues += int64(c.nvals)
	c.nullCount += int64(c.nnull)
	c.unc += int64(len(c.s.hbuf)) + int64(h.UncompressedPageSize)
	if c.useDict {
		c.dictPages++
	} else {
		c.plainPages++
	}
	c.firstRow += int64(c.nrows)

	c.defs, c.reps, c.idx, c.plain = c.defs[:0], c.reps[:0], c.idx[:0], c.plain[:0]
	c.nvals, c.nnull, c.nrows, c.bounded = 0, 0, 0, false
	c.loKey, c.hiKey = math.MaxUint64, 0
	c.lastHit = false // the last value is bounded again in the next page
	if c.fallback {
		c.useDict, c.fallback = false, false
	}
}

// parquetMinGain: a data page whose values zstd shrinks by less than
// 1/parquetMinGain (3%) is not worth the reader's decompression, nor the
// next pages of its column the writer's compression. Such are flow logs'
// bytes, packets, start and end (DELTA_BINARY_PACKED leaves no redundancy
// zstd finds), IDs of many values (interface_id, instance_id), and the few
// bytes of the dictionary ids of a column of one or two values, which the
// frame's header makes larger.
const parquetMinGain = 32

// parquetMaxRawMisses caps [pqColumn.rawMisses]: a column that does not
// compress tries zstd on one chunk's page in 16.
const parquetMaxRawMisses = 4

// pqRawSlots is how many places of a chunk's data pages keep their own
// backoff ([pqColumn.rawPages]): a clustered chunk has 8 pages and more.
const pqRawSlots = 16

// compress returns the body of the page whose encoded values are values,
// and whether it is zstd-compressed: it is not (a DATA_PAGE_V2 whose
// is_compressed is false, which Trino, parquet-java, DuckDB and hunt's
// reader honour) when the page has no values, when zstd would not make it
// smaller, or when zstd is not tried for it ([pqColumn.rawPages]). The
// result aliases values or c's scratch.
//
// PLAIN byte-array pages are always tried: zstd's fastest level stores a
// block in which it finds no match as it is, so a short page of UUIDs
// (eventid, requestid) does not shrink where the next, longer one shrinks
// by a third; skipping those made the /tmp/big/corpus lake's eventid 4%
// larger.
func (c *pqColumn) compress(values []byte) ([]byte, bool) {
	if len(values) == 0 {
		return values, false // nulls only: nothing to compress
	}
	k := 0
	if c.useDict {
		k = 1
	}
	skips := c.typ != format.ByteArray || c.useDict
	p := min(len(c.locs), pqRawSlots-1)
	if skips && c.rawPages[k][p] > 0 {
		c.rawPages[k][p]--
		return values, false
	}
	c.s.zbuf, _ = parquetZstd.Encode(c.s.zbuf, values)
	if len(c.s.zbuf) < len(values)-len(values)/parquetMinGain {
		c.rawMisses[k][p] = 0
		return c.s.zbuf, true
	}
	if skips {
		c.rawMisses[k][p] = min(c.rawMisses[k][p]+1, parquetMaxRawMisses)
		c.rawPages[k][p] = 1<<c.rawMisses[k][p] - 1
	}
	if len(c.s.zbuf) < len(values) {
		return c.s.zbuf, true
	}
	return values, false
}

// less compares two PLAIN values (without length) of c's type.
func (c *pqColumn) less(a, b []byte) bool {
	switch c.typ {
	case format.Int32:
		return int32(binary.LittleEndian.Uint32(a)) < int32(binary.LittleEndian.Uint32(b))
	case format.Int64:
		return int64(binary.LittleEndian.Uint64(a)) < int64(binary.LittleEndian.Uint64(b))
	}
	return bytes.Compare(a, b) < 0
}

// indexMin is a copy of the page minimum v for the column index, cut to
// [parquetIndexBytes].
func indexMin(v []byte, typ format.Type) []byte {
	if typ == format.ByteArray && len(v) > parquetIndexBytes {
		v = v[:parquetIndexBytes]
	}
	return append([]byte{}, v...)
}

// indexMax is a copy of the page maximum v for the column index: cut to
// [parquetIndexBytes] and incremented so it stays an upper bound (whole
// when it cannot be incremented).
func indexMax(v []byte, typ format.Type) []byte {
	if typ != format.ByteArray || len(v) <= parquetIndexBytes {
		return append([]byte{}, v...)
	}
	m := append([]byte{}, v[:parquetIndexBytes]...)
	for i := len(m) - 1; i >= 0; i-- {
		if m[i] != 0xff {
			m[i]++
			return m[:i+1]
		}
	}
	return append([]byte{}, v...)
}

// pqOut buffers small writes (page and bloom headers, small chunks,
// indexes) and counts what is written through it. Errors are sticky.
type pqOut struct {
	w   *bufio.Writer
	off int64
	err error
}

func (o *pqOut) write(b []byte) {
	if o.err != nil {
		return
	}
	n, err := o.w.Write(b)
	o.off += int64(n)
	o.err = err
}

// flush writes what is buffered.
func (o *pqOut) flush() {
	if o.err == nil {
		o.err = o.w.Flush()
	}
}

// pqIndexes are what a chunk's column and offset indexes say, kept until
// the footer.
type pqIndexes struct {
	ci format.ColumnIndex
	oi format.OffsetIndex
}

// writeChunk ends the page being built and writes the chunk (dictionary
// page, data pages) to o; it returns the chunk's metadata and page indexes
// and resets c for the next row group. Bloom filters are written by
// [pqColumn.writeBloom] after every chunk of the row group.
func (c *pqColumn) writeChunk(o *pqOut) (format.ColumnChunk, pqIndexes) {
	c.flushPage()
	start := o.off
	md := format.ColumnMetaData{
		Type:         c.typ,
		PathInSchema: c.path,
		Codec:        format.Zstd,
		NumValues:    c.numValues,
	}
	md.Statistics.NullCount = c.nullCount
	if c.cbounded {
		md.Statistics.MinValue = append([]byte{}, c.cmin...)
		md.Statistics.MaxValue = append([]byte{}, c.cmax...)
	}
	var unc, comp int64
	if c.dictChunk {
		md.Encoding = []format.Encoding{format.Plain, format.RLE, format.RLEDictionary}
		c.s.zbuf, _ = parquetZstd.Encode(c.s.zbuf, c.dict.plain)
		h := &c.s.ph
		*h = format.PageHeader{
			Type:                 format.DictionaryPage,
			UncompressedPageSize: int32(len(c.dict.plain)),
			CompressedPageSize:   int32(len(c.s.zbuf)),
			DictionaryPageHeader: thrift.New(format.DictionaryPageHeader{NumValues: int32(c.dict.len()), Encoding: format.Plain}),
		}
		c.s.hbuf = c.s.marshal(c.s.hbuf[:0], h)
		md.DictionaryPageOffset = o.off
		o.write(c.s.hbuf)
		o.write(c.s.zbuf)
		unc += int64(len(c.s.hbuf) + len(c.dict.plain))
		md.EncodingStats = append(md.EncodingStats, format.PageEncodingStats{PageType: format.DictionaryPage, Encoding: format.Plain, Count: 1})
		if c.dictPages > 0 {
			md.EncodingStats = append(md.EncodingStats, format.PageEncodingStats{PageType: format.DataPageV2, Encoding: format.RLEDictionary, Count: c.dictPages})
		}
	} else {
		md.Encoding = []format.Encoding{format.Plain, format.RLE}
	}
	if c.plainPages > 0 {
		enc := format.Plain
		if c.typ != format.ByteArray {
			enc = format.DeltaBinaryPacked
			md.Encoding = []format.Encoding{format.RLE, format.DeltaBinaryPacked}
		}
		md.EncodingStats = append(md.EncodingStats, format.PageEncodingStats{PageType: format.DataPageV2, Encoding: enc, Count: c.plainPages})
	}
	md.DataPageOffset = o.off
	for i := range c.locs {
		c.locs[i].Offset += o.off
	}
	o.write(c.chunk)
	unc += c.unc
	comp = o.off - start
	md.TotalUncompressedSize, md.TotalCompressedSize = unc, comp
	ix := pqIndexes{
		ci: format.ColumnIndex{
			NullPages:     append([]bool{}, c.nullPages...),
			MinValues:     c.ciMin,
			MaxValues:     c.ciMax,
			BoundaryOrder: c.boundaryOrder(),
			NullCounts:    append([]int64{}, c.nullCounts...),
		},
		oi: format.OffsetIndex{PageLocations: append([]format.PageLocation{}, c.locs...)},
	}
	cc := format.ColumnChunk{FileOffset: start, MetaData: md}
	c.ciMin, c.ciMax = nil, nil // handed to ix
	c.chunk, c.locs, c.nullPages, c.nullCounts = c.chunk[:0], c.locs[:0], c.nullPages[:0], c.nullCounts[:0]
	c.numValues, c.nullCount, c.unc, c.cbounded = 0, 0, 0, false
	c.firstRow = 0 // dictPages and plainPages: resetDict, which reads them
	return cc, ix
}

// boundaryOrder is the column index's order of the pages' bounds, null
// pages skipped.
func (c *pqColumn) boundaryOrder() format.BoundaryOrder {
	asc, desc := true, true
	prev := -1
	for i, null := range c.nullPages {
		if null {
			continue
		}
		if prev >= 0 {
			if c.less(c.ciMin[i], c.ciMin[prev]) || c.less(c.ciMax[i], c.ciMax[prev]) {
				asc = false
			}
			if c.less(c.ciMin[prev], c.ciMin[i]) || c.less(c.ciMax[prev], c.ciMax[i]) {
				desc = false
			}
		}
		prev = i
	}
	switch {
	case asc:
		return format.Ascending
	case desc:
		return format.Descending
	}
	return format.Unordered
}

// writeBloom writes the split-block bloom filter of the chunk last
// written (its dictionary's values and its plain values) and records it
// in md, then forgets the chunk's dictionary.
func (c *pqColumn) writeBloom(o *pqOut, md *format.ColumnMetaData) {
	defer c.resetDict()
	if !c.bloom {
		return
	}
	n := c.dict.len()
	for k := range n {
		c.hashes = append(c.hashes, xxhash.Sum64(c.dict.value(int32(k))))
	}
	if len(c.hashes) == 0 {
		return // only nulls: nothing to filter
	}
	f := make(bloom.SplitBlockFilter, max(bloom.NumSplitBlocksOf(int64(len(c.hashes)), 10), 1))
	f.InsertBulk(c.hashes)
	h := &c.s.bh
	*h = format.BloomFilterHeader{NumBytes: int32(len(f.Bytes()))}
	h.Algorithm.Value = &format.SplitBlockAlgorithm{}
	h.Hash.Value = &format.XxHash{}
	h.Compression.Value = &format.BloomFilterUncompressed{}
	c.s.hbuf = c.s.marshal(c.s.hbuf[:0], h)
	md.BloomFilterOffset = o.off
	o.write(c.s.hbuf)
	o.write(f.Bytes())
	md.BloomFilterLength = int32(o.off - md.BloomFilterOffset)
}

// resetDict starts the next chunk's dictionary, or starts the chunk
// PLAIN when recent dictionaries fell back (see [pqColumn.plainChunks]).
func (c *pqColumn) resetDict() {
	switch {
	case c.typ != format.ByteArray: // integers are PLAIN
	case c.dictChunk && c.plainPages > 0:
		c.misses = min(c.misses+1, 4)
		c.plainChunks = 1<<c.misses - 1
	case c.dictChunk:
		c.misses = 0
	default:
		c.plainChunks--
	}
	c.dict.reset()
	c.dictGen++
	c.hashes = c.hashes[:0]
	c.useDict, c.fallback, c.last, c.lastVal, c.lastHit = c.typ == format.ByteArray && c.plainChunks <= 0, false, -1, nil, false
	c.dictChunk = c.useDict
	c.dictPages, c.plainPages = 0, 0
}

// pqDict is a column chunk's dictionary of byte arrays: the values in
// PLAIN encoding (the dictionary page's body) and an open-addressing hash
// table from value to id.
type pqDict struct {
	plain []byte   // 4-byte little-endian length, then the bytes, per value
	ents  []pqEnt  // where value k's bytes are in plain
	keys  []uint64 // value k's first 8 bytes, big-endian, zero-padded: its order, mostly
	table []uint64 // hash<<32 | id+1; 0 is an empty slot
}

// pqEnt is the offset and length of a dictionary value's bytes.
type pqEnt struct{ off, n int32 }

// pqSeeds are the process's random hash seeds: a dictionary's probe
// sequences cannot be chosen by whoever writes the logs.
var (
	pqSeed           = maphash.MakeSeed()
	pqSeedA, pqSeedB = rand.Uint64() | 1, rand.Uint64()
	pqSeedC, pqSeedD = rand.Uint64() | 1, rand.Uint64()
	pqSeedE, pqSeedF = rand.Uint64() | 1, rand.Uint64()
)

// pqHash hashes a dictionary value: inline for up to 64 bytes (IP
// addresses, account IDs, resource IDs such as eni-, vpc-, subnet-, short
// names, and CloudTrail's ARNs, request IDs and event sources: most of
// them), maphash beyond (a call through maphash was 0.16 s of an 11 s
// convert, most of it for values of 33 to 64 bytes).
func pqHash(b []byte) uint64 {
	n := len(b)
	var x, y uint64
	switch {
	case n > 64:
		return maphash.Bytes(pqSeed, b)
	case n > 32:
		// The first 32 bytes and the last 32, overlapping: four
		// independent keyed products, folded.
		h0, l0 := bits.Mul64(binary.LittleEndian.Uint64(b)^pqSeedC, binary.LittleEndian.Uint64(b[8:])^pqSeedD)
		h1, l1 := bits.Mul64(binary.LittleEndian.Uint64(b[16:])^pqSeedE, binary.LittleEndian.Uint64(b[24:])^pqSeedF)
		t := b[n-32:]
		h2, l2 := bits.Mul64(binary.LittleEndian.Uint64(t)^pqSeedE, binary.LittleEndian.Uint64(t[8:])^pqSeedD)
		h3, l3 := bits.Mul64(binary.LittleEndian.Uint64(t[16:])^pqSeedC, binary.LittleEndian.Uint64(t[24:])^pqSeedF)
		x, y = h0^l0^h2^l3, h1^l1^h3^l2
	case n > 16:
		// The first 16 bytes and the last 16, overlapping.
		x, y = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])
		z, w := binary.LittleEndian.Uint64(b[n-16:]), binary.LittleEndian.Uint64(b[n-8:])
		hi, lo := bits.Mul64(z^pqSeedC, w^pqSeedD)
		x ^= hi
		y ^= lo
	case n >= 8:
		x, y = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4:
		x, y = uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:]))
	case n > 0:
		x = uint64(b[0])<<16 | uint64(b[n>>1])<<8 | uint64(b[n-1])
	}
	// The length is mixed in after the bytes: xored into y, it cancelled
	// the last byte's difference ("abaaa" and "abaaaa" hashed alike).
	hi, lo := bits.Mul64(x^pqSeedA, y^pqSeedB)
	hi, lo = bits.Mul64(hi^lo^uint64(n), pqSeedA^0x9e3779b97f4a7c15)
	return hi ^ lo
}

// pqEqual reports whether a and b hold the same bytes: for 8 to 16
// bytes (IPv4 addresses, account IDs, short names) by two overlapping
// word loads, inline, instead of a call to memequal per dictionary probe.
func pqEqual(a, b []byte) bool {
	n := len(a)
	if n != len(b) {
		return false
	}
	if n < 8 || n > 16 {
		return string(a) == string(b)
	}
	return binary.LittleEndian.Uint64(a) == binary.LittleEndian.Uint64(b) &&
		binary.LittleEndian.Uint64(a[n-8:]) == binary.LittleEndian.Uint64(b[n-8:])
}

func (d *pqDict) len() int { return len(d.ents) }

// value returns value k, aliasing d.
func (d *pqDict) value(k int32) []byte {
	e := d.ents[k]
	return d.plain[e.off : e.off+e.n : e.off+e.n]
}

// id returns the id of b, added when new.
func (d *pqDict) id(b []byte) int32 {
	if len(d.ents)*2 >= len(d.table) {
		d.grow()
	}
	h := pqHash(b)
	tag := h >> 32
	mask := len(d.table) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := d.table[i]
		if s == 0 {
			k := int32(len(d.ents))
			d.plain = binary.LittleEndian.AppendUint32(d.plain, uint32(len(b)))
			d.ents = append(d.ents, pqEnt{int32(len(d.plain)), int32(len(b))})
			d.plain = append(d.plain, b...)
			d.keys = append(d.keys, pqKey(b))
			d.table[i] = tag<<32 | uint64(k+1)
			return k
		}
		if s>>32 == tag {
			if k := int32(uint32(s)) - 1; pqEqual(d.value(k), b) {
				return k
			}
		}
	}
}

// grow doubles the hash table.
func (d *pqDict) grow() {
	n := max(len(d.table)*2, 1024)
	d.table = make([]uint64, n)
	mask := n - 1
	for k := range d.ents {
		h := pqHash(d.value(int32(k)))
		i := int(h) & mask
		for d.table[i] != 0 {
			i = (i + 1) & mask
		}
		d.table[i] = h>>32<<32 | uint64(k+1)
	}
}

// pqKey is b's first 8 bytes as a big-endian integer, zero-padded: keys
// order as the bytes do, except that values alike in their first 8 bytes
// (or shorter and alike but for trailing zero bytes) have equal keys.
func pqKey(b []byte) uint64 {
	if len(b) >= 8 {
		return binary.BigEndian.Uint64(b)
	}
	var p [8]byte
	copy(p[:], b)
	return binary.BigEndian.Uint64(p[:])
}

// less reports whether value a orders before value b (as bytes.Compare).
func (d *pqDict) less(a, b int32) bool {
	if ka, kb := d.keys[a], d.keys[b]; ka != kb {
		return ka < kb
	}
	return bytes.Compare(d.value(a), d.value(b)) < 0
}

func (d *pqDict) reset() {
	d.plain, d.ents, d.keys = d.plain[:0], d.ents[:0], d.keys[:0]
	clear(d.table)
}
