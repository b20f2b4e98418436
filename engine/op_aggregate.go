package engine

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

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
	// filtered: array_agg(...) FILTER (WHERE c), whose last argument is c:
	// the state sees only the rows where c is TRUE (array_agg keeps NULLs,
	// so agg(CASE WHEN c THEN x END) is not the same for it).
	filtered bool
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
	// minRows: the HAVING after this aggregate drops every group of
	// fewer rows, and rowsAgg is its count(*) aggregate (see
	// havingMinRows); 0 and -1: no such bound.
	minRows int64
	rowsAgg int
	// dist: what the HAVING needs of a count(DISTINCT x) of this
	// aggregate, which refines minRows (see havingDistinct); nil: none.
	dist *distBound
}

// aggWorker is one worker's partial aggregation.
type aggWorker struct {
	a      arena
	g      grouper
	states []aggState
	cols   []*vec    // scratch: evaluated keys, then every aggregate's arguments
	res    []*column // after seal: each aggregate's result per group
	emit   []int32   // after a parallel merge: the groups to emit (nil: all)
	hit    []int32   // scratch of aggregateKnown: rows of known groups
	miss   []int32   // scratch of aggregateKnown: the other rows
	hids   [][]int32 // scratch of spillIDs: per key, the value IDs of rows to spill
	gargs  []*vec    // scratch of spillIDs: arguments of some rows
	fsel   []int32   // scratch of a filtered call: the rows it sees
	fgids  []int32   // and their groups
	fargs  []*vec    // and its other arguments on those rows
	// aggregateKnown's sampling: rows looked up and found in the
	// current window, chunks left to spill without looking.
	looked, found, skip int
	// rows counts the rows aggregated into the table before it froze
	// (see aggSpill.sparse).
	rows int64
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
	byID := spill && o.spillsByID(w)
	cols, err := o.eval(st, c, spill && !byID)
	if err != nil {
		return err
	}
	switch {
	case byID:
		return o.spillIDs(w, cols, c.n)
	case spill:
		return o.spillRows(w, cols, c.n)
	}
	o.aggregate(st, cols, c.n)
	st.rows += int64(c.n)
	o.counted(w, st)
	return o.aggErr()
}

// eval evaluates the keys, then every aggregate's arguments (flat), of
// chunk c into st.cols. spilling (the rows go to spillRows, which
// writes values) flattens the keys too (grouping numbers dictionary
// entries once), and leaves the arguments as spillArg takes them.
func (o *opAggregate) eval(st *aggWorker, c *chunk, spilling bool) ([]*vec, error) {
	st.a.reset()
	cols := st.cols[:0]
	for _, k := range o.keys {
		v := k.eval(&st.a, c)
		if spilling {
			v = flat(&st.a, v, c.n)
		}
		cols = append(cols, v)
	}
	for _, ag := range o.aggs {
		for _, e := range ag.args {
			v := e.eval(&st.a, c)
			if spilling {
				v = spillArg(&st.a, v, c.n)
			} else {
				v = flat(&st.a, v, c.n)
			}
			cols = append(cols, v)
		}
	}
	st.cols = cols
	return cols, st.a.err
}

// aggregate groups n rows of cols (keys, then each aggregate's arguments,
// as eval returns them) into st's table and updates its states.
func (o *opAggregate) aggregate(st *aggWorker, cols []*vec, n int) {
	gids := st.g.groupIDs(&st.a, cols[:len(o.keys)], n)
	o.update(st, gids, cols[len(o.keys):])
}

// update adds to st's states the rows of cols (each aggregate's
// arguments, flat), row i to group gids[i].
func (o *opAggregate) update(st *aggWorker, gids []int32, cols []*vec) {
	next := 0
	for i, ag := range o.aggs {
		args := cols[next : next+len(ag.args)]
		next += len(ag.args)
		if ag.filtered {
			st.filterRows(gids, args)
			st.states[i].update(st.fgids, st.g.ngroups, st.fargs)
			continue
		}
		st.states[i].update(gids, st.g.ngroups, args)
	}
}

