package engine

import (
	"encoding/binary"
	"math/bits"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/hunt-sec/hunt/parsers"
)

// BatchRows is the number of rows per batch the engine is tuned for; it is
// the readers' batch size (see [parsers.BatchRows] for why 4096).
const BatchRows = parsers.BatchRows

// vec is one column of values in the engine's evaluation format: a typed
// Go slice per representation, so kernels are plain loops over []int64,
// []float64, []string or []bool. A vec is in one of four forms:
//
//   - plain: the slice of its type has n values;
//   - const: isConst, the slice has one value that stands for every row;
//   - dictionary: codes has n entries indexing dict, a plain vec of the
//     distinct values (evaluated once per distinct value);
//   - complex: arr (an Arrow struct, list or map array) with idx, the
//     row in arr of each value (nil means rows 0..n-1), or x for arrays
//     computed by the engine (array_agg).
//
// null, when not nil, has n entries; true marks NULL. A vec is valid
// for the duration of the push that produced it; strings may point into
// Arrow buffers or an arena and must be cloned to be kept.
type vec struct {
	t       *dtype
	n       int
	isConst bool
	null    []bool

	i []int64
	f []float64
	s []string
	b []bool

	codes []int32
	dict  *vec
	// isKept marks a dictionary vec an arena's dictCache keeps across
	// pushes (load_dict.go): never changed, its identity stands for it.
	isKept bool

	arr arrow.Array
	idx []int32
	x   []any // computed values: []any for arrays, opaque Go values after a blocking operator

	// Owned buffers, reused across batches; the slices above may point
	// into these or into Arrow memory (never written then).
	nb []bool
	ib []int64
	fb []float64
	sb []string
	bb []bool
	cb []int32
	xb []int32
	// sbn is how much of sb holds strings written since the views of
	// the last push were dropped (see dropViews).
	sbn int
	// sbz is how much of sb held no string (only zero headers) when the
	// views were last dropped or sb was allocated: with sbn 0, sb[:sbz]
	// is still clear (see strsCleared).
	sbz int
}

// growSlots is grow for per-column (not per-row) slices: exactly n. With
// grow's BatchRows capacity, each chunk's slot slices took ~230 KB, times
// every operator of every query on every worker (55 hunts in hunt run).
func growSlots[T any](b *[]T, n int) []T {
	if cap(*b) < n {
		*b = make([]T, n)
	}
	return (*b)[:n]
}

// grow returns *b resized to n, reallocated when too small: to twice its
// capacity (at most BatchRows, at least n). A scratch buffer is thus sized
// by the rows its operator actually receives: a hunt routed a few rows of
// each batch keeps small buffers, not BatchRows per vec of every
// operator on every worker.
func grow[T any](b *[]T, n int) []T {
	if cap(*b) < n {
		*b = make([]T, n, max(n, min(2*cap(*b), BatchRows)))
	}
	return (*b)[:n]
}

// reset empties v for a new value of type t with n rows, keeping buffers.
func (v *vec) reset(t *dtype, n int) {
	v.t, v.n, v.isConst = t, n, false
	v.null, v.i, v.f, v.s, v.b, v.codes, v.dict, v.arr, v.idx, v.x = nil, nil, nil, nil, nil, nil, nil, nil, nil, nil
}

func (v *vec) isNull(i int) bool { return v.null != nil && v.null[i] }

// nulls returns v's owned null slice of n entries, all false.
func (v *vec) nulls() []bool {
	v.null = grow(&v.nb, v.n)
	clear(v.null)
	return v.null
}

// plain forms of the value slices, sized to n.
func (v *vec) ints() []int64     { v.i = grow(&v.ib, v.n); return v.i }
func (v *vec) floats() []float64 { v.f = grow(&v.fb, v.n); return v.f }
func (v *vec) strs() []string {
	s, _ := v.strsCleared()
	return s
}

