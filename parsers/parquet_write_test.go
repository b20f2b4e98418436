package parsers

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
)

// ctJSONFiles are CloudTrail samples with every shape the table has:
// nested structs, resources lists, webidfederationdata maps, nulls.
func ctJSONFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"../testdata/cloudtrail/corpus/*/*.json", "../testdata/cloudtrail/forms/*.json"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no CloudTrail samples")
	}
	return files
}

// readCloudTrailJSON reads files with the JSON reader; the caller releases
// the batches.
func readCloudTrailJSON(t testing.TB, mem memory.Allocator, files []string, opts ...Option) []arrow.RecordBatch {
	t.Helper()
	var out []arrow.RecordBatch
	for _, fn := range files {
		f, err := os.Open(fn)
		if err != nil {
			t.Fatal(err)
		}
		r, err := NewCloudTrailReader(f, "x", append([]Option{WithAllocator(mem)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			b := r.Batch()
			b.Retain()
			out = append(out, b)
		}
		if r.Err() != nil {
			t.Fatalf("%s: %v", fn, r.Err())
		}
		r.Release()
		f.Close()
	}
	return out
}

// rowStrings renders every row of batches as JSON, for comparing.
func rowStrings(t testing.TB, batches []arrow.RecordBatch) []string {
	t.Helper()
	var out []string
	for _, b := range batches {
		for i := range int(b.NumRows()) {
			s := b.NewSlice(int64(i), int64(i+1))
			a := array.RecordToStructArray(s)
			j, err := a.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(j))
			a.Release()
			s.Release()
		}
	}
	return out
}

func releaseBatches(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}

// writeParquet writes batches, rows sorted by time when sorted, and
// returns the file.
func writeParquet(t testing.TB, table string, batches []arrow.RecordBatch, rowGroupRows int, sorted bool) []byte {
	t.Helper()
	var refs []RowRef
	for i, b := range batches {
		refs = AppendRowRefs(refs, i, b)
	}
	if sorted {
		SortRowRefs(refs)
	}
	return writeParquetTable(t, TableNamed(table), batches, refs, rowGroupRows)
}

// writeParquetTable writes the rows refs of batches as a Parquet file of
// table t (whose ParquetCluster orders each row group's rows).
func writeParquetTable(t testing.TB, table *Table, batches []arrow.RecordBatch, refs []RowRef, rowGroupRows int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewParquetWriter(&buf, table, rowGroupRows)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(batches, refs); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Rows() != int64(len(refs)) {
		t.Fatalf("Rows() = %d; want %d", w.Rows(), len(refs))
	}
	return buf.Bytes()
}

func TestParquetSchema_Success(t *testing.T) {
	for _, tc := range []struct {
		table string
		arrow *arrow.Schema
		want  []string // some leaves and their definition/repetition levels
	}{
		{"cloudtrail", CloudTrailSchema, []string{
			"eventname 1 0", "useridentity.sessioncontext.sessionissuer.arn 4 0",
			"resources.list.element.arn 4 1", "useridentity.sessioncontext.webidfederationdata.attributes.key_value.key 5 1",
			"useridentity.sessioncontext.webidfederationdata.attributes.key_value.value 6 1", "tlsdetails.ciphersuite 2 0",
		}},
		{"vpc_flow", VPCFlowSchema, []string{"version 1 0", "start 1 0", "reject_reason 1 0"}},
	} {
		t.Run(tc.table, func(t *testing.T) {
			s, err := ParquetSchema(tc.table)
			if err != nil {
				t.Fatal(err)
			}
			// Top-level columns in the table's order, without $path.
			var got, want []string
			for _, f := range s.Fields() {
				got = append(got, f.Name())
			}
			for _, f := range tc.arrow.Fields() {
				if f.Name != SourceColumn {
					want = append(want, f.Name)
				}
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("columns %v; want %v", got, want)
			}
			for _, w := range tc.want {
				f := strings.Fields(w)
				leaf, ok := s.Lookup(strings.Split(f[0], ".")...)
				if !ok {
					t.Fatalf("no leaf %s in\n%s", f[0], s)
				}
				if g := f[0] + " " + levelStr(leaf.MaxDefinitionLevel) + " " + levelStr(leaf.MaxRepetitionLevel); g != w {
					t.Errorf("got %q; want %q", g, w)
				}
			}
		})
	}
}

func levelStr(i int) string { return string(rune('0' + i)) }

func TestParquetSchema_Failure(t *testing.T) {
	if _, err := ParquetSchema("elb"); err == nil || !strings.Contains(err.Error(), `unknown table "elb"`) {
		t.Fatalf("got %v; want an unknown-table error", err)
	}
}

// TestParquetWriter_Results writes the CloudTrail samples and checks the
// file with parquet-go's own generic reader, independently of hunt's:
// row count, footer metadata, sorting, statistics and nested values.
func TestParquetWriter_Results(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	batches := readCloudTrailJSON(t, mem, ctJSONFiles(t))
	defer releaseBatches(batches)
	data := writeParquet(t, "cloudtrail", batches, 16, true)
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var rows int64
	for _, b := range batches {
		rows += b.NumRows()
	}
	if f.NumRows() != rows {
		t.Fatalf("NumRows %d; want %d", f.NumRows(), rows)
	}
	if n := len(f.RowGroups()); n != int((rows+15)/16) {
		t.Errorf("%d row groups; want %d", n, (rows+15)/16)
	}
	if v, _ := f.Lookup(ParquetTableKey); v != "cloudtrail" {
		t.Errorf("%s = %q; want cloudtrail", ParquetTableKey, v)
	}
	times, _ := f.Lookup(ParquetTimeKey)
	if parseRowGroupTimes(times, len(f.RowGroups())) == nil {
		t.Errorf("%s = %q: not one min:max per row group", ParquetTimeKey, times)
	}
	// Generic rows: eventtime ascending, nested values present.
	r := parquet.NewGenericReader[map[string]any](bytes.NewReader(data), f.Schema())
	defer r.Close()
	got := make([]map[string]any, rows)
	for i := range got {
		got[i] = map[string]any{}
	}
	n, _ := r.Read(got)
	if int64(n) != rows {
		t.Fatalf("generic reader read %d rows; want %d", n, rows)
	}
	// Row groups (of 16 rows) in time order: no row of a group a grain
	// (RowRefGrain) later than a row of the next; within a group, the
	// rows clustered by eventname (Table.ParquetCluster).
	const groupRows = 16
	type span struct{ lo, hi int64 }
	spans := make([]span, (n+groupRows-1)/groupRows)
	for g := range spans {
		spans[g] = span{math.MaxInt64, math.MinInt64}
	}
	prevName, arns, attrs, lists := "", 0, 0, 0
	for i, row := range got[:n] {
		g := i / groupRows
		if et, _ := row["eventtime"].(string); et != "" {
			grain := parseEventTime(et) >> rowRefGrainBits
			spans[g] = span{min(spans[g].lo, grain), max(spans[g].hi, grain)}
		}
		name, _ := row["eventname"].(string)
		if i%groupRows != 0 && name < prevName {
			t.Fatalf("row %d: eventname %q after %q in row group %d: not clustered", i, name, prevName, g)
		}
		prevName = name
		if u, ok := row["useridentity"].(map[string]any); ok && u["arn"] != nil {
			arns++
			if sc, ok := u["sessioncontext"].(map[string]any); ok {
				if w, ok := sc["webidfederationdata"].(map[string]any); ok && w["attributes"] != nil {
					attrs++
				}
			}
		}
		if l, ok := row["resources"].([]any); ok && len(l) > 0 {
			lists++
		}
	}
	for g := 1; g < len(spans); g++ {
		if spans[g].lo < spans[g-1].hi {
			t.Fatalf("row group %d starts at grain %d, before row group %d ends (%d): row groups not in time order", g, spans[g].lo, g-1, spans[g-1].hi)
		}
	}
	if arns == 0 || lists == 0 {
		t.Errorf("useridentity.arn in %d rows, resources in %d: want both > 0", arns, lists)
	}
	t.Logf("%d rows, %d with arn, %d with webidfederationdata attributes, %d with resources; %d bytes", n, arns, attrs, lists, len(data))
}

// TestParquetWriter_VPCFlow writes flow-log text rows and reads them back
// with the flow-log Parquet reader: the same rows.
func TestParquetWriter_VPCFlow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var batches []arrow.RecordBatch
	for _, fn := range []string{"../testdata/vpcflow/v5-all-fields.log", "../testdata/vpcflow/v8-ecs.log", "../testdata/vpcflow/nodata-skipdata.log", "../testdata/vpcflow/ipv6.log"} {
		f, err := os.Open(fn)
		if err != nil {
			t.Fatal(err)
		}
		batches = append(batches, readFlowBatchesFrom(t, mem, f)...)
		f.Close()
	}
	defer releaseBatches(batches)
	data := writeParquet(t, "vpc_flow", batches, 3, false)
	pr, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "x", Pruning{}, WithAllocator(mem), WithColumns(flowColumns()...))
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Release()
	var got []arrow.RecordBatch
	for pr.Next() {
		b := pr.Batch()
		b.Retain()
		got = append(got, b)
	}
	defer releaseBatches(got)
	if pr.Err() != nil {
		t.Fatal(pr.Err())
	}
	want, have := sortedRows(rowStrings(t, batches)), sortedRows(rowStrings(t, got))
	if len(want) == 0 || len(want) != len(have) {
		t.Fatalf("read %d rows; want %d", len(have), len(want))
	}
	for i := range want {
		if want[i] != have[i] {
			t.Fatalf("row %d:\ngot  %s\nwant %s", i, have[i], want[i])
		}
	}
	// Every ParquetBloom column of every row group has a bloom filter
	// (parquet.BloomFilters replaces the list it is given: one call per
	// column left only the last one).
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for g, rg := range pf.Metadata().RowGroups {
		for _, c := range rg.Columns {
			path := c.MetaData.PathInSchema
			// (a chunk of NULLs only has no values to filter)
			allNull := c.MetaData.Statistics.NullCount == c.MetaData.NumValues
			wantBloom := !allNull && slices.ContainsFunc(TableNamed("vpc_flow").ParquetBloom, func(p []string) bool { return slices.Equal(p, path) })
			if got := c.MetaData.BloomFilterOffset > 0; got != wantBloom {
				t.Errorf("row group %d, column %v: bloom filter %v; want %v", g, path, got, wantBloom)
			}
		}
	}
}

