package engine

import (
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

// URL functions: url_extract_protocol, _host, _port, _path, _query,
// _fragment and _parameter, as Trino has them. Trino reads the URL with
// java.net.URI (RFC 2396 with Java's deviations), so parseURL follows that
// parser step by step, rejections included: a text java.net.URI rejects
// ("http://example.com/^", a bad %-escape) gives NULL for every part; a
// part the URL lacks is '' (the port: NULL). Path, query and fragment are
// %-decoded as URI.getPath() and friends decode them; url_extract_parameter
// reads the raw query and decodes the value as URLDecoder does ('+' is a
// space). A host java.net.URI does not take as a server name (an underscore,
// "1.2.3.999", a port past 2^31-1) makes the authority "registry-based" and
// the host ''.

// urlPart selects what a url_extract_* kernel returns.
type urlPart uint8

const (
	urlProtocol urlPart = iota
	urlHost
	urlPath
	urlQuery
	urlFragment
)

// urlParts is a URL split as java.net.URI splits it; the texts are raw
// (not decoded) substrings of the URL.
type urlParts struct {
	scheme, host, path, query, fragment string
	hasQuery                            bool
	port                                int64 // -1: none
}

// Character classes of java.net.URI, as bits of uriClass.
const (
	ucAlpha    = 1 << iota // A-Z a-z
	ucDigit                // 0-9
	ucScheme               // alpha digit + - .
	ucURIC                 // reserved ;/?:@&=+$,[] and unreserved
	ucPath                 // pchar and ;/
	ucUserinfo             // unreserved ;:&=+$,
	ucRegName              // unreserved $,;:@&=+
	ucServer               // userinfo alphanum - .:@[]
	ucHex                  // 0-9 A-F a-f
)

// ucEscaped are the classes that admit %XX escapes and "other"
// characters (visible non-ASCII), as java.net.URI's L_ESCAPED does.
const ucEscaped = ucURIC | ucPath | ucUserinfo | ucRegName | ucServer

var uriClass = func() (t [128]uint16) {
	set := func(chars string, c uint16) {
		for i := 0; i < len(chars); i++ {
			t[chars[i]] |= c
		}
	}
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	const digit = "0123456789"
	const unreserved = alpha + digit + "-_.!~*'()"
	set(alpha, ucAlpha)
	set(digit, ucDigit)
	set(alpha+digit+"+-.", ucScheme)
	set(unreserved+";/?:@&=+$,[]", ucURIC)
	set(unreserved+":@&=+$,;/", ucPath)
	set(unreserved+";:&=+$,", ucUserinfo)
	set(unreserved+"$,;:@&=+", ucRegName)
	set(unreserved+";:&=+$,"+".:@[]", ucServer)
	set(digit+"ABCDEFabcdef", ucHex)
	return t
}()

func isClass(c byte, class uint16) bool { return c < utf8.RuneSelf && uriClass[c]&class != 0 }

// uriScan returns the end of the run of s[p:n] in class, as
// java.net.URI's scan: for the escaped classes a '%' must start a %XX
// escape (bad is true otherwise: java.net.URI throws) and visible
// non-ASCII characters are taken.
func uriScan(s string, p, n int, class uint16) (end int, bad bool) {
	for p < n {
		c := s[p]
		if c < utf8.RuneSelf {
			if uriClass[c]&class != 0 {
				p++
				continue
			}
			if c == '%' && class&ucEscaped != 0 {
				if p+3 <= n && isClass(s[p+1], ucHex) && isClass(s[p+2], ucHex) {
					p += 3
					continue
				}
				return p, true
			}
			return p, false
		}
		if class&ucEscaped == 0 {
			return p, false
		}
		// Slow path: non-ASCII. Java's test is on UTF-16 units; an
		// invalid byte reads as U+FFFD there, which is taken.
		r, size := utf8.DecodeRuneInString(s[p:n])
		if r != utf8.RuneError && (unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp) || r <= 0x9f) {
			return p, false
		}
		p += size
	}
	return p, false
}

