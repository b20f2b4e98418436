package engine

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestArrayAggOrdered(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := ctRecords(mem, 2)
	defer releaseAll(recs)
	tests := []struct{ sql, want string }{
		{"SELECT useridentity.username, array_agg(eventname ORDER BY eventtime DESC) FROM cloudtrail GROUP BY 1 ORDER BY 1 LIMIT 2",
			"alice|[DescribeInstances, DeleteNetworkAcl, CreateNetworkAclEntry]\nbob|[ConsoleLogin]\n"},
		{"SELECT array_agg(useridentity.username ORDER BY eventtime) FROM cloudtrail WHERE awsregion = 'us-east-1'",
			"[alice, bob, alice]\n"},
		{"SELECT array_agg(eventname ORDER BY errorcode NULLS FIRST, eventtime DESC) FROM cloudtrail WHERE useridentity.username = 'alice'",
			"[DescribeInstances, CreateNetworkAclEntry, DeleteNetworkAcl]\n"},
		{"SELECT array_agg(eventname ORDER BY errorcode, eventtime DESC) FROM cloudtrail WHERE useridentity.username = 'alice'",
			"[DeleteNetworkAcl, DescribeInstances, CreateNetworkAclEntry]\n"},
		// DISTINCT, ordered by the argument (the AWS security analytics
		// bootstrap's queries: array_agg(DISTINCT(sourceipaddress) ORDER BY sourceipaddress)).
		{"SELECT useridentity.username, array_agg(DISTINCT awsregion ORDER BY awsregion DESC) FROM cloudtrail GROUP BY 1 ORDER BY 1 LIMIT 1",
			"alice|[us-west-2, us-east-1]\n"},
		{"SELECT array_agg(DISTINCT(awsregion) ORDER BY awsregion), array_agg(DISTINCT errorcode ORDER BY errorcode), array_agg(DISTINCT errorcode ORDER BY errorcode DESC NULLS FIRST) FROM cloudtrail",
			"[eu-west-1, us-east-1, us-west-2]|[AccessDenied, NULL]|[NULL, AccessDenied]\n"},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2} {
			if got := resultText(runQuery(t, tt.sql, workers, recs...)); got != tt.want {
				t.Errorf("workers=%d %s\ngot:\n%s\nwant:\n%s", workers, tt.sql, got, tt.want)
			}
		}
	}
	// Spilled groups (one group in memory at a time) give the same lists.
	sql := "SELECT useridentity.username, array_agg(eventname ORDER BY eventtime DESC) FROM cloudtrail GROUP BY 1"
	want := resultText(runQuery(t, sql, 1, recs...))
	files := spillFiles.Load()
	if got := runWith(t, sql, Options{MaxGroups: 1, TempDir: t.TempDir()}, 2, recs); got != want || spillFiles.Load() == files {
		t.Errorf("spilled (%d files): got\n%s\nwant\n%s", spillFiles.Load()-files, got, want)
	}
	for _, tt := range []struct{ sql, msg string }{
		{"SELECT max(eventname ORDER BY eventtime) FROM cloudtrail", "max(... ORDER BY ...) is not supported by the local engine"},
		{"SELECT array_agg(DISTINCT eventname ORDER BY eventtime) FROM cloudtrail", "expected array_agg(DISTINCT x ORDER BY x), ordered by its argument alone"},
		{"SELECT count(DISTINCT eventname ORDER BY eventname) FROM cloudtrail", "count(DISTINCT ... ORDER BY ...) is not supported"},
	} {
		if _, err := Compile(tt.sql, Options{}); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Compile(%q): got %v; want %q", tt.sql, err, tt.msg)
		}
	}
	q, err := Parse("select array_agg(x order by y desc nulls first, z) from t")
	if err != nil || q.String() != "SELECT array_agg(x ORDER BY y DESC NULLS FIRST, z) FROM t" {
		t.Errorf("Parse: %v %v", q, err)
	}
}
