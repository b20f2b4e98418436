package sigma

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Pos is a position in a rule file: 1-based line and column.
type Pos struct {
	Line, Col int
}

// Error is a positioned problem with a rule file:
//
//	rules/x.yml:12:9: detection.selection.eventName|foo: expected a modifier (contains, ...), found "foo"
type Error struct {
	Source  string
	Pos     Pos
	Subject string // what the error is about ("level", "detection.selection")
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Source)
	if e.Pos.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Pos.Line) + ":" + strconv.Itoa(e.Pos.Col))
	}
	b.WriteString(": ")
	if e.Subject != "" {
		b.WriteString(e.Subject + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Rule is one Sigma rule: a detection rule (Detection set) or a
// correlation rule (Correlation set), as read from one YAML document.
// Fields hold the text as written; Load checks what it must to compile.
type Rule struct {
	Source string // file the rule came from
	Pos    Pos    // start of its YAML document
	Doc    int    // 0-based index of the document in the file

	Title          string
	ID             string
	Name           string // correlation rules refer to rules by id or name
	Status         string
	Description    string
	License        string
	Author         string
	Date           string
	Modified       string
	Level          string
	Taxonomy       string
	Tags           []string
	References     []string
	FalsePositives []string
	Fields         []string
	Related        []Related
	Logsource      Logsource
	Detection      *Detection   // nil for a correlation rule
	Correlation    *Correlation // nil for a detection rule
	// Scope is the rule's scope list, if any.
	Scope []string

	// Positions of the metadata keys, for errors reported later.
	KeyPos map[string]Pos
}

// IsCorrelation reports whether r is a correlation rule.
func (r *Rule) IsCorrelation() bool { return r.Correlation != nil }

// Related is one entry of a rule's related: list.
type Related struct {
	ID   string
	Type string
}

// Logsource is the rule's logsource section.
type Logsource struct {
	Category   string
	Product    string
	Service    string
	Definition string
	Pos        Pos
}

// Detection is a detection rule's detection section: named searches and
// the condition(s) over them.
type Detection struct {
	// Searches in the order written.
	Searches []*Search
	// Conditions are the condition expressions; a list of them is OR-ed.
	Conditions []Condition
	// Exprs are the parsed Conditions, one each.
	Exprs     []Expr
	Timeframe string
	Pos       Pos
}

// Search returns the search called name, or nil.
func (d *Detection) Search(name string) *Search {
	for _, s := range d.Searches {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Condition is one condition expression as written, with its position.
type Condition struct {
	Text string
	Pos  Pos
}

// Search is one search identifier of the detection: a disjunction of
// alternatives, each a conjunction of field items. A map is one
// alternative; a list of maps is one alternative per map; a list of
// plain values is one alternative holding one keyword item (Field "").
type Search struct {
	Name         string
	Pos          Pos
	Alternatives [][]*Item
}

// Item is one "field|modifier|...: value(s)" entry of a search, or a
// keyword item (Field "") whose values are searched in the whole event.
type Item struct {
	Field     string
	Modifiers []string
	Values    []Value
	// IsList records that the values were written as a YAML list.
	IsList bool
	Pos    Pos // position of the key (of the value for keyword lists)
	Key    string
}

// ValueKind is the YAML type of a value.
type ValueKind uint8

const (
	KindString ValueKind = iota
	KindInt
	KindFloat
	KindBool
	KindNull
)

// Value is one value of an item, with its text as written.
type Value struct {
	Kind ValueKind
	S    string
	Pos  Pos
}

// Correlation is a correlation rule's correlation section.
type Correlation struct {
	Type     string // event_count, value_count, temporal, temporal_ordered (value_sum, value_avg, value_percentile parse too)
	Rules    []string
	GroupBy  []string
	Timespan time.Duration
	// TimespanText is the timespan as written ("10m").
	TimespanText string
	// Condition is nil for temporal types without one.
	Condition *CorrelationCondition
	// Aliases maps an alias name to, per rule (id or name), the field it stands for.
	Aliases []Alias
	// Generate asks that the referred rules also produce their own matches.
	Generate bool
	Pos      Pos
	// KeyPos has the position of each key of the section.
	KeyPos map[string]Pos
	// RulePos and GroupByPos are the positions of the entries of Rules
	// and GroupBy, one each.
	RulePos, GroupByPos []Pos
}

// Alias is one field-name alias of a correlation rule.
type Alias struct {
	Name   string
	Fields map[string]string // rule id or name → field
	Pos    Pos
}

// CorrelationCondition is "op: value", and for value_count the field
// whose distinct values are counted.
type CorrelationCondition struct {
	Op    string // gt, gte, lt, lte, eq, neq
	Value float64
	Field string
	Pos   Pos
	// And are more comparisons that must hold too (a range: gt: 100,
	// lte: 200); only their Op, Value and Pos are set.
	And []CorrelationCondition
}

// Levels in order of severity.
var Levels = []string{"informational", "low", "medium", "high", "critical"}

// Statuses a rule may have.
var Statuses = []string{"stable", "test", "experimental", "deprecated", "unsupported"}

// LoadResult is what [Load] and [LoadDir] return: every rule that loads
// and a positioned error for every document that does not.
type LoadResult struct {
	Rules  []*Rule
	Errors []error
}

// LoadDir loads every *.yml and *.yaml file under dir (recursively), in
// path order. A bad rule never stops the others: it becomes an entry of
// Errors. The returned error is for a directory that cannot be walked.
func LoadDir(dir string) (*LoadResult, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	res := &LoadResult{}
	for _, f := range files {
		r, err := Load(f)
		if err != nil {
			return nil, err
		}
		res.Rules = append(res.Rules, r.Rules...)
		res.Errors = append(res.Errors, r.Errors...)
	}
	return res, nil
}

// LoadPath loads a file or a directory.
func LoadPath(path string) (*LoadResult, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return LoadDir(path)
	}
	return Load(path)
}

// Load reads one rule file. The error is for a file that cannot be read;
// problems with its rules are in the result's Errors.
func Load(path string) (*LoadResult, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data), nil
}

// Parse reads the rules of one YAML file (one or more documents, with
// action: global and action: repeat documents applied as the
// specification says). source names the file in errors.
func Parse(source string, data []byte) *LoadResult {
	res := &LoadResult{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var global *yaml.Node
	var prev *yaml.Node
	for doc := 0; ; doc++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			res.Errors = append(res.Errors, yamlError(source, err))
			break // the decoder cannot resume after a syntax error
		}
		if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
			n = *n.Content[0]
		}
		if n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
			continue // empty document
		}
		if n.Kind != yaml.MappingNode {
			res.Errors = append(res.Errors, errAt(source, &n, "", "expected a rule (a mapping), found %s", kindName(&n)))
			continue
		}
		if a := mapGet(&n, "action"); a != nil {
			switch a.Value {
			case "global":
				global = withoutKey(&n, "action")
				continue
			case "reset":
				global = nil
				continue
			case "repeat":
				if prev == nil {
					res.Errors = append(res.Errors, errAt(source, a, "action", "expected a previous rule to repeat, found none"))
					continue
				}
				merged := mergeNodes(prev, withoutKey(&n, "action"))
				prev = merged // a later repeat starts from this one
				r, err := parseRule(source, doc, merged)
				if err != nil {
					res.Errors = append(res.Errors, err)
					continue
				}
				res.Rules = append(res.Rules, r)
				continue
			default:
				res.Errors = append(res.Errors, errAt(source, a, "action", "expected global, reset or repeat, found %q", a.Value))
				continue
			}
		}
		node := &n
		if global != nil {
			node = mergeNodes(global, node)
		}
		prev = node
		r, err := parseRule(source, doc, node)
		if err != nil {
			res.Errors = append(res.Errors, err)
			continue
		}
		res.Rules = append(res.Rules, r)
	}
	return res
}

