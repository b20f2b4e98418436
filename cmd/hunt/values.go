package main

import (
	"bytes"
	"encoding/json"
	"github.com/hunt-sec/hunt/engine"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// object is a struct value with its fields in schema order, so JSON output
// keeps the order of the columns.
type object struct {
	keys []string
	vals []any
}

// MarshalJSON implements json.Marshaler.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(k))
		b.WriteByte(':')
		v, err := json.Marshal(o.vals[i])
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// arrowValue returns row i of arr as a Go value for output: nil, string,
// int64, float64, bool, []any, or object (structs and maps).
func arrowValue(arr arrow.Array, i int) any {
	if arr.IsNull(i) {
		return nil
	}
	switch a := arr.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Dictionary:
		return arrowValue(a.Dictionary(), a.GetValueIndex(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Uint16:
		return int64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Timestamp:
		return a.Value(i).ToTime(a.DataType().(*arrow.TimestampType).Unit).UTC()
	case *array.Map:
		start, end := a.ValueOffsets(i)
		keys, items := a.Keys(), a.Items()
		o := object{}
		for j := int(start); j < int(end); j++ {
			o.keys = append(o.keys, valueText(arrowValue(keys, j)))
			o.vals = append(o.vals, arrowValue(items, j))
		}
		return o
	case *array.List:
		start, end := a.ValueOffsets(i)
		out := make([]any, 0, end-start)
		for j := int(start); j < int(end); j++ {
			out = append(out, arrowValue(a.ListValues(), j))
		}
		return out
	case *array.Struct:
		t := a.DataType().(*arrow.StructType)
		o := object{}
		for f := range a.NumField() {
			o.keys = append(o.keys, t.Field(f).Name)
			o.vals = append(o.vals, arrowValue(a.Field(f), i))
		}
		return o
	default:
		return a.ValueStr(i)
	}
}

// valueText formats a value for table and CSV cells: strings as they are,
// nested values as JSON, NULL as empty (CSV) or "NULL" (table, by caller).
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return engine.FormatDouble(x) // as Trino prints doubles: 4.0, 1.7E9
	case bool:
		return strconv.FormatBool(x)
	case engine.Date:
		return x.String() // as Trino prints dates
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.000") // as Trino prints timestamps
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return "?"
		}
		return string(b)
	}
}
