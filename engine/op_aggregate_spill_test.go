package engine

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// runWith runs sql with opts over recs at workers workers, pushing
// concurrently as hunt does.
func runWith(t *testing.T, sql string, opts Options, workers int, recs []arrow.RecordBatch) string {
	t.Helper()
	q, err := Compile(sql, opts)
	if err != nil {
		t.Fatalf("Compile(%q): %v", sql, err)
	}
	r := q.NewRun(workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(recs); i += workers {
				if err := r.Push(w, recs[i]); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	res, err := r.Finish()
	if err != nil {
		t.Fatalf("Finish(%q): %v", sql, err)
	}
	return resultText(res)
}

// TestAggregateSpill: with a group limit far below the number of groups,
// aggregates spill (several levels deep for the smallest limits) and
// still give exactly the in-memory answer, for every aggregate kind,
// NULL, dictionary and multi-column keys, at any parallelism.
func TestAggregateSpill(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []arrow.RecordBatch
	for k := range 16 {
		var rows []map[string]any
		for i := range 250 {
			n := k*250 + i
			extra := map[string]any{
				"sourceipaddress": "10." + strconv.Itoa(n%3) + "." + strconv.Itoa(n%17) + "." + strconv.Itoa(n%251),
				"resources":       []any{map[string]any{"arn": "r" + strconv.Itoa(n%7)}},
			}
			if n%13 == 0 {
				delete(extra, "sourceipaddress") // NULL keys and arguments
			}
			rows = append(rows, ctRow([]string{"A", "B", "C", "D", "E"}[n%5], "u"+strconv.Itoa(n%37),
				"2024-03-0"+strconv.Itoa(1+n%9)+"T1"+strconv.Itoa(n%10)+":0"+strconv.Itoa(n%6)+":00Z", []string{"us-east-1", "eu-west-1"}[n%2], "1", extra))
		}
		recs = append(recs, buildRecord(mem, parsers.CloudTrailSchema, rows))
	}
	defer releaseAll(recs)
	defer func(n, r int) { spillBlockBytes, spillReadRows = n, r }(spillBlockBytes, spillReadRows)
	spillBlockBytes, spillReadRows = 64, 1 // many blocks per partition, limit checks between them
	queries := []string{
		// ~2,500 groups: two keys, one a dictionary column, with NULLs.
		`SELECT sourceipaddress, eventname, count(*), count(sourceipaddress), sum(length(useridentity.username)),
			avg(length(eventname)), min(eventtime), max(useridentity.username), arbitrary(awsregion),
			count(DISTINCT useridentity.username), approx_distinct(awsregion), min_by(useridentity.username, eventtime),
			max_by(eventtime, useridentity.username), array_agg(awsregion), sum(0.5), min(length(eventname) > 1)
		FROM cloudtrail GROUP BY 1, 2`,
		// HAVING and an ORDER BY above the aggregate.
		`SELECT useridentity.username, eventtime, count(*) AS n FROM cloudtrail GROUP BY 1, 2 HAVING count(*) >= 1 ORDER BY n DESC, 1, 2`,
		// A computed key, a subquery aggregating the aggregate.
		`SELECT n, count(*) FROM (SELECT sourceipaddress, substr(eventtime, 1, 13) AS h, count(*) AS n FROM cloudtrail GROUP BY 1, 2) GROUP BY n`,
		`SELECT DISTINCT sourceipaddress, awsregion FROM cloudtrail`,
		// LIMIT without ORDER BY needs sorted groups: never spills, same answer.
		`SELECT sourceipaddress, count(*) FROM cloudtrail GROUP BY 1 LIMIT 5`,
	}
	for _, sql := range queries {
		want := runWith(t, sql, Options{MaxGroups: -1}, 1, recs)
		if strings.Count(want, "\n") < 3 {
			t.Fatalf("%s: only %d rows", sql, strings.Count(want, "\n"))
		}
		for _, limit := range []int{20, 1000} {
			for _, workers := range []int{1, 3} {
				before := spillFiles.Load()
				got := runWith(t, sql, Options{MaxGroups: limit, TempDir: t.TempDir()}, workers, recs)
				if got != want {
					t.Errorf("%s\nlimit %d, %d workers:\n%.400s\nwant\n%.400s", sql, limit, workers, got, want)
				}
				files := spillFiles.Load() - before
				spilled := files > 0
				if limit == 20 && spilled && files <= int64(workers) {
					t.Errorf("%s\nlimit %d, %d workers: %d spill files; want more than one per worker (a second level)", sql, limit, workers, files)
				}
				if wantSpill := !strings.Contains(sql, "LIMIT") && limit < 1000; spilled != wantSpill && limit < 1000 {
					t.Errorf("%s\nlimit %d, %d workers: spilled %v, want %v", sql, limit, workers, spilled, wantSpill)
				}
			}
		}
	}
}

// TestAggregateSpill_MemoryBudget: the byte budget (the default way to
// bound an aggregate) spills once the estimate passes it, with the same
// answer; a negative budget never spills.
func TestAggregateSpill_MemoryBudget(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []arrow.RecordBatch
	for k := range 10 {
		var rows []map[string]any
		for n := range 300 {
			rows = append(rows, ctRow("E", "user-with-a-rather-long-name-"+strconv.Itoa(k*300+n), "2024-03-01T10:00:00Z", "us-east-1", "1", nil))
		}
		recs = append(recs, buildRecord(mem, parsers.CloudTrailSchema, rows))
	}
	defer releaseAll(recs)
	sql := `SELECT useridentity.username, count(*) FROM cloudtrail GROUP BY 1`
	want := runWith(t, sql, Options{AggregateMemory: -1}, 1, recs)
	for _, tc := range []struct {
		budget int64
		spill  bool
	}{{-1, false}, {1 << 30, false}, {64 << 10, true}} {
		before := spillFiles.Load()
		if got := runWith(t, sql, Options{AggregateMemory: tc.budget, TempDir: t.TempDir()}, 1, recs); got != want {
			t.Errorf("budget %d: answer differs", tc.budget)
		}
		if spilled := spillFiles.Load() > before; spilled != tc.spill {
			t.Errorf("budget %d: spilled %v, want %v", tc.budget, spilled, tc.spill)
		}
	}
	// 3000 groups of 1 key with ~33-byte strings: 3000*(48+24+16) + ~100 KB.
	var est memEstimate
	g := newGrouper([]*dtype{tString})
	var a arena
	v := &vec{t: tString, n: 2, s: []string{"abc", "de"}}
	g.groupIDs(&a, []*vec{v}, 2)
	if got := est.of(&opAggregate{keys: make([]expr, 1), aggs: make([]*aggCall, 1)}, &g); got != 2*(48+24+16)+5 {
		t.Errorf("estimate of 2 groups with 5 string bytes = %d", got)
	}
}

// TestAggregateSpill_DistinctPairsOnce: finishing a spilled
// count(DISTINCT) visits each frozen (group, value) pair once, not once
// per partition, and gives the in-memory answer. 4,000 groups of one
// value each; 1,000 freeze, the rest spill into partitions of ~47 groups
// (no second level), so at most 4,000 visits; merging the frozen state
// into each of the 64 partitions visited 2 × 64 × 1,000.
func TestAggregateSpill_DistinctPairsOnce(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []arrow.RecordBatch
	for k := range 8 {
		var rows []map[string]any
		for n := range 500 {
			i := k*500 + n
			rows = append(rows, ctRow("E", "u"+strconv.Itoa(i), "2024-03-01T10:00:00Z", "us-east-1", "1",
				map[string]any{"sourceipaddress": "10.0." + strconv.Itoa(i%7) + ".1"}))
		}
		recs = append(recs, buildRecord(mem, parsers.CloudTrailSchema, rows))
	}
	defer releaseAll(recs)
	sql := `SELECT useridentity.username, count(DISTINCT sourceipaddress), count(*) FROM cloudtrail GROUP BY 1`
	want := runWith(t, sql, Options{MaxGroups: -1}, 1, recs)
	before, files := distinctMerged.Load(), spillFiles.Load()
	if got := runWith(t, sql, Options{MaxGroups: 1000, TempDir: t.TempDir()}, 1, recs); got != want {
		t.Errorf("spilled answer differs:\n%.300s\nwant\n%.300s", got, want)
	}
	if spillFiles.Load() == files {
		t.Fatal("did not spill")
	}
	if visits := distinctMerged.Load() - before; visits == 0 || visits > 4000 {
		t.Errorf("finishing visited %d count(DISTINCT) pairs; want 1..4000 (each frozen pair once)", visits)
	}
}

// TestAggregateSpill_KnownGroupsStay: once a table froze, rows of the
// groups it holds are aggregated in it and only rows of new groups are
// written to disk, each once. 6,000 rows in batches of 500 over groups
// i % 1,500; the limit (600) passes after the second batch, freezing
// groups 0-999, so of the 5,000 later rows only the 2,000 of groups
// 1,000-1,499 spill (all 5,000 did before), and the answer is the
// in-memory one, for every aggregate kind and at 1 and 3 workers.
func TestAggregateSpill_KnownGroupsStay(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []arrow.RecordBatch
	for k := range 12 {
		var rows []map[string]any
		for n := range 500 {
			i := k*500 + n
			rows = append(rows, ctRow([]string{"A", "B"}[i%2], "u"+strconv.Itoa(i%1500), "2024-03-01T10:00:0"+strconv.Itoa(i%10)+"Z",
				[]string{"us-east-1", "eu-west-1", "us-west-2"}[i%3], "1", map[string]any{"sourceipaddress": "10.0." + strconv.Itoa(i%7) + ".1"}))
		}
		recs = append(recs, buildRecord(mem, parsers.CloudTrailSchema, rows))
	}
	defer releaseAll(recs)
	for _, sql := range []string{
		`SELECT useridentity.username, count(*), count(DISTINCT sourceipaddress), min(eventtime), max(eventtime),
			sum(length(eventname)), array_agg(DISTINCT awsregion), max_by(eventtime, sourceipaddress) FROM cloudtrail GROUP BY 1`,
		`SELECT useridentity.username, eventname, count(*) FROM cloudtrail GROUP BY 1, 2`,
		`SELECT NULL, useridentity.username, count(*) FROM cloudtrail GROUP BY 1, 2`, // a key of type NULL
	} {
		want := runWith(t, sql, Options{MaxGroups: -1}, 1, recs)
		before := spillRowsWritten.Load()
		if got := runWith(t, sql, Options{MaxGroups: 600, TempDir: t.TempDir()}, 1, recs); got != want {
			t.Errorf("%s: spilled answer differs:\n%.300s\nwant\n%.300s", sql, got, want)
		}
		if rows := spillRowsWritten.Load() - before; rows != 2000 {
			t.Errorf("%s: %d rows spilled; want 2000 (those of groups not frozen)", sql, rows)
		}
		if got := runWith(t, sql, Options{MaxGroups: 600, TempDir: t.TempDir()}, 3, recs); got != want {
			t.Errorf("%s, 3 workers: spilled answer differs:\n%.300s\nwant\n%.300s", sql, got, want)
		}
	}
}

// TestAggregateSpill_ConstantArgs: the arguments of rows spilled as
// values stay constant when they are (a literal, a dictionary column of
// one entry over a chunk: spillArg), and the spilled answer is still
// the in-memory one: in a partitioned set and in a log, with the rows of
// frozen groups aggregated (which need them flat), with a HAVING whose
// sketch counts a sum or distinct values of such a constant, and with a
// dictionary column of NULL rows.
func TestAggregateSpill_ConstantArgs(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []arrow.RecordBatch
	for k := range 12 {
		var rows []map[string]any
		for n := range 500 {
			i := k*500 + n
			extra := map[string]any{}
			if i%4 == 0 {
				extra["errorcode"] = []string{"Denied", "Throttled"}[i%8/4] // NULL in the other rows
			}
			// eventname and eventsource: one value over the chunk.
			rows = append(rows, ctRow([]string{"A", "Bb", "Ccc", "Dddd"}[k%4], "u"+strconv.Itoa(i%1500), "2024-03-01T10:00:0"+strconv.Itoa(i%10)+"Z",
				[]string{"us-east-1", "eu-west-1", "us-west-2"}[i%3], "1", extra))
		}
		recs = append(recs, buildRecord(mem, parsers.CloudTrailSchema, rows))
	}
	defer releaseAll(recs)
	const args = `count(*), array_agg(DISTINCT eventsource), min(eventname), max(errorcode), count(errorcode),
		array_agg(DISTINCT 'x'), max(CAST(NULL AS varchar)), count(DISTINCT eventname), sum(length(eventname)), min(length(eventsource))`
	for _, sql := range []string{
		`SELECT useridentity.username, ` + args + ` FROM cloudtrail GROUP BY 1`,
		`SELECT useridentity.username, ` + args + ` FROM cloudtrail GROUP BY 1 HAVING count(*) >= 4`,
		`SELECT useridentity.username, ` + args + ` FROM cloudtrail GROUP BY 1 HAVING sum(length(eventname)) >= 8`,
		`SELECT useridentity.username, ` + args + ` FROM cloudtrail GROUP BY 1 HAVING count(DISTINCT length(eventname)) >= 2`,
		`SELECT useridentity.username, ` + args + ` FROM cloudtrail GROUP BY 1 HAVING count(DISTINCT eventname) >= 2`,
	} {
		want := runWith(t, sql, Options{MaxGroups: -1}, 1, recs)
		if strings.Count(want, "\n") < 10 {
			t.Fatalf("%s: only %d rows", sql, strings.Count(want, "\n"))
		}
		for _, workers := range []int{1, 3} {
			before := spillRowsWritten.Load()
			if got := runWith(t, sql, Options{MaxGroups: 600, TempDir: t.TempDir()}, workers, recs); got != want {
				t.Errorf("%s, %d workers: spilled answer differs:\n%.300s\nwant\n%.300s", sql, workers, got, want)
			}
			if workers == 1 && spillRowsWritten.Load() == before {
				t.Errorf("%s: nothing spilled", sql)
			}
		}
	}
}

// TestSpillArg_SameBytes: a column spillArg leaves constant is written
// as the same bytes as the flat column (a segment of one value, or a
// repeat of the block's last one), and one it cannot (rows of several
// entries, NULL rows) is flat.
func TestSpillArg_SameBytes(t *testing.T) {
	d := &vec{t: tString, n: 3, s: []string{"s3://b/k1", "s3://b/k2", ""}, null: []bool{false, false, true}}
	di := &vec{t: tInt, n: 2, i: []int64{-300, 1 << 40}}
	n := 5
	cols := map[string]*vec{
		"string const":        {t: tString, n: 1, isConst: true, s: []string{"lit"}},
		"null const":          {t: tString, n: 1, isConst: true, s: []string{""}, null: []bool{true}},
		"int const":           {t: tInt, n: 1, isConst: true, i: []int64{-7}},
		"one entry":           {t: tString, n: n, codes: []int32{1, 1, 1, 1, 1}, dict: d},
		"one NULL entry":      {t: tString, n: n, codes: []int32{2, 2, 2, 2, 2}, dict: d},
		"one int entry":       {t: tInt, n: n, codes: []int32{0, 0, 0, 0, 0}, dict: di},
		"two entries":         {t: tString, n: n, codes: []int32{1, 1, 0, 1, 1}, dict: d},
		"one entry, NULL row": {t: tString, n: n, codes: []int32{1, 1, 1, 1, 1}, dict: d, null: []bool{false, false, true, false, false}},
	}
	for name, v := range cols {
		var a arena
		sa, fl := spillArg(&a, v, n), flat(&a, v, n)
		if sa.isConst != (v.isConst || name == "one entry" || name == "one NULL entry" || name == "one int entry") {
			t.Errorf("%s: constant %v", name, sa.isConst)
		}
		// Two segments of one block (the second may repeat the first's
		// value), of all rows and of some.
		enc := func(x *vec) []byte {
			last := make([]spillRef, 1)
			b := appendSpillSegment(nil, nil, nil, []*vec{x}, 0, []int32{0, 1, 2, 3, 4}, last)
			return appendSpillSegment(b, nil, nil, []*vec{x}, 0, []int32{4, 3}, last)
		}
		if got, want := enc(sa), enc(fl); !bytes.Equal(got, want) {
			t.Errorf("%s: spilled as %x, flat as %x", name, got, want)
		}
	}
}

// TestAggregateSpill_NewGroupsPauseLookups: when the rows after a table
// froze are all of new groups, looking them up in the table finds
// nothing, so after one window of rows it pauses (the rest spill without
// a lookup); the answer is the in-memory one.
func TestAggregateSpill_NewGroupsPauseLookups(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []arrow.RecordBatch
	for k := range 80 {
		var rows []map[string]any
		for n := range 500 {
			rows = append(rows, ctRow("E", "u"+strconv.Itoa(k*500+n), "2024-03-01T10:00:00Z", "us-east-1", "1", nil))
		}
		recs = append(recs, buildRecord(mem, parsers.CloudTrailSchema, rows))
	}
	defer releaseAll(recs)
	sql := `SELECT useridentity.username, count(*) FROM cloudtrail GROUP BY 1`
	want := runWith(t, sql, Options{MaxGroups: -1}, 1, recs)
	before := knownLooked.Load()
	if got := runWith(t, sql, Options{MaxGroups: 600, TempDir: t.TempDir()}, 1, recs); got != want {
		t.Errorf("spilled answer differs:\n%.300s\nwant\n%.300s", got, want)
	}
	// 78 chunks of 500 rows follow the freeze; lookups stop after the
	// first window.
	if looked := knownLooked.Load() - before; looked < knownWindow || looked > knownWindow+500 {
		t.Errorf("looked up %d rows of new groups; want %d..%d (one window)", looked, knownWindow, knownWindow+500)
	}
}

// TestMemoryPool: queries compiled with one pool share its budget (as
// hunt run's hunts do): each alone fits, together they pass it, so the
// one growing when the sum passes the limit spills; answers are
// unchanged and the pool is empty after both finish.
func TestMemoryPool(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []arrow.RecordBatch
	for k := range 10 {
		var rows []map[string]any
		for n := range 300 {
			rows = append(rows, ctRow("E", "user-with-a-rather-long-name-"+strconv.Itoa(k*300+n), "2024-03-01T10:00:00Z", "us-east-1", "1",
				map[string]any{"sourceipaddress": "192.0.2." + strconv.Itoa(k*300+n)}))
		}
		recs = append(recs, buildRecord(mem, parsers.CloudTrailSchema, rows))
	}
	defer releaseAll(recs)
	sqls := []string{
		`SELECT useridentity.username, count(*) FROM cloudtrail GROUP BY 1`,
		`SELECT sourceipaddress, count(*) FROM cloudtrail GROUP BY 1`,
	}
	var want []string
	for _, sql := range sqls {
		want = append(want, runWith(t, sql, Options{AggregateMemory: -1}, 1, recs))
	}
	// Each query alone estimates ~360 KB.
	pool := NewMemoryPool(500 << 10)
	var runs []*Run
	for _, sql := range sqls {
		q, err := Compile(sql, Options{MemoryPool: pool, TempDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, q.NewRun(1))
	}
	before := spillFiles.Load()
	for _, rec := range recs {
		for _, r := range runs {
			if err := r.Push(0, rec); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, r := range runs {
		res, err := r.Finish()
		if err != nil {
			t.Fatal(err)
		}
		if resultText(res) != want[i] {
			t.Errorf("%s: answer differs with a shared pool", sqls[i])
		}
	}
	if spillFiles.Load() == before {
		t.Error("no aggregate spilled although together they passed the pool")
	}
	if u := pool.used.Load(); u != 0 {
		t.Errorf("pool holds %d bytes after both queries finished", u)
	}
	for _, sql := range sqls { // alone, each fits
		before := spillFiles.Load()
		runWith(t, sql, Options{AggregateMemory: 500 << 10, TempDir: t.TempDir()}, 1, recs)
		if spillFiles.Load() != before {
			t.Errorf("%s spilled alone under the same limit", sql)
		}
	}
}

// TestHashKeys: equal keys hash equally whatever the vec form.
func TestHashKeys(t *testing.T) {
	dict := &vec{t: tString, n: 2, s: []string{"x", "y"}}
	for _, tc := range []struct {
		name string
		a, b *vec
	}{
		{"dictionary vs plain", &vec{t: tString, n: 3, codes: []int32{1, 0, 1}, dict: dict}, &vec{t: tString, n: 3, s: []string{"y", "x", "y"}}},
		{"const vs plain", &vec{t: tInt, n: 3, isConst: true, i: []int64{7}}, &vec{t: tInt, n: 3, i: []int64{7, 7, 7}}},
		{"null const vs nulls", &vec{t: tString, n: 3, isConst: true, s: []string{""}, null: []bool{true}}, &vec{t: tString, n: 3, s: []string{"a", "", "c"}, null: []bool{true, true, true}}},
		{"-0 vs 0", &vec{t: tDouble, n: 3, f: []float64{0, 0, 0}}, &vec{t: tDouble, n: 3, f: []float64{negZero(), 0, negZero()}}},
		// Integers are their own value hashes, in every form.
		{"int dictionary vs plain", &vec{t: tInt, n: 3, codes: []int32{1, 0, 1}, dict: &vec{t: tInt, n: 2, i: []int64{-5, 1 << 40}}}, &vec{t: tInt, n: 3, i: []int64{1 << 40, -5, 1 << 40}}},
		{"int null const vs nulls", &vec{t: tInt, n: 3, isConst: true, i: []int64{0}, null: []bool{true}}, &vec{t: tInt, n: 3, i: []int64{0, 9, 0}, null: []bool{true, true, true}}},
		{"int null dictionary entry vs nulls", &vec{t: tInt, n: 3, codes: []int32{0, 0, 0}, dict: &vec{t: tInt, n: 1, i: []int64{3}, null: []bool{true}}}, &vec{t: tInt, n: 3, i: []int64{1, 2, 3}, null: []bool{true, true, true}}},
	} {
		ha, hb := hashKeys([]*vec{tc.a}, 3, nil), hashKeys([]*vec{tc.b}, 3, nil)
		for i := range ha {
			if ha[i] != hb[i] {
				t.Errorf("%s: row %d: %x != %x", tc.name, i, ha[i], hb[i])
			}
		}
	}
	h := hashKeys([]*vec{{t: tString, n: 2, s: []string{"", "a"}, null: []bool{true, false}}, {t: tString, n: 2, s: []string{"a", ""}, null: []bool{false, true}}}, 2, nil)
	if h[0] == h[1] {
		t.Errorf("(NULL, a) and (a, NULL) hash equally")
	}
	h = hashKeys([]*vec{{t: tInt, n: 2, i: []int64{1, 2}}, {t: tInt, n: 2, i: []int64{2, 1}}}, 2, nil)
	if h[0] == h[1] {
		t.Errorf("(1, 2) and (2, 1) hash equally")
	}
}

// TestHashKeys_PlainFolds: a plain string or integer key (folded in one
// pass, a string equal to the row's before not hashed again) hashes as
// the same values given as a dictionary of one entry per row (hashed by
// hashValues, each entry on its own): runs of one value, values whose
// two words are equal but whose lengths differ ("aaaa" and "aaaaa"),
// NULLs inside runs, every length from 0 to 20, and random values of a
// two-letter alphabet, in one, two and three keys.
func TestHashKeys_PlainFolds(t *testing.T) {
	strs := []string{
		"123456789012", "123456789012", "123456789012", "123456789013", "123456789012",
		"aaaaaaaaa", "aaaaaaaaaa", "aaaaaaaaa", "aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaa",
		"aaaa", "aaaaa", "aaaa", "aaaaaaa", "aaaaaaaa", "aaa", "aaaa",
		"", "", "a", "10.0.0.1", "10.0.0.1", "10.0.0.10", "10.0.0.1",
		"abcdefghijklmnopqrstu", "abcdefghijklmnopqrstu", "abcdefghijklmnopqrstv",
	}
	for n := range 21 {
		strs = append(strs, strings.Repeat("x", n), strings.Repeat("x", n))
	}
	r := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		b := make([]byte, r.IntN(18))
		for j := range b {
			b[j] = "ab"[r.IntN(2)]
		}
		strs = append(strs, string(b))
	}
	n := len(strs)
	ints := make([]int64, n)
	null := make([]bool, n)
	for i := range ints {
		ints[i] = int64(r.IntN(4)) - 1
		null[i] = r.IntN(7) == 0
	}
	null[1] = true // inside a run
	asDict := func(v *vec) *vec {
		d := &vec{t: v.t, n: n, s: v.s, i: v.i}
		return &vec{t: v.t, n: n, codes: iota32(n), dict: d, null: v.null}
	}
	s1 := &vec{t: tString, n: n, s: strs}
	s2 := &vec{t: tString, n: n, s: strs, null: null}
	i1 := &vec{t: tInt, n: n, i: ints}
	i2 := &vec{t: tInt, n: n, i: ints, null: null}
	for _, keys := range [][]*vec{{s1}, {s2}, {i1}, {i2}, {s1, i2}, {i1, s2, s1}} {
		ref := make([]*vec, len(keys))
		for k, v := range keys {
			ref[k] = asDict(v)
		}
		got, want := hashKeys(keys, n, nil), hashKeys(ref, n, nil)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%d keys: row %d (%q): %x, want %x", len(keys), i, strs[i], got[i], want[i])
			}
		}
	}
}

// TestHashKeys_OneValueFirst: a first key whose rows all hold one 4-16
// byte value (a log's account ID, its hash folded once for all rows)
// hashes as the same values given as a dictionary, and is reported as one
// value; a first key that differs in one row (the second, the last, by
// its length alone, words equal), holds a NULL, or one value of another
// length, hashes the same too and is not reported so; with the keys
// after it.
func TestHashKeys_OneValueFirst(t *testing.T) {
	const n = 37
	rep := func(s string) []string { return slices.Repeat([]string{s}, n) }
	with := func(strs []string, i int, s string) []string {
		strs = slices.Clone(strs)
		strs[i] = s
		return strs
	}
	var ports []int64
	var addrs []string
	for i := range n {
		ports = append(ports, int64(i%5))
		addrs = append(addrs, "10.0."+strconv.Itoa(i%3)+".7")
	}
	second := []*vec{{t: tInt, n: n, i: ports}, {t: tString, n: n, s: addrs}}
	nullAt := func(n, i int) []bool {
		null := make([]bool, n)
		null[i] = true
		return null
	}
	for _, tc := range []struct {
		name string
		strs []string
		null []bool
		one  bool
	}{
		{"account ID", rep("123456789012"), nil, true},
		{"8 bytes", rep("10.0.0.1"), nil, true},
		{"16 bytes", rep("192.168.100.2000"), nil, true},
		{"4 bytes", rep("abcd"), nil, true},
		{"7 bytes", rep("1.2.3.4"), nil, true},
		{"3 bytes", rep("abc"), nil, false},
		{"17 bytes", rep("12345678901234567"), nil, false},
		{"empty", rep(""), nil, false},
		{"second row differs", with(rep("123456789012"), 1, "123456789013"), nil, false},
		{"last row differs", with(rep("123456789012"), n-1, "923456789012"), nil, false},
		{"last row longer, same words", with(rep("aaaaaaaaa"), n-1, "aaaaaaaaaa"), nil, false},
		{"middle row shorter, 4-7 bytes", with(rep("aaaaaa"), n/2, "aaaaa"), nil, false},
		{"a NULL slice, none NULL", rep("123456789012"), make([]bool, n), true},
		{"a NULL row", rep("123456789012"), nullAt(n, 3), false},
	} {
		null := tc.null
		first := &vec{t: tString, n: n, s: tc.strs, null: null}
		ref := &vec{t: tString, n: n, codes: iota32(n), dict: &vec{t: tString, n: n, s: tc.strs}, null: null}
		for k := range 3 {
			keys := append([]*vec{first}, second[:k]...)
			refs := append([]*vec{ref}, second[:k]...)
			one := make([]bool, len(keys))
			var vh []uint64
			got := hashKeysOne(keys, n, nil, &vh, one)
			want := hashKeys(refs, n, nil)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s, %d keys: row %d: %x; want %x", tc.name, len(keys), i, got[i], want[i])
				}
			}
			if one[0] != tc.one {
				t.Errorf("%s, %d keys: one value %v; want %v", tc.name, len(keys), one[0], tc.one)
			}
		}
	}
}

