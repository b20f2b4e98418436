package findings

import (
	"encoding/json"
	"strings"
	"testing"
)

// canonicalRef is what AppendCanonicalJSON stands for: json.Unmarshal
// into an any, then json.Marshal.
func canonicalRef(text string) (string, bool) {
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return "", false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", false
	}
	return string(b), true
}

func checkCanonical(t *testing.T, text string) {
	t.Helper()
	want, wantOK := canonicalRef(text)
	got, ok := AppendCanonicalJSON([]byte("x"), text)
	if ok != wantOK {
		t.Fatalf("AppendCanonicalJSON(%q) ok = %v; json.Unmarshal ok = %v", text, ok, wantOK)
	}
	if !ok {
		if string(got) != "x" {
			t.Fatalf("AppendCanonicalJSON(%q) failed but changed dst to %q", text, got)
		}
		return
	}
	if string(got) != "x"+want {
		t.Fatalf("AppendCanonicalJSON(%q) =\n%s\njson.Unmarshal+Marshal:\n%s", text, got[1:], want)
	}
	// As a finding's evidence value, JSONText marshals to the same bytes
	// through encoding/json and through appendJSONValue.
	m, err := json.Marshal(map[string]any{"v": JSONText(got[1:])})
	if err != nil || string(m) != `{"v":`+want+`}` {
		t.Fatalf("json.Marshal(JSONText) = %s, %v; want {\"v\":%s}", m, err, want)
	}
	if b, ok := appendJSONValue(nil, JSONText(got[1:])); !ok || string(b) != want {
		t.Fatalf("appendJSONValue(JSONText) = %s, %v; want %s", b, ok, want)
	}
}

var canonicalCases = []string{
	`{}`, `[]`, ` { } `, "[\n1 ,\t2\r]",
	`{"b":1,"a":{"d":[true,false,null],"c":"x"}}`,
	`{"a":1,"a":2,"b":3,"a":{"z":1}}`, // duplicates: the last
	`{"":"empty key","\u0041":"A","A":"dup by escape"}`,
	`[0,-0,1.5,-2.5e-9,1e21,1e20,1e-6,1e-7,123456789012345678901234567890,0.1e1,1E+2,1e400,-1e400,1e-400]`,
	`[1e400]`, `[01]`, `[-]`, `[1.]`, `[.5]`, `[1e]`, `[1e+]`, `[-01]`, `[+1]`,
	`["<script>&amp;</script>","\u2028\u2029","\ud83d\ude00","\ud800","\udc00\ud800","\ud800\u0041","\ud800\ud800"]`,
	`["\"\\\/\b\f\n\r\t\u0000\u001f\u007f"]`, `["\x"]`, `["\u12"]`, `["\u12g4"]`, "[\"\x01\"]", "[\"\xff\xfe é\"]",
	"{\"\xff\":1}", "[\xff]", `[tru]`, `[true false]`, `{"a" 1}`, `{"a":1,}`, `[1,]`, `{,}`, `{"a":1}x`, `{"a":1} `,
	`{"a":1`, `[`, `{`, `"`, `{"a":"b`, `[nul]`, `[truex]`, `{1:2}`, `[[[[]]]]`,
	`{"requestParameters":{"bucketName":"logs","Host":"s3.amazonaws.com","key":"a/b.json.gz","x-amz-acl":["private"]}}`,
}

// TestAppendCanonicalJSON: the canonical bytes are json.Unmarshal then
// json.Marshal's, and it fails exactly where json.Unmarshal does.
func TestAppendCanonicalJSON(t *testing.T) {
	for _, text := range canonicalCases {
		checkCanonical(t, text)
	}
	deep := strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth)
	checkCanonical(t, deep)
	checkCanonical(t, "["+deep+"]")
	deepObj := strings.Repeat(`{"a":`, maxJSONDepth-1) + "{}" + strings.Repeat("}", maxJSONDepth-1)
	checkCanonical(t, deepObj)
	checkCanonical(t, `{"a":`+deepObj+"}")
}

func FuzzAppendCanonicalJSON(f *testing.F) {
	for _, text := range canonicalCases {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkCanonical(t, text)
	})
}

func BenchmarkAppendCanonicalJSON(b *testing.B) {
	text := `{"bucketName":"example-logs-111122223333","Host":"example-logs-111122223333.s3.us-east-1.amazonaws.com",` +
		`"key":"AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/file.json.gz","x-id":"GetObject",` +
		`"filters":[{"name":"instance-state-name","values":["running","stopped"]}],"maxResults":1000,"dryRun":false}`
	b.Run("canonical", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		var out []byte
		for b.Loop() {
			out, _ = AppendCanonicalJSON(out[:0], text)
		}
	})
	b.Run("unmarshal-marshal", func(b *testing.B) { // what evidence did before
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		var out []byte
		for b.Loop() {
			var v any
			_ = json.Unmarshal([]byte(text), &v)
			out, _ = appendJSONValue(out[:0], v)
		}
	})
}
