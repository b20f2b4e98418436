package parsers

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/bloom"
	"github.com/parquet-go/parquet-go/format"
)

// This file checks what a Parquet file claims before parquet-go believes
// it. parquet-go sizes its buffers from the file's metadata: the footer
// length, the lengths and list sizes inside the Thrift footer and page
// headers, the page sizes and value counts, a compressed stream's declared
// output. A few hostile bytes claiming gigabytes would make it allocate
// them (a 37 KB file claiming a 4 GiB footer killed hunt with "fatal error:
// out of memory"). Every such claim is checked against the bytes the file
// really has, so what a reader allocates is bounded by the file's size, and
// a false claim is a positioned [ParseError] wrapping [ErrCorrupt].

// Limits on what a Parquet file may claim, relative to its size.
const (
	// pqMaxRowsPerByte bounds a file's rows by its size: real rows of the
	// vpc_flow and cloudtrail tables take tens to thousands of bytes, and
	// only a column of nulls or repeats compresses below one byte a row.
	pqMaxRowsPerByte = 64
	// pqMaxRatio bounds a page's uncompressed size by its compressed size:
	// deflate cannot do better than 1032:1 and real pages stay far below.
	pqMaxRatio = 1024
	// pqSlack is added to the bounds above, so small files are not held to
	// a ratio meant for large ones.
	pqSlack = 1 << 20
	// pqStructCost is what decoding one Thrift struct may allocate (the
	// largest, format.ColumnChunk, is 560 bytes), for the footer budget.
	pqStructCost = 576
	// pqMaxThriftDepth bounds Thrift nesting; Parquet metadata nests
	// about six levels.
	pqMaxThriftDepth = 32
)

// pqFile is an opened Parquet file with the facts the checks need.
type pqFile struct {
	// f is the file opened by parquet-go, nil until file opens it; fErr
	// its error. meta is the footer decoded (decodeFooter), root its
	// schema (nil when not plain: f is then opened with the file).
	f       *parquet.File
	fErr    error
	fr      *pqFooterReader
	meta    format.FileMetaData
	root    *pqSchemaNode
	r       io.ReaderAt // the file, not counted in Stats (headers are re-read)
	size    int64
	dataEnd int64 // offset of the footer: column chunks end before it
	source  string
	// win holds the file's bytes at winOff: the page header, or the
	// compressed stream's headers, being checked. Each ReadAt may be a
	// ranged GET, so reads are at least pqWindow bytes and served from
	// win when they fall inside it.
	win    []byte
	winOff int64
	// locs are the data pages of the chunk checkChunk last walked, in
	// order (see skippablePages), and dict its dictionary page (hasDict).
	locs    []pqPageLoc
	dict    pqPageLoc
	hasDict bool
	// mem, when set, holds the file's bytes at memOff (a column chunk
	// read whole, pqChunk): bytesAt serves reads inside it from memory.
	mem    []byte
	memOff int64
	// Buffers of dictionaryLacks, kept from row group to row group: the
	// dictionary page as stored, decompressed, and its values.
	dictBuf, dictRaw []byte
	dictVals         pqValues
}

// pqPageLoc is a data page of a flat column chunk: where its header
// starts, the first row (of the row group) it holds, and its compressed
// stream for checkPage.
type pqPageLoc struct {
	off    int64
	first  int64
	codec  format.CompressionCodec
	at     int64 // offset of the page's body, for errors
	body   int64 // offset of the compressed stream (after v2 levels)
	n      int   // its bytes
	expand int64 // the bytes it declares it decodes to (the page's size)
	// What pqChunk decodes it with: the header's page type, values
	// (nulls included), values encoding, definition-level encoding (v1)
	// and level byte lengths (v2, before body).
	typ            int32
	values         int32
	enc, defEnc    int32
	defLen, repLen int32
}

// pqWindow is the least a check reads at once: a page header and the
// start of its compressed stream.
const pqWindow = 1 << 10

// bytesAt returns the n bytes of the file at off, which lie before end,
// from the window or a read of at least least bytes (up to end). The
// result is valid until the next call.
func (pf *pqFile) bytesAt(off int64, n int, end int64, least int) ([]byte, error) {
	if off >= pf.memOff && off+int64(n) <= pf.memOff+int64(len(pf.mem)) {
		return pf.mem[off-pf.memOff:][:n], nil
	}
	if off >= pf.winOff && off+int64(n) <= pf.winOff+int64(len(pf.win)) {
		return pf.win[off-pf.winOff:][:n], nil
	}
	k := int(min(int64(max(n, least)), end-off))
	if k < n {
		return nil, io.ErrUnexpectedEOF
	}
	if cap(pf.win) < k {
		pf.win = make([]byte, k)
	}
	pf.win, pf.winOff = pf.win[:k], off
	if _, err := pf.r.ReadAt(pf.win, off); err != nil {
		pf.win = pf.win[:0]
		return nil, err
	}
	return pf.win[:n], nil
}

// openParquet opens the Parquet file r of size bytes (parquet-go reads it
// through counted, which counts the bytes for Stats) after checking its
// footer: the magic bytes, a footer length the file can hold, and Thrift
// metadata whose lengths and list sizes fit in the footer, within an
// allocation budget proportional to the file's size. It then checks the
// row counts. Errors are [*ParseError]s naming source.
//
// parquet-go opens the file at once (pf.f), after the checks' walk of the
// footer, and pf.meta is its metadata: for readers that go through
// parquet-go's schema. openParquetLazy decodes the footer itself instead.
func openParquet(r, counted io.ReaderAt, size int64, source string) (*pqFile, error) {
	return openParquetWith(r, counted, size, source, true)
}

// openParquetLazy is openParquet with the footer decoded by decodeFooter
// and the schema built by buildSchema (pf.root); parquet-go opens the file
// only when a reader first needs it (pqFile.file), or at once for a schema
// that is not plain. Errors are those of openParquet.
func openParquetLazy(r, counted io.ReaderAt, size int64, source string) (*pqFile, error) {
	return openParquetWith(r, counted, size, source, false)
}

