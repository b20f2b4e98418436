package parsers

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

const (
	flowHeaderV2 = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
	flowHeaderV5 = flowHeaderV2 + " vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path"
	flowHeaderV8 = flowHeaderV5 + " ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn ecs-container-instance-id ecs-container-id ecs-second-container-id ecs-service-name ecs-task-definition-arn ecs-task-arn ecs-task-id reject-reason"

	flowLineV2 = "2 123456789010 eni-0a1b2c3d4e5f60718 198.51.100.7 10.0.1.25 44321 22 6 1 40 1700000000 1700000055 REJECT OK"
)

// flowCell renders row i of a as text, NULL for null.
func flowCell(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "NULL"
	}
	switch a := a.(type) {
	case *array.Int32:
		return strconv.Itoa(int(a.Value(i)))
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.String:
		return a.Value(i)
	case *array.Dictionary:
		return a.Dictionary().(*array.String).Value(a.GetValueIndex(i))
	}
	panic("BUG: unexpected array type " + a.DataType().String())
}

// flowResult is everything a read produced, with Arrow objects rendered.
type flowResult struct {
	cols    []string // batch schema column names
	rows    []string // each row's cells joined by " "
	stats   Stats
	rejects []*ParseError
	err     error
}

// flowBatchRows renders the rows of b.
func flowBatchRows(b arrow.RecordBatch) []string {
	var rows []string
	cells := make([]string, b.NumCols())
	for i := range int(b.NumRows()) {
		for j, c := range b.Columns() {
			cells[j] = flowCell(c, i)
		}
		rows = append(rows, strings.Join(cells, " "))
	}
	return rows
}

// readFlowText reads r to the end with a [VPCFlowReader].
func readFlowText(t testing.TB, r io.Reader, opts ...Option) flowResult {
	t.Helper()
	p, err := NewVPCFlowReader(r, "flow.log", opts...)
	if err != nil {
		return flowResult{err: err}
	}
	defer p.Release()
	var res flowResult
	for _, f := range p.Schema().Fields() {
		res.cols = append(res.cols, f.Name)
	}
	for p.Next() {
		b := p.Batch()
		if !b.Schema().Equal(p.Schema()) {
			t.Fatalf("batch schema %v; want %v", b.Schema(), p.Schema())
		}
		res.rows = append(res.rows, flowBatchRows(b)...)
	}
	res.stats = p.Stats()
	res.rejects = p.Rejects().Errs
	res.err = p.Err()
	return res
}

type vpcFlowSuccessCase struct {
	name  string
	input string
	cols  []string // projection
	want  []string // rows, cells of the projected columns
}

var vpcFlowSuccessCases = []vpcFlowSuccessCase{{
	name:  "default format without header",
	input: flowLineV2 + "\n",
	cols:  []string{"srcaddr", "dstport", "protocol", "bytes", "action", "log_status"},
	want:  []string{"198.51.100.7 22 6 40 REJECT OK"},
}, {
	name:  "default format with header",
	input: flowHeaderV2 + "\n" + flowLineV2 + "\n",
	cols:  []string{"version", "account_id", "start", "end"},
	want:  []string{"2 123456789010 1700000000 1700000055"},
}, {
	name:  "no final newline and CRLF",
	input: flowHeaderV2 + "\r\n" + flowLineV2 + "\r\n" + flowLineV2,
	cols:  []string{"srcport", "log_status"},
	want:  []string{"44321 OK", "44321 OK"},
}, {
	name:  "NODATA is mostly null",
	input: "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n",
	cols:  []string{"interface_id", "srcaddr", "srcport", "protocol", "packets", "start", "action", "log_status"},
	want:  []string{"eni-1235b8ca123456789 NULL NULL NULL NULL 1431280876 NULL NODATA"},
}, {
	name:  "custom order, subset",
	input: "dstport srcaddr action end start\n443 10.0.0.1 ACCEPT 20 10\n- - - - -\n",
	cols:  []string{"srcaddr", "dstport", "start", "end", "action", "vpc_id"},
	want:  []string{"10.0.0.1 443 10 20 ACCEPT NULL", "NULL NULL NULL NULL NULL NULL"},
}, {
	name:  "underscore header names",
	input: "version log_status flow_direction traffic_path\n5 OK egress 8\n",
	cols:  []string{"log_status", "flow_direction", "traffic_path"},
	want:  []string{"OK egress 8"},
}, {
	name:  "columns the header lacks are null",
	input: "srcaddr\n10.0.0.1\n",
	cols:  []string{"srcaddr", "version", "reject_reason", "flow_direction"},
	want:  []string{"NULL 10.0.0.1 NULL NULL"}, // schema order
}, {
	name:  "limits",
	input: "srcport dstport protocol bytes\n0 65535 255 9223372036854775807\n",
	cols:  []string{"srcport", "dstport", "protocol", "bytes"},
	want:  []string{"0 65535 255 9223372036854775807"},
}, {
	name:  "start equal to end",
	input: "start end\n10 10\n",
	cols:  []string{"start", "end"},
	want:  []string{"10 10"},
}, {
	name:  "IPv6",
	input: "srcaddr dstaddr protocol\n2001:db8::1 fe80::1 58\n",
	cols:  []string{"srcaddr", "dstaddr", "protocol"},
	want:  []string{"2001:db8::1 fe80::1 58"},
}, {
	name:  "source column",
	input: flowLineV2 + "\n",
	cols:  []string{"action", SourceColumn},
	want:  []string{"REJECT flow.log"},
}, {
	name:  "repeated header is skipped",
	input: flowHeaderV2 + "\n" + flowLineV2 + "\n" + flowHeaderV2 + "\n" + flowLineV2 + "\n",
	cols:  []string{"dstport"},
	want:  []string{"22", "22"},
}, {
	name:  "empty input",
	input: "",
	cols:  []string{"dstport"},
}, {
	name:  "header only",
	input: flowHeaderV2,
	cols:  []string{"dstport"},
}, {
	name:  "header of one field, no data",
	input: "interface-id\n",
	cols:  []string{"interface_id"},
	want:  nil, // "interface-id" is a header naming one field, no data
}, {
	name:  "lowercase data line",
	input: "interface-id action\neni-1 ACCEPT\nunknown REJECT\n",
	cols:  []string{"interface_id", "action"},
	want:  []string{"eni-1 ACCEPT", "unknown REJECT"},
}}

func TestVPCFlow_Success(t *testing.T) {
	tests := vpcFlowSuccessCases
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			res := readFlowText(t, strings.NewReader(tt.input), WithAllocator(mem), WithColumns(tt.cols...), WithStrict(true))
			if res.err != nil {
				t.Fatalf("input %q: %v", tt.input, res.err)
			}
			if strings.Join(res.cols, " ") != strings.Join(vpcFlowProjected(tt.cols), " ") {
				t.Errorf("columns %q; want %q", res.cols, tt.cols)
			}
			if strings.Join(res.rows, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("input %q:\ngot  %q\nwant %q", tt.input, res.rows, tt.want)
			}
			if res.stats.Records != int64(len(tt.want)) || res.stats.Rejected != 0 {
				t.Errorf("stats %+v; want %d records", res.stats, len(tt.want))
			}
			if res.stats.Bytes != int64(len(tt.input)) {
				t.Errorf("stats.Bytes = %d; want %d (the whole input)", res.stats.Bytes, len(tt.input))
			}
		})
	}
}

// vpcFlowProjected returns cols in VPCFlowSchema order.
func vpcFlowProjected(cols []string) []string {
	var out []string
	for _, f := range VPCFlowSchema.Fields() {
		for _, c := range cols {
			if c == f.Name {
				out = append(out, c)
			}
		}
	}
	return out
}

func TestVPCFlow_FullSchema(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	line := "8 123456789012 eni-0e5a6b7c8d9e0f1a2 10.0.2.15 35.172.10.9 40122 443 6 14 4021 1755678619 1755678641 ACCEPT OK vpc-1 subnet-1 i-1 19 IPv4 10.0.2.15 35.172.10.9 us-east-1 use1-az1 - - - AMAZON egress 8 arn:c c arn:ci ci cid1 - svc arn:td arn:t t1 BPA"
	res := readFlowText(t, strings.NewReader(flowHeaderV8+"\n"+line+"\n"), WithAllocator(mem))
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.cols) != VPCFlowSchema.NumFields() {
		t.Fatalf("%d columns; want %d", len(res.cols), VPCFlowSchema.NumFields())
	}
	want := strings.ReplaceAll(line, " - ", " NULL ") + " flow.log"
	want = strings.ReplaceAll(want, " - ", " NULL ")
	if len(res.rows) != 1 || res.rows[0] != want {
		t.Errorf("got  %q\nwant %q", res.rows, want)
	}
}

func TestVPCFlow_UnknownFields(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := "srcaddr resource-id encryption-status\n10.0.0.1 i-0abc 1\n10.0.0.2 - -\n"

	res := readFlowText(t, strings.NewReader(in), WithAllocator(mem))
	if res.err != nil {
		t.Fatal(res.err)
	}
	n := VPCFlowSchema.NumFields()
	if got := strings.Join(res.cols[n:], " "); got != "resource_id encryption_status" {
		t.Errorf("extra columns %q; want resource_id encryption_status after the %d schema columns", got, n)
	}
	for i, f := range VPCFlowSchema.Fields() {
		if res.cols[i] != f.Name {
			t.Fatalf("column %d is %q; want %q", i, res.cols[i], f.Name)
		}
	}
	var last []string
	for _, r := range res.rows {
		f := strings.Split(r, " ")
		last = append(last, strings.Join(f[n:], " "))
	}
	if want := []string{"i-0abc 1", "NULL NULL"}; strings.Join(last, "|") != strings.Join(want, "|") {
		t.Errorf("extra cells %q; want %q", last, want)
	}

	// A projection cannot name them: they are skipped.
	res = readFlowText(t, strings.NewReader(in), WithAllocator(mem), WithColumns("srcaddr"))
	if res.err != nil || strings.Join(res.rows, "|") != "10.0.0.1|10.0.0.2" || len(res.cols) != 1 {
		t.Errorf("projected: cols %q rows %q err %v", res.cols, res.rows, res.err)
	}
}

func TestVPCFlow_TransitGateway(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in, err := os.ReadFile("../testdata/vpcflow/tgw.log")
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewVPCFlowReader(bytes.NewReader(in), "tgw.log", WithAllocator(mem))
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrFormat) {
		t.Fatalf("got %v; want a *ParseError wrapping ErrFormat", err)
	}
	if pe.Line != 1 || pe.Col != len("version ")+1 || pe.Offset != int64(len("version ")) {
		t.Errorf("position %d:%d offset %d; want 1:9 offset 8", pe.Line, pe.Col, pe.Offset)
	}
	const want = `tgw.log:1:9 (header field 2): expected a VPC flow log header, found Transit Gateway flow log field "resource-type" (Transit Gateway flow logs are not read as vpc_flow)`
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
}

