package parsers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// readCloudTrailParquet reads data with the Parquet reader; the caller
// releases the batches.
func readCloudTrailParquet(t testing.TB, mem memory.Allocator, data []byte, prune Pruning, opts ...Option) ([]arrow.RecordBatch, *CloudTrailParquetReader) {
	t.Helper()
	r, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "x", prune, append([]Option{WithAllocator(mem)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	var out []arrow.RecordBatch
	for r.Next() {
		b := r.Batch()
		b.Retain()
		out = append(out, b)
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	r.Release()
	return out, r
}

// TestCloudTrailParquet_Success: JSON → Parquet → batches gives the JSON
// reader's rows, whole and projected, in any row-group size.
func TestCloudTrailParquet_Success(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	files := ctJSONFiles(t)
	for _, tc := range []struct {
		name     string
		cols     []string
		rowGroup int
	}{
		{"all columns", nil, 0},
		{"all columns, row groups of 7", nil, 7},
		{"projection", []string{"eventtime", "eventname", "useridentity.arn", "useridentity.sessioncontext.sessionissuer.arn", SourceColumn}, 5},
		{"nested list and map", []string{"resources.arn", "resources.type", "useridentity.sessioncontext.webidfederationdata", "tlsdetails"}, 3},
		{"list whole", []string{"resources", "errorcode"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []Option
			if tc.cols != nil {
				opts = append(opts, WithColumns(tc.cols...))
			}
			full := readCloudTrailJSON(t, mem, files, WithColumns(tableColumnsOf(CloudTrailSchema)...))
			defer releaseBatches(full)
			data := writeParquet(t, "cloudtrail", full, tc.rowGroup, false)
			want := readCloudTrailJSON(t, mem, files, opts...)
			defer releaseBatches(want)
			got, r := readCloudTrailParquet(t, mem, data, Pruning{}, opts...)
			defer releaseBatches(got)
			if len(got) > 0 && !got[0].Schema().Equal(want[0].Schema()) {
				t.Fatalf("schema\n%s\nwant\n%s", got[0].Schema(), want[0].Schema())
			}
			// hunt convert clusters a row group's rows by eventname
			// (Table.ParquetCluster): the same rows, in another order.
			w, g := sortedRows(rowStrings(t, want)), sortedRows(rowStrings(t, got))
			if len(w) != len(g) {
				t.Fatalf("%d rows; want %d", len(g), len(w))
			}
			for i := range w {
				if w[i] != g[i] {
					t.Fatalf("row %d:\ngot  %s\nwant %s", i, g[i], w[i])
				}
			}
			if st := r.Stats(); st.Records != int64(len(w)) || st.Bytes <= 0 || st.Bytes > int64(len(data)) {
				t.Errorf("Stats %+v; want %d records and 0 < Bytes <= %d", st, len(w), len(data))
			}
		})
	}
}

func tableColumnsOf(s *arrow.Schema) []string {
	var cols []string
	for _, f := range s.Fields() {
		if f.Name != SourceColumn {
			cols = append(cols, f.Name)
		}
	}
	return cols
}

// TestCloudTrailParquet_Projection: a projection reads only its column
// chunks.
func TestCloudTrailParquet_Projection(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	full := readCloudTrailJSON(t, mem, ctJSONFiles(t), WithColumns(tableColumnsOf(CloudTrailSchema)...))
	defer releaseBatches(full)
	data := writeParquet(t, "cloudtrail", full, 0, true)
	all, rAll := readCloudTrailParquet(t, mem, data, Pruning{})
	releaseBatches(all)
	some, rSome := readCloudTrailParquet(t, mem, data, Pruning{}, WithColumns("eventname"))
	releaseBatches(some)
	a, s := rAll.Stats().Bytes, rSome.Stats().Bytes
	if s*5 > a {
		t.Errorf("eventname alone read %d bytes, every column %d: want < 1/5", s, a)
	}
}

// TestCloudTrailParquet_Pruning: row groups outside the time range or
// without the equal values are skipped, and no matching row is lost.
func TestCloudTrailParquet_Pruning(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	full := readCloudTrailJSON(t, mem, ctJSONFiles(t), WithColumns(tableColumnsOf(CloudTrailSchema)...))
	defer releaseBatches(full)
	data := writeParquet(t, "cloudtrail", full, 4, true)
	// Every row's eventtime and eventname, for the expected answers.
	type row struct {
		t    int64
		name string
	}
	var rows []row
	for _, b := range full {
		et, en := b.Column(b.Schema().FieldIndices("eventtime")[0]), b.Column(b.Schema().FieldIndices("eventname")[0])
		for i := range int(b.NumRows()) {
			rows = append(rows, row{parseEventTime(StringAt(et, i)), StringAt(en, i)})
		}
	}
	slices.SortFunc(rows, func(a, b row) int { return int(a.t/1e6 - b.t/1e6) })
	mid := time.UnixMicro(rows[len(rows)/2].t).UTC()
	rare := rows[len(rows)/3].name
	for _, tc := range []struct {
		name  string
		prune Pruning
		match func(row) bool
	}{
		{"since", Pruning{Since: mid}, func(r row) bool { return r.t >= mid.UnixMicro() }},
		{"until", Pruning{Until: mid}, func(r row) bool { return r.t <= mid.UnixMicro() }},
		{"window", Pruning{Since: mid.Add(-time.Hour), Until: mid.Add(time.Hour)}, func(r row) bool {
			return r.t >= mid.Add(-time.Hour).UnixMicro() && r.t <= mid.Add(time.Hour).UnixMicro()
		}},
		{"equal", Pruning{Equal: map[string][]string{"eventname": {rare}}}, func(r row) bool { return r.name == rare }},
		{"equal, absent value", Pruning{Equal: map[string][]string{"eventname": {"NoSuchEvent"}}}, func(r row) bool { return false }},
		{"unknown column prunes nothing", Pruning{Equal: map[string][]string{"nosuch": {"x"}, "resources.arn": {"x"}}}, func(r row) bool { return true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, r := readCloudTrailParquet(t, mem, data, tc.prune, WithColumns("eventtime", "eventname"))
			defer releaseBatches(got)
			have := map[row]int{}
			for _, b := range got {
				for i := range int(b.NumRows()) {
					have[row{parseEventTime(StringAt(b.Column(0), i)), StringAt(b.Column(1), i)}]++
				}
			}
			want := 0
			for _, rw := range rows {
				if tc.match(rw) {
					want++
					if have[rw] == 0 {
						t.Fatalf("matching row %v (%s) was pruned", rw, time.UnixMicro(rw.t).UTC())
					}
					have[rw]--
				}
			}
			total, skipped := r.RowGroups()
			if want < len(rows) && skipped == 0 {
				t.Errorf("%d of %d rows match and no row group of %d was skipped", want, len(rows), total)
			}
			if want == len(rows) && skipped != 0 {
				t.Errorf("every row matches but %d row groups were skipped", skipped)
			}
			t.Logf("%d of %d rows match; %d of %d row groups skipped", want, len(rows), skipped, total)
		})
	}
}

func TestCloudTrailParquet_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	full := readCloudTrailJSON(t, mem, []string{"../testdata/cloudtrail/forms/array.json"}, WithColumns(tableColumnsOf(CloudTrailSchema)...))
	defer releaseBatches(full)
	good := writeParquet(t, "cloudtrail", full, 2, true)
	f := func(name string, data []byte, cols []string, want error, wantMsg string) {
		t.Helper()
		t.Run(name, func(t *testing.T) {
			var opts []Option
			if cols != nil {
				opts = append(opts, WithColumns(cols...))
			}
			r, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet", Pruning{}, append(opts, WithAllocator(mem))...)
			if err == nil {
				for r.Next() {
				}
				err = r.Err()
				r.Release()
			}
			if err == nil || (want != nil && !errors.Is(err, want)) || !strings.Contains(err.Error(), wantMsg) {
				t.Fatalf("got %v; want %v containing %q", err, want, wantMsg)
			}
			var pe *ParseError
			if want != nil && (!errors.As(err, &pe) || pe.Source != "f.parquet") {
				t.Fatalf("got %T %v; want a *ParseError naming f.parquet", err, err)
			}
		})
	}
	f("not parquet", []byte(`{"Records":[]}`), nil, ErrFormat, "expected a Parquet file")
	f("unknown column", good, []string{"nosuch"}, nil, `unknown column "nosuch"`)
	// Truncate inside the last column chunks but keep the footer readable:
	// zero the middle of the file.
	bad := slices.Clone(good)
	for i := 4; i < len(bad)/2; i++ {
		bad[i] = 0
	}
	f("damaged chunks", bad, []string{"eventname", "requestparameters"}, nil, "f.parquet")
}

// TestCloudTrailParquet_FlowFile: an AWS flow-log file is not a cloudtrail
// file by metadata when hunt wrote it.
func TestCloudTrailParquet_FlowFile(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := flowBatch(t, mem)
	defer b.Release()
	data := writeParquet(t, "vpc_flow", []arrow.RecordBatch{b}, 0, false)
	_, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet", Pruning{})
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), `expected "cloudtrail", found "vpc_flow"`) {
		t.Fatalf("got %v; want ErrFormat naming the table", err)
	}
	if got := ParquetTable(bytes.NewReader(data), int64(len(data))); got != VPCFlow {
		t.Errorf("ParquetTable = %v; want vpc_flow", got)
	}
	// AWS's flow-log Parquet has no hunt metadata and no CloudTrail
	// columns: its flow-log columns say what it is.
	aws, err := os.ReadFile("../testdata/vpcflow/v5-all-fields.parquet")
	if err != nil {
		t.Fatal(err)
	}
	if got := ParquetTable(bytes.NewReader(aws), int64(len(aws))); got != VPCFlow {
		t.Errorf("ParquetTable(AWS flow log) = %v; want vpc_flow", got)
	}
	// A Parquet file of no table's columns is of no table: routing fails
	// closed.
	other := writeOtherParquet(t)
	if got := ParquetTable(bytes.NewReader(other), int64(len(other))); got != nil {
		t.Errorf("ParquetTable(unrelated columns) = %v; want nil", got.Name)
	}
}

