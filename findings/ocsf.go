package findings

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// OCSF output: each finding as one OCSF 1.1.0 Detection Finding (class 2004,
// category 2 Findings), the shape Amazon Security Lake custom sources and
// the newer Security Hub use. Written as JSON Lines by the ocsf:PATH sink;
// converting to Parquet for Security Lake is left to the loader. The output
// is checked against the OCSF 1.1.0 schema (findings/testdata/ocsf) by
// TestOCSFSchema.

// ocsfVersion is the OCSF schema version the output follows (metadata.version).
const ocsfVersion = "1.1.0"

// ocsfProfiles are the profiles the output applies (metadata.profiles):
// cloud brings the cloud attribute.
var ocsfProfiles = []string{"cloud"}

// tacticNames maps MITRE ATT&CK Enterprise tactic IDs to their names.
var tacticNames = map[string]string{
	"TA0001": "Initial Access",
	"TA0002": "Execution",
	"TA0003": "Persistence",
	"TA0004": "Privilege Escalation",
	"TA0005": "Defense Evasion",
	"TA0006": "Credential Access",
	"TA0007": "Discovery",
	"TA0008": "Lateral Movement",
	"TA0009": "Collection",
	"TA0010": "Exfiltration",
	"TA0011": "Command and Control",
	"TA0040": "Impact",
	"TA0042": "Resource Development",
	"TA0043": "Reconnaissance",
}

// tacticID returns the MITRE ID of a tactic given by ID ("TA0005") or by
// name ("Defense Evasion", "defense-evasion"), and false if unknown.
func tacticID(t string) (string, bool) {
	t = strings.TrimSpace(t)
	if _, ok := tacticNames[strings.ToUpper(t)]; ok {
		return strings.ToUpper(t), true
	}
	norm := strings.NewReplacer("-", " ", "_", " ").Replace(t)
	for id, name := range tacticNames {
		if strings.EqualFold(name, norm) {
			return id, true
		}
	}
	return "", false
}

type ocsfFinding struct {
	ClassUID     int    `json:"class_uid"`
	ClassName    string `json:"class_name"`
	CategoryUID  int    `json:"category_uid"`
	CategoryName string `json:"category_name"`
	ActivityID   int    `json:"activity_id"`
	ActivityName string `json:"activity_name"`
	TypeUID      int    `json:"type_uid"`
	TypeName     string `json:"type_name"`
	SeverityID   int    `json:"severity_id"`
	Severity     string `json:"severity"`
	StatusID     int    `json:"status_id"`
	Status       string `json:"status"`
	Time         int64  `json:"time"`
	StartTime    int64  `json:"start_time"`
	EndTime      int64  `json:"end_time"`
	Count        int64  `json:"count"`
	Message      string `json:"message"`

	Metadata    ocsfMetadata    `json:"metadata"`
	FindingInfo ocsfFindingInfo `json:"finding_info"`
	Cloud       ocsfCloud       `json:"cloud"`
	Resources   []ocsfResource  `json:"resources"`
	Evidences   []ocsfEvidence  `json:"evidences,omitempty"`
	Remediation *ocsfRemedy     `json:"remediation,omitempty"`
	Unmapped    ocsfUnmapped    `json:"unmapped"`
}

type ocsfMetadata struct {
	Version  string      `json:"version"`
	Profiles []string    `json:"profiles"`
	Product  ocsfProduct `json:"product"`
}

// ocsfEvidence is one evidence artifact: an evidence row of the hunt (in
// data) with the actor and network endpoints it names.
type ocsfEvidence struct {
	Actor       *ocsfActor     `json:"actor,omitempty"`
	SrcEndpoint *ocsfEndpoint  `json:"src_endpoint,omitempty"`
	DstEndpoint *ocsfEndpoint  `json:"dst_endpoint,omitempty"`
	Data        map[string]any `json:"data,omitempty"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
}

type ocsfFindingInfo struct {
	UID           string       `json:"uid"`
	Title         string       `json:"title"`
	Desc          string       `json:"desc,omitempty"`
	FirstSeenTime int64        `json:"first_seen_time"`
	LastSeenTime  int64        `json:"last_seen_time"`
	Analytic      ocsfAnalytic `json:"analytic"`
	Attacks       []ocsfAttack `json:"attacks,omitempty"`
	DataSources   []string     `json:"data_sources,omitempty"`
	Types         []string     `json:"types,omitempty"`
}

type ocsfAnalytic struct {
	UID    string `json:"uid"`
	Name   string `json:"name"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
}

