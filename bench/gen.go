package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hunt-sec/hunt/parsers"
	"github.com/klauspost/compress/gzip"
)

// Config says what [Generate] writes. Zero fields take the defaults noted.
type Config struct {
	Seed int64  // seeds every random choice; same Config, same bytes
	Dir  string // root folder; AWSLogs/ is created inside it (required)

	// CloudTrailBytes and FlowBytes are the uncompressed sizes to write for
	// each table. Objects are 1-5 MB uncompressed; the totals land within
	// one record of the target per object. Zero writes no objects of that
	// table (attacks of that table are then not planted).
	CloudTrailBytes int64
	FlowBytes       int64

	// Accounts, Regions and Days spread the volume. The background stays
	// clear of every attack rule up to roughly 20 GB per table, account,
	// region and day (beyond that, per-minute and per-hour background
	// groups start to reach the rules' thresholds), so give large corpora
	// more days or accounts.
	Accounts []string  // 12-digit account IDs; default three seeded IDs
	Regions  []string  // default us-east-1, eu-west-1; the first is the home region (IAM, sign-in)
	Start    time.Time // first delivery day (UTC); default 2026-01-05
	Days     int       // days of deliveries the objects spread over; default 1
	OrgID    string    // organization ID ("o-…"): CloudTrail keys get the org-trail prefix
	Digests  bool      // also write hourly CloudTrail-Digest files
	Workers  int       // objects built at once; default GOMAXPROCS
}

// Object kinds in [Object].Kind, the names archive.Kind prints.
const (
	KindCloudTrail       = "cloudtrail"
	KindCloudTrailDigest = "cloudtrail-digest"
	KindVPCFlow          = "vpcflow"
)

// Manifest describes what [Generate] wrote.
type Manifest struct {
	Seed    int64    `json:"seed"`
	Objects []Object `json:"objects"` // in plan order (CloudTrail, flow, digests)
	Attacks []Attack `json:"attacks"` // planted patterns, one entry per planted instance

	CloudTrailRecords int64 `json:"cloudtrail_records"`
	FlowRecords       int64 `json:"flow_records"` // data lines, header lines not counted
	RawBytes          int64 `json:"raw_bytes"`    // uncompressed, all objects
	Bytes             int64 `json:"bytes"`        // compressed, all objects
}

// Object is one file written under Config.Dir.
type Object struct {
	Key      string `json:"key"`  // slash-separated path below Config.Dir
	Kind     string `json:"kind"` // KindCloudTrail, KindCloudTrailDigest or KindVPCFlow
	Format   string `json:"format,omitempty"`
	Account  string `json:"account"`
	Region   string `json:"region"`
	Bytes    int64  `json:"bytes"`     // compressed size on disk
	RawBytes int64  `json:"raw_bytes"` // uncompressed size
	Records  int    `json:"records"`   // CloudTrail records or flow data lines; 0 for digests
}

// Attack is one planted instance of an attack pattern. Records is how many
// records of the corpus the instance contributes to its rule's answer; no
// background record matches any rule, so summing Records over the instances
// of one Name gives the rule's full answer.
type Attack struct {
	Name    string    `json:"name"`  // e.g. "ct_console_login_no_mfa", see the Attack* constants
	Table   string    `json:"table"` // "cloudtrail" or "vpc_flow"
	Rule    string    `json:"rule"`  // what a hunt has to test to find it
	Actor   string    `json:"actor"` // principal ARN or source address the rule groups by
	Account string    `json:"account"`
	Region  string    `json:"region"`
	Key     string    `json:"key"`  // object holding the records
	Time    time.Time `json:"time"` // first planted event
	Records int       `json:"records"`
	Bytes   int64     `json:"bytes,omitempty"` // flow bytes summed by the rule (large egress)
}