// TestAppendSpillString: a string's spilled form is its uvarint length
// and its bytes, whether the fast path (4-16 bytes, room for 17) or the
// slow one writes it, and it reads back; a block's room is never
// written past.
func TestAppendSpillString(t *testing.T) {
	for _, n := range []int{0, 1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 127, 128, 300} {
		s := strings.Repeat("0123456789abcdefghij", 16)[:n]
		want := append(binary.AppendUvarint([]byte("prefix"), uint64(n)), s...)
		for _, room := range []int{0, 1, n, n + 1, 16, 17, 64} {
			buf := make([]byte, 6, 6+room)
			copy(buf, "prefix")
			canary := buf[:cap(buf)]
			got := appendSpillString(buf, s)
			if !bytes.Equal(got, want) {
				t.Errorf("length %d, room %d: wrote %q; want %q", n, room, got, want)
			}
			if len(got) <= cap(canary) && &got[0] != &canary[0] {
				t.Errorf("length %d, room %d: reallocated though it fit", n, room)
			}
		}
	}
}

// TestSpillColumn_VarintBoundaries: lengths and differences on either
// side of a varint's one-byte form (decodeSpillColumn's fast paths) read
// back as written.
func TestSpillColumn_VarintBoundaries(t *testing.T) {
	ints := []int64{0, 63, -1, -65, 0, 64, 128, 127, -8192, 8191, math.MaxInt64, math.MinInt64, 5}
	var strs []string
	for _, n := range []int{0, 1, 4, 16, 17, 127, 128, 129, 300} {
		strs = append(strs, strings.Repeat("x", n))
	}
	for _, v := range []*vec{
		{t: tInt, n: len(ints), i: ints},
		{t: tInt, n: len(ints), i: ints, null: []bool{false, true, false, false, true, false, false, false, false, false, false, false, false}},
		{t: tString, n: len(strs), s: strs},
		{t: tString, n: len(strs), s: strs, null: []bool{true, false, false, false, false, true, false, false, false}},
	} {
		sel := make([]int32, v.n)
		for i := range sel {
			sel[i] = int32(i)
		}
		b := appendSpillColumn(nil, v, sel, nil)
		var a arena
		got := a.vec(v.t, v.n)
		if v.t.isStringy() {
			got.strs()
		} else {
			got.ints()
		}
		var last []byte
		rest, ok := decodeSpillColumn(b, got, 0, v.n, &last, new([]byte))
		if !ok || len(rest) != 0 {
			t.Fatalf("%s column (nulls %v): decoded %v with %d bytes left", v.t.name, v.null != nil, ok, len(rest))
		}
		for i := range v.n {
			if got.isNull(i) != v.isNull(i) || !v.isNull(i) && boxValue(got, i) != boxValue(v, i) {
				t.Errorf("%s column (nulls %v), row %d: got %v (null %v); want %v (null %v)", v.t.name, v.null != nil, i, boxValue(got, i), got.isNull(i), boxValue(v, i), v.isNull(i))
			}
		}
		// A truncated column is an error, never a panic.
		for cut := range len(b) {
			g := a.vec(v.t, v.n)
			if v.t.isStringy() {
				g.strs()
			} else {
				g.ints()
			}
			if rest, ok := decodeSpillColumn(b[:cut], g, 0, v.n, &last, new([]byte)); ok && len(rest) == 0 && cut < len(b) {
				t.Errorf("%s column cut at %d of %d bytes: decoded", v.t.name, cut, len(b))
			}
		}
	}
}

