package engine

import (
	"cmp"
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/hunt-sec/hunt/parsers"
)

// op is a push operator, modelled on VictoriaLogs' pipe processors.
//
// push receives one chunk from worker w. It runs concurrently for
// different workers (never for the same w) and must not keep c or its
// vecs after returning: they belong to the upstream operator and are
// reused on the worker's next push. Errors stop the query.
//
// flush runs once, after every worker's last push; blocking operators
// (aggregate, sort) emit their rows from flush as worker 0, then flush
// their successor.
//
// start prepares per-run state for workers goroutines; plans are built
// back to front, so next is always set before start.
type op interface {
	push(w int, c *chunk) error
	flush() error
	start(workers int)
	setNext(next op)
	explain() string
}

// base holds the successor of an operator.
type base struct{ next op }

func (b *base) setNext(next op) { b.next = next }

// scanState is one worker's conversion state.
type scanState struct {
	a      arena
	c      chunk
	schema *arrow.Schema // schema the paths below were resolved for
	idx    [][]int       // per slot: field indexes from the record down to the array; nil for non-scan slots
}

// opScan turns record batches of one table into chunks. Its slots are the
// column paths the query reads ("eventname", "useridentity.arn"); the
// reader's projection is exactly this list.
type opScan struct {
	base
	table  string
	tab    *parsers.Table
	schema *arrow.Schema
	lay    *layout
	paths  []string // per slot; "" for slots owned by later operators (UNNEST)
	bySlot map[string]int
	// unnestOnly marks array paths read only through UNNEST row fields
	// (true); subpaths lists those fields ("resources.arn"), which then
	// replace the array in the projection.
	unnestOnly map[string]bool
	subpaths   []string
	ws         []*scanState
	// flushed: Run.FinishTable ended the table's input (Finish skips
	// it); dead: its rows can only reach a join input that drops them
	// (share_stage.go), so its pushes are skipped.
	flushed, dead bool
}

// layout allocates the column slots of one pipeline segment.
type layout struct{ n int }

func (l *layout) alloc() int { l.n++; return l.n - 1 }

// slot returns the slot of a column path, allocating it on first use.
func (s *opScan) slot(path string) int {
	if i, ok := s.bySlot[path]; ok {
		return i
	}
	i := s.lay.alloc()
	for len(s.paths) <= i {
		s.paths = append(s.paths, "")
	}
	s.paths[i] = path
	s.bySlot[path] = i
	return i
}

func (s *opScan) start(workers int) {
	s.flushed, s.dead = false, false
	s.ws = make([]*scanState, workers)
	for i := range s.ws {
		s.ws[i] = &scanState{}
	}
}

func (s *opScan) explain() string {
	return "scan " + s.table + " [" + strings.Join(s.columns(), ", ") + "]"
}

// columns returns the projected column paths, sorted, without duplicates
// covered by a whole struct.
func (s *opScan) columns() []string {
	var out []string
	for _, p := range s.paths {
		if p == "" {
			continue
		}
		if s.unnestOnly[p] {
			n := 0
			for _, sp := range s.subpaths {
				if strings.HasPrefix(sp, p+".") {
					out = append(out, sp)
					n++
				}
			}
			if n == 0 {
				// Rows are counted but no field is read: any one field
				// gives the list structure.
				_, t := fromArrowField(s.schema, p)
				if t != nil && t.k == kArray && t.elem.k == kStruct && len(t.elem.fields) > 0 {
					out = append(out, p+"."+t.elem.fields[0].name)
					continue
				}
				out = append(out, p)
			}
			continue
		}
		out = append(out, p)
	}
	return normalizePaths(out)
}

func (s *opScan) addSubpath(p string) {
	if !slices.Contains(s.subpaths, p) {
		s.subpaths = append(s.subpaths, p)
	}
}

// fromArrowField returns the SQL type of top-level column name.
func fromArrowField(schema *arrow.Schema, name string) (int, *dtype) {
	fi := schema.FieldIndices(name)
	if len(fi) == 0 {
		return -1, nil
	}
	t, _ := fromArrow(schema.Field(fi[0]).Type)
	return fi[0], t
}

