package engine

import (
	"slices"
	"testing"
	"time"

	"fmt"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
	"unsafe"
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

// TestAppendRow_CopiesViewsOnce: a row whose strings view a batch is kept
// with one allocation for all its strings, and the copies do not share
// the batch's bytes; empty strings and NULLs stay as they are.
func TestAppendRow_CopiesViewsOnce(t *testing.T) {
	batch := []byte("ConsoleLoginalicearn:aws:iam::1:user/alice")
	view := func(from, to int) string { return unsafe.String(&batch[from], to-from) }
	src := &Result{Columns: []string{"a", "b", "n", "c", "e"}, views: true}
	for _, ty := range []*dtype{tString, tString, tInt, tString, tString} {
		src.cols = append(src.cols, newColumn(ty))
	}
	src.cols[0].s, src.cols[1].s, src.cols[3].s, src.cols[4].s = []string{view(0, 12)}, []string{view(12, 17)}, []string{view(17, len(batch))}, []string{""}
	src.cols[2].i = []int64{7}
	for _, c := range src.cols {
		c.null = []bool{false}
	}
	kept := src.Empty()
	kept.AppendRow(src, 0) // grow the columns first
	if allocs := testing.AllocsPerRun(100, func() {
		kept.AppendRow(src, 0)
	}); allocs > 1 {
		t.Errorf("AppendRow: %v allocations a row; want 1", allocs)
	}
	for k := range batch {
		batch[k] = 'x'
	}
	if got := fmt.Sprintf("%v %v %v %v %v", kept.Value(1, 0), kept.Value(1, 1), kept.Value(1, 2), kept.Value(1, 3), kept.Value(1, 4) == ""); got != "ConsoleLogin alice 7 arn:aws:iam::1:user/alice true" {
		t.Errorf("kept row after the batch changed: %s", got)
	}
}
