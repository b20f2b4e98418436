package findings

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
)

// Response kinds a hunt may declare (header `-- respond:` or a line of a
// response policy file).
const (
	// RespondWAFIPSet adds the address in the named evidence column to the
	// WAF IP set of its family (--respond waf-ipset:ARN).
	RespondWAFIPSet = "waf-ipset"
	// RespondRevokeRoleSessions puts the inline deny policy
	// AWSRevokeOlderSessions on the role named (by name or ARN) in the column.
	RespondRevokeRoleSessions = "revoke-role-sessions"
	// RespondDeactivateAccessKey sets the access key of the first column,
	// owned by the user of the second, Inactive.
	RespondDeactivateAccessKey = "deactivate-access-key"
)

// ResponseRule is one response a hunt's findings may trigger: its kind and
// the evidence columns holding its target.
type ResponseRule struct {
	Kind    string
	Columns []string
}

func (r ResponseRule) String() string { return r.Kind + "(" + strings.Join(r.Columns, ", ") + ")" }

var (
	ruleSyntax  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([a-z-]+)\(([^()]*)\)$`) })
	columnName  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`) })
	ruleColumns = map[string]int{RespondWAFIPSet: 1, RespondRevokeRoleSessions: 1, RespondDeactivateAccessKey: 2}
)

// ParseResponseRules parses a comma-separated list of responses such as
// "waf-ipset(srcaddr)" or "deactivate-access-key(access_key_id, user_name)".
// The returned error says what was expected and what was found, without a
// position: callers add theirs.
func ParseResponseRules(s string) ([]ResponseRule, error) {
	var out []ResponseRule
	rest := strings.TrimSpace(s)
	if rest == "" {
		return nil, fmt.Errorf("expected a response such as waf-ipset(srcaddr), found none")
	}
	for rest != "" {
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return nil, fmt.Errorf("expected KIND(COLUMN), found %q", rest)
		}
		one := strings.TrimSpace(rest[:end+1])
		rest = strings.TrimSpace(rest[end+1:])
		if rest != "" {
			if rest[0] != ',' {
				return nil, fmt.Errorf("expected ',' or end after %q, found %q", one, rest)
			}
			rest = strings.TrimSpace(rest[1:])
			if rest == "" {
				return nil, fmt.Errorf("expected a response after ',', found none")
			}
		}
		m := ruleSyntax().FindStringSubmatch(one)
		if m == nil {
			return nil, fmt.Errorf("expected KIND(COLUMN), found %q", one)
		}
		n, ok := ruleColumns[m[1]]
		if !ok {
			return nil, fmt.Errorf("expected %s, %s or %s, found %q", RespondWAFIPSet, RespondRevokeRoleSessions, RespondDeactivateAccessKey, m[1])
		}
		r := ResponseRule{Kind: m[1]}
		for _, c := range strings.Split(m[2], ",") {
			c = strings.TrimSpace(c)
			if !columnName().MatchString(c) {
				return nil, fmt.Errorf("%s: expected a column name, found %q", m[1], c)
			}
			r.Columns = append(r.Columns, c)
		}
		if len(r.Columns) != n {
			return nil, fmt.Errorf("%s: expected %d column(s), found %d", m[1], n, len(r.Columns))
		}
		out = append(out, r)
	}
	return out, nil
}

// LoadResponsePolicy reads a response policy file: one hunt per line, its
// ID then its responses, e.g.
//
//	# hunt               responses
//	vpc_reject_flood     waf-ipset(srcaddr)
//	ec2_instance_credentials_from_two_addresses  revoke-role-sessions(role_arn)
//
// Blank lines and lines starting with '#' are skipped. A hunt listed twice
// is an error. Only the hunts listed (or declaring `-- respond:` in their
// header) ever trigger a response.
func LoadResponsePolicy(path string) (map[string][]ResponseRule, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string][]ResponseRule{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		raw := sc.Text()
		s := strings.TrimSpace(raw)
		if s == "" || s[0] == '#' {
			continue
		}
		col := strings.Index(raw, s) + 1
		id, rest := s, ""
		if i := strings.IndexAny(s, " \t"); i >= 0 {
			id, rest = s[:i], s[i:]
		}
		if !columnName().MatchString(id) || strings.Contains(id, "(") {
			return nil, fmt.Errorf("%s:%d:%d: expected a hunt ID, found %q", path, line, col, id)
		}
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("%s:%d:%d: hunt %s: expected one line per hunt, found a second", path, line, col, id)
		}
		rules, err := ParseResponseRules(rest)
		if err != nil {
			return nil, fmt.Errorf("%s:%d:%d: %s: %v", path, line, col+len(id)+len(rest)-len(strings.TrimLeft(rest, " \t")), id, err)
		}
		out[id] = rules
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}
