package findings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
)

// Limits of automated responses.
const (
	// DefaultMaxBlocks is how many new responses (blocks and IAM actions)
	// one run may make before the circuit breaker trips.
	DefaultMaxBlocks = 10
	// DefaultBlockTTL is how long a block stays before a later run removes it.
	DefaultBlockTTL = 24 * time.Hour
	// wafMaxAddresses is the most addresses one WAFv2 IP set holds.
	wafMaxAddresses = 10000
)

// ErrCircuitBreaker is the error of a run that would have made more new
// responses than allowed (or overfilled an IP set): it made none.
var ErrCircuitBreaker = errors.New("circuit breaker")

// ResponseOptions configures a [Responder].
type ResponseOptions struct {
	// Apply makes changes in AWS; without it Respond only reads the IP
	// sets and prints, to Out, exactly what it would change.
	Apply bool
	// Out receives the plan (dry run), the changes made and the warnings;
	// nil means os.Stdout.
	Out io.Writer
	// WAFSets are the ARNs of the WAFv2 IP sets to block in: at most one
	// IPV4 and one IPV6 set. Empty disables waf-ipset responses.
	WAFSets []string
	// RevokeRoleSessions and DeactivateAccessKeys enable those responses.
	RevokeRoleSessions, DeactivateAccessKeys bool
	// Rules maps a hunt ID to the responses its findings may trigger
	// (header `-- respond:` and --respond-policy). Other hunts' findings
	// never trigger one.
	Rules map[string][]ResponseRule
	// NeverBlock lists what is never blocked; nil means the reserved ranges only.
	NeverBlock *NeverBlock
	// MaxBlocks bounds the new responses of one run; 0 means DefaultMaxBlocks.
	MaxBlocks int
	// BlockTTL is how long a block stays; 0 means DefaultBlockTTL.
	BlockTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Audit receives one JSON line per change made.
	Audit io.Writer
	// AuditTopic, when set, is an SNS topic ARN that also receives each audit line.
	AuditTopic string
	// Save persists the state; Respond calls it after recording an intent
	// and after each change. Required with Apply.
	Save func() error
	// MaxAttempts, MaxBackoff and CallTimeout are as in [SinkOptions].
	MaxAttempts int
	MaxBackoff  time.Duration
	CallTimeout time.Duration
}

// Responder carries out the responses hunts declare: it blocks addresses
// in WAF IP sets, revokes IAM role sessions and deactivates access keys,
// within the scope the options set, and records every change in the run
// state so it is made once and, for blocks, undone after BlockTTL.
type Responder struct {
	opts  ResponseOptions
	sink  SinkOptions // retry settings
	sets  []*wafSet
	waf   map[string]*wafv2.Client // by region
	iam   *iam.Client
	sts   *sts.Client
	sns   *sns.Client
	never *NeverBlock
	// selfRole and selfUser name the identity hunt runs as (STS
	// GetCallerIdentity): never revoked nor deactivated, so a false
	// positive cannot take away the responder's own access.
	selfRole, selfUser string
	selfKnown          bool
}

// NewResponder checks the options and builds the AWS clients from cfg.
// It does not contact AWS.
func NewResponder(cfg aws.Config, opts ResponseOptions) (*Responder, error) {
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBlocks <= 0 {
		opts.MaxBlocks = DefaultMaxBlocks
	}
	if opts.BlockTTL <= 0 {
		opts.BlockTTL = DefaultBlockTTL
	}
	if opts.Apply && opts.Save == nil {
		return nil, errors.New("respond: --apply needs a state file (--state) to record what it changes")
	}
	r := &Responder{opts: opts, waf: map[string]*wafv2.Client{}, never: opts.NeverBlock}
	r.sink = SinkOptions{MaxAttempts: opts.MaxAttempts, MaxBackoff: opts.MaxBackoff, CallTimeout: opts.CallTimeout}.withDefaults()
	if r.never == nil {
		r.never, _ = NewNeverBlock(nil)
	}
	c := cfg.Copy()
	c.Retryer = func() aws.Retryer { return newRetryer(r.sink) }
	for _, s := range opts.WAFSets {
		set, err := parseIPSetArn(s)
		if err != nil {
			return nil, fmt.Errorf("--respond waf-ipset:%s: %v", s, err)
		}
		if slices.ContainsFunc(r.sets, func(o *wafSet) bool { return o.arn == set.arn }) {
			return nil, fmt.Errorf("--respond waf-ipset:%s: given twice", s)
		}
		r.sets = append(r.sets, set)
		if r.waf[set.region] == nil {
			region := set.region
			r.waf[region] = wafv2.NewFromConfig(c, func(o *wafv2.Options) {
				o.Region = region
			})
		}
	}
	if len(r.sets) > 2 {
		return nil, fmt.Errorf("--respond waf-ipset: expected at most an IPv4 and an IPv6 set, found %d sets", len(r.sets))
	}
	if opts.RevokeRoleSessions || opts.DeactivateAccessKeys {
		r.iam = iam.NewFromConfig(c, func(o *iam.Options) {
			if o.Region == "" {
				o.Region = "us-east-1" // IAM is global
			}
		})
		r.sts = sts.NewFromConfig(c, func(o *sts.Options) {
			if o.Region == "" {
				o.Region = "us-east-1"
			}
		})
	}
	if opts.AuditTopic != "" {
		a, err := parseTopicArn(opts.AuditTopic)
		if err != nil {
			return nil, fmt.Errorf("--audit: %v", err)
		}
		r.sns = sns.NewFromConfig(c, func(o *sns.Options) {
			o.Region = a.Region
		})
	}
	return r, nil
}

