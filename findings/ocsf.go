package findings

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
)

// OCSF output: each finding as one OCSF 1.1.0 Detection Finding (class 2004,
// category 2 Findings), the shape Amazon Security Lake custom sources and
// the newer Security Hub use. Written as JSON Lines by the ocsf:PATH sink;
// converting to Parquet for Security Lake is left to the loader.

// ocsfVersion is the OCSF schema version the output follows (metadata.version).
const ocsfVersion = "1.1.0"

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
	Actor       *ocsfActor      `json:"actor,omitempty"`
	SrcEndpoint *ocsfEndpoint   `json:"src_endpoint,omitempty"`
	Remediation *ocsfRemedy     `json:"remediation,omitempty"`
	Unmapped    ocsfUnmapped    `json:"unmapped"`
}

type ocsfMetadata struct {
	Version string      `json:"version"`
	Product ocsfProduct `json:"product"`
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
	IP string `json:"ip"`
}

type ocsfRemedy struct {
	Desc       string   `json:"desc,omitempty"`
	References []string `json:"references,omitempty"`
}

type ocsfUnmapped struct {
	HuntID            string           `json:"hunt_id"`
	Table             string           `json:"table,omitempty"`
	Evidence          []map[string]any `json:"evidence,omitempty"`
	EvidenceTruncated bool             `json:"evidence_truncated,omitempty"`
	Sources           []string         `json:"sources,omitempty"`
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
// Resource, account and region go to resources and cloud; an actor that is
// an IP address becomes src_endpoint.ip, any other actor actor.user.uid;
// evidence rows, sources and the hunt's table go to unmapped.
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
		Metadata:  ocsfMetadata{Version: ocsfVersion, Product: ocsfProduct{Name: "hunt", VendorName: "hunt"}},
		FindingInfo: ocsfFindingInfo{
			UID: f.ID, Title: f.Title, Desc: f.Description,
			FirstSeenTime: f.FirstSeen.UnixMilli(), LastSeenTime: f.LastSeen.UnixMilli(),
			Analytic: ocsfAnalytic{UID: f.HuntID, Name: f.HuntID, TypeID: 1, Type: "Rule"},
		},
		Cloud:     ocsfCloud{Provider: "AWS", Region: f.Region},
		Resources: []ocsfResource{{UID: f.Resource, Type: f.ResourceType, Region: f.Region}},
		Unmapped: ocsfUnmapped{
			HuntID: f.HuntID, Table: f.Table,
			Evidence: f.Evidence, EvidenceTruncated: f.EvidenceTruncated, Sources: f.Sources,
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
	if f.Actor != "" {
		if _, err := netip.ParseAddr(f.Actor); err == nil {
			o.SrcEndpoint = &ocsfEndpoint{IP: f.Actor}
		} else {
			o.Actor = &ocsfActor{User: ocsfUser{UID: f.Actor}}
		}
	}
	if f.Remediation != "" || len(f.References) > 0 {
		o.Remediation = &ocsfRemedy{Desc: f.Remediation, References: f.References}
	}
	return o
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
