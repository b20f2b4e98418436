package findings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
)

const (
	testCaller     = "111122223333"
	testProductArn = "arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default"
)

// fakeSecurityHub decodes BatchImportFindings in Security Hub's REST-JSON
// protocol, validates every required ASFF field and limit, keeps findings
// keyed by (ProductArn, Id) with Security Hub's UpdatedAt rule, injects
// faults and answers like Security Hub.
type fakeSecurityHub struct {
	t *testing.T

	mu sync.Mutex
	// faults are consumed one per request: "" ok, "throttle" (429
	// TooManyRequestsException), "limit" (429 LimitExceededException),
	// "500" (InternalException), "partial" (some findings fail with
	// InternalException), "invalid:ID" (ID fails with InvalidInput),
	// "lost" (imported, then answered 500).
	faults    []string
	rng       *rand.Rand
	requests  int
	batches   [][]string                // finding IDs per request
	store     map[string]map[string]any // ProductArn|Id → stored finding
	creates   map[string]int            // Id → findings created
	updates   map[string]int            // Id → updates applied
	answered  map[string]bool           // imported and answered successfully
	violation []string
	// served, when set, is sent the number of each request as it is
	// answered (without blocking).
	served chan int
}

func newFakeSecurityHub(t *testing.T, faults ...string) (*fakeSecurityHub, *httptest.Server) {
	f := &fakeSecurityHub{
		t: t, faults: faults, rng: rand.New(rand.NewPCG(3, 4)),
		store: map[string]map[string]any{}, creates: map[string]int{}, updates: map[string]int{},
		answered: map[string]bool{},
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func testSecurityHubSink(t *testing.T, srv *httptest.Server, productArn string, opts SinkOptions) *SecurityHubSink {
	t.Helper()
	opts.MaxBackoff = time.Millisecond
	client := securityhub.New(securityhub.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      newRetryer(opts),
		HTTPClient:   srv.Client(),
	})
	s, err := NewSecurityHubSink(client, productArn, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *fakeSecurityHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	if f.served != nil {
		defer func(n int) {
			select {
			case f.served <- n:
			default:
			}
		}(f.requests)
	}
	if r.Method != http.MethodPost || r.URL.Path != "/findings/import" {
		f.t.Errorf("got %s %s; want POST /findings/import", r.Method, r.URL.Path)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		f.t.Errorf("got Content-Type %q; want application/json", ct)
	}
	if a := r.Header.Get("Authorization"); !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.Contains(a, "/us-east-1/securityhub/aws4_request") {
		f.t.Errorf("got Authorization %q; want SigV4 for securityhub in us-east-1", a)
	}
	body, _ := io.ReadAll(r.Body)
	if len(body) > 6<<20 {
		f.t.Errorf("request of %d bytes; want at most 6 MB", len(body))
	}
	var req struct {
		Findings []json.RawMessage
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		f.t.Errorf("cannot decode request %.200s: %v", body, err)
	}
	if n := len(req.Findings); n < 1 || n > 100 {
		f.t.Errorf("got %d findings; want 1-100", n)
	}
	type failure struct{ Id, ErrorCode, ErrorMessage string }
	var (
		failed []failure
		ids    []string
		fault  string
	)
	if len(f.faults) > 0 {
		fault, f.faults = f.faults[0], f.faults[1:]
	}
	switch fault {
	case "throttle":
		writeSecurityHubError(w, 429, "TooManyRequestsException", "Rate exceeded")
		return
	case "limit":
		writeSecurityHubError(w, 429, "LimitExceededException", "Rate exceeded")
		return
	case "500":
		writeSecurityHubError(w, 500, "InternalException", "internal error")
		return
	}
	for _, raw := range req.Findings {
		var fd map[string]any
		if err := json.Unmarshal(raw, &fd); err != nil {
			f.t.Fatal(err)
		}
		id, _ := fd["Id"].(string)
		ids = append(ids, id)
		if f.answered[id] {
			f.violation = append(f.violation, id)
		}
		if errs := validateASFF(fd, len(raw)); len(errs) > 0 {
			for _, e := range errs {
				f.t.Errorf("finding %s: %s", id, e)
			}
			failed = append(failed, failure{id, "InvalidInput", strings.Join(errs, "; ")})
			continue
		}
		switch {
		case fault == "partial" && f.rng.IntN(2) == 0:
			failed = append(failed, failure{id, "InternalException", "try again"})
			continue
		case fault == "invalid:"+id:
			failed = append(failed, failure{id, "InvalidInput", "Finding does not adhere to ASFF"})
			continue
		}
		key := fd["ProductArn"].(string) + "|" + id
		if old, ok := f.store[key]; !ok {
			if fd["CreatedAt"] != fd["UpdatedAt"] {
				f.t.Errorf("finding %s: first import with CreatedAt %v, UpdatedAt %v; want them equal", id, fd["CreatedAt"], fd["UpdatedAt"])
			}
			f.store[key] = fd
			f.creates[id]++
		} else if fd["UpdatedAt"].(string) > old["UpdatedAt"].(string) { // same format: lexical = time order
			f.store[key] = fd
			f.updates[id]++
		} // else: not later, silently ignored but counted as success
		if fault != "lost" {
			f.answered[id] = true
		}
	}
	f.batches = append(f.batches, ids)
	if fault == "lost" {
		writeSecurityHubError(w, 500, "InternalException", "response lost")
		return
	}
	if failed == nil {
		failed = []failure{}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"FailedCount":    len(failed),
		"SuccessCount":   len(req.Findings) - len(failed),
		"FailedFindings": failed,
	})
}

func writeSecurityHubError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"Code":%q,"Message":%q}`, code, msg)
}

var (
	asffProductArnRe = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):securityhub:([a-z0-9-]+):(\d{12}):product/(\d{12})/default$`)
	asffTypeRe       = regexp.MustCompile(`^(Software and Configuration Checks|TTPs|Effects|Unusual Behaviors|Sensitive Data Identifications)(/[^/]+){0,2}$`)
	asffTypeCats     = map[string]map[string]bool{
		"TTPs": {"Initial Access": true, "Execution": true, "Persistence": true, "Privilege Escalation": true,
			"Defense Evasion": true, "Credential Access": true, "Discovery": true, "Lateral Movement": true,
			"Collection": true, "Command and Control": true},
		"Effects": {"Data Exposure": true, "Data Exfiltration": true, "Data Destruction": true,
			"Denial of Service": true, "Resource Consumption": true},
		"Unusual Behaviors": {"Application": true, "Network Flow": true, "IP address": true, "User": true,
			"VM": true, "Container": true, "Serverless": true, "Process": true, "Database": true, "Data": true},
	}
	asffLabels = map[string]bool{"INFORMATIONAL": true, "LOW": true, "MEDIUM": true, "HIGH": true, "CRITICAL": true}
)