func flowColumns() []string {
	var cols []string
	for _, f := range VPCFlowSchema.Fields() {
		if f.Name != SourceColumn {
			cols = append(cols, f.Name)
		}
	}
	return cols
}

func TestAppendRowRefs(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	batches := readCloudTrailJSON(t, mem, []string{"../testdata/cloudtrail/forms/array.json"})
	defer releaseBatches(batches)
	refs := AppendRowRefs(nil, 0, batches[0])
	if len(refs) != int(batches[0].NumRows()) {
		t.Fatalf("%d refs; want %d", len(refs), batches[0].NumRows())
	}
	SortRowRefs(refs)
	for i := 1; i < len(refs); i++ {
		if rowRefKey(refs[i]) < rowRefKey(refs[i-1]) {
			t.Fatalf("refs not sorted at %d: %v", i, refs)
		}
	}
	if refs[0].Time == minTime {
		t.Errorf("eventtime not parsed: %v", refs[0])
	}
}

func BenchmarkParquetWriter(b *testing.B) {
	mem := memory.NewGoAllocator()
	batches := readCloudTrailJSON(b, mem, ctJSONFiles(b))
	defer releaseBatches(batches)
	var refs []RowRef
	var size int64
	for i, bt := range batches {
		refs = AppendRowRefs(refs, i, bt)
		size += int64(batchBytesForBench(bt))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		w, err := NewCloudTrailParquetWriter(&buf, 0)
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Write(batches, refs); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		parquetSink = buf.Len()
	}
}

