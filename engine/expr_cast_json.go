package engine

import (
	"math"
	"strconv"
	"strings"
)

// jsonToArrayKernel is CAST(json AS ARRAY(JSON)): a JSON array becomes
// the array of its elements' JSON texts (slices of the input, not
// copies). Anything else fails the cast, or is NULL under TRY_CAST, as in
// Trino; a JSON null is NULL.
func jsonToArrayKernel(try bool, where string) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		nl := out.nulls()
		if x.null != nil {
			copy(nl, x.null)
		}
		out.x = make([]any, out.n)
		for i, v := range x.s {
			if nl[i] {
				continue
			}
			j := jsonSkipWS(v, 0)
			if j+4 <= len(v) && v[j:j+4] == "null" && jsonSkipWS(v, j+4) == len(v) {
				nl[i] = true
				continue
			}
			if j >= len(v) || v[j] != '[' {
				nl[i] = true
				if !try {
					a.failAt(where, "cannot cast "+quoteFound(v)+" to array(json)")
				}
				continue
			}
			elems := []any{}
			j = jsonSkipWS(v, j+1)
			for j < len(v) && v[j] != ']' {
				end, ok := jsonSkipValue(v, j)
				if !ok {
					break
				}
				elems = append(elems, v[j:end])
				j = jsonSkipWS(v, end)
				if j < len(v) && v[j] == ',' {
					j = jsonSkipWS(v, j+1)
				}
			}
			out.x[i] = elems
		}
	}
}

// jsonToScalarKernel is CAST(json AS bigint | double | boolean), with
// Trino's rules for the JSON value (JsonUtil's currentTokenAs*): JSON
// null is NULL; a JSON string is cast as the varchar it holds; true and
// false are 1 and 0 (1.0 and 0.0); a number with a fraction or exponent
// becomes a bigint rounded half away from zero, out of range failing; a
// number is a boolean when it is not 0; an object or array fails the
// cast (NULL under TRY_CAST). CAST(json AS ARRAY(bigint)) casts each
// element so, which is what makes '[1, null, "2"]' the array [1, NULL, 2].
func jsonToScalarKernel(to *dtype, try bool, where string) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		nl := out.nulls()
		if x.null != nil {
			copy(nl, x.null)
		}
		var ints []int64
		var floats []float64
		var bools []bool
		switch to.k {
		case kInt:
			ints = out.ints()
		case kDouble:
			floats = out.floats()
		case kBool:
			bools = out.bools()
		}
		for i, raw := range x.s {
			if nl[i] {
				continue
			}
			v := strings.TrimSpace(raw)
			ok := true
			switch {
			case v == "null":
				nl[i] = true
				continue
			case v == "true" || v == "false":
				t := v == "true"
				switch to.k {
				case kInt:
					ints[i] = int64(b2i(t))
				case kDouble:
					floats[i] = float64(b2i(t))
				case kBool:
					bools[i] = t
				}
			case len(v) >= 2 && v[0] == '"':
				s := v[1 : len(v)-1]
				if strings.IndexByte(s, '\\') >= 0 {
					s = jsonUnescape(nil, s) // rare: JSON text with escapes
				}
				s = strings.TrimSpace(s)
				switch to.k {
				case kInt:
					n, err := strconv.ParseInt(s, 10, 64)
					ints[i], ok = n, err == nil
				case kDouble:
					f, err := strconv.ParseFloat(s, 64)
					floats[i], ok = f, err == nil
				case kBool:
					switch strings.ToLower(s) {
					case "true", "t", "1":
						bools[i] = true
					case "false", "f", "0":
						bools[i] = false
					default:
						ok = false
					}
				}
			case v != "" && (v[0] == '-' || v[0] >= '0' && v[0] <= '9'):
				f, err := strconv.ParseFloat(v, 64)
				ok = err == nil
				switch {
				case !ok:
				case to.k == kDouble:
					floats[i] = f
				case to.k == kBool:
					bools[i] = f != 0
				case !strings.ContainsAny(v, ".eE"):
					n, err := strconv.ParseInt(v, 10, 64)
					ints[i], ok = n, err == nil
				default:
					r := math.Round(f) // half away from zero
					ok = r >= -(1<<63) && r < 1<<63
					ints[i] = int64(r)
				}
			default:
				ok = false // an object, an array, or not JSON
			}
			if !ok {
				nl[i] = true
				if !try {
					a.failAt(where, "cannot cast "+quoteFound(raw)+" to "+to.name)
				}
			}
		}
	}
}
