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
