package engine

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// dictCache remembers the Arrow dictionaries an arena's loads converted
// lately, so that a dictionary several batches share (the Parquet flow
// reader hands every batch of a row group its chunk's dictionary, see
// parsers' textShared) is converted once, into a vec kept across pushes,
// instead of once a batch. Its identity then stands for its entries: the
// grouper numbers a kept dictionary's entries once while it holds its
// values (grouper.keptTable).
//
// A dictionary is known by its Arrow data (arrow.ArrayData, which every
// batch's *array.Dictionary over it shares), and kept from its second
// load on: a batch's own dictionary, seen once, is converted into a
// scratch vec of the arena as before, allocating nothing. A kept vec is
// never changed or reused for another dictionary (isKept), so a holder
// of it, as the grouper's table, can never see other entries under it.
// The cache holds dictCacheSize dictionaries, the oldest replaced first;
// one replaced stays valid for whoever still uses it.
type dictCache struct {
	ents [dictCacheSize]dictCacheEnt
	next int // the entry to replace next
	// sbs and nbs are the string and NULL buffers of kept vecs whose
	// dictionary is gone, for the next ones kept (free): a row group's
	// dictionary of addresses is 100 KiB of strings.
	sbs [][]string
	nbs [][]bool
}

type dictCacheEnt struct {
	data arrow.ArrayData // the dictionary's Arrow data, nil: free
	v    *vec            // its kept vec; nil while seen once
}

// dictCacheSize is how many dictionaries an arena remembers: more than
// the dictionary columns a query loads per batch (the flow lake's
// account, addresses, interface, action...).
const dictCacheSize = 8

// dictKeepMax is the most entries a dictionary is kept with: a kept vec
// holds a string per entry (16 bytes) for as long as the cache keeps it,
// in every arena that loads the column.
const dictKeepMax = 1 << 15

// loadDict returns the vec of dictionary dict (the values of Arrow
// dictionary array x) for a load in arena a: the kept one when dict was
// loaded before, else a scratch vec of a. A dictionary with more entries
// than x has rows is kept at once: a batch's own dictionary has at most
// an entry per row, so this one is most likely shared.
func loadDict(a *arena, x *array.Dictionary) *vec {
	dict := x.Dictionary()
	data := x.Data().Dictionary()
	n := dict.Len()
	if _, ok := dict.(*array.String); !ok || data == nil || n == 0 || n > dictKeepMax {
		d := a.vec(nil, 0)
		loadArrow(a, d, dict, nil, nil, n)
		return d
	}
	c := &a.dicts
	for i := range c.ents {
		e := &c.ents[i]
		if e.data != data {
			continue
		}
		if e.v == nil {
			// Its second load: keep it.
			e.v = c.keep(a, dict)
		}
		return e.v
	}
	e := &c.ents[c.next]
	c.next = (c.next + 1) % dictCacheSize
	c.free(e)
	*e = dictCacheEnt{data: data}
	if n > x.Len() {
		e.v = c.keep(a, dict)
		return e.v
	}
	d := a.vec(nil, 0)
	loadArrow(a, d, dict, nil, nil, n)
	return d
}

// keep returns a new kept vec of dict, in the buffers of a kept vec
// whose dictionary is gone, if any.
func (c *dictCache) keep(a *arena, dict arrow.Array) *vec {
	for i := range c.ents {
		if e := &c.ents[i]; e.v != nil && e.data.Buffers() == nil {
			c.free(e)
			*e = dictCacheEnt{}
		}
	}
	v := &vec{sb: takeBuf(&c.sbs, dict.Len()), nb: takeBuf(&c.nbs, dict.Len())}
	loadArrow(a, v, dict, nil, nil, dict.Len())
	v.isKept = true
	return v
}

// free takes the buffers of e's kept vec for the next one when e's
// dictionary is gone: released by every batch (its Arrow data has no
// buffers then), so no push can still read the vec, which is only ever
// handed out with it. The vec itself stays as it is, an identity others
// may still compare (grouper.keptTable), with its strings dropped.
func (c *dictCache) free(e *dictCacheEnt) {
	if e.v == nil || e.data.Buffers() != nil {
		return
	}
	if e.v.sb != nil && len(c.sbs) < dictCacheSize {
		c.sbs = append(c.sbs, e.v.sb)
	}
	if e.v.nb != nil && len(c.nbs) < dictCacheSize {
		c.nbs = append(c.nbs, e.v.nb)
	}
	e.v.s, e.v.sb, e.v.null, e.v.nb = nil, nil, nil, nil
}

// takeBuf takes from bufs the buffer best fit for n elements: the
// smallest at least n long, else the largest; nil if there is none.
func takeBuf[T any](bufs *[][]T, n int) []T {
	best := -1
	for i, b := range *bufs {
		switch {
		case best < 0:
			best = i
		case cap(b) >= n && (cap((*bufs)[best]) < n || cap(b) < cap((*bufs)[best])):
			best = i
		case cap((*bufs)[best]) < n && cap(b) > cap((*bufs)[best]):
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	b := (*bufs)[best]
	last := len(*bufs) - 1
	(*bufs)[best] = (*bufs)[last]
	(*bufs)[last] = nil
	*bufs = (*bufs)[:last]
	return b
}
