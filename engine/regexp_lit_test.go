package engine

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// litPatterns are the fast path's shapes, and some it must refuse.
var litPatterns = []string{
	`^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|f[cd]|fe80)`,
	`/0$`, `^abc$`, `^(a|ab|abc)$`, `^$`, `^`, `$`, `^x`, `(trufflehog|pacu|cloudfox)`, `ab[cd]`, `x(a|b)(c|d)`,
	`^a|^b`, `(^a)`, `^a+`, `^(?i)abc`, `a.c`, `^é[èê]`, `^\x{FFFD}`, `^[\x00-\xff]x`, `cloudtrail|trail|audit`,
	`^(p[2-6]|g[3-6]|g5g|inf[12]|trn[12]|dl[12]|x[12]|u-|f[12])`, `:i-[0-9a-fA-F]+$`,
	`(trufflehog|pacu|cloudfox|enumerate-iam|kali|parrot)`, `(x|ab|cd|ef)`, `(ab|abc|b[cd]|é!)`,
	`:i-[0-9a-f]+$`, `x[0-9]+$`, `ab[a-c]+$`, `a[é]+$`, `(?i):i-[0-9a-f]+$`, `^:i-[0-9a-f]+$`,
	`^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$`, `^[a-z]*-[0-9]+$`, `^x[0-9]*$`, `^[0-9]+$`, `^[0-9]+[0-9a]+$`, `^[0-9]+1$`,
	`^[0-9]+\.`, `^(?i)[a-z]+$`, `^[é]+$`, `^[^.]+\.x$`, `^[0-9]+(\.|-)[0-9]+$`, `^[0-9]{1,3}\.[0-9]+$`,
}

var litTexts = []string{
	"", "10.0.0.1", "100.64.1.1", "100.63.1.1", "100.127.0.1", "100.128.0.1", "172.16.0.1", "172.32.0.1", "172.3.1.1",
	"192.168.1.1", "192.169.1.1", "fc00::1", "fe80::1", "fe81::1", "f", "8.8.8.8", "1.2.3.4/0", "0.0.0.0/0", "/0 ", "abc", "ab",
	"a", "abcd", "xabc", "xbd", "Pacu", "pacu!", "éè", "é\xff", "\xff", "\xffx", "p3.2xlarge", "g5g.xlarge", "u-6tb1", "x",
	"arn:aws:sts::1:assumed-role/r/i-0abc", "a\nb", "b",
	"aws-cli/2 kali-linux", "Pacu/1.0", "xx", "zzef", "zzcd", "é!", "ébd", "aws-sdk parrot", "enumerate-ia",
	"AROA:i-0abc123", "AROA:i-0abc123 ", "AROA:i-", ":i-f", ":i-0ABC", "x:i-12:i-34", ":i-12x", "x9", "x", "abab", "abcab",
	"aéé", "a\xff", ":i-0a\xff", ":I-0a",
	"1.2.3.4", "203.0.113.255", "10.0.0.256", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3", ".1.2.3", "1.2.3.4\n", "1.2.3.4 ",
	"\u0661.2.3.4", "1.2.3.\xff", "abc-12", "-1", "abc-", "ab-c-1", "x", "x1", "x1a", "123", "1231", "12a", "1-2", "1.x", "a.x",
}