type vpcFlowFailureCase struct {
	name  string
	input string
	cols  []string // projection, nil for all
	path  string
	err   string // regexp on the ParseError's Err
	is    error
	rows  int // good rows read around the bad one
}

var vpcFlowFailureCases = []vpcFlowFailureCase{{
	// A headerless v3 file read in the all-fields format its first line
	// has: a short line names its missing field from that format.
	name: "short line of an inferred format",
	input: "3 123456789010 eni-1 198.51.100.7 10.0.1.25 44321 22 6 1 40 1700000000 1700000055 REJECT OK vpc-1 subnet-1 i-1 2 IPv4 198.51.100.7 10.0.1.25\n" +
		"3 123456789010 eni-1 198.51.100.7 10.0.1.25 44321 22 6 1 40 1700000000 1700000055 REJECT OK vpc-1 subnet-1§\n",
	path: "field 17 (instance-id)",
	err:  `^expected 21 fields \(default format: .*\), found 16 fields$`,
	is:   ErrSyntax,
	rows: 1,
}, {
	name:  "NUL in a string field",
	input: flowHeaderV2 + "\n" + flowLineV2 + "\n2 123456789010 eni-0a§\x001 198.51.100.7 10.0.1.25 44321 22 6 1 40 1700000000 1700000055 REJECT OK\n" + flowLineV2 + "\n",
	path:  "field 3 (interface-id)",
	err:   `^expected text without control characters, found "\\x00"$`,
	is:    ErrSyntax,
	rows:  2,
}, {
	name:  "invalid UTF-8 in a string field",
	input: flowHeaderV2 + "\n2 123456789010 eni-1 198.51.100.7 10.0.1.25§\xff\xfe 44321 22 6 1 40 1700000000 1700000055 REJECT OK\n" + flowLineV2 + "\n",
	path:  "field 5 (dstaddr)",
	err:   `^expected valid UTF-8, found "\\xff\\xfe"$`,
	is:    ErrSyntax,
	rows:  1,
}, {
	name:  "invalid UTF-8 in a long string field",
	input: flowHeaderV2 + "\n2 123456789010 eni-0123456789abcdef0123456789§\xc3 198.51.100.7 10.0.1.25 44321 22 6 1 40 1700000000 1700000055 REJECT OK\n" + flowLineV2 + "\n",
	cols:  []string{"interface_id"},
	path:  "field 3 (interface-id)",
	err:   `^expected valid UTF-8, found "\\xc3"$`,
	is:    ErrSyntax,
	rows:  1,
}, {
	name:  "control character in a dictionary field",
	input: flowHeaderV2 + "\n" + flowLineV2 + "\n2 123456789010 eni-1 198.51.100.7 10.0.1.25 44321 22 6 1 40 1700000000 1700000055 ACC§\x1bEPT OK\n",
	cols:  []string{"action"},
	path:  "field 13 (action)",
	err:   `^expected text without control characters, found "\\x1b"$`,
	is:    ErrSyntax,
	rows:  1,
}, {
	name:  "invalid UTF-8 in a long dictionary field",
	input: flowHeaderV2 + "\n2 123456789010 eni-1 198.51.100.7 10.0.1.25 44321 22 6 1 40 1700000000 1700000055 REJECT SKIPDATA§\x80\n" + flowLineV2 + "\n",
	path:  "field 14 (log-status)",
	err:   `^expected valid UTF-8, found "\\x80"$`,
	is:    ErrSyntax,
	rows:  1,
}, {
	name:  "too few fields",
	input: flowHeaderV2 + "\n" + flowLineV2 + "\n" + strings.TrimSuffix(flowLineV2, " OK") + "§\n" + flowLineV2 + "\n",
	path:  "field 14 (log-status)",
	err:   `^expected 14 fields, found 13 fields$`,
	is:    ErrSyntax,
	rows:  2,
}, {
	name:  "too many fields",
	input: flowHeaderV2 + "\n" + flowLineV2 + " §extra\n" + flowLineV2 + "\n",
	path:  "field 15",
	err:   `^expected 14 fields, found 15 fields$`,
	is:    ErrSyntax,
	rows:  1,
}, {
	name:  "too many fields without header",
	input: flowLineV2 + " §x y\n",
	cols:  []string{"version"},
	path:  "field 15",
	err:   `^expected 14 fields \(default format: the file has no header line; give its format with --flow-format '\$\{version\} \$\{account-id\} \.\.\.'\), found 16 fields$`,
	is:    ErrSyntax,
}, {
	name:  "port not an integer",
	input: flowHeaderV2 + "\n2 123456789010 eni-1 198.51.100.7 10.0.1.25 §ssh 22 6 1 40 1700000000 1700000055 REJECT OK\n" + flowLineV2 + "\n",
	path:  "field 6 (srcport)",
	err:   `^expected integer 0-65535, found "ssh"$`,
	is:    ErrType,
	rows:  1,
}, {
	name:  "port above 65535",
	input: "2 123456789010 eni-1 198.51.100.7 10.0.1.25 44321 §65536 6 1 40 1700000000 1700000055 REJECT OK\n",
	cols:  []string{"dstport"},
	path:  "field 7 (dstport)",
	err:   `^expected integer 0-65535, found "65536"$`,
	is:    ErrType,
}, {
	name:  "protocol not an integer",
	input: flowLineV2 + "\n2 123456789010 eni-1 198.51.100.7 10.0.1.25 44321 22 §tcp 1 40 1700000000 1700000055 REJECT OK\n",
	path:  "field 8 (protocol)",
	err:   `^expected integer 0-255, found "tcp"$`,
	is:    ErrType,
	rows:  1,
}, {
	name:  "protocol above 255",
	input: "2 123456789010 eni-1 198.51.100.7 10.0.1.25 44321 22 §256 1 40 1700000000 1700000055 REJECT OK\n",
	path:  "field 8 (protocol)",
	err:   `^expected integer 0-255, found "256"$`,
	is:    ErrType,
}, {
	name:  "negative bytes",
	input: "2 123456789010 eni-1 198.51.100.7 10.0.1.25 44321 22 6 1 §-40 1700000000 1700000055 REJECT OK\n",
	cols:  []string{"bytes"},
	path:  "field 10 (bytes)",
	err:   `^expected non-negative integer, found "-40"$`,
	is:    ErrType,
}, {
	name:  "integer overflow",
	input: "packets\n§9223372036854775808\n",
	path:  "field 1 (packets)",
	err:   `^expected non-negative integer, found "9223372036854775808"$`,
	is:    ErrType,
}, {
	name:  "start after end",
	input: flowHeaderV2 + "\n2 123456789010 eni-1 198.51.100.7 10.0.1.25 44321 22 6 1 40 1700000055 §1700000000 REJECT OK\n",
	cols:  []string{"start", "end"},
	path:  "field 12 (end)",
	err:   `^expected end at or after start 1700000055, found "1700000000"$`,
	is:    ErrType,
}, {
	name:  "empty field",
	input: "srcaddr dstaddr\n10.0.0.1 §\n",
	path:  "field 2 (dstaddr)",
	err:   `^expected a value or "-", found an empty field$`,
	is:    ErrSyntax,
}, {
	name:  "empty integer field",
	input: "srcport dstport\n§ 22\n",
	path:  "field 1 (srcport)",
	err:   `^expected a value or "-", found an empty field$`,
	is:    ErrSyntax,
}, {
	name:  "empty line",
	input: flowLineV2 + "\n§\n" + flowLineV2 + "\n",
	err:   `^expected 14 fields, found an empty line$`,
	is:    ErrSyntax,
	rows:  2,
}, {
	name:  "second header mid-file",
	input: flowHeaderV2 + "\n" + flowLineV2 + "\n§version account-id interface-id dstaddr srcaddr dstport srcport protocol packets bytes start end action log-status\n" + flowLineV2 + "\n",
	cols:  []string{"srcaddr", "dstport"},
	err:   `^expected a flow record, found a header line different from the first one$`,
	is:    ErrFormat,
	rows:  2,
}, {
	name:  "header in a file without one",
	input: flowLineV2 + "\n§version srcaddr\n",
	err:   `^expected a flow record, found a header line in a file without one$`,
	is:    ErrFormat,
	rows:  1,
}, {
	name:  "unknown header fields naming one column",
	input: "srcaddr new-field §new_field\n",
	path:  "header field 3",
	err:   `^expected distinct column names, found "new_field" naming column new_field twice$`,
	is:    ErrFormat,
}, {
	name:  "duplicate header field",
	input: "srcaddr dstaddr §srcaddr\n",
	path:  "header field 3",
	err:   `^expected distinct field names, found "srcaddr" again$`,
	is:    ErrFormat,
}}

func TestVPCFlow_Failure(t *testing.T) {
	// § marks where the error points; it is removed before parsing. Every
	// input has one bad line among good ones.
	tests := vpcFlowFailureCases
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mark := strings.Index(tt.input, "§")
			if mark < 0 {
				t.Fatal("BUG: no § in input")
			}
			in := strings.Replace(tt.input, "§", "", 1)
			line := strings.Count(in[:mark], "\n") + 1
			col := mark - (strings.LastIndex(in[:mark], "\n") + 1) + 1

			check := func(err error) {
				t.Helper()
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("input %q: got %v; want a *ParseError", in, err)
				}
				if pe.Source != "flow.log" || pe.Line != line || pe.Col != col || pe.Offset != int64(mark) || pe.Path != tt.path {
					t.Errorf("input %q: got %s:%d:%d offset %d path %q; want flow.log:%d:%d offset %d path %q",
						in, pe.Source, pe.Line, pe.Col, pe.Offset, pe.Path, line, col, mark, tt.path)
				}
				if !regexp.MustCompile(tt.err).MatchString(pe.Err.Error()) {
					t.Errorf("input %q: got %q; want match for %q", in, pe.Err, tt.err)
				}
				if !errors.Is(err, tt.is) {
					t.Errorf("got %v; want errors.Is %v", err, tt.is)
				}
			}

			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			res := readFlowText(t, strings.NewReader(in), WithAllocator(mem), WithColumns(tt.cols...))
			if strings.HasPrefix(tt.path, "header") { // a header error stops the constructor
				check(res.err)
				return
			}
			if res.err != nil {
				t.Fatalf("input %q: Err() = %v; want nil without strict", in, res.err)
			}
			if len(res.rejects) != 1 || res.stats.Rejected != 1 {
				t.Fatalf("input %q: %d rejects, stats %+v; want 1", in, len(res.rejects), res.stats)
			}
			check(res.rejects[0])
			if len(res.rows) != tt.rows || res.stats.Records != int64(tt.rows) {
				t.Errorf("input %q: %d rows, stats %+v; want %d", in, len(res.rows), res.stats, tt.rows)
			}
			if res.stats.Bytes != int64(len(in)) {
				t.Errorf("stats.Bytes = %d; want %d", res.stats.Bytes, len(in))
			}

			res = readFlowText(t, strings.NewReader(in), WithAllocator(mem), WithColumns(tt.cols...), WithStrict(true))
			check(res.err)
			if len(res.rejects) != 0 {
				t.Errorf("strict: %d rejects kept; want 0", len(res.rejects))
			}
		})
	}
}

