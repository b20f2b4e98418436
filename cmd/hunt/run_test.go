package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hunt-sec/hunt/findings"
	"github.com/hunt-sec/hunt/queries"
)

// findingLines parses JSON Lines findings and re-encodes each, so outputs
// compare independently of how a writer spaced them.
func findingLines(t *testing.T, b []byte) []string {
	t.Helper()
	var out []string
	for i, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var f findings.Finding
		if err := json.Unmarshal(line, &f); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, line)
		}
		again, _ := json.Marshal(&f)
		out = append(out, string(again))
	}
	return out
}

// TestRun_Golden runs every hunt over testdata/hunts: the findings must be
// exactly the golden files put together, in hunt order.
func TestRun_Golden(t *testing.T) {
	t.Chdir("../..") // so $path reads testdata/hunts/..., as in the golden files
	out := filepath.Join(t.TempDir(), "findings.jsonl")
	code, stdout, stderr := runHunt(t, "run", "--sink", "stdout", "--sink", "file:"+out, "testdata/hunts")
	if code != exitFindings {
		t.Fatalf("exit %d; want %d; stderr:\n%s", code, exitFindings, stderr)
	}
	goldens, _ := filepath.Glob("testdata/golden/*.golden")
	slices.Sort(goldens)
	var want []byte
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, b...)
	}
	wantLines := findingLines(t, want)
	for name, got := range map[string][]byte{"stdout": []byte(stdout), "file": mustRead(t, out)} {
		gotLines := findingLines(t, got)
		if len(gotLines) != len(wantLines) {
			t.Fatalf("%s: got %d findings; want %d (the golden files)", name, len(gotLines), len(wantLines))
		}
		for i := range gotLines {
			if gotLines[i] != wantLines[i] {
				t.Fatalf("%s: finding %d:\ngot  %s\nwant %s", name, i+1, gotLines[i], wantLines[i])
			}
		}
	}
	hunts, err := queries.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	// Each object is read once for all the hunts of its table.
	files, _ := filepath.Glob("testdata/hunts/*/*")
	for _, s := range []string{fmt.Sprintf("%d hunts over cloudtrail and config and guardduty and vpc_flow; %d objects read, 0 skipped", len(hunts), len(files)), fmt.Sprintf("%d found, %d new, 0 suppressed", len(wantLines), len(wantLines))} {
		if !strings.Contains(stderr, s) {
			t.Errorf("summary: got\n%s\nwant it to contain %q", stderr, s)
		}
	}
}

