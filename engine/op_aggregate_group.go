package engine

import (
	"math/bits"
	"slices"
)

// valueMap numbers the distinct values of one key column.
type valueMap struct {
	ints   flatTable[int32] // integer, double (normFloat bits) and boolean values
	strs   strTable         // string values; their bytes are the grouper's column
	nullID int32            // -1 until a NULL is seen
	// excl, when not nil, is the one pinned dictionary (grouper.pin)
	// every value of the column came from, none of them filed in ints
	// or strs: the dictionary's entries are distinct, so an entry not
	// numbered yet is a new value, added without a lookup. Any other
	// input files them first (fileAll). A spilled aggregate's partition
	// table at one worker takes every key of its frozen groups and of
	// its spilled rows through one such dictionary per key.
	excl *vec
}

// grouper assigns dense group IDs to rows: each key column numbers its
// distinct values (a dictionary column once per dictionary entry), then
// tuples of value IDs are folded pairwise into group IDs through flat
// tables of uint64 (see flatTable), so no row allocates.
type grouper struct {
	types []*dtype
	vals  []*column          // per key: its distinct values by value ID
	maps  []valueMap         // per key: value → value ID
	folds []flatTable[int32] // per key after the first: (prefix ID, value ID) → ID
	// packed, for three keys or more while their value IDs fit side by
	// side in packBits bits (widths[k] bits for key k, the first key
	// lowest): those packed IDs → group ID, one probe a row where folding
	// probed a table per key after the first (vpc_port_scan's three keys,
	// vpc_large_egress's four, each table as large as the groups). Past
	// the bits the grouper folds (widths nil).
	packed    flatTable[int32]
	widths    []uint8
	groupKeys [][]int32 // per key: value ID of each group (multi-key only)
	ngroups   int
	ids       [][]int32 // scratch: per key, per row value IDs
	gids      []int32   // scratch: per row group IDs
	table     []int32   // scratch: dictionary entry → value ID
	look      []int32   // scratch: lookup's group IDs
	pk        []uint64  // scratch: per row its packed key
	fresh     []int32   // scratch: rows whose packed key was new
	sks       []strKey  // scratch: per row the strKey of a string key
	ents      []int32   // scratch: dictionary entries to number (dictStringIDs)
	// strs holds the bytes of string key values: one allocation per
	// value was most of adding a group at millions of groups that rarely
	// repeat (flow logs' source addresses), and as many objects for the
	// collector.
	strs strArena
	// pins are the dictionaries that stay the same for as long as g
	// holds its values (see pin), each with its entries' value IDs.
	pins []dictPin
	kept keptTables // op_aggregate_dict.go
}

// dictPin is a pinned dictionary and the value ID of each of its
// entries in the grouper (-1: not numbered yet).
type dictPin struct {
	k   int
	d   *vec
	ids []int32
}

// pin tells g that dictionary d (a plain vec) of key k keeps its entries, and
// its identity, until g is reset: key columns coded in d are then
// numbered through a table kept across chunks, so each entry is looked
// up once while g holds its values, not once per chunk that uses it.
// A spilled aggregate's partition table reads the key columns of many
// spilled chunks as value IDs of the worker that wrote them (see
// spillSet.src), all coded in that worker's values.
func (g *grouper) pin(k int, d *vec) {
	for _, p := range g.pins {
		if p.k == k && p.d == d {
			return
		}
	}
	var ids []int32
	if len(g.pins) < cap(g.pins) {
		ids = g.pins[:len(g.pins)+1][len(g.pins)].ids // reuse the room of an earlier pin
	}
	ids = slices.Grow(ids[:0], d.n)[:d.n]
	fill(ids, -1)
	g.pins = append(g.pins, dictPin{k: k, d: d, ids: ids})
}

// dictTable returns the value IDs of dictionary d's entries in key k,
// -1 for those not numbered yet: the pinned table of d, or a scratch
// one of -1s valid for one chunk.
func (g *grouper) dictTable(k int, d *vec) ([]int32, bool) {
	for i := range g.pins {
		if p := &g.pins[i]; p.k == k && p.d == d {
			return p.ids, true
		}
	}
	g.table = grow(&g.table, d.n)
	fill(g.table, -1)
	return g.table, false
}

// fileAll files the values of key k in its value map, if they came
// from one pinned dictionary unfiled (see valueMap.excl).
func (g *grouper) fileAll(k int) {
	m := &g.maps[k]
	if m.excl == nil {
		return
	}
	m.excl = nil
	col := g.vals[k]
	for i := range col.len() {
		if col.null[i] {
			continue
		}
		switch t := col.t; {
		case t.isStringy():
			m.strs.add(strKeyOf(col.s[i]), int32(i))
		case t.isIntLike():
			m.ints.put(uint64(col.i[i]), int32(i))
		case t.k == kDouble:
			m.ints.put(normFloat(col.f[i]), int32(i))
		case t.k == kBool:
			m.ints.put(uint64(b2i(col.b[i])), int32(i))
		}
	}
}

