package findings

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// fakeAWS speaks the slices of three AWS protocols the responder and the
// EventBridge sink use: WAFv2 (JSON 1.1, X-Amz-Target AWSWAF_20190729.*),
// IAM and SNS (query protocol, form-encoded Action=..., XML answers) and
// EventBridge (JSON 1.1, AWSEvents.PutEvents). Faults are consumed in order:
// "throttle:OP" answers OP once with ThrottlingException, "lock:OP" changes
// the set behind the caller's back before answering OP (so its lock token
// is stale), "entryfail" fails the first PutEvents entry once.
type fakeAWS struct {
	t  *testing.T
	mu sync.Mutex
	// sets by ID
	sets   map[string]*fakeSet
	faults []string
	// calls records "Op" per request, in order.
	calls []string
	// updates records the Addresses of each accepted UpdateIPSet.
	updates [][]string
	// iam records the form of each IAM call.
	iam []url.Values
	// published are SNS Publish messages.
	published []string
	// events are the PutEvents entries accepted.
	events []map[string]any
	// failUpdate makes every UpdateIPSet fail with this code.
	failUpdate string
	// caller is the ARN GetCallerIdentity answers.
	caller string
}

type fakeSet struct {
	name, version, description string
	addresses                  []string
	token                      int
}

func newFakeAWS(t *testing.T, faults ...string) (*fakeAWS, aws.Config) {
	f := &fakeAWS{t: t, sets: map[string]*fakeSet{}, faults: faults, caller: "arn:aws:sts::111122223333:assumed-role/hunt-responder/run"}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := aws.Config{
		Region:       "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:   srv.Client(),
		BaseEndpoint: aws.String(srv.URL),
	}
	return f, cfg
}

const (
	testSet4 = "arn:aws:wafv2:eu-west-1:111122223333:regional/ipset/hunt-block-v4/a1b2c3d4-0000-0000-0000-000000000004"
	testSet6 = "arn:aws:wafv2:eu-west-1:111122223333:regional/ipset/hunt-block-v6/a1b2c3d4-0000-0000-0000-000000000006"
)

func (f *fakeAWS) addSet(id, name, version string, addrs ...string) {
	f.sets[id] = &fakeSet{name: name, version: version, description: "blocked by hunt", addresses: addrs}
}

// fault consumes the first fault equal to want.
func (f *fakeAWS) fault(want string) bool {
	i := slices.Index(f.faults, want)
	if i < 0 {
		return false
	}
	f.faults = slices.Delete(f.faults, i, i+1)
	return true
}

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		f.t.Errorf("request without a SigV4 signature: %s", r.Header.Get("Authorization"))
	}
	target := r.Header.Get("X-Amz-Target")
	switch {
	case strings.HasPrefix(target, "AWSWAF_20190729."):
		f.serveWAF(w, r, strings.TrimPrefix(target, "AWSWAF_20190729."), body)
	case strings.HasPrefix(target, "AWSEvents."):
		f.serveEvents(w, r, strings.TrimPrefix(target, "AWSEvents."), body)
	default:
		form, err := url.ParseQuery(string(body))
		if err != nil || form.Get("Action") == "" {
			f.t.Errorf("unexpected request: %s %q", target, body)
			w.WriteHeader(400)
			return
		}
		f.serveQuery(w, form)
	}
}

func jsonError(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(400)
	fmt.Fprintf(w, `{"__type":%q,"Message":%q}`, code, msg)
}