// Names of the planted attack patterns, in [Attack].Name.
const (
	AttackConsoleLoginNoMFA    = "ct_console_login_no_mfa"
	AttackConsoleLoginFailures = "ct_console_login_failure_burst"
	AttackRootActivity         = "ct_root_activity"
	AttackTrailTampering       = "ct_cloudtrail_tampering"
	AttackSGOpenSSH            = "ct_sg_open_ssh_world"
	AttackAccessKeyOtherUser   = "ct_access_key_other_user"
	AttackAdminPolicyAttached  = "ct_admin_policy_attached"
	AttackPublicAccessBlockOff = "ct_s3_public_access_block_removed"
	AttackSecretsBurst         = "ct_secrets_burst"
	AttackAccessDeniedBurst    = "ct_access_denied_burst"
	AttackFlowRejectFlood      = "flow_reject_flood"
	AttackFlowPortScan         = "flow_port_scan"
	AttackFlowCryptoMining     = "flow_crypto_mining"
	AttackFlowLargeEgress      = "flow_large_egress"
)

// The rules of the attack patterns, in [Attack].Rule: what a hunt tests,
// in the columns of the Athena tables.
const (
	ruleConsoleLoginNoMFA    = `eventname = 'ConsoleLogin' AND responseelements.ConsoleLogin = 'Success' AND additionaleventdata.MFAUsed = 'No'`
	ruleConsoleLoginFailures = `eventname = 'ConsoleLogin' AND responseelements.ConsoleLogin = 'Failure', grouped by sourceipaddress and minute of eventtime (>= 10)`
	ruleRootActivity         = `useridentity.type = 'Root'`
	ruleTrailTampering       = `eventsource = 'cloudtrail.amazonaws.com' AND eventname IN ('StopLogging', 'DeleteTrail')`
	ruleSGOpenSSH            = `eventname = 'AuthorizeSecurityGroupIngress' AND a rule with cidrIp '0.0.0.0/0' and fromPort <= 22 <= toPort`
	ruleAccessKeyOtherUser   = `eventname = 'CreateAccessKey' AND requestparameters.userName <> useridentity.userName`
	ruleAdminPolicyAttached  = `eventname = 'AttachUserPolicy' AND requestparameters.policyArn = 'arn:aws:iam::aws:policy/AdministratorAccess'`
	rulePublicAccessBlockOff = `eventname = 'DeleteBucketPublicAccessBlock' OR (eventname = 'PutBucketPublicAccessBlock' AND any of the four Block/Ignore/Restrict flags false)`
	ruleSecretsBurst         = `eventname = 'GetSecretValue', grouped by useridentity.arn (>= 10 distinct secretId)`
	ruleAccessDeniedBurst    = `errorcode IN ('AccessDenied', 'Client.UnauthorizedOperation', 'AccessDeniedException'), grouped by useridentity.arn and minute of eventtime (>= 20)`
	ruleFlowRejectFlood      = `action = 'REJECT', grouped by srcaddr and minute of start (> 100)`
	ruleFlowPortScan         = `action = 'REJECT', grouped by srcaddr (>= 100 distinct dstport)`
	ruleFlowCryptoMining     = `dstport IN (3333, 4444, 5555, 7777, 14444, 45700)`
	ruleFlowLargeEgress      = `grouped by srcaddr, dstaddr and hour of start: sum(bytes) >= 1e9`
)

// The generated tables' names.
var (
	tableCloudTrail = parsers.CloudTrail.Name
	tableFlow       = parsers.VPCFlow.Name
)

const (
	defaultObjectMin         = 1 << 20
	defaultObjectMax         = 5 << 20
	deliveryWindow           = 6 * 60 // CloudTrail events fall in the 6 minutes before delivery
	flowWindow               = 5 * 60 // flow files hold 5 minutes of flow ends
	gzipLevel                = gzip.BestSpeed
	digestTrailName          = "management-events"
	digestBucketPrefix       = "aws-cloudtrail-logs-"
	defaultStartUnix   int64 = 1767571200 // 2026-01-05T00:00:00Z
)

