package engine

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// ArrayAggLimit bounds array_agg: it keeps the ArrayAggLimit smallest
// values of each group, sorted, so memory is bounded and the result does
// not depend on parallelism.
const ArrayAggLimit = 1000

// aggCall is one aggregate function call of a query.
type aggCall struct {
	name     string // count, sum, avg, min, max, arbitrary, count_distinct, approx_distinct, min_by, max_by, array_agg
	star     bool
	args     []expr
	t        *dtype // result type
	argTypes []*dtype
	order    []sortKey // array_agg(x ORDER BY ...): keys are args[1+col]
	where    string    // names the call in runtime errors (see compiler.where)
	// err is the first error of the call's states in this run (bigint sum
	// overflow); operators check it after each chunk and before emitting.
	err atomic.Pointer[runtimeError]
}

// fail records the call's first runtime error; safe for concurrent use.
func (ag *aggCall) fail(msg string) {
	ag.err.CompareAndSwap(nil, &runtimeError{where: ag.where, msg: msg})
}

// aggErr returns the first runtime error of o's aggregate states.
func (o *opAggregate) aggErr() error {
	for _, ag := range o.aggs {
		if err := ag.err.Load(); err != nil {
			return err
		}
	}
	return nil
}

// opAggregate is hash aggregation (GROUP BY, global aggregates and SELECT
// DISTINCT). Each worker groups into its own hash tables and partial
// states; flush merges the workers (in parallel, one partition of the
// keys per core) and emits one row per group, sorted by the group's
// values unless no later operator depends on their order.
type opAggregate struct {
	base
	keys     []expr
	aggs     []*aggCall
	texts    []string // SQL of the keys, for Explain
	aggTexts []string // SQL of the aggregate calls
	ws       []*aggWorker
	// unsorted: no operator after this one depends on the order of its
	// groups (the query has no LIMIT without ORDER BY, and the output is
	// sorted at the end), so flush need not sort them. Sorting hundreds of
	// thousands of groups that a HAVING then drops dominated such queries.
	unsorted bool
	sp       aggSpill // memory bound: see op_aggregate_spill.go
}

// aggWorker is one worker's partial aggregation.
type aggWorker struct {
	a      arena
	g      grouper
	states []aggState
	cols   []*vec    // scratch: evaluated keys, then every aggregate's arguments
	res    []*column // after seal: each aggregate's result per group
	emit   []int32   // after a parallel merge: the groups to emit (nil: all)
}

func (o *opAggregate) keyTypes() []*dtype {
	ts := make([]*dtype, len(o.keys))
	for i, k := range o.keys {
		ts[i] = k.typ()
	}
	return ts
}

func (o *opAggregate) newWorker() *aggWorker {
	w := &aggWorker{g: newGrouper(o.keyTypes())}
	for _, ag := range o.aggs {
		w.states = append(w.states, newAggState(ag))
	}
	return w
}

func (o *opAggregate) start(workers int) {
	o.ws = make([]*aggWorker, workers)
	for i := range o.ws {
		o.ws[i] = o.newWorker()
	}
	o.initSpill(workers)
	for _, ag := range o.aggs {
		ag.err.Store(nil)
	}
}

func (o *opAggregate) explain() string {
	s := "aggregate"
	if len(o.aggTexts) > 0 {
		s += " " + strings.Join(o.aggTexts, ", ")
	}
	if len(o.texts) > 0 {
		s += " by " + strings.Join(o.texts, ", ")
	}
	if len(o.aggTexts) == 0 {
		s = "distinct " + strings.Join(o.texts, ", ")
	}
	return s + " (hash, per-worker partials merged)"
}

func (o *opAggregate) push(w int, c *chunk) error {
	st := o.ws[w]
	spill := o.sp.on.Load()
	cols, err := o.eval(st, c, spill)
	if err != nil {
		return err
	}
	if spill {
		return o.spillRows(w, cols, c.n)
	}
	o.aggregate(st, cols, c.n)
	o.counted(w, &st.g)
	return o.aggErr()
}

// eval evaluates the keys, then every aggregate's arguments (flat), of
// chunk c into st.cols; flatKeys flattens the keys too (spilling writes
// values, grouping numbers dictionary entries once).
func (o *opAggregate) eval(st *aggWorker, c *chunk, flatKeys bool) ([]*vec, error) {
	st.a.reset()
	cols := st.cols[:0]
	for _, k := range o.keys {
		v := k.eval(&st.a, c)
		if flatKeys {
			v = flat(&st.a, v, c.n)
		}
		cols = append(cols, v)
	}
	for _, ag := range o.aggs {
		for _, e := range ag.args {
			cols = append(cols, flat(&st.a, e.eval(&st.a, c), c.n))
		}
	}
	st.cols = cols
	return cols, st.a.err
}

// aggregate groups n rows of cols (keys, then each aggregate's arguments,
// as eval returns them) into st's table and updates its states.
func (o *opAggregate) aggregate(st *aggWorker, cols []*vec, n int) {
	gids := st.g.groupIDs(&st.a, cols[:len(o.keys)], n)
	next := len(o.keys)
	for i, ag := range o.aggs {
		st.states[i].update(gids, st.g.ngroups, cols[next:next+len(ag.args)])
		next += len(ag.args)
	}
}

