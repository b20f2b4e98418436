package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// registeredFlags reads every command's flags from its -h.
func registeredFlags(t *testing.T) map[string][]string {
	t.Helper()
	flagLine := regexp.MustCompile(`(?m)^  -([a-z0-9][a-z0-9-]*)`)
	byCmd := map[string][]string{"hunt": {"help", "version"}}
	for _, cmd := range [][]string{{"cat"}, {"query"}, {"ls"}, {"run"}, {"investigate"}, {"hunts"}, {"convert"}, {"athena", "ddl"}, {"bench"}} {
		code, out, errOut := runHunt(t, append(cmd, "-h")...)
		if code != exitOK {
			t.Fatalf("hunt %s -h: exit %d: %s", cmd, code, errOut)
		}
		for _, m := range flagLine.FindAllStringSubmatch(out, -1) {
			byCmd[strings.Join(cmd, " ")] = append(byCmd[strings.Join(cmd, " ")], m[1])
		}
	}
	return byCmd
}

// TestFlagNamesInMessages: every --flag a message, help text or example
// names in the packages a user hears from is a flag some command has.
func TestFlagNamesInMessages(t *testing.T) {
	byCmd := registeredFlags(t)
	var all []string
	for _, fl := range byCmd {
		all = append(all, fl...)
	}
	if !slices.Contains(all, "aws-region") || !slices.Contains(all, "account") || !slices.Contains(all, "hunt") {
		t.Fatalf("flags read from -h: %v; want aws-region, account, hunt among them", all)
	}
	flagRef := regexp.MustCompile(`(?:^|[^A-Za-z0-9_-])--([a-z][a-z0-9-]*)`)
	checked := 0
	for _, dir := range []string{".", "../../findings", "../../engine", "../../archive", "../../scan", "../../queries", "../../parsers"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, file, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				for _, m := range flagRef.FindAllStringSubmatch(s, -1) {
					checked++
					if !slices.Contains(all, m[1]) {
						t.Errorf("%s: names --%s, which no command has", fset.Position(lit.Pos()), m[1])
					}
				}
				return true
			})
		}
	}
	if checked < 50 {
		t.Errorf("checked %d flag names; want the messages of every package (at least 50)", checked)
	}
}

// TestFlagNamesInErrors: errors name the flag that sets what they ask for.
func TestFlagNamesInErrors(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    string
		notWant string
	}{
		{[]string{"athena", "ddl", "--location", "s3://trail-bucket/"}, "hunt athena ddl: --account: expected the account IDs", "--accounts"},
		{[]string{"athena", "ddl", "--location", "s3://trail-bucket/", "--account", "1234"}, "hunt athena ddl: --account: expected a 12-digit account ID", "--accounts"},
		{[]string{"athena", "ddl", "--location", "trail-bucket"}, "hunt athena ddl: --location: expected s3://", ""},
		{[]string{"athena", "ddl", "--location", "s3://b/", "--account", "111122223333", "--database", "a'b"}, "hunt athena ddl: expected no quotes", "--expected"},
		{[]string{"hunts", "show", "nope"}, `hunt hunts show: expected a hunt ID (see hunt hunts list), found "nope"`, "--hunt"},
		{[]string{"hunts", "show", "cloudtrail_stoped"}, "Did you mean cloudtrail_stopped?", "--hunt"},
	} {
		code, _, errOut := runHunt(t, tc.args...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) || (tc.notWant != "" && strings.Contains(errOut, tc.notWant)) {
			t.Errorf("hunt %q: exit %d, stderr:\n%s\nwant %d and %q, not %q", tc.args, code, errOut, exitUsage, tc.want, tc.notWant)
		}
	}
}