// addUnfiled returns a new value ID for entry c of pinned dictionary d,
// key k, without filing it (see valueMap.excl). A string is not copied:
// a pinned dictionary outlives the grouper's values.
func (g *grouper) addUnfiled(k int, d *vec, c int32) int32 {
	m := &g.maps[k]
	if d.isNull(int(c)) {
		return g.nullID(m, k)
	}
	col := g.vals[k]
	id := int32(col.len())
	if d.t.isStringy() {
		col.null = append(col.null, false)
		col.s = append(col.s, d.s[c])
		return id
	}
	g.addValue(k, d, int(c))
	return id
}

func newGrouper(types []*dtype) grouper {
	g := grouper{types: types}
	for _, t := range types {
		g.vals = append(g.vals, newColumn(t))
		g.maps = append(g.maps, valueMap{nullID: -1})
	}
	g.folds = make([]flatTable[int32], max(len(types)-1, 0))
	g.initWidths()
	g.groupKeys = make([][]int32, len(types))
	g.ids = make([][]int32, len(types))
	if len(types) == 0 {
		g.ngroups = 1 // a global aggregate has one group even without rows
	}
	return g
}

// reset empties g of groups and values, keeping the room its tables and
// value columns grew to. Strings it kept stay valid (its arena only
// appends).
func (g *grouper) reset() {
	for k, col := range g.vals {
		col.null, col.i, col.f, col.s, col.b, col.x = col.null[:0], col.i[:0], col.f[:0], col.s[:0], col.b[:0], col.x[:0]
		m := &g.maps[k]
		m.ints.reset()
		m.strs.reset()
		m.nullID = -1
		m.excl = nil
		g.groupKeys[k] = g.groupKeys[k][:0]
	}
	for k := range g.folds {
		g.folds[k].reset()
	}
	g.packed.reset()
	g.initWidths()
	if len(g.types) > 0 {
		g.ngroups = 0
	}
	for i := range g.pins {
		g.pins[i].d = nil
	}
	g.pins = g.pins[:0]
	g.kept.reset()
}

// groupIDs returns the group of each of the n rows of keys.
func (g *grouper) groupIDs(a *arena, keys []*vec, n int) []int32 {
	g.gids = grow(&g.gids, n)
	if len(keys) == 0 {
		clear(g.gids)
		return g.gids
	}
	g.keyIDs(a, keys, n)
	if len(keys) == 1 {
		copy(g.gids, g.ids[0])
		g.ngroups = g.vals[0].len()
		return g.gids
	}
	if g.widths != nil && !g.fits() {
		g.relayout()
	}
	if g.widths != nil {
		// Fast path: one probe a row.
		pk := g.packIDs(len(keys), n)
		g.fresh = numberKeys(&g.packed, pk, g.gids, g.fresh[:0])
		for j, gk := range g.groupKeys {
			ids := g.ids[j]
			m := len(gk)
			gk = growTo(gk, m+len(g.fresh))
			for x, i := range g.fresh {
				gk[m+x] = ids[i]
			}
			g.groupKeys[j] = gk
		}
		g.ngroups = g.packed.len()
		return g.gids
	}
	copy(g.gids, g.ids[0])
	last := len(keys) - 1
	for k := 1; k <= last; k++ {
		m := &g.folds[k-1]
		ids := g.ids[k]
		for i, prefix := range g.gids {
			key := uint64(uint32(prefix))<<32 | uint64(uint32(ids[i]))
			id, ok := m.put(key, int32(m.len()))
			if !ok {
				if k == last {
					for j := range g.groupKeys {
						g.groupKeys[j] = append(g.groupKeys[j], g.ids[j][i])
					}
				}
			}
			g.gids[i] = id
		}
	}
	g.ngroups = g.folds[last-1].len()
	return g.gids
}

// packIDs packs the value IDs of the nk keys of each of the n rows
// (keyIDs' g.ids) into one word a row, by the packed layout (g.widths
// set and fitting).
func (g *grouper) packIDs(nk, n int) []uint64 {
	var shifts [maxPackedKeys]uint8
	g.shifts(&shifts)
	pk := grow(&g.pk, n)[:n]
	// The first key's bits are the lowest: it sets the words, the
	// others OR theirs in (a shift masked to the word, and slices of
	// one length, compile to a plain shift and no bounds checks).
	for i, id := range g.ids[0][:len(pk)] {
		pk[i] = uint64(uint32(id))
	}
	for k := 1; k < nk; k++ {
		s := shifts[k] & 63
		ids := g.ids[k][:len(pk)]
		for i, id := range ids {
			pk[i] |= uint64(uint32(id)) << s
		}
	}
	return pk
}