// flush merges the workers' partial aggregates and emits one row per
// group, BatchRows groups per chunk.
//
// A single worker's groups are emitted as they are (always so at 1 core).
// Several workers' groups are split by a hash of their key values into
// one partition per core; each partition is merged on its own core into
// one worker's table, taking the others in worker order, so the result
// does not depend on scheduling. Partitions are then emitted one after
// the other (or, when an operator after this one depends on the order,
// sorted together). An aggregate that spilled finishes in flushSpilled
// instead.
func (o *opAggregate) flush() error {
	o.release()
	if o.spilled() {
		return o.flushSpilled()
	}
	var live []*aggWorker // workers with groups, in worker order
	for _, w := range o.ws {
		if w.g.ngroups > 0 {
			live = append(live, w)
		}
	}
	o.ws = nil // merged workers' memory can go before the run ends
	var parts []*aggWorker
	switch np := min(len(live), runtime.GOMAXPROCS(0)); {
	case len(live) <= 1:
		// Fast path: nothing to merge.
		parts = live
	case len(o.keys) == 0 || np == 1:
		// Serial: the first worker's table takes the others' groups.
		var gmap []int32
		for w := 1; w < len(live); w++ {
			gmap = mergeWorker(live[0], live[w], gmap)
			live[w] = nil
		}
		parts = live[:1]
	default:
		parts = o.mergeParallel(live, np)
	}
	for _, p := range parts {
		if p.res == nil {
			p.seal()
		}
	}
	if err := o.aggErr(); err != nil {
		return err // found when merging
	}
	var err error
	if len(o.keys) > 0 && !o.unsorted && len(parts) > 0 {
		err = o.emitSorted(parts)
	} else {
		err = o.emitParts(parts)
	}
	if err != nil {
		return err
	}
	return o.next.flush()
}

// mergeParallel merges the workers live into np of their tables, one
// per partition of the group keys (np >= 2).
//
// Partition p's table is the p-th largest worker's (the partition's
// home), which keeps its own groups of p where they are: only the other
// workers' groups of p are inserted, on np cores at once. Fresh partition
// tables would insert every group again, no faster at 2 cores than
// merging into the first worker's table. No table is shared between
// goroutines: first each worker's groups of the partitions it is not home
// of are copied out (exports; one goroutine per core, over the workers),
// then each home takes its partition's exports in worker order. The
// groups a home holds for other partitions are left out when it is
// emitted (aggWorker.emit).
func (o *opAggregate) mergeParallel(live []*aggWorker, np int) []*aggWorker {
	order := make([]int, len(live)) // workers by decreasing size
	for w := range order {
		order[w] = w
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(live[b].g.ngroups, live[a].g.ngroups) })
	homeOf := make([]int, len(live)) // partition a worker is home of, or -1
	fill(homeOf, -1)
	for p, w := range order[:np] {
		homeOf[w] = p
	}
	exports := make([][]*aggWorker, len(live)) // [worker][partition]; nil: no groups
	own := make([][]int32, np)                 // per partition: its home's groups of it
	var wg sync.WaitGroup
	for q := range np {
		wg.Go(func() {
			for w := q; w < len(live); w += np {
				exports[w] = make([]*aggWorker, np)
				for p, sel := range live[w].g.partition(np) {
					switch {
					case p == homeOf[w]:
						own[p] = sel
					case len(sel) > 0:
						exports[w][p] = o.export(live[w], sel)
					}
				}
			}
		})
	}
	wg.Wait()
	homes := make([]*aggWorker, np)
	for p, w := range order[:np] {
		homes[p] = live[w]
	}
	clear(live) // the other workers live on in their exports only
	for p, h := range homes {
		wg.Go(func() {
			n0 := h.g.ngroups
			var gmap []int32
			for w := range exports {
				if e := exports[w][p]; e != nil {
					gmap = mergeWorker(h, e, gmap)
					exports[w][p] = nil
				}
			}
			// Never nil, even when empty: nil would emit every group.
			h.emit = make([]int32, 0, len(own[p])+h.g.ngroups-n0)
			h.emit = append(h.emit, own[p]...)
			for g := n0; g < h.g.ngroups; g++ {
				h.emit = append(h.emit, int32(g))
			}
			h.seal()
		})
	}
	wg.Wait()
	return homes
}

// export copies the groups sel of w out into a table of their own (key
// values and states; no hash maps, so only a source for mergeFrom). The
// states are fresh ones that merged just these groups.
func (o *opAggregate) export(w *aggWorker, sel []int32) *aggWorker {
	e := &aggWorker{g: w.g.export(sel)}
	gmap := make([]int32, w.g.ngroups)
	fill(gmap, -1)
	for i, j := range sel {
		gmap[j] = int32(i)
	}
	for i, ag := range o.aggs {
		s := newAggState(ag)
		s.merge(w.states[i], gmap, len(sel))
		e.states = append(e.states, s)
	}
	return e
}

// mergeWorker merges src's groups into t: t's grouper takes their keys,
// then t's states fold in src's. gmap is scratch, returned for reuse.
func mergeWorker(t, src *aggWorker, gmap []int32) []int32 {
	gmap = slices.Grow(gmap[:0], src.g.ngroups)[:src.g.ngroups]
	t.a.reset()
	t.g.mergeFrom(&t.a, &src.g, gmap)
	for i, s := range t.states {
		s.merge(src.states[i], gmap, t.g.ngroups)
	}
	return gmap
}

// seal computes w's aggregate results into w.res and drops what emitting
// does not need: the states and the grouper's hash maps.
func (w *aggWorker) seal() {
	ng := w.g.ngroups
	w.res = make([]*column, len(w.states))
	for i, s := range w.states {
		w.res[i] = s.result(ng)
	}
	w.states = nil
	w.g.maps, w.g.folds = nil, nil
}

// emitParts pushes the groups of sealed parts, one part after the other,
// BatchRows groups per chunk. Keys and results are views of the parts'
// memory (gathered when a part emits only some groups), valid for the
// push as the op contract requires.
func (o *opAggregate) emitParts(parts []*aggWorker) error {
	var a arena
	var c chunk
	var idx []int32
	nk := len(o.keys)
	for _, p := range parts {
		n := p.g.ngroups
		if p.emit != nil {
			n = len(p.emit)
		}
		for lo := 0; lo < n; lo += BatchRows {
			hi := min(lo+BatchRows, n)
			a.reset()
			c.reset(nk+len(p.res), &a)
			c.n = hi - lo
			p.groupRows(&a, lo, hi, c.cols[:0], &idx)
			if err := o.next.push(0, &c); err != nil {
				return err
			}
		}
	}
	return nil
}

