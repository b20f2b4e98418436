package engine

import (
	"slices"
	"strings"
)

// array_agg(x ORDER BY k [DESC] [NULLS FIRST|LAST], ...): the values of
// each group in key order. Like array_agg it keeps at most
// [ArrayAggLimit] values per group (the first ones in key order); rows
// equal on every key are ordered by value, so the result does not depend
// on parallelism.

// aggOrderBy compiles the ORDER BY of an aggregate call: its keys become
// more arguments of ac.
func (c *compiler) aggOrderBy(call *Call, ac *aggCall, sc *scope) (*aggCall, error) {
	if ac.name == "array_agg_distinct" {
		// As in Trino, a DISTINCT aggregate orders by its argument only;
		// its result lists are ordered after the aggregate (sortedLists).
		if len(call.OrderBy) != 1 || call.OrderBy[0].Expr.String() != call.Args[0].String() {
			return nil, c.errf(call.OrderBy[0].Expr.Pos(), "expected array_agg(DISTINCT x ORDER BY x), ordered by its argument alone, found ORDER BY "+quoteFound(orderText(call.OrderBy)))
		}
		return ac, nil
	}
	if ac.name != "array_agg" {
		what := call.Name + "(DISTINCT ... ORDER BY ...)"
		if !call.Distinct {
			what = call.Name + "(... ORDER BY ...)"
		}
		return nil, c.errf(call.OrderBy[0].Expr.Pos(), what+" is not supported by the local engine (array_agg(x ORDER BY y) is); run the query with --engine athena")
	}
	for _, o := range call.OrderBy {
		if hasAgg(o.Expr) {
			return nil, c.errf(o.Expr.Pos(), "expected an ORDER BY key without aggregates, found "+quoteFound(o.Expr.String()))
		}
		e, err := c.compileExpr(o.Expr, sc)
		if err != nil {
			return nil, err
		}
		if e.typ().isComplex() {
			return nil, c.errf(o.Expr.Pos(), "expected an ORDER BY key of a scalar type, found "+e.typ().name)
		}
		ac.order = append(ac.order, sortKey{col: len(ac.args) - 1, desc: o.Desc, nullsFirst: o.NullsFirst})
		ac.args = append(ac.args, e)
		ac.argTypes = append(ac.argTypes, e.typ())
	}
	ac.name = "array_agg_ordered"
	return ac, nil
}

// arrayAggOrderedState is array_agg(x ORDER BY ...): per group, rows of
// the value then the keys.
type arrayAggOrderedState struct {
	t     *dtype
	order []sortKey
	lists [][][]any
}

func (s *arrayAggOrderedState) update(gids []int32, ng int, args []*vec) {
	s.lists = growTo(s.lists, ng)
	for i, g := range gids {
		row := make([]any, len(args))
		for k, a := range args {
			row[k] = boxValue(a, i)
		}
		s.lists[g] = append(s.lists[g], row)
		if len(s.lists[g]) >= 2*ArrayAggLimit {
			s.lists[g] = s.trim(s.lists[g])
		}
	}
}

func (s *arrayAggOrderedState) merge(o aggState, from, to []int32, ng int) {
	s.lists = growTo(s.lists, ng)
	src := o.(*arrayAggOrderedState).lists
	for i, j := range from {
		if int(j) >= len(src) {
			continue
		}
		l, g := src[j], to[i]
		if s.lists[g] == nil {
			// Fast path: the group's first values; move src's list
			// rather than copy it (see aggState.merge).
			s.lists[g], src[j] = l, nil
			continue
		}
		s.lists[g] = append(s.lists[g], l...)
		if len(s.lists[g]) >= 2*ArrayAggLimit {
			s.lists[g] = s.trim(s.lists[g])
		}
	}
}

// trim sorts rows by the keys (then value) and keeps the first
// ArrayAggLimit.
func (s *arrayAggOrderedState) trim(l [][]any) [][]any {
	slices.SortStableFunc(l, func(a, b []any) int {
		for _, k := range s.order {
			x, y := a[k.col+1], b[k.col+1]
			if r, ok := orderNulls(x == nil, y == nil, k); ok {
				if r != 0 {
					return r
				}
				continue
			}
			r := compareAny(x, y)
			if k.desc {
				r = -r
			}
			if r != 0 {
				return r
			}
		}
		return compareAny(a[0], b[0])
	})
	return l[:min(len(l), ArrayAggLimit)]
}

func (s *arrayAggOrderedState) result(ng int) *column {
	s.lists = growTo(s.lists, ng)
	vals := make([]any, ng)
	for g, l := range s.lists[:ng] {
		if len(l) == 0 {
			continue // array_agg over no rows is NULL
		}
		l = s.trim(l)
		out := make([]any, len(l))
		for k, row := range l {
			out[k] = row[0]
		}
		vals[g] = out
	}
	return columnOfValues(s.t, vals)
}

// orderText prints ORDER BY items for messages.
func orderText(items []*OrderItem) string {
	parts := make([]string, len(items))
	for i, o := range items {
		parts[i] = o.String()
	}
	return strings.Join(parts, ", ")
}

// sortedLists is array_agg(DISTINCT x ORDER BY x [DESC] [NULLS ...]) over
// the lists array_agg(DISTINCT x) gives: each list ordered by its values.
func sortedLists(x expr, o *OrderItem) expr {
	desc, nullsFirst := o.Desc, o.NullsFirst
	return &exprFunc{name: "array_agg order", t: x.typ(), args: []expr{x}, k: func(a *arena, out *vec, in []*vec) {
		v := in[0]
		out.null = v.null
		out.x = make([]any, out.n)
		for i := range out.x {
			if v.isNull(i) {
				continue
			}
			var l []any
			if v.arr != nil {
				l, _ = arrowValue(v.arr, v.complexRow(i)).([]any)
			} else if v.x != nil {
				l, _ = v.x[i].([]any)
			}
			r := slices.Clone(l)
			slices.SortStableFunc(r, func(p, q any) int {
				switch {
				case p == nil && q == nil:
					return 0
				case p == nil || q == nil:
					if (p == nil) == nullsFirst {
						return -1
					}
					return 1
				}
				if desc {
					return compareAny(q, p)
				}
				return compareAny(p, q)
			})
			out.x[i] = r
		}
	}}
}
