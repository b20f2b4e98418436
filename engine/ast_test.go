package engine

import "testing"

func TestQuoteIdent(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := quoteIdent(in); got != want {
			t.Errorf("quoteIdent(%q) = %q; want %q", in, got, want)
		}
	}
	f("eventname", "eventname")
	f("_x1", "_x1")
	f("end", `"end"`)
	f("$path", `"$path"`)
	f("a b", `"a b"`)
	f(`a"b`, `"a""b"`)
	f("1a", `"1a"`)
}

func TestExprString(t *testing.T) {
	one := &NumberLit{Text: "1"}
	f := func(e Expr, want string) {
		t.Helper()
		if got := e.String(); got != want {
			t.Errorf("got %q; want %q", got, want)
		}
	}
	f(&Binary{Op: "-", L: one, R: &Binary{Op: "-", L: one, R: one}}, "1 - (1 - 1)")
	f(&Binary{Op: "*", L: &Binary{Op: "+", L: one, R: one}, R: one}, "(1 + 1) * 1")
	f(&Unary{Op: "-", X: &Unary{Op: "-", X: one}}, "-(-1)")
	f(&Deref{X: &NumberLit{Text: "0"}, Field: "a"}, "(0).a")
	f(&Not{X: &Binary{Op: "AND", L: one, R: one}}, "NOT (1 AND 1)")
}

// TestQuoteIdent: names print bare unless reserved or not a plain lower-case
// name; an Ident prints its parts so, dot-separated.
func TestIdent_String(t *testing.T) {
	for _, tc := range []struct {
		parts []string
		want  string
	}{
		{[]string{"eventname"}, "eventname"},
		{[]string{"_x1"}, "_x1"},
		{[]string{"select"}, `"select"`},
		{[]string{"left"}, `"left"`},
		{[]string{"Name"}, `"Name"`},
		{[]string{"1a"}, `"1a"`},
		{[]string{"$path"}, `"$path"`},
		{[]string{`a"b`}, `"a""b"`},
		{[]string{""}, `""`},
		{[]string{"useridentity", "arn"}, "useridentity.arn"},
		{[]string{"t", "from", "x"}, `t."from".x`},
	} {
		if got := (&Ident{Parts: tc.parts}).String(); got != tc.want {
			t.Errorf("Ident%q.String() = %s; want %s", tc.parts, got, tc.want)
		}
	}
}