// pushRecord converts rec (owned by the caller) into a chunk and pushes it:
// the rows listed in rows (ascending), or all when rows is nil. Slots load
// through rows lazily, as after a filter.
func (s *opScan) pushRecord(w int, rec arrow.RecordBatch, rows []int32) error {
	st := s.ws[w]
	if st.schema != rec.Schema() {
		if err := s.resolve(st, rec.Schema()); err != nil {
			return err
		}
	}
	st.a.reset()
	n := int(rec.NumRows())
	st.c.reset(s.lay.n, &st.a)
	st.c.n = n
	if rows != nil {
		st.c.n, st.c.rows = len(rows), rows
	}
	for slot, path := range st.idx {
		if path == nil {
			continue
		}
		var arr arrow.Array = rec.Column(path[0])
		src := &st.c.src[slot]
		for _, fi := range path[1:] {
			src.parents = append(src.parents, arr)
			arr = arr.(*array.Struct).Field(fi)
		}
		src.arr = arr
	}
	return s.next.push(w, &st.c)
}

// resolve maps the slots' paths onto a record schema (a reader's
// projection of the table schema).
func (s *opScan) resolve(st *scanState, sc *arrow.Schema) error {
	st.idx = make([][]int, len(s.paths))
	for slot, p := range s.paths {
		if p == "" {
			continue
		}
		parts := strings.Split(p, ".")
		fi := sc.FieldIndices(parts[0])
		if len(fi) == 0 {
			return errors.New("batch of " + s.table + " lacks column " + quoteFound(parts[0]) + " (the reader's projection must include Query.Columns)")
		}
		path := []int{fi[0]}
		t := sc.Field(fi[0]).Type
		for _, name := range parts[1:] {
			st2, ok := t.(*arrow.StructType)
			if !ok {
				return errors.New("batch of " + s.table + ": column " + quoteFound(p) + " is not a struct path")
			}
			k, ok := st2.FieldIdx(name)
			if !ok {
				return errors.New("batch of " + s.table + " lacks field " + quoteFound(p))
			}
			path = append(path, k)
			t = st2.Field(k).Type
		}
		st.idx[slot] = path
	}
	st.schema = sc
	return nil
}

func (s *opScan) push(w int, c *chunk) error { panic("BUG: push into a scan") }
func (s *opScan) flush() error               { return s.next.flush() }

// opWhere keeps the rows where every conjunct is TRUE. Conjuncts run in
// order on a chunk narrowed by the previous ones, so later conjuncts (and
// lazily loaded columns) only see surviving rows.
type opWhere struct {
	base
	conds []expr
	texts []string // SQL of each conjunct, for Explain
	ws    []*whereState
}

type whereState struct {
	a    arena
	c    [2]chunk
	sel  []int32
	rows [2][]int32
	// order is the order the conjuncts run in (indexes into conds);
	// in and out count the rows each was given and kept.
	order   []int
	in, out []int64
	pushes  int
}

func (o *opWhere) start(workers int) {
	o.ws = make([]*whereState, workers)
	for i := range o.ws {
		st := &whereState{order: make([]int, len(o.conds)), in: make([]int64, len(o.conds)), out: make([]int64, len(o.conds))}
		for k := range st.order {
			st.order[k] = k
		}
		o.ws[i] = st
	}
}

func (o *opWhere) explain() string {
	return "filter " + strings.Join(o.texts, " AND ") + " (each on the rows the previous kept, cheap and selective first)"
}

// reorderEvery is how many chunks a worker filters between choosing the
// order of its conjuncts again.
const reorderEvery = 16

func (o *opWhere) push(w int, c *chunk) error {
	st := o.ws[w]
	st.a.reset()
	cur := c
	flip := 0 // which of st.c receives the next narrowed chunk; never cur
	none := false
	for _, k := range st.order {
		v := o.conds[k].eval(&st.a, cur)
		if st.a.err != nil {
			return st.a.err
		}
		st.sel = selectTrue(st.sel, v, cur.n)
		st.in[k] += int64(cur.n)
		st.out[k] += int64(len(st.sel))
		if none = len(st.sel) == 0; none {
			break
		}
		if len(st.sel) < cur.n {
			nc := &st.c[flip]
			gatherChunk(nc, cur, st.sel, &st.a, &st.rows[flip])
			cur = nc
			flip ^= 1
		}
	}
	if st.pushes++; st.pushes%reorderEvery == 0 && len(o.conds) > 1 {
		o.reorder(st)
	}
	if none {
		return nil
	}
	return o.next.push(w, cur)
}

// reorder puts the conjuncts that cannot fail first, ordered by cost
// over the share of rows they drop (the classic order for independent
// filters: cheap and selective first), each on the rows seen so far; the
// conjuncts that can fail (a division, a CAST) keep their written order
// after them. Moving a conjunct that cannot fail earlier only hands the
// others fewer rows, so no error appears that the written order would not
// raise, and the rows kept, and their order, are the same in any order.
func (o *opWhere) reorder(st *whereState) {
	rank := func(k int) float64 {
		if st.in[k] == 0 {
			return math.Inf(1) // not run yet: after those whose effect is known
		}
		drop := 1 - float64(st.out[k])/float64(st.in[k])
		return exprCost(o.conds[k]) / max(drop, 1e-3)
	}
	slices.SortStableFunc(st.order, func(a, b int) int {
		fa, fb := mayFail(o.conds[a]), mayFail(o.conds[b])
		switch {
		case fa != fb:
			if fa {
				return 1
			}
			return -1
		case fa:
			return a - b // the written order
		}
		return cmp.Compare(rank(a), rank(b))
	})
}

