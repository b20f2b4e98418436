package parsers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// pagesFlowText is n flow-log lines whose interface_id is unique per line
// (its dictionary outgrows parquetDictBytes within a row group), srcaddr
// has a few hundred values and some nulls, dstport some nulls, and start
// grows with the line.
func pagesFlowText(n int) string {
	var sb strings.Builder
	for i := range n {
		src := fmt.Sprintf("10.%d.%d.%d", i%3, i%7, i%11)
		port := fmt.Sprint(1000 + i%5000)
		if i%13 == 0 {
			src, port = "-", "-"
		}
		fmt.Fprintf(&sb, "2 123456789012 eni-%017x %s 172.16.0.%d 443 %s 6 1 40 %d %d %s OK\n",
			i*7919, src, i%250, port, 1767225600+i/16, 1767225660+i/16, []string{"ACCEPT", "REJECT"}[i%3/2])
	}
	return sb.String()
}

// readFlowBatches reads flow-log text into batches of every column; the
// caller releases them.
func readFlowBatches(t testing.TB, mem memory.Allocator, text string, cols ...string) []arrow.RecordBatch {
	t.Helper()
	return readFlowBatchesFrom(t, mem, strings.NewReader(text), cols...)
}

// readFlowBatchesFrom reads flow-log text from src into batches of cols
// (every column when none is named).
func readFlowBatchesFrom(t testing.TB, mem memory.Allocator, src io.Reader, cols ...string) []arrow.RecordBatch {
	t.Helper()
	return readFlowBatchesWith(t, mem, src, cols)
}

// readFlowBatchesWith is readFlowBatchesFrom with reader options (such as
// WithFlowDictionaries); nil cols: every column.
func readFlowBatchesWith(t testing.TB, mem memory.Allocator, src io.Reader, cols []string, opts ...Option) []arrow.RecordBatch {
	t.Helper()
	if len(cols) == 0 {
		cols = flowColumns()
	}
	r, err := NewVPCFlowReader(src, "x", append(opts, WithAllocator(mem), WithColumns(cols...))...)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var out []arrow.RecordBatch
	for r.Next() {
		b := r.Batch()
		b.Retain()
		out = append(out, b)
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	return out
}

// TestParquetWriter_Pages checks what the writer says of its pages against
// the pages as parquet-go reads them: every page's null count, bounds and
// first row in the column and offset indexes, the chunk statistics, the
// bloom filters (every value found), and the dictionary fallback of a
// high-cardinality column (dictionary page, one RLE_DICTIONARY page, then
// PLAIN) next to a column that stays dictionary-encoded. The rows read
// back through hunt's reader are those written.
func TestParquetWriter_Pages(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 40000
	batches := readFlowBatches(t, mem, pagesFlowText(n))
	defer releaseBatches(batches)
	data := writeParquet(t, "vpc_flow", batches, 0, false)

	got := readFlowParquet(t, data, WithColumns(flowColumns()...))
	want := readFlowText(t, strings.NewReader(pagesFlowText(n)), WithColumns(flowColumns()...))
	// (Each row group's rows are in cluster order: compare them sorted.)
	if g, w := sortedRows(got.rows), sortedRows(want.rows); !slices.Equal(g, w) {
		t.Fatalf("read back %d rows, want %d; first differing: %v", len(got.rows), len(want.rows), firstDiff(g, w))
	}

	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.RowGroups()) != 2 {
		t.Fatalf("%d row groups; want 2", len(f.RowGroups()))
	}
	leaves := f.Schema().Columns()
	for g, rg := range f.RowGroups() {
		for ci, cc := range rg.ColumnChunks() {
			name := strings.Join(leaves[ci], ".")
			where := fmt.Sprintf("row group %d column %s", g, name)
			fc := cc.(*parquet.FileColumnChunk)
			md := f.Metadata().RowGroups[g].Columns[ci].MetaData
			checkChunkPages(t, where, fc, md, isBloom("vpc_flow", leaves[ci]))
			if g == 0 && name == "interface_id" {
				// (Pages of a clustered table end every
				// parquetClusterPageRows rows: the dictionary fills
				// on a later page than the first.)
				st := md.EncodingStats
				if len(st) != 3 || st[0] != (format.PageEncodingStats{PageType: format.DictionaryPage, Encoding: format.Plain, Count: 1}) ||
					st[1].PageType != format.DataPageV2 || st[1].Encoding != format.RLEDictionary || st[2].Encoding != format.Plain {
					t.Errorf("%s: encoding stats %v; want a dictionary page, dictionary-encoded pages, then plain pages", where, md.EncodingStats)
				}
			}
			if name == "srcaddr" || name == "action" {
				for _, st := range md.EncodingStats {
					if st.PageType == format.DataPageV2 && st.Encoding != format.RLEDictionary {
						t.Errorf("%s: encoding stats %v; want every data page dictionary-encoded", where, md.EncodingStats)
					}
				}
			}
		}
	}
}

