package findings

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// sinkFinding returns a valid finding numbered i, with two evidence rows.
func sinkFinding(i int) Finding {
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	return Finding{
		ID:           fmt.Sprintf("f%04d-5f1c2a", i),
		HuntID:       "sg_open_world",
		Title:        fmt.Sprintf("Security group opened to the world (%d)", i),
		Description:  "AuthorizeSecurityGroupIngress opened port 22 to 0.0.0.0/0.",
		Severity:     SeverityHigh,
		Tactics:      []string{"TA0005", "TA0001"},
		Techniques:   []string{"T1562.007"},
		Resource:     fmt.Sprintf("sg-%08d", i),
		ResourceType: "AwsEc2SecurityGroup",
		Actor:        "arn:aws:iam::111122223333:user/alice",
		Account:      "111122223333",
		Region:       "us-east-1",
		FirstSeen:    t0,
		LastSeen:     t0.Add(time.Minute),
		Count:        2,
		Evidence: []map[string]any{
			{"eventname": "AuthorizeSecurityGroupIngress", "sourceipaddress": "198.51.100.7"},
			{"eventname": "AuthorizeSecurityGroupIngress", "sourceipaddress": "198.51.100.8"},
		},
		Sources:     []string{"s3://trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/x.json.gz"},
		Remediation: "Remove the 0.0.0.0/0 rule.",
		References:  []string{"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"},
		Table:       "cloudtrail_logs",
	}
}

func sinkFindings(n int) []Finding {
	fs := make([]Finding, n)
	for i := range fs {
		fs[i] = sinkFinding(i)
	}
	return fs
}

func TestOpenSinks_Success(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	specs := []string{"stdout", "file:" + filepath.Join(dir, "f.jsonl"), "ocsf:" + filepath.Join(dir, "f.ocsf.jsonl")}
	sinks, err := OpenSinks(context.Background(), specs, SinkOptions{Stdout: &out})
	if err != nil {
		t.Fatalf("OpenSinks(%q): %v", specs, err)
	}
	var names []string
	for _, s := range sinks {
		names = append(names, s.Name())
	}
	if got, want := strings.Join(names, " "), strings.Join(specs, " "); got != want {
		t.Fatalf("got names %q; want %q", got, want)
	}
}

func TestOpenSinks_Failure(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		specs []string
		want  string
	}{
		{[]string{"kafka:x"}, `expected stdout, file:PATH`},
		{[]string{"stdout:x"}, `found an argument "x"`},
		{[]string{"file:"}, "expected a file path"},
		{[]string{"file:" + filepath.Join(dir, "nope", "f.jsonl")}, "cannot use directory"},
		{[]string{"file:" + dir}, "expected a file, found a directory"},
		{[]string{"stdout", "stdout"}, "given twice"},
	}
	for _, tt := range tests {
		_, err := OpenSinks(context.Background(), tt.specs, SinkOptions{Stdout: &bytes.Buffer{}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("OpenSinks(%q): got %v; want error containing %q", tt.specs, err, tt.want)
		}
	}
}

func TestSendErrorMessage(t *testing.T) {
	e := &SendError{Sink: "sns:arn", Rejected: []Rejection{
		{ID: "a", Code: "Throttled", Message: "Rate exceeded"},
		{ID: "b", Code: "InvalidParameter"},
		{ID: "c", Code: "NotSent"},
		{ID: "d", Code: "NotSent"},
		{ID: "e", Code: "NotSent"},
	}, Err: context.Canceled}
	want := "sns:arn: 5 finding(s) not accepted; a: Throttled: Rate exceeded; b: InvalidParameter; c: NotSent; and 2 more (stopped: context canceled)"
	if got := e.Error(); got != want {
		t.Fatalf("got %q; want %q", got, want)
	}
	if !errors.Is(e, context.Canceled) {
		t.Fatalf("errors.Is(%v, context.Canceled) = false; want true", e)
	}
	if err := sendErr("x", nil, nil); err != nil {
		t.Fatalf("sendErr with nothing rejected: got %v; want nil", err)
	}
}

func TestAcceptedSetPending(t *testing.T) {
	s := acceptedSet{}
	s.add("f0001-5f1c2a")
	bad := sinkFinding(3)
	bad.Severity = "SEVERE"
	fs := []Finding{sinkFinding(0), sinkFinding(1), sinkFinding(0), sinkFinding(1), bad}
	todo, already, rejected := s.pending(fs)
	if len(todo) != 1 || todo[0].ID != "f0000-5f1c2a" {
		t.Errorf("got todo %v; want only f0000-5f1c2a", todo)
	}
	if len(already) != 1 || already[0] != "f0001-5f1c2a" {
		t.Errorf("got already %q; want [f0001-5f1c2a]", already)
	}
	if len(rejected) != 1 || rejected[0].ID != bad.ID || rejected[0].Code != "Invalid" || !rejected[0].IsPermanent {
		t.Errorf("got rejected %+v; want %s Invalid permanent", rejected, bad.ID)
	}
}

func TestBackoff(t *testing.T) {
	for n := 1; n < 70; n++ {
		for range 20 {
			if d := backoff(n, time.Second); d < 0 || d > time.Second {
				t.Fatalf("backoff(%d, 1s) = %v; want within [0, 1s]", n, d)
			}
		}
	}
	if d := backoff(1, time.Hour); d > 100*time.Millisecond {
		t.Fatalf("backoff(1, 1h) = %v; want <= 100ms", d)
	}
}

