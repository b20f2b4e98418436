package parsers

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// footerFiles returns Parquet files to decode: hunt-written ones of both
// tables, the AWS-shaped flow sample, and foreign files of
// testdata/parquet-foreign (from parquet-go's and parquet-testing's test
// data: maps, lists, v2 pages, bloom filters, encoding stats, decimals).
func footerFiles(t testing.TB) map[string][]byte {
	t.Helper()
	mem := memory.NewGoAllocator()
	files := map[string][]byte{}
	ct := readCloudTrailJSON(t, mem, []string{"../testdata/cloudtrail/forms/array.json"}, WithColumns(tableColumnsOf(CloudTrailSchema)...))
	files["hunt cloudtrail"] = writeParquet(t, "cloudtrail", ct, 2, true)
	releaseBatches(ct)
	flow := readFlowBatches(t, mem, clusterFlowText(3000))
	files["hunt vpc_flow"] = writeParquet(t, "vpc_flow", flow, 1000, true)
	releaseBatches(flow)
	files["aws vpc_flow sample"] = vpcFlowParquetSampleBytes(t)
	paths, _ := filepath.Glob("testdata/parquet-foreign/*.parquet")
	if len(paths) == 0 {
		t.Fatal("no files in testdata/parquet-foreign")
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = b
	}
	return files
}

// footerOf returns the footer bytes of a Parquet file and its offset.
func footerOf(data []byte) ([]byte, int64) {
	n := int64(binary.LittleEndian.Uint32(data[len(data)-8:]))
	end := int64(len(data)) - 8 - n
	return data[end : len(data)-8], end
}

// TestDecodeFooter_Success: the footer decodes to what parquet-go decodes
// (its FileMetaData, key-value metadata sorted), field for field, for
// hunt's files and foreign ones.
func TestDecodeFooter_Success(t *testing.T) {
	for name, data := range footerFiles(t) {
		t.Run(name, func(t *testing.T) {
			f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
			if err != nil {
				t.Fatal(err)
			}
			footer, end := footerOf(data)
			var md format.FileMetaData
			if err := decodeFooter(bytes.Clone(footer), int64(len(data)), "f.parquet", end, &md); err != nil {
				t.Fatal(err)
			}
			if want := f.Metadata(); !reflect.DeepEqual(&md, want) {
				t.Errorf("decodeFooter =\n%+v\nparquet-go =\n%+v", md, *want)
			}
			for _, kv := range md.KeyValueMetadata {
				got, ok := lookupKeyValue(md.KeyValueMetadata, kv.Key)
				want, wantOK := f.Lookup(kv.Key)
				if got != want || ok != wantOK {
					t.Errorf("lookupKeyValue(%q) = %q, %v; parquet-go %q, %v", kv.Key, got, ok, want, wantOK)
				}
			}
		})
	}
}

