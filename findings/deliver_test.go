package findings

import (
	"context"
	"slices"
	"testing"
	"time"
)

// recordSink accepts the findings whose IDs are not in reject; it records
// what it was sent.
type recordSink struct {
	name   string
	reject map[string]bool
	sent   [][]string
}

func (s *recordSink) Name() string { return s.name }

func (s *recordSink) Send(_ context.Context, fs []Finding) ([]string, error) {
	var ids, accepted []string
	var rej []Rejection
	for _, f := range fs {
		ids = append(ids, f.ID)
		if s.reject[f.ID] {
			rej = append(rej, Rejection{ID: f.ID, Code: "Throttled"})
			continue
		}
		accepted = append(accepted, f.ID)
	}
	s.sent = append(s.sent, ids)
	return accepted, sendErr(s.name, rej, nil)
}

// TestDeliver_Success: a finding is delivered (and suppressed from then on)
// only once every sink accepted it; a sink that rejected it gets it again
// next run, the sinks that took it do not.
func TestDeliver_Success(t *testing.T) {
	t0 := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	fs := []Finding{
		{ID: "b", HuntID: "h", FirstSeen: t0.Add(time.Minute), LastSeen: t0.Add(time.Minute)},
		{ID: "a", HuntID: "h", FirstSeen: t0, LastSeen: t0},
	}
	st := NewState()
	ok := &recordSink{name: "file:x"}
	flaky := &recordSink{name: "sns:y", reject: map[string]bool{"b": true}}
	window := func(string) time.Duration { return 24 * time.Hour }
	c, errs := Deliver(context.Background(), st, []Sink{ok, flaky}, fs, DeliverOptions{WindowOf: window})
	if want := (DeliveryCounts{Found: 2, Emitted: 2, Delivered: 1, Pending: 1}); c != want || len(errs) != 1 {
		t.Fatalf("first: got %+v, %v; want %+v and one error", c, errs, want)
	}
	if !slices.Equal(ok.sent[0], []string{"a", "b"}) {
		t.Errorf("first: sent %v; want [a b] (by hunt, first seen, ID)", ok.sent[0])
	}
	if !st.Delivered("a") || st.Delivered("b") || st.PendingFinding("b") == nil {
		t.Fatalf("first: delivered a %v, b %v; pending b %v", st.Delivered("a"), st.Delivered("b"), st.PendingFinding("b"))
	}
	if u := st.Findings["a"].Until; !u.Equal(time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("a: until %s; want the end of its 24h window", u)
	}
	// Next run: the same findings again, the flaky sink recovered.
	flaky.reject = nil
	c, errs = Deliver(context.Background(), st, []Sink{ok, flaky}, fs, DeliverOptions{WindowOf: window})
	if want := (DeliveryCounts{Found: 2, Suppressed: 1, Emitted: 1, Resent: 1, Delivered: 1}); c != want || errs != nil {
		t.Fatalf("second: got %+v, %v; want %+v", c, errs, want)
	}
	if got := ok.sent; len(got) != 1 {
		t.Errorf("the sink that accepted b was sent it again: %v", got)
	}
	if got := flaky.sent[len(flaky.sent)-1]; !slices.Equal(got, []string{"b"}) {
		t.Errorf("the recovered sink got %v; want [b]", got)
	}
	if !st.Delivered("b") || st.PendingFinding("b") != nil {
		t.Fatalf("second: b delivered %v, pending %v", st.Delivered("b"), st.PendingFinding("b"))
	}
	// Without a state nothing is suppressed and nothing recorded.
	c, errs = Deliver(context.Background(), nil, []Sink{&recordSink{name: "stdout"}}, fs, DeliverOptions{})
	if want := (DeliveryCounts{Found: 2, Emitted: 2, Delivered: 2}); c != want || errs != nil {
		t.Fatalf("no state: got %+v, %v; want %+v", c, errs, want)
	}
}