func TestVPCFlow_SecondHeaderSwitchesLayout(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in, err := os.ReadFile("../testdata/vpcflow/bad-second-header.log")
	if err != nil {
		t.Fatal(err)
	}
	res := readFlowText(t, bytes.NewReader(in), WithAllocator(mem), WithColumns("srcaddr", "dstaddr", "srcport", "dstport"))
	want := []string{
		"198.51.100.7 10.0.1.25 44321 22",
		"198.51.100.7 10.0.1.25 44322 22",
		"198.51.100.7 10.0.1.25 44323 22", // swapped columns read by the new header
	}
	if strings.Join(res.rows, "|") != strings.Join(want, "|") {
		t.Errorf("got  %q\nwant %q", res.rows, want)
	}
	if res.stats.Rejected != 1 || res.rejects[0].Line != 5 {
		t.Errorf("rejects %v; want the header on line 5", res.rejects)
	}
}

func TestVPCFlow_LineTooLong(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	long := "srcaddr\n" + strings.Repeat("x", 3*vpcFlowMaxLine) + "\n10.0.0.1\n" + strings.Repeat("y", vpcFlowMaxLine+5)
	res := readFlowText(t, iotest.HalfReader(strings.NewReader(long)), WithAllocator(mem))
	if res.err != nil || res.stats.Rejected != 2 || len(res.rows) != 1 {
		t.Fatalf("err %v, stats %+v, rows %d; want 2 rejected, 1 row", res.err, res.stats, len(res.rows))
	}
	for i, wantLine := range []int{2, 4} {
		e := res.rejects[i]
		if e.Line != wantLine || e.Col != vpcFlowMaxLine+1 || !errors.Is(e, ErrTooLarge) {
			t.Errorf("reject %d: %v (line %d col %d); want line %d col %d ErrTooLarge", i, e, e.Line, e.Col, wantLine, vpcFlowMaxLine+1)
		}
	}
	if res.stats.Bytes != int64(len(long)) {
		t.Errorf("stats.Bytes = %d; want %d", res.stats.Bytes, len(long))
	}
}

// flowTestdata opens a testdata sample, decompressing a .gz one. (Not
// with archive.Decompress: archive imports parsers.)
func flowTestdata(t testing.TB, name string) io.Reader {
	t.Helper()
	f, err := os.Open(filepath.Join("../testdata/vpcflow", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if !strings.HasSuffix(name, ".gz") {
		return f
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { zr.Close() })
	return zr
}

func TestVPCFlow_Testdata(t *testing.T) {
	tests := []struct {
		file     string
		rows     int // with the projection below
		rejected int
		fullRows int // with every column
		// first row, columns srcaddr dstport protocol bytes start action log_status version
		first string
	}{
		{"v2-default-noheader.log", 6, 0, 6, "172.31.16.139 22 6 4249 1418530010 ACCEPT OK 2"},
		{"v2-default-header.log", 5, 0, 5, "198.51.100.7 22 6 40 1700000000 REJECT OK 2"},
		{"v2-default-header.log.gz", 5, 0, 5, "198.51.100.7 22 6 40 1700000000 REJECT OK 2"},
		{"v3-custom.log", 4, 0, 4, "52.213.180.42 5001 6 568 1566848875 ACCEPT OK 3"},
		{"v5-all-fields.log", 4, 0, 4, "89.160.20.156 33004 17 1 1640000066 REJECT OK 5"},
		{"v8-ecs.log", 3, 0, 3, "10.0.2.15 443 6 4021 1755678619 ACCEPT OK 8"},
		{"v9-unknown-fields.log", 2, 0, 2, "10.200.0.80 443 6 21010 1640000066 ACCEPT OK 5"},
		{"nodata-skipdata.log", 3, 0, 3, "NULL NULL NULL NULL 1431280876 NULL NODATA 2"},
		{"ipv6.log", 3, 0, 3, "2001:db8:1234:a100:8d6e:3477:df66:f105 22 6 8855 1477913708 ACCEPT OK 2"},
		{"bad-values.log", 4, 6, 2, "198.51.100.7 22 6 40 1700000000 REJECT OK 2"}, // srcport and end not checked
		{"bad-second-header.log", 3, 1, 3, "198.51.100.7 22 6 40 1700000000 REJECT OK 2"},
	}
	cols := []string{"srcaddr", "dstport", "protocol", "bytes", "start", "action", "log_status", "version"}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			res := readFlowText(t, flowTestdata(t, tt.file), WithAllocator(mem), WithColumns(cols...))
			if res.err != nil {
				t.Fatal(res.err)
			}
			if len(res.rows) != tt.rows || res.stats.Rejected != int64(tt.rejected) {
				t.Fatalf("%d rows, %d rejected (%v); want %d, %d", len(res.rows), res.stats.Rejected, res.rejects, tt.rows, tt.rejected)
			}
			// Cells in schema order: version srcaddr dstport protocol bytes start action log_status.
			f := strings.Split(res.rows[0], " ")
			got := strings.Join(append(f[1:], f[0]), " ")
			if got != tt.first {
				t.Errorf("first row %q; want %q", got, tt.first)
			}
			// The full schema reads every sample as well.
			full := readFlowText(t, flowTestdata(t, tt.file), WithAllocator(mem))
			if full.err != nil || len(full.rows) != tt.fullRows {
				t.Errorf("full schema: %d rows, err %v; want %d", len(full.rows), full.err, tt.fullRows)
			}
		})
	}
}

func TestVPCFlow_BadValuesPositions(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	res := readFlowText(t, flowTestdata(t, "bad-values.log"), WithAllocator(mem))
	want := []string{
		"flow.log:3:105 (field 14 (log-status)): expected 14 fields, found 13 fields",
		"flow.log:4:109 (field 15): expected 14 fields, found 15 fields",
		`flow.log:5:61 (field 6 (srcport)): expected integer 0-65535, found "ssh"`,
		`flow.log:6:67 (field 7 (dstport)): expected integer 0-65535, found "70000"`,
		`flow.log:7:70 (field 8 (protocol)): expected integer 0-255, found "tcp"`,
		`flow.log:8:70 (field 8 (protocol)): expected integer 0-255, found "256"`,
		`flow.log:9:74 (field 10 (bytes)): expected non-negative integer, found "-40"`,
		`flow.log:10:88 (field 12 (end)): expected end at or after start 1700000055, found "1700000000"`,
	}
	var got []string
	for _, e := range res.rejects {
		got = append(got, e.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestVPCFlow_TruncatedGzip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	res := readFlowText(t, flowTestdata(t, "truncated.log.gz"), WithAllocator(mem), WithColumns("srcaddr", "dstport"))
	var pe *ParseError
	if !errors.As(res.err, &pe) {
		t.Fatalf("Err() = %v; want a *ParseError", res.err)
	}
	if !errors.Is(res.err, ErrTruncated) || !errors.Is(res.err, io.ErrUnexpectedEOF) {
		t.Errorf("Err() = %v; want it to wrap ErrTruncated and io.ErrUnexpectedEOF", res.err)
	}
	// The error points at the end of what decompressed: the header, the
	// complete lines, then the line cut short.
	got, err := io.ReadAll(flowTestdata(t, "truncated.log.gz"))
	if err == nil {
		t.Fatal("BUG: truncated.log.gz decompresses without error")
	}
	line := bytes.Count(got, []byte{'\n'}) + 1
	col := len(got) - (bytes.LastIndexByte(got, '\n') + 1) + 1
	if pe.Line != line || pe.Col != col || pe.Offset != int64(len(got)) || pe.Offset != res.stats.Bytes {
		t.Errorf("error at %d:%d offset %d (stats.Bytes %d); want %d:%d offset %d, the end of the %d bytes that decompress",
			pe.Line, pe.Col, pe.Offset, res.stats.Bytes, line, col, len(got), len(got))
	}
	if len(res.rows) != line-2 {
		t.Errorf("%d rows; want the %d complete lines after the header", len(res.rows), line-2)
	}
	if len(res.rows) == 0 {
		t.Errorf("no rows before the truncation; want the complete lines")
	}
	t.Log(res.err)
}

// chunkReader returns at most n bytes per Read, to move line ends across
// buffer refills.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(p) > c.n {
		p = p[:c.n]
	}
	return c.r.Read(p)
}

func TestVPCFlow_ManyBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var in strings.Builder
	in.WriteString(flowHeaderV5 + "\n")
	const n = 3*BatchRows + 17
	for i := range n {
		fmt.Fprintf(&in, "5 123456789012 eni-1 10.0.0.%d 10.0.1.1 %d 443 6 3 %d 1640000000 1640000060 %s OK vpc-1 subnet-1 - 2 IPv4 - - us-east-1 use1-az1 - - - - %s %d\n",
			i%256, i%65536, i, []string{"ACCEPT", "REJECT"}[i%2], []string{"ingress", "egress"}[i%3%2], i%9)
	}
	for _, chunk := range []int{7, 4093, 1 << 20} {
		p, err := NewVPCFlowReader(&chunkReader{strings.NewReader(in.String()), chunk}, "s", WithAllocator(mem),
			WithColumns("srcport", "bytes", "action", "flow_direction", "traffic_path", "srcaddr"))
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		for p.Next() {
			b := p.Batch()
			if b.NumRows() > BatchRows {
				t.Fatalf("batch of %d rows", b.NumRows())
			}
			for _, r := range flowBatchRows(b) {
				want := fmt.Sprintf("10.0.0.%d %d %d %s %s %d", i%256, i%65536, i, []string{"ACCEPT", "REJECT"}[i%2], []string{"ingress", "egress"}[i%3%2], i%9)
				if r != want {
					t.Fatalf("chunk %d row %d: %q; want %q", chunk, i, r, want)
				}
				i++
			}
		}
		if p.Err() != nil || i != n || p.Stats().Bytes != int64(in.Len()) {
			t.Errorf("chunk %d: err %v, %d rows, stats %+v; want %d rows, %d bytes", chunk, p.Err(), i, p.Stats(), n, in.Len())
		}
		p.Release()
	}
}