// miningPorts are the crypto-mining pool ports; background flows never use them.
var miningPorts = [...]int{3333, 4444, 5555, 7777, 14444, 45700}

// Generate writes the archive cfg describes and returns its manifest. Objects
// are built cfg.Workers at a time, each in memory (at most a few MB) and
// written as soon as it is complete, so memory does not grow with the
// corpus. On error, files already written stay in place.
func Generate(ctx context.Context, cfg Config) (*Manifest, error) {
	if cfg.Dir == "" {
		return nil, errors.New("bench: Config.Dir is empty")
	}
	cfg = withDefaults(cfg)
	if cfg.OrgID != "" && !strings.HasPrefix(cfg.OrgID, "o-") {
		return nil, fmt.Errorf("bench: organization ID %q: expected o-…", cfg.OrgID)
	}
	for _, a := range cfg.Accounts {
		if !isAccountID(a) {
			return nil, fmt.Errorf("bench: account %q: expected 12 digits", a)
		}
	}
	w := newWorld(cfg)
	p := newPlan(cfg, w)
	m := &Manifest{Seed: cfg.Seed, Objects: make([]Object, len(p.jobs)), Attacks: p.attacks}
	digests := make([]digestInfo, len(p.jobs))
	if err := runJobs(ctx, cfg, w, p.jobs, m, digests); err != nil {
		return nil, err
	}
	if cfg.Digests && cfg.CloudTrailBytes > 0 {
		objs, err := writeDigests(cfg, w, p, m.Objects, digests)
		if err != nil {
			return nil, err
		}
		m.Objects = append(m.Objects, objs...)
	}
	for _, o := range m.Objects {
		m.RawBytes += o.RawBytes
		m.Bytes += o.Bytes
		switch o.Kind {
		case KindCloudTrail:
			m.CloudTrailRecords += int64(o.Records)
		case KindVPCFlow:
			m.FlowRecords += int64(o.Records)
		}
	}
	return m, nil
}

func withDefaults(cfg Config) Config {
	if len(cfg.Accounts) == 0 {
		r := rand.New(rand.NewPCG(uint64(cfg.Seed), 0xacc0))
		for range 3 {
			cfg.Accounts = append(cfg.Accounts, strconv.FormatUint(100000000000+r.Uint64N(899999999999), 10))
		}
	}
	if len(cfg.Regions) == 0 {
		cfg.Regions = []string{"us-east-1", "eu-west-1"}
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Unix(defaultStartUnix, 0)
	}
	cfg.Start = cfg.Start.UTC().Truncate(24 * time.Hour)
	if cfg.Days <= 0 {
		cfg.Days = 1
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	return cfg
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// job is one object to build: everything it needs besides the world.
type job struct {
	idx    int
	kind   string // KindCloudTrail or KindVPCFlow
	acct   int
	region int
	t      int64 // CloudTrail: delivery time; flow: start of the 5-minute window
	target int   // uncompressed bytes to write (at least)
	count  int   // records to write instead, when > 0 (in-memory generators)
	seed   uint64
	flow   int // flow: index of the flow log in the account-region
	key    string
	plants []plant
}

// plant is one planted attack instance inside a job.
type plant struct {
	attack int    // index in plan.attacks
	t      int64  // first event time (unix seconds)
	k      int    // variant or target index, per attack
	s      string // principal name or source address, per attack
	ip     string // attacker address, per attack
}

// digestInfo is what the digest of a CloudTrail object needs.
type digestInfo struct {
	sha            [32]byte
	oldest, newest int64
}

type plan struct {
	jobs    []job
	attacks []Attack
}

func newPlan(cfg Config, w *world) *plan {
	r := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x91a2))
	p := &plan{}
	span := int64(cfg.Days) * 86400
	start := cfg.Start.Unix()

	// CloudTrail objects spread over the days in delivery order; the first
	// is in the first account's home region so global-service attacks
	// always have a home.
	ctSizes := splitSizes(r, cfg.CloudTrailBytes)
	for i, size := range ctSizes {
		j := job{idx: len(p.jobs), kind: KindCloudTrail, target: size, seed: r.Uint64()}
		if i > 0 {
			j.acct = r.IntN(len(w.accounts))
			if r.IntN(5) >= 2 { // 40 % home region: it carries global services too
				j.region = r.IntN(len(cfg.Regions))
			}
		}
		u := (int64(i)*(span-deliveryWindow) + r.Int64N(span-deliveryWindow)) / int64(len(ctSizes))
		j.t = (start + deliveryWindow + u + 59) / 60 * 60
		p.jobs = append(p.jobs, j)
	}
	ctJobs := len(p.jobs)

	flowSizes := splitSizes(r, cfg.FlowBytes)
	windows := span / flowWindow
	for i, size := range flowSizes {
		j := job{idx: len(p.jobs), kind: KindVPCFlow, target: size, seed: r.Uint64()}
		j.acct = r.IntN(len(w.accounts))
		j.region = r.IntN(len(cfg.Regions))
		j.flow = r.IntN(flowLogsPerRegion)
		if i == 0 {
			j.acct, j.region, j.flow = 0, 0, 0
		}
		wi := (int64(i)*windows + r.Int64N(windows)) / int64(len(flowSizes))
		j.t = start + wi*flowWindow
		p.jobs = append(p.jobs, j)
	}
	for i := range p.jobs {
		p.jobs[i].key = objectKey(cfg, w, &p.jobs[i], r)
	}

	if ctJobs > 0 {
		p.plantCloudTrail(r, w, p.jobs[:ctJobs])
	}
	if len(p.jobs) > ctJobs {
		p.plantFlow(r, w, p.jobs[ctJobs:])
	}
	return p
}

