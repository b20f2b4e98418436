package queries

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe"

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
// its ID, times, count, sources and its evidence rows (the only result
// rows kept). [Folded.All] makes the findings one at a time, so a run
// that hands them on as they come (findings.Deliver) never holds all of
// them, with their evidence maps, at once.
type Folded struct {
	h      *Hunt
	kept   *engine.Result // the evidence rows of the findings
	groups []group
	// columns of the result: resource, actor, account, region (-1: none)
	// and the evidence columns.
	iRes, iActor, iAcct, iRegion int
	evCols                       []int
	srcs                         []string // the source URIs, interned, by index
	// evLast and jbuf make evidence values (Folded.evidence).
	evLast []evidenceCell
	jbuf   []byte
}

// group is one finding of a [Folded], before it is made.
type group struct {
	id          string
	first, last time.Time
	count       int64
	rows        int64 // result rows folded in
	// sources are the group's source objects, as indexes into
	// Folded.srcs: a row's source is matched by an integer, not by its
	// text, and the list holds no pointers for the collector to follow.
	sources []int32
	srcSet  map[int32]struct{} // sources as a set, once there are many
	// evidence are the rows of kept that are its evidence, the first
	// nEvidence, in result order; the first also gives the finding's
	// resource, actor, account and region.
	nEvidence uint8
	evidence  [MaxEvidence]int32
}

// Len returns how many findings there are.
func (fd *Folded) Len() int { return len(fd.groups) }

// All yields the findings, sorted by first seen, then ID, each made as it
// is yielded. Making them reuses the evidence values made before
// (Folded.evidence), so All is not safe for concurrent use.
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
	h, res, row := fd.h, fd.kept, int(g.evidence[0])
	f := findings.Finding{
		ID: g.id, HuntID: h.ID, Title: h.Title, Description: h.Description, Severity: h.Severity,
		Tactics: h.Tactics, Techniques: h.Techniques,
		Resource: rowText(res, row, fd.iRes), ResourceType: h.ResourceType,
		FirstSeen: g.first, LastSeen: g.last, Count: g.count,
		EvidenceTruncated: g.rows > MaxEvidence,
		Remediation:       h.Remediation, References: h.References, Table: h.Table,
	}
	if f.Resource == "" {
		f.Resource = "unknown"
	}
	if len(g.sources) > 0 {
		f.Sources = make([]string, len(g.sources))
		for i, id := range g.sources {
			f.Sources[i] = fd.srcs[id] // sorted by Folded
		}
	}
	if fd.iActor >= 0 {
		f.Actor = rowText(res, row, fd.iActor)
	}
	if fd.iAcct >= 0 {
		f.Account = rowText(res, row, fd.iAcct)
	}
	if fd.iRegion >= 0 {
		f.Region = rowText(res, row, fd.iRegion)
	}
	if fd.evLast == nil {
		fd.evLast = make([]evidenceCell, len(fd.evCols))
	}
	f.Evidence = make([]map[string]any, g.nEvidence)
	for i, r := range g.evidence[:g.nEvidence] {
		ev := make(map[string]any, len(fd.evCols))
		for k, c := range fd.evCols {
			ev[res.Columns[c]] = fd.evidence(int(r), k, c)
		}
		f.Evidence[i] = ev
	}
	return f
}

// evidenceCell is the last text value of an evidence column and the
// evidence value made of it.
type evidenceCell struct {
	s   string
	v   any
	set bool
}

// evidence returns the evidence value of column c of row r of kept, the
// k-th evidence column: evidenceValue of it. A finding's evidence rows
// mostly repeat the row before's text (the same call, actor and user
// agent), so a text value equal to the column's last one takes the
// value made of that, as it is: no boxing, no JSON made again.
func (fd *Folded) evidence(r, k, c int) any {
	s, ok := fd.kept.String(r, c)
	if !ok {
		return evidenceValue(fd.kept.Value(r, c)) // NULL, or not text
	}
	last := &fd.evLast[k]
	if last.set && last.s == s {
		return last.v
	}
	v := fd.evidenceText(s)
	*last = evidenceCell{s: s, v: v, set: true}
	return v
}

// evidenceText is evidenceValue of the text s, its canonical JSON (if
// it is JSON) written into fd.jbuf: the findings' JSON texts share
// allocations instead of one each.
func (fd *Folded) evidenceText(s string) any {
	if len(s) < 2 || (s[0] != '{' && s[0] != '[') {
		return s
	}
	if need := len(s) + len(s)/8 + 16; cap(fd.jbuf)-len(fd.jbuf) < need {
		fd.jbuf = make([]byte, 0, max(jsonChunk, need))
	}
	start := len(fd.jbuf)
	out, ok := findings.AppendCanonicalJSON(fd.jbuf, s)
	if !ok {
		return s
	}
	// The text stays as written: later texts go after it, or into a
	// new array if out outgrew this one.
	fd.jbuf = out
	return findings.JSONText(unsafe.String(&out[start], len(out)-start))
}