// TestDecodeFooter_Failure: damaged footers are positioned errors naming
// the file, the offset in it and the field, with what was expected and
// found; the readers give the same.
func TestDecodeFooter_Failure(t *testing.T) {
	version := []byte{0x15, 0x02}                       // field 1 (version), i32 1
	schema := []byte{0x19, 0x1c, 0x48, 0x01, 'a', 0x00} // field 2, a list of one struct: name "a"
	numRows := []byte{0x16, 0x00}                       // field 3, i64 0
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for _, tc := range []struct {
		name   string
		footer []byte
		at     int // offset in the footer: where the fault is found
		path   string
		msg    string
	}{
		{"missing required field", cat(version, []byte{0x00}), 3, "footer", "expected required field 2 (schema), found none"},
		{"missing nested required field", cat(version, schema, numRows,
			// row_groups (4): one struct with columns (an empty list)
			// and total_byte_size, without num_rows.
			[]byte{0x19, 0x1c, 0x19, 0x0c, 0x16, 0x00, 0x00, 0x00}), 17, "footer.row_groups[0]", "expected required field 3 (num_rows), found none"},
		{"i32 out of range", cat([]byte{0x15}, binary.AppendUvarint(nil, 2*(1<<32-1)), []byte{0x00}), 1, "footer.version", "expected an i32, found 4294967295"},
		// A field header with its ID in a zigzag varint (delta 0): the ID
		// is an i16, and parquet-go refuses one out of its range.
		{"field ID out of range", cat(version, []byte{0x05}, binary.AppendUvarint(nil, 2*40000), []byte{0x02, 0x00}), 3, "footer", "expected a field ID (an i16), found 40000"},
		{"negative field ID out of range", cat(version, schema, []byte{0x05}, binary.AppendUvarint(nil, 2*40000-1), []byte{0x02, 0x00}), 9, "footer", "expected a field ID (an i16), found -40000"},
		// Integers of a field nobody reads (ID 200) are still in their
		// type's range: parquet-go skips them by decoding them.
		{"unread i16 out of range", cat(version, []byte{0x04}, binary.AppendUvarint(nil, 2*200), binary.AppendUvarint(nil, 2*40000), []byte{0x00}), 5, "footer", "expected an i16, found 40000"},
		{"unread i32 out of range", cat(version, []byte{0x05}, binary.AppendUvarint(nil, 2*200), binary.AppendUvarint(nil, 2*(1<<32)-1), []byte{0x00}), 5, "footer", "expected an i32, found -4294967296"},
		// binary.Uvarint's bound, and parquet-go's: a tenth byte above 1
		// overflows 64 bits.
		{"varint past 64 bits", cat([]byte{0x15}, bytes.Repeat([]byte{0xff}, 9), []byte{0x02, 0x00}), 10, "footer.version", "expected a varint of at most 64 bits, found a longer one"},
		{"trailing bytes", cat(version, schema, numRows, []byte{0x19, 0x0c, 0x00, 0x00, 0x00}), 13, "footer", "expected the footer to end with its FileMetaData, found 2 bytes after it"},
		{"schema list past the footer", cat(version, []byte{0x19, 0xfc, 0xff, 0xff, 0x7f}), 7, "footer.schema", "(the bytes left), found 2097151"},
		{"string past the footer", cat(version, []byte{0x19, 0x1c, 0x48, 0x7f, 'a'}), 6, "footer.schema[0].name", "(the bytes left), found 127"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := cat([]byte("PAR1"), tc.footer, binary.LittleEndian.AppendUint32(nil, uint32(len(tc.footer))), []byte("PAR1"))
			var md format.FileMetaData
			check := func(who string, err error) {
				t.Helper()
				var pe *ParseError
				if !errors.As(err, &pe) || !errors.Is(err, ErrCorrupt) || pe.Source != "f.parquet" || pe.Path != tc.path ||
					pe.Offset != int64(4+tc.at) || !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("%s: got %v (%+v); want a ParseError at offset %d, %s: %s", who, err, pe, 4+tc.at, tc.path, tc.msg)
				}
			}
			check("decodeFooter", decodeFooter(bytes.Clone(tc.footer), int64(len(file)), "f.parquet", 4, &md))
			_, err := NewCloudTrailParquetReader(bytes.NewReader(file), int64(len(file)), "f.parquet", Pruning{})
			check("NewCloudTrailParquetReader", err)
			_, err = NewVPCFlowParquetReader(bytes.NewReader(file), int64(len(file)), "f.parquet", Pruning{})
			check("NewVPCFlowParquetReader", err)
		})
	}
}

