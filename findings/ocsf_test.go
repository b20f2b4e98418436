package findings

import (
	"encoding/json"
	"testing"
)

func TestToOCSF(t *testing.T) {
	f := sinkFinding(1)
	o := toOCSF(&f)
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	get := func(path ...string) any {
		var v any = m
		for _, p := range path {
			obj, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = obj[p]
		}
		return v
	}
	tests := []struct {
		path []string
		want any
	}{
		{[]string{"class_uid"}, float64(2004)},
		{[]string{"category_uid"}, float64(2)},
		{[]string{"type_uid"}, float64(200401)},
		{[]string{"severity_id"}, float64(4)},
		{[]string{"severity"}, "High"},
		{[]string{"count"}, float64(2)},
		{[]string{"time"}, float64(f.LastSeen.UnixMilli())},
		{[]string{"metadata", "version"}, "1.1.0"},
		{[]string{"finding_info", "uid"}, f.ID},
		{[]string{"finding_info", "analytic", "uid"}, "sg_open_world"},
		{[]string{"finding_info", "first_seen_time"}, float64(f.FirstSeen.UnixMilli())},
		{[]string{"cloud", "provider"}, "AWS"},
		{[]string{"cloud", "account", "uid"}, "111122223333"},
		{[]string{"cloud", "region"}, "us-east-1"},
		{[]string{"unmapped", "hunt_id"}, "sg_open_world"},
	}
	for _, tt := range tests {
		if got := get(tt.path...); got != tt.want {
			t.Errorf("%v: got %v; want %v", tt.path, got, tt.want)
		}
	}
	attacks := get("finding_info", "attacks").([]any)
	first := attacks[0].(map[string]any)["tactic"].(map[string]any)
	if len(attacks) != 3 || first["uid"] != "TA0005" || first["name"] != "Defense Evasion" {
		t.Errorf("got attacks %v; want TA0005 Defense Evasion, TA0001, T1562.007", attacks)
	}

	if p, _ := get("metadata", "profiles").([]any); len(p) != 1 || p[0] != "cloud" {
		t.Errorf("metadata.profiles = %v; want [cloud]", get("metadata", "profiles"))
	}
	if _, ok := m["src_endpoint"]; ok {
		t.Error("src_endpoint at the top level: Detection Finding has none")
	}
	if _, ok := m["actor"]; ok {
		t.Error("actor at the top level: needs the host profile")
	}
	ev := get("evidences").([]any)
	e0 := ev[0].(map[string]any)
	if len(ev) != 2 || e0["src_endpoint"].(map[string]any)["ip"] != "198.51.100.7" || e0["data"].(map[string]any)["eventname"] != "AuthorizeSecurityGroupIngress" {
		t.Errorf("evidences = %v; want one per evidence row, with its source IP", ev)
	}

	// Without evidence rows: one evidence item for the actor.
	f.Evidence = nil
	f.Actor = "198.51.100.7"
	o = toOCSF(&f)
	if len(o.Evidences) != 1 || o.Evidences[0].SrcEndpoint == nil || o.Evidences[0].SrcEndpoint.IP != "198.51.100.7" || o.Evidences[0].Actor != nil {
		t.Errorf("IP actor: got evidences %+v; want src_endpoint.ip", o.Evidences)
	}
	f.Actor = "arn:aws:iam::111122223333:user/alice"
	o = toOCSF(&f)
	if len(o.Evidences) != 1 || o.Evidences[0].Actor == nil || o.Evidences[0].Actor.User.UID != f.Actor {
		t.Errorf("ARN actor: got evidences %+v; want actor.user.uid", o.Evidences)
	}

	// A flow row's endpoints, ports included.
	e := ocsfEvidenceOf(map[string]any{"srcaddr": "10.0.4.9", "srcport": float64(49152), "dstaddr": "203.0.113.250", "dstport": int64(3333), "bytes": 10})
	if e.SrcEndpoint == nil || *e.SrcEndpoint != (ocsfEndpoint{IP: "10.0.4.9", Port: 49152}) || e.DstEndpoint == nil || *e.DstEndpoint != (ocsfEndpoint{IP: "203.0.113.250", Port: 3333}) {
		t.Errorf("flow row: src %+v dst %+v", e.SrcEndpoint, e.DstEndpoint)
	}
}

func TestTacticID(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"TA0005", "TA0005", true},
		{"ta0040", "TA0040", true},
		{"Defense Evasion", "TA0005", true},
		{"command-and-control", "TA0011", true},
		{"TA9999", "", false},
	}
	for _, tt := range tests {
		got, ok := tacticID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("tacticID(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
