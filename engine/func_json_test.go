package engine

import "testing"

func TestJSONFind(t *testing.T) {
	doc := `{"a": {"b": [10, {"c": "x\"y"}, true]}, "k\u0041": null, "s": "t"}`
	tests := []struct{ path, want string }{
		{"$.a.b[0]", "10"},
		{"$.a.b[1].c", `"x\"y"`},
		{"$.a.b[2]", "true"},
		{"$.a.b[3]", "<none>"},
		{`$["s"]`, `"t"`},
		{"$.kA", "null"},
		{"$.a", `{"b": [10, {"c": "x\"y"}, true]}`},
		{"$.missing", "<none>"},
		{"$", doc},
	}
	for _, tt := range tests {
		steps, ok := compileJSONPath(tt.path)
		if !ok {
			t.Fatalf("compileJSONPath(%q) failed", tt.path)
		}
		got, ok := jsonFind(doc, steps)
		if !ok {
			got = "<none>"
		}
		if got != tt.want {
			t.Errorf("jsonFind(%s) = %q; want %q", tt.path, got, tt.want)
		}
	}
	for _, bad := range []string{"a.b", "$.", "$[x", "$[-1]", "$.a..b"} {
		if _, ok := compileJSONPath(bad); ok {
			t.Errorf("compileJSONPath(%q) accepted", bad)
		}
	}
}

func TestFuncJSON(t *testing.T) {
	exprTests(t, [][2]string{
		{`json_extract_scalar('{"a":{"b":"c\u0041"}}', '$.a.b'), json_extract_scalar('{"a":[1,2]}', '$.a'), json_extract_scalar('{"a":null}', '$.a')`, `cA|NULL|NULL`},
		{`json_extract('{"a":[1,2]}', '$.a'), json_extract('{"a":[1,2]}', '$.a[1]'), json_array_length(json_extract('{"a":[1,2,3]}', '$.a'))`, `[1,2]|2|3`},
		{`CAST(json_extract('{"a":"x"}', '$.a') AS varchar), json_extract_scalar('not json', '$.a')`, `x|NULL`},
		// Escapes decode as in the readers: surrogate pairs join into one rune.
		{`json_extract_scalar('{"a":"\ud83d\ude00!"}', '$.a'), json_extract_scalar('{"a\u0062":"\/x\n"}', '$.ab')`, "😀!|/x\n"},
	})
}

// jsonStringBytes is the byte-at-a-time scan jsonString replaced, the
// reference of TestJSONString and FuzzJSONString.
func jsonStringBytes(s string, i int) (int, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return 0, 0, false
	}
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return i, j + 1, true
		}
	}
	return 0, 0, false
}

func TestJSONString(t *testing.T) {
	tests := []struct {
		s    string
		i    int
		want int // end (after the closing quote); -1: no string
	}{
		{`"abc"`, 0, 5},
		{`""`, 0, 2},
		{`"a\"b"`, 0, 6},
		{`"a\\"b"`, 0, 5},        // an even run: the quote closes
		{`"a\\\"b"`, 0, 8},       // an odd run: escaped
		{`"\\"`, 0, 4},           // a run right after the opening quote
		{`"\"`, 0, -1},           // the only quote after the opening one is escaped
		{`"\\\\\"x\\\\"`, 0, 13}, // five backslashes, then four
		{`x"ab"`, 1, 5},
		{`"ab`, 0, -1},
		{`"ab\`, 0, -1},
		{`ab"`, 0, -1},
		{`"a\"bcdefghijklmnopqrstuvwxyz0123456789\\"`, 0, 42},
	}
	for _, tt := range tests {
		_, e, ok := jsonString(tt.s, tt.i)
		if !ok {
			e = -1
		}
		if e != tt.want {
			t.Errorf("jsonString(%q, %d) = %d; want %d", tt.s, tt.i, e, tt.want)
		}
		_, e2, ok2 := jsonStringBytes(tt.s, tt.i)
		if !ok2 {
			e2 = -1
		}
		if e2 != tt.want {
			t.Errorf("reference jsonStringBytes(%q, %d) = %d; want %d", tt.s, tt.i, e2, tt.want)
		}
	}
}

// FuzzJSONString checks jsonString against the byte-at-a-time scan.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{`"abc"`, `"a\"b"`, `"a\\"b"`, `"\\\\\"x\\\\"`, `"\"`, `"ab\`, `{"k":"v\\\"w"}`} {
		f.Add(s, 0)
	}
	f.Fuzz(func(t *testing.T, s string, i int) {
		if i < 0 || i > len(s) {
			return
		}
		s1, e1, ok1 := jsonString(s, i)
		s2, e2, ok2 := jsonStringBytes(s, i)
		if s1 != s2 || e1 != e2 || ok1 != ok2 {
			t.Fatalf("jsonString(%q, %d) = %d, %d, %v; the byte scan says %d, %d, %v", s, i, s1, e1, ok1, s2, e2, ok2)
		}
	})
}

