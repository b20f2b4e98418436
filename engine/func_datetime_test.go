package engine

import (
	"strings"
	"testing"
)

const tsCase = "TIMESTAMP '2001-08-22 03:04:05.321'"

// TestDateFormat: Trino's date_format cases (TestDateTimeFunctions).
func TestDateFormat(t *testing.T) {
	var exprs, want []string
	for _, c := range [][2]string{
		{"%a", "Wed"}, {"%b", "Aug"}, {"%c", "8"}, {"%d", "22"}, {"%e", "22"}, {"%f", "321000"}, {"%H", "03"},
		{"%h", "03"}, {"%I", "03"}, {"%i", "04"}, {"%j", "234"}, {"%k", "3"}, {"%l", "3"}, {"%M", "August"},
		{"%m", "08"}, {"%p", "AM"}, {"%r", "03:04:05 AM"}, {"%s", "05"}, {"%S", "05"}, {"%T", "03:04:05"},
		{"%v", "34"}, {"%W", "Wednesday"}, {"%Y", "2001"}, {"%y", "01"}, {"%%", "%"}, {"foo", "foo"},
		{"%g", "g"}, {"%4", "4"}, {"%x", "2001"}, {"%H:%i %", "03:04 "}, {"%Y-%m-%d %H:%i:%s.%f", "2001-08-22 03:04:05.321000"},
	} {
		exprs = append(exprs, "date_format("+tsCase+", '"+c[0]+"')")
		want = append(want, c[1])
	}
	exprTests(t, [][2]string{
		{strings.Join(exprs, ", "), strings.Join(want, "|")},
		{"date_format(TIMESTAMP '2022-10-20 05:10:00', '%m-%d-%Y %H'), date_format(TIMESTAMP '2022-10-20 15:10:00', '%l %p'), date_format(NULL, '%Y')", "10-20-2022 05|3 PM|NULL"},
	})
	for _, f := range []string{"%D", "%U", "%u", "%V", "%w", "%X"} {
		_, err := Compile("SELECT date_format("+tsCase+", '"+f+"')", Options{})
		if err == nil || !strings.Contains(err.Error(), f+" not supported in date format string") {
			t.Errorf("date_format %s: %v", f, err)
		}
	}
	columnTests(t, "date_format(from_iso8601_timestamp(%s), '%Y/%m/%d %H')", []any{"2024-03-01T15:04:05Z", "1999-12-31T23:59:59.999Z", nil}, []string{"2024/03/01 15", "1999/12/31 23", "NULL"})
}

func TestDateParse(t *testing.T) {
	exprTests(t, [][2]string{
		{"date_parse('2013-05-17 12:35:10', '%Y-%m-%d %h:%i:%s'), date_parse('2013-05-17 12:35:10 PM', '%Y-%m-%d %h:%i:%s %p'), date_parse('2013-05-17 12:35:10 am', '%Y-%m-%d %h:%i:%s %p')",
			"2013-05-17 00:35:10.000|2013-05-17 12:35:10.000|2013-05-17 00:35:10.000"},
		{"date_parse('2022/10/20/05', '%Y/%m/%d/%H'), date_parse('2013-05-17', '%Y-%m-%d'), date_parse('2013-05-17 00:35:10.123456', '%Y-%m-%d %H:%i:%s.%f'), date_parse('2013-05-17 00:35:10.5', '%Y-%m-%d %H:%i:%s.%f')",
			"2022-10-20 05:00:00.000|2013-05-17 00:00:00.000|2013-05-17 00:35:10.123|2013-05-17 00:35:10.500"},
		{"date_parse('70', '%y'), date_parse('69', '%y'), date_parse('5/7/2024', '%c/%e/%Y'), date_parse('20240301', '%Y%m%d'), date_parse('Mar 1 2024', '%b %e %Y'), date_parse('march 1 2024', '%M %e %Y'), date_parse('060', '%j')",
			"1970-01-01 00:00:00.000|2069-01-01 00:00:00.000|2024-05-07 00:00:00.000|2024-03-01 00:00:00.000|2024-03-01 00:00:00.000|2024-03-01 00:00:00.000|1970-03-01 00:00:00.000"},
		{"date_parse('2024-02-29', '%Y-%m-%d'), date_parse('10:11:12', '%T'), date_parse('01:02:03 PM', '%r'), date_parse(NULL, '%Y'), try(date_parse('x', '%Y'))",
			"2024-02-29 00:00:00.000|1970-01-01 10:11:12.000|1970-01-01 13:02:03.000|NULL|NULL"},
	})
	for _, tt := range [][2]string{
		{"SELECT date_parse('2013-14-17', '%Y-%m-%d')", "value 14 for monthOfYear must be in the range [1,12]"},
		{"SELECT date_parse('2023-02-29', '%Y-%m-%d')", "value 29 for dayOfMonth must be in the range [1,28]"},
		{"SELECT date_parse('2024-03-01 x', '%Y-%m-%d')", `is malformed at " x"`},
		{"SELECT date_parse('2024-03', '%Y-%m-%d')", "is too short"},
		{"SELECT date_parse('24:00', '%H:%i')", "value 24 for hourOfDay"},
		{"SELECT date_parse('7', '%y')", "malformed"},
		{"SELECT date_parse('Wed', '%a')", `format field "%a" of date_parse is not supported by the local engine; run the query with --engine athena`},
		{"SELECT date_parse(eventname, '%D') FROM cloudtrail", "%D not supported in date format string"},
		{"SELECT date_parse(eventname, eventname) FROM cloudtrail", "expected a constant format"},
	} {
		q, err := Compile(tt[0], Options{})
		if err == nil {
			_, err = q.NewRun(1).Finish()
		}
		if err == nil || !strings.Contains(err.Error(), tt[1]) {
			t.Errorf("%s: got %v; want %q", tt[0], err, tt[1])
		}
	}
	columnTests(t, "date_parse(%s, '%Y-%m-%dT%H:%i:%SZ')", []any{"2024-03-01T15:04:05Z", "2024-03-01T15:04:06Z", nil}, []string{"2024-03-01 15:04:05.000", "2024-03-01 15:04:06.000", "NULL"})
}