// keyIDs numbers the values of each key column of the n rows of keys
// into g.ids, adding the values g does not have (but no group).
func (g *grouper) keyIDs(a *arena, keys []*vec, n int) {
	for k, v := range keys {
		g.ids[k] = g.valueIDs(a, k, v, n, g.ids[k])
	}
}

// probeIDs returns the group of each of the n rows whose value IDs
// keyIDs set, or -1 for a row whose values form no group: it adds no
// group, so a frozen table can keep aggregating the rows of the groups
// it holds (see opAggregate.spillIDs). Two keys or more. Its scratch is
// lookup's.
func (g *grouper) probeIDs(n int) []int32 {
	out := grow(&g.look, n)
	nk := len(g.types)
	if g.widths != nil && !g.fits() {
		g.relayout()
	}
	if g.widths != nil {
		for i, key := range g.packIDs(nk, n) {
			id, ok := g.packed.get(key)
			if !ok {
				id = -1
			}
			out[i] = id
		}
		return out
	}
	copy(out, g.ids[0][:n])
	for k := 1; k < nk; k++ {
		m := &g.folds[k-1]
		ids := g.ids[k]
		for i, prefix := range out {
			if prefix < 0 {
				continue
			}
			id, ok := m.get(uint64(uint32(prefix))<<32 | uint64(uint32(ids[i])))
			if !ok {
				id = -1
			}
			out[i] = id
		}
	}
	return out
}

// valueIDs numbers the values of key column k.
func (g *grouper) valueIDs(a *arena, k int, v *vec, n int, ids []int32) []int32 {
	ids = grow(&ids, n)
	m := &g.maps[k]
	if n == 0 {
		// No selected row: no value may become a group.
		return ids
	}
	if m.excl != nil && v.dict != m.excl {
		g.fileAll(k)
	}
	if v.isConst {
		fill(ids, g.valueID(m, k, v, 0, v.isNull(0)))
		return ids
	}
	if v.dict != nil {
		// Fast path: number each dictionary entry once, when a selected
		// row first uses it. Entries no selected row uses must not become
		// groups (a WHERE that drops all rows of a value).
		d := v.dict
		table, pinned := g.keptTable(k, d)
		if pinned && m.excl == nil && g.vals[k].len() == 0 {
			m.excl = d
		}
		if m.excl == d {
			// Fast path: an entry not numbered yet is a new value.
			if v.null == nil {
				// A partition table's spilled key IDs (decodeIDRun):
				// no NULL test, and each entry's ID loaded once, ~9
				// instructions a row where the loop below takes ~20.
				codes := v.codes[:n]
				ids := ids[:len(codes)]
				for i, c := range codes {
					id := table[c]
					if id < 0 {
						id = g.addUnfiled(k, d, c)
						table[c] = id
					}
					ids[i] = id
				}
				return ids
			}
			for i, c := range v.codes[:n] {
				if v.isNull(i) {
					ids[i] = g.nullID(m, k)
					continue
				}
				if table[c] < 0 {
					table[c] = g.addUnfiled(k, d, c)
				}
				ids[i] = table[c]
			}
			return ids
		}
		if d.t.isStringy() && len(m.strs.slots) >= strPrefetchMinSlots {
			g.dictStringIDs(k, v, n, table, ids)
			return ids
		}
		for i, c := range v.codes[:n] {
			if v.isNull(i) {
				ids[i] = g.nullID(m, k)
				continue
			}
			if table[c] < 0 {
				table[c] = g.valueID(m, k, d, int(c), d.isNull(int(c)))
			}
			ids[i] = table[c]
		}
		return ids
	}
	t := v.t
	switch {
	case t.isStringy():
		// NULLs (a flow log's "-" srcaddr) take the slow path per row,
		// not the whole column.
		// A run of one value (an account, "$path", the rows of one
		// source) is looked up once.
		vals := g.vals[k]
		if len(m.strs.slots) >= strPrefetchMinSlots {
			g.stringIDs(k, v, n, ids)
			break
		}
		// An 8-16 byte value (an account ID) is compared with the run's
		// as two words that overlap (pa, pb: the run value's), not by a
		// call of memequal, which was half of finding the run.
		prev, prevID := "", int32(-1)
		var pa, pb uint64
		for i, s := range v.s[:n] {
			if v.null != nil && v.null[i] {
				ids[i] = g.nullID(m, k)
				continue
			}
			if sn := len(s); prevID >= 0 && sn == len(prev) {
				if sn >= 8 && sn <= 16 {
					if le64(s) == pa && le64(s[sn-8:]) == pb {
						ids[i] = prevID
						continue
					}
				} else if s == prev {
					ids[i] = prevID
					continue
				}
			}
			sk := strKeyOf(s)
			id, ok := m.strs.get(s, sk, vals.s)
			if !ok {
				id = int32(vals.len())
				g.addValue(k, v, i)
				m.strs.add(sk, id)
			}
			ids[i], prev, prevID = id, s, id
			if sn := len(s); sn >= 8 && sn <= 16 {
				pa, pb = le64(s), le64(s[sn-8:])
			}
		}
	case t.isIntLike() && v.null == nil:
		for i, x := range v.i[:n] {
			id, ok := m.ints.get(uint64(x))
			if !ok {
				id = g.valueID(m, k, v, i, false)
			}
			ids[i] = id
		}
	default:
		for i := 0; i < n; i++ {
			ids[i] = g.valueID(m, k, v, i, v.isNull(i))
		}
	}
	return ids
}

