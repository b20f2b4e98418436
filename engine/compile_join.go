package engine

import (
	"slices"
	"strings"
)

// Compiling joins and subqueries in expressions (see op_join.go for how
// they run).
//
// Each input of a join is compiled in its own scope and layout. Its
// relations then join the enclosing scope with a slotMap: when a later
// expression reads one of their columns, the map gives the column a slot
// of the join's output and tells the join to copy it there, so a join
// buffers only the columns the query reads.

// slotMap routes the slots of one join input to the join's output.
type slotMap struct {
	j    *opJoin
	side int
	m    map[int]int // input slot → output slot
}

// get returns the output slot of input slot in (of type t), adding it
// to the columns the join copies on first use.
func (m *slotMap) get(in int, t *dtype) int {
	if out, ok := m.m[in]; ok {
		return out
	}
	out := m.j.out.alloc()
	m.m[in] = out
	sd := &m.j.sides[m.side]
	sd.copies = append(sd.copies, slotCopy{in: in, out: out, t: t})
	return out
}

// mapSlot returns the slot that slot of r's own layout has after r's
// joins.
func (r *relation) mapSlot(slot int, t *dtype) int {
	for _, m := range r.maps {
		slot = m.get(slot, t)
	}
	return slot
}

// joinKinds maps Join.Kind to the operator's kind.
var joinKinds = map[string]joinKind{
	"JOIN": joinInner, ",": joinInner, "CROSS JOIN": joinInner,
	"LEFT JOIN": joinLeft, "RIGHT JOIN": joinRight, "FULL JOIN": joinFull,
}

// newPool returns the memory pool joins and aggregates count against.
func (c *compiler) newPool() *MemoryPool {
	if c.opts.MaxGroups < 0 {
		return NewMemoryPool(-1)
	}
	if c.opts.MemoryPool != nil {
		return c.opts.MemoryPool
	}
	return NewMemoryPool(c.opts.AggregateMemory)
}