// groupRows appends to dst the keys and results of the groups to emit
// [lo, hi) of sealed w; idx is scratch.
func (w *aggWorker) groupRows(a *arena, lo, hi int, dst []*vec, idx *[]int32) []*vec {
	if w.emit == nil {
		dst = w.g.rangeVecs(a, lo, hi, dst)
		for _, r := range w.res {
			dst = append(dst, columnRows(a, r, lo, hi))
		}
		return dst
	}
	sel := w.emit[lo:hi]
	dst = w.g.selVecs(a, sel, dst, idx)
	for _, r := range w.res {
		dst = append(dst, gatherVec(a, columnRows(a, r, 0, r.len()), sel))
	}
	return dst
}

// emitSorted pushes the groups of sealed parts sorted by their values, for
// operators after this one that depend on the order (LIMIT).
func (o *opAggregate) emitSorted(parts []*aggWorker) error {
	var cols []*column
	var idx []int32
	for _, p := range parts {
		var a arena
		n := p.g.ngroups
		if p.emit != nil {
			n = len(p.emit)
		}
		vs := p.groupRows(&a, 0, n, nil, &idx)
		if cols == nil {
			cols = make([]*column, len(vs))
			for i, v := range vs {
				cols[i] = newColumn(v.t)
			}
		}
		for i, v := range vs {
			cols[i].appendVec(v, nil, n)
		}
	}
	cols = sortColumns(cols, nil, -1)
	var a arena
	var c chunk
	n := cols[0].len()
	for lo := 0; lo < n; lo += BatchRows {
		hi := min(lo+BatchRows, n)
		a.reset()
		c.reset(len(cols), &a)
		c.n = hi - lo
		for i, col := range cols {
			c.cols[i] = columnRows(&a, col, lo, hi)
		}
		if err := o.next.push(0, &c); err != nil {
			return err
		}
	}
	return nil
}

// columnRows returns a vec of a viewing rows [lo, hi) of c (no copy).
func columnRows(a *arena, c *column, lo, hi int) *vec {
	v := a.vec(c.t, hi-lo)
	v.null = c.null[lo:hi]
	switch {
	case c.t.k == kNull:
	case c.t.isComplex():
		v.x = c.x[lo:hi]
	case c.t.isIntLike():
		v.i = c.i[lo:hi]
	case c.t.k == kDouble:
		v.f = c.f[lo:hi]
	case c.t.isStringy():
		v.s = c.s[lo:hi]
	case c.t.k == kBool:
		v.b = c.b[lo:hi]
	}
	return v
}

// valueMap numbers the distinct values of one key column.
type valueMap struct {
	ints   map[int64]int32
	strs   map[string]int32
	nullID int32 // -1 until a NULL is seen
}

// grouper assigns dense group IDs to rows: each key column numbers its
// distinct values (a dictionary column once per dictionary entry), then
// tuples of value IDs are folded pairwise into group IDs through maps of
// uint64, so no row allocates.
type grouper struct {
	types     []*dtype
	vals      []*column          // per key: its distinct values by value ID
	maps      []valueMap         // per key: value → value ID
	folds     []map[uint64]int32 // per key after the first: (prefix ID, value ID) → ID
	groupKeys [][]int32          // per key: value ID of each group (multi-key only)
	ngroups   int
	ids       [][]int32 // scratch: per key, per row value IDs
	gids      []int32   // scratch: per row group IDs
	table     []int32   // scratch: dictionary entry → value ID
}

func newGrouper(types []*dtype) grouper {
	g := grouper{types: types}
	for _, t := range types {
		g.vals = append(g.vals, newColumn(t))
		g.maps = append(g.maps, valueMap{ints: map[int64]int32{}, strs: map[string]int32{}, nullID: -1})
	}
	for range max(len(types)-1, 0) {
		g.folds = append(g.folds, map[uint64]int32{})
	}
	g.groupKeys = make([][]int32, len(types))
	g.ids = make([][]int32, len(types))
	if len(types) == 0 {
		g.ngroups = 1 // a global aggregate has one group even without rows
	}
	return g
}

// groupIDs returns the group of each of the n rows of keys.
func (g *grouper) groupIDs(a *arena, keys []*vec, n int) []int32 {
	g.gids = grow(&g.gids, n)
	if len(keys) == 0 {
		clear(g.gids)
		return g.gids
	}
	for k, v := range keys {
		g.ids[k] = g.valueIDs(a, k, v, n, g.ids[k])
	}
	if len(keys) == 1 {
		copy(g.gids, g.ids[0])
		g.ngroups = g.vals[0].len()
		return g.gids
	}
	copy(g.gids, g.ids[0])
	last := len(keys) - 1
	for k := 1; k <= last; k++ {
		m := g.folds[k-1]
		ids := g.ids[k]
		for i, prefix := range g.gids {
			key := uint64(uint32(prefix))<<32 | uint64(uint32(ids[i]))
			id, ok := m[key]
			if !ok {
				id = int32(len(m))
				m[key] = id
				if k == last {
					for j := range g.groupKeys {
						g.groupKeys[j] = append(g.groupKeys[j], g.ids[j][i])
					}
				}
			}
			g.gids[i] = id
		}
	}
	g.ngroups = len(g.folds[last-1])
	return g.gids
}

// valueIDs numbers the values of key column k.
func (g *grouper) valueIDs(a *arena, k int, v *vec, n int, ids []int32) []int32 {
	ids = grow(&ids, n)
	m := &g.maps[k]
	if n == 0 {
		// No selected row: no value may become a group.
		return ids
	}
	if v.isConst {
		fill(ids, g.valueID(m, k, v, 0, v.isNull(0)))
		return ids
	}
	if v.dict != nil {
		// Fast path: number each dictionary entry once, when a selected
		// row first uses it. Entries no selected row uses must not become
		// groups (a WHERE that drops all rows of a value).
		d := v.dict
		g.table = grow(&g.table, d.n)
		fill(g.table, -1)
		for i, c := range v.codes[:n] {
			if v.isNull(i) {
				ids[i] = g.nullID(m, k)
				continue
			}
			if g.table[c] < 0 {
				g.table[c] = g.valueID(m, k, d, int(c), d.isNull(int(c)))
			}
			ids[i] = g.table[c]
		}
		return ids
	}
	t := v.t
	switch {
	case t.isStringy() && v.null == nil:
		for i, s := range v.s[:n] {
			id, ok := m.strs[s]
			if !ok {
				id = g.valueID(m, k, v, i, false)
			}
			ids[i] = id
		}
	case t.isIntLike() && v.null == nil:
		for i, x := range v.i[:n] {
			id, ok := m.ints[x]
			if !ok {
				id = g.valueID(m, k, v, i, false)
			}
			ids[i] = id
		}
	default:
		for i := 0; i < n; i++ {
			ids[i] = g.valueID(m, k, v, i, v.isNull(i))
		}
	}
	return ids
}

