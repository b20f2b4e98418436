package parsers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"
)

// pqPagesRow has the columns pqChunk decodes: integers and text,
// optional and required, dictionary-encoded, PLAIN and (integers)
// DELTA_BINARY_PACKED.
type pqPagesRow struct {
	I32  *int32  `parquet:"i32,optional,plain"`
	I32D *int32  `parquet:"i32d,optional,dict"`
	I64  int64   `parquet:"i64,plain"`
	I64D *int64  `parquet:"i64d,optional,dict"`
	S    *string `parquet:"s,optional,plain"`
	SD   *string `parquet:"sd,optional,dict"`
	SR   string  `parquet:"sr,dict"`
	I32X int32   `parquet:"i32x,optional,delta"` // 0 is null
	I64X int64   `parquet:"i64x,delta"`
}

// pqPagesCodecs are the codecs pqChunk is tried with.
var pqPagesCodecs = []compress.Codec{&parquet.Uncompressed, &parquet.Snappy, &parquet.Gzip, &parquet.Zstd, &parquet.Lz4Raw}

// pqPagesFile writes rows random rows (seed) of pqPagesRow with data
// pages of version v, codec, pages of about pageSize bytes, a null in
// about one optional value in nullEvery (0: none) and distinct values
// up to card, in row groups of groupRows rows.
func pqPagesFile(t testing.TB, seed uint64, rows, v int, codec compress.Codec, pageSize, nullEvery, card, groupRows int) []byte {
	rng, rngX := rand.New(rand.NewPCG(seed, 23)), rand.New(rand.NewPCG(seed, 29))
	null := func() bool { return nullEvery > 0 && rng.IntN(nullEvery) == 0 }
	text := func() string {
		return "v" + strconv.Itoa(rng.IntN(card)) + string(make([]byte, rng.IntN(3)))
	}
	data := make([]pqPagesRow, rows)
	for i := range data {
		r := &data[i]
		if !null() {
			x := int32(rng.IntN(card)) - 3
			r.I32 = &x
		}
		if !null() {
			x := int32(rng.IntN(card))
			r.I32D = &x
		}
		r.I64 = rng.Int64N(int64(card)) << 20
		if !null() {
			x := rng.Int64N(int64(card))
			r.I64D = &x
		}
		if !null() {
			s := text()
			r.S = &s
		}
		if !null() {
			s := text()
			r.SD = &s
		}
		r.SR = text()
		// The delta columns draw from their own generator: the other
		// columns keep the values they had before these were added.
		if nullEvery == 0 || rngX.IntN(nullEvery) != 0 {
			r.I32X = int32(rngX.IntN(card)) - int32(card/2)
		}
		r.I64X = int64(i)<<33 - rngX.Int64N(int64(card))
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[pqPagesRow](&buf, parquet.DataPageVersion(v), parquet.Compression(codec), parquet.PageBufferSize(pageSize))
	for len(data) > 0 {
		n := min(groupRows, len(data))
		if _, err := w.Write(data[:n]); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		data = data[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pqValuesOwn returns the values of column chunk col of row group g read
// through pqChunk, a string per row ("null" for a null), and the number
// of pages.
func pqValuesOwn(pf *pqFile, ch *pqChunk, g, col int) ([]string, int, error) {
	leaf := pf.mustFile().Schema().Columns()[col]
	lc, _ := pf.mustFile().Schema().Lookup(leaf...)
	kind, _ := kindOf(lc.Node)
	if !pqChunkCan(pf, g, col, kind, lc.MaxDefinitionLevel) {
		return nil, 0, fmt.Errorf("pqChunkCan refused column %v", leaf)
	}
	if err := ch.load(pf, pf.r, g, col, leaf[0], kind, lc.MaxDefinitionLevel); err != nil {
		return nil, 0, err
	}
	var out []string
	pages := 0
	for {
		err := ch.nextPage()
		if err == io.EOF {
			return out, pages, nil
		}
		if err != nil {
			return out, pages, err
		}
		pages++
		var cur pageCursor
		err = cur.loadChunk(ch, leaf[0], func(ch *pqChunk) (int, error) { return pqValuesLen(&ch.dict), nil })
		if err != nil {
			return out, pages, err
		}
		v := 0
		for i := range ch.rows {
			if cur.defs != nil && cur.defs[i] == 0 {
				out = append(out, "null")
				continue
			}
			if cur.idx != nil {
				out = append(out, pqValueAt(&ch.dict, int(cur.idx[v])))
			} else {
				out = append(out, pqValueAt(&ch.vals, v))
			}
			v++
		}
	}
}

// pqValuesGo returns the values of the same chunk read by parquet-go.
func pqValuesGo(f *parquet.File, g, col int) ([]string, error) {
	pages := f.RowGroups()[g].ColumnChunks()[col].Pages()
	defer pages.Close()
	var out []string
	vals := make([]parquet.Value, 64)
	for {
		pg, err := pages.ReadPage()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		vr := pg.Values()
		for {
			n, err := vr.ReadValues(vals)
			for _, v := range vals[:n] {
				switch {
				case v.IsNull():
					out = append(out, "null")
				case v.Kind() == parquet.ByteArray:
					out = append(out, strconv.Quote(string(v.ByteArray())))
				default:
					out = append(out, strconv.FormatInt(v.Int64(), 10))
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return out, err
			}
		}
		parquet.Release(pg)
	}
}

// pqValueAt formats value k of v as pqValuesGo does.
func pqValueAt(v *encoding.Values, k int) string {
	switch v.Kind() {
	case encoding.Int32:
		return strconv.FormatInt(int64(v.Int32()[k]), 10)
	case encoding.Int64:
		return strconv.FormatInt(v.Int64()[k], 10)
	}
	data, offs := v.ByteArray()
	return strconv.Quote(string(data[offs[k]:offs[k+1]]))
}

// pqValuesLen is the number of values of v.
func pqValuesLen(v *encoding.Values) int {
	switch v.Kind() {
	case encoding.Int32:
		return len(v.Int32())
	case encoding.Int64:
		return len(v.Int64())
	}
	_, offs := v.ByteArray()
	return max(len(offs)-1, 0)
}

// pqPagesCase is one file of TestPQChunk_SameAsParquetGo and
// FuzzPQChunk: the arguments of pqPagesFile.
type pqPagesCase struct {
	seed                                           uint64
	rows, version, codec, page, nulls, card, group int
}

func (c pqPagesCase) String() string {
	return fmt.Sprintf("seed%d/rows%d/v%d/%s/page%d/nulls%d/card%d/group%d", c.seed, c.rows, c.version,
		pqPagesCodecs[c.codec], c.page, c.nulls, c.card, c.group)
}

// checkPQChunk reads every column chunk of c's file through pqChunk and
// through parquet-go and fails when a value differs; it returns the
// number of data pages.
func checkPQChunk(t *testing.T, c pqPagesCase) int {
	t.Helper()
	data := pqPagesFile(t, c.seed, c.rows, c.version, pqPagesCodecs[c.codec], c.page, c.nulls, c.card, c.group)
	pf, err := openParquet(bytes.NewReader(data), bytes.NewReader(data), int64(len(data)), "x.parquet")
	if err != nil {
		t.Fatal(err)
	}
	ch := getPQChunk()
	defer putPQChunk(ch)
	pages := 0
	for g := range pf.mustFile().RowGroups() {
		for col := range pf.mustFile().Schema().Columns() {
			own, n, err := pqValuesOwn(pf, ch, g, col)
			if err != nil {
				t.Fatalf("%v: row group %d column %d: %v", c, g, col, err)
			}
			pages += n
			want, err := pqValuesGo(pf.f, g, col)
			if err != nil {
				// parquet-go cannot read back some LZ4_RAW pages it
				// wrote: nothing to compare with.
				t.Logf("%v: row group %d column %d: parquet-go: %v", c, g, col, err)
				continue
			}
			if len(own) != len(want) {
				t.Fatalf("%v: row group %d column %d: %d values; want %d", c, g, col, len(own), len(want))
			}
			for i := range want {
				if own[i] != want[i] {
					t.Fatalf("%v: row group %d column %d row %d: got %s; want %s", c, g, col, i, own[i], want[i])
				}
			}
		}
	}
	return pages
}

// TestPQChunk_SameAsParquetGo reads files of every page version and
// codec, with and without nulls and dictionaries, many pages to a chunk,
// through pqChunk and through parquet-go: the values must be the same.
func TestPQChunk_SameAsParquetGo(t *testing.T) {
	for codec := range pqPagesCodecs {
		for _, v := range []int{1, 2} {
			for _, nulls := range []int{0, 3, 1} {
				c := pqPagesCase{seed: uint64(codec*10 + v), rows: 3000, version: v, codec: codec, page: 1 << 10, nulls: nulls, card: 50, group: 1200}
				if nulls == 1 {
					c.card = 5000 // wide dictionaries, mostly nulls
				}
				t.Run(c.String(), func(t *testing.T) {
					if pages := checkPQChunk(t, c); pages < 7*3*2 {
						t.Fatalf("%d data pages; want several per chunk", pages)
					}
				})
			}
		}
	}
}

// FuzzPQChunk compares pqChunk with parquet-go over random files.
func FuzzPQChunk(f *testing.F) {
	f.Add(uint64(1), uint16(500), uint8(1), uint8(3), uint16(700), uint8(4), uint16(30), uint16(200))
	f.Add(uint64(2), uint16(70), uint8(2), uint8(0), uint16(64), uint8(0), uint16(1), uint16(70))
	f.Fuzz(func(t *testing.T, seed uint64, rows uint16, v, codec uint8, page uint16, nulls uint8, card, group uint16) {
		c := pqPagesCase{seed: seed, rows: int(rows%4000) + 1, version: int(v%2) + 1, codec: int(codec) % len(pqPagesCodecs),
			page: int(page) + 16, nulls: int(nulls % 8), card: int(card%6000) + 1, group: int(group%3000) + 1}
		checkPQChunk(t, c)
	})
}

// TestPQChunk_Damaged_Failure reads files with a byte of their pages
// changed: pqChunk must return an error wrapping ErrCorrupt, ErrFormat
// or ErrTruncated, or values, never panic.
func TestPQChunk_Damaged_Failure(t *testing.T) {
	c := pqPagesCase{seed: 7, rows: 600, version: 1, codec: 0, page: 512, nulls: 3, card: 40, group: 600}
	for _, v := range []int{1, 2} {
		c.version = v
		data := pqPagesFile(t, c.seed, c.rows, c.version, pqPagesCodecs[c.codec], c.page, c.nulls, c.card, c.group)
		end := len(data) - 8 - int(uint32(data[len(data)-8])|uint32(data[len(data)-7])<<8|uint32(data[len(data)-6])<<16|uint32(data[len(data)-5])<<24)
		rng := rand.New(rand.NewPCG(uint64(v), 1))
		for range 400 {
			bad := bytes.Clone(data)
			at := 4 + rng.IntN(end-4)
			bad[at] ^= byte(1 + rng.IntN(255))
			pf, err := openParquet(bytes.NewReader(bad), bytes.NewReader(bad), int64(len(bad)), "x.parquet")
			if err != nil {
				t.Fatal(err) // the footer is intact
			}
			ch := getPQChunk()
			for col := range pf.mustFile().Schema().Columns() {
				_, _, err := pqValuesOwn(pf, ch, 0, col)
				if err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTruncated) {
					t.Fatalf("byte %d changed: column %d: %v; want an error wrapping ErrCorrupt, ErrFormat or ErrTruncated", at, col, err)
				}
			}
			putPQChunk(ch)
		}
	}
}

// TestVPCFlowParquet_PagesAllocs reads the same flow rows written in
// pages of 64 KiB and of 1 KiB (about 60 times as many pages): the reader
// decodes pages into buffers it keeps (pqChunk), so the small pages cost
// no more allocations than a few per row group.
func TestVPCFlowParquet_PagesAllocs(t *testing.T) {
	skipAllocsUnderRace(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	type flowRow struct {
		Srcaddr *string `parquet:"srcaddr,optional,dict"`
		Dstport *int32  `parquet:"dstport,optional,plain"`
		Start   *int64  `parquet:"start,optional,plain"`
		Action  *string `parquet:"action,optional,dict"`
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rows := make([]flowRow, 20000)
	for i := range rows {
		addr, port, start, action := "10.0.0."+strconv.Itoa(rng.IntN(200)), int32(rng.IntN(65536)), int64(1767600000+i), "ACCEPT"
		if rng.IntN(5) == 0 {
			action = "REJECT"
		}
		rows[i] = flowRow{&addr, &port, &start, &action}
		if rng.IntN(50) == 0 {
			rows[i].Action = nil
		}
	}
	write := func(pageSize int) []byte {
		var buf bytes.Buffer
		pw := parquet.NewGenericWriter[flowRow](&buf, parquet.Compression(&parquet.Zstd), parquet.PageBufferSize(pageSize))
		for r := rows; len(r) > 0; {
			n := min(4096, len(r))
			if _, err := pw.Write(r[:n]); err != nil {
				t.Fatal(err)
			}
			if err := pw.Flush(); err != nil {
				t.Fatal(err)
			}
			r = r[n:]
		}
		if err := pw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	allocs := func(data []byte) float64 {
		return testing.AllocsPerRun(3, func() {
			p, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "x", Pruning{Equal: map[string][]string{"action": {"REJECT"}}},
				WithAllocator(mem), WithColumns("srcaddr", "start", "action", "dstport"))
			if err != nil {
				t.Fatal(err)
			}
			for p.Next() {
			}
			if p.Err() != nil {
				t.Fatal(p.Err())
			}
			p.Release()
		})
	}
	big, small := allocs(write(64<<10)), allocs(write(1<<10))
	groups := float64((len(rows) + 4095) / 4096)
	if small > big+4*groups {
		t.Fatalf("%d rows in %v row groups: %v allocations in 1 KiB pages, %v in 64 KiB pages; want at most %v more", len(rows), groups, small, big, 4*groups)
	}
}

// TestVPCFlowParquet_FilterSameAsUnfiltered reads random flow rows
// (nulls in every column, the filter's column with small and large
// dictionaries, a dictionary holding a bad value) with an equality filter
// and without, filtering the latter here: the reader's filtered rows must
// be those, in order.
func TestVPCFlowParquet_FilterSameAsUnfiltered(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	type flowRow struct {
		Srcaddr *string `parquet:"srcaddr,optional,dict"`
		Start   *int64  `parquet:"start,optional,plain"`
		Action  *string `parquet:"action,optional,dict"`
	}
	for _, tc := range []struct {
		name    string
		actions int  // distinct actions: above flowFilterClassifyAll, no fast path
		nulls   int  // a null in about one value in nulls
		bad     bool // one action holds a control character
	}{
		{"few", 3, 20, false},
		{"few-no-nulls", 3, 0, false},
		{"many", flowFilterClassifyAll + 100, 20, false},
		{"bad", 3, 20, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.actions), 5))
			str := func(s string) *string {
				if tc.nulls > 0 && rng.IntN(tc.nulls) == 0 {
					return nil
				}
				return &s
			}
			rows := make([]flowRow, 30000)
			for i := range rows {
				start := int64(1767600000 + i)
				action := "A" + strconv.Itoa(rng.IntN(tc.actions))
				switch {
				case rng.IntN(4) == 0:
					action = "REJECT"
				case tc.bad && rng.IntN(1000) == 0:
					action = "BAD\x01"
				}
				rows[i] = flowRow{str("10.0.0." + strconv.Itoa(rng.IntN(200))), &start, str(action)}
				if tc.nulls > 0 && rng.IntN(tc.nulls) == 0 {
					rows[i].Start = nil
				}
			}
			var buf bytes.Buffer
			pw := parquet.NewGenericWriter[flowRow](&buf, parquet.Compression(&parquet.Zstd), parquet.PageBufferSize(2<<10))
			if _, err := pw.Write(rows); err != nil {
				t.Fatal(err)
			}
			if err := pw.Close(); err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			read := func(prune Pruning) ([]string, int) {
				p, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "x", prune, WithAllocator(mem), WithColumns("srcaddr", "start", "action"))
				if err != nil {
					t.Fatal(err)
				}
				defer p.Release()
				var out []string
				for p.Next() {
					out = append(out, flowBatchRows(p.Batch())...)
				}
				if p.Err() != nil {
					t.Fatal(p.Err())
				}
				return out, len(p.Rejects().Errs)
			}
			all, allBad := read(Pruning{})
			var want []string
			for _, r := range all {
				if strings.HasSuffix(r, " REJECT") {
					want = append(want, r)
				}
			}
			got, gotBad := read(Pruning{Equal: map[string][]string{"action": {"REJECT"}}})
			if len(want) == 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("%d rows filtered; want %d:\ngot  %q\nwant %q", len(got), len(want), got[:min(len(got), 3)], want[:min(len(want), 3)])
			}
			if gotBad != allBad || tc.bad != (gotBad > 0) {
				t.Fatalf("%d rejects filtered, %d unfiltered; want the same, and some only with a bad value", gotBad, allBad)
			}
		})
	}
}

