package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/archive"
)

// panicWriter panics on Write: a bug anywhere in a command.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("BUG: test panic") }

// TestRun_Panic: a panic in a command is an internal error (exit 1, with
// the stack on stderr), not the Go runtime's exit 2, which means usage.
func TestRun_Panic(t *testing.T) {
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"help"}, panicWriter{}, &stderr)
	if code != exitError {
		t.Errorf("exit %d; want %d", code, exitError)
	}
	errOut := stderr.String()
	if !strings.HasPrefix(errOut, "hunt: internal error: BUG: test panic\n") || !strings.Contains(errOut, "goroutine ") || !strings.Contains(errOut, "panicWriter") {
		t.Errorf("stderr:\n%s\nwant \"hunt: internal error: BUG: test panic\" and the stack", errOut)
	}
}

// TestRun_ExitCodes: failing to read input or reach a service is an error
// (1); only a bad command line is usage (2).
func TestRun_ExitCodes(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.gz")
	if err := os.WriteFile(cut, []byte{0x1f, 0x8b, 8, 0, 0}, 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", empty)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
	t.Setenv("AWS_PROFILE", "")
	for _, tc := range []struct {
		name    string
		args    []string
		want    int
		wantErr string // in stderr
	}{
		{"cat unreadable input", []string{"cat", cut}, exitError, "cut.gz: gzip header: unexpected EOF"},
		{"query --file missing", []string{"query", "--file", filepath.Join(dir, "no.sql"), dir}, exitError, "no.sql: no such file"},
		{"run sink without AWS config", []string{"run", "--profile", "hunt-no-such-profile",
			"--sink", "sns:arn:aws:sns:us-east-1:111122223333:hunt", "../../testdata/cloudtrail/AWSLogs"}, exitError, "cannot load AWS configuration"},
		{"run file sink in a missing folder", []string{"run", "--sink", "file:" + filepath.Join(dir, "no", "f.json"), "../../testdata/cloudtrail/AWSLogs"}, exitError, "no such file"},
		// Usage stays usage.
		{"run bad sink", []string{"run", "--sink", "carrier-pigeon", "../../testdata/cloudtrail/AWSLogs"}, exitUsage, "carrier-pigeon"},
		{"run bad SNS ARN", []string{"run", "--sink", "sns:arn:aws:s3:::bucket", "../../testdata/cloudtrail/AWSLogs"}, exitUsage, "expected an SNS topic ARN"},
		{"bad flag", []string{"cat", "--no-such-flag", cut}, exitUsage, ""},
		{"cat bad table", []string{"cat", "--table", "elb", cut}, exitUsage, "--table"},
		{"query no SQL", []string{"query"}, exitUsage, "no SQL given"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runHunt(t, tc.args...)
			if code != tc.want || !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("hunt %q: exit %d; want %d with %q in stderr:\n%s", tc.args, code, tc.want, tc.wantErr, errOut)
			}
		})
	}
}

