package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Memory-bounded aggregation.
//
// An aggregate keeps its groups in memory until those of all workers
// together take more than its budget ([Options.AggregateMemory], as
// estimated by memEstimate, or more than maxTableBytes;
// [Options.MaxGroups] can cap the number of groups instead). Then it
// freezes them:
// every later input row (its key and argument values, already evaluated)
// is written to one of spillParts temporary files chosen by a hash of the
// key. flush then takes one partition at a time: a fresh table gets the
// frozen groups of that partition (merged from every worker) and the
// partition's rows; if it outgrows the limit in turn, it freezes and
// spills one level down, by other bits of the same hash. So memory stays
// near a few times the limit whatever the number of groups, as in the
// hybrid hash aggregation of DuckDB and Trino.
//
// An aggregate whose HAVING bounds its groups (rows, distinct values, a
// sum) writes its rows to a log instead, unpartitioned, and counts their
// bounds in a sketch; finishing partitions only the rows that may pass
// (see op_aggregate_sketch.go).
//
// Spilling needs scalar keys and arguments (no arrays or maps: rare in
// group keys and aggregates) and a query whose groups need no order
// (opAggregate.unsorted); other aggregates keep every group in memory.

// spillParts is the fan-out of one spill level: 64 partitions use 6 bits
// of the 64-bit key hash per level, and at most 64 × workers files are
// open at once.
const spillParts = 64

// DefaultAggregateMemory is the budget of an aggregate's groups when
// Options.AggregateMemory is zero. The estimate (memEstimate) errs high
// (the benchmark's flow query, two keys and a count, estimates about 56
// MiB, 112 B a group plus the distinct addresses, for 523,530 groups whose
// tables measure ~45 MiB, so it stays in memory), but Go's collector lets
// the heap reach twice the live data and finishing a spilled aggregate
// adds a partition table per worker: measured peak RSS of the flow query
// when it spills is about 40 MiB + 1.8 × the budget (budget 32 MiB: 99-131
// MiB; 64: 162-193; 96: 210-252, at 1-2 workers). 64 MiB keeps it under
// 256 MiB with room for the readers' and libdeflate's buffers.
const DefaultAggregateMemory = 64 << 20

// Per-group costs of memEstimate, from the maps and slices a group
// occupies: the group (fold map entry, group-key IDs, Go map overhead),
// each key value (value map entry and column slot) and each aggregate's
// state slots. String bytes of key values are added as they are.
const (
	groupBytes = 48
	keyBytes   = 24
	stateBytes = 16
)

// memEstimate estimates the memory of one table's groups, counting the
// string bytes of key values added since the last call.
type memEstimate struct {
	seen  []int // per key: values whose bytes are counted
	bytes int64 // string bytes counted
}

func (m *memEstimate) of(o *opAggregate, g *grouper) int64 {
	if len(m.seen) < len(g.vals) {
		m.seen = make([]int, len(g.vals))
	}
	for k, col := range g.vals {
		for _, v := range col.s[m.seen[k]:] {
			m.bytes += int64(len(v))
		}
		m.seen[k] = len(col.s)
	}
	return int64(g.ngroups)*int64(groupBytes+keyBytes*len(o.keys)+stateBytes*len(o.aggs)) + m.bytes
}

// maxTableBytes bounds the estimated bytes of one aggregate's groups
// (all workers' tables; when finishing, each partition's table, partSlack times it) however
// much room its budget has left, at the default budget: past it they
// freeze and spill as past the budget. A larger budget raises the bound
// to an eighth of it (aggSpill.tableBound): who gives the groups more
// memory prefers it to the disk. Finishing spilled rows one partition at a time, in tables
// a 64th the size, costs less CPU than growing one table past this
// (cache misses, the collector) and holds less memory. Measured on the
// 256 MiB generated corpus (hunt run, CPU user+sys and peak RSS, before
// the bound): vpc_port_scan alone 1.97 cpu-s and 245 MB with the 64 MiB
// default budget, 1.66 and 135 MB with a 16 MiB one; its three flow-log
// peers together 2.93 and 265 MB, 2.67 and 167 MB. With the bound, the
// 118-hunt library took 4.26-4.31 cpu-s and 358-365 MB at 16 MiB,
// 4.04 and 300-313 MB at 8, 4.07-4.11 and 292-305 MB at 4; 500 hunts
// 10.65, 10.46 and 10.96 cpu-s.
//
// A variable so tests can reach it with a few thousand groups.
var maxTableBytes int64 = 8 << 20

// over reports whether an aggregate is past its limits: pooled is the
// estimate of every aggregate sharing its pool, own its own, ngroups its
// groups.
func (sp *aggSpill) over(pooled, own int64, ngroups int) bool {
	return pooled > sp.pool.limit || own > sp.tableBound() || sp.maxGroups > 0 && int64(ngroups) > sp.maxGroups
}

// overPart reports whether a partition's table, while finishing, is past
// its limits: own is its estimate, ngroups its groups. As over, but a
// partition may grow to partSlack times the table bound (see partSlack).
func (sp *aggSpill) overPart(own int64, ngroups int) bool {
	return own > sp.pool.limit || own > partSlack*sp.tableBound() || sp.maxGroups > 0 && int64(ngroups) > sp.maxGroups
}

// partSlack is how many times the table bound a partition's table may
// take while finishing before it splits one level down. Each partition
// holds about a 64th of the spilled groups, so at some number of groups
// they all land just past the bound: vpc_large_egress over the 2 GiB
// corpus, ~3 M groups, ~47,000 a partition estimated at ~8.7 MB against
// 8 MiB. Each then split again (hashing and gathering every group of
// the partition, spilling the rest of its rows, merging its groups back
// into 64 tables): a third of finishing. The slack moves that edge to
// twice the groups. Finishing holds one partition table per worker at a
// time, so it costs at most one more bound of memory per worker.
const partSlack = 2

// tableBound is the most estimated bytes one aggregate's groups take:
// maxTableBytes, or an eighth of a larger budget.
func (sp *aggSpill) tableBound() int64 { return max(maxTableBytes, sp.pool.limit/8) }

// MemoryPool is a memory budget shared by every aggregate of the queries
// compiled with it ([Options.MemoryPool]): hunt run scans each object once
// for all its hunts, so their aggregates grow at the same time, and the
// bound has to hold for their sum. The aggregate whose growth passes the
// limit spills.
type MemoryPool struct {
	limit int64
	used  atomic.Int64 // estimated bytes of the groups held now
}

// NewMemoryPool returns a pool of limit bytes (DefaultAggregateMemory when
// limit is 0; negative: aggregates never spill).
func NewMemoryPool(limit int64) *MemoryPool {
	if limit == 0 {
		limit = DefaultAggregateMemory
	}
	return &MemoryPool{limit: limit}
}

// release gives back what o's workers counted into its pool, once their
// groups are being emitted (flush).
func (o *opAggregate) release() {
	sp := &o.sp
	for w := range sp.counted {
		sp.pool.used.Add(-sp.counted[w][0])
		sp.counted[w] = [2]int64{}
	}
}

// maxSpillLevel bounds recursion: 10 levels use 60 bits of the hash;
// beyond them (2^60 partitions, never reached) tables just grow.
const maxSpillLevel = 10

// spillFiles counts the spill files created, spillRowsWritten the rows
// written to them, spillIDRows those of them whose keys were written as
// value IDs (for tests).
var spillFiles, spillRowsWritten, spillIDRows atomic.Int64

// mix64 is a 64-bit finalizer (from SplitMix64).
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// hashKeys sets h[i] to the hash of row i's key values (plain, constant
// or dictionary vecs): equal keys hash equally whatever the vec form
// (values hashed by hashValues, each dictionary entry once; an integer
// is its own value hash). Rows and frozen groups are partitioned by it,
// so both must go through here.
//
// Each key's value hash is folded in with a multiply and a shift (see
// foldHash), and the row's hash finished with one mix64, where each
// column took two (its value's and the fold's): a fifth of writing
// vpc_large_egress's spilled rows.
func hashKeys(keys []*vec, n int, h []uint64) []uint64 {
	var vh []uint64
	return hashKeysInto(keys, n, h, &vh)
}

// hashKeysInto is hashKeys with *vh the scratch for each key's value
// hashes, kept by a caller that hashes batch after batch.
func hashKeysInto(keys []*vec, n int, h []uint64, vh *[]uint64) []uint64 {
	return hashKeysOne(keys, n, h, vh, nil)
}

// hashKeysOne is hashKeysInto that also sets one[k] (when one is not
// nil) to whether plain string key k holds one 4-16 byte value in every
// row (see foldStrings), false for the other keys.
func hashKeysOne(keys []*vec, n int, h []uint64, vh *[]uint64, one []bool) []uint64 {
	h = grow(&h, n)
	clear(one)
	first := 0 // the first key not folded in yet
	if x, ok := oneString(keys, n); ok {
		// Fast path: the first key holds one 4-16 byte value (a log's
		// account ID): every row's hash starts as that value's fold,
		// with no pass over the rows to hash it (foldStrings compared
		// and folded it a row at a time).
		fill(h, foldHash(keyHashSeed, x))
		if one != nil {
			one[0] = true
		}
		first = 1
	} else {
		fill(h, keyHashSeed)
	}
	for k, v := range keys {
		if k < first {
			continue
		}
		src, m := v, n
		switch {
		case v.dict != nil:
			src, m = v.dict, v.dict.n
		case v.isConst:
			m = 1
		case v.null != nil && len(v.null) < n:
			// Slow path: (never made so) a short null slice.
		case v.t.isStringy():
			if same := foldStrings(h[:n], v.s, v.null); one != nil {
				one[k] = same
			}
			continue
		case v.t.isIntLike():
			foldInts(h[:n], v.i, v.null)
			continue
		}
		vals := keyValueHashes(src.t, src.null, src.i, src.f, src.s, src.b, grow(vh, m))
		switch {
		case v.isConst:
			for i := range h[:n] {
				h[i] = foldHash(h[i], vals[0])
			}
		case v.dict != nil:
			for i, c := range v.codes[:n] {
				x := vals[c]
				if v.isNull(i) {
					x = nullHash
				}
				h[i] = foldHash(h[i], x)
			}
		default:
			for i, x := range vals[:n] {
				h[i] = foldHash(h[i], x)
			}
		}
	}
	for i := range h[:n] {
		h[i] = mix64(h[i])
	}
	return h
}

// oneString returns the value hash (hashString's) of the first of keys
// (n rows) and true when it is a plain string vec without NULLs whose
// rows all hold one value of 4 to 16 bytes, as foldStrings reports it.
// It looks at the rows only as far as the first that differs.
func oneString(keys []*vec, n int) (uint64, bool) {
	if len(keys) == 0 || n == 0 {
		return 0, false
	}
	v := keys[0]
	if v.dict != nil || v.isConst || v.null != nil || !v.t.isStringy() || len(v.s) < n {
		return 0, false
	}
	strs := v.s[:n]
	x := strs[0]
	switch l := len(x); {
	case l >= 8 && l <= 16:
		lo, hi := le64(x), le64(x[l-8:])
		for _, s := range strs[1:] {
			if len(s) != l || le64(s) != lo || le64(s[l-8:]) != hi {
				return 0, false
			}
		}
	case l >= 4 && l < 8:
		for _, s := range strs[1:] {
			if s != x {
				return 0, false
			}
		}
	default:
		return 0, false
	}
	return hashString(x), true
}

// foldStrings folds into h[i] the value hash of strs[i] (hashString's;
// nullHash where null, which may be nil, marks the row), as
// hashKeysInto folds a plain string key: in one pass, with no slice of
// value hashes between, and a 4-16 byte value equal to the row's before
// (an account ID, one over a file's rows) not hashed again. Hashing a
// log's string keys was a third of writing its rows.
//
// It reports whether every row holds one value of 4 to 16 bytes, not
// NULL (an account ID over a file's rows): spillSet.write then writes
// the column as a constant without comparing its rows again.
func foldStrings(h []uint64, strs []string, null []bool) (one bool) {
	strs = strs[:len(h)]
	if null != nil {
		null = null[:len(h)]
	}
	// The last 4-16 byte value hashed: its two words, length and hash
	// (pn 0: none). The words cover every byte of such a value, so equal
	// words and lengths are equal values. other counts the values hashed
	// but the first, NULLs and values of other lengths.
	var pa, pb, px uint64
	pn, other := 0, 0
	for i, s := range strs {
		var a, b, x uint64
		n := len(s)
		switch {
		case null != nil && null[i]:
			h[i] = foldHash(h[i], nullHash)
			other++
			continue
		case n >= 8 && n <= 16:
			a, b = le64(s), le64(s[n-8:])
		case n >= 4 && n < 8:
			a, b = uint64(le32(s)), uint64(le32(s[n-4:]))
		default:
			h[i] = foldHash(h[i], hashString(s))
			other++
			continue
		}
		if n == pn && a == pa && b == pb {
			x = px
		} else {
			x = mix64(a ^ bits.RotateLeft64(b*0x9e3779b97f4a7c15, 32) ^ uint64(n)<<58)
			if pn != 0 {
				other++
			}
			pa, pb, pn, px = a, b, n, x
		}
		h[i] = foldHash(h[i], x)
	}
	return pn != 0 && other == 0
}

