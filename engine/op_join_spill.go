package engine

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
)

// Spilling a join (grace hash join).
//
// When the rows a join buffers pass the memory pool, an inner or outer
// equi-join whose columns are all scalar writes them to temporary files
// instead (the aggregate's spillSet format), each row to the partition of
// its key hash, both inputs alike: rows with equal keys land in the same
// partition of both. From then on every worker writes its rows there. At
// flush the join runs one partition at a time: it reads the partition of
// both inputs back into memory and joins them as usual, so an outer join's
// unmatched rows are found per partition. A partition that alone passes
// the pool fails the query, as joins that cannot spill (joins without
// keys, nested values) do.
//
// Subqueries spill too, as `srcaddr IN (SELECT sourceipaddress FROM
// cloudtrail)` over a month of flow logs must: the probe input (the
// query's own rows) is what grows. A mark join with keys (IN, EXISTS
// with correlation) partitions both inputs by the correlation keys, or,
// for an uncorrelated IN, by the IN value: each correlation group, or
// each value, is whole in one partition, and runMark runs per partition.
// Only an uncorrelated IN needs facts about the whole subquery (whether
// it has rows, whether one is NULL): spillRows counts them as it writes.
// A mark join without keys (uncorrelated EXISTS) and a scalar subquery
// give every probe row the same answer, so the probe rows go to a log
// (rows in the order written) and are read back one block at a time,
// never whole: the subquery's rows are counted (EXISTS) or kept in memory
// (a scalar subquery has at most one).
//
// The probe input of a subquery carries every slot of the query's rows
// (joinSide.allSlots), whose types the plan does not fix up front: the
// first worker to spill takes them from its buffered columns (a slot no
// chunk fills stays out of the files).

// joinSpillRows, when positive, makes a join spill once a worker holds
// that many rows of an input, whatever the memory (tests spill small
// inputs with it).
var joinSpillRows = 0

// joinSpill is a join's spilling state.
type joinSpill struct {
	ok    bool           // this join can spill (set at start)
	on    atomic.Bool    // rows go to sets
	dir   string         // for the temporary files; os.TempDir() when ""
	types [2][]*dtype    // per side: the spilled columns, keys then copies
	sets  [][2]*spillSet // per worker, per side
	// copyTypes[s][i]: the type copy i of side s is spilled as; nil: the
	// copy is not spilled (a slot no chunk of the input fills).
	copyTypes [2][]*dtype
	// lazy: side 0's copies take their types from the first of its rows
	// spilled, buffered or not (allSlots); fixed once they have; mu
	// guards the fixing.
	lazy  bool
	fixed atomic.Bool
	mu    sync.Mutex
	// pkeys: the keys rows are partitioned by (the correlation keys of a
	// null-aware IN, which travels as a key after them); log: the probe
	// rows go to a log, read back in order (no keys).
	pkeys int
	log   bool
	// The subquery's rows and its rows with a NULL IN value, counted as
	// spilled (an uncorrelated IN's answers depend on all of them).
	buildRows, buildNulls atomic.Int64
}

// initSpill decides whether the join can spill and prepares the sets.
func (j *opJoin) initSpill(workers int) {
	sp := &j.spill
	sp.on.Store(false)
	sp.buildRows.Store(0)
	sp.buildNulls.Store(0)
	nkeys := len(j.sides[0].keys)
	switch j.kind {
	case joinMark, joinScalar:
		sp.ok = j.pool.limit >= 0
	default:
		sp.ok = nkeys > 0 && j.pool.limit >= 0
	}
	sp.pkeys = nkeys
	if j.kind == joinMark && j.nullAware && nkeys > 1 {
		sp.pkeys = nkeys - 1 // the correlation keys, not the IN value
	}
	sp.log = nkeys == 0 && (j.kind == joinMark || j.kind == joinScalar)
	sp.lazy = false
	sp.fixed.Store(false)
	for s := range j.sides {
		sd := &j.sides[s]
		sp.types[s] = sp.types[s][:0]
		for _, k := range sd.keys {
			sp.types[s] = append(sp.types[s], k.typ())
			sp.ok = sp.ok && spillable(k.typ())
		}
		sp.copyTypes[s] = sp.copyTypes[s][:0]
		if sd.allSlots != nil {
			sp.lazy = true // types come with the first spill
			continue
		}
		for _, cp := range sd.copies {
			sp.types[s] = append(sp.types[s], cp.t)
			sp.copyTypes[s] = append(sp.copyTypes[s], cp.t)
			sp.ok = sp.ok && cp.t != nil && spillable(cp.t)
		}
	}
	for _, ws := range sp.sets {
		for _, set := range ws {
			if set != nil {
				set.close()
			}
		}
	}
	sp.sets = make([][2]*spillSet, workers)
}

