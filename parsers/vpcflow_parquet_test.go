package parsers

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"regexp"
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

var updateVPCFlowParquet = flag.Bool("vpcflow.update", false, "rewrite testdata/vpcflow/v5-all-fields.parquet")

const vpcFlowParquetSample = "../testdata/vpcflow/v5-all-fields.parquet"

// awsFlowParquetRow is a row of the Parquet files AWS delivers for flow
// logs: the Athena column names, every column optional, and the physical
// types AWS documents (INT_32 for version, ports, protocol, tcp_flags and
// traffic_path; INT_64 for packets, bytes, start and end; UTF-8 strings).
type awsFlowParquetRow struct {
	Version          *int32  `parquet:"version,optional"`
	AccountID        *string `parquet:"account_id,optional"`
	InterfaceID      *string `parquet:"interface_id,optional"`
	Srcaddr          *string `parquet:"srcaddr,optional"`
	Dstaddr          *string `parquet:"dstaddr,optional"`
	Srcport          *int32  `parquet:"srcport,optional"`
	Dstport          *int32  `parquet:"dstport,optional"`
	Protocol         *int32  `parquet:"protocol,optional"`
	Packets          *int64  `parquet:"packets,optional"`
	Bytes            *int64  `parquet:"bytes,optional"`
	Start            *int64  `parquet:"start,optional"`
	End              *int64  `parquet:"end,optional"`
	Action           *string `parquet:"action,optional"`
	LogStatus        *string `parquet:"log_status,optional"`
	VpcID            *string `parquet:"vpc_id,optional"`
	SubnetID         *string `parquet:"subnet_id,optional"`
	InstanceID       *string `parquet:"instance_id,optional"`
	TCPFlags         *int32  `parquet:"tcp_flags,optional"`
	Type             *string `parquet:"type,optional"`
	PktSrcaddr       *string `parquet:"pkt_srcaddr,optional"`
	PktDstaddr       *string `parquet:"pkt_dstaddr,optional"`
	Region           *string `parquet:"region,optional"`
	AzID             *string `parquet:"az_id,optional"`
	SublocationType  *string `parquet:"sublocation_type,optional"`
	SublocationID    *string `parquet:"sublocation_id,optional"`
	PktSrcAwsService *string `parquet:"pkt_src_aws_service,optional"`
	PktDstAwsService *string `parquet:"pkt_dst_aws_service,optional"`
	FlowDirection    *string `parquet:"flow_direction,optional"`
	TrafficPath      *int32  `parquet:"traffic_path,optional"`
}

// awsFlowRowFromText converts a v5 text line (all 29 fields, default
// order) with a plain split, independent of the reader under test. A "-"
// becomes null, except in sublocation_type where it stays the string "-",
// since AWS's choice between the two is not documented.
func awsFlowRowFromText(t testing.TB, line string) awsFlowParquetRow {
	f := strings.Fields(line)
	if len(f) != 29 {
		t.Fatalf("BUG: %d fields in %q", len(f), line)
	}
	s := func(i int) *string {
		if f[i] == "-" {
			return nil
		}
		return &f[i]
	}
	i32 := func(i int) *int32 {
		if f[i] == "-" {
			return nil
		}
		n, err := strconv.ParseInt(f[i], 10, 32)
		if err != nil {
			t.Fatal(err)
		}
		v := int32(n)
		return &v
	}
	i64 := func(i int) *int64 {
		if f[i] == "-" {
			return nil
		}
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return &n
	}
	return awsFlowParquetRow{
		i32(0), s(1), s(2), s(3), s(4), i32(5), i32(6), i32(7), i64(8), i64(9), i64(10), i64(11), s(12), s(13),
		s(14), s(15), s(16), i32(17), s(18), s(19), s(20), s(21), s(22), &f[23], s(24), s(25), s(26), s(27), i32(28),
	}
}

// writeAWSFlowParquet writes rows as AWS does (GZIP column codec), in row
// groups of groupRows rows.
func writeAWSFlowParquet(t testing.TB, w io.Writer, rows []awsFlowParquetRow, groupRows int) {
	pw := parquet.NewGenericWriter[awsFlowParquetRow](w,
		parquet.Compression(&parquet.Gzip),
		parquet.CreatedBy("hunt testdata", "1", ""),
		parquet.PageBufferSize(4<<10),
	)
	for len(rows) > 0 {
		n := min(groupRows, len(rows))
		if _, err := pw.Write(rows[:n]); err != nil {
			t.Fatal(err)
		}
		if err := pw.Flush(); err != nil {
			t.Fatal(err)
		}
		rows = rows[n:]
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
}

// vpcFlowParquetSampleBytes generates the Parquet sample from the v5 text
// sample, so the file is reproducible: go test ./parsers -run
// TestVPCFlowParquet_Sample -vpcflow.update rewrites it.
func vpcFlowParquetSampleBytes(t testing.TB) []byte {
	text, err := os.ReadFile("../testdata/vpcflow/v5-all-fields.log")
	if err != nil {
		t.Fatal(err)
	}
	var rows []awsFlowParquetRow
	for i, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		if i > 0 { // the header
			rows = append(rows, awsFlowRowFromText(t, line))
		}
	}
	var buf bytes.Buffer
	writeAWSFlowParquet(t, &buf, rows, 3)
	return buf.Bytes()
}

