package parsers

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

func cwEnvelope(msgType string, messages ...string) string {
	var b strings.Builder
	b.WriteString(`{"messageType":"` + msgType + `","owner":"111122223333","logGroup":"vpc-flow-logs","logStream":"eni-0a1b2c3d-all","subscriptionFilters":["to-firehose"],"logEvents":[`)
	for i, m := range messages {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":"3795","timestamp":1709629200000,"message":` + m + `}`)
	}
	b.WriteString("]}")
	return b.String()
}

const (
	cwFlow1 = `"2 111122223333 eni-0a1b2c3d 203.0.113.7 10.0.0.12 44312 22 6 10 840 1709629200 1709629260 REJECT OK"`
	cwFlow2 = `"2 111122223333 eni-0a1b2c3d 10.0.0.12 198.51.100.9 40000 443 6 20 4000 1709629200 1709629260 ACCEPT OK"`
	cwCtrl  = `"CWL CONTROL MESSAGE: Checking health of destination Firehose."`
)

func gz(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

// readTable sniffs input as a scan does and reads it with the table's reader.
func readTable(t *testing.T, mem memory.Allocator, input string, cols ...string) (*Table, string, Stats, error) {
	t.Helper()
	tb := SniffTable([]byte(input[:min(len(input), 512)]))
	if tb == nil {
		return nil, "", Stats{}, errors.New("no table")
	}
	out, st, _, err := readRows(t, mem, tb.NewReader, input, WithColumns(cols...))
	return tb, out, st, err
}

func TestCWLogs_Success(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	flows := `{"action":"REJECT","dstport":22,"srcaddr":"203.0.113.7"}` + "\n" + `{"action":"ACCEPT","dstport":443,"srcaddr":"10.0.0.12"}` + "\n"
	ct := `"{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-03-05T10:11:12Z\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"CreateUser\"}"`
	tests := []struct {
		name, input string
		table       *Table
		cols        []string
		want        string
	}{
		{"flow envelopes without newlines, control skipped", cwEnvelope("CONTROL_MESSAGE", cwCtrl) + cwEnvelope("DATA_MESSAGE", cwFlow1) + cwEnvelope("DATA_MESSAGE", cwFlow2),
			VPCFlow, []string{"srcaddr", "dstport", "action"}, flows},
		{"one envelope, two events, newline separated", cwEnvelope("DATA_MESSAGE", cwFlow1, cwFlow2) + "\n",
			VPCFlow, []string{"srcaddr", "dstport", "action"}, flows},
		{"gzip inside gzip", gz(t, cwEnvelope("DATA_MESSAGE", cwFlow1, cwFlow2)),
			VPCFlow, []string{"srcaddr", "dstport", "action"}, flows},
		{"CloudTrail events", cwEnvelope("DATA_MESSAGE", ct) + cwEnvelope("DATA_MESSAGE", ct),
			CloudTrail, []string{"eventname", "eventtime"}, strings.Repeat(`{"eventname":"CreateUser","eventtime":"2024-03-05T10:11:12Z"}`+"\n", 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, got, st, err := readTable(t, mem, tt.input, tt.cols...)
			if err != nil || tb != tt.table {
				t.Fatalf("input %q: table %v, err %v; want %s", tt.input, tb, err, tt.table.Name)
			}
			if got != tt.want || st.Rejected != 0 {
				t.Errorf("input %q\n got %s (stats %+v)\nwant %s", tt.input, got, st, tt.want)
			}
		})
	}
}

func TestCWLogs_Failure(t *testing.T) {
	tests := []struct {
		name  string
		input string // § marks the error's offset in the envelopes
		class error
		msg   string
	}{
		{"truncated envelope", cwEnvelope("DATA_MESSAGE", cwFlow1) + cwEnvelope("DATA_MESSAGE", cwFlow2)[:60] + `§`, ErrTruncated, "expected the rest of the envelope"},
		{"logEvents not an array", cwEnvelope("DATA_MESSAGE", cwFlow1) + `{"messageType":"DATA_MESSAGE","logEvents":§{}}`, ErrType, "expected logEvents array, found object"},
		{"message not a string", cwEnvelope("DATA_MESSAGE", cwFlow1) + `{"messageType":"DATA_MESSAGE","logEvents":[{"message":§42}]}`, ErrType, "expected message string, found number 42"},
		{"garbage between envelopes", cwEnvelope("DATA_MESSAGE", cwFlow1) + `§x` + cwEnvelope("DATA_MESSAGE", cwFlow2), ErrSyntax, `expected a CloudWatch Logs envelope object, found "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := strings.Index(tt.input, "§")
			input := strings.Replace(tt.input, "§", "", 1)
			lines := unwrapCWLogs(strings.NewReader(input), "x.gz")
			out, err := io.ReadAll(lines)
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, tt.class) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("input %q: got %v; want a *ParseError of class %v with %q", input, err, tt.class, tt.msg)
			}
			if pe.Offset != int64(at) || pe.Path != "envelope 1" {
				t.Errorf("input %q: got offset %d, path %q; want %d, envelope 1", input, pe.Offset, pe.Path, at)
			}
			if want := cwFlow1[1:len(cwFlow1)-1] + "\n"; string(out) != want {
				t.Errorf("got lines %q before the error; want %q", out, want)
			}
		})
	}
}

func TestSniffCWLogs(t *testing.T) {
	for _, tc := range []struct {
		head string
		want cwContent
	}{
		{cwEnvelope("DATA_MESSAGE", cwFlow1), cwFlow},
		{cwEnvelope("CONTROL_MESSAGE", cwCtrl) + cwEnvelope("DATA_MESSAGE", `"{\"eventVersion\":\"1.08\"}"`), cwCloudTrail},
		{gz(t, cwEnvelope("DATA_MESSAGE", `"{\"eventVersion\":\"1.08\"}"`)), cwCloudTrail},
		{`{"Records":[{"eventVersion":"1.08","requestParameters":{"message":"x"}}]}`, cwNone},
		{gz(t, "hello"), cwNone},
		{`{"logEvents":[{"id":"1","message":"2 111122223333 eni-1"}],"messageType":"DATA_MESSAGE"}`, cwFlow},
		{`{"eventVersion":"1.08","requestParameters":{"logGroupName":"g","logEvents":[{"message":"x"}]},"messageType":"x"}`, cwNone},
	} {
		if got := sniffCWLogs([]byte(tc.head)); got != tc.want {
			t.Errorf("sniffCWLogs(%q) = %d; want %d", tc.head, got, tc.want)
		}
	}
}

func FuzzCWLogs(f *testing.F) {
	f.Add([]byte(cwEnvelope("CONTROL_MESSAGE", cwCtrl) + cwEnvelope("DATA_MESSAGE", cwFlow1, cwFlow2)))
	f.Add([]byte(cwEnvelope("DATA_MESSAGE", `"{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-03-05T10:11:12Z\"}"`)))
	f.Add([]byte(cwEnvelopeOf("g", "s1", cwFlow1) + cwEnvelope("CONTROL_MESSAGE", cwCtrl) + cwEnvelopeOf(`g\/x`, "s2", cwFlow2, cwFlow1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, tc := range []struct {
			tb   *Table
			cols []string
		}{{VPCFlow, nil}, {CloudTrail, nil}, {VPCFlow, []string{"srcaddr", LogStreamColumn, OwnerColumn}}, {CloudTrail, []string{LogGroupColumn, "eventname"}}} {
			tb := tc.tb
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			r, err := tb.NewReader(bytes.NewReader(data), "fuzz.gz", WithAllocator(mem), WithColumns(tc.cols...))
			if err == nil {
				for r.Next() {
				}
				err = r.Err()
				// Positions are in the object (in its inner stream when
				// it is gzip inside gzip).
				for _, e := range r.Rejects().Errs {
					if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) && (e.Offset < 0 || e.Offset > int64(len(data))) {
						t.Fatalf("%s: reject %v at offset %d, outside the input (%d bytes)", tb.Name, e, e.Offset, len(data))
					}
				}
				r.Release()
			}
			var pe *ParseError
			if err != nil && !errors.As(err, &pe) {
				t.Fatalf("%s: error %v (%T) is not a *ParseError", tb.Name, err, err)
			}
			mem.AssertSize(t, 0)
		}
	})
}

func TestCWLogs_Samples(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, tc := range []struct {
		file  string
		table *Table
		col   string
		rows  int64
	}{
		{"vpc-flow-to-s3-1-2024-03-05-10-00-00-0a1b2c3d.gz", VPCFlow, "srcaddr", 6}, // gzip inside gzip, a control message
		{"trail-to-s3-1-2024-03-05-10-05-00-4e5f6a7b.gz", CloudTrail, "eventname", 1},
	} {
		in := string(gunzipFile(t, "../testdata/cwlogs/firehose/2024/03/05/10/"+tc.file))
		tb, _, st, err := readTable(t, mem, in, tc.col)
		if tb != tc.table || err != nil || st.Records != tc.rows || st.Rejected != 0 {
			t.Errorf("%s: table %v, %d rows (stats %+v), err %v; want %s, %d rows", tc.file, tb, st.Records, st, err, tc.table.Name, tc.rows)
		}
	}
}

func cwEnvelopeOf(group, stream string, messages ...string) string {
	return strings.Replace(strings.Replace(cwEnvelope("DATA_MESSAGE", messages...), `"vpc-flow-logs"`, `"`+group+`"`, 1), `"eni-0a1b2c3d-all"`, `"`+stream+`"`, 1)
}

func TestCWLogs_DeliveryColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ct := `"{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-03-05T10:11:12Z\",\"eventName\":\"CreateUser\"}"`
	tests := []struct {
		name, input string
		cols        []string
		want        string
		control     int64
	}{
		{"two streams, a control message between, same stream twice in a row",
			cwEnvelopeOf("/aws/vpc/flow", "eni-1-all", cwFlow1) + cwEnvelope("CONTROL_MESSAGE", cwCtrl) + cwEnvelopeOf("/aws/vpc/flow", "eni-2-all", cwFlow2, cwFlow1) + cwEnvelopeOf("/aws/vpc/flow", "eni-2-all", cwFlow2),
			[]string{"dstport", LogStreamColumn, LogGroupColumn, OwnerColumn},
			`{"$loggroup":"/aws/vpc/flow","$logstream":"eni-1-all","$owner":"111122223333","dstport":22}
{"$loggroup":"/aws/vpc/flow","$logstream":"eni-2-all","$owner":"111122223333","dstport":443}
{"$loggroup":"/aws/vpc/flow","$logstream":"eni-2-all","$owner":"111122223333","dstport":22}
{"$loggroup":"/aws/vpc/flow","$logstream":"eni-2-all","$owner":"111122223333","dstport":443}
`, 1},
		{"escaped names", strings.Replace(cwEnvelopeOf(`\/aws\/vpc`, "eni-1", cwFlow1), `"owner":"111122223333"`, `"owner":"1111\u00322223333"`, 1),
			[]string{LogGroupColumn, OwnerColumn}, `{"$loggroup":"/aws/vpc","$owner":"111122223333"}` + "\n", 0},
		{"only delivery columns", cwEnvelopeOf("g", "s1", cwFlow1) + cwEnvelopeOf("g", "s2", cwFlow2),
			[]string{LogStreamColumn}, `{"$logstream":"s1"}` + "\n" + `{"$logstream":"s2"}` + "\n", 0},
		{"not a delivery: nulls", "2 111122223333 eni-1 203.0.113.7 10.0.0.12 44312 22 6 10 840 1709629200 1709629260 REJECT OK\n",
			[]string{"dstport", LogGroupColumn}, `{"$loggroup":null,"dstport":22}` + "\n", 0},
		{"control messages counted without the columns", cwEnvelope("CONTROL_MESSAGE", cwCtrl) + cwEnvelope("CONTROL_MESSAGE", cwCtrl) + cwEnvelope("DATA_MESSAGE", cwFlow1),
			[]string{"dstport"}, `{"dstport":22}` + "\n", 2},
		{"CloudTrail events", cwEnvelopeOf("aws-cloudtrail-logs", "111122223333_CloudTrail_us-east-1", ct) + cwEnvelopeOf("aws-cloudtrail-logs", "111122223333_CloudTrail_us-east-1_2", ct),
			[]string{"eventname", LogStreamColumn},
			`{"$logstream":"111122223333_CloudTrail_us-east-1","eventname":"CreateUser"}` + "\n" + `{"$logstream":"111122223333_CloudTrail_us-east-1_2","eventname":"CreateUser"}` + "\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, st, err := readTable(t, mem, tt.input, tt.cols...)
			if err != nil || got != tt.want || st.Control != tt.control || st.Rejected != 0 {
				t.Errorf("input %q\n got %s (stats %+v, err %v)\nwant %s (control %d)", tt.input, got, st, err, tt.want, tt.control)
			}
		})
	}
}

// Errors of the messages are positioned in the object: the envelope (its
// offset and index), the log event and the column in its message, also
// in later segments (a reader each) and whatever the projection.
func TestCWLogs_DeliveryColumnsRejects(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bad := `"2 111122223333 eni-0a1b2c3d 10.0.0.12 198.51.100.9 40000 443 tcp 20 4000 1709629200 1709629260 ACCEPT OK"`
	first := cwEnvelopeOf("g", "s1", cwFlow1, cwFlow2)
	input := first + cwEnvelopeOf("g", "s2", cwFlow1, bad)
	want := "envelope 1, logEvents[1].message col " + strconv.Itoa(strings.Index(bad, "tcp")) + ", field 8 (protocol)"
	for _, cols := range [][]string{{"protocol"}, {"protocol", LogStreamColumn}} {
		_, _, st, rej, err := readTableRejects(t, mem, input, cols...)
		if err != nil || st.Rejected != 1 || rej.Len() != 1 {
			t.Fatalf("cols %v: stats %+v, rejects %v, err %v; want one reject", cols, st, rej, err)
		}
		e := rej.Errs[0]
		if e.Line != 0 || e.Offset != int64(len(first)) || e.Path != want || !strings.Contains(e.Error(), `found "tcp"`) {
			t.Errorf("cols %v: got %v (line %d, offset %d, path %q); want offset %d, path %q", cols, e, e.Line, e.Offset, e.Path, len(first), want)
		}
	}
}

func readTableRejects(t *testing.T, mem memory.Allocator, input string, cols ...string) (*Table, string, Stats, *ErrorList, error) {
	t.Helper()
	tb := SniffTable([]byte(input[:min(len(input), 512)]))
	if tb == nil {
		t.Fatalf("no table for %q", input)
	}
	out, st, rej, err := readRows(t, mem, tb.NewReader, input, WithColumns(cols...))
	return tb, out, st, rej, err
}

// TestCWLogs_PublicSample reads the decoded subscription data of the
// CloudWatch Logs User Guide ("Using subscription filters", sample code
// under MIT-0, testdata/cwlogs/awsdocs): a pretty-printed envelope whose
// key order starts with owner, and whose three CloudTrail messages are
// cut short by the guide (`{"eventVersion":"1.03","userIdentity":{"type":"Root"}`,
// one '}' missing). They are routed to cloudtrail, keep the envelope's
// columns, and are rejected with their positions in the messages; the
// last, cut at the end of the input, fails the object. Their positions
// are the envelope's.
func TestCWLogs_PublicSample(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b, err := os.ReadFile("../testdata/cwlogs/awsdocs/subscription-filters-cloudtrail.json")
	if err != nil {
		t.Fatal(err)
	}
	tb, _, st, rej, err := readTableRejects(t, mem, string(b), "eventversion", LogGroupColumn)
	if tb != CloudTrail {
		t.Fatalf("routed to %v; want cloudtrail", tb)
	}
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrTruncated) || st.Records != 0 || st.Rejected != 3 || len(rej.Errs) != 2 {
		t.Fatalf("stats %+v, rejects %v, err %v; want three rejected, the last (truncated) the error", st, rej, err)
	}
	if pe.Offset != 0 || pe.Path != "envelope 0, record 2" {
		t.Errorf("error %v at offset %d, path %q; want offset 0 (the envelope), path \"envelope 0, record 2\"", pe, pe.Offset, pe.Path)
	}
	for i, e := range rej.Errs {
		if want := "envelope 0, record " + strconv.Itoa(i); e.Offset != 0 || e.Path != want || !strings.Contains(e.Error(), "expected ',' or '}' in object, found object") {
			t.Errorf("reject %d: got %v at offset %d, path %q; want offset 0 (the envelope), path %q", i, e, e.Offset, e.Path, want)
		}
	}
}
