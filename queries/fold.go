package queries

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/findings"
)

// MaxEvidence is how many result rows a finding keeps as evidence; more rows
// set EvidenceTruncated. Ten rows show a pattern without making a Security
// Hub finding (240 KB max) or an SNS message (256 KB max) too large.
const MaxEvidence = 10

// Window bounds the rows folded into findings by their time column:
// rows whose [first, last] time does not overlap [Since, Until) are
// dropped. Zero times are open.
type Window struct {
	Since, Until time.Time
}

// RowsError reports result rows of a hunt that could not become findings
// (no time in either time column): [Hunt.Findings] returns it with the
// findings of every other row, which stand.
type RowsError struct {
	Hunt string
	Rows int   // rows left out
	Err  error // the first one's reason, positioned
}

func (e *RowsError) Error() string {
	return fmt.Sprintf("%v (%d rows of hunt %s left out)", e.Err, e.Rows, e.Hunt)
}

func (e *RowsError) Unwrap() error { return e.Err }

// Findings folds the result rows of h's query into findings: rows with the
// same dedup key values whose time falls into the same suppression window
// bucket become one finding, whose ID is findings.NewID(h.ID, key, bucket).
// First and last seen span the rows' times; Count sums the count column (or
// counts rows); the first MaxEvidence rows, in result order, are the
// evidence; Sources collects the source column. Findings are sorted by
// first seen, then ID.
func (h *Hunt) Findings(res *engine.Result, w Window) ([]findings.Finding, error) {
	col := func(name string) int {
		if name == "" {
			return -1
		}
		return slices.Index(res.Columns, name)
	}
	iTime, iLast, iCount, iSrc := col(h.Time), col(h.LastSeen), col(h.Count), col(h.Sources)
	iRes, iActor, iAcct, iRegion := col(h.Resource), col(h.Actor), col(h.Account), col(h.Region)
	if iTime < 0 || iRes < 0 || (h.Sources != "" && iSrc < 0) {
		return nil, fmt.Errorf("%s: result lacks a header column (time %q, resource %q, sources %q) in %v", h.Source, h.Time, h.Resource, h.Sources, res.Columns)
	}
	if iLast < 0 {
		iLast = iTime
	}
	keyCols := make([]int, len(h.Dedup))
	for i, d := range h.Dedup {
		if keyCols[i] = col(d); keyCols[i] < 0 {
			return nil, fmt.Errorf("%s: result lacks dedup column %q in %v", h.Source, d, res.Columns)
		}
	}
	evCols := []int{}
	if h.Evidence == nil {
		for i, c := range res.Columns {
			if c != h.Sources {
				evCols = append(evCols, i)
			}
		}
	} else {
		for _, e := range h.Evidence {
			evCols = append(evCols, col(e))
		}
	}

	// out holds the findings in first-row order; byID indexes it. A
	// finding's sources are few: they are collected in the finding itself
	// (deduplicated as they come), not in a set per finding.
	var out []findings.Finding
	byID := map[string]int{}
	key := make([]string, len(keyCols))
	var bad *RowsError
	for row := range res.Len() {
		// A row lacking one of its times takes the other; a row with
		// neither is reported, never the end of the other rows' findings.
		first, errFirst := timeValue(res.Value(row, iTime))
		last, errLast := timeValue(res.Value(row, iLast))
		switch {
		case errFirst == nil && errLast != nil:
			last = first
		case errFirst != nil && errLast == nil:
			first = last
		case errFirst != nil:
			if bad == nil {
				bad = &RowsError{Hunt: h.ID, Err: fmt.Errorf("%s: row %d: column %s: %w", h.Source, row+1, h.Time, errFirst)}
			}
			bad.Rows++
			continue
		}
		if last.Before(first) {
			last = first
		}
		if (!w.Since.IsZero() && last.Before(w.Since)) || (!w.Until.IsZero() && !first.Before(w.Until)) {
			continue
		}
		for i, c := range keyCols {
			key[i] = text(res.Value(row, c))
		}
		bucket := findings.Bucket(first, h.Window)
		id := findings.NewID(h.ID, key, bucket)
		fi, ok := byID[id]
		if !ok {
			fi = len(out)
			byID[id] = fi
			out = append(out, findings.Finding{
				ID: id, HuntID: h.ID, Title: h.Title, Description: h.Description, Severity: h.Severity,
				Tactics: h.Tactics, Techniques: h.Techniques,
				Resource: text(res.Value(row, iRes)), ResourceType: h.ResourceType,
				FirstSeen: first, LastSeen: last,
				Remediation: h.Remediation, References: h.References, Table: h.Table,
			})
		}
		f := &out[fi]
		if !ok {
			if f.Resource == "" {
				f.Resource = "unknown"
			}
			if iActor >= 0 {
				f.Actor = text(res.Value(row, iActor))
			}
			if iAcct >= 0 {
				f.Account = text(res.Value(row, iAcct))
			}
			if iRegion >= 0 {
				f.Region = text(res.Value(row, iRegion))
			}
		}
		if first.Before(f.FirstSeen) {
			f.FirstSeen = first
		}
		if last.After(f.LastSeen) {
			f.LastSeen = last
		}
		if iCount >= 0 {
			n, err := countValue(res.Value(row, iCount))
			if err != nil {
				return nil, fmt.Errorf("%s: row %d: column %s: %w", h.Source, row+1, h.Count, err)
			}
			f.Count += n
		} else {
			f.Count++
		}
		if len(f.Evidence) < MaxEvidence {
			ev := make(map[string]any, len(evCols))
			for _, c := range evCols {
				ev[res.Columns[c]] = evidenceValue(res.Value(row, c))
			}
			f.Evidence = append(f.Evidence, ev)
		} else {
			f.EvidenceTruncated = true
		}
		if iSrc >= 0 {
			switch v := res.Value(row, iSrc).(type) {
			case string:
				f.Sources = addSource(f.Sources, v)
			case []any:
				for _, s := range v {
					if s, ok := s.(string); ok {
						f.Sources = addSource(f.Sources, s)
					}
				}
			}
		}
	}
	for i := range out {
		sort.Strings(out[i].Sources)
	}
	SortFindings(out)
	if bad != nil {
		return out, bad
	}
	return out, nil
}

