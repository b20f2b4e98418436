package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeHunt puts on PATH a hunt that answers `hunt CMD -h` as the real one
// does for query (the scripts read flags from it).
func fakeHunt(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	_, help, _ := runHunt(t, "query", "-h")
	os.WriteFile(filepath.Join(dir, "help.txt"), []byte(help), 0o644)
	os.WriteFile(filepath.Join(dir, "hunt"), []byte("#!/bin/sh\ncat "+filepath.Join(dir, "help.txt")+"\n"), 0o755)
	return dir
}

// completionCases are what each shell must complete: words typed so far
// (the last being completed) and the candidates wanted, in any order.
var completionCases = []struct {
	words []string
	want  string
}{
	{[]string{"hunt", "qu"}, "query"},
	{[]string{"hunt", "query", "--expl"}, "--explain"},
	{[]string{"hunt", "hunts", "ch"}, "check"},
	{[]string{"hunt", "query", "--output", ""}, "csv json line table"},
	{[]string{"hunt", "run", "--sink", "sec"}, "securityhub securityhub:"},
	{[]string{"hunt", "cat", "--table", "vpc"}, "vpc_flow"},
	{[]string{"hunt", "query", "--engine", "a"}, "athena auto"},
	{[]string{"hunt", "run", "--hunt", "cloudtrail_st"}, "cloudtrail_stopped"},
	{[]string{"hunt", "hunts", "show", "vpc_port"}, "vpc_port_scan"},
	{[]string{"hunt", "completion", "z"}, "zsh"},
}

func sortedFields(s string) string {
	f := strings.Fields(s)
	for i := range f {
		for j := i + 1; j < len(f); j++ {
			if f[j] < f[i] {
				f[i], f[j] = f[j], f[i]
			}
		}
	}
	return strings.Join(f, " ")
}

// TestCompletion_Bash loads the bash script into a real bash with a fake
// hunt on PATH and completes commands, flags, flag values and hunt IDs.
func TestCompletion_Bash(t *testing.T) {
	code, script, _ := runHunt(t, "completion", "bash")
	if code != exitOK || !strings.Contains(script, "complete -o filenames -F _hunt hunt") {
		t.Fatalf("exit %d, script:\n%s", code, script)
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	dir := fakeHunt(t)
	os.WriteFile(filepath.Join(dir, "c.bash"), []byte(script), 0o644)
	for _, tc := range completionCases {
		cmd := exec.Command(bash, "-c", `source "$1"; COMP_WORDS=("${@:2}"); COMP_CWORD=$(( $# - 2 )); _hunt; echo "${COMPREPLY[*]}"`,
			"bash", filepath.Join(dir, "c.bash"))
		cmd.Args = append(cmd.Args, tc.words...)
		cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v: %s", err, out)
		}
		if got := sortedFields(string(out)); got != tc.want {
			t.Errorf("bash %q<TAB> = %q; want %q", tc.words, got, tc.want)
		}
	}
}

// TestCompletion_Zsh runs the zsh script's function with compadd and
// _files stubbed to print their candidates.
func TestCompletion_Zsh(t *testing.T) {
	code, script, _ := runHunt(t, "completion", "zsh")
	if code != exitOK || !strings.HasPrefix(script, "#compdef hunt\n") {
		t.Fatalf("exit %d, script:\n%s", code, script)
	}
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("no zsh")
	}
	dir := fakeHunt(t)
	os.WriteFile(filepath.Join(dir, "c.zsh"), []byte(script), 0o644)
	const stubs = `compdef() { :; }
compadd() { local skip=0 words=0 a; for a in "$@"; do if (( skip )); then skip=0; elif (( words )); then print -rn -- "$a "; else case $a in -S) skip=1 ;; --) words=1 ;; esac; fi; done; }
_files() { print -rn -- "FILES"; }
`
	for _, tc := range completionCases {
		cmd := exec.Command(zsh, "-f", "-c", stubs+`source "$1"; words=("${@:2}"); CURRENT=$(( $# - 1 )); _hunt; print`, "zsh", filepath.Join(dir, "c.zsh"))
		cmd.Args = append(cmd.Args, tc.words...)
		cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("zsh: %v: %s", err, out)
		}
		// compadd offers every word; zsh itself filters by the prefix.
		var got []string
		prefix := tc.words[len(tc.words)-1]
		for _, w := range strings.Fields(string(out)) {
			if strings.HasPrefix(w, prefix) {
				got = append(got, w)
			}
		}
		if g := sortedFields(strings.Join(got, " ")); g != tc.want {
			t.Errorf("zsh %q<TAB> = %q; want %q", tc.words, g, tc.want)
		}
	}
}

// TestCompletion_Fish asks a real fish for completions (complete -C).
func TestCompletion_Fish(t *testing.T) {
	code, script, _ := runHunt(t, "completion", "fish")
	if code != exitOK || !strings.Contains(script, "complete -c hunt -n '__fish_seen_subcommand_from query' -l explain") {
		t.Fatalf("exit %d, script:\n%s", code, script)
	}
	fish, err := exec.LookPath("fish")
	if err != nil {
		t.Skip("no fish")
	}
	file := filepath.Join(t.TempDir(), "hunt.fish")
	os.WriteFile(file, []byte(script), 0o644)
	for _, tc := range completionCases {
		line := strings.Join(tc.words, " ")
		cmd := exec.Command(fish, "--no-config", "-c", `source $argv[1]; complete -C $argv[2]`, file, line)
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("fish: %v: %s", err, out)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			w, _, _ := strings.Cut(l, "\t")
			if w != "" {
				got = append(got, w)
			}
		}
		if g := sortedFields(strings.Join(got, " ")); g != tc.want {
			t.Errorf("fish %q<TAB> = %q; want %q", line, g, tc.want)
		}
	}
}

func TestCompletion_Failure(t *testing.T) {
	code, out, errOut := runHunt(t, "completion", "fihs")
	if code != exitUsage || out != "" || !strings.Contains(errOut, `expected bash, zsh or fish, found "fihs"`) || !strings.Contains(errOut, "Did you mean fish?") {
		t.Errorf("completion fihs: exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
	if code, out, _ := runHunt(t, "completion", "-h"); code != exitOK || !strings.Contains(out, "hunt completion fish | source") {
		t.Errorf("completion -h: exit %d:\n%s", code, out)
	}
}