// TestSpillInts_Run: integers written for rows that are a run (a log's,
// selRun) and for rows given one by one take the varints of their
// differences (binary.AppendVarint's bytes), also across the one-, two-
// and three-byte forms of a difference, which storeVarint tells apart
// without a loop per byte.
func TestSpillInts_Run(t *testing.T) {
	var diffs []int64
	for _, d := range []int64{0, 1, 63, 64, 127, 128, 8191, 8192, 1 << 20, 1 << 40, math.MaxInt64 / 2} {
		diffs = append(diffs, d, -d, d-1, -d-1, d+1)
	}
	r := rand.New(rand.NewPCG(1, 2))
	ints := []int64{math.MaxInt64, math.MinInt64, 0, math.MinInt64, math.MaxInt64}
	for range 3000 {
		ints = append(ints, ints[len(ints)-1]+diffs[r.IntN(len(diffs))])
	}
	for _, span := range [][2]int{{0, 1}, {0, 5}, {3, 100}, {0, BatchRows}, {BatchRows - 7, BatchRows}, {1000, 3500}} {
		lo, hi := span[0], span[1]
		vals := make([]int64, BatchRows)
		for i := range vals {
			vals[i] = ints[i%len(ints)]
		}
		run := spillRowsIota[lo:hi]
		if at, ok := selRun(run); !ok || at != lo {
			t.Fatalf("rows [%d, %d): selRun %d %v; want %d true", lo, hi, at, ok, lo)
		}
		sel := slices.Clone(run)
		if _, ok := selRun(sel); ok {
			t.Fatalf("rows [%d, %d) copied: a run", lo, hi)
		}
		var want []byte
		var prev int64
		for _, x := range vals[lo:hi] {
			want = binary.AppendVarint(want, x-prev)
			prev = x
		}
		if got := appendSpillInts([]byte{7}, vals, run, nil); !bytes.Equal(got[1:], want) || got[0] != 7 {
			t.Errorf("rows [%d, %d) as a run: % x...; want % x...", lo, hi, got[:min(len(got), 24)], want[:min(len(want), 23)])
		}
		if got := appendSpillInts(nil, vals, sel, nil); !bytes.Equal(got, want) {
			t.Errorf("rows [%d, %d) one by one: % x...; want % x...", lo, hi, got[:min(len(got), 24)], want[:min(len(want), 24)])
		}
	}
}