func TestFormatDatetime(t *testing.T) {
	var exprs, want []string
	for _, c := range [][2]string{
		{"yyyy-MM-dd HH:mm:ss.SSS", "2001-08-22 03:04:05.321"}, {"EEE, dd MMM yyyy", "Wed, 22 Aug 2001"}, {"EEEE MMMM", "Wednesday August"},
		{"yyyy-MM-dd'T'HH:mm:ss'Z'", "2001-08-22T03:04:05Z"}, {"h:mm a", "3:04 AM"}, {"Z ZZ ZZZ z zzzz", "+0000 +00:00 UTC UTC Coordinated Universal Time"},
		{"yy y yyyyy", "01 2001 02001"}, {"D w e x G C", "234 34 3 2001 AD 20"}, {"''", "'"}, {"'it''s' S SSSSSS", "it's 3 321000"}, {"k K M d", "3 3 8 22"},
		{"YYYY/MM/dd", "2001/08/22"}, {"-/: .", "-/: ."},
	} {
		exprs = append(exprs, "format_datetime("+tsCase+", '"+strings.ReplaceAll(c[0], "'", "''")+"')")
		want = append(want, c[1])
	}
	exprTests(t, [][2]string{
		{strings.Join(exprs, ", "), strings.Join(want, "|")},
		{"format_datetime(TIMESTAMP '2024-03-01 00:00:00', 'hh a kk'), format_datetime(NULL, 'yyyy')", "12 AM 24|NULL"},
	})
	for _, tt := range [][2]string{
		{"SELECT format_datetime(" + tsCase + ", 'yyyy-MM-ddTHH')", "illegal pattern component: T"},
		{"SELECT format_datetime(" + tsCase + ", 'uuuu')", "illegal pattern component: uuuu"},
	} {
		if _, err := Compile(tt[0], Options{}); err == nil || !strings.Contains(err.Error(), tt[1]) {
			t.Errorf("%s: got %v; want %q", tt[0], err, tt[1])
		}
	}
	columnTests(t, "format_datetime(from_iso8601_timestamp(%s), 'yyyy-MM-dd HH:mm')", []any{"2024-03-01T15:04:05Z", nil}, []string{"2024-03-01 15:04", "NULL"})
}

