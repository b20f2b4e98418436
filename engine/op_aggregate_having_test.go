package engine

import (
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// aggregateOf returns the first aggregate of q's plan.
func aggregateOf(t testing.TB, q *Query) *opAggregate {
	t.Helper()
	for _, o := range q.ops {
		if a, ok := o.(*opAggregate); ok {
			return a
		}
	}
	t.Fatalf("no aggregate in %s", q.String())
	return nil
}

func TestHavingMinRows(t *testing.T) {
	const from = ` FROM vpc_flow GROUP BY srcaddr, start - start % 60 `
	for _, tc := range []struct {
		sql  string
		want int64
	}{
		{`SELECT srcaddr, count(*)` + from + `HAVING count(*) > 100`, 101},
		{`SELECT srcaddr, count(*)` + from + `HAVING count(*) >= 30`, 30},
		{`SELECT srcaddr, count(*)` + from + `HAVING 5 < count(*)`, 6},
		{`SELECT srcaddr, count(*)` + from + `HAVING 5 <= count(*)`, 5},
		{`SELECT srcaddr, count(*)` + from + `HAVING count(*) = 7`, 7},
		{`SELECT srcaddr, count(*), count(DISTINCT dstport)` + from + `HAVING count(DISTINCT dstport) >= 50`, 50},
		{`SELECT srcaddr, count(*), approx_distinct(dstport)` + from + `HAVING approx_distinct(dstport) > 9`, 10},
		{`SELECT srcaddr, count(*), count(dstport)` + from + `HAVING count(dstport) >= 4`, 4},
		{`SELECT srcaddr, count(*), count_if(action = 'REJECT')` + from + `HAVING count_if(action = 'REJECT') >= 4`, 4},
		{`SELECT srcaddr, count(*), sum(bytes)` + from + `HAVING count(*) >= 30 AND sum(bytes) > 0`, 30},
		{`SELECT srcaddr, count(*), sum(bytes)` + from + `HAVING sum(bytes) > 0 AND count(*) >= 3 AND count(*) > 9`, 10},
		{`SELECT srcaddr, count(*)` + from + `HAVING count(*) > 10 OR count(*) >= 500`, 11},
		// No bound: not a count, no count(*) to count frozen rows, an
		// OR side without one, a bound of one row, upper bounds.
		{`SELECT srcaddr, count(*), sum(bytes)` + from + `HAVING sum(bytes) >= 1073741824`, 0},
		{`SELECT srcaddr, count(DISTINCT dstport)` + from + `HAVING count(DISTINCT dstport) >= 50`, 0},
		{`SELECT srcaddr, count(*), sum(bytes)` + from + `HAVING count(*) >= 30 OR sum(bytes) > 1`, 0},
		{`SELECT srcaddr, count(*)` + from + `HAVING count(*) >= 1`, 0},
		{`SELECT srcaddr, count(*)` + from + `HAVING count(*) < 100`, 0},
		{`SELECT srcaddr, count(*)` + from + `HAVING count(*) <> 100`, 0},
		{`SELECT srcaddr, count(*)` + from + `HAVING count(*) > 1.5`, 0},
		{`SELECT srcaddr, count(*), sum(bytes)` + from + `HAVING sum(bytes) > 100`, 0},
		{`SELECT srcaddr, count(*)` + from, 0},
	} {
		q, err := Compile(tc.sql, Options{})
		if err != nil {
			t.Fatalf("Compile(%q): %v", tc.sql, err)
		}
		a := aggregateOf(t, q)
		if a.minRows != tc.want {
			t.Errorf("%s: minRows %d; want %d", tc.sql, a.minRows, tc.want)
		}
		if a.minRows > 0 && (a.aggs[a.rowsAgg].name != "count" || !a.aggs[a.rowsAgg].star) {
			t.Errorf("%s: rowsAgg %d is not count(*)", tc.sql, a.rowsAgg)
		}
	}
}

// boundBatches builds nb batches of flow rows in which source i%3000's
// groups by (source, minute) mostly hold one row, and the 40 sources
// below 40 send 12 rows a minute to many ports: the shape of
// vpc_port_scan's and vpc_reject_flood's groups.
func boundBatches(mem memory.Allocator, nb int) []arrow.RecordBatch {
	schema := flowSchema("account_id", "srcaddr", "dstaddr", "dstport", "bytes", "start", "end", "action", parsers.SourceColumn)
	out := make([]arrow.RecordBatch, nb)
	for b := range out {
		rows := make([]map[string]any, 500)
		for i := range rows {
			n := b*500 + i
			src, t := n, 1709251200+n/50
			if i%10 == 0 {
				src = n % 40 // 50 rows per batch over 40 sources: 12+ a minute
			}
			row := map[string]any{
				"account_id": "111111111111", "srcaddr": "10.0." + strconv.Itoa(src/250) + "." + strconv.Itoa(src%250),
				"dstaddr": "172.16.0." + strconv.Itoa(n%5), "dstport": n % 97, "bytes": n % 1000,
				"start": t, "end": t + 30, "action": []string{"ACCEPT", "REJECT"}[n%2],
				parsers.SourceColumn: "s3://b/f" + strconv.Itoa(b/3) + ".log.gz",
			}
			if n%31 == 0 {
				delete(row, "dstaddr") // NULL arguments
			}
			rows[i] = row
		}
		out[b] = buildRecord(mem, schema, rows)
	}
	return out
}

// TestAggregateSpill_HavingBound: a spilled aggregate whose HAVING needs
// 10 rows a group finishes computing the states of only the groups with
// that many rows (the arguments of the other rows are skipped), and gives
// the in-memory answer, for every aggregate kind, frozen groups included,
// at 1 and 3 workers and with a second spill level.
func TestAggregateSpill_HavingBound(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := boundBatches(mem, 24)
	defer releaseAll(recs)
	defer func(n, r int) { spillBlockBytes, spillReadRows = n, r }(spillBlockBytes, spillReadRows)
	spillBlockBytes, spillReadRows = 512, 7 // many blocks per partition
	const sel = `SELECT account_id, srcaddr, start - start % 60 AS minute, count(*) AS n, count(DISTINCT dstport), count(DISTINCT dstaddr),
		count_if(action = 'ACCEPT'), min(start), max("end"), sum(bytes), avg(bytes), array_agg(DISTINCT "$path"), array_agg(dstport),
		max_by(dstport, bytes), arbitrary(account_id)
		FROM vpc_flow GROUP BY account_id, srcaddr, start - start % 60 `
	for _, sql := range []string{
		sel + `HAVING count(*) >= 10`,
		sel + `HAVING count(DISTINCT dstport) > 9 AND sum(bytes) > 0`,
		sel + `HAVING count(*) > 11 OR count(*) >= 10`,
	} {
		want := runWith(t, sql, Options{MaxGroups: -1}, 1, recs)
		if n := len(want); n < 200 {
			t.Fatalf("%s: answer too short:\n%s", sql, want)
		}
		for _, limit := range []int{50, 2000} {
			for _, workers := range []int{1, 3} {
				before, files := spillBoundSkipped.Load()+spillSketchSkipped.Load(), spillFiles.Load()
				got := runWith(t, sql, Options{MaxGroups: limit, TempDir: t.TempDir()}, workers, recs)
				if got != want {
					t.Errorf("%s\nlimit %d, %d workers: answer differs:\n%.600s\nwant\n%.600s", sql, limit, workers, got, want)
				}
				if spillFiles.Load() == files {
					t.Errorf("%s\nlimit %d, %d workers: did not spill", sql, limit, workers)
				}
				// 12,000 rows; ~10,800 in groups of one row.
				if skipped := spillBoundSkipped.Load() + spillSketchSkipped.Load() - before; skipped < 5000 {
					t.Errorf("%s\nlimit %d, %d workers: skipped the arguments of %d rows; want most of the 10,800 in small groups", sql, limit, workers, skipped)
				}
			}
		}
	}
}

func TestHavingDistinct(t *testing.T) {
	const from = ` FROM vpc_flow GROUP BY srcaddr, start - start % 60 `
	type check struct {
		rows, distinct int64
		can            bool
	}
	for _, tc := range []struct {
		sql    string
		agg    int // the bounded aggregate; -1: no distinct bound
		checks []check
	}{
		{`SELECT srcaddr, count(*), count(DISTINCT dstport)` + from + `HAVING count(DISTINCT dstport) >= 50`, 1,
			[]check{{100, 49, false}, {100, 50, true}, {50, 50, true}}},
		{`SELECT srcaddr, count(*), approx_distinct(dstport)` + from + `HAVING approx_distinct(dstport) > 9`, 1,
			[]check{{20, 9, false}, {20, 10, true}}},
		{`SELECT srcaddr, count(*), count(DISTINCT dstport), sum(bytes)` + from + `HAVING count(DISTINCT dstport) >= 5 AND sum(bytes) > 0 AND count(*) > 10`, 1,
			[]check{{11, 4, false}, {10, 5, false}, {11, 5, true}}},
		// OR: either side may pass (rule-set sharing ORs hunts' HAVINGs).
		{`SELECT srcaddr, count(*), count(DISTINCT dstport)` + from + `HAVING count(DISTINCT dstport) >= 50 OR count(*) > 100`, 1,
			[]check{{100, 49, false}, {101, 1, true}, {60, 50, true}}},
		// The first distinct count bounded; the other is a row bound.
		{`SELECT srcaddr, count(*), count(DISTINCT dstaddr), count(DISTINCT dstport)` + from + `HAVING count(DISTINCT dstaddr) >= 3 OR count(DISTINCT dstport) >= 8`, 1,
			[]check{{7, 2, false}, {8, 2, true}, {7, 3, true}}},
		// No distinct bound: no row bound to refine, only count(*), a
		// side of an OR with no bound.
		{`SELECT srcaddr, count(DISTINCT dstport)` + from + `HAVING count(DISTINCT dstport) >= 50`, -1, nil},
		{`SELECT srcaddr, count(*)` + from + `HAVING count(*) >= 50`, -1, nil},
		{`SELECT srcaddr, count(*), count(DISTINCT dstport), sum(bytes)` + from + `HAVING count(DISTINCT dstport) >= 50 OR sum(bytes) > 1`, -1, nil},
		{`SELECT srcaddr, count(*), count(DISTINCT dstport)` + from + `HAVING count(DISTINCT dstport) < 50`, -1, nil},
	} {
		q, err := Compile(tc.sql, Options{})
		if err != nil {
			t.Fatalf("Compile(%q): %v", tc.sql, err)
		}
		a := aggregateOf(t, q)
		if tc.agg < 0 {
			if a.dist != nil {
				t.Errorf("%s: distinct bound on aggregate %d; want none", tc.sql, a.dist.agg)
			}
			continue
		}
		if a.dist == nil || a.dist.agg != tc.agg {
			t.Errorf("%s: distinct bound %+v; want one on aggregate %d", tc.sql, a.dist, tc.agg)
			continue
		}
		if a.sp.types == nil {
			a.initSpill(1)
		}
		if want := a.keyTypes(); a.dist.col != len(want)+tc.agg-1 {
			t.Errorf("%s: column %d; want %d", tc.sql, a.dist.col, len(want)+tc.agg-1)
		}
		for _, c := range tc.checks {
			if got := a.dist.can(c.rows, c.distinct); got != c.can {
				t.Errorf("%s: can(%d rows, %d distinct) = %v; want %v", tc.sql, c.rows, c.distinct, got, c.can)
			}
		}
	}
}

// TestAggregateSpill_HavingDistinctBound: a spilled aggregate whose HAVING
// needs distinct values computes the states of only the groups whose
// distinct values can pass (not of every group with enough rows), and
// gives the in-memory answer, with NULL values, OR-joined bounds, frozen
// groups, at 1 and 3 workers and with a second spill level.
func TestAggregateSpill_HavingDistinctBound(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := boundBatches(mem, 24)
	defer releaseAll(recs)
	defer func(n, r int) { spillBlockBytes, spillReadRows = n, r }(spillBlockBytes, spillReadRows)
	spillBlockBytes, spillReadRows = 512, 7 // many blocks per partition
	// The distinct ports modulo 2 to 6 by the minute: a group of the
	// heavy sources (four minutes) has 2 to 5 distinct values and many more rows.
	const sel = `SELECT account_id, srcaddr, start - start % 60 AS minute, count(*) AS n, count(DISTINCT dstaddr),
		count(DISTINCT dstport % (2 + start / 60 % 5)), count(DISTINCT nullif(dstport % (2 + start / 60 % 5), 1)),
		count_if(action = 'ACCEPT'), min(start), sum(bytes), array_agg(DISTINCT "$path"), array_agg(dstport)
		FROM vpc_flow GROUP BY account_id, srcaddr, start - start % 60 `
	for _, tc := range []struct {
		having string
		rows   string // the row bound alone, for the groups with enough rows
	}{
		{`HAVING count(DISTINCT dstport % (2 + start / 60 % 5)) >= 5`, `HAVING count(*) >= 5`},
		{`HAVING count(DISTINCT nullif(dstport % (2 + start / 60 % 5), 1)) >= 4`, `HAVING count(*) >= 4`},
		{`HAVING count(DISTINCT dstport % (2 + start / 60 % 5)) >= 5 OR count(*) > 80`, `HAVING count(*) >= 5`},
		{`HAVING count(DISTINCT dstport % (2 + start / 60 % 5)) > 4 AND sum(bytes) > 0 AND count(DISTINCT dstaddr) >= 1`, `HAVING count(*) >= 5`},
	} {
		sql := sel + tc.having
		want := runWith(t, sql, Options{MaxGroups: -1}, 1, recs)
		enough := strings.Count(runWith(t, sel+tc.rows, Options{MaxGroups: -1}, 1, recs), "\n")
		passing := strings.Count(want, "\n")
		if passing < 2 || enough < 3*passing {
			t.Fatalf("%s: %d groups pass of %d with enough rows; want a bound tighter than the rows'", sql, passing, enough)
		}
		t.Logf("%s: %d groups pass of %d with enough rows", tc.having, passing, enough)
		for _, limit := range []int{50, 2000} {
			for _, workers := range []int{1, 3} {
				before, files, numbered := spillBoundGroups.Load(), spillFiles.Load(), spillDistinctNumbered.Load()
				got := runWith(t, sql, Options{MaxGroups: limit, TempDir: t.TempDir()}, workers, recs)
				if got != want {
					t.Errorf("%s\nlimit %d, %d workers: answer differs:\n%.600s\nwant\n%.600s", sql, limit, workers, got, want)
				}
				if spillFiles.Load() == files {
					t.Errorf("%s\nlimit %d, %d workers: did not spill", sql, limit, workers)
				}
				if n := spillBoundGroups.Load() - before; n > int64(enough)/2 {
					t.Errorf("%s\nlimit %d, %d workers: computed the states of %d groups; %d pass, %d have enough rows", sql, limit, workers, n, passing, enough)
				}
				// Only the x of rows in groups with enough rows are
				// numbered: the heavy sources' 1,200 of the 12,000.
				if n := spillDistinctNumbered.Load() - numbered; n > 1500 {
					t.Errorf("%s\nlimit %d, %d workers: numbered %d spilled values; want at most the 1,200 rows of the heavy sources", sql, limit, workers, n)
				}
			}
		}
	}
}

func TestHavingSum(t *testing.T) {
	const from = ` FROM vpc_flow GROUP BY srcaddr, start - start % 60 `
	for _, tc := range []struct {
		sql string
		agg int // the bounded sum in the aggregates; -1: no sum bound
		col int // its argument in the spilled columns (two keys first)
		min int64
	}{
		{`SELECT srcaddr, count(*), sum(bytes)` + from + `HAVING sum(bytes) >= 1073741824`, 1, 2, 1073741824},
		{`SELECT srcaddr, sum(bytes)` + from + `HAVING sum(bytes) > 100`, 0, 2, 101},
		{`SELECT srcaddr, sum(bytes)` + from + `HAVING 100 <= sum(bytes)`, 0, 2, 100},
		{`SELECT srcaddr, sum(bytes)` + from + `HAVING sum(bytes) = 7`, 0, 2, 7},
		{`SELECT srcaddr, count(*), sum(packets), sum(bytes)` + from + `HAVING count(*) >= 3 AND sum(bytes) > 9`, 2, 3, 10},
		{`SELECT srcaddr, sum(bytes)` + from + `HAVING sum(bytes) > 9 AND sum(bytes) >= 50`, 0, 2, 50},
		{`SELECT srcaddr, sum(bytes)` + from + `HAVING sum(bytes) > 9 OR sum(bytes) >= 50`, 0, 2, 10},
		// No bound: an OR side without one or on another sum, a double
		// sum or constant, no lower bound, nothing above zero.
		{`SELECT srcaddr, count(*), sum(bytes)` + from + `HAVING sum(bytes) > 9 OR count(*) > 100`, -1, 0, 0},
		{`SELECT srcaddr, sum(packets), sum(bytes)` + from + `HAVING sum(bytes) > 9 OR sum(packets) > 9`, -1, 0, 0},
		{`SELECT srcaddr, sum(bytes * 1.5)` + from + `HAVING sum(bytes * 1.5) > 9`, -1, 0, 0},
		{`SELECT srcaddr, sum(bytes)` + from + `HAVING sum(bytes) > 9.5`, -1, 0, 0},
		{`SELECT srcaddr, sum(bytes)` + from + `HAVING sum(bytes) < 100`, -1, 0, 0},
		{`SELECT srcaddr, sum(bytes)` + from + `HAVING sum(bytes) >= 0`, -1, 0, 0},
		{`SELECT srcaddr, sum(bytes)` + from, -1, 0, 0},
	} {
		q, err := Compile(tc.sql, Options{})
		if err != nil {
			t.Fatalf("Compile(%q): %v", tc.sql, err)
		}
		a := aggregateOf(t, q)
		sb := a.sp.sum
		if tc.agg < 0 {
			if sb != nil {
				t.Errorf("%s: sum bound %+v; want none", tc.sql, *sb)
			}
			continue
		}
		if sb == nil || sb.agg != tc.agg || sb.min != tc.min || sb.col != tc.col {
			t.Errorf("%s: sum bound %+v; want {agg:%d col:%d min:%d}", tc.sql, sb, tc.agg, tc.col, tc.min)
		}
	}
}

// TestAggregateSpill_HavingSumBound: a spilled aggregate whose HAVING
// needs a large sum (vpc_large_egress's sum(bytes) >= 1 GiB) computes
// the states of only the groups whose sum can pass (the other rows'
// arguments are skipped), and gives the in-memory answer, with or
// without count(*), joined with a row bound, frozen groups included, at
// 1 and 3 workers and with a second spill level.
func TestAggregateSpill_HavingSumBound(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := boundBatches(mem, 24)
	defer releaseAll(recs)
	defer func(n, r int) { spillBlockBytes, spillReadRows = n, r }(spillBlockBytes, spillReadRows)
	spillBlockBytes, spillReadRows = 512, 7 // many blocks per partition
	const sel = `SELECT account_id, srcaddr, start - start % 60 AS minute, count(DISTINCT dstport), min(start), max("end"),
		sum(bytes), array_agg(DISTINCT "$path"), array_agg(dstport)`
	const from = ` FROM vpc_flow GROUP BY account_id, srcaddr, start - start % 60 `
	for _, sql := range []string{
		sel + from + `HAVING sum(bytes) >= 5000`,
		sel + `, count(*)` + from + `HAVING sum(bytes) > 4000 AND count(*) >= 3`,
		sel + from + `HAVING sum(bytes) >= 7000 OR sum(bytes) > 5500`,
	} {
		want := runWith(t, sql, Options{MaxGroups: -1}, 1, recs)
		if n := strings.Count(want, "\n"); n < 10 { // the 16 groups of the heavy sources
			t.Fatalf("%s: answer too short:\n%s", sql, want)
		}
		for _, limit := range []int{50, 2000} {
			for _, workers := range []int{1, 3} {
				before, files := spillBoundSkipped.Load()+spillSketchSkipped.Load(), spillFiles.Load()
				got := runWith(t, sql, Options{MaxGroups: limit, TempDir: t.TempDir()}, workers, recs)
				if got != want {
					t.Errorf("%s\nlimit %d, %d workers: answer differs:\n%.600s\nwant\n%.600s", sql, limit, workers, got, want)
				}
				if spillFiles.Load() == files {
					t.Errorf("%s\nlimit %d, %d workers: did not spill", sql, limit, workers)
				}
				// 12,000 rows; ~10,800 in groups of one row.
				if skipped := spillBoundSkipped.Load() + spillSketchSkipped.Load() - before; skipped < 5000 {
					t.Errorf("%s\nlimit %d, %d workers: skipped the arguments of %d rows; want most of the 10,800 in small groups", sql, limit, workers, skipped)
				}
			}
		}
	}
}

// TestAggregateSpill_HavingSumNegative: a sum bound holds only for
// values that are never negative: two groups whose key hashes collide
// (the 32 bits finishing counts by, in one partition) share a sum, and a
// negative one must not hide the other, whether its rows were spilled or
// its group frozen with a negative sum. Finishing sees the negative value
// and takes the general way.
func TestAggregateSpill_HavingSumNegative(t *testing.T) {
	const a, b = 1709681763, 1709528472 // found by search: see the check
	h := hashKeys([]*vec{{t: tInt, n: 2, i: []int64{a, b}}}, 2, nil)
	if uint32(h[0]) != uint32(h[1]) || spillPart(h[0], 0) != spillPart(h[1], 0) {
		t.Fatalf("keys %d and %d no longer collide (hashes %x, %x): search for another pair", a, b, h[0], h[1])
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := flowSchema("start", "bytes")
	filler := func() []map[string]any {
		rows := make([]map[string]any, 3000)
		for i := range rows {
			rows[i] = map[string]any{"start": i + 1, "bytes": 100}
		}
		return rows
	}
	pass := map[string]any{"start": a, "bytes": 150}   // sum(bytes - 100) = 50: passes
	negative := map[string]any{"start": b, "bytes": 0} // -100, on the same hash
	const sql = `SELECT start, sum(bytes - 100) AS s FROM vpc_flow GROUP BY start HAVING sum(bytes - 100) >= 40`
	for name, rows := range map[string][]map[string]any{
		"both spilled":    append(filler(), negative, pass),
		"negative frozen": append(append([]map[string]any{negative}, filler()...), pass),
	} {
		var recs []arrow.RecordBatch // of 100 rows: the aggregate checks its limits after each
		for len(rows) > 0 {
			n := min(len(rows), 100)
			recs = append(recs, buildRecord(mem, schema, rows[:n]))
			rows = rows[n:]
		}
		want := runWith(t, sql, Options{MaxGroups: -1}, 1, recs)
		if !strings.Contains(want, strconv.Itoa(a)) {
			t.Fatalf("%s: the in-memory answer lacks group %d:\n%s", name, a, want)
		}
		files := spillFiles.Load()
		if got := runWith(t, sql, Options{MaxGroups: 50, TempDir: t.TempDir()}, 1, recs); got != want {
			t.Errorf("%s: answer %q; want %q", name, got, want)
		}
		if spillFiles.Load() == files {
			t.Errorf("%s: did not spill", name)
		}
		releaseAll(recs)
	}
}

// TestAggregateSpill_HavingFrozenSplit: groups whose rows were partly
// frozen, partly spilled, neither part enough for the HAVING alone, pass
// it in every partition, whatever their place among the partition's
// frozen groups: the bounded finish counts each frozen group's rows
// under its own key hash (frozen.hash), not a neighbour's.
func TestAggregateSpill_HavingFrozenSplit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := flowSchema("start", "bytes")
	// 2,000 groups of 3 rows (frozen past 2,000 groups), 17,000 groups
	// of one row (the frozen table is then not looked up for a while:
	// see aggregateKnown), then 2 more rows of each of the 2,000.
	var rows []map[string]any
	for i := range 6000 {
		rows = append(rows, map[string]any{"start": 100000 + i%2000, "bytes": i % 7})
	}
	for i := range 17000 {
		rows = append(rows, map[string]any{"start": 200000 + i, "bytes": 1})
	}
	for i := range 4000 {
		rows = append(rows, map[string]any{"start": 100000 + i%2000, "bytes": i % 5})
	}
	var recs []arrow.RecordBatch // of 100 rows: the aggregate checks its limits after each
	for len(rows) > 0 {
		n := min(len(rows), 100)
		recs = append(recs, buildRecord(mem, schema, rows[:n]))
		rows = rows[n:]
	}
	defer releaseAll(recs)
	for _, having := range []string{`HAVING count(*) >= 5`, `HAVING sum(bytes) >= 15 AND count(*) > 4`} {
		sql := `SELECT start, count(*) AS n, sum(bytes) AS s FROM vpc_flow GROUP BY start ` + having
		want := runWith(t, sql, Options{MaxGroups: -1}, 1, recs)
		if n := strings.Count(want, "\n"); n < 500 {
			t.Fatalf("%s: %d groups pass; want hundreds of the 2,000", having, n)
		}
		files := spillFiles.Load()
		got := runWith(t, sql, Options{MaxGroups: 2000, TempDir: t.TempDir()}, 1, recs)
		if got != want {
			t.Errorf("%s: answer differs:\n%.600s\nwant\n%.600s", having, got, want)
		}
		if spillFiles.Load() == files {
			t.Errorf("%s: did not spill", having)
		}
	}
}
