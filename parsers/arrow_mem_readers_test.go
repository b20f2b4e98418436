package parsers_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/bench"
	"github.com/hunt-sec/hunt/parsers"
)

// batchText is every column of b printed.
func batchText(b arrow.RecordBatch) string {
	var s strings.Builder
	for i, c := range b.Columns() {
		s.WriteString(b.ColumnName(i))
		s.WriteString(": ")
		s.WriteString(c.String())
		s.WriteByte('\n')
	}
	return s.String()
}

// TestReaders_Recycled: readers given a Recycler build their batches in
// the memory of the batches released before (a poisoning one, which
// overwrites what is freed): every batch holds the rows it holds with Go's
// allocator, those kept (retained) past later batches and past their
// reader included, reader after reader; no buffer is freed twice, and
// once every batch and reader is released the CloudTrail reader's
// buffers are all back.
func TestReaders_Recycled(t *testing.T) {
	ct := bench.GenerateCloudTrailRecords(1, 3*parsers.BatchRows+100)
	flow := bench.GenerateFlowLines(1, 3*parsers.BatchRows+100, bench.FlowV5)
	for _, tc := range []struct {
		name, table string
		in          []byte
		cols        []string
		allBack     bool // the reader frees every buffer it is given (flow columns grow in Go memory)
	}{
		{"cloudtrail all", "cloudtrail", ct, nil, true},
		{"cloudtrail hunt", "cloudtrail", ct, []string{"eventtime", "eventname", "useridentity.arn", "sourceipaddress", "requestparameters", "resources", parsers.SourceColumn}, true},
		{"flow all", "vpc_flow", flow, nil, false},
		{"flow hunt", "vpc_flow", flow, []string{"srcaddr", "dstaddr", "dstport", "bytes", "action", parsers.SourceColumn}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := parsers.TableNamed(tc.table)
			read := func(mem memory.Allocator, keep func(i int) bool) (texts []string, kept []arrow.RecordBatch) {
				r, err := tab.NewReader(bytes.NewReader(tc.in), "obj", parsers.WithAllocator(mem), parsers.WithColumns(tc.cols...))
				if err != nil {
					t.Fatal(err)
				}
				defer r.Release()
				for i := 0; r.Next(); i++ {
					b := r.Batch()
					texts = append(texts, batchText(b))
					if keep(i) {
						b.Retain()
						kept = append(kept, b)
					}
				}
				if err := r.Err(); err != nil {
					t.Fatal(err)
				}
				return texts, kept
			}
			want, _ := read(memory.NewGoAllocator(), func(int) bool { return false })
			if len(want) < 3 {
				t.Fatalf("%d batches; want at least 3", len(want))
			}
			rec := parsers.NewPoisonRecycler()
			var kept []arrow.RecordBatch
			for pass := range 3 {
				texts, k := read(rec, func(i int) bool { return i%2 == pass%2 })
				kept = append(kept, k...)
				for i := range want {
					if i >= len(texts) || texts[i] != want[i] {
						t.Fatalf("pass %d: batch %d differs from Go memory's", pass, i)
					}
				}
			}
			for i, b := range kept {
				if i%2 == 0 { // released before the others are looked at
					b.Release()
					kept[i] = nil
				}
			}
			// A reader released midway (a LIMIT met) gives back the
			// buffers of the batch it was building.
			r, err := tab.NewReader(bytes.NewReader(tc.in), "obj", parsers.WithAllocator(rec), parsers.WithColumns(tc.cols...))
			if err != nil {
				t.Fatal(err)
			}
			if !r.Next() || batchText(r.Batch()) != want[0] {
				t.Fatalf("a reader stopped midway: first batch differs from Go memory's")
			}
			r.Release()
			for pass := range 2 {
				texts, _ := read(rec, func(int) bool { return false })
				for i := range want {
					if texts[i] != want[i] {
						t.Fatalf("pass %d after releases: batch %d differs from Go memory's", pass, i)
					}
				}
			}
			for _, b := range kept {
				if b == nil {
					continue
				}
				found := false
				for _, w := range want {
					found = found || batchText(b) == w
				}
				if !found {
					t.Errorf("a batch kept while others were built in recycled memory changed")
				}
				b.Release()
			}
			if n := rec.Outstanding(); tc.allBack && n != 0 {
				t.Errorf("%d buffers not freed after every batch and reader was released", n)
			}
		})
	}
}
