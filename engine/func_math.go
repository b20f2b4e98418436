package engine

import "math"

// buildMath is abs, floor and ceil over bigint or double.
func buildMath(fn string) func(c *compiler, call *Call, args []expr) (expr, error) {
	return func(c *compiler, call *Call, args []expr) (expr, error) {
		t := args[0].typ()
		if !t.isNumeric() {
			return nil, c.errf(call.Args[0].Pos(), "expected a number as argument 1 of "+call.Name+", found "+t.name)
		}
		return &exprFunc{name: call.Name, t: t, args: args, k: mathKernel(fn), strict: true}, nil
	}
}

func mathKernel(fn string) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		out.null = x.null
		if x.t.k == kInt {
			o := out.ints()
			for i, v := range x.i {
				if fn == "abs" && v < 0 {
					v = -v
				}
				o[i] = v
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