// TestLitMatcher: every pattern the fast path takes answers as the
// regexp engine does; the ones it must not take get no matcher.
func TestLitMatcher(t *testing.T) {
	refused := map[string]bool{`^a|^b`: true, `(^a)`: true, `^a+`: true, `^(?i)abc`: true, `a.c`: true,
		`^\x{FFFD}`: true, `^`: true, `$`: true, `ab[a-c]+$`: true, `a[é]+$`: true, `(?i):i-[0-9a-f]+$`: true,
		`^[0-9]+[0-9a]+$`: true, `^[0-9]+1$`: true, `^[0-9]+\.`: true, `^(?i)[a-z]+$`: true, `^[é]+$`: true, `^[^.]+\.x$`: true,
		`^[0-9]+(\.|-)[0-9]+$`: true, `^[0-9]{1,3}\.[0-9]+$`: true}
	for _, p := range litPatterns {
		m := newLitMatcher(p)
		if refused[p] {
			if m != nil {
				t.Errorf("%q: took the fast path; want the regexp engine", p)
			}
			continue
		}
		if m == nil {
			t.Errorf("%q: no fast path", p)
			continue
		}
		re := regexp.MustCompile(p)
		for _, s := range litTexts {
			if got, want := m.match(s), re.MatchString(s); got != want {
				t.Errorf("%q on %q: fast %v, regexp %v", p, s, got, want)
			}
		}
	}
}

func FuzzLitMatcher(f *testing.F) {
	for _, p := range litPatterns {
		for _, s := range litTexts[:8] {
			f.Add(p, s)
		}
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		re, err := regexp.Compile(p)
		if err != nil {
			return
		}
		m := newLitMatcher(re.String())
		if m == nil {
			return
		}
		if got, want := m.match(s), re.MatchString(s); got != want {
			t.Fatalf("%q on %q: fast %v, regexp %v", p, s, got, want)
		}
	})
}

func BenchmarkRegexpLikePrivate(b *testing.B) {
	p := litPatterns[0]
	re := regexp.MustCompile(p)
	m := newLitMatcher(p)
	texts := []string{"10.0.0.1", "100.64.1.1", "8.8.8.8", "172.31.255.255", "203.0.113.9", "192.168.4.4", "52.94.1.1", "fe80::1"}
	b.Run("regexp", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			re.MatchString(texts[i%len(texts)])
		}
	})
	b.Run("trie", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			m.match(texts[i%len(texts)])
		}
	})
}

func BenchmarkRegexpLikeTools(b *testing.B) {
	p := `(trufflehog|pacu|cloudfox|enumerate-iam|weirdaal|aws_consoler|s3scanner|nuclei|kali|parrot|pentoo|cloudbrute|awspx|aws-enumerator|gitleaks)`
	m := newLitMatcher(p)
	texts := []string{
		"aws-cli/2.15.30 python/3.11.8 linux/5.10.210-201.852.amzn2.x86_64 exe/x86_64.amzn.2 prompt/off command/s3.cp",
		"console.amazonaws.com", "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/goos#linux md/goarch#amd64 api/sts#1.28.6",
		"Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.79 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69",
	}
	b.Run("substrings", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			containsAny(texts[i%len(texts)], m.lits)
		}
	})
	b.Run("pairs", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			m.match(texts[i%len(texts)])
		}
	})
	b.Run("pairs_memo", func(b *testing.B) {
		// A memo per batch of BatchRows texts, as the kernel keeps.
		var mm matchMemo
		for i := 0; b.Loop(); i++ {
			if i%BatchRows == 0 {
				mm = matchMemo{}
			}
			mm.match(texts[i%len(texts)], m.match)
		}
	})
}

func BenchmarkRegexpLikeInstanceID(b *testing.B) {
	p := `:i-[0-9a-f]+$`
	re := regexp.MustCompile(p)
	m := newLitMatcher(p)
	texts := []string{"AROAEXAMPLEID:i-0abcd1234ef567890", "AIDAEXAMPLEUSERID", "AROAEXAMPLEID:botocore-session-1712345678", "123456789012"}
	b.Run("regexp", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			re.MatchString(texts[i%len(texts)])
		}
	})
	b.Run("tail", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			m.match(texts[i%len(texts)])
		}
	})
}

func BenchmarkRegexpLikeIPv4(b *testing.B) {
	p := `^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$`
	re := regexp.MustCompile(p)
	m := newLitMatcher(p)
	texts := []string{"203.0.113.9", "10.0.12.7", "2600:1f18:266e:a02::1", "ec2.amazonaws.com", "52.94.133.131", "AWS Internal"}
	b.Run("regexp", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			re.MatchString(texts[i%len(texts)])
		}
	})
	b.Run("segments", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			m.match(texts[i%len(texts)])
		}
	})
}

