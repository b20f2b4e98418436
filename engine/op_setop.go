package engine

import (
	"encoding/binary"
	"strconv"
	"sync/atomic"
)

// UNION, INTERSECT and EXCEPT (Trino's default DISTINCT forms): opSetOp
// buffers the rows of both operands, then in flush emits each distinct row
// of the left operand that is (INTERSECT) or is not (EXCEPT) among the
// right operand's rows, or (UNION) each distinct row of either. NULLs are
// equal to each other, as in SELECT DISTINCT.

// opSetOp is one UNION, INTERSECT or EXCEPT; its two operands push into
// it through opSetSide.
type opSetOp struct {
	base
	op      string // "UNION", "INTERSECT" or "EXCEPT"
	types   []*dtype
	pool    *MemoryPool
	counted atomic.Int64 // bytes counted into pool by all workers
	flushed int
	ws      [2][]*setOpState // per side, per worker
	where   string
}

type setOpState struct {
	cols []*column
}

// opSetSide passes one operand's chunks to its opSetOp.
type opSetSide struct {
	base
	p    *opSetOp
	side int
}

func (o *opSetSide) start(workers int) {}
func (o *opSetSide) explain() string {
	if o.side == 0 {
		return "left of " + o.p.op
	}
	return "right of " + o.p.op
}
func (o *opSetSide) push(w int, c *chunk) error { return o.p.pushSide(o.side, w, c) }
func (o *opSetSide) flush() error               { return o.p.flush() }

func (o *opSetOp) start(workers int) {
	o.flushed = 0
	for s := range o.ws {
		o.ws[s] = make([]*setOpState, workers)
		for w := range o.ws[s] {
			o.ws[s][w] = &setOpState{cols: newColumns(o.types)}
		}
	}
}

func (o *opSetOp) explain() string { return o.op + " (distinct rows, buffers both operands)" }

func (o *opSetOp) push(w int, c *chunk) error { panic("BUG: push into a set operation") }

func (o *opSetOp) pushSide(side, w int, c *chunk) error {
	st := o.ws[side][w]
	var add int64
	for i, col := range st.cols {
		n0 := col.len()
		col.appendVec(c.col(i), nil, c.n)
		add += int64(c.n) * 24
		if col.t.isStringy() {
			for _, s := range col.s[n0:] {
				add += int64(len(s))
			}
		}
	}
	if o.pool.limit > 0 {
		o.counted.Add(add)
		if used := o.pool.used.Add(add); used > o.pool.limit {
			// The query stops here and may never flush: give the pool
			// (shared with the other hunts of a run) its bytes back now.
			o.pool.used.Add(-o.counted.Swap(0))
			return &runtimeError{where: o.where, msg: o.op + " over more rows than --aggregate-memory allows: expected at most " + strconv.FormatInt(o.pool.limit, 10) + " bytes (estimated) of buffered rows, found more; raise --aggregate-memory"}
		}
	}
	return nil
}

// flush runs once per operand; the second one computes the result.
func (o *opSetOp) flush() error {
	o.flushed++
	if o.flushed < 2 {
		return nil
	}
	defer func() { o.pool.used.Add(-o.counted.Swap(0)) }()
	var key []byte
	out := newColumns(o.types)
	seen := map[string]bool{}
	if o.op == "UNION" {
		for s := range o.ws {
			for _, st := range o.ws[s] {
				for j := 0; j < st.cols[0].len(); j++ {
					key = appendRowKey(key[:0], st.cols, j)
					if seen[string(key)] {
						continue
					}
					seen[string(key)] = true
					for i, c := range out {
						c.appendFrom(st.cols[i], j)
					}
				}
			}
		}
		return o.emit(out)
	}
	right := map[string]bool{}
	for _, st := range o.ws[1] {
		for j := 0; j < st.cols[0].len(); j++ {
			key = appendRowKey(key[:0], st.cols, j)
			right[string(key)] = true
		}
	}
	keep := o.op == "INTERSECT"
	for _, st := range o.ws[0] {
		for j := 0; j < st.cols[0].len(); j++ {
			key = appendRowKey(key[:0], st.cols, j)
			if right[string(key)] != keep || seen[string(key)] {
				continue
			}
			seen[string(key)] = true
			for i, c := range out {
				c.appendFrom(st.cols[i], j)
			}
		}
	}
	return o.emit(out)
}

// emit pushes the result rows downstream and flushes.
func (o *opSetOp) emit(out []*column) error {
	n := out[0].len()
	for lo := 0; lo < n; lo += BatchRows {
		if err := emitRange(o.next, out, lo, min(lo+BatchRows, n)); err != nil {
			return err
		}
	}
	return o.next.flush()
}

// appendRowKey appends an encoding of row j of cols that is equal for
// equal rows (NULLs equal) and differs otherwise.
func appendRowKey(dst []byte, cols []*column, j int) []byte {
	for _, c := range cols {
		if c.null[j] {
			dst = append(dst, 0)
			continue
		}
		dst = append(dst, 1)
		switch {
		case c.t.isIntLike():
			dst = binary.LittleEndian.AppendUint64(dst, uint64(c.i[j]))
		case c.t.k == kDouble:
			dst = binary.LittleEndian.AppendUint64(dst, normFloat(c.f[j]))
		case c.t.isStringy():
			dst = binary.AppendUvarint(dst, uint64(len(c.s[j])))
			dst = append(dst, c.s[j]...)
		case c.t.k == kBool:
			dst = append(dst, byte(b2i(c.b[j])))
		}
	}
	return dst
}

// compileSetOp compiles left UNION|INTERSECT|EXCEPT right (DISTINCT).
func (c *compiler) compileSetOp(x *Union) (*fragment, error) {
	p := &opSetOp{op: x.Op, where: c.where(x.pos), pool: c.opts.MemoryPool}
	if p.pool == nil {
		p.pool = NewMemoryPool(c.opts.AggregateMemory)
	}
	if c.opts.MaxGroups < 0 {
		p.pool = NewMemoryPool(-1)
	}
	c.add(p)
	operands := []SetExpr{x.Left, x.Right}
	var frags [2]*fragment
	for k, s := range operands {
		f, err := c.compileSet(s)
		if err != nil {
			return nil, err
		}
		if k == 1 && len(f.names) != len(frags[0].names) {
			return nil, c.errf(s.Pos(), "expected "+itoa(int64(len(frags[0].names)))+" columns in each operand of "+x.Op+", found "+itoa(int64(len(f.names))))
		}
		frags[k] = f
	}
	types := make([]*dtype, len(frags[0].names))
	for i := range types {
		t, err := c.commonType([]expr{&exprCol{t: frags[0].types[i]}, &exprCol{t: frags[1].types[i]}}, x.Left.Pos())
		if err != nil {
			return nil, c.errf(x.pos, "expected column "+itoa(int64(i+1))+" of one type in both operands of "+x.Op+": "+err.Error())
		}
		if t.k == kNull {
			t = tString
		}
		if t.isComplex() {
			return nil, c.errf(x.pos, "expected columns of scalar types in "+x.Op+", found "+t.name+" in column "+itoa(int64(i+1)))
		}
		types[i] = t
	}
	p.types = types
	for k, f := range frags {
		tail, err := c.castOperand(f, types, operands[k].Pos())
		if err != nil {
			return nil, err
		}
		side := &opSetSide{p: p, side: k}
		c.add(side)
		tail.setNext(side)
	}
	return &fragment{tail: p, names: frags[0].names, types: types, width: len(types)}, nil
}
