package engine

import (
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// BenchmarkArith runs integer arithmetic (checked for overflow) in a
// filter, and sum(bigint) per group, over one 4096-row flow batch per
// iteration (MB/s of the batch's bigint and integer columns).
func BenchmarkArith(b *testing.B) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	rows := make([]map[string]any, BatchRows)
	for i := range rows {
		rows[i] = map[string]any{"srcaddr": "10.0.0." + strconv.Itoa(i%64), "bytes": 1000 + i*37, "packets": 1 + i%100,
			"srcport": 1024 + i, "dstport": 443, "start": 1709632800 + i}
		if i%50 == 0 {
			rows[i]["bytes"] = nil
		}
	}
	rec := buildRecord(mem, parsers.VPCFlowSchema, rows)
	defer rec.Release()
	for _, bq := range []struct{ name, sql string }{
		{"add_mul", "SELECT count(*) FROM vpc_flow WHERE bytes + packets * 2 - start > 0"},
		{"integer", "SELECT count(*) FROM vpc_flow WHERE srcport * dstport + srcport > 0"},
		{"div_neg_abs", "SELECT count(*) FROM vpc_flow WHERE abs(-bytes / packets) > 0"},
		{"bucket_const", "SELECT count(*) FROM vpc_flow WHERE start - start % 300 > 0 AND start / 60 > 0"},
		{"sum_group", "SELECT srcaddr, sum(bytes), sum(packets) FROM vpc_flow GROUP BY 1"},
		{"sum_global", "SELECT sum(bytes), sum(start) FROM vpc_flow"},
	} {
		b.Run(bq.name, func(b *testing.B) {
			q, err := Compile(bq.sql, Options{})
			if err != nil {
				b.Fatal(err)
			}
			r := q.NewRun(1)
			b.SetBytes(int64(rec.NumRows()) * 8 * 3)
			b.ReportAllocs()
			for b.Loop() {
				if err := r.Push(0, rec); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := r.Finish(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
