package engine

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hunt-sec/hunt/parsers"
)

// jsonStep is one step of a JSONPath: a member name or an array index.
type jsonStep struct {
	name  string
	index int // >= 0 for [n]; -1 for a member
}

// compileJSONPath parses the JSONPath subset Trino's json_extract accepts
// and hunts use: $, .name, ["name"], ['name'], [n].
func compileJSONPath(p string) ([]jsonStep, bool) {
	p = strings.TrimSpace(p)
	if !strings.HasPrefix(p, "$") {
		return nil, false
	}
	var steps []jsonStep
	i := 1
	for i < len(p) {
		switch p[i] {
		case '.':
			j := i + 1
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			if j == i+1 {
				return nil, false
			}
			steps = append(steps, jsonStep{name: p[i+1 : j], index: -1})
			i = j
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, false
			}
			in := strings.TrimSpace(p[i+1 : i+j])
			i += j + 1
			if len(in) >= 2 && (in[0] == '"' || in[0] == '\'') && in[len(in)-1] == in[0] {
				steps = append(steps, jsonStep{name: in[1 : len(in)-1], index: -1})
				continue
			}
			n, err := strconv.Atoi(in)
			if err != nil || n < 0 {
				return nil, false
			}
			steps = append(steps, jsonStep{index: n})
		default:
			return nil, false
		}
	}
	return steps, true
}

// jsonFind returns the raw text of the value at steps in doc, scanning
// without building a tree or allocating.
func jsonFind(doc string, steps []jsonStep) (string, bool) {
	i := jsonSkipWS(doc, 0)
	for _, st := range steps {
		if i >= len(doc) {
			return "", false
		}
		if st.index < 0 {
			if doc[i] != '{' {
				return "", false
			}
			i = jsonSkipWS(doc, i+1)
			found := false
			for i < len(doc) && doc[i] != '}' {
				ks, ke, ok := jsonString(doc, i)
				if !ok {
					return "", false
				}
				i = jsonSkipWS(doc, ke)
				if i >= len(doc) || doc[i] != ':' {
					return "", false
				}
				i = jsonSkipWS(doc, i+1)
				if jsonKeyEquals(doc[ks+1:ke-1], st.name) {
					found = true
					break
				}
				end, ok := jsonSkipValue(doc, i)
				if !ok {
					return "", false
				}
				i = jsonSkipWS(doc, end)
				if i < len(doc) && doc[i] == ',' {
					i = jsonSkipWS(doc, i+1)
				}
			}
			if !found {
				return "", false
			}
			continue
		}
		if doc[i] != '[' {
			return "", false
		}
		i = jsonSkipWS(doc, i+1)
		for k := 0; ; k++ {
			if i >= len(doc) || doc[i] == ']' {
				return "", false
			}
			if k == st.index {
				break
			}
			end, ok := jsonSkipValue(doc, i)
			if !ok {
				return "", false
			}
			i = jsonSkipWS(doc, end)
			if i < len(doc) && doc[i] == ',' {
				i = jsonSkipWS(doc, i+1)
			}
		}
	}
	end, ok := jsonSkipValue(doc, i)
	if !ok {
		return "", false
	}
	return doc[i:end], true
}

// jsonKeyEquals compares a raw (possibly escaped) key with name.
func jsonKeyEquals(raw, name string) bool {
	if strings.IndexByte(raw, '\\') < 0 {
		return raw == name
	}
	return jsonUnescape(nil, raw) == name
}

func jsonSkipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// jsonString returns the bounds of the string starting at i, quotes included.
//
// The closing quote is the first '"' after i not escaped, that is not
// preceded by an odd run of backslashes (each backslash escapes the byte
// after it, so in a run they pair up): found by IndexByte, which reads
// 16 bytes a step, where a byte loop testing both '"' and '\\' cost
// about seven instructions a byte (json_extract over request parameters).
func jsonString(s string, i int) (int, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return 0, 0, false
	}
	for j := i + 1; ; j++ {
		k := strings.IndexByte(s[j:], '"')
		if k < 0 {
			return 0, 0, false
		}
		j += k
		b := j - 1
		for s[b] == '\\' { // stops at the opening quote at the latest
			b--
		}
		if (j-1-b)%2 == 0 {
			return i, j + 1, true
		}
	}
}