func (g *grouper) nullID(m *valueMap, k int) int32 {
	if m.nullID < 0 {
		m.nullID = int32(g.vals[k].len())
		g.vals[k].appendVec(constVec(g.types[k], true), []int32{0}, 1)
	}
	return m.nullID
}

// valueID returns (creating) the ID of row i of plain v.
func (g *grouper) valueID(m *valueMap, k int, v *vec, i int, isNull bool) int32 {
	if isNull {
		return g.nullID(m, k)
	}
	t := v.t
	var id int32
	var ok bool
	switch {
	case t.isStringy():
		if id, ok = m.strs[v.s[i]]; ok {
			return id
		}
		id = int32(g.vals[k].len())
		g.vals[k].appendVec(v, []int32{int32(i)}, 1)
		m.strs[g.vals[k].s[id]] = id
		return id
	case t.isIntLike():
		if id, ok = m.ints[v.i[i]]; ok {
			return id
		}
		id = int32(g.vals[k].len())
		m.ints[v.i[i]] = id
	case t.k == kDouble:
		bits := int64(normFloat(v.f[i]))
		if id, ok = m.ints[bits]; ok {
			return id
		}
		id = int32(g.vals[k].len())
		m.ints[bits] = id
	case t.k == kBool:
		b := int64(b2i(v.b[i]))
		if id, ok = m.ints[b]; ok {
			return id
		}
		id = int32(g.vals[k].len())
		m.ints[b] = id
	default:
		panic("BUG: group key of type " + t.name)
	}
	g.vals[k].appendVec(v, []int32{int32(i)}, 1)
	return id
}

// groupVecs returns, per key, the key value of every group.
func (g *grouper) groupVecs(a *arena) []*vec {
	out := make([]*vec, len(g.types))
	for k, col := range g.vals {
		v := a.vec(col.t, col.len())
		col.toVec(v)
		if len(g.types) > 1 {
			v = gatherVec(a, v, g.groupKeys[k])
		}
		out[k] = v
	}
	return out
}

// rangeVecs appends to dst, per key, the key values of groups [lo, hi):
// views of the grouper's values for one key, gathered for several.
func (g *grouper) rangeVecs(a *arena, lo, hi int, dst []*vec) []*vec {
	for k, col := range g.vals {
		if len(g.types) == 1 {
			dst = append(dst, columnRows(a, col, lo, hi))
			continue
		}
		v := a.vec(col.t, col.len())
		col.toVec(v)
		dst = append(dst, gatherVec(a, v, g.groupKeys[k][lo:hi]))
	}
	return dst
}

// selVecs appends to dst, per key, the key values of groups sel; idx is
// scratch.
func (g *grouper) selVecs(a *arena, sel []int32, dst []*vec, idx *[]int32) []*vec {
	for k, col := range g.vals {
		v := columnRows(a, col, 0, col.len())
		ids := sel
		if len(g.types) > 1 {
			ids = grow(idx, len(sel))
			gatherInto(ids, g.groupKeys[k], sel)
		}
		dst = append(dst, gatherVec(a, v, ids))
	}
	return dst
}

// export returns a grouper holding only the groups sel of g, renumbered
// in sel order, with only the key values they use and no hash maps: a
// source for mergeFrom. Its strings are g's (strings are immutable).
func (g *grouper) export(sel []int32) grouper {
	e := grouper{types: g.types, ngroups: len(sel)}
	if len(g.types) == 1 {
		e.vals = []*column{gatherColumn(g.vals[0], sel)}
		return e
	}
	e.groupKeys = make([][]int32, len(g.types))
	for k, col := range g.vals {
		renum := make([]int32, col.len()) // g's value ID → e's, -1 if unused
		fill(renum, -1)
		var used []int32
		keys := make([]int32, len(sel))
		for i, j := range sel {
			vid := g.groupKeys[k][j]
			if renum[vid] < 0 {
				renum[vid] = int32(len(used))
				used = append(used, vid)
			}
			keys[i] = renum[vid]
		}
		e.vals = append(e.vals, gatherColumn(col, used))
		e.groupKeys[k] = keys
	}
	return e
}

// gatherColumn returns rows ids of c as a new column sharing c's strings
// and nested values.
func gatherColumn(c *column, ids []int32) *column {
	o := newColumn(c.t)
	o.null = make([]bool, len(ids))
	gatherInto(o.null, c.null, ids)
	switch {
	case c.t.k == kNull:
	case c.t.isComplex():
		o.x = make([]any, len(ids))
		gatherInto(o.x, c.x, ids)
	case c.t.isIntLike():
		o.i = make([]int64, len(ids))
		gatherInto(o.i, c.i, ids)
	case c.t.k == kDouble:
		o.f = make([]float64, len(ids))
		gatherInto(o.f, c.f, ids)
	case c.t.isStringy():
		o.s = make([]string, len(ids))
		gatherInto(o.s, c.s, ids)
	case c.t.k == kBool:
		o.b = make([]bool, len(ids))
		gatherInto(o.b, c.b, ids)
	}
	return o
}

