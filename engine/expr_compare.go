package engine

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// cmpOp is a comparison operator.
type cmpOp uint8

const (
	opEq cmpOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
)

var cmpOps = map[string]cmpOp{"=": opEq, "<>": opNe, "<": opLt, "<=": opLe, ">": opGt, ">=": opGe}

// flip returns the operator with its operands swapped (a < b ⇔ b > a).
func (op cmpOp) flip() cmpOp {
	switch op {
	case opLt:
		return opGt
	case opLe:
		return opGe
	case opGt:
		return opLt
	case opGe:
		return opLe
	}
	return op
}

// negate returns NOT op (same NULL behaviour).
func (op cmpOp) negate() cmpOp {
	return [...]cmpOp{opNe, opEq, opGe, opGt, opLe, opLt}[op]
}

func (op cmpOp) String() string { return [...]string{"=", "<>", "<", "<=", ">", ">="}[op] }

// exprCmp compares two values of the same kind (the compiler inserts
// casts). A dictionary operand against a constant is compared once per
// dictionary entry.
type exprCmp struct {
	op   cmpOp
	l, r expr
}

func (e *exprCmp) typ() *dtype { return tBool }

func (e *exprCmp) eval(a *arena, c *chunk) *vec {
	x := e.l.eval(a, c)
	y := e.r.eval(a, c)
	op := e.op
	if x.isConst && !y.isConst {
		x, y, op = y, x, op.flip()
	}
	// Fast path: dictionary against constant, once per distinct value.
	if x.dict != nil && y.isConst {
		d := x.dict
		r := a.vec(tBool, d.n)
		compareVecs(op, r, d, y)
		out := a.vec(tBool, c.n)
		out.codes, out.dict, out.null = x.codes, r, x.null
		return out
	}
	x = flat(a, x, c.n)
	if !y.isConst {
		y = flat(a, y, c.n)
	}
	out := a.vec(tBool, c.n)
	compareVecs(op, out, x, y)
	return out
}

// compareVecs compares plain x with y (plain or constant) into out.
func compareVecs(op cmpOp, out, x, y *vec) {
	b := out.bools()
	if y.isConst && y.isNull(0) {
		fill(out.nulls(), true)
		return
	}
	switch {
	case x.t.isIntLike():
		cmpSlices(op, b, x.i, y.i, y.isConst)
	case x.t.k == kDouble:
		cmpSlices(op, b, x.f, y.f, y.isConst)
	case x.t.isStringy():
		cmpSlices(op, b, x.s, y.s, y.isConst)
	case x.t.k == kBool:
		xi := make([]int64, len(b)) // rare: boolean comparisons
		yi := make([]int64, len(y.b))
		for i, v := range x.b {
			xi[i] = int64(b2i(v))
		}
		for i, v := range y.b {
			yi[i] = int64(b2i(v))
		}
		cmpSlices(op, b, xi, yi, y.isConst)
	}
	if y.isConst {
		out.null = x.null
	} else {
		strictNulls(out, []*vec{x, y})
	}
}

// cmpSlices is the comparison kernel: the operator switch is outside the
// loops, which the compiler turns into tight compare-and-store code.
func cmpSlices[T cmp.Ordered](op cmpOp, out []bool, x, y []T, yConst bool) {
	if yConst {
		c := y[0]
		switch op {
		case opEq:
			for i, v := range x[:len(out)] {
				out[i] = v == c
			}
		case opNe:
			for i, v := range x[:len(out)] {
				out[i] = v != c
			}
		case opLt:
			for i, v := range x[:len(out)] {
				out[i] = v < c
			}
		case opLe:
			for i, v := range x[:len(out)] {
				out[i] = v <= c
			}
		case opGt:
			for i, v := range x[:len(out)] {
				out[i] = v > c
			}
		case opGe:
			for i, v := range x[:len(out)] {
				out[i] = v >= c
			}
		}
		return
	}
	y = y[:len(out)]
	switch op {
	case opEq:
		for i, v := range x[:len(out)] {
			out[i] = v == y[i]
		}
	case opNe:
		for i, v := range x[:len(out)] {
			out[i] = v != y[i]
		}
	case opLt:
		for i, v := range x[:len(out)] {
			out[i] = v < y[i]
		}
	case opLe:
		for i, v := range x[:len(out)] {
			out[i] = v <= y[i]
		}
	case opGt:
		for i, v := range x[:len(out)] {
			out[i] = v > y[i]
		}
	case opGe:
		for i, v := range x[:len(out)] {
			out[i] = v >= y[i]
		}
	}
}

