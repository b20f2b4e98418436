package engine

import (
	"errors"
	"strconv"
	"strings"

	"github.com/hunt-sec/hunt/parsers"
)

// maxDepth caps expression and subquery nesting so hostile input cannot
// overflow the stack.
const maxDepth = 200

// Parse parses one query (an optional trailing ';' is allowed). Errors are
// *parsers.ParseError positioned at the offending token, with Source
// "query".
func Parse(sql string) (*Statement, error) { return ParseSource("query", sql) }

// ParseSource is [Parse] with the source name (a file name) used in error
// messages, e.g. "queries/x.sql:4:19: expected ')' to close '(' at 4:7,
// found \"and\"".
func ParseSource(source, sql string) (*Statement, error) {
	q, err := parseQueryText(sql)
	if err != nil {
		return nil, positioned(source, sql, err)
	}
	return q, nil
}

// positioned turns a lexError into a *parsers.ParseError with line:col.
func positioned(source, src string, err error) error {
	var le *lexError
	if !errors.As(err, &le) {
		return err
	}
	line, col := lineCol(src, le.pos)
	class := le.class
	if class == nil {
		class = parsers.ErrSyntax
	}
	return &parsers.ParseError{Source: source, Line: line, Col: col, Offset: int64(le.pos), Err: &classError{msg: le.msg, class: class}}
}

// ErrUnsupported marks queries that are valid Athena SQL but use something
// the local engine does not run (a function, a join, a type): callers can
// match it with errors.Is and send the query to Athena instead. Other
// query errors wrap parsers.ErrSyntax.
var ErrUnsupported = errors.New("not supported by the local engine")

// classError is a query error message with its sentinel class.
type classError struct {
	msg   string
	class error
}

func (e *classError) Error() string { return e.msg }
func (e *classError) Unwrap() error { return e.class }

// unsupported reports a construct the local engine does not run.
func (p *parser) unsupported(what string) error {
	t := p.tok()
	return &lexError{pos: t.pos, msg: "expected " + what + ", found " + t.describe(), class: ErrUnsupported}
}

func parseQueryText(sql string) (*Statement, error) {
	toks, err := lex(sql)
	if err != nil {
		return nil, err
	}
	p := &parser{src: sql, toks: toks}
	var target *Target
	if p.isKw("create") || p.isKw("insert") {
		if target, err = p.parseTarget(); err != nil {
			return nil, err
		}
	}
	q, err := p.parseQuery()
	if err != nil {
		return nil, err
	}
	if target != nil {
		q.Target = target
		if !target.Insert && p.acceptKw("with") {
			target.NoData = p.acceptKw("no")
			if err := p.expectKw("data"); err != nil {
				return nil, err
			}
		}
	}
	if p.isOp(";") {
		p.i++
	}
	if t := p.tok(); t.kind != tokEOF {
		return nil, p.errorf(t.pos, "expected end of query, found "+t.describe())
	}
	return q, nil
}

// parseTarget parses the head of `CREATE TABLE name [WITH (props)] AS` or
// `INSERT INTO name [(cols)]`, up to the query.
func (p *parser) parseTarget() (*Target, error) {
	t := &Target{pos: p.tok().pos, Insert: p.isKw("insert")}
	p.i++
	if t.Insert {
		if err := p.expectKw("into"); err != nil {
			return nil, err
		}
	} else if err := p.expectKw("table"); err != nil {
		return nil, err
	}
	for {
		name, err := p.ident("table name")
		if err != nil {
			return nil, err
		}
		t.Name = append(t.Name, name)
		if !p.acceptOp(".") {
			break
		}
	}
	if t.Insert {
		if p.isOp("(") && !(p.peek().kind == tokIdent && (p.peek().val == "select" || p.peek().val == "with")) {
			cols, err := p.identList("column name")
			if err != nil {
				return nil, err
			}
			t.Cols = cols
		}
		return t, nil
	}
	if p.acceptKw("with") {
		open := p.tok().pos
		if err := p.expectOp("("); err != nil {
			return nil, err
		}
		for {
			name, err := p.ident("table property name")
			if err != nil {
				return nil, err
			}
			if err := p.expectOp("="); err != nil {
				return nil, err
			}
			v, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			t.Props = append(t.Props, Prop{Name: name, Value: v})
			if !p.acceptOp(",") {
				break
			}
		}
		if err := p.closeParen(open); err != nil {
			return nil, err
		}
	}
	if err := p.expectKw("as"); err != nil {
		return nil, err
	}
	return t, nil
}

// parser is a recursive-descent parser over the token slice, one function
// per precedence level (parseOr → parseAnd → parseNot → parseCompare →
// parseConcat → parseAdd → parseMul → parseUnary → parsePostfix →
// parsePrimary).
type parser struct {
	src   string
	toks  []token
	i     int
	depth int
}

func (p *parser) tok() token  { return p.toks[p.i] }
func (p *parser) peek() token { return p.toks[min(p.i+1, len(p.toks)-1)] }

func (p *parser) errorf(pos int, msg string) error { return &lexError{pos: pos, msg: msg} }

// expected reports "expected what, found <current token>".
func (p *parser) expected(what string) error {
	t := p.tok()
	return p.errorf(t.pos, "expected "+what+", found "+t.describe())
}

func (p *parser) isKw(kw string) bool {
	t := p.tok()
	return t.kind == tokIdent && t.val == kw
}