// TestDecodeSpillInts: the one-load decoding of a varint of up to 8
// bytes reads what binary.Varint reads, for differences of every length
// (also non-canonical varints, a zero byte after 0x80s), at every
// distance from the end of the bytes, NULL rows skipped.
func TestDecodeSpillInts(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var diffs []int64
	for sh := range 64 {
		d := int64(1) << sh
		diffs = append(diffs, d, -d, d-1, -d+1, int64(r.Uint64()>>(63-sh)))
	}
	diffs = append(diffs, math.MaxInt64, math.MinInt64)
	var b []byte
	for _, d := range diffs {
		b = binary.AppendVarint(b, d)
	}
	b = append(b, 0x80, 0x80, 0x00, 0xff, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00) // non-canonical
	// The reference: binary.Varint value by value.
	var want []int64
	var prev int64
	for rest := b; len(rest) > 0; {
		d, w := binary.Varint(rest)
		if w <= 0 {
			t.Fatalf("reference: % x", rest)
		}
		prev += d
		want = append(want, prev)
		rest = rest[w:]
	}
	for _, tail := range []int{0, 1, 7, 8, 20} {
		in := append(slices.Clone(b), make([]byte, tail)...)
		got := make([]int64, len(want))
		rest, ok := decodeSpillInts(in, got, nil)
		if !ok || len(rest) != tail || !slices.Equal(got, want) {
			t.Errorf("tail %d: ok %v, %d left; values equal %v", tail, ok, len(rest), slices.Equal(got, want))
		}
		// With NULL rows between: they read nothing and keep their value.
		null := make([]bool, 2*len(want))
		got = make([]int64, len(null))
		for i := range null {
			null[i] = i%2 == 1
			got[i] = -7
		}
		rest, ok = decodeSpillInts(in, got, null)
		for i, x := range want {
			if got[2*i] != x || got[2*i+1] != -7 {
				ok = false
			}
		}
		if !ok || len(rest) != tail {
			t.Errorf("tail %d with NULLs: ok %v, %d left", tail, ok, len(rest))
		}
	}
	// Truncated within the last varint: corrupt.
	last := binary.AppendVarint(nil, math.MinInt64)
	for cut := 1; cut < len(last); cut++ {
		in := append(bytes.Repeat([]byte{0x02}, 9), last[:cut]...)
		if _, ok := decodeSpillInts(in, make([]int64, 10), nil); ok {
			t.Errorf("cut at %d: decoded", cut)
		}
	}
}

// TestSpillFixedInts_RoundTrip: integers written in fixed widths read
// back through decodeSpillColumn for every width, with or without bytes
// after them (the word loads near the end), and a width out of 1-8 or a
// short column is corrupt.
func TestSpillFixedInts_RoundTrip(t *testing.T) {
	defer func(le bool) { nativeLittle = le }(nativeLittle)
	for _, le := range []bool{true, false} {
		nativeLittle = le // word stores and loads, and the big-endian loops
		testSpillFixedIntsRoundTrip(t)
	}
}

func testSpillFixedIntsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	widths := map[byte]bool{}
	for _, bitsN := range []int{0, 1, 7, 8, 15, 16, 31, 40, 55, 56, 63, 64} {
		for _, rows := range []int{2, 3, 9, 100, -9} {
			extreme := rows < 0 // a difference of 64 bits
			rows = max(rows, -rows)
			ints := make([]int64, rows)
			for i := range ints {
				if bitsN > 0 {
					ints[i] = int64(r.Uint64() >> (64 - bitsN))
				}
				if r.IntN(2) == 0 {
					ints[i] = -ints[i]
				}
			}
			if extreme {
				ints[0] = math.MinInt64 + int64(bitsN)
			}
			sel := make([]int32, rows)
			for i := range sel {
				sel[i] = int32(rows - 1 - i)
			}
			b := appendSpillFixedInts(nil, ints, sel)
			if b[0] != spillFixedInts || b[1] < 1 || b[1] > 8 || len(b) != 2+int(b[1])*rows {
				t.Fatalf("%d bits, %d rows: mode %d width %d, %d bytes", bitsN, rows, b[0], b[1], len(b))
			}
			widths[b[1]] = true
			for _, tail := range []int{0, 1, 9} {
				in := append(slices.Clone(b), make([]byte, tail)...)
				var a arena
				v := a.vec(tInt, rows)
				v.ints()
				var last []byte
				rest, ok := decodeSpillColumn(in, v, 0, rows, &last, new([]byte))
				if !ok || len(rest) != tail {
					t.Fatalf("%d bits, %d rows, tail %d: ok %v, %d left", bitsN, rows, tail, ok, len(rest))
				}
				for j, i := range sel {
					if v.i[j] != ints[i] {
						t.Fatalf("%d bits, %d rows, tail %d: row %d = %d; want %d", bitsN, rows, tail, j, v.i[j], ints[i])
					}
				}
			}
			var a arena
			v := a.vec(tInt, rows)
			v.ints()
			var last []byte
			if _, ok := decodeSpillColumn(b[:len(b)-1], v, 0, rows, &last, new([]byte)); ok {
				t.Errorf("%d bits, %d rows: a short column decoded", bitsN, rows)
			}
			for _, w := range []byte{0, 9} {
				bad := slices.Clone(b)
				bad[1] = w
				if _, ok := decodeSpillColumn(bad, v, 0, rows, &last, new([]byte)); ok {
					t.Errorf("width %d decoded", w)
				}
			}
			s := a.vec(tString, rows)
			s.strs()
			if _, ok := decodeSpillColumn(b, s, 0, rows, &last, new([]byte)); ok {
				t.Errorf("integers decoded as strings")
			}
		}
	}
	if len(widths) != 8 {
		t.Errorf("widths written: %v; want every one of 1-8", widths)
	}
}

// TestSpillColumn_VarintOverflow: an integer of more than 64 bits (a
// tenth byte over 1, an eleventh byte) is corrupt, as binary.Varint has
// it; the largest that fits reads back.
func TestSpillColumn_VarintOverflow(t *testing.T) {
	nines := bytes.Repeat([]byte{0xff}, 9)
	for _, tc := range []struct {
		b    []byte
		ok   bool
		want int64
	}{
		{append(append([]byte{spillPlain}, nines...), 0x01), true, math.MinInt64},
		{append(append([]byte{spillPlain}, nines...), 0x02), false, 0},
		{append(append([]byte{spillPlain}, nines...), 0x80, 0x01), false, 0},
		{append([]byte{spillPlain}, nines...), false, 0},
	} {
		var a arena
		v := a.vec(tInt, 1)
		v.ints()
		var last []byte
		_, ok := decodeSpillColumn(tc.b, v, 0, 1, &last, new([]byte))
		if ok != tc.ok || ok && v.i[0] != tc.want {
			t.Errorf("% x: decoded %v (%d); want %v (%d)", tc.b, ok, v.i[0], tc.ok, tc.want)
		}
		if _, n := binary.Varint(tc.b[1:]); (n > 0) != tc.ok {
			t.Errorf("% x: binary.Varint reads %d bytes", tc.b, n)
		}
	}
}

func negZero() float64 { z := 0.0; return -z }

