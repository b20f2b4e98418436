// Package fuzzbudget bounds how long Go's fuzzer spends minimizing an
// input, for the test binaries of packages with fuzz targets (their
// TestMain is Main).
//
// Go's minimizer tries O(n²) cuts of an n-byte input that widens coverage
// (or fails) and stops only at -test.fuzzminimizetime, 60 s by default,
// reporting no executions meanwhile. hunt's parser targets take a
// millisecond or more an execution and keep inputs of kilobytes (Parquet
// files, CloudTrail records), so every new input stalled fuzzing for the
// full minute: 0 execs/s after the first hundred. The first cuts (of the
// tail, in halves) fit in the budget; a failing input is still saved, less
// reduced, and -test.fuzzminimizetime on the command line restores any
// other budget.
package fuzzbudget

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

// Main is a package's TestMain: it parses the test flags, bounds
// minimizing and runs the tests.
func Main(m *testing.M) {
	flag.Parse()
	if err := Bound(flag.CommandLine); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// Minimize is the budget Bound sets: executions per minimized input.
const Minimize = "100x"

// Bound sets fs's -test.fuzzminimizetime to Minimize unless the command
// line gave one (or fs has no such flag). Call it after flag.Parse.
func Bound(fs *flag.FlagSet) error {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "test.fuzzminimizetime" })
	if given || fs.Lookup("test.fuzzminimizetime") == nil {
		return nil
	}
	return fs.Set("test.fuzzminimizetime", Minimize)
}

// Applied reports an error unless the process's -test.fuzzminimizetime
// is Minimize or was given on the command line: a package's test checks
// with it that its TestMain is Main.
func Applied() error {
	f := flag.CommandLine.Lookup("test.fuzzminimizetime")
	if f == nil {
		return fmt.Errorf("no -test.fuzzminimizetime flag: not a test binary")
	}
	given := false
	flag.CommandLine.Visit(func(g *flag.Flag) { given = given || g.Name == f.Name })
	if !given && f.Value.String() != Minimize {
		return fmt.Errorf("-test.fuzzminimizetime %s; want %s (is TestMain fuzzbudget.Main?)", f.Value, Minimize)
	}
	return nil
}