// validateASFF checks one imported finding against asff.md: required
// attributes, patterns, lengths and counts.
func validateASFF(fd map[string]any, size int) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	str := func(k string, lo, hi int) string {
		v, ok := fd[k].(string)
		if !ok {
			bad("%s: missing", k)
			return ""
		}
		if n := utf8.RuneCountInString(v); n < lo || n > hi {
			bad("%s: %d characters; want %d-%d", k, n, lo, hi)
		}
		return v
	}
	if size > 240_000 {
		bad("%d bytes; want at most 240 KB", size)
	}
	if v := str("SchemaVersion", 1, 64); v != "2018-10-08" {
		bad("SchemaVersion %q", v)
	}
	str("Id", 1, 512)
	str("GeneratorId", 1, 512)
	str("Title", 1, 256)
	str("Description", 1, 1024)
	m := asffProductArnRe.FindStringSubmatch(str("ProductArn", 12, 2048))
	if m == nil || m[2] != "us-east-1" || m[3] != testCaller || m[4] != testCaller {
		bad("ProductArn %q: want the us-east-1 custom integration of %s", fd["ProductArn"], testCaller)
	}
	if v := str("AwsAccountId", 12, 12); v != testCaller {
		bad("AwsAccountId %q: want the caller %s", v, testCaller)
	}
	times := map[string]time.Time{}
	for _, k := range []string{"CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt"} {
		t, err := time.Parse(time.RFC3339Nano, str(k, 1, 64))
		if err != nil {
			bad("%s: %v", k, err)
		}
		times[k] = t
	}
	if times["UpdatedAt"].Before(times["CreatedAt"]) {
		bad("UpdatedAt %v before CreatedAt %v", times["UpdatedAt"], times["CreatedAt"])
	}
	if times["LastObservedAt"].Before(times["FirstObservedAt"]) {
		bad("LastObservedAt before FirstObservedAt")
	}
	sev, _ := fd["Severity"].(map[string]any)
	if !asffLabels[fmt.Sprint(sev["Label"])] {
		bad("Severity.Label %v", sev["Label"])
	}
	checkTypes := func(name string, v any) {
		ts, _ := v.([]any)
		if len(ts) < 1 || len(ts) > 50 {
			bad("%s: %d; want 1-50", name, len(ts))
		}
		for _, t := range ts {
			s, _ := t.(string)
			if !asffTypeRe.MatchString(s) {
				bad("%s: %q not namespace/category/classifier", name, s)
				continue
			}
			parts := strings.Split(s, "/")
			if cats := asffTypeCats[parts[0]]; cats != nil && len(parts) > 1 && !cats[parts[1]] {
				bad("%s: %q: unknown category", name, s)
			}
		}
	}
	checkTypes("Types", fd["Types"])
	fpf, _ := fd["FindingProviderFields"].(map[string]any)
	checkTypes("FindingProviderFields.Types", fpf["Types"])
	if fsev, _ := fpf["Severity"].(map[string]any); !asffLabels[fmt.Sprint(fsev["Label"])] {
		bad("FindingProviderFields.Severity.Label %v", fsev)
	}
	res, _ := fd["Resources"].([]any)
	if len(res) < 1 || len(res) > 32 {
		bad("Resources: %d; want 1-32", len(res))
	}
	for i, r := range res {
		rm, _ := r.(map[string]any)
		typ, _ := rm["Type"].(string)
		id, _ := rm["Id"].(string)
		if typ == "" || id == "" || (typ != "Other" && !asffResourceTypes()[typ]) || utf8.RuneCountInString(id) > 512 {
			bad("Resources[%d]: Type %q Id %q", i, typ, id)
		}
		if strings.HasPrefix(id, "arn:") && strings.Contains(id, ":sts:") && typ == "AwsIamRole" {
			bad("Resources[%d]: role identified by its session %q; want the role's ARN", i, id)
		}
		if p, ok := rm["Partition"]; ok && p != "aws" && p != "aws-cn" && p != "aws-us-gov" {
			bad("Resources[%d]: Partition %v", i, p)
		}
	}
	pf, _ := fd["ProductFields"].(map[string]any)
	if len(pf) > 47 { // Security Hub adds up to 3 aws/securityhub/... keys to the 50
		bad("ProductFields: %d pairs; want at most 47", len(pf))
	}
	for k, v := range pf {
		s, _ := v.(string)
		if utf8.RuneCountInString(k) > 128 || utf8.RuneCountInString(s) > 2048 {
			bad("ProductFields %q: key %d, value %d characters; want at most 128, 2048", k, len(k), len(s))
		}
		if strings.HasPrefix(k, "hunt/Evidence/") && !json.Valid([]byte(s)) {
			bad("ProductFields %q: not JSON: %.60s...", k, s)
		}
	}
	if rem, ok := fd["Remediation"].(map[string]any); ok {
		rec, _ := rem["Recommendation"].(map[string]any)
		if s, _ := rec["Text"].(string); utf8.RuneCountInString(s) > 512 {
			bad("Remediation.Recommendation.Text: %d characters; want at most 512", len(s))
		}
	}
	// Every string attribute matches .*\S.*.
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case string:
			if strings.TrimSpace(x) == "" {
				bad("%s: blank string", path)
			}
		case map[string]any:
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	walk("", fd)
	return errs
}

