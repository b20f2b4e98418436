package parsers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// FuzzCloudTrail checks the reader's properties on any input: no panic or
// hang, every error a *ParseError whose offset lies within the input, no
// more rows than records could fit, and the allocator back to zero.
func FuzzCloudTrail(f *testing.F) {
	f.Add([]byte(`{"Records":[` + rec1 + `,` + rec2 + `]}`))
	f.Add([]byte(`[` + rec1 + `]`))
	f.Add([]byte(rec1 + "\n" + rec2 + "\n"))
	f.Add([]byte(`{"Records":[{"eventVersion":"1.08","eventTime":1},{"eventName":"\u00e9\ud83d\ude00"}]}`))
	f.Add([]byte(`{"awsAccountId":"1","digestStartTime":"x"}`))
	// Issue 17: a non-object element, raw control characters, a stray
	// byte before a record, impossible times.
	f.Add([]byte(`[0"eventID":"x1","eventTime":"2024-03-05T10:00:00Z"}]`))
	f.Add([]byte("{\"Records\":[{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-03-05T10:00:00Z\",\"eventName\":\"a\x00b\"}]}"))
	f.Add([]byte(`{"Records":[x` + rec1 + `,{"eventTime":"2024-02-30T00:00:00Z","eventID":"b"}]}`))
	f.Add([]byte(`{"Records":[{"eventVersion":"1.08","userIdentity":{"sessionContext":{"webIdFederationData":{"attributes":{"a":"b","c":1}}}}}]}`))
	// SIEM exports: "@timestamp" standing in for eventTime, good and bad.
	f.Add([]byte(`{"@timestamp":"2020-09-14T00:44:23.000Z","eventName":"a"}` + "\n" + `{"@timestamp":"2020-02-30T00:00:00Z","eventName":"b"}` + "\n" + `{"@Timestamp":[1,"\q"],"eventTime":"2024-03-05T10:00:00Z"}`))
	// WithOnlyIn's keys (checkOnlyIn): admitted by each, and not.
	f.Add([]byte(`{"Records":[{"eventTime":"2024-03-05T10:00:00Z","eventName":"b","requestParameters":{"a":1},"responseElements":{"x":1}},` +
		`{"eventTime":"2024-03-05T10:00:00Z","eventName":"b","userIdentity":{"type":"ROOT"},"responseElements":{"x":2}},` +
		`{"eventTime":"2024-03-05T10:00:00Z","eventName":"a","userIdentity":null,"responseElements":"y"},` +
		`{"eventTime":"2024-03-05T10:00:00Z","eventName":"c","userIdentity":{"type":"IAMUser"},"responseElements":{"x":3}}]}`))
	for _, glob := range []string{"../testdata/cloudtrail/*.json", "../testdata/cloudtrail/bad/*.json"} {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil && len(data) < 64<<10 {
				f.Add(data)
			}
		}
	}
	projections := [][]string{nil, {"eventname", "useridentity.arn", "resources.arn", "requestparameters", "$path"},
		{"eventname", "useridentity.type", "requestparameters", "responseelements"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, cols := range projections {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			opts := []Option{WithAllocator(mem)}
			if cols != nil {
				opts = append(opts, WithColumns(cols...))
			}
			// The same bytes parsed in place must read the same.
			gotMem, stMem, rejMem, errMem := readFrom(t, mem, inMemoryInput(data), opts...)
			r, err := NewCloudTrailReader(bytes.NewReader(data), "test.json", opts...)
			if err != nil {
				t.Fatal(err)
			}
			var rows int64
			var out bytes.Buffer
			for r.Next() {
				rows += r.Batch().NumRows()
				if err := array.RecordToJSON(r.Batch(), &out); err != nil {
					t.Fatal(err)
				}
			}
			if out.String() != gotMem || r.Stats() != stMem || fmt.Sprint(r.Rejects().Errs) != fmt.Sprint(rejMem.Errs) || fmt.Sprint(r.Err()) != fmt.Sprint(errMem) {
				t.Fatalf("in memory: %q, %+v, %v, %v; streamed: %q, %+v, %v, %v",
					gotMem, stMem, rejMem.Errs, errMem, out.String(), r.Stats(), r.Rejects().Errs, r.Err())
			}
			check := func(err error) {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("error %v (%T) is not a *ParseError", err, err)
				}
				if pe.Offset < 0 || pe.Offset > int64(len(data)) {
					t.Fatalf("error offset %d outside input of %d bytes: %v", pe.Offset, len(data), pe)
				}
			}
			if err := r.Err(); err != nil {
				check(err)
			}
			for _, e := range r.Rejects().Errs {
				check(e)
			}
			st := r.Stats()
			if st.Records != rows || rows > int64(strings.Count(string(data), "{")) {
				t.Fatalf("rows %d, stats %+v, input has %d objects at most", rows, st, strings.Count(string(data), "{"))
			}
			// WithEqual leaves rows out but counts and rejects the same.
			_, stEq, rejEq, errEq := readFrom(t, mem, bytes.NewReader(data), append(opts, WithEqual(map[string][]string{"eventname": {"a", "ConsoleLogin"}}))...)
			if stEq != r.Stats() || fmt.Sprint(rejEq.Errs) != fmt.Sprint(r.Rejects().Errs) || fmt.Sprint(errEq) != fmt.Sprint(r.Err()) {
				t.Fatalf("with WithEqual: %+v, %v, %v; without: %+v, %v, %v", stEq, rejEq.Errs, errEq, r.Stats(), r.Rejects().Errs, r.Err())
			}
			if slices.Contains(cols, "responseelements") {
				checkOnlyIn(t, mem, data, opts, out.String(), r)
			}
			r.Release()
			mem.AssertSize(t, 0)
		}
	})
}

