package investigate

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/queries"
	"github.com/hunt-sec/hunt/scan"
)

// The fixture's story (testdata/investigate): an EC2 instance's role
// session key ASIAFIXTURESTOLEN001 is used from the instance
// (54.240.197.5) and, stolen, from 198.51.100.23: S3 reads, then an
// AssumeRole into cg-admin whose key ASIAFIXTURECHAINED02 creates a user
// and looks around eu-west-1; mallory signs in from the same address;
// alice is unrelated. Flow logs show the address at the instance's SSH
// port (accepted) and RDP port (rejected).
const (
	fixture     = "../testdata/investigate"
	attacker    = "198.51.100.23"
	instanceIP  = "54.240.197.5"
	stolenKey   = "ASIAFIXTURESTOLEN001"
	chainedKey  = "ASIAFIXTURECHAINED02"
	ec2Session  = "arn:aws:sts::111122223333:assumed-role/cg-ec2-role/i-0abc1234def567890"
	adminSess   = "arn:aws:sts::111122223333:assumed-role/cg-admin/pwn"
	mallory     = "arn:aws:iam::111122223333:user/mallory"
	alice       = "arn:aws:iam::111122223333:user/alice"
	secretObjct = "cg-secret-bucket/secret.txt"
)

func investigateDir(t *testing.T, entity string, dir string, w queries.Window) *Report {
	t.Helper()
	e, err := ParseEntity(entity)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := archive.PlanLocal(context.Background(), []string{dir}, archive.Facts{})
	if err != nil {
		t.Fatal(err)
	}
	hunts, err := queries.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	opts := engine.Options{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Since: w.Since, Until: w.Until}
	rep, _, err := Run(context.Background(), e, hunts, opts, scan.Config{Workers: 2}, plan.Objects, w)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func pivotValues(ps []Pivot) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Value)
	}
	return out
}

func huntIDs(r *Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.HuntID)
	}
	return out
}

func TestInvestigateAddress(t *testing.T) {
	r := investigateDir(t, attacker, fixture, queries.Window{})
	if len(r.Calls) != 9 {
		t.Errorf("calls = %d, want the 9 made from %s", len(r.Calls), attacker)
	}
	for _, c := range r.Calls {
		if c.Address != attacker {
			t.Errorf("call %s %s from %s", c.EventID, c.Name, c.Address)
		}
		if c.Source == "" || c.EventID == "" {
			t.Errorf("call %s lacks its source object or event ID: %+v", c.Name, c)
		}
	}
	if !slices.IsSortedFunc(r.Calls, func(a, b Call) int { return a.Time.Compare(b.Time) }) {
		t.Error("timeline not in time order")
	}
	if want := []string{"AKIAFIXTUREMALLORY01", chainedKey, stolenKey}; !slices.Equal(r.Keys, want) {
		t.Errorf("keys = %v, want %v", r.Keys, want)
	}
	if want := []string{mallory, adminSess, ec2Session}; !slices.Equal(r.Principals, want) {
		t.Errorf("principals = %v, want %v", r.Principals, want)
	}
	// The stolen key was also used from the instance's own address.
	if got := pivotValues(r.OtherAddresses); !slices.Equal(got, []string{instanceIP}) {
		t.Errorf("other addresses = %v, want [%s]", got, instanceIP)
	} else if p := r.OtherAddresses[0]; p.Via != stolenKey || p.Calls != 3 {
		t.Errorf("other address pivot = %+v, want via %s with 3 calls", p, stolenKey)
	}
	if slices.Contains(pivotValues(r.OtherPrincipals), alice) {
		t.Errorf("alice never used %s, found among other principals %v", attacker, pivotValues(r.OtherPrincipals))
	}
	// Flows: per minute, peer and port; accepted and rejected apart.
	var rejected, accepted int64
	for _, f := range r.Flows {
		if f.Peer != "10.0.1.5" {
			t.Errorf("flow peer %s, want 10.0.1.5", f.Peer)
		}
		switch {
		case f.Action == "REJECT" && f.Port == 3389:
			rejected += f.Flows
		case f.Action == "ACCEPT" && f.Port == 22 && f.Direction == "out":
			accepted += f.Flows
		}
	}
	if len(r.Flows) != 4 || rejected != 2 || accepted != 2 {
		t.Errorf("flows = %+v, want 4 rows: 2 rejected to 3389 in one minute, 2 accepted to 22 in two", r.Flows)
	}
	if r.Flows[1].Flows != 2 || !r.Flows[1].Minute.Equal(time.Date(2024, 3, 5, 10, 5, 0, 0, time.UTC)) {
		t.Errorf("the two RDP rejects are one row of minute 10:05, found %+v", r.Flows[1])
	}
	for _, id := range []string{"ec2_instance_credentials_from_two_addresses", "iam_user_created", "vpc_admin_port_from_internet"} {
		if !slices.Contains(huntIDs(r), id) {
			t.Errorf("findings %v lack %s", huntIDs(r), id)
		}
	}
	// GuardDuty's own finding names the address in its action.
	if len(r.GuardDuty) != 1 || r.GuardDuty[0].Type != "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS" ||
		r.GuardDuty[0].Severity != "8" || !r.GuardDuty[0].Time.Equal(time.Date(2024, 3, 5, 10, 36, 0, 0, time.UTC)) || r.GuardDuty[0].Source == "" {
		t.Errorf("guardduty = %+v", r.GuardDuty)
	}
	if len(r.Regions) != 2 || r.Regions[0] != (Count{"us-east-1", 8}) || r.Regions[1] != (Count{"eu-west-1", 1}) {
		t.Errorf("regions = %v", r.Regions)
	}
	if !r.First.Equal(time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)) || !r.Last.Equal(time.Date(2024, 3, 5, 10, 46, 0, 0, time.UTC)) {
		t.Errorf("first, last = %s, %s", r.First, r.Last)
	}
}

