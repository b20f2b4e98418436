package findings

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	"github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// wafSet is one WAFv2 IP set named by its ARN.
type wafSet struct {
	arn, region, name, id string
	scope                 types.Scope
	version               string // IPV4 or IPV6, from GetIPSet
}

// parseIPSetArn reads the scope, name and ID of
// arn:aws:wafv2:REGION:ACCOUNT:regional/ipset/NAME/ID (scope REGIONAL) or
// .../global/ipset/NAME/ID (scope CLOUDFRONT, managed in us-east-1).
func parseIPSetArn(s string) (*wafSet, error) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "wafv2" || a.Region == "" {
		return nil, fmt.Errorf("expected a WAFv2 IP set ARN (arn:aws:wafv2:REGION:ACCOUNT:regional/ipset/NAME/ID), found %q", s)
	}
	parts := strings.Split(a.Resource, "/")
	if len(parts) != 4 || parts[1] != "ipset" || parts[2] == "" || parts[3] == "" {
		return nil, fmt.Errorf("expected the resource regional/ipset/NAME/ID or global/ipset/NAME/ID, found %q", a.Resource)
	}
	set := &wafSet{arn: s, region: a.Region, name: parts[2], id: parts[3]}
	switch parts[0] {
	case "regional":
		set.scope = types.ScopeRegional
	case "global":
		set.scope = types.ScopeCloudfront
		set.region = "us-east-1" // CloudFront IP sets live there
	default:
		return nil, fmt.Errorf("expected the scope regional or global, found %q", parts[0])
	}
	return set, nil
}

// readSets learns each IP set's address family (GetIPSet), once.
func (r *Responder) readSets(ctx context.Context) error {
	for _, s := range r.sets {
		if s.version != "" {
			continue
		}
		out, err := r.getIPSet(ctx, s)
		if err != nil {
			return err
		}
		s.version = string(out.IPSet.IPAddressVersion)
	}
	if len(r.sets) == 2 && r.sets[0].version == r.sets[1].version {
		return fmt.Errorf("--respond waf-ipset: expected one IPV4 and one IPV6 set, found two %s sets", r.sets[0].version)
	}
	return nil
}

func (r *Responder) getIPSet(ctx context.Context, s *wafSet) (*wafv2.GetIPSetOutput, error) {
	out, err := r.waf[s.region].GetIPSet(ctx, &wafv2.GetIPSetInput{Id: aws.String(s.id), Name: aws.String(s.name), Scope: s.scope},
		func(o *wafv2.Options) { o.APIOptions = append(o.APIOptions, withAttemptTimeout(r.sink.CallTimeout)) })
	if err != nil {
		return nil, fmt.Errorf("respond: GetIPSet %s: %w", s.arn, err)
	}
	if out.IPSet == nil || out.LockToken == nil {
		return nil, fmt.Errorf("respond: GetIPSet %s: expected an IP set and a lock token, found none", s.arn)
	}
	return out, nil
}