// mergeFrom adds the groups of src to g (those g does not have yet) and
// sets gmap[j] to g's group for src's group j. Each distinct key value of
// src is looked up once, so a group costs one fold per key after the
// first (none for one key).
func (g *grouper) mergeFrom(a *arena, src *grouper, gmap []int32) {
	nk := len(g.types)
	if nk == 0 {
		gmap[0] = 0 // the one group of a global aggregate
		return
	}
	vals := make([]*vec, nk) // per key: src's values
	for k, col := range src.vals {
		vals[k] = a.vec(col.t, col.len())
		col.toVec(vals[k])
	}
	n := src.ngroups
	if nk == 1 {
		// A group is a value.
		m, v := &g.maps[0], vals[0]
		for j := range n {
			gmap[j] = g.valueID(m, 0, v, j, v.isNull(j))
		}
		g.ngroups = g.vals[0].len()
		return
	}
	tr := make([][]int32, nk) // per key: src value ID → g's, -1 until seen
	for k, col := range src.vals {
		tr[k] = make([]int32, col.len())
		fill(tr[k], -1)
	}
	cur := make([]int32, nk) // g's value IDs of the current group
	last := nk - 1
	for j := range n {
		for k := range nk {
			vid := src.groupKeys[k][j]
			id := tr[k][vid]
			if id < 0 {
				id = g.valueID(&g.maps[k], k, vals[k], int(vid), vals[k].isNull(int(vid)))
				tr[k][vid] = id
			}
			cur[k] = id
		}
		prefix := cur[0]
		for k := 1; k <= last; k++ {
			m := g.folds[k-1]
			key := uint64(uint32(prefix))<<32 | uint64(uint32(cur[k]))
			id, ok := m[key]
			if !ok {
				id = int32(len(m))
				m[key] = id
				if k == last {
					for kk, x := range cur {
						g.groupKeys[kk] = append(g.groupKeys[kk], x)
					}
				}
			}
			prefix = id
		}
		gmap[j] = prefix
	}
	g.ngroups = len(g.folds[last-1])
}

// partition splits the groups into np lists by a hash of their key
// values, so that equal keys of different workers fall in the same list.
// Each distinct value of a key is hashed once; the hash does not depend
// on the process, so neither does the split.
func (g *grouper) partition(np int) [][]int32 {
	n := g.ngroups
	h := make([]uint64, n)
	for k, col := range g.vals {
		vh := valueHashes(col)
		if len(g.types) == 1 {
			copy(h, vh)
			break
		}
		for i, id := range g.groupKeys[k][:n] {
			h[i] = mix64(h[i] ^ vh[id])
		}
	}
	counts := make([]int, np)
	for i, x := range h {
		p := (x >> 32) * uint64(np) >> 32 // in [0, np)
		h[i] = p
		counts[p]++
	}
	out := make([][]int32, np)
	for p := range out {
		out[p] = make([]int32, 0, counts[p])
	}
	for i, p := range h {
		out[p] = append(out[p], int32(i))
	}
	return out
}

// valueHashes returns the hash of each value of c: NULL, strings by
// content, integers by value, doubles as grouping compares them
// (normFloat), booleans.
func valueHashes(c *column) []uint64 {
	return hashValues(c.t, c.null, c.i, c.f, c.s, c.b, make([]uint64, c.len()))
}

// nullHash is the hash of NULL.
const nullHash = 0x6a09e667f3bcc909

// hashValues sets h[i] to the hash of value i of type t given as its
// value slices (a vec's or a column's; null may be nil), one loop per
// type, and returns h.
func hashValues(t *dtype, null []bool, ints []int64, floats []float64, strs []string, bools []bool, h []uint64) []uint64 {
	n := len(h)
	switch {
	case t.isStringy():
		for i, s := range strs[:n] {
			h[i] = hashString(s)
		}
	case t.isIntLike():
		for i, x := range ints[:n] {
			h[i] = mix64(uint64(x))
		}
	case t.k == kDouble:
		for i, x := range floats[:n] {
			h[i] = mix64(normFloat(x))
		}
	case t.k == kBool:
		for i, x := range bools[:n] {
			h[i] = mix64(uint64(b2i(x)) + 1)
		}
	default:
		fill(h, nullHash)
	}
	for i, isNull := range null[:min(len(null), n)] {
		if isNull {
			h[i] = nullHash
		}
	}
	return h
}

// hashString hashes s eight bytes at a time.
func hashString(s string) uint64 {
	h := uint64(len(s))
	for ; len(s) >= 8; s = s[8:] {
		h = mix64(h ^ (uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56))
	}
	var x uint64
	for i := 0; i < len(s); i++ {
		x |= uint64(s[i]) << (8 * i)
	}
	return mix64(h ^ x ^ 0x9e3779b97f4a7c15)
}

// aggState is the partial state of one aggregate over all groups of a
// worker. update runs once per chunk with each row's group; merge folds
// another worker's state in (its group j is this state's group gmap[j],
// skipped when gmap[j] < 0).
type aggState interface {
	update(gids []int32, ngroups int, args []*vec)
	merge(o aggState, gmap []int32, ngroups int)
	result(ngroups int) *column
}

func newAggState(ag *aggCall) aggState {
	switch ag.name {
	case "count":
		return &countState{star: ag.star}
	case "sum":
		return &sumState{isInt: ag.t.k == kInt, ag: ag}
	case "avg":
		return &avgState{}
	case "min", "max", "arbitrary":
		return &minMaxState{isMax: ag.name == "max", t: ag.t}
	case "count_distinct", "approx_distinct":
		return &distinctState{g: newGrouper([]*dtype{ag.argTypes[0]}), pairs: map[uint64]struct{}{}}
	case "min_by", "max_by":
		return &minByState{isMax: ag.name == "max_by", t: ag.t, yt: ag.argTypes[1]}
	case "array_agg", "array_agg_distinct":
		return &arrayAggState{t: ag.t, distinct: ag.name == "array_agg_distinct"}
	case "array_agg_ordered":
		return &arrayAggOrderedState{t: ag.t, order: ag.order}
	}
	panic("BUG: unknown aggregate " + ag.name)
}

// growTo returns s extended with zero values to length n (at least).
func growTo[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	m := len(s)
	s = slices.Grow(s, n-m)[:n]
	clear(s[m:])
	return s
}

// countState is count(*) and count(x).
type countState struct {
	star bool
	n    []int64
}

