package engine

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestSubqueries covers nesting: ORDER BY/LIMIT inside a subquery, a CTE
// read twice, aggregates over aggregates, unnest of a subquery's column.
func TestSubqueries(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := ctRecords(mem, 2)
	defer releaseAll(recs)
	tests := []struct{ sql, want string }{
		{"SELECT count(*) FROM (SELECT eventname FROM cloudtrail ORDER BY eventtime LIMIT 4)", "4\n"},
		{"SELECT e FROM (SELECT eventname AS e, eventtime FROM cloudtrail ORDER BY eventtime DESC LIMIT 2) ORDER BY e", "DescribeInstances\nDescribeInstances\n"},
		{"WITH c AS (SELECT awsregion AS r, count(*) AS n FROM cloudtrail GROUP BY 1) SELECT a.r, a.n FROM c AS a WHERE a.n = (2 + 1) UNION ALL SELECT r, n FROM c WHERE n = 1", "eu-west-1|1\nus-east-1|3\n"},
		{"SELECT max(n) FROM (SELECT useridentity.username AS u, count(*) AS n FROM cloudtrail GROUP BY 1)", "3\n"},
		{"SELECT x.arn FROM (SELECT resources FROM cloudtrail WHERE errorcode IS NOT NULL) CROSS JOIN UNNEST(resources) AS x ORDER BY 1", "arn:aws:ec2:acl/acl-2\narn:aws:ec2:vpc/vpc-1\n"},
		{"SELECT u, n FROM (SELECT useridentity.username AS u, count(*) AS n FROM cloudtrail GROUP BY 1) WHERE n > 1 OR u = 'bob' ORDER BY n", "bob|1\nalice|3\n"},
		{"SELECT DISTINCT eventname FROM (SELECT * FROM cloudtrail WHERE awsregion = 'us-west-2') AS t", "DescribeInstances\n"},
		{"SELECT eventname, count(*) FROM cloudtrail GROUP BY eventname ORDER BY count(*) DESC, eventname LIMIT 2", "ConsoleLogin|2\nDescribeInstances|2\n"},
		{"SELECT eventname FROM cloudtrail GROUP BY eventname HAVING max(eventtime) > '2024-03-02' ORDER BY 1", "DeleteNetworkAcl\nDescribeInstances\n"},
		{"SELECT awsregion AS eventname FROM cloudtrail WHERE eventname = 'ConsoleLogin' ORDER BY eventname", "eu-west-1\nus-east-1\n"},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2} {
			if got := resultText(runQuery(t, tt.sql, workers, recs...)); got != tt.want {
				t.Errorf("workers=%d %s\ngot:\n%s\nwant:\n%s", workers, tt.sql, got, tt.want)
			}
		}
	}
}