// strPrefetchMinSlots is the fewest slots a key's strTable has for
// stringIDs to number its values: 96 KiB of slots. A spilled
// aggregate's partition tables (vpc_large_egress: a source and a
// destination address per group, tens of thousands a partition) hold
// 8,000-24,000 addresses a key, under the 768 KiB this was: numbered
// one by one, their probes missed the caches (two such tables and the
// group table share them, with the other workloads of the core).
// A variable so tests can take the batched path with a few values.
var strPrefetchMinSlots = 1 << 12

// stringIDs sets ids to the value IDs of the n rows of plain string
// column v, key k, as valueIDs does; a batched probe for a large strTable.
//
// Fast path: each row's key is computed first, and the home slots of a
// window of rows are prefetched while the window before is probed (see
// probeWindow). A value added may grow the table under prefetches in
// flight: they only miss.
func (g *grouper) stringIDs(k int, v *vec, n int, ids []int32) {
	m := &g.maps[k]
	vals := g.vals[k]
	sks := grow(&g.sks, n)
	for i, s := range v.s[:n] {
		sks[i] = strKeyOf(s)
	}
	var idx [probeWindow]uint32
	m.strs.prefetch(sks[:min(probeWindow, n)], &idx)
	// A run of one value is looked up once; a short value's key is its
	// bytes, so comparing keys compares values.
	prev, prevID := strKey{}, int32(-1)
	for lo := 0; lo < n; lo += probeWindow {
		hi := min(lo+probeWindow, n)
		if hi < n {
			m.strs.prefetch(sks[hi:min(hi+probeWindow, n)], &idx)
		}
		for i := lo; i < hi; i++ {
			if v.null != nil && v.null[i] {
				ids[i] = g.nullID(m, k)
				continue
			}
			sk := sks[i]
			if prevID >= 0 && sk == prev && (sk.k1>>56 != strLong || v.s[i] == vals.s[prevID]) {
				ids[i] = prevID
				continue
			}
			id, ok := m.strs.get(v.s[i], sk, vals.s)
			if !ok {
				id = int32(vals.len())
				g.addValue(k, v, i)
				m.strs.add(sk, id)
			}
			ids[i], prev, prevID = id, sk, id
		}
	}
}

// dictStringIDs sets ids to the value IDs of the n rows of string
// dictionary vec v, key k, as valueIDs does; table holds the value ID of
// each entry of v.dict (-1: not numbered yet) and gets those of the
// entries the rows use. A batched probe for a large strTable: the
// entries the rows use that are not numbered yet are listed first, then
// numbered as stringIDs numbers rows (their home slots prefetched a
// window ahead), then each row takes its entry's ID. A Parquet batch's
// addresses come as a dictionary of the batch's distinct values (a
// third of its rows in vpc_large_egress), each a probe that missed the
// caches when they were numbered one by one.
func (g *grouper) dictStringIDs(k int, v *vec, n int, table, ids []int32) {
	m := &g.maps[k]
	d, vals := v.dict, g.vals[k]
	codes := v.codes[:n]
	// The entries to number, each listed once (marked -2 meanwhile).
	var ents []int32
	if v.null == nil {
		ents = grow(&g.ents, len(codes))
		ents = ents[:markEntries(table, codes, ents)]
	} else {
		ents = g.ents[:0]
		for i, c := range codes {
			if table[c] == -1 && !v.null[i] {
				table[c] = -2
				ents = append(ents, c)
			}
		}
		g.ents = ents
	}
	sks := grow(&g.sks, len(ents))
	for j, c := range ents {
		sks[j] = strKeyOf(d.s[c])
	}
	var idx [probeWindow]uint32
	m.strs.prefetch(sks[:min(probeWindow, len(ents))], &idx)
	for lo := 0; lo < len(ents); lo += probeWindow {
		hi := min(lo+probeWindow, len(ents))
		if hi < len(ents) {
			m.strs.prefetch(sks[hi:min(hi+probeWindow, len(ents))], &idx)
		}
		for j := lo; j < hi; j++ {
			c := ents[j]
			if d.isNull(int(c)) {
				table[c] = g.nullID(m, k)
				continue
			}
			id, ok := m.strs.get(d.s[c], sks[j], vals.s)
			if !ok {
				id = int32(vals.len())
				g.addValue(k, d, int(c))
				m.strs.add(sks[j], id)
			}
			table[c] = id
		}
	}
	if v.null == nil {
		mapCodes(ids[:len(codes)], table, codes)
		return
	}
	for i, c := range codes {
		if v.null[i] {
			ids[i] = g.nullID(m, k)
			continue
		}
		ids[i] = table[c]
	}
}