// TestPQChunkCan_Failure: chunks pqChunk does not decode are left to
// parquet-go: a codec or encoding it does not know, no encodings listed,
// a nested or non-integer, non-text column.
func TestPQChunkCan_Failure(t *testing.T) {
	data := pqPagesFile(t, 1, 100, 1, &parquet.Zstd, 1<<10, 3, 10, 100)
	pf, err := openParquet(bytes.NewReader(data), bytes.NewReader(data), int64(len(data)), "x.parquet")
	if err != nil {
		t.Fatal(err)
	}
	m := &pf.meta.RowGroups[0].Columns[0].MetaData
	if !pqChunkCan(pf, 0, 0, parquet.Int32, 1) {
		t.Fatalf("pqChunkCan refused %v, %v", m.Codec, m.Encoding)
	}
	for _, tc := range []struct {
		name   string
		change func()
		kind   parquet.Kind
		maxDef int
	}{
		{"no encodings listed", func() { m.Encoding = nil }, parquet.Int32, 1},
		{"DELTA_BINARY_PACKED text", func() { m.Encoding = []format.Encoding{format.DeltaBinaryPacked, format.RLE} }, parquet.ByteArray, 1},
		{"DELTA_LENGTH_BYTE_ARRAY", func() { m.Encoding = []format.Encoding{format.DeltaLengthByteArray, format.RLE} }, parquet.ByteArray, 1},
		{"BROTLI", func() { m.Codec = format.Brotli }, parquet.Int32, 1},
		{"DOUBLE", func() {}, parquet.Double, 1},
		{"nested", func() {}, parquet.Int32, 2},
	} {
		enc, codec := m.Encoding, m.Codec
		tc.change()
		if pqChunkCan(pf, 0, 0, tc.kind, tc.maxDef) {
			t.Errorf("%s: pqChunkCan accepted the chunk; want parquet-go to read it", tc.name)
		}
		m.Encoding, m.Codec = enc, codec
	}
}