// foldInts folds into h[i] the value hash of ints[i] (the value itself;
// nullHash where null, which may be nil, marks the row), as hashKeysInto
// folds a plain integer key, in one pass.
func foldInts(h []uint64, ints []int64, null []bool) {
	ints = ints[:len(h)]
	if null == nil {
		for i, x := range ints {
			h[i] = foldHash(h[i], uint64(x))
		}
		return
	}
	null = null[:len(h)]
	for i, x := range ints {
		y := uint64(x)
		if null[i] {
			y = nullHash
		}
		h[i] = foldHash(h[i], y)
	}
}

// keyHashSeed is the hash of a row before its first key is folded in.
const keyHashSeed = 0x9e3779b97f4a7c15

// keyValueHashes sets h[i] to the value hash hashKeys folds in for value
// i of a key of type t, given as hashValues takes it: an integer is its
// own value hash (fast path), other values hashValues's.
func keyValueHashes(t *dtype, null []bool, ints []int64, floats []float64, strs []string, bools []bool, h []uint64) []uint64 {
	if !t.isIntLike() {
		return hashValues(t, null, ints, floats, strs, bools, h)
	}
	for i, x := range ints[:len(h)] {
		h[i] = uint64(x)
	}
	for i, isNull := range null[:min(len(null), len(h))] {
		if isNull {
			h[i] = nullHash
		}
	}
	return h
}

// appendKeyHashes extends h, the value hashes (keyValueHashes) of the
// first len(h) values of c, to all of c's values.
func appendKeyHashes(h []uint64, c *column) []uint64 {
	m, n := len(h), c.len()
	if m >= n {
		return h
	}
	h = slices.Grow(h, n-m)[:n]
	var ints []int64
	var floats []float64
	var strs []string
	var bools []bool
	switch t := c.t; {
	case t.isIntLike():
		ints = c.i[m:n]
	case t.k == kDouble:
		floats = c.f[m:n]
	case t.isStringy():
		strs = c.s[m:n]
	case t.k == kBool:
		bools = c.b[m:n]
	}
	keyValueHashes(c.t, c.null[m:n], ints, floats, strs, bools, h[m:])
	return h
}

// foldHash folds the value hash x of a row's next key into its hash h:
// for a given h, distinct x give distinct results (a multiply by an odd
// constant and a xorshift are both invertible).
func foldHash(h, x uint64) uint64 {
	h = (h ^ x) * 0xbf58476d1ce4e5b9
	return h ^ h>>29
}

// spillPart is the partition of hash h at level.
func spillPart(h uint64, level int) int {
	return int(h >> (64 - 6*(level+1)) & (spillParts - 1))
}

// spillable reports whether values of type t can be spilled.
func spillable(t *dtype) bool {
	return t.k == kNull || t.isIntLike() || t.k == kDouble || t.isStringy() || t.k == kBool
}

// spillSet is the rows one table spilled at one level: one temporary
// file of blocks, each block some rows of one partition, and an index in
// memory of each partition's blocks. The file is unlinked as soon as it
// is created, so nothing is left behind whatever happens.
//
// A block is the low 32 bits of each of its rows' key hashes (4 bytes
// little-endian each), then a sequence of segments, a segment the rows of
// one partition of one written chunk, stored column after column (see
// appendSpillSegment). The hashes spare finishing with a HAVING bound
// from reading, decoding and hashing the keys of every row to count the
// rows of each key (spillHash): a tenth of the bytes, and only the rows
// of groups that may pass are decoded. Segments take a type switch per
// column and segment rather than per value, and a column whose rows all
// hold one value (array_agg's "$path", constant over a chunk) stores it
// once, or not at all when its last such segment in the block held it.
type spillSet struct {
	level  int
	dir    string
	f      *os.File
	off    int64 // file offset of the next block (written or in wbuf)
	blocks [spillParts][]spillBlock
	// buf is the current block per partition, allocated with room for one
	// block and a segment past it: every spilling aggregate of every hunt
	// on every worker holds spillParts of them (hunt run, 1,000 hunts:
	// ~64 sets), so append's doubling added up.
	buf  [spillParts][]byte
	hbuf [spillParts][]byte // the key hashes of buf's rows
	nbuf [spillParts]int    // rows in buf
	// last is, per partition, where each column's last constant value
	// lies in buf (see appendSpillColumn).
	last [spillParts][]spillRef
	// wbuf gathers finished blocks for the file, written spillWriteBytes
	// at a time: a write per 16 KiB block was most of spilling's system
	// time (500 hunts: 1.8 s of 12.6). A log's blocks are written in it
	// (see logWindow).
	wbuf     []byte
	rowBytes int // bytes per row of the last segment, to size segments
	// blockBytes is the size blocks are written at: spillBlockBytes,
	// growing with the bytes written (see spillBlockMax).
	blockBytes int
	hash       []uint64
	vh         []uint64 // scratch of hashKeysInto
	// Scratch of write: per key, whether it holds one value (hashKeysOne),
	// its constant, and the columns written.
	one    []bool
	kconst []vec
	wcols  []*vec
	part   []uint8 // scratch: each row's partition
	order  []int32 // scratch: the rows by partition
	// single: a log (see op_aggregate_sketch.go): every row goes to
	// partition 0 as it comes, in blocks of spillLogBlockBytes, each
	// written as it ends (not through wbuf).
	single bool
	// src, for a worker's set that spills keys as value IDs (writeIDs),
	// is the worker's frozen grouper: a spilled key is the ID of its
	// value among src's values of that key (src.vals), which src keeps
	// numbering while its groups are frozen (opAggregate.spillIDs).
	// byID: rows are still written so; it stops once src's values pass
	// a bound (dictBytes), and later rows are written as values.
	//
	// Such a set's blocks hold no key hashes (see spillReader.noHash):
	// only the bounded finish reads them, and its sets are logs of
	// values.
	src  *grouper
	byID bool
	// idw is, per key, the bytes of each ID writeIDs writes: the width
	// of src's largest value ID.
	idw []uint8
	// khash is, per key, the value hash of each of src's values
	// (keyValueHashes), so that a row's key hash is folded from its IDs
	// as hashKeys folds it from its values.
	khash [][]uint64
	// seen and vbytes count src's values (per key: how many are counted)
	// and their estimated bytes (see spillIDValueBytes).
	seen   []int
	vbytes int64
	// dicts are, per key, src's values as a vec (dictVecs), set once
	// the set is complete: the dictionaries of its rows' key IDs.
	dicts []*vec
}

// spillIDValueBytes is what a key value numbered by a spilling worker
// (spillIDs) is counted to hold besides its bytes: its slot in the
// value map and column, its hash, and a translation entry in the
// partition tables that read it back.
const spillIDValueBytes = 64

// dictBytes returns the estimated bytes of src's values.
func (s *spillSet) dictBytes() int64 {
	s.seen = growSlots(&s.seen, len(s.src.vals))
	for k, col := range s.src.vals {
		n := col.len()
		if col.t.isStringy() {
			for _, v := range col.s[s.seen[k]:n] {
				s.vbytes += int64(len(v))
			}
		}
		s.vbytes += int64(n-s.seen[k]) * spillIDValueBytes
		s.seen[k] = n
	}
	return s.vbytes
}

// dictVecs returns, per key, g's values as a vec: once g changes no
// more, the dictionaries of the IDs its worker spilled (spillIDs) and of
// its frozen groups' keys.
func dictVecs(g *grouper) []*vec {
	ds := make([]*vec, len(g.vals))
	for k, col := range g.vals {
		ds[k] = &vec{}
		col.toVec(ds[k])
	}
	return ds
}

// A log's blocks are larger than a partition's: it has one, and each
// chunk's rows are then one segment (a mode byte and a length per column
// for thousands of rows, not for tens) and one write in a few.
const spillLogBlockBytes = 96 << 10

// newSpillLog returns a spill set that keeps rows in the order written,
// all in partition 0 (see spillSet.single).
func newSpillLog(dir string) *spillSet {
	s := newSpillSet(dir, 0)
	s.single, s.blockBytes = true, spillLogBlockBytes
	return s
}

type spillBlock struct {
	off  int64
	size int
	rows int
	// tail: the rows' key hashes follow the segments (a log's block, see
	// spillSet.logWindow), rather than precede them.
	tail bool
}

// hashOff is the file offset of blk's key hashes, which a reader of
// them alone reads (read bytes, at most the block's).
func (blk spillBlock) hashOff(read int) int64 {
	if blk.tail {
		return blk.off + int64(blk.size-read)
	}
	return blk.off
}

// spillBlockBytes is the size a partition's block is written at. A
// spill set holds a block's buffer per partition, and hunt run's
// hundreds of hunts have dozens of sets at once (500 hunts: ~80, whose
// buffers of 16 KiB blocks were ~90 MB of a 310 MB live heap), so blocks
// are small; reading joins them into batches (spillReadRows). A variable so tests can make blocks smaller still.
var spillBlockBytes = 4 << 10

// A set's blocks grow, doubling up to spillBlockMax, each time what it
// wrote passes spillGrowBytes times their size over spillBlockBytes (8
// KiB blocks past 8 MiB written, 16 past 16, 32 past 32): the few
// aggregates that spill tens of megabytes (hunt run's heavy flow hunts:
// 60-160 MB each) were read back one 4 KiB block per system call (a tenth
// of finishing them), and the room their larger blocks take stays under a
// tenth of what they wrote. Sets that spill little keep small blocks.
const (
	spillBlockMax  = 32 << 10
	spillGrowBytes = 8 << 20
)

// spillReadRows is how many rows spillReader.next joins blocks up to: a
// table checks its limits after each batch. A variable so tests can read
// block by block.
var spillReadRows = BatchRows

// spillWriteBytes is the size of a spill set's writes to its file.
const spillWriteBytes = 64 << 10

// spillLogWriteBytes is the size of a log's writes to its file once it
// has written spillGrowBytes: its blocks are written in place in wbuf,
// several at a time (logWindow). The kernel's cost of writing a file
// falls with the size of the writes, to a floor past ~256 KiB (175 MiB
// to an unlinked file on ext4: ~95-110 ms of system time as a log wrote
// it, 14 KiB of hashes then a 96 KiB block, 50-58 ms in writes of 512
// KiB), and the heavy flow hunts log 175 MiB per library run over the 2
// GiB corpus.
const spillLogWriteBytes = 512 << 10

// spillBytesWritten counts the bytes of blocks written (for tests).
var spillBytesWritten atomic.Int64

func newSpillSet(dir string, level int) *spillSet {
	return &spillSet{level: level, dir: dir, blockBytes: spillBlockBytes}
}

// write appends the n rows of cols (flat vecs: keys, then arguments) to
// their partitions; keys are the first nkeys columns.
//
// A plain string key whose rows all hold one value (hashKeysOne finds
// it as it hashes them) is written as a constant, the same bytes the
// flat column's rows give (appendSpillColumn), without comparing them
// again: a log's account ID, a fifth of sameStrings's work otherwise.
func (s *spillSet) write(cols []*vec, nkeys, n int) error {
	s.one = growSlots(&s.one, nkeys)
	s.hash = hashKeysOne(cols[:nkeys], n, s.hash, &s.vh, s.one)
	if slices.Contains(s.one, true) {
		wc := append(s.wcols[:0], cols...)
		s.kconst = growSlots(&s.kconst, nkeys)
		for k, one := range s.one {
			if one {
				v := &s.kconst[k]
				*v = vec{t: wc[k].t, n: 1, isConst: true, s: wc[k].s[:1]}
				wc[k] = v
			}
		}
		s.wcols, cols = wc, wc
		defer func() {
			// Keep no view of the chunk past the write.
			clear(s.wcols)
			clear(s.kconst)
		}()
	}
	return s.writeRows(nil, cols, nkeys, n)
}

