package engine

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// TestGate: a query's equality facts admit only batches whose dictionary
// columns hold one of the values; anything it cannot tell is admitted.
func TestGate(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := buildRecord(mem, parsers.CloudTrailSchema, ctSample()) // ConsoleLogin, DescribeInstances, ...
	defer b.Release()
	var v BatchValues
	for _, tc := range []struct {
		sql   string
		admit bool
		open  bool
	}{
		{"SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin'", true, false},
		{"SELECT * FROM cloudtrail WHERE eventname = 'StopLogging'", false, false},
		{"SELECT * FROM cloudtrail WHERE eventname IN ('StopLogging', 'DeleteNetworkAcl')", true, false},
		{"SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND awsregion = 'ap-south-1'", false, false},
		{"SELECT * FROM cloudtrail WHERE eventname = 'StopLogging' OR errorcode = 'X'", true, true},
		{"SELECT * FROM cloudtrail WHERE useridentity.arn = 'nobody'", true, false}, // not a dictionary: cannot tell
		{"SELECT count(*) FROM cloudtrail", true, true},
	} {
		q, err := Compile(tc.sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		g := q.Gate("cloudtrail")
		v.Reset(b)
		if got := g.Admits(&v); got != tc.admit || g.IsOpen() != tc.open {
			t.Errorf("%s: admits %v (open %v); want %v (open %v)", tc.sql, got, g.IsOpen(), tc.admit, tc.open)
		}
	}
}