// uriCheck reports whether all of s[p:q] is in class.
func uriCheck(s string, p, q int, class uint16) bool {
	e, bad := uriScan(s, p, q, class)
	return !bad && e == q
}

// uriStop returns the index of the first byte of s[p:n] in stop, or n;
// -1 when a byte of errs comes first (java.net.URI's scan(start, end,
// err, stop)).
func uriStop(s string, p, n int, errs, stop string) int {
	for ; p < n; p++ {
		if strings.IndexByte(errs, s[p]) >= 0 {
			return -1
		}
		if strings.IndexByte(stop, s[p]) >= 0 {
			break
		}
	}
	return p
}

// parseURL splits s as new java.net.URI(s) does; ok is false where that
// throws URISyntaxException.
func parseURL(s string) (u urlParts, ok bool) {
	u.port = -1
	n := len(s)
	p := uriStop(s, 0, n, "/?#", ":")
	if p >= 0 && p < n && s[p] == ':' {
		if p == 0 || !isClass(s[0], ucAlpha) || !uriCheck(s, 1, p, ucScheme) {
			return u, false
		}
		u.scheme = s[:p]
		p++
		if p < n && s[p] == '/' {
			if p, ok = u.parseHierarchical(s, p, n); !ok {
				return u, false
			}
		} else {
			// Opaque: mailto:x@example.com.
			q := uriStop(s, p, n, "", "#")
			if q <= p || !uriCheck(s, p, q, ucURIC) {
				return u, false
			}
			p = q
		}
	} else if p, ok = u.parseHierarchical(s, 0, n); !ok {
		return u, false
	}
	if p < n && s[p] == '#' {
		if !uriCheck(s, p+1, n, ucURIC) {
			return u, false
		}
		u.fragment = s[p+1:]
		p = n
	}
	return u, p == n
}

// parseHierarchical parses [//authority]path[?query] from p.
func (u *urlParts) parseHierarchical(s string, p, n int) (int, bool) {
	if p+1 < n && s[p] == '/' && s[p+1] == '/' {
		p += 2
		q := uriStop(s, p, n, "", "/?#")
		switch {
		case q > p:
			if !u.parseAuthority(s, p, q) {
				return 0, false
			}
			p = q
		case q == n:
			return 0, false // "http://": an authority expected
		}
		// Java's deviation: an empty authority before a path, query or
		// fragment ("file:///etc").
	}
	q := uriStop(s, p, n, "", "?#")
	if !uriCheck(s, p, q, ucPath) {
		return 0, false
	}
	u.path = s[p:q]
	p = q
	if p < n && s[p] == '?' {
		p++
		q = uriStop(s, p, n, "", "#")
		if !uriCheck(s, p, q, ucURIC) {
			return 0, false
		}
		u.query, u.hasQuery = s[p:q], true
		p = q
	}
	return p, true
}

// parseAuthority parses s[p:n], the authority: server-based
// ([userinfo@]host[:port]) when it parses as one, else registry-based
// (no host, no port) when its characters allow.
func (u *urlParts) parseAuthority(s string, p, n int) bool {
	e, bad := uriScan(s, p, n, ucServer)
	if bad {
		return false
	}
	serverChars := e == n
	e, bad = uriScan(s, p, n, ucRegName)
	if bad {
		return false
	}
	regChars := e == n
	if serverChars {
		if host, port, ok := parseServer(s, p, n); ok {
			u.host, u.port = host, port
			return true
		}
	}
	return regChars
}

