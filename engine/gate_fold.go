package engine

import (
	"slices"

	"github.com/hunt-sec/hunt/parsers"
)

// The case-insensitive gate. Sigma rules compare lower(eventname) IN
// ('stoplogging', ...) (case-insensitive, as Sigma means), which gives no
// exact Pruning.Equal facts, so without this every Sigma hunt would be
// pushed every batch. The folded forms (expr_fold.go) give EqualFold facts
// instead: lower(column) must be one of these lower-case values. A batch
// is admitted when some value of the column's dictionary lower-cases to
// one of them.

// foldFacts returns the facts of a folded comparison: lower(col) = 'v' and
// lower(col) IN (...) restrict col case-insensitively; coalesce(b, false)
// is TRUE only where b is. ok is false for other expressions.
func foldFacts(t *parsers.Table, x *exprFunc) (facts, bool) {
	switch x.name {
	case "coalesce_false":
		return pruneFacts(t, x.args[0]), true
	case "lower_ne":
		return facts{}, true
	case "lower_eq", "lower_in":
		col, ok := x.args[0].(*exprCol)
		if !ok || x.set == nil || len(x.set.strs) == 0 || x.set.hasNull {
			return facts{}, true
		}
		var vals []string
		for s := range x.set.strs {
			vals = append(vals, s)
		}
		slices.Sort(vals)
		return facts{fold: map[string][]string{col.path: vals}}, true
	}
	return facts{}, false
}

// andEqual intersects two column → values restrictions (absent = any).
func andEqual(a, b map[string][]string) map[string][]string {
	if len(b) == 0 {
		return a
	}
	out := make(map[string][]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = intersect(out[k], v)
	}
	return out
}

// orEqual keeps the columns both restrict, with the union of their values.
func orEqual(a, b map[string][]string) map[string][]string {
	var out map[string][]string
	for k, av := range a {
		if bv, ok := b[k]; ok {
			if out == nil {
				out = map[string][]string{}
			}
			out[k] = union(av, bv)
		}
	}
	return out
}

// addFold appends the EqualFold facts to g as case-insensitive entries.
func (g *Gate) addFold(fold map[string][]string) {
	if len(fold) == 0 {
		return
	}
	if g.fold == nil {
		g.fold = make([]bool, len(g.cols))
	}
	for _, c := range slices.Sorted(mapKeys(fold)) {
		g.cols = append(g.cols, c)
		g.vals = append(g.vals, fold[c])
		g.fold = append(g.fold, true)
	}
}

// admitsFold reports whether a value of the batch's dictionary (the keys
// of present that are true) lower-cases to one of vals.
func admitsFold(present map[string]bool, vals []string) bool {
	for v, ok := range present {
		if !ok {
			continue
		}
		for _, x := range vals {
			if equalLower(v, x) {
				return true
			}
		}
	}
	return false
}
