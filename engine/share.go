package engine

import (
	"errors"
	"slices"
	"strconv"
)

// Queries that differ only in the WHERE and HAVING of their top-level
// SELECT (a rule pack's copies of one hunt with other thresholds:
// `HAVING count(*) > 100` for one team, `> 500` for another) read the
// same rows. [Share] compiles them into one query that reads, filters
// and computes once what they have in common, and [Shared.Member] cuts
// each member's answer out of the shared one. Three forms:
//
//   - Same WHERE, other HAVING: the members group and aggregate the same
//     rows the same way, so the shared query's select list is the
//     members' own followed by each member's HAVING as a boolean column
//     (a flag), and its HAVING is the flags joined by OR. A member's
//     answer is the rows whose flag is TRUE, without the flag columns: a
//     group keeps the values it has in each member, since HAVING only
//     drops groups.
//   - A query without grouping, other WHERE: each result row comes from
//     one input row, so the same holds with each member's own WHERE
//     conjuncts as its flag and the shared WHERE keeping the conjuncts
//     all members have AND the members' own ones joined by OR.
//   - A grouped query, other WHERE (the thresholds of ssm_parameters_
//     bulk_decrypt sit in the WHERE over a grouping subquery): the rows
//     that reach the grouping differ per member, so each member gets its
//     own block of the select list, each aggregate in it filtered by the
//     member's own conjuncts (`sum(reads) FILTER (WHERE reads > 1)`), and
//     its flag says the group had a row of the member
//     (`count(*) FILTER (WHERE reads > 1) > 0`) and passes its HAVING,
//     aggregates filtered alike. The FROM (the subquery and its grouping,
//     the costly part) is computed once for all members.

// ShareKey returns the text shared by the queries [Share] can merge with
// q: q's canonical SQL without the HAVING of its top-level SELECT, and
// with the numbers of its WHERE masked (a grouped query with ORDER BY
// keeps its WHERE as it is: its members' select lists must be one). It is "" when q cannot be shared: a LIMIT
// (which rows come first depends on the conditions), SELECT DISTINCT
// (the flags would split rows DISTINCT merges), window functions (they
// see the rows the conditions keep), a set operation at the top, or
// CREATE TABLE/INSERT. Queries with the same key compiled with the same
// [Options] (Source aside) can be shared. Its first call does not run
// concurrently with other methods of q (it masks the WHERE's numbers
// while it prints); later calls return the key it kept.
func (q *Query) ShareKey() string {
	if !q.shareKeyDone {
		q.shareKey, q.shareKeyDone = q.shareKeyOf(), true
	}
	return q.shareKey
}

