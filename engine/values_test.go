package engine

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// TestValues_Results: VALUES as a relation, in FROM and in a CTE with
// column aliases: the IOC lists of Athena hunts.
func TestValues_Results(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := ctRecords(mem, 2)
	defer releaseAll(recs)
	var many strings.Builder
	n := 2*BatchRows + 3 // more rows than one chunk holds
	for i := 1; i <= n; i++ {
		if i > 1 {
			many.WriteString(", ")
		}
		many.WriteString(strconv.Itoa(i))
	}
	tests := []struct{ name, sql, want string }{
		{"column aliases", "SELECT id, name FROM (VALUES (1, 'a'), (2, NULL), (3, 'c')) AS t(id, name) WHERE id > 1 ORDER BY id", "2|NULL\n3|c\n"},
		{"default names", "SELECT _col1, _col0 FROM (VALUES (1, 'a')) t", "a|1\n"},
		{"one column without parentheses", "VALUES 3, 1, 2 ORDER BY 1", "1\n2\n3\n"},
		{"common type of the rows", "SELECT * FROM (VALUES (1, NULL), (2.5, 'x')) t ORDER BY 1", "1.0|NULL\n2.5|x\n"},
		{"timestamps and folded expressions", "SELECT x, y FROM (VALUES (timestamp '2024-01-01 00:00:00', 1 + 1), (from_iso8601_timestamp('2024-02-01T00:00:00Z'), length('abc'))) t(x, y) ORDER BY 1",
			"2024-01-01 00:00:00.000|2\n2024-02-01 00:00:00.000|3\n"},
		{"IOC list in a CTE", "WITH iocs(ip) AS (VALUES '203.0.113.7', '10.1.2.3', '192.0.2.1') SELECT useridentity.username, sourceipaddress FROM cloudtrail WHERE sourceipaddress IN (SELECT ip FROM iocs) ORDER BY 1",
			"alice|10.1.2.3\nalice|10.1.2.3\nbob|203.0.113.7\n"},
		{"joined with a table", "WITH sev(name, s) AS (VALUES ('ConsoleLogin', 'HIGH'), ('DescribeInstances', 'LOW')) SELECT s, count(*) FROM cloudtrail JOIN sev ON eventname = name GROUP BY 1 ORDER BY 1",
			"HIGH|2\nLOW|2\n"},
		{"more rows than a chunk", "SELECT count(*), sum(_col0), min(_col0), max(_col0) FROM (VALUES " + many.String() + ")",
			strconv.Itoa(n) + "|" + strconv.Itoa(n*(n+1)/2) + "|1|" + strconv.Itoa(n) + "\n"},
		{"arrays", "SELECT cardinality(a) FROM (VALUES (ARRAY[1, 2]), (ARRAY[3])) t(a) ORDER BY 1", "1\n2\n"},
		// UNNEST alone in FROM, and WITH ORDINALITY.
		{"UNNEST alone", "SELECT x FROM UNNEST(ARRAY['b', 'a']) AS t(x) ORDER BY 1", "a\nb\n"},
		{"UNNEST alone as an IOC list", "SELECT count(*) FROM cloudtrail WHERE sourceipaddress IN (SELECT ip FROM UNNEST(ARRAY['10.1.2.3', '203.0.113.7']) AS t(ip))", "3\n"},
		{"WITH ORDINALITY", "SELECT x, n FROM UNNEST(ARRAY['a', NULL, 'c']) WITH ORDINALITY AS t(x, n) ORDER BY n", "a|1\nNULL|2\nc|3\n"},
		{"WITH ORDINALITY over a table's arrays", "SELECT eventname, r.arn, i FROM cloudtrail CROSS JOIN UNNEST(resources) WITH ORDINALITY AS u(r, i) ORDER BY 1, 3",
			"CreateNetworkAclEntry|arn:aws:ec2:acl/acl-1|1\nDeleteNetworkAcl|arn:aws:ec2:acl/acl-2|1\nDeleteNetworkAcl|arn:aws:ec2:vpc/vpc-1|2\n"},
		{"WITH ORDINALITY over fields", "SELECT arn, i FROM cloudtrail CROSS JOIN UNNEST(resources) WITH ORDINALITY AS u(arn, accountid, type, i) WHERE i = 2", "arn:aws:ec2:vpc/vpc-1|2\n"},
		{"WITH ORDINALITY over computed arrays", "SELECT x, n FROM (SELECT array_sort(array_agg(DISTINCT awsregion)) AS a FROM cloudtrail) CROSS JOIN UNNEST(a) WITH ORDINALITY AS t(x, n) ORDER BY n",
			"eu-west-1|1\nus-east-1|2\nus-west-2|3\n"},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2} {
			if got := resultText(runQuery(t, tt.sql, workers, recs...)); got != tt.want {
				t.Errorf("%s (workers=%d): %s\ngot:\n%s\nwant:\n%s", tt.name, workers, tt.sql, got, tt.want)
			}
		}
	}
}

// TestValues_Failure checks positioned compile errors (¶ marks the position).
func TestValues_Failure(t *testing.T) {
	for _, tt := range []struct{ sql, want string }{
		{"SELECT * FROM (VALUES (1, 2), (¶3)) t", "expected 2 values in each VALUES row, found 1"},
		{"SELECT * FROM ¶(VALUES (1, 2)) t(a)", `expected 2 column aliases for "t" (its columns), found 1`},
		{"WITH ¶x(a, b, c) AS (SELECT 1, 2) SELECT * FROM x", `expected 2 column aliases for "x" (its columns), found 3`},
		{"SELECT * FROM (VALUES (¶eventname)) t", "expected an expression without columns"},
		{"SELECT * FROM (¶VALUES (1, 'x'), ('y', 2)) t", "expected column 1 of one type in every VALUES row"},
		{"SELECT * FROM (VALUES (1, ¶1 / 0)) t", "division by zero"},
		{"SELECT * FROM cloudtrail CROSS JOIN ¶UNNEST(resources) WITH ORDINALITY AS u(a, b, c)", "expected 1 column alias or one per field of"},
	} {
		pos := strings.Index(tt.sql, "¶")
		sql := strings.Replace(tt.sql, "¶", "", 1)
		_, err := Compile(sql, Options{})
		var pe *parsers.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Compile(%q): got %v; want *parsers.ParseError", sql, err)
			continue
		}
		if pe.Offset != int64(pos) || !strings.Contains(pe.Err.Error(), tt.want) {
			t.Errorf("Compile(%q): got offset %d %q; want offset %d %q", sql, pe.Offset, pe.Err.Error(), pos, tt.want)
		}
	}
}
