package engine

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

func TestGrouper(t *testing.T) {
	var a arena
	g := newGrouper([]*dtype{tString, tInt})
	s := a.vec(tString, 5)
	copy(s.strs(), []string{"a", "b", "a", "a", "b"})
	s.nulls()[4] = true
	n := a.vec(tInt, 5)
	copy(n.ints(), []int64{1, 1, 1, 2, 1})
	ids := g.groupIDs(&a, []*vec{s, n}, 5)
	want := []int32{0, 1, 0, 2, 3}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("group IDs %v; want %v", ids, want)
		}
	}
	if g.ngroups != 4 {
		t.Errorf("ngroups %d", g.ngroups)
	}
	keys := g.groupVecs(&a)
	if keys[0].s[3] != "" || !keys[0].isNull(3) || keys[1].i[2] != 2 {
		t.Errorf("group keys %q %v %v", keys[0].s, keys[0].null, keys[1].i)
	}
}

// TestGrouper_StringValues: a grouper copies the string key values it
// keeps (the rows' bytes are reused: spill blocks, batches) into blocks
// of its own, allocating nothing per value at thousands of new values a
// batch (one allocation each was most of adding a flow-log source); a
// run of one value and the same value again later get one ID.
func TestGrouper_StringValues(t *testing.T) {
	const n = 4096
	buf := make([]byte, 0, 16*n)
	strs := make([]string, n)
	var last []int // per row: the index in buf of its last byte
	for i := range strs {
		start := len(buf)
		buf = strconv.AppendInt(buf, int64(i/2), 10) // runs of two
		buf = append(buf, ".0.0.1"...)
		strs[i] = bytesString(buf[start:])
		last = append(last, len(buf)-1)
	}
	strs[n-1] = strs[0] // a value seen before, not in a run
	var a arena
	g := newGrouper([]*dtype{tString})
	v := &vec{t: tString, n: n, s: strs}
	allocs := testing.AllocsPerRun(1, func() {
		if g.ngroups == 0 {
			g.groupIDs(&a, []*vec{v}, n) // AllocsPerRun's warm-up
			return
		}
		// The measured run: as many new values again.
		for _, i := range last {
			buf[i] = '2' // 10.0.0.1 -> 10.0.0.2, all new
		}
		g.groupIDs(&a, []*vec{v}, n)
	})
	if allocs > n/64 {
		t.Errorf("%.0f allocations adding %d values; want none per value", allocs, n/2)
	}
	for i := range buf {
		buf[i] = 'X' // the rows' bytes are reused
	}
	keys := g.vals[0].s
	if len(keys) != n || keys[0] != "0.0.0.1" || keys[1] != "1.0.0.1" || keys[n/2] != "0.0.0.2" || keys[n-1] != "2047.0.0.2" {
		t.Errorf("got %d values %q %q %q; want %d, 0.0.0.1 1.0.0.1 0.0.0.2", len(keys), keys[0], keys[1], keys[n/2], n)
	}
	ids := g.groupIDs(&a, []*vec{{t: tString, n: 3, s: []string{"0.0.0.1", "0.0.0.1", "2047.0.0.2"}}}, 3)
	if ids[0] != 0 || ids[1] != 0 || ids[2] != int32(n-1) {
		t.Errorf("got IDs %v; want 0 0 %d", ids, n-1)
	}
}

func TestAggregateMerge(t *testing.T) {
	// Many groups over many batches and workers must give the same answer.
	exprTests(t, [][2]string{
		{"count(*), count(DISTINCT x), sum(x), avg(x), min(x), max(x) FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 2 UNION ALL SELECT NULL)", "4|2|5|1.6666666666666667|1|2"},
		{"min_by(n, v), max_by(n, v) FROM (SELECT 'a' AS n, 2 AS v UNION ALL SELECT 'b', 1 UNION ALL SELECT 'c', 3)", "b|c"},
		{"count(*) FROM (SELECT 1.5 AS x UNION ALL SELECT 1.5 UNION ALL SELECT -0.0 UNION ALL SELECT 0.0) GROUP BY x", "2\n2"},
		{"b, count(*) FROM (SELECT TRUE AS b UNION ALL SELECT FALSE UNION ALL SELECT TRUE) GROUP BY b ORDER BY b", "false|1\ntrue|2"},
		{"count_if(x > 1), sum(x) FROM (SELECT 1.5 AS x UNION ALL SELECT 0.5)", "1|2.0"},
		{"count(*) FILTER (WHERE x > 1), sum(x) FILTER (WHERE x < 1), count(*), max_by(n, x) FILTER (WHERE x < 1) FROM (SELECT 1.5 AS x, 'a' AS n UNION ALL SELECT 0.5, 'b' UNION ALL SELECT 0.25, 'c')", "1|0.75|3|b"},
	})
}

