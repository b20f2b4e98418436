package engine

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// TestGate: a query's equality facts admit only batches whose dictionary
// columns hold one of the values; anything it cannot tell is admitted.
func TestGate(t *testing.T) {
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
		{"SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin'", true, false},
		{"SELECT * FROM cloudtrail WHERE eventname = 'StopLogging'", false, false},
		{"SELECT * FROM cloudtrail WHERE eventname IN ('StopLogging', 'DeleteNetworkAcl')", true, false},
		{"SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND awsregion = 'ap-south-1'", false, false},
		{"SELECT * FROM cloudtrail WHERE eventname = 'StopLogging' OR errorcode = 'X'", true, true},
		{"SELECT * FROM cloudtrail WHERE useridentity.arn = 'nobody'", true, false}, // not a dictionary: cannot tell
		{"SELECT count(*) FROM cloudtrail", true, true},
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
}

// gateRowsSample is ctSample plus a row of another event source whose
// eventname is NULL.
func gateRowsSample() []map[string]any {
	rows := ctSample()
	r := ctRow("", "erin", "2024-03-02T11:00:00Z", "us-east-1", "111111111111", nil)
	r["eventname"] = nil
	r["eventsource"] = "iam.amazonaws.com"
	return append(rows, r)
}

// TestGateRows_Success: a gate hands out exactly the rows whose gated
// dictionary columns hold one of its values, ascending; all when it
// cannot tell or every row may match.
func TestGateRows_Success(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// 0 CreateNetworkAclEntry, 1-2 ConsoleLogin, 3 DeleteNetworkAcl,
	// 4-5 DescribeInstances (all ec2), 6 NULL eventname (iam).
	b := buildRecord(mem, parsers.CloudTrailSchema, gateRowsSample())
	defer b.Release()
	var v BatchValues
	for _, tc := range []struct {
		sql  string
		rows []int32
		all  bool
	}{
		{"SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin'", []int32{1, 2}, false},
		{"SELECT * FROM cloudtrail WHERE eventname = 'StopLogging'", nil, false},
		{"SELECT * FROM cloudtrail WHERE eventname IN ('DescribeInstances', 'CreateNetworkAclEntry', 'StopLogging')", []int32{0, 4, 5}, false},
		{"SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND awsregion = 'eu-west-1'", []int32{2}, false},
		{"SELECT * FROM cloudtrail WHERE eventsource = 'ec2.amazonaws.com'", []int32{0, 1, 2, 3, 4, 5}, false},
		{"SELECT * FROM cloudtrail WHERE eventsource = 'ec2.amazonaws.com' AND eventname IN ('ConsoleLogin', 'DescribeInstances')", []int32{1, 2, 4, 5}, false},
		{"SELECT * FROM cloudtrail WHERE eventsource IN ('ec2.amazonaws.com', 'iam.amazonaws.com')", nil, true},
		{"SELECT * FROM cloudtrail WHERE eventsource = 'iam.amazonaws.com' AND eventname = 'ConsoleLogin'", nil, false},
		{"SELECT * FROM cloudtrail WHERE eventname = 'StopLogging' OR errorcode = 'X'", nil, true},
		{"SELECT * FROM cloudtrail WHERE useridentity.arn = 'nobody'", nil, true}, // not a dictionary: cannot tell
		{"SELECT count(*) FROM cloudtrail", nil, true},
	} {
		q, err := Compile(tc.sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		v.Reset(b)
		rows, all := q.Gate("cloudtrail").Rows(&v)
		if all != tc.all || !slices.Equal(rows, tc.rows) {
			t.Errorf("%s: got rows %v (all %v); want %v (all %v)", tc.sql, rows, all, tc.rows, tc.all)
		}
	}
}

// TestGateRows_SharedIndex: narrowing by a second column works on a copy;
// the bucket a one-column gate shares is left as it was.
func TestGateRows_SharedIndex(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := buildRecord(mem, parsers.CloudTrailSchema, gateRowsSample())
	defer b.Release()
	gate := func(sql string) Gate {
		q, err := Compile(sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return q.Gate("cloudtrail")
	}
	one := gate("SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin'")
	two := gate("SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND awsregion = 'eu-west-1'")
	var v BatchValues
	v.Reset(b)
	first, _ := one.Rows(&v)
	first = slices.Clone(first)
	if rows, _ := two.Rows(&v); !slices.Equal(rows, []int32{2}) {
		t.Fatalf("two columns: got %v; want [2]", rows)
	}
	if again, _ := one.Rows(&v); !slices.Equal(again, first) {
		t.Errorf("one column after narrowing: got %v; want %v", again, first)
	}
}

// TestGateRows_Dictionary: repeated dictionary entries are one value, and
// NULL rows (whatever code they hold) are never candidates.
func TestGateRows_Dictionary(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	db := array.NewStringBuilder(mem)
	db.AppendValues([]string{"A", "B", "A", ""}, []bool{true, true, true, false})
	dict := db.NewArray()
	defer dict.Release()
	db.Release()
	ib := array.NewInt32Builder(mem)
	ib.AppendValues([]int32{0, 1, 2, 0, 3, 2}, []bool{true, true, true, false, true, true})
	codes := ib.NewArray()
	defer codes.Release()
	ib.Release()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	col := array.NewDictionaryArray(dt, codes, dict)
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "eventname", Type: dt, Nullable: true}}, nil)
	b := array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len()))
	defer b.Release()
	q, err := Compile("SELECT * FROM cloudtrail WHERE eventname = 'A'", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var v BatchValues
	v.Reset(b)
	if rows, all := q.Gate("cloudtrail").Rows(&v); all || !slices.Equal(rows, []int32{0, 2, 5}) {
		t.Errorf("got %v (all %v); want [0 2 5]", rows, all)
	}
	// Every row NULL over an empty dictionary, their codes out of it.
	eb := array.NewStringBuilder(mem)
	empty := eb.NewArray()
	defer empty.Release()
	eb.Release()
	nb := array.NewInt32Builder(mem)
	nb.AppendValues([]int32{0, 5, 0}, []bool{false, false, false})
	ncodes := nb.NewArray()
	defer ncodes.Release()
	nb.Release()
	ncol := array.NewDictionaryArray(dt, ncodes, empty)
	defer ncol.Release()
	nulls := array.NewRecordBatch(schema, []arrow.Array{ncol}, 3)
	defer nulls.Release()
	v.Reset(nulls)
	if rows, all := q.Gate("cloudtrail").Rows(&v); all || len(rows) != 0 {
		t.Errorf("all NULL: got %v (all %v); want none", rows, all)
	}
	// A slice of the batch: its validity bits start at an offset.
	sub := b.NewSlice(2, 6)
	defer sub.Release()
	v.Reset(sub)
	if rows, all := q.Gate("cloudtrail").Rows(&v); all || !slices.Equal(rows, []int32{0, 3}) {
		t.Errorf("slice: got %v (all %v); want [0 3]", rows, all)
	}
}

