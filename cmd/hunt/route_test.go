package main

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/hunt-sec/hunt/bench"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/parsers"
)

// scanAll runs every saved hunt over paths as hunt run does, row-routed
// or (unrouted) with every batch pushed whole to every hunt, and returns
// the findings (IDs included) as JSON and the rows each hunt was pushed.
func scanAll(t *testing.T, paths []string, unrouted bool) ([]string, map[string]int64) {
	t.Helper()
	hunts, err := loadHunts(nil)
	if err != nil {
		t.Fatal(err)
	}
	out, r := runHunter(t, hunts, paths, func(r *hunter) { r.unrouted = unrouted })
	rows := map[string]int64{}
	for i, h := range hunts {
		for _, wc := range r.cost {
			rows[h.ID] += wc[i].rows
		}
	}
	return out, rows
}

// TestRun_RoutedRows: routing each hunt only the rows its eventname /
// eventsource / action constants admit finds exactly what pushing every
// batch whole finds, IDs included, over testdata/hunts and a generated
// corpus; and each gated hunt is pushed exactly its candidate rows (the
// count of rows holding its values, from a GROUP BY over the corpus),
// not the table's rows.
func TestRun_RoutedRows(t *testing.T) {
	t.Chdir("../..") // $path in findings as in the golden files
	gen := t.TempDir()
	if _, err := bench.Generate(context.Background(), bench.Config{Seed: 18, Dir: gen, CloudTrailBytes: 6 << 20, FlowBytes: 3 << 20}); err != nil {
		t.Fatal(err)
	}
	hunts, err := loadHunts(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"testdata/hunts", gen} {
		routed, rows := scanAll(t, []string{path}, false)
		whole, wholeRows := scanAll(t, []string{path}, true)
		if len(routed) == 0 {
			t.Fatalf("%s: no findings; the comparison would prove nothing", path)
		}
		if !slices.Equal(routed, whole) {
			t.Errorf("%s: routed rows found %d findings, whole batches %d; first difference:", path, len(routed), len(whole))
			for i := range min(len(routed), len(whole)) {
				if routed[i] != whole[i] {
					t.Errorf("routed %s\nwhole  %s", routed[i], whole[i])
					break
				}
			}
		}
		// What each hunt must be pushed: the rows whose dictionary
		// columns hold one of the values it pins.
		eqs := map[string]map[string][]string{} // hunt → its gate
		gateCols := map[string][]string{}       // table → the columns gates look at
		for _, h := range hunts {
			q, err := h.Compile(engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			eq := q.Pruning(h.Table).Equal
			tab := parsers.TableNamed(h.Table)
			if len(eq) == 0 || slices.ContainsFunc(slices.Collect(maps.Keys(eq)), func(c string) bool { return !isDictColumn(tab, c) }) {
				continue // open, or a gate column hunt run cannot route by
			}
			eqs[h.ID] = eq
			for c := range eq {
				if !slices.Contains(gateCols[h.Table], c) {
					gateCols[h.Table] = append(gateCols[h.Table], c)
				}
			}
		}
		counts := map[string]map[string]int64{} // table → "col=val;col=val" → rows
		for table, cols := range gateCols {
			counts[table] = groupCounts(t, path, table, cols)
		}
		gated := 0
		for _, h := range hunts {
			eq := eqs[h.ID]
			if eq == nil {
				continue
			}
			var want int64
			for key, n := range counts[h.Table] {
				if rowMatches(key, eq) {
					want += n
				}
			}
			if got := rows[h.ID]; got != want {
				t.Errorf("%s: hunt %s (gate %v) was pushed %d rows; want %d, its candidates", path, h.ID, eq, got, want)
			}
			if want < wholeRows[h.ID] {
				gated++
			}
		}
		if gated == 0 {
			t.Errorf("%s: no hunt was pushed fewer rows than its table's", path)
		}
	}
}

// isDictColumn reports whether c is a top-level dictionary-encoded column
// of tab, one Gate.Rows routes by.
func isDictColumn(tab *parsers.Table, c string) bool {
	fi := tab.Schema.FieldIndices(c)
	return len(fi) == 1 && tab.Schema.Field(fi[0]).Type.ID() == arrow.DICTIONARY
}

// groupCounts counts table's rows under path per combination of values
// of cols, keyed "col=val;..." (NULL values left out).
func groupCounts(t *testing.T, path, table string, cols []string) map[string]int64 {
	t.Helper()
	slices.Sort(cols)
	sql := "SELECT " + strings.Join(cols, ", ") + ", count(*) AS n FROM " + table + " GROUP BY " + strings.Join(cols, ", ")
	code, out, errOut := runHunt(t, "query", "--output", "json", sql, path)
	if code != exitOK && strings.Contains(errOut, "no object of table "+table) {
		return nil // none of its rows under path: no hunt of it is pushed any
	}
	if code != exitOK {
		t.Fatalf("%s: exit %d: %s", sql, code, errOut)
	}
	m := map[string]int64{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var row map[string]any
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		var key []string
		for _, c := range cols {
			if s, ok := row[c].(string); ok {
				key = append(key, c+"="+s)
			}
		}
		n, err := strconv.ParseInt(jsonNumber(row["n"]), 10, 64)
		if err != nil {
			t.Fatalf("%s: count: %v", line, err)
		}
		m[strings.Join(key, ";")] += n
	}
	return m
}

func jsonNumber(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatInt(int64(x), 10)
	case string:
		return x
	}
	return ""
}

// rowMatches reports whether the group key holds, for every column of eq,
// one of its values.
func rowMatches(key string, eq map[string][]string) bool {
	have := map[string]string{}
	for _, kv := range strings.Split(key, ";") {
		if c, v, ok := strings.Cut(kv, "="); ok {
			have[c] = v
		}
	}
	for c, vals := range eq {
		v, ok := have[c]
		if !ok || !slices.Contains(vals, v) {
			return false
		}
	}
	return true
}