// TestMatchMemo: remembered answers are the matcher's, for texts that
// repeat, that share a slot with others (many more texts than slots), and
// that are too short to remember.
func TestMatchMemo(t *testing.T) {
	p := `(trufflehog|pacu|cloudfox|enumerate-iam|kali|parrot)`
	re := regexp.MustCompile(p)
	m := newLitMatcher(p)
	var texts []string
	for i := range 4 * memoSlots {
		s := "aws-cli/2." + strconv.Itoa(i) + " python/3.11 linux"
		if i%3 == 0 {
			s += " kali"
		}
		if i%7 == 0 {
			s = s[:memoMinLen-1-i%2] // short: not remembered
		}
		texts = append(texts, s)
	}
	for _, match := range []func(string) bool{m.match, re.MatchString} {
		var mm matchMemo
		for k := range 20 * len(texts) {
			s := texts[(k*31+k/len(texts))%len(texts)]
			if got, want := mm.match(s, match), re.MatchString(s); got != want {
				t.Fatalf("%q: got %v; want %v", s, got, want)
			}
		}
	}
}

// TestRegexpLikeKernel: the kernel answers each pattern of litPatterns as
// the regexp engine does, by whichever path it takes (prefix trie called
// directly, matcher, remembered searches), over texts repeated and
// NULL.
func TestRegexpLikeKernel(t *testing.T) {
	var texts []string
	for range 3 {
		texts = append(texts, litTexts...)
		texts = append(texts, "aws-cli/2.15 python/3.11 linux kali", "aws-cli/2.15 python/3.11 linux pacu", "172.16.0.1 and more text")
	}
	for _, p := range litPatterns {
		re := regexp.MustCompile(p)
		var a arena
		x := &vec{t: tString, n: len(texts), s: texts, null: make([]bool, len(texts))}
		x.null[3] = true
		out := &vec{}
		out.reset(tBool, len(texts))
		regexpLikeKernel(re, false)(&a, out, []*vec{x})
		for i, s := range texts {
			if i == 3 {
				if !out.isNull(i) {
					t.Errorf("%q: NULL text not NULL", p)
				}
				continue
			}
			if out.isNull(i) || out.b[i] != re.MatchString(s) {
				t.Errorf("%q on %q: got %v (NULL %v); want %v", p, s, out.b[i], out.isNull(i), re.MatchString(s))
			}
		}
	}
}

