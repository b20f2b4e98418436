package engine

import (
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// FuzzCompileRun compiles arbitrary SQL and, when it compiles, runs it over
// the CloudTrail and VPC samples: no panics, positioned compile errors,
// and the allocator back at zero.
func FuzzCompileRun(f *testing.F) {
	for _, tt := range cloudtrailResultTests {
		f.Add(tt.sql)
	}
	for _, tt := range vpcResultTests {
		f.Add(tt.sql)
	}
	for _, tt := range parseSuccessTests {
		f.Add(tt.in)
	}
	for _, sql := range append(windowFuzzSeeds, joinFuzzSeeds...) {
		f.Add(sql)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		q, err := Compile(sql, Options{})
		if err != nil {
			var pe *parsers.ParseError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > int64(len(sql)) {
				t.Fatalf("Compile(%q): error %v is not a positioned *parsers.ParseError", sql, err)
			}
			return
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		ct := buildRecord(mem, parsers.CloudTrailSchema, ctSample())
		defer ct.Release()
		vpc := buildRecord(mem, parsers.VPCFlowSchema, vpcRows()[:20])
		defer vpc.Release()
		r := q.NewRun(2)
		for i, tbl := range q.Tables() {
			var rec arrow.RecordBatch = ct
			if tbl == "vpc_flow" {
				rec = vpc
			}
			if err := r.PushTable(i%2, tbl, rec); err != nil {
				return // runtime errors (casts, division) are fine
			}
		}
		if _, err := r.Finish(); err != nil {
			return
		}
	})
}
