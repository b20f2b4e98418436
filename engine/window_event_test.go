package engine

import (
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// TestEventWindow: Options.Since/Until (--since/--until) keep only the rows
// whose event time falls in the window, in every read of a table (CTEs,
// UNION ALL), and say so in the plan.
func TestEventWindow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ct := buildRecord(mem, parsers.CloudTrailSchema, ctSample())
	defer ct.Release()
	vpc := buildRecord(mem, parsers.VPCFlowSchema, vpcRows())
	defer vpc.Release()
	at := func(s string) time.Time {
		tt, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tt
	}
	for _, tc := range []struct {
		sql          string
		since, until string
		want         string
		table        string
	}{
		{"SELECT eventname, eventtime FROM cloudtrail ORDER BY eventtime", "2024-03-01T15:10:00Z", "2024-03-02T10:00:00Z",
			"ConsoleLogin|2024-03-01T15:10:00Z\nConsoleLogin|2024-03-01T16:00:00Z\nDeleteNetworkAcl|2024-03-02T09:00:00Z\n", "ct"},
		{"SELECT count(*) FROM cloudtrail_logs c WHERE c.eventname = 'DescribeInstances'", "2024-03-02T10:00:00.5Z", "", "1\n", "ct"},
		{"SELECT count(*) FROM cloudtrail", "", "2024-03-01T15:10:00Z", "1\n", "ct"},
		{"WITH x AS (SELECT eventname FROM cloudtrail) SELECT count(*) FROM x", "2024-03-02T00:00:00Z", "", "3\n", "ct"},
		{"SELECT count(*) FROM (SELECT eventname FROM cloudtrail UNION ALL SELECT eventname FROM cloudtrail)", "2024-03-02T00:00:00Z", "", "6\n", "ct"},
		// Flows: start 1709251200 + i/10, end start+10, 250 rows; a flow is
		// kept when [start, end] overlaps [since, until).
		{"SELECT count(*), min(start), max(start) FROM vpc_flow", "2024-03-01T00:00:20Z", "2024-03-01T00:00:22Z", "120|1709251210|1709251221\n", "vpc"},
		{"SELECT count(*) FROM vpc_flow", "", "", "250\n", "vpc"},
	} {
		var since, until time.Time
		if tc.since != "" {
			since = at(tc.since)
		}
		if tc.until != "" {
			until = at(tc.until)
		}
		q, err := Compile(tc.sql, Options{Since: since, Until: until})
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		r := q.NewRun(1)
		b := ct
		if tc.table == "vpc" {
			b = vpc
		}
		if err := r.Push(0, b); err != nil {
			t.Fatal(err)
		}
		res, err := r.Finish()
		if err != nil {
			t.Fatal(err)
		}
		if got := resultText(res); got != tc.want {
			t.Errorf("%s [%s, %s):\ngot  %q\nwant %q", tc.sql, tc.since, tc.until, got, tc.want)
		}
		if tc.since != "" && !contains(q.Explain(), "event window") {
			t.Errorf("%s: plan does not show the window:\n%s", tc.sql, q.Explain())
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
