package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

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
		// Anchored ends must not overlap the parts before them.
		{"a%a", "", "a", false},
		{"a%a", "", "aa", true},
		{"ab%bc", "", "abc", false},
		{"ab%bc", "", "abbc", true},
		{"%ab%ab", "", "xabab", true},
		{"%ab%ab", "", "xab", false},
		// '_' inside and at the ends of %-separated parts, over runes.
		{"%a_c%", "", "xxaébcaéc", true},
		{"%a_c%", "", "xxaébc", false},
		{"%_é", "", "aé", true},
		{"%_é", "", "é", false},
		{"_%_", "", "é", false},
		{"_%_", "", "éé", true},
		{"%é_", "", "aéb", true},
		{"a_%_c", "", "abc", false},
		{"a_%_c", "", "abxc", true},
		{"%\"%\"%ZZZ", "", `{"a":"b"}ZZZ`, true},
		{"%\"%\"%ZZZ", "", `{"a":"b"}ZZ`, false},
		{"%_%", "", "", false},
		{"%%", "", "", true},
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

// TestLike_Linear: a pattern with several '%' over a 114 KB field with
// many quotes took minutes with the backtracking matcher (and ignored
// SIGINT); it must take milliseconds.
func TestLike_Linear(t *testing.T) {
	big := bigLikeField()
	for _, pat := range []string{`%"%"%ZZZ`, `{%"value"%}%ZZZ%`, `%"_"%"_"%ZZZ`, `%k%k%k%k%k%k%ZZZ`} {
		m, err := compileLike(pat, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan bool, 1)
		go func() { done <- m.match(big) }()
		select {
		case got := <-done:
			if got {
				t.Errorf("%q matched", pat)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%q over %d bytes: no answer after 5 s", pat, len(big))
		}
	}
}

// likeRegexp is the reference meaning of a LIKE pattern (no escape).
func likeRegexp(pat string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	for _, r := range pat {
		switch r {
		case '%':
			b.WriteString(`.*`)
		case '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}

// TestLike_Random compares the matcher with the regexp meaning of LIKE
// over random patterns and strings of a small alphabet (with a
// multi-byte rune).
func TestLike_Random(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alpha := []string{"a", "b", "é", "%", "_"}
	gen := func(n int, pattern bool) string {
		var b strings.Builder
		for range rng.IntN(n) {
			k := rng.IntN(len(alpha))
			if !pattern {
				k = rng.IntN(3)
			}
			b.WriteString(alpha[k])
		}
		return b.String()
	}
	for range 20000 {
		pat, s := gen(8, true), gen(10, false)
		m, err := compileLike(pat, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.match(s), likeRegexp(pat).MatchString(s); got != want {
			t.Fatalf("%q LIKE %q = %v; want %v", s, pat, got, want)
		}
	}
}

// FuzzLike checks the matcher against the regexp meaning of LIKE.
func FuzzLike(f *testing.F) {
	f.Add("%a%b_", "xaxbé")
	f.Add(`%"%"%ZZZ`, `{"a":"b"}ZZZ`)
	f.Add("_%_", "é")
	f.Fuzz(func(t *testing.T, pat, s string) {
		if len(pat) > 64 || len(s) > 256 || !utf8.ValidString(pat) || !utf8.ValidString(s) {
			return
		}
		m, err := compileLike(pat, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.match(s), likeRegexp(pat).MatchString(s); got != want {
			t.Fatalf("%q LIKE %q = %v; want %v", s, pat, got, want)
		}
	})
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

// TestInSet_HasInt: the integer list's range check and short scan answer
// as the set does, at its ends, between and outside them, for lists
// scanned and lists hashed.
func TestInSet_HasInt(t *testing.T) {
	for _, list := range [][]int64{{22}, {22, 3389}, {6, 17}, {-5, 0, 7}, {3389, 22, 1 << 40}, {3333, 3334, 3335, 3357, 4444, 5555, 6666, 7777},
		{3333, 3334, 3335, 3357, 4444, 5555, 6666, 7777, 14433, 14444, 45560, 45700}, {math.MinInt64, math.MaxInt64},
		{math.MaxInt64 - 3, math.MaxInt64}, {math.MinInt64, math.MinInt64 + 64}, {0, 63}, {0, 64}, {-1, 1 << 15}, {0, maxInBits - 1}, {0, maxInBits}} {
		set := &inSet{ints: map[int64]struct{}{}}
		for _, v := range list {
			set.ints[v] = struct{}{}
		}
		set.sealInts()
		if (set.few != nil) != (len(list) <= fewInts) {
			t.Errorf("%v: scanned %v, want %v", list, set.few != nil, len(list) <= fewInts)
		}
		if lo, hi := slices.Min(list), slices.Max(list); (set.bits != nil) != (uint64(hi)-uint64(lo) < maxInBits) {
			t.Errorf("%v: bitset %v", list, set.bits != nil)
		}
		probe := []int64{math.MinInt64, math.MaxInt64, math.MinInt64 + 1, math.MaxInt64 - 1, 0, 1, -1, 21, 23, 3388, 3390, 45701, 14434, 64, 65, 65536, 65537}
		for _, v := range list {
			probe = append(probe, v, v-1, v+1)
		}
		for _, v := range probe {
			_, want := set.ints[v]
			if got := set.hasInt(v); got != want {
				t.Errorf("%v: hasInt(%d) = %v, want %v", list, v, got, want)
			}
			if set.bits == nil {
				continue
			}
			if got := set.hasIntBits(v); got != want {
				t.Errorf("%v: hasIntBits(%d) = %v, want %v", list, v, got, want)
			}
		}
		// The kernel, whose bitset test is written out.
		var a arena
		x := &vec{t: tInt, n: len(probe), i: probe}
		out := &vec{}
		out.reset(tBool, len(probe))
		inKernel(set, false)(&a, out, []*vec{x})
		for i, v := range probe {
			if _, want := set.ints[v]; out.b[i] != want {
				t.Errorf("%v: %d IN list = %v, want %v", list, v, out.b[i], want)
			}
		}
		// Each value at each place of the kernel's blocks of eight, and
		// every length (the blocks' tail).
		for r := range 9 {
			rot := append(slices.Clone(probe[r:]), probe[:r]...)
			for _, n := range []int{len(rot), len(rot) - 1, 8, 9, 15, 16, 17} {
				if n > len(rot) {
					continue
				}
				x := &vec{t: tInt, n: n, i: rot[:n]}
				out.reset(tBool, n)
				inKernel(set, false)(&a, out, []*vec{x})
				for i, v := range rot[:n] {
					if _, want := set.ints[v]; out.b[i] != want {
						t.Errorf("%v: rotated %d, %d values: %d IN list = %v, want %v", list, r, n, v, out.b[i], want)
					}
				}
			}
		}
		// NOT IN, over a value that is NULL (which stays NULL).
		xn := &vec{t: tInt, n: len(probe), i: probe, null: make([]bool, len(probe))}
		xn.null[len(list)%len(probe)] = true
		out.reset(tBool, len(probe))
		inKernel(set, true)(&a, out, []*vec{xn})
		for i, v := range probe {
			_, in := set.ints[v]
			if out.isNull(i) != xn.null[i] || !xn.null[i] && out.b[i] == in {
				t.Errorf("%v: %d (null %v) NOT IN list = %v (null %v)", list, v, xn.null[i], out.b[i], out.isNull(i))
			}
		}
	}
}

func BenchmarkInKernel_Ints(b *testing.B) {
	for _, list := range [][]int64{{22, 3389}, {3333, 3334, 3335, 3357, 4444, 5555, 6666, 7777, 14433, 14444, 45560, 45700}} {
		set := &inSet{ints: map[int64]struct{}{}}
		for _, v := range list {
			set.ints[v] = struct{}{}
		}
		set.sealInts()
		// hashed: every value hashed into the map, as before the range
		// check and the short scan.
		hashed := &inSet{ints: set.ints, lo: math.MinInt64, hi: math.MaxInt64}
		x := &vec{t: tInt, n: BatchRows, i: make([]int64, BatchRows)}
		for i := range x.i {
			x.i[i] = int64(i*7919) % 65536
		}
		// flows: destination ports as in flow logs, half a service port,
		// half an ephemeral one, at random.
		flows := &vec{t: tInt, n: BatchRows, i: make([]int64, BatchRows)}
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range flows.i {
			if rng.IntN(2) == 0 {
				flows.i[i] = []int64{22, 53, 80, 443, 3389, 5432}[rng.IntN(6)]
			} else {
				flows.i[i] = 1024 + rng.Int64N(64512)
			}
		}
		for name, s := range map[string]*inSet{"sealed": set, "hashed": hashed, "flows": set} {
			k := inKernel(s, false)
			x := x
			if name == "flows" {
				x = flows
			}
			b.Run(fmt.Sprintf("%d/%s", len(list), name), func(b *testing.B) {
				var a arena
				out := &vec{}
				b.SetBytes(8 * BatchRows)
				b.ReportAllocs()
				for b.Loop() {
					out.reset(tBool, BatchRows)
					k(&a, out, []*vec{x})
				}
			})
		}
	}
}