// compileJoin compiles `left JOIN right` into sc. Conjuncts of ON that
// equate an expression of the left input with one of the right are the
// hash keys (coerced to a common type, as `=` does); the others are the
// residual condition, checked on each matching pair.
func (c *compiler) compileJoin(x *Join, sc *scope) (op, error) {
	where := c.joinWhere
	c.joinWhere = nil
	if joinKinds[x.Kind] == joinInner {
		c.joinWhere = where // the left input's inner joins may use them too
	} else {
		where = nil
	}
	lsc := &scope{lay: &layout{}}
	ltail, err := c.compileFrom(x.Left, lsc)
	if err != nil {
		return nil, err
	}
	c.joinWhere = nil
	rsc := &scope{lay: &layout{}}
	rtail, err := c.compileFrom(x.Right, rsc)
	if err != nil {
		return nil, err
	}
	for _, l := range lsc.rels {
		for _, r := range rsc.rels {
			if l.name != "" && l.name == r.name {
				return nil, c.errf(x.Right.Pos(), "expected relation names that differ on the two sides of "+x.Kind+" (add an alias), found "+quoteFound(r.name)+" on both")
			}
		}
	}
	j := &opJoin{kind: joinKinds[x.Kind], out: sc.lay, pool: c.newPool()}
	j.spill.dir = c.opts.TempDir
	addKey := func(le, re Expr, pos int) error {
		lk, err := c.compileExpr(le, lsc)
		if err != nil {
			return err
		}
		rk, err := c.compileExpr(re, rsc)
		if err != nil {
			return err
		}
		lt, rt := lk.typ(), rk.typ()
		lk, rk, err = c.unify(lk, rk, pos)
		if err != nil || lk.typ().isComplex() {
			return c.errf(pos, "expected join keys of comparable scalar types, found "+lt.name+" and "+rt.name)
		}
		if lk.typ().k == kNull {
			lk, rk = c.mustCoerce(lk, tString), c.mustCoerce(rk, tString)
		}
		j.sides[0].keys = append(j.sides[0].keys, lk)
		j.sides[1].keys = append(j.sides[1].keys, rk)
		j.sides[0].texts = append(j.sides[0].texts, le.String())
		j.sides[1].texts = append(j.sides[1].texts, re.String())
		return nil
	}
	var usingRel *relation
	for _, name := range x.Using {
		id := &Ident{Parts: []string{name}, pos: x.pos}
		if err := addKey(id, id, x.pos); err != nil {
			return nil, err
		}
		k := len(j.sides[0].keys) - 1
		t := j.sides[0].keys[k].typ()
		slot := sc.lay.alloc()
		j.using = append(j.using, slotCopy{in: k, out: slot, t: t})
		if usingRel == nil {
			usingRel = &relation{what: "USING"}
		}
		usingRel.cols = append(usingRel.cols, relCol{name: name, t: t, slot: slot})
		for _, r := range append(slices2(lsc.rels), rsc.rels...) {
			if r.has(name) {
				if r.hidden == nil {
					r.hidden = map[string]bool{}
				}
				r.hidden[name] = true
			}
		}
	}
	// WHERE conjuncts equating the two inputs of an inner join (FROM a, b
	// WHERE a.x = b.y) are keys too; they stay in WHERE, where they hold.
	for _, cj := range where {
		if b, ok := cj.(*Binary); ok && b.Op == "=" {
			ls, rs := relsOf(b.L, lsc.rels, rsc.rels), relsOf(b.R, lsc.rels, rsc.rels)
			switch {
			case ls == onLeft && rs == onRight:
				if err := addKey(b.L, b.R, b.R.Pos()); err != nil {
					return nil, err
				}
			case ls == onRight && rs == onLeft:
				if err := addKey(b.R, b.L, b.R.Pos()); err != nil {
					return nil, err
				}
			}
		}
	}
	var residual []Expr
	if x.On != nil {
		for _, cj := range splitAnd(x.On) {
			if b, ok := cj.(*Binary); ok && b.Op == "=" {
				ls, rs := relsOf(b.L, lsc.rels, rsc.rels), relsOf(b.R, lsc.rels, rsc.rels)
				switch {
				case ls == onLeft && rs == onRight:
					if err := addKey(b.L, b.R, b.R.Pos()); err != nil {
						return nil, err
					}
					continue
				case ls == onRight && rs == onLeft:
					if err := addKey(b.R, b.L, b.R.Pos()); err != nil {
						return nil, err
					}
					continue
				}
			}
			residual = append(residual, cj)
		}
	}
	// An ON condition on one table of an input whose unmatched rows the
	// join drops (both of an inner join, the right of a LEFT JOIN...)
	// restricts the rows that table contributes, as WHERE does (joinPruning).
	var narrowed []*relation
	for s, rels := range [2][]*relation{lsc.rels, rsc.rels} {
		preserved := s == 0 && (j.kind == joinLeft || j.kind == joinFull) || s == 1 && (j.kind == joinRight || j.kind == joinFull)
		for _, r := range rels {
			if r.scan != nil && !r.nullable && !preserved {
				narrowed = append(narrowed, r)
			}
		}
	}
	var err2 error
	if ltail, err2 = c.pushFilter(j, 0, ltail, lsc, rsc, where, residual); err2 != nil {
		return nil, err2
	}
	if rtail, err2 = c.pushFilter(j, 1, rtail, rsc, lsc, where, residual); err2 != nil {
		return nil, err2
	}
	// From here on the inputs' columns are read through the join.
	lm := &slotMap{j: j, side: 0, m: map[int]int{}}
	rm := &slotMap{j: j, side: 1, m: map[int]int{}}
	for _, r := range lsc.rels {
		r.maps = append(r.maps, lm)
		r.nullable = r.nullable || j.kind == joinRight || j.kind == joinFull
	}
	for _, r := range rsc.rels {
		r.maps = append(r.maps, rm)
		r.nullable = r.nullable || j.kind == joinLeft || j.kind == joinFull
	}
	if usingRel != nil {
		sc.rels = append(sc.rels, usingRel)
	}
	sc.rels = append(sc.rels, lsc.rels...)
	sc.rels = append(sc.rels, rsc.rels...)
	var conds []expr
	var texts []string
	for _, cj := range residual {
		if hasSubquery(cj) {
			return nil, c.errf(cj.Pos(), "expected a join condition without subqueries, found "+quoteFound(cj.String())+"; run the query with --engine athena")
		}
		e, err := c.compileBool(cj, sc, "ON")
		if err != nil {
			return nil, err
		}
		conds = append(conds, e)
		texts = append(texts, cj.String())
	}
	j.residual = andAll(conds)
	j.resText = strings.Join(texts, " AND ")
	for _, r := range narrowed {
		for i, cj := range residual {
			if relsOf(cj, []*relation{r}, without(sc.rels, r)) == onLeft {
				c.narrow(r.scan, conds[i])
			}
		}
	}
	c.add(j)
	j.inputs = [2]*opJoinInput{{j: j, side: 0}, {j: j, side: 1}}
	ltail.setNext(j.inputs[0])
	rtail.setNext(j.inputs[1])
	return j, nil
}

