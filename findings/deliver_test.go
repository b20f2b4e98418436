package findings

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
	c, errs := Deliver(context.Background(), st, []Sink{ok, flaky}, slices.Values(fs), DeliverOptions{WindowOf: window})
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
	c, errs = Deliver(context.Background(), st, []Sink{ok, flaky}, slices.Values(fs), DeliverOptions{WindowOf: window})
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
	c, errs = Deliver(context.Background(), nil, []Sink{&recordSink{name: "stdout"}}, slices.Values(fs), DeliverOptions{})
	if want := (DeliveryCounts{Found: 2, Emitted: 2, Delivered: 2}); c != want || errs != nil {
		t.Fatalf("no state: got %+v, %v; want %+v", c, errs, want)
	}
}

// errCrash is what crashSink panics with: the run "dies".
var errCrash = errors.New("crash")

// crashSink sends through its sink, which accepts, and then the run dies
// before Deliver learns the result (kill -9 after the sink took the
// findings).
type crashSink struct{ Sink }

func (c crashSink) Send(ctx context.Context, fs []Finding) ([]string, error) {
	c.Sink.Send(ctx, fs)
	panic(errCrash)
}

func (c crashSink) SendStamped(ctx context.Context, fs []Finding, at time.Time) ([]string, error) {
	if s, ok := c.Sink.(StampedSink); ok {
		s.SendStamped(ctx, fs, at)
		panic(errCrash)
	}
	return c.Send(ctx, fs)
}

// deliverAndDie runs Deliver until a crashSink kills it.
func deliverAndDie(t *testing.T, st *State, sinks []Sink, fs []Finding) {
	t.Helper()
	defer func() {
		if r := recover(); r != errCrash {
			panic(r)
		}
	}()
	Deliver(context.Background(), st, sinks, slices.Values(fs), DeliverOptions{})
	t.Fatal("Deliver returned; want the crash sink to kill it")
}

// fileIDs returns the finding ID of each line of a JSON Lines file.
func fileIDs(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		var f struct {
			ID   string `json:"id"`
			Info struct {
				UID string `json:"uid"`
			} `json:"finding_info"`
		}
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("%s: line %q: %v", path, line, err)
		}
		out = append(out, f.ID+f.Info.UID)
	}
	return out
}

// TestDeliver_CrashBeforeSave: the run dies after every sink accepted the
// findings but before the state was saved. The next run (a fresh State
// loaded from disk, fresh sinks) sends nothing again: the journal says
// every sink took them.
func TestDeliver_CrashBeforeSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	file := filepath.Join(dir, "findings.jsonl")
	fakeSNS, snsSrv := newFakeSNS(t, true)
	fakeSH, shSrv := newFakeSecurityHub(t)
	open := func() []Sink {
		fs, err := NewFileSink(file, SinkOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return []Sink{fs, testSNSSink(t, snsSrv, testFIFOTopic, SinkOptions{}), testSecurityHubSink(t, shSrv, testProductArn, SinkOptions{})}
	}
	found := sinkFindings(12)
	st, err := LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if c, errs := Deliver(context.Background(), st, open(), slices.Values(found), DeliverOptions{}); errs != nil || c.Delivered != 12 {
		t.Fatalf("first run: got %+v, %v", c, errs)
	}
	// Killed here: no st.Save. The next run reads the same objects again
	// and finds the same findings.
	snsRequests, shRequests := fakeSNS.requests, fakeSH.requests
	st, err = LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	c, errs := Deliver(context.Background(), st, open(), slices.Values(found), DeliverOptions{})
	if want := (DeliveryCounts{Found: 12, Delivered: 12}); c != want || errs != nil {
		t.Fatalf("after the crash: got %+v, %v; want %+v", c, errs, want)
	}
	if ids := fileIDs(t, file); len(ids) != 12 {
		t.Errorf("file sink: got %d lines; want 12 (no duplicates)", len(ids))
	}
	if fakeSNS.requests != snsRequests || fakeSH.requests != shRequests {
		t.Errorf("re-sent after the crash: %d SNS, %d Security Hub requests", fakeSNS.requests-snsRequests, fakeSH.requests-shRequests)
	}
	if err := st.Save(path, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".journal"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("journal kept after the state was saved: %v", err)
	}
	st, err = LoadState(path)
	if err != nil || len(st.Findings) != 12 || len(st.Pending) != 0 {
		t.Fatalf("saved state: %v, %d delivered, %d pending", err, len(st.Findings), len(st.Pending))
	}
}

