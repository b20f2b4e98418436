package engine

import (
	"errors"
	"strings"
	"sync/atomic"
)

// Joins.
//
// A query's scans receive batches of every table interleaved, from one
// pass over the objects (scan.Run reads each object once and the engine
// routes each batch to the scans of its table), so neither input of a
// join is complete before the scan ends. opJoin therefore buffers the
// rows of both inputs (only the columns the query reads, plus the join
// keys, as owned columns), bounded by the memory pool the aggregates
// use (--aggregate-memory): past it an equi-join of scalar columns spills
// both inputs to disk by key hash and joins a partition at a time, and an
// IN, EXISTS or scalar subquery spills its probe rows (op_join_spill.go);
// other joins (no equality, nested values), or a partition alone past the
// pool, fail with an error that names the limit and the flag. When both inputs
// have flushed, it builds
// a hash table over the right (build) input's keys, probes it with the
// left input in batches, verifies keys and the residual ON condition
// column-at-a-time on each batch of candidate pairs, and emits the
// joined rows, then the NULL-padded rows of outer joins, from flush as
// worker 0.
//
// The same operator runs IN, EXISTS and scalar subqueries: the query's
// pipeline is the probe input, the subquery the build input, and each
// probe row is emitted once with one more column, the subquery's answer.

// joinKind is what a join emits.
type joinKind uint8

const (
	joinInner  joinKind = iota
	joinLeft            // and unmatched left rows padded with NULLs
	joinRight           // and unmatched right rows
	joinFull            // both
	joinMark            // every left row plus a boolean: IN / EXISTS
	joinScalar          // every left row plus the build side's only value
)

var joinNames = [...]string{"inner", "left", "right", "full", "mark", "scalar"}

// slotCopy is a column one input passes to the join's output: slot in of
// the input's chunks goes to slot out of the output's.
type slotCopy struct {
	in, out int
	t       *dtype
}

// joinSide is one input of a join.
type joinSide struct {
	copies []slotCopy
	keys   []expr   // key expressions over the input's chunks
	texts  []string // SQL of the keys, for Explain
	// allSlots (mark and scalar probe side): copy every slot of the
	// input, which is also the output's layout, except the slots the
	// join fills; set at start from the layout.
	allSlots *layout
	ws       []*joinBuf // per worker
	buf      joinBuf    // all workers' rows, merged in flush
}

// joinBuf holds rows of one input: one owned column per copy, then one
// per key.
type joinBuf struct {
	cols  []*column // nil entries: slots no chunk had
	n     int       // rows
	bytes int64     // estimated size, counted in the pool
	strs  strArena  // the bytes of the strings in cols
	dict  []string  // per dictionary entry of the current vec: its copy
	a     arena     // scratch for evaluating the keys of one chunk
}

// strArena holds copies of strings in 64 KiB blocks, so buffering a row
// allocates nothing per value. The strings view their block (through
// bytesString), which is never written below its length and which they
// keep alive: they live as long as the column that holds them.
type strArena struct{ block []byte }

func (a *strArena) clone(s string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > cap(a.block)-len(a.block) {
		if len(s) > 16<<10 {
			return strings.Clone(s) // a big value gets its own allocation
		}
		a.block = make([]byte, 0, 64<<10)
	}
	start := len(a.block)
	a.block = append(a.block, s...)
	return bytesString(a.block[start:len(a.block):len(a.block)])
}

// appendStrings appends the n rows of v, a string vec in any form, to
// col with the strings copied into b's arena (a dictionary entry once).
func (b *joinBuf) appendStrings(col *column, v *vec, n int) {
	switch {
	case v.isConst:
		s, isNull := "", v.isNull(0)
		if !isNull {
			s = b.strs.clone(v.s[0])
		}
		for range n {
			col.null = append(col.null, isNull)
			col.s = append(col.s, s)
		}
	case v.dict != nil:
		b.dict = grow(&b.dict, v.dict.n)
		clear(b.dict)
		for i, c := range v.codes[:n] {
			isNull := v.isNull(i) || v.dict.isNull(int(c))
			col.null = append(col.null, isNull)
			if isNull {
				col.s = append(col.s, "")
				continue
			}
			s := b.dict[c]
			if s == "" {
				s = b.strs.clone(v.dict.s[c])
				b.dict[c] = s
			}
			col.s = append(col.s, s)
		}
	default:
		for i := range n {
			isNull := v.isNull(i)
			col.null = append(col.null, isNull)
			if isNull {
				col.s = append(col.s, "") // v.s may lack NULL rows' values
				continue
			}
			col.s = append(col.s, b.strs.clone(v.s[i]))
		}
	}
}