// jsonSkipValue returns the end of the value starting at i.
func jsonSkipValue(s string, i int) (int, bool) {
	if i >= len(s) {
		return 0, false
	}
	switch s[i] {
	case '"':
		_, e, ok := jsonString(s, i)
		return e, ok
	case '{', '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '"':
				_, e, ok := jsonString(s, j)
				if !ok {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(s) && s[j] != ',' && s[j] != '}' && s[j] != ']' && s[j] != ' ' && s[j] != '\n' && s[j] != '\t' && s[j] != '\r' {
		j++
	}
	return j, j > i
}

// jsonUnescape decodes the inside of a JSON string with the readers'
// decoder, so a value reads the same in a column and through
// json_extract_scalar. A bad escape keeps the rest of the text as it is.
func jsonUnescape(dst []byte, raw string) string {
	b, bad := parsers.AppendJSONUnescaped(dst[:0], raw)
	if bad >= 0 {
		b = append(b, raw[bad:]...)
	}
	return string(b)
}

// jsonExtractKernel is json_extract_scalar (scalar true) or json_extract.
func jsonExtractKernel(steps []jsonStep, scalar bool) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		o := out.strs()
		nl := out.nulls()
		if x.null != nil {
			copy(nl, x.null)
		}
		for i, doc := range x.s {
			if nl[i] {
				continue
			}
			v, ok := jsonFind(doc, steps)
			if !ok || v == "" {
				nl[i] = true
				continue
			}
			if !scalar {
				o[i] = v
				continue
			}
			switch v[0] {
			case '{', '[':
				nl[i] = true
			case '"':
				raw := v[1 : len(v)-1]
				if strings.IndexByte(raw, '\\') < 0 {
					o[i] = raw
				} else {
					start := a.strStart()
					a.buf = append(a.buf, jsonUnescape(nil, raw)...)
					o[i] = a.strEnd(start)
				}
			case 'n':
				nl[i] = true // null
			default:
				o[i] = v
			}
		}
	}
}

// jsonToVarcharKernel is CAST(json AS varchar): a JSON string's value, a
// scalar's text, NULL for JSON null.
func jsonToVarcharKernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.strs()
	nl := out.nulls()
	if x.null != nil {
		copy(nl, x.null)
	}
	for i, v := range x.s {
		if nl[i] {
			continue
		}
		v = strings.TrimSpace(v)
		switch {
		case v == "null":
			nl[i] = true
		case strings.HasPrefix(v, `"`) && len(v) >= 2:
			start := a.strStart()
			a.buf = append(a.buf, jsonUnescape(nil, v[1:len(v)-1])...)
			o[i] = a.strEnd(start)
		default:
			o[i] = v
		}
	}
}

// jsonArrayLengthKernel is json_array_length: the elements of a JSON
// array, NULL for anything else, malformed text included (Trino streams
// the array with Jackson and gives NULL on a parse error before its end).
func jsonArrayLengthKernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.ints()
	nl := out.nulls()
	if x.null != nil {
		copy(nl, x.null)
	}
	for i, v := range x.s {
		if nl[i] {
			continue
		}
		n := int64(0)
		for it := newJSONArrayIter(v); ; {
			st, _, _ := it.next()
			if st == jsonArrayEnd {
				o[i] = n
				break
			}
			if st == jsonArrayBad {
				nl[i] = true
				break
			}
			n++
		}
	}
}

// jsonArrayIter walks the elements of a JSON array text strictly (RFC
// 8259, as Jackson reads it), the way Trino's json_array_* functions stream
// it: each element is validated when it is read, what follows the
// closing bracket is not read.
type jsonArrayIter struct {
	s     string
	i     int
	first bool
	bad   bool
}

// States of jsonArrayIter.next.
const (
	jsonArrayElem = iota // an element: its kind and text
	jsonArrayEnd         // the closing bracket
	jsonArrayBad         // not an array, or malformed before the end
)

func newJSONArrayIter(s string) jsonArrayIter {
	i := jsonSkipWS(s, 0)
	if i >= len(s) || s[i] != '[' {
		return jsonArrayIter{bad: true}
	}
	return jsonArrayIter{s: s, i: i + 1, first: true}
}

