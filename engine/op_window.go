package engine

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
)

// Window functions. A SELECT's window calls (f(...) OVER (...)) run in one
// blocking operator between FROM/WHERE/GROUP BY/HAVING and the projection:
// opWindow buffers every row (all the chunk's slots plus the values of the
// calls' arguments, PARTITION BY and ORDER BY keys), then in flush sorts
// the rows once per distinct window, computes each call over its
// partitions and frames, and emits the rows with one more slot per call,
// which the projection and ORDER BY read like a column.
//
// Frames follow Trino: without a frame, ORDER BY means RANGE BETWEEN
// UNBOUNDED PRECEDING AND CURRENT ROW (peers, rows equal on every ORDER BY
// key, share their values) and no ORDER BY means the whole partition.
// RANGE frames with an offset (`RANGE BETWEEN INTERVAL '5' MINUTE
// PRECEDING AND CURRENT ROW`) take the rows whose single ORDER BY key is
// within the offset of the current row's, both ends included. NULL keys
// sort last (Trino's default for ASC and DESC); a row with a NULL key has
// its NULL peers as its offset frame.
//
// The buffered rows count against the aggregate memory budget
// (--aggregate-memory); a window over more is an error naming the limit.

// winFunc is one compiled window call.
type winFunc struct {
	name  string
	text  string // SQL of the call, for Explain and errors
	where string // "source:line:col: " of the call
	t     *dtype // result type
	spec  int    // index into opWindow.specs
	args  []int  // extra columns of the arguments (count(*): none)
	// offset is lag/lead's offset, nth_value's position and ntile's
	// bucket count; def is lag/lead's default column (-1: NULL).
	offset      int64
	def         int
	frame       winFrame
	ignoreNulls bool // lag, lead, first_value, last_value, nth_value ... IGNORE NULLS
}

// winFrame is a resolved frame. For RANGE frames with an offset, the
// offsets are in the ORDER BY key's unit (microseconds for timestamps)
// and isFloat says the key or offset is a double.
type winFrame struct {
	isRange          bool
	start, end       int // bound kinds (boundUnboundedPreceding...)
	startOff, endOff int64
	startF, endF     float64
	isFloat          bool
}

// winSpec is one distinct PARTITION BY + ORDER BY; calls sharing it share
// one sort of the rows.
type winSpec struct {
	part  []int     // extra columns of the partition keys
	order []sortKey // col is an extra column
}

// opWindow computes window functions; see the comment at the top of the
// file.
type opWindow struct {
	base
	inW     int    // slots of incoming chunks passed through; set by finish
	exprs   []expr // values buffered after the input slots: arguments and keys
	specs   []winSpec
	funcs   []*winFunc
	refs    []*exprCol // per call: the slot the projection reads; set by finish
	pool    *MemoryPool
	counted atomic.Int64 // bytes counted into pool by all workers
	ws      []*windowState
	// Peer groups of the partition being computed (flush only): the
	// first and end position of each position's peers, and its dense rank.
	gs, ge, groups []int
	nn             []int // non-NULL positions of the partition (IGNORE NULLS)
}

type windowState struct {
	a    arena
	cols []*column // inW input slots then len(exprs) values; nil until the first push
	rows int       // rows in cols
	est  int64     // string bytes appended by the current push
	buf  []byte    // string bytes of one column of the current push (appendStrings)
	ends []int     // end of each row's string in buf
}

func (o *opWindow) start(workers int) {
	o.ws = make([]*windowState, workers)
	for i := range o.ws {
		o.ws[i] = &windowState{}
	}
}

func (o *opWindow) explain() string {
	texts := make([]string, len(o.funcs))
	for i, f := range o.funcs {
		texts[i] = f.text
	}
	return "window " + strings.Join(texts, ", ") + " (buffers all rows)"
}

// nullVec stands for slots no operator fills before the window (a lambda
// parameter's): they are carried as NULLs.
var nullVec = constVec(tNull, true)

func (o *opWindow) push(w int, c *chunk) error {
	st := o.ws[w]
	st.a.reset()
	if st.cols == nil {
		st.cols = make([]*column, o.inW+len(o.exprs))
	}
	for i := 0; i < o.inW+len(o.exprs); i++ {
		var v *vec
		switch {
		case i >= o.inW:
			v = o.exprs[i-o.inW].eval(&st.a, c)
			if st.a.err != nil {
				return st.a.err
			}
		case i < len(c.cols) && (c.cols[i] != nil || c.src[i].arr != nil):
			v = c.col(i)
		default:
			v = nullVec
		}
		col := st.cols[i]
		if col == nil {
			col = newColumn(v.t)
			st.cols[i] = col
		}
		if col.t.isStringy() && v.t.isStringy() && v.arr == nil {
			st.est += appendStrings(col, v, c.n, st)
		} else {
			col.appendVec(v, nil, c.n)
		}
	}
	st.rows += c.n
	// Fixed cost per value (null flag, value, slice growth) plus string
	// bytes, as the aggregate's estimate does.
	add := int64(c.n)*int64(len(st.cols))*24 + st.est
	st.est = 0
	if o.pool.limit > 0 {
		o.counted.Add(add)
		if used := o.pool.used.Add(add); used > o.pool.limit {
			// The query stops here and may never flush: give the pool
			// (shared with the other hunts of a run) its bytes back now.
			o.pool.used.Add(-o.counted.Swap(0))
			return &runtimeError{where: o.funcs[0].where, msg: "window over more rows than --aggregate-memory allows: expected at most " + strconv.FormatInt(o.pool.limit, 10) + " bytes (estimated) of buffered rows, found more; raise --aggregate-memory or narrow the rows with WHERE"}
		}
	}
	return nil
}