// pushFilter filters input side of j (its operators end at tail, its
// relations are own, the other input's other) with the conjuncts that
// read that input only and that the join would apply to its rows anyway:
// an inner join's WHERE conjuncts, and the ON conjuncts of an input whose
// unmatched rows the join drops (both of an inner join, the right of a
// LEFT JOIN, the left of a RIGHT JOIN). A row failing them can reach no
// output row, so it is dropped before the join buffers it instead of
// after the join paired it: `FROM cloudtrail c JOIN guardduty g ON ...
// WHERE c.eventname = 'ConsoleLogin'` buffers the logins, not the
// archive. The conditions stay where they are too (they hold there). A
// conjunct that could fail (a CAST, a division) is not moved: on rows no
// pair would have reached it, it could fail a query that succeeds.
// Returns the input's new tail.
func (c *compiler) pushFilter(j *opJoin, side int, tail op, own, other *scope, where, residual []Expr) (op, error) {
	dropsUnmatched := j.kind == joinInner || side == 1 && j.kind == joinLeft || side == 0 && j.kind == joinRight
	if !dropsUnmatched {
		return tail, nil
	}
	cands := residual
	if j.kind == joinInner {
		cands = append(slices.Clone(where), residual...)
	}
	var conds []expr
	var texts []string
	for _, cj := range cands {
		if c.pushed[cj] || hasSubquery(cj) || relsOf(cj, own.rels, other.rels) != onLeft {
			continue
		}
		e, err := c.compileExpr(cj, own)
		if err != nil || e.typ().k != kBool || mayFail(e) {
			continue // compiled again where it stands, which reports any error
		}
		if c.pushed == nil {
			c.pushed = map[Expr]bool{}
		}
		c.pushed[cj] = true
		conds = append(conds, e)
		texts = append(texts, cj.String())
	}
	if len(conds) == 0 {
		return tail, nil
	}
	w := &opWhere{}
	w.conds, w.texts = orderConjuncts(conds, texts)
	c.add(w)
	tail.setNext(w)
	return w, nil
}

// whereForJoin returns the WHERE conjuncts of s when its FROM is a join.
func whereForJoin(s *Select) []Expr {
	if _, ok := s.From.(*Join); !ok || s.Where == nil {
		return nil
	}
	return splitAnd(s.Where)
}

func slices2(r []*relation) []*relation { return append([]*relation(nil), r...) }

// Which inputs an expression reads (relsOf).
const (
	onNone  = 0
	onLeft  = 1
	onRight = 2
	onBoth  = 3
	onOther = 4 // another relation, a name that does not resolve, or a node not looked into
)

// relsOf reports which of left and right e reads.
func relsOf(e Expr, left, right []*relation) int {
	all := append(slices2(left), right...)
	out := onNone
	walkNames(e, func(id *Ident) {
		r := identRel(id, all)
		switch {
		case r == nil:
			out |= onOther
		case containsRel(left, r):
			out |= onLeft
		default:
			out |= onRight
		}
	}, func() { out |= onOther })
	return out
}

