package findings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// ASFF and BatchImportFindings limits (reference/asff.md).
const (
	asffSchemaVersion = "2018-10-08"
	asffMaxBatch      = 100
	// asffMaxRequest stays below the 6 MB request limit with room for the
	// envelope and the estimate's slack.
	asffMaxRequest = 5 << 20
	// asffMaxFinding is the per-finding limit (240 KB).
	asffMaxFinding = 240_000
	asffMaxID      = 512
	asffMaxTitle   = 256
	asffMaxDesc    = 1024
	asffMaxRemedy  = 512
	// asffMaxFields leaves 5 of the 50 ProductFields pairs for the keys
	// Security Hub adds itself (aws/securityhub/FindingId, ProductName,
	// CompanyName...).
	asffMaxFields    = 45
	asffMaxFieldKey  = 128
	asffMaxFieldVal  = 2048
	asffMaxResources = 32
)

// SecurityHubSink imports findings into AWS Security Hub (CSPM) with
// BatchImportFindings, as ASFF under a custom integration's ProductArn, in
// batches of at most 100 findings and 5 MiB.
//
// # Identity and updates
//
// The ASFF Id is the finding ID, so a finding sent again (by a later run,
// with more events) updates the same Security Hub finding instead of making
// a new one. CreatedAt and UpdatedAt are both the time the finding was
// first sent (SendStamped's at; Send: SinkOptions.Now): ASFF wants them
// equal when a finding is first imported. A run with a state file imports
// each finding once ([Deliver] suppresses it afterwards, and re-sends
// carry the first stamp); a later run without state sends it again with a
// later UpdatedAt (and CreatedAt: hunt keeps no record of the first
// import), so Security Hub applies the update. When the issue happened is
// in FirstObservedAt and LastObservedAt; ProductFields hunt/Count carries
// the growth.
// Within one Send every retry carries the same UpdatedAt, so a batch whose
// response was lost and that is re-sent is ignored by Security Hub (same
// UpdatedAt), never duplicated. [Deliver] calls SendStamped with the time
// the finding was first sent, so re-sends by later runs (after a crash, or
// of a finding left pending) carry that same UpdatedAt too.
//
// # Accounts
//
// A custom integration may only import findings whose AwsAccountId is the
// calling account. Findings about other accounts (an organization trail read
// from a security account) are imported with the caller's AwsAccountId; the
// account they are about is in ProductFields hunt/Account and an AwsAccount
// resource.
//
// # Failures
//
// FailedFindings are handled per finding: codes starting with Invalid or
// naming access denial are permanent and rejected; others are re-sent in
// later rounds with backoff. A partial batch is never re-sent whole.
type SecurityHubSink struct {
	client     *securityhub.Client
	region     string
	partition  string
	productArn string // empty: per finding, from its account (dry run only)
	account    string // the calling account; empty when productArn is
	opts       SinkOptions
	accepted   acceptedSet
}

// NewSecurityHubSink returns a sink importing with client, in the client's
// region, under productArn (arn:PARTITION:securityhub:REGION:ACCOUNT:product/...),
// whose account is taken to be the caller's. An empty productArn is allowed
// only with opts.DryRun: each finding then shows the default product ARN of
// its own account.
func NewSecurityHubSink(client *securityhub.Client, productArn string, opts SinkOptions) (*SecurityHubSink, error) {
	region := client.Options().Region
	if region == "" {
		return nil, errors.New("expected an AWS region for Security Hub (securityhub:REGION, --aws-region or AWS_REGION), found none")
	}
	s := &SecurityHubSink{
		client:    client,
		region:    region,
		partition: partitionOf(region),
		opts:      opts.withDefaults(),
		accepted:  acceptedSet{},
	}
	if productArn == "" {
		if !s.opts.DryRun {
			return nil, errors.New("expected a Security Hub product ARN, found none")
		}
		return s, nil
	}
	a, err := arn.Parse(productArn)
	if err == nil && (a.Service != "securityhub" || !strings.HasPrefix(a.Resource, "product/") || !isAccountID(a.AccountID)) {
		err = fmt.Errorf("service %q, account %q, resource %q", a.Service, a.AccountID, a.Resource)
	}
	if err != nil {
		return nil, fmt.Errorf("--securityhub-product-arn: expected arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default, found %q: %v", productArn, err)
	}
	s.productArn, s.account = productArn, a.AccountID
	return s, nil
}