func (o *opWindow) flush() error {
	defer func() { o.pool.used.Add(-o.counted.Swap(0)) }()
	// Merge the workers' rows into the first worker's columns.
	var all []*column
	n := 0
	for _, st := range o.ws {
		if st.rows == 0 {
			continue
		}
		n += st.rows
		if all == nil {
			all = st.cols
			continue
		}
		for i, c := range st.cols {
			appendColumn(all[i], c)
		}
		st.cols, st.rows = nil, 0
	}
	if n == 0 {
		return o.next.flush()
	}
	res := make([]*column, len(o.funcs))
	for k, f := range o.funcs {
		res[k] = makeColumn(f.t, n)
	}
	perm := make([]int32, n)
	for si, sp := range o.specs {
		for i := range perm {
			perm[i] = int32(i)
		}
		slices.SortFunc(perm, func(a, b int32) int {
			if r := o.compareKeys(all, sp, int(a), int(b)); r != 0 {
				return r
			}
			// Ties in every key: order by all input columns, so results
			// do not depend on which worker read which row.
			for _, c := range all[:o.inW] {
				if r := c.compare(int(a), int(b)); r != 0 {
					return r
				}
			}
			return cmp.Compare(a, b)
		})
		for ps := 0; ps < n; {
			pe := ps + 1
			for pe < n && o.samePartition(all, sp, int(perm[ps]), int(perm[pe])) {
				pe++
			}
			for k, f := range o.funcs {
				if f.spec == si {
					if err := o.compute(f, all, sp, perm, ps, pe, res[k]); err != nil {
						return err
					}
				}
			}
			ps = pe
		}
	}
	// Emit the rows in batches: input slots, then one slot per call.
	out := append(all[:o.inW:o.inW], res...)
	for lo := 0; lo < n; lo += BatchRows {
		if err := emitRange(o.next, out, lo, min(lo+BatchRows, n)); err != nil {
			return err
		}
	}
	return o.next.flush()
}

// compareKeys orders rows a and b by a window's partition then order keys.
func (o *opWindow) compareKeys(all []*column, sp winSpec, a, b int) int {
	for _, p := range sp.part {
		if r := all[o.inW+p].compare(a, b); r != 0 {
			return r
		}
	}
	for _, k := range sp.order {
		c := all[o.inW+k.col]
		if r, ok := orderNulls(c.null[a], c.null[b], k); ok {
			if r != 0 {
				return r
			}
			continue
		}
		r := c.compare(a, b)
		if k.desc {
			r = -r
		}
		if r != 0 {
			return r
		}
	}
	return 0
}

func (o *opWindow) samePartition(all []*column, sp winSpec, a, b int) bool {
	for _, p := range sp.part {
		if all[o.inW+p].compare(a, b) != 0 {
			return false
		}
	}
	return true
}

func (o *opWindow) peers(all []*column, sp winSpec, a, b int) bool {
	for _, k := range sp.order {
		if all[o.inW+k.col].compare(a, b) != 0 {
			return false
		}
	}
	return true
}