// readFlowParquet reads a Parquet file to the end.
func readFlowParquet(t testing.TB, data []byte, opts ...Option) flowResult {
	t.Helper()
	p, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "flow.log", Pruning{}, opts...)
	if err != nil {
		return flowResult{err: err}
	}
	defer p.Release()
	var res flowResult
	for _, f := range p.Schema().Fields() {
		res.cols = append(res.cols, f.Name)
	}
	for p.Next() {
		if !p.Batch().Schema().Equal(p.Schema()) {
			t.Fatalf("batch schema %v; want %v", p.Batch().Schema(), p.Schema())
		}
		res.rows = append(res.rows, flowBatchRows(p.Batch())...)
	}
	res.stats = p.Stats()
	res.rejects = p.Rejects().Errs
	res.err = p.Err()
	return res
}

func TestVPCFlowParquet_Sample(t *testing.T) {
	gen := vpcFlowParquetSampleBytes(t)
	if *updateVPCFlowParquet {
		if err := os.WriteFile(vpcFlowParquetSample, gen, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(vpcFlowParquetSample)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, gen) {
		t.Errorf("%s differs from what the generator writes; run with -vpcflow.update", vpcFlowParquetSample)
	}

	// Same rows as the text it was made from, for every projection.
	for _, cols := range [][]string{
		nil,
		{"srcaddr", "dstport", "protocol", "bytes", "action", "sublocation_type"},
		{SourceColumn, "end", "reject_reason", "flow_direction"},
	} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		pq := readFlowParquet(t, data, WithAllocator(mem), WithColumns(cols...), WithStrict(true))
		text := readFlowText(t, flowTestdata(t, "v5-all-fields.log"), WithAllocator(mem), WithColumns(cols...), WithStrict(true))
		if pq.err != nil || text.err != nil {
			t.Fatalf("columns %q: parquet %v, text %v", cols, pq.err, text.err)
		}
		if strings.Join(pq.cols, " ") != strings.Join(text.cols, " ") {
			t.Errorf("columns %q: parquet schema %q; text %q", cols, pq.cols, text.cols)
		}
		if strings.Join(pq.rows, "\n") != strings.Join(text.rows, "\n") || len(pq.rows) != 4 {
			t.Errorf("columns %q:\nparquet %q\ntext    %q", cols, pq.rows, text.rows)
		}
		if pq.stats.Records != 4 {
			t.Errorf("stats %+v; want 4 records", pq.stats)
		}
		mem.AssertSize(t, 0)
	}
}

func TestVPCFlowParquet_ManyRowGroups(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var rows []awsFlowParquetRow
	const n = 2*BatchRows + 500
	for i := range n {
		line := "5 123456789012 eni-1 10.0.0." + strconv.Itoa(i%256) + " 10.0.1.1 " + strconv.Itoa(i%65536) + " 443 6 3 " + strconv.Itoa(i) +
			" 1640000000 1640000060 ACCEPT OK vpc-1 subnet-1 - 2 IPv4 - - us-east-1 use1-az1 - - - - egress -"
		rows = append(rows, awsFlowRowFromText(t, line))
	}
	rows[5000].Protocol = new(int32(300)) // rejected
	var buf bytes.Buffer
	writeAWSFlowParquet(t, &buf, rows, 3000) // row groups across batches
	res := readFlowParquet(t, buf.Bytes(), WithAllocator(mem), WithColumns("srcaddr", "srcport", "bytes", "protocol", "action"))
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.rows) != n-1 || res.stats.Rejected != 1 {
		t.Fatalf("%d rows, stats %+v; want %d and 1 rejected", len(res.rows), res.stats, n-1)
	}
	const wantErr = `flow.log: offset \d+ \(row 5000 \(protocol\)\): expected integer 0-255, found 300`
	if len(res.rejects) != 1 || !regexpMatch(wantErr, res.rejects[0].Error()) {
		t.Errorf("rejects %v; want %s", res.rejects, wantErr)
	}
	for i, r := range res.rows {
		src := i
		if i >= 5000 {
			src++
		}
		want := "10.0.0." + strconv.Itoa(src%256) + " " + strconv.Itoa(src%65536) + " 6 " + strconv.Itoa(src) + " ACCEPT"
		if r != want {
			t.Fatalf("row %d: %q; want %q", i, r, want)
		}
	}

	// Strict: the bad row stops the read.
	res = readFlowParquet(t, buf.Bytes(), WithAllocator(mem), WithColumns("protocol"), WithStrict(true))
	if !errors.Is(res.err, ErrType) {
		t.Errorf("strict: Err() = %v; want ErrType", res.err)
	}
}

