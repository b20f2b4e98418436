package main

import (
	"strings"
	"testing"
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