// yamlError turns a YAML syntax error into a positioned Error.
func yamlError(source string, err error) error {
	msg := err.Error()
	line := 0
	// yaml.v3: "yaml: line 12: did not find expected key"
	if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line = n
				msg = strings.TrimSpace(rest[i+1:])
			}
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	msg = strings.TrimPrefix(msg, "found ") // "found unexpected end of stream"
	return &Error{Source: source, Pos: Pos{Line: line, Col: 1}, Subject: "yaml", Err: fmt.Errorf("expected valid YAML, found %s", msg)}
}

func posOf(n *yaml.Node) Pos { return Pos{Line: n.Line, Col: n.Column} }

func errAt(source string, n *yaml.Node, subject, format string, args ...any) error {
	return &Error{Source: source, Pos: posOf(n), Subject: subject, Err: fmt.Errorf(format, args...)}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return fmt.Sprintf("%q", cut(n.Value))
	}
	return "nothing"
}

// cut shortens s for an error message, keeping both ends.
func cut(s string) string {
	if len(s) <= 80 {
		return s
	}
	return s[:38] + "..." + s[len(s)-38:]
}

func mapGet(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func withoutKey(n *yaml.Node, key string) *yaml.Node {
	out := *n
	out.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != key {
			out.Content = append(out.Content, n.Content[i], n.Content[i+1])
		}
	}
	return &out
}