func openParquetWith(r, counted io.ReaderAt, size int64, source string, eager bool) (*pqFile, error) {
	fail := func(off int64, path string, class error, expected, found string) error {
		return &ParseError{Source: source, Offset: off, Path: path, Err: errExpected(class, expected, found)}
	}
	if size < 12 {
		return nil, fail(0, "", ErrFormat, "a Parquet file (PAR1 ... PAR1)", strconv.FormatInt(size, 10)+" bytes")
	}
	// The head, tail and footer are read once, through counted (parquet-go
	// read them there before), and parquet-go's reads of them are served
	// from memory (pqFooterReader): on S3 each read is a ranged GET.
	fr := &pqFooterReader{r: counted}
	head, tail := fr.head[:], fr.tail[:]
	if _, err := counted.ReadAt(head, 0); err != nil {
		return nil, &ParseError{Source: source, Err: fmt.Errorf("%w: cannot read: %w", ErrTruncated, err)}
	}
	if _, err := counted.ReadAt(tail, size-8); err != nil {
		return nil, &ParseError{Source: source, Offset: size - 8, Err: fmt.Errorf("%w: cannot read: %w", ErrTruncated, err)}
	}
	if string(head[:4]) != "PAR1" {
		return nil, fail(0, "", ErrFormat, `a Parquet file (magic "PAR1")`, quoteFound(head[:4]))
	}
	if string(tail[4:]) != "PAR1" {
		return nil, fail(size-4, "", ErrFormat, `a Parquet file (magic "PAR1" at the end)`, quoteFound(tail[4:]))
	}
	footerLen := int64(binary.LittleEndian.Uint32(tail[:4]))
	if footerLen > size-12 {
		return nil, fail(size-8, "footer length", ErrCorrupt,
			"at most "+strconv.FormatInt(size-12, 10)+" bytes (what the file holds)", strconv.FormatInt(footerLen, 10))
	}
	dataEnd := size - 8 - footerLen
	footer := make([]byte, footerLen)
	if _, err := counted.ReadAt(footer, dataEnd); err != nil {
		return nil, &ParseError{Source: source, Offset: dataEnd, Path: "footer", Err: fmt.Errorf("%w: cannot read: %w", ErrTruncated, err)}
	}
	pf := &pqFile{r: r, size: size, dataEnd: dataEnd, source: source, fr: fr}
	fr.footer, fr.dataEnd, fr.size = footer, dataEnd, size
	md := &pf.meta
	if eager {
		// parquet-go decodes the footer after the checks' walk, and
		// pf.meta is its metadata; decodeFooter only names a fault.
		tc := thriftCheck{b: footer, limit: len(footer), budget: max(64<<20, 16*size)}
		err := tc.walkStruct(0, 0)
		if err != nil {
			err = tc.parseError(err, source, dataEnd, "footer")
		} else {
			var f *parquet.File
			if f, err = pf.file(); err == nil {
				pf.meta = *f.Metadata()
			}
		}
		if err != nil {
			// Slow path: decodeFooter names the field at fault, and
			// checkRowGroups the row group parquet-go's own checks of
			// the metadata refused, as a lazy opening says it.
			var md format.FileMetaData
			if derr := decodeFooter(footer, size, source, dataEnd, &md); derr != nil {
				return nil, derr
			}
			if cerr := checkRowGroups(&md, size, source, dataEnd); cerr != nil {
				return nil, cerr
			}
			return nil, err
		}
	} else if err := decodeFooter(footer, size, source, dataEnd, md); err != nil {
		return nil, err
	}
	if err := checkRowGroups(md, size, source, dataEnd); err != nil {
		return nil, err
	}
	if eager {
		// pf.f reads the schema.
	} else if pf.root = buildSchema(md); pf.root == nil {
		// Not a plain schema: parquet-go reads it (and says what is
		// wrong with it).
		if _, err := pf.file(); err != nil {
			return nil, err
		}
	}
	leaves := -1
	for g, rg := range md.RowGroups {
		if leaves < 0 {
			leaves = pf.numLeaves()
		}
		if len(rg.Columns) != leaves {
			return nil, fail(dataEnd, "row group "+strconv.Itoa(g), ErrCorrupt,
				strconv.Itoa(leaves)+" column chunks (the schema's leaves)", strconv.Itoa(len(rg.Columns)))
		}
	}
	return pf, nil
}

// checkRowGroups checks what parquet-go checks of a file's metadata when
// it opens one, so that a file opened lazily (parquet-go not asked) is
// refused where an eager opening is, with the same error: row groups'
// ordinals are all zero (then set to their positions, as parquet-go sets
// them) or their positions; row counts are not negative, nor more than
// the file's size can hold, and the file's is their sum.
func checkRowGroups(md *format.FileMetaData, size int64, source string, dataEnd int64) error {
	fail := func(g int, expected, found string) error {
		return &ParseError{Source: source, Offset: dataEnd, Path: "row group " + strconv.Itoa(g), Err: errExpected(ErrCorrupt, expected, found)}
	}
	zero := true
	for _, rg := range md.RowGroups {
		zero = zero && rg.Ordinal == 0
	}
	for g := range md.RowGroups {
		if rg := &md.RowGroups[g]; zero {
			rg.Ordinal = int16(g)
		} else if int(rg.Ordinal) != g {
			return fail(g, "ordinal "+strconv.Itoa(g)+" (its position)", strconv.Itoa(int(rg.Ordinal)))
		}
	}
	maxRows := pqMaxRowsPerByte*size + pqSlack
	var rows int64
	for g, rg := range md.RowGroups {
		if rg.NumRows < 0 || rg.NumRows > maxRows-rows {
			return fail(g, "at most "+strconv.FormatInt(maxRows, 10)+" rows in all (what "+strconv.FormatInt(size, 10)+" bytes can hold)",
				strconv.FormatInt(rg.NumRows, 10)+" rows after "+strconv.FormatInt(rows, 10))
		}
		rows += rg.NumRows
	}
	if md.NumRows != rows {
		return &ParseError{Source: source, Offset: dataEnd, Path: "footer", Err: errExpected(ErrCorrupt,
			strconv.FormatInt(rows, 10)+" rows (the row groups' sum)", strconv.FormatInt(md.NumRows, 10))}
	}
	return nil
}

// file returns the file opened by parquet-go, opening it the first time:
// for the readers' paths that read pages, statistics or bloom filters
// through parquet-go, and for files whose schema is not plain. Its
// metadata is pf.meta decoded again.
func (pf *pqFile) file() (*parquet.File, error) {
	if pf.f != nil || pf.fErr != nil {
		return pf.f, pf.fErr
	}
	f, err := openFile(pf.fr, pf.size)
	pf.fr.footer = nil // parquet-go decodes a copy; later reads are of pages
	if err != nil {
		pf.fErr = &ParseError{Source: pf.source, Offset: pf.dataEnd, Path: "footer", Err: fmt.Errorf("%w: expected a Parquet file: %w", ErrFormat, err)}
		return nil, pf.fErr
	}
	pf.f = f
	return f, nil
}

// numLeaves returns how many leaf columns the schema has.
func (pf *pqFile) numLeaves() int {
	if pf.root == nil {
		return len(pf.f.Schema().Columns())
	}
	n := 0
	for i := range pf.meta.Schema {
		if pf.meta.Schema[i].Type.Valid {
			n++
		}
	}
	return n
}

