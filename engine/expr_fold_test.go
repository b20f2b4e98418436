package engine

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// foldInputs are field values for the folded comparisons: ASCII in every
// case, non-ASCII that lowers to other lengths (Ⱥ grows, the Kelvin sign
// K shrinks to ASCII 'k'), and the empty string.
var foldInputs = []string{
	"", "a", "A", "StopLogging", "STOPLOGGING", "stoplogging", "StopLoggingX", "xStopLogging",
	"Terraform/1.5 (+https://www.terraform.io)", "aws-cli/2.0", "ÉCOLE", "école", "\u212Aey", "key", "KEY",
	"\u023Aa", "\u2C65a", "İstanbul", "arn:aws:iam::1:user/Alice", "ARN:AWS:IAM::1:USER/ALICE", "alice\u212A",
}

var foldLits = []string{"", "a", "stoplogging", "key", "école", "terraform", "aws-cli/", "alice", "/alice", "ⱥa", "arn:aws:iam::1:user/alice", "k"}

// TestEqualLower: the folded comparisons give exactly what lower() then
// the plain comparison gives.
func TestEqualLower(t *testing.T) {
	for _, s := range foldInputs {
		for _, lit := range foldLits {
			if got, want := equalLower(s, lit), strings.ToLower(s) == lit; got != want {
				t.Errorf("equalLower(%q, %q) = %v; want %v", s, lit, got, want)
			}
			for _, pat := range []string{lit, lit + "%", "%" + lit, "%" + lit + "%"} {
				m, err := compileLike(pat, 0, false)
				if err != nil {
					t.Fatal(err)
				}
				if m.kind == likeGeneral {
					continue
				}
				if got, want := likeLower(m, s), m.match(strings.ToLower(s)); got != want {
					t.Errorf("likeLower(%q LIKE %q) = %v; want %v", s, pat, got, want)
				}
			}
		}
	}
}

func FuzzEqualLower(f *testing.F) {
	for _, s := range foldInputs {
		f.Add(s, "stoplogging")
	}
	f.Fuzz(func(t *testing.T, s, lit string) {
		lit = strings.ToLower(lit)
		if got, want := equalLower(s, lit), strings.ToLower(s) == lit; got != want {
			t.Fatalf("equalLower(%q, %q) = %v; want %v", s, lit, got, want)
		}
		for _, pat := range []string{lit + "%", "%" + lit, "%" + lit + "%"} {
			if strings.ContainsAny(lit, "%_") {
				continue
			}
			m, _ := compileLike(pat, 0, false)
			if m.kind == likeGeneral {
				continue
			}
			if got, want := likeLower(m, s), m.match(strings.ToLower(s)); got != want {
				t.Fatalf("likeLower(%q LIKE %q) = %v; want %v", s, pat, got, want)
			}
		}
	})
}

// TestFoldCase_Queries runs the three shapes through the whole engine,
// over plain and dictionary columns, against the same queries with
// lower() forced to run (|| ” hides the shape).
func TestFoldCase_Queries(t *testing.T) {
	rows := ctSample()
	for i := range rows {
		rows[i]["useragent"] = foldInputs[i%len(foldInputs)]
	}
	for _, cond := range []string{
		"lower(eventname) = 'consolelogin'", "lower(useragent) = 'stoplogging'", "'key' = lower(useragent)",
		"lower(useragent) <> 'key'", "lower(useragent) LIKE 'stop%'", "lower(useragent) LIKE '%logging'",
		"lower(useragent) LIKE '%ogg%'", "lower(useragent) NOT LIKE '%e%'", "lower(eventname) LIKE 'create%'",
		"lower(useragent) IN ('key', 'école', 'a')", "lower(eventname) IN ('consolelogin', 'createuser')",
		"coalesce(lower(errorcode) = 'accessdenied', false)", "NOT coalesce(lower(errorcode) LIKE 'access%', false)",
		"NOT coalesce(errorcode IS NOT NULL AND lower(useragent) = 'key', false)",
	} {
		plain := strings.Replace(cond, "lower(useragent)", "(lower(useragent) || '')", 1)
		plain = strings.Replace(plain, "lower(eventname)", "(lower(eventname) || '')", 1)
		plain = strings.Replace(plain, "lower(errorcode)", "(lower(errorcode) || '')", 1)
		plain = strings.ReplaceAll(plain, ", false)", ", false, false)") // a third argument: the general CASE
		got := countWhere(t, rows, cond)
		want := countWhere(t, rows, plain)
		if got != want {
			t.Errorf("WHERE %s: %s; want %s", cond, got, want)
		}
	}
}

