package engine

import (
	"maps"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

func TestLoadArrowDictionary(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	b := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	for _, s := range []string{"a", "b", "", "a"} {
		if s == "" {
			b.AppendNull()
			continue
		}
		if err := b.AppendString(s); err != nil {
			t.Fatal(err)
		}
	}
	arr := b.NewArray()
	defer arr.Release()
	var a arena
	v := a.vec(nil, 4)
	loadArrow(&a, v, arr, nil, nil, 4)
	if v.dict == nil || v.dict.n != 2 || !v.isNull(2) {
		t.Fatalf("dictionary vec: dict=%v nulls=%v", v.dict, v.null)
	}
	f := flat(&a, v, 4)
	if f.s[0] != "a" || f.s[1] != "b" || !f.isNull(2) || f.s[3] != "a" {
		t.Errorf("flat: %q %v", f.s, f.null)
	}
	g := gatherVec(&a, v, []int32{3, 1})
	if g.dict != v.dict || g.codes[0] != v.codes[3] || g.codes[1] != v.codes[1] {
		t.Errorf("gather: %v", g.codes)
	}
	// Through a row mapping.
	w := a.vec(nil, 2)
	loadArrow(&a, w, arr, nil, []int32{2, 1}, 2)
	if !w.isNull(0) || w.isNull(1) || w.dict.s[w.codes[1]] != "b" {
		t.Errorf("rows load: codes %v nulls %v", w.codes, w.null)
	}
}

func TestLoadArrowStructParents(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := buildRecord(mem, projectTestSchema([]string{"useridentity"}), []map[string]any{
		{"useridentity": map[string]any{"arn": "x"}}, {"useridentity": nil}, {"useridentity": map[string]any{}},
	})
	defer rec.Release()
	st := rec.Column(0).(*array.Struct)
	var a arena
	v := a.vec(nil, 3)
	loadArrow(&a, v, st.Field(0), []arrow.Array{st}, nil, 3)
	if v.s[0] != "x" || !v.isNull(1) || !v.isNull(2) {
		t.Errorf("got %q %v", v.s, v.null)
	}
}

func TestArenaStrings(t *testing.T) {
	var a arena
	s1 := a.str([]byte("hello"))
	for i := 0; i < 10000; i++ { // force growth
		a.str([]byte("0123456789"))
	}
	if s1 != "hello" {
		t.Errorf("string changed after arena growth: %q", s1)
	}
}

// TestGrow_SizedByRows: scratch buffers are sized by the rows an operator
// receives (doubling up to BatchRows), so a hunt routed a few rows of each
// batch does not hold BatchRows-sized vecs.
func TestGrow_SizedByRows(t *testing.T) {
	var b []int64
	for _, tc := range []struct{ n, maxCap int }{{3, 3}, {2, 3}, {5, 6}, {100, 100}, {4000, 4000}, {4096, BatchRows}, {10000, 10000}} {
		got := grow(&b, tc.n)
		if len(got) != tc.n || cap(got) > tc.maxCap {
			t.Errorf("grow to %d: len %d cap %d; want len %d, cap at most %d", tc.n, len(got), cap(got), tc.n, tc.maxCap)
		}
	}
	// A query routed 3 rows of a batch: its operators' vecs hold 3 rows.
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := benchBatch(mem, BatchRows)
	defer rec.Release()
	q, err := Compile("SELECT useridentity.arn, count(*) FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND sourceipaddress LIKE '10.%' GROUP BY 1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	if err := r.PushRows(0, rec, []int32{0, 40, 80}); err != nil {
		t.Fatal(err)
	}
	for _, o := range q.ops {
		var a *arena
		switch x := o.(type) {
		case *opScan:
			a = &x.ws[0].a
		case *opWhere:
			a = &x.ws[0].a
		case *opAggregate:
			a = &x.ws[0].a
		}
		if a == nil {
			continue
		}
		for _, v := range a.vecs {
			if c := max(cap(v.nb), cap(v.ib), cap(v.sb), cap(v.bb), cap(v.cb), cap(v.xb)); c > 64 {
				t.Errorf("%s: a vec of %d rows' capacity after a 3-row push; want it sized by the rows", o.explain(), c)
			}
		}
	}
	if _, err := r.Finish(); err != nil {
		t.Fatal(err)
	}
}

// TestLoadArrow_Nulls: the NULLs loaded from the validity bits are the
// array's, for an array sliced at an offset that is not a byte boundary,
// with and without a row selection, for integer and string columns.
func TestLoadArrow_Nulls(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ib := array.NewInt64Builder(mem)
	sb := array.NewStringBuilder(mem)
	for i := range 100 {
		if i%3 == 0 || i%7 == 0 {
			ib.AppendNull()
			sb.AppendNull()
		} else {
			ib.Append(int64(i))
			sb.Append("v")
		}
	}
	ints, strs := ib.NewArray(), sb.NewArray()
	ib.Release()
	sb.Release()
	defer ints.Release()
	defer strs.Release()
	for _, whole := range []arrow.Array{ints, strs} {
		for _, off := range []int{0, 3, 8, 13, 16} {
			arr := array.NewSlice(whole, int64(off), int64(whole.Len()))
			for _, rows := range [][]int32{nil, {0, 1, 2, 5, 8, 9, 40, 77, int32(arr.Len() - 1)}} {
				n := arr.Len()
				if rows != nil {
					n = len(rows)
				}
				var a arena
				v := &vec{}
				loadArrow(&a, v, arr, nil, rows, n)
				for j := range n {
					r := j
					if rows != nil {
						r = int(rows[j])
					}
					if got, want := v.isNull(j), arr.IsNull(r); got != want {
						t.Errorf("%s at offset %d, rows %v: row %d NULL %v, want %v", arr.DataType(), off, rows != nil, r, got, want)
					}
				}
			}
			arr.Release()
		}
	}
}

// TestLoadArrow_NullsWhere: whichever rows hold the NULLs (only the last
// ones, past the last whole validity byte; only within whole bytes; none
// of the rows loaded), the loaded NULLs are the array's, and a load
// whose rows hold none has no null slice (kernels take their paths
// without nulls). A struct field's NULLs include its parent's.
func TestLoadArrow_NullsWhere(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, tc := range []struct {
		name   string
		n      int
		isNull func(i int) bool
	}{
		{"tail only", 100, func(i int) bool { return i >= 97 }},
		{"whole bytes only", 100, func(i int) bool { return i >= 8 && i < 16 }},
		{"first row only", 64, func(i int) bool { return i == 0 }},
		{"every row", 21, func(i int) bool { return true }},
	} {
		b := array.NewInt32Builder(mem)
		for i := range tc.n {
			if tc.isNull(i) {
				b.AppendNull()
			} else {
				b.Append(int32(i))
			}
		}
		arr := b.NewArray()
		b.Release()
		var valid []int32
		for i := range tc.n {
			if !tc.isNull(i) {
				valid = append(valid, int32(i))
			}
		}
		for _, off := range []int{0, 5, 8} {
			sl := array.NewSlice(arr, int64(off), int64(tc.n))
			for _, rows := range [][]int32{nil, {0, int32(sl.Len() - 1)}, valid} {
				if rows != nil && off > 0 {
					continue
				}
				n := sl.Len()
				if rows != nil {
					n = len(rows)
				}
				var a arena
				v := &vec{}
				loadArrow(&a, v, sl, nil, rows, n)
				any := false
				for j := range n {
					r := j
					if rows != nil {
						r = int(rows[j])
					}
					want := sl.IsNull(r)
					any = any || want
					if got := v.isNull(j); got != want {
						t.Errorf("%s, offset %d, rows %v: row %d NULL %v, want %v", tc.name, off, rows, r, got, want)
					}
					if !want && v.i[j] != int64(off+r) {
						t.Errorf("%s, offset %d, rows %v: row %d = %d, want %d", tc.name, off, rows, r, v.i[j], off+r)
					}
				}
				if !any && v.null != nil {
					t.Errorf("%s, offset %d, rows %v: no row NULL, yet a null slice %v", tc.name, off, rows, v.null)
				}
			}
			sl.Release()
		}
		arr.Release()
	}
}

// nullParentsColumns returns a useridentity struct column of four rows
// (arn "x", a NULL struct, a struct without arn, arn "y") and a NULL-typed
// array of four, and the function that releases both.
func nullParentsColumns(mem memory.Allocator) (st *array.Struct, nulls arrow.Array, release func()) {
	rec := buildRecord(mem, projectTestSchema([]string{"useridentity"}), []map[string]any{
		{"useridentity": map[string]any{"arn": "x"}}, {"useridentity": nil}, {"useridentity": map[string]any{}},
		{"useridentity": map[string]any{"arn": "y"}},
	})
	nulls = array.NewNull(4)
	return rec.Column(0).(*array.Struct), nulls, func() { rec.Release(); nulls.Release() }
}

// TestLoadArrow_NullParents: a field is NULL where it or a struct
// ancestor is, whichever of them holds the NULLs, through rows or not;
// a NULL-typed ancestor (nulls without a bitmap) counts too.
func TestLoadArrow_NullParents(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	st, nulls, release := nullParentsColumns(mem)
	defer release()
	for _, tc := range []struct {
		name    string
		arr     arrow.Array
		parents []arrow.Array
		rows    []int32
		want    []bool
	}{
		{"field and parent", st.Field(0), []arrow.Array{st}, nil, []bool{false, true, true, false}},
		{"through rows", st.Field(0), []arrow.Array{st}, []int32{1, 3}, []bool{true, false}},
		{"parent only NULL", st.Field(0), []arrow.Array{st}, []int32{0, 1}, []bool{false, true}},
		{"none in rows", st.Field(0), []arrow.Array{st}, []int32{0, 3}, nil},
		{"NULL-typed parent", st.Field(0), []arrow.Array{nulls}, []int32{0, 3}, []bool{true, true}},
	} {
		n := tc.arr.Len()
		if tc.rows != nil {
			n = len(tc.rows)
		}
		var a arena
		v := &vec{}
		loadArrow(&a, v, tc.arr, tc.parents, tc.rows, n)
		if tc.want == nil {
			if v.null != nil {
				t.Errorf("%s: null slice %v; want none", tc.name, v.null)
			}
			continue
		}
		for j, want := range tc.want {
			if got := v.isNull(j); got != want {
				t.Errorf("%s: row %d NULL %v, want %v", tc.name, j, got, want)
			}
		}
	}
}

// TestSetNulls_Rows: through rows, the NULLs read are the array's however
// rare its NULLs (one, at every position in turn) or its valid rows (one
// valid row, at every position), for arrays sliced at offsets on and off
// byte boundaries and spanning several 64-bit words, and for row
// selections that start or end at the rare bit, skip it, or hold one row,
// and selections that repeat rows (UNNEST's).
// Rare bits take setNullsSparse; the rest the per-row test. The NULL
// flags are checked when a NULL is reported (loadNulls reads them only
// then).
func TestSetNulls_Rows(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 203
	check := func(name string, arr arrow.Array, rows []int32) {
		t.Helper()
		nl := make([]bool, len(rows))
		for i := range nl {
			nl[i] = i%2 == 0 // stale values must be overwritten
		}
		got := setNulls(nl, arr, rows)
		any := false
		for _, r := range rows {
			any = any || arr.IsNull(int(r))
		}
		if got != any {
			t.Fatalf("%s, offset %d, rows %v: reported a NULL %v, want %v", name, arr.Data().Offset(), rows, got, any)
		}
		if !got {
			return // nl is not read
		}
		for j, r := range rows {
			if want := arr.IsNull(int(r)); nl[j] != want {
				t.Fatalf("%s, offset %d, rows %v: row %d NULL %v, want %v", name, arr.Data().Offset(), rows, r, nl[j], want)
			}
		}
	}
	for _, mostlyNull := range []bool{false, true} {
		for rare := -1; rare < n; rare++ {
			b := array.NewInt32Builder(mem)
			for i := range n {
				if (i == rare) != mostlyNull {
					b.AppendNull()
				} else {
					b.Append(int32(i))
				}
			}
			whole := b.NewArray()
			b.Release()
			name := "one NULL at " + itoa(int64(rare))
			if mostlyNull {
				name = "one valid row at " + itoa(int64(rare))
			}
			for _, off := range []int{0, 1, 7, 8, 13, 64, 71} {
				arr := array.NewSlice(whole, int64(off), int64(n-off%5))
				m := int32(arr.Len())
				at := int32(rare - off) // the rare bit's row in arr (may be outside)
				var all, odd, even []int32
				for r := range m {
					all = append(all, r)
					if r%2 == 1 {
						odd = append(odd, r)
					} else {
						even = append(even, r)
					}
				}
				// Repeated rows, as UNNEST gives: every row three
				// times, and runs of every fifth row.
				var thrice, runs []int32
				for r := range m {
					thrice = append(thrice, r, r, r)
					if r%5 == 0 {
						for range 1 + int(r)%7 {
							runs = append(runs, r)
						}
					}
				}
				sels := [][]int32{all, odd, even, {0}, {m - 1}, {0, m - 1}, thrice, runs, {0, 0}, {m - 1, m - 1}}
				if at >= 0 && at < m {
					sels = append(sels, []int32{at}, []int32{at, m - 1}, []int32{0, at}, []int32{max(at-1, 0), min(at+1, m-1)},
						[]int32{at, at, at}, []int32{0, at, at, m - 1, m - 1}, []int32{max(at-1, 0), max(at-1, 0), at, at})
				}
				for _, rows := range sels {
					check(name, arr, rows)
				}
				arr.Release()
			}
			whole.Release()
		}
	}
}

// TestGatherChunk_Reload narrows a chunk of routed rows twice, as WHERE
// conjuncts do, with slots loaded before either narrowing, between them
// or only at the end, and checks every slot's values and NULLs against
// the arrays through the composed rows: integer and float columns of the
// batch are not gathered but loaded again through the narrowed chunk's
// rows (reloads), strings and computed slots (no source) are gathered.
// A reloaded column whose NULLs all fell outside the kept rows has no
// NULL flags.
func TestGatherChunk_Reload(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 300
	i64 := array.NewInt64Builder(mem)
	i32 := array.NewInt32Builder(mem)
	f64 := array.NewFloat64Builder(mem)
	str := array.NewStringBuilder(mem)
	for i := range n {
		if i%7 == 3 {
			i64.AppendNull()
			f64.AppendNull()
		} else {
			i64.Append(int64(i) * 1000)
			f64.Append(float64(i) / 4)
		}
		if i%11 == 5 {
			i32.AppendNull()
			str.AppendNull()
		} else {
			i32.Append(int32(-i))
			str.Append("s" + itoa(int64(i)))
		}
	}
	arrs := []arrow.Array{i64.NewArray(), i32.NewArray(), f64.NewArray(), str.NewArray()}
	for _, b := range []array.Builder{i64, i32, f64, str} {
		b.Release()
	}
	defer func() {
		for _, a := range arrs {
			a.Release()
		}
	}()
	var routed []int32
	for r := range int32(n) {
		if r%3 != 0 {
			routed = append(routed, r)
		}
	}
	// Keep rows whose source row is even, then those past 100, and
	// rows 7 mod 7... : sel1 over the routed rows, sel2 over sel1's.
	var sel1, sel2 []int32
	for j, r := range routed {
		if r%2 == 0 || r%7 == 3 {
			sel1 = append(sel1, int32(j))
		}
	}
	for k, j := range sel1 {
		if r := routed[j]; r > 100 && r%7 != 3 {
			sel2 = append(sel2, int32(k))
		}
	}
	const computed = 4 // a slot without source: routed row numbers
	for _, loadAt := range [][2]int{{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 2}} {
		// loadAt: each column is read before narrowing loadAt[0] (0 before
		// the first, 1 between, 2 at the end) for even slots, loadAt[1]
		// for odd ones.
		var a arena
		a.reset()
		var c0, c1, c2 chunk
		c0.reset(5, &a)
		c0.n, c0.rows = len(routed), routed
		for i, arr := range arrs {
			c0.src[i].arr = arr
		}
		cv := a.vec(tInt, len(routed))
		for j, r := range routed {
			cv.ints()[j] = int64(r)
		}
		c0.cols[computed] = cv
		stage := func(c *chunk, at int) {
			for i := range arrs {
				if loadAt[i%2] == at {
					c.col(i)
				}
			}
		}
		stage(&c0, 0)
		var rb1, rb2 []int32
		gatherChunk(&c1, &c0, sel1, &a, &rb1)
		stage(&c1, 1)
		gatherChunk(&c2, &c1, sel2, &a, &rb2)
		stage(&c2, 2)
		for k, s2 := range sel2 {
			r := int(routed[sel1[s2]])
			if got := c2.col(computed).i[k]; got != int64(r) {
				t.Fatalf("load at %v: computed slot row %d = %d, want %d", loadAt, k, got, r)
			}
			for i, arr := range arrs {
				v := c2.col(i)
				if v.isNull(k) != arr.IsNull(r) {
					t.Fatalf("load at %v: slot %d row %d (source %d) NULL %v, want %v", loadAt, i, k, r, v.isNull(k), arr.IsNull(r))
				}
				if arr.IsNull(r) {
					continue
				}
				var got, want any
				switch x := arr.(type) {
				case *array.Int64:
					got, want = v.i[k], x.Value(r)
				case *array.Int32:
					got, want = v.i[k], int64(x.Value(r))
				case *array.Float64:
					got, want = v.f[k], x.Value(r)
				case *array.String:
					got, want = v.s[k], x.Value(r)
				}
				if got != want {
					t.Fatalf("load at %v: slot %d row %d (source %d) = %v, want %v", loadAt, i, k, r, got, want)
				}
			}
		}
		// The kept rows hold no NULL of the int64 and float columns
		// (rows 7k+3 were dropped): loaded through them, those have no
		// NULL flags (gathered ones kept theirs).
		for i := range 3 {
			if v := c2.col(i); v.null != nil && i != 1 && reloads(c2.src[i]) {
				t.Errorf("load at %v: slot %d kept NULL flags without a NULL", loadAt, i)
			}
		}
	}
}

// TestQuery_UnnestRareNulls counts the NULLs of an outer column after
// CROSS JOIN UNNEST, which repeats each row once per element: a column
// with two NULLs in 200 rows, and one with two values, take the sparse
// NULL lookup through repeated rows. Each repeated row must keep its
// row's NULL (the lookup marked only the first of them: 600|0|600).
func TestQuery_UnnestRareNulls(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, tc := range []struct {
		name string
		set  func(i int) bool // whether row i has an errorcode
		want string
	}{
		{"rare values", func(i int) bool { return i == 50 || i == 120 }, "594|6|600|6\n"},
		{"rare NULLs", func(i int) bool { return i != 50 && i != 120 }, "6|594|600|594\n"},
	} {
		var rows []map[string]any
		for i := range 200 {
			extra := map[string]any{"requestparameters": "a,b,c"}
			if tc.set(i) {
				extra["errorcode"] = "AccessDenied"
			}
			rows = append(rows, ctRow("GetParameter", "u", "2024-03-01T15:04:05Z", "us-east-1", "111111111111", extra))
		}
		rec := buildRecord(mem, parsers.CloudTrailSchema, rows)
		for _, sql := range []string{
			"SELECT count_if(errorcode IS NULL), count_if(errorcode IS NOT NULL), count(*), count(errorcode) FROM cloudtrail CROSS JOIN UNNEST(split(requestparameters, ',')) AS n (x)",
			"SELECT count_if(errorcode IS NULL), count_if(errorcode IS NOT NULL), count(*), count(errorcode) FROM cloudtrail CROSS JOIN UNNEST(split(requestparameters, ',')) AS n (x) WHERE x <> 'z'",
		} {
			if got := resultText(runQuery(t, sql, 1, rec)); got != tc.want {
				t.Errorf("%s: %s: got %q, want %q", tc.name, sql, got, tc.want)
			}
		}
		rec.Release()
	}
}

// TestFill checks fill at every length around its loop and its doubling
// copies, for a value type and a pointer type.
func TestFill(t *testing.T) {
	for n := range 3*fillLoop + 5 {
		b := make([]bool, n+1)
		fill(b[:n], true)
		s := make([]string, n+1)
		fill(s[:n], "x")
		for i := range n {
			if !b[i] || s[i] != "x" {
				t.Fatalf("n=%d: value %d not filled", n, i)
			}
		}
		if b[n] || s[n] != "" {
			t.Fatalf("n=%d: filled past the slice", n)
		}
	}
	i := make([]int64, 5000)
	fill(i, -1)
	for k, v := range i {
		if v != -1 {
			t.Fatalf("5000 values: value %d = %d", k, v)
		}
	}
}

// TestChunk_NullMemo: a chunk's columns loaded through its rows get their
// own NULL flags when the chunk reuses what an earlier column's validity
// gave: the same bitmap bytes from another bit offset, bytes that differ
// in one bit, mostly-NULL columns, columns with NULLs none of the rows
// hold, struct fields, flags read without loading (nullsOnly), and a
// scratch chunk of the arena reused over other rows after a reset.
func TestChunk_NullMemo(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 200
	build := func(isNull func(i int) bool) arrow.Array {
		b := array.NewInt32Builder(mem)
		defer b.Release()
		for i := range n {
			if isNull(i) {
				b.AppendNull()
			} else {
				b.Append(int32(i))
			}
		}
		return b.NewArray()
	}
	nodata := func(i int) bool { return i%13 == 5 || i == 64 }
	wholes := []arrow.Array{
		build(nodata),
		build(nodata), // the same bits in another buffer
		build(func(i int) bool { return nodata(i) || i == 100 }),
		build(func(i int) bool { return i%13 != 5 }),            // mostly NULL
		build(func(i int) bool { return i%13 == 5 && i > 150 }), // NULLs past most rows
	}
	var arrs []arrow.Array
	for _, w := range wholes {
		arrs = append(arrs, array.NewSlice(w, 0, n-1))
		arrs = append(arrs, array.NewSlice(w, 1, n)) // the same bytes, one bit on
		w.Release()
	}
	// A struct whose field has the first bitmap and whose own NULLs add row 7.
	field := array.NewSlice(arrs[0], 0, n-1)
	defer field.Release()
	sb := array.NewInt32Builder(mem)
	for i := range n - 1 {
		if i == 7 {
			sb.AppendNull()
		} else {
			sb.Append(1)
		}
	}
	validOf := sb.NewArray()
	sb.Release()
	defer validOf.Release()
	pd := array.NewData(arrow.StructOf(arrow.Field{Name: "f", Type: arrow.PrimitiveTypes.Int32, Nullable: true}),
		n-1, []*memory.Buffer{validOf.Data().Buffers()[0]}, []arrow.ArrayData{field.Data()}, validOf.NullN(), 0)
	parent := array.NewStructData(pd)
	pd.Release()
	defer parent.Release()
	defer func() {
		for _, a := range arrs {
			a.Release()
		}
	}()
	type load struct {
		arr     arrow.Array
		parents []arrow.Array
	}
	var loads []load
	for _, a := range arrs {
		loads = append(loads, load{a, nil})
	}
	loads = append(loads, load{parent.Field(0), []arrow.Array{parent}}, load{arrs[0], nil})
	isNull := func(l load, r int) bool {
		for _, p := range l.parents {
			if p.IsNull(r) {
				return true
			}
		}
		return l.arr.IsNull(r)
	}
	selections := map[string][]int32{}
	for _, step := range []int{1, 2, 3, 13} {
		var rows []int32
		for r := int32(0); r < n-1; r += int32(step) {
			rows = append(rows, r)
		}
		selections["every "+itoa(int64(step))] = rows
	}
	for r := int32(1); r < n-1; r += 2 {
		selections["every 2 from 1, then 198"] = append(selections["every 2 from 1, then 198"], r) // as many rows as every 2
	}
	selections["every 2 from 1, then 198"] = append(selections["every 2 from 1, then 198"], n-2)
	selections["rows 0-150, thrice"] = nil
	for r := int32(0); r <= 150; r++ {
		selections["rows 0-150, thrice"] = append(selections["rows 0-150, thrice"], r, r, r)
	}
	var a arena
	var c chunk // reused: reset forgets the flags of the rows before
	for _, name := range slices.Sorted(maps.Keys(selections)) {
		rows := selections[name]
		for _, nullsOnly := range []bool{false, true} {
			c.reset(len(loads), &a)
			c.n, c.rows = len(rows), rows
			for i, l := range loads {
				c.src[i] = srcCol{arr: l.arr, parents: l.parents}
			}
			for i, l := range loads {
				var null []bool
				if nullsOnly {
					null, _ = c.nullsOnly(i)
				} else {
					null = c.col(i).null
				}
				for j, r := range rows {
					want := isNull(l, int(r))
					if got := null != nil && null[j]; got != want {
						t.Fatalf("%s, nullsOnly %v, load %d: row %d NULL %v, want %v", name, nullsOnly, i, r, got, want)
					}
				}
			}
		}
	}
	// A scratch chunk reused over other rows after the arena's reset.
	var base chunk
	base.reset(1, &a)
	base.n, base.rows = n-1, nil
	base.src[0] = srcCol{arr: arrs[0]}
	for _, sel := range [][]int32{{4, 5, 6}, {6, 7, 8}, {5, 18, 31}, {0, 1, 2}} {
		a.reset()
		sub := a.subChunk(&base, sel)
		null := sub.col(0).null
		for j, r := range sel {
			if got, want := null != nil && null[j], arrs[0].IsNull(int(r)); got != want {
				t.Fatalf("sub chunk over %v: row %d NULL %v, want %v", sel, r, got, want)
			}
		}
	}
}
