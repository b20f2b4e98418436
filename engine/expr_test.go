package engine

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestExprLogic(t *testing.T) {
	// Three-valued logic: NULL AND FALSE is FALSE, NULL OR TRUE is TRUE.
	exprTests(t, [][2]string{
		{"NULL AND FALSE, NULL AND TRUE, NULL OR TRUE, NULL OR FALSE, NOT NULL, NOT TRUE", "false|NULL|true|NULL|NULL|false"},
		{"NULL IS NULL, 1 IS NULL, 1 IS NOT NULL", "true|false|true"},
		{"CASE WHEN NULL THEN 1 WHEN 1 = 1 THEN 2 END, CASE 3 WHEN 1 THEN 'a' END, CASE WHEN FALSE THEN 1 ELSE 2.5 END", "2|NULL|2.5"},
	})
}

func TestExprFilterNulls(t *testing.T) {
	// WHERE keeps only TRUE rows: NULL comparisons drop out, NOT keeps NULLs out too.
	exprTests(t, [][2]string{
		{"count(*) FROM (SELECT NULL AS x UNION ALL SELECT 'a' UNION ALL SELECT 'b') WHERE x <> 'a'", "1"},
		{"count(*) FROM (SELECT NULL AS x UNION ALL SELECT 'a' UNION ALL SELECT 'b') WHERE NOT x = 'a'", "1"},
		{"count(*) FROM (SELECT NULL AS x UNION ALL SELECT 'a') WHERE NOT (x = 'a' AND x = 'b')", "1"},
		{"count(*) FROM (SELECT NULL AS x UNION ALL SELECT 'a') WHERE x IN ('a', NULL)", "1"},
		{"count(*) FROM (SELECT NULL AS x UNION ALL SELECT 'a') WHERE x NOT IN ('b', NULL)", "0"},
	})
}

// TestCaseLazy_Success: CASE evaluates each condition and value only on
// the rows still undecided and each value only on the rows its condition
// chose, as Trino does, so a guard keeps a division by zero or an
// overflow of the other rows from failing the query.
func TestCaseLazy_Success(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// bytes, packets per row: (10, 2), (7, 0), (max, 1), (NULL, 0), (-4, 2)
	rec := flowInts(mem, []any{10, 7, math.MaxInt64, nil, -4}, []any{2, 0, 1, 0, 2}, []any{1, 2, 3, 4, 5}, []any{1, 1, 1, 1, 1})
	defer rec.Release()
	tests := [][2]string{
		{"srcport, CASE WHEN packets <> 0 THEN bytes / packets END", "1|5\n2|NULL\n3|9223372036854775807\n4|NULL\n5|-2\n"},
		{"srcport, if(packets <> 0, bytes / packets, -1)", "1|5\n2|-1\n3|9223372036854775807\n4|-1\n5|-2\n"},
		{"srcport, CASE WHEN packets = 0 THEN -1 ELSE bytes / packets END", "1|5\n2|-1\n3|9223372036854775807\n4|-1\n5|-2\n"},
		{"srcport, CASE packets WHEN 0 THEN -1 ELSE bytes / packets END", "1|5\n2|-1\n3|9223372036854775807\n4|-1\n5|-2\n"},
		// A condition is evaluated only on rows no earlier condition took.
		{"srcport, CASE WHEN packets = 0 THEN 0 WHEN bytes / packets > 1 THEN 1 ELSE 2 END", "1|1\n2|0\n3|1\n4|0\n5|2\n"},
		{"srcport, CASE WHEN bytes < 100 THEN bytes + 9223372036854775000 ELSE 0 END", "1|9223372036854775010\n2|9223372036854775007\n3|0\n4|0\n5|9223372036854774996\n"},
		{"srcport, CASE WHEN srcport > 10 THEN bytes / 0 END", "1|NULL\n2|NULL\n3|NULL\n4|NULL\n5|NULL\n"},
		{"srcport, CASE WHEN srcport < 10 THEN srcaddr END", "1|10.0.0.0\n2|10.0.0.1\n3|10.0.0.2\n4|10.0.0.3\n5|10.0.0.4\n"},
		{"srcport, CASE WHEN srcport = 2 THEN 'b' WHEN srcport = 4 THEN srcaddr ELSE action END", "1|ACCEPT\n2|b\n3|ACCEPT\n4|10.0.0.3\n5|ACCEPT\n"},
		{"srcport, CASE WHEN srcport = 1 THEN NULL WHEN srcport = 2 THEN bytes ELSE CAST(NULL AS bigint) END, CASE WHEN srcport > 3 THEN NULL END", "1|NULL|NULL\n2|7|NULL\n3|NULL|NULL\n4|NULL|NULL\n5|NULL|NULL\n"},
		{"srcport, CASE WHEN srcport IN (1, 5) THEN split(srcaddr, '.') END, CASE WHEN srcport = 3 THEN 1.5 WHEN srcport = 4 THEN bytes END", "1|[10, 0, 0, 0]|NULL\n2|NULL|NULL\n3|NULL|1.5\n4|NULL|NULL\n5|[10, 0, 0, 4]|NULL\n"},
		{"count_if(CASE WHEN packets <> 0 THEN bytes / packets > 2 END), sum(bytes) FILTER (WHERE srcport <> 3)", "2|13\n"},
	}
	for _, tt := range tests {
		sql := "SELECT " + tt[0] + " FROM vpc_flow"
		if got := resultText(runQuery(t, sql, 1, rec)); got != tt[1] {
			t.Errorf("%s\ngot  %q\nwant %q", sql, got, tt[1])
		}
	}
	// The chosen rows still fail.
	if err := queryErr(t, "SELECT CASE WHEN srcport = 2 THEN bytes / packets END FROM vpc_flow", Options{}, 1, rec); err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("division by zero in a chosen row: got %v", err)
	}
}

