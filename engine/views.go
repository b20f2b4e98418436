package engine

// A push leaves views of its batch in the operators' scratch: the string
// headers a vec wrote into its buffer and the Arrow arrays its chunks
// read point into the batch's buffers. Scratch is reused by the next push
// into the same query on the same worker, but until then each view keeps
// the batch's whole buffers alive. With hundreds of hunts, each routed
// only the rows it can match, most hunts' last batch is an old one: the
// library's 118 hunts held 61 MB of batches that no hunt would read again
// (a third of the live heap at its peak). dropViews lets them go at the
// end of every push, at the cost of clearing what the push wrote.

// dropViews forgets what v holds of the batch.
func (v *vec) dropViews() {
	clear(v.sb[:v.sbn])
	v.sbz, v.sbn = max(v.sbz, v.sbn), 0 // sb[v.sbn:v.sbz] was not written since it was clear
	v.s, v.arr, v.dict, v.x = nil, nil, nil, nil
}

// dropViews forgets the Arrow arrays c reads and its slots.
func (c *chunk) dropViews() {
	for i := range c.src {
		c.src[i].arr = nil
		clear(c.src[i].parents)
		c.src[i].parents = c.src[i].parents[:0]
	}
	clear(c.cols)
}

// dropViews forgets what the scratch handed out in the last push holds.
func (a *arena) dropViews() {
	for _, v := range a.vecs[:a.used] {
		v.dropViews()
	}
	for _, c := range a.chunks[:a.usedCh] {
		c.dropViews()
	}
}

// dropViews forgets, at the end of a push on worker w, what the query's
// operators keep of the pushed batch in their scratch. Operators buffer
// rows only as copies (columns, arenas of their own), which stay.
func (q *Query) dropViews(w int) {
	for _, o := range q.ops {
		switch x := o.(type) {
		case *opScan:
			if st := at(x.ws, w); st != nil {
				st.a.dropViews()
				st.c.dropViews()
			}
		case *opWhere:
			if st := at(x.ws, w); st != nil {
				st.a.dropViews()
				st.c[0].dropViews()
				st.c[1].dropViews()
			}
		case *opProject:
			if st := at(x.ws, w); st != nil {
				st.a.dropViews()
				st.c.dropViews()
			}
		case *opLimit:
			if st := at(x.ws, w); st != nil {
				st.a.dropViews()
				st.c.dropViews()
			}
		case *opAggregate:
			if st := at(x.ws, w); st != nil {
				st.a.dropViews()
			}
		case *opSort:
			if st := at(x.ws, w); st != nil {
				st.a.dropViews()
			}
		case *opUnnest:
			if st := at(x.ws, w); st != nil {
				st.a.dropViews()
				st.c.dropViews()
			}
		case *opWindow:
			if st := at(x.ws, w); st != nil {
				st.a.dropViews()
			}
		case *opJoin:
			for _, side := range x.sides {
				if st := at(side.ws, w); st != nil {
					st.a.dropViews()
				}
			}
		}
	}
}

// at returns ws[w], nil when there is none.
func at[T any](ws []*T, w int) *T {
	if w < 0 || w >= len(ws) {
		return nil
	}
	return ws[w]
}
