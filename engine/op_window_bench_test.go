package engine

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BenchmarkWindow runs window queries over 4 batches of 4096 rows per
// iteration (a window is blocking: buffer, sort, compute, emit), in MB/s
// of the raw CloudTrail JSON the rows stand for.
func BenchmarkWindow(b *testing.B) {
	for _, bq := range []struct{ name, sql string }{
		{"row_number", "SELECT sourceipaddress, row_number() OVER (PARTITION BY sourceipaddress ORDER BY eventtime) FROM cloudtrail"},
		{"range_interval", "SELECT sourceipaddress, count(*) OVER (PARTITION BY sourceipaddress ORDER BY from_iso8601_timestamp(eventtime) RANGE BETWEEN INTERVAL '5' MINUTE PRECEDING AND CURRENT ROW) FROM cloudtrail"},
		{"rows_sum", "SELECT awsregion, sum(length(eventname)) OVER (PARTITION BY awsregion ORDER BY eventtime ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) FROM cloudtrail"},
		{"lag_topn", "SELECT * FROM (SELECT eventname, lag(eventtime) OVER (PARTITION BY useridentity.arn ORDER BY eventtime) AS prev, rank() OVER (ORDER BY eventtime DESC) AS r FROM cloudtrail) WHERE r <= 10"},
	} {
		b.Run(bq.name, func(b *testing.B) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(b, 0)
			rec := benchBatch(mem, BatchRows)
			defer rec.Release()
			const batches = 4
			q, err := Compile(bq.sql, Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(batches * int64(rec.NumRows()) * rawEventBytes)
			b.ReportAllocs()
			for b.Loop() {
				r := q.NewRun(1)
				for range batches {
					if err := r.Push(0, rec); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := r.Finish(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestWindow_PushAllocs locks in that buffering a batch into a window
// allocates per column, not per row (strings are copied once per batch).
func TestWindow_PushAllocs(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := benchBatch(mem, BatchRows)
	defer rec.Release()
	q, err := Compile("SELECT sourceipaddress, row_number() OVER (PARTITION BY sourceipaddress ORDER BY eventtime) FROM cloudtrail", Options{AggregateMemory: -1})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	allocs := testing.AllocsPerRun(20, func() {
		if err := r.Push(0, rec); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 32 {
		t.Errorf("%.0f allocations per %d-row push; want a few per column", allocs, BatchRows)
	}
	if _, err := r.Finish(); err != nil {
		t.Fatal(err)
	}
}
