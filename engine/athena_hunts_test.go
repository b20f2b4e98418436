package engine_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/queries"
)

// TestAthenaSQL_SavedHunts shows every saved hunt's SQL as `hunt run
// --engine athena` sends it for a 24-hour run window ending at a fixed
// time, over the tables of `hunt athena ddl`: testdata/athena/hunts.golden.
// Refresh with go test ./engine -run SavedHunts -update-athena.
func TestAthenaSQL_SavedHunts(t *testing.T) {
	hunts, err := queries.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(hunts) == 0 {
		t.Fatal("no embedded hunts")
	}
	now := time.Date(2024, 3, 20, 12, 0, 0, 0, time.UTC)
	window := engine.Pruning{Since: now.Add(-24 * time.Hour), Until: now}
	tables := engine.DefaultAthenaTables("hunt")
	var b strings.Builder
	for _, h := range hunts {
		sql, err := engine.AthenaSQL(h.SQL, engine.Options{Source: h.Source, Now: now}, tables, window)
		if err != nil && strings.Contains(err.Error(), "is not supported by Athena; run the query with --engine local") {
			// A hunt using a local extension (policy_principals) runs
			// only locally, and --engine athena says so clearly.
			b.WriteString("-- " + h.ID + " (" + h.Table + "): local only: " + err.Error() + "\n\n")
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", h.ID, err)
			continue
		}
		b.WriteString("-- " + h.ID + " (" + h.Table + ")\n" + sql + ";\n\n")
		if _, err := engine.Parse(sql); err != nil {
			t.Errorf("%s: the Athena SQL does not parse: %v\n%s", h.ID, err, sql)
		}
		// The partitions of the run window are in every hunt's SQL.
		want := ".timestamp BETWEEN '2024/03/19' AND '2024/03/20'"
		switch h.Table {
		case "vpc_flow":
			want = ".day BETWEEN '2024/03/19' AND '2024/03/20'"
		case "guardduty": // exports up to 6 hours late: the next day too
			want = ".day BETWEEN '2024/03/19' AND '2024/03/20'"
		case "config": // unpadded date folders: no date predicate
			want = ""
		}
		if want != "" && !strings.Contains(sql, want) {
			t.Errorf("%s: Athena SQL lacks %q:\n%s", h.ID, want, sql)
		}
	}
	path := filepath.Join("testdata", "athena", "hunts.golden")
	if f := flag.Lookup("update-athena"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./engine -run SavedHunts -update-athena)", err)
	}
	if b.String() != string(want) {
		t.Errorf("Athena SQL of the saved hunts differs from %s:\n%s", path, b.String())
	}
}