// strsCleared is strs, and reports whether every string it returns is a
// zero header (no pointer): nothing was written there since the views
// were last dropped, or the buffer is new. A loader that writes strings
// without write barriers then needs not clear them first (loadStrings).
func (v *vec) strsCleared() ([]string, bool) {
	cleared := v.sbn == 0 && v.n <= v.sbz
	if cap(v.sb) < v.n {
		v.sb = grow(&v.sb, v.n) // a new buffer: all clear
		v.sbz, cleared = cap(v.sb), true
	}
	v.s = v.sb[:v.n]
	v.sbn = max(v.sbn, v.n)
	return v.s, cleared
}
func (v *vec) bools() []bool { v.b = grow(&v.bb, v.n); return v.b }

// arena hands out scratch vecs and string bytes for one operator on one
// worker. reset at the start of every push makes them reusable, so the
// steady state allocates nothing.
type arena struct {
	vecs   []*vec
	used   int
	chunks []*chunk // scratch chunks: CASE evaluates an arm on some rows
	usedCh int
	buf    []byte // bytes of strings computed by kernels (lower, concat...)
	args   []*vec // argument stack of exprFunc.eval
	err    error  // first evaluation error of the batch (see fail)
	dicts  dictCache
}

func (a *arena) reset() {
	a.used, a.usedCh = 0, 0
	a.buf = a.buf[:0]
	a.args = a.args[:0]
	a.err = nil
}

// vec returns a scratch vec of type t with n rows.
func (a *arena) vec(t *dtype, n int) *vec {
	if a.used == len(a.vecs) {
		a.vecs = append(a.vecs, &vec{})
	}
	v := a.vecs[a.used]
	a.used++
	v.reset(t, n)
	return v
}

// subChunk returns c restricted to rows (ascending), in a scratch chunk
// of a; see gatherChunk.
func (a *arena) subChunk(c *chunk, rows []int32) *chunk {
	if a.usedCh == len(a.chunks) {
		a.chunks = append(a.chunks, &chunk{})
	}
	dst := a.chunks[a.usedCh]
	a.usedCh++
	rowsBuf := a.vec(tInt, 0) // its owned buffer holds dst's rows
	gatherChunk(dst, c, rows, a, &rowsBuf.cb)
	return dst
}

// str copies b into the arena and returns it as a string that stays valid
// until the arena's next reset. Growing buf does not invalidate earlier
// strings: they keep the old backing array alive.
func (a *arena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	start := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[start], len(b))
}

// strStart and strEnd let a kernel append a string's bytes piecewise.
func (a *arena) strStart() int { return len(a.buf) }

func (a *arena) strEnd(start int) string {
	if len(a.buf) == start {
		return ""
	}
	return unsafe.String(&a.buf[start], len(a.buf)-start)
}

// constVec builds a one-value vec; constants are shared read-only by all
// workers.
func constVec(t *dtype, null bool) *vec {
	v := &vec{t: t, n: 1, isConst: true}
	if null {
		v.null = []bool{true}
	}
	switch {
	case t.isIntLike():
		v.i = []int64{0}
	case t.k == kDouble:
		v.f = []float64{0}
	case t.isStringy():
		v.s = []string{""}
	case t.k == kBool:
		v.b = []bool{false}
	case t.k == kNull:
		v.null = []bool{true}
	case t.k == kArray:
		v.x = []any{nil}
	}
	return v
}