// writeIDs appends n rows to their partitions: ids[k][i] is row i's key
// k as the ID of a value of s.src (see spillSet.src), cols its
// arguments (flat vecs).
//
// A spilled address is two or three bytes, not a packed string of five
// to nine, and its partition table reads it back as an index into one
// table of the writer's values (grouper.pin), not as a string to hash
// and find: vpc_large_egress's four keys over the Parquet lake, 3.0 M
// groups of 5.6 M rows, hold 19,166 addresses, 3 accounts and 25 hours.
func (s *spillSet) writeIDs(ids [][]int32, cols []*vec, n int) error {
	h := grow(&s.hash, n)
	fill(h, keyHashSeed)
	s.khash = growSlots(&s.khash, len(ids))
	s.idw = growSlots(&s.idw, len(ids))
	for k, kids := range ids {
		// Every ID is one of src's values: its width is that of the
		// largest, not found by a pass over each segment's rows (a
		// gather of every ID, a sixth of writing them).
		s.idw[k] = uint8(idWidth(uint32(max(s.src.vals[k].len()-1, 0))))
		vh := appendKeyHashes(s.khash[k], s.src.vals[k])
		s.khash[k] = vh
		for i, id := range kids[:n] {
			h[i] = foldHash(h[i], vh[id])
		}
	}
	for i := range h {
		h[i] = mix64(h[i])
	}
	s.hash = h
	spillIDRows.Add(int64(n))
	return s.writeRows(ids, cols, len(ids), n)
}

// writeRows appends n rows whose key hashes are in s.hash to their
// partitions: keys as write or writeIDs take them (ids nil: the first
// nkeys columns of cols), then the columns of cols after them.
func (s *spillSet) writeRows(ids [][]int32, cols []*vec, nkeys, n int) error {
	if s.single {
		// A log: the rows as they come, a run (see selRun).
		order := spillRowsIota[:]
		if n > len(order) {
			// Slow path: (never made so) a chunk of more than BatchRows.
			order = grow(&s.order, n)
			for i := range order {
				order[i] = int32(i)
			}
		}
		return s.writePart(0, ids, cols, nkeys, order[:n])
	}
	// The rows by partition (a counting sort), so that each partition's
	// rows of the chunk are encoded one column at a time.
	var start [spillParts + 1]int32
	part := grow(&s.part, n)
	for i, h := range s.hash[:n] {
		p := spillPart(h, s.level)
		part[i] = uint8(p)
		start[p+1]++
	}
	for p := range spillParts {
		start[p+1] += start[p]
	}
	next := start
	order := grow(&s.order, n)
	for i, p := range part {
		order[next[p]] = int32(i)
		next[p]++
	}
	for p := range spillParts {
		if err := s.writePart(p, ids, cols, nkeys, order[start[p]:start[p+1]]); err != nil {
			return err
		}
	}
	return nil
}

// spillRowsIota holds 0, 1, ..., BatchRows-1: a log's rows are a slice
// of it (selRun).
var spillRowsIota = func() (a [BatchRows]int32) {
	for i := range a {
		a[i] = int32(i)
	}
	return a
}()

// selRun reports whether rows sel are a slice of spillRowsIota, which
// writeRows passes for a log's rows: then they are the rows lo, lo+1,
// ..., lo+len(sel)-1, and loops over a column's values can take them as
// a range of the column instead of loading each row's index (and
// checking it against the column's length).
func selRun(sel []int32) (lo int, ok bool) {
	if len(sel) == 0 {
		return 0, false
	}
	at := uintptr(unsafe.Pointer(unsafe.SliceData(sel))) - uintptr(unsafe.Pointer(&spillRowsIota[0]))
	if at >= uintptr(len(spillRowsIota))*4 {
		return 0, false
	}
	return int(sel[0]), true
}

