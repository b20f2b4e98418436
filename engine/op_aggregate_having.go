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
		_, n := cmpBound(o, e)
		return n
	}
	return 0
}

// cmpBound returns, for a comparison e of a count(*), count(x),
// count_if(x), count(DISTINCT x) or approx_distinct(x) of o with an
// integer constant, the index of that aggregate in o.aggs and the least
// value it needs for e to be TRUE; -1 and 0 for any other condition.
func cmpBound(o *opAggregate, e *exprCmp) (int, int64) {
	a, n := atLeast(o, e)
	if a < 0 {
		return -1, 0
	}
	switch o.aggs[a].name {
	case "count", "count_distinct", "approx_distinct":
		return a, n
	}
	return -1, 0
}

// atLeast returns, for a comparison e of an aggregate of o with an
// integer constant, the index of that aggregate in o.aggs and the least
// value it needs for e to be TRUE; -1 and 0 for any other condition.
func atLeast(o *opAggregate, e *exprCmp) (int, int64) {
	col, k, op := e.l, e.r, e.op
	if _, ok := col.(*exprConst); ok {
		col, k, op = e.r, e.l, op.flip()
	}
	c, ok := col.(*exprCol)
	lit, isConst := k.(*exprConst)
	if !ok || !isConst || lit.v.t.k != kInt || lit.v.isNull(0) || len(lit.v.i) == 0 {
		return -1, 0
	}
	a := c.slot - len(o.keys)
	if a < 0 || a >= len(o.aggs) {
		return -1, 0
	}
	switch x := lit.v.i[0]; op {
	case opGt:
		if x == math.MaxInt64 {
			return a, math.MaxInt64
		}
		return a, max(0, x+1)
	case opGe, opEq:
		return a, max(0, x)
	}
	return -1, 0
}

// A HAVING bound on the distinct values of a group.
//
// A row bound is loose for count(DISTINCT x) >= N: vpc_port_scan's
// groups over the 2 GiB corpus, 10,799 with 50 rows, only one with 50
// distinct ports, and each of the 10,799 still had every state
// (COUNT(DISTINCT) pairs, array_agg lists) computed. With a distinct
// bound, finishing a spilled partition counts, between its two passes,
// the distinct x of each key hash that has enough rows, decoding x alone,
// and aggregates only the hashes that can pass.

// distBound is what a HAVING needs of one count(DISTINCT x) or
// approx_distinct(x) aggregate (exact here) and of the rows of a group.
type distBound struct {
	agg int // the aggregate in o.aggs
	col int // its argument x in the spilled columns (o.sp.types)
	// can reports whether a group of at most rows rows and at most
	// distinct distinct non-NULL x may pass the HAVING.
	can func(rows, distinct int64) bool
}

// havingDistinct returns the distinct bound of HAVING condition h on o,
// nil when h compares no count(DISTINCT x) or approx_distinct(x) with an
// integer, or when o has no row bound (havingMinRows, which it refines).
// The first such aggregate is bounded; comparisons of any other count are
// row bounds (each counts at most the rows). AND needs both sides, OR
// either, as for the row bound; any other condition may pass.
func havingDistinct(o *opAggregate, h expr) *distBound {
	if o.minRows <= 0 {
		return nil
	}
	d := -1
	var find func(h expr)
	find = func(h expr) {
		switch e := h.(type) {
		case *exprAnd:
			find(e.l)
			find(e.r)
		case *exprOr:
			find(e.l)
			find(e.r)
		case *exprCmp:
			if a, n := cmpBound(o, e); d < 0 && a >= 0 && n > 1 && o.aggs[a].name != "count" && len(o.aggs[a].args) == 1 {
				d = a
			}
		}
	}
	find(h)
	if d < 0 {
		return nil
	}
	col := len(o.keys)
	for _, ag := range o.aggs[:d] {
		col += len(ag.args)
	}
	return &distBound{agg: d, col: col, can: distPred(o, h, d)}
}

