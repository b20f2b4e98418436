package findings

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var day = func(d int) time.Time { return time.Date(2024, 3, d, 0, 0, 0, 0, time.UTC) }

func TestStateObjects(t *testing.T) {
	s := NewState()
	all := []string{"a", "b"}
	const src = "s3://trail/AWSLogs/"
	v1 := ObjectVersion("etag1", 10, time.Time{})
	if got := s.Needed(src, "k1", v1, day(5), all); !slices.Equal(got, all) {
		t.Fatalf("new object: got %v; want %v", got, all)
	}
	s.MarkRead(src, "k1", v1, day(5), []string{"a"})
	tests := []struct {
		name, key, version string
		date               time.Time
		want               []string
	}{
		{"read by a only", "k1", v1, day(5), []string{"b"}},
		{"rewritten", "k1", ObjectVersion("etag2", 10, time.Time{}), day(5), all},
		{"other key", "k2", v1, day(5), all},
	}
	for _, tt := range tests {
		if got := s.Needed(src, tt.key, tt.version, tt.date, all); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v; want %v", tt.name, got, tt.want)
		}
	}
	s.MarkRead(src, "k1", v1, day(5), []string{"b"})
	if got := s.Needed(src, "k1", v1, day(5), all); got != nil {
		t.Fatalf("read by a then b: got %v; want none", got)
	}
	// Horizon: the newest date (day 10) minus 48h.
	s.MarkRead(src, "k10", v1, day(10), all)
	s.MarkRead(src, "nodate", v1, time.Time{}, all)
	s.MarkRead(src, "gone", v1, time.Time{}, all)
	s.Advance(src, 48*time.Hour, map[string]bool{"k1": true, "k10": true, "nodate": true})
	if h := s.Horizon(src); !h.Equal(day(8)) {
		t.Fatalf("horizon: got %s; want %s", h, day(8))
	}
	if _, ok := s.Sources[src].Objects["k1"]; ok {
		t.Errorf("k1 (day 5) kept behind the horizon (day 8)")
	}
	if _, ok := s.Sources[src].Objects["gone"]; ok {
		t.Errorf("undated object no longer listed was kept")
	}
	if _, ok := s.Sources[src].Objects["nodate"]; !ok {
		t.Errorf("undated listed object dropped")
	}
	// Behind the horizon counts as read, even unseen (late delivery into an
	// old folder is not how CloudTrail delivers).
	if got := s.Needed(src, "k-old", v1, day(7), all); got != nil {
		t.Errorf("object dated before the horizon: got %v; want none", got)
	}
	// A late object dated inside the window is still read.
	if got := s.Needed(src, "k9-late", v1, day(9), all); !slices.Equal(got, all) {
		t.Errorf("late object in the window: got %v; want %v", got, all)
	}
	// The horizon never moves back.
	s.Sources[src].Objects = map[string]*ObjectState{}
	s.MarkRead(src, "k3", v1, day(3), all)
	s.Advance(src, 48*time.Hour, nil)
	if h := s.Horizon(src); !h.Equal(day(8)) {
		t.Errorf("horizon moved back to %s", h)
	}
}

func TestStateFindings(t *testing.T) {
	s := NewState()
	f := Finding{ID: "f1", HuntID: "h", FirstSeen: day(5).Add(3 * time.Hour), LastSeen: day(5).Add(4 * time.Hour)}
	s.AddPending(f, []string{"file:x"})
	s.AddPending(f, []string{"stdout"})
	if p := s.PendingFinding("f1"); p == nil || !slices.Equal(p.DeliveredTo, []string{"file:x", "stdout"}) {
		t.Fatalf("pending: got %+v", p)
	}
	if s.Delivered("f1") {
		t.Fatal("pending finding reported delivered")
	}
	s.MarkDelivered(&f, 24*time.Hour, day(6))
	if !s.Delivered("f1") || s.PendingFinding("f1") != nil {
		t.Fatalf("after MarkDelivered: delivered %v, pending %v", s.Delivered("f1"), s.PendingFinding("f1"))
	}
	if u := s.Findings["f1"].Until; !u.Equal(day(6)) {
		t.Fatalf("until: got %s; want %s", u, day(6))
	}
	g := Finding{ID: "forever", HuntID: "h0", FirstSeen: day(1), LastSeen: day(1)}
	s.MarkDelivered(&g, 0, day(2))
	if n := s.ForgetBefore(day(20)); n != 1 || s.Delivered("f1") || !s.Delivered("forever") {
		t.Fatalf("ForgetBefore: dropped %d; f1 %v, forever %v", n, s.Delivered("f1"), s.Delivered("forever"))
	}
}

func TestStateSaveLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	s, err := LoadState(path)
	if err != nil || len(s.Sources) != 0 {
		t.Fatalf("missing file: got %v, %v; want an empty state", s, err)
	}
	s.MarkRead("src", "k", "etag:x", day(5), []string{"a", "b"})
	s.MarkRead("src", "k2", "etag:y", day(5), []string{"c"})
	s.MarkRead("src", "k2", "etag:z", day(5), []string{"a", "b"}) // rewritten: set "c" unused now
	s.AddPending(Finding{ID: "p", HuntID: "h", Severity: SeverityLow}, nil)
	if err := s.Save(path, day(6)); err != nil {
		t.Fatal(err)
	}
	if len(s.HuntSets) != 1 {
		t.Errorf("hunt sets: got %v; want only the used one", s.HuntSets)
	}
	back, err := LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Needed("src", "k", "etag:x", day(5), []string{"a", "b"}); got != nil {
		t.Errorf("after reload: got %v; want none needed", got)
	}
	if back.PendingFinding("p") == nil || !back.UpdatedAt.Equal(day(6)) {
		t.Errorf("after reload: pending %v, updated %s", back.Pending, back.UpdatedAt)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestLoadState_Failure(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"not json", `{"version": 1,`, "expected a hunt state file (JSON), found invalid JSON"},
		{"wrong type", `{"format": "hunt-state", "version": "1", "updated_at": "2024-03-06T00:00:00Z", "sources": {}, "hunt_sets": {}, "findings": {}}`, "expected int, found JSON string"},
		{"version", `{"format": "hunt-state", "version": 3, "updated_at": "2024-03-06T00:00:00Z", "sources": {}, "hunt_sets": {}, "findings": {}}`, "version: expected 1 or 2, found 3"},
		{"unknown set", `{"version": 1, "updated_at": "2024-03-06T00:00:00Z", "sources": {"s": {"objects": {"k": {"version": "v", "hunts": "zz"}}}}, "hunt_sets": {}, "findings": {}}`, `sources["s"].objects["k"].hunts: expected a name in hunt_sets, found "zz"`},
		{"unknown field", `{"format": "hunt-state", "version": 2, "updated_at": "2024-03-06T00:00:00Z", "sources": {}, "hunt_sets": {}, "findings": {}, "colour": 1}`, `unknown field "colour"`},
		// Anything that does not say it is a state is not taken as an
		// empty one (every finding would be delivered again).
		{"empty object", `{}`, `expected a hunt state file ("format": "hunt-state", version 2), found an object without format, version, updated_at, sources, hunt_sets, findings`},
		{"null", `null`, `expected a hunt state file (a JSON object), found null`},
		{"array", `[]`, `expected a hunt state file (a JSON object), found an array`},
		{"number", ` 42`, `expected a hunt state file (a JSON object), found a number`},
		{"version only", `{"version": 1}`, `found an object without updated_at, sources, hunt_sets, findings`},
		{"partial", `{"version": 1, "updated_at": "2024-03-06T00:00:00Z", "sources": {}, "findings": {}}`, `found an object without hunt_sets`},
		{"null map", `{"version": 1, "updated_at": "2024-03-06T00:00:00Z", "sources": {}, "hunt_sets": null, "findings": {}}`, `expected sources, hunt_sets and findings objects, found null`},
		{"other format", `{"format": "terraform-state", "version": 2, "updated_at": "2024-03-06T00:00:00Z", "sources": {}, "hunt_sets": {}, "findings": {}}`, `format: expected "hunt-state", found "terraform-state"`},
		{"v2 without format", `{"version": 2, "updated_at": "2024-03-06T00:00:00Z", "sources": {}, "hunt_sets": {}, "findings": {}}`, `found an object without format`},
		{"version 0", `{"format": "hunt-state", "version": 0, "updated_at": "2024-03-06T00:00:00Z", "sources": {}, "hunt_sets": {}, "findings": {}}`, "version: expected 1 or 2, found 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			os.WriteFile(path, []byte(tt.text), 0o644)
			_, err := LoadState(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), path) {
				t.Fatalf("got %v; want %q, prefixed with the path", err, tt.want)
			}
		})
	}
}