// TestVPCFlow_NoAllocsPerRow locks in STYLE §4.1: allocations grow with
// batches (arrays and buffers per column), never with rows.
func TestVPCFlow_NoAllocsPerRow(t *testing.T) {
	skipAllocsUnderRace(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	line := "5 123456789012 eni-069a1b2c3d4e5f490 10.200.0.80 52.216.10.5 44211 443 6 30 21010 1640000066 1640000120 ACCEPT OK vpc-09676f97a1b2c3b8a subnet-02d645a1b2c3ddbc0 i-0a1b2c3d4e5f1ad77 19 IPv4 10.200.0.80 52.216.10.5 us-east-1 use1-az5 - - - S3 egress 7\n"
	allocs := func(cols []string, batches int, eq map[string][]string) float64 {
		in := []byte(flowHeaderV5 + "\n" + strings.Repeat(line, batches*BatchRows))
		r := bytes.NewReader(in)
		return testing.AllocsPerRun(3, func() {
			r.Reset(in)
			p, err := NewVPCFlowReader(r, "s", WithAllocator(mem), WithColumns(cols...), WithEqual(eq))
			if err != nil {
				t.Fatal(err)
			}
			for p.Next() {
			}
			p.Release()
		})
	}
	for _, cols := range [][]string{{"srcaddr", "dstaddr", "dstport", "protocol", "action", "bytes"}, nil} {
		one, five := allocs(cols, 1, nil), allocs(cols, 5, nil)
		perBatch := (five - one) / 4
		ncols := len(cols)
		if cols == nil {
			ncols = VPCFlowSchema.NumFields()
		}
		// An array costs its Data, its buffers and the allocator's
		// bookkeeping: a bounded number per column, whatever the rows.
		if limit := float64(32 * ncols); perBatch > limit {
			t.Errorf("columns %q: %.0f allocations per batch of %d rows; want at most %.0f", cols, perBatch, BatchRows, limit)
		}
		t.Logf("columns %q: %.0f allocations per batch of %d rows (%.4f per row), %.0f for the reader", cols, perBatch, BatchRows, perBatch/BatchRows, one-perBatch)
	}
	// Lines WithEqual leaves out are checked without allocating.
	eq := map[string][]string{"action": {"REJECT"}}
	cols := []string{"srcaddr", "start", "action"}
	if one, five := allocs(cols, 1, eq), allocs(cols, 5, eq); five > one {
		t.Errorf("lines left out: %.0f allocations for 5 batches of lines, %.0f for 1; want no more", five, one)
	}
}

// TestVPCFlowReuse_Success: a reader takes the column buffers and scratch
// of the readers released before it (flowSpare), and reads the same rows
// whatever they held: each projection read after each other one (their
// dictionaries, values and SourceColumn indexes in the buffers) gives the
// rows it gives after itself.
func TestVPCFlowReuse_Success(t *testing.T) {
	in, err := io.ReadAll(flowTestdata(t, "v5-all-fields.log"))
	if err != nil {
		t.Fatal(err)
	}
	// Enough lines that columns are sized for BatchRows, as in the
	// small file's reader they are not.
	big := flowHeaderV2 + "\n" + strings.Repeat(flowLineV2+"\n"+strings.Replace(flowLineV2, "REJECT", "ACCEPT", 1)+"\n", BatchRows)
	projections := [][]string{
		nil,
		{"srcaddr", "dstport", "protocol", "bytes", "action", "sublocation_type"},
		{SourceColumn, "end", "reject_reason", "flow_direction"},
		{"action", SourceColumn, "log_status"},
		{"srcaddr", "start", "action"},
	}
	read := func(in string, cols []string) string {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		res := readFlowText(t, strings.NewReader(in), WithAllocator(mem), WithColumns(cols...))
		return fmt.Sprint(res.cols, res.rows, res.stats, res.rejects, res.err)
	}
	for _, input := range []string{string(in), big} {
		for _, cols := range projections {
			read(input, cols)
			want := read(input, cols)
			for _, before := range projections {
				read(string(in), before)
				read(big, before)
				if got := read(input, cols); got != want {
					t.Fatalf("columns %q read after columns %q:\n%.2000s\nwant\n%.2000s", cols, before, got, want)
				}
			}
		}
	}
}

// TestVPCFlowReuse_Bytes: a reader per object allocates its columns and
// scratch once, not per object: after the first, reading a small object
// allocates the batch and little more.
func TestVPCFlowReuse_Bytes(t *testing.T) {
	in := []byte(flowHeaderV2 + "\n" + strings.Repeat(flowLineV2+"\n", 200))
	cols := []string{"srcaddr", "start", "action"}
	eq := map[string][]string{"action": {"REJECT"}}
	// One P: a sync.Pool keeps the last value put in the putting P's
	// private slot, which a Get on another P does not see, so a goroutine
	// moved between Ps (go test ./... runs packages side by side on two
	// cores) missed the pool at every read: 248,776 bytes in .ci/run.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	read := func() uint64 {
		return flowReadBytes(t, in, WithColumns(cols...), WithEqual(eq))
	}
	read()
	least := uint64(math.MaxUint64)
	for range 5 { // a GC between two reads empties the pool: the least of a few
		least = min(least, read())
	}
	// The reader struct (its field-end table), the schema and the batch
	// of 200 rows; the columns and scratch (over 64 KiB) come back.
	if limit := uint64(32 << 10); least > limit {
		t.Errorf("%d bytes allocated to read %d bytes; want at most %d", least, len(in), limit)
	}
	t.Logf("%d bytes allocated to read %d bytes", least, len(in))
}

// ExampleNewVPCFlowReader reads flow-log text in a custom format, projected
// onto three columns: '-' is null, and the bad line is counted, not fatal.
func ExampleNewVPCFlowReader() {
	logs := "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n" +
		"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n" +
		"2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n" +
		"2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 tcp 20 4249 1418530010 1418530070 REJECT OK\n"
	r, err := NewVPCFlowReader(strings.NewReader(logs), "flow.log", WithColumns("srcaddr", "dstport", "protocol", "action"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release()
	for r.Next() {
		b := r.Batch() // valid until the next call to Next
		srcaddr := b.Column(0).(*array.String)
		dstport := b.Column(1).(*array.Int32)
		action := b.Column(3).(*array.Dictionary)
		for i := range int(b.NumRows()) {
			if srcaddr.IsNull(i) {
				fmt.Println("no traffic")
				continue
			}
			fmt.Println(srcaddr.Value(i), dstport.Value(i), action.Dictionary().(*array.String).Value(action.GetValueIndex(i)))
		}
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
	}
	fmt.Println(r.Stats().Records, "rows,", r.Stats().Rejected, "rejected")
	fmt.Println(r.Rejects())
	// Output:
	// 172.31.16.139 22 ACCEPT
	// no traffic
	// 2 rows, 1 rejected
	// flow.log:4:73 (field 8 (protocol)): expected integer 0-255, found "tcp"
}

func TestParseFlowIntFast(t *testing.T) {
	f := func(s string, max int64) {
		t.Helper()
		// In a buffer with room after the value, as lines are read, and
		// filled with digits and spaces to catch reads past the end.
		for _, pad := range []string{"", " 1234567", "99999999999999999", "        "} {
			buf := []byte(s + pad)
			v := buf[:len(s)]
			got, gotOK := parseFlowIntFast(v, max)
			want, wantOK := parseFlowInt([]byte(s), max)
			if ref, err := strconv.ParseInt(s, 10, 64); wantOK != (err == nil && ref >= 0 && ref <= max && !strings.ContainsAny(s, "+-_") && len(s) <= 19) || wantOK && ref != want {
				t.Errorf("parseFlowInt(%q, %d) = %d, %v; strconv says %d, %v", s, max, want, wantOK, ref, err)
			}
			if got != want && wantOK || gotOK != wantOK {
				t.Errorf("parseFlowIntFast(%q+%q, %d) = %d, %v; want %d, %v", s, pad, max, got, gotOK, want, wantOK)
			}
		}
	}
	for _, s := range []string{
		"0", "7", "42", "443", "8080", "65535", "65536", "255", "256", "1234567", "12345678", "123456789",
		"1700000000", "99999999", "100000000", "1234567890123456", "9999999999999999", "12345678901234567",
		"9223372036854775807", "9223372036854775808", "00000000000000000000", "0001",
		"", "-", "-1", "+1", "1a", "a1", "12345678x", "x2345678", "1234 678", "123456789012345/", ":", "/",
		"1\xff", "\xff", "12345678\xba", "\x80", "9:", "99999999999999:9",
	} {
		f(s, math.MaxInt64)
		f(s, 65535)
		f(s, 255)
	}
	for i := range 20000 {
		n := int64(i) * 7919 * int64(i%97+1)
		f(strconv.FormatInt(n, 10), math.MaxInt64)
	}
}

// TestVPCFlow_NoColumns reads for count(*): no column is built, yet every
// line is split and its field count checked.
func TestVPCFlow_NoColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := flowLineV2 + "\n" + flowLineV2 + " extra\n" + flowLineV2 + "\n"
	p, err := NewVPCFlowReader(strings.NewReader(in), "flow.log", WithAllocator(mem), WithColumns([]string{}...))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Release()
	rows := int64(0)
	for p.Next() {
		if p.Batch().NumCols() != 0 {
			t.Fatalf("%d columns; want none", p.Batch().NumCols())
		}
		rows += p.Batch().NumRows()
	}
	if p.Err() != nil || rows != 2 || p.Stats().Rejected != 1 {
		t.Errorf("rows %d, stats %+v, err %v; want 2 rows, 1 rejected", rows, p.Stats(), p.Err())
	}
}

// TestVPCFlow_SmallInputSmallColumns checks that a small object, read
// whole by the first fill, gets columns sized for its lines.
func TestVPCFlow_SmallInputSmallColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, tt := range []struct {
		in   string
		rows int
	}{
		{flowHeaderV2 + "\n" + strings.Repeat(flowLineV2+"\n", 3), 4},
		{strings.Repeat(flowLineV2+"\n", 5000), BatchRows},
	} {
		p, err := NewVPCFlowReader(iotest.HalfReader(strings.NewReader(tt.in)), "s", WithAllocator(mem), WithColumns("srcaddr", "vpc_id"))
		if err != nil {
			t.Fatal(err)
		}
		if p.maxRows != tt.rows {
			t.Errorf("%d bytes: columns for %d rows; want %d", len(tt.in), p.maxRows, tt.rows)
		}
		n := int64(0)
		for p.Next() {
			n += p.Batch().NumRows()
		}
		if want := int64(strings.Count(tt.in, "\n")) - int64(btoi(strings.HasPrefix(tt.in, "version"))); n != want || p.Err() != nil {
			t.Errorf("%d rows, err %v; want %d", n, p.Err(), want)
		}
		p.Release()
	}
}

