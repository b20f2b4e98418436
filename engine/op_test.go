package engine

import (
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

func TestSelectTrue(t *testing.T) {
	var a arena
	v := a.vec(tBool, 4)
	copy(v.bools(), []bool{true, false, true, true})
	v.nulls()[3] = true
	if got := selectTrue(nil, v, 4); len(got) != 2 || got[0] != 0 || got[1] != 2 {
		t.Errorf("plain: %v", got)
	}
	d := a.vec(tBool, 2)
	copy(d.bools(), []bool{false, true})
	dv := a.vec(tBool, 3)
	dv.dict, dv.codes = d, []int32{1, 0, 1}
	if got := selectTrue(nil, dv, 3); len(got) != 2 || got[1] != 2 {
		t.Errorf("dict: %v", got)
	}
	if got := selectTrue(nil, boolConst(true), 3); len(got) != 3 {
		t.Errorf("const: %v", got)
	}
	// Every row, within selIota and past it.
	for _, n := range []int{0, 1, BatchRows, BatchRows + 3} {
		got := selectTrue(make([]int32, 5), boolConst(true), n)
		for i, r := range got {
			if int(r) != i {
				t.Fatalf("const over %d rows: row %d is %d", n, i, r)
			}
		}
		if len(got) != n {
			t.Fatalf("const over %d rows: %d selected", n, len(got))
		}
	}
}

// TestSelectTrue_Random: selectTrue keeps exactly the rows that are TRUE
// and not NULL, plain or by dictionary code, with or without NULLs, into a
// reused slice shorter or longer than the batch.
func TestSelectTrue_Random(t *testing.T) {
	var a arena
	r := uint64(7)
	next := func() uint64 { r ^= r << 13; r ^= r >> 7; r ^= r << 17; return r }
	sel := make([]int32, 3)
	for round := range 40 {
		n := int(next() % 300)
		d := a.vec(tBool, 5)
		// Some rounds: every dictionary value TRUE, rows with and
		// without NULLs.
		allTrue := round%8 == 0 || round%8 == 2
		for k := range d.bools() {
			d.b[k] = allTrue || next()%2 == 0
		}
		if !allTrue {
			d.nulls()[int(next()%5)] = true
		}
		v := a.vec(tBool, n)
		if round%2 == 0 {
			v.dict, v.codes = d, make([]int32, n)
			for i := range v.codes {
				v.codes[i] = int32(next() % 5)
			}
		} else {
			for i := range v.bools() {
				v.b[i] = next()%3 == 0
			}
		}
		if round%4 >= 2 {
			for i := range v.nulls() {
				v.null[i] = next()%4 == 0
			}
		}
		var want []int32
		for i := range n {
			b, isNull := false, v.isNull(i)
			if v.dict != nil {
				b, isNull = d.b[v.codes[i]], isNull || d.isNull(int(v.codes[i]))
			} else {
				b = v.b[i]
			}
			if b && !isNull {
				want = append(want, int32(i))
			}
		}
		if sel = selectTrue(sel, v, n); !slices.Equal(sel, want) {
			t.Fatalf("round %d: got %v; want %v", round, sel, want)
		}
	}
}

// TestSelectTrue_Words: selectTrue reads plain predicates eight rows a
// word; rows come out right for words with no row TRUE, all eight TRUE
// (with and without NULLs among them) and a mix, for batches whose length
// is not a multiple of eight, and for an empty batch.
func TestSelectTrue_Words(t *testing.T) {
	var a arena
	r := uint64(11)
	next := func() uint64 { r ^= r << 13; r ^= r >> 7; r ^= r << 17; return r }
	patterns := []struct {
		name string
		b    func(i int) bool
	}{
		{"none", func(int) bool { return false }},
		{"all", func(int) bool { return true }},
		{"alternate", func(i int) bool { return i%2 == 0 }},
		{"aligned runs", func(i int) bool { return i/8%2 == 1 }},
		{"unaligned runs", func(i int) bool { return (i+3)/8%3 == 0 }},
		{"last of eight", func(i int) bool { return i%8 == 7 }},
		{"random", func(int) bool { return next()%2 == 0 }},
	}
	nulls := []struct {
		name string
		null func(i int) bool // nil: no NULL slice
	}{
		{"no nulls", nil},
		{"no row null", func(int) bool { return false }},
		{"one row of eight", func(i int) bool { return i%8 == 5 }},
		{"every row", func(int) bool { return true }},
		{"random", func(int) bool { return next()%5 == 0 }},
	}
	var sel []int32
	for _, n := range []int{0, 1, 7, 8, 9, 16, 23, 64, 65, 300} {
		for _, p := range patterns {
			for _, nl := range nulls {
				v := a.vec(tBool, n)
				for i := range v.bools() {
					v.b[i] = p.b(i)
				}
				if nl.null != nil {
					for i := range v.nulls() {
						v.null[i] = nl.null(i)
					}
				}
				var want []int32
				for i := range n {
					if v.b[i] && !v.isNull(i) {
						want = append(want, int32(i))
					}
				}
				if sel = selectTrue(sel, v, n); !slices.Equal(sel, want) {
					t.Fatalf("n %d, %s, %s: got %v; want %v", n, p.name, nl.name, sel, want)
				}
			}
		}
	}
}

func TestSelectDistinctAndNames(t *testing.T) {
	exprTests(t, [][2]string{
		{"DISTINCT x FROM (SELECT 'b' AS x UNION ALL SELECT 'a' UNION ALL SELECT 'b') ORDER BY x DESC", "b\na"},
		{"x, y FROM (SELECT 1 AS x, 2 AS y) AS t WHERE t.x = 1", "1|2"},
	})
	q, err := Compile(`SELECT 1, eventname, useridentity.arn, count(*) AS "Count" FROM cloudtrail GROUP BY 2, 3`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := q.OutputColumns()
	want := []string{"_col0", "eventname", "arn", "count"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("OutputColumns() = %v; want %v", got, want)
			break
		}
	}
}

// TestWhere_ReordersConjuncts: after a few chunks a worker runs the
// conjunct that drops the most rows for its cost first; one that can fail
// (a division) stays after those that cannot; the rows kept are the
// same as in the written order.
func TestWhere_ReordersConjuncts(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := buildRecord(mem, parsers.CloudTrailSchema, ctSample())
	defer rec.Release()
	const sql = "SELECT eventname, awsregion FROM cloudtrail WHERE 10 / length(awsregion) > 0 AND awsregion IS NOT NULL AND length(eventname) > 0 AND eventname = 'ConsoleLogin'"
	q, err := Compile(sql, Options{})
	if err != nil {
		t.Fatal(err)
	}
	run := q.NewRun(1)
	const pushes = 3 * reorderEvery
	for range pushes {
		if err := run.Push(0, rec); err != nil {
			t.Fatal(err)
		}
	}
	var w *opWhere
	for _, o := range q.ops {
		if x, ok := o.(*opWhere); ok {
			w = x
		}
	}
	if w == nil || len(w.conds) != 4 {
		t.Fatalf("no filter of 4 conjuncts in\n%s", q.Explain())
	}
	// eventname = 'ConsoleLogin' drops most rows; awsregion IS NOT NULL
	// and length(eventname) > 0 drop none, the cheaper first; the division
	// can fail: last.
	var got []string
	for _, k := range w.ws[0].order {
		got = append(got, w.texts[k])
	}
	if want := []string{"eventname = 'ConsoleLogin'", "awsregion IS NOT NULL", "length(eventname) > 0", "10 / length(awsregion) > 0"}; !slices.Equal(got, want) {
		t.Errorf("order %q; want %q (in %v, out %v)", got, want, w.ws[0].in, w.ws[0].out)
	}
	res, err := run.Finish()
	if err != nil {
		t.Fatal(err)
	}
	once := runQuery(t, sql, 1, rec)
	if res.Len() != pushes*once.Len() || once.Len() == 0 {
		t.Errorf("%d rows over %d pushes; want %d each", res.Len(), pushes, once.Len())
	}
}

// BenchmarkSelectTrue: the rows a batch's predicate keeps, at random, as a
// plain vec (with and without NULLs) and by dictionary codes.
func BenchmarkSelectTrue(b *testing.B) {
	var a arena
	r := uint64(1)
	next := func() uint64 { r ^= r << 13; r ^= r >> 7; r ^= r << 17; return r }
	plain := a.vec(tBool, BatchRows)
	for i, bs := 0, plain.bools(); i < len(bs); i++ {
		bs[i] = next()%2 == 0
	}
	sparse := a.vec(tBool, BatchRows) // dstport IN (22, 3389)
	for i, bs := 0, sparse.bools(); i < len(bs); i++ {
		bs[i] = next()%64 == 0
	}
	nulls := a.vec(tBool, BatchRows)
	copy(nulls.bools(), plain.b)
	for i, nl := 0, nulls.nulls(); i < len(nl); i++ {
		nl[i] = next()%8 == 0
	}
	d := a.vec(tBool, 4)
	copy(d.bools(), []bool{true, false, true, false})
	dict := a.vec(tBool, BatchRows)
	dict.dict, dict.codes = d, make([]int32, BatchRows)
	for i := range dict.codes {
		dict.codes[i] = int32(next() % 4)
	}
	var sel []int32
	for _, c := range []struct {
		name string
		v    *vec
	}{{"plain", plain}, {"sparse", sparse}, {"nulls", nulls}, {"dict", dict}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sel = selectTrue(sel, c.v, BatchRows)
			}
		})
	}
}
