package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompletion loads the bash script into a real bash with a fake hunt
// on PATH and completes a subcommand, a flag and a hunts verb.
func TestCompletion(t *testing.T) {
	code, script, _ := runHunt(t, "completion", "bash")
	if code != exitOK || !strings.Contains(script, "complete -o filenames -F _hunt hunt") {
		t.Fatalf("exit %d, script:\n%s", code, script)
	}
	if code, _, _ := runHunt(t, "completion", "fish"); code != exitUsage {
		t.Errorf("completion fish: exit %d; want %d", code, exitUsage)
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	// The script asks `hunt CMD -h` for flags: answer as hunt query -h does.
	_, help, _ := runHunt(t, "query", "-h")
	os.WriteFile(filepath.Join(dir, "help.txt"), []byte(help), 0o644)
	os.WriteFile(filepath.Join(dir, "hunt"), []byte("#!/bin/sh\ncat "+filepath.Join(dir, "help.txt")+"\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "c.bash"), []byte(script), 0o644)
	complete := func(words ...string) string {
		t.Helper()
		cmd := exec.Command(bash, "-c", `source "$1"; COMP_WORDS=("${@:2}"); COMP_CWORD=$(( $# - 2 )); _hunt; echo "${COMPREPLY[*]}"`,
			"bash", filepath.Join(dir, "c.bash"))
		cmd.Args = append(cmd.Args, words...)
		cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v: %s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := complete("hunt", "qu"); got != "query" {
		t.Errorf("hunt qu<TAB> = %q; want query", got)
	}
	if got := complete("hunt", "query", "--expl"); got != "--explain" {
		t.Errorf("hunt query --expl<TAB> = %q; want --explain", got)
	}
	if got := complete("hunt", "hunts", "ch"); got != "check" {
		t.Errorf("hunt hunts ch<TAB> = %q; want check", got)
	}
}
