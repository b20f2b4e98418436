package engine

import (
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Case-folded comparisons, and coalesce(b, false) (see foldCase).
//
// Case-insensitive matching is written the portable way, lower(x) = 'value', lower(x) LIKE 'pattern' and
// lower(x) IN ('a', 'b') (Sigma rules compile to these, and they run on
// Athena unchanged). Evaluated as written, lower() copies every row's
// string into the arena before comparing. foldCase recognises the three
// shapes with a lower-case constant and compares x with the constant
// folding ASCII letters in place: no copy, no allocation. A string with a
// non-ASCII byte takes the slow path, strings.ToLower, so results are
// exactly those of lower(). The folded forms stay strict, so a dictionary
// column is still compared once per distinct value.

// foldCase returns the case-folded form of e when e is one of the shapes
// above, else e.
func foldCase(e expr) expr {
	switch x := e.(type) {
	case *exprCmp:
		if x.op != opEq && x.op != opNe {
			return e
		}
		inner, lit, ok := lowerConst(x.l, x.r)
		if !ok {
			inner, lit, ok = lowerConst(x.r, x.l)
		}
		if !ok {
			return e
		}
		name := "lower_eq"
		if x.op == opNe {
			name = "lower_ne"
		}
		// set holds lit for foldFacts only: pruneFacts reads the folded
		// forms' sets as lower-case facts (gate_fold.go), never as exact.
		return &exprFunc{name: name, t: tBool, args: []expr{inner}, k: foldEqKernel(lit, x.op == opNe), strict: true, set: &inSet{strs: map[string]struct{}{lit: {}}}}
	case *exprCase:
		// coalesce(b, false) over a boolean (Sigma's two-valued search)
		// is CASE WHEN b IS NOT NULL THEN b ELSE false: it evaluates b
		// twice, the second time on a gathered sub-chunk. Evaluate it once.
		if x.els != nil || len(x.conds) != 2 || x.t.k != kBool {
			return e
		}
		k, ok := x.vals[1].(*exprConst)
		n, ok2 := x.conds[0].(*exprIsNull)
		if !ok || !ok2 || k.v.isNull(0) || k.v.b[0] || !n.not || n.x != x.vals[0] {
			return e
		}
		return &exprFunc{name: "coalesce_false", t: tBool, args: []expr{x.vals[0]}, k: isTrueKernel}
	case *exprFunc:
		if x.name != "in" || x.set == nil || x.set.hasNull || len(x.set.strs) == 0 {
			return e
		}
		inner := lowerArg(x.args[0])
		if inner == nil {
			return e
		}
		for s := range x.set.strs {
			if s != strings.ToLower(s) {
				return e // a key lower() can never produce: keep the general form
			}
		}
		return &exprFunc{name: "lower_in", t: tBool, args: []expr{inner}, k: foldInKernel(x.set), strict: true, set: x.set}
	}
	return e
}

// foldLike returns lower(x) LIKE pattern as a case-folded comparison
// when x is lower(y) and m is an exact, prefix, suffix or contains
// pattern of lower-case text; nil otherwise.
func foldLike(x expr, m *likeMatcher, not bool) expr {
	inner := lowerArg(x)
	if inner == nil || m.kind == likeGeneral || m.lit != strings.ToLower(m.lit) {
		return nil
	}
	f := &exprFunc{name: "lower_like", t: tBool, args: []expr{inner}, k: foldLikeKernel(m, not), strict: true}
	if !not {
		f.likes = []*likeMatcher{m}
	}
	return f
}

// foldLikeAny returns l OR r as one lower_like_any when both are
// case-folded LIKEs of one column (lower_like not negated, or the
// lower_like_any of an OR before), else nil. Sigma's contains lists
// compile to such ORs (lower(useragent) LIKE '%kali%' OR ... '%parrot%'
// OR ...): evaluated as written each scans every row's text again, and
// a rule without an eventname runs on every record. The merged form
// lowers a row once and tries each pattern on it; NULL stays NULL, as
// for each term (they are strict).
func foldLikeAny(l, r expr) expr {
	lc, lm := likeTerms(l)
	rc, rm := likeTerms(r)
	if lc == nil || rc == nil || lc.slot != rc.slot || lc.path != rc.path {
		return nil
	}
	ms := append(append(make([]*likeMatcher, 0, len(lm)+len(rm)), lm...), rm...)
	return &exprFunc{name: "lower_like_any", t: tBool, args: []expr{lc}, k: foldLikeAnyKernel(ms), strict: true, likes: ms}
}

// likeTerms returns the column and patterns of a lower_like or
// lower_like_any over a column.
func likeTerms(e expr) (*exprCol, []*likeMatcher) {
	f, ok := e.(*exprFunc)
	if !ok || (f.name != "lower_like" && f.name != "lower_like_any") || len(f.likes) == 0 {
		return nil, nil
	}
	c, ok := f.args[0].(*exprCol)
	if !ok || !c.t.isText() {
		return nil, nil
	}
	return c, f.likes
}

// foldLikeAnyKernel is m.match(strings.ToLower(s)) for any m of ms: ASCII
// text is lowered once, 8 bytes at a time, onto the stack (or the arena
// when long); other text takes strings.ToLower.
func foldLikeAnyKernel(ms []*likeMatcher) kernel {
	return func(a *arena, out *vec, args []*vec) {
		b := out.bools()
		var buf [512]byte
		for i, s := range args[0].s[:len(b)] {
			ls := s
			switch hasUpper, ascii := asciiUpper(s); {
			case !ascii:
				ls = strings.ToLower(s)
			case !hasUpper:
			case len(s) <= len(buf):
				l := appendLowerASCII(buf[:0], s)
				ls = unsafe.String(unsafe.SliceData(l), len(l))
			default:
				start := a.strStart()
				a.buf = appendLowerASCII(a.buf, s)
				ls = a.strEnd(start)
			}
			hit := false
			for _, m := range ms {
				if m.match(ls) {
					hit = true
					break
				}
			}
			b[i] = hit
		}
		strictNulls(out, args)
	}
}

// lowerArg returns y when e is lower(y) over text, else nil.
func lowerArg(e expr) expr {
	f, ok := e.(*exprFunc)
	if !ok || f.name != "lower" || len(f.args) != 1 || !f.args[0].typ().isText() {
		return nil
	}
	return f.args[0]
}

// lowerConst matches l = lower(y) and r = a non-NULL lower-case varchar
// constant.
func lowerConst(l, r expr) (expr, string, bool) {
	inner := lowerArg(l)
	k, ok := r.(*exprConst)
	if inner == nil || !ok || !k.v.t.isText() || k.v.isNull(0) {
		return nil, "", false
	}
	lit := k.v.s[0]
	if lit != strings.ToLower(lit) {
		return nil, "", false
	}
	return inner, lit, true
}

// isTrueKernel is coalesce(b, false): TRUE where b is TRUE, else FALSE
// (never NULL).
func isTrueKernel(a *arena, out *vec, args []*vec) {
	b := out.bools()
	x := args[0]
	copy(b, x.b[:len(b)])
	if x.null != nil {
		for i, isNull := range x.null[:len(b)] {
			if isNull {
				b[i] = false
			}
		}
	}
}

func foldEqKernel(lit string, not bool) kernel {
	return func(a *arena, out *vec, args []*vec) {
		b := out.bools()
		for i, s := range args[0].s[:len(b)] {
			b[i] = equalLower(s, lit) != not
		}
		strictNulls(out, args)
	}
}

func foldLikeKernel(m *likeMatcher, not bool) kernel {
	return func(a *arena, out *vec, args []*vec) {
		b := out.bools()
		for i, s := range args[0].s[:len(b)] {
			b[i] = likeLower(m, s) != not
		}
		strictNulls(out, args)
	}
}

func foldInKernel(set *inSet) kernel {
	// lens marks the byte lengths of the keys up to 128: an ASCII value of
	// another length cannot match.
	var lens [129]bool
	for k := range set.strs {
		if len(k) < len(lens) {
			lens[len(k)] = true
		}
	}
	return func(a *arena, out *vec, args []*vec) {
		b := out.bools()
		var buf [128]byte // lowered ASCII keys up to 128 bytes, on the stack
		for i, s := range args[0].s[:len(b)] {
			// Fast path: short ASCII, lowered into buf; the map lookup
			// with string(buf) does not allocate.
			if len(s) <= len(buf) {
				if !lens[len(s)] && isASCII(s) {
					b[i] = false
					continue
				}
				k, ok := lowerASCII(buf[:0], s)
				if ok {
					_, b[i] = set.strs[string(k)]
					continue
				}
			}
			// Slow path: long or non-ASCII.
			_, b[i] = set.strs[strings.ToLower(s)]
		}
		strictNulls(out, args)
	}
}

// lowerASCII appends s lowered to dst; false when s is not ASCII.
func lowerASCII(dst []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return dst, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst, true
}

func fold(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalLower reports whether strings.ToLower(s) == lit for a lower-case
// lit. ASCII is folded in place; a non-ASCII byte met before the answer
// is known takes the slow path (lower-casing can change a non-ASCII
// rune's length, and K, the Kelvin sign, lowers to ASCII 'k').
func equalLower(s, lit string) bool {
	n := min(len(s), len(lit))
	for i := 0; i < n; i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(s) == lit
		}
		if fold(c) != lit[i] {
			return false // lowering is per rune: an ASCII prefix stays as it is
		}
	}
	if len(s) == len(lit) {
		return true
	}
	if len(s) > len(lit) && !isASCII(s[n:]) {
		return strings.ToLower(s) == lit
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// likeLower is m.match(strings.ToLower(s)) for the exact, prefix, suffix
// and contains kinds, folding ASCII in place.
func likeLower(m *likeMatcher, s string) bool {
	lit := m.lit
	switch m.kind {
	case likeExact:
		return equalLower(s, lit)
	case likePrefix:
		if len(s) >= len(lit) {
			for i := 0; i < len(lit); i++ {
				c := s[i]
				if c >= utf8.RuneSelf {
					return m.match(strings.ToLower(s))
				}
				if fold(c) != lit[i] {
					return false
				}
			}
			return true
		}
	case likeSuffix:
		if len(s) >= len(lit) {
			t := s[len(s)-len(lit):]
			for i := 0; i < len(lit); i++ {
				c := t[i]
				if c >= utf8.RuneSelf {
					return m.match(strings.ToLower(s))
				}
				if fold(c) != lit[i] {
					// Lowering non-ASCII elsewhere can shift which bytes
					// end the string (and invalid UTF-8 becomes U+FFFD).
					if isASCII(s) {
						return false
					}
					return m.match(strings.ToLower(s))
				}
			}
			return true
		}
	case likeContains:
		if isASCII(s) {
			return indexLower(s, lit) >= 0
		}
		return m.match(strings.ToLower(s))
	}
	// Shorter than the literal: only non-ASCII could make it match.
	if isASCII(s) {
		return false
	}
	return m.match(strings.ToLower(s))
}

// indexLower is strings.Index(strings.ToLower(s), lit) for ASCII s. The
// candidates are found with strings.IndexByte for the first byte in each
// case (memchr speed); the next position of each case is kept, so no byte
// is scanned twice for it.
func indexLower(s, lit string) int {
	if lit == "" {
		return 0
	}
	c0 := lit[0]
	up := c0
	if 'a' <= c0 && c0 <= 'z' {
		up = c0 - ('a' - 'A')
	}
	last := len(s) - len(lit) // the last possible start
	nl, nu := -2, -2          // next position of c0 and of up at or after i; -2 unknown, -1 none
	next := func(c byte, from int) int {
		if j := strings.IndexByte(s[from:], c); j >= 0 {
			return from + j
		}
		return -1
	}
	for i := 0; i <= last; {
		if nl != -1 && nl < i {
			nl = next(c0, i)
		}
		if up != c0 && nu != -1 && nu < i {
			nu = next(up, i)
		}
		j := nl
		if up != c0 && nu >= 0 && (j < 0 || nu < j) {
			j = nu
		}
		if j < 0 || j > last {
			return -1
		}
		k := 1
		for k < len(lit) && fold(s[j+k]) == lit[k] {
			k++
		}
		if k == len(lit) {
			return j
		}
		i = j + 1
	}
	return -1
}