// TestGroupByDictFiltered: grouping by one dictionary column after a WHERE
// that drops every row of some entries must not make groups of them (found
// by the DuckDB differential test: groups with count 0 came out).
func TestGroupByDictFiltered(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := []map[string]any{
		ctRow("StopLogging", "alice", "2024-03-05T10:00:00Z", "us-east-1", "111122223333", nil),
		ctRow("ConsoleLogin", "bob", "2024-03-05T10:01:00Z", "us-east-1", "111122223333", nil),
		ctRow("StopLogging", "alice", "2024-03-05T10:02:00Z", "eu-west-1", "111122223333", nil),
		ctRow("DeleteTrail", "carol", "2024-03-05T10:03:00Z", "eu-west-1", "111122223333", nil),
	}
	rec := buildRecord(mem, parsers.CloudTrailSchema, rows)
	defer rec.Release()
	for _, tc := range []struct{ sql, want string }{
		{"SELECT eventname, count(*) FROM cloudtrail WHERE awsregion = 'eu-west-1' GROUP BY eventname", "DeleteTrail|1\nStopLogging|1\n"},
		{"SELECT eventname, count(*) FROM cloudtrail WHERE awsregion = 'nowhere' GROUP BY eventname", ""},
		{"SELECT awsregion, count(*) FROM cloudtrail WHERE eventname = 'ConsoleLogin' GROUP BY 1", "us-east-1|1\n"},
	} {
		for _, workers := range []int{1, 2} {
			if got := resultText(runQuery(t, tc.sql, workers, rec)); got != tc.want {
				t.Errorf("%s (workers %d): got %q; want %q", tc.sql, workers, got, tc.want)
			}
		}
	}
}

// aggFlows builds nb vpc_flow batches of 150 rows for merge tests. Some
// source addresses occur in every batch (groups that overlap across
// workers), the others only in batches of one class b%3 (groups disjoint
// across 3 workers); srcaddr, action (a dictionary column) and bytes have
// NULLs.
func aggFlows(mem memory.Allocator, nb int) []arrow.RecordBatch {
	schema := flowSchema("srcaddr", "dstport", "protocol", "bytes", "start", "action")
	var recs []arrow.RecordBatch
	for b := range nb {
		rows := make([]map[string]any, 150)
		for r := range rows {
			m := map[string]any{
				"dstport":  (r*7 + b) % 6,
				"protocol": 6 + 11*((r+b)%2),
				"start":    1709251200 + (b*150+r)*13,
			}
			switch {
			case r%11 == 0:
			case r%4 == 0:
				m["srcaddr"] = "shared-" + strconv.Itoa(r%5)
			default:
				m["srcaddr"] = "c" + strconv.Itoa(b%3) + "-" + strconv.Itoa(r%23)
			}
			switch {
			case r%9 == 0:
			case r%2 == 0:
				m["action"] = "ACCEPT"
			default:
				m["action"] = "REJECT"
			}
			if r%7 != 0 {
				m["bytes"] = (r*31 + b*17) % 1000
			}
			rows[r] = m
		}
		recs = append(recs, buildRecord(mem, schema, rows))
	}
	return recs
}

// runSpread runs sql over recs on workers workers, batch i going to
// worker to(i).
func runSpread(t *testing.T, sql string, workers int, recs []arrow.RecordBatch, to func(i int) int) string {
	t.Helper()
	q, err := Compile(sql, Options{})
	if err != nil {
		t.Fatalf("Compile(%q): %v", sql, err)
	}
	r := q.NewRun(workers)
	for i, rec := range recs {
		if err := r.Push(to(i), rec); err != nil {
			t.Fatalf("Push(%q): %v", sql, err)
		}
	}
	res, err := r.Finish()
	if err != nil {
		t.Fatalf("Finish(%q): %v", sql, err)
	}
	return resultText(res)
}

