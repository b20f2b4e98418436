package engine

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// kind is the runtime representation class of a SQL type. Every type
// switch on kind happens when a query is compiled, never per row.
type kind uint8

const (
	kNull       kind = iota // the type of NULL before coercion
	kBool                   // vec.b
	kInt                    // bigint/integer: vec.i
	kDouble                 // vec.f
	kString                 // varchar: vec.s
	kJSON                   // json text: vec.s
	kTimestamp              // microseconds since the Unix epoch, UTC: vec.i
	kDate                   // midnight UTC in microseconds: vec.i
	kIntervalDS             // interval day to second, milliseconds: vec.i
	kIntervalYM             // interval year to month, months: vec.i
	kArray                  // arrow-backed (vec.arr) or computed (vec.x)
	kStruct                 // arrow-backed (vec.arr)
	kMap                    // arrow-backed (vec.arr)
	kIPAddress              // ipaddress: 16 bytes, IPv4 mapped to ::ffff:a.b.c.d, as a string in vec.s
)

// dtype is a SQL type.
type dtype struct {
	k      kind
	name   string   // SQL name for messages and results: "varchar", "bigint", "array(varchar)"
	elem   *dtype   // array element; map value
	fields []*field // struct fields
}

type field struct {
	name string
	t    *dtype
}

var (
	tNull       = &dtype{k: kNull, name: "unknown"}
	tBool       = &dtype{k: kBool, name: "boolean"}
	tInt        = &dtype{k: kInt, name: "bigint"}
	tInteger    = &dtype{k: kInt, name: "integer"}
	tDouble     = &dtype{k: kDouble, name: "double"}
	tString     = &dtype{k: kString, name: "varchar"}
	tJSON       = &dtype{k: kJSON, name: "json"}
	tTimestamp  = &dtype{k: kTimestamp, name: "timestamp(3)"}
	tDate       = &dtype{k: kDate, name: "date"}
	tIntervalDS = &dtype{k: kIntervalDS, name: "interval day to second"}
	tIntervalYM = &dtype{k: kIntervalYM, name: "interval year to month"}
	tIPAddress  = &dtype{k: kIPAddress, name: "ipaddress"}
)

func arrayOf(elem *dtype) *dtype {
	return &dtype{k: kArray, name: "array(" + elem.name + ")", elem: elem}
}

func (t *dtype) String() string { return t.name }

// isStringy reports types stored in vec.s: text, and ipaddress as its
// 16 bytes (so hashing, sorting and min/max of strings order addresses
// bytewise, as Trino does). Checks about text use isText.
func (t *dtype) isStringy() bool { return t.k == kString || t.k == kJSON || t.k == kIPAddress }

// isText reports the text types, varchar and json.
func (t *dtype) isText() bool { return t.k == kString || t.k == kJSON }

// isIntLike reports types stored in vec.i.
func (t *dtype) isIntLike() bool {
	switch t.k {
	case kInt, kTimestamp, kDate, kIntervalDS, kIntervalYM:
		return true
	}
	return false
}

func (t *dtype) isNumeric() bool { return t.k == kInt || t.k == kDouble }

// isComplex reports arrow-backed nested types.
func (t *dtype) isComplex() bool { return t.k == kArray || t.k == kStruct || t.k == kMap }

// fieldByName returns a struct field.
func (t *dtype) fieldByName(name string) (int, *dtype) {
	for i, f := range t.fields {
		if f.name == name {
			return i, f.t
		}
	}
	return -1, nil
}

// fromArrow maps an Arrow type of the table schemas to a SQL type; ok is
// false for types the engine does not read.
func fromArrow(at arrow.DataType) (*dtype, bool) {
	switch t := at.(type) {
	case *arrow.StringType, *arrow.LargeStringType:
		return tString, true
	case *arrow.DictionaryType:
		return fromArrow(t.ValueType)
	case *arrow.Int64Type:
		return tInt, true
	case *arrow.Int32Type, *arrow.Int16Type, *arrow.Int8Type:
		return tInteger, true
	case *arrow.Float64Type, *arrow.Float32Type:
		return tDouble, true
	case *arrow.BooleanType:
		return tBool, true
	case *arrow.TimestampType:
		return tTimestamp, true
	case *arrow.Date32Type:
		return tDate, true
	case *arrow.StructType:
		st := &dtype{k: kStruct}
		names := make([]string, 0, len(t.Fields()))
		for _, f := range t.Fields() {
			ft, ok := fromArrow(f.Type)
			if !ok {
				return nil, false
			}
			st.fields = append(st.fields, &field{name: strings.ToLower(f.Name), t: ft})
			names = append(names, f.Name+" "+ft.name)
		}
		st.name = "row(" + strings.Join(names, ", ") + ")"
		return st, true
	case *arrow.ListType:
		et, ok := fromArrow(t.Elem())
		if !ok {
			return nil, false
		}
		return arrayOf(et), true
	case *arrow.MapType:
		vt, ok := fromArrow(t.ItemType())
		if !ok {
			return nil, false
		}
		kt, _ := fromArrow(t.KeyType())
		name := "map(varchar, " + vt.name + ")"
		if kt != nil {
			name = "map(" + kt.name + ", " + vt.name + ")"
		}
		return &dtype{k: kMap, name: name, elem: vt}, true
	}
	return nil, false
}

// typeFromName maps a CAST target to a type.
func typeFromName(tn TypeName) (*dtype, bool) {
	switch tn.Name {
	case "varchar", "char":
		return tString, true
	case "ipaddress":
		return tIPAddress, true
	case "bigint", "smallint", "tinyint":
		return tInt, true
	case "integer":
		return tInteger, true
	case "double", "real", "decimal":
		return tDouble, true
	case "boolean":
		return tBool, true
	case "json":
		return tJSON, true
	case "date":
		return tDate, true
	}
	if strings.HasPrefix(tn.Name, "timestamp") {
		return tTimestamp, true
	}
	if tn.Name == "array" && len(tn.Args) == 1 {
		et, ok := typeFromName(tn.Args[0])
		if !ok {
			return nil, false
		}
		return arrayOf(et), true
	}
	return nil, false
}