// TestDeltaInts_Failure: a DELTA_BINARY_PACKED stream is refused with an
// error wrapping ErrCorrupt, before the decoder sizes its output, when
// its header claims more values than its page holds or is cut short.
func TestDeltaInts_Failure(t *testing.T) {
	// Block size 128, 4 miniblocks, 1<<30 values, first value 0.
	huge := []byte{0x80, 0x01, 0x04, 0x80, 0x80, 0x80, 0x80, 0x04, 0x00}
	for _, tc := range []struct {
		name string
		src  []byte
		most int
	}{
		{"more values than the page", huge, 10},
		{"no header", nil, 10},
		{"header cut short", huge[:4], 10},
	} {
		if _, err := deltaInt32s(nil, tc.src, tc.most); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: int32: %v; want an error wrapping ErrCorrupt", tc.name, err)
		}
		if _, err := deltaInt64s(nil, tc.src, tc.most); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: int64: %v; want an error wrapping ErrCorrupt", tc.name, err)
		}
	}
}

// TestPQChunk_SeekRow: seekRow makes the page holding a row the next one
// decoded, and says how many of its rows come before it: the value found
// there is the row's, for every page version, with and without nulls;
// a row past the chunk's is an error wrapping ErrCorrupt.
func TestPQChunk_SeekRow(t *testing.T) {
	for _, v := range []int{1, 2} {
		for _, nulls := range []int{0, 3} {
			c := pqPagesCase{seed: uint64(v), rows: 3000, version: v, codec: 3, page: 1 << 10, nulls: nulls, card: 50, group: 3000}
			data := pqPagesFile(t, c.seed, c.rows, c.version, pqPagesCodecs[c.codec], c.page, c.nulls, c.card, c.group)
			pf, err := openParquet(bytes.NewReader(data), bytes.NewReader(data), int64(len(data)), "x.parquet")
			if err != nil {
				t.Fatal(err)
			}
			ch := getPQChunk()
			for col, leaf := range pf.mustFile().Schema().Columns() {
				want, err := pqValuesGo(pf.f, 0, col)
				if err != nil {
					t.Fatal(err)
				}
				lc, _ := pf.mustFile().Schema().Lookup(leaf...)
				kind, _ := kindOf(lc.Node)
				if err := ch.load(pf, pf.r, 0, col, leaf[0], kind, lc.MaxDefinitionLevel); err != nil {
					t.Fatal(err)
				}
				if len(ch.locs) < 3 {
					t.Fatalf("%v column %v: %d pages; want several", c, leaf, len(ch.locs))
				}
				for _, row := range []int64{2999, 0, 1500, 1, 2000, int64(ch.locs[1].first), int64(ch.locs[1].first) - 1} {
					skip, err := ch.seekRow(row)
					if err != nil {
						t.Fatalf("%v column %v row %d: %v", c, leaf, row, err)
					}
					if err := ch.nextPage(); err != nil {
						t.Fatal(err)
					}
					var cur pageCursor
					if err := cur.loadChunk(ch, leaf[0], func(ch *pqChunk) (int, error) { return pqValuesLen(&ch.dict), nil }); err != nil {
						t.Fatal(err)
					}
					got, val := "null", skip
					if cur.defs != nil {
						val = 0
						for _, d := range cur.defs[:skip] {
							val += int(d)
						}
					}
					switch {
					case cur.defs != nil && cur.defs[skip] == 0:
					case cur.idx != nil:
						got = pqValueAt(&ch.dict, int(cur.idx[val]))
					default:
						got = pqValueAt(&ch.vals, val)
					}
					if got != want[row] {
						t.Errorf("%v column %v row %d: %s; want %s", c, leaf, row, got, want[row])
					}
				}
				if _, err := ch.seekRow(3000); !errors.Is(err, ErrCorrupt) {
					t.Errorf("%v column %v: row 3000 of 3000: %v; want an error wrapping ErrCorrupt", c, leaf, err)
				}
			}
			putPQChunk(ch)
		}
	}
}

