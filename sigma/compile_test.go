package sigma

import (
	"errors"
	"strings"
	"testing"

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
