package engine

import (
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// TestGate_Fold: case-insensitive comparisons (Sigma's) gate batches by
// their lower-cased dictionary values, never rejecting a batch a row of
// which matches in another case.
func TestGate_Fold(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := buildRecord(mem, parsers.CloudTrailSchema, ctSample()) // ConsoleLogin, DescribeInstances, ...
	defer b.Release()
	var v BatchValues
	for _, tc := range []struct {
		sql   string
		admit bool
		open  bool
	}{
		{"SELECT * FROM cloudtrail WHERE lower(eventname) = 'consolelogin'", true, false},
		{"SELECT * FROM cloudtrail WHERE lower(eventname) = 'stoplogging'", false, false},
		{"SELECT * FROM cloudtrail WHERE lower(eventname) IN ('stoplogging', 'describeinstances')", true, false},
		{"SELECT * FROM cloudtrail WHERE coalesce(lower(eventname) = 'stoplogging', false)", false, false},
		{"SELECT * FROM cloudtrail WHERE coalesce(lower(eventname) = 'consolelogin' AND lower(awsregion) = 'ap-south-1', false)", false, false},
		{"SELECT * FROM cloudtrail WHERE coalesce(lower(eventname) = 'stoplogging' OR lower(eventname) = 'consolelogin', false)", true, false},
		{"SELECT * FROM cloudtrail WHERE coalesce(lower(eventname) = 'stoplogging', false) OR errorcode = 'X'", true, true},
		{"SELECT * FROM cloudtrail WHERE NOT coalesce(lower(eventname) = 'consolelogin', false)", true, true},
		{"SELECT * FROM cloudtrail WHERE lower(eventname) <> 'consolelogin'", true, true},
		{"SELECT * FROM cloudtrail WHERE coalesce(lower(eventname) = 'stoplogging', true)", true, true},
	} {
		q, err := Compile(tc.sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		g := q.Gate("cloudtrail")
		v.Reset(b)
		if got := g.Admits(&v); got != tc.admit || g.IsOpen() != tc.open {
			t.Errorf("%s: admits %v (open %v); want %v (open %v)", tc.sql, got, g.IsOpen(), tc.admit, tc.open)
		}
	}
	// Exact facts stay exact: the folded ones never become Pruning.Equal
	// (Parquet statistics and the exact gate would drop other cases).
	q, err := Compile("SELECT * FROM cloudtrail WHERE lower(eventname) IN ('stoplogging', 'x') AND lower(eventsource) = 'iam.amazonaws.com'", Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := q.Pruning("cloudtrail")
	if len(p.Equal) != 0 || !slices.Equal(p.EqualFold["eventname"], []string{"stoplogging", "x"}) || !slices.Equal(p.EqualFold["eventsource"], []string{"iam.amazonaws.com"}) {
		t.Errorf("got Equal %v, EqualFold %v", p.Equal, p.EqualFold)
	}
}

func TestAdmitsFold(t *testing.T) {
	present := map[string]bool{"StopLogging": true, "DeleteTrail": true, "": false}
	for _, tc := range []struct {
		vals []string
		want bool
	}{
		{[]string{"stoplogging"}, true},
		{[]string{"x", "deletetrail"}, true},
		{[]string{"startlogging"}, false},
		{[]string{""}, false}, // the all-NULL marker is not a value
	} {
		if got := admitsFold(present, tc.vals); got != tc.want {
			t.Errorf("%v: got %v; want %v", tc.vals, got, tc.want)
		}
	}
}

// TestGateRows_Fold: row routing honours case-insensitive gates: the rows
// whose eventname lower-cases to one of the values (any case in the
// batch), narrowed by an exact gate on another column.
func TestGateRows_Fold(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	db := array.NewStringBuilder(mem)
	db.AppendValues([]string{"ConsoleLogin", "GetObject", "consolelogin", "StopLogging"}, nil)
	dict := db.NewArray()
	defer dict.Release()
	db.Release()
	ib := array.NewInt32Builder(mem)
	ib.AppendValues([]int32{0, 1, 2, 3, 0, 1, 2}, []bool{true, true, true, true, false, true, true})
	codes := ib.NewArray()
	defer codes.Release()
	ib.Release()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	col := array.NewDictionaryArray(dt, codes, dict)
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "eventname", Type: dt, Nullable: true}}, nil)
	b := array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len()))
	defer b.Release()
	var v BatchValues
	for _, tc := range []struct {
		sql  string
		rows []int32
		all  bool
	}{
		{"SELECT * FROM cloudtrail WHERE lower(eventname) = 'consolelogin'", []int32{0, 2, 6}, false},
		{"SELECT * FROM cloudtrail WHERE coalesce(lower(eventname) IN ('consolelogin', 'stoplogging'), false)", []int32{0, 2, 3, 6}, false},
		{"SELECT * FROM cloudtrail WHERE lower(eventname) = 'putobject'", []int32{}, false},
		{"SELECT * FROM cloudtrail WHERE lower(eventname) IN ('consolelogin', 'stoplogging', 'getobject')", []int32{0, 1, 2, 3, 5, 6}, false}, // not row 4: NULL
		{"SELECT * FROM cloudtrail WHERE lower(eventname) = 'consolelogin' AND eventname = 'ConsoleLogin'", []int32{0}, false},
	} {
		q, err := Compile(tc.sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		v.Reset(b)
		rows, all := q.Gate("cloudtrail").Rows(&v)
		if all != tc.all || !slices.Equal(rows, tc.rows) && !(len(rows) == 0 && len(tc.rows) == 0) {
			t.Errorf("%s: got %v (all %v); want %v (all %v)", tc.sql, rows, all, tc.rows, tc.all)
		}
	}
}