func (b *joinBuf) rows() int { return b.n }

// opJoin joins its two inputs (see the comment at the top of the file).
type opJoin struct {
	base
	kind     joinKind
	sides    [2]joinSide // 0: left (probe), 1: right (build)
	residual expr        // ON conjuncts other than key equalities, over the output layout; nil if none
	resText  string
	out      *layout // the output's slots
	// using are the USING columns: out slot and key index; the output
	// value is the left key, or the right one on a right-only row.
	using []slotCopy
	// mark and scalar joins: the slot the answer goes to; nullAware
	// makes the last key IN's (NULL semantics), the others correlate.
	markSlot  int
	nullAware bool
	text      string
	pool      *MemoryPool
	held      atomic.Int64 // bytes this run counted into pool and still holds
	failed    atomic.Bool  // the memory limit was passed: later pushes stop
	inputs    [2]*opJoinInput
	spill     joinSpill // op_join_spill.go
	flushed   int
	// staged: Run.FinishTable is flushing inputs; drop[s]: input s's rows
	// are dropped as they come (share_stage.go).
	staged bool
	drop   [2]bool
	table  *joinTable // non-nil: the finished input's rows in a hash table, probed as the other's come
	// probe scratch, reused across batches.
	st joinScratch
}

// opJoinInput is the entry of one input into its join.
type opJoinInput struct {
	j    *opJoin
	side int
}

func (in *opJoinInput) setNext(op) { panic("BUG: a join input has no successor") }
func (in *opJoinInput) start(int)  {}
func (in *opJoinInput) explain() string {
	return "join input " + [2]string{"left (probe)", "right (build)"}[in.side]
}
func (in *opJoinInput) push(w int, c *chunk) error { return in.j.buffer(in.side, w, c) }

func (in *opJoinInput) flush() error {
	in.j.flushed++
	if in.j.flushed < 2 {
		if in.j.staged {
			in.j.stage(in.side)
		}
		return nil
	}
	return in.j.run()
}

func (j *opJoin) push(int, *chunk) error { panic("BUG: push into a join; push into its inputs") }
func (j *opJoin) flush() error           { panic("BUG: flush of a join; flush its inputs") }

func (j *opJoin) start(workers int) {
	j.flushed = 0
	j.drop = [2]bool{}
	j.table = nil
	j.pool.used.Add(-j.held.Swap(0)) // what a failed run still held
	j.failed.Store(false)
	for s := range j.sides {
		sd := &j.sides[s]
		sd.ws = make([]*joinBuf, workers)
		for w := range sd.ws {
			sd.ws[w] = &joinBuf{}
		}
		sd.buf = joinBuf{}
		if sd.allSlots != nil {
			sd.copies = sd.copies[:0]
			for i := 0; i < sd.allSlots.n; i++ {
				if i != j.markSlot {
					sd.copies = append(sd.copies, slotCopy{in: i, out: i})
				}
			}
		}
	}
	j.initSpill(workers)
}

func (j *opJoin) explain() string {
	var b strings.Builder
	switch j.kind {
	case joinMark, joinScalar:
		b.WriteString("hash " + joinNames[j.kind] + " join " + j.text)
	default:
		b.WriteString("hash " + joinNames[j.kind] + " join")
		if len(j.sides[0].keys) == 0 {
			b.WriteString(" (no equality: every pair)")
		} else {
			b.WriteString(" on ")
			for i := range j.sides[0].texts {
				if i > 0 {
					b.WriteString(" AND ")
				}
				b.WriteString(j.sides[0].texts[i] + " = " + j.sides[1].texts[i])
			}
		}
		if j.residual != nil {
			b.WriteString(" residual " + j.resText)
		}
	}
	b.WriteString(" (both inputs buffered until the scan ends; hash table on the right input)")
	return b.String()
}

// errJoinMemory is the class of the error a join reports past its memory.
var errJoinMemory = errors.New("join memory limit")

