package engine

import (
	"strings"
)

// The AST of a query. Every node prints itself in canonical form with
// String(): upper-case keywords, lower-case identifiers (quoted only when
// they must be), '' inside strings, single spaces, and only the parentheses
// precedence needs. Parsing the canonical form gives the same canonical
// form, which is what `hunt fmt` prints.

// Expr is an expression node.
type Expr interface {
	// String returns the canonical SQL text of the expression.
	String() string
	// Pos returns the byte offset of the expression's first token.
	Pos() int
	// prec is the binding strength used to decide on parentheses.
	prec() int
}

// Precedence levels, lowest first; one parse function per level.
const (
	precOr      = 1
	precAnd     = 2
	precNot     = 3
	precCompare = 4 // = <> < <= > >= IS BETWEEN IN LIKE
	precConcat  = 5 // ||
	precAdd     = 6 // + -
	precMul     = 7 // * / %
	precUnary   = 8 // unary - +
	precPostfix = 9 // a[1], a.b
	precPrimary = 10
)

// Statement is a full query: optional WITH, a body of SELECTs joined by UNION
// ALL, ORDER BY, OFFSET and LIMIT.
type Statement struct {
	With    []*CTE
	Body    SetExpr
	OrderBy []*OrderItem
	Offset  int64 // rows skipped; 0 when absent
	Limit   int64 // -1 when absent
	// Target is the table a top-level CREATE TABLE ... AS or INSERT INTO
	// writes (nil for a plain query); only Athena runs those.
	Target *Target
	pos    int
}

// Target is `CREATE TABLE name [WITH (prop = value, ...)] AS` or
// `INSERT INTO name [(col, ...)]` before a query.
type Target struct {
	Insert bool
	Name   []string // possibly qualified: db.t
	Cols   []string // INSERT INTO t (cols)
	Props  []Prop   // CREATE TABLE t WITH (...)
	NoData bool     // CREATE TABLE ... AS query WITH NO DATA
	pos    int
}

// Prop is one `name = value` table property of CREATE TABLE ... WITH.
type Prop struct {
	Name  string
	Value Expr
}

// CTE is one WITH name [(col, ...)] AS (query) entry.
type CTE struct {
	Name  string
	Cols  []string // column aliases; nil when none
	Query *Statement
	pos   int
}

// SetExpr is a *Select, a *Union or a parenthesized *Statement.
type SetExpr interface {
	String() string
	Pos() int
}

// Union is left UNION ALL right, or a DISTINCT set operation named by Op.
type Union struct {
	Left, Right SetExpr
	Op          string // "" (UNION ALL), "UNION", "INTERSECT" or "EXCEPT"; the last three are DISTINCT
	pos         int
}

// Select is one SELECT block.
type Select struct {
	Distinct bool
	Items    []*SelectItem
	From     From // nil for SELECT without FROM
	Where    Expr
	GroupBy  []Expr // a *NumberLit here is an ordinal
	Having   Expr
	pos      int
}

// SelectItem is `expr [AS alias]`, `*` or `rel.*`.
type SelectItem struct {
	Expr  Expr   // nil for a star
	Alias string // "" when none
	Star  bool
	Rel   string // qualifier of rel.*
	pos   int
}

// OrderItem is `expr [ASC|DESC] [NULLS FIRST|LAST]`.
type OrderItem struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool // explicit or defaulted; see hasNulls
	hasNulls   bool // NULLS was written
}

// From is a relation in FROM: *TableRef, *SubqueryRef or *UnnestJoin.
type From interface {
	String() string
	Pos() int
}

// TableRef is a table name with an optional alias.
type TableRef struct {
	Name  string
	Alias string
	pos   int
}

// SubqueryRef is (query) [AS] alias [(col, ...)].
type SubqueryRef struct {
	Query *Statement
	Alias string
	Cols  []string // column aliases; nil when none
	pos   int
}

// Values is `VALUES row, ...`, a relation of constant rows: each row a
// parenthesized list of expressions or one expression (a row of one
// column). Its columns are named _col0, _col1, ... as Trino names them.
type Values struct {
	Rows [][]Expr
	pos  int
}

