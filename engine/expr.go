package engine

import (
	"encoding/binary"
	"errors"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// expr is a compiled expression: its type is known and every type-based
// choice (which kernel, which slice) was made by the compiler. eval
// computes the expression for every row of c, once per batch; the result
// has c.n rows (or is a constant) and lives in a (or is shared read-only).
type expr interface {
	typ() *dtype
	eval(a *arena, c *chunk) *vec
}

// errRuntime marks errors raised while evaluating (bad CAST input,
// division by zero); the message names the function and value.
var errRuntime = errors.New("evaluation error")

// runtimeError is an evaluation error; kernels record the first one in
// the arena and operators return it after the batch. where, when not
// empty, is the "source:line:col: " of the expression in the query, for
// some followed by its SQL ("query:31:38: sum(bytes): ", see
// compiler.whereExpr); msg says what failed and with which values
// ("bigint addition overflow: 9223372036854775807 + 1").
type runtimeError struct{ where, msg string }

func (e *runtimeError) Error() string { return e.where + e.msg }
func (e *runtimeError) Unwrap() error { return errRuntime }

// exprCol reads a column slot of the chunk.
type exprCol struct {
	t    *dtype
	slot int
	path string // column path for base-table columns ("useridentity.arn"), for pushdown and pruning
	dict bool   // dictionary-encoded in the table schema
}

func (e *exprCol) typ() *dtype                  { return e.t }
func (e *exprCol) eval(a *arena, c *chunk) *vec { return c.col(e.slot) }

// exprConst is a constant (literals and folded expressions).
type exprConst struct{ v *vec }

func (e *exprConst) typ() *dtype                  { return e.v.t }
func (e *exprConst) eval(a *arena, c *chunk) *vec { return e.v }

// kernel computes a row-wise function over plain args (constants
// broadcast, dictionaries decoded) into out, which has out.n rows and the
// function's type. It records errors with a.fail.
type kernel func(a *arena, out *vec, args []*vec)

// exprFunc is a scalar function or operator with its kernel.
type exprFunc struct {
	name string
	t    *dtype
	args []expr
	k    kernel
	// strict functions return NULL when any argument is NULL, which lets
	// eval run them once per dictionary entry instead of once per row.
	strict bool
	// volatile functions (current_timestamp) are not constant-folded.
	volatile bool
	// set is the constant list of IN, kept for pruning analysis.
	set *inSet
	// likes are the patterns of lower_like (not negated) and
	// lower_like_any, which an OR of them merges (foldLikeAny).
	likes []*likeMatcher
}

func (e *exprFunc) typ() *dtype { return e.t }

func (e *exprFunc) eval(a *arena, c *chunk) *vec {
	// The arguments go on the arena's stack (a local array escaped to the
	// heap through the kernel call: one allocation per call); nested
	// calls push above and pop back before the next argument is pushed.
	base := len(a.args)
	dictArg := -1
	nonConst := 0
	for i, x := range e.args {
		v := x.eval(a, c)
		a.args = append(a.args, v)
		if !v.isConst {
			nonConst++
			if v.dict != nil {
				dictArg = i
			}
		}
	}
	args := a.args[base:]
	// Fast path: one dictionary argument, the rest constant: evaluate per
	// distinct value and keep the codes.
	if e.strict && dictArg >= 0 && nonConst == 1 {
		d := args[dictArg]
		m := d.dict.n
		for i, v := range args {
			if i == dictArg {
				args[i] = d.dict
			} else {
				args[i] = flat(a, v, m)
			}
		}
		r := a.vec(e.t, m)
		e.k(a, r, args)
		out := a.vec(e.t, c.n)
		out.codes, out.dict, out.null = d.codes, r, d.null
		a.args = a.args[:base]
		return out
	}
	for i, v := range args {
		args[i] = flat(a, v, c.n)
	}
	out := a.vec(e.t, c.n)
	e.k(a, out, args)
	a.args = a.args[:base]
	return out
}

// fail records the first evaluation error of a batch.
func (a *arena) fail(msg string) { a.failAt("", msg) }

// failAt is fail for an expression at where ("source:line:col: ").
func (a *arena) failAt(where, msg string) {
	if a.err == nil {
		a.err = &runtimeError{where: where, msg: msg}
	}
}

// strictNulls sets out's nulls to the union of the args' nulls and
// reports whether there are any.
func strictNulls(out *vec, args []*vec) bool {
	var nl []bool
	for _, v := range args {
		if v.null == nil {
			continue
		}
		if nl == nil {
			// The first argument with NULLs: its nulls, copied (out's
			// are its own: kernels add to them).
			out.null = grow(&out.nb, out.n)
			nl = out.null
			clear(nl[copy(nl, v.null):])
			continue
		}
		orBools(nl[:len(v.null)], v.null)
	}
	return nl != nil
}

// orBools sets d[i] to d[i] || s[i] for each i of d (s has at least as
// many), eight bools a word (each byte 0 or 1, see boolBytes).
func orBools(d, s []bool) {
	db, sb := boolBytes(d), boolBytes(s)[:len(d)]
	i := 0
	for ; i+8 <= len(db); i += 8 {
		w := binary.LittleEndian.Uint64(db[i:]) | binary.LittleEndian.Uint64(sb[i:])
		binary.LittleEndian.PutUint64(db[i:], w)
	}
	for ; i < len(d); i++ {
		d[i] = d[i] || s[i]
	}
}

// notBools sets d[i] to !s[i] for each i of d (s has at least as many),
// eight bools a word.
func notBools(d, s []bool) {
	db, sb := boolBytes(d), boolBytes(s)[:len(d)]
	i := 0
	for ; i+8 <= len(db); i += 8 {
		w := binary.LittleEndian.Uint64(sb[i:]) ^ 0x0101010101010101
		binary.LittleEndian.PutUint64(db[i:], w)
	}
	for ; i < len(d); i++ {
		d[i] = !s[i]
	}
}

// exprAnd and exprOr are three-valued AND and OR.
type exprAnd struct{ l, r expr }
type exprOr struct{ l, r expr }

// exprNot is three-valued NOT.
type exprNot struct{ x expr }

func (e *exprAnd) typ() *dtype { return tBool }
func (e *exprOr) typ() *dtype  { return tBool }
func (e *exprNot) typ() *dtype { return tBool }

func (e *exprAnd) eval(a *arena, c *chunk) *vec { return logic(a, c, e.l, e.r, true) }
func (e *exprOr) eval(a *arena, c *chunk) *vec  { return logic(a, c, e.l, e.r, false) }

// logic evaluates l, then r only on the rows l leaves undecided (AND: l
// TRUE or NULL; OR: l FALSE or NULL), as Trino short-circuits: "packets
// = 0 OR bytes / packets > 1000" must not divide by zero.
func logic(a *arena, c *chunk, l, r expr, isAnd bool) *vec {
	x := flat(a, l.eval(a, c), c.n)
	var y *vec
	if !mayFail(r) {
		// Fast path: r cannot fail on the rows l decided, and evaluating
		// it on every row costs less than a gather.
		y = flat(a, r.eval(a, c), c.n)
	} else {
		buf := a.vec(tInt, 0)
		rows := grow(&buf.cb, c.n)[:0]
		for i, b := range x.b[:c.n] {
			if b == isAnd || x.isNull(i) {
				rows = append(rows, int32(i))
			}
		}
		switch len(rows) {
		case c.n:
			y = flat(a, r.eval(a, c), c.n)
		case 0:
			return x // every row decided by l
		default:
			ys := flat(a, r.eval(a, a.subChunk(c, rows)), len(rows))
			y = a.vec(tBool, c.n)
			fill(y.bools(), isAnd) // decided rows: any non-NULL value
			y.nulls()
			scatter(y, rows, ys)
		}
	}
	out := a.vec(tBool, c.n)
	b := out.bools()
	if x.null == nil && y.null == nil {
		if isAnd {
			for i := range b {
				b[i] = x.b[i] && y.b[i]
			}
		} else {
			for i := range b {
				b[i] = x.b[i] || y.b[i]
			}
		}
		return out
	}
	nl := out.nulls()
	for i := range b {
		xn, yn := x.isNull(i), y.isNull(i)
		xv, yv := x.b[i] && !xn, y.b[i] && !yn
		if isAnd {
			xf, yf := !x.b[i] && !xn, !y.b[i] && !yn
			b[i] = xv && yv
			nl[i] = !(xf || yf) && (xn || yn)
		} else {
			b[i] = xv || yv
			nl[i] = !b[i] && (xn || yn)
		}
	}
	return out
}

// neverFails are functions whose kernels record no error.
var neverFails = map[string]bool{"in": true, "like": true, "concat": true, "regexp_like": true,
	"lower": true, "upper": true, "length": true, "starts_with": true, "coalesce": true,
	// the case-folded forms of expr_fold.go
	"lower_eq": true, "lower_ne": true, "lower_in": true, "lower_like": true, "lower_like_any": true, "coalesce_false": true}

// mayFail reports whether evaluating e can record an error (division,
// overflow, CAST...); false only for the shapes known not to.
func mayFail(e expr) bool {
	switch x := e.(type) {
	case *exprCol, *exprConst:
		return false
	case *exprCmp:
		return mayFail(x.l) || mayFail(x.r)
	case *exprAnd:
		return mayFail(x.l) || mayFail(x.r)
	case *exprOr:
		return mayFail(x.l) || mayFail(x.r)
	case *exprNot:
		return mayFail(x.x)
	case *exprIsNull:
		return mayFail(x.x)
	case *exprFunc:
		if !neverFails[x.name] {
			return true
		}
		for _, arg := range x.args {
			if mayFail(arg) {
				return true
			}
		}
		return false
	}
	return true
}

func (e *exprNot) eval(a *arena, c *chunk) *vec {
	x := e.x.eval(a, c)
	if x.dict != nil {
		d := a.vec(tBool, x.dict.n)
		db := d.bools()
		for i := range db {
			db[i] = !x.dict.b[i]
		}
		d.null = x.dict.null
		out := a.vec(tBool, c.n)
		out.codes, out.dict, out.null = x.codes, d, x.null
		return out
	}
	x = flat(a, x, c.n)
	out := a.vec(tBool, c.n)
	notBools(out.bools(), x.b)
	out.null = x.null
	return out
}

// exprIsNull is x IS [NOT] NULL.
type exprIsNull struct {
	x   expr
	not bool
}

func (e *exprIsNull) typ() *dtype { return tBool }

func (e *exprIsNull) eval(a *arena, c *chunk) *vec {
	if col, ok := e.x.(*exprCol); ok {
		// A column not loaded yet: only its validity is read (a hunt's
		// "pkt_dst_aws_service IS NULL" need not load the strings).
		if null, ok := c.nullsOnly(col.slot); ok {
			out := a.vec(tBool, c.n)
			isNullInto(out.bools(), null, e.not)
			return out
		}
	}
	x := e.x.eval(a, c)
	if x.dict == nil {
		x = flat(a, x, c.n)
	}
	out := a.vec(tBool, c.n)
	b := out.bools()
	if x.dict == nil {
		isNullInto(b, x.null, e.not)
		return out
	}
	for i := range b {
		isNull := x.isNull(i)
		if !isNull && x.dict != nil {
			isNull = x.dict.isNull(int(x.codes[i]))
		}
		b[i] = isNull != e.not
	}
	return out
}

// isNullInto sets b[i] to whether row i is NULL (null[i]; null nil: no
// row is), negated when not.
func isNullInto(b, null []bool, not bool) {
	if null == nil {
		fill(b, not)
		return
	}
	null = null[:len(b)]
	for i, isNull := range null {
		b[i] = isNull != not
	}
}

// exprCase is a searched CASE (simple CASE compiles to it).
type exprCase struct {
	t     *dtype
	conds []expr
	vals  []expr
	els   expr // nil means NULL
}

func (e *exprCase) typ() *dtype { return e.t }

// eval evaluates each condition only on the rows no earlier condition
// took, and each value only on the rows its condition took, as Trino
// does: "CASE WHEN packets <> 0 THEN bytes / packets END" must not divide
// the other rows by zero (nor overflow on them).
func (e *exprCase) eval(a *arena, c *chunk) *vec {
	if k, ok := e.constArm(); ok {
		return e.evalConstArm(a, c, k)
	}
	n := c.n
	out := a.vec(e.t, n)
	ensureValues(out) // even when no arm matches
	nl := out.nulls()
	fill(nl, true)
	// rest: the rows no arm has taken, ascending; sub is c restricted to
	// them (c itself while that is every row).
	rest := identity(a, n)
	takeBuf := a.vec(tInt, 0)
	sub := c
	for k, cond := range e.conds {
		cv := flat(a, cond.eval(a, sub), sub.n)
		take := grow(&takeBuf.cb, len(rest))[:0]
		keep := 0
		for j, r := range rest {
			if cv.b[j] && !cv.isNull(j) {
				take = append(take, r)
			} else {
				rest[keep] = r
				keep++
			}
		}
		rest = rest[:keep]
		if len(take) == 0 {
			continue
		}
		e.assign(a, out, c, e.vals[k], take)
		if len(rest) == 0 {
			return out
		}
		sub = a.subChunk(c, rest)
	}
	if e.els != nil && len(rest) > 0 {
		e.assign(a, out, c, e.els, rest)
	}
	return out
}

// constArm returns v when e is CASE WHEN cond THEN v END with v a
// constant: count_if(cond), as count(CASE WHEN cond THEN 1 END).
func (e *exprCase) constArm() (*vec, bool) {
	if len(e.conds) != 1 || e.els != nil {
		return nil, false
	}
	k, ok := e.vals[0].(*exprConst)
	if !ok || k.v.isNull(0) || k.v.t != e.t || !(e.t.isIntLike() || e.t.k == kBool) {
		return nil, false // the general way (NULL, other types)
	}
	return k.v, true
}

// evalConstArm is eval for CASE WHEN cond THEN k END (constArm): k where
// cond is TRUE, NULL elsewhere (cond FALSE or NULL), cond tested per
// dictionary entry when it is one. The general way built lists of the
// rows taken and left and scattered the constant (count_if(action =
// 'ACCEPT') over vpc_port_scan's millions of rows).
func (e *exprCase) evalConstArm(a *arena, c *chunk, k *vec) *vec {
	n := c.n
	cv := e.conds[0].eval(a, c)
	out := a.vec(e.t, n)
	ensureValues(out)
	nl := out.nulls()
	// The value of every row (k is a bigint, integer or boolean, not
	// NULL: constArm); their nulls below, each row's written.
	if e.t.isIntLike() {
		fill(out.i[:n], k.i[0])
	} else {
		fill(out.b[:n], k.b[0])
	}
	switch {
	case cv.isConst:
		fill(nl, cv.isNull(0) || !cv.b[0])
	case cv.dict != nil:
		var table [512]bool // per entry: not TRUE
		tab := table[:0]
		if cv.dict.n <= len(table) {
			tab = table[:cv.dict.n]
		} else {
			tab = make([]bool, cv.dict.n)
		}
		for j := range tab {
			tab[j] = cv.dict.isNull(j) || !cv.dict.b[j]
		}
		nl := nl[:n] // no bounds check on nl in the loops
		if cv.null == nil {
			for i, code := range cv.codes[:n] {
				nl[i] = tab[code]
			}
			break
		}
		null := cv.null[:n]
		for i, code := range cv.codes[:n] {
			nl[i] = tab[code] || null[i]
		}
	default:
		cv = flat(a, cv, n)
		nl := nl[:n]
		if cv.null == nil {
			notBools(nl, cv.b)
			break
		}
		null := cv.null[:n]
		for i, b := range cv.b[:n] {
			nl[i] = !b || null[i]
		}
	}
	return out
}

// assign evaluates x on rows of c (ascending) and sets them in out.
func (e *exprCase) assign(a *arena, out *vec, c *chunk, x expr, rows []int32) {
	if k, ok := x.(*exprConst); ok {
		// Fast path: a constant (count_if, FILTER) needs no gather.
		scatter(out, rows, k.v)
		return
	}
	src := c
	if len(rows) < c.n {
		src = a.subChunk(c, rows)
	}
	scatter(out, rows, flat(a, x.eval(a, src), src.n))
}

// scatter sets rows of out to the values of v, plain (its row j goes to
// rows[j]) or constant, of out's type; one type switch per call. out has
// its null slice.
func scatter(out *vec, rows []int32, v *vec) {
	step := 1
	if v.isConst {
		step = 0
	}
	if v.null == nil {
		for _, r := range rows {
			out.null[r] = false
		}
	} else {
		for j, r := range rows {
			out.null[r] = v.null[j*step]
		}
	}
	// A vec without values (NULL typed unknown, or all NULL) takes the
	// slow path, which reads no value of a NULL row.
	switch {
	case out.t.isIntLike() && v.i != nil:
		for j, r := range rows {
			out.i[r] = v.i[j*step]
		}
	case out.t.k == kDouble && v.f != nil:
		for j, r := range rows {
			out.f[r] = v.f[j*step]
		}
	case out.t.isStringy() && v.s != nil:
		for j, r := range rows {
			out.s[r] = v.s[j*step]
		}
	case out.t.k == kBool && v.b != nil:
		for j, r := range rows {
			out.b[r] = v.b[j*step]
		}
	default:
		for j, r := range rows {
			setFrom(out, int(r), v, j*step)
		}
	}
}

// setFrom copies row j of plain v into row i of out (same type); slow
// path for CASE and COALESCE only.
func setFrom(out *vec, i int, v *vec, j int) {
	if v.isNull(j) {
		out.null[i] = true
		return
	}
	out.null[i] = false
	switch {
	case out.t.isIntLike():
		if out.i == nil {
			out.ints()
		}
		out.i[i] = v.i[j]
	case out.t.k == kDouble:
		if out.f == nil {
			out.floats()
		}
		out.f[i] = v.f[j]
	case out.t.isStringy():
		if out.s == nil {
			out.strs()
		}
		out.s[i] = v.s[j]
	case out.t.k == kBool:
		if out.b == nil {
			out.bools()
		}
		out.b[i] = v.b[j]
	case out.t.k == kArray:
		if out.x == nil {
			out.x = make([]any, out.n)
		}
		out.x[i] = v.x[j]
	}
}

// ensureValues allocates out's value slice even when every row is null.
func ensureValues(out *vec) {
	switch {
	case out.t.isIntLike():
		if out.i == nil {
			out.ints()
		}
	case out.t.k == kDouble:
		if out.f == nil {
			out.floats()
		}
	case out.t.isStringy():
		if out.s == nil {
			out.strs()
		}
	case out.t.k == kBool:
		if out.b == nil {
			out.bools()
		}
	case out.t.k == kArray:
		if out.x == nil {
			out.x = make([]any, out.n)
		}
	}
}

// exprField is field access on a struct value (after UNNEST, or on a
// subscripted array element).
type exprField struct {
	t    *dtype
	x    expr
	idx  int
	name string
}

func (e *exprField) typ() *dtype { return e.t }

func (e *exprField) eval(a *arena, c *chunk) *vec {
	x := e.x.eval(a, c)
	out := a.vec(e.t, c.n)
	if x.arr == nil {
		// A struct that went through a blocking operator is a Go map.
		x = flat(a, x, c.n)
		nl := out.nulls()
		ensureValues(out)
		for i := 0; i < c.n; i++ {
			var m map[string]any
			if x.x != nil {
				m, _ = x.x[i].(map[string]any)
			}
			switch fv := m[e.name].(type) {
			case string:
				if out.s != nil {
					out.s[i] = fv
				}
			case int64:
				if out.i != nil {
					out.i[i] = fv
				}
			case float64:
				if out.f != nil {
					out.f[i] = fv
				}
			case bool:
				if out.b != nil {
					out.b[i] = fv
				}
			default:
				nl[i] = true
				continue
			}
			nl[i] = x.isNull(i)
		}
		return out
	}
	sa := x.arr.(*array.Struct)
	fi, ok := sa.DataType().(*arrow.StructType).FieldIdx(e.name)
	if !ok {
		// The reader projected the struct without this field.
		out.reset(e.t, c.n)
		ensureValues(out)
		fill(out.nulls(), true)
		return out
	}
	child := sa.Field(fi)
	idx := x.idx
	if idx == nil {
		idx = identity(a, c.n)
	}
	loadArrow(a, out, child, nil, idx, c.n)
	if x.arr.NullN() > 0 {
		if out.null == nil {
			out.nulls()
		}
		for i := range out.null {
			out.null[i] = out.null[i] || x.arr.IsNull(x.complexRow(i))
		}
	}
	if x.null != nil {
		if out.null == nil {
			out.nulls()
		}
		for i := range out.null {
			out.null[i] = out.null[i] || x.null[i]
		}
	}
	return out
}

// identity returns 0..n-1 from a scratch vec.
func identity(a *arena, n int) []int32 {
	v := a.vec(tInt, n)
	s := grow(&v.cb, n)
	for i := range s {
		s[i] = int32(i)
	}
	return s
}

// exprTry is try(x): rows whose evaluation fails (bad CAST input,
// division by zero, unparsable timestamps) are NULL instead of failing
// the query. Kernels already NULL a failing row; try drops the error.
type exprTry struct{ x expr }

func (e *exprTry) typ() *dtype { return e.x.typ() }

func (e *exprTry) eval(a *arena, c *chunk) *vec {
	saved := a.err
	v := e.x.eval(a, c)
	a.err = saved
	return v
}
