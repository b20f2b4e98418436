package fuzzbudget

import (
	"flag"
	"testing"
)

// TestBound_Success: without -test.fuzzminimizetime the budget applies;
// a given value is kept; a flag set without the flag is left alone.
func TestBound_Success(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, Minimize},
		{[]string{"-test.fuzzminimizetime=5s"}, "5s"},
		{[]string{"-test.fuzzminimizetime=1m0s"}, "1m0s"},
	} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.String("test.fuzzminimizetime", "1m0s", "")
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		if err := Bound(fs); err != nil {
			t.Fatal(err)
		}
		if got := fs.Lookup("test.fuzzminimizetime").Value.String(); got != tt.want {
			t.Errorf("%q: -test.fuzzminimizetime %s; want %s", tt.args, got, tt.want)
		}
	}
	if err := Bound(flag.NewFlagSet("none", flag.ContinueOnError)); err != nil {
		t.Errorf("a flag set without -test.fuzzminimizetime: %v", err)
	}
}

// TestApplied_Success: this package's TestMain bounds minimizing, so
// Applied is content.
func TestApplied_Success(t *testing.T) {
	if err := Applied(); err != nil {
		t.Error(err)
	}
}

// TestApplied_Failure: a budget other than Minimize, not given on the
// command line, is reported.
func TestApplied_Failure(t *testing.T) {
	f := flag.CommandLine.Lookup("test.fuzzminimizetime")
	given := false
	flag.CommandLine.Visit(func(g *flag.Flag) { given = given || g.Name == f.Name })
	if given {
		t.Skip("-test.fuzzminimizetime given on the command line")
	}
	old := f.Value.String()
	defer f.Value.Set(old)
	if err := f.Value.Set("1m0s"); err != nil {
		t.Fatal(err)
	}
	if err := Applied(); err == nil {
		t.Error("Applied with -test.fuzzminimizetime 1m0s: no error")
	}
}

func TestMain(m *testing.M) { Main(m) }