// TestSpillFile_RoundTrip writes rows of every spillable type in two
// segments of one block, with every column mode (NULLs in some rows, in
// all, none, one value in all), and reads them back; a damaged block is
// an error, not wrong groups.
func TestSpillFile_RoundTrip(t *testing.T) {
	nan := math.Float64frombits(0x7ff8000000000001)
	cols := []*vec{
		{t: tString, n: 5, s: []string{"", "héllo", "x", "yy", ""}, null: []bool{false, false, true, false, true}},
		{t: tInt, n: 5, i: []int64{math.MinInt64, 0, math.MaxInt64, 42, -7}},
		{t: tDouble, n: 5, f: []float64{-1.5, negZero(), 3e300, nan, 0}},
		{t: tBool, n: 5, b: []bool{true, false, true, true, false}, null: []bool{false, true, false, false, false}},
		{t: tString, n: 5, s: []string{"s3://bucket/a.log.gz", "s3://bucket/a.log.gz", "s3://bucket/a.log.gz", "s3://bucket/a.log.gz", "s3://bucket/a.log.gz"}},
		{t: tInt, n: 5, i: make([]int64, 5), null: []bool{true, true, true, true, true}},
		{t: tNull, n: 5, null: []bool{true, true, true, true, true}},
	}
	segs := [][]int32{{0, 2, 4}, {1, 3}}
	// A block: its rows' key hashes, then the segments.
	hash := []uint32{1, 0, 5, 0xffffffff, 4} // of rows 0, 2, 4, 1, 3, as written
	var b []byte
	for _, h := range hash {
		b = binary.LittleEndian.AppendUint32(b, h)
	}
	last := make([]spillRef, len(cols))
	var second int // where the second segment starts
	for _, sel := range segs {
		second = len(b)
		b = appendSpillSegment(b, nil, nil, cols, 2, sel, last)
	}
	// The path, constant in both segments, is written once.
	if n := strings.Count(string(b), cols[4].s[0]); n != 1 {
		t.Errorf("the constant path is written %d times; want once", n)
	}
	file := append([]byte("junk"), b...)
	types := make([]*dtype, len(cols))
	for c, v := range cols {
		types[c] = v.t
	}
	var a arena
	sr := spillReader{f: bytes.NewReader(file), blocks: []spillBlock{{off: 4, size: len(b), rows: 5}}, types: types}
	got, n, err := sr.next(&a)
	if err != nil || n != 5 {
		t.Fatalf("next: %d rows, %v", n, err)
	}
	if _, _, err := sr.next(&a); err != io.EOF {
		t.Errorf("after the last block: %v; want io.EOF", err)
	}
	// The key hashes alone (their low 32 bits), no column decoded; or
	// with one column after the keys.
	wantHash := hash
	hashOnly := spillReader{f: bytes.NewReader(file), blocks: []spillBlock{{off: 4, size: len(b), rows: 5}}, types: types, part: spillHash, nkeys: 2}
	if hc, n, err := hashOnly.next(&a); err != nil || n != 5 || len(hc) != 0 || !slices.Equal(hashOnly.hash, wantHash) {
		t.Errorf("hashes only: %d columns of %d rows, hashes %x, %v; want 0 of 5, hashes %x", len(hc), n, hashOnly.hash, err, wantHash)
	}
	colHash := spillReader{f: bytes.NewReader(file), blocks: []spillBlock{{off: 4, size: len(b), rows: 5}}, types: types, part: spillCol, nkeys: 2, col: 3, withHash: true}
	if cc, n, err := colHash.next(&a); err != nil || n != 5 || len(cc) != 1 || !slices.Equal(colHash.hash, wantHash) {
		t.Errorf("column 3 and hashes: %d columns of %d rows, hashes %x, %v; want 1 of 5, hashes %x", len(cc), n, colHash.hash, err, wantHash)
	} else {
		for r, i := range []int{0, 2, 4, 1, 3} {
			if cc[0].isNull(r) != cols[3].isNull(i) || !cols[3].isNull(i) && cc[0].b[r] != cols[3].b[i] {
				t.Errorf("column 3, row %d: %v (null %v); want row %d's", r, cc[0].b[r], cc[0].isNull(r), i)
			}
		}
	}
	// Blocks are read together, up to spillReadRows rows.
	two := spillReader{f: bytes.NewReader(file), blocks: []spillBlock{{off: 4, size: len(b), rows: 5}, {off: 4, size: len(b), rows: 5}}, types: types}
	if _, n, err := two.next(&a); n != 10 || err != nil {
		t.Errorf("two blocks: read %d rows (%v); want 10 at once", n, err)
	}
	for c, v := range cols {
		r := 0
		for _, sel := range segs {
			for _, i := range sel {
				i := int(i)
				same := v.isNull(i) == got[c].isNull(r)
				if same && !v.isNull(i) {
					switch {
					case v.t.k == kDouble:
						same = math.Float64bits(v.f[i]) == math.Float64bits(got[c].f[r])
					default:
						same = boxValue(v, i) == boxValue(got[c], r)
					}
				}
				if !same {
					t.Errorf("column %d row %d: got %v (null %v), want %v (null %v)", c, i, boxValue(got[c], r), got[c].isNull(r), boxValue(v, i), v.isNull(i))
				}
				r++
			}
		}
	}
	if got[1].null != nil || got[4].null != nil {
		t.Errorf("columns without NULL decoded with a null slice: the grouper's fast paths need nil")
	}
	// A log's block: the segments, then the hashes (spillBlock.tail).
	tailFile := append(append([]byte("junk"), b[4*len(hash):]...), b[:4*len(hash)]...)
	tailBlk := []spillBlock{{off: 4, size: len(b), rows: 5, tail: true}}
	tailAll := spillReader{f: bytes.NewReader(tailFile), blocks: tailBlk, types: types}
	if tc, n, err := tailAll.next(&a); err != nil || n != 5 {
		t.Errorf("hashes after the segments: %d rows, %v", n, err)
	} else {
		for c := range cols {
			for r := range n {
				same := tc[c].isNull(r) == got[c].isNull(r)
				switch {
				case !same || got[c].isNull(r):
				case cols[c].t.k == kDouble:
					same = math.Float64bits(tc[c].f[r]) == math.Float64bits(got[c].f[r])
				default:
					same = boxValue(tc[c], r) == boxValue(got[c], r)
				}
				if !same {
					t.Errorf("hashes after the segments: column %d row %d: %v; want %v", c, r, boxValue(tc[c], r), boxValue(got[c], r))
				}
			}
		}
	}
	tailHash := spillReader{f: bytes.NewReader(tailFile), blocks: tailBlk, types: types, part: spillHash, nkeys: 2}
	if hc, n, err := tailHash.next(&a); err != nil || n != 5 || len(hc) != 0 || !slices.Equal(tailHash.hash, wantHash) {
		t.Errorf("hashes after the segments, hashes only: %d columns of %d rows, hashes %x, %v; want 0 of 5, hashes %x", len(hc), n, tailHash.hash, err, wantHash)
	}
	tailCol := spillReader{f: bytes.NewReader(tailFile), blocks: tailBlk, types: types, part: spillCol, nkeys: 2, col: 3, withHash: true}
	if cc, n, err := tailCol.next(&a); err != nil || n != 5 || len(cc) != 1 || !slices.Equal(tailCol.hash, wantHash) {
		t.Errorf("hashes after the segments, column 3 and hashes: %d columns of %d rows, hashes %x, %v; want 1 of 5, hashes %x", len(cc), n, tailCol.hash, err, wantHash)
	}
	for _, blk := range []spillBlock{{4, 3, 5, false}, {4, 19, 5, false}, {4, len(b) - 1, 5, false}, {4, len(b), 6, false}, {4, len(b), 4, false}, {4, len(b), 2, false}, {5, len(b), 5, false}, {4, len(b) - 1, 5, true}, {4, len(b), 6, true}} {
		sr := spillReader{f: bytes.NewReader(file), blocks: []spillBlock{blk}, types: types}
		if _, _, err := sr.next(&a); err == nil {
			t.Errorf("block %+v: no error", blk)
		}
	}
	// The second segment alone, in a block of its own: its path
	// refers to the first segment's.
	alone := append(append([]byte("junk"), b[12:20]...), b[second:]...)
	sr = spillReader{f: bytes.NewReader(alone), blocks: []spillBlock{{4, len(alone) - 4, 2, false}}, types: types}
	if _, _, err := sr.next(&a); err == nil {
		t.Errorf("a segment repeating a value from another block: no error")
	}
}