func (s *countState) update(gids []int32, ng int, args []*vec) {
	s.n = growTo(s.n, ng)
	if s.star || args[0].null == nil {
		for _, g := range gids {
			s.n[g]++
		}
		return
	}
	nl := args[0].null
	for i, g := range gids {
		if !nl[i] {
			s.n[g]++
		}
	}
}

func (s *countState) merge(o aggState, gmap []int32, ng int) {
	s.n = growTo(s.n, ng)
	for j, v := range o.(*countState).n {
		if g := gmap[j]; g >= 0 {
			s.n[g] += v
		}
	}
}

func (s *countState) result(ng int) *column {
	s.n = growTo(s.n, ng)
	c := newColumn(tInt)
	c.i = s.n[:ng]
	c.null = make([]bool, ng)
	return c
}

// sumState is sum over bigint or double. A bigint sum that leaves the
// range is an error, as in Trino ("bigint addition overflow:
// 9223372036854775807 + 1"), recorded in ag: a wrapped sum would hide
// what a hunt looks for (one flow of 2^63-1 bytes turned sum(bytes)
// negative).
type sumState struct {
	isInt bool
	ag    *aggCall // where overflow errors go
	i     []int64
	f     []float64
	has   []bool
}

func (s *sumState) update(gids []int32, ng int, args []*vec) {
	s.i, s.f, s.has = growTo(s.i, ng), growTo(s.f, ng), growTo(s.has, ng)
	x := args[0]
	if !s.isInt {
		for i, g := range gids {
			if x.isNull(i) {
				continue
			}
			s.has[g] = true
			s.f[g] += x.f[i]
		}
		return
	}
	// Fast path: add, folding the overflow bit of every row into ov.
	var ov int64
	if x.null == nil {
		for i, g := range gids {
			a, v := s.i[g], x.i[i]
			r := a + v
			ov |= (a ^ r) & (v ^ r)
			s.i[g] = r
			s.has[g] = true
		}
	} else {
		for i, g := range gids {
			if x.null[i] {
				continue
			}
			a, v := s.i[g], x.i[i]
			r := a + v
			ov |= (a ^ r) & (v ^ r)
			s.i[g] = r
			s.has[g] = true
		}
	}
	if ov < 0 {
		s.overflowSlow(gids, x)
	}
}

// overflowSlow finds the row of a chunk whose addition overflowed and
// reports it with the values. Wrapping additions commute and subtraction
// undoes them, so it takes the chunk back out and adds it again, checked.
//
// Slow path: runs only for a chunk that overflowed; the query fails.
func (s *sumState) overflowSlow(gids []int32, x *vec) {
	for i, g := range gids {
		if !x.isNull(i) {
			s.i[g] -= x.i[i]
		}
	}
	for i, g := range gids {
		if x.isNull(i) {
			continue
		}
		if !s.add(int(g), x.i[i]) {
			return
		}
	}
}

// add adds v to group g's bigint sum, or records the overflow and
// reports false.
func (s *sumState) add(g int, v int64) bool {
	a := s.i[g]
	r := a + v
	if (a^r)&(v^r) < 0 {
		s.ag.fail("bigint addition overflow: " + itoa(a) + " + " + itoa(v))
		return false
	}
	s.i[g] = r
	return true
}

func (s *sumState) merge(o aggState, gmap []int32, ng int) {
	s.i, s.f, s.has = growTo(s.i, ng), growTo(s.f, ng), growTo(s.has, ng)
	src := o.(*sumState)
	for j, h := range src.has {
		g := gmap[j]
		if !h || g < 0 {
			continue
		}
		s.has[g] = true
		if s.isInt && !s.add(int(g), src.i[j]) {
			return
		}
		s.f[g] += src.f[j]
	}
}

func (s *sumState) result(ng int) *column {
	s.i, s.f, s.has = growTo(s.i, ng), growTo(s.f, ng), growTo(s.has, ng)
	c := newColumn(tDouble)
	if s.isInt {
		c = newColumn(tInt)
		c.i = s.i[:ng]
	} else {
		c.f = s.f[:ng]
	}
	c.null = make([]bool, ng)
	for g := range c.null {
		c.null[g] = !s.has[g]
	}
	return c
}

// avgState is avg: a double sum and a count.
type avgState struct {
	sum []float64
	n   []int64
}

func (s *avgState) update(gids []int32, ng int, args []*vec) {
	s.sum, s.n = growTo(s.sum, ng), growTo(s.n, ng)
	x := args[0]
	isInt := x.t.k != kDouble
	for i, g := range gids {
		if x.isNull(i) {
			continue
		}
		s.n[g]++
		if isInt {
			s.sum[g] += float64(x.i[i])
		} else {
			s.sum[g] += x.f[i]
		}
	}
}

func (s *avgState) merge(o aggState, gmap []int32, ng int) {
	s.sum, s.n = growTo(s.sum, ng), growTo(s.n, ng)
	src := o.(*avgState)
	for j, n := range src.n {
		if g := gmap[j]; g >= 0 {
			s.n[g] += n
			s.sum[g] += src.sum[j]
		}
	}
}

func (s *avgState) result(ng int) *column {
	s.sum, s.n = growTo(s.sum, ng), growTo(s.n, ng)
	c := newColumn(tDouble)
	c.f = make([]float64, ng)
	c.null = make([]bool, ng)
	for g := 0; g < ng; g++ {
		if s.n[g] == 0 {
			c.null[g] = true
			continue
		}
		c.f[g] = s.sum[g] / float64(s.n[g])
	}
	return c
}

// minMaxState is min, max and arbitrary (which returns the minimum, so it
// is deterministic).
type minMaxState struct {
	isMax bool
	t     *dtype
	has   []bool
	i     []int64
	f     []float64
	s     []string
	b     []bool
}

func (s *minMaxState) grow(ng int) {
	s.has = growTo(s.has, ng)
	switch {
	case s.t.isIntLike():
		s.i = growTo(s.i, ng)
	case s.t.k == kDouble:
		s.f = growTo(s.f, ng)
	case s.t.isStringy():
		s.s = growTo(s.s, ng)
	case s.t.k == kBool:
		s.b = growTo(s.b, ng)
	}
}