// lookup returns the value of key in the file's key-value metadata.
func (pf *pqFile) lookup(key string) (string, bool) {
	return lookupKeyValue(pf.meta.KeyValueMetadata, key)
}

// chunkOf returns parquet-go's column chunk col of row group g, opening
// the file (pf.file) if need be.
func (pf *pqFile) chunkOf(g, col int) (*parquet.FileColumnChunk, error) {
	f, err := pf.file()
	if err != nil {
		return nil, err
	}
	c, ok := f.RowGroups()[g].ColumnChunks()[col].(*parquet.FileColumnChunk)
	if !ok {
		return nil, &ParseError{Source: pf.source, Offset: pf.dataEnd, Path: "row group " + strconv.Itoa(g), Err: fmt.Errorf("%w: column chunk %d is not in the file", ErrFormat, col)}
	}
	return c, nil
}

// pqFooterReader is the file as parquet-go reads it: its reads of the
// magic bytes and the footer, which openParquet has read, are served
// from memory; every other read goes to r.
type pqFooterReader struct {
	r       io.ReaderAt
	head    [4]byte // the file's first bytes
	tail    [8]byte // its last: footer length and magic
	footer  []byte  // the footer, at dataEnd; nil once the file is open
	dataEnd int64
	size    int64
}

func (fr *pqFooterReader) ReadAt(b []byte, off int64) (int, error) {
	end := off + int64(len(b))
	switch {
	case off >= 0 && end <= int64(len(fr.head)):
		return copy(b, fr.head[off:]), nil
	case fr.footer != nil && off >= fr.dataEnd && end <= fr.dataEnd+int64(len(fr.footer)):
		return copy(b, fr.footer[off-fr.dataEnd:]), nil
	case fr.footer != nil && off >= fr.size-8 && end <= fr.size:
		return copy(b, fr.tail[off-(fr.size-8):]), nil
	}
	return fr.r.ReadAt(b, off)
}

// checkChunk checks column chunk col of row group g before its pages are
// read: its byte range lies in the file's data, its value count is what the
// file can hold, and each page header (walked without decoding a value)
// claims sizes and counts that fit: a page within the chunk, an
// uncompressed size at most pqMaxRatio times the compressed one, a
// compressed stream declaring no more than that, at most the chunk's values.
func (pf *pqFile) checkChunk(g, col int, path string) error {
	return pf.checkChunkPages(g, col, path, false)
}

// checkChunkPages is checkChunk; with lazy, the compressed streams of the
// data pages are not checked (their headers are): the caller checks each
// page (checkPage on pf.locs) before it is read, and may skip pages.
func (pf *pqFile) checkChunkPages(g, col int, path string, lazy bool) error {
	cc := &pf.meta.RowGroups[g].Columns[col]
	m := &cc.MetaData
	where := "row group " + strconv.Itoa(g) + " column " + path
	start := m.DataPageOffset
	if m.DictionaryPageOffset != 0 { // where parquet-go starts reading
		start = m.DictionaryPageOffset
	}
	fail := func(off int64, class error, expected, found string) error {
		return &ParseError{Source: pf.source, Offset: off, Path: where, Err: errExpected(class, expected, found)}
	}
	if start < 4 || start >= pf.dataEnd || m.TotalCompressedSize < 0 || m.TotalCompressedSize > pf.dataEnd-start {
		return fail(pf.dataEnd, ErrCorrupt, "a column chunk within bytes 4-"+strconv.FormatInt(pf.dataEnd, 10),
			strconv.FormatInt(m.TotalCompressedSize, 10)+" bytes at offset "+strconv.FormatInt(start, 10))
	}
	maxValues := pqMaxRowsPerByte*pf.size + pqSlack
	if m.NumValues < 0 || m.NumValues > maxValues {
		return fail(start, ErrCorrupt, "at most "+strconv.FormatInt(maxValues, 10)+" values (what the file can hold)", strconv.FormatInt(m.NumValues, 10))
	}
	if m.Codec == format.Brotli {
		return fail(start, ErrFormat, "a codec whose output can be bounded (UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW)", "BROTLI")
	}
	end := start + m.TotalCompressedSize
	pf.locs, pf.hasDict = pf.locs[:0], false
	var rows int64
	for off := start; off < end; {
		var ph pageHeader
		n, err := pf.readPageHeader(off, end, &ph)
		if err != nil {
			return &ParseError{Source: pf.source, Offset: off, Path: where, Err: err}
		}
		body := off + int64(n)
		switch {
		case ph.compressed < 0 || int64(ph.compressed) > end-body:
			return fail(off, ErrCorrupt, "a page of at most "+strconv.FormatInt(end-body, 10)+" bytes (the rest of the chunk)",
				strconv.Itoa(int(ph.compressed))+" bytes")
		case ph.uncompressed < 0 || int64(ph.uncompressed) > pqMaxRatio*int64(ph.compressed)+pqSlack:
			return fail(off, ErrCorrupt, "an uncompressed page of at most "+strconv.FormatInt(pqMaxRatio*int64(ph.compressed)+pqSlack, 10)+
				" bytes ("+strconv.Itoa(pqMaxRatio)+" times its "+strconv.Itoa(int(ph.compressed))+" compressed bytes)", strconv.Itoa(int(ph.uncompressed))+" bytes")
		case ph.values < 0 || int64(ph.values) > m.NumValues:
			return fail(off, ErrCorrupt, "at most "+strconv.FormatInt(m.NumValues, 10)+" values (the chunk's)", strconv.Itoa(int(ph.values))+" values")
		case ph.dictValues < 0 || int64(ph.dictValues) > 8*int64(ph.uncompressed)+8:
			return fail(off, ErrCorrupt, "a dictionary of at most "+strconv.FormatInt(8*int64(ph.uncompressed)+8, 10)+" values (what its page holds)",
				strconv.Itoa(int(ph.dictValues))+" values")
		case ph.nulls < 0 || ph.nulls > ph.values:
			return fail(off, ErrCorrupt, "at most "+strconv.Itoa(int(ph.values))+" nulls (the page's values)", strconv.Itoa(int(ph.nulls)))
		case ph.rows < 0 || ph.rows > ph.values:
			return fail(off, ErrCorrupt, "at most "+strconv.Itoa(int(ph.values))+" rows (the page's values)", strconv.Itoa(int(ph.rows)))
		case ph.levels < 0 || ph.levels > ph.compressed || ph.levels > ph.uncompressed:
			return fail(off, ErrCorrupt, "levels of at most "+strconv.Itoa(int(ph.compressed))+" bytes (the page's)", strconv.Itoa(int(ph.levels))+" bytes")
		}
		codec := m.Codec
		if ph.raw {
			codec = format.Uncompressed
		}
		loc := pqPageLoc{off: off, first: rows, codec: codec, at: body, body: body + int64(ph.levels), n: int(ph.compressed - ph.levels), expand: int64(ph.uncompressed - ph.levels),
			typ: ph.typ, values: ph.values, enc: ph.enc, defEnc: ph.defEnc, defLen: ph.defLen, repLen: ph.repLen}
		isData := true
		switch ph.typ {
		case pqDataPage:
			// A flat column's (the only ones skippablePages uses):
			// a row per value.
			rows += int64(ph.values)
		case pqDataPageV2:
			rows += int64(ph.rows)
		default:
			isData = false
		}
		if isData {
			pf.locs = append(pf.locs, loc)
		} else if ph.typ == pqDictionaryPage && !pf.hasDict {
			loc.values = ph.dictValues
			pf.dict, pf.hasDict = loc, true
		}
		if !lazy || !isData {
			if err := pf.checkStream(loc.codec, loc.body, loc.n, loc.expand); err != nil {
				return &ParseError{Source: pf.source, Offset: body, Path: where, Err: err}
			}
		}
		off = body + int64(ph.compressed)
	}
	return nil
}

