package engine

import (
	"encoding/binary"
	"io"
	"math"
	"math/bits"
	"sync/atomic"
)

// A HAVING bound kept while spilling.
//
// The heavy flow-log hunts group millions of rows into groups that
// barely repeat, and keep only the few groups with many rows, many
// distinct ports or a large sum (vpc_reject_flood over the 2 GiB corpus:
// 1,220,531 rows in 1,106,341 groups, one with more than 100 rows;
// vpc_port_scan: 3.9 M rows in 1.4 M groups, one with 50 distinct
// ports; vpc_large_egress: 1.5 M rows in 1.3 M groups, one of 1 GiB).
// Spilling them wrote each row into one of 64 partitions (sorting
// the rows of each chunk, encoding tens of small segments per chunk),
// and finishing counted every partition's key hashes before reading
// back the few rows that can pass.
//
// An aggregate with such a bound (o.minRows, o.dist, o.sp.sum) spills
// instead to a log: each chunk's rows as they come, one segment and one
// block (spillSet.single), and counts as it goes, in a sketch indexed
// by the key hash, an upper bound of what the HAVING needs of each
// group: its rows, its distinct x, its sum. Finishing adds the frozen
// groups' states to the sketch, reads the log's key hashes alone, and
// only the rows whose bound may pass the HAVING are decoded and written
// to the partitions, which the bounded finish (finishPartBounded) then
// counts exactly. Blocks with no such row are never decoded.
//
// Why no group that passes loses a row. A cell of the sketch adds up the
// contributions of every key hash mapped to it (by the low 32 bits of the
// 64-bit key hash the spilled rows store), so a cell is at least the
// contribution of any one group:
//   - rows: each spilled row adds 1, each frozen group its count(*): the
//     rows of the group, spilled and frozen, at most the cell.
//   - distinct x: a spilled row adds 1 unless its (cell, x) pair is the
//     one the cache entry of that pair holds, exactly (the pair was then
//     seen by an earlier row of the same cell, which added 1 to it or
//     found the pair in turn: the first row with a pair always adds, and
//     an entry starts as a pair that is never looked up there). So a cell
//     is at least the number of its distinct (cell, x) pairs, which is at
//     least the distinct x of any of its groups. NULL x adds nothing
//     (count(DISTINCT x) ignores NULLs); x that are not integers, or out
//     of the pair's range, are not cached: each non-NULL row adds 1. Each
//     frozen group adds its exact distinct count.
//   - sum: each spilled row adds x, each frozen group its sum, in units
//     of 2^shift rounded up, so cell × 2^shift is at least the sum of
//     what it got. With no negative x this is at least the sum of any
//     group of the cell; a negative x (or frozen sum) disables the sum
//     bound for the whole aggregate.
//   - counters saturate: a saturated cell bounds nothing (math.MaxInt64).
//
// The test a cell's bounds must pass (mayCell) is the bounded finish's:
// rows >= o.minRows, sum >= o.sp.sum.min, o.dist.can(rows, distinct).
// Each is a comparison >= of a value that does not decrease as rows are
// added, joined by AND and OR (havingMinRows, havingDistinct,
// havingSum keep nothing else), so it is monotone: if a group passes its
// HAVING, its own values pass the test, and then so do the cell's, which
// are larger. Every row of a group has the same key hash, so the same
// cell: a group that passes keeps all its rows. A group whose rows are
// dropped has values at most its cell's, which fail the test, so it
// fails it too, and so does whatever part of it is emitted (its frozen
// state alone, with fewer rows, distinct x and, x being never negative,
// a smaller sum): the HAVING drops it.

// sketchBits is the log2 of the cells of a sketch's row and distinct
// counters: 2^19 one-byte counters, 512 KiB, and 2^18 four-byte sums, 1
// MiB, which stay in a core's L2 cache (as 2-byte counters and 8-byte
// sums, 2^20 of each, they did not, and counting took a fifth of
// spilling). A cell of vpc_port_scan's distinct counters over the 2 GiB
// corpus gets ~7 rows; a group of 50 distinct ports is far above that.
// A variable so tests can make cells collide.
var sketchBits = 19

