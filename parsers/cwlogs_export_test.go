package parsers

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

const (
	expFlow1 = "2 111122223333 eni-0a1b2c3d 203.0.113.7 10.0.0.12 44312 22 6 10 840 1709629200 1709629260 REJECT OK"
	expFlow2 = "2 111122223333 eni-0a1b2c3d 10.0.0.12 198.51.100.9 40000 443 6 20 4000 1709629200 1709629260 ACCEPT OK"
	expCT    = `{"eventVersion":"1.08","eventTime":"2024-03-05T10:11:12Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser"}`
	expKey   = "s3://logs/exportedlogs/cda45419-90ea-4db5-9833-aade86253e66/eni-0a1b2c3d-all/000000.gz"
)

// readExport reads input as the object expKey, sniffed as a scan does.
func readExport(t *testing.T, mem memory.Allocator, input string, opts ...Option) (*Table, string, Stats, *ErrorList, error) {
	t.Helper()
	tb := SniffTable([]byte(input[:min(len(input), 512)]))
	if tb == nil {
		t.Fatalf("no table for %q", input)
	}
	r, err := tb.NewReader(strings.NewReader(input), expKey, append([]Option{WithAllocator(mem)}, opts...)...)
	if err != nil {
		t.Fatalf("new reader: %v", err)
	}
	defer r.Release()
	out := batchesJSON(t, r)
	return tb, out, r.Stats(), r.Rejects(), r.Err()
}

func TestCWExport_Success(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tests := []struct {
		name, input string
		table       *Table
		cols        []string
		want        string
	}{
		{"flow lines, CRLF and a blank line", "2024-03-05T10:00:00.000Z " + expFlow1 + "\r\n\n2024-03-05T10:00:01.123456Z " + expFlow2,
			VPCFlow, []string{"dstport", "action", LogStreamColumn, LogGroupColumn},
			`{"$loggroup":null,"$logstream":"eni-0a1b2c3d-all","action":"REJECT","dstport":22}` + "\n" + `{"$loggroup":null,"$logstream":"eni-0a1b2c3d-all","action":"ACCEPT","dstport":443}` + "\n"},
		{"CloudTrail events", "2024-03-05T10:11:12.000Z " + expCT + "\n2024-03-05T10:11:13.000Z " + expCT + "\n",
			CloudTrail, []string{"eventname", "eventtime"}, strings.Repeat(`{"eventname":"CreateUser","eventtime":"2024-03-05T10:11:12Z"}`+"\n", 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, got, st, _, err := readExport(t, mem, tt.input, WithColumns(tt.cols...))
			if err != nil || tb != tt.table || got != tt.want || st.Rejected != 0 {
				t.Errorf("input %q: table %s, err %v, stats %+v\n got %s\nwant %s", tt.input, tb.Name, err, st, got, tt.want)
			}
		})
	}
}

