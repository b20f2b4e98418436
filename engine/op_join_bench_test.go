package engine

import (
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// joinBenchInput makes ctRows CloudTrail events and flowRows flows over
// addrs addresses, in BatchRows batches, tables interleaved.
func joinBenchInput(mem memory.Allocator, ctRows, flowRows, addrs int) ([]tableBatch, int64) {
	addr := func(i int) string { return "10.0." + strconv.Itoa(i%addrs/256) + "." + strconv.Itoa(i%addrs%256) }
	var cts, fls []map[string]any
	for i := range ctRows {
		cts = append(cts, ctRow("GetObject", "u"+strconv.Itoa(i%50), "2024-03-01T15:04:05Z", "us-east-1", "111111111111",
			map[string]any{"sourceipaddress": addr(i * 7)}))
	}
	for i := range flowRows {
		fls = append(fls, map[string]any{"srcaddr": addr(i), "dstaddr": "10.1.0.1", "dstport": 443, "bytes": i, "action": "ACCEPT"})
	}
	var out []tableBatch
	var size int64
	for i := 0; i < max(ctRows, flowRows); i += BatchRows {
		if i < flowRows {
			r := buildRecord(mem, parsers.VPCFlowSchema, fls[i:min(i+BatchRows, flowRows)])
			size += recordBytes(r)
			out = append(out, tableBatch{"vpc_flow", r})
		}
		if i < ctRows {
			r := buildRecord(mem, parsers.CloudTrailSchema, cts[i:min(i+BatchRows, ctRows)])
			size += recordBytes(r)
			out = append(out, tableBatch{"cloudtrail", r})
		}
	}
	return out, size
}

// recordBytes is the size of rec's Arrow buffers.
func recordBytes(rec arrow.RecordBatch) int64 {
	var n int64
	var walk func(d arrow.ArrayData)
	walk = func(d arrow.ArrayData) {
		for _, b := range d.Buffers() {
			if b != nil {
				n += int64(b.Len())
			}
		}
		for _, c := range d.Children() {
			walk(c)
		}
	}
	for _, c := range rec.Columns() {
		walk(c.Data())
	}
	return n
}

var joinBenchSQL = "SELECT c.eventname, c.useridentity.username, v.dstport, v.bytes FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr"

// BenchmarkHashJoin runs the CloudTrail ⋈ flows join end to end (buffer
// both inputs, build, probe, emit) on one worker.
func BenchmarkHashJoin(b *testing.B) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	for _, size := range []struct {
		name             string
		ct, flows, addrs int
	}{{"small", 4096, 4096, 1024}, {"large", 32768, 16384, 8192}} {
		b.Run(size.name, func(b *testing.B) {
			bs, bytes := joinBenchInput(mem, size.ct, size.flows, size.addrs)
			defer releaseBatches(bs)
			q, err := Compile(joinBenchSQL, Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(bytes)
			b.ReportAllocs()
			for b.Loop() {
				r := q.NewRun(1)
				for _, t := range bs {
					if err := r.PushTable(0, t.table, t.rec); err != nil {
						b.Fatal(err)
					}
				}
				res, err := r.Finish()
				if err != nil {
					b.Fatal(err)
				}
				joinSink = res.Len()
			}
		})
	}
}

var joinSink int

// discardOp swallows its input (for measuring the operator before it).
type discardOp struct{ base }

func (discardOp) push(int, *chunk) error { return nil }
func (discardOp) flush() error           { return nil }
func (discardOp) start(int)              {}
func (discardOp) explain() string        { return "discard" }

// TestHashJoin_ProbeAllocs: building and probing allocate per run, not
// per row: the same few allocations for 4096 and 16384 probe rows.
func TestHashJoin_ProbeAllocs(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var allocs []float64
	for _, n := range []int{4096, 16384} {
		bs, _ := joinBenchInput(mem, n, 4096, 1024)
		q, err := Compile(joinBenchSQL, Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := q.NewRun(1)
		for _, b := range bs {
			if err := r.PushTable(0, b.table, b.rec); err != nil {
				t.Fatal(err)
			}
		}
		releaseBatches(bs)
		var j *opJoin
		for _, o := range q.ops {
			if x, ok := o.(*opJoin); ok {
				j = x
			}
		}
		j.next = &discardOp{}
		j.merge()
		if err := j.runJoin(); err != nil { // warm the scratch buffers
			t.Fatal(err)
		}
		allocs = append(allocs, testing.AllocsPerRun(5, func() {
			if err := j.runJoin(); err != nil {
				t.Fatal(err)
			}
		}))
		j.pool.used.Store(0)
	}
	t.Logf("allocations per join run: %v", allocs)
	if allocs[1] > allocs[0]+2 || allocs[1] > 20 {
		t.Errorf("allocations per join run: %v for 4096 and 16384 probe rows; want the same few", allocs)
	}
}

// TestJoin_Explain: EXPLAIN shows the join, its keys and residual.
func TestJoin_Explain(t *testing.T) {
	for _, tt := range []struct{ sql, want string }{
		{"SELECT 1 FROM cloudtrail c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND v.dstport > 1",
			"-> hash left join on c.sourceipaddress = v.srcaddr residual v.dstport > 1 (both inputs buffered until the scan ends; hash table on the right input)\n"},
		{"SELECT 1 FROM cloudtrail WHERE sourceipaddress NOT IN (SELECT srcaddr FROM vpc_flow)",
			"-> hash mark join sourceipaddress NOT IN (SELECT srcaddr FROM vpc_flow) (both inputs buffered"},
		{"SELECT 1 FROM cloudtrail CROSS JOIN vpc_flow", "-> hash inner join (no equality: every pair)"},
	} {
		q, err := Compile(tt.sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Explain(); !strings.Contains(got, tt.want) {
			t.Errorf("Explain(%q):\n%s\nwant a line with %q", tt.sql, got, tt.want)
		}
	}
}
