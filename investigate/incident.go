package investigate

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hunt-sec/hunt/findings"
)

// DefaultGap is how close in time two findings of one actor must be to
// belong to one incident.
const DefaultGap = time.Hour

// Incident is the findings of one actor (a principal, a session or an
// address) that follow each other within the gap: one story.
type Incident struct {
	Actor    string             `json:"actor"`
	First    time.Time          `json:"first_seen"`
	Last     time.Time          `json:"last_seen"`
	Severity string             `json:"severity"` // the highest of its findings
	Findings []findings.Finding `json:"findings"` // by first seen: its timeline
}

// actorOf is who a finding is about: its actor, else its resource.
func actorOf(f findings.Finding) string {
	if f.Actor != "" {
		return f.Actor
	}
	return f.Resource
}

// Incidents groups findings by actor, and within an actor those whose
// times lie within gap of the incident so far. Incidents come by first
// seen, then actor.
func Incidents(fs []findings.Finding, gap time.Duration) []Incident {
	sorted := slices.Clone(fs)
	slices.SortStableFunc(sorted, func(a, b findings.Finding) int {
		if c := strings.Compare(actorOf(a), actorOf(b)); c != 0 {
			return c
		}
		if c := a.FirstSeen.Compare(b.FirstSeen); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	var out []Incident
	for _, f := range sorted {
		last := len(out) - 1
		if last >= 0 && out[last].Actor == actorOf(f) && !f.FirstSeen.After(out[last].Last.Add(gap)) {
			in := &out[last]
			in.Findings = append(in.Findings, f)
			if f.LastSeen.After(in.Last) {
				in.Last = f.LastSeen
			}
			if !f.IsAtLeast(in.Severity) {
				continue
			}
			in.Severity = f.Severity
			continue
		}
		out = append(out, Incident{Actor: actorOf(f), First: f.FirstSeen, Last: f.LastSeen, Severity: f.Severity, Findings: []findings.Finding{f}})
	}
	slices.SortStableFunc(out, func(a, b Incident) int {
		if c := a.First.Compare(b.First); c != 0 {
			return c
		}
		return strings.Compare(a.Actor, b.Actor)
	})
	return out
}

// WriteIncidents prints incidents for a terminal: one line per incident,
// then its findings' timeline, indented.
func WriteIncidents(w io.Writer, incidents []Incident) error {
	for i, in := range incidents {
		if _, err := fmt.Fprintf(w, "incident %d: %s  %s  %s .. %s  %d findings\n", i+1, in.Severity, in.Actor,
			in.First.Format(time.RFC3339), in.Last.Format(time.RFC3339), len(in.Findings)); err != nil {
			return err
		}
		for _, f := range in.Findings {
			if _, err := fmt.Fprintf(w, "  %s  %-8s %s  %s  (%s)\n", f.FirstSeen.Format(time.RFC3339), f.Severity, f.HuntID, f.Resource, f.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
