package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/parsers"
)

// FuzzParseQuery checks that parsing never panics, that every error is a
// *parsers.ParseError within the input, and that parse → String → parse
// is stable.
func FuzzParseQuery(f *testing.F) {
	for _, tt := range parseSuccessTests {
		f.Add(tt.in)
	}
	for _, tt := range parseFailureTests {
		f.Add(strings.Replace(tt.in, "¶", "", 1))
	}
	for _, tt := range windowParseTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		q, err := Parse(in)
		if err != nil {
			var pe *parsers.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): error %T %v is not a *parsers.ParseError", in, err, err)
			}
			if pe.Offset < 0 || pe.Offset > int64(len(in)) {
				t.Fatalf("Parse(%q): offset %d outside input", in, pe.Offset)
			}
			return
		}
		s := q.String()
		q2, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its String %q fails: %v", in, s, err)
		}
		if s2 := q2.String(); s2 != s {
			t.Fatalf("round trip of %q:\n first  %q\n second %q", in, s, s2)
		}
	})
}