// filterRows keeps the rows of a filtered call's arguments where its last
// one (the FILTER condition) is TRUE: their groups in st.fgids, the other
// arguments in st.fargs.
func (st *aggWorker) filterRows(gids []int32, args []*vec) {
	st.fsel = selectTrue(st.fsel, args[len(args)-1], len(gids))
	st.fgids = grow(&st.fgids, len(st.fsel))
	gatherInto(st.fgids, gids, st.fsel)
	st.fargs = st.fargs[:0]
	for _, v := range args[:len(args)-1] {
		st.fargs = append(st.fargs, flat(&st.a, gatherVec(&st.a, v, st.fsel), len(st.fsel)))
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
	to := iota32(len(sel))
	for i, ag := range o.aggs {
		s := newAggState(ag)
		s.merge(w.states[i], sel, to, len(sel))
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
	from := iota32(src.g.ngroups)
	for i, s := range t.states {
		s.merge(src.states[i], from, gmap, t.g.ngroups)
	}
	return gmap
}

// iota32 returns 0, 1, ..., n-1.
func iota32(n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(i)
	}
	return s
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
	w.g.maps, w.g.folds, w.g.packed = nil, nil, flatTable[int32]{}
}

// emitParts pushes the groups of sealed parts, one part after the other,
// BatchRows groups per chunk. Keys and results are views of the parts'
// memory (gathered when a part emits only some groups), valid for the
// push as the op contract requires.
func (o *opAggregate) emitParts(parts []*aggWorker) error {
	var e partEmitter
	for _, p := range parts {
		if err := e.emit(o, 0, p); err != nil {
			return err
		}
	}
	return nil
}

// partEmitter is the scratch of emitting sealed parts, reused from part
// to part.
type partEmitter struct {
	a   arena
	c   chunk
	idx []int32
}

// emit pushes the groups of sealed p as worker w, BatchRows groups per
// chunk, as views of p's memory.
func (e *partEmitter) emit(o *opAggregate, w int, p *aggWorker) error {
	n := p.g.ngroups
	if p.emit != nil {
		n = len(p.emit)
	}
	for lo := 0; lo < n; lo += BatchRows {
		hi := min(lo+BatchRows, n)
		e.a.reset()
		e.c.reset(len(o.keys)+len(p.res), &e.a)
		e.c.n = hi - lo
		p.groupRows(&e.a, lo, hi, e.c.cols[:0], &e.idx)
		if err := o.next.push(w, &e.c); err != nil {
			return err
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

// aggState is the partial state of one aggregate over all groups of a
// worker. update runs once per chunk with each row's group; merge folds
// another worker's state in (its group j is this state's group gmap[j],
// skipped when gmap[j] < 0).
type aggState interface {
	update(gids []int32, ngroups int, args []*vec)
	// merge adds group from[i] of o (a state of the same call) into
	// group to[i] of this state, which has ngroups groups after it. It
	// may take o's values of the groups from (array_agg moves a list):
	// callers never use a merged group of o again.
	merge(o aggState, from, to []int32, ngroups int)
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
	case "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop":
		return newVarianceState(ag.name)
	case "min", "max", "arbitrary":
		return &minMaxState{isMax: ag.name == "max", t: ag.t}
	case "count_distinct", "approx_distinct":
		return &distinctState{g: newGrouper([]*dtype{ag.argTypes[0]})}
	case "min_by", "max_by":
		return &minByState{isMax: ag.name == "max_by", t: ag.t, yt: ag.argTypes[1]}
	case "array_agg", "array_agg_distinct":
		if arrayAggByID(ag.argTypes[0]) {
			return newArrayAggIDState(ag)
		}
		return &arrayAggState{t: ag.t, distinct: ag.name == "array_agg_distinct"}
	case "array_agg_ordered":
		return &arrayAggOrderedState{t: ag.t, order: ag.order}
	}
	panic("BUG: unknown aggregate " + ag.name)
}

// growTo returns s extended with zero values to length n (at least).
// Room doubles: a state array grows with every chunk of new groups, and
// append's growth of large slices (a quarter) copied each one several
// times over at hundreds of thousands of groups.
func growTo[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	m := len(s)
	if cap(s) < n {
		t := make([]T, n, max(n, 2*cap(s)))
		copy(t, s)
		return t
	}
	s = s[:n]
	clear(s[m:])
	return s
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
		// A computed list (split's parts, a cast to array(json)) may
		// view the batch's strings: the state outlives the push.
		return ownStrings(x.x[i])
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
