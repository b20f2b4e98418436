package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hunt-sec/hunt/findings"
	"github.com/hunt-sec/hunt/queries"
)

// respondNow is the responder's clock: tests move it past the block TTL.
var respondNow = time.Now

// respondFlags are `hunt run`'s automated-response flags.
type respondFlags struct {
	specs     listFlag
	policy    string
	apply     bool
	ownCIDRs  listFlag
	allowlist string
	awsRanges string
	maxBlocks int
	blockTTL  time.Duration
	audit     listFlag
}

func (f *respondFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.specs, "respond", "enable a response: waf-ipset:IP_SET_ARN (an IPv4 and an IPv6 set may both be given), revoke-role-sessions, deactivate-access-key (repeatable); only hunts that declare it (-- respond: header or --respond-policy) trigger it")
	fs.StringVar(&f.policy, "respond-policy", "", "file of 'HUNT_ID response(column)...' lines: which hunts trigger which response, besides their -- respond: headers")
	fs.BoolVar(&f.apply, "apply", false, "make the responses in AWS (needs --state); without it the run prints exactly what it would change")
	fs.Var(&f.ownCIDRs, "own-cidr", "the account's own VPC CIDRs, never blocked (repeat or comma-separate)")
	fs.StringVar(&f.allowlist, "allowlist", "", "file of addresses and CIDRs never blocked, one per line")
	fs.StringVar(&f.awsRanges, "aws-ip-ranges", "", "AWS's ip-ranges.json: its service ranges are never blocked")
	fs.IntVar(&f.maxBlocks, "max-blocks", findings.DefaultMaxBlocks, "most new responses per run; a run that would make more makes none and exits 1 (circuit breaker)")
	fs.DurationVar(&f.blockTTL, "block-ttl", findings.DefaultBlockTTL, "a later run removes the blocks hunt added this long ago")
	fs.Var(&f.audit, "audit", "where each change is recorded: a JSON Lines FILE and/or sns:TOPIC_ARN (repeatable)")
}

// enabled reports whether the run responds at all.
func (f *respondFlags) enabled() bool { return len(f.specs) > 0 }

// validate checks the flags against the run's; it reads no file.
func (f *respondFlags) validate(dryRun bool, statePath string) error {
	if !f.enabled() {
		if f.apply || f.policy != "" {
			return fmt.Errorf("--apply and --respond-policy need --respond")
		}
		return nil
	}
	for _, s := range f.specs {
		kind, arg, _ := strings.Cut(s, ":")
		switch {
		case kind == findings.RespondWAFIPSet && arg != "":
		case (kind == findings.RespondRevokeRoleSessions || kind == findings.RespondDeactivateAccessKey) && arg == "":
		default:
			return fmt.Errorf("--respond: expected waf-ipset:IP_SET_ARN, revoke-role-sessions or deactivate-access-key, found %q", s)
		}
	}
	switch {
	case f.apply && dryRun:
		return fmt.Errorf("--apply and --dry-run contradict each other")
	case f.apply && statePath == "":
		return fmt.Errorf("--apply needs --state: the state records each change, so it is made once and expires")
	case f.maxBlocks < 1:
		return fmt.Errorf("--max-blocks: expected 1 or more, found %d", f.maxBlocks)
	case f.blockTTL <= 0:
		return fmt.Errorf("--block-ttl: expected a duration above 0, found %s", f.blockTTL)
	}
	return nil
}

// rules returns, per hunt ID, the responses declared in the hunts' headers
// and in the policy file; a policy line naming no known hunt is an error.
func (f *respondFlags) rules(all []*queries.Hunt) (map[string][]findings.ResponseRule, error) {
	out := map[string][]findings.ResponseRule{}
	for _, h := range all {
		if len(h.Respond) > 0 {
			out[h.ID] = slices.Clone(h.Respond)
		}
	}
	if f.policy == "" {
		return out, nil
	}
	pol, err := findings.LoadResponsePolicy(f.policy)
	if err != nil {
		return nil, fmt.Errorf("--respond-policy: %w", err)
	}
	for id, rs := range pol {
		if !slices.ContainsFunc(all, func(h *queries.Hunt) bool { return h.ID == id }) {
			return nil, fmt.Errorf("--respond-policy %s: expected a hunt ID (see hunt hunts list), found %q", f.policy, id)
		}
		for _, r := range rs {
			if !slices.ContainsFunc(out[id], func(o findings.ResponseRule) bool { return o.String() == r.String() }) {
				out[id] = append(out[id], r)
			}
		}
	}
	return out, nil
}