// TestVPCFlow_HeaderlessFormats: lines without a header (CloudWatch Logs
// deliveries) are read with WithFlowFormat's fields, or with the
// all-fields layout of their version when their field count says so.
func TestVPCFlow_HeaderlessFormats(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	read := func(input string, opts ...Option) (rows int64, st Stats, firstErr error, col string) {
		t.Helper()
		r, err := NewVPCFlowReader(strings.NewReader(input), "h.log", append(opts, WithAllocator(mem), WithColumns("srcaddr", "pkt_dstaddr"))...)
		if err != nil {
			return 0, Stats{}, err, ""
		}
		defer r.Release()
		for r.Next() {
			b := r.Batch()
			if col == "" && b.NumRows() > 0 {
				col = b.Column(1).ValueStr(0)
			}
		}
		if len(r.Rejects().Errs) > 0 {
			firstErr = r.Rejects().Errs[0]
		}
		return r.Stats().Records, r.Stats(), firstErr, col
	}
	// A custom format: 4 fields.
	rows, st, err, col := read("5 10.0.0.1 10.0.0.9 10.0.0.2\n", WithFlowFormat("${version} ${srcaddr} ${pkt-dstaddr} ${dstaddr}"))
	if rows != 1 || err != nil || col != "10.0.0.9" || st.Inferred != 0 {
		t.Errorf("given format: rows %d, err %v, pkt_dstaddr %q, inferred %d", rows, err, col, st.Inferred)
	}
	// Version 5, all 29 fields, inferred from the count.
	v5 := "5 111122223333 eni-1 10.0.0.1 10.0.0.2 443 49152 6 10 840 1709650800 1709650860 ACCEPT OK vpc-1 subnet-1 i-1 2 IPv4 10.0.0.1 10.0.0.99 us-east-1 use1-az1 - - - S3 egress 1\n"
	rows, st, err, col = read(v5)
	if rows != 1 || err != nil || col != "10.0.0.99" || st.Inferred != 1 {
		t.Errorf("inferred v5: rows %d, err %v, pkt_dstaddr %q, inferred %d", rows, err, col, st.Inferred)
	}
	// A count that is no version's: rejected, naming the flag.
	rows, _, err, _ = read("5 a b c d e\n")
	if rows != 0 || err == nil || !strings.Contains(err.Error(), "--flow-format") {
		t.Errorf("unknown layout: rows %d, err %v", rows, err)
	}
	// A format of more fields than a header may have is refused, as a
	// header is (the line splitter records at most that many).
	long := strings.Repeat("version ", vpcFlowMaxFields+1)
	if _, _, err, _ := read(strings.Repeat("5 ", vpcFlowMaxFields)+"5\n", WithFlowFormat(long)); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "flow format field 257") {
		t.Errorf("format of %d fields: %v; want ErrTooLarge at field 257", vpcFlowMaxFields+1, err)
	}
	// A bad field name in the format is an error naming it.
	if _, _, err, _ := read("5 x\n", WithFlowFormat("version nope")); err == nil || !strings.Contains(err.Error(), `found "nope"`) {
		t.Errorf("bad format: %v", err)
	}
}

// TestVPCFlowEqual_Success: WithEqual leaves out the lines whose filtered
// value is another or "-", counting them in Stats.Records, and follows a
// second header's layout.
func TestVPCFlowEqual_Success(t *testing.T) {
	in := flowHeaderV2 + "\n" +
		flowLineV2 + "\n" +
		strings.Replace(flowLineV2, "REJECT", "ACCEPT", 1) + "\n" +
		"2 123456789010 eni-1 - - - - - - - 1700000000 1700000055 - NODATA\n" +
		strings.Replace(flowLineV2, "198.51.100.7", "198.51.100.8", 1) + "\n" +
		"action srcaddr start\n" +
		"ACCEPT 10.0.0.1 1700000100\n" +
		"REJECT 10.0.0.2 1700000160\n"
	for _, tt := range []struct {
		name  string
		equal map[string][]string
		want  []string // srcaddr start action
	}{
		{"action", map[string][]string{"action": {"REJECT"}},
			[]string{"198.51.100.7 1700000000 REJECT", "198.51.100.8 1700000000 REJECT", "10.0.0.2 1700000160 REJECT"}},
		{"action in", map[string][]string{"action": {"ACCEPT", "REJECT"}},
			[]string{"198.51.100.7 1700000000 REJECT", "198.51.100.7 1700000000 ACCEPT", "198.51.100.8 1700000000 REJECT",
				"10.0.0.1 1700000100 ACCEPT", "10.0.0.2 1700000160 REJECT"}},
		{"action and srcaddr", map[string][]string{"action": {"REJECT"}, "srcaddr": {"198.51.100.8", "10.0.0.2"}},
			[]string{"198.51.100.8 1700000000 REJECT", "10.0.0.2 1700000160 REJECT"}},
		{"nothing", map[string][]string{"action": {"SKIP"}}, nil},
		{"integer and unprojected columns filter nothing", map[string][]string{"start": {"1"}, "dstaddr": {"x"}},
			[]string{"198.51.100.7 1700000000 REJECT", "198.51.100.7 1700000000 ACCEPT", "NULL 1700000000 NULL", "198.51.100.8 1700000000 REJECT",
				"10.0.0.1 1700000100 ACCEPT", "10.0.0.2 1700000160 REJECT"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			res := readFlowText(t, strings.NewReader(in), WithAllocator(mem), WithColumns("srcaddr", "start", "action"), WithEqual(tt.equal))
			if res.err != nil {
				t.Fatal(res.err)
			}
			if strings.Join(res.rows, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("rows\n%s\nwant\n%s", strings.Join(res.rows, "\n"), strings.Join(tt.want, "\n"))
			}
			// 6 records, the second header rejected.
			if res.stats.Records != 6 || res.stats.Rejected != 1 || res.stats.Bytes != int64(len(in)) {
				t.Errorf("stats %+v; want 6 records, 1 rejected, %d bytes", res.stats, len(in))
			}
		})
	}
}

// TestVPCFlowEqual_SameRejects: with WithEqual, every bad line of the
// failure cases and bad samples is rejected with the same error, at the
// same place, as without it, whether the filter would keep it or not; the
// good lines are counted the same and the rows kept are those the filter
// keeps.
func TestVPCFlowEqual_SameRejects(t *testing.T) {
	inputs := map[string]string{}
	for _, tt := range vpcFlowFailureCases {
		inputs[tt.name] = strings.Replace(tt.input, "§", "", 1)
	}
	for _, name := range []string{"bad-values.log", "bad-second-header.log", "v5-all-fields.log", "nodata-skipdata.log"} {
		b, err := io.ReadAll(flowTestdata(t, name))
		if err != nil {
			t.Fatal(err)
		}
		inputs[name] = string(b)
	}
	// A window error and bad values on lines the filter drops.
	inputs["bad lines either way"] = flowHeaderV2 + "\n" + flowLineV2 + "\n" +
		strings.Replace(flowLineV2, "1700000055", "1600000000", 1) + "\n" +
		strings.Replace(strings.Replace(flowLineV2, "1700000055", "1600000000", 1), "REJECT", "ACCEPT", 1) + "\n" +
		strings.Replace(strings.Replace(flowLineV2, "44321", "x", 1), "REJECT", "ACCEPT", 1) + "\n" +
		strings.Replace(strings.Replace(flowLineV2, "198.51.100.7", "1\x01", 1), "REJECT", "ACCEPT", 1) + "\n" +
		strings.Replace(flowLineV2, "REJECT", "", 1) + "\n" +
		strings.Replace(flowLineV2, "REJECT", "REJ\x00", 1) + "\n" +
		strings.Replace(flowLineV2, " OK", "", 1) + "\n"
	// Lines the filter drops among runs of good ones, so that they are
	// segments of parseRun: a port over 65535 (checked against its
	// maximum, not only as digits), 17 digits of bytes, a "-" address,
	// an action that is a kept value's first bytes (the word "REJ"
	// against a key "REJ\x00"), an empty address.
	accept := strings.Replace(flowLineV2, "REJECT", "ACCEPT", 1)
	for i, bad := range []string{
		strings.Replace(accept, "44321", "99999", 1),
		strings.Replace(accept, " 40 ", " 12345678901234567 ", 1),
		strings.Replace(accept, "198.51.100.7", "-", 1),
		strings.Replace(flowLineV2, "REJECT", "REJ", 1),
		strings.Replace(accept, "198.51.100.7", "", 1),
		strings.Replace(accept, "1700000000", "12345678901234567", 1),
	} {
		var seg strings.Builder
		seg.WriteString(flowHeaderV2 + "\n")
		for j := range 40 {
			if j%3 == 0 {
				seg.WriteString(flowLineV2 + "\n")
			} else {
				seg.WriteString(accept + "\n")
			}
			if j == 20 {
				seg.WriteString(bad + "\n")
			}
		}
		inputs[fmt.Sprintf("dropped line %d in a segment", i)] = seg.String()
	}
	filters := []map[string][]string{
		{"action": {"REJECT"}},
		{"action": {"REJ\x00"}},
		{"action": {"ACCEPT"}},
		{"action": {"NONE"}},
		{"action": {"", "REJECT"}}, // an empty value is kept, then rejected
		{"srcaddr": {"198.51.100.7"}, "action": {"REJECT", "ACCEPT"}},
	}
	projections := [][]string{
		{"srcaddr", "start", "action"},
		{"srcaddr", "srcport", "start", "end", "action", "interface_id", "dstaddr"},
		{"srcaddr", "srcport", "start", "bytes", "action"},
		nil,
	}
	errs := func(l []*ParseError) string {
		var b strings.Builder
		for _, e := range l {
			b.WriteString(e.Error() + "\n")
		}
		return b.String()
	}
	for name, in := range inputs {
		for _, cols := range projections {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			all := readFlowText(t, strings.NewReader(in), WithAllocator(mem), WithColumns(cols...))
			if all.err != nil {
				continue // a header error: no lines read
			}
			for _, eq := range filters {
				got := readFlowText(t, strings.NewReader(in), WithAllocator(mem), WithColumns(cols...), WithEqual(eq))
				if got.err != nil || errs(got.rejects) != errs(all.rejects) || got.stats != all.stats {
					t.Errorf("%s, columns %v, equal %v: err %v, stats %+v, rejects\n%s\nwant stats %+v, rejects\n%s",
						name, cols, eq, got.err, got.stats, errs(got.rejects), all.stats, errs(all.rejects))
				}
				var want []string
				for _, r := range all.rows {
					if flowRowKept(all.cols, r, eq) {
						want = append(want, r)
					}
				}
				if strings.Join(got.rows, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s, columns %v, equal %v: rows\n%s\nwant\n%s", name, cols, eq, strings.Join(got.rows, "\n"), strings.Join(want, "\n"))
				}
				strict := readFlowText(t, strings.NewReader(in), WithAllocator(mem), WithColumns(cols...), WithEqual(eq), WithStrict(true))
				allStrict := readFlowText(t, strings.NewReader(in), WithAllocator(mem), WithColumns(cols...), WithStrict(true))
				if fmt.Sprint(strict.err) != fmt.Sprint(allStrict.err) {
					t.Errorf("%s, columns %v, equal %v, strict: err %v; want %v", name, cols, eq, strict.err, allStrict.err)
				}
			}
			mem.AssertSize(t, 0)
		}
	}
}

