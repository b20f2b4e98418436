package parsers

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// allocated returns the bytes fn allocated on the Go heap.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// readParquetAny opens data with the reader of table and reads it to the
// end, returning the first error.
func readParquetAny(t *testing.T, mem memory.Allocator, table string, data []byte, cols ...string) error {
	t.Helper()
	opts := []Option{WithAllocator(mem)}
	if cols != nil {
		opts = append(opts, WithColumns(cols...))
	}
	if table == "cloudtrail" {
		r, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet", Pruning{}, opts...)
		if err != nil {
			return err
		}
		defer r.Release()
		for r.Next() {
		}
		return r.Err()
	}
	r, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet", Pruning{}, opts...)
	if err != nil {
		return err
	}
	defer r.Release()
	for r.Next() {
	}
	return r.Err()
}

// TestParquet_Alloc4G: a 37 KB file whose footer length claims 4 GiB made
// parquet-go allocate it ("fatal error: out of memory"); the claim is now
// checked against the file's size first.
func TestParquet_Alloc4G(t *testing.T) {
	data, err := os.ReadFile("testdata/alloc4g.parquet")
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"cloudtrail", "vpc_flow"} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		var err error
		n := allocated(func() { err = readParquetAny(t, mem, table, data) })
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, ErrCorrupt) || pe.Source != "f.parquet" || pe.Path != "footer length" ||
			pe.Offset != int64(len(data)-8) || !strings.Contains(err.Error(), "found 4294967295") {
			t.Errorf("%s: got %v; want a ParseError at the footer length", table, err)
		}
		if n > 16<<20 {
			t.Errorf("%s: allocated %d MiB for a %d-byte file", table, n>>20, len(data))
		}
		mem.AssertSize(t, 0)
	}
	if n := allocated(func() { ParquetTable(bytes.NewReader(data), int64(len(data))) }); n > 16<<20 {
		t.Errorf("ParquetTable allocated %d MiB for a %d-byte file", n>>20, len(data))
	}
}

// parquetFooter splits a Parquet file into its data and decoded footer.
func parquetFooter(t *testing.T, data []byte) ([]byte, *format.FileMetaData) {
	t.Helper()
	n := int(binary.LittleEndian.Uint32(data[len(data)-8:]))
	end := len(data) - 8 - n
	var md format.FileMetaData
	if err := thrift.Unmarshal(new(thrift.CompactProtocol), data[end:len(data)-8], &md); err != nil {
		t.Fatal(err)
	}
	return data[:end], &md
}

// parquetFile joins data and a footer into a Parquet file.
func parquetFile(t *testing.T, data []byte, md *format.FileMetaData) []byte {
	t.Helper()
	footer, err := thrift.Marshal(new(thrift.CompactProtocol), md)
	if err != nil {
		t.Fatal(err)
	}
	out := append(append([]byte{}, data...), footer...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(footer)))
	return append(out, "PAR1"...)
}

// withPage returns data with column col of row group 0 replaced by one
// page: header (thrift-encoded) and body, compressed with codec.
func withPage(t *testing.T, file []byte, col int, codec format.CompressionCodec, h format.PageHeader, body []byte) []byte {
	t.Helper()
	data, md := parquetFooter(t, file)
	hdr, err := thrift.Marshal(new(thrift.CompactProtocol), &h)
	if err != nil {
		t.Fatal(err)
	}
	m := &md.RowGroups[0].Columns[col].MetaData
	m.DataPageOffset, m.DictionaryPageOffset = int64(len(data)), 0
	m.TotalCompressedSize = int64(len(hdr) + len(body))
	m.Codec = codec
	data = append(append(append([]byte{}, data...), hdr...), body...)
	return parquetFile(t, data, md)
}

