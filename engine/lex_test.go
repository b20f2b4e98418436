package engine

import (
	"errors"
	"strings"
	"testing"
)

func TestLex_Success(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // kind:val
	}{
		{"words", "SELECT eventName FROM t", []string{"id:select", "id:eventname", "id:from", "id:t"}},
		{"quoted ident", `"end" "$path" "A""b"`, []string{`q:end`, `q:$path`, `q:a"b`}},
		{"string", `'it''s' ''`, []string{"s:it's", "s:"}},
		{"numbers", "1 2.5 .5 1e3 1.5E-2", []string{"n:1", "n:2.5", "n:.5", "n:1e3", "n:1.5E-2"}},
		{"ops", "|| <> != <= >= < > = + - * / % ( ) , . [ ] ;", []string{"o:||", "o:<>", "o:!=", "o:<=", "o:>=", "o:<", "o:>", "o:=", "o:+", "o:-", "o:*", "o:/", "o:%", "o:(", "o:)", "o:,", "o:.", "o:[", "o:]", "o:;"}},
		{"comments", "a -- x\n/* y\n */ b--", []string{"id:a", "id:b"}},
		{"no space", "a.b[1]>=2", []string{"id:a", "o:.", "id:b", "o:[", "n:1", "o:]", "o:>=", "n:2"}},
	}
	kinds := map[tokKind]string{tokIdent: "id", tokQIdent: "q", tokString: "s", tokNumber: "n", tokOp: "o"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, err := lex(tt.in)
			if err != nil {
				t.Fatalf("lex(%q): %v", tt.in, err)
			}
			var got []string
			for _, tok := range toks {
				if tok.kind == tokEOF {
					if tok.pos != len(tt.in) {
						t.Errorf("EOF at %d; want %d", tok.pos, len(tt.in))
					}
					break
				}
				if tt.in[tok.pos:tok.end] != tok.text {
					t.Errorf("token %q: offsets %d:%d give %q", tok.text, tok.pos, tok.end, tt.in[tok.pos:tok.end])
				}
				got = append(got, kinds[tok.kind]+":"+tok.val)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("lex(%q)\ngot  %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestLex_Failure marks the expected error position with ¶.
func TestLex_Failure(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"select ¶'abc", "expected closing ' of string literal, found end of input"},
		{"select ¶\"abc", `expected closing " of quoted identifier, found end of input`},
		{"a ¶/* x", `expected "*/" to close comment, found end of input`},
		{"a ¶#", "unexpected character '#'"},
		{"a ¶\"\"", "expected identifier, found empty quoted identifier"},
		{"12¶abc", `expected digit or end of number, found "a"`},
		{"x\n  ¶!", "unexpected character '!'"},
	}
	for _, tt := range tests {
		want := strings.Index(tt.in, "¶")
		in := strings.Replace(tt.in, "¶", "", 1)
		_, err := lex(in)
		var le *lexError
		if !errors.As(err, &le) {
			t.Errorf("lex(%q): got %v; want lexError", in, err)
			continue
		}
		if le.pos != want || le.msg != tt.msg {
			t.Errorf("lex(%q): got %d %q; want %d %q", in, le.pos, le.msg, want, tt.msg)
		}
	}
}

func TestLineCol(t *testing.T) {
	src := "ab\ncd\n\nx"
	for _, tt := range []struct{ pos, line, col int }{{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {4, 2, 2}, {6, 3, 1}, {7, 4, 1}, {8, 4, 2}} {
		l, c := lineCol(src, tt.pos)
		if l != tt.line || c != tt.col {
			t.Errorf("lineCol(%d) = %d:%d; want %d:%d", tt.pos, l, c, tt.line, tt.col)
		}
	}
}
