package engine

import "testing"

func TestLike(t *testing.T) {
	tests := []struct {
		pat, esc string
		in       string
		want     bool
	}{
		{"abc", "", "abc", true},
		{"abc", "", "abcd", false},
		{"a%", "", "abc", true},
		{"%c", "", "abc", true},
		{"%b%", "", "abc", true},
		{"a_c", "", "abc", true},
		{"a_c", "", "aéc", true},
		{"a_c", "", "ac", false},
		{"%a%b%c%", "", "xaxbxcx", true},
		{"%a%b%c", "", "xaxbxcx", false},
		{"%", "", "", true},
		{"a\\%", "\\", "a%", true},
		{"a\\%", "\\", "ab", false},
		{"a\\_b", "\\", "a_b", true},
		{"a\\_b", "\\", "axb", false},
	}
	for _, tt := range tests {
		var esc rune
		if tt.esc != "" {
			esc = []rune(tt.esc)[0]
		}
		m, err := compileLike(tt.pat, esc, tt.esc != "")
		if err != nil {
			t.Fatalf("compileLike(%q): %v", tt.pat, err)
		}
		if got := m.match(tt.in); got != tt.want {
			t.Errorf("%q LIKE %q = %v; want %v", tt.in, tt.pat, got, tt.want)
		}
	}
	if _, err := compileLike("a\\", '\\', true); err == nil {
		t.Errorf("trailing escape accepted")
	}
}

func TestExprCompare(t *testing.T) {
	exprTests(t, [][2]string{
		{"1 = 1.0, 2 > 1.5, 'a' < 'b', 'b' <> 'b', NULL = 1, 1 BETWEEN 0 AND 2, 3 NOT BETWEEN 0 AND 2", "true|true|true|false|NULL|true|true"},
		{"2 IN (1, 2), 2 IN (1.5, 2.0), 'x' NOT IN ('a', 'b'), NULL IN (1), 3 IN (1, NULL)", "true|true|true|NULL|NULL"},
		{"'abc' LIKE 'a%', 'abc' NOT LIKE '%c', 'a_c' LIKE 'a!_c' ESCAPE '!'", "true|false|true"},
		{"NULL IS DISTINCT FROM NULL, 1 IS DISTINCT FROM NULL, 1 IS DISTINCT FROM 1, 1 IS NOT DISTINCT FROM 2, 'a' IS NOT DISTINCT FROM 'a'", "false|true|false|false|true"},
		{"count(*) FROM (SELECT NULL AS x UNION ALL SELECT 'a' UNION ALL SELECT 'b') WHERE x IS DISTINCT FROM 'a'", "2"},
	})
}