// TestMistakes: a mistyped command or flag gets the error, the nearest
// command or flag, the one-line usage and a -h hint, all on stderr: stdout
// (perhaps redirected to a results file) stays empty. -h still prints the
// full help to stdout.
func TestMistakes(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string // lines of stderr, in order
	}{
		{"command typo", []string{"qurey", "SELECT 1"}, []string{`hunt: unknown command "qurey"`, "Did you mean 'hunt query'?", "Usage: hunt <command> [flags] [arguments]", "Run 'hunt help' for the commands."}},
		{"command prefix", []string{"conv"}, []string{`hunt: unknown command "conv"`, "Did you mean 'hunt convert'?"}},
		{"version flag typo", []string{"--verison"}, []string{`hunt: unknown command "--verison"`, "Did you mean --version?"}},
		{"no suggestion", []string{"frobnicate"}, []string{`hunt: unknown command "frobnicate"`, "Usage: hunt <command> [flags] [arguments]"}},
		{"flag typo", []string{"query", "--outptu", "json", "SELECT 1", "x"}, []string{"hunt query: unknown flag --outptu", "Did you mean --output?", "Usage: hunt query [flags] SQL|- [PATH|s3://...]...", "Run 'hunt query -h' for the flags and examples."}},
		{"flag swap", []string{"run", "--sicne", "24h", "x"}, []string{"hunt run: unknown flag --sicne", "Did you mean --since?"}},
		{"bad flag value", []string{"cat", "--limit", "many", "x"}, []string{`hunt cat: invalid value "many" for flag --limit`, "Usage: hunt cat [flags] PATH...", "Run 'hunt cat -h' for the flags and examples."}},
		{"missing flag value", []string{"hunts", "list", "--output"}, []string{"hunt hunts: flag needs an argument: --output", "Run 'hunt hunts -h'"}},
		{"hunts verb typo", []string{"hunts", "lsit"}, []string{`hunt hunts: expected list, show or check, found "lsit"`, "Did you mean 'hunt hunts list'?"}},
		{"athena verb typo", []string{"athena", "dll"}, []string{`hunt athena: unknown subcommand "dll"`, "Did you mean 'hunt athena ddl'?"}},
		{"hunt ID typo", []string{"run", "--hunt", "root_acount_used", "x"}, []string{`hunt run: --hunt: expected a hunt ID (see hunt hunts list), found "root_acount_used"; did you mean root_account_used?`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runHunt(t, tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d; want %d", code, exitUsage)
			}
			if out != "" {
				t.Errorf("stdout:\n%s\nwant nothing: a mistake goes to stderr", out)
			}
			rest := errOut
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("stderr:\n%s\nwant, in order: %q", errOut, tc.want)
				}
				rest = rest[i+len(w):]
			}
			if n := strings.Count(errOut, "\n"); n > 5 {
				t.Errorf("stderr has %d lines; want the short form:\n%s", n, errOut)
			}
			if strings.Contains(errOut, "Did you mean") && strings.Contains(tc.name, "no suggestion") {
				t.Errorf("a suggestion for a word near nothing:\n%s", errOut)
			}
		})
	}
	code, out, errOut := runHunt(t, "query", "-h")
	if code != exitOK || !strings.Contains(out, "Usage: hunt query") || !strings.Contains(out, "-output") || !strings.Contains(out, "Examples:") || errOut != "" {
		t.Errorf("query -h: exit %d; want full help on stdout:\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

func TestSuggest(t *testing.T) {
	for _, tc := range []struct {
		word string
		want string
	}{
		{"qurey", "query"}, {"quer", "query"}, {"hnuts", "hunts"}, {"hunt", "hunts"}, {"cta", "cat"},
		{"xyz", ""}, {"c", ""}, {"athenna", "athena"}, {"benhc", "bench"},
	} {
		if got := suggest(tc.word, commands); got != tc.want {
			t.Errorf("suggest(%q) = %q; want %q", tc.word, got, tc.want)
		}
	}
}

// TestVersion: hunt version and --version print the module version, the
// commit, the Go version and platform, the build tags and the inflaters
// compiled in (libdeflate only in the -tags libdeflate build).
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, errOut := runHunt(t, args...)
		if code != exitOK || errOut != "" {
			t.Fatalf("hunt %q: exit %d, stderr %s", args, code, errOut)
		}
		f := readBuildFacts()
		for _, want := range []string{"hunt ", "\ncommit:    ", "\ngo:        " + f.GoVersion + " " + runtime.GOOS + "/" + runtime.GOARCH, "\ntags:      ", "\ninflaters: " + strings.Join(archive.Inflaters(), ", ")} {
			if !strings.Contains(out, want) {
				t.Errorf("hunt %q:\n%s\nwant %q", args, out, want)
			}
		}
	}
	if code, out, _ := runHunt(t, "version", "-h"); code != exitOK || !strings.HasPrefix(out, "Usage: hunt version\n") {
		t.Errorf("hunt version -h: exit %d:\n%s", code, out)
	}
	if code, _, _ := runHunt(t, "version", "extra"); code != exitUsage {
		t.Errorf("hunt version extra: exit %d; want %d", code, exitUsage)
	}
}

// TestMemProfileRate: the heap profile samples allocations only in a
// process asked for a --memprofile (either spelling, with = or not).
func TestMemProfileRate(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"run", "--hunts", "h", "dir"}, 0},
		{[]string{"run", "--memprofile", "m.prof", "dir"}, 7},
		{[]string{"query", "-memprofile=m.prof", "SELECT 1"}, 7},
		{[]string{"run", "--cpuprofile", "c.prof", "dir"}, 0},
		{[]string{"run", "--", "--memprofile"}, 0},
		{[]string{"run", "memprofile"}, 0},
		{nil, 0},
	} {
		if got := memProfileRate(tc.args, 7); got != tc.want {
			t.Errorf("memProfileRate(%q) = %d; want %d", tc.args, got, tc.want)
		}
	}
}