// flat returns v in plain form with n rows: constants are broadcast and
// dictionaries decoded into a scratch vec of a. Plain and complex vecs
// come back unchanged.
func flat(a *arena, v *vec, n int) *vec {
	switch {
	case v.isConst:
		o := a.vec(v.t, n)
		if v.isNull(0) {
			nl := o.nulls()
			for i := range nl {
				nl[i] = true
			}
		}
		switch {
		case v.t.isIntLike():
			fill(o.ints(), v.i[0])
		case v.t.k == kDouble:
			fill(o.floats(), v.f[0])
		case v.t.isStringy():
			fill(o.strs(), v.s[0])
		case v.t.k == kBool:
			fill(o.bools(), v.b[0])
		case v.t.k == kArray:
			o.x = make([]any, n)
			for i := range o.x {
				o.x[i] = v.x[0]
			}
		case v.t.k == kNull:
		}
		return o
	case v.dict != nil:
		d := v.dict
		o := a.vec(v.t, n)
		var nl []bool
		if v.null != nil || d.null != nil {
			nl = o.nulls()
		}
		codes := v.codes
		switch {
		case v.t.isStringy():
			out := o.strs()
			for i, c := range codes {
				out[i] = d.s[c]
			}
		case v.t.isIntLike():
			out := o.ints()
			for i, c := range codes {
				out[i] = d.i[c]
			}
		case v.t.k == kDouble:
			out := o.floats()
			for i, c := range codes {
				out[i] = d.f[c]
			}
		case v.t.k == kBool:
			out := o.bools()
			for i, c := range codes {
				out[i] = d.b[c]
			}
		case d.x != nil:
			// Arrays a function made once per dictionary entry
			// (split(eventsource, '.')).
			o.x = make([]any, n)
			for i, c := range codes {
				o.x[i] = d.x[c]
			}
		case d.arr != nil:
			o.x = make([]any, n)
			for i, c := range codes {
				o.x[i] = arrowValue(d.arr, d.complexRow(int(c)))
			}
		}
		if nl != nil {
			for i, c := range codes {
				nl[i] = v.isNull(i) || d.isNull(int(c))
			}
		}
		return o
	}
	return v
}

// fill sets every value of s to x. Past fillLoop values it copies the
// filled part onto the rest, doubling it each time (memmove: a fraction
// of an instruction a value, against three for the loop, whose bool
// fills were ~19 M of the library's instructions over sub8: a mostly
// NULL column's flags, broadcast constants).
func fill[T any](s []T, x T) {
	if len(s) <= fillLoop {
		for i := range s {
			s[i] = x
		}
		return
	}
	for i := range s[:fillLoop] {
		s[i] = x
	}
	for k := fillLoop; k < len(s); k *= 2 {
		copy(s[k:], s[:k])
	}
}

// fillLoop is the most values fill writes one by one.
const fillLoop = 32

// gatherVec returns v restricted to rows sel, in sel order.
func gatherVec(a *arena, v *vec, sel []int32) *vec {
	if v.isConst {
		return v
	}
	o := a.vec(v.t, len(sel))
	if v.null != nil {
		nl := o.nulls()
		for j, r := range sel {
			nl[j] = v.null[r]
		}
	}
	switch {
	case v.dict != nil:
		o.dict = v.dict
		o.codes = grow(&o.cb, len(sel))
		gatherInto(o.codes, v.codes, sel)
	case v.arr != nil:
		o.arr = v.arr
		o.idx = grow(&o.xb, len(sel))
		if v.idx == nil {
			copy(o.idx, sel)
		} else {
			gatherInto(o.idx, v.idx, sel)
		}
	case v.x != nil:
		o.x = make([]any, len(sel))
		for j, r := range sel {
			o.x[j] = v.x[r]
		}
	case v.t.isIntLike():
		gatherInto(o.ints(), v.i, sel)
	case v.t.k == kDouble:
		gatherInto(o.floats(), v.f, sel)
	case v.t.isStringy():
		gatherInto(o.strs(), v.s, sel)
	case v.t.k == kBool:
		gatherInto(o.bools(), v.b, sel)
	}
	return o
}

// gatherInto sets dst[j] to src[sel[j]] for each j of sel.
// Integer slices of at least gatherAsmRows rows go through the assembly
// gathers where there are some (vec_gather.go).
func gatherInto[T any](dst, src []T, sel []int32) {
	dst = dst[:len(sel)] // no bounds check on dst in the loop
	if useGatherAsm && len(sel) >= gatherAsmRows && gatherFast(dst, src, sel) {
		return
	}
	for j, r := range sel {
		dst[j] = src[r]
	}
}

// srcCol is a column slot of a scan chunk not yet converted: the Arrow
// array of a column or nested field, and its struct ancestors (a row is
// null when any ancestor is).
type srcCol struct {
	arr     arrow.Array
	parents []arrow.Array
}

