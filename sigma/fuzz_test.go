package sigma

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hunt-sec/hunt/parsers"
)

// FuzzParse: loading and compiling any input never panics; every error is
// a positioned *Error within the input's lines.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(sigmaHQDir + "/cloudtrail/*.yml")
	for _, p := range files[:min(len(files), 20)] {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("title: t\ndetection:\n  s: {a|contains|all: [x, y]}\n  condition: not (s or 1 of s*)\n"))
	f.Add([]byte("title: c\ncorrelation: {type: temporal, rules: [a], group-by: [x], timespan: 5m}\n---\naction: repeat\ntitle: d\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Lines as YAML counts them: LF, CRLF, and a lone CR each end one.
		lines := 1
		for i, c := range data {
			if c == '\n' || c == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
				lines++
			}
		}
		res := Parse("f.yml", data)
		for _, err := range res.Errors {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T %v; want *Error", err, err)
			}
			if e.Pos.Line < 0 || e.Pos.Line > lines+1 {
				t.Fatalf("error line %d outside the input's %d lines: %v", e.Pos.Line, lines, err)
			}
		}
		for _, r := range res.Rules {
			if r.Detection == nil {
				continue
			}
			if _, err := Compile(r, parsers.CloudTrail, Options{}); err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("compile: got %T %v; want *Error", err, err)
				}
			}
		}
	})
}
