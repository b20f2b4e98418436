package parsers

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// The pruning of row groups and pages as it was read through parquet-go
// (statistics, bloom filters and dictionaries of its column chunks, its
// offset index): the reference the tests compare the readers' own
// decoding of the same metadata with.

// refChunk is the column chunk of row group g at path, through
// parquet-go: not ok when the file does not open (the read reports it) or
// path is absent, not a leaf or repeated.
func (pf *pqFile) refChunk(g int, path string) (parquet.LeafColumn, *parquet.FileColumnChunk, bool) {
	f, err := pf.file()
	if err != nil {
		return parquet.LeafColumn{}, nil, false
	}
	leaf, ok := f.Schema().Lookup(strings.Split(path, ".")...)
	if !ok || !leaf.Node.Leaf() || leaf.MaxRepetitionLevel > 0 {
		return parquet.LeafColumn{}, nil, false
	}
	c, ok := f.RowGroups()[g].ColumnChunks()[leaf.ColumnIndex].(*parquet.FileColumnChunk)
	return leaf, c, ok
}

// canSkipEqual reports whether row group g cannot hold a row whose column
// at each path of equal is one of its values, by the chunk's min/max
// statistics, its null count and its bloom filter (read through cr, so the
// reader's Stats count it). A column absent from the file, repeated, not
// text or without statistics rules nothing out.
func (pf *pqFile) canSkipEqualParquetGo(g int, equal map[string][]string, cr io.ReaderAt) bool {
	for path, vals := range equal {
		leaf, c, ok := pf.refChunk(g, path)
		if !ok || len(vals) == 0 {
			continue
		}
		if k, _ := kindOf(leaf.Node); k != parquet.ByteArray {
			continue
		}
		if c.NumValues() > 0 && c.NullCount() == c.NumValues() {
			return true // all null: no value is equal
		}
		possible := vals
		if lo, hi, ok := c.Bounds(); ok {
			possible = possible[:0:0]
			for _, v := range vals {
				if bytes.Compare([]byte(v), lo.ByteArray()) >= 0 && bytes.Compare([]byte(v), hi.ByteArray()) <= 0 {
					possible = append(possible, v)
				}
			}
			if len(possible) == 0 {
				return true
			}
		}
		if pf.hasBloomFilter(g, leaf.ColumnIndex) {
			if bf, err := c.BloomFilterFrom(cr); err == nil && bf != nil {
				hit := false
				for _, v := range possible {
					if in, err := bf.Check(parquet.ByteArrayValue([]byte(v))); err != nil || in {
						hit = true
						break
					}
				}
				if !hit {
					return true
				}
			}
		}
		if pf.dictionaryLacksParquetGo(g, leaf.ColumnIndex, path, c, possible) {
			return true
		}
	}
	return false
}

// canSkipEqualInt reports whether row group g cannot hold a row whose
// integer column at each path of equal is one of its values, by the
// chunk's min/max statistics and null count. A column absent from the
// file, repeated, not INT32 or INT64, without statistics, or with an
// empty list rules nothing out.
func (pf *pqFile) canSkipEqualIntParquetGo(g int, equal map[string][]int64) bool {
	for path, vals := range equal {
		leaf, c, ok := pf.refChunk(g, path)
		if !ok || len(vals) == 0 {
			continue
		}
		k, _ := kindOf(leaf.Node)
		if k != parquet.Int32 && k != parquet.Int64 {
			continue
		}
		if c.NumValues() > 0 && c.NullCount() == c.NumValues() {
			return true // all null: no value is equal
		}
		lo, hi, ok := c.Bounds()
		if !ok || lo.Kind() != k || hi.Kind() != k {
			continue
		}
		min, max := lo.Int64(), hi.Int64()
		if k == parquet.Int32 {
			min, max = int64(lo.Int32()), int64(hi.Int32())
		}
		if !slices.ContainsFunc(vals, func(v int64) bool { return v >= min && v <= max }) {
			return true
		}
	}
	return false
}

// dictionaryLacks reports whether column col of row group g is wholly
// dictionary-encoded (every data page, by the chunk's encoding stats) and
// its dictionary holds none of vals: dictionary pruning, for a column
// without a bloom filter or one that answered "maybe". It reads the
// dictionary page alone, not the data pages; a chunk that fails its
// checks is not pruned here, so the read reports it.
func (pf *pqFile) dictionaryLacksParquetGo(g, col int, path string, c *parquet.FileColumnChunk, vals []string) bool {
	md := &pf.meta.RowGroups[g].Columns[col].MetaData
	if !wholeDictionary(md) {
		return false
	}
	if pf.checkChunk(g, col, path) != nil {
		return false
	}
	pages := c.Pages()
	defer pages.Close()
	dict, err := readDictionary(pages)
	if err != nil || dict == nil {
		return false
	}
	values, err := pageData(dict.Page())
	if err != nil || values.Kind() != encoding.ByteArray {
		return false
	}
	data, offs := values.ByteArray()
	if len(offs) > 0 && int(offs[len(offs)-1]) > len(data) {
		return false
	}
	return !dictionaryHolds(data, offs, vals)
}

