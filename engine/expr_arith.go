package engine

import (
	"math"
	"math/bits"
	"time"
)

// Arithmetic kernels. The compiler picks one per operator and operand
// types, so the loops below see only typed slices.

// Integer overflow is an error, as in Trino ("bigint addition overflow:
// 9223372036854775807 + 1"): a wrapped sum would hide what a hunt looks
// for (one flow of 2^63-1 bytes turned sum(bytes) negative). The fast
// loops stay branch-free: each folds an overflow flag into ov with the
// usual bit tricks, and only a chunk whose ov is set runs the slow path,
// which finds the rows (NULL rows hold arbitrary values and don't count),
// makes them NULL for try() and reports the first.

// whereExpr names an expression in runtime errors: its position in the
// query and its SQL, "query:3:14: bytes + 1: " (see runtimeError).
func (c *compiler) whereExpr(pos int, text string) string {
	return c.where(pos) + text + ": "
}

// is32 reports the SQL integer type (32 bits, held in vec.i like bigint).
func is32(t *dtype) bool { return t == tInteger }

// opNames are the words of Trino's overflow messages.
var opNames = map[string]string{"+": "addition", "-": "subtraction", "*": "multiplication", "/": "division"}

// arithIntKernel is + - * / % over two values of type t (bigint, integer
// or one interval type); where names the expression in errors.
func arithIntKernel(op string, t *dtype, where string) kernel {
	narrow := is32(t)
	return func(a *arena, out *vec, args []*vec) {
		x, y := args[0].i, args[1].i
		o := out.ints()
		hasNull := strictNulls(out, args)
		var ov int64 // non-zero: some row overflowed
		switch {
		case op == "+" && narrow:
			for i := range o {
				r := x[i] + y[i]
				ov |= r ^ int64(int32(r))
				o[i] = r
			}
		case op == "+":
			for i := range o {
				r := x[i] + y[i]
				ov |= (x[i] ^ r) & (y[i] ^ r) >> 63
				o[i] = r
			}
		case op == "-" && narrow:
			for i := range o {
				r := x[i] - y[i]
				ov |= r ^ int64(int32(r))
				o[i] = r
			}
		case op == "-":
			for i := range o {
				r := x[i] - y[i]
				ov |= (x[i] ^ y[i]) & (x[i] ^ r) >> 63
				o[i] = r
			}
		case op == "*" && narrow:
			for i := range o {
				r := x[i] * y[i]
				ov |= r ^ int64(int32(r))
				o[i] = r
			}
		case op == "*":
			for i := range o {
				hi, lo := bits.Mul64(uint64(x[i]), uint64(y[i]))
				// The signed high word must be the sign of the low word.
				shi := int64(hi) - x[i]>>63&y[i] - y[i]>>63&x[i]
				ov |= shi ^ int64(lo)>>63
				o[i] = int64(lo)
			}
		case op == "/" || op == "%":
			for i := range o {
				if y[i] == 0 {
					if hasNull && out.null[i] {
						continue
					}
					a.failAt(where, "division by zero")
					out.nulls()[i] = true
					continue
				}
				if op == "/" {
					// Only MinInt / -1 overflows (Go gives MinInt64).
					r := x[i] / y[i]
					if narrow {
						ov |= r ^ int64(int32(r))
					} else if y[i] == -1 && x[i] == math.MinInt64 {
						ov = 1
					}
					o[i] = r
				} else {
					o[i] = x[i] % y[i]
				}
			}
		}
		if ov != 0 {
			arithOverflowSlow(a, out, x, y, op, t, where)
		}
	}
}

// arithIntByConstKernel is x / d or x % d over bigint or integer x for a
// constant d other than 0 and -1 (args[1] holds d): no row divides by zero
// and none overflows (only MinInt / -1 does), so the loop tests neither.
// The time buckets hunts group by (start - start % 300) divide by a few
// constants, which the compiler divides by multiplying: a division
// instruction costs tens of cycles a row.
func arithIntByConstKernel(op string, d int64) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0].i
		o := out.ints()[:len(x)]
		strictNulls(out, args)
		if op == "/" {
			divConst(o, x, d)
		} else {
			modConst(o, x, d)
		}
	}
}

// truncConst reports whether l op r is x - x % d for an integer column x
// and a constant d that arithIntByConstKernel divides by, and returns d.
func truncConst(op string, l, r expr) (int64, bool) {
	m, ok := r.(*exprFunc)
	if op != "-" || !ok || m.name != "%" || len(m.args) != 2 {
		return 0, false
	}
	x, ok1 := l.(*exprCol)
	y, ok2 := m.args[0].(*exprCol)
	d, ok3 := m.args[1].(*exprConst)
	if !ok1 || !ok2 || !ok3 || x.slot != y.slot || x.t.k != kInt || y.t.k != kInt || d.v.t.k != kInt ||
		d.v.isNull(0) || d.v.i[0] == 0 || d.v.i[0] == -1 {
		return 0, false
	}
	return d.v.i[0], true
}