// TestLogicLazy_Success: AND and OR evaluate their right side only on
// the rows the left side leaves undecided, as Trino short-circuits, in
// WHERE (OR), in the SELECT list and in aggregate arguments.
func TestLogicLazy_Success(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// bytes, packets per row: (10, 2), (7, 0), (max, 1), (NULL, 0), (-4, 2)
	rec := flowInts(mem, []any{10, 7, math.MaxInt64, nil, -4}, []any{2, 0, 1, 0, 2}, []any{1, 2, 3, 4, 5}, []any{1, 1, 1, 1, 1})
	defer rec.Release()
	tests := [][2]string{
		{"srcport FROM vpc_flow WHERE packets = 0 OR bytes / packets > 4", "1\n2\n3\n4\n"},
		{"srcport, packets <> 0 AND bytes / packets > 2, packets = 1 OR bytes + 9223372036854775000 < 0 FROM vpc_flow", "1|true|false\n2|false|false\n3|true|true\n4|false|NULL\n5|false|false\n"},
		{"srcport, bytes IS NULL OR NOT (packets <> 0 AND bytes / packets < 0) FROM vpc_flow", "1|true\n2|true\n3|true\n4|true\n5|false\n"},
		{"count_if(packets <> 0 AND bytes / packets > 2) FROM vpc_flow", "2\n"},
		// NULL on the left still needs the right side.
		{"srcport, bytes > 0 AND packets > 1, bytes > 0 OR packets > 1 FROM vpc_flow", "1|true|true\n2|false|true\n3|false|true\n4|false|NULL\n5|false|true\n"},
	}
	for _, tt := range tests {
		sql := "SELECT " + tt[0]
		if got := resultText(runQuery(t, sql, 1, rec)); got != tt[1] {
			t.Errorf("%s\ngot  %q\nwant %q", sql, got, tt[1])
		}
	}
}

// TestCaseConstArm: CASE WHEN c THEN k END (count_if(c)) takes the
// constant where c is TRUE and is NULL where c is FALSE or NULL, for c
// by dictionary entry (NULL rows hold any code), plain with NULLs, and
// constant.
func TestCaseConstArm(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var rows []map[string]any
	for i := range 40 {
		r := map[string]any{"srcport": i, "dstport": i % 3, "action": []string{"ACCEPT", "REJECT"}[i%2]}
		if i%5 == 0 {
			r["action"] = nil
		}
		if i%7 == 0 {
			r["dstport"] = nil
		}
		rows = append(rows, r)
	}
	rec := buildRecord(mem, flowSchema("srcport", "dstport", "action"), rows)
	defer rec.Release()
	for _, tt := range [][2]string{
		// ACCEPT: even i not a multiple of 5 (16 of 40).
		{"count_if(action = 'ACCEPT'), count(CASE WHEN action = 'ACCEPT' THEN 1 END), sum(CASE WHEN action = 'ACCEPT' THEN 2 END)", "16|16|32\n"},
		// dstport = 1: i%3 == 1 and i%7 != 0 (11 of 40); NULL dstport never counts.
		{"count_if(dstport = 1), count_if(dstport <> 1), count_if(true), count_if(false)", "11|23|40|0\n"},
		{"srcport, CASE WHEN action = 'REJECT' THEN true END FROM vpc_flow WHERE srcport < 4 GROUP BY 1, 2 ORDER BY 1 --", "0|NULL\n1|true\n2|NULL\n3|true\n"},
		// Conditions without NULLs: plain, and by dictionary entry over
		// rows none of which is NULL.
		{"count_if(srcport > 20), count_if(NOT (srcport > 20))", "19|21\n"},
		{"count_if(action = 'ACCEPT'), count_if(action = 'REJECT') FROM vpc_flow WHERE action IS NOT NULL --", "16|16\n"},
	} {
		sql := "SELECT " + tt[0] + " FROM vpc_flow"
		if strings.HasSuffix(tt[0], "--") {
			sql = "SELECT " + tt[0]
		}
		if got := resultText(runQuery(t, sql, 1, rec)); got != tt[1] {
			t.Errorf("%s\ngot  %q\nwant %q", sql, got, tt[1])
		}
	}
}

