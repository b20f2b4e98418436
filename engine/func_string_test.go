package engine

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFuncString(t *testing.T) {
	exprTests(t, [][2]string{
		{"lower('AbC'), upper('abc'), lower('ÀB'), upper('straße')", "abc|ABC|àb|STRAßE"},
		{"length('héllo'), length('')", "5|0"},
		{"substr('hello', 2), substr('hello', 2, 3), substr('hello', -3), substr('hello', 9), substr('héllo', 2, 2)", "ello|ell|llo||él"},
		{"strpos('hello', 'l'), strpos('hello', 'z'), strpos('héllo', 'l')", "3|0|3"},
		{"split_part('a/b/c', '/', 2), split_part('a/b/c', '/', 4), split_part('abc', '', 1), split_part('abc', '', 3), split_part('abc', '', 4), split_part('aé', '', 2), split_part('a/b/c', '/', 3), split_part('a/', '/', 2), split_part('', '/', 1)", "b|NULL|a|c|NULL|é|c||"},
		{"starts_with('hello', 'he'), starts_with('hello', 'lo')", "true|false"},
		{"replace('a-b-c', '-', '+'), replace('a-b', '-')", "a+b+c|ab"},
		{"trim('  x '), ltrim(' x'), rtrim('x ')", "x|x|x"},
		{"concat('a', 'b', 'c'), 'a' || NULL, concat('a', NULL)", "abc|NULL|NULL"},
		{"regexp_like('AKIAXXXX', '^AKIA'), regexp_extract('user/bob', 'user/(.*)', 1), regexp_extract('x', 'y'), regexp_replace('a1b2', '[0-9]', '#')", "true|bob|NULL|a#b#"},
		{"split('a,b', ','), cardinality(split('a,b,c', ',')), split('a,b', ',')[2], element_at(split('a', ','), 5)", "[a, b]|3|b|NULL"},
		{"upper(NULL), length(NULL)", "NULL|NULL"},
	})
}

func TestArrayFuncs(t *testing.T) {
	exprTests(t, [][2]string{
		{"array_join(split('a,b,c', ','), '-'), array_join(array_agg(x), '/') FROM (SELECT 'q' AS x UNION ALL SELECT 'p')", "a-b-c|p/q"},
		{"array_agg(DISTINCT x), cardinality(array_agg(x)) FROM (SELECT 'q' AS x UNION ALL SELECT 'p' UNION ALL SELECT 'q')", "[p, q]|3"},
		{"extract(hour FROM timestamp '2024-03-01 15:04:05'), quarter(timestamp '2024-05-01 00:00:00'), week(timestamp '2024-01-01 00:00:00')", "15|2|1"},
	})
}

func TestFuncStringMore(t *testing.T) {
	exprTests(t, [][2]string{
		{"reverse('abé'), regexp_extract_all('a1b22c333', '[0-9]+'), regexp_extract_all('k=v,x=y', '(\\w)=\\w', 1)", "éba|[1, 22, 333]|[k, x]"},
		{"array_distinct(split('b,a,b', ',')), array_sort(split('b,c,a', ','))", "[b, a]|[a, b, c]"},
	})
}

