package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocs: the design notes live in the repository (docs/), the README
// links there and to nothing outside it, and docs/DESIGN.md names every
// command and the seams the code has.
func TestDocs(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"README.md": string(readme)}
	for _, f := range []string{"DESIGN.md", "STYLE.md"} {
		b, err := os.ReadFile(filepath.Join("../../docs", f))
		if err != nil {
			t.Fatalf("docs/%s: %v", f, err)
		}
		files["docs/"+f] = string(b)
		if !strings.Contains(string(readme), "docs/"+f) {
			t.Errorf("README.md does not point at docs/%s", f)
		}
	}
	link := regexp.MustCompile(`\]\(([^)#]+)\)`)
	for name, text := range files {
		if strings.Contains(text, "../shared") {
			t.Errorf("%s points outside the repository (../shared)", name)
		}
		for _, m := range link.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") {
				continue
			}
			if _, err := os.Stat(filepath.Join("../..", filepath.Dir(name), target)); err != nil {
				t.Errorf("%s links %s, which is not in the repository", name, target)
			}
		}
	}
	design := files["docs/DESIGN.md"]
	for _, c := range commands {
		if c != "help" && !strings.Contains(design, "`hunt "+c) {
			t.Errorf("docs/DESIGN.md does not name hunt %s", c)
		}
	}
	for _, seam := range []string{"scan.Run", "parsers.Table", "parsers.Tables", "archive.Facts", "scan.ErrUnknownTable"} {
		if !strings.Contains(design, seam) {
			t.Errorf("docs/DESIGN.md does not name the seam %s", seam)
		}
	}
}