// TestDecodeFooter_FieldIDsWrap: field IDs in delta form are i16 sums
// that wrap past 32767, as Thrift's compact protocol and parquet-go read
// them: a footer whose deltas wrap around onto created_by (6) decodes to
// parquet-go's metadata, that created_by included, and passes the checks'
// walk.
func TestDecodeFooter_FieldIDsWrap(t *testing.T) {
	footer, _ := footerOf(footerFiles(t)["hunt vpc_flow"])
	b := bytes.Clone(footer[:len(footer)-1]) // without FileMetaData's stop
	b = append(b, 0x01)                      // a field of type true, its ID in a varint:
	b = binary.AppendUvarint(b, 2*100)       // 100
	for range 4362 {
		b = append(b, 0xf1) // + 15, type true: 65,530 after the last
	}
	b = append(b, 0xc8, 7) // + 12 = 65,542, which wraps to 6 (created_by), a string
	b = append(b, "wrapped"...)
	b = append(b, 0x00)
	var md format.FileMetaData
	if err := decodeFooter(b, 1<<30, "f.parquet", 4, &md); err != nil {
		t.Fatal(err)
	}
	var want format.FileMetaData
	if err := thrift.Unmarshal(new(thrift.CompactProtocol), b, &want); err != nil {
		t.Fatal(err)
	}
	if md.CreatedBy != "wrapped" || !reflect.DeepEqual(&md, &want) {
		t.Errorf("created_by %q; decodeFooter =\n%+v\nparquet-go =\n%+v", md.CreatedBy, md, want)
	}
	tc := thriftCheck{b: b, limit: len(b), budget: 64 << 20}
	if err := tc.walkStruct(0, 0); err != nil {
		t.Errorf("walkStruct: %v", err)
	}
}

// TestDecodeFooter_RepeatedFieldOfAnotherType: a field repeated with
// another type is skipped, as parquet-go skips it, and the value read
// before is kept (ColumnMetaData's type and PageEncodingStats' count were
// zeroed).
func TestDecodeFooter_RepeatedFieldOfAnotherType(t *testing.T) {
	// ColumnMetaData: type BYTE_ARRAY, then field 1 again as an i64 0, then
	// the other required fields (encodings [PLAIN], path ["a"], codec,
	// num_values, sizes, data_page_offset), then a PageEncodingStats list
	// (field 13) of one whose count (3) is repeated as a binary.
	b := []byte{0x15, 0x0c, 0x06, 0x02, 0x00,
		0x19, 0x15, 0x00, 0x19, 0x18, 0x01, 'a', 0x15, 0x00, 0x16, 0x00, 0x16, 0x00, 0x16, 0x00, 0x26, 0x00,
		0x49, 0x1c, 0x15, 0x00, 0x15, 0x00, 0x15, 0x06, 0x08, 0x06, 0x01, 'x', 0x00,
		0x00}
	d := footerDecoder{thriftCheck: thriftCheck{b: b, limit: len(b), budget: 1 << 20}}
	var got format.ColumnMetaData
	if err := d.columnMetaData(1, &got); err != nil {
		t.Fatal(err)
	}
	var want format.ColumnMetaData
	if err := thrift.Unmarshal(new(thrift.CompactProtocol), b, &want); err != nil {
		t.Fatal(err)
	}
	if got.Type != format.ByteArray || len(got.EncodingStats) != 1 || got.EncodingStats[0].Count != 3 || !reflect.DeepEqual(got, want) {
		t.Errorf("decodeFooter =\n%+v\nparquet-go =\n%+v", got, want)
	}
}