func TestVPCFlowParquet_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	text := []byte(flowLineV2 + "\n")
	_, err := NewVPCFlowParquetReader(bytes.NewReader(text), int64(len(text)), "x.log", Pruning{}, WithAllocator(mem))
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrFormat) || pe.Source != "x.log" {
		t.Errorf("text as Parquet: got %v; want a *ParseError wrapping ErrFormat", err)
	}

	rows := []awsFlowParquetRow{awsFlowRowFromText(t, "5 1 eni-1 a b 1 2 6 1 1 20 10 ACCEPT OK - - - - - - - - - - - - - - -")}
	var buf bytes.Buffer
	writeAWSFlowParquet(t, &buf, rows, 10)
	res := readFlowParquet(t, buf.Bytes(), WithAllocator(mem), WithColumns("start", "end"))
	if res.stats.Rejected != 1 || len(res.rows) != 0 || len(res.rejects) != 1 ||
		!regexpMatch(`\(row 0 \(end\)\): expected end at or after start 20, found "10"$`, res.rejects[0].Error()) {
		t.Errorf("start after end: rows %q, rejects %v", res.rows, res.rejects)
	}

	// Text holding a NUL or invalid UTF-8 is rejected, as in text files.
	rows = []awsFlowParquetRow{
		awsFlowRowFromText(t, "5 1 eni-1 a b 1 2 6 1 1 10 20 ACCEPT OK - - - - - - - - - - - - - - -"),
		awsFlowRowFromText(t, "5 1 eni-2 a b 1 2 6 1 1 10 20 ACCEPT OK - - - - - - - - - - - - - - -"),
		awsFlowRowFromText(t, "5 1 eni-3 a b 1 2 6 1 1 10 20 ACCEPT OK - - - - - - - - - - - - - - -"),
	}
	nul, bad := "eni-\x00", "eni-\xff"
	rows[0].InterfaceID, rows[1].InterfaceID = &nul, &bad
	buf.Reset()
	writeAWSFlowParquet(t, &buf, rows, 10)
	res = readFlowParquet(t, buf.Bytes(), WithAllocator(mem), WithColumns("interface_id"))
	if res.stats.Rejected != 2 || strings.Join(res.rows, ",") != "eni-3" || len(res.rejects) != 2 ||
		!regexpMatch(`\(row 0 \(interface_id\)\): expected valid UTF-8 text without control characters, found "eni-\\x00"$`, res.rejects[0].Error()) ||
		!regexpMatch(`\(row 1 \(interface_id\)\): expected valid UTF-8 text without control characters, found "eni-\\xff"$`, res.rejects[1].Error()) {
		t.Errorf("bad text: rows %q, rejects %v", res.rows, res.rejects)
	}

	_, err = NewVPCFlowParquetReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "x.parquet", Pruning{}, WithColumns("nope"))
	if err == nil || !strings.Contains(err.Error(), `unknown column "nope"`) {
		t.Errorf("unknown column: got %v", err)
	}
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

// TestVPCFlowParquet_ReadsOnlyProjectedColumns checks projection pushdown:
// one column reads a fraction of the bytes all columns read.
func TestVPCFlowParquet_ReadsOnlyProjectedColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var rows []awsFlowParquetRow
	for i := range 20000 {
		rows = append(rows, awsFlowRowFromText(t, "5 123456789012 eni-"+strconv.Itoa(i*7919)+" 10.0.0."+strconv.Itoa(i%256)+" 10.0.1."+strconv.Itoa(i%199)+
			" "+strconv.Itoa(i%65536)+" 443 6 3 "+strconv.Itoa(i)+" 1640000000 1640000060 ACCEPT OK vpc-1 subnet-"+strconv.Itoa(i)+
			" - 2 IPv4 - - us-east-1 use1-az1 - - - - egress -"))
	}
	var buf bytes.Buffer
	writeAWSFlowParquet(t, &buf, rows, 8000)
	one := readFlowParquet(t, buf.Bytes(), WithAllocator(mem), WithColumns("dstport"))
	all := readFlowParquet(t, buf.Bytes(), WithAllocator(mem))
	if one.err != nil || all.err != nil || len(one.rows) != 20000 || len(all.rows) != 20000 {
		t.Fatalf("one column: %d rows, %v; all: %d rows, %v", len(one.rows), one.err, len(all.rows), all.err)
	}
	if one.stats.Bytes*5 > all.stats.Bytes || one.stats.Bytes > int64(buf.Len())/5 {
		t.Errorf("one column read %d bytes, all columns %d, file %d; want a small fraction", one.stats.Bytes, all.stats.Bytes, buf.Len())
	}
	t.Logf("file %d bytes; read %d for one column, %d for all", buf.Len(), one.stats.Bytes, all.stats.Bytes)
}

// writeGenericParquet writes rows of any struct type with parquet-go's
// defaults.
func writeGenericParquet[T any](t testing.TB, rows []T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestVPCFlowParquet_Columns_Failure: a file with none of the table's
// columns, or whose projected column is nested or of a type the table's
// cannot come from, is refused by name instead of read as nulls.
func TestVPCFlowParquet_Columns_Failure(t *testing.T) {
	type other struct {
		Foo *string `parquet:"foo,optional"`
		Bar *int64  `parquet:"bar,optional"`
	}
	type nested struct {
		Version *int32 `parquet:"version,optional"`
		Srcaddr struct {
			Addr *string `parquet:"addr,optional"`
		} `parquet:"srcaddr"`
	}
	type repeated struct {
		Version *int32   `parquet:"version,optional"`
		Dstaddr []string `parquet:"dstaddr,list"`
	}
	type double struct {
		Version *int32   `parquet:"version,optional"`
		Srcport *float64 `parquet:"srcport,optional"`
	}
	type boolean struct {
		Version *int32 `parquet:"version,optional"`
		Action  *bool  `parquet:"action,optional"`
	}
	s := "x"
	tests := []struct {
		name string
		data []byte
		cols []string
		path string
		want string
	}{
		{"no table column", writeGenericParquet(t, []other{{Foo: &s}}), nil, "",
			`expected a VPC flow log Parquet file (at least one vpc_flow column), found columns "foo", "bar"`},
		{"no table column, projected", writeGenericParquet(t, []other{{Foo: &s}}), []string{"srcaddr"}, "",
			`found columns "foo", "bar"`},
		{"nested", writeGenericParquet(t, []nested{{}}), []string{"version", "srcaddr"}, "srcaddr",
			`expected a flat column of BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT32 or INT64, found a group (srcaddr.addr)`},
		{"nested, every column", writeGenericParquet(t, []nested{{}}), nil, "srcaddr", `found a group (srcaddr.addr)`},
		{"repeated", writeGenericParquet(t, []repeated{{}}), []string{"dstaddr"}, "dstaddr", `found a group (dstaddr.list.element)`},
		{"double", writeGenericParquet(t, []double{{}}), []string{"srcport"}, "srcport",
			`expected a flat column of INT32, INT64 or BYTE_ARRAY, found DOUBLE`},
		{"boolean", writeGenericParquet(t, []boolean{{}}), []string{"action"}, "action",
			`expected a flat column of BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT32 or INT64, found BOOLEAN`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			res := readFlowParquet(t, tt.data, WithAllocator(mem), WithColumns(tt.cols...))
			var pe *ParseError
			if !errors.As(res.err, &pe) || !errors.Is(res.err, ErrFormat) || pe.Source != "flow.log" || pe.Path != tt.path || !strings.Contains(res.err.Error(), tt.want) {
				t.Errorf("got %v (rows %q); want a ParseError wrapping ErrFormat at %q containing %q", res.err, res.rows, tt.path, tt.want)
			}
		})
	}
}

