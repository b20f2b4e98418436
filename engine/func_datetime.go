package engine

import (
	"strings"
	"time"
)

// Formatting and parsing timestamps with patterns, as Trino does it with
// Joda-Time: date_format and date_parse take MySQL patterns ("%Y-%m-%d"),
// which Trino translates to a Joda formatter; format_datetime and
// parse_datetime take Joda patterns ("yyyy-MM-dd'T'HH:mm:ss"). Both are
// compiled once per query into a dtFormat. Timestamps are UTC and, as
// Trino's timestamp(3), printed and parsed to the millisecond. Parsing
// follows Joda: numeric fields read up to their width, literals match
// case-insensitively, the whole text must be read, fields are checked
// against their ranges (February 30 is an error), missing fields are those
// of 1970-01-01 00:00:00 UTC. Patterns the local engine does not parse
// (day and week names, week years, two-digit Joda years) fail at compile
// time with a message naming --engine athena.

type dtKind uint8

const (
	dtLit            dtKind = iota
	dtYear                  // signed, at least min digits printed, at most max parsed
	dtYear2                 // two-digit year
	dtYearOfEra             // Joda Y
	dtWeekYear              // ISO week year
	dtWeekYear2             // two-digit ISO week year
	dtCentury               // Joda C
	dtEra                   // AD
	dtMonth                 // 1..12
	dtMonthText             // short (Jan) or, with long, full (January)
	dtDay                   // day of month
	dtDayOfYear             // 1..366
	dtDayOfWeek             // ISO, 1 = Monday
	dtDayText               // Mon or Monday
	dtWeek                  // ISO week
	dtHour                  // 0..23
	dtClockHour             // 1..12
	dtHourOfHalfday         // 0..11
	dtClockHourOfDay        // 1..24
	dtHalfday               // AM or PM
	dtMinute                // 0..59
	dtSecond                // 0..59
	dtFraction              // fraction of second: min to max digits
	dtOffset                // +0000, or +00:00 with colon; "Z" parses as zero
	dtZoneID                // UTC
	dtZoneName              // Coordinated Universal Time
)

type dtField struct {
	k        dtKind
	min, max int
	long     bool   // text: full names
	colon    bool   // offset: +00:00
	lit      string // dtLit
	name     string // the pattern's text for this field, for messages
}

type dtFormat []dtField

// appendDT prints the timestamp us (UTC microseconds) with f.
func (f dtFormat) appendDT(dst []byte, us int64) []byte {
	ms := us / 1000
	if us%1000 < 0 {
		ms-- // floor: Trino's timestamp(3) truncates toward the past
	}
	t := time.UnixMilli(ms).UTC()
	for _, fd := range f {
		switch fd.k {
		case dtLit:
			dst = append(dst, fd.lit...)
		case dtYear:
			dst = appendPadded(dst, int64(t.Year()), fd.min)
		case dtYear2:
			dst = appendPadded(dst, int64(mod(t.Year(), 100)), 2)
		case dtYearOfEra:
			y := t.Year()
			if y <= 0 {
				y = 1 - y
			}
			if fd.min == 2 {
				y %= 100
			}
			dst = appendPadded(dst, int64(y), fd.min)
		case dtWeekYear:
			y, _ := t.ISOWeek()
			dst = appendPadded(dst, int64(y), fd.min)
		case dtWeekYear2:
			y, _ := t.ISOWeek()
			dst = appendPadded(dst, int64(mod(y, 100)), 2)
		case dtCentury:
			y := t.Year()
			if y <= 0 {
				y = 1 - y
			}
			dst = appendPadded(dst, int64(y/100), fd.min)
		case dtEra:
			if t.Year() <= 0 {
				dst = append(dst, "BC"...)
			} else {
				dst = append(dst, "AD"...)
			}
		case dtMonth:
			dst = appendPadded(dst, int64(t.Month()), fd.min)
		case dtMonthText:
			if fd.long {
				dst = append(dst, t.Month().String()...)
			} else {
				dst = append(dst, t.Month().String()[:3]...)
			}
		case dtDay:
			dst = appendPadded(dst, int64(t.Day()), fd.min)
		case dtDayOfYear:
			dst = appendPadded(dst, int64(t.YearDay()), fd.min)
		case dtDayOfWeek:
			dst = appendPadded(dst, int64((int(t.Weekday())+6)%7+1), fd.min)
		case dtDayText:
			if fd.long {
				dst = append(dst, t.Weekday().String()...)
			} else {
				dst = append(dst, t.Weekday().String()[:3]...)
			}
		case dtWeek:
			_, w := t.ISOWeek()
			dst = appendPadded(dst, int64(w), fd.min)
		case dtHour:
			dst = appendPadded(dst, int64(t.Hour()), fd.min)
		case dtClockHour:
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			dst = appendPadded(dst, int64(h), fd.min)
		case dtHourOfHalfday:
			dst = appendPadded(dst, int64(t.Hour()%12), fd.min)
		case dtClockHourOfDay:
			h := t.Hour()
			if h == 0 {
				h = 24
			}
			dst = appendPadded(dst, int64(h), fd.min)
		case dtHalfday:
			if t.Hour() < 12 {
				dst = append(dst, "AM"...)
			} else {
				dst = append(dst, "PM"...)
			}
		case dtMinute:
			dst = appendPadded(dst, int64(t.Minute()), fd.min)
		case dtSecond:
			dst = appendPadded(dst, int64(t.Second()), fd.min)
		case dtFraction:
			// Joda's Fraction: the milliseconds as max digits, trailing
			// zeros dropped down to min digits.
			digits := [9]byte{}
			v := int64(t.Nanosecond() / 1e6)
			for k := 0; k < 3; k++ {
				digits[2-k] = byte('0' + v%10)
				v /= 10
			}
			for k := 3; k < 9; k++ {
				digits[k] = '0'
			}
			n := fd.max
			for n > fd.min && digits[n-1] == '0' {
				n--
			}
			dst = append(dst, digits[:n]...)
		case dtOffset:
			if fd.colon {
				dst = append(dst, "+00:00"...)
			} else {
				dst = append(dst, "+0000"...)
			}
		case dtZoneID:
			dst = append(dst, "UTC"...)
		case dtZoneName:
			dst = append(dst, "Coordinated Universal Time"...)
		}
	}
	return dst
}