func newSecurityHubSinkFromConfig(ctx context.Context, cfg aws.Config, region string, opts SinkOptions) (*SecurityHubSink, error) {
	if region == "" {
		region = cfg.Region
	}
	client := securityhub.NewFromConfig(cfg, func(o *securityhub.Options) {
		o.Region = region
		if opts.EndpointURL != "" {
			o.BaseEndpoint = aws.String(opts.EndpointURL)
		}
	})
	productArn := opts.ProductArn
	if productArn == "" && !opts.DryRun && region != "" {
		stsClient := sts.NewFromConfig(cfg, func(o *sts.Options) {
			o.Region = region
			if opts.EndpointURL != "" {
				o.BaseEndpoint = aws.String(opts.EndpointURL)
			}
		})
		out, err := stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(o *sts.Options) {
			o.APIOptions = append(o.APIOptions, withAttemptTimeout(opts.withDefaults().CallTimeout))
		})
		if err != nil {
			return nil, fmt.Errorf("cannot find the calling account for the Security Hub product ARN (or set it with --securityhub-product-arn): %w", err)
		}
		productArn = defaultProductArn(partitionOf(region), region, aws.ToString(out.Account))
	}
	return NewSecurityHubSink(client, productArn, opts)
}

// defaultProductArn is the ARN of an account's custom integration.
func defaultProductArn(partition, region, account string) string {
	return "arn:" + partition + ":securityhub:" + region + ":" + account + ":product/" + account + "/default"
}

// partitionOf returns the AWS partition of a region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
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

// Name returns "securityhub:REGION".
func (s *SecurityHubSink) Name() string { return "securityhub:" + s.region }

// asffItem is one finding ready to import.
type asffItem struct {
	id   string
	f    types.AwsSecurityFinding
	json []byte // compact JSON without nulls: dry-run output and size estimate
}

// Send imports every finding not accepted before, with UpdatedAt the
// time of the call (SinkOptions.Now); see [Sink].
func (s *SecurityHubSink) Send(ctx context.Context, fs []Finding) ([]string, error) {
	return s.SendStamped(ctx, fs, s.opts.Now())
}

// SendStamped is Send with UpdatedAt at: [Deliver] passes the time a
// finding was first sent, so a re-send after a crash or a lost response
// carries the same UpdatedAt and Security Hub ignores it where it already
// holds the finding; see [StampedSink].
func (s *SecurityHubSink) SendStamped(ctx context.Context, fs []Finding, at time.Time) ([]string, error) {
	todo, accepted, rejected := s.accepted.pending(fs)
	now := at.UTC() // one UpdatedAt per Send: retries are idempotent
	items := make([]asffItem, 0, len(todo))
	for i := range todo {
		it, err := s.item(&todo[i], now)
		if err != nil {
			rejected = append(rejected, Rejection{ID: todo[i].ID, Code: "Invalid", Message: err.Error(), IsPermanent: true})
			continue
		}
		items = append(items, it)
	}
	if s.opts.DryRun {
		s.printDryRun(s.opts.Stdout, items)
		return nil, sendErr(s.Name(), rejected, nil)
	}
	ok, rej, stop := deliverRounds(ctx, s.opts, len(items),
		func(i int) string { return items[i].id },
		func(pending []int) [][]int { return packASFF(items, pending) },
		func(ctx context.Context, batch []int) (map[int]Rejection, error) {
			return s.importBatch(ctx, items, batch)
		})
	for _, i := range ok {
		s.accepted.add(items[i].id)
		accepted = append(accepted, items[i].id)
	}
	return accepted, sendErr(s.Name(), append(rejected, rej...), stop)
}

