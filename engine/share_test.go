package engine

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// shareRecords is a flow-log fixture with groups of several sizes.
func shareRecords(mem memory.Allocator) []arrow.RecordBatch {
	var rows []map[string]any
	for i := 0; i < 600; i++ {
		src := "10.0.0." + itoa(int64(i%7))
		r := map[string]any{"version": 2, "account_id": "111111111111", "srcaddr": src, "dstaddr": "10.0.1." + itoa(int64(i%(3+i%7))),
			"srcport": 40000 + i, "dstport": i % (5 + i%7), "protocol": 6, "packets": 1, "bytes": 20 * (i % 11), "start": 1709251200 + i, "end": 1709251210 + i,
			"action": "REJECT", "log_status": "OK"}
		if i%3 == 0 {
			r["action"] = "ACCEPT"
		}
		if i%13 == 0 {
			r["srcaddr"] = nil
		}
		rows = append(rows, r)
	}
	var recs []arrow.RecordBatch
	for i := 0; i < len(rows); i += 64 {
		recs = append(recs, buildRecord(mem, parsers.VPCFlowSchema, rows[i:min(i+64, len(rows))]))
	}
	return recs
}

func TestShare_SameAnswers(t *testing.T) {
	const body = `SELECT srcaddr, count(*) AS flows, count(DISTINCT dstport) AS ports, sum(bytes) AS bytes
FROM vpc_flow_logs WHERE action = 'REJECT' GROUP BY srcaddr`
	tests := []struct {
		name    string
		havings []string // "" for none
		flags   int      // flag columns the shared query needs
	}{
		{"thresholds", []string{"count(*) > 20", "count(*) > 40", "count(*) > 1000"}, 3},
		{"aggregates only in HAVING", []string{"max(dstport) >= 5", "min(srcport) < 40100", "count(DISTINCT dstaddr) > 2"}, 3},
		{"NULL conditions", []string{"sum(CASE WHEN bytes > 100 THEN bytes END) > 2000", "count(*) > 30"}, 2},
		{"one keeps every group", []string{"count(*) > 40", ""}, 1},
		{"the same HAVING twice", []string{"count(*) > 40", "count(*)  >  40", "ports > 3"}, 2},
		{"no HAVING at all", []string{"", ""}, 0},
	}
	for _, workers := range []int{1, 3} {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				recs := shareRecords(mem)
				defer releaseAll(recs)
				var members []*Query
				var sqls []string
				for _, h := range tt.havings {
					sql := body
					if h != "" {
						sql += " HAVING " + h
					}
					if strings.Contains(h, "ports") {
						sql = strings.Replace(sql, "HAVING ports", "HAVING count(DISTINCT dstport)", 1)
					}
					q, err := Compile(sql, Options{})
					if err != nil {
						t.Fatal(err)
					}
					members = append(members, q)
					sqls = append(sqls, sql)
				}
				s, err := Share(members)
				if err != nil {
					t.Fatal(err)
				}
				if got := len(s.Query().OutputColumns()) - len(members[0].OutputColumns()); got != tt.flags {
					t.Errorf("flag columns = %d, want %d (%s)", got, tt.flags, s.Query())
				}
				run := s.Query().NewRun(workers)
				for i, rec := range recs {
					if err := run.Push(i%workers, rec); err != nil {
						t.Fatal(err)
					}
				}
				res, err := run.Finish()
				if err != nil {
					t.Fatal(err)
				}
				for i, sql := range sqls {
					want := runQuery(t, sql, workers, recs...)
					got := s.Member(res, i)
					if strings.Join(got.Columns, ",") != strings.Join(want.Columns, ",") || strings.Join(got.Types, ",") != strings.Join(want.Types, ",") {
						t.Fatalf("member %d: columns %v %v, want %v %v", i, got.Columns, got.Types, want.Columns, want.Types)
					}
					if g, w := resultText(got), resultText(want); g != w {
						t.Errorf("member %d (%s):\n got %s\nwant %s", i, tt.havings[i], g, w)
					}
					if want.Len() == 0 && tt.havings[i] != "count(*) > 1000" {
						t.Errorf("member %d: the fixture gives no rows; the test proves nothing", i)
					}
				}
			})
		}
	}
}