// checkPage checks the compressed stream of data page loc of column
// chunk col of row group g (path names it), which checkChunkPages left
// unchecked (lazy), before it is read.
func (pf *pqFile) checkPage(g int, path string, loc pqPageLoc) error {
	if err := pf.checkStream(loc.codec, loc.body, loc.n, loc.expand); err != nil {
		return &ParseError{Source: pf.source, Offset: loc.at, Path: "row group " + strconv.Itoa(g) + " column " + path, Err: err}
	}
	return nil
}

// skippablePages returns the data pages of column chunk col of row group
// g, which checkChunk walked last, and its page reader positioned to read
// them in order, when the reader can seek to any of them without reading
// the pages before (FilePages.SeekToRow): the file's offset index for the
// chunk must fit in the file (checked as the footer is before parquet-go
// decodes it) and name exactly the pages the walk found, at the same
// offsets and first rows. Otherwise nil: the chunk is read page by page.
// The column must be flat (a row per value).
func (pf *pqFile) skippablePages(g, col int, pages parquet.Pages) ([]pqPageLoc, *parquet.FilePages) {
	fp, ok := pages.(*parquet.FilePages)
	cc := &pf.meta.RowGroups[g].Columns[col]
	off, n := cc.OffsetIndexOffset, int64(cc.OffsetIndexLength)
	if !ok || len(pf.locs) < 2 || off < 4 || n <= 0 || n > pf.dataEnd-off {
		return nil, nil
	}
	b, err := pf.bytesAt(off, int(n), pf.dataEnd, pqWindow)
	if err != nil {
		return nil, nil
	}
	tc := thriftCheck{b: b, limit: int(n), budget: 64*n + 1<<16}
	if tc.walkStruct(0, 0) != nil || tc.i != int(n) {
		return nil, nil
	}
	// parquet-go's page reader seeks by the chunk's offset index, which
	// it decodes here (and keeps) for the first time.
	c, err := pf.chunkOf(g, col)
	if err != nil || !offsetIndexIs(c, pf.locs) {
		return nil, nil
	}
	return pf.locs, fp
}

// offsetIndexIs reports whether chunk c's offset index names the pages
// locs, as parquet-go decodes it (and keeps it, for its page reader's
// seeks); false for an index parquet-go fails (or panics) to decode.
func offsetIndexIs(c *parquet.FileColumnChunk, locs []pqPageLoc) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	idx, err := c.OffsetIndex()
	if err != nil || idx.NumPages() != len(locs) {
		return false
	}
	for i, l := range locs {
		if idx.Offset(i) != l.off || idx.FirstRowIndex(i) != l.first {
			return false
		}
	}
	return true
}

// hasBloomFilter reports whether column chunk col of row group g has a
// bloom filter parquet-go can read without allocating more than the file
// holds: a header within the data whose bitset fits after it, not
// compressed. A filter failing that is not used (it prunes nothing).
func (pf *pqFile) hasBloomFilter(g, col int) bool {
	_, _, _, ok := pf.bloomFilter(g, col)
	return ok
}

// bloomFilter returns where the bitset of the bloom filter of column
// chunk col of row group g starts and its length, and whether its header
// names the split-block algorithm and xxHash (the filters parquet-go
// checks); ok is false when the chunk has no filter hasBloomFilter
// accepts.
func (pf *pqFile) bloomFilter(g, col int) (bits, numBytes int64, splitXX, ok bool) {
	off := pf.meta.RowGroups[g].Columns[col].MetaData.BloomFilterOffset
	if off < 4 || off >= pf.dataEnd {
		return 0, 0, false, false
	}
	n := int(min(pf.dataEnd-off, pqWindow))
	b, err := pf.bytesAt(off, n, pf.dataEnd, pqWindow)
	if err != nil {
		return 0, 0, false, false
	}
	tc := thriftCheck{b: b, limit: n, budget: 1 << 16}
	if tc.walkStruct(0, 0) != nil {
		return 0, 0, false, false
	}
	numBytes, uncompressed, split, xx := int64(-1), false, false, false
	for _, v := range tc.ints[:tc.nints] {
		switch v.path {
		case 1:
			numBytes = v.v
		case 2<<8 | 1:
			split = true
		case 3<<8 | 1:
			xx = true
		case 4<<8 | 1:
			uncompressed = true
		}
	}
	if !uncompressed || numBytes < 0 || numBytes > pf.dataEnd-off-int64(tc.i) {
		return 0, 0, false, false
	}
	return off + int64(tc.i), numBytes, split && xx, true
}

// openFile is parquet.OpenFile, with a panic of parquet-go on metadata its
// checks let through (a schema whose children counts do not add up) turned
// into an error wrapping ErrCorrupt.
func openFile(r io.ReaderAt, size int64) (f *parquet.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("%w: damaged metadata: %v", ErrCorrupt, r)
		}
	}()
	return parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
}

// kindOf returns the physical type of leaf node n, and false for a leaf
// whose annotation parquet-go cannot give one for (a leaf annotated MAP or
// LIST, on which Kind panics).
func kindOf(n parquet.Node) (k parquet.Kind, ok bool) {
	defer func() {
		if recover() != nil {
			k, ok = 0, false
		}
	}()
	return n.Type().Kind(), true
}

// kindName names the physical type of leaf node n for messages.
func kindName(n parquet.Node) string {
	if k, ok := kindOf(n); ok {
		return k.String()
	}
	return "a leaf of no physical type (" + n.Type().String() + ")"
}

