package parsers

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

func newCfg(r io.Reader, source string, opts ...Option) (Reader, error) {
	return NewConfigReader(r, source, opts...)
}

const cfgItem = `{"relatedEvents":[],"relationships":[{"resourceId":"vol-1","resourceName":null,"resourceType":"AWS::EC2::Volume","name":"Is attached to Volume"}],"configuration":{"volumeId":"vol-1","encrypted":false},"supplementaryConfiguration":{"PublicAccessBlockConfiguration":{"blockPublicAcls":false},"Policy":"{\"Version\":\"2012-10-17\"}"},"tags":{"Name":"scratch","env":"dev"},"configurationItemVersion":"1.3","configurationItemCaptureTime":"2024-03-05T09:00:05.000Z","configurationStateId":1709629205000,"awsAccountId":"111122223333","configurationItemStatus":"ResourceDiscovered","resourceType":"AWS::EC2::Volume","resourceId":"vol-1","resourceName":null,"ARN":"arn:aws:ec2:us-east-1:111122223333:volume/vol-1","awsRegion":"us-east-1","availabilityZone":"us-east-1a","configurationStateMd5Hash":"","resourceCreationTime":"2024-03-05T09:00:00.000Z"}`

func TestConfigReader_Success(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	item2 := strings.NewReplacer(`"vol-1"`, `"vol-2"`, `"tags":{"Name":"scratch","env":"dev"}`, `"tags":{}`).Replace(cfgItem)
	tests := []struct {
		name, input string
		opts        []Option
		want        string
		rows        int64
		skipped     int64
	}{
		{"history, every column", `{"fileVersion":"1.0","configurationItems":[` + cfgItem + `]}`, nil,
			`{"$path":"test.jsonl","arn":"arn:aws:ec2:us-east-1:111122223333:volume/vol-1","availabilityzone":"us-east-1a","awsaccountid":"111122223333","awsregion":"us-east-1","configuration":"{\"volumeId\":\"vol-1\",\"encrypted\":false}","configurationitemcapturetime":"2024-03-05T09:00:05.000Z","configurationitemstatus":"ResourceDiscovered","configurationitemversion":"1.3","configurationstateid":1709629205000,"configurationstatemd5hash":"","relationships":"[{\"resourceId\":\"vol-1\",\"resourceName\":null,\"resourceType\":\"AWS::EC2::Volume\",\"name\":\"Is attached to Volume\"}]","resourcecreationtime":"2024-03-05T09:00:00.000Z","resourceid":"vol-1","resourcename":null,"resourcetype":"AWS::EC2::Volume","supplementaryconfiguration":[{"key":"PublicAccessBlockConfiguration","value":"{\"blockPublicAcls\":false}"},{"key":"Policy","value":"{\"Version\":\"2012-10-17\"}"}],"tags":[{"key":"Name","value":"scratch"},{"key":"env","value":"dev"}]}` + "\n", 1, 0},
		{"snapshot, keys after the array, pretty", "{\n  \"fileVersion\": \"1.0\",\n  \"configSnapshotId\": \"s1\",\n  \"configurationItems\": [\n    " + cfgItem + ",\n    " + item2 + "\n  ],\n  \"more\": {\"x\": [1]}\n}\n",
			[]Option{WithColumns("resourceid", "tags")},
			`{"resourceid":"vol-1","tags":[{"key":"Name","value":"scratch"},{"key":"env","value":"dev"}]}` + "\n" + `{"resourceid":"vol-2","tags":[]}` + "\n", 2, 0},
		{"empty array", `{"fileVersion":"1.0","configurationItems":[]}`, []Option{WithColumns("resourceid")}, "", 0, 0},
		{"no array: skipped", `{"fileVersion":"1.0","writable":true}` + "\n" + `{}`, nil, "", 0, 2},
		{"two files concatenated", `{"configurationItems":[` + cfgItem + `]}{"configurationItems":[` + item2 + `]}`, []Option{WithColumns("resourceid", "configurationstateid")},
			`{"configurationstateid":1709629205000,"resourceid":"vol-1"}` + "\n" + `{"configurationstateid":1709629205000,"resourceid":"vol-2"}` + "\n", 2, 0},
		{"state id as a string, null maps", `{"configurationItems":[{"resourceType":"AWS::S3::Bucket","resourceId":"b","configurationItemCaptureTime":"2024-03-05T09:00:05Z","configurationStateId":"42","tags":null}]}`,
			[]Option{WithColumns("configurationstateid", "tags")}, `{"configurationstateid":42,"tags":null}` + "\n", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st, rej, err := readRows(t, mem, newCfg, tt.input, tt.opts...)
			if err != nil || rej.Len() != 0 {
				t.Fatalf("input %q: err %v, rejects %v", tt.input, err, rej.Errs)
			}
			if got != tt.want {
				t.Errorf("input %q\n got %s\nwant %s", tt.input, got, tt.want)
			}
			if st.Records != tt.rows || st.Skipped != tt.skipped || st.Bytes != int64(len(tt.input)) {
				t.Errorf("got stats %+v; want %d records, %d skipped, %d bytes", st, tt.rows, tt.skipped, len(tt.input))
			}
		})
	}
}