// gateDictType is the type of newGateDictColumn's columns.
var gateDictType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// newGateDictColumn is a dictionary column over dict with the codes and
// validity given (a NULL row keeps its code, which may be any number).
func newGateDictColumn(mem memory.Allocator, dict []string, codes []int32, valid []bool) arrow.Array {
	db := array.NewStringBuilder(mem)
	defer db.Release()
	db.AppendValues(dict, nil)
	d := db.NewArray()
	defer d.Release()
	ib := array.NewInt32Builder(mem)
	defer ib.Release()
	ib.AppendValues(codes, valid)
	c := ib.NewArray()
	defer c.Release()
	return array.NewDictionaryArray(gateDictType, c, d)
}

// TestGateRows_NullCodes: a NULL row is never a candidate whatever code
// it holds (here codes past the dictionary), in a column sliced at an
// offset that is not a byte boundary, and narrowing by a second column
// drops its NULL rows too.
func TestGateRows_NullCodes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dt := gateDictType
	column := func(dict []string, codes []int32, valid []bool) arrow.Array {
		return newGateDictColumn(mem, dict, codes, valid)
	}
	// 13 rows; the batch is rows 3..12 of the columns.
	valid := []bool{true, true, true, true, false, true, true, false, true, true, true, false, true}
	name := column([]string{"A", "B"}, []int32{0, 0, 0, 0, 99, 1, 0, -7, 0, 1, 0, 1 << 30, 0}, valid)
	defer name.Release()
	region := column([]string{"r1", "r2"}, []int32{0, 0, 0, 0, 0, 0, 1, 0, 5, 0, 0, 0, 0}, []bool{true, true, true, true, true, true, true, true, false, true, true, true, true})
	defer region.Release()
	nameS, regionS := array.NewSlice(name, 3, 13), array.NewSlice(region, 3, 13)
	defer nameS.Release()
	defer regionS.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "eventname", Type: dt, Nullable: true}, {Name: "awsregion", Type: dt, Nullable: true}}, nil)
	b := array.NewRecordBatch(schema, []arrow.Array{nameS, regionS}, int64(nameS.Len()))
	defer b.Release()
	for _, tc := range []struct {
		sql  string
		want []int32
	}{
		// Batch rows: eventname A null B A null A B A null A.
		{"SELECT * FROM cloudtrail WHERE eventname = 'A'", []int32{0, 3, 5, 7, 9}},
		{"SELECT * FROM cloudtrail WHERE eventname IN ('A', 'B')", []int32{0, 2, 3, 5, 6, 7, 9}},
		// awsregion: r1 r1 r1 r2 r1 null r1 r1 r1 r1.
		{"SELECT * FROM cloudtrail WHERE eventname = 'A' AND awsregion = 'r1'", []int32{0, 7, 9}},
	} {
		q, err := Compile(tc.sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var v BatchValues
		v.Reset(b)
		if rows, all := q.Gate("cloudtrail").Rows(&v); all || !slices.Equal(rows, tc.want) {
			t.Errorf("%s: got %v (all %v); want %v", tc.sql, rows, all, tc.want)
		}
	}
}