func (s *SecurityHubSink) item(f *Finding, now time.Time) (asffItem, error) {
	af, err := s.asff(f, now)
	if err != nil {
		return asffItem{}, err
	}
	js, err := compactJSON(af)
	if err != nil {
		return asffItem{}, err
	}
	if len(js) > asffMaxFinding {
		return asffItem{}, fmt.Errorf("ASFF finding is %d bytes; expected at most %d", len(js), asffMaxFinding)
	}
	return asffItem{id: f.ID, f: af, json: js}, nil
}

// packASFF groups pending items into calls of at most asffMaxBatch findings
// and asffMaxRequest bytes.
func packASFF(items []asffItem, pending []int) [][]int {
	var (
		batches [][]int
		cur     []int
		size    int
	)
	for _, i := range pending {
		n := len(items[i].json) + 1
		if len(cur) == asffMaxBatch || (len(cur) > 0 && size+n > asffMaxRequest) {
			batches = append(batches, cur)
			cur, size = nil, 0
		}
		cur = append(cur, i)
		size += n
	}
	if len(cur) > 0 {
		batches = append(batches, cur)
	}
	return batches
}

// importBatch imports one batch and returns the findings that failed.
func (s *SecurityHubSink) importBatch(ctx context.Context, items []asffItem, batch []int) (map[int]Rejection, error) {
	in := &securityhub.BatchImportFindingsInput{Findings: make([]types.AwsSecurityFinding, len(batch))}
	byID := make(map[string]int, len(batch))
	for n, i := range batch {
		in.Findings[n] = items[i].f
		byID[items[i].id] = i
	}
	out, err := s.client.BatchImportFindings(ctx, in, func(o *securityhub.Options) {
		o.APIOptions = append(o.APIOptions, withAttemptTimeout(s.opts.CallTimeout))
	})
	if err != nil {
		return nil, err
	}
	failed := make(map[int]Rejection, len(out.FailedFindings))
	for _, ff := range out.FailedFindings {
		i, ok := byID[aws.ToString(ff.Id)]
		if !ok {
			continue
		}
		code := aws.ToString(ff.ErrorCode)
		failed[i] = Rejection{ID: items[i].id, Code: code, Message: aws.ToString(ff.ErrorMessage), IsPermanent: isPermanentImportError(code)}
	}
	if n := int(aws.ToInt32(out.FailedCount)); n > len(failed) {
		// Failures we cannot attribute: re-send the whole batch. That is
		// safe: findings already imported carry the same UpdatedAt, so
		// Security Hub ignores them.
		for _, i := range batch {
			if _, ok := failed[i]; !ok {
				failed[i] = Rejection{ID: items[i].id, Code: "InconsistentResponse",
					Message: fmt.Sprintf("FailedCount %d but %d FailedFindings named in the batch", n, len(out.FailedFindings))}
			}
		}
	}
	return failed, nil
}

// isPermanentImportError reports whether a FailedFindings ErrorCode means
// that re-sending the finding unchanged cannot succeed. AWS does not list
// the codes beyond InvalidAccess; unknown codes are retried, which is safe
// because imports are idempotent.
func isPermanentImportError(code string) bool {
	return strings.HasPrefix(code, "Invalid") || strings.Contains(code, "AccessDenied") || strings.Contains(code, "Validation")
}