// TestFiniteLanguage: patterns matching a few fixed strings take the
// substring fast path, with the same answers as the regexp engine.
func TestFiniteLanguage(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		want    string // the strings, sorted, joined by |; "-" for no fast path
	}{
		{"(trufflehog|pacu|cloudfox)", "cloudfox|pacu|trufflehog"},
		{"ab[cd]", "abc|abd"},
		{"abc", "abc"},
		{"x(a|b)(c|d)", "xac|xad|xbc|xbd"},
		{"^abc", "-"},
		{"abc$", "-"},
		{"a.c", "-"},
		{"a+", "-"},
		{"(?i)abc", "-"},
		{"[a-z]", "-"}, // 26 strings: enumerated... but a-z is 26 ≤ 64
	} {
		lits, ok := finiteLanguage(tc.pattern)
		got := "-"
		if ok {
			slices.Sort(lits)
			got = strings.Join(lits, "|")
		}
		if tc.pattern == "[a-z]" {
			if !ok || len(lits) != 26 {
				t.Errorf("[a-z]: %v %v", ok, lits)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("finiteLanguage(%q) = %q; want %q", tc.pattern, got, tc.want)
		}
	}
	// Same answers as the regexp engine on many texts.
	texts := []string{"", "aws-cli/2.0 trufflehog/3", "Pacu", "pacu", "xbd!", "abcd", "cloudfo", "abd", "zzxacz"}
	for _, p := range []string{"(trufflehog|pacu|cloudfox)", "ab[cd]", "x(a|b)(c|d)", "(|x)"} {
		lits, ok := finiteLanguage(p)
		if !ok {
			t.Fatalf("%q: no fast path", p)
		}
		re := regexp.MustCompile(p)
		for _, s := range texts {
			if got, want := containsAny(s, lits), re.MatchString(s); got != want {
				t.Errorf("%q on %q: fast %v, regexp %v", p, s, got, want)
			}
		}
	}
}

// lowerRef is lower() as the kernel computed it a byte (or rune) at a
// time before the word-at-a-time path.
func lowerRef(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
		}
	}
	if ascii {
		b := []byte(s)
		for i, c := range b {
			if c >= 'A' && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		return string(b)
	}
	var b []byte
	for _, r := range s {
		b = utf8.AppendRune(b, toLowerRune(r))
	}
	return string(b)
}

