package engine

import "math"

// buildMath is abs, floor and ceil over bigint or double.
func buildMath(fn string) func(c *compiler, call *Call, args []expr) (expr, error) {
	return func(c *compiler, call *Call, args []expr) (expr, error) {
		t := args[0].typ()
		if !t.isNumeric() {
			return nil, c.errf(call.Args[0].Pos(), "expected a number as argument 1 of "+call.Name+", found "+t.name)
		}
		return &exprFunc{name: call.Name, t: t, args: args, k: mathKernel(fn, t, c.whereExpr(call.pos, call.String())), strict: true}, nil
	}
}

// mathKernel is fn over t; where names the call in errors (abs of the
// smallest value overflows, as in Trino).
func mathKernel(fn string, t *dtype, where string) kernel {
	narrow := is32(t)
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		out.null = x.null
		if x.t.k == kInt {
			if fn != "abs" {
				out.i = x.i
				return
			}
			o := out.ints()
			var ov int64
			for i, v := range x.i {
				m := v >> 63
				r := (v ^ m) - m
				if narrow {
					ov |= r ^ int64(int32(r))
				} else {
					ov |= r >> 63 // negative only for MinInt64
				}
				o[i] = r
			}
			if ov != 0 {
				unaryOverflowSlow(a, out, x, t, where, "value ", " is out of range for abs("+t.name+")")
			}
			return
		}
		o := out.floats()
		for i, v := range x.f {
			switch fn {
			case "abs":
				v = math.Abs(v)
			case "floor":
				v = math.Floor(v)
			case "ceil":
				v = math.Ceil(v)
			}
			o[i] = v
		}
	}
}

// buildRound is round(x[, digits]), rounding half away from zero as Trino.
func buildRound(c *compiler, call *Call, args []expr) (expr, error) {
	t := args[0].typ()
	if !t.isNumeric() {
		return nil, c.errf(call.Args[0].Pos(), "expected a number as argument 1 of round, found "+t.name)
	}
	d := int64(0)
	if len(args) > 1 {
		var err error
		if d, err = c.constInt(call, 1, args); err != nil {
			return nil, err
		}
	}
	return &exprFunc{name: call.Name, t: t, args: args[:1], k: func(a *arena, out *vec, in []*vec) {
		x := in[0]
		out.null = x.null
		if x.t.k == kInt {
			o := out.ints()
			p := int64(math.Pow10(int(max(-d, 0))))
			for i, v := range x.i {
				if p > 1 {
					v = int64(math.Round(float64(v)/float64(p))) * p
				}
				o[i] = v
			}
			return
		}
		o := out.floats()
		p := math.Pow10(int(d))
		for i, v := range x.f {
			o[i] = math.Round(v*p) / p
		}
	}, strict: true}, nil
}

// unaryDouble declares a strict double → double function.
func unaryDouble(f func(float64) float64) funcDef {
	return plain(tDouble, []*dtype{tDouble}, func(a *arena, out *vec, args []*vec) {
		x := args[0]
		o := out.floats()
		out.null = x.null
		for i, v := range x.f {
			o[i] = f(v)
		}
	})
}

func binaryDouble(f func(x, y float64) float64) funcDef {
	return plain(tDouble, []*dtype{tDouble, tDouble}, func(a *arena, out *vec, args []*vec) {
		x, y := args[0], args[1]
		o := out.floats()
		strictNulls(out, args)
		for i, v := range x.f {
			o[i] = f(v, y.f[i])
		}
	})
}

func sign(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return v
}

// buildMod is mod(x, y) over bigint or double.
func buildMod(c *compiler, call *Call, args []expr) (expr, error) {
	if args[0].typ().k == kInt && args[1].typ().k == kInt {
		return &exprFunc{name: call.Name, t: tInt, args: args, k: arithIntKernel("%", tInt, c.whereExpr(call.pos, call.String())), strict: true}, nil
	}
	for i := range args {
		a, err := c.argAs(call, i, args[i], tDouble)
		if err != nil {
			return nil, err
		}
		args[i] = a
	}
	return &exprFunc{name: call.Name, t: tDouble, args: args, k: arithDoubleKernel("%"), strict: true}, nil
}

// buildGreatest is greatest(...) and least(...): NULL if any argument is.
func buildGreatest(isMax bool) func(c *compiler, call *Call, args []expr) (expr, error) {
	return func(c *compiler, call *Call, args []expr) (expr, error) {
		t, err := c.commonType(args, call.pos)
		if err != nil {
			return nil, err
		}
		if t.isComplex() || t.k == kBool {
			return nil, c.errf(call.pos, "expected orderable arguments to "+call.Name+", found "+t.name)
		}
		if t.k == kNull {
			return &exprConst{v: constVec(tNull, true)}, nil
		}
		for i := range args {
			args[i] = c.mustCoerce(args[i], t)
		}
		return &exprFunc{name: call.Name, t: t, args: args, strict: true, k: func(a *arena, out *vec, in []*vec) {
			strictNulls(out, in)
			op := opGt
			if !isMax {
				op = opLt
			}
			better := a.vec(tBool, out.n)
			switch {
			case t.isIntLike():
				o := out.ints()
				copy(o, in[0].i)
				for _, v := range in[1:] {
					cur := &vec{t: t, n: out.n, i: o}
					compareVecs(op, better, v, cur)
					for i, b := range better.b {
						if b {
							o[i] = v.i[i]
						}
					}
				}
			case t.k == kDouble:
				o := out.floats()
				copy(o, in[0].f)
				for _, v := range in[1:] {
					cur := &vec{t: t, n: out.n, f: o}
					compareVecs(op, better, v, cur)
					for i, b := range better.b {
						if b {
							o[i] = v.f[i]
						}
					}
				}
			case t.isStringy():
				o := out.strs()
				copy(o, in[0].s)
				for _, v := range in[1:] {
					cur := &vec{t: t, n: out.n, s: o}
					compareVecs(op, better, v, cur)
					for i, b := range better.b {
						if b {
							o[i] = v.s[i]
						}
					}
				}
			}
		}}, nil
	}
}
