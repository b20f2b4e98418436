package engine

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// windowParseTests pair window, lambda and set-operation syntax with its
// canonical form ("" means the input is canonical).
var windowParseTests = []struct{ in, want string }{
	{"SELECT row_number() over (partition by a, b order by c desc) rn FROM t",
		"SELECT row_number() OVER (PARTITION BY a, b ORDER BY c DESC) AS rn FROM t"},
	{"SELECT rank() OVER (ORDER BY count(*) DESC), dense_rank() OVER () FROM t GROUP BY a", ""},
	{"SELECT lag(x, 2, 0) OVER (PARTITION BY a ORDER BY t), lead(x) OVER (ORDER BY t NULLS FIRST) FROM t", ""},
	{"SELECT sum(x) OVER (ORDER BY t ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) FROM t", ""},
	{"SELECT sum(x) OVER (ORDER BY t rows 2 preceding) FROM t",
		"SELECT sum(x) OVER (ORDER BY t ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t"},
	{"SELECT count(*) OVER (PARTITION BY ip ORDER BY eventtime RANGE BETWEEN interval '5' minute PRECEDING AND CURRENT ROW) FROM t",
		"SELECT count(*) OVER (PARTITION BY ip ORDER BY eventtime RANGE BETWEEN INTERVAL '5' MINUTE PRECEDING AND CURRENT ROW) FROM t"},
	{"SELECT first_value(x) OVER (ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t", ""},
	{"SELECT count(*) FILTER (WHERE a) OVER (PARTITION BY b) FROM t", ""},
	{"SELECT lag(x, 1) IGNORE NULLS OVER (ORDER BY t), last_value(x) IGNORE NULLS OVER (ORDER BY t) FROM t", ""},
	{"SELECT * FROM (SELECT a, row_number() OVER (PARTITION BY a ORDER BY b) AS rn FROM t) WHERE rn = 1", ""},
	{"SELECT transform(a, x -> x + 1), filter(a, x -> x IS NOT NULL), any_match(a, e -> e LIKE 'x%')", ""},
	{"SELECT transform(a, x->x * 2)", "SELECT transform(a, x -> x * 2)"},
	{"SELECT 1 INTERSECT SELECT 2", ""},
	{"SELECT 1 intersect distinct SELECT 2 EXCEPT SELECT 3", "SELECT 1 INTERSECT SELECT 2 EXCEPT SELECT 3"},
	{"SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 3", "SELECT 1 UNION ALL (SELECT 2 INTERSECT SELECT 3)"},
	{"(SELECT 1 UNION ALL SELECT 2) INTERSECT SELECT 3", ""},
	{"SELECT 1 EXCEPT SELECT 2 EXCEPT SELECT 3", ""},
	{"SELECT 1 UNION SELECT 2 union distinct SELECT 3 UNION ALL SELECT 4", "SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION ALL SELECT 4"},
}

func TestParseWindow_Success(t *testing.T) {
	for _, tt := range windowParseTests {
		want := tt.want
		if want == "" {
			want = tt.in
		}
		q, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		got := q.String()
		if got != want {
			t.Errorf("Parse(%q).String()\ngot  %q\nwant %q", tt.in, got, want)
			continue
		}
		q2, err := Parse(got)
		if err != nil {
			t.Errorf("re-parse of %q: %v", got, err)
			continue
		}
		if q2.String() != got {
			t.Errorf("round trip of %q gives %q", got, q2.String())
		}
	}
}

func TestParseWindow_Failure(t *testing.T) {
	for _, tt := range []struct{ in, msg string }{
		{"SELECT sum(x) OVER (ORDER BY t ROWS BETWEEN CURRENT ¶AND 1 FOLLOWING)", `expected ROW, found "AND"`},
		{"SELECT sum(x) OVER (ORDER BY t ROWS BETWEEN UNBOUNDED ¶ROW AND 1 FOLLOWING)", `expected PRECEDING or FOLLOWING after UNBOUNDED, found "ROW"`},
		{"SELECT sum(x) OVER (ORDER BY t ROWS 2 ¶AND)", `expected PRECEDING or FOLLOWING, found "AND"`},
		{"SELECT sum(x) OVER (ORDER BY t ¶GROUPS 1 PRECEDING)", `expected ROWS or RANGE (GROUPS frames are not supported), found "GROUPS"`},
		{"SELECT sum(x) OVER (PARTITION ¶a)", `expected BY, found "a"`},
		{"SELECT 1 INTERSECT ¶ALL SELECT 2", `expected SELECT after INTERSECT (INTERSECT ALL is not supported; INTERSECT is DISTINCT), found "ALL"`},
	} {
		off := strings.Index(tt.in, "¶")
		in := strings.Replace(tt.in, "¶", "", 1)
		_, err := ParseSource("x.sql", in)
		var pe *parsers.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q): got %v; want *parsers.ParseError", in, err)
			continue
		}
		if pe.Offset != int64(off) || pe.Err.Error() != tt.msg {
			t.Errorf("Parse(%q): got offset %d %q; want offset %d %q", in, pe.Offset, pe.Err.Error(), off, tt.msg)
		}
	}
}

