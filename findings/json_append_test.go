package findings

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// jsonFinding is a finding with every field set, the values of evidence
// rows of every kind a result or parsed JSON holds.
func jsonFinding() Finding {
	at := time.Date(2024, 3, 5, 10, 5, 0, 123456789, time.UTC)
	return Finding{
		ID: "0123abcd", HuntID: "h<1>", Title: "T & \"q\"", Description: "line\nnext\ttab \x01 \x7f \u2028 \u2029 é \xff end",
		Severity: SeverityHigh, Tactics: []string{"TA0005"}, Techniques: []string{"T1562.008", "T1078"},
		Resource: "arn:aws:iam::111122223333:user/alice", ResourceType: "AwsIamUser", Actor: "alice", Account: "111122223333", Region: "us-east-1",
		FirstSeen: at, LastSeen: at.Add(time.Hour).In(time.FixedZone("X", 5*3600+1800)), Count: -42,
		Evidence: []map[string]any{
			{"eventtime": "2024-03-05T10:05:00Z", "n": int64(math.MinInt64), "ok": true, "no": false, "null": nil, "at": at,
				"f":                 []any{0.0, math.Copysign(0, -1), 1e21, 1e20, 1e-6, 1e-7, 123.456, -2.5e-9, 1.0, float64(1 << 53)},
				"requestparameters": map[string]any{"b": map[string]any{"z": []any{"x", nil}, "a": 1.5}, "A": "<script>", "": "empty key"},
				"arr":               []any(nil), "m": map[string]any(nil), "empty": []any{}, "emptym": map[string]any{}},
			{"eventtime": "2024-03-05T10:06:00Z"},
		},
		EvidenceTruncated: true, Sources: []string{"s3://b/k1.json.gz", "s3://b/k2.json.gz"},
		Remediation: "rotate", References: []string{"https://example.com/?a=1&b=2"}, Table: "cloudtrail_logs",
	}
}

// TestAppendFindingJSON_SameAsMarshal: the hand encoder writes what
// json.Marshal writes, for a finding with every field and value kind, one
// with none (omitempty), and after each field is cleared in turn; it
// gives up (ok false) on what only encoding/json encodes.
func TestAppendFindingJSON_SameAsMarshal(t *testing.T) {
	full := jsonFinding()
	cases := []Finding{full, {}}
	v := reflect.ValueOf(full)
	for i := range v.NumField() {
		f := full
		reflect.ValueOf(&f).Elem().Field(i).SetZero()
		cases = append(cases, f)
	}
	for _, f := range cases {
		want, err := json.Marshal(&f)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := appendFindingJSON(nil, &f)
		if !ok {
			t.Fatalf("appendFindingJSON gave up on %+v", f)
		}
		if string(got) != string(want) {
			t.Errorf("appendFindingJSON:\n%s\njson.Marshal:\n%s", got, want)
		}
	}
	// Every field of Finding is written: a new field fails here until
	// the encoder writes it.
	if n := reflect.TypeOf(Finding{}).NumField(); n != 21 {
		t.Errorf("Finding has %d fields; appendFindingJSON writes 21: teach it the new ones", n)
	}
	for name, bad := range map[string]any{"NaN": math.NaN(), "Inf": math.Inf(1), "int": 7, "struct": struct{ A int }{1}, "year 10000": time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		f := full
		f.Evidence = []map[string]any{{"x": bad}}
		if _, ok := appendFindingJSON(nil, &f); ok {
			t.Errorf("%s: appendFindingJSON encoded a value only encoding/json may encode (or reject)", name)
		}
	}
	// appendJSONLines falls back to encoding/json for those.
	f := full
	f.Evidence = []map[string]any{{"x": 7}}
	got, err := appendJSONLines([]byte("prefix "), []Finding{f, full})
	want1, _ := json.Marshal(&f)
	want2, _ := json.Marshal(&full)
	if err != nil || string(got) != "prefix "+string(want1)+"\n"+string(want2)+"\n" {
		t.Errorf("appendJSONLines = %q, %v", got, err)
	}
}