func mod(a, b int) int { return ((a % b) + b) % b }

// appendPadded appends v with at least width digits.
func appendPadded(dst []byte, v int64, width int) []byte {
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	var b [20]byte
	i := len(b)
	for v >= 10 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	i--
	b[i] = byte('0' + v)
	for k := len(b) - i; k < width; k++ {
		dst = append(dst, '0')
	}
	return append(dst, b[i:]...)
}

// compileMySQLFormat translates a MySQL pattern as Trino does
// (DateTimeFunctions.createDateTimeFormatter). A '%' ending the pattern
// is dropped; %D %U %u %V %w %X are errors, as in Trino.
func compileMySQLFormat(p string) (dtFormat, string) {
	var f dtFormat
	lit := func(s string) {
		if n := len(f); n > 0 && f[n-1].k == dtLit {
			f[n-1].lit += s
			return
		}
		f = append(f, dtField{k: dtLit, lit: s})
	}
	num := func(k dtKind, min, max int, name string) {
		f = append(f, dtField{k: k, min: min, max: max, name: name})
	}
	for i := 0; i < len(p); i++ {
		if p[i] != '%' {
			lit(p[i : i+1])
			continue
		}
		if i+1 >= len(p) {
			break
		}
		i++
		c := p[i]
		name := "%" + string(c)
		switch c {
		case 'a':
			f = append(f, dtField{k: dtDayText, name: name})
		case 'b':
			f = append(f, dtField{k: dtMonthText, name: name})
		case 'c':
			num(dtMonth, 1, 2, name)
		case 'd':
			num(dtDay, 2, 2, name)
		case 'e':
			num(dtDay, 1, 2, name)
		case 'f':
			num(dtFraction, 6, 9, name)
		case 'H':
			num(dtHour, 2, 2, name)
		case 'h', 'I':
			num(dtClockHour, 2, 2, name)
		case 'i':
			num(dtMinute, 2, 2, name)
		case 'j':
			num(dtDayOfYear, 3, 3, name)
		case 'k':
			num(dtHour, 1, 2, name)
		case 'l':
			num(dtClockHour, 1, 2, name)
		case 'M':
			f = append(f, dtField{k: dtMonthText, long: true, name: name})
		case 'm':
			num(dtMonth, 2, 2, name)
		case 'p':
			f = append(f, dtField{k: dtHalfday, name: name})
		case 'r':
			num(dtClockHour, 2, 2, name)
			lit(":")
			num(dtMinute, 2, 2, name)
			lit(":")
			num(dtSecond, 2, 2, name)
			lit(" ")
			f = append(f, dtField{k: dtHalfday, name: name})
		case 'S', 's':
			num(dtSecond, 2, 2, name)
		case 'T':
			num(dtHour, 2, 2, name)
			lit(":")
			num(dtMinute, 2, 2, name)
			lit(":")
			num(dtSecond, 2, 2, name)
		case 'v':
			num(dtWeek, 2, 2, name)
		case 'x':
			num(dtWeekYear, 4, 4, name)
		case 'W':
			f = append(f, dtField{k: dtDayText, long: true, name: name})
		case 'Y':
			num(dtYear, 4, 4, name)
		case 'y':
			num(dtYear2, 2, 2, name)
		case 'D', 'U', 'u', 'V', 'w', 'X':
			return nil, name + " not supported in date format string"
		default:
			lit(p[i : i+1])
		}
	}
	return f, ""
}