// startSpill turns spilling on, worker w's buffer having passed the
// pool; false when the join cannot spill. own: the join's own rows are
// past the budget (not only the pool, which other operators share), so
// it fails if it does not spill.
//
// A subquery's probe input spills with the types of its first rows
// (fixProbeTypes, as they are buffered). Before any came, the join
// spills only when it must: should they turn out nested, it fails, as
// it would have.
func (j *opJoin) startSpill(own bool) bool {
	sp := &j.spill
	if !sp.ok || sp.lazy && !sp.fixed.Load() && !own {
		return false
	}
	sp.on.Store(true)
	return true
}

// fixProbeTypes fixes, once, the types side 0's copies spill as: typeOf
// gives copy i's (nil: the slot is absent), from the first of the side's
// rows buffered or spilled. When one cannot be spilled (a nested value)
// the join cannot spill: an error for callers already spilling.
func (j *opJoin) fixProbeTypes(typeOf func(i int) *dtype) error {
	sp := &j.spill
	if !sp.lazy || sp.fixed.Load() {
		return nil
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.fixed.Load() {
		return nil
	}
	types := sp.types[0]
	var copies []*dtype
	for i := range j.sides[0].copies {
		t := typeOf(i)
		if t != nil {
			if !spillable(t) {
				sp.ok = false
				sp.fixed.Store(true)
				return &joinMemoryError{limit: j.pool.limit, what: j.explainShort() + " (its rows hold nested values, which cannot spill)"}
			}
			types = append(types, t)
		}
		copies = append(copies, t)
	}
	sp.types[0], sp.copyTypes[0] = types, copies
	sp.fixed.Store(true)
	return nil
}

// spillsSide reports whether side s's rows go to the sets once spilling
// is on: a scalar subquery's own rows (at most one) stay in memory.
func (j *opJoin) spillsSide(s int) bool { return !(s == 1 && j.kind == joinScalar) }

// spillBuffered writes worker w's buffered rows of both inputs to its
// sets and gives their memory back.
func (j *opJoin) spillBuffered(w int) error {
	for s := range j.sides {
		sd := &j.sides[s]
		b := sd.ws[w]
		if b.n == 0 || !j.spillsSide(s) {
			continue
		}
		if s == 0 {
			err := j.fixProbeTypes(func(i int) *dtype {
				if i < len(b.cols) && b.cols[i] != nil {
					return b.cols[i].t
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		a := &b.a
		a.reset()
		cols := make([]*vec, 0, len(j.spill.types[s]))
		nc := len(sd.copies)
		for k := range sd.keys {
			cols = append(cols, columnVec(a, b.cols[nc+k], j.spill.types[s][k], b.n))
		}
		for i, t := range j.spill.copyTypes[s] {
			var col *column
			if i < len(b.cols) {
				col = b.cols[i]
			}
			switch {
			case t != nil:
				cols = append(cols, columnVec(a, col, t, b.n))
			case col != nil:
				return errSlotAfterSpill
			}
		}
		if err := j.spillRows(w, s, cols, b.n); err != nil {
			return err
		}
		j.pool.used.Add(-b.bytes)
		j.held.Add(-b.bytes)
		*b = joinBuf{}
	}
	return nil
}

// columnVec views col as a plain vec of n rows; a nil col (a slot no
// chunk had) is all NULL.
func columnVec(a *arena, col *column, t *dtype, n int) *vec {
	if col == nil {
		v := a.vec(t, n)
		fill(v.nulls(), true)
		ensureValues(v)
		return v
	}
	v := a.vec(col.t, n)
	col.toVec(v)
	return v
}

// spillChunk writes the rows of c (input s, worker w) to the sets.
func (j *opJoin) spillChunk(s, w int, c *chunk) error {
	sd := &j.sides[s]
	b := sd.ws[w]
	a := &b.a
	a.reset()
	cols := make([]*vec, 0, len(j.spill.types[s]))
	for _, e := range sd.keys {
		v := e.eval(a, c)
		if a.err != nil {
			return a.err
		}
		cols = append(cols, flat(a, v, c.n))
	}
	absent := func(cp slotCopy) bool {
		return cp.in >= len(c.cols) || c.cols[cp.in] == nil && c.src[cp.in].arr == nil
	}
	if s == 0 {
		err := j.fixProbeTypes(func(i int) *dtype {
			if cp := sd.copies[i]; !absent(cp) {
				return c.col(cp.in).t
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for i, cp := range sd.copies {
		t := j.spill.copyTypes[s][i]
		absent := absent(cp)
		switch {
		case t == nil && absent:
		case t == nil:
			return errSlotAfterSpill
		case absent:
			v := a.vec(t, c.n)
			fill(v.nulls(), true)
			ensureValues(v)
			cols = append(cols, v)
		default:
			cols = append(cols, flat(a, c.col(cp.in), c.n))
		}
	}
	return j.spillRows(w, s, cols, c.n)
}

// errSlotAfterSpill: a chunk of a subquery's probe input fills a slot
// the first spilled buffer did not have, so the files have no place for
// it. Slots are fixed by the plan; failing is better than losing a value.
var errSlotAfterSpill = errors.New("BUG: join: a slot of the probe input appeared after its rows began to spill")

// spillRows writes rows (keys first) to worker w's set of input s. A
// double key of -0 is written as 0, so it lands where 0 does.
func (j *opJoin) spillRows(w, s int, cols []*vec, n int) error {
	for k := range j.sides[s].keys {
		v := cols[k]
		if v.t.k != kDouble || len(v.f) < n {
			continue
		}
		f := make([]float64, n)
		for i, x := range v.f[:n] {
			if x == 0 {
				x = 0
			}
			f[i] = x
		}
		nv := *v
		nv.f = f
		cols[k] = &nv
	}
	sp := &j.spill
	if s == 1 {
		sp.buildRows.Add(int64(n))
		if j.kind == joinMark && j.nullAware && len(j.sides[1].keys) == 1 {
			nulls := 0
			for i := range n {
				if cols[0].isNull(i) {
					nulls++
				}
			}
			sp.buildNulls.Add(int64(nulls))
		}
	}
	set := sp.sets[w][s]
	if set == nil {
		if sp.log {
			set = newSpillLog(sp.dir)
		} else {
			set = newSpillSet(sp.dir, 0)
		}
		sp.sets[w][s] = set
	}
	return set.write(cols, sp.pkeys, n)
}

// runSpilled joins partition by partition.
func (j *opJoin) runSpilled() error {
	defer func() {
		for _, ws := range j.spill.sets {
			for _, set := range ws {
				if set != nil {
					set.close()
				}
			}
		}
		j.spill.sets = nil
	}()
	for w := range j.sides[0].ws {
		if err := j.spillBuffered(w); err != nil {
			return err
		}
	}
	for _, ws := range j.spill.sets {
		for _, set := range ws {
			if set != nil {
				if err := set.finish(); err != nil {
					return err
				}
			}
		}
	}
	if j.spill.log {
		return j.streamSpilled()
	}
	for p := range spillParts {
		if !j.partGives(p) {
			continue
		}
		for s := range j.sides {
			if err := j.loadPartition(s, p); err != nil {
				return err
			}
		}
		var err error
		switch j.kind {
		case joinMark:
			err = j.runMark()
		default:
			err = j.runJoin()
		}
		if err != nil {
			return err
		}
		j.pool.used.Add(-j.held.Swap(0))
		j.sides[0].buf, j.sides[1].buf = joinBuf{}, joinBuf{}
	}
	return nil
}

// streamSpilled answers a join without keys (uncorrelated EXISTS, a
// scalar subquery) whose probe rows were logged: one answer for all,
// then the logged rows, block by block, with it.
func (j *opJoin) streamSpilled() error {
	var answer func(a *arena, n int) *vec
	if j.kind == joinScalar {
		j.mergeSide(1)
		defer func() {
			j.pool.used.Add(-j.held.Swap(0))
			j.sides[1].buf = joinBuf{}
		}()
		val := j.sides[1].buf.cols[0]
		if n := val.len(); n > 1 {
			return errors.New("scalar subquery " + j.text + ": expected at most one row, found " + itoa(int64(n)))
		}
		answer = func(a *arena, n int) *vec { return scalarAnswer(a, val, n) }
	} else {
		exists := j.spill.buildRows.Load() > 0
		answer = func(a *arena, n int) *vec {
			v := a.vec(tBool, n)
			v.isConst = true
			v.b = []bool{exists}
			v.null = []bool{false}
			return v
		}
	}
	sd := &j.sides[0]
	types := j.spill.types[0]
	st := &j.st
	for _, ws := range j.spill.sets {
		set := ws[0]
		if set == nil || len(set.blocks[0]) == 0 {
			continue
		}
		sr := &spillReader{f: set.f, blocks: set.blocks[0], types: types}
		for {
			st.a.reset()
			cols, n, err := sr.next(&st.a)
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			// A block may hold more rows than a batch: push them a batch
			// at a time.
			for from := 0; from < n; from += BatchRows {
				to := min(from+BatchRows, n)
				var sel []int32
				if from > 0 || to < n {
					st.li = grow(&st.li, to-from)
					for i := range st.li {
						st.li[i] = int32(from + i)
					}
					sel = st.li
				}
				c := &st.c
				c.reset(j.out.n, &st.a)
				c.n = to - from
				at := 0
				for i, cp := range sd.copies {
					if j.spill.copyTypes[0][i] == nil {
						continue
					}
					v := cols[at]
					if sel != nil {
						v = gatherVec(&st.a, v, sel)
					}
					c.cols[cp.out] = v
					at++
				}
				c.cols[j.markSlot] = answer(&st.a, to-from)
				if err := j.next.push(0, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// partGives reports whether partition p can give output rows: an inner
// join's needs rows of both inputs, a left join's rows of its left input,
// a right join's of its right. A join of a few rows with many (a handful
// of GuardDuty findings with a day of CloudTrail) then reads back only the
// partitions the few rows fell in, not every spilled row of the many.
func (j *opJoin) partGives(p int) bool {
	has := func(s int) bool {
		for _, ws := range j.spill.sets {
			if set := ws[s]; set != nil && len(set.blocks[p]) > 0 {
				return true
			}
		}
		return false
	}
	switch j.kind {
	case joinInner:
		return has(0) && has(1)
	case joinLeft, joinMark:
		return has(0)
	case joinRight:
		return has(1)
	}
	return has(0) || has(1)
}

// joinPartsLoaded counts the spilled partitions read back (tests).
var joinPartsLoaded atomic.Int64

// loadPartition reads partition p of input s from every worker's set
// into the side's buffer (copies, then keys, as buffer lays them out).
func (j *opJoin) loadPartition(s, p int) error {
	joinPartsLoaded.Add(1)
	sd := &j.sides[s]
	types := j.spill.types[s]
	nk := len(sd.keys)
	b := &sd.buf
	*b = joinBuf{cols: make([]*column, len(sd.copies)+nk)}
	// where[i]: the buffer column of spilled column i (buffer's order:
	// copies first, then keys; a copy not spilled stays nil).
	where := make([]int, 0, len(types))
	for k := range nk {
		where = append(where, len(sd.copies)+k)
	}
	for i, t := range j.spill.copyTypes[s] {
		if t != nil {
			where = append(where, i)
		}
	}
	for i, t := range types {
		b.cols[where[i]] = newColumn(t)
	}
	var a arena
	for _, ws := range j.spill.sets {
		set := ws[s]
		if set == nil || len(set.blocks[p]) == 0 {
			continue
		}
		sr := &spillReader{f: set.f, blocks: set.blocks[p], types: types}
		for {
			a.reset()
			cols, n, err := sr.next(&a)
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			var grew int64
			for i, v := range cols {
				col := b.cols[where[i]]
				from := col.len()
				if v.t.isStringy() {
					b.appendStrings(col, v, n)
				} else {
					col.appendVec(v, nil, n)
				}
				grew += appendedBytes(col, from)
			}
			b.n += n
			j.pool.used.Add(grew)
			// Only a partition that alone passes the budget fails: what
			// the pool's other operators hold (hunt run's other hunts,
			// not yet finished) depends on the scheduling, and must not
			// make this join fail one run and succeed the next.
			if j.held.Add(grew) > j.pool.limit {
				j.pool.used.Add(-j.held.Swap(0))
				return &joinMemoryError{limit: j.pool.limit, what: j.explainShort() + " (one partition of its spilled rows)"}
			}
		}
	}
	return nil
}
