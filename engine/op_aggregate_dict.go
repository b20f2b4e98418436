package engine

// keptTables holds, per key of a grouper, the value IDs of the entries of
// the kept dictionary (vec.isKept, see dictCache) the key was numbered
// from last: a dictionary several batches share (a Parquet row group's)
// has its entries numbered once while the grouper holds its values,
// each batch numbering only the entries no batch before it used.
//
// A table is valid for its dictionary, whose entries never change (a
// kept vec is never reused for another), and for the grouper's values:
// reset empties them, so it drops every table. Nothing else renumbers a
// grouper's values (spilling by ID goes on numbering in the same table).
type keptTables struct {
	keys []keptTable // per key
}

// keptTable is one key's table: ids[c] is the value ID of entry c of
// dictionary d, -1 until numbered.
type keptTable struct {
	d   *vec
	ids []int32
}

// reset drops every table (the grouper's values are gone).
func (t *keptTables) reset() {
	for i := range t.keys {
		t.keys[i].d = nil
	}
}

// keptTable returns the value IDs of dictionary d's entries in key k, -1
// for those not numbered yet, as dictTable does: for a kept dictionary,
// its table kept across chunks (started when d is not the one the key
// was last numbered from), else dictTable's.
func (g *grouper) keptTable(k int, d *vec) ([]int32, bool) {
	if !d.isKept {
		return g.dictTable(k, d)
	}
	for i := range g.pins {
		if p := &g.pins[i]; p.k == k && p.d == d {
			return p.ids, true
		}
	}
	t := &g.kept
	if len(t.keys) < len(g.types) {
		t.keys = make([]keptTable, len(g.types))
	}
	kt := &t.keys[k]
	if kt.d != d {
		kt.d = d
		kt.ids = growSlots(&kt.ids, d.n)
		fill(kt.ids, -1)
	}
	return kt.ids, false
}
