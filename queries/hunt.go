package queries

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/findings"
	"github.com/hunt-sec/hunt/parsers"
)

//go:embed *.sql
var embedded embed.FS

// DefaultWindow is the suppression window of a hunt whose header names none.
const DefaultWindow = 24 * time.Hour

// DefaultSources is the column that names each row's source object when a
// header has no sources: line.
const DefaultSources = parsers.SourceColumn

// Hunt is one saved hunting query: the metadata of its header and its SQL.
// Column fields name output columns of the SQL (aliases), checked by
// [Hunt.Compile].
type Hunt struct {
	ID          string
	Title       string
	Description string
	Severity    string // INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL (see findings.SeverityRank)
	Table       string // "cloudtrail" or "vpc_flow": the first of Tables, the findings' table
	// Tables are the tables the SQL reads (`-- table: guardduty, cloudtrail`
	// for a join), Table first; a scan hands the hunt the batches of each.
	Tables     []string
	Tactics    []string
	Techniques []string

	Resource     string // column naming the resource
	ResourceType string // ASFF resource type, e.g. AwsIamUser
	Actor        string // column naming the actor; "" when none
	Account      string // column with the account ID; "" when none
	Region       string // column with the region; "" when none
	Time         string // column with the event time (first seen)
	LastSeen     string // column with the last event time, for aggregating hunts; "" = Time
	Count        string // column whose values are summed into Finding.Count; "" counts rows
	Sources      string // column with the source object (string or array); default "$path"
	Dedup        []string
	Window       time.Duration // suppression window; 0 means one finding per dedup key, ever
	Evidence     []string      // columns kept as evidence; nil keeps every column
	// Respond are the automated responses the hunt's findings may trigger
	// (`-- respond: waf-ipset(srcaddr)`), each naming the evidence columns
	// holding its target; see findings.Responder.
	Respond []findings.ResponseRule

	Remediation string
	References  []string

	// SQL is the query text after the header, as written.
	SQL string
	// Source names the file in errors ("queries/root_login.sql").
	Source string

	text    string // the whole file, so SQL errors carry file positions
	sqlOff  int    // byte offset of SQL in text
	keyLine map[string]int
}

// header keys in canonical order, as String prints them.
var headerKeys = [...]string{
	"id", "title", "severity", "table", "tactics", "techniques",
	"resource", "resource_type", "actor", "account", "region",
	"time", "last_seen", "count", "sources", "dedup", "window", "evidence",
	"respond", "description", "remediation", "references",
}

// listKeys may repeat or hold comma-separated values.
var listKeys = map[string]bool{"tactics": true, "techniques": true, "dedup": true, "evidence": true, "references": true, "respond": true}

// textKeys may continue on following "--   " lines.
var textKeys = map[string]bool{"title": true, "description": true, "remediation": true}

// keyIndex returns the index of key in headerKeys, -1 when it is none.
func keyIndex(key string) int {
	for i, k := range headerKeys {
		if k == key {
			return i
		}
	}
	return -1
}

