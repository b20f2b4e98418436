package findings

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

const (
	testTopic     = "arn:aws:sns:us-east-1:111122223333:hunt-findings"
	testFIFOTopic = "arn:aws:sns:us-east-1:111122223333:hunt-findings.fifo"
)

// fakeSNS decodes SNS PublishBatch in the AWS query protocol, checks every
// SNS limit, injects faults and answers in SNS's XML.
type fakeSNS struct {
	t    *testing.T
	fifo bool

	mu sync.Mutex
	// faults are consumed one per request: "" ok, "throttle400" and
	// "throttle429" (Code Throttled), "500" (InternalError), "auth" (403
	// AuthorizationError), "partial" (some entries fail with InternalError),
	// "sender:ID" (finding ID fails with SenderFault), "lost" (published,
	// then answered 500 as if the response was lost).
	faults    []string
	rng       *rand.Rand
	requests  int
	entries   int
	delivered map[string]int      // finding ID → messages delivered to subscribers
	dedup     map[string]bool     // FIFO dedup IDs seen
	answered  map[string]bool     // finding IDs answered Successful in a delivered response
	violation []string            // re-sends after acceptance
	messages  map[string]snsEntry // the last entry seen per finding ID
}

type snsEntry struct {
	id, message, subject, group, dedup string
	attrs                              map[string]string
	attrTypes                          map[string]string
}