// stored returns the stored finding with id under the test product ARN.
func (f *fakeSecurityHub) stored(id string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.store[testProductArn+"|"+id]
}

func TestSecurityHubSinkASFF(t *testing.T) {
	fake, srv := newFakeSecurityHub(t)
	now := time.Date(2024, 5, 2, 8, 0, 0, 0, time.UTC)
	s := testSecurityHubSink(t, srv, testProductArn, SinkOptions{Now: func() time.Time { return now }})
	f := sinkFinding(1)
	accepted, err := s.Send(context.Background(), []Finding{f})
	if err != nil || len(accepted) != 1 {
		t.Fatalf("got %q, %v; want 1 accepted", accepted, err)
	}
	got, _ := json.Marshal(fake.stored(f.ID))
	want := `{"AwsAccountId":"111122223333","CompanyName":"hunt","CreatedAt":"2024-05-02T08:00:00.000Z",` +
		`"Description":"AuthorizeSecurityGroupIngress opened port 22 to 0.0.0.0/0.",` +
		`"FindingProviderFields":{"Severity":{"Label":"HIGH","Original":"HIGH"},"Types":["TTPs/Defense Evasion","TTPs/Initial Access"]},` +
		`"FirstObservedAt":"2024-05-01T10:00:00.000Z","GeneratorId":"sg_open_world","Id":"f0001-5f1c2a",` +
		`"LastObservedAt":"2024-05-01T10:01:00.000Z",` +
		`"ProductArn":"arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default",` +
		`"ProductFields":{"hunt/Account":"111122223333","hunt/Actor":"arn:aws:iam::111122223333:user/alice","hunt/Count":"2",` +
		`"hunt/Evidence/01":"{\"eventname\":\"AuthorizeSecurityGroupIngress\",\"sourceipaddress\":\"198.51.100.7\"}",` +
		`"hunt/Evidence/02":"{\"eventname\":\"AuthorizeSecurityGroupIngress\",\"sourceipaddress\":\"198.51.100.8\"}",` +
		`"hunt/EvidenceRows":"2 of 2","hunt/FindingId":"f0001-5f1c2a","hunt/HuntId":"sg_open_world","hunt/Region":"us-east-1",` +
		`"hunt/Resource":"sg-00000001","hunt/ResourceType":"AwsEc2SecurityGroup",` +
		`"hunt/Sources":"s3://trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/x.json.gz","hunt/Table":"cloudtrail_logs",` +
		`"hunt/Tactics":"TA0005,TA0001","hunt/Techniques":"T1562.007"},"ProductName":"hunt","RecordState":"ACTIVE",` +
		`"Remediation":{"Recommendation":{"Text":"Remove the 0.0.0.0/0 rule.","Url":"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"}},` +
		`"Resources":[{"Id":"arn:aws:ec2:us-east-1:111122223333:security-group/sg-00000001","Partition":"aws","Region":"us-east-1","ResourceRole":"Target","Type":"AwsEc2SecurityGroup"},` +
		`{"Id":"arn:aws:iam::111122223333:user/alice","Partition":"aws","Region":"us-east-1","ResourceRole":"Actor","Type":"AwsIamUser"}],` +
		`"SchemaVersion":"2018-10-08","Severity":{"Label":"HIGH","Original":"HIGH"},"Title":"Security group opened to the world (1)",` +
		`"Types":["TTPs/Defense Evasion","TTPs/Initial Access"],"UpdatedAt":"2024-05-02T08:00:00.000Z"}`
	if string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// A finding sent again by a later run (without state) updates the same
// Security Hub finding: same Id, later UpdatedAt, count grown.
func TestSecurityHubSinkUpdate(t *testing.T) {
	fake, srv := newFakeSecurityHub(t)
	f := sinkFinding(1)
	t1 := time.Date(2024, 5, 2, 8, 0, 0, 0, time.UTC)
	run1 := testSecurityHubSink(t, srv, testProductArn, SinkOptions{Now: func() time.Time { return t1 }})
	if _, err := run1.Send(context.Background(), []Finding{f}); err != nil {
		t.Fatal(err)
	}
	if got := fake.stored(f.ID); got["CreatedAt"] != "2024-05-02T08:00:00.000Z" || got["UpdatedAt"] != got["CreatedAt"] {
		t.Fatalf("first import: CreatedAt %v, UpdatedAt %v; want both the time of the send", got["CreatedAt"], got["UpdatedAt"])
	}
	f.Count, f.LastSeen = 5, f.LastSeen.Add(time.Hour)
	run2 := testSecurityHubSink(t, srv, testProductArn, SinkOptions{Now: func() time.Time { return t1.Add(24 * time.Hour) }})
	if _, err := run2.Send(context.Background(), []Finding{f}); err != nil {
		t.Fatal(err)
	}
	got := fake.stored(f.ID)
	pf := got["ProductFields"].(map[string]any)
	if fake.creates[f.ID] != 1 || fake.updates[f.ID] != 1 || len(fake.store) != 1 {
		t.Fatalf("got %d creates, %d updates, %d stored; want 1, 1, 1", fake.creates[f.ID], fake.updates[f.ID], len(fake.store))
	}
	if got["CreatedAt"] != "2024-05-03T08:00:00.000Z" || got["UpdatedAt"] != "2024-05-03T08:00:00.000Z" ||
		got["LastObservedAt"] != "2024-05-01T11:01:00.000Z" || pf["hunt/Count"] != "5" {
		t.Fatalf("got CreatedAt %v UpdatedAt %v LastObservedAt %v count %v", got["CreatedAt"], got["UpdatedAt"], got["LastObservedAt"], pf["hunt/Count"])
	}
	// The same run sending it again sends nothing.
	before := fake.requests
	if accepted, err := run2.Send(context.Background(), []Finding{f}); err != nil || len(accepted) != 1 || fake.requests != before {
		t.Fatalf("re-send in the same run: got %q, %v, %d requests; want accepted without a request", accepted, err, fake.requests-before)
	}
}

func TestSecurityHubSinkLimits(t *testing.T) {
	fake, srv := newFakeSecurityHub(t)
	s := testSecurityHubSink(t, srv, testProductArn, SinkOptions{})
	f := sinkFinding(1)
	f.Title = strings.Repeat("T", 400)
	f.Description = strings.Repeat("ü", 3000)
	f.Remediation = strings.Repeat("r", 900)
	f.Count = 1000
	f.EvidenceTruncated = true
	f.Evidence = nil
	for i := range 100 {
		f.Evidence = append(f.Evidence, map[string]any{"i": i, "requestparameters": strings.Repeat("x", 2000)})
	}
	for i := range 500 {
		f.Sources = append(f.Sources, fmt.Sprintf("s3://trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/%04d.json.gz", i))
	}
	if _, err := s.Send(context.Background(), []Finding{f}); err != nil {
		t.Fatal(err) // validateASFF reports any limit broken
	}
	pf := fake.stored(f.ID)["ProductFields"].(map[string]any)
	if len(pf) != 45 || pf["hunt/EvidenceRows"] != "32 of 100; 68 dropped (the hunt kept 100 of 1000 events)" {
		t.Fatalf("got %d ProductFields, EvidenceRows %q; want 45, 32 of 100", len(pf), pf["hunt/EvidenceRows"])
	}
}

func TestSecurityHubSinkBatching(t *testing.T) {
	fake, srv := newFakeSecurityHub(t)
	s := testSecurityHubSink(t, srv, testProductArn, SinkOptions{})
	accepted, err := s.Send(context.Background(), sinkFindings(250))
	if err != nil || len(accepted) != 250 {
		t.Fatalf("got %d accepted, %v; want 250", len(accepted), err)
	}
	if len(fake.batches) != 3 || len(fake.batches[0]) != 100 || len(fake.batches[2]) != 50 {
		t.Fatalf("got %d calls; want 100+100+50", len(fake.batches))
	}

	// Findings near the per-finding limit are split by request size.
	fake, srv = newFakeSecurityHub(t)
	s = testSecurityHubSink(t, srv, testProductArn, SinkOptions{})
	fs := sinkFindings(100)
	for i := range fs {
		for r := range 40 {
			fs[i].Evidence = append(fs[i].Evidence, map[string]any{"r": r, "v": strings.Repeat("y", 2000)})
		}
	}
	if accepted, err := s.Send(context.Background(), fs); err != nil || len(accepted) != 100 {
		t.Fatalf("got %d accepted, %v; want 100", len(accepted), err)
	}
	if len(fake.batches) < 2 {
		t.Fatalf("got %d calls; want the 100 large findings split by size", len(fake.batches))
	}
}

func TestSecurityHubSinkRetries(t *testing.T) {
	fake, srv := newFakeSecurityHub(t, "throttle", "limit", "500")
	s := testSecurityHubSink(t, srv, testProductArn, SinkOptions{})
	accepted, err := s.Send(context.Background(), sinkFindings(3))
	if err != nil || len(accepted) != 3 {
		t.Fatalf("got %q, %v; want 3 accepted", accepted, err)
	}
	if fake.requests != 4 {
		t.Fatalf("got %d requests; want 4 (3 faults retried by the SDK retryer)", fake.requests)
	}
}

func TestSecurityHubSinkPartialFailure(t *testing.T) {
	fs := sinkFindings(20)
	fake, srv := newFakeSecurityHub(t, "partial")
	s := testSecurityHubSink(t, srv, testProductArn, SinkOptions{})
	accepted, err := s.Send(context.Background(), fs)
	if err != nil || len(accepted) != 20 {
		t.Fatalf("got %d accepted, %v; want 20", len(accepted), err)
	}
	if len(fake.batches) != 2 || len(fake.batches[1]) == 0 || len(fake.batches[1]) >= 20 {
		t.Fatalf("got batches of %d; want a second call with only the failed findings", len(fake.batches))
	}
	for _, id := range fake.batches[1] {
		if fake.creates[id] != 1 {
			t.Errorf("%s created %d times", id, fake.creates[id])
		}
	}
	if len(fake.violation) > 0 {
		t.Fatalf("re-sent after acceptance: %q", fake.violation)
	}

	fake, srv = newFakeSecurityHub(t, "invalid:"+fs[4].ID)
	s = testSecurityHubSink(t, srv, testProductArn, SinkOptions{})
	accepted, err = s.Send(context.Background(), fs)
	var se *SendError
	if !errors.As(err, &se) || len(accepted) != 19 || len(se.Rejected) != 1 || se.Err != nil {
		t.Fatalf("got %d accepted, %v; want 19 accepted, 1 rejected", len(accepted), err)
	}
	if r := se.Rejected[0]; r.ID != fs[4].ID || r.Code != "InvalidInput" || !r.IsPermanent || fake.requests != 1 {
		t.Fatalf("got %+v after %d requests; want %s InvalidInput permanent, not retried", r, fake.requests, fs[4].ID)
	}
}

func TestSecurityHubSinkCrossAccount(t *testing.T) {
	fake, srv := newFakeSecurityHub(t)
	s := testSecurityHubSink(t, srv, testProductArn, SinkOptions{})
	f := sinkFinding(1)
	f.Account = "444455556666"
	f.Resource, f.ResourceType = "deploy", "AwsIamRole"
	f.Actor = "203.0.113.9"
	if _, err := s.Send(context.Background(), []Finding{f}); err != nil {
		t.Fatal(err)
	}
	got := fake.stored(f.ID)
	res := got["Resources"].([]any)
	r0, r1 := res[0].(map[string]any), res[1].(map[string]any)
	if got["AwsAccountId"] != testCaller || got["ProductFields"].(map[string]any)["hunt/Account"] != "444455556666" ||
		r0["Id"] != "arn:aws:iam::444455556666:role/deploy" || r1["Type"] != "AwsAccount" || r1["Id"] != "AWS::::Account:444455556666" || len(res) != 2 {
		t.Fatalf("got AwsAccountId %v, resources %v", got["AwsAccountId"], res)
	}
}

func TestSecurityHubSinkCallError(t *testing.T) {
	fake, srv := newFakeSecurityHub(t, "500", "500", "500", "500", "500")
	s := testSecurityHubSink(t, srv, testProductArn, SinkOptions{})
	accepted, err := s.Send(context.Background(), sinkFindings(150))
	var se *SendError
	if !errors.As(err, &se) || len(accepted) != 0 || len(se.Rejected) != 150 || se.Err == nil {
		t.Fatalf("got %d accepted, %v; want none, 150 rejected, stopped", len(accepted), err)
	}
	if se.Rejected[0].Code != "InternalException" || se.Rejected[149].Code != "NotSent" || fake.requests != 5 {
		t.Fatalf("got %s, %s after %d requests; want InternalException, NotSent after 5", se.Rejected[0].Code, se.Rejected[149].Code, fake.requests)
	}
}

func TestSecurityHubSinkCanceled(t *testing.T) {
	throttled := make([]string, 100)
	for i := range throttled {
		throttled[i] = "throttle"
	}
	fake, srv := newFakeSecurityHub(t, throttled...)
	fake.served = make(chan int, 1)
	s := testSecurityHubSink(t, srv, testProductArn, SinkOptions{})
	// Real backoff (throttling waits about a second) and many attempts: only
	// the context can end this Send quickly.
	s.client = securityhub.New(s.client.Options(), func(o *securityhub.Options) {
		o.Retryer = newRetryer(SinkOptions{MaxAttempts: 50, MaxBackoff: time.Hour})
	})
	// Cancel once the first throttled request is answered, not after a fixed
	// time: on a loaded machine a timer may fire before any request is made.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var canceledAt time.Time
	go func() {
		select {
		case <-fake.served:
		case <-time.After(30 * time.Second):
		}
		canceledAt = time.Now()
		cancel()
	}()
	accepted, err := s.Send(ctx, sinkFindings(3))
	if !errors.Is(err, context.Canceled) || len(accepted) != 0 {
		t.Fatalf("got %q, %v; want nothing accepted, Canceled", accepted, err)
	}
	if d := time.Since(canceledAt); d > 5*time.Second {
		t.Fatalf("Send took %v after the context ended", d)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if fake.requests == 0 || len(fake.store) != 0 {
		t.Fatalf("got %d requests, %d stored; want some requests, nothing stored", fake.requests, len(fake.store))
	}
}

func TestSecurityHubSinkDryRun(t *testing.T) {
	fake, srv := newFakeSecurityHub(t)
	var out bytes.Buffer
	s := testSecurityHubSink(t, srv, "", SinkOptions{DryRun: true, Stdout: &out})
	accepted, err := s.Send(context.Background(), sinkFindings(101))
	if err != nil || len(accepted) != 0 || fake.requests != 0 {
		t.Fatalf("got %q, %v, %d requests; want nothing accepted, no request", accepted, err, fake.requests)
	}
	lines := strings.Split(out.String(), "\n")
	if !strings.Contains(lines[0], "would import 101 finding(s) in 2 BatchImportFindings call(s)") {
		t.Fatalf("got header %q", lines[0])
	}
	var fd map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &fd); err != nil {
		t.Fatalf("line 3 %q: %v", lines[2], err)
	}
	if errs := validateASFF(fd, len(lines[2])); len(errs) > 0 {
		t.Fatalf("dry-run finding invalid: %q", errs)
	}
}

func TestNewSecurityHubSink_Failure(t *testing.T) {
	client := securityhub.New(securityhub.Options{Region: "us-east-1"})
	for _, tt := range []struct{ arn, want string }{
		{"", "expected a Security Hub product ARN"},
		{"arn:aws:sns:us-east-1:111122223333:product/x", "--securityhub-product-arn: expected arn:aws:securityhub:"},
		{"arn:aws:securityhub:us-east-1:1111:product/1111/default", "--securityhub-product-arn: expected arn:aws:securityhub:"},
	} {
		if _, err := NewSecurityHubSink(client, tt.arn, SinkOptions{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewSecurityHubSink(%q): got %v; want %q", tt.arn, err, tt.want)
		}
	}
	// Only --aws-region (or AWS_REGION) sets the API region; --region
	// filters logs.
	if _, err := NewSecurityHubSink(securityhub.New(securityhub.Options{}), testProductArn, SinkOptions{}); err == nil ||
		!strings.Contains(err.Error(), "(securityhub:REGION, --aws-region or AWS_REGION)") {
		t.Errorf("no region: got %v; want the ways to set it", err)
	}
}

func TestASFFTypes(t *testing.T) {
	tests := []struct {
		tactics, techniques []string
		table               string
		want                string
	}{
		{[]string{"TA0001"}, nil, "cloudtrail_logs", "TTPs/Initial Access"},
		{[]string{"Defense Evasion", "TA0005"}, nil, "cloudtrail_logs", "TTPs/Defense Evasion"},
		{[]string{"TA0010"}, nil, "cloudtrail_logs", "Effects/Data Exfiltration"},
		{[]string{"TA0040"}, []string{"T1496.001", "T1485"}, "cloudtrail_logs", "Effects/Resource Consumption,Effects/Data Destruction"},
		{[]string{"TA0040"}, []string{"T1531"}, "cloudtrail_logs", "Effects"},
		{[]string{"TA0043"}, nil, "vpc_flow_logs", "TTPs/Discovery,Unusual Behaviors/Network Flow"},
		{[]string{"TA0042"}, nil, "cloudtrail_logs", "TTPs"},
		{nil, nil, "vpc_flow_logs", "Unusual Behaviors/Network Flow"},
		{[]string{"TA9999"}, nil, "cloudtrail_logs", "Unusual Behaviors/User"},
	}
	for _, tt := range tests {
		f := Finding{Tactics: tt.tactics, Techniques: tt.techniques, Table: tt.table}
		got := strings.Join(asffTypes(&f), ",")
		if got != tt.want {
			t.Errorf("asffTypes(%q, %q, %s) = %q; want %q", tt.tactics, tt.techniques, tt.table, got, tt.want)
		}
		for _, typ := range asffTypes(&f) {
			if !asffTypeRe.MatchString(typ) {
				t.Errorf("%q is not an ASFF type", typ)
			}
		}
	}
}

func TestASFFResource(t *testing.T) {
	s := &SecurityHubSink{region: "us-east-1", partition: "aws"}
	tests := []struct {
		ref, typ, account, region string
		wantType, wantID          string
	}{
		{"alice", "AwsIamUser", "111122223333", "us-east-1", "AwsIamUser", "arn:aws:iam::111122223333:user/alice"},
		{"arn:aws:iam::111122223333:role/x", "", "", "us-east-1", "AwsIamRole", "arn:aws:iam::111122223333:role/x"},
		{"arn:aws:sts::111122223333:assumed-role/x/s", "Other", "", "us-east-1", "AwsIamRole", "arn:aws:iam::111122223333:role/x"},
		{"arn:aws:sts::111122223333:assumed-role/OpsAdmin/alice@example.com", "AwsIamRole", "", "us-east-1", "AwsIamRole", "arn:aws:iam::111122223333:role/OpsAdmin"},
		{"arn:aws-us-gov:sts::111122223333:assumed-role/r/i-0abc", "", "", "us-gov-west-1", "AwsIamRole", "arn:aws-us-gov:iam::111122223333:role/r"},
		{"snap-1", "AwsRdsDbSnapshot", "111122223333", "us-east-1", "AwsRdsDbSnapshot", "snap-1"},
		{"d-1", "AwsGuardDutyDetector", "111122223333", "us-east-1", "AwsGuardDutyDetector", "d-1"},
		{"i-0abc", "AwsEc2Instance", "111122223333", "eu-west-1", "AwsEc2Instance", "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc"},
		{"sg-1", "AwsEc2SecurityGroup", "111122223333", "us-east-1", "AwsEc2SecurityGroup", "arn:aws:ec2:us-east-1:111122223333:security-group/sg-1"},
		{"logs", "AwsS3Bucket", "", "us-east-1", "AwsS3Bucket", "arn:aws:s3:::logs"},
		{"arn:aws:s3:::logs", "", "", "us-east-1", "AwsS3Bucket", "arn:aws:s3:::logs"},
		{"arn:aws-cn:s3:::logs", "", "", "cn-north-1", "AwsS3Bucket", "arn:aws-cn:s3:::logs"},
		{"alice", "AwsIamUser", "", "us-east-1", "AwsIamUser", "alice"},
		{"198.51.100.7", "Other", "111122223333", "us-east-1", "Other", "198.51.100.7"},
		{"x", "AwsSomethingNew", "111122223333", "us-east-1", "Other", "x"},
		{"111122223333", "", "", "us-east-1", "AwsAccount", "AWS::::Account:111122223333"},
	}
	for _, tt := range tests {
		r := s.resource(tt.ref, tt.typ, tt.account, tt.region, "Target")
		if aws.ToString(r.Type) != tt.wantType || aws.ToString(r.Id) != tt.wantID {
			t.Errorf("resource(%q, %q) = %s %s; want %s %s", tt.ref, tt.typ, aws.ToString(r.Type), aws.ToString(r.Id), tt.wantType, tt.wantID)
		}
	}
	if p := partitionOf("us-gov-west-1"); p != "aws-us-gov" {
		t.Errorf("partitionOf(us-gov-west-1) = %q", p)
	}
}

// TestSecurityHubSinkNoLossNoDuplicate runs Send again and again (as
// successive runs would) under random faults: every finding ends imported
// once (one create, never a second finding), none is re-sent after being
// accepted, every Send accounts for every finding.
func TestSecurityHubSinkNoLossNoDuplicate(t *testing.T) {
	kinds := []string{"", "", "", "throttle", "limit", "500", "partial", "partial", "lost"}
	for seed := range uint64(16) {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 11))
			var faults []string
			for range 30 {
				faults = append(faults, kinds[rng.IntN(len(kinds))])
			}
			fake, srv := newFakeSecurityHub(t, faults...)
			fake.rng = rand.New(rand.NewPCG(seed, 13))
			s := testSecurityHubSink(t, srv, testProductArn, SinkOptions{MaxAttempts: 3})
			fs := sinkFindings(130)
			done := map[string]bool{}
			for run := 0; len(done) < len(fs); run++ {
				if run == 30 {
					t.Fatalf("not all accepted after %d runs: %d of %d", run, len(done), len(fs))
				}
				accepted, err := s.Send(context.Background(), fs)
				checkAccounting(t, fs, accepted, err)
				for _, id := range accepted {
					done[id] = true
				}
			}
			if len(fake.violation) > 0 {
				t.Fatalf("re-sent after acceptance: %q", fake.violation)
			}
			if len(fake.store) != len(fs) {
				t.Fatalf("got %d stored findings; want %d", len(fake.store), len(fs))
			}
			for _, f := range fs {
				// A lost response makes a later run re-send: an update of
				// the same finding, never a second one.
				if fake.creates[f.ID] != 1 {
					t.Errorf("%s: created %d times; want 1", f.ID, fake.creates[f.ID])
				}
			}
		})
	}
}