// TestVPCFlowParquet_Pruning: row groups that cannot hold a wanted row are
// skipped (counted by RowGroups), and every wanted row is still read.
func TestVPCFlowParquet_Pruning(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	text := vpcFlowBenchInput(true, 256<<10)
	tr, err := NewVPCFlowReader(bytes.NewReader(text), "x", WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	var full []arrow.RecordBatch
	for tr.Next() {
		tr.Batch().Retain()
		full = append(full, tr.Batch())
	}
	if tr.Err() != nil {
		t.Fatal(tr.Err())
	}
	tr.Release()
	defer releaseBatches(full)
	data := writeParquet(t, "vpc_flow", full, 256, true)
	type row struct {
		start, end    int64
		action, saddr string
		dport         int32
	}
	cols := []string{"start", "end", "action", "srcaddr", "dstport"}
	rowsOf := func(b arrow.RecordBatch) []row {
		var out []row
		st, en := b.Column(b.Schema().FieldIndices("start")[0]).(*array.Int64), b.Column(b.Schema().FieldIndices("end")[0]).(*array.Int64)
		ac, sa := b.Column(b.Schema().FieldIndices("action")[0]), b.Column(b.Schema().FieldIndices("srcaddr")[0])
		dp := b.Column(b.Schema().FieldIndices("dstport")[0]).(*array.Int32)
		for i := range int(b.NumRows()) {
			port := dp.Value(i)
			if dp.IsNull(i) {
				port = -1
			}
			out = append(out, row{st.Value(i), en.Value(i), StringAt(ac, i), StringAt(sa, i), port})
		}
		return out
	}
	var rows []row
	for _, b := range full {
		rows = append(rows, rowsOf(b)...)
	}
	mid := rows[len(rows)/2]
	since, until := time.Unix(mid.end, 0).UTC(), time.Unix(mid.end+10, 0).UTC()
	first := time.Unix(rows[0].start+5, 0).UTC()
	for _, tc := range []struct {
		name  string
		prune Pruning
		match func(row) bool
		// skips: some row group is skipped, none otherwise; exact: only
		// matching rows are returned (an equality on a projected column
		// filters rows: late materialisation).
		skips, exact bool
	}{
		{"since", Pruning{Since: since}, func(r row) bool { return r.end >= since.Unix() }, true, false},
		{"until", Pruning{Until: first}, func(r row) bool { return r.start <= first.Unix() }, true, false},
		{"window", Pruning{Since: since, Until: until}, func(r row) bool { return r.end >= since.Unix() && r.start <= until.Unix() }, true, false},
		{"equal, bloom filter", Pruning{Equal: map[string][]string{"srcaddr": {mid.saddr}}}, func(r row) bool { return r.saddr == mid.saddr }, true, true},
		{"equal, out of min/max", Pruning{Equal: map[string][]string{"action": {"ZZZ"}}}, func(r row) bool { return false }, true, true},
		{"equal, every group holds it", Pruning{Equal: map[string][]string{"action": {"REJECT"}}}, func(r row) bool { return r.action == "REJECT" }, false, true},
		// The two addresses are in the first and middle row groups.
		{"equal, two columns", Pruning{Equal: map[string][]string{"action": {"REJECT", "ACCEPT"}, "srcaddr": {mid.saddr, rows[3].saddr}}},
			func(r row) bool { return r.saddr == mid.saddr || r.saddr == rows[3].saddr }, true, true},
		// action has no bloom filter and "NOPE" sorts between ACCEPT and
		// REJECT: only the dictionary rules it out.
		{"equal, dictionary", Pruning{Equal: map[string][]string{"action": {"NOPE"}}}, func(r row) bool { return false }, true, true},
		{"unknown column prunes nothing", Pruning{Equal: map[string][]string{"nosuch": {"x"}}}, func(r row) bool { return true }, false, true},
		// Integer equalities: rows filtered by value, row groups skipped by
		// min/max (start is sorted).
		{"integer equal", Pruning{EqualInt: map[string][]int64{"dstport": {int64(mid.dport), 0}}}, func(r row) bool { return r.dport == mid.dport || r.dport == 0 }, false, true},
		{"integer equal, sorted column", Pruning{EqualInt: map[string][]int64{"start": {mid.start}}}, func(r row) bool { return r.start == mid.start }, true, true},
		// Two filters: the first filter's column drops the rows the
		// second leaves out.
		{"integer and text equal", Pruning{Equal: map[string][]string{"action": {"REJECT"}}, EqualInt: map[string][]int64{"dstport": {int64(mid.dport)}}},
			func(r row) bool { return r.action == "REJECT" && r.dport == mid.dport }, false, true},
		{"integer equal, no value", Pruning{EqualInt: map[string][]int64{"dstport": {}}}, func(r row) bool { return true }, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "x", tc.prune, WithAllocator(mem), WithColumns(cols...))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			have := map[row]int{}
			read := 0
			for r.Next() {
				for _, rw := range rowsOf(r.Batch()) {
					have[rw]++
					read++
				}
			}
			if r.Err() != nil {
				t.Fatal(r.Err())
			}
			want := 0
			for _, rw := range rows {
				if tc.match(rw) {
					want++
					if have[rw] == 0 {
						t.Fatalf("matching row %v was pruned", rw)
					}
					have[rw]--
				}
			}
			if tc.exact && read != want {
				t.Errorf("read %d rows; want the %d matching", read, want)
			}
			total, skipped := r.RowGroups()
			if tc.skips && skipped == 0 {
				t.Errorf("%d of %d rows match and no row group of %d was skipped", want, len(rows), total)
			}
			if !tc.skips && skipped != 0 {
				t.Errorf("every row group holds a match but %d row groups were skipped", skipped)
			}
			t.Logf("%d of %d rows match; %d of %d row groups skipped", want, len(rows), skipped, total)
		})
	}
}

