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

// TestRun_OnlyInKeys: a column read by hunts gated on columns other than
// eventname (responseelements: lambda_public_invoke_permission pins
// eventsource, root_account_used pins useridentity.type) is decoded only
// in the records one of those keys admits, and the library finds exactly
// what it finds unrouted with every column decoded, IDs included, over
// testdata/hunts (whose negative fixtures of those two hunts turn on
// responseelements) and a generated corpus.
func TestRun_OnlyInKeys(t *testing.T) {
	t.Chdir("../..") // $path in findings as in the golden files
	gen := t.TempDir()
	if _, err := bench.Generate(context.Background(), bench.Config{Seed: 29, Dir: gen, CloudTrailBytes: 6 << 20}); err != nil {
		t.Fatal(err)
	}
	hunts, err := loadHunts(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"testdata/hunts", gen} {
		sparse, r := runHunter(t, hunts, []string{path}, func(*hunter) {})
		whole, _ := runHunter(t, hunts, []string{path}, func(r *hunter) { r.unrouted = true })
		var keys []string
		for _, o := range r.sparse {
			if o.Column == "responseelements" {
				keys = append(keys, o.Key)
			}
		}
		slices.Sort(keys)
		if want := []string{"eventname", "eventsource", "useridentity.type"}; !slices.Equal(keys, want) {
			t.Errorf("%s: responseelements keyed on %q; want %q (%+v)", path, keys, want, r.sparse)
		}
		if len(sparse) == 0 || !slices.Equal(sparse, whole) {
			t.Errorf("%s: %d findings with sparse columns, %d without", path, len(sparse), len(whole))
			for i := range min(len(sparse), len(whole)) {
				if sparse[i] != whole[i] {
					t.Errorf("sparse %s\nwhole  %s", sparse[i], whole[i])
					break
				}
			}
		}
	}
}

// TestIsFieldOf: a path is a field of a column when the column and a dot
// begin it.
func TestIsFieldOf(t *testing.T) {
	for _, tc := range []struct {
		path, c string
		want    bool
	}{
		{"useridentity.arn", "useridentity", true},
		{"useridentity.sessioncontext.attributes", "useridentity", true},
		{"useridentity", "useridentity", false},
		{"useridentityx", "useridentity", false},
		{"useridentity_arn", "useridentity", false},
		{"user", "useridentity", false},
		{".x", "", true},
		{"a.b", "b", false},
	} {
		if got := isFieldOf(tc.path, tc.c); got != tc.want {
			t.Errorf("isFieldOf(%q, %q) = %v; want %v", tc.path, tc.c, got, tc.want)
		}
	}
}