// countingAllocator counts the allocations of each size made through it.
type countingAllocator struct {
	memory.Allocator
	sizes map[int]int
}

func (c *countingAllocator) Allocate(size int) []byte {
	c.sizes[size]++
	return c.Allocator.Allocate(size)
}

func TestPQRecycler(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ca := &countingAllocator{Allocator: mem, sizes: map[int]int{}}
	r := &pqRecycler{mem: ca}
	a := r.Allocate(128)
	for i := range a {
		a[i] = 0xff
	}
	r.Free(a)
	b := r.Allocate(128) // a again, cleared
	if &b[0] != &a[0] || len(b) != 128 || bytes.ContainsFunc(b, func(r rune) bool { return r != 0 }) {
		t.Errorf("Allocate after Free: got %p (%d bytes, %x...); want %p cleared", &b[0], len(b), b[:4], &a[0])
	}
	c := r.Allocate(64) // another size: a new buffer
	if ca.sizes[128] != 1 || ca.sizes[64] != 1 {
		t.Errorf("allocations %v; want one of 128 and one of 64", ca.sizes)
	}
	r.Free(b)
	// At most pqRecycleMax buffers are kept; the others go back at once.
	var many [][]byte
	for range pqRecycleMax + 5 {
		many = append(many, r.Allocate(32))
	}
	for _, m := range many {
		r.Free(m)
	}
	if len(r.free) != pqRecycleMax {
		t.Errorf("kept %d buffers; want %d", len(r.free), pqRecycleMax)
	}
	r.close() // hands back the kept ones
	r.Free(c) // after close: straight back
	if got := r.Allocate(128); ca.sizes[128] != 2 {
		t.Errorf("Allocate after close: %d allocations of 128; want 2 (nothing kept)", ca.sizes[128])
	} else {
		r.Free(got)
	}
}