// asff maps f to an ASFF finding; see [SecurityHubSink] and the tables
// below for the mapping.
func (s *SecurityHubSink) asff(f *Finding, now time.Time) (types.AwsSecurityFinding, error) {
	if len(f.ID) > asffMaxID || strings.TrimSpace(f.ID) == "" {
		return types.AwsSecurityFinding{}, fmt.Errorf("finding ID %q: expected 1-%d characters", truncateBytes(f.ID, 80), asffMaxID)
	}
	account, productArn := s.account, s.productArn
	if account == "" {
		account = f.Account
		productArn = defaultProductArn(s.partition, s.region, account)
	}
	if !isAccountID(account) {
		return types.AwsSecurityFinding{}, fmt.Errorf("expected a 12-digit account ID, found %q", account)
	}
	region := f.Region
	if region == "" {
		region = s.region
	}
	title := truncateBytes(nonBlank(f.Title, f.HuntID), asffMaxTitle)
	desc := truncateBytes(nonBlank(f.Description, title), asffMaxDesc)
	sev := types.SeverityLabel(f.Severity)
	typs := asffTypes(f)
	af := types.AwsSecurityFinding{
		SchemaVersion:   aws.String(asffSchemaVersion),
		Id:              aws.String(f.ID),
		ProductArn:      aws.String(productArn),
		GeneratorId:     aws.String(truncateBytes(f.HuntID, asffMaxID)),
		AwsAccountId:    aws.String(account),
		Types:           typs,
		CreatedAt:       aws.String(asffTime(now)), // = UpdatedAt on the first import, as ASFF requires
		UpdatedAt:       aws.String(asffTime(now)),
		FirstObservedAt: aws.String(asffTime(f.FirstSeen)),
		LastObservedAt:  aws.String(asffTime(f.LastSeen)),
		Severity:        &types.Severity{Label: sev, Original: aws.String(f.Severity)},
		FindingProviderFields: &types.FindingProviderFields{
			Severity: &types.FindingProviderSeverity{Label: sev, Original: aws.String(f.Severity)},
			Types:    typs,
		},
		Title:         aws.String(title),
		Description:   aws.String(desc),
		ProductName:   aws.String("hunt"),
		CompanyName:   aws.String("hunt"),
		RecordState:   types.RecordStateActive,
		Resources:     s.resources(f, account, region),
		ProductFields: productFields(f),
	}
	if f.Remediation != "" {
		rec := &types.Recommendation{Text: aws.String(truncateBytes(f.Remediation, asffMaxRemedy))}
		for _, r := range f.References {
			if (strings.HasPrefix(r, "https://") || strings.HasPrefix(r, "http://")) && len(r) <= asffMaxRemedy {
				rec.Url = aws.String(r)
				break
			}
		}
		af.Remediation = &types.Remediation{Recommendation: rec}
	}
	return af, nil
}

