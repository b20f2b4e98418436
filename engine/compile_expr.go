package engine

import (
	"strconv"
	"strings"
)

// compileExpr type-checks e in sc and returns its compiled form, folding
// constant subexpressions.
func (c *compiler) compileExpr(e Expr, sc *scope) (expr, error) {
	x, err := c.compileExpr1(e, sc)
	if err != nil {
		return nil, err
	}
	if x, err = c.fold(x, e.Pos()); err != nil {
		return nil, err
	}
	return foldCase(x), nil // lower(x) = 'c' and IN: see expr_fold.go
}

func (c *compiler) compileExpr1(e Expr, sc *scope) (expr, error) {
	switch x := e.(type) {
	case *Call:
		if x.Over != nil {
			return c.windowRef(x, sc)
		}
		if lambdaFuncs[x.Name] {
			if sc.agg != nil {
				// The call may itself be a GROUP BY key.
				if slot, ok := sc.agg.keys[e.String()]; ok {
					return &exprCol{t: sc.agg.types[slot], slot: slot}, nil
				}
			}
			return c.compileLambdaCall(x, sc)
		}
	case *Ident:
		if p, ok, err := c.lambdaParam(x, sc); ok {
			return p, err
		}
	case *Lambda:
		return nil, c.errf(x.pos, "expected a lambda only as argument 2 of transform, filter, any_match, all_match or none_match, found "+quoteFound(x.String()))
	}
	if sc.agg != nil {
		if slot, ok := sc.agg.keys[e.String()]; ok {
			return &exprCol{t: sc.agg.types[slot], slot: slot}, nil
		}
		if call, ok := e.(*Call); ok && (aggregates[call.Name] || athenaAggregates[call.Name]) {
			slot, ok := sc.agg.aggs[call.String()]
			if !ok {
				panic("BUG: aggregate not collected: " + call.String())
			}
			if o := sc.agg.order[slot]; o != nil {
				return sortedLists(&exprCol{t: sc.agg.types[slot], slot: slot}, o), nil
			}
			return &exprCol{t: sc.agg.types[slot], slot: slot}, nil
		}
	}
	switch x := e.(type) {
	case *InSubquery, *Exists, *ScalarSubquery:
		return c.subqueryExpr(e)
	case *Ident:
		if sc.agg != nil {
			return nil, c.errf(x.pos, "expected an aggregate or a GROUP BY expression, found "+quoteFound(x.String()))
		}
		return c.resolveIdent(x, sc)
	case *Deref:
		xe, err := c.compileExpr(x.X, sc)
		if err != nil {
			return nil, err
		}
		return c.field(xe, x.Field, x.Pos())
	case *Subscript:
		xe, err := c.compileExpr(x.X, sc)
		if err != nil {
			return nil, err
		}
		ie, err := c.compileExpr(x.Index, sc)
		if err != nil {
			return nil, err
		}
		return c.subscript(xe, ie, x.Index.Pos(), false)
	case *StringLit:
		return &exprConst{v: strConst(x.Val)}, nil
	case *NumberLit:
		return c.parseNumber(x)
	case *BoolLit:
		return &exprConst{v: boolConst(x.Val)}, nil
	case *NullLit:
		return &exprConst{v: constVec(tNull, true)}, nil
	case *TypedLit:
		switch x.Type {
		case "ipaddress":
			b, ok := appendIPAddress(nil, x.Val)
			if !ok {
				return nil, c.errf(x.pos, "expected an IP address literal such as '10.0.0.1' or '2001:db8::1', found "+quoteFound(x.Val))
			}
			v := constVec(tIPAddress, false)
			v.s[0] = string(b)
			return &exprConst{v: v}, nil
		case "ipprefix":
			return nil, c.errf(x.pos, errIPPrefix)
		}
		us, ok := parseTimestamp(x.Val)
		if !ok {
			return nil, c.errf(x.pos, "expected a "+x.Type+" literal such as '2024-01-02 03:04:05', found "+quoteFound(x.Val))
		}
		if x.Type == "date" {
			return &exprConst{v: tsConst(tDate, truncMicros(us, "day"))}, nil
		}
		return &exprConst{v: tsConst(tTimestamp, us)}, nil
	case *IntervalLit:
		n, err := strconv.ParseInt(strings.TrimSpace(x.Val), 10, 64)
		if err != nil {
			return nil, c.errf(x.pos, "expected a whole number of "+x.Unit+"s in the interval, found "+quoteFound(x.Val))
		}
		switch x.Unit {
		case "month":
			return &exprConst{v: tsConst(tIntervalYM, n)}, nil
		case "year":
			return &exprConst{v: tsConst(tIntervalYM, 12*n)}, nil
		}
		ms := map[string]int64{"second": 1000, "minute": 60_000, "hour": 3_600_000, "day": 86_400_000}[x.Unit]
		return &exprConst{v: tsConst(tIntervalDS, n*ms)}, nil
	case *Unary:
		xe, err := c.compileExpr(x.X, sc)
		if err != nil {
			return nil, err
		}
		t := xe.typ()
		if x.Op == "+" {
			if !t.isNumeric() {
				return nil, c.errf(x.pos, "expected a number after unary +, found "+t.name)
			}
			return xe, nil
		}
		if !t.isNumeric() && t.k != kIntervalDS && t.k != kIntervalYM {
			return nil, c.errf(x.pos, "expected a number after unary -, found "+t.name)
		}
		return &exprFunc{name: "negate", t: t, args: []expr{xe}, k: negKernel(t, c.whereExpr(x.pos, x.String())), strict: true}, nil
	case *Binary:
		return c.compileBinary(x, sc)
	case *Not:
		xe, err := c.compileBool(x.X, sc, "NOT")
		if err != nil {
			return nil, err
		}
		// NOT of a comparison is the negated comparison (same NULLs), which
		// keeps the dictionary and constant fast paths.
		if cm, ok := xe.(*exprCmp); ok {
			return &exprCmp{op: cm.op.negate(), l: cm.l, r: cm.r}, nil
		}
		if in, ok := xe.(*exprIsNull); ok {
			return &exprIsNull{x: in.x, not: !in.not}, nil
		}
		return &exprNot{x: xe}, nil
	case *Between:
		lo := &Binary{Op: ">=", L: x.X, R: x.Lo}
		hi := &Binary{Op: "<=", L: x.X, R: x.Hi}
		var b Expr = &Binary{Op: "AND", L: lo, R: hi}
		if x.Not {
			b = &Not{X: b, pos: x.Pos()}
		}
		return c.compileExpr1(b, sc)
	case *In:
		return c.compileIn(x, sc)
	case *Like:
		xe, err := c.compileExpr(x.X, sc)
		if err != nil {
			return nil, err
		}
		if !xe.typ().isText() && xe.typ().k != kNull {
			return nil, c.errf(x.X.Pos(), "expected varchar before LIKE, found "+xe.typ().name)
		}
		pat, ok := c.constString(x.Pattern, sc)
		if !ok {
			return nil, c.errf(x.Pattern.Pos(), "expected a constant varchar LIKE pattern, found "+quoteFound(x.Pattern.String()))
		}
		var esc rune
		hasEsc := false
		if x.Escape != nil {
			es, ok := c.constString(x.Escape, sc)
			if !ok || len([]rune(es)) != 1 {
				return nil, c.errf(x.Escape.Pos(), "expected a one-character constant after ESCAPE, found "+quoteFound(x.Escape.String()))
			}
			esc, hasEsc = []rune(es)[0], true
		}
		m, err := compileLike(pat, esc, hasEsc)
		if err != nil {
			return nil, c.errf(x.Pattern.Pos(), "expected a valid LIKE pattern, found "+quoteFound(pat)+": "+err.Error())
		}
		if f := foldLike(xe, m, x.Not); f != nil {
			return f, nil // lower(x) LIKE 'p': see expr_fold.go
		}
		return &exprFunc{name: "like", t: tBool, args: []expr{c.mustCoerce(xe, tString)}, k: likeKernel(m, x.Not), strict: true}, nil
	case *IsNull:
		xe, err := c.compileExpr(x.X, sc)
		if err != nil {
			return nil, err
		}
		return &exprIsNull{x: xe, not: x.Not}, nil
	case *Case:
		return c.compileCase(x, sc)
	case *Cast:
		xe, err := c.compileExpr(x.X, sc)
		if err != nil {
			return nil, err
		}
		to, ok := typeFromName(x.Type)
		if x.Type.Name == "ipprefix" {
			return nil, c.errf(x.pos, errIPPrefix)
		}
		if !ok {
			return nil, c.errf(x.pos, "expected a type the local engine supports (varchar, bigint, integer, double, boolean, timestamp, date, json, ipaddress), found "+quoteFound(x.Type.String())+"; run the query with --engine athena")
		}
		if xe.typ().k == kJSON && to.k == kArray && to.elem.k != kJSON && !to.elem.isComplex() {
			// CAST(json AS ARRAY(T)) is each element's CAST(json AS T):
			// transform(CAST(x AS ARRAY(JSON)), e -> CAST(e AS T)).
			// TRY_CAST is try(CAST(...)): one element that fails makes
			// the whole array NULL, as in Trino.
			elem := "$cast_elem"
			var e Expr = &Call{Name: "transform", pos: x.pos, Args: []Expr{
				&Cast{X: x.X, Type: TypeName{Name: "array", Args: []TypeName{{Name: "json"}}}, pos: x.pos},
				&Lambda{Params: []string{elem}, pos: x.pos, Body: &Cast{X: &Ident{Parts: []string{elem}, pos: x.pos}, Type: x.Type.Args[0], pos: x.pos}},
			}}
			if x.Try {
				e = &Call{Name: "try", Args: []Expr{e}, pos: x.pos}
			}
			return c.compileExpr(e, sc)
		}
		e, err := c.cast(xe, to, x.Try, x.pos)
		if err != nil {
			return nil, err
		}
		if is32(to) && !is32(xe.typ()) {
			// Every conversion to integer goes through bigint: check the range.
			e = &exprFunc{name: "cast", t: tInteger, args: []expr{e}, k: intRangeKernel(c.whereExpr(x.pos, x.String()), x.Try), strict: true}
		}
		return e, nil
	case *Call:
		return c.compileCall(x, sc)
	}
	panic("BUG: unknown expression node")
}