// exprCost is a rough cost per row of evaluating e: columns and constants
// nothing, comparisons one, string matching a few, functions over JSON
// or regular expressions more.
func exprCost(e expr) float64 {
	switch x := e.(type) {
	case *exprCol, *exprConst:
		return 0.25
	case *exprCmp:
		return 1 + exprCost(x.l) + exprCost(x.r)
	case *exprAnd:
		return exprCost(x.l) + exprCost(x.r)
	case *exprOr:
		return exprCost(x.l) + exprCost(x.r)
	case *exprNot:
		return exprCost(x.x)
	case *exprIsNull:
		return 0.5 + exprCost(x.x)
	case *exprFunc:
		c := 4.0
		switch {
		case x.name == "in" || x.name == "coalesce_false":
			c = 1
		case strings.HasPrefix(x.name, "lower_") || x.name == "like":
			c = 3
		case strings.HasPrefix(x.name, "json_") || strings.HasPrefix(x.name, "regexp_"):
			c = 10
		}
		for _, a := range x.args {
			c += exprCost(a)
		}
		return c
	}
	return 4
}

func (o *opWhere) flush() error { return o.next.flush() }

// selectTrue appends to sel[:0] the rows where v is TRUE (not NULL). A
// dictionary-encoded predicate is tested once per entry, then per row by
// code.
//
// The loops write every row's number and advance past it only when it is
// selected, with no branch on the row's value: a predicate that keeps
// rows at random (dstport < srcport keeps half) mispredicted a branch
// every other row.
func selectTrue(sel []int32, v *vec, n int) []int32 {
	if cap(sel) < n {
		sel = make([]int32, n, max(n, min(2*cap(sel), BatchRows)))
	}
	sel = sel[:n]
	k := 0
	switch {
	case v.isConst:
		if !v.isNull(0) && v.b[0] {
			selectAll(sel)
			k = n
		}
	case v.dict != nil:
		var table [512]uint8
		tab := table[:0]
		if v.dict.n <= len(table) {
			tab = table[:v.dict.n]
		} else {
			tab = make([]uint8, v.dict.n)
		}
		all := uint8(1)
		for c := range tab {
			tab[c] = uint8(b2i(v.dict.b[c] && !v.dict.isNull(c)))
			all &= tab[c]
		}
		switch {
		case all == 1 && len(tab) > 0 && v.null == nil:
			// Every value true (action = 'REJECT' over rows the flow
			// parser kept for it): every row, without reading the codes.
			selectAll(sel)
			k = n
		case v.null == nil:
			for i, c := range v.codes[:n] {
				sel[k] = int32(i)
				k += int(tab[c])
			}
		default:
			null := v.null[:n]
			for i, c := range v.codes[:n] {
				sel[k] = int32(i)
				k += int(tab[c] &^ uint8(b2i(null[i])))
			}
		}
	default:
		k = selectBools(sel, v.b[:n], v.null)
	}
	return sel[:k]
}

// selIota holds 0, 1, ... BatchRows-1, which selectAll copies.
var selIota = func() []int32 {
	s := make([]int32, BatchRows)
	for i := range s {
		s[i] = int32(i)
	}
	return s
}()

// selectAll writes 0, 1, ... into sel: a copy of selIota (a memmove, 32
// bytes an instruction) where it is long enough.
func selectAll(sel []int32) {
	if len(sel) <= len(selIota) {
		copy(sel, selIota)
		return
	}
	for i := range sel {
		sel[i] = int32(i)
	}
}