func flowBatch(t *testing.T, mem memory.Allocator) arrow.RecordBatch {
	t.Helper()
	f, err := os.Open("../testdata/vpcflow/v5-all-fields.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewVPCFlowReader(f, "x", WithAllocator(mem), WithColumns(flowColumns()...))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if !r.Next() {
		t.Fatal(r.Err())
	}
	b := r.Batch()
	b.Retain()
	return b
}

func BenchmarkCloudTrailParquetReader(b *testing.B) {
	mem := memory.NewGoAllocator()
	var batches []arrow.RecordBatch
	for range 20 {
		batches = append(batches, readCloudTrailJSON(b, mem, ctJSONFiles(b), WithColumns(tableColumnsOf(CloudTrailSchema)...))...)
	}
	defer releaseBatches(batches)
	data := writeParquet(b, "cloudtrail", batches, 0, true)
	for _, bc := range []struct {
		name string
		cols []string
	}{
		{"eventname", []string{"eventname"}},
		{"hunt", []string{"eventtime", "eventname", "sourceipaddress", "useridentity.arn"}},
		{"all", nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var opts []Option
			if bc.cols != nil {
				opts = append(opts, WithColumns(bc.cols...))
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				r, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "x", Pruning{}, opts...)
				if err != nil {
					b.Fatal(err)
				}
				for r.Next() {
					parquetSink += int(r.Batch().NumRows())
				}
				if r.Err() != nil {
					b.Fatal(r.Err())
				}
				r.Release()
			}
		})
	}
}