// buffer appends the rows of c (copied columns and keys) to worker w's
// buffer of side s.
func (j *opJoin) buffer(s, w int, c *chunk) error {
	if j.drop[s] {
		return nil
	}
	if j.failed.Load() {
		return &joinMemoryError{limit: j.pool.limit, what: j.explainShort()}
	}
	if j.spill.on.Load() && j.spillsSide(s) {
		if err := j.spillBuffered(w); err != nil {
			return err
		}
		return j.spillChunk(s, w, c)
	}
	if j.table != nil && s != j.table.side {
		return j.streamChunk(s, w, c) // share_stage.go
	}
	sd := &j.sides[s]
	b := sd.ws[w]
	grew, err := sd.fill(b, c)
	if err != nil {
		return err
	}
	if s == 0 && j.spill.lazy && !j.spill.fixed.Load() {
		// The probe input's types, for spilling (op_join_spill.go); a
		// nested one only makes the join one that cannot spill.
		_ = j.fixProbeTypes(func(i int) *dtype {
			if i < len(b.cols) && b.cols[i] != nil {
				return b.cols[i].t
			}
			return nil
		})
	}
	b.n += c.n
	grew += int64(c.n) * 8 // hash and chain entries
	b.bytes += grew
	j.held.Add(grew)
	if forced := joinSpillRows > 0 && b.n >= joinSpillRows && j.spill.ok; j.pool.limit >= 0 && j.pool.used.Add(grew) > j.pool.limit || forced {
		if j.kind == joinScalar && s == 1 && b.n > 1 {
			// The answer is this error whatever comes next: say it now,
			// not after the subquery's rows have filled the memory.
			return errors.New("scalar subquery " + j.text + ": expected at most one row, found " + itoa(int64(b.n)) + " or more")
		}
		if j.spill.on.Load() || j.startSpill(forced || j.held.Load() > j.pool.limit) {
			return j.spillBuffered(w)
		}
		if j.held.Load() <= j.pool.limit {
			// Past the pool because of what its other operators hold
			// (other hunts' groups, which depend on the scheduling): a
			// join that cannot spill fails only when its own rows pass
			// the budget, the same in every run.
			return nil
		}
		// Give the budget back to the other operators of the pool: this
		// run is over.
		j.failed.Store(true)
		j.pool.used.Add(-j.held.Swap(0))
		return &joinMemoryError{limit: j.pool.limit, what: j.explainShort()}
	}
	return nil
}

// fill appends the rows of c (the copied columns, then the keys) to b,
// a buffer of side sd, and returns their estimated bytes.
func (sd *joinSide) fill(b *joinBuf, c *chunk) (int64, error) {
	if b.cols == nil {
		b.cols = make([]*column, len(sd.copies)+len(sd.keys))
	}
	a := &b.a
	a.reset()
	var grew int64
	for i, cp := range sd.copies {
		if cp.in >= len(c.cols) || c.cols[cp.in] == nil && c.src[cp.in].arr == nil {
			continue // a slot filled after this join (none of its input's)
		}
		v := c.col(cp.in)
		if b.cols[i] == nil {
			b.cols[i] = newColumn(v.t)
		}
		from := b.cols[i].len()
		if v.t.isStringy() && v.arr == nil && v.x == nil {
			b.appendStrings(b.cols[i], v, c.n)
		} else {
			b.cols[i].appendVec(v, nil, c.n)
		}
		grew += appendedBytes(b.cols[i], from)
	}
	for k, e := range sd.keys {
		v := e.eval(a, c)
		if a.err != nil {
			return 0, a.err
		}
		col := b.cols[len(sd.copies)+k]
		if col == nil {
			col = newColumn(e.typ())
			b.cols[len(sd.copies)+k] = col
		}
		from := col.len()
		if v.t.isStringy() && v.arr == nil && v.x == nil {
			b.appendStrings(col, v, c.n)
		} else {
			col.appendVec(v, nil, c.n)
		}
		grew += appendedBytes(col, from)
	}
	return grew, nil
}

// appendedBytes estimates the memory of the rows of col from row from on.
func appendedBytes(col *column, from int) int64 {
	n := int64(col.len()-from) * 9
	switch {
	case col.t.isStringy():
		for _, s := range col.s[from:] {
			n += 16 + int64(len(s))
		}
	case col.x != nil || col.t.isComplex():
		n += int64(col.len()-from) * 64
	}
	return n
}

