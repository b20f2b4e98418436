package findings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

var respondT0 = time.Date(2024, 3, 5, 16, 0, 0, 0, time.UTC)

// floodFinding is a vpc_reject_flood finding about addrs.
func floodFinding(id string, addrs ...string) Finding {
	f := Finding{ID: id, HuntID: "vpc_reject_flood", Title: "Flood of rejected connections", Severity: SeverityMedium,
		Resource: addrs[0], ResourceType: "Other", FirstSeen: respondT0.Add(-time.Hour), LastSeen: respondT0.Add(-time.Hour), Count: 150, Table: "vpc_flow_logs"}
	for _, a := range addrs {
		f.Evidence = append(f.Evidence, map[string]any{"srcaddr": a, "rejects": int64(150)})
	}
	return f
}

type respondEnv struct {
	fake  *fakeAWS
	cfg   aws.Config
	state *State
	path  string
	out   bytes.Buffer
	audit bytes.Buffer
	now   time.Time
	saves int
	// failSave makes the nth Save (1-based) fail without writing: the run
	// dies there.
	failSave int
}

func newRespondEnv(t *testing.T, faults ...string) *respondEnv {
	e := &respondEnv{state: NewState(), path: filepath.Join(t.TempDir(), "state.json"), now: respondT0}
	e.fake, e.cfg = newFakeAWS(t, faults...)
	e.fake.addSet("a1b2c3d4-0000-0000-0000-000000000004", "hunt-block-v4", "IPV4", "203.0.113.9/32")
	e.fake.addSet("a1b2c3d4-0000-0000-0000-000000000006", "hunt-block-v6", "IPV6")
	return e
}

func (e *respondEnv) opts(apply bool) ResponseOptions {
	return ResponseOptions{
		Apply: apply, Out: &e.out, Audit: &e.audit,
		WAFSets: []string{testSet4, testSet6},
		Rules:   map[string][]ResponseRule{"vpc_reject_flood": {{Kind: RespondWAFIPSet, Columns: []string{"srcaddr"}}}},
		Now:     func() time.Time { return e.now },
		Save: func() error {
			e.saves++
			if e.saves == e.failSave {
				return errors.New("killed")
			}
			return e.state.Save(e.path, e.now)
		},
		MaxBackoff: time.Millisecond,
	}
}

