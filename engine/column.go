package engine

import (
	"cmp"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// column is a growable, owned column of values: group keys and aggregate
// results, rows kept by ORDER BY, and the final result. Unlike a vec it
// owns its strings (cloned on append), so it survives across batches.
type column struct {
	t    *dtype
	null []bool
	i    []int64
	f    []float64
	s    []string
	b    []bool
	x    []any // arrays and nested values as Go values
}

func newColumn(t *dtype) *column { return &column{t: t} }

func (c *column) len() int { return len(c.null) }

// truncate empties c, keeping its capacity; the strings and values it
// held are cleared, so it keeps nothing they point to alive.
func (c *column) truncate() {
	clear(c.s)
	clear(c.x)
	c.null, c.i, c.f, c.s, c.b, c.x = c.null[:0], c.i[:0], c.f[:0], c.s[:0], c.b[:0], c.x[:0]
}

// appendVec appends rows of v (rows 0..n-1 when rows is nil); v may be in
// any form. One type switch per call, not per row.
func (c *column) appendVec(v *vec, rows []int32, n int) { c.appendVecOwn(v, rows, n, true) }

// appendVecOwn is appendVec; without own, strings are not copied: they
// view v's (the batch's, or a kernel's scratch bytes) and are valid only
// until the pusher's next step (see [Run.StreamViews]).
func (c *column) appendVecOwn(v *vec, rows []int32, n int, own bool) {
	if rows != nil {
		n = len(rows)
	}
	row := func(j int) int {
		if rows == nil {
			return j
		}
		return int(rows[j])
	}
	at := func(j int) int { // index into src's value slice
		if v.isConst {
			return 0
		}
		r := row(j)
		if v.dict != nil {
			return int(v.codes[r])
		}
		return r
	}
	src := v
	if v.dict != nil {
		src = v.dict
	}
	for j := 0; j < n; j++ {
		var isNull bool
		switch {
		case v.isConst:
			isNull = v.isNull(0)
		case v.dict != nil:
			r := row(j)
			isNull = v.isNull(r) || src.isNull(int(v.codes[r]))
		default:
			isNull = v.isNull(row(j))
		}
		c.null = append(c.null, isNull)
	}
	switch {
	case v.t.k == kNull:
	case v.arr != nil:
		for j := 0; j < n; j++ {
			c.x = append(c.x, arrowValue(v.arr, v.complexRow(row(j))))
		}
	case v.t.isComplex() && v.x == nil && src.x == nil:
		for j := 0; j < n; j++ {
			c.x = append(c.x, nil)
		}
	case v.t.k == kArray || v.x != nil:
		for j := 0; j < n; j++ {
			// Computed values may view the batch (split's parts).
			c.x = append(c.x, ownStrings(src.x[at(j)]))
		}
	case v.t.isIntLike():
		for j := 0; j < n; j++ {
			c.i = append(c.i, src.i[at(j)])
		}
	case v.t.k == kDouble:
		for j := 0; j < n; j++ {
			c.f = append(c.f, src.f[at(j)])
		}
	case v.t.isStringy():
		for j := 0; j < n; j++ {
			if c.null[len(c.null)-n+j] {
				c.s = append(c.s, "")
				continue
			}
			if own {
				c.s = append(c.s, strings.Clone(src.s[at(j)]))
			} else {
				c.s = append(c.s, src.s[at(j)])
			}
		}
	case v.t.k == kBool:
		for j := 0; j < n; j++ {
			c.b = append(c.b, src.b[at(j)])
		}
	}
}

// appendFrom appends row j of o (same type).
func (c *column) appendFrom(o *column, j int) {
	c.null = append(c.null, o.null[j])
	switch {
	case c.t.k == kNull:
	case o.x != nil || c.t.isComplex():
		c.x = append(c.x, o.x[j])
	case c.t.isIntLike():
		c.i = append(c.i, o.i[j])
	case c.t.k == kDouble:
		c.f = append(c.f, o.f[j])
	case c.t.isStringy():
		c.s = append(c.s, o.s[j])
	case c.t.k == kBool:
		c.b = append(c.b, o.b[j])
	}
}

// toVec makes v a view of c's rows (no copy).
func (c *column) toVec(v *vec) {
	v.reset(c.t, c.len())
	v.null = c.null
	switch {
	case c.t.k == kNull:
	case c.t.isComplex():
		v.x = c.x
	case c.t.isIntLike():
		v.i = c.i
	case c.t.k == kDouble:
		v.f = c.f
	case c.t.isStringy():
		v.s = c.s
	case c.t.k == kBool:
		v.b = c.b
	}
}

// compare orders rows i and j of c; nulls compare equal to each other and
// before every value (callers place nulls themselves).
func (c *column) compare(i, j int) int {
	ni, nj := c.null[i], c.null[j]
	switch {
	case ni && nj:
		return 0
	case ni:
		return -1
	case nj:
		return 1
	}
	return compareValues(c, i, c, j)
}

// compareValues orders the non-null row i of c and row j of d (same type).
func compareValues(c *column, i int, d *column, j int) int {
	switch {
	case c.t.isIntLike():
		return cmp.Compare(c.i[i], d.i[j])
	case c.t.k == kDouble:
		return cmp.Compare(c.f[i], d.f[j])
	case c.t.isStringy():
		return strings.Compare(c.s[i], d.s[j])
	case c.t.k == kBool:
		return cmp.Compare(b2i(c.b[i]), b2i(d.b[j]))
	case c.t.isComplex():
		return compareAny(c.x[i], d.x[j])
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// value returns row j as a Go value: nil, bool, int64, float64, string,
// time.Time (timestamp, date), []any (array), map[string]any (struct, map).
// Intervals are int64 (milliseconds or months).
func (c *column) value(j int) any {
	if c.null[j] {
		return nil
	}
	switch c.t.k {
	case kBool:
		return c.b[j]
	case kInt, kIntervalDS, kIntervalYM:
		return c.i[j]
	case kDouble:
		return c.f[j]
	case kString, kJSON:
		return c.s[j]
	case kIPAddress:
		return ipText(c.s[j])
	case kArray:
		if c.t.elem.k == kIPAddress {
			return ipArrayText(c.x[j])
		}
	case kTimestamp:
		return time.UnixMicro(c.i[j]).UTC()
	case kDate:
		return Date{time.UnixMicro(c.i[j]).UTC()}
	}
	return c.x[j]
}

// arrowValue converts one value of a nested Arrow array to a Go value
// that owns its strings: results, aggregate states and buffered rows keep
// it after the batch is gone (the engine keeps nothing of a pushed batch,
// and a kept view would pin the batch's whole data buffer).
func arrowValue(arr arrow.Array, row int) any { return arrowGoValue(arr, row, true) }

// ownStrings returns v with its strings copied (in arrays, rows and maps,
// which are copied too), so that it views no batch.
func ownStrings(v any) any {
	switch x := v.(type) {
	case string:
		return strings.Clone(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = ownStrings(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[strings.Clone(k)] = ownStrings(e)
		}
		return out
	}
	return v
}

// arrowValueView is arrowValue with strings viewing the batch's buffers,
// for values used and dropped within one push (a lookup, a cast to text).
func arrowValueView(arr arrow.Array, row int) any { return arrowGoValue(arr, row, false) }

func arrowGoValue(arr arrow.Array, row int, own bool) any {
	if arr.IsNull(row) {
		return nil
	}
	switch a := arr.(type) {
	case *array.String:
		if own {
			return strings.Clone(a.Value(row))
		}
		return a.Value(row)
	case *array.Dictionary:
		return arrowGoValue(a.Dictionary(), a.GetValueIndex(row), own)
	case *array.Int64:
		return a.Value(row)
	case *array.Int32:
		return int64(a.Value(row))
	case *array.Float64:
		return a.Value(row)
	case *array.Boolean:
		return a.Value(row)
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		m := make(map[string]any, a.NumField())
		for k := 0; k < a.NumField(); k++ {
			m[st.Field(k).Name] = arrowGoValue(a.Field(k), row, own)
		}
		return m
	case *array.Map:
		start, end := a.ValueOffsets(row)
		keys, items := a.Keys(), a.Items()
		m := make(map[string]any, end-start)
		for k := start; k < end; k++ {
			if s, ok := arrowGoValue(keys, int(k), own).(string); ok {
				m[s] = arrowGoValue(items, int(k), own)
			}
		}
		return m
	case *array.List:
		start, end := a.ValueOffsets(row)
		out := make([]any, 0, end-start)
		for k := start; k < end; k++ {
			out = append(out, arrowGoValue(a.ListValues(), int(k), own))
		}
		return out
	}
	return nil
}

// compareAny orders Go values of the same SQL type deterministically.
func compareAny(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	switch x := a.(type) {
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmp.Compare(x, y)
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case bool:
		if y, ok := b.(bool); ok {
			return cmp.Compare(b2i(x), b2i(y))
		}
	case []any:
		if y, ok := b.([]any); ok {
			for k := 0; k < len(x) && k < len(y); k++ {
				if c := compareAny(x[k], y[k]); c != 0 {
					return c
				}
			}
			return cmp.Compare(len(x), len(y))
		}
	}
	return strings.Compare(formatValue(a), formatValue(b))
}

// normFloat folds -0 into 0 and every NaN into one, for grouping.
func normFloat(f float64) uint64 {
	if f == 0 {
		return 0
	}
	if f != f {
		return math.Float64bits(math.NaN())
	}
	return math.Float64bits(f)
}