// joinMemoryError reports a join whose buffered rows pass the memory pool.
type joinMemoryError struct {
	limit int64
	what  string
}

func (e *joinMemoryError) Error() string {
	return "join: expected its buffered rows to fit in " + itoa(e.limit) + " bytes (--aggregate-memory, shared with GROUP BY), found more: " + e.what +
		"; narrow the inputs with WHERE (time range, accounts) or raise --aggregate-memory"
}

func (e *joinMemoryError) Unwrap() error { return errJoinMemory }

func (j *opJoin) explainShort() string {
	s := j.explain()
	if i := strings.Index(s, " (both inputs"); i >= 0 {
		s = s[:i]
	}
	return s
}

// joinScratch is the probe state, reused across batches.
type joinScratch struct {
	a         arena
	c, g      chunk
	rowsBuf   []int32
	sel       []int32
	li, ri    []int32 // candidate pairs: left row, right row (-1: padding)
	hashL     []uint64
	hashR     []uint64
	buckets   []int32
	next      []int32
	matchedL  []bool
	matchedR  []bool
	markState []uint8
	keyVecs   []*vec
}

// merge concatenates the workers' buffers of each side.
func (j *opJoin) merge() {
	for s := range j.sides {
		j.mergeSide(s)
	}
}

// mergeSide concatenates the workers' buffers of side s into its buf.
func (j *opJoin) mergeSide(s int) {
	sd := &j.sides[s]
	n := len(sd.copies) + len(sd.keys)
	sd.buf.cols = make([]*column, n)
	for i := range n {
		var t *dtype
		if i < len(sd.copies) {
			t = sd.copies[i].t
		} else {
			t = sd.keys[i-len(sd.copies)].typ()
		}
		var dst *column
		for _, b := range sd.ws {
			if b.cols == nil || b.cols[i] == nil {
				continue
			}
			if dst == nil {
				dst = newColumn(b.cols[i].t)
			}
			appendColumn(dst, b.cols[i])
		}
		if dst == nil {
			if t == nil {
				t = tNull
			}
			dst = newColumn(t)
		}
		sd.buf.cols[i] = dst
	}
	for _, b := range sd.ws {
		sd.buf.bytes += b.bytes
		sd.buf.n += b.n
		*b = joinBuf{}
	}
}

// appendColumn appends all of src to dst (same representation).
func appendColumn(dst, src *column) {
	dst.null = append(dst.null, src.null...)
	dst.i = append(dst.i, src.i...)
	dst.f = append(dst.f, src.f...)
	dst.s = append(dst.s, src.s...)
	dst.b = append(dst.b, src.b...)
	dst.x = append(dst.x, src.x...)
}

// run joins the buffered inputs and emits the result, then flushes the
// successor.
func (j *opJoin) run() error {
	if j.table != nil {
		// Streamed (share_stage.go): every pair was emitted as the open
		// input's rows came.
		j.pool.used.Add(-j.held.Swap(0))
		j.sides[0].buf, j.sides[1].buf = joinBuf{}, joinBuf{}
		j.table = nil
		return j.next.flush()
	}
	if j.spill.on.Load() {
		if err := j.runSpilled(); err != nil {
			return err
		}
		return j.next.flush()
	}
	j.merge()
	defer func() {
		j.pool.used.Add(-j.held.Swap(0))
		j.sides[0].buf, j.sides[1].buf = joinBuf{}, joinBuf{}
	}()
	var err error
	switch j.kind {
	case joinMark:
		err = j.runMark()
	case joinScalar:
		err = j.runScalar()
	default:
		err = j.runJoin()
	}
	if err != nil {
		return err
	}
	return j.next.flush()
}

// keyCols returns the key columns of side s.
func (j *opJoin) keyCols(s int) []*column {
	sd := &j.sides[s]
	return sd.buf.cols[len(sd.copies):]
}