// Bad lines are positioned in the object: the export's own (no
// timestamp) and the messages' (a bad flow field, a broken event), also
// after lines dropped before them.
func TestCWExport_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// ¶ marks an error's position; lines are counted in the object.
	tests := []struct {
		name  string
		input string
		cols  []string
		rows  int64
		msgs  []string
	}{
		{"no timestamp, then a bad protocol after it",
			"2024-03-05T10:00:00.000Z " + expFlow1 + "\n¶" + expFlow2 + "\n2024-03-05T10:00:00.000Z " + strings.Replace(expFlow2, " 6 ", " ¶tcp ", 1) + "\n2024-03-05T10:00:00.000Z " + expFlow1 + "\n",
			[]string{"protocol"}, 2, []string{"expected an ISO 8601 timestamp and a space", `expected integer 0-255, found "tcp"`}},
		{"timestamp without a space", "2024-03-05T10:00:00.000Z " + expFlow2 + "\n2024-03-05T10:00:00.000Z¶" + expFlow1 + "\n", []string{"protocol"}, 1, []string{"expected an ISO 8601 timestamp and a space"}},
		{"broken CloudTrail event after a bad line",
			"2024-03-05T10:11:12.000Z " + expCT + "\n¶garbage\n2024-03-05T10:11:12.000Z {\"eventVersion\":¶}\n2024-03-05T10:11:12.000Z " + expCT + "\n",
			[]string{"eventname"}, 2, []string{"expected an ISO 8601 timestamp and a space", "expected"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var at []int
			var atLine []int
			input := tt.input
			for {
				i := strings.Index(input, "¶")
				if i < 0 {
					break
				}
				at = append(at, i)
				atLine = append(atLine, strings.Count(input[:i], "\n")+1)
				input = input[:i] + input[i+len("¶"):]
			}
			_, _, st, rej, err := readExport(t, mem, input, WithColumns(tt.cols...))
			if err != nil || st.Records != tt.rows || st.Rejected != int64(len(at)) || len(rej.Errs) != len(at) {
				t.Fatalf("input %q: err %v, stats %+v, rejects %v; want %d rows, %d rejects", input, err, st, rej, tt.rows, len(at))
			}
			for i, e := range rej.Errs {
				if e.Offset != int64(at[i]) || e.Line > 0 && e.Line != atLine[i] || !strings.Contains(e.Error(), tt.msgs[i]) || e.Source != expKey {
					t.Errorf("reject %d: got %v (line %d, offset %d); want line %d, offset %d, %q", i, e, e.Line, e.Offset, atLine[i], at[i], tt.msgs[i])
				}
				if e.Line > 0 {
					lineStart := strings.LastIndex(input[:at[i]], "\n") + 1
					if e.Col != at[i]-lineStart+1 {
						t.Errorf("reject %d: got col %d; want %d", i, e.Col, at[i]-lineStart+1)
					}
				}
			}
			// Strict: the first bad line is the reader's error.
			tb := SniffTable([]byte(input))
			r, err := tb.NewReader(strings.NewReader(input), expKey, WithAllocator(mem), WithColumns(tt.cols...), WithStrict(true))
			if err == nil {
				for r.Next() {
				}
				err = r.Err()
				r.Release()
			}
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.msgs[0]) {
				t.Errorf("strict: got %v; want %q", err, tt.msgs[0])
			}
		})
	}
}

func TestExportStream(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{expKey, "eni-0a1b2c3d-all"},
		{"exportedlogs/cda45419-90ea-4db5-9833-aade86253e66/2024/03/05/[$LATEST]0123/000001.gz", "2024/03/05/[$LATEST]0123"},
		{"logs/x/000000.gz", ""},
	} {
		if got, _ := exportStream(tc.key); got != tc.want {
			t.Errorf("exportStream(%q) = %q; want %q", tc.key, got, tc.want)
		}
	}
}

func FuzzCWExport(f *testing.F) {
	f.Add([]byte("2024-03-05T10:00:00.000Z " + expFlow1 + "\nx\n2024-03-05T10:00:00.000Z " + expFlow2 + "\n"))
	f.Add([]byte("2024-03-05T10:11:12.000Z " + expCT + "\n2024-03-05T10:11:12Z {\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, tb := range []*Table{VPCFlow, CloudTrail} {
			for _, cols := range [][]string{nil, {LogStreamColumn, "version"}} {
				if tb == CloudTrail && cols != nil {
					cols = []string{LogStreamColumn, "eventname"}
				}
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				r, err := tb.NewReader(bytes.NewReader(data), expKey, WithAllocator(mem), WithColumns(cols...))
				if err == nil {
					for r.Next() {
					}
					err = r.Err()
					for _, e := range r.Rejects().Errs {
						if e.Offset < 0 || e.Offset > int64(len(data)) {
							t.Fatalf("%s: reject %v offset %d outside the input (%d bytes)", tb.Name, e, e.Offset, len(data))
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
		}
	})
}

func batchesJSON(t *testing.T, r Reader) string {
	t.Helper()
	var out bytes.Buffer
	for r.Next() {
		if err := array.RecordToJSON(r.Batch(), &out); err != nil {
			t.Fatalf("RecordToJSON: %v", err)
		}
	}
	return out.String()
}
