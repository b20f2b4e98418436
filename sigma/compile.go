package sigma

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/hunt-sec/hunt/parsers"
)

// Options configure compilation.
type Options struct {
	// FieldMap renames fields of other conventions; nil for none.
	FieldMap FieldMap
	// Placeholders are the values of %name% placeholders for the expand
	// modifier (see [LoadPlaceholders]); a placeholder without values is
	// an error.
	Placeholders map[string][]string
}

// TableFor returns the hunt table a rule's logsource names: product aws
// with service cloudtrail, or with service vpcflowlogs, vpcflow or
// vpc_flow.
func TableFor(r *Rule) (*parsers.Table, error) {
	ls := r.Logsource
	pos := ls.Pos
	if p, ok := r.KeyPos["logsource"]; ok && pos.Line == 0 {
		pos = p
	}
	if strings.EqualFold(ls.Product, "aws") {
		switch strings.ToLower(ls.Service) {
		case "cloudtrail":
			return parsers.CloudTrail, nil
		case "vpcflowlogs", "vpcflow", "vpc_flow", "vpc_flow_logs":
			return parsers.VPCFlow, nil
		}
	}
	return nil, &Error{Source: r.Source, Pos: pos, Subject: "logsource", Err: fmt.Errorf("expected product aws with service cloudtrail or vpcflowlogs, found product %q service %q category %q", ls.Product, ls.Service, ls.Category)}
}

// Compile compiles a detection rule's detection into one SQL boolean
// expression over t, in the Athena (Trino) dialect the engine runs.
// Errors are *Error values positioned at the offending item.
func Compile(r *Rule, t *parsers.Table, opts Options) (string, error) {
	if r.Detection == nil {
		return "", &Error{Source: r.Source, Pos: r.Pos, Subject: "detection", Err: fmt.Errorf("expected a detection rule, found a correlation rule")}
	}
	c := &compiler{rule: r, table: t, opts: opts, searches: map[string]string{}}
	for _, s := range r.Detection.Searches {
		sql, err := c.search(s)
		if err != nil {
			return "", err
		}
		c.searches[s.Name] = sql
	}
	var parts []string
	for _, e := range r.Detection.Exprs {
		parts = append(parts, c.cond(e, 0))
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return "(" + strings.Join(parts, ") OR (") + ")", nil
}

type compiler struct {
	rule     *Rule
	table    *parsers.Table
	opts     Options
	searches map[string]string // name → SQL, each two-valued (never NULL)
}

func (c *compiler) errAt(pos Pos, subject, format string, args ...any) error {
	return &Error{Source: c.rule.Source, Pos: pos, Subject: subject, Err: fmt.Errorf(format, args...)}
}

// cond compiles a condition; prec is the precedence of the context (0 top,
// 1 or, 2 and, 3 not) to parenthesise only where needed.
func (c *compiler) cond(e Expr, ctx int) string {
	wrap := func(s string, p int) string {
		if p < ctx {
			return "(" + s + ")"
		}
		return s
	}
	switch e := e.(type) {
	case *And:
		return wrap(c.cond(e.X, 2)+" AND "+c.cond(e.Y, 2), 2)
	case *Or:
		return wrap(c.cond(e.X, 1)+" OR "+c.cond(e.Y, 1), 1)
	case *Not:
		return "NOT " + c.cond(e.X, 3)
	case *Ref:
		return c.searches[e.Name]
	case *Of:
		if len(e.Names) == 1 {
			return c.searches[e.Names[0]]
		}
		op, p := " OR ", 1
		if e.All {
			op, p = " AND ", 2
		}
		var parts []string
		for _, n := range e.Names {
			parts = append(parts, c.searches[n])
		}
		return wrap(strings.Join(parts, op), p)
	}
	panic("BUG: unknown condition node")
}

// search compiles one search into a two-valued SQL expression: the
// coalesce makes a NULL (a missing field) a non-match, so "not search" is
// true for a record without the field, as Sigma means.
func (c *compiler) search(s *Search) (string, error) {
	var alts []string
	for _, alt := range s.Alternatives {
		var ands []string
		for _, it := range alt {
			sql, err := c.item(s, it)
			if err != nil {
				return "", err
			}
			ands = append(ands, sql)
		}
		alts = append(alts, joinParen(ands, " AND "))
	}
	return "coalesce(" + joinParen(alts, " OR ") + ", false)", nil
}

// joinParen joins parts with op, parenthesising parts that contain a
// lower-binding operator.
func joinParen(parts []string, op string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		if op == " AND " && hasTopLevel(p, " OR ") {
			p = "(" + p + ")"
		}
		out[i] = p
	}
	return strings.Join(out, op)
}