// distPred returns whether a group of at most rows rows and distinct
// values of aggregate d may make h TRUE.
func distPred(o *opAggregate, h expr, d int) func(rows, distinct int64) bool {
	switch e := h.(type) {
	case *exprAnd:
		l, r := distPred(o, e.l, d), distPred(o, e.r, d)
		return func(rows, distinct int64) bool { return l(rows, distinct) && r(rows, distinct) }
	case *exprOr:
		l, r := distPred(o, e.l, d), distPred(o, e.r, d)
		return func(rows, distinct int64) bool { return l(rows, distinct) || r(rows, distinct) }
	case *exprCmp:
		if a, n := cmpBound(o, e); a == d {
			return func(_, distinct int64) bool { return distinct >= n }
		} else if a >= 0 {
			return func(rows, _ int64) bool { return rows >= n }
		}
	}
	return func(int64, int64) bool { return true }
}

// A HAVING bound on a sum.
//
// vpc_large_egress keeps the groups whose bytes add up to 1 GiB or more
// (`HAVING sum(bytes) >= 1073741824`), with no bound on rows: one flow
// may pass. Over 5.6 M flows in groups that barely repeat, finishing
// computed every state (array_agg lists, min, max) of every group before
// HAVING dropped almost all of them. Byte counts are never negative, and
// then the sum of the rows of a key hash bounds from above the sum of
// each of its groups, as its rows bound their rows: finishing a spilled
// partition sums x per key hash in its first pass (decoding x alone) and
// aggregates only the hashes whose sum can pass. That x is never
// negative is known only from the data: a partition with a negative x,
// or a frozen group with a negative sum, is finished the general way.

// sumBound is what a HAVING needs of one sum(x) of bigint x.
type sumBound struct {
	agg int   // the sum in o.aggs
	col int   // its argument x in the spilled columns (o.sp.types)
	min int64 // the least sum of a group that may pass
}

// havingSum returns the sum bound of HAVING condition h on o: h compares
// a sum(x) of bigint x with an integer constant (sum(x) >= N, > N, = N,
// or the same flipped), through AND (either side's bound, the larger of
// two on one sum) and OR (both sides bounding one sum: the smaller). nil
// when there is none, or when the least sum is not positive (every sum
// of values >= 0 is at least 0).
func havingSum(o *opAggregate, h expr) *sumBound {
	if len(o.keys) == 0 {
		return nil
	}
	a, n := sumAtLeast(o, h)
	if a < 0 || n <= 0 {
		return nil
	}
	col := len(o.keys)
	for _, ag := range o.aggs[:a] {
		col += len(ag.args)
	}
	return &sumBound{agg: a, col: col, min: n}
}

// sumAtLeast returns the bigint sum of o that h bounds and the least
// value h needs of it; -1 and 0 for none.
func sumAtLeast(o *opAggregate, h expr) (int, int64) {
	switch e := h.(type) {
	case *exprAnd:
		la, ln := sumAtLeast(o, e.l)
		ra, rn := sumAtLeast(o, e.r)
		switch {
		case la < 0:
			return ra, rn
		case ra != la:
			return la, ln
		}
		return la, max(ln, rn)
	case *exprOr:
		la, ln := sumAtLeast(o, e.l)
		ra, rn := sumAtLeast(o, e.r)
		if la < 0 || ra != la {
			return -1, 0
		}
		return la, min(ln, rn)
	case *exprCmp:
		a, n := atLeast(o, e)
		if a < 0 {
			return -1, 0
		}
		if ag := o.aggs[a]; ag.name != "sum" || ag.t.k != kInt || len(ag.args) != 1 || ag.filtered || !ag.args[0].typ().isIntLike() {
			return -1, 0
		}
		return a, n
	}
	return -1, 0
}

// boundedMaxRows is the most spilled rows of one partition finished in
// two passes: the first keeps a number per row (4 bytes) for the second.
// Larger partitions are finished the general way.
const boundedMaxRows = 1 << 21

// spillBoundSkipped counts the spilled rows finishing left out because
// their group had too few rows for HAVING (for tests).
var spillBoundSkipped atomic.Int64

