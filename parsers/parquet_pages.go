package parsers

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/encoding/bitpacked"
	"github.com/parquet-go/parquet-go/encoding/delta"
	"github.com/parquet-go/parquet-go/encoding/plain"
	"github.com/parquet-go/parquet-go/encoding/rle"
	"github.com/parquet-go/parquet-go/format"
)

// pqChunk reads the pages of one flat column chunk (INT32, INT64 or
// BYTE_ARRAY values, a row per value) itself instead of through
// parquet-go's page reader, which allocates a buffer per page and per
// dictionary and reads each page header twice with the checks. The chunk
// is read with one ReadAt into a buffer the pqChunk keeps from chunk to
// chunk, its page headers are walked and checked once from memory
// (checkChunkPages), and each page is decompressed and decoded into slices
// the pqChunk also keeps: a scan allocates per file, not per page.
//
// It decodes what [pqChunkCan] accepts from the chunk's metadata: data
// pages v1 and v2; PLAIN values, DELTA_BINARY_PACKED integers (what hunt
// convert writes for integer columns) or dictionary indexes
// (PLAIN_DICTIONARY, RLE_DICTIONARY) into a PLAIN dictionary page; RLE (or
// BIT_PACKED, v1) definition levels of width 1. Other chunks are read through parquet-go.
// A page that contradicts its header or the chunk's metadata is an error
// wrapping [ErrCorrupt] or [ErrFormat].
//
// A pqChunk is not safe for concurrent use.
type pqChunk struct {
	buf        []byte      // the chunk's bytes as stored
	start      int64       // the file offset of buf[0]
	locs       []pqPageLoc // its data pages, in order
	next       int         // the next data page of locs
	codec      compress.Codec
	kind       parquet.Kind
	isOptional bool // max definition level 1: data pages have levels

	// The current data page, decoded: valid until the next call to
	// nextPage. raw is its decompressed bytes, defs its definition levels
	// (nil for a required column), vals its values or dictionary indexes
	// (isDict) over raw, page or idx.
	raw    []byte
	defs   []byte
	lv     []byte // defs' buffer
	vals   encoding.Values
	isDict bool
	rows   int
	page   pqValues
	idx    []int32

	// The chunk's dictionary, decoded when the chunk is loaded (dictGen
	// changes with each one); dict is nil (hasDict false) for a chunk
	// without. The slices stay valid until the next load.
	hasDict  bool
	dictGen  uint64
	dict     encoding.Values
	dictRaw  []byte
	dictVals pqValues

	kept int // the bytes of its buffers while in pqChunks
}

// pqChunks keeps the pqChunks of finished readers, with their buffers,
// for the next readers (a query opens a reader per file, each read once),
// up to pqChunksBytes of buffers. A sync.Pool kept them only until the
// next collection but one, and the flow query over a small lake
// collects every few milliseconds: readers reallocated their chunk
// buffers (a row group's compressed chunk, its decompressed dictionary
// page and values, 400 KiB for the flow query's addresses), which the
// kernel faulted in and zeroed again, one page fault in six of the warm
// query.
var pqChunks struct {
	mu    sync.Mutex
	free  []*pqChunk
	bytes int
}

// pqChunksBytes bounds the bytes of the buffers pqChunks keeps: the flow
// query's three columns take about 1 MiB per worker. A chunk whose
// buffers alone pass it (CloudTrail's large text columns) is dropped.
const pqChunksBytes = 8 << 20

// getPQChunk returns a pqChunk from pqChunks, or a new one; putPQChunk
// gives it back when its reader is done with it.
func getPQChunk() *pqChunk {
	pqChunks.mu.Lock()
	defer pqChunks.mu.Unlock()
	n := len(pqChunks.free)
	if n == 0 {
		return new(pqChunk)
	}
	ch := pqChunks.free[n-1]
	pqChunks.free[n-1] = nil
	pqChunks.free = pqChunks.free[:n-1]
	pqChunks.bytes -= ch.kept
	return ch
}

func putPQChunk(ch *pqChunk) {
	ch.vals, ch.dict, ch.hasDict = encoding.Values{}, encoding.Values{}, false
	ch.kept = ch.size()
	pqChunks.mu.Lock()
	defer pqChunks.mu.Unlock()
	if pqChunks.bytes+ch.kept <= pqChunksBytes {
		pqChunks.free = append(pqChunks.free, ch)
		pqChunks.bytes += ch.kept
	}
}

