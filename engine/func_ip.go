package engine

import (
	"net/netip"
	"strconv"
	"strings"
)

// Trino's IPADDRESS type (https://trino.io/docs/current/language/types.html#ipaddress)
// is a 16-byte IPv6 address; IPv4 is stored IPv4-mapped (::ffff:a.b.c.d).
// The engine keeps those 16 bytes as a string in vec.s, pointing into the
// arena like any computed string, so comparison, IN, ORDER BY, GROUP BY,
// DISTINCT and min/max work on it unchanged and order addresses bytewise,
// as Trino does; casting from text costs no allocation per row.
//
// Trino has no IPPREFIX type and no ip_prefix, ip_subnet_* or is_subnet_of
// functions: those are Presto's (prestodb), and Athena (engine version 3,
// Trino) rejects them, so the engine does too.

// ipLen is the size of an ipaddress value.
const ipLen = 16

// appendIPAddress parses s as Trino's CAST(varchar AS IPADDRESS) does
// (Guava's InetAddresses.forString) and appends its 16 bytes to dst; ok
// is false for text that is not an address. Like Guava, it accepts dotted
// IPv4 without leading zeros and IPv6 (with an optional trailing dotted
// IPv4), and rejects surrounding spaces, brackets and short IPv4 forms
// ("127.1"). Unlike newer Guava, it rejects IPv6 zones ("fe80::1%eth0").
func appendIPAddress(dst []byte, s string) ([]byte, bool) {
	// Fast path: dotted IPv4, the usual CloudTrail sourceIPAddress.
	if v, ok := parseIPv4(s); ok {
		return append(dst, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, byte(v>>24), byte(v>>16), byte(v>>8), byte(v)), true
	}
	// Slow path: IPv6, and text that is no address (host names such as
	// "ec2.amazonaws.com" are rejected on their first letter).
	if strings.IndexByte(s, ':') < 0 {
		return dst, false
	}
	addr, err := netip.ParseAddr(s)
	if err != nil || addr.Zone() != "" {
		return dst, false
	}
	b := addr.As16()
	return append(dst, b[:]...), true
}

// appendIPText appends the text of the 16-byte address b as Trino's
// CAST(ipaddress AS varchar) does: dotted IPv4 for IPv4-mapped
// addresses, RFC 5952 canonical form (lower case, longest run of zero
// groups compressed) for the rest.
func appendIPText(dst []byte, b string) []byte {
	if len(b) != ipLen {
		panic("BUG: ipaddress value of " + strconv.Itoa(len(b)) + " bytes")
	}
	var a [ipLen]byte
	copy(a[:], b)
	return netip.AddrFrom16(a).Unmap().AppendTo(dst)
}

// ipText returns the text of an ipaddress value (results, messages).
func ipText(b string) string { return string(appendIPText(nil, b)) }

// castToIPKernel is CAST(varchar AS IPADDRESS); text that is no address
// fails the query, or is NULL under TRY_CAST (try).
func castToIPKernel(try bool, where string) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		o := out.strs()
		nl := out.nulls()
		if x.null != nil {
			copy(nl, x.null)
		}
		for i, s := range x.s {
			o[i] = ""
			if nl[i] {
				continue
			}
			start := a.strStart()
			var ok bool
			if a.buf, ok = appendIPAddress(a.buf, s); !ok {
				nl[i] = true
				if !try {
					a.failAt(where, "cannot cast "+quoteFound(s)+" to ipaddress")
				}
				continue
			}
			o[i] = a.strEnd(start)
		}
	}
}

// cidr is the network of Trino's contains(network, address): the first
// bits of net, a 16-byte address.
type cidr struct {
	net  [ipLen]byte
	bits int // 0..128; an IPv4 network's prefix counts the 96 mapped bits
}

// parseCIDR parses the network argument of contains() as Trino does: an
// address, '/', and a prefix length. An IPv4 network (dotted quad) takes a
// prefix of 0-32 and must have no bits set after it ('10.0.0.1/8' is
// invalid); an IPv6 network takes 0-128 and may. why says what is wrong,
// in Trino's words.
func parseCIDR(s string) (c cidr, why string) {
	slash := strings.IndexByte(s, '/')
	if slash < 0 {
		return c, "Invalid CIDR"
	}
	base, bits := s[:slash], s[slash+1:]
	b, ok := appendIPAddress(c.net[:0], base)
	if !ok {
		return c, "Invalid network IP address"
	}
	copy(c.net[:], b)
	n, err := strconv.ParseInt(bits, 10, 32) // Java's Integer.parseInt: optional sign, decimal digits
	if err != nil {
		return c, "Invalid prefix length"
	}
	if n < 0 {
		return c, "Invalid prefix length"
	}
	if _, is4 := parseIPv4(base); is4 {
		if n > 32 {
			return c, "Invalid CIDR"
		}
		v := uint32(c.net[12])<<24 | uint32(c.net[13])<<16 | uint32(c.net[14])<<8 | uint32(c.net[15])
		if n < 32 && v&(^uint32(0)>>n) != 0 {
			return c, "Invalid CIDR"
		}
		n += 96
	} else if n > 128 {
		return c, "Invalid CIDR"
	}
	c.bits = int(n)
	return c, ""
}