// parseServer parses [userinfo@]host[:port], all of s[p:n].
func parseServer(s string, p, n int) (host string, port int64, ok bool) {
	port = -1
	q := uriStop(s, p, n, "/?#", "@")
	if q >= p && q < n && s[q] == '@' {
		if !uriCheck(s, p, q, ucUserinfo) {
			return "", -1, false
		}
		p = q + 1
	}
	if p < n && s[p] == '[' {
		// IPv6, per RFC 2732, with an optional %scope.
		p++
		q = uriStop(s, p, n, "/?#", "]")
		if q <= p || q >= n || s[q] != ']' {
			return "", -1, false
		}
		r := p + strings.IndexByte(s[p:q], '%')
		if r < p {
			r = q
		} else if r+1 == q || !uriCheck(s, r+1, q, ucAlpha|ucDigit) {
			return "", -1, false
		}
		if a, err := netip.ParseAddr(s[p:r]); err != nil || !a.Is6() || a.Zone() != "" {
			return "", -1, false
		}
		host = s[p-1 : q+1]
		p = q + 1
	} else {
		q = uriIPv4(s, p, n)
		if q <= p {
			if q, ok = parseHostname(s, p, n); !ok {
				return "", -1, false
			}
		}
		host = s[p:q]
		p = q
	}
	if p < n && s[p] == ':' {
		p++
		q, _ = uriScan(s, p, n, ucDigit)
		if q > p {
			v := int64(0)
			for _, c := range s[p:q] {
				v = v*10 + int64(c-'0')
				if v > 1<<31-1 {
					return "", -1, false // Integer.parseInt overflows
				}
			}
			port, p = v, q
		}
	}
	return host, port, p == n
}

// uriIPv4 returns the end of a dotted-quad address at p, or -1; the
// address must end the authority or be followed by ':'.
func uriIPv4(s string, p, n int) int {
	m := p
	for m < n && (isClass(s[m], ucDigit) || s[m] == '.') {
		m++
	}
	if m <= p {
		return -1
	}
	q := p
	for part := 0; part < 4; part++ {
		if part > 0 {
			if q >= m || s[q] != '.' {
				return -1
			}
			q++
		}
		start, v := q, 0
		for q < m && isClass(s[q], ucDigit) {
			v = v*10 + int(s[q]-'0')
			if v > 255 {
				return -1
			}
			q++
		}
		if q == start {
			return -1
		}
	}
	if q < m || (q < n && s[q] != ':') {
		return -1
	}
	return q
}

// parseHostname parses domain labels from p up to the end or a ':'; the
// last label of a dotted name starts with a letter.
func parseHostname(s string, p, n int) (int, bool) {
	start, last := p, -1
	for p < n {
		q, _ := uriScan(s, p, n, ucAlpha|ucDigit)
		if q <= p {
			break
		}
		last = p
		p = q
		for q < n && (isClass(s[q], ucAlpha|ucDigit) || s[q] == '-') {
			q++
		}
		if q > p {
			if s[q-1] == '-' {
				return 0, false
			}
			p = q
		}
		if p >= n || s[p] != '.' {
			break
		}
		p++
	}
	if (p < n && s[p] != ':') || last < 0 || (last > start && !isClass(s[last], ucAlpha)) {
		return 0, false
	}
	return p, true
}

