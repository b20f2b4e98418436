package findings

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"strings"
)

// reservedRanges are never blocked: private (RFC 1918), loopback,
// link-local, CGNAT (RFC 6598), "this network", multicast, IPv6 ULA,
// loopback, link-local and multicast. Blocking them would cut the account
// off from itself.
var reservedRanges = []string{
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
	"172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "255.255.255.255/32",
	"::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8",
}

// NeverBlock is the list of addresses no response ever blocks, each range
// with why it is there.
type NeverBlock struct {
	ranges []neverRange
}

type neverRange struct {
	p   netip.Prefix
	why string
}

// NewNeverBlock returns the reserved ranges (private, loopback,
// link-local, CGNAT, multicast, IPv6 ULA) plus ownCIDRs, the account's own
// VPC CIDRs.
func NewNeverBlock(ownCIDRs []string) (*NeverBlock, error) {
	n := &NeverBlock{}
	for _, c := range reservedRanges {
		n.ranges = append(n.ranges, neverRange{netip.MustParsePrefix(c), "reserved range " + c})
	}
	for _, c := range ownCIDRs {
		p, err := parseCIDROrAddr(c)
		if err != nil {
			return nil, fmt.Errorf("--own-cidr: %v", err)
		}
		n.ranges = append(n.ranges, neverRange{p, "own CIDR " + p.String()})
	}
	return n, nil
}

// parseCIDROrAddr parses "203.0.113.0/24" or a single address.
func parseCIDROrAddr(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("expected an address or CIDR such as 203.0.113.0/24, found %q", s)
		}
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()).Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("expected an address or CIDR such as 203.0.113.0/24, found %q", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// AddAllowlist adds the addresses and CIDRs of a user allowlist file, one
// per line; '#' starts a comment.
func (n *NeverBlock) AddAllowlist(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		raw := sc.Text()
		s, _, _ := strings.Cut(raw, "#")
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := parseCIDROrAddr(s)
		if err != nil {
			return fmt.Errorf("%s:%d:%d: %v", path, line, strings.Index(raw, s)+1, err)
		}
		n.ranges = append(n.ranges, neverRange{p, fmt.Sprintf("allowlist %s:%d", path, line)})
	}
	return sc.Err()
}

// AddAWSIPRanges adds the prefixes of AWS's published ip-ranges.json
// (prefixes[].ip_prefix, ipv6_prefixes[].ipv6_prefix), so no response
// blocks an AWS service address (a health checker, a NAT of a managed
// service) that happened to trip a hunt.
func (n *NeverBlock) AddAWSIPRanges(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc struct {
		Prefixes []struct {
			IPPrefix string `json:"ip_prefix"`
			Service  string `json:"service"`
		} `json:"prefixes"`
		IPv6Prefixes []struct {
			IPv6Prefix string `json:"ipv6_prefix"`
			Service    string `json:"service"`
		} `json:"ipv6_prefixes"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("%s: expected AWS ip-ranges.json, found: %v", path, err)
	}
	if len(doc.Prefixes) == 0 && len(doc.IPv6Prefixes) == 0 {
		return fmt.Errorf("%s: expected AWS ip-ranges.json with prefixes, found none", path)
	}
	add := func(i int, key, s, svc string) error {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return fmt.Errorf("%s: %s[%d]: expected a CIDR, found %q", path, key, i, s)
		}
		n.ranges = append(n.ranges, neverRange{p.Masked(), "AWS " + svc + " range " + s})
		return nil
	}
	for i, p := range doc.Prefixes {
		if err := add(i, "prefixes", p.IPPrefix, p.Service); err != nil {
			return err
		}
	}
	for i, p := range doc.IPv6Prefixes {
		if err := add(i, "ipv6_prefixes", p.IPv6Prefix, p.Service); err != nil {
			return err
		}
	}
	return nil
}

// Protected returns why a must never be blocked, or "" when it may be.
func (n *NeverBlock) Protected(a netip.Addr) string {
	a = a.Unmap()
	for _, r := range n.ranges {
		if r.p.Contains(a) {
			return r.why
		}
	}
	return ""
}