// compute fills f's results for the partition perm[ps:pe].
func (o *opWindow) compute(f *winFunc, all []*column, sp winSpec, perm []int32, ps, pe int, out *column) error {
	np := pe - ps
	// Peer groups: gs[k-ps] and ge[k-ps] bound the peers of position k.
	gs := grow(&o.gs, np)
	ge := grow(&o.ge, np)
	groups := grow(&o.groups, np) // dense rank
	for k, g := ps, 0; k < pe; {
		e := k + 1
		for e < pe && o.peers(all, sp, int(perm[k]), int(perm[e])) {
			e++
		}
		g++
		for j := k; j < e; j++ {
			gs[j-ps], ge[j-ps], groups[j-ps] = k, e, g
		}
		k = e
	}
	var arg *column
	if len(f.args) > 0 {
		arg = all[o.inW+f.args[0]]
	}
	setInt := func(k int, v int64) { out.null[perm[k]] = false; out.i[perm[k]] = v }
	setFloat := func(k int, v float64) { out.null[perm[k]] = false; out.f[perm[k]] = v }
	switch f.name {
	case "row_number":
		for k := ps; k < pe; k++ {
			setInt(k, int64(k-ps+1))
		}
		return nil
	case "rank":
		for k := ps; k < pe; k++ {
			setInt(k, int64(gs[k-ps]-ps+1))
		}
		return nil
	case "dense_rank":
		for k := ps; k < pe; k++ {
			setInt(k, int64(groups[k-ps]))
		}
		return nil
	case "percent_rank":
		for k := ps; k < pe; k++ {
			v := 0.0
			if np > 1 {
				v = float64(gs[k-ps]-ps) / float64(np-1)
			}
			setFloat(k, v)
		}
		return nil
	case "cume_dist":
		for k := ps; k < pe; k++ {
			setFloat(k, float64(ge[k-ps]-ps)/float64(np))
		}
		return nil
	case "ntile":
		b := f.offset
		size, rem := int64(np)/b, int64(np)%b
		for k := ps; k < pe; k++ {
			i := int64(k - ps)
			var v int64
			switch {
			case size == 0:
				v = i + 1
			case i < rem*(size+1):
				v = i/(size+1) + 1
			default:
				v = (i-rem*(size+1))/size + rem + 1
			}
			setInt(k, v)
		}
		return nil
	case "lag", "lead":
		// With IGNORE NULLS the offset counts the non-NULL values only.
		nn := o.nonNull(f, arg, perm, ps, pe)
		off := int(min(f.offset, int64(np)))
		for k := ps; k < pe; k++ {
			j := -1
			switch {
			case !f.ignoreNulls && f.name == "lag":
				j = k - off
			case !f.ignoreNulls:
				j = k + off
			case off == 0:
				j = k
			case f.name == "lag":
				// nn[:i] are the non-NULL positions before k.
				if i, _ := slices.BinarySearch(nn, k); i-off >= 0 {
					j = nn[i-off]
				}
			default:
				i, found := slices.BinarySearch(nn, k)
				if found {
					i++
				}
				if i+off-1 < len(nn) {
					j = nn[i+off-1]
				}
			}
			switch {
			case j >= ps && j < pe:
				setCell(out, int(perm[k]), arg, int(perm[j]))
			case f.def >= 0:
				setCell(out, int(perm[k]), all[o.inW+f.def], int(perm[k]))
			}
		}
		return nil
	}
	// Frame functions.
	var key *column
	if f.frame.isRange && len(sp.order) == 1 {
		key = all[o.inW+sp.order[0].col]
	}
	var desc bool
	if len(sp.order) == 1 {
		desc = sp.order[0].desc
	}
	var nn []int
	if f.ignoreNulls {
		nn = o.nonNull(f, arg, perm, ps, pe)
	}
	acc := winAcc{f: f, arg: arg, perm: perm}
	acc.reset(0)
	for k := ps; k < pe; k++ {
		fs, fe := o.frameOf(f.frame, key, desc, perm, ps, pe, k, gs[k-ps], ge[k-ps])
		r := int(perm[k])
		switch f.name {
		case "first_value", "last_value", "nth_value":
			if j := o.valueAt(f, arg, perm, nn, fs, fe); j >= 0 {
				setCell(out, r, arg, int(perm[j]))
			}
			continue
		}
		acc.move(fs, fe)
		if acc.err != "" {
			return &runtimeError{where: f.where, msg: acc.err}
		}
		acc.result(out, r)
	}
	return nil
}

// nonNull returns the positions of the partition perm[ps:pe] where arg is
// not NULL (for IGNORE NULLS), in order.
func (o *opWindow) nonNull(f *winFunc, arg *column, perm []int32, ps, pe int) []int {
	if !f.ignoreNulls {
		return nil
	}
	nn := o.nn[:0]
	for k := ps; k < pe; k++ {
		if !arg.null[perm[k]] {
			nn = append(nn, k)
		}
	}
	o.nn = nn
	return nn
}

// valueAt returns the position first_value, last_value or nth_value read
// in the frame [fs, fe) (nn: the non-NULL positions, for IGNORE NULLS),
// or -1 when there is none.
func (o *opWindow) valueAt(f *winFunc, arg *column, perm []int32, nn []int, fs, fe int) int {
	if fs >= fe {
		return -1
	}
	if !f.ignoreNulls {
		switch f.name {
		case "first_value":
			return fs
		case "last_value":
			return fe - 1
		}
		if f.offset <= int64(fe-fs) {
			return fs + int(f.offset) - 1
		}
		return -1
	}
	i, _ := slices.BinarySearch(nn, fs) // first non-NULL position in the frame
	e, _ := slices.BinarySearch(nn, fe) // end of them
	switch {
	case i >= e:
		return -1
	case f.name == "first_value":
		return nn[i]
	case f.name == "last_value":
		return nn[e-1]
	case f.offset <= int64(e-i):
		return nn[i+int(f.offset)-1]
	}
	return -1
}

