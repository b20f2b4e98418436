package engine

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

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

// TestGroupByDictFiltered: grouping by one dictionary column after a WHERE
// that drops every row of some entries must not make groups of them (found
// by the DuckDB differential test: groups with count 0 came out).
func TestGroupByDictFiltered(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := []map[string]any{
		ctRow("StopLogging", "alice", "2024-03-05T10:00:00Z", "us-east-1", "111122223333", nil),
		ctRow("ConsoleLogin", "bob", "2024-03-05T10:01:00Z", "us-east-1", "111122223333", nil),
		ctRow("StopLogging", "alice", "2024-03-05T10:02:00Z", "eu-west-1", "111122223333", nil),
		ctRow("DeleteTrail", "carol", "2024-03-05T10:03:00Z", "eu-west-1", "111122223333", nil),
	}
	rec := buildRecord(mem, parsers.CloudTrailSchema, rows)
	defer rec.Release()
	for _, tc := range []struct{ sql, want string }{
		{"SELECT eventname, count(*) FROM cloudtrail WHERE awsregion = 'eu-west-1' GROUP BY eventname", "DeleteTrail|1\nStopLogging|1\n"},
		{"SELECT eventname, count(*) FROM cloudtrail WHERE awsregion = 'nowhere' GROUP BY eventname", ""},
		{"SELECT awsregion, count(*) FROM cloudtrail WHERE eventname = 'ConsoleLogin' GROUP BY 1", "us-east-1|1\n"},
	} {
		for _, workers := range []int{1, 2} {
			if got := resultText(runQuery(t, tc.sql, workers, rec)); got != tc.want {
				t.Errorf("%s (workers %d): got %q; want %q", tc.sql, workers, got, tc.want)
			}
		}
	}
}
