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
// [Run.FinishTable] and the other input is still open: an inner join
// whose finished input has no row emits nothing, so the open input's rows
// are dropped as they come (and those buffered so far let go) instead of
// being buffered, or spilled, until the scan ends.
func (j *opJoin) stage(done int) {
	open := 1 - done
	if j.kind != joinInner || j.spill.on.Load() {
		return
	}
	for _, b := range j.sides[done].ws {
		if b.n > 0 {
			return
		}
	}
	j.drop[open] = true
	for _, b := range j.sides[open].ws {
		j.pool.used.Add(-b.bytes)
		j.held.Add(-b.bytes)
		*b = joinBuf{}
	}
}