// TestSpillSet_ConstantColumns: a column that holds one value over a
// chunk (array_agg(DISTINCT "$path") in every flow-log hunt) is written
// once per segment, not once per row: rows of an 8-byte key and a
// 150-byte path cost about 10 bytes each (they cost 160).
func TestSpillSet_ConstantColumns(t *testing.T) {
	n := BatchRows
	keys := make([]int64, n)
	paths := make([]string, n)
	path := "s3://flow-logs/AWSLogs/111111111111/vpcflowlogs/eu-west-1/2026/01/05/111111111111_vpcflowlogs_eu-west-1_fl-0e1ca3599293cad05_20260105T0440Z_ae20be7b.log.gz"
	for i := range keys {
		keys[i] = 1_700_000_000 + int64(i)*37
		paths[i] = path
	}
	cols := []*vec{{t: tInt, n: n, i: keys}, {t: tString, n: n, s: paths}}
	s := newSpillSet(t.TempDir(), 0)
	defer s.close()
	for range 10 {
		if err := s.write(cols, 1, n); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.finish(); err != nil {
		t.Fatal(err)
	}
	rows := int64(10 * n)
	if got := s.off; got == 0 || got > rows*12 {
		t.Errorf("%d rows with a constant %d-byte column took %d bytes; want at most %d", rows, len(path), got, rows*12)
	}
	// And they read back.
	var a arena
	read := 0
	for p := range spillParts {
		sr := spillReader{f: s.f, blocks: s.blocks[p], types: []*dtype{tInt, tString}}
		for {
			got, m, err := sr.next(&a)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := range m {
				if got[1].s[i] != path || (got[0].i[i]-1_700_000_000)%37 != 0 {
					t.Fatalf("partition %d row %d: %d %q", p, i, got[0].i[i], got[1].s[i])
				}
			}
			read += m
		}
	}
	if int64(read) != rows {
		t.Errorf("read %d rows back; want %d", read, rows)
	}
}

// writeSyscalls returns the write system calls of the process so far
// (/proc/self/io syscw), or -1 where that is not available.
func writeSyscalls() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "syscw: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}

// TestSpillSet_FewWrites: blocks reach the file several per write system
// call, not one each (a write per 16 KiB block was most of spilling's
// system time). ~6 MB of blocks: ~390 blocks, about 50 writes (one per
// block before).
func TestSpillSet_FewWrites(t *testing.T) {
	if writeSyscalls() < 0 {
		t.Skip("no /proc/self/io")
	}
	n := 2 * BatchRows
	keys := make([]int64, n)
	strs := make([]string, n)
	for i := range keys {
		keys[i] = int64(i)
		strs[i] = "arn:aws:iam::111111111111:user/u" + strconv.Itoa(i)
	}
	cols := []*vec{{t: tInt, n: n, i: keys}, {t: tString, n: n, s: strs}}
	s := newSpillSet(t.TempDir(), 0)
	defer s.close()
	before := writeSyscalls()
	for range 20 {
		if err := s.write(cols, 1, n); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.finish(); err != nil {
		t.Fatal(err)
	}
	writes := writeSyscalls() - before
	blocks := 0
	for p := range spillParts {
		blocks += len(s.blocks[p])
	}
	if blocks < 4*spillParts {
		t.Fatalf("%d blocks (%d bytes); the test needs several per partition", blocks, s.off)
	}
	if writes > int64(blocks/4) {
		t.Errorf("%d blocks took %d write calls; want at most %d", blocks, writes, blocks/4)
	}
}

// TestSpillSet_Memory: a spilling aggregate holds one block's room (plus
// a segment) per partition, one write buffer and a partition and a row
// index per row of a chunk: hunt run's hundreds of hunts have dozens of
// spill sets at once. With 4 KiB blocks and a 64 KiB write buffer that is
// ~0.4 MB a set (16 KiB blocks: 1.4 MB, 500 hunts ~90 MB in all).
func TestSpillSet_Memory(t *testing.T) {
	n := 2 * BatchRows
	keys := make([]int64, n)
	strs := make([]string, n)
	for i := range keys {
		keys[i] = int64(i)
		strs[i] = "arn:aws:iam::111111111111:user/u" + strconv.Itoa(i)
	}
	cols := []*vec{{t: tInt, n: n, i: keys}, {t: tString, n: n, s: strs}}
	s := newSpillSet(t.TempDir(), 0)
	defer s.close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 20 { // ~3.5 MB: every partition flushes blocks
		if err := s.write(cols, 1, n); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if s.off == 0 {
		t.Fatal("nothing was written to the file; the test proves nothing")
	}
	// Partitions' blocks, the write buffer, per-row scratch (hashes,
	// partitions, order) and the index of blocks written, which grows
	// with the data.
	extra := int64(n * (8 + 8 + 1 + 4))
	for p := range spillParts {
		extra += 2 * int64(cap(s.blocks[p])) * int64(unsafe.Sizeof(spillBlock{}))
	}
	held := int64(spillParts*(spillBlockBytes+spillBlockBytes/4)+spillWriteBytes) + extra
	got := int64(after.TotalAlloc - before.TotalAlloc)
	if got > held+held/8 {
		t.Errorf("writing %d rows allocated %d bytes; want about the %d of the partitions' blocks, buffers and index", 20*n, got, held)
	}
	if got-extra > 512<<10 {
		t.Errorf("a spill set's buffers took %d bytes; want at most 512 KiB", got-extra)
	}
	if err := s.finish(); err != nil {
		t.Fatal(err)
	}
}

// flowStartBatches builds nb flow-log batches of BatchRows rows with only
// the start and bytes columns: start is f(row number), bytes the row
// number.
func flowStartBatches(mem memory.Allocator, nb int, f func(int) int64) []arrow.RecordBatch {
	schema := flowSchema("start", "bytes")
	fields := schema.Fields()
	out := make([]arrow.RecordBatch, nb)
	for b := range out {
		rb := array.NewRecordBuilder(mem, schema)
		for i := range BatchRows {
			n := b*BatchRows + i
			for k, fd := range fields {
				x := int64(n)
				if fd.Name == "start" {
					x = f(n)
				}
				rb.Field(k).(*array.Int64Builder).Append(x)
			}
		}
		out[b] = rb.NewRecordBatch()
		rb.Release()
	}
	return out
}

// TestAggregateSpill_StreamChunks: a spilled aggregate emits its groups
// in chunks of at most BatchRows, as Run.Stream promises, also when one
// partition finishes with more groups than that (it pushed each
// partition's groups as one chunk, copied into columns first). 72
// batches of distinct keys; 5,000 freeze, the other ~290,000 spill into
// partitions of ~4,600.
func TestAggregateSpill_StreamChunks(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := flowStartBatches(mem, 72, func(n int) int64 { return int64(n) })
	defer releaseAll(recs)
	q, err := Compile(`SELECT start, count(*), sum(bytes) FROM vpc_flow GROUP BY start`, Options{MaxGroups: 5000, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	rows, largest := 0, 0
	r.Stream(func(res *Result) error {
		rows += res.Len()
		largest = max(largest, res.Len())
		return nil
	})
	before := spillFiles.Load()
	for _, rec := range recs {
		if err := r.Push(0, rec); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Finish(); err != nil {
		t.Fatal(err)
	}
	if spillFiles.Load() == before {
		t.Fatal("did not spill")
	}
	if want := len(recs) * BatchRows; rows != want {
		t.Errorf("%d groups streamed; want %d", rows, want)
	}
	if largest > BatchRows {
		t.Errorf("a streamed result has %d rows; want at most %d", largest, BatchRows)
	}
}

// TestAggregateSpill_TableBound: an aggregate whose budget has room
// still freezes and spills once its groups pass maxTableBytes (finishing
// them a partition at a time is cheaper than growing the table), with
// the in-memory answer; a budget eight times the groups' size keeps them.
// 30 batches of distinct keys: ~123,000 groups of 104 estimated bytes,
// ~12.8 MB, under the default 64 MiB budget.
func TestAggregateSpill_TableBound(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := flowStartBatches(mem, 30, func(n int) int64 { return int64(n) * 7 })
	defer releaseAll(recs)
	sql := `SELECT start, count(*), sum(bytes) FROM vpc_flow GROUP BY start HAVING sum(bytes) % 1000 = 3`
	want := runWith(t, sql, Options{AggregateMemory: -1}, 1, recs)
	if strings.Count(want, "\n") < 100 {
		t.Fatalf("only %d rows", strings.Count(want, "\n"))
	}
	for _, tc := range []struct {
		budget  int64
		workers int
		spill   bool
	}{{0, 1, true}, {0, 2, true}, {1 << 30, 1, false}} {
		before := spillFiles.Load()
		if got := runWith(t, sql, Options{AggregateMemory: tc.budget, TempDir: t.TempDir()}, tc.workers, recs); got != want {
			t.Errorf("budget %d, %d workers: answer differs:\n%.300s\nwant\n%.300s", tc.budget, tc.workers, got, want)
		}
		if spilled := spillFiles.Load() > before; spilled != tc.spill {
			t.Errorf("budget %d, %d workers: ~12.8 MB of groups spilled %v; want %v (bound %d bytes)", tc.budget, tc.workers, spilled, tc.spill, maxTableBytes)
		}
	}
}

// TestAggregateSpill_Sparse: an aggregate whose HAVING bounds its groups
// freezes once its table passes a 128th of the table bound if its groups
// hold fewer than sparseRows rows each (then spilling to its log costs
// less than grouping) and then spills rows without looking them up in
// the frozen groups, and gives the in-memory answer; groups that repeat
// more, and aggregates without a bound, keep their tables. 8 batches:
// ~29,500 groups of one row (~3.1 MB estimated, under the 8 MiB bound),
// or ~4,900 of six rows, and 50 groups of ~650 rows.
func TestAggregateSpill_Sparse(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, tc := range []struct {
		name  string
		start func(int) int64
		sql   string
		spill bool
	}{
		{"one_row_groups", func(n int) int64 { return int64(n) }, `HAVING count(*) >= 3`, true},
		{"one_row_groups_sum", func(n int) int64 { return int64(n) }, `HAVING sum(bytes) >= 100000`, true},
		{"six_row_groups", func(n int) int64 { return int64(n / 6) }, `HAVING count(*) >= 3`, false},
		{"three_row_groups", func(n int) int64 { return int64(n / 3) }, `HAVING count(*) >= 3`, true},
		{"no_bound", func(n int) int64 { return int64(n) }, `HAVING sum(bytes) % 1000 = 3`, false},
	} {
		recs := flowStartBatches(mem, 8, func(n int) int64 {
			if n%10 == 0 {
				return int64(-1 - n/10%50) // 50 groups of ~650 rows pass
			}
			return tc.start(n)
		})
		sql := `SELECT start, count(*), sum(bytes) FROM vpc_flow GROUP BY start ` + tc.sql
		want := runWith(t, sql, Options{AggregateMemory: -1}, 1, recs)
		if strings.Count(want, "\n") < 10 {
			t.Fatalf("%s: only %d rows", tc.name, strings.Count(want, "\n"))
		}
		for _, workers := range []int{1, 2} {
			before, looked := spillFiles.Load(), knownLooked.Load()
			if got := runWith(t, sql, Options{TempDir: t.TempDir()}, workers, recs); got != want {
				t.Errorf("%s, %d workers: answer differs:\n%.300s\nwant\n%.300s", tc.name, workers, got, want)
			}
			if spilled := spillFiles.Load() > before; spilled != tc.spill {
				t.Errorf("%s, %d workers: spilled %v; want %v", tc.name, workers, spilled, tc.spill)
			}
			if n := knownLooked.Load() - looked; tc.spill && n > 0 {
				t.Errorf("%s, %d workers: %d spilled rows looked up in groups frozen because they barely repeat; want none", tc.name, workers, n)
			}
		}
		releaseAll(recs)
	}
}

// TestSpillSet_BlockRows: a block holds at most BatchRows rows, also
// when they take no bytes (every column constant over each chunk, one
// key): a reader decodes a block whole, and 40,960 such rows fit in one
// 4 KiB block.
func TestSpillSet_BlockRows(t *testing.T) {
	n := BatchRows
	keys := make([]int64, n)
	strs := make([]string, n)
	for i := range keys {
		keys[i] = 7
		strs[i] = "s3://bucket/object.log.gz"
	}
	cols := []*vec{{t: tInt, n: n, i: keys}, {t: tString, n: n, s: strs}}
	s := newSpillSet(t.TempDir(), 0)
	defer s.close()
	for range 10 {
		if err := s.write(cols, 1, n); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.finish(); err != nil {
		t.Fatal(err)
	}
	rows := 0
	for p := range spillParts {
		for _, blk := range s.blocks[p] {
			rows += blk.rows
			if blk.rows > BatchRows {
				t.Errorf("partition %d: a block of %d rows (%d bytes); want at most %d", p, blk.rows, blk.size, BatchRows)
			}
		}
	}
	if rows != 10*n {
		t.Errorf("%d rows written; want %d", rows, 10*n)
	}
}

// TestAggregateSpill_ReusesPartitionTables: finishing a spilled
// aggregate empties one partition's table for the next rather than
// growing a fresh one from nothing (each of its maps rehashed a dozen
// times, each state slice regrown), with the in-memory answer. 294,912
// groups (72 batches of distinct starts, two keys) spill past 5,000
// groups into 64 partitions of ~4,600; the allocations of Finish are
// counted per partition.
func TestAggregateSpill_ReusesPartitionTables(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := flowStartBatches(mem, 72, func(n int) int64 { return int64(n) * 3 })
	defer releaseAll(recs)
	sql := `SELECT start, bytes % 2, count(*), sum(bytes), min(bytes), count(DISTINCT bytes) FROM vpc_flow
		GROUP BY start, bytes % 2 HAVING count(*) > 1 OR start % 100000 = 3`
	want := runWith(t, sql, Options{MaxGroups: -1}, 1, recs)
	if got := runWith(t, sql, Options{MaxGroups: 5000, TempDir: t.TempDir()}, 1, recs); got != want {
		t.Errorf("spilled answer differs:\n%.300s\nwant\n%.300s", got, want)
	}
	q, err := Compile(sql, Options{MaxGroups: 5000, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	for _, rec := range recs {
		if err := r.Push(0, rec); err != nil {
			t.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := r.Finish(); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if perPart := (after.Mallocs - before.Mallocs) / spillParts; perPart > 100 {
		t.Errorf("finishing allocated %d times per partition; want at most 100 (tables reused; 269 when each partition grew its own)", perPart)
	}
}

// TestSpillSet_BlocksGrow: a set that spills tens of megabytes writes
// larger blocks as it goes (up to spillBlockMax), so reading a partition
// back takes fewer reads; one that spills little keeps small blocks.
func TestSpillSet_BlocksGrow(t *testing.T) {
	n := BatchRows
	keys := make([]int64, n)
	strs := make([]string, n)
	for i := range keys {
		strs[i] = "arn:aws:iam::111111111111:user/u" + strconv.Itoa(i)
	}
	cols := []*vec{{t: tInt, n: n, i: keys}, {t: tString, n: n, s: strs}}
	for _, tc := range []struct {
		chunks  int
		maxSize int // largest block wanted, at least
	}{{10, spillBlockBytes}, {250, spillBlockMax}} {
		s := newSpillSet(t.TempDir(), 0)
		for c := range tc.chunks {
			for i := range keys {
				keys[i] = int64(c*n + i) // every row a new key
			}
			if err := s.write(cols, 1, n); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.finish(); err != nil {
			t.Fatal(err)
		}
		blocks, largest, rows := 0, 0, 0
		for p := range spillParts {
			for _, blk := range s.blocks[p] {
				blocks++
				largest = max(largest, blk.size)
				rows += blk.rows
			}
		}
		s.close()
		if rows != tc.chunks*n {
			t.Errorf("%d chunks: %d rows written; want %d", tc.chunks, rows, tc.chunks*n)
		}
		if largest < tc.maxSize*3/4 || largest > tc.maxSize*5/4+64 {
			t.Errorf("%d chunks (%d bytes): largest block %d bytes; want about %d", tc.chunks, s.off, largest, tc.maxSize)
		}
		t.Logf("%d chunks: %d bytes in %d blocks", tc.chunks, s.off, blocks)
	}
}

// TestAggregateSpill_PartSlack: finishing a spilled aggregate, a
// partition whose groups pass the table bound, but not twice it, is
// finished in one table, not split one level down (which hashed,
// gathered and merged all its groups again: a third of finishing
// vpc_large_egress over the 2 GiB corpus, whose partitions came out just
// past the bound); one past twice the bound still splits. Both give the
// in-memory answer. With a 16 KiB bound, 4 batches of distinct keys are
// ~1.7 MB of groups, ~27 KB a partition; 12 batches ~80 KB.
func TestAggregateSpill_PartSlack(t *testing.T) {
	defer func(b int64, n, r int) { maxTableBytes, spillBlockBytes, spillReadRows = b, n, r }(maxTableBytes, spillBlockBytes, spillReadRows)
	// Small blocks read one at a time: a partition's table checks its
	// limits between blocks, and rows past them go to a second level.
	maxTableBytes, spillBlockBytes, spillReadRows = 16<<10, 512, 1
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	sql := `SELECT start, count(*), sum(bytes) FROM vpc_flow GROUP BY start HAVING sum(bytes) % 1000 = 3`
	for _, tc := range []struct {
		batches, workers int
		split            bool // a second level of spill files
	}{{4, 1, false}, {4, 2, false}, {12, 1, true}} {
		recs := flowStartBatches(mem, tc.batches, func(n int) int64 { return int64(n) * 7 })
		want := runWith(t, sql, Options{AggregateMemory: -1}, 1, recs)
		before := spillFiles.Load()
		got := runWith(t, sql, Options{AggregateMemory: 64 << 10, TempDir: t.TempDir()}, tc.workers, recs)
		releaseAll(recs)
		if got != want {
			t.Errorf("%d batches, %d workers: answer differs:\n%.300s\nwant\n%.300s", tc.batches, tc.workers, got, want)
		}
		files := spillFiles.Load() - before
		if split := files > int64(tc.workers); files == 0 || split != tc.split {
			t.Errorf("%d batches, %d workers: %d spill files; want %d, then a second level %v", tc.batches, tc.workers, files, tc.workers, tc.split)
		}
	}
}

// TestAggregateSpill_IDs: a spilled aggregate of several keys writes
// them as value IDs of its worker's grouper and its partitions read them
// back coded in the worker's values: the answer is the in-memory one at
// 1 and 3 workers (each worker's IDs its own), with NULL keys, when a
// worker's values pass their bound midway (its later rows spill as
// values, and batches read back mix both), and a level down (keys read
// as IDs spill again as values).
func TestAggregateSpill_IDs(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := flowSchema("account_id", "srcaddr", "dstaddr", "start", "bytes")
	var recs []arrow.RecordBatch
	for b := range 24 {
		rows := make([]map[string]any, 400)
		for i := range rows {
			n := b*len(rows) + i
			c := n * 7919 % 5000 // conversations, each seen about twice, far apart (at 3 workers, often by two)
			row := map[string]any{
				"account_id": []string{"111111111111", "222222222222", "333333333333"}[c%3],
				"srcaddr":    "10.0." + strconv.Itoa(c%7) + "." + strconv.Itoa(c%211),
				"dstaddr":    "172.16." + strconv.Itoa(c%5) + "." + strconv.Itoa(c%97),
				"start":      1767571200 + int64(c%9)*3600 + int64(n%60),
				"bytes":      int64(40 + n%1000),
			}
			if c%17 == 0 {
				delete(row, "srcaddr") // NULL keys
			}
			rows[i] = row
		}
		recs = append(recs, buildRecord(mem, schema, rows))
	}
	defer releaseAll(recs)
	sql := `SELECT account_id, srcaddr, dstaddr, start - start % 3600 AS hour, sum(bytes), count(*), max(bytes)
		FROM vpc_flow GROUP BY account_id, srcaddr, dstaddr, start - start % 3600`
	want := runWith(t, sql, Options{MaxGroups: -1}, 1, recs)
	if n := strings.Count(want, "\n"); n < 2000 {
		t.Fatalf("only %d groups", n)
	}
	defer func(b int64, n, r int) { maxTableBytes, spillBlockBytes, spillReadRows = b, n, r }(maxTableBytes, spillBlockBytes, spillReadRows)
	for _, tc := range []struct {
		name       string
		maxGroups  int
		tableBytes int64 // also the bound of a worker's values
		blockBytes int
		readRows   int
		mixed      bool // some rows spill as values
	}{
		{"ids", 300, 8 << 20, 4 << 10, BatchRows, false},
		{"values_midway", 300, 24 << 10, 4 << 10, BatchRows, true},
		{"levels", 40, 8 << 20, 64, 1, false},
	} {
		maxTableBytes, spillBlockBytes, spillReadRows = tc.tableBytes, tc.blockBytes, tc.readRows
		for _, workers := range []int{1, 3} {
			rows, ids, files := spillRowsWritten.Load(), spillIDRows.Load(), spillFiles.Load()
			opts := Options{MaxGroups: tc.maxGroups, TempDir: t.TempDir()}
			if tc.mixed {
				opts.AggregateMemory = 8 * tc.tableBytes // the table bound stays tc.tableBytes
			}
			got := runWith(t, sql, opts, workers, recs)
			if got != want {
				t.Errorf("%s, %d workers: answer differs:\n%.300s\nwant\n%.300s", tc.name, workers, got, want)
			}
			rows, ids, files = spillRowsWritten.Load()-rows, spillIDRows.Load()-ids, spillFiles.Load()-files
			if ids == 0 {
				t.Errorf("%s, %d workers: no row spilled as IDs (%d rows spilled)", tc.name, workers, rows)
			}
			if tc.mixed && rows <= ids {
				t.Errorf("%s, %d workers: %d rows spilled, %d as IDs; want some as values", tc.name, workers, rows, ids)
			}
			if tc.name == "levels" && files <= int64(workers) {
				t.Errorf("%s, %d workers: %d spill files; want a second level", tc.name, workers, files)
			}
		}
	}
}

// TestSpillIDs_RoundTrip: value IDs are written in the fewest bytes
// that hold the largest of a segment, and read back; an ID past its
// dictionary, a width out of 1-4 or a short column is corrupt.
func TestSpillIDs_RoundTrip(t *testing.T) {
	defer func(le bool) { nativeLittle = le }(nativeLittle)
	for _, le := range []bool{true, false} {
		nativeLittle = le // the stores through a pointer, and the big-endian loops
		testSpillIDsRoundTrip(t)
	}
}

func testSpillIDsRoundTrip(t *testing.T) {
	for _, top := range []int32{0, 255, 256, 65535, 65536, 1<<24 - 1, 1 << 24, math.MaxInt32} {
		ids := []int32{top, 0, top / 2, 1, top}
		sel := []int32{4, 0, 2, 3}
		b := appendSpillIDs(nil, ids, sel, idWidth(uint32(max(top, 1))))
		top := max(top, 1) // ids holds 1
		wantW := 1
		for top >= 1<<(8*wantW) && wantW < 4 {
			wantW++
		}
		if b[0] != spillIDs || int(b[1]) != wantW || len(b) != 2+wantW*len(sel) {
			t.Errorf("top %d: mode %d width %d, %d bytes; want width %d", top, b[0], b[1], len(b), wantW)
			continue
		}
		out := make([]int32, len(sel))
		rest, ok := decodeSpillIDs(append(b[1:], 9), out, int(top)+1)
		if !ok || len(rest) != 1 {
			t.Errorf("top %d: decode ok %v, %d bytes left", top, ok, len(rest))
			continue
		}
		for j, i := range sel {
			if out[j] != ids[i] {
				t.Errorf("top %d: row %d read %d; want %d", top, j, out[j], ids[i])
			}
		}
		if _, ok := decodeSpillIDs(b[1:], out, int(top)); ok {
			t.Errorf("top %d: an ID past a dictionary of %d read", top, top)
		}
		if _, ok := decodeSpillIDs(b[1:len(b)-1], out, int(top)+1); ok {
			t.Errorf("top %d: a short column read", top)
		}
	}
	for _, w := range []byte{0, 5} {
		if _, ok := decodeSpillIDs([]byte{w, 0, 0, 0, 0, 0, 0}, make([]int32, 1), 10); ok {
			t.Errorf("width %d read", w)
		}
	}
}

// TestSameValues_Strings: rows of one string are one value, and a
// string that differs from it in one byte (at each position, for each
// length 1 to 20: sameStrings's word compares and the general loop), in
// length or in a row past the first few differs.
func TestSameValues_Strings(t *testing.T) {
	for n := 1; n <= 20; n++ {
		x := strings.Repeat("0123456789abcdefghijk", 2)[:n]
		strs := make([]string, 40)
		sel := make([]int32, len(strs))
		for i := range strs {
			strs[i] = string([]byte(x)) // its own bytes: no pointer compare
			sel[i] = int32(i)
		}
		v := &vec{t: tString, n: len(strs), s: strs}
		if !sameValues(v, sel) {
			t.Errorf("%d bytes: %d rows of %q differ", n, len(strs), x)
		}
		for pos := range n {
			for _, row := range []int{1, 2, 39} {
				b := []byte(x)
				b[pos] ^= 0x20
				strs[row] = string(b)
				if sameValues(v, sel) {
					t.Errorf("%d bytes: row %d %q (byte %d) is the same as %q", n, row, strs[row], pos, x)
				}
				strs[row] = x
			}
		}
		strs[5] = x + "0"
		if sameValues(v, sel) {
			t.Errorf("%d bytes: a row one byte longer is the same", n)
		}
		strs[5] = x[:n-1]
		if sameValues(v, sel) {
			t.Errorf("%d bytes: a row one byte shorter is the same", n)
		}
		strs[5] = x
		if !sameValues(v, []int32{3, 1, 39, 3}) {
			t.Errorf("%d bytes: rows in any order differ", n)
		}
	}
}

// TestDecodeHashes: a block's key hashes read back as written, copied
// whole on a little-endian machine and one by one otherwise.
func TestDecodeHashes(t *testing.T) {
	defer func(le bool) { nativeLittle = le }(nativeLittle)
	want := []uint32{0, 1, 0xdeadbeef, 1 << 31, 0x01020304}
	var b []byte
	for _, h := range want {
		b = binary.LittleEndian.AppendUint32(b, h)
	}
	b = append(b, 0xff, 0xff) // what follows the hashes
	for _, le := range []bool{nativeLittle, false} {
		nativeLittle = le
		got := make([]uint32, len(want))
		decodeHashes(got, b)
		if !slices.Equal(got, want) {
			t.Errorf("little-endian copy %v: %x, want %x", le, got, want)
		}
		decodeHashes(got[:0], nil)
	}
}

// TestSpillSet_OneValueKeys: a plain string key whose rows all hold one
// 4-16 byte value is written as a constant with the bytes its flat rows
// give, in a log and in partitions; a key that does not (a NULL row, a
// different last row, every row NULL, values longer than 16 or shorter
// than 4 bytes, one such row among others, words equal and lengths not)
// is written as before.
func TestSpillSet_OneValueKeys(t *testing.T) {
	const n = 40
	rep := func(s string) []string { return slices.Repeat([]string{s}, n) }
	last := rep("123456789012")
	last[n-1] = "123456789013"
	lens := rep("aaaaaaaaa")
	lens[n-1] = "aaaaaaaaaa"
	longRow := rep("123456789012")
	longRow[5] = "arn:aws:iam::123456789012:root"
	shortRow := rep("123456789012")
	shortRow[n-1] = "12"
	nullRow := make([]bool, n)
	nullRow[7] = true
	allNull := slices.Repeat([]bool{true}, n)
	ports := make([]int64, n)
	for i := range ports {
		ports[i] = int64(1000 + i*37%11)
	}
	keys := []*vec{
		{t: tString, n: n, s: rep("123456789012")},
		{t: tString, n: n, s: rep("123456789012"), null: nullRow},
		{t: tString, n: n, s: last},
		{t: tString, n: n, s: rep(""), null: allNull},
		{t: tString, n: n, s: rep("arn:aws:iam::123456789012:root")},
		{t: tString, n: n, s: rep("abc")},
		{t: tString, n: n, s: lens},
		{t: tString, n: n, s: longRow},
		{t: tString, n: n, s: shortRow},
		{t: tString, n: n, s: rep("10.0.0.1")},
	}
	for k, key := range keys {
		for _, log := range []bool{true, false} {
			mk := func() *spillSet {
				if log {
					return newSpillLog(t.TempDir())
				}
				return newSpillSet(t.TempDir(), 0)
			}
			cols := []*vec{key, {t: tInt, n: n, i: ports}}
			got, want := mk(), mk()
			for range 3 {
				if err := got.write(cols, 1, n); err != nil {
					t.Fatal(err)
				}
				// As write did before: the flat rows.
				want.hash = hashKeysInto(cols[:1], n, want.hash, &want.vh)
				if err := want.writeRows(nil, cols, 1, n); err != nil {
					t.Fatal(err)
				}
			}
			if cols[0] != key {
				t.Errorf("key %d: write changed its columns", k)
			}
			for p := range spillParts {
				if !bytes.Equal(got.buf[p], want.buf[p]) || !bytes.Equal(got.hbuf[p], want.hbuf[p]) {
					t.Errorf("key %d, log %v, partition %d: %x, want %x", k, log, p, got.buf[p], want.buf[p])
				}
			}
			got.close()
			want.close()
		}
	}
}

// TestSpillColumn_SomeNull: integer columns with NULLs among their rows,
// as a log's run of rows (selRun, eight NULL flags a word) and as rows
// given one by one, into a buffer whose spare room holds stale bytes,
// read back with their NULLs; a column whose rows not NULL hold one
// value (count_if's 1 or NULL) takes spillSomeNullConst, the others
// spillSomeNull, all NULL spillAllNull, none NULL the modes without a
// bitmap.
func TestSpillColumn_SomeNull(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name  string
		n     int
		null  func(i int) bool
		val   func(i int) int64
		mode  byte
		nulls bool // the rows decoded hold NULLs
	}{
		{"ones, random NULLs", BatchRows, func(int) bool { return r.IntN(3) == 0 }, func(int) int64 { return 1 }, spillSomeNullConst, true},
		{"ones, first NULL", 13, func(i int) bool { return i == 0 }, func(int) int64 { return 1 }, spillSomeNullConst, true},
		{"ones, last NULL", 9, func(i int) bool { return i == 8 }, func(int) int64 { return 1 }, spillSomeNullConst, true},
		{"one row not NULL", 20, func(i int) bool { return i != 11 }, func(int) int64 { return 1 }, spillSomeNullConst, true},
		{"min int, some NULL", 17, func(i int) bool { return i%4 == 1 }, func(int) int64 { return math.MinInt64 }, spillSomeNullConst, true},
		{"max int, some NULL", 8, func(i int) bool { return i%2 == 0 }, func(int) int64 { return math.MaxInt64 }, spillSomeNullConst, true},
		// A NULL row's value is not compared: rows not NULL are equal.
		{"NULL rows hold other values", 24, func(i int) bool { return i%3 == 0 }, func(i int) int64 { return int64(1 + b2i(i%3 == 0)*1000*i) }, spillSomeNullConst, true},
		{"two values, some NULL", 31, func(i int) bool { return i%5 == 2 }, func(i int) int64 { return int64(i % 2) }, spillSomeNull, true},
		{"extremes, some NULL", 12, func(i int) bool { return i == 3 }, func(i int) int64 { return []int64{math.MinInt64, math.MaxInt64, 0}[i%3] }, spillSomeNull, true},
		{"one differs last", 16, func(i int) bool { return i == 0 }, func(i int) int64 { return int64(b2i(i == 15)) + 1 }, spillSomeNull, true},
		{"all NULL", 10, func(int) bool { return true }, func(int) int64 { return 1 }, spillAllNull, true},
		{"no NULL", 10, func(int) bool { return false }, func(i int) int64 { return int64(i) }, spillPlain, false},
		{"no NULL, one value", 10, func(int) bool { return false }, func(int) int64 { return 7 }, spillConst, false},
		// More rows than a batch (never written so): rows one by one.
		{"more than a batch", BatchRows + 9, func(i int) bool { return i%7 == 3 }, func(i int) int64 { return int64(i) }, spillSomeNull, true},
	} {
		null := make([]bool, max(tc.n, BatchRows))
		vals := make([]int64, max(tc.n, BatchRows))
		for i := range tc.n {
			null[i], vals[i] = tc.null(i), tc.val(i)
		}
		v := &vec{t: tInt, n: len(vals), i: vals, null: null}
		for _, asRun := range []bool{true, false} {
			var sel []int32
			switch {
			case asRun && tc.n > BatchRows:
				continue
			case asRun:
				sel = spillRowsIota[:tc.n]
			default:
				for i := range tc.n {
					sel = append(sel, int32(i))
				}
			}
			stale := bytes.Repeat([]byte{0xff}, 20*tc.n)
			b := appendSpillColumn(stale[:3], v, sel, nil)
			if b[3] != tc.mode {
				t.Errorf("%s (run %v): mode %d; want %d", tc.name, asRun, b[3], tc.mode)
			}
			var a arena
			got := a.vec(tInt, tc.n)
			got.ints()
			var last []byte
			rest, ok := decodeSpillColumn(b[3:], got, 0, tc.n, &last, new([]byte))
			if !ok || len(rest) != 0 {
				t.Fatalf("%s (run %v): decoded %v with %d bytes left", tc.name, asRun, ok, len(rest))
			}
			for i := range tc.n {
				if got.isNull(i) != null[i] || !null[i] && got.i[i] != vals[i] {
					t.Errorf("%s (run %v), row %d: got %d (null %v); want %d (null %v)", tc.name, asRun, i, got.i[i], got.isNull(i), vals[i], null[i])
				}
			}
			// A truncated column is an error, never a panic.
			for cut := range len(b) - 3 {
				g := a.vec(tInt, tc.n)
				g.ints()
				if rest, ok := decodeSpillColumn(b[3:3+cut], g, 0, tc.n, &last, new([]byte)); ok && len(rest) == 0 {
					t.Errorf("%s (run %v): column cut at %d of %d bytes: decoded", tc.name, asRun, cut, len(b)-3)
				}
			}
		}
	}
	// spillSomeNullConst holds integers only.
	g := (&arena{}).vec(tString, 2)
	g.strs()
	if _, ok := decodeSpillColumn([]byte{spillSomeNullConst, 0x01, 2}, g, 0, 2, new([]byte), new([]byte)); ok {
		t.Errorf("spillSomeNullConst of strings: decoded")
	}
}

// TestSpillLog_WritesInPlace: a log's blocks are written where they were
// encoded, their key hashes after them (spillBlock.tail), one write a
// block and, once the log has written spillGrowBytes, one write per
// spillLogWriteBytes of blocks; a block that outgrows its room (a long
// string) is written on its own. Every row reads back, with its hash.
func TestSpillLog_WritesInPlace(t *testing.T) {
	n := BatchRows
	keys := make([]int64, n)
	strs := make([]string, n)
	cols := []*vec{{t: tInt, n: n, i: keys}, {t: tString, n: n, s: strs}}
	s := newSpillLog(t.TempDir())
	defer s.close()
	const chunks, outsized = 120, 4
	long := strings.Repeat("x", 3*spillLogBlockBytes)
	var want []string
	var wantHash []uint32
	before := writeSyscalls()
	for c := range chunks {
		for i := range keys {
			keys[i] = int64(c*n + i)
			strs[i] = "arn:aws:iam::111111111111:user/u" + strconv.Itoa(c*n+i)
		}
		if c%(chunks/outsized) == 7 {
			strs[n/2] = long
		}
		if err := s.write(cols, 1, n); err != nil {
			t.Fatal(err)
		}
		want = append(want, strs...)
		for _, h := range hashKeys(cols[:1], n, nil) {
			wantHash = append(wantHash, uint32(h))
		}
	}
	if err := s.finish(); err != nil {
		t.Fatal(err)
	}
	writes := writeSyscalls() - before
	if s.off < 2*spillGrowBytes {
		t.Fatalf("the log wrote %d bytes; the test needs more than %d", s.off, 2*spillGrowBytes)
	}
	if limit := int64(spillGrowBytes/spillLogBlockBytes+2) + s.off/spillLogWriteBytes + 3*outsized + 8; before >= 0 && writes > limit {
		t.Errorf("%d bytes in %d blocks took %d write calls; want at most %d", s.off, len(s.blocks[0]), writes, limit)
	}
	sr := spillReader{f: s.f, blocks: s.blocks[0], types: []*dtype{tInt, tString}, withHash: true}
	var a arena
	r := 0
	for {
		a.reset()
		got, m, err := sr.next(&a)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d rows: %v", r, err)
		}
		for j := range m {
			if got[0].i[j] != int64(r+j) || got[1].s[j] != want[r+j] || sr.hash[j] != wantHash[r+j] {
				t.Fatalf("row %d: %d %.40q hash %x; want %d %.40q hash %x", r+j, got[0].i[j], got[1].s[j], sr.hash[j], r+j, want[r+j], wantHash[r+j])
			}
		}
		r += m
	}
	if r != chunks*n {
		t.Errorf("read %d rows; want %d", r, chunks*n)
	}
	// The hashes alone, as finishing a bounded aggregate reads them.
	hr := spillReader{f: s.f, blocks: s.blocks[0], part: spillHash}
	r = 0
	for {
		a.reset()
		_, m, err := hr.next(&a)
		if err == io.EOF {
			break
		}
		if err != nil || !slices.Equal(hr.hash[:m], wantHash[r:r+m]) {
			t.Fatalf("hashes after %d rows: %v, or not the rows'", r, err)
		}
		r += m
	}
}
