package engine

import (
	"io"
	"math"
	"sync/atomic"
)

// A HAVING bound on the rows of a group.
//
// Most heavy hunts keep only groups of many rows: `HAVING count(*) > 100`
// (vpc_reject_flood), `HAVING count(DISTINCT dstport) >= 50`
// (vpc_port_scan: distinct values are at most the rows). Over millions of
// groups that barely repeat, almost every group fails that bound (port
// scan over the 2 GiB corpus: 10,799 of 1,429,181 groups have 50 rows),
// yet finishing a spilled aggregate computed every state of every group
// (COUNT(DISTINCT) pairs, array_agg lists) before HAVING dropped them.
// With a bound, a spilled partition is finished in two passes: the keys
// alone are grouped and each group's rows counted (the frozen groups'
// rows come from their count(*) state), then the arguments are decoded,
// and the states updated, only for the rows of groups with enough rows,
// and only those groups are emitted. The HAVING after the aggregate still
// filters the groups emitted, so the answer is the same.

// havingMinRows returns the fewest rows a group of o needs to pass HAVING
// condition h, and the index of o's count(*) aggregate, which gives the
// rows of frozen groups; 0 and -1 when h sets no bound above one row or o
// has no count(*). A bound comes from comparisons of a count(*), count(x),
// count_if(x), count(DISTINCT x) or approx_distinct(x) (each at most the
// rows of the group) with an integer constant, through AND (the largest
// bound) and OR (the smallest, so each side needs one).
func havingMinRows(o *opAggregate, h expr) (int64, int) {
	star := -1
	for i, ag := range o.aggs {
		if ag.name == "count" && ag.star && len(ag.args) == 0 {
			star = i
			break
		}
	}
	if star < 0 || len(o.keys) == 0 {
		return 0, -1
	}
	if n := rowsBound(o, h); n > 1 {
		return n, star
	}
	return 0, -1
}

// rowsBound returns the fewest rows a group needs for h to be TRUE (0: no
// bound known).
func rowsBound(o *opAggregate, h expr) int64 {
	switch e := h.(type) {
	case *exprAnd:
		return max(rowsBound(o, e.l), rowsBound(o, e.r))
	case *exprOr:
		return min(rowsBound(o, e.l), rowsBound(o, e.r))
	case *exprCmp:
		col, k, op := e.l, e.r, e.op
		if _, ok := col.(*exprConst); ok {
			col, k, op = e.r, e.l, op.flip()
		}
		c, ok := col.(*exprCol)
		lit, isConst := k.(*exprConst)
		if !ok || !isConst || lit.v.t.k != kInt || lit.v.isNull(0) || len(lit.v.i) == 0 {
			return 0
		}
		a := c.slot - len(o.keys)
		if a < 0 || a >= len(o.aggs) {
			return 0
		}
		switch o.aggs[a].name {
		case "count", "count_distinct", "approx_distinct":
		default:
			return 0
		}
		switch x := lit.v.i[0]; op {
		case opGt:
			if x == math.MaxInt64 {
				return math.MaxInt64
			}
			return max(0, x+1)
		case opGe, opEq:
			return max(0, x)
		}
	}
	return 0
}

// boundedMaxRows is the most spilled rows of one partition finished in
// two passes: the first keeps a number per row (4 bytes) for the second.
// Larger partitions are finished the general way.
const boundedMaxRows = 1 << 21

// spillBoundSkipped counts the spilled rows finishing left out because
// their group had too few rows for HAVING (for tests).
var spillBoundSkipped atomic.Int64