// jsonChunk is the size of the arrays evidence JSON text is written
// into.
const jsonChunk = 64 << 10

// rowText is text of the value in column col of row, without boxing
// text.
func rowText(res *engine.Result, row, col int) string {
	if s, ok := res.String(row, col); ok {
		return s
	}
	return text(res.Value(row, col))
}

// Fold folds the result rows of h's query, in result order, into
// findings as [Hunt.Findings] does, keeping per finding only what
// [Folded] needs to make it later. A *[RowsError] comes with the
// findings of every other row.
func (h *Hunt) Fold(res *engine.Result, w Window) (*Folded, error) {
	f := h.NewFolder(w, true)
	if err := f.Add(res); err != nil {
		return nil, err
	}
	return f.Folded()
}

// Folder folds a hunt's result rows into findings as they come, chunk by
// chunk (engine.Run.Stream), keeping only each finding's evidence rows:
// a hunt whose result has many rows per finding holds its findings, not
// its result. When the chunks come in no particular order, the evidence
// rows (and the row that gives a finding's resource and actor) are the
// first in the order of the whole result (engine.CompareRows), so the
// findings are those [Hunt.Fold] makes of the result. Not safe for
// concurrent use.
type Folder struct {
	fd      *Folded
	w       Window
	ordered bool // chunks come in result order
	// byKey finds a row's group by the encoded dedup key and bucket its
	// ID hashes (findings.NewID): the hash is computed once per finding,
	// not once per row.
	byKey map[string]int
	kbuf  []byte
	key   []string
	// srcIDs finds a source URI's index in fd.srcs. srcAt and srcLen are
	// where the source text of the last row lay in chunk srcGen, and srcID
	// its index: the rows of a chunk viewing the same text (an object's
	// rows, a batch at a time) find it without hashing it. An address,
	// not a pointer: it must not keep the chunk's batch alive, and it is
	// only compared within the chunk it was taken in.
	srcIDs map[string]int32
	srcAt  uintptr
	srcLen int
	srcID  int32
	srcGen uint64
	// columns of the result: times, count, sources and the dedup key.
	iTime, iLast, iCount, iSrc int
	keyCols                    []int
	rows                       int // rows added
	live                       int // rows of fd.kept that are evidence
	// slack is how many rows of fd.kept may be no longer evidence (rows
	// a row earlier in result order displaced) before they are dropped,
	// as long as they are no more than a quarter of the evidence rows.
	slack int
	gen   uint64 // chunks added: srcGen's clock
	bad   *RowsError
	err   error // the first error of Add; sticky
}

// NewFolder returns a Folder of h's result rows within w; ordered says
// the chunks come in result order (one whole result, or a query with
// ORDER BY).
func (h *Hunt) NewFolder(w Window, ordered bool) *Folder {
	return &Folder{fd: &Folded{h: h}, w: w, ordered: ordered, byKey: map[string]int{}, srcIDs: map[string]int32{}, slack: 256}
}

// columns finds the header's columns in the result's.
func (f *Folder) columns(res *engine.Result) error {
	h, fd := f.fd.h, f.fd
	col := func(name string) int {
		if name == "" {
			return -1
		}
		return slices.Index(res.Columns, name)
	}
	f.iTime, f.iLast, f.iCount, f.iSrc = col(h.Time), col(h.LastSeen), col(h.Count), col(h.Sources)
	fd.iRes, fd.iActor, fd.iAcct, fd.iRegion = col(h.Resource), col(h.Actor), col(h.Account), col(h.Region)
	if f.iTime < 0 || fd.iRes < 0 || (h.Sources != "" && f.iSrc < 0) {
		return fmt.Errorf("%s: result lacks a header column (time %q, resource %q, sources %q) in %v", h.Source, h.Time, h.Resource, h.Sources, res.Columns)
	}
	if f.iLast < 0 {
		f.iLast = f.iTime
	}
	f.keyCols = make([]int, len(h.Dedup))
	for i, d := range h.Dedup {
		if f.keyCols[i] = col(d); f.keyCols[i] < 0 {
			return fmt.Errorf("%s: result lacks dedup column %q in %v", h.Source, d, res.Columns)
		}
	}
	f.key = make([]string, len(f.keyCols))
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
	fd.kept = res.Empty()
	return nil
}

