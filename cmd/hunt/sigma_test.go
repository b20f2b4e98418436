package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSigma_Check(t *testing.T) {
	code, out, errOut := runHunt(t, "sigma", "check", "../../testdata/sigma/sigmahq")
	if code != exitError || !strings.HasSuffix(out, "56 rules load, 1 fail\n") {
		t.Fatalf("exit %d, stderr %s, out:\n%s", code, errOut, out)
	}
	if !strings.Contains(out, "FAIL  ../../testdata/sigma/sigmahq/cloudtrail/aws_delete_saml_provider.yml:26:9: detection.selection.status: expected a field of table cloudtrail") {
		t.Errorf("the failing rule is not reported with its position:\n%s", out)
	}
	code, out, errOut = runHunt(t, "sigma", "check", "../../testdata/sigma/examples")
	if code != exitOK || !strings.Contains(out, "; correlation event_count of vpc_flow_rejected)") || !strings.HasSuffix(out, "2 rules load, 0 fail\n") {
		t.Fatalf("examples: exit %d, stderr %s, out:\n%s", code, errOut, out)
	}
}

func TestSigma_CheckFailure(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.yml"), []byte("title: t\nlevel: severe\nlogsource: {product: aws, service: cloudtrail}\ndetection: {s: {eventName: x}, condition: s}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "good.yml"), []byte("title: g\nlevel: low\nlogsource: {product: aws, service: cloudtrail}\ndetection: {s: {eventName: x}, condition: s}\n"), 0o644)
	code, out, _ := runHunt(t, "sigma", "check", dir)
	if code != exitError || !strings.Contains(out, "bad.yml:2:8: level: expected informational, low, medium, high, critical, found \"severe\"") || !strings.HasSuffix(out, "1 rules load, 1 fail\n") {
		t.Fatalf("exit %d, out:\n%s", code, out)
	}
	if code, _, _ := runHunt(t, "sigma", "lint", dir); code != exitUsage {
		t.Errorf("unknown verb: exit %d; want %d", code, exitUsage)
	}
}

func TestSigma_Convert(t *testing.T) {
	code, out, errOut := runHunt(t, "sigma", "convert", "../../testdata/sigma/sigmahq/cloudtrail/aws_cloudtrail_disable_logging.yml")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	want := "FROM cloudtrail_logs\nWHERE coalesce(lower(eventsource) = 'cloudtrail.amazonaws.com' AND lower(eventname) IN ('stoplogging', 'updatetrail', 'deletetrail'), false)\n"
	if !strings.HasSuffix(out, want) || !strings.HasPrefix(out, "-- AWS CloudTrail Important Change (4db60cc0-36fb-42b7-9b58-a5b53019fb74)\nSELECT eventtime") {
		t.Fatalf("got:\n%s\nwant it to end with:\n%s", out, want)
	}
	// --engine athena: the tables of hunt athena ddl.
	code, out, errOut = runHunt(t, "sigma", "convert", "--engine", "athena", "--athena-database", "sec", "../../testdata/sigma/sigmahq/cloudtrail/aws_cloudtrail_disable_logging.yml")
	if code != exitOK || !strings.Contains(out, " FROM sec.cloudtrail_logs WHERE coalesce(lower(eventsource) = 'cloudtrail.amazonaws.com'") {
		t.Fatalf("athena: exit %d, stderr %s, out:\n%s", code, errOut, out)
	}
	if code, _, _ := runHunt(t, "sigma", "convert", "--engine", "spark", "x.yml"); code != exitUsage {
		t.Errorf("--engine spark: exit %d; want %d", code, exitUsage)
	}
	// A field map renames ECS-style fields.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "map.yml"), []byte("fields:\n  event.action: eventName\n  aws.cloudtrail.user_identity.arn: userIdentity.arn\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "ecs.yml"), []byte("title: ecs\nlevel: low\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {event.action: StopLogging, aws.cloudtrail.user_identity.arn|endswith: ':root'}\n  condition: s\n"), 0o644)
	code, out, errOut = runHunt(t, "sigma", "convert", "--field-map", filepath.Join(dir, "map.yml"), filepath.Join(dir, "ecs.yml"))
	if code != exitOK || !strings.Contains(out, "WHERE coalesce(lower(eventname) = 'stoplogging' AND lower(useridentity.arn) LIKE '%:root', false)") {
		t.Fatalf("field map: exit %d, stderr %s, out:\n%s", code, errOut, out)
	}
	code, _, errOut = runHunt(t, "sigma", "convert", filepath.Join(dir, "ecs.yml"))
	if code != exitError || !strings.Contains(errOut, `ecs.yml:5:7: detection.s.event.action: expected a field of table cloudtrail`) {
		t.Fatalf("without the map: exit %d, stderr %s", code, errOut)
	}
}