// mergeNodes returns base with over merged in: mappings merge key by key
// (recursively), anything else in over replaces base's.
func mergeNodes(base, over *yaml.Node) *yaml.Node {
	if base.Kind != yaml.MappingNode || over.Kind != yaml.MappingNode {
		return over
	}
	out := *base
	out.Content = slices.Clone(base.Content)
	out.Line, out.Column = over.Line, over.Column
	for i := 0; i+1 < len(over.Content); i += 2 {
		k, v := over.Content[i], over.Content[i+1]
		found := false
		for j := 0; j+1 < len(out.Content); j += 2 {
			if out.Content[j].Value == k.Value {
				out.Content[j+1] = mergeNodes(out.Content[j+1], v)
				found = true
				break
			}
		}
		if !found {
			out.Content = append(out.Content, k, v)
		}
	}
	return &out
}

// ruleParser holds the file name while one document is read.
type ruleParser struct {
	source string
}

func (p *ruleParser) err(n *yaml.Node, subject, format string, args ...any) error {
	return errAt(p.source, n, subject, format, args...)
}

// scalar returns n's text, or an error if it is not a scalar.
func (p *ruleParser) scalar(n *yaml.Node, subject string) (string, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode {
		return "", p.err(n, subject, "expected a string, found %s", kindName(n))
	}
	if n.Tag == "!!null" {
		return "", nil
	}
	return n.Value, nil
}

// strings returns a list of scalars; a single scalar is a list of one.
func (p *ruleParser) strList(n *yaml.Node, subject string) ([]string, error) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode {
		if n.Tag == "!!null" {
			return nil, nil
		}
		return []string{n.Value}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.err(n, subject, "expected a list of strings, found %s", kindName(n))
	}
	var out []string
	for _, e := range n.Content {
		s, err := p.scalar(e, subject)
		if err != nil {
			return nil, err
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func parseRule(source string, doc int, n *yaml.Node) (*Rule, error) {
	p := &ruleParser{source: source}
	r := &Rule{Source: source, Pos: posOf(n), Doc: doc, KeyPos: map[string]Pos{}}
	var det, corr *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		r.KeyPos[k.Value] = posOf(v)
		var err error
		switch k.Value {
		case "title":
			r.Title, err = p.scalar(v, k.Value)
		case "id":
			r.ID, err = p.scalar(v, k.Value)
		case "name":
			r.Name, err = p.scalar(v, k.Value)
		case "status":
			r.Status, err = p.scalar(v, k.Value)
			if err == nil && r.Status != "" && !slices.Contains(Statuses, r.Status) {
				err = p.err(v, "status", "expected %s, found %q", strings.Join(Statuses, ", "), r.Status)
			}
		case "description":
			r.Description, err = p.scalar(v, k.Value)
		case "license":
			r.License, err = p.scalar(v, k.Value)
		case "author":
			r.Author, err = p.scalar(v, k.Value)
		case "date":
			r.Date, err = p.scalar(v, k.Value)
		case "modified":
			r.Modified, err = p.scalar(v, k.Value)
		case "taxonomy":
			r.Taxonomy, err = p.scalar(v, k.Value)
		case "level":
			r.Level, err = p.scalar(v, k.Value)
			if err == nil && !slices.Contains(Levels, r.Level) {
				err = p.err(v, "level", "expected %s, found %q", strings.Join(Levels, ", "), r.Level)
			}
		case "tags":
			r.Tags, err = p.strList(v, k.Value)
		case "references":
			r.References, err = p.strList(v, k.Value)
		case "falsepositives":
			r.FalsePositives, err = p.strList(v, k.Value)
		case "fields":
			r.Fields, err = p.strList(v, k.Value)
		case "scope":
			r.Scope, err = p.strList(v, k.Value)
		case "related":
			r.Related, err = p.related(v)
		case "logsource":
			r.Logsource, err = p.logsource(v)
		case "detection":
			det = v
		case "correlation":
			corr = v
		case "generate":
			// Top-level generate (correlation rules): read with the section.
		}
		if err != nil {
			return nil, err
		}
	}
	if r.Title == "" {
		return nil, p.err(n, "title", "expected a title, found none")
	}
	switch {
	case det != nil && corr != nil:
		return nil, p.err(corr, "correlation", "expected either detection or correlation, found both")
	case det != nil:
		d, err := p.detection(det)
		if err != nil {
			return nil, err
		}
		r.Detection = d
	case corr != nil:
		c, err := p.correlation(corr)
		if err != nil {
			return nil, err
		}
		if g := mapGet(n, "generate"); g != nil {
			b, err := p.boolean(g, "generate")
			if err != nil {
				return nil, err
			}
			c.Generate = b
		}
		r.Correlation = c
	default:
		return nil, p.err(n, "detection", "expected a detection or correlation section, found none")
	}
	return r, nil
}

func (p *ruleParser) boolean(n *yaml.Node, subject string) (bool, error) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode {
		switch strings.ToLower(n.Value) {
		case "true", "yes":
			return true, nil
		case "false", "no":
			return false, nil
		}
	}
	return false, p.err(n, subject, "expected true or false, found %s", kindName(n))
}