// addSource adds s to a finding's sources unless it is there: a finding
// comes from a few objects, so a scan beats a set per finding.
func addSource(srcs []string, s string) []string {
	if slices.Contains(srcs, s) {
		return srcs
	}
	return append(srcs, s)
}

// SortFindings orders findings by hunt ID, first seen, then ID: the order of
// `hunt run` output and golden files.
func SortFindings(fs []findings.Finding) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.HuntID != b.HuntID {
			return a.HuntID < b.HuntID
		}
		if !a.FirstSeen.Equal(b.FirstSeen) {
			return a.FirstSeen.Before(b.FirstSeen)
		}
		return a.ID < b.ID
	})
}

// timeValue reads a time column: a timestamp, ISO 8601 text (CloudTrail's
// eventtime) or Unix seconds (flow logs' start and end).
func timeValue(v any) (time.Time, error) {
	switch x := v.(type) {
	case engine.Date:
		return x.Time, nil
	case time.Time:
		return x.UTC(), nil
	case string:
		t, err := time.Parse(time.RFC3339Nano, x)
		if err != nil {
			return time.Time{}, fmt.Errorf("expected an RFC 3339 time, found %q", x)
		}
		return t.UTC(), nil
	case int64:
		return time.Unix(x, 0).UTC(), nil
	case float64:
		return time.Unix(int64(x), 0).UTC(), nil
	case nil:
		return time.Time{}, fmt.Errorf("expected a time, found NULL")
	}
	return time.Time{}, fmt.Errorf("expected a time, found %v (%T)", v, v)
}

func countValue(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case float64:
		return int64(x), nil
	case nil:
		return 0, nil
	}
	return 0, fmt.Errorf("expected a count, found %v (%T)", v, v)
}

// text is a key, resource or actor value as text; NULL is "".
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case engine.Date:
		return x.String()
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// evidenceValue keeps JSON-friendly values as they are and parses raw JSON
// text (requestparameters and friends) into objects, so evidence reads as
// JSON rather than escaped strings.
func evidenceValue(v any) any {
	s, ok := v.(string)
	if !ok || len(s) < 2 || (s[0] != '{' && s[0] != '[') {
		return v
	}
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return v
	}
	return out
}
