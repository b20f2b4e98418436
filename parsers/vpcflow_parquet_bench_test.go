package parsers

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// vpcFlowParquetBenchFile returns hunt's Parquet (as hunt convert writes
// it: sorted by start, dictionary pages, statistics) of about 8 MiB of v5
// flow-log text.
func vpcFlowParquetBenchFile(b *testing.B, mem memory.Allocator) []byte {
	text := vpcFlowBenchInput(true, 8<<20)
	r, err := NewVPCFlowReader(bytes.NewReader(text), "x", WithAllocator(mem))
	if err != nil {
		b.Fatal(err)
	}
	var batches []arrow.RecordBatch
	for r.Next() {
		r.Batch().Retain()
		batches = append(batches, r.Batch())
	}
	if r.Err() != nil {
		b.Fatal(r.Err())
	}
	r.Release()
	defer releaseBatches(batches)
	return writeParquet(b, "vpc_flow", batches, 0, true)
}

// BenchmarkVPCFlowParquetReader reads hunt's Parquet of flow logs
// projected onto the peer query's columns (srcaddr, start, action), onto
// a hunt's six columns and onto the whole schema. SetBytes is the file's
// size.
func BenchmarkVPCFlowParquetReader(b *testing.B) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	data := vpcFlowParquetBenchFile(b, mem)
	for _, bc := range []struct {
		name string
		cols []string
	}{
		{"peer", []string{"srcaddr", "start", "action"}},
		{"hunt", []string{"srcaddr", "dstaddr", "dstport", "protocol", "start", "action"}},
		{"all", nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			opts := []Option{WithAllocator(mem)}
			if bc.cols != nil {
				opts = append(opts, WithColumns(bc.cols...))
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				r, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "x", Pruning{}, opts...)
				if err != nil {
					b.Fatal(err)
				}
				for r.Next() {
					vpcFlowSink += r.Batch().NumRows()
				}
				if r.Err() != nil {
					b.Fatal(r.Err())
				}
				r.Release()
			}
		})
	}
}
