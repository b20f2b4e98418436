package bench

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// The shared test corpus: a few MB, built once per test binary.
var (
	corpusOnce sync.Once
	corpusDir  string
	corpusMan  *Manifest
	corpusErr  error
)

var testConfig = Config{
	Seed:            42,
	CloudTrailBytes: 8 << 20,
	FlowBytes:       6 << 20,
	Accounts:        []string{"111122223333", "444455556666"},
	Regions:         []string{"us-east-1", "eu-west-1", "ap-southeast-2"},
	Start:           time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
	Days:            1,
	OrgID:           "o-a1b2c3d4e5",
	Digests:         true,
}

func TestMain(m *testing.M) {
	code := m.Run()
	if corpusDir != "" {
		os.RemoveAll(corpusDir)
	}
	os.Exit(code)
}

func testCorpus(t testing.TB) (string, *Manifest) {
	t.Helper()
	corpusOnce.Do(func() {
		corpusDir, corpusErr = os.MkdirTemp("", "hunt-bench-corpus-")
		if corpusErr != nil {
			return
		}
		cfg := testConfig
		cfg.Dir = corpusDir
		corpusMan, corpusErr = Generate(context.Background(), cfg)
	})
	if corpusErr != nil {
		t.Fatalf("Generate: %v", corpusErr)
	}
	return corpusDir, corpusMan
}

func readGzip(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

// treeHash hashes every file under dir with its relative path, in path order.
func treeHash(t *testing.T, dir string) (string, int) {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	h := sha256.New()
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
		h.Write(b)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), len(paths)
}