// appendURIDecoded appends s with its runs of %XX escapes decoded as
// UTF-8, as java.net.URI.decode does (escapes between '[' and ']' are
// kept, malformed UTF-8 becomes U+FFFD).
func appendURIDecoded(dst []byte, s string) []byte {
	inBrackets := false
	for i := 0; i < len(s); {
		c := s[i]
		if c == '[' {
			inBrackets = true
		} else if inBrackets && c == ']' {
			inBrackets = false
		}
		if c != '%' || inBrackets {
			dst = append(dst, c)
			i++
			continue
		}
		start := len(dst)
		for i+2 < len(s) && s[i] == '%' {
			dst = append(dst, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 3
		}
		dst = fixUTF8(dst, start)
	}
	return dst
}

// appendFormDecoded appends s decoded as Java's URLDecoder does: '+' is a
// space, runs of %XX are UTF-8 bytes (malformed: U+FFFD). The caller
// passes text java.net.URI accepted, so every '%' starts a valid escape.
func appendFormDecoded(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '+':
			dst = append(dst, ' ')
			i++
		case '%':
			start := len(dst)
			for i+2 < len(s) && s[i] == '%' {
				dst = append(dst, unhex(s[i+1])<<4|unhex(s[i+2]))
				i += 3
			}
			dst = fixUTF8(dst, start)
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// fixUTF8 replaces each maximal invalid subsequence of dst[start:] by
// U+FFFD, as Java's UTF-8 decoder does, and returns dst.
func fixUTF8(dst []byte, start int) []byte {
	if utf8.Valid(dst[start:]) {
		return dst
	}
	// Slow path: the fixed text goes after the raw bytes, then moves
	// down over them.
	end := len(dst)
	for i := start; i < end; {
		r, size := utf8.DecodeRune(dst[i:end])
		if r != utf8.RuneError || size > 1 {
			dst = append(dst, dst[i:i+size]...)
			i += size
			continue
		}
		dst = utf8.AppendRune(dst, utf8.RuneError)
		i += invalidUTF8Len(dst[i:end])
	}
	n := copy(dst[start:], dst[end:])
	return dst[:start+n]
}

// invalidUTF8Len is the length of the maximal subpart of an ill-formed
// sequence at the start of b (Unicode's "U+FFFD substitution of maximal
// subparts"): a lead byte and the continuation bytes that could follow it.
func invalidUTF8Len(b []byte) int {
	lo, hi, need := byte(0x80), byte(0xbf), 0
	switch c := b[0]; {
	case c >= 0xc2 && c <= 0xdf:
		need = 1
	case c == 0xe0:
		lo, need = 0xa0, 2
	case c == 0xed:
		hi, need = 0x9f, 2
	case c >= 0xe1 && c <= 0xef:
		need = 2
	case c == 0xf0:
		lo, need = 0x90, 3
	case c >= 0xf1 && c <= 0xf3:
		need = 3
	case c == 0xf4:
		hi, need = 0x8f, 3
	default:
		return 1
	}
	k := 1
	for ; k <= need && k < len(b); k++ {
		if b[k] < lo || b[k] > hi {
			break
		}
		lo, hi = 0x80, 0xbf
	}
	return k
}

// urlExtractKernel is url_extract_protocol, _host, _path, _query and
// _fragment.
func urlExtractKernel(part urlPart) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		o := out.strs()
		strictNulls(out, args)
		nl := out.null
		for i, s := range x.s {
			if nl != nil && nl[i] {
				continue
			}
			u, ok := parseURL(s)
			if !ok {
				if nl == nil {
					nl = out.nulls()
				}
				nl[i] = true
				continue
			}
			var v string
			switch part {
			case urlProtocol:
				o[i] = u.scheme
				continue
			case urlHost:
				o[i] = u.host
				continue
			case urlPath:
				v = u.path
			case urlQuery:
				v = u.query
			case urlFragment:
				v = u.fragment
			}
			if strings.IndexByte(v, '%') < 0 {
				o[i] = v
				continue
			}
			start := a.strStart()
			a.buf = appendURIDecoded(a.buf, v)
			o[i] = a.strEnd(start)
		}
	}
}

// urlExtractPortKernel is url_extract_port: NULL without a port.
func urlExtractPortKernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.ints()
	strictNulls(out, args)
	nl := out.null
	for i, s := range x.s {
		if nl != nil && nl[i] {
			continue
		}
		u, ok := parseURL(s)
		if !ok || u.port < 0 {
			if nl == nil {
				nl = out.nulls()
			}
			nl[i] = true
			continue
		}
		o[i] = u.port
	}
}

// urlExtractParameterKernel is url_extract_parameter(url, name): the value
// of the first parameter of the raw query whose raw name is name, decoded;
// empty for a parameter without '='; NULL without a query or a match.
func urlExtractParameterKernel(a *arena, out *vec, args []*vec) {
	x, name := args[0], args[1]
	o := out.strs()
	strictNulls(out, args)
	nl := out.null
	for i, s := range x.s {
		if nl != nil && nl[i] {
			continue
		}
		u, ok := parseURL(s)
		found := false
		for q := u.query; ok && u.hasQuery; {
			arg, rest, more := strings.Cut(q, "&")
			key, val, hasVal := strings.Cut(arg, "=")
			if key == name.s[i] {
				found = true
				switch {
				case !hasVal:
					o[i] = ""
				case strings.IndexByte(val, '%') < 0 && strings.IndexByte(val, '+') < 0:
					o[i] = val
				default:
					start := a.strStart()
					a.buf = appendFormDecoded(a.buf, val)
					o[i] = a.strEnd(start)
				}
				break
			}
			if !more {
				break
			}
			q = rest
		}
		if !found {
			if nl == nil {
				nl = out.nulls()
			}
			nl[i] = true
		}
	}
}

