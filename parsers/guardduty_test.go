package parsers

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// readRows reads input with the reader newR returns and gives the rows as
// JSON Lines, the stats, the rejects and Err.
func readRows(t *testing.T, mem memory.Allocator, newR func(io.Reader, string, ...Option) (Reader, error), input string, opts ...Option) (string, Stats, *ErrorList, error) {
	t.Helper()
	r, err := newR(strings.NewReader(input), "test.jsonl", append([]Option{WithAllocator(mem)}, opts...)...)
	if err != nil {
		t.Fatalf("new reader: %v", err)
	}
	defer r.Release()
	var out bytes.Buffer
	for r.Next() {
		if err := array.RecordToJSON(r.Batch(), &out); err != nil {
			t.Fatalf("RecordToJSON: %v", err)
		}
	}
	return out.String(), r.Stats(), r.Rejects(), r.Err()
}

func gunzipFile(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const gdFinding = `{"schemaVersion":"2.0","accountId":"111122223333","region":"us-east-1","partition":"aws","id":"f1","arn":"arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f1","type":"Recon:EC2/PortProbeUnprotectedPort","resource":{"resourceType":"Instance","instanceDetails":{"instanceId":"i-1"}},"service":{"serviceName":"guardduty","archived":true,"count":3,"action":{"actionType":"PORT_PROBE"}},"severity":5.0,"createdAt":"2024-03-05T07:00:00.000Z","updatedAt":"2024-03-05T07:30:00.000Z","title":"Unprotected port on EC2 instance i-1 is being probed","description":"d \"quoted\""}`

func newGD(r io.Reader, source string, opts ...Option) (Reader, error) {
	return NewGuardDutyReader(r, source, opts...)
}

func TestGuardDutyReader_Success(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tests := []struct {
		name, input string
		opts        []Option
		want        string
		rows        int64
	}{
		{"one finding, every column", gdFinding + "\n", nil,
			`{"$path":"test.jsonl","accountid":"111122223333","arn":"arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f1","createdat":"2024-03-05T07:00:00.000Z","description":"d \"quoted\"","id":"f1","partition":"aws","region":"us-east-1","resource":"{\"resourceType\":\"Instance\",\"instanceDetails\":{\"instanceId\":\"i-1\"}}","schemaversion":"2.0","service":"{\"serviceName\":\"guardduty\",\"archived\":true,\"count\":3,\"action\":{\"actionType\":\"PORT_PROBE\"}}","severity":"5.0","title":"Unprotected port on EC2 instance i-1 is being probed","type":"Recon:EC2/PortProbeUnprotectedPort","updatedat":"2024-03-05T07:30:00.000Z"}` + "\n", 1},
		{"projection", gdFinding + "\n" + strings.Replace(gdFinding, `"f1"`, `"f2"`, 1), []Option{WithColumns("id", "severity")},
			`{"id":"f1","severity":"5.0"}` + "\n" + `{"id":"f2","severity":"5.0"}` + "\n", 2},
		{"no projected column counts rows", gdFinding + gdFinding, []Option{WithColumns([]string{}...)}, "{}\n{}\n", 2},
		{"pretty, no trailing newline, CRLF", "\xef\xbb\xbf{\r\n  \"ID\" : \"x\",\r\n  \"updatedAt\": \"2024-03-05T07:30:00Z\",\r\n  \"severity\": 8\r\n}", []Option{WithColumns("id", "severity", "region")},
			`{"id":"x","region":null,"severity":"8"}` + "\n", 1},
		{"nulls", `{"id":"x","updatedAt":"2024-03-05T07:30:00Z","service":null,"title":null}`, []Option{WithColumns("id", "service", "title")},
			`{"id":"x","service":null,"title":null}` + "\n", 1},
		{"unknown keys are skipped", `{"new":{"a":[1,{"b":2}]},"id":"x","updatedAt":"2024-03-05T07:30:00Z"}`, []Option{WithColumns("id")},
			`{"id":"x"}` + "\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st, rej, err := readRows(t, mem, newGD, tt.input, tt.opts...)
			if err != nil || rej.Len() != 0 {
				t.Fatalf("input %q: err %v, rejects %v", tt.input, err, rej.Errs)
			}
			if got != tt.want {
				t.Errorf("input %q\n got %s\nwant %s", tt.input, got, tt.want)
			}
			if st.Records != tt.rows || st.Bytes != int64(len(tt.input)) {
				t.Errorf("got stats %+v; want %d records, %d bytes", st, tt.rows, len(tt.input))
			}
		})
	}
}

