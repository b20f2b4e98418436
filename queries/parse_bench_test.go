package queries

import (
	"io/fs"
	"testing"
)

// BenchmarkParse parses the headers of the shipped hunts.
func BenchmarkParse(b *testing.B) {
	names, err := fs.Glob(embedded, "*.sql")
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	for _, n := range names {
		t, err := fs.ReadFile(embedded, n)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(t))
	}
	b.ReportAllocs()
	for b.Loop() {
		for i, t := range texts {
			if _, err := Parse(names[i], t); err != nil {
				b.Fatal(err)
			}
		}
	}
}