// validID reports whether id matches ^[a-z0-9][a-z0-9_]*$: lower-case
// letters, digits and '_', not first.
func validID(id string) bool {
	if id == "" || id[0] == '_' {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// digits reports whether s is n ASCII digits.
func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validTactic reports whether s matches ^TA[0-9]{4}$, a MITRE ATT&CK
// tactic ID.
func validTactic(s string) bool {
	return strings.HasPrefix(s, "TA") && digits(s[2:], 4)
}

// validTechnique reports whether s matches ^T[0-9]{4}(\.[0-9]{3})?$, a
// MITRE ATT&CK technique or sub-technique ID.
func validTechnique(s string) bool {
	switch {
	case len(s) == 5:
		return s[0] == 'T' && digits(s[1:], 4)
	case len(s) == 9:
		return s[0] == 'T' && digits(s[1:5], 4) && s[5] == '.' && digits(s[6:], 3)
	}
	return false
}

// Parse reads a hunt file: a header of "-- key: value" comment lines (a line
// "--   more" continues the previous title, description or remediation), then
// the SQL. Errors are *parsers.ParseError values positioned in the file:
//
//	queries/x.sql:3:14: severity: expected INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL, found "SEVERE"
//
// Parse checks the header alone; [Hunt.Compile] checks the SQL and that the
// header's columns are among its output.
func Parse(source, text string) (*Hunt, error) {
	h := &Hunt{Source: source, text: text, keyLine: make(map[string]int, len(headerKeys))}
	off, line := 0, 1
	last := ""
	var seen [len(headerKeys)]bool
	// The title, description and remediation are joined at the end, not
	// one continuation line at a time.
	var texts textParts
	for off < len(text) {
		end := strings.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text) - off
		}
		raw := strings.TrimRight(text[off:off+end], "\r")
		trimmed := strings.TrimSpace(raw)
		if !strings.HasPrefix(trimmed, "--") {
			break
		}
		body := strings.TrimPrefix(trimmed, "--")
		if strings.TrimSpace(body) == "" {
			break // a bare "--" ends the header; what follows is SQL
		}
		dash := strings.Index(raw, "--")
		col := dash + 3 + len(body) - len(strings.TrimLeft(body, " \t")) // 1-based column of the first word
		switch {
		case strings.HasPrefix(body, "   ") || strings.HasPrefix(body, "\t"):
			if !textKeys[last] {
				return nil, h.errAt(off, line, col, "expected \"key: value\", found continuation %q after no title, description or remediation", strings.TrimSpace(body))
			}
			texts.add(last, strings.TrimSpace(body))
		default:
			key, val, ok := strings.Cut(strings.TrimSpace(body), ":")
			key = strings.TrimSpace(key)
			k := keyIndex(key)
			if !ok || k < 0 {
				return nil, h.errAt(off, line, col, "expected a header key (%s), found %q", strings.Join(headerKeys[:], ", "), cutFound(strings.TrimSpace(body)))
			}
			if seen[k] && !listKeys[key] {
				return nil, h.errAt(off, line, col, "%s: expected once, found again (first at line %d)", key, h.keyLine[key])
			}
			seen[k] = true
			if _, ok := h.keyLine[key]; !ok {
				h.keyLine[key] = line
			}
			colon := strings.Index(body, ":")
			vcol := dash + 3 + colon + 1 // just after the colon
			val = strings.TrimSpace(val)
			if val != "" {
				vcol += strings.Index(body[colon+1:], val)
			}
			var err error
			if textKeys[key] {
				err = checkText(key, val)
				texts.add(key, val)
			} else {
				err = h.set(key, val)
			}
			if err != nil {
				return nil, h.errAt(off, line, vcol, "%s: %v", key, err)
			}
			last = key
		}
		off += end + 1
		line++
	}
	if off > len(text) {
		off = len(text)
	}
	h.sqlOff = off
	h.SQL = strings.TrimSpace(text[off:])
	h.Title, h.Description, h.Remediation = texts.join(0), texts.join(1), texts.join(2)
	for _, k := range []string{"id", "title", "severity", "table", "resource", "resource_type", "time", "dedup"} {
		if !seen[keyIndex(k)] {
			return nil, h.errAt(off, line, 1, "expected header key %s, found none", k)
		}
	}
	if h.SQL == "" {
		return nil, h.errAt(off, line, 1, "expected SQL after the header, found end of file")
	}
	if !seen[keyIndex("window")] {
		h.Window = DefaultWindow
	}
	if h.Sources == "" {
		h.Sources = DefaultSources
	}
	return h, nil
}

// TableList returns the tables the hunt reads: Tables, or Table alone for
// a Hunt made without Tables.
func (h *Hunt) TableList() []string {
	if len(h.Tables) == 0 && h.Table != "" {
		return []string{h.Table}
	}
	return h.Tables
}

// ReadsTable reports whether the hunt reads table.
func (h *Hunt) ReadsTable(table string) bool {
	return slices.Contains(h.TableList(), table)
}

// textParts are the pieces of a hunt's title, description and
// remediation (in that order), each joined by a space.
type textParts [3][]string

// add appends s to the text of key (title, description or remediation).
// An empty piece adds nothing to an empty text (a "description:" line
// with no value).
func (t *textParts) add(key, s string) {
	i := 0
	switch key {
	case "description":
		i = 1
	case "remediation":
		i = 2
	}
	if len(t[i]) == 1 && t[i][0] == "" {
		t[i] = t[i][:0]
	}
	t[i] = append(t[i], s)
}

// join returns text i, its pieces joined by a space.
func (t *textParts) join(i int) string {
	if len(t[i]) == 1 {
		return t[i][0]
	}
	return strings.Join(t[i], " ")
}

// checkText checks the value of a title, description or remediation
// line: only a title needs one.
func checkText(key, val string) error {
	if val == "" && key == "title" {
		return errors.New("expected a value, found none")
	}
	return nil
}

