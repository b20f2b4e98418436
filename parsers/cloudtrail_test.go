package parsers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// readAll reads input through a CloudTrailReader and returns the rows as
// JSON Lines (arrow's RecordToJSON), the stats and the reader's errors.
//
// It reads input twice, streamed and as an [InMemory] input parsed in
// place, and fails the test unless both give the same rows, stats,
// rejects and error.
func readAll(t *testing.T, mem memory.Allocator, input string, opts ...Option) (string, Stats, *ErrorList, error) {
	t.Helper()
	got, st, rej, err := readFrom(t, mem, strings.NewReader(input), opts...)
	got2, st2, rej2, err2 := readFrom(t, mem, inMemoryInput(input), opts...)
	if got2 != got || st2 != st || fmt.Sprint(rej2.Errs) != fmt.Sprint(rej.Errs) || fmt.Sprint(err2) != fmt.Sprint(err) {
		t.Errorf("in memory: got %.200q, %+v, rejects %.300v, err %v;\nstreamed: %.200q, %+v, rejects %.300v, err %v",
			got2, st2, rej2.Errs, err2, got, st, rej.Errs, err)
	}
	return got, st, rej, err
}

func readFrom(t *testing.T, mem memory.Allocator, src io.Reader, opts ...Option) (string, Stats, *ErrorList, error) {
	t.Helper()
	opts = append([]Option{WithAllocator(mem)}, opts...)
	r, err := NewCloudTrailReader(src, "test.json", opts...)
	if err != nil {
		t.Fatalf("NewCloudTrailReader: %v", err)
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

// readRunsAndOneByOne reads src() twice, with skipMembersAVX2's runs and
// without them (useSkipMembers), fails the test (naming what) unless
// both give the same rows, stats, rejects and error, and returns the
// stats, rejects and error.
func readRunsAndOneByOne(t *testing.T, what string, src func() io.Reader, opts ...Option) (Stats, *ErrorList, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	got, st, rej, err := readFrom(t, mem, src(), opts...)
	was := useSkipMembers
	useSkipMembers = false
	want, wst, wrej, werr := readFrom(t, mem, src(), opts...)
	useSkipMembers = was
	mem.AssertSize(t, 0)
	if got != want || st != wst || fmt.Sprint(rej.Errs) != fmt.Sprint(wrej.Errs) || fmt.Sprint(err) != fmt.Sprint(werr) {
		t.Fatalf("%s: in runs %q, %+v, %v, %v; one by one %q, %+v, %v, %v", what, got, st, rej.Errs, err, want, wst, wrej.Errs, werr)
	}
	return st, rej, err
}

// inMemoryInput is an [InMemory] input whose Read fails: a reader must
// parse its bytes in place.
type inMemoryInput []byte

func (inMemoryInput) Read([]byte) (int, error) {
	return 0, errors.New("Read of an InMemory input")
}

func (m inMemoryInput) Contents() []byte { return m }

// TestCloudTrailReader_InMemory: an InMemory input is parsed in place,
// with the records and errors of the same bytes streamed, across window
// moves: records straddling the window, one too large, broken JSON to
// resynchronise after, a long wrapper member.
func TestCloudTrailReader_InMemory(t *testing.T) {
	pad := `,"requestParameters":{"p":"` + strings.Repeat("x", 300<<10) + `"}}`
	var recs strings.Builder
	for i := range 40 { // 12 MB: windows of MaxRecordBytes move a few times
		if i > 0 {
			recs.WriteByte(',')
		}
		fmt.Fprintf(&recs, `{"eventVersion":"1.08","eventTime":"2024-03-05T10:00:00Z","eventName":"E%d"%s`, i, pad)
	}
	tests := []struct {
		name, input string
		rejected    int64
	}{
		{"12 MB", `{"Records":[` + recs.String() + `]}`, 0},
		{"too large", `{"Records":[` + rec1 + `,{"eventName":"Big","requestParameters":{"p":"` + strings.Repeat("x", MaxRecordBytes) + `"}},` + rec2 + `]}`, 1},
		{"too large an element", `[` + rec1 + `,"` + strings.Repeat("x", MaxRecordBytes) + `",` + rec2 + `]`, 1},
		{"just under the cap", `{"Records":[` + rec1 + `,{"eventName":"Big","eventTime":"2024-03-05T10:00:00Z","requestParameters":{"p":"` + strings.Repeat("x", MaxRecordBytes-200) + `"}},` + rec2 + `]}`, 0},
		{"broken, then lines", rec1 + "\n" + `{"eventVersion":` + "\n" + recs.String() + "\n" + rec2 + "\n", 1},
		{"wrapper member", `{"Records":[` + rec1 + `],"x":"` + strings.Repeat("y", 9<<20) + `"}`, 0},
		{"truncated", `{"Records":[` + recs.String()[:5<<20], 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			got, st, _, _ := readAll(t, mem, tt.input, WithColumns("eventname", "$path"))
			if st.Records == 0 || st.Rejected != tt.rejected || !strings.Contains(got, "eventname") {
				t.Errorf("got %d bytes of rows, %+v; want rows and %d rejected", len(got), st, tt.rejected)
			}
		})
	}
}

const rec1 = `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA1","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIA1","userName":"alice","sessionContext":{"attributes":{"creationDate":"2024-03-05T10:00:00Z","mfaAuthenticated":"false"},"sessionIssuer":{}}},"eventTime":"2024-03-05T10:11:12Z","eventSource":"ec2.amazonaws.com","eventName":"CreateNetworkAclEntry","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15","requestParameters":{"networkAclId":"acl-1","ruleNumber":100,"egress":false},"responseElements":{"_return":true},"requestID":"r1","eventID":"e1","readOnly":false,"resources":[{"ARN":"arn:aws:ec2:us-east-1:111122223333:network-acl/acl-1","accountId":"111122223333","type":"AWS::EC2::NetworkAcl"}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.us-east-1.amazonaws.com","keyExchange":"x25519"}}`

const rec2 = `{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2024-03-05T10:12:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.1","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No","LoginTo":"https://console.aws.amazon.com/"},"eventID":"e2","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}`

func TestCloudTrailReader_InputForms(t *testing.T) {
	want, _, _, _ := readAll(t, memory.DefaultAllocator, `{"Records":[`+rec1+`,`+rec2+`]}`, WithColumns("eventname", "useridentity.type", "eventtime"))
	if strings.Count(want, "\n") != 2 {
		t.Fatalf("wrapper form: got %q; want 2 rows", want)
	}
	tests := []struct {
		name  string
		input string
	}{
		{"wrapper", `{"Records":[` + rec1 + `,` + rec2 + `]}`},
		{"wrapper pretty", "{\n  \"Records\" : [\n    " + rec1 + " ,\n    " + rec2 + "\n  ]\n}\n"},
		{"wrapper with trailing keys", `{"Records":[` + rec1 + `,` + rec2 + `],"other":{"a":[1,2]}}`},
		{"array", `[` + rec1 + `,` + rec2 + `]`},
		{"ndjson", rec1 + "\n" + rec2 + "\n"},
		{"ndjson with extra keys", strings.Replace(rec1, `{`, `{"@timestamp":"2024-03-05T10:11:12.000Z","@version":"1",`, 1) + "\n" + rec2},
		{"concatenated wrappers", `{"Records":[` + rec1 + `]}` + "\n" + `{"Records":[` + rec2 + `]}`},
		{"bom", "\xef\xbb\xbf" + `{"Records":[` + rec1 + `,` + rec2 + `]}`},
		// After eventVersion, keys are filtered before the lookup: the filter
		// must ignore case as the lookup does.
		{"keys in other cases", strings.NewReplacer(`"eventName"`, `"EVENTNAME"`, `"eventTime"`, `"EventTime"`,
			`"userIdentity"`, `"useridentity"`, `"type"`, `"Type"`).Replace(`{"Records":[` + rec1 + `,` + rec2 + `]}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			got, st, rej, err := readAll(t, mem, tt.input, WithColumns("eventname", "useridentity.type", "eventtime"))
			if err != nil || rej.Len() != 0 {
				t.Fatalf("err %v, rejects %v", err, rej.Err())
			}
			if got != want {
				t.Errorf("got %q; want %q", got, want)
			}
			if st.Records != 2 || st.Bytes != int64(len(tt.input)) {
				t.Errorf("stats %+v; want 2 records, %d bytes", st, len(tt.input))
			}
		})
	}
	// A single record object.
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	got, st, _, err := readAll(t, mem, rec2, WithColumns("eventname"))
	if err != nil || st.Records != 1 || got != `{"eventname":"ConsoleLogin"}`+"\n" {
		t.Errorf("single record: got %q, %+v, %v", got, st, err)
	}
}

func TestCloudTrailReader_Values(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	got, st, rej, err := readAll(t, mem, `{"Records":[`+rec1+`,`+rec2+`]}`,
		WithColumns("eventname", "useridentity.arn", "useridentity.sessioncontext.attributes.mfaauthenticated",
			"requestparameters", "readonly", "resources.arn", "tlsdetails", "additionaleventdata", "$path"))
	if err != nil || rej.Len() != 0 {
		t.Fatalf("err %v, rejects %v", err, rej.Err())
	}
	want := `{"$path":"test.json","additionaleventdata":null,"eventname":"CreateNetworkAclEntry","readonly":"false","requestparameters":"{\"networkAclId\":\"acl-1\",\"ruleNumber\":100,\"egress\":false}","resources":[{"arn":"arn:aws:ec2:us-east-1:111122223333:network-acl/acl-1"}],"tlsdetails":{"ciphersuite":"TLS_AES_128_GCM_SHA256","clientprovidedhostheader":"ec2.us-east-1.amazonaws.com","tlsversion":"TLSv1.3"},"useridentity":{"arn":"arn:aws:iam::111122223333:user/alice","sessioncontext":{"attributes":{"mfaauthenticated":"false"}}}}
{"$path":"test.json","additionaleventdata":"{\"MFAUsed\":\"No\",\"LoginTo\":\"https://console.aws.amazon.com/\"}","eventname":"ConsoleLogin","readonly":null,"requestparameters":null,"resources":null,"tlsdetails":null,"useridentity":{"arn":"arn:aws:iam::111122223333:root","sessioncontext":null}}
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if st.Records != 2 {
		t.Errorf("records %d; want 2", st.Records)
	}
}

func TestCloudTrailReader_FullSchema(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	input := `{"Records":[` + rec1 + `,` + rec2 + `,{"eventVersion":"1.08","eventTime":"2024-03-05T10:13:00Z","eventName":"AssumeRoleWithWebIdentity","userIdentity":{"type":"WebIdentityUser","sessionContext":{"webIdFederationData":{"federatedProvider":"accounts.google.com","attributes":{"sub":"1234","aud":"x\u0041"}}}},"eventID":"e3"}]}`
	r, err := NewCloudTrailReader(strings.NewReader(input), "full.json", WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if !r.Next() {
		t.Fatalf("no batch: %v", r.Err())
	}
	b := r.Batch()
	if b.NumRows() != 3 || int(b.NumCols()) != len(CloudTrailSchema.Fields()) {
		t.Fatalf("got %d rows × %d cols", b.NumRows(), b.NumCols())
	}
	if !b.Schema().Equal(CloudTrailSchema) {
		t.Errorf("schema differs from CloudTrailSchema:\n%s", b.Schema())
	}
	var out bytes.Buffer
	if err := array.RecordToJSON(b, &out); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{`"federatedprovider":"accounts.google.com"`, `"attributes":[{"key":"sub","value":"1234"},{"key":"aud","value":"xA"}]`,
		`"eventtime":"2024-03-05T10:11:12Z"`, `"responseelements":"{\"_return\":true}"`, `"type":"AWS::EC2::NetworkAcl"`} {
		if !strings.Contains(out.String(), sub) {
			t.Errorf("output lacks %s:\n%s", sub, out.String())
		}
	}
	if r.Next() || r.Err() != nil {
		t.Errorf("want clean end, got err %v", r.Err())
	}
}

func TestCloudTrailReader_Digest(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	digest := `{"awsAccountId":"111122223333","digestStartTime":"2024-03-05T09:00:00Z","digestEndTime":"2024-03-05T10:00:00Z","digestS3Bucket":"b","digestS3Object":"AWSLogs/x","logFiles":[{"s3Bucket":"b","s3Object":"k","hashValue":"aa","oldestEventTime":"2024-03-05T09:00:00Z"}]}`
	got, st, rej, err := readAll(t, mem, digest)
	if got != "" || err != nil || rej.Len() != 0 || st.Skipped != 1 || st.Records != 0 {
		t.Errorf("got %q, %+v, %v, %v; want the digest skipped and counted", got, st, rej.Err(), err)
	}
}

func TestCloudTrailReader_Empty(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// An empty Records array is a valid delivery with no events.
	for _, in := range []string{`{"Records":[]}`, `{"Records": [ ] }`, `[]`} {
		got, st, rej, err := readAll(t, mem, in)
		if got != "" || err != nil || rej.Len() != 0 || st.Records != 0 {
			t.Errorf("%q: got %q, %+v, %v, %v; want nothing, no error", in, got, st, rej.Err(), err)
		}
	}
	// An empty file is not CloudTrail: an error for the file.
	for _, in := range []string{"", "  \n"} {
		_, _, _, err := readAll(t, mem, in)
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "found empty input") {
			t.Errorf("%q: got %v; want a ParseError about empty input", in, err)
		}
	}
}

// TestCloudTrailReader_Failure checks each kind of bad input: the error's
// position (marked with ¶ in the input), path and message, and that the
// good records around it are kept.
func TestCloudTrailReader_Failure(t *testing.T) {
	good := `{"eventVersion":"1.08","eventTime":"2024-03-05T10:00:00Z","eventName":"A","eventID":"a"}`
	tests := []struct {
		name      string
		input     string // ¶ marks the error offset
		columns   []string
		wantRows  int
		wantRej   int64
		wantPath  string
		wantErr   string // in the error message
		wantClass error
		fatal     bool // the error ends the object (Err), else it is a reject
	}{
		{
			name:     "eventtime a number",
			input:    `{"Records":[` + good + `,{"eventVersion":"1.08","eventTime":¶1709632800,"eventName":"B"},` + good + `]}`,
			wantRows: 2, wantRej: 1, wantPath: "Records[1].eventTime",
			wantErr: "expected string (RFC 3339 time), found number 1709632800", wantClass: ErrType,
		},
		{
			name:     "eventtime not RFC 3339",
			input:    `{"Records":[{"eventVersion":"1.08","eventTime":¶"05/01/2024","eventName":"B"},` + good + `]}`,
			wantRows: 1, wantRej: 1, wantPath: "Records[0].eventTime",
			wantErr: `expected RFC 3339 time, found "05/01/2024"`, wantClass: ErrType,
		},
		{
			name:     "struct of wrong type",
			input:    `[` + good + `,{"eventVersion":"1.08","userIdentity":¶"alice","eventName":"B"}]`,
			columns:  []string{"useridentity.arn"},
			wantRows: 1, wantRej: 1, wantPath: "[1].userIdentity",
			wantErr: `expected object, found string "alice"`, wantClass: ErrType,
		},
		{
			name:     "string column holding an object",
			input:    good + "\n" + `{"eventVersion":"1.08","eventName":¶{"x":1}}` + "\n" + good + "\n",
			wantRows: 2, wantRej: 1, wantPath: "record 1.eventName",
			wantErr: "expected string, found object", wantClass: ErrType,
		},
		{
			name:     "invalid JSON in one NDJSON line",
			input:    good + "\n" + `{"eventVersion":"1.08","eventName":"B" ¶"eventID":"b"}` + "\n" + good + "\n",
			wantRows: 2, wantRej: 1, wantPath: "record 1",
			wantErr: `expected ',' or '}' in object, found string "eventID"`, wantClass: ErrSyntax,
		},
		{
			name:     "invalid JSON in a compact array: resync at the next record",
			input:    `{"Records":[` + good + `,{"eventVersion":"1.08","eventName":"B",¶},` + good + `,` + good + `]}`,
			wantRows: 3, wantRej: 1, wantPath: "Records[1]",
			wantErr: `expected object key, found "}" (reading resumed at offset 142)`, wantClass: ErrSyntax,
		},
		{
			name:     "unbalanced brackets in a pretty array: resync at the next line",
			input:    "[\n  " + good + "¶}}},\n  " + `{"eventName":"C", "eventTime":"2024-03-05T10:00:00Z"}` + "\n]",
			wantRows: 2, wantRej: 1, wantPath: "[1]",
			wantErr: `expected ',' or ']' after a record, found "}"`, wantClass: ErrSyntax,
		},
		{
			name:     "mismatched brackets in a skipped value",
			input:    `{"Records":[` + good + `,{"eventVersion":"1.08","eventName":"B","requestParameters":{"a":[1¶}},"eventID":"b"},` + good + `]}`,
			wantRows: 2, wantRej: 1, wantPath: "Records[1].requestParameters",
			wantErr: `expected ']', found "}"`, wantClass: ErrSyntax,
		},
		{
			name:     "invalid UTF-8",
			input:    `{"Records":[{"eventVersion":"1.08","eventName":"ok","userAgent":"ab¶` + "\xff\xfe" + `"},` + good + `]}`,
			columns:  []string{"useragent"},
			wantRows: 1, wantRej: 1, wantPath: "Records[0].userAgent",
			wantErr: `expected valid UTF-8, found "\xff\xfe"`, wantClass: ErrSyntax,
		},
		{
			name:     "bad escape",
			input:    `{"Records":[{"eventVersion":"1.08","eventName":"a¶\q"},` + good + `]}`,
			wantRows: 1, wantRej: 1, wantPath: "Records[0].eventName",
			wantErr: `expected a valid escape, found "\\q"`, wantClass: ErrSyntax,
		},
		{
			name:     "nesting too deep",
			input:    `{"Records":[{"eventVersion":"1.08","requestParameters":` + strings.Repeat(`{"a":`, MaxDepth-1) + `¶{"a":1` + strings.Repeat(`}`, MaxDepth) + `},` + good + `]}`,
			wantRows: 1, wantRej: 1, wantPath: "Records[0].requestParameters",
			wantErr: "expected at most 128 levels of nesting, found deeper nesting", wantClass: ErrTooDeep,
		},
		{
			name:     "impossible date",
			input:    `{"Records":[` + good + `,{"eventVersion":"1.08","eventTime":¶"2024-02-30T00:00:00Z","eventName":"B"},` + good + `]}`,
			wantRows: 2, wantRej: 1, wantPath: "Records[1].eventTime",
			wantErr: `expected RFC 3339 time, found "2024-02-30T00:00:00Z"`, wantClass: ErrType,
		},
		{
			name:     "month 13",
			input:    `{"Records":[` + good + `,{"eventVersion":"1.08","eventTime":¶"2024-13-01T00:00:00Z","eventName":"B"},` + good + `]}`,
			wantRows: 2, wantRej: 1, wantPath: "Records[1].eventTime",
			wantErr: `expected RFC 3339 time, found "2024-13-01T00:00:00Z"`, wantClass: ErrType,
		},
		{
			name:     "hour 24, projected",
			input:    `{"Records":[{"eventVersion":"1.08","eventTime":¶"2024-03-05T24:00:00Z","eventName":"B"},` + good + `]}`,
			columns:  []string{"eventtime"},
			wantRows: 1, wantRej: 1, wantPath: "Records[0].eventTime",
			wantErr: `expected RFC 3339 time, found "2024-03-05T24:00:00Z"`, wantClass: ErrType,
		},
		{
			name:     "29 February of a common year",
			input:    good + "\n" + `{"eventVersion":"1.08","eventTime":¶"2023-02-29T10:00:00Z","eventName":"B"}` + "\n" + good + "\n",
			wantRows: 2, wantRej: 1, wantPath: "record 1.eventTime",
			wantErr: `expected RFC 3339 time, found "2023-02-29T10:00:00Z"`, wantClass: ErrType,
		},
		{
			name:     "no eventTime",
			input:    `{"Records":[` + good + `,¶{"eventVersion":"1.08","eventName":"B","eventID":"b"},` + good + `]}`,
			wantRows: 2, wantRej: 1, wantPath: "Records[1]",
			wantErr: `expected eventTime (RFC 3339 time), found a record without it`, wantClass: ErrType,
		},
		{
			name:     "eventTime null, projected",
			input:    `{"Records":[` + good + `,{"eventVersion":"1.08","eventTime":¶null,"eventName":"B"},` + good + `]}`,
			columns:  []string{"eventtime"},
			wantRows: 2, wantRej: 1, wantPath: "Records[1].eventTime",
			wantErr: `expected RFC 3339 time, found null`, wantClass: ErrType,
		},
		{
			name:     "array element not an object",
			input:    `[` + good + `,¶0"eventID":"x1","eventName":"B"},` + good + `]`,
			wantRows: 2, wantRej: 1, wantPath: "[1]",
			wantErr: `expected a record object, found number 0 (reading resumed at offset`, wantClass: ErrSyntax,
		},
		{
			name:     "array element a number",
			input:    `[` + good + `,¶42,` + good + `]`,
			wantRows: 2, wantRej: 1, wantPath: "[1]",
			wantErr: `expected a record object, found number 42`, wantClass: ErrType,
		},
		{
			name:     "garbage byte before a record",
			input:    `{"Records":[` + good + `,¶x` + good + `,` + good + `]}`,
			wantRows: 3, wantRej: 1, wantPath: "Records[1]",
			wantErr: `expected a record object, found "x" (reading resumed at offset`, wantClass: ErrSyntax,
		},
		{
			name:     "raw NUL in a decoded string",
			input:    `{"Records":[{"eventVersion":"1.08","eventName":"a¶` + "\x00" + `b"},` + good + `]}`,
			wantRows: 1, wantRej: 1, wantPath: "Records[0].eventName",
			wantErr: `expected a string without raw control characters, found "\x00"`, wantClass: ErrSyntax,
		},
		{
			name:     "raw newline in a skipped string",
			input:    `{"Records":[{"eventVersion":"1.08","eventName":"a","userAgent":"x¶` + "\n" + `y"},` + good + `]}`,
			wantRows: 1, wantRej: 1, wantPath: "Records[0].userAgent",
			wantErr: `expected a string without raw control characters, found "\n"`, wantClass: ErrSyntax,
		},
		{
			name:     "raw control character in a key",
			input:    `{"Records":[{"eventVersion":"1.08","eventName":"a","k¶` + "\x1f" + `":1},` + good + `]}`,
			wantRows: 1, wantRej: 1, wantPath: "Records[0]",
			wantErr: `expected a string without raw control characters, found "\x1f"`, wantClass: ErrSyntax,
		},
		{
			name:     "garbage between two delivery objects",
			input:    `{"Records":[` + good + `]}` + "\n¶x" + `{"Records":[` + good + `,` + good + `]}`,
			wantRows: 3, wantRej: 1, wantPath: "record 1",
			wantErr: `expected CloudTrail JSON ('{' or '['), found "x" (reading resumed at offset`, wantClass: ErrSyntax,
		},
		{
			name:     "not a CloudTrail record",
			input:    `[` + good + `,¶{"aws":{"cloudtrail":{"eventVersion":"1.08"}}},` + good + `]`,
			wantRows: 2, wantRej: 1, wantPath: "[1]",
			wantErr: "found an object with none of them", wantClass: ErrFormat,
		},
		{
			name:     "truncated record",
			input:    `{"Records":[` + good + `,{"eventVersion":"1.08","eventName":"tru¶`,
			wantRows: 1, wantRej: 1, wantPath: "Records[1]",
			wantErr: "expected the rest of the record, found end of input", wantClass: ErrTruncated, fatal: true,
		},
		{
			name:     "truncated array",
			input:    `{"Records":[` + good + `¶`,
			wantRows: 1, wantRej: 0,
			wantErr: "expected ',' or ']', found end of input", wantClass: ErrTruncated, fatal: true,
		},
		{
			name:    "not JSON",
			input:   `¶version account-id interface-id`,
			wantErr: `expected CloudTrail JSON ('{' or '['), found "v"`, wantClass: ErrFormat, fatal: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			wantOff := int64(strings.Index(tt.input, "¶"))
			input := strings.Replace(tt.input, "¶", "", 1)
			got, st, rej, err := readAll(t, mem, input, WithColumns(append([]string{"eventname"}, tt.columns...)...))
			if rows := strings.Count(got, "\n"); rows != tt.wantRows || int64(rows) != st.Records {
				t.Errorf("rows %d (stats %d); want %d", rows, st.Records, tt.wantRows)
			}
			if st.Rejected != tt.wantRej {
				t.Errorf("rejected %d; want %d", st.Rejected, tt.wantRej)
			}
			var pe *ParseError
			if tt.fatal {
				if !errors.As(err, &pe) {
					t.Fatalf("Err() = %v; want a *ParseError", err)
				}
			} else {
				if err != nil {
					t.Fatalf("Err() = %v; want nil", err)
				}
				if rej.Len() != 1 {
					t.Fatalf("rejects %v; want one", rej.Errs)
				}
				pe = rej.Errs[0]
			}
			if pe.Offset != wantOff || pe.Path != tt.wantPath || pe.Source != "test.json" {
				t.Errorf("error at offset %d, path %q, source %q; want offset %d, path %q\n%v", pe.Offset, pe.Path, pe.Source, wantOff, tt.wantPath, pe)
			}
			if !strings.Contains(pe.Error(), tt.wantErr) || !errors.Is(pe, tt.wantClass) {
				t.Errorf("error %q; want it to contain %q and match %v", pe.Error(), tt.wantErr, tt.wantClass)
			}
		})
	}
}

func TestCloudTrailReader_Strict(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := `{"Records":[` + rec1 + `,{"eventVersion":"1.08","eventTime":12},` + rec2 + `]}`
	got, st, _, err := readAll(t, mem, in, WithStrict(true), WithColumns("eventname"))
	if err == nil || !errors.Is(err, ErrType) || st.Rejected != 1 || strings.Count(got, "\n") != 1 {
		t.Errorf("strict: got %q, %+v, %v; want 1 row then the error", got, st, err)
	}
}

func TestCloudTrailReader_TooLarge(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	big := `{"eventVersion":"1.08","eventName":"Big","requestParameters":{"policy":"` + strings.Repeat("x", 10<<20) + `"}}`
	in := `{"Records":[` + rec1 + `,` + big + `,` + rec2 + `]}`
	got, st, rej, err := readAll(t, mem, in, WithColumns("eventname"))
	if err != nil {
		t.Fatal(err)
	}
	if got != `{"eventname":"CreateNetworkAclEntry"}`+"\n"+`{"eventname":"ConsoleLogin"}`+"\n" || st.Rejected != 1 {
		t.Errorf("got %q, %+v", got, st)
	}
	if rej.Len() != 1 || !errors.Is(rej.Errs[0], ErrTooLarge) || rej.Errs[0].Path != "Records[1]" ||
		rej.Errs[0].Offset != int64(strings.Index(in, `{"eventVersion":"1.08","eventName":"Big"`)) {
		t.Errorf("rejects %v", rej.Errs)
	}
}

// TestCloudTrailReader_SmallReads feeds the input a byte at a time, so every
// value crosses a refill boundary.
func TestCloudTrailReader_SmallReads(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := `{"Records":[` + rec1 + `,` + rec2 + `]}`
	want, _, _, _ := readAll(t, mem, in)
	r, err := NewCloudTrailReader(iotest.OneByteReader(strings.NewReader(in)), "test.json", WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var out bytes.Buffer
	for r.Next() {
		array.RecordToJSON(r.Batch(), &out)
	}
	if r.Err() != nil || out.String() != want {
		t.Errorf("got %q, %v; want %q", out.String(), r.Err(), want)
	}
}

type errAfterReader struct {
	data []byte
	err  error
}

func (e *errAfterReader) Read(p []byte) (int, error) {
	if len(e.data) == 0 {
		return 0, e.err
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

// TestCloudTrailReader_ReadError: a corrupt or truncated compressed stream
// surfaces as a read error; the records before it are kept and the error is
// positioned at the offset reached.
func TestCloudTrailReader_ReadError(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	head := `{"Records":[` + rec1 + `,` + rec2[:50]
	for _, tc := range []struct {
		err   error
		class error
	}{
		{io.ErrUnexpectedEOF, ErrTruncated},
		{errors.New("gzip: invalid checksum"), ErrCorrupt},
	} {
		r, err := NewCloudTrailReader(&errAfterReader{data: []byte(head), err: tc.err}, "x.json.gz", WithAllocator(mem), WithColumns("eventname"))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for r.Next() {
			n += int(r.Batch().NumRows())
		}
		var pe *ParseError
		if n != 1 || !errors.As(r.Err(), &pe) || !errors.Is(r.Err(), tc.err) || !errors.Is(r.Err(), tc.class) || pe.Offset != int64(len(head)) {
			t.Errorf("got %d rows, err %v; want 1 row and a %v at offset %d", n, r.Err(), tc.class, len(head))
		}
		r.Release()
	}
}

func TestCloudTrailReader_SchemaDrift(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := `{"Records":[{"newTopLevel":{"deep":[1,{"x":"y"}]},"eventVersion":"1.99","userIdentity":{"type":"IAMUser","brandNew":"v","sessionContext":{"newer":true,"attributes":{"mfaAuthenticated":"true","extra":1}}},"eventName":"X","EVENTSOURCE":"s3.amazonaws.com","eventID":"z","EventTime":"2024-03-05T10:00:00Z"}]}`
	got, st, rej, err := readAll(t, mem, in, WithColumns("eventname", "eventsource", "useridentity.type", "useridentity.sessioncontext.attributes.mfaauthenticated"))
	want := `{"eventname":"X","eventsource":"s3.amazonaws.com","useridentity":{"sessioncontext":{"attributes":{"mfaauthenticated":"true"}},"type":"IAMUser"}}` + "\n"
	if got != want || err != nil || rej.Len() != 0 || st.Records != 1 {
		t.Errorf("got %q, %v, %v; want %q", got, err, rej.Err(), want)
	}
}

func TestCloudTrailReader_AllNull(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// Every column but eventtime, which a record must have, may be null.
	in := `{"Records":[{"eventVersion":null,"userIdentity":null,"eventTime":"2024-03-05T10:00:00Z","eventName":null,"resources":null,"requestParameters":null,"tlsDetails":null,"eventID":"x"}]}`
	got, st, rej, err := readAll(t, mem, in, WithColumns("eventversion", "useridentity", "eventtime", "resources", "requestparameters", "tlsdetails"))
	want := `{"eventtime":"2024-03-05T10:00:00Z","eventversion":null,"requestparameters":null,"resources":null,"tlsdetails":null,"useridentity":null}` + "\n"
	if got != want || err != nil || rej.Len() != 0 || st.Records != 1 {
		t.Errorf("got %q, %v, %v; want %q", got, err, rej.Err(), want)
	}
}

func TestCloudTrailReader_Projection(t *testing.T) {
	for _, tc := range []struct {
		cols    []string
		wantErr string
	}{
		{[]string{"nosuch"}, `unknown column "nosuch"`},
		{[]string{"useridentity.nosuch"}, `unknown field "nosuch" in column "useridentity"`},
		{[]string{"eventname.x"}, `column "eventname" has no field "x"`},
	} {
		_, err := NewCloudTrailReader(strings.NewReader(""), "x", WithColumns(tc.cols...))
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%v: got %v; want %q", tc.cols, err, tc.wantErr)
		}
	}
	r, err := NewCloudTrailReader(strings.NewReader(""), "x", WithColumns("EventName", "useridentity.sessioncontext.sessionissuer.arn", "resources.type"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	want := "schema:\n  fields: 3\n    - useridentity: type=struct<sessioncontext: struct<sessionissuer: struct<arn: utf8 nullable> nullable> nullable>, nullable\n    - eventname: type=dictionary<values=utf8, indices=int32, ordered=false>, nullable\n    - resources: type=list<item: struct<type: utf8 nullable>, nullable>, nullable"
	if got := r.Schema().String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCloudTrailReader_Batches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	n := BatchRows*2 + 17
	var sb strings.Builder
	sb.WriteString(`{"Records":[`)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(rec1)
	}
	sb.WriteString(`]}`)
	r, err := NewCloudTrailReader(strings.NewReader(sb.String()), "x", WithAllocator(mem), WithColumns("eventname", "$path"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var sizes []int64
	for r.Next() {
		sizes = append(sizes, r.Batch().NumRows())
	}
	if len(sizes) != 3 || sizes[0] != BatchRows || sizes[2] != 17 || r.Err() != nil || r.Stats().Records != int64(n) {
		t.Errorf("batches %v, err %v, stats %+v", sizes, r.Err(), r.Stats())
	}
}

func TestCloudTrailReader_NoAllocs(t *testing.T) {
	skipAllocsUnderRace(t)
	var sb strings.Builder
	sb.WriteString(`{"Records":[`)
	for i := range BatchRows {
		if i > 0 {
			sb.WriteByte(',')
		}
		if i%2 == 0 {
			sb.WriteString(rec1)
		} else {
			sb.WriteString(rec2)
		}
	}
	sb.WriteString(`]}`)
	input := []byte(sb.String())
	src := bytes.NewReader(input)
	mem := memory.NewGoAllocator()
	r, err := NewCloudTrailReader(src, "x", WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	// Warm up: buffers and builders reach their steady-state capacity.
	for range 2 {
		src.Reset(input)
		r.state, r.seenValue = stStart, false
		for r.Next() {
		}
	}
	allocs := testing.AllocsPerRun(5, func() {
		src.Reset(input)
		r.state, r.seenValue = stStart, false
		for r.Next() {
		}
	})
	// A batch costs a fixed number of allocations (arrays, schema, dictionary
	// copies); per record there must be none.
	if perRecord := allocs / BatchRows; perRecord > 0.1 {
		t.Errorf("%.0f allocations per %d-record batch (%.2f per record); want a per-batch constant", allocs, BatchRows, perRecord)
	}
}

func TestCloudTrailReader_MapBadKey(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := `{"Records":[{"eventVersion":"1.08","userIdentity":{"sessionContext":{"webIdFederationData":{"attributes":{"ok":"1","b\qd":"2"}}}},"eventName":"A"},{"eventVersion":"1.08","eventTime":"2024-03-05T10:00:00Z","eventName":"B"}]}`
	got, st, rej, err := readAll(t, mem, in, WithColumns("eventname", "useridentity.sessioncontext.webidfederationdata.attributes"))
	if err != nil || st.Records != 1 || st.Rejected != 1 || rej.Len() != 1 || !strings.Contains(got, `"eventname":"B"`) ||
		rej.Errs[0].Path != "Records[0].userIdentity.sessionContext.webIdFederationData.attributes" {
		t.Errorf("got %q, %+v, %v, %v", got, st, rej.Errs, err)
	}
}

// TestCloudTrailReader_BatchBytes: large records end a batch after
// BatchBytes of input, not BatchRows records; no record is lost.
func TestCloudTrailReader_BatchBytes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	big := strings.Repeat("x", 100<<10)
	var in strings.Builder
	in.WriteString(`{"Records":[`)
	const n = 300 // 30 MB
	for i := range n {
		if i > 0 {
			in.WriteByte(',')
		}
		fmt.Fprintf(&in, `{"eventTime":"2024-03-05T10:00:00Z","eventName":"RunInstances","responseElements":{"blob":%q}}`, big)
	}
	in.WriteString(`]}`)
	r, err := NewCloudTrailReader(strings.NewReader(in.String()), "big.json", WithAllocator(mem), WithColumns("eventname", "responseelements"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	rows, batches := 0, 0
	for r.Next() {
		b := r.Batch()
		if b.NumRows() > BatchBytes/(100<<10)+1 {
			t.Errorf("batch of %d rows of 100 KB each; want at most %d", b.NumRows(), BatchBytes/(100<<10)+1)
		}
		rows += int(b.NumRows())
		batches++
	}
	if r.Err() != nil || rows != n || batches < 3 {
		t.Errorf("got %d rows in %d batches, err %v; want %d rows in several batches", rows, batches, r.Err(), n)
	}
}

// TestCloudTrailReader_NoRowsForBatchBytes: more than BatchBytes of input
// without a good record (rejected records, one huge record, digests, blank
// space) must not end the read: Next goes on until it has a row or the
// input ends, so the good record after them is returned.
func TestCloudTrailReader_NoRowsForBatchBytes(t *testing.T) {
	pad := strings.Repeat("p", 400)
	many := func(n int, rec func(i int) string) string {
		var sb strings.Builder
		for i := range n {
			sb.WriteString(rec(i))
			sb.WriteByte(',')
		}
		return sb.String()
	}
	digest := `{"awsAccountId":"111122223333","digestStartTime":"2024-03-05T09:00:00Z","digestEndTime":"2024-03-05T10:00:00Z","digestS3Bucket":"b","digestS3Object":"` + pad + `"}`
	tests := []struct {
		name              string
		input             string
		rejected, skipped int64
	}{
		{"20000 rejected records", `{"Records":[` + many(20000, func(i int) string {
			return `{"eventVersion":"1.08","eventTime":12345,"eventID":"b` + strconv.Itoa(i) + `","requestParameters":{"p":"` + pad + `"}}`
		}) + rec2 + `]}`, 20000, 0},
		{"a record past MaxRecordBytes and BatchBytes", `{"Records":[{"eventVersion":"1.08","eventName":"Big","requestParameters":{"p":"` +
			strings.Repeat("x", BatchBytes+1<<20) + `"}},` + rec2 + `]}`, 1, 0},
		{"20000 digests", `[` + many(20000, func(int) string { return digest }) + rec2 + `]`, 0, 20000},
		{"9 MiB of blank space", `{"Records":[` + strings.Repeat(" ", 9<<20) + rec2 + `]}`, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			got, st, _, err := readAll(t, mem, tt.input, WithColumns("eventname", "useridentity.type"))
			want := `{"eventname":"ConsoleLogin","useridentity":{"type":"Root"}}` + "\n"
			if err != nil || got != want {
				t.Fatalf("got %q, err %v; want %q", got, err, want)
			}
			if st.Records != 1 || st.Rejected != tt.rejected || st.Skipped != tt.skipped || st.Bytes != int64(len(tt.input)) {
				t.Errorf("stats %+v; want 1 record, %d rejected, %d skipped, %d bytes", st, tt.rejected, tt.skipped, len(tt.input))
			}
		})
	}
}

// TestCloudTrailReader_TimestampFallback: SIEM exports of CloudTrail
// (Logstash, Elastic, OTRF Security-Datasets) carry the event time as a
// top-level "@timestamp" and drop eventTime. A record without eventTime
// takes @timestamp as its eventtime, checked as eventTime is; eventTime
// wins when both are there. Each case runs with eventtime projected and
// not, since eventtime is checked whatever the projection.
func TestCloudTrailReader_TimestampFallback(t *testing.T) {
	good := `{"eventVersion":"1.08","eventTime":"2024-03-05T10:00:00Z","eventName":"A"}`
	tests := []struct {
		name     string
		input    string      // ¶ marks the error offset
		want     [][2]string // eventname, eventtime of each row
		wantPath string      // of the one rejected record; "" for none
		wantErr  string
	}{
		{
			name:  "@timestamp only",
			input: `{"@timestamp":"2020-09-14T00:44:23.000Z","eventVersion":"1.08","eventName":"B"}`,
			want:  [][2]string{{"B", "2020-09-14T00:44:23.000Z"}},
		},
		{
			name:  "@timestamp after the record keys",
			input: `[` + good + `,{"eventVersion":"1.08","eventName":"B","@version":"1","@timestamp":"2020-09-14T00:44:23+02:00"}]`,
			want:  [][2]string{{"A", "2024-03-05T10:00:00Z"}, {"B", "2020-09-14T00:44:23+02:00"}},
		},
		{
			name:  "@timestamp spelled in another case",
			input: `{"@TimeStamp":"2020-09-14T00:44:23Z","eventName":"B"}`,
			want:  [][2]string{{"B", "2020-09-14T00:44:23Z"}},
		},
		{
			name:  "@timestamp with escapes",
			input: `{"eventName":"B","@timestamp":"2020-09-14T00:44:23\u005a"}`,
			want:  [][2]string{{"B", "2020-09-14T00:44:23Z"}},
		},
		{
			name:  "both: eventTime wins",
			input: `{"@timestamp":"2020-09-14T00:44:23.000Z","eventVersion":"1.08","eventTime":"2024-03-05T10:11:12Z","eventName":"B"}`,
			want:  [][2]string{{"B", "2024-03-05T10:11:12Z"}},
		},
		{
			name:  "both, eventTime first: eventTime wins",
			input: `{"eventTime":"2024-03-05T10:11:12Z","eventName":"B","@timestamp":"2020-09-14T00:44:23.000Z"}`,
			want:  [][2]string{{"B", "2024-03-05T10:11:12Z"}},
		},
		{
			name:  "both, @timestamp invalid: ignored",
			input: `{"@timestamp":"2020-02-30T00:44:23Z","eventTime":"2024-03-05T10:11:12Z","eventName":"B"}` + "\n" + `{"@timestamp":[1,"\q"],"eventTime":"2024-03-05T10:11:13Z","eventName":"C"}`,
			want:  [][2]string{{"B", "2024-03-05T10:11:12Z"}, {"C", "2024-03-05T10:11:13Z"}},
		},
		{
			name:     "eventTime invalid: @timestamp does not stand in",
			input:    `{"@timestamp":"2020-09-14T00:44:23Z","eventTime":¶"2024-02-30T10:11:12Z","eventName":"B"}` + "\n" + good,
			want:     [][2]string{{"A", "2024-03-05T10:00:00Z"}},
			wantPath: "record 0.eventTime", wantErr: `expected RFC 3339 time, found "2024-02-30T10:11:12Z"`,
		},
		{
			name:     "eventTime null: @timestamp does not stand in",
			input:    `{"eventTime":¶null,"@timestamp":"2020-09-14T00:44:23Z","eventName":"B"}` + "\n" + good,
			want:     [][2]string{{"A", "2024-03-05T10:00:00Z"}},
			wantPath: "record 0.eventTime", wantErr: `expected RFC 3339 time, found null`,
		},
		{
			name:     "@timestamp an impossible date",
			input:    `{"Records":[` + good + `,{"eventVersion":"1.08","@timestamp":¶"2020-02-30T00:44:23.000Z","eventName":"B"},` + good + `]}`,
			want:     [][2]string{{"A", "2024-03-05T10:00:00Z"}, {"A", "2024-03-05T10:00:00Z"}},
			wantPath: "Records[1].@timestamp", wantErr: `expected RFC 3339 time, found "2020-02-30T00:44:23.000Z"`,
		},
		{
			name:     "@timestamp not RFC 3339",
			input:    `{"eventName":"B","@timestamp":¶"Sep 14, 2020 @ 00:44:23.000"}` + "\n" + good,
			want:     [][2]string{{"A", "2024-03-05T10:00:00Z"}},
			wantPath: "record 0.@timestamp", wantErr: `expected RFC 3339 time, found "Sep 14, 2020 @ 00:44:23.000"`,
		},
		{
			name:     "@timestamp a number",
			input:    `[{"eventName":"B","@timestamp":¶1600044263000},` + good + `]`,
			want:     [][2]string{{"A", "2024-03-05T10:00:00Z"}},
			wantPath: "[0].@timestamp", wantErr: `expected string (RFC 3339 time), found number 1600044263000`,
		},
		{
			name:     "@timestamp null",
			input:    `[{"eventName":"B","@Timestamp":¶null},` + good + `]`,
			want:     [][2]string{{"A", "2024-03-05T10:00:00Z"}},
			wantPath: "[0].@Timestamp", wantErr: `expected RFC 3339 time, found null`,
		},
		{
			name:     "@timestamp with a bad escape",
			input:    `[{"eventName":"B","@timestamp":"2020¶\x"},` + good + `]`,
			want:     [][2]string{{"A", "2024-03-05T10:00:00Z"}},
			wantPath: "[0].@timestamp", wantErr: `expected a valid escape, found "\\x"`,
		},
		{
			name:     "@timestamp nested: not a fallback",
			input:    `{"Records":[` + good + `,¶{"eventVersion":"1.08","eventName":"B","userIdentity":{"@timestamp":"2020-09-14T00:44:23Z"}}]}`,
			want:     [][2]string{{"A", "2024-03-05T10:00:00Z"}},
			wantPath: "Records[1]", wantErr: `expected eventTime (RFC 3339 time), found a record without it`,
		},
		{
			name:     "neither",
			input:    `{"Records":[` + good + `,¶{"eventVersion":"1.08","eventName":"B","@version":"1"},` + good + `]}`,
			want:     [][2]string{{"A", "2024-03-05T10:00:00Z"}, {"A", "2024-03-05T10:00:00Z"}},
			wantPath: "Records[1]", wantErr: `expected eventTime (RFC 3339 time), found a record without it`,
		},
	}
	for _, tt := range tests {
		for _, projected := range []bool{true, false} {
			t.Run(tt.name+"/projected="+strconv.FormatBool(projected), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				wantOff := int64(strings.Index(tt.input, "¶"))
				input := strings.Replace(tt.input, "¶", "", 1)
				cols := []string{"eventname", "useridentity.type"}
				if projected {
					cols = append(cols, "eventtime")
				}
				got, st, rej, err := readAll(t, mem, input, WithColumns(cols...))
				if err != nil {
					t.Fatalf("Err() = %v; want nil", err)
				}
				var want strings.Builder
				for _, w := range tt.want {
					fmt.Fprintf(&want, `{"eventname":%q`, w[0])
					if projected {
						fmt.Fprintf(&want, `,"eventtime":%q`, w[1])
					}
					want.WriteString(`,"useridentity":null}` + "\n")
				}
				if got != want.String() {
					t.Errorf("got\n%s\nwant\n%s", got, want.String())
				}
				if st.Records != int64(len(tt.want)) {
					t.Errorf("records %d; want %d", st.Records, len(tt.want))
				}
				if tt.wantPath == "" {
					if st.Rejected != 0 || rej.Len() != 0 {
						t.Errorf("rejected %d: %v; want none", st.Rejected, rej.Err())
					}
					return
				}
				if st.Rejected != 1 || rej.Len() != 1 {
					t.Fatalf("rejected %d: %v; want one", st.Rejected, rej.Errs)
				}
				pe := rej.Errs[0]
				if pe.Offset != wantOff || pe.Path != tt.wantPath || !strings.Contains(pe.Error(), tt.wantErr) {
					t.Errorf("error %v at offset %d, path %q; want offset %d, path %q, %q", pe, pe.Offset, pe.Path, wantOff, tt.wantPath, tt.wantErr)
				}
			})
		}
	}
}

// TestCloudTrailReader_OTRFCorpus: the OTRF Security-Datasets CloudTrail
// file is an Elastic export (NDJSON, "@timestamp", no eventTime); every one
// of its 103 records reads, with @timestamp as eventtime.
func TestCloudTrailReader_OTRFCorpus(t *testing.T) {
	const name = "../testdata/cloudtrail/corpus/otrf/ec2_proxy_s3_exfiltration_2020-09-14011940.json"
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, cols := range [][]string{{"eventtime", "eventname"}, {"sourceipaddress"}, nil} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		opts := []Option{}
		if cols != nil {
			opts = append(opts, WithColumns(cols...))
		}
		got, st, rej, err := readAll(t, mem, string(data), opts...)
		if err != nil || st.Records != 103 || st.Rejected != 0 {
			t.Errorf("columns %v: %d records, %d rejected (%v), err %v; want 103, 0", cols, st.Records, st.Rejected, rej.Err(), err)
		}
		if cols != nil && cols[0] == "eventtime" && !strings.HasPrefix(got, `{"eventname":"DescribeInstanceTypes","eventtime":"2020-09-14T00:44:23.000Z"}`) {
			t.Errorf("first row %.200s; want DescribeInstanceTypes at 2020-09-14T00:44:23.000Z", got)
		}
		mem.AssertSize(t, 0)
	}
}

// TestCloudTrailReader_KeyOrder_Success reads records whose keys change
// order, spelling and set from one record to the next through one reader,
// whose key order prediction then both hits and misses, and checks every
// record reads as it does alone, through a reader that has seen no other:
// the same row, or the same error at the same place in the record.
func TestCloudTrailReader_KeyOrder_Success(t *testing.T) {
	recs := []string{
		rec1, rec2, rec1, rec1, rec2,
		// Other orders, a key spelled in another case, and keys that
		// extend, shorten or escape a known one (never that column).
		`{"eventTime":"2024-03-05T10:00:01Z","eventVersion":"1.08","EventName":"Upper","userIdentity":{"arn":"a1","type":"T1"},"eventSource":"s"}`,
		`{"eventVersion":"1.08","eventNameX":"no","eventTime":"2024-03-05T10:00:02Z","eventNam":"no","eventName":"Yes","userIdentity":{"type":"T2","arn":"a2"}}`,
		`{"eventVersion":"1.08","event\u004eame":"escaped","eventTime":"2024-03-05T10:00:03Z","eventName":"Plain"}`,
		`{"eventVersion":"1.08","eventTime":"2024-03-05T10:00:04Z","eventName":"Plain2","resources":[{"ARN":"r1","type":"t"},{"type":"t2","accountId":"9","ARN":"r2"}]}`,
		// A key predicted from the record before, holding a bad value.
		`{"eventVersion":"1.08","eventTime":"2024-03-05T10:00:05Z","eventName":{"bad":1}}`,
		`{"eventVersion":"1.08","eventTime":"2024-03-05T10:00:06Z","eventName":"After"}`,
		// Predicted keys with blank space before ':' (compared as words,
		// they miss, and are scanned), and one past the words' 21 bytes.
		`{"eventVersion":"1.08","eventTime" :"2024-03-05T10:00:07Z","eventName"  : "Spaced","sessionCredentialFromConsole":"true"}`,
		`{"eventVersion":"1.08","eventTime":"2024-03-05T10:00:07Z","eventName":"Unspaced","sessionCredentialFromConsole":"true"}`,
		// Errors in members whose keys the record before predicts
		// (parseTop's loop): in a skipped string, in a skipped
		// container, in a decoded value.
		rec1, strings.Replace(rec1, `"aws-cli/2.15"`, "\"aws-cli\x01\"", 1),
		rec1, strings.Replace(rec1, `"egress":false}`, `"egress":false]`, 1),
		rec1, strings.Replace(rec1, `"2024-03-05T10:11:12Z"`, `"2024-02-30T10:11:12Z"`, 1),
		// A digest among records: its keys set only markDigest.
		`{"awsAccountId":"1","digestStartTime":"2024-03-05T10:00:00Z","digestEndTime":"x","digestS3Object":"k"}`,
	}
	// More unknown keys than an object remembers, in changing orders.
	var many strings.Builder
	many.WriteString(`{"eventVersion":"1.08"`)
	for k := range maxUnknownKeys + 8 {
		fmt.Fprintf(&many, `,"x%02d":%d`, k, k)
	}
	many.WriteString(`,"eventTime":"2024-03-05T10:00:07Z","eventName":"Many"}`)
	recs = append(recs, many.String(), rec1, many.String(), rec2, many.String())
	for _, cols := range [][]string{nil, {"eventname"}, {"eventname", "useridentity.arn", "resources.arn", "requestparameters"}} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		var want strings.Builder
		var wantErrs []string
		var opts []Option
		if cols != nil {
			opts = append(opts, WithColumns(cols...))
		}
		for _, rec := range recs {
			rows, _, rej, err := readAll(t, mem, rec, opts...)
			if err != nil {
				t.Fatalf("%s alone: %v", rec, err)
			}
			want.WriteString(rows)
			for _, e := range rej.Errs {
				// Alone, a broken record has no record after it: in the
				// input below the next one's line is read.
				msg := strings.TrimSuffix(e.Err.Error(), " (no record after it)")
				wantErrs = append(wantErrs, strings.TrimPrefix(e.Path, "record 0")+": "+msg+" at "+strconv.FormatInt(e.Offset, 10))
			}
		}
		input := strings.Join(recs, "\n")
		got, st, rej, err := readAll(t, mem, input, opts...)
		if err != nil || got != want.String() {
			t.Errorf("%v: got %v\n%s\nwant\n%s", cols, err, got, want.String())
		}
		var gotErrs []string
		for _, e := range rej.Errs {
			start := int64(strings.LastIndexByte(input[:e.Offset], '\n') + 1)
			_, rest, _ := strings.Cut(e.Path, ".")
			if rest != "" {
				rest = "." + rest
			}
			gotErrs = append(gotErrs, rest+": "+e.Err.Error()+" at "+strconv.FormatInt(e.Offset-start, 10))
		}
		if strings.Join(gotErrs, "\n") != strings.Join(wantErrs, "\n") || st.Skipped != 1 {
			t.Errorf("%v: errors\n%s\nwant\n%s\n(skipped %d, want 1)", cols, strings.Join(gotErrs, "\n"), strings.Join(wantErrs, "\n"), st.Skipped)
		}
		mem.AssertSize(t, 0)
	}
}

// TestCloudTrailReader_Equal_Success: WithEqual leaves out the records
// whose value of a projected top-level string column is null or none of
// the equality's (an escaped spelling of a value is that value), counts
// them in Stats.Records and rejects exactly the records a read without it
// rejects; an equality on a column not projected filters nothing.
func TestCloudTrailReader_Equal_Success(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := func(name, ip, extra string) string {
		return `{"eventVersion":"1.08","eventTime":"2024-03-05T10:11:12Z",` + name + `"sourceIPAddress":"` + ip + `"` + extra + `}`
	}
	input := `{"Records":[` + strings.Join([]string{
		rec(`"eventName":"ConsoleLogin",`, "198.51.100.1", `,"responseElements":{"ConsoleLogin":"Success"}`),
		rec(`"eventName":"GetObject",`, "198.51.100.2", ""),
		rec(`"eventName":null,`, "198.51.100.3", ""),
		rec(``, "198.51.100.4", ""),
		rec(`"eventName":"Console\u004cogin",`, "198.51.100.5", `,"responseElements":{"ConsoleLogin":"Failure"}`),
		rec(`"eventName":"consolelogin",`, "198.51.100.6", ""),
		`{"eventVersion":"1.08","eventTime":"2024-02-30T10:11:12Z","eventName":"ConsoleLogin"}`,                                  // rejected: no such day
		`{"eventVersion":"1.08","eventTime":"2024-03-05T10:11:12Z","eventName":"GetObject","sourceIPAddress":"a` + "\x01" + `"}`, // rejected: control character
		rec(`"eventName":"AssumeRole",`, "198.51.100.7", `,"responseElements":null`),
	}, ",") + `]}`
	cols := []string{"eventname", "sourceipaddress", "responseelements"}
	all, allStats, allRej, allErr := readAll(t, mem, input, WithColumns(cols...))
	if allErr != nil || allStats.Records != 7 || allStats.Rejected != 2 {
		t.Fatalf("without WithEqual: err %v, stats %+v; want 7 records, 2 rejected", allErr, allStats)
	}
	keep := func(eq map[string][]string, row map[string]any) bool {
		for col, vals := range eq {
			v, ok := row[col].(string)
			if !ok || !slices.Contains(vals, v) {
				return false
			}
		}
		return true
	}
	for _, tc := range []struct {
		eq       map[string][]string
		filters  bool // false: the equalities are on columns not projected
		wantRows int
	}{
		{map[string][]string{"eventname": {"ConsoleLogin"}}, true, 2},
		{map[string][]string{"eventname": {"ConsoleLogin", "AssumeRole"}}, true, 3},
		{map[string][]string{"eventname": {"ConsoleLogin"}, "sourceipaddress": {"198.51.100.5"}}, true, 1},
		{map[string][]string{"responseelements": {`{"ConsoleLogin":"Success"}`}}, true, 1},
		{map[string][]string{"eventname": {"DeleteTrail"}}, true, 0},
		{map[string][]string{"eventsource": {"s3.amazonaws.com"}}, false, 7},
	} {
		got, st, rej, err := readAll(t, mem, input, WithColumns(cols...), WithEqual(tc.eq))
		var want strings.Builder
		n := 0
		for _, line := range strings.SplitAfter(all, "\n") {
			var row map[string]any
			if line == "" || json.Unmarshal([]byte(line), &row) != nil {
				continue
			}
			if !tc.filters || keep(tc.eq, row) {
				want.WriteString(line)
				n++
			}
		}
		if got != want.String() || n != tc.wantRows {
			t.Errorf("%v: rows\n%s; want %d rows\n%s", tc.eq, got, tc.wantRows, want.String())
		}
		if err != allErr || st != allStats || fmt.Sprint(rej.Errs) != fmt.Sprint(allRej.Errs) {
			t.Errorf("%v: err %v, stats %+v, rejects %v; want err %v, stats %+v, rejects %v",
				tc.eq, err, st, rej.Errs, allErr, allStats, allRej.Errs)
		}
	}
}

// TestCloudTrailReader_OnlyIn: a WithOnlyIn column is decoded in the
// records whose key holds one of the values (or lower-cases to a folded
// one) and null in the others; entries the reader cannot follow leave
// their column decoded everywhere.
func TestCloudTrailReader_OnlyIn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := func(name, more string) string {
		return `{"eventTime":"2024-03-05T10:00:00Z","eventSource":"signin.amazonaws.com",` + name + `"errorCode":"E","responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"MFAUsed":"No"}` + more + `}`
	}
	in := `{"Records":[` + strings.Join([]string{
		rec(`"eventName":"ConsoleLogin",`, ""),
		rec(`"eventName":"GetObject",`, ""),
		rec(`"eventName":"CONSOLELOGIN",`, ""),
		rec(`"eventName":"ConsoleLog\u0130n",`, ""), // lower-cases past ASCII, as strings.ToLower, to "consolelogin"
		rec("", ""), // no eventName: null
	}, ",") + `]}`
	cols := WithColumns("eventname", "errorcode", "responseelements", "additionaleventdata", "eventsource")
	got, _, rej, err := readAll(t, mem, in, cols, WithOnlyIn(
		OnlyIn{Column: "responseelements", Key: "eventname", Values: []string{"ConsoleLogin"}},
		OnlyIn{Column: "additionaleventdata", Key: "eventname", Folded: []string{"consolelogin"}},
		OnlyIn{Column: "errorcode", Key: "eventname", Values: []string{"ConsoleLogin"}},
		OnlyIn{Column: "errorcode", Key: "eventsource", Values: []string{"x"}}, // two keys: where either admits
		OnlyIn{Column: "eventsource", Key: "eventtype", Values: []string{"x"}}, // key not projected: decoded everywhere
	))
	if err != nil || rej.Len() != 0 {
		t.Fatalf("err %v, rejects %v", err, rej.Err())
	}
	row := func(name, re, ad, ec string) string {
		return `{"additionaleventdata":` + ad + `,"errorcode":` + ec + `,"eventname":` + name + `,"eventsource":"signin.amazonaws.com","responseelements":` + re + "}\n"
	}
	re, ad := `"{\"ConsoleLogin\":\"Failure\"}"`, `"{\"MFAUsed\":\"No\"}"`
	want := row(`"ConsoleLogin"`, re, ad, `"E"`) + row(`"GetObject"`, "null", "null", "null") + row(`"CONSOLELOGIN"`, "null", ad, "null") +
		row(`"ConsoleLogİn"`, "null", ad, "null") + row("null", "null", "null", "null")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Without the option every record has them.
	all, _, _, _ := readAll(t, mem, in, cols)
	if strings.Count(all, re) != 5 || strings.Count(all, ad) != 5 {
		t.Errorf("without WithOnlyIn:\n%s", all)
	}
}

// TestCloudTrailReader_OnlyInKeys: a column given with several keys is
// decoded in the records any of them admits, a key may be a struct's
// field (useridentity.type), and a key that cannot be checked (not
// projected, not text, the column itself) leaves the column decoded in
// every record.
func TestCloudTrailReader_OnlyInKeys(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := func(name, source, typ, ip string) string {
		return `{"eventTime":"2024-03-05T10:00:00Z","eventName":"` + name + `","eventSource":"` + source + `",` + typ +
			`"sourceIPAddress":"` + ip + `","requestParameters":{"p":1},"responseElements":{"r":2}}`
	}
	in := `{"Records":[` + strings.Join([]string{
		rec("ConsoleLogin", "signin.amazonaws.com", `"userIdentity":{"type":"IAMUser"},`, "192.0.2.1"),
		rec("AddPermission20150331v2", "lambda.amazonaws.com", `"userIdentity":{"type":"AssumedRole"},`, "192.0.2.1"),
		rec("GetObject", "s3.amazonaws.com", `"userIdentity":{"type":"Root"},`, "192.0.2.1"),
		rec("GetObject", "s3.amazonaws.com", `"userIdentity":{"type":"IAMUser"},`, "198.51.100.7"), // a key that is not dictionary-encoded
		rec("GetObject", "s3.amazonaws.com", `"userIdentity":{"type":"AssumedRole"},`, "192.0.2.1"),
		rec("GetObject", "s3.amazonaws.com", `"userIdentity":null,`, "192.0.2.1"),
		rec("GetObject", "s3.amazonaws.com", "", "192.0.2.1"),
	}, ",") + `]}`
	cols := WithColumns("eventname", "eventsource", "useridentity.type", "sourceipaddress", "requestparameters", "responseelements")
	keys := []OnlyIn{
		{Column: "responseelements", Key: "eventname", Values: []string{"ConsoleLogin"}},
		{Column: "responseelements", Key: "eventsource", Values: []string{"lambda.amazonaws.com"}},
		{Column: "responseelements", Key: "useridentity.type", Folded: []string{"root"}},
		{Column: "responseelements", Key: "sourceipaddress", Values: []string{"198.51.100.7"}},
	}
	got, _, rej, err := readAll(t, mem, in, cols, WithOnlyIn(keys...))
	if err != nil || rej.Len() != 0 {
		t.Fatalf("err %v, rejects %v", err, rej.Err())
	}
	re := `"responseelements":"{\"r\":2}"`
	for i, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if want := i < 4; strings.Contains(line, re) != want || !strings.Contains(line, `"requestparameters":"{\"p\":1}"`) {
			t.Errorf("row %d: got %s; want responseelements decoded: %v, requestparameters decoded", i, line, want)
		}
	}
	for _, bad := range []OnlyIn{
		{Column: "responseelements", Key: "eventtype", Values: []string{"x"}},           // not projected
		{Column: "responseelements", Key: "useridentity", Values: []string{"x"}},        // not text
		{Column: "responseelements", Key: "responseelements", Values: []string{"x"}},    // the column itself
		{Column: "responseelements", Key: "useridentity.nosuch", Values: []string{"x"}}, // no such field
	} {
		got, _, _, err := readAll(t, mem, in, cols, WithOnlyIn(append(slices.Clone(keys), bad)...))
		if err != nil || strings.Count(got, re) != 7 {
			t.Errorf("with %+v: err %v, got\n%s\nwant responseelements in every row", bad, err, got)
		}
	}
}

// consoleLoginResponsesReader reads the records recs projecting
// eventname and responseelements, the latter only in ConsoleLogin's
// records.
func consoleLoginResponsesReader(t *testing.T, mem memory.Allocator, recs []string) *CloudTrailReader {
	t.Helper()
	r, err := NewCloudTrailReader(strings.NewReader(`{"Records":[`+strings.Join(recs, ",")+`]}`), "test.json", WithAllocator(mem),
		WithColumns("eventname", "responseelements"),
		WithOnlyIn(OnlyIn{Column: "responseelements", Key: "eventname", Values: []string{"ConsoleLogin"}}))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCloudTrailReader_OnlyInBatches: a key's decisions are made per
// dictionary entry of a batch, and the next batch's dictionary starts
// anew: its first value, at the index the last batch's admitted value
// had, is looked up again.
func TestCloudTrailReader_OnlyInBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []string
	for i := range 2 * BatchRows {
		name := "ConsoleLogin"
		if i >= BatchRows {
			name = "GetObject"
		}
		recs = append(recs, `{"eventTime":"2024-03-05T10:00:00Z","eventName":"`+name+`","responseElements":{"r":2}}`)
	}
	r := consoleLoginResponsesReader(t, mem, recs)
	defer r.Release()
	var got []string
	for r.Next() {
		b := r.Batch()
		re := b.Column(1).(*array.String)
		got = append(got, fmt.Sprintf("%d rows, %d null", b.NumRows(), re.NullN()))
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	if want := []string{fmt.Sprintf("%d rows, 0 null", BatchRows), fmt.Sprintf("%d rows, %d null", BatchRows, BatchRows)}; !slices.Equal(got, want) {
		t.Errorf("batches: got %q; want %q", got, want)
	}
}

// TestCloudTrailReader_OnlyInGrowth: a column decoded only in a few
// records of a batch is not sized by projecting its first values onto
// the rows reserved (a 10 KB value in the 21st record made a 156 KB
// buffer).
func TestCloudTrailReader_OnlyInGrowth(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	big := `{"r":"` + strings.Repeat("x", 10<<10) + `"}`
	var recs []string
	for i := range BatchRows {
		name, re := "GetObject", `{"r":2}`
		if i == 20 {
			name, re = "ConsoleLogin", big
		}
		recs = append(recs, `{"eventTime":"2024-03-05T10:00:00Z","eventName":"`+name+`","responseElements":`+re+`}`)
	}
	r := consoleLoginResponsesReader(t, mem, recs)
	defer r.Release()
	if !r.Next() {
		t.Fatal(r.Err())
	}
	re := r.Batch().Column(1)
	if n, c := re.NullN(), re.Data().Buffers()[2].Cap(); n != BatchRows-1 || c > 4*len(big) {
		t.Errorf("%d nulls, data buffer of %d bytes for one value of %d; want %d nulls, at most %d bytes", n, c, len(big), BatchRows-1, 4*len(big))
	}
}

// TestCloudTrailReader_SkipMembers: the top-level members skipped in runs
// (skipMembersAVX2) read as parseTop reads them one by one: the same
// rows, counts and positioned errors, for each case where the run must
// stop and leave the member to Go (escapes, control characters, bad or
// trailing literals, numbers, blank space, a prediction's second guess
// or a miss, containers and their errors) and for the marks it collects
// (digests and records told apart, a record whose only mark is a
// skipped key). Each case's record comes twice, after rec1, so the
// second is read with the key order the first taught.
func TestCloudTrailReader_SkipMembers(t *testing.T) {
	const tm = `"eventTime":"2024-03-05T10:11:12Z"`
	long := strings.Repeat("Mozilla/5.0 ", 12)
	for _, tc := range []struct {
		name     string
		rec      string
		rows     int64 // of the case's two records
		rejected int64
		skipped  int64
		err      string // in the first reject, when rejected
	}{
		{"plain", `{"eventVersion":"1.08",` + tm + `,"awsRegion":"us-east-1","readOnly":true,"managementEvent":false,"responseElements":null,"eventName":"a"}`, 2, 0, 0, ""},
		{"escape", `{"eventVersion":"1.08",` + tm + `,"userAgent":"a\"b\\c","eventName":"a"}`, 2, 0, 0, ""},
		{"escape first", `{"eventVersion":"1.08",` + tm + `,"userAgent":"\"b","awsRegion":"\\","eventName":"a"}`, 2, 0, 0, ""},
		{"control", "{\"eventVersion\":\"1.08\"," + tm + ",\"userAgent\":\"ab\x01c\",\"eventName\":\"a\"}", 0, 2, 0, "raw control"},
		{"control past 32 bytes", "{\"eventVersion\":\"1.08\"," + tm + ",\"userAgent\":\"" + long + "\x1f\",\"eventName\":\"a\"}", 0, 2, 0, "raw control"},
		{"long string", `{"eventVersion":"1.08",` + tm + `,"userAgent":"` + long + `","awsRegion":"x","eventName":"a"}`, 2, 0, 0, ""},
		{"non-ASCII", `{"eventVersion":"1.08",` + tm + `,"userAgent":"é😀","eventName":"a"}`, 2, 0, 0, ""},
		{"bad literal", `{"eventVersion":"1.08",` + tm + `,"readOnly":tru,"eventName":"a"}`, 0, 2, 0, "JSON value"},
		{"bad false", `{"eventVersion":"1.08",` + tm + `,"readOnly":falsy,"eventName":"a"}`, 0, 2, 0, "JSON value"},
		{"bad false, fifth byte right", `{"eventVersion":"1.08",` + tm + `,"readOnly":fakse,"eventName":"a"}`, 0, 2, 0, "JSON value"},
		{"bad null", `{"eventVersion":"1.08",` + tm + `,"responseElements":nul,"eventName":"a"}`, 0, 2, 0, "JSON value"},
		{"literal and more", `{"eventVersion":"1.08",` + tm + `,"readOnly":truex,"eventName":"a"}`, 0, 2, 0, "',' or '}'"},
		{"number", `{"eventVersion":"1.08",` + tm + `,"readOnly":12,"awsRegion":"x","eventName":"a"}`, 2, 0, 0, ""},
		{"blank after colon", `{"eventVersion": "1.08",` + tm + `,"awsRegion": "x","eventName":"a"}`, 2, 0, 0, ""},
		{"blank before comma", `{"eventVersion":"1.08" ,` + tm + `,"awsRegion":"x"` + "\n" + `,"eventName":"a"}`, 2, 0, 0, ""},
		{"blank after comma", `{"eventVersion":"1.08", ` + tm + `,"awsRegion":"x",` + "\n" + `"readOnly":true,	"eventName":"a"}`, 2, 0, 0, ""},
		{"comma, no key", `{"eventVersion":"1.08",` + tm + `,"awsRegion":"x",,"eventName":"a"}`, 0, 2, 0, "object key"},
		{"last member", `{"eventVersion":"1.08",` + tm + `,"eventName":"a","awsRegion":"x"}`, 2, 0, 0, ""},
		{"container", `{"eventVersion":"1.08",` + tm + `,"requestParameters":{"a":[1,{"b":"}"}]},"resources":[],"eventName":"a"}`, 2, 0, 0, ""},
		{"container error", `{"eventVersion":"1.08",` + tm + `,"requestParameters":{"a":[1}],"eventName":"a"}`, 0, 2, 0, "']'"},
		{"container with escapes", `{"eventVersion":"1.08",` + tm + `,"requestParameters":{"a":"x\"}y","b":"\\","c":"` + long + `\"]"},"eventName":"a"}`, 2, 0, 0, ""},
		{"container, backslash outside strings", `{"eventVersion":"1.08",` + tm + `,"requestParameters":{"a":\1,"b":"` + long + `"},"eventName":"a"}`, 2, 0, 0, ""},
		{"container control", "{\"eventVersion\":\"1.08\"," + tm + ",\"requestParameters\":{\"a\":\"" + long + "\x02\"},\"eventName\":\"a\"}", 0, 2, 0, "raw control"},
		{"container, bare Y y _ DEL", `{"eventVersion":"1.08",` + tm + `,"requestParameters":{"a":yes,"b":_,"c":Y,"d":` + "\x7f" + `,"e":["Yy_` + "\x7f" + `]}"]},"eventName":"a"}`, 2, 0, 0, ""},
		{"container, bare _ closed", `{"eventVersion":"1.08",` + tm + `,"requestParameters":{"a":[_]},"eventName":"a"}`, 2, 0, 0, ""},
		{"container, Y y _ in strings", `{"eventVersion":"1.08",` + tm + `,"requestParameters":{"Yy_":"_Yy` + "\x7f" + `","b":[{"y":"Y"}]},"eventName":"a"}`, 2, 0, 0, ""},
		{"container too deep", `{"eventVersion":"1.08",` + tm + `,"requestParameters":` + strings.Repeat("[", 130) + strings.Repeat("]", 130) + `,"eventName":"a"}`, 0, 2, 0, "levels of nesting"},
		{"unknown keys", `{"eventVersion":"1.08",` + tm + `,"someKey":"x","otherKey":false,"eventName":"a"}`, 2, 0, 0, ""},
		{"only a skipped mark", `{"@timestamp":"2024-03-05T10:11:12Z","awsRegion":"x","eventVersion":"1.08"}`, 2, 0, 0, ""},
		{"digest", `{"awsAccountId":"1","digestStartTime":"x","digestEndTime":"y","digestS3Bucket":"b","previousDigestSignature":null}`, 0, 0, 2, ""},
		{"no mark", `{"someKey":"x","otherKey":"y","thirdKey":"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz","fourthKey":null}`, 0, 2, 0, "none of them"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The second guess: rec2's order between the case's two
			// records makes eventVersion's successor the second one.
			input := `{"Records":[` + rec1 + `,` + tc.rec + `,` + rec2 + `,` + tc.rec + `,` + rec1 + `]}`
			for _, cols := range [][]string{{"eventname"}, {"eventname", "awsregion", "useragent"}, nil} {
				opts := []Option{WithColumns(cols...)}
				if cols == nil {
					opts = nil
				}
				st, rej, err := readRunsAndOneByOne(t, fmt.Sprint(cols), func() io.Reader { return inMemoryInput(input) }, opts...)
				if err != nil || st.Records != 3+tc.rows || st.Rejected != tc.rejected || st.Skipped != tc.skipped {
					t.Fatalf("%v: %+v, %v; want %d records, %d rejected, %d skipped", cols, st, err, 3+tc.rows, tc.rejected, tc.skipped)
				}
				if tc.rejected > 0 && !strings.Contains(rej.Errs[0].Error(), tc.err) {
					t.Fatalf("%v: first reject %v; want it to say %q", cols, rej.Errs[0], tc.err)
				}
			}
		})
	}
}

// TestCloudTrailReader_TimeInRuns: an eventTime read in a run of
// skipMembersAVX2 (a plain string, checked by runTime right after the
// run) reads as parseTop reads it one by one: the same rows, counts and
// positioned errors for a valid time and a bad one, duplicate keys (a
// run decodes one time at most, so both are checked, and the first
// error is the record's), a time error before a later error of another
// member, the key spelled otherwise, and the values a run leaves to Go
// (null, numbers, containers, escapes, bytes >= 0x80).
func TestCloudTrailReader_TimeInRuns(t *testing.T) {
	const head = `{"eventVersion":"1.08","userIdentity":{"type":"Root","accountId":"1"},`
	const ok = `"2024-03-05T10:11:12Z"`
	for _, tc := range []struct {
		name     string
		rec      string
		rows     int64 // of the case's two records
		rejected int64
		err      string // in the first reject, when rejected
	}{
		{"valid", head + `"eventTime":` + ok + `,"eventSource":"s","eventName":"a"}`, 2, 0, ""},
		{"bad month", head + `"eventTime":"2024-13-05T10:11:12Z","eventSource":"s","eventName":"a"}`, 0, 2, `"2024-13-05T10:11:12Z"`},
		{"not a time", head + `"eventTime":"yesterday","eventSource":"s","eventName":"a"}`, 0, 2, "RFC 3339 time"},
		{"empty", head + `"eventTime":"","eventSource":"s","eventName":"a"}`, 0, 2, "RFC 3339 time"},
		{"bad, then a valid duplicate", head + `"eventTime":"2024-03-05T25:11:12Z","eventSource":"s","eventTime":` + ok + `,"eventName":"a"}`, 0, 2, "T25"},
		{"valid, then a bad duplicate", head + `"eventTime":` + ok + `,"eventSource":"s","eventTime":"2024-03-05T10:61:12Z","eventName":"a"}`, 0, 2, ":61:"},
		{"two bad", head + `"eventTime":"2024-03-05T10:11:62Z","eventSource":"s","eventTime":"2024-03-05T10:11:63Z","eventName":"a"}`, 0, 2, ":62Z"},
		{"bad, then a bad escape", head + `"eventTime":"2024-02-30T10:11:12Z","eventSource":"s","awsRegion":"a\qb","eventName":"a"}`, 0, 2, "02-30"},
		{"bad, then broken JSON", head + `"eventTime":"2024-02-30T10:11:12Z","eventSource":"s","requestParameters":{"a":[1}],"eventName":"a"}`, 0, 2, "']'"},
		{"bad, then a container", head + `"eventTime":"2024-02-30T10:11:12Z","eventSource":"s","requestParameters":{"a":"\""},"eventName":"a"}`, 0, 2, "02-30"},
		{"spelled otherwise", head + `"EventTime":"2024-03-05T10:11:12+01:00","eventSource":"s","eventName":"a"}`, 2, 0, ""},
		{"spelled otherwise, bad", head + `"EVENTTIME":"2024-03-05T10:11:12","eventSource":"s","eventName":"a"}`, 0, 2, "EVENTTIME"},
		{"null", head + `"eventTime":null,"eventSource":"s","eventName":"a"}`, 0, 2, "null"},
		{"number", head + `"eventTime":20240305,"eventSource":"s","eventName":"a"}`, 0, 2, "RFC 3339 time"},
		{"true", head + `"eventTime":true,"eventSource":"s","eventName":"a"}`, 0, 2, "RFC 3339 time"},
		{"object", head + `"eventTime":{"t":1},"eventSource":"s","eventName":"a"}`, 0, 2, "RFC 3339 time"},
		{"escape", head + `"eventTime":"2024-03-05T10:11:12\u005a","eventSource":"s","eventName":"a"}`, 2, 0, ""},
		{"non-ASCII", head + `"eventTime":"2024-03-05T10:11:12Zé","eventSource":"s","eventName":"a"}`, 0, 2, "RFC 3339 time"},
		{"@timestamp only", head + `"@timestamp":` + ok + `,"eventSource":"s","eventName":"a"}`, 2, 0, ""},
		{"@timestamp and a bad eventTime", head + `"@timestamp":` + ok + `,"eventTime":"x","eventName":"a"}`, 0, 2, "RFC 3339 time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := `{"Records":[` + rec1 + `,` + tc.rec + `,` + rec2 + `,` + tc.rec + `,` + rec1 + `]}`
			for _, cols := range [][]string{{"eventname"}, {"eventtime", "eventname"}, nil} {
				opts := []Option{WithColumns(cols...)}
				if cols == nil {
					opts = nil
				}
				for _, src := range []func() io.Reader{
					func() io.Reader { return inMemoryInput(input) },
					func() io.Reader { return strings.NewReader(input) },
				} {
					st, rej, err := readRunsAndOneByOne(t, fmt.Sprint(cols), src, opts...)
					if err != nil || st.Records != 3+tc.rows || st.Rejected != tc.rejected {
						t.Fatalf("%v: %+v, %v; want %d records, %d rejected", cols, st, err, 3+tc.rows, tc.rejected)
					}
					if tc.rejected > 0 && !strings.Contains(rej.Errs[0].Error(), tc.err) {
						t.Fatalf("%v: first reject %v; want it to say %q", cols, rej.Errs[0], tc.err)
					}
				}
			}
		})
	}
}

// TestCloudTrailReader_TimeCacheInRuns: a time skipMembersAVX2 finds
// valid itself, as timeCache.isTime's fast path (the date and hour of
// the last time accepted, rec1's "2024-03-05T10:", then "MM:SS" and
// 'Z'), reads as one by one, and every byte that path checks, when
// wrong, makes the record's error at its place: minutes and seconds
// past 59 or not digits, a missing ':', other zones and lengths, a date
// or hour other than the cache's, and a bad duplicate after a valid
// time in the same run.
func TestCloudTrailReader_TimeCacheInRuns(t *testing.T) {
	const head = `{"eventVersion":"1.08","userIdentity":{"type":"Root","accountId":"1"},"eventTime":`
	for _, tc := range []struct {
		time string
		ok   bool
	}{
		{"2024-03-05T10:00:00Z", true},
		{"2024-03-05T10:59:59Z", true},
		{"2024-03-05T10:11:12z", true},
		{"2024-03-05T10:11:12.5Z", true},
		{"2024-03-05T10:11:12+01:00", true},
		{"2024-03-05T11:11:12Z", true},
		{"2024-03-06T10:11:12Z", true},
		{"2024-03-05T10:60:12Z", false},
		{"2024-03-05T10:6a:12Z", false},
		{"2024-03-05T10:/1:12Z", false},
		{"2024-03-05T10:1:12Z", false},
		{"2024-03-05T10:11;12Z", false},
		{"2024-03-05T10:11:60Z", false},
		{"2024-03-05T10:11:1aZ", false},
		{"2024-03-05T10:11:/2Z", false},
		{"2024-03-05T10:11:12X", false},
		{"2024-03-05T10:11:12ZZ", false},
		{"2024-03-05T10:11:12", false},
		{"2024-03-05T10:11:1Z", false},
		{"2024-03-05T24:11:12Z", false},
		{"2024-02-30T10:11:12Z", false},
	} {
		for _, rec := range []string{
			head + `"` + tc.time + `","eventSource":"s","eventName":"a"}`,
			head + `"2024-03-05T10:11:12Z","eventSource":"s","eventTime":"` + tc.time + `","eventName":"a"}`,
		} {
			input := `{"Records":[` + rec1 + `,` + rec + `,` + rec1 + `,` + rec + `]}`
			for _, cols := range [][]string{{"eventname"}, {"eventtime", "eventname"}} {
				st, rej, err := readRunsAndOneByOne(t, fmt.Sprint(tc.time, cols), func() io.Reader { return inMemoryInput(input) }, WithColumns(cols...))
				if want := map[bool]int64{true: 0, false: 2}[tc.ok]; err != nil || st.Rejected != want {
					t.Fatalf("%s, %v: %+v, %v; want %d rejected", tc.time, cols, st, err, want)
				}
				if !tc.ok && !strings.Contains(rej.Errs[0].Error(), tc.time) {
					t.Fatalf("%s, %v: first reject %v", tc.time, cols, rej.Errs[0])
				}
			}
		}
	}
}

// TestCloudTrailReader_RunEndsAtInput: a run of skipMembersAVX2 that
// stops after a container ending right at the input's end (a truncated
// record, at the top level or in useridentity; containers of every
// length around 64 and 128 bytes, so some end with the last whole
// block) reads as one by one: the object's end is looked for past the
// input, which is truncation, not an index past it.
func TestCloudTrailReader_RunEndsAtInput(t *testing.T) {
	for pad := range 140 {
		c := `{"a":"` + strings.Repeat("x", pad) + `"}`
		for _, head := range []string{
			`{"eventVersion":"1.08","eventTime":"2024-03-05T10:11:12Z","eventName":"a","requestParameters":` + c,
			`{"eventVersion":"1.08","eventTime":"2024-03-05T10:11:12Z","eventName":"a","userIdentity":{"type":"IAMUser","principalId":"p","extra":` + c,
		} {
			input := `{"Records":[` + rec1 + `,` + head + `}}` + `,` + head + `}}` + `,` + head
			for _, cols := range [][]string{{"eventname"}, {"eventname", "useridentity.type", "requestparameters"}} {
				_, _, err := readRunsAndOneByOne(t, fmt.Sprint(pad, cols), func() io.Reader { return inMemoryInput(input) }, WithColumns(cols...))
				if err == nil {
					t.Fatalf("%d, %v: no error for a truncated record", pad, cols)
				}
			}
		}
	}
}

// TestCloudTrailReader_SkipMemberBlocks: the containers skipMembersAVX2
// skips 64 bytes a block, with its fast path for a block without a
// backslash or a control byte, read as one by one: an escaped quote,
// an escaped backslash and a control byte at every offset of the first
// three blocks (the escape carried from one block into a plain next,
// controls in either half of a block), and a container after one whose
// last block carries an escape out past its end (the carry must not
// reach the next container).
func TestCloudTrailReader_SkipMemberBlocks(t *testing.T) {
	const tm = `"eventTime":"2024-03-05T10:11:12Z"`
	var recs []string
	for pad := range 192 {
		x := strings.Repeat("x", pad)
		for _, v := range []string{`\"}]`, `\\`, "\x01", "\x1f", `\u0041`} {
			recs = append(recs, `{"eventVersion":"1.08",`+tm+`,"requestParameters":{"a":"`+x+v+`","b":["}",{"c":"]"}]},"eventName":"a"}`)
		}
	}
	for m := 38; m <= 46; m++ {
		for n := 54; n <= 62; n++ {
			// requestParameters' block ends at its 64th byte, in
			// userAgent's escaped backslash when m is 42.
			recs = append(recs, `{"eventVersion":"1.08",`+tm+`,"requestParameters":{"a":1},"userAgent":"`+
				strings.Repeat("u", m)+`\\\\","responseElements":{"p":"`+strings.Repeat("r", n)+`","q":"}"},"eventName":"a"}`)
		}
	}
	for _, rec := range recs {
		input := `{"Records":[` + rec1 + `,` + rec + `,` + rec2 + `,` + rec + `,` + rec1 + `]}`
		for _, cols := range [][]string{{"eventname"}, {"eventname", "useragent"}} {
			readRunsAndOneByOne(t, fmt.Sprintf("%v, %q", cols, rec), func() io.Reader { return inMemoryInput(input) }, WithColumns(cols...))
		}
	}
}

// TestCloudTrailReader_DecodeMembers: the string, literal and raw JSON
// values skipMembersAVX2 decodes in runs (top level and useridentity's)
// read as parseTop and parseObject read them one by one: the same rows,
// counts and positioned errors, for each case where the run must leave
// the member to Go (escapes, bytes >= 0x80, invalid UTF-8 before, in and
// after the first 32 bytes, control characters, numbers, containers in a
// string column, raw containers holding a byte >= 0x80 in an earlier or
// the last block, nesting past the object's room) and those it reads
// (null, true, false, plain strings and raw containers). Each case's
// record comes twice, after rec1, so the second is read with the key
// order the first taught.
func TestCloudTrailReader_DecodeMembers(t *testing.T) {
	const tm = `"eventTime":"2024-03-05T10:11:12Z"`
	const head = `{"eventVersion":"1.08",` + tm + `,"userIdentity":{"type":"IAMUser","principalId":"AIDA1","arn":"arn:aws:iam::1:user/a","accountId":"1","userName":"alice"}`
	long := strings.Repeat("Mozilla/5.0 ", 12)
	nested := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, tc := range []struct {
		name     string
		rec      string
		rows     int64 // of the case's two records, all columns read
		rejected int64
		err      string // in the first reject, when rejected
	}{
		{"plain", head + `,"awsRegion":"us-east-1","userAgent":"` + long + `","requestParameters":{"a":"b"},"eventName":"a"}`, 2, 0, ""},
		{"null, true, false", head + `,"awsRegion":null,"userAgent":true,"sourceIPAddress":false,"readOnly":true,"requestParameters":null,"responseElements":true,"additionalEventData":false,"eventName":"a"}`, 2, 0, ""},
		{"bad literals", head + `,"awsRegion":nul,"eventName":"a"}`, 0, 2, "JSON value"},
		{"bad false", head + `,"awsRegion":fakse,"eventName":"a"}`, 0, 2, "JSON value"},
		{"number", head + `,"awsRegion":12,"requestParameters":-1.5e3,"eventName":"a"}`, 2, 0, ""},
		{"non-ASCII", head + `,"awsRegion":"é😀","userAgent":"` + long + `é","eventName":"a"}`, 2, 0, ""},
		{"invalid UTF-8", head + `,"awsRegion":"a` + "\xff" + `b","eventName":"a"}`, 0, 2, "valid UTF-8"},
		{"invalid UTF-8 past 32 bytes", head + `,"userAgent":"` + long + "\xc3" + `","eventName":"a"}`, 0, 2, "valid UTF-8"},
		{"escape", head + `,"awsRegion":"a\"b\u0041","eventName":"a"}`, 2, 0, ""},
		{"bad escape", head + `,"awsRegion":"a\qb","eventName":"a"}`, 0, 2, "valid escape"},
		{"control", head + ",\"awsRegion\":\"a\x01b\",\"eventName\":\"a\"}", 0, 2, "raw control"},
		{"object in a string column", head + `,"awsRegion":{"a":1},"eventName":"a"}`, 0, 2, "expected string"},
		{"array in a string column", head + `,"userAgent":[1],"eventName":"a"}`, 0, 2, "expected string"},
		{"duplicate key, null last", head + `,"awsRegion":"x","userAgent":"y","awsRegion":null,"eventName":"a"}`, 2, 0, ""},
		{"raw string", head + `,"requestParameters":"a\nb","responseElements":"plain","eventName":"a"}`, 2, 0, ""},
		{"raw array", head + `,"requestParameters":[1,"` + long + `",{"b":null}],"eventName":"a"}`, 2, 0, ""},
		{"raw non-ASCII", head + `,"requestParameters":{"a":"é","b":"` + long + `"},"eventName":"a"}`, 2, 0, ""},
		{"raw invalid UTF-8 in an earlier block", head + `,"requestParameters":{"a":"` + "\xff" + `","b":"` + long + `"},"eventName":"a"}`, 0, 2, "valid UTF-8"},
		{"raw invalid UTF-8 in the last block", head + `,"requestParameters":{"b":"` + long + `","a":"` + "\xff" + `"},"eventName":"a"}`, 0, 2, "valid UTF-8"},
		{"raw invalid UTF-8 before its end", head + `,"requestParameters":{"a":1` + "\xff" + `},"eventName":"a"}`, 0, 2, "valid UTF-8"},
		{"raw invalid UTF-8 at its start", head + `,"requestParameters":["` + "\xff" + `"],"eventName":"a"}`, 0, 2, "valid UTF-8"},
		{"invalid UTF-8 after a raw container", head + `,"requestParameters":{"a":1},"someKey":"` + "\xff" + `","eventName":"a"}`, 2, 0, ""},
		{"raw container error", head + `,"requestParameters":{"a":[1}],"eventName":"a"}`, 0, 2, "']'"},
		{"raw container control", head + ",\"requestParameters\":{\"a\":\"" + long + "\x02\"},\"eventName\":\"a\"}", 0, 2, "raw control"},
		{"raw too deep", head + `,"requestParameters":` + nested(128) + `,"eventName":"a"}`, 0, 2, "levels of nesting"},
		{"raw deepest", head + `,"requestParameters":` + nested(127) + `,"eventName":"a"}`, 2, 0, ""},
		{"raw with escapes", head + `,"requestParameters":{"a":"x\"}y","b":"\\","c":"` + long + `\"]"},"eventName":"a"}`, 2, 0, ""},
		{"useridentity", `{"eventVersion":"1.08",` + tm + `,"userIdentity":{"type":null,"principalId":true,"arn":"é","accountId":12,"userName":"` + long + `"},"eventName":"a"}`, 2, 0, ""},
		{"useridentity invalid UTF-8", `{"eventVersion":"1.08",` + tm + `,"userIdentity":{"type":"IAMUser","principalId":"AIDA1","arn":"a` + "\xff" + `"},"eventName":"a"}`, 0, 2, "valid UTF-8"},
		{"useridentity object in a string", `{"eventVersion":"1.08",` + tm + `,"userIdentity":{"type":"IAMUser","principalId":{"x":1}},"eventName":"a"}`, 0, 2, "expected string"},
		{"useridentity deepest", `{"eventVersion":"1.08",` + tm + `,"userIdentity":{"type":"IAMUser","someKey":` + nested(126) + `},"eventName":"a"}`, 2, 0, ""},
		{"useridentity too deep", `{"eventVersion":"1.08",` + tm + `,"userIdentity":{"type":"IAMUser","someKey":` + nested(127) + `},"eventName":"a"}`, 0, 2, "levels of nesting"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := `{"Records":[` + rec1 + `,` + tc.rec + `,` + rec2 + `,` + tc.rec + `,` + rec1 + `]}`
			for _, cols := range [][]string{nil, {"eventname"}, {"awsregion", "requestparameters", "useridentity.arn", "useridentity.type"}, {"useragent", "responseelements", "useridentity"}} {
				for _, src := range []func() io.Reader{
					func() io.Reader { return inMemoryInput(input) },
					func() io.Reader { return strings.NewReader(input) },
				} {
					var opts []Option
					if cols != nil {
						opts = append(opts, WithColumns(cols...))
					}
					st, rej, err := readRunsAndOneByOne(t, fmt.Sprint(cols), src, opts...)
					if cols != nil {
						continue
					}
					if err != nil || st.Records != 3+tc.rows || st.Rejected != tc.rejected {
						t.Fatalf("%+v, %v; want %d records, %d rejected", st, err, 3+tc.rows, tc.rejected)
					}
					if tc.rejected > 0 && !strings.Contains(rej.Errs[0].Error(), tc.err) {
						t.Fatalf("first reject %v; want it to say %q", rej.Errs[0], tc.err)
					}
				}
			}
		})
	}
}

// TestCloudTrailReader_DecodeRawUTF8: a raw JSON container read in a run
// (skipMembersAVX2) is checked for bytes >= 0x80 in every block up to
// its end and no further: an invalid byte at each offset of containers
// of 2 to 200 bytes rejects the record as parseValue's utf8.Valid does,
// and one right after the container does not.
func TestCloudTrailReader_DecodeRawUTF8(t *testing.T) {
	var recs []string
	wantRejected := int64(0)
	for n := 0; n <= 196; n += 7 {
		for at := 0; at <= n+1; at++ {
			body := []byte(strings.Repeat("x", n))
			after := ""
			if at < n {
				body[at] = 0xff
				wantRejected++
			} else if at == n {
				after = "\xff" // in the member after, skipped
			}
			recs = append(recs, `{"eventVersion":"1.08","eventTime":"2024-03-05T10:11:12Z","eventName":"a","requestParameters":["`+string(body)+`"],"requestID":"`+after+`x","awsRegion":"us-east-1"}`)
		}
	}
	input := `{"Records":[` + strings.Join(recs, ",") + `]}`
	for _, cols := range [][]string{{"requestparameters"}, {"requestparameters", "awsregion"}} {
		st, _, _ := readRunsAndOneByOne(t, fmt.Sprint(cols), func() io.Reader { return inMemoryInput(input) }, WithColumns(cols...))
		if st.Rejected != wantRejected || st.Records != int64(len(recs))-wantRejected {
			t.Fatalf("%v: %+v; want %d rejected of %d", cols, st, wantRejected, len(recs))
		}
	}
}

// TestCloudTrailReader_NullStruct: a struct that is null in a record
// (JSON null, or a later duplicate key null) appends null to every
// field below it, even fields an earlier duplicate set; one that is
// present appends its fields, a null struct among them.
func TestCloudTrailReader_NullStruct(t *testing.T) {
	const tm = `"eventTime":"2024-03-05T10:11:12Z"`
	input := `{"Records":[` +
		`{"eventVersion":"1.08",` + tm + `,"userIdentity":{"type":"IAMUser","arn":"a","sessionContext":{"sessionIssuer":{"userName":"u"}}},"eventName":"x"},` +
		`{"eventVersion":"1.08",` + tm + `,"userIdentity":{"type":"IAMUser","arn":"a","sessionContext":{"sessionIssuer":{"userName":"u"}}},"userIdentity":null,"eventName":"x"},` +
		`{"eventVersion":"1.08",` + tm + `,"userIdentity":{"type":"Root","sessionContext":{"sessionIssuer":{"userName":"u"}},"sessionContext":null},"eventName":"x"}` +
		`]}`
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := NewCloudTrailReader(inMemoryInput(input), "test.json", WithAllocator(mem),
		WithColumns("useridentity.type", "useridentity.arn", "useridentity.sessioncontext.sessionissuer.username"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if !r.Next() {
		t.Fatal(r.Err())
	}
	// Every array of the tree, each row's value or "null".
	var got []string
	var walk func(name string, a arrow.Array)
	walk = func(name string, a arrow.Array) {
		var vals []string
		for i := range a.Len() {
			switch {
			case a.IsNull(i):
				vals = append(vals, "null")
			case a.DataType().ID() == arrow.STRUCT:
				vals = append(vals, "{}")
			default:
				vals = append(vals, a.ValueStr(i))
			}
		}
		got = append(got, name+"="+strings.Join(vals, ","))
		if st, ok := a.(*array.Struct); ok {
			for k := range st.NumField() {
				walk(name+"."+st.DataType().(*arrow.StructType).Field(k).Name, st.Field(k))
			}
		}
	}
	walk("useridentity", r.Batch().Column(0))
	want := []string{
		"useridentity={},null,{}",
		"useridentity.type=IAMUser,null,Root",
		"useridentity.arn=a,null,null",
		"useridentity.sessioncontext={},null,null",
		"useridentity.sessioncontext.sessionissuer={},null,null",
		"useridentity.sessioncontext.sessionissuer.username=u,null,null",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q; want %q", got, want)
	}
}