// FuzzAppendFindingJSON: any text and number the fuzzer finds encodes as
// json.Marshal encodes it.
func FuzzAppendFindingJSON(f *testing.F) {
	f.Add("a<b>&c", "\x00\x1f\"\\", 1.5, int64(3))
	f.Add("\xed\xa0\x80 \u2028", "é\xff", 1e-7, int64(-1))
	f.Add("", "", 0.0, int64(0))
	f.Fuzz(func(t *testing.T, s1, s2 string, x float64, n int64) {
		fd := jsonFinding()
		fd.Title, fd.Actor = s1, s2
		fd.Sources = []string{s2, s1}
		fd.Evidence = []map[string]any{{s1: s2, "x": x, "n": n, "nested": map[string]any{s2: []any{s1, x}}}}
		want, err := json.Marshal(&fd)
		got, ok := appendFindingJSON(nil, &fd)
		if err != nil {
			if ok {
				t.Fatalf("json.Marshal fails (%v) where appendFindingJSON wrote %s", err, got)
			}
			return
		}
		if !ok {
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				t.Fatalf("appendFindingJSON gave up on x=%v", x)
			}
			return
		}
		if string(got) != string(want) {
			t.Fatalf("appendFindingJSON:\n%s\njson.Marshal:\n%s", got, want)
		}
	})
}

func BenchmarkAppendJSONLines(b *testing.B) {
	fs := make([]Finding, 100)
	for i := range fs {
		fs[i] = jsonFinding()
		fs[i].Description = strings.Repeat("A long rule description. ", 40)
	}
	var buf []byte
	buf, _ = appendJSONLines(buf, fs)
	b.Run("append", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		b.ReportAllocs()
		for b.Loop() {
			buf, _ = appendJSONLines(buf[:0], fs)
		}
	})
	// A Send's lines into a new buffer: a sink's first Send, and any
	// larger than the ones before.
	b.Run("fresh", func(b *testing.B) {
		many := make([]Finding, 1000)
		for i := range many {
			many[i] = fs[i%len(fs)]
		}
		lines, _ := appendJSONLines(nil, many)
		b.SetBytes(int64(len(lines)))
		b.ReportAllocs()
		for b.Loop() {
			lines, _ = appendJSONLines(nil, many)
		}
	})
	b.Run("encoding-json", func(b *testing.B) { // what appendJSONLines did before
		b.SetBytes(int64(len(buf)))
		b.ReportAllocs()
		for b.Loop() {
			buf = buf[:0]
			for i := range fs {
				line, _ := json.Marshal(&fs[i])
				buf = append(append(buf, line...), '\n')
			}
		}
	})
}

// TestSafe8: the 8-byte test says safe exactly when every byte is
// jsonSafe ASCII, for each byte value at each place among safe bytes and
// for random words (false negatives would leave bytes unescaped).
func TestSafe8(t *testing.T) {
	ref := func(x uint64) bool {
		for k := range 8 {
			c := byte(x >> (8 * k))
			if c >= utf8.RuneSelf || !jsonSafe[c] {
				return false
			}
		}
		return true
	}
	check := func(x uint64) {
		if got, want := safe8(x), ref(x); got != want {
			t.Fatalf("safe8(%#016x) = %v; want %v", x, got, want)
		}
	}
	const base = 0x6867666564636261 // "abcdefgh"
	for k := range 8 {
		for c := range 256 {
			check(base&^(0xff<<(8*k)) | uint64(c)<<(8*k))
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1 << 20 {
		x := r.Uint64()
		check(x)
		check(x & 0x7f7f7f7f7f7f7f7f)
		check(x&0x3f3f3f3f3f3f3f3f | 0x4040404040404040)
	}
}