var aggMergeQueries = []struct{ name, sql string }{
	{"string_key_nulls", "SELECT srcaddr, count(*), count(bytes), sum(bytes), avg(bytes), min(bytes), max(bytes), sum(bytes * 1.5) FROM vpc_flow GROUP BY 1"},
	{"three_keys", "SELECT srcaddr, dstport, action, count(*), sum(bytes) FROM vpc_flow GROUP BY 1, 2, 3"},
	{"dict_key", "SELECT action, count(DISTINCT srcaddr), approx_distinct(dstport), arbitrary(srcaddr), min(srcaddr), max(srcaddr) FROM vpc_flow GROUP BY action"},
	{"by_and_arrays", "SELECT dstport, min_by(srcaddr, start), max_by(srcaddr, start), max_by(bytes, protocol), array_agg(srcaddr), array_agg(DISTINCT action) FROM vpc_flow GROUP BY dstport"},
	{"distinct_per_group", "SELECT srcaddr, count(DISTINCT dstport), count(DISTINCT action), approx_distinct(bytes) FROM vpc_flow GROUP BY 1"},
	{"bool_and_double_keys", "SELECT dstport > 2, bytes / 8.0, count(*) FROM vpc_flow GROUP BY 1, 2"},
	{"int_key", "SELECT bytes, count(*), min(srcaddr) FROM vpc_flow GROUP BY 1"},
	{"global", "SELECT count(*), count(DISTINCT srcaddr), sum(bytes), avg(bytes), min(start), max_by(srcaddr, bytes), arbitrary(action) FROM vpc_flow"},
	{"global_empty", "SELECT count(*), sum(bytes), min(srcaddr), count(DISTINCT action) FROM vpc_flow WHERE dstport > 100"},
	{"group_empty", "SELECT srcaddr, count(*) FROM vpc_flow WHERE dstport > 100 GROUP BY 1"},
	{"select_distinct", "SELECT DISTINCT srcaddr, action FROM vpc_flow"},
	{"having", "SELECT srcaddr, start / 600 * 600 AS t, count(*) AS n FROM vpc_flow WHERE action = 'REJECT' GROUP BY 1, 2 HAVING count(*) > 1"},
	{"order_limit", "SELECT srcaddr, count(*) FROM vpc_flow GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5"},
	{"limit", "SELECT srcaddr, dstport, count(*) FROM vpc_flow GROUP BY 1, 2 LIMIT 7"},
	{"aggregate_of_aggregate", "SELECT n, count(*), sum(b) FROM (SELECT srcaddr, count(*) AS n, sum(bytes) AS b FROM vpc_flow GROUP BY 1) GROUP BY n"},
}

// TestAggregateMergeWorkers checks that merging the partial aggregates of
// 2 to 5 workers, with groups disjoint across workers, shared by all, or
// held by one worker only, on 1, 2 and 4 cores, gives the 1-worker
// result.
func TestAggregateMergeWorkers(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := aggFlows(mem, 12)
	defer releaseAll(recs)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, tc := range aggMergeQueries {
		t.Run(tc.name, func(t *testing.T) {
			runtime.GOMAXPROCS(1)
			want := runSpread(t, tc.sql, 1, recs, func(int) int { return 0 })
			for _, procs := range []int{1, 2, 4} {
				runtime.GOMAXPROCS(procs)
				for workers := 2; workers <= 5; workers++ {
					got := runSpread(t, tc.sql, workers, recs, func(i int) int { return i % workers })
					if got != want {
						t.Errorf("%d workers, %d cores: got\n%s\nwant\n%s", workers, procs, got, want)
					}
				}
				// Only the last worker has rows.
				if got := runSpread(t, tc.sql, 3, recs, func(int) int { return 2 }); got != want {
					t.Errorf("3 workers, one with rows, %d cores: got\n%s\nwant\n%s", procs, got, want)
				}
			}
		})
	}
}

// TestAggregateMergeResults pins the results of a few merges of groups
// with NULL keys, split over workers so that every worker has part of the
// groups.
func TestAggregateMergeResults(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := flowSchema("srcaddr", "dstport", "action")
	batch := func(rows ...[3]any) arrow.RecordBatch {
		var ms []map[string]any
		for _, r := range rows {
			ms = append(ms, map[string]any{"srcaddr": r[0], "dstport": r[1], "action": r[2]})
		}
		return buildRecord(mem, schema, ms)
	}
	recs := []arrow.RecordBatch{
		batch([3]any{"a", 22, "REJECT"}, [3]any{nil, 22, nil}, [3]any{"b", nil, "ACCEPT"}),
		batch([3]any{"a", 22, "ACCEPT"}, [3]any{nil, nil, "REJECT"}, [3]any{"c", 80, "REJECT"}),
		batch([3]any{nil, 22, "REJECT"}, [3]any{"a", 443, nil}),
	}
	defer releaseAll(recs)
	for _, tc := range []struct{ sql, want string }{
		{"SELECT srcaddr, count(*), count(dstport), min(action) FROM vpc_flow GROUP BY 1",
			"a|3|3|ACCEPT\nb|1|0|ACCEPT\nc|1|1|REJECT\nNULL|3|2|REJECT\n"},
		{"SELECT srcaddr, dstport, count(*) FROM vpc_flow GROUP BY 1, 2",
			"a|22|2\na|443|1\nb|NULL|1\nc|80|1\nNULL|22|2\nNULL|NULL|1\n"},
		{"SELECT action, count(DISTINCT srcaddr), array_agg(dstport) FROM vpc_flow GROUP BY 1",
			"ACCEPT|2|[NULL, 22]\nREJECT|2|[NULL, 22, 22, 80]\nNULL|1|[22, 443]\n"},
		{"SELECT count(*), count(DISTINCT srcaddr), max_by(srcaddr, dstport) FROM vpc_flow", "8|3|a\n"},
	} {
		for workers := 1; workers <= 3; workers++ {
			if got := runSpread(t, tc.sql, workers, recs, func(i int) int { return i % workers }); got != tc.want {
				t.Errorf("%s (%d workers): got %q; want %q", tc.sql, workers, got, tc.want)
			}
		}
	}
}

