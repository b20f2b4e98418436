package engine

import (
	"strconv"
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

// BenchmarkGatherInto gathers an int64, an int32 and a widened int32
// column through ascending rows (every other row, or three of four as a
// flow log's ACCEPT rows), as loads through routed rows do. Compare with
// -tags purego for the Go loops.
func BenchmarkGatherInto(b *testing.B) {
	src64 := make([]int64, BatchRows)
	src32 := make([]int32, BatchRows)
	for i := range src64 {
		src64[i], src32[i] = int64(i)*7, int32(i)*3
	}
	for _, every := range []int{2, 4} {
		var rows []int32
		for i := range BatchRows {
			if every == 2 && i%2 == 0 || every == 4 && i%4 != 0 {
				rows = append(rows, int32(i))
			}
		}
		dst64 := make([]int64, len(rows))
		dst32 := make([]int32, len(rows))
		b.Run("int64/"+strconv.Itoa(len(rows)), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(8 * len(rows)))
			for b.Loop() {
				gatherInto(dst64, src64, rows)
			}
		})
		b.Run("int32/"+strconv.Itoa(len(rows)), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(4 * len(rows)))
			for b.Loop() {
				gatherInto(dst32, src32, rows)
			}
		})
		b.Run("widen/"+strconv.Itoa(len(rows)), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(4 * len(rows)))
			for b.Loop() {
				gatherWiden(dst64, src32, rows)
			}
		})
	}
	b.Run("widenAll", func(b *testing.B) {
		dst := make([]int64, BatchRows)
		b.ReportAllocs()
		b.SetBytes(4 * BatchRows)
		for b.Loop() {
			widenInto(dst, src32)
		}
	})
}
