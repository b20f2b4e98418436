package engine

import (
	"hash/maphash"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxAnchoredLiterals bounds the strings of an anchored pattern's
// language [newLitMatcher] enumerates: a prefix trie answers hundreds as
// fast as one (the private address ranges of the flow-log hunts,
// '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|100\.(6[4-9]|...)\.|f[cd]|fe80)',
// are 85 prefixes).
const maxAnchoredLiterals = 256

// litMatcher answers regexp_like for a pattern whose language is a finite
// set of strings: "the text contains one of them" without anchors (see
// [finiteLanguage]), "starts with one" after ^, "ends with one" before
// $, "is one" with both.
type litMatcher struct {
	begin, end bool
	lits       []string // unanchored: contains one of them
	multi      *pairIndex
	tail       *tailMatcher
	seg        *segMatcher
	trie       *byteTrie
	set        map[string]struct{}
}

// newLitMatcher returns a matcher answering pattern (RE2 syntax, as
// regexp_like compiles it) exactly as the regexp engine does, or nil when
// the pattern is not a small finite set of strings.
func newLitMatcher(pattern string) *litMatcher {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	if t := newTailMatcher(re); t != nil {
		return &litMatcher{tail: t}
	}
	if sm := newSegMatcher(re); sm != nil {
		return &litMatcher{seg: sm}
	}
	m := &litMatcher{}
	if re.Op == syntax.OpConcat && len(re.Sub) > 0 {
		subs := re.Sub
		if subs[0].Op == syntax.OpBeginText {
			m.begin, subs = true, subs[1:]
		}
		if len(subs) > 0 && subs[len(subs)-1].Op == syntax.OpEndText {
			m.end, subs = true, subs[:len(subs)-1]
		}
		re = &syntax.Regexp{Op: syntax.OpConcat, Sub: subs, Flags: re.Flags}
	}
	limit := maxLiterals
	if m.begin || m.end {
		limit = maxAnchoredLiterals
	}
	lits, ok := finiteStrings(re, limit)
	if !ok || len(lits) == 0 {
		return nil
	}
	for _, l := range lits {
		// The regexp engine reads invalid UTF-8 as U+FFFD: a literal
		// U+FFFD would match bytes a byte comparison does not.
		if strings.ContainsRune(l, utf8.RuneError) {
			return nil
		}
	}
	switch {
	case m.begin && m.end:
		m.set = make(map[string]struct{}, len(lits))
		for _, l := range lits {
			m.set[l] = struct{}{}
		}
	case m.begin || m.end:
		if m.trie = newByteTrie(lits, m.end); m.trie == nil {
			return nil
		}
	default:
		m.lits = lits
		if len(lits) >= minPairIndex {
			m.multi = newPairIndex(lits)
		}
	}
	return m
}

// searches reports whether m searches the whole text (a pattern without
// anchors) rather than looking at its ends.
func (m *litMatcher) searches() bool { return m.lits != nil }

func (m *litMatcher) match(s string) bool {
	switch {
	case m.tail != nil:
		return m.tail.match(s)
	case m.seg != nil:
		return m.seg.match(s)
	case m.set != nil:
		_, ok := m.set[s]
		return ok
	case m.begin:
		return m.trie.prefixOf(s)
	case m.end:
		return m.trie.suffixOf(s)
	case m.multi != nil:
		return m.multi.containsAny(s)
	}
	return containsAny(s, m.lits)
}

// minPairIndex is how many strings make one pass over the text (a
// pairIndex) cheaper than a substring search per string: each search
// scans the text again (15 tool names in a user agent: 870 ns a row).
const minPairIndex = 4

// pairIndex finds which of many strings a text contains in one pass: a
// bitset of the strings' first two bytes says where one may start, and
// only there are the strings starting with those bytes compared.
type pairIndex struct {
	bits [1 << 10]uint64 // the first two bytes of a string, as a 16-bit number
	// pairs are the strings' first two bytes, sorted, and byPair[i] the
	// strings that start with pairs[i]: a user agent hits the bits often
	// ("aw", "pa"), and a search of a few sorted numbers beats a map.
	pairs  []uint16
	byPair [][]string
	short  []string // strings of one byte (or none)
}

func newPairIndex(lits []string) *pairIndex {
	p := &pairIndex{}
	for _, l := range lits {
		if len(l) < 2 {
			p.short = append(p.short, l)
			continue
		}
		k := uint16(l[0])<<8 | uint16(l[1])
		p.bits[k>>6] |= 1 << (k & 63)
		i, found := slices.BinarySearch(p.pairs, k)
		if !found {
			p.pairs = slices.Insert(p.pairs, i, k)
			p.byPair = slices.Insert(p.byPair, i, nil)
		}
		p.byPair[i] = append(p.byPair[i], l)
	}
	return p
}

// startingWith returns the strings that start with the two bytes k.
func (p *pairIndex) startingWith(k uint16) []string {
	if i, found := slices.BinarySearch(p.pairs, k); found {
		return p.byPair[i]
	}
	return nil
}

func (p *pairIndex) containsAny(s string) bool {
	if len(p.short) > 0 && containsAny(s, p.short) {
		return true
	}
	for i := 0; i+1 < len(s); i++ {
		k := uint16(s[i])<<8 | uint16(s[i+1])
		if p.bits[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		for _, l := range p.startingWith(k) {
			if strings.HasPrefix(s[i:], l) {
				return true
			}
		}
	}
	return false
}

// byteTrie is a trie over the bytes of a few strings, its transitions a
// dense table over the bytes they use.
//
// A step reads the byte's column and the child, nothing else: column 0
// is for bytes in no string and leads nowhere, a node is named by its
// first entry in next (its number times width, so a step adds the
// column without a multiplication), and a child that ends a string is
// stored negated, so the walk stops at once on 0 (no string goes on) or a
// negative node (one ends here). An address tested against the private
// prefixes takes one to eight steps.
type byteTrie struct {
	class  [256]uint8 // byte → its column in next; 0: in no string
	width  int        // columns, column 0 included
	next   []int32    // node + column → child: 0 none, -k node k ending a string (the root is 0; node k is k's number × width)
	empty  bool       // "" is one of the strings: every text matches
	suffix bool       // built from the strings reversed
	// root2 is the first two steps in one (nil when width² > 4096): at
	// class2[a] + class[b], the node reached by bytes a b from the root,
	// 0 or negative as in next (negative also when a string ends at a).
	// Most addresses take one step past it or none.
	root2  []int32
	class2 [256]int32 // class × width
}

func newByteTrie(lits []string, reversed bool) *byteTrie {
	t := &byteTrie{suffix: reversed, width: 1}
	for _, l := range lits {
		for i := 0; i < len(l); i++ {
			if t.class[l[i]] == 0 {
				if t.width == 256 {
					return nil // more bytes than a class index holds
				}
				t.class[l[i]] = uint8(t.width)
				t.width++
			}
		}
	}
	t.next = make([]int32, t.width)
	for _, l := range lits {
		b := []byte(l)
		if reversed {
			slices.Reverse(b)
		}
		if len(b) == 0 {
			t.empty = true
			continue
		}
		n := 0
		for k, c := range b {
			at := n + int(t.class[c])
			child := t.next[at]
			if child == 0 {
				child = int32(len(t.next)) // the new node's first entry
				t.next = append(t.next, make([]int32, t.width)...)
				t.next[at] = child
			}
			if k == len(b)-1 && child > 0 {
				t.next[at] = -child // a string ends at the child
			}
			n = int(max(child, -child))
		}
	}
	if w := t.width; w*w <= 4096 {
		t.root2 = make([]int32, w*w)
		for c := range 256 {
			t.class2[c] = int32(t.class[c]) * int32(w)
		}
		for c1 := range w {
			a := t.next[c1]
			for c2 := range w {
				switch {
				case a <= 0:
					t.root2[c1*w+c2] = a // nothing goes on, or a string ends at the first byte
				default:
					t.root2[c1*w+c2] = t.next[int(a)+c2]
				}
			}
		}
	}
	return t
}

// prefixOf reports whether one of the strings is a prefix of s.
func (t *byteTrie) prefixOf(s string) bool {
	if t.empty {
		return true
	}
	n, next := int32(0), t.next
	for i := 0; i < len(s); i++ {
		if n = next[n+int32(t.class[s[i]])]; n <= 0 {
			return n < 0
		}
	}
	return false
}

// prefixOfEach sets o[i] to whether one of the strings is a prefix of
// xs[i]: prefixOf over a column, with the trie's fields read once (the
// private address prefixes over every flow of the flow hunts).
func (t *byteTrie) prefixOfEach(o []bool, xs []string) {
	o = o[:len(xs)]
	if t.empty {
		fill(o, true)
		return
	}
	next, class := t.next, &t.class
	if root2, class2 := t.root2, &t.class2; root2 != nil {
		for i, s := range xs {
			if len(s) < 2 {
				o[i] = t.prefixOf(s)
				continue
			}
			n := root2[class2[s[0]]+int32(class[s[1]])]
			for k := 2; n > 0 && k < len(s); k++ {
				n = next[n+int32(class[s[k]])]
			}
			o[i] = n < 0
		}
		return
	}
	for i, s := range xs {
		n := int32(0)
		for k := 0; k < len(s); k++ {
			if n = next[n+int32(class[s[k]])]; n <= 0 {
				break
			}
		}
		o[i] = n < 0
	}
}

// suffixOf reports whether one of the strings is a suffix of s (the trie
// holds them reversed).
func (t *byteTrie) suffixOf(s string) bool {
	if t.empty {
		return true
	}
	n, next := int32(0), t.next
	for i := len(s) - 1; i >= 0; i-- {
		if n = next[n+int32(t.class[s[i]])]; n <= 0 {
			return n < 0
		}
	}
	return false
}

// tailMatcher answers an unanchored pattern `LIT[class]+$` (an instance
// ID at the end of a principal ID: ':i-[0-9a-f]+$') whose literal ends
// with a byte outside the ASCII class: the text matches when its longest
// tail of class bytes is not empty and comes right after the literal.
// (A match's run of class bytes reaches the end, and starts after the
// literal's last byte, which the class lacks: so it is that longest tail.)
type tailMatcher struct {
	lit   string
	class [256]bool
}

func newTailMatcher(re *syntax.Regexp) *tailMatcher {
	if re.Op != syntax.OpConcat || len(re.Sub) != 3 || re.Flags&syntax.FoldCase != 0 {
		return nil
	}
	lit, plus, end := re.Sub[0], re.Sub[1], re.Sub[2]
	if lit.Op != syntax.OpLiteral || lit.Flags&syntax.FoldCase != 0 || plus.Op != syntax.OpPlus ||
		plus.Sub[0].Op != syntax.OpCharClass || end.Op != syntax.OpEndText {
		return nil
	}
	t := &tailMatcher{lit: string(lit.Rune)}
	rs := plus.Sub[0].Rune
	for i := 0; i+1 < len(rs); i += 2 {
		if rs[i+1] >= utf8.RuneSelf {
			return nil // a class past ASCII: runes, not bytes
		}
		for c := rs[i]; c <= rs[i+1]; c++ {
			t.class[c] = true
		}
	}
	if t.lit == "" || !isASCII(t.lit) || t.class[t.lit[len(t.lit)-1]] {
		return nil
	}
	return t
}

func (t *tailMatcher) match(s string) bool {
	i := len(s)
	for i > 0 && t.class[s[i-1]] {
		i--
	}
	return i < len(s) && strings.HasSuffix(s[:i], t.lit)
}

// segMatcher answers a pattern that must match the whole text (^...$)
// and is a sequence of ASCII literals and runs of an ASCII class
// ('^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$', an IPv4 address) where each run
// is followed by the end or by a literal whose first byte the class
// lacks. Such a run must stop at the first byte outside its class (the
// next byte is the literal's, or there is none), so one greedy pass
// decides the match; the regexp engine's one-pass matcher costs about a
// hundred instructions a byte. Bytes past ASCII are in no class and in no
// literal, as their runes are for the regexp engine.
type segMatcher struct {
	segs []seg
}

// seg is a literal (lit not empty) or a run of at least min bytes of
// class.
type seg struct {
	lit   string
	class *[256]bool
	min   int
}

func newSegMatcher(re *syntax.Regexp) *segMatcher {
	if re.Op != syntax.OpConcat || len(re.Sub) < 3 || re.Sub[0].Op != syntax.OpBeginText || re.Sub[len(re.Sub)-1].Op != syntax.OpEndText {
		return nil
	}
	m := &segMatcher{}
	for _, sub := range re.Sub[1 : len(re.Sub)-1] {
		if sub.Flags&syntax.FoldCase != 0 {
			return nil
		}
		switch sub.Op {
		case syntax.OpLiteral:
			lit := string(sub.Rune)
			if !isASCII(lit) {
				return nil
			}
			if k := len(m.segs) - 1; k >= 0 && m.segs[k].lit != "" {
				m.segs[k].lit += lit
				continue
			}
			m.segs = append(m.segs, seg{lit: lit})
		case syntax.OpPlus, syntax.OpStar:
			cl := sub.Sub[0]
			if cl.Op != syntax.OpCharClass || cl.Flags&syntax.FoldCase != 0 {
				return nil
			}
			class := new([256]bool)
			for i := 0; i+1 < len(cl.Rune); i += 2 {
				if cl.Rune[i+1] >= utf8.RuneSelf {
					return nil // a class past ASCII: runes, not bytes
				}
				for c := cl.Rune[i]; c <= cl.Rune[i+1]; c++ {
					class[c] = true
				}
			}
			if k := len(m.segs) - 1; k >= 0 && m.segs[k].lit == "" {
				return nil // two runs in a row: where one ends is a choice
			}
			m.segs = append(m.segs, seg{class: class, min: b2i(sub.Op == syntax.OpPlus)})
		default:
			return nil
		}
	}
	for k := 0; k+1 < len(m.segs); k++ {
		if m.segs[k].lit == "" && m.segs[k].class[m.segs[k+1].lit[0]] {
			return nil // the literal after a run could continue it
		}
	}
	return m
}

func (m *segMatcher) match(s string) bool {
	i := 0
	for _, g := range m.segs {
		if g.lit != "" {
			if !strings.HasPrefix(s[i:], g.lit) {
				return false
			}
			i += len(g.lit)
			continue
		}
		k := i
		for k < len(s) && g.class[s[k]] {
			k++
		}
		if k-i < g.min {
			return false
		}
		i = k
	}
	return i == len(s)
}

// A search for a pattern anywhere in a text costs per byte of the text
// (recon_tool_user_agent's 15 tool names in user agents of ~125 bytes:
// ~450 ns a row), yet the texts searched repeat: the 84,037 user agents
// of a CloudTrail sample hold 179 distinct values. matchMemo remembers the
// answers for the texts it saw, so a repeated text costs a hash and a
// comparison. It keeps copies of the texts, so it outlives the batch: a
// memo per batch computed each user agent again in each batch (7,000
// searches of ~4,000 instructions in the library's run over 84 k events).

// memoSlots is the number of texts a memo remembers (a power of two).
const memoSlots = 512

// memoMinLen is the shortest text a memo remembers: hashing and
// comparing a shorter one costs about what matching it does.
const memoMinLen = 16

// memoMaxLen is the longest text a matchMemo remembers, and memoBytes the
// text it keeps copies of: when a copy would pass it, the memo forgets
// everything and starts over. A memo holds at most memoBytes of text
// however long the run, and unique texts (request parameters) cost a
// copy each, no allocation.
const (
	memoMaxLen = 1 << 10
	memoBytes  = 64 << 10
)

// memoWays is how many texts share a bucket of a matchMemo: 179 user
// agents direct-mapped into 512 slots left about 30 pairs sharing a slot,
// each pair evicting the other on every other row (5,800 searches in the
// library's run), where four ways leave about one bucket of five.
const memoWays = 4

// matchMemo remembers the answers of a match function for the texts it
// saw, in buckets of memoWays slots chosen by a hash of the text; a
// bucket replaces its slots in turn. The zero value is empty. A memo is
// used by one goroutine at a time, always with the same match function.
type matchMemo struct {
	ans [memoSlots]uint8 // 0: empty; 1: false; 2: true
	// The text of slot h is buf[off[h]:off[h]+n[h]], a copy no other
	// slot uses.
	off, n [memoSlots]int32
	next   [memoSlots / memoWays]uint8 // the slot of each bucket replaced next
	buf    []byte
}

// match returns match(s), remembered.
func (mm *matchMemo) match(s string, match func(string) bool) bool {
	if len(s) < memoMinLen || len(s) > memoMaxLen {
		return match(s)
	}
	b := memoSlot(s) &^ (memoWays - 1)
	for h := b; h < b+memoWays; h++ {
		if a := mm.ans[h]; a != 0 && int(mm.n[h]) == len(s) && string(mm.buf[mm.off[h]:int(mm.off[h])+len(s)]) == s {
			return a == 2
		}
	}
	ok := match(s)
	h := b + int(mm.next[b/memoWays])
	mm.next[b/memoWays] = uint8(h+1-b) % memoWays
	if mm.ans[h] != 0 && len(s) <= int(mm.n[h]) {
		// The text replaced was at least as long: its copy's room is
		// reused, so evictions do not fill the memo.
		copy(mm.buf[mm.off[h]:], s)
	} else {
		if len(mm.buf)+len(s) > memoBytes {
			// Full: forget everything.
			mm.ans = [memoSlots]uint8{}
			mm.buf = mm.buf[:0]
		}
		if len(mm.buf)+len(s) > cap(mm.buf) {
			// Grown by doubling up to memoBytes: a memo that sees few
			// texts stays small.
			b := make([]byte, len(mm.buf), min(max(2*cap(mm.buf), len(mm.buf)+len(s), 4<<10), memoBytes))
			copy(b, mm.buf)
			mm.buf = b
		}
		mm.off[h] = int32(len(mm.buf))
		mm.buf = append(mm.buf, s...)
	}
	mm.n[h] = int32(len(s))
	mm.ans[h] = 1 + uint8(b2i(ok))
	return ok
}

// memoSlot is the slot of text s in a memo.
func memoSlot(s string) int { return int(maphash.String(strSeed, s) & (memoSlots - 1)) }

// strMemo remembers the results of a string function for the texts of
// at least memoMinLen bytes of one kernel call, direct-mapped as
// matchMemo is but without copies, so it lives no longer than the texts
// it saw; an empty slot's text is "", which no text looked up equals.
type strMemo struct{ in, out [memoSlots]string }
