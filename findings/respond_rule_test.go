package findings

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseResponseRules_Success(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"waf-ipset(srcaddr)", "waf-ipset(srcaddr)"},
		{" revoke-role-sessions( actor ) ", "revoke-role-sessions(actor)"},
		{"waf-ipset(srcaddr), deactivate-access-key(key_id,user_name)", "waf-ipset(srcaddr) deactivate-access-key(key_id, user_name)"},
	} {
		rules, err := ParseResponseRules(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		var got []string
		for _, r := range rules {
			got = append(got, r.String())
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%q = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseResponseRules_Failure(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "expected a response such as waf-ipset(srcaddr), found none"},
		{"waf-ipset", `expected KIND(COLUMN), found "waf-ipset"`},
		{"block(srcaddr)", `expected waf-ipset, revoke-role-sessions or deactivate-access-key, found "block"`},
		{"waf-ipset(srcaddr, dstaddr)", "waf-ipset: expected 1 column(s), found 2"},
		{"deactivate-access-key(key)", "deactivate-access-key: expected 2 column(s), found 1"},
		{"waf-ipset(src addr)", `waf-ipset: expected a column name, found "src addr"`},
		{"waf-ipset(srcaddr) x", `expected ',' or end after "waf-ipset(srcaddr)", found "x"`},
		{"waf-ipset(srcaddr),", "expected a response after ',', found none"},
	} {
		_, err := ParseResponseRules(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: err %v, want %q", tc.in, err, tc.want)
		}
	}
}

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadResponsePolicy_Success(t *testing.T) {
	p := writeTemp(t, "policy", "# hunt  responses\n\nvpc_reject_flood   waf-ipset(srcaddr)\n  stolen\trevoke-role-sessions(actor)\n")
	got, err := LoadResponsePolicy(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["vpc_reject_flood"][0].String() != "waf-ipset(srcaddr)" || got["stolen"][0].Kind != RespondRevokeRoleSessions {
		t.Errorf("policy %v", got)
	}
}

func TestLoadResponsePolicy_Failure(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"vpc_reject_flood\n", ":1:17: vpc_reject_flood: expected a response such as waf-ipset(srcaddr), found none"},
		{"# x\nvpc_reject_flood  block(srcaddr)\n", `:2:19: vpc_reject_flood: expected waf-ipset, revoke-role-sessions or deactivate-access-key, found "block"`},
		{"a waf-ipset(x)\na waf-ipset(y)\n", ":2:1: hunt a: expected one line per hunt, found a second"},
		{"waf-ipset(x)\n", `:1:1: expected a hunt ID, found "waf-ipset(x)"`},
	} {
		p := writeTemp(t, "policy", tc.text)
		_, err := LoadResponsePolicy(p)
		if err == nil || err.Error() != p+tc.want {
			t.Errorf("%q: err %v, want %q", tc.text, err, p+tc.want)
		}
	}
}

func TestNeverBlock(t *testing.T) {
	nb, err := NewNeverBlock([]string{"198.51.100.0/24", "2001:db8:1::/48"})
	if err != nil {
		t.Fatal(err)
	}
	if err := nb.AddAllowlist(writeTemp(t, "allow", "# partners\n203.0.113.5   # office\n\n192.0.2.0/28\n")); err != nil {
		t.Fatal(err)
	}
	ranges := `{"syncToken":"1","createDate":"2024-03-05-00-00-00","prefixes":[{"ip_prefix":"3.5.140.0/22","region":"ap-northeast-2","service":"AMAZON","network_border_group":"ap-northeast-2"}],` +
		`"ipv6_prefixes":[{"ipv6_prefix":"2600:1f18::/33","region":"us-east-1","service":"EC2","network_border_group":"us-east-1"}]}`
	if err := nb.AddAWSIPRanges(writeTemp(t, "ip-ranges.json", ranges)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ addr, why string }{
		{"10.0.0.1", "reserved range 10.0.0.0/8"},
		{"172.31.255.255", "reserved range 172.16.0.0/12"},
		{"192.168.0.1", "reserved range 192.168.0.0/16"},
		{"127.0.0.1", "reserved range 127.0.0.0/8"},
		{"169.254.169.254", "reserved range 169.254.0.0/16"},
		{"100.127.0.1", "reserved range 100.64.0.0/10"},
		{"::ffff:10.0.0.1", "reserved range 10.0.0.0/8"},
		{"fd12::1", "reserved range fc00::/7"},
		{"fe80::1", "reserved range fe80::/10"},
		{"::1", "reserved range ::1/128"},
		{"198.51.100.77", "own CIDR 198.51.100.0/24"},
		{"2001:db8:1::5", "own CIDR 2001:db8:1::/48"},
		{"203.0.113.5", "allowlist"},
		{"192.0.2.15", "allowlist"},
		{"3.5.141.1", "AWS AMAZON range 3.5.140.0/22"},
		{"2600:1f18::1", "AWS EC2 range 2600:1f18::/33"},
		{"203.0.113.6", ""},
		{"192.0.2.16", ""},
		{"172.32.0.1", ""},
		{"2001:db8:2::1", ""},
	} {
		got := nb.Protected(netip.MustParseAddr(tc.addr))
		if (tc.why == "") != (got == "") || !strings.HasPrefix(got, tc.why) {
			t.Errorf("Protected(%s) = %q, want %q", tc.addr, got, tc.why)
		}
	}
}

func TestNeverBlock_Failure(t *testing.T) {
	if _, err := NewNeverBlock([]string{"10.0.0.0/33"}); err == nil || !strings.Contains(err.Error(), `--own-cidr: expected an address or CIDR such as 203.0.113.0/24, found "10.0.0.0/33"`) {
		t.Errorf("own CIDR: %v", err)
	}
	nb, _ := NewNeverBlock(nil)
	p := writeTemp(t, "allow", "203.0.113.5\n  not-an-address\n")
	if err := nb.AddAllowlist(p); err == nil || err.Error() != p+`:2:3: expected an address or CIDR such as 203.0.113.0/24, found "not-an-address"` {
		t.Errorf("allowlist: %v", err)
	}
	p = writeTemp(t, "ip-ranges.json", `{"prefixes":[{"ip_prefix":"3.5.140.0/22"},{"ip_prefix":"nope"}]}`)
	if err := nb.AddAWSIPRanges(p); err == nil || err.Error() != p+`: prefixes[1]: expected a CIDR, found "nope"` {
		t.Errorf("ip-ranges: %v", err)
	}
	p = writeTemp(t, "ip-ranges.json", `{"syncToken":"1"}`)
	if err := nb.AddAWSIPRanges(p); err == nil || !strings.Contains(err.Error(), "with prefixes, found none") {
		t.Errorf("empty ip-ranges: %v", err)
	}
}

// FuzzParseResponseRules: any input either fails with an error or parses
// into rules whose canonical form parses back to the same rules.
func FuzzParseResponseRules(f *testing.F) {
	for _, s := range []string{"waf-ipset(srcaddr)", "revoke-role-sessions(actor), deactivate-access-key(k, u)", "waf-ipset(", ",", "a(b),c(d)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rules, err := ParseResponseRules(s)
		if err != nil {
			return
		}
		var canon []string
		for _, r := range rules {
			canon = append(canon, r.String())
		}
		again, err := ParseResponseRules(strings.Join(canon, ", "))
		if err != nil || len(again) != len(rules) {
			t.Fatalf("%q: canonical %q does not parse back: %v", s, canon, err)
		}
		for i := range again {
			if again[i].String() != canon[i] {
				t.Fatalf("%q: %q became %q", s, canon[i], again[i])
			}
		}
	})
}