// finishPartBounded is finishPart for an aggregate with a HAVING bound
// (o.minRows, o.sp.sum): it emits, as worker w, the groups of partition p
// that have at least o.minRows rows and whose bounded sum reaches its
// least value (and perhaps a few others, which HAVING drops).
//
// The first pass reads the key hash the spilled rows were written with
// (appendSpillSegment) and counts the rows of each (the frozen groups'
// from their count(*)), in a flat table: one probe a row, no key decoded
// or hashed (decoding and hashing the keys was two thirds of the pass,
// 118 hunts); with a sum bound it decodes and adds up x too. Groups whose
// hashes collide share a count, so a count can only be too high: no group
// with enough rows is left out (sums likewise, x being never negative).
// The second pass groups and aggregates, as the general way does, only
// the rows and frozen groups whose hash has enough rows, decoding only
// the blocks that hold such rows.
//
// It reports false, having emitted nothing and consumed no spilled rows,
// when the partition has more than boundedMaxRows rows or more groups
// with enough rows than a table may hold, or a negative x: then the
// caller finishes it the general way.
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
	sb := o.sp.sum
	// Pass 1: rows (and the sum sb bounds) per key hash; hashes are
	// numbered in sc.hashes, whose counts are sc.rows (and sums
	// sc.sums); sc.fids and sc.gids give the number of each frozen
	// group and spilled row. The hashes are the low 32 bits of the key
	// hashes the spilled rows were written with (appendSpillSegment).
	sc.hashes.reset()
	rows, sums := sc.rows[:0], sc.sums[:0]
	count := func(h uint64, n int64) int32 {
		id, _ := sc.hashes.put(uint64(uint32(h)), int32(len(rows)))
		if int(id) == len(rows) {
			rows = append(rows, 0)
			if sb != nil {
				sums = append(sums, 0)
			}
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
			var star []int64 // no row bound: rows are not counted
			if o.rowsAgg >= 0 {
				star = f.w.states[o.rowsAgg].(*countState).n
			}
			for _, j := range sel {
				var n int64
				if int(j) < len(star) {
					n = star[j]
				}
				ids = append(ids, count(f.hash[j], n))
			}
			if sb != nil {
				s := f.w.states[sb.agg].(*sumState)
				for i, j := range sel {
					if int(j) >= len(s.has) || !s.has[j] {
						continue
					}
					if s.i[j] < 0 {
						// Slow path: a negative sum bounds nothing.
						return false, nil
					}
					sums[ids[i]] = addSat(sums[ids[i]], s.i[j])
				}
			}
		}
		sc.fids[fi] = ids
	}
	ids := sc.gids[:0]
	for _, s := range sets {
		if len(s.blocks[p]) == 0 {
			continue
		}
		sr := spillReader{f: s.f, blocks: s.blocks[p], types: o.sp.types, part: spillHash, nkeys: nk, buf: sc.buf}
		if sb != nil {
			sr.part, sr.col, sr.withHash = spillCol, sb.col, true
		}
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
			at := len(ids)
			for _, h := range sr.hash[:n] {
				ids = append(ids, count(uint64(h), 1))
			}
			if sb != nil {
				x := cols[0]
				for r, id := range ids[at:] {
					if x.isNull(r) {
						continue
					}
					if x.i[r] < 0 {
						// Slow path: a negative value bounds nothing.
						return false, nil
					}
					sums[id] = addSat(sums[id], x.i[r])
				}
			}
		}
	}
	sc.rows, sc.sums, sc.gids = rows, sums, ids
	sc.keep = grow(&sc.keep, len(rows))
	keep := sc.keep
	for id, r := range rows {
		keep[id] = r >= o.minRows && (sb == nil || sums[id] >= sb.min)
	}
	if o.dist != nil {
		// Between the passes: the hashes whose distinct x can pass.
		if err := o.keepDistinct(fs, sets, p, sc); err != nil {
			return false, err
		}
	}
	kept := 0
	for _, k := range keep {
		if k {
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
	spillBoundGroups.Add(int64(t.g.ngroups))
	for _, s := range sets {
		s.blocks[p] = nil
	}
	return true, o.emitWorker(w, t, &sc.e)
}

// spillBoundGroups counts the groups whose states finishPartBounded
// computed (for tests).
var spillBoundGroups atomic.Int64

// spillDistinctNumbered counts the spilled x values keepDistinct
// numbered (for tests).
var spillDistinctNumbered atomic.Int64

// keepDistinct narrows sc.keep (per key hash number of pass 1) to the
// hashes whose rows and distinct non-NULL x (o.dist) may pass the HAVING.
// A hash's distinct count is that of its spilled rows and its frozen
// groups' pairs, each x numbered exactly (a grouper) and each (hash, x)
// pair counted once; groups whose hashes
// collide share a count, so a count can only be too high. Only the x
// column of the blocks holding rows of kept hashes is decoded.
func (o *opAggregate) keepDistinct(fs []frozen, sets []*spillSet, p int, sc *partScratch) error {
	db := o.dist
	keep := sc.keep
	sc.dist = grow(&sc.dist, len(keep))
	dist := sc.dist
	clear(dist)
	if sc.dg.types == nil {
		sc.dg = newGrouper([]*dtype{o.sp.types[db.col]})
	}
	sc.dg.reset()
	sc.dpairs.reset()
	var a arena
	for fi, f := range fs {
		if len(f.parts[p]) == 0 {
			continue
		}
		ids := sc.fids[fi]
		if f.pairs[db.agg] == nil {
			// No pairs: its rows bound its distinct values.
			star := f.w.states[o.rowsAgg].(*countState).n
			for i, j := range f.parts[p] {
				if int(j) < len(star) {
					dist[ids[i]] += star[j]
				}
			}
			continue
		}
		// The pairs of kept hashes, their values numbered as the
		// spilled rows' are (as mergePairs does).
		pairs := f.pairs[db.agg][p]
		var vmap flatTable[int32] // frozen value ID → index in used
		var used []int32
		for _, pr := range pairs {
			if !keep[ids[f.pos[int32(pr>>32)]]] {
				continue
			}
			v := int32(uint32(pr))
			if _, ok := vmap.put(uint64(v), int32(len(used))); !ok {
				used = append(used, v)
			}
		}
		if len(used) == 0 {
			continue
		}
		a.reset()
		vals := f.w.states[db.agg].(*distinctState).g.groupVecs(&a)
		vids := sc.dg.groupIDs(&a, []*vec{gatherVec(&a, vals[0], used)}, len(used))
		for _, pr := range pairs {
			id := ids[f.pos[int32(pr>>32)]]
			if !keep[id] {
				continue
			}
			j, _ := vmap.get(uint64(uint32(pr)))
			if _, ok := sc.dpairs.put(uint64(uint32(id))<<32|uint64(uint32(vids[j])), struct{}{}); !ok {
				dist[id]++
			}
		}
	}
	off := 0 // the first row of the current block in sc.gids
	for _, s := range sets {
		var pick []spillBlock
		var offs []int // per block picked: its first row in sc.gids
		for _, b := range s.blocks[p] {
			for _, id := range sc.gids[off : off+b.rows] {
				if keep[id] {
					pick, offs = append(pick, b), append(offs, off)
					break
				}
			}
			off += b.rows
		}
		sr := spillReader{f: s.f, blocks: pick, types: o.sp.types, part: spillCol, nkeys: len(o.keys), col: db.col, buf: sc.buf}
		for bi := 0; ; {
			a.reset()
			cols, n, err := sr.next(&a)
			sc.buf = sr.buf
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			// The rows of kept hashes with an x, whose x alone are
			// numbered: most rows of the blocks picked are of other
			// hashes (vpc_port_scan: numbering every x was half of
			// finishing).
			x := cols[0]
			sel, hid := sc.from[:0], sc.to[:0]
			for r := 0; r < n; bi++ {
				for j, id := range sc.gids[offs[bi] : offs[bi]+pick[bi].rows] {
					if keep[id] && !x.isNull(r+j) {
						sel, hid = append(sel, int32(r+j)), append(hid, id)
					}
				}
				r += pick[bi].rows
			}
			sc.from, sc.to = sel, hid
			if len(sel) == 0 {
				continue
			}
			spillDistinctNumbered.Add(int64(len(sel)))
			vids := sc.dg.groupIDs(&a, []*vec{gatherVec(&a, x, sel)}, len(sel))
			for i, id := range hid {
				if _, ok := sc.dpairs.put(uint64(uint32(id))<<32|uint64(uint32(vids[i])), struct{}{}); !ok {
					dist[id]++
				}
			}
		}
	}
	for id, k := range keep {
		keep[id] = k && db.can(sc.rows[id], dist[id])
	}
	return nil
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
			if sc.keep[id] {
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
				if sc.keep[id] {
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
					if sc.keep[id] {
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