// hasTopLevel reports whether op occurs in s outside parentheses and
// string literals.
func hasTopLevel(s, op string) bool {
	depth, inStr := 0, false
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '\'':
			inStr = !inStr
		case inStr:
		case ch == '(':
			depth++
		case ch == ')':
			depth--
		case depth == 0 && strings.HasPrefix(s[i:], op):
			return true
		}
	}
	return false
}

// piece is a part of a Sigma string value: literal text, or a wildcard
// ('*' any run, '?' one character).
type piece struct {
	lit  string
	wild byte
}

// pattern is one Sigma string value after escaping is resolved.
type pattern []piece

func (p pattern) hasWild() bool {
	return slices.ContainsFunc(p, func(x piece) bool { return x.wild != 0 })
}

func (p pattern) literal() string {
	var b strings.Builder
	for _, x := range p {
		b.WriteString(x.lit)
	}
	return b.String()
}

// parseWildcards resolves Sigma's escaping: \* \? \\ are literal, a lone
// backslash is literal, * and ? are wildcards.
func parseWildcards(s string) pattern {
	var out pattern
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			out = append(out, piece{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '\\':
			if i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '?' || s[i+1] == '\\') {
				lit.WriteByte(s[i+1])
				i++
			} else {
				lit.WriteByte('\\')
			}
		case '*', '?':
			flush()
			out = append(out, piece{wild: ch})
		default:
			lit.WriteByte(ch)
		}
	}
	flush()
	return out
}

// modifiers of one item, parsed.
type modifiers struct {
	cased, all, re, cidr, exists, fieldref, expand, neq bool
	reFlags                                             string
	cmp                                                 string // gt, gte, lt, lte
	// steps are the value transformations in rule order: contains,
	// startswith, endswith, windash, base64, base64offset, utf16le,
	// utf16be, utf16, wide.
	steps []string
}

var timeModifiers = []string{"minute", "hour", "day", "week", "month", "year"}

func (c *compiler) modifiers(it *Item, subject string) (*modifiers, error) {
	m := &modifiers{}
	for _, mod := range it.Modifiers {
		switch mod {
		case "contains", "startswith", "endswith", "windash", "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide":
			m.steps = append(m.steps, mod)
		case "cased":
			m.cased = true
		case "all":
			m.all = true
		case "re":
			m.re = true
		case "i", "m", "s":
			if !m.re {
				return nil, c.errAt(it.Pos, subject, "expected modifier %s after re, found it without re", mod)
			}
			m.reFlags += mod
		case "cidr":
			m.cidr = true
		case "exists":
			m.exists = true
		case "fieldref":
			m.fieldref = true
		case "expand":
			m.expand = true
		case "neq":
			m.neq = true
		case "gt", "gte", "lt", "lte":
			m.cmp = mod
		default:
			if slices.Contains(timeModifiers, mod) {
				return nil, c.errAt(it.Pos, subject, "expected a supported modifier, found time modifier %q (not supported by hunt)", mod)
			}
			return nil, c.errAt(it.Pos, subject, "expected a modifier (contains, startswith, endswith, all, cased, re, i, m, s, cidr, base64, base64offset, utf16le, utf16be, utf16, wide, windash, exists, fieldref, expand, neq, gt, gte, lt, lte), found %q", mod)
		}
	}
	kinds := 0
	for _, b := range []bool{m.re, m.cidr, m.exists, m.fieldref, m.cmp != ""} {
		if b {
			kinds++
		}
	}
	if kinds > 1 {
		return nil, c.errAt(it.Pos, subject, "expected at most one of re, cidr, exists, fieldref, gt/gte/lt/lte, found %s", strings.Join(it.Modifiers, "|"))
	}
	if kinds == 1 && len(m.steps) > 0 && !m.fieldref {
		return nil, c.errAt(it.Pos, subject, "expected no string transformation with re, cidr, exists or a comparison, found %s", strings.Join(it.Modifiers, "|"))
	}
	if m.all && len(it.Values) < 2 {
		return nil, c.errAt(it.Pos, subject, "expected a list of two or more values with the all modifier, found %d", len(it.Values))
	}
	return m, nil
}