// TestVPCFlowParquet_FilterRejects: with an equality the reader filters
// on, a bad row it keeps is rejected with its position in the file, and a
// bad row it leaves out is not read (as in a skipped row group).
func TestVPCFlowParquet_FilterRejects(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var rows []awsFlowParquetRow
	for _, l := range []string{
		"5 1 eni-1 10.0.0.1 10.0.1.1 1 443 6 3 100 1640000000 1640000060 REJECT OK vpc-1 subnet-1 - 2 IPv4 - - us-east-1 use1-az1 - - - - egress -",
		"5 1 eni-1 10.0.0.2 10.0.1.1 2 443 6 3 100 1640000060 1640000000 ACCEPT OK vpc-1 subnet-1 - 2 IPv4 - - us-east-1 use1-az1 - - - - egress -",
		"5 1 eni-1 10.0.0.3 10.0.1.1 3 443 6 3 100 1640000060 1640000000 REJECT OK vpc-1 subnet-1 - 2 IPv4 - - us-east-1 use1-az1 - - - - egress -",
		"5 1 eni-1 10.0.0.4 10.0.1.1 4 443 6 3 100 1640000000 1640000060 ACCEPT OK vpc-1 subnet-1 - 2 IPv4 - - us-east-1 use1-az1 - - - - egress -",
		"5 1 eni-1 10.0.0.5 10.0.1.1 5 443 6 3 100 1640000000 1640000060 REJECT OK vpc-1 subnet-1 - 2 IPv4 - - us-east-1 use1-az1 - - - - egress -",
	} {
		rows = append(rows, awsFlowRowFromText(t, l))
	}
	var buf bytes.Buffer
	writeAWSFlowParquet(t, &buf, rows, len(rows))
	data := buf.Bytes()
	for _, tc := range []struct {
		name    string
		prune   Pruning
		srcs    []string
		rejects []string
	}{
		{"no filter", Pruning{}, []string{"10.0.0.1", "10.0.0.4", "10.0.0.5"}, []string{"row 1 (end)", "row 2 (end)"}},
		{"action", Pruning{Equal: map[string][]string{"action": {"REJECT"}}}, []string{"10.0.0.1", "10.0.0.5"}, []string{"row 2 (end)"}},
		{"srcaddr", Pruning{Equal: map[string][]string{"srcaddr": {"10.0.0.2", "10.0.0.4"}}}, []string{"10.0.0.4"}, []string{"row 1 (end)"}},
		{"srcport", Pruning{EqualInt: map[string][]int64{"srcport": {2, 3, 5}}}, []string{"10.0.0.5"}, []string{"row 1 (end)", "row 2 (end)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet", tc.prune, WithAllocator(mem), WithColumns("srcaddr", "srcport", "start", "end", "action"))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			var srcs []string
			for r.Next() {
				b := r.Batch()
				for i := range int(b.NumRows()) {
					srcs = append(srcs, StringAt(b.Column(0), i))
				}
			}
			if r.Err() != nil {
				t.Fatal(r.Err())
			}
			var paths []string
			for _, e := range r.Rejects().Errs {
				var pe *ParseError
				if !errors.As(e, &pe) || pe.Source != "f.parquet" {
					t.Fatalf("reject %v; want a *ParseError of f.parquet", e)
				}
				paths = append(paths, pe.Path)
			}
			if !slices.Equal(srcs, tc.srcs) || !slices.Equal(paths, tc.rejects) {
				t.Errorf("rows %q, rejects %q; want %q, %q", srcs, paths, tc.srcs, tc.rejects)
			}
			if st := r.Stats(); st.Records != int64(len(rows)-len(tc.rejects)) || st.Rejected != int64(len(tc.rejects)) {
				t.Errorf("stats %+v; want %d records, %d rejected", st, len(rows)-len(tc.rejects), len(tc.rejects))
			}
		})
	}
}

// flowDictRow is a flow-log Parquet row whose text columns are
// dictionary-encoded, as hunt convert and AWS write them.
type flowDictRow struct {
	InterfaceID *string `parquet:"interface_id,optional,dict"`
	Action      *string `parquet:"action,optional,dict"`
}