// UnnestJoin is `left CROSS JOIN UNNEST(expr) [WITH ORDINALITY] [AS]
// alias[(cols)]`, or `UNNEST(...)` alone in FROM (Left nil: over one row).
// With ordinality the last column is the element's position, from 1.
type UnnestJoin struct {
	Left       From
	Expr       Expr
	Ordinality bool
	Alias      string
	Cols       []string
	pos        int
}

// Join is `left JOIN right ON cond`, with Kind one of "JOIN" (INNER JOIN),
// "LEFT JOIN", "RIGHT JOIN", "FULL JOIN" (OUTER is dropped) or "CROSS
// JOIN", or "," for the implicit cross join `FROM a, b`. On is nil for
// CROSS JOIN and USING; Using lists the USING columns.
type Join struct {
	Kind        string
	Left, Right From
	On          Expr
	Using       []string
	pos         int // of the JOIN keyword (or ',')
}

// InSubquery is x [NOT] IN (query).
type InSubquery struct {
	X     Expr
	Query *Statement
	Not   bool
}

// Exists is EXISTS (query); NOT EXISTS is a *Not around it.
type Exists struct {
	Query *Statement
	pos   int
}

// ScalarSubquery is (query) used as a value.
type ScalarSubquery struct {
	Query *Statement
	pos   int
}

// Ident is a possibly dotted name: column, rel.column, column.field.field.
type Ident struct {
	Parts []string
	pos   int
}

// Deref is field access on a non-name expression: (expr).field, a[1].field.
type Deref struct {
	X     Expr
	Field string
}

// Subscript is x[index].
type Subscript struct {
	X, Index Expr
}

// StringLit is a string literal; Val is unescaped.
type StringLit struct {
	Val string
	pos int
}

// NumberLit is a numeric literal as written.
type NumberLit struct {
	Text string
	pos  int
}

// BoolLit is TRUE or FALSE.
type BoolLit struct {
	Val bool
	pos int
}

// NullLit is NULL.
type NullLit struct{ pos int }

// TypedLit is `timestamp '...'` or `date '...'`.
type TypedLit struct {
	Type string // "timestamp" or "date"
	Val  string
	pos  int
}

// IntervalLit is `interval '5' minute`; Neg for interval '-5' is kept in Val.
type IntervalLit struct {
	Val  string
	Unit string // lower-case singular: second minute hour day month year
	pos  int
}

// Unary is -x or +x.
type Unary struct {
	Op  string
	X   Expr
	pos int
}

// Binary is a binary operator: OR AND = <> < <= > >= IS [NOT] DISTINCT
// FROM + - * / % ||.
type Binary struct {
	Op   string
	L, R Expr
}

// Not is NOT x.
type Not struct {
	X   Expr
	pos int
}

// Between is x [NOT] BETWEEN lo AND hi.
type Between struct {
	X, Lo, Hi Expr
	Not       bool
}

// In is x [NOT] IN (list).
type In struct {
	X    Expr
	List []Expr
	Not  bool
}

// Like is x [NOT] LIKE pattern [ESCAPE esc].
type Like struct {
	X, Pattern, Escape Expr // Escape nil when absent
	Not                bool
}

// IsNull is x IS [NOT] NULL.
type IsNull struct {
	X   Expr
	Not bool
}

// Case is CASE [operand] WHEN ... THEN ... [ELSE ...] END.
type Case struct {
	Operand Expr // nil for a searched CASE
	Whens   []When
	Else    Expr
	pos     int
}

// When is one WHEN cond THEN result arm.
type When struct{ Cond, Result Expr }

// Cast is CAST(x AS type) or TRY_CAST(x AS type).
type Cast struct {
	X    Expr
	Type TypeName
	Try  bool
	pos  int
}

// TypeName is a SQL type as written, normalized: name lower case with
// aliases resolved (int → integer), args for varchar(10), array(varchar).
type TypeName struct {
	Name string
	Args []TypeName // element types for array/map, numbers as Name for varchar(n)
}

