package engine

import (
	"errors"
	"slices"
	"strconv"
)

// Queries that differ only in the HAVING of their top-level SELECT (a
// rule pack's copies of one hunt with other thresholds: `HAVING count(*)
// > 100` for one team, `> 500` for another) read, filter, group and
// aggregate the same rows the same way. [Share] compiles them into one
// query that does that work once: its select list is the members' own
// followed by each member's HAVING as a boolean column, and its HAVING is
// the members' conditions joined by OR. [Shared.Member] then cuts each
// member's answer out of the shared one: the rows whose flag is TRUE,
// without the flag columns. A group of rows keeps the values it would
// have had in each member, since the members aggregate the same rows and
// HAVING only drops groups.

// ShareKey returns the text shared by the queries [Share] can merge with
// q: q's canonical SQL without the HAVING of its top-level SELECT. It is
// "" when q cannot be shared: a LIMIT (which rows come first depends on
// the HAVING), SELECT DISTINCT (the flags would split rows DISTINCT
// merges), window functions (they see the rows HAVING keeps), a set
// operation at the top, or CREATE TABLE/INSERT. Queries with the same key
// compiled with the same [Options] (Source aside) can be shared.
func (q *Query) ShareKey() string {
	st := q.stmt
	sel, ok := st.Body.(*Select)
	if !ok || st.Target != nil || q.limits || st.Limit >= 0 || sel.Distinct {
		return ""
	}
	windows := false
	find := func(e Expr) {
		if c, ok := e.(*Call); ok && c.Over != nil {
			windows = true
		}
	}
	for _, it := range sel.Items {
		walkExpr(it.Expr, find)
	}
	for _, o := range st.OrderBy {
		walkExpr(o.Expr, find)
	}
	if windows {
		return ""
	}
	s := *sel
	s.Having = nil
	t := *st
	t.Body = &s
	return t.String()
}

// Shared is the one query that runs several queries differing only in
// HAVING (see [Share]).
type Shared struct {
	q       *Query
	flags   []int // each member's flag column in q's result; -1: it keeps every row
	width   int   // the members' own columns
	columns []string
	types   []string
}

// Share compiles members (at least one; all with the same [Query.ShareKey]
// and compiled with the same Options) into one query. Its errors name the
// first member's source.
func Share(members []*Query) (*Shared, error) {
	if len(members) == 0 {
		return nil, errors.New("engine: Share needs at least one query")
	}
	key := members[0].ShareKey()
	if key == "" {
		return nil, errors.New("engine: the query cannot be shared: " + members[0].String())
	}
	// Fresh ASTs from the canonical text: the members' trees stay theirs.
	lead, err := ParseSource(members[0].opts.Source, members[0].String())
	if err != nil {
		return nil, err
	}
	sel := lead.Body.(*Select)
	width := len(members[0].columns)
	s := &Shared{flags: make([]int, len(members)), width: width, columns: slices.Clone(members[0].columns)}
	for _, t := range members[0].types {
		s.types = append(s.types, t.name)
	}
	var having Expr
	all := false // some member keeps every group
	slot := map[string]int{}
	for i, m := range members {
		if m.ShareKey() != key {
			return nil, errors.New("engine: queries differ in more than HAVING: " + members[0].String() + " and " + m.String())
		}
		h := m.stmt.Body.(*Select).Having
		if h == nil {
			s.flags[i] = -1
			all = true
			continue
		}
		text := h.String()
		if k, ok := slot[text]; ok {
			s.flags[i] = k
			continue
		}
		st, err := ParseSource(m.opts.Source, m.String())
		if err != nil {
			return nil, err
		}
		e := st.Body.(*Select).Having
		k := width + len(slot)
		slot[text] = k
		s.flags[i] = k
		sel.Items = append(sel.Items, &SelectItem{Expr: e, Alias: "$having" + strconv.Itoa(len(slot)), pos: e.Pos()})
		if having == nil {
			having = e
		} else {
			having = &Binary{Op: "OR", L: having, R: e}
		}
	}
	sel.Having = having
	if all {
		sel.Having = nil
	}
	opts := members[0].opts
	q, err := Compile(lead.String(), opts)
	if err != nil {
		return nil, err
	}
	if len(q.columns) != width+len(slot) || !slices.Equal(q.columns[:width], s.columns) {
		return nil, errors.New("engine: the shared query's columns differ from its members': " + lead.String())
	}
	for k, t := range q.types[:width] {
		if t.name != s.types[k] {
			return nil, errors.New("engine: the shared query's types differ from its members': " + lead.String())
		}
	}
	for _, k := range s.flags {
		if k >= 0 && q.types[k].k != kBool {
			return nil, errors.New("engine: a shared HAVING is not boolean: " + lead.String())
		}
	}
	s.q = q
	return s, nil
}

// Query returns the shared query: push the rows to it, once for all
// members.
func (s *Shared) Query() *Query { return s.q }

// Members returns the number of queries shared.
func (s *Shared) Members() int { return len(s.flags) }

// Member returns member i's answer within res, a result (or streamed
// chunk) of the shared query: the rows its HAVING keeps, in res's order,
// with its own columns.
func (s *Shared) Member(res *Result, i int) *Result {
	out := &Result{Columns: slices.Clone(s.columns), Types: slices.Clone(s.types)}
	k := s.flags[i]
	if k < 0 {
		out.cols, out.views = res.cols[:s.width:s.width], res.views
		return out
	}
	out.cols = make([]*column, s.width)
	for c := range out.cols {
		out.cols[c] = newColumn(res.cols[c].t)
	}
	flag := res.cols[k]
	for row := range res.Len() {
		if !flag.null[row] && flag.b[row] {
			out.AppendRow(res, row)
		}
	}
	return out
}