func newFakeSNS(t *testing.T, fifo bool, faults ...string) (*fakeSNS, *httptest.Server) {
	f := &fakeSNS{
		t: t, fifo: fifo, faults: faults, rng: rand.New(rand.NewPCG(1, 2)),
		delivered: map[string]int{}, dedup: map[string]bool{}, answered: map[string]bool{},
		messages: map[string]snsEntry{},
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func testSNSSink(t *testing.T, srv *httptest.Server, topic string, opts SinkOptions) *SNSSink {
	t.Helper()
	opts.MaxBackoff = time.Millisecond
	client := sns.New(sns.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      newRetryer(opts),
		HTTPClient:   srv.Client(),
	})
	s, err := NewSNSSink(client, topic, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	snsBatchIDRe  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
	snsAttrNameRe = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,256}$`)
	snsFIFOIDRe   = regexp.MustCompile("^[\x21-\x7e]{1,128}$")
)

func (f *fakeSNS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	if r.Method != http.MethodPost || r.URL.Path != "/" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		f.t.Errorf("got %s %s (%s); want POST / form-encoded", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	if a := r.Header.Get("Authorization"); !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.Contains(a, "/us-east-1/sns/aws4_request") {
		f.t.Errorf("got Authorization %q; want SigV4 for sns in us-east-1", a)
	}
	if err := r.ParseForm(); err != nil {
		f.t.Fatalf("cannot parse form: %v", err)
	}
	form := r.PostForm
	if got := form.Get("Action"); got != "PublishBatch" || form.Get("Version") != "2010-03-31" {
		f.t.Errorf("got Action=%q Version=%q; want PublishBatch 2010-03-31", got, form.Get("Version"))
	}
	topic := form.Get("TopicArn")
	if strings.HasSuffix(topic, ".fifo") != f.fifo {
		f.t.Errorf("got TopicArn %q; want fifo=%v", topic, f.fifo)
	}
	entries := f.decode(form)
	if errs := f.validate(entries); len(errs) > 0 {
		for _, e := range errs {
			f.t.Error(e)
		}
		writeSNSError(w, 400, "InvalidParameter", strings.Join(errs, "; "))
		return
	}
	f.entries += len(entries)

	fault := ""
	if len(f.faults) > 0 {
		fault, f.faults = f.faults[0], f.faults[1:]
	}
	switch fault {
	case "throttle400":
		writeSNSError(w, 400, "Throttled", "Rate exceeded")
		return
	case "throttle429":
		writeSNSError(w, 429, "Throttled", "Rate exceeded")
		return
	case "500":
		writeSNSError(w, 500, "InternalError", "internal error")
		return
	case "auth":
		writeSNSError(w, 403, "AuthorizationError", "not authorized to perform sns:Publish")
		return
	}
	var resp snsPublishBatchResponse
	for _, e := range entries {
		fid := e.attrs["finding_id"]
		if f.answered[fid] {
			f.violation = append(f.violation, fid)
		}
		f.messages[fid] = e
		switch {
		case fault == "partial" && f.rng.IntN(2) == 0:
			resp.Result.Failed = append(resp.Result.Failed, snsFailed{Id: e.id, Code: "InternalError", Message: "try again", SenderFault: false})
			continue
		case fault == "sender:"+fid:
			resp.Result.Failed = append(resp.Result.Failed, snsFailed{Id: e.id, Code: "InvalidParameter", Message: "bad message", SenderFault: true})
			continue
		}
		if !f.fifo || !f.dedup[e.dedup] {
			f.delivered[fid]++
		}
		if f.fifo {
			f.dedup[e.dedup] = true
		}
		if fault != "lost" {
			f.answered[fid] = true
		}
		resp.Result.Successful = append(resp.Result.Successful, snsSuccessful{Id: e.id, MessageId: fmt.Sprintf("msg-%d", f.entries), SequenceNumber: seqIf(f.fifo, f.entries)})
	}
	if fault == "lost" {
		writeSNSError(w, 500, "InternalError", "response lost")
		return
	}
	resp.Metadata.RequestID = "req-" + strconv.Itoa(f.requests)
	w.Header().Set("Content-Type", "text/xml")
	b, _ := xml.Marshal(resp)
	w.Write(b)
}

func seqIf(fifo bool, n int) string {
	if !fifo {
		return ""
	}
	return fmt.Sprintf("%020d", n)
}

// decode reads PublishBatchRequestEntries.member.N.* (N from 1) and their
// MessageAttributes.entry.M.{Name,Value.DataType,Value.StringValue}.
func (f *fakeSNS) decode(form map[string][]string) []snsEntry {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	var out []snsEntry
	for n := 1; ; n++ {
		p := fmt.Sprintf("PublishBatchRequestEntries.member.%d.", n)
		if _, ok := form[p+"Id"]; !ok {
			break
		}
		e := snsEntry{
			id: get(p + "Id"), message: get(p + "Message"), subject: get(p + "Subject"),
			group: get(p + "MessageGroupId"), dedup: get(p + "MessageDeduplicationId"),
			attrs: map[string]string{}, attrTypes: map[string]string{},
		}
		for m := 1; ; m++ {
			q := fmt.Sprintf("%sMessageAttributes.entry.%d.", p, m)
			name, ok := form[q+"Name"]
			if !ok {
				break
			}
			e.attrs[name[0]] = get(q + "Value.StringValue")
			e.attrTypes[name[0]] = get(q + "Value.DataType")
		}
		out = append(out, e)
	}
	return out
}

// validate checks a PublishBatch request against SNS's documented limits.
func (f *fakeSNS) validate(entries []snsEntry) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if len(entries) == 0 || len(entries) > 10 {
		bad("got %d entries; want 1-10", len(entries))
	}
	ids := map[string]bool{}
	total := 0
	for _, e := range entries {
		if !snsBatchIDRe.MatchString(e.id) || ids[e.id] {
			bad("entry Id %q: want unique [A-Za-z0-9_-]{1,80}", e.id)
		}
		ids[e.id] = true
		size := len(e.message) + len(e.subject)
		if e.message == "" {
			bad("entry %s: empty Message", e.id)
		}
		if len(e.subject) > 99 || e.subject == "" {
			bad("entry %s: Subject %q: want 1-99 characters", e.id, e.subject)
		}
		for i := 0; i < len(e.subject); i++ {
			if c := e.subject[i]; c < 0x20 || c > 0x7e {
				bad("entry %s: Subject %q: non-printable-ASCII byte %#x", e.id, e.subject, c)
				break
			}
		}
		if s := e.subject; s != "" && (s[0] == ' ') {
			bad("entry %s: Subject %q starts with a space", e.id, s)
		}
		for name, v := range e.attrs {
			typ := e.attrTypes[name]
			if !snsAttrNameRe.MatchString(name) || strings.HasPrefix(strings.ToLower(name), "aws.") || strings.HasPrefix(strings.ToLower(name), "amazon.") || strings.Contains(name, "..") || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") {
				bad("entry %s: attribute name %q invalid", e.id, name)
			}
			if typ != "String" || v == "" {
				bad("entry %s: attribute %s: got type %q value %q; want a non-empty String", e.id, name, typ, v)
			}
			size += len(name) + len(typ) + len(v)
		}
		for _, want := range []string{"severity", "hunt_id", "finding_id"} {
			if e.attrs[want] == "" {
				bad("entry %s: no %s attribute", e.id, want)
			}
		}
		if size > 262144 {
			bad("entry %s: %d bytes; want at most 262144", e.id, size)
		}
		total += size
		if f.fifo {
			if !snsFIFOIDRe.MatchString(e.group) || !snsFIFOIDRe.MatchString(e.dedup) {
				bad("entry %s: FIFO MessageGroupId %q / MessageDeduplicationId %q invalid", e.id, e.group, e.dedup)
			}
		} else if e.group != "" || e.dedup != "" {
			bad("entry %s: FIFO fields on a standard topic", e.id)
		}
		// The body ends with the finding as JSON, which must parse and
		// match the finding_id attribute.
		_, js, ok := strings.Cut(e.message, "\n--- finding (JSON) ---\n")
		var fd Finding
		if !ok || json.Unmarshal([]byte(js), &fd) != nil || fd.ID != e.attrs["finding_id"] {
			bad("entry %s: body does not end with the finding's JSON", e.id)
		}
	}
	if total > 262144 {
		bad("batch of %d bytes; want at most 262144", total)
	}
	return errs
}

type snsPublishBatchResponse struct {
	XMLName xml.Name `xml:"http://sns.amazonaws.com/doc/2010-03-31/ PublishBatchResponse"`
	Result  struct {
		Successful []snsSuccessful `xml:"Successful>member"`
		Failed     []snsFailed     `xml:"Failed>member"`
	} `xml:"PublishBatchResult"`
	Metadata struct {
		RequestID string `xml:"RequestId"`
	} `xml:"ResponseMetadata"`
}

type snsSuccessful struct {
	Id             string
	MessageId      string
	SequenceNumber string `xml:",omitempty"`
}

type snsFailed struct {
	Id          string
	Code        string
	Message     string
	SenderFault bool
}

func writeSNSError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	fmt.Fprintf(w, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>x</RequestId></ErrorResponse>`, typ, code, msg)
}