// contains reports whether the 16-byte address ip is in c.
func (c *cidr) contains(ip string) bool {
	full := c.bits / 8
	if ip[:full] != string(c.net[:full]) {
		return false
	}
	if r := c.bits % 8; r != 0 {
		mask := byte(0xff) << (8 - r)
		return ip[full]&mask == c.net[full]&mask
	}
	return true
}

// containsConstKernel is contains(network, address) with a constant
// network, parsed once per query.
func containsConstKernel(c cidr) kernel {
	return func(a *arena, out *vec, args []*vec) {
		o := out.bools()
		strictNulls(out, args)
		for i, ip := range args[1].s {
			o[i] = len(ip) == ipLen && c.contains(ip)
		}
	}
}

// containsKernel is contains(network, address) with a network per row;
// an invalid network fails the query at where (NULL inside try()).
func containsKernel(where string) kernel {
	return func(a *arena, out *vec, args []*vec) {
		o := out.bools()
		hasNull := strictNulls(out, args)
		for i, ip := range args[1].s {
			if hasNull && out.null[i] {
				continue
			}
			c, why := parseCIDR(args[0].s[i])
			if why != "" {
				if !hasNull {
					out.nulls()
					hasNull = true
				}
				out.null[i] = true
				a.failAt(where, "expected a network such as '10.0.0.0/8' as argument 1 of contains, found "+quoteFound(args[0].s[i])+" ("+why+")")
				continue
			}
			o[i] = c.contains(ip)
		}
	}
}

// buildContains is Trino's contains(array(T), T) and contains(varchar
// network, ipaddress), told apart by the first argument's type.
func buildContains(c *compiler, call *Call, args []expr) (expr, error) {
	t := args[0].typ()
	switch t.k {
	case kArray:
		return &exprFunc{name: call.Name, t: tBool, args: args, k: arrayContainsKernel}, nil
	case kString, kNull:
	default:
		return nil, c.errf(call.Args[0].Pos(), "expected an array or a varchar network such as '10.0.0.0/8' as argument 1 of contains, found "+t.name)
	}
	ip := args[1]
	switch ip.typ().k {
	case kIPAddress:
	case kNull:
		ip = &exprConst{v: constVec(tIPAddress, true)}
	default:
		msg := "expected argument 2 of contains to be ipaddress, found " + ip.typ().name
		if ip.typ().isText() {
			msg += " (write CAST(x AS IPADDRESS), or TRY_CAST to skip values that are not addresses)"
		}
		return nil, c.errf(call.Args[1].Pos(), msg)
	}
	net, err := c.fold(c.mustCoerce(args[0], tString), call.Args[0].Pos())
	if err != nil {
		return nil, err
	}
	if k, ok := net.(*exprConst); ok && !k.v.isNull(0) {
		cd, why := parseCIDR(k.v.s[0])
		if why != "" {
			return nil, c.errf(call.Args[0].Pos(), "expected a network such as '10.0.0.0/8' as argument 1 of contains, found "+quoteFound(k.v.s[0])+" ("+why+")")
		}
		return &exprFunc{name: call.Name, t: tBool, args: []expr{net, ip}, k: containsConstKernel(cd), strict: true}, nil
	}
	return &exprFunc{name: call.Name, t: tBool, args: []expr{net, ip}, k: containsKernel(c.where(call.Args[0].Pos())), strict: true}, nil
}

// parseIPv4 parses a dotted-quad IPv4 address without leading zeros.
func parseIPv4(s string) (uint32, bool) {
	var v uint32
	part, digits, dots := uint32(0), 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits > 0 && part == 0 {
				return 0, false // leading zero
			}
			part = part*10 + uint32(c-'0')
			digits++
			if part > 255 {
				return 0, false
			}
		case c == '.' && digits > 0 && dots < 3:
			v = v<<8 | part
			part, digits = 0, 0
			dots++
		default:
			return 0, false
		}
	}
	if dots != 3 || digits == 0 {
		return 0, false
	}
	return v<<8 | part, true
}

// errIPPrefix rejects Presto's IPPREFIX, which Trino and Athena lack.
const errIPPrefix = "expected a type Trino (Athena) has, found IPPREFIX, a Presto type; match networks with contains('10.0.0.0/8', CAST(x AS IPADDRESS))"

// parseAthenaIP reads an ipaddress of an Athena result, which arrives as
// Trino prints it, into the engine's 16 bytes, so results of both engines
// sort and compare alike.
func parseAthenaIP(s string) (any, error) {
	b, ok := appendIPAddress(nil, s)
	if !ok {
		return nil, &runtimeError{msg: "expected an IP address, found " + quoteFound(s)}
	}
	return string(b), nil
}

// ipArrayText returns a copy of an array(ipaddress) value with its
// addresses as text, for results; the engine keeps the 16 bytes.
func ipArrayText(v any) any {
	l, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(l))
	for i, e := range l {
		if s, ok := e.(string); ok && len(s) == ipLen {
			out[i] = ipText(s)
		} else {
			out[i] = e
		}
	}
	return out
}
