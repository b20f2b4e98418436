package investigate

import (
	"strings"
	"testing"
	"time"

	"github.com/hunt-sec/hunt/findings"
)

func at(min int) time.Time {
	return time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC).Add(time.Duration(min) * time.Minute)
}

func fnd(id, actor, resource, sev string, first, last int) findings.Finding {
	return findings.Finding{ID: id, HuntID: "h_" + id, Actor: actor, Resource: resource, Severity: sev, FirstSeen: at(first), LastSeen: at(last)}
}

func TestIncidents(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []findings.Finding
		want []string // per incident: actor, severity, then finding IDs
	}{
		{"none", nil, nil},
		{"one actor, close in time", []findings.Finding{fnd("b", "alice", "r", "LOW", 30, 40), fnd("a", "alice", "r", "HIGH", 0, 10)},
			[]string{"alice HIGH a b"}},
		{"gap measured from the incident's last seen", []findings.Finding{fnd("a", "alice", "r", "LOW", 0, 50), fnd("b", "alice", "r", "LOW", 110, 111), fnd("c", "alice", "r", "LOW", 172, 172)},
			[]string{"alice LOW a b", "alice LOW c"}},
		{"two actors apart", []findings.Finding{fnd("a", "alice", "r", "LOW", 0, 0), fnd("b", "bob", "r", "MEDIUM", 5, 5)},
			[]string{"alice LOW a", "bob MEDIUM b"}},
		{"no actor: by resource", []findings.Finding{fnd("a", "", "10.0.1.5", "LOW", 0, 0), fnd("b", "", "10.0.1.5", "CRITICAL", 20, 20)},
			[]string{"10.0.1.5 CRITICAL a b"}},
		{"severity is the highest", []findings.Finding{fnd("a", "x", "r", "HIGH", 0, 0), fnd("b", "x", "r", "LOW", 1, 1)},
			[]string{"x HIGH a b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Incidents(tc.in, DefaultGap)
			if len(got) != len(tc.want) {
				t.Fatalf("%d incidents, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, in := range got {
				s := in.Actor + " " + in.Severity
				for _, f := range in.Findings {
					s += " " + f.ID
				}
				if s != tc.want[i] {
					t.Errorf("incident %d = %q, want %q", i, s, tc.want[i])
				}
			}
		})
	}
}

func TestWriteIncidents(t *testing.T) {
	var b strings.Builder
	in := Incidents([]findings.Finding{fnd("a", "alice", "bucket", "HIGH", 0, 10), fnd("b", "alice", "bucket", "LOW", 30, 40)}, DefaultGap)
	if err := WriteIncidents(&b, in); err != nil {
		t.Fatal(err)
	}
	want := "incident 1: HIGH  alice  2024-03-05T10:00:00Z .. 2024-03-05T10:40:00Z  2 findings\n" +
		"  2024-03-05T10:00:00Z  HIGH     h_a  bucket  (a)\n" +
		"  2024-03-05T10:30:00Z  LOW      h_b  bucket  (b)\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