func ids(fs []Finding) []string {
	out := make([]string, len(fs))
	for i := range fs {
		out[i] = fs[i].ID
	}
	return out
}

func TestSNSSinkMessage(t *testing.T) {
	fake, srv := newFakeSNS(t, false)
	s := testSNSSink(t, srv, testTopic, SinkOptions{})
	f := sinkFinding(1)
	accepted, err := s.Send(context.Background(), []Finding{f})
	if err != nil || len(accepted) != 1 || accepted[0] != f.ID {
		t.Fatalf("got %q, %v; want [%s]", accepted, err, f.ID)
	}
	e := fake.messages[f.ID]
	if want := "[HIGH] Security group opened to the world (1): sg-00000001"; e.subject != want {
		t.Errorf("got subject %q; want %q", e.subject, want)
	}
	wantAttrs := map[string]string{"severity": "HIGH", "hunt_id": "sg_open_world", "finding_id": f.ID, "account": "111122223333", "region": "us-east-1"}
	for k, v := range wantAttrs {
		if e.attrs[k] != v {
			t.Errorf("attribute %s: got %q; want %q", k, e.attrs[k], v)
		}
	}
	for _, want := range []string{
		"HIGH: Security group opened to the world (1)\n",
		"Hunt:        sg_open_world\n",
		"Resource:    sg-00000001 (AwsEc2SecurityGroup)\n",
		"First seen:  2024-05-01T10:00:00Z\n",
		"Count:       2\n",
		"Tactics:     TA0005 Defense Evasion, TA0001 Initial Access\n",
		"Remediation: Remove the 0.0.0.0/0 rule.\n",
		"Evidence: 2 row(s) in the JSON below.\n",
		`"sourceipaddress": "198.51.100.8"`,
	} {
		if !strings.Contains(e.message, want) {
			t.Errorf("body lacks %q:\n%s", want, e.message)
		}
	}
}