// markEntries lists in ents (room for len(codes)) each entry of codes
// whose table value is -1, once (marking it -2), and returns how many
// it listed. A function of its own, as mapCodes: inside dictStringIDs
// the loop kept its counters on the stack, ~14 instructions a row for a
// test that is false for two rows in three.
//
//go:noinline
func markEntries(table, codes, ents []int32) int {
	n := 0
	ents = ents[:len(codes)]
	for _, c := range codes {
		if table[c] == -1 {
			table[c] = -2
			ents[n] = c
			n++
		}
	}
	return n
}

// mapCodes sets ids[i] to table[codes[i]] (ids as long as codes).
//
//go:noinline
func mapCodes(ids, table, codes []int32) {
	ids = ids[:len(codes)]
	for i, c := range codes {
		ids[i] = table[c]
	}
}

func (g *grouper) nullID(m *valueMap, k int) int32 {
	if m.nullID < 0 {
		m.nullID = int32(g.vals[k].len())
		g.vals[k].appendVec(constVec(g.types[k], true), []int32{0}, 1)
	}
	return m.nullID
}

// valueID returns (creating) the ID of row i of plain v.
func (g *grouper) valueID(m *valueMap, k int, v *vec, i int, isNull bool) int32 {
	if isNull {
		return g.nullID(m, k)
	}
	t := v.t
	var id int32
	var ok bool
	switch {
	case t.isStringy():
		sk := strKeyOf(v.s[i])
		if id, ok = m.strs.get(v.s[i], sk, g.vals[k].s); ok {
			return id
		}
		id = int32(g.vals[k].len())
		g.addValue(k, v, i)
		m.strs.add(sk, id)
		return id
	case t.isIntLike():
		if id, ok = m.ints.put(uint64(v.i[i]), int32(g.vals[k].len())); ok {
			return id
		}
	case t.k == kDouble:
		if id, ok = m.ints.put(normFloat(v.f[i]), int32(g.vals[k].len())); ok {
			return id
		}
	case t.k == kBool:
		if id, ok = m.ints.put(uint64(b2i(v.b[i])), int32(g.vals[k].len())); ok {
			return id
		}
	default:
		panic("BUG: group key of type " + t.name)
	}
	g.addValue(k, v, i)
	return id
}

// addValue appends row i of plain v, not NULL, to key k's values; a
// string is copied into g's arena.
func (g *grouper) addValue(k int, v *vec, i int) {
	col := g.vals[k]
	col.null = append(col.null, false)
	switch t := v.t; {
	case t.isStringy():
		if g.strs.block == nil {
			// A first block of 1 KiB: most groupers of a run's hundreds
			// of hunts hold a few values (event names, regions).
			g.strs.block = make([]byte, 0, 1<<10)
		}
		col.s = append(col.s, g.strs.clone(v.s[i]))
	case t.isIntLike():
		col.i = append(col.i, v.i[i])
	case t.k == kDouble:
		col.f = append(col.f, v.f[i])
	case t.k == kBool:
		col.b = append(col.b, v.b[i])
	}
}

// groupVecs returns, per key, the key value of every group.
func (g *grouper) groupVecs(a *arena) []*vec {
	out := make([]*vec, len(g.types))
	for k, col := range g.vals {
		v := a.vec(col.t, col.len())
		col.toVec(v)
		if len(g.types) > 1 {
			v = gatherVec(a, v, g.groupKeys[k])
		}
		out[k] = v
	}
	return out
}

// rangeVecs appends to dst, per key, the key values of groups [lo, hi):
// views of the grouper's values for one key, gathered for several.
func (g *grouper) rangeVecs(a *arena, lo, hi int, dst []*vec) []*vec {
	for k, col := range g.vals {
		if len(g.types) == 1 {
			dst = append(dst, columnRows(a, col, lo, hi))
			continue
		}
		v := a.vec(col.t, col.len())
		col.toVec(v)
		dst = append(dst, gatherVec(a, v, g.groupKeys[k][lo:hi]))
	}
	return dst
}