// TestCloudTrailParquet_RecyclesIndices: a dictionary column's indices
// reuse the buffers of released batches, and its values are one array
// shared by the batches until a value is added: reading many batches
// allocates a few index buffers and dictionaries, not one per batch.
func TestCloudTrailParquet_RecyclesIndices(t *testing.T) {
	const batches = 10
	for _, tc := range []struct {
		name  string
		value func(row int) string
		dicts int // most distinct dictionary arrays
	}{
		{"values in every batch", func(row int) string { return "E" + strconv.Itoa(row%7) }, 1},
		{"values added", func(row int) string { return "E" + strconv.Itoa(row/5000) }, batches},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			schema, err := projectSchema(CloudTrailSchema, []string{"eventtime", "eventname"})
			if err != nil {
				t.Fatal(err)
			}
			b := array.NewRecordBuilder(mem, schema)
			for i := range batches * BatchRows {
				b.Field(0).(*array.StringBuilder).Append(time.Unix(1709632800+int64(i), 0).UTC().Format(time.RFC3339))
				b.Field(1).(*array.BinaryDictionaryBuilder).AppendString(tc.value(i))
			}
			rec := b.NewRecordBatch()
			b.Release()
			// Unclustered, so that "values in every batch" stays so
			// (hunt convert's files order a row group by eventname;
			// other writers' need not).
			unclustered := *CloudTrail
			unclustered.ParquetCluster = nil
			refs := AppendRowRefs(nil, 0, rec)
			SortRowRefs(refs)
			data := writeParquetTable(t, &unclustered, []arrow.RecordBatch{rec}, refs, 0)
			rec.Release()

			ca := &countingAllocator{Allocator: mem, sizes: map[int]int{}}
			r, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet", Pruning{}, WithAllocator(ca), WithColumns("eventname"))
			if err != nil {
				t.Fatal(err)
			}
			rows := 0
			dicts := map[*byte]bool{}
			for r.Next() {
				c := r.Batch().Column(0).(*array.Dictionary)
				values := c.Dictionary().(*array.String)
				dicts[&values.ValueBytes()[0]] = true
				for i := range c.Len() {
					if got, want := values.Value(c.GetValueIndex(i)), tc.value(rows+i); got != want {
						t.Fatalf("row %d: %q; want %q", rows+i, got, want)
					}
				}
				rows += c.Len()
			}
			r.Release()
			if r.Err() != nil || rows != batches*BatchRows {
				t.Fatalf("%d rows, err %v; want %d", rows, r.Err(), batches*BatchRows)
			}
			if n := ca.sizes[4*BatchRows]; n > 2 {
				t.Errorf("%d index buffers of %d bytes allocated for %d batches; want at most 2", n, 4*BatchRows, batches)
			}
			if len(dicts) > tc.dicts {
				t.Errorf("%d dictionary arrays for %d batches; want at most %d", len(dicts), batches, tc.dicts)
			}
		})
	}
}