// compileJodaFormat parses a Joda-Time pattern as DateTimeFormat.forPattern
// does: runs of a letter are fields, quoted text and other characters
// literals, ” a quote.
func compileJodaFormat(p string) (dtFormat, string) {
	var f dtFormat
	isLetter := func(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
	for i := 0; i < len(p); {
		c := p[i]
		if !isLetter(c) {
			var b strings.Builder
			inQuote := false
			for ; i < len(p); i++ {
				c := p[i]
				if c == '\'' {
					if i+1 < len(p) && p[i+1] == '\'' {
						i++
						b.WriteByte('\'')
					} else {
						inQuote = !inQuote
					}
				} else if !inQuote && isLetter(c) {
					break
				} else {
					b.WriteByte(c)
				}
			}
			if b.Len() > 0 {
				f = append(f, dtField{k: dtLit, lit: b.String()})
			}
			continue
		}
		j := i
		for j < len(p) && p[j] == c {
			j++
		}
		n, name := j-i, p[i:j]
		nextNumeric := false
		if j < len(p) {
			switch p[j] {
			case 'y', 'Y', 'x', 'C', 'w', 'e', 'D', 'd', 'H', 'h', 'K', 'k', 'm', 's', 'S':
				nextNumeric = true
			case 'M':
				k := j
				for k < len(p) && p[k] == 'M' {
					k++
				}
				nextNumeric = k-j <= 2
			}
		}
		i = j
		fd := dtField{min: n, max: 2, name: name}
		switch c {
		case 'G':
			fd.k = dtEra
		case 'C':
			fd.k, fd.max = dtCentury, 9
		case 'Y', 'y', 'x':
			fd.k, fd.max = map[byte]dtKind{'Y': dtYearOfEra, 'y': dtYear, 'x': dtWeekYear}[c], 9
			if n == 2 {
				fd.k = map[byte]dtKind{'Y': dtYearOfEra, 'y': dtYear2, 'x': dtWeekYear2}[c]
			} else if nextNumeric {
				fd.max = n
			}
		case 'w':
			fd.k = dtWeek
		case 'e':
			fd.k, fd.max = dtDayOfWeek, 1
		case 'E':
			fd.k, fd.long = dtDayText, n >= 4
		case 'D':
			fd.k, fd.max = dtDayOfYear, 3
		case 'M':
			fd.k = dtMonth
			if n >= 3 {
				fd.k, fd.long = dtMonthText, n >= 4
			}
		case 'd':
			fd.k = dtDay
		case 'a':
			fd.k = dtHalfday
		case 'h':
			fd.k = dtClockHour
		case 'H':
			fd.k = dtHour
		case 'k':
			fd.k = dtClockHourOfDay
		case 'K':
			fd.k = dtHourOfHalfday
		case 'm':
			fd.k = dtMinute
		case 's':
			fd.k = dtSecond
		case 'S':
			fd.k, fd.max = dtFraction, n
		case 'z':
			fd.k = dtZoneID
			if n >= 4 {
				fd.k = dtZoneName
			}
		case 'Z':
			fd.k, fd.colon = dtOffset, n == 2
			if n >= 3 {
				fd.k = dtZoneID
			}
		default:
			return nil, "illegal pattern component: " + name
		}
		f = append(f, fd)
	}
	return f, ""
}

// parsable reports the first field the local parser does not read.
func (f dtFormat) parsable() (string, bool) {
	for _, fd := range f {
		switch fd.k {
		case dtLit, dtYear, dtMonth, dtMonthText, dtDay, dtDayOfYear, dtHour, dtClockHour, dtHourOfHalfday,
			dtClockHourOfDay, dtHalfday, dtMinute, dtSecond, dtFraction, dtOffset:
		case dtYear2:
			if fd.name != "%y" {
				return fd.name, false // Joda's yy pivots on the current year
			}
		default:
			return fd.name, false
		}
	}
	return "", true
}

var monthNames = [...]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}