func (c *compiler) item(s *Search, it *Item) (string, error) {
	subject := "detection." + s.Name
	if it.Key != "" {
		subject += "." + it.Key
	}
	m, err := c.modifiers(it, subject)
	if err != nil {
		return "", err
	}
	if it.Field == "" {
		return "", c.errAt(it.Pos, subject, "expected a field name, found a keyword search (table %s has no raw event text to search)", c.table.Name)
	}
	f, err := resolveField(it.Field, c.table, c.opts.FieldMap)
	if err != nil {
		return "", c.errAt(it.Pos, subject, "%v", err)
	}
	if m.exists {
		if len(it.Values) != 1 || it.Values[0].Kind != KindBool {
			return "", c.errAt(it.Values[0].Pos, subject, "expected true or false with exists, found %q", it.Values[0].S)
		}
		if b, _ := strconv.ParseBool(it.Values[0].S); !b {
			return "NOT (" + f.exists() + ")", nil
		}
		return f.exists(), nil
	}
	if f.Kind == fieldJSON {
		// Compile against a stand-in column, then read the stand-in from
		// the JSON path, through arrays (see jsonAny).
		hasNull := slices.ContainsFunc(it.Values, func(v Value) bool { return v.Kind == KindNull })
		sql, err := c.itemOn(subject, &field{Name: f.Name, Kind: fieldString, Column: valueMarker}, m, it)
		if err != nil {
			return "", err
		}
		if hasNull || m.neq {
			return strings.ReplaceAll(sql, valueMarker, f.value()), nil
		}
		return jsonAny(f.Column, f.Path, sql, 1), nil
	}
	if f.Kind == fieldList {
		sql, err := c.itemOn(subject, &field{Name: f.Name, Kind: fieldString, Column: valueMarker}, m, it)
		if err != nil {
			return "", err
		}
		if slices.ContainsFunc(it.Values, func(v Value) bool { return v.Kind == KindNull }) || m.neq || m.fieldref {
			return "", c.errAt(it.Pos, subject, "expected a value matched against any element of %s, found null, neq or fieldref (not supported on list fields)", f.Column)
		}
		return "coalesce(any_match(" + f.Column + ", r -> " + strings.ReplaceAll(sql, valueMarker, "r."+f.Path[0]) + "), false)", nil
	}
	return c.itemOn(subject, f, m, it)
}

// valueMarker stands for a JSON field's value in an item's SQL until
// jsonAny puts the extraction in its place.
const valueMarker = "\x00value\x00"

// maxArraySteps bounds where jsonAny looks for arrays: within the first
// maxArraySteps steps of the path, and at most maxArrayDepth arrays deep
// (arrays of arrays of arrays). The SQL grows with each array considered;
// real CloudTrail paths that cross arrays are short.
const (
	maxArraySteps = 4
	maxArrayDepth = 3
)

// jsonAny is the SQL of predicate pred (on valueMarker) over the values at
// path in the JSON text doc, where any step may be an array whose
// elements are searched (Sigma: a field matches if any value matches): the
// scalar at the path, or for each prefix of the path that is an array,
// any element's value at the rest of the path. The forms are Trino's
// (any_match over TRY_CAST(json_extract(...) AS ARRAY(JSON))), so the
// query runs on Athena unchanged.
func jsonAny(doc string, path []string, pred string, depth int) string {
	scalar := strings.ReplaceAll(pred, valueMarker, "json_extract_scalar("+doc+", "+sqlString(pathText(path))+")")
	terms := []string{"coalesce(" + scalar + ", false)"}
	if depth > maxArrayDepth {
		return terms[0]
	}
	v := "e" + strconv.Itoa(depth)
	for k := 1; k <= min(len(path), maxArraySteps); k++ {
		inner := jsonAny(v, path[k:], pred, depth+1)
		terms = append(terms, "coalesce(any_match(TRY_CAST(json_extract("+doc+", "+sqlString(pathText(path[:k]))+") AS ARRAY(JSON)), "+v+" -> "+inner+"), false)")
	}
	return "(" + strings.Join(terms, " OR ") + ")"
}

// pathText is the JSONPath of member names.
func pathText(path []string) string {
	f := field{Path: path}
	return f.jsonPath()
}