func (f *fakeAWS) serveWAF(w http.ResponseWriter, r *http.Request, op string, body []byte) {
	f.calls = append(f.calls, op)
	if ct := r.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		f.t.Errorf("%s: Content-Type %q, want application/x-amz-json-1.1", op, ct)
	}
	var in struct {
		Name, Id, Scope, LockToken, Description string
		Addresses                               []string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		f.t.Errorf("%s: body %q: %v", op, body, err)
	}
	set := f.sets[in.Id]
	if set == nil || set.name != in.Name || in.Scope != "REGIONAL" {
		jsonError(w, "WAFNonexistentItemException", "no such IP set "+in.Name+"/"+in.Id+" in "+in.Scope)
		return
	}
	if f.fault("throttle:" + op) {
		jsonError(w, "ThrottlingException", "Rate exceeded")
		return
	}
	switch op {
	case "GetIPSet":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(map[string]any{
			"IPSet": map[string]any{
				"ARN": "arn", "Id": in.Id, "Name": set.name, "Description": set.description,
				"IPAddressVersion": set.version, "Addresses": set.addresses,
			},
			"LockToken": fmt.Sprintf("token-%d", set.token),
		})
	case "UpdateIPSet":
		if f.fault("lock:UpdateIPSet") {
			// Someone else changed the set since the caller read it.
			set.addresses = append(set.addresses, "192.0.2.200/32")
			set.token++
		}
		if in.LockToken != fmt.Sprintf("token-%d", set.token) {
			jsonError(w, "WAFOptimisticLockException", "stale lock token "+in.LockToken)
			return
		}
		if f.failUpdate != "" {
			jsonError(w, f.failUpdate, "injected")
			return
		}
		if in.Description != set.description {
			f.t.Errorf("UpdateIPSet: Description %q, want %q kept", in.Description, set.description)
		}
		seen := map[string]bool{}
		for _, a := range in.Addresses {
			if seen[a] {
				f.t.Errorf("UpdateIPSet: address %s given twice in %v", a, in.Addresses)
			}
			seen[a] = true
		}
		set.addresses = slices.Clone(in.Addresses)
		set.token++
		f.updates = append(f.updates, slices.Clone(in.Addresses))
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		fmt.Fprintf(w, `{"NextLockToken":"token-%d"}`, set.token)
	default:
		jsonError(w, "UnknownOperationException", op)
	}
}

func (f *fakeAWS) serveQuery(w http.ResponseWriter, form url.Values) {
	op := form.Get("Action")
	f.calls = append(f.calls, op)
	if f.fault("throttle:" + op) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(400)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
		return
	}
	if f.fault("fail:" + op) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(403)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>injected</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	switch op {
	case "PutRolePolicy", "UpdateAccessKey":
		f.iam = append(f.iam, form)
		fmt.Fprintf(w, `<%sResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></%sResponse>`, op, op)
	case "GetCallerIdentity":
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>%s</Arn><UserId>AROAEXAMPLE:s</UserId><Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, f.caller)
	case "Publish":
		f.published = append(f.published, form.Get("Message"))
		fmt.Fprintf(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m%d</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`, len(f.published))
	default:
		w.WriteHeader(400)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>%s</Message></Error><RequestId>r</RequestId></ErrorResponse>`, op)
	}
}

func (f *fakeAWS) serveEvents(w http.ResponseWriter, r *http.Request, op string, body []byte) {
	f.calls = append(f.calls, op)
	if ct := r.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		f.t.Errorf("%s: Content-Type %q, want application/x-amz-json-1.1", op, ct)
	}
	if op != "PutEvents" {
		jsonError(w, "UnknownOperationException", op)
		return
	}
	if f.fault("throttle:PutEvents") {
		jsonError(w, "ThrottlingException", "Rate exceeded")
		return
	}
	var in struct{ Entries []map[string]any }
	if err := json.Unmarshal(body, &in); err != nil || len(in.Entries) == 0 || len(in.Entries) > 10 {
		f.t.Errorf("PutEvents: body %q (%v): want 1 to 10 entries", body, err)
	}
	var results []map[string]any
	failed := 0
	for n, e := range in.Entries {
		if n == 0 {
			code := ""
			for _, c := range []string{"ThrottlingException", "MalformedDetail"} {
				if f.fault("entryfail:" + c) {
					code = c
				}
			}
			if code != "" {
				failed++
				results = append(results, map[string]any{"ErrorCode": code, "ErrorMessage": "injected"})
				continue
			}
		}
		f.events = append(f.events, e)
		results = append(results, map[string]any{"EventId": fmt.Sprintf("e%d", len(f.events))})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(map[string]any{"FailedEntryCount": failed, "Entries": results})
}