// A streamed shared result splits chunk by chunk into the same rows.
func TestShare_Stream(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := shareRecords(mem)
	defer releaseAll(recs)
	sqls := []string{
		"SELECT srcaddr, dstaddr, count(*) AS n FROM vpc_flow GROUP BY srcaddr, dstaddr HAVING count(*) > 10 ORDER BY n DESC, srcaddr, dstaddr",
		"SELECT srcaddr, dstaddr, count(*) AS n FROM vpc_flow GROUP BY srcaddr, dstaddr HAVING count(*) > 25 ORDER BY n DESC, srcaddr, dstaddr",
	}
	var members []*Query
	for _, sql := range sqls {
		q, err := Compile(sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, q)
	}
	s, err := Share(members)
	if err != nil {
		t.Fatal(err)
	}
	run := s.Query().NewRun(2)
	got := make([]strings.Builder, len(sqls))
	run.Stream(func(r *Result) error {
		for i := range sqls {
			got[i].WriteString(resultText(s.Member(r, i)))
		}
		return nil
	})
	for i, rec := range recs {
		if err := run.Push(i%2, rec); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := run.Finish(); err != nil {
		t.Fatal(err)
	}
	for i, sql := range sqls {
		want := resultText(runQuery(t, sql, 2, recs...))
		if got[i].String() != want || want == "" {
			t.Errorf("%s:\n got %s\nwant %s", sql, got[i].String(), want)
		}
	}
}

func TestShareKey(t *testing.T) {
	key := func(sql string) string {
		t.Helper()
		q, err := Compile(sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		before := q.String()
		k := q.ShareKey()
		if q.String() != before {
			t.Errorf("ShareKey changed the query: %q, was %q", q.String(), before)
		}
		return k
	}
	base := "SELECT srcaddr, count(*) AS n FROM vpc_flow GROUP BY srcaddr"
	if a, b := key(base+" HAVING count(*) > 1"), key(base+" HAVING count(*) > 2"); a == "" || a != b {
		t.Errorf("HAVING-only difference: keys %q and %q", a, b)
	}
	if a, b := key(base), key("-- a comment\n"+strings.ReplaceAll(base, " ", "  ")); a != b {
		t.Errorf("layout difference: keys %q and %q", a, b)
	}
	if a, b := key(base+" HAVING count(*) > 1"), key("SELECT srcaddr, count(*) AS n FROM vpc_flow WHERE dstport = 22 GROUP BY srcaddr HAVING count(*) > 1"); a == b {
		t.Errorf("WHERE difference shares a key: %q", a)
	}
	if a, b := key("SELECT srcaddr, count(*) AS n FROM vpc_flow WHERE dstport = 23 AND action = 'REJECT' GROUP BY srcaddr HAVING count(*) > 1"),
		key("SELECT srcaddr, count(*) AS n FROM vpc_flow WHERE dstport = 22 AND action = 'REJECT' GROUP BY srcaddr HAVING count(*) > 2"); a != b {
		t.Errorf("WHERE difference in numbers: keys %q and %q", a, b)
	}
	if a, b := key("SELECT srcaddr FROM vpc_flow WHERE action = 'REJECT'"), key("SELECT srcaddr FROM vpc_flow WHERE action = 'ACCEPT'"); a == b {
		t.Errorf("WHERE difference in strings (Sigma rules) shares a key: %q", a)
	}
	if a, b := key(base+" ORDER BY n"), key("SELECT srcaddr, count(*) AS n FROM vpc_flow WHERE dstport = 22 GROUP BY srcaddr ORDER BY n"); a == b {
		t.Errorf("WHERE difference of grouped queries with ORDER BY shares a key: %q", a)
	}
	if a, b := key("SELECT srcaddr FROM vpc_flow WHERE dstport = 22 ORDER BY srcaddr"), key("SELECT srcaddr FROM vpc_flow WHERE dstport = 23 ORDER BY srcaddr"); a == "" || a != b {
		t.Errorf("WHERE difference without grouping: keys %q and %q", a, b)
	}
	for _, sql := range []string{
		base + " HAVING count(*) > 1 LIMIT 5",
		base + " HAVING count(*) > 1 ORDER BY n LIMIT 5",
		"SELECT DISTINCT srcaddr, count(*) AS n FROM vpc_flow GROUP BY srcaddr, dstaddr HAVING count(*) > 1",
		"SELECT srcaddr, count(*) AS n, rank() OVER (ORDER BY count(*)) AS r FROM vpc_flow GROUP BY srcaddr HAVING count(*) > 1",
		base + " UNION ALL " + base,
	} {
		if k := key(sql); k != "" {
			t.Errorf("%s: key %q, want none (cannot be shared)", sql, k)
		}
	}
}

func TestShare_Failure(t *testing.T) {
	compile := func(sql string) *Query {
		t.Helper()
		q, err := Compile(sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	a := compile("SELECT srcaddr, count(*) AS n FROM vpc_flow GROUP BY srcaddr HAVING count(*) > 1")
	b := compile("SELECT srcaddr, count(*) AS n FROM vpc_flow GROUP BY srcaddr, dstport HAVING count(*) > 1")
	c := compile("SELECT srcaddr, count(*) AS n FROM vpc_flow GROUP BY srcaddr HAVING count(*) > 1 LIMIT 3")
	for _, tt := range []struct {
		members []*Query
		want    string
	}{
		{nil, "at least one"},
		{[]*Query{a, b}, "differ in more than WHERE and HAVING"},
		{[]*Query{c}, "cannot be shared"},
	} {
		if _, err := Share(tt.members); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Share: error %v, want %q", err, tt.want)
		}
	}
}

// TestShare_Where checks the forms for members whose WHERE differs: a
// query without grouping (each member's own conjuncts as its flag) and a
// grouped one (a block of filtered aggregates per member), against each
// member run alone; and that the shared query reads the table as often
// as one member does (the FROM, a grouping subquery included, is
// computed once).
func TestShare_Where(t *testing.T) {
	tests := []struct {
		name   string
		sqls   []string
		blocks int // column blocks of the shared query
		flags  int
	}{
		{"no grouping", []string{
			"SELECT srcaddr, dstport, bytes FROM vpc_flow WHERE action = 'REJECT' AND dstport < 3 AND bytes > 0",
			"SELECT srcaddr, dstport, bytes FROM vpc_flow WHERE action = 'REJECT' AND dstport < 5 AND bytes > 100",
			"SELECT srcaddr, dstport, bytes FROM vpc_flow WHERE action = 'REJECT' AND dstport < 3 AND bytes > 0",
		}, 1, 2},
		{"identical copies", []string{
			"SELECT srcaddr, dstport FROM vpc_flow WHERE action = 'REJECT' AND dstport < 3",
			"SELECT srcaddr, dstport FROM vpc_flow WHERE action = 'REJECT' AND dstport < 3",
		}, 1, 0},
		{"grouped", []string{
			"SELECT srcaddr, count(*) AS n, sum(bytes) AS b, count(DISTINCT dstport) AS p, max_by(dstaddr, srcport) AS d, array_agg(DISTINCT dstaddr) AS a, array_agg(srcport) AS s FROM vpc_flow WHERE action = 'REJECT' AND bytes > 40 GROUP BY srcaddr HAVING count(*) > 10",
			"SELECT srcaddr, count(*) AS n, sum(bytes) AS b, count(DISTINCT dstport) AS p, max_by(dstaddr, srcport) AS d, array_agg(DISTINCT dstaddr) AS a, array_agg(srcport) AS s FROM vpc_flow WHERE action = 'REJECT' AND bytes > 100 GROUP BY srcaddr HAVING count(*) > 10",
			"SELECT srcaddr, count(*) AS n, sum(bytes) AS b, count(DISTINCT dstport) AS p, max_by(dstaddr, srcport) AS d, array_agg(DISTINCT dstaddr) AS a, array_agg(srcport) AS s FROM vpc_flow WHERE action = 'REJECT' AND bytes > 100 GROUP BY srcaddr HAVING count(*) > 20",
			"SELECT srcaddr, count(*) AS n, sum(bytes) AS b, count(DISTINCT dstport) AS p, max_by(dstaddr, srcport) AS d, array_agg(DISTINCT dstaddr) AS a, array_agg(srcport) AS s FROM vpc_flow WHERE action = 'REJECT' AND bytes > 0 GROUP BY srcaddr HAVING count(*) > 1",
		}, 3, 4},
		{"global aggregate", []string{
			"SELECT count(*), max(bytes) FROM vpc_flow WHERE dstport = 1",
			"SELECT count(*), max(bytes) FROM vpc_flow WHERE dstport = 99",
		}, 2, 0},
		// ssm_parameters_bulk_decrypt's shape: the thresholds in the WHERE
		// over a grouping subquery and in the HAVING after it.
		{"grouped subquery", []string{
			`SELECT src, count(*) AS ports, sum(flows) AS flows FROM (
			   SELECT srcaddr AS src, dstport, count_if(action = 'REJECT') AS flows, count_if(action = 'ACCEPT') AS ok FROM vpc_flow GROUP BY srcaddr, dstport
			 ) AS per_port WHERE flows > 5 AND ok = 0 GROUP BY src HAVING count(*) >= 1`,
			`SELECT src, count(*) AS ports, sum(flows) AS flows FROM (
			   SELECT srcaddr AS src, dstport, count_if(action = 'REJECT') AS flows, count_if(action = 'ACCEPT') AS ok FROM vpc_flow GROUP BY srcaddr, dstport
			 ) AS per_port WHERE flows > 9 AND ok = 0 GROUP BY src HAVING count(*) >= 2`,
			`SELECT src, count(*) AS ports, sum(flows) AS flows FROM (
			   SELECT srcaddr AS src, dstport, count_if(action = 'REJECT') AS flows, count_if(action = 'ACCEPT') AS ok FROM vpc_flow GROUP BY srcaddr, dstport
			 ) AS per_port WHERE flows > 9 AND ok = 0 GROUP BY src HAVING count(*) >= 3`,
		}, 2, 3},
	}
	for _, workers := range []int{1, 3} {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				recs := shareRecords(mem)
				defer releaseAll(recs)
				var members []*Query
				var texts, keys []string
				for _, sql := range tt.sqls {
					q, err := Compile(sql, Options{})
					if err != nil {
						t.Fatal(err)
					}
					members = append(members, q)
					texts, keys = append(texts, q.String()), append(keys, q.ShareKey())
				}
				s, err := Share(members)
				if err != nil {
					t.Fatal(err)
				}
				// Share reads the members' trees and changes only copies
				// (the grouped form adds FILTER clauses to aggregates).
				for i, m := range members {
					if m.String() != texts[i] || m.shareKeyOf() != keys[i] {
						t.Errorf("member %d after Share:\n%s\nkey %s\nwant\n%s\nkey %s", i, m, m.shareKeyOf(), texts[i], keys[i])
					}
				}
				width := len(members[0].OutputColumns())
				if got := len(s.Query().OutputColumns()); got != tt.blocks*width+tt.flags {
					t.Errorf("%d columns, want %d blocks of %d and %d flags: %s", got, tt.blocks, width, tt.flags, s.Query())
				}
				if got, want := len(s.Query().scans), len(members[0].scans); got != want {
					t.Errorf("the shared query has %d scans, one member %d: %s", got, want, s.Query())
				}
				run := s.Query().NewRun(workers)
				for i, rec := range recs {
					if err := run.Push(i%workers, rec); err != nil {
						t.Fatal(err)
					}
				}
				res, err := run.Finish()
				if err != nil {
					t.Fatal(err)
				}
				rows := 0
				for i, sql := range tt.sqls {
					want := runQuery(t, sql, workers, recs...)
					got := s.Member(res, i)
					if strings.Join(got.Columns, ",") != strings.Join(want.Columns, ",") || strings.Join(got.Types, ",") != strings.Join(want.Types, ",") {
						t.Fatalf("member %d: columns %v %v, want %v %v", i, got.Columns, got.Types, want.Columns, want.Types)
					}
					if g, w := resultText(got), resultText(want); g != w {
						t.Errorf("member %d (%s):\n got %s\nwant %s\nshared: %s", i, sql, g, w, s.Query())
					}
					rows += want.Len()
				}
				if rows == 0 {
					t.Errorf("no member has rows; the test proves nothing")
				}
			})
		}
	}
}