func isBloom(table string, path []string) bool {
	return slices.ContainsFunc(TableNamed(table).ParquetBloom, func(p []string) bool { return slices.Equal(p, path) })
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("row %d: %q vs %q", i, a[i], b[i])
		}
	}
	return "none (lengths differ)"
}

// checkChunkPages reads every page of fc and checks the column index, the
// offset index, the chunk statistics and (bloom) the bloom filter.
func checkChunkPages(t *testing.T, where string, fc *parquet.FileColumnChunk, md format.ColumnMetaData, bloom bool) {
	t.Helper()
	ci, err := fc.ColumnIndex()
	if err != nil {
		t.Fatalf("%s: column index: %v", where, err)
	}
	oi, err := fc.OffsetIndex()
	if err != nil {
		t.Fatalf("%s: offset index: %v", where, err)
	}
	typ := fc.Type()
	var bf parquet.BloomFilter
	if bloom {
		if bf = fc.BloomFilter(); bf == nil && md.Statistics.NullCount != md.NumValues {
			t.Fatalf("%s: no bloom filter", where)
		}
	}
	pages := fc.Pages()
	defer pages.Close()
	var row, nulls int64
	var lo, hi parquet.Value
	for i := 0; ; i++ {
		p, err := pages.ReadPage()
		if errors.Is(err, io.EOF) {
			if i != ci.NumPages() || i != oi.NumPages() {
				t.Errorf("%s: %d pages; column index says %d, offset index %d", where, i, ci.NumPages(), oi.NumPages())
			}
			break
		}
		if err != nil {
			t.Fatalf("%s: page %d: %v", where, i, err)
		}
		if i >= ci.NumPages() || i >= oi.NumPages() {
			t.Fatalf("%s: page %d beyond the indexes' %d/%d pages", where, i, ci.NumPages(), oi.NumPages())
		}
		if oi.FirstRowIndex(i) != row {
			t.Errorf("%s: page %d: offset index first row %d; want %d", where, i, oi.FirstRowIndex(i), row)
		}
		vals := make([]parquet.Value, p.NumValues())
		if n, err := p.Values().ReadValues(vals); int64(n) != p.NumValues() && !errors.Is(err, io.EOF) {
			t.Fatalf("%s: page %d: read %d values of %d: %v", where, i, n, p.NumValues(), err)
		}
		var pn int64
		var plo, phi parquet.Value
		for _, v := range vals {
			if v.IsNull() {
				pn++
				continue
			}
			if plo.IsNull() || typ.Compare(v, plo) < 0 {
				plo = v.Clone()
			}
			if phi.IsNull() || typ.Compare(v, phi) > 0 {
				phi = v.Clone()
			}
			if bf != nil {
				if ok, err := bf.Check(v); err != nil || !ok {
					t.Fatalf("%s: bloom filter lacks %v (%v)", where, v, err)
				}
			}
		}
		if ci.NullCount(i) != pn || ci.NullPage(i) != (pn == int64(len(vals))) {
			t.Errorf("%s: page %d: column index nulls %d (null page %v); want %d of %d", where, i, ci.NullCount(i), ci.NullPage(i), pn, len(vals))
		}
		if !plo.IsNull() {
			if typ.Compare(ci.MinValue(i), plo) > 0 || typ.Compare(ci.MaxValue(i), phi) < 0 {
				t.Errorf("%s: page %d: column index bounds %v..%v do not cover %v..%v", where, i, ci.MinValue(i), ci.MaxValue(i), plo, phi)
			}
			if lo.IsNull() || typ.Compare(plo, lo) < 0 {
				lo = plo
			}
			if hi.IsNull() || typ.Compare(phi, hi) > 0 {
				hi = phi
			}
		}
		nulls += pn
		row += p.NumRows()
		parquet.Release(p)
	}
	if md.Statistics.NullCount != nulls {
		t.Errorf("%s: chunk null count %d; want %d", where, md.Statistics.NullCount, nulls)
	}
	if cmin, cmax, ok := fc.Bounds(); ok != !lo.IsNull() || ok && (typ.Compare(cmin, lo) != 0 || typ.Compare(cmax, hi) != 0) {
		t.Errorf("%s: chunk bounds %v..%v (%v); want %v..%v", where, cmin, cmax, ok, lo, hi)
	}
}

