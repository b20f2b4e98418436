package engine

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// castKernel returns the kernel converting from to to; try turns failures
// into NULL (TRY_CAST) instead of an error. ok is false for casts the
// engine does not support. where positions the errors in the query.
func castKernel(from, to *dtype, try bool, where string) (kernel, bool) {
	failf := func(a *arena, out *vec, i int, s string) {
		out.null[i] = true
		if !try {
			a.failAt(where, "cannot cast "+quoteFound(s)+" to "+to.name)
		}
	}
	prep := func(out *vec, x *vec) {
		nl := out.nulls()
		if x.null != nil {
			copy(nl, x.null)
		}
	}
	switch {
	case from.k == to.k || (from.k == kNull):
		return func(a *arena, out *vec, args []*vec) {
			x := args[0]
			out.null, out.i, out.f, out.s, out.b, out.x = x.null, x.i, x.f, x.s, x.b, x.x
			if from.k == kNull {
				fill(out.nulls(), true)
				ensureValues(out)
			}
		}, true
	case from.k == kString && to.k == kIPAddress:
		return castToIPKernel(try, where), true
	case from.k == kJSON && to.k == kArray && to.elem.k == kJSON:
		return jsonToArrayKernel(try, where), true
	case to.k == kString:
		return func(a *arena, out *vec, args []*vec) {
			x := args[0]
			o := out.strs()
			out.null = x.null
			for i := range o {
				if x.isNull(i) {
					continue
				}
				start := a.strStart()
				a.buf = appendValue(a.buf, x, i)
				o[i] = a.strEnd(start)
			}
		}, true
	case from.isText() && to.k == kInt:
		return parseCast((*vec).ints, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }, prep, failf), true
	case from.isText() && to.k == kDouble:
		return parseCast((*vec).floats, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }, prep, failf), true
	case from.isText() && to.k == kBool:
		return func(a *arena, out *vec, args []*vec) {
			x := args[0]
			o := out.bools()
			prep(out, x)
			for i, s := range x.s {
				if out.null[i] {
					continue
				}
				switch strings.ToLower(strings.TrimSpace(s)) {
				case "true", "t", "1":
					o[i] = true
				case "false", "f", "0":
					o[i] = false
				default:
					failf(a, out, i, s)
				}
			}
		}, true
	case from.isText() && (to.k == kTimestamp || to.k == kDate):
		return func(a *arena, out *vec, args []*vec) {
			x := args[0]
			o := out.ints()
			prep(out, x)
			for i, s := range x.s {
				if out.null[i] {
					continue
				}
				us, ok := parseTimestamp(s)
				if !ok {
					failf(a, out, i, s)
				}
				if to.k == kDate {
					us = truncMicros(us, "day")
				}
				o[i] = us
			}
		}, true
	case from.k == kString && to.k == kJSON:
		return func(a *arena, out *vec, args []*vec) {
			x := args[0]
			o := out.strs()
			out.null = x.null
			for i, s := range x.s {
				start := a.strStart()
				a.buf = strconv.AppendQuote(a.buf, s)
				o[i] = a.strEnd(start)
			}
		}, true
	case from.k == kInt && to.k == kDouble:
		return func(a *arena, out *vec, args []*vec) {
			x := args[0]
			o := out.floats()
			out.null = x.null
			for i, v := range x.i {
				o[i] = float64(v)
			}
		}, true
	case from.k == kDouble && to.k == kInt:
		return func(a *arena, out *vec, args []*vec) {
			x := args[0]
			o := out.ints()
			prep(out, x)
			for i, v := range x.f {
				if out.null[i] {
					continue
				}
				if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 9.2e18 {
					failf(a, out, i, strconv.FormatFloat(v, 'g', -1, 64))
					continue
				}
				o[i] = int64(math.Round(v))
			}
		}, true
	case from.k == kBool && (to.k == kInt || to.k == kDouble):
		return func(a *arena, out *vec, args []*vec) {
			x := args[0]
			out.null = x.null
			if to.k == kInt {
				o := out.ints()
				for i, v := range x.b {
					o[i] = int64(b2i(v))
				}
				return
			}
			o := out.floats()
			for i, v := range x.b {
				o[i] = float64(b2i(v))
			}
		}, true
	case from.k == kInt && to.k == kBool:
		return func(a *arena, out *vec, args []*vec) {
			x := args[0]
			out.null = x.null
			o := out.bools()
			for i, v := range x.i {
				o[i] = v != 0
			}
		}, true
	case (from.k == kTimestamp || from.k == kDate) && (to.k == kTimestamp || to.k == kDate):
		return func(a *arena, out *vec, args []*vec) {
			x := args[0]
			out.null = x.null
			o := out.ints()
			for i, v := range x.i {
				if to.k == kDate {
					v = truncMicros(v, "day")
				}
				o[i] = v
			}
		}, true
	}
	return nil, false
}