// TestRegexpLikeKernel_Memo: the kernel's memo outlives the batch, so it
// must hold copies: texts are written into one buffer, the kernel runs,
// and the buffer is overwritten with other texts for the next batch (as
// a reader reuses its buffers); every answer must be the regexp engine's
// for the text as it is now. The texts repeat across batches, share
// slots, are long enough to fill the memo's copies several times over,
// too long to remember, or too short; some are NULL. With lower, the
// kernel is regexp_like(lower(x), p), whose reference lowers first
// (capitals, non-ASCII and invalid UTF-8 included).
func TestRegexpLikeKernel_Memo(t *testing.T) {
	patterns := append([]string{`"(Days|NoncurrentDays)"\s*:\s*"?[1-7]`, `KALI`, `(?i)kali`, `kali|pacu`, `^aws-cli/2\.1[0-9]`,
		`é|\x{FFFD}`, `ß`}, litPatterns...)
	var texts []string
	for i := range memoSlots + 100 {
		s := "aws-cli/2.1" + strconv.Itoa(i%97) + " Python/3.11 Linux/" + strings.Repeat("x", i%200)
		switch i % 9 {
		case 1:
			s += " KALI"
		case 2:
			s = strings.ToUpper(s) + " pacu"
		case 3:
			s = s[:memoMinLen-1]
		case 4:
			s += " ÉTÉ \xff SS ẞ"
		case 5:
			s += strings.Repeat("y", memoMaxLen) // too long to remember
		case 6:
			s = `{"Expiration":{"Days":` + strconv.Itoa(i%10) + `}, "x": "` + s + `"}`
		}
		texts = append(texts, s)
	}
	texts = append(texts, litTexts...)
	size := 0
	for _, s := range texts {
		size += len(s)
	}
	buf := make([]byte, 0, size)
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		for _, lower := range []bool{false, true} {
			k := regexpLikeKernel(re, lower)
			var a arena
			for batch := range 3 {
				// This batch's texts, in the buffer the last batch used.
				buf = buf[:0]
				x := &vec{t: tString, n: len(texts), s: make([]string, len(texts)), null: make([]bool, len(texts))}
				for i := range texts {
					s := texts[(i+batch*37)%len(texts)]
					start := len(buf)
					buf = append(buf, s...)
					x.s[i] = unsafe.String(unsafe.SliceData(buf[start:]), len(s))
					x.null[i] = (i+batch)%11 == 0
				}
				a.reset()
				out := &vec{}
				out.reset(tBool, len(texts))
				k(&a, out, []*vec{x})
				for i, s := range x.s {
					if x.null[i] {
						if !out.isNull(i) {
							t.Fatalf("%q (lower %v): NULL text not NULL", p, lower)
						}
						continue
					}
					want := re.MatchString(s)
					if lower {
						want = re.MatchString(lowerRef(s))
					}
					if out.isNull(i) || out.b[i] != want {
						t.Fatalf("%q (lower %v) batch %d on %q: got %v (NULL %v); want %v", p, lower, batch, s, out.b[i], out.isNull(i), want)
					}
				}
			}
		}
	}
}

// TestMatchMemo_Bounded: however many texts a memo sees, it keeps at most
// memoBytes of copies, and each answer it holds is for a copy it holds.
func TestMatchMemo_Bounded(t *testing.T) {
	var mm matchMemo
	match := func(s string) bool { return len(s)%2 == 0 }
	for i := range 8 * memoSlots {
		// Texts recur, and vary in length, so slots are reused in place.
		s := strconv.Itoa(i%(2*memoSlots)) + strings.Repeat("z", (i*7)%memoMaxLen)
		if got := mm.match(s, match); got != match(s) {
			t.Fatalf("%q: got %v", s, got)
		}
		if len(mm.buf) > memoBytes || cap(mm.buf) > memoBytes {
			t.Fatalf("after %d texts the memo holds %d bytes (capacity %d); want at most %d", i+1, len(mm.buf), cap(mm.buf), memoBytes)
		}
		checkMemo(t, &mm, match, i+1)
	}
}

// TestMatchMemo_Lengths: a text that starts with a remembered one and goes
// on into the copy stored after it, in the same slot, is not mistaken for
// it.
func TestMatchMemo_Lengths(t *testing.T) {
	t1 := "0123456789abcdefXY"
	match := func(s string) bool { return len(s) == len(t1) }
	for j := 0; j < 1<<20; j++ {
		t2 := "t" + strconv.Itoa(j) + "-0123456789abcdef"
		s := t1 + t2[:1+len(strconv.Itoa(j))]
		if memoSlot(s) != memoSlot(t1) || memoSlot(t2)&^(memoWays-1) == memoSlot(t1)&^(memoWays-1) {
			continue
		}
		var mm matchMemo
		mm.match(t1, match)
		mm.match(t2, match)
		if mm.match(s, match) {
			t.Fatalf("%q after %q and %q: got true; want false", s, t1, t2)
		}
		return
	}
	t.Fatal("no text found sharing a slot")
}