func (p *parser) acceptKw(kw string) bool {
	if p.isKw(kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectKw(kw string) error {
	if !p.acceptKw(kw) {
		return p.expected(strings.ToUpper(kw))
	}
	return nil
}

func (p *parser) isOp(op string) bool {
	t := p.tok()
	return t.kind == tokOp && t.val == op
}

func (p *parser) acceptOp(op string) bool {
	if p.isOp(op) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectOp(op string) error {
	if !p.acceptOp(op) {
		return p.expected(strconv.Quote(op))
	}
	return nil
}

// closeParen expects the ')' matching the '(' at open.
// identList parses "(a, b, ...)" at the current '(': identifiers, each
// described as what in errors.
func (p *parser) identList(what string) ([]string, error) {
	open := p.tok().pos
	p.i++
	var out []string
	for {
		c, err := p.ident(what)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		if !p.acceptOp(",") {
			break
		}
	}
	if err := p.closeParen(open); err != nil {
		return nil, err
	}
	return out, nil
}

func (p *parser) closeParen(open int) error {
	if p.acceptOp(")") {
		return nil
	}
	line, col := lineCol(p.src, open)
	return p.expected("')' to close '(' at " + strconv.Itoa(line) + ":" + strconv.Itoa(col))
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errorf(p.tok().pos, "expected at most "+strconv.Itoa(maxDepth)+" levels of nesting, found more")
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// ident parses an identifier (bare non-reserved word or quoted) and
// returns its lower-case value.
func (p *parser) ident(what string) (string, error) {
	t := p.tok()
	if t.kind == tokQIdent || (t.kind == tokIdent && !reserved[t.val]) {
		p.i++
		return t.val, nil
	}
	return "", p.expected(what)
}

// isIdentTok reports whether the current token can start an identifier.
func (p *parser) isIdentTok() bool {
	t := p.tok()
	return t.kind == tokQIdent || (t.kind == tokIdent && !reserved[t.val])
}

// parseQuery parses [WITH ...] body [ORDER BY ...] [LIMIT n].
func (p *parser) parseQuery() (*Statement, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	q := &Statement{pos: p.tok().pos, Limit: -1}
	if p.acceptKw("with") {
		for {
			pos := p.tok().pos
			name, err := p.ident("CTE name")
			if err != nil {
				return nil, err
			}
			var cols []string
			if p.isOp("(") {
				if cols, err = p.identList("column alias"); err != nil {
					return nil, err
				}
			}
			if err := p.expectKw("as"); err != nil {
				return nil, err
			}
			open := p.tok().pos
			if err := p.expectOp("("); err != nil {
				return nil, err
			}
			sub, err := p.parseQuery()
			if err != nil {
				return nil, err
			}
			if err := p.closeParen(open); err != nil {
				return nil, err
			}
			q.With = append(q.With, &CTE{Name: name, Cols: cols, Query: sub, pos: pos})
			if !p.acceptOp(",") {
				break
			}
		}
	}
	body, err := p.parseUnion()
	if err != nil {
		return nil, err
	}
	q.Body = body
	if p.acceptKw("order") {
		var err error
		if q.OrderBy, err = p.parseOrderBy(); err != nil {
			return nil, err
		}
	}
	// Trino's order: OFFSET n [ROW | ROWS], then LIMIT n | ALL or FETCH
	// {FIRST | NEXT} [n] {ROW | ROWS} ONLY.
	if p.acceptKw("offset") {
		n, err := p.rowCount("OFFSET")
		if err != nil {
			return nil, err
		}
		q.Offset = n
		if t := p.tok(); t.kind == tokIdent && (t.val == "row" || t.val == "rows") {
			p.i++
		}
	}
	switch {
	case p.acceptKw("limit"):
		t := p.tok()
		if t.kind == tokIdent && t.val == "all" {
			p.i++
		} else {
			n, err := p.rowCount("LIMIT")
			if err != nil {
				return nil, err
			}
			q.Limit = n
		}
	case p.acceptKw("fetch"):
		if t := p.tok(); t.kind != tokIdent || t.val != "first" && t.val != "next" {
			return nil, p.expected("FIRST or NEXT after FETCH")
		}
		p.i++
		q.Limit = 1
		if p.tok().kind == tokNumber {
			n, err := p.rowCount("FETCH FIRST")
			if err != nil {
				return nil, err
			}
			q.Limit = n
		}
		if t := p.tok(); t.kind != tokIdent || t.val != "row" && t.val != "rows" {
			return nil, p.expected("ROW or ROWS after FETCH FIRST")
		}
		p.i++
		if t := p.tok(); t.kind == tokIdent && t.val == "with" {
			return nil, p.expected("ONLY after FETCH FIRST ... ROWS (WITH TIES is not supported; run the query with --engine athena)")
		}
		if t := p.tok(); t.kind != tokIdent || t.val != "only" {
			return nil, p.expected("ONLY after FETCH FIRST ... ROWS")
		}
		p.i++
	}
	return q, nil
}

// rowCount parses the non-negative row count after what (LIMIT, OFFSET).
func (p *parser) rowCount(what string) (int64, error) {
	t := p.tok()
	n, err := strconv.ParseInt(t.text, 10, 64)
	if t.kind != tokNumber || err != nil || n < 0 {
		return 0, p.expected("row count after " + what)
	}
	p.i++
	return n, nil
}

// parseByExprs parses "BY expr, ..." after GROUP or PARTITION.
func (p *parser) parseByExprs() ([]Expr, error) {
	if err := p.expectKw("by"); err != nil {
		return nil, err
	}
	var out []Expr
	for {
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		if !p.acceptOp(",") {
			return out, nil
		}
	}
}

// parseOrderBy parses "BY item, ..." after ORDER (of a query, an
// aggregate call or a window).
func (p *parser) parseOrderBy() ([]*OrderItem, error) {
	if err := p.expectKw("by"); err != nil {
		return nil, err
	}
	var out []*OrderItem
	for {
		o, err := p.parseOrderItem()
		if err != nil {
			return nil, err
		}
		out = append(out, o)
		if !p.acceptOp(",") {
			return out, nil
		}
	}
}

func (p *parser) parseOrderItem() (*OrderItem, error) {
	e, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	o := &OrderItem{Expr: e}
	if p.acceptKw("desc") {
		o.Desc = true
	} else {
		p.acceptKw("asc")
	}
	if p.acceptKw("nulls") {
		o.hasNulls = true
		switch {
		case p.acceptKw("first"):
			o.NullsFirst = true
		case p.acceptKw("last"):
		default:
			return nil, p.expected("FIRST or LAST")
		}
	}
	return o, nil
}

// parseUnion parses term [UNION [ALL|DISTINCT]|EXCEPT [DISTINCT] term]..., where a
// term binds INTERSECT first (as in Trino).
func (p *parser) parseUnion() (SetExpr, error) {
	left, err := p.parseIntersect()
	if err != nil {
		return nil, err
	}
	for p.isKw("union") || p.isKw("except") {
		pos := p.tok().pos
		op := ""
		if p.isKw("except") {
			p.i++
			op = "EXCEPT"
			if err := p.setQuantifier("EXCEPT"); err != nil {
				return nil, err
			}
		} else {
			p.i++
			if !p.acceptKw("all") {
				// UNION is UNION DISTINCT, as in Trino.
				op = "UNION"
				p.acceptKw("distinct")
			}
		}
		right, err := p.parseIntersect()
		if err != nil {
			return nil, err
		}
		left = &Union{Left: left, Right: right, Op: op, pos: pos}
	}
	return left, nil
}

// parseIntersect parses term [INTERSECT [DISTINCT] term]...
func (p *parser) parseIntersect() (SetExpr, error) {
	left, err := p.parseSetTerm()
	if err != nil {
		return nil, err
	}
	for p.isKw("intersect") {
		pos := p.tok().pos
		p.i++
		if err := p.setQuantifier("INTERSECT"); err != nil {
			return nil, err
		}
		right, err := p.parseSetTerm()
		if err != nil {
			return nil, err
		}
		left = &Union{Left: left, Right: right, Op: "INTERSECT", pos: pos}
	}
	return left, nil
}

// setQuantifier accepts DISTINCT (the default) after INTERSECT or EXCEPT
// and rejects ALL, which the local engine does not run.
func (p *parser) setQuantifier(op string) error {
	if p.isKw("all") {
		return p.unsupported("SELECT after " + op + " (" + op + " ALL is not supported; " + op + " is DISTINCT)")
	}
	p.acceptKw("distinct")
	return nil
}

// parseSetTerm parses a SELECT or a parenthesized query.
func (p *parser) parseSetTerm() (SetExpr, error) {
	if p.isOp("(") {
		open := p.tok().pos
		p.i++
		q, err := p.parseQuery()
		if err != nil {
			return nil, err
		}
		if err := p.closeParen(open); err != nil {
			return nil, err
		}
		// A parenthesized bare SELECT needs no wrapper.
		if len(q.With) == 0 && len(q.OrderBy) == 0 && q.Offset == 0 && q.Limit < 0 {
			if s, ok := q.Body.(*Select); ok {
				return s, nil
			}
		}
		return q, nil
	}
	if p.isKw("values") {
		return p.parseValues()
	}
	if !p.isKw("select") {
		return nil, p.expected("SELECT")
	}
	return p.parseSelect()
}

// parseValues parses VALUES row, ... at the VALUES keyword: each row a
// parenthesized list of expressions or a single expression.
func (p *parser) parseValues() (*Values, error) {
	v := &Values{pos: p.tok().pos}
	p.i++ // VALUES
	for {
		var row []Expr
		if p.isOp("(") {
			open := p.tok().pos
			p.i++
			for {
				e, err := p.parseExpr()
				if err != nil {
					return nil, err
				}
				row = append(row, e)
				if !p.acceptOp(",") {
					break
				}
			}
			if err := p.closeParen(open); err != nil {
				return nil, err
			}
		} else {
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			row = []Expr{e}
		}
		v.Rows = append(v.Rows, row)
		if !p.acceptOp(",") {
			return v, nil
		}
	}
}

func (p *parser) parseSelect() (*Select, error) {
	s := &Select{pos: p.tok().pos}
	p.i++ // SELECT
	if p.acceptKw("distinct") {
		s.Distinct = true
	} else {
		p.acceptKw("all")
	}
	for {
		it, err := p.parseSelectItem()
		if err != nil {
			return nil, err
		}
		s.Items = append(s.Items, it)
		if !p.acceptOp(",") {
			break
		}
	}
	if p.acceptKw("from") {
		f, err := p.parseFrom()
		if err != nil {
			return nil, err
		}
		s.From = f
	}
	if p.acceptKw("where") {
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		s.Where = e
	}
	if p.acceptKw("group") {
		var err error
		if s.GroupBy, err = p.parseByExprs(); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("having") {
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		s.Having = e
	}
	return s, nil
}

func (p *parser) parseSelectItem() (*SelectItem, error) {
	pos := p.tok().pos
	if p.acceptOp("*") {
		return &SelectItem{Star: true, pos: pos}, nil
	}
	// rel.*
	if p.isIdentTok() && p.peek().kind == tokOp && p.peek().val == "." {
		nx := p.toks[min(p.i+2, len(p.toks)-1)]
		if nx.kind == tokOp && nx.val == "*" {
			rel := p.tok().val
			p.i += 3
			return &SelectItem{Star: true, Rel: rel, pos: pos}, nil
		}
	}
	e, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	it := &SelectItem{Expr: e, pos: pos}
	alias, err := p.parseAlias()
	if err != nil {
		return nil, err
	}
	it.Alias = alias
	return it, nil
}

// parseAlias parses [AS] name; "" when there is none.
func (p *parser) parseAlias() (string, error) {
	if p.acceptKw("as") {
		return p.ident("alias after AS")
	}
	if p.isIdentTok() {
		return p.ident("alias")
	}
	return "", nil
}

// parseFrom parses a relation followed by joins: CROSS JOIN UNNEST(...),
// [INNER|LEFT|RIGHT|FULL [OUTER]] JOIN r ON cond | USING (cols), CROSS
// JOIN r and the comma join; joins associate to the left.
func (p *parser) parseFrom() (From, error) {
	left, err := p.parseFromItem()
	if err != nil {
		return nil, err
	}
	for {
		pos := p.tok().pos
		if p.isOp(",") {
			// FROM t, UNNEST(x) AS u(c) is the implicit cross join.
			if nx := p.peek(); nx.kind == tokIdent && nx.val == "unnest" {
				p.i++
				u, err := p.parseUnnest(left)
				if err != nil {
					return nil, err
				}
				left = u
				continue
			}
			p.i++
			right, err := p.parseFromItem()
			if err != nil {
				return nil, err
			}
			left = &Join{Kind: ",", Left: left, Right: right, pos: pos}
			continue
		}
		kind := ""
		switch {
		case p.acceptKw("cross"):
			if err := p.expectKw("join"); err != nil {
				return nil, err
			}
			if p.isKw("unnest") {
				u, err := p.parseUnnest(left)
				if err != nil {
					return nil, err
				}
				left = u
				continue
			}
			kind = "CROSS JOIN"
		case p.acceptKw("join"):
			kind = "JOIN"
		case p.acceptKw("inner"):
			if err := p.expectKw("join"); err != nil {
				return nil, err
			}
			kind = "JOIN"
		case p.isKw("left") || p.isKw("right") || p.isKw("full"):
			kind = strings.ToUpper(p.tok().val) + " JOIN"
			p.i++
			p.acceptKw("outer")
			if err := p.expectKw("join"); err != nil {
				return nil, err
			}
		case p.isKw("natural"):
			return nil, p.unsupported("JOIN ... ON or USING (NATURAL JOIN is not supported)")
		default:
			return left, nil
		}
		if p.isKw("unnest") || p.isKw("lateral") {
			return nil, p.unsupported("a table or subquery after " + kind + " (only CROSS JOIN UNNEST is supported)")
		}
		right, err := p.parseFromItem()
		if err != nil {
			return nil, err
		}
		j := &Join{Kind: kind, Left: left, Right: right, pos: pos}
		if kind != "CROSS JOIN" {
			switch {
			case p.acceptKw("on"):
				if j.On, err = p.parseExpr(); err != nil {
					return nil, err
				}
			case p.acceptKw("using"):
				if !p.isOp("(") {
					return nil, p.expected("'(' after USING")
				}
				if j.Using, err = p.identList("column name in USING"); err != nil {
					return nil, err
				}
			default:
				return nil, p.expected("ON or USING after " + kind + " " + right.String())
			}
		}
		left = j
	}
}

// parseFromItem parses a table name or a parenthesized query, with an
// optional alias.
func (p *parser) parseFromItem() (From, error) {
	pos := p.tok().pos
	if p.isKw("unnest") {
		return p.parseUnnest(nil) // UNNEST alone: over one row
	}
	if p.isOp("(") {
		p.i++
		q, err := p.parseQuery()
		if err != nil {
			return nil, err
		}
		if err := p.closeParen(pos); err != nil {
			return nil, err
		}
		alias, err := p.parseAlias()
		if err != nil {
			return nil, err
		}
		var cols []string
		if alias != "" && p.isOp("(") {
			if cols, err = p.identList("column alias"); err != nil {
				return nil, err
			}
		}
		return &SubqueryRef{Query: q, Alias: alias, Cols: cols, pos: pos}, nil
	}
	name, err := p.ident("table name")
	if err != nil {
		return nil, err
	}
	// Accept a schema-qualified name (default.cloudtrail_logs) by
	// keeping its last part, as the name mapping works on table names.
	for p.isOp(".") {
		p.i++
		name, err = p.ident("table name after '.'")
		if err != nil {
			return nil, err
		}
	}
	alias, err := p.parseAlias()
	if err != nil {
		return nil, err
	}
	return &TableRef{Name: name, Alias: alias, pos: pos}, nil
}

// parseUnnest parses UNNEST(expr) [AS] alias [(col, ...)] at the UNNEST keyword.
func (p *parser) parseUnnest(left From) (From, error) {
	pos := p.tok().pos
	p.i++ // UNNEST
	open := p.tok().pos
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	e, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	if p.isOp(",") {
		return nil, p.unsupported("')' (UNNEST of several arrays is not supported)")
	}
	if err := p.closeParen(open); err != nil {
		return nil, err
	}
	u := &UnnestJoin{Left: left, Expr: e, pos: pos}
	if p.acceptKw("with") {
		if err := p.expectKw("ordinality"); err != nil {
			return nil, err
		}
		u.Ordinality = true
	}
	u.Alias, err = p.parseAlias()
	if err != nil {
		return nil, err
	}
	if u.Alias != "" && p.isOp("(") {
		if u.Cols, err = p.identList("column alias"); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// parseExpr parses an expression at the lowest precedence.
func (p *parser) parseExpr() (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	return p.parseOr()
}

func (p *parser) parseOr() (Expr, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.acceptKw("or") {
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: "OR", L: l, R: r}
	}
	return l, nil
}

func (p *parser) parseAnd() (Expr, error) {
	l, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.acceptKw("and") {
		r, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: "AND", L: l, R: r}
	}
	return l, nil
}

func (p *parser) parseNot() (Expr, error) {
	if p.isKw("not") {
		pos := p.tok().pos
		p.i++
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &Not{X: x, pos: pos}, nil
	}
	return p.parseCompare()
}

// parseCompare parses one comparison or predicate: = <> != < <= > >=, IS
// [NOT] NULL, [NOT] BETWEEN, [NOT] IN, [NOT] LIKE. They do not chain.
func (p *parser) parseCompare() (Expr, error) {
	l, err := p.parseConcat()
	if err != nil {
		return nil, err
	}
	t := p.tok()
	if t.kind == tokOp {
		switch t.val {
		case "=", "<>", "!=", "<", "<=", ">", ">=":
			p.i++
			r, err := p.parseConcat()
			if err != nil {
				return nil, err
			}
			op := t.val
			if op == "!=" {
				op = "<>"
			}
			return &Binary{Op: op, L: l, R: r}, nil
		}
		return l, nil
	}
	if t.kind != tokIdent {
		return l, nil
	}
	if t.val == "is" {
		p.i++
		neg := p.acceptKw("not")
		if p.acceptKw("distinct") {
			if err := p.expectKw("from"); err != nil {
				return nil, err
			}
			r, err := p.parseConcat()
			if err != nil {
				return nil, err
			}
			op := "IS DISTINCT FROM"
			if neg {
				op = "IS NOT DISTINCT FROM"
			}
			return &Binary{Op: op, L: l, R: r}, nil
		}
		if !p.acceptKw("null") {
			return nil, p.expected("NULL or DISTINCT FROM after IS")
		}
		return &IsNull{X: l, Not: neg}, nil
	}
	neg := false
	if t.val == "not" {
		nx := p.peek()
		if nx.kind == tokIdent && (nx.val == "between" || nx.val == "in" || nx.val == "like") {
			p.i++
			neg = true
		} else {
			return l, nil
		}
	}
	switch {
	case p.acceptKw("between"):
		lo, err := p.parseConcat()
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("and"); err != nil {
			return nil, err
		}
		hi, err := p.parseConcat()
		if err != nil {
			return nil, err
		}
		return &Between{X: l, Lo: lo, Hi: hi, Not: neg}, nil
	case p.isKw("in"):
		p.i++
		open := p.tok().pos
		if err := p.expectOp("("); err != nil {
			return nil, err
		}
		if p.isKw("select") || p.isKw("with") {
			q, err := p.parseQuery()
			if err != nil {
				return nil, err
			}
			if err := p.closeParen(open); err != nil {
				return nil, err
			}
			return &InSubquery{X: l, Query: q, Not: neg}, nil
		}
		in := &In{X: l, Not: neg}
		for {
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			in.List = append(in.List, e)
			if !p.acceptOp(",") {
				break
			}
		}
		if err := p.closeParen(open); err != nil {
			return nil, err
		}
		return in, nil
	case p.acceptKw("like"):
		pat, err := p.parseConcat()
		if err != nil {
			return nil, err
		}
		lk := &Like{X: l, Pattern: pat, Not: neg}
		if p.acceptKw("escape") {
			esc, err := p.parseConcat()
			if err != nil {
				return nil, err
			}
			lk.Escape = esc
		}
		return lk, nil
	}
	return l, nil
}

func (p *parser) parseConcat() (Expr, error) {
	l, err := p.parseAdd()
	if err != nil {
		return nil, err
	}
	for p.acceptOp("||") {
		r, err := p.parseAdd()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: "||", L: l, R: r}
	}
	return l, nil
}

func (p *parser) parseAdd() (Expr, error) {
	l, err := p.parseMul()
	if err != nil {
		return nil, err
	}
	for p.isOp("+") || p.isOp("-") {
		op := p.tok().val
		p.i++
		r, err := p.parseMul()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: op, L: l, R: r}
	}
	return l, nil
}

func (p *parser) parseMul() (Expr, error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for p.isOp("*") || p.isOp("/") || p.isOp("%") {
		op := p.tok().val
		p.i++
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: op, L: l, R: r}
	}
	return l, nil
}

func (p *parser) parseUnary() (Expr, error) {
	if p.isOp("-") || p.isOp("+") {
		t := p.tok()
		p.i++
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &Unary{Op: t.val, X: x, pos: t.pos}, nil
	}
	return p.parsePostfix()
}

// parsePostfix parses primary followed by [index] and .field.
func (p *parser) parsePostfix() (Expr, error) {
	x, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	for {
		switch {
		case p.isOp("["):
			open := p.tok().pos
			p.i++
			idx, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			if !p.acceptOp("]") {
				line, col := lineCol(p.src, open)
				return nil, p.expected("']' to close '[' at " + strconv.Itoa(line) + ":" + strconv.Itoa(col))
			}
			x = &Subscript{X: x, Index: idx}
		case p.isOp("."):
			p.i++
			f, err := p.ident("field name after '.'")
			if err != nil {
				return nil, err
			}
			x = &Deref{X: x, Field: f}
		default:
			return x, nil
		}
	}
}

func (p *parser) parsePrimary() (Expr, error) {
	t := p.tok()
	switch t.kind {
	case tokString:
		p.i++
		return &StringLit{Val: t.val, pos: t.pos}, nil
	case tokNumber:
		p.i++
		return &NumberLit{Text: t.text, pos: t.pos}, nil
	case tokQIdent:
		return p.parseName()
	case tokOp:
		if t.val == "(" {
			p.i++
			if p.isKw("select") || p.isKw("with") {
				q, err := p.parseQuery()
				if err != nil {
					return nil, err
				}
				if err := p.closeParen(t.pos); err != nil {
					return nil, err
				}
				return &ScalarSubquery{Query: q, pos: t.pos}, nil
			}
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			if err := p.closeParen(t.pos); err != nil {
				return nil, err
			}
			return e, nil
		}
		return nil, p.expected("expression")
	case tokIdent:
		switch t.val {
		case "true", "false":
			p.i++
			return &BoolLit{Val: t.val == "true", pos: t.pos}, nil
		case "null":
			p.i++
			return &NullLit{pos: t.pos}, nil
		case "case":
			return p.parseCase()
		case "exists":
			if nx := p.peek(); nx.kind == tokOp && nx.val == "(" {
				p.i += 2
				q, err := p.parseQuery()
				if err != nil {
					return nil, err
				}
				if err := p.closeParen(nx.pos); err != nil {
					return nil, err
				}
				return &Exists{Query: q, pos: t.pos}, nil
			}
		case "array":
			if nx := p.peek(); nx.kind == tokOp && nx.val == "[" {
				return p.parseArrayCtor()
			}
		case "cast", "try_cast":
			return p.parseCast()
		case "extract":
			return p.parseExtract()
		case "current_timestamp", "current_date":
			p.i++
			return &Call{Name: t.val, NoParens: true, pos: t.pos}, nil
		case "timestamp", "date", "ipaddress", "ipprefix":
			if nx := p.peek(); nx.kind == tokString {
				p.i += 2
				return &TypedLit{Type: t.val, Val: nx.val, pos: t.pos}, nil
			}
		case "interval":
			if nx := p.peek(); nx.kind == tokString {
				p.i += 2
				u := p.tok()
				unit := strings.TrimSuffix(u.val, "s")
				switch unit {
				case "second", "minute", "hour", "day", "month", "year":
				default:
					return nil, p.expected("interval unit (SECOND, MINUTE, HOUR, DAY, MONTH, YEAR)")
				}
				p.i++
				return &IntervalLit{Val: nx.val, Unit: unit, pos: t.pos}, nil
			}
		}
		if reserved[t.val] {
			return nil, p.expected("expression")
		}
		return p.parseName()
	}
	return nil, p.expected("expression")
}

// parseArrayCtor parses ARRAY[x, y, ...] (ARRAY[] included) into a call
// of arrayCtor (func_array_ctor.go).
func (p *parser) parseArrayCtor() (Expr, error) {
	t := p.tok()
	p.i++
	open := p.tok().pos
	p.i++ // [
	c := &Call{Name: arrayCtor, pos: t.pos}
	if p.acceptOp("]") {
		return c, nil
	}
	for {
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		c.Args = append(c.Args, e)
		if !p.acceptOp(",") {
			break
		}
	}
	if !p.acceptOp("]") {
		line, col := lineCol(p.src, open)
		return nil, p.expected("']' to close '[' at " + strconv.Itoa(line) + ":" + strconv.Itoa(col))
	}
	return c, nil
}

// parseName parses a dotted name or a function call.
func (p *parser) parseName() (Expr, error) {
	t := p.tok()
	p.i++
	if p.isOp("(") {
		return p.parseCall(t)
	}
	id := &Ident{Parts: []string{t.val}, pos: t.pos}
	for p.isOp(".") {
		nx := p.peek()
		if !(nx.kind == tokQIdent || (nx.kind == tokIdent && !reserved[nx.val])) {
			break
		}
		p.i += 2
		id.Parts = append(id.Parts, nx.val)
	}
	return id, nil
}

func (p *parser) parseCall(name token) (Expr, error) {
	open := p.tok().pos
	p.i++ // (
	c := &Call{Name: name.val, pos: name.pos}
	switch name.val {
	case "substring", "position":
		if sc, ok, err := p.parseStandardCall(c, open); ok || err != nil {
			return sc, err
		}
	case "trim":
		if sc, ok, err := p.parseTrim(c, open); ok || err != nil {
			return sc, err
		}
	}
	if p.acceptOp("*") {
		c.Star = true
		if err := p.closeParen(open); err != nil {
			return nil, err
		}
		return p.afterCall(c)
	}
	if p.acceptOp(")") {
		return p.afterCall(c)
	}
	if p.acceptKw("distinct") {
		c.Distinct = true
	} else {
		p.acceptKw("all")
	}
	for {
		var e Expr
		var err error
		if p.isLambda() {
			e, err = p.parseLambda()
		} else {
			e, err = p.parseExpr()
		}
		if err != nil {
			return nil, err
		}
		c.Args = append(c.Args, e)
		if !p.acceptOp(",") {
			break
		}
	}
	if p.acceptKw("order") {
		var err error
		if c.OrderBy, err = p.parseOrderBy(); err != nil {
			return nil, err
		}
	}
	if err := p.closeParen(open); err != nil {
		return nil, err
	}
	return p.afterCall(c)
}

// afterCall parses an aggregate's FILTER (WHERE cond) and a window
// function's OVER (...).
func (p *parser) afterCall(c *Call) (Expr, error) {
	if (p.isKw("ignore") || p.isKw("respect")) && p.peek().kind == tokIdent && p.peek().val == "nulls" {
		// IGNORE|RESPECT NULLS belongs to a window function: OVER follows.
		c.IgnoreNulls = p.isKw("ignore")
		p.i += 2
		if !(p.isKw("over") && p.peek().kind == tokOp && p.peek().val == "(") {
			return nil, p.expected("OVER (...) after " + strings.ToUpper(p.toks[p.i-2].val) + " NULLS")
		}
	}
	if !(p.peek().kind == tokOp && p.peek().val == "(") {
		return c, nil
	}
	if p.isKw("filter") {
		p.i++
		open := p.tok().pos
		p.i++ // (
		if err := p.expectKw("where"); err != nil {
			return nil, err
		}
		f, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		if err := p.closeParen(open); err != nil {
			return nil, err
		}
		c.Filter = f
	}
	if p.isKw("over") && p.peek().kind == tokOp && p.peek().val == "(" {
		p.i++
		open := p.tok().pos
		p.i++ // (
		w, err := p.parseWindow()
		if err != nil {
			return nil, err
		}
		if err := p.closeParen(open); err != nil {
			return nil, err
		}
		c.Over = w
	}
	return c, nil
}

// parseWindow parses the inside of OVER (...): [PARTITION BY ...]
// [ORDER BY ...] [ROWS|RANGE frame].
// parseStandardCall parses the SQL-standard forms Trino accepts besides
// the plain calls: substring(x FROM a [FOR b]), which is substring(x, a
// [, b]), and position(needle IN haystack), which is strpos(haystack,
// needle). ok is false (nothing consumed) when the call is a plain one.
func (p *parser) parseStandardCall(c *Call, open int) (Expr, bool, error) {
	start := p.i
	// Below comparisons, so that position's IN is not read as a predicate.
	x, err := p.parseConcat()
	if err != nil {
		p.i = start // the plain parse reports it
		return nil, false, nil
	}
	switch {
	case c.Name == "substring" && p.acceptKw("from"):
		a, err := p.parseExpr()
		if err != nil {
			return nil, true, err
		}
		c.Args = []Expr{x, a}
		if p.acceptKw("for") {
			b, err := p.parseExpr()
			if err != nil {
				return nil, true, err
			}
			c.Args = append(c.Args, b)
		}
	case c.Name == "position" && p.acceptKw("in"):
		y, err := p.parseConcat()
		if err != nil {
			return nil, true, err
		}
		c.Name, c.Args = "strpos", []Expr{y, x}
	default:
		p.i = start // a plain call: parse it again as one
		return nil, false, nil
	}
	if err := p.closeParen(open); err != nil {
		return nil, true, err
	}
	e, err := p.afterCall(c)
	return e, true, err
}

// parseTrim parses trim's SQL-standard form, trim([[BOTH | LEADING |
// TRAILING] [chars] FROM] x), into the call Trino desugars it to:
// trim(x[, chars]), ltrim(x[, chars]) or rtrim(x[, chars]). ok is false
// (nothing consumed) for a plain call, trim(x[, chars]).
func (p *parser) parseTrim(c *Call, open int) (Expr, bool, error) {
	start := p.i
	name, spec := "trim", false
	if nx := p.peek(); !(nx.kind == tokOp && (nx.val == ")" || nx.val == ",")) {
		// A column named both, leading or trailing is a plain argument.
		switch {
		case p.isKw("both"):
			spec = true
		case p.isKw("leading"):
			name, spec = "ltrim", true
		case p.isKw("trailing"):
			name, spec = "rtrim", true
		}
	}
	if spec {
		p.i++
	}
	var chars Expr
	if !p.acceptKw("from") {
		e, err := p.parseExpr()
		if err == nil && !p.isKw("from") {
			err = p.expected("FROM")
		}
		if err != nil {
			if !spec {
				p.i = start // a plain call: parse it again as one
				return nil, false, nil
			}
			return nil, true, err
		}
		p.i++ // FROM
		chars = e
	}
	x, err := p.parseExpr()
	if err != nil {
		return nil, true, err
	}
	c.Name, c.Args = name, []Expr{x}
	if chars != nil {
		c.Args = append(c.Args, chars)
	}
	if err := p.closeParen(open); err != nil {
		return nil, true, err
	}
	e, err := p.afterCall(c)
	return e, true, err
}

func (p *parser) parseWindow() (*Window, error) {
	w := &Window{}
	if p.acceptKw("partition") {
		var err error
		if w.PartitionBy, err = p.parseByExprs(); err != nil {
			return nil, err
		}
	}
	if p.acceptKw("order") {
		var err error
		if w.OrderBy, err = p.parseOrderBy(); err != nil {
			return nil, err
		}
	}
	if p.isKw("rows") || p.isKw("range") {
		f := &Frame{Range: p.isKw("range"), pos: p.tok().pos}
		p.i++
		if p.acceptKw("between") {
			start, err := p.parseFrameBound()
			if err != nil {
				return nil, err
			}
			if err := p.expectKw("and"); err != nil {
				return nil, err
			}
			end, err := p.parseFrameBound()
			if err != nil {
				return nil, err
			}
			f.Start, f.End = start, end
		} else {
			start, err := p.parseFrameBound()
			if err != nil {
				return nil, err
			}
			f.Start, f.End = start, FrameBound{Kind: boundCurrentRow}
		}
		w.Frame = f
	} else if p.isKw("groups") {
		return nil, p.unsupported("ROWS or RANGE (GROUPS frames are not supported)")
	}
	return w, nil
}

// parseFrameBound parses UNBOUNDED PRECEDING|FOLLOWING, CURRENT ROW or
// offset PRECEDING|FOLLOWING.
func (p *parser) parseFrameBound() (FrameBound, error) {
	switch {
	case p.acceptKw("unbounded"):
		switch {
		case p.acceptKw("preceding"):
			return FrameBound{Kind: boundUnboundedPreceding}, nil
		case p.acceptKw("following"):
			return FrameBound{Kind: boundUnboundedFollowing}, nil
		}
		return FrameBound{}, p.expected("PRECEDING or FOLLOWING after UNBOUNDED")
	case p.acceptKw("current"):
		if err := p.expectKw("row"); err != nil {
			return FrameBound{}, err
		}
		return FrameBound{Kind: boundCurrentRow}, nil
	}
	off, err := p.parseAdd()
	if err != nil {
		return FrameBound{}, err
	}
	switch {
	case p.acceptKw("preceding"):
		return FrameBound{Kind: boundPreceding, Offset: off}, nil
	case p.acceptKw("following"):
		return FrameBound{Kind: boundFollowing, Offset: off}, nil
	}
	return FrameBound{}, p.expected("PRECEDING or FOLLOWING")
}

// isLambda reports whether a call argument starts with `name ->`; the
// lexer reads -> as '-' then '>', adjacent.
func (p *parser) isLambda() bool {
	if !p.isIdentTok() || p.i+2 >= len(p.toks) {
		return false
	}
	m, g := p.toks[p.i+1], p.toks[p.i+2]
	return m.kind == tokOp && m.val == "-" && g.kind == tokOp && g.val == ">" && g.pos == m.end
}

// parseLambda parses `x -> body`.
func (p *parser) parseLambda() (Expr, error) {
	t := p.tok()
	p.i += 3 // name - >
	body, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	return &Lambda{Params: []string{t.val}, Body: body, pos: t.pos}, nil
}

func (p *parser) parseCase() (Expr, error) {
	c := &Case{pos: p.tok().pos}
	p.i++ // CASE
	if !p.isKw("when") {
		op, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		c.Operand = op
	}
	for p.acceptKw("when") {
		cond, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("then"); err != nil {
			return nil, err
		}
		res, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		c.Whens = append(c.Whens, When{Cond: cond, Result: res})
	}
	if len(c.Whens) == 0 {
		return nil, p.expected("WHEN")
	}
	if p.acceptKw("else") {
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		c.Else = e
	}
	if err := p.expectKw("end"); err != nil {
		return nil, err
	}
	return c, nil
}

func (p *parser) parseCast() (Expr, error) {
	t := p.tok()
	p.i++
	c := &Cast{Try: t.val == "try_cast", pos: t.pos}
	open := p.tok().pos
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	x, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	c.X = x
	if err := p.expectKw("as"); err != nil {
		return nil, err
	}
	c.Type, err = p.parseType()
	if err != nil {
		return nil, err
	}
	if err := p.closeParen(open); err != nil {
		return nil, err
	}
	return c, nil
}

// typeAliases normalizes type names.
var typeAliases = map[string]string{"int": "integer", "string": "varchar", "float": "real"}

// parseType parses a type name: varchar, varchar(10), bigint, double,
// timestamp, timestamp(3), timestamp with time zone, array(varchar),
// decimal(10, 2), json...
func (p *parser) parseType() (TypeName, error) {
	if err := p.enter(); err != nil {
		return TypeName{}, err
	}
	defer p.leave()
	t := p.tok()
	if t.kind != tokIdent {
		return TypeName{}, p.expected("type name")
	}
	p.i++
	name := t.val
	if a, ok := typeAliases[name]; ok {
		name = a
	}
	tn := TypeName{Name: name}
	if name == "double" && p.acceptKw("precision") {
		// double precision is double
	}
	if p.isOp("(") {
		open := p.tok().pos
		p.i++
		for {
			a := p.tok()
			if a.kind == tokNumber {
				p.i++
				tn.Args = append(tn.Args, TypeName{Name: a.text})
			} else {
				sub, err := p.parseType()
				if err != nil {
					return TypeName{}, err
				}
				tn.Args = append(tn.Args, sub)
			}
			if !p.acceptOp(",") {
				break
			}
		}
		if err := p.closeParen(open); err != nil {
			return TypeName{}, err
		}
	}
	if (name == "timestamp" || name == "time") && p.isKw("with") {
		p.i++
		if err := p.expectKw("time"); err != nil {
			return TypeName{}, err
		}
		if err := p.expectKw("zone"); err != nil {
			return TypeName{}, err
		}
		tn.Name += " with time zone"
		if len(tn.Args) > 0 {
			// timestamp(3) with time zone prints as such.
			return TypeName{Name: name + "(" + tn.Args[0].Name + ") with time zone"}, nil
		}
	}
	return tn, nil
}

// extractFields maps EXTRACT fields to the equivalent Trino functions; the
// canonical form is the function call.
var extractFields = map[string]string{
	"year": "year", "quarter": "quarter", "month": "month", "week": "week", "day": "day",
	"day_of_month": "day", "day_of_week": "day_of_week", "dow": "day_of_week", "day_of_year": "day_of_year",
	"doy": "day_of_year", "hour": "hour", "minute": "minute", "second": "second",
}

// parseExtract parses EXTRACT(field FROM x) into the call field(x).
func (p *parser) parseExtract() (Expr, error) {
	t := p.tok()
	p.i++
	open := p.tok().pos
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	f := p.tok()
	name, ok := extractFields[f.val]
	if f.kind != tokIdent || !ok {
		return nil, p.expected("a field to EXTRACT (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, DAY_OF_WEEK, ...)")
	}
	p.i++
	if err := p.expectKw("from"); err != nil {
		return nil, err
	}
	x, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	if err := p.closeParen(open); err != nil {
		return nil, err
	}
	return &Call{Name: name, Args: []Expr{x}, pos: t.pos}, nil
}