// sketchCacheBits is the log2 of the entries of the cache of recent (key
// hash, x) pairs that keeps a repeated x from adding to a distinct
// bound: 16,384 entries of 16 bytes. Flows of one source to one port come
// close together in a log. A variable so tests can make entries collide.
var sketchCacheBits = 16

// sketchSumBits is how many bits of precision a sum cell keeps of the
// least sum that passes: sums are counted in units of 2^shift bytes,
// each value rounded up, so that the bound is ~2^20 units.
const sketchSumBits = 20

// havingSketch is one worker's sketch of the groups it spilled; see
// above. Not safe for concurrent use.
type havingSketch struct {
	bits  int      // log2 of the cells (sketchBits when made)
	rows  []uint8  // per cell: rows (nil: not kept)
	dist  []uint8  // per cell: a bound on distinct x (nil: not kept)
	sums  []uint32 // per pair of cells (cell>>1): sums of x in units (nil: not kept)
	shift uint     // sums count units of 2^shift
	cache []uint64 // recent (cell, x) pairs of dist, for an integer x (sketchPair)
	neg   bool     // a negative x or frozen sum: sums bound nothing
	// Scratch of add: per row, its cell, its (cell, x) pair and the
	// pair's cache entry.
	cells, slots []uint32
	pairs        []uint64
}

// sketchPair packs a cell c and an x of [-2^43, 2^43) into 64 bits (x
// outside: ok false), for havingSketch.cache: cell above bit 44, x +
// 2^43 below.
func sketchPair(c uint32, x int64) (uint64, bool) {
	const half = 1 << 43
	if x < -half || x >= half {
		return 0, false
	}
	return uint64(c)<<44 | uint64(x+half), true
}

// sketchSlot is the cache entry of pair p: entry i starts as a pair
// whose slot is not i, which no pair looked up at i can equal.
func sketchSlot(p uint64) uint64 {
	return (p * 0x9e3779b97f4a7c15) >> (64 - sketchCacheBits)
}

// newHavingSketch returns a sketch of what o's HAVING bounds: distinct x
// when it bounds a count(DISTINCT x) (o.dist, whose rows it then does not
// count: may takes them as unbounded), else rows when it bounds them
// (o.minRows), and a sum (o.sp.sum).
func newHavingSketch(o *opAggregate) *havingSketch {
	n := 1 << sketchBits
	sk := &havingSketch{bits: sketchBits}
	switch {
	case o.dist != nil:
		sk.dist = make([]uint8, n)
		if o.sp.types[o.dist.col].isIntLike() {
			// One more entry past the slots: NULL rows' (nullEntry).
			sk.cache = make([]uint64, 1<<sketchCacheBits+1)
			for i := range sk.cache[:1<<sketchCacheBits] {
				// A pair whose slot is not i.
				p := uint64(i)
				for sketchSlot(p) == uint64(i) {
					p++
				}
				sk.cache[i] = p
			}
		}
	case o.minRows > 0:
		sk.rows = make([]uint8, n)
	}
	if sb := o.sp.sum; sb != nil {
		sk.sums = make([]uint32, n/2)
		sk.shift = uint(max(0, bits.Len64(uint64(sb.min))-sketchSumBits))
	}
	return sk
}

// cell is the cell of key hash h: from its low 32 bits, which the
// spilled rows store (spillSet), by a multiplicative hash. Its sum is
// at cell>>1.
func (sk *havingSketch) cell(h uint32) uint32 {
	return cellOf(h, sk.shift32())
}

// shift32 is the shift of cellOf for sk's cells, for loops to keep at
// hand: sk.cell loads sk.bits for every row.
func (sk *havingSketch) shift32() uint { return uint(32 - sk.bits) }