// Call is a function call: name(args), count(*), count(DISTINCT x), and
// the niladic current_timestamp.
type Call struct {
	Name     string
	Args     []Expr
	Distinct bool
	Star     bool         // count(*)
	NoParens bool         // current_timestamp
	Filter   Expr         // aggregate FILTER (WHERE ...); nil when absent
	OrderBy  []*OrderItem // array_agg(x ORDER BY y); nil when absent
	Over     *Window      // window function OVER (...); nil when absent
	// IgnoreNulls is `IGNORE NULLS` before OVER (RESPECT NULLS, the
	// default, is not kept).
	IgnoreNulls bool
	pos         int
}

// Window is the OVER clause of a window function call.
type Window struct {
	PartitionBy []Expr
	OrderBy     []*OrderItem
	Frame       *Frame // nil: Trino's default frame
}

// Frame is `ROWS|RANGE BETWEEN start AND end`; the short form `ROWS start`
// is read as `BETWEEN start AND CURRENT ROW`.
type Frame struct {
	Range      bool
	Start, End FrameBound
	pos        int
}

// Frame bound kinds, in the order they appear in a frame.
const (
	boundUnboundedPreceding = iota
	boundPreceding
	boundCurrentRow
	boundFollowing
	boundUnboundedFollowing
)

// FrameBound is one end of a frame; Offset is set for n PRECEDING and n
// FOLLOWING (a number, or an interval for RANGE over a timestamp).
type FrameBound struct {
	Kind   int
	Offset Expr
}

// Lambda is `x -> body`, an argument of transform, filter and the *_match
// functions.
type Lambda struct {
	Params []string
	Body   Expr
	pos    int
}

func (e *Ident) Pos() int       { return e.pos }
func (e *Deref) Pos() int       { return e.X.Pos() }
func (e *Subscript) Pos() int   { return e.X.Pos() }
func (e *StringLit) Pos() int   { return e.pos }
func (e *NumberLit) Pos() int   { return e.pos }
func (e *BoolLit) Pos() int     { return e.pos }
func (e *NullLit) Pos() int     { return e.pos }
func (e *TypedLit) Pos() int    { return e.pos }
func (e *IntervalLit) Pos() int { return e.pos }
func (e *Unary) Pos() int       { return e.pos }
func (e *Binary) Pos() int      { return e.L.Pos() }
func (e *Not) Pos() int         { return e.pos }
func (e *Between) Pos() int     { return e.X.Pos() }
func (e *In) Pos() int          { return e.X.Pos() }
func (e *Like) Pos() int        { return e.X.Pos() }
func (e *IsNull) Pos() int      { return e.X.Pos() }
func (e *Case) Pos() int        { return e.pos }
func (e *Cast) Pos() int        { return e.pos }
func (e *Call) Pos() int        { return e.pos }
func (e *Lambda) Pos() int      { return e.pos }

func (e *InSubquery) Pos() int     { return e.X.Pos() }
func (e *Exists) Pos() int         { return e.pos }
func (e *ScalarSubquery) Pos() int { return e.pos }
func (j *Join) Pos() int           { return j.pos }

func (*InSubquery) prec() int     { return precCompare }
func (*Exists) prec() int         { return precPrimary }
func (*ScalarSubquery) prec() int { return precPrimary }

func (q *Statement) Pos() int   { return q.pos }
func (s *Select) Pos() int      { return s.pos }
func (u *Union) Pos() int       { return u.pos }
func (t *TableRef) Pos() int    { return t.pos }
func (s *SubqueryRef) Pos() int { return s.pos }
func (u *UnnestJoin) Pos() int  { return u.pos }