func TestGenerate_Deterministic(t *testing.T) {
	cfg := testConfig
	cfg.CloudTrailBytes, cfg.FlowBytes = 3<<20, 3<<20
	var hashes []string
	var mans []*Manifest
	for _, workers := range []int{1, 3} {
		cfg.Dir, cfg.Workers = t.TempDir(), workers
		m, err := Generate(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		h, n := treeHash(t, cfg.Dir)
		if n != len(m.Objects) {
			t.Fatalf("%d files on disk; manifest lists %d", n, len(m.Objects))
		}
		hashes, mans = append(hashes, h), append(mans, m)
	}
	if hashes[0] != hashes[1] {
		t.Fatalf("1 and 3 workers wrote different trees: %s vs %s", hashes[0], hashes[1])
	}
	if !reflect.DeepEqual(mans[0], mans[1]) {
		t.Fatalf("manifests differ between runs")
	}
	cfg.Dir, cfg.Seed = t.TempDir(), cfg.Seed+1
	if _, err := Generate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if h, _ := treeHash(t, cfg.Dir); h == hashes[0] {
		t.Fatalf("seeds %d and %d wrote the same tree", cfg.Seed-1, cfg.Seed)
	}
}

func TestGenerate_Failure(t *testing.T) {
	f := func(cfg Config, want string) {
		t.Helper()
		_, err := Generate(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("Generate(%+v) = %v; want error containing %q", cfg, err, want)
		}
	}
	f(Config{CloudTrailBytes: 1 << 20}, "Dir is empty")
	f(Config{Dir: t.TempDir(), Accounts: []string{"12345"}}, `account "12345"`)
	f(Config{Dir: t.TempDir(), OrgID: "a1b2c3d4e5"}, `organization ID "a1b2c3d4e5"`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, Config{Dir: t.TempDir(), CloudTrailBytes: 4 << 20}); err == nil {
		t.Fatalf("Generate with a cancelled context succeeded")
	}
}

var (
	ctKeyRE     = regexp.MustCompile(`^AWSLogs/(o-[a-z0-9]{10,32}/)?(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4}/\d{2}/\d{2})/(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz$`)
	digestKeyRE = regexp.MustCompile(`^AWSLogs/(o-[a-z0-9]{10,32}/)?(\d{12})/CloudTrail-Digest/([a-z0-9-]+)/(\d{4}/\d{2}/\d{2})/(\d{12})_CloudTrail-Digest_([a-z0-9-]+)_management-events_[a-z0-9-]+_(\d{8}T\d{6}Z)\.json\.gz$`)
	flowKeyRE   = regexp.MustCompile(`^AWSLogs/(\d{12})/vpcflowlogs/([a-z0-9-]+)/(\d{4}/\d{2}/\d{2})/(\d{12})_vpcflowlogs_([a-z0-9-]+)_fl-[0-9a-f]{8,17}_(\d{8}T\d{4}Z)_[0-9a-f]{8}\.log\.gz$`)
)

func TestGenerate_Layout(t *testing.T) {
	dir, m := testCorpus(t)
	kinds := map[string]int{}
	var raw, ct int64
	for _, o := range m.Objects {
		kinds[o.Kind]++
		st, err := os.Stat(filepath.Join(dir, o.Key))
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() != o.Bytes {
			t.Errorf("%s: %d bytes on disk; manifest says %d", o.Key, st.Size(), o.Bytes)
		}
		var re *regexp.Regexp
		switch o.Kind {
		case KindCloudTrail:
			re = ctKeyRE
			ct += o.RawBytes
			if o.RawBytes < 512<<10 || o.RawBytes > 5<<20+64<<10 {
				t.Errorf("%s: %d bytes uncompressed; want about 1-5 MB", o.Key, o.RawBytes)
			}
		case KindCloudTrailDigest:
			re = digestKeyRE
		case KindVPCFlow:
			re = flowKeyRE
		default:
			t.Fatalf("%s: kind %q", o.Key, o.Kind)
		}
		sm := re.FindStringSubmatch(o.Key)
		if sm == nil {
			t.Errorf("key %q does not match %s", o.Key, re)
			continue
		}
		// Account, region and date folders agree with the file name.
		if o.Kind == KindVPCFlow {
			if sm[1] != sm[4] || sm[2] != sm[5] || sm[1] != o.Account || sm[2] != o.Region ||
				strings.ReplaceAll(sm[3], "/", "") != sm[6][:8] {
				t.Errorf("key %q disagrees with itself or with %s/%s", o.Key, o.Account, o.Region)
			}
		} else {
			if sm[1] != "o-a1b2c3d4e5/" || sm[2] != sm[5] || sm[3] != sm[6] || sm[2] != o.Account ||
				sm[3] != o.Region || strings.ReplaceAll(sm[4], "/", "") != sm[7][:8] {
				t.Errorf("key %q disagrees with itself or with %s/%s", o.Key, o.Account, o.Region)
			}
		}
		raw += o.RawBytes
	}
	if kinds[KindCloudTrail] < 2 || kinds[KindVPCFlow] < 2 || kinds[KindCloudTrailDigest] != 2*3*24 {
		t.Errorf("object kinds %v; want several CloudTrail and flow objects and 144 digests", kinds)
	}
	if raw != m.RawBytes {
		t.Errorf("objects sum to %d raw bytes; manifest says %d", raw, m.RawBytes)
	}
	if ct < testConfig.CloudTrailBytes || ct > testConfig.CloudTrailBytes+64<<10 {
		t.Errorf("CloudTrail objects hold %d bytes; target %d", ct, testConfig.CloudTrailBytes)
	}
}

func TestGenerate_Digests(t *testing.T) {
	dir, m := testCorpus(t)
	sums := map[string][32]byte{}
	for _, o := range m.Objects {
		if o.Kind == KindCloudTrail {
			sums[o.Key] = sha256.Sum256(readGzip(t, filepath.Join(dir, o.Key)))
		}
	}
	listed := 0
	for _, o := range m.Objects {
		if o.Kind != KindCloudTrailDigest {
			continue
		}
		var d struct {
			AWSAccountID   string `json:"awsAccountId"`
			DigestS3Object string
			LogFiles       []struct {
				S3Object  string
				HashValue string
			}
		}
		if err := json.Unmarshal(readGzip(t, filepath.Join(dir, o.Key)), &d); err != nil {
			t.Fatalf("%s: %v", o.Key, err)
		}
		if d.AWSAccountID != o.Account || d.DigestS3Object != o.Key {
			t.Errorf("%s: account %q object %q", o.Key, d.AWSAccountID, d.DigestS3Object)
		}
		for _, lf := range d.LogFiles {
			sum, ok := sums[lf.S3Object]
			if !ok || fmt.Sprintf("%x", sum) != lf.HashValue {
				t.Errorf("%s: log file %s hash %s does not match", o.Key, lf.S3Object, lf.HashValue)
			}
			listed++
		}
	}
	if listed != len(sums) {
		t.Errorf("digests list %d log files; %d were written", listed, len(sums))
	}
}

// found is what a scan finds for one rule: matching records and the actors
// they group by.
type found struct {
	records int
	actors  map[string]bool
	bytes   int64
}

func (f *found) add(actor string, n int) {
	if f.actors == nil {
		f.actors = map[string]bool{}
	}
	f.records += n
	f.actors[actor] = true
}

// TestGenerate_Attacks scans the corpus with straightforward code, one rule
// per planted pattern, and compares with the manifest: every pattern is
// found, and only where it was planted.
func TestGenerate_Attacks(t *testing.T) {
	dir, m := testCorpus(t)
	got := map[string]*found{}
	for _, o := range m.Objects {
		switch o.Kind {
		case KindCloudTrail:
			scanCloudTrail(t, readGzip(t, filepath.Join(dir, o.Key)), got)
		case KindVPCFlow:
			scanFlow(t, readGzip(t, filepath.Join(dir, o.Key)), got)
		}
	}
	want := map[string]*found{}
	for _, a := range m.Attacks {
		if want[a.Name] == nil {
			want[a.Name] = &found{}
		}
		want[a.Name].add(a.Actor, a.Records)
		want[a.Name].bytes += a.Bytes
	}
	if len(want) != 14 {
		t.Errorf("manifest has %d attack kinds; want 14", len(want))
	}
	for name, w := range want {
		g := got[name]
		if g == nil {
			t.Errorf("%s: scan found nothing; want %d records from %v", name, w.records, w.actors)
			continue
		}
		if g.records != w.records || !reflect.DeepEqual(g.actors, w.actors) || g.bytes != w.bytes {
			t.Errorf("%s: scan found %d records from %v (%d bytes); manifest says %d from %v (%d bytes)",
				name, g.records, g.actors, g.bytes, w.records, w.actors, w.bytes)
		}
	}
	for name := range got {
		if want[name] == nil {
			t.Errorf("%s: scan found %d records; nothing was planted", name, got[name].records)
		}
	}
}

type ctRecord struct {
	EventTime         string
	EventSource       string
	EventName         string
	ErrorCode         string
	SourceIPAddress   string
	EventID           string
	UserIdentity      struct{ Type, Arn, UserName string }
	RequestParameters struct {
		UserName       string
		PolicyArn      string
		SecretID       string `json:"secretId"`
		IPPermissions  struct{ Items []ipPermission }
		PublicAccessBC map[string]any `json:"PublicAccessBlockConfiguration"`
	}
	ResponseElements    struct{ ConsoleLogin string }
	AdditionalEventData struct{ MFAUsed string }
}

type ipPermission struct {
	FromPort, ToPort int
	IPRanges         struct{ Items []struct{ CidrIP string } } `json:"ipRanges"`
}

func scanCloudTrail(t *testing.T, doc []byte, got map[string]*found) {
	t.Helper()
	var d struct{ Records []ctRecord }
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	hit := func(name, actor string, n int) {
		if got[name] == nil {
			got[name] = &found{}
		}
		got[name].add(actor, n)
	}
	type key struct{ who, minute string }
	failures, denied := map[key]int{}, map[key]int{}
	secrets := map[string]map[string]int{}
	for _, r := range d.Records {
		minute := r.EventTime[:16]
		rp := r.RequestParameters
		switch {
		case r.EventName == "ConsoleLogin" && r.ResponseElements.ConsoleLogin == "Success" && r.AdditionalEventData.MFAUsed == "No":
			hit(AttackConsoleLoginNoMFA, r.SourceIPAddress, 1)
		case r.EventName == "ConsoleLogin" && r.ResponseElements.ConsoleLogin == "Failure":
			failures[key{r.SourceIPAddress, minute}]++
		case r.EventSource == "cloudtrail.amazonaws.com" && (r.EventName == "StopLogging" || r.EventName == "DeleteTrail"):
			hit(AttackTrailTampering, r.UserIdentity.Arn, 1)
		case r.EventName == "AuthorizeSecurityGroupIngress":
			for _, p := range rp.IPPermissions.Items {
				for _, ipr := range p.IPRanges.Items {
					if ipr.CidrIP == "0.0.0.0/0" && p.FromPort <= 22 && 22 <= p.ToPort {
						hit(AttackSGOpenSSH, r.UserIdentity.Arn, 1)
					}
				}
			}
		case r.EventName == "CreateAccessKey" && rp.UserName != r.UserIdentity.UserName:
			hit(AttackAccessKeyOtherUser, r.UserIdentity.Arn, 1)
		case r.EventName == "AttachUserPolicy" && rp.PolicyArn == "arn:aws:iam::aws:policy/AdministratorAccess":
			hit(AttackAdminPolicyAttached, r.UserIdentity.Arn, 1)
		case r.EventName == "DeleteBucketPublicAccessBlock":
			hit(AttackPublicAccessBlockOff, r.UserIdentity.Arn, 1)
		case r.EventName == "PutBucketPublicAccessBlock":
			for _, k := range []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"} {
				if rp.PublicAccessBC[k] == false {
					hit(AttackPublicAccessBlockOff, r.UserIdentity.Arn, 1)
					break
				}
			}
		case r.EventName == "GetSecretValue":
			if secrets[r.UserIdentity.Arn] == nil {
				secrets[r.UserIdentity.Arn] = map[string]int{}
			}
			secrets[r.UserIdentity.Arn][rp.SecretID]++
		}
		if r.UserIdentity.Type == "Root" {
			hit(AttackRootActivity, r.UserIdentity.Arn, 1)
		}
		switch r.ErrorCode {
		case "AccessDenied", "Client.UnauthorizedOperation", "AccessDeniedException":
			denied[key{r.UserIdentity.Arn, minute}]++
		}
	}
	for k, n := range failures {
		if n >= 10 {
			hit(AttackConsoleLoginFailures, k.who, n)
		}
	}
	for k, n := range denied {
		if n >= 20 {
			hit(AttackAccessDeniedBurst, k.who, n)
		}
	}
	for arn, ids := range secrets {
		if len(ids) >= 10 {
			n := 0
			for _, c := range ids {
				n += c
			}
			hit(AttackSecretsBurst, arn, n)
		}
	}
}