// cellOf is the cell of key hash h in a sketch of shift shift32.
func cellOf(h uint32, shift uint) uint32 {
	return (h * 0x9e3779b1) >> (shift & 31)
}

// inc8 adds d >= 0 to a saturating counter (math.MaxUint8: unbounded).
func inc8(c *uint8, d int64) {
	if d >= int64(math.MaxUint8-*c) {
		*c = math.MaxUint8
		return
	}
	*c += uint8(d)
}

// bound8 is the bound a counter gives (saturated: none).
func bound8(c uint8) int64 {
	if c == math.MaxUint8 {
		return math.MaxInt64
	}
	return int64(c)
}

// addSum adds x >= 0 to a sum cell, in units of 2^shift rounded up, so
// that the cell times 2^shift stays at least the sum of what it got;
// saturating (math.MaxUint32: unbounded).
func (sk *havingSketch) addSum(c *uint32, x int64) {
	u := (uint64(x) + 1<<sk.shift - 1) >> sk.shift
	if u >= uint64(math.MaxUint32-*c) {
		*c = math.MaxUint32
		return
	}
	*c += uint32(u)
}

// add counts n spilled rows of cols (flat: keys, then arguments, as o
// spills them), h their key hashes.
//
// The counters are read in random order, and did not stay in the
// caches next to the rows being spilled: the cells (and cache entries) of
// a window of rows are prefetched while the window before is counted
// (as numberKeys does), which halved counting.
func (sk *havingSketch) add(o *opAggregate, h []uint64, cols []*vec, n int) {
	cells := grow(&sk.cells, n)
	sh := sk.shift32()
	for i, x := range h[:n] {
		cells[i] = cellOf(uint32(x), sh)
	}
	if rows := sk.rows; rows != nil {
		for lo := 0; lo < n; lo += probeWindow {
			hi := min(lo+probeWindow, n)
			prefetchSlots(rows, cells[hi:min(hi+probeWindow, n)])
			for _, c := range cells[lo:hi] {
				if rows[c] != math.MaxUint8 {
					rows[c]++
				}
			}
		}
	}
	if sk.dist != nil {
		sk.addDistinct(cells, cols[o.dist.col])
	}
	if sb := o.sp.sum; sk.sums != nil && !sk.neg {
		sk.addSums(cells, cols[sb.col])
	}
}

// addSums adds to the sum bounds of rows in cells their values x (flat),
// or sets sk.neg at the first negative x.
//
// The sums (1 MiB) do not stay in L2 next to the rows being spilled:
// each row's cell missed it (vpc_large_egress's sums took as long as
// writing its rows), so the cells of a window of rows are prefetched
// while the window before is added, as add does for the counters.
func (sk *havingSketch) addSums(cells []uint32, x *vec) {
	sums, n := sk.sums, len(cells)
	vals := x.i[:n]
	null := x.null
	if null != nil {
		null = null[:n]
	}
	// The rows' sum slots.
	slots := grow(&sk.slots, n)
	for i, c := range cells {
		slots[i] = c >> 1
	}
	for lo := 0; lo < n; lo += probeWindow {
		hi := min(lo+probeWindow, n)
		prefetchSlots(sums, slots[hi:min(hi+probeWindow, n)])
		for i := lo; i < hi; i++ {
			if null != nil && null[i] {
				continue
			}
			if vals[i] < 0 {
				sk.neg = true
				return
			}
			sk.addSum(&sums[slots[i]], vals[i])
		}
	}
}

