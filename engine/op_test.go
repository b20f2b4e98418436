package engine

import "testing"

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
