package engine

import (
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// TestGate_Fold: case-insensitive comparisons (Sigma's) gate batches by
// their lower-cased dictionary values, never rejecting a batch a row of
// which matches in another case.
func TestGate_Fold(t *testing.T) {
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
		{"SELECT * FROM cloudtrail WHERE lower(eventname) = 'consolelogin'", true, false},
		{"SELECT * FROM cloudtrail WHERE lower(eventname) = 'stoplogging'", false, false},
		{"SELECT * FROM cloudtrail WHERE lower(eventname) IN ('stoplogging', 'describeinstances')", true, false},
		{"SELECT * FROM cloudtrail WHERE coalesce(lower(eventname) = 'stoplogging', false)", false, false},
		{"SELECT * FROM cloudtrail WHERE coalesce(lower(eventname) = 'consolelogin' AND lower(awsregion) = 'ap-south-1', false)", false, false},
		{"SELECT * FROM cloudtrail WHERE coalesce(lower(eventname) = 'stoplogging' OR lower(eventname) = 'consolelogin', false)", true, false},
		{"SELECT * FROM cloudtrail WHERE coalesce(lower(eventname) = 'stoplogging', false) OR errorcode = 'X'", true, true},
		{"SELECT * FROM cloudtrail WHERE NOT coalesce(lower(eventname) = 'consolelogin', false)", true, true},
		{"SELECT * FROM cloudtrail WHERE lower(eventname) <> 'consolelogin'", true, true},
		{"SELECT * FROM cloudtrail WHERE coalesce(lower(eventname) = 'stoplogging', true)", true, true},
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
	// Exact facts stay exact: the folded ones never become Pruning.Equal
	// (Parquet statistics and the exact gate would drop other cases).
	q, err := Compile("SELECT * FROM cloudtrail WHERE lower(eventname) IN ('stoplogging', 'x') AND lower(eventsource) = 'iam.amazonaws.com'", Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := q.Pruning("cloudtrail")
	if len(p.Equal) != 0 || !slices.Equal(p.EqualFold["eventname"], []string{"stoplogging", "x"}) || !slices.Equal(p.EqualFold["eventsource"], []string{"iam.amazonaws.com"}) {
		t.Errorf("got Equal %v, EqualFold %v", p.Equal, p.EqualFold)
	}
}

func TestAdmitsFold(t *testing.T) {
	present := map[string]bool{"StopLogging": true, "DeleteTrail": true, "": false}
	for _, tc := range []struct {
		vals []string
		want bool
	}{
		{[]string{"stoplogging"}, true},
		{[]string{"x", "deletetrail"}, true},
		{[]string{"startlogging"}, false},
		{[]string{""}, false}, // the all-NULL marker is not a value
	} {
		if got := admitsFold(present, tc.vals); got != tc.want {
			t.Errorf("%v: got %v; want %v", tc.vals, got, tc.want)
		}
	}
}
