package sigma

// The correlation oracle: record at a time, windows straight from the
// specification, written without the SQL of corr.go. For every event it
// collects the events of the same group within one timespan before it
// (both ends included), counts them as the correlation type says, and
// keeps the windows that meet the condition; overlapping matching windows
// of a group merge into one burst (the documented deduplication). Each
// burst prints as "group|first|last|peak", the engine's result row.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/parsers"
)

// oEvent is one event of one referenced rule.
type oEvent struct {
	group string
	t     time.Time
	rule  int    // 1-based position in rules:
	value string // condition.field's value; "" missing
	ok    bool   // value present
	gvals []string
}

// oWin is one matching window of a group.
type oWin struct {
	group string
	gvals []string // the group-by values
	t, ws time.Time
	n     float64
}

// oracleFieldText is the first value of a field in rec, as text.
func oracleFieldText(rec map[string]any, field string) (string, bool) {
	vals, _ := lookup(rec, field)
	for _, v := range vals {
		if s, ok := asText(v); ok {
			return s, true
		}
	}
	return "", false
}

// oracleCorrelation evaluates correlation rule r over recs: its bursts.
func oracleCorrelation(t *testing.T, r *Rule, rules []*Rule, recs []map[string]any) []string {
	t.Helper()
	byGroup := map[string][]oWin{}
	for _, w := range oracleWindows(t, r, rules, recs) {
		byGroup[w.group] = append(byGroup[w.group], w)
	}
	var out []string
	for g, ws := range byGroup {
		sort.Slice(ws, func(i, j int) bool {
			if !ws[i].t.Equal(ws[j].t) {
				return ws[i].t.Before(ws[j].t)
			}
			return ws[i].ws.Before(ws[j].ws)
		})
		var cur *oWin
		var curFirst time.Time
		flush := func() {
			if cur != nil {
				out = append(out, fmt.Sprintf("%s|%s|%s|%s", g, fmtT(curFirst), fmtT(cur.t), strconv.FormatFloat(cur.n, 'f', -1, 64)))
			}
		}
		for _, w := range ws {
			if cur != nil && !cur.t.Before(w.ws) {
				if w.n > cur.n {
					cur.n = w.n
				}
				cur.t = w.t
				if w.ws.Before(curFirst) {
					curFirst = w.ws
				}
				continue
			}
			flush()
			w := w
			cur, curFirst = &w, w.ws
		}
		flush()
	}
	sort.Strings(out)
	return out
}