// plainByteArraysParquetGo is parquet-go's decoding of PLAIN byte arrays,
// which plainByteArrays replaced: the reference of its tests, with a
// panic reported as ok false.
func plainByteArraysParquetGo(src []byte) (data []byte, offs []uint32, err error, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	// With src's capacity cut to its length: parquet-go slices values
	// past a page's end into its buffer's spare capacity.
	data, offs, err = pqPlain.DecodeByteArray(nil, src[:len(src):len(src)], nil)
	return data, offs, err, true
}

// checkPlainByteArrays compares plainByteArrays, decoding into buffers
// holding earlier values, with parquet-go's decoder.
func checkPlainByteArrays(t *testing.T, src []byte) {
	t.Helper()
	data, offs, err := plainByteArrays(bytes.Repeat([]byte{0xee}, 7), []uint32{9, 9, 9}, src)
	want, wantOffs, wantErr, ok := plainByteArraysParquetGo(src)
	if !ok {
		// parquet-go panicked: a length past the page must be an error.
		if err == nil || !errors.Is(err, ErrCorrupt) {
			t.Fatalf("%q: %q %v, error %v; want an error wrapping ErrCorrupt", src, data, offs, err)
		}
		return
	}
	if (err != nil) != (wantErr != nil) || err != nil && !errors.Is(err, ErrCorrupt) {
		t.Fatalf("%q: error %v; parquet-go's %v", src, err, wantErr)
	}
	if err == nil && (!bytes.Equal(data, want) || fmt.Sprint(offs) != fmt.Sprint(wantOffs)) {
		t.Fatalf("%q: %q %v; parquet-go's %q %v", src, data, offs, want, wantOffs)
	}
}

