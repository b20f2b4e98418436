package findings

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// RevokeSessionsPolicyName is the inline policy the IAM console's "Revoke
// active sessions" puts on a role; hunt uses the same name, so a later
// revocation (by hunt or in the console) replaces it.
const RevokeSessionsPolicyName = "AWSRevokeOlderSessions"

// revokeSessionsPolicy denies everything to sessions of the role whose
// credentials were issued before t, as the console's policy does.
func revokeSessionsPolicy(t time.Time) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],` +
		`"Condition":{"DateLessThan":{"aws:TokenIssueTime":"` + t.UTC().Format("2006-01-02T15:04:05.000Z") + `"}}}]}`
}

// doAction revokes a role's sessions or deactivates an access key: records
// the intent, makes the call (both are idempotent), records it done.
func (r *Responder) doAction(ctx context.Context, st *State, a *ActionRecord, now time.Time, verb string, rep *ResponseReport) error {
	out := r.opts.Out
	what := ""
	switch a.Kind {
	case RespondRevokeRoleSessions:
		before := a.IntendedAt // recorded before the call; a dry run records nothing
		if before.IsZero() {
			before = now
		}
		what = fmt.Sprintf("revoke the sessions of role %s issued before %s (inline policy %s)", a.Role, before.Format(time.RFC3339), RevokeSessionsPolicyName)
	case RespondDeactivateAccessKey:
		what = fmt.Sprintf("deactivate access key %s of user %s", a.AccessKey, a.User)
	}
	if !r.opts.Apply {
		fmt.Fprintf(out, "respond: %s%s (%s)\n", verb, what, a.Reason)
		r.count(a, rep)
		return nil
	}
	if r.iam == nil {
		return fmt.Errorf("respond: %s: not enabled", a.Kind)
	}
	opt := func(o *iam.Options) { o.APIOptions = append(o.APIOptions, withAttemptTimeout(r.sink.CallTimeout)) }
	var err error
	target := a.Role
	switch a.Kind {
	case RespondRevokeRoleSessions:
		_, err = r.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
			RoleName:       aws.String(a.Role),
			PolicyName:     aws.String(RevokeSessionsPolicyName),
			PolicyDocument: aws.String(revokeSessionsPolicy(a.IntendedAt)),
		}, opt)
	case RespondDeactivateAccessKey:
		target = a.User
		_, err = r.iam.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{
			AccessKeyId: aws.String(a.AccessKey),
			UserName:    aws.String(a.User),
			Status:      types.StatusTypeInactive,
		}, opt)
	}
	if err != nil {
		return fmt.Errorf("respond: %s: %w", what, err)
	}
	a.DoneAt = now
	fmt.Fprintf(out, "respond: did %s (%s)\n", what, a.Reason)
	r.count(a, rep)
	value := a.AccessKey
	if a.Kind == RespondRevokeRoleSessions {
		value = "issued before " + a.IntendedAt.Format(time.RFC3339)
	}
	return errors.Join(r.audit(ctx, AuditEntry{Time: now, Action: a.Kind, Target: target, Value: value, HuntID: a.HuntID, FindingID: a.FindingID, Reason: a.Reason}), r.save())
}

func (r *Responder) count(a *ActionRecord, rep *ResponseReport) {
	if a.Kind == RespondRevokeRoleSessions {
		rep.Revoked++
	} else {
		rep.Deactivated++
	}
}