// appendValue formats row i of plain x as Trino's CAST(x AS varchar) does.
func appendValue(dst []byte, x *vec, i int) []byte {
	switch x.t.k {
	case kString, kJSON:
		return append(dst, x.s[i]...)
	case kIPAddress:
		return appendIPText(dst, x.s[i])
	case kInt, kIntervalYM:
		return strconv.AppendInt(dst, x.i[i], 10)
	case kIntervalDS:
		return appendIntervalDS(dst, x.i[i])
	case kDouble:
		return appendDouble(dst, x.f[i])
	case kBool:
		return strconv.AppendBool(dst, x.b[i])
	case kTimestamp:
		return time.UnixMicro(x.i[i]).UTC().AppendFormat(dst, "2006-01-02 15:04:05.000")
	case kDate:
		return time.UnixMicro(x.i[i]).UTC().AppendFormat(dst, "2006-01-02")
	}
	if x.x != nil {
		return append(dst, formatValue(x.x[i])...)
	}
	if x.arr != nil {
		return append(dst, formatValue(arrowValueView(x.arr, x.complexRow(i)))...)
	}
	return dst
}

// appendDouble formats like Trino (Java's Double.toString): at least one
// fractional digit, scientific notation outside [1e-3, 1e7) as "1.5E9".
func appendDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	if a := math.Abs(f); a == 0 || (a >= 1e-3 && a < 1e7) {
		start := len(dst)
		dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
		if !strings.Contains(string(dst[start:]), ".") {
			dst = append(dst, '.', '0')
		}
		return dst
	}
	var tmp [32]byte
	s := strconv.AppendFloat(tmp[:0], f, 'E', -1, 64)
	e := strings.IndexByte(string(s), 'E')
	mant, exp := s[:e], s[e+1:]
	dst = append(dst, mant...)
	if !strings.Contains(string(mant), ".") {
		dst = append(dst, '.', '0')
	}
	dst = append(dst, 'E')
	if exp[0] == '-' {
		dst = append(dst, '-')
	}
	exp = exp[1:]
	for len(exp) > 1 && exp[0] == '0' {
		exp = exp[1:]
	}
	return append(dst, exp...)
}

// appendIntervalDS formats milliseconds as Trino's "1 02:03:04.005".
func appendIntervalDS(dst []byte, ms int64) []byte {
	if ms < 0 {
		dst = append(dst, '-')
		ms = -ms
	}
	dst = strconv.AppendInt(dst, ms/86400000, 10)
	ms %= 86400000
	dst = append(dst, ' ')
	two := func(v int64) {
		dst = append(dst, byte('0'+v/10), byte('0'+v%10))
	}
	two(ms / 3600000)
	dst = append(dst, ':')
	two(ms / 60000 % 60)
	dst = append(dst, ':')
	two(ms / 1000 % 60)
	dst = append(dst, '.')
	r := ms % 1000
	dst = append(dst, byte('0'+r/100), byte('0'+r/10%10), byte('0'+r%10))
	return dst
}

// parseTimestamp parses the timestamp text forms Trino accepts in CAST and
// literals ("2024-01-01", "2024-01-01 00:00:00[.fff]") and ISO 8601 with
// 'T' and a zone ("2024-01-01T00:00:00Z"), to UTC microseconds.
func parseTimestamp(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if us, ok := parseISOFast(s, nil); ok {
		return us, true
	}
	for _, layout := range [...]string{
		"2006-01-02 15:04:05.999999999",
		"2006-01-02 15:04:05.999999999 MST",
		"2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999 Z07:00",
		"2006-01-02T15:04:05.999999999Z07:00",
		"2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04",
		"2006-01-02T15:04Z07:00",
		"2006-01-02",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMicro(), true
		}
	}
	return 0, false
}

