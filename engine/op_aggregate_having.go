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
// two passes: the first keeps each row's group (4 bytes a row) for the
// second. Larger partitions are finished the general way.
const boundedMaxRows = 1 << 21

// spillBoundSkipped counts the spilled rows whose arguments finishing
// skipped because their group had too few rows for HAVING (for tests).
var spillBoundSkipped atomic.Int64

// finishPartBounded is finishPart for an aggregate with a HAVING bound
// (o.minRows): it emits, as worker w, the groups of partition p at level
// that have at least o.minRows rows, with their states computed from
// those groups' rows alone. It reports false, having emitted nothing and
// consumed no spilled rows, when the partition is too large for it (more
// than boundedMaxRows rows, or more groups than a table may hold): then
// the caller finishes it the general way.
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
	t := sc.table(o)
	defer func() { sc.t = t }() // emitted or abandoned: its memory can take the next partition
	// Pass 1: the groups and their rows, frozen ones first.
	rows := sc.rows[:0]
	sc.fids = growSlots(&sc.fids, len(fs))
	for fi, f := range fs {
		sel := f.parts[p]
		sc.fids[fi] = sc.fids[fi][:0]
		if len(sel) == 0 {
			continue
		}
		t.a.reset()
		keys := make([]*vec, len(f.keys))
		for k, v := range f.keys {
			keys[k] = gatherVec(&t.a, v, sel)
		}
		ids := t.g.groupIDs(&t.a, keys, len(sel))
		sc.fids[fi] = append(sc.fids[fi], ids...)
		rows = growTo(rows, t.g.ngroups)
		star := f.w.states[o.rowsAgg].(*countState).n
		for i, j := range sel {
			if int(j) < len(star) {
				rows[ids[i]] += star[j]
			}
		}
	}
	gids := sc.gids[:0]
	var est memEstimate
	for _, s := range sets {
		if len(s.blocks[p]) == 0 {
			continue
		}
		sr := spillReader{f: s.f, blocks: s.blocks[p], types: o.sp.types, part: spillKeys, nkeys: nk, buf: sc.buf}
		for {
			t.a.reset()
			cols, n, err := sr.next(&t.a)
			sc.buf = sr.buf
			if err == io.EOF {
				break
			}
			if err != nil {
				return false, err
			}
			ids := t.g.groupIDs(&t.a, cols, n)
			gids = append(gids, ids...)
			rows = growTo(rows, t.g.ngroups)
			for _, g := range ids {
				rows[g]++
			}
			if e := est.of(o, &t.g); o.sp.over(e, e, t.g.ngroups) {
				// Slow path: more groups than a table holds; the
				// general way spills them a level down.
				sc.rows, sc.gids = rows, gids
				return false, nil
			}
		}
	}
	sc.rows, sc.gids = rows, gids
	// Pass 2: the states of the groups that can pass.
	ng := t.g.ngroups
	keep := sc.keep[:0]
	for g, r := range rows[:ng] {
		if r >= o.minRows {
			keep = append(keep, int32(g))
		}
	}
	sc.keep = keep
	if len(keep) > 0 {
		o.mergeFrozenKept(t, fs, p, sc)
		if err := o.feedKept(t, sets, p, sc); err != nil {
			return false, err
		}
	} else {
		spillBoundSkipped.Add(int64(len(gids)))
	}
	for _, s := range sets {
		s.blocks[p] = nil
	}
	t.emit = keep
	return true, o.emitWorker(w, t, &sc.e)
}

// mergeFrozenKept merges into t the states of the frozen groups of
// partition p whose rows (sc.rows, by t's group) reach o.minRows.
func (o *opAggregate) mergeFrozenKept(t *aggWorker, fs []frozen, p int, sc *partScratch) {
	ng := t.g.ngroups
	for fi, f := range fs {
		sel, ids := f.parts[p], sc.fids[fi]
		if len(sel) == 0 {
			continue
		}
		from, to := sc.from[:0], sc.to[:0]
		for i, g := range ids {
			if sc.rows[g] >= o.minRows {
				from, to = append(from, sel[i]), append(to, g)
			} else {
				ids[i] = -1 // mergePairs skips the pairs of a group not kept
			}
		}
		sc.from, sc.to = from, to
		if len(from) == 0 {
			continue
		}
		for i, s := range t.states {
			if f.pairs[i] != nil {
				s.(*distinctState).mergePairs(f.w.states[i].(*distinctState), f.pairs[i][p], f.pos, ids)
				continue
			}
			s.merge(f.w.states[i], from, to, ng)
		}
	}
}

// feedKept updates t's states with the spilled rows of partition p whose
// group (sc.gids, in the order pass 1 read them) has at least o.minRows
// rows, decoding the arguments only of the blocks that hold such rows.
func (o *opAggregate) feedKept(t *aggWorker, sets []*spillSet, p int, sc *partScratch) error {
	nk := len(o.keys)
	ng := t.g.ngroups
	off := 0 // the first row of the current block in sc.gids
	for _, s := range sets {
		var pick []spillBlock
		var offs []int // per block picked: its first row in sc.gids
		for _, b := range s.blocks[p] {
			kept := false
			for _, g := range sc.gids[off : off+b.rows] {
				if sc.rows[g] >= o.minRows {
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
		sr := spillReader{f: s.f, blocks: pick, types: o.sp.types, part: spillArgs, nkeys: nk, buf: sc.buf}
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
			// The rows of the blocks just read whose group is kept.
			sel, gs := sc.from[:0], sc.to[:0]
			for r := 0; r < n; bi++ {
				for j, g := range sc.gids[offs[bi] : offs[bi]+pick[bi].rows] {
					if sc.rows[g] >= o.minRows {
						sel, gs = append(sel, int32(r+j)), append(gs, g)
					}
				}
				r += pick[bi].rows
			}
			sc.from, sc.to = sel, gs
			spillBoundSkipped.Add(int64(n - len(sel)))
			if len(sel) < n {
				for c, v := range cols {
					cols[c] = gatherVec(&t.a, v, sel)
				}
			}
			next := 0
			for i, ag := range o.aggs {
				t.states[i].update(gs, ng, cols[next:next+len(ag.args)])
				next += len(ag.args)
			}
		}
	}
	return nil
}
