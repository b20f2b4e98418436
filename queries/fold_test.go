package queries

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/findings"
	"github.com/hunt-sec/hunt/parsers"
)

// foldHunt runs the hunt text over CloudTrail records, one object per
// element of objects (named obj0.json, obj1.json...), and folds the result.
func foldHunt(t *testing.T, text string, w Window, objects ...string) ([]findings.Finding, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	h, err := Parse("t.sql", text)
	if err != nil {
		t.Fatal(err)
	}
	q, err := h.Compile(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	for i, o := range objects {
		rd, err := parsers.NewCloudTrailReader(strings.NewReader(o), fmt.Sprintf("obj%d.json", i), parsers.WithAllocator(mem), parsers.WithStrict(true))
		if err != nil {
			t.Fatal(err)
		}
		for rd.Next() {
			if err := r.Push(0, rd.Batch()); err != nil {
				t.Fatal(err)
			}
		}
		if err := rd.Err(); err != nil {
			t.Fatal(err)
		}
		rd.Release()
	}
	res, err := r.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return h.Findings(res, w)
}

func rec(time, user, name string) string {
	return fmt.Sprintf(`{"eventTime":%q,"eventName":%q,"eventSource":"x.amazonaws.com","awsRegion":"us-east-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/%s"}}`, time, name, user)
}

const foldHeader = `-- id: fold
-- title: T
-- severity: LOW
-- table: cloudtrail
-- resource: actor
-- resource_type: AwsIamUser
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: actor
-- window: 1h
-- evidence: eventtime, eventname

SELECT eventtime, eventname, useridentity.arn AS actor, recipientaccountid AS account, awsregion AS region, "$path"
FROM cloudtrail`

func TestFindings_Fold(t *testing.T) {
	a := "[" + strings.Join([]string{
		rec("2024-03-05T10:05:00Z", "alice", "A"),
		rec("2024-03-05T10:50:00Z", "alice", "B"),
		rec("2024-03-05T11:10:00Z", "alice", "C"), // next window
		rec("2024-03-05T10:20:00Z", "bob", "D"),
	}, ",") + "]"
	b := "[" + rec("2024-03-05T10:30:00Z", "alice", "E") + "]"
	fs, err := foldHunt(t, foldHeader, Window{}, a, b)
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		actor, first, last string
		count              int64
		sources            string
		events             string
	}
	var got []summary
	for _, f := range fs {
		var ev []string
		for _, e := range f.Evidence {
			ev = append(ev, e["eventname"].(string))
		}
		got = append(got, summary{f.Actor[strings.LastIndex(f.Actor, "/")+1:], f.FirstSeen.Format("15:04"), f.LastSeen.Format("15:04"), f.Count, strings.Join(f.Sources, " "), strings.Join(ev, "")})
	}
	want := []summary{
		{"alice", "10:05", "10:50", 3, "obj0.json obj1.json", "AEB"}, // evidence in result order: by eventtime
		{"bob", "10:20", "10:20", 1, "obj0.json", "D"},
		{"alice", "11:10", "11:10", 1, "obj0.json", "C"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	wantID := findings.NewID("fold", []string{"arn:aws:iam::111122223333:user/alice"}, time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC))
	if fs[0].ID != wantID || fs[0].Account != "111122223333" || fs[0].Region != "us-east-1" || fs[0].ResourceType != "AwsIamUser" || fs[0].Table != "cloudtrail" {
		t.Fatalf("first finding: got %+v; want ID %s and the header's fields", fs[0], wantID)
	}

	// --since/--until keep the rows whose time overlaps the window.
	fs, err = foldHunt(t, foldHeader, Window{Since: time.Date(2024, 3, 5, 10, 25, 0, 0, time.UTC), Until: time.Date(2024, 3, 5, 11, 0, 0, 0, time.UTC)}, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Count != 2 || fs[0].Evidence[0]["eventname"] != "E" {
		t.Fatalf("windowed: got %+v; want alice's B and E", fs)
	}
}

func TestFindings_EvidenceCap(t *testing.T) {
	var recs []string
	for i := range MaxEvidence + 3 {
		recs = append(recs, rec(fmt.Sprintf("2024-03-05T10:%02d:00Z", i), "alice", "A"))
	}
	fs, err := foldHunt(t, foldHeader, Window{}, "["+strings.Join(recs, ",")+"]")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || len(fs[0].Evidence) != MaxEvidence || !fs[0].EvidenceTruncated || fs[0].Count != int64(MaxEvidence+3) {
		t.Fatalf("got %d findings, %d evidence rows, truncated %v, count %d", len(fs), len(fs[0].Evidence), fs[0].EvidenceTruncated, fs[0].Count)
	}
	if _, ok := fs[0].Evidence[0]["actor"]; ok {
		t.Errorf("evidence has columns the header did not name: %v", fs[0].Evidence[0])
	}
}

func TestFindings_CountColumn(t *testing.T) {
	text := strings.Replace(foldHeader, "-- dedup: actor\n", "-- dedup: actor\n-- count: n\n-- sources: src\n", 1)
	text = text[:strings.Index(text, "SELECT")] + `SELECT min(eventtime) AS eventtime, min(eventname) AS eventname, useridentity.arn AS actor,
  recipientaccountid AS account, awsregion AS region, count(*) AS n, array_agg(DISTINCT "$path") AS src
FROM cloudtrail GROUP BY 3, 4, 5`
	fs, err := foldHunt(t, text, Window{}, "["+rec("2024-03-05T10:05:00Z", "alice", "A")+","+rec("2024-03-05T10:06:00Z", "alice", "B")+"]", "["+rec("2024-03-05T10:07:00Z", "alice", "C")+"]")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Count != 3 || !slices.Equal(fs[0].Sources, []string{"obj0.json", "obj1.json"}) {
		t.Fatalf("got %+v; want one finding of count 3 from both objects", fs)
	}
}

func TestFindings_Failure(t *testing.T) {
	text := strings.Replace(foldHeader, "useridentity.arn AS actor", "useridentity.arn AS actor, eventname AS t", 1)
	text = strings.Replace(text, "-- time: eventtime", "-- time: t", 1)
	_, err := foldHunt(t, text, Window{}, "["+rec("2024-03-05T10:05:00Z", "alice", "A")+"]")
	if err == nil || !strings.Contains(err.Error(), `t.sql: row 1: column t: expected an RFC 3339 time, found "A"`) {
		t.Fatalf("got %v; want a time error naming the row and column", err)
	}
}

func TestTimeValue(t *testing.T) {
	want := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	for _, v := range []any{want, "2024-03-05T10:00:00Z", "2024-03-05T12:00:00+02:00", int64(want.Unix()), float64(want.Unix())} {
		got, err := timeValue(v)
		if err != nil || !got.Equal(want) {
			t.Errorf("timeValue(%v) = %v, %v; want %v", v, got, err, want)
		}
	}
	for _, v := range []any{nil, "yesterday", true} {
		if _, err := timeValue(v); err == nil {
			t.Errorf("timeValue(%v): got no error", v)
		}
	}
}

// TestFindings_NullTime: a row without a time is left out and reported
// (RowsError); the other rows' findings stand. A row with only one of its
// two times takes the other.
func TestFindings_NullTime(t *testing.T) {
	text := strings.Replace(foldHeader, "SELECT eventtime,", "SELECT CASE WHEN eventname = 'B' THEN NULL ELSE eventtime END AS t, eventtime AS t2,", 1)
	text = strings.Replace(text, "-- time: eventtime", "-- time: t\n-- last_seen: t2", 1)
	text = strings.Replace(text, "-- evidence: eventtime, eventname", "-- evidence: t, eventname", 1)
	fs, err := foldHunt(t, text, Window{}, "["+rec("2024-03-05T10:05:00Z", "alice", "A")+","+rec("2024-03-05T11:05:00Z", "bob", "B")+"]")
	if err != nil || len(fs) != 2 || !fs[1].FirstSeen.Equal(time.Date(2024, 3, 5, 11, 5, 0, 0, time.UTC)) {
		t.Fatalf("one time NULL: %v, %+v", err, fs)
	}
	text = strings.Replace(text, "eventtime AS t2,", "CASE WHEN eventname = 'B' THEN NULL ELSE eventtime END AS t2,", 1)
	fs, err = foldHunt(t, text, Window{}, "["+rec("2024-03-05T10:05:00Z", "alice", "A")+","+rec("2024-03-05T11:05:00Z", "bob", "B")+"]")
	var rows *RowsError
	if !errors.As(err, &rows) || rows.Rows != 1 || len(fs) != 1 || fs[0].Actor != "arn:aws:iam::111122223333:user/alice" ||
		!strings.Contains(err.Error(), "row 2: column t: expected a time, found NULL") {
		t.Fatalf("both NULL: %v, %+v", err, fs)
	}
}

// resultOf runs the hunt text over one CloudTrail object and returns the
// hunt and its result.
func resultOf(t testing.TB, text, object string) (*Hunt, *engine.Result) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	h, err := Parse("t.sql", text)
	if err != nil {
		t.Fatal(err)
	}
	q, err := h.Compile(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	rd, err := parsers.NewCloudTrailReader(strings.NewReader(object), "obj.json", parsers.WithAllocator(mem), parsers.WithStrict(true))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	for rd.Next() {
		if err := r.Push(0, rd.Batch()); err != nil {
			t.Fatal(err)
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	res, err := r.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return h, res
}

// foldChunks adds res's rows to f in chunks of size rows, in order (nil:
// result order), and returns the fold and its findings.
func foldChunks(t *testing.T, f *Folder, res *engine.Result, order []int, size int) (*Folded, []findings.Finding) {
	t.Helper()
	if order == nil {
		order = make([]int, res.Len())
		for i := range order {
			order[i] = i
		}
	}
	for lo := 0; lo < len(order); lo += size {
		chunk := res.Empty()
		for _, row := range order[lo:min(lo+size, len(order))] {
			chunk.AppendRow(res, row)
		}
		if err := f.Add(chunk); err != nil {
			t.Fatal(err)
		}
	}
	fd, err := f.Folded()
	if err != nil {
		t.Fatal(err)
	}
	var got []findings.Finding
	for x := range fd.All() {
		got = append(got, x)
	}
	return fd, got
}

// TestFolder_Unordered: a result folded chunk by chunk, its rows in any
// order (as a streamed run hands them on), gives the findings of the
// whole result folded in its order: the same evidence rows, the same
// resource and actor. A finding keeps its evidence rows, not its result.
func TestFolder_Unordered(t *testing.T) {
	var recs []string
	for i := range 30 {
		for _, user := range []string{"alice", "bob", "carol"} {
			recs = append(recs, rec(fmt.Sprintf("2024-03-05T10:%02d:%02dZ", (i*7)%60, i), user, fmt.Sprintf("E%02d", i%4)))
		}
	}
	h, res := resultOf(t, foldHeader, "["+strings.Join(recs, ",")+"]")
	want, err := h.Findings(res, Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 3 || !want[0].EvidenceTruncated {
		t.Fatalf("fixture: %d findings, truncated %v; want 3 with more rows than evidence", len(want), want[0].EvidenceTruncated)
	}
	n := res.Len()
	orders := map[string][]int{"result": {}, "reversed": {}, "strided": {}}
	for i := range n {
		orders["result"] = append(orders["result"], i)
		orders["reversed"] = append(orders["reversed"], n-1-i)
		orders["strided"] = append(orders["strided"], (i*37)%n)
	}
	for name, order := range orders {
		for _, size := range []int{1, 4, n} {
			f := h.NewFolder(Window{}, name == "result")
			f.slack = 0
			fd, got := foldChunks(t, f, res, order, size)
			if g, w := string(marshalGolden(t, got)), string(marshalGolden(t, want)); g != w {
				t.Errorf("%s order, chunks of %d:\ngot  %s\nwant %s", name, size, g, w)
			}
			if kept, most := fd.kept.Len(), 3*MaxEvidence*5/4; kept > most {
				t.Errorf("%s order, chunks of %d: %d rows kept of %d; want at most %d (evidence, and a quarter as many displaced)", name, size, kept, n, most)
			}
		}
	}
}

// BenchmarkFolder_Add: a hunt matching many events for few findings (a
// Sigma rule for GetObject), folded chunk by chunk as hunt run streams it.
func BenchmarkFolder_Add(b *testing.B) {
	var recs []string
	for i := range 4000 {
		recs = append(recs, rec(fmt.Sprintf("2024-03-05T%02d:%02d:%02dZ", i/3600%24, i/60%60, i%60), fmt.Sprintf("user%d", i%7), fmt.Sprintf("E%02d", i%5)))
	}
	h, res := resultOf(b, foldHeader, "["+strings.Join(recs, ",")+"]")
	b.ReportAllocs()
	for b.Loop() {
		f := h.NewFolder(Window{}, false)
		if err := f.Add(res); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*res.Len()), "ns/row")
}

// TestFolder_ManySources: a finding from more objects than the list scan
// serves (a set takes over) still lists each source once, in streamed
// chunks as in one result.
func TestFolder_ManySources(t *testing.T) {
	header := strings.Replace(foldHeader, "-- evidence:", "-- sources: src\n-- evidence:", 1)
	header = strings.Replace(header, `"$path"`, `'s3://b/' || eventname AS src`, 1)
	var recs []string
	want := map[string]bool{}
	for i := range 600 {
		name := fmt.Sprintf("E%03d", (i*37)%(3*manySources))
		want["s3://b/"+name] = true
		recs = append(recs, rec(fmt.Sprintf("2024-03-05T10:%02d:%02dZ", i/60%60, i%60), "alice", name))
	}
	h, res := resultOf(t, header, "["+strings.Join(recs, ",")+"]")
	for _, size := range []int{7, res.Len()} {
		_, got := foldChunks(t, h.NewFolder(Window{}, false), res, nil, size)
		if len(got) != 1 {
			t.Fatalf("chunks of %d: %d findings, want 1", size, len(got))
		}
		if len(got[0].Sources) != len(want) || !slices.IsSorted(got[0].Sources) {
			t.Errorf("chunks of %d: %d sources (sorted %v), want %d, each once", size, len(got[0].Sources), slices.IsSorted(got[0].Sources), len(want))
		}
		for _, s := range got[0].Sources {
			if !want[s] {
				t.Errorf("chunks of %d: source %q not in the rows", size, s)
			}
		}
	}
}

// FuzzParseSecondsUTC: the fold's fast time parser accepts only what
// time.Parse(time.RFC3339Nano) accepts, and gives the same instant.
func FuzzParseSecondsUTC(f *testing.F) {
	for _, s := range []string{"2024-03-05T10:05:00Z", "2024-02-29T23:59:59Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
		"2024-03-05T24:00:00Z", "2024-03-05T10:05:60Z", "2024-03-05t10:05:00Z", "2024-03-05T10:05:00+00:00", "0000-01-01T00:00:00Z", "2024-03-05T10:05:0xZ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseSecondsUTC(s)
		want, err := time.Parse(time.RFC3339Nano, s)
		if !ok {
			return // timeValue parses it with time.Parse
		}
		if err != nil {
			t.Fatalf("parseSecondsUTC(%q) = %v; time.Parse rejects it: %v", s, got, err)
		}
		if !got.Equal(want) || got != want.UTC() {
			t.Fatalf("parseSecondsUTC(%q) = %v, time.Parse %v", s, got, want.UTC())
		}
	})
}

// TestParseSecondsUTC_Failure: what the fast parser leaves to time.Parse.
func TestParseSecondsUTC_Failure(t *testing.T) {
	for _, s := range []string{"2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-03-05T10:05:00.5Z", "2024-03-05T10:05:00+01:00", "2024-03-05 10:05:00Z", ""} {
		if got, ok := parseSecondsUTC(s); ok {
			t.Errorf("parseSecondsUTC(%q) = %v, want it left to time.Parse", s, got)
		}
	}
	if got, ok := parseSecondsUTC("2024-02-29T23:59:59Z"); !ok || got != time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC) {
		t.Errorf("parseSecondsUTC(leap day) = %v, %v", got, ok)
	}
}

// TestEvidenceValue: JSON text in a result becomes evidence that encodes
// as the objects json.Unmarshal makes of it (keys sorted, the last of a
// duplicate key, whitespace gone); text json.Unmarshal refuses, and other
// values, stay as they are.
func TestEvidenceValue(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want any
	}{
		{`{"b": 2, "a": {"y": [1, "x<"], "x": null}, "b": 3}`, findings.JSONText(`{"a":{"x":null,"y":[1,"x\u003c"]},"b":3}`)},
		{`[ "AccessDenied" ]`, findings.JSONText(`["AccessDenied"]`)},
		{`{not json}`, `{not json}`},
		{`[1e400]`, `[1e400]`},
		{`{"a":1} trailing`, `{"a":1} trailing`},
		{`plain`, `plain`},
		{`{`, `{`},
		{int64(7), int64(7)},
		{nil, nil},
	} {
		if got := evidenceValue(tc.in); got != tc.want {
			t.Errorf("evidenceValue(%#v) = %#v; want %#v", tc.in, got, tc.want)
		}
	}
}
