package engine

import "strings"

// The array constructor, ARRAY[x, y, ...]: the parser makes it a call of
// arrayCtor, a name no query can spell, whose SQL prints back as
// ARRAY[...] (Athena pushdown). Its elements take their common type, as
// coalesce's arguments do; a NULL element stays an element. Hunts write
// it for lists: contains(ARRAY['ConsoleLogin', 'GetSessionToken'],
// eventname), cardinality(ARRAY[...]), array_join(ARRAY[a, b], '/').

const arrayCtor = "$array"

func buildArrayCtor(c *compiler, call *Call, args []expr) (expr, error) {
	t, err := c.commonType(args, call.pos)
	if err != nil {
		return nil, err
	}
	for i := range args {
		args[i] = c.mustCoerce(args[i], t)
	}
	return &exprFunc{name: call.Name, t: arrayOf(t), args: args, k: arrayCtorKernel}, nil
}

// arrayCtorKernel makes row i's array of the args' rows i.
func arrayCtorKernel(a *arena, out *vec, args []*vec) {
	out.x = make([]any, out.n)
	elems := make([]any, out.n*len(args)) // one allocation for all rows' arrays
	for i := range out.x {
		arr := elems[i*len(args) : (i+1)*len(args) : (i+1)*len(args)]
		for k, v := range args {
			arr[k] = boxValue(v, i)
		}
		out.x[i] = arr
	}
}

// arrayCtorString prints a constructor call as SQL.
func arrayCtorString(e *Call) string {
	parts := make([]string, len(e.Args))
	for i, x := range e.Args {
		parts[i] = x.String()
	}
	return "ARRAY[" + strings.Join(parts, ", ") + "]"
}