// selVecs appends to dst, per key, the key values of groups sel; idx is
// scratch.
func (g *grouper) selVecs(a *arena, sel []int32, dst []*vec, idx *[]int32) []*vec {
	for k, col := range g.vals {
		v := columnRows(a, col, 0, col.len())
		ids := sel
		if len(g.types) > 1 {
			ids = grow(idx, len(sel))
			gatherInto(ids, g.groupKeys[k], sel)
		}
		dst = append(dst, gatherVec(a, v, ids))
	}
	return dst
}

// export returns a grouper holding only the groups sel of g, renumbered
// in sel order, with only the key values they use and no hash maps: a
// source for mergeFrom. Its strings are g's (strings are immutable).
func (g *grouper) export(sel []int32) grouper {
	e := grouper{types: g.types, ngroups: len(sel)}
	if len(g.types) == 1 {
		e.vals = []*column{gatherColumn(g.vals[0], sel)}
		return e
	}
	e.groupKeys = make([][]int32, len(g.types))
	for k, col := range g.vals {
		renum := make([]int32, col.len()) // g's value ID → e's, -1 if unused
		fill(renum, -1)
		var used []int32
		keys := make([]int32, len(sel))
		for i, j := range sel {
			vid := g.groupKeys[k][j]
			if renum[vid] < 0 {
				renum[vid] = int32(len(used))
				used = append(used, vid)
			}
			keys[i] = renum[vid]
		}
		e.vals = append(e.vals, gatherColumn(col, used))
		e.groupKeys[k] = keys
	}
	return e
}

// gatherColumn returns rows ids of c as a new column sharing c's strings
// and nested values.
func gatherColumn(c *column, ids []int32) *column {
	o := newColumn(c.t)
	o.null = make([]bool, len(ids))
	gatherInto(o.null, c.null, ids)
	switch {
	case c.t.k == kNull:
	case c.t.isComplex():
		o.x = make([]any, len(ids))
		gatherInto(o.x, c.x, ids)
	case c.t.isIntLike():
		o.i = make([]int64, len(ids))
		gatherInto(o.i, c.i, ids)
	case c.t.k == kDouble:
		o.f = make([]float64, len(ids))
		gatherInto(o.f, c.f, ids)
	case c.t.isStringy():
		o.s = make([]string, len(ids))
		gatherInto(o.s, c.s, ids)
	case c.t.k == kBool:
		o.b = make([]bool, len(ids))
		gatherInto(o.b, c.b, ids)
	}
	return o
}

// mergeFrom adds the groups of src to g (those g does not have yet) and
// sets gmap[j] to g's group for src's group j. Each distinct key value of
// src is looked up once, so a group costs one fold per key after the
// first (none for one key).
func (g *grouper) mergeFrom(a *arena, src *grouper, gmap []int32) {
	nk := len(g.types)
	if nk == 0 {
		gmap[0] = 0 // the one group of a global aggregate
		return
	}
	for k := range nk {
		g.fileAll(k)
	}
	vals := make([]*vec, nk) // per key: src's values
	for k, col := range src.vals {
		vals[k] = a.vec(col.t, col.len())
		col.toVec(vals[k])
	}
	n := src.ngroups
	if nk == 1 {
		// A group is a value.
		m, v := &g.maps[0], vals[0]
		for j := range n {
			gmap[j] = g.valueID(m, 0, v, j, v.isNull(j))
		}
		g.ngroups = g.vals[0].len()
		return
	}
	tr := make([][]int32, nk) // per key: src value ID → g's, -1 until seen
	for k, col := range src.vals {
		tr[k] = make([]int32, col.len())
		fill(tr[k], -1)
	}
	// g's value IDs of each group's keys, all numbered before any group
	// is found (packed keys need every value's width).
	curs := make([][]int32, nk)
	for k := range nk {
		curs[k] = make([]int32, n)
		for j, vid := range src.groupKeys[k][:n] {
			id := tr[k][vid]
			if id < 0 {
				id = g.valueID(&g.maps[k], k, vals[k], int(vid), vals[k].isNull(int(vid)))
				tr[k][vid] = id
			}
			curs[k][j] = id
		}
	}
	if g.widths != nil && !g.fits() {
		g.relayout()
	}
	if g.widths != nil {
		var shifts [maxPackedKeys]uint8
		g.shifts(&shifts)
		for j := range n {
			var key uint64
			for k := range nk {
				key |= uint64(uint32(curs[k][j])) << shifts[k]
			}
			id, ok := g.packed.put(key, int32(g.packed.len()))
			if !ok {
				for k := range nk {
					g.groupKeys[k] = append(g.groupKeys[k], curs[k][j])
				}
			}
			gmap[j] = id
		}
		g.ngroups = g.packed.len()
		return
	}
	cur := make([]int32, nk) // g's value IDs of the current group
	last := nk - 1
	for j := range n {
		for k := range nk {
			cur[k] = curs[k][j]
		}
		prefix := cur[0]
		for k := 1; k <= last; k++ {
			m := &g.folds[k-1]
			key := uint64(uint32(prefix))<<32 | uint64(uint32(cur[k]))
			id, ok := m.put(key, int32(m.len()))
			if !ok {
				if k == last {
					for kk, x := range cur {
						g.groupKeys[kk] = append(g.groupKeys[kk], x)
					}
				}
			}
			prefix = id
		}
		gmap[j] = prefix
	}
	g.ngroups = g.folds[last-1].len()
}