// where is the "source:line:col: " of pos for errors found while the
// query runs; "" for pos 0, which no expression of a query starts at
// (implicit coercions pass it).
func (c *compiler) where(pos int) string {
	if pos <= 0 {
		return ""
	}
	source := c.opts.Source
	if source == "" {
		source = "query"
	}
	line, col := lineCol(c.src, pos)
	return source + ":" + strconv.Itoa(line) + ":" + strconv.Itoa(col) + ": "
}

// cast converts x to type to; try makes failures NULL.
func (c *compiler) cast(x expr, to *dtype, try bool, pos int) (expr, error) {
	from := x.typ()
	if from.k == to.k && from.k != kNull {
		return x, nil
	}
	if from.k == kJSON && to.k == kString {
		return &exprFunc{name: "cast", t: to, args: []expr{x}, k: jsonToVarcharKernel, strict: true}, nil
	}
	if from.k == kJSON && (to.k == kInt || to.k == kDouble || to.k == kBool) {
		return &exprFunc{name: "cast", t: to, args: []expr{x}, k: jsonToScalarKernel(to, try, c.where(pos)), strict: true}, nil
	}
	k, ok := castKernel(from, to, try, c.where(pos))
	if !ok {
		return nil, c.errf(pos, "expected a value that can be cast to "+to.name+", found "+from.name)
	}
	return &exprFunc{name: "cast", t: to, args: []expr{x}, k: k, strict: true}, nil
}