// flowRowKept reports whether a row rendered by flowBatchRows, of columns
// cols, passes the equalities eq as WithEqual applies them (text columns
// only; NULL passes none).
func flowRowKept(cols []string, row string, eq map[string][]string) bool {
	cells := strings.Split(row, " ")
	for i, c := range cols {
		vals, ok := eq[c]
		if !ok {
			continue
		}
		if j, known := vpcFlowFieldIndex[c]; !known || vpcFlowFields[j].kind != flowKindString && vpcFlowFields[j].kind != flowKindDict {
			continue
		}
		if cells[i] == "NULL" || !slices.Contains(vals, cells[i]) {
			return false
		}
	}
	return true
}

// locateFlowSpacesRef is locateFlowSpaces a byte at a time: every space of
// line, and whether line holds a byte below 0x20 or above 0x7f.
func locateFlowSpacesRef(line []byte) (spaces []int32, bad bool) {
	for i, c := range line {
		if c == ' ' {
			spaces = append(spaces, int32(i))
		} else if c < 0x20 || c > 0x7f {
			bad = true
		}
	}
	return spaces, bad
}

// checkLocateFlowSpaces compares locateFlowSpaces on line with the
// reference: every space of the line counted, the first need (all of them
// when fewer) at their positions, and text flagged exactly when the line
// holds a byte the reference flags; only a line under 64 bytes is left
// to the caller.
func checkLocateFlowSpaces(t *testing.T, line []byte, need int) {
	t.Helper()
	var ends [flowEndsMask + 1]int32
	blocks := make([]uint64, len(line)/64+1)
	k, text, ok := locateFlowSpaces(line, &ends, need, blocks)
	if !ok {
		if len(line) >= 64 {
			t.Fatalf("%q need %d: ok false; want only for lines under 64 bytes", line, need)
		}
		return
	}
	spaces, bad := locateFlowSpacesRef(line)
	if k != len(spaces) {
		t.Fatalf("%q need %d: k = %d; want %d spaces", line, need, k, len(spaces))
	}
	for j, at := range spaces[:min(need, k)] {
		if ends[j+1] != at {
			t.Fatalf("%q need %d: space %d at %d; want %d", line, need, j+1, ends[j+1], at)
		}
	}
	if got := text&msb != 0; got != bad {
		t.Fatalf("%q need %d: text flagged %v; want %v", line, need, got, bad)
	}
}

// TestFlowSpaceBlocks compares flowSpaceBlocks (assembly on amd64) with
// flowSpaceBlocksGo: the same bitmaps, and bad set alike, on blocks with
// every byte value in every position.
func TestFlowSpaceBlocks(t *testing.T) {
	for v := range 256 {
		for _, pos := range []int{0, 7, 8, 15, 16, 31, 32, 47, 48, 63, 64, 100, 127} {
			b := []byte(strings.Repeat("ab cdefg ", 15))[:128]
			b[pos] = byte(v)
			got, want := make([]uint64, 2), make([]uint64, 2)
			gb := flowSpaceBlocks(b, got)
			wb := flowSpaceBlocksGo(b, want)
			if got[0] != want[0] || got[1] != want[1] || (gb != 0) != (wb != 0) {
				t.Fatalf("byte %#x at %d: bits %x bad %x; want %x bad %x", v, pos, got, gb, want, wb)
			}
			if (wb != 0) != (v < 0x20 || v > 0x7f) {
				t.Fatalf("byte %#x at %d: bad %x", v, pos, wb)
			}
		}
	}
	if bad := flowSpaceBlocks(nil, nil); bad != 0 {
		t.Errorf("no blocks: bad %x", bad)
	}
}

func TestLocateFlowSpaces(t *testing.T) {
	lines := []string{
		"",
		"2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 443 49152 6 10 840 1700000000 1700000055 ACCEPT OK",
		flowLineV2,
		strings.Repeat("- ", 40) + "-",  // a block with 32 spaces
		strings.Repeat(" ", 130),        // every byte a space
		strings.Repeat("a", 63) + " b",  // a space at 63, then the last bytes
		strings.Repeat("a", 64),         // one block, no space
		strings.Repeat("ab ", 21) + "c", // 64 bytes
		strings.Repeat("x ", 50) + "\x01 y" + strings.Repeat(" z", 30), // a control byte past a few blocks
		strings.Repeat("é ", 40),
	}
	for _, l := range lines {
		for _, need := range []int{0, 1, 3, 14, 29, 40, 64, 200, 256} {
			// The line alone, and with room and junk past its end.
			checkLocateFlowSpaces(t, []byte(l), need)
			buf := append([]byte(l), "\x00 \x00 \x00 \x00 \x00"...)
			checkLocateFlowSpaces(t, buf[:len(l)], need)
		}
	}
}

// FuzzLocateFlowSpaces checks locateFlowSpaces against the byte-at-a-time
// reference on any line.
func FuzzLocateFlowSpaces(f *testing.F) {
	f.Add([]byte(flowLineV2), uint8(14))
	f.Add([]byte(strings.Repeat("- ", 70)), uint8(29))
	f.Fuzz(func(t *testing.T, line []byte, need uint8) {
		if bytes.IndexByte(line, '\n') >= 0 || len(line) > 4<<10 {
			return
		}
		checkLocateFlowSpaces(t, line, int(need))
	})
}

// memSource is an [InMemory] source that counts the Reads it gets.
type memSource struct {
	b     []byte
	reads int
}

func (m *memSource) Read(p []byte) (int, error) {
	m.reads++
	if len(m.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, m.b)
	m.b = m.b[n:]
	return n, nil
}

func (m *memSource) Contents() []byte {
	b := m.b
	m.b = nil
	return b
}

// vpcFlowCaseInputs returns, by name, the input of every success and
// failure case (the failure's § marker removed) and of every flow-log
// sample in testdata/vpcflow: what the tests comparing two ways of
// reading (streamed and in memory, runs and lines, with and without
// dictionaries) read.
func vpcFlowCaseInputs(t *testing.T) map[string]string {
	t.Helper()
	inputs := map[string]string{}
	for _, tt := range vpcFlowSuccessCases {
		inputs[tt.name] = tt.input
	}
	for _, tt := range vpcFlowFailureCases {
		inputs[tt.name] = strings.Replace(tt.input, "§", "", 1)
	}
	files, _ := filepath.Glob("../testdata/vpcflow/*.log")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		inputs[name] = string(b)
	}
	return inputs
}

// TestVPCFlow_InMemory reads inputs from an [InMemory] source and from a
// stream: the same rows in the same batches, the same rejects, errors and
// stats, with no Read of the source and its bytes left as they were. Lines
// around the 64 KiB limit at many offsets check that the window moving
// over the input rejects exactly the lines the read buffer does.
func TestVPCFlow_InMemory(t *testing.T) {
	inputs := vpcFlowCaseInputs(t)
	var many strings.Builder
	for i := range 2*BatchRows + 5 {
		many.WriteString(strings.Replace(flowLineV2, "44321", strconv.Itoa(i), 1) + "\n")
	}
	inputs["many batches"] = many.String()
	for _, before := range []int{0, 1, 1000, 8191, 60000, 70000, 130000} {
		for _, n := range []int{vpcFlowMaxLine - 1, vpcFlowMaxLine, vpcFlowMaxLine + 1, 100000, 140000} {
			filler := strings.Repeat(flowLineV2+"\n", before/len(flowLineV2))
			inputs[fmt.Sprintf("%d bytes then a line of %d", len(filler), n)] = filler + "2 " + strings.Repeat("x", n-2) + "\n" + flowLineV2 + "\n" + strings.Repeat("y", n)
		}
	}
	for name, in := range inputs {
		for _, cols := range [][]string{nil, {"srcaddr", "start", "action"}, {"version"}} {
			want := readFlowAll(t, strings.NewReader(in), WithColumns(cols...))
			src := &memSource{b: []byte(in)}
			got := readFlowAll(t, src, WithColumns(cols...))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, columns %v: in memory\n%+v\nwant\n%+v", name, cols, got, want)
			}
			if src.reads != 0 {
				t.Errorf("%s, columns %v: %d Reads of an in-memory source; want 0", name, cols, src.reads)
			}
		}
	}
}

// TestVPCFlow_Runs reads inputs with parseRun taking the window in runs
// of several sizes and with no runs at all (every line through nextLine
// and parseLine): the same rows in the same batches, the same rejects,
// errors and stats, from a stream and from memory, with and without a
// filter. The inputs mix lines parseRun takes itself and lines it hands
// to parseLine: bad bytes, carriage returns, headers, wrong field
// counts, empty lines, values a filter keeps or not.
func TestVPCFlow_Runs(t *testing.T) {
	inputs := vpcFlowCaseInputs(t)
	inputs["v2 bench"] = string(vpcFlowBenchInput(false, 300<<10))
	inputs["v5 bench"] = string(vpcFlowBenchInput(true, 300<<10))
	var mixed strings.Builder
	mixed.WriteString(flowHeaderV2 + "\n")
	bad := []string{
		strings.Replace(flowLineV2, "REJECT", "REJ\x01CT", 1),
		strings.Replace(flowLineV2, "198.51", "198.\xff1", 1),
		strings.Replace(flowLineV2, "eni-0a", "eni-\x00a", 1),
		flowLineV2 + "\r",
		strings.Replace(flowLineV2, " 22 ", " 22  ", 1),
		strings.Replace(flowLineV2, " 22 ", " ", 1),
		"",
		flowHeaderV2,
		strings.Replace(flowLineV2, "REJECT", "-", 1),
		strings.Replace(flowLineV2, "REJECT", "REJECTED", 1),
		strings.Replace(flowLineV2, "REJECT", "REJECTED-AND-MORE", 1),
		strings.Replace(flowLineV2, "REJECT", "ACCEPT", 1),
		strings.Replace(strings.Replace(flowLineV2, "REJECT", "ACCEPT", 1), "1700000000", "17x0000000", 1),
		strings.Replace(strings.Replace(flowLineV2, "REJECT", "ACCEPT", 1), "198.51.100.7", "-", 1),
		strings.Replace(flowLineV2, "1700000055", "1600000055", 1),
		strings.Replace(flowLineV2, "44321", "99999", 1),
		strings.Replace(flowLineV2, "version", "ab", 1),
		"- - - - - - - - - - - - - -",
		"version srcaddr action",
		"2 198.51.100.9 REJECT",
	}
	for i := range 3000 {
		if i%7 == 3 {
			mixed.WriteString(bad[(i/7)%len(bad)] + "\n")
			continue
		}
		line := strings.Replace(flowLineV2, "44321", strconv.Itoa(i), 1)
		if i%3 == 0 {
			line = strings.Replace(line, "REJECT", "ACCEPT", 1)
		}
		mixed.WriteString(line + "\n")
	}
	inputs["mixed"] = mixed.String()
	inputs["mixed, no last newline"] = strings.TrimSuffix(mixed.String(), "\n")

	readAll := func(r io.Reader, opts ...Option) flowRead { return readFlowAll(t, r, opts...) }
	defer func(n int) { flowRunBytes = n }(flowRunBytes)
	for name, in := range inputs {
		for _, cols := range [][]string{nil, {"srcaddr", "start", "action"}, {"version"}, {"start", "end", "action"}} {
			for _, eq := range []map[string][]string{nil, {"action": {"REJECT"}}, {"action": {"REJECT", "-", "REJECTED-AND-MORE"}}, {"action": {"", "REJECT"}}, {"srcaddr": {"198.51.100.7"}}} {
				for _, strict := range []bool{false, true} {
					opts := []Option{WithColumns(cols...), WithEqual(eq), WithStrict(strict)}
					flowRunBytes = 0
					want := readAll(strings.NewReader(in), opts...)
					for _, n := range []int{1, 64, 100, 4096, 16 << 10, 64 << 10} {
						flowRunBytes = n
						if got := readAll(strings.NewReader(in), opts...); !reflect.DeepEqual(got, want) {
							t.Fatalf("%s, columns %v, equal %v, strict %v, runs of %d bytes:\n%+v\nwant\n%+v", name, cols, eq, strict, n, got, want)
						}
						if got := readAll(&memSource{b: []byte(in)}, opts...); !reflect.DeepEqual(got, want) {
							t.Fatalf("%s, columns %v, equal %v, strict %v, runs of %d bytes, in memory:\n%+v\nwant\n%+v", name, cols, eq, strict, n, got, want)
						}
					}
				}
			}
		}
	}
}

