package engine

import (
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
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
