package parsers

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// readFlowParquetPruned reads a Parquet file to the end with pruning.
func readFlowParquetPruned(t testing.TB, data []byte, prune Pruning, opts ...Option) flowResult {
	t.Helper()
	p, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "flow.parquet", prune, opts...)
	if err != nil {
		return flowResult{err: err}
	}
	defer p.Release()
	var res flowResult
	for _, f := range p.Schema().Fields() {
		res.cols = append(res.cols, f.Name)
	}
	for p.Next() {
		res.rows = append(res.rows, flowBatchRows(p.Batch())...)
	}
	res.stats = p.Stats()
	res.err = p.Err()
	return res
}

// TestVPCFlowParquet_SkipsPages: over a clustered lake file, a reader
// with equalities reads only the pages their column indexes say may hold
// a match (and seeks the other columns past the rest), and finds the rows
// a full read finds. Without page skipping every row of the file is
// counted as read.
func TestVPCFlowParquet_SkipsPages(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 60000
	batches := readFlowBatches(t, mem, clusterFlowText(n))
	data := writeParquet(t, "vpc_flow", batches, 20000, true)
	releaseBatches(batches)
	cols := []string{"srcaddr", "dstport", "action", "start"}
	all := readFlowParquet(t, data, WithAllocator(mem), WithColumns(cols...))
	if all.err != nil || len(all.rows) != n {
		t.Fatalf("full read: %d rows (%v); want %d", len(all.rows), all.err, n)
	}
	iPort, iAction := slices.Index(all.cols, "dstport"), slices.Index(all.cols, "action")
	for _, tc := range []struct {
		name      string
		prune     Pruning
		action    []string
		ports     []int
		mostRead  int // at most this many rows counted as read
		leastRead int
	}{
		{"reject rdp", Pruning{Equal: map[string][]string{"action": {"REJECT"}}, EqualInt: map[string][]int64{"dstport": {3389}}}, []string{"REJECT"}, []int{3389}, n / 2, 1},
		{"ports", Pruning{EqualInt: map[string][]int64{"dstport": {22, 3389}}}, nil, []int{22, 3389}, n, 1},
		{"reject", Pruning{Equal: map[string][]string{"action": {"REJECT"}}}, []string{"REJECT"}, nil, n * 3 / 5, n / 5},
		{"no port", Pruning{EqualInt: map[string][]int64{"dstport": {9}}}, nil, []int{9}, 0, 0},
		{"no action", Pruning{Equal: map[string][]string{"action": {"ALLOW"}}}, []string{"ALLOW"}, nil, 0, 0},
	} {
		got := readFlowParquetPruned(t, data, tc.prune, WithAllocator(mem), WithColumns(cols...))
		if got.err != nil {
			t.Fatalf("%s: %v", tc.name, got.err)
		}
		var want []string
		for _, r := range all.rows {
			f := strings.Split(r, " ")
			port, err := strconv.Atoi(f[iPort])
			if (tc.action == nil || slices.Contains(tc.action, f[iAction])) && (tc.ports == nil || err == nil && slices.Contains(tc.ports, port)) {
				want = append(want, r)
			}
		}
		if g, w := sortedRows(got.rows), sortedRows(want); !slices.Equal(g, w) {
			t.Errorf("%s: %d rows; want %d; first differing: %v", tc.name, len(got.rows), len(want), firstDiff(g, w))
		}
		if r := int(got.stats.Records); r > tc.mostRead || r < tc.leastRead {
			t.Errorf("%s: %d rows counted as read; want %d-%d", tc.name, r, tc.leastRead, tc.mostRead)
		}
	}
}

// TestVPCFlowParquet_SkipsPagesAllocs: a reader skipping pages by their
// column indexes seeks its own page decoders (pqChunk) past them, which
// decode into buffers kept from chunk to chunk: reading a third of the
// rows takes about half the allocations of reading them all. (Through
// parquet-go's page readers, which it used to seek with and which
// allocate pages and a dictionary per chunk, it took 70 %.)
func TestVPCFlowParquet_SkipsPagesAllocs(t *testing.T) {
	skipAllocsUnderRace(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 60000
	batches := readFlowBatches(t, mem, clusterFlowText(n))
	data := writeParquet(t, "vpc_flow", batches, 20000, true)
	releaseBatches(batches)
	allocs := func(prune Pruning) (float64, int64) {
		var read int64
		a := testing.AllocsPerRun(3, func() {
			p, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "x", prune,
				WithAllocator(mem), WithColumns("srcaddr", "dstport", "action", "start"))
			if err != nil {
				t.Fatal(err)
			}
			for p.Next() {
			}
			if p.Err() != nil {
				t.Fatal(p.Err())
			}
			read = p.Stats().Records
			p.Release()
		})
		return a, read
	}
	all, _ := allocs(Pruning{})
	rdp := Pruning{Equal: map[string][]string{"action": {"REJECT"}}, EqualInt: map[string][]int64{"dstport": {3389}}}
	some, read := allocs(rdp)
	if read >= n/2 {
		t.Fatalf("%d of %d rows read; want pages skipped", read, n)
	}
	if 5*some > 3*all {
		t.Errorf("%v allocations skipping pages (%d rows read), %v reading every page; want at most 3/5 as many", some, read, all)
	}
}
