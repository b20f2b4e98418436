package queries

import (
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// minHunts is the size of the library the scorecard requires.
const minHunts = 100

// TestScorecard is the detection scorecard: for every hunt, each positive
// fixture (written after AWS's record shapes or taken from public attack
// logs: Stratus Red Team detonations) must fire and each negative fixture
// (the benign look-alikes) must stay silent. Every hunt states its
// techniques, its dedup key and its window. go test -run Scorecard -v
// prints the per-hunt table.
func TestScorecard(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	hunts, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	fixtures := loadFixtures(t, mem)
	defer func() {
		for _, fx := range fixtures {
			for _, b := range fx.batches {
				b.Release()
			}
		}
	}()
	var table strings.Builder
	fmt.Fprintf(&table, "%-45s %-13s %-9s %-9s %-8s %s\n", "hunt", "severity", "pos fired", "neg quiet", "findings", "result")
	var totPos, firedPos, totNeg, quietNeg, ok int
	for _, h := range hunts {
		var pos, fired, neg, quiet, found int
		for _, fx := range fixtures {
			if fx.hunt != h.ID || fx.table != h.Table {
				continue
			}
			n := len(runHunt(t, h, []*fixture{fx}))
			switch base := path.Base(fx.path); {
			case strings.HasPrefix(base, "positive"):
				pos++
				found += n
				if n > 0 {
					fired++
				} else {
					t.Errorf("%s: %s: missed (no finding)", h.ID, fx.path)
				}
			case strings.HasPrefix(base, "negative"):
				neg++
				if n == 0 {
					quiet++
				} else {
					t.Errorf("%s: %s: %d false findings", h.ID, fx.path, n)
				}
			}
		}
		result := "ok"
		switch {
		case pos == 0 || neg == 0:
			result = "MISSING FIXTURES"
			t.Errorf("%s: got %d positive and %d negative fixtures; want at least one of each", h.ID, pos, neg)
		case fired < pos || quiet < neg:
			result = "FAIL"
		default:
			ok++
		}
		if len(h.Techniques) == 0 || len(h.Dedup) == 0 || h.keyLine["window"] == 0 {
			t.Errorf("%s: want techniques, dedup and an explicit window in the header", h.Source)
		}
		for _, want := range []string{"Benign look-alike", "Dedup"} {
			if !strings.Contains(h.Description, want) && !(want == "Dedup" && strings.Contains(h.Description, "dedup")) {
				t.Errorf("%s: the description names no %q", h.Source, want)
			}
		}
		totPos, firedPos, totNeg, quietNeg = totPos+pos, firedPos+fired, totNeg+neg, quietNeg+quiet
		fmt.Fprintf(&table, "%-45s %-13s %4d/%-4d %4d/%-4d %-8d %s\n", h.ID, h.Severity, fired, pos, quiet, neg, found, result)
	}
	fmt.Fprintf(&table, "%d hunts, %d ok; positive fixtures fired %d/%d; negative fixtures quiet %d/%d\n", len(hunts), ok, firedPos, totPos, quietNeg, totNeg)
	t.Log("\n" + table.String())
	if len(hunts) < minHunts {
		t.Errorf("got %d hunts; want at least %d", len(hunts), minHunts)
	}
}