var parquetSink int

func batchBytesForBench(b arrow.RecordBatch) int {
	n := 0
	for _, c := range b.Columns() {
		for _, buf := range c.Data().Buffers() {
			if buf != nil {
				n += buf.Len()
			}
		}
	}
	return n
}

// BenchmarkParquetWriter_VPCFlow writes 64 Ki default-format flow records
// (varied addresses, ports and times) as one file; MB/s is of Arrow
// buffers written.
func BenchmarkParquetWriter_VPCFlow(b *testing.B) {
	mem := memory.NewGoAllocator()
	var text []byte
	for i := range 64 << 10 {
		text = fmt.Appendf(text, "2 123456789012 eni-%08x 10.0.%d.%d 172.16.%d.%d %d %d 6 %d %d %d %d %s OK\n",
			i%37, i%251, i%13, (i*7)%251, i%97, 1024+i%50000, []int{22, 80, 443, 3389}[i%4], 1+i%20, 40+i*3%9000,
			1767225600+i/8, 1767225660+i/8, []string{"ACCEPT", "REJECT"}[i%5/4])
	}
	r, err := NewVPCFlowReader(bytes.NewReader(text), "x", WithAllocator(mem), WithColumns(flowColumns()...))
	if err != nil {
		b.Fatal(err)
	}
	defer r.Release()
	var batches []arrow.RecordBatch
	for r.Next() {
		bt := r.Batch()
		bt.Retain()
		batches = append(batches, bt)
	}
	if r.Err() != nil {
		b.Fatal(r.Err())
	}
	defer releaseBatches(batches)
	var refs []RowRef
	var size int64
	for i, bt := range batches {
		refs = AppendRowRefs(refs, i, bt)
		size += int64(batchBytesForBench(bt))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		w, err := NewVPCFlowParquetWriter(&buf, 0)
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Write(batches, refs); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		parquetSink = buf.Len()
	}
}

