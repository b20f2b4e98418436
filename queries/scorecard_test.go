package queries

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// minHunts is the size of the library the scorecard requires.
const minHunts = 100

// TestScorecard is the detection scorecard: for every hunt, each positive
// fixture (written after AWS's record shapes or taken from public attack
// logs: Stratus Red Team detonations) must fire and each negative fixture
// (the benign look-alikes) must stay silent. Every hunt states its
// techniques, its dedup key and its window. go test -run Scorecard -v
// prints the per-hunt table.
func TestScorecard(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	hunts, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	fixtures := loadFixtures(t, mem)
	defer func() {
		for _, fx := range fixtures {
			for _, b := range fx.batches {
				b.Release()
			}
		}
	}()
	var table strings.Builder
	fmt.Fprintf(&table, "%-45s %-13s %-9s %-9s %-8s %s\n", "hunt", "severity", "pos fired", "neg quiet", "findings", "result")
	var totPos, firedPos, totNeg, quietNeg, ok int
	for _, h := range hunts {
		var pos, fired, neg, quiet, found int
		for _, group := range fixtureGroups(fixtures, h.ID) {
			fx := group[0]
			if slices.ContainsFunc(group, func(fx *fixture) bool { return !h.ReadsTable(fx.table) }) {
				continue
			}
			n := len(runHunt(t, h, group))
			switch base := fx.group; {
			case strings.HasPrefix(base, "positive"):
				pos++
				found += n
				if n > 0 {
					fired++
				} else {
					t.Errorf("%s: %s: missed (no finding)", h.ID, fx.path)
				}
			case strings.HasPrefix(base, "negative"):
				neg++
				if n == 0 {
					quiet++
				} else {
					t.Errorf("%s: %s: %d false findings", h.ID, fx.path, n)
				}
			}
		}
		result := "ok"
		switch {
		case pos == 0 || neg == 0:
			result = "MISSING FIXTURES"
			t.Errorf("%s: got %d positive and %d negative fixtures; want at least one of each", h.ID, pos, neg)
		case fired < pos || quiet < neg:
			result = "FAIL"
		default:
			ok++
		}
		if len(h.Techniques) == 0 || len(h.Dedup) == 0 || h.keyLine["window"] == 0 {
			t.Errorf("%s: want techniques, dedup and an explicit window in the header", h.Source)
		}
		for _, want := range []string{"Benign look-alike", "Dedup"} {
			if !strings.Contains(h.Description, want) && !(want == "Dedup" && strings.Contains(h.Description, "dedup")) {
				t.Errorf("%s: the description names no %q", h.Source, want)
			}
		}
		totPos, firedPos, totNeg, quietNeg = totPos+pos, firedPos+fired, totNeg+neg, quietNeg+quiet
		fmt.Fprintf(&table, "%-45s %-13s %4d/%-4d %4d/%-4d %-8d %s\n", h.ID, h.Severity, fired, pos, quiet, neg, found, result)
	}
	fmt.Fprintf(&table, "%d hunts, %d ok; positive fixtures fired %d/%d; negative fixtures quiet %d/%d\n", len(hunts), ok, firedPos, totPos, quietNeg, totNeg)
	t.Log("\n" + table.String())
	if len(hunts) < minHunts {
		t.Errorf("got %d hunts; want at least %d", len(hunts), minHunts)
	}
}