// FuzzDecodeFooter: any footer decodes to what parquet-go decodes, or to
// a positioned error, and a plain schema's tree has parquet-go's leaves;
// never a panic.
func FuzzDecodeFooter(f *testing.F) {
	for _, data := range footerFiles(f) {
		footer, _ := footerOf(data)
		f.Add(footer)
	}
	f.Fuzz(func(t *testing.T, footer []byte) {
		file := bytes.Join([][]byte{[]byte("PAR1"), footer, binary.LittleEndian.AppendUint32(nil, uint32(len(footer))), []byte("PAR1")}, nil)
		var md format.FileMetaData
		err := decodeFooter(bytes.Clone(footer), int64(len(file)), "f.parquet", 4, &md)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Source != "f.parquet" || pe.Offset < 4 || pe.Offset > int64(4+len(footer)) {
				t.Fatalf("got %v; want a ParseError within the footer", err)
			}
			return
		}
		pf, err := openFile(bytes.NewReader(file), int64(len(file)))
		if err != nil {
			return // parquet-go refuses what hunt's checks let through (an empty schema, ...)
		}
		if !reflect.DeepEqual(&md, pf.Metadata()) {
			t.Fatalf("decodeFooter =\n%+v\nparquet-go =\n%+v", md, *pf.Metadata())
		}
		root := buildSchema(&md)
		if root == nil {
			return
		}
		for _, path := range pf.Schema().Columns() {
			want, _ := pf.Schema().Lookup(path...)
			got, ok := root.lookup(path...)
			if !ok || got.col != want.ColumnIndex || got.maxDef != want.MaxDefinitionLevel || got.maxRep != want.MaxRepetitionLevel {
				t.Fatalf("leaf %v: got %+v; parquet-go column %d, def %d, rep %d", path, got, want.ColumnIndex, want.MaxDefinitionLevel, want.MaxRepetitionLevel)
			}
		}
	})
}