func (h *Hunt) set(key, val string) error {
	if val == "" && key != "description" && key != "remediation" {
		return errors.New("expected a value, found none")
	}
	list := func() []string {
		var out []string
		for _, v := range strings.Split(val, ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	switch key {
	case "id":
		if !validID(val) {
			return fmt.Errorf("expected lower-case letters, digits and '_', found %q", val)
		}
		h.ID = val
	case "severity":
		if _, ok := findings.SeverityRank(val); !ok {
			return fmt.Errorf("expected INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL, found %q", val)
		}
		h.Severity = val
	case "table":
		if h.Tables != nil {
			return fmt.Errorf("expected one table line (list the tables of a join on it), found another")
		}
		for _, v := range list() {
			t := engine.ResolveTable(v, nil)
			if t == nil {
				return fmt.Errorf("expected %s, found %q", strings.Join(parsers.TableNames(), " or "), v)
			}
			if slices.Contains(h.Tables, t.Name) {
				return fmt.Errorf("expected each table once, found %q twice", v)
			}
			h.Tables = append(h.Tables, t.Name)
		}
		if len(h.Tables) == 0 {
			return fmt.Errorf("expected %s, found nothing", strings.Join(parsers.TableNames(), " or "))
		}
		h.Table = h.Tables[0]
	case "tactics":
		for _, v := range list() {
			if !validTactic(v) {
				return fmt.Errorf("expected a MITRE ATT&CK tactic ID such as TA0005, found %q", v)
			}
			h.Tactics = append(h.Tactics, v)
		}
	case "techniques":
		for _, v := range list() {
			if !validTechnique(v) {
				return fmt.Errorf("expected a MITRE ATT&CK technique ID such as T1562 or T1562.008, found %q", v)
			}
			h.Techniques = append(h.Techniques, v)
		}
	case "resource":
		h.Resource = val
	case "resource_type":
		h.ResourceType = val
	case "actor":
		h.Actor = val
	case "account":
		h.Account = val
	case "region":
		h.Region = val
	case "time":
		h.Time = val
	case "last_seen":
		h.LastSeen = val
	case "count":
		h.Count = val
	case "sources":
		h.Sources = val
	case "dedup":
		h.Dedup = append(h.Dedup, list()...)
	case "evidence":
		h.Evidence = append(h.Evidence, list()...)
	case "references":
		h.References = append(h.References, list()...)
	case "respond":
		rules, err := findings.ParseResponseRules(val)
		if err != nil {
			return err
		}
		h.Respond = append(h.Respond, rules...)
	case "window":
		d, err := time.ParseDuration(val)
		if err != nil || d < 0 {
			return fmt.Errorf("expected a duration such as 1h or 24h (0 for one finding per key ever), found %q", val)
		}
		h.Window = d
	}
	return nil
}

// errAt returns a positioned error in the hunt file.
func (h *Hunt) errAt(off, line, col int, format string, args ...any) error {
	return &parsers.ParseError{Source: h.Source, Line: line, Col: col, Offset: int64(off), Err: fmt.Errorf(format, args...)}
}

// headerErr positions an error at the header line of key.
func (h *Hunt) headerErr(key, format string, args ...any) error {
	line := h.keyLine[key]
	if line == 0 {
		line = 1
	}
	return &parsers.ParseError{Source: h.Source, Line: line, Col: 4, Err: fmt.Errorf(key+": "+format, args...)}
}

// cutFound shortens s for an error message, keeping both ends.
func cutFound(s string) string {
	if len(s) <= 80 {
		return s
	}
	return s[:38] + "..." + s[len(s)-38:]
}

// String returns the hunt in canonical form: the header keys in a fixed
// order, long text wrapped onto continuation lines, a blank line, the SQL.
// Parse(h.String()) yields a hunt whose String() is the same.
func (h *Hunt) String() string {
	var b strings.Builder
	put := func(key, val string) {
		if val != "" {
			b.WriteString("-- " + key + ": " + val + "\n")
		}
	}
	wrap := func(key, val string) {
		if val == "" {
			return
		}
		words := strings.Fields(val)
		line := "-- " + key + ":"
		first := true
		for _, w := range words {
			if !first && len(line)+1+len(w) > 100 {
				b.WriteString(line + "\n")
				line = "--  "
			}
			line += " " + w
			first = false
		}
		b.WriteString(line + "\n")
	}
	put("id", h.ID)
	wrap("title", h.Title)
	put("severity", h.Severity)
	put("table", strings.Join(h.TableList(), ", "))
	put("tactics", strings.Join(h.Tactics, ", "))
	put("techniques", strings.Join(h.Techniques, ", "))
	put("resource", h.Resource)
	put("resource_type", h.ResourceType)
	put("actor", h.Actor)
	put("account", h.Account)
	put("region", h.Region)
	put("time", h.Time)
	put("last_seen", h.LastSeen)
	put("count", h.Count)
	if h.Sources != DefaultSources {
		put("sources", h.Sources)
	}
	put("dedup", strings.Join(h.Dedup, ", "))
	if h.Window != DefaultWindow {
		put("window", FormatWindow(h.Window))
	}
	put("evidence", strings.Join(h.Evidence, ", "))
	for _, r := range h.Respond {
		put("respond", r.String())
	}
	wrap("description", h.Description)
	wrap("remediation", h.Remediation)
	for _, r := range h.References {
		put("references", r)
	}
	b.WriteString("\n")
	b.WriteString(h.SQL)
	b.WriteString("\n")
	return b.String()
}

// FormatWindow prints d the way ParseDuration reads it, without the
// trailing zero units time.Duration.String adds ("24h", not "24h0m0s").
func FormatWindow(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Compile compiles the hunt's SQL against its table's schema and checks the
// header: the SQL reads only the header's table, and every column the header
// names is an output column. SQL errors carry positions in the file.
func (h *Hunt) Compile(opts engine.Options) (*engine.Query, error) {
	opts.Source = h.Source
	// Compile the whole file: the header is SQL comments, so positions in
	// errors are the file's lines and columns.
	q, err := engine.Compile(h.text, opts)
	if err != nil {
		return nil, err
	}
	if ts, want := q.Tables(), h.TableList(); len(ts) != len(want) || slices.ContainsFunc(ts, func(t string) bool { return !slices.Contains(want, t) }) {
		return nil, h.headerErr("table", "expected the SQL to read only %s, found %v", strings.Join(want, " and "), ts)
	}
	out := q.OutputColumns()
	check := func(key string, cols ...string) error {
		for _, c := range cols {
			if c != "" && !slices.Contains(out, c) {
				return h.headerErr(key, "expected an output column of the SQL (%s), found %q", strings.Join(out, ", "), c)
			}
		}
		return nil
	}
	for _, c := range []struct {
		key  string
		cols []string
	}{
		{"resource", []string{h.Resource}}, {"actor", []string{h.Actor}}, {"account", []string{h.Account}},
		{"region", []string{h.Region}}, {"time", []string{h.Time}}, {"last_seen", []string{h.LastSeen}},
		{"count", []string{h.Count}}, {"sources", []string{h.Sources}}, {"dedup", h.Dedup}, {"evidence", h.Evidence},
	} {
		if err := check(c.key, c.cols...); err != nil {
			return nil, err
		}
	}
	for _, r := range h.Respond {
		// A response reads its target from the evidence rows.
		for _, c := range r.Columns {
			if h.Evidence != nil && !slices.Contains(h.Evidence, c) {
				return nil, h.headerErr("respond", "%s: expected an evidence column (%s), found %q", r.Kind, strings.Join(h.Evidence, ", "), c)
			}
		}
	}
	for _, c := range []struct {
		key  string
		cols []string
	}{
		{"respond", respondColumns(h.Respond)},
	} {
		if err := check(c.key, c.cols...); err != nil {
			return nil, err
		}
	}
	return q, nil
}

// Text returns the hunt's file as written: header and SQL.
func (h *Hunt) Text() string { return h.text }

// Embedded returns the hunts built into the binary, sorted by ID.
func Embedded() ([]*Hunt, error) {
	return load(embedded, ".", "queries/")
}

// LoadDir returns the hunts in dir's *.sql files, sorted by ID.
func LoadDir(dir string) ([]*Hunt, error) {
	return load(os.DirFS(dir), ".", filepath.ToSlash(filepath.Clean(dir))+"/")
}

func load(fsys fs.FS, dir, prefix string) ([]*Hunt, error) {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	var hunts []*Hunt
	var errs []error
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		h, err := Parse(prefix+strings.TrimPrefix(n, "./"), string(b))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if want := strings.TrimSuffix(filepath.Base(n), ".sql"); h.ID != want {
			errs = append(errs, h.headerErr("id", "expected %q, the file name, found %q", want, h.ID))
			continue
		}
		hunts = append(hunts, h)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	Sort(hunts)
	return hunts, CheckUnique(hunts)
}

// CheckUnique returns a positioned error for the first hunt whose ID an
// earlier hunt already has; use it when combining the embedded hunts with a
// user's --hunts folder.
func CheckUnique(hunts ...[]*Hunt) error {
	seen := map[string]string{}
	for _, h := range slices.Concat(hunts...) {
		if prev, ok := seen[h.ID]; ok {
			return h.headerErr("id", "expected a unique hunt ID, found %q again (first in %s)", h.ID, prev)
		}
		seen[h.ID] = h.Source
	}
	return nil
}

// Sort orders hunts by ID.
func Sort(hunts []*Hunt) {
	sort.Slice(hunts, func(i, j int) bool { return hunts[i].ID < hunts[j].ID })
}

// respondColumns lists the columns the hunt's responses read.
func respondColumns(rules []findings.ResponseRule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.Columns...)
	}
	return out
}