// TestParquetWriter_ForgetsBatches: after Write returns, the writer keeps
// nothing of the batches it was given reachable, so a converter that
// released them gets their memory back while the file stays open.
func TestParquetWriter_ForgetsBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	w, err := NewVPCFlowParquetWriter(io.Discard, 0)
	if err != nil {
		t.Fatal(err)
	}
	var collected, registered atomic.Int32
	{
		text := "2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 40 1767225600 1767225660 ACCEPT OK\n"
		r, err := NewVPCFlowReader(strings.NewReader(strings.Repeat(text, 100)), "x", WithAllocator(mem), WithColumns(flowColumns()...))
		if err != nil {
			t.Fatal(err)
		}
		if !r.Next() {
			t.Fatal(r.Err())
		}
		b := r.Batch()
		refs := AppendRowRefs(nil, 0, b)
		// A cleanup on each column's data buffer memory runs once
		// nothing references it.
		for _, c := range b.Columns() {
			for _, buf := range c.Data().Buffers() {
				if buf != nil && buf.Len() > 0 {
					runtime.AddCleanup(&buf.Bytes()[0], func(*atomic.Int32) { collected.Add(1) }, &collected)
					registered.Add(1)
				}
			}
		}
		if err := w.Write([]arrow.RecordBatch{b}, refs); err != nil {
			t.Fatal(err)
		}
		r.Release()
	}
	for i := 0; i < 50 && collected.Load() < registered.Load(); i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n, m := collected.Load(), registered.Load(); n < m {
		t.Errorf("%d of the %d buffers of the written batches were collected while the writer is open; want all", n, m)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSortRowRefs compares SortRowRefs with slices.SortStableFunc by
// grain of time on shapes of input a convert sees: sorted runs of varied
// length (objects, batches), reversed runs, random times with many in one
// grain, times out of order within one grain (kept in input order), and
// times before 1970 and unparseable (minTime).
func TestSortRowRefs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const g = RowRefGrain / 4 // four times to a grain
	for _, tc := range []struct {
		name string
		n    int
		gen  func(i int) int64
	}{
		{"empty", 0, nil},
		{"one", 1, func(int) int64 { return 5 }},
		{"sorted", 1000, func(i int) int64 { return int64(i/3) * g }},
		{"reversed", 1000, func(i int) int64 { return int64(-i) * g }},
		{"random duplicates", 5000, func(int) int64 { return rng.Int64N(50)*g + rng.Int64N(g) }},
		{"runs", 20000, func(i int) int64 { return (int64(i%777) + int64(i/777)%5*100) * g }},
		{"short runs", 3001, func(i int) int64 { return int64(i%7) * int64(i%3) * g }},
		{"within a grain", 1000, func(i int) int64 { return 5*RowRefGrain + RowRefGrain - 1 - int64(i) }},
		{"before 1970 and unparseable", 3000, func(i int) int64 {
			if i%10 == 0 {
				return minTime
			}
			return int64(1000-i) * g
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refs := make([]RowRef, tc.n)
			for i := range refs {
				refs[i] = RowRef{Batch: int32(i % 13), Row: int32(i), Time: tc.gen(i)}
			}
			want := slices.Clone(refs)
			slices.SortStableFunc(want, func(a, b RowRef) int { return cmp.Compare(rowRefKey(a), rowRefKey(b)) })
			SortRowRefs(refs)
			if !slices.Equal(refs, want) {
				for i := range refs {
					if refs[i] != want[i] {
						t.Fatalf("at %d: got %+v; want %+v", i, refs[i], want[i])
					}
				}
			}
		})
	}
}