func (e *respondEnv) respond(t *testing.T, opts ResponseOptions, fs ...Finding) (*ResponseReport, error) {
	t.Helper()
	r, err := NewResponder(e.cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r.Respond(context.Background(), e.state, fs)
}

func (e *respondEnv) set4() []string {
	return e.fake.sets["a1b2c3d4-0000-0000-0000-000000000004"].addresses
}

func (e *respondEnv) set6() []string {
	return e.fake.sets["a1b2c3d4-0000-0000-0000-000000000006"].addresses
}

func TestRespond_DryRunChangesNothing(t *testing.T) {
	e := newRespondEnv(t)
	rep, err := e.respond(t, e.opts(false), floodFinding("f1", "198.51.100.77"))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(e.fake.calls, "UpdateIPSet") || e.saves != 0 || e.state.Responses != nil {
		t.Errorf("dry run changed something: calls %v, saves %d, responses %+v", e.fake.calls, e.saves, e.state.Responses)
	}
	want := "respond: would add 198.51.100.77/32 to " + testSet4 + " (vpc_reject_flood: Flood of rejected connections (finding f1))\n"
	if e.out.String() != want {
		t.Errorf("dry run printed\n%q\nwant\n%q", e.out.String(), want)
	}
	if rep.Blocked != 1 || e.audit.Len() != 0 {
		t.Errorf("report %+v, audit %q", rep, e.audit.String())
	}
}

func TestRespond_Apply_Success(t *testing.T) {
	e := newRespondEnv(t)
	f := floodFinding("f1", "198.51.100.77", "2001:db8::7", "::ffff:198.51.100.78")
	rep, err := e.respond(t, e.opts(true), f)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.set4(), []string{"203.0.113.9/32", "198.51.100.77/32", "198.51.100.78/32"}; !slices.Equal(got, want) {
		t.Errorf("IPv4 set %v, want the union %v", got, want)
	}
	if got, want := e.set6(), []string{"2001:db8::7/128"}; !slices.Equal(got, want) {
		t.Errorf("IPv6 set %v, want %v", got, want)
	}
	if rep.Blocked != 3 {
		t.Errorf("report %+v, want 3 blocked", rep)
	}
	loaded, err := LoadState(e.path)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Responses == nil || len(loaded.Responses.Blocks) != 3 {
		t.Fatalf("state responses %+v, want 3 blocks", loaded.Responses)
	}
	for _, b := range loaded.Responses.Blocks {
		if !b.AddedAt.Equal(respondT0) || b.HuntID != "vpc_reject_flood" || b.FindingID != "f1" || !strings.Contains(b.Reason, "Flood") {
			t.Errorf("block record %+v: want added at %s with hunt, finding and reason", b, respondT0)
		}
	}
	lines := strings.Split(strings.TrimSpace(e.audit.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("audit %q, want 3 lines", e.audit.String())
	}
	var a AuditEntry
	if err := json.Unmarshal([]byte(lines[0]), &a); err != nil || a.Action != "waf-ipset-add" || a.Target == "" || a.Value == "" || a.FindingID != "f1" {
		t.Errorf("audit line %s (%v)", lines[0], err)
	}

	// A rerun over the same finding changes nothing.
	e.fake.calls = nil
	e.out.Reset()
	if _, err := e.respond(t, e.opts(true), f); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(e.fake.calls, "UpdateIPSet") {
		t.Errorf("rerun updated the set: %v", e.fake.calls)
	}
}

func TestRespond_OnlyDeclaredHunts(t *testing.T) {
	e := newRespondEnv(t)
	other := floodFinding("f2", "198.51.100.77")
	other.HuntID = "vpc_port_scan"
	if _, err := e.respond(t, e.opts(true), other); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(e.fake.calls, "UpdateIPSet") || e.state.Responses != nil {
		t.Errorf("a finding of a hunt without a response rule changed the set: %v", e.fake.calls)
	}
}

func TestRespond_NeverBlock(t *testing.T) {
	e := newRespondEnv(t)
	opts := e.opts(true)
	nb, err := NewNeverBlock([]string{"198.51.100.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	opts.NeverBlock = nb
	f := floodFinding("f1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "127.0.0.1", "169.254.169.254", "100.64.1.1", "fd00::1", "fe80::1", "198.51.100.77", "203.0.113.50")
	rep, err := e.respond(t, opts, f)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.set4(), []string{"203.0.113.9/32", "203.0.113.50/32"}; !slices.Equal(got, want) {
		t.Errorf("set %v, want only the public address outside the own CIDR: %v", got, want)
	}
	if len(rep.Skipped) != 9 || !strings.Contains(e.out.String(), "own CIDR 198.51.100.0/24") {
		t.Errorf("skipped %q\noutput %s", rep.Skipped, e.out.String())
	}
}

func TestRespond_CircuitBreaker(t *testing.T) {
	e := newRespondEnv(t)
	opts := e.opts(true)
	opts.MaxBlocks = 3
	f := floodFinding("f1", "198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4")
	_, err := e.respond(t, opts, f)
	if !errors.Is(err, ErrCircuitBreaker) {
		t.Fatalf("err %v, want the circuit breaker", err)
	}
	if slices.Contains(e.fake.calls, "UpdateIPSet") || (e.state.Responses != nil && len(e.state.Responses.Blocks) > 0) {
		t.Errorf("tripped breaker still blocked: calls %v, state %+v", e.fake.calls, e.state.Responses)
	}
	if !strings.Contains(e.out.String(), "CIRCUIT BREAKER TRIPPED") {
		t.Errorf("output %q does not say so loudly", e.out.String())
	}
	// Exactly at the limit is allowed.
	opts.MaxBlocks = 4
	if _, err := e.respond(t, opts, f); err != nil {
		t.Fatal(err)
	}
	if len(e.set4()) != 5 {
		t.Errorf("set %v, want 4 blocks added", e.set4())
	}
}

func TestRespond_SetSizeLimit(t *testing.T) {
	e := newRespondEnv(t)
	s := e.fake.sets["a1b2c3d4-0000-0000-0000-000000000004"]
	s.addresses = nil
	for i := range wafMaxAddresses - 1 {
		s.addresses = append(s.addresses, fmt.Sprintf("203.%d.%d.%d/32", i>>16&255, i>>8&255, i&255))
	}
	_, err := e.respond(t, e.opts(true), floodFinding("f1", "198.51.100.1", "198.51.100.2"))
	if !errors.Is(err, ErrCircuitBreaker) || !strings.Contains(err.Error(), "10001 addresses") {
		t.Fatalf("err %v, want the circuit breaker on the set size", err)
	}
	if slices.Contains(e.fake.calls, "UpdateIPSet") {
		t.Errorf("overfull set updated: %v", e.fake.calls)
	}
	if _, err := e.respond(t, e.opts(true), floodFinding("f2", "198.51.100.1")); err != nil {
		t.Fatalf("one address fits: %v", err)
	}
}

func TestRespond_LockConflictAndThrottling(t *testing.T) {
	e := newRespondEnv(t, "lock:UpdateIPSet", "throttle:GetIPSet", "throttle:UpdateIPSet")
	if _, err := e.respond(t, e.opts(true), floodFinding("f1", "198.51.100.77")); err != nil {
		t.Fatal(err)
	}
	// The concurrent writer's address survives: the retry re-read the set.
	if got, want := e.set4(), []string{"203.0.113.9/32", "192.0.2.200/32", "198.51.100.77/32"}; !slices.Equal(got, want) {
		t.Errorf("set %v, want %v", got, want)
	}
	if len(e.fake.faults) != 0 {
		t.Errorf("faults not injected: %v", e.fake.faults)
	}
}

func TestRespond_Expiry(t *testing.T) {
	e := newRespondEnv(t)
	opts := e.opts(true)
	opts.BlockTTL = 24 * time.Hour
	// 203.0.113.9 is in the set already (someone else's block): hunt
	// neither records it nor ever removes it.
	if _, err := e.respond(t, opts, floodFinding("f1", "198.51.100.77", "203.0.113.9")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.out.String(), "203.0.113.9/32: already in") {
		t.Errorf("output %q does not report the existing block", e.out.String())
	}
	e.now = respondT0.Add(23 * time.Hour)
	e.fake.calls = nil
	if _, err := e.respond(t, opts); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(e.fake.calls, "UpdateIPSet") {
		t.Errorf("block removed before its TTL: %v", e.set4())
	}
	// Dry run after the TTL: prints the removal, changes nothing.
	e.now = respondT0.Add(24 * time.Hour)
	e.out.Reset()
	if _, err := e.respond(t, e.opts(false)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.out.String(), "would remove 198.51.100.77/32") || len(e.set4()) != 2 {
		t.Errorf("dry-run expiry: output %q, set %v", e.out.String(), e.set4())
	}
	rep, err := e.respond(t, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.set4(), []string{"203.0.113.9/32"}; !slices.Equal(got, want) || rep.Unblocked != 1 {
		t.Errorf("after the TTL: set %v, want %v; report %+v", got, want, rep)
	}
	if len(e.state.Responses.Blocks) != 0 {
		t.Errorf("expired block still in the state: %+v", e.state.Responses.Blocks)
	}
	if !strings.Contains(e.audit.String(), `"action":"waf-ipset-remove"`) {
		t.Errorf("no audit line for the removal: %s", e.audit.String())
	}
}

// TestRespond_KillMidRun kills the run right after UpdateIPSet (the save
// that confirms the block fails), then reruns from the state on disk: the
// address is blocked once and recorded as hunt's, so it still expires.
func TestRespond_KillMidRun(t *testing.T) {
	for _, tc := range []struct {
		name string
		kill func(e *respondEnv)
	}{
		{"after the update", func(e *respondEnv) { e.failSave = 2 }},
		{"before the update", func(e *respondEnv) { e.fake.failUpdate = "WAFInternalErrorException" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newRespondEnv(t)
			tc.kill(e)
			f := floodFinding("f1", "198.51.100.77", "198.51.100.78")
			if _, err := e.respond(t, e.opts(true), f); err == nil {
				t.Fatal("killed run reported no error")
			}
			// A new process: the state from disk, the same findings.
			st, err := LoadState(e.path)
			if err != nil {
				t.Fatal(err)
			}
			e.state, e.failSave, e.fake.failUpdate, e.saves = st, 0, "", 0
			if _, err := e.respond(t, e.opts(true), f); err != nil {
				t.Fatal(err)
			}
			if got, want := e.set4(), []string{"203.0.113.9/32", "198.51.100.77/32", "198.51.100.78/32"}; !slices.Equal(got, want) {
				t.Errorf("set %v, want each address once: %v", got, want)
			}
			if n := len(e.state.Responses.Blocks); n != 2 {
				t.Errorf("state has %d blocks, want 2: %+v", n, e.state.Responses.Blocks)
			}
			e.now = respondT0.Add(DefaultBlockTTL)
			if _, err := e.respond(t, e.opts(true)); err != nil {
				t.Fatal(err)
			}
			if got, want := e.set4(), []string{"203.0.113.9/32"}; !slices.Equal(got, want) {
				t.Errorf("after the TTL: set %v, want %v", got, want)
			}
		})
	}
}

func TestRespond_IAM(t *testing.T) {
	e := newRespondEnv(t)
	opts := e.opts(false)
	opts.WAFSets = nil
	opts.Rules = map[string][]ResponseRule{
		"stolen_creds": {{Kind: RespondRevokeRoleSessions, Columns: []string{"actor"}}, {Kind: RespondDeactivateAccessKey, Columns: []string{"key", "user"}}},
	}
	f := Finding{ID: "f9", HuntID: "stolen_creds", Title: "Credentials used from two addresses", Severity: SeverityHigh, Resource: "r",
		FirstSeen: respondT0, LastSeen: respondT0, Evidence: []map[string]any{
			{"actor": "arn:aws:sts::111122223333:assumed-role/web-app/i-0abc", "key": "AKIAIOSFODNN7EXAMPLE", "user": "arn:aws:iam::111122223333:user/ops/alice"},
		}}
	// Not enabled: nothing, and it says so.
	if _, err := e.respond(t, opts, f); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.out.String(), "not enabled (--respond revoke-role-sessions)") || len(e.fake.iam) != 0 {
		t.Errorf("output %q, IAM calls %v", e.out.String(), e.fake.iam)
	}
	opts.RevokeRoleSessions, opts.DeactivateAccessKeys = true, true
	e.out.Reset()
	if _, err := e.respond(t, opts, f); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.out.String(), "would revoke the sessions of role web-app") || !strings.Contains(e.out.String(), "would deactivate access key AKIAIOSFODNN7EXAMPLE of user alice") || len(e.fake.iam) != 0 {
		t.Errorf("dry run: output %q, IAM calls %v", e.out.String(), e.fake.iam)
	}
	opts.Apply = true
	e.fake.faults = []string{"throttle:PutRolePolicy"}
	rep, err := e.respond(t, opts, f)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Revoked != 1 || rep.Deactivated != 1 || len(e.fake.iam) != 2 {
		t.Fatalf("report %+v, IAM calls %v", rep, e.fake.iam)
	}
	put, upd := e.fake.iam[0], e.fake.iam[1]
	if put.Get("RoleName") != "web-app" || put.Get("PolicyName") != "AWSRevokeOlderSessions" || put.Get("Version") != "2010-05-08" {
		t.Errorf("PutRolePolicy form %v", put)
	}
	var doc struct {
		Statement []struct {
			Effect    string
			Action    []string
			Resource  []string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(put.Get("PolicyDocument")), &doc); err != nil {
		t.Fatalf("policy %q: %v", put.Get("PolicyDocument"), err)
	}
	st := doc.Statement[0]
	if st.Effect != "Deny" || st.Action[0] != "*" || st.Resource[0] != "*" || st.Condition["DateLessThan"]["aws:TokenIssueTime"] != "2024-03-05T16:00:00.000Z" {
		t.Errorf("policy %s: want Deny * on * for tokens issued before %s", put.Get("PolicyDocument"), respondT0)
	}
	if upd.Get("AccessKeyId") != "AKIAIOSFODNN7EXAMPLE" || upd.Get("UserName") != "alice" || upd.Get("Status") != "Inactive" {
		t.Errorf("UpdateAccessKey form %v", upd)
	}
	if n := strings.Count(e.audit.String(), "\n"); n != 2 {
		t.Errorf("audit %q, want 2 lines", e.audit.String())
	}
	// Once per finding.
	if _, err := e.respond(t, opts, f); err != nil || len(e.fake.iam) != 2 {
		t.Errorf("rerun: err %v, IAM calls %d", err, len(e.fake.iam))
	}
}

func TestRespond_AuditToSNS(t *testing.T) {
	e := newRespondEnv(t)
	opts := e.opts(true)
	opts.AuditTopic = "arn:aws:sns:eu-west-1:111122223333:hunt-audit"
	if _, err := e.respond(t, opts, floodFinding("f1", "198.51.100.77")); err != nil {
		t.Fatal(err)
	}
	if len(e.fake.published) != 1 || !strings.Contains(e.fake.published[0], `"value":"198.51.100.77/32"`) {
		t.Errorf("SNS audit messages %q", e.fake.published)
	}
}

func TestNewResponder_Failure(t *testing.T) {
	_, cfg := newFakeAWS(t)
	for _, tc := range []struct {
		opts ResponseOptions
		want string
	}{
		{ResponseOptions{Apply: true}, "needs a state file"},
		{ResponseOptions{WAFSets: []string{"arn:aws:wafv2:eu-west-1:1:regional/webacl/x/y"}}, "expected the resource regional/ipset/NAME/ID"},
		{ResponseOptions{WAFSets: []string{"arn:aws:sns:eu-west-1:1:t"}}, "expected a WAFv2 IP set ARN"},
		{ResponseOptions{WAFSets: []string{testSet4, testSet4}}, "given twice"},
		{ResponseOptions{AuditTopic: "topic"}, "--audit"},
	} {
		if _, err := NewResponder(cfg, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err %v, want %q", tc.opts, err, tc.want)
		}
	}
}

func TestParseIPSetArn_Success(t *testing.T) {
	s, err := parseIPSetArn("arn:aws:wafv2:us-east-1:111122223333:global/ipset/edge/abcd")
	if err != nil || s.scope != "CLOUDFRONT" || s.region != "us-east-1" || s.name != "edge" || s.id != "abcd" {
		t.Errorf("%+v, %v", s, err)
	}
	s, err = parseIPSetArn(testSet4)
	if err != nil || s.scope != "REGIONAL" || s.region != "eu-west-1" || s.name != "hunt-block-v4" {
		t.Errorf("%+v, %v", s, err)
	}
}

func TestEvidenceValues(t *testing.T) {
	f := &Finding{Evidence: []map[string]any{{"a": "x", "b": "1"}, {"a": "x", "b": "1"}, {"a": "y", "b": "2"}, {"a": nil}, {"a": int64(3), "b": "3"}}}
	got, err := evidenceValues(f, []string{"a", "b"})
	if err != nil || len(got) != 2 || got[0][0] != "x" || got[1][1] != "2" {
		t.Errorf("got %v, %v; want the distinct text tuples (x 1) (y 2)", got, err)
	}
	if _, err := evidenceValues(f, []string{"srcaddr"}); err == nil || !strings.Contains(err.Error(), "expected evidence column(s) srcaddr") {
		t.Errorf("missing column: %v", err)
	}
}

func TestRoleName(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"web-app", "web-app", ""},
		{"arn:aws:iam::111122223333:role/path/to/web-app", "web-app", ""},
		{"arn:aws:sts::111122223333:assumed-role/web-app/session@x", "web-app", ""},
		{"arn:aws:iam::111122223333:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForELB", "", "service-linked"},
		{"arn:aws:iam::111122223333:user/alice", "", "expected a role ARN"},
		{"two words", "", "expected a role name"},
	} {
		got, err := roleName(tc.in)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("roleName(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestAccessKey(t *testing.T) {
	for _, tc := range []struct{ key, user, wantUser, err string }{
		{"AKIAIOSFODNN7EXAMPLE", "alice", "alice", ""},
		{"AKIAIOSFODNN7EXAMPLE", "arn:aws:iam::111122223333:user/ops/alice", "alice", ""},
		{"ASIAIOSFODNN7EXAMPLE", "alice", "", "temporary key"},
		{"AKIA", "alice", "", "expected an access key ID"},
		{"AKIAIOSFODNN7EXAMPLE", "arn:aws:iam::111122223333:role/r", "", "expected a user name"},
	} {
		_, user, err := accessKey(tc.key, tc.user)
		if user != tc.wantUser || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("accessKey(%q, %q) = %q, %v; want %q, %q", tc.key, tc.user, user, err, tc.wantUser, tc.err)
		}
	}
}

func TestStateResponses_RoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	// A state written before responses existed still loads.
	old := `{"format":"hunt-state","version":2,"updated_at":"2024-03-05T00:00:00Z","sources":{},"hunt_sets":{},"findings":{}}`
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := LoadState(path)
	if err != nil || s.Responses != nil {
		t.Fatalf("old state: %+v, %v", s, err)
	}
	s.responses().Blocks = append(s.Responses.Blocks, &BlockRecord{IPSet: testSet4, Address: "198.51.100.77/32", HuntID: "h", FindingID: "f", Reason: "r", IntendedAt: respondT0, AddedAt: respondT0})
	if err := s.Save(path, respondT0); err != nil {
		t.Fatal(err)
	}
	s2, err := LoadState(path)
	if err != nil || s2.Responses.block(testSet4, "198.51.100.77/32") == nil {
		t.Fatalf("reloaded %+v, %v", s2.Responses, err)
	}
}

// TestRespond_IAMFailedThenFinished: a revocation IAM refused stays
// intended in the state; the next run (with no new finding) makes it,
// with the token time first decided, once.
func TestRespond_IAMFailedThenFinished(t *testing.T) {
	e := newRespondEnv(t, "fail:PutRolePolicy")
	opts := e.opts(true)
	opts.WAFSets = nil
	opts.RevokeRoleSessions = true
	opts.Rules = map[string][]ResponseRule{"stolen_creds": {{Kind: RespondRevokeRoleSessions, Columns: []string{"actor"}}}}
	f := Finding{ID: "f9", HuntID: "stolen_creds", Title: "T", Severity: SeverityHigh, Resource: "r", FirstSeen: respondT0, LastSeen: respondT0,
		Evidence: []map[string]any{{"actor": "arn:aws:iam::111122223333:role/web-app"}}}
	if _, err := e.respond(t, opts, f); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("err %v, want IAM's refusal", err)
	}
	st, err := LoadState(e.path)
	if err != nil || st.Responses == nil || len(st.Responses.Actions) != 1 || !st.Responses.Actions[0].DoneAt.IsZero() {
		t.Fatalf("state after the failure: %+v, %v", st.Responses, err)
	}
	e.state = st
	e.now = respondT0.Add(time.Hour)
	if _, err := e.respond(t, opts); err != nil {
		t.Fatal(err)
	}
	if len(e.fake.iam) != 1 || !strings.Contains(e.fake.iam[0].Get("PolicyDocument"), `"aws:TokenIssueTime":"2024-03-05T16:00:00.000Z"`) {
		t.Fatalf("IAM calls %v", e.fake.iam)
	}
	if _, err := e.respond(t, opts, f); err != nil || len(e.fake.iam) != 1 {
		t.Errorf("third run: err %v, %d IAM calls, want still 1", err, len(e.fake.iam))
	}
}

// TestRespond_NeverRevokesItself: the role (or user) hunt runs as is never
// revoked nor deactivated, whatever a finding says.
func TestRespond_NeverRevokesItself(t *testing.T) {
	for _, tc := range []struct{ caller, actor, user string }{
		{"arn:aws:sts::111122223333:assumed-role/hunt-responder/run", "arn:aws:iam::111122223333:role/hunt-responder", "bob"},
		{"arn:aws:iam::111122223333:user/ops/alice", "other-role", "alice"},
	} {
		e := newRespondEnv(t)
		e.fake.caller = tc.caller
		opts := e.opts(true)
		opts.WAFSets = nil
		opts.RevokeRoleSessions, opts.DeactivateAccessKeys = true, true
		opts.Rules = map[string][]ResponseRule{"stolen_creds": {{Kind: RespondRevokeRoleSessions, Columns: []string{"actor"}}, {Kind: RespondDeactivateAccessKey, Columns: []string{"key", "user"}}}}
		f := Finding{ID: "f9", HuntID: "stolen_creds", Title: "T", Severity: SeverityHigh, Resource: "r", FirstSeen: respondT0, LastSeen: respondT0,
			Evidence: []map[string]any{{"actor": tc.actor, "key": "AKIAIOSFODNN7EXAMPLE", "user": tc.user}}}
		rep, err := e.respond(t, opts, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.fake.iam) != 1 || len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0], "is the identity hunt runs as") {
			t.Errorf("caller %s: IAM calls %v, skipped %q; want only the other response made", tc.caller, e.fake.iam, rep.Skipped)
		}
	}
}