func nonBlank(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

// asffTime formats t as ASFF wants: RFC 3339, UTC, milliseconds.
func asffTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// tacticTypes maps MITRE ATT&CK tactics to the ASFF Types taxonomy
// (namespace/category). ASFF's TTPs namespace has ten of MITRE's fourteen
// tactics; Exfiltration and Impact are ASFF Effects, Reconnaissance is
// closest to Discovery, and Resource Development has no category.
var tacticTypes = map[string]string{
	"TA0001": "TTPs/Initial Access",
	"TA0002": "TTPs/Execution",
	"TA0003": "TTPs/Persistence",
	"TA0004": "TTPs/Privilege Escalation",
	"TA0005": "TTPs/Defense Evasion",
	"TA0006": "TTPs/Credential Access",
	"TA0007": "TTPs/Discovery",
	"TA0008": "TTPs/Lateral Movement",
	"TA0009": "TTPs/Collection",
	"TA0010": "Effects/Data Exfiltration",
	"TA0011": "TTPs/Command and Control",
	"TA0040": "Effects", // refined by impactTypes
	"TA0042": "TTPs",
	"TA0043": "TTPs/Discovery",
}

// impactTypes refines the Impact tactic by technique (without sub-technique).
var impactTypes = map[string]string{
	"T1485": "Effects/Data Destruction",     // Data Destruction
	"T1486": "Effects/Data Destruction",     // Data Encrypted for Impact
	"T1490": "Effects/Data Destruction",     // Inhibit System Recovery
	"T1489": "Effects/Denial of Service",    // Service Stop
	"T1498": "Effects/Denial of Service",    // Network Denial of Service
	"T1499": "Effects/Denial of Service",    // Endpoint Denial of Service
	"T1496": "Effects/Resource Consumption", // Resource Hijacking
}

// asffTypes returns the ASFF Types of f: one per tactic (see tacticTypes;
// Impact refined by technique), plus Unusual Behaviors/Network Flow for
// flow-log hunts; a finding without known tactics gets Unusual
// Behaviors/Network Flow or Unusual Behaviors/User by table.
func asffTypes(f *Finding) []string {
	var out []string
	add := func(t string) {
		for _, o := range out {
			if o == t {
				return
			}
		}
		out = append(out, t)
	}
	for _, t := range f.Tactics {
		id, ok := tacticID(t)
		if !ok {
			continue
		}
		if id != "TA0040" {
			add(tacticTypes[id])
			continue
		}
		n := len(out)
		for _, tech := range f.Techniques {
			base, _, _ := strings.Cut(strings.ToUpper(tech), ".")
			if typ, ok := impactTypes[base]; ok {
				add(typ)
			}
		}
		if len(out) == n {
			add(tacticTypes[id])
		}
	}
	isFlow := strings.HasPrefix(f.Table, "vpc_flow")
	if isFlow {
		add("Unusual Behaviors/Network Flow")
	}
	if len(out) == 0 {
		add("Unusual Behaviors/User")
	}
	if len(out) > 50 {
		out = out[:50]
	}
	return out
}

// asffResourceTypes are the resource types Security Hub defines: one per
// field of the SDK's ResourceDetails (AwsRdsDbSnapshot,
// AwsGuardDutyDetector, ...), plus AwsAccount, which has no details. A
// hunt's resource_type among them is passed through; any other becomes
// Other, with the hunt's type in Details.Other hunt/ResourceType.
var asffResourceTypes = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{"AwsAccount": true}
	rt := reflect.TypeFor[types.ResourceDetails]()
	for i := range rt.NumField() {
		if f := rt.Field(i); f.IsExported() && f.Name != "Other" {
			m[f.Name] = true
		}
	}
	return m
})

// resources returns the finding's target resource, typed and identified by
// ARN where one can be built, then its actor (when an ARN) and, when the
// finding is about another account than the caller's, that account.
func (s *SecurityHubSink) resources(f *Finding, account, region string) []types.Resource {
	out := []types.Resource{s.resource(f.Resource, f.ResourceType, f.Account, region, "Target")}
	if f.Actor != "" && f.Actor != f.Resource && strings.HasPrefix(f.Actor, "arn:") {
		out = append(out, s.resource(f.Actor, "", f.Account, region, "Actor"))
	}
	if isAccountID(f.Account) && f.Account != account {
		out = append(out, s.resource(f.Account, "AwsAccount", f.Account, region, "Target"))
	}
	return out[:min(len(out), asffMaxResources)]
}

