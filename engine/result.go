package engine

import (
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Result is the answer of a query: named, typed columns and rows of Go
// values. Values are nil (NULL), bool, int64, float64, string, time.Time
// (timestamp and date, UTC), []any (array) or map[string]any (row, map).
type Result struct {
	Columns []string // output column names, in SELECT order
	Types   []string // SQL type names: varchar, bigint, double, boolean, timestamp(3), array(varchar)...
	cols    []*column
	views   bool // strings view a batch ([Run.StreamViews]): AppendRow copies them
}

// Len returns the number of rows.
func (r *Result) Len() int {
	if len(r.cols) == 0 {
		return 0
	}
	return r.cols[0].len()
}

// Value returns the value of column col in row row.
func (r *Result) Value(row, col int) any { return r.cols[col].value(row) }

// String returns the value of column col in row row when it is text
// (varchar or json) and not NULL: what [Result.Value] would return as a
// string, without boxing it. ok is false for NULL and for other types.
func (r *Result) String(row, col int) (s string, ok bool) {
	c := r.cols[col]
	if (c.t.k != kString && c.t.k != kJSON) || c.null[row] {
		return "", false
	}
	return c.s[row], true
}

// Row returns one row's values.
func (r *Result) Row(row int) []any {
	out := make([]any, len(r.cols))
	for i, c := range r.cols {
		out[i] = c.value(row)
	}
	return out
}

// Rows returns every row.
func (r *Result) Rows() [][]any {
	out := make([][]any, r.Len())
	for i := range out {
		out[i] = r.Row(i)
	}
	return out
}

// CompareRows orders row i of a and row j of b as Finish orders the
// rows of a query without ORDER BY: by every column in turn, NULLs last.
// a and b have the query's columns (chunks of one [Run.Stream], or rows
// kept from them with [Result.AppendRow]).
func CompareRows(a *Result, i int, b *Result, j int) int {
	for k, c := range a.cols {
		d := b.cols[k]
		ni, nj := c.null[i], d.null[j]
		switch {
		case ni && nj:
			continue
		case ni:
			return 1
		case nj:
			return -1
		}
		if r := compareValues(c, i, d, j); r != 0 {
			return r
		}
	}
	return 0
}

// Empty returns a result with r's columns and no rows.
func (r *Result) Empty() *Result {
	out := &Result{Columns: r.Columns, Types: r.Types, cols: make([]*column, len(r.cols))}
	for k, c := range r.cols {
		out.cols[k] = newColumn(c.t)
	}
	return out
}

// AppendRow appends row i of src, which has r's columns, to r and returns
// its row number in r.
//
// When src's strings view a batch, the row's strings are copied, all into
// one allocation: a hunt's fold keeps each finding's evidence rows this
// way, a dozen strings a row.
func (r *Result) AppendRow(src *Result, i int) int {
	n := 0
	for k, c := range r.cols {
		c.appendFrom(src.cols[k], i)
		if src.views && c.t.isStringy() {
			n += len(c.s[len(c.s)-1])
		}
	}
	if n > 0 {
		buf := make([]byte, 0, n)
		for _, c := range r.cols {
			if !c.t.isStringy() {
				continue
			}
			last := len(c.s) - 1
			if s := c.s[last]; s != "" {
				start := len(buf)
				buf = append(buf, s...)
				c.s[last] = unsafe.String(&buf[start], len(s))
			}
		}
	}
	return r.Len() - 1
}

// Text returns row, col formatted as Trino prints it in its CLI: NULL as
// "NULL", timestamps as "2024-01-02 03:04:05.000", doubles in shortest
// form, arrays as "[a, b]", rows as "{k=v, ...}".
func (r *Result) Text(row, col int) string { return formatValue(r.Value(row, col)) }

// Date is the Go value of a DATE result: midnight UTC of the day. It
// prints, and marshals to JSON, as "2024-03-05", as Trino prints dates.
type Date struct{ time.Time }

// String returns the date as "2006-01-02".
func (d Date) String() string { return d.UTC().Format(time.DateOnly) }

// MarshalJSON returns the date as a JSON string "2006-01-02".
func (d Date) MarshalJSON() ([]byte, error) { return strconv.AppendQuote(nil, d.String()), nil }

// FormatDouble formats a double the way Trino prints it (Java's
// Double.toString): "4.0", "1.7E9", "Infinity", as Athena's results show it.
func FormatDouble(f float64) string { return string(appendDouble(nil, f)) }

// formatValue formats a Go value of a result the way Trino prints it.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return string(appendDouble(nil, x))
	case bool:
		return strconv.FormatBool(x)
	case Date:
		return x.String()
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.000")
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = formatValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + formatValue(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return ""
}

// Record returns the result as one Arrow record batch allocated from mem;
// the caller releases it. Nested values become their text form.
func (r *Result) Record(mem memory.Allocator) arrow.RecordBatch {
	fields := make([]arrow.Field, len(r.cols))
	for i, c := range r.cols {
		fields[i] = arrow.Field{Name: r.Columns[i], Type: arrowType(c.t), Nullable: true}
	}
	b := array.NewRecordBuilder(mem, arrow.NewSchema(fields, nil))
	defer b.Release()
	n := r.Len()
	for i, c := range r.cols {
		fb := b.Field(i)
		fb.Reserve(n)
		for j := 0; j < n; j++ {
			if c.null[j] {
				fb.AppendNull()
				continue
			}
			switch bb := fb.(type) {
			case *array.Int64Builder:
				bb.Append(c.i[j])
			case *array.Float64Builder:
				bb.Append(c.f[j])
			case *array.BooleanBuilder:
				bb.Append(c.b[j])
			case *array.TimestampBuilder:
				bb.Append(arrow.Timestamp(c.i[j]))
			case *array.StringBuilder:
				if c.t.isText() {
					bb.Append(c.s[j])
				} else {
					bb.Append(formatValue(c.value(j)))
				}
			}
		}
	}
	return b.NewRecordBatch()
}

func arrowType(t *dtype) arrow.DataType {
	switch t.k {
	case kInt, kIntervalDS, kIntervalYM:
		return arrow.PrimitiveTypes.Int64
	case kDouble:
		return arrow.PrimitiveTypes.Float64
	case kBool:
		return arrow.FixedWidthTypes.Boolean
	case kTimestamp, kDate:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	}
	return arrow.BinaryTypes.String
}