// TestVPCFlowParquet_DictText_Failure: a dictionary value that is not
// valid text rejects every row using it, each with its position; "-" is
// null; with a filter, a row it leaves out is not checked; values no row
// uses are not checked.
func TestVPCFlowParquet_DictText_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	str := func(s string) *string { return &s }
	var rows []flowDictRow
	for i := range 3*BatchRows + 7 {
		id := "eni-" + strconv.Itoa(i%50)
		switch i % 1000 {
		case 3:
			id = "eni-\x01"
		case 4:
			id = "-"
		}
		action := "ACCEPT"
		if i%2 == 1 {
			action = "REJECT"
		}
		rows = append(rows, flowDictRow{str(id), str(action)})
	}
	data := writeGenericParquet(t, rows)
	for _, tc := range []struct {
		name         string
		prune        Pruning
		bad, nulls   int
		firstRejects string
	}{
		// Rows 3, 1003, ... use the bad value; 4, 1004, ... are "-".
		{"no filter", Pruning{}, 13, 13, "row 3 (interface_id)"},
		// REJECT rows are the odd ones: 3, 1003, ... are kept, the
		// "-" rows are even and left out; ACCEPT the other way round.
		{"filter", Pruning{Equal: map[string][]string{"action": {"REJECT"}}}, 13, 0, "row 3 (interface_id)"},
		{"filter leaving the bad rows out", Pruning{Equal: map[string][]string{"action": {"ACCEPT"}}}, 0, 13, ""},
		// A filter's own column is checked on every row: the bad value
		// rejects its rows though none equals the filter's.
		{"filter on the bad column", Pruning{Equal: map[string][]string{"interface_id": {"eni-7"}}}, 13, 0, "row 3 (interface_id)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet", tc.prune, WithAllocator(mem), WithColumns("interface_id", "action"))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			got, nulls := 0, 0
			for r.Next() {
				c := r.Batch().Column(0)
				for i := range c.Len() {
					if c.IsNull(i) {
						nulls++
					} else if strings.ContainsRune(StringAt(c, i), 1) {
						t.Fatalf("bad value %q in the batch", StringAt(c, i))
					}
					got++
				}
			}
			if r.Err() != nil {
				t.Fatal(r.Err())
			}
			errs := r.Rejects().Errs
			if len(errs) != tc.bad || r.Stats().Rejected != int64(tc.bad) || nulls != tc.nulls {
				t.Fatalf("%d rows, %d nulls, %d rejects (stats %+v); want %d nulls and %d rejects", got, nulls, len(errs), r.Stats(), tc.nulls, tc.bad)
			}
			if tc.bad > 0 && !regexpMatch(`^f\.parquet: offset \d+ \(`+regexp.QuoteMeta(tc.firstRejects)+`\): expected valid UTF-8 text without control characters, found "eni-\\x01"$`, errs[0].Error()) {
				t.Errorf("first reject %v; want %s", errs[0], tc.firstRejects)
			}
		})
	}
}

// TestVPCFlowParquet_DictionaryPruningReadsDictionaryOnly: a row group
// the dictionary of an equality's column rules out costs that dictionary
// page, not the chunk's data pages.
func TestVPCFlowParquet_DictionaryPruningReadsDictionaryOnly(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	str := func(s string) *string { return &s }
	var rows []flowDictRow
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		// Random actions: the data pages do not compress below 20 KB.
		rows = append(rows, flowDictRow{str("eni-1"), str([]string{"ACCEPT", "REJECT", "-"}[rng.IntN(3)])})
	}
	// One data page, as hunt convert writes a chunk.
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[flowDictRow](&buf, parquet.PageBufferSize(4<<20))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := f.Schema().Lookup("action")
	md := f.Metadata().RowGroups[0].Columns[leaf.ColumnIndex].MetaData
	dictBytes := md.DataPageOffset - md.DictionaryPageOffset
	pageBytes := md.TotalCompressedSize - dictBytes
	if len(f.RowGroups()) != 1 || md.DictionaryPageOffset == 0 || pageBytes < 16<<10 {
		t.Fatalf("%d row groups, dictionary at %d, %d bytes of data pages; want one group and a dictionary before 16 KiB of pages",
			len(f.RowGroups()), md.DictionaryPageOffset, pageBytes)
	}
	// "NOPE" sorts between ACCEPT and REJECT: min/max cannot rule it out.
	r, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet",
		Pruning{Equal: map[string][]string{"action": {"NOPE"}}}, WithAllocator(mem), WithColumns("action"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	opened := r.Stats().Bytes
	for r.Next() {
		t.Fatalf("a batch of %d rows; want the row group skipped", r.Batch().NumRows())
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	if _, skipped := r.RowGroups(); skipped != 1 {
		t.Fatalf("%d row groups skipped; want 1", skipped)
	}
	if read := r.Stats().Bytes - opened; read >= dictBytes+pageBytes/2 {
		t.Errorf("pruning read %d bytes; want about the dictionary page's %d, not the %d of the data pages", read, dictBytes, pageBytes)
	}
}

// readFlowParquetGroups reads a Parquet file to the end with prune, and
// also returns its row groups and how many were skipped.
func readFlowParquetGroups(t testing.TB, data []byte, prune Pruning, opts ...Option) (res flowResult, groups, skipped int) {
	t.Helper()
	p, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "flow.parquet", prune, opts...)
	if err != nil {
		return flowResult{err: err}, 0, 0
	}
	defer p.Release()
	for _, f := range p.Schema().Fields() {
		res.cols = append(res.cols, f.Name)
	}
	for p.Next() {
		res.rows = append(res.rows, flowBatchRows(p.Batch())...)
	}
	res.stats = p.Stats()
	res.rejects = p.Rejects().Errs
	res.err = p.Err()
	groups, skipped = p.RowGroups()
	return res, groups, skipped
}

// ownFooterFiles returns Parquet files the flow reader plans from its own
// decoding of the footer: hunt's flow files (clustered or not, row
// groups of several sizes), the AWS-shaped sample, and the foreign files
// of footerFiles (mostly not flow logs: their errors must agree).
func ownFooterFiles(t testing.TB) map[string][]byte {
	t.Helper()
	files := footerFiles(t)
	mem := memory.NewGoAllocator()
	flow := readFlowBatches(t, mem, clusterFlowText(5000))
	files["hunt vpc_flow clustered 700"] = writeParquet(t, "vpc_flow", flow, 700, true)
	files["hunt vpc_flow 2000"] = writeParquet(t, "vpc_flow", flow, 2000, false)
	releaseBatches(flow)
	return files
}