// inSet is the constant list of an IN predicate, as a set of the operand's
// representation.
type inSet struct {
	ints    map[int64]struct{}
	floats  map[float64]struct{}
	strs    map[string]struct{}
	hasNull bool // the list holds NULL: no match becomes NULL
	// The integers again, for the kernel: a value outside lo..hi is in no
	// list, and a short list (dstport IN (22, 3389)) is scanned, which
	// beats hashing each value into the map.
	lo, hi int64
	few    []int64 // the integers when there are at most fewInts; else nil
	// bits has bit d set when lo+d is in the list, for d < span (hi-lo+1),
	// and bit span clear, when span is at most maxInBits (ports: at most
	// 8 KiB); else nil. The kernel tests a value without a branch: d =
	// v-lo, wrapping, is below span exactly when v is in lo..hi, and is
	// taken as span otherwise.
	bits []uint64
	span uint64
}

// fewInts is the longest integer list scanned instead of hashed.
const fewInts = 8

// maxInBits is the widest range of an integer list tested in a bitset.
const maxInBits = 1 << 16

// sealInts fills the kernel's forms of the integer list.
func (s *inSet) sealInts() {
	s.few = nil
	first := true
	for v := range s.ints {
		if first || v < s.lo {
			s.lo = v
		}
		if first || v > s.hi {
			s.hi = v
		}
		first = false
		if len(s.ints) <= fewInts {
			s.few = append(s.few, v)
		}
	}
	slices.Sort(s.few)
	s.bits, s.span = nil, 0
	if span := uint64(s.hi) - uint64(s.lo) + 1; len(s.ints) > 0 && span != 0 && span <= maxInBits {
		s.span = span
		s.bits = make([]uint64, span/64+1)
		for v := range s.ints {
			d := uint64(v) - uint64(s.lo)
			s.bits[d/64] |= 1 << (d % 64)
		}
	}
}

// hasIntBits is hasInt through bits (not nil).
func (s *inSet) hasIntBits(v int64) bool {
	d := min(uint64(v)-uint64(s.lo), s.span)
	return s.bits[d/64]&(1<<(d%64)) != 0
}

// hasInt reports whether v is in the integer list.
func (s *inSet) hasInt(v int64) bool {
	if v < s.lo || v > s.hi {
		return false
	}
	if s.few != nil {
		for _, x := range s.few {
			if x == v {
				return true
			}
		}
		return false
	}
	_, ok := s.ints[v]
	return ok
}

// boolBytes8 is, for each 8-bit mask, the eight bools of its bits (bit j:
// byte j) as one little-endian word.
var boolBytes8 = func() (t [256]uint64) {
	for m := range t {
		for j := range 8 {
			t[m] |= uint64(m>>j&1) << (8 * j)
		}
	}
	return t
}()

// inKernel builds the kernel of x [NOT] IN (constants).
func inKernel(set *inSet, not bool) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		b := out.bools()
		switch {
		case x.t.isIntLike():
			if len(set.ints) == 0 {
				clear(b)
				break
			}
			if xs := x.i[:len(b)]; len(set.few) >= 2 && len(set.few) <= 3 {
				// Fast path: two or three values (protocol IN (6, 17),
				// dstport IN (22, 3389)), compared without a branch: the
				// values differ, so at most one comparison holds and their
				// XOR is their OR.
				c0, c1 := set.few[0], set.few[1]
				if useInAsm && len(xs) >= 8 {
					// Fast path: eight values a step in assembly (a
					// two-value list compares c1 twice).
					c2 := c1
					if len(set.few) == 3 {
						c2 = set.few[2]
					}
					k := inInt64Asm(b, xs, c0, c1, c2, &boolBytes8)
					for i, v := range xs[k:] {
						b[k+i] = v == c0 || v == c1 || v == c2
					}
					break
				}
				if len(set.few) == 2 {
					for i, v := range xs {
						b[i] = (v == c0) != (v == c1)
					}
					break
				}
				c2 := set.few[2]
				for i, v := range xs {
					b[i] = (v == c0) != (v == c1) != (v == c2)
				}
				break
			}
			if set.bits != nil {
				// Fast path: a list of close values (ports), by bitset
				// (hasIntBits, written out: it is not inlined).
				bits, lo, span := set.bits, uint64(set.lo), set.span
				for i, v := range x.i[:len(b)] {
					d := min(uint64(v)-lo, span)
					b[i] = bits[d/64]&(1<<(d%64)) != 0
				}
				break
			}
			for i, v := range x.i[:len(b)] {
				b[i] = set.hasInt(v)
			}
		case x.t.k == kDouble:
			for i, v := range x.f[:len(b)] {
				_, ok := set.floats[v]
				b[i] = ok
			}
		case x.t.isStringy():
			for i, v := range x.s[:len(b)] {
				_, ok := set.strs[v]
				b[i] = ok
			}
		}
		strictNulls(out, args)
		if set.hasNull {
			// x IN (..., NULL) is TRUE on a match, else NULL.
			nl := out.null
			if nl == nil {
				nl = out.nulls()
			}
			for i := range b {
				if !b[i] {
					nl[i] = true
				}
			}
		}
		if not {
			for i := range b {
				b[i] = !b[i]
			}
		}
	}
}

