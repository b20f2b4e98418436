package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
