package engine

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
