package findings

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func validFinding() Finding {
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	return Finding{
		ID: "f1", HuntID: "root_login", Title: "Root login", Severity: SeverityHigh,
		Resource: "arn:aws:iam::111122223333:root", ResourceType: "AwsIamUser",
		FirstSeen: t0, LastSeen: t0.Add(time.Minute), Count: 2, Table: "cloudtrail_logs",
	}
}

func TestFindingValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(f *Finding)
		want   string // substring of the error; "" for none
	}{
		{"valid", func(f *Finding) {}, ""},
		{"no id", func(f *Finding) { f.ID = "" }, "expected id"},
		{"no hunt", func(f *Finding) { f.HuntID = "" }, "expected hunt_id"},
		{"no title", func(f *Finding) { f.Title = "" }, "expected title"},
		{"no resource", func(f *Finding) { f.Resource = "" }, "expected resource"},
		{"zero time", func(f *Finding) { f.FirstSeen = time.Time{} }, "zero time"},
		{"reversed", func(f *Finding) { f.LastSeen = f.FirstSeen.Add(-time.Second) }, "last_seen >= first_seen"},
		{"bad severity", func(f *Finding) { f.Severity = "SEVERE" }, `found "SEVERE"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validFinding()
			tt.mutate(&f)
			err := f.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v; want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v; want error containing %q", err, tt.want)
			}
		})
	}
}

func TestFindingIsAtLeast(t *testing.T) {
	tests := []struct {
		sev, min string
		want     bool
	}{
		{SeverityHigh, SeverityMedium, true},
		{SeverityHigh, SeverityHigh, true},
		{SeverityLow, SeverityCritical, false},
		{SeverityInformational, "bogus", true},
	}
	for _, tt := range tests {
		f := Finding{Severity: tt.sev}
		if got := f.IsAtLeast(tt.min); got != tt.want {
			t.Errorf("%s.IsAtLeast(%s) = %v; want %v", tt.sev, tt.min, got, tt.want)
		}
	}
}

func TestFindingJSONTags(t *testing.T) {
	f := validFinding()
	f.Tactics = []string{"TA0004"}
	f.Evidence = []map[string]any{{"eventName": "ConsoleLogin"}}
	b, err := json.Marshal(&f)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"id":"f1"`, `"hunt_id":"root_login"`, `"resource_type":"AwsIamUser"`, `"first_seen":"2024-05-01T10:00:00Z"`, `"tactics":["TA0004"]`, `"evidence":[{"eventName":"ConsoleLogin"}]`, `"table":"cloudtrail_logs"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("got %s; want it to contain %s", b, key)
		}
	}
	var back Finding
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.ID != f.ID || !back.FirstSeen.Equal(f.FirstSeen) || back.Count != f.Count {
		t.Fatalf("round trip: got %+v; want %+v", back, f)
	}
}