// FuzzCloudTrailParquet: damaged files never panic or hang; every error
// names the source, and the allocator ends at zero.
func FuzzCloudTrailParquet(f *testing.F) {
	mem := memory.NewGoAllocator()
	full := readCloudTrailJSON(f, mem, []string{"../testdata/cloudtrail/forms/array.json"}, WithColumns(tableColumnsOf(CloudTrailSchema)...))
	f.Add(writeParquet(f, "cloudtrail", full, 2, true))
	releaseBatches(full)
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		r, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet", Pruning{Equal: map[string][]string{"eventname": {"ConsoleLogin"}}},
			WithAllocator(mem), WithColumns("eventtime", "eventname", "useridentity.arn", "resources", "useridentity.sessioncontext.webidfederationdata"))
		if err != nil {
			if !strings.Contains(err.Error(), "f.parquet") {
				t.Fatalf("error without the source: %v", err)
			}
			return
		}
		defer r.Release()
		for r.Next() {
		}
		if err := r.Err(); err != nil && !strings.Contains(err.Error(), "f.parquet") {
			t.Fatalf("error without the source: %v", err)
		}
	})
}

// TestCloudTrailParquet_Allocs: reading allocates per batch (the batch's
// buffers), never per row.
func TestCloudTrailParquet_Allocs(t *testing.T) {
	skipAllocsUnderRace(t)
	mem := memory.NewGoAllocator()
	var batches []arrow.RecordBatch
	for range 30 {
		batches = append(batches, readCloudTrailJSON(t, mem, ctJSONFiles(t), WithColumns(tableColumnsOf(CloudTrailSchema)...))...)
	}
	data := writeParquet(t, "cloudtrail", batches, 0, true)
	rows := 0
	for _, b := range batches {
		rows += int(b.NumRows())
	}
	releaseBatches(batches)
	allocs := testing.AllocsPerRun(3, func() {
		r, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "x", Pruning{},
			WithColumns("eventtime", "eventname", "sourceipaddress", "useridentity.arn", "resources.arn"))
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
		}
		r.Release()
	})
	// What allocates: the footer, each page read (parquet-go) and each
	// batch's Arrow buffers, a few hundred per 4096-row batch of five
	// columns; a per-row allocation would be thousands.
	if perBatch := allocs / float64((rows+BatchRows-1)/BatchRows); perBatch > 500 {
		t.Errorf("%.0f allocations for %d rows (%.0f per batch of %d); want a few hundred per batch", allocs, rows, perBatch, BatchRows)
	}
}

