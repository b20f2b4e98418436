package sigma

import (
	"fmt"
	"path"
	"strings"
)

// Expr is a node of a parsed condition: [*And], [*Or], [*Not], [*Ref]
// or [*Of]. String prints it in canonical form, fully parenthesised
// where precedence needs it.
type Expr interface {
	String() string
	exprNode()
}

// And is "X and Y".
type And struct{ X, Y Expr }

// Or is "X or Y".
type Or struct{ X, Y Expr }

// Not is "not X".
type Not struct{ X Expr }

// Ref names one search identifier.
type Ref struct {
	Name string
	Pos  Pos
}

// Of is "1 of PATTERN", "all of PATTERN", "1 of them" or "all of them".
// Names are the search identifiers the pattern matches, resolved at parse
// time in detection order.
type Of struct {
	All     bool
	Pattern string // "them" for all searches not starting with '_'
	Names   []string
	Pos     Pos
}

func (*And) exprNode() {}
func (*Or) exprNode()  {}
func (*Not) exprNode() {}
func (*Ref) exprNode() {}
func (*Of) exprNode()  {}

func (e *And) String() string { return paren(e.X, 2) + " and " + paren(e.Y, 2) }
func (e *Or) String() string  { return e.X.String() + " or " + e.Y.String() }
func (e *Not) String() string { return "not " + paren(e.X, 3) }
func (e *Ref) String() string { return e.Name }
func (e *Of) String() string {
	if e.All {
		return "all of " + e.Pattern
	}
	return "1 of " + e.Pattern
}

func prec(e Expr) int {
	switch e.(type) {
	case *Or:
		return 1
	case *And:
		return 2
	case *Not:
		return 3
	}
	return 4
}

func paren(e Expr, min int) string {
	if prec(e) < min {
		return "(" + e.String() + ")"
	}
	return e.String()
}

type condToken struct {
	text string
	off  int // byte offset in the condition text
}

// ParseCondition parses one condition of d against its searches. Errors
// are positioned in source at the offending token.
func ParseCondition(source string, c Condition, d *Detection) (Expr, error) {
	p := &condParser{source: source, cond: c, det: d}
	p.lex()
	if len(p.toks) == 0 {
		return nil, p.errAt(0, "expected a condition expression, found none")
	}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		t := p.toks[p.i]
		return nil, p.errAt(t.off, "expected 'and', 'or' or the end of the condition, found %q", t.text)
	}
	return e, nil
}

type condParser struct {
	source string
	cond   Condition
	det    *Detection
	toks   []condToken
	i      int
}

func (p *condParser) lex() {
	s := p.cond.Text
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			p.toks = append(p.toks, condToken{s[i : i+1], i})
			i++
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r()", rune(s[j])) {
				j++
			}
			p.toks = append(p.toks, condToken{s[i:j], i})
			i = j
		}
	}
}

// posAt converts an offset in the condition text to a file position.
func (p *condParser) posAt(off int) Pos {
	pos := p.cond.Pos
	text := p.cond.Text[:min(off, len(p.cond.Text))]
	if nl := strings.LastIndexByte(text, '\n'); nl >= 0 {
		// A block scalar: later lines start at the indentation, which the
		// node does not record; count from column 1.
		return Pos{Line: pos.Line + strings.Count(text, "\n"), Col: off - nl}
	}
	return Pos{Line: pos.Line, Col: pos.Col + off}
}

func (p *condParser) errAt(off int, format string, args ...any) error {
	return &Error{Source: p.source, Pos: p.posAt(off), Subject: "detection.condition", Err: fmt.Errorf(format, args...)}
}

func (p *condParser) peek() (condToken, bool) {
	if p.i < len(p.toks) {
		return p.toks[p.i], true
	}
	return condToken{off: len(p.cond.Text)}, false
}

func (p *condParser) isKeyword(word string) bool {
	t, ok := p.peek()
	return ok && strings.EqualFold(t.text, word)
}

func (p *condParser) parseOr() (Expr, error) {
	x, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("or") {
		p.i++
		y, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		x = &Or{x, y}
	}
	return x, nil
}

func (p *condParser) parseAnd() (Expr, error) {
	x, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.isKeyword("and") {
		p.i++
		y, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		x = &And{x, y}
	}
	return x, nil
}

func (p *condParser) parseNot() (Expr, error) {
	if p.isKeyword("not") {
		p.i++
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &Not{x}, nil
	}
	return p.parsePrimary()
}

func (p *condParser) parsePrimary() (Expr, error) {
	t, ok := p.peek()
	if !ok {
		return nil, p.errAt(t.off, "expected a search identifier, '(' or 'not', found the end of the condition")
	}
	switch {
	case t.text == "(":
		p.i++
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		c, ok := p.peek()
		if !ok || c.text != ")" {
			found := "the end of the condition"
			if ok {
				found = fmt.Sprintf("%q", c.text)
			}
			open := p.posAt(t.off)
			return nil, p.errAt(c.off, "expected ')' to close '(' at %d:%d, found %s", open.Line, open.Col, found)
		}
		p.i++
		return x, nil
	case t.text == ")":
		return nil, p.errAt(t.off, "expected a search identifier, '(' or 'not', found ')'")
	case t.text == "1" || strings.EqualFold(t.text, "all") || isCount(t.text):
		if p.i+1 < len(p.toks) && strings.EqualFold(p.toks[p.i+1].text, "of") {
			return p.parseOf()
		}
		if t.text != "1" && !strings.EqualFold(t.text, "all") {
			break
		}
	case isKeywordWord(t.text):
		return nil, p.errAt(t.off, "expected a search identifier, '(' or 'not', found %q", t.text)
	}
	p.i++
	if p.det.Search(t.text) == nil {
		return nil, p.errAt(t.off, "expected a search identifier (%s), found %q", p.searchNames(), t.text)
	}
	return &Ref{Name: t.text, Pos: p.posAt(t.off)}, nil
}

func isCount(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isKeywordWord(s string) bool {
	switch strings.ToLower(s) {
	case "and", "or", "not", "of":
		return true
	}
	return false
}

func (p *condParser) searchNames() string {
	var names []string
	for _, s := range p.det.Searches {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}

func (p *condParser) parseOf() (Expr, error) {
	q := p.toks[p.i]
	if q.text != "1" && !strings.EqualFold(q.text, "all") {
		return nil, p.errAt(q.off, "expected '1 of' or 'all of', found %q (other counts are not part of Sigma)", q.text+" of")
	}
	p.i += 2
	t, ok := p.peek()
	if !ok || t.text == "(" || t.text == ")" || isKeywordWord(t.text) {
		found := "the end of the condition"
		if ok {
			found = fmt.Sprintf("%q", t.text)
		}
		return nil, p.errAt(t.off, "expected 'them' or a search identifier pattern after 'of', found %s", found)
	}
	p.i++
	of := &Of{All: strings.EqualFold(q.text, "all"), Pattern: t.text, Pos: p.posAt(q.off)}
	for _, s := range p.det.Searches {
		if t.text == "them" {
			if !strings.HasPrefix(s.Name, "_") {
				of.Names = append(of.Names, s.Name)
			}
			continue
		}
		if ok, _ := path.Match(globPattern(t.text), s.Name); ok {
			of.Names = append(of.Names, s.Name)
		}
	}
	if len(of.Names) == 0 {
		return nil, p.errAt(t.off, "expected a pattern matching some search identifier (%s), found %q matching none", p.searchNames(), t.text)
	}
	return of, nil
}

// globPattern makes a Sigma identifier pattern (only '*' is special) a
// path.Match pattern.
func globPattern(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}