func TestSNSSinkFIFO(t *testing.T) {
	fake, srv := newFakeSNS(t, true)
	s := testSNSSink(t, srv, testFIFOTopic, SinkOptions{})
	fs := sinkFindings(3)
	fs[2].ID = strings.Repeat("x", 200) // too long for a dedup ID: hashed
	if _, err := s.Send(context.Background(), fs); err != nil {
		t.Fatal(err)
	}
	for _, f := range fs[:2] {
		if e := fake.messages[f.ID]; e.dedup != f.ID || e.group != "sg_open_world" {
			t.Errorf("%s: got group %q dedup %q; want sg_open_world and the finding ID", f.ID, e.group, e.dedup)
		}
	}
	if e := fake.messages[fs[2].ID]; e.dedup != fifoID(fs[2].ID) || len(e.dedup) != 64 {
		t.Errorf("long ID: got dedup %q; want its SHA-256", e.dedup)
	}
}

func TestSNSSinkBatching(t *testing.T) {
	fake, srv := newFakeSNS(t, false)
	s := testSNSSink(t, srv, testTopic, SinkOptions{})
	accepted, err := s.Send(context.Background(), sinkFindings(25))
	if err != nil || len(accepted) != 25 {
		t.Fatalf("got %d accepted, %v; want 25", len(accepted), err)
	}
	if fake.requests != 3 {
		t.Fatalf("got %d PublishBatch calls; want 3 (10+10+5)", fake.requests)
	}
}

func TestSNSSinkLargeFinding(t *testing.T) {
	fake, srv := newFakeSNS(t, false)
	s := testSNSSink(t, srv, testTopic, SinkOptions{})
	big := func(i int) Finding {
		f := sinkFinding(i)
		f.Evidence = nil
		for r := range 600 {
			f.Evidence = append(f.Evidence, map[string]any{"row": r, "requestparameters": strings.Repeat("é", 300)})
		}
		f.Count = 600
		return f
	}
	fs := []Finding{big(1), big(2), sinkFinding(3)}
	huge := sinkFinding(4)
	huge.Description = strings.Repeat("d", 300_000) // free text alone exceeds the limit
	fs = append(fs, huge)
	accepted, err := s.Send(context.Background(), fs)
	if err != nil || len(accepted) != 4 {
		t.Fatalf("got %q, %v; want 4 accepted", accepted, err)
	}
	if fake.requests < 2 {
		t.Errorf("got %d calls; want the big messages split across calls", fake.requests)
	}
	e := fake.messages[fs[0].ID]
	_, js, _ := strings.Cut(e.message, "\n--- finding (JSON) ---\n")
	var got Finding
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatal(err)
	}
	if !got.EvidenceTruncated || len(got.Evidence) == 0 || len(got.Evidence) >= 600 {
		t.Errorf("got %d evidence rows, truncated=%v; want some but not all, truncated", len(got.Evidence), got.EvidenceTruncated)
	}
	if got.ID != fs[0].ID || got.Count != 600 || got.Resource != fs[0].Resource || !got.FirstSeen.Equal(fs[0].FirstSeen) || got.Severity != "HIGH" {
		t.Errorf("essentials changed: got %+v", got)
	}
	want := fmt.Sprintf("Note: evidence cut to %d of 600 rows to fit the SNS message size limit.", len(got.Evidence))
	if !strings.Contains(e.message, want) {
		t.Errorf("body lacks %q", want)
	}
	if e := fake.messages[huge.ID]; !strings.Contains(e.message, "description and remediation cut to 8192 bytes") {
		t.Errorf("huge description: body lacks the cut note")
	}
}

func TestSNSSinkRetriesThrottlingAnd5xx(t *testing.T) {
	fake, srv := newFakeSNS(t, false, "throttle400", "throttle429", "500")
	s := testSNSSink(t, srv, testTopic, SinkOptions{})
	accepted, err := s.Send(context.Background(), sinkFindings(3))
	if err != nil || len(accepted) != 3 {
		t.Fatalf("got %q, %v; want 3 accepted", accepted, err)
	}
	if fake.requests != 4 {
		t.Fatalf("got %d requests; want 4 (3 faults retried by the SDK retryer)", fake.requests)
	}
}

