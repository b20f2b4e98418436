package engine

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BenchmarkLoadArrow loads a batch's column into a vec, as a scan slot
// does on first use: a flow log's integer column (a few NULLs), a string
// column (a NULL in ten), through every row or through the rows a gate
// routed (every other one), and NULL-free rows of a column with NULLs.
func BenchmarkLoadArrow(b *testing.B) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	ib := array.NewInt32Builder(mem)
	sb := array.NewStringBuilder(mem)
	for i := range BatchRows {
		if i%97 == 0 {
			ib.AppendNull()
		} else {
			ib.Append(int32(i))
		}
		if i%10 == 0 {
			sb.AppendNull()
		} else {
			sb.Append("10.0.0.1")
		}
	}
	ints, strs := ib.NewArray(), sb.NewArray()
	ib.Release()
	sb.Release()
	defer ints.Release()
	defer strs.Release()
	var half, valid []int32
	for i := range int32(BatchRows) {
		if i%2 == 0 {
			half = append(half, i)
		}
		if i%10 != 0 {
			valid = append(valid, i)
		}
	}
	for _, bc := range []struct {
		name string
		arr  arrow.Array
		rows []int32
	}{
		{"int32/all", ints, nil},
		{"int32/half", ints, half},
		{"string/all", strs, nil},
		{"string/half", strs, half},
		{"string/valid", strs, valid},
	} {
		b.Run(bc.name, func(b *testing.B) {
			n := BatchRows
			if bc.rows != nil {
				n = len(bc.rows)
			}
			b.ReportAllocs()
			b.SetBytes(int64(n))
			var a arena
			for b.Loop() {
				a.reset()
				v := a.vec(nil, n)
				loadArrow(&a, v, bc.arr, nil, bc.rows, n)
			}
		})
	}
}