// TestRun_NegativesAfterPositives: a hunt's answer for a record does not
// depend on the records read before it. One worker reads a positive
// (Stratus' Lambda backdoor, a public invoke permission) and then the
// hunt's negative examples; contains() over the policy's principals once
// kept an earlier batch's TRUE for them, and two negatives became
// findings.
func TestRun_NegativesAfterPositives(t *testing.T) {
	t.Chdir("../..")
	out := filepath.Join(t.TempDir(), "findings.jsonl")
	code, _, stderr := runHunt(t, "run", "--workers", "1", "--hunt", "lambda_public_invoke_permission", "--sink", "file:"+out,
		"testdata/cloudtrail/corpus/stratus-red-team/aws.persistence.lambda-backdoor-function.json", "testdata/hunts/lambda_public_invoke_permission")
	if code != exitFindings {
		t.Fatalf("exit %d; want %d; stderr:\n%s", code, exitFindings, stderr)
	}
	var n int
	for _, line := range findingLines(t, mustRead(t, out)) {
		n++
		if strings.Contains(line, "negative-") {
			t.Errorf("a finding from a negative example: %s", line)
		}
	}
	if n == 0 {
		t.Error("no findings; want the positives'")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, mustRead(t, src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRun_Incremental: a second run on the same data emits nothing; a new
// object emits only its findings; a late object whose rows belong to a
// finding already delivered is suppressed.
func TestRun_Incremental(t *testing.T) {
	dir := t.TempDir()
	archive := filepath.Join(dir, "archive")
	state := filepath.Join(dir, "state.json")
	copyFile(t, "../../testdata/hunts/cloudtrail_stopped/positive.json", filepath.Join(archive, "a.json"))
	copyFile(t, "../../testdata/hunts/vpc_reject_flood/positive.log", filepath.Join(archive, "flow-a.log"))
	runOnce := func(wantCode int) (findingIDs []string, sources []string, stderr string) {
		t.Helper()
		code, out, errOut := runHunt(t, "run", "--state", state, archive)
		if code != wantCode {
			t.Fatalf("exit %d; want %d; stderr:\n%s", code, wantCode, errOut)
		}
		for _, l := range findingLines(t, []byte(out)) {
			var f findings.Finding
			json.Unmarshal([]byte(l), &f)
			findingIDs = append(findingIDs, f.HuntID)
			sources = append(sources, f.Sources...)
		}
		if _, err := os.Stat(state + ".lock"); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("lock file left behind: %v", err)
		}
		return findingIDs, sources, errOut
	}
	first, _, _ := runOnce(exitFindings)
	if !slices.Contains(first, "cloudtrail_stopped") || !slices.Contains(first, "vpc_reject_flood") {
		t.Fatalf("first run: got findings of %v; want cloudtrail_stopped and vpc_reject_flood", first)
	}
	again, _, errOut := runOnce(exitOK)
	if len(again) != 0 || !strings.Contains(errOut, "0 objects read, 2 skipped") {
		t.Fatalf("second run: got %v; want none, both objects skipped; stderr:\n%s", again, errOut)
	}

	// A new object: only its findings.
	newObj := filepath.Join(archive, "b.json")
	copyFile(t, "../../testdata/hunts/mfa_device_deactivated/positive.json", newObj)
	third, sources, errOut := runOnce(exitFindings)
	if len(third) == 0 || !strings.Contains(errOut, "1 objects read, 2 skipped") {
		t.Fatalf("new object: got %v; stderr:\n%s", third, errOut)
	}
	for _, s := range sources {
		if s != newObj {
			t.Errorf("new object run: got a finding from %s; want only %s", s, newObj)
		}
	}

	// A late object repeating events already reported: read, found, suppressed.
	copyFile(t, "../../testdata/hunts/cloudtrail_stopped/positive.json", filepath.Join(archive, "late.json"))
	fourth, _, errOut := runOnce(exitOK)
	if len(fourth) != 0 || !strings.Contains(errOut, "1 suppressed") {
		t.Fatalf("late duplicate: got %v; want none, 1 suppressed; stderr:\n%s", fourth, errOut)
	}

	// A rewritten object (new size and time) is read again; its findings
	// were delivered, so nothing is emitted.
	if err := os.WriteFile(filepath.Join(archive, "a.json"), append(mustRead(t, filepath.Join(archive, "a.json")), '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(filepath.Join(archive, "a.json"), time.Now(), time.Now().Add(time.Hour))
	fifth, _, errOut := runOnce(exitOK)
	if len(fifth) != 0 || !strings.Contains(errOut, "1 objects read") {
		t.Fatalf("rewritten object: got %v; stderr:\n%s", fifth, errOut)
	}

	st, err := findings.LoadState(state)
	if err != nil {
		t.Fatal(err)
	}
	if src := st.Sources[archive]; src == nil || len(src.Objects) != 4 {
		t.Fatalf("state: got %+v; want 4 objects of source %s", st.Sources, archive)
	}
}

// TestRun_HuntSelection: an object read by one hunt is read again for the
// others, and only for them.
func TestRun_HuntSelection(t *testing.T) {
	dir := t.TempDir()
	archive := filepath.Join(dir, "archive")
	state := filepath.Join(dir, "state.json")
	copyFile(t, "../../testdata/hunts/organization_leave/positive.json", filepath.Join(archive, "a.json"))
	code, out, errOut := runHunt(t, "run", "--state", state, "--hunt", "organization_leave", archive)
	if code != exitFindings || strings.Contains(out, "root_account_used") {
		t.Fatalf("one hunt: exit %d, out %s, stderr %s", code, out, errOut)
	}
	code, out, errOut = runHunt(t, "run", "--state", state, archive)
	if code != exitFindings || !strings.Contains(out, `"hunt_id":"root_account_used"`) || strings.Contains(out, `"hunt_id":"organization_leave"`) {
		t.Fatalf("all hunts after one: exit %d; want root_account_used only; out:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, out, _ = runHunt(t, "run", "--state", state, archive)
	if code != exitOK || out != "" {
		t.Fatalf("third run: exit %d, out %q; want nothing", code, out)
	}
}

func TestRun_SinceUntil(t *testing.T) {
	code, out, errOut := runHunt(t, "run", "--hunt", "cloudtrail_stopped", "--since", "2024-07-01", "--until", "2024-08-01", "../../testdata/hunts/cloudtrail_stopped")
	if code != exitFindings {
		t.Fatalf("exit %d; stderr %s", code, errOut)
	}
	lines := findingLines(t, []byte(out))
	if len(lines) != 1 || !strings.Contains(lines[0], "stratus-red-team-ct-stop-trail") {
		t.Fatalf("got %v; want only the Stratus finding of July 2024", lines)
	}
}

func TestRun_Lock(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	lock, err := findings.LockState(state, time.Now()) // another run holds it
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	code, out, errOut := runHunt(t, "run", "--state", state, "../../testdata/hunts/cloudtrail_stopped")
	if code != exitError || out != "" || !strings.Contains(errOut, fmt.Sprintf("state is locked by another run (pid %d host ", os.Getpid())) {
		t.Fatalf("exit %d, out %q, stderr %q; want exit 1 naming the holder", code, out, errOut)
	}
	if _, err := os.Stat(state); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("state written while locked: %v", err)
	}
}

// TestRun_Interrupted: a run cancelled before it finishes sends nothing and
// leaves the state as it was.
func TestRun_Interrupted(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"run", "--state", state, "../../testdata/hunts/cloudtrail_stopped"}, &stdout, &stderr)
	if code != exitError || stdout.Len() != 0 {
		t.Fatalf("exit %d, out %q; want 1 and nothing sent; stderr:\n%s", code, stdout.String(), stderr.String())
	}
	if _, err := os.Stat(state); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("state written by an interrupted run: %v", err)
	}
}

func TestRun_Usage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"run"}, "no PATH or s3:// URI to read"},
		{[]string{"run", "--hunt", "nope", "x"}, `--hunt: expected a hunt ID (see hunt hunts list), found "nope"`},
		{[]string{"run", "--since", "yesterday", "x"}, "--since: expected RFC 3339 time"},
		{[]string{"run", "--since", "2024-03-05", "--until", "2024-03-01", "x"}, "is not before --until"},
		{[]string{"run", "--sink", "pigeon", "x"}, `expected stdout, file:PATH`},
		{[]string{"run", "--output", "xml", "x"}, `--output: expected table, line, json or csv, found "xml"`},
	}
	for _, tt := range tests {
		code, _, errOut := runHunt(t, tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, exitUsage, tt.want)
		}
	}
}

