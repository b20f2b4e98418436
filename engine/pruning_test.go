package engine

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPruning(t *testing.T) {
	ts := func(s string) time.Time {
		tt, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tt
	}
	tests := []struct {
		sql, table   string
		since, until string // RFC 3339 or ""
		accounts     string // comma list, "*" for any
		regions      string
	}{
		{"SELECT 1 FROM cloudtrail", "cloudtrail", "", "", "*", "*"},
		{"SELECT 1 FROM cloudtrail WHERE from_iso8601_timestamp(eventtime) BETWEEN timestamp '2024-03-01 15:00:00' AND timestamp '2024-03-01 16:00:00'",
			"cloudtrail", "2024-03-01T15:00:00Z", "2024-03-01T16:00:00Z", "*", "*"},
		{"SELECT 1 FROM cloudtrail WHERE eventtime > '2024-03-01T00:00:00Z' AND recipientaccountid = '1' AND awsregion IN ('a', 'b')",
			"cloudtrail", "2024-03-01T00:00:00Z", "", "1", "a,b"},
		{"SELECT 1 FROM cloudtrail WHERE (awsregion = 'a' OR awsregion = 'b') AND (recipientaccountid = '1' OR eventname = 'x')",
			"cloudtrail", "", "", "*", "a,b"},
		{"SELECT 1 FROM cloudtrail WHERE awsregion = 'a' AND awsregion = 'b'", "cloudtrail", "", "", "*", ""},
		{"SELECT 1 FROM vpc_flow WHERE start >= 1709251200 AND \"end\" <= 1709254800 AND account_id = '9' AND region = 'r'",
			"vpc_flow", "2024-03-01T00:00:00Z", "2024-03-01T01:00:00Z", "9", "r"},
		{"SELECT 1 FROM vpc_flow_logs WHERE from_unixtime(start) >= timestamp '2024-03-01 00:00:00'", "vpc_flow", "2024-03-01T00:00:00Z", "", "*", "*"},
		{"SELECT 1 FROM cloudtrail WHERE awsregion = 'a' UNION ALL SELECT 1 FROM cloudtrail WHERE awsregion = 'b'", "cloudtrail", "", "", "*", "a,b"},
		{"SELECT 1 FROM cloudtrail WHERE awsregion = 'a' UNION ALL SELECT 1 FROM cloudtrail", "cloudtrail", "", "", "*", "*"},
		{"SELECT 1 FROM cloudtrail WHERE NOT awsregion = 'a'", "cloudtrail", "", "", "*", "*"},
	}
	list := func(l []string) string {
		if l == nil {
			return "*"
		}
		return strings.Join(l, ",")
	}
	for _, tt := range tests {
		q, err := Compile(tt.sql, Options{})
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.sql, err)
		}
		p := q.Pruning(tt.table)
		var since, until time.Time
		if tt.since != "" {
			since = ts(tt.since)
		}
		if tt.until != "" {
			until = ts(tt.until)
		}
		if !p.Since.Equal(since) || !p.Until.Equal(until) || list(p.Accounts) != tt.accounts || list(p.Regions) != tt.regions {
			t.Errorf("Pruning(%q) = %v %v %s %s; want %v %v %s %s", tt.sql, p.Since, p.Until, list(p.Accounts), list(p.Regions), since, until, tt.accounts, tt.regions)
		}
	}
}

