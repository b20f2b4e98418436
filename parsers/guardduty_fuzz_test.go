package parsers

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// fuzzRows checks a flat JSON reader's properties on data: no panic or
// hang, every error a *ParseError whose offset lies within the input, no
// more rows than objects in the input, and the allocator back to zero.
func fuzzRows(t *testing.T, newR func(io.Reader, string, ...Option) (Reader, error), data []byte, projections [][]string) {
	for _, cols := range projections {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		opts := []Option{WithAllocator(mem)}
		if cols != nil {
			opts = append(opts, WithColumns(cols...))
		}
		r, err := newR(bytes.NewReader(data), "fuzz.json", opts...)
		if err != nil {
			t.Fatal(err)
		}
		var rows int64
		for r.Next() {
			rows += r.Batch().NumRows()
		}
		check := func(err error) {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
			if pe.Offset < 0 || pe.Offset > int64(len(data)) {
				t.Fatalf("error offset %d outside input of %d bytes: %v", pe.Offset, len(data), pe)
			}
		}
		if err := r.Err(); err != nil {
			check(err)
		}
		for _, e := range r.Rejects().Errs {
			check(e)
		}
		st := r.Stats()
		if objs := int64(strings.Count(string(data), "{")); st.Records != rows || rows > objs {
			t.Fatalf("rows %d, stats %+v, input has %d objects at most", rows, st, objs)
		}
		r.Release()
		mem.AssertSize(t, 0)
	}
}

func addSeedFiles(f *testing.F, globs ...string) {
	for _, glob := range globs {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil && len(data) < 64<<10 {
				f.Add(data)
			}
		}
	}
}

func FuzzGuardDuty(f *testing.F) {
	f.Add([]byte(gdFinding + "\n" + gdFinding))
	f.Add([]byte(`{"id":"x","updatedAt":"2024-03-05T07:30:00Z","severity":"8","title":"\u00e9\ud83d\ude00"}` + "\n[1]\n{\"id\":"))
	addSeedFiles(f, "../testdata/guardduty/*.json", "../testdata/guardduty/bad/*", "../testdata/hunts/guardduty_*/*.jsonl")
	projections := [][]string{nil, {"id", "severity", "service", "$path"}}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRows(t, newGD, data, projections) })
}
