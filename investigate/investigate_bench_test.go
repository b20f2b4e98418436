package investigate

import (
	"context"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/bench"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/queries"
	"github.com/hunt-sec/hunt/scan"
)

var benchCorpus struct {
	once    sync.Once
	dir     string
	address string // an attacker's address planted in the corpus
	raw     int64
	objs    []archive.Object
	err     error
}

// TestMain removes the benchmark's generated corpus.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchCorpus.dir != "" {
		os.RemoveAll(benchCorpus.dir)
	}
	os.Exit(code)
}

// corpus generates bench.Generate's corpus once per process:
// $HUNT_INVESTIGATE_BENCH_MB MB (default 32) uncompressed per table.
func corpus(b *testing.B) (string, []archive.Object, int64) {
	benchCorpus.once.Do(func() {
		mb := int64(32)
		if s := os.Getenv("HUNT_INVESTIGATE_BENCH_MB"); s != "" {
			if mb, benchCorpus.err = strconv.ParseInt(s, 10, 64); benchCorpus.err != nil {
				return
			}
		}
		if benchCorpus.dir, benchCorpus.err = os.MkdirTemp("", "hunt-investigate-bench"); benchCorpus.err != nil {
			return
		}
		m, err := bench.Generate(context.Background(), bench.Config{Seed: 1, Dir: benchCorpus.dir, CloudTrailBytes: mb << 20, FlowBytes: mb << 20})
		if err != nil {
			benchCorpus.err = err
			return
		}
		benchCorpus.raw = m.RawBytes
		for _, a := range m.Attacks {
			if a.Table == "vpc_flow" && a.Actor != "" {
				benchCorpus.address = a.Actor
				break
			}
		}
		plan, err := archive.PlanLocal(context.Background(), []string{benchCorpus.dir}, archive.Facts{})
		benchCorpus.objs, benchCorpus.err = plan.Objects, err
	})
	if benchCorpus.err != nil {
		b.Fatal(benchCorpus.err)
	}
	return benchCorpus.address, benchCorpus.objs, benchCorpus.raw
}

// BenchmarkInvestigate compares investigating one address (with and
// without the saved hunts) to one scan reading the same columns and doing
// nothing with them: what the pass itself costs.
func BenchmarkInvestigate(b *testing.B) {
	addr, objs, raw := corpus(b)
	hunts, err := queries.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	e := Entity{KindIP, addr}
	for _, tc := range []struct {
		name  string
		hunts []*queries.Hunt
	}{{"address", nil}, {"address+hunts", hunts}} {
		inv, err := New(e, tc.hunts, engine.Options{})
		if err != nil {
			b.Fatal(err)
		}
		cols := inv.Columns()
		b.Run("scan-columns-of-"+tc.name, func(b *testing.B) {
			b.SetBytes(raw)
			for b.Loop() {
				var rows atomic.Int64
				t := scan.Run(context.Background(), scan.Config{Columns: cols}, objs, func(_ int, _ *parsers.Table, _ archive.Object, r arrow.RecordBatch) error {
					rows.Add(r.NumRows())
					return nil
				})
				if t.Stopped != nil || rows.Load() == 0 {
					b.Fatal(t.Stopped, rows.Load())
				}
			}
		})
	}
	for _, tc := range []struct {
		name  string
		hunts []*queries.Hunt
	}{{"address", nil}, {"address+hunts", hunts}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(raw)
			for b.Loop() {
				start := time.Now()
				rep, _, err := Run(context.Background(), e, tc.hunts, engine.Options{}, scan.Config{}, objs, queries.Window{})
				if err != nil {
					b.Fatal(err)
				}
				if len(rep.Flows) == 0 {
					b.Fatalf("no flows of %s", addr)
				}
				b.ReportMetric(float64(rep.Records)/time.Since(start).Seconds(), "records/s")
			}
		})
	}
}