// size returns the bytes of ch's buffers of bytes and values (not its
// page locations, a few per chunk).
func (ch *pqChunk) size() int {
	return cap(ch.buf) + cap(ch.raw) + cap(ch.lv) + cap(ch.dictRaw) + ch.page.size() + ch.dictVals.size() + 4*cap(ch.idx)
}

// pqChunkCan reports whether pqChunk decodes column chunk col of row group
// g of pf, a flat leaf of physical type kind with max definition level
// maxDef: from the chunk's codec and the encodings it lists.
func pqChunkCan(pf *pqFile, g, col int, kind parquet.Kind, maxDef int) bool {
	if kind != parquet.Int32 && kind != parquet.Int64 && kind != parquet.ByteArray || maxDef > 1 {
		return false
	}
	m := &pf.meta.RowGroups[g].Columns[col].MetaData
	switch m.Codec {
	case format.Uncompressed, format.Snappy, format.Gzip, format.Zstd, format.Lz4Raw:
	default:
		return false
	}
	if len(m.Encoding) == 0 {
		return false // nothing promised: parquet-go reads every encoding
	}
	for _, e := range m.Encoding {
		switch e {
		case format.Plain, format.PlainDictionary, format.RLE, format.RLEDictionary, format.BitPacked:
		case format.DeltaBinaryPacked:
			if kind == parquet.ByteArray {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// load reads column chunk col of row group g of pf (path names it in
// errors) through r, which counts the bytes read, checks its page headers
// and streams (pqFile.checkChunkPages), and decodes its dictionary page.
func (ch *pqChunk) load(pf *pqFile, r io.ReaderAt, g, col int, path string, kind parquet.Kind, maxDef int) error {
	m := &pf.meta.RowGroups[g].Columns[col].MetaData
	start := m.DataPageOffset
	if m.DictionaryPageOffset != 0 {
		start = m.DictionaryPageOffset
	}
	where := "row group " + strconv.Itoa(g) + " column " + path
	if start < 4 || start >= pf.dataEnd || m.TotalCompressedSize < 0 || m.TotalCompressedSize > pf.dataEnd-start {
		// Slow path: checkChunkPages names the fault.
		if err := pf.checkChunkPages(g, col, path, false); err != nil {
			return err
		}
		return &ParseError{Source: pf.source, Offset: start, Path: where, Err: fmt.Errorf("%w: column chunk outside the file's data", ErrCorrupt)}
	}
	n := int(m.TotalCompressedSize)
	if cap(ch.buf) < n {
		ch.buf = make([]byte, n)
	}
	ch.buf, ch.start = ch.buf[:n], start
	if _, err := r.ReadAt(ch.buf, start); err != nil {
		return &ParseError{Source: pf.source, Offset: start, Path: where, Err: fmt.Errorf("%w: cannot read a column chunk: %w", ErrTruncated, err)}
	}
	pf.mem, pf.memOff = ch.buf, start
	err := pf.checkChunkPages(g, col, path, false)
	pf.mem = nil
	if err != nil {
		return err
	}
	ch.locs = append(ch.locs[:0], pf.locs...)
	ch.next = 0
	ch.codec = parquet.LookupCompressionCodec(m.Codec)
	ch.kind, ch.isOptional = kind, maxDef == 1
	ch.rows, ch.hasDict, ch.dict = 0, false, encoding.Values{}
	if !pf.hasDict {
		return nil
	}
	loc := pf.dict
	if err := ch.decodeDict(loc); err != nil {
		return &ParseError{Source: pf.source, Offset: loc.off, Path: where + " dictionary page", Err: err}
	}
	return nil
}

// bytes returns the n bytes of the chunk at file offset off.
func (ch *pqChunk) bytes(off int64, n int) ([]byte, error) {
	i := off - ch.start
	if n < 0 || i < 0 || i+int64(n) > int64(len(ch.buf)) {
		return nil, fmt.Errorf("%w: page bytes %d-%d outside the column chunk", ErrCorrupt, off, off+int64(n))
	}
	return ch.buf[i : i+int64(n)], nil
}

// decompress returns the page body of loc decompressed into dst (or the
// body itself when it is not compressed), checking its size.
func (ch *pqChunk) decompress(dst []byte, loc pqPageLoc) ([]byte, []byte, error) {
	body, err := ch.bytes(loc.body, loc.n)
	if err != nil {
		return dst, nil, err
	}
	if loc.codec == format.Uncompressed {
		if int64(len(body)) != loc.expand {
			return dst, nil, fmt.Errorf("%w: page of %d bytes declares %d", ErrCorrupt, len(body), loc.expand)
		}
		return dst, body, nil
	}
	if int64(cap(dst)) < loc.expand {
		// checkChunkPages bounded expand by the compressed size.
		dst = make([]byte, 0, loc.expand)
	}
	out, err := ch.codec.Decode(dst[:0], body)
	if err != nil {
		return dst, nil, fmt.Errorf("%w: damaged page: %w", ErrCorrupt, err)
	}
	if int64(len(out)) != loc.expand {
		return out, nil, fmt.Errorf("%w: page decompresses to %d bytes, its header says %d", ErrCorrupt, len(out), loc.expand)
	}
	return out, out, nil
}

// pqValues holds the buffers a page's values are decoded into, kept from
// page to page: a data page's, or a dictionary's.
type pqValues struct {
	i32  []int32
	i64  []int64
	data []byte
	offs []uint32
}

// size returns the bytes of b's buffers.
func (b *pqValues) size() int {
	return 4*cap(b.i32) + 8*cap(b.i64) + cap(b.data) + 4*cap(b.offs)
}

// plain decodes src, PLAIN values of kind, into b's buffers.
func (b *pqValues) plain(kind parquet.Kind, src []byte) (v encoding.Values, err error) {
	switch kind {
	case parquet.Int32:
		b.i32, err = plainInt32s(b.i32, src)
		return encoding.Int32Values(b.i32), err
	case parquet.Int64:
		b.i64, err = plainInt64s(b.i64, src)
		return encoding.Int64Values(b.i64), err
	}
	b.data, b.offs, err = plainByteArrays(b.data, b.offs, src)
	return encoding.ByteArrayValues(b.data, b.offs), err
}

// decodeDict decodes the chunk's dictionary page loc (PLAIN values).
func (ch *pqChunk) decodeDict(loc pqPageLoc) (err error) {
	defer recoverPage(&err)
	if loc.enc != int32(format.Plain) && loc.enc != int32(format.PlainDictionary) {
		return fmt.Errorf("%w: dictionary page of %v values", ErrFormat, format.Encoding(loc.enc))
	}
	var src []byte
	ch.dictRaw, src, err = ch.decompress(ch.dictRaw, loc)
	if err != nil {
		return err
	}
	if ch.dict, err = ch.dictVals.plain(ch.kind, src); err != nil {
		return err
	}
	ch.hasDict = true
	ch.dictGen++
	return nil
}

// seekRow makes the data page holding row (of the row group) the one
// nextPage decodes next, and returns how many rows of that page come
// before row. The pages before it are never decompressed.
func (ch *pqChunk) seekRow(row int64) (int, error) {
	// The last page whose first row is at most row.
	i, _ := slices.BinarySearchFunc(ch.locs, row+1, func(l pqPageLoc, r int64) int { return cmp.Compare(l.first, r) })
	if i == 0 {
		return 0, fmt.Errorf("%w: no page of the column chunk holds row %d", ErrCorrupt, row)
	}
	i--
	if skip := row - ch.locs[i].first; skip >= int64(ch.locs[i].values) {
		return 0, fmt.Errorf("%w: no page of the column chunk holds row %d", ErrCorrupt, row)
	}
	ch.next = i
	return int(row - ch.locs[i].first), nil
}

// nextPage decodes the chunk's next data page; the fields of the current
// page hold it. It returns io.EOF after the last page.
func (ch *pqChunk) nextPage() (err error) {
	defer recoverPage(&err)
	if ch.next == len(ch.locs) {
		return io.EOF
	}
	loc := ch.locs[ch.next]
	ch.next++
	ch.rows, ch.defs, ch.isDict = int(loc.values), nil, false
	var src []byte
	switch loc.typ {
	case pqDataPage:
		ch.raw, src, err = ch.decompress(ch.raw, loc)
		if err != nil {
			return err
		}
		if ch.isOptional {
			if src, err = ch.levelsV1(src, loc); err != nil {
				return err
			}
		}
	case pqDataPageV2:
		if loc.defLen < 0 || loc.repLen < 0 {
			return fmt.Errorf("%w: page levels of %d and %d bytes", ErrCorrupt, loc.defLen, loc.repLen)
		}
		levels, err := ch.bytes(loc.at+int64(loc.repLen), int(loc.defLen))
		if err != nil {
			return err
		}
		if ch.isOptional {
			if ch.lv, err = decodeLevels(ch.lv[:0], levels, ch.rows, format.RLE); err != nil {
				return err
			}
			ch.defs = ch.lv
		}
		ch.raw, src, err = ch.decompress(ch.raw, loc)
		if err != nil {
			return err
		}
	default:
		return fmt.Errorf("%w: data page of type %d", ErrCorrupt, loc.typ)
	}
	switch format.Encoding(loc.enc) {
	case format.Plain:
		ch.vals, err = ch.page.plain(ch.kind, src)
	case format.DeltaBinaryPacked:
		b := &ch.page
		switch ch.kind {
		case parquet.Int32:
			b.i32, err = deltaInt32s(b.i32, src, int(loc.values))
			ch.vals = encoding.Int32Values(b.i32)
		case parquet.Int64:
			b.i64, err = deltaInt64s(b.i64, src, int(loc.values))
			ch.vals = encoding.Int64Values(b.i64)
		default:
			return fmt.Errorf("%w: data page of %v values in a column of %v", ErrFormat, format.Encoding(loc.enc), ch.kind)
		}
	case format.PlainDictionary, format.RLEDictionary:
		if !ch.hasDict {
			return fmt.Errorf("%w: dictionary-encoded page in a chunk without a dictionary page", ErrCorrupt)
		}
		ch.idx, err = dictIndexes(ch.idx, src)
		ch.vals, ch.isDict = encoding.Int32Values(ch.idx), true
	default:
		return fmt.Errorf("%w: data page of %v values in a chunk declaring %s", ErrFormat, format.Encoding(loc.enc), "PLAIN or dictionary encodings")
	}
	return err
}

// The decoders pqChunk uses, never changed: package variables, so that
// calling their methods does not allocate them.
var (
	pqLevelsRLE       = &rle.Encoding{BitWidth: 1}
	pqLevelsBitPacked = &bitpacked.Encoding{BitWidth: 1}
	pqDictIndexes     = &rle.DictionaryEncoding{}
	pqPlain           = &plain.Encoding{}
	pqDelta           = &delta.BinaryPackedEncoding{}
)

// recoverPage turns a panic of parquet-go's decoders on a damaged page
// (a run longer than its input) into an error wrapping ErrCorrupt, as
// readPage does: bad input must not crash hunt.
func recoverPage(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: damaged page: %v", ErrCorrupt, r)
	}
}

// levelsV1 decodes the definition levels at the start of src, the body
// of a v1 data page, and returns the values after them.
func (ch *pqChunk) levelsV1(src []byte, loc pqPageLoc) ([]byte, error) {
	var err error
	switch format.Encoding(loc.defEnc) {
	case format.RLE:
		if len(src) < 4 {
			return nil, fmt.Errorf("%w: page of %d bytes has no definition levels", ErrCorrupt, len(src))
		}
		n := int(uint32(src[0]) | uint32(src[1])<<8 | uint32(src[2])<<16 | uint32(src[3])<<24)
		if n < 0 || n > len(src)-4 {
			return nil, fmt.Errorf("%w: definition levels of %d bytes in a page of %d", ErrCorrupt, n, len(src))
		}
		ch.lv, err = decodeLevels(ch.lv[:0], src[4:4+n], ch.rows, format.RLE)
		ch.defs = ch.lv
		return src[4+n:], err
	case format.BitPacked:
		n := (ch.rows + 7) / 8
		if n > len(src) {
			return nil, fmt.Errorf("%w: definition levels of %d bytes in a page of %d", ErrCorrupt, n, len(src))
		}
		ch.lv, err = decodeLevels(ch.lv[:0], src[:n], ch.rows, format.BitPacked)
		ch.defs = ch.lv
		return src[n:], err
	}
	return nil, fmt.Errorf("%w: definition levels in %v", ErrFormat, format.Encoding(loc.defEnc))
}

// decodeLevels decodes the rows definition levels (bit width 1) of src
// into dst, in enc (RLE or BIT_PACKED): at least rows levels.
func decodeLevels(dst, src []byte, rows int, enc format.Encoding) ([]byte, error) {
	var err error
	if enc == format.RLE {
		dst, err = pqLevelsRLE.DecodeLevels(dst, src)
	} else {
		dst, err = pqLevelsBitPacked.DecodeLevels(dst, src)
	}
	if err != nil {
		return dst, fmt.Errorf("%w: definition levels: %w", ErrCorrupt, err)
	}
	if len(dst) < rows {
		return dst, fmt.Errorf("%w: page of %d values has %d definition levels", ErrCorrupt, rows, len(dst))
	}
	// Levels of one bit are 0 or 1: nothing more to check.
	return dst[:rows], nil
}

// dictIndexes decodes the dictionary indexes of src (a bit width, then
// RLE/bit-packed runs) into dst.
func dictIndexes(dst []int32, src []byte) ([]int32, error) {
	if len(src) > 0 && src[0] > 32 {
		return dst[:0], fmt.Errorf("%w: dictionary indexes of %d bits", ErrCorrupt, src[0])
	}
	dst, err := pqDictIndexes.DecodeInt32(dst[:0], src)
	if err != nil {
		return dst, fmt.Errorf("%w: dictionary indexes: %w", ErrCorrupt, err)
	}
	return dst, nil
}

// plainInt32s decodes the PLAIN integers of src into dst.
func plainInt32s(dst []int32, src []byte) ([]int32, error) {
	dst, err := pqPlain.DecodeInt32(dst[:0], src)
	if err != nil {
		return dst[:0], fmt.Errorf("%w: PLAIN integers: %w", ErrCorrupt, err)
	}
	return dst, nil
}

// plainInt64s decodes the PLAIN integers of src into dst.
func plainInt64s(dst []int64, src []byte) ([]int64, error) {
	dst, err := pqPlain.DecodeInt64(dst[:0], src)
	if err != nil {
		return dst[:0], fmt.Errorf("%w: PLAIN integers: %w", ErrCorrupt, err)
	}
	return dst, nil
}

// plainByteArrays decodes the PLAIN byte arrays of src (each a 4-byte
// length, then its bytes) into data and offsets.
//
// It is parquet-go's DecodeByteArray in one loop that copies each value
// of at most 16 bytes (addresses, ports as text, actions) as one 16-byte
// move into data, sized for it beforehand, instead of a call per value:
// a dictionary page of addresses has tens of thousands. A value whose
// length runs past src is an error (parquet-go's decoder panicked on
// some).
func plainByteArrays(data []byte, offs []uint32, src []byte) ([]byte, []uint32, error) {
	// The values take at most len(src) bytes; 16 more let the last be
	// moved whole.
	if cap(data) < len(src)+16 {
		data = make([]byte, len(src)+16)
	}
	data = data[:cap(data)]
	offs = offs[:0]
	j := 0
	for i := 0; i < len(src); {
		if len(src)-i < 4 {
			return data[:j], offs, fmt.Errorf("%w: PLAIN byte arrays: %w", ErrCorrupt, plain.ErrTooShort(len(src)))
		}
		n := int(binary.LittleEndian.Uint32(src[i:]))
		i += 4
		if n > len(src)-i {
			return data[:j], offs, fmt.Errorf("%w: PLAIN byte arrays: %w", ErrCorrupt, plain.ErrTooShort(len(src)))
		}
		offs = append(offs, uint32(j))
		if n <= 16 && i+16 <= len(src) {
			// Fast path: one 16-byte move; the bytes past n are
			// overwritten by the next value or cut off below.
			*(*[16]byte)(data[j:]) = *(*[16]byte)(src[i:])
		} else {
			copy(data[j:], src[i:i+n])
		}
		j += n
		i += n
	}
	return data[:j], append(offs, uint32(j)), nil
}

// deltaInt32s decodes the DELTA_BINARY_PACKED integers of src, a page of
// at most most values, into dst. The count in the stream's header is
// checked first: the decoder sizes its output by it.
func deltaInt32s(dst []int32, src []byte, most int) ([]int32, error) {
	if err := checkDeltaCount(src, most); err != nil {
		return dst[:0], err
	}
	dst, err := pqDelta.DecodeInt32(dst[:0], src)
	if err != nil {
		return dst[:0], fmt.Errorf("%w: DELTA_BINARY_PACKED integers: %w", ErrCorrupt, err)
	}
	return dst, nil
}

// deltaInt64s is deltaInt32s for 64-bit integers.
func deltaInt64s(dst []int64, src []byte, most int) ([]int64, error) {
	if err := checkDeltaCount(src, most); err != nil {
		return dst[:0], err
	}
	dst, err := pqDelta.DecodeInt64(dst[:0], src)
	if err != nil {
		return dst[:0], fmt.Errorf("%w: DELTA_BINARY_PACKED integers: %w", ErrCorrupt, err)
	}
	return dst, nil
}

// checkDeltaCount checks the header of a DELTA_BINARY_PACKED stream (block
// size, miniblocks per block, value count as ULEB128 varints): at most
// most values, what the page holds.
func checkDeltaCount(src []byte, most int) error {
	var u [3]uint64
	for i := range u {
		x, n := binary.Uvarint(src)
		if n <= 0 {
			return fmt.Errorf("%w: DELTA_BINARY_PACKED header cut short", ErrCorrupt)
		}
		u[i], src = x, src[n:]
	}
	if u[2] > uint64(most) {
		return fmt.Errorf("%w: DELTA_BINARY_PACKED stream of %d values in a page of %d", ErrCorrupt, u[2], most)
	}
	return nil
}

// pqRecycleMax is how many released buffers a [pqRecycler] keeps: the
// indices and validity of a few batches of every flat column.
const pqRecycleMax = 64

// pqRecycler allocates the buffers of a Parquet reader's batches that
// hold no text: dictionary indices and validity bits. A buffer of a batch
// its consumers have released (Arrow frees it when the last reference
// goes) is kept and handed out again, cleared, for a buffer of the same
// size: a file's batches reuse a few buffers instead of allocating each
// anew. During a query the collector rarely runs, so a fresh buffer is
// fresh memory, a page fault per 4 KiB; 16 KiB of dictionary indices per
// column and batch made flowCol.newArray ~10 % of the CPU of a count(*)
// GROUP BY eventname.
//
// Releasing a batch ends its consumers' use of its memory (Arrow's
// contract; the engine reads a batch only while it is pushed). Text is
// left out all the same: strings viewed in a batch's values are easily
// kept past its release (tests did), which the Go allocator forgives.
// Buffers are kept only while the reader is open (close hands them back
// to mem, and so do frees after it), at most pqRecycleMax of them. Safe
// for concurrent use: a consumer may release a batch on another
// goroutine.
type pqRecycler struct {
	mem    memory.Allocator
	mu     sync.Mutex // guards what follows
	free   [][]byte   // released buffers, each as it was allocated
	closed bool
}

func (r *pqRecycler) Allocate(size int) []byte {
	r.mu.Lock()
	for i := len(r.free) - 1; i >= 0; i-- {
		if b := r.free[i]; len(b) == size {
			// Fast path: a buffer of a released batch.
			last := len(r.free) - 1
			r.free[i], r.free[last] = r.free[last], nil
			r.free = r.free[:last]
			r.mu.Unlock()
			clear(b)
			return b
		}
	}
	r.mu.Unlock()
	return r.mem.Allocate(size)
}

func (r *pqRecycler) Reallocate(size int, b []byte) []byte { return r.mem.Reallocate(size, b) }

func (r *pqRecycler) Free(b []byte) {
	r.mu.Lock()
	if !r.closed && len(b) > 0 && len(r.free) < pqRecycleMax {
		r.free = append(r.free, b)
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	r.mem.Free(b)
}

// close hands the kept buffers back to mem; buffers freed after it go
// straight there.
func (r *pqRecycler) close() {
	r.mu.Lock()
	free := r.free
	r.free, r.closed = nil, true
	r.mu.Unlock()
	for _, b := range free {
		r.mem.Free(b)
	}
}

// maxIndex returns the largest of dictionary indexes idx as unsigned (a
// negative one is larger than any dictionary's size), 0 for none: four
// running maximums without a branch per index, then the tail. Checking
// every dictionary page's indexes against its dictionary took 1.5 % of
// a flow query over Parquet with one maximum (a chain of dependent
// compares).
func maxIndex(idx []int32) uint32 {
	var h0, h1, h2, h3 uint32
	i := 0
	for ; i+4 <= len(idx); i += 4 {
		q := idx[i : i+4 : i+4]
		h0 = max(h0, uint32(q[0]))
		h1 = max(h1, uint32(q[1]))
		h2 = max(h2, uint32(q[2]))
		h3 = max(h3, uint32(q[3]))
	}
	for _, x := range idx[i:] {
		h0 = max(h0, uint32(x))
	}
	return max(h0, h1, h2, h3)
}