// oracleWindows returns the matching windows of correlation rule r over
// recs. A referred correlation's events are its matching windows, at
// the time of their last event, with its group-by values as fields.
func oracleWindows(t *testing.T, r *Rule, rules []*Rule, recs []map[string]any) []oWin {
	t.Helper()
	c := r.Correlation
	var refs []*Rule
	var names []string
	for _, ref := range c.Rules {
		b := FindRule(rules, ref)
		if b == nil {
			t.Fatalf("oracle: no rule %q", ref)
		}
		if c.Type != "temporal_ordered" && slices.Contains(refs, b) {
			continue
		}
		refs = append(refs, b)
		names = append(names, ref)
	}
	fieldFor := func(b *Rule, name string) string {
		for _, a := range c.Aliases {
			if a.Name == name {
				if f, ok := a.Fields[b.Name]; ok {
					return f
				}
				return a.Fields[b.ID]
			}
		}
		return name
	}
	var evs []oEvent
	for _, rec := range recs {
		// The event time: eventTime, else "@timestamp" (exports that
		// drop eventTime; the reader reads them so).
		ts, ok := rec["eventTime"].(string)
		if _, has := rec["eventTime"]; !has {
			ts, ok = rec["@timestamp"].(string)
		}
		if !ok {
			continue
		}
		tm, err := time.Parse(time.RFC3339, ts)
		if err != nil {
			continue
		}
		seen := map[string]bool{}
		for i, b := range refs {
			if b.Correlation != nil || !oracleMatch(b, rec, Options{}) {
				continue
			}
			var parts []string
			missing := false
			for _, g := range c.GroupBy {
				s, ok := oracleFieldText(rec, fieldFor(b, g))
				if !ok {
					missing = true
				}
				parts = append(parts, s)
			}
			if missing {
				continue // no group
			}
			e := oEvent{group: strings.Join(parts, "/"), t: tm, rule: i + 1, gvals: parts}
			if len(c.GroupBy) == 0 {
				e.group = "all"
			}
			if c.Condition != nil && c.Condition.Field != "" {
				e.value, e.ok = oracleFieldText(rec, fieldFor(b, c.Condition.Field))
			}
			// event_count and value_count count a record once, unless
			// aliases give its rules different fields.
			key := e.group + "\x00" + e.value
			if c.Type == "temporal" || c.Type == "temporal_ordered" {
				key += fmt.Sprint(e.rule)
			} else if len(c.Aliases) > 0 {
				key += fmt.Sprint(e.rule)
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			evs = append(evs, e)
		}
	}
	for i, b := range refs {
		if b.Correlation == nil {
			continue
		}
		inner := func(name string) int {
			k := slices.Index(b.Correlation.GroupBy, fieldFor(b, name))
			if k < 0 {
				t.Fatalf("oracle: %q is not a group-by field of %q", name, b.Title)
			}
			return k
		}
		for _, w := range oracleWindows(t, b, rules, recs) {
			e := oEvent{t: w.t, rule: i + 1}
			for _, g := range c.GroupBy {
				e.gvals = append(e.gvals, w.gvals[inner(g)])
			}
			e.group = strings.Join(e.gvals, "/")
			if len(c.GroupBy) == 0 {
				e.group = "all"
			}
			if c.Condition != nil && c.Condition.Field != "" {
				e.value, e.ok = w.gvals[inner(c.Condition.Field)], true
			}
			evs = append(evs, e)
		}
	}
	type win = oWin
	var wins []oWin
	for _, a := range evs {
		numeric := c.Type == "value_sum" || c.Type == "value_avg"
		if (c.Type == "value_count" || numeric) && !a.ok {
			continue
		}
		if _, err := strconv.ParseFloat(a.value, 64); numeric && err != nil {
			continue
		}
		if c.Type == "temporal_ordered" && a.rule != len(refs) {
			continue
		}
		// The window: the group's events within one timespan up to a.
		var in []oEvent
		for _, e := range evs {
			if e.group == a.group && !e.t.After(a.t) && !e.t.Before(a.t.Add(-c.Timespan)) {
				if (c.Type == "value_count" || numeric) && !e.ok {
					continue
				}
				if _, err := strconv.ParseFloat(e.value, 64); numeric && err != nil {
					continue
				}
				in = append(in, e)
			}
		}
		w := win{t: a.t, ws: a.t, group: a.group, gvals: a.gvals}
		for _, e := range in {
			if e.t.Before(w.ws) {
				w.ws = e.t
			}
		}
		switch c.Type {
		case "event_count":
			w.n = float64(len(in))
		case "value_sum", "value_avg":
			for _, e := range in {
				f, _ := strconv.ParseFloat(e.value, 64)
				w.n += f
			}
			if c.Type == "value_avg" {
				w.n /= float64(len(in))
			}
		case "value_count":
			vals := map[string]bool{}
			for _, e := range in {
				vals[e.value] = true
			}
			w.n = float64(len(vals))
		case "temporal":
			rs := map[int]bool{}
			for _, e := range in {
				rs[e.rule] = true
			}
			w.n = float64(len(rs))
		case "temporal_ordered":
			// The latest start of rules 1..n in order ending at a.
			best, found := time.Time{}, false
			var chain func(k int, after time.Time, start time.Time)
			chain = func(k int, after, start time.Time) {
				if k == len(refs) {
					if !found || start.After(best) {
						best, found = start, true
					}
					return
				}
				for _, e := range in {
					if e.rule == k && !e.t.Before(after) {
						s := start
						if k == 1 {
							s = e.t
						}
						chain(k+1, e.t, s)
					}
				}
			}
			if len(refs) == 1 {
				best, found = a.t, true
			} else {
				chain(1, a.t.Add(-c.Timespan), time.Time{})
			}
			if !found {
				continue
			}
			w.n, w.ws = float64(len(refs)), best
		}
		if !oracleHolds(c, w.n, len(refs)) {
			continue
		}
		wins = append(wins, w)
	}
	return wins
}

func oracleHolds(c *Correlation, n float64, rules int) bool {
	if c.Condition == nil {
		return n >= float64(rules)
	}
	for _, a := range c.Condition.And {
		if !oracleCmp(a.Op, n, a.Value) {
			return false
		}
	}
	return oracleCmp(c.Condition.Op, n, c.Condition.Value)
}

func oracleCmp(op string, n, v float64) bool {
	switch op {
	case "gt":
		return n > v
	case "gte":
		return n >= v
	case "lt":
		return n < v
	case "lte":
		return n <= v
	case "eq":
		return n == v
	case "neq":
		return n != v
	}
	panic("oracle: op " + op)
}

func fmtT(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") }

// engineCorrelation runs correlation rule r's SQL over CloudTrail records
// and returns its rows as "group|first|last|peak".
func engineCorrelation(t *testing.T, r *Rule, rules []*Rule, recs []map[string]any) []string {
	t.Helper()
	sql, _, cols, err := CorrelationSQL(r, rules, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var nd bytes.Buffer
	for _, rec := range recs {
		b, _ := json.Marshal(rec)
		nd.Write(b)
		nd.WriteByte('\n')
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	q, err := engine.Compile(sql, engine.Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	run := q.NewRun(1)
	rd, err := parsers.NewCloudTrailReader(bytes.NewReader(nd.Bytes()), "corr.json", parsers.WithAllocator(mem), parsers.WithColumns(q.Columns("cloudtrail")...))
	if err != nil {
		t.Fatal(err)
	}
	for rd.Next() {
		if err := run.Push(0, rd.Batch()); err != nil {
			t.Fatal(err)
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	rd.Release()
	res, err := run.Finish()
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	idx := func(name string) int { return slices.Index(res.Columns, name) }
	var out []string
	for i := range res.Len() {
		var parts []string
		for _, c := range cols {
			parts = append(parts, res.Text(i, idx(c)))
		}
		g := strings.Join(parts, "/")
		if len(cols) == 0 {
			g = "all"
		}
		out = append(out, fmt.Sprintf("%s|%s|%s|%s", g, res.Text(i, idx("first_seen")), res.Text(i, idx("last_seen")), peakText(res.Value(i, idx("events")))))
	}
	sort.Strings(out)
	return out
}

// TestCorrelation_OraclePacks compares the engine with the oracle for
// the correlation rules of the Suzaku pack (when the shared corpus is
// there) and every form of corrRules, over testdata's CloudTrail files
// (the public attack logs among them) and the generator's records.
func TestCorrelation_OraclePacks(t *testing.T) {
	type corrCase struct {
		r     *Rule
		rules []*Rule
	}
	var cases []corrCase
	if res, err := LoadDir(corpusDir + "/suzaku-rules/suzaku/aws"); err != nil {
		t.Logf("corpus not available, skipped: %v", err)
	} else {
		for _, r := range Correlations(res.Rules) {
			cases = append(cases, corrCase{r, res.Rules})
		}
	}
	for _, corr := range corrRules {
		r, rules := loadCorr(t, corr)
		cases = append(cases, corrCase{r, rules})
	}
	recs := corpus(t, nil)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		enc.Encode(r)
	}
	accepted := map[string]bool{}
	for _, id := range engineRun(t, "SELECT eventid FROM cloudtrail", buf.Bytes()) {
		accepted[id] = true
	}
	var kept []map[string]any
	for _, rec := range decodeRecords(buf.Bytes()) {
		if accepted[rec["eventID"].(string)] {
			kept = append(kept, rec)
		}
	}
	bursts := 0
	for _, c := range cases {
		got := engineCorrelation(t, c.r, c.rules, kept)
		want := oracleCorrelation(t, c.r, c.rules, kept)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s (%s): engine and oracle differ\nengine only: %q\noracle only: %q", c.r.Source, c.r.Title, minus(got, want), minus(want, got))
		}
		bursts += len(want)
	}
	t.Logf("%d correlation rules compared over %d records, %d bursts in all", len(cases), len(kept), bursts)
	if bursts == 0 {
		t.Fatal("no burst: the comparison tests nothing")
	}
}

// minus returns the entries of a not in b.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// peakText prints the engine's peak count as the oracle does.
func peakText(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
