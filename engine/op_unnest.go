package engine

import (
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// opUnnest is `CROSS JOIN UNNEST(array) AS u(cols)`: one output row per
// array element, the input row's columns repeated. An array of rows
// unnests into one column per field (Trino's behaviour) when the alias
// lists them all; with one column alias it yields the whole row.
type opUnnest struct {
	base
	x          expr
	lay        *layout
	slots      []int    // output slot of each unnested column
	fieldIdx   []int    // struct field of each column; -1 for the element itself
	fieldNames []string // names of those fields, looked up per batch (the reader may project a subset)
	elemType   *dtype
	ordSlot    int    // WITH ORDINALITY: slot of the element's position (from 1); -1 without
	text       string // the UNNEST clause, for Explain
	ws         []*unnestState
}

type unnestState struct {
	a     arena
	c     chunk
	rep   []int32 // input row of each output row
	elems []int32 // element row in the list's values of each output row
	ords  []int64 // position of each output row's element in its array, from 1
	rows  []int32
}

func (o *opUnnest) start(workers int) {
	o.ws = make([]*unnestState, workers)
	for i := range o.ws {
		o.ws[i] = &unnestState{}
	}
}

func (o *opUnnest) explain() string {
	return "cross join " + o.text + " (one row per element)"
}

func (o *opUnnest) push(w int, c *chunk) error {
	st := o.ws[w]
	st.a.reset()
	v := o.x.eval(&st.a, c)
	if v.isConst || v.dict != nil {
		v = flat(&st.a, v, c.n)
	}
	st.rep, st.elems, st.ords = st.rep[:0], st.elems[:0], st.ords[:0]
	var list *array.List
	if v.arr != nil {
		list = v.arr.(*array.List)
		for i := 0; i < c.n; i++ {
			if v.isNull(i) {
				continue
			}
			r := v.complexRow(i)
			if list.IsNull(r) {
				continue
			}
			start, end := list.ValueOffsets(r)
			for k := start; k < end; k++ {
				st.rep = append(st.rep, int32(i))
				st.elems = append(st.elems, int32(k))
				st.ords = append(st.ords, k-start+1)
			}
		}
	} else {
		for i := 0; i < c.n; i++ {
			if v.isNull(i) || v.x == nil {
				continue
			}
			l, _ := v.x[i].([]any)
			for k := range l {
				st.rep = append(st.rep, int32(i))
				st.elems = append(st.elems, int32(k))
				st.ords = append(st.ords, int64(k+1))
			}
		}
	}
	if len(st.rep) == 0 {
		return nil
	}
	gatherChunk(&st.c, c, st.rep, &st.a, &st.rows)
	for len(st.c.cols) < o.lay.n {
		st.c.cols = append(st.c.cols, nil)
		st.c.src = append(st.c.src, srcCol{})
	}
	n := len(st.rep)
	for j, slot := range o.slots {
		out := st.a.vec(nil, n)
		if list != nil {
			child := list.ListValues()
			if o.fieldIdx[j] >= 0 {
				sa := child.(*array.Struct)
				fi, ok := sa.DataType().(*arrow.StructType).FieldIdx(o.fieldNames[j])
				if !ok {
					// Not projected because the query never reads it.
					out.reset(o.elemType.fields[o.fieldIdx[j]].t, n)
					ensureValues(out)
					fill(out.nulls(), true)
					st.c.cols[slot] = out
					continue
				}
				loadArrow(&st.a, out, sa.Field(fi), []arrow.Array{sa}, st.elems, n)
			} else {
				loadArrow(&st.a, out, child, nil, st.elems, n)
			}
		} else {
			// Arrays kept as Go values (after a join or an aggregate):
			// a row element is a map of its fields.
			vals := make([]any, n)
			t := o.elemType
			if o.fieldIdx[j] >= 0 {
				t = o.elemType.fields[o.fieldIdx[j]].t
			}
			for r := range vals {
				l, _ := v.x[st.rep[r]].([]any)
				vals[r] = l[st.elems[r]]
				if o.fieldIdx[j] >= 0 {
					m, _ := vals[r].(map[string]any)
					vals[r] = m[o.fieldNames[j]]
				}
			}
			columnOfValues(t, vals).toVec(out)
		}
		st.c.cols[slot] = out
		st.c.src[slot] = srcCol{}
	}
	if o.ordSlot >= 0 {
		out := st.a.vec(tInt, n)
		copy(out.ints(), st.ords)
		st.c.cols[o.ordSlot] = out
		st.c.src[o.ordSlot] = srcCol{}
	}
	return o.next.push(w, &st.c)
}

func (o *opUnnest) flush() error { return o.next.flush() }

// normalizePaths sorts column paths and drops those inside a struct that is
// projected whole ("useridentity" covers "useridentity.arn").
func normalizePaths(paths []string) []string {
	sort.Strings(paths)
	var out []string
	for _, p := range paths {
		covered := false
		for _, q := range out {
			if p == q || len(p) > len(q) && p[len(q)] == '.' && p[:len(q)] == q { // q+"." without building it
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, p)
		}
	}
	return out
}