// TestParquetWriter_FlatAndProjected writes, in one Write with rows
// alternating between them, batches of every flow-log column (written through
// writeFlat, the fast path for top-level columns of one kind) and batches
// of a projection (the columns they lack are null, through writeUnit's
// general path). Reading back gives each row its own values, nulls for
// the projected batches' missing columns.
func TestParquetWriter_FlatAndProjected(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 3000
	var full, part, want strings.Builder
	for i := range n {
		fmt.Fprintf(&full, "2 123456789012 eni-%04x 10.0.0.%d 172.16.0.%d %d 443 6 %d %d %d %d ACCEPT OK\n",
			i%97, i%251, i%13, 1024+i, 1+i%7, 40+i, 1767225600+2*i, 1767225660+2*i)
		fmt.Fprintf(&part, "2 123456789012 eni-%04x 10.1.0.%d 172.16.1.%d %d 22 6 %d %d %d %d REJECT OK\n",
			i%89, i%199, i%11, 2048+i, 2+i%5, 80+i, 1767225601+2*i, 1767225661+2*i)
		fmt.Fprintf(&want, "2 123456789012 eni-%04x 10.0.0.%d 172.16.0.%d %d 443 6 %d %d %d %d ACCEPT OK\n",
			i%97, i%251, i%13, 1024+i, 1+i%7, 40+i, 1767225600+2*i, 1767225660+2*i)
		fmt.Fprintf(&want, "2 - - 10.1.0.%d - - 22 - - %d %d %d REJECT -\n",
			i%199, 80+i, 1767225601+2*i, 1767225661+2*i)
	}
	batches := readFlowBatches(t, mem, full.String())
	batches = append(batches, readFlowBatches(t, mem, part.String(), "version", "srcaddr", "dstport", "bytes", "start", "end", "action")...)
	defer releaseBatches(batches)
	if len(batches) != 2 {
		t.Fatalf("%d batches; want 2", len(batches))
	}
	// Rows alternate between the batches.
	var refs []RowRef
	for i := range n {
		refs = append(refs, RowRef{Batch: 0, Row: int32(i)}, RowRef{Batch: 1, Row: int32(i)})
	}
	var buf bytes.Buffer
	w, err := NewVPCFlowParquetWriter(&buf, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(batches, refs); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := readFlowParquet(t, buf.Bytes(), WithColumns(flowColumns()...))
	exp := readFlowText(t, strings.NewReader(want.String()), WithColumns(flowColumns()...))
	if g, w := sortedRows(got.rows), sortedRows(exp.rows); got.err != nil || exp.err != nil || !slices.Equal(g, w) {
		t.Fatalf("read back %d rows (%v), want %d (%v); first differing: %v", len(got.rows), got.err, len(exp.rows), exp.err, firstDiff(g, w))
	}
}

// TestParquetWriter_UnnamedBatches: a converter passes every batch it
// holds, of other partitions and tables too. A batch no ref names gets no
// view: a CloudTrail batch among flow-log ones keeps no flow column off
// the fast path (writeFlat), and the rows written are the flow rows.
func TestParquetWriter_UnnamedBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	text := pagesFlowText(3000)
	flow := readFlowBatches(t, mem, text)
	defer releaseBatches(flow)
	ct := readCloudTrailJSON(t, mem, ctJSONFiles(t))
	defer releaseBatches(ct)
	batches := append([]arrow.RecordBatch{ct[0]}, flow...)
	var refs []RowRef
	for i, b := range flow {
		refs = AppendRowRefs(refs, i+1, b)
	}
	var buf bytes.Buffer
	w, err := NewVPCFlowParquetWriter(&buf, 1000)
	if err != nil {
		t.Fatal(err)
	}
	w.prepare(batches, refs)
	for u, un := range w.units {
		if k := w.flatKind(u); k == flatOther {
			t.Errorf("unit %s: off the fast path", un.node.name)
		}
	}
	w.forget()
	if err := w.Write(batches, refs); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := readFlowParquet(t, buf.Bytes(), WithColumns(flowColumns()...))
	want := readFlowText(t, strings.NewReader(text), WithColumns(flowColumns()...))
	if g, w := sortedRows(got.rows), sortedRows(want.rows); got.err != nil || !slices.Equal(g, w) {
		t.Fatalf("read back %d rows (%v), want %d; first differing: %v", len(got.rows), got.err, len(want.rows), firstDiff(g, w))
	}
}