func (p *ruleParser) related(n *yaml.Node) ([]Related, error) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return nil, p.err(n, "related", "expected a list of {id, type}, found %s", kindName(n))
	}
	var out []Related
	for _, e := range n.Content {
		if e.Kind != yaml.MappingNode {
			return nil, p.err(e, "related", "expected {id, type}, found %s", kindName(e))
		}
		var rel Related
		if v := mapGet(e, "id"); v != nil {
			rel.ID = v.Value
		}
		if v := mapGet(e, "type"); v != nil {
			rel.Type = v.Value
		}
		out = append(out, rel)
	}
	return out, nil
}

func (p *ruleParser) logsource(n *yaml.Node) (Logsource, error) {
	n = deref(n)
	ls := Logsource{Pos: posOf(n)}
	if n.Kind != yaml.MappingNode {
		return ls, p.err(n, "logsource", "expected a mapping of category, product, service, found %s", kindName(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		s, err := p.scalar(v, "logsource."+k.Value)
		if err != nil {
			return ls, err
		}
		switch k.Value {
		case "category":
			ls.Category = s
		case "product":
			ls.Product = s
		case "service":
			ls.Service = s
		case "definition":
			ls.Definition = s
		}
	}
	return ls, nil
}

func (p *ruleParser) detection(n *yaml.Node) (*Detection, error) {
	n = deref(n)
	d := &Detection{Pos: posOf(n)}
	if n.Kind != yaml.MappingNode {
		return nil, p.err(n, "detection", "expected a mapping of searches and a condition, found %s", kindName(n))
	}
	var cond *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "condition":
			cond = v
			continue
		case "timeframe":
			s, err := p.scalar(v, "detection.timeframe")
			if err != nil {
				return nil, err
			}
			d.Timeframe = s
			continue
		}
		s, err := p.search(k, v)
		if err != nil {
			return nil, err
		}
		d.Searches = append(d.Searches, s)
	}
	if cond == nil {
		return nil, p.err(n, "detection.condition", "expected a condition, found none")
	}
	cond = deref(cond)
	switch cond.Kind {
	case yaml.ScalarNode:
		d.Conditions = []Condition{{Text: cond.Value, Pos: condPos(cond)}}
	case yaml.SequenceNode:
		for _, c := range cond.Content {
			s, err := p.scalar(c, "detection.condition")
			if err != nil {
				return nil, err
			}
			d.Conditions = append(d.Conditions, Condition{Text: s, Pos: condPos(c)})
		}
	default:
		return nil, p.err(cond, "detection.condition", "expected a condition expression, found %s", kindName(cond))
	}
	for _, c := range d.Conditions {
		if strings.TrimSpace(c.Text) == "" {
			return nil, p.err(cond, "detection.condition", "expected a condition expression, found none")
		}
		e, err := ParseCondition(p.source, c, d)
		if err != nil {
			return nil, err
		}
		d.Exprs = append(d.Exprs, e)
	}
	return d, nil
}

// condPos is the position of the first character of a condition's text:
// quoted scalars start one column later.
func condPos(n *yaml.Node) Pos {
	p := posOf(n)
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
		p.Col++
	}
	return p
}

