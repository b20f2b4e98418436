package engine

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// TestDifferential runs testdata/differential/queries.sql (76 queries:
// filters with 3-valued logic, IN/NOT IN with NULL, LIKE, BETWEEN, CASE,
// coalesce/nullif, IS [NOT] DISTINCT FROM, arithmetic, GROUP BY keys with
// NULLs, HAVING, DISTINCT, count(DISTINCT), FILTER, ORDER BY with NULLS
// FIRST/LAST and LIMIT, subqueries and UNION ALL; joins: inner, outer,
// USING, cross, residual ON conditions, self joins; IN/NOT IN/EXISTS
// subqueries, correlated too, and scalar subqueries) over 3000 random flows
// with NULLs, in 6 batches on 3 workers, and compares with the answers
// SQLite gave for the same data (sqlite.out, see sqlite_oracle.py).
func TestDifferential(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f, err := os.Open("testdata/differential/flows.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cols := []string{"srcaddr", "dstport", "action", "bytes", "start", "end"}
	var rows []map[string]any
	for _, l := range lines {
		m := map[string]any{}
		for i, c := range cols {
			if l[i] == `\N` {
				continue
			}
			if c == "srcaddr" || c == "action" {
				m[c] = l[i]
				continue
			}
			v, err := strconv.Atoi(l[i])
			if err != nil {
				t.Fatal(err)
			}
			m[c] = v
		}
		rows = append(rows, m)
	}
	var fields []arrow.Field
	for _, fl := range parsers.VPCFlowSchema.Fields() {
		for _, c := range cols {
			if fl.Name == c {
				fields = append(fields, fl)
			}
		}
	}
	schema := arrow.NewSchema(fields, nil)
	var recs []arrow.RecordBatch
	for i := 0; i < len(rows); i += 500 {
		recs = append(recs, buildRecord(mem, schema, rows[i:min(i+500, len(rows))]))
	}
	defer releaseAll(recs)

	want, err := os.ReadFile("testdata/differential/sqlite.out")
	if err != nil {
		t.Fatal(err)
	}
	expected := map[string]string{}
	var order []string
	for _, block := range strings.Split(string(want), "## ")[1:] {
		q, res, _ := strings.Cut(block, "\n")
		expected[q] = res
		order = append(order, q)
	}
	if len(order) < 76 {
		t.Fatalf("%d oracle answers; want at least 76", len(order))
	}
	for _, q := range order {
		got := resultText(runQuery(t, q, 3, recs...))
		if got != expected[q] {
			t.Errorf("%s\ngot:\n%s\nSQLite:\n%s", q, got, expected[q])
		}
	}
}