// compileBool compiles a boolean operand.
func (c *compiler) compileBool(e Expr, sc *scope, what string) (expr, error) {
	x, err := c.compileExpr(e, sc)
	if err != nil {
		return nil, err
	}
	switch x.typ().k {
	case kBool:
		return x, nil
	case kNull:
		return &exprConst{v: constVec(tBool, true)}, nil
	}
	return nil, c.errf(e.Pos(), "expected a boolean operand of "+what+", found "+x.typ().name)
}

func (c *compiler) compileBinary(x *Binary, sc *scope) (expr, error) {
	switch x.Op {
	case "AND", "OR":
		l, err := c.compileBool(x.L, sc, x.Op)
		if err != nil {
			return nil, err
		}
		r, err := c.compileBool(x.R, sc, x.Op)
		if err != nil {
			return nil, err
		}
		if x.Op == "AND" {
			return &exprAnd{l: l, r: r}, nil
		}
		if f := foldLikeAny(l, r); f != nil {
			return f, nil // lower(x) LIKE 'p' OR lower(x) LIKE 'q': see expr_fold.go
		}
		return &exprOr{l: l, r: r}, nil
	}
	l, err := c.compileExpr(x.L, sc)
	if err != nil {
		return nil, err
	}
	r, err := c.compileExpr(x.R, sc)
	if err != nil {
		return nil, err
	}
	lt, rt := l.typ(), r.typ()
	switch x.Op {
	case "IS DISTINCT FROM", "IS NOT DISTINCT FROM":
		l, r, err = c.unify(l, r, x.R.Pos())
		if err != nil || l.typ().isComplex() {
			return nil, c.errf(x.R.Pos(), "expected a value comparable with "+lt.name+" after "+x.Op+", found "+rt.name)
		}
		return &exprDistinct{l: l, r: r, not: x.Op == "IS NOT DISTINCT FROM"}, nil
	case "=", "<>", "<", "<=", ">", ">=":
		l, r, err = c.unify(l, r, x.R.Pos())
		if err != nil {
			msg := "expected a value comparable with " + lt.name + " after " + x.Op + ", found " + rt.name
			if lt.k == kIPAddress && rt.isText() || lt.isText() && rt.k == kIPAddress {
				msg += " (Trino does not convert varchar to ipaddress: write CAST(x AS IPADDRESS) or IPADDRESS '1.2.3.4')"
			}
			if lt.k == kString && (rt.k == kTimestamp || rt.k == kDate) {
				msg += " (convert the varchar with from_iso8601_timestamp(), or compare with an ISO 8601 string)"
			}
			return nil, c.errf(x.R.Pos(), msg)
		}
		if t := l.typ(); t.isComplex() {
			return nil, c.errf(x.L.Pos(), "expected a scalar value to compare, found "+t.name)
		}
		if l.typ().k == kNull {
			return &exprConst{v: constVec(tBool, true)}, nil
		}
		return &exprCmp{op: cmpOps[x.Op], l: l, r: r}, nil
	case "||":
		if lt.isComplex() || rt.isComplex() {
			return nil, c.errf(x.L.Pos(), "expected varchar operands of ||, found "+lt.name+" and "+rt.name)
		}
		ls, err := c.cast(l, tString, false, x.L.Pos())
		if err != nil {
			return nil, err
		}
		rs, err := c.cast(r, tString, false, x.R.Pos())
		if err != nil {
			return nil, err
		}
		return &exprFunc{name: "concat", t: tString, args: []expr{ls, rs}, k: concatKernel, strict: true}, nil
	}
	// Arithmetic.
	switch {
	case lt.k == kNull || rt.k == kNull:
		t := lt
		if t.k == kNull {
			t = rt
		}
		if t.k == kNull {
			t = tInt
		}
		return &exprConst{v: constVec(t, true)}, nil
	case (lt.k == kTimestamp || lt.k == kDate) && (rt.k == kIntervalDS || rt.k == kIntervalYM) && (x.Op == "+" || x.Op == "-"):
		sign := int64(1)
		if x.Op == "-" {
			sign = -1
		}
		return &exprFunc{name: x.Op, t: tTimestamp, args: []expr{l, r}, k: timestampIntervalKernel(sign, rt.k == kIntervalYM), strict: true}, nil
	case (lt.k == kIntervalDS || lt.k == kIntervalYM) && rt.k == kTimestamp && x.Op == "+":
		return &exprFunc{name: x.Op, t: tTimestamp, args: []expr{r, l}, k: timestampIntervalKernel(1, lt.k == kIntervalYM), strict: true}, nil
	case lt.k == kTimestamp && rt.k == kTimestamp && x.Op == "-":
		return &exprFunc{name: x.Op, t: tIntervalDS, args: []expr{l, r}, k: timestampDiffKernel, strict: true}, nil
	case lt.k == rt.k && (lt.k == kIntervalDS || lt.k == kIntervalYM) && (x.Op == "+" || x.Op == "-"):
		return &exprFunc{name: x.Op, t: lt, args: []expr{l, r}, k: arithIntKernel(x.Op, lt, c.whereExpr(x.Pos(), x.String())), strict: true}, nil
	case lt.isNumeric() && rt.isNumeric():
		if lt.k == kInt && rt.k == kInt {
			t := tInt // integer op integer is integer, as in Trino; with a bigint, bigint
			if is32(lt) && is32(rt) {
				t = tInteger
			}
			k := arithIntKernel(x.Op, t, c.whereExpr(x.Pos(), x.String()))
			if d, ok := r.(*exprConst); ok && (x.Op == "/" || x.Op == "%") && !d.v.isNull(0) && d.v.i[0] != 0 && d.v.i[0] != -1 {
				k = arithIntByConstKernel(x.Op, d.v.i[0])
			}
			if d, ok := truncConst(x.Op, l, r); ok {
				// x - x % d (a time bucket) in one pass, without the
				// overflow test: the result lies between 0 and x.
				return &exprFunc{name: "-", t: t, args: []expr{l, r.(*exprFunc).args[1]}, k: truncConstKernel(d), strict: true}, nil
			}
			if d, ok := truncMulConst(x.Op, l, r); ok {
				// x / d * d, the same bucket, the same way.
				return &exprFunc{name: "*", t: t, args: []expr{l.(*exprFunc).args[0], r}, k: truncConstKernel(d), strict: true}, nil
			}
			return &exprFunc{name: x.Op, t: t, args: []expr{l, r}, k: k, strict: true}, nil
		}
		return &exprFunc{name: x.Op, t: tDouble, args: []expr{c.mustCoerce(l, tDouble), c.mustCoerce(r, tDouble)}, k: arithDoubleKernel(x.Op), strict: true}, nil
	}
	return nil, c.errf(x.R.Pos(), "expected operands of "+x.Op+" that are numbers (or timestamp and interval), found "+lt.name+" and "+rt.name)
}

