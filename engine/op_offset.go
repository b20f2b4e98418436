package engine

import "sync/atomic"

// opOffset drops the first n rows it receives and passes the rest: OFFSET.
// Its input is the first OFFSET+LIMIT rows (the statement's sort or limit
// takes that many), in order when the query has ORDER BY: a sort emits
// from one worker, so the rows an ordered OFFSET drops are the first in
// order. Unordered, which rows are dropped is up to scheduling, as in SQL.
type opOffset struct {
	base
	n    int64
	seen atomic.Int64
	ws   []*limitState
}

// offset appends OFFSET n to f.
func (c *compiler) offset(f *fragment, n int64) *fragment {
	o := &opOffset{n: n}
	c.add(o)
	f.tail.setNext(o)
	return &fragment{tail: o, names: f.names, types: f.types, width: f.width, hasOrder: f.hasOrder}
}

func (o *opOffset) start(workers int) {
	o.seen.Store(0)
	o.ws = make([]*limitState, workers)
	for i := range o.ws {
		o.ws[i] = &limitState{}
	}
}

func (o *opOffset) explain() string { return "offset " + itoa(o.n) }

func (o *opOffset) push(w int, c *chunk) error {
	end := o.seen.Add(int64(c.n))
	start := end - int64(c.n)
	if end <= o.n {
		return nil
	}
	if start >= o.n {
		return o.next.push(w, c)
	}
	return o.next.push(w, o.ws[w].rows(c, int(o.n-start), c.n))
}

func (o *opOffset) flush() error { return o.next.flush() }
