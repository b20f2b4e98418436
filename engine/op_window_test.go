package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/parsers"
)

// windowParseTests pair window, lambda and set-operation syntax with its
// canonical form ("" means the input is canonical).
var windowParseTests = []struct{ in, want string }{
	{"SELECT row_number() over (partition by a, b order by c desc) rn FROM t",
		"SELECT row_number() OVER (PARTITION BY a, b ORDER BY c DESC) AS rn FROM t"},
	{"SELECT rank() OVER (ORDER BY count(*) DESC), dense_rank() OVER () FROM t GROUP BY a", ""},
	{"SELECT lag(x, 2, 0) OVER (PARTITION BY a ORDER BY t), lead(x) OVER (ORDER BY t NULLS FIRST) FROM t", ""},
	{"SELECT sum(x) OVER (ORDER BY t ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) FROM t", ""},
	{"SELECT sum(x) OVER (ORDER BY t rows 2 preceding) FROM t",
		"SELECT sum(x) OVER (ORDER BY t ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t"},
	{"SELECT count(*) OVER (PARTITION BY ip ORDER BY eventtime RANGE BETWEEN interval '5' minute PRECEDING AND CURRENT ROW) FROM t",
		"SELECT count(*) OVER (PARTITION BY ip ORDER BY eventtime RANGE BETWEEN INTERVAL '5' MINUTE PRECEDING AND CURRENT ROW) FROM t"},
	{"SELECT first_value(x) OVER (ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t", ""},
	{"SELECT count(*) FILTER (WHERE a) OVER (PARTITION BY b) FROM t", ""},
	{"SELECT * FROM (SELECT a, row_number() OVER (PARTITION BY a ORDER BY b) AS rn FROM t) WHERE rn = 1", ""},
	{"SELECT transform(a, x -> x + 1), filter(a, x -> x IS NOT NULL), any_match(a, e -> e LIKE 'x%')", ""},
	{"SELECT transform(a, x->x * 2)", "SELECT transform(a, x -> x * 2)"},
	{"SELECT 1 INTERSECT SELECT 2", ""},
	{"SELECT 1 intersect distinct SELECT 2 EXCEPT SELECT 3", "SELECT 1 INTERSECT SELECT 2 EXCEPT SELECT 3"},
	{"SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 3", "SELECT 1 UNION ALL (SELECT 2 INTERSECT SELECT 3)"},
	{"(SELECT 1 UNION ALL SELECT 2) INTERSECT SELECT 3", ""},
	{"SELECT 1 EXCEPT SELECT 2 EXCEPT SELECT 3", ""},
}

func TestParseWindow_Success(t *testing.T) {
	for _, tt := range windowParseTests {
		want := tt.want
		if want == "" {
			want = tt.in
		}
		q, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		got := q.String()
		if got != want {
			t.Errorf("Parse(%q).String()\ngot  %q\nwant %q", tt.in, got, want)
			continue
		}
		q2, err := Parse(got)
		if err != nil {
			t.Errorf("re-parse of %q: %v", got, err)
			continue
		}
		if q2.String() != got {
			t.Errorf("round trip of %q gives %q", got, q2.String())
		}
	}
}

func TestParseWindow_Failure(t *testing.T) {
	for _, tt := range []struct{ in, msg string }{
		{"SELECT sum(x) OVER (ORDER BY t ROWS BETWEEN CURRENT ¶AND 1 FOLLOWING)", `expected ROW, found "AND"`},
		{"SELECT sum(x) OVER (ORDER BY t ROWS BETWEEN UNBOUNDED ¶ROW AND 1 FOLLOWING)", `expected PRECEDING or FOLLOWING after UNBOUNDED, found "ROW"`},
		{"SELECT sum(x) OVER (ORDER BY t ROWS 2 ¶AND)", `expected PRECEDING or FOLLOWING, found "AND"`},
		{"SELECT sum(x) OVER (ORDER BY t ¶GROUPS 1 PRECEDING)", `expected ROWS or RANGE (GROUPS frames are not supported), found "GROUPS"`},
		{"SELECT sum(x) OVER (PARTITION ¶a)", `expected BY, found "a"`},
		{"SELECT 1 INTERSECT ¶ALL SELECT 2", `expected SELECT after INTERSECT (INTERSECT ALL is not supported; INTERSECT is DISTINCT), found "ALL"`},
	} {
		off := strings.Index(tt.in, "¶")
		in := strings.Replace(tt.in, "¶", "", 1)
		_, err := ParseSource("x.sql", in)
		var pe *parsers.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q): got %v; want *parsers.ParseError", in, err)
			continue
		}
		if pe.Offset != int64(off) || pe.Err.Error() != tt.msg {
			t.Errorf("Parse(%q): got offset %d %q; want offset %d %q", in, pe.Offset, pe.Err.Error(), off, tt.msg)
		}
	}
}