// BenchmarkDecodeFooter: decoding the footers of hunt's and foreign files,
// by hand and by parquet-go (its reflection-based decoder).
func BenchmarkDecodeFooter(b *testing.B) {
	files := footerFiles(b)
	var footers [][]byte
	var size int64
	for _, data := range files {
		footer, _ := footerOf(data)
		footers = append(footers, footer)
		size += int64(len(footer))
	}
	// The footers of a lake written by hunt convert, when
	// $HUNT_BENCH_LAKE names one (see BenchmarkParquetLake).
	if lake := os.Getenv("HUNT_BENCH_LAKE"); lake != "" {
		footers, size = nil, 0
		filepath.WalkDir(lake, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".parquet") {
				data, err := os.ReadFile(path)
				if err != nil {
					b.Fatal(err)
				}
				footer, _ := footerOf(data)
				footers = append(footers, footer)
				size += int64(len(footer))
			}
			return nil
		})
	}
	b.Run("hunt", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			for _, footer := range footers {
				var md format.FileMetaData
				if err := decodeFooter(footer, 1<<30, "f", 0, &md); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	// What openParquet does (the flow reader, and the CloudTrail reader with
	// equalities): the checks' walk, then parquet-go's decoder.
	b.Run("check+parquet-go", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			for _, footer := range footers {
				tc := thriftCheck{b: footer, limit: len(footer), budget: 1 << 40}
				if err := tc.walkStruct(0, 0); err != nil {
					b.Fatal(err)
				}
				var md format.FileMetaData
				if err := thrift.Unmarshal(new(thrift.CompactProtocol), footer, &md); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// mustFile is pf.file for tests: the file opened by parquet-go.
func (pf *pqFile) mustFile() *parquet.File {
	f, err := pf.file()
	if err != nil {
		panic(err)
	}
	return f
}

// TestBuildSchema_Success: the plain schema tree finds every leaf
// parquet-go finds, at the same column index, levels and physical type;
// hunt's cloudtrail files have plain schemas.
func TestBuildSchema_Success(t *testing.T) {
	plain := 0
	for name, data := range footerFiles(t) {
		f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
		if err != nil {
			t.Fatal(err)
		}
		root := buildSchema(f.Metadata())
		if name == "hunt cloudtrail" && root == nil {
			t.Errorf("%s: buildSchema found the schema not plain", name)
		}
		if root == nil {
			continue
		}
		plain++
		for _, path := range f.Schema().Columns() {
			want, _ := f.Schema().Lookup(path...)
			got, ok := root.lookup(path...)
			if !ok || got.col != want.ColumnIndex || got.maxDef != want.MaxDefinitionLevel || got.maxRep != want.MaxRepetitionLevel ||
				parquet.Kind(got.kind()) != want.Node.Type().Kind() {
				t.Errorf("%s: leaf %v: got %+v; parquet-go column %d, def %d, rep %d, %v", name, path, got, want.ColumnIndex,
					want.MaxDefinitionLevel, want.MaxRepetitionLevel, want.Node.Type().Kind())
			}
		}
		if _, ok := root.lookup("no such column"); ok {
			t.Errorf("%s: lookup found a column that is not there", name)
		}
	}
	if plain < 4 {
		t.Errorf("%d plain schemas; want hunt's files and some foreign ones", plain)
	}
}

// TestBuildSchema_Failure: a schema that is not plain (children counts
// that do not add up, a group without children, a leaf with children, a
// logical type other than STRING, MAP and LIST, chunks the leaves do not
// match) gets no tree: parquet-go then reads it and names the fault.
// firstElement returns the first schema element of md that ok accepts.
func firstElement(t *testing.T, md *format.FileMetaData, ok func(el *format.SchemaElement) bool) *format.SchemaElement {
	t.Helper()
	for i := range md.Schema {
		if ok(&md.Schema[i]) {
			return &md.Schema[i]
		}
	}
	t.Fatal("no such schema element")
	return nil
}

func TestBuildSchema_Failure(t *testing.T) {
	data := footerFiles(t)["hunt cloudtrail"]
	_, md := parquetFooter(t, data)
	for _, tc := range []struct {
		name   string
		damage func(md *format.FileMetaData)
	}{
		{"too many children", func(md *format.FileMetaData) { md.Schema[0].NumChildren.V += 1 }},
		{"too few children", func(md *format.FileMetaData) { md.Schema[0].NumChildren.V -= 1 }},
		{"group without children", func(md *format.FileMetaData) {
			md.Schema = append(md.Schema, format.SchemaElement{Name: "g", NumChildren: thrift.New[int32](0)})
			md.Schema[0].NumChildren.V++
		}},
		{"children past the schema", func(md *format.FileMetaData) {
			// The root's first child claims every element left, and
			// the root claims its own children as well.
			md.Schema[1] = format.SchemaElement{Name: "g", NumChildren: thrift.New(int32(len(md.Schema) - 2))}
		}},
		{"two children of one name", func(md *format.FileMetaData) { md.Schema[2].Name = md.Schema[1].Name }},
		{"leaf with children", func(md *format.FileMetaData) { md.Schema[1].NumChildren = thrift.New[int32](1) }},
		{"decimal", func(md *format.FileMetaData) {
			md.Schema[1].LogicalType = format.LogicalType{Value: &format.DecimalType{Scale: 1, Precision: 3}}
		}},
		// STRING and UTF8 on another physical type: parquet-go reads the
		// leaf as a BYTE_ARRAY whatever its type says, so it must decide.
		{"string on a boolean", func(md *format.FileMetaData) {
			el := firstElement(t, md, func(el *format.SchemaElement) bool { _, ok := el.LogicalType.Value.(*format.StringType); return ok })
			el.Type = thrift.New(format.Boolean)
		}},
		{"utf8 on an int32", func(md *format.FileMetaData) {
			el := firstElement(t, md, func(el *format.SchemaElement) bool {
				return el.ConvertedType.Valid && el.ConvertedType.V == deprecated.UTF8
			})
			el.LogicalType, el.Type = format.LogicalType{}, thrift.New(format.Int32)
		}},
		{"chunks", func(md *format.FileMetaData) { md.RowGroups[0].Columns = md.RowGroups[0].Columns[1:] }},
		{"no schema", func(md *format.FileMetaData) { md.Schema = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := thrift.Marshal(new(thrift.CompactProtocol), md)
			if err != nil {
				t.Fatal(err)
			}
			var m format.FileMetaData
			if err := thrift.Unmarshal(new(thrift.CompactProtocol), b, &m); err != nil {
				t.Fatal(err)
			}
			if buildSchema(&m) == nil {
				t.Fatal("the undamaged schema is not plain")
			}
			tc.damage(&m)
			if root := buildSchema(&m); root != nil {
				t.Errorf("buildSchema accepted the schema")
			}
		})
	}
}