func (*Ident) prec() int       { return precPrimary }
func (*Deref) prec() int       { return precPostfix }
func (*Subscript) prec() int   { return precPostfix }
func (*StringLit) prec() int   { return precPrimary }
func (*NumberLit) prec() int   { return precPrimary }
func (*BoolLit) prec() int     { return precPrimary }
func (*NullLit) prec() int     { return precPrimary }
func (*TypedLit) prec() int    { return precPrimary }
func (*IntervalLit) prec() int { return precPrimary }
func (*Unary) prec() int       { return precUnary }
func (*Not) prec() int         { return precNot }
func (*Between) prec() int     { return precCompare }
func (*In) prec() int          { return precCompare }
func (*Like) prec() int        { return precCompare }
func (*IsNull) prec() int      { return precCompare }
func (*Case) prec() int        { return precPrimary }
func (*Cast) prec() int        { return precPrimary }
func (*Call) prec() int        { return precPrimary }
func (*Lambda) prec() int      { return 0 } // only ever a whole call argument

func (e *Binary) prec() int { return binaryPrec(e.Op) }

func binaryPrec(op string) int {
	switch op {
	case "OR":
		return precOr
	case "AND":
		return precAnd
	case "=", "<>", "<", "<=", ">", ">=", "IS DISTINCT FROM", "IS NOT DISTINCT FROM":
		return precCompare
	case "||":
		return precConcat
	case "+", "-":
		return precAdd
	case "*", "/", "%":
		return precMul
	}
	panic("BUG: unknown binary operator " + op)
}

// reserved are the words that cannot be bare identifiers or aliases: Trino's
// reserved words plus LIMIT, OFFSET and FETCH, which would make `FROM t
// LIMIT 1` ambiguous for a hand-written parser.
var reserved = map[string]bool{
	"alter": true, "and": true, "as": true, "between": true, "by": true, "case": true, "cast": true,
	"constraint": true, "create": true, "cross": true, "cube": true, "current_date": true,
	"current_time": true, "current_timestamp": true, "current_user": true, "deallocate": true,
	"delete": true, "describe": true, "distinct": true, "drop": true, "else": true, "end": true,
	"escape": true, "except": true, "execute": true, "exists": true, "extract": true, "false": true,
	"for": true, "from": true, "full": true, "group": true, "grouping": true, "having": true,
	"in": true, "inner": true, "insert": true, "intersect": true, "into": true, "is": true,
	"join": true, "left": true, "like": true, "listagg": true, "localtime": true,
	"localtimestamp": true, "natural": true, "normalize": true, "not": true, "null": true,
	"on": true, "or": true, "order": true, "outer": true, "prepare": true, "recursive": true,
	"right": true, "rollup": true, "select": true, "skip": true, "table": true, "then": true,
	"true": true, "uescape": true, "union": true, "unnest": true, "using": true, "values": true,
	"when": true, "where": true, "with": true, "limit": true, "offset": true, "fetch": true, "try_cast": true,
}