// checkOnlyIn checks that WithOnlyIn, with dictionary-encoded keys (one
// a struct's field) and a raw JSON one, counts and rejects as without (full, r) and builds the
// same rows, but for responseelements null in the records no key admits.
func checkOnlyIn(t *testing.T, mem memory.Allocator, data []byte, opts []Option, full string, r *CloudTrailReader) {
	t.Helper()
	got, st, rej, err := readFrom(t, mem, bytes.NewReader(data), append(opts, WithOnlyIn(
		OnlyIn{Column: "responseelements", Key: "eventname", Values: []string{"a", "ConsoleLogin"}},
		OnlyIn{Column: "responseelements", Key: "useridentity.type", Folded: []string{"root"}},
		OnlyIn{Column: "responseelements", Key: "requestparameters", Values: []string{`{"a":1}`}},
	))...)
	if st != r.Stats() || fmt.Sprint(rej.Errs) != fmt.Sprint(r.Rejects().Errs) || fmt.Sprint(err) != fmt.Sprint(r.Err()) {
		t.Fatalf("with WithOnlyIn: %+v, %v, %v; without: %+v, %v, %v", st, rej.Errs, err, r.Stats(), r.Rejects().Errs, r.Err())
	}
	rows := func(s string) []map[string]any {
		var out []map[string]any
		d := json.NewDecoder(strings.NewReader(s))
		for d.More() {
			var m map[string]any
			if err := d.Decode(&m); err != nil {
				t.Fatalf("%v in %q", err, s)
			}
			out = append(out, m)
		}
		return out
	}
	want, have := rows(full), rows(got)
	if len(want) != len(have) {
		t.Fatalf("with WithOnlyIn %d rows; without %d", len(have), len(want))
	}
	for i, w := range want {
		name, _ := w["eventname"].(string)
		ui, _ := w["useridentity"].(map[string]any)
		typ, _ := ui["type"].(string)
		if name != "a" && name != "ConsoleLogin" && strings.ToLower(typ) != "root" && w["requestparameters"] != `{"a":1}` {
			w["responseelements"] = nil
		}
		if !reflect.DeepEqual(w, have[i]) {
			t.Fatalf("row %d with WithOnlyIn: %v; want %v", i, have[i], w)
		}
	}
}

// FuzzCloudTrailSkipMembers checks that the members skipped or decoded
// in runs (skipMembersAVX2, where the CPU has it) read exactly as
// parseTop and parseObject read them one by one: the same rows, counts,
// rejects and error, streamed and in place.
func FuzzCloudTrailSkipMembers(f *testing.F) {
	f.Add([]byte(`{"Records":[` + rec1 + `,` + rec2 + `,` + rec1 + `]}`))
	f.Add([]byte(rec1 + "\n" + rec2 + "\n" + rec2 + "\n" + rec1 + "\n"))
	f.Add([]byte(`[` + rec2 + `,` + strings.Replace(rec2, `"awsRegion":"us-east-1"`, `"awsRegion":"us-\u0065ast-1"`, 1) + `]`))
	f.Add([]byte(`{"Records":[` + rec1 + `,` + strings.Replace(rec1, `"readOnly":false`, `"readOnly":fals`, 1) + `]}`))
	f.Add([]byte(`{"Records":[` + rec1 + `,` + strings.Replace(rec1, `"awsRegion":"us-east-1"`, `"awsRegion":"us-`+"\xff"+`east-1"`, 1) + `]}`))
	f.Add([]byte(`{"Records":[` + rec1 + `,` + strings.Replace(rec1, `"egress":false`, `"egress":"`+"\xc3\xa9"+strings.Repeat("x", 70)+`"`, 1) + `]}`))
	f.Add([]byte(`{"Records":[` + rec2 + `,` + strings.Replace(rec2, `"arn":"arn:aws:iam::111122223333:root"`, `"arn":null,"userName":true`, 1) + `]}`))
	files, _ := filepath.Glob("../testdata/cloudtrail/*.json")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	projections := [][]string{nil, {"eventname"}, {"eventname", "awsregion", "useridentity.type", "requestparameters"},
		{"useragent", "readonly", "responseelements", "useridentity"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !useSkipMembers {
			t.Skip("no skipMembersAVX2 on this CPU")
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		for _, cols := range projections {
			var opts []Option
			if cols != nil {
				opts = append(opts, WithColumns(cols...))
			}
			for _, src := range []func() io.Reader{
				func() io.Reader { return inMemoryInput(data) },
				func() io.Reader { return bytes.NewReader(data) },
			} {
				got, st, rej, err := readFrom(t, mem, src(), opts...)
				useSkipMembers = false
				want, wst, wrej, werr := readFrom(t, mem, src(), opts...)
				useSkipMembers = true
				if got != want || st != wst || fmt.Sprint(rej.Errs) != fmt.Sprint(wrej.Errs) || fmt.Sprint(err) != fmt.Sprint(werr) {
					t.Fatalf("%v: in runs %q, %+v, %v, %v; one by one %q, %+v, %v, %v", cols, got, st, rej.Errs, err, want, wst, wrej.Errs, werr)
				}
			}
		}
		mem.AssertSize(t, 0)
	})
}
