package findings

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// JSONText is an evidence value that was JSON text in the result (a
// CloudTrail requestparameters object, say), kept as the bytes json.Marshal
// writes for the value json.Unmarshal makes of that text: keys sorted,
// the last of duplicate keys, no whitespace, numbers as float64, strings
// escaped as encoding/json escapes them. A finding's JSON shows it as
// JSON rather than as an escaped string, as when it was parsed into maps,
// without building them (AppendCanonicalJSON). It marshals as itself.
type JSONText string

// MarshalJSON returns t.
func (t JSONText) MarshalJSON() ([]byte, error) { return []byte(t), nil }

// maxJSONDepth is encoding/json's nesting limit: deeper text is not JSON
// to json.Unmarshal.
const maxJSONDepth = 10000

// AppendCanonicalJSON appends to dst what json.Marshal writes for the value
// json.Unmarshal(text, &v) (v an any) makes, and reports false, with dst
// as it was, where json.Unmarshal fails: a syntax error, a number out of
// float64's range, nesting past 10,000. TestAppendCanonicalJSON and
// FuzzAppendCanonicalJSON hold it to the two calls.
func AppendCanonicalJSON(dst []byte, text string) ([]byte, bool) {
	c := canonPool.Get().(*canon)
	defer canonPool.Put(c)
	c.s, c.out, c.keys, c.mem = text, dst, c.keys[:0], c.mem[:0]
	i, ok := c.value(skipJSONSpace(text, 0), 1)
	if !ok || skipJSONSpace(text, i) != len(text) {
		c.out = nil
		return dst, false
	}
	out := c.out
	c.s, c.out = "", nil
	return out, true
}

var canonPool = sync.Pool{New: func() any { return new(canon) }}

// canon decodes JSON text and writes it out canonical. An object's
// members are written one after another, then put in key order: their
// decoded keys are in keys, their places in mem.
type canon struct {
	s    string
	out  []byte
	keys []byte   // decoded keys of the objects being read
	mem  []member // members of the objects being read
	tmp  []byte   // an object's members in key order
}

// member is one object member: its decoded key keys[k0:k1], its value
// out[v0:v1].
type member struct{ k0, k1, v0, v1 int }

func skipJSONSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// value reads the value at s[i] and writes it; it returns the index past
// it.
func (c *canon) value(i, depth int) (int, bool) {
	s := c.s
	if i >= len(s) {
		return i, false
	}
	switch ch := s[i]; {
	case ch == '{':
		return c.object(i+1, depth)
	case ch == '[':
		return c.array(i+1, depth)
	case ch == '"':
		start := len(c.keys)
		j, ok := c.decodeString(i + 1)
		if !ok {
			return j, false
		}
		c.out = appendJSONString(c.out, unsafeString(c.keys[start:]))
		c.keys = c.keys[:start]
		return j, true
	case ch == '-' || ch >= '0' && ch <= '9':
		j, ok := scanNumber(s, i)
		if !ok {
			return j, false
		}
		f, err := strconv.ParseFloat(s[i:j], 64)
		if err != nil {
			return j, false
		}
		c.out, ok = appendJSONFloat(c.out, f)
		return j, ok
	case strings.HasPrefix(s[i:], "true"):
		c.out = append(c.out, "true"...)
		return i + 4, true
	case strings.HasPrefix(s[i:], "false"):
		c.out = append(c.out, "false"...)
		return i + 5, true
	case strings.HasPrefix(s[i:], "null"):
		c.out = append(c.out, "null"...)
		return i + 4, true
	}
	return i, false
}

func (c *canon) array(i, depth int) (int, bool) {
	if depth > maxJSONDepth {
		return i, false
	}
	c.out = append(c.out, '[')
	i = skipJSONSpace(c.s, i)
	if i < len(c.s) && c.s[i] == ']' {
		c.out = append(c.out, ']')
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = c.value(i, depth+1); !ok {
			return i, false
		}
		i = skipJSONSpace(c.s, i)
		if i >= len(c.s) {
			return i, false
		}
		switch c.s[i] {
		case ',':
			c.out = append(c.out, ',')
			i = skipJSONSpace(c.s, i+1)
		case ']':
			c.out = append(c.out, ']')
			return i + 1, true
		default:
			return i, false
		}
	}
}