// unify coerces l and r to a common type for comparison or CASE.
func (c *compiler) unify(l, r expr, pos int) (expr, expr, error) {
	lt, rt := l.typ(), r.typ()
	switch {
	case lt.k == rt.k:
		return l, r, nil
	case lt.k == kNull:
		return &exprConst{v: constVec(rt, true)}, r, nil
	case rt.k == kNull:
		return l, &exprConst{v: constVec(lt, true)}, nil
	case lt.isNumeric() && rt.isNumeric():
		return c.mustCoerce(l, tDouble), c.mustCoerce(r, tDouble), nil
	case lt.isText() && rt.isText():
		return c.mustCoerce(l, tString), c.mustCoerce(r, tString), nil
	case (lt.k == kTimestamp || lt.k == kDate) && (rt.k == kTimestamp || rt.k == kDate):
		return c.mustCoerce(l, tTimestamp), c.mustCoerce(r, tTimestamp), nil
	case (lt.k == kTimestamp || lt.k == kDate) && rt.k == kString:
		// A varchar constant compared with a timestamp is read as one.
		if k, ok := r.(*exprConst); ok {
			rr, err := c.fold(c.mustCoerce(k, lt), pos)
			return l, rr, err
		}
	case lt.k == kString && (rt.k == kTimestamp || rt.k == kDate):
		if k, ok := l.(*exprConst); ok {
			ll, err := c.fold(c.mustCoerce(k, rt), pos)
			return ll, r, err
		}
	}
	return nil, nil, errMismatch
}

