package engine

import "testing"

func TestGrouper(t *testing.T) {
	var a arena
	g := newGrouper([]*dtype{tString, tInt})
	s := a.vec(tString, 5)
	copy(s.strs(), []string{"a", "b", "a", "a", "b"})
	s.nulls()[4] = true
	n := a.vec(tInt, 5)
	copy(n.ints(), []int64{1, 1, 1, 2, 1})
	ids := g.groupIDs(&a, []*vec{s, n}, 5)
	want := []int32{0, 1, 0, 2, 3}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("group IDs %v; want %v", ids, want)
		}
	}
	if g.ngroups != 4 {
		t.Errorf("ngroups %d", g.ngroups)
	}
	keys := g.groupVecs(&a)
	if keys[0].s[3] != "" || !keys[0].isNull(3) || keys[1].i[2] != 2 {
		t.Errorf("group keys %q %v %v", keys[0].s, keys[0].null, keys[1].i)
	}
}

func TestAggregateMerge(t *testing.T) {
	// Many groups over many batches and workers must give the same answer.
	exprTests(t, [][2]string{
		{"count(*), count(DISTINCT x), sum(x), avg(x), min(x), max(x) FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 2 UNION ALL SELECT NULL)", "4|2|5|1.6666666666666667|1|2"},
		{"min_by(n, v), max_by(n, v) FROM (SELECT 'a' AS n, 2 AS v UNION ALL SELECT 'b', 1 UNION ALL SELECT 'c', 3)", "b|c"},
		{"count(*) FROM (SELECT 1.5 AS x UNION ALL SELECT 1.5 UNION ALL SELECT -0.0 UNION ALL SELECT 0.0) GROUP BY x", "2\n2"},
		{"b, count(*) FROM (SELECT TRUE AS b UNION ALL SELECT FALSE UNION ALL SELECT TRUE) GROUP BY b ORDER BY b", "false|1\ntrue|2"},
		{"count_if(x > 1), sum(x) FROM (SELECT 1.5 AS x UNION ALL SELECT 0.5)", "1|2.0"},
		{"count(*) FILTER (WHERE x > 1), sum(x) FILTER (WHERE x < 1), count(*), max_by(n, x) FILTER (WHERE x < 1) FROM (SELECT 1.5 AS x, 'a' AS n UNION ALL SELECT 0.5, 'b' UNION ALL SELECT 0.25, 'c')", "1|0.75|3|b"},
	})
}