func TestInvestigateKey(t *testing.T) {
	r := investigateDir(t, stolenKey, fixture, queries.Window{})
	// Its 9 calls (3 from the instance, 6 stolen), none naming it otherwise.
	if len(r.Calls) != 9 {
		t.Errorf("calls = %d, want 9", len(r.Calls))
	}
	if want := []string{attacker, instanceIP}; !slices.Equal(r.Addresses, want) {
		t.Errorf("addresses = %v, want %v", r.Addresses, want)
	}
	// mallory came from the address the stolen key was used from.
	if got := pivotValues(r.OtherPrincipals); !slices.Equal(got, []string{adminSess, mallory}) {
		t.Errorf("other principals = %v, want the chained session and mallory", got)
	}
	if len(r.OtherAddresses) != 0 {
		t.Errorf("other addresses = %v, want none (both are the key's own)", pivotValues(r.OtherAddresses))
	}
	// The role chain: AssumeRole into cg-admin, and what its key did.
	if len(r.Chains) != 1 {
		t.Fatalf("chains = %+v, want 1", r.Chains)
	}
	c := r.Chains[0]
	if c.Depth != 1 || c.Call != "AssumeRole" || c.Key != chainedKey || c.Session != adminSess || c.By != ec2Session || c.EventID == "" {
		t.Errorf("chain = %+v", c)
	}
	if want := []Count{{"CreateUser", 1}, {"DescribeInstances", 1}}; !slices.Equal(c.Calls, want) {
		t.Errorf("chained key's calls = %v, want %v", c.Calls, want)
	}
	access := map[string]string{}
	for _, x := range r.Resources {
		access[x.Name] = x.Access
	}
	for name, want := range map[string]string{secretObjct: "read", "cg-secret-bucket/db-backup.sql": "read", "cg-app-config/app.yml": "read", "arn:aws:iam::111122223333:role/cg-admin": "changed"} {
		if access[name] != want {
			t.Errorf("resource %s: access %q, want %q (resources %v)", name, access[name], want, r.Resources)
		}
	}
	if _, ok := access["s3.amazonaws.com"]; ok {
		t.Error("the Host header is not a resource")
	}
	// The session's finding names the session, not the key: still the key's.
	if !slices.Contains(huntIDs(r), "ec2_instance_credentials_from_two_addresses") {
		t.Errorf("findings %v lack the instance credentials finding", huntIDs(r))
	}
	// First calls of the session in the window, earliest first.
	if len(r.FirstSeen) == 0 || r.FirstSeen[0] != (FirstCall{ec2Session, "DescribeInstances", time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)}) {
		t.Errorf("first calls = %+v", r.FirstSeen)
	}
}

func TestInvestigatePrincipal(t *testing.T) {
	// The role: its sessions' calls (by sessionissuer) and the calls naming it.
	r := investigateDir(t, "arn:aws:iam::111122223333:role/cg-admin", fixture, queries.Window{})
	var names []string
	for _, c := range r.Calls {
		names = append(names, c.Name)
	}
	if want := []string{"AssumeRole", "CreateUser", "DescribeInstances"}; !slices.Equal(names, want) {
		t.Errorf("calls = %v, want %v", names, want)
	}
	// AssumeRole only names the role: its caller is not the role.
	if want := []string{adminSess}; !slices.Equal(r.Principals, want) {
		t.Errorf("principals = %v, want %v", r.Principals, want)
	}
	if !slices.Contains(huntIDs(r), "iam_user_created") {
		t.Errorf("findings %v lack iam_user_created", huntIDs(r))
	}
}