// addDistinct adds to the distinct bounds of rows in cells with values x
// (flat).
func (sk *havingSketch) addDistinct(cells []uint32, x *vec) {
	dist := sk.dist
	if sk.cache == nil {
		// Slow path: x is not an integer; each non-NULL row counts.
		for i, c := range cells {
			if !x.isNull(i) {
				inc8(&dist[c], 1)
			}
		}
		return
	}
	// The pairs of the rows and their entries: a NULL x's is the entry
	// past the slots, which holds the pair 0 (no sketchSlot reaches it),
	// so that its row finds its pair there and adds nothing; an x out of
	// the pairs' range has none (noSlot: the row counts).
	n := len(cells)
	pairs, slots := grow(&sk.pairs, n), grow(&sk.slots, n)
	nullEntry := uint32(len(sk.cache) - 1)
	for i, c := range cells {
		p, ok := sketchPair(c, x.i[i])
		switch {
		case x.isNull(i):
			pairs[i], slots[i] = 0, nullEntry
		case !ok:
			pairs[i], slots[i] = 0, noSlot
		default:
			pairs[i], slots[i] = p, uint32(sketchSlot(p))
		}
	}
	cache := sk.cache
	for lo := 0; lo < n; lo += probeWindow {
		hi := min(lo+probeWindow, n)
		prefetchSlots(cache, slots[hi:min(hi+probeWindow, n)])
		prefetchSlots(dist, cells[hi:min(hi+probeWindow, n)])
		for i := lo; i < hi; i++ {
			e, c := slots[i], cells[i]
			if e == noSlot {
				// Slow path: (never for ports) an x out of range.
				inc8(&dist[c], 1)
				continue
			}
			// Without a branch on whether the pair repeats, which
			// flows of one source to one port make about as often as
			// not: a new pair takes the entry and adds 1 unless the
			// counter saturated.
			p := pairs[i]
			isNew := cache[e] != p
			cache[e] = p
			d := dist[c]
			dist[c] = d + uint8(b2i(isNew)&b2i(d != math.MaxUint8))
		}
	}
}

// noSlot marks a row of addDistinct with no cache entry.
const noSlot = math.MaxUint32

// merge adds o's counts to sk's.
func (sk *havingSketch) merge(o *havingSketch) {
	for i, c := range o.rows {
		inc8(&sk.rows[i], int64(c))
	}
	for i, c := range o.dist {
		inc8(&sk.dist[i], int64(c))
	}
	for i, s := range o.sums {
		if uint64(sk.sums[i])+uint64(s) >= math.MaxUint32 {
			sk.sums[i] = math.MaxUint32
		} else {
			sk.sums[i] += s
		}
	}
	sk.neg = sk.neg || o.neg
}

// addFrozen adds the groups of table w (frozen when o spilled), whose
// key hashes are h, to the sketch: each group's count(*), exact distinct
// count and sum. Call it before frozenTables takes the distinct states'
// pairs.
func (sk *havingSketch) addFrozen(o *opAggregate, w *aggWorker, h []uint64) {
	ng := w.g.ngroups
	if ng == 0 {
		return
	}
	h = h[:ng]
	if sk.rows != nil {
		star := w.states[o.rowsAgg].(*countState).n
		for j, n := range star[:min(len(star), ng)] {
			inc8(&sk.rows[sk.cell(uint32(h[j]))], n)
		}
	}
	if sk.dist != nil {
		d := w.states[o.dist.agg].result(ng)
		for j, n := range d.i {
			inc8(&sk.dist[sk.cell(uint32(h[j]))], n)
		}
	}
	if sk.sums != nil {
		s := w.states[o.sp.sum.agg].(*sumState)
		for j := range min(len(s.has), ng) {
			if !s.has[j] {
				continue
			}
			if s.i[j] < 0 {
				sk.neg = true
				break
			}
			sk.addSum(&sk.sums[sk.cell(uint32(h[j]))>>1], s.i[j])
		}
	}
}

// mayCell reports whether a group whose key hash falls in cell c may
// pass o's HAVING: the bounded finish's test on the cell's bounds.
func (sk *havingSketch) mayCell(o *opAggregate, c uint32) bool {
	rows := int64(math.MaxInt64)
	if sk.rows != nil {
		rows = bound8(sk.rows[c])
	}
	if rows < o.minRows {
		return false
	}
	if sk.sums != nil && !sk.neg {
		// cell × 2^shift < min exactly when cell < ⌈min / 2^shift⌉.
		least := (uint64(o.sp.sum.min) + 1<<sk.shift - 1) >> sk.shift
		if s := sk.sums[c>>1]; s != math.MaxUint32 && uint64(s) < least {
			return false
		}
	}
	if sk.dist != nil {
		return o.dist.can(rows, bound8(sk.dist[c]))
	}
	return true
}