// TestSigma_Run runs the SigmaHQ rules over the Stratus Red Team logs:
// findings carry the rule's id, title, level, tags and references; the
// filters select rules.
func TestSigma_Run(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/cloudtrail/corpus/stratus-red-team/*.json")
	run := func(args ...string) (int, string, string) {
		return runHunt(t, append(append([]string{"run"}, args...), files...)...)
	}
	code, out, errOut := run("--sigma", "../../testdata/sigma/sigmahq", "--dry-run")
	if code != exitFindings {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if !strings.Contains(errOut, "sigma rule left out: ../../testdata/sigma/sigmahq/cloudtrail/aws_delete_saml_provider.yml:26:9") {
		t.Errorf("the rule that cannot run is not reported:\n%s", errOut)
	}
	byHunt := map[string]sigmaFinding{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var f struct {
			HuntID      string   `json:"hunt_id"`
			Title       string   `json:"title"`
			Severity    string   `json:"severity"`
			Techniques  []string `json:"techniques"`
			References  []string `json:"references"`
			Description string   `json:"description"`
		}
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if !strings.HasPrefix(f.HuntID, "sigma_") {
			t.Errorf("a saved hunt ran without --hunt: %s", f.HuntID)
		}
		byHunt[f.HuntID] = sigmaFinding{f.HuntID, f.Title, f.Severity, f.Techniques, f.References, f.Description}
	}
	f, ok := byHunt["sigma_4db60cc0_36fb_42b7_9b58_a5b53019fb74"]
	if !ok {
		t.Fatalf("no finding of AWS CloudTrail Important Change over the cloudtrail-stop detonation; hunts: %v", keys(byHunt))
	}
	if f.Title != "AWS CloudTrail Important Change" || f.Severity != "MEDIUM" || len(f.References) == 0 ||
		!strings.Contains(f.Description, "Sigma rule 4db60cc0-36fb-42b7-9b58-a5b53019fb74 by vitaliy0x1") || !strings.Contains(f.Description, "Detection Rule License 1.1") {
		t.Errorf("finding: %+v", f)
	}
	// --min-level high keeps only high and critical rules.
	code, out, errOut = run("--sigma", "../../testdata/sigma/sigmahq", "--min-level", "high", "--dry-run")
	if code != exitFindings && code != exitOK {
		t.Fatalf("min-level: exit %d, stderr %s", code, errOut)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line != "" && !strings.Contains(line, `"severity":"HIGH"`) && !strings.Contains(line, `"severity":"CRITICAL"`) {
			t.Errorf("--min-level high let through: %.200s", line)
		}
	}
	// --tag selects by ATT&CK tag; a rule with none matching runs nothing.
	code, _, errOut = run("--sigma", "../../testdata/sigma/sigmahq", "--tag", "attack.t9999", "--dry-run")
	if code != exitUsage || !strings.Contains(errOut, "no rule to run") {
		t.Errorf("--tag with no rule: exit %d, stderr %s", code, errOut)
	}
	code, _, errOut = run("--min-level", "high", "--dry-run")
	if code != exitUsage || !strings.Contains(errOut, "add --sigma DIR") {
		t.Errorf("--min-level without --sigma: exit %d, stderr %s", code, errOut)
	}
	code, _, errOut = run("--sigma", "../../testdata/sigma/sigmahq", "--min-level", "severe")
	if code != exitUsage || !strings.Contains(errOut, `found "severe"`) {
		t.Errorf("bad level: exit %d, stderr %s", code, errOut)
	}
	// With --hunt, the named saved hunts run too.
	code, out, errOut = run("--sigma", "../../testdata/sigma/sigmahq", "--hunt", "cloudtrail_stopped", "--dry-run")
	if code != exitFindings || !strings.Contains(out, `"hunt_id":"cloudtrail_stopped"`) || !strings.Contains(out, `"hunt_id":"sigma_4db60cc0_36fb_42b7_9b58_a5b53019fb74"`) {
		t.Errorf("--hunt with --sigma: exit %d, stderr %s", code, errOut)
	}
}

type sigmaFinding struct {
	HuntID, Title, Severity string
	Techniques, References  []string
	Description             string
}

func keys(m map[string]sigmaFinding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