// TestVPCFlow_RunsBatchCut reads enough v5 lines, filtered, that a
// batch fills up in the middle of runs: a segment then takes only the
// lines that can still fit, and the run goes on from a line the classify
// pass located, which is not the run's first. Batches, rows, rejects and
// stats are those of the line-by-line read.
func TestVPCFlow_RunsBatchCut(t *testing.T) {
	in := vpcFlowBenchInput(true, 5<<20)
	defer func(n int) { flowRunBytes = n }(flowRunBytes)
	for _, eq := range []map[string][]string{{"action": {"REJECT"}}, {"action": {"ACCEPT", "REJECT"}}, nil} {
		opts := []Option{WithColumns("srcaddr", "start", "action"), WithEqual(eq)}
		flowRunBytes = 0
		want := readFlowAll(t, bytes.NewReader(in), opts...)
		if len(want.batches) < 2 {
			t.Fatalf("equal %v: %d batches; want several", eq, len(want.batches))
		}
		for _, n := range []int{16 << 10, 64 << 10} {
			flowRunBytes = n
			if got := readFlowAll(t, &memSource{b: in}, opts...); !reflect.DeepEqual(got, want) {
				t.Fatalf("equal %v, runs of %d bytes: %d rows, batches %v; want %d, %v", eq, n, len(got.rows), got.batches, len(want.rows), want.batches)
			}
		}
	}
}

// TestVPCFlowEqual_DictFill reads filtered lines whose filtered field is
// a dictionary column (action, log_status) with filterSegment filling
// that column of the lines it keeps (flowDrop.fill) and with it reading
// the values: the same batches, rows (nulls included), rejects, errors
// and stats, strict or not, in runs of several sizes and over lines that
// make segments fail (TestVPCFlow_Runs' mixed input).
func TestVPCFlowEqual_DictFill(t *testing.T) {
	var mixed strings.Builder
	mixed.WriteString(flowHeaderV2 + "\n")
	for i := range 3000 {
		line := strings.Replace(flowLineV2, "44321", strconv.Itoa(i), 1)
		switch i % 11 {
		case 0, 4:
			line = strings.Replace(line, "REJECT", "ACCEPT", 1)
		case 5:
			line = strings.Replace(line, " OK", " ", 1) // empty log-status
		case 7:
			line = strings.Replace(line, "1700000000", "17x0000000", 1)
		case 9:
			line = strings.Replace(line, " OK", " SKIPDATA", 1)
		}
		mixed.WriteString(line + "\n")
	}
	inputs := map[string][]byte{"v5 bench": vpcFlowBenchInput(true, 2<<20), "mixed": []byte(mixed.String())}
	defer func(n int, fill bool) { flowRunBytes, useSegFill = n, fill }(flowRunBytes, useSegFill)
	for name, in := range inputs {
		for _, cols := range [][]string{{"srcaddr", "start", "action"}, {"action", "log_status", "bytes"}, {"log_status", "action"}} {
			for _, eq := range []map[string][]string{{"action": {"REJECT"}}, {"log_status": {"OK"}}} {
				for _, strict := range []bool{false, true} {
					opts := []Option{WithColumns(cols...), WithEqual(eq), WithStrict(strict)}
					for _, n := range []int{4096, 64 << 10} {
						flowRunBytes = n
						useSegFill = false
						want := readFlowAll(t, &memSource{b: in}, opts...)
						useSegFill = true
						if got := readFlowAll(t, &memSource{b: in}, opts...); !reflect.DeepEqual(got, want) {
							t.Fatalf("%s, columns %v, equal %v, strict %v, runs of %d: filled\n%+v\nwant\n%+v", name, cols, eq, strict, n, got, want)
						}
					}
				}
			}
		}
	}
}

// flowRead is everything a VPC flow reader gives for one input: its
// schema's column types, each batch's row count and rows, rejects, error
// and stats.
type flowRead struct {
	types   []string
	batches []int64
	rows    []string
	rejects string
	err     string
	stats   Stats
}

// readFlowAll reads r through a VPC flow reader with opts to the end
// (an error creating the reader is its err); every batch must have the
// reader's schema.
func readFlowAll(t testing.TB, r io.Reader, opts ...Option) flowRead {
	t.Helper()
	var res flowRead
	p, err := NewVPCFlowReader(r, "flow.log", opts...)
	if err != nil {
		res.err = err.Error()
		return res
	}
	defer p.Release()
	for _, f := range p.Schema().Fields() {
		res.types = append(res.types, f.Name+" "+f.Type.String())
	}
	for p.Next() {
		if !p.Batch().Schema().Equal(p.Schema()) {
			t.Fatalf("batch schema %v; want %v", p.Batch().Schema(), p.Schema())
		}
		res.batches = append(res.batches, p.Batch().NumRows())
		res.rows = append(res.rows, flowBatchRows(p.Batch())...)
	}
	res.rejects = rejectsText(p.Rejects())
	res.err = errText(p.Err())
	res.stats = p.Stats()
	return res
}

// TestFlowDigits compares flowDigits with a byte loop on every length up
// to 20, with a bad byte at each position, with and without room past
// the value for word loads.
func TestFlowDigits(t *testing.T) {
	ref := func(v []byte) bool {
		for _, c := range v {
			if c < '0' || c > '9' {
				return false
			}
		}
		return len(v) > 0
	}
	for n := range 21 {
		digits := []byte(strings.Repeat("9081726354", 3)[:n])
		for bad := -1; bad < n; bad++ {
			for _, c := range []byte{'/', ':', ' ', 0, 0x80, 0xb9, 0xba, 0xff, '-'} {
				v := append([]byte(nil), digits...)
				if bad >= 0 {
					v[bad] = c
				}
				roomy := append(append([]byte(nil), v...), "12345678"...)[:n]
				for _, in := range [][]byte{v, roomy} {
					if got, want := flowDigits(in), ref(in); got != want {
						t.Fatalf("flowDigits(%q) cap %d = %v; want %v", in, cap(in), got, want)
					}
				}
			}
		}
	}
}

// TestVPCFlowDictionaries_Success: with WithFlowDictionaries, the
// resource columns come dictionary-encoded and every other column as
// without it, with the same rows, rejects, errors and stats, for every
// projection, strictness and run length (the fast path and the slow one),
// over inputs whose resource columns hold a few values interleaved (the
// bench inputs), more values than the dictionary's caches (ids), bad
// lines and formats of every version.
func TestVPCFlowDictionaries_Success(t *testing.T) {
	inputs := vpcFlowCaseInputs(t)
	inputs["v2 bench"] = string(vpcFlowBenchInput(false, 300<<10))
	inputs["v5 bench"] = string(vpcFlowBenchInput(true, 300<<10))
	var ids strings.Builder
	ids.WriteString(flowHeaderV5 + "\n")
	for i := range 3000 {
		// 600 interfaces and subnets (past the slots' 256), ids of 8 to
		// 21 bytes, a bad one now and then.
		eni := fmt.Sprintf("eni-%0*x", 4+i%14, i*7919%600)
		line := strings.Replace(flowLineV2, "eni-0a1b2c3d4e5f60718", eni, 1) +
			fmt.Sprintf(" vpc-%d subnet-%08x i-%x 2 IPv4 - - eu-west-1 euw1-az%d - - - - ingress 1", i%3, i*31%600, i%9, i%4)
		if i%97 == 5 {
			line = strings.Replace(line, "subnet-", "sub\x01net-", 1)
		}
		ids.WriteString(line + "\n")
	}
	inputs["ids"] = ids.String()

	readAll := func(r io.Reader, opts ...Option) flowRead { return readFlowAll(t, r, opts...) }
	defer func(n int) { flowRunBytes = n }(flowRunBytes)
	for name, in := range inputs {
		for _, cols := range [][]string{nil, {"account_id", "interface_id", "srcaddr", "action"}, {"subnet_id", "version"}, {"srcaddr"}} {
			for _, strict := range []bool{false, true} {
				for _, n := range []int{0, 100, 16 << 10} {
					flowRunBytes = n
					opts := []Option{WithColumns(cols...), WithStrict(strict)}
					want := readAll(strings.NewReader(in), opts...)
					got := readAll(strings.NewReader(in), append(opts, WithFlowDictionaries())...)
					for i, ty := range want.types {
						col, _, _ := strings.Cut(ty, " ")
						if slices.Contains(VPCFlowResourceColumns, col) {
							want.types[i] = col + " " + dictString.String()
						}
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s, columns %v, strict %v, runs of %d bytes:\n%+v\nwant\n%+v", name, cols, strict, n, got, want)
					}
					if name == "ids" && !strict && (cols == nil || slices.Contains(cols, "subnet_id")) && len(got.rows) != 3000-31 {
						t.Fatalf("ids: %d rows; want %d", len(got.rows), 3000-31)
					}
				}
			}
		}
	}
}