// TestDeliver_CrashDuringSend: the run dies while a sink is taking the
// findings, after the destination got them and before Deliver heard back.
// The journal says those findings were in flight to that sink; the next
// run re-sends them so that the destination holds each once: the file
// sink finds their lines already written, SNS FIFO gets the same
// deduplication IDs and drops the repeat, Security Hub gets the same
// UpdatedAt and ignores the repeat.
func TestDeliver_CrashDuringSend(t *testing.T) {
	found := sinkFindings(12)
	t.Run("file", func(t *testing.T) {
		for _, kind := range []string{"file", "ocsf"} {
			dir := t.TempDir()
			path := filepath.Join(dir, "state.json")
			spec := kind + ":" + filepath.Join(dir, "findings.jsonl")
			open := func() Sink {
				sinks, err := OpenSinks(context.Background(), []string{spec}, SinkOptions{})
				if err != nil {
					t.Fatal(err)
				}
				return sinks[0]
			}
			st, _ := LoadState(path)
			deliverAndDie(t, st, []Sink{crashSink{open()}}, found[:8])
			st, err := LoadState(path)
			if err != nil {
				t.Fatal(err)
			}
			// The next run finds four more.
			c, errs := Deliver(context.Background(), st, []Sink{open()}, slices.Values(found), DeliverOptions{})
			if want := (DeliveryCounts{Found: 12, Emitted: 4, Delivered: 12}); c != want || errs != nil {
				t.Fatalf("%s: after the crash: got %+v, %v; want %+v", kind, c, errs, want)
			}
			if got := fileIDs(t, filepath.Join(dir, "findings.jsonl")); !slices.Equal(got, ids(found)) {
				t.Fatalf("%s: got lines of %q; want each finding once", kind, got)
			}
		}
	})
	t.Run("sns-fifo", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "state.json")
		fake, srv := newFakeSNS(t, true)
		st, _ := LoadState(path)
		deliverAndDie(t, st, []Sink{crashSink{testSNSSink(t, srv, testFIFOTopic, SinkOptions{})}}, found)
		first := map[string]string{}
		for id, e := range fake.messages {
			first[id] = e.dedup
		}
		requests := fake.requests
		st, _ = LoadState(path)
		c, errs := Deliver(context.Background(), st, []Sink{testSNSSink(t, srv, testFIFOTopic, SinkOptions{})}, slices.Values(found), DeliverOptions{})
		if c.Delivered != 12 || errs != nil || fake.requests == requests {
			t.Fatalf("after the crash: got %+v, %v, %d requests; want 12 delivered, re-sent", c, errs, fake.requests-requests)
		}
		for _, f := range found {
			if e := fake.messages[f.ID]; e.dedup != first[f.ID] || e.dedup != f.ID || fake.delivered[f.ID] != 1 {
				t.Errorf("%s: dedup IDs %q then %q, delivered %d times; want the finding ID both times, delivered once", f.ID, first[f.ID], e.dedup, fake.delivered[f.ID])
			}
		}
	})
	t.Run("securityhub", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "state.json")
		fake, srv := newFakeSecurityHub(t)
		st, _ := LoadState(path)
		deliverAndDie(t, st, []Sink{crashSink{testSecurityHubSink(t, srv, testProductArn, SinkOptions{})}}, found)
		firstAt := fake.stored(found[0].ID)["UpdatedAt"]
		st, _ = LoadState(path)
		// The next run's clock is an hour later.
		later := func() time.Time { return time.Now().Add(time.Hour) }
		s := testSecurityHubSink(t, srv, testProductArn, SinkOptions{Now: later})
		c, errs := Deliver(context.Background(), st, []Sink{s}, slices.Values(found), DeliverOptions{})
		if c.Delivered != 12 || errs != nil || len(fake.batches) != 2 {
			t.Fatalf("after the crash: got %+v, %v, %d calls; want 12 delivered, re-sent once", c, errs, len(fake.batches))
		}
		for _, f := range found {
			if fake.creates[f.ID] != 1 || fake.updates[f.ID] != 0 {
				t.Errorf("%s: %d creates, %d updates; want 1, 0 (same UpdatedAt)", f.ID, fake.creates[f.ID], fake.updates[f.ID])
			}
		}
		if got := fake.stored(found[0].ID)["UpdatedAt"]; got != firstAt {
			t.Errorf("UpdatedAt: got %v; want %v", got, firstAt)
		}
	})
}