// splitSizes cuts total into object sizes of 1-5 MB (one smaller object
// when total is small).
func splitSizes(r *rand.Rand, total int64) []int {
	var sizes []int
	for total > 0 {
		n := int64(defaultObjectMin + r.IntN(defaultObjectMax-defaultObjectMin))
		if total-n < defaultObjectMin/2 {
			n = total
		}
		sizes = append(sizes, int(n))
		total -= n
	}
	return sizes
}

func objectKey(cfg Config, w *world, j *job, r *rand.Rand) string {
	a := w.accounts[j.acct]
	region := cfg.Regions[j.region]
	t := time.Unix(j.t, 0).UTC()
	b := make([]byte, 0, 160)
	b = append(b, "AWSLogs/"...)
	if j.kind == KindCloudTrail {
		if cfg.OrgID != "" {
			b = append(b, cfg.OrgID...)
			b = append(b, '/')
		}
		b = append(b, a.id...)
		b = append(b, "/CloudTrail/"...)
	} else {
		b = append(b, a.id...)
		b = append(b, "/vpcflowlogs/"...)
	}
	b = append(b, region...)
	b = append(b, '/')
	b = t.AppendFormat(b, "2006/01/02/")
	b = append(b, a.id...)
	if j.kind == KindCloudTrail {
		b = append(b, "_CloudTrail_"...)
		b = append(b, region...)
		b = append(b, '_')
		b = t.AppendFormat(b, "20060102T1504Z_")
		b = appendRandChars(b, r, alnumChars, 16)
		b = append(b, ".json.gz"...)
	} else {
		b = append(b, "_vpcflowlogs_"...)
		b = append(b, region...)
		b = append(b, '_')
		b = append(b, w.nets[j.acct][j.region].flowLogs[j.flow].id...)
		b = append(b, '_')
		b = t.AppendFormat(b, "20060102T1504Z_")
		b = appendRandChars(b, r, hexChars, 8)
		b = append(b, ".log.gz"...)
	}
	return string(b)
}