// TestParquet_BoundedClaims_Failure: each claim a file can make about sizes
// and counts is checked against the bytes it has, before parquet-go
// allocates for it; the error is positioned and names what was claimed.
func TestParquet_BoundedClaims_Failure(t *testing.T) {
	flow, err := os.ReadFile(vpcFlowParquetSample)
	if err != nil {
		t.Fatal(err)
	}
	const col = 7 // protocol
	dataPage := func(uncompressed, compressed, values int32) format.PageHeader {
		h := format.PageHeader{Type: format.DataPage, UncompressedPageSize: uncompressed, CompressedPageSize: compressed}
		h.DataPageHeader.Valid = true
		h.DataPageHeader.V = format.DataPageHeader{NumValues: values, Encoding: format.Plain, DefinitionLevelEncoding: format.RLE, RepetitionLevelEncoding: format.RLE}
		return h
	}
	body := bytes.Repeat([]byte{0}, 64)
	zstdFrame := func(fcs uint64, blocks ...[3]byte) []byte {
		b := binary.LittleEndian.AppendUint32(nil, 0xFD2FB528)
		b = append(b, 0xE0) // 8-byte content size, single segment
		b = binary.LittleEndian.AppendUint64(b, fcs)
		for _, bl := range blocks {
			b = append(b, bl[:]...)
			if bl[0]>>1&3 == 1 {
				b = append(b, 'x') // the RLE byte
			}
		}
		return b
	}
	rle := func(size int, last bool) [3]byte {
		v := uint32(size)<<3 | 1<<1
		if last {
			v |= 1
		}
		return [3]byte{byte(v), byte(v >> 8), byte(v >> 16)}
	}
	var rles [][3]byte
	for range 99 {
		rles = append(rles, rle(128<<10, false))
	}
	rles = append(rles, rle(128<<10, true))

	rowsFile := func() []byte {
		data, md := parquetFooter(t, flow)
		md.RowGroups[0].NumRows = 1 << 50
		md.NumRows = 1 << 50
		for i := 1; i < len(md.RowGroups); i++ {
			md.NumRows += md.RowGroups[i].NumRows
		}
		return parquetFile(t, data, md)
	}
	chunkFile := func() []byte {
		data, md := parquetFooter(t, flow)
		md.RowGroups[0].Columns[col].MetaData.TotalCompressedSize = 1 << 40
		return parquetFile(t, data, md)
	}
	// A footer whose schema list claims 2^28 elements in 20 bytes.
	listFooter := []byte{0x15, 0x02, 0x19, 0xFC, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00}
	listFile := append([]byte("PAR1"), listFooter...)
	listFile = binary.LittleEndian.AppendUint32(listFile, uint32(len(listFooter)))
	listFile = append(listFile, "PAR1"...)

	tests := []struct {
		name string
		data []byte
		path string
		want string
	}{
		{"footer list size", listFile, "footer.schema", "(the bytes left), found 268435456"},
		{"rows", rowsFile(), "row group 0", "rows in all (what"},
		{"chunk range", chunkFile(), "row group 0 column protocol", "found 1099511627776 bytes at offset"},
		{"compressed page size", withPage(t, flow, col, format.Uncompressed, dataPage(64, 1<<30, 1), body),
			"row group 0 column protocol", "expected a page of at most 64 bytes (the rest of the chunk), found 1073741824 bytes"},
		{"uncompressed page size", withPage(t, flow, col, format.Gzip, dataPage(1<<30, 64, 1), body),
			"row group 0 column protocol", "expected an uncompressed page of at most 1114112 bytes (1024 times its 64 compressed bytes), found 1073741824 bytes"},
		{"values", withPage(t, flow, col, format.Uncompressed, dataPage(64, 64, 1<<30), body),
			"row group 0 column protocol", "values (the chunk's), found 1073741824 values"},
		{"snappy length", withPage(t, flow, col, format.Snappy, dataPage(64, 64, 1), append(binary.AppendUvarint(nil, 1<<30), body[:59]...)),
			"row group 0 column protocol", "expected a Snappy stream of at most 64 bytes (the page's size), found one declaring 1073741824"},
		{"zstd content size", withPage(t, flow, col, format.Zstd, dataPage(64, 16, 1), zstdFrame(1<<40, rle(1, true))),
			"row group 0 column protocol", "found a frame declaring 1099511627776 bytes"},
		{"zstd blocks", withPage(t, flow, col, format.Zstd, dataPage(400, 413, 1), zstdFrame(0, rles...)[:413]),
			"row group 0 column protocol", "found blocks of up to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			var err error
			n := allocated(func() { err = readParquetAny(t, mem, "vpc_flow", tt.data, "protocol") })
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrCorrupt) || pe.Source != "f.parquet" || pe.Path != tt.path || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v; want a ParseError wrapping ErrCorrupt at %q containing %q", err, tt.path, tt.want)
			}
			if pe != nil && (pe.Offset < 0 || pe.Offset > int64(len(tt.data))) {
				t.Errorf("offset %d outside the %d-byte file", pe.Offset, len(tt.data))
			}
			if n > 32<<20 {
				t.Errorf("allocated %d MiB for a %d-byte file", n>>20, len(tt.data))
			}
		})
	}
}