func (p *ruleParser) search(k, v *yaml.Node) (*Search, error) {
	name := k.Value
	s := &Search{Name: name, Pos: posOf(k)}
	subject := "detection." + name
	v = deref(v)
	switch v.Kind {
	case yaml.MappingNode:
		items, err := p.items(v, subject)
		if err != nil {
			return nil, err
		}
		s.Alternatives = [][]*Item{items}
	case yaml.SequenceNode:
		var kw *Item
		for _, e := range v.Content {
			e = deref(e)
			switch e.Kind {
			case yaml.MappingNode:
				items, err := p.items(e, subject)
				if err != nil {
					return nil, err
				}
				s.Alternatives = append(s.Alternatives, items)
			case yaml.ScalarNode:
				val, err := p.value(e, subject)
				if err != nil {
					return nil, err
				}
				if kw == nil {
					kw = &Item{Pos: posOf(e), IsList: true}
					s.Alternatives = append(s.Alternatives, []*Item{kw})
				}
				kw.Values = append(kw.Values, val)
			default:
				return nil, p.err(e, subject, "expected a value or a mapping of fields, found %s", kindName(e))
			}
		}
		if len(s.Alternatives) == 0 {
			return nil, p.err(v, subject, "expected at least one value, found an empty list")
		}
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return nil, p.err(v, subject, "expected a mapping of fields or a list of values, found null")
		}
		val, err := p.value(v, subject)
		if err != nil {
			return nil, err
		}
		s.Alternatives = [][]*Item{{{Pos: posOf(v), Values: []Value{val}}}}
	default:
		return nil, p.err(v, subject, "expected a mapping of fields or a list of values, found %s", kindName(v))
	}
	return s, nil
}

func (p *ruleParser) items(n *yaml.Node, subject string) ([]*Item, error) {
	if len(n.Content) == 0 {
		return nil, p.err(n, subject, "expected at least one field, found an empty mapping")
	}
	var out []*Item
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		parts := strings.Split(k.Value, "|")
		it := &Item{Field: parts[0], Modifiers: parts[1:], Pos: posOf(k), Key: k.Value}
		sub := subject + "." + k.Value
		for _, m := range it.Modifiers {
			if m == "" {
				return nil, p.err(k, sub, "expected a modifier after '|', found none")
			}
		}
		switch v.Kind {
		case yaml.ScalarNode:
			val, err := p.value(v, sub)
			if err != nil {
				return nil, err
			}
			it.Values = []Value{val}
		case yaml.SequenceNode:
			it.IsList = true
			for _, e := range v.Content {
				val, err := p.value(deref(e), sub)
				if err != nil {
					return nil, err
				}
				it.Values = append(it.Values, val)
			}
			if len(it.Values) == 0 {
				return nil, p.err(v, sub, "expected at least one value, found an empty list")
			}
		default:
			return nil, p.err(v, sub, "expected a value or a list of values, found %s", kindName(v))
		}
		out = append(out, it)
	}
	return out, nil
}

func (p *ruleParser) value(n *yaml.Node, subject string) (Value, error) {
	if n.Kind != yaml.ScalarNode {
		return Value{}, p.err(n, subject, "expected a value, found %s", kindName(n))
	}
	v := Value{S: n.Value, Pos: posOf(n)}
	switch n.Tag {
	case "!!null":
		v.Kind = KindNull
	case "!!int":
		v.Kind = KindInt
	case "!!float":
		v.Kind = KindFloat
	case "!!bool":
		v.Kind = KindBool
	default:
		v.Kind = KindString
	}
	return v, nil
}

var correlationTypes = []string{"event_count", "value_count", "temporal", "temporal_ordered", "value_sum", "value_avg", "value_percentile"}

