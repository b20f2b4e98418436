package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hunt-sec/hunt/findings"
)

const investigateFixture = "../../testdata/investigate"

func huntCmd(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// investigateState writes a state holding one pending finding (kept whole)
// and one delivered finding (only its hunt and last seen are kept).
func investigateState(t *testing.T) string {
	t.Helper()
	s := findings.NewState()
	f := findings.Finding{ID: "pending1", HuntID: "ec2_instance_credentials_from_two_addresses", Title: "t", Severity: "HIGH",
		Actor: "arn:aws:sts::111122223333:assumed-role/cg-ec2-role/i-0abc1234def567890", Resource: "AROAFIXTUREEC2ROLE01:i-0abc1234def567890",
		FirstSeen: time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC), LastSeen: time.Date(2024, 3, 5, 10, 46, 0, 0, time.UTC)}
	s.AddPending(f, nil)
	d := f
	d.ID = "delivered1"
	s.MarkDelivered(&d, time.Hour, time.Date(2024, 3, 5, 11, 0, 0, 0, time.UTC))
	path := filepath.Join(t.TempDir(), "state.json")
	if err := s.Save(path, time.Now()); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInvestigate_Success(t *testing.T) {
	state := investigateState(t)
	html := filepath.Join(t.TempDir(), "r.html")
	for _, tc := range []struct {
		name string
		args []string
		want []string // in stdout
	}{
		{"address, terminal summary", []string{"investigate", "198.51.100.23", investigateFixture},
			[]string{"ip 198.51.100.23: 9 calls, 4 flow rows, 4 findings in 4 incidents", // the 4th: the GuardDuty × CloudTrail join
				"other addresses using the same keys or principals (1):\n  54.240.197.5  via ASIAFIXTURESTOLEN001  3 calls",
				"AssumeRole by arn:aws:sts::111122223333:assumed-role/cg-ec2-role/i-0abc1234def567890 -> arn:aws:sts::111122223333:assumed-role/cg-admin/pwn ASIAFIXTURECHAINED02 CreateUser×1 DescribeInstances×1",
				"read    cg-secret-bucket/secret.txt", "incident 1: HIGH"}},
		{"key, no hunts", []string{"investigate", "--no-hunts", "ASIAFIXTURESTOLEN001", investigateFixture},
			[]string{"key ASIAFIXTURESTOLEN001: 9 calls, 0 flow rows, 0 findings", "arn:aws:iam::111122223333:user/mallory  via 198.51.100.23"}},
		{"window", []string{"investigate", "--no-hunts", "--since", "2024-03-05T10:22:00Z", "--until", "2024-03-05T10:31:00Z", "198.51.100.23", investigateFixture},
			[]string{"ip 198.51.100.23: 4 calls, 0 flow rows"}},
		{"a pending finding: its actor, around its time", []string{"investigate", "--no-hunts", "--state", state, "--finding", "pending1", investigateFixture},
			[]string{"principal arn:aws:sts::111122223333:assumed-role/cg-ec2-role/i-0abc1234def567890: 9 calls"}},
		{"a delivered finding and the entity", []string{"investigate", "--no-hunts", "--state", state, "--finding", "delivered1", "198.51.100.23", investigateFixture},
			[]string{"ip 198.51.100.23: 9 calls"}},
		{"html", []string{"investigate", "--html", html, "198.51.100.23", investigateFixture}, []string{"ip 198.51.100.23"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := huntCmd(tc.args...)
			if code != exitOK {
				t.Fatalf("exit %d, stderr:\n%s", code, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
		})
	}
	b, err := os.ReadFile(html)
	if err != nil || !strings.Contains(string(b), `document.body.dataset.ok = "1"`) {
		t.Errorf("--html wrote no report: %v", err)
	}
}

func TestInvestigate_JSON(t *testing.T) {
	code, out, errs := huntCmd("investigate", "--output", "json", "ASIAFIXTURESTOLEN001", investigateFixture)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		Entity struct{ Kind, Value string }
		Calls  []struct {
			EventID string `json:"event_id"`
			Source  string
		}
		Addresses []string
		Chains    []struct {
			Key string `json:"new_key"`
		} `json:"role_chains"`
		Findings []struct {
			HuntID string `json:"hunt_id"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Entity.Kind != "key" || len(rep.Calls) != 9 || rep.Calls[0].EventID != "evt-0001" || !strings.HasSuffix(rep.Calls[0].Source, "_investigate.json") ||
		strings.Join(rep.Addresses, ",") != "198.51.100.23,54.240.197.5" || len(rep.Chains) != 1 || rep.Chains[0].Key != "ASIAFIXTURECHAINED02" || len(rep.Findings) == 0 {
		t.Errorf("report = %+v", rep)
	}
}

func TestInvestigate_Failure(t *testing.T) {
	state := investigateState(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"no entity", []string{"investigate"}, exitUsage, "no ENTITY given"},
		{"no path", []string{"investigate", "198.51.100.23"}, exitUsage, "no PATH or s3:// URI to read"},
		{"bad entity", []string{"investigate", "a b", investigateFixture}, exitUsage, `entity: expected an IP address, access key ID, principal ARN or resource ID, found "a b"`},
		{"bad output", []string{"investigate", "--output", "csv", "198.51.100.23", investigateFixture}, exitUsage, `--output: expected table or json, found "csv"`},
		{"finding without state", []string{"investigate", "--finding", "x", investigateFixture}, exitUsage, "--finding needs --state"},
		{"unknown finding", []string{"investigate", "--state", state, "--finding", "nope", investigateFixture}, exitUsage, `--finding: expected a finding ID of the state, found "nope"`},
		{"delivered finding: the state lacks its entity", []string{"investigate", "--state", state, "--finding", "delivered1", investigateFixture}, exitUsage,
			"the state keeps only its hunt (ec2_instance_credentials_from_two_addresses) and last seen time (2024-03-05T10:46:00Z) for a delivered finding, not its actor: pass ENTITY too"},
		{"window backwards", []string{"investigate", "--since", "2024-03-06", "--until", "2024-03-05", "198.51.100.23", investigateFixture}, exitUsage, "is not before --until"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := huntCmd(tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errs, tc.code, tc.want)
			}
		})
	}
}

func TestRun_Incidents(t *testing.T) {
	code, _, errs := huntCmd("run", "--incidents", "--dry-run", investigateFixture)
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, w := range []string{
		"incident 1: HIGH  arn:aws:sts::111122223333:assumed-role/cg-ec2-role/i-0abc1234def567890  2024-03-05T10:00:00Z .. 2024-03-05T10:46:00Z  1 findings\n",
		"incident 4: LOW  arn:aws:sts::111122223333:assumed-role/cg-admin/pwn", // 3: the GuardDuty finding × CloudTrail join of ASIAFIXTURESTOLEN001
		"  2024-03-05T10:32:00Z  LOW      iam_user_created  arn:aws:iam::111122223333:user/backdoor",
	} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}
	if _, _, errs := huntCmd("run", "--dry-run", investigateFixture); strings.Contains(errs, "incident 1") {
		t.Error("incidents printed without --incidents")
	}
}

// TestInvestigate_JoinHunt: the hunts investigate runs include those that
// join tables; each gets the batches of every table it reads.
func TestInvestigate_JoinHunt(t *testing.T) {
	code, out, errs := huntCmd("investigate", "ASIAFIXTURESTOLEN001", investigateFixture)
	if code != exitOK && code != exitFindings {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "HIGH     guardduty_high_severity_principal_activity  fixture0instancecredexfil000001") {
		t.Errorf("the GuardDuty × CloudTrail hunt's finding is missing:\n%s", out)
	}
}