// ResponseReport counts what one Respond did (or, in a dry run, would do).
type ResponseReport struct {
	Blocked, Unblocked, Revoked, Deactivated int
	// Skipped are the targets left alone, each with why.
	Skipped []string
}

// plannedBlock is an address to add to a set.
type plannedBlock struct {
	set  *wafSet
	addr netip.Prefix
	rec  *BlockRecord
}

// Respond carries out the responses that fs's hunts declare, after
// finishing any change an earlier run recorded as intended but did not
// confirm, and removes the blocks older than BlockTTL that hunt added.
// Nothing changes in AWS unless Apply is set. When the new responses
// would exceed MaxBlocks, or an IP set's 10,000 addresses, none is made
// and the error wraps [ErrCircuitBreaker].
func (r *Responder) Respond(ctx context.Context, st *State, fs []Finding) (*ResponseReport, error) {
	now := r.opts.Now().UTC()
	rep := &ResponseReport{}
	rs := st.Responses // may be nil: read only until something is recorded
	out := r.opts.Out
	verb := "would "
	if r.opts.Apply {
		verb = ""
	}

	if err := r.Prepare(ctx); err != nil {
		return rep, err
	}

	// What the findings ask for.
	var blocks []plannedBlock
	var actions []*ActionRecord
	skip := func(format string, a ...any) {
		msg := fmt.Sprintf(format, a...)
		rep.Skipped = append(rep.Skipped, msg)
		fmt.Fprintf(out, "respond: skip %s\n", msg)
	}
	for i := range fs {
		f := &fs[i]
		for _, rule := range r.opts.Rules[f.HuntID] {
			vals, err := evidenceValues(f, rule.Columns)
			if err != nil {
				skip("finding %s (%s): %s: %v", f.ID, f.HuntID, rule, err)
				continue
			}
			reason := fmt.Sprintf("%s: %s (finding %s)", f.HuntID, f.Title, f.ID)
			switch rule.Kind {
			case RespondWAFIPSet:
				if len(r.sets) == 0 {
					skip("finding %s (%s): %s: no --respond waf-ipset:ARN given", f.ID, f.HuntID, rule)
					continue
				}
				for _, v := range vals {
					a, err := netip.ParseAddr(v[0])
					if err != nil {
						skip("finding %s (%s): %s: expected an IP address, found %q", f.ID, f.HuntID, rule, v[0])
						continue
					}
					a = a.Unmap()
					if why := r.never.Protected(a); why != "" {
						skip("%s: never blocked (%s)", a, why)
						continue
					}
					p := netip.PrefixFrom(a, a.BitLen())
					set := r.setFor(a)
					if set == nil {
						skip("%s: no IP set of its family (IPv%d) given", a, map[bool]int{true: 4, false: 6}[a.Is4()])
						continue
					}
					if rs.block(set.arn, p.String()) != nil || slices.ContainsFunc(blocks, func(b plannedBlock) bool { return b.set == set && b.addr == p }) {
						continue // blocked by hunt already, or twice in this run
					}
					blocks = append(blocks, plannedBlock{set, p, &BlockRecord{IPSet: set.arn, Address: p.String(), HuntID: f.HuntID, FindingID: f.ID, Reason: reason}})
				}
			case RespondRevokeRoleSessions, RespondDeactivateAccessKey:
				if (rule.Kind == RespondRevokeRoleSessions && !r.opts.RevokeRoleSessions) || (rule.Kind == RespondDeactivateAccessKey && !r.opts.DeactivateAccessKeys) {
					skip("finding %s (%s): %s: not enabled (--respond %s)", f.ID, f.HuntID, rule, rule.Kind)
					continue
				}
				for _, v := range vals {
					a := &ActionRecord{Kind: rule.Kind, HuntID: f.HuntID, FindingID: f.ID, Reason: reason}
					var err error
					if rule.Kind == RespondRevokeRoleSessions {
						a.Role, err = roleName(v[0])
					} else {
						a.AccessKey, a.User, err = accessKey(v[0], v[1])
					}
					if err != nil {
						skip("finding %s (%s): %s: %v", f.ID, f.HuntID, rule, err)
						continue
					}
					if (a.Role != "" && a.Role == r.selfRole) || (a.User != "" && a.User == r.selfUser) {
						skip("finding %s (%s): %s: %s%s is the identity hunt runs as: never revoked by it", f.ID, f.HuntID, rule, a.Role, a.User)
						continue
					}
					if rs.action(a) != nil || slices.ContainsFunc(actions, func(b *ActionRecord) bool { return b.Kind == a.Kind && b.Role == a.Role && b.AccessKey == a.AccessKey }) {
						continue
					}
					actions = append(actions, a)
				}
			}
		}
	}

	// The circuit breaker: a false positive on many addresses must not
	// turn into blocking many addresses.
	var tripped error
	if n := len(blocks) + len(actions); n > r.opts.MaxBlocks {
		tripped = fmt.Errorf("%w: this run would make %d new responses, more than --max-blocks %d: made none (check the findings, then raise --max-blocks or respond by hand)", ErrCircuitBreaker, n, r.opts.MaxBlocks)
		fmt.Fprintf(out, "respond: CIRCUIT BREAKER TRIPPED: %v\n", tripped)
		blocks, actions = nil, nil
	}

	// Every new change is recorded as intended, on disk, before any is
	// made: a run that dies or fails after this point leaves them for the
	// next run to finish, which confirms what was done and does the rest.
	if r.opts.Apply && len(blocks)+len(actions) > 0 {
		st := st.responses()
		for _, b := range blocks {
			b.rec.IntendedAt = now
			st.Blocks = append(st.Blocks, b.rec)
		}
		for _, a := range actions {
			a.IntendedAt = now
			st.Actions = append(st.Actions, a)
		}
		if err := r.save(); err != nil {
			return rep, err
		}
	}

	// Each IP set: read it, then add, finish and expire in one update.
	var errs []error
	for _, set := range r.sets {
		var add []plannedBlock
		for _, b := range blocks {
			if b.set == set {
				add = append(add, b)
			}
		}
		if err := r.updateSet(ctx, st, set, add, now, rep); err != nil {
			if errors.Is(err, ErrCircuitBreaker) {
				fmt.Fprintf(out, "respond: CIRCUIT BREAKER TRIPPED: %v\n", err)
			}
			errs = append(errs, err)
			if ctx.Err() != nil {
				return rep, errors.Join(append(errs, tripped)...)
			}
		}
	}

	// IAM: earlier intents first, then the new ones (recorded above).
	if rs := st.Responses; rs != nil {
		for _, a := range rs.Actions {
			if a.DoneAt.IsZero() && !slices.Contains(actions, a) {
				actions = append([]*ActionRecord{a}, actions...)
			}
		}
	}
	for _, a := range actions {
		if err := r.doAction(ctx, st, a, now, verb, rep); err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
		}
	}
	return rep, errors.Join(append(errs, tripped)...)
}

