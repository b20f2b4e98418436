package bench

import (
	"context"
	"testing"
)

// e2eSink keeps benchmark results live.
var e2eSink int64

// BenchmarkE2E runs the measurements of hunt bench over the shared test
// corpus (a few MB of .json.gz and .log.gz in AWS layout): inflate-only,
// parse-only (every column and the hunt projection) and the peer queries
// end to end, with one worker per GOMAXPROCS. Vary cores with -cpu:
//
//	go test -run X -bench E2E -cpu 1,2 -count 6 ./bench
//
// Each op includes the GC that every measurement starts with (for its peak
// RSS), and the corpus holds only a few objects per table, so -cpu 2 shows
// little scaling here: measure scaling with hunt bench on a large corpus.
func BenchmarkE2E(b *testing.B) {
	dir, _ := testCorpus(b)
	ctx := context.Background()
	c, err := OpenCorpus(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	type step struct {
		name string
		run  func() (Measurement, error)
	}
	var steps []step
	for _, table := range []string{TableCloudTrail, TableVPCFlow} {
		objs := c.Objects(table)
		cols := CloudTrailHuntColumns
		if table == TableVPCFlow {
			cols = VPCFlowHuntColumns
		}
		steps = append(steps,
			step{"inflate/" + table, func() (Measurement, error) { return Inflate(ctx, objs, 0, InflaterDefault) }},
			step{"parse/" + table + "/all", func() (Measurement, error) { return Parse(ctx, objs, table, nil, 0, InflaterDefault) }},
			step{"parse/" + table + "/projection", func() (Measurement, error) { return Parse(ctx, objs, table, cols, 0, InflaterDefault) }},
		)
	}
	for _, q := range PeerQueries {
		steps = append(steps, step{"query/" + q.Name, func() (Measurement, error) {
			m, _, err := Query(ctx, c.Objects(q.Table), q, 0, InflaterDefault)
			return m, err
		}})
	}
	for _, s := range steps {
		b.Run(s.name, func(b *testing.B) {
			m, err := s.run() // sizes the run for SetBytes
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(m.RawBytes)
			b.ReportAllocs()
			for b.Loop() {
				m, err := s.run()
				if err != nil {
					b.Fatal(err)
				}
				e2eSink += m.RawBytes
			}
		})
	}
}