// hashSide hashes the first nkeys key columns of side s into h; rows
// with a NULL key get ok false (they match nothing).
func (j *opJoin) hashSide(s, nkeys int, h []uint64) []uint64 {
	st := &j.st
	cols := j.keyCols(s)[:nkeys]
	n := j.sides[s].buf.rows()
	st.keyVecs = st.keyVecs[:0]
	for _, col := range cols {
		v := &vec{}
		col.toVec(v)
		if v.t.k == kDouble {
			// -0 equals 0: hash them alike (NaN never equals, so its hash
			// does not matter).
			fs := make([]float64, len(v.f))
			for i, f := range v.f {
				if f == 0 {
					f = 0
				}
				fs[i] = f
			}
			v.f = fs
		}
		st.keyVecs = append(st.keyVecs, v)
	}
	return hashKeys(st.keyVecs, n, h)
}

// hasNullKey reports whether row r of side s has a NULL among its first
// nkeys keys.
func (j *opJoin) hasNullKey(s, nkeys, r int) bool {
	for _, col := range j.keyCols(s)[:nkeys] {
		if col.null[r] {
			return true
		}
	}
	return false
}

// build makes the hash table over the right input's first nkeys keys.
func (j *opJoin) build(nkeys int) {
	st := &j.st
	st.hashR = j.hashSide(1, nkeys, st.hashR[:0])
	n := len(st.hashR)
	size := 1
	for size < 2*n {
		size <<= 1
	}
	st.buckets = grow(&st.buckets, size)
	fill(st.buckets, -1)
	st.next = grow(&st.next, n)
	// Insert in reverse so chains list rows in input order.
	for r := n - 1; r >= 0; r-- {
		if j.hasNullKey(1, nkeys, r) {
			st.next[r] = -1
			continue
		}
		b := int(st.hashR[r] & uint64(size-1))
		st.next[r] = st.buckets[b]
		st.buckets[b] = int32(r)
	}
}

// probe calls emit with batches of candidate pairs (st.li, st.ri): every
// right row whose key hash equals the left row's, for left rows without
// NULL keys.
func (j *opJoin) probe(nkeys int, emit func() error) error {
	st := &j.st
	st.hashL = j.hashSide(0, nkeys, st.hashL[:0])
	mask := uint64(len(st.buckets) - 1)
	st.li, st.ri = st.li[:0], st.ri[:0]
	for l, h := range st.hashL {
		if j.hasNullKey(0, nkeys, l) {
			continue
		}
		for r := st.buckets[h&mask]; r >= 0; r = st.next[r] {
			if st.hashR[r] != h {
				continue
			}
			st.li = append(st.li, int32(l))
			st.ri = append(st.ri, r)
			if len(st.li) == BatchRows {
				if err := emit(); err != nil {
					return err
				}
				st.li, st.ri = st.li[:0], st.ri[:0]
			}
		}
	}
	if len(st.li) > 0 {
		if err := emit(); err != nil {
			return err
		}
		st.li, st.ri = st.li[:0], st.ri[:0]
	}
	return nil
}

// verifyKeys keeps the candidate pairs whose first nkeys keys are equal,
// one key column at a time.
func (j *opJoin) verifyKeys(from, nkeys int) {
	verifyPairs(&j.st, j.keyCols(0), j.keyCols(1), from, nkeys)
}

// verifyPairs keeps the pairs (st.li, st.ri) whose keys from..nkeys-1
// are equal: lk the left rows' key columns, rk the right rows'.
func verifyPairs(st *joinScratch, lk, rk []*column, from, nkeys int) {
	for k := from; k < nkeys; k++ {
		l, r := lk[k], rk[k]
		n := 0
		switch {
		case l.t.isIntLike():
			for i, li := range st.li {
				if ri := st.ri[i]; l.i[li] == r.i[ri] {
					st.li[n], st.ri[n] = li, ri
					n++
				}
			}
		case l.t.k == kDouble:
			for i, li := range st.li {
				if ri := st.ri[i]; l.f[li] == r.f[ri] {
					st.li[n], st.ri[n] = li, ri
					n++
				}
			}
		case l.t.isStringy():
			for i, li := range st.li {
				if ri := st.ri[i]; l.s[li] == r.s[ri] {
					st.li[n], st.ri[n] = li, ri
					n++
				}
			}
		case l.t.k == kBool:
			for i, li := range st.li {
				if ri := st.ri[i]; l.b[li] == r.b[ri] {
					st.li[n], st.ri[n] = li, ri
					n++
				}
			}
		default:
			panic("BUG: join key of type " + l.t.name)
		}
		st.li, st.ri = st.li[:n], st.ri[:n]
	}
}