func (s *minMaxState) update(gids []int32, ng int, args []*vec) {
	s.grow(ng)
	x := args[0]
	switch {
	case s.t.isIntLike():
		for i, g := range gids {
			if !x.isNull(i) && (!s.has[g] || (x.i[i] > s.i[g]) == s.isMax && x.i[i] != s.i[g]) {
				s.i[g], s.has[g] = x.i[i], true
			}
		}
	case s.t.k == kDouble:
		for i, g := range gids {
			if !x.isNull(i) && (!s.has[g] || (x.f[i] > s.f[g]) == s.isMax && x.f[i] != s.f[g]) {
				s.f[g], s.has[g] = x.f[i], true
			}
		}
	case s.t.isStringy():
		for i, g := range gids {
			if !x.isNull(i) && (!s.has[g] || (x.s[i] > s.s[g]) == s.isMax && x.s[i] != s.s[g]) {
				s.s[g], s.has[g] = strings.Clone(x.s[i]), true
			}
		}
	case s.t.k == kBool:
		for i, g := range gids {
			if !x.isNull(i) && (!s.has[g] || x.b[i] == s.isMax) {
				s.b[g], s.has[g] = x.b[i], true
			}
		}
	}
}

func (s *minMaxState) merge(o aggState, gmap []int32, ng int) {
	s.grow(ng)
	src := o.(*minMaxState)
	for j, h := range src.has {
		g := gmap[j]
		if !h || g < 0 {
			continue
		}
		switch {
		case s.t.isIntLike():
			if !s.has[g] || (src.i[j] > s.i[g]) == s.isMax && src.i[j] != s.i[g] {
				s.i[g] = src.i[j]
			}
		case s.t.k == kDouble:
			if !s.has[g] || (src.f[j] > s.f[g]) == s.isMax && src.f[j] != s.f[g] {
				s.f[g] = src.f[j]
			}
		case s.t.isStringy():
			if !s.has[g] || (src.s[j] > s.s[g]) == s.isMax && src.s[j] != s.s[g] {
				s.s[g] = src.s[j]
			}
		case s.t.k == kBool:
			if !s.has[g] || src.b[j] == s.isMax {
				s.b[g] = src.b[j]
			}
		}
		s.has[g] = true
	}
}

func (s *minMaxState) result(ng int) *column {
	s.grow(ng)
	c := newColumn(s.t)
	c.null = make([]bool, ng)
	for g := range c.null {
		c.null[g] = !s.has[g]
	}
	switch {
	case s.t.isIntLike():
		c.i = s.i[:ng]
	case s.t.k == kDouble:
		c.f = s.f[:ng]
	case s.t.isStringy():
		c.s = s.s[:ng]
	case s.t.k == kBool:
		c.b = s.b[:ng]
	}
	return c
}

// distinctState is count(DISTINCT x) and approx_distinct(x), which is
// exact here: (group, value ID) pairs in a set.
type distinctState struct {
	g     grouper // numbers the distinct values
	pairs map[uint64]struct{}
	a     arena
}

func (s *distinctState) update(gids []int32, ng int, args []*vec) {
	s.a.reset()
	x := args[0]
	ids := s.g.groupIDs(&s.a, args, len(gids))
	for i, g := range gids {
		if x.isNull(i) {
			continue
		}
		s.pairs[uint64(uint32(g))<<32|uint64(uint32(ids[i]))] = struct{}{}
	}
}

func (s *distinctState) merge(o aggState, gmap []int32, ng int) {
	src := o.(*distinctState)
	if len(src.pairs) == 0 {
		return
	}
	// Number only the values of merged groups (a partition merges part
	// of src's groups), in src's value order so that this state does not
	// depend on map iteration order.
	vmap := make([]int32, src.g.ngroups) // src value ID → this state's
	fill(vmap, -1)
	for p := range src.pairs {
		if gmap[int32(p>>32)] >= 0 {
			vmap[int32(uint32(p))] = 0
		}
	}
	var used []int32
	for v, m := range vmap {
		if m == 0 {
			used = append(used, int32(v))
		}
	}
	if len(used) == 0 {
		return
	}
	s.a.reset()
	vals := src.g.groupVecs(&s.a)
	ids := s.g.groupIDs(&s.a, []*vec{gatherVec(&s.a, vals[0], used)}, len(used))
	for i, v := range used {
		vmap[v] = ids[i]
	}
	for p := range src.pairs {
		if g := gmap[int32(p>>32)]; g >= 0 {
			s.pairs[uint64(uint32(g))<<32|uint64(uint32(vmap[int32(uint32(p))]))] = struct{}{}
		}
	}
}

func (s *distinctState) result(ng int) *column {
	c := newColumn(tInt)
	c.i = make([]int64, ng)
	c.null = make([]bool, ng)
	for p := range s.pairs {
		c.i[int32(p>>32)]++
	}
	return c
}

// minByState is min_by(x, y) / max_by(x, y): the x of the row with the
// smallest/largest y; ties keep the smallest x.
type minByState struct {
	isMax bool
	t     *dtype // x
	yt    *dtype
	has   []bool
	yi    []int64
	yf    []float64
	ys    []string
	x     []any // boxed only when the best row changes
}

func (s *minByState) grow(ng int) {
	s.has, s.yi, s.yf, s.ys, s.x = growTo(s.has, ng), growTo(s.yi, ng), growTo(s.yf, ng), growTo(s.ys, ng), growTo(s.x, ng)
}

// rank compares y value at row i of y with group g's best: 1 better, 0
// tie, -1 worse.
func (s *minByState) rank(g int32, y *vec, i int) int {
	if !s.has[g] {
		return 1
	}
	var c int
	switch {
	case s.yt.isIntLike():
		c = cmp.Compare(y.i[i], s.yi[g])
	case s.yt.k == kDouble:
		c = cmp.Compare(y.f[i], s.yf[g])
	case s.yt.isStringy():
		c = strings.Compare(y.s[i], s.ys[g])
	}
	if !s.isMax {
		c = -c
	}
	return c
}