// TestDeliver_StateNotWritable: when nothing can be written next to the
// state (disk full, read-only folder), Deliver sends nothing: whatever it
// sent could not be recorded, and every later run would send it again.
func TestDeliver_StateNotWritable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	st, err := LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path+".journal", 0o755); err != nil { // cannot be opened for writing
		t.Fatal(err)
	}
	sink := &recordSink{name: "file:x"}
	c, errs := Deliver(context.Background(), st, []Sink{sink}, slices.Values(sinkFindings(3)), DeliverOptions{})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "nothing was sent") || !strings.Contains(errs[0].Error(), path+".journal") {
		t.Fatalf("got %v; want one error naming the journal, nothing sent", errs)
	}
	if len(sink.sent) != 0 || c.Emitted != 0 || c.Pending != 3 {
		t.Fatalf("got %+v, sent %v; want nothing sent, 3 pending", c, sink.sent)
	}
	if len(st.Pending) != 3 {
		t.Fatalf("state: %d pending; want 3 (kept for the next run if the state itself can be saved)", len(st.Pending))
	}

	// A read-only folder (root writes anyway).
	if os.Geteuid() == 0 {
		return
	}
	dir = t.TempDir()
	path = filepath.Join(dir, "state.json")
	if st, err = LoadState(path); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	sink = &recordSink{name: "file:x"}
	if _, errs := Deliver(context.Background(), st, []Sink{sink}, slices.Values(sinkFindings(3)), DeliverOptions{}); len(errs) != 1 || len(sink.sent) != 0 {
		t.Fatalf("read-only folder: got %v, sent %v; want an error, nothing sent", errs, sink.sent)
	}
}

// TestDeliver_Canceled: a run interrupted (SIGINT) while a sink hangs
// stops, and the findings not accepted stay pending, none in flight.
func TestDeliver_Canceled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	srv := newHangingServer(t)
	st, _ := LoadState(path)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	c, errs := Deliver(ctx, st, []Sink{testSNSSink(t, srv, testTopic, SinkOptions{})}, slices.Values(sinkFindings(3)), DeliverOptions{})
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) || c.Pending != 3 {
		t.Fatalf("got %+v, %v; want 3 pending, context.Canceled", c, errs)
	}
	if err := st.Save(path, time.Now()); err != nil {
		t.Fatal(err)
	}
	st, err := LoadState(path)
	if err != nil || len(st.Pending) != 3 {
		t.Fatalf("saved: %v, %d pending; want 3", err, len(st.Pending))
	}
	for _, p := range st.Pending {
		if len(p.InFlight) != 0 || len(p.DeliveredTo) != 0 {
			t.Errorf("%s: in flight %v, delivered to %v; want neither", p.Finding.ID, p.InFlight, p.DeliveredTo)
		}
	}
}

// failingRecoverer is a sink that cannot tell what an interrupted Send
// delivered.
type failingRecoverer struct{ recordSink }

func (s *failingRecoverer) Recover(ids []string) ([]string, error) {
	return nil, errors.New("findings file unreadable")
}

// TestDeliver_RecoverFailure: findings in flight to a sink that cannot
// tell whether it holds them are not sent to it again (that could
// duplicate them) and stay in flight; other sinks still get them.
func TestDeliver_RecoverFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	st, _ := LoadState(path)
	fs := sinkFindings(2)
	deliverAndDie(t, st, []Sink{crashSink{&recordSink{name: "file:x"}}}, fs)
	st, _ = LoadState(path)
	file := &failingRecoverer{recordSink{name: "file:x"}}
	other := &recordSink{name: "stdout"}
	c, errs := Deliver(context.Background(), st, []Sink{file, other}, slices.Values(fs), DeliverOptions{})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "cannot tell which of 2 finding(s) an interrupted send delivered") || c.Pending != 2 {
		t.Fatalf("got %+v, %v; want 2 pending and the recovery error", c, errs)
	}
	if len(file.sent) != 0 || len(other.sent) != 1 {
		t.Fatalf("sent to the file sink %v, to the other %v; want none, once", file.sent, other.sent)
	}
	for _, p := range st.Pending {
		if !slices.Equal(p.InFlight, []string{"file:x"}) || !slices.Equal(p.DeliveredTo, []string{"stdout"}) {
			t.Errorf("%s: in flight %v, delivered to %v; want [file:x], [stdout]", p.Finding.ID, p.InFlight, p.DeliveredTo)
		}
	}
}