// frameOf returns the frame [fs, fe) of position k of the partition
// perm[ps:pe], whose peers are [g0, g1).
func (o *opWindow) frameOf(fr winFrame, key *column, desc bool, perm []int32, ps, pe, k, g0, g1 int) (int, int) {
	var fs, fe int
	offsetBound := func(kind int, isStart bool, off int64, offF float64) int {
		if !fr.isRange {
			d := int(min(off, int64(pe-ps)+1)) // past the partition is as far as any
			if kind == boundPreceding {
				d = -d
			}
			if isStart {
				return k + d
			}
			return k + d + 1
		}
		if key.null[perm[k]] {
			// A NULL key's offset frame is its NULL peers.
			if isStart {
				return g0
			}
			return g1
		}
		// The non-NULL rows of the partition.
		ns, ne := ps, pe
		for ns < ne && key.null[perm[ns]] {
			ns++
		}
		for ne > ns && key.null[perm[ne-1]] {
			ne--
		}
		// target is the bound value; the frame keeps keys on the current
		// row's side of it (both ends included).
		sign := int64(1)
		if kind == boundPreceding {
			sign = -1
		}
		if desc {
			sign = -sign
		}
		cur := perm[k]
		if fr.isFloat {
			x := keyFloat(key, int(cur)) + float64(sign)*offF
			if isStart {
				return ns + sort.Search(ne-ns, func(j int) bool { return before(keyFloat(key, int(perm[ns+j])), x, desc) >= 0 })
			}
			return ns + sort.Search(ne-ns, func(j int) bool { return before(keyFloat(key, int(perm[ns+j])), x, desc) > 0 })
		}
		x := addSat(key.i[cur], sign*off)
		if isStart {
			return ns + sort.Search(ne-ns, func(j int) bool { return beforeInt(key.i[perm[ns+j]], x, desc) >= 0 })
		}
		return ns + sort.Search(ne-ns, func(j int) bool { return beforeInt(key.i[perm[ns+j]], x, desc) > 0 })
	}
	switch fr.start {
	case boundUnboundedPreceding:
		fs = ps
	case boundCurrentRow:
		fs = k
		if fr.isRange {
			fs = g0
		}
	default:
		fs = offsetBound(fr.start, true, fr.startOff, fr.startF)
	}
	switch fr.end {
	case boundUnboundedFollowing:
		fe = pe
	case boundCurrentRow:
		fe = k + 1
		if fr.isRange {
			fe = g1
		}
	default:
		fe = offsetBound(fr.end, false, fr.endOff, fr.endF)
	}
	fs = min(max(fs, ps), pe)
	fe = min(max(fe, fs), pe)
	return fs, fe
}

// before orders key value v against bound x in sort direction: negative
// when v sorts before x.
func before(v, x float64, desc bool) int {
	r := cmp.Compare(v, x)
	if desc {
		r = -r
	}
	return r
}

func beforeInt(v, x int64, desc bool) int {
	r := cmp.Compare(v, x)
	if desc {
		r = -r
	}
	return r
}

// addSat is a + b, saturated at the int64 range (b is a frame offset).
func addSat(a, b int64) int64 {
	s := a + b
	switch {
	case b > 0 && s < a:
		return math.MaxInt64
	case b < 0 && s > a:
		return math.MinInt64
	}
	return s
}

func keyFloat(c *column, r int) float64 {
	if c.t.k == kDouble {
		return c.f[r]
	}
	return float64(c.i[r])
}

// winAcc is a sliding aggregate over frame positions: count, sum and avg
// add rows entering the frame and remove rows leaving it (as Trino's
// removable accumulators do); min and max recompute when the frame start
// moves.
type winAcc struct {
	f      *winFunc
	arg    *column
	perm   []int32
	fs, fe int
	cnt    int64 // non-NULL values (rows for count(*))
	si     int64
	sf     float64
	best   int    // row of the current min/max; -1 when none
	err    string // first bigint overflow
}

func (a *winAcc) reset(at int) {
	a.fs, a.fe, a.cnt, a.si, a.sf, a.best = at, at, 0, 0, 0, -1
}

func (a *winAcc) add(k int, sign int64) {
	if a.arg == nil {
		a.cnt += sign
		return
	}
	r := int(a.perm[k])
	if a.arg.null[r] {
		return
	}
	a.cnt += sign
	switch {
	case a.f.name == "count":
	case a.arg.t.k == kDouble:
		a.sf += float64(sign) * a.arg.f[r]
	default:
		// A bigint sum out of range is an error, as in Trino and the
		// GROUP BY sum.
		v, r := a.arg.i[r], a.si+sign*a.arg.i[r]
		if sign < 0 && (a.si^v)&(a.si^r) < 0 || sign > 0 && (a.si^r)&(v^r) < 0 {
			if a.err == "" {
				op := " + "
				if sign < 0 {
					op = " - "
				}
				a.err = "bigint addition overflow: " + itoa(a.si) + op + itoa(v)
			}
			return
		}
		a.si = r
	}
}

func (a *winAcc) consider(k int) {
	r := int(a.perm[k])
	if a.arg.null[r] {
		return
	}
	if a.best < 0 {
		a.best = r
		return
	}
	c := a.arg.compare(r, a.best)
	if a.f.name == "min" && c < 0 || a.f.name == "max" && c > 0 {
		a.best = r
	}
}