// writePart appends rows sel to partition p's blocks (ids, cols and
// nkeys as writeRows takes them).
func (s *spillSet) writePart(p int, ids [][]int32, cols []*vec, nkeys int, sel []int32) error {
	for len(sel) > 0 {
		switch {
		case s.single && s.buf[p] == nil:
			s.buf[p] = s.logWindow()
		case s.buf[p] == nil:
			s.buf[p] = make([]byte, 0, s.blockBytes+s.blockBytes/4)
		}
		// As many rows as should fill the block, going by the last
		// segment's size, so blocks stay near s.blockBytes.
		k := min(len(sel), 16) // the first segment measures rows
		if s.rowBytes > 0 {
			k = min(len(sel), (s.blockBytes-len(s.buf[p]))/s.rowBytes+1)
		}
		// At most BatchRows rows a block: rows whose columns are all
		// constant take no bytes, and a reader decodes a block whole.
		k = min(k, BatchRows-s.nbuf[p])
		before := len(s.buf[p])
		if s.last[p] == nil {
			s.last[p] = make([]spillRef, len(ids)+len(cols))
		}
		s.buf[p] = appendSpillSegment(s.buf[p], ids, s.idw, cols, nkeys, sel[:k], s.last[p])
		if s.src == nil {
			// The rows' hashes, stored into room made once: appending
			// one at a time stored the slice back into s (a write
			// barrier while the collector runs) for every row.
			hb := slices.Grow(s.hbuf[p], 4*k)
			at := len(hb)
			hb = hb[:at+4*k]
			dst := hb[at:]
			for j, i := range sel[:k] {
				binary.LittleEndian.PutUint32(dst[4*j:4*j+4], uint32(s.hash[i]))
			}
			s.hbuf[p] = hb
		}
		s.rowBytes = max(1, (len(s.buf[p])-before)/k)
		s.nbuf[p] += k
		sel = sel[k:]
		if len(s.buf[p]) >= s.blockBytes || s.nbuf[p] >= BatchRows {
			if err := s.flushBlock(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// flushBlock ends partition p's current block: it goes to wbuf (which is
// written out first when the block does not fit), or, a log's, to the
// file.
func (s *spillSet) flushBlock(p int) error {
	if s.nbuf[p] == 0 {
		return nil
	}
	blk, h := s.buf[p], s.hbuf[p]
	size := len(h) + len(blk)
	off := s.off
	if s.single {
		if err := s.endLogBlock(blk, h); err != nil {
			return err
		}
		blk = nil // the next block's window is taken from wbuf
	} else if err := s.bufferBlock(h, blk); err != nil {
		return err
	}
	spillRowsWritten.Add(int64(s.nbuf[p]))
	spillBytesWritten.Add(int64(size))
	s.blocks[p] = append(s.blocks[p], spillBlock{off: off, size: size, rows: s.nbuf[p], tail: s.single})
	s.off += int64(size)
	s.buf[p], s.hbuf[p], s.nbuf[p] = blk[:0], h[:0], 0
	clear(s.last[p])
	if s.off >= int64(spillGrowBytes)*int64(s.blockBytes/spillBlockBytes) && s.blockBytes < spillBlockMax {
		s.blockBytes *= 2 // the partitions' buffers grow as they fill
	}
	if cap(blk) > 16*s.blockBytes {
		// An outsized block's buffer (rows of long strings) is not
		// kept; one a few times the size is, rather than reallocated
		// for every such row.
		s.buf[p] = nil
	}
	return nil
}

// logWindow returns the buffer of a log's next block: the room past
// wbuf's bytes, for the block to be written in place, its hashes after
// its segments (endLogBlock), with the blocks before it. wbuf has room
// for one block and its hashes, written as it ends, until the log has
// written spillGrowBytes, then for spillLogWriteBytes of blocks more.
// Copying each block into a write buffer instead passed every byte logged
// (~180 MB per library run over the 2 GiB corpus) through one more
// buffer; writing the hashes and the block in two writes of their own
// cost the kernel twice what writes of 512 KiB do (spillLogWriteBytes).
func (s *spillSet) logWindow() []byte {
	room := s.blockBytes + s.blockBytes/4 + 4*BatchRows // a block, a segment past it, its hashes
	if len(s.wbuf) == 0 {
		want := room
		if s.off >= spillGrowBytes {
			want += spillLogWriteBytes
		}
		if cap(s.wbuf) < want {
			s.wbuf = make([]byte, 0, want)
		}
	}
	// endLogBlock left room for one more block.
	return s.wbuf[len(s.wbuf):len(s.wbuf)]
}

// endLogBlock ends a log's block blk (from logWindow), whose rows' key
// hashes are h: they go after its segments, and wbuf is written out
// unless it has room for another block.
func (s *spillSet) endLogBlock(blk, h []byte) error {
	at := len(s.wbuf)
	inPlace := cap(blk) > 0 && cap(s.wbuf)-at == cap(blk) &&
		unsafe.SliceData(blk) == unsafe.SliceData(s.wbuf[at:cap(s.wbuf)])
	if !inPlace || len(blk)+len(h) > cap(blk) {
		// Slow path: the block outgrew its window (a segment of long
		// strings). It is written after the blocks before it.
		if err := s.writeOut(); err != nil {
			return err
		}
		if err := s.writeFile(blk); err != nil {
			return err
		}
		return s.writeFile(h)
	}
	s.wbuf = append(s.wbuf[:at+len(blk)], h...)
	room := s.blockBytes + s.blockBytes/4 + 4*BatchRows
	if cap(s.wbuf)-len(s.wbuf) < room {
		return s.writeOut()
	}
	return nil
}

// bufferBlock appends a block, its hashes h and then blk, to wbuf,
// writing wbuf out first when the block does not fit.
func (s *spillSet) bufferBlock(h, blk []byte) error {
	if len(s.wbuf)+len(h)+len(blk) > spillWriteBytes {
		if err := s.writeOut(); err != nil {
			return err
		}
	}
	if s.wbuf == nil {
		s.wbuf = make([]byte, 0, spillWriteBytes)
	}
	s.wbuf = append(s.wbuf, h...) // at most 4 × BatchRows bytes
	if len(h)+len(blk) > spillWriteBytes {
		// Slow path: a block larger than wbuf (a segment of long
		// strings) is written as it is, after its hashes.
		if err := s.writeOut(); err != nil {
			return err
		}
		return s.writeFile(blk)
	}
	s.wbuf = append(s.wbuf, blk...)
	return nil
}

// writeOut writes wbuf to the file.
func (s *spillSet) writeOut() error {
	if err := s.writeFile(s.wbuf); err != nil {
		return err
	}
	s.wbuf = s.wbuf[:0]
	return nil
}

// writeFile writes b to the file (created on the first write).
func (s *spillSet) writeFile(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if s.f == nil {
		tmp, err := os.CreateTemp(s.dir, "hunt-aggregate-spill-*")
		if err != nil {
			return fmt.Errorf("aggregate: spilling groups to disk: %w", err)
		}
		os.Remove(tmp.Name()) // stays readable through tmp
		spillFiles.Add(1)
		s.f = tmp
	}
	if _, err := s.f.Write(b); err != nil {
		return fmt.Errorf("aggregate: spilling groups to disk: %w", err)
	}
	return nil
}

// finish writes the last blocks, so the partitions can be read.
func (s *spillSet) finish() error {
	for p := range spillParts {
		if err := s.flushBlock(p); err != nil {
			return err
		}
		s.buf[p], s.hbuf[p] = nil, nil
	}
	err := s.writeOut()
	s.wbuf = nil
	return err
}

// close releases the file.
func (s *spillSet) close() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
}

// Column modes of a segment (appendSpillColumn).
const (
	spillAllNull        = iota // every row NULL: no values
	spillConst                 // no NULL, one value for every row
	spillPlain                 // no NULL, a value per row
	spillSomeNull              // a bitmap of (rows+7)/8 bytes (bit set: NULL), then a value per other row
	spillRepeat                // no NULL, one value for every row: that of the column's last spillConst segment in the block
	spillPacked                // strings, no NULL: a value per row, digits and dots packed (op_aggregate_spill_pack.go)
	spillPackedSomeNull        // strings: as spillSomeNull, values as spillPacked's
	spillIDs                   // a key as value IDs (spillSet.writeIDs): a width w of 1-4 bytes, then w bytes little-endian a row
	spillSomeNullConst         // as spillSomeNull, then one value for every row not NULL (integers only)
	spillFixedInts             // integers, no NULL: a width w of 1-8 bytes, then each value's zigzag difference from the one before in w bytes little-endian (appendSpillFixedInts)
)

// spillRef is where the column's last spillConst (mode byte and value)
// lies in a block being written: bytes [at, end) of its buffer; end 0:
// none yet.
type spillRef struct{ at, end int }

// appendSpillSegment appends rows sel of cols (flat vecs; the first
// nkeys are the keys) as a segment to block b, last being where each
// column's last constant value lies in b (nil: not kept): the row count
// (uvarint), the bytes of the key columns and of the other columns (4
// bytes little-endian each), then each column (appendSpillColumn). The
// lengths let a reader decode the columns after the keys alone
// (spillCol).
//
// With ids (not nil), the keys are value IDs (spillSet.writeIDs): key k
// is rows sel of ids[k] in mode spillIDs, idw[k] bytes an ID, and cols
// are the columns
// after the keys.
func appendSpillSegment(b []byte, ids [][]int32, idw []uint8, cols []*vec, nkeys int, sel []int32, last []spillRef) []byte {
	b = binary.AppendUvarint(b, uint64(len(sel)))
	at := len(b)
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0)
	for k, kids := range ids {
		b = appendSpillIDs(b, kids, sel, int(idw[k]))
	}
	var ref *spillRef
	first := len(ids) // the column index of cols[0]
	mid := 0
	for c, v := range cols {
		if first+c == nkeys {
			mid = len(b)
		}
		if last != nil {
			ref = &last[first+c]
		}
		if ids != nil && v.t.isIntLike() && !v.isConst && v.null == nil && len(sel) > 1 && !sameValues(v, sel) {
			b = appendSpillFixedInts(b, v.i, sel)
			continue
		}
		b = appendSpillColumn(b, v, sel, ref)
	}
	if nkeys == first+len(cols) {
		mid = len(b)
	}
	binary.LittleEndian.PutUint32(b[at:], uint32(mid-at-8))
	binary.LittleEndian.PutUint32(b[at+4:], uint32(len(b)-mid))
	return b
}

// appendSpillColumn appends rows sel of flat v: a mode byte, then the
// values: integers as zigzag varints of the difference from the previous
// value (flow logs' times and ports are close to each other), doubles as
// 8 bytes little-endian, strings as uvarint length and bytes, booleans as
// a byte. A column of one value, the value of its last such segment in
// the block (*last; nil: not kept), is the mode byte alone: "$path",
// constant over many chunks, took a third of a spilled vpc_reject_flood
// row (~100 bytes a segment of ~10 rows). A string column of
// addresses goes in a packed mode (op_aggregate_spill_pack.go).
func appendSpillColumn(b []byte, v *vec, sel []int32, last *spillRef) []byte {
	if v.t.k == kNull {
		return append(b, spillAllNull)
	}
	if v.isConst {
		// A constant (spillArg) as a flat column of one value.
		if len(sel) == 0 || v.isNull(0) {
			return append(b, spillAllNull)
		}
		return appendSpillConst(b, v, constSel[:], last)
	}
	if len(sel) == 0 {
		return append(b, spillAllNull)
	}
	if v.null != nil && len(sel) <= BatchRows {
		// The bitmap of the NULL rows, which counts them: written when
		// some rows are NULL and some not.
		var room [BatchRows / 8]byte
		bm := room[:(len(sel)+7)/8]
		switch nulls := spillNulls(bm, v.null, sel); {
		case nulls == len(sel):
			return append(b, spillAllNull)
		case nulls > 0:
			mode := byte(spillSomeNull)
			j, same := sameInts(v, sel, v.null)
			packed := !same && spillPacks(v, sel)
			switch {
			case packed:
				mode = spillPackedSomeNull
			case same:
				mode = spillSomeNullConst // count_if's argument: 1 or NULL
			}
			b = append(append(b, mode), bm...)
			switch {
			case packed:
				return appendSpillPacked(b, v, sel, v.null)
			case same:
				return appendSpillValues(b, v, sel[j:j+1], nil)
			}
			return appendSpillValues(b, v, sel, v.null)
		}
	} else if v.null != nil {
		// Slow path: (never made so) more rows than a batch.
		nulls := 0
		for _, i := range sel {
			nulls += b2i(v.null[i])
		}
		switch {
		case nulls == len(sel):
			return append(b, spillAllNull)
		case nulls > 0:
			at, nb := len(b)+1, (len(sel)+7)/8
			b = slices.Grow(append(b, spillSomeNull), nb)[:at+nb]
			spillNulls(b[at:], v.null, sel)
			return appendSpillValues(b, v, sel, v.null)
		}
	}
	switch {
	case sameValues(v, sel):
		return appendSpillConst(b, v, sel[:1], last)
	case spillPacks(v, sel):
		return appendSpillPacked(append(b, spillPacked), v, sel, nil)
	}
	return appendSpillValues(append(b, spillPlain), v, sel, nil)
}

// spillNulls sets bm, (len(sel)+7)/8 bytes, to the NULL bitmap of rows sel
// of null (bit j%8 of byte j/8 set: row sel[j] NULL) and returns the
// number of NULL rows.
//
// Without a branch on the rows: count_if's argument, 1 or NULL as the
// flow's action, is NULL in a third of vpc_port_scan's rows in no order,
// and a branch per row (counting, then setting bits) mispredicted on
// about every other one. A log's rows (a run, see selRun) are taken
// eight a word.
func spillNulls(bm []byte, null []bool, sel []int32) int {
	bm = bm[:(len(sel)+7)/8]
	j := 0
	if lo, run := selRun(sel); run {
		src := boolBytes(null[lo : lo+len(sel)])
		for ; j+8 <= len(src); j += 8 {
			// Eight bytes of 0 or 1: byte k's bit to bit k of the top byte.
			bm[j/8] = byte(binary.LittleEndian.Uint64(src[j:]) * 0x0102040810204080 >> 56)
		}
	}
	clear(bm[j/8:])
	for ; j < len(sel); j++ {
		bm[j/8] |= byte(b2i(null[sel[j]])) << (j % 8)
	}
	nulls := 0
	for w := bm; len(w) > 0; {
		if len(w) >= 8 {
			nulls += bits.OnesCount64(binary.LittleEndian.Uint64(w))
			w = w[8:]
			continue
		}
		nulls += bits.OnesCount8(w[0])
		w = w[1:]
	}
	return nulls
}

// sameInts reports whether the rows sel of integer vec v that null does
// not mark (some) hold one value, and returns the position in sel of the
// first such row. False for other types.
func sameInts(v *vec, sel []int32, null []bool) (int, bool) {
	if !v.t.isIntLike() {
		return 0, false
	}
	j0 := 0
	for j0 < len(sel) && null[sel[j0]] {
		j0++
	}
	if j0 == len(sel) {
		return 0, false
	}
	x := v.i[sel[j0]]
	var diff int64 // the bits in which a row not NULL differs from x
	for _, i := range sel[j0+1:] {
		diff |= (v.i[i] ^ x) & (int64(b2i(null[i])) - 1)
	}
	return j0, diff == 0
}

// constSel selects the one value of a constant vec.
var constSel = [1]int32{0}

// appendSpillConst appends the value of row one[0] of v, not NULL, as a
// column of one value for every row (appendSpillColumn): mode spillConst
// and the value, or spillRepeat when the column's last spillConst in
// the block (*last; nil: not kept) is the same.
func appendSpillConst(b []byte, v *vec, one []int32, last *spillRef) []byte {
	at := len(b)
	b = appendSpillValues(append(b, spillConst), v, one, nil)
	if last == nil {
		return b
	}
	if last.end > 0 && bytes.Equal(b[at:], b[last.at:last.end]) {
		return append(b[:at], spillRepeat)
	}
	*last = spillRef{at, len(b)}
	return b
}

// appendSpillFixedInts appends rows sel of ints in mode spillFixedInts:
// the mode byte, the width w in bytes of the largest zigzag difference
// (of a value from the one before, the first from 0), then each
// difference in w bytes little-endian. A segment of value IDs
// (writeIDs) writes its integer arguments so: a varint's loop of a byte
// and the decoding of its 7-bit groups took ~36 and ~60 instructions a
// value for vpc_large_egress's byte counts (3-5 bytes), these take ~12
// and ~10 (a word stored or loaded, and masked) for a byte or so more.
func appendSpillFixedInts(b []byte, ints []int64, sel []int32) []byte {
	// The differences go to 8 bytes each first, in the room past the
	// mode and width bytes (one gather of the rows), then move down to
	// w bytes each: each store of 8 bytes at w×j ends by 8×(j+1), where
	// the next value still lies.
	b = slices.Grow(b, 2+8*len(sel)+8)
	at := len(b) + 2
	room := b[at : at+8*len(sel)+8]
	var top uint64
	var prev int64
	if !nativeLittle {
		// Slow path: a big-endian machine.
		for j, i := range sel {
			x := ints[i]
			d := x - prev
			prev = x
			u := uint64(d<<1) ^ uint64(d>>63)
			top |= u
			binary.LittleEndian.PutUint64(room[8*j:8*j+8], u)
		}
		w := max(1, (bits.Len64(top)+7)/8)
		for j := 1; j < len(sel); j++ {
			binary.LittleEndian.PutUint64(room[w*j:w*j+8], binary.LittleEndian.Uint64(room[8*j:8*j+8]))
		}
		b = append(b, spillFixedInts, byte(w))
		return b[:at+w*len(sel)]
	}
	// Stores through a pointer: room's bounds hold them all.
	p := unsafe.Pointer(unsafe.SliceData(room))
	for j, i := range sel {
		x := ints[i]
		d := x - prev
		prev = x
		u := uint64(d<<1) ^ uint64(d>>63)
		top |= u
		*(*uint64)(unsafe.Add(p, 8*j)) = u
	}
	w := max(1, (bits.Len64(top)+7)/8)
	if w < 8 {
		for j := 1; j < len(sel); j++ {
			*(*uint64)(unsafe.Add(p, w*j)) = *(*uint64)(unsafe.Add(p, 8*j))
		}
	}
	b = append(b, spillFixedInts, byte(w))
	return b[:at+w*len(sel)]
}

// decodeSpillFixedInts decodes a spillFixedInts column (after its mode
// byte) of len(out) rows into out and returns the rest of b.
func decodeSpillFixedInts(b []byte, out []int64) ([]byte, bool) {
	if len(b) < 1 {
		return nil, false
	}
	w := int(b[0])
	b = b[1:]
	if w < 1 || w > 8 || len(b) < w*len(out) {
		return nil, false
	}
	mask := ^uint64(0) >> (64 - 8*w)
	n := len(out)
	// Fast path: the values with a word to load (8 bytes from their
	// first), loaded through a pointer (their bounds checked once here);
	// then the last few byte by byte.
	fast := 0
	if len(b) >= 8 && nativeLittle {
		fast = min(n, (len(b)-8)/w+1)
	}
	var prev int64
	p := unsafe.Pointer(unsafe.SliceData(b))
	for j := range out[:fast] {
		u := *(*uint64)(unsafe.Add(p, j*w)) & mask
		prev += int64(u>>1) ^ -int64(u&1)
		out[j] = prev
	}
	off := fast * w
	for j := fast; j < n; j++ {
		var u uint64
		for x := range w {
			u |= uint64(b[off+x]) << (8 * x)
		}
		prev += int64(u>>1) ^ -int64(u&1)
		out[j] = prev
		off += w
	}
	return b[off:], true
}

// idWidth is the fewest bytes (1 to 4) that hold ID top.
func idWidth(top uint32) int {
	w := 1
	for top >= 1<<(8*w) && w < 4 {
		w++
	}
	return w
}

// appendSpillIDs appends rows sel of ids in mode spillIDs: the mode
// byte, the width w (1 to 4 bytes, idWidth of the largest ID there may
// be), then each ID in w bytes, little-endian.
func appendSpillIDs(b []byte, ids []int32, sel []int32, w int) []byte {
	b = slices.Grow(b, 2+w*len(sel)+4)
	b = append(b, spillIDs, byte(w))
	if nativeLittle {
		// Fast path: each ID stored as 4 bytes w apart through a
		// pointer (the room reserved holds the last one's 4), the next
		// store overwriting the bytes past its w.
		at := len(b)
		p := unsafe.Pointer(unsafe.SliceData(b[at : at+w*len(sel)+4]))
		off := 0
		for _, i := range sel {
			*(*uint32)(unsafe.Add(p, off)) = uint32(ids[i])
			off += w
		}
		return b[:at+off]
	}
	// Slow path: a big-endian machine; one loop per width, appending
	// into the room reserved.
	switch w {
	case 1:
		for _, i := range sel {
			b = append(b, byte(ids[i]))
		}
	case 2:
		for _, i := range sel {
			x := ids[i]
			b = append(b, byte(x), byte(x>>8))
		}
	case 3:
		for _, i := range sel {
			x := ids[i]
			b = append(b, byte(x), byte(x>>8), byte(x>>16))
		}
	default:
		for _, i := range sel {
			b = binary.LittleEndian.AppendUint32(b, uint32(ids[i]))
		}
	}
	return b
}

// decodeSpillIDs decodes a spillIDs column (after its mode byte) of
// len(out) rows into out, each ID below n, and returns the rest of b.
func decodeSpillIDs(b []byte, out []int32, n int) ([]byte, bool) {
	if len(b) < 1 {
		return nil, false
	}
	w := int(b[0])
	b = b[1:]
	if w < 1 || w > 4 || len(b) < w*len(out) {
		return nil, false
	}
	var top uint32 // the largest ID
	switch w {
	case 1:
		for j, x := range b[:len(out)] {
			out[j] = int32(x)
			top = max(top, uint32(x))
		}
	case 2:
		src := b[:2*len(out)]
		for j := range out {
			x := uint32(src[2*j]) | uint32(src[2*j+1])<<8
			out[j] = int32(x)
			top = max(top, x)
		}
	case 3:
		src := b[:3*len(out)]
		for j := range out {
			x := uint32(src[3*j]) | uint32(src[3*j+1])<<8 | uint32(src[3*j+2])<<16
			out[j] = int32(x)
			top = max(top, x)
		}
	default:
		for j := range out {
			x := binary.LittleEndian.Uint32(b[4*j:])
			out[j] = int32(x)
			top = max(top, x)
		}
	}
	if len(out) > 0 && uint64(top) >= uint64(n) {
		return nil, false
	}
	return b[w*len(out):], true
}

// sameValues reports whether rows sel of flat v (no NULL) hold one value
// (doubles compared bit for bit).
func sameValues(v *vec, sel []int32) bool {
	i0 := sel[0]
	switch t := v.t; {
	case t.isStringy():
		x := v.s[i0]
		if n := len(x); n >= 8 && n <= 16 {
			return sameStrings(v.s, sel[1:], x)
		}
		for _, i := range sel[1:] {
			if v.s[i] != x {
				return false
			}
		}
	case t.isIntLike():
		x := v.i[i0]
		for _, i := range sel[1:] {
			if v.i[i] != x {
				return false
			}
		}
	case t.k == kDouble:
		x := math.Float64bits(v.f[i0])
		for _, i := range sel[1:] {
			if math.Float64bits(v.f[i]) != x {
				return false
			}
		}
	case t.k == kBool:
		x := v.b[i0]
		for _, i := range sel[1:] {
			if v.b[i] != x {
				return false
			}
		}
	}
	return true
}

// sameStrings reports whether rows sel of strs are all x, of 8 to 16
// bytes: as sameValues, a string of that length compared as two words
// that overlap, not by a call of memequal. The constant columns a log
// writes ("$path", an account ID) are compared whole in every segment:
// a call per row was two thirds of sameValues's instructions.
func sameStrings(strs []string, sel []int32, x string) bool {
	n := len(x)
	lo, hi := le64(x), le64(x[n-8:])
	for _, i := range sel {
		s := strs[i]
		if len(s) != n || le64(s) != lo || le64(s[n-8:]) != hi {
			return false
		}
	}
	return true
}

// appendSpillValues appends the values of rows sel of v, skipping the
// rows null marks (nil: none).
//
// The room the values take at most is reserved first, so that the loops
// append without growing b: the loops of a log's segments (thousands of
// rows, op_aggregate_sketch.go) were half of spilling.
func appendSpillValues(b []byte, v *vec, sel []int32, null []bool) []byte {
	switch t := v.t; {
	case t.isStringy():
		room := 17 // appendSpillString's fast path
		for _, i := range sel {
			room += len(v.s[i]) + 1
		}
		b = slices.Grow(b, room+binary.MaxVarintLen64)
		for _, i := range sel {
			if null != nil && null[i] {
				continue
			}
			b = appendSpillString(b, v.s[i])
		}
	case t.isIntLike():
		b = appendSpillInts(b, v.i, sel, null)
	case t.k == kDouble:
		for _, i := range sel {
			if null != nil && null[i] {
				continue
			}
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.f[i]))
		}
	case t.k == kBool:
		for _, i := range sel {
			if null != nil && null[i] {
				continue
			}
			b = append(b, byte(b2i(v.b[i])))
		}
	}
	return b
}