// pairChunk fills st.c with the output rows of pairs (st.li, st.ri);
// -1 stands for the NULL row of a side.
func (j *opJoin) pairChunk() *chunk {
	return j.pairChunkOf(&j.st, [2][]*column{j.sides[0].buf.cols, j.sides[1].buf.cols})
}

// pairChunkOf is pairChunk over the columns of each side's rows (copies,
// then keys); a nil column (a slot no chunk had) gives NULLs.
func (j *opJoin) pairChunkOf(st *joinScratch, cols [2][]*column) *chunk {
	st.a.reset()
	c := &st.c
	c.reset(j.out.n, &st.a)
	c.n = len(st.li)
	for s, idx := range [2][]int32{st.li, st.ri} {
		sd := &j.sides[s]
		for i, cp := range sd.copies {
			if cols[s][i] == nil {
				c.cols[cp.out] = columnVec(&st.a, nil, cp.t, c.n)
				continue
			}
			c.cols[cp.out] = joinGather(&st.a, cols[s][i], idx)
		}
	}
	for _, u := range j.using {
		l := joinGather(&st.a, cols[0][len(j.sides[0].copies)+u.in], st.li)
		r := joinGather(&st.a, cols[1][len(j.sides[1].copies)+u.in], st.ri)
		v := l
		if j.kind == joinRight || j.kind == joinFull {
			v = coalesceVec(&st.a, l, r)
		}
		c.cols[u.out] = v
	}
	return c
}

// joinGather returns rows idx of col as a vec (-1: NULL).
func joinGather(a *arena, col *column, idx []int32) *vec {
	v := a.vec(col.t, len(idx))
	nl := v.nulls()
	for j, r := range idx {
		nl[j] = r < 0 || col.null[r]
	}
	switch {
	case col.t.k == kNull:
	case col.x != nil || col.t.isComplex():
		v.x = make([]any, len(idx))
		for j, r := range idx {
			if r >= 0 {
				v.x[j] = col.x[r]
			}
		}
	case col.t.isIntLike():
		o := v.ints()
		for j, r := range idx {
			if r >= 0 {
				o[j] = col.i[r]
			} else {
				o[j] = 0
			}
		}
	case col.t.k == kDouble:
		o := v.floats()
		for j, r := range idx {
			if r >= 0 {
				o[j] = col.f[r]
			} else {
				o[j] = 0
			}
		}
	case col.t.isStringy():
		o := v.strs()
		for j, r := range idx {
			if r >= 0 {
				o[j] = col.s[r]
			} else {
				o[j] = ""
			}
		}
	case col.t.k == kBool:
		o := v.bools()
		for j, r := range idx {
			o[j] = r >= 0 && col.b[r]
		}
	}
	return v
}

// coalesceVec is l where not NULL, else r (plain vecs of one type).
func coalesceVec(a *arena, l, r *vec) *vec {
	v := a.vec(l.t, l.n)
	nl := v.nulls()
	for i := range nl {
		nl[i] = l.null[i] && r.null[i]
	}
	switch {
	case l.t.isIntLike():
		o := v.ints()
		for i := range o {
			o[i] = l.i[i]
			if l.null[i] {
				o[i] = r.i[i]
			}
		}
	case l.t.k == kDouble:
		o := v.floats()
		for i := range o {
			o[i] = l.f[i]
			if l.null[i] {
				o[i] = r.f[i]
			}
		}
	case l.t.isStringy():
		o := v.strs()
		for i := range o {
			o[i] = l.s[i]
			if l.null[i] {
				o[i] = r.s[i]
			}
		}
	case l.t.k == kBool:
		o := v.bools()
		for i := range o {
			o[i] = l.b[i]
			if l.null[i] {
				o[i] = r.b[i]
			}
		}
	}
	return v
}