// TestPlainByteArrays_Success: values of every length around the 16-byte
// moves, at the end of the page or not, decode as parquet-go decodes them.
func TestPlainByteArrays_Success(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		var src []byte
		for range rng.IntN(20) {
			n := rng.IntN(40)
			src = append(src, byte(n), 0, 0, 0)
			for range n {
				src = append(src, byte('a'+rng.IntN(26)))
			}
		}
		checkPlainByteArrays(t, src)
	}
}

// TestPlainByteArrays_Failure: a page cut inside a length or a value is an
// error wrapping ErrCorrupt, never a panic or values read past the page.
func TestPlainByteArrays_Failure(t *testing.T) {
	for _, src := range [][]byte{
		{1, 0},
		{3, 0, 0, 0, 'a', 'b'},
		{2, 0, 0, 0, 'a', 'b', 30, 0, 0, 0, 'c'},
		{0xff, 0xff, 0xff, 0xff},
		{5, 0, 0, 0, 'x', 'y', 'z', 'w', 'v', 1, 0, 0, 0},
	} {
		data, offs, err := plainByteArrays(nil, nil, src)
		if err == nil || !errors.Is(err, ErrCorrupt) {
			t.Errorf("%q: %q %v, error %v; want an error wrapping ErrCorrupt", src, data, offs, err)
		}
		checkPlainByteArrays(t, src)
	}
}

// FuzzPlainByteArrays compares plainByteArrays with parquet-go's decoder.
func FuzzPlainByteArrays(f *testing.F) {
	f.Add([]byte{3, 0, 0, 0, 'a', 'b', 'c', 20, 0, 0, 0, 'x'})
	f.Add(bytes.Repeat([]byte{17, 0, 0, 0, '1', '0', '.', '0', '.', '0', '.', '1', '2', '3', '4', '5', '6', '7', '8', '9', '0'}, 5))
	f.Fuzz(func(t *testing.T, src []byte) { checkPlainByteArrays(t, src) })
}