var errMismatch = &runtimeError{msg: "type mismatch"}

// mustCoerce casts e to t, which the caller knows is possible.
func (c *compiler) mustCoerce(e expr, t *dtype) expr {
	if e.typ().k == t.k {
		return e
	}
	x, err := c.cast(e, t, false, 0)
	if err != nil {
		panic("BUG: coercion from " + e.typ().name + " to " + t.name)
	}
	return x
}

// constString compiles e and returns its value when it is a varchar constant.
func (c *compiler) constString(e Expr, sc *scope) (string, bool) {
	x, err := c.compileExpr(e, sc)
	if err != nil {
		return "", false
	}
	k, ok := x.(*exprConst)
	if !ok || !k.v.t.isText() || k.v.isNull(0) {
		return "", false
	}
	return k.v.s[0], true
}

func (c *compiler) compileIn(x *In, sc *scope) (expr, error) {
	xe, err := c.compileExpr(x.X, sc)
	if err != nil {
		return nil, err
	}
	t := xe.typ()
	list := make([]expr, len(x.List))
	allConst := true
	for i, item := range x.List {
		ie, err := c.compileExpr(item, sc)
		if err != nil {
			return nil, err
		}
		list[i] = ie
		if _, ok := ie.(*exprConst); !ok {
			allConst = false
		}
	}
	if t.k == kNull || t.isComplex() || t.k == kBool || !allConst {
		// General form: x = a OR x = b ...
		var or Expr
		for _, item := range x.List {
			var eq Expr = &Binary{Op: "=", L: x.X, R: item}
			if or == nil {
				or = eq
			} else {
				or = &Binary{Op: "OR", L: or, R: eq}
			}
		}
		if x.Not {
			or = &Not{X: or, pos: x.Pos()}
		}
		return c.compileExpr1(or, sc)
	}
	set := &inSet{ints: map[int64]struct{}{}, floats: map[float64]struct{}{}, strs: map[string]struct{}{}}
	for i, ie := range list {
		if t.k == kInt && ie.typ().k == kDouble {
			// Mixed numbers compare as double.
			return c.compileIn(&In{X: &Cast{X: x.X, Type: TypeName{Name: "double"}, pos: x.Pos()}, List: x.List, Not: x.Not}, sc)
		}
		xx, ie2, err := c.unify(xe, ie, x.List[i].Pos())
		if err != nil || xx.typ().k != t.k && !(t.isStringy() && xx.typ().isStringy()) {
			return nil, c.errf(x.List[i].Pos(), "expected a value comparable with "+t.name+" in the IN list, found "+ie.typ().name)
		}
		k, err := c.fold(ie2, x.List[i].Pos())
		if err != nil {
			return nil, err
		}
		v := k.(*exprConst).v
		switch {
		case v.isNull(0):
			set.hasNull = true
		case t.isIntLike():
			set.ints[v.i[0]] = struct{}{}
		case t.k == kDouble:
			set.floats[v.f[0]] = struct{}{}
		case t.isStringy():
			set.strs[v.s[0]] = struct{}{}
		}
	}
	set.sealInts()
	f := &exprFunc{name: "in", t: tBool, args: []expr{xe}, k: inKernel(set, x.Not), strict: true}
	if !x.Not {
		f.set = set
	}
	return f, nil
}