// TestStrictNulls: the union of the arguments' NULLs, in a vec whose
// reused null buffer held other rows' NULLs, whether the first argument
// with NULLs covers every row or only the first ones.
func TestStrictNulls(t *testing.T) {
	var a arena
	out := a.vec(tBool, 4)
	x := &vec{t: tInt, n: 4, null: []bool{false, true}}
	y := &vec{t: tInt, n: 4}
	z := &vec{t: tInt, n: 4, null: []bool{false, false, false, true}}
	for _, tt := range []struct {
		args []*vec
		want []bool
	}{
		{[]*vec{y, x}, []bool{false, true, false, false}},
		{[]*vec{x, y, z}, []bool{false, true, false, true}},
		{[]*vec{z, x}, []bool{false, true, false, true}},
		{[]*vec{y}, nil},
	} {
		out.reset(tBool, 4)
		fill(out.nulls(), true) // the buffer holds a previous use's NULLs
		out.null = nil
		if got := strictNulls(out, tt.args); got != (tt.want != nil) || !slices.Equal(out.null, tt.want) {
			t.Errorf("got %v %v; want %v", got, out.null, tt.want)
		}
	}
}

// TestExprIsNull_NullsOnly: IS [NOT] NULL over a column not loaded yet
// reads only its validity: NULLs of the field and of its struct parent,
// through rows, none at all, a NULL-typed parent; a dictionary column
// (whose entries may be NULL where the row's index is not) and a loaded
// column go through the values. Each answer is the loaded column's.
func TestExprIsNull_NullsOnly(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	st, nulls, release := nullParentsColumns(mem)
	defer release()
	sb := array.NewStringBuilder(mem)
	sb.AppendValues([]string{"a", "", "b"}, []bool{true, false, true})
	dictVals := sb.NewArray()
	sb.Release()
	defer dictVals.Release()
	ib := array.NewInt32Builder(mem)
	ib.AppendValues([]int32{0, 1, 2, 1}, []bool{true, true, false, true})
	idx := ib.NewArray()
	ib.Release()
	defer idx.Release()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	dict := array.NewDictionaryArray(dt, idx, dictVals)
	defer dict.Release()
	for _, tc := range []struct {
		name    string
		arr     arrow.Array
		parents []arrow.Array
		rows    []int32
		loaded  bool
		want    []bool // IS NULL per row
	}{
		{"field and parent", st.Field(0), []arrow.Array{st}, nil, false, []bool{false, true, true, false}},
		{"through rows", st.Field(0), []arrow.Array{st}, []int32{1, 3}, false, []bool{true, false}},
		{"none in rows", st.Field(0), []arrow.Array{st}, []int32{0, 3}, false, []bool{false, false}},
		{"NULL-typed parent", st.Field(0), []arrow.Array{nulls}, []int32{0, 3}, false, []bool{true, true}},
		{"dictionary, NULL entries", dict, nil, nil, false, []bool{false, true, true, true}},
		{"dictionary through rows", dict, nil, []int32{0, 3}, false, []bool{false, true}},
		{"loaded", st.Field(0), []arrow.Array{st}, nil, true, []bool{false, true, true, false}},
	} {
		for _, not := range []bool{false, true} {
			var a arena
			var c chunk
			c.reset(1, &a)
			c.n = tc.arr.Len()
			if tc.rows != nil {
				c.n, c.rows = len(tc.rows), tc.rows
			}
			c.src[0] = srcCol{arr: tc.arr, parents: tc.parents}
			if tc.loaded {
				c.col(0)
			}
			e := &exprIsNull{x: &exprCol{t: tString, slot: 0}, not: not}
			v := e.eval(&a, &c)
			for j, want := range tc.want {
				if got := v.b[j] != not; got != want || v.isNull(j) {
					t.Errorf("%s (not %v): row %d IS NULL %v (null %v), want %v", tc.name, not, j, got, v.isNull(j), want)
				}
			}
		}
	}
}

// TestOrNotBools checks orBools and notBools (eight bools a word) against
// the row-by-row forms at every length around a word, on every pattern
// of a word's bools.
func TestOrNotBools(t *testing.T) {
	for n := range 30 {
		for pat := range 64 {
			d, s := make([]bool, n+1), make([]bool, n+1)
			for i := range n {
				d[i] = (pat+i)%3 == 0
				s[i] = (pat>>(i%6))&1 == 1
			}
			d[n], s[n] = true, true
			want, wantNot := make([]bool, n), make([]bool, n)
			for i := range n {
				want[i], wantNot[i] = d[i] || s[i], !s[i]
			}
			not := make([]bool, n+1)
			notBools(not[:n], s)
			orBools(d[:n], s)
			for i := range n {
				if d[i] != want[i] || not[i] != wantNot[i] {
					t.Fatalf("n=%d pattern %d: row %d: or %v, not %v; want %v, %v", n, pat, i, d[i], not[i], want[i], wantNot[i])
				}
			}
			if not[n] {
				t.Fatalf("n=%d: notBools wrote past d", n)
			}
		}
	}
}