func scanFlow(t *testing.T, body []byte, got map[string]*found) {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() {
		t.Fatal("no header line")
	}
	col := map[string]int{}
	header := strings.Fields(sc.Text())
	for i, name := range header {
		col[name] = i
	}
	type minuteKey struct {
		src    string
		minute string
	}
	type hourKey struct {
		src, dst string
		hour     string
	}
	floods := map[minuteKey]int{}
	scans := map[string]map[string]int{}
	egress := map[hourKey][]int64{}
	hit := func(name, actor string, n int, nb int64) {
		if got[name] == nil {
			got[name] = &found{}
		}
		got[name].add(actor, n)
		got[name].bytes += nb
	}
	var nb int64
	for line := 2; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) != len(header) {
			t.Fatalf("line %d: %d fields; header has %d", line, len(f), len(header))
		}
		if f[col["log-status"]] != "OK" {
			continue
		}
		src, dst, dport, action, start := f[col["srcaddr"]], f[col["dstaddr"]], f[col["dstport"]], f[col["action"]], f[col["start"]]
		fmt.Sscan(f[col["bytes"]], &nb)
		var st int64
		fmt.Sscan(start, &st)
		if action == "REJECT" {
			floods[minuteKey{src, fmt.Sprint(st / 60)}]++
			if scans[src] == nil {
				scans[src] = map[string]int{}
			}
			scans[src][dport]++
		}
		switch dport {
		case "3333", "4444", "5555", "7777", "14444", "45700":
			hit(AttackFlowCryptoMining, src, 1, 0)
		}
		k := hourKey{src, dst, fmt.Sprint(st / 3600)}
		egress[k] = append(egress[k], nb)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for k, n := range floods {
		if n > 100 {
			hit(AttackFlowRejectFlood, k.src, n, 0)
		}
	}
	for src, ports := range scans {
		if len(ports) >= 100 {
			n := 0
			for _, c := range ports {
				n += c
			}
			hit(AttackFlowPortScan, src, n, 0)
		}
	}
	for k, bs := range egress {
		var sum int64
		for _, b := range bs {
			sum += b
		}
		if sum >= 1e9 {
			hit(AttackFlowLargeEgress, k.src, len(bs), sum)
		}
	}
}

