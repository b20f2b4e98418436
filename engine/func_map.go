package engine

import "github.com/apache/arrow-go/v18/arrow/array"

// Map functions over the map columns of the tables (the session context's
// attributes, Config's tags): map_keys and map_values, as Trino has them,
// arrays in the map's entry order. element_at(map, key) is a subscript
// (see exprSubscript).

func buildMapEntries(values bool) func(c *compiler, call *Call, args []expr) (expr, error) {
	return func(c *compiler, call *Call, args []expr) (expr, error) {
		t := args[0].typ()
		switch t.k {
		case kNull:
			return &exprConst{v: constVec(arrayOf(tString), true)}, nil
		case kMap:
		default:
			return nil, c.errf(call.Args[0].Pos(), "expected a map as argument 1 of "+call.Name+", found "+t.name)
		}
		rt := arrayOf(tString) // the tables' maps have varchar keys
		if values {
			rt = arrayOf(t.elem)
		}
		return &exprFunc{name: call.Name, t: rt, args: args, k: mapEntriesKernel(values)}, nil
	}
}

// mapEntriesKernel is map_keys (values false) or map_values: NULL for a
// NULL map.
func mapEntriesKernel(values bool) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		nl := out.nulls()
		out.x = make([]any, out.n)
		m, _ := x.arr.(*array.Map)
		for i := range out.x {
			if x.isNull(i) || m == nil || m.IsNull(x.complexRow(i)) {
				nl[i] = true
				continue
			}
			child := m.Keys()
			if values {
				child = m.Items()
			}
			start, end := m.ValueOffsets(x.complexRow(i))
			l := make([]any, 0, end-start)
			for k := start; k < end; k++ {
				l = append(l, arrowValue(child, int(k)))
			}
			out.x[i] = l
		}
	}
}