// heldSink passes Sends to its sink and keeps the most findings the
// stream had made but this sink had not been handed yet, at any Send:
// what Deliver held at once. dieAt > 0 makes its dieAt-th Send kill the
// run after the sink took the findings.
type heldSink struct {
	Sink
	made      *int
	got, most int
	sends     int
	dieAt     int
}

func (h *heldSink) Send(ctx context.Context, fs []Finding) ([]string, error) {
	h.most = max(h.most, *h.made-h.got)
	h.got += len(fs)
	h.sends++
	accepted, err := h.Sink.Send(ctx, fs)
	if h.sends == h.dieAt {
		panic(errCrash)
	}
	return accepted, err
}

func (h *heldSink) Recover(ids []string) ([]string, error) { return h.Sink.(Recoverer).Recover(ids) }

// streamFindings returns n findings made one at a time as Deliver reads
// them, counting them in *made.
func streamFindings(n int, made *int) func(func(Finding) bool) {
	return func(yield func(Finding) bool) {
		for i := range n {
			*made++
			if !yield(sinkFinding(i)) {
				return
			}
		}
	}
}

// TestDeliver_Stream: Deliver reads the findings as it sends them, so a
// run holds at most one group of findings at once however many it finds,
// and each sink still gets each finding once.
func TestDeliver_Stream(t *testing.T) {
	n := 5*maxSendGroup + 7
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	file := filepath.Join(dir, "findings.jsonl")
	st, err := LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	fileSink, err := NewFileSink(file, SinkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	made := 0
	held := &heldSink{Sink: fileSink, made: &made}
	other := &recordSink{name: "sns:y"}
	c, errs := Deliver(context.Background(), st, []Sink{held, other}, streamFindings(n, &made), DeliverOptions{})
	if want := (DeliveryCounts{Found: n, Emitted: n, Delivered: n}); c != want || errs != nil {
		t.Fatalf("got %+v, %v; want %+v", c, errs, want)
	}
	if held.most > maxSendGroup {
		t.Errorf("held %d findings at once (made, not yet sent); want at most %d", held.most, maxSendGroup)
	}
	ids := fileIDs(t, file)
	if slices.Sort(ids); len(ids) != n || len(slices.Compact(ids)) != n {
		t.Errorf("file sink: got %d lines, %d distinct; want %d", len(ids), len(slices.Compact(ids)), n)
	}
	if len(st.Findings) != n || len(st.Pending) != 0 {
		t.Errorf("state: %d delivered, %d pending; want %d, 0", len(st.Findings), len(st.Pending), n)
	}
}

// TestDeliver_StreamCrash: the run dies in the third group of a stream.
// The next run sends only what the sink did not take: the groups before
// are in the journal, the third one's Send is recovered from the file,
// the later ones were never sent.
func TestDeliver_StreamCrash(t *testing.T) {
	n := 5*maxSendGroup + 7
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	file := filepath.Join(dir, "findings.jsonl")
	open := func(dieAt int, made *int) Sink {
		s, err := NewFileSink(file, SinkOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return &heldSink{Sink: s, made: made, dieAt: dieAt}
	}
	st, err := LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	made := 0
	func() {
		defer func() {
			if r := recover(); r != errCrash {
				panic(r)
			}
		}()
		Deliver(context.Background(), st, []Sink{open(3, &made)}, streamFindings(n, &made), DeliverOptions{})
		t.Fatal("Deliver returned; want the third Send to kill it")
	}()
	if got := len(fileIDs(t, file)); got != 3*maxSendGroup {
		t.Fatalf("before the crash the file got %d findings; want %d", got, 3*maxSendGroup)
	}
	st, err = LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Pending) != 3*maxSendGroup {
		t.Errorf("journal folded: %d pending; want the %d of the groups journaled", len(st.Pending), 3*maxSendGroup)
	}
	made = 0
	c, errs := Deliver(context.Background(), st, []Sink{open(0, &made)}, streamFindings(n, &made), DeliverOptions{})
	if want := (DeliveryCounts{Found: n, Emitted: n - 3*maxSendGroup, Delivered: n}); c != want || errs != nil {
		t.Fatalf("after the crash: got %+v, %v; want %+v", c, errs, want)
	}
	ids := fileIDs(t, file)
	if slices.Sort(ids); len(ids) != n || len(slices.Compact(ids)) != n {
		t.Errorf("file sink: got %d lines, %d distinct; want %d, each once", len(ids), len(slices.Compact(ids)), n)
	}
}