// runJoin runs an inner or outer join.
func (j *opJoin) runJoin() error {
	st := &j.st
	nkeys := len(j.sides[0].keys)
	nl, nr := j.sides[0].buf.rows(), j.sides[1].buf.rows()
	st.matchedL = grow(&st.matchedL, nl)
	clear(st.matchedL)
	st.matchedR = grow(&st.matchedR, nr)
	clear(st.matchedR)
	j.build(nkeys)
	err := j.probe(nkeys, func() error {
		j.verifyKeys(0, nkeys)
		return j.emitPairs(true)
	})
	if err != nil {
		return err
	}
	// NULL-padded rows of the preserved sides.
	st.li, st.ri = st.li[:0], st.ri[:0]
	pad := func(l, r int32) error {
		st.li = append(st.li, l)
		st.ri = append(st.ri, r)
		if len(st.li) == BatchRows {
			if err := j.emitPairs(false); err != nil {
				return err
			}
			st.li, st.ri = st.li[:0], st.ri[:0]
		}
		return nil
	}
	if j.kind == joinLeft || j.kind == joinFull {
		for l, m := range st.matchedL[:nl] {
			if !m {
				if err := pad(int32(l), -1); err != nil {
					return err
				}
			}
		}
	}
	if j.kind == joinRight || j.kind == joinFull {
		for r, m := range st.matchedR[:nr] {
			if !m {
				if err := pad(-1, int32(r)); err != nil {
					return err
				}
			}
		}
	}
	if len(st.li) > 0 {
		return j.emitPairs(false)
	}
	return nil
}

// emitPairs pushes the rows of pairs (st.li, st.ri); matched pairs first
// pass the residual condition and mark their rows matched.
func (j *opJoin) emitPairs(matched bool) error {
	st := &j.st
	if len(st.li) == 0 {
		return nil
	}
	c := j.pairChunk()
	if matched {
		var err error
		if c, err = j.passResidual(st, c); err != nil {
			return err
		}
		if c == &st.g {
			n := 0
			for _, k := range st.sel {
				st.li[n], st.ri[n] = st.li[k], st.ri[k]
				n++
			}
			st.li, st.ri = st.li[:n], st.ri[:n]
		}
	}
	if matched {
		for i, l := range st.li {
			st.matchedL[l] = true
			st.matchedR[st.ri[i]] = true
		}
	}
	if c.n == 0 {
		return nil
	}
	return j.next.push(0, c)
}

// passResidual returns the pairs of c that pass the residual condition:
// c itself when all do (or there is none), else st.g, gathered from c at
// the rows st.sel lists.
func (j *opJoin) passResidual(st *joinScratch, c *chunk) (*chunk, error) {
	if j.residual == nil {
		return c, nil
	}
	v := j.residual.eval(&st.a, c)
	if st.a.err != nil {
		return nil, st.a.err
	}
	st.sel = selectTrue(st.sel, v, c.n)
	if len(st.sel) == c.n {
		return c, nil
	}
	gatherChunk(&st.g, c, st.sel, &st.a, &st.rowsBuf)
	return &st.g, nil
}

// Mark states of a probe row (IN and EXISTS).
const (
	markNone  = iota // no row of the subquery (for it)
	markRows         // rows, none equal
	markNulls        // rows, none equal, some NULL (or the probe value NULL)
	markTrue         // an equal row
)