// parseISOFast parses CloudTrail's eventTime shape "2024-01-02T03:04:05Z"
// (optionally with .fff before Z) without the time package: the fast
// path of from_iso8601_timestamp over millions of rows. cache, when not
// nil, remembers the last date so runs of one day skip the calendar math.
func parseISOFast(s string, cache *isoCache) (int64, bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[len(s)-1] != 'Z' {
		return 0, false
	}
	h, ok1 := digits2(s, 11)
	mi, ok2 := digits2(s, 14)
	sec, ok3 := digits2(s, 17)
	if !(ok1 && ok2 && ok3) || h > 23 || mi > 59 || sec > 60 {
		return 0, false
	}
	var days int64
	if cache != nil && cache.date == s[:10] {
		days = cache.days
	} else {
		y1, ok1 := digits2(s, 0)
		y2, ok2 := digits2(s, 2)
		mo, ok3 := digits2(s, 5)
		d, ok4 := digits2(s, 8)
		if !(ok1 && ok2 && ok3 && ok4) || mo < 1 || mo > 12 || d < 1 || d > 31 {
			return 0, false
		}
		days = daysFromCivil(y1*100+y2, mo, d)
		if cache != nil {
			cache.date, cache.days = s[:10], days
		}
	}
	var frac int64
	if rest := s[19 : len(s)-1]; rest != "" {
		if rest[0] != '.' || len(rest) < 2 || len(rest) > 10 {
			return 0, false
		}
		for k := 1; k < len(rest); k++ {
			c := rest[k]
			if c < '0' || c > '9' {
				return 0, false
			}
			if k <= 6 {
				frac = frac*10 + int64(c-'0')
			}
		}
		for k := len(rest) - 1; k < 6; k++ {
			frac *= 10
		}
	}
	return ((days*24+h)*60+mi)*60_000_000 + sec*1_000_000 + frac, true
}

// isoCache is the last date parseISOFast converted.
type isoCache struct {
	date string
	days int64
}

// digits2 parses the two decimal digits at s[i:i+2].
func digits2(s string, i int) (int64, bool) {
	a, b := s[i]-'0', s[i+1]-'0'
	return int64(a)*10 + int64(b), a <= 9 && b <= 9
}

// daysFromCivil is Howard Hinnant's days_from_civil: days since 1970-01-01.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// truncMicros truncates a timestamp to unit (date_trunc).
func truncMicros(us int64, unit string) int64 {
	const sec = 1_000_000
	floor := func(v, m int64) int64 {
		r := v % m
		if r < 0 {
			r += m
		}
		return v - r
	}
	switch unit {
	case "millisecond":
		return floor(us, 1000)
	case "second":
		return floor(us, sec)
	case "minute":
		return floor(us, 60*sec)
	case "hour":
		return floor(us, 3600*sec)
	case "day":
		return floor(us, 86400*sec)
	}
	t := time.UnixMicro(us).UTC()
	y, m, d := t.Date()
	switch unit {
	case "week":
		wd := (int(t.Weekday()) + 6) % 7 // Monday is the first day
		return time.Date(y, m, d-wd, 0, 0, 0, 0, time.UTC).UnixMicro()
	case "month":
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	case "quarter":
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	case "year":
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	}
	return us
}

// parseCast is the kernel of CAST(string AS number): values gets the output
// slice, parse reads one trimmed value, and a value that does not parse is
// failed (an error, or NULL under TRY_CAST).
func parseCast[T any](values func(*vec) []T, parse func(string) (T, error),
	prep func(out, x *vec), failf func(a *arena, out *vec, i int, s string)) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		o := values(out)
		prep(out, x)
		for i, s := range x.s {
			if out.null[i] {
				continue
			}
			v, err := parse(strings.TrimSpace(s))
			if err != nil {
				failf(a, out, i, s)
			}
			o[i] = v
		}
	}
}
