package engine

// Held reports what q's run holds between the scan and Finish (call it
// after the last Push): the estimated bytes of its groups, join inputs,
// window and set-operation rows in memory, as counted against the
// aggregate memory pool, and the bytes its aggregates wrote to spill
// files. hunt run --cost prints them per hunt.
func (q *Query) Held() (memory, spilled int64) {
	for _, o := range q.ops {
		switch x := o.(type) {
		case *opAggregate:
			for _, c := range x.sp.counted {
				memory += c[0]
			}
			for _, s := range x.sp.sets {
				if s != nil {
					spilled += s.off
				}
			}
		case *opJoin:
			memory += x.held.Load()
		case *opWindow:
			memory += x.counted.Load()
		case *opSetOp:
			memory += x.counted.Load()
		}
	}
	return memory, spilled
}