// truncMulConst reports whether l op r is x / d * d for an integer
// column x and a constant d that arithIntByConstKernel divides by (the
// time bucket start / 60 * 60), and returns d: x - x % d by another name
// (Go's and Trino's % is x - x / d * d), whose product never overflows.
func truncMulConst(op string, l, r expr) (int64, bool) {
	q, ok := l.(*exprFunc)
	if op != "*" || !ok || q.name != "/" || len(q.args) != 2 {
		return 0, false
	}
	x, ok1 := q.args[0].(*exprCol)
	d1, ok2 := q.args[1].(*exprConst)
	d2, ok3 := r.(*exprConst)
	if !ok1 || !ok2 || !ok3 || x.t.k != kInt || d1.v.t.k != kInt || d2.v.t.k != kInt ||
		d1.v.isNull(0) || d2.v.isNull(0) || d1.v.i[0] != d2.v.i[0] || d1.v.i[0] == 0 || d1.v.i[0] == -1 {
		return 0, false
	}
	return d1.v.i[0], true
}

// truncConstKernel is x - x % d over bigint or integer x for a constant d
// other than 0 and -1 (args[1] holds d): x % d has x's sign and is no
// larger than x, so the difference lies between 0 and x and never
// overflows. The time buckets hunts group by (start - start % 300) cost
// one pass instead of a remainder pass and a subtraction pass that tests
// for overflow.
func truncConstKernel(d int64) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0].i
		o := out.ints()[:len(x)]
		strictNulls(out, args)
		truncConstInto(o, x, d)
	}
}

// truncConstInto writes x[i] - x[i] % d into o (d not 0), computed as
// x[i] / d * d: the same value (Go's % is x - x/d*d), in four fewer
// instructions a row by a constant d than the subtractions.
func truncConstInto(o, x []int64, d int64) {
	o = o[:len(x)]
	switch d {
	case 60:
		for i, v := range x {
			o[i] = v / 60 * 60
		}
	case 300:
		for i, v := range x {
			o[i] = v / 300 * 300
		}
	case 600:
		for i, v := range x {
			o[i] = v / 600 * 600
		}
	case 900:
		for i, v := range x {
			o[i] = v / 900 * 900
		}
	case 3600:
		for i, v := range x {
			o[i] = v / 3600 * 3600
		}
	case 86400:
		for i, v := range x {
			o[i] = v / 86400 * 86400
		}
	default:
		for i, v := range x {
			o[i] = v / d * d
		}
	}
}

// divConst writes x[i] / d into o (d not 0).
func divConst(o, x []int64, d int64) {
	o = o[:len(x)]
	switch d {
	case 60:
		for i, v := range x {
			o[i] = v / 60
		}
	case 1000:
		for i, v := range x {
			o[i] = v / 1000
		}
	case 3600:
		for i, v := range x {
			o[i] = v / 3600
		}
	case 86400:
		for i, v := range x {
			o[i] = v / 86400
		}
	case 1000000:
		for i, v := range x {
			o[i] = v / 1000000
		}
	default:
		for i, v := range x {
			o[i] = v / d
		}
	}
}

// modConst writes x[i] % d into o (d not 0).
func modConst(o, x []int64, d int64) {
	o = o[:len(x)]
	switch d {
	case 60:
		for i, v := range x {
			o[i] = v % 60
		}
	case 300:
		for i, v := range x {
			o[i] = v % 300
		}
	case 600:
		for i, v := range x {
			o[i] = v % 600
		}
	case 900:
		for i, v := range x {
			o[i] = v % 900
		}
	case 3600:
		for i, v := range x {
			o[i] = v % 3600
		}
	case 86400:
		for i, v := range x {
			o[i] = v % 86400
		}
	default:
		for i, v := range x {
			o[i] = v % d
		}
	}
}

// arithOverflowSlow finds the rows of out (computed from x op y) that left
// t's range, makes them NULL and reports the first.
//
// Slow path: runs only for a chunk that overflowed.
func arithOverflowSlow(a *arena, out *vec, x, y []int64, op string, t *dtype, where string) {
	nl := out.null
	for i := range out.i {
		if nl != nil && nl[i] {
			continue
		}
		if !overflows(op, x[i], y[i], out.i[i], t) {
			continue
		}
		a.failAt(where, t.name+" "+opNames[op]+" overflow: "+itoa(x[i])+" "+op+" "+itoa(y[i]))
		if nl == nil {
			nl = out.nulls()
		}
		nl[i] = true
	}
}

// overflows reports whether r, computed by Go as x op y, is not the
// mathematical result within t's range.
func overflows(op string, x, y, r int64, t *dtype) bool {
	if is32(t) {
		return r != int64(int32(r))
	}
	switch op {
	case "+":
		return (x^r)&(y^r) < 0
	case "-":
		return (x^y)&(x^r) < 0
	case "*":
		return x != 0 && (r/x != y || (x == -1 && y == math.MinInt64))
	case "/":
		return x == math.MinInt64 && y == -1
	}
	return false
}