func countWhere(t *testing.T, rows []map[string]any, cond string) string {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := buildRecord(mem, parsers.CloudTrailSchema, rows)
	defer rec.Release()
	return resultText(runQuery(t, "SELECT eventname, useragent FROM cloudtrail WHERE "+cond, 1, rec))
}

// TestFoldCase_Shapes: which compiled expressions take the folded form.
func TestFoldCase_Shapes(t *testing.T) {
	col := &exprCol{t: tString, slot: 0}
	lower := &exprFunc{name: "lower", t: tString, args: []expr{col}, strict: true}
	upper := &exprFunc{name: "upper", t: tString, args: []expr{col}, strict: true}
	lowerEq := foldCase(&exprCmp{op: opEq, l: lower, r: &exprConst{v: strConst("x")}})
	coalesceOf := func(x expr, k *vec) expr {
		return &exprCase{t: tBool, conds: []expr{&exprIsNull{x: x, not: true}, &exprIsNull{x: &exprConst{v: k}, not: true}}, vals: []expr{x, &exprConst{v: k}}}
	}
	tests := []struct {
		e    expr
		want string
	}{
		{&exprCmp{op: opEq, l: lower, r: &exprConst{v: strConst("x")}}, "lower_eq"},
		{&exprCmp{op: opNe, l: &exprConst{v: strConst("x")}, r: lower}, "lower_ne"},
		{&exprCmp{op: opEq, l: lower, r: &exprConst{v: strConst("X")}}, ""}, // never true: left as written
		{&exprCmp{op: opLt, l: lower, r: &exprConst{v: strConst("x")}}, ""},
		{&exprCmp{op: opEq, l: upper, r: &exprConst{v: strConst("X")}}, ""},
		{&exprFunc{name: "in", args: []expr{lower}, set: &inSet{strs: map[string]struct{}{"a": {}, "b": {}}}}, "lower_in"},
		{coalesceOf(lowerEq, boolConst(false)), "coalesce_false"},
		{coalesceOf(lowerEq, boolConst(true)), ""},
		{&exprFunc{name: "in", args: []expr{lower}, set: &inSet{strs: map[string]struct{}{"a": {}, "B": {}}}}, ""},
		{&exprFunc{name: "in", args: []expr{lower}, set: &inSet{strs: map[string]struct{}{"a": {}}, hasNull: true}}, ""},
	}
	for i, tt := range tests {
		got := ""
		if f, ok := foldCase(tt.e).(*exprFunc); ok && (strings.HasPrefix(f.name, "lower_") || f.name == "coalesce_false") {
			got = f.name
		}
		if got != tt.want {
			t.Errorf("%d: got %q; want %q", i, got, tt.want)
		}
		// Like lower() comparisons, the folded forms cannot fail, so AND
		// and OR evaluate them on every row rather than gathering rows.
		if got != "" && mayFail(foldCase(tt.e)) {
			t.Errorf("%d: %s may fail", i, got)
		}
	}
}

// foldBatch is a batch of user agents and ARNs, mixed case, the shape
// Sigma rules compare case-insensitively.
func foldBatch() []string {
	s := make([]string, BatchRows)
	for i := range s {
		switch i % 3 {
		case 0:
			s[i] = "aws-cli/2.15." + strconv.Itoa(i%40) + " Python/3.11.6 Linux/5.10 exe/x86_64.amzn.2 prompt/off command/s3.ls"
		case 1:
			s[i] = "arn:aws:sts::1111222233" + strconv.Itoa(i%100) + ":assumed-role/Admin-" + strconv.Itoa(i%7) + "/Session"
		default:
			s[i] = "Terraform/1.5." + strconv.Itoa(i%9) + " (+https://www.terraform.io) terraform-provider-aws/5.31.0"
		}
	}
	return s
}