func (s *SecurityHubSink) resource(ref, typ, account, region, role string) types.Resource {
	a, err := arn.Parse(ref)
	isARN := err == nil
	if typ == "" || typ == "Other" {
		typ = "Other"
		if isARN {
			typ = typeOfARN(a)
		} else if isAccountID(ref) {
			typ = "AwsAccount"
		}
	}
	other := map[string]string{}
	if !asffResourceTypes()[typ] {
		if typ != "Other" {
			other["hunt/ResourceType"] = truncateBytes(typ, asffMaxFieldVal)
		}
		typ = "Other"
	}
	partition := s.partition
	if isARN {
		partition = a.Partition
	}
	id := ref
	if !isARN {
		id = resourceARN(typ, ref, partition, account, region)
	}
	if roleARN, session, ok := assumedRole(a); isARN && ok && typ == "AwsIamRole" {
		// The resource is the role; the session that used it is detail.
		id = roleARN
		other["hunt/AssumedRoleArn"] = truncateBytes(ref, asffMaxFieldVal)
		if session != "" {
			other["hunt/SessionName"] = truncateBytes(session, asffMaxFieldVal)
		}
	}
	if _, err := netip.ParseAddr(ref); err == nil && typ == "Other" {
		other["IpAddress"] = ref
	}
	r := types.Resource{
		Type:         aws.String(typ),
		Id:           aws.String(truncateBytes(id, asffMaxID)),
		Partition:    types.Partition(partition),
		Region:       aws.String(region),
		ResourceRole: aws.String(role),
	}
	if len(other) > 0 {
		r.Details = &types.ResourceDetails{Other: other}
	}
	return r
}

// assumedRole turns an STS session ARN,
// arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION, into the role's ARN,
// arn:aws:iam::ACCOUNT:role/NAME, and the session name. (The session ARN
// does not carry the role's path, so a role with a path gets its ARN
// without it.)
func assumedRole(a arn.ARN) (roleARN, session string, ok bool) {
	rest, found := strings.CutPrefix(a.Resource, "assumed-role/")
	if a.Service != "sts" || !found {
		return "", "", false
	}
	name, session, _ := strings.Cut(rest, "/")
	if name == "" {
		return "", "", false
	}
	return "arn:" + a.Partition + ":iam::" + a.AccountID + ":role/" + name, session, true
}

// typeOfARN infers the ASFF resource type from an ARN.
func typeOfARN(a arn.ARN) string {
	kind, _, _ := strings.Cut(a.Resource, "/")
	switch a.Service + ":" + kind {
	case "iam:user":
		return "AwsIamUser"
	case "iam:role", "sts:assumed-role":
		return "AwsIamRole"
	case "ec2:instance":
		return "AwsEc2Instance"
	case "ec2:security-group":
		return "AwsEc2SecurityGroup"
	case "ec2:vpc":
		return "AwsEc2Vpc"
	case "ec2:network-interface":
		return "AwsEc2NetworkInterface"
	case "cloudtrail:trail":
		return "AwsCloudTrailTrail"
	case "kms:key":
		return "AwsKmsKey"
	}
	if a.Service == "s3" && !strings.Contains(a.Resource, "/") {
		return "AwsS3Bucket"
	}
	return "Other"
}

// resourceARN builds the ARN of a resource known by name or ID, or returns
// the name when no ARN can be built.
func resourceARN(typ, name, partition, account, region string) string {
	acct := isAccountID(account)
	switch {
	case typ == "AwsAccount":
		return "AWS::::Account:" + name
	case typ == "AwsS3Bucket":
		return "arn:" + partition + ":s3:::" + name
	case typ == "AwsIamUser" && acct:
		return "arn:" + partition + ":iam::" + account + ":user/" + name
	case typ == "AwsIamRole" && acct:
		return "arn:" + partition + ":iam::" + account + ":role/" + name
	case typ == "AwsEc2Instance" && acct && region != "":
		return "arn:" + partition + ":ec2:" + region + ":" + account + ":instance/" + name
	case typ == "AwsEc2SecurityGroup" && acct && region != "":
		return "arn:" + partition + ":ec2:" + region + ":" + account + ":security-group/" + name
	}
	return name
}

