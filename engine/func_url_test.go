package engine

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// columnTests runs SELECT f(eventsource), f(useragent) FROM cloudtrail
// over one row per input, where f is fn with %s replaced by the column:
// eventsource is dictionary-encoded and useragent plain, so each answer
// is checked on both paths of exprFunc.eval. A nil input is NULL; want
// holds one text per input.
func columnTests(t *testing.T, fn string, inputs []any, want []string) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	rows := make([]map[string]any, len(inputs))
	for i, in := range inputs {
		rows[i] = map[string]any{"eventsource": in, "useragent": in, "eventname": "E" + itoa(int64(1000+i))}
	}
	rec := buildRecord(mem, parsers.CloudTrailSchema, rows)
	defer rec.Release()
	sql := "SELECT " + strings.ReplaceAll(fn, "%s", "eventsource") + ", " + strings.ReplaceAll(fn, "%s", "useragent") + ", eventname FROM cloudtrail ORDER BY eventname"
	res := runQuery(t, sql, 1, rec)
	if res.Len() != len(inputs) {
		t.Fatalf("%s: %d rows; want %d", sql, res.Len(), len(inputs))
	}
	for i := range inputs {
		dict, plain := res.Text(i, 0), res.Text(i, 1)
		if dict != want[i] || plain != want[i] {
			t.Errorf("%s on %q: got %q (dictionary), %q (plain); want %q", fn, inputs[i], dict, plain, want[i])
		}
	}
}