// TestASFFEvidenceRows: an evidence row too long for a ProductFields value
// is dropped whole, never cut into invalid JSON, and hunt/EvidenceRows
// says how many rows were dropped and why.
func TestASFFEvidenceRows(t *testing.T) {
	f := sinkFinding(1)
	f.Evidence = []map[string]any{
		{"eventname": "PutBucketPolicy", "requestparameters": strings.Repeat("p", 3000)},
		{"eventname": "PutBucketAcl", "n": 1},
		{"eventname": "PutBucketPolicy", "requestparameters": strings.Repeat("ü", 1500)}, // 3000 bytes
		{"eventname": "PutBucketAcl", "n": 2},
	}
	pf := productFields(&f)
	if got, want := pf["hunt/EvidenceRows"], "2 of 4; 2 dropped (2 longer than 2048 bytes)"; got != want {
		t.Errorf("hunt/EvidenceRows = %q; want %q", got, want)
	}
	for k, v := range pf {
		if !strings.HasPrefix(k, "hunt/Evidence/") {
			continue
		}
		if !json.Valid([]byte(v)) {
			t.Errorf("%s is not JSON: %.80s", k, v)
		}
	}
	if pf["hunt/Evidence/01"] != `{"eventname":"PutBucketAcl","n":1}` || pf["hunt/Evidence/02"] != `{"eventname":"PutBucketAcl","n":2}` || pf["hunt/Evidence/03"] != "" {
		t.Errorf("evidence fields: %q, %q, %q; want the two short rows", pf["hunt/Evidence/01"], pf["hunt/Evidence/02"], pf["hunt/Evidence/03"])
	}
}