// runJobs builds and writes the jobs on cfg.Workers goroutines. Each worker
// owns its buffers and writes disjoint entries of m.Objects and digests.
func runJobs(ctx context.Context, cfg Config, w *world, jobs []job, m *Manifest, digests []digestInfo) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(cfg.Workers, max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := newWorker(w)
			for i := range next {
				if err := wk.run(cfg, &jobs[i], m, digests); err != nil {
					cancel(err)
				}
			}
		}()
	}
loop:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break loop
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// worker holds one goroutine's reusable buffers.
type worker struct {
	ct   ctWriter
	fl   flowWriter
	zbuf bytes.Buffer // compressed object
	zw   *gzip.Writer
}

func newWorker(w *world) *worker {
	zw, _ := gzip.NewWriterLevel(nil, gzipLevel)
	return &worker{ct: ctWriter{w: w}, fl: flowWriter{w: w}, zw: zw}
}

func (wk *worker) run(cfg Config, j *job, m *Manifest, digests []digestInfo) error {
	var raw []byte
	var records int
	o := Object{Key: j.key, Kind: j.kind, Account: cfg.Accounts[j.acct], Region: cfg.Regions[j.region]}
	switch j.kind {
	case KindCloudTrail:
		raw, records = wk.ct.object(j, m.Attacks)
		d := &digests[j.idx]
		if cfg.Digests {
			d.sha = sha256.Sum256(raw)
		}
		d.oldest, d.newest = wk.ct.oldest, wk.ct.newest
	case KindVPCFlow:
		raw, records = wk.fl.object(j, m.Attacks)
		o.Format = wk.fl.format.String()
	}
	n, err := wk.writeGzip(cfg.Dir, j.key, raw)
	if err != nil {
		return err
	}
	o.Bytes, o.RawBytes, o.Records = n, int64(len(raw)), records
	m.Objects[j.idx] = o
	return nil
}

// writeGzip compresses raw into dir/key and returns the compressed size.
func (wk *worker) writeGzip(dir, key string, raw []byte) (int64, error) {
	wk.zbuf.Reset()
	wk.zw.Reset(&wk.zbuf)
	if _, err := wk.zw.Write(raw); err != nil {
		return 0, fmt.Errorf("bench: compress %s: %w", key, err)
	}
	if err := wk.zw.Close(); err != nil {
		return 0, fmt.Errorf("bench: compress %s: %w", key, err)
	}
	path := filepath.Join(dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 0, fmt.Errorf("bench: %w", err)
	}
	if err := os.WriteFile(path, wk.zbuf.Bytes(), 0o644); err != nil {
		return 0, fmt.Errorf("bench: %w", err)
	}
	return int64(wk.zbuf.Len()), nil
}