func ExampleNewCloudTrailParquetReader() {
	// Convert a CloudTrail delivery object to Parquet...
	f, _ := os.Open("../testdata/cloudtrail/forms/records-pretty.json")
	defer f.Close()
	jr, _ := NewCloudTrailReader(f, "records-pretty.json", WithColumns(tableColumnsOf(CloudTrailSchema)...))
	defer jr.Release()
	var batches []arrow.RecordBatch
	var refs []RowRef
	for jr.Next() {
		b := jr.Batch()
		b.Retain()
		defer b.Release()
		refs = AppendRowRefs(refs, len(batches), b)
		batches = append(batches, b)
	}
	SortRowRefs(refs)
	var buf bytes.Buffer
	w, _ := NewCloudTrailParquetWriter(&buf, 0)
	w.Write(batches, refs)
	w.Close()

	// ...and read two columns back, skipping row groups without CreateAccessKey
	// and leaving out the rows of other events.
	r, _ := NewCloudTrailParquetReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "trail.parquet",
		Pruning{Equal: map[string][]string{"eventname": {"CreateAccessKey"}}}, WithColumns("eventname", "eventtime"))
	defer r.Release()
	for r.Next() {
		b := r.Batch()
		for i := range int(b.NumRows()) {
			fmt.Println(StringAt(b.Column(0), i), StringAt(b.Column(1), i))
		}
	}
	total, skipped := r.RowGroups()
	fmt.Println(total, "row group,", skipped, "skipped")
	// Output:
	// 2024-03-05T15:30:00Z CreateAccessKey
	// 1 row group, 0 skipped
}

// ctParquetRow is a minimal cloudtrail Parquet row, as another writer than
// hunt convert could make it.
type ctParquetRow struct {
	EventTime *string `parquet:"eventtime,optional"`
	EventName *string `parquet:"eventname,optional"`
}

// TestCloudTrailParquet_EventTime_Failure: as in JSON, a row whose
// eventtime is null or not a real RFC 3339 instant is rejected, whether
// eventtime is projected or not, and rows after a batch of only rejected
// ones are still read.
func TestCloudTrailParquet_EventTime_Failure(t *testing.T) {
	str := func(s string) *string { return &s }
	good := str("2024-03-05T10:00:00Z")
	rows := []ctParquetRow{{good, str("A")}, {nil, str("B")}, {str("2024-02-30T00:00:00Z"), str("C")}, {good, str("D")}}
	for range BatchRows + 10 {
		rows = append(rows, ctParquetRow{str("2024-13-01T00:00:00Z"), str("X")})
	}
	rows = append(rows, ctParquetRow{good, str("E")})
	data := writeGenericParquet(t, rows)
	for _, cols := range [][]string{{"eventname"}, {"eventtime", "eventname"}, {}} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		r, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet", Pruning{}, WithAllocator(mem), WithColumns(cols...))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for r.Next() {
			b := r.Batch()
			for i := range int(b.NumRows()) {
				if len(cols) > 0 {
					got = append(got, StringAt(b.Column(len(cols)-1), i))
				} else {
					got = append(got, "?")
				}
			}
		}
		want := "A D E"
		if len(cols) == 0 {
			want = "? ? ?"
		}
		st := r.Stats()
		if r.Err() != nil || strings.Join(got, " ") != want || st.Records != 3 || st.Rejected != int64(BatchRows+12) {
			t.Errorf("columns %q: %d rows (%q...), stats %+v, err %v; want %s and %d rejected", cols, len(got), got[:min(len(got), 5)], st, r.Err(), want, BatchRows+12)
		}
		errs := r.Rejects().Errs
		if len(errs) < 3 ||
			!regexpMatch(`^f\.parquet: offset \d+ \(row group 0 row 1 \(eventtime\)\): expected RFC 3339 time, found null$`, errs[0].Error()) ||
			!regexpMatch(`^f\.parquet: offset \d+ \(row group 0 row 2 \(eventtime\)\): expected RFC 3339 time, found "2024-02-30T00:00:00Z"$`, errs[1].Error()) ||
			!errors.Is(errs[0], ErrType) {
			t.Errorf("columns %q: rejects %v", cols, errs)
		}
		r.Release()
		mem.AssertSize(t, 0)
	}

	// Strict: the first bad row is the error.
	r, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet", Pruning{}, WithColumns("eventname"), WithStrict(true))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	for r.Next() {
	}
	if !errors.Is(r.Err(), ErrType) || !strings.Contains(r.Err().Error(), "row group 0 row 1 (eventtime)") {
		t.Errorf("strict: Err() = %v; want row 1's error", r.Err())
	}
}

