package sigma

import (
	"errors"
	"strings"
	"testing"
)

// corpusDir is the shared rule corpus (see testdata/README.md); tests that
// need it skip when it is absent.
const corpusDir = "../../../shared/corpus/sigma"

// sigmaHQDir holds the SigmaHQ AWS rules shipped in testdata.
const sigmaHQDir = "../testdata/sigma/sigmahq"

func TestParse_Success(t *testing.T) {
	src := `title: Test
id: 1234
status: test
author: someone
level: high
tags:
  - attack.defense-evasion
  - attack.t1562.008
references:
  - https://example.com
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName|startswith:
      - Stop
      - Delete
  filter:
    - userAgent|contains: terraform
    - errorCode: null
  keywords:
    - evil
  condition: selection and not 1 of filter*
fields:
  - eventName
falsepositives:
  - admins
`
	res := Parse("x.yml", []byte(src))
	if len(res.Errors) != 0 || len(res.Rules) != 1 {
		t.Fatalf("got %d rules, errors %v; want 1 rule", len(res.Rules), res.Errors)
	}
	r := res.Rules[0]
	if r.Title != "Test" || r.ID != "1234" || r.Level != "high" || r.Author != "someone" || len(r.Tags) != 2 || r.Logsource.Service != "cloudtrail" {
		t.Fatalf("got %+v", r)
	}
	d := r.Detection
	if len(d.Searches) != 3 || d.Searches[0].Name != "selection" {
		t.Fatalf("got searches %+v", d.Searches)
	}
	sel := d.Searches[0].Alternatives[0]
	if len(sel) != 2 || sel[1].Field != "eventName" || sel[1].Modifiers[0] != "startswith" || len(sel[1].Values) != 2 || !sel[1].IsList {
		t.Fatalf("got items %+v", sel[1])
	}
	if sel[1].Pos != (Pos{17, 5}) {
		t.Fatalf("got pos %v; want 17:5", sel[1].Pos)
	}
	f := d.Searches[1]
	if len(f.Alternatives) != 2 || f.Alternatives[1][0].Values[0].Kind != KindNull {
		t.Fatalf("got filter %+v", f.Alternatives)
	}
	kw := d.Searches[2].Alternatives[0][0]
	if kw.Field != "" || kw.Values[0].S != "evil" {
		t.Fatalf("got keyword %+v", kw)
	}
	if got := d.Exprs[0].String(); got != "selection and not 1 of filter*" {
		t.Fatalf("got condition %q", got)
	}
}

func TestParse_Multidoc(t *testing.T) {
	src := `action: global
title: Base
level: low
logsource:
  product: aws
  service: cloudtrail
detection:
  condition: selection
---
detection:
  selection:
    eventName: A
---
title: Second
detection:
  selection:
    eventName: B
---
action: repeat
title: Third
detection:
  selection:
    eventName: C
---
action: repeat
level: high
`
	res := Parse("m.yml", []byte(src))
	if len(res.Errors) != 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	var titles []string
	for _, r := range res.Rules {
		titles = append(titles, r.Title+"="+r.Detection.Searches[0].Alternatives[0][0].Values[0].S+"/"+r.Level)
	}
	if got := strings.Join(titles, ","); got != "Base=A/low,Second=B/low,Third=C/low,Third=C/high" {
		t.Fatalf("got %s", got)
	}
}

func TestParse_Correlation(t *testing.T) {
	src := `title: Brute
id: c1
correlation:
  type: value_count
  rules:
    - failed_login
  group-by:
    - userIdentity.arn
  timespan: 5m
  condition:
    gte: 3
    field: eventName
  aliases:
    ip:
      failed_login: sourceIPAddress
  generate: true
level: high
---
title: Failed login
name: failed_login
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventName: ConsoleLogin}
  condition: selection
`
	res := Parse("c.yml", []byte(src))
	if len(res.Errors) != 0 || len(res.Rules) != 2 {
		t.Fatalf("got %d rules, errors %v", len(res.Rules), res.Errors)
	}
	c := res.Rules[0].Correlation
	if c == nil || c.Type != "value_count" || c.Timespan.Minutes() != 5 || c.Condition.Op != "gte" || c.Condition.Value != 3 ||
		c.Condition.Field != "eventName" || !c.Generate || c.GroupBy[0] != "userIdentity.arn" || c.Aliases[0].Fields["failed_login"] != "sourceIPAddress" {
		t.Fatalf("got %+v", c)
	}
	if res.Rules[1].Name != "failed_login" {
		t.Fatalf("got name %q", res.Rules[1].Name)
	}
}

