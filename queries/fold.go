package queries

import (
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"
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
// first seen, then ID. It is [Hunt.Fold] with every finding made at once.
func (h *Hunt) Findings(res *engine.Result, w Window) ([]findings.Finding, error) {
	fd, err := h.Fold(res, w)
	if fd == nil {
		return nil, err
	}
	out := make([]findings.Finding, 0, fd.Len())
	for f := range fd.All() {
		out = append(out, f)
	}
	return out, err
}

// Folded is a hunt's result folded into findings, kept small: per finding
// its ID, times, count, sources and the result rows it takes its fields
// and evidence from. [Folded.All] makes the findings one at a time, so a
// run that hands them on as they come (findings.Deliver) never holds all
// of them, with their evidence, at once. It reads the result it was
// folded from, which must stay as it is until then.
type Folded struct {
	h      *Hunt
	res    *engine.Result
	groups []group
	// columns of res: resource, actor, account, region (-1: none) and
	// the evidence columns.
	iRes, iActor, iAcct, iRegion int
	evCols                       []int
}

// group is one finding of a [Folded], before it is made.
type group struct {
	id          string
	first, last time.Time
	count       int64
	sources     []string
	// row is the finding's first row, which gives its resource, actor,
	// account and region; evidence are the rows of its evidence (the
	// first nEvidence).
	row       int32
	nEvidence uint8
	truncated bool
	evidence  [MaxEvidence]int32
}

// Len returns how many findings there are.
func (fd *Folded) Len() int { return len(fd.groups) }

// All yields the findings, sorted by first seen, then ID, each made as it
// is yielded.
func (fd *Folded) All() iter.Seq[findings.Finding] {
	return func(yield func(findings.Finding) bool) {
		for i := range fd.groups {
			if !yield(fd.finding(&fd.groups[i])) {
				return
			}
		}
	}
}

// finding makes the finding of g.
func (fd *Folded) finding(g *group) findings.Finding {
	h, res, row := fd.h, fd.res, int(g.row)
	f := findings.Finding{
		ID: g.id, HuntID: h.ID, Title: h.Title, Description: h.Description, Severity: h.Severity,
		Tactics: h.Tactics, Techniques: h.Techniques,
		Resource: text(res.Value(row, fd.iRes)), ResourceType: h.ResourceType,
		FirstSeen: g.first, LastSeen: g.last, Count: g.count,
		EvidenceTruncated: g.truncated, Sources: g.sources,
		Remediation: h.Remediation, References: h.References, Table: h.Table,
	}
	if f.Resource == "" {
		f.Resource = "unknown"
	}
	if fd.iActor >= 0 {
		f.Actor = text(res.Value(row, fd.iActor))
	}
	if fd.iAcct >= 0 {
		f.Account = text(res.Value(row, fd.iAcct))
	}
	if fd.iRegion >= 0 {
		f.Region = text(res.Value(row, fd.iRegion))
	}
	f.Evidence = make([]map[string]any, g.nEvidence)
	for i, r := range g.evidence[:g.nEvidence] {
		ev := make(map[string]any, len(fd.evCols))
		for _, c := range fd.evCols {
			ev[res.Columns[c]] = evidenceValue(res.Value(int(r), c))
		}
		f.Evidence[i] = ev
	}
	return f
}

// Fold folds the result rows of h's query into findings as [Hunt.Findings]
// does, keeping per finding only what [Folded] needs to make it later. A
// *[RowsError] comes with the findings of every other row.
func (h *Hunt) Fold(res *engine.Result, w Window) (*Folded, error) {
	col := func(name string) int {
		if name == "" {
			return -1
		}
		return slices.Index(res.Columns, name)
	}
	iTime, iLast, iCount, iSrc := col(h.Time), col(h.LastSeen), col(h.Count), col(h.Sources)
	fd := &Folded{h: h, res: res, iRes: col(h.Resource), iActor: col(h.Actor), iAcct: col(h.Account), iRegion: col(h.Region)}
	if iTime < 0 || fd.iRes < 0 || (h.Sources != "" && iSrc < 0) {
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
	if h.Evidence == nil {
		for i, c := range res.Columns {
			if c != h.Sources {
				fd.evCols = append(fd.evCols, i)
			}
		}
	} else {
		for _, e := range h.Evidence {
			fd.evCols = append(fd.evCols, col(e))
		}
	}

	// groups holds the findings in first-row order; byID indexes it. A
	// finding's sources are few: they are collected in the group itself
	// (deduplicated as they come), not in a set per finding.
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
		gi, ok := byID[id]
		if !ok {
			gi = len(fd.groups)
			byID[id] = gi
			fd.groups = append(fd.groups, group{id: id, first: first, last: last, row: int32(row)})
		}
		g := &fd.groups[gi]
		if first.Before(g.first) {
			g.first = first
		}
		if last.After(g.last) {
			g.last = last
		}
		if iCount >= 0 {
			n, err := countValue(res.Value(row, iCount))
			if err != nil {
				return nil, fmt.Errorf("%s: row %d: column %s: %w", h.Source, row+1, h.Count, err)
			}
			g.count += n
		} else {
			g.count++
		}
		if g.nEvidence < MaxEvidence {
			g.evidence[g.nEvidence] = int32(row)
			g.nEvidence++
		} else {
			g.truncated = true
		}
		if iSrc >= 0 {
			switch v := res.Value(row, iSrc).(type) {
			case string:
				g.sources = addSource(g.sources, v)
			case []any:
				for _, s := range v {
					if s, ok := s.(string); ok {
						g.sources = addSource(g.sources, s)
					}
				}
			}
		}
	}
	for i := range fd.groups {
		sort.Strings(fd.groups[i].sources)
	}
	slices.SortFunc(fd.groups, func(a, b group) int {
		if c := a.first.Compare(b.first); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	if bad != nil {
		return fd, bad
	}
	return fd, nil
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