func (c *compiler) compileCase(x *Case, sc *scope) (expr, error) {
	ce := &exprCase{}
	var results []expr
	for _, w := range x.Whens {
		var cond expr
		var err error
		if x.Operand != nil {
			cond, err = c.compileExpr(&Binary{Op: "=", L: x.Operand, R: w.Cond}, sc)
		} else {
			cond, err = c.compileBool(w.Cond, sc, "WHEN")
		}
		if err != nil {
			return nil, err
		}
		ce.conds = append(ce.conds, cond)
		r, err := c.compileExpr(w.Result, sc)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
	}
	if x.Else != nil {
		r, err := c.compileExpr(x.Else, sc)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
	}
	t, err := c.commonType(results, x.pos)
	if err != nil {
		return nil, err
	}
	for i := range results {
		results[i] = c.mustCoerce(results[i], t)
	}
	ce.t = t
	ce.vals = results[:len(x.Whens)]
	if x.Else != nil {
		ce.els = results[len(x.Whens)]
	}
	return ce, nil
}

// commonType is the type all of xs coerce to (CASE, coalesce).
func (c *compiler) commonType(xs []expr, pos int) (*dtype, error) {
	t := tNull
	for _, x := range xs {
		xt := x.typ()
		switch {
		case xt.k == kNull:
		case xt.k == t.k:
			if is32(t) && !is32(xt) {
				t = xt // integer and bigint: bigint, so integer values fit 32 bits
			}
		case t.k == kNull:
			t = xt
		case t.isNumeric() && xt.isNumeric():
			t = tDouble
		case t.isText() && xt.isText():
			t = tString
		default:
			return nil, c.errf(pos, "expected results of one type, found "+t.name+" and "+xt.name)
		}
	}
	if t.isComplex() && t.k != kArray {
		return nil, c.errf(pos, "expected scalar results, found "+t.name)
	}
	return t, nil
}

