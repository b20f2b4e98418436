package findings

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"
)

// appendFindingJSON appends f encoded as json.Marshal(f) encodes it,
// byte for byte, without reflection: a rule pack's run writes thousands of
// findings, each with evidence rows, and encoding/json's reflection and
// boxing cost more than the bytes. ok is false when f holds a value this
// encoder does not handle exactly as encoding/json does (a type other than
// the result values and parsed JSON, a NaN, a year past 9999); the caller
// then encodes f with encoding/json. TestAppendFindingJSON_SameAsMarshal
// and FuzzAppendFindingJSON hold it to json.Marshal.
func appendFindingJSON(b []byte, f *Finding) (_ []byte, ok bool) {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, f.ID)
	b = append(b, `,"hunt_id":`...)
	b = appendJSONString(b, f.HuntID)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, f.Title)
	b = append(b, `,"description":`...)
	b = appendJSONString(b, f.Description)
	b = append(b, `,"severity":`...)
	b = appendJSONString(b, f.Severity)
	if len(f.Tactics) > 0 {
		b = appendJSONStrings(append(b, `,"tactics":`...), f.Tactics)
	}
	if len(f.Techniques) > 0 {
		b = appendJSONStrings(append(b, `,"techniques":`...), f.Techniques)
	}
	b = append(b, `,"resource":`...)
	b = appendJSONString(b, f.Resource)
	b = append(b, `,"resource_type":`...)
	b = appendJSONString(b, f.ResourceType)
	if f.Actor != "" {
		b = appendJSONString(append(b, `,"actor":`...), f.Actor)
	}
	if f.Account != "" {
		b = appendJSONString(append(b, `,"account":`...), f.Account)
	}
	if f.Region != "" {
		b = appendJSONString(append(b, `,"region":`...), f.Region)
	}
	if b, ok = appendJSONTime(append(b, `,"first_seen":`...), f.FirstSeen); !ok {
		return b, false
	}
	if b, ok = appendJSONTime(append(b, `,"last_seen":`...), f.LastSeen); !ok {
		return b, false
	}
	b = strconv.AppendInt(append(b, `,"count":`...), f.Count, 10)
	if len(f.Evidence) > 0 {
		b = append(b, `,"evidence":[`...)
		for i, row := range f.Evidence {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendJSONMap(b, row); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	if f.EvidenceTruncated {
		b = append(b, `,"evidence_truncated":true`...)
	}
	if len(f.Sources) > 0 {
		b = appendJSONStrings(append(b, `,"sources":`...), f.Sources)
	}
	if f.Remediation != "" {
		b = appendJSONString(append(b, `,"remediation":`...), f.Remediation)
	}
	if len(f.References) > 0 {
		b = appendJSONStrings(append(b, `,"references":`...), f.References)
	}
	b = append(b, `,"table":`...)
	b = appendJSONString(b, f.Table)
	return append(b, '}'), true
}

func appendJSONStrings(b []byte, l []string) []byte {
	b = append(b, '[')
	for i, s := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendJSONTime is time.Time's MarshalJSON.
func appendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	if y := t.Year(); y < 0 || y > 9999 {
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), true
}

// appendJSONMap encodes a map as encoding/json does: keys sorted, a nil
// map as null.
func appendJSONMap(b []byte, m map[string]any) (_ []byte, ok bool) {
	if m == nil {
		return append(b, "null"...), true
	}
	var stack [32]string
	keys := stack[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendJSONString(b, k), ':')
		if b, ok = appendJSONValue(b, m[k]); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

// appendJSONValue encodes the values of result rows and of parsed JSON.
func appendJSONValue(b []byte, v any) (_ []byte, ok bool) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), true
	case string:
		return appendJSONString(b, x), true
	case bool:
		return strconv.AppendBool(b, x), true
	case int64:
		return strconv.AppendInt(b, x, 10), true
	case float64:
		return appendJSONFloat(b, x)
	case time.Time:
		return appendJSONTime(b, x)
	case map[string]any:
		return appendJSONMap(b, x)
	case JSONText:
		return append(b, x...), true
	case []any:
		if x == nil {
			return append(b, "null"...), true
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendJSONValue(b, e); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	}
	return b, false
}

// appendJSONFloat is encoding/json's float64 encoding.
func appendJSONFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 as e-9, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

const jsonHex = "0123456789abcdef"

// jsonSafe marks the ASCII bytes a JSON string holds as they are under
// HTML escaping: not control bytes, '"', '\\', '<', '>' or '&'.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// safe8 reports whether the 8 bytes of x are all jsonSafe ASCII: none is
// a control byte, '"', '\\', '<', '>', '&' or past ASCII. Evidence is
// mostly such text (requestparameters, user agents), so appendJSONString
// skips it 8 bytes at a time.
func safe8(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	has := func(v uint64) uint64 { return (v - lo) & ^v & hi } // a zero byte
	t := x & hi                                                // past ASCII
	t |= (x - 0x20*lo) & ^x & hi                               // below 0x20
	t |= has(x ^ '"'*lo)
	t |= has(x ^ '\\'*lo)
	t |= has(x ^ '<'*lo)
	t |= has(x ^ '>'*lo)
	t |= has(x ^ '&'*lo)
	return t == 0
}

// appendJSONString is encoding/json's string encoding with HTML escaping
// (json.Marshal's): <, > and & as \u003c..., control bytes escaped,
// invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && safe8(binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))) {
			i += 8
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', jsonHex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
