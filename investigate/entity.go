// Package investigate builds the report of one entity (an IP address, an
// access key ID, an IAM principal or a resource) from one pass over the
// logs: its timeline, the pivots around it, the findings of the saved
// hunts that involve it, and those findings grouped into incidents.
package investigate

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"sync"
)

// Kind is what an entity is.
type Kind string

const (
	KindIP        Kind = "ip"        // an IPv4 or IPv6 address
	KindKey       Kind = "key"       // an access key ID (AKIA…, ASIA…)
	KindPrincipal Kind = "principal" // an IAM user, role or assumed-role session ARN
	KindResource  Kind = "resource"  // any other ARN or resource ID (i-…, a bucket name)
)

// Entity is what an investigation is about.
type Entity struct {
	Kind  Kind   `json:"kind"`
	Value string `json:"value"`
}

var (
	keyPattern      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(AKIA|ASIA|AIDA|AROA|ABIA|ACCA)[A-Z0-9]{12,}$`) })
	resourcePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/+=,@*-]*$`) })
	principalARN    = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:(user|role|assumed-role|federated-user|root)(/.*)?$`)
	})
)

// ParseEntity says what s is: an IP address, an access key ID, an IAM
// principal ARN (a user, role or role session) or a resource (another ARN
// or an ID). Quotes and control characters are refused.
func ParseEntity(s string) (Entity, error) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return Entity{KindIP, a.Unmap().String()}, nil
	}
	switch {
	case s == "":
		return Entity{}, fmt.Errorf("entity: expected an IP address, access key ID, principal ARN or resource ID, found nothing")
	case keyPattern().MatchString(s):
		return Entity{KindKey, s}, nil
	case principalARN().MatchString(s):
		return Entity{KindPrincipal, s}, nil
	case resourcePattern().MatchString(s):
		return Entity{KindResource, s}, nil
	}
	return Entity{}, fmt.Errorf("entity: expected an IP address, access key ID, principal ARN or resource ID, found %q", s)
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// cloudTrailPredicate is the WHERE clause keeping the CloudTrail records by
// or against the entity.
func (e Entity) cloudTrailPredicate() string {
	v := sqlString(e.Value)
	mentions := "strpos(requestparameters, " + v + ") > 0 OR strpos(responseelements, " + v + ") > 0" +
		" OR any_match(resources, r -> strpos(r.arn, " + v + ") > 0)"
	switch e.Kind {
	case KindIP:
		return "sourceipaddress = " + v
	case KindKey:
		// The key's own calls, and the call that issued it (AssumeRole,
		// GetSessionToken) or acted on it (DeleteAccessKey).
		return "useridentity.accesskeyid = " + v + " OR " + mentions
	case KindPrincipal:
		return "useridentity.arn = " + v + " OR useridentity.sessioncontext.sessionissuer.arn = " + v + " OR " + mentions
	}
	return mentions
}
