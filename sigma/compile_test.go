package sigma

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hunt-sec/hunt/engine"
)

// TestPacks_Compile compiles every rule of both packs into a hunt and
// through the engine: each loads and compiles, or has a positioned error.
// It logs the counts by reason.
func TestPacks_Compile(t *testing.T) {
	for _, dir := range []string{sigmaHQDir, corpusDir + "/suzaku-rules/suzaku/aws"} {
		res, err := LoadDir(dir)
		if err != nil {
			t.Logf("corpus not available, skipped: %v", err)
			continue
		}
		ok, corr := 0, 0
		reasons := map[string]int{}
		for _, r := range res.Rules {
			if r.IsCorrelation() {
				corr++
				continue
			}
			h, err := Hunt(r, Options{})
			if err != nil {
				var pe *Error
				if !errors.As(err, &pe) || pe.Pos.Line == 0 {
					t.Errorf("unpositioned error: %v", err)
				}
				msg := err.Error()
				if i := strings.Index(msg, ": expected"); i >= 0 {
					msg = msg[i:]
				}
				reasons[msg]++
				t.Logf("%v", err)
				continue
			}
			if _, err := h.Compile(engine.Options{}); err != nil {
				t.Errorf("%s: hunt does not compile: %v\n%s", r.Source, err, h.SQL)
				continue
			}
			ok++
		}
		t.Logf("%s: %d detection rules compile, %d correlation rules, %d load errors, compile failures by reason: %v", dir, ok, corr, len(res.Errors), reasons)
	}
}

// TestPacks_Athena: the SQL of every rule that compiles goes through the
// Athena rewrite (tables of hunt athena ddl, partitions of a run window)
// and parses again: --engine athena runs Sigma hunts unchanged.
func TestPacks_Athena(t *testing.T) {
	now := time.Date(2024, 3, 20, 12, 0, 0, 0, time.UTC)
	window := engine.Pruning{Since: now.Add(-24 * time.Hour), Until: now}
	tables := engine.DefaultAthenaTables("hunt")
	n := 0
	for _, dir := range []string{sigmaHQDir, corpusDir + "/suzaku-rules/suzaku/aws", "../testdata/sigma/examples"} {
		res, err := LoadDir(dir)
		if err != nil {
			t.Logf("corpus not available, skipped: %v", err)
			continue
		}
		for _, r := range res.Rules {
			if r.Detection == nil {
				continue
			}
			tbl, err := TableFor(r)
			if err != nil {
				continue
			}
			sql, err := SQL(r, tbl, Options{})
			if err != nil {
				continue
			}
			out, err := engine.AthenaSQL(sql, engine.Options{Source: r.Source, Now: now}, tables, window)
			if err != nil {
				t.Errorf("%s: %v", r.Source, err)
				continue
			}
			if _, err := engine.Parse(out); err != nil {
				t.Errorf("%s: the Athena SQL does not parse: %v\n%s", r.Source, err, out)
			}
			n++
		}
	}
	if n < 50 {
		t.Fatalf("only %d rules rewritten", n)
	}
}
