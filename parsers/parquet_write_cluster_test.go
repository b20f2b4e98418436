package parsers

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
)

// sortedRows returns a sorted copy of rows: a clustered table's row
// groups hold the rows written, in cluster order, not the order given.
func sortedRows(rows []string) []string {
	return slices.Sorted(slices.Values(rows))
}

// clusterFlowText is n flow-log lines in time order (a few per second)
// whose actions and destination ports are spread over every row: about
// one line in 50 is a rejected RDP connection; some actions and ports
// are missing.
func clusterFlowText(n int) string {
	rng := rand.New(rand.NewPCG(1, 2))
	ports := []string{"443", "80", "22", "3389", "53", "-", "8080"}
	var sb strings.Builder
	for i := range n {
		port := ports[rng.IntN(len(ports))]
		if rng.IntN(4) == 0 {
			port = strconv.Itoa(1024 + rng.IntN(60000))
		}
		action := []string{"ACCEPT", "ACCEPT", "REJECT", "-"}[rng.IntN(4)]
		fmt.Fprintf(&sb, "2 123456789012 eni-%04x 10.0.%d.%d 172.16.0.%d %d %s 6 1 40 %d %d %s OK\n",
			i%61, i%7, rng.IntN(200), i%250, 1024+i%5000, port, 1767225600+i/4, 1767225660+i/4, action)
	}
	return sb.String()
}

// TestParquetWriter_Cluster: a flow-log row group holds the rows of its
// slice of time (exact time bounds), ordered by action then dstport, rows
// of the same action and port in batch order (here also time order); so a
// rejected RDP connection lies on at most two pages of a row group.
func TestParquetWriter_Cluster(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n, perGroup = 60000, 20000
	text := clusterFlowText(n)
	batches := readFlowBatches(t, mem, text)
	defer releaseBatches(batches)
	data := writeParquet(t, "vpc_flow", batches, perGroup, true)

	got := readFlowParquet(t, data, WithColumns(flowColumns()...))
	want := readFlowText(t, strings.NewReader(text), WithColumns(flowColumns()...))
	if got.err != nil || len(got.rows) != n || len(want.rows) != n {
		t.Fatalf("read back %d rows (%v); want %d", len(got.rows), got.err, len(want.rows))
	}
	col := func(name string) int { return slices.Index(got.cols, name) }
	iAction, iPort, iStart := col("action"), col("dstport"), col("start")
	key := func(row string) (string, int, int) {
		f := strings.Split(row, " ")
		port, err := strconv.Atoi(f[iPort])
		if err != nil {
			port = -1 // NULL first
		}
		start, _ := strconv.Atoi(f[iStart])
		a := f[iAction]
		if a == "NULL" {
			a = "" // first
		}
		return a, port, start
	}
	for g := 0; g < n/perGroup; g++ {
		rows := got.rows[g*perGroup : (g+1)*perGroup]
		// The rows of the group's slice of time (the input is in
		// time order).
		if !slices.Equal(sortedRows(rows), sortedRows(want.rows[g*perGroup:(g+1)*perGroup])) {
			t.Fatalf("row group %d: not the rows of its slice of time", g)
		}
		for i := 1; i < len(rows); i++ {
			a0, p0, s0 := key(rows[i-1])
			a1, p1, s1 := key(rows[i])
			if a0 > a1 || a0 == a1 && (p0 > p1 || p0 == p1 && s0 > s1) {
				t.Fatalf("row group %d, rows %d and %d out of cluster order:\n%s\n%s", g, i-1, i, rows[i-1], rows[i])
			}
		}
	}

	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	// The rows on pages whose bounds may hold a value: maybe[r] is set.
	mayHold := func(g int, col string, match func(lo, hi []byte) bool) []bool {
		leaf, _ := f.Schema().Lookup(col)
		c := f.RowGroups()[g].ColumnChunks()[leaf.ColumnIndex].(*parquet.FileColumnChunk)
		ci, err := c.ColumnIndex()
		if err != nil {
			t.Fatal(err)
		}
		oi, err := c.OffsetIndex()
		if err != nil {
			t.Fatal(err)
		}
		maybe := make([]bool, f.RowGroups()[g].NumRows())
		for p := range ci.NumPages() {
			end := int64(len(maybe))
			if p+1 < oi.NumPages() {
				end = oi.FirstRowIndex(p + 1)
			}
			if !ci.NullPage(p) && match(ci.MinValue(p).Bytes(), ci.MaxValue(p).Bytes()) {
				for r := oi.FirstRowIndex(p); r < end; r++ {
					maybe[r] = true
				}
			}
		}
		return maybe
	}
	for g := range f.RowGroups() {
		rdp := mayHold(g, "dstport", func(lo, hi []byte) bool {
			return int32(binary.LittleEndian.Uint32(lo)) <= 3389 && 3389 <= int32(binary.LittleEndian.Uint32(hi))
		})
		reject := mayHold(g, "action", func(lo, hi []byte) bool { return string(lo) <= "REJECT" && "REJECT" <= string(hi) })
		both := 0
		for r := range rdp {
			if rdp[r] && reject[r] {
				both++
			}
		}
		if both == 0 || both > 2*parquetClusterPageRows {
			t.Errorf("row group %d: %d of %d rows on pages that may hold a rejected RDP connection; want at most two pages", g, both, perGroup)
		}
	}
}

// TestParquetWriter_ClusterEventName: a CloudTrail row group's rows are
// ordered by eventname (the table's one cluster column, whose rank takes
// 16 bits), also with more than 255 distinct names, as an account calling
// hundreds of APIs a day has; the rows are the rows written.
func TestParquetWriter_ClusterEventName(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema, err := projectSchema(CloudTrailSchema, []string{"eventtime", "eventname"})
	if err != nil {
		t.Fatal(err)
	}
	for _, names := range []int{7, 400} {
		t.Run(strconv.Itoa(names)+" names", func(t *testing.T) {
			const n = 20000
			b := array.NewRecordBuilder(mem, schema)
			var want []string
			for i := range n {
				name := fmt.Sprintf("Call%03d", i*7919%names)
				b.Field(0).(*array.StringBuilder).Append(time.Unix(1709632800+int64(i), 0).UTC().Format(time.RFC3339))
				b.Field(1).(*array.BinaryDictionaryBuilder).AppendString(name)
				want = append(want, name)
			}
			rec := b.NewRecordBatch()
			b.Release()
			data := writeParquet(t, "cloudtrail", []arrow.RecordBatch{rec}, n, true)
			rec.Release()
			r, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet", Pruning{}, WithAllocator(mem), WithColumns("eventname"))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for r.Next() {
				c := r.Batch().Column(0).(*array.Dictionary)
				values := c.Dictionary().(*array.String)
				for i := range c.Len() {
					got = append(got, values.Value(c.GetValueIndex(i)))
				}
			}
			r.Release()
			if r.Err() != nil {
				t.Fatal(r.Err())
			}
			for i := 1; i < len(got); i++ {
				if got[i] < got[i-1] {
					t.Fatalf("row %d: %q after %q: not clustered by eventname", i, got[i], got[i-1])
				}
			}
			if !slices.Equal(got, sortedRows(want)) {
				t.Fatalf("read back %d names; want the %d written", len(got), len(want))
			}
		})
	}
}