// flowPrunings are the prunings the comparisons read with: none, the
// peer and selective queries', values no row holds, a time window.
var flowPrunings = map[string]Pruning{
	"none":        {},
	"reject":      {Equal: map[string][]string{"action": {"REJECT"}}},
	"rdp rejects": {Equal: map[string][]string{"action": {"REJECT"}}, EqualInt: map[string][]int64{"dstport": {3389}}},
	"srcaddr":     {Equal: map[string][]string{"srcaddr": {"10.0.3.17", "10.0.1.1"}}},
	"absent":      {Equal: map[string][]string{"action": {"NOPE"}, "srcaddr": {"192.0.2.1"}}, EqualInt: map[string][]int64{"dstport": {7}}},
	"window":      {Since: time.Unix(1767225600+300, 0), Until: time.Unix(1767225600+600, 0)},
}

// TestVPCFlowParquet_OwnFooter_Success: a reader planning from the footer
// it decodes itself (schema, row groups, statistics, bloom filters,
// dictionaries, page indexes) returns the same columns, rows, Stats,
// rejects, errors and skipped row groups as one that opens the file
// through parquet-go and reads its schema there, over hunt's files and
// foreign ones, with every pruning.
func TestVPCFlowParquet_OwnFooter_Success(t *testing.T) {
	for name, data := range ownFooterFiles(t) {
		for pname, prune := range flowPrunings {
			for _, cols := range [][]string{nil, {"srcaddr", "start", "action"}, {"srcaddr", "dstport", "action"}} {
				t.Run(name+"/"+pname+"/"+strconv.Itoa(len(cols)), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					opts := []Option{WithAllocator(mem)}
					if cols != nil {
						opts = append(opts, WithColumns(cols...))
					}
					got, gotGroups, gotSkipped := readFlowParquetGroups(t, data, prune, opts...)
					want, wantGroups, wantSkipped := readFlowParquetGroups(t, data, prune, append(opts, withParquetGo())...)
					if fmt.Sprint(got.err) != fmt.Sprint(want.err) {
						t.Fatalf("error %v; parquet-go's %v", got.err, want.err)
					}
					if !slices.Equal(got.cols, want.cols) || !slices.Equal(got.rows, want.rows) {
						t.Fatalf("columns %q, %d rows %.300q; parquet-go's %q, %d rows %.300q", got.cols, len(got.rows), got.rows, want.cols, len(want.rows), want.rows)
					}
					if got.stats != want.stats || gotGroups != wantGroups || gotSkipped != wantSkipped {
						t.Errorf("stats %+v, %d of %d row groups skipped; parquet-go's %+v, %d of %d", got.stats, gotSkipped, gotGroups, want.stats, wantSkipped, wantGroups)
					}
					if fmt.Sprint(got.rejects) != fmt.Sprint(want.rejects) {
						t.Errorf("rejects %v; parquet-go's %v", got.rejects, want.rejects)
					}
				})
			}
		}
	}
}

// clusteredFlowParquet is hunt's Parquet of n clustered flow lines
// (clusterFlowText), sorted by time, groupRows rows per row group.
func clusteredFlowParquet(t *testing.T, mem memory.Allocator, n, groupRows int) []byte {
	t.Helper()
	flow := readFlowBatches(t, mem, clusterFlowText(n))
	defer releaseBatches(flow)
	return writeParquet(t, "vpc_flow", flow, groupRows, true)
}

// TestVPCFlowParquet_OwnFooter_NoParquetGo: reading hunt's flow files
// with equalities and a time window (statistics, bloom filters,
// dictionaries and page indexes) never opens the file through parquet-go,
// whose footer decoding through reflection cost more than planning.
func TestVPCFlowParquet_OwnFooter_NoParquetGo(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	data := clusteredFlowParquet(t, mem, 5000, 700)
	for pname, prune := range flowPrunings {
		t.Run(pname, func(t *testing.T) {
			p, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "flow.parquet", prune, WithAllocator(mem))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Release()
			for p.Next() {
			}
			if p.Err() != nil {
				t.Fatal(p.Err())
			}
			if p.pf.f != nil {
				t.Errorf("the file was opened through parquet-go")
			}
		})
	}
}

// TestVPCFlowParquet_IntStatistics_Failure: integer statistics of the
// wrong size (3 bytes for an INT32 or INT64 column) bound nothing: the
// reader neither panics nor prunes by them, and reads the rows a reader
// without pruning reads.
func TestVPCFlowParquet_IntStatistics_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	good := clusteredFlowParquet(t, mem, 3000, 1000)
	body, md := parquetFooter(t, good)
	for g := range md.RowGroups {
		for c := range md.RowGroups[g].Columns {
			st := &md.RowGroups[g].Columns[c].MetaData.Statistics
			if m := &md.RowGroups[g].Columns[c].MetaData; m.Type == format.Int32 || m.Type == format.Int64 {
				st.MinValue, st.MaxValue = []byte{1, 2, 3}, []byte{4, 5, 6}
			}
		}
	}
	data := parquetFile(t, body, md)
	cols := WithColumns("srcaddr", "dstport", "start", "end", "action")
	for pname, prune := range flowPrunings {
		t.Run(pname, func(t *testing.T) {
			got, _, _ := readFlowParquetGroups(t, data, prune, WithAllocator(mem), cols)
			want, _, _ := readFlowParquetGroups(t, good, prune, WithAllocator(mem), cols)
			if got.err != nil || want.err != nil {
				t.Fatalf("errors %v, %v", got.err, want.err)
			}
			if !slices.Equal(got.rows, want.rows) {
				t.Errorf("%d rows %.200q; want %d rows %.200q", len(got.rows), got.rows, len(want.rows), want.rows)
			}
		})
	}
}

