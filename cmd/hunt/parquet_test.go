package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hunt-sec/hunt/archive"
)

func TestParquetPruning(t *testing.T) {
	day := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	facts := archive.Facts{Table: tableCloudTrail, Since: day, Accounts: []string{"111122223333"}}
	for _, tc := range []struct {
		sql  string
		want string // Equal, printed sorted
	}{
		{"SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin'", "eventname=[ConsoleLogin]"},
		{"SELECT * FROM cloudtrail_logs t WHERE 'x' = t.useridentity.arn AND eventsource IN ('a', 'b') AND eventname = 'C'",
			"eventname=[C] eventsource=[a b] useridentity.arn=[x]"},
		{"SELECT * FROM cloudtrail WHERE eventname = 'A' AND eventname IN ('A', 'B')", "eventname=[A]"},
		// Not prunable: OR, NOT IN, a CTE, an unnest alias, a non-literal.
		{"SELECT * FROM cloudtrail WHERE eventname = 'A' OR errorcode = 'B'", ""},
		{"SELECT * FROM cloudtrail WHERE eventname NOT IN ('A')", ""},
		{"WITH x AS (SELECT * FROM cloudtrail) SELECT * FROM x WHERE eventname = 'A'", ""},
		{"SELECT * FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r) WHERE r.arn = 'a' AND eventname = 'B'", "eventname=[B]"},
		{"SELECT * FROM cloudtrail WHERE eventname = lower('A')", ""},
		{"not sql", ""},
	} {
		p := parquetPruning(tc.sql, facts)
		var got []string
		for k, v := range p.Equal {
			got = append(got, fmt.Sprintf("%s=%v", k, v))
		}
		slices.Sort(got)
		if strings.Join(got, " ") != tc.want || !p.Since.Equal(day) {
			t.Errorf("%s:\ngot  %v since %v\nwant %s since %v", tc.sql, got, p.Since, tc.want, day)
		}
	}
}

func TestHivePruneReason(t *testing.T) {
	facts := archive.Facts{
		Since:    time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC),
		Until:    time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC),
		Accounts: []string{"111122223333"}, Regions: []string{"us-east-1"},
	}
	for _, tc := range []struct{ key, want string }{
		{"p/table=cloudtrail/account=111122223333/region=us-east-1/date=2024-03-05/part-1.parquet", ""},
		{"p/table=cloudtrail/account=111122223333/region=us-east-1/date=2024-03-06/part-1.parquet", ""}, // Until inclusive
		{"p/table=cloudtrail/account=111122223333/region=us-east-1/date=2024-03-07/part-1.parquet", "partition date=2024-03-07 outside"},
		{"p/table=cloudtrail/account=111122223333/region=us-east-1/date=2024-03-04/part-1.parquet", "partition date=2024-03-04 outside"},
		{"table=cloudtrail/account=444455556666/region=us-east-1/date=2024-03-05/part-1.parquet", "partition account=444455556666 not in"},
		{"p/table=cloudtrail/account=111122223333/region=eu-west-1/date=2024-03-05/part-1.parquet", "partition region=eu-west-1 not in"},
		{"p/table=cloudtrail/account=unknown/region=unknown/date=unknown/part-1.parquet", ""},
		{"p/other/account=444455556666/x.parquet", ""},
		{"lake/.hunt-convert.json", "hidden"},
		{".hunt-convert.json", "hidden"},
	} {
		got := hivePruneReason(tc.key, facts)
		if (tc.want == "") != (got == "") || !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: got %q; want %q", tc.key, got, tc.want)
		}
	}
	if got := hivePruneReason("table=cloudtrail/account=1/x.parquet", archive.Facts{Table: tableVPCFlow}); got == "" {
		t.Errorf("vpc_flow query kept a cloudtrail partition")
	}
}

// TestQuery_ParquetPruning: --explain lists the pruned partitions and a
// selective query over converted Parquet reads only its partitions.
func TestQuery_ParquetPruning(t *testing.T) {
	dst := t.TempDir()
	if code, _, errOut := runHunt(t, "convert", "../../testdata/cloudtrail/AWSLogs", dst); code != exitOK {
		t.Fatalf("convert: %s", errOut)
	}
	q := "SELECT eventtime, eventname FROM cloudtrail WHERE eventtime >= '2024-03-06T00:00:00Z' AND awsregion = 'eu-west-1'"
	code, out, errOut := runHunt(t, "query", "--explain", q, dst)
	if code != exitOK || !strings.Contains(out, "objects to read: 1") || !strings.Contains(out, "partition region=us-east-1 not in") {
		t.Errorf("explain: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runHunt(t, "query", "--output", "csv", q, dst)
	_, want, _ := runHunt(t, "query", "--output", "csv", q, "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || out != want || !strings.Contains(errOut, "1 objects read") {
		t.Errorf("query: exit %d\ngot  %q\nwant %q\n%s", code, out, want, errOut)
	}
	// A cloudtrail file found by its footer, outside the table= folder.
	code, _, errOut = runHunt(t, "cat", "--table", "cloudtrail", dst)
	if code != exitOK || !strings.Contains(errOut, "14 records") {
		t.Errorf("cat: exit %d\n%s", code, errOut)
	}
}