// TestParquetWriter_CloudTrailPages is TestParquetWriter_Pages's index,
// statistics and bloom checks on every CloudTrail column, nested and
// repeated ones included, in row groups of 7 rows.
func TestParquetWriter_CloudTrailPages(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	batches := readCloudTrailJSON(t, mem, ctJSONFiles(t))
	defer releaseBatches(batches)
	data := writeParquet(t, "cloudtrail", batches, 7, true)
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	leaves := f.Schema().Columns()
	for g, rg := range f.RowGroups() {
		for ci, cc := range rg.ColumnChunks() {
			where := fmt.Sprintf("row group %d column %s", g, strings.Join(leaves[ci], "."))
			checkChunkPages(t, where, cc.(*parquet.FileColumnChunk), f.Metadata().RowGroups[g].Columns[ci].MetaData, isBloom("cloudtrail", leaves[ci]))
		}
	}
}

// TestParquetWriter_Allocs: writing rows allocates per page and row
// group, not per row.
func TestParquetWriter_Allocs(t *testing.T) {
	skipAllocsUnderRace(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	batches := readFlowBatches(t, mem, pagesFlowText(8192))
	defer releaseBatches(batches)
	var refs []RowRef
	for i, b := range batches {
		refs = AppendRowRefs(refs, i, b)
	}
	w, err := NewVPCFlowParquetWriter(io.Discard, 0)
	if err != nil {
		t.Fatal(err)
	}
	for range 8 { // warm up: buffers at their steady size
		if err := w.Write(batches, refs); err != nil {
			t.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(8, func() {
		if err := w.Write(batches, refs); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%.0f allocations per Write of %d rows", allocs, len(refs))
	if perRow := allocs / float64(len(refs)); perRow > 0.05 {
		t.Errorf("%.0f allocations per Write of %d rows (%.3f per row); want at most 0.05 per row", allocs, len(refs), perRow)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// failWriter fails every write after the first n bytes.
type failWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failWriter) Write(b []byte) (int, error) {
	if len(b) > w.n {
		k := w.n
		w.n = 0
		return k, errDiskFull
	}
	w.n -= len(b)
	return len(b), nil
}

// TestParquetWriter_Failure: an error of the underlying writer, at any
// point of the file, comes back from Write or Close, wrapped.
func TestParquetWriter_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	batches := readFlowBatches(t, mem, pagesFlowText(3000))
	defer releaseBatches(batches)
	var refs []RowRef
	for i, b := range batches {
		refs = AppendRowRefs(refs, i, b)
	}
	size := len(writeParquet(t, "vpc_flow", batches, 1000, false))
	for _, n := range []int{0, 3, 100, size / 2, size - 9, size - 1} {
		w, err := NewVPCFlowParquetWriter(&failWriter{n: n}, 1000)
		if err != nil {
			t.Fatal(err)
		}
		err = w.Write(batches, refs)
		if err == nil {
			err = w.Close()
		}
		if !errors.Is(err, errDiskFull) || !strings.HasPrefix(err.Error(), "parquet writer: ") {
			t.Errorf("failing after %d of %d bytes: got %v; want a parquet writer error wrapping %v", n, size, err, errDiskFull)
		}
	}
}

// TestParquetWriter_EmptyStringBounds: an empty string is a value, and
// the smallest: a page of PLAIN values (after the dictionary fell back)
// whose minimum is "" has statistics and column-index bounds from "",
// and so does the chunk.
func TestParquetWriter_EmptyStringBounds(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bld := array.NewRecordBuilder(mem, arrow.NewSchema([]arrow.Field{{Name: "srcaddr", Type: arrow.BinaryTypes.String, Nullable: true}}, nil))
	defer bld.Release()
	sb := bld.Field(0).(*array.StringBuilder)
	// 2979 distinct values of 40 bytes (44 in PLAIN) pass
	// parquetDictBytes: the rows after them start the first PLAIN page,
	// with "" (and nulls).
	const distinct, n = 2979, 8000
	for i := range n {
		switch {
		case i < distinct:
			sb.Append(fmt.Sprintf("%040d", i))
		case i%3 == 0:
			sb.AppendNull()
		default:
			sb.Append("")
		}
	}
	b := bld.NewRecordBatch()
	defer b.Release()
	data := writeParquet(t, "vpc_flow", []arrow.RecordBatch{b}, 0, false)
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := f.Schema().Lookup("srcaddr")
	md := f.Metadata().RowGroups[0].Columns[leaf.ColumnIndex].MetaData
	if md.Statistics.MinValue == nil || len(md.Statistics.MinValue) != 0 {
		t.Errorf("chunk minimum %q (nil %v); want the empty string", md.Statistics.MinValue, md.Statistics.MinValue == nil)
	}
	if len(md.EncodingStats) < 3 || md.EncodingStats[len(md.EncodingStats)-1].Encoding != format.Plain {
		t.Errorf("encoding stats %v; want a fallback to PLAIN", md.EncodingStats)
	}
	checkChunkPages(t, "srcaddr", f.RowGroups()[0].ColumnChunks()[leaf.ColumnIndex].(*parquet.FileColumnChunk), md, true)
}

// TestParquetWriter_PlainAfterFallback: a column whose dictionary fell
// back starts the next chunk PLAIN, without a dictionary page, and tries a
// dictionary again after 1, then 3 chunks; a column whose dictionary holds
// stays dictionary-encoded. Every chunk's indexes, statistics and bloom
// filter are right, and the rows read back are those written.
func TestParquetWriter_PlainAfterFallback(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// interface_id is unique and 200 bytes long: about 640 values fill
	// parquetDictBytes, within each row group of 1000 rows.
	var sb strings.Builder
	const n, group = 8000, 1000
	for i := range n {
		fmt.Fprintf(&sb, "2 123456789012 eni-%0196x 10.0.%d.%d 172.16.0.1 443 1000 6 1 40 %d %d ACCEPT OK\n",
			i, i%5, i%50, 1767225600+i, 1767225660+i)
	}
	text := sb.String()
	batches := readFlowBatches(t, mem, text)
	defer releaseBatches(batches)
	data := writeParquet(t, "vpc_flow", batches, group, false)
	got := readFlowParquet(t, data, WithColumns(flowColumns()...))
	want := readFlowText(t, strings.NewReader(text), WithColumns(flowColumns()...))
	if got.err != nil || !slices.Equal(got.rows, want.rows) {
		t.Fatalf("read back %d rows (%v), want %d; first differing: %v", len(got.rows), got.err, len(want.rows), firstDiff(got.rows, want.rows))
	}
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	leaves := f.Schema().Columns()
	dictGroups := map[string][]bool{
		// 1 chunk PLAIN after the first fallback, then 3.
		"interface_id": {true, false, true, false, false, false, true, false},
		"srcaddr":      {true, true, true, true, true, true, true, true},
	}
	for g, rg := range f.RowGroups() {
		for ci, cc := range rg.ColumnChunks() {
			name := strings.Join(leaves[ci], ".")
			where := fmt.Sprintf("row group %d column %s", g, name)
			md := f.Metadata().RowGroups[g].Columns[ci].MetaData
			checkChunkPages(t, where, cc.(*parquet.FileColumnChunk), md, isBloom("vpc_flow", leaves[ci]))
			want, ok := dictGroups[name]
			if !ok {
				continue
			}
			hasDict := md.DictionaryPageOffset > 0
			if hasDict != want[g] || hasDict != slices.Contains(md.Encoding, format.RLEDictionary) {
				t.Errorf("%s: dictionary page %v, encodings %v; want a dictionary: %v", where, hasDict, md.Encoding, want[g])
			}
			for _, st := range md.EncodingStats {
				if !hasDict && st.Encoding != format.Plain {
					t.Errorf("%s: encoding stats %v; want only PLAIN data pages", where, md.EncodingStats)
				}
			}
		}
	}
}

// TestParquetWriter_DeltaIntegers: integer pages are DELTA_BINARY_PACKED
// (the chunk's encodings and encoding stats say so, and parquet-go reads
// the pages back: TestParquetWriter_Pages), text pages are dictionary or
// PLAIN as before.
func TestParquetWriter_DeltaIntegers(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	batches := readFlowBatches(t, mem, pagesFlowText(20000))
	defer releaseBatches(batches)
	data := writeParquet(t, "vpc_flow", batches, 0, true)
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	ints := 0
	for g, rg := range f.Metadata().RowGroups {
		for _, c := range rg.Columns {
			md := c.MetaData
			if md.Type == format.ByteArray || md.Statistics.NullCount == md.NumValues {
				continue
			}
			ints++
			if !slices.Contains(md.Encoding, format.DeltaBinaryPacked) || slices.Contains(md.Encoding, format.Plain) {
				t.Errorf("row group %d column %v: encodings %v; want DELTA_BINARY_PACKED and no PLAIN", g, md.PathInSchema, md.Encoding)
			}
			for _, st := range md.EncodingStats {
				if st.PageType == format.DataPageV2 && st.Encoding != format.DeltaBinaryPacked {
					t.Errorf("row group %d column %v: encoding stats %v; want DELTA_BINARY_PACKED data pages", g, md.PathInSchema, md.EncodingStats)
				}
			}
		}
	}
	if ints == 0 {
		t.Fatal("no integer column with values")
	}
}

// TestPQColumn_RowsMatchRowByRow: the block appends of flat columns
// (addIntRows, addStringRows) write the same chunks, byte for byte, as
// appending the rows one at a time (beginRow, then addNull or addInt64,
// addInt32, addBytes): the same page ends (by bytes, by pageRows, at a
// dictionary that fills), values, levels and statistics, over several
// row groups (a dictionary that fell back makes the next chunks PLAIN).
func TestPQColumn_RowsMatchRowByRow(t *testing.T) {
	const rows = 120000
	rng := rand.New(rand.NewPCG(1, 2))
	// Values of each kind: runs, a few distinct ones, and unique ones
	// long enough that the dictionary fills within a row group.
	nulls := func(p float64) []bool {
		b := make([]bool, rows)
		for i := range b {
			b[i] = rng.Float64() < p
		}
		return b
	}
	i64s := make([]int64, rows)
	for i := range i64s {
		switch i / 20000 % 3 {
		case 0:
			i64s[i] = int64(i / 100)
		case 1:
			i64s[i] = rng.Int64N(1 << 40)
		default:
			i64s[i] = -rng.Int64N(10)
		}
	}
	strs := make([][]byte, rows)
	for i := range strs {
		switch k := i / 10000; {
		case k == 7 || k == 8 || k == 11:
			strs[i] = fmt.Appendf(nil, "unique-%d-%s", i, strings.Repeat("x", rng.IntN(60)))
		case k%3 == 0:
			strs[i] = []byte("constant")
		case k%3 == 1:
			strs[i] = fmt.Appendf(nil, "v%d", rng.IntN(300))
		default:
			strs[i] = fmt.Appendf(nil, "run-%d", i/37)
		}
	}
	chunks := func(c *pqColumn, add func(c *pqColumn, lo, hi int)) string {
		var sb strings.Builder
		for g, hi := range []int{80000, 100000, 101000, rows} {
			lo := []int{0, 80000, 100000, 101000}[g]
			for k := lo; k < hi; {
				n := min(hi-k, 1+rng.IntN(pqBlock))
				add(c, k, k+n)
				k += n
			}
			var buf bytes.Buffer
			out := pqOut{w: bufio.NewWriter(&buf)}
			cc, ix := c.writeChunk(&out)
			c.writeBloom(&out, &cc.MetaData)
			out.flush()
			fmt.Fprintf(&sb, "%x\n%+v\n%+v\n", buf.Bytes(), cc, ix)
		}
		return sb.String()
	}
	for _, pageRows := range []int{math.MaxInt, 100, 4096} {
		for _, p := range []float64{0, 0.1, 0.9, 1} {
			null := nulls(p)
			for _, typ := range []format.Type{format.Int64, format.Int32, format.ByteArray} {
				name := fmt.Sprintf("%v/pageRows=%d/nulls=%v", typ, pageRows, p)
				col := func() *pqColumn {
					c := newPQColumn(newPQScratch(), []string{"x"}, typ, 1, 0, typ == format.ByteArray)
					c.pageRows = pageRows
					return c
				}
				want := chunks(col(), func(c *pqColumn, lo, hi int) {
					for i := lo; i < hi; i++ {
						c.beginRow()
						switch {
						case null[i]:
							c.addNull(0, 0)
						case typ == format.Int64:
							c.addInt64(0, i64s[i])
						case typ == format.Int32:
							c.addInt32(0, int32(i64s[i]))
						default:
							c.addBytes(0, strs[i])
						}
					}
				})
				got := chunks(col(), func(c *pqColumn, lo, hi int) {
					n := 0
					for _, b := range null[lo:hi] {
						if b {
							n++
						}
					}
					switch typ {
					case format.Int64:
						addIntRows(c, null[lo:hi], i64s[lo:hi], n)
					case format.Int32:
						i32s := make([]int32, hi-lo)
						for i := range i32s {
							i32s[i] = int32(i64s[lo+i])
						}
						addIntRows(c, null[lo:hi], i32s, n)
					default:
						c.addStringRows(null[lo:hi], strs[lo:hi])
					}
				})
				if got != want {
					t.Errorf("%s: chunks differ from row-by-row appends", name)
				}
			}
		}
	}
}

// TestPQHash: every byte of a value counts in its hash, whatever its
// length (inline up to 64 bytes, maphash beyond): values that differ in
// one byte, or only in length, hash apart.
func TestPQHash(t *testing.T) {
	seen := map[uint64]string{}
	add := func(b []byte) {
		h := pqHash(b)
		if prev, ok := seen[h]; ok && prev != string(b) {
			t.Errorf("pqHash(%q) = pqHash(%q)", b, prev)
		}
		seen[h] = string(b)
	}
	for n := 0; n <= 72; n++ {
		base := bytes.Repeat([]byte{'a'}, n)
		add(base)
		for i := range n {
			b := bytes.Clone(base)
			b[i] = 'b'
			add(b)
		}
	}
}

// pageHeaders returns the header of every data page of column chunk md
// of data, by its offset index.
func pageHeaders(t *testing.T, data []byte, f *parquet.File, g, col int) []format.PageHeader {
	t.Helper()
	oi, err := f.RowGroups()[g].ColumnChunks()[col].(*parquet.FileColumnChunk).OffsetIndex()
	if err != nil {
		t.Fatal(err)
	}
	var hs []format.PageHeader
	for i := range oi.NumPages() {
		var h format.PageHeader
		r := bytes.NewReader(data[oi.Offset(i):])
		if err := thrift.NewDecoder(new(thrift.CompactProtocol).NewReader(r)).Decode(&h); err != nil {
			t.Fatalf("row group %d column %d page %d: %v", g, col, i, err)
		}
		hs = append(hs, h)
	}
	return hs
}

// TestParquetWriter_RawPages: data pages whose values zstd does not
// shrink (random integers, after DELTA_BINARY_PACKED) and pages of nulls
// only are stored uncompressed, is_compressed false, in a ZSTD chunk;
// pages that compress (a periodic column) stay compressed. parquet-go
// and hunt's reader read the rows back.
func TestParquetWriter_RawPages(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(3, 4))
	var sb strings.Builder
	const n = 40000
	for i := range n {
		fmt.Fprintf(&sb, "2 123456789012 eni-0a1b2c3d 10.0.0.%d 172.16.0.1 443 1000 6 %d %d 1767225600 1767225660 ACCEPT OK\n",
			i%7, []int{5, 1 << 20, 77, 3, 1 << 30}[i%5], rng.Int64N(1<<40))
	}
	text := sb.String()
	batches := readFlowBatches(t, mem, text)
	defer releaseBatches(batches)
	data := writeParquet(t, "vpc_flow", batches, 0, false)
	got := readFlowParquet(t, data, WithColumns(flowColumns()...))
	want := readFlowText(t, strings.NewReader(text), WithColumns(flowColumns()...))
	if g, w := sortedRows(got.rows), sortedRows(want.rows); got.err != nil || !slices.Equal(g, w) {
		t.Fatalf("read back %d rows (%v), want %d; first differing: %v", len(got.rows), got.err, len(want.rows), firstDiff(g, w))
	}
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	leaves := f.Schema().Columns()
	seen := map[string]int{}
	for g := range f.RowGroups() {
		for ci := range leaves {
			name := strings.Join(leaves[ci], ".")
			md := f.Metadata().RowGroups[g].Columns[ci].MetaData
			checkChunkPages(t, fmt.Sprintf("row group %d column %s", g, name), f.RowGroups()[g].ColumnChunks()[ci].(*parquet.FileColumnChunk), md, isBloom("vpc_flow", leaves[ci]))
			if md.Codec != format.Zstd {
				t.Errorf("row group %d column %s: codec %v; want ZSTD", g, name, md.Codec)
			}
			for i, h := range pageHeaders(t, data, f, g, ci) {
				if h.Type != format.DataPageV2 {
					t.Fatalf("row group %d column %s page %d: %v; want DATA_PAGE_V2", g, name, i, h.Type)
				}
				dh := h.DataPageHeaderV2.V
				raw := dh.IsCompressed.Valid && !dh.IsCompressed.V
				where := fmt.Sprintf("row group %d column %s page %d (%d of %d bytes)", g, name, i, h.CompressedPageSize, h.UncompressedPageSize)
				switch {
				case name == "bytes" || dh.NumNulls == dh.NumValues:
					if !raw || h.CompressedPageSize != h.UncompressedPageSize {
						t.Errorf("%s: is_compressed %v; want false, the page stored as is", where, dh.IsCompressed)
					}
					seen[name]++
				case name == "packets":
					if raw || h.CompressedPageSize >= h.UncompressedPageSize {
						t.Errorf("%s: is_compressed %v; want compressed", where, dh.IsCompressed)
					}
					seen[name]++
				}
			}
		}
	}
	for _, name := range []string{"bytes", "packets", "ecs_task_id"} {
		if seen[name] < 2 {
			t.Errorf("column %s: %d pages checked; want several", name, seen[name])
		}
	}
}

// TestPQColumn_CompressBackoff: after a page zstd does not shrink, the
// pages in the same place of the column's next 1, then 3, then 7 ...
// chunks are not tried; a page tried and shrunk is compressed, and so are
// the pages after it. Pages in other places of their chunks, pages of
// dictionary ids and other pages count apart; PLAIN byte-array pages are
// always tried.
func TestPQColumn_CompressBackoff(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	periodic := bytes.Repeat([]byte("0123456789abcdef"), 256)
	c := newPQColumn(newPQScratch(), []string{"x"}, format.Int64, 1, 0, false)
	var got []byte
	for p := range 24 {
		values := random
		if p >= 10 {
			values = periodic
		}
		body, compressed := c.compress(values)
		switch {
		case compressed && len(body) < len(values):
			got = append(got, 'z')
		case !compressed && bytes.Equal(body, values):
			got = append(got, '-')
		default:
			t.Fatalf("page %d: compress returned %d bytes (compressed %v) of %d", p, len(body), compressed, len(values))
		}
	}
	// Tries at pages 0, 2, 6 (random: stored), 14 (periodic: compressed).
	if want := "--------------zzzzzzzzzz"; string(got) != want {
		t.Errorf("pages %s; want %s", got, want)
	}
	// Chunks of two pages, the first random, the second periodic: the
	// second pages are tried and compressed whatever the first did.
	c = newPQColumn(newPQScratch(), []string{"x"}, format.Int64, 1, 0, false)
	got = got[:0]
	for range 8 {
		c.locs = c.locs[:0] // a new chunk
		for _, values := range [][]byte{random, periodic} {
			if _, compressed := c.compress(values); compressed {
				got = append(got, 'z')
			} else {
				got = append(got, '-')
			}
			c.locs = append(c.locs, format.PageLocation{}) // a page written
		}
	}
	if want := strings.Repeat("-z", 8); string(got) != want {
		t.Errorf("chunks' pages %s; want %s", got, want)
	}
	// A dictionary page's miss does not skip the next PLAIN page.
	c = newPQColumn(newPQScratch(), []string{"x"}, format.ByteArray, 1, 0, false)
	if _, compressed := c.compress(random); compressed || !c.useDict {
		t.Fatalf("random dictionary ids compressed (or not dictionary-encoded: %v)", c.useDict)
	}
	c.useDict = false
	if _, compressed := c.compress(periodic); !compressed {
		t.Error("PLAIN page after a dictionary page's miss not compressed")
	}
	// PLAIN byte-array pages are always tried: a miss skips none.
	if _, compressed := c.compress(random); compressed {
		t.Fatal("random PLAIN page compressed")
	}
	if _, compressed := c.compress(periodic); !compressed {
		t.Error("PLAIN page after a PLAIN page's miss not compressed")
	}
	if body, compressed := c.compress(nil); compressed || len(body) != 0 {
		t.Errorf("empty page: %d bytes, compressed %v; want none, not compressed", len(body), compressed)
	}
}

// TestPQColumn_DictPageBounds: a dictionary-encoded page's bounds are
// its values' least and greatest as bytes.Compare orders them, among
// values alike in their first 8 bytes, shorter than 8 bytes, or alike
// but for trailing zero bytes.
func TestPQColumn_DictPageBounds(t *testing.T) {
	vals := []string{"", "\x00", "a", "a\x00", "a\x00\x00", "ab", "abcdefgh", "abcdefgh\x00", "abcdefgh0", "abcdefgh1",
		"abcdefgh10", "abcdefgi", "abcdefg", "abcdefg\xff", "b", "\xff\xff\xff\xff\xff\xff\xff\xff", "\xff\xff\xff\xff\xff\xff\xff\xff\x00"}
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 2000 {
		c := newPQColumn(newPQScratch(), []string{"x"}, format.ByteArray, 1, 0, false)
		var page []string
		for range 1 + rng.IntN(12) {
			v := vals[rng.IntN(len(vals))]
			page = append(page, v)
			c.addBytes(0, []byte(v))
		}
		lo, hi := c.pageBounds()
		wlo, whi := slices.Min(page), slices.Max(page)
		if string(lo) != wlo || string(hi) != whi {
			t.Fatalf("trial %d: page %q: bounds %q..%q; want %q..%q", trial, page, lo, hi, wlo, whi)
		}
	}
}

// TestPQEqual compares pqEqual with bytes.Equal on every length up to 40,
// equal and with one byte different at each position, and on lengths
// that differ.
func TestPQEqual(t *testing.T) {
	base := []byte("10.11.27.54-eni-01dc65c83f98d9039-761975611326")
	for n := range 41 {
		a := append([]byte(nil), base[:n]...)
		for pos := -1; pos < n; pos++ {
			b := append([]byte(nil), a...)
			if pos >= 0 {
				b[pos] ^= 0x20
			}
			if got, want := pqEqual(a, b), bytes.Equal(a, b); got != want {
				t.Fatalf("pqEqual(%q, %q) = %v; want %v", a, b, got, want)
			}
		}
		if n > 0 && pqEqual(a, a[:n-1]) {
			t.Fatalf("pqEqual(%q, %q) = true", a, a[:n-1])
		}
	}
}

// BenchmarkPQDict looks up 64 Ki flow-log addresses (4096 distinct, of
// 7 to 15 bytes) in a chunk dictionary; MB/s is of the values.
func BenchmarkPQDict(b *testing.B) {
	vals := make([][]byte, 64<<10)
	for i := range vals {
		j := i * 7919 % 4096
		vals[i] = fmt.Appendf(nil, "10.%d.%d.%d", j%7, j%251, j/16)
	}
	benchPQDict(b, vals)
}

// BenchmarkPQDict_Long looks up 64 Ki CloudTrail-like values of 33 to 64
// bytes (ARNs, event IDs; 4096 distinct) in a chunk dictionary; MB/s is
// of the values.
func BenchmarkPQDict_Long(b *testing.B) {
	vals := make([][]byte, 64<<10)
	for i := range vals {
		j := i * 7919 % 4096
		switch j % 3 {
		case 0:
			vals[i] = fmt.Appendf(nil, "arn:aws:iam::%012d:role/r-%d", 761975611326+j%17, j)
		case 1:
			vals[i] = fmt.Appendf(nil, "%08x-1c2d-4e5f-8a9b-%012x", j*2654435761, j)
		default:
			vals[i] = fmt.Appendf(nil, "arn:aws:sts::%012d:assumed-role/Admin/s%d", 761975611326+j%5, j)
		}
	}
	benchPQDict(b, vals)
}

// benchPQDict looks vals up in a fresh chunk dictionary per iteration;
// MB/s is of the values.
func benchPQDict(b *testing.B, vals [][]byte) {
	size := 0
	for _, v := range vals {
		size += len(v)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var d pqDict
	for b.Loop() {
		d.reset()
		for _, v := range vals {
			parquetSink += int(d.id(v))
		}
	}
}

// TestSpareBuf: a closed writer keeps its buffers of up to pqSpareBytes,
// emptied, and drops larger ones.
func TestSpareBuf(t *testing.T) {
	if b := spareBuf(make([]byte, 10, pqSpareBytes)); b == nil || len(b) != 0 || cap(b) != pqSpareBytes {
		t.Errorf("spareBuf of %d bytes: len %d cap %d; want 0, %d", pqSpareBytes, len(b), cap(b), pqSpareBytes)
	}
	if b := spareBuf(make([]uint64, 1, pqSpareBytes/8+1)); b != nil {
		t.Errorf("spareBuf of %d bytes: cap %d; want nil", pqSpareBytes+8, cap(b))
	}
	if b := spareBuf(make([]int32, 3, pqSpareBytes/4)); b == nil || len(b) != 0 {
		t.Errorf("spareBuf of %d bytes of int32: %v; want empty", pqSpareBytes, b)
	}
}