// move slides the frame to [fs, fe); both ends only move forward.
func (a *winAcc) move(fs, fe int) {
	switch a.f.name {
	case "min", "max":
		if fs != a.fs || fe < a.fe {
			a.reset(fs)
		}
		for k := a.fe; k < fe; k++ {
			a.consider(k)
		}
	default:
		if fs >= a.fe || fe < a.fe {
			a.reset(fs)
		}
		// Rows leaving first, so a bigint sum only overflows when a
		// frame's sum does.
		for k := a.fs; k < fs; k++ {
			a.add(k, -1)
		}
		for k := a.fe; k < fe; k++ {
			a.add(k, 1)
		}
	}
	a.fs, a.fe = fs, fe
}

// result writes the aggregate of the current frame into row r of out.
func (a *winAcc) result(out *column, r int) {
	switch a.f.name {
	case "count":
		out.null[r], out.i[r] = false, a.cnt
	case "min", "max":
		if a.best >= 0 {
			setCell(out, r, a.arg, a.best)
		}
	case "sum":
		if a.cnt == 0 {
			return
		}
		out.null[r] = false
		if out.t.k == kDouble {
			out.f[r] = a.sf
		} else {
			out.i[r] = a.si
		}
	case "avg":
		if a.cnt == 0 {
			return
		}
		out.null[r] = false
		if a.arg.t.k == kDouble {
			out.f[r] = a.sf / float64(a.cnt)
		} else {
			out.f[r] = float64(a.si) / float64(a.cnt)
		}
	}
}

// appendStrings is column.appendVec for a string vec (plain, constant or
// dictionary) with one allocation for the batch instead of one clone per
// row: the rows' bytes are copied into one string, which the rows slice.
// It returns the number of bytes copied.
func appendStrings(c *column, v *vec, n int, st *windowState) int64 {
	src := v
	if v.dict != nil {
		src = v.dict
	}
	buf, ends := st.buf[:0], st.ends[:0]
	for j := 0; j < n; j++ {
		k := j
		var isNull bool
		switch {
		case v.isConst:
			k, isNull = 0, v.isNull(0)
		case v.dict != nil:
			k = int(v.codes[j])
			isNull = v.isNull(j) || src.isNull(k)
		default:
			isNull = v.isNull(j)
		}
		c.null = append(c.null, isNull)
		if !isNull {
			buf = append(buf, src.s[k]...)
		}
		ends = append(ends, len(buf))
	}
	all := string(buf)
	start := 0
	for _, e := range ends {
		c.s = append(c.s, all[start:e])
		start = e
	}
	st.buf, st.ends = buf, ends
	return int64(len(all))
}

// makeColumn returns a column of n NULLs of type t, to be set by row.
func makeColumn(t *dtype, n int) *column {
	c := newColumn(t)
	c.null = make([]bool, n)
	fill(c.null, true)
	switch {
	case t.k == kNull:
	case t.isComplex():
		c.x = make([]any, n)
	case t.isIntLike():
		c.i = make([]int64, n)
	case t.k == kDouble:
		c.f = make([]float64, n)
	case t.isStringy():
		c.s = make([]string, n)
	case t.k == kBool:
		c.b = make([]bool, n)
	}
	return c
}

// setCell sets row i of c to row j of src (same type).
func setCell(c *column, i int, src *column, j int) {
	c.null[i] = src.null[j]
	switch {
	case c.t.k == kNull:
	case c.t.isComplex():
		c.x[i] = src.x[j]
	case c.t.isIntLike():
		c.i[i] = src.i[j]
	case c.t.k == kDouble:
		c.f[i] = src.f[j]
	case c.t.isStringy():
		c.s[i] = src.s[j]
	case c.t.k == kBool:
		c.b[i] = src.b[j]
	}
}

// emitRange pushes rows [lo, hi) of cols downstream as one chunk from
// worker 0; the vecs are views of the columns.
func emitRange(next op, cols []*column, lo, hi int) error {
	var a arena
	var c chunk
	c.reset(len(cols), &a)
	c.n = hi - lo
	for i, col := range cols {
		v := a.vec(col.t, c.n)
		v.null = col.null[lo:hi]
		switch {
		case col.t.k == kNull:
		case col.t.isComplex() || col.x != nil:
			v.x = col.x[lo:hi]
		case col.t.isIntLike():
			v.i = col.i[lo:hi]
		case col.t.k == kDouble:
			v.f = col.f[lo:hi]
		case col.t.isStringy():
			v.s = col.s[lo:hi]
		case col.t.k == kBool:
			v.b = col.b[lo:hi]
		}
		c.cols[i] = v
	}
	return next.push(0, &c)
}

// windowFuncs are the window functions the engine runs besides the
// aggregates count, sum, avg, min and max.
// windowAggregates are the aggregates that run over a window frame.
var windowAggregates = map[string]bool{
	"count": true, "count_if": true, "sum": true, "avg": true, "min": true, "max": true,
	"bool_and": true, "bool_or": true, "every": true,
}

var windowFuncs = map[string]bool{
	"row_number": true, "rank": true, "dense_rank": true, "percent_rank": true, "cume_dist": true,
	"ntile": true, "lag": true, "lead": true, "first_value": true, "last_value": true, "nth_value": true,
}