// readPage is pages.ReadPage, with a panic of parquet-go on a page its
// checks let through (a count out of range deep in a decoder) turned into
// an error: bad input must not crash hunt.
func readPage(pages parquet.Pages) (pg parquet.Page, err error) {
	defer func() {
		if r := recover(); r != nil {
			pg, err = nil, fmt.Errorf("%w: damaged page: %v", ErrCorrupt, r)
		}
	}()
	return pages.ReadPage()
}

// readDictionary returns the dictionary of a column chunk's pages, read
// without the first data page when parquet-go can (its FilePages), with a
// panic turned into an error as in readPage; nil for a chunk without one.
func readDictionary(pages parquet.Pages) (dict parquet.Dictionary, err error) {
	defer func() {
		if r := recover(); r != nil {
			dict, err = nil, fmt.Errorf("%w: damaged page: %v", ErrCorrupt, r)
		}
	}()
	if fp, ok := pages.(*parquet.FilePages); ok {
		return fp.ReadDictionary()
	}
	pg, err := pages.ReadPage()
	if err != nil {
		return nil, err
	}
	return pg.Dictionary(), nil
}

// seekToRow is pages.SeekToRow, with a panic turned into an error as in
// readPage.
func seekToRow(pages *parquet.FilePages, row int64) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("damaged page index: %v", r)
		}
	}()
	return pages.SeekToRow(row)
}

// readValues is vr.ReadValues, with a panic turned into an error as in
// readPage.
func readValues(vr parquet.ValueReader, vals []parquet.Value) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, fmt.Errorf("%w: damaged page: %v", ErrCorrupt, r)
		}
	}()
	return vr.ReadValues(vals)
}

// Page types of a Thrift PageHeader (pageHeader.typ).
const (
	pqDataPage       = 0
	pqDictionaryPage = 2
	pqDataPageV2     = 3
)

// pageHeader holds the fields of a Thrift PageHeader the checks need.
type pageHeader struct {
	typ                      int32
	uncompressed, compressed int32
	values, dictValues       int32
	nulls, rows              int32 // v2 pages
	levels                   int32 // v2 pages: uncompressed level bytes before the values
	defLen, repLen           int32 // v2 pages: levels' definition and repetition bytes
	raw                      bool  // v2 pages: the values are not compressed
	// Encodings: of the values (data and dictionary pages) and of the
	// definition levels (v1 data pages).
	enc, defEnc int32
}

// readPageHeader reads and checks the page header at off (the chunk ends
// at end), returning its length.
func (pf *pqFile) readPageHeader(off, end int64, ph *pageHeader) (int, error) {
	n := int(min(end-off, pqWindow))
	for {
		b, err := pf.bytesAt(off, n, end, pqWindow)
		if err != nil {
			return 0, fmt.Errorf("%w: cannot read a page header: %w", ErrTruncated, err)
		}
		tc := thriftCheck{b: b, limit: int(end - off), budget: end - off + 1<<16}
		err = tc.walkStruct(0, 0)
		if err == errThriftMore {
			n = int(min(end-off, 2*int64(n)))
			continue
		}
		if err != nil {
			return 0, err
		}
		for _, v := range tc.ints[:tc.nints] {
			switch v.path {
			case 1:
				ph.typ = int32(v.v)
			case 2:
				ph.uncompressed = int32(v.v)
			case 3:
				ph.compressed = int32(v.v)
			case 5<<8 | 1, 8<<8 | 1:
				ph.values = int32(v.v)
			case 7<<8 | 1:
				ph.dictValues = int32(v.v)
			case 8<<8 | 2:
				ph.nulls = int32(v.v)
			case 8<<8 | 3:
				ph.rows = int32(v.v)
			case 5<<8 | 2, 7<<8 | 2, 8<<8 | 4:
				ph.enc = int32(v.v)
			case 5<<8 | 3:
				ph.defEnc = int32(v.v)
			case 8<<8 | 5:
				ph.levels += int32(v.v)
				ph.defLen = int32(v.v)
			case 8<<8 | 6:
				ph.levels += int32(v.v)
				ph.repLen = int32(v.v)
			case 8<<8 | 7:
				ph.raw = v.v == 0
			}
		}
		return tc.i, nil
	}
}

// checkStream checks what the compressed stream of n bytes at off declares
// it decodes to, for the codecs that allocate from a declaration: Snappy's
// length prefix and Zstandard's frame content sizes and blocks must not
// exceed want (the page's uncompressed size). Deflate and LZ4 cannot expand
// more than about 1032:1 and 255:1, which pqMaxRatio already covers.
func (pf *pqFile) checkStream(codec format.CompressionCodec, off int64, n int, want int64) error {
	if n <= 0 || (codec != format.Snappy && codec != format.Zstd) {
		return nil
	}
	head, err := pf.bytesAt(off, min(n, 16), off+int64(n), pqWindow)
	if err != nil {
		return fmt.Errorf("%w: cannot read a page: %w", ErrTruncated, err)
	}
	if codec == format.Snappy {
		v, k := binary.Uvarint(head)
		if k <= 0 || v > uint64(want) {
			return errExpected(ErrCorrupt, "a Snappy stream of at most "+strconv.FormatInt(want, 10)+" bytes (the page's size)",
				"one declaring "+strconv.FormatUint(v, 10))
		}
		return nil
	}
	return pf.checkZstd(off, n, want)
}

