package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

// TestRunVersion_Success: hunt version names the build's facts, among
// them whether cgo was on, as the build information records it.
func TestRunVersion_Success(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runVersion(nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d; stderr: %s", code, stderr.String())
	}
	want := "cgo:       unknown\n"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "CGO_ENABLED" {
				want = map[string]string{"0": "cgo:       off (CGO_ENABLED=0)\n", "1": "cgo:       on (CGO_ENABLED=1)\n"}[s.Value]
			}
		}
	}
	out := stdout.String()
	for _, line := range []string{"hunt ", "\ncommit:    ", "\ngo:        ", "\ntags:      ", "\n" + want, "\ninflaters: purego"} {
		if !strings.Contains(out, line) {
			t.Errorf("hunt version printed:\n%s\nwant a line %q", out, strings.TrimSpace(line))
		}
	}
}

// TestRunVersion_Failure: hunt version takes no arguments.
func TestRunVersion_Failure(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runVersion([]string{"x"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("exit %d; want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), `hunt version: expected no arguments, found ["x"]`) {
		t.Errorf("stderr: %s", stderr.String())
	}
}
