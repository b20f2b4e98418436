package main

import (
	"context"
	"slices"
	"testing"

	"github.com/hunt-sec/hunt/bench"
	"github.com/hunt-sec/hunt/parsers"
)

// TestRun_OnlyIn: the library's hunts over a generated corpus decode some
// CloudTrail columns only in the records of the event names the hunts
// reading them are routed (additionaleventdata for the ConsoleLogin hunts),
// and find exactly what they find with every batch pushed whole to
// every hunt and every column decoded in every record, IDs included.
func TestRun_OnlyIn(t *testing.T) {
	t.Chdir("../..") // $path in findings as in the golden files
	gen := t.TempDir()
	if _, err := bench.Generate(context.Background(), bench.Config{Seed: 23, Dir: gen, CloudTrailBytes: 6 << 20}); err != nil {
		t.Fatal(err)
	}
	hunts, err := loadHunts(nil)
	if err != nil {
		t.Fatal(err)
	}
	sparse, r := runHunter(t, hunts, []string{gen}, func(*hunter) {})
	whole, rw := runHunter(t, hunts, []string{gen}, func(r *hunter) { r.unrouted = true })
	if len(r.sparse) == 0 || len(rw.sparse) != 0 {
		t.Fatalf("columns decoded only in some records: %+v routed, %+v unrouted; want some, none", r.sparse, rw.sparse)
	}
	if !slices.ContainsFunc(r.sparse, func(o parsers.OnlyIn) bool { return o.Column == "additionaleventdata" }) {
		t.Errorf("additionaleventdata is decoded in every record: %+v", r.sparse)
	}
	if len(sparse) == 0 || !slices.Equal(sparse, whole) {
		t.Errorf("%d findings with sparse columns, %d without", len(sparse), len(whole))
		for i := range min(len(sparse), len(whole)) {
			if sparse[i] != whole[i] {
				t.Errorf("sparse %s\nwhole  %s", sparse[i], whole[i])
				break
			}
		}
	}
}