func TestConfigReader_Samples(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, tc := range []struct {
		glob string
		rows int64
	}{
		{"../testdata/config/AWSLogs/*/Config/*/*/*/*/ConfigHistory/*.json.gz", 7},
		{"../testdata/config/AWSLogs/*/Config/*/*/*/*/ConfigSnapshot/*.json.gz", 3},
	} {
		files, _ := filepath.Glob(tc.glob)
		if len(files) != 1 {
			t.Fatalf("%s: got %v; want 1 file", tc.glob, files)
		}
		_, st, rej, err := readRows(t, mem, newCfg, string(gunzipFile(t, files[0])), WithStrict(true))
		if err != nil || rej.Len() != 0 || st.Records != tc.rows {
			t.Errorf("%s: got %d rows, err %v, rejects %v; want %d", files[0], st.Records, err, rej.Errs, tc.rows)
		}
	}
}

func TestConfigReader_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const ok = `{"resourceType":"AWS::EC2::Volume","resourceId":"v","configurationItemCaptureTime":"2024-03-05T09:00:05Z"}`
	const head = `{"fileVersion":"1.0","configurationItems":[`
	tests := []struct {
		name  string
		input string // § marks where the error is
		path  string
		class error
		msg   string
		rows  int64
		fatal bool
	}{
		{"missing resourceId", head + ok + `,§{"resourceType":"AWS::EC2::Volume","configurationItemCaptureTime":"2024-03-05T09:00:05Z"},` + ok + `]}`,
			"configurationitems[1]", ErrFormat, `expected a configuration item with key "resourceid", found an object without it`, 2, false},
		{"tags not an object", head + `{"resourceType":"T","resourceId":"v","configurationItemCaptureTime":"2024-03-05T09:00:05Z","tags":§["a"]}]}`,
			"configurationitems[0].tags", ErrType, "expected object, found array", 0, false},
		{"state id not an integer", head + `{"resourceType":"T","resourceId":"v","configurationItemCaptureTime":"2024-03-05T09:00:05Z","configurationStateId":§1.5}]}`,
			"configurationitems[0].configurationStateId", ErrType, "expected integer, found number 1.5", 0, false},
		{"bad capture time", head + `{"resourceType":"T","resourceId":"v","configurationItemCaptureTime":§"yesterday"}]}`,
			"configurationitems[0].configurationItemCaptureTime", ErrType, `expected RFC 3339 time, found "yesterday"`, 0, false},
		{"items not an array", `{"fileVersion":"1.0","configurationItems":§{}}`, "", ErrType, "expected array, found object", 0, true},
		{"broken JSON in the array is fatal", head + ok + `,{"resourceType":§}]}`, "configurationitems[1].resourceType", ErrSyntax, `expected JSON value, found "}"`, 1, true},
		{"missing comma between items", head + ok + ` §` + ok + `]}`, "", ErrSyntax, "expected ',' or ']' after a configuration item, found object", 1, true},
		{"truncated in an item", head + ok + `,{"resourceType":"T","configuration":{"a":§`, "configurationitems[1]", ErrTruncated, "expected the rest of a configuration item", 1, true},
		{"truncated after an item", head + ok + "§", "", ErrTruncated, "expected ',' or ']', found end of input", 1, true},
		{"a CloudTrail file", `§["x"]`, "", ErrFormat, "expected a configuration item JSON object, found array", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := strings.Index(tt.input, "§")
			input := strings.Replace(tt.input, "§", "", 1)
			_, st, rej, err := readRows(t, mem, newCfg, input)
			var pe *ParseError
			switch {
			case tt.fatal:
				if !errors.As(err, &pe) {
					t.Fatalf("input %q: got err %v, rejects %v; want a fatal *ParseError", input, err, rej.Errs)
				}
			case err != nil || rej.Len() != 1:
				t.Fatalf("input %q: got err %v, %d rejects; want 1 reject", input, err, rej.Len())
			default:
				pe = rej.Errs[0]
			}
			if pe.Offset != int64(at) || pe.Line != 1 || pe.Col != at+1 {
				t.Errorf("input %q: got offset %d (%d:%d); want %d (1:%d)", input, pe.Offset, pe.Line, pe.Col, at, at+1)
			}
			if pe.Path != tt.path || !errors.Is(pe, tt.class) || !strings.Contains(pe.Error(), tt.msg) {
				t.Errorf("input %q: got %q (path %q); want class %v, path %q, message with %q", input, pe, pe.Path, tt.class, tt.path, tt.msg)
			}
			if st.Records != tt.rows {
				t.Errorf("got %d rows; want %d", st.Records, tt.rows)
			}
		})
	}
}