// Prepare reads each IP set once (GetIPSet) to learn its address family.
// Call it before the run reads its logs: a set that cannot be read then
// stops the run before anything is delivered, and Respond needs no AWS
// call before it records what it is about to change.
func (r *Responder) Prepare(ctx context.Context) error {
	if r.sts != nil && !r.selfKnown {
		out, err := r.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{},
			func(o *sts.Options) { o.APIOptions = append(o.APIOptions, withAttemptTimeout(r.sink.CallTimeout)) })
		if err != nil {
			return fmt.Errorf("respond: cannot learn the identity hunt runs as (STS GetCallerIdentity), which it must never revoke: %w", err)
		}
		self := aws.ToString(out.Arn)
		if role, err := roleName(self); err == nil {
			r.selfRole = role
		} else if _, user, err := accessKey("AKIA0000000000000000", self); err == nil {
			r.selfUser = user
		}
		r.selfKnown = true
	}
	if len(r.sets) == 0 {
		return nil
	}
	return r.readSets(ctx)
}

// setFor returns the IP set of a's family, or nil.
func (r *Responder) setFor(a netip.Addr) *wafSet {
	want := "IPV6"
	if a.Is4() {
		want = "IPV4"
	}
	for _, s := range r.sets {
		if s.version == want || s.version == "" && len(r.sets) == 1 {
			return s
		}
	}
	return nil
}

// save persists the state (Apply only).
func (r *Responder) save() error {
	if err := r.opts.Save(); err != nil {
		return fmt.Errorf("respond: cannot save state: %w", err)
	}
	return nil
}