// TestAggregateFilter_ArrayAgg: array_agg(x) FILTER (WHERE c) takes the
// rows where c is TRUE, as WHERE c does, and no NULL for the others (it
// was run as array_agg(CASE WHEN c THEN x END), which keeps a NULL per
// dropped row: the grouped form of Share filters aggregates this way).
func TestAggregateFilter_ArrayAgg(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := shareRecords(mem)
	defer releaseAll(recs)
	for _, agg := range []string{"array_agg(dstaddr)", "array_agg(DISTINCT dstaddr)", "array_agg(srcaddr)", "array_agg(DISTINCT srcaddr)",
		"array_agg(dstport ORDER BY srcport DESC)", "array_agg(DISTINCT dstport)", "count(*)", "max_by(dstaddr, srcport)"} {
		for _, workers := range []int{1, 3} {
			got := resultText(runQuery(t, "SELECT dstport, "+agg+" FILTER (WHERE bytes > 100 AND srcport > 40100) FROM vpc_flow WHERE action = 'REJECT' GROUP BY dstport HAVING count(*) FILTER (WHERE bytes > 100 AND srcport > 40100) > 0", workers, recs...))
			want := resultText(runQuery(t, "SELECT dstport, "+agg+" FROM vpc_flow WHERE action = 'REJECT' AND bytes > 100 AND srcport > 40100 GROUP BY dstport", workers, recs...))
			if got != want || want == "" {
				t.Errorf("%s FILTER (workers %d):\n got %s\nwant %s", agg, workers, got, want)
			}
		}
	}
}
