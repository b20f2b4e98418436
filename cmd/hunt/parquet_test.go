package main

import (
	"context"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/bench"
)

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

// TestQuery_ParquetSameAnswers: the peer queries (bench.PeerQueries) and
// selective queries whose equalities prune row groups and filter rows in
// the Parquet readers answer the same over a generated archive and over
// its Parquet conversion, in many small row groups.
func TestQuery_ParquetSameAnswers(t *testing.T) {
	gen := t.TempDir()
	if _, err := bench.Generate(context.Background(), bench.Config{Seed: 3, Dir: gen, CloudTrailBytes: 4 << 20, FlowBytes: 4 << 20, Days: 1}); err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	if code, _, errOut := runHunt(t, "convert", "--row-group-rows", "500", "--buffer", "4", gen, dst); code != exitOK {
		t.Fatalf("convert: exit %d\n%s", code, errOut)
	}
	// Two busy source addresses of rejected flows, and a rare one.
	_, top, _ := runHunt(t, "query", "--output", "csv", "SELECT srcaddr, count(*) AS n FROM vpc_flow WHERE action = 'REJECT' GROUP BY 1 ORDER BY 2 DESC, 1", gen)
	rows := strings.Split(strings.TrimSpace(top), "\n")
	if len(rows) < 4 {
		t.Fatalf("too few source addresses:\n%s", top)
	}
	addr := func(row string) string { return "'" + strings.Split(row, ",")[0] + "'" }
	var qs []string
	for _, q := range bench.PeerQueries {
		qs = append(qs, q.SQL+" ORDER BY 1, 2")
	}
	qs = append(qs,
		"SELECT srcaddr, dstaddr, dstport, action, log_status, start FROM vpc_flow WHERE action = 'REJECT' AND srcaddr IN ("+addr(rows[1])+", "+addr(rows[2])+", "+addr(rows[len(rows)-1])+") ORDER BY 6, 1, 2, 3",
		"SELECT action, log_status, count(*) AS n FROM vpc_flow WHERE log_status = 'NODATA' OR action = 'ACCEPT' GROUP BY 1, 2 ORDER BY 1, 2",
		"SELECT count(*) AS n FROM vpc_flow WHERE action = 'NOPE'",
		"SELECT srcaddr, dstport, protocol, start FROM vpc_flow WHERE dstport = 22 AND protocol = 6 AND action = 'REJECT' ORDER BY 4, 1",
		"SELECT eventtime, eventname, sourceipaddress FROM cloudtrail WHERE eventname IN ('StopLogging', 'DeleteTrail', 'ConsoleLogin') AND eventsource <> 'x' ORDER BY 1, 2, 3",
	)
	for _, q := range qs {
		codeGz, want, errGz := runHunt(t, "query", "--output", "csv", q, gen)
		code, got, errPQ := runHunt(t, "query", "--output", "csv", q, dst)
		if codeGz != exitOK || code != exitOK {
			t.Fatalf("%s\n.gz: exit %d\n%s\nParquet: exit %d\n%s", q, codeGz, errGz, code, errPQ)
		}
		if got != want {
			t.Errorf("%s\nParquet answer differs:\n%s\n.gz:\n%s", q, head(got), head(want))
		}
		t.Logf("%s: %d rows", strings.SplitN(q, "\n", 2)[0], strings.Count(want, "\n")-1)
	}
}