func TestConfigReader_Allocs(t *testing.T) {
	skipAllocsUnderRace(t)
	a1 := readAllocs(newCfg, `{"fileVersion":"1.0","configurationItems":[`, cfgItem, ",", "]}", 1000)
	a2 := readAllocs(newCfg, `{"fileVersion":"1.0","configurationItems":[`, cfgItem, ",", "]}", 2000)
	if a2-a1 > 60 {
		t.Errorf("got %.0f allocations for 1000 items, %.0f for 2000; want no per-row allocation", a1, a2)
	}
}

// TestConfigReader_PublicSample reads the snapshot of the AWS Config
// Developer Guide ("Delivering configuration snapshots", Apache-2.0,
// testdata/config/awsdocs). It is the 2014 format: configurationStateID
// is a UUID string where current files, and the bigint of AWS's Athena
// table, have a number; and it names the account accountId, not
// awsAccountId. Its items are rejected with their positions.
func TestConfigReader_PublicSample(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b, err := os.ReadFile("../testdata/config/awsdocs/deliver-snapshot-cli.json")
	if err != nil {
		t.Fatal(err)
	}
	if tb := SniffTable(b[:min(len(b), 512)]); tb != Config {
		t.Fatalf("sniffed as %v; want config", tb)
	}
	_, st, rej, err := readRows(t, mem, newCfg, string(b))
	if err != nil || st.Records != 0 || st.Rejected != 2 || len(rej.Errs) != 2 {
		t.Fatalf("stats %+v, rejects %v, err %v; want both items rejected", st, rej, err)
	}
	for i, want := range []string{
		`test.jsonl:11:37 (configurationitems[0].configurationStateID): expected integer, found string "3e660fdf-4e34-4f32-afeb-0ace5bf3d63a"`,
		`test.jsonl:64:37 (configurationitems[1].configurationStateID): expected integer, found string "cdb571fa-ce7a-4ec5-8914-0320466a355e"`,
	} {
		if got := rej.Errs[i].Error(); got != want {
			t.Errorf("reject %d: got %q; want %q", i, got, want)
		}
	}
	// Without that column the items are read; the account is null.
	got, st, _, err := readRows(t, mem, newCfg, string(b), WithColumns("resourcetype", "resourceid", "awsaccountid", "configurationitemcapturetime"))
	want := `{"awsaccountid":null,"configurationitemcapturetime":"2014-03-07T23:47:08.918Z","resourceid":"vol-ce676ccc","resourcetype":"AWS::EC2::Volume"}
{"awsaccountid":null,"configurationitemcapturetime":"2014-03-07T23:47:09.523Z","resourceid":"i-344c463d","resourcetype":"AWS::EC2::Instance"}
`
	if err != nil || st.Rejected != 0 || got != want {
		t.Errorf("got %s (stats %+v, err %v); want %s", got, st, err, want)
	}
}