// winData is a small table for hand-computed window results: partition p,
// order key k (NULL in one row), value x (NULL in one row).
const winData = `WITH t AS (
	SELECT 'a' AS p, 1 AS k, 10 AS x UNION ALL
	SELECT 'a', 2, 20 UNION ALL
	SELECT 'a', 2, 30 UNION ALL
	SELECT 'a', 4, NULL UNION ALL
	SELECT 'a', NULL, 50 UNION ALL
	SELECT 'b', 1, 5 UNION ALL
	SELECT 'b', 3, 7
) `

func TestWindow_Results(t *testing.T) {
	tests := []struct{ name, sql, want string }{
		{"row_number", "SELECT p, k, x, row_number() OVER (PARTITION BY p ORDER BY k, x) FROM t ORDER BY p, 4",
			"a|1|10|1\na|2|20|2\na|2|30|3\na|4|NULL|4\na|NULL|50|5\nb|1|5|1\nb|3|7|2\n"},
		{"rank peers and nulls last", "SELECT p, k, rank() OVER (PARTITION BY p ORDER BY k), dense_rank() OVER (PARTITION BY p ORDER BY k) FROM t ORDER BY p, k, 3",
			"a|1|1|1\na|2|2|2\na|2|2|2\na|4|4|3\na|NULL|5|4\nb|1|1|1\nb|3|2|2\n"},
		{"desc nulls last", "SELECT k, rank() OVER (ORDER BY k DESC) FROM t WHERE p = 'a' ORDER BY 2",
			"4|1\n2|2\n2|2\n1|4\nNULL|5\n"},
		{"nulls first", "SELECT k, row_number() OVER (ORDER BY k NULLS FIRST) FROM t WHERE p = 'a' AND x <> 30 ORDER BY 2",
			"NULL|1\n1|2\n2|3\n"},
		{"default frame peers share running sum", "SELECT p, k, sum(x) OVER (PARTITION BY p ORDER BY k) FROM t ORDER BY p, k",
			"a|1|10\na|2|60\na|2|60\na|4|60\na|NULL|110\nb|1|5\nb|3|12\n"},
		{"no order: whole partition", "SELECT p, count(*) OVER (PARTITION BY p), count(x) OVER (PARTITION BY p), avg(x) OVER (PARTITION BY p), min(x) OVER (PARTITION BY p), max(x) OVER (PARTITION BY p) FROM t WHERE k = 1",
			"a|1|1|10.0|10|10\nb|1|1|5.0|5|5\n"},
		{"whole partition aggregates", "SELECT DISTINCT p, count(*) OVER (PARTITION BY p), count(x) OVER (PARTITION BY p), sum(x) OVER (PARTITION BY p), min(x) OVER (PARTITION BY p), max(x) OVER (PARTITION BY p) FROM t ORDER BY p",
			"a|5|4|110|10|50\nb|2|2|12|5|7\n"},
		{"rows frame", "SELECT p, x, sum(x) OVER (PARTITION BY p ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY p, x",
			"a|10|30\na|20|60\na|30|100\na|50|80\na|NULL|50\nb|5|12\nb|7|12\n"},
		{"rows frame empty at edges", "SELECT x, sum(x) OVER (ORDER BY x ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING), count(*) OVER (ORDER BY x ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM t WHERE p = 'b' ORDER BY x",
			"5|NULL|1\n7|5|0\n"},
		{"lag lead with offset and default", "SELECT x, lag(x) OVER (ORDER BY x), lead(x, 2, -1) OVER (ORDER BY x), lag(x, 0) OVER (ORDER BY x) FROM t WHERE p = 'a' AND x IS NOT NULL ORDER BY x",
			"10|NULL|30|10\n20|10|50|20\n30|20|-1|30\n50|30|-1|50\n"},
		{"first and last value", "SELECT k, x, first_value(x) OVER (ORDER BY k, x), last_value(x) OVER (ORDER BY k), last_value(x) OVER (ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t WHERE p = 'a' ORDER BY k, x",
			"1|10|10|10|50\n2|20|10|30|50\n2|30|10|30|50\n4|NULL|10|NULL|50\nNULL|50|10|50|50\n"},
		{"range offset over numbers", "SELECT k, count(*) OVER (ORDER BY k RANGE BETWEEN 1 PRECEDING AND CURRENT ROW), sum(x) OVER (ORDER BY k RANGE BETWEEN CURRENT ROW AND 2 FOLLOWING) FROM t WHERE p = 'a' ORDER BY k, 3",
			"1|1|60\n2|3|50\n2|3|50\n4|1|NULL\nNULL|1|50\n"},
		{"range offset desc", "SELECT k, count(*) OVER (ORDER BY k DESC RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t WHERE p = 'a' ORDER BY k",
			"1|3\n2|2\n2|2\n4|1\nNULL|1\n"},
		{"ntile percent_rank cume_dist", "SELECT x, ntile(2) OVER (ORDER BY x), percent_rank() OVER (ORDER BY x), cume_dist() OVER (ORDER BY x) FROM t WHERE p = 'a' AND x IS NOT NULL ORDER BY x",
			"10|1|0.0|0.25\n20|1|0.3333333333333333|0.5\n30|2|0.6666666666666666|0.75\n50|2|1.0|1.0\n"},
		{"nth_value", "SELECT x, nth_value(x, 2) OVER (ORDER BY x) FROM t WHERE p = 'b' ORDER BY x", "5|NULL\n7|7\n"},
		{"filter", "SELECT DISTINCT p, count(*) FILTER (WHERE x > 15) OVER (PARTITION BY p) FROM t ORDER BY p", "a|3\nb|0\n"},
		{"over group by", "SELECT p, count(*) AS n, rank() OVER (ORDER BY count(*) DESC) FROM t GROUP BY p ORDER BY 3", "a|5|1\nb|2|2\n"},
		{"sum over aggregates", "SELECT p, sum(count(*)) OVER () FROM t GROUP BY p ORDER BY p", "a|7\nb|7\n"},
		{"top per partition from a subquery", "SELECT p, x FROM (SELECT p, x, row_number() OVER (PARTITION BY p ORDER BY x DESC) AS rn FROM t) WHERE rn = 1 ORDER BY p",
			"a|50\nb|7\n"}, // DESC puts NULLs last too
		{"window in an expression and ORDER BY", "SELECT x, 100 * x / sum(x) OVER () FROM t WHERE p = 'b' ORDER BY row_number() OVER (ORDER BY x DESC)", "7|58\n5|41\n"},
		{"count_if and boolean aggregates", "SELECT DISTINCT p, count_if(x > 15) OVER (PARTITION BY p), bool_or(x > 40) OVER (PARTITION BY p), bool_and(x > 6) OVER (PARTITION BY p), every(k IS NULL) OVER (PARTITION BY p) FROM t ORDER BY p",
			"a|3|true|true|false\nb|0|false|false|false\n"},
		{"running count_if and framed bool_or", "SELECT x, count_if(x > 15) OVER (ORDER BY x), bool_or(x >= 20) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t WHERE p = 'a' AND x IS NOT NULL ORDER BY x",
			"10|0|false\n20|1|true\n30|2|true\n50|3|true\n"},
		{"boolean aggregates of NULL", "SELECT DISTINCT bool_or(NULL) OVER (), count_if(NULL) OVER (), bool_and(x > 0) FILTER (WHERE x > 100) OVER () FROM t", "NULL|0|NULL\n"},
		{"empty input", "SELECT row_number() OVER () FROM t WHERE p = 'z'", ""},
		{"limit after window", "SELECT x, row_number() OVER (ORDER BY x) FROM t WHERE p = 'a' ORDER BY 2 LIMIT 2", "10|1\n20|2\n"},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2} {
			if got := resultText(runQuery(t, winData+tt.sql, workers)); got != tt.want {
				t.Errorf("%s (workers=%d): %s\ngot:\n%s\nwant:\n%s", tt.name, workers, tt.sql, got, tt.want)
			}
		}
	}
}

