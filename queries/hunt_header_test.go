package queries

import (
	"regexp"
	"strings"
	"testing"
)

// TestHeaderPatterns: the hand-written checks of IDs, tactics and
// techniques accept exactly what the header's patterns describe.
func TestHeaderPatterns(t *testing.T) {
	checks := []struct {
		name string
		re   *regexp.Regexp
		f    func(string) bool
	}{
		{"id", regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`), validID},
		{"tactic", regexp.MustCompile(`^TA[0-9]{4}$`), validTactic},
		{"technique", regexp.MustCompile(`^T[0-9]{4}(\.[0-9]{3})?$`), validTechnique},
	}
	cases := []string{
		"", "a", "_", "_a", "a_", "root_used", "Root", "a-b", "0", "9x_", "a b", "a\n", "é",
		"TA0005", "TA000", "TA00055", "ta0005", "TA000a", "TB0005", "TA0005\n", " TA0005",
		"T1562", "T1562.008", "T1562.08", "T1562.0081", "T1562008", "T15620", "T156", "T1562x008",
		"t1562", "T1562.", "T1562.00a", "TA562", "T1562.008\n",
	}
	// Every string of up to 3 bytes over an alphabet that reaches each branch.
	alpha := "aZ_0.9T-A\n"
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		cases = append(cases, prefix)
		if n == 0 {
			return
		}
		for i := 0; i < len(alpha); i++ {
			gen(prefix+alpha[i:i+1], n-1)
		}
	}
	gen("", 3)
	for _, s := range []string{"T", "TA", "T1", "T12", "T123", "T1234", "T1234.", "T1234.5", "T1234.56"} {
		gen(s, 2)
	}
	for _, c := range checks {
		for _, s := range cases {
			if got, want := c.f(s), c.re.MatchString(s); got != want {
				t.Errorf("%s(%q) = %v; the pattern %s says %v", c.name, s, got, c.re, want)
			}
		}
	}
}

// TestTextParts: a title, description or remediation is its lines
// joined by a space, as appending one line at a time made it, an empty
// first value included.
func TestTextParts(t *testing.T) {
	appendText := func(p *string, s string) { // the reference
		if *p == "" {
			*p = s
		} else {
			*p += " " + s
		}
	}
	for _, pieces := range [][]string{
		{"a"}, {"a", "b", "c"}, {""}, {"", "b"}, {"", "b", "c"}, {"a", ""}, {"a", "", "b"}, {"", ""}, {"", "", "x"},
	} {
		var tp textParts
		var want [3]string
		for _, s := range pieces {
			for i, key := range []string{"title", "description", "remediation"} {
				tp.add(key, s+strings.Repeat("!", i))
				appendText(&want[i], s+strings.Repeat("!", i))
			}
		}
		for i := range want {
			if got := tp.join(i); got != want[i] {
				t.Errorf("pieces %q, text %d: got %q; want %q", pieces, i, got, want[i])
			}
		}
	}
}