func TestInvestigateResource(t *testing.T) {
	r := investigateDir(t, "cg-secret-bucket", fixture, queries.Window{})
	if len(r.Calls) != 3 {
		t.Errorf("calls naming the bucket = %d, want 3 (ListObjects, 2 GetObject)", len(r.Calls))
	}
	if r.Flows == nil || len(r.Flows) != 0 {
		t.Errorf("a bucket has no flows, found %v", r.Flows)
	}
}

// CloudTrail's resources column names a bucket's ARN that the request
// parameters name only by bucket name.
func TestInvestigateResourceARN(t *testing.T) {
	r := investigateDir(t, "arn:aws:s3:::cg-secret-bucket", fixture, queries.Window{})
	var names []string
	for _, c := range r.Calls {
		names = append(names, c.Name)
	}
	if want := []string{"ListObjects", "GetObject", "GetObject"}; !slices.Equal(names, want) {
		t.Errorf("calls = %v, want %v", names, want)
	}
	if len(r.Calls) > 1 && !slices.Contains(r.Calls[1].Resources, "arn:aws:s3:::cg-secret-bucket/secret.txt") {
		t.Errorf("the object's ARN is not among the call's resources: %v", r.Calls[1].Resources)
	}
}

// AWS Config items of a resource: its recorded states.
func TestInvestigateConfig(t *testing.T) {
	r := investigateDir(t, "sg-0a1b2c3d4e5f60718", "../testdata/config/AWSLogs", queries.Window{})
	// Two items of the history, one of the next day's snapshot.
	if len(r.Config) != 3 {
		t.Fatalf("config items = %+v, want the security group's 3", r.Config)
	}
	c := r.Config[0]
	if c.ResourceType != "AWS::EC2::SecurityGroup" || c.ResourceID != "sg-0a1b2c3d4e5f60718" || c.Name != "web" || c.Status != "OK" ||
		!c.Time.Equal(time.Date(2024, 3, 5, 9, 10, 0, 0, time.UTC)) || c.Source == "" {
		t.Errorf("first config item = %+v", c)
	}
}

// The window keeps only the calls in it.
func TestInvestigateWindow(t *testing.T) {
	w := queries.Window{Since: time.Date(2024, 3, 5, 10, 22, 0, 0, time.UTC), Until: time.Date(2024, 3, 5, 10, 31, 0, 0, time.UTC)}
	r := investigateDir(t, attacker, fixture, w)
	if len(r.Calls) != 4 {
		t.Errorf("calls in [10:22, 10:31) = %d, want 4", len(r.Calls))
	}
	if len(r.Flows) != 0 {
		t.Errorf("flows before 10:22 = %v, want none", r.Flows)
	}
}

// OTRF's CloudGoat-like story: an instance role's ASIA key used from
// 1.2.3.4 to list and read S3, where the IAM user pedro also worked.
func TestInvestigateOTRF(t *testing.T) {
	r := investigateDir(t, "ASIA5FLZVX4OPVKKVBMX", "../testdata/cloudtrail/corpus/otrf", queries.Window{})
	if r.Records == 0 {
		t.Skip("the CloudTrail reader does not read OTRF's @timestamp as eventTime yet: every record is rejected")
	}
	// 11 S3 calls from 1.2.3.4, after the AssumeRole that issued the key
	// to the instance (by ec2.amazonaws.com).
	if len(r.Calls) != 12 || r.Calls[0].Name != "AssumeRole" || r.Calls[0].Address != "ec2.amazonaws.com" {
		t.Errorf("calls = %d (first %+v), want 12, the AssumeRole issuing the key first", len(r.Calls), r.Calls[0])
	}
	if !slices.Equal(r.Addresses, []string{"1.2.3.4"}) {
		t.Errorf("addresses = %v", r.Addresses)
	}
	if got := pivotValues(r.OtherPrincipals); !slices.Contains(got, "arn:aws:iam::123456789123:user/pedro") {
		t.Errorf("other principals = %v, want pedro", got)
	}
	read := 0
	for _, x := range r.Resources {
		if x.Access == "read" {
			read++
		}
	}
	if read == 0 {
		t.Errorf("resources = %v, want the S3 objects read", r.Resources)
	}
}