type ocsfAttack struct {
	Tactic    *ocsfTechnique `json:"tactic,omitempty"`
	Technique *ocsfTechnique `json:"technique,omitempty"`
}

type ocsfTechnique struct {
	UID  string `json:"uid"`
	Name string `json:"name,omitempty"`
}

type ocsfCloud struct {
	Provider string       `json:"provider"`
	Region   string       `json:"region,omitempty"`
	Account  *ocsfAccount `json:"account,omitempty"`
}

type ocsfAccount struct {
	UID string `json:"uid"`
}

type ocsfResource struct {
	UID    string `json:"uid"`
	Type   string `json:"type,omitempty"`
	Region string `json:"region,omitempty"`
}

type ocsfActor struct {
	User ocsfUser `json:"user"`
}

type ocsfUser struct {
	UID string `json:"uid"`
}

type ocsfEndpoint struct {
	IP   string `json:"ip"`
	Port int    `json:"port,omitempty"`
}

type ocsfRemedy struct {
	Desc       string   `json:"desc,omitempty"`
	References []string `json:"references,omitempty"`
}

type ocsfUnmapped struct {
	HuntID            string   `json:"hunt_id"`
	Table             string   `json:"table,omitempty"`
	EvidenceTruncated bool     `json:"evidence_truncated,omitempty"`
	Sources           []string `json:"sources,omitempty"`
}

// ocsfSeverity maps a severity label to OCSF severity_id and its caption.
func ocsfSeverity(label string) (int, string) {
	switch label {
	case SeverityInformational:
		return 1, "Informational"
	case SeverityLow:
		return 2, "Low"
	case SeverityMedium:
		return 3, "Medium"
	case SeverityHigh:
		return 4, "High"
	case SeverityCritical:
		return 5, "Critical"
	}
	return 0, "Unknown"
}