// FuzzLowerKernel: lower() of any text, 8 bytes at a time for ASCII words,
// is what a byte (or rune) at a time gives.
func FuzzLowerKernel(f *testing.F) {
	for _, s := range []string{"", "A", "aws-cli/2.15.0 Python/3.11 Linux/6.1 KALI", "@[`{AZaz", "0123456789ABCDEFGHIJ", "É\x80ABCDEFGH", "ABCDEFG\xff", "\x7f\x40\x5b\x60\x7bAZ[@"} {
		f.Add(s)
	}
	k := lowerUpperKernel(false)
	f.Fuzz(func(t *testing.T, s string) {
		var a arena
		x := &vec{t: tString, n: 1, s: []string{s}}
		out := &vec{}
		out.reset(tString, 1)
		k(&a, out, []*vec{x})
		if got, want := out.s[0], lowerRef(s); got != want {
			t.Fatalf("lower(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestLowerKernel_Memo: lower of a batch whose long texts repeat and share
// memo slots (many more distinct texts than slots) is lower of each.
func TestLowerKernel_Memo(t *testing.T) {
	n := 8 * memoSlots
	x := &vec{t: tString, n: 4 * n, s: make([]string, 4*n)}
	for i := range x.s {
		j := (i*37 + i/n) % n
		x.s[i] = "aws-cli/2." + strconv.Itoa(j) + " Python/3.11 Linux/6.1"
		switch j % 4 {
		case 1:
			x.s[i] = strings.ToLower(x.s[i])
		case 2:
			x.s[i] = x.s[i][:memoMinLen-1]
		}
	}
	var a arena
	out := &vec{}
	out.reset(tString, x.n)
	lowerUpperKernel(false)(&a, out, []*vec{x})
	for i, s := range x.s {
		if got, want := out.s[i], lowerRef(s); got != want {
			t.Fatalf("row %d: lower(%q) = %q, want %q", i, s, got, want)
		}
	}
}

// TestRegexpReplaceKernel_Memo: regexp_replace remembers the replacement
// of recurring long texts within a batch; every row still gets its own
// text's replacement, with more distinct texts than the memo has slots
// (so slots are shared and overwritten), texts differing only in their
// last byte, short texts (not remembered) and NULLs.
func TestRegexpReplaceKernel_Memo(t *testing.T) {
	re := regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[^:]+:[0-9]+:secret:(.+)-[A-Za-z0-9]{6}$`)
	n := 3 * memoSlots
	x := &vec{t: tString, n: 4 * n, s: make([]string, 4*n), null: make([]bool, 4*n)}
	for i := range x.s {
		j := (i*37 + i/n) % n
		x.s[i] = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-" + strconv.Itoa(j) + "-AbCdE" + strconv.Itoa(j%10)
		switch j % 5 {
		case 1:
			x.s[i] = "batch:" + strconv.Itoa(j) // no match: as is
		case 2:
			x.s[i] = x.s[i][:memoMinLen-1]
		case 3:
			x.null[i] = i%2 == 0
		}
	}
	var a arena
	out := &vec{}
	out.reset(tString, x.n)
	regexpReplaceKernel(re, "$1")(&a, out, []*vec{x})
	for i, s := range x.s {
		if out.isNull(i) != x.null[i] {
			t.Fatalf("row %d: null %v, want %v", i, out.isNull(i), x.null[i])
		}
		if x.null[i] {
			continue
		}
		if got, want := out.s[i], string(appendRegexpReplace(nil, re, s, "$1")); got != want {
			t.Fatalf("row %d: regexp_replace(%q) = %q, want %q", i, s, got, want)
		}
	}
}

func BenchmarkLowerKernel(b *testing.B) {
	uas := []string{"aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0-18-amd64 exe/x86_64.debian.12 prompt/off command/s3.ls",
		"Boto3/1.34.2 md/Botocore#1.34.2 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.11.6 cfg/retry-mode#legacy",
		"console.amazonaws.com", "AWS Internal"}
	x := &vec{t: tString, n: BatchRows, s: make([]string, BatchRows)}
	bytes := 0
	for i := range x.s {
		x.s[i] = uas[i%len(uas)]
		bytes += len(x.s[i])
	}
	k := lowerUpperKernel(false)
	var a arena
	out := &vec{}
	b.SetBytes(int64(bytes))
	b.ReportAllocs()
	for b.Loop() {
		a.reset()
		out.reset(tString, BatchRows)
		k(&a, out, []*vec{x})
	}
}

// TestFuncStringDistance: Trino's cases (TestStringFunctions).
func TestFuncStringDistance(t *testing.T) {
	exprTests(t, [][2]string{
		{"levenshtein_distance('', ''), levenshtein_distance('', 'hello'), levenshtein_distance('hello', ''), levenshtein_distance('hello', 'hello'), levenshtein_distance('hello', 'world')", "0|5|5|0|4"},
		{"levenshtein_distance('hello world', 'hello'), levenshtein_distance('hello', 'hello world'), levenshtein_distance('hello world', 'hel wold'), levenshtein_distance('hello world', 'hellq wodld'), levenshtein_distance('helo word', 'hello world'), levenshtein_distance('hello word', 'dello world')", "6|6|3|2|2|2"},
		{"levenshtein_distance('hello naïve world', 'hello naive world'), levenshtein_distance('hello naïve world', 'hello na:ive world'), levenshtein_distance('信念,爱,希望', '信仰,爱,希望'), levenshtein_distance('休念,爱,希望', '信念,爱,希望'), levenshtein_distance('信念,爱,希望', '信念希望'), levenshtein_distance('信念,爱,希望', '信念,love,希望')", "1|2|1|1|3|4"},
		{"hamming_distance('', ''), hamming_distance('hello', 'hello'), hamming_distance('hello', 'jello'), hamming_distance('like', 'hate'), hamming_distance('hello', 'world'), hamming_distance(NULL, NULL), hamming_distance('hello', NULL), hamming_distance('信念,爱,希望', '信仰,爱,希望')", "0|0|1|3|4|NULL|NULL|1"},
		{"chr(65), chr(9731), chr(128512), length(chr(0)), chr(NULL), codepoint('A'), codepoint('☃'), codepoint(chr(128512)), codepoint(NULL), typeof(codepoint('a'))", "A|☃|😀|1|NULL|65|9731|128512|NULL|integer"},
	})
	columnTests(t, "levenshtein_distance(%s, 'ec2.amazonaws.com')", []any{"ec2.amazonaws.com", "ec3.amazonaws.co", "", nil}, []string{"0", "2", "17", "NULL"})
	columnTests(t, "hamming_distance(%s, 'abc')", []any{"abc", "abd", "xyz", nil}, []string{"0", "1", "3", "NULL"})
	columnTests(t, "codepoint(substr(%s, 1, 1))", []any{"abc", "é", nil}, []string{"97", "233", "NULL"})
	for _, tt := range [][2]string{
		{"SELECT hamming_distance('hello', 'hello world')", "must have the same length"},
		{"SELECT hamming_distance('', 'x')", "must have the same length"},
		{"SELECT codepoint('ab')", "single character string"},
		{"SELECT codepoint('')", "single character string"},
		{"SELECT chr(-1)", "not a valid Unicode code point: -1"},
		{"SELECT chr(55296)", "not a valid Unicode code point: 55296"},
		{"SELECT chr(1114112)", "not a valid Unicode code point"},
		{"SELECT levenshtein_distance(concat(chr(97), '" + strings.Repeat("x", 1100) + "'), '" + strings.Repeat("y", 1000) + "')", "too large"},
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

// TestFuncTrim: Trino's trim cases, its whitespace (Java's), the
// SQL-standard form and the two-argument functions.
func TestFuncTrim(t *testing.T) {
	exprTests(t, [][2]string{
		{"trim('!' FROM '!foo!'), trim(LEADING FROM '  abcd'), trim(BOTH '$' FROM '$var$'), trim(TRAILING 'ER' FROM upper('worker'))", "foo|abcd|var|WORK"},
		{"trim('  x  '), ltrim('  x  ') || '|', '|' || rtrim('  x  '), trim(''), trim('   ')", "x|x  |||  x||"},
		{"length(trim(chr(9) || chr(11) || chr(28) || 'x' || chr(12289) || chr(12288))), length(trim(chr(160) || 'x' || chr(133))), length(trim(chr(8239) || 'x' || chr(8199)))", "2|3|3"},
		{"trim('xxaxx', 'x'), ltrim('xyaxy', 'yx'), rtrim('xyaxy', 'yx'), trim('ééaé', 'é'), trim('abc', ''), trim('aaa', 'a'), trim(NULL, 'a'), trim('a', NULL)", "a|axy|xya|a|abc||NULL|NULL"},
		{"trim(TRAILING '/' FROM 'arn:aws:s3:::bucket//'), trim(LEADING '0' FROM '000123')", "arn:aws:s3:::bucket|123"},
	})
	columnTests(t, "trim(%s)", []any{" a ", "b", "\tc\n", "", nil}, []string{"a", "b", "c", "", "NULL"})
	columnTests(t, "trim(LEADING 'x' FROM %s)", []any{"xxa", "axx", "", nil}, []string{"a", "axx", "", "NULL"})
	a := &arena{}
	in := &vec{t: tString, n: 2, s: []string{"xxaxx", " b "}}
	chars := &vec{t: tString, n: 2, s: []string{"x", "x"}}
	out := a.vec(tString, 2)
	args := []*vec{in, chars}
	k, kw := trimCharsKernel(0), trimKernel(0)
	if n := testing.AllocsPerRun(100, func() { k(a, out, args); kw(a, out, args[:1]) }); n > 0 {
		t.Errorf("trim: %v allocations per run", n)
	}
}

// TestFuncStringTry: a failing row is NULL under try(), as in Trino.
func TestFuncStringTry(t *testing.T) {
	exprTests(t, [][2]string{
		{"try(chr(-1)), try(codepoint('ab')), try(hamming_distance('a', 'ab')), try(chr(65)), try(split_part('a', '/', 0))", "NULL|NULL|NULL|A|NULL"},
	})
	columnTests(t, "try(codepoint(%s))", []any{"a", "ab", nil, "é"}, []string{"97", "NULL", "NULL", "233"})
}
