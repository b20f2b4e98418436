package main

import (
	"context"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/bench"
)

// TestQuery_ParquetTextDictionaries: the flow Parquet reader hands text
// columns (srcaddr, dstaddr, account_id, interface_id, pkt_srcaddr...)
// to the engine dictionary-encoded, over a dictionary of each batch's
// values; every engine path that reads strings answers over the
// Parquet conversion what it answers over the .gz: WHERE kernels
// (LIKE, regexp_like, IN, comparisons of two such columns, IS NULL),
// functions, grouping on one key and on several (in memory and spilled,
// by values and by value IDs, with a HAVING bound), count(DISTINCT),
// DISTINCT, min/max, ORDER BY, window partitions, joins, UNION and
// NULL addresses (NODATA records), in row groups of 500 and 20,000 rows.
func TestQuery_ParquetTextDictionaries(t *testing.T) {
	gen := t.TempDir()
	if _, err := bench.Generate(context.Background(), bench.Config{Seed: 5, Dir: gen, FlowBytes: 4 << 20, Days: 1}); err != nil {
		t.Fatal(err)
	}
	// Row groups smaller than a batch (a batch per chunk dictionary),
	// and larger (batches sharing one).
	var lakes []string
	for _, rows := range []string{"500", "20000"} {
		dst := t.TempDir()
		if code, _, errOut := runHunt(t, "convert", "--row-group-rows", rows, "--buffer", "4", gen, dst); code != exitOK {
			t.Fatalf("convert: exit %d\n%s", code, errOut)
		}
		lakes = append(lakes, dst)
	}
	type query struct {
		sql   string
		flags []string
	}
	small := []string{"--aggregate-memory", "256KiB"} // spill
	qs := []query{
		{sql: "SELECT srcaddr, count(*) AS n FROM vpc_flow WHERE srcaddr LIKE '10.%' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 25"},
		{sql: "SELECT count(*) AS n, count(srcaddr) AS s, count(pkt_srcaddr) AS p, count(DISTINCT srcaddr) AS ds, count(DISTINCT dstaddr) AS dd, min(srcaddr) AS lo, max(dstaddr) AS hi FROM vpc_flow"},
		{sql: "SELECT log_status, action, count(*) AS n, sum(CASE WHEN srcaddr IS NULL THEN 1 ELSE 0 END) AS nulls, count(DISTINCT interface_id) AS enis FROM vpc_flow GROUP BY 1, 2 ORDER BY 1, 2"},
		{sql: "SELECT lower(interface_id) AS eni, split_part(srcaddr, '.', 1) AS o, concat(srcaddr, ':', CAST(srcport AS varchar)) AS ep, length(dstaddr) AS l, upper(account_id) AS a FROM vpc_flow WHERE dstport = 22 ORDER BY 3, 1, 4 LIMIT 60"},
		{sql: "SELECT DISTINCT dstaddr FROM vpc_flow WHERE action = 'REJECT' ORDER BY 1"},
		{sql: "SELECT srcaddr, dstaddr, start FROM vpc_flow WHERE action = 'REJECT' ORDER BY srcaddr DESC, dstaddr, start LIMIT 200"},
		{sql: "SELECT count(*) AS n FROM vpc_flow WHERE srcaddr = dstaddr OR srcaddr < dstaddr"},
		{sql: "SELECT count(*) AS n FROM vpc_flow WHERE regexp_like(srcaddr, '^10\\.[0-9]+\\.[0-9]+\\.1[0-9]$') AND NOT starts_with(dstaddr, '172.')"},
		{sql: "SELECT coalesce(pkt_srcaddr, srcaddr, '-') AS a, count(*) AS n FROM vpc_flow WHERE srcaddr IS NULL OR srcaddr NOT IN ('10.0.0.1', '10.0.0.2') GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30"},
		{sql: "SELECT srcaddr, start, row_number() OVER (PARTITION BY srcaddr ORDER BY start, dstaddr) AS rn FROM vpc_flow WHERE dstport = 3389 ORDER BY 1, 2, 3 LIMIT 200"},
		{sql: "SELECT a.srcaddr, count(*) AS n FROM vpc_flow a JOIN (SELECT DISTINCT dstaddr FROM vpc_flow WHERE action = 'REJECT') b ON a.srcaddr = b.dstaddr GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30"},
		{sql: "SELECT srcaddr AS a FROM vpc_flow WHERE dstport = 22 UNION SELECT dstaddr FROM vpc_flow WHERE dstport = 22 ORDER BY 1"},
		{sql: "SELECT count(*) AS groups, sum(b) AS b, sum(f) AS f FROM (SELECT account_id, srcaddr, dstaddr, start - start % 3600 AS h, sum(bytes) AS b, count(*) AS f FROM vpc_flow WHERE action = 'ACCEPT' GROUP BY 1, 2, 3, 4) g"},
		{sql: "SELECT count(*) AS groups, sum(b) AS b, sum(f) AS f, max(f) AS mf FROM (SELECT account_id, srcaddr, dstaddr, start - start % 3600 AS h, sum(bytes) AS b, count(*) AS f FROM vpc_flow WHERE action = 'ACCEPT' GROUP BY 1, 2, 3, 4) g", flags: small},
		{sql: "SELECT srcaddr, dstaddr, count(*) AS n FROM vpc_flow GROUP BY 1, 2 HAVING count(*) > 2 ORDER BY 3 DESC, 1, 2 LIMIT 50", flags: small},
		{sql: "SELECT dstaddr, sum(bytes) AS b, count(DISTINCT srcaddr) AS s FROM vpc_flow GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 40", flags: small},
		{sql: "SELECT srcaddr, count(DISTINCT dstport) AS ports, count(DISTINCT dstaddr) AS targets FROM vpc_flow WHERE srcaddr IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT 40", flags: small},
	}
	for _, q := range qs {
		args := append(append([]string{"query", "--output", "csv"}, q.flags...), q.sql)
		codeGz, want, errGz := runHunt(t, append(args, gen)...)
		if codeGz != exitOK || strings.Count(want, "\n") < 2 {
			t.Fatalf("%s\n.gz: exit %d, no rows\n%s", q.sql, codeGz, errGz)
		}
		for _, dst := range lakes {
			code, got, errPQ := runHunt(t, append(args, dst)...)
			if code != exitOK {
				t.Fatalf("%s\nParquet: exit %d\n%s", q.sql, code, errPQ)
			}
			if got != want {
				t.Errorf("%s %q over %s\nParquet answer differs:\n%s\n.gz:\n%s", q.sql, q.flags, dst, head(got), head(want))
			}
		}
	}
}