func containsRel(rels []*relation, r *relation) bool {
	for _, x := range rels {
		if x == r {
			return true
		}
	}
	return false
}

// identRel returns the relation id resolves to among rels, as
// resolveIdent picks it; nil when none or ambiguous.
func identRel(id *Ident, rels []*relation) *relation {
	parts := id.Parts
	if len(parts) > 1 {
		for _, r := range rels {
			if r.name == parts[0] && r.has(parts[1]) {
				return r
			}
		}
	}
	var found *relation
	for _, r := range rels {
		if r.has(parts[0]) && !r.hidden[parts[0]] {
			if found != nil {
				return nil
			}
			found = r
		}
	}
	return found
}

// walkNames calls fn for each name e reads and other for each node it
// cannot look into (subqueries, and node kinds it does not know, so new
// syntax is never taken to read no column).
func walkNames(e Expr, fn func(*Ident), other func()) {
	walkExpr(e, func(x Expr) {
		switch x := x.(type) {
		case *Ident:
			fn(x)
		case *Deref, *Subscript, *StringLit, *NumberLit, *BoolLit, *NullLit, *TypedLit, *IntervalLit,
			*Unary, *Binary, *Not, *Between, *In, *Like, *IsNull, *Case, *Cast, *Call:
		default:
			other()
		}
	})
}

// hasSubquery reports whether e contains a subquery.
func hasSubquery(e Expr) bool {
	found := false
	walkExpr(e, func(x Expr) {
		switch x.(type) {
		case *InSubquery, *Exists, *ScalarSubquery:
			found = true
		}
	})
	return found
}

// joinPruning gives each base table of a join the conjuncts of where
// that read only that table (on top of those of ON, see compileJoin),
// when they restrict the rows it reads: a row that fails them cannot
// reach the result. That holds for an inner
// join and for the preserved side of an outer join, but not for the
// NULL-supplying side: dropping its rows turns matches into NULL-padded
// rows, which a condition such as `v.srcaddr IS NULL` keeps.
func (c *compiler) joinPruning(where Expr, sc *scope) error {
	joined := false
	for _, r := range sc.rels {
		joined = joined || len(r.maps) > 0
	}
	if !joined {
		return nil
	}
	for _, r := range sc.rels {
		if r.scan == nil || r.nullable {
			continue
		}
		var conds []expr
		for _, cj := range splitAnd(where) {
			if relsOf(cj, []*relation{r}, without(sc.rels, r)) != onLeft {
				continue
			}
			e, err := c.compileExpr(cj, sc)
			if err != nil {
				return err
			}
			conds = append(conds, e)
		}
		for _, e := range conds {
			c.narrow(r.scan, e)
		}
	}
	return nil
}

// narrow adds e to the conditions that restrict the rows of scan.
func (c *compiler) narrow(scan *opScan, e expr) {
	if w := c.wheres[scan]; w != nil {
		e = &exprAnd{l: w, r: e}
	}
	c.wheres[scan] = e
}

func without(rels []*relation, r *relation) []*relation {
	var out []*relation
	for _, x := range rels {
		if x != r {
			out = append(out, x)
		}
	}
	return out
}

// targetError is the error for CREATE TABLE AS and INSERT INTO.
func (c *compiler) targetError(t *Target) error {
	what := "CREATE TABLE AS"
	if t.Insert {
		what = "INSERT INTO"
	}
	return c.errf(t.pos, "expected a query, found "+what+" (the local engine only reads logs; run it with --engine athena)")
}

// subqueryExpr is the answer column of a subquery compileSubqueries
// joined in.
func (c *compiler) subqueryExpr(e Expr) (expr, error) {
	col, ok := c.subq[e]
	if !ok {
		return nil, c.errf(e.Pos(), "expected a subquery in WHERE, the select list, HAVING or ORDER BY, found "+quoteFound(e.String())+"; run the query with --engine athena")
	}
	if in, ok := e.(*InSubquery); ok && in.Not {
		return &exprNot{x: col}, nil
	}
	return col, nil
}