// foldExprs are the Sigma shapes, as written (lower() copies) and folded.
func foldExprs(t testing.TB) map[string]expr {
	col := &exprCol{t: tString, slot: 0}
	lower := &exprFunc{name: "lower", t: tString, args: []expr{col}, k: lowerUpperKernel(false), strict: true}
	eq := &exprCmp{op: opEq, l: lower, r: &exprConst{v: strConst("terraform/1.5.3 (+https://www.terraform.io) terraform-provider-aws/5.31.0")}}
	mc, _ := compileLike("%terraform%", 0, false)
	mp, _ := compileLike("arn:aws:sts::%", 0, false)
	in := &exprFunc{name: "in", t: tBool, args: []expr{lower}, set: &inSet{strs: map[string]struct{}{"a": {}, "aws-cli/2.15.1": {}}}}
	in.k = inKernel(in.set, false)
	return map[string]expr{
		"eq/lower":          eq,
		"eq/folded":         foldCase(eq),
		"contains/lower":    &exprFunc{name: "like", t: tBool, args: []expr{lower}, k: likeKernel(mc, false), strict: true},
		"contains/folded":   foldLike(lower, mc, false),
		"startswith/lower":  &exprFunc{name: "like", t: tBool, args: []expr{lower}, k: likeKernel(mp, false), strict: true},
		"startswith/folded": foldLike(lower, mp, false),
		"in/lower":          in,
		"in/folded":         foldCase(in),
	}
}

func evalFold(a *arena, e expr, c *chunk) int {
	a.reset()
	v := e.eval(a, c)
	n := 0
	for i := 0; i < c.n; i++ {
		if !v.isNull(i) && v.b[i] {
			n++
		}
	}
	return n
}

// TestFoldCase_Allocs: the folded forms allocate nothing per batch.
func TestFoldCase_Allocs(t *testing.T) {
	strs := foldBatch()
	c := &chunk{n: len(strs), cols: []*vec{{t: tString, n: len(strs), s: strs}}}
	a := &arena{}
	for name, e := range foldExprs(t) {
		if !strings.HasSuffix(name, "/folded") {
			continue
		}
		want := evalFold(a, foldExprs(t)[strings.Replace(name, "folded", "lower", 1)], c)
		if got := evalFold(a, e, c); got != want {
			t.Errorf("%s: %d rows match; lower() gives %d", name, got, want)
		}
		if n := testing.AllocsPerRun(10, func() { evalFold(a, e, c) }); n != 0 {
			t.Errorf("%s: %v allocs per batch; want 0", name, n)
		}
	}
}

var foldSink int

// BenchmarkFoldCase compares each shape as written (lower() copies every
// row into the arena) with its folded form, over one batch.
func BenchmarkFoldCase(b *testing.B) {
	strs := foldBatch()
	n := 0
	for _, s := range strs {
		n += len(s)
	}
	c := &chunk{n: len(strs), cols: []*vec{{t: tString, n: len(strs), s: strs}}}
	exprs := foldExprs(b)
	for _, name := range []string{"eq/lower", "eq/folded", "contains/lower", "contains/folded", "startswith/lower", "startswith/folded", "in/lower", "in/folded"} {
		b.Run(name, func(b *testing.B) {
			a := &arena{}
			e := exprs[name]
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				foldSink += evalFold(a, e, c)
			}
		})
	}
}

func TestIndexLower(t *testing.T) {
	for _, s := range []string{"", "a", "xAbAB", "aaaaAAAAab", "AAAAAAAAAb", "terraform/1.5 TERRAFORM", "abc", "--ab", "AB", "zzzzzzzzzzzzzzzzzzzzzab"} {
		for _, lit := range []string{"a", "ab", "abc", "terraform", "1.5", "b", "-", "zab", "xyz"} {
			if got, want := indexLower(s, lit), strings.Index(strings.ToLower(s), lit); got != want {
				t.Errorf("indexLower(%q, %q) = %d; want %d", s, lit, got, want)
			}
		}
	}
}