func (c *canon) object(i, depth int) (int, bool) {
	if depth > maxJSONDepth {
		return i, false
	}
	start, m0, k0 := len(c.out), len(c.mem), len(c.keys)
	defer func() { c.mem, c.keys = c.mem[:m0], c.keys[:k0] }()
	i = skipJSONSpace(c.s, i)
	if i < len(c.s) && c.s[i] == '}' {
		c.out = append(c.out, "{}"...)
		return i + 1, true
	}
	for {
		if i >= len(c.s) || c.s[i] != '"' {
			return i, false
		}
		kStart := len(c.keys)
		var ok bool
		if i, ok = c.decodeString(i + 1); !ok {
			return i, false
		}
		i = skipJSONSpace(c.s, i)
		if i >= len(c.s) || c.s[i] != ':' {
			return i, false
		}
		v0 := len(c.out)
		if i, ok = c.value(skipJSONSpace(c.s, i+1), depth+1); !ok {
			return i, false
		}
		c.mem = append(c.mem, member{kStart, len(c.keys), v0, len(c.out)})
		i = skipJSONSpace(c.s, i)
		if i >= len(c.s) {
			return i, false
		}
		if c.s[i] == '}' {
			i++
			break
		}
		if c.s[i] != ',' {
			return i, false
		}
		i = skipJSONSpace(c.s, i+1)
	}
	// Key order, and of equal keys the last (json.Unmarshal keeps the
	// last in its map).
	ms := c.mem[m0:]
	key := func(m member) string { return unsafeString(c.keys[m.k0:m.k1]) }
	slices.SortStableFunc(ms, func(a, b member) int { return strings.Compare(key(a), key(b)) })
	t := append(c.tmp[:0], '{')
	for n, m := range ms {
		if n+1 < len(ms) && key(ms[n+1]) == key(m) {
			continue
		}
		if len(t) > 1 {
			t = append(t, ',')
		}
		t = append(appendJSONString(t, key(m)), ':')
		t = append(t, c.out[m.v0:m.v1]...)
	}
	t = append(t, '}')
	c.out = append(c.out[:start], t...)
	c.tmp = t
	return i, true
}

// decodeString decodes the string whose text starts at s[i] (past its
// quote) onto c.keys as json.Unmarshal decodes it: escapes resolved, a
// byte that is not UTF-8 and a lone surrogate as U+FFFD. It returns the
// index past the closing quote.
func (c *canon) decodeString(i int) (int, bool) {
	s := c.s
	for i < len(s) {
		if j := plainRun(s, i); j > i {
			c.keys = append(c.keys, s[i:j]...)
			i = j
			continue
		}
		ch := s[i]
		switch {
		case ch == '"':
			return i + 1, true
		case ch < 0x20:
			return i, false
		case ch == '\\':
			if i+1 >= len(s) {
				return i, false
			}
			switch e := s[i+1]; e {
			case '"', '\\', '/':
				c.keys = append(c.keys, e)
			case 'b':
				c.keys = append(c.keys, '\b')
			case 'f':
				c.keys = append(c.keys, '\f')
			case 'n':
				c.keys = append(c.keys, '\n')
			case 'r':
				c.keys = append(c.keys, '\r')
			case 't':
				c.keys = append(c.keys, '\t')
			case 'u':
				r, ok := hex4(s, i+2)
				if !ok {
					return i, false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := hex4(s, i+2); ok && i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							r = d
							i += 6
						} else {
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				c.keys = utf8.AppendRune(c.keys, r)
				continue
			default:
				return i, false
			}
			i += 2
		case ch < utf8.RuneSelf:
			c.keys = append(c.keys, ch)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				c.keys = utf8.AppendRune(c.keys, utf8.RuneError)
			} else {
				c.keys = append(c.keys, s[i:i+size]...)
			}
			i += size
		}
	}
	return i, false
}

// plainRun returns the end of the run of bytes at s[i] that a string
// holds as they are: ASCII, not control bytes, '"' or '\\'.
func plainRun(s string, i int) int {
	for i < len(s) {
		if ch := s[i]; ch < 0x20 || ch >= utf8.RuneSelf || ch == '"' || ch == '\\' {
			break
		}
		i++
	}
	return i
}

// hex4 reads the 4 hex digits at s[i].
func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, ch := range []byte(s[i : i+4]) {
		switch {
		case ch >= '0' && ch <= '9':
			ch -= '0'
		case ch >= 'a' && ch <= 'f':
			ch -= 'a' - 10
		case ch >= 'A' && ch <= 'F':
			ch -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(ch)
	}
	return r, true
}

// scanNumber returns the end of the JSON number at s[i].
func scanNumber(s string, i int) (int, bool) {
	if s[i] == '-' {
		i++
	}
	digits := func() bool {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > j
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case !digits():
		return i, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return i, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return i, false
		}
	}
	return i, true
}

// unsafeString views b as a string; b must not change while it is used.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