// TestParquetPruning_ParquetGo: the row-group pruning read from the
// decoded footer and the file's bytes (statistics, bloom filters,
// dictionaries) rules out the row groups parquet-go's did, for equalities
// on every flat column of hunt's files and foreign ones: its bounds, its
// dictionary's values, values just outside; and the offset and column
// indexes decode as parquet-go decodes them.
func TestParquetPruning_ParquetGo(t *testing.T) {
	for name, data := range ownFooterFiles(t) {
		t.Run(name, func(t *testing.T) {
			cr := bytes.NewReader(data)
			own, err := openParquetLazy(cr, cr, int64(len(data)), "f.parquet")
			if err != nil {
				t.Skip(err) // TestVPCFlowParquet_OwnFooter_Success compares errors
			}
			ref, err := openParquet(cr, cr, int64(len(data)), "f.parquet")
			if err != nil {
				t.Fatal(err)
			}
			f := ref.mustFile()
			checks := 0
			for g, rg := range f.RowGroups() {
				for c, leaf := range f.Schema().Columns() {
					path := strings.Join(leaf, ".")
					chunk := rg.ColumnChunks()[c].(*parquet.FileColumnChunk)
					var texts []string
					var ints []int64
					switch chunk.Type().Kind() {
					case parquet.ByteArray:
						texts = []string{"", "\x00absent", "~~~~"}
						if lo, hi, ok := chunk.Bounds(); ok {
							texts = append(texts, string(lo.ByteArray()), string(hi.ByteArray()), string(lo.ByteArray())+"\x00")
						}
						if pages := chunk.Pages(); pages != nil {
							if d, err := readDictionary(pages); err == nil && d != nil {
								for k := range min(d.Len(), 5) {
									texts = append(texts, string(d.Index(int32(k)).ByteArray()))
								}
							}
							pages.Close()
						}
					case parquet.Int32, parquet.Int64:
						ints = []int64{0, -1, 1 << 40}
						if lo, hi, ok := chunk.Bounds(); ok {
							ints = append(ints, lo.Int64(), hi.Int64(), lo.Int64()-1, hi.Int64()+1)
						}
					}
					for _, v := range texts {
						eq := map[string][]string{path: {v}}
						if got, want := own.canSkipEqual(g, eq, cr), ref.canSkipEqualParquetGo(g, eq, cr); got != want {
							t.Errorf("row group %d %s = %q: canSkipEqual %v; parquet-go's %v", g, path, v, got, want)
						}
						checks++
					}
					for _, v := range ints {
						eq := map[string][]int64{path: {v}}
						if got, want := own.canSkipEqualInt(g, eq), ref.canSkipEqualIntParquetGo(g, eq); got != want {
							t.Errorf("row group %d %s = %d: canSkipEqualInt %v; parquet-go's %v", g, path, v, got, want)
						}
						checks++
					}
					if own.checkChunkPages(g, c, path, true) != nil {
						continue
					}
					locs := slices.Clone(own.locs)
					if got, want := own.offsetIndexIs(g, c, locs), offsetIndexIs(chunk, locs); got != want {
						t.Errorf("row group %d %s: offsetIndexIs %v; parquet-go's %v", g, path, got, want)
					}
					cc := &own.meta.RowGroups[g].Columns[c]
					if cc.ColumnIndexOffset > 0 && cc.ColumnIndexLength > 0 {
						b := data[cc.ColumnIndexOffset : cc.ColumnIndexOffset+int64(cc.ColumnIndexLength)]
						nulls, mins, maxs, err := decodeColumnIndex(b)
						var ci format.ColumnIndex
						werr := thrift.Unmarshal(new(thrift.CompactProtocol), b, &ci)
						if (err != nil) != (werr != nil) || err == nil && (!slices.Equal(nulls, ci.NullPages) ||
							!slices.EqualFunc(mins, ci.MinValues, bytes.Equal) || !slices.EqualFunc(maxs, ci.MaxValues, bytes.Equal)) {
							t.Errorf("row group %d %s: column index %v %v %q %q; parquet-go's %v %v %q %q", g, path, err, nulls, mins, maxs, werr, ci.NullPages, ci.MinValues, ci.MaxValues)
						}
						checks++
					}
				}
			}
			t.Logf("%d checks", checks)
		})
	}
}