// TestASFFRoleSession: a role session actor is the role's resource,
// identified by the role's ARN, the session in Details.Other.
func TestASFFRoleSession(t *testing.T) {
	s := &SecurityHubSink{region: "us-east-1", partition: "aws"}
	r := s.resource("arn:aws:sts::111122223333:assumed-role/OpsAdmin/alice@example.com", "", "111122223333", "us-east-1", "Actor")
	if aws.ToString(r.Type) != "AwsIamRole" || aws.ToString(r.Id) != "arn:aws:iam::111122223333:role/OpsAdmin" {
		t.Errorf("got %s %s; want AwsIamRole arn:aws:iam::111122223333:role/OpsAdmin", aws.ToString(r.Type), aws.ToString(r.Id))
	}
	if r.Details == nil || r.Details.Other["hunt/AssumedRoleArn"] != "arn:aws:sts::111122223333:assumed-role/OpsAdmin/alice@example.com" || r.Details.Other["hunt/SessionName"] != "alice@example.com" {
		t.Errorf("details %+v; want the session ARN and name", r.Details)
	}
}

// TestASFFResourceTypes lists every resource_type the built-in hunts
// declare: each is an ASFF type Security Hub defines and passes through as
// given, so ProductFields hunt/ResourceType and the resource agree.
func TestASFFResourceTypes(t *testing.T) {
	files, err := filepath.Glob("../queries/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no hunts: %v", err)
	}
	re := regexp.MustCompile(`(?m)resource_type:\s*(\S+)`)
	found := map[string]bool{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			found[string(m[1])] = true
		}
	}
	var got []string
	for typ := range found {
		got = append(got, typ)
	}
	slices.Sort(got)
	want := []string{"AwsAccount", "AwsCloudTrailTrail", "AwsEc2Instance", "AwsEc2NetworkAcl", "AwsEc2SecurityGroup", "AwsEc2Volume",
		"AwsGuardDutyDetector", "AwsIamRole", "AwsIamUser", "AwsKmsKey", "AwsLambdaFunction", "AwsRdsDbInstance", "AwsRdsDbSnapshot", "AwsS3Bucket", "Other"}
	if !slices.Equal(got, want) {
		t.Errorf("the hunts' resource types are %q; this test lists %q: add the new ones to want and check their mapping", got, want)
	}
	s := &SecurityHubSink{region: "us-east-1", partition: "aws"}
	for _, typ := range got {
		r := s.resource("x-1", typ, "111122223333", "us-east-1", "Target")
		if aws.ToString(r.Type) != typ {
			t.Errorf("resource type %s becomes %s", typ, aws.ToString(r.Type))
		}
		if r.Details != nil && r.Details.Other["hunt/ResourceType"] != "" {
			t.Errorf("resource type %s: Details.Other hunt/ResourceType %q", typ, r.Details.Other["hunt/ResourceType"])
		}
	}
	for _, typ := range []string{"AwsSnsTopic", "AwsSecretsManagerSecret", "AwsEc2Volume", "AwsEcrRepository", "AwsIamAccessKey"} {
		if !asffResourceTypes()[typ] {
			t.Errorf("%s, a type Security Hub defines, is not in asffResourceTypes", typ)
		}
	}
	if asffResourceTypes()["AwsNoSuchThing"] || asffResourceTypes()["Other"] {
		t.Error("asffResourceTypes holds types Security Hub does not define")
	}
}