// BenchmarkPlainByteArrays decodes a dictionary page of 13,000 addresses
// (a flow row group's srcaddr) with plainByteArrays and with parquet-go's
// decoder. SetBytes is the page's size.
func BenchmarkPlainByteArrays(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	var src []byte
	for range 13000 {
		ip := fmt.Sprintf("%d.%d.%d.%d", 1+rng.IntN(223), rng.IntN(256), rng.IntN(256), rng.IntN(256))
		src = append(append(src, byte(len(ip)), 0, 0, 0), ip...)
	}
	for _, bc := range []struct {
		name   string
		decode func(data []byte, offs []uint32, src []byte) ([]byte, []uint32, error)
	}{
		{"own", plainByteArrays},
		{"parquet-go", func(data []byte, offs []uint32, src []byte) ([]byte, []uint32, error) {
			return pqPlain.DecodeByteArray(data[:0], src, offs[:0])
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			var data []byte
			var offs []uint32
			for b.Loop() {
				var err error
				if data, offs, err = bc.decode(data, offs, src); err != nil {
					b.Fatal(err)
				}
			}
			parquetSink += len(offs)
		})
	}
}

// TestPQChunks_KeptAcrossCollections: a finished reader's pqChunk, with
// its buffers, goes to the next reader even after collections (a
// sync.Pool dropped it at the second), and pqChunks keeps at most
// pqChunksBytes of buffers.
func TestPQChunks_KeptAcrossCollections(t *testing.T) {
	pqChunks.mu.Lock()
	saved, savedBytes := pqChunks.free, pqChunks.bytes
	pqChunks.free, pqChunks.bytes = nil, 0
	pqChunks.mu.Unlock()
	defer func() {
		pqChunks.mu.Lock()
		pqChunks.free, pqChunks.bytes = saved, savedBytes
		pqChunks.mu.Unlock()
	}()

	ch := getPQChunk()
	ch.buf, ch.dictRaw = make([]byte, 100<<10), make([]byte, 130<<10)
	putPQChunk(ch)
	runtime.GC()
	runtime.GC()
	if got := getPQChunk(); got != ch {
		t.Errorf("after two collections, a new pqChunk; want the one put back")
	} else if cap(got.buf) != 100<<10 || cap(got.dictRaw) != 130<<10 {
		t.Errorf("buffers of %d and %d bytes; want %d and %d", cap(got.buf), cap(got.dictRaw), 100<<10, 130<<10)
	}
	if pqChunks.bytes != 0 {
		t.Errorf("%d bytes kept with no chunk; want 0", pqChunks.bytes)
	}

	// Past the bound: dropped.
	big := getPQChunk()
	big.buf = make([]byte, pqChunksBytes+1)
	putPQChunk(big)
	if got := getPQChunk(); got == big {
		t.Errorf("a pqChunk of %d bytes of buffers was kept; want at most %d", big.size(), pqChunksBytes)
	}
	// Up to the bound: kept, the last one first; past it, dropped.
	var put []*pqChunk
	for range 5 {
		c := &pqChunk{buf: make([]byte, pqChunksBytes/4)}
		putPQChunk(c)
		put = append(put, c)
	}
	if n := len(pqChunks.free); n != 4 || pqChunks.bytes != pqChunksBytes {
		t.Errorf("%d chunks of %d bytes kept; want 4 of %d", n, pqChunks.bytes, pqChunksBytes)
	}
	if got := getPQChunk(); got != put[3] {
		t.Errorf("got another pqChunk than the last one kept")
	}
}

// TestMaxIndex: maxIndex is the largest index as unsigned, wherever it
// lies (each of the four lanes and the tail), for every length 0 to 11,
// a negative index the largest.
func TestMaxIndex(t *testing.T) {
	for n := range 12 {
		for at := range n {
			for _, big := range []int32{7, 1 << 20, -1} {
				idx := make([]int32, n)
				for i := range idx {
					idx[i] = int32(i % 5)
				}
				idx[at] = big
				want := uint32(0)
				for _, x := range idx {
					want = max(want, uint32(x))
				}
				if got := maxIndex(idx); got != want {
					t.Errorf("maxIndex(%v) = %d; want %d", idx, got, want)
				}
			}
		}
	}
	if got := maxIndex(nil); got != 0 {
		t.Errorf("maxIndex(nil) = %d; want 0", got)
	}
}