// partition splits the groups into np lists by a hash of their key
// values, so that equal keys of different workers fall in the same list.
// Each distinct value of a key is hashed once; the hash does not depend
// on the process, so neither does the split.
func (g *grouper) partition(np int) [][]int32 {
	n := g.ngroups
	h := make([]uint64, n)
	for k, col := range g.vals {
		vh := valueHashes(col)
		if len(g.types) == 1 {
			copy(h, vh)
			break
		}
		for i, id := range g.groupKeys[k][:n] {
			h[i] = mix64(h[i] ^ vh[id])
		}
	}
	counts := make([]int, np)
	for i, x := range h {
		p := (x >> 32) * uint64(np) >> 32 // in [0, np)
		h[i] = p
		counts[p]++
	}
	out := make([][]int32, np)
	for p := range out {
		out[p] = make([]int32, 0, counts[p])
	}
	for i, p := range h {
		out[p] = append(out[p], int32(i))
	}
	return out
}

// valueHashes returns the hash of each value of c: NULL, strings by
// content, integers by value, doubles as grouping compares them
// (normFloat), booleans.
func valueHashes(c *column) []uint64 {
	return hashValues(c.t, c.null, c.i, c.f, c.s, c.b, make([]uint64, c.len()))
}

// nullHash is the hash of NULL.
const nullHash = 0x6a09e667f3bcc909

// hashValues sets h[i] to the hash of value i of type t given as its
// value slices (a vec's or a column's; null may be nil), one loop per
// type, and returns h.
func hashValues(t *dtype, null []bool, ints []int64, floats []float64, strs []string, bools []bool, h []uint64) []uint64 {
	n := len(h)
	switch {
	case t.isStringy():
		hashStrings(strs[:n], h)
	case t.isIntLike():
		for i, x := range ints[:n] {
			h[i] = mix64(uint64(x))
		}
	case t.k == kDouble:
		for i, x := range floats[:n] {
			h[i] = mix64(normFloat(x))
		}
	case t.k == kBool:
		for i, x := range bools[:n] {
			h[i] = mix64(uint64(b2i(x)) + 1)
		}
	default:
		fill(h, nullHash)
	}
	for i, isNull := range null[:min(len(null), n)] {
		if isNull {
			h[i] = nullHash
		}
	}
	return h
}

// hashStrings sets h[i] to hashString(strs[i]), a string of 4 to 16
// bytes (an address, an account ID) hashed in the loop: hashString is
// too large to inline, and its call was two thirds of hashing the keys
// of each row a HAVING log spills (~60 instructions a string).
func hashStrings(strs []string, h []uint64) {
	h = h[:len(strs)]
	for i, s := range strs {
		var a, b uint64
		switch n := len(s); {
		case n >= 8 && n <= 16:
			a, b = le64(s), le64(s[n-8:])
		case n >= 4 && n < 8:
			a, b = uint64(le32(s)), uint64(le32(s[n-4:]))
		default:
			h[i] = hashString(s)
			continue
		}
		h[i] = mix64(a ^ bits.RotateLeft64(b*0x9e3779b97f4a7c15, 32) ^ uint64(len(s))<<58)
	}
}

// hashString hashes s: a string of at most 16 bytes (an address, an
// account ID, most names) with one finalizer, a longer one eight bytes
// at a time. Hashing each key of each spilled row was a third of
// writing vpc_large_egress's spill files; the loop over a short
// string's tail bytes and its second finalizer were most of it.
func hashString(s string) uint64 {
	if n := len(s); n <= 16 {
		// Fast path: two loads covering every byte (overlapping below
		// 16), and the length, so that the input differs wherever the
		// strings do.
		var a, b uint64
		switch {
		case n >= 8:
			a, b = le64(s), le64(s[n-8:])
		case n >= 4:
			a, b = uint64(le32(s)), uint64(le32(s[n-4:]))
		case n > 0:
			a = uint64(s[0]) | uint64(s[n/2])<<8 | uint64(s[n-1])<<16
		}
		return mix64(a ^ bits.RotateLeft64(b*0x9e3779b97f4a7c15, 32) ^ uint64(n)<<58)
	}
	h := uint64(len(s))
	for ; len(s) >= 8; s = s[8:] {
		h = mix64(h ^ (uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56))
	}
	var x uint64
	for i := 0; i < len(s); i++ {
		x |= uint64(s[i]) << (8 * i)
	}
	return mix64(h ^ x ^ 0x9e3779b97f4a7c15)
}

