package engine

import (
	"strconv"
	"strings"
	"testing"
)

// likeSink keeps benchmark results live.
var likeSink int

// bigLikeField is a 114 KB JSON-like value with many quotes (a large
// requestparameters), the shape that made '%"%"%ZZZ' backtrack for minutes.
func bigLikeField() string {
	var b strings.Builder
	for i := 0; b.Len() < 114<<10; i++ {
		b.WriteString(`{"key":"k` + strconv.Itoa(i) + `","value":"v"},`)
	}
	return b.String()
}

// BenchmarkLike matches LIKE patterns over one 114 KB field and over a
// batch of typical short fields (ARNs, event names): the fast paths
// (prefix, suffix, contains) and the general matcher.
func BenchmarkLike(b *testing.B) {
	big := []string{bigLikeField()}
	short := make([]string, BatchRows)
	for i := range short {
		short[i] = "arn:aws:iam::1111222233" + strconv.Itoa(i%100) + ":role/svc-" + strconv.Itoa(i%37) + "-Admin" + strconv.Itoa(i%3)
	}
	cases := []struct {
		name, pat string
		in        []string
	}{
		{"big/quotes", `%"%"%ZZZ`, big},
		{"big/scan", `%"%"%ZZZ%`, big}, // the last segment is searched through the field
		{"big/contains", `%ZZZ%`, big},
		{"big/general", `{%"value"%}%ZZZ%`, big},
		{"short/prefix", `arn:aws:iam::%`, short},
		{"short/suffix", `%Admin1`, short},
		{"short/contains", `%svc-1%`, short},
		{"short/general", `arn:aws:iam::%:role/%Admin_`, short},
		{"short/underscore", `arn:aws:iam::____________:role/%`, short},
		{"short/miss", `%:user/%root%`, short},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			m, err := compileLike(tc.pat, 0, false)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for _, s := range tc.in {
				n += len(s)
			}
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				for _, s := range tc.in {
					if m.match(s) {
						likeSink++
					}
				}
			}
		})
	}
}
