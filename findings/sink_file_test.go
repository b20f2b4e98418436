package findings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileSinkSend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "findings.jsonl")
	s, err := NewFileSink(path, SinkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fs := sinkFindings(3)
	for _, batch := range [][]Finding{fs[:2], fs[1:]} {
		if accepted, err := s.Send(context.Background(), batch); err != nil || len(accepted) != len(batch) {
			t.Fatalf("Send: got %q, %v; want %d accepted", accepted, err, len(batch))
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines; want 3 (each finding once):\n%s", len(lines), data)
	}
	for i, line := range lines {
		var f Finding
		if err := json.Unmarshal([]byte(line), &f); err != nil || f.ID != fs[i].ID {
			t.Fatalf("line %d: got %q (%v); want finding %s", i+1, line, err, fs[i].ID)
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("got mode %v; want 0600", st.Mode().Perm())
	}
}

func TestFileSinkDryRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "findings.jsonl")
	var out bytes.Buffer
	s, err := NewFileSink(path, SinkOptions{DryRun: true, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	accepted, err := s.Send(context.Background(), sinkFindings(2))
	if err != nil || len(accepted) != 0 {
		t.Fatalf("got %q, %v; want nothing accepted", accepted, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("dry run created %s (%v)", path, err)
	}
	if !strings.Contains(out.String(), "would append 2 finding(s)") || !strings.Contains(out.String(), "f0001-5f1c2a HIGH sg_open_world") {
		t.Fatalf("got dry-run output %q", out.String())
	}
}

func TestFileSinkFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "findings.jsonl")
	s, err := NewFileSink(path, SinkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil { // the path becomes unwritable
		t.Fatal(err)
	}
	accepted, err := s.Send(context.Background(), sinkFindings(2))
	var se *SendError
	if !errors.As(err, &se) || len(accepted) != 0 || len(se.Rejected) != 2 {
		t.Fatalf("got %q, %v; want nothing accepted and 2 rejections", accepted, err)
	}
	if !strings.Contains(err.Error(), "cannot open findings file") {
		t.Fatalf("got %v; want the open error", err)
	}
}

func TestFileSinkOCSF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "findings.ocsf.jsonl")
	sinks, err := OpenSinks(context.Background(), []string{"ocsf:" + path}, SinkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sinks[0].Send(context.Background(), sinkFindings(1)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var o map[string]any
	if err := json.Unmarshal(data, &o); err != nil {
		t.Fatalf("%q: %v", data, err)
	}
	if o["class_uid"] != float64(2004) || o["type_uid"] != float64(200401) {
		t.Fatalf("got %s; want a Detection Finding", data)
	}
}