// chunk is the unit operators pass along: n rows in column slots. Scan
// chunks convert a slot from Arrow on first use (lazily), through rows
// when a filter has narrowed the chunk, so columns only used after a
// selective filter are converted for the surviving rows only.
type chunk struct {
	n    int
	cols []*vec
	src  []srcCol // per slot; arr nil when the slot is computed
	rows []int32  // physical row in src arrays of each row; nil = identity
	a    *arena   // where lazy loads go
	// nm remembers the NULL flags of the last slots loaded through
	// rows: a flow batch's columns share their NULL rows (NODATA
	// lines), so each further column of a routed chunk finds its flags
	// by comparing validity bytes instead of searching rows again. Reset
	// whenever rows changes (reset, gatherChunk).
	nm nullMemo
}

// nullMemo remembers what setNulls found through one fixed rows for the
// last two validity bitmaps it was given (see chunk.nm): the same bits
// from the same bit offset within their first byte, over arrays as long,
// give the same NULL flags through the same rows.
type nullMemo struct {
	e    [2]nullMemoEntry
	next int // the entry to replace next
}

type nullMemoEntry struct {
	set   bool
	shift int    // the array's offset within its bitmap's first byte
	bits  []byte // the validity bytes covering the array's rows
	n     int    // rows
	has   bool   // a row through rows is NULL
	nl    []bool // then the flags, one per row
}

func (m *nullMemo) reset() {
	m.e[0].set, m.e[1].set = false, false
}

// setNulls is setNulls(nl, x, rows) remembered in m (nil: not
// remembered). rows must stay the same between calls until m.reset.
func (m *nullMemo) setNulls(nl []bool, x arrow.Array, rows []int32) bool {
	bm, off := x.NullBitmapBytes(), x.Data().Offset()
	if m == nil || rows == nil || len(bm) == 0 || x.Len() == 0 {
		return setNulls(nl, x, rows)
	}
	bits := bm[off>>3 : (off+x.Len()-1)>>3+1]
	for i := range m.e {
		e := &m.e[i]
		if e.set && e.shift == off&7 && e.n == len(nl) && string(e.bits) == string(bits) {
			if e.has {
				copy(nl, e.nl)
			}
			return e.has
		}
	}
	has := setNulls(nl, x, rows)
	e := &m.e[m.next]
	m.next ^= 1
	e.set, e.shift, e.n, e.has = true, off&7, len(nl), has
	e.bits = append(e.bits[:0], bits...)
	if has {
		e.nl = append(e.nl[:0], nl...)
	}
	return has
}

// col returns slot i, loading it from Arrow on first use.
func (c *chunk) col(i int) *vec {
	if v := c.cols[i]; v != nil {
		return v
	}
	s := c.src[i]
	if s.arr == nil {
		panic("BUG: chunk slot without value or source")
	}
	v := c.a.vec(nil, c.n)
	loadArrowMemo(c.a, v, s.arr, s.parents, c.rows, c.n, &c.nm)
	c.cols[i] = v
	return v
}

// nullsOnly returns the NULL flags of slot i (nil: no row is NULL),
// read from the validity of its array and its struct ancestors without
// converting its values, when the slot is not loaded yet and is not
// dictionary-encoded (whose entries may be NULL too); ok is false
// otherwise. The flags are in a scratch vec of c's arena.
func (c *chunk) nullsOnly(i int) (null []bool, ok bool) {
	if c.cols[i] != nil {
		return nil, false
	}
	s := c.src[i]
	if s.arr == nil {
		return nil, false
	}
	if _, dict := s.arr.(*array.Dictionary); dict {
		return nil, false
	}
	v := c.a.vec(tBool, c.n)
	loadNulls(v, s.arr, s.parents, c.rows, c.n, &c.nm)
	return v.null, true
}

// reset prepares c for nslots slots.
func (c *chunk) reset(nslots int, a *arena) {
	c.cols = growSlots(&c.cols, nslots)
	clear(c.cols)
	c.src = growSlots(&c.src, nslots)
	for i := range c.src {
		c.src[i].arr = nil
		c.src[i].parents = c.src[i].parents[:0]
	}
	c.rows = nil
	c.a = a
	c.nm.reset()
}

