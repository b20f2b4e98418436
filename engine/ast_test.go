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
