package parsers

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// This file decodes a Parquet footer (Thrift compact FileMetaData) into
// parquet-go's format.FileMetaData by hand, in one walk that makes the
// checks of thriftCheck as it goes (lengths and list sizes within the
// footer, the allocation budget, the nesting depth): parquet-go's decoder
// walks the footer through reflection, which cost about a sixth of a
// query over a small lake. The result is what parquet-go decodes (the
// tests compare them), with its rules: a field of an unknown ID or of
// another type than the format's is skipped, a missing required field or
// an integer out of its type's range is an error. Unions that are not one
// of the empty members hunt's files use (LogicalType STRING, the
// TYPE_ORDER column order) and encryption metadata are rare: their bytes
// are checked by the walk, then handed to parquet-go's decoder.

// footerDecoder decodes a footer. Errors of the walk are *thriftError
// (positioned in the footer); decodeFooter adds the field path.
type footerDecoder struct {
	thriftCheck
	// path is the field being decoded, outermost first, for errors.
	path []footerField
	// errPath is path when the first error was made.
	errPath string
	// Slabs the lists of the column chunks are cut from.
	encodings []format.Encoding
	paths     []string
	encStats  []format.PageEncodingStats
}

type footerField struct {
	name string
	idx  int // an element of a list, or -1
}

// decodeFooter decodes footer (the Thrift FileMetaData of a file of size
// bytes, at offset dataEnd of source) into md, with the checks openParquet
// made before with thriftCheck. md's strings and byte slices alias footer,
// which the caller must not change afterwards. Errors are [*ParseError]s.
func decodeFooter(footer []byte, size int64, source string, dataEnd int64, md *format.FileMetaData) error {
	d := footerDecoder{thriftCheck: thriftCheck{b: footer, limit: len(footer), budget: max(64<<20, 16*size)}}
	d.path = make([]footerField, 0, 8)
	err := d.fileMetaData(md)
	if err == nil && d.i != len(footer) {
		err = d.fail("the footer to end with its FileMetaData", strconv.Itoa(len(footer)-d.i)+" bytes after it")
	}
	if err != nil {
		path := "footer"
		if d.errPath != "" {
			path += "." + d.errPath
		}
		return d.parseError(err, source, dataEnd, path)
	}
	sortKeyValues(md.KeyValueMetadata)
	return nil
}