// TestCloudTrailParquet_Columns_Failure: a file without the table's
// columns, without eventtime, or whose projected column has another nesting
// or type than the table's is refused by name instead of read as nulls.
func TestCloudTrailParquet_Columns_Failure(t *testing.T) {
	s := "2024-03-05T10:00:00Z"
	type other struct {
		Foo *string `parquet:"foo,optional"`
	}
	type noTime struct {
		EventName *string `parquet:"eventname,optional"`
	}
	type flatIdentity struct {
		EventTime    *string `parquet:"eventtime,optional"`
		UserIdentity *string `parquet:"useridentity,optional"`
	}
	type groupName struct {
		EventTime *string `parquet:"eventtime,optional"`
		EventName struct {
			X *string `parquet:"x,optional"`
		} `parquet:"eventname"`
	}
	type intName struct {
		EventTime *string `parquet:"eventtime,optional"`
		EventName *int64  `parquet:"eventname,optional"`
	}
	type otherList struct {
		EventTime *string `parquet:"eventtime,optional"`
		Resources []struct {
			ARN *string `parquet:"arn,optional"`
		} `parquet:"resources"`
	}
	tests := []struct {
		name string
		data []byte
		cols []string
		path string
		want string
	}{
		{"no table column", writeGenericParquet(t, []other{{&s}}), []string{"eventname"}, "",
			`expected a cloudtrail Parquet file (at least one cloudtrail column), found columns "foo"`},
		{"no eventtime", writeGenericParquet(t, []noTime{{&s}}), []string{"eventname"}, "eventtime",
			`expected a string column eventtime (every record has one), found no such column`},
		{"flat where a struct is", writeGenericParquet(t, []flatIdentity{{&s, &s}}), []string{"useridentity.arn"}, "useridentity",
			`expected a group (struct), found a BYTE_ARRAY column`},
		{"group where a string is", writeGenericParquet(t, []groupName{{EventTime: &s}}), []string{"eventname"}, "eventname",
			`expected a string column, found a group`},
		{"integer where a string is", writeGenericParquet(t, []intName{{EventTime: &s}}), []string{"eventname"}, "eventname",
			`expected a string column at definition level 1, repetition level 0, found INT64 (INT(64,true)) at definition level 1, repetition level 0`},
		{"list of another layout", writeGenericParquet(t, []otherList{{EventTime: &s}}), []string{"resources.arn"}, "resources",
			`expected a group with child "list", found a group with children "arn"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			err := readParquetAny(t, mem, "cloudtrail", tt.data, tt.cols...)
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrFormat) || pe.Source != "f.parquet" || pe.Path != tt.path || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v; want a ParseError wrapping ErrFormat at %q containing %q", err, tt.path, tt.want)
			}
		})
	}
}

// TestCloudTrailParquet_Filter: an equality of the pruning on a projected
// top-level column leaves out the rows whose value is none of its values
// (late materialisation); the rows kept are the JSON reader's, nested
// columns included, in any row-group size, and the rows left out are
// counted as read.
func TestCloudTrailParquet_Filter(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	files := ctJSONFiles(t)
	full := readCloudTrailJSON(t, mem, files, WithColumns(tableColumnsOf(CloudTrailSchema)...))
	defer releaseBatches(full)
	cols := []string{"eventtime", "eventname", "sourceipaddress", "useridentity.arn", "resources", "useridentity.sessioncontext.webidfederationdata", "awsregion"}
	want := readCloudTrailJSON(t, mem, files, WithColumns(cols...))
	defer releaseBatches(want)
	names := map[string]int{}
	for _, b := range want {
		for i := range int(b.NumRows()) {
			names[StringAt(b.Column(b.Schema().FieldIndices("eventname")[0]), i)]++
		}
	}
	var common, rare string
	for n, c := range names {
		if common == "" || c > names[common] || c == names[common] && n < common {
			common = n
		}
		if rare == "" || c < names[rare] || c == names[rare] && n < rare {
			rare = n
		}
	}
	for _, tc := range []struct {
		name  string
		equal map[string][]string
	}{
		{"one value", map[string][]string{"eventname": {common}}},
		{"two values", map[string][]string{"eventname": {rare, common}}},
		{"two columns", map[string][]string{"eventname": {rare, common}, "awsregion": {"us-east-1", "eu-west-1"}}},
		{"no value", map[string][]string{"eventname": {"NoSuchEvent"}}},
	} {
		for _, rg := range []int{0, 3} {
			t.Run(fmt.Sprintf("%s, row groups of %d", tc.name, rg), func(t *testing.T) {
				data := writeParquet(t, "cloudtrail", full, rg, false)
				got, r := readCloudTrailParquet(t, mem, data, Pruning{Equal: tc.equal}, WithColumns(cols...))
				defer releaseBatches(got)
				var w []string
				all := rowStrings(t, want)
				k := 0
				for _, b := range want {
					for i := range int(b.NumRows()) {
						ok := true
						for col, vals := range tc.equal {
							if !strings.Contains(col, ".") {
								c := b.Column(b.Schema().FieldIndices(col)[0])
								ok = ok && c.IsValid(i) && slices.Contains(vals, StringAt(c, i))
							}
						}
						if ok {
							w = append(w, all[k])
						}
						k++
					}
				}
				// Rows in cluster order (eventname), so compared sorted.
				w, g := sortedRows(w), sortedRows(rowStrings(t, got))
				if strings.Join(g, "\n") != strings.Join(w, "\n") {
					t.Fatalf("%d rows; want %d:\ngot  %.300s\nwant %.300s", len(g), len(w), strings.Join(g, "\n"), strings.Join(w, "\n"))
				}
				total, skipped := r.RowGroups()
				t.Logf("%d of %d rows kept", len(w), len(all))
				if st := r.Stats(); skipped == 0 && st.Records != int64(len(all)) || st.Records < int64(len(w)) || st.Rejected != 0 {
					t.Errorf("Stats %+v, %d of %d row groups skipped; want the %d rows of the groups read", st, skipped, total, len(all))
				}
			})
		}
	}
}

// ctDictRow is a cloudtrail Parquet row whose columns are
// dictionary-encoded, as hunt convert writes them.
type ctDictRow struct {
	EventTime *string `parquet:"eventtime,optional,dict"`
	EventName *string `parquet:"eventname,optional,dict"`
}

// TestCloudTrailParquet_DictEventTime_Failure: a dictionary value of
// eventtime that is not an RFC 3339 instant rejects every row using it,
// each with its own position, whether eventtime is projected or not; the
// rows around them are read.
func TestCloudTrailParquet_DictEventTime_Failure(t *testing.T) {
	str := func(s string) *string { return &s }
	good, bad := str("2024-03-05T10:00:00Z"), str("2024-03-05T25:00:00Z")
	var rows []ctDictRow
	for i := range 2*BatchRows + 5 {
		switch {
		case i%1000 == 7:
			rows = append(rows, ctDictRow{bad, str("B")})
		case i%1000 == 8:
			rows = append(rows, ctDictRow{nil, str("N")})
		default:
			rows = append(rows, ctDictRow{good, str("A")})
		}
	}
	data := writeGenericParquet(t, rows)
	for _, cols := range [][]string{{"eventname"}, {"eventtime", "eventname"}} {
		for _, prune := range []Pruning{{}, {Equal: map[string][]string{"eventname": {"A", "B", "N"}}}} {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			r, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet", prune, WithAllocator(mem), WithColumns(cols...))
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]int{}
			for r.Next() {
				b := r.Batch()
				for i := range int(b.NumRows()) {
					names[StringAt(b.Column(len(cols)-1), i)]++
				}
			}
			nbad := 0
			for i := range rows {
				if i%1000 == 7 || i%1000 == 8 {
					nbad++
				}
			}
			st := r.Stats()
			if r.Err() != nil || len(names) != 1 || names["A"] != len(rows)-nbad || st.Records != int64(len(rows)-nbad) || st.Rejected != int64(nbad) {
				t.Errorf("columns %q, pruning %v: names %v, stats %+v, err %v; want %d A and %d rejected", cols, prune.Equal, names, st, r.Err(), len(rows)-nbad, nbad)
			}
			errs := r.Rejects().Errs
			if len(errs) != nbad ||
				!regexpMatch(`^f\.parquet: offset \d+ \(row group 0 row 7 \(eventtime\)\): expected RFC 3339 time, found "2024-03-05T25:00:00Z"$`, errs[0].Error()) ||
				!regexpMatch(`^f\.parquet: offset \d+ \(row group 0 row 8 \(eventtime\)\): expected RFC 3339 time, found null$`, errs[1].Error()) ||
				!regexpMatch(`\(row group 0 row 8008 \(eventtime\)\)`, errs[len(errs)-1].Error()) {
				t.Errorf("columns %q: %d rejects %v", cols, len(errs), errs)
			}
			r.Release()
			mem.AssertSize(t, 0)
		}
	}
}

// ctPagedRow is a cloudtrail Parquet row with a large text column, written
// in small pages with an offset index, as hunt convert writes
// responseelements.
type ctPagedRow struct {
	EventTime        *string `parquet:"eventtime,optional,dict"`
	EventName        *string `parquet:"eventname,optional,dict"`
	ResponseElements *string `parquet:"responseelements,optional"`
}

// TestCloudTrailParquet_FilterSkipsPages: with a filter, the pages of a
// column read after it that hold no kept row are not read (the chunk's
// offset index says where the others start), and the rows are those of a
// read without skipping; an offset index that does not match the pages
// (damaged) is not used, and the rows are the same.
func TestCloudTrailParquet_FilterSkipsPages(t *testing.T) {
	str := func(s string) *string { return &s }
	var rows []ctPagedRow
	for i := range 3*BatchRows + 100 {
		name := "A"
		if i >= 5000 && i < 5010 || i == 11111 {
			name = "ConsoleLogin"
		}
		rows = append(rows, ctPagedRow{str("2024-03-05T10:00:00Z"), str(name),
			str(fmt.Sprintf(`{"row":%d,"pad":"%0200d"}`, i, i*7919))})
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[ctPagedRow](&buf, parquet.PageBufferSize(16<<10))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	var want []string
	for i, r := range rows {
		if *r.EventName == "ConsoleLogin" {
			want = append(want, strconv.Itoa(i)+" "+*r.ResponseElements)
		}
	}
	read := func(t *testing.T, data []byte) ([]string, Stats) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		r, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet",
			Pruning{Equal: map[string][]string{"eventname": {"ConsoleLogin"}}}, WithAllocator(mem), WithColumns("eventname", "responseelements"))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		var got []string
		for r.Next() {
			c := r.Batch().Column(1)
			for i := range c.Len() {
				s := StringAt(c, i)
				var row int
				fmt.Sscanf(s, `{"row":%d`, &row)
				got = append(got, strconv.Itoa(row)+" "+s)
			}
		}
		if r.Err() != nil {
			t.Fatal(r.Err())
		}
		return got, r.Stats()
	}
	got, st := read(t, data)
	if !slices.Equal(got, want) {
		t.Fatalf("rows %.200q; want %.200q", got, want)
	}
	// The kept rows are in two of the responseelements pages (about 60
	// rows each): most of the file is not read.
	if st.Records != int64(len(rows)) || st.Bytes > int64(len(data))/4 {
		t.Errorf("stats %+v; want %d records and at most a quarter of the file's %d bytes read", st, len(rows), len(data))
	}
	t.Logf("read %d of %d bytes", st.Bytes, len(data))

	// Damage the offset index of responseelements: bytes across it, so
	// some change an offset or a first row and some the Thrift structure.
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := f.Schema().Lookup("responseelements")
	cc := f.Metadata().RowGroups[0].Columns[leaf.ColumnIndex]
	if cc.OffsetIndexOffset == 0 {
		t.Fatal("no offset index written")
	}
	for k := int64(0); k < int64(cc.OffsetIndexLength); k += 1 + int64(cc.OffsetIndexLength)/97 {
		bad := bytes.Clone(data)
		bad[cc.OffsetIndexOffset+k] ^= 0x04
		if got, _ := read(t, bad); !slices.Equal(got, want) {
			t.Fatalf("offset index byte %d damaged: rows %.200q; want %.200q", k, got, want)
		}
	}
}

// TestCloudTrailParquet_SkippedPagesUnchecked: a page skipped by the
// filter is not read, so its compressed stream is not checked either (a
// damaged one is no error), while a damaged page that holds a kept row
// is refused before parquet-go decodes it.
func TestCloudTrailParquet_SkippedPagesUnchecked(t *testing.T) {
	str := func(s string) *string { return &s }
	var rows []ctPagedRow
	for i := range 3*BatchRows + 100 {
		name := "A"
		if i >= 5000 && i < 5010 {
			name = "ConsoleLogin"
		}
		rows = append(rows, ctPagedRow{str("2024-03-05T10:00:00Z"), str(name),
			str(fmt.Sprintf(`{"row":%d,"pad":"%0200d"}`, i, i*7919))})
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[ctPagedRow](&buf, parquet.PageBufferSize(16<<10), parquet.Compression(&parquet.Zstd))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	pf, err := openParquet(bytes.NewReader(data), bytes.NewReader(data), int64(len(data)), "f.parquet")
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := pf.mustFile().Schema().Lookup("responseelements")
	if err := pf.checkChunk(0, leaf.ColumnIndex, "responseelements"); err != nil {
		t.Fatal(err)
	}
	var skipped, kept pqPageLoc
	for i, loc := range pf.locs {
		if i+1 < len(pf.locs) && pf.locs[i+1].first <= 5000 {
			continue
		}
		skipped, kept = pf.locs[0], loc
		break
	}
	if kept.first == 0 || kept.codec != format.Zstd {
		t.Fatalf("pages %+v; want the kept rows past the first page, Zstandard", pf.locs)
	}
	read := func(data []byte) (int, error) {
		r, err := NewCloudTrailParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet",
			Pruning{Equal: map[string][]string{"eventname": {"ConsoleLogin"}}}, WithColumns("eventname", "responseelements"))
		if err != nil {
			return 0, err
		}
		defer r.Release()
		n := 0
		for r.Next() {
			n += int(r.Batch().NumRows())
		}
		return n, r.Err()
	}
	damage := func(loc pqPageLoc) []byte {
		bad := bytes.Clone(data)
		copy(bad[loc.body:], "NOPE") // the Zstandard magic
		return bad
	}
	if n, err := read(damage(skipped)); n != 10 || err != nil {
		t.Errorf("a damaged page no kept row is on: %d rows, error %v; want the 10 rows", n, err)
	}
	_, err = read(damage(kept))
	if !errors.Is(err, ErrCorrupt) || !regexpMatch(`^f\.parquet: offset \d+ \(row group 0 column responseelements\): expected a Zstandard frame, found bytes "NOPE"$`, fmt.Sprint(err)) {
		t.Errorf("a damaged page a kept row is on: error %v; want the damaged stream refused", err)
	}
}

// rangesReaderAt records the byte ranges read through it.
type rangesReaderAt struct {
	r      io.ReaderAt
	ranges [][2]int64
}

func (c *rangesReaderAt) ReadAt(b []byte, off int64) (int, error) {
	c.ranges = append(c.ranges, [2]int64{off, off + int64(len(b))})
	return c.r.ReadAt(b, off)
}

// chunkRange returns the bytes of column path's chunk in row group g.
func chunkRange(t *testing.T, data []byte, g int, path string) [2]int64 {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	leaf, ok := f.Schema().Lookup(path)
	if !ok {
		t.Fatalf("no column %s", path)
	}
	md := f.Metadata().RowGroups[g].Columns[leaf.ColumnIndex].MetaData
	start := md.DataPageOffset
	if md.DictionaryPageOffset > 0 {
		start = min(start, md.DictionaryPageOffset)
	}
	return [2]int64{start, start + md.TotalCompressedSize}
}

// TestCloudTrailParquet_CheckedTimes: in a file hunt wrote, whose footer
// time bounds say every row's eventtime parsed, eventtime is not read
// unless projected; in one whose bounds do not (a row group with a null
// or bad time), or that has none, it is read and checked.
func TestCloudTrailParquet_CheckedTimes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema, err := projectSchema(CloudTrailSchema, []string{"eventtime", "eventname"})
	if err != nil {
		t.Fatal(err)
	}
	hunt := func(times ...string) []byte {
		b := array.NewRecordBuilder(mem, schema)
		defer b.Release()
		for i, tm := range times {
			if tm == "" {
				b.Field(0).AppendNull()
			} else {
				b.Field(0).(*array.StringBuilder).Append(tm)
			}
			b.Field(1).(*array.BinaryDictionaryBuilder).AppendString("E" + strconv.Itoa(i))
		}
		rec := b.NewRecordBatch()
		defer rec.Release()
		return writeParquet(t, "cloudtrail", []arrow.RecordBatch{rec}, 2, true)
	}
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name      string
		data      []byte
		want      string // eventname of the rows read
		readsTime bool
	}{
		{"hunt, times checked", hunt("2024-03-05T10:00:00Z", "2024-03-05T10:00:01Z", "2024-03-05T10:00:02Z"), "E0 E1 E2", false},
		// Sorted by time: the null and the bad time go first, into row group 0.
		{"hunt, a null time", hunt("2024-03-05T10:00:00Z", "", "2024-03-05T10:00:02Z"), "E0 E2", true},
		{"hunt, a bad time", hunt("2024-03-05T10:00:00Z", "2024-03-05T10:00:01Z", "2024-02-30T10:00:02Z"), "E0 E1", true},
		{"another writer", writeGenericParquet(t, []ctParquetRow{{str("2024-03-05T10:00:00Z"), str("E0")}, {str("x"), str("E1")}}), "E0", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rr := &rangesReaderAt{r: bytes.NewReader(tc.data)}
			r, err := NewCloudTrailParquetReader(rr, int64(len(tc.data)), "f.parquet", Pruning{}, WithAllocator(mem), WithColumns("eventname"))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for r.Next() {
				c := r.Batch().Column(0)
				for i := range c.Len() {
					got = append(got, StringAt(c, i))
				}
			}
			r.Release()
			if r.Err() != nil || strings.Join(got, " ") != tc.want {
				t.Fatalf("rows %q, err %v; want %s", got, r.Err(), tc.want)
			}
			et := chunkRange(t, tc.data, 0, "eventtime")
			readsTime := slices.ContainsFunc(rr.ranges, func(rg [2]int64) bool { return rg[0] < et[1] && et[0] < rg[1] })
			if readsTime != tc.readsTime {
				t.Errorf("eventtime chunk %v read: %v; want %v (reads %v)", et, readsTime, tc.readsTime, rr.ranges)
			}
		})
	}
}

func TestTimesChecked(t *testing.T) {
	for _, tc := range []struct {
		times [][2]int64
		want  bool
	}{
		{nil, false},
		{[][2]int64{}, true},
		{[][2]int64{{1, 2}, {-5, 9}}, true},
		{[][2]int64{{1, 2}, {minTime, 9}}, false},
		{[][2]int64{{minTime, minTime}}, false},
	} {
		if got := timesChecked(tc.times); got != tc.want {
			t.Errorf("timesChecked(%v) = %v; want %v", tc.times, got, tc.want)
		}
	}
}

// TestSetValidRun: appending a run of valid rows sets the bits setValid
// would, whatever the run's start and length, and no others.
func TestSetValidRun(t *testing.T) {
	for start := range 20 {
		for k := range 30 {
			got, want := newFlowCol(flowKindDict, 64), newFlowCol(flowKindDict, 64)
			for range start {
				got.appendNull()
				want.appendNull()
			}
			setValidRun(got, k)
			for range k {
				want.setValid()
			}
			if got.n != want.n || !bytes.Equal(got.valid, want.valid) {
				t.Fatalf("start %d, run %d: n %d, bits %08b; want n %d, bits %08b", start, k, got.n, got.valid, want.n, want.valid)
			}
		}
	}
}
