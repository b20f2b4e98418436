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