// itemOn compiles the values of an item on field f.
func (c *compiler) itemOn(subject string, f *field, m *modifiers, it *Item) (string, error) {
	var preds []string
	for _, v := range it.Values {
		ps, err := c.value(subject, f, m, v)
		if err != nil {
			return "", err
		}
		preds = append(preds, ps...)
	}
	op := " OR "
	if m.all {
		op = " AND "
	} else {
		preds = mergeIn(preds) // equalities OR-ed: one IN
	}
	sql := joinParen(preds, op)
	if m.neq {
		sql = f.exists() + " AND NOT (" + sql + ")"
	}
	return sql, nil
}

// mergeIn turns lower(x) = 'a' OR lower(x) = 'b' into lower(x) IN ('a', 'b')
// (and x = ... into x IN ...) for runs of equalities on the same column.
func mergeIn(preds []string) []string {
	if len(preds) < 2 {
		return preds
	}
	lhs := func(p string) (string, string, bool) {
		l, r, ok := strings.Cut(p, " = '")
		if !ok || !strings.HasSuffix(r, "'") || strings.Contains(l, "'") || strings.Contains(l, " AND ") || strings.Contains(l, " OR ") {
			return "", "", false
		}
		return l, "'" + r, true
	}
	first, _, ok := lhs(preds[0])
	if !ok {
		return preds
	}
	var vals []string
	for _, p := range preds {
		l, v, ok := lhs(p)
		if !ok || l != first {
			return preds
		}
		vals = append(vals, v)
	}
	return []string{first + " IN (" + strings.Join(vals, ", ") + ")"}
}