// urlDecodeKernel is url_decode: Java's URLDecoder.decode, as Trino calls
// it: '+' is a space, runs of %XX are UTF-8 bytes (malformed: U+FFFD); a
// bad or incomplete escape is an error (NULL under try). As
// Integer.parseInt reads the two characters, "%+4" is the byte 4 and
// "%-0" the byte 0.
func urlDecodeKernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.strs()
	strictNulls(out, args)
	for i, s := range x.s {
		if out.isNull(i) {
			continue
		}
		if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
			o[i] = s
			continue
		}
		start := a.strStart()
		msg := ""
		for k := 0; k < len(s) && msg == ""; {
			switch c := s[k]; c {
			case '+':
				a.buf = append(a.buf, ' ')
				k++
			case '%':
				run := len(a.buf)
				for k+2 < len(s) && s[k] == '%' {
					v, ok := parseJavaHex2(s[k+1], s[k+2])
					if !ok {
						msg = "URLDecoder: Illegal hex characters in escape (%) pattern"
						break
					}
					if v < 0 {
						msg = "URLDecoder: Illegal hex characters in escape (%) pattern - negative value"
						break
					}
					a.buf = append(a.buf, byte(v))
					k += 3
				}
				if msg == "" && k < len(s) && s[k] == '%' {
					msg = "URLDecoder: Incomplete trailing escape (%) pattern"
				}
				a.buf = fixUTF8(a.buf, run)
			default:
				a.buf = append(a.buf, c)
				k++
			}
		}
		if msg != "" {
			a.buf = a.buf[:start]
			a.fail("url_decode: " + msg + ", found " + quoteFound(s))
			failRow(out, i)
			continue
		}
		o[i] = a.strEnd(start)
	}
}

// parseJavaHex2 is Integer.parseInt(s, 16) of two characters: hex digits,
// or a sign and one hex digit.
func parseJavaHex2(c1, c2 byte) (int, bool) {
	if !isClass(c2, ucHex) {
		return 0, false
	}
	switch {
	case c1 == '+':
		return int(unhex(c2)), true
	case c1 == '-':
		return -int(unhex(c2)), true
	case isClass(c1, ucHex):
		return int(unhex(c1))<<4 | int(unhex(c2)), true
	}
	return 0, false
}

// urlEncodeKernel is url_encode: Guava's form-parameter escaper, as Trino
// calls it: letters, digits and -_.* kept, a space as '+', every other
// byte of the UTF-8 text as %XX (invalid UTF-8 as U+FFFD's bytes).
func urlEncodeKernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.strs()
	strictNulls(out, args)
	const hex = "0123456789ABCDEF"
	for i, s := range x.s {
		if out.isNull(i) {
			continue
		}
		start := a.strStart()
		for k := 0; k < len(s); {
			c := s[k]
			switch {
			case isClass(c, ucAlpha|ucDigit) || c == '-' || c == '_' || c == '.' || c == '*':
				a.buf = append(a.buf, c)
				k++
				continue
			case c == ' ':
				a.buf = append(a.buf, '+')
				k++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[k:])
			if r == utf8.RuneError && size == 1 {
				size = invalidUTF8Len([]byte(s[k:min(len(s), k+4)]))
				a.buf = append(a.buf, "%EF%BF%BD"...)
				k += size
				continue
			}
			for _, b := range []byte(s[k : k+size]) {
				a.buf = append(a.buf, '%', hex[b>>4], hex[b&15])
			}
			k += size
		}
		o[i] = a.strEnd(start)
	}
}
