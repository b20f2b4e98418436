package engine

import (
	"math"
	"time"
)

// Time function kernels. Timestamps are UTC microseconds (vec.i).

// fromISO8601Kernel is from_iso8601_timestamp; CloudTrail's shape takes
// the allocation-free fast path.
func fromISO8601Kernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.ints()
	nl := out.nulls()
	if x.null != nil {
		copy(nl, x.null)
	}
	var cache isoCache
	for i, s := range x.s {
		if nl[i] {
			continue
		}
		us, ok := parseISOFast(s, &cache)
		if !ok {
			// Slow path: other ISO 8601 shapes.
			us, ok = parseTimestamp(s)
		}
		if !ok {
			a.fail("from_iso8601_timestamp: cannot parse " + quoteFound(s))
			nl[i] = true
			continue
		}
		o[i] = us
	}
}

// fromUnixtimeKernel is from_unixtime(seconds).
func fromUnixtimeKernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.ints()
	out.null = x.null
	if x.t.k == kDouble {
		for i, v := range x.f {
			o[i] = int64(math.Round(v * 1e6))
		}
		return
	}
	for i, v := range x.i {
		o[i] = v * 1_000_000
	}
}

// toUnixtimeKernel is to_unixtime(ts): seconds as double.
func toUnixtimeKernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.floats()
	out.null = x.null
	for i, v := range x.i {
		o[i] = float64(v) / 1e6
	}
}

func toISO8601Kernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.strs()
	out.null = x.null
	for i, v := range x.i {
		start := a.strStart()
		a.buf = time.UnixMicro(v).UTC().AppendFormat(a.buf, "2006-01-02T15:04:05.000Z")
		o[i] = a.strEnd(start)
	}
}

var timeUnits = map[string]bool{"millisecond": true, "second": true, "minute": true, "hour": true, "day": true, "week": true, "month": true, "quarter": true, "year": true}

func dateTruncKernel(unit string) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[1]
		o := out.ints()
		out.null = x.null
		for i, v := range x.i {
			o[i] = truncMicros(v, unit)
		}
	}
}

// dateAddMicros adds n units to a timestamp.
func dateAddMicros(unit string, n, us int64) int64 {
	const sec = 1_000_000
	switch unit {
	case "millisecond":
		return us + n*1000
	case "second":
		return us + n*sec
	case "minute":
		return us + n*60*sec
	case "hour":
		return us + n*3600*sec
	case "day":
		return us + n*86400*sec
	case "week":
		return us + n*7*86400*sec
	case "month":
		return addMonths(us, int(n))
	case "quarter":
		return addMonths(us, int(3*n))
	case "year":
		return addMonths(us, int(12*n))
	}
	return us
}

func dateAddKernel(unit string) kernel {
	return func(a *arena, out *vec, args []*vec) {
		n, x := args[1], args[2]
		o := out.ints()
		strictNulls(out, args)
		for i, v := range x.i {
			o[i] = dateAddMicros(unit, n.i[i], v)
		}
	}
}

// dateDiffKernel is date_diff(unit, a, b): whole units from a to b.
func dateDiffKernel(unit string) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x, y := args[1], args[2]
		o := out.ints()
		strictNulls(out, args)
		for i := range o {
			o[i] = dateDiff(unit, x.i[i], y.i[i])
		}
	}
}

func dateDiff(unit string, from, to int64) int64 {
	d := to - from
	const sec = 1_000_000
	switch unit {
	case "millisecond":
		return d / 1000
	case "second":
		return d / sec
	case "minute":
		return d / (60 * sec)
	case "hour":
		return d / (3600 * sec)
	case "day":
		return d / (86400 * sec)
	case "week":
		return d / (7 * 86400 * sec)
	}
	ft, tt := time.UnixMicro(from).UTC(), time.UnixMicro(to).UTC()
	months := int64(tt.Year()-ft.Year())*12 + int64(tt.Month()-ft.Month())
	// Not a whole month yet when the day/time of month is not reached.
	if months > 0 && addMonths(from, int(months)) > to {
		months--
	} else if months < 0 && addMonths(from, int(months)) < to {
		months++
	}
	switch unit {
	case "quarter":
		return months / 3
	case "year":
		return months / 12
	}
	return months
}

// extractKernel is year(), month(), day(), hour(), minute(), second(),
// day_of_week() (ISO, Monday = 1), day_of_year().
func extractKernel(field string) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		o := out.ints()
		out.null = x.null
		for i, v := range x.i {
			t := time.UnixMicro(v).UTC()
			var r int
			switch field {
			case "year":
				r = t.Year()
			case "month":
				r = int(t.Month())
			case "day":
				r = t.Day()
			case "hour":
				r = t.Hour()
			case "minute":
				r = t.Minute()
			case "second":
				r = t.Second()
			case "day_of_week":
				r = (int(t.Weekday())+6)%7 + 1
			case "day_of_year":
				r = t.YearDay()
			case "quarter":
				r = (int(t.Month())-1)/3 + 1
			case "week":
				_, r = t.ISOWeek()
			}
			o[i] = int64(r)
		}
	}
}