// TestFoldLikeAny_Queries: ORs of case-folded LIKEs of one column, merged
// into one lower_like_any, give what the ORs of lower() give, over plain
// and dictionary columns, NULLs, non-ASCII and text longer than the
// kernel's stack buffer.
func TestFoldLikeAny_Queries(t *testing.T) {
	inputs := append(slices.Clone(foldInputs), strings.Repeat("Mozilla/5.0 ", 60)+"KALI", strings.Repeat("x", 600), "Parrot OS", "pentoo")
	var rows []map[string]any
	for len(rows) <= len(inputs) {
		for _, r := range ctSample() {
			rows = append(rows, r)
		}
	}
	for i := range rows {
		rows[i]["useragent"] = inputs[i%len(inputs)]
	}
	rows[len(rows)-1]["useragent"] = nil
	for _, cond := range []string{
		"lower(useragent) LIKE '%ogg%' OR lower(useragent) LIKE 'key' OR lower(useragent) LIKE '%alice'",
		"(lower(useragent) LIKE 'stop%' OR lower(useragent) LIKE '%é%') AND eventname IS NOT NULL",
		"lower(eventname) LIKE 'create%' OR lower(eventname) LIKE '%login'",
		"lower(useragent) LIKE '%k%' OR lower(useragent) NOT LIKE '%a%'",
		"coalesce(lower(useragent) LIKE '%kali%' OR lower(useragent) LIKE '%parrot%' OR lower(useragent) LIKE '%pentoo%', false)",
		"NOT coalesce(lower(useragent) LIKE '%ey' OR lower(useragent) LIKE 'a%', false)",
		"lower(useragent) LIKE '%x%' OR lower(eventname) LIKE '%x%'",
	} {
		plain := strings.ReplaceAll(cond, "lower(useragent)", "(lower(useragent) || '')")
		plain = strings.ReplaceAll(plain, "lower(eventname)", "(lower(eventname) || '')")
		plain = strings.ReplaceAll(plain, ", false)", ", false, false)")
		got := countWhere(t, rows, cond)
		want := countWhere(t, rows, plain)
		if got != want {
			t.Errorf("WHERE %s: %s; want %s", cond, got, want)
		}
	}
}

// TestFoldLikeAny_Shapes: which ORs merge.
func TestFoldLikeAny_Shapes(t *testing.T) {
	col := &exprCol{t: tString, slot: 0, path: "useragent"}
	other := &exprCol{t: tString, slot: 1, path: "eventname"}
	like := func(c expr, pat string, not bool) expr {
		m, err := compileLike(pat, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		f := foldLike(&exprFunc{name: "lower", t: tString, args: []expr{c}, strict: true}, m, not)
		if f == nil {
			return &exprFunc{name: "like", t: tBool, args: []expr{c}, k: likeKernel(m, not), strict: true}
		}
		return f
	}
	ab := foldLikeAny(like(col, "%a%", false), like(col, "b%", false))
	tests := []struct {
		l, r  expr
		want  string
		likes int
	}{
		{like(col, "%a%", false), like(col, "b%", false), "lower_like_any", 2},
		{ab, like(col, "%c", false), "lower_like_any", 3},
		{like(col, "%c", false), ab, "lower_like_any", 3},
		{like(col, "%a%", false), like(other, "%a%", false), "", 0},
		{like(col, "%a%", true), like(col, "%b%", false), "", 0},
		{like(col, "%a_b%", false), like(col, "%b%", false), "", 0}, // a general pattern is not folded
		{like(col, "%A%", false), like(col, "%b%", false), "", 0},   // upper case: never matches lower(); left as written
	}
	for i, tt := range tests {
		got, n := "", 0
		if f, ok := foldLikeAny(tt.l, tt.r).(*exprFunc); ok && f != nil {
			got, n = f.name, len(f.likes)
		}
		if got != tt.want || n != tt.likes {
			t.Errorf("%d: got %q with %d patterns; want %q with %d", i, got, n, tt.want, tt.likes)
		}
	}
}