func arithDoubleKernel(op string) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x, y := args[0].f, args[1].f
		o := out.floats()
		strictNulls(out, args)
		switch op {
		case "+":
			for i := range o {
				o[i] = x[i] + y[i]
			}
		case "-":
			for i := range o {
				o[i] = x[i] - y[i]
			}
		case "*":
			for i := range o {
				o[i] = x[i] * y[i]
			}
		case "/":
			for i := range o {
				o[i] = x[i] / y[i]
			}
		case "%":
			for i := range o {
				o[i] = math.Mod(x[i], y[i])
			}
		}
	}
}

// timestampIntervalKernel adds (sign 1) or subtracts (sign -1) an interval
// from a timestamp; ym intervals are months.
func timestampIntervalKernel(sign int64, ym bool) kernel {
	return func(a *arena, out *vec, args []*vec) {
		ts, iv := args[0].i, args[1].i
		o := out.ints()
		strictNulls(out, args)
		for i := range o {
			if ym {
				o[i] = addMonths(ts[i], int(sign*iv[i]))
			} else {
				o[i] = ts[i] + sign*iv[i]*1000
			}
		}
	}
}

// timestampDiffKernel is timestamp - timestamp, an interval day to second.
func timestampDiffKernel(a *arena, out *vec, args []*vec) {
	x, y := args[0].i, args[1].i
	o := out.ints()
	strictNulls(out, args)
	for i := range o {
		o[i] = (x[i] - y[i]) / 1000
	}
}

func addMonths(us int64, months int) int64 {
	t := time.UnixMicro(us).UTC()
	y, m, d := t.Date()
	// Trino clamps to the last day of the month (Jan 31 + 1 month = Feb 28/29).
	first := time.Date(y, m+time.Month(months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1).UnixMicro()
}

// negKernel is unary minus over t; where names the expression in errors.
func negKernel(t *dtype, where string) kernel {
	narrow := is32(t)
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		out.null = x.null
		if x.t.k == kDouble {
			o := out.floats()
			for i := range o {
				o[i] = -x.f[i]
			}
			return
		}
		o := out.ints()
		var ov int64
		if narrow {
			for i, v := range x.i {
				r := -v
				ov |= r ^ int64(int32(r))
				o[i] = r
			}
		} else {
			for i, v := range x.i {
				r := -v
				ov |= v & r >> 63 // both negative only for MinInt64
				o[i] = r
			}
		}
		if ov != 0 {
			unaryOverflowSlow(a, out, x, t, where, t.name+" negation overflow: ", "")
		}
	}
}

// unaryOverflowSlow finds the rows of out (computed from x) that left t's
// range, makes them NULL and reports the first as the value between before
// and after. out.null may be x's: it is copied before a row is set.
//
// Slow path: runs only for a chunk that overflowed.
func unaryOverflowSlow(a *arena, out *vec, x *vec, t *dtype, where, before, after string) {
	owned := false
	for i, r := range out.i {
		bad := r < 0 && x.i[i] < 0 // -MinInt64 and abs(MinInt64) are MinInt64
		if is32(t) {
			bad = r != int64(int32(r))
		}
		if !bad || out.isNull(i) {
			continue
		}
		a.failAt(where, before+itoa(x.i[i])+after)
		if !owned {
			nl := grow(&out.nb, out.n)
			if out.null != nil {
				copy(nl, out.null)
			} else {
				clear(nl)
			}
			out.null, owned = nl, true
		}
		out.null[i] = true
	}
}

// intRangeKernel checks that bigint values fit the integer type (CAST to
// integer): out of range is an error ("out of range for integer:
// 2147483648"), or NULL when try.
func intRangeKernel(where string, try bool) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		out.null, out.i = x.null, x.i
		var ov int64
		for _, v := range x.i {
			ov |= v ^ int64(int32(v))
		}
		if ov == 0 {
			return
		}
		// Slow path: copy, and NULL the rows out of range.
		o := out.ints()
		copy(o, x.i)
		nl := grow(&out.nb, out.n)
		if x.null != nil {
			copy(nl, x.null)
		} else {
			clear(nl)
		}
		out.null = nl
		for i, v := range x.i {
			if nl[i] || v == int64(int32(v)) {
				continue
			}
			nl[i] = true
			if !try {
				a.failAt(where, "out of range for integer: "+itoa(v))
			}
		}
	}
}

// concatKernel joins varchar arguments into the arena.
func concatKernel(a *arena, out *vec, args []*vec) {
	o := out.strs()
	strictNulls(out, args)
	for i := range o {
		if out.isNull(i) {
			continue
		}
		start := a.strStart()
		for _, v := range args {
			a.buf = append(a.buf, v.s[i]...)
		}
		o[i] = a.strEnd(start)
	}
}