// BenchmarkGenerate measures the whole generator on one worker: building
// records, gzip at BestSpeed and writing files. MB/s is of uncompressed
// output. The 1GiB cases check the "1 GB well under a minute on one core"
// goal: go test -run '^$' -bench 'Generate/.*1GiB' -benchtime 1x -cpu 1 ./bench
func BenchmarkGenerate(b *testing.B) {
	for _, bc := range []struct {
		name     string
		ct, flow int64
	}{
		{"cloudtrail-32MiB", 32 << 20, 0}, {"vpcflow-32MiB", 0, 32 << 20},
		{"cloudtrail-1GiB", 1 << 30, 0}, {"vpcflow-1GiB", 0, 1 << 30},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(bc.ct + bc.flow)
			dir := b.TempDir()
			for b.Loop() {
				_, err := Generate(context.Background(), Config{Seed: 1, Dir: dir, CloudTrailBytes: bc.ct, FlowBytes: bc.flow, Workers: 1})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func ExampleGenerate() {
	dir, err := os.MkdirTemp("", "hunt-bench-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	m, err := Generate(context.Background(), Config{Seed: 1, Dir: dir, CloudTrailBytes: 2 << 20, FlowBytes: 2 << 20})
	if err != nil {
		panic(err)
	}
	for _, a := range m.Attacks {
		fmt.Println(a.Table, a.Name, a.Records)
	}
	// Output:
	// cloudtrail ct_console_login_no_mfa 1
	// cloudtrail ct_console_login_no_mfa 1
	// cloudtrail ct_console_login_no_mfa 1
	// cloudtrail ct_console_login_failure_burst 25
	// cloudtrail ct_root_activity 5
	// cloudtrail ct_cloudtrail_tampering 2
	// cloudtrail ct_sg_open_ssh_world 1
	// cloudtrail ct_sg_open_ssh_world 1
	// cloudtrail ct_access_key_other_user 1
	// cloudtrail ct_admin_policy_attached 1
	// cloudtrail ct_s3_public_access_block_removed 1
	// cloudtrail ct_s3_public_access_block_removed 1
	// cloudtrail ct_secrets_burst 40
	// cloudtrail ct_access_denied_burst 60
	// vpc_flow flow_reject_flood 150
	// vpc_flow flow_port_scan 399
	// vpc_flow flow_crypto_mining 24
	// vpc_flow flow_large_egress 40
}