// TestParquet_RowGroupChecks: what parquet-go checks of a file's row
// groups when it opens one (ordinals, row counts) hunt checks too, so the
// flow reader opening a file lazily (its own footer decoder) and eagerly
// (parquet-go's) reads the same rows or gives the same positioned error.
func TestParquet_RowGroupChecks(t *testing.T) {
	file := footerFiles(t)["hunt vpc_flow"]
	edit := func(f func(md *format.FileMetaData)) []byte {
		data, md := parquetFooter(t, file)
		if len(md.RowGroups) != 3 {
			t.Fatalf("%d row groups; the test wants 3", len(md.RowGroups))
		}
		f(md)
		return parquetFile(t, data, md)
	}
	tests := []struct {
		name string
		data []byte
		path string // "" for a file read whole
		want string
	}{
		{"ordinals as written", file, "", ""},
		{"ordinals left out", edit(func(md *format.FileMetaData) {
			for i := range md.RowGroups {
				md.RowGroups[i].Ordinal = 0
			}
		}), "", ""},
		{"ordinal out of place", edit(func(md *format.FileMetaData) { md.RowGroups[1].Ordinal = 5 }),
			"row group 1", "expected ordinal 1 (its position), found 5"},
		{"negative row group rows", edit(func(md *format.FileMetaData) { md.RowGroups[2].NumRows = -50 }),
			"row group 2", "rows in all (what"},
		{"negative file rows", edit(func(md *format.FileMetaData) { md.NumRows = -1 }),
			"footer", "expected 3000 rows (the row groups' sum), found -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lazy, _, _ := readFlowParquetGroups(t, tt.data, Pruning{})
			eager, _, _ := readFlowParquetGroups(t, tt.data, Pruning{}, withParquetGo())
			if fmt.Sprint(lazy.err) != fmt.Sprint(eager.err) || !slices.Equal(lazy.rows, eager.rows) {
				t.Fatalf("lazily: %d rows, %v; eagerly (parquet-go): %d rows, %v", len(lazy.rows), lazy.err, len(eager.rows), eager.err)
			}
			if tt.path == "" {
				if lazy.err != nil || len(lazy.rows) != 3000 {
					t.Fatalf("%d rows, %v; want 3000 rows", len(lazy.rows), lazy.err)
				}
				return
			}
			var pe *ParseError
			if !errors.As(lazy.err, &pe) || !errors.Is(lazy.err, ErrCorrupt) || pe.Path != tt.path || !strings.Contains(lazy.err.Error(), tt.want) {
				t.Errorf("got %v; want a ParseError wrapping ErrCorrupt at %q containing %q", lazy.err, tt.path, tt.want)
			}
		})
	}
}

// TestOpenParquet_ReadsFooterOnce: the footer, the magic bytes and the
// footer length are read from the file once (each read may be a ranged
// GET), and counted in Stats.Bytes.
func TestOpenParquet_ReadsFooterOnce(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	str := func(s string) *string { return &s }
	data := writeGenericParquet(t, []ctParquetRow{{str("2024-03-05T10:00:00Z"), str("A")}, {str("2024-03-05T10:00:01Z"), str("B")}})
	size := int64(len(data))
	footer := size - 8 - int64(binary.LittleEndian.Uint32(data[size-8:]))
	rr := &rangesReaderAt{r: bytes.NewReader(data)}
	r, err := NewCloudTrailParquetReader(rr, size, "f.parquet", Pruning{}, WithAllocator(mem), WithColumns("eventname"))
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for r.Next() {
		rows += int(r.Batch().NumRows())
	}
	r.Release()
	if r.Err() != nil || rows != 2 {
		t.Fatalf("%d rows, err %v; want 2", rows, r.Err())
	}
	var head, tail, foot, n int64
	for _, rg := range rr.ranges {
		n += rg[1] - rg[0]
		switch {
		case rg[0] < 4:
			head++
		case rg[1] > size-8:
			tail++
		case rg[1] > footer:
			foot++
		}
	}
	if head != 1 || tail != 1 || foot != 1 {
		t.Errorf("reads %v: head %d, tail %d, footer %d times; want once each", rr.ranges, head, tail, foot)
	}
	// Page headers are read again uncounted (checks), so Bytes is at most
	// what was read.
	if got := r.Stats().Bytes; got < size-footer+4 || got > n {
		t.Errorf("Stats().Bytes = %d; want the footer, magic bytes and length (%d) and at most the %d bytes read", got, size-footer+4, n)
	}
}