// runResponder is the responder of one run; nil when the run does not
// respond, and then its methods do nothing.
type runResponder struct {
	r     *findings.Responder
	state *findings.State
	audit *os.File
	rules map[string][]findings.ResponseRule // hunt ID → its responses
}

// open builds the responder before the run reads anything: the policy,
// the never-block lists and the IP sets (read once, GetIPSet) are checked
// first, so a mistake stops the run before any finding is delivered. st is
// the run state (nil without --state: a dry run, recording nothing);
// huntDirs are --hunts, for the policy's hunt IDs.
func (f *respondFlags) open(ctx context.Context, common commonFlags, huntDirs []string, st *findings.State, statePath string,
	stdout io.Writer,
) (resp *runResponder, err error) {
	if !f.enabled() {
		return nil, nil
	}
	all, err := loadHunts(huntDirs)
	if err != nil {
		return nil, err
	}
	rules, err := f.rules(all)
	if err != nil {
		return nil, err
	}
	never, err := findings.NewNeverBlock(f.ownCIDRs)
	if err != nil {
		return nil, err
	}
	if f.allowlist != "" {
		if err := never.AddAllowlist(f.allowlist); err != nil {
			return nil, fmt.Errorf("--allowlist: %w", err)
		}
	}
	if f.awsRanges != "" {
		if err := never.AddAWSIPRanges(f.awsRanges); err != nil {
			return nil, fmt.Errorf("--aws-ip-ranges: %w", err)
		}
	}
	if st == nil {
		st = findings.NewState()
	}
	resp = &runResponder{state: st, rules: rules}
	defer func() {
		if err != nil {
			resp.close()
		}
	}()
	opts := findings.ResponseOptions{
		Apply: f.apply, Out: stdout, Rules: rules, NeverBlock: never,
		MaxBlocks: f.maxBlocks, BlockTTL: f.blockTTL, Now: respondNow,
	}
	for _, s := range f.specs {
		switch kind, arg, _ := strings.Cut(s, ":"); kind {
		case findings.RespondWAFIPSet:
			opts.WAFSets = append(opts.WAFSets, arg)
		case findings.RespondRevokeRoleSessions:
			opts.RevokeRoleSessions = true
		case findings.RespondDeactivateAccessKey:
			opts.DeactivateAccessKeys = true
		}
	}
	for _, a := range f.audit {
		if topic, ok := strings.CutPrefix(a, "sns:"); ok {
			opts.AuditTopic = topic
			continue
		}
		if resp.audit != nil {
			return nil, fmt.Errorf("--audit: expected one FILE, found a second, %q", a)
		}
		if resp.audit, err = os.OpenFile(a, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); err != nil {
			return nil, fmt.Errorf("--audit: %w", err)
		}
		opts.Audit = resp.audit
	}
	if f.apply {
		opts.Save = func() error { return st.Save(statePath, time.Now()) }
	}
	cfg, err := common.awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	if resp.r, err = findings.NewResponder(*cfg, opts); err != nil {
		return nil, err
	}
	if err := resp.r.Prepare(ctx); err != nil {
		return nil, err
	}
	return resp, nil
}

// respond makes (or, without --apply, prints) the responses the found
// findings' hunts declare, after the run's state was saved.
func (r *runResponder) respond(ctx context.Context, found []findings.Finding) error {
	if r == nil {
		return nil
	}
	_, err := r.r.Respond(ctx, r.state, found)
	return err
}

// wants reports whether the findings of the hunt huntID ask for a
// response: only those are kept for [runResponder.respond].
func (r *runResponder) wants(huntID string) bool {
	return r != nil && len(r.rules[huntID]) > 0
}

func (r *runResponder) close() {
	if r != nil && r.audit != nil {
		r.audit.Close()
	}
}
