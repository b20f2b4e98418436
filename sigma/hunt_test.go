package sigma

import (
	"slices"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/engine"
)

func TestAttack(t *testing.T) {
	tac, tech := Attack([]string{"attack.defense-evasion", "attack.t1562.008", "attack.T1098", "attack.persistence", "cve.2021-1", "attack.defense-evasion", "attack.g0016"})
	if !slices.Equal(tac, []string{"TA0005", "TA0003"}) || !slices.Equal(tech, []string{"T1562.008", "T1098"}) {
		t.Fatalf("got %v %v", tac, tech)
	}
}

func TestHuntID(t *testing.T) {
	for _, tt := range []struct{ id, title, want string }{
		{"4db60cc0-36fb-42b7-9b58-a5b53019fb74", "x", "sigma_4db60cc0_36fb_42b7_9b58_a5b53019fb74"},
		{"", "AWS: Root Login!", "sigma_aws_root_login"},
	} {
		if got := HuntID(&Rule{ID: tt.id, Title: tt.title}); got != tt.want {
			t.Errorf("HuntID(%q, %q) = %q; want %q", tt.id, tt.title, got, tt.want)
		}
	}
}

func TestFilter(t *testing.T) {
	r := &Rule{Level: "high", Status: "test", Tags: []string{"attack.persistence", "attack.t1098.001"}}
	for _, tt := range []struct {
		f    Filter
		want bool
	}{
		{Filter{}, true},
		{Filter{MinLevel: "medium"}, true},
		{Filter{MinLevel: "HIGH"}, true},
		{Filter{MinLevel: "critical"}, false},
		{Filter{Statuses: []string{"stable", "test"}}, true},
		{Filter{Statuses: []string{"stable"}}, false},
		{Filter{Tags: []string{"attack.t1098"}}, true}, // a technique selects its sub-techniques
		{Filter{Tags: []string{"attack.T1098.001"}}, true},
		{Filter{Tags: []string{"attack.t109"}}, false},
		{Filter{Tags: []string{"attack"}}, false},
		{Filter{Tags: []string{"attack.persistence"}, MinLevel: "low"}, true},
	} {
		if got := tt.f.Match(r); got != tt.want {
			t.Errorf("%+v: got %v; want %v", tt.f, got, tt.want)
		}
	}
	if err := (&Filter{MinLevel: "severe"}).Validate(); err == nil || !strings.Contains(err.Error(), `found "severe"`) {
		t.Errorf("got %v", err)
	}
	if err := (&Filter{Statuses: []string{"beta"}}).Validate(); err == nil {
		t.Error("status beta accepted")
	}
}

func TestStandalone(t *testing.T) {
	res := Parse("c.yml", []byte(`title: corr
correlation: {type: event_count, rules: [base, Titled], group-by: [x], timespan: 1m, condition: {gte: 2}}
---
title: base rule
name: base
logsource: {product: aws, service: cloudtrail}
detection: {s: {eventName: a}, condition: s}
---
title: Titled
logsource: {product: aws, service: cloudtrail}
detection: {s: {eventName: b}, condition: s}
---
title: free
logsource: {product: aws, service: cloudtrail}
detection: {s: {eventName: c}, condition: s}
---
title: gen
correlation: {type: event_count, rules: [generated], group-by: [x], timespan: 1m, condition: {gte: 2}, generate: true}
---
title: generated rule
name: generated
logsource: {product: aws, service: cloudtrail}
detection: {s: {eventName: d}, condition: s}
`))
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	var titles []string
	for _, r := range Standalone(res.Rules) {
		titles = append(titles, r.Title)
	}
	if !slices.Equal(titles, []string{"free", "generated rule"}) {
		t.Fatalf("got %v", titles)
	}
}

// TestHunt: a rule becomes a saved hunt whose header carries the rule's
// metadata and whose SQL compiles.
func TestHunt(t *testing.T) {
	res, err := Load(sigmaHQDir + "/cloudtrail/aws_cloudtrail_disable_logging.yml")
	if err != nil || len(res.Rules) != 1 {
		t.Fatal(err, res)
	}
	h, err := Hunt(res.Rules[0], Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h.ID != "sigma_4db60cc0_36fb_42b7_9b58_a5b53019fb74" || h.Severity != "MEDIUM" || h.Table != "cloudtrail" ||
		len(h.Tactics) != 0 || !slices.Equal(h.Techniques, []string{"T1685.002"}) || len(h.References) != 1 ||
		!strings.HasPrefix(h.Description, "Sigma rule 4db60cc0-36fb-42b7-9b58-a5b53019fb74 by vitaliy0x1 (Detection Rule License 1.1); level medium, status test") {
		t.Fatalf("got %+v", h)
	}
	if _, err := h.Compile(engine.Options{}); err != nil {
		t.Fatal(err)
	}
	// A VPC flow rule reads vpc_flow.
	res = Parse("v.yml", []byte("title: v\nlevel: low\nlogsource: {product: aws, service: vpcflowlogs}\ndetection: {s: {action: REJECT, dstport: 22}, condition: s}\n"))
	h, err = Hunt(res.Rules[0], Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.SQL, "WHERE coalesce(lower(action) = 'reject' AND dstport = 22, false)") {
		t.Errorf("got %s", h.SQL)
	}
	if _, err := h.Compile(engine.Options{}); err != nil {
		t.Fatal(err)
	}
	// A rule without a level has no severity to give: a positioned error.
	res = Parse("n.yml", []byte("title: n\nlogsource: {product: aws, service: cloudtrail}\ndetection: {s: {eventName: x}, condition: s}\n"))
	if _, err := Hunt(res.Rules[0], Options{}); err == nil || !strings.HasPrefix(err.Error(), "n.yml:1:1: level: expected a level") {
		t.Errorf("got %v", err)
	}
	// Other logsources are positioned errors.
	res = Parse("w.yml", []byte("title: w\nlevel: low\nlogsource:\n  product: windows\ndetection: {s: {a: 1}, condition: s}\n"))
	if _, err := Hunt(res.Rules[0], Options{}); err == nil || !strings.HasPrefix(err.Error(), "w.yml:4:3: logsource: expected product aws") {
		t.Errorf("got %v", err)
	}
}