// reloads reports whether a loaded slot with source s is left to load
// again through a gathered chunk's rows on first use instead of being
// gathered: an integer or float column of the batch, whose load through
// rows costs what gathering it does, so a column no later conjunct or
// operator reads (the port scan's srcport after dstport < srcport) is
// not copied at all.
func reloads(s srcCol) bool {
	switch s.arr.(type) {
	case *array.Int64, *array.Int32, *array.Float64:
		return true
	}
	return false
}

// gatherChunk writes into dst the rows sel of c (loaded slots gathered,
// unloaded slots by composing rows).
func gatherChunk(dst, c *chunk, sel []int32, a *arena, rowsBuf *[]int32) {
	dst.n = len(sel)
	dst.cols = growSlots(&dst.cols, len(c.cols))
	dst.src = growSlots(&dst.src, len(c.src))
	dst.a = a
	copy(dst.src, c.src)
	for i, v := range c.cols {
		if v != nil && !reloads(c.src[i]) {
			dst.cols[i] = gatherVec(a, v, sel)
		} else {
			dst.cols[i] = nil
		}
	}
	rows := grow(rowsBuf, len(sel))
	if c.rows == nil {
		copy(rows, sel)
	} else {
		gatherInto(rows, c.rows, sel)
	}
	dst.rows = rows
	dst.nm.reset()
}

// loadArrow converts arr (through rows, if not nil) into v, which takes
// arr's SQL type.
func loadArrow(a *arena, v *vec, arr arrow.Array, parents []arrow.Array, rows []int32, n int) {
	loadArrowMemo(a, v, arr, parents, rows, n, nil)
}

// loadArrowMemo is loadArrow with its NULL flags remembered in nm (see
// chunk.nm; nil: not remembered).
func loadArrowMemo(a *arena, v *vec, arr arrow.Array, parents []arrow.Array, rows []int32, n int, nm *nullMemo) {
	t, ok := fromArrow(arr.DataType())
	if !ok {
		panic("BUG: unsupported Arrow type " + arr.DataType().String())
	}
	v.reset(t, n)
	row := func(j int) int {
		if rows == nil {
			return j
		}
		return int(rows[j])
	}
	loadNulls(v, arr, parents, rows, n, nm)
	switch x := arr.(type) {
	case *array.String:
		// Slice every value out of the value buffer instead of calling
		// Value per row.
		var buf []byte
		if b := x.Data().Buffers()[2]; b != nil {
			buf = b.Bytes()
		}
		out, cleared := v.strsCleared()
		loadStrings(out, x.ValueOffsets(), buf, rows, cleared)
	case *array.Dictionary:
		d := loadDict(a, x)
		v.dict = d
		codes := x.Indices().(*array.Int32).Int32Values()
		if rows == nil {
			v.codes = codes[:n]
		} else {
			v.codes = grow(&v.cb, n)
			gatherInto(v.codes, codes, rows)
		}
		if v.null != nil {
			// Null rows may hold any code; make them a valid one.
			if rows == nil {
				v.codes = grow(&v.cb, n)
				copy(v.codes, codes[:n])
			}
			for j, isNull := range v.null {
				if isNull {
					v.codes[j] = 0
				}
			}
			if d.n == 0 {
				// All rows null over an empty dictionary: give it one
				// null entry so codes stay valid.
				d.n = 1
				fill(d.strs(), "")
				d.nulls()[0] = true
			}
		}
	case *array.Int64:
		if rows == nil {
			v.i = x.Int64Values()[:n]
		} else {
			gatherInto(v.ints(), x.Int64Values(), rows)
		}
	case *array.Int32:
		if rows == nil {
			widenInto(v.ints(), x.Int32Values())
		} else {
			gatherWiden(v.ints(), x.Int32Values(), rows)
		}
	case *array.Int16:
		out := v.ints()
		for j := range out {
			out[j] = int64(x.Value(row(j)))
		}
	case *array.Int8:
		out := v.ints()
		for j := range out {
			out[j] = int64(x.Value(row(j)))
		}
	case *array.Float64:
		if rows == nil {
			v.f = x.Float64Values()[:n]
		} else {
			gatherInto(v.floats(), x.Float64Values(), rows)
		}
	case *array.Float32:
		out := v.floats()
		for j := range out {
			out[j] = float64(x.Value(row(j)))
		}
	case *array.Boolean:
		out := v.bools()
		for j := range out {
			out[j] = x.Value(row(j))
		}
	case *array.Date32:
		out := v.ints()
		for j := range out {
			out[j] = int64(x.Value(row(j))) * 86_400_000_000 // days → microseconds
		}
	case *array.Timestamp:
		unit := x.DataType().(*arrow.TimestampType).Unit
		out := v.ints()
		for j := range out {
			ts := int64(x.Value(row(j)))
			switch unit {
			case arrow.Second:
				ts *= 1e6
			case arrow.Millisecond:
				ts *= 1e3
			case arrow.Nanosecond:
				ts /= 1e3
			}
			out[j] = ts
		}
	default:
		// Struct, list and map values stay in Arrow.
		v.arr = arr
		if rows != nil {
			v.idx = grow(&v.xb, n)
			copy(v.idx, rows)
		}
	}
}