// Add folds the rows of res, the next chunk of the result. res may view
// a batch ([engine.Run.StreamViews]): Add copies what it keeps. An error
// (a result without the header's columns, a count that is not a number)
// ends the fold: Add returns it from then on.
func (f *Folder) Add(res *engine.Result) error {
	if f.err != nil {
		return f.err
	}
	if f.fd.kept == nil {
		if f.err = f.columns(res); f.err != nil {
			return f.err
		}
	}
	h, fd := f.fd.h, f.fd
	f.gen++
	for row := range res.Len() {
		f.rows++
		// A row lacking one of its times takes the other; a row with
		// neither is reported, never the end of the other rows' findings.
		first, errFirst := rowTime(res, row, f.iTime)
		last, errLast := first, errFirst // one time column (most hunts): parsed once
		if f.iLast != f.iTime {
			last, errLast = rowTime(res, row, f.iLast)
		}
		switch {
		case errFirst == nil && errLast != nil:
			last = first
		case errFirst != nil && errLast == nil:
			first = last
		case errFirst != nil:
			if f.bad == nil {
				f.bad = &RowsError{Hunt: h.ID, Err: fmt.Errorf("%s: %s: column %s: %w", h.Source, f.rowName(), h.Time, errFirst)}
			}
			f.bad.Rows++
			continue
		}
		if last.Before(first) {
			last = first
		}
		if (!f.w.Since.IsZero() && last.Before(f.w.Since)) || (!f.w.Until.IsZero() && !first.Before(f.w.Until)) {
			continue
		}
		for i, c := range f.keyCols {
			if s, ok := res.String(row, c); ok {
				f.key[i] = s
			} else {
				f.key[i] = text(res.Value(row, c))
			}
		}
		bucket := findings.Bucket(first, h.Window)
		kb := f.kbuf[:0]
		for _, k := range f.key {
			kb = binary.AppendUvarint(kb, uint64(len(k)))
			kb = append(kb, k...)
		}
		var b int64
		if !bucket.IsZero() {
			b = bucket.Unix()
		}
		kb = binary.BigEndian.AppendUint64(kb, uint64(b))
		f.kbuf = kb
		gi, ok := f.byKey[string(kb)]
		if !ok {
			gi = len(fd.groups)
			f.byKey[string(kb)] = gi
			fd.groups = append(fd.groups, group{id: findings.NewID(h.ID, f.key, bucket), first: first, last: last})
		}
		g := &fd.groups[gi]
		if first.Before(g.first) {
			g.first = first
		}
		if last.After(g.last) {
			g.last = last
		}
		if f.iCount >= 0 {
			n, err := countValue(res.Value(row, f.iCount))
			if err != nil {
				f.err = fmt.Errorf("%s: %s: column %s: %w", h.Source, f.rowName(), h.Count, err)
				return f.err
			}
			g.count += n
		} else {
			g.count++
		}
		g.rows++
		f.addEvidence(g, res, row)
		if f.iSrc >= 0 {
			if s, ok := res.String(row, f.iSrc); ok {
				f.addSource(g, f.viewedSourceID(s))
				continue
			}
			switch v := res.Value(row, f.iSrc).(type) {
			case string:
				f.addSource(g, f.sourceID(v))
			case []any:
				for _, s := range v {
					if s, ok := s.(string); ok {
						f.addSource(g, f.sourceID(s))
					}
				}
			}
		}
	}
	if waste := fd.kept.Len() - f.live; waste > max(f.live/4, f.slack) {
		f.compact()
	}
	return nil
}

// rowName names the row being added in an error: its number in the
// result when the chunks come in result order.
func (f *Folder) rowName() string {
	if f.ordered {
		return fmt.Sprintf("row %d", f.rows)
	}
	return "a row"
}

// addEvidence keeps row of res as evidence of g if it is among the first
// MaxEvidence of g's rows in result order.
func (f *Folder) addEvidence(g *group, res *engine.Result, row int) {
	kept := f.fd.kept
	n := int(g.nEvidence)
	at := n // where row goes among the evidence
	if !f.ordered {
		for at > 0 && engine.CompareRows(res, row, kept, int(g.evidence[at-1])) < 0 {
			at--
		}
	}
	if at == MaxEvidence {
		return
	}
	if n == MaxEvidence {
		n-- // the last one is no longer evidence
		f.live--
	}
	copy(g.evidence[at+1:n+1], g.evidence[at:n])
	g.evidence[at] = int32(kept.AppendRow(res, row))
	g.nEvidence = uint8(n + 1)
	f.live++
}

// compact drops the rows of kept that are no longer evidence.
func (f *Folder) compact() {
	fd := f.fd
	kept := fd.kept.Empty()
	for i := range fd.groups {
		g := &fd.groups[i]
		for k, r := range g.evidence[:g.nEvidence] {
			g.evidence[k] = int32(kept.AppendRow(fd.kept, int(r)))
		}
	}
	fd.kept = kept
}