// checkZstd walks the Zstandard frames and block headers of the n bytes at
// off: frame content sizes and the blocks' largest outputs (a raw or RLE
// block its size, a compressed one at most 128 KiB) must stay within
// 2*want + 256 KiB, so the decoder cannot be made to allocate more.
func (pf *pqFile) checkZstd(off int64, n int, want int64) error {
	limit := 2*want + 256<<10
	bad := func(found string) error {
		return errExpected(ErrCorrupt, "a Zstandard stream of at most "+strconv.FormatInt(limit, 10)+" bytes (the page's size)", found)
	}
	var total int64
	end := off + int64(n)
	read := func(at int64, k int) ([]byte, error) {
		if at+int64(k) > end {
			return nil, bad("a frame cut short")
		}
		// Block headers lie up to 128 KiB apart: read the stream in
		// windows of 64 KiB, about one read per page.
		b, err := pf.bytesAt(at, k, end, 64<<10)
		if err != nil {
			return nil, fmt.Errorf("%w: cannot read a page: %w", ErrTruncated, err)
		}
		return b, nil
	}
	for at := off; at < end; {
		h, err := read(at, 4)
		if err != nil {
			return err
		}
		magic := binary.LittleEndian.Uint32(h)
		if magic&0xFFFFFFF0 == 0x184D2A50 { // a skippable frame
			h, err := read(at+4, 4)
			if err != nil {
				return err
			}
			at += 8 + int64(binary.LittleEndian.Uint32(h))
			continue
		}
		if magic != 0xFD2FB528 {
			return errExpected(ErrCorrupt, "a Zstandard frame", "bytes "+quoteFound(h))
		}
		d, err := read(at+4, 1)
		if err != nil {
			return err
		}
		desc := d[0]
		fcsLen := [4]int{0, 2, 4, 8}[desc>>6]
		single := desc&0x20 != 0
		if fcsLen == 0 && single {
			fcsLen = 1
		}
		hdr := 1 + [4]int{0, 1, 2, 4}[desc&3] + fcsLen
		if !single {
			hdr++ // window descriptor
		}
		fh, err := read(at+4, hdr)
		if err != nil {
			return err
		}
		if fcsLen > 0 {
			var fcs uint64
			p := fh[hdr-fcsLen:]
			switch fcsLen {
			case 1:
				fcs = uint64(p[0])
			case 2:
				fcs = uint64(binary.LittleEndian.Uint16(p)) + 256
			case 4:
				fcs = uint64(binary.LittleEndian.Uint32(p))
			case 8:
				fcs = binary.LittleEndian.Uint64(p)
			}
			if fcs > uint64(limit-total) {
				return bad("a frame declaring " + strconv.FormatUint(fcs, 10) + " bytes")
			}
		}
		at += 4 + int64(hdr)
		for {
			bh, err := read(at, 3)
			if err != nil {
				return err
			}
			v := uint32(bh[0]) | uint32(bh[1])<<8 | uint32(bh[2])<<16
			last, typ, size := v&1 != 0, (v>>1)&3, int64(v>>3)
			at += 3
			switch typ {
			case 0: // raw
				total += size
				at += size
			case 1: // RLE: one byte repeated size times
				total += size
				at++
			case 2: // compressed
				total += 128 << 10
				at += size
			default:
				return bad("a reserved block type")
			}
			if total > limit {
				return bad("blocks of up to " + strconv.FormatInt(total, 10) + " bytes")
			}
			if last {
				break
			}
		}
		if desc&4 != 0 {
			at += 4 // content checksum
		}
	}
	return nil
}

// errThriftMore reports a Thrift value running past the bytes read so far
// but not past its limit: read more and walk again.
var errThriftMore = errors.New("BUG: more Thrift input needed")

// thriftCheck walks Thrift compact-protocol bytes without decoding them,
// checking every length and list size against the bytes left and an
// allocation budget, and keeping the integers of the fields of the first
// two struct levels (path: outer field ID << 8 | inner field ID).
type thriftCheck struct {
	b      []byte
	i      int
	limit  int   // bytes the value may span (b may hold fewer)
	budget int64 // bytes a decoder may allocate for it, left
	ints   [16]struct {
		path uint32
		v    int64
	}
	nints int
}

type thriftError struct {
	at  int
	err error
}

func (e *thriftError) Error() string { return e.err.Error() }
func (e *thriftError) Unwrap() error { return e.err }

func (c *thriftCheck) fail(expected, found string) error {
	return &thriftError{at: c.i, err: errExpected(ErrCorrupt, expected, found)}
}

// parseError positions err (from walkStruct) at base plus its index.
func (c *thriftCheck) parseError(err error, source string, base int64, path string) error {
	var te *thriftError
	if errors.As(err, &te) {
		return &ParseError{Source: source, Offset: base + int64(te.at), Path: path, Err: te.err}
	}
	return &ParseError{Source: source, Offset: base + int64(c.i), Path: path, Err: err}
}

// need makes sure n more bytes are there.
func (c *thriftCheck) need(n int) error {
	if n > c.limit-c.i || n < 0 {
		return c.fail("Thrift metadata within its "+strconv.Itoa(c.limit)+" bytes", "a value running past them")
	}
	if n > len(c.b)-c.i {
		return errThriftMore
	}
	return nil
}

// byte returns the next byte.
func (c *thriftCheck) byte() (byte, error) {
	if err := c.need(1); err != nil {
		return 0, err
	}
	c.i++
	return c.b[c.i-1], nil
}

// uvarint returns the next varint: in a loop over b while ten bytes are
// left (the longest varint), uvarintSlow, byte by byte, near the end.
func (c *thriftCheck) uvarint() (uint64, error) {
	if c.i+10 > len(c.b) || c.i+10 > c.limit {
		return c.uvarintSlow()
	}
	var v uint64
	for s, i := 0, c.i; s < 64; s, i = s+7, i+1 {
		x := c.b[i]
		v |= uint64(x&0x7f) << s
		if x < 0x80 {
			if s == 63 && x > 1 {
				c.i = i
				return 0, c.fail("a varint of at most 64 bits", "a longer one")
			}
			c.i = i + 1
			return v, nil
		}
	}
	c.i += 10
	return 0, c.fail("a varint of at most 10 bytes", "a longer one")
}

func (c *thriftCheck) uvarintSlow() (uint64, error) {
	var v uint64
	for s := 0; s < 64; s += 7 {
		x, err := c.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(x&0x7f) << s
		if x < 0x80 {
			if s == 63 && x > 1 {
				c.i--
				return 0, c.fail("a varint of at most 64 bits", "a longer one")
			}
			return v, nil
		}
	}
	return 0, c.fail("a varint of at most 10 bytes", "a longer one")
}

// size reads a length or element count and checks it against the bytes
// left (every element takes at least one byte) and the budget at cost
// bytes an element.
func (c *thriftCheck) size(cost int64) (int, error) {
	v, err := c.uvarint()
	if err != nil {
		return 0, err
	}
	return c.checkSize(v, cost)
}

func (c *thriftCheck) checkSize(v uint64, cost int64) (int, error) {
	if v > uint64(c.limit-c.i) {
		return 0, c.fail("a length or count of at most "+strconv.Itoa(c.limit-c.i)+" (the bytes left)", strconv.FormatUint(v, 10))
	}
	c.budget -= int64(v) * cost
	if c.budget < 0 {
		return 0, c.fail("metadata a reader can hold in memory proportional to the file", "more")
	}
	return int(v), nil
}

func (c *thriftCheck) walkStruct(depth int, path uint32) error {
	if depth > pqMaxThriftDepth {
		return c.fail("Thrift metadata nested at most "+strconv.Itoa(pqMaxThriftDepth)+" levels", "deeper nesting")
	}
	c.budget -= pqStructCost
	id := int64(0)
	end := min(len(c.b), c.limit)
	for {
		var h byte
		if c.i < end {
			// Fast path: the field header, without a call.
			h = c.b[c.i]
			c.i++
		} else {
			var err error
			if h, err = c.byte(); err != nil {
				return err
			}
		}
		if h == 0 {
			return nil
		}
		var err error
		if id, err = c.fieldID(h, id); err != nil {
			return err
		}
		p := uint32(0xffffffff) // deeper than two levels, or in a list: not kept
		if depth < 2 && path != 0xffffffff && id > 0 && id < 256 {
			p = path<<8 | uint32(id)
		}
		if err := c.value(h&0x0f, depth, p); err != nil {
			return err
		}
	}
}