// TestParquetWriter_FlowDictionaries: flow batches whose resource columns
// are dictionary-encoded (WithFlowDictionaries, as hunt convert reads
// them) are written to the same bytes as the same rows with those columns
// plain: the chunk dictionaries get the same ids in the same order, the
// pages the same bounds and ends, a chunk whose dictionary outgrows
// parquetDictBytes (an interface ID per row) falls back to PLAIN on the
// same row. So are batches of both kinds mixed in one Write (the
// per-row path), clustered or in time order, in row groups small and
// large.
func TestParquetWriter_FlowDictionaries(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var distinct bytes.Buffer
	distinct.WriteString(flowHeaderV2 + "\n")
	for i := range 20000 {
		fmt.Fprintf(&distinct, "2 %d eni-%017x 10.0.%d.%d 10.1.0.1 %d 443 6 1 40 %d %d %s OK\n",
			123456789012+i%3, i*7919, i%256, i/256, 1024+i, 1700000000+i/10, 1700000060+i/10, []string{"ACCEPT", "REJECT"}[i%2])
	}
	inputs := map[string][]byte{
		"v5":       vpcFlowBenchInput(true, 2<<20),
		"v2":       vpcFlowBenchInput(false, 1<<20),
		"distinct": distinct.Bytes(),
	}
	for name, in := range inputs {
		plain := readFlowBatchesWith(t, mem, bytes.NewReader(in), nil)
		dicts := readFlowBatchesWith(t, mem, bytes.NewReader(in), nil, WithFlowDictionaries())
		if len(plain) < 2 {
			t.Fatalf("%s: %d batches; want several", name, len(plain))
		}
		if _, ok := dicts[0].Column(dicts[0].Schema().FieldIndices("interface_id")[0]).(*array.Dictionary); !ok {
			t.Fatalf("%s: interface_id is %s; want a dictionary", name, dicts[0].Schema().Field(2).Type)
		}
		mixed := slices.Clone(plain)
		for i := 0; i < len(mixed); i += 2 {
			mixed[i] = dicts[i]
		}
		for _, rg := range []int{3000, 0} {
			for _, sorted := range []bool{false, true} {
				want := writeParquet(t, "vpc_flow", plain, rg, sorted)
				for kind, batches := range map[string][]arrow.RecordBatch{"dictionaries": dicts, "mixed": mixed} {
					if got := writeParquet(t, "vpc_flow", batches, rg, sorted); !bytes.Equal(got, want) {
						t.Errorf("%s, %s, row groups of %d rows, sorted %v: %d bytes differ from the %d of plain batches", name, kind, rg, sorted, len(got), len(want))
					}
				}
			}
		}
		releaseBatches(plain)
		releaseBatches(dicts)
	}
}