// TestParse_Failure marks the expected error position with ¶ in the input.
func TestParse_Failure(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"level", "title: t\nlevel: ¶severe\nlogsource: {}\ndetection: {s: {a: 1}, condition: s}\n", `level: expected informational, low, medium, high, critical, found "severe"`},
		{"no detection", "¶title: t\nlevel: low\n", "detection: expected a detection or correlation section, found none"},
		{"unknown search", "title: t\ndetection:\n  s: {a: 1}\n  condition: s and ¶t\n", `detection.condition: expected a search identifier (s), found "t"`},
		{"unclosed", "title: t\ndetection:\n  s: {a: 1}\n  condition: (s and s¶\n", `expected ')' to close '(' at 4:14, found the end of the condition`},
		{"quoted cond", "title: t\ndetection:\n  s: {a: 1}\n  condition: 's ¶s'\n", `expected 'and', 'or' or the end of the condition, found "s"`},
		{"of none", "title: t\ndetection:\n  s: {a: 1}\n  condition: 1 of ¶x*\n", `expected a pattern matching some search identifier (s), found "x*" matching none`},
		{"empty mod", "title: t\ndetection:\n  s:\n    ¶a|: 1\n  condition: s\n", `detection.s.a|: expected a modifier after '|', found none`},
		{"nested", "title: t\ndetection:\n  s:\n    a: ¶{b: 1}\n  condition: s\n", `detection.s.a: expected a value or a list of values, found a mapping`},
		{"corr type", "title: t\ncorrelation:\n  type: ¶count\n  rules: [a]\n  timespan: 1m\n", `correlation.type: expected event_count`},
		{"timespan", "title: t\ncorrelation:\n  type: temporal\n  rules: [a]\n  timespan: ¶5x\n", `timespan unit`},
		{"alias of another rule", "title: t\ncorrelation:\n  type: temporal\n  rules: [a]\n  timespan: 5m\n  aliases:\n    ¶ip: {b: sourceIPAddress}\n", `correlation.aliases.ip: expected a rule of correlation.rules (a), found "b"`},
		{"yaml", "title: t\ndetection:\n  s: [a\n¶", `yaml: expected valid YAML`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			off := strings.Index(tt.src, "¶")
			src := strings.Replace(tt.src, "¶", "", 1)
			line := strings.Count(src[:off], "\n") + 1
			col := off - strings.LastIndexByte(src[:off], '\n')
			res := Parse("f.yml", []byte(src))
			if len(res.Errors) != 1 {
				t.Fatalf("got %d errors (%v), %d rules; want 1 error", len(res.Errors), res.Errors, len(res.Rules))
			}
			var e *Error
			if !errors.As(res.Errors[0], &e) {
				t.Fatalf("got %T; want *Error", res.Errors[0])
			}
			if !strings.Contains(e.Error(), tt.want) {
				t.Fatalf("got %q; want it to contain %q", e.Error(), tt.want)
			}
			if tt.name != "yaml" && (e.Pos.Line != line || e.Pos.Col != col) {
				t.Fatalf("got position %d:%d; want %d:%d (%s)", e.Pos.Line, e.Pos.Col, line, col, e)
			}
		})
	}
}

// TestLoadDir_Packs loads both shared rule packs: every document loads or
// has a positioned error.
func TestLoadDir_Packs(t *testing.T) {
	for _, dir := range []string{sigmaHQDir, corpusDir + "/suzaku-rules/suzaku/aws"} {
		res, err := LoadDir(dir)
		if err != nil {
			t.Logf("corpus not available, skipped: %v", err)
			continue
		}
		for _, e := range res.Errors {
			var pe *Error
			if !errors.As(e, &pe) || pe.Pos.Line == 0 {
				t.Errorf("%s: unpositioned error %v", dir, e)
			}
		}
		t.Logf("%s: %d rules loaded, %d errors", dir, len(res.Rules), len(res.Errors))
		if len(res.Rules) == 0 {
			t.Errorf("%s: no rules loaded", dir)
		}
	}
}