// finishPartBounded is finishPart for an aggregate with a HAVING bound
// (o.minRows): it emits, as worker w, the groups of partition p that have
// at least o.minRows rows (and perhaps a few with fewer, which HAVING
// drops).
//
// The first pass decodes the spilled rows' keys alone and counts the rows
// of each key hash (the frozen groups' from their count(*)), in a flat
// table: one probe a row, where grouping a row probed a table per key
// (three for vpc_port_scan) and copied new key strings. Groups whose
// hashes collide share a count, so a count can only be too high: no group
// with enough rows is left out. The second pass groups and aggregates, as
// the general way does, only the rows and frozen groups whose hash has
// enough rows, decoding only the blocks that hold such rows.
//
// It reports false, having emitted nothing and consumed no spilled rows,
// when the partition has more than boundedMaxRows rows or more groups
// with enough rows than a table may hold: then the caller finishes it the
// general way.
func (o *opAggregate) finishPartBounded(w int, fs []frozen, sets []*spillSet, p int, sc *partScratch) (bool, error) {
	total := 0
	for _, s := range sets {
		for _, b := range s.blocks[p] {
			total += b.rows
		}
	}
	if total > boundedMaxRows {
		return false, nil
	}
	nk := len(o.keys)
	// Pass 1: rows per key hash; hashes are numbered in sc.hashes, whose
	// counts are sc.rows; sc.fids and sc.ids give the number of each
	// frozen group and spilled row.
	sc.hashes.reset()
	rows := sc.rows[:0]
	count := func(h uint64, n int64) int32 {
		id, _ := sc.hashes.put(h, int32(len(rows)))
		if int(id) == len(rows) {
			rows = append(rows, 0)
		}
		rows[id] += n
		return id
	}
	sc.fids = growSlots(&sc.fids, len(fs))
	var a arena
	for fi, f := range fs {
		sel := f.parts[p]
		ids := sc.fids[fi][:0]
		if len(sel) > 0 {
			a.reset()
			keys := make([]*vec, len(f.keys))
			for k, v := range f.keys {
				keys[k] = gatherVec(&a, v, sel)
			}
			sc.hash = hashKeysInto(keys, len(sel), sc.hash, &sc.vh)
			star := f.w.states[o.rowsAgg].(*countState).n
			for i, j := range sel {
				var n int64
				if int(j) < len(star) {
					n = star[j]
				}
				ids = append(ids, count(sc.hash[i], n))
			}
		}
		sc.fids[fi] = ids
	}
	ids := sc.gids[:0]
	for _, s := range sets {
		if len(s.blocks[p]) == 0 {
			continue
		}
		sr := spillReader{f: s.f, blocks: s.blocks[p], types: o.sp.types, part: spillKeys, nkeys: nk, buf: sc.buf}
		for {
			a.reset()
			cols, n, err := sr.next(&a)
			sc.buf = sr.buf
			if err == io.EOF {
				break
			}
			if err != nil {
				return false, err
			}
			sc.hash = hashKeysInto(cols, n, sc.hash, &sc.vh)
			for _, h := range sc.hash[:n] {
				ids = append(ids, count(h, 1))
			}
		}
	}
	sc.rows, sc.gids = rows, ids
	kept := 0
	for _, r := range rows {
		if r >= o.minRows {
			kept++
		}
	}
	if int64(kept)*int64(groupBytes+keyBytes*nk+stateBytes*len(o.aggs)) > o.sp.tableBound() ||
		o.sp.maxGroups > 0 && int64(kept) > o.sp.maxGroups {
		// Slow path: more groups than a table holds; the general way
		// spills them a level down.
		return false, nil
	}
	// Pass 2: the groups with enough rows, as the general way takes them.
	t := sc.table(o)
	defer func() { sc.t = t }() // emitted: its memory can take the next partition
	if kept > 0 {
		o.mergeFrozenKept(t, fs, p, sc)
		if err := o.feedKept(t, sets, p, sc); err != nil {
			return false, err
		}
	} else {
		spillBoundSkipped.Add(int64(len(ids)))
	}
	for _, s := range sets {
		s.blocks[p] = nil
	}
	return true, o.emitWorker(w, t, &sc.e)
}

// mergeFrozenKept merges into t the frozen groups of partition p whose
// hash has at least o.minRows rows (sc.rows by sc.fids).
func (o *opAggregate) mergeFrozenKept(t *aggWorker, fs []frozen, p int, sc *partScratch) {
	for fi, f := range fs {
		sel := f.parts[p]
		if len(sel) == 0 {
			continue
		}
		from := sc.from[:0]
		for i, id := range sc.fids[fi] {
			if sc.rows[id] >= o.minRows {
				from = append(from, sel[i])
			}
		}
		sc.from = from
		if len(from) == 0 {
			continue
		}
		t.a.reset()
		keys := make([]*vec, len(f.keys))
		for k, v := range f.keys {
			keys[k] = gatherVec(&t.a, v, from)
		}
		to := t.g.groupIDs(&t.a, keys, len(from))
		// mergePairs finds a group's target by its index in the
		// partition (f.pos): -1 for the groups left out.
		at := growSlots(&sc.to, len(sel))
		fill(at, -1)
		for i, j := range from {
			at[f.pos[j]] = to[i]
		}
		for i, s := range t.states {
			if f.pairs[i] != nil {
				s.(*distinctState).mergePairs(f.w.states[i].(*distinctState), f.pairs[i][p], f.pos, at)
				continue
			}
			s.merge(f.w.states[i], from, to, t.g.ngroups)
		}
	}
}

// feedKept aggregates into t the spilled rows of partition p whose hash
// has at least o.minRows rows (sc.rows by sc.gids, in the order pass 1
// read them), reading only the blocks that hold such rows.
func (o *opAggregate) feedKept(t *aggWorker, sets []*spillSet, p int, sc *partScratch) error {
	off := 0 // the first row of the current block in sc.gids
	for _, s := range sets {
		var pick []spillBlock
		var offs []int // per block picked: its first row in sc.gids
		for _, b := range s.blocks[p] {
			kept := false
			for _, id := range sc.gids[off : off+b.rows] {
				if sc.rows[id] >= o.minRows {
					kept = true
					break
				}
			}
			if kept {
				pick, offs = append(pick, b), append(offs, off)
			} else {
				spillBoundSkipped.Add(int64(b.rows))
			}
			off += b.rows
		}
		sr := spillReader{f: s.f, blocks: pick, types: o.sp.types, buf: sc.buf}
		for bi := 0; ; {
			t.a.reset()
			cols, n, err := sr.next(&t.a)
			sc.buf = sr.buf
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			// The rows of the blocks just read whose hash is kept.
			sel := sc.from[:0]
			for r := 0; r < n; bi++ {
				for j, id := range sc.gids[offs[bi] : offs[bi]+pick[bi].rows] {
					if sc.rows[id] >= o.minRows {
						sel = append(sel, int32(r+j))
					}
				}
				r += pick[bi].rows
			}
			sc.from = sel
			spillBoundSkipped.Add(int64(n - len(sel)))
			if len(sel) < n {
				for c, v := range cols {
					cols[c] = gatherVec(&t.a, v, sel)
				}
			}
			o.aggregate(t, cols, len(sel))
		}
	}
	return nil
}