// AuditEntry is one audit line: a change hunt made in AWS.
type AuditEntry struct {
	Time      time.Time `json:"time"`
	Action    string    `json:"action"` // waf-ipset-add, waf-ipset-remove, revoke-role-sessions, deactivate-access-key
	Target    string    `json:"target"` // the IP set ARN, role name or user name
	Value     string    `json:"value,omitempty"`
	HuntID    string    `json:"hunt_id,omitempty"`
	FindingID string    `json:"finding_id,omitempty"`
	Reason    string    `json:"reason"`
}

// audit writes one audit line to the audit file and topic.
func (r *Responder) audit(ctx context.Context, e AuditEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if r.opts.Audit != nil {
		if _, err := r.opts.Audit.Write(append(b, '\n')); err != nil {
			return fmt.Errorf("respond: audit: %w", err)
		}
		if f, ok := r.opts.Audit.(interface{ Sync() error }); ok {
			if err := f.Sync(); err != nil {
				return fmt.Errorf("respond: audit: %w", err)
			}
		}
	}
	if r.sns != nil {
		_, err := r.sns.Publish(ctx, &sns.PublishInput{
			TopicArn: aws.String(r.opts.AuditTopic),
			Subject:  aws.String(truncateBytes("hunt response: "+e.Action+" "+e.Value, snsMaxSubject)),
			Message:  aws.String(string(b)),
		}, func(o *sns.Options) { o.APIOptions = append(o.APIOptions, withAttemptTimeout(r.sink.CallTimeout)) })
		if err != nil {
			return fmt.Errorf("respond: audit to %s: %w", r.opts.AuditTopic, err)
		}
	}
	return nil
}

// evidenceValues returns the distinct tuples of cols over f's evidence
// rows, as text; a column missing from every row is an error.
func evidenceValues(f *Finding, cols []string) ([][]string, error) {
	var out [][]string
	for _, row := range f.Evidence {
		tuple := make([]string, len(cols))
		ok := true
		for i, c := range cols {
			v, has := row[c]
			s, isText := v.(string)
			if !has || !isText || s == "" {
				ok = false
				break
			}
			tuple[i] = s
		}
		if ok && !slices.ContainsFunc(out, func(t []string) bool { return slices.Equal(t, tuple) }) {
			out = append(out, tuple)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("expected evidence column(s) %s with text values, found none in %d row(s)", strings.Join(cols, ", "), len(f.Evidence))
	}
	return out, nil
}

var (
	iamName     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@-]{1,64}$`) })
	accessKeyID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$`) })
)

// roleName returns the role name of a role name, role ARN or assumed-role
// ARN. Service-linked roles are refused: AWS manages them.
func roleName(v string) (string, error) {
	switch {
	case strings.HasPrefix(v, "arn:"):
		parts := strings.SplitN(v, ":", 6)
		if len(parts) != 6 {
			return "", fmt.Errorf("expected a role name or ARN, found %q", v)
		}
		res := parts[5]
		switch {
		case parts[2] == "iam" && strings.HasPrefix(res, "role/"):
			if strings.HasPrefix(res, "role/aws-service-role/") {
				return "", fmt.Errorf("expected a role hunt may restrict, found the service-linked role %q", v)
			}
			v = res[strings.LastIndexByte(res, '/')+1:]
		case parts[2] == "sts" && strings.HasPrefix(res, "assumed-role/"):
			seg := strings.Split(res, "/")
			if len(seg) < 2 {
				return "", fmt.Errorf("expected assumed-role/ROLE/SESSION, found %q", v)
			}
			v = seg[1]
		default:
			return "", fmt.Errorf("expected a role ARN (arn:aws:iam::ACCOUNT:role/NAME or arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION), found %q", v)
		}
	}
	if !iamName().MatchString(v) {
		return "", fmt.Errorf("expected a role name, found %q", v)
	}
	return v, nil
}

// accessKey checks an access key ID and returns it with the user name of
// user (a name or a user ARN). Temporary keys (ASIA) cannot be
// deactivated: revoke the role's sessions instead.
func accessKey(key, user string) (string, string, error) {
	if !accessKeyID().MatchString(key) {
		return "", "", fmt.Errorf("expected an access key ID (AKIA + 16 characters), found %q", key)
	}
	if strings.HasPrefix(key, "ASIA") {
		return "", "", fmt.Errorf("expected a long-term access key (AKIA...), found the temporary key %s: revoke its role's sessions instead", key)
	}
	if strings.HasPrefix(user, "arn:") {
		parts := strings.SplitN(user, ":", 6)
		if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "user/") {
			return "", "", fmt.Errorf("expected a user name or arn:aws:iam::ACCOUNT:user/NAME, found %q", user)
		}
		user = parts[5][strings.LastIndexByte(parts[5], '/')+1:]
	}
	if !iamName().MatchString(user) {
		// Without a user, UpdateAccessKey acts on the caller's own key.
		return "", "", fmt.Errorf("expected the key's user name, found %q", user)
	}
	return key, user, nil
}