// value compiles one value of an item into OR-ed predicates (several when
// a transformation expands it).
func (c *compiler) value(subject string, f *field, m *modifiers, v Value) ([]string, error) {
	if v.Kind == KindNull {
		if len(m.steps) > 0 || m.re || m.cidr || m.fieldref || m.cmp != "" {
			return nil, c.errAt(v.Pos, subject, "expected a value with modifiers %v, found null", m.steps)
		}
		if f.Kind == fieldJSONDoc {
			return []string{f.Column + " IS NULL OR " + f.Column + " = 'null'"}, nil
		}
		return []string{f.value() + " IS NULL"}, nil
	}
	switch {
	case m.re:
		if f.Kind == fieldNumber {
			return nil, c.errAt(v.Pos, subject, "expected a text field with re, found number field %q", f.Name)
		}
		pat := v.S
		if m.reFlags != "" {
			pat = "(?" + m.reFlags + ")" + pat
		}
		if _, err := regexp.Compile(pat); err != nil {
			return nil, c.errAt(v.Pos, subject, "expected a regular expression, found %q: %v", cut(v.S), err)
		}
		return []string{"regexp_like(" + f.value() + ", " + sqlString(pat) + ")"}, nil
	case m.cidr:
		if _, err := netip.ParsePrefix(v.S); err != nil {
			return nil, c.errAt(v.Pos, subject, "expected a CIDR network such as 10.0.0.0/8, found %q", cut(v.S))
		}
		return []string{"contains(" + sqlString(v.S) + ", TRY_CAST(" + f.value() + " AS IPADDRESS))"}, nil
	case m.cmp != "":
		if _, err := strconv.ParseFloat(v.S, 64); err != nil || v.Kind == KindBool || v.Kind == KindNull {
			return nil, c.errAt(v.Pos, subject, "expected a number with %s, found %q", m.cmp, cut(v.S))
		}
		op := map[string]string{"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[m.cmp]
		x := f.value()
		if f.Kind != fieldNumber {
			x = "TRY_CAST(" + x + " AS DOUBLE)"
		}
		return []string{x + " " + op + " " + v.S}, nil
	case m.fieldref:
		if len(m.steps) > 0 {
			return nil, c.errAt(v.Pos, subject, "expected no string transformation with fieldref, found %v", m.steps)
		}
		g, err := resolveField(v.S, c.table, c.opts.FieldMap)
		if err != nil {
			return nil, c.errAt(v.Pos, subject, "fieldref: %v", err)
		}
		a, b := textOf(f), textOf(g)
		if m.cased {
			return []string{a + " = " + b}, nil
		}
		return []string{"lower(" + a + ") = lower(" + b + ")"}, nil
	}
	if v.Kind != KindString && len(m.steps) == 0 && f.Kind == fieldNumber {
		// A number compared with a number column.
		if _, err := strconv.ParseFloat(v.S, 64); err == nil {
			return []string{f.value() + " = " + v.S}, nil
		}
	}
	text := v.S
	if v.Kind == KindBool {
		text = strings.ToLower(text)
	}
	var pats []pattern
	if m.expand {
		var err error
		pats, err = c.expand(subject, v, text)
		if err != nil {
			return nil, err
		}
	} else {
		pats = []pattern{parseWildcards(text)}
	}
	pats, err := c.transform(subject, v, m, pats)
	if err != nil {
		return nil, err
	}
	x := textOf(f)
	if f.Kind == fieldNumber {
		// A text pattern against a number column compares its text.
		if len(pats) == 1 && !pats[0].hasWild() {
			if _, err := strconv.ParseFloat(pats[0].literal(), 64); err == nil {
				return []string{f.value() + " = " + pats[0].literal()}, nil
			}
		}
	}
	var out []string
	for _, p := range pats {
		out = append(out, matchSQL(x, p, m.cased))
	}
	return out, nil
}

// textOf is the SQL of f's value as varchar.
func textOf(f *field) string {
	if f.Kind == fieldNumber {
		return "CAST(" + f.value() + " AS VARCHAR)"
	}
	return f.value()
}

// matchSQL is x compared with pattern p: equality without wildcards, LIKE
// with them; case-folded unless cased.
func matchSQL(x string, p pattern, cased bool) string {
	if !cased {
		x = "lower(" + x + ")"
	}
	fold := func(s string) string {
		if cased {
			return s
		}
		return strings.ToLower(s)
	}
	if !p.hasWild() {
		return x + " = " + sqlString(fold(p.literal()))
	}
	var b strings.Builder
	esc := false
	for _, pc := range p {
		switch pc.wild {
		case '*':
			b.WriteByte('%')
		case '?':
			b.WriteByte('_')
		default:
			for _, r := range fold(pc.lit) {
				if r == '%' || r == '_' || r == '\\' {
					b.WriteByte('\\')
					esc = true
				}
				b.WriteRune(r)
			}
		}
	}
	s := x + " LIKE " + sqlString(b.String())
	if esc {
		s += ` ESCAPE '\'`
	}
	return s
}

// transform applies the value transformations in rule order.
func (c *compiler) transform(subject string, v Value, m *modifiers, pats []pattern) ([]pattern, error) {
	encoding := ""
	for _, step := range m.steps {
		var next []pattern
		for _, p := range pats {
			switch step {
			case "contains":
				next = append(next, wrapWild(p, true, true))
			case "startswith":
				next = append(next, wrapWild(p, false, true))
			case "endswith":
				next = append(next, wrapWild(p, true, false))
			case "windash":
				next = append(next, windash(p)...)
			case "utf16le", "wide", "utf16be", "utf16":
				if p.hasWild() {
					return nil, c.errAt(v.Pos, subject, "expected a value without wildcards before %s, found %q", step, cut(v.S))
				}
				encoding = step
				next = append(next, pattern{{lit: encodeUTF16(p.literal(), step)}})
			case "base64", "base64offset":
				if p.hasWild() {
					return nil, c.errAt(v.Pos, subject, "expected a value without wildcards before %s, found %q", step, cut(v.S))
				}
				encoding = ""
				if step == "base64" {
					next = append(next, pattern{{lit: base64.StdEncoding.EncodeToString([]byte(p.literal()))}})
				} else {
					for _, s := range base64Offsets(p.literal()) {
						next = append(next, pattern{{lit: s}})
					}
				}
			}
		}
		pats = next
	}
	if encoding != "" {
		// UTF-16 bytes never occur in the UTF-8 text of a log field.
		return nil, c.errAt(v.Pos, subject, "expected base64 or base64offset after %s (UTF-16 text is only meaningful base64-encoded in these logs), found none", encoding)
	}
	return pats, nil
}

func wrapWild(p pattern, before, after bool) pattern {
	out := pattern{}
	if before && (len(p) == 0 || p[0].wild != '*') {
		out = append(out, piece{wild: '*'})
	}
	out = append(out, p...)
	if after && (len(p) == 0 || p[len(p)-1].wild != '*') {
		out = append(out, piece{wild: '*'})
	}
	return out
}

// dashes are the characters windash permutes.
var dashes = []string{"-", "/", "–", "—", "―"}

// maxWindash caps the permutations of one value.
const maxWindash = 625

// windash returns every variant of p with each dash character replaced by
// each of the others.
func windash(p pattern) []pattern {
	out := []pattern{{}}
	for _, pc := range p {
		if pc.wild != 0 {
			for i := range out {
				out[i] = append(slices.Clone(out[i]), pc)
			}
			continue
		}
		// Split the literal at dashes and multiply.
		rest := pc.lit
		for rest != "" {
			idx, dl := -1, 0
			for _, d := range dashes {
				if j := strings.Index(rest, d); j >= 0 && (idx < 0 || j < idx) {
					idx, dl = j, len(d)
				}
			}
			if idx < 0 {
				for i := range out {
					out[i] = append(slices.Clone(out[i]), piece{lit: rest})
				}
				break
			}
			if idx > 0 {
				for i := range out {
					out[i] = append(slices.Clone(out[i]), piece{lit: rest[:idx]})
				}
			}
			if len(out)*len(dashes) > maxWindash {
				for i := range out {
					out[i] = append(slices.Clone(out[i]), piece{lit: rest[idx : idx+dl]})
				}
			} else {
				var next []pattern
				for _, o := range out {
					for _, d := range dashes {
						next = append(next, append(slices.Clone(o), piece{lit: d}))
					}
				}
				out = next
			}
			rest = rest[idx+dl:]
		}
	}
	return out
}

func encodeUTF16(s, enc string) string {
	u := utf16.Encode([]rune(s))
	var b []byte
	if enc == "utf16" {
		b = append(b, 0xFF, 0xFE)
	}
	for _, x := range u {
		if enc == "utf16be" {
			b = append(b, byte(x>>8), byte(x))
		} else {
			b = append(b, byte(x), byte(x>>8))
		}
	}
	return string(b)
}

// base64Offsets returns the three base64 forms of s at byte offsets 0, 1
// and 2 of the encoded text, without the characters that depend on the
// neighbouring bytes (pySigma's base64offset).
func base64Offsets(s string) []string {
	start := [3]int{0, 2, 3}
	end := [3]int{0, 3, 2}
	var out []string
	for i := 0; i < 3; i++ {
		// With padding: the last group's partial character and its '='
		// padding depend on the byte after the value.
		enc := base64.StdEncoding.EncodeToString(append(make([]byte, i), s...))
		e := len(enc) - end[(len(s)+i)%3]
		if start[i] >= e {
			continue
		}
		out = append(out, enc[start[i]:e])
	}
	return out
}

// expand replaces %name% placeholders in a value with the configured
// values (each a Sigma string, wildcards allowed); \% is a literal '%'.
func (c *compiler) expand(subject string, v Value, text string) ([]pattern, error) {
	// Split into literal text and placeholder names.
	type part struct {
		text string
		ph   bool
	}
	var parts []part
	var lit strings.Builder
	for i := 0; i < len(text); i++ {
		switch {
		case text[i] == '\\' && i+1 < len(text) && text[i+1] == '%':
			lit.WriteString(`%`)
			i++
		case text[i] == '%':
			j := strings.IndexByte(text[i+1:], '%')
			if j < 0 {
				return nil, c.errAt(v.Pos, subject, "expected a closing '%%' of a placeholder, found %q", cut(text))
			}
			parts = append(parts, part{text: lit.String()})
			lit.Reset()
			parts = append(parts, part{text: text[i+1 : i+1+j], ph: true})
			i += j + 1
		default:
			lit.WriteByte(text[i])
		}
	}
	parts = append(parts, part{text: lit.String()})
	outs := []string{""}
	for _, p := range parts {
		if !p.ph {
			for i := range outs {
				outs[i] += p.text
			}
			continue
		}
		vals, ok := c.opts.Placeholders[p.text]
		if !ok || len(vals) == 0 {
			return nil, c.errAt(v.Pos, subject, "expected a value for placeholder %%%s%% in the placeholder file, found none", p.text)
		}
		var next []string
		for _, o := range outs {
			for _, pv := range vals {
				next = append(next, o+pv)
			}
		}
		outs = next
	}
	var pats []pattern
	for _, o := range outs {
		pats = append(pats, parseWildcards(o))
	}
	return pats, nil
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