// subscript is x[i] (orNull: element_at, NULL when out of range).
func (c *compiler) subscript(x, idx expr, pos int, orNull bool) (expr, error) {
	t := x.typ()
	switch t.k {
	case kArray:
		if idx.typ().k != kInt {
			return nil, c.errf(pos, "expected a bigint array index, found "+idx.typ().name)
		}
		return &exprSubscript{t: t.elem, x: x, idx: idx}, nil
	case kMap:
		if !idx.typ().isText() {
			return nil, c.errf(pos, "expected a varchar map key, found "+idx.typ().name)
		}
		return &exprSubscript{t: t.elem, x: x, idx: idx, isMap: true}, nil
	}
	return nil, c.errf(pos, "expected an array or map before [, found "+t.name)
}

// isConstExpr reports whether e depends on no column and nothing volatile.
func isConstExpr(e expr) bool {
	switch x := e.(type) {
	case *exprConst:
		return true
	case *exprCol:
		return false
	case *exprFunc:
		if x.volatile {
			return false
		}
		for _, a := range x.args {
			if !isConstExpr(a) {
				return false
			}
		}
		return true
	case *exprCmp:
		return isConstExpr(x.l) && isConstExpr(x.r)
	case *exprAnd:
		return isConstExpr(x.l) && isConstExpr(x.r)
	case *exprOr:
		return isConstExpr(x.l) && isConstExpr(x.r)
	case *exprNot:
		return isConstExpr(x.x)
	case *exprIsNull:
		return isConstExpr(x.x)
	case *exprDistinct:
		return isConstExpr(x.l) && isConstExpr(x.r)
	case *exprTry:
		return isConstExpr(x.x)
	case *exprCase:
		for _, k := range x.conds {
			if !isConstExpr(k) {
				return false
			}
		}
		for _, k := range x.vals {
			if !isConstExpr(k) {
				return false
			}
		}
		return x.els == nil || isConstExpr(x.els)
	}
	return false
}

// fold evaluates a constant expression once at compile time.
func (c *compiler) fold(e expr, pos int) (expr, error) {
	if _, ok := e.(*exprConst); ok || !isConstExpr(e) {
		return e, nil
	}
	var a arena
	ch := &chunk{n: 1, a: &a}
	v := flat(&a, e.eval(&a, ch), 1)
	if a.err != nil {
		if c.inTry > 0 {
			return e, nil // try() turns the failure into NULL when it folds
		}
		msg := a.err.Error()
		if re, ok := a.err.(*runtimeError); ok {
			msg = re.msg // c.errf positions it
		}
		return nil, c.errf(pos, msg)
	}
	t := e.typ()
	k := constVec(t, v.isNull(0))
	if !v.isNull(0) {
		switch {
		case t.isIntLike():
			k.i[0] = v.i[0]
		case t.k == kDouble:
			k.f[0] = v.f[0]
		case t.isStringy():
			k.s[0] = strings.Clone(v.s[0])
		case t.k == kBool:
			k.b[0] = v.b[0]
		case t.k == kArray && v.x != nil:
			k.x[0] = v.x[0]
		default:
			return e, nil
		}
	}
	return &exprConst{v: k}, nil
}