// appendSpillInts appends rows sel of ints, skipping the rows null marks
// (nil: none), as appendSpillInt appends them: each the zigzag varint of
// its difference from the value before (the first from 0).
//
// The room of the longest varints is reserved once and the bytes stored
// through a pointer: appending a byte at a time tested the capacity of
// b and reloaded the row's value, ~43 instructions a value where the
// loop takes ~14 (a log's integer columns: times, ports, byte counts,
// time buckets, most of each row).
func appendSpillInts(b []byte, ints []int64, sel []int32, null []bool) []byte {
	if len(sel) == 0 {
		return b
	}
	b = slices.Grow(b, binary.MaxVarintLen64*len(sel))
	at := len(b)
	var n int
	lo, run := selRun(sel)
	switch {
	case null == nil && run:
		n = storeSpillIntsRun(b[at:cap(b)], ints[lo:lo+len(sel)])
	case null == nil:
		n = storeSpillInts(b[at:cap(b)], ints, sel)
	default:
		n = storeSpillIntsNull(b[at:cap(b)], ints, sel, null)
	}
	return b[:at+n]
}

// storeSpillInts stores the varints of appendSpillInts (no NULL) into
// dst, which has room for binary.MaxVarintLen64 bytes a row, and
// returns the bytes stored. A function of its own so that its few
// values stay in registers.
//
//go:noinline
func storeSpillInts(dst []byte, ints []int64, sel []int32) int {
	_ = dst[binary.MaxVarintLen64*len(sel)-1]
	p := unsafe.Pointer(unsafe.SliceData(dst))
	off := 0
	var prev int64
	for _, i := range sel {
		x := ints[i]
		d := x - prev
		prev = x
		u := uint64(d<<1) ^ uint64(d>>63)
		for u >= 0x80 {
			*(*byte)(unsafe.Add(p, off)) = byte(u) | 0x80
			u >>= 7
			off++
		}
		*(*byte)(unsafe.Add(p, off)) = byte(u)
		off++
	}
	return off
}

// storeSpillIntsRun is storeSpillInts of every value of ints (rows sel
// that are a run, see selRun).
//
//go:noinline
func storeSpillIntsRun(dst []byte, ints []int64) int {
	_ = dst[binary.MaxVarintLen64*len(ints)-1]
	p := unsafe.Pointer(unsafe.SliceData(dst))
	off := 0
	var prev int64
	for _, x := range ints {
		d := x - prev
		prev = x
		off = storeVarint(p, off, uint64(d<<1)^uint64(d>>63))
	}
	return off
}

// storeVarint stores the uvarint of u at p+off, which has room for
// binary.MaxVarintLen64 bytes, and returns the offset after it.
//
// A varint of one or two bytes (91 % of the heavy flow-log hunts'
// values over sub8: 40 % of one byte, 51 % of two) is stored as two
// bytes whose length is computed, not branched on: the loop of a byte
// mispredicted its exit on about every other value (simulated by
// cachegrind over sub8: 1.23 M of storeSpillInts's 2.33 M values, now
// 0.22 M), and storeSpillInts took 0.135 s of CPU of each library run
// over the 2 GiB corpus for ~0.5 G instructions.
func storeVarint(p unsafe.Pointer, off int, u uint64) int {
	if u < 1<<14 {
		// u = lo + 128 hi: bytes lo | 0x80 and hi when hi > 0 (c = 1),
		// else lo; hi < 128, so c is hi + 127 >> 7.
		hi := u >> 7
		c := (hi + 127) >> 7
		*(*uint16)(unsafe.Add(p, off)) = uint16(u + (hi+c)<<7)
		return off + 1 + int(c)
	}
	for u >= 0x80 {
		*(*byte)(unsafe.Add(p, off)) = byte(u) | 0x80
		u >>= 7
		off++
	}
	*(*byte)(unsafe.Add(p, off)) = byte(u)
	return off + 1
}

// storeSpillIntsNull is storeSpillInts skipping the rows null marks.
//
// storeSpillInts and storeSpillIntsNull keep a loop per byte:
// storeVarint took more instructions in them (+2.4 M over sub8 here,
// for a tenth of a log's values; +5 M in storeSpillInts for the Parquet
// large egress question over lake-big, whose spill sets are
// partitioned).
//
//go:noinline
func storeSpillIntsNull(dst []byte, ints []int64, sel []int32, null []bool) int {
	_ = dst[binary.MaxVarintLen64*len(sel)-1]
	p := unsafe.Pointer(unsafe.SliceData(dst))
	off := 0
	var prev int64
	for _, i := range sel {
		if null[i] {
			continue
		}
		x := ints[i]
		d := x - prev
		prev = x
		u := uint64(d<<1) ^ uint64(d>>63)
		for u >= 0x80 {
			*(*byte)(unsafe.Add(p, off)) = byte(u) | 0x80
			u >>= 7
			off++
		}
		*(*byte)(unsafe.Add(p, off)) = byte(u)
		off++
	}
	return off
}

// appendSpillString appends s as a spilled string value: its length
// (uvarint), then its bytes.
//
// Fast path: a string of at most 16 bytes (an address, an account ID),
// its length one byte, copied with two 8-byte stores (or 4-byte ones)
// that overlap, into room reserved for 17 bytes: a memmove call per
// value was a third of spilling vpc_large_egress's three string keys.
func appendSpillString(b []byte, s string) []byte {
	n := len(s)
	if n < 4 || n > 16 || cap(b)-len(b) < 17 {
		// Slow path.
		b = binary.AppendUvarint(b, uint64(n))
		return append(b, s...)
	}
	at := len(b)
	b = b[:at+1+n]
	b[at] = byte(n)
	d := b[at+1:]
	if n >= 8 {
		binary.LittleEndian.PutUint64(d, le64(s))
		binary.LittleEndian.PutUint64(d[n-8:], le64(s[n-8:]))
	} else {
		binary.LittleEndian.PutUint32(d, le32(s))
		binary.LittleEndian.PutUint32(d[n-4:], le32(s[n-4:]))
	}
	return b
}

var errSpillCorrupt = errors.New("aggregate: spilled groups file is corrupt")

// spillReader reads one partition of a spill file back, a few blocks at
// a time.
type spillReader struct {
	f      io.ReaderAt
	blocks []spillBlock
	types  []*dtype
	// Which columns next decodes: all (spillAll, the zero value), none
	// (spillHash: the rows' key hashes alone) or column col alone
	// (spillCol, one of the columns after the keys).
	part  int
	nkeys int
	col   int
	// withHash: next also sets hash to the rows' key hashes (the low 32
	// bits; always with spillHash).
	withHash bool
	hash     []uint32
	buf      []byte // the blocks being decoded
	cols     []*vec // scratch: the decoded columns
	// last is, per decoded column, its last spillConst (mode byte and
	// value) in the block being decoded, for spillRepeat.
	last [][]byte
	txt  []byte // the text of packed strings decoded (decodeSpillPacked)
	// dicts, per key (spillAll only), the dictionary of the key's
	// spillIDs segments (spillSet.dicts; nil: it has none). A key whose
	// rows read are all IDs comes back as a dictionary vec coded in it,
	// one whose rows mix IDs and values as a plain vec.
	dicts []*vec
	// noHash: the blocks hold no key hashes (a set of spillSet.src);
	// with spillAll only.
	noHash bool
	nIDs   []int        // per key: rows of the batch read as IDs
	runs   [][]spillRun // per key: the runs of those rows, when not all are
}

// spillRun is rows [r, r+k) of a batch read.
type spillRun struct{ r, k int }

// Column selections of a spillReader.
const (
	spillAll = iota
	spillHash
	spillCol
)

