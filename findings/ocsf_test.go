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
		{[]string{"actor", "user", "uid"}, f.Actor},
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

	f.Actor = "198.51.100.7"
	o = toOCSF(&f)
	if o.Actor != nil || o.SrcEndpoint == nil || o.SrcEndpoint.IP != "198.51.100.7" {
		t.Errorf("IP actor: got actor %+v, src_endpoint %+v; want src_endpoint.ip", o.Actor, o.SrcEndpoint)
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