// productFields returns the hunt/... ProductFields: identity, count,
// context, then evidence rows as JSON (one pair each, each cut to 2048
// bytes) while pairs remain, with hunt/EvidenceRows saying how many of how
// many rows are shown.
func productFields(f *Finding) map[string]string {
	pf := map[string]string{}
	put := func(k, v string) {
		if strings.TrimSpace(v) != "" && len(pf) < asffMaxFields {
			pf[truncateBytes(k, asffMaxFieldKey)] = truncateBytes(v, asffMaxFieldVal)
		}
	}
	put("hunt/HuntId", f.HuntID)
	put("hunt/FindingId", f.ID)
	put("hunt/Count", strconv.FormatInt(f.Count, 10))
	put("hunt/Table", f.Table)
	put("hunt/Resource", f.Resource)
	put("hunt/ResourceType", f.ResourceType)
	put("hunt/Actor", f.Actor)
	put("hunt/Account", f.Account)
	put("hunt/Region", f.Region)
	put("hunt/Tactics", strings.Join(f.Tactics, ","))
	put("hunt/Techniques", strings.Join(f.Techniques, ","))
	put("hunt/Sources", strings.Join(f.Sources, " "))
	// Evidence rows go whole or not at all: a row cut at the value limit
	// would be invalid JSON. Rows too long for a value are dropped, and
	// so are those past the pairs left; hunt/EvidenceRows says how many.
	room := asffMaxFields - len(pf) - 1 // one for hunt/EvidenceRows
	var rows []string
	tooLong := 0
	for i := range f.Evidence {
		if len(rows) == max(room, 0) {
			break
		}
		b, err := json.Marshal(f.Evidence[i])
		if err != nil {
			b, _ = json.Marshal(fmt.Sprint(f.Evidence[i]))
		}
		if len(b) > asffMaxFieldVal { // put would cut it
			tooLong++
			continue
		}
		rows = append(rows, string(b))
	}
	if len(f.Evidence) > 0 || f.EvidenceTruncated {
		note := fmt.Sprintf("%d of %d", len(rows), len(f.Evidence))
		if dropped := len(f.Evidence) - len(rows); dropped > 0 {
			note += fmt.Sprintf("; %d dropped", dropped)
			if tooLong > 0 {
				note += fmt.Sprintf(" (%d longer than %d bytes)", tooLong, asffMaxFieldVal)
			}
		}
		if f.EvidenceTruncated {
			note += fmt.Sprintf(" (the hunt kept %d of %d events)", len(f.Evidence), f.Count)
		}
		put("hunt/EvidenceRows", note)
	}
	for i, row := range rows {
		put(fmt.Sprintf("hunt/Evidence/%02d", i+1), row)
	}
	return pf
}

// compactJSON encodes v as JSON without nulls, empty strings, empty
// objects or empty arrays: what the SDK's REST-JSON serializer sends for
// an ASFF finding, used for dry-run output and size estimates.
func compactJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		return nil, err
	}
	x, _ = prune(x)
	return json.Marshal(x)
}

func prune(x any) (any, bool) {
	switch v := x.(type) {
	case nil:
		return nil, false
	case string:
		return v, v != ""
	case map[string]any:
		for k, e := range v {
			if pe, ok := prune(e); ok {
				v[k] = pe
			} else {
				delete(v, k)
			}
		}
		return v, len(v) > 0
	case []any:
		out := v[:0]
		for _, e := range v {
			if pe, ok := prune(e); ok {
				out = append(out, pe)
			}
		}
		return out, len(out) > 0
	}
	return x, true
}

// printDryRun prints each BatchImportFindings call Send would make, with
// every finding as its ASFF JSON.
func (s *SecurityHubSink) printDryRun(w io.Writer, items []asffItem) {
	all := make([]int, len(items))
	for i := range all {
		all[i] = i
	}
	batches := packASFF(items, all)
	fmt.Fprintf(w, "dry-run %s: would import %d finding(s) in %d BatchImportFindings call(s)\n", s.Name(), len(items), len(batches))
	for bi, b := range batches {
		size := 0
		for _, i := range b {
			size += len(items[i].json)
		}
		fmt.Fprintf(w, "--- call %d: %d finding(s), about %d bytes\n", bi+1, len(b), size)
		for _, i := range b {
			fmt.Fprintf(w, "%s\n", items[i].json)
		}
	}
}