// windowRef resolves a window call in the projection or ORDER BY to the
// slot opWindow fills.
func (c *compiler) windowRef(call *Call, sc *scope) (expr, error) {
	if ref, ok := sc.win[call.String()]; ok {
		return ref, nil
	}
	return nil, c.errf(call.pos, "expected window functions only in the select list or ORDER BY (filter on one from an outer query: SELECT * FROM (SELECT ..., "+call.Name+"(...) OVER (...) AS x FROM ...) WHERE x ...), found "+quoteFound(call.String()))
}

// compileWindows compiles the window calls of a SELECT's items and ORDER
// BY in sc (the rows after GROUP BY and HAVING, if any). It returns nil
// when there are none, else the operator and the scope in which the
// projection sees the calls' results; call finish once the projection is
// compiled.
func (c *compiler) compileWindows(items []*SelectItem, order []*OrderItem, sc *scope) (*opWindow, *scope, error) {
	var calls []*Call
	seen := map[string]bool{}
	visit := func(e Expr) {
		walkExpr(e, func(x Expr) {
			if call, ok := x.(*Call); ok && call.Over != nil && !seen[call.String()] {
				seen[call.String()] = true
				calls = append(calls, call)
			}
		})
	}
	for _, it := range items {
		visit(it.Expr)
	}
	for _, o := range order {
		visit(o.Expr)
	}
	if len(calls) == 0 {
		return nil, sc, nil
	}
	o := &opWindow{pool: c.opts.MemoryPool}
	if o.pool == nil {
		o.pool = NewMemoryPool(c.opts.AggregateMemory)
	}
	if c.opts.MaxGroups < 0 {
		o.pool = NewMemoryPool(-1)
	}
	wc := &windowCompiler{c: c, o: o, sc: sc, exprs: map[string]int{}, specs: map[string]int{}}
	refs := map[string]*exprCol{}
	for _, call := range calls {
		f, err := wc.call(call)
		if err != nil {
			return nil, nil, err
		}
		ref := &exprCol{t: f.t, slot: -1}
		o.funcs = append(o.funcs, f)
		o.refs = append(o.refs, ref)
		refs[call.String()] = ref
	}
	ws := *sc
	ws.win = refs
	return o, &ws, nil
}

// finish fixes the window's layout once every slot of the rows it reads
// is allocated (inW): the calls' results follow them.
func (o *opWindow) finish(inW int) {
	o.inW = inW
	for k, ref := range o.refs {
		ref.slot = inW + k
	}
}

// windowCompiler compiles the calls of one opWindow.
type windowCompiler struct {
	c     *compiler
	o     *opWindow
	sc    *scope
	exprs map[string]int // SQL text → index in o.exprs
	specs map[string]int // partition and order texts → index in o.specs
}

// value compiles e into a buffered value, sharing equal texts.
func (wc *windowCompiler) value(e Expr) (int, expr, error) {
	if i, ok := wc.exprs[e.String()]; ok {
		return i, wc.o.exprs[i], nil
	}
	x, err := wc.c.compileExpr(e, wc.sc)
	if err != nil {
		return 0, nil, err
	}
	wc.exprs[e.String()] = len(wc.o.exprs)
	wc.o.exprs = append(wc.o.exprs, x)
	return len(wc.o.exprs) - 1, x, nil
}

func (wc *windowCompiler) add(x expr) int {
	wc.o.exprs = append(wc.o.exprs, x)
	return len(wc.o.exprs) - 1
}

// constInt compiles a constant integer argument or frame offset.
func (wc *windowCompiler) constInt(e Expr, what string, lo int64) (int64, error) {
	x, err := wc.c.compileExpr(e, &scope{lay: &layout{}})
	if err == nil {
		if k, ok := x.(*exprConst); ok && k.v.t.k == kInt && !k.v.isNull(0) && k.v.i[0] >= lo {
			return k.v.i[0], nil
		}
	}
	return 0, wc.c.errf(e.Pos(), "expected "+what+", a constant integer of at least "+itoa(lo)+", found "+quoteFound(e.String()))
}