func TestSNSSinkPartialFailure(t *testing.T) {
	fake, srv := newFakeSNS(t, false, "partial", "partial")
	s := testSNSSink(t, srv, testTopic, SinkOptions{})
	fs := sinkFindings(10)
	accepted, err := s.Send(context.Background(), fs)
	if err != nil || len(accepted) != 10 {
		t.Fatalf("got %q, %v; want 10 accepted", accepted, err)
	}
	for _, f := range fs {
		if fake.delivered[f.ID] != 1 {
			t.Errorf("%s delivered %d times; want 1", f.ID, fake.delivered[f.ID])
		}
	}
	if len(fake.violation) > 0 {
		t.Errorf("re-sent after acceptance: %q", fake.violation)
	}
}

func TestSNSSinkSenderFault(t *testing.T) {
	fs := sinkFindings(3)
	fake, srv := newFakeSNS(t, false, "sender:"+fs[1].ID)
	s := testSNSSink(t, srv, testTopic, SinkOptions{})
	accepted, err := s.Send(context.Background(), fs)
	var se *SendError
	if !errors.As(err, &se) || len(accepted) != 2 || len(se.Rejected) != 1 {
		t.Fatalf("got %q, %v; want 2 accepted, 1 rejected", accepted, err)
	}
	if r := se.Rejected[0]; r.ID != fs[1].ID || r.Code != "InvalidParameter" || !r.IsPermanent {
		t.Fatalf("got %+v; want %s InvalidParameter permanent", r, fs[1].ID)
	}
	if fake.requests != 1 {
		t.Fatalf("got %d requests; want 1 (a sender fault is not retried)", fake.requests)
	}
}

func TestSNSSinkCallError(t *testing.T) {
	fake, srv := newFakeSNS(t, false, "auth")
	s := testSNSSink(t, srv, testTopic, SinkOptions{})
	accepted, err := s.Send(context.Background(), sinkFindings(15))
	var se *SendError
	if !errors.As(err, &se) || len(accepted) != 0 || len(se.Rejected) != 15 || se.Err == nil {
		t.Fatalf("got %q, %v; want nothing accepted, 15 rejected, stopped", accepted, err)
	}
	if se.Rejected[0].Code != "AuthorizationError" || se.Rejected[14].Code != "NotSent" {
		t.Fatalf("got codes %s, %s; want AuthorizationError, NotSent", se.Rejected[0].Code, se.Rejected[14].Code)
	}
	if fake.requests != 1 {
		t.Fatalf("got %d requests; want 1", fake.requests)
	}
}

func TestSNSSinkCanceled(t *testing.T) {
	fake, srv := newFakeSNS(t, false)
	s := testSNSSink(t, srv, testTopic, SinkOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	accepted, err := s.Send(ctx, sinkFindings(3))
	var se *SendError
	if !errors.As(err, &se) || !errors.Is(err, context.Canceled) || len(accepted) != 0 || len(se.Rejected) != 3 {
		t.Fatalf("got %q, %v; want nothing accepted, context.Canceled", accepted, err)
	}
	if fake.requests != 0 {
		t.Fatalf("got %d requests; want 0", fake.requests)
	}
}

func TestSNSSinkDryRun(t *testing.T) {
	fake, srv := newFakeSNS(t, true)
	var out bytes.Buffer
	s := testSNSSink(t, srv, testFIFOTopic, SinkOptions{DryRun: true, Stdout: &out})
	accepted, err := s.Send(context.Background(), sinkFindings(12))
	if err != nil || len(accepted) != 0 {
		t.Fatalf("got %q, %v; want nothing accepted", accepted, err)
	}
	if fake.requests != 0 {
		t.Fatalf("dry run made %d requests", fake.requests)
	}
	for _, want := range []string{
		"would publish 12 message(s) in 2 PublishBatch call(s)",
		"--- batch 2 entry m1: finding f0011-5f1c2a",
		"Subject: [HIGH] Security group opened to the world (0): sg-00000000",
		"Attribute severity (String): HIGH",
		"MessageDeduplicationId: f0000-5f1c2a",
		"--- finding (JSON) ---",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry-run output lacks %q", want)
		}
	}
}

