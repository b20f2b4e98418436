package engine

import (
	"io"
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
// the pool fails the query, as joins that cannot spill (mark joins, joins
// without keys, nested values) do.

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
}

// initSpill decides whether the join can spill and prepares the sets.
func (j *opJoin) initSpill(workers int) {
	sp := &j.spill
	sp.on.Store(false)
	sp.ok = j.kind <= joinFull && len(j.sides[0].keys) > 0 && j.pool.limit >= 0
	for s := range j.sides {
		sd := &j.sides[s]
		sp.types[s] = sp.types[s][:0]
		for _, k := range sd.keys {
			sp.types[s] = append(sp.types[s], k.typ())
			sp.ok = sp.ok && spillable(k.typ())
		}
		for _, cp := range sd.copies {
			sp.types[s] = append(sp.types[s], cp.t)
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

// spillBuffered writes worker w's buffered rows of both inputs to its
// sets and gives their memory back.
func (j *opJoin) spillBuffered(w int) error {
	for s := range j.sides {
		sd := &j.sides[s]
		b := sd.ws[w]
		if b.n == 0 {
			continue
		}
		a := &b.a
		a.reset()
		cols := make([]*vec, 0, len(j.spill.types[s]))
		nc := len(sd.copies)
		for k := range sd.keys {
			cols = append(cols, columnVec(a, b.cols[nc+k], j.spill.types[s][k], b.n))
		}
		for i, cp := range sd.copies {
			cols = append(cols, columnVec(a, b.cols[i], cp.t, b.n))
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
	for _, cp := range sd.copies {
		if cp.in >= len(c.cols) || c.cols[cp.in] == nil && c.src[cp.in].arr == nil {
			v := a.vec(cp.t, c.n)
			fill(v.nulls(), true)
			ensureValues(v)
			cols = append(cols, v)
			continue
		}
		cols = append(cols, flat(a, c.col(cp.in), c.n))
	}
	return j.spillRows(w, s, cols, c.n)
}

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
	set := j.spill.sets[w][s]
	if set == nil {
		set = newSpillSet(j.spill.dir, 0)
		j.spill.sets[w][s] = set
	}
	return set.write(cols, len(j.sides[s].keys), n)
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
	for p := range spillParts {
		if !j.partGives(p) {
			continue
		}
		for s := range j.sides {
			if err := j.loadPartition(s, p); err != nil {
				return err
			}
		}
		if err := j.runJoin(); err != nil {
			return err
		}
		j.pool.used.Add(-j.held.Swap(0))
		j.sides[0].buf, j.sides[1].buf = joinBuf{}, joinBuf{}
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
	case joinLeft:
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
	*b = joinBuf{cols: make([]*column, len(types))}
	for i, t := range types {
		// buffer's order: copies first, then keys.
		at := i - nk
		if i < nk {
			at = len(sd.copies) + i
		}
		b.cols[at] = newColumn(t)
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
				at := i - nk
				if i < nk {
					at = len(sd.copies) + i
				}
				col := b.cols[at]
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