// selectBools writes into sel the rows i where b[i] and not null[i] (null
// nil: no NULLs) and returns how many. It reads eight rows a word: a word
// with no row selected (most of them under a selective predicate) costs a
// test, one with all eight eight stores, and the others eight stores of
// the selected rows' positions from a table by the word's mask (rows past
// the selected ones are written and then overwritten or cut off), with no
// branch on the rows' values. The tail goes row by row.
func selectBools(sel []int32, b, null []bool) int {
	const ones = 0x0101010101010101 // eight TRUE bools
	n := len(b)
	bw := boolBytes(b)
	nw := boolBytes(null)
	if nw != nil {
		nw = nw[:n]
	}
	sel = sel[:n]
	k, i := 0, 0
	if useSelectAsm && n >= 32 {
		// Fast path: 32 rows a step in assembly (op_select_amd64.s).
		k, i = selectBoolsAsm(sel, b, null, &selPos8), n&^31
	}
	for ; i+8 <= n; i += 8 {
		w := binary.LittleEndian.Uint64(bw[i : i+8])
		if nw != nil {
			w &^= binary.LittleEndian.Uint64(nw[i : i+8])
		}
		if w == 0 {
			continue
		}
		s := (*[8]int32)(sel[k : k+8]) // k <= i: in range
		r := int32(i)
		if w == ones {
			s[0], s[1], s[2], s[3] = r, r+1, r+2, r+3
			s[4], s[5], s[6], s[7] = r+4, r+5, r+6, r+7
			k += 8
			continue
		}
		m := w * 0x0102040810204080 >> 56 // bit j: row i+j
		p := selPos[m]
		s[0], s[1], s[2], s[3] = r+int32(p&15), r+int32(p>>4&15), r+int32(p>>8&15), r+int32(p>>12&15)
		s[4], s[5], s[6], s[7] = r+int32(p>>16&15), r+int32(p>>20&15), r+int32(p>>24&15), r+int32(p>>28)
		k += bits.OnesCount8(uint8(m))
	}
	for ; i < n; i++ {
		sel[k] = int32(i)
		k += b2i(b[i])
		if null != nil {
			k -= b2i(b[i] && null[i])
		}
	}
	return k
}

// selPos lists, for each 8-bit mask, the positions of its set bits in
// ascending order, four bits each from the lowest (the rest zero).
var selPos = func() (t [256]uint32) {
	for m := range t {
		k := 0
		for j := range 8 {
			if m&(1<<j) != 0 {
				t[m] |= uint32(j) << (4 * k)
				k++
			}
		}
	}
	return t
}()

// selPos8 lists, for each 8-bit mask, the positions of its set bits in
// ascending order (the rest zero): selectBoolsAsm adds a block's first
// row to eight of them at once.
var selPos8 = func() (t [256][8]int32) {
	for m := range t {
		k := 0
		for j := range 8 {
			if m&(1<<j) != 0 {
				t[m][k] = int32(j)
				k++
			}
		}
	}
	return t
}()