func (p *ruleParser) correlation(n *yaml.Node) (*Correlation, error) {
	n = deref(n)
	c := &Correlation{Pos: posOf(n), KeyPos: map[string]Pos{}}
	if n.Kind != yaml.MappingNode {
		return nil, p.err(n, "correlation", "expected a mapping (type, rules, group-by, timespan, condition), found %s", kindName(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		c.KeyPos[k.Value] = posOf(v)
		sub := "correlation." + k.Value
		var err error
		switch k.Value {
		case "type":
			c.Type, err = p.scalar(v, sub)
			if err == nil && !slices.Contains(correlationTypes, c.Type) {
				err = p.err(v, sub, "expected %s, found %q", strings.Join(correlationTypes, ", "), c.Type)
			}
		case "rules":
			c.Rules, err = p.strList(v, sub)
			c.RulePos = listPos(v)
		case "group-by":
			c.GroupBy, err = p.strList(v, sub)
			c.GroupByPos = listPos(v)
		case "timespan":
			c.TimespanText, err = p.scalar(v, sub)
			if err == nil {
				c.Timespan, err = parseTimespan(c.TimespanText)
				if err != nil {
					err = p.err(v, sub, "%v", err)
				}
			}
		case "condition":
			c.Condition, err = p.corrCondition(v)
		case "aliases":
			c.Aliases, err = p.aliases(v)
		case "generate":
			c.Generate, err = p.boolean(v, sub)
		default:
			err = p.err(k, sub, "expected a correlation key (type, rules, group-by, timespan, condition, aliases, generate), found %q", k.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	if c.Type == "" {
		return nil, p.err(n, "correlation.type", "expected a type (%s), found none", strings.Join(correlationTypes, ", "))
	}
	if len(c.Rules) == 0 {
		return nil, p.err(n, "correlation.rules", "expected at least one rule id or name, found none")
	}
	if c.TimespanText == "" {
		return nil, p.err(n, "correlation.timespan", "expected a timespan such as 5m, found none")
	}
	for _, a := range c.Aliases {
		for ref := range a.Fields {
			if !slices.Contains(c.Rules, ref) {
				return nil, &Error{Source: p.source, Pos: a.Pos, Subject: "correlation.aliases." + a.Name, Err: fmt.Errorf("expected a rule of correlation.rules (%s), found %q", strings.Join(c.Rules, ", "), ref)}
			}
		}
	}
	switch c.Type {
	case "event_count", "value_count", "value_sum", "value_avg", "value_percentile":
		if c.Condition == nil {
			return nil, p.err(n, "correlation.condition", "expected a condition for %s, found none", c.Type)
		}
		if c.Type != "event_count" && c.Condition.Field == "" {
			return nil, p.err(n, "correlation.condition.field", "expected the field %s applies to, found none", c.Type)
		}
	}
	return c, nil
}

// parseTimespan reads a Sigma timespan: a number and a unit s, m, h, d,
// w, M (months of 30 days) or y (years of 365 days).
func parseTimespan(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("expected a timespan such as 30s, 5m, 1h or 1d, found %q", s)
	}
	n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("expected a timespan such as 30s, 5m, 1h or 1d, found %q", s)
	}
	unit := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour, 'M': 30 * 24 * time.Hour, 'y': 365 * 24 * time.Hour}[s[len(s)-1]]
	if unit == 0 {
		return 0, fmt.Errorf("expected a timespan unit s, m, h, d, w, M or y, found %q", s)
	}
	return time.Duration(n) * unit, nil
}

var corrOps = []string{"gt", "gte", "lt", "lte", "eq", "neq"}

func (p *ruleParser) corrCondition(n *yaml.Node) (*CorrelationCondition, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.err(n, "correlation.condition", "expected a mapping such as {gte: 10}, found %s", kindName(n))
	}
	c := &CorrelationCondition{Pos: posOf(n)}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		sub := "correlation.condition." + k.Value
		switch {
		case k.Value == "field":
			s, err := p.scalar(v, sub)
			if err != nil {
				return nil, err
			}
			c.Field = s
		case slices.Contains(corrOps, k.Value):
			f, err := strconv.ParseFloat(v.Value, 64)
			if v.Kind != yaml.ScalarNode || err != nil {
				return nil, p.err(v, sub, "expected a number, found %s", kindName(v))
			}
			if c.Op != "" {
				// A range: the comparisons are ANDed.
				c.And = append(c.And, CorrelationCondition{Op: k.Value, Value: f, Pos: posOf(k)})
				continue
			}
			c.Op, c.Value = k.Value, f
		default:
			return nil, p.err(k, sub, "expected gt, gte, lt, lte, eq, neq or field, found %q", k.Value)
		}
	}
	if c.Op == "" {
		return nil, p.err(n, "correlation.condition", "expected a comparison (gt, gte, lt, lte, eq, neq), found none")
	}
	return c, nil
}

func (p *ruleParser) aliases(n *yaml.Node) ([]Alias, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.err(n, "correlation.aliases", "expected a mapping of alias → {rule: field}, found %s", kindName(n))
	}
	var out []Alias
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		sub := "correlation.aliases." + k.Value
		if v.Kind != yaml.MappingNode {
			return nil, p.err(v, sub, "expected a mapping of rule → field, found %s", kindName(v))
		}
		a := Alias{Name: k.Value, Fields: map[string]string{}, Pos: posOf(k)}
		for j := 0; j+1 < len(v.Content); j += 2 {
			f, err := p.scalar(v.Content[j+1], sub+"."+v.Content[j].Value)
			if err != nil {
				return nil, err
			}
			a.Fields[v.Content[j].Value] = f
		}
		out = append(out, a)
	}
	return out, nil
}