// flowGroupBatches builds vpc_flow batches (srcaddr, start, action) with
// one REJECT row per group in [lo, hi): group g is source address g/100 in
// minute g%100, so two-key GROUP BYs get hi-lo groups.
func flowGroupBatches(mem memory.Allocator, lo, hi int) []arrow.RecordBatch {
	var fields []arrow.Field
	for _, f := range parsers.VPCFlowSchema.Fields() {
		switch f.Name {
		case "srcaddr", "start", "action":
			fields = append(fields, f)
		}
	}
	b := array.NewRecordBuilder(mem, arrow.NewSchema(fields, nil))
	defer b.Release()
	var recs []arrow.RecordBatch
	var ip []byte
	for g := lo; g < hi; g++ {
		a := g / 100
		ip = append(ip[:0], "10."...)
		ip = strconv.AppendInt(ip, int64(a>>16), 10)
		ip = append(ip, '.')
		ip = strconv.AppendInt(ip, int64(a>>8&255), 10)
		ip = append(ip, '.')
		ip = strconv.AppendInt(ip, int64(a&255), 10)
		for i, f := range fields {
			switch f.Name {
			case "srcaddr":
				b.Field(i).(*array.StringBuilder).BinaryBuilder.Append(ip)
			case "start":
				b.Field(i).(*array.Int64Builder).Append(1709251200 + int64(g%100)*60 + int64(g%7))
			case "action":
				if err := b.Field(i).(*array.BinaryDictionaryBuilder).AppendString("REJECT"); err != nil {
					panic(err)
				}
			}
		}
		if b.Field(0).Len() == BatchRows {
			recs = append(recs, b.NewRecordBatch())
		}
	}
	if b.Field(0).Len() > 0 {
		recs = append(recs, b.NewRecordBatch())
	}
	return recs
}