// TestVPCFlowReuse_MixedSizes: the spare keeps the columns of the reader
// just released, not those left over from earlier ones. A small object's
// reader sizes its columns for its few lines, and a larger object's
// reader cannot use them; the spare kept the leftovers first, up to
// flowSpareCols, and dropped the larger reader's new columns, so once
// small and large objects had filled it every large object's reader made
// its columns anew (886,736 bytes a read here, not 546,704).
func TestVPCFlowReuse_MixedSizes(t *testing.T) {
	small := []byte(flowHeaderV2 + "\n" + strings.Repeat(flowLineV2+"\n", 2))
	large := []byte(flowHeaderV2 + "\n" + strings.Repeat(flowLineV2+"\n", 200))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // the spare pool on one P (TestVPCFlowReuse_Bytes)
	read := func(in []byte) uint64 {
		return flowReadBytes(t, in) // every column
	}
	// least returns the fewest bytes of a few reads of large after the
	// reads of first, from no spare (earlier tests' spares dropped).
	least := func(first ...[]byte) uint64 {
		for flowSpares.Get() != nil {
		}
		for _, in := range first {
			read(in)
		}
		l := uint64(math.MaxUint64)
		for range 5 { // a GC between two reads empties the pool: the least of a few
			l = min(l, read(large))
		}
		return l
	}
	want := least(large, large)
	got := least(small, large, large)
	if got > want+8<<10 {
		t.Errorf("%d bytes allocated to read %d bytes after a small object's reader; want at most %d, as after large ones only (%d)", got, len(large), want+8<<10, want)
	}
	t.Logf("%d bytes allocated to read %d bytes after a small object's reader, %d after large ones only", got, len(large), want)
}

// TestVPCFlowReuse_StaleValidity: a column a reader gets back from the
// spare has no validity bits of earlier readers' rows. A small object's
// reader took, for its column's next batch, a bitmap a larger batch had
// handed back, and cleared only the bytes of its own few rows; the next
// larger object's reader extended that bitmap to its rows with the old
// bits in it, and read its nulls ("-") as empty strings.
func TestVPCFlowReuse_StaleValidity(t *testing.T) {
	object := func(lines int, null func(i int) bool) []byte {
		var b strings.Builder
		b.WriteString(flowHeaderV2 + "\n")
		for i := range lines {
			line := flowLineV2
			if null(i) {
				line = strings.Replace(line, "198.51.100.7", "-", 1)
			}
			b.WriteString(line + "\n")
		}
		return []byte(b.String())
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // the spare pool on one P (TestVPCFlowReuse_Bytes)
	for flowSpares.Get() != nil {                   // no earlier test's spare
	}
	opts := []Option{WithColumns("srcaddr")}
	// Its batch has a null, so it hands its validity bits over, and they
	// come back set for the other 299 rows.
	readFlowAll(t, &memSource{b: object(300, func(i int) bool { return i == 0 })}, opts...)
	// Its batch has a null too: the column's next bitmap is the one that
	// came back, for 4 rows.
	readFlowAll(t, &memSource{b: object(3, func(i int) bool { return i == 0 })}, opts...)
	got := readFlowAll(t, &memSource{b: object(300, func(int) bool { return true })}, opts...)
	want := readFlowAll(t, strings.NewReader(string(object(300, func(int) bool { return true }))), opts...)
	for i, row := range got.rows {
		if row != "NULL" {
			t.Fatalf("row %d of 300 nulls: %q; want NULL", i+1, row)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read from memory after a small object:\n%+v\nwant\n%+v", got, want)
	}
}

// TestVPCFlowReuse_BytesAfterLarge: a small object's reader allocates
// string bytes for its rows, not for the batches of the larger object a
// column read before. The column went on, after each batch, in a fresh
// buffer as large as its largest (a batch of BatchRows addresses, 53 KiB),
// so TestVPCFlowReuse_Bytes failed (67,312 bytes a read) whenever an
// earlier test's large object had left its columns in the spare.
func TestVPCFlowReuse_BytesAfterLarge(t *testing.T) {
	small := []byte(flowHeaderV2 + "\n" + strings.Repeat(flowLineV2+"\n", 200))
	large := []byte(flowHeaderV2 + "\n" + strings.Repeat(flowLineV2+"\n", BatchRows))
	cols := []string{"srcaddr", "start", "action"}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // the spare pool on one P (TestVPCFlowReuse_Bytes)
	read := func(in []byte) uint64 {
		return flowReadBytes(t, in, WithColumns(cols...))
	}
	for flowSpares.Get() != nil { // no earlier test's spare
	}
	read(large)
	least := uint64(math.MaxUint64)
	for range 5 { // a GC between two reads empties the pool: the least of a few
		least = min(least, read(small))
	}
	if limit := uint64(32 << 10); least > limit {
		t.Errorf("%d bytes allocated to read %d bytes after %d; want at most %d", least, len(small), len(large), limit)
	}
	t.Logf("%d bytes allocated to read %d bytes after %d", least, len(small), len(large))
}

// flowReadBytes returns the bytes allocated to read in whole from memory
// through a VPC flow reader with opts (readBytes).
func flowReadBytes(t *testing.T, in []byte, opts ...Option) uint64 {
	t.Helper()
	return readBytes(t, func() (Reader, error) { return NewVPCFlowReader(&memSource{b: in}, "s", opts...) })
}

// readBytes returns the bytes allocated to open a reader and read it to
// the end (an error fails the test). It collects first: a collection now,
// not during the read, moves the readers' spare pools to their victim
// caches, where Get still finds them, while two during the read (the heap
// a full package run leaves can bring them) would empty them.
func readBytes(t *testing.T, open func() (Reader, error)) uint64 {
	t.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	p, err := open()
	if err != nil {
		t.Fatal(err)
	}
	for p.Next() {
	}
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	p.Release()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestVPCFlowSegment_Fallback reads lines built a segment at a time
// (buildSegment) where one line of the segment has a value buildLine
// rejects, in each column kind and at each place, and compares
// everything, the dictionaries of the batches' dictionary columns
// included, with a read line by line (flowRunBytes 0): the segment must
// take back its rows, its string bytes and the dictionary values the
// bad line and the lines after it added, so that the lines rebuilt one
// by one get the same dictionary indexes.
func TestVPCFlowSegment_Fallback(t *testing.T) {
	good := func(i int, action string) string {
		return fmt.Sprintf("2 123456789010 eni-0a1b2c3d4e5f6%04d 198.51.%d.7 10.0.1.25 %d 22 6 1 40 1700000000 1700000055 %s OK", i, i%250, 1000+i, action)
	}
	bads := map[string]string{
		"port too large":   "2 123456789010 eni-x 198.51.100.7 10.0.1.25 99999 22 6 1 40 1700000000 1700000055 BADNEW OK",
		"start after end":  "2 123456789010 eni-x 198.51.100.7 10.0.1.25 1 22 6 1 40 1700000056 1700000055 BADNEW OK",
		"bad digit":        "2 123456789010 eni-x 198.51.100.7 10.0.1.25 1 22 6 1 4x 1700000000 1700000055 BADNEW OK",
		"empty status":     "2 123456789010 eni-x 198.51.100.7 10.0.1.25 1 22 6 1 40 1700000000 1700000055 BADNEW ",
		"empty account":    "2  eni-x 198.51.100.7 10.0.1.25 1 22 6 1 40 1700000000 1700000055 BADNEW OK",
		"17 digits, good":  "2 123456789010 eni-x 198.51.100.7 10.0.1.25 1 22 6 1 12345678901234567 1700000000 1700000055 BADNEW OK",
		"20 digits":        "2 123456789010 eni-x 198.51.100.7 10.0.1.25 1 22 6 1 12345678901234567890 1700000000 1700000055 BADNEW OK",
		"protocol 256":     "2 123456789010 eni-x 198.51.100.7 10.0.1.25 1 22 256 1 40 1700000000 1700000055 BADNEW OK",
		"version too long": "21474836470 123456789010 eni-x 198.51.100.7 10.0.1.25 1 22 6 1 40 1700000000 1700000055 BADNEW OK",
		"nulls, good":      "2 - - - - - - - - - - - BADNEW NODATA",
	}
	defer func(n int) { flowRunBytes = n }(flowRunBytes)
	for name, bad := range bads {
		for _, at := range []int{0, 1, 7, 39} {
			var in strings.Builder
			in.WriteString(flowHeaderV2 + "\n")
			for i := range 40 {
				if i == at {
					in.WriteString(bad + "\n")
					continue
				}
				if i == at+2 {
					// Nulls after the bad line: their validity bits
					// stay clear when their rows are rebuilt.
					in.WriteString(bads["nulls, good"] + "\n")
					continue
				}
				// A new action value after the bad line, and one before.
				action := []string{"ACCEPT", "REJECT"}[i%2]
				if i == at+1 || i == at-1 {
					action = "NEW" + strconv.Itoa(i)
				}
				in.WriteString(good(i, action) + "\n")
			}
			for _, cols := range [][]string{nil, {"start", "end", "action", "log_status"}, {"srcport", "action"}} {
				for _, strict := range []bool{false, true} {
					read := func() (flowRead, []string) {
						res := readFlowAll(t, strings.NewReader(in.String()), WithColumns(cols...), WithStrict(strict))
						p, err := NewVPCFlowReader(strings.NewReader(in.String()), "flow.log", WithColumns(cols...), WithStrict(strict))
						if err != nil {
							t.Fatal(err)
						}
						defer p.Release()
						var dicts []string
						for p.Next() {
							for _, c := range p.Batch().Columns() {
								if d, ok := c.(*array.Dictionary); ok {
									dicts = append(dicts, d.Dictionary().String())
								}
							}
						}
						return res, dicts
					}
					flowRunBytes = 0
					want, wantDicts := read()
					flowRunBytes = 16 << 10
					got, gotDicts := read()
					if !reflect.DeepEqual(got, want) || !slices.Equal(gotDicts, wantDicts) {
						t.Fatalf("%s at line %d, columns %v, strict %v:\n%+v\n%v\nwant\n%+v\n%v", name, at, cols, strict, got, gotDicts, want, wantDicts)
					}
					if isGood := strings.HasSuffix(name, ", good"); cols == nil && !strict && (!isGood && got.stats.Rejected != 1 || isGood && got.stats.Rejected != 0) {
						t.Fatalf("%s at line %d: %d rejected", name, at, got.stats.Rejected)
					}
				}
			}
		}
	}
}

// TestSetFlowBits checks setFlowBits against setting each bit on its
// own, for every range within 200 bits over bitmaps of random bits, so
// that bits outside the range keep their values.
func TestSetFlowBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for from := 0; from <= 200; from++ {
		for to := from; to <= 200; to++ {
			got := make([]byte, 26)
			for i := range got {
				got[i] = byte(rng.Uint32())
			}
			want := slices.Clone(got)
			for i := from; i < to; i++ {
				want[i>>3] |= 1 << (i & 7)
			}
			setFlowBits(got, from, to)
			if !bytes.Equal(got, want) {
				t.Fatalf("bits [%d, %d): %x; want %x", from, to, got, want)
			}
		}
	}
}