// hot returns a bitset of the cells that may pass o's HAVING (mayCell):
// few, and small enough to test each logged row against in L1.
//
// A sketch keeps one counter per cell (rows or distinct x, never both),
// so mayCell's test of the counters is a table of the counter's 256
// values, made once, and the sum's a comparison: calling mayCell, and
// o.dist.can through it, for each of the 2^19 cells took 70 M
// instructions per aggregate, more than counting a small spill.
//
// The table is a threshold (the test is monotone, see above: a counter
// passes from some value on), checked when it is made: then the
// counters are tested eight a word, and only the few words with a
// counter at the threshold or above are looked at cell by cell (a
// sketch with sums alone, a pair of cells a sum). Looking up each of the
// 2^19 cells in the table took 10-13 M instructions per aggregate, for
// a handful of hot cells.
func (sk *havingSketch) hot(o *opAggregate) []uint64 {
	n := uint32(1) << sk.bits
	set := make([]uint64, (n+63)/64)
	counters := sk.rows
	if counters == nil {
		counters = sk.dist
	}
	if sk.rows != nil && sk.dist != nil {
		// Slow path: (not made so) two counters.
		for c := range n {
			if sk.mayCell(o, c) {
				set[c/64] |= 1 << (c % 64)
			}
		}
		return set
	}
	var may [256]bool // per counter value: mayCell's test of the counters
	for v := range may {
		may[v] = sk.mayCounter(o, uint8(v))
	}
	sums := sk.sums
	if sk.neg {
		sums = nil
	}
	var least uint64
	if sums != nil {
		least = (uint64(o.sp.sum.min) + 1<<sk.shift - 1) >> sk.shift
	}
	sumOK := func(c uint32) bool {
		if sums == nil {
			return true
		}
		s := sums[c>>1]
		return s == math.MaxUint32 || uint64(s) >= least
	}
	thr, ok := counterThreshold(&may)
	switch {
	case counters == nil && !may[0], counters != nil && ok && thr > math.MaxUint8:
		return set // no cell passes
	case counters == nil || ok && thr == 0:
		// Every counter passes: the sums decide, a pair of cells each.
		if sums == nil {
			fill(set, ^uint64(0))
			if n%64 != 0 {
				set[len(set)-1] = 1<<(n%64) - 1
			}
			return set
		}
		for i, s := range sums {
			if s == math.MaxUint32 || uint64(s) >= least {
				c := uint32(2 * i)
				set[c/64] |= 3 << (c % 64)
			}
		}
		return set
	case !ok:
		// Slow path: (never made so) a test that is not a threshold.
		for c := range n {
			if may[counters[c]] && sumOK(c) {
				set[c/64] |= 1 << (c % 64)
			}
		}
		return set
	}
	// Words of 8 counters with one at thr or above: for thr <= 128, a
	// counter's high bit after adding 128 - thr to its low 7 bits (no
	// carry past the byte), or its own high bit.
	const ones, lows uint64 = 0x0101010101010101, 0x7f7f7f7f7f7f7f7f
	add := uint64(0x80-min(thr, 0x80)) * ones
	for w := 0; w+8 <= len(counters); w += 8 {
		x := binary.LittleEndian.Uint64(counters[w:])
		if ((x&lows)+add|x)&spillHighs == 0 {
			continue
		}
		for c := uint32(w); c < uint32(w+8); c++ {
			if counters[c] >= uint8(thr) && sumOK(c) {
				set[c/64] |= 1 << (c % 64)
			}
		}
	}
	for c := uint32(len(counters) &^ 7); c < n; c++ {
		if counters[c] >= uint8(thr) && sumOK(c) {
			set[c/64] |= 1 << (c % 64)
		}
	}
	return set
}