// sortKeyValues sorts key-value metadata as parquet-go does when it opens
// a file (by key, then value), for lookupKeyValue.
func sortKeyValues(kv []format.KeyValue) {
	slices.SortFunc(kv, func(a, b format.KeyValue) int {
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
}

// lookupKeyValue is parquet.File.Lookup on sorted key-value metadata.
func lookupKeyValue(kv []format.KeyValue, key string) (string, bool) {
	i, ok := slices.BinarySearchFunc(kv, key, func(e format.KeyValue, k string) int { return strings.Compare(e.Key, k) })
	if ok {
		return kv[i].Value, true
	}
	return "", false
}

// footerString returns b as a string without a copy. b is a part of the
// footer openParquet reads into a buffer of its own, which nothing writes
// after decodeFooter: the string lives as long as the file's metadata.
func footerString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// Compact types.
const (
	tcTrue   = 1
	tcFalse  = 2
	tcI16    = 4
	tcI32    = 5
	tcI64    = 6
	tcBinary = 8
	tcList   = 9
	tcStruct = 12
)

// fieldErr records the path of the first error.
func (d *footerDecoder) fieldErr(err error) error {
	if d.errPath == "" && len(d.path) > 0 {
		var sb strings.Builder
		for k, f := range d.path {
			if k > 0 {
				sb.WriteByte('.')
			}
			sb.WriteString(f.name)
			if f.idx >= 0 {
				sb.WriteByte('[')
				sb.WriteString(strconv.Itoa(f.idx))
				sb.WriteByte(']')
			}
		}
		d.errPath = sb.String()
	}
	return err
}

// structFields walks the fields of a struct at depth, calling field for
// each with its ID and compact type; field returns false for a field it
// does not decode (unknown, or of another type), which is then walked
// and skipped. required is a bit set of the IDs (1-63) that must appear:
// a missing one is an error naming names[id].
func (d *footerDecoder) structFields(depth int, required uint64, names []string, field func(id int16, typ byte) (bool, error)) error {
	if depth > pqMaxThriftDepth {
		return d.fail("Thrift metadata nested at most "+strconv.Itoa(pqMaxThriftDepth)+" levels", "deeper nesting")
	}
	d.budget -= pqStructCost
	id := int64(0)
	var seen uint64
	for {
		var h byte
		if d.i < len(d.b) { // fast path: b ends where the footer does (limit)
			h = d.b[d.i]
			d.i++
		} else {
			var err error
			if h, err = d.byte(); err != nil {
				return err
			}
		}
		var err error
		if h == 0 {
			break
		}
		if id, err = d.fieldID(h, id); err != nil {
			return d.fieldErr(err)
		}
		typ := h & 0x0f
		done := false
		if id > 0 { // an i16: at most 32767
			if id < int64(len(names)) {
				d.path = append(d.path, footerField{name: names[id], idx: -1})
			}
			done, err = field(int16(id), typ)
			if err != nil {
				return d.fieldErr(err)
			}
			if id < int64(len(names)) {
				d.path = d.path[:len(d.path)-1]
			}
		}
		if done {
			if id < 64 {
				seen |= 1 << id
			}
			continue
		}
		if err := d.value(typ, depth, 0xffffffff); err != nil {
			return err
		}
	}
	if missing := required &^ seen; missing != 0 {
		k := 0
		for missing&(1<<k) == 0 {
			k++
		}
		return d.fieldErr(d.fail("required field "+strconv.Itoa(k)+" ("+names[k]+")", "none"))
	}
	return nil
}

// list reads a list header: its element type and length, checked as
// thriftCheck does.
func (d *footerDecoder) list() (n int, et byte, err error) {
	h, err := d.byte()
	if err != nil {
		return 0, 0, err
	}
	et = h & 0x0f
	if h>>4 == 15 {
		n, err = d.size(elemCost(et))
	} else {
		n, err = d.checkSize(uint64(h>>4), elemCost(et))
	}
	return n, et, err
}

// skipElems walks n list elements of compact type et at depth.
func (d *footerDecoder) skipElems(et byte, n, depth int) error {
	for range n {
		if et == tcTrue || et == tcFalse {
			if err := d.need(1); err != nil {
				return err
			}
			d.i++
			continue
		}
		if err := d.value(et, depth+1, 0xffffffff); err != nil {
			return err
		}
	}
	return nil
}

// int returns a zigzag varint within [lo, hi] (the field's Thrift type).
func (d *footerDecoder) int(lo, hi int64, typ string) (int64, error) {
	at := d.i
	u, err := d.uvarint()
	if err != nil {
		return 0, err
	}
	v := int64(u>>1) ^ -int64(u&1)
	if v < lo || v > hi {
		d.i = at
		return 0, d.fail("an "+typ, strconv.FormatInt(v, 10))
	}
	return v, nil
}

func (d *footerDecoder) i32() (int32, error) {
	v, err := d.int(math.MinInt32, math.MaxInt32, "i32")
	return int32(v), err
}

func (d *footerDecoder) i64() (int64, error) {
	u, err := d.uvarint()
	return int64(u>>1) ^ -int64(u&1), err
}

// binary returns a string or binary value, aliasing the footer.
func (d *footerDecoder) binary() ([]byte, error) {
	n, err := d.size(1)
	if err != nil {
		return nil, err
	}
	if err := d.need(n); err != nil {
		return nil, err
	}
	d.i += n
	return d.b[d.i-n : d.i : d.i], nil
}

func (d *footerDecoder) str() (string, error) {
	b, err := d.binary()
	return footerString(b), err
}

// decodeI32 decodes an i32 field into v when typ is i32.
func (d *footerDecoder) decodeI32(typ byte, v *int32) (bool, error) {
	if typ != tcI32 {
		return false, nil
	}
	x, err := d.i32()
	*v = x
	return true, err
}

func (d *footerDecoder) decodeI64(typ byte, v *int64) (bool, error) {
	if typ != tcI64 {
		return false, nil
	}
	x, err := d.i64()
	*v = x
	return true, err
}

func (d *footerDecoder) decodeStr(typ byte, v *string) (bool, error) {
	if typ != tcBinary {
		return false, nil
	}
	x, err := d.str()
	*v = x
	return true, err
}

func (d *footerDecoder) decodeBytes(typ byte, v *[]byte) (bool, error) {
	if typ != tcBinary {
		return false, nil
	}
	x, err := d.binary()
	*v = x
	return true, err
}

// decodeList decodes a list field of element type et at depth, making the
// slice (from slab, when not nil) and calling elem for each element.
func decodeList[T any](d *footerDecoder, typ, et byte, depth int, v *thrift.Slice[T], slab *[]T, elem func(e *T) error) (bool, error) {
	if typ != tcList {
		return false, nil
	}
	n, got, err := d.list()
	if err != nil {
		return true, err
	}
	if got != et {
		// parquet-go skips a list of another element type.
		return true, d.skipElems(got, n, depth)
	}
	var s thrift.Slice[T]
	if slab != nil && n > 0 {
		// Lists of every column chunk are cut from slabs: an allocation
		// per 256 elements, not per list.
		if n > cap(*slab)-len(*slab) {
			*slab = make([]T, 0, max(n, 256))
		}
		k := len(*slab)
		*slab = (*slab)[:k+n]
		s = (*slab)[k : k+n : k+n]
	} else {
		s = make(thrift.Slice[T], n)
	}
	last := len(d.path) - 1
	for k := range s {
		if last >= 0 {
			d.path[last].idx = k
		}
		if err := elem(&s[k]); err != nil {
			return true, err
		}
	}
	if last >= 0 {
		d.path[last].idx = -1
	}
	*v = s
	return true, nil
}

var (
	fileMetaDataNames = []string{1: "version", 2: "schema", 3: "num_rows", 4: "row_groups", 5: "key_value_metadata",
		6: "created_by", 7: "column_orders", 8: "encryption_algorithm", 9: "footer_signing_key_metadata"}
	schemaElementNames = []string{1: "type", 2: "type_length", 3: "repetition_type", 4: "name", 5: "num_children",
		6: "converted_type", 7: "scale", 8: "precision", 9: "field_id", 10: "logicalType"}
	rowGroupNames = []string{1: "columns", 2: "total_byte_size", 3: "num_rows", 4: "sorting_columns", 5: "file_offset",
		6: "total_compressed_size", 7: "ordinal"}
	columnChunkNames = []string{1: "file_path", 2: "file_offset", 3: "meta_data", 4: "offset_index_offset",
		5: "offset_index_length", 6: "column_index_offset", 7: "column_index_length", 8: "crypto_metadata", 9: "encrypted_column_metadata"}
	columnMetaDataNames = []string{1: "type", 2: "encodings", 3: "path_in_schema", 4: "codec", 5: "num_values",
		6: "total_uncompressed_size", 7: "total_compressed_size", 8: "key_value_metadata", 9: "data_page_offset",
		10: "index_page_offset", 11: "dictionary_page_offset", 12: "statistics", 13: "encoding_stats",
		14: "bloom_filter_offset", 15: "bloom_filter_length", 16: "size_statistics", 17: "geospatial_statistics"}
	statisticsNames     = []string{1: "max", 2: "min", 3: "null_count", 4: "distinct_count", 5: "max_value", 6: "min_value"}
	keyValueNames       = []string{1: "key", 2: "value"}
	encodingStatsNames  = []string{1: "page_type", 2: "encoding", 3: "count"}
	sortingColumnNames  = []string{1: "column_idx", 2: "descending", 3: "nulls_first"}
	sizeStatisticsNames = []string{1: "unencoded_byte_array_data_bytes", 2: "repetition_level_histogram", 3: "definition_level_histogram"}
)

func (d *footerDecoder) fileMetaData(md *format.FileMetaData) error {
	const depth = 0
	return d.structFields(depth, 1<<1|1<<2|1<<3|1<<4, fileMetaDataNames, func(id int16, typ byte) (bool, error) {
		switch id {
		case 1:
			return d.decodeI32(typ, &md.Version)
		case 2:
			return decodeList(d, typ, tcStruct, depth, &md.Schema, nil, func(e *format.SchemaElement) error { return d.schemaElement(depth+2, e) })
		case 3:
			return d.decodeI64(typ, &md.NumRows)
		case 4:
			return decodeList(d, typ, tcStruct, depth, &md.RowGroups, nil, func(e *format.RowGroup) error { return d.rowGroup(depth+2, e) })
		case 5:
			return decodeList(d, typ, tcStruct, depth, &md.KeyValueMetadata, nil, func(e *format.KeyValue) error { return d.keyValue(depth+2, e) })
		case 6:
			return d.decodeStr(typ, &md.CreatedBy)
		case 7:
			return decodeList(d, typ, tcStruct, depth, &md.ColumnOrders, nil, func(e *format.ColumnOrder) error { return d.columnOrder(depth+2, e) })
		case 8:
			return d.rare(typ, depth, &md.EncryptionAlgorithm)
		case 9:
			return d.decodeBytes(typ, &md.FooterSigningKeyMetadata)
		}
		return false, nil
	})
}

func (d *footerDecoder) schemaElement(depth int, e *format.SchemaElement) error {
	return d.structFields(depth, 1<<4, schemaElementNames, func(id int16, typ byte) (bool, error) {
		var v int32
		switch id {
		case 4:
			return d.decodeStr(typ, &e.Name)
		case 9:
			return d.decodeI32(typ, &e.FieldID)
		case 10:
			return d.logicalType(typ, depth, &e.LogicalType)
		case 1, 2, 3, 5, 6, 7, 8:
			ok, err := d.decodeI32(typ, &v)
			if !ok || err != nil {
				return ok, err
			}
			switch id {
			case 1:
				e.Type = thrift.New(format.Type(v))
			case 2:
				e.TypeLength = thrift.New(v)
			case 3:
				e.RepetitionType = thrift.New(format.FieldRepetitionType(v))
			case 5:
				e.NumChildren = thrift.New(v)
			case 6:
				e.ConvertedType = thrift.New(deprecated.ConvertedType(v))
			case 7:
				e.Scale = thrift.New(v)
			case 8:
				e.Precision = thrift.New(v)
			}
			return true, nil
		}
		return false, nil
	})
}

// emptyMember is the bytes of a union holding empty member 1 (LogicalType
// STRING, ColumnOrder TYPE_ORDER): field 1, a struct with no fields, stop.
var emptyMember = []byte{0x1c, 0x00, 0x00}

func (d *footerDecoder) logicalType(typ byte, depth int, v *format.LogicalType) (bool, error) {
	if typ == tcStruct && d.i+3 <= d.limit && d.b[d.i+1] == 0 && d.b[d.i+2] == 0 {
		// Empty members hunt's files hold: STRING (1), MAP (2), LIST (3).
		var m format.LogicalTypeValue
		switch d.b[d.i] {
		case 0x1c:
			m = new(format.StringType)
		case 0x2c:
			m = new(format.MapType)
		case 0x3c:
			m = new(format.ListType)
		}
		if m != nil {
			d.budget -= 2 * pqStructCost
			d.i += 3
			v.Value = m
			return true, nil
		}
	}
	return d.rare(typ, depth, v)
}

func (d *footerDecoder) columnOrder(depth int, v *format.ColumnOrder) error {
	if d.i+3 <= d.limit && bytes.Equal(d.b[d.i:min(d.i+3, len(d.b))], emptyMember) {
		d.budget -= 2 * pqStructCost
		d.i += 3
		v.Value = new(format.TypeDefinedOrder)
		return nil
	}
	_, err := d.rareStruct(depth, v)
	return err
}

// rare decodes a struct field hunt's files do not hold (or a union of
// another member than the above) with parquet-go's decoder, after the walk
// checked its bytes.
func (d *footerDecoder) rare(typ byte, depth int, v any) (bool, error) {
	if typ != tcStruct {
		return false, nil
	}
	return d.rareStruct(depth+1, v)
}

func (d *footerDecoder) rareStruct(depth int, v any) (bool, error) {
	at := d.i
	if err := d.walkStruct(depth, 0xffffffff); err != nil {
		return true, err
	}
	if err := thrift.Unmarshal(new(thrift.CompactProtocol), d.b[at:d.i], v); err != nil {
		d.i = at
		return true, d.fail("a valid Thrift struct", err.Error())
	}
	return true, nil
}

func (d *footerDecoder) keyValue(depth int, kv *format.KeyValue) error {
	return d.structFields(depth, 1<<1|1<<2, keyValueNames, func(id int16, typ byte) (bool, error) {
		switch id {
		case 1:
			return d.decodeStr(typ, &kv.Key)
		case 2:
			return d.decodeStr(typ, &kv.Value)
		}
		return false, nil
	})
}

func (d *footerDecoder) rowGroup(depth int, rg *format.RowGroup) error {
	return d.structFields(depth, 1<<1|1<<2|1<<3, rowGroupNames, func(id int16, typ byte) (bool, error) {
		switch id {
		case 1:
			return decodeList(d, typ, tcStruct, depth, &rg.Columns, nil, func(e *format.ColumnChunk) error { return d.columnChunk(depth+2, e) })
		case 2:
			return d.decodeI64(typ, &rg.TotalByteSize)
		case 3:
			return d.decodeI64(typ, &rg.NumRows)
		case 4:
			return decodeList(d, typ, tcStruct, depth, &rg.SortingColumns, nil, func(e *format.SortingColumn) error { return d.sortingColumn(depth+2, e) })
		case 5:
			return d.decodeI64(typ, &rg.FileOffset)
		case 6:
			return d.decodeI64(typ, &rg.TotalCompressedSize)
		case 7:
			if typ != tcI16 {
				return false, nil
			}
			v, err := d.int(math.MinInt16, math.MaxInt16, "i16")
			rg.Ordinal = int16(v)
			return true, err
		}
		return false, nil
	})
}

func (d *footerDecoder) sortingColumn(depth int, s *format.SortingColumn) error {
	return d.structFields(depth, 1<<1|1<<2|1<<3, sortingColumnNames, func(id int16, typ byte) (bool, error) {
		switch id {
		case 1:
			return d.decodeI32(typ, &s.ColumnIdx)
		case 2, 3:
			if typ != tcTrue && typ != tcFalse {
				return false, nil
			}
			if id == 2 {
				s.Descending = typ == tcTrue
			} else {
				s.NullsFirst = typ == tcTrue
			}
			return true, nil
		}
		return false, nil
	})
}

func (d *footerDecoder) columnChunk(depth int, c *format.ColumnChunk) error {
	return d.structFields(depth, 1<<2, columnChunkNames, func(id int16, typ byte) (bool, error) {
		switch id {
		case 1:
			return d.decodeStr(typ, &c.FilePath)
		case 2:
			return d.decodeI64(typ, &c.FileOffset)
		case 3:
			if typ != tcStruct {
				return false, nil
			}
			return true, d.columnMetaData(depth+1, &c.MetaData)
		case 4:
			return d.decodeI64(typ, &c.OffsetIndexOffset)
		case 5:
			return d.decodeI32(typ, &c.OffsetIndexLength)
		case 6:
			return d.decodeI64(typ, &c.ColumnIndexOffset)
		case 7:
			return d.decodeI32(typ, &c.ColumnIndexLength)
		case 8:
			return d.rare(typ, depth, &c.CryptoMetadata)
		case 9:
			return d.decodeBytes(typ, &c.EncryptedColumnMetadata)
		}
		return false, nil
	})
}

func (d *footerDecoder) columnMetaData(depth int, m *format.ColumnMetaData) error {
	const req = 1<<1 | 1<<2 | 1<<3 | 1<<4 | 1<<5 | 1<<6 | 1<<7 | 1<<9
	return d.structFields(depth, req, columnMetaDataNames, func(id int16, typ byte) (bool, error) {
		switch id {
		case 1, 4:
			var v int32
			ok, err := d.decodeI32(typ, &v)
			if !ok || err != nil {
				return ok, err // another type: skipped, the value kept
			}
			if id == 1 {
				m.Type = format.Type(v)
			} else {
				m.Codec = format.CompressionCodec(v)
			}
			return true, nil
		case 2:
			return decodeList(d, typ, tcI32, depth, &m.Encoding, &d.encodings, func(e *format.Encoding) error {
				v, err := d.i32()
				*e = format.Encoding(v)
				return err
			})
		case 3:
			return decodeList(d, typ, tcBinary, depth, &m.PathInSchema, &d.paths, func(e *string) error {
				v, err := d.str()
				*e = v
				return err
			})
		case 5:
			return d.decodeI64(typ, &m.NumValues)
		case 6:
			return d.decodeI64(typ, &m.TotalUncompressedSize)
		case 7:
			return d.decodeI64(typ, &m.TotalCompressedSize)
		case 8:
			return decodeList(d, typ, tcStruct, depth, &m.KeyValueMetadata, nil, func(e *format.KeyValue) error { return d.keyValue(depth+2, e) })
		case 9:
			return d.decodeI64(typ, &m.DataPageOffset)
		case 10:
			return d.decodeI64(typ, &m.IndexPageOffset)
		case 11:
			return d.decodeI64(typ, &m.DictionaryPageOffset)
		case 12:
			if typ != tcStruct {
				return false, nil
			}
			return true, d.statistics(depth+1, &m.Statistics)
		case 13:
			return decodeList(d, typ, tcStruct, depth, &m.EncodingStats, &d.encStats, func(e *format.PageEncodingStats) error { return d.encodingStats(depth+2, e) })
		case 14:
			return d.decodeI64(typ, &m.BloomFilterOffset)
		case 15:
			return d.decodeI32(typ, &m.BloomFilterLength)
		case 16:
			if typ != tcStruct {
				return false, nil
			}
			return true, d.sizeStatistics(depth+1, &m.SizeStatistics)
		case 17:
			return d.rare(typ, depth, &m.GeospatialStatistics)
		}
		return false, nil
	})
}

func (d *footerDecoder) statistics(depth int, s *format.Statistics) error {
	return d.structFields(depth, 0, statisticsNames, func(id int16, typ byte) (bool, error) {
		switch id {
		case 1:
			return d.decodeBytes(typ, &s.Max)
		case 2:
			return d.decodeBytes(typ, &s.Min)
		case 3:
			return d.decodeI64(typ, &s.NullCount)
		case 4:
			return d.decodeI64(typ, &s.DistinctCount)
		case 5:
			return d.decodeBytes(typ, &s.MaxValue)
		case 6:
			return d.decodeBytes(typ, &s.MinValue)
		}
		return false, nil
	})
}

func (d *footerDecoder) encodingStats(depth int, s *format.PageEncodingStats) error {
	return d.structFields(depth, 1<<1|1<<2|1<<3, encodingStatsNames, func(id int16, typ byte) (bool, error) {
		if id < 1 || id > 3 {
			return false, nil
		}
		var v int32
		ok, err := d.decodeI32(typ, &v)
		if !ok || err != nil {
			return ok, err // another type: skipped, the value kept
		}
		switch id {
		case 1:
			s.PageType = format.PageType(v)
		case 2:
			s.Encoding = format.Encoding(v)
		case 3:
			s.Count = v
		}
		return true, nil
	})
}

func (d *footerDecoder) sizeStatistics(depth int, s *format.SizeStatistics) error {
	return d.structFields(depth, 0, sizeStatisticsNames, func(id int16, typ byte) (bool, error) {
		elem := func(e *int64) error {
			v, err := d.i64()
			*e = v
			return err
		}
		switch id {
		case 1:
			return d.decodeI64(typ, &s.UnencodedByteArrayDataBytes)
		case 2:
			return decodeList(d, typ, tcI64, depth, &s.RepetitionLevelHistogram, nil, elem)
		case 3:
			return decodeList(d, typ, tcI64, depth, &s.DefinitionLevelHistogram, nil, elem)
		}
		return false, nil
	})
}

// pqSchemaNode is a node of a file's schema, built from the decoded footer when
// the schema is plain (see buildSchema): the readers look columns up in it
// without parquet-go, which then opens the file only when a reader needs
// its page reader, statistics or bloom filters (pqFile.file).
type pqSchemaNode struct {
	el       *format.SchemaElement
	children []*pqSchemaNode
	// A leaf's column index, definition and repetition levels.
	col            int
	maxDef, maxRep int
}

func (n *pqSchemaNode) leaf() bool { return n.el.Type.Valid }

// child returns n's child named name, or nil.
func (n *pqSchemaNode) child(name string) *pqSchemaNode {
	for _, c := range n.children {
		if c.el.Name == name {
			return c
		}
	}
	return nil
}

// lookup returns the leaf at path, as parquet.Schema.Lookup does.
func (n *pqSchemaNode) lookup(path ...string) (*pqSchemaNode, bool) {
	for _, name := range path {
		if n = n.child(name); n == nil {
			return nil, false
		}
	}
	return n, n.leaf()
}

// kind returns a leaf's physical type, as parquet-go's Kind gives it for
// the plain schemas buildSchema accepts.
func (n *pqSchemaNode) kind() format.Type { return n.el.Type.V }

// hasDuplicateName reports whether two of nodes have the same name.
func hasDuplicateName(nodes []*pqSchemaNode) bool {
	if len(nodes) > 16 {
		seen := make(map[string]bool, len(nodes))
		for _, c := range nodes {
			if seen[c.el.Name] {
				return true
			}
			seen[c.el.Name] = true
		}
		return false
	}
	for i, c := range nodes {
		for _, d := range nodes[:i] {
			if c.el.Name == d.el.Name {
				return true
			}
		}
	}
	return false
}

// isIntOf reports whether el is a leaf of physical type INT32 (bits 32)
// or INT64 (bits 64).
func isIntOf(el *format.SchemaElement, bits int) bool {
	return el.Type.Valid && (bits == 32 && el.Type.V == format.Int32 || bits == 64 && el.Type.V == format.Int64)
}

// isByteArray reports whether el is a leaf of type BYTE_ARRAY.
func isByteArray(el *format.SchemaElement) bool {
	return el.Type.Valid && el.Type.V == format.ByteArray
}

// buildSchema builds the schema tree of md, or returns nil when the
// schema is not plain, so that parquet-go must open the file to read it
// and tell what is wrong with it, as before: the element counts must add
// up and match the row groups' column chunks; a group must have children
// of distinct names and no type; only the STRING logical type on
// BYTE_ARRAY, INT(32, true) on INT32 and INT(64, true) on INT64 leaves
// (MAP and LIST on groups) and the UTF8, INT_32, INT_64 (on leaves of
// those types), LIST, MAP and MAP_KEY_VALUE converted types; no
// encryption.
func buildSchema(md *format.FileMetaData) *pqSchemaNode {
	if len(md.Schema) == 0 || md.EncryptionAlgorithm.Value != nil || len(md.Schema) > 1<<16 {
		return nil
	}
	nodes := make([]pqSchemaNode, len(md.Schema))
	ptrs := make([]*pqSchemaNode, 0, len(md.Schema))
	next, leaves := 0, 0
	var build func(depth, def, rep int) *pqSchemaNode
	build = func(depth, def, rep int) *pqSchemaNode {
		if next >= len(md.Schema) || depth > 64 {
			return nil
		}
		el := &md.Schema[next]
		n := &nodes[next]
		next++
		n.el, n.col = el, -1
		switch lt := el.LogicalType.Value.(type) {
		case nil:
		case *format.StringType:
			// On a BYTE_ARRAY only: parquet-go takes a STRING leaf for
			// one whatever its physical type says.
			if !isByteArray(el) {
				return nil
			}
		case *format.IntType:
			// Signed integers of their physical type's width (hunt
			// convert's), whose parquet-go kind is that type.
			if !lt.IsSigned || !isIntOf(el, int(lt.BitWidth)) {
				return nil
			}
		case *format.MapType, *format.ListType:
			if el.Type.Valid {
				return nil
			}
		default:
			return nil
		}
		if el.ConvertedType.Valid {
			switch el.ConvertedType.V {
			case deprecated.UTF8:
				if !isByteArray(el) {
					return nil
				}
			case deprecated.Int32:
				if !isIntOf(el, 32) {
					return nil
				}
			case deprecated.Int64:
				if !isIntOf(el, 64) {
					return nil
				}
			case deprecated.List, deprecated.Map, deprecated.MapKeyValue:
				if el.Type.Valid {
					return nil
				}
			default:
				return nil
			}
		}
		if depth > 0 && el.RepetitionType.Valid {
			switch el.RepetitionType.V {
			case format.Optional:
				def++
			case format.Repeated:
				def++
				rep++
			}
		}
		n.maxDef, n.maxRep = def, rep
		k := 0
		if el.NumChildren.Valid {
			k = int(el.NumChildren.V)
		}
		if el.Type.Valid {
			if k != 0 || depth == 0 || el.Type.V < format.Boolean || el.Type.V > format.FixedLenByteArray {
				return nil
			}
			n.col = leaves
			leaves++
			return n
		}
		if k <= 0 || k > len(md.Schema)-next {
			return nil
		}
		// The children's slots are taken before the children build
		// theirs; ptrs never grows past its capacity (every node but
		// the root is a child once), so the slices stay valid.
		start := len(ptrs)
		if k > cap(ptrs)-start {
			return nil // more children than the schema has elements
		}
		ptrs = ptrs[:start+k]
		n.children = ptrs[start : start+k : start+k]
		for i := range k {
			if n.children[i] = build(depth+1, def, rep); n.children[i] == nil {
				return nil
			}
		}
		if hasDuplicateName(n.children) {
			return nil // which one a path names is parquet-go's to say
		}
		return n
	}
	root := build(0, 0, 0)
	if root == nil || next != len(md.Schema) || root.el.RepetitionType.Valid && root.el.RepetitionType.V == format.Repeated {
		return nil
	}
	for _, rg := range md.RowGroups {
		if len(rg.Columns) != leaves {
			return nil
		}
		for _, c := range rg.Columns {
			if c.CryptoMetadata.Value != nil || len(c.EncryptedColumnMetadata) > 0 {
				return nil
			}
		}
	}
	return root
}