// readCloudTrail reads a CloudTrail JSON file of testdata into batches.
func readCloudTrail(t *testing.T, mem memory.Allocator, path string) []arrow.RecordBatch {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := parsers.NewCloudTrailReader(f, path, parsers.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var recs []arrow.RecordBatch
	for r.Next() {
		b := r.Batch()
		b.Retain()
		recs = append(recs, b)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestWindow_ConsoleLoginBurst finds source addresses with 3 failed
// console sign-ins within 5 minutes of each other, with a RANGE interval
// frame, over the console_login_failures hunt fixtures: the positive one
// has 6 failures 7 s apart; the negative one has 3 failures within 20 s
// from 198.51.100.5 (a burst at this threshold) and failures 10 minutes
// apart from 198.51.100.6 (never 3 within 5 minutes).
func TestWindow_ConsoleLoginBurst(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []arrow.RecordBatch
	for _, name := range []string{"positive", "negative"} {
		recs = append(recs, readCloudTrail(t, mem, "../testdata/hunts/console_login_failures/"+name+".json")...)
	}
	defer releaseAll(recs)
	const sql = `SELECT sourceipaddress, max(n) AS failures, min(first_seen) AS first_seen
FROM (
  SELECT sourceipaddress,
         count(*) OVER w5 AS n,
         first_value(eventtime) OVER w5 AS first_seen
  FROM cloudtrail
  WHERE eventname = 'ConsoleLogin' AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure'
)
WHERE n >= 3
GROUP BY sourceipaddress
ORDER BY sourceipaddress`
	w5 := "(PARTITION BY sourceipaddress ORDER BY from_iso8601_timestamp(eventtime) RANGE BETWEEN INTERVAL '5' MINUTE PRECEDING AND CURRENT ROW)"
	q := strings.ReplaceAll(sql, "OVER w5", "OVER "+w5)
	want := "192.0.2.99|6|2024-03-05T12:10:00Z\n198.51.100.5|3|2024-03-05T12:10:00Z\n"
	for _, workers := range []int{1, 2} {
		if got := resultText(runQuery(t, q, workers, recs...)); got != want {
			t.Errorf("workers=%d\ngot:\n%s\nwant:\n%s", workers, got, want)
		}
	}
}

// TestWindow_IntervalBoundaries checks that RANGE interval frames include
// rows exactly at the offset and exclude rows a second past it, and that
// a NULL time has its NULL peers as frame.
func TestWindow_IntervalBoundaries(t *testing.T) {
	const data = `WITH t AS (
	SELECT TIMESTAMP '2024-03-05 12:00:00' AS ts UNION ALL
	SELECT TIMESTAMP '2024-03-05 12:05:00' UNION ALL
	SELECT TIMESTAMP '2024-03-05 12:10:01' UNION ALL
	SELECT TIMESTAMP '2024-03-05 12:15:01' UNION ALL
	SELECT CAST(NULL AS timestamp) UNION ALL
	SELECT CAST(NULL AS timestamp)
) `
	tests := []struct{ sql, want string }{
		{"SELECT ts, count(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '5' MINUTE PRECEDING AND CURRENT ROW) FROM t ORDER BY ts",
			"2024-03-05 12:00:00.000|1\n2024-03-05 12:05:00.000|2\n2024-03-05 12:10:01.000|1\n2024-03-05 12:15:01.000|2\nNULL|2\nNULL|2\n"},
		{"SELECT ts, count(*) OVER (ORDER BY ts RANGE BETWEEN CURRENT ROW AND INTERVAL '300' SECOND FOLLOWING) FROM t ORDER BY ts",
			"2024-03-05 12:00:00.000|2\n2024-03-05 12:05:00.000|1\n2024-03-05 12:10:01.000|2\n2024-03-05 12:15:01.000|1\nNULL|2\nNULL|2\n"},
		{"SELECT ts, count(*) OVER (ORDER BY ts DESC RANGE BETWEEN INTERVAL '5' MINUTE PRECEDING AND CURRENT ROW) FROM t ORDER BY ts",
			"2024-03-05 12:00:00.000|2\n2024-03-05 12:05:00.000|1\n2024-03-05 12:10:01.000|2\n2024-03-05 12:15:01.000|1\nNULL|2\nNULL|2\n"},
		{"SELECT ts, count(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '5' MINUTE PRECEDING AND UNBOUNDED FOLLOWING) FROM t ORDER BY ts",
			"2024-03-05 12:00:00.000|6\n2024-03-05 12:05:00.000|6\n2024-03-05 12:10:01.000|4\n2024-03-05 12:15:01.000|4\nNULL|2\nNULL|2\n"},
	}
	for _, tt := range tests {
		if got := resultText(runQuery(t, data+tt.sql, 2)); got != tt.want {
			t.Errorf("%s\ngot:\n%s\nwant:\n%s", tt.sql, got, tt.want)
		}
	}
}

func TestWindow_Failure(t *testing.T) {
	for _, tt := range []struct{ sql, msg string }{
		{"SELECT eventname FROM cloudtrail WHERE ¶row_number() OVER () = 1", "expected window functions only in the select list or ORDER BY"},
		{"SELECT ¶median(x) OVER () FROM cloudtrail", `expected a window function (row_number, rank`},
		{"SELECT ¶stddev(bytes) OVER () FROM vpc_flow", "window aggregate stddev is not supported by the local engine"},
		{"SELECT ¶row_number(1) OVER () FROM cloudtrail", "expected 0 arguments to row_number, found 1"},
		{"SELECT lag(eventname, ¶-1) OVER () FROM cloudtrail", `expected the offset of lag, a constant integer of at least 0, found "-1"`},
		{"SELECT ntile(¶0) OVER () FROM cloudtrail", "expected the number of buckets of ntile, a constant integer of at least 1"},
		{"SELECT sum(bytes) OVER (ORDER BY start ROWS BETWEEN ¶bytes PRECEDING AND CURRENT ROW) FROM vpc_flow", "expected a ROWS frame offset"},
		{"SELECT sum(bytes) OVER (ORDER BY start, bytes RANGE BETWEEN ¶1 PRECEDING AND CURRENT ROW) FROM vpc_flow", "expected exactly one ORDER BY key for a RANGE frame with an offset, found 2"},
		{"SELECT count(*) OVER (ORDER BY from_iso8601_timestamp(eventtime) RANGE BETWEEN ¶5 PRECEDING AND CURRENT ROW) FROM cloudtrail", "expected a non-negative day-to-second INTERVAL as RANGE offset over ORDER BY timestamp"},
		{"SELECT count(*) OVER (ORDER BY eventtime RANGE BETWEEN ¶INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW) FROM cloudtrail", "expected a non-negative number as RANGE offset over ORDER BY varchar"},
		{"SELECT count(*) OVER (ORDER BY start ¶ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM vpc_flow", "expected a frame end at or after its start"},
		{"SELECT count(*) OVER (ORDER BY start ¶ROWS BETWEEN UNBOUNDED FOLLOWING AND UNBOUNDED FOLLOWING) FROM vpc_flow", "expected a frame start other than UNBOUNDED FOLLOWING"},
		{"SELECT sum(¶eventname) OVER () FROM cloudtrail", "expected a numeric argument to sum, found varchar"},
		{"SELECT count_if(¶eventname) OVER () FROM cloudtrail", "expected a boolean argument to count_if, found varchar"},
		{"SELECT bool_or(¶eventname) OVER () FROM cloudtrail", "expected a boolean argument to bool_or, found varchar"},
		{"SELECT count(*) OVER (PARTITION BY ¶resources) FROM cloudtrail", "expected a PARTITION BY key of a scalar type"},
		{"SELECT sum(¶row_number() OVER ()) OVER () FROM cloudtrail", "expected window functions only in the select list or ORDER BY"},
		{"SELECT count(x ORDER BY ¶y) OVER () FROM cloudtrail", "expected the window's ORDER BY inside OVER (...), found ORDER BY inside count(...)"},
		{"SELECT ¶lower(eventname ORDER BY eventtime) FROM cloudtrail", "expected plain arguments to lower, found DISTINCT, *, ORDER BY or FILTER"},
	} {
		off := strings.Index(tt.sql, "¶")
		sql := strings.Replace(tt.sql, "¶", "", 1)
		_, err := Compile(sql, Options{Source: "x.sql"})
		var pe *parsers.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Compile(%q): got %v; want a positioned error", sql, err)
			continue
		}
		if pe.Offset != int64(off) && !(tt.msg == "" && pe.Offset > int64(off)) || !strings.Contains(pe.Err.Error(), tt.msg) {
			t.Errorf("Compile(%q): got offset %d %q; want offset %d containing %q", sql, pe.Offset, pe.Err.Error(), off, tt.msg)
		}
	}
}

// TestWindow_Memory: a window over more rows than the memory budget is an
// error naming the limit and the flag; without a limit it runs.
func TestWindow_Memory(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := ctRecords(mem, 2)
	defer releaseAll(recs)
	const sql = "SELECT eventname, row_number() OVER (ORDER BY eventtime) FROM cloudtrail"
	pool := NewMemoryPool(100) // shared with other queries, as in hunt run
	q, err := Compile(sql, Options{MemoryPool: pool})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	for _, rec := range recs {
		if err = r.Push(0, rec); err != nil {
			break
		}
	}
	if err == nil {
		_, err = r.Finish()
	}
	if err == nil || !strings.Contains(err.Error(), "--aggregate-memory") || !strings.Contains(err.Error(), "100 bytes") {
		t.Errorf("got %v; want an error naming --aggregate-memory and its 100 bytes", err)
	}
	if used := pool.used.Load(); used != 0 {
		t.Errorf("the failed window left %d bytes counted in the shared pool", used)
	}
	if got := runWith(t, sql, Options{AggregateMemory: -1}, 2, recs); strings.Count(got, "\n") != len(ctSample()) {
		t.Errorf("without a limit: got %q", got)
	}
}

// TestAthenaSQL_NewSyntax checks that windows, lambdas and INTERSECT/EXCEPT
// print as Athena (Trino) reads them, with partition predicates added to
// each SELECT over a table.
func TestAthenaSQL_NewSyntax(t *testing.T) {
	tables := DefaultAthenaTables("hunt")
	for _, tt := range []struct{ sql, want string }{
		{`SELECT * FROM (SELECT sourceipaddress, count(*) OVER (PARTITION BY sourceipaddress ORDER BY from_iso8601_timestamp(eventtime) RANGE BETWEEN interval '5' minute PRECEDING AND CURRENT ROW) AS n FROM cloudtrail WHERE awsregion = 'us-east-1') WHERE n >= 3`,
			`SELECT * FROM (SELECT sourceipaddress, count(*) OVER (PARTITION BY sourceipaddress ORDER BY from_iso8601_timestamp(eventtime) RANGE BETWEEN INTERVAL '5' MINUTE PRECEDING AND CURRENT ROW) AS n FROM hunt.cloudtrail_logs AS cloudtrail WHERE awsregion = 'us-east-1' AND cloudtrail.region = 'us-east-1') WHERE n >= 3`},
		{`SELECT eventname, row_number() OVER (PARTITION BY awsregion ORDER BY eventtime DESC NULLS FIRST) rn, lag(eventtime, 2, '') OVER (ORDER BY eventtime ROWS 3 PRECEDING) FROM cloudtrail`,
			`SELECT eventname, row_number() OVER (PARTITION BY awsregion ORDER BY eventtime DESC NULLS FIRST) AS rn, lag(eventtime, 2, '') OVER (ORDER BY eventtime ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) FROM hunt.cloudtrail_logs AS cloudtrail`},
		{`SELECT eventname FROM cloudtrail WHERE any_match(resources, r -> r.arn LIKE 'arn:aws:s3:::%') AND awsregion = 'eu-west-1'`,
			`SELECT eventname FROM hunt.cloudtrail_logs AS cloudtrail WHERE any_match(resources, r -> r.arn LIKE 'arn:aws:s3:::%') AND awsregion = 'eu-west-1' AND cloudtrail.region = 'eu-west-1'`},
		{`SELECT sourceipaddress FROM cloudtrail WHERE awsregion = 'eu-west-1' INTERSECT SELECT srcaddr FROM vpc_flow EXCEPT SELECT '10.0.0.1'`,
			`SELECT sourceipaddress FROM hunt.cloudtrail_logs AS cloudtrail WHERE awsregion = 'eu-west-1' AND cloudtrail.region = 'eu-west-1' INTERSECT SELECT srcaddr FROM hunt.vpc_flow_logs AS vpc_flow EXCEPT SELECT '10.0.0.1'`},
	} {
		got, err := AthenaSQL(tt.sql, Options{Now: athenaNow}, tables, Pruning{})
		if err != nil {
			t.Errorf("AthenaSQL(%q): %v", tt.sql, err)
			continue
		}
		if got != tt.want {
			t.Errorf("AthenaSQL(%q)\ngot  %s\nwant %s", tt.sql, got, tt.want)
		}
	}
}

// windowFuzzSeeds seed FuzzCompileRun with windows, lambdas and set
// operations over the samples.
var windowFuzzSeeds = []string{
	"SELECT eventname, row_number() OVER (PARTITION BY awsregion ORDER BY eventtime) FROM cloudtrail",
	"SELECT count(*) OVER (PARTITION BY sourceipaddress ORDER BY from_iso8601_timestamp(eventtime) RANGE BETWEEN INTERVAL '5' MINUTE PRECEDING AND CURRENT ROW) FROM cloudtrail",
	"SELECT srcaddr, sum(bytes) OVER (ORDER BY start ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING), lag(bytes, 1, 0) OVER (ORDER BY start) FROM vpc_flow",
	"SELECT * FROM (SELECT srcaddr, rank() OVER (ORDER BY count(*) DESC) AS r FROM vpc_flow GROUP BY srcaddr) WHERE r <= 3",
	"SELECT transform(resources, r -> r.arn), any_match(resources, r -> r.type LIKE '%VPC') FROM cloudtrail",
	"SELECT srcaddr FROM vpc_flow INTERSECT SELECT sourceipaddress FROM cloudtrail EXCEPT SELECT '10.0.0.1'",
}

// TestWindow_HugeOffsets: offsets past the int64 range of the keys or the
// partition size saturate instead of wrapping around.
func TestWindow_HugeOffsets(t *testing.T) {
	sql := winData + "SELECT k, count(*) OVER (ORDER BY k ROWS BETWEEN 9223372036854775807 PRECEDING AND 9223372036854775807 FOLLOWING), count(*) OVER (ORDER BY k RANGE BETWEEN 9223372036854775807 PRECEDING AND 9223372036854775807 FOLLOWING) FROM t WHERE p = 'b' ORDER BY k"
	if got, want := resultText(runQuery(t, sql, 1)), "1|2|2\n3|2|2\n"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestWindow_Explain(t *testing.T) {
	q, err := Compile("SELECT eventname, rank() OVER (ORDER BY eventtime) AS r FROM cloudtrail ORDER BY r LIMIT 3", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "scan cloudtrail [eventname, eventtime]\n  -> window rank() OVER (ORDER BY eventtime) (buffers all rows)\n  -> project eventname, r\n  -> top 3 by r"
	if got := q.Explain(); !strings.Contains(got, want) {
		t.Errorf("Explain:\n%s\nwant it to contain\n%s", got, want)
	}
	q, err = Compile("SELECT eventname FROM cloudtrail INTERSECT SELECT 'x'", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want = "scan cloudtrail [eventname]\n  -> project eventname\n  -> left of INTERSECT\n  -> INTERSECT (distinct rows, buffers both operands)\n  -> output"
	if got := q.Explain(); !strings.Contains(got, want) {
		t.Errorf("Explain:\n%s\nwant it to contain\n%s", got, want)
	}
}

func TestWindow_IgnoreNulls(t *testing.T) {
	const data = `WITH t AS (SELECT 1 AS i, 1 AS v UNION ALL SELECT 2, NULL UNION ALL SELECT 3, NULL UNION ALL SELECT 4, 4 UNION ALL SELECT 5, NULL) `
	tests := []struct{ sql, want string }{
		{"SELECT i, lag(v) IGNORE NULLS OVER (ORDER BY i), lead(v) IGNORE NULLS OVER (ORDER BY i), lag(v, 2, 0) IGNORE NULLS OVER (ORDER BY i), lag(v) RESPECT NULLS OVER (ORDER BY i) FROM t ORDER BY i",
			"1|NULL|4|0|NULL\n2|1|4|0|1\n3|1|4|0|NULL\n4|1|NULL|0|NULL\n5|4|NULL|1|4\n"},
		{"SELECT i, first_value(v) IGNORE NULLS OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), last_value(v) IGNORE NULLS OVER (ORDER BY i), nth_value(v, 2) IGNORE NULLS OVER (ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), nth_value(v, 9223372036854775807) OVER () FROM t ORDER BY i",
			"1|1|1|4|NULL\n2|1|1|4|NULL\n3|4|1|4|NULL\n4|4|4|4|NULL\n5|4|4|4|NULL\n"},
	}
	for _, tt := range tests {
		if got := resultText(runQuery(t, data+tt.sql, 2)); got != tt.want {
			t.Errorf("%s\ngot:\n%s\nwant:\n%s", tt.sql, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"SELECT lag(x) ignore nulls over (ORDER BY t)", "SELECT lag(x) IGNORE NULLS OVER (ORDER BY t)"},
		{"SELECT lag(x) respect nulls over (ORDER BY t)", "SELECT lag(x) OVER (ORDER BY t)"},
	} {
		q, err := Parse(tt.in)
		if err != nil || q.String() != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %q", tt.in, q, err, tt.want)
		}
	}
	if _, err := Parse("SELECT lag(x) IGNORE NULLS FROM t"); err == nil || !strings.Contains(err.Error(), `expected OVER (...) after IGNORE NULLS, found "FROM"`) {
		t.Errorf("IGNORE NULLS without OVER: %v", err)
	}
	if _, err := Compile("SELECT rank() IGNORE NULLS OVER () FROM cloudtrail", Options{}); err == nil || !strings.Contains(err.Error(), "expected IGNORE NULLS only on lag") {
		t.Errorf("rank() IGNORE NULLS: %v", err)
	}
}

// TestWindow_NoFrom: a window over SELECT without FROM (one row, no
// columns) works.
func TestWindow_NoFrom(t *testing.T) {
	if got, want := resultText(runQuery(t, "SELECT row_number() OVER (), count(*) OVER (), 1", 1)), "1|1|1\n"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

// TestWindow_Sessions numbers sessions (a gap of more than 5 minutes
// starts a new one) with lag and a running sum, the usual
// sessionisation query.
func TestWindow_Sessions(t *testing.T) {
	const sql = `WITH t AS (
	SELECT 'u' AS usr, TIMESTAMP '2024-03-05 12:00:00' AS ts UNION ALL
	SELECT 'u', TIMESTAMP '2024-03-05 12:04:00' UNION ALL
	SELECT 'u', TIMESTAMP '2024-03-05 12:09:00' UNION ALL
	SELECT 'u', TIMESTAMP '2024-03-05 12:15:00' UNION ALL
	SELECT 'v', TIMESTAMP '2024-03-05 12:00:00'
), g AS (
	SELECT usr, ts, CASE WHEN ts - lag(ts) OVER (PARTITION BY usr ORDER BY ts) <= INTERVAL '5' MINUTE THEN 0 ELSE 1 END AS starts,
	       date_diff('second', lag(ts) OVER (PARTITION BY usr ORDER BY ts), ts) AS gap
	FROM t
)
SELECT usr, ts, gap, sum(starts) OVER (PARTITION BY usr ORDER BY ts ROWS UNBOUNDED PRECEDING) AS session FROM g ORDER BY usr, ts`
	want := "u|2024-03-05 12:00:00.000|NULL|1\nu|2024-03-05 12:04:00.000|240|1\nu|2024-03-05 12:09:00.000|300|1\nu|2024-03-05 12:15:00.000|360|2\nv|2024-03-05 12:00:00.000|NULL|1\n"
	if got := resultText(runQuery(t, sql, 2)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestWindow_SumOverflow: a bigint sum out of range is an error naming the
// call, as for GROUP BY sums; a sliding frame whose sums fit does not
// overflow on the way.
func TestWindow_SumOverflow(t *testing.T) {
	const data = `WITH t AS (SELECT 1 AS i, 9223372036854775807 AS v UNION ALL SELECT 2, 9223372036854775807 UNION ALL SELECT 3, 1) `
	q, err := Compile(data+"SELECT sum(v) OVER () FROM t", Options{Source: "x.sql"})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	if _, err := r.Finish(); err == nil || !strings.Contains(err.Error(), "x.sql:1:") || !strings.Contains(err.Error(), "bigint addition overflow: 9223372036854775807 + 9223372036854775807") {
		t.Errorf("got %v; want a positioned bigint overflow", err)
	}
	const slide = `WITH t AS (SELECT 1 AS i, 9223372036854775807 AS v UNION ALL SELECT 2, 0 UNION ALL SELECT 3, 9223372036854775807) `
	if got, want := resultText(runQuery(t, slide+"SELECT i, sum(v) OVER (ORDER BY i ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM t ORDER BY i", 1)), "1|9223372036854775807\n2|9223372036854775807\n3|9223372036854775807\n"; got != want {
		t.Errorf("sliding frame: got %q; want %q", got, want)
	}
}