// quoteIdent prints an identifier part bare when it can be, else quoted.
func quoteIdent(s string) string {
	bare := s != "" && (s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z'))
	for i := 1; bare && i < len(s); i++ {
		c := s[i]
		bare = c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
	}
	if bare && !reserved[s] { // the map last: most names print bare
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// sub prints x, in parentheses when it binds weaker than min.
func sub(x Expr, min int) string {
	if x.prec() < min {
		return "(" + x.String() + ")"
	}
	return x.String()
}

func (e *Ident) String() string {
	if len(e.Parts) == 1 {
		return quoteIdent(e.Parts[0])
	}
	parts := make([]string, len(e.Parts))
	for i, p := range e.Parts {
		parts[i] = quoteIdent(p)
	}
	return strings.Join(parts, ".")
}

func (e *Deref) String() string {
	// Only postfix forms print bare before '.'; anything else (a name, a
	// number) prints in parentheses so it is not re-read as a longer
	// dotted name or a decimal point.
	switch x := e.X.(type) {
	case *Subscript, *Deref:
		return x.String() + "." + quoteIdent(e.Field)
	case *Call:
		if !x.NoParens {
			return x.String() + "." + quoteIdent(e.Field)
		}
	}
	return "(" + e.X.String() + ")." + quoteIdent(e.Field)
}

func (e *Subscript) String() string {
	return sub(e.X, precPostfix) + "[" + e.Index.String() + "]"
}

func (e *StringLit) String() string { return quoteString(e.Val) }
func (e *NumberLit) String() string { return e.Text }

func (e *BoolLit) String() string {
	if e.Val {
		return "TRUE"
	}
	return "FALSE"
}

func (e *NullLit) String() string  { return "NULL" }
func (e *TypedLit) String() string { return strings.ToUpper(e.Type) + " " + quoteString(e.Val) }

func (e *IntervalLit) String() string {
	return "INTERVAL " + quoteString(e.Val) + " " + strings.ToUpper(e.Unit)
}

func (e *Unary) String() string {
	s := sub(e.X, precUnary)
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		s = "(" + s + ")"
	}
	return e.Op + s
}

func (e *Binary) String() string {
	p := e.prec()
	rmin := p + 1 // left associative
	lmin := p
	if p == precCompare {
		lmin = p + 1 // comparisons do not chain
	}
	return sub(e.L, lmin) + " " + e.Op + " " + sub(e.R, rmin)
}

func (e *Not) String() string { return "NOT " + sub(e.X, precNot) }

func not(b bool) string {
	if b {
		return " NOT"
	}
	return ""
}

func (e *Between) String() string {
	return sub(e.X, precConcat) + not(e.Not) + " BETWEEN " + sub(e.Lo, precConcat) + " AND " + sub(e.Hi, precConcat)
}

func (e *In) String() string {
	parts := make([]string, len(e.List))
	for i, x := range e.List {
		parts[i] = x.String()
	}
	return sub(e.X, precConcat) + not(e.Not) + " IN (" + strings.Join(parts, ", ") + ")"
}

func (e *Like) String() string {
	s := sub(e.X, precConcat) + not(e.Not) + " LIKE " + sub(e.Pattern, precConcat)
	if e.Escape != nil {
		s += " ESCAPE " + sub(e.Escape, precConcat)
	}
	return s
}

func (e *IsNull) String() string {
	return sub(e.X, precConcat) + " IS" + not(e.Not) + " NULL"
}

func (e *Case) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	if e.Operand != nil {
		b.WriteString(" " + e.Operand.String())
	}
	for _, w := range e.Whens {
		b.WriteString(" WHEN " + w.Cond.String() + " THEN " + w.Result.String())
	}
	if e.Else != nil {
		b.WriteString(" ELSE " + e.Else.String())
	}
	b.WriteString(" END")
	return b.String()
}

func (e *Cast) String() string {
	name := "CAST"
	if e.Try {
		name = "TRY_CAST"
	}
	return name + "(" + e.X.String() + " AS " + e.Type.String() + ")"
}

func (t TypeName) String() string {
	if len(t.Args) == 0 {
		return t.Name
	}
	parts := make([]string, len(t.Args))
	for i, a := range t.Args {
		parts[i] = a.String()
	}
	return t.Name + "(" + strings.Join(parts, ", ") + ")"
}

func (e *Call) String() string {
	if e.NoParens {
		return e.Name
	}
	if e.Name == arrayCtor {
		return arrayCtorString(e)
	}
	var b strings.Builder
	b.WriteString(quoteFunc(e.Name))
	b.WriteByte('(')
	if e.Star {
		b.WriteByte('*')
	}
	if e.Distinct {
		b.WriteString("DISTINCT ")
	}
	for i, a := range e.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.String())
	}
	if len(e.OrderBy) > 0 {
		b.WriteString(" ORDER BY " + strings.Join(orderTexts(e.OrderBy), ", "))
	}
	b.WriteByte(')')
	if e.Filter != nil {
		b.WriteString(" FILTER (WHERE " + e.Filter.String() + ")")
	}
	if e.IgnoreNulls {
		b.WriteString(" IGNORE NULLS")
	}
	if e.Over != nil {
		b.WriteString(" OVER (" + e.Over.String() + ")")
	}
	return b.String()
}