// updateSet adds the new blocks to set, re-applies blocks an earlier run
// intended but did not confirm, and removes the blocks hunt added that are
// older than BlockTTL, in one UpdateIPSet with the set's lock token. A
// WAFOptimisticLockException (someone else changed the set in between)
// reads the set again and retries.
func (r *Responder) updateSet(ctx context.Context, st *State, set *wafSet, add []plannedBlock, now time.Time, rep *ResponseReport) error {
	var expired, unconfirmed []*BlockRecord
	if rs := st.Responses; rs != nil {
		for _, b := range rs.Blocks {
			switch {
			case b.IPSet != set.arn || slices.ContainsFunc(add, func(p plannedBlock) bool { return p.rec == b }):
			case b.AddedAt.IsZero():
				unconfirmed = append(unconfirmed, b)
			case !now.Before(b.AddedAt.Add(r.opts.BlockTTL)):
				expired = append(expired, b)
			}
		}
	}
	if len(add) == 0 && len(expired) == 0 && len(unconfirmed) == 0 {
		return nil
	}
	out := r.opts.Out
	for round := 1; ; round++ {
		got, err := r.getIPSet(ctx, set)
		if err != nil {
			return err
		}
		addrs := slices.Clone(got.IPSet.Addresses)
		present := func(p netip.Prefix) (exact, covered bool) {
			for _, s := range addrs {
				q, err := netip.ParsePrefix(s)
				if err != nil {
					continue
				}
				q = q.Masked()
				if q == p {
					return true, true
				}
				if q.Contains(p.Addr()) && q.Bits() <= p.Bits() {
					covered = true
				}
			}
			return false, covered
		}
		var added []*BlockRecord   // records whose address this update adds
		var confirm []*BlockRecord // records whose address the set already holds
		var removed []*BlockRecord
		var fresh []plannedBlock
		for _, b := range add {
			if _, covered := present(b.addr); covered && round == 1 {
				// Someone else's block: not recorded, so never removed by hunt.
				rep.Skipped = append(rep.Skipped, b.addr.String()+": already in the IP set (not added by hunt: never expired by it)")
				fmt.Fprintf(out, "respond: skip %s: already in %s (not added by hunt, so never removed by it)\n", b.addr, set.arn)
				if st.Responses != nil {
					st.Responses.Blocks = slices.DeleteFunc(st.Responses.Blocks, func(x *BlockRecord) bool { return x == b.rec })
				}
				continue
			}
			fresh = append(fresh, b)
		}
		add = fresh // a later round (after a lock conflict) keeps the decision
		for _, b := range unconfirmed {
			p, err := netip.ParsePrefix(b.Address)
			if err != nil {
				return fmt.Errorf("respond: state: block %q: %v", b.Address, err)
			}
			if _, covered := present(p); covered {
				confirm = append(confirm, b)
				continue
			}
			addrs = append(addrs, p.String())
			added = append(added, b)
		}
		for _, b := range fresh {
			if _, covered := present(b.addr); !covered {
				addrs = append(addrs, b.addr.String())
				added = append(added, b.rec)
			} else {
				confirm = append(confirm, b.rec)
			}
		}
		for _, b := range expired {
			p, err := netip.ParsePrefix(b.Address)
			if err != nil {
				return fmt.Errorf("respond: state: block %q: %v", b.Address, err)
			}
			removed = append(removed, b)
			addrs = slices.DeleteFunc(addrs, func(s string) bool {
				q, err := netip.ParsePrefix(s)
				return err == nil && q.Masked() == p
			})
		}
		if len(addrs) > wafMaxAddresses {
			if st.Responses != nil && r.opts.Apply {
				// Tripped: this run's blocks are not made, so not intended.
				st.Responses.Blocks = slices.DeleteFunc(st.Responses.Blocks, func(x *BlockRecord) bool {
					return slices.ContainsFunc(add, func(p plannedBlock) bool { return p.rec == x })
				})
				if err := r.save(); err != nil {
					return err
				}
			}
			return fmt.Errorf("%w: %s would hold %d addresses, more than the %d an IP set holds: added none", ErrCircuitBreaker, set.arn, len(addrs), wafMaxAddresses)
		}
		if !r.opts.Apply {
			for _, b := range append(added, confirm...) {
				fmt.Fprintf(out, "respond: would add %s to %s (%s)\n", b.Address, set.arn, b.Reason)
				rep.Blocked++
			}
			for _, b := range removed {
				fmt.Fprintf(out, "respond: would remove %s from %s (added %s, older than %s)\n", b.Address, set.arn, b.AddedAt.Format(time.RFC3339), r.opts.BlockTTL)
				rep.Unblocked++
			}
			return nil
		}
		if len(added) > 0 || len(removed) > 0 {
			_, err = r.waf[set.region].UpdateIPSet(ctx, &wafv2.UpdateIPSetInput{
				Id: aws.String(set.id), Name: aws.String(set.name), Scope: set.scope,
				Addresses: addrs, LockToken: got.LockToken, Description: got.IPSet.Description,
			}, func(o *wafv2.Options) { o.APIOptions = append(o.APIOptions, withAttemptTimeout(r.sink.CallTimeout)) })
			var lock *types.WAFOptimisticLockException
			if errors.As(err, &lock) && round < r.sink.MaxAttempts {
				if err := sleepCtx(ctx, backoff(round, r.sink.MaxBackoff)); err != nil {
					return err
				}
				continue // read the set again and redo the union
			}
			if err != nil {
				return fmt.Errorf("respond: UpdateIPSet %s: %w", set.arn, err)
			}
		}
		var errs []error
		for _, b := range append(added, confirm...) {
			b.AddedAt = now
			fmt.Fprintf(out, "respond: added %s to %s (%s)\n", b.Address, set.arn, b.Reason)
			rep.Blocked++
			errs = append(errs, r.audit(ctx, AuditEntry{Time: now, Action: "waf-ipset-add", Target: set.arn, Value: b.Address, HuntID: b.HuntID, FindingID: b.FindingID, Reason: b.Reason}))
		}
		for _, b := range removed {
			fmt.Fprintf(out, "respond: removed %s from %s (added %s, older than %s)\n", b.Address, set.arn, b.AddedAt.Format(time.RFC3339), r.opts.BlockTTL)
			rep.Unblocked++
			errs = append(errs, r.audit(ctx, AuditEntry{Time: now, Action: "waf-ipset-remove", Target: set.arn, Value: b.Address, HuntID: b.HuntID, FindingID: b.FindingID,
				Reason: fmt.Sprintf("expired: added %s, older than %s", b.AddedAt.Format(time.RFC3339), r.opts.BlockTTL)}))
		}
		if st.Responses != nil {
			st.Responses.Blocks = slices.DeleteFunc(st.Responses.Blocks, func(b *BlockRecord) bool { return slices.Contains(removed, b) })
		}
		errs = append(errs, r.save())
		return errors.Join(errs...)
	}
}
