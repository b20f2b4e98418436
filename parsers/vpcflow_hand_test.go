package parsers

import (
	"bytes"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// handInput is flow-log text of several batches: text, integer and
// dictionary columns, nulls (NODATA lines) in some.
func handInput() []byte { return vpcFlowBenchInput(true, 3*BatchRows*200) }

// TestVPCFlowHand_Success: batches kept past the reader's next batches,
// past its Release and past the next reader's batches (which take the
// buffers over: flowSpare) keep their rows: a buffer handed to a batch is
// not built in again until the batch is released. Once every batch is
// released, every buffer is back and the allocator holds nothing.
func TestVPCFlowHand_Success(t *testing.T) {
	in := handInput()
	for _, cols := range [][]string{nil, {"srcaddr", "dstaddr", "dstport", "protocol", "bytes", "start", "action", SourceColumn}} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		var kept []arrow.RecordBatch
		var want []string
		var hands []*flowHand
		for range 2 { // the second reader takes the first one's columns and hand
			p, err := NewVPCFlowReader(bytes.NewReader(in), "flow.log", WithAllocator(mem), WithColumns(cols...))
			if err != nil {
				t.Fatal(err)
			}
			hands = append(hands, p.hand)
			for p.Next() {
				b := p.Batch()
				want = append(want, flowBatchRows(b)...)
				b.Retain()
				kept = append(kept, b)
			}
			if p.Err() != nil {
				t.Fatal(p.Err())
			}
			p.Release()
		}
		if len(kept) < 6 {
			t.Fatalf("columns %q: %d batches; want at least 6", cols, len(kept))
		}
		var got []string
		for _, b := range kept {
			got = append(got, flowBatchRows(b)...)
		}
		if !slices.Equal(got, want) {
			t.Errorf("columns %q: the batches kept changed after later batches were read", cols)
		}
		for _, b := range kept {
			b.Release()
		}
		for _, h := range hands {
			if n := h.outstanding(); n != 0 {
				t.Errorf("columns %q: %d buffers not back after every batch was released", cols, n)
			}
		}
		mem.AssertSize(t, 0)
	}
}

// TestVPCFlowHand_Concurrent: batches released on another goroutine, while
// the reader builds the next ones in the buffers they hand back, keep their
// rows until released (run with -race).
func TestVPCFlowHand_Concurrent(t *testing.T) {
	in := handInput()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	p, err := NewVPCFlowReader(bytes.NewReader(in), "flow.log", WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	type sent struct {
		b    arrow.RecordBatch
		rows []string
	}
	ch := make(chan sent, 2)
	var wg sync.WaitGroup
	var bad []int
	wg.Go(func() {
		i := 0
		for s := range ch {
			if !slices.Equal(flowBatchRows(s.b), s.rows) {
				bad = append(bad, i)
			}
			s.b.Release()
			i++
		}
	})
	for p.Next() {
		b := p.Batch()
		b.Retain()
		ch <- sent{b, flowBatchRows(b)}
	}
	close(ch)
	wg.Wait()
	if p.Err() != nil {
		t.Fatal(p.Err())
	}
	h := p.hand
	p.Release()
	if len(bad) > 0 {
		t.Errorf("batches %v changed before the consumer released them", bad)
	}
	if n := h.outstanding(); n != 0 {
		t.Errorf("%d buffers not back after every batch was released", n)
	}
}

// TestVPCFlowHand_Bytes: a batch of integer and dictionary columns takes
// the columns' buffers, and its consumer's release hands them back for the
// next batch: past the first batches, a batch allocates its arrays and
// their dictionaries, not a copy of its values (4096 rows of two int32 and
// two int64 columns and dictionary indices are 112 KiB).
func TestVPCFlowHand_Bytes(t *testing.T) {
	line := "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.5 52.216.10.5 44211 443 6 30 21010 1640000066 1640000120 ACCEPT OK\n"
	cols := []string{"dstport", "protocol", "bytes", "start", "action"}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // the spare pool on one P (TestVPCFlowReuse_Bytes)
	read := func(batches int) uint64 {
		in := []byte(flowHeaderV2 + "\n" + strings.Repeat(line, batches*BatchRows))
		least := ^uint64(0)
		for range 3 {
			least = min(least, flowReadBytes(t, in, WithColumns(cols...)))
		}
		return least
	}
	one, five := read(1), read(5)
	perBatch := (int64(five) - int64(one)) / 4
	if limit := int64(16 << 10); perBatch > limit {
		t.Errorf("%d bytes allocated per batch of %d rows of columns %q; want at most %d", perBatch, BatchRows, cols, limit)
	}
	t.Logf("%d bytes allocated per batch of %d rows", perBatch, BatchRows)
}

// TestFlowHand: a buffer comes back when its last reference goes, not
// before, and only then is handed out again; the free lists are bounded.
func TestFlowHand(t *testing.T) {
	h := newFlowHand()
	vals := []int64{1, 2, 3, 4}
	buf := h.hand64(&vals)
	if h.outstanding() != 1 || len(vals) != 4 || &vals[0] == &arrow.Int64Traits.CastFromBytes(buf.Bytes())[0] {
		t.Fatalf("after hand64: %d out, new slice %v; want 1 out and a new slice of 4", h.outstanding(), vals)
	}
	buf.Retain()
	buf.Release()
	if h.outstanding() != 1 || len(h.b64) != 0 {
		t.Fatalf("a retained buffer came back: %d out, %d free", h.outstanding(), len(h.b64))
	}
	handed := &arrow.Int64Traits.CastFromBytes(buf.Bytes())[0]
	buf.Release()
	if h.outstanding() != 0 || len(h.b64) != 1 || &h.b64[0][0] != handed {
		t.Fatalf("after the last release: %d out, %d free; want 0 out and the buffer free", h.outstanding(), len(h.b64))
	}
	again := []int64{5, 6, 7, 8}
	h.hand64(&again).Release()
	if &again[0] != handed {
		t.Errorf("the freed buffer was not handed out again")
	}
	var bufs []*memory.Buffer
	for range flowHandMax + 5 {
		bits := make([]byte, 8)
		bufs = append(bufs, h.hand8(&bits))
	}
	for _, b := range bufs {
		b.Release()
	}
	if len(h.b8) > flowHandMax || h.outstanding() != 0 {
		t.Errorf("%d free bitmaps kept, %d out; want at most %d, none out", len(h.b8), h.outstanding(), flowHandMax)
	}
	h.b8[len(h.b8)-1][3] = 1 // a batch's validity bits
	b := make([]byte, 8)
	h.hand8(&b).Release()
	if !bytes.Equal(b, make([]byte, 8)) {
		t.Errorf("a bitmap handed out again is %v; want all zero", b)
	}
}
