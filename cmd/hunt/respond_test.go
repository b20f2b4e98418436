package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeWAF is one WAFv2 IPV4 IP set behind the JSON 1.1 protocol.
type fakeWAF struct {
	t         *testing.T
	mu        sync.Mutex
	addresses []string
	token     int
	ops       []string
}

func (f *fakeWAF) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSWAF_20190729.")
	f.ops = append(f.ops, op)
	b, _ := io.ReadAll(r.Body)
	var in struct {
		Name, Id, Scope, LockToken string
		Addresses                  []string
	}
	if err := json.Unmarshal(b, &in); err != nil || in.Name != "hunt-block" || in.Id != "0123" || in.Scope != "REGIONAL" {
		f.t.Errorf("%s: unexpected request %s (%v)", op, b, err)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch op {
	case "GetIPSet":
		json.NewEncoder(w).Encode(map[string]any{
			"IPSet":     map[string]any{"Name": "hunt-block", "Id": "0123", "ARN": e2eSet, "IPAddressVersion": "IPV4", "Addresses": f.addresses},
			"LockToken": fmt.Sprint(f.token),
		})
	case "UpdateIPSet":
		if in.LockToken != fmt.Sprint(f.token) {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"__type":"WAFOptimisticLockException","Message":"stale"}`)
			return
		}
		f.addresses, f.token = in.Addresses, f.token+1
		fmt.Fprintf(w, `{"NextLockToken":"%d"}`, f.token)
	default:
		f.t.Errorf("unexpected operation %q", op)
		w.WriteHeader(400)
	}
}

func (f *fakeWAF) updates() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, op := range f.ops {
		if op == "UpdateIPSet" {
			n++
		}
	}
	return n
}

const e2eSet = "arn:aws:wafv2:eu-west-1:111122223333:regional/ipset/hunt-block/0123"

// TestRun_RespondEndToEnd: the REJECT flood → a finding → the dry run
// prints the block (on stderr: stdout stays the findings) → --apply blocks it → a rerun adds nothing → after the
// TTL a run removes it, leaving the block hunt did not add.
func TestRun_RespondEndToEnd(t *testing.T) {
	waf := &fakeWAF{t: t, addresses: []string{"203.0.113.9/32"}}
	srv := httptest.NewServer(waf)
	defer srv.Close()
	dir := t.TempDir()
	t.Setenv("AWS_ENDPOINT_URL_WAFV2", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_PROFILE", "")
	t0 := time.Now()
	t.Cleanup(func() { respondNow = time.Now })
	respondNow = func() time.Time { return t0 }

	policy := filepath.Join(dir, "policy")
	if err := os.WriteFile(policy, []byte("vpc_reject_flood waf-ipset(srcaddr)\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	state, audit := filepath.Join(dir, "state.json"), filepath.Join(dir, "audit.jsonl")
	base := []string{"run", "--hunt", "vpc_reject_flood", "--respond", "waf-ipset:" + e2eSet, "--respond-policy", policy,
		"--sink", "file:" + filepath.Join(dir, "findings.jsonl")}
	log := "../../testdata/vpcflow/reject-flood.log.gz"

	// Dry run: prints the block, changes nothing.
	code, out, errOut := runHunt(t, append(base, log)...)
	want := "respond: would add 198.51.100.77/32 to " + e2eSet + " (vpc_reject_flood: Flood of rejected connections from one source address (finding " + findingID(t, dir) + "))\n"
	if code != exitFindings || out != "" || !strings.Contains(errOut, want) {
		t.Fatalf("dry run: exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	if waf.updates() != 0 {
		t.Fatalf("dry run updated the IP set: %v", waf.ops)
	}

	apply := append(slices.Clone(base), "--apply", "--state", state, "--audit", audit, log)
	code, out, errOut = runHunt(t, apply...)
	if code != exitFindings || out != "" || !strings.Contains(errOut, "respond: added 198.51.100.77/32") {
		t.Fatalf("apply: exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	if want := []string{"203.0.113.9/32", "198.51.100.77/32"}; !slices.Equal(waf.addresses, want) {
		t.Fatalf("IP set %v, want %v", waf.addresses, want)
	}
	b, _ := os.ReadFile(audit)
	if strings.Count(string(b), "\n") != 1 || !strings.Contains(string(b), `"action":"waf-ipset-add"`) {
		t.Errorf("audit file %q", b)
	}

	// A rerun: nothing new read, nothing added.
	code, out, errOut = runHunt(t, apply...)
	if code != exitOK || waf.updates() != 1 || out != "" || strings.Contains(errOut, "respond:") {
		t.Fatalf("rerun: exit %d, %d updates, stdout %q, stderr %s", code, waf.updates(), out, errOut)
	}

	// After the TTL the block hunt added goes; the other stays.
	respondNow = func() time.Time { return t0.Add(25 * time.Hour) }
	code, out, errOut = runHunt(t, apply...)
	if code != exitOK || !strings.Contains(errOut, "respond: removed 198.51.100.77/32") {
		t.Fatalf("after TTL: exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	if want := []string{"203.0.113.9/32"}; !slices.Equal(waf.addresses, want) {
		t.Fatalf("IP set %v, want %v", waf.addresses, want)
	}
}

// findingID is the ID of the one finding in dir/findings.jsonl.
func findingID(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "findings.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ ID string }
	if err := json.Unmarshal([]byte(strings.SplitN(string(b), "\n", 2)[0]), &f); err != nil {
		t.Fatal(err)
	}
	return f.ID
}

func TestRun_RespondUsage(t *testing.T) {
	log := "../../testdata/vpcflow/reject-flood.log.gz"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--respond", "waf-ipset:" + e2eSet, "--apply"}, "--apply needs --state"},
		{[]string{"--respond", "waf-ipset:" + e2eSet, "--apply", "--state", "s", "--dry-run"}, "--apply and --dry-run contradict each other"},
		{[]string{"--respond", "block-everything"}, `--respond: expected waf-ipset:IP_SET_ARN, revoke-role-sessions or deactivate-access-key, found "block-everything"`},
		{[]string{"--respond", "revoke-role-sessions", "--max-blocks", "0"}, "--max-blocks: expected 1 or more, found 0"},
		{[]string{"--apply"}, "--apply and --respond-policy need --respond"},
	} {
		code, _, errOut := runHunt(t, append(append([]string{"run"}, tc.args...), log)...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want usage and %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestRun_EventBridgeSink: --sink eventbridge:BUS puts the finding through
// the run's AWS configuration (AWS_ENDPOINT_URL_EVENTBRIDGE).
func TestRun_EventBridgeSink(t *testing.T) {
	var mu sync.Mutex
	var entries []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var in struct{ Entries []map[string]any }
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("X-Amz-Target") != "AWSEvents.PutEvents" || json.Unmarshal(b, &in) != nil {
			t.Errorf("unexpected request %s %s", r.Header.Get("X-Amz-Target"), b)
		}
		entries = append(entries, in.Entries...)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		fmt.Fprint(w, `{"FailedEntryCount":0,"Entries":[{"EventId":"e1"}]}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	t.Setenv("AWS_ENDPOINT_URL_EVENTBRIDGE", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_PROFILE", "")
	code, _, errOut := runHunt(t, "run", "--hunt", "vpc_reject_flood", "--sink", "eventbridge:security", "../../testdata/vpcflow/reject-flood.log.gz")
	if code != exitFindings || len(entries) != 1 || entries[0]["Source"] != "hunt" || entries[0]["DetailType"] != "hunt Finding" || entries[0]["EventBusName"] != "security" {
		t.Fatalf("exit %d, entries %v, stderr %s", code, entries, errOut)
	}
	if !strings.Contains(entries[0]["Detail"].(string), `"hunt_id":"vpc_reject_flood"`) {
		t.Errorf("detail %v", entries[0]["Detail"])
	}
}

// TestRun_RespondPolicyChecksFirst: a policy naming no hunt stops the run
// before any log is read or finding delivered.
func TestRun_RespondPolicyChecksFirst(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy")
	if err := os.WriteFile(policy, []byte("vpc_reject_floood waf-ipset(srcaddr)\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	out := filepath.Join(dir, "findings.jsonl")
	code, _, errOut := runHunt(t, "run", "--respond", "revoke-role-sessions", "--respond-policy", policy, "--sink", "file:"+out, "../../testdata/vpcflow/reject-flood.log.gz")
	if code != exitError || !strings.Contains(errOut, `expected a hunt ID (see hunt hunts list), found "vpc_reject_floood"`) {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if b, _ := os.ReadFile(out); len(b) != 0 {
		t.Errorf("findings delivered before the policy was checked: %s", b)
	}
}