// likeMatcher is a compiled LIKE pattern. Common shapes get a strings
// fast path; the rest are split at '%' into segments of literal runs and
// '_', matched without backtracking (see matchSegs).
type likeMatcher struct {
	kind uint8 // likeExact, likePrefix, likeSuffix, likeContains, likeGeneral
	lit  string
	// likeGeneral: the segments between '%'s (none empty), and whether
	// the pattern starts or ends with a segment rather than '%'.
	segs                   [][]likePart
	anchorStart, anchorEnd bool
	hasAny                 bool // the pattern has a '%'
}

const (
	likeExact = iota
	likePrefix
	likeSuffix
	likeContains
	likeGeneral
)

// likePart is a literal run, '%' (any) or '_' (one character).
type likePart struct {
	lit string
	any bool // %
	one bool // _
}

// compileLike compiles pattern with an optional escape character.
func compileLike(pattern string, escape rune, hasEscape bool) (*likeMatcher, error) {
	var parts []likePart
	var lit []byte
	flush := func() {
		if len(lit) > 0 {
			parts = append(parts, likePart{lit: string(lit)})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(pattern); {
		r, size := utf8.DecodeRuneInString(pattern[i:])
		if hasEscape && r == escape {
			i += size
			if i >= len(pattern) {
				return nil, &runtimeError{msg: "LIKE pattern ends with the escape character"}
			}
			r2, size2 := utf8.DecodeRuneInString(pattern[i:])
			if r2 != '%' && r2 != '_' && r2 != escape {
				return nil, &runtimeError{msg: "escape character must be followed by '%', '_' or the escape character"}
			}
			lit = utf8.AppendRune(lit, r2)
			i += size2
			continue
		}
		switch r {
		case '%':
			flush()
			if len(parts) == 0 || !parts[len(parts)-1].any {
				parts = append(parts, likePart{any: true})
			}
		case '_':
			flush()
			parts = append(parts, likePart{one: true})
		default:
			lit = append(lit, pattern[i:i+size]...)
		}
		i += size
	}
	flush()
	m := &likeMatcher{kind: likeGeneral}
	var seg []likePart
	for _, p := range parts {
		if !p.any {
			seg = append(seg, p)
			continue
		}
		m.hasAny = true
		if seg != nil {
			m.segs, seg = append(m.segs, seg), nil
		}
	}
	if seg != nil {
		m.segs = append(m.segs, seg)
	}
	m.anchorStart = len(parts) > 0 && !parts[0].any
	m.anchorEnd = len(parts) > 0 && !parts[len(parts)-1].any
	switch {
	case len(parts) == 0:
		m.kind, m.lit = likeExact, ""
	case len(parts) == 1 && parts[0].lit != "":
		m.kind, m.lit = likeExact, parts[0].lit
	case len(parts) == 1 && parts[0].any:
		m.kind, m.lit = likePrefix, ""
	case len(parts) == 2 && parts[0].lit != "" && parts[1].any:
		m.kind, m.lit = likePrefix, parts[0].lit
	case len(parts) == 2 && parts[0].any && parts[1].lit != "":
		m.kind, m.lit = likeSuffix, parts[1].lit
	case len(parts) == 3 && parts[0].any && parts[1].lit != "" && parts[2].any:
		m.kind, m.lit = likeContains, parts[1].lit
	}
	return m, nil
}

func (m *likeMatcher) match(s string) bool {
	switch m.kind {
	case likeExact:
		return s == m.lit
	case likePrefix:
		return strings.HasPrefix(s, m.lit)
	case likeSuffix:
		return strings.HasSuffix(s, m.lit)
	case likeContains:
		return strings.Contains(s, m.lit)
	}
	return m.matchSegs(s)
}

// matchSegs matches a general pattern in O(len(s) * len(pattern)) at
// worst, without backtracking. A segment anchored at the start must match
// there and one anchored at the end there (each has one possible place:
// a segment is literals and '_', of fixed length in runes); every other
// segment is matched at its leftmost place after the previous one, since
// a later place only leaves less room for the rest. The recursive matcher
// this replaces tried every place of every '%': '%"%"%ZZZ' over a 114 KB
// field did not finish in minutes.
func (m *likeMatcher) matchSegs(s string) bool {
	segs := m.segs
	lo, hi := 0, len(s)
	if m.anchorStart {
		n, ok := matchSegAt(segs[0], s)
		if !ok {
			return false
		}
		if !m.hasAny {
			return n == len(s)
		}
		lo, segs = n, segs[1:]
	}
	if m.anchorEnd && len(segs) > 0 {
		start, ok := matchSegEnd(segs[len(segs)-1], s[lo:])
		if !ok {
			return false
		}
		hi, segs = lo+start, segs[:len(segs)-1]
	}
	for _, seg := range segs {
		end, ok := findSeg(seg, s[lo:hi])
		if !ok {
			return false
		}
		lo += end
	}
	return true
}

// matchSegAt matches seg at the start of s and returns the bytes it took.
func matchSegAt(seg []likePart, s string) (int, bool) {
	n := 0
	for _, p := range seg {
		if p.one {
			if n == len(s) {
				return 0, false
			}
			_, size := utf8.DecodeRuneInString(s[n:])
			n += size
			continue
		}
		if !strings.HasPrefix(s[n:], p.lit) {
			return 0, false
		}
		n += len(p.lit)
	}
	return n, true
}

// matchSegEnd matches seg at the end of s and returns where it starts.
func matchSegEnd(seg []likePart, s string) (int, bool) {
	n := len(s)
	for i := len(seg) - 1; i >= 0; i-- {
		p := seg[i]
		if p.one {
			if n == 0 {
				return 0, false
			}
			_, size := utf8.DecodeLastRuneInString(s[:n])
			n -= size
			continue
		}
		if !strings.HasSuffix(s[:n], p.lit) {
			return 0, false
		}
		n -= len(p.lit)
	}
	return n, true
}

// findSeg finds the leftmost match of seg in s and returns where it ends.
// A segment that starts with a literal jumps between the literal's
// occurrences (strings.Index); one that starts with '_' tries every rune.
func findSeg(seg []likePart, s string) (int, bool) {
	for i := 0; i <= len(s); {
		if lit := seg[0].lit; lit != "" {
			j := strings.Index(s[i:], lit)
			if j < 0 {
				return 0, false
			}
			i += j
		}
		if n, ok := matchSegAt(seg, s[i:]); ok {
			return i + n, true
		}
		if i == len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return 0, false
}

func likeKernel(m *likeMatcher, not bool) kernel {
	return func(a *arena, out *vec, args []*vec) {
		b := out.bools()
		x := args[0]
		for i, s := range x.s[:len(b)] {
			b[i] = m.match(s) != not
		}
		strictNulls(out, args)
	}
}

// exprDistinct is x IS [NOT] DISTINCT FROM y: a comparison where NULL
// equals NULL and the result is never NULL.
type exprDistinct struct {
	l, r expr
	not  bool
}

func (e *exprDistinct) typ() *dtype { return tBool }

func (e *exprDistinct) eval(a *arena, c *chunk) *vec {
	x := flat(a, e.l.eval(a, c), c.n)
	y := flat(a, e.r.eval(a, c), c.n)
	out := a.vec(tBool, c.n)
	if x.t.k == kNull || y.t.k == kNull {
		// NULL against NULL typed unknown: not distinct.
		b := out.bools()
		for i := range b {
			b[i] = (x.isNull(i) != y.isNull(i)) != e.not
		}
		return out
	}
	eq := a.vec(tBool, c.n)
	compareVecs(opEq, eq, x, y)
	b := out.bools()
	for i := range b {
		xn, yn := x.isNull(i), y.isNull(i)
		distinct := xn != yn || (!xn && !yn && !eq.b[i])
		b[i] = distinct != e.not
	}
	return out
}