// next returns the next element: its kind (a byte of jsonValueKind) and
// raw text.
func (it *jsonArrayIter) next() (state int, kind byte, raw string) {
	if it.bad {
		return jsonArrayBad, 0, ""
	}
	i := jsonSkipWS(it.s, it.i)
	if !it.first {
		// After an element: ',' and the next, or the end.
		if i < len(it.s) && it.s[i] == ']' {
			return jsonArrayEnd, 0, ""
		}
		if i >= len(it.s) || it.s[i] != ',' {
			it.bad = true
			return jsonArrayBad, 0, ""
		}
		i = jsonSkipWS(it.s, i+1)
	} else if i < len(it.s) && it.s[i] == ']' {
		return jsonArrayEnd, 0, ""
	}
	it.first = false
	end, kind := jsonStrictValue(it.s, i, 0)
	if kind == 0 {
		it.bad = true
		return jsonArrayBad, 0, ""
	}
	it.i = end
	return jsonArrayElem, kind, it.s[i:end]
}

// Value kinds of jsonStrictValue (0: malformed).
const (
	jsonKindString = 's'
	jsonKindInt    = 'i' // a number without fraction or exponent
	jsonKindFloat  = 'f'
	jsonKindTrue   = 't'
	jsonKindFalse  = 'F'
	jsonKindNull   = 'n'
	jsonKindObject = 'o'
	jsonKindArray  = 'a'
)

// jsonMaxDepth is Jackson's default nesting limit.
const jsonMaxDepth = 1000

// jsonStrictValue validates the JSON value at i (RFC 8259) and returns its
// end and kind, 0 when malformed.
func jsonStrictValue(s string, i, depth int) (int, byte) {
	if i >= len(s) {
		return 0, 0
	}
	switch c := s[i]; {
	case c == '"':
		end, ok := jsonStrictString(s, i)
		if !ok {
			return 0, 0
		}
		return end, jsonKindString
	case c == '-' || (c >= '0' && c <= '9'):
		return jsonStrictNumber(s, i)
	case c == 't':
		return jsonLiteral(s, i, "true", jsonKindTrue)
	case c == 'f':
		return jsonLiteral(s, i, "false", jsonKindFalse)
	case c == 'n':
		return jsonLiteral(s, i, "null", jsonKindNull)
	case c == '[' || c == '{':
		if depth >= jsonMaxDepth {
			return 0, 0
		}
		closer, kind := byte(']'), byte(jsonKindArray)
		if c == '{' {
			closer, kind = '}', jsonKindObject
		}
		i = jsonSkipWS(s, i+1)
		if i < len(s) && s[i] == closer {
			return i + 1, kind
		}
		for {
			if c == '{' {
				end, ok := jsonStrictString(s, i)
				if !ok {
					return 0, 0
				}
				i = jsonSkipWS(s, end)
				if i >= len(s) || s[i] != ':' {
					return 0, 0
				}
				i = jsonSkipWS(s, i+1)
			}
			end, k := jsonStrictValue(s, i, depth+1)
			if k == 0 {
				return 0, 0
			}
			i = jsonSkipWS(s, end)
			if i >= len(s) {
				return 0, 0
			}
			if s[i] == closer {
				return i + 1, kind
			}
			if s[i] != ',' {
				return 0, 0
			}
			i = jsonSkipWS(s, i+1)
		}
	}
	return 0, 0
}

// jsonStrictString validates the string at i: no control characters, only
// RFC 8259 escapes.
func jsonStrictString(s string, i int) (int, bool) {
	if i >= len(s) || s[i] != '"' {
		return 0, false
	}
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			return j + 1, true
		case c < 0x20:
			return 0, false
		case c == '\\':
			if j+1 >= len(s) {
				return 0, false
			}
			j++
			switch s[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(s) {
					return 0, false
				}
				for k := 1; k <= 4; k++ {
					if !isClass(s[j+k], ucHex) {
						return 0, false
					}
				}
				j += 4
			default:
				return 0, false
			}
		}
	}
	return 0, false
}

// jsonStrictNumber validates -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
func jsonStrictNumber(s string, i int) (int, byte) {
	j := i
	if s[j] == '-' {
		j++
	}
	digits := func() int {
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j - k
	}
	start := j
	n := digits()
	if n == 0 || (n > 1 && s[start] == '0') {
		return 0, 0
	}
	kind := byte(jsonKindInt)
	if j < len(s) && s[j] == '.' {
		j++
		if digits() == 0 {
			return 0, 0
		}
		kind = jsonKindFloat
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if digits() == 0 {
			return 0, 0
		}
		kind = jsonKindFloat
	}
	return j, kind
}