// writeDigests writes one digest per account, region and hour of the
// delivery span, chained like CloudTrail's, listing the CloudTrail objects
// delivered in that hour.
func writeDigests(cfg Config, w *world, p *plan, objs []Object, infos []digestInfo) ([]Object, error) {
	r := rand.New(rand.NewPCG(uint64(cfg.Seed), 0xd16e))
	wk := newWorker(w)
	bucket := digestBucketPrefix + cfg.Accounts[0] + "-" + w.bucketSuffix
	hours := cfg.Days * 24
	type hourKey struct{ acct, region, hour int }
	byHour := map[hourKey][]int{}
	for _, j := range p.jobs {
		if j.kind != KindCloudTrail {
			continue
		}
		h := int((j.t - cfg.Start.Unix()) / 3600)
		k := hourKey{j.acct, j.region, h}
		byHour[k] = append(byHour[k], j.idx) // jobs are visited in order: slices stay sorted
	}
	var out []Object
	var b []byte
	for ai, acct := range cfg.Accounts {
		for ri, region := range cfg.Regions {
			var prevKey string
			var prevSHA [32]byte
			for h := range hours {
				startT := cfg.Start.Unix() + int64(h)*3600
				endT := startT + 3600
				et := time.Unix(endT, 0).UTC()
				key := make([]byte, 0, 192)
				key = append(key, "AWSLogs/"...)
				if cfg.OrgID != "" {
					key = append(key, cfg.OrgID...)
					key = append(key, '/')
				}
				key = append(key, acct...)
				key = append(key, "/CloudTrail-Digest/"...)
				key = append(key, region...)
				key = append(key, '/')
				key = et.AppendFormat(key, "2006/01/02/")
				key = append(key, acct...)
				key = append(key, "_CloudTrail-Digest_"...)
				key = append(key, region...)
				key = append(key, '_')
				key = append(key, digestTrailName...)
				key = append(key, '_')
				key = append(key, region...)
				key = append(key, '_')
				key = et.AppendFormat(key, "20060102T150405Z")
				key = append(key, ".json.gz"...)

				b = b[:0]
				b = append(b, `{"awsAccountId":"`...)
				b = append(b, acct...)
				b = append(b, `","digestStartTime":"`...)
				b = appendTime(b, startT)
				b = append(b, `","digestEndTime":"`...)
				b = appendTime(b, endT)
				b = append(b, `","digestS3Bucket":"`...)
				b = append(b, bucket...)
				b = append(b, `","digestS3Object":"`...)
				b = append(b, key...)
				b = append(b, `","digestPublicKeyFingerprint":"`...)
				b = append(b, w.digestFingerprint...)
				b = append(b, `","digestSignatureAlgorithm":"SHA256withRSA"`...)
				files := byHour[hourKey{ai, ri, h}]
				if len(files) > 0 {
					oldest, newest := infos[files[0]].oldest, infos[files[0]].newest
					for _, f := range files {
						oldest, newest = min(oldest, infos[f].oldest), max(newest, infos[f].newest)
					}
					b = append(b, `,"newestEventTime":"`...)
					b = appendTime(b, newest)
					b = append(b, `","oldestEventTime":"`...)
					b = appendTime(b, oldest)
					b = append(b, '"')
				}
				b = append(b, `,"previousDigestS3Bucket":`...)
				if prevKey == "" {
					b = append(b, `null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null`...)
				} else {
					b = append(b, '"')
					b = append(b, bucket...)
					b = append(b, `","previousDigestS3Object":"`...)
					b = append(b, prevKey...)
					b = append(b, `","previousDigestHashValue":"`...)
					b = hex.AppendEncode(b, prevSHA[:])
					b = append(b, `","previousDigestHashAlgorithm":"SHA-256","previousDigestSignature":"`...)
					b = appendRandChars(b, r, hexChars, 1024)
					b = append(b, '"')
				}
				b = append(b, `,"logFiles":[`...)
				for i, f := range files {
					if i > 0 {
						b = append(b, ',')
					}
					b = append(b, `{"s3Bucket":"`...)
					b = append(b, bucket...)
					b = append(b, `","s3Object":"`...)
					b = append(b, objs[f].Key...)
					b = append(b, `","hashValue":"`...)
					b = hex.AppendEncode(b, infos[f].sha[:])
					b = append(b, `","hashAlgorithm":"SHA-256","newestEventTime":"`...)
					b = appendTime(b, infos[f].newest)
					b = append(b, `","oldestEventTime":"`...)
					b = appendTime(b, infos[f].oldest)
					b = append(b, `"}`...)
				}
				b = append(b, "]}"...)
				n, err := wk.writeGzip(cfg.Dir, string(key), b)
				if err != nil {
					return nil, err
				}
				out = append(out, Object{Key: string(key), Kind: KindCloudTrailDigest, Account: acct, Region: region, Bytes: n, RawBytes: int64(len(b))})
				prevKey, prevSHA = string(key), sha256.Sum256(b)
			}
		}
	}
	return out, nil
}

// Character sets for random identifiers.
const (
	alnumChars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upperChars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" // access key IDs
	upnumChars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	hexChars    = "0123456789abcdef"
	lowerChars  = "abcdefghijklmnopqrstuvwxyz0123456789"
	b64Chars    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	hexUpper    = "0123456789ABCDEF"
	digitsChars = "0123456789"
)

