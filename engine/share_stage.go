package engine

import "context"

// Staged scans.
//
// A query that joins a small table with a large one (GuardDuty findings
// with the CloudTrail activity of their principals) sees both tables'
// batches interleaved, so its join buffers the large input until the scan
// ends (op_join.go), once per hunt that reads it: nine copies of a rule
// with other thresholds buffer, and spill, the same CloudTrail rows nine
// times. When the scan reads the small table's objects first,
// [Run.FinishTable] ends that table's input before the large table's
// batches come: the operators fed by it alone finish (an aggregate over
// the findings emits its groups), and an inner join whose finished input
// is empty drops the other input's rows as they come instead of
// buffering them (it cannot emit any). A scan whose rows can only reach
// such an input is then not evaluated at all: its batches are skipped
// before any column is read.

// FinishTable ends table's input of the run: every batch of table has
// been pushed, and no Push of any table runs until it returns (the caller
// waits for its workers, as a staged scan does between its stages). The
// scans of table are flushed now instead of in [Run.Finish], so the
// operators fed only by them finish, and joins with an empty finished
// input drop the rows of their other input. The answer is the same as
// without the call. Pushing a batch of table afterwards is an error.
func (r *Run) FinishTable(table string) error {
	if r.failed.Load() {
		return r.firstErr()
	}
	if r.ctx.Err() != nil {
		return r.fail(context.Cause(r.ctx))
	}
	for _, o := range r.q.ops {
		if j, ok := o.(*opJoin); ok {
			j.staged = true
		}
	}
	defer func() {
		for _, o := range r.q.ops {
			if j, ok := o.(*opJoin); ok {
				j.staged = false
			}
		}
	}()
	for _, s := range r.q.scans {
		if s.table != table || s.flushed {
			continue
		}
		s.flushed = true
		if err := s.flush(); err != nil {
			return r.fail(err)
		}
	}
	r.q.markDeadScans()
	return nil
}

// markDeadScans marks the scans whose rows can only reach a join input
// that drops them ([opJoin.dropSide]): their pushes are skipped whole.
func (q *Query) markDeadScans() {
	for _, s := range q.scans {
		if s.flushed || s.dead {
			continue
		}
		for o := op(s); o != nil; o = nextOf(o) {
			if in, ok := o.(*opJoinInput); ok && in.j.drop[in.side] {
				s.dead = true
				break
			}
		}
	}
}

// DeadScans returns how many scans of table the run skips because a
// join with an empty finished input drops all their rows (see
// [Run.FinishTable]).
func (r *Run) DeadScans(table string) int {
	n := 0
	for _, s := range r.q.scans {
		if s.table == table && s.dead {
			n++
		}
	}
	return n
}

// stage runs when input done of the join has flushed during
// [Run.FinishTable] and the other input is still open, with no row
// buffered yet. An inner join whose finished input has no row emits
// nothing, so the open input's rows are dropped as they come instead of
// being buffered, or spilled, until the scan ends. Otherwise an inner
// equi-join puts the finished input's rows in a hash table and the open
// input's rows probe it as they come ([opJoin.streamChunk]): only the
// pairs are emitted, and the open input is never buffered.
func (j *opJoin) stage(done int) {
	open := 1 - done
	if j.kind != joinInner || j.spill.on.Load() {
		return
	}
	empty := true
	for _, b := range j.sides[open].ws {
		if b.n > 0 {
			return
		}
	}
	for _, b := range j.sides[done].ws {
		empty = empty && b.n == 0
	}
	if empty {
		j.drop[open] = true
		return
	}
	nkeys := len(j.sides[0].keys)
	if nkeys == 0 {
		return // no equality to hash on: joined at the end as usual
	}
	j.mergeSide(done)
	t := &joinTable{side: done}
	t.hash = j.hashSide(done, nkeys, nil)
	n := len(t.hash)
	size := 1
	for size < 2*n {
		size <<= 1
	}
	t.buckets = make([]int32, size)
	fill(t.buckets, -1)
	t.next = make([]int32, n)
	for r := n - 1; r >= 0; r-- { // chains list rows in input order
		t.next[r] = -1
		if j.hasNullKey(done, nkeys, r) {
			continue
		}
		b := int(t.hash[r] & uint64(size-1))
		t.next[r] = t.buckets[b]
		t.buckets[b] = int32(r)
	}
	t.ws = make([]*joinScratch, len(j.sides[open].ws))
	for w := range t.ws {
		t.ws[w] = &joinScratch{}
	}
	j.table = t
}