// jsonLiteral matches true, false or null at i, not followed by a
// character that continues a name (Jackson: "Unrecognized token").
func jsonLiteral(s string, i int, lit string, kind byte) (int, byte) {
	if !strings.HasPrefix(s[i:], lit) {
		return 0, 0
	}
	e := i + len(lit)
	if e < len(s) && (isClass(s[e], ucAlpha|ucDigit) || s[e] == '_' || s[e] == '$' || s[e] >= utf8.RuneSelf) {
		return 0, 0
	}
	return e, kind
}

// jsonTextArg is argument 1 of the json_array_* functions: json, or
// varchar read as JSON text (Trino has both overloads; a varchar is not
// cast to a JSON string).
func jsonTextArg(c *compiler, call *Call, x expr) (expr, error) {
	switch t := x.typ(); {
	case t.k == kNull:
		return &exprConst{v: constVec(tString, true)}, nil
	case !t.isText():
		return nil, c.errf(call.Args[0].Pos(), "expected varchar or json as argument 1 of "+call.Name+", found "+t.name)
	}
	return x, nil
}

func buildJSONArrayLength(c *compiler, call *Call, args []expr) (expr, error) {
	x, err := jsonTextArg(c, call, args[0])
	if err != nil {
		return nil, err
	}
	return &exprFunc{name: call.Name, t: tInt, args: []expr{x}, k: jsonArrayLengthKernel, strict: true}, nil
}

func buildJSONArrayContains(c *compiler, call *Call, args []expr) (expr, error) {
	x, err := jsonTextArg(c, call, args[0])
	if err != nil {
		return nil, err
	}
	v := args[1]
	switch v.typ().k {
	case kBool, kInt, kDouble, kString:
	case kNull:
		v = &exprConst{v: constVec(tBool, true)}
	default:
		return nil, c.errf(call.Args[1].Pos(), "expected boolean, bigint, double or varchar as argument 2 of json_array_contains, found "+v.typ().name)
	}
	return &exprFunc{name: call.Name, t: tBool, args: []expr{x, v}, k: jsonArrayContainsKernel(v.typ().k), strict: true}, nil
}

// jsonArrayContainsKernel is json_array_contains(json, value), as Trino
// streams it: TRUE at the first equal element (the rest is not read),
// FALSE at the end of the array, NULL for a non-array or malformed text.
// Equal means: a JSON true or false for a boolean; an integer token (no
// fraction or exponent) within bigint for a bigint; a token with a
// fraction or exponent for a finite double; a string, unescaped, for a
// varchar.
func jsonArrayContainsKernel(vk kind) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x, v := args[0], args[1]
		o := out.bools()
		strictNulls(out, args)
		nl := out.null
		for i, doc := range x.s {
			if nl != nil && nl[i] {
				continue
			}
			o[i] = false
			if vk == kDouble && (math.IsInf(v.f[i], 0) || math.IsNaN(v.f[i])) {
				continue // Trino: FALSE before reading the text
			}
			for it := newJSONArrayIter(doc); ; {
				st, k, raw := it.next()
				if st == jsonArrayBad {
					if nl == nil {
						nl = out.nulls()
					}
					nl[i] = true
					break
				}
				if st == jsonArrayEnd {
					break
				}
				if jsonElementEquals(a, k, raw, vk, v, i) {
					o[i] = true
					break
				}
			}
		}
	}
}

// jsonElementEquals compares an element of kind k with row i of v.
func jsonElementEquals(a *arena, k byte, raw string, vk kind, v *vec, i int) bool {
	switch vk {
	case kBool:
		return (k == jsonKindTrue && v.b[i]) || (k == jsonKindFalse && !v.b[i])
	case kInt:
		if k != jsonKindInt {
			return false
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		return err == nil && n == v.i[i]
	case kDouble:
		if k != jsonKindFloat {
			return false
		}
		f, _ := strconv.ParseFloat(raw, 64) // out of range: ±Inf, never equal to a finite value
		return f == v.f[i]
	}
	if k != jsonKindString {
		return false
	}
	body := raw[1 : len(raw)-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body == v.s[i]
	}
	start := len(a.buf)
	b, bad := parsers.AppendJSONUnescaped(a.buf, body)
	eq := bad < 0 && string(b[start:]) == v.s[i]
	a.buf = b[:start]
	return eq
}