// benchFlowOptions are the options hunt convert reads flow logs with.
var benchFlowOptions = []Option{WithFlowDictionaries()}

// BenchmarkFlowToParquet reads 8 MiB of v2 or v5 flow-log text as hunt
// convert does (every column, benchFlowOptions) and writes its rows, in
// time order, as one clustered Parquet file; MB/s is of text.
func BenchmarkFlowToParquet(b *testing.B) {
	for _, v5 := range []bool{false, true} {
		b.Run(map[bool]string{false: "v2", true: "v5"}[v5], func(b *testing.B) {
			in := vpcFlowBenchInput(v5, 8<<20)
			mem := memory.NewGoAllocator()
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			var batches []arrow.RecordBatch
			var refs []RowRef
			for b.Loop() {
				r, err := NewVPCFlowReader(bytes.NewReader(in), "x", append([]Option{WithAllocator(mem), WithColumns(flowColumns()...)}, benchFlowOptions...)...)
				if err != nil {
					b.Fatal(err)
				}
				batches, refs = batches[:0], refs[:0]
				for r.Next() {
					bt := r.Batch()
					bt.Retain()
					refs = AppendRowRefs(refs, len(batches), bt)
					batches = append(batches, bt)
				}
				if r.Err() != nil {
					b.Fatal(r.Err())
				}
				r.Release()
				SortRowRefs(refs)
				w, err := NewVPCFlowParquetWriter(io.Discard, 0)
				if err != nil {
					b.Fatal(err)
				}
				if err := w.Write(batches, refs); err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				releaseBatches(batches)
			}
		})
	}
}

// TestTextColumn_Success: TextColumn.At returns what StringAt returns, on
// every row of strings and dictionaries with nulls and empty strings,
// sliced, and of columns that are absent or not text.
func TestTextColumn_Success(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	vals := []string{"a", "", "eu-west-1", "", "123456789012", "a", "x", "", "y"}
	valid := []bool{true, true, true, false, true, true, false, true, true}
	sb := array.NewStringBuilder(mem)
	defer sb.Release()
	sb.AppendValues(vals, valid)
	strs := sb.NewArray()
	defer strs.Release()
	db := array.NewDictionaryBuilder(mem, dictString).(*array.BinaryDictionaryBuilder)
	defer db.Release()
	for i, v := range vals {
		if !valid[i] {
			db.AppendNull()
		} else if err := db.AppendString(v); err != nil {
			t.Fatal(err)
		}
	}
	dicts := db.NewArray()
	defer dicts.Release()
	ib := array.NewInt64Builder(mem)
	defer ib.Release()
	ib.AppendValues([]int64{1, 2, 3, 4, 5, 6, 7, 8, 9}, nil)
	ints := ib.NewArray()
	defer ints.Release()
	cases := map[string]arrow.Array{"strings": strs, "dictionary": dicts, "int64": ints}
	for name, a := range map[string]arrow.Array{"strings": strs, "dictionary": dicts} {
		s := array.NewSlice(a, 2, 8)
		defer s.Release()
		cases[name+" sliced"] = s
	}
	for name, a := range cases {
		tc := NewTextColumn(a)
		for i := range a.Len() {
			if got, want := tc.At(i), StringAt(a, i); got != want {
				t.Errorf("%s row %d: %q; want %q", name, i, got, want)
			}
		}
	}
	tc := NewTextColumn(nil)
	if got := tc.At(3); got != "" {
		t.Errorf("absent column: %q; want \"\"", got)
	}
}