func TestGuardDutyReader_Sample(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	files, _ := filepath.Glob("../testdata/guardduty/AWSLogs/*/GuardDuty/*/*/*/*/*.jsonl.gz")
	if len(files) != 1 {
		t.Fatalf("got sample files %v; want 1", files)
	}
	in := gunzipFile(t, files[0])
	got, st, rej, err := readRows(t, mem, newGD, string(in), WithColumns("id", "severity", "updatedat"), WithStrict(true))
	if err != nil || rej.Len() != 0 || st.Records != 5 {
		t.Fatalf("got %d records, err %v, rejects %v; want 5", st.Records, err, rej.Errs)
	}
	if !strings.Contains(got, `{"id":"a2c6b3f0e1d24c5b8a9e0f1d2c3b4a59","severity":"8","updatedat":"2024-03-05T09:58:12.345Z"}`) {
		t.Errorf("got %s; want the exfiltration finding with severity 8", got)
	}
}

func TestGuardDutyReader_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const ok = `{"id":"ok","updatedAt":"2024-03-05T07:30:00Z"}`
	tests := []struct {
		name  string
		input string // § marks where the error is
		path  string
		class error
		msg   string
		rows  int64 // good rows around the bad one
		fatal bool
	}{
		{"missing id", ok + "\n" + `§{"updatedAt":"2024-03-05T07:30:00Z","title":"t"}` + "\n" + ok, "record 1", ErrFormat, `expected a GuardDuty finding with key "id", found an object without it`, 2, false},
		{"null id", `§{"id":null,"updatedAt":"2024-03-05T07:30:00Z"}`, "record 0", ErrFormat, `with key "id"`, 0, false},
		{"severity an object", ok + "\n" + `{"id":"x","updatedAt":"2024-03-05T07:30:00Z","severity":§{"v":1}}`, "record 1.severity", ErrType, "expected string, found object", 1, false},
		{"bad time", `{"id":"x","updatedAt":§"05/03/2024"}` + "\n" + ok, "record 0.updatedAt", ErrType, `expected RFC 3339 time, found "05/03/2024"`, 1, false},
		{"time a number", `{"id":"x","createdAt":§1709600000,"updatedAt":"2024-03-05T07:30:00Z"}`, "record 0.createdAt", ErrType, "expected string (RFC 3339 time), found number 1709600000", 0, false},
		{"invalid UTF-8", `{"id":"x","updatedAt":"2024-03-05T07:30:00Z","title":"ab§` + "\xff" + `"}` + "\n" + ok, "record 0.title", ErrSyntax, "expected valid UTF-8", 1, false},
		{"broken JSON skips the line", ok + "\n" + `{"id":"x",§]` + "\n" + ok, "record 1", ErrSyntax, `expected object key, found "]"`, 2, false},
		{"not an object line", ok + "\n" + `§[1]` + "\n" + ok, "record 1", ErrSyntax, "expected a GuardDuty finding object, found array", 2, false},
		{"truncated", ok + "\n" + `{"id":"x","resource":{"a":§`, "record 1", ErrTruncated, "expected the rest of a GuardDuty finding, found end of input", 1, true},
		{"empty", "§", "", ErrFormat, "expected a GuardDuty finding JSON, found empty input", 0, true},
		{"not JSON", "§hello", "", ErrFormat, "expected a GuardDuty finding JSON object, found", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := strings.Index(tt.input, "§")
			input := strings.Replace(tt.input, "§", "", 1)
			line := strings.Count(input[:at], "\n") + 1
			col := at - strings.LastIndexByte(input[:at], '\n')
			_, st, rej, err := readRows(t, mem, newGD, input)
			var pe *ParseError
			switch {
			case tt.fatal:
				if !errors.As(err, &pe) {
					t.Fatalf("input %q: got err %v; want a fatal *ParseError", input, err)
				}
			case err != nil || rej.Len() != 1:
				t.Fatalf("input %q: got err %v, %d rejects; want 1 reject", input, err, rej.Len())
			default:
				pe = rej.Errs[0]
			}
			if pe.Offset != int64(at) || pe.Line != line || pe.Col != col {
				t.Errorf("input %q: got offset %d (%d:%d); want %d (%d:%d)", input, pe.Offset, pe.Line, pe.Col, at, line, col)
			}
			if pe.Path != tt.path || !errors.Is(pe, tt.class) || !strings.Contains(pe.Error(), tt.msg) {
				t.Errorf("input %q: got %q (path %q); want class %v, path %q, message with %q", input, pe, pe.Path, tt.class, tt.path, tt.msg)
			}
			if st.Records != tt.rows {
				t.Errorf("got %d rows; want %d", st.Records, tt.rows)
			}
			if !tt.fatal && st.Rejected != 1 {
				t.Errorf("got %d rejected; want 1", st.Rejected)
			}
		})
	}
}