// next decodes the next blocks, as many as make at most spillReadRows
// rows (at least one), into vecs of a (one per type, plain; a column without
// NULL has a nil null slice) and returns them with their row count, or
// io.EOF after the last block. Strings point into the reader's buffer,
// valid until the next call: every aggregate state and the grouper clone
// the strings they keep.
func (sr *spillReader) next(a *arena) ([]*vec, int, error) {
	if len(sr.blocks) == 0 {
		return nil, 0, io.EOF
	}
	// readOf is the bytes read of a block: its hashes alone, or all.
	hashOnly := sr.part == spillHash
	readOf := func(blk spillBlock) int {
		if hashOnly {
			return min(4*blk.rows, blk.size)
		}
		return blk.size
	}
	readAt := func(blk spillBlock) int64 {
		if hashOnly {
			return blk.hashOff(readOf(blk))
		}
		return blk.off
	}
	nb, n, size := 0, 0, 0
	for _, blk := range sr.blocks {
		if nb > 0 && n+blk.rows > spillReadRows {
			break
		}
		nb, n, size = nb+1, n+blk.rows, size+readOf(blk)
	}
	blocks := sr.blocks[:nb]
	sr.blocks = sr.blocks[nb:]
	sr.buf = slices.Grow(sr.buf[:0], size)[:size]
	at := 0
	for _, blk := range blocks {
		if _, err := sr.f.ReadAt(sr.buf[at:at+readOf(blk)], readAt(blk)); err != nil {
			return nil, 0, fmt.Errorf("aggregate: reading spilled groups: %w", err)
		}
		at += readOf(blk)
	}
	types := sr.types
	switch sr.part {
	case spillHash:
		types = nil
	case spillCol:
		// The columns after the keys up to col: a column's bytes are
		// known only by decoding those before it.
		types = types[sr.nkeys : sr.col+1]
	}
	cols := growSlots(&sr.cols, len(types))
	for c, t := range types {
		v := a.vec(t, n)
		switch {
		case t.isStringy():
			v.strs()
		case t.isIntLike():
			v.ints()
		case t.k == kDouble:
			v.floats()
		case t.k == kBool:
			v.bools()
		case t.k == kNull:
			fill(v.nulls(), true)
		}
		cols[c] = v
	}
	nd := 0 // keys that may be read as IDs
	if sr.part == spillAll {
		nd = min(len(sr.dicts), len(cols))
		sr.nIDs = growSlots(&sr.nIDs, nd)
		clear(sr.nIDs)
		sr.runs = growSlots(&sr.runs, nd)
		for k := range nd {
			sr.runs[k] = sr.runs[k][:0]
			if sr.dicts[k] != nil {
				grow(&cols[k].cb, n)
			}
		}
	}
	withHash := sr.withHash || sr.part == spillHash
	if withHash {
		sr.hash = grow(&sr.hash, n)
	}
	r := 0
	b := sr.buf
	last := growSlots(&sr.last, len(cols))
	sr.txt = sr.txt[:0]
	for _, blk := range blocks {
		// A block is its rows' hashes, then whole segments (a log's:
		// the segments, then the hashes): none crosses into the next
		// block, nor refers to it (spillRepeat).
		clear(last)
		end := r + blk.rows
		blkb := b[:readOf(blk)]
		b = b[readOf(blk):]
		if !sr.noHash {
			if len(blkb) < 4*blk.rows {
				return nil, 0, errSpillCorrupt
			}
			hb := blkb
			if blk.tail {
				hb = blkb[len(blkb)-4*blk.rows:]
				blkb = blkb[:len(blkb)-4*blk.rows]
			} else {
				blkb = blkb[4*blk.rows:]
			}
			if withHash {
				decodeHashes(sr.hash[r:end], hb)
			}
		}
		if hashOnly {
			r = end
			continue
		}
		for r < end {
			k, m := binary.Uvarint(blkb)
			if m <= 0 || k == 0 || k > uint64(end-r) || len(blkb)-m < 8 {
				return nil, 0, errSpillCorrupt
			}
			kl := uint64(binary.LittleEndian.Uint32(blkb[m:]))
			al := uint64(binary.LittleEndian.Uint32(blkb[m+4:]))
			blkb = blkb[m+8:]
			if kl+al > uint64(len(blkb)) {
				return nil, 0, errSpillCorrupt
			}
			// The bytes of the columns to decode, which they must use up.
			sec := blkb[:kl+al]
			if sr.part == spillCol {
				sec = blkb[kl : kl+al]
			}
			for c, v := range cols {
				var ok bool
				if c < nd && len(sec) > 0 && sec[0] == spillIDs {
					d := sr.dicts[c]
					if d == nil {
						return nil, 0, errSpillCorrupt
					}
					if sec, ok = decodeSpillIDs(sec[1:], v.cb[r:r+int(k)], d.n); !ok {
						return nil, 0, errSpillCorrupt
					}
					sr.nIDs[c] += int(k)
					sr.runs[c] = append(sr.runs[c], spillRun{r, int(k)})
					continue
				}
				if sec, ok = decodeSpillColumn(sec, v, r, int(k), &last[c], &sr.txt); !ok {
					return nil, 0, errSpillCorrupt
				}
			}
			if len(sec) != 0 && sr.part != spillCol {
				return nil, 0, errSpillCorrupt
			}
			blkb = blkb[kl+al:]
			r += int(k)
		}
		if len(blkb) != 0 {
			return nil, 0, errSpillCorrupt
		}
	}
	if sr.part == spillCol {
		return cols[len(cols)-1:], n, nil
	}
	for k, m := range sr.nIDs[:nd] {
		switch v := cols[k]; {
		case m == 0:
		case m == n:
			// Fast path: every row an ID.
			d := sr.dicts[k]
			v.reset(v.t, n)
			v.dict, v.codes = d, v.cb[:n]
		default:
			// Slow path: values and IDs (the writer's values passed
			// their bound while it wrote the rows).
			for _, run := range sr.runs[k] {
				decodeIDRun(v, sr.dicts[k], run)
			}
		}
	}
	return cols, n, nil
}

// decodeHashes sets dst to the first len(dst) little-endian 4-byte key
// hashes of b (which has them): one copy on a little-endian machine,
// where decoding them one by one was most of reading a log's hashes
// alone to find the rows of its hot cells (sortLogs).
func decodeHashes(dst []uint32, b []byte) {
	b = b[:4*len(dst)]
	if nativeLittle && len(dst) > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(dst))), len(b)), b)
		return
	}
	for j := range dst {
		dst[j] = binary.LittleEndian.Uint32(b[4*j:])
	}
}

// nativeLittle reports whether the machine stores integers little-endian.
var nativeLittle = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// decodeIDRun sets rows run of plain v to the values of dictionary d
// that v.cb codes.
func decodeIDRun(v, d *vec, run spillRun) {
	for r := run.r; r < run.r+run.k; r++ {
		c := v.cb[r]
		if d.isNull(int(c)) {
			if v.null == nil {
				v.nulls()
			}
			v.null[r] = true
			continue
		}
		switch t := v.t; {
		case t.isStringy():
			v.s[r] = d.s[c]
		case t.isIntLike():
			v.i[r] = d.i[c]
		case t.k == kDouble:
			v.f[r] = d.f[c]
		case t.k == kBool:
			v.b[r] = d.b[c]
		}
	}
}

// decodeSpillColumn decodes one column of a segment (see
// appendSpillColumn) into rows [r, r+k) of v, and returns the rest of b;
// *last is the column's last spillConst in the block, which it updates;
// *txt holds the text of packed strings (decodeSpillPacked). v.null stays nil
// until a row is NULL.
func decodeSpillColumn(b []byte, v *vec, r, k int, last *[]byte, txt *[]byte) ([]byte, bool) {
	if len(b) == 0 {
		return nil, false
	}
	whole := b
	mode := b[0]
	b = b[1:]
	if mode == spillFixedInts {
		if !v.t.isIntLike() {
			return nil, false
		}
		return decodeSpillFixedInts(b, v.i[r:r+k])
	}
	if mode == spillRepeat {
		if *last == nil {
			return nil, false
		}
		rest, ok := decodeSpillColumn(*last, v, r, k, last, txt)
		return b, ok && len(rest) == 0
	}
	var null []bool // rows [r, r+k) of v.null when some are NULL
	switch mode {
	case spillAllNull:
		if v.null == nil {
			v.nulls()
		}
		fill(v.null[r:r+k], true)
		return b, true
	case spillConst, spillPlain:
		if v.t.k == kNull {
			return nil, false
		}
	case spillPacked:
		if !v.t.isStringy() {
			return nil, false
		}
		return decodeSpillPacked(b, v.s[r:r+k], nil, txt)
	case spillSomeNull, spillPackedSomeNull, spillSomeNullConst:
		if v.t.k == kNull || len(b) < (k+7)/8 || mode == spillPackedSomeNull && !v.t.isStringy() || mode == spillSomeNullConst && !v.t.isIntLike() {
			return nil, false
		}
		if v.null == nil {
			v.nulls()
		}
		null = v.null[r : r+k]
		for j := range null {
			null[j] = b[j/8]>>(j%8)&1 != 0
		}
		b = b[(k+7)/8:]
		if mode == spillPackedSomeNull {
			return decodeSpillPacked(b, v.s[r:r+k], null, txt)
		}
	default:
		return nil, false
	}
	m := k // values stored
	switch mode {
	case spillConst:
		m = 1
	case spillSomeNullConst:
		// One value, stored once for the rows not NULL: decoded as a
		// constant into every row (NULL rows' values are not read).
		m, null = 1, nil
	}
	var ok bool
	switch t := v.t; {
	case t.isStringy():
		out := v.s[r : r+m]
		for j := range out {
			if null != nil && null[j] {
				continue
			}
			// Fast path: a length under 128, one byte.
			var l uint64
			var w int
			if len(b) > 0 && b[0] < 0x80 {
				l, w = uint64(b[0]), 1
			} else {
				l, w = binary.Uvarint(b)
			}
			if w <= 0 || uint64(len(b)-w) < l {
				return nil, false
			}
			if l > 0 {
				out[j] = unsafe.String(&b[w], int(l))
			} else {
				out[j] = ""
			}
			b = b[w+int(l):]
		}
		ok = true
		if mode == spillConst {
			fill(v.s[r:r+k], out[0])
		}
	case t.isIntLike():
		b, ok = decodeSpillInts(b, v.i[r:r+m], null)
		if !ok {
			return nil, false
		}
		if mode == spillConst || mode == spillSomeNullConst {
			fill(v.i[r:r+k], v.i[r])
		}
	case t.k == kDouble:
		out := v.f[r : r+m]
		for j := range out {
			if null != nil && null[j] {
				continue
			}
			if len(b) < 8 {
				return nil, false
			}
			out[j], b = math.Float64frombits(binary.LittleEndian.Uint64(b)), b[8:]
		}
		ok = true
		if mode == spillConst {
			fill(v.f[r:r+k], out[0])
		}
	case t.k == kBool:
		out := v.b[r : r+m]
		for j := range out {
			if null != nil && null[j] {
				continue
			}
			if len(b) < 1 {
				return nil, false
			}
			out[j], b = b[0] != 0, b[1:]
		}
		ok = true
		if mode == spillConst {
			fill(v.b[r:r+k], out[0])
		}
	}
	if ok && mode == spillConst {
		*last = whole[:len(whole)-len(b)]
	}
	return b, ok
}

// decodeSpillInts decodes the integers appendSpillInts stored for the
// rows of out not NULL in null (nil: none), each the zigzag varint of
// its difference from the value before, and returns the rest of b.
//
// Fast path: a varint of at most 8 bytes (a difference under 2^55) with
// 8 bytes to read is decoded from one load, without a branch on its
// length: the end is the first byte whose top bit is clear, and the
// 7-bit groups are joined in three steps of shifts and masks.
// binary.Varint's loop of a byte took ~76 instructions a value for the
// byte counts a flow-log aggregate spills (3-4 byte varints), a third
// of reading its spilled rows back.
func decodeSpillInts(b []byte, out []int64, null []bool) ([]byte, bool) {
	var prev int64
	for j := range out {
		if null != nil && null[j] {
			continue
		}
		var d int64
		var w int
		if len(b) >= 8 {
			x := binary.LittleEndian.Uint64(b[:8])
			if m := ^x & 0x8080808080808080; m != 0 {
				w = (bits.TrailingZeros64(m) + 1) >> 3
				u := x & (m ^ (m - 1)) & 0x7f7f7f7f7f7f7f7f
				u = u&0x007f007f007f007f | u>>1&0x3f803f803f803f80
				u = u&0x00003fff00003fff | u>>2&0x0fffc0000fffc000
				u = u&0x000000000fffffff | u>>4&0x00fffffff0000000
				d = int64(u>>1) ^ -int64(u&1)
			}
		}
		if w == 0 {
			// Slow path: a varint of more than 8 bytes, or near the
			// end of b.
			d, w = binary.Varint(b)
			if w <= 0 {
				return nil, false
			}
		}
		prev += d
		out[j], b = prev, b[w:]
	}
	return b, true
}