// stratusExpect maps each Stratus Red Team detonation log in
// testdata/cloudtrail/corpus (real CloudTrail records of the attack,
// anonymised) to the hunts that must report it.
var stratusExpect = map[string][]string{
	"aws.credential-access.ec2-get-password-data":                 {"ec2_password_data_enumeration"},
	"aws.credential-access.ec2-steal-instance-credentials":        {"ssm_send_command"},
	"aws.credential-access.secretsmanager-batch-retrieve-secrets": {"secrets_bulk_read"},
	"aws.credential-access.secretsmanager-retrieve-secrets":       {"secrets_bulk_read"},
	"aws.credential-access.ssm-retrieve-securestring-parameters":  {"ssm_parameters_bulk_decrypt"},
	"aws.defense-evasion.cloudtrail-delete":                       {"cloudtrail_stopped"},
	"aws.defense-evasion.cloudtrail-event-selectors":              {"cloudtrail_modified"},
	"aws.defense-evasion.cloudtrail-stop":                         {"cloudtrail_stopped"},
	"aws.defense-evasion.dns-delete-logs":                         {"dns_query_logging_deleted"},
	"aws.defense-evasion.organizations-leave":                     {"organization_leave"},
	"aws.defense-evasion.vpc-remove-flow-logs":                    {"vpc_flow_logs_deleted"},
	"aws.discovery.ec2-download-user-data":                        {"ec2_user_data_read"},
	"aws.execution.ec2-launch-unusual-instances":                  {"ec2_gpu_instances_launched"},
	"aws.execution.ec2-user-data":                                 {"ec2_user_data_modified"},
	"aws.execution.ssm-send-command":                              {"ssm_send_command"},
	"aws.execution.ssm-start-session":                             {"ssm_start_session"},
	"aws.exfiltration.ec2-security-group-open-port-22-ingress":    {"security_group_admin_port_open"},
	"aws.exfiltration.ec2-share-ami":                              {"ami_shared"},
	"aws.exfiltration.ec2-share-ebs-snapshot":                     {"ebs_snapshot_shared"},
	"aws.exfiltration.rds-share-snapshot":                         {"rds_snapshot_shared"},
	"aws.impact.bedrock-invoke-model":                             {"bedrock_model_access_enabled"},
	"aws.initial-access.console-login-without-mfa":                {"console_login_without_mfa"},
	"aws.lateral-movement.ec2-instance-connect":                   {"ec2_ssh_key_pushed"},
	"aws.lateral-movement.ec2-serial-console-send-ssh-public-key": {"ec2_ssh_key_pushed"},
	"aws.persistence.iam-backdoor-role":                           {"role_trusts_external_account"},
	"aws.persistence.iam-backdoor-user":                           {"access_key_created_for_other_user"},
	"aws.persistence.iam-create-admin-user":                       {"iam_user_created", "admin_policy_attached"},
	"aws.persistence.iam-create-backdoor-role":                    {"role_trusts_external_account", "admin_policy_attached"},
	"aws.persistence.iam-create-user-login-profile":               {"login_profile_changed"},
	"aws.persistence.lambda-backdoor-function":                    {"lambda_public_invoke_permission"},
	"aws.persistence.lambda-layer-extension":                      {"lambda_layer_added"},
	"aws.persistence.lambda-overwrite-code":                       {"lambda_code_updated"},
	"aws.persistence.rolesanywhere-create-trust-anchor":           {"rolesanywhere_trust_anchor_created"},
	"aws.persistence.sts-federation-token":                        {"sts_federation_token"},
	"aws.privilege-escalation.iam-update-user-login-profile":      {"login_profile_changed"},
}

// TestScorecard_Stratus runs every CloudTrail hunt over each Stratus Red
// Team detonation log and checks the expected hunts fire, each with one
// finding for the one detonation. With -v it prints which hunts fired on
// which technique.
func TestScorecard_Stratus(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	hunts, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../testdata/cloudtrail/corpus/stratus-red-team/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Stratus detonation logs: %v", err)
	}
	var table strings.Builder
	covered := 0
	for _, f := range files {
		technique := strings.TrimSuffix(filepath.Base(f), ".json")
		fx := parseFixture(t, mem, f)
		var fired []string
		for _, h := range hunts {
			if h.Table != "cloudtrail" {
				continue
			}
			if n := len(runHunt(t, h, []*fixture{fx})); n == 1 {
				fired = append(fired, h.ID)
			} else if n > 1 {
				// One detonation of one technique is one finding per hunt.
				t.Errorf("%s: hunt %s gave %d findings; want one per detonation (check its dedup key)", technique, h.ID, n)
				fired = append(fired, fmt.Sprintf("%s (%d)", h.ID, n))
			}
		}
		for _, b := range fx.batches {
			b.Release()
		}
		want, ok := stratusExpect[technique]
		if !ok {
			t.Errorf("%s: no expectation in stratusExpect (fired: %v)", technique, fired)
		}
		for _, w := range want {
			if !slices.ContainsFunc(fired, func(f string) bool { return f == w || strings.HasPrefix(f, w+" (") }) {
				t.Errorf("%s: hunt %s did not fire (fired: %v)", technique, w, fired)
			}
		}
		if len(fired) > 0 {
			covered++
		}
		fmt.Fprintf(&table, "%-62s %s\n", technique, strings.Join(fired, ", "))
	}
	fmt.Fprintf(&table, "%d of %d detonated techniques reported by at least one hunt\n", covered, len(files))
	t.Log("\n" + table.String())
}

// parseFixture reads one CloudTrail file into retained batches.
func parseFixture(t *testing.T, mem memory.Allocator, name string) *fixture {
	t.Helper()
	file, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	rel := strings.TrimPrefix(filepath.ToSlash(name), "../")
	r, err := parsers.NewCloudTrailReader(file, rel, parsers.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	fx := &fixture{path: rel, table: "cloudtrail"}
	for r.Next() {
		b := r.Batch()
		b.Retain()
		fx.batches = append(fx.batches, b)
	}
	if err := r.Err(); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return fx
}
