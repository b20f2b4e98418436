package findings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func ebFindings(n int) []Finding {
	fs := make([]Finding, n)
	for i := range fs {
		fs[i] = floodFinding(fmt.Sprintf("f%02d", i), fmt.Sprintf("198.51.100.%d", i+1))
	}
	return fs
}

func openEventBridge(t *testing.T, spec string, faults ...string) (*fakeAWS, Sink, *bytes.Buffer) {
	t.Helper()
	fake, cfg := newFakeAWS(t, faults...)
	var out bytes.Buffer
	sinks, err := OpenSinks(context.Background(), []string{spec}, SinkOptions{AWS: &cfg, MaxBackoff: time.Millisecond, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	return fake, sinks[0], &out
}

func TestEventBridgeSink_Success(t *testing.T) {
	fake, s, _ := openEventBridge(t, "eventbridge:security", "throttle:PutEvents", "entryfail:ThrottlingException")
	if s.Name() != "eventbridge:security" {
		t.Errorf("name %q", s.Name())
	}
	fs := ebFindings(23)
	acc, err := s.Send(context.Background(), fs)
	if err != nil || len(acc) != 23 {
		t.Fatalf("accepted %d, err %v", len(acc), err)
	}
	// 3 batches of 10, 10 and 3, the throttled call retried by the SDK,
	// and one more round for the entry that failed.
	if got := strings.Join(fake.calls, " "); got != "PutEvents PutEvents PutEvents PutEvents PutEvents" {
		t.Errorf("calls %q", got)
	}
	if len(fake.events) != 23 {
		t.Fatalf("%d events put, want 23", len(fake.events))
	}
	seen := map[string]bool{}
	for _, e := range fake.events {
		if e["Source"] != "hunt" || e["DetailType"] != "hunt Finding" || e["EventBusName"] != "security" || e["Time"] == nil {
			t.Errorf("entry %v", e)
		}
		var f Finding
		if err := json.Unmarshal([]byte(e["Detail"].(string)), &f); err != nil || f.HuntID != "vpc_reject_flood" {
			t.Errorf("detail %v: %v", e["Detail"], err)
		}
		seen[f.ID] = true
	}
	if len(seen) != 23 {
		t.Errorf("%d distinct findings put, want 23", len(seen))
	}
	// Accepted once: never sent again.
	acc, err = s.Send(context.Background(), fs[:2])
	if err != nil || len(acc) != 2 || len(fake.calls) != 5 {
		t.Errorf("re-send: accepted %v, err %v, calls %d", acc, err, len(fake.calls))
	}
}

func TestEventBridgeSink_Failure(t *testing.T) {
	fake, s, _ := openEventBridge(t, "eventbridge", "entryfail:MalformedDetail")
	fs := ebFindings(3)
	acc, err := s.Send(context.Background(), fs)
	var se *SendError
	if !errors.As(err, &se) || len(se.Rejected) != 1 || se.Rejected[0].Code != "MalformedDetail" || !se.Rejected[0].IsPermanent || se.Rejected[0].ID != "f00" {
		t.Fatalf("err %v, want f00 rejected permanently", err)
	}
	if len(acc) != 2 || len(fake.calls) != 1 {
		t.Errorf("accepted %v, calls %v: a permanent failure is not re-sent", acc, fake.calls)
	}
	if _, ok := fake.events[0]["EventBusName"]; ok {
		t.Errorf("default bus: entry names a bus: %v", fake.events[0])
	}
	_, cfg := newFakeAWS(t)
	for _, spec := range []string{"eventbridge:arn:aws:sns:eu-west-1:1:t", "eventbridge:bad bus"} {
		_, err := OpenSinks(context.Background(), []string{spec}, SinkOptions{AWS: &cfg})
		if err == nil || !strings.Contains(err.Error(), "expected an event bus name") {
			t.Errorf("%s: %v", spec, err)
		}
	}
}

func TestEventBridgeSink_DryRunAndLargeFinding(t *testing.T) {
	fake, cfg := newFakeAWS(t)
	var out bytes.Buffer
	sinks, err := OpenSinks(context.Background(), []string{"eventbridge:arn:aws:events:eu-west-1:111122223333:event-bus/security"}, SinkOptions{AWS: &cfg, DryRun: true, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	big := floodFinding("big", "198.51.100.1")
	for range 400 {
		big.Evidence = append(big.Evidence, map[string]any{"srcaddr": "198.51.100.1", "note": strings.Repeat("x", 1000)})
	}
	acc, err := sinks[0].Send(context.Background(), []Finding{big, ebFindings(1)[0]})
	if err != nil || len(acc) != 0 || len(fake.calls) != 0 {
		t.Fatalf("dry run: accepted %v, err %v, calls %v", acc, err, fake.calls)
	}
	if !strings.HasPrefix(out.String(), "dry-run eventbridge:arn:aws:events:eu-west-1:111122223333:event-bus/security: would put 2 event(s) in 1 PutEvents call(s)\n") ||
		!strings.Contains(out.String(), `"evidence_truncated":true`) {
		t.Errorf("dry run printed %.300s", out.String())
	}
	e, err := ebEntry(&big)
	if err != nil || e.size > ebMaxBytes || len(e.detail) < ebMaxBytes/4 {
		t.Errorf("large finding: %d bytes, %v", e.size, err)
	}
}