// TestJSONArrayContains: Trino's cases (TestJsonFunctions) and its
// streaming: TRUE at the first match even when the text is malformed
// after it, NULL for malformed text before a match.
func TestJSONArrayContains(t *testing.T) {
	exprTests(t, [][2]string{
		{`json_array_contains('[]', true), json_array_contains('[true]', true), json_array_contains('[false]', false), json_array_contains('[true, false]', false), json_array_contains('false', false), json_array_contains('true', false), json_array_contains('[[true]]', true), json_array_contains('[1, 0]', true)`,
			"false|true|true|true|NULL|NULL|false|false"},
		{`json_array_contains('[]', 1), json_array_contains('[3]', 3), json_array_contains('[-4]', -4), json_array_contains('[1.0]', 1), json_array_contains('[[2]]', 2), json_array_contains('[1, 2, 3]', 4), json_array_contains('[92233720368547758071]', -9), json_array_contains('[-0]', 0)`,
			"false|true|true|false|false|false|false|true"},
		{`json_array_contains('[]', 1.5), json_array_contains('[1.5]', 1.5), json_array_contains('[-9.52]', -9.52), json_array_contains('[1]', 1e0), json_array_contains('[1.0e2]', 1e2), json_array_contains('[1e400]', 1e2), json_array_contains('[[1.5]]', 1.5)`,
			"false|true|true|false|true|false|false"},
		{`json_array_contains('[]', 'x'), json_array_contains('["foo"]', 'foo'), json_array_contains('["fo\u006F"]', 'foo'), json_array_contains('[1, "a"]', 'a'), json_array_contains('[["a"]]', 'a'), json_array_contains('[{"a":"a"}]', 'a'), json_array_contains('[1]', '1')`,
			"false|true|true|true|false|false|false"},
		// Streaming: a match before malformed text is TRUE.
		{`json_array_contains('[1, ]', 1), json_array_contains('[1, ]', 2), json_array_contains('[1 2]', 1), json_array_contains('[1 2]', 2), json_array_contains('[1,2', 2), json_array_contains('[1,2', 3), json_array_contains('[1] x', 2), json_array_contains('[truex, 1]', 1)`,
			"true|NULL|true|NULL|true|NULL|false|NULL"},
		{`json_array_contains('[01]', 1), json_array_contains('["a\x"]', 'b'), json_array_contains('[{"a" 1}]', 1), json_array_contains('', 1), json_array_contains('  [ 1 ] ', 1)`,
			"NULL|NULL|NULL|NULL|true"},
		{`json_array_contains(NULL, 1), json_array_contains('[1]', NULL), json_array_contains(json_parse('[1, "x"]'), 'x')`, "NULL|NULL|true"},
	})
	columnTests(t, "json_array_contains(%s, 'AdministratorAccess')", []any{
		`["ReadOnly","AdministratorAccess"]`, `["ReadOnly"]`, `{"a":"AdministratorAccess"}`, `["Administrator\u0041ccess"]`, `["x",`, nil,
	}, []string{"true", "false", "NULL", "true", "NULL", "NULL"})
}

func TestJSONArrayLength(t *testing.T) {
	exprTests(t, [][2]string{
		{`json_array_length('[]'), json_array_length('[1, [2, 3], {"a": []}, "x", null]'), json_array_length('{"a": 1}'), json_array_length('x'), json_array_length('[1,2'), json_array_length('[1,]'), json_array_length(NULL)`,
			"0|5|NULL|NULL|NULL|NULL|NULL"},
	})
	columnTests(t, "json_array_length(%s)", []any{`[1,2,3]`, `[]`, `[`, `"a"`, nil}, []string{"3", "0", "NULL", "NULL", "NULL"})
	if _, err := Compile("SELECT json_array_contains('[1]', CAST(NULL AS date))", Options{}); err == nil {
		t.Errorf("json_array_contains of a date compiled")
	}
}

// TestJSONArrayNoAlloc: json_array_contains and json_array_length
// allocate nothing per row, escaped strings included.
func TestJSONArrayNoAlloc(t *testing.T) {
	a := &arena{}
	in := &vec{t: tString, n: 3, s: []string{`["a", "b\u0041", {"x": [1, 2.5]}]`, `[1, 2, 3]`, `[1,`}}
	val := &vec{t: tString, n: 3, s: []string{"bA", "x", "y"}}
	out, n := a.vec(tBool, 3), a.vec(tInt, 3)
	k := jsonArrayContainsKernel(kString)
	k(a, out, []*vec{in, val})
	args := []*vec{in, val}
	if got := testing.AllocsPerRun(100, func() {
		a.buf = a.buf[:0]
		k(a, out, args)
		jsonArrayLengthKernel(a, n, args[:1])
	}); got > 0 {
		t.Errorf("%v allocations per run", got)
	}
	if !out.b[0] || out.b[1] || !out.isNull(2) || n.i[0] != 3 || n.i[1] != 3 || !n.isNull(2) {
		t.Errorf("got %v %v / %v %v", out.b, out.null, n.i, n.null)
	}
}