// fieldID returns the ID of the field whose header byte is h, last the
// ID before it: last plus the header's delta, added as an i16 (wrapping
// past 32767, as Thrift's compact protocol and parquet-go do), or a
// zigzag varint after the header, which must be within int16.
func (c *thriftCheck) fieldID(h byte, last int64) (int64, error) {
	if delta := h >> 4; delta != 0 {
		return int64(int16(last) + int16(delta)), nil
	}
	at := c.i
	v, err := c.uvarint()
	if err != nil {
		return 0, err
	}
	id := int64(v>>1) ^ -int64(v&1)
	if id != int64(int16(id)) {
		c.i = at
		return 0, c.fail("a field ID (an i16)", strconv.FormatInt(id, 10))
	}
	return id, nil
}

// value walks one value of compact type typ.
func (c *thriftCheck) value(typ byte, depth int, path uint32) error {
	switch typ {
	case 1, 2: // booleans: in the field header (or one byte in a list)
		if path != 0xffffffff && c.nints < len(c.ints) {
			c.ints[c.nints].path, c.ints[c.nints].v = path, int64(2-typ)
			c.nints++
		}
		return nil
	case 3:
		if err := c.need(1); err != nil {
			return err
		}
		c.i++
		return nil
	case 4, 5, 6:
		at := c.i
		v, err := c.uvarint()
		if err != nil {
			return err
		}
		x := int64(v>>1) ^ -int64(v&1)
		// An i16 or i32 out of its range is an error even in a field
		// nobody reads, as parquet-go decodes (and skips) them.
		if typ == 4 && x != int64(int16(x)) {
			c.i = at
			return c.fail("an i16", strconv.FormatInt(x, 10))
		}
		if typ == 5 && x != int64(int32(x)) {
			c.i = at
			return c.fail("an i32", strconv.FormatInt(x, 10))
		}
		if path != 0xffffffff && c.nints < len(c.ints) {
			c.ints[c.nints].path, c.ints[c.nints].v = path, x
			c.nints++
		}
		return nil
	case 7:
		if err := c.need(8); err != nil {
			return err
		}
		c.i += 8
		return nil
	case 8:
		n, err := c.size(1)
		if err != nil {
			return err
		}
		if err := c.need(n); err != nil {
			return err
		}
		c.i += n
		return nil
	case 9, 10:
		h, err := c.byte()
		if err != nil {
			return err
		}
		et := h & 0x0f
		var n int
		if h>>4 == 15 {
			n, err = c.size(elemCost(et))
		} else {
			n, err = c.checkSize(uint64(h>>4), elemCost(et))
		}
		if err != nil {
			return err
		}
		for range n {
			if et == 1 || et == 2 {
				if err := c.need(1); err != nil { // a list's booleans take a byte each
					return err
				}
				c.i++
				continue
			}
			if err := c.value(et, depth+1, 0xffffffff); err != nil {
				return err
			}
		}
		return nil
	case 11:
		n, err := c.size(2 * 24)
		if err != nil || n == 0 {
			return err
		}
		kv, err := c.byte()
		if err != nil {
			return err
		}
		for range n {
			for _, t := range [2]byte{kv >> 4, kv & 0x0f} {
				if t == 1 || t == 2 {
					if err := c.need(1); err != nil {
						return err
					}
					c.i++
					continue
				}
				if err := c.value(t, depth+1, 0xffffffff); err != nil {
					return err
				}
			}
		}
		return nil
	case 12:
		if path != 0xffffffff && c.nints < len(c.ints) { // present
			c.ints[c.nints].path, c.ints[c.nints].v = path, 1
			c.nints++
		}
		return c.walkStruct(depth+1, path)
	}
	return c.fail("a Thrift compact type (1-12)", strconv.Itoa(int(typ)))
}

// elemCost is what decoding one list element of compact type t allocates.
func elemCost(t byte) int64 {
	if t == 12 {
		return pqStructCost
	}
	return 24
}

// flatLeaf returns the leaf column at path (dot-separated) when it is not
// repeated: its column index, physical type and max definition level,
// from the plain schema of the decoded footer (pf.root) or, for a file
// without one, parquet-go's. ok is false for a path the file lacks, a
// group, a repeated leaf or a leaf parquet-go gives no physical type.
func (pf *pqFile) flatLeaf(path string) (col int, kind parquet.Kind, maxDef int, ok bool) {
	if n := pf.root; n != nil {
		for rest := path; n != nil; {
			name, tail, more := strings.Cut(rest, ".")
			if n = n.child(name); !more {
				break
			}
			rest = tail
		}
		if n == nil || !n.leaf() || n.maxRep > 0 {
			return 0, 0, 0, false
		}
		return n.col, parquet.Kind(n.kind()), n.maxDef, true
	}
	f, err := pf.file()
	if err != nil {
		return 0, 0, 0, false // the read reports it
	}
	leaf, found := f.Schema().Lookup(strings.Split(path, ".")...)
	if !found || !leaf.Node.Leaf() || leaf.MaxRepetitionLevel > 0 {
		return 0, 0, 0, false
	}
	k, kindOK := kindOf(leaf.Node)
	if !kindOK {
		return 0, 0, 0, false
	}
	return leaf.ColumnIndex, k, leaf.MaxDefinitionLevel, true
}

// chunkBounds returns the min and max of column chunk col of row group g
// from its statistics (min_value and max_value, as parquet-go's Bounds
// reads them); false when either is missing.
func (pf *pqFile) chunkBounds(g, col int) (lo, hi []byte, ok bool) {
	st := &pf.meta.RowGroups[g].Columns[col].MetaData.Statistics
	return st.MinValue, st.MaxValue, st.MinValue != nil && st.MaxValue != nil
}

// allNull reports whether column chunk col of row group g holds only
// nulls, by its value count and its statistics' null count.
func (pf *pqFile) allNull(g, col int) bool {
	m := &pf.meta.RowGroups[g].Columns[col].MetaData
	return m.NumValues > 0 && m.Statistics.NullCount == m.NumValues
}

// pqStatInt decodes an INT32 or INT64 statistic; false for one of
// another length (parquet-go panics on it; here it bounds nothing).
func pqStatInt(b []byte, k parquet.Kind) (int64, bool) {
	return pqIndexInt(b, k)
}

