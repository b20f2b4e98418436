package engine

import (
	"math"
	"time"
)

// Arithmetic kernels. The compiler picks one per operator and operand
// types, so the loops below see only typed slices.

func arithIntKernel(op string) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x, y := args[0].i, args[1].i
		o := out.ints()
		hasNull := strictNulls(out, args)
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
		case "/", "%":
			for i := range o {
				if y[i] == 0 {
					if hasNull && out.null[i] {
						continue
					}
					a.fail("division by zero")
					out.nulls()[i] = true
					continue
				}
				if op == "/" {
					o[i] = x[i] / y[i]
				} else {
					o[i] = x[i] % y[i]
				}
			}
		}
	}
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

func negKernel(a *arena, out *vec, args []*vec) {
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
	for i := range o {
		o[i] = -x.i[i]
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