// TestURLExtract: Trino's own cases (TestUrlFunctions) and java.net.URI's
// rules for hosts, ports, escapes and rejected texts.
func TestURLExtract(t *testing.T) {
	// url, protocol, host, port, path, query, fragment
	cases := [][7]string{
		{"http://example.com/path1/p.php?k1=v1&k2=v2#Ref1", "http", "example.com", "NULL", "/path1/p.php", "k1=v1&k2=v2", "Ref1"},
		{"http://example.com/path1/p.php?", "http", "example.com", "NULL", "/path1/p.php", "", ""},
		{"http://example.com/path1/p.php", "http", "example.com", "NULL", "/path1/p.php", "", ""},
		{"http://example.com:8080/path1/p.php?k1=v1&k2=v2#Ref1", "http", "example.com", "8080", "/path1/p.php", "k1=v1&k2=v2", "Ref1"},
		{"https://username@example.com", "https", "example.com", "NULL", "", "", ""},
		{"https://username:password@example.com", "https", "example.com", "NULL", "", "", ""},
		{"mailto:test@example.com", "mailto", "", "NULL", "", "", ""},
		{"foo", "", "", "NULL", "foo", "", ""},
		{"http://example.com/^", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
		// java.net.URI specifics
		{"", "", "", "NULL", "", "", ""},
		{"http://", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
		{"file:///etc/passwd", "file", "", "NULL", "/etc/passwd", "", ""},
		{"http://my_host.example.com/x", "http", "", "NULL", "/x", "", ""},    // '_' is no hostname: registry authority
		{"http://1.2.3.999/x", "http", "", "NULL", "/x", "", ""},              // last label starts with a digit
		{"http://10.0.0.1:22/", "http", "10.0.0.1", "22", "/", "", ""},        //
		{"http://host:99999999999/", "http", "", "NULL", "/", "", ""},         // port past 2^31-1
		{"http://host:/", "http", "host", "NULL", "/", "", ""},                // empty port
		{"http://[::1]:443/a", "http", "[::1]", "443", "/a", "", ""},          // IPv6
		{"http://[::1/a", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},     // unclosed
		{"http://ex-.com/", "http", "", "NULL", "/", "", ""},                  // label ends with '-'
		{"http://a.b.c./p", "http", "a.b.c.", "NULL", "/p", "", ""},           // trailing dot
		{"HTTP://Example.COM/A", "HTTP", "Example.COM", "NULL", "/A", "", ""}, // no case change
		{"http://x/a%20b?q=%41%2B#f%C3%A9", "http", "x", "NULL", "/a b", "q=A+", "fé"},
		{"http://x/%zz", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"}, // bad escape
		{"http://x/%FF%41", "http", "x", "NULL", "/\uFFFDA", "", ""},     // bad UTF-8
		{"http://x/a b", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
		{"http://x/é?ü#ö", "http", "x", "NULL", "/é", "ü", "ö"},
		{"http://x/a#b#c", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
		{"http://x/?a[%41]", "http", "x", "NULL", "/", "a[%41]", ""}, // no decoding inside brackets
		{"1http://x/", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
		{"://x", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
		{"mailto:", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
		{"s3://bucket/key", "s3", "bucket", "NULL", "/key", "", ""},
		{"//host/p", "", "host", "NULL", "/p", "", ""},
		{"http://u@/p", "http", "", "NULL", "/p", "", ""},
	}
	funcs := []string{"url_extract_protocol", "url_extract_host", "url_extract_port", "url_extract_path", "url_extract_query", "url_extract_fragment"}
	for k, f := range funcs {
		inputs := make([]any, 0, len(cases)+1)
		want := make([]string, 0, len(cases)+1)
		for _, c := range cases {
			inputs = append(inputs, c[0])
			want = append(want, c[k+1])
		}
		inputs, want = append(inputs, nil), append(want, "NULL")
		columnTests(t, f+"(%s)", inputs, want)
	}
	exprTests(t, [][2]string{
		{"url_extract_host(NULL), url_extract_port(NULL), typeof(url_extract_port('http://x:1/'))", "NULL|NULL|bigint"},
	})
}

func TestURLExtractParameter(t *testing.T) {
	const u = "http://example.com/path1/p.php?k1=v1&k2=v2&k3&k4#Ref1"
	exprTests(t, [][2]string{
		{"url_extract_parameter('" + u + "', 'k1'), url_extract_parameter('" + u + "', 'k2'), url_extract_parameter('" + u + "', 'k3'), url_extract_parameter('" + u + "', 'k4'), url_extract_parameter('" + u + "', 'k5')", "v1|v2|||NULL"},
		{"url_extract_parameter('http://example.com/path1/p.php?k1=v1&k1=v2&k1&k1#Ref1', 'k1')", "v1"},
		{"url_extract_parameter('http://example.com/path1/p.php?k1&k1=v1&k1&k1#Ref1', 'k1')", ""},
		{"url_extract_parameter('http://example.com/path1/p.php?k=a=b=c&x=y#Ref1', 'k')", "a=b=c"},
		{"url_extract_parameter('http://example.com/path1/p.php?k1=a%26k2%3Db&k2=c#Ref1', 'k2')", "c"},
		{"url_extract_parameter('foo', 'k1'), url_extract_parameter('http://x/?', ''), url_extract_parameter(NULL, 'a'), url_extract_parameter('http://x/?a=1', NULL)", "NULL||NULL|NULL"},
		{"url_extract_parameter('http://x/?q=a+b%20c%C3%A9', 'q'), url_extract_parameter('http://x/?%41=1', 'A'), url_extract_parameter('http://x/?%41=1', '%41')", "a b cé|NULL|1"},
	})
	columnTests(t, "url_extract_parameter(%s, 'action')", []any{
		"https://sts.amazonaws.com/?Action=AssumeRole&action=x%2By", "https://x/?action", "https://x/a b?action=1", "nope", nil,
	}, []string{"x+y", "", "NULL", "NULL", "NULL"})
}

// TestParseURLNoAlloc: the URL kernels allocate nothing per row.
func TestParseURLNoAlloc(t *testing.T) {
	a := &arena{}
	in := &vec{t: tString, n: 3, s: []string{"http://example.com:8080/a%20b?x=1&y=%41+b#f", "mailto:a@b", "http://x/%FF"}}
	out := a.vec(tString, 3)
	k := urlExtractKernel(urlPath)
	k(a, out, []*vec{in}) // grows the buffers once
	if n := testing.AllocsPerRun(100, func() {
		a.buf = a.buf[:0]
		k(a, out, []*vec{in})
		urlExtractParameterKernel(a, out, []*vec{in, {t: tString, n: 3, s: []string{"y", "y", "y"}}})
	}); n > 1 { // the literal []*vec above
		t.Errorf("%v allocations per run", n)
	}
}

// FuzzURLParse: any text, valid UTF-8 or not, parses without panics; the
// parts of an accepted URL are substrings of it, and their decoded forms
// valid UTF-8 when the URL is.
func FuzzURLParse(f *testing.F) {
	for _, s := range []string{"http://example.com:8080/p.php?k1=v1&k2=v2#Ref1", "mailto:a@b", "http://[::1%eth0]/", "http://u@h:1/%41%C3%A9?a=%FF+b#x", "foo", "http://1.2.3.4.5/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, ok := parseURL(s)
		if !ok {
			return
		}
		for _, p := range []string{u.scheme, u.host, u.path, u.query, u.fragment} {
			if !strings.Contains(s, p) {
				t.Fatalf("parseURL(%q): part %q is not in the URL", s, p)
			}
			if d := appendURIDecoded(nil, p); utf8.ValidString(s) && !utf8.Valid(d) {
				t.Fatalf("parseURL(%q): %q decodes to invalid UTF-8 %q", s, p, d)
			}
		}
		if u.hasQuery {
			_ = appendFormDecoded(nil, u.query)
		}
	})
}

// TestURLEncodeDecode: Trino's cases (TestUrlFunctions) and URLDecoder's
// errors.
func TestURLEncodeDecode(t *testing.T) {
	pairs := [][2]string{
		{"http%3A%2F%2Ftest", "http://test"},
		{"http%3A%2F%2Ftest%3Fa%3Db%26c%3Dd", "http://test?a=b&c=d"},
		{"http%3A%2F%2F%E3%83%86%E3%82%B9%E3%83%88", "http://テスト"},
		{"%7E%40%3A.-*_%2B+%E2%98%83", "~@:.-*_+ ☃"},
		{"test", "test"},
		{"%F0%A9%B8%BD", "𩸽"},
	}
	var encIn, decIn []any
	var encWant, decWant []string
	for _, p := range pairs {
		encIn, encWant = append(encIn, p[1]), append(encWant, p[0])
		decIn, decWant = append(decIn, p[0]), append(decWant, p[1])
	}
	columnTests(t, "url_encode(%s)", append(encIn, nil), append(encWant, "NULL"))
	columnTests(t, "try(url_decode(%s))", append(decIn, nil, "a+b%2", "%FF%41", "a+b"), append(decWant, "NULL", "NULL", "\uFFFDA", "a b"))
	exprTests(t, [][2]string{
		{"url_decode('%FF%41'), length(url_decode('%+4')), length(url_decode('%-0')), try(url_decode('a%')), try(url_decode('%zz')), try(url_decode('%-1')), url_encode('a' || chr(255) || 'b')", "\uFFFDA|1|1|NULL|NULL|NULL|a%C3%BFb"},
	})
	for _, tt := range [][2]string{
		{"SELECT url_decode('a%')", "Incomplete trailing escape"},
		{"SELECT url_decode('%zz')", "Illegal hex characters"},
		{"SELECT url_decode('%-1')", "negative value"},
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