func (wc *windowCompiler) call(call *Call) (*winFunc, error) {
	c := wc.c
	w := call.Over
	name := call.Name
	f := &winFunc{name: name, text: call.String(), where: c.where(call.pos), def: -1, ignoreNulls: call.IgnoreNulls}
	switch {
	case !call.IgnoreNulls:
	case name == "lag" || name == "lead" || name == "first_value" || name == "last_value" || name == "nth_value":
	default:
		return nil, c.errf(call.pos, "expected IGNORE NULLS only on lag, lead, first_value, last_value and nth_value, found it on "+name)
	}
	switch {
	case windowFuncs[name]:
		if call.Filter != nil {
			return nil, c.errf(call.Filter.Pos(), "expected FILTER only on aggregate window functions, found it on "+name)
		}
	case windowAggregates[name]:
	case aggregates[name] || athenaAggregates[name]:
		return nil, c.errf(call.pos, "window aggregate "+name+" is not supported by the local engine (count, count_if, sum, avg, min, max, bool_and, bool_or and every are); run the query with --engine athena")
	default:
		return nil, c.errf(call.pos, "expected a window function (row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead, first_value, last_value, nth_value, count, count_if, sum, avg, min, max, bool_and, bool_or, every), found "+quoteFound(name))
	}
	if call.Distinct {
		return nil, c.errf(call.pos, name+"(DISTINCT ...) OVER is not supported (Trino does not support it either)")
	}
	if len(call.OrderBy) > 0 {
		return nil, c.errf(call.OrderBy[0].Expr.Pos(), "expected the window's ORDER BY inside OVER (...), found ORDER BY inside "+name+"(...)")
	}
	if call.Star && name != "count" {
		return nil, c.errf(call.pos, "expected arguments to "+name+", found *")
	}
	nargs := func(lo, hi int) error {
		if n := len(call.Args); n < lo || n > hi {
			want := itoa(int64(lo))
			if hi != lo {
				want += " to " + itoa(int64(hi))
			}
			return c.errf(call.pos, "expected "+want+" arguments to "+name+", found "+itoa(int64(n)))
		}
		return nil
	}
	// Partition and order keys.
	var sp winSpec
	var specKey strings.Builder
	for _, p := range w.PartitionBy {
		i, x, err := wc.value(p)
		if err != nil {
			return nil, err
		}
		if x.typ().isComplex() {
			return nil, c.errf(p.Pos(), "expected a PARTITION BY key of a scalar type, found "+x.typ().name)
		}
		sp.part = append(sp.part, i)
		specKey.WriteString("p" + itoa(int64(i)) + ",")
	}
	var orderType *dtype
	for _, ob := range w.OrderBy {
		i, x, err := wc.value(ob.Expr)
		if err != nil {
			return nil, err
		}
		if x.typ().isComplex() {
			return nil, c.errf(ob.Expr.Pos(), "expected an ORDER BY key of a scalar type, found "+x.typ().name)
		}
		orderType = x.typ()
		k := sortKey{col: i, desc: ob.Desc, nullsFirst: ob.NullsFirst}
		sp.order = append(sp.order, k)
		specKey.WriteString("o" + itoa(int64(i)) + strconv.FormatBool(k.desc) + strconv.FormatBool(k.nullsFirst) + ",")
	}
	si, ok := wc.specs[specKey.String()]
	if !ok {
		si = len(wc.o.specs)
		wc.specs[specKey.String()] = si
		wc.o.specs = append(wc.o.specs, sp)
	}
	f.spec = si
	// Arguments.
	arg := func(i int) (int, expr, error) { return wc.value(call.Args[i]) }
	switch name {
	case "row_number", "rank", "dense_rank", "percent_rank", "cume_dist":
		if err := nargs(0, 0); err != nil {
			return nil, err
		}
		f.t = tInt
		if name == "percent_rank" || name == "cume_dist" {
			f.t = tDouble
		}
	case "ntile":
		if err := nargs(1, 1); err != nil {
			return nil, err
		}
		n, err := wc.constInt(call.Args[0], "the number of buckets of ntile", 1)
		if err != nil {
			return nil, err
		}
		f.offset, f.t = n, tInt
	case "lag", "lead":
		if err := nargs(1, 3); err != nil {
			return nil, err
		}
		f.offset = 1
		if len(call.Args) > 1 {
			n, err := wc.constInt(call.Args[1], "the offset of "+name, 0)
			if err != nil {
				return nil, err
			}
			f.offset = n
		}
		i, x, err := arg(0)
		if err != nil {
			return nil, err
		}
		f.args, f.t = []int{i}, x.typ()
		if len(call.Args) > 2 {
			d, err := c.compileExpr(call.Args[2], wc.sc)
			if err != nil {
				return nil, err
			}
			xx, dd, err := c.unify(x, d, call.Args[2].Pos())
			if err != nil || x.typ().isComplex() && d.typ().k != kNull {
				return nil, c.errf(call.Args[2].Pos(), "expected a default of "+x.typ().name+" for "+name+", found "+d.typ().name)
			}
			if xx != x {
				f.args[0] = wc.add(xx)
			}
			f.t = xx.typ()
			f.def = wc.add(dd)
		}
	case "first_value", "last_value", "nth_value":
		if name == "nth_value" {
			if err := nargs(2, 2); err != nil {
				return nil, err
			}
			n, err := wc.constInt(call.Args[1], "the position of nth_value", 1)
			if err != nil {
				return nil, err
			}
			f.offset = n
		} else if err := nargs(1, 1); err != nil {
			return nil, err
		}
		i, x, err := arg(0)
		if err != nil {
			return nil, err
		}
		f.args, f.t = []int{i}, x.typ()
	default: // aggregates
		if call.Star {
			if err := nargs(0, 0); err != nil {
				return nil, err
			}
		} else if err := nargs(1, 1); err != nil {
			return nil, err
		}
		var x expr
		if len(call.Args) == 1 {
			var err error
			if x, err = c.compileExpr(call.Args[0], wc.sc); err != nil {
				return nil, err
			}
		}
		if call.Filter != nil {
			// agg(x) FILTER (WHERE c) is agg(CASE WHEN c THEN x END).
			cond, err := c.compileBool(call.Filter, wc.sc, "FILTER")
			if err != nil {
				return nil, err
			}
			if x == nil {
				x = &exprConst{v: intConst(1)}
			}
			x = &exprCase{t: x.typ(), conds: []expr{cond}, vals: []expr{x}}
		}
		t := tInt
		if x != nil {
			t = x.typ()
		}
		switch name {
		case "count_if", "bool_and", "bool_or", "every":
			// count_if(c) is count(CASE WHEN c THEN 1 END); over booleans
			// (false < true, NULLs skipped) bool_or is max, bool_and and
			// every are min.
			if t.k != kBool && t.k != kNull {
				return nil, c.errf(call.Args[0].Pos(), "expected a boolean argument to "+name+", found "+t.name)
			}
			if t.k == kNull {
				x = &exprConst{v: constVec(tBool, true)}
			}
			switch name {
			case "count_if":
				x = &exprCase{t: tInt, conds: []expr{x}, vals: []expr{&exprConst{v: intConst(1)}}}
				f.name, f.t = "count", tInt
			case "bool_or":
				f.name, f.t = "max", tBool
			default:
				f.name, f.t = "min", tBool
			}
		case "count":
			f.t = tInt
		case "sum", "avg":
			if !t.isNumeric() && t.k != kNull {
				return nil, c.errf(call.Args[0].Pos(), "expected a numeric argument to "+name+", found "+t.name)
			}
			if t.k == kNull {
				x = &exprConst{v: constVec(tDouble, true)}
				t = tDouble
			}
			f.t = tDouble
			if name == "sum" && t.k == kInt {
				f.t = tInt
			}
		case "min", "max":
			if t.isComplex() {
				return nil, c.errf(call.Args[0].Pos(), "expected a scalar argument to "+name+", found "+t.name)
			}
			f.t = t
		}
		if x != nil {
			f.args = []int{wc.add(x)}
		}
	}
	// Frame: Trino's default, or the one written (aggregates and value
	// functions only; ranking functions and lag/lead ignore it).
	fr := winFrame{start: boundUnboundedPreceding, end: boundUnboundedFollowing}
	if len(w.OrderBy) > 0 {
		fr.isRange, fr.end = true, boundCurrentRow
	}
	if fm := w.Frame; fm != nil {
		fr = winFrame{isRange: fm.Range, start: fm.Start.Kind, end: fm.End.Kind}
		switch {
		case fr.start == boundUnboundedFollowing:
			return nil, c.errf(fm.pos, "expected a frame start other than UNBOUNDED FOLLOWING, found it")
		case fr.end == boundUnboundedPreceding:
			return nil, c.errf(fm.pos, "expected a frame end other than UNBOUNDED PRECEDING, found it")
		case fr.start > fr.end:
			return nil, c.errf(fm.pos, "expected a frame end at or after its start, found "+quoteFound(fm.String()))
		}
		for _, b := range []struct {
			fb   FrameBound
			off  *int64
			offF *float64
		}{{fm.Start, &fr.startOff, &fr.startF}, {fm.End, &fr.endOff, &fr.endF}} {
			if b.fb.Offset == nil {
				continue
			}
			if !fm.Range {
				n, err := wc.constInt(b.fb.Offset, "a ROWS frame offset", 0)
				if err != nil {
					return nil, err
				}
				*b.off = n
				continue
			}
			if len(w.OrderBy) != 1 {
				return nil, c.errf(b.fb.Offset.Pos(), "expected exactly one ORDER BY key for a RANGE frame with an offset, found "+itoa(int64(len(w.OrderBy))))
			}
			x, err := c.compileExpr(b.fb.Offset, &scope{lay: &layout{}})
			if err != nil {
				return nil, err
			}
			k, isConst := x.(*exprConst)
			ok := isConst && !k.v.isNull(0)
			switch {
			case !ok:
			case orderType.k == kTimestamp || orderType.k == kDate:
				ok = k.v.t.k == kIntervalDS && k.v.i[0] >= 0
				if ok {
					*b.off = k.v.i[0] * 1000 // milliseconds to the key's microseconds
				}
			case orderType.isNumeric() && k.v.t.isNumeric():
				v := keyFloatVec(k.v)
				ok = v >= 0
				*b.offF = v
				if k.v.t.k == kInt {
					*b.off = k.v.i[0]
				} else {
					fr.isFloat = true
				}
			default:
				ok = false
			}
			if !ok {
				want := "a non-negative number"
				if orderType.k == kTimestamp || orderType.k == kDate {
					want = "a non-negative day-to-second INTERVAL"
				}
				return nil, c.errf(b.fb.Offset.Pos(), "expected "+want+" as RANGE offset over ORDER BY "+orderType.name+", found "+quoteFound(b.fb.Offset.String()))
			}
		}
		if orderType != nil && orderType.k == kDouble {
			fr.isFloat = true
		}
	}
	f.frame = fr
	return f, nil
}

func keyFloatVec(v *vec) float64 {
	if v.t.k == kDouble {
		return v.f[0]
	}
	return float64(v.i[0])
}