func TestGuardDutyReader_Strict(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	_, st, _, err := readRows(t, mem, newGD, `{"title":"no id"}`+"\n"+gdFinding, WithStrict(true))
	if !errors.Is(err, ErrFormat) || st.Records != 0 {
		t.Errorf("got err %v, %d rows; want the missing id as Err and no rows", err, st.Records)
	}
}

// readAllocs returns the allocations of reading n copies of rec.
func readAllocs(newR func(io.Reader, string, ...Option) (Reader, error), prefix, rec, sep, suffix string, n int) float64 {
	in := []byte(prefix + strings.Repeat(rec+sep, n-1) + rec + suffix)
	return testing.AllocsPerRun(3, func() {
		r, _ := newR(bytes.NewReader(in), "x")
		for r.Next() {
		}
		r.Release()
	})
}

func TestGuardDutyReader_Allocs(t *testing.T) {
	skipAllocsUnderRace(t)
	// A fixed cost per reader and per batch (buffers that double, arrays),
	// none per row: twice the rows costs a few buffer doublings more.
	a1 := readAllocs(newGD, "", gdFinding, "\n", "", 1000)
	a2 := readAllocs(newGD, "", gdFinding, "\n", "", 2000)
	if a2-a1 > 60 {
		t.Errorf("got %.0f allocations for 1000 findings, %.0f for 2000; want no per-row allocation", a1, a2)
	}
}

// TestGuardDutyReader_PublicSamples reads GuardDuty's sample findings as
// aws-samples ships them (testdata/guardduty/aws-samples, MIT-0): one
// pretty-printed finding a file, two of them archived.
func TestGuardDutyReader_PublicSamples(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, tc := range []struct{ file, want string }{
		{"guardduty_ec2_event.json", `{"accountid":"123456789012","id":"16afba5c5c43e07c9e3e5e2e544e95df","region":"us-east-1","severity":"5","type":"Canary:EC2/Stateless.IntegTest","updatedat":"2017-10-31T23:16:23.824Z"}`},
		{"guardduty_iam_event.json", `{"accountid":"123456789012","id":"30bf285e52a1e405084ff6ec28e06e17","region":"us-east-1","severity":"5","type":"Recon:IAMUser/MaliciousIPCaller.Custom","updatedat":"2022-01-13T00:00:47.427Z"}`},
		{"guardduty_s3_event.json", `{"accountid":"123456789012","id":"2cbf285e52a6e74ff96f4cb3cf93296d","region":"us-east-1","severity":"5","type":"PenTest:S3/ParrotLinux","updatedat":"2022-01-13T00:00:47.437Z"}`},
	} {
		b, err := os.ReadFile("../testdata/guardduty/aws-samples/" + tc.file)
		if err != nil {
			t.Fatal(err)
		}
		if tb := SniffTable(b[:min(len(b), 512)]); tb != GuardDuty {
			t.Errorf("%s: sniffed as %v; want guardduty", tc.file, tb)
		}
		got, st, _, err := readRows(t, mem, newGD, string(b), WithColumns("id", "accountid", "region", "type", "severity", "updatedat"))
		if err != nil || st.Records != 1 || st.Rejected != 0 || got != tc.want+"\n" {
			t.Errorf("%s: got %s (stats %+v, err %v); want %s", tc.file, got, st, err, tc.want)
		}
	}
}