// xLess reports whether x at row i orders before the boxed cur; ties on y
// keep the smallest x, so the result does not depend on parallelism.
func xLess(x *vec, i int, cur any) bool {
	if x.isNull(i) {
		return false
	}
	switch {
	case x.t.isIntLike():
		c, ok := cur.(int64)
		return !ok || x.i[i] < c
	case x.t.k == kDouble:
		c, ok := cur.(float64)
		return !ok || x.f[i] < c
	case x.t.isStringy():
		c, ok := cur.(string)
		return !ok || x.s[i] < c
	}
	return compareAny(boxValue(x, i), cur) < 0
}

func (s *minByState) update(gids []int32, ng int, args []*vec) {
	s.grow(ng)
	x, y := args[0], args[1]
	for i, g := range gids {
		if y.isNull(i) {
			continue
		}
		r := s.rank(g, y, i)
		if r < 0 || r == 0 && !xLess(x, i, s.x[g]) {
			continue
		}
		s.has[g] = true
		switch {
		case s.yt.isIntLike():
			s.yi[g] = y.i[i]
		case s.yt.k == kDouble:
			s.yf[g] = y.f[i]
		case s.yt.isStringy():
			s.ys[g] = strings.Clone(y.s[i])
		}
		s.x[g] = boxValue(x, i)
	}
}

func (s *minByState) merge(o aggState, gmap []int32, ng int) {
	s.grow(ng)
	src := o.(*minByState)
	yv := &vec{t: s.yt, n: len(src.has), i: src.yi, f: src.yf, s: src.ys}
	for j, h := range src.has {
		g := gmap[j]
		if !h || g < 0 {
			continue
		}
		r := s.rank(g, yv, j)
		if r < 0 || r == 0 && (src.x[j] == nil || s.x[g] != nil && compareAny(src.x[j], s.x[g]) >= 0) {
			continue
		}
		s.has[g], s.yi[g], s.yf[g], s.ys[g], s.x[g] = true, src.yi[j], src.yf[j], src.ys[j], src.x[j]
	}
}

func (s *minByState) result(ng int) *column {
	s.grow(ng)
	return columnOfValues(s.t, s.x[:ng])
}

// boxValue returns row i of plain x as a Go value (slow path: min_by and
// array_agg only). Strings are cloned.
func boxValue(x *vec, i int) any {
	if x.isNull(i) {
		return nil
	}
	switch {
	case x.t.isIntLike():
		return x.i[i]
	case x.t.k == kDouble:
		return x.f[i]
	case x.t.isStringy():
		return strings.Clone(x.s[i])
	case x.t.k == kBool:
		return x.b[i]
	case x.arr != nil:
		return arrowValue(x.arr, x.complexRow(i))
	case x.x != nil:
		return x.x[i]
	}
	return nil
}

// columnOfValues builds a column of type t from boxed values.
func columnOfValues(t *dtype, vals []any) *column {
	c := newColumn(t)
	for _, v := range vals {
		c.null = append(c.null, v == nil)
		switch {
		case t.isIntLike():
			x, _ := v.(int64)
			c.i = append(c.i, x)
		case t.k == kDouble:
			x, _ := v.(float64)
			c.f = append(c.f, x)
		case t.isStringy():
			x, _ := v.(string)
			c.s = append(c.s, x)
		case t.k == kBool:
			x, _ := v.(bool)
			c.b = append(c.b, x)
		default:
			c.x = append(c.x, v)
		}
	}
	return c
}

// arrayAggState is array_agg(x), bounded by [ArrayAggLimit].
type arrayAggState struct {
	t        *dtype
	distinct bool // array_agg(DISTINCT x)
	lists    [][]any
}

func (s *arrayAggState) update(gids []int32, ng int, args []*vec) {
	s.lists = growTo(s.lists, ng)
	x := args[0]
	for i, g := range gids {
		if s.distinct && len(s.lists[g]) > 0 && equalsBoxed(x, i, s.lists[g][len(s.lists[g])-1]) {
			continue // a run of one value (eventname, "$path" of one object) boxes once
		}
		s.lists[g] = append(s.lists[g], boxValue(x, i))
		if len(s.lists[g]) >= 2*ArrayAggLimit {
			s.lists[g] = trimAgg(s.lists[g], s.distinct)
		}
	}
}

// equalsBoxed reports whether row i of plain x is the boxed value b
// (scalars only; other values are never equal here).
func equalsBoxed(x *vec, i int, b any) bool {
	if x.isNull(i) {
		return b == nil
	}
	switch {
	case x.t.isStringy():
		v, ok := b.(string)
		return ok && v == x.s[i]
	case x.t.isIntLike():
		v, ok := b.(int64)
		return ok && v == x.i[i]
	case x.t.k == kBool:
		v, ok := b.(bool)
		return ok && v == x.b[i]
	}
	return false
}

func trimAgg(l []any, distinct bool) []any {
	slices.SortStableFunc(l, compareAny)
	if distinct {
		l = slices.CompactFunc(l, func(a, b any) bool { return compareAny(a, b) == 0 })
	}
	if len(l) > ArrayAggLimit {
		l = l[:ArrayAggLimit]
	}
	return l
}

func (s *arrayAggState) merge(o aggState, gmap []int32, ng int) {
	s.lists = growTo(s.lists, ng)
	for j, l := range o.(*arrayAggState).lists {
		g := gmap[j]
		if g < 0 {
			continue
		}
		s.lists[g] = append(s.lists[g], l...)
		if len(s.lists[g]) >= 2*ArrayAggLimit {
			s.lists[g] = trimAgg(s.lists[g], s.distinct)
		}
	}
}

func (s *arrayAggState) result(ng int) *column {
	s.lists = growTo(s.lists, ng)
	vals := make([]any, ng)
	for g, l := range s.lists[:ng] {
		if len(l) == 0 {
			continue // array_agg over no rows is NULL
		}
		vals[g] = trimAgg(l, s.distinct)
	}
	return columnOfValues(s.t, vals)
}

var _ = math.Inf
