package parsers

import (
	"testing"

	"github.com/hunt-sec/hunt/internal/fuzzbudget"
)

// TestMain bounds how long fuzzing minimizes each new input
// (fuzzbudget): unbounded, the parser targets stalled at 0 execs/s for a
// minute at every input that widened coverage.
func TestMain(m *testing.M) { fuzzbudget.Main(m) }

// TestBoundMinimizing_Success: this test binary runs with the budget,
// unless the command line gave -test.fuzzminimizetime.
func TestBoundMinimizing_Success(t *testing.T) {
	if err := fuzzbudget.Applied(); err != nil {
		t.Error(err)
	}
}