// runMark answers IN / EXISTS for every left row. Keys are the
// correlation keys, then (IN) the value compared with NULL semantics:
// x IN (S) is TRUE when some y of S equals x, FALSE when S is empty,
// else NULL when x or some y is NULL, else FALSE.
func (j *opJoin) runMark() error {
	st := &j.st
	nkeys := len(j.sides[0].keys)
	ncorr := nkeys
	if j.nullAware {
		ncorr--
	}
	nl, nr := j.sides[0].buf.rows(), j.sides[1].buf.rows()
	st.markState = grow(&st.markState, nl)
	clear(st.markState)
	switch {
	case nkeys == 0:
		// Uncorrelated EXISTS: one answer for every row.
		if nr > 0 {
			fill(st.markState, markTrue)
		}
	case ncorr == 0:
		// Uncorrelated IN: hash on the value; the misses are FALSE or
		// NULL by whether the subquery is empty or has a NULL.
		hasNull := false
		for _, isNull := range j.keyCols(1)[0].null {
			hasNull = hasNull || isNull
		}
		if j.spill.on.Load() {
			// One partition of the values: the misses' answers depend on
			// all of the subquery's rows (op_join_spill.go).
			nr, hasNull = int(j.spill.buildRows.Load()), j.spill.buildNulls.Load() > 0
		}
		j.build(1)
		err := j.probe(1, func() error {
			j.verifyKeys(0, 1)
			for _, l := range st.li {
				st.markState[l] = markTrue
			}
			return nil
		})
		if err != nil {
			return err
		}
		if nr > 0 {
			x := j.keyCols(0)[0]
			for l, m := range st.markState {
				if m == markNone {
					st.markState[l] = markRows
					if hasNull || x.null[l] {
						st.markState[l] = markNulls
					}
				}
			}
		}
	default:
		// Correlated: hash on the correlation keys; each matching row
		// is in the probe row's S.
		j.build(ncorr)
		err := j.probe(ncorr, func() error {
			j.verifyKeys(0, ncorr)
			if !j.nullAware {
				for _, l := range st.li {
					st.markState[l] = markTrue
				}
				return nil
			}
			x, y := j.keyCols(0)[ncorr], j.keyCols(1)[ncorr]
			for i, l := range st.li {
				r := st.ri[i]
				m := uint8(markRows)
				switch {
				case x.null[l] || y.null[r]:
					m = markNulls
				case valueEqual(x, y, int(l), int(r)):
					m = markTrue
				}
				st.markState[l] = max(st.markState[l], m)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return j.emitProbeRows(nl, func(a *arena, from, to int) *vec {
		v := a.vec(tBool, to-from)
		b, nulls := v.bools(), v.nulls()
		for i, m := range st.markState[from:to] {
			b[i] = m == markTrue
			nulls[i] = m == markNulls
		}
		return v
	})
}

// valueEqual compares row l of x with row r of y (non-NULL, one type).
// It runs once per candidate of a correlated IN only.
func valueEqual(x, y *column, l, r int) bool {
	switch {
	case x.t.isIntLike():
		return x.i[l] == y.i[r]
	case x.t.k == kDouble:
		return x.f[l] == y.f[r]
	case x.t.isStringy():
		return x.s[l] == y.s[r]
	case x.t.k == kBool:
		return x.b[l] == y.b[r]
	}
	return false
}

// runScalar gives every left row the value of the subquery's only row
// (NULL when it has none).
func (j *opJoin) runScalar() error {
	nl := j.sides[0].buf.rows()
	val := j.sides[1].buf.cols[0]
	if n := val.len(); n > 1 {
		return errors.New("scalar subquery " + j.text + ": expected at most one row, found " + itoa(int64(n)))
	}
	return j.emitProbeRows(nl, func(a *arena, from, to int) *vec { return scalarAnswer(a, val, to-from) })
}

// scalarAnswer is the value of a scalar subquery's only row, val, as a
// constant of n rows (NULL when it has none).
func scalarAnswer(a *arena, val *column, n int) *vec {
	if val.len() == 0 {
		return &vec{t: val.t, n: n, isConst: true, null: []bool{true}, i: []int64{0}, f: []float64{0}, s: []string{""}, b: []bool{false}, x: []any{nil}}
	}
	v := a.vec(val.t, n)
	v.isConst = true
	switch {
	case val.t.isComplex():
		v.x = val.x[:1]
	case val.t.isIntLike():
		v.i = val.i[:1]
	case val.t.k == kDouble:
		v.f = val.f[:1]
	case val.t.isStringy():
		v.s = val.s[:1]
	case val.t.k == kBool:
		v.b = val.b[:1]
	}
	if val.null[0] {
		v.null = []bool{true}
	}
	return v
}

// emitProbeRows pushes every left row, in batches, with answer's column
// in the mark slot.
func (j *opJoin) emitProbeRows(nl int, answer func(a *arena, from, to int) *vec) error {
	st := &j.st
	sd := &j.sides[0]
	for from := 0; from < nl; from += BatchRows {
		to := min(from+BatchRows, nl)
		st.li = grow(&st.li, to-from)
		for i := range st.li {
			st.li[i] = int32(from + i)
		}
		st.a.reset()
		c := &st.c
		c.reset(j.out.n, &st.a)
		c.n = to - from
		for i, cp := range sd.copies {
			if col := sd.buf.cols[i]; col != nil && col.len() == nl {
				c.cols[cp.out] = joinGather(&st.a, col, st.li)
			}
		}
		c.cols[j.markSlot] = answer(&st.a, from, to)
		if err := j.next.push(0, c); err != nil {
			return err
		}
	}
	return nil
}