// lookup returns the group of each of the n rows of keys (flat vecs), or
// -1 for a row whose key has no group yet: it adds no value and no group,
// so a frozen table (see op_aggregate_spill.go) can keep aggregating the
// rows of the groups it holds. Its scratch is not groupIDs's.
func (g *grouper) lookup(keys []*vec, n int) []int32 {
	for k := range keys {
		g.fileAll(k)
	}
	g.look = grow(&g.look, n)
	out := g.look
	if g.widths != nil {
		var shifts [maxPackedKeys]uint8
		g.shifts(&shifts)
		for i := range n {
			var key uint64
			out[i] = -1
			for k, v := range keys {
				id := g.lookupValue(k, v, i)
				if id < 0 {
					break // a value no group has
				}
				key |= uint64(uint32(id)) << shifts[k]
				if k == len(keys)-1 {
					if id, ok := g.packed.get(key); ok {
						out[i] = id
					}
				}
			}
		}
		return out
	}
	for i := range n {
		prefix := g.lookupValue(0, keys[0], i)
		for k := 1; k < len(keys) && prefix >= 0; k++ {
			id := g.lookupValue(k, keys[k], i)
			if id < 0 {
				prefix = -1
				break
			}
			var ok bool
			if prefix, ok = g.folds[k-1].get(uint64(uint32(prefix))<<32 | uint64(uint32(id))); !ok {
				prefix = -1
			}
		}
		out[i] = prefix
	}
	return out
}

// lookupValue returns the value ID of row i of key k's flat vec v, or -1.
func (g *grouper) lookupValue(k int, v *vec, i int) int32 {
	m := &g.maps[k]
	if v.isNull(i) {
		return m.nullID
	}
	var id int32
	var ok bool
	switch t := v.t; {
	case t.isStringy():
		id, ok = m.strs.get(v.s[i], strKeyOf(v.s[i]), g.vals[k].s)
	case t.isIntLike():
		id, ok = m.ints.get(uint64(v.i[i]))
	case t.k == kDouble:
		id, ok = m.ints.get(normFloat(v.f[i]))
	case t.k == kBool:
		id, ok = m.ints.get(uint64(b2i(v.b[i])))
	default:
		panic("BUG: group key of type " + t.name)
	}
	if !ok {
		return -1
	}
	return id
}

// maxPackedKeys is the most keys a grouper packs; more keys fold.
const maxPackedKeys = 16

// packBits is the bits packed keys take: 64. A variable so tests can
// make value IDs outgrow them with few values.
var packBits = 64

// initWidths sets the packed layout of an empty grouper: packBits split
// evenly among three keys or more (at most maxPackedKeys), or folds.
func (g *grouper) initWidths() {
	nk := len(g.types)
	if nk < 3 || nk > maxPackedKeys {
		g.widths = nil
		return
	}
	g.widths = growSlots(&g.widths, nk)
	for k := range g.widths {
		g.widths[k] = uint8(packBits / nk)
	}
}

// fits reports whether every key's value IDs fit its width.
func (g *grouper) fits() bool {
	for k, w := range g.widths {
		if uint64(g.vals[k].len()) > 1<<w {
			return false
		}
	}
	return true
}

// shifts sets s[k] to where key k's bits start in a packed key.
func (g *grouper) shifts(s *[maxPackedKeys]uint8) {
	var at uint8
	for k, w := range g.widths {
		s[k] = at
		at += w
	}
}

// relayout gives each key the bits its values need now and twice as many
// values, shares the bits left over, and files the groups again; if they
// need more than packBits, the grouper folds from now on (the fold tables
// built from the groups, in group order, so group IDs stay).
func (g *grouper) relayout() {
	nk := len(g.types)
	ng := len(g.groupKeys[0])
	need := 0
	for k := range g.widths {
		g.widths[k] = uint8(bits.Len(uint(g.vals[k].len()))) + 1
		need += int(g.widths[k])
	}
	if need > packBits {
		// Slow path: fold.
		g.widths = nil
		g.packed = flatTable[int32]{}
		for gi := range ng {
			prefix := g.groupKeys[0][gi]
			for k := 1; k < nk; k++ {
				m := &g.folds[k-1]
				prefix, _ = m.put(uint64(uint32(prefix))<<32|uint64(uint32(g.groupKeys[k][gi])), int32(m.len()))
			}
		}
		return
	}
	for k := range g.widths {
		g.widths[k] += uint8((packBits - need) / nk)
	}
	var shifts [maxPackedKeys]uint8
	g.shifts(&shifts)
	g.packed.reset()
	for gi := range ng {
		var key uint64
		for k := range nk {
			key |= uint64(uint32(g.groupKeys[k][gi])) << shifts[k]
		}
		g.packed.put(key, int32(gi))
	}
}
