package findings

import (
	"fmt"
	"slices"
	"time"
)

// Severity labels, as in the AWS Security Finding Format (ASFF) Severity.Label.
const (
	SeverityInformational = "INFORMATIONAL"
	SeverityLow           = "LOW"
	SeverityMedium        = "MEDIUM"
	SeverityHigh          = "HIGH"
	SeverityCritical      = "CRITICAL"
)

// severities lists the valid severity labels from least to most severe.
var severities = [...]string{SeverityInformational, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// SeverityRank returns the rank of the severity label s, 0 for
// INFORMATIONAL to 4 for CRITICAL, and false if s is not a valid label.
func SeverityRank(s string) (int, bool) {
	i := slices.Index(severities[:], s)
	return i, i >= 0
}

// Finding is what one saved hunt reports about one resource and actor within
// one suppression window: the rows of the hunt's result that share a dedup key
// and fall into the same window bucket, folded together.
//
// The JSON tags are the JSON Lines format written by the stdout and file sinks
// and stored in golden files; they are stable.
type Finding struct {
	// ID is stable across runs: a hash of HuntID, the dedup key values and the
	// window bucket (see [NewID]). Sinks and run state key on it.
	ID string `json:"id"`

	HuntID      string `json:"hunt_id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// Severity is one of the Severity* labels.
	Severity string `json:"severity"`

	// Tactics and Techniques are MITRE ATT&CK IDs, e.g. TA0005 and T1562.008.
	Tactics    []string `json:"tactics,omitempty"`
	Techniques []string `json:"techniques,omitempty"`

	// Resource names what the finding is about (a user ARN, a security group
	// ID, a bucket name, an IP address); ResourceType is its ASFF resource type,
	// e.g. AwsIamUser, AwsEc2SecurityGroup, AwsS3Bucket or Other.
	Resource     string `json:"resource"`
	ResourceType string `json:"resource_type"`
	// Actor names who did it: a principal ARN or a source IP address.
	Actor string `json:"actor,omitempty"`

	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`

	// FirstSeen and LastSeen bound the event times of the rows folded into
	// the finding; Count is how many rows there were (or the sum of the
	// hunt's count column, for hunts that aggregate).
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Count     int64     `json:"count"`

	// Evidence holds up to the cap of result rows, column name to value;
	// EvidenceTruncated reports that more rows were folded in than kept.
	Evidence          []map[string]any `json:"evidence,omitempty"`
	EvidenceTruncated bool             `json:"evidence_truncated,omitempty"`

	// Sources are the URIs of the log objects the rows came from, sorted.
	Sources []string `json:"sources,omitempty"`

	Remediation string   `json:"remediation,omitempty"`
	References  []string `json:"references,omitempty"`

	// Table is the table the hunt reads: cloudtrail_logs or vpc_flow_logs.
	Table string `json:"table"`
}

// Validate reports the first missing or malformed field that a sink relies on.
func (f *Finding) Validate() error {
	switch {
	case f.ID == "":
		return fmt.Errorf("finding: expected id, found none")
	case f.HuntID == "":
		return fmt.Errorf("finding %s: expected hunt_id, found none", f.ID)
	case f.Title == "":
		return fmt.Errorf("finding %s: expected title, found none", f.ID)
	case f.Resource == "":
		return fmt.Errorf("finding %s: expected resource, found none", f.ID)
	case f.FirstSeen.IsZero() || f.LastSeen.IsZero():
		return fmt.Errorf("finding %s: expected first_seen and last_seen, found zero time", f.ID)
	case f.LastSeen.Before(f.FirstSeen):
		return fmt.Errorf("finding %s: expected last_seen >= first_seen, found %s < %s", f.ID, f.LastSeen.Format(time.RFC3339), f.FirstSeen.Format(time.RFC3339))
	}
	if _, ok := SeverityRank(f.Severity); !ok {
		return fmt.Errorf("finding %s: expected severity INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL, found %q", f.ID, f.Severity)
	}
	return nil
}

// IsAtLeast reports whether f's severity is min or more severe. An unknown
// min or severity compares as INFORMATIONAL.
func (f *Finding) IsAtLeast(min string) bool {
	a, _ := SeverityRank(f.Severity)
	b, _ := SeverityRank(min)
	return a >= b
}
