package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
)

// BenchmarkRunSetup runs `hunt run` with every hunt of the folder
// $HUNT_BENCH_HUNTS (e.g. /tmp/big/h500) over an empty folder: what a run
// costs before and after its scan (loading, parsing and compiling the
// hunts, planning, routing set-up, finishing), the fixed cost many hunts
// add. Skipped without the variable.
func BenchmarkRunSetup(b *testing.B) {
	dir := os.Getenv("HUNT_BENCH_HUNTS")
	if dir == "" {
		b.Skip("HUNT_BENCH_HUNTS not set")
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".sql"); ok {
			ids = append(ids, n)
		}
	}
	empty := b.TempDir()
	args := []string{"run", "--workers", "1", "--hunts", dir, "--hunt", strings.Join(ids, ","), "--sink", "file:" + empty + "/o.jsonl", empty + "/in"}
	if err := os.Mkdir(empty+"/in", 0o755); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if code := run(context.Background(), args, io.Discard, io.Discard); code != 0 {
			b.Fatal(code)
		}
	}
}