// BenchmarkAggregateFinish times Run.Finish (the merge of the workers'
// partial aggregates and the emission of the groups) of the REJECT-per-
// minute hunt over 500k distinct two-key groups: at 1 worker, and at 2
// workers whose groups overlap by a fifth (each pushes 300k groups); with
// every group in memory, and past the default group limit (spilled).
// cpu-ns/op is the process's CPU time in Finish, GC included: steadier
// than ns/op on a shared machine, and ns/op over cpu-ns/op shows how much
// of the merge ran in parallel.
func BenchmarkAggregateFinish(b *testing.B) {
	const sql = "SELECT srcaddr, start / 60 * 60 AS minute, count(*) AS n FROM vpc_flow WHERE action = 'REJECT' GROUP BY 1, 2 HAVING count(*) > 100"
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	parts := [][]arrow.RecordBatch{flowGroupBatches(mem, 0, 300_000), flowGroupBatches(mem, 200_000, 500_000)}
	defer func() {
		for _, p := range parts {
			releaseAll(p)
		}
	}()
	for _, mode := range []struct {
		name      string
		maxGroups int
	}{{"memory", -1}, {"spill", 0}} {
		q, err := Compile(sql, Options{MaxGroups: mode.maxGroups, TempDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		for _, workers := range []int{1, 2} {
			b.Run(mode.name+"/workers="+strconv.Itoa(workers), func(b *testing.B) {
				b.ReportAllocs()
				var cpu time.Duration
				for b.Loop() {
					b.StopTimer()
					r := q.NewRun(workers)
					for w, p := range parts {
						for _, rec := range p {
							if err := r.Push(w%workers, rec); err != nil {
								b.Fatal(err)
							}
						}
					}
					b.StartTimer()
					cpu0 := processCPU()
					res, err := r.Finish()
					cpu += processCPU() - cpu0
					if err != nil {
						b.Fatal(err)
					}
					aggSink += res.Len()
				}
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

var aggSink int

// processCPU is the user and system CPU time of the process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestArrayAggDistinctRuns: array_agg(DISTINCT x) skips runs of one value
// without boxing them; rows in runs and the same rows interleaved give the
// same lists, NULLs included.
func TestArrayAggDistinctRuns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	build := func(order func(i int) int) arrow.RecordBatch {
		var rows []map[string]any
		for j := range 600 {
			i := order(j)
			extra := map[string]any{"sourceipaddress": "10.0.0." + strconv.Itoa(i/100)}
			if i/100 == 3 {
				delete(extra, "sourceipaddress")
			}
			rows = append(rows, ctRow([]string{"A", "B"}[i%2], "u", "2024-03-01T10:00:00Z", "us-east-1", "1", extra))
		}
		return buildRecord(mem, parsers.CloudTrailSchema, rows)
	}
	runs := build(func(j int) int { return j })
	mixed := build(func(j int) int { return (j * 7) % 600 })
	defer runs.Release()
	defer mixed.Release()
	sql := "SELECT eventname, array_agg(DISTINCT sourceipaddress), count(DISTINCT sourceipaddress) FROM cloudtrail GROUP BY 1"
	a, b := resultText(runQuery(t, sql, 1, runs)), resultText(runQuery(t, sql, 1, mixed))
	if a != b || !strings.Contains(a, "10.0.0.5") || strings.Count(a, "\n") != 2 {
		t.Errorf("runs:\n%s\ninterleaved:\n%s", a, b)
	}
}

// egressRows are vpc_flow rows for queries/vpc_large_egress.sql: flows
// of 10.0.0.5 to 8.8.8.8 in one hour with the given bytes, plus flows to
// other addresses (other groups).
func egressRows(mem memory.Allocator, bytes ...int64) arrow.RecordBatch {
	var rows []map[string]any
	for i, b := range bytes {
		rows = append(rows, map[string]any{"account_id": "111122223333", "srcaddr": "10.0.0.5", "dstaddr": "8.8.8.8",
			"bytes": b, "start": 1709632800 + i, "end": 1709632860 + i, "action": "ACCEPT"})
		rows = append(rows, map[string]any{"account_id": "111122223333", "srcaddr": "10.0.0.5", "dstaddr": "9.9.9." + strconv.Itoa(i),
			"bytes": 2 << 30, "start": 1709632800 + i, "end": 1709632860 + i, "action": "ACCEPT"})
	}
	return buildRecord(mem, parsers.VPCFlowSchema, rows)
}

// TestSumOverflow_Failure: sum over bigint that leaves the range is an
// error as in Trino, not a wrapped sum: one flow line with
// bytes=9223372036854775807 must not hide a 5 GB exfiltration from
// vpc_large_egress. Overflow within a worker's batch, when merging
// workers, and when the aggregate spilled.
func TestSumOverflow_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	hunt, err := os.ReadFile("../queries/vpc_large_egress.sql")
	if err != nil {
		t.Fatal(err)
	}
	one := egressRows(mem, math.MaxInt64, 5_000_000_000)
	defer one.Release()
	first, second := egressRows(mem, math.MaxInt64), egressRows(mem, 5_000_000_000)
	defer first.Release()
	defer second.Release()
	// Which two values meet depends on the merge order.
	const want = "sum(bytes): bigint addition overflow: "
	tests := []struct {
		name    string
		sql     string
		opts    Options
		workers int
		recs    []arrow.RecordBatch
	}{
		{"hunt one batch", string(hunt), Options{Source: "vpc_large_egress.sql"}, 1, []arrow.RecordBatch{one}},
		{"hunt two workers", string(hunt), Options{Source: "vpc_large_egress.sql"}, 2, []arrow.RecordBatch{first, second}},
		{"hunt one worker, two batches", string(hunt), Options{Source: "vpc_large_egress.sql"}, 1, []arrow.RecordBatch{first, second}},
		{"spilled", string(hunt), Options{Source: "vpc_large_egress.sql", MaxGroups: 2, TempDir: t.TempDir()}, 2, []arrow.RecordBatch{first, second, one}},
		{"global", "SELECT count(*), sum(bytes) FROM vpc_flow", Options{}, 2, []arrow.RecordBatch{first, second}},
	}
	for _, tt := range tests {
		before := spillFiles.Load()
		err := queryErr(t, tt.sql, tt.opts, tt.workers, tt.recs...)
		if spilled := spillFiles.Load() > before; spilled != (tt.opts.MaxGroups > 0) {
			t.Errorf("%s: spilled %v", tt.name, spilled)
		}
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "9223372036854775807") || !errors.Is(err, errRuntime) {
			t.Errorf("%s: got %v; want %q", tt.name, err, want)
		}
	}
	// The position is the first sum(bytes) of the hunt.
	err = queryErr(t, string(hunt), Options{Source: "vpc_large_egress.sql"}, 1, one)
	const full = "vpc_large_egress.sql:30:49: sum(bytes): bigint addition overflow: 9223372036854775807 + 5000000000"
	if err == nil || err.Error() != full {
		t.Errorf("hunt: got %v; want %s", err, full)
	}
}

// TestSumOverflow_Success: sums up to the limits, and avg, which sums in
// double, over values whose bigint sum would overflow.
func TestSumOverflow_Success(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	top := egressRows(mem, math.MaxInt64-5_000_000_000, 5_000_000_000)
	defer top.Release()
	res := runQuery(t, "SELECT sum(bytes), avg(bytes) FROM vpc_flow WHERE dstaddr = '8.8.8.8'", 1, top)
	if got := resultText(res); got != "9223372036854775807|4.611686018427388E18\n" {
		t.Errorf("sum at the limit: got %q", got)
	}
	bottom := egressRows(mem, math.MinInt64+1, -1)
	defer bottom.Release()
	res = runQuery(t, "SELECT sum(bytes) FROM vpc_flow WHERE dstaddr = '8.8.8.8'", 2, bottom, top)
	if got := resultText(res); got != "-1\n" {
		t.Errorf("sum crossing zero: got %q", got)
	}
	big := egressRows(mem, math.MaxInt64, math.MaxInt64)
	defer big.Release()
	res = runQuery(t, "SELECT avg(bytes) FROM vpc_flow WHERE dstaddr = '8.8.8.8'", 1, big)
	if got := resultText(res); got != "9.223372036854776E18\n" {
		t.Errorf("avg: got %q", got)
	}
}

// TestArrayAgg_InternsStrings: array_agg boxes each distinct string once,
// not once per row: a steady-state push of rows whose values repeat
// allocates far fewer times than it has rows.
func TestArrayAgg_InternsStrings(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := benchBatch(mem, BatchRows)
	defer rec.Release()
	// ~4000 groups of one or two rows each, as array_agg(DISTINCT "$path")
	// over flow logs' millions of groups: every row starts a list.
	for _, sql := range []string{
		"SELECT sourceipaddress, eventtime, array_agg(DISTINCT eventname) FROM cloudtrail GROUP BY 1, 2",
	} {
		q, err := Compile(sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := q.NewRun(1)
		if err := r.Push(0, rec); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(5, func() {
			if err := r.Push(0, rec); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > BatchRows/8 {
			t.Errorf("%s: %.0f allocations per %d-row push; want the strings boxed once, not per row", sql, allocs, BatchRows)
		}
		if _, err := r.Finish(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGrouper_PackedKeys: three or four keys are found with one probe of
// packed value IDs (the fold tables stay empty), with the group IDs of
// first appearance, through lookups and merges; when the values outgrow
// the bits (a 14-bit budget here), the layout is redone and then the
// grouper folds, with the same group IDs. Each case runs with tables
// probed one row at a time and with every table probed in prefetched
// batches (numberKeys, stringIDs).
func TestGrouper_PackedKeys(t *testing.T) {
	defer func(b, m, sm int) { packBits, prefetchMinSlots, strPrefetchMinSlots = b, m, sm }(packBits, prefetchMinSlots, strPrefetchMinSlots)
	for _, tc := range []struct {
		bits, nk     int
		folds, moved bool // folds in the end; packed with new widths
	}{{64, 3, false, false}, {64, 4, false, false}, {26, 3, false, true}, {26, 4, true, false}, {14, 3, true, false}, {14, 4, true, false}} {
		for _, minSlots := range []int{1 << 30, 0} {
			prefetchMinSlots, strPrefetchMinSlots = minSlots, minSlots
			bitsBudget, nk := tc.bits, tc.nk
			packBits = bitsBudget
			types := []*dtype{tString, tInt, tString, tInt}[:nk]
			g, other := newGrouper(types), newGrouper(types)
			want := map[string]int32{} // tuple → group of first appearance
			var a arena
			row := func(v []*vec, i, r int) string {
				// Key 0 has 3 values and NULL, key 1 grows with r, key 2
				// 40 values, key 3 200.
				k := []string{strconv.Itoa(r % 3), strconv.Itoa(r / 7), strconv.Itoa(r % 40), strconv.Itoa(r % 200)}
				if r%11 == 0 {
					v[0].null[i] = true
					k[0] = "NULL"
				} else {
					v[0].s[i] = "acct-" + k[0]
				}
				v[1].i[i] = int64(r / 7)
				v[2].s[i] = "10.0.0." + k[2]
				if nk == 4 {
					v[3].i[i] = int64(r % 200)
				}
				return strings.Join(k[:nk], ",")
			}
			const n = 500
			for b := range 8 {
				a.reset()
				v := make([]*vec, nk)
				for k, t := range types {
					v[k] = a.vec(t, n)
					if t == tString {
						v[k].strs()
					} else {
						v[k].ints()
					}
				}
				v[0].nulls()
				tuples := make([]string, n)
				for i := range n {
					tuples[i] = row(v, i, b*n+i*3%n)
				}
				// Lookups before the batch: -1 for tuples not seen yet.
				got := g.lookup(v, n)
				for i, tup := range tuples {
					w, ok := want[tup]
					if !ok {
						w = -1
					}
					if got[i] != w {
						t.Fatalf("bits %d, %d keys: lookup of %s = %d; want %d", bitsBudget, nk, tup, got[i], w)
					}
				}
				ids := g.groupIDs(&a, v, n)
				for i, tup := range tuples {
					if _, ok := want[tup]; !ok {
						want[tup] = int32(len(want))
					}
					if ids[i] != want[tup] {
						t.Fatalf("bits %d, %d keys, batch %d: row %d (%s) group %d; want %d", bitsBudget, nk, b, i, tup, ids[i], want[tup])
					}
				}
				if b%2 == 1 {
					other.groupIDs(&a, v, n) // every other batch, for the merge below
				}
			}
			if g.ngroups != len(want) {
				t.Errorf("bits %d, %d keys: %d groups; want %d", bitsBudget, nk, g.ngroups, len(want))
			}
			folded := g.folds[0].len() > 0
			if folded != tc.folds || folded == (g.packed.len() == g.ngroups) {
				t.Errorf("bits %d, %d keys: folds used %v, packed groups %d of %d; want folds %v", bitsBudget, nk, folded, g.packed.len(), g.ngroups, tc.folds)
			}
			if moved := g.widths != nil && int(g.widths[1]) != packBits/nk; moved != tc.moved {
				t.Errorf("bits %d, %d keys: widths %v; want new ones %v", bitsBudget, nk, g.widths, tc.moved)
			}
			// Merging other's groups finds each in g.
			gmap := make([]int32, other.ngroups)
			before := g.ngroups
			g.mergeFrom(&a, &other, gmap)
			okeys := other.groupVecs(&a)
			for j := range other.ngroups {
				var parts []string
				for k := range nk {
					switch {
					case okeys[k].isNull(j):
						parts = append(parts, "NULL")
					case k == 0:
						parts = append(parts, strings.TrimPrefix(okeys[0].s[j], "acct-"))
					case types[k] == tString:
						parts = append(parts, strings.TrimPrefix(okeys[k].s[j], "10.0.0."))
					default:
						parts = append(parts, strconv.FormatInt(okeys[k].i[j], 10))
					}
				}
				if tup := strings.Join(parts, ","); gmap[j] != want[tup] {
					t.Fatalf("bits %d, %d keys: merged group %s → %d; want %d", bitsBudget, nk, tup, gmap[j], want[tup])
				}
			}
			if g.ngroups != before {
				t.Errorf("bits %d, %d keys: merging known groups added %d", bitsBudget, nk, g.ngroups-before)
			}
			// reset returns to packing.
			g.reset()
			if g.widths == nil || g.ngroups != 0 || g.packed.len() != 0 {
				t.Errorf("bits %d, %d keys: after reset widths %v, %d groups", bitsBudget, nk, g.widths, g.ngroups)
			}
		}
	}
}

// TestGrouper_StringIDs: numbering a string key with prefetches
// (stringIDs, every table here) gives the values the IDs of the plain
// loop, over batches with NULLs, empty strings, runs of one value, long
// values that differ only past their 15th byte (in runs, too), and
// values enough to grow the table several times within one batch.
func TestGrouper_StringIDs(t *testing.T) {
	defer func(m int) { strPrefetchMinSlots = m }(strPrefetchMinSlots)
	long := "arn:aws:iam::123456789012:role/"
	rng := rand.New(rand.NewPCG(7, 8))
	var batches [][]string // "<null>" marks a NULL
	batches = append(batches, []string{"", "", "a", "<null>", "a", long + "x", long + "y", long + "y", long + "x", ""})
	var grow []string
	for i := range 3000 {
		grow = append(grow, "10.0."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256))
	}
	batches = append(batches, grow)
	for range 3 {
		b := make([]string, BatchRows)
		for i := range b {
			switch r := rng.IntN(10); {
			case r == 0:
				b[i] = "<null>"
			case r == 1 && i > 0:
				b[i] = b[i-1] // a run
			case r == 2:
				b[i] = long + strconv.Itoa(rng.IntN(50))
			default:
				b[i] = "10.1." + strconv.Itoa(rng.IntN(40)) + "." + strconv.Itoa(rng.IntN(256))
			}
		}
		batches = append(batches, b)
	}
	number := func(minSlots int) ([][]int32, []string) {
		strPrefetchMinSlots = minSlots
		var a arena
		g := newGrouper([]*dtype{tString})
		var out [][]int32
		for _, b := range batches {
			a.reset()
			v := a.vec(tString, len(b))
			v.strs()
			v.nulls()
			for i, s := range b {
				if s == "<null>" {
					v.null[i] = true
				} else {
					v.s[i] = s
				}
			}
			out = append(out, slices.Clone(g.groupIDs(&a, []*vec{v}, len(b))))
		}
		return out, slices.Clone(g.vals[0].s)
	}
	wantIDs, wantVals := number(1 << 30)
	gotIDs, gotVals := number(0)
	if !slices.Equal(gotVals, wantVals) {
		t.Fatalf("values %d, batched; want %d", len(gotVals), len(wantVals))
	}
	for b := range batches {
		for i, id := range gotIDs[b] {
			if id != wantIDs[b][i] {
				t.Fatalf("batch %d row %d (%q): ID %d batched; want %d", b, i, batches[b][i], id, wantIDs[b][i])
			}
		}
	}
	if len(wantVals) < 2000 {
		t.Fatalf("only %d values", len(wantVals))
	}
}

// TestHashString: equal strings hash equally wherever their bytes lie;
// strings of every length around the short-string limit that differ in
// one byte or a trailing NUL, and 131,072 IPv4 addresses, all hash
// differently; the addresses fall evenly into the 64 spill partitions.
func TestHashString(t *testing.T) {
	seen := map[uint64]string{}
	add := func(s string) {
		t.Helper()
		h := hashString(s)
		if h != hashString(string([]byte(s))) {
			t.Fatalf("hashString(%q) differs with another copy of the bytes", s)
		}
		if o, ok := seen[h]; ok && o != s {
			t.Fatalf("hashString(%q) = hashString(%q) = %#x", s, o, h)
		}
		seen[h] = s
	}
	base := "0123456789abcdefghij"
	for n := range len(base) {
		for _, s := range []string{base[:n], base[:n] + "\x00", "\x00" + base[:n]} {
			add(s)
			for j := range len(s) {
				b := []byte(s)
				b[j] ^= 0x41
				add(string(b))
			}
		}
	}
	const n = 1 << 17
	addrs := make([]string, n)
	for i := range addrs {
		addrs[i] = "10." + strconv.Itoa(i>>16&255) + "." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255)
		add(addrs[i])
	}
	var parts [spillParts]int
	for _, h := range hashKeys([]*vec{{t: tString, n: n, s: addrs}}, n, nil) {
		parts[spillPart(h, 0)]++
	}
	for p, c := range parts {
		if c < n/spillParts*8/10 || c > n/spillParts*12/10 {
			t.Errorf("partition %d holds %d of %d addresses; want about %d", p, c, n, n/spillParts)
		}
	}
}

// flowSchema is the VPC flow table's schema projected to the named
// columns, in the table's order.
func flowSchema(names ...string) *arrow.Schema {
	var fields []arrow.Field
	for _, f := range parsers.VPCFlowSchema.Fields() {
		if slices.Contains(names, f.Name) {
			fields = append(fields, f)
		}
	}
	return arrow.NewSchema(fields, nil)
}

// TestGrouper_PinnedDict: a key column coded in a pinned dictionary
// numbers its entries through a table kept across chunks, adding an
// entry not seen as a new value without filing it (the dictionary's
// entries are distinct); once the same key comes as plain values or
// through another dictionary, the values so far are filed first, so a
// value seen both ways has one ID, and so has each group.
func TestGrouper_PinnedDict(t *testing.T) {
	var a arena
	d := &vec{t: tString, n: 4, s: []string{"10.0.0.1", "", "10.0.0.2", "10.0.0.3"}, null: []bool{false, true, false, false}}
	d2 := &vec{t: tString, n: 2, s: []string{"10.0.0.3", "10.0.0.9"}}
	g := newGrouper([]*dtype{tString, tInt})
	g.pin(0, d)
	g.pin(0, d2)
	coded := func(dict *vec, codes ...int32) *vec {
		return &vec{t: tString, n: len(codes), dict: dict, codes: codes}
	}
	ints := func(xs ...int64) *vec { return &vec{t: tInt, n: len(xs), i: xs} }
	plain := func(ss ...string) *vec { return &vec{t: tString, n: len(ss), s: ss} }
	steps := []struct {
		keys []*vec
		want []int32
	}{
		{[]*vec{coded(d, 0, 2, 0, 1), ints(1, 1, 1, 1)}, []int32{0, 1, 0, 2}},
		{[]*vec{coded(d, 3, 2, 1), ints(1, 1, 1)}, []int32{3, 1, 2}},
		// Plain values: "10.0.0.3" and "10.0.0.1" were added unfiled.
		{[]*vec{plain("10.0.0.3", "10.0.0.1", "10.0.0.7"), ints(1, 1, 1)}, []int32{3, 0, 4}},
		// Another dictionary of the same key.
		{[]*vec{coded(d2, 0, 1), ints(1, 1)}, []int32{3, 5}},
		{[]*vec{coded(d, 3, 0), ints(1, 2)}, []int32{3, 6}},
	}
	for i, st := range steps {
		ids := g.groupIDs(&a, st.keys, st.keys[0].n)
		if !slices.Equal(ids, st.want) {
			t.Fatalf("step %d: group IDs %v; want %v", i, ids, st.want)
		}
	}
	if n := g.vals[0].len(); n != 6 {
		t.Errorf("%d values of key 0 (%q); want 6", n, g.vals[0].s)
	}
	// A pin outlives no reset: the dictionary's entries are new again.
	g.reset()
	if ids := g.groupIDs(&a, []*vec{coded(d, 2), ints(1)}, 1); ids[0] != 0 || g.vals[0].s[0] != "10.0.0.2" {
		t.Errorf("after reset: group %d, values %q", ids[0], g.vals[0].s)
	}
}