// appendRandChars appends n characters drawn from set (len(set) <= 64).
func appendRandChars(b []byte, r *rand.Rand, set string, n int) []byte {
	for n > 0 {
		// One Uint64 gives ten 6-bit draws; modulo bias is irrelevant here.
		u := r.Uint64()
		for k := 0; k < 10 && n > 0; k++ {
			b = append(b, set[int(u&63)%len(set)])
			u >>= 6
			n--
		}
	}
	return b
}

// appendUUID appends a version-4-shaped UUID from r.
func appendUUID(b []byte, r *rand.Rand) []byte {
	hi, lo := r.Uint64(), r.Uint64()
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	var u [16]byte
	for i := range 8 {
		u[i] = byte(hi >> (56 - 8*i))
		u[8+i] = byte(lo >> (56 - 8*i))
	}
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexChars[c>>4], hexChars[c&15])
	}
	return b
}

// appendTime appends unix seconds t as RFC 3339 UTC ("2026-01-05T12:03:44Z").
func appendTime(b []byte, t int64) []byte {
	days := t / 86400
	secs := t - days*86400
	y, m, d := civil(days)
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, int(secs/3600))
	b = append(b, ':')
	b = append2(b, int(secs/60%60))
	b = append(b, ':')
	b = append2(b, int(secs%60))
	return append(b, 'Z')
}

// civil converts days since 1970-01-01 to a date (Howard Hinnant's algorithm).
func civil(z int64) (y, m, d int) {
	z += 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	yy := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		yy++
	}
	return int(yy), m, d
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// pickWeighted returns an index into cum, a cumulative weight table.
func pickWeighted(r *rand.Rand, cum []int) int {
	x := r.IntN(cum[len(cum)-1])
	i, _ := slices.BinarySearch(cum, x+1)
	return i
}

// world is the fixed cast of a corpus: accounts, principals, resources and
// networks. Workers share it read-only.
type world struct {
	accounts    []*account
	regionNames []string
	nets        [][]*regionNet // [account][region]

	evCumHome     []int   // cumulative ctEvents weights, home region
	evCumRegional []int   // the same without global services
	whoCum        [][]int // per ctEvents entry: cumulative class weights

	clients           []string // internet addresses of web clients and scanners
	bucketSuffix      string
	digestFingerprint string
}

// clientPool is how many internet addresses talk to the VPCs. Enough that no
// background source comes near the flood or scan thresholds.
const clientPool = 1 << 14

func newWorld(cfg Config) *world {
	r := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x3011d))
	w := &world{regionNames: cfg.Regions}
	pubIP := func() string { return string(appendPubIP(nil, r)) }
	for _, id := range cfg.Accounts {
		a := newAccount(r, id, cfg.Regions[0], pubIP)
		w.accounts = append(w.accounts, a)
		nets := make([]*regionNet, len(cfg.Regions))
		for ri, region := range cfg.Regions {
			nets[ri] = newRegionNet(r, a, region, ri, pubIP)
		}
		w.nets = append(w.nets, nets)
	}
	home, regional := 0, 0
	for _, ev := range ctEvents {
		home += ev.weight
		if !ev.global {
			regional += ev.weight
		}
		w.evCumHome = append(w.evCumHome, home)
		// A zero step makes pickWeighted skip the entry.
		w.evCumRegional = append(w.evCumRegional, regional)
		sum := 0
		var cum []int
		for _, x := range ev.who {
			sum += x
			cum = append(cum, sum)
		}
		w.whoCum = append(w.whoCum, cum)
	}
	w.clients = make([]string, clientPool)
	for i := range w.clients {
		w.clients[i] = pubIP()
	}
	w.bucketSuffix = string(appendRandChars(nil, r, lowerChars, 8))
	w.digestFingerprint = string(appendRandChars(nil, r, hexChars, 32))
	return w
}

func timeUTC(t int64) time.Time { return time.Unix(t, 0).UTC() }