// compileSubqueries joins the subqueries of s's WHERE and select list
// into the pipeline after FROM: each IN or EXISTS becomes a mark join
// that adds a boolean column, each scalar subquery a join that adds its
// value. Correlated EXISTS and IN (conditions `inner = outer` in the
// subquery's WHERE) join on those equalities. In an aggregated query only
// the subqueries inside aggregate arguments (of the items, HAVING and
// ORDER BY: `count_if(x = (SELECT ...))`) are joined here, before the
// aggregate; those outside them are joined after it
// (compileAggregatedSubqueries).
func (c *compiler) compileSubqueries(s *Select, order []*OrderItem, sc *scope, tail op) (op, error) {
	found := subqueriesIn(s.Where)
	aggregated := len(s.GroupBy) > 0
	for _, it := range s.Items {
		aggregated = aggregated || it.Expr != nil && hasAgg(it.Expr)
	}
	for _, it := range s.Items {
		if aggregated {
			found = append(found, subqueriesInAggs(it.Expr)...)
		} else {
			found = append(found, subqueriesIn(it.Expr)...)
		}
	}
	if aggregated {
		found = append(found, subqueriesInAggs(s.Having)...)
		for _, o := range order {
			found = append(found, subqueriesInAggs(o.Expr)...)
		}
	}
	return c.joinSubqueries(found, sc, tail)
}

// compileAggregatedSubqueries joins, after the aggregate of st, the
// subqueries of its items, HAVING and ORDER BY outside aggregate
// arguments (`count(*) * 100.0 / (SELECT count(*) FROM cloudtrail)`,
// `HAVING count(*) > (SELECT ...)`), over the aggregate's rows. They
// cannot be correlated: the aggregate's scope has no relations, so an
// outer column in one fails to resolve.
func (c *compiler) compileAggregatedSubqueries(st *selectState) error {
	var found []Expr
	outside := func(e Expr) {
		inside := map[Expr]bool{}
		for _, x := range subqueriesInAggs(e) {
			inside[x] = true
		}
		for _, x := range subqueriesIn(e) {
			if !inside[x] {
				found = append(found, x)
			}
		}
	}
	for _, it := range st.items {
		outside(it.Expr)
	}
	outside(st.s.Having)
	for _, o := range st.order {
		outside(o.Expr)
	}
	for _, e := range found {
		tail, err := c.joinSubqueries([]Expr{e}, st.outScope, st.tail)
		if err != nil {
			if q := exprSubqueries(e); len(q) == 1 && c.readsOuter(q[0], st.sc) {
				return c.errf(e.Pos(), "expected a subquery without columns of the outer query outside aggregate arguments of a query with GROUP BY or aggregates, found "+quoteFound(e.String())+"; run the query with --engine athena")
			}
			return err
		}
		st.tail = tail
	}
	return nil
}

// readsOuter reports whether a name in q resolves in the outer scope sc
// (q may still resolve it itself: the test is for a better error).
func (c *compiler) readsOuter(q *Statement, sc *scope) bool {
	found := false
	walkStatement(q, func(x Expr) {
		if id, ok := x.(*Ident); ok && c.resolves(id, sc) {
			found = true
		}
	})
	return found
}

// joinSubqueries joins each subquery of found not joined yet after tail.
func (c *compiler) joinSubqueries(found []Expr, sc *scope, tail op) (op, error) {
	if len(found) == 0 {
		return tail, nil
	}
	if c.subq == nil {
		c.subq = map[Expr]expr{}
	}
	for _, e := range found {
		if _, done := c.subq[e]; done {
			continue
		}
		var err error
		tail, err = c.subqueryJoin(e, sc, tail)
		if err != nil {
			return nil, err
		}
	}
	return tail, nil
}

// subqueriesIn returns the IN, EXISTS and scalar subqueries of e (not
// those nested in them).
func subqueriesIn(e Expr) []Expr {
	var found []Expr
	walkExpr(e, func(x Expr) {
		switch x.(type) {
		case *InSubquery, *Exists, *ScalarSubquery:
			found = append(found, x)
		}
	})
	return found
}