func TestRun_TableOutput(t *testing.T) {
	code, out, errOut := runHunt(t, "run", "--output", "csv", "--hunt", "cloudtrail_stopped", "../../testdata/hunts/cloudtrail_stopped")
	if code != exitFindings {
		t.Fatalf("exit %d; stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || lines[0] != "severity,hunt,resource,actor,account,region,first_seen,last_seen,count,id" ||
		!strings.HasPrefix(lines[1], "HIGH,cloudtrail_stopped,arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail,") {
		t.Fatalf("got\n%s", out)
	}
}

// recordSink accepts the findings whose IDs are not in reject; it records
// what it was sent.
type recordSink struct {
	name   string
	reject map[string]bool
	sent   [][]string
}

func (s *recordSink) Name() string { return s.name }

func (s *recordSink) Send(_ context.Context, fs []findings.Finding) ([]string, error) {
	var ids, accepted []string
	var rej []findings.Rejection
	for _, f := range fs {
		ids = append(ids, f.ID)
		if s.reject[f.ID] {
			rej = append(rej, findings.Rejection{ID: f.ID, Code: "Throttled"})
			continue
		}
		accepted = append(accepted, f.ID)
	}
	s.sent = append(s.sent, ids)
	if rej != nil {
		return accepted, &findings.SendError{Sink: s.name, Rejected: rej}
	}
	return accepted, nil
}

// TestDeliver: a finding is delivered (and suppressed from then on) only
// once every sink accepted it; a sink that rejected it gets it again next
// run, the sinks that took it do not.
func TestDeliver(t *testing.T) {
	t0 := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	fs := []findings.Finding{
		{ID: "a", HuntID: "h", FirstSeen: t0, LastSeen: t0},
		{ID: "b", HuntID: "h", FirstSeen: t0.Add(time.Minute), LastSeen: t0.Add(time.Minute)},
	}
	st := findings.NewState()
	ok := &recordSink{name: "file:x"}
	flaky := &recordSink{name: "sns:y", reject: map[string]bool{"b": true}}
	r := &hunter{state: st}
	sent, errs := r.deliver(context.Background(), []findings.Sink{ok, flaky}, slices.Values(fs))
	if sent != 2 || len(errs) != 1 {
		t.Fatalf("first: sent %d, errs %v", sent, errs)
	}
	if !st.Delivered("a") || st.Delivered("b") || st.PendingFinding("b") == nil {
		t.Fatalf("first: delivered a %v, b %v; pending b %v", st.Delivered("a"), st.Delivered("b"), st.PendingFinding("b"))
	}
	// Next run: the same findings again, the flaky sink recovered.
	flaky.reject = nil
	r = &hunter{state: st}
	sent, errs = r.deliver(context.Background(), []findings.Sink{ok, flaky}, slices.Values(fs))
	if sent != 1 || errs != nil || r.counts.suppressed != 1 || r.counts.resent != 1 {
		t.Fatalf("second: sent %d, errs %v, counts %+v", sent, errs, r.counts)
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
}

// TestRun_KeyLayout: objects in the AWS key layout carry their table and
// date. A hunt added later reads only objects of its table; objects dated
// before the horizon (newest date read minus --late) are not listed again.
func TestRun_KeyLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "archive")
	root := filepath.Join(dir, "AWSLogs", "111122223333")
	state := filepath.Join(dir, "state.json") // inside the archive: never read as a log
	ct := filepath.Join(root, "CloudTrail", "us-east-1", "2024", "03", "05", "111122223333_CloudTrail_us-east-1_20240305T1535Z_a.json")
	flow := filepath.Join(root, "vpcflowlogs", "us-east-1", "2024", "03", "05", "111122223333_vpcflowlogs_us-east-1_fl-0a1b_20240305T1500Z_b.log")
	copyFile(t, "../../testdata/hunts/cloudtrail_stopped/positive.json", ct)
	copyFile(t, "../../testdata/hunts/vpc_reject_flood/positive.log", flow)
	code, _, errOut := runHunt(t, "run", "--state", state, "--late", "24h", dir)
	if code != exitFindings || !strings.Contains(errOut, "2 objects read, 0 skipped") {
		t.Fatalf("first run: exit %d; stderr:\n%s", code, errOut)
	}
	st, err := findings.LoadState(state)
	if err != nil {
		t.Fatal(err)
	}
	if h := st.Horizon(dir); !h.Equal(time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("horizon: got %s; want 2024-03-04 (newest date 03-05 minus 24h)", h)
	}

	// A user's flow-log hunt, new to the state: only the flow object is read.
	hunts := filepath.Join(filepath.Dir(dir), "hunts")
	os.MkdirAll(hunts, 0o755)
	os.WriteFile(filepath.Join(hunts, "my_rejects.sql"), []byte(`-- id: my_rejects
-- title: Any REJECT
-- severity: LOW
-- table: vpc_flow
-- resource: srcaddr
-- resource_type: Other
-- time: t
-- dedup: srcaddr

SELECT srcaddr, min(start) AS t, array_agg(DISTINCT "$path") AS "$path" FROM vpc_flow WHERE action = 'REJECT' GROUP BY srcaddr
`), 0o644)
	code, out, errOut := runHunt(t, "run", "--state", state, "--late", "24h", "--hunts", hunts, dir)
	if code != exitFindings || !strings.Contains(errOut, "1 objects read, 1 skipped") || !strings.Contains(out, `"hunt_id":"my_rejects"`) {
		t.Fatalf("new hunt: exit %d; out:\n%s\nstderr:\n%s", code, out, errOut)
	}

	// An object dated before the horizon is not listed again; one dated
	// inside the late window is read.
	old := filepath.Join(root, "CloudTrail", "us-east-1", "2024", "03", "01", "111122223333_CloudTrail_us-east-1_20240301T1000Z_c.json")
	late := filepath.Join(root, "CloudTrail", "us-east-1", "2024", "03", "04", "111122223333_CloudTrail_us-east-1_20240304T2300Z_d.json")
	copyFile(t, "../../testdata/hunts/root_account_used/positive.json", old)
	copyFile(t, "../../testdata/hunts/mfa_device_deactivated/positive.json", late)
	code, out, errOut = runHunt(t, "run", "--state", state, "--late", "24h", "--hunts", hunts, dir)
	// The 03-05 object is read again for the windows of the aggregating
	// hunts (a burst split across runs); its findings keep their IDs.
	if code != exitFindings || !strings.Contains(errOut, "2 objects read (1 of them again, for the windows of aggregating hunts), 1 skipped") || strings.Contains(out, "root_account_used") || !strings.Contains(out, "mfa_device_deactivated") {
		t.Fatalf("old and late objects: exit %d; out:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// TestRun_DryRun prints what would be sent and leaves no state behind.
func TestRun_DryRun(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	code, out, errOut := runHunt(t, "run", "--dry-run", "--state", state, "--hunt", "cloudtrail_stopped", "../../testdata/hunts/cloudtrail_stopped")
	if code != exitFindings || !strings.Contains(out, "cloudtrail_stopped") {
		t.Fatalf("exit %d; out:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, f := range []string{state, state + ".journal"} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("dry run wrote %s: %v", f, err)
		}
	}
}

// TestRun_CrashRecovery: a run that died after its sinks accepted the
// findings but before it saved the state (here: the state file and the
// journal of such a run) leaves a delivery journal; the next run, whose
// state sits inside the archive it reads, does not read the journal as a
// log and does not send those findings again.
func TestRun_CrashRecovery(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "archive")
	state := filepath.Join(dir, "state.json")
	out := filepath.Join(t.TempDir(), "findings.jsonl")
	copyFile(t, "../../testdata/hunts/cloudtrail_stopped/positive.json", filepath.Join(dir, "a.json"))
	code, _, errOut := runHunt(t, "run", "--state", state, "--hunt", "cloudtrail_stopped", "--sink", "file:"+out, "--dry-run", dir)
	if code != exitFindings {
		t.Fatalf("dry run: exit %d; stderr:\n%s", code, errOut)
	}
	// The dying run: findings delivered through findings.Deliver, no Save.
	sinks, err := findings.OpenSinks(context.Background(), []string{"file:" + out}, findings.SinkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, errOut := runHunt(t, "run", "--hunt", "cloudtrail_stopped", dir)
	if code != exitFindings {
		t.Fatalf("stateless run: exit %d; stderr:\n%s", code, errOut)
	}
	var found []findings.Finding
	for _, l := range findingLines(t, []byte(stdout)) {
		var f findings.Finding
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatal(err)
		}
		found = append(found, f)
	}
	st, err := findings.LoadState(state)
	if err != nil {
		t.Fatal(err)
	}
	if c, errs := findings.Deliver(context.Background(), st, sinks, slices.Values(found), findings.DeliverOptions{}); errs != nil || c.Delivered != len(found) {
		t.Fatalf("dying run: %+v, %v", c, errs)
	}
	if _, err := os.Stat(state + ".journal"); err != nil {
		t.Fatalf("no journal left by the dying run: %v", err)
	}
	before := mustRead(t, out)
	code, _, errOut = runHunt(t, "run", "--state", state, "--hunt", "cloudtrail_stopped", "--sink", "file:"+out, dir)
	if code != exitOK || !strings.Contains(errOut, "1 objects read") || !strings.Contains(errOut, fmt.Sprintf("%d delivered, 0 pending", len(found))) {
		t.Fatalf("next run: exit %d; want 0, nothing sent again; stderr:\n%s", code, errOut)
	}
	if after := mustRead(t, out); !bytes.Equal(after, before) {
		t.Fatalf("findings written again:\n%s", after[len(before):])
	}
	if _, err := os.Stat(state + ".journal"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("journal kept after the state was saved: %v", err)
	}
}

// TestRun_EngineAthena runs a saved hunt on a fake Athena endpoint: the SQL
// sent carries the run window as partition predicates, and the typed rows
// Athena returns fold into the same finding the local engine would make.
func TestRun_EngineAthena(t *testing.T) {
	var mu sync.Mutex
	var sent []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		var out any
		switch r.Header.Get("X-Amz-Target") {
		case "AmazonAthena.StartQueryExecution":
			mu.Lock()
			q, _ := in["QueryString"].(string)
			sent = append(sent, q)
			mu.Unlock()
			out = map[string]any{"QueryExecutionId": "q1"}
		case "AmazonAthena.GetQueryExecution":
			out = map[string]any{"QueryExecution": map[string]any{"QueryExecutionId": "q1",
				"Status": map[string]any{"State": "SUCCEEDED"}, "Statistics": map[string]any{"DataScannedInBytes": 1 << 20}}}
		case "AmazonAthena.GetQueryResults":
			v := func(s string) map[string]any { return map[string]any{"VarCharValue": s} }
			cols := []string{"eventtime", "eventname", "actor", "account", "region", "trail", "sourceipaddress", "useragent", "requestparameters", "$path"}
			info := []any{}
			header := []any{}
			for _, c := range cols {
				info = append(info, map[string]any{"Name": c, "Label": c, "Type": "varchar"})
				header = append(header, v(c))
			}
			row := []any{v("2024-03-05T15:31:19Z"), v("StopLogging"), v("arn:aws:sts::111122223333:assumed-role/OpsAdmin/alice"),
				v("111122223333"), v("us-east-1"), v("arn:aws:cloudtrail:us-east-1:111122223333:trail/management"),
				v("198.51.100.23"), v("aws-cli/2.15"), v(`{"name":"arn:aws:cloudtrail:us-east-1:111122223333:trail/management"}`),
				v("s3://trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/x.json.gz")}
			out = map[string]any{"ResultSet": map[string]any{
				"ResultSetMetadata": map[string]any{"ColumnInfo": info},
				"Rows":              []any{map[string]any{"Data": header}, map[string]any{"Data": row}}}}
		default:
			http.Error(w, "unexpected "+r.Header.Get("X-Amz-Target"), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(out)
	}))
	defer srv.Close()
	useFakeAthena(t, srv.URL)
	code, out, errOut := runHunt(t, "run", "--engine", "athena", "--hunt", "cloudtrail_stopped",
		"--since", "2024-03-05", "--until", "2024-03-06")
	if code != exitFindings {
		t.Fatalf("exit %d; want %d\nstderr:\n%s", code, exitFindings, errOut)
	}
	if len(sent) != 1 || !strings.Contains(sent[0], "FROM hunt.cloudtrail_logs WHERE") ||
		!strings.Contains(sent[0], "cloudtrail_logs.timestamp BETWEEN '2024/03/05' AND '2024/03/06'") {
		t.Errorf("sent %q; want the mapped table and the window's partition predicates", sent)
	}
	if !strings.Contains(out, `"hunt_id":"cloudtrail_stopped"`) || !strings.Contains(out, `"resource":"arn:aws:cloudtrail:us-east-1:111122223333:trail/management"`) ||
		strings.Count(out, "\n") != 1 {
		t.Errorf("stdout:\n%s", out)
	}
	if !strings.Contains(errOut, "athena query q1 SUCCEEDED: 1 rows") {
		t.Errorf("stderr:\n%s", errOut)
	}
	// PATHs make no sense with Athena.
	if code, _, _ := runHunt(t, "run", "--engine", "athena", "testdata"); code != exitUsage {
		t.Errorf("--engine athena with a PATH: exit %d; want %d", code, exitUsage)
	}
}

// TestRun_ParquetPartitionsPruned: over converted Parquet, an explicit
// window skips the date= partitions outside it (only with --since/--until:
// an incremental run must still see files added to old partitions).
func TestRun_ParquetPartitionsPruned(t *testing.T) {
	dst := t.TempDir()
	if code, _, errOut := runHunt(t, "convert", "../../testdata/cloudtrail/AWSLogs", dst); code != exitOK {
		t.Fatalf("convert: exit %d: %s", code, errOut)
	}
	code, out, errOut := runHunt(t, "run", "--hunt", "network_acl_changed", "--since", "2024-03-06", dst)
	if code != exitFindings || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"region":"eu-west-1"`) {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "1 objects read") {
		t.Errorf("want the 2024-03-05 partition pruned; stderr:\n%s", errOut)
	}
}

// TestRun_BurstAcrossRuns: a threshold hunt's burst split across two
// objects read in different runs (the second delivered late) is found:
// the second run reads the first object again for the hunt's window.
func TestRun_BurstAcrossRuns(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "archive")
	folder := filepath.Join(dir, "AWSLogs", "111122223333", "vpcflowlogs", "us-east-1", "2024", "03", "05")
	state := filepath.Join(t.TempDir(), "state.json")
	lines := strings.Split(strings.TrimSpace(readFile(t, "../../testdata/hunts/vpc_reject_flood/positive.log")), "\n")
	header, rows := lines[0], lines[1:]
	half := len(rows) / 2 // 75 rejects each: under the hunt's 100 per minute
	write := func(name string, rows []string) {
		path := filepath.Join(folder, name)
		os.MkdirAll(folder, 0o755)
		if err := os.WriteFile(path, []byte(header+"\n"+strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("111122223333_vpcflowlogs_us-east-1_fl-0a1b_20240305T1500Z_a.log", rows[:half])
	code, out, errOut := runHunt(t, "run", "--state", state, "--hunt", "vpc_reject_flood", dir)
	if code != exitOK || out != "" {
		t.Fatalf("first half: exit %d; out:\n%s\nstderr:\n%s", code, out, errOut)
	}
	write("111122223333_vpcflowlogs_us-east-1_fl-0a1b_20240305T1500Z_b.log", rows[half:])
	code, out, errOut = runHunt(t, "run", "--state", state, "--hunt", "vpc_reject_flood", dir)
	if code != exitFindings || !strings.Contains(out, `"hunt_id":"vpc_reject_flood"`) || !strings.Contains(out, `"rejects":150`) {
		t.Fatalf("second half: exit %d; out:\n%s\nstderr:\n%s", code, out, errOut)
	}
	// A third run with nothing new reads nothing and sends nothing.
	code, out, errOut = runHunt(t, "run", "--state", state, "--hunt", "vpc_reject_flood", dir)
	if code != exitOK || out != "" || !strings.Contains(errOut, "0 objects read, 2 skipped") {
		t.Fatalf("third run: exit %d; out:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRun_StreamHorizons: a region whose deliveries lag behind another's
// is still read, and a key dated 2099 makes no later object count as read.
func TestRun_StreamHorizons(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "archive")
	root := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail")
	state := filepath.Join(t.TempDir(), "state.json")
	obj := func(region, date, name string) string {
		return filepath.Join(root, region, date[:4], date[4:6], date[6:8], "111122223333_CloudTrail_"+region+"_"+date+"T1000Z_"+name+".json")
	}
	copyFile(t, "../../testdata/hunts/cloudtrail_stopped/positive.json", obj("us-east-1", "20240310", "a"))
	copyFile(t, "../../testdata/hunts/cloudtrail_stopped/negative.json", obj("eu-west-1", "20240305", "b"))
	copyFile(t, "../../testdata/hunts/cloudtrail_stopped/negative.json", obj("us-east-1", "20990101", "future"))
	if code, _, errOut := runHunt(t, "run", "--state", state, "--hunt", "cloudtrail_stopped", dir); code != exitFindings {
		t.Fatalf("first run: exit %d; stderr:\n%s", code, errOut)
	}
	// eu-west-1 delivers day 6 after us-east-1 reached day 10 (and 2099).
	copyFile(t, "../../testdata/hunts/mfa_device_deactivated/positive.json", obj("eu-west-1", "20240306", "c"))
	copyFile(t, "../../testdata/hunts/mfa_device_deactivated/positive.json", obj("us-east-1", "20240311", "d"))
	code, _, errOut := runHunt(t, "run", "--state", state, "--hunt", "cloudtrail_stopped", dir)
	if code != exitOK || !strings.Contains(errOut, "2 objects read, 3 skipped (read before)") {
		t.Fatalf("second run: exit %d; stderr:\n%s", code, errOut)
	}
}

// TestRun_HuntFailsAlone: a hunt that fails at run time (here a cast of a
// name to a number) is reported and the run exits 1, but the other hunts'
// findings are delivered, and the objects stay unread for the failed hunt
// so the next run tries it again.
func TestRun_HuntFailsAlone(t *testing.T) {
	hunts := t.TempDir()
	os.WriteFile(filepath.Join(hunts, "bad_cast.sql"), []byte(`-- id: bad_cast
-- title: A hunt that fails at run time
-- severity: LOW
-- table: cloudtrail
-- resource: eventname
-- resource_type: Other
-- time: eventtime
-- dedup: eventname

SELECT eventname, eventtime, CAST(eventname AS bigint) AS n, "$path" FROM cloudtrail
`), 0o644)
	state := filepath.Join(t.TempDir(), "state.json")
	args := []string{"run", "--state", state, "--hunts", hunts, "--hunt", "bad_cast", "--hunt", "cloudtrail_stopped", "../../testdata/hunts/cloudtrail_stopped/positive.json"}
	code, out, errOut := runHunt(t, args...)
	if code != exitError || !strings.Contains(out, `"hunt_id":"cloudtrail_stopped"`) || !strings.Contains(errOut, "bad_cast.sql") {
		t.Fatalf("exit %d; out:\n%s\nstderr:\n%s", code, out, errOut)
	}
	// Next run: the object is read again, for bad_cast only; the
	// delivered finding is not sent again.
	code, out, errOut = runHunt(t, args...)
	if code != exitError || out != "" || !strings.Contains(errOut, "1 objects read") {
		t.Fatalf("rerun: exit %d; out:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// TestRun_RejectFloodThroughCloudWatchLogs: the REJECT flood delivered
// through CloudWatch Logs → Firehose (concatenated envelopes without
// newlines, gzip inside gzip, a control message) gives the same findings
// as the same records delivered directly to S3, and so does an export
// task of them (issue 20).
func TestRun_RejectFloodThroughCloudWatchLogs(t *testing.T) {
	direct := "../../testdata/vpcflow/reject-flood.log.gz"
	f, err := os.Open(direct)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")[1:] // the header never reaches CloudWatch Logs
	var envelopes bytes.Buffer
	envelopes.WriteString(`{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1709650800000,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}`)
	for i := 0; i < len(lines); i += 50 {
		var events []string
		for j, l := range lines[i:min(i+50, len(lines))] {
			events = append(events, fmt.Sprintf(`{"id":"%d","timestamp":1709650800000,"message":%q}`, i+j, l))
		}
		fmt.Fprintf(&envelopes, `{"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"vpc-flow","logStream":"eni-0a1b2c3d4e5f60001-all","subscriptionFilters":["to-firehose"],"logEvents":[%s]}`, strings.Join(events, ","))
	}
	inner := gzipBytes(t, envelopes.Bytes())
	path := filepath.Join(t.TempDir(), "vpc-flow-to-s3-1-2024-03-05-15-00-00-abcd.gz")
	if err := os.WriteFile(path, gzipBytes(t, inner), 0o644); err != nil {
		t.Fatal(err)
	}
	ids := func(path string) []string {
		code, out, errOut := runHunt(t, "run", "--hunt", "vpc_reject_flood", "--hunt", "vpc_port_scan", path)
		if code != exitFindings {
			t.Fatalf("%s: exit %d\n%s", path, code, errOut)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var f struct {
				ID    string `json:"id"`
				Count int    `json:"count"`
			}
			if err := json.Unmarshal([]byte(l), &f); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s %d", f.ID, f.Count))
		}
		return got
	}
	want, got := ids(direct), ids(path)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("through CloudWatch Logs: %v\ndirect: %v", got, want)
	}
	// The same log events exported by an export task: a timestamp before
	// each message, at PREFIX/TASK-ID/LOG-STREAM/000000.gz.
	var export bytes.Buffer
	for _, l := range lines {
		export.WriteString("2024-03-05T15:00:00.000Z " + l + "\n")
	}
	dir := filepath.Join(t.TempDir(), "exportedlogs", "cda45419-90ea-4db5-9833-aade86253e66", "eni-0a1b2c3d4e5f60001-all")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "000000.gz"), gzipBytes(t, export.Bytes()), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := ids(filepath.Join(dir, "000000.gz")); !slices.Equal(got, want) {
		t.Errorf("through an export task: %v\ndirect: %v", got, want)
	}
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRun_ManyFindings: a run whose findings fill several delivery
// groups and whose hunt's rows come in several chunks, from two objects:
// each finding reaches the file sink once, the incidents list them, and
// the next run sends nothing again.
func TestRun_ManyFindings(t *testing.T) {
	hunts, logs := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(hunts, "every_event.sql"), []byte(`-- id: every_event
-- title: Every event
-- severity: LOW
-- table: cloudtrail
-- resource: eventid
-- resource_type: Other
-- actor: actor
-- time: eventtime
-- dedup: eventid

SELECT eventtime, eventid, useridentity.arn AS actor, "$path" FROM cloudtrail
`), 0o644)
	const perObject = 5000 // more than a batch of rows, and than a delivery group
	for o := range 2 {
		var b strings.Builder
		b.WriteString(`{"Records":[`)
		for i := range perObject {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"eventVersion":"1.08","eventTime":"2024-03-05T%02d:%02d:%02dZ","eventID":"e%d-%d","eventName":"GetObject","eventSource":"s3.amazonaws.com","awsRegion":"us-east-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u%d"}}`,
				i/3600, i/60%60, i%60, o, i, i%7)
		}
		b.WriteString(`]}`)
		os.WriteFile(filepath.Join(logs, fmt.Sprintf("o%d.json", o)), []byte(b.String()), 0o644)
	}
	dir := t.TempDir()
	state, out := filepath.Join(dir, "state.json"), filepath.Join(dir, "f.jsonl")
	args := []string{"run", "--state", state, "--hunts", hunts, "--hunt", "every_event", "--sink", "file:" + out, "--incidents", logs}
	code, _, errOut := runHunt(t, args...)
	if code != exitFindings || !strings.Contains(errOut, "10000 found, 10000 new") || strings.Count(errOut, "\n  2024-") != 2*perObject {
		t.Fatalf("exit %d; stderr (%d bytes) ends:\n%s", code, len(errOut), errOut[max(0, len(errOut)-400):])
	}
	lines := strings.Split(strings.TrimSuffix(string(mustRead(t, out)), "\n"), "\n")
	ids := map[string]bool{}
	for _, l := range lines {
		var f findings.Finding
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatal(err)
		}
		ids[f.ID] = true
	}
	if len(lines) != 2*perObject || len(ids) != 2*perObject {
		t.Fatalf("file sink: %d lines, %d distinct; want %d, each once", len(lines), len(ids), 2*perObject)
	}
	code, _, errOut = runHunt(t, args...)
	if code != exitOK || len(strings.Split(strings.TrimSuffix(string(mustRead(t, out)), "\n"), "\n")) != 2*perObject {
		t.Fatalf("rerun: exit %d; stderr:\n%s", code, errOut)
	}
}

// TestRun_JoinHunt: a hunt over two tables (GuardDuty findings joined with
// CloudTrail) gets the batches of both from the run's one scan.
func TestRun_JoinHunt(t *testing.T) {
	code, out, errOut := runHunt(t, "run", "--sink", "stdout", "--hunt", "guardduty_high_severity_principal_activity", "../../testdata/hunts/guardduty_high_severity_principal_activity")
	if code != exitFindings {
		t.Fatalf("exit %d; want %d (findings)\n%s\n%s", code, exitFindings, out, errOut)
	}
	var actors []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var f struct {
			HuntID  string   `json:"hunt_id"`
			Actor   string   `json:"actor"`
			Sources []string `json:"sources"`
		}
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("%v: %q", err, line)
		}
		if len(f.Sources) != 2 {
			t.Errorf("finding of %s: sources %v; want the GuardDuty export and the CloudTrail file", f.Actor, f.Sources)
		}
		actors = append(actors, f.Actor)
	}
	slices.Sort(actors)
	if want := []string{"ASIAEXAMPLEKEY01", "i-0b1c2d3e4f5a60719"}; !slices.Equal(actors, want) {
		t.Errorf("got findings for %v; want %v\n%s", actors, want, errOut)
	}
}

// TestRun_JoinHuntIncremental: with --state, a join hunt still joins a
// GuardDuty export that arrives after the CloudTrail files it needs were
// read by an earlier run: the new object of one table brings the objects
// of its other tables within its window back (as context).
func TestRun_JoinHuntIncremental(t *testing.T) {
	dir := t.TempDir()
	fixtures := "../../testdata/hunts/guardduty_high_severity_principal_activity/"
	put := func(src, dst string) {
		t.Helper()
		b, err := os.ReadFile(fixtures + src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(dst))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, gzipBytes(t, b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	state := filepath.Join(t.TempDir(), "state.json")
	args := []string{"run", "--state", state, "--sink", "stdout", "--hunt", "guardduty_high_severity_principal_activity", dir}
	put("positive.cloudtrail.json", "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T1005Z_a1b2c3d4e5f6a7b8.json.gz")
	if code, out, errOut := runHunt(t, args...); code != exitOK || out != "" {
		t.Fatalf("run 1 (CloudTrail only): exit %d, %q\n%s", code, out, errOut)
	}
	put("positive.guardduty.jsonl", "AWSLogs/111122223333/GuardDuty/us-east-1/2024/03/05/5d2f1a3e-8b7c-3e4f-9a1b-2c3d4e5f6a7b.jsonl.gz")
	code, out, errOut := runHunt(t, args...)
	if code != exitFindings || !strings.Contains(out, `"actor":"ASIAEXAMPLEKEY01"`) {
		t.Fatalf("run 2 (the export arrives): exit %d; want the join's finding\n%s\n%s", code, out, errOut)
	}
}

// TestRunMemLimit: a run sets the runtime's soft memory limit unless
// GOMEMLIMIT is set or --aggregate-memory is off, raised for more workers
// and a larger aggregate budget; and restores the previous one after.
func TestRunMemLimit(t *testing.T) {
	for _, tc := range []struct {
		env       string
		workers   int
		aggregate int64
		hunts     int
		want      int64
		ok        bool
	}{
		{"", 2, 0, 1, 224 << 20, true},
		{"", 1, 64 << 20, 118, 224 << 20, true},
		{"", 4, 0, 10, (224 + 2*64) << 20, true},
		{"", 2, 256 << 20, 0, (224 + 192) << 20, true},
		{"", 2, 0, 1118, (224 + 125) << 20, true},
		{"", 2, -1, 1, 0, false},
		{"1GiB", 2, 0, 1, 0, false},
	} {
		got, ok := runMemLimit(tc.env, tc.workers, tc.aggregate, tc.hunts)
		if got != tc.want || ok != tc.ok {
			t.Errorf("runMemLimit(%q, %d, %d, %d) = %d MiB, %v; want %d MiB, %v", tc.env, tc.workers, tc.aggregate, tc.hunts, got>>20, ok, tc.want>>20, tc.ok)
		}
	}
	var calls, gc []int64
	defer func(f func(int64) int64) { setMemoryLimit = f }(setMemoryLimit)
	setMemoryLimit = func(n int64) int64 { calls = append(calls, n); return 1 << 40 }
	defer func(f func(int) int) { setGCPercent = f }(setGCPercent)
	setGCPercent = func(n int) int { gc = append(gc, int64(n)); return 77 }
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	runHunt(t, "run", "--workers", "2", "--sink", "stdout", "--hunt", "root_account_used", "../../testdata/cloudtrail")
	if len(calls) < 2 || calls[0] != 224<<20 || calls[len(calls)-1] != 1<<40 {
		t.Errorf("SetMemoryLimit calls %v; want 224 MiB, then the previous limit back", calls)
	}
	// Under the limit the collector runs less often; the previous GOGC
	// comes back at the end.
	if !slices.Equal(gc, []int64{runGCPercent, 77}) {
		t.Errorf("SetGCPercent calls %v; want %d, then the previous 77 back", gc, runGCPercent)
	}
	// GOGC set: the run leaves it alone (the limit still applies).
	gc = nil
	t.Setenv("GOGC", "100")
	runHunt(t, "run", "--workers", "2", "--sink", "stdout", "--hunt", "root_account_used", "../../testdata/cloudtrail")
	if len(gc) != 0 {
		t.Errorf("SetGCPercent calls %v with GOGC set; want none", gc)
	}
	// No limit (GOMEMLIMIT set): no GOGC either, or the heap would be
	// bounded by nothing.
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "1GiB")
	runHunt(t, "run", "--workers", "2", "--sink", "stdout", "--hunt", "root_account_used", "../../testdata/cloudtrail")
	if len(gc) != 0 {
		t.Errorf("SetGCPercent calls %v with GOMEMLIMIT set; want none", gc)
	}
	// The limit follows the live heap: the base, or 5/4 of the live data.
	for _, tc := range [][3]int64{{448 << 20, 100 << 20, 448 << 20}, {448 << 20, 400 << 20, 500 << 20}, {448 << 20, 800 << 20, 1000 << 20}} {
		if got := adaptLimit(tc[0], tc[1], runHeadroom); got != tc[2] {
			t.Errorf("adaptLimit(%d MiB, live %d MiB) = %d MiB; want %d MiB", tc[0]>>20, tc[1]>>20, got>>20, tc[2]>>20)
		}
	}
}

// TestAdaptMemoryLimit: while a run holds more live data than the base
// limit, the limit rises above it (5/4 of the live heap); stop puts the
// previous limit back.
func TestAdaptMemoryLimit(t *testing.T) {
	var mu sync.Mutex
	var calls []int64
	defer func(f func(int64) int64) { setMemoryLimit = f }(setMemoryLimit)
	setMemoryLimit = func(n int64) int64 { mu.Lock(); calls = append(calls, n); mu.Unlock(); return 7 }
	l := adaptMemoryLimit(1<<20, runHeadroom) // a 1 MiB base: the live heap exceeds it
	keep := make([]byte, 32<<20)
	for i := range keep {
		keep[i] = byte(i)
	}
	runtime.GC()
	time.Sleep(4 * limitInterval)
	l.stop()
	runtime.KeepAlive(keep)
	mu.Lock()
	defer mu.Unlock()
	if len(calls) < 3 || calls[0] != 1<<20 || calls[len(calls)-1] != 7 || slices.Max(calls[1:len(calls)-1]) < 40<<20 {
		t.Errorf("SetMemoryLimit calls %v; want the base, a limit over 5/4 of 32 MiB, then the previous one", calls)
	}
}

// TestCollector_SetBase: a run sets its limit before loading the hunts
// and raises the base once it knows how many there are; the limit
// follows at once, and stop puts the previous limit and GOGC back.
func TestCollector_SetBase(t *testing.T) {
	var mu sync.Mutex
	var calls, gc []int64
	defer func(f func(int64) int64) { setMemoryLimit = f }(setMemoryLimit)
	setMemoryLimit = func(n int64) int64 { mu.Lock(); calls = append(calls, n); mu.Unlock(); return 7 }
	defer func(f func(int) int) { setGCPercent = f }(setGCPercent)
	setGCPercent = func(n int) int { gc = append(gc, int64(n)); return 77 }
	t.Setenv("GOGC", "")
	c := collectUnder(1<<40, runHeadroom, runGCPercent) // far above any live heap
	c.setBase(2 << 40)
	mu.Lock()
	got := slices.Clone(calls)
	mu.Unlock()
	c.stop()
	if !slices.Equal(got, []int64{1 << 40, 2 << 40}) {
		t.Errorf("SetMemoryLimit calls before stop %v; want the base, then the raised base", got)
	}
	if calls[len(calls)-1] != 7 {
		t.Errorf("SetMemoryLimit calls %v; want the previous limit back last", calls)
	}
	if !slices.Equal(gc, []int64{-1, 77}) {
		t.Errorf("SetGCPercent calls %v; want -1 (off: only the limit collects), then the previous 77 back", gc)
	}
}