// loadNulls sets v.null (n rows, through rows if not nil) to whether
// each row of arr is NULL or has a NULL struct ancestor (parents). It
// leaves v.null nil when none of the rows is: kernels then take their
// paths without nulls, and a gather copies none.
func loadNulls(v *vec, arr arrow.Array, parents []arrow.Array, rows []int32, n int, nm *nullMemo) {
	hasNull := false
	for k := -1; k < len(parents); k++ {
		x := arr
		if k >= 0 {
			x = parents[k]
		}
		if x.NullN() == 0 {
			continue
		}
		nl := grow(&v.nb, n)
		if !hasNull {
			// nl holds nothing yet: no row was NULL in the arrays before.
			hasNull = nm.setNulls(nl, x, rows)
			continue
		}
		orNulls(nl, x, rows)
	}
	if hasNull {
		v.null = v.nb[:n]
	}
}

// nullByte is, for each validity byte, the NULL flags of its eight rows
// (bit k clear: row k is NULL).
var nullByte = func() (t [256][8]bool) {
	for b := range t {
		for k := range t[b] {
			t[b][k] = b>>k&1 == 0
		}
	}
	return t
}()

// setNulls reports whether a row of x (through rows, if not nil) is
// NULL and, when one is, writes into nl whether each is (when none is,
// nl may be left as it was).
func setNulls(nl []bool, x arrow.Array, rows []int32) bool {
	bm, off := x.NullBitmapBytes(), x.Data().Offset()
	switch {
	case len(bm) == 0:
		// No bitmap yet nulls: a NULL-typed array, all of whose rows are
		// (its IsNull says none is).
		fill(nl, true)
		return len(nl) > 0
	case rows == nil && off&7 == 0:
		// Fast path: the rows from a byte boundary, eight a byte.
		bm = bm[off>>3:]
		all := byte(0xff)
		j := 0
		for ; j+8 <= len(nl); j += 8 {
			b := bm[j>>3]
			*(*[8]bool)(nl[j : j+8]) = nullByte[b]
			all &= b
		}
		hasNull := all != 0xff
		for ; j < len(nl); j++ {
			nl[j] = bm[j>>3]>>(j&7)&1 == 0
			hasNull = hasNull || nl[j]
		}
		return hasNull
	case rows == nil:
		valid := byte(1)
		for j := range nl {
			i := off + j
			b := bm[i>>3] >> (i & 7) & 1
			nl[j] = b == 0
			valid &= b
		}
		return valid == 0
	}
	if nulls := x.NullN(); min(nulls, x.Len()-nulls)*sparseRowsPerBit <= len(nl) {
		return setNullsSparse(nl, bm, off, rows[:len(nl)], 2*nulls > x.Len())
	}
	valid := byte(1)
	for j, r := range rows[:len(nl)] {
		i := off + int(r)
		b := bm[i>>3] >> (i & 7) & 1
		nl[j] = b == 0
		valid &= b
	}
	return valid == 0
}