// toOCSF maps f to an OCSF Detection Finding (activity Create, status New).
// Resource, account and region go to resources and cloud (the cloud
// profile); each evidence row becomes an evidences item, the row in data
// and the actor and network endpoints it names in actor, src_endpoint and
// dst_endpoint (Detection Finding has no top-level src_endpoint, and a
// top-level actor needs the host profile); a finding without evidence rows
// gets one item for its actor. Sources and the hunt's table go to unmapped.
func toOCSF(f *Finding) ocsfFinding {
	sevID, sev := ocsfSeverity(f.Severity)
	o := ocsfFinding{
		ClassUID: 2004, ClassName: "Detection Finding",
		CategoryUID: 2, CategoryName: "Findings",
		ActivityID: 1, ActivityName: "Create",
		TypeUID: 200401, TypeName: "Detection Finding: Create",
		SeverityID: sevID, Severity: sev,
		StatusID: 1, Status: "New",
		Time:      f.LastSeen.UnixMilli(),
		StartTime: f.FirstSeen.UnixMilli(),
		EndTime:   f.LastSeen.UnixMilli(),
		Count:     f.Count,
		Message:   f.Title,
		Metadata:  ocsfMetadata{Version: ocsfVersion, Profiles: ocsfProfiles, Product: ocsfProduct{Name: "hunt", VendorName: "hunt"}},
		FindingInfo: ocsfFindingInfo{
			UID: f.ID, Title: f.Title, Desc: f.Description,
			FirstSeenTime: f.FirstSeen.UnixMilli(), LastSeenTime: f.LastSeen.UnixMilli(),
			Analytic: ocsfAnalytic{UID: f.HuntID, Name: f.HuntID, TypeID: 1, Type: "Rule"},
		},
		Cloud:     ocsfCloud{Provider: "AWS", Region: f.Region},
		Resources: []ocsfResource{{UID: f.Resource, Type: f.ResourceType, Region: f.Region}},
		Unmapped: ocsfUnmapped{
			HuntID: f.HuntID, Table: f.Table,
			EvidenceTruncated: f.EvidenceTruncated, Sources: f.Sources,
		},
	}
	if f.Table != "" {
		o.FindingInfo.DataSources = []string{f.Table}
	}
	if f.Account != "" {
		o.Cloud.Account = &ocsfAccount{UID: f.Account}
	}
	for _, t := range f.Tactics {
		tt := &ocsfTechnique{UID: t}
		if id, ok := tacticID(t); ok {
			tt = &ocsfTechnique{UID: id, Name: tacticNames[id]}
		}
		o.FindingInfo.Attacks = append(o.FindingInfo.Attacks, ocsfAttack{Tactic: tt})
	}
	for _, t := range f.Techniques {
		o.FindingInfo.Attacks = append(o.FindingInfo.Attacks, ocsfAttack{Technique: &ocsfTechnique{UID: t}})
	}
	o.FindingInfo.Types = asffTypes(f)
	for _, row := range f.Evidence {
		o.Evidences = append(o.Evidences, ocsfEvidenceOf(row))
	}
	if len(o.Evidences) == 0 && f.Actor != "" {
		var e ocsfEvidence
		if _, err := netip.ParseAddr(f.Actor); err == nil {
			e.SrcEndpoint = &ocsfEndpoint{IP: f.Actor}
		} else {
			e.Actor = &ocsfActor{User: ocsfUser{UID: f.Actor}}
		}
		o.Evidences = append(o.Evidences, e)
	}
	if f.Remediation != "" || len(f.References) > 0 {
		o.Remediation = &ocsfRemedy{Desc: f.Remediation, References: f.References}
	}
	return o
}

// ocsfEvidenceOf maps an evidence row: the row is the data; its actor
// (an ARN or name; an IP address is a source endpoint), srcaddr or
// sourceipaddress and srcport, and dstaddr and dstport become the actor
// and the endpoints.
func ocsfEvidenceOf(row map[string]any) ocsfEvidence {
	e := ocsfEvidence{Data: row}
	ip := func(keys ...string) string {
		for _, k := range keys {
			if s, ok := row[k].(string); ok {
				if _, err := netip.ParseAddr(s); err == nil {
					return s
				}
			}
		}
		return ""
	}
	if src := ip("srcaddr", "sourceipaddress"); src != "" {
		e.SrcEndpoint = &ocsfEndpoint{IP: src, Port: ocsfPort(row["srcport"])}
	}
	if dst := ip("dstaddr"); dst != "" {
		e.DstEndpoint = &ocsfEndpoint{IP: dst, Port: ocsfPort(row["dstport"])}
	}
	if a, ok := row["actor"].(string); ok && a != "" {
		if _, err := netip.ParseAddr(a); err != nil {
			e.Actor = &ocsfActor{User: ocsfUser{UID: a}}
		} else if e.SrcEndpoint == nil {
			e.SrcEndpoint = &ocsfEndpoint{IP: a}
		}
	}
	return e
}

// ocsfPort reads a port number from an evidence value, 0 if it is none.
func ocsfPort(v any) int {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case float64:
		n = int64(x)
		if float64(n) != x {
			return 0
		}
	case json.Number:
		n, _ = x.Int64()
	case string:
		n, _ = strconv.ParseInt(x, 10, 32)
	}
	if n < 1 || n > 65535 {
		return 0
	}
	return int(n)
}

// appendOCSFLines appends one OCSF Detection Finding JSON line per finding.
func appendOCSFLines(dst []byte, fs []Finding) ([]byte, error) {
	for i := range fs {
		b, err := json.Marshal(toOCSF(&fs[i]))
		if err != nil {
			return dst, fmt.Errorf("finding %s: cannot encode as OCSF JSON: %w", fs[i].ID, err)
		}
		dst = append(append(dst, b...), '\n')
	}
	return dst, nil
}