// TestGateRows_NullRowsAdmittedCodes: a NULL row is never a candidate
// even when its code is one the gate admits (codes in the dictionary, so
// only the validity bits tell), whether the column is narrowed by first
// or narrows, over batches of one to three 64-row words sliced at several
// offsets, and routed rows stay ascending. The row index reads NULL rows
// through a copy of the codes holding a code past the dictionary.
func TestGateRows_NullRowsAdmittedCodes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 200
	names, regions := []string{"A", "B"}, []string{"r1", "r2"}
	nameCodes, nameValid := make([]int32, n), make([]bool, n)
	regionCodes, regionValid := make([]int32, n), make([]bool, n)
	for i := range n {
		nameCodes[i], nameValid[i] = int32(i%3/2), i%7 != 3 // NULL rows hold A's code 0 or B's 1
		regionCodes[i], regionValid[i] = int32(i%5%2), i%4 != 1
	}
	name := newGateDictColumn(mem, names, nameCodes, nameValid)
	defer name.Release()
	region := newGateDictColumn(mem, regions, regionCodes, regionValid)
	defer region.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "eventname", Type: gateDictType, Nullable: true}, {Name: "awsregion", Type: gateDictType, Nullable: true}}, nil)
	for _, tc := range []struct {
		sql       string
		name, reg string // required values, "" for any (NULL included)
		nameIn    bool   // name may also be B
	}{
		{"SELECT * FROM cloudtrail WHERE eventname = 'A'", "A", "", false},
		{"SELECT * FROM cloudtrail WHERE eventname = 'B'", "B", "", false},
		{"SELECT * FROM cloudtrail WHERE eventname IN ('A', 'B')", "A", "", true},
		{"SELECT * FROM cloudtrail WHERE eventname = 'A' AND awsregion = 'r1'", "A", "r1", false},
		{"SELECT * FROM cloudtrail WHERE eventname IN ('A', 'B') AND awsregion = 'r2'", "A", "r2", true},
	} {
		q, err := Compile(tc.sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		g := q.Gate("cloudtrail")
		for _, off := range []int{0, 1, 63, 64, 70} {
			for _, end := range []int{off + 1, off + 64, off + 65, n} {
				if end > n {
					continue
				}
				nameS, regionS := array.NewSlice(name, int64(off), int64(end)), array.NewSlice(region, int64(off), int64(end))
				b := array.NewRecordBatch(schema, []arrow.Array{nameS, regionS}, int64(end-off))
				var want []int32
				for r := range end - off {
					i := r + off
					ok := nameValid[i] && (names[nameCodes[i]] == tc.name || tc.nameIn)
					if tc.reg != "" {
						ok = ok && regionValid[i] && regions[regionCodes[i]] == tc.reg
					}
					if ok {
						want = append(want, int32(r))
					}
				}
				var v BatchValues
				v.Reset(b)
				got, all := g.Rows(&v)
				if all {
					got = nil
					for r := range end - off {
						got = append(got, int32(r))
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s, rows %d..%d: got %v (all %v); want %v", tc.sql, off, end, got, all, want)
				}
				b.Release()
				nameS.Release()
				regionS.Release()
			}
		}
	}
}

// TestPushRows: a run pushed only some rows of a batch sees just those
// rows (count(*) counts them), and a hunt routed its gate's rows answers
// as if it had filtered the whole batch.
func TestPushRows(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := buildRecord(mem, parsers.CloudTrailSchema, gateRowsSample())
	defer b.Release()
	q, err := Compile("SELECT count(*), min(eventname), max(useridentity.username) FROM cloudtrail", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	if err := r.PushRows(0, b, []int32{1, 2}); err != nil {
		t.Fatal(err)
	}
	if err := r.PushRows(0, b, []int32{}); err != nil {
		t.Fatal(err)
	}
	res, err := r.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := resultText(res), "2|ConsoleLogin|carol\n"; got != want {
		t.Errorf("PushRows [1 2]: got %q; want %q", got, want)
	}
	for _, sql := range []string{
		"SELECT eventname, useridentity.username, sourceipaddress FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'",
		"SELECT eventname, count(*) FROM cloudtrail WHERE eventname IN ('DescribeInstances', 'DeleteNetworkAcl') GROUP BY 1",
		"SELECT r.arn FROM cloudtrail CROSS JOIN UNNEST(resources) AS t(r) WHERE eventname = 'DeleteNetworkAcl'",
		"SELECT eventname, row_number() OVER (PARTITION BY eventname ORDER BY eventtime) FROM cloudtrail WHERE eventsource = 'ec2.amazonaws.com' AND eventname <> 'ConsoleLogin'",
	} {
		want := resultText(runQuery(t, sql, 1, b))
		q, err := Compile(sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var v BatchValues
		v.Reset(b)
		rows, all := q.Gate("cloudtrail").Rows(&v)
		if all || len(rows) == 0 || len(rows) == int(b.NumRows()) {
			t.Fatalf("%s: gate rows %v (all %v); want a proper subset", sql, rows, all)
		}
		r := q.NewRun(1)
		if err := r.PushRows(0, b, rows); err != nil {
			t.Fatal(err)
		}
		res, err := r.Finish()
		if err != nil {
			t.Fatal(err)
		}
		if got := resultText(res); got != want {
			t.Errorf("%s: routed rows %v: got\n%swant\n%s", sql, rows, got, want)
		}
	}
}

// TestGateRows_Random: over random batches (NULLs included) and random
// gates on one to three dictionary columns, Rows hands out exactly the
// rows whose values every gated column admits.
func TestGateRows_Random(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(18, 1))
	domain := map[string][]string{
		"eventname":   {"A", "B", "C", "D", "E", "F"},
		"eventsource": {"ec2", "iam", "s3"},
		"awsregion":   {"r1", "r2", "r3"},
	}
	cols := []string{"eventname", "eventsource", "awsregion"}
	pick := func(vals []string) []string {
		var out []string
		for _, v := range vals {
			if rng.IntN(3) == 0 {
				out = append(out, v)
			}
		}
		if len(out) == 0 {
			out = append(out, vals[rng.IntN(len(vals))])
		}
		return out
	}
	var v BatchValues
	for range 40 {
		rows := make([]map[string]any, 1+rng.IntN(300))
		for i := range rows {
			r := map[string]any{}
			for _, c := range cols {
				if rng.IntN(8) > 0 {
					r[c] = domain[c][rng.IntN(len(domain[c]))]
				}
			}
			rows[i] = r
		}
		b := buildRecord(mem, parsers.CloudTrailSchema, rows)
		v.Reset(b)
		for range 20 {
			var conds []string
			want := map[string][]string{}
			for _, c := range cols {
				if rng.IntN(2) == 0 {
					continue
				}
				vals := pick(domain[c])
				want[c] = vals
				conds = append(conds, c+" IN ('"+strings.Join(vals, "', '")+"')")
			}
			if len(conds) == 0 {
				continue
			}
			sql := "SELECT count(*) FROM cloudtrail WHERE " + strings.Join(conds, " AND ")
			q, err := Compile(sql, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var expect []int32
			for i, r := range rows {
				ok := true
				for c, vals := range want {
					s, isStr := r[c].(string)
					ok = ok && isStr && slices.Contains(vals, s)
				}
				if ok {
					expect = append(expect, int32(i))
				}
			}
			got, all := q.Gate("cloudtrail").Rows(&v)
			if all {
				got = nil
				for i := range rows {
					got = append(got, int32(i))
				}
			}
			if !slices.Equal(got, expect) {
				t.Fatalf("%s over %d rows: got %v (all %v); want %v", sql, len(rows), got, all, expect)
			}
		}
		b.Release()
	}
}

// TestGate_Values: what a gate requires of one column, exact or
// lower-cased, as its Rows routes.
func TestGate_Values(t *testing.T) {
	for _, tc := range []struct {
		sql           string
		exact, folded []string
		ok            bool
	}{
		{"SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin'", []string{"ConsoleLogin"}, nil, true},
		{"SELECT * FROM cloudtrail WHERE eventname IN ('StopLogging', 'DeleteTrail') AND errorcode IS NULL", []string{"DeleteTrail", "StopLogging"}, nil, true},
		{"SELECT * FROM cloudtrail WHERE lower(eventname) = 'consolelogin'", nil, []string{"consolelogin"}, true},
		{"SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND lower(eventname) = 'consolelogin'", []string{"ConsoleLogin"}, nil, true},
		{"SELECT * FROM cloudtrail WHERE eventsource = 'signin.amazonaws.com'", nil, nil, false},
		{"SELECT * FROM cloudtrail WHERE eventname = 'StopLogging' OR errorcode = 'X'", nil, nil, false},
	} {
		q, err := Compile(tc.sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		exact, folded, ok := q.Gate("cloudtrail").Values("eventname")
		slices.Sort(exact)
		if !slices.Equal(exact, tc.exact) || !slices.Equal(folded, tc.folded) || ok != tc.ok {
			t.Errorf("%s: %q, %q, %v; want %q, %q, %v", tc.sql, exact, folded, ok, tc.exact, tc.folded, tc.ok)
		}
	}
}

// TestGateRows_NullBlocks: the rows routed are the valid rows holding an
// admitted value whatever the NULLs' layout in 64-row blocks (none, one
// at every position in turn, whole blocks NULL, all but one row NULL),
// for batches sliced at offsets on and off byte and word boundaries and
// ending before their arrays do, NULL rows holding codes outside the
// dictionary; the column narrowed by first and the one narrowing it
// alike.
func TestGateRows_NullBlocks(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dt := gateDictType
	const n = 200
	column := func(dict []string, isNull func(i int) bool, code func(i int) int32) arrow.Array {
		codes, valid := make([]int32, n), make([]bool, n)
		for i := range n {
			if valid[i] = !isNull(i); valid[i] {
				codes[i] = code(i)
			} else {
				codes[i] = int32(1<<30 - i) // a code past the dictionary
			}
		}
		return newGateDictColumn(mem, dict, codes, valid)
	}
	type layout struct {
		name   string
		isNull func(i int) bool
	}
	layouts := []layout{
		{"no NULL", func(int) bool { return false }},
		{"rows 64-127 NULL", func(i int) bool { return i >= 64 && i < 128 }},
		{"all but row 77 NULL", func(i int) bool { return i != 77 }},
		{"every third NULL", func(i int) bool { return i%3 == 0 }},
	}
	for p := range n {
		layouts = append(layouts, layout{"row " + itoa(int64(p)) + " NULL", func(i int) bool { return i == p }})
	}
	names := []string{"A", "B", "C", "A"} // a repeated entry: one value, two codes
	regions := []string{"r1", "r2"}
	region := column(regions, func(i int) bool { return i%11 == 5 }, func(i int) int32 { return int32(i % 2) })
	defer region.Release()
	sqls := []string{
		"SELECT * FROM cloudtrail WHERE eventname = 'A'",
		"SELECT * FROM cloudtrail WHERE eventname IN ('B', 'C')",
		"SELECT * FROM cloudtrail WHERE eventname = 'A' AND awsregion = 'r1'",
		"SELECT * FROM cloudtrail WHERE eventname IN ('A', 'B', 'C') AND awsregion = 'r2'",
	}
	gates := make([]Gate, len(sqls))
	for k, sql := range sqls {
		q, err := Compile(sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		gates[k] = q.Gate("cloudtrail")
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "eventname", Type: dt, Nullable: true}, {Name: "awsregion", Type: dt, Nullable: true}}, nil)
	var v BatchValues
	for _, l := range layouts {
		name := column(names, l.isNull, func(i int) int32 { return int32(i*7/3) % 4 })
		for _, off := range []int{0, 3, 64, 67} {
			end := int64(n - off%5) // rows past the batch's end lie in the bitmap
			nameS, regionS := array.NewSlice(name, int64(off), end), array.NewSlice(region, int64(off), end)
			m := int(end) - off
			b := array.NewRecordBatch(schema, []arrow.Array{nameS, regionS}, int64(m))
			v.Reset(b)
			value := func(a arrow.Array, dict []string, r int) (string, bool) {
				if a.IsNull(r) {
					return "", false
				}
				return dict[a.(*array.Dictionary).GetValueIndex(r)], true
			}
			for k, sql := range sqls {
				var want []int32
				for r := range m {
					nm, ok1 := value(nameS, names, r)
					rg, ok2 := value(regionS, regions, r)
					switch k {
					case 0:
						ok1 = ok1 && nm == "A"
					case 1:
						ok1 = ok1 && (nm == "B" || nm == "C")
					case 2:
						ok1 = ok1 && nm == "A" && ok2 && rg == "r1"
					case 3:
						ok1 = ok1 && ok2 && rg == "r2"
					}
					if ok1 {
						want = append(want, int32(r))
					}
				}
				got, all := gates[k].Rows(&v)
				if all {
					got = nil
					for r := range m {
						got = append(got, int32(r))
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s, offset %d: %s: got %v (all %v); want %v", l.name, off, sql, got, all, want)
				}
			}
			b.Release()
			nameS.Release()
			regionS.Release()
		}
		name.Release()
	}
}
