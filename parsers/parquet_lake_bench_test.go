//go:build unix

package parsers

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BenchmarkParquetLake reads the Parquet files of a lake written by hunt
// convert (the folder in $HUNT_BENCH_LAKE; skipped when unset) with the
// projections and pruning of the peer queries (bench.PeerQueries) and of
// a selective hunt (bench/peer/parquet.mjs sel_flow_rdp_rejects), one
// reader per file as hunt query does: the reader's share of those
// queries, without the engine. SetBytes is the files' size. The
// allocator is Go's, as in hunt query (the tests check releases).
//
//	HUNT_BENCH_LAKE=/tmp/lake go test ./parsers -run - -bench ParquetLake -benchtime 3x
func BenchmarkParquetLake(b *testing.B) {
	lake := os.Getenv("HUNT_BENCH_LAKE")
	if lake == "" {
		b.Skip("HUNT_BENCH_LAKE is not set")
	}
	files := func(table string) (paths []string, size int64) {
		filepath.WalkDir(filepath.Join(lake, "table="+table), func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".parquet") {
				info, _ := d.Info()
				paths = append(paths, path)
				size += info.Size()
			}
			return nil
		})
		if len(paths) == 0 {
			b.Skipf("no table=%s files under %s", table, lake)
		}
		return paths, size
	}
	for _, bc := range []struct {
		name, table string
		cols        []string
		prune       Pruning
	}{
		{"ct_count_by_eventname", "cloudtrail", []string{"eventname"}, Pruning{}},
		{"ct_console_login_no_mfa", "cloudtrail", []string{"eventname", "sourceipaddress", "responseelements", "additionaleventdata"},
			Pruning{Equal: map[string][]string{"eventname": {"ConsoleLogin"}}}},
		{"flow_reject_per_minute", "vpc_flow", []string{"srcaddr", "start", "action"},
			Pruning{Equal: map[string][]string{"action": {"REJECT"}}}},
		// A selective hunt (bench/peer/parquet.mjs sel_flow_rdp_rejects):
		// two equalities, one on an integer column.
		{"sel_flow_rdp_rejects", "vpc_flow", []string{"srcaddr", "dstport", "action"},
			Pruning{Equal: map[string][]string{"action": {"REJECT"}}, EqualInt: map[string][]int64{"dstport": {3389}}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			// Not a CheckedAllocator: it records every allocation's
			// callers, which costs more than reading these files.
			mem := memory.NewGoAllocator()
			paths, size := files(bc.table)
			b.SetBytes(size)
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				for _, path := range paths {
					f, err := os.Open(path)
					if err != nil {
						b.Fatal(err)
					}
					info, _ := f.Stat()
					var rows int
					if bc.table == "cloudtrail" {
						r, err := NewCloudTrailParquetReader(f, info.Size(), path, bc.prune, WithAllocator(mem), WithColumns(bc.cols...))
						if err != nil {
							b.Fatal(err)
						}
						for r.Next() {
							rows += int(r.Batch().NumRows())
						}
						if r.Err() != nil {
							b.Fatal(r.Err())
						}
						r.Release()
					} else {
						r, err := NewVPCFlowParquetReader(f, info.Size(), path, bc.prune, WithAllocator(mem), WithColumns(bc.cols...))
						if err != nil {
							b.Fatal(err)
						}
						for r.Next() {
							rows += int(r.Batch().NumRows())
						}
						if r.Err() != nil {
							b.Fatal(r.Err())
						}
						r.Release()
					}
					parquetSink += rows
					f.Close()
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime returns the CPU time this process used so far, in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
