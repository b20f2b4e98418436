package engine

import (
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{nil, "NULL"}, {"x", "x"}, {int64(-3), "-3"}, {1.5, "1.5"}, {2.0, "2.0"}, {true, "true"},
		{time.Date(2024, 1, 2, 3, 4, 5, 6e6, time.UTC), "2024-01-02 03:04:05.006"},
		{[]any{"a", nil}, "[a, NULL]"}, {map[string]any{"b": int64(1), "a": "x"}, "{a=x, b=1}"},
	}
	for _, tt := range tests {
		if got := formatValue(tt.v); got != tt.want {
			t.Errorf("formatValue(%#v) = %q; want %q", tt.v, got, tt.want)
		}
	}
}

func TestResultRecord(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	q, err := Compile("SELECT 'a' AS s, 1 AS i, 1.5 AS f, TRUE AS b, timestamp '2024-01-01 00:00:00' AS t, NULL AS n, split('x,y', ',') AS arr", Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.NewRun(1).Finish()
	if err != nil {
		t.Fatal(err)
	}
	rec := res.Record(mem)
	defer rec.Release()
	if rec.NumRows() != 1 || rec.NumCols() != 7 {
		t.Fatalf("record %d x %d", rec.NumRows(), rec.NumCols())
	}
	if s := rec.Column(0).(*array.String).Value(0); s != "a" {
		t.Errorf("s = %q", s)
	}
	if i := rec.Column(1).(*array.Int64).Value(0); i != 1 {
		t.Errorf("i = %d", i)
	}
	if !rec.Column(5).IsNull(0) {
		t.Errorf("n not null")
	}
	if s := rec.Column(6).(*array.String).Value(0); s != "[x, y]" {
		t.Errorf("arr = %q", s)
	}
	if got := res.Row(0); len(got) != 7 || got[0] != "a" || got[5] != nil {
		t.Errorf("Row(0) = %v", got)
	}
	if len(res.Rows()) != 1 {
		t.Errorf("Rows() length")
	}
}

// TestCompareRows: rows streamed in chunks, kept with AppendRow and
// sorted with CompareRows come in the order Finish returns them (every
// column in turn, NULLs last), arrays and NULLs included; a query with a
// LIMIT does not stream its result, one with ORDER BY streams it in order.
func TestCompareRows(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []arrow.RecordBatch
	for _, row := range ctSample() {
		recs = append(recs, buildRecord(mem, parsers.CloudTrailSchema, []map[string]any{row}))
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	const sql = "SELECT errorcode, eventname, useridentity.username AS who, resources, eventtime FROM cloudtrail_logs"
	want := resultText(runQuery(t, sql, 1, recs...))
	q, err := Compile(sql, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ok, ordered := q.StreamsResult(); !ok || ordered {
		t.Errorf("StreamsResult() = %v, %v; want true, false", ok, ordered)
	}
	r := q.NewRun(2)
	var kept *Result
	r.Stream(func(res *Result) error {
		if kept == nil {
			kept = res.Empty()
		}
		for i := range res.Len() {
			kept.AppendRow(res, res.Len()-1-i) // reversed: any order will do
		}
		return nil
	})
	for i, rec := range recs {
		if err := r.Push(i%2, rec); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Finish(); err != nil {
		t.Fatal(err)
	}
	perm := make([]int, kept.Len())
	for i := range perm {
		perm[i] = i
	}
	slices.SortFunc(perm, func(i, j int) int { return CompareRows(kept, i, kept, j) })
	sorted := kept.Empty()
	for _, i := range perm {
		sorted.AppendRow(kept, i)
	}
	if got := resultText(sorted); got != want {
		t.Errorf("sorted with CompareRows:\n%s\nwant (Finish):\n%s", got, want)
	}
	for sql, want := range map[string][2]bool{
		"SELECT eventname FROM cloudtrail_logs LIMIT 2":                         {false, false},
		"SELECT eventname FROM cloudtrail_logs ORDER BY eventname":              {true, true},
		"SELECT eventname FROM (SELECT eventname FROM cloudtrail_logs LIMIT 1)": {false, false},
	} {
		q, err := Compile(sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if ok, ordered := q.StreamsResult(); ok != want[0] || ordered != want[1] {
			t.Errorf("%s: StreamsResult() = %v, %v; want %v, %v", sql, ok, ordered, want[0], want[1])
		}
	}
}