func TestSleepCtx(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v; want context.Canceled", err)
	}
	if err := sleepCtx(context.Background(), time.Microsecond); err != nil {
		t.Fatalf("got %v; want nil", err)
	}
}

func TestTruncateBytes(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"hello", 5, "hello"},
		{"hello", 4, "h…"},
		{"héllo", 5, "h…"},
		{"日本語", 6, "日…"},
		{"日本語", 2, ""},
	}
	for _, tt := range tests {
		if got := truncateBytes(tt.s, tt.n); got != tt.want || len(got) > tt.n {
			t.Errorf("truncateBytes(%q, %d) = %q; want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

// TestOpenSinksAWS wires SNS, STS and Security Hub through OpenSinks, the
// SDK's default configuration chain and one endpoint override, as
// `hunt run --endpoint-url` would against LocalStack.
func TestOpenSinksAWS(t *testing.T) {
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"),
		"AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_SNS": "", "AWS_ENDPOINT_URL_SECURITYHUB": "", "AWS_ENDPOINT_URL_STS": "",
	} {
		t.Setenv(k, v)
	}
	fakeSNS, _ := newFakeSNS(t, false, "throttle400")
	fakeSH, _ := newFakeSecurityHub(t)
	var stsCalls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/findings/import" {
			fakeSH.ServeHTTP(w, r)
			return
		}
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		if r.PostForm.Get("Action") == "GetCallerIdentity" {
			stsCalls.Add(1)
			w.Header().Set("Content-Type", "text/xml")
			fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`+
				`<Arn>arn:aws:iam::111122223333:user/hunt</Arn><UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account>`+
				`</GetCallerIdentityResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
			return
		}
		fakeSNS.ServeHTTP(w, r)
	}))
	defer srv.Close()

	opts := SinkOptions{EndpointURL: srv.URL, MaxBackoff: time.Millisecond, Stdout: &bytes.Buffer{}}
	sinks, err := OpenSinks(context.Background(), []string{"sns:" + testTopic, "securityhub"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if stsCalls.Load() != 1 || sinks[1].Name() != "securityhub:us-east-1" {
		t.Fatalf("got %d STS calls, sink %s; want 1, securityhub:us-east-1", stsCalls.Load(), sinks[1].Name())
	}
	fs := sinkFindings(3)
	for _, s := range sinks {
		accepted, err := s.Send(context.Background(), fs)
		if err != nil || len(accepted) != 3 {
			t.Fatalf("%s: got %q, %v; want 3 accepted", s.Name(), accepted, err)
		}
	}
	if fakeSNS.requests != 2 || len(fakeSH.store) != 3 {
		t.Fatalf("got %d SNS requests (want 2: throttled, retried), %d Security Hub findings (want 3)", fakeSNS.requests, len(fakeSH.store))
	}

	// A dry run needs no credentials and makes no call.
	opts.DryRun = true
	if _, err := OpenSinks(context.Background(), []string{"securityhub:eu-west-1"}, opts); err != nil || stsCalls.Load() != 1 {
		t.Fatalf("dry run: got %v, %d STS calls; want nil, no new call", err, stsCalls.Load())
	}
}

// newHangingServer returns a server that never answers: each request waits
// until the client gives up or the test ends.
func newHangingServer(t *testing.T) *httptest.Server {
	release := make(chan struct{})
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // before Close, which waits for handlers
	return srv
}

// TestSinkCallTimeout: an endpoint that never answers does not hold a
// Send (and the run's state lock) forever: each call gives up after
// SinkOptions.CallTimeout, the findings are rejected (Timeout, then
// NotSent) and stay pending; cancelling the context (SIGINT) ends a Send
// at once even with a long timeout.
func TestSinkCallTimeout(t *testing.T) {
	if d := (SinkOptions{}).withDefaults().CallTimeout; d != 30*time.Second {
		t.Fatalf("default CallTimeout: got %v; want 30s", d)
	}
	srv := newHangingServer(t)
	sinks := func(opts SinkOptions) []Sink {
		return []Sink{
			testSNSSink(t, srv, testTopic, opts),
			testSecurityHubSink(t, srv, testProductArn, opts),
		}
	}
	for _, s := range sinks(SinkOptions{CallTimeout: 100 * time.Millisecond}) {
		start := time.Now()
		accepted, err := s.Send(context.Background(), sinkFindings(15))
		var se *SendError
		if !errors.As(err, &se) || len(accepted) != 0 || len(se.Rejected) != 15 {
			t.Fatalf("%s: got %q, %v; want nothing accepted, 15 rejected", s.Name(), accepted, err)
		}
		if se.Rejected[0].Code != "Timeout" || !strings.Contains(se.Rejected[0].Message, "no answer within 100ms") {
			t.Errorf("%s: got %+v; want code Timeout, no answer within 100ms", s.Name(), se.Rejected[0])
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: Send took %v with a 100ms call timeout", s.Name(), d)
		}
	}
	for _, s := range sinks(SinkOptions{}) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		accepted, err := s.Send(ctx, sinkFindings(3))
		if !errors.Is(err, context.Canceled) || len(accepted) != 0 {
			t.Errorf("%s: got %q, %v; want nothing accepted, context.Canceled", s.Name(), accepted, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: Send took %v after cancellation", s.Name(), d)
		}
		cancel()
	}
}