// String prints the inside of OVER (...).
func (w *Window) String() string {
	var parts []string
	if len(w.PartitionBy) > 0 {
		ps := make([]string, len(w.PartitionBy))
		for i, p := range w.PartitionBy {
			ps[i] = p.String()
		}
		parts = append(parts, "PARTITION BY "+strings.Join(ps, ", "))
	}
	if len(w.OrderBy) > 0 {
		parts = append(parts, "ORDER BY "+strings.Join(orderTexts(w.OrderBy), ", "))
	}
	if w.Frame != nil {
		parts = append(parts, w.Frame.String())
	}
	return strings.Join(parts, " ")
}

func (f *Frame) String() string {
	mode := "ROWS"
	if f.Range {
		mode = "RANGE"
	}
	return mode + " BETWEEN " + f.Start.String() + " AND " + f.End.String()
}

func (b FrameBound) String() string {
	switch b.Kind {
	case boundUnboundedPreceding:
		return "UNBOUNDED PRECEDING"
	case boundPreceding:
		return sub(b.Offset, precAdd) + " PRECEDING"
	case boundCurrentRow:
		return "CURRENT ROW"
	case boundFollowing:
		return sub(b.Offset, precAdd) + " FOLLOWING"
	}
	return "UNBOUNDED FOLLOWING"
}

func (e *Lambda) String() string {
	if len(e.Params) == 1 {
		return quoteIdent(e.Params[0]) + " -> " + e.Body.String()
	}
	ps := make([]string, len(e.Params))
	for i, p := range e.Params {
		ps[i] = quoteIdent(p)
	}
	return "(" + strings.Join(ps, ", ") + ") -> " + e.Body.String()
}

// quoteFunc prints a function name; reserved words that are also functions
// (e.g. "left") are quoted like identifiers.
func quoteFunc(name string) string { return quoteIdent(name) }

func (q *Statement) String() string {
	var b strings.Builder
	if t := q.Target; t != nil {
		b.WriteString(t.String())
	}
	if len(q.With) > 0 {
		b.WriteString("WITH ")
		for i, c := range q.With {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteIdent(c.Name) + colAliases(c.Cols) + " AS (" + c.Query.String() + ")")
		}
		b.WriteByte(' ')
	}
	b.WriteString(setString(q.Body))
	if len(q.OrderBy) > 0 {
		b.WriteString(" ORDER BY ")
		for i, o := range q.OrderBy {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(o.String())
		}
	}
	if q.Offset > 0 {
		b.WriteString(" OFFSET ")
		b.WriteString(itoa(q.Offset))
	}
	if q.Limit >= 0 {
		b.WriteString(" LIMIT ")
		b.WriteString(itoa(q.Limit))
	}
	if q.Target != nil && q.Target.NoData {
		b.WriteString(" WITH NO DATA")
	}
	return b.String()
}

// String prints the statement head up to and including the space before
// the query: "CREATE TABLE t WITH (format = 'PARQUET') AS ".
func (t *Target) String() string {
	name := (&Ident{Parts: t.Name}).String()
	if t.Insert {
		s := "INSERT INTO " + name
		if len(t.Cols) > 0 {
			cols := make([]string, len(t.Cols))
			for i, c := range t.Cols {
				cols[i] = quoteIdent(c)
			}
			s += " (" + strings.Join(cols, ", ") + ")"
		}
		return s + " "
	}
	s := "CREATE TABLE " + name
	if len(t.Props) > 0 {
		props := make([]string, len(t.Props))
		for i, p := range t.Props {
			props[i] = quoteIdent(p.Name) + " = " + p.Value.String()
		}
		s += " WITH (" + strings.Join(props, ", ") + ")"
	}
	return s + " AS "
}

// setString prints a set-expression operand; a nested Query prints in
// parentheses.
func setString(s SetExpr) string {
	if q, ok := s.(*Statement); ok {
		return "(" + q.String() + ")"
	}
	return s.String()
}

func (u *Union) String() string {
	r := setString(u.Right)
	if _, ok := u.Right.(*Union); ok {
		r = "(" + r + ")"
	}
	l := setString(u.Left)
	if lu, ok := u.Left.(*Union); ok && u.Op == "INTERSECT" && lu.Op != "INTERSECT" {
		l = "(" + l + ")" // INTERSECT binds tighter than UNION and EXCEPT
	}
	op := u.Op
	if op == "" {
		op = "UNION ALL"
	}
	return l + " " + op + " " + r
}