// TestVPCFlowParquet_TextDict: text columns come dictionary-encoded over
// a dictionary of each batch's values: a dictionary-encoded column's
// distinct values each once (its chunk's dictionary spans batches), a
// plain-encoded column's an entry per value, at most a batch's rows; "-" and nulls are null, a
// value with a control character rejects its row; and the rows are the
// file's, read whole, with late materialisation (a filter on action:
// the addresses appended for the kept rows only) and with a filter on
// the dictionary-encoded address itself, each through hunt's page
// decoder and through parquet-go's.
func TestVPCFlowParquet_TextDict(t *testing.T) {
	type row struct {
		Srcaddr *string `parquet:"srcaddr,optional,dict"`
		Dstaddr *string `parquet:"dstaddr,optional"`
		Action  *string `parquet:"action,optional,dict"`
		Start   *int64  `parquet:"start,optional"`
	}
	ptr := func(s string) *string { return &s }
	const n = 3*BatchRows + 500
	rows := make([]row, n)
	var want, wantAccept, wantSrc []string // "srcaddr dstaddr start action"
	cell := func(p *string) string {
		if p == nil || *p == "-" {
			return "NULL"
		}
		return *p
	}
	hot := "10.0.0.7"
	for i := range rows {
		r := &rows[i]
		start := int64(1_700_000_000 + i)
		r.Start = &start
		switch {
		case i%97 == 0:
			r.Srcaddr = nil
		case i%89 == 0:
			r.Srcaddr = ptr("-")
		case i%1001 == 5:
			r.Srcaddr = ptr("10.0.\x01.1") // bad: the row is rejected
		case i%13 == 0:
			r.Srcaddr = ptr(hot)
		default:
			r.Srcaddr = ptr("10.0." + strconv.Itoa(i/500%7) + "." + strconv.Itoa(i*7%251))
		}
		if i%31 != 0 {
			r.Dstaddr = ptr("172.16." + strconv.Itoa(i%3) + "." + strconv.Itoa(i%200))
		} else if i%2 == 0 {
			r.Dstaddr = ptr("-")
		}
		r.Action = ptr([]string{"ACCEPT", "REJECT"}[i%3/2])
		if r.Srcaddr != nil && *r.Srcaddr == "10.0.\x01.1" {
			if *r.Action != "ACCEPT" {
				// Left out by the filter on action before its address
				// is checked: read whole, it is rejected.
				wantAccept = append(wantAccept, "")
			}
			continue
		}
		s := cell(r.Srcaddr) + " " + cell(r.Dstaddr) + " " + strconv.FormatInt(start, 10) + " " + *r.Action
		want = append(want, s)
		if *r.Action == "ACCEPT" {
			wantAccept = append(wantAccept, s)
		}
		if r.Srcaddr != nil && *r.Srcaddr == hot {
			wantSrc = append(wantSrc, s)
		}
	}
	wantAccept = slices.DeleteFunc(wantAccept, func(s string) bool { return s == "" })
	data := writeGenericParquet(t, rows)
	for _, tc := range []struct {
		name  string
		prune Pruning
		want  []string
	}{
		{"whole", Pruning{}, want},
		{"action filter", Pruning{Equal: map[string][]string{"action": {"ACCEPT"}}}, wantAccept},
		{"srcaddr filter", Pruning{Equal: map[string][]string{"srcaddr": {hot}}}, wantSrc},
	} {
		for _, pg := range []bool{false, true} {
			name := tc.name
			opts := []Option{WithColumns("srcaddr", "dstaddr", "action", "start")}
			if pg {
				name += ", parquet-go"
				opts = append(opts, withParquetGo())
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			p, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "flow.parquet", tc.prune, append(opts, WithAllocator(mem))...)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for p.Next() {
				b := p.Batch()
				got = append(got, flowBatchRows(b)...)
				for c, isDistinct := range map[int]bool{0: true, 1: false} {
					d, ok := b.Column(c).(*array.Dictionary)
					if !ok {
						t.Fatalf("%s: column %s is %v; want a dictionary", name, b.ColumnName(c), b.Column(c).DataType())
					}
					dict := d.Dictionary().(*array.String)
					seen := map[string]bool{}
					for k := range dict.Len() {
						if dict.IsValid(k) && dict.Value(k) == "-" {
							// (a chunk's dictionary, shared: its "-" is NULL)
							t.Fatalf("%s: column %s: dictionary entry %d is \"-\", not NULL", name, b.ColumnName(c), k)
						}
						if isDistinct && seen[dict.Value(k)] {
							t.Fatalf("%s: column %s: dictionary entry %q twice", name, b.ColumnName(c), dict.Value(k))
						}
						seen[dict.Value(k)] = true
					}
					// At most an entry per row read for the batch
					// (rejected rows' entries stay, unused).
					if dict.Len() > BatchRows {
						t.Fatalf("%s: column %s: %d dictionary entries in a batch", name, b.ColumnName(c), dict.Len())
					}
				}
			}
			if p.Err() != nil {
				t.Fatalf("%s: %v", name, p.Err())
			}
			nrej := len(p.Rejects().Errs)
			p.Release()
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: %d rows, first differing %v; want %d", name, len(got), firstDiff(got, tc.want), len(tc.want))
			}
			if wantRej := (n + 1001 - 6) / 1001; tc.name != "action filter" && nrej != wantRej {
				t.Errorf("%s: %d rejected rows; want %d", name, nrej, wantRej)
			}
			mem.AssertSize(t, 0)
		}
	}
}