// boolBytes views b as bytes, each 0 or 1 (Go stores a bool as one byte,
// 0 or 1), to read eight at a time; nil stays nil. The view is valid as
// long as b.
func boolBytes(b []bool) []byte {
	if b == nil {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
}

// opProject computes the output columns of a SELECT (plus hidden ORDER BY
// keys) into a new chunk.
type opProject struct {
	base
	exprs []expr
	names []string // output names, for Explain
	ws    []*projectState
}

type projectState struct {
	a arena
	c chunk
}

func (o *opProject) start(workers int) {
	o.ws = make([]*projectState, workers)
	for i := range o.ws {
		o.ws[i] = &projectState{}
	}
}

func (o *opProject) explain() string {
	if len(o.names) == len(o.exprs) {
		return "project " + strings.Join(o.names, ", ")
	}
	return "project " + itoa(int64(len(o.exprs))) + " columns"
}

func (o *opProject) push(w int, c *chunk) error {
	st := o.ws[w]
	st.a.reset()
	st.c.reset(len(o.exprs), &st.a)
	st.c.n = c.n
	for i, e := range o.exprs {
		st.c.cols[i] = e.eval(&st.a, c)
		if st.a.err != nil {
			return st.a.err
		}
	}
	return o.next.push(w, &st.c)
}

func (o *opProject) flush() error { return o.next.flush() }

// opLimit passes the first n rows and then reports, through done, that the
// scan can stop. Which rows pass is up to scheduling, as in SQL.
type opLimit struct {
	base
	n    int64
	seen atomic.Int64
	done *atomic.Bool // nil when stopping early is not safe
	ws   []*limitState
}

type limitState struct {
	a   arena
	c   chunk
	sel []int32
	rb  []int32
}

func (o *opLimit) start(workers int) {
	o.seen.Store(0)
	o.ws = make([]*limitState, workers)
	for i := range o.ws {
		o.ws[i] = &limitState{}
	}
}

func (o *opLimit) explain() string {
	s := "limit " + itoa(o.n)
	if o.done != nil {
		s += " (stops the scan)"
	}
	return s
}

func (o *opLimit) push(w int, c *chunk) error {
	end := o.seen.Add(int64(c.n))
	start := end - int64(c.n)
	if start >= o.n {
		if o.done != nil {
			o.done.Store(true)
		}
		return nil
	}
	if end >= o.n && o.done != nil {
		o.done.Store(true)
	}
	if end <= o.n {
		return o.next.push(w, c)
	}
	return o.next.push(w, o.ws[w].rows(c, 0, int(o.n-start)))
}

// rows returns rows from..to-1 of c, gathered into st's chunk.
func (st *limitState) rows(c *chunk, from, to int) *chunk {
	st.a.reset()
	st.sel = st.sel[:0]
	for i := from; i < to; i++ {
		st.sel = append(st.sel, int32(i))
	}
	gatherChunk(&st.c, c, st.sel, &st.a, &st.rb)
	return &st.c
}

func (o *opLimit) flush() error { return o.next.flush() }

// opUnion joins the branches of UNION ALL: it passes chunks through and
// flushes its successor after the last branch flushed.
type opUnion struct {
	base
	branches int
	flushed  int
}

func (o *opUnion) start(workers int)          { o.flushed = 0 }
func (o *opUnion) explain() string            { return "union all of " + itoa(int64(o.branches)) }
func (o *opUnion) push(w int, c *chunk) error { return o.next.push(w, c) }

func (o *opUnion) flush() error {
	o.flushed++
	if o.flushed < o.branches {
		return nil
	}
	return o.next.flush()
}

// opSink collects the result rows per worker; Finish merges them in
// worker order and, without ORDER BY, sorts them by every column so the
// result does not depend on parallelism.
//
// With stream set (Run.Stream), push hands each chunk's rows to it
// instead, one call at a time, and flush has nothing to merge.
type opSink struct {
	base
	types  []*dtype
	sorted bool // ORDER BY already ordered the rows
	limit  int64
	ws     [][]*column
	out    []*column
	stream func(cols []*column) error // nil: collect for Finish
	views  bool                       // stream chunks whose strings view the batch (StreamViews)
	mu     sync.Mutex                 // serializes stream calls
}

func (o *opSink) start(workers int) {
	o.ws = make([][]*column, workers)
	for w := range o.ws {
		o.ws[w] = newColumns(o.types)
	}
	o.out = nil
	o.stream = nil
	o.views = false
}

func newColumns(types []*dtype) []*column {
	cols := make([]*column, len(types))
	for i, t := range types {
		cols[i] = newColumn(t)
	}
	return cols
}

func (o *opSink) explain() string { return "output" }

func (o *opSink) push(w int, c *chunk) error {
	if o.stream != nil {
		if c.n == 0 {
			return nil
		}
		if o.views {
			return o.streamViews(w, c)
		}
		cols := newColumns(o.types)
		for i, col := range cols {
			col.appendVecOwn(c.col(i), nil, c.n, true)
		}
		o.mu.Lock()
		defer o.mu.Unlock()
		return o.stream(cols)
	}
	for i, col := range o.ws[w] {
		col.appendVec(c.col(i), nil, c.n)
	}
	return nil
}

// streamViews hands on a chunk whose strings view the batch: its columns
// are the worker's, unused when streaming, filled afresh for each chunk
// (a consumer of views keeps nothing of a chunk past its call: a rule
// pack's hundreds of thousands of matching rows allocate no columns), and
// cleared once the consumer is done so they hold no view of the batch
// after the push.
func (o *opSink) streamViews(w int, c *chunk) error {
	cols := o.ws[w]
	for i, col := range cols {
		col.appendVecOwn(c.col(i), nil, c.n, false)
	}
	o.mu.Lock()
	err := o.stream(cols)
	o.mu.Unlock()
	for _, col := range cols {
		col.truncate()
	}
	return err
}

func (o *opSink) flush() error {
	// The workers' rows are merged, then sorted, one column at a time,
	// each column let go once copied: a large result is held about once
	// at a time, not three times over (per worker, merged, sorted).
	out := newColumns(o.types)
	for i := range out {
		for _, cols := range o.ws {
			c := cols[i]
			for j := range c.len() {
				out[i].appendFrom(c, j)
			}
			cols[i] = nil
		}
	}
	o.ws = nil
	if !o.sorted && len(out) > 0 {
		keys := make([]sortKey, len(out))
		for i := range keys {
			keys[i] = sortKey{col: i}
		}
		perm := sortPerm(out, keys, -1)
		for k, c := range out {
			out[k] = takeRows(c, perm)
		}
	}
	if o.limit >= 0 && len(out) > 0 && int64(out[0].len()) > o.limit {
		out = sliceColumns(out, int(o.limit))
	}
	o.out = out
	return nil
}
