package engine

import (
	"strconv"
	"strings"

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

// jsonArrayLengthKernel is json_array_length.
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
		j := jsonSkipWS(v, 0)
		if j >= len(v) || v[j] != '[' {
			nl[i] = true
			continue
		}
		j = jsonSkipWS(v, j+1)
		n := int64(0)
		for j < len(v) && v[j] != ']' {
			end, ok := jsonSkipValue(v, j)
			if !ok {
				break
			}
			n++
			j = jsonSkipWS(v, end)
			if j < len(v) && v[j] == ',' {
				j = jsonSkipWS(v, j+1)
			}
		}
		o[i] = n
	}
}