// parseDT parses s with f into UTC microseconds; msg says why it cannot.
func (f dtFormat) parseDT(s string) (us int64, msg string) {
	year, month, day, doy := int64(1970), int64(1), int64(1), int64(0)
	hour, clock, minute, second, millis, offset := int64(0), int64(-1), int64(0), int64(0), int64(0), int64(0)
	pm := false
	hasMonthDay := false
	p := 0
	malformed := func() (int64, string) {
		if p >= len(s) {
			return 0, "invalid format: " + quoteFound(s) + " is too short"
		}
		return 0, "invalid format: " + quoteFound(s) + " is malformed at " + quoteFound(s[p:])
	}
	// number reads 1 to max digits (a sign first when signed).
	number := func(max int, signed bool) (int64, bool) {
		neg := false
		if signed && p+1 < len(s) && (s[p] == '-' || s[p] == '+') && s[p+1] >= '0' && s[p+1] <= '9' {
			neg = s[p] == '-'
			p++
		}
		start := p
		v := int64(0)
		for p < len(s) && p-start < max && s[p] >= '0' && s[p] <= '9' {
			v = v*10 + int64(s[p]-'0')
			p++
		}
		if neg {
			v = -v
		}
		return v, p > start
	}
	for _, fd := range f {
		var v int64
		ok := true
		switch fd.k {
		case dtLit:
			if len(s)-p < len(fd.lit) || !strings.EqualFold(s[p:p+len(fd.lit)], fd.lit) {
				return malformed()
			}
			p += len(fd.lit)
			continue
		case dtMonthText:
			found := false
			for m, name := range monthNames {
				for _, cand := range [2]string{name, name[:3]} {
					if len(s)-p >= len(cand) && strings.EqualFold(s[p:p+len(cand)], cand) {
						month, found = int64(m+1), true
						p += len(cand)
						break
					}
				}
				if found {
					break
				}
			}
			if !found {
				return malformed()
			}
			hasMonthDay = true
			continue
		case dtHalfday:
			switch {
			case len(s)-p >= 2 && strings.EqualFold(s[p:p+2], "AM"):
				pm = false
			case len(s)-p >= 2 && strings.EqualFold(s[p:p+2], "PM"):
				pm = true
			default:
				return malformed()
			}
			p += 2
			continue
		case dtOffset:
			if p < len(s) && (s[p] == 'Z' || s[p] == 'z') {
				p++
				offset = 0
				continue
			}
			if p >= len(s) || (s[p] != '+' && s[p] != '-') {
				return malformed()
			}
			neg := s[p] == '-'
			p++
			start := p
			h, okh := number(2, false)
			if !okh || p-start != 2 {
				return malformed()
			}
			if p < len(s) && s[p] == ':' {
				p++
			}
			start = p
			m, okm := number(2, false)
			if !okm || p-start != 2 || h > 23 || m > 59 {
				return malformed()
			}
			offset = (h*60 + m) * 60
			if neg {
				offset = -offset
			}
			continue
		case dtFraction:
			start := p
			v, ok = number(fd.max, false)
			if !ok {
				return malformed()
			}
			n := p - start
			for ; n < 3; n++ {
				v *= 10
			}
			for ; n > 3; n-- {
				v /= 10
			}
			millis = v
			continue
		case dtYear2:
			start := p
			v, ok = number(2, false)
			if !ok || p-start != 2 {
				p = start
				return malformed()
			}
			year = 1900 + v
			if v < 70 {
				year = 2000 + v
			}
			continue
		case dtYear:
			v, ok = number(fd.max, true)
		default:
			v, ok = number(fd.max, false)
		}
		if !ok {
			return malformed()
		}
		field, lo, hi := "", int64(0), int64(0)
		switch fd.k {
		case dtYear:
			year, field, lo, hi = v, "year", -290000, 290000
		case dtMonth:
			month, field, lo, hi, hasMonthDay = v, "monthOfYear", 1, 12, true
		case dtDay:
			day, field, lo, hi, hasMonthDay = v, "dayOfMonth", 1, 31, true
		case dtDayOfYear:
			doy, field, lo, hi = v, "dayOfYear", 1, 366
		case dtHour:
			hour, field, lo, hi = v, "hourOfDay", 0, 23
		case dtClockHour:
			clock, field, lo, hi = v%12, "clockhourOfHalfday", 1, 12
		case dtHourOfHalfday:
			clock, field, lo, hi = v, "hourOfHalfday", 0, 11
		case dtClockHourOfDay:
			hour, field, lo, hi = v%24, "clockhourOfDay", 1, 24
		case dtMinute:
			minute, field, lo, hi = v, "minuteOfHour", 0, 59
		case dtSecond:
			second, field, lo, hi = v, "secondOfMinute", 0, 59
		}
		if v < lo || v > hi {
			return 0, "cannot parse " + quoteFound(s) + ": value " + itoa(v) + " for " + field + " must be in the range [" + itoa(lo) + "," + itoa(hi) + "]"
		}
	}
	if p < len(s) {
		return malformed()
	}
	if clock >= 0 {
		hour = clock
		if pm {
			hour += 12
		}
	} // with an hour of day, Joda sets the half day first and the hour over it
	var days int64
	switch {
	case doy > 0 && hasMonthDay:
		return 0, "cannot parse " + quoteFound(s) + ": a day of year with a month or day is not supported by the local engine; run the query with --engine athena"
	case doy > 0:
		n := int64(365)
		if isLeap(year) {
			n = 366
		}
		if doy > n {
			return 0, "cannot parse " + quoteFound(s) + ": value " + itoa(doy) + " for dayOfYear must be in the range [1," + itoa(n) + "]"
		}
		days = daysFromCivil(year, 1, 1) + doy - 1
	default:
		if dim := daysIn(year, month); day > dim {
			return 0, "cannot parse " + quoteFound(s) + ": value " + itoa(day) + " for dayOfMonth must be in the range [1," + itoa(dim) + "]"
		}
		days = daysFromCivil(year, month, day)
	}
	secs := days*86400 + hour*3600 + minute*60 + second - offset
	return secs*1_000_000 + millis*1000, ""
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// dtFormatArg compiles the constant pattern, argument 2 of call: MySQL's
// (date_format, date_parse) or Joda's (format_datetime, parse_datetime).
func (c *compiler) dtFormatArg(call *Call, args []expr, joda bool) (dtFormat, error) {
	p, err := c.constArg(call, 1, args, "format")
	if err != nil {
		return dtFormat{}, err
	}
	f, msg := compileMySQLFormat(p)
	if joda {
		f, msg = compileJodaFormat(p)
	}
	if msg != "" {
		return dtFormat{}, c.errf(call.Args[1].Pos(), "expected a valid format as argument 2 of "+call.Name+", found "+quoteFound(p)+": "+msg)
	}
	return f, nil
}

// buildDTFormat is date_format (MySQL pattern) and format_datetime (Joda
// pattern), with a constant pattern.
func buildDTFormat(joda bool) func(c *compiler, call *Call, args []expr) (expr, error) {
	return func(c *compiler, call *Call, args []expr) (expr, error) {
		x, err := timestampArg(c, call, 0, args)
		if err != nil {
			return nil, err
		}
		f, err := c.dtFormatArg(call, args, joda)
		if err != nil {
			return nil, err
		}
		return &exprFunc{name: call.Name, t: tString, args: []expr{x}, strict: true, k: func(a *arena, out *vec, args []*vec) {
			x := args[0]
			o := out.strs()
			out.null = x.null
			for i, v := range x.i {
				start := a.strStart()
				a.buf = f.appendDT(a.buf, v)
				o[i] = a.strEnd(start)
			}
		}}, nil
	}
}

// buildDTParse is date_parse (MySQL pattern) and parse_datetime (Joda
// pattern), with a constant pattern: text that does not parse is an error
// (NULL under try), as in Trino.
func buildDTParse(joda bool) func(c *compiler, call *Call, args []expr) (expr, error) {
	return func(c *compiler, call *Call, args []expr) (expr, error) {
		x, err := c.argAs(call, 0, args[0], tString)
		if err != nil {
			return nil, err
		}
		f, err := c.dtFormatArg(call, args, joda)
		if err != nil {
			return nil, err
		}
		if name, ok := f.parsable(); !ok {
			return nil, c.errf(call.Args[1].Pos(), "format field "+quoteFound(name)+" of "+call.Name+" is not supported by the local engine; run the query with --engine athena")
		}
		where := c.whereExpr(call.pos, call.String())
		return &exprFunc{name: call.Name, t: tTimestamp, args: []expr{x}, strict: true, k: func(a *arena, out *vec, args []*vec) {
			x := args[0]
			o := out.ints()
			strictNulls(out, args)
			nl := out.null
			for i, s := range x.s {
				if nl != nil && nl[i] {
					continue
				}
				us, msg := f.parseDT(s)
				if msg != "" {
					a.failAt(where, msg)
					if nl == nil {
						nl = out.nulls()
					}
					nl[i] = true
					continue
				}
				o[i] = us
			}
		}}, nil
	}
}