// subqueriesInAggs returns the subqueries of e inside the arguments (and
// FILTER) of its aggregate calls, which are evaluated per input row.
func subqueriesInAggs(e Expr) []Expr {
	var found []Expr
	walkExpr(e, func(x Expr) {
		if call, ok := x.(*Call); ok && call.Over == nil && (aggregates[call.Name] || athenaAggregates[call.Name]) {
			for _, a := range call.Args {
				found = append(found, subqueriesIn(a)...)
			}
			found = append(found, subqueriesIn(call.Filter)...)
		}
	})
	return found
}

// subqueryJoin adds the join answering subquery e after tail.
func (c *compiler) subqueryJoin(e Expr, sc *scope, tail op) (op, error) {
	j := &opJoin{out: sc.lay, pool: c.newPool(), text: e.String()}
	var q *Statement
	var x Expr // IN's value
	switch s := e.(type) {
	case *ScalarSubquery:
		j.kind, q = joinScalar, s.Query
	case *Exists:
		j.kind, q = joinMark, s.Query
	case *InSubquery:
		j.kind, q, x = joinMark, s.Query, s.X
		j.nullAware = true
	}
	inner, outerKeys, err := c.decorrelate(q, sc, j.kind == joinScalar, x != nil)
	if err != nil {
		return nil, err
	}
	f, err := c.compileStatement(inner)
	if err != nil {
		return nil, err
	}
	want := len(outerKeys)
	if x != nil || j.kind == joinScalar {
		want++
	}
	if j.kind != joinMark || x != nil {
		if len(f.names) != want {
			return nil, c.errf(q.Pos(), "expected a subquery of one column, found "+itoa(int64(len(f.names)-len(outerKeys))))
		}
	}
	if x != nil {
		outerKeys = append(outerKeys, x)
	}
	for i, ok := range outerKeys {
		if hasSubquery(ok) {
			return nil, c.errf(ok.Pos(), "expected a value without subqueries before IN, found "+quoteFound(ok.String())+"; run the query with --engine athena")
		}
		lk, err := c.compileExpr(ok, sc)
		if err != nil {
			return nil, err
		}
		var rk expr = &exprCol{t: f.types[i], slot: i}
		lt, rt := lk.typ(), rk.typ()
		lk, rk, err = c.unify(lk, rk, ok.Pos())
		if err != nil || lk.typ().isComplex() {
			return nil, c.errf(ok.Pos(), "expected a subquery column comparable with "+lt.name+", found "+rt.name)
		}
		if lk.typ().k == kNull {
			lk, rk = c.mustCoerce(lk, tString), c.mustCoerce(rk, tString)
		}
		j.sides[0].keys = append(j.sides[0].keys, lk)
		j.sides[1].keys = append(j.sides[1].keys, rk)
	}
	j.sides[0].allSlots = sc.lay
	t := tBool
	if j.kind == joinScalar {
		t = f.types[0]
		j.sides[1].copies = []slotCopy{{in: 0, out: -1, t: t}}
	}
	j.markSlot = sc.lay.alloc()
	c.subq[e] = &exprCol{t: t, slot: j.markSlot}
	c.add(j)
	j.inputs = [2]*opJoinInput{{j: j, side: 0}, {j: j, side: 1}}
	tail.setNext(j.inputs[0])
	f.tail.setNext(j.inputs[1])
	return j, nil
}