// aggSpill is an opAggregate's spilling state.
type aggSpill struct {
	pool      *MemoryPool // bounds the estimated bytes of all workers' groups (with other aggregates')
	maxGroups int64       // if > 0, also at most this many groups
	dir       string
	ok        bool     // this aggregate can spill
	types     []*dtype // spilled columns: keys, then each aggregate's arguments
	est       []memEstimate
	counted   [][2]int64   // per worker: bytes and groups counted into totals
	groups    atomic.Int64 // groups of all workers' tables
	bytes     atomic.Int64 // estimated bytes of all workers' tables
	on        atomic.Bool  // frozen: rows go to sets
	sets      []*spillSet  // per worker
	// unknown: frozen because the groups barely repeated (sparse): a
	// spilled row is not looked up in the frozen groups first.
	unknown atomic.Bool
	// sum: the HAVING after the aggregate drops every group whose sum
	// of a bigint is under a bound (see havingSum); nil: none.
	sum *sumBound
	// bounded: the HAVING has a bound (o.minRows, sum), so sets are
	// logs, and sketches, per worker, the bounds of what each wrote (see
	// op_aggregate_sketch.go).
	bounded  bool
	sketches []*havingSketch
	// byID: the workers spill keys as value IDs (see spillIDs): an
	// aggregate of two keys or more without a HAVING bound (a log's
	// rows are read by the bounded finish, which takes values).
	byID bool
}

// initSpill decides whether o can spill and prepares per-worker state.
func (o *opAggregate) initSpill(workers int) {
	sp := &o.sp
	sp.types = o.keyTypes()
	for _, ag := range o.aggs {
		for _, e := range ag.args {
			sp.types = append(sp.types, e.typ())
		}
	}
	sp.ok = o.unsorted && len(o.keys) > 0 && sp.pool.limit > 0
	for _, t := range sp.types {
		sp.ok = sp.ok && spillable(t)
	}
	sp.est = make([]memEstimate, workers)
	sp.counted = make([][2]int64, workers)
	sp.sets = make([]*spillSet, workers)
	sp.bounded = sp.ok && (o.minRows > 0 || sp.sum != nil)
	sp.byID = sp.ok && !sp.bounded && len(o.keys) >= 2
	sp.sketches = make([]*havingSketch, workers)
	sp.groups.Store(0)
	sp.bytes.Store(0)
	sp.on.Store(false)
	sp.unknown.Store(false)
}

// counted adds the new groups of worker w's table st to the totals and
// freezes every worker's groups once they pass the limits, or, with a
// HAVING bound, once st's groups barely repeat (sparse).
func (o *opAggregate) counted(w int, st *aggWorker) {
	sp := &o.sp
	g := &st.g
	if !sp.ok || int64(g.ngroups) == sp.counted[w][1] {
		return
	}
	est := sp.est[w].of(o, g)
	db, dg := est-sp.counted[w][0], int64(g.ngroups)-sp.counted[w][1]
	sp.counted[w] = [2]int64{est, int64(g.ngroups)}
	switch {
	case sp.over(sp.pool.used.Add(db), sp.bytes.Add(db), int(sp.groups.Add(dg))):
		sp.on.Store(true)
	case sp.sparse(est, st.rows, g.ngroups):
		// Rows of the frozen groups are spilled too (see spillRows).
		sp.unknown.Store(true)
		sp.on.Store(true)
	}
}

// sparse reports whether an aggregate with a HAVING bound (a log and a
// sketch when it spills, see op_aggregate_sketch.go) should freeze its
// table of own estimated bytes, which rows grouped into ngroups groups:
// once the table passes a 128th of the table bound (64 KiB, a few
// hundred groups), if its groups hold fewer than sparseRows rows each.
//
// Groups that barely repeat gain little from a table, and a bounded
// aggregate spills a row for about half of what grouping it costs: its
// log is written as the rows come, counted in the sketch, and read back
// only for the few groups that may pass. The heavy flow-log hunts group
// 1.1 (vpc_large_egress, vpc_reject_flood) to 2.7 (vpc_port_scan) rows
// a group until their 8 MiB tables froze; freezing them at 64 KiB took
// the three 3.695 G → 3.526 G instructions over sub8. Tables whose
// groups repeat more grow to the bound as before, and small ones never
// spill.
func (sp *aggSpill) sparse(own, rows int64, ngroups int) bool {
	return sp.bounded && own > sp.tableBound()/128 && rows < sparseRows*int64(ngroups)
}

// sparseRows is the rows a group of a bounded aggregate's table must
// hold on average for the table to grow past a 128th of its bound (see
// aggSpill.sparse).
const sparseRows = 4

// spillRows aggregates, of n evaluated rows (flat keys, then arguments),
// those whose group worker w's frozen table holds, and writes the others
// to w's spill files: only rows of new groups go to disk, so a table whose
// groups repeat after it froze spills little (the frozen groups' states
// still grow: count(DISTINCT) pairs, array_agg up to its limit).
//
// A table frozen because its groups barely repeated (aggSpill.sparse)
// is not looked up: the lookup of a row (~100 instructions, hashing its
// keys) costs more than logging it when few rows find their group, and
// aggregateKnown's sampling still took 64 M instructions over sub8 in
// the three heavy flow-log hunts (3.527 -> 3.462 G without it). The
// bounded finish merges the frozen groups with their logged rows.
func (o *opAggregate) spillRows(w int, cols []*vec, n int) error {
	st := o.ws[w]
	sp := &o.sp
	if sp.sets[w] == nil {
		if sp.bounded {
			sp.sets[w], sp.sketches[w] = newSpillLog(sp.dir), newHavingSketch(o)
		} else {
			sp.sets[w] = newSpillSet(sp.dir, 0)
		}
	}
	if !sp.unknown.Load() {
		cols, n = o.aggregateKnown(st, cols, n)
	}
	if n == 0 {
		return o.aggErr()
	}
	s := sp.sets[w]
	if err := s.write(cols, len(o.keys), n); err != nil {
		return err
	}
	if sk := sp.sketches[w]; sk != nil {
		// The sketch reads its columns flat.
		if o.dist != nil {
			cols[o.dist.col] = flat(&st.a, cols[o.dist.col], n)
		}
		if sb := sp.sum; sb != nil {
			cols[sb.col] = flat(&st.a, cols[sb.col], n)
		}
		sk.add(o, s.hash, cols, n)
	}
	return nil
}

// spillArg returns argument column v of n rows as spillRows takes it: a
// constant as it is, a dictionary column whose rows all take one entry
// as that entry's constant, anything else flat. A constant is written as
// one value (appendSpillColumn) as a flat column of one value is, so the
// spilled bytes are the same; "$path", one dictionary entry over a
// chunk, was decoded into a string a row for the spill to compare them
// all again.
func spillArg(a *arena, v *vec, n int) *vec {
	if v.isConst {
		return v
	}
	d := v.dict
	if d == nil || v.null != nil || n == 0 || d.t.k == kNull || !spillable(d.t) {
		return flat(a, v, n)
	}
	codes := v.codes[:n]
	c := codes[0]
	for _, x := range codes[1:] {
		if x != c {
			return flat(a, v, n)
		}
	}
	o := a.vec(v.t, 1)
	o.isConst = true
	if d.null != nil {
		o.null = d.null[c : c+1]
	}
	switch t := d.t; {
	case t.isStringy():
		o.s = d.s[c : c+1]
	case t.isIntLike():
		o.i = d.i[c : c+1]
	case t.k == kDouble:
		o.f = d.f[c : c+1]
	case t.k == kBool:
		o.b = d.b[c : c+1]
	}
	return o
}

// spillsByID reports whether worker w spills its rows' keys as value
// IDs (spillIDs).
func (o *opAggregate) spillsByID(w int) bool {
	s := o.sp.sets[w]
	return o.sp.byID && (s == nil || s.byID)
}

// spillIDs is spillRows for a worker that spills keys as value IDs: of
// n evaluated rows (keys in any form, then flat arguments), it numbers
// each key's values in worker w's frozen grouper, which keeps adding the
// values it has not seen (but no group), aggregates the rows whose group
// the grouper holds (one probe of their packed IDs, sampled as in
// aggregateKnown) and writes the others' IDs and arguments to w's spill
// set (spillSet.writeIDs). Once the grouper's values pass the table
// bound, the set goes on in values (spillRows): memory stays bounded
// when the values do not repeat across groups either.
func (o *opAggregate) spillIDs(w int, cols []*vec, n int) error {
	st := o.ws[w]
	sp := &o.sp
	s := sp.sets[w]
	if s == nil {
		s = newSpillSet(sp.dir, 0)
		s.src, s.byID = &st.g, true
		sp.sets[w] = s
	}
	nk := len(o.keys)
	g := &st.g
	g.keyIDs(&st.a, cols[:nk], n)
	ids, args := g.ids[:nk], cols[nk:]
	if st.looking() {
		gids := g.probeIDs(n)
		hit, miss := st.splitKnown(gids, n)
		if len(hit) > 0 {
			for j, i := range hit {
				gids[j] = gids[i]
			}
			ga := growSlots(&st.gargs, len(args))
			for c, v := range args {
				ga[c] = gatherVec(&st.a, v, hit)
			}
			o.update(st, gids[:len(hit)], ga)
			if len(miss) == 0 {
				return o.aggErr()
			}
			hids := growSlots(&st.hids, nk)
			for k := range hids {
				gatherInto(grow(&hids[k], len(miss)), ids[k], miss)
				hids[k] = hids[k][:len(miss)]
			}
			for c, v := range args {
				ga[c] = gatherVec(&st.a, v, miss)
			}
			ids, args, n = hids, ga, len(miss)
		}
	}
	if err := s.writeIDs(ids, args, n); err != nil {
		return err
	}
	if s.dictBytes() > sp.tableBound() {
		s.byID = false
	}
	return o.aggErr()
}

// looking reports whether the rows of the next chunk are looked up in
// st's frozen groups (see aggregateKnown): not during a pause, which it
// counts down.
func (st *aggWorker) looking() bool {
	if st.g.ngroups == 0 {
		return false
	}
	if st.skip > 0 {
		st.skip--
		return false
	}
	return true
}

// sampled counts n rows looked up in st's frozen groups, found of them
// found, and pauses the lookups for knownSkip chunks once fewer than 1
// in knownMinHit of a window found their group.
func (st *aggWorker) sampled(n, found int) {
	knownLooked.Add(int64(n))
	st.looked += n
	st.found += found
	if st.looked >= knownWindow {
		if st.found*knownMinHit < st.looked {
			st.skip = knownSkip
		}
		st.looked, st.found = 0, 0
	}
}

// aggregateKnown's sampling: a window of rows looked up, the hit rate
// (1 in knownMinHit) under which lookups pause, and for how many chunks.
const (
	knownWindow = 4 * BatchRows
	knownMinHit = 8
	knownSkip   = 60
)

// knownLooked counts the rows aggregateKnown looked up (for tests).
var knownLooked atomic.Int64

// splitKnown parts the n rows of a frozen table's probe (ids, -1 for a
// row of no group it holds) into t.hit and t.miss, and samples the hit
// rate (sampled).
func (t *aggWorker) splitKnown(ids []int32, n int) (hit, miss []int32) {
	hit, miss = t.hit[:0], t.miss[:0]
	for i, id := range ids {
		if id >= 0 {
			hit = append(hit, int32(i))
		} else {
			miss = append(miss, int32(i))
		}
	}
	t.hit, t.miss = hit, miss
	t.sampled(n, len(hit))
	return hit, miss
}

