package engine

import (
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
)

// fuzzMinimizeBudget bounds how many executions fuzzing spends
// minimizing each input that widens coverage (or fails), as in package
// parsers: Go's minimizer tries O(n²) cuts of an n-byte input and stops
// only at -test.fuzzminimizetime, 60 s by default, reporting no executions
// meanwhile, so FuzzEqualLower and FuzzLowerKernel stalled at 0 execs/s
// after their first new inputs.
const fuzzMinimizeBudget = "100x"

// boundMinimizing sets fs's -test.fuzzminimizetime to fuzzMinimizeBudget
// unless the command line gave one.
func boundMinimizing(fs *flag.FlagSet) error {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "test.fuzzminimizetime" })
	if given || fs.Lookup("test.fuzzminimizetime") == nil {
		return nil
	}
	return fs.Set("test.fuzzminimizetime", fuzzMinimizeBudget)
}

func TestMain(m *testing.M) {
	flag.Parse()
	if err := boundMinimizing(flag.CommandLine); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// TestBoundMinimizing_Success: without -test.fuzzminimizetime the budget
// applies; a given value is kept.
func TestBoundMinimizing_Success(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, fuzzMinimizeBudget},
		{[]string{"-test.fuzzminimizetime=5s"}, "5s"},
	} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.String("test.fuzzminimizetime", "1m0s", "")
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		if err := boundMinimizing(fs); err != nil {
			t.Fatal(err)
		}
		if got := fs.Lookup("test.fuzzminimizetime").Value.String(); got != tt.want {
			t.Errorf("%q: -test.fuzzminimizetime %s; want %s", tt.args, got, tt.want)
		}
	}
	// This process's flag, as the fuzzing coordinator reads it, unless
	// the command line gave another.
	if got := flag.Lookup("test.fuzzminimizetime").Value.String(); got != fuzzMinimizeBudget && !slices.ContainsFunc(os.Args, func(a string) bool {
		return strings.Contains(a, "fuzzminimizetime")
	}) {
		t.Errorf("-test.fuzzminimizetime %s; want %s", got, fuzzMinimizeBudget)
	}
}