// TestLoadState_Version1 reads a state file as hunt wrote it before states
// carried a format marker (version 1): the full shape is the marker.
func TestLoadState_Version1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	const v1 = `{
  "version": 1,
  "updated_at": "2024-03-06T00:00:00Z",
  "sources": {
    "src": {
      "horizon": "2024-03-03T00:00:00Z",
      "objects": {
        "k": {"version": "etag:x", "date": "2024-03-05T00:00:00Z", "hunts": "6ad1f5a2e2b4"}
      }
    }
  },
  "hunt_sets": {"6ad1f5a2e2b4": ["a", "b"]},
  "findings": {"f1": {"hunt_id": "h", "delivered_at": "2024-03-06T00:00:00Z", "last_seen": "2024-03-05T04:00:00Z", "until": "2024-03-06T00:00:00Z"}},
  "pending": [{"finding": {"id": "p", "hunt_id": "h", "title": "", "description": "", "severity": "LOW", "resource": "", "resource_type": "", "first_seen": "0001-01-01T00:00:00Z", "last_seen": "0001-01-01T00:00:00Z", "count": 0, "table": ""}, "delivered_to": ["stdout"]}]
}
`
	if err := os.WriteFile(path, []byte(v1), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadState(path)
	if err != nil {
		t.Fatalf("version 1 state: %v", err)
	}
	if !s.Delivered("f1") || s.PendingFinding("p") == nil || s.Needed("src", "k", "etag:x", day(5), []string{"a"}) != nil {
		t.Fatalf("version 1 state read as %+v", s)
	}
	// Saved again, it says what it is.
	if err := s.Save(path, day(7)); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "{\n  \"format\": \"hunt-state\",\n  \"version\": 2,") {
		t.Fatalf("saved state starts %.60q; want the format marker and version 2", b)
	}
	if _, err := LoadState(path); err != nil {
		t.Fatalf("reload: %v", err)
	}
}

// TestState_Streams: each stream (account, region, kind) has its own
// horizon, so a region lagging behind another is still read; a key dated
// in the future moves no horizon.
func TestState_Streams(t *testing.T) {
	s := NewState()
	all := []string{"a"}
	now := day(10)
	s.MarkReadIn("src", "ct/1/us-east-1", "east-10", "v", day(10), all)
	s.MarkReadIn("src", "ct/1/eu-west-1", "west-3", "v", day(3), all)
	s.MarkReadIn("src", "ct/1/us-east-1", "east-2099", "v", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), all)
	s.AdvanceAt("src", 48*time.Hour, nil, now)
	// eu-west-1 lags: its day-4 object is still needed, east's day-4 is behind.
	if need, behind := s.NeededIn("src", "ct/1/eu-west-1", "west-4", "v", day(4), all); !slices.Equal(need, all) || behind {
		t.Errorf("lagging region: need %v behind %v; want read", need, behind)
	}
	if need, behind := s.NeededIn("src", "ct/1/us-east-1", "east-4", "v", day(4), all); need != nil || !behind {
		t.Errorf("east day 4: need %v behind %v; want behind its horizon", need, behind)
	}
	// The 2099 key did not move the horizon: day 9 is still read.
	if need, _ := s.NeededIn("src", "ct/1/us-east-1", "east-9", "v", day(9), all); !slices.Equal(need, all) {
		t.Errorf("after a 2099 key: day 9 need %v; want read", need)
	}
	// Listing may skip only what every stream counts as read.
	if h := s.Horizon("src"); !h.Equal(day(1)) {
		t.Errorf("Horizon = %v; want the oldest stream's, day 1", h)
	}
	if got := s.ReadBy("src", "east-10", "v"); !slices.Equal(got, all) {
		t.Errorf("ReadBy = %v", got)
	}
	// The streams survive a save and load.
	path := filepath.Join(t.TempDir(), "state.json")
	if err := s.Save(path, now); err != nil {
		t.Fatal(err)
	}
	back, err := LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if need, behind := back.NeededIn("src", "ct/1/us-east-1", "east-4", "v", day(4), all); need != nil || !behind {
		t.Errorf("after load: need %v behind %v", need, behind)
	}
}

// TestStateSave_Format: Save writes the findings one at a time, and the
// file is, byte for byte, json.MarshalIndent of the state: empty, with
// findings whose IDs need escaping, with pending findings and responses.
func TestStateSave_Format(t *testing.T) {
	full := NewState()
	full.MarkRead("src", "k", "etag:x", day(5), []string{"a", "b"})
	for _, id := range []string{"b2", "a1", `q"<&>`, "findings"} {
		full.MarkDelivered(&Finding{ID: id, HuntID: "h", FirstSeen: day(5), LastSeen: day(5)}, time.Hour, day(6))
	}
	full.AddPending(Finding{ID: "p", HuntID: "findings", Severity: SeverityLow}, []string{"stdout"})
	full.Responses = &ResponseState{}
	tests := map[string]*State{"empty": NewState(), "full": full, "no findings map": {Format: stateFormat, Version: StateVersion}}
	for name, s := range tests {
		path := filepath.Join(t.TempDir(), "state.json")
		if err := s.Save(path, day(7)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if want = append(want, '\n'); !bytes.Equal(got, want) {
			t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
		}
	}
}