// aggregateKnown aggregates into t the rows of cols (n flat rows: keys,
// then arguments) whose group t has, and returns the other rows (gathered
// in t's arena, or cols itself when no row has a group).
//
// It adapts: the lookup costs about what it saves when a row's group is
// found, so when fewer than 1 in knownMinHit of knownWindow rows found
// their group (the groups do not repeat: flow-log hunts keyed by address
// and time), it stops looking for knownSkip chunks, then samples again.
func (o *opAggregate) aggregateKnown(t *aggWorker, cols []*vec, n int) ([]*vec, int) {
	if !t.looking() {
		return cols, n
	}
	ids := t.g.lookup(cols[:len(o.keys)], n)
	hit, miss := t.splitKnown(ids, n)
	if len(hit) == 0 {
		return cols, n
	}
	gathered := make([]*vec, len(cols))
	for c, v := range cols {
		// Flat: the arguments of spillRows's rows may be constants.
		gathered[c] = flat(&t.a, gatherVec(&t.a, v, hit), len(hit))
	}
	o.aggregate(t, gathered, len(hit))
	if len(miss) == 0 {
		return nil, 0
	}
	for c, v := range cols {
		gathered[c] = gatherVec(&t.a, v, miss)
	}
	return gathered, len(miss)
}

// spilled reports whether any worker spilled rows.
func (o *opAggregate) spilled() bool {
	for _, s := range o.sp.sets {
		if s != nil {
			return true
		}
	}
	return false
}

// flushSpilled emits every group of a spilled aggregate, partition by
// partition (each worker taking the next partition and emitting it as
// itself: nothing downstream depends on the order of the groups, see
// opAggregate.unsorted), then flushes the successor.
func (o *opAggregate) flushSpilled() error {
	var hs [][]uint64 // per worker: its frozen groups' key hashes (nil: not yet)
	if o.sp.bounded {
		hs = groupHashes(o.ws)
		err := o.sortLogs(hs)
		if err != nil {
			for _, s := range o.sp.sets {
				if s != nil {
					s.close()
				}
			}
			return err
		}
	}
	var sets []*spillSet
	for _, s := range o.sp.sets {
		if s != nil {
			sets = append(sets, s)
		}
	}
	defer func() {
		for _, s := range sets {
			s.close()
		}
	}()
	for _, s := range sets {
		if err := s.finish(); err != nil {
			return err
		}
	}
	ws := o.ws
	o.ws = nil
	var dicts [][]*vec // per worker, of an aggregate that spills keys as IDs
	if o.sp.byID {
		dicts = make([][]*vec, len(ws))
		for w, wk := range ws {
			dicts[w] = dictVecs(&wk.g)
			if s := o.sp.sets[w]; s != nil && s.src != nil {
				s.dicts = dicts[w]
			}
		}
	}
	fs := frozenTables(ws, dicts, hs, 0)
	var next atomic.Int64
	var failed atomic.Bool
	errs := make([]error, len(ws))
	var wg sync.WaitGroup
	for w := range ws {
		wg.Go(func() {
			var scratch partScratch
			for !failed.Load() {
				p := int(next.Add(1) - 1)
				if p >= spillParts {
					return
				}
				if err := o.finishPart(w, fs, sets, 0, p, &scratch); err != nil {
					errs[w] = err
					failed.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return o.next.flush()
}

// frozen is a table whose groups were frozen when its aggregate spilled,
// with its groups' key values, split by the partition (at the level the
// table is finished at) their key hash falls in.
type frozen struct {
	w     *aggWorker
	keys  []*vec
	hash  []uint64            // per group: its key hash (hashKeys)
	dicts []*vec              // the dictionaries keys are coded in (nil: plain keys)
	parts [spillParts][]int32 // the groups of each partition, ascending
	pos   []int32             // per group: its index in its partition's list
	// pairs[i], for a count(DISTINCT) state i, is its (group, value ID)
	// pairs split by the partition of their group (nil for other
	// states): finishing merges each partition's pairs only, where
	// merging the state into each of spillParts tables visited every
	// pair each time (a third of finishing, 118 hunts).
	pairs []*[spillParts][]uint64
}

// frozenTables returns the frozen tables of ws, split by partition at
// level. It takes the pairs of count(DISTINCT) states out of their hash
// tables (which go), so ws's states can only be merged through the
// result, by finishPart.
//
// With dicts (per worker: dictVecs of its grouper), a frozen table's
// keys are coded in them, so that its partition tables number them as
// the rows the worker spilled as IDs (grouper.pin). With hs (per
// worker: groupHashes), those are its groups' key hashes, not hashed
// again.
func frozenTables(ws []*aggWorker, dicts [][]*vec, hs [][]uint64, level int) []frozen {
	var fs []frozen
	for i, w := range ws {
		if w.g.ngroups == 0 {
			continue
		}
		w.a.reset()
		var keys []*vec
		if dicts != nil {
			for k, d := range dicts[i] {
				keys = append(keys, &vec{t: d.t, n: w.g.ngroups, dict: d, codes: w.g.groupKeys[k][:w.g.ngroups]})
			}
		} else {
			keys = w.g.groupVecs(&w.a)
		}
		f := frozen{w: w, keys: keys}
		if dicts != nil {
			f.dicts = dicts[i]
		}
		if hs != nil {
			f.hash = hs[i]
		} else {
			f.hash = hashKeys(keys, w.g.ngroups, nil)
		}
		part := make([]uint8, w.g.ngroups)
		var counts [spillParts]int
		for j, h := range f.hash[:w.g.ngroups] {
			p := spillPart(h, level)
			part[j] = uint8(p)
			counts[p]++
		}
		for p := range f.parts {
			f.parts[p] = make([]int32, 0, counts[p])
		}
		f.pos = make([]int32, w.g.ngroups)
		for j, p := range part {
			f.pos[j] = int32(len(f.parts[p]))
			f.parts[p] = append(f.parts[p], int32(j))
		}
		f.pairs = make([]*[spillParts][]uint64, len(w.states))
		for i, s := range w.states {
			if d, ok := s.(*distinctState); ok {
				f.pairs[i] = d.split(part)
			}
		}
		fs = append(fs, f)
	}
	return fs
}

// groupHashes returns, per table of ws, the key hashes of its groups
// (hashKeys), for frozenTables, havingSketch.addFrozen and the bounded
// finish, which each hashed every frozen group's keys again (a third of
// finishing vpc_port_scan over sub8 was those three hashings).
func groupHashes(ws []*aggWorker) [][]uint64 {
	hs := make([][]uint64, len(ws))
	var a arena
	for i, w := range ws {
		if w.g.ngroups == 0 {
			continue
		}
		a.reset()
		hs[i] = hashKeys(w.g.groupVecs(&a), w.g.ngroups, nil)
	}
	return hs
}

// partScratch is one goroutine's reusable buffers for finishPart.
type partScratch struct {
	e partEmitter
	// t is the table of the last partition emitted, whose maps, states
	// and columns the next partition reuses once emptied: a fresh table
	// per partition regrew each of them from nothing (rehashing, zeroing
	// new slices), a tenth of finishing. nil: none, or in use.
	t   *aggWorker
	buf []byte // a spillReader's buffer
	// Scratch of finishPartBounded: key hashes numbered, and per
	// number its rows; per spilled row read and per frozen group (per
	// frozen table), its hash's number; lists of rows or groups.
	hashes flatTable[int32]
	rows   []int64
	sums   []int64 // per hash number: the sum of aggSpill.sum
	keep   []bool  // per hash number: its groups are aggregated
	// Scratch of keepDistinct: per hash number its distinct x, the x
	// values numbered, and the (hash number, x number) pairs seen.
	dist     []int64
	dg       grouper
	dpairs   flatTable[struct{}]
	gids     []int32
	fids     [][]int32
	from, to []int32
}

// table returns an empty table for a partition.
func (sc *partScratch) table(o *opAggregate) *aggWorker {
	t := sc.t
	if t == nil {
		return o.newWorker()
	}
	sc.t = nil
	t.reset(o)
	return t
}

// reset empties w of groups, keeping the room its grouper and states grew
// to (states that cannot be emptied are made anew).
func (w *aggWorker) reset(o *opAggregate) {
	w.g.reset()
	for i, s := range w.states {
		if r, ok := s.(interface{ reset() }); ok {
			r.reset()
		} else {
			w.states[i] = newAggState(o.aggs[i])
		}
	}
	w.res, w.emit = nil, nil
	w.looked, w.found, w.skip = 0, 0, 0
}

// finishPart emits, as worker w, the groups of partition p at level: the
// frozen groups of fs in that partition together with the rows sets
// spilled into it. If they outgrow the limit, the partition is split one
// level down the same way.
func (o *opAggregate) finishPart(w int, fs []frozen, sets []*spillSet, level, p int, sc *partScratch) error {
	if o.minRows > 0 || o.sp.sum != nil {
		// Fast path: only groups with enough rows (or a large enough
		// sum) for HAVING get states.
		if ok, err := o.finishPartBounded(w, fs, sets, p, sc); ok || err != nil {
			return err
		}
	}
	t := sc.table(o)
	// The dictionaries of keys read as IDs, pinned in the worker order
	// of their rows, frozen groups first.
	for _, f := range fs {
		for k, d := range f.dicts {
			t.g.pin(k, d)
		}
	}
	for _, s := range sets {
		for k, d := range s.dicts {
			t.g.pin(k, d)
		}
	}
	// The frozen groups of partition p, merged in table order.
	for _, f := range fs {
		sel := f.parts[p]
		if len(sel) == 0 {
			continue
		}
		t.a.reset()
		keys := make([]*vec, len(f.keys))
		for k, v := range f.keys {
			keys[k] = gatherVec(&t.a, v, sel)
		}
		// Each state merges just these groups (sel into ids), not a
		// map over all of the table's groups per partition.
		ids := t.g.groupIDs(&t.a, keys, len(sel))
		for i, s := range t.states {
			if f.pairs[i] != nil {
				s.(*distinctState).mergePairs(f.w.states[i].(*distinctState), f.pairs[i][p], f.pos, ids)
				continue
			}
			s.merge(f.w.states[i], sel, ids, t.g.ngroups)
		}
	}
	// Then the rows spilled into partition p.
	var sub *spillSet
	defer func() {
		if sub != nil {
			sub.close()
		}
	}()
	for _, s := range sets {
		if len(s.blocks[p]) == 0 {
			continue
		}
		sr := spillReader{f: s.f, blocks: s.blocks[p], types: o.sp.types, buf: sc.buf, dicts: s.dicts, noHash: s.src != nil}
		err := o.feed(t, &sub, &sr, level+1)
		sc.buf = sr.buf
		if err != nil {
			return err
		}
		s.blocks[p] = nil
	}
	if sub == nil {
		err := o.emitWorker(w, t, &sc.e)
		sc.t = t // emitted: its memory can take the next partition
		return err
	}
	// t's groups go on in the tables of the next level.
	if err := sub.finish(); err != nil {
		return err
	}
	subFrozen := frozenTables([]*aggWorker{t}, nil, nil, level+1)
	for q := range spillParts {
		if err := o.finishPart(w, subFrozen, []*spillSet{sub}, level+1, q, sc); err != nil {
			return err
		}
	}
	return nil
}

// feed aggregates the rows of sr into table t; once t holds more than the
// limit, further rows go to *sub (spilled at level).
func (o *opAggregate) feed(t *aggWorker, sub **spillSet, sr *spillReader, level int) error {
	var est memEstimate
	for {
		t.a.reset()
		cols, n, err := sr.next(&t.a)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if *sub != nil {
			for k, v := range cols[:len(o.keys)] {
				if v.dict != nil {
					// Keys read as IDs spill one level down as values.
					cols[k] = flat(&t.a, v, n)
				}
			}
			if cols, n = o.aggregateKnown(t, cols, n); n == 0 {
				continue
			}
			if err := (*sub).write(cols, len(o.keys), n); err != nil {
				return err
			}
			continue
		}
		o.aggregate(t, cols, n)
		if e := est.of(o, &t.g); o.sp.overPart(e, t.g.ngroups) && level < maxSpillLevel {
			*sub = newSpillSet(o.sp.dir, level)
		}
	}
}

// emitWorker emits the groups of table t as worker w: its results,
// then pushed as views of its keys and results (copying them into
// columns first was most of emitting). t keeps its states and maps, for
// reset.
func (o *opAggregate) emitWorker(w int, t *aggWorker, e *partEmitter) error {
	if err := o.aggErr(); err != nil {
		return err
	}
	if t.g.ngroups == 0 {
		return nil
	}
	t.res = make([]*column, len(t.states))
	for i, s := range t.states {
		t.res[i] = s.result(t.g.ngroups)
	}
	return e.emit(o, w, t)
}
