package parsers_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// sampleInput returns the decompressed sample matched by glob.
func sampleInput(b *testing.B, glob string) []byte {
	files, _ := filepath.Glob(glob)
	if len(files) == 0 {
		b.Fatalf("no sample %s", glob)
	}
	f, err := os.Open(files[0])
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// benchRows reads input with newR under each projection.
func benchRows(b *testing.B, input []byte, rows int64, newR func(io.Reader, string, ...parsers.Option) (parsers.Reader, error), projections map[string][]string) {
	for _, name := range []string{"cols=3", "cols=all"} {
		cols := projections[name]
		b.Run(name, func(b *testing.B) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(b, 0)
			src := bytes.NewReader(input)
			b.SetBytes(int64(len(input)))
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				src.Reset(input)
				opts := []parsers.Option{parsers.WithAllocator(mem)}
				if cols != nil {
					opts = append(opts, parsers.WithColumns(cols...))
				}
				r, err := newR(src, "bench.json", opts...)
				if err != nil {
					b.Fatal(err)
				}
				for r.Next() {
					GlobalSink += r.Batch().NumRows()
				}
				if r.Err() != nil || r.Stats().Records != rows {
					b.Fatalf("err %v, stats %+v; want %d rows", r.Err(), r.Stats(), rows)
				}
				r.Release()
			}
			cpu.report(b, len(input))
		})
	}
}

// BenchmarkGuardDutyReader reads the sample export (findings of 1.5-2 KB
// with nested resource and service objects) repeated to 8 MB.
func BenchmarkGuardDutyReader(b *testing.B) {
	one := sampleInput(b, "../testdata/guardduty/AWSLogs/*/GuardDuty/*/*/*/*/*.jsonl.gz")
	n := (8 << 20) / len(one)
	input := bytes.Repeat(one, n)
	benchRows(b, input, int64(5*n), func(r io.Reader, s string, o ...parsers.Option) (parsers.Reader, error) {
		return parsers.NewGuardDutyReader(r, s, o...)
	}, map[string][]string{"cols=3": {"id", "severity", "updatedat"}})
}