// TestPruning_Equal: the string equalities a WHERE clause ANDs with
// everything else, which Parquet readers skip row groups by.
func TestPruning_Equal(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		want string // Equal, printed sorted
	}{
		{"SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin'", "eventname=[ConsoleLogin]"},
		{"SELECT * FROM cloudtrail_logs t WHERE 'x' = t.useridentity.arn AND eventsource IN ('a', 'b') AND eventname = 'C'",
			"eventname=[C] eventsource=[a b] useridentity.arn=[x]"},
		{"SELECT * FROM cloudtrail WHERE eventname = 'A' AND eventname IN ('A', 'B')", "eventname=[A]"},
		{"SELECT * FROM cloudtrail WHERE (eventname = 'A' AND errorcode = 'E') OR eventname = 'B'", "eventname=[A B]"},
		// Not prunable: OR over different columns, NOT IN, an unnest alias,
		// a non-constant.
		{"SELECT * FROM cloudtrail WHERE eventname = 'A' OR errorcode = 'B'", ""},
		{"SELECT * FROM cloudtrail WHERE eventname NOT IN ('A')", ""},
		{"SELECT * FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r) WHERE r.arn = 'a' AND eventname = 'B'", "eventname=[B]"},
		{"SELECT * FROM cloudtrail WHERE eventname = lower(eventsource)", ""},
		{"SELECT * FROM cloudtrail WHERE NOT (eventname = 'A')", ""},
	} {
		q, err := Compile(tc.sql, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		var got []string
		for k, v := range q.Pruning("cloudtrail").Equal {
			got = append(got, fmt.Sprintf("%s=%v", k, v))
		}
		slices.Sort(got)
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s:\ngot  %v\nwant %s", tc.sql, got, tc.want)
		}
	}
}

// TestPruning_EqualInt: the integer equalities a WHERE clause ANDs with
// everything else, which Parquet readers skip row groups and filter rows
// by; a comparison of a time column stays a time bound.
func TestPruning_EqualInt(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		want string // EqualInt, printed sorted
	}{
		{"SELECT * FROM vpc_flow WHERE dstport = 22", "dstport=[22]"},
		{"SELECT * FROM vpc_flow WHERE 6 = protocol AND action = 'REJECT' AND dstport = 3389", "dstport=[3389] protocol=[6]"},
		{"SELECT * FROM vpc_flow WHERE dstport = 22 OR dstport = 3389", "dstport=[22 3389]"},
		{"SELECT * FROM vpc_flow WHERE dstport = 22 AND dstport = 23", "dstport=[]"},
		// Not an integer equality: another comparison, OR over different
		// columns, a double, a time column, a string column.
		{"SELECT * FROM vpc_flow WHERE dstport > 22", ""},
		{"SELECT * FROM vpc_flow WHERE dstport = 22 OR srcport = 22", ""},
		{"SELECT * FROM vpc_flow WHERE dstport = 22.0", ""},
		{"SELECT * FROM vpc_flow WHERE start = 1700000000", ""},
		{"SELECT * FROM vpc_flow WHERE action = 'REJECT'", ""},
	} {
		q, err := Compile(tc.sql, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		var got []string
		for k, v := range q.Pruning("vpc_flow").EqualInt {
			got = append(got, fmt.Sprintf("%s=%v", k, v))
		}
		slices.Sort(got)
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s:\ngot  %v\nwant %s", tc.sql, got, tc.want)
		}
	}
}

// TestPruning_Partitions: comparisons of partition columns bound the
// delivery dates read, by day or, for flow logs' hour, by hour.
func TestPruning_Partitions(t *testing.T) {
	for _, tc := range []struct {
		sql, table, since, until string
	}{
		{`SELECT 1 FROM cloudtrail WHERE "timestamp" >= '2024/03/01' AND "timestamp" <= '2024/03/05'`, "cloudtrail", "2024-03-01T00:00:00Z", "2024-03-06T00:00:00Z"},
		{`SELECT 1 FROM cloudtrail WHERE "timestamp" = '2024/03/05'`, "cloudtrail", "2024-03-05T00:00:00Z", "2024-03-06T00:00:00Z"},
		{`SELECT 1 FROM vpc_flow WHERE hour = '2024/03/05/15'`, "vpc_flow", "2024-03-05T15:00:00Z", "2024-03-05T16:00:00Z"},
		{`SELECT 1 FROM vpc_flow WHERE date > DATE '2024-03-04'`, "vpc_flow", "2024-03-05T00:00:00Z", ""},
	} {
		q, err := Compile(tc.sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		p := q.Pruning(tc.table)
		got := [2]string{fmtWhenTest(p.Since), fmtWhenTest(p.Until)}
		if got != [2]string{tc.since, tc.until} {
			t.Errorf("%s: since %s until %s; want %s, %s", tc.sql, got[0], got[1], tc.since, tc.until)
		}
	}
}

func fmtWhenTest(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
