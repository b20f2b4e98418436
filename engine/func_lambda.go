package engine

// Array functions with a lambda argument: transform(a, x -> f(x)),
// filter(a, x -> p(x)), any_match, all_match and none_match. The lambda's
// body is compiled once, with its parameter in a slot of its own, and is
// evaluated vectorized: per batch, the elements of every row's array make
// one chunk (outer columns the body reads are gathered per element), the
// body runs once over it, and the results are split back by row.

// lambdaFuncs are the functions that take a lambda as argument 2.
var lambdaFuncs = map[string]bool{
	"transform": true, "filter": true, "any_match": true, "all_match": true, "none_match": true,
}

// exprLambdaCall is one call of a lambdaFuncs function.
type exprLambdaCall struct {
	name  string
	t     *dtype
	arr   expr
	elem  *dtype // element type of arr
	body  expr
	param int // slot of the lambda parameter in element chunks
}

func (e *exprLambdaCall) typ() *dtype { return e.t }

// compileLambdaCall compiles f(array, x -> body).
func (c *compiler) compileLambdaCall(call *Call, sc *scope) (expr, error) {
	if call.Distinct || call.Star || call.Filter != nil || len(call.OrderBy) > 0 {
		return nil, c.errf(call.pos, "expected plain arguments to "+call.Name+", found DISTINCT, *, ORDER BY or FILTER")
	}
	if len(call.Args) != 2 {
		return nil, c.errf(call.pos, "expected 2 arguments to "+call.Name+", found "+itoa(int64(len(call.Args))))
	}
	lam, ok := call.Args[1].(*Lambda)
	if !ok || len(lam.Params) != 1 {
		return nil, c.errf(call.Args[1].Pos(), "expected a lambda x -> ... as argument 2 of "+call.Name+", found "+quoteFound(call.Args[1].String()))
	}
	arr, err := c.compileExpr(call.Args[0], sc)
	if err != nil {
		return nil, err
	}
	at := arr.typ()
	if at.k == kNull {
		at = arrayOf(tNull)
	}
	if at.k != kArray {
		return nil, c.errf(call.Args[0].Pos(), "expected an array as argument 1 of "+call.Name+", found "+at.name)
	}
	e := &exprLambdaCall{name: call.Name, arr: arr, elem: at.elem, param: sc.lay.alloc()}
	body := *sc
	body.params = map[string]*exprCol{}
	for k, v := range sc.params {
		body.params[k] = v
	}
	body.params[lam.Params[0]] = &exprCol{t: at.elem, slot: e.param}
	if e.body, err = c.compileExpr(lam.Body, &body); err != nil {
		return nil, err
	}
	bt := e.body.typ()
	switch call.Name {
	case "transform":
		if bt.k == kNull {
			bt = tString
		}
		e.t = arrayOf(bt)
	default:
		if bt.k != kBool && bt.k != kNull {
			return nil, c.errf(lam.Body.Pos(), "expected a boolean lambda body for "+call.Name+", found "+bt.name)
		}
		e.t = tBool
		if call.Name == "filter" {
			e.t = at
		}
	}
	return e, nil
}

// lambdaParam resolves a name that starts with a lambda parameter: x, or
// x.field.field for an array of rows.
func (c *compiler) lambdaParam(id *Ident, sc *scope) (expr, bool, error) {
	p, ok := sc.params[id.Parts[0]]
	if !ok {
		return nil, false, nil
	}
	var e expr = p
	for _, f := range id.Parts[1:] {
		fe, err := c.field(e, f, id.pos)
		if err != nil {
			return nil, true, err
		}
		e = fe
	}
	return e, true, nil
}

func (e *exprLambdaCall) eval(a *arena, c *chunk) *vec {
	av := flat(a, e.arr.eval(a, c), c.n)
	// The elements of every row, and the row of each.
	lists := make([][]any, c.n)
	var elems []any
	var parent []int32
	for i := 0; i < c.n; i++ {
		if av.isNull(i) {
			continue
		}
		var l []any
		switch {
		case av.arr != nil:
			l, _ = arrowValue(av.arr, av.complexRow(i)).([]any)
		case av.x != nil:
			l, _ = av.x[i].([]any)
		}
		if l == nil {
			l = []any{}
		}
		lists[i] = l
		for _, x := range l {
			elems = append(elems, x)
			parent = append(parent, int32(i))
		}
	}
	var bv *vec
	if len(elems) > 0 {
		var ec chunk
		var rows []int32
		gatherChunk(&ec, c, parent, a, &rows)
		if len(ec.cols) <= e.param {
			cols := make([]*vec, e.param+1)
			copy(cols, ec.cols)
			src := make([]srcCol, e.param+1)
			copy(src, ec.src)
			ec.cols, ec.src = cols, src
		}
		pv := a.vec(e.elem, len(elems))
		columnOfValues(e.elem, elems).toVec(pv)
		ec.cols[e.param] = pv
		bv = flat(a, e.body.eval(a, &ec), ec.n)
		if a.err != nil {
			return constVec(e.t, true)
		}
	}
	out := a.vec(e.t, c.n)
	nl := out.nulls()
	var res []bool
	if e.t.k == kBool {
		res = out.bools()
	} else {
		out.x = make([]any, c.n)
	}
	j := 0 // element index
	for i, l := range lists {
		if l == nil {
			nl[i] = true
			continue
		}
		switch e.name {
		case "transform":
			vals := make([]any, len(l))
			for k := range l {
				vals[k] = boxValue(bv, j+k)
			}
			out.x[i] = vals
		case "filter":
			vals := []any{}
			for k, x := range l {
				if !bv.isNull(j+k) && bv.t.k == kBool && bv.b[j+k] {
					vals = append(vals, x)
				}
			}
			out.x[i] = vals
		default:
			// Trino: any_match is TRUE if some element matches, else NULL
			// if some test is NULL, else FALSE; all_match and none_match
			// likewise with the first FALSE (all) or TRUE (none) deciding.
			var hasTrue, hasFalse, hasNull bool
			for k := range l {
				switch {
				case bv.isNull(j+k) || bv.t.k != kBool:
					hasNull = true
				case bv.b[j+k]:
					hasTrue = true
				default:
					hasFalse = true
				}
			}
			switch e.name {
			case "any_match":
				res[i], nl[i] = hasTrue, !hasTrue && hasNull
			case "all_match":
				res[i], nl[i] = !hasFalse, !hasFalse && hasNull
			case "none_match":
				res[i], nl[i] = !hasTrue, !hasTrue && hasNull
			}
		}
		j += len(l)
	}
	return out
}