// shareKeyOf computes [Query.ShareKey].
func (q *Query) shareKeyOf() string {
	st := q.stmt
	sel, ok := st.Body.(*Select)
	if !ok || st.Target != nil || q.limits || st.Limit >= 0 || st.Offset > 0 || sel.Distinct {
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
	if sel.Where != nil && (!isGrouped(sel) || len(st.OrderBy) == 0) {
		// Copies of a hunt with other thresholds: the WHERE's shape, its
		// numbers masked while the key is printed (and put back: q's tree
		// stays as it was). Other WHERE clauses (a Sigma pack's rules over
		// one select list) stay apart, each with its own gate.
		var nums []*NumberLit
		var texts []string
		walkExpr(sel.Where, func(e Expr) {
			if n, ok := e.(*NumberLit); ok {
				nums = append(nums, n)
				texts = append(texts, n.Text)
				n.Text = "0"
			}
		})
		defer func() {
			for i, n := range nums {
				n.Text = texts[i]
			}
		}()
	}
	t := *st
	t.Body = &s
	return t.String()
}

// isGrouped reports whether sel groups rows: GROUP BY, HAVING or an
// aggregate in its select list.
func isGrouped(sel *Select) bool {
	if len(sel.GroupBy) > 0 || sel.Having != nil {
		return true
	}
	for _, it := range sel.Items {
		if it.Expr != nil && hasAgg(it.Expr) {
			return true
		}
	}
	return false
}

// Shared is the one query that runs several queries differing only in
// their top-level WHERE and HAVING (see [Share]).
type Shared struct {
	q       *Query
	flags   []int // each member's flag column in q's result; -1: it keeps every row
	offs    []int // each member's first column in q's result
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
	// Fresh ASTs from the canonical text, where Share changes them: the
	// members' trees stay theirs.
	parse := func(m *Query) (*Select, error) {
		st, err := ParseSource(m.opts.Source, m.String())
		if err != nil {
			return nil, err
		}
		return st.Body.(*Select), nil
	}
	lead, err := ParseSource(members[0].opts.Source, members[0].String())
	if err != nil {
		return nil, err
	}
	sel := lead.Body.(*Select)
	width := len(members[0].columns)
	s := &Shared{flags: make([]int, len(members)), offs: make([]int, len(members)), width: width, columns: slices.Clone(members[0].columns)}
	for _, t := range members[0].types {
		s.types = append(s.types, t.name)
	}
	// The members' own trees are only read (their conditions are printed
	// into the shared query's text), unless filterBlocks adds FILTER
	// clauses to their aggregates: then it gets fresh ones. Parsing every
	// member's text again was a fifth of the setup of a run of 500 hunts.
	sels := make([]*Select, len(members))
	for i, m := range members {
		if m.ShareKey() != key {
			return nil, errors.New("engine: queries differ in more than WHERE and HAVING: " + members[0].String() + " and " + m.String())
		}
		sels[i] = m.stmt.Body.(*Select)
	}
	w := splitWheres(sels)
	grouped := isGrouped(sel)
	if !w.sameWhere && grouped {
		for i, m := range members {
			if sels[i], err = parse(m); err != nil {
				return nil, err
			}
		}
		w = splitWheres(sels)
	}
	common, own, ownText, sameWhere := w.common, w.own, w.ownText, w.sameWhere
	var nflags int
	switch {
	case sameWhere:
		nflags = s.flagsOn(sel, func(i int) Expr { return sels[i].Having }, func(e Expr) { sel.Having = e })
	case !grouped:
		sel.Where = andExprs(common)
		nflags = s.flagsOn(sel, func(i int) Expr { return own[i] }, func(e Expr) { sel.Where = andExprs(append(common, e)) })
	default:
		if nflags, err = s.filterBlocks(sel, sels, own, ownText, common); err != nil {
			return nil, err
		}
	}
	opts := members[0].opts
	q, err := Compile(lead.String(), opts)
	if err != nil {
		return nil, err
	}
	blocks := 1
	for _, o := range s.offs {
		blocks = max(blocks, o/width+1)
	}
	if len(q.columns) != blocks*width+nflags || !slices.Equal(q.columns[:width], s.columns) && blocks == 1 {
		return nil, errors.New("engine: the shared query's columns differ from its members': " + lead.String())
	}
	for b := range blocks {
		for k, t := range q.types[b*width : (b+1)*width] {
			if t.name != s.types[k] {
				return nil, errors.New("engine: the shared query's types differ from its members': " + lead.String())
			}
		}
	}
	for _, k := range s.flags {
		if k >= 0 && q.types[k].k != kBool {
			return nil, errors.New("engine: a shared condition is not boolean: " + lead.String())
		}
	}
	s.q = q
	return s, nil
}

// wheres is the WHERE of each member of a share, split: the conjuncts
// every member has (common), and each member's own joined by AND (own,
// nil when it has none; ownText its text). sameWhere: all members have
// the same own conjuncts.
type wheres struct {
	common    []Expr
	own       []Expr
	ownText   []string
	sameWhere bool
}

// splitWheres splits the WHERE of sels (see wheres).
func splitWheres(sels []*Select) wheres {
	texts := make([][]string, len(sels))
	for i, m := range sels {
		for _, cj := range conjuncts(m.Where) {
			texts[i] = append(texts[i], cj.String())
		}
	}
	var w wheres
	for k, cj := range conjuncts(sels[0].Where) {
		if !slices.ContainsFunc(texts, func(ts []string) bool { return !slices.Contains(ts, texts[0][k]) }) {
			w.common = append(w.common, cj)
		}
	}
	w.own = make([]Expr, len(sels))
	w.ownText = make([]string, len(sels))
	w.sameWhere = true
	for i, m := range sels {
		var cjs []Expr
		for _, cj := range conjuncts(m.Where) {
			if !slices.ContainsFunc(w.common, func(c Expr) bool { return c.String() == cj.String() }) {
				cjs = append(cjs, cj)
			}
		}
		w.own[i] = andExprs(cjs)
		if w.own[i] != nil {
			w.ownText[i] = w.own[i].String()
		}
		w.sameWhere = w.sameWhere && w.ownText[i] == w.ownText[0]
	}
	return w
}

// flagsOn makes each member's condition cond(i) a flag column of sel
// (one per distinct condition) and sets the shared condition with set:
// the flags joined by OR, or nil when some member has none. When all
// members have the same condition it stays as it is, without flags. It
// returns the number of flag columns.
func (s *Shared) flagsOn(sel *Select, cond func(i int) Expr, set func(Expr)) int {
	same := true
	for i := range s.flags {
		same = same && exprText(cond(i)) == exprText(cond(0))
	}
	if same {
		for i := range s.flags {
			s.flags[i] = -1
		}
		set(cond(0))
		return 0
	}
	var any Expr
	all := false // some member keeps every row
	slot := map[string]int{}
	for i := range s.flags {
		e := cond(i)
		if e == nil {
			s.flags[i] = -1
			all = true
			continue
		}
		text := e.String()
		if k, ok := slot[text]; ok {
			s.flags[i] = k
			continue
		}
		k := s.width + len(slot)
		slot[text] = k
		s.flags[i] = k
		sel.Items = append(sel.Items, &SelectItem{Expr: e, Alias: "$having" + strconv.Itoa(len(slot)), pos: e.Pos()})
		any = orExpr(any, e)
	}
	if all {
		any = nil
	}
	set(any)
	return len(slot)
}

// filterBlocks writes the select list of a grouped query whose members
// have WHERE conjuncts of their own (own; common are those all have):
// one block of the members' select list per distinct own conjuncts, each
// aggregate filtered by them, then one flag per distinct pair of own
// conjuncts and HAVING. The shared WHERE keeps the common conjuncts and
// the own ones joined by OR; the shared HAVING the flags joined by OR.
func (s *Shared) filterBlocks(sel *Select, sels []*Select, own []Expr, ownText []string, common []Expr) (int, error) {
	for _, it := range sel.Items {
		if it.Star {
			return 0, errors.New("engine: a grouped query with * cannot be shared")
		}
	}
	grouped := len(sel.GroupBy) > 0
	block := map[string]int{} // own conjuncts' text → block
	slot := map[string]int{}  // own conjuncts' and HAVING's text → flag column
	var items, flags []*SelectItem
	var where, having Expr
	everyRow, everyGroup := false, false
	for i, m := range sels {
		b, ok := block[ownText[i]]
		if !ok {
			b = len(block)
			block[ownText[i]] = b
			for k, it := range m.Items {
				filterAggs(it.Expr, own[i])
				items = append(items, &SelectItem{Expr: it.Expr, Alias: "$m" + strconv.Itoa(b) + "_" + strconv.Itoa(k), pos: it.pos})
			}
			if own[i] == nil {
				everyRow = true
			} else {
				where = orExpr(where, own[i])
			}
		}
		s.offs[i] = b * s.width
		// The member's groups: those with a row of its own (a query
		// without GROUP BY has its one group whatever the rows), which
		// its HAVING keeps.
		var flag Expr
		if grouped && own[i] != nil {
			flag = &Binary{Op: ">", L: &Call{Name: "count", Star: true, Filter: own[i]}, R: &NumberLit{Text: "0"}}
		}
		if h := m.Having; h != nil {
			filterAggs(h, own[i])
			flag = andExpr(flag, h)
		}
		if flag == nil {
			s.flags[i] = -1
			everyGroup = true
			continue
		}
		text := ownText[i] + "\x00" + exprText(m.Having)
		if k, ok := slot[text]; ok {
			s.flags[i] = k
			continue
		}
		slot[text] = len(flags)
		s.flags[i] = len(flags)
		flags = append(flags, &SelectItem{Expr: flag, Alias: "$having" + strconv.Itoa(len(flags)+1), pos: flag.Pos()})
		having = orExpr(having, flag)
	}
	for i := range s.flags {
		if s.flags[i] >= 0 {
			s.flags[i] += len(items)
		}
	}
	sel.Items = append(items, flags...)
	if everyRow {
		where = nil
	}
	sel.Where = andExprs(append(common, where))
	if everyGroup {
		having = nil
	}
	sel.Having = having
	return len(flags), nil
}

// filterAggs adds cond to the FILTER of every aggregate call in e (not
// window calls); nil cond leaves them as they are.
func filterAggs(e, cond Expr) {
	if cond == nil {
		return
	}
	walkExpr(e, func(x Expr) {
		if c, ok := x.(*Call); ok && c.Over == nil && (aggregates[c.Name] || athenaAggregates[c.Name]) {
			c.Filter = andExpr(c.Filter, cond)
		}
	})
}

// conjuncts returns the conjuncts of e; none for nil.
func conjuncts(e Expr) []Expr {
	if e == nil {
		return nil
	}
	return splitAnd(e)
}

// andExprs joins es by AND, skipping nil ones; nil when none is left.
func andExprs(es []Expr) Expr {
	var out Expr
	for _, e := range es {
		out = andExpr(out, e)
	}
	return out
}

func andExpr(a, b Expr) Expr {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return &Binary{Op: "AND", L: a, R: b}
}

func orExpr(a, b Expr) Expr {
	if a == nil {
		return b
	}
	return &Binary{Op: "OR", L: a, R: b}
}

// exprText is e's SQL, "" for nil.
func exprText(e Expr) string {
	if e == nil {
		return ""
	}
	return e.String()
}

// Query returns the shared query: push the rows to it, once for all
// members.
func (s *Shared) Query() *Query { return s.q }

// Members returns the number of queries shared.
func (s *Shared) Members() int { return len(s.flags) }

// Member returns member i's answer within res, a result (or streamed
// chunk) of the shared query: the rows its conditions keep, in res's
// order, with its own columns.
func (s *Shared) Member(res *Result, i int) *Result {
	out := &Result{Columns: slices.Clone(s.columns), Types: slices.Clone(s.types)}
	src := res
	if off := s.offs[i]; off > 0 {
		src = &Result{cols: res.cols[off : off+s.width], views: res.views}
	}
	k := s.flags[i]
	if k < 0 {
		out.cols, out.views = src.cols[:s.width:s.width], src.views
		return out
	}
	out.cols = make([]*column, s.width)
	for c := range out.cols {
		out.cols[c] = newColumn(src.cols[c].t)
	}
	flag := res.cols[k]
	for row := range res.Len() {
		if !flag.null[row] && flag.b[row] {
			out.AppendRow(src, row)
		}
	}
	return out
}