func TestSNSSubject(t *testing.T) {
	tests := []struct {
		title, resource, want string
	}{
		{"Root login", "arn:aws:iam::111122223333:root", "[HIGH] Root login: arn:aws:iam::111122223333:root"},
		{"Zugriff über\nZeilen", "b", "[HIGH] Zugriff ?ber Zeilen: b"},
		{strings.Repeat("x", 120), "r", "[HIGH] " + strings.Repeat("x", 89) + "..."},
	}
	for _, tt := range tests {
		f := sinkFinding(0)
		f.Title, f.Resource = tt.title, tt.resource
		if got := snsSubject(&f); got != tt.want || len(got) > 99 {
			t.Errorf("snsSubject(%q, %q) = %q; want %q", tt.title, tt.resource, got, tt.want)
		}
	}
}

func TestNewSNSSink_Failure(t *testing.T) {
	for _, topic := range []string{"", "hunt-findings", "arn:aws:sqs:us-east-1:111122223333:q", "arn:aws:sns::111122223333:t"} {
		if _, err := NewSNSSink(nil, topic, SinkOptions{}); err == nil || !strings.Contains(err.Error(), "expected an SNS topic ARN") {
			t.Errorf("NewSNSSink(%q): got %v; want an ARN error", topic, err)
		}
	}
}

// TestSNSSinkNoLossNoDuplicate runs Send again and again (as successive
// runs would, each re-sending what was not accepted) under random faults:
// every finding ends accepted, none is re-sent after being accepted, and
// on a FIFO topic each is delivered exactly once, even when responses are
// lost after publishing.
func TestSNSSinkNoLossNoDuplicate(t *testing.T) {
	kinds := []string{"", "", "", "throttle400", "throttle429", "500", "partial", "partial", "lost"}
	for seed := range uint64(12) {
		for _, fifo := range []bool{false, true} {
			t.Run(fmt.Sprintf("seed%d/fifo=%v", seed, fifo), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, 7))
				var faults []string
				for range 40 {
					faults = append(faults, kinds[rng.IntN(len(kinds))])
				}
				topic := testTopic
				if fifo {
					topic = testFIFOTopic
				}
				fake, srv := newFakeSNS(t, fifo, faults...)
				fake.rng = rand.New(rand.NewPCG(seed, 9))
				s := testSNSSink(t, srv, topic, SinkOptions{MaxAttempts: 3})
				fs := sinkFindings(37)
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
					t.Fatalf("findings re-sent after the sink saw them accepted: %q", fake.violation)
				}
				for _, f := range fs {
					n := fake.delivered[f.ID]
					if n == 0 || (fifo && n != 1) {
						t.Errorf("%s delivered %d times; want 1 (FIFO) or at least 1", f.ID, n)
					}
				}
			})
		}
	}
}

// checkAccounting checks the Sink contract of one Send: every input ID is
// either accepted or rejected, never both, never twice.
func checkAccounting(t *testing.T, fs []Finding, accepted []string, err error) {
	t.Helper()
	seen := map[string]string{}
	for _, id := range accepted {
		if seen[id] != "" {
			t.Fatalf("%s accepted twice", id)
		}
		seen[id] = "accepted"
	}
	var se *SendError
	if err != nil {
		if !errors.As(err, &se) {
			t.Fatalf("got %T %v; want *SendError", err, err)
		}
		for _, r := range se.Rejected {
			if seen[r.ID] != "" {
				t.Fatalf("%s both %s and rejected (%s)", r.ID, seen[r.ID], r.Code)
			}
			seen[r.ID] = "rejected"
		}
	}
	for _, id := range ids(fs) {
		if seen[id] == "" {
			t.Fatalf("%s neither accepted nor rejected (err %v)", id, err)
		}
	}
	if len(seen) != len(fs) {
		t.Fatalf("got %d IDs accounted; want %d", len(seen), len(fs))
	}
}