// sparseRowsPerBit: a load through rows looks its rows' NULLs up from
// the bitmap's rarer bits (see setNullsSparse) when there is at most one
// such bit per this many rows loaded. Testing each row's bit costs about
// ten instructions a row; finding a rare bit's row about sixty.
const sparseRowsPerBit = 8

// setNullsSparse is setNulls through rows (ascending, not empty; a row
// may repeat) for a bitmap whose NULLs are rare, or whose valid rows are
// (mostlyNull): it visits only the rare bits, 64 a word, each looked up
// in rows by binary search. A flow log's routed rows (action = 'ACCEPT') hold none of its
// few NULLs: nl is not written and no row's bit is read.
func setNullsSparse(nl []bool, bm []byte, off int, rows []int32, mostlyNull bool) bool {
	var flip uint64 // XOR with a bitmap word: its set bits are the rare ones
	if mostlyNull {
		fill(nl, true)
	} else {
		flip = ^uint64(0)
	}
	lo, hi := off+int(rows[0]), off+int(rows[len(rows)-1]) // bit positions spanned
	hits, j := 0, 0                                        // rare bits among rows; rows[:j] are before the next bit
	for wi := lo >> 6; wi <= hi>>6 && j < len(rows); wi++ {
		w := bitmapWord(bm, wi) ^ flip
		if wi == lo>>6 {
			w &= ^uint64(0) << (lo & 63)
		}
		if wi == hi>>6 {
			w &= ^uint64(0) >> (63 - hi&63)
		}
		for ; w != 0 && j < len(rows); w &= w - 1 {
			r := int32(wi<<6 + bits.TrailingZeros64(w) - off)
			// The first of rows[j:] at or past r: distinct rows put it
			// at most r-rows[j] places past j. Repeated rows (UNNEST
			// repeats a row for each element) may put it further: then
			// it is searched for in the rest.
			k, end := j, min(len(rows), j+int(r-rows[j]))
			for {
				for k < end {
					h := int(uint(k+end) >> 1)
					if rows[h] < r {
						k = h + 1
					} else {
						end = h
					}
				}
				if k == len(rows) || rows[k] >= r {
					break
				}
				end = len(rows)
			}
			// Every row r of rows, repeated or not.
			for j = k; j < len(rows) && rows[j] == r; j++ {
				if !mostlyNull && hits == 0 {
					clear(nl)
				}
				nl[j] = !mostlyNull
				hits++
			}
		}
	}
	if mostlyNull {
		return hits < len(rows)
	}
	return hits > 0
}

// bitmapWord returns the 64 bits of bitmap bm from bit 64*wi, zero past
// its end.
func bitmapWord(bm []byte, wi int) uint64 {
	i := wi << 3
	if i+8 <= len(bm) {
		return binary.LittleEndian.Uint64(bm[i:])
	}
	var w uint64
	for k := 0; i+k < len(bm); k++ {
		w |= uint64(bm[i+k]) << (8 * k)
	}
	return w
}

// orNulls is setNulls for a further array: a row is NULL when it already
// was or is NULL in x. It reports whether x has a NULL among the rows.
func orNulls(nl []bool, x arrow.Array, rows []int32) bool {
	bm, off := x.NullBitmapBytes(), x.Data().Offset()
	hasNull := false
	for j := range nl {
		r := j
		if rows != nil {
			r = int(rows[j])
		}
		isNull := true // a NULL-typed array has no bitmap (see setNulls)
		if len(bm) > 0 {
			i := off + r
			isNull = bm[i>>3]&(1<<(i&7)) == 0
		}
		nl[j] = nl[j] || isNull
		hasNull = hasNull || isNull
	}
	return hasNull
}

// complexRow returns the row in v.arr of value j.
func (v *vec) complexRow(j int) int {
	if v.idx == nil {
		return j
	}
	return int(v.idx[j])
}

// bytesString views b as a string without copying. This is the package's
// one unsafe conversion of Arrow memory: the string is valid as long as
// the record batch that owns b, which the engine only reads during Push.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