// canSkipEqual reports whether row group g cannot hold a row whose column
// at each path of equal is one of its values, by the chunk's min/max
// statistics, its null count, its bloom filter and its dictionary (read
// through cr, so the reader's Stats count them). All of it is read from
// the decoded footer and the file's bytes, without parquet-go. A column
// absent from the file, repeated, not text or without statistics rules
// nothing out.
func (pf *pqFile) canSkipEqual(g int, equal map[string][]string, cr io.ReaderAt) bool {
	if len(equal) == 0 {
		return false
	}
	// In the order of the paths: the bytes read (Stats) are the same
	// from run to run.
	for _, path := range slices.Sorted(maps.Keys(equal)) {
		vals := equal[path]
		col, k, _, ok := pf.flatLeaf(path)
		if !ok || len(vals) == 0 || k != parquet.ByteArray {
			continue
		}
		if pf.allNull(g, col) {
			return true // all null: no value is equal
		}
		possible := vals
		if lo, hi, ok := pf.chunkBounds(g, col); ok {
			possible = possible[:0:0]
			for _, v := range vals {
				if bytes.Compare([]byte(v), lo) >= 0 && bytes.Compare([]byte(v), hi) <= 0 {
					possible = append(possible, v)
				}
			}
			if len(possible) == 0 {
				return true
			}
		}
		if pf.bloomLacks(g, col, possible, cr) {
			return true
		}
		if pf.dictionaryLacks(g, col, path, possible, cr) {
			return true
		}
	}
	return false
}

// canSkipEqualInt reports whether row group g cannot hold a row whose
// integer column at each path of equal is one of its values, by the
// chunk's min/max statistics and null count, from the decoded footer. A
// column absent from the file, repeated, not INT32 or INT64, without
// statistics (or with statistics of the wrong size), or with an empty
// list rules nothing out.
func (pf *pqFile) canSkipEqualInt(g int, equal map[string][]int64) bool {
	if len(equal) == 0 {
		return false
	}
	for path, vals := range equal {
		col, k, _, ok := pf.flatLeaf(path)
		if !ok || len(vals) == 0 || k != parquet.Int32 && k != parquet.Int64 {
			continue
		}
		if pf.allNull(g, col) {
			return true // all null: no value is equal
		}
		lo, hi, ok := pf.chunkBounds(g, col)
		if !ok {
			continue
		}
		min, okMin := pqStatInt(lo, k)
		max, okMax := pqStatInt(hi, k)
		if !okMin || !okMax {
			continue
		}
		if !slices.ContainsFunc(vals, func(v int64) bool { return v >= min && v <= max }) {
			return true
		}
	}
	return false
}

// bloomLacks reports whether column chunk col of row group g has a bloom
// filter (hasBloomFilter: uncompressed, within the file) of the split-block
// algorithm and xxHash, which parquet-go reads, and it answers "no" for
// every one of vals. The filter's blocks are read through cr, one per
// value; a read error answers "maybe".
func (pf *pqFile) bloomLacks(g, col int, vals []string, cr io.ReaderAt) bool {
	off, numBytes, splitXX, ok := pf.bloomFilter(g, col)
	if !ok || !splitXX {
		return false
	}
	bits := io.NewSectionReader(cr, off, numBytes)
	for _, v := range vals {
		in, err := bloom.CheckSplitBlock(bits, numBytes, bloom.XXH64{}.Sum64([]byte(v)))
		if err != nil || in {
			return false
		}
	}
	return true
}

// wholeDictionary reports whether the chunk md describes has a dictionary
// page and, by its encoding stats, every data page is dictionary-encoded.
func wholeDictionary(md *format.ColumnMetaData) bool {
	if md.DictionaryPageOffset <= 0 || len(md.EncodingStats) == 0 {
		return false
	}
	for _, st := range md.EncodingStats {
		switch st.PageType {
		case format.DataPage, format.DataPageV2:
			if st.Encoding != format.RLEDictionary && st.Encoding != format.PlainDictionary && st.Count > 0 {
				return false // a page fell back to plain
			}
		}
	}
	return true
}

// dictionaryLacks reports whether column col of row group g is wholly
// dictionary-encoded (every data page, by the chunk's encoding stats) and
// its dictionary holds none of vals: dictionary pruning, for a column
// without a bloom filter or one that answered "maybe". It reads the
// dictionary page alone (header and body, through cr), not the data
// pages, and decodes it itself; a chunk that fails its checks, or whose
// dictionary page is not PLAIN byte arrays, is not pruned here, so the
// read reports it.
func (pf *pqFile) dictionaryLacks(g, col int, path string, vals []string, cr io.ReaderAt) (lacks bool) {
	md := &pf.meta.RowGroups[g].Columns[col].MetaData
	if !wholeDictionary(md) {
		return false
	}
	if pf.checkChunk(g, col, path) != nil || !pf.hasDict {
		return false
	}
	loc := pf.dict
	if loc.off != md.DictionaryPageOffset || loc.enc != int32(format.Plain) && loc.enc != int32(format.PlainDictionary) {
		return false // not the page parquet-go reads as the dictionary
	}
	defer func() {
		if recover() != nil {
			lacks = false // a codec's panic on a damaged page
		}
	}()
	// The header and the body, in one read.
	n := loc.body + int64(loc.n) - loc.off
	if cap(pf.dictBuf) < int(n) {
		pf.dictBuf = make([]byte, n)
	}
	buf := pf.dictBuf[:n]
	if _, err := cr.ReadAt(buf, loc.off); err != nil {
		return false
	}
	src := buf[loc.body-loc.off:]
	if loc.codec != format.Uncompressed {
		out, err := parquet.LookupCompressionCodec(loc.codec).Decode(pf.dictRaw[:0], src)
		if out != nil {
			pf.dictRaw = out
		}
		if err != nil || int64(len(out)) != loc.expand {
			return false
		}
		src = out
	} else if int64(len(src)) != loc.expand {
		return false
	}
	data, offs, err := plainByteArrays(pf.dictVals.data, pf.dictVals.offs, src)
	pf.dictVals.data, pf.dictVals.offs = data, offs
	if err != nil {
		return false
	}
	return !dictionaryHolds(data, offs, vals)
}

// dictionaryHolds reports whether the dictionary of PLAIN byte arrays
// data, offs (value k is data[offs[k]:offs[k+1]]) holds one of vals.
func dictionaryHolds(data []byte, offs []uint32, vals []string) bool {
	for k := 0; k+1 < len(offs); k++ {
		for _, v := range vals {
			if string(data[offs[k]:offs[k+1]]) == v {
				return true
			}
		}
	}
	return false
}
