package findings

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestLoadStateJournal_Success folds a journal: found findings become
// pending with their stamp; a send without its sent is in flight; a sent
// record settles it; a torn last record (its write never finished) is
// ignored. The journal alone, without a state file, is folded too.
func TestLoadStateJournal_Success(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	at := "2024-03-06T10:00:00Z"
	journal := `{"op":"found","findings":[{"finding":{"id":"a","hunt_id":"h"},"sent_at":"` + at + `"},{"finding":{"id":"b","hunt_id":"h"},"sent_at":"` + at + `"},{"finding":{"id":"c","hunt_id":"h"},"sent_at":"` + at + `"}]}
{"op":"send","sink":"file:x","ids":["a","b","c"]}
{"op":"sent","sink":"file:x","ids":["a","b","c"],"accepted":["a","b"]}
{"op":"send","sink":"sns:y","ids":["a","b"]}
{"op":"sent","sink":"sns:y","ids":["a","b"],"accep`
	if err := os.WriteFile(path+".journal", []byte(journal), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a": "delivered to [file:x], in flight to [sns:y]",
		"b": "delivered to [file:x], in flight to [sns:y]",
		"c": "delivered to [], in flight to []",
	}
	if len(st.Pending) != 3 {
		t.Fatalf("got %d pending; want 3", len(st.Pending))
	}
	for _, p := range st.Pending {
		got := "delivered to " + strings.Join([]string{"[", strings.Join(p.DeliveredTo, " "), "]"}, "") +
			", in flight to " + strings.Join([]string{"[", strings.Join(p.InFlight, " "), "]"}, "")
		if got != want[p.Finding.ID] || p.SentAt.Format(time.RFC3339) != at {
			t.Errorf("%s: got %s, sent at %s; want %s, sent at %s", p.Finding.ID, got, p.SentAt.Format(time.RFC3339), want[p.Finding.ID], at)
		}
	}

	// The next Deliver re-sends a and b to sns:y only (in flight: it may
	// hold them), c to both; a new record starts on a line of its own.
	file, sns := &recordSink{name: "file:x"}, &recordSink{name: "sns:y"}
	c, errs := Deliver(context.Background(), st, []Sink{file, sns}, nil, DeliverOptions{})
	if want := (DeliveryCounts{Emitted: 3, Resent: 3, Delivered: 3}); c != want || errs != nil {
		t.Fatalf("got %+v, %v; want %+v", c, errs, want)
	}
	if !slices.Equal(file.sent[0], []string{"c"}) || !slices.Equal(sns.sent[0], []string{"a", "b", "c"}) {
		t.Fatalf("got file %v, sns %v; want [c], [a b c]", file.sent, sns.sent)
	}
	if st, err = LoadState(path); err != nil {
		t.Fatalf("journal after the torn record: %v", err)
	}
}

func TestLoadStateJournal_Failure(t *testing.T) {
	tests := []struct {
		name, journal, want string
	}{
		{"not json", "{\"op\":\"found\"}\nnonsense\n{\"op\":\"found\"}\n", `.journal:2: expected a delivery journal record, found "nonsense"`},
		{"unknown op", "{\"op\":\"deleted\",\"sink\":\"x\"}\n", `.journal:1: expected a delivery journal record, found "{\"op\":\"deleted\",\"sink\":\"x\"}": op "deleted", expected found, send or sent`},
		{"no sink", "{\"op\":\"send\",\"ids\":[\"a\"]}\n", `.journal:1: expected a delivery journal record, found "{\"op\":\"send\",\"ids\":[\"a\"]}": no sink`},
		{"unknown field", "{\"op\":\"sent\",\"sink\":\"x\",\"colour\":1}\n", `unknown field "colour"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			os.WriteFile(path+".journal", []byte(tt.journal), 0o600)
			_, err := LoadState(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), path+".journal:") {
				t.Fatalf("got %v; want %q, prefixed with the journal's path and line", err, tt.want)
			}
		})
	}
}

// TestFileSinkRecover: Recover finds the lines of the IDs asked about,
// accepts them from then on without writing, and ends a cut-short last
// line so that the next line starts on its own.
func TestFileSinkRecover(t *testing.T) {
	path := filepath.Join(t.TempDir(), "findings.jsonl")
	s, err := NewFileSink(path, SinkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if held, err := s.Recover([]string{"x"}); err != nil || held != nil {
		t.Fatalf("no file: got %q, %v; want none", held, err)
	}
	fs := sinkFindings(3)
	fs[1].Evidence = []map[string]any{{"long": strings.Repeat("z", 200_000)}} // longer than the read buffer
	if _, err := s.Send(context.Background(), fs[:2]); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"id":"` + fs[2].ID + `","hunt`) // a write cut short
	f.Close()

	s, _ = NewFileSink(path, SinkOptions{}) // the next run
	held, err := s.Recover(ids(fs))
	if err != nil || !slices.Equal(held, ids(fs[:2])) {
		t.Fatalf("got %q, %v; want %q", held, err, ids(fs[:2]))
	}
	accepted, err := s.Send(context.Background(), fs)
	if err != nil || !slices.Equal(accepted, ids(fs)) {
		t.Fatalf("Send after Recover: got %q, %v", accepted, err)
	}
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 4 || !strings.HasSuffix(lines[2], `"hunt`) || !strings.HasPrefix(lines[3], `{"id":"`+fs[2].ID+`"`) {
		t.Fatalf("got %d lines, the last two %.40q and %.40q; want the 2 recovered, the cut-short one, then %s", len(lines), lines[len(lines)-2], lines[len(lines)-1], fs[2].ID)
	}
}