// checkMemo fails unless every answer mm remembers is match's for a text
// mm holds now, in the bucket of that text, with no two slots sharing
// bytes.
func checkMemo(t *testing.T, mm *matchMemo, match func(string) bool, seen int) {
	t.Helper()
	var used [][2]int
	for h, a := range mm.ans {
		if a == 0 {
			continue
		}
		start, end := int(mm.off[h]), int(mm.off[h])+int(mm.n[h])
		if end > len(mm.buf) || memoSlot(string(mm.buf[start:end]))&^(memoWays-1) != h&^(memoWays-1) || (a == 2) != match(string(mm.buf[start:end])) {
			t.Fatalf("after %d texts slot %d holds an answer for bytes %d..%d of %d", seen, h, start, end, len(mm.buf))
		}
		used = append(used, [2]int{start, end})
	}
	slices.SortFunc(used, func(p, q [2]int) int { return p[0] - q[0] })
	for k := 1; k < len(used); k++ {
		if used[k][0] < used[k-1][1] {
			t.Fatalf("after %d texts two slots share bytes: %v and %v", seen, used[k-1], used[k])
		}
	}
}

// TestMatchMemo_Reuse: a bucket's four slots filled with texts of one
// length, then texts one byte shorter and one byte longer replacing
// them: the shorter reuse the room of the text they replace, the longer
// do not, and nothing else is overwritten.
func TestMatchMemo_Reuse(t *testing.T) {
	match := func(s string) bool { return strings.Count(s, "7")%2 == 0 }
	// texts returns n texts of length 16+pad+7 in bucket 0.
	texts := func(pad, n int) []string {
		var out []string
		for j := 0; len(out) < n; j++ {
			s := "text-" + strconv.Itoa(1000000+j) + "-" + strings.Repeat("p", pad) + "abcdefghi"
			if memoSlot(s)&^(memoWays-1) == 0 {
				out = append(out, s)
			}
		}
		return out
	}
	var mm matchMemo
	seen := 0
	for _, s := range append(append(texts(2, memoWays), texts(1, memoWays)...), texts(3, 2*memoWays)...) {
		mm.match(s, match)
		seen++
		checkMemo(t, &mm, match, seen)
	}
}

// TestByteTrie_PrefixOfEach: the column walk answers as prefixOf and as
// strings.HasPrefix over every string, for sets with the empty string, with
// strings that are prefixes of others, one-byte strings (ending within
// the two-byte root table), the private address prefixes, and a set of
// too many bytes for the root table.
func TestByteTrie_PrefixOfEach(t *testing.T) {
	re, err := syntax.Parse(`(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|f[cd]|fe80)`, syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	private, ok := finiteStrings(re, maxAnchoredLiterals)
	if !ok || len(private) != 85 {
		t.Fatal("the private prefixes are not a finite language")
	}
	texts := append([]string{"", "a", "ab", "abc", "abd", "b", "ba", "é", "\xff", "aé", "10.", "10.1.2.3", "100.64.0.1",
		"100.6", "172.31.255.1", "172.32.0.1", "fd00::1", "fe80::1", "fe8", "f", "2a05::1", "1", "1a"}, litTexts...)
	// Over 64 distinct bytes: no two-byte root table.
	var wide []string
	for c := byte(' '); c < ' '+70; c++ {
		wide = append(wide, string([]byte{'a', c, c}))
	}
	for _, lits := range [][]string{private, {"ab", "abc", "b"}, {"", "ab"}, {"a"}, {"abc"}, {"é", "\xff"}, {"a", "bcd"}, {"1a", "10."}, wide} {
		tr := newByteTrie(lits, false)
		o := make([]bool, len(texts)+3) // longer than the texts: only theirs are written
		tr.prefixOfEach(o, texts)
		for i, s := range texts {
			want := false
			for _, l := range lits {
				want = want || strings.HasPrefix(s, l)
			}
			if o[i] != want || tr.prefixOf(s) != want {
				t.Errorf("%q over %q: each %v, prefixOf %v; want %v", lits, s, o[i], tr.prefixOf(s), want)
			}
		}
	}
}