// viewedSourceID is sourceID of s, a string of the chunk being added
// (Result.String): rows viewing the same text as the row before find it
// without hashing it.
func (f *Folder) viewedSourceID(s string) int32 {
	at := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	if f.srcGen == f.gen && f.srcAt == at && f.srcLen == len(s) {
		return f.srcID
	}
	id := f.sourceID(s)
	f.srcGen, f.srcAt, f.srcLen, f.srcID = f.gen, at, len(s), id
	return id
}

// sourceID returns the index of the source URI s in fd.srcs, adding a
// copy of it (a streamed row's strings view the batch) if it is new.
func (f *Folder) sourceID(s string) int32 {
	if id, ok := f.srcIDs[s]; ok {
		return id
	}
	id := int32(len(f.fd.srcs))
	s = strings.Clone(s)
	f.fd.srcs = append(f.fd.srcs, s)
	f.srcIDs[s] = id
	return id
}

// Folded returns the findings of the rows added, and a *[RowsError] for
// rows that could not become findings.
func (f *Folder) Folded() (*Folded, error) {
	if f.err != nil {
		return nil, f.err
	}
	fd := f.fd
	if fd.kept == nil {
		return fd, nil // no chunk came: no findings
	}
	// Each group's sources in the order of their text: the order of
	// every source's text, once, then of the indexes in each group.
	if len(fd.srcs) > 0 {
		byText := make([]int32, len(fd.srcs))
		for i := range byText {
			byText[i] = int32(i)
		}
		slices.SortFunc(byText, func(a, b int32) int { return strings.Compare(fd.srcs[a], fd.srcs[b]) })
		rank := make([]int32, len(fd.srcs))
		for r, id := range byText {
			rank[id] = int32(r)
		}
		for i := range fd.groups {
			slices.SortFunc(fd.groups[i].sources, func(a, b int32) int { return int(rank[a] - rank[b]) })
		}
	}
	slices.SortFunc(fd.groups, func(a, b group) int {
		if c := a.first.Compare(b.first); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	f.byKey, f.srcIDs = nil, nil
	if f.bad != nil {
		return fd, f.bad
	}
	return fd, nil
}

// addSource adds the source of index id to g's sources unless it is
// there. A finding usually comes from a few objects, so a scan beats a
// set; past manySources (a rule matching GetObject all day, in every
// object) a set takes over.
func (f *Folder) addSource(g *group, id int32) {
	// Rows come an object's batch at a time: most repeat the last source.
	n := len(g.sources)
	if n > 0 && g.sources[n-1] == id {
		return
	}
	if g.srcSet != nil {
		if _, ok := g.srcSet[id]; ok {
			return
		}
	} else if slices.Contains(g.sources, id) {
		return
	}
	g.sources = append(g.sources, id)
	switch {
	case g.srcSet != nil:
		g.srcSet[id] = struct{}{}
	case len(g.sources) == manySources:
		g.srcSet = make(map[int32]struct{}, 2*manySources)
		for _, x := range g.sources {
			g.srcSet[x] = struct{}{}
		}
	}
}

// manySources is where a finding's sources get a set.
const manySources = 32

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

// rowTime reads the time in column col of row: CloudTrail's eventtime
// text ("2024-03-05T10:05:00Z") without boxing it, as timeValue reads it.
func rowTime(res *engine.Result, row, col int) (time.Time, error) {
	if s, ok := res.String(row, col); ok {
		if t, ok := parseSecondsUTC(s); ok {
			return t, nil
		}
		return timeValue(s)
	}
	return timeValue(res.Value(row, col))
}

// parseSecondsUTC parses the one form of RFC 3339 CloudTrail writes,
// "2006-01-02T15:04:05Z", as time.Parse(time.RFC3339Nano, s) does; ok
// is false for any other text (which timeValue then parses or rejects):
// fractions, offsets, and out-of-range fields.
func parseSecondsUTC(s string) (time.Time, bool) {
	if len(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, sec := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	if d > daysIn(time.Month(mo), y) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC), true
}

// daysIn is the number of days of month m of year y.
func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
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

// evidenceValue keeps JSON-friendly values as they are and keeps raw JSON
// text (requestparameters and friends) as findings.JSONText, so evidence
// reads as JSON rather than escaped strings: the bytes json.Marshal
// writes for the objects json.Unmarshal makes of it, without making them
// (a 737-rule Sigma pack's evidence spent 0.14 of 4.8 cpu-s in
// json.Unmarshal alone). Text json.Unmarshal refuses stays a string.
func evidenceValue(v any) any {
	s, ok := v.(string)
	if !ok || len(s) < 2 || (s[0] != '{' && s[0] != '[') {
		return v
	}
	out, ok := findings.AppendCanonicalJSON(make([]byte, 0, len(s)), s)
	if !ok {
		return v
	}
	return findings.JSONText(unsafe.String(unsafe.SliceData(out), len(out)))
}