// decorrelate returns the subquery to compile and the outer expressions
// it is correlated on: each conjunct `inner = outer` of its WHERE is
// removed and its inner side becomes a leading output column, equated
// with the outer side by the join. Other conditions on outer columns,
// and correlation with GROUP BY, aggregates or LIMIT, are not run locally.
func (c *compiler) decorrelate(q *Statement, sc *scope, scalar, in bool) (*Statement, []Expr, error) {
	sel, ok := q.Body.(*Select)
	if !ok || sel.Where == nil || len(sc.rels) == 0 {
		return q, nil, nil
	}
	// The subquery's own relations, from a throwaway compile of its FROM.
	var innerRels []*relation
	if sel.From != nil {
		tmp := &compiler{src: c.src, opts: c.opts, now: c.now, ctes: c.ctes, cteEnv: c.cteEnv, wheres: map[*opScan]expr{}}
		isc := &scope{lay: &layout{}}
		if len(q.With) > 0 {
			// Names of its own CTEs shadow; leave such subqueries to the
			// compile (a correlated one fails there).
			return q, nil, nil
		}
		if _, err := tmp.compileFrom(sel.From, isc); err != nil {
			return nil, nil, err
		}
		innerRels = isc.rels
	}
	var keep []Expr
	var innerKeys, outerKeys []Expr
	for _, cj := range splitAnd(sel.Where) {
		side := func(e Expr) int {
			out := onNone
			walkNames(e, func(id *Ident) {
				switch {
				case identRel(id, innerRels) != nil:
					out |= onLeft
				case identRel(id, sc.rels) != nil:
					out |= onRight
				default:
					out |= onOther
				}
			}, func() { out |= onOther })
			return out
		}
		if side(cj)&onRight == 0 {
			keep = append(keep, cj)
			continue
		}
		b, ok := cj.(*Binary)
		if ok && b.Op == "=" && !scalar {
			ls, rs := side(b.L), side(b.R)
			switch {
			case ls == onLeft && rs == onRight:
				innerKeys, outerKeys = append(innerKeys, b.L), append(outerKeys, b.R)
				continue
			case ls == onRight && rs == onLeft:
				innerKeys, outerKeys = append(innerKeys, b.R), append(outerKeys, b.L)
				continue
			}
		}
		return nil, nil, c.errf(cj.Pos(), "expected a subquery condition on outer columns of the form inner = outer (in EXISTS or IN), found "+quoteFound(cj.String())+"; run the query with --engine athena")
	}
	if len(outerKeys) == 0 {
		return q, nil, nil
	}
	aggregated := len(sel.GroupBy) > 0 || sel.Having != nil
	for _, it := range sel.Items {
		aggregated = aggregated || it.Expr != nil && hasAgg(it.Expr)
	}
	if aggregated || q.Limit >= 0 || q.Offset > 0 {
		return nil, nil, c.errf(q.Pos(), "expected a correlated subquery without GROUP BY, aggregates, OFFSET or LIMIT, found "+quoteFound(q.String())+"; run the query with --engine athena")
	}
	ns := *sel
	ns.Where = nil
	for _, k := range keep {
		if ns.Where == nil {
			ns.Where = k
		} else {
			ns.Where = &Binary{Op: "AND", L: ns.Where, R: k}
		}
	}
	ns.Items = nil
	for i, k := range innerKeys {
		ns.Items = append(ns.Items, &SelectItem{Expr: k, Alias: "_key" + itoa(int64(i)), pos: k.Pos()})
	}
	if in {
		ns.Items = append(ns.Items, sel.Items...)
	}
	ns.Distinct = false
	nq := *q
	nq.Body = &ns
	nq.OrderBy = nil
	return &nq, outerKeys, nil
}

// exprSubqueries returns the queries of the subqueries in e (not those
// nested in them).
func exprSubqueries(e Expr) []*Statement {
	var out []*Statement
	walkExpr(e, func(x Expr) {
		switch x := x.(type) {
		case *InSubquery:
			out = append(out, x.Query)
		case *Exists:
			out = append(out, x.Query)
		case *ScalarSubquery:
			out = append(out, x.Query)
		}
	})
	return out
}

// selectSubqueries returns the queries of the subqueries in s's
// expressions (not in FROM).
func selectSubqueries(s *Select) []*Statement {
	var out []*Statement
	for _, it := range s.Items {
		if it.Expr != nil {
			out = append(out, exprSubqueries(it.Expr)...)
		}
	}
	if s.Where != nil {
		out = append(out, exprSubqueries(s.Where)...)
	}
	for _, g := range s.GroupBy {
		out = append(out, exprSubqueries(g)...)
	}
	if s.Having != nil {
		out = append(out, exprSubqueries(s.Having)...)
	}
	return out
}