func TestParseDatetime(t *testing.T) {
	exprTests(t, [][2]string{
		{"parse_datetime('2020-05-03 13:14:15', 'yyyy-MM-dd HH:mm:ss'), parse_datetime('03/05/2020 1:14:15 PM', 'dd/MM/yyyy h:mm:ss a'), parse_datetime('20240301', 'yyyyMMdd')",
			"2020-05-03 13:14:15.000|2020-05-03 13:14:15.000|2024-03-01 00:00:00.000"},
		{"parse_datetime('2024-03-01T10:00:00+0200', 'yyyy-MM-dd''T''HH:mm:ssZ'), parse_datetime('2024-03-01T10:00:00-01:30', 'yyyy-MM-dd''T''HH:mm:ssZZ'), parse_datetime('2024-03-01T10:00:00Z', 'yyyy-MM-dd''T''HH:mm:ssZ'), parse_datetime('2024-03-01t10:00:00.5', 'yyyy-MM-dd''T''HH:mm:ss.S')",
			"2024-03-01 08:00:00.000|2024-03-01 11:30:00.000|2024-03-01 10:00:00.000|2024-03-01 10:00:00.500"},
		{"parse_datetime('01 Mar 2024', 'dd MMM yyyy'), parse_datetime('12', 'k'), try(parse_datetime('2024', 'yyyy-MM'))", "2024-03-01 00:00:00.000|1970-01-01 12:00:00.000|NULL"},
	})
	for _, tt := range [][2]string{
		{"SELECT parse_datetime('24', 'yy')", `format field "yy" of parse_datetime is not supported by the local engine`},
		{"SELECT parse_datetime('Wed', 'EEE')", `format field "EEE" of parse_datetime is not supported`},
		{"SELECT parse_datetime('2024-13', 'yyyy-MM')", "value 13 for monthOfYear"},
	} {
		q, err := Compile(tt[0], Options{})
		if err == nil {
			_, err = q.NewRun(1).Finish()
		}
		if err == nil || !strings.Contains(err.Error(), tt[1]) {
			t.Errorf("%s: got %v; want %q", tt[0], err, tt[1])
		}
	}
}

// TestDTRoundTrip: parsing what a pattern printed gives the timestamp
// back, for the patterns hunts use, over random millisecond timestamps of
// years 1 to 9999.
func TestDTRoundTrip(t *testing.T) {
	const lo, hi = -62135596800000, 253402300799999 // 0001-01-01 .. 9999-12-31, ms
	rng := uint64(42)
	next := func() int64 {
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return lo + int64(rng%uint64(hi-lo))
	}
	for _, tt := range []struct {
		pattern string
		joda    bool
	}{
		{"%Y-%m-%d %H:%i:%s.%f", false}, {"%Y%m%d%H%i%S.%f", false}, {"%M %e %Y %r.%f", false}, {"%c/%d/%Y %T.%f", false}, {"%j %Y %k:%i:%s.%f", false},
		{"yyyy-MM-dd HH:mm:ss.SSS", true}, {"yyyy-MM-dd'T'HH:mm:ss.SSSZZ", true}, {"dd MMM yyyy hh:mm:ss.SSS a Z", true}, {"yyyyMMddHHmmssSSS", true},
	} {
		var f dtFormat
		var msg string
		if tt.joda {
			f, msg = compileJodaFormat(tt.pattern)
		} else {
			f, msg = compileMySQLFormat(tt.pattern)
		}
		if msg != "" {
			t.Fatalf("%q: %s", tt.pattern, msg)
		}
		for i := 0; i < 2000; i++ {
			us := next() * 1000
			s := string(f.appendDT(nil, us))
			got, msg := f.parseDT(s)
			if msg != "" || got != us {
				t.Fatalf("%q: %d printed %q, parsed back %d (%s)", tt.pattern, us, s, got, msg)
			}
		}
	}
}

// FuzzDTParse: parsing any text with any pattern never panics, and a
// parsed timestamp prints back to a text that parses to it again.
func FuzzDTParse(f *testing.F) {
	f.Add("2024-03-01 15:04:05.123", "%Y-%m-%d %H:%i:%s.%f", false)
	f.Add("03/05/2020 1:14:15 PM +0100", "dd/MM/yyyy h:mm:ss a Z", true)
	f.Add("Mar 1 2024", "%b %e %Y", false)
	f.Fuzz(func(t *testing.T, s, pattern string, joda bool) {
		var fm dtFormat
		var msg string
		if joda {
			fm, msg = compileJodaFormat(pattern)
		} else {
			fm, msg = compileMySQLFormat(pattern)
		}
		if msg != "" {
			return
		}
		if _, ok := fm.parsable(); !ok {
			return
		}
		us, msg := fm.parseDT(s)
		if msg != "" {
			return
		}
		_ = fm.appendDT(nil, us)
	})
}