func (o *OrderItem) String() string {
	s := o.Expr.String()
	if o.Desc {
		s += " DESC"
	}
	if o.hasNulls {
		if o.NullsFirst {
			s += " NULLS FIRST"
		} else {
			s += " NULLS LAST"
		}
	}
	return s
}

func (s *Select) String() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	if s.Distinct {
		b.WriteString("DISTINCT ")
	}
	for i, it := range s.Items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(it.String())
	}
	if s.From != nil {
		b.WriteString(" FROM " + s.From.String())
	}
	if s.Where != nil {
		b.WriteString(" WHERE " + s.Where.String())
	}
	if len(s.GroupBy) > 0 {
		b.WriteString(" GROUP BY ")
		for i, g := range s.GroupBy {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(g.String())
		}
	}
	if s.Having != nil {
		b.WriteString(" HAVING " + s.Having.String())
	}
	return b.String()
}

func (it *SelectItem) String() string {
	if it.Star {
		if it.Rel != "" {
			return quoteIdent(it.Rel) + ".*"
		}
		return "*"
	}
	if it.Alias != "" {
		return it.Expr.String() + " AS " + quoteIdent(it.Alias)
	}
	return it.Expr.String()
}

func (t *TableRef) String() string {
	if t.Alias != "" {
		return quoteIdent(t.Name) + " AS " + quoteIdent(t.Alias)
	}
	return quoteIdent(t.Name)
}

func (s *SubqueryRef) String() string {
	if s.Alias != "" {
		return "(" + s.Query.String() + ") AS " + quoteIdent(s.Alias) + colAliases(s.Cols)
	}
	return "(" + s.Query.String() + ")"
}

// colAliases prints column aliases as "(a, b)", or "" for none.
func colAliases(cols []string) string {
	if len(cols) == 0 {
		return ""
	}
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quoteIdent(c)
	}
	return "(" + strings.Join(q, ", ") + ")"
}

func (v *Values) Pos() int { return v.pos }

func (v *Values) String() string {
	var b strings.Builder
	b.WriteString("VALUES ")
	for i, row := range v.Rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j, e := range row {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(e.String())
		}
		b.WriteByte(')')
	}
	return b.String()
}

func (u *UnnestJoin) String() string {
	s := "UNNEST(" + u.Expr.String() + ")"
	if u.Left != nil {
		s = u.Left.String() + " CROSS JOIN " + s
	}
	if u.Ordinality {
		s += " WITH ORDINALITY"
	}
	if u.Alias != "" {
		s += " AS " + quoteIdent(u.Alias)
		if len(u.Cols) > 0 {
			cols := make([]string, len(u.Cols))
			for i, c := range u.Cols {
				cols[i] = quoteIdent(c)
			}
			s += "(" + strings.Join(cols, ", ") + ")"
		}
	}
	return s
}

func (j *Join) String() string {
	r := j.Right.String()
	if _, ok := j.Right.(*Join); ok {
		r = "(" + r + ")"
	}
	if j.Kind == "," {
		return j.Left.String() + ", " + r
	}
	s := j.Left.String() + " " + j.Kind + " " + r
	if j.On != nil {
		s += " ON " + j.On.String()
	}
	if len(j.Using) > 0 {
		cols := make([]string, len(j.Using))
		for i, c := range j.Using {
			cols[i] = quoteIdent(c)
		}
		s += " USING (" + strings.Join(cols, ", ") + ")"
	}
	return s
}

func (e *InSubquery) String() string {
	return sub(e.X, precConcat) + not(e.Not) + " IN (" + e.Query.String() + ")"
}

func (e *Exists) String() string         { return "EXISTS (" + e.Query.String() + ")" }
func (e *ScalarSubquery) String() string { return "(" + e.Query.String() + ")" }

func itoa(v int64) string {
	var buf [20]byte
	i := len(buf)
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	for {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}