// joinTable is the hash table over the rows of a join's finished input
// (side), which the other input's rows probe as they come.
type joinTable struct {
	side    int
	hash    []uint64 // per row of side
	buckets []int32
	next    []int32
	ws      []*joinScratch // per worker: probe scratch
}

// streamChunk joins the rows of c, a chunk of the open input s from
// worker w, with the finished input's table and emits the pairs that
// pass the keys and the residual condition. Rows without a candidate are
// not copied at all; the others are copied for the chunk only.
func (j *opJoin) streamChunk(s, w int, c *chunk) error {
	t := j.table
	st := t.ws[w]
	sd := &j.sides[s]
	b := sd.ws[w]
	nkeys := len(sd.keys)
	// Candidates: hash the chunk's keys, look each row up.
	st.a.reset()
	st.keyVecs = st.keyVecs[:0]
	for _, e := range sd.keys {
		v := e.eval(&st.a, c)
		if st.a.err != nil {
			return st.a.err
		}
		v = flat(&st.a, v, c.n)
		if v.t.k == kDouble {
			f := make([]float64, c.n) // -0 equals 0: hash them alike
			for i, x := range v.f[:c.n] {
				if x == 0 {
					x = 0
				}
				f[i] = x
			}
			v.f = f
		}
		st.keyVecs = append(st.keyVecs, v)
	}
	st.hashL = hashKeys(st.keyVecs, c.n, st.hashL[:0])
	mask := uint64(len(t.buckets) - 1)
	st.li, st.ri = st.li[:0], st.ri[:0]
	open, table := &st.li, &st.ri // pairs are (left row, right row)
	if s == 1 {
		open, table = &st.ri, &st.li
	}
rows:
	for i, h := range st.hashL {
		for _, v := range st.keyVecs {
			if v.isNull(i) {
				continue rows
			}
		}
		for r := t.buckets[h&mask]; r >= 0; r = t.next[r] {
			if t.hash[r] == h {
				*open = append(*open, int32(i))
				*table = append(*table, r)
			}
		}
	}
	if len(st.li) == 0 {
		return nil
	}
	// Copy the chunk's rows, verify the keys, emit BatchRows pairs at a
	// time.
	if _, err := sd.fill(b, c); err != nil {
		return err
	}
	defer b.truncate()
	cols := [2][]*column{}
	cols[s], cols[t.side] = b.cols, j.sides[t.side].buf.cols
	keys := [2][]*column{cols[0][len(j.sides[0].copies):], cols[1][len(j.sides[1].copies):]}
	li, ri := st.li, st.ri
	for from := 0; from < len(li); from += BatchRows {
		to := min(from+BatchRows, len(li))
		st.li, st.ri = li[from:to], ri[from:to]
		verifyPairs(st, keys[0], keys[1], 0, nkeys)
		if err := j.emitStream(st, w, cols); err != nil {
			return err
		}
	}
	st.li, st.ri = li[:0], ri[:0]
	return nil
}

// emitStream pushes the pairs (st.li, st.ri) that pass the residual
// condition as worker w.
func (j *opJoin) emitStream(st *joinScratch, w int, cols [2][]*column) error {
	if len(st.li) == 0 {
		return nil
	}
	c, err := j.passResidual(st, j.pairChunkOf(st, cols))
	if err != nil {
		return err
	}
	if c.n == 0 {
		return nil
	}
	return j.next.push(w, c)
}

// truncate empties b for the next chunk, keeping its capacity (its
// strings' block is reused: nothing views it after the chunk's pairs
// were pushed).
func (b *joinBuf) truncate() {
	for _, col := range b.cols {
		if col != nil {
			col.truncate()
		}
	}
	b.n = 0
	b.strs.block = b.strs.block[:0]
}