// goldenFindings reads the findings of the golden hunt run.
func goldenFindings(t *testing.T) []Finding {
	t.Helper()
	files, err := filepath.Glob("../testdata/golden/*.golden")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	var out []Finding
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		for dec.More() {
			var f Finding
			if err := dec.Decode(&f); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			out = append(out, f)
		}
	}
	return out
}

// TestSecurityHubSinkGolden sends every finding of the golden hunt run
// through the SDK client: the SDK's own validation of
// BatchImportFindingsInput (required members, nested) runs before each
// request and would fail the Send with a smithy.InvalidParamsError; the
// fake Security Hub then checks every finding against the API model's
// lengths, counts, enums and patterns (validateASFF).
func TestSecurityHubSinkGolden(t *testing.T) {
	golden := goldenFindings(t)
	if len(golden) < 50 {
		t.Fatalf("%d golden findings; want the whole golden run", len(golden))
	}
	fake, srv := newFakeSecurityHub(t)
	now := time.Date(2024, 5, 2, 8, 0, 0, 0, time.UTC)
	s := testSecurityHubSink(t, srv, testProductArn, SinkOptions{Now: func() time.Time { return now }})

	// The SDK validates: a finding without a resource Id never leaves.
	bad, err := s.item(&golden[0], now)
	if err != nil {
		t.Fatal(err)
	}
	bad.f.Resources[0].Id = nil
	_, err = s.client.BatchImportFindings(context.Background(), &securityhub.BatchImportFindingsInput{Findings: []types.AwsSecurityFinding{bad.f}})
	var invalid smithy.InvalidParamsError
	if !errors.As(err, &invalid) {
		t.Fatalf("a resource without Id: got %v; want the SDK's smithy.InvalidParamsError", err)
	}
	requests := fake.requests

	// Each golden finding alone, so a failure names it.
	for i := range golden {
		it, err := s.item(&golden[i], now)
		if err != nil {
			t.Errorf("golden %s (%s): %v", golden[i].ID, golden[i].HuntID, err)
			continue
		}
		_, err = s.client.BatchImportFindings(context.Background(), &securityhub.BatchImportFindingsInput{Findings: []types.AwsSecurityFinding{it.f}})
		if err != nil {
			t.Errorf("golden %s (%s): %v", golden[i].ID, golden[i].HuntID, err)
		}
	}
	if fake.requests != requests+len(golden) {
		t.Errorf("%d requests reached Security Hub; want one per golden finding (%d)", fake.requests-requests, len(golden))
	}
	ids := map[string]bool{}
	for _, f := range golden {
		ids[f.ID] = true
	}
	if len(fake.store) != len(ids) {
		t.Errorf("%d findings stored; want %d", len(fake.store), len(ids))
	}
}