// counterThreshold returns the least counter value that may holds for
// (256: none), and whether may holds exactly from it on.
func counterThreshold(may *[256]bool) (int, bool) {
	thr := len(may)
	for v := len(may) - 1; v >= 0 && may[v]; v-- {
		thr = v
	}
	for v := range thr {
		if may[v] {
			return thr, false
		}
	}
	return thr, true
}

// mayCounter is mayCell's test of the counters of a cell whose one
// counter (rows or distinct x: sk has at most one of them) is v.
func (sk *havingSketch) mayCounter(o *opAggregate, v uint8) bool {
	rows := int64(math.MaxInt64)
	if sk.rows != nil {
		rows = bound8(v)
	}
	if rows < o.minRows {
		return false
	}
	if sk.dist != nil {
		return o.dist.can(rows, bound8(v))
	}
	return true
}

// spillSketchSkipped counts the logged rows finishing left out because
// their sketch bound could not pass HAVING, spillSketchBlocks the log
// blocks it decoded (for tests).
var spillSketchSkipped, spillSketchBlocks atomic.Int64

// sortLogs turns the logs of a bounded aggregate (o.sp.sets, written with
// o.sp.sketches) into partitioned spill sets of the rows that may pass
// its HAVING, for finishPart: it merges the workers' sketches, adds the
// frozen groups of o.ws, then reads each log's key hashes and decodes,
// gathers and writes only its rows whose bound may pass. It must run
// before frozenTables; hs are the key hashes of o.ws's groups
// (groupHashes). The logs are closed; o.sp.sets holds the new sets (nil
// for none).
func (o *opAggregate) sortLogs(hs [][]uint64) error {
	var sk *havingSketch
	for _, s := range o.sp.sketches {
		switch {
		case s == nil:
		case sk == nil:
			sk = s
		default:
			sk.merge(s)
		}
	}
	clear(o.sp.sketches)
	for i, w := range o.ws {
		sk.addFrozen(o, w, hs[i])
	}
	hot := sk.hot(o)
	nk := len(o.keys)
	var a arena
	var sel []int32
	// Readers of one block: its key hashes alone, then all of it.
	hr := spillReader{part: spillHash}
	sr := spillReader{types: o.sp.types}
	for w, lg := range o.sp.sets {
		if lg == nil {
			continue
		}
		o.sp.sets[w] = nil
		var out *spillSet
		err := func() error {
			defer lg.close()
			if err := lg.finish(); err != nil {
				return err
			}
			blocks := lg.blocks[0]
			for b, blk := range blocks {
				hr.f, hr.blocks = lg.f, blocks[b:b+1]
				a.reset()
				if _, _, err := hr.next(&a); err != nil {
					return err
				}
				sel = sel[:0]
				sh := sk.shift32()
				for r, h := range hr.hash[:blk.rows] {
					if c := cellOf(h, sh); hot[c/64]&(1<<(c%64)) != 0 {
						sel = append(sel, int32(r))
					}
				}
				spillSketchSkipped.Add(int64(blk.rows - len(sel)))
				if len(sel) == 0 {
					continue
				}
				spillSketchBlocks.Add(1)
				sr.f, sr.blocks = lg.f, blocks[b:b+1]
				a.reset()
				cols, n, err := sr.next(&a)
				if err == io.EOF {
					return errSpillCorrupt
				}
				if err != nil {
					return err
				}
				if len(sel) < n {
					for c, v := range cols {
						cols[c] = gatherVec(&a, v, sel)
					}
				}
				if out == nil {
					out = newSpillSet(o.sp.dir, 0)
				}
				if err := out.write(cols, nk, len(sel)); err != nil {
					return err
				}
			}
			o.sp.sets[w] = out
			return nil
		}()
		if err != nil {
			if out != nil {
				out.close()
			}
			return err
		}
	}
	return nil
}