// BenchmarkTextColumn reads every row of an 8192-row account_id column,
// plain and dictionary-encoded (as convert routes flow rows by it), through
// a TextColumn; MB/s is of the values read.
func BenchmarkTextColumn(b *testing.B) {
	mem := memory.NewGoAllocator()
	vals := make([]string, 8192)
	for i := range vals {
		vals[i] = fmt.Sprintf("%012d", 123456789012+i%3)
	}
	sb := array.NewStringBuilder(mem)
	defer sb.Release()
	sb.AppendValues(vals, nil)
	strs := sb.NewArray()
	defer strs.Release()
	db := array.NewDictionaryBuilder(mem, dictString).(*array.BinaryDictionaryBuilder)
	defer db.Release()
	for _, v := range vals {
		if err := db.AppendString(v); err != nil {
			b.Fatal(err)
		}
	}
	dicts := db.NewArray()
	defer dicts.Release()
	for name, a := range map[string]arrow.Array{"string": strs, "dictionary": dicts} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(12 * len(vals)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				tc := NewTextColumn(a)
				for i := range len(vals) {
					n += len(tc.At(i))
				}
			}
			parquetSink = n
		})
	}
}

// TestParquetWriter_Recycled: a writer that takes the buffers of closed
// ones (of the same table or the other, bigger or smaller) writes the
// same bytes as the first writer, which had none.
func TestParquetWriter_Recycled(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ct := readCloudTrailJSON(t, mem, ctJSONFiles(t))
	defer releaseBatches(ct)
	flow := readFlowBatchesFrom(t, mem, bytes.NewReader(vpcFlowBenchInput(true, 1<<20)))
	defer releaseBatches(flow)
	small := readFlowBatchesFrom(t, mem, strings.NewReader(flowLineV2+"\n"))
	defer releaseBatches(small)
	want := map[string][]byte{}
	for i, w := range []struct {
		name, table string
		batches     []arrow.RecordBatch
	}{
		{"cloudtrail", "cloudtrail", ct}, {"flow", "vpc_flow", flow}, {"small", "vpc_flow", small},
		{"flow", "vpc_flow", flow}, {"cloudtrail", "cloudtrail", ct}, {"small", "vpc_flow", small},
		{"cloudtrail", "cloudtrail", ct}, {"flow", "vpc_flow", flow}, {"flow", "vpc_flow", flow},
	} {
		got := writeParquet(t, w.table, w.batches, 3000, true)
		if sp, _ := pqSpares.Get().(*pqSpare); sp == nil && !raceEnabled {
			// (a collection may empty the pool, but not between two calls)
			t.Fatalf("write %d (%s): no spare buffers after Close", i, w.name)
		} else if sp != nil {
			pqSpares.Put(sp)
		}
		if prev, ok := want[w.name]; !ok {
			want[w.name] = got
		} else if !bytes.Equal(got, prev) {
			t.Errorf("write %d (%s, recycled buffers): %d bytes differ from the %d of the first", i, w.name, len(got), len(prev))
		}
	}
}
