package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/bench"
	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/scan"
)

// benchCorpus is a generated archive and its conversion, shared by the
// benchmarks of one run. HUNT_BENCH_MIB sets the CloudTrail size in MiB
// (uncompressed; default 256), over 7 days, 3 accounts and 2 regions. Both
// stay in $TMPDIR/hunt-convert-bench-MIB and are reused by later runs
// (delete the folder to build them again).
var benchCorpus struct {
	once     sync.Once
	src, dst string
	err      error
}

func convertedCorpus(b *testing.B) (src, dst string) {
	b.Helper()
	benchCorpus.once.Do(func() {
		mib := int64(256)
		if v, err := strconv.ParseInt(os.Getenv("HUNT_BENCH_MIB"), 10, 64); err == nil && v > 0 {
			mib = v
		}
		dir := filepath.Join(os.TempDir(), "hunt-convert-bench-"+strconv.FormatInt(mib, 10))
		benchCorpus.src, benchCorpus.dst = filepath.Join(dir, "src"), filepath.Join(dir, "parquet")
		if _, err := os.Stat(filepath.Join(benchCorpus.dst, convertManifestName)); err == nil {
			return // built by an earlier run
		}
		os.RemoveAll(dir)
		if _, err := bench.Generate(context.Background(), bench.Config{Seed: 1, Dir: benchCorpus.src, CloudTrailBytes: mib << 20, Days: 7}); err != nil {
			benchCorpus.err = err
			return
		}
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"convert", benchCorpus.src, benchCorpus.dst}, &out, &errOut); code != exitOK {
			benchCorpus.err = &convertBenchError{errOut.String()}
		}
	})
	if benchCorpus.err != nil {
		b.Fatal(benchCorpus.err)
	}
	return benchCorpus.src, benchCorpus.dst
}

type convertBenchError struct{ msg string }

func (e *convertBenchError) Error() string { return "convert: " + e.msg }

// BenchmarkQuery_ParquetVsJSON runs selective hunts, one eventname over one
// day, with hunt query over the .json.gz archive and over its Parquet
// conversion; both must give the same rows. Compare the ns/op of the two.
func BenchmarkQuery_ParquetVsJSON(b *testing.B) {
	src, dst := convertedCorpus(b)
	for _, name := range []string{"ConsoleLogin", "AssumeRole"} {
		q := "SELECT eventtime, useridentity.arn, sourceipaddress FROM cloudtrail WHERE eventname = '" + name +
			"' AND eventtime BETWEEN '2026-01-08T00:00:00Z' AND '2026-01-08T23:59:59Z' ORDER BY 1, 2, 3"
		var want string
		for _, in := range []struct{ name, path string }{{"json.gz", src}, {"parquet", dst}} {
			b.Run(name+"/"+in.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					var out, errOut bytes.Buffer
					if code := run(context.Background(), []string{"query", "--output", "csv", q, in.path}, &out, &errOut); code != exitOK {
						b.Fatalf("exit %d: %s", code, errOut.String())
					}
					switch {
					case want == "":
						want = out.String()
					case out.String() != want:
						b.Fatalf("%s answers differently:\n%s", in.name, out.String())
					}
					if strings.Count(out.String(), "\n") < 2 {
						b.Fatalf("no rows: %s", errOut.String())
					}
				}
			})
		}
	}
}

// BenchmarkConvert converts a generated archive (16 MiB of CloudTrail and
// 16 MiB of flow logs, uncompressed) to Parquet with 1 and 2 workers;
// MB/s is of decompressed input. Run it with -cpu 2 so two workers can
// run at once.
func BenchmarkConvert(b *testing.B) {
	src := filepath.Join(b.TempDir(), "src")
	m, err := bench.Generate(context.Background(), bench.Config{Seed: 1, Dir: src, CloudTrailBytes: 16 << 20, FlowBytes: 16 << 20})
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []string{"1", "2"} {
		b.Run("workers="+workers, func(b *testing.B) {
			b.SetBytes(m.RawBytes)
			b.ReportAllocs()
			for b.Loop() {
				dst := filepath.Join(b.TempDir(), "dst")
				var out, errOut bytes.Buffer
				if code := run(context.Background(), []string{"convert", "--workers", workers, src, dst}, &out, &errOut); code != exitOK {
					b.Fatalf("exit %d: %s", code, errOut.String())
				}
				os.RemoveAll(dst)
			}
		})
	}
}

// BenchmarkConvert_Write is the writing half of a convert alone: the
// batches of a generated archive (16 MiB of CloudTrail and 16 MiB of flow
// logs, uncompressed) are read once, then each iteration routes, sorts and
// writes them to Parquet files with one worker. MB/s is of decompressed
// input, as for [BenchmarkConvert].
func BenchmarkConvert_Write(b *testing.B) {
	ctx := context.Background()
	src := filepath.Join(b.TempDir(), "src")
	m, err := bench.Generate(ctx, bench.Config{Seed: 1, Dir: src, CloudTrailBytes: 16 << 20, FlowBytes: 16 << 20})
	if err != nil {
		b.Fatal(err)
	}
	plan, err := archive.PlanLocal(ctx, []string{src}, archive.Facts{})
	if err != nil {
		b.Fatal(err)
	}
	cfg := scan.Config{Workers: 1, Columns: map[string][]string{}, Options: convertOptions}
	for _, tab := range parsers.Tables {
		if tab.NewParquetReader != nil {
			cfg.Columns[tab.Name] = tableColumns(tab.Schema)
		}
	}
	type held struct {
		tab   *parsers.Table
		obj   archive.Object
		batch arrow.RecordBatch
	}
	var batches []held
	tot := scan.Run(ctx, cfg, plan.Objects, func(_ int, tab *parsers.Table, obj archive.Object, bt arrow.RecordBatch) error {
		bt.Retain()
		batches = append(batches, held{tab, obj, bt})
		return nil
	})
	defer func() {
		for _, h := range batches {
			h.batch.Release()
		}
	}()
	if tot.Stopped != nil {
		b.Fatal(tot.Stopped)
	}
	b.SetBytes(m.RawBytes)
	b.ReportAllocs()
	for b.Loop() {
		dst := filepath.Join(b.TempDir(), "dst")
		c := newConverter(dst, "bench", 1, convertFileBytes, convertBufferBytes, parsers.ParquetRowGroupRows)
		cw := c.workers[0]
		for _, h := range batches {
			if err := cw.add(h.tab, h.obj, h.batch); err != nil {
				b.Fatal(err)
			}
		}
		if err := c.finish(); err != nil {
			b.Fatal(err)
		}
		os.RemoveAll(dst)
	}
}
