package findings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestStdoutSinkSend(t *testing.T) {
	var out bytes.Buffer
	s := NewStdoutSink(SinkOptions{Stdout: &out})
	fs := sinkFindings(3)
	accepted, err := s.Send(context.Background(), fs)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if len(accepted) != 3 {
		t.Fatalf("got accepted %q; want 3 IDs", accepted)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines; want 3:\n%s", len(lines), out.String())
	}
	for i, line := range lines {
		var f Finding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("line %d %q: %v", i+1, line, err)
		}
		if f.ID != fs[i].ID || f.Count != fs[i].Count || len(f.Evidence) != 2 {
			t.Fatalf("line %d: got %+v; want %+v", i+1, f, fs[i])
		}
	}

	// Sent again: accepted, not written again.
	out.Reset()
	accepted, err = s.Send(context.Background(), fs[:2])
	if err != nil || len(accepted) != 2 || out.Len() != 0 {
		t.Fatalf("second Send: got %q, %v, %q written; want 2 accepted, nothing written", accepted, err, out.String())
	}
}

func TestStdoutSinkDryRun(t *testing.T) {
	var out bytes.Buffer
	s := NewStdoutSink(SinkOptions{Stdout: &out, DryRun: true})
	accepted, err := s.Send(context.Background(), sinkFindings(2))
	if err != nil || len(accepted) != 0 {
		t.Fatalf("got %q, %v; want nothing accepted, nil", accepted, err)
	}
	if n := strings.Count(out.String(), "\n"); n != 2 {
		t.Fatalf("got %d lines; want 2", n)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestStdoutSinkFailure(t *testing.T) {
	bad := sinkFinding(9)
	bad.ID = ""
	s := NewStdoutSink(SinkOptions{Stdout: failWriter{}})
	accepted, err := s.Send(context.Background(), append(sinkFindings(2), bad))
	var se *SendError
	if !errors.As(err, &se) || len(accepted) != 0 {
		t.Fatalf("got %q, %v; want nothing accepted, a *SendError", accepted, err)
	}
	codes := []string{}
	for _, r := range se.Rejected {
		codes = append(codes, r.ID+"="+r.Code)
	}
	if got, want := strings.Join(codes, " "), "=Invalid f0000-5f1c2a=NotSent f0001-5f1c2a=NotSent"; got != want {
		t.Fatalf("got rejections %q; want %q", got, want)
	}
	if !strings.Contains(err.Error(), "broken pipe") {
		t.Fatalf("got %v; want the write error", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	_, err = NewStdoutSink(SinkOptions{Stdout: &out}).Send(ctx, sinkFindings(1))
	if !errors.Is(err, context.Canceled) || out.Len() != 0 {
		t.Fatalf("cancelled: got %v, %q written; want context.Canceled, nothing", err, out.String())
	}
}
