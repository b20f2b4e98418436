package engine

import (
	"encoding/binary"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// String function kernels. Results that are not substrings of an input
// are written into the arena, so no kernel allocates per row.

func lowerUpperKernel(upper bool) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		o := out.strs()
		out.null = x.null
		var memo strMemo // lower of repeated long texts (user agents)
		for i, s := range x.s {
			if !upper && len(s) >= 8 {
				// lower of text of at least a word: 8 bytes at a time.
				h := -1
				if len(s) >= memoMinLen {
					if h = memoSlot(s); memo.in[h] == s {
						o[i] = memo.out[h]
						continue
					}
				}
				switch hasUpper, ascii := asciiUpper(s); {
				case ascii && !hasUpper:
					o[i] = s
					if h >= 0 {
						memo.in[h], memo.out[h] = s, s
					}
					continue
				case ascii:
					start := a.strStart()
					a.buf = appendLowerASCII(a.buf, s)
					o[i] = a.strEnd(start)
					if h >= 0 {
						memo.in[h], memo.out[h] = s, o[i]
					}
					continue
				}
			}
			// Fast path: ASCII already in the wanted case is returned as is.
			changed, ascii := false, true
			for k := 0; k < len(s); k++ {
				c := s[k]
				if c >= utf8.RuneSelf {
					ascii = false
					break
				}
				if (upper && c >= 'a' && c <= 'z') || (!upper && c >= 'A' && c <= 'Z') {
					changed = true
				}
			}
			switch {
			case ascii && !changed:
				o[i] = s
			case ascii:
				start := a.strStart()
				for k := 0; k < len(s); k++ {
					c := s[k]
					if upper && c >= 'a' && c <= 'z' {
						c -= 'a' - 'A'
					} else if !upper && c >= 'A' && c <= 'Z' {
						c += 'a' - 'A'
					}
					a.buf = append(a.buf, c)
				}
				o[i] = a.strEnd(start)
			default:
				// Slow path: Unicode case mapping.
				start := a.strStart()
				for _, r := range s {
					if upper {
						r = toUpperRune(r)
					} else {
						r = toLowerRune(r)
					}
					a.buf = utf8.AppendRune(a.buf, r)
				}
				o[i] = a.strEnd(start)
			}
		}
	}
}

// Lower-casing ASCII text a word (8 bytes) at a time: for a byte b below
// 0x80, b+0x3f has its high bit set from 'A' (0x41) on and b+0x25 from
// '[' (0x5b) on, so their XOR's high bit marks exactly 'A'..'Z', and a
// marked byte is lowered by setting its 0x20 bit. The sums carry into
// the next byte only from bytes of 0x80 and above, and then the text is
// not ASCII and these words are not used.
const (
	wordHigh = 0x8080808080808080
	wordA    = 0x3f3f3f3f3f3f3f3f // 0x80 - 'A'
	wordZ1   = 0x2525252525252525 // 0x80 - ('Z' + 1)
)

func loadWord(s string, i int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
}

// upperWord marks (0x80) the bytes 'A'..'Z' of an ASCII word.
func upperWord(w uint64) uint64 { return ((w + wordA) ^ (w + wordZ1)) & wordHigh }

// asciiUpper reports whether s is ASCII and whether it holds 'A'..'Z'.
func asciiUpper(s string) (hasUpper, ascii bool) {
	var all, up uint64
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := loadWord(s, i)
		all |= w
		up |= upperWord(w)
	}
	for ; i < len(s); i++ {
		c := s[i]
		all |= uint64(c)
		if c >= 'A' && c <= 'Z' {
			up = 1
		}
	}
	return up != 0, all&wordHigh == 0 // a tail byte's high bit is the low byte's
}

// appendLowerASCII appends s, ASCII, lower-cased.
func appendLowerASCII(b []byte, s string) []byte {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := loadWord(s, i)
		b = binary.LittleEndian.AppendUint64(b, w|upperWord(w)>>2)
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// lowerText is lower(s) as lowerUpperKernel computes it: s itself when
// it is ASCII without capitals, else a copy in a's buffer.
func lowerText(a *arena, s string) string {
	hasUpper, ascii := asciiUpper(s)
	switch {
	case ascii && !hasUpper:
		return s
	case ascii:
		start := a.strStart()
		a.buf = appendLowerASCII(a.buf, s)
		return a.strEnd(start)
	}
	// Slow path: Unicode case mapping.
	start := a.strStart()
	for _, r := range s {
		a.buf = utf8.AppendRune(a.buf, toLowerRune(r))
	}
	return a.strEnd(start)
}

func toUpperRune(r rune) rune { return []rune(strings.ToUpper(string(r)))[0] }
func toLowerRune(r rune) rune { return []rune(strings.ToLower(string(r)))[0] }

func lengthKernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.ints()
	out.null = x.null
	for i, s := range x.s {
		o[i] = int64(utf8.RuneCountInString(s))
	}
}

// substrKernel is substr(s, start[, length]) with 1-based, character
// positions; a negative start counts from the end.
func substrKernel(a *arena, out *vec, args []*vec) {
	x, st := args[0], args[1]
	o := out.strs()
	strictNulls(out, args)
	for i, s := range x.s {
		if out.isNull(i) {
			continue
		}
		n := int64(utf8.RuneCountInString(s))
		start := st.i[i]
		if start < 0 {
			start = n + start + 1
		}
		length := n
		if len(args) > 2 {
			length = args[2].i[i]
		}
		if start < 1 || start > n || length <= 0 {
			o[i] = ""
			continue
		}
		from := runeOffset(s, start-1)
		to := len(s)
		if start-1+length < n {
			to = from + runeOffset(s[from:], length)
		}
		o[i] = s[from:to]
	}
}

// runeOffset returns the byte offset of the k-th rune of s.
func runeOffset(s string, k int64) int {
	// Fast path: ASCII prefix.
	if int(k) <= len(s) {
		ascii := true
		for j := 0; j < int(k); j++ {
			if s[j] >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii {
			return int(k)
		}
	}
	off := 0
	for ; k > 0 && off < len(s); k-- {
		_, size := utf8.DecodeRuneInString(s[off:])
		off += size
	}
	return off
}

// strposKernel is strpos(s, sub): 1-based character position, 0 if absent.
func strposKernel(a *arena, out *vec, args []*vec) {
	x, y := args[0], args[1]
	o := out.ints()
	strictNulls(out, args)
	for i, s := range x.s {
		k := strings.Index(s, y.s[i])
		if k < 0 {
			o[i] = 0
			continue
		}
		o[i] = int64(utf8.RuneCountInString(s[:k])) + 1
	}
}

// splitPartKernel is split_part(s, delim, index), 1-based; NULL past the
// last field.
func splitPartKernel(a *arena, out *vec, args []*vec) {
	x, d, idx := args[0], args[1], args[2]
	o := out.strs()
	strictNulls(out, args)
	nl := out.null
	for i, s := range x.s {
		if nl != nil && nl[i] {
			continue
		}
		k := idx.i[i]
		if k < 1 {
			a.fail("split_part: index must be greater than zero")
			if nl == nil {
				nl = out.nulls()
			}
			nl[i] = true
			continue
		}
		sep := d.s[i]
		found := false
		if sep == "" {
			// Trino: an empty delimiter splits every character.
			if off := runeOffset(s, k-1); off < len(s) {
				_, size := utf8.DecodeRuneInString(s[off:])
				o[i], found = s[off:off+size], true
			}
			if !found {
				if nl == nil {
					nl = out.nulls()
				}
				nl[i] = true
			}
			continue
		}
		for part := int64(1); ; part++ {
			j := strings.Index(s, sep)
			if part == k {
				if j < 0 {
					o[i] = s
				} else {
					o[i] = s[:j]
				}
				found = true
				break
			}
			if j < 0 {
				break
			}
			s = s[j+len(sep):]
		}
		if !found {
			if nl == nil {
				nl = out.nulls()
			}
			nl[i] = true
		}
	}
}

func startsWithKernel(a *arena, out *vec, args []*vec) {
	x, p := args[0], args[1]
	o := out.bools()
	strictNulls(out, args)
	for i, s := range x.s {
		o[i] = strings.HasPrefix(s, p.s[i])
	}
}

func replaceKernel(a *arena, out *vec, args []*vec) {
	x, from := args[0], args[1]
	o := out.strs()
	strictNulls(out, args)
	for i, s := range x.s {
		to := ""
		if len(args) > 2 {
			to = args[2].s[i]
		}
		f := from.s[i]
		if f == "" || !strings.Contains(s, f) {
			o[i] = s
			continue
		}
		start := a.strStart()
		for {
			j := strings.Index(s, f)
			if j < 0 {
				break
			}
			a.buf = append(a.buf, s[:j]...)
			a.buf = append(a.buf, to...)
			s = s[j+len(f):]
		}
		a.buf = append(a.buf, s...)
		o[i] = a.strEnd(start)
	}
}

// isJavaWhitespace is Java's Character.isWhitespace, what Trino's trim,
// ltrim and rtrim remove: the Unicode space separators but the no-break
// ones, the line and paragraph separators, and \t \n \v \f \r and
// U+001C..U+001F.
func isJavaWhitespace(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return r == ' ' || (r >= '\t' && r <= '\r') || (r >= 0x1c && r <= 0x1f)
	case r == 0xa0 || r == 0x2007 || r == 0x202f:
		return false
	}
	return unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp)
}

// trimFunc trims s at the start (mode 0 or 1) and end (mode 0 or 2) of
// the code points is reports; invalid UTF-8 stops it, as in Trino.
func trimFunc(s string, mode int, is func(rune) bool) string {
	if mode != 2 {
		for len(s) > 0 {
			r, size := utf8.DecodeRuneInString(s)
			if (r == utf8.RuneError && size == 1) || !is(r) {
				break
			}
			s = s[size:]
		}
	}
	if mode != 1 {
		for len(s) > 0 {
			r, size := utf8.DecodeLastRuneInString(s)
			if (r == utf8.RuneError && size == 1) || !is(r) {
				break
			}
			s = s[:len(s)-size]
		}
	}
	return s
}

// trimKernel is trim (mode 0), ltrim (1) or rtrim (2) of whitespace.
func trimKernel(mode int) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		o := out.strs()
		out.null = x.null
		for i, s := range x.s {
			// Fast path: no whitespace (nor non-ASCII) at the ends trimmed.
			if s == "" || ((mode == 2 || s[0] > ' ' && s[0] < utf8.RuneSelf) && (mode == 1 || s[len(s)-1] > ' ' && s[len(s)-1] < utf8.RuneSelf)) {
				o[i] = s
				continue
			}
			o[i] = trimFunc(s, mode, isJavaWhitespace)
		}
	}
}

// trimCharsKernel is trim, ltrim or rtrim(x, chars): the code points of
// chars removed from the ends.
func trimCharsKernel(mode int) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x, chars := args[0], args[1]
		o := out.strs()
		strictNulls(out, args)
		for i, s := range x.s {
			if out.isNull(i) {
				continue
			}
			cs := chars.s[i]
			if !utf8.ValidString(cs) {
				a.fail("trim: invalid UTF-8 encoding in characters: " + quoteFound(cs))
				failRow(out, i)
				continue
			}
			o[i] = trimFunc(s, mode, func(r rune) bool { return strings.ContainsRune(cs, r) })
		}
	}
}

// regexpLikeKernel matches a constant pattern (compiled once per query);
// Go's RE2 syntax covers the Java patterns hunts use. With lower set it
// is regexp_like(lower(x), pattern) over x: lower() is then computed only
// for texts the memo has not seen (a user agent is lower-cased once per
// run, not once per row).
func regexpLikeKernel(re *regexp.Regexp, lower bool) kernel {
	m := newLitMatcher(re.String())
	if m != nil && !m.searches() && !lower {
		// Fast path: a pattern matching a few fixed strings at the start
		// or end of the text (the private address prefixes), or all of
		// it, is answered by a prefix trie or a set lookup, many times
		// faster than the regexp engine, and faster than remembering
		// answers.
		if m.trie != nil && !m.trie.suffix {
			// The prefix trie called directly, not through match's
			// switch (address prefixes over millions of flows).
			t := m.trie
			return func(a *arena, out *vec, args []*vec) {
				x := args[0]
				o := out.bools()
				strictNulls(out, args)
				t.prefixOfEach(o, x.s)
			}
		}
		return func(a *arena, out *vec, args []*vec) {
			x := args[0]
			o := out.bools()
			strictNulls(out, args)
			for i, s := range x.s {
				o[i] = m.match(s)
			}
		}
	}
	match := re.MatchString
	if m != nil {
		// A pattern of a few fixed strings anywhere in the text (a list
		// of tool names in a user agent) is a substring search.
		match = m.match
	}
	// Each worker's memo outlives the batch (see matchMemo): the pool
	// hands a worker back the memo it returned, so the answers for a
	// run's recurring texts are computed about once per worker.
	memos := &sync.Pool{New: func() any { return new(matchMemo) }}
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		o := out.bools()
		strictNulls(out, args)
		f := match
		if lower {
			f = func(s string) bool {
				start := a.strStart()
				ok := match(lowerText(a, s))
				a.buf = a.buf[:start] // the lowered text is not kept
				return ok
			}
		}
		mm := memos.Get().(*matchMemo)
		for i, s := range x.s {
			o[i] = mm.match(s, f)
		}
		memos.Put(mm)
	}
}

// containsAny reports whether s contains one of lits.
func containsAny(s string, lits []string) bool {
	for _, l := range lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// maxLiterals bounds the strings [finiteLanguage] enumerates.
const maxLiterals = 64

// finiteLanguage returns every string the regular expression pattern
// matches when that is a small finite set without anchors, flags or
// classes of many characters ("(trufflehog|pacu|cloudfox)", "ab[cd]"):
// an unanchored match of such a pattern is "the text contains one of
// them". ok is false for anything else.
func finiteLanguage(pattern string) (lits []string, ok bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, false
	}
	return finiteStrings(re, maxLiterals)
}

// finiteStrings returns every string re matches when that is a finite
// set of at most limit strings built from literals, small classes,
// alternations and concatenations; ok is false for anything else
// (anchors included).
func finiteStrings(re *syntax.Regexp, limit int) (lits []string, ok bool) {
	maxLiterals := limit
	var walk func(r *syntax.Regexp) ([]string, bool)
	walk = func(r *syntax.Regexp) ([]string, bool) {
		if r.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		switch r.Op {
		case syntax.OpEmptyMatch:
			return []string{""}, true
		case syntax.OpLiteral:
			return []string{string(r.Rune)}, true
		case syntax.OpCharClass:
			var out []string
			for i := 0; i+1 < len(r.Rune); i += 2 {
				for c := r.Rune[i]; c <= r.Rune[i+1]; c++ {
					if len(out) >= maxLiterals {
						return nil, false
					}
					out = append(out, string(c))
				}
			}
			return out, true
		case syntax.OpCapture:
			return walk(r.Sub[0])
		case syntax.OpAlternate:
			var out []string
			for _, sub := range r.Sub {
				l, ok := walk(sub)
				if !ok || len(out)+len(l) > maxLiterals {
					return nil, false
				}
				out = append(out, l...)
			}
			return out, true
		case syntax.OpConcat:
			out := []string{""}
			for _, sub := range r.Sub {
				l, ok := walk(sub)
				if !ok || len(out)*len(l) > maxLiterals {
					return nil, false
				}
				next := make([]string, 0, len(out)*len(l))
				for _, a := range out {
					for _, b := range l {
						next = append(next, a+b)
					}
				}
				out = next
			}
			return out, true
		}
		return nil, false
	}
	return walk(re)
}

// regexpExtractKernel returns group (0 = whole match) of the first match,
// NULL when there is none.
func regexpExtractKernel(re *regexp.Regexp, group int) kernel {
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		o := out.strs()
		strictNulls(out, args)
		nl := out.null
		var loc []int
		for i, s := range x.s {
			if nl != nil && nl[i] {
				continue
			}
			loc = re.FindStringSubmatchIndex(s)
			if loc == nil || loc[2*group] < 0 {
				if nl == nil {
					nl = out.nulls()
				}
				nl[i] = true
				continue
			}
			o[i] = s[loc[2*group]:loc[2*group+1]]
		}
	}
}

func regexpReplaceKernel(re *regexp.Regexp, repl string) kernel {
	// Java's $1 group references are Go's ${1}.
	return func(a *arena, out *vec, args []*vec) {
		x := args[0]
		o := out.strs()
		strictNulls(out, args)
		// The same long text recurs within a batch (the ARN of the
		// secret each GetSecretValue reads): its replacement is
		// remembered, not run through the regexp engine again.
		var memo strMemo
		for i, s := range x.s {
			h := -1
			if len(s) >= memoMinLen {
				if h = memoSlot(s); memo.in[h] == s {
					o[i] = memo.out[h]
					continue
				}
			}
			start := a.strStart()
			a.buf = appendRegexpReplace(a.buf, re, s, repl)
			o[i] = a.strEnd(start)
			if h >= 0 {
				memo.in[h], memo.out[h] = s, o[i]
			}
		}
	}
}

func appendRegexpReplace(dst []byte, re *regexp.Regexp, s, repl string) []byte {
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		dst = append(dst, s[last:m[0]]...)
		dst = re.ExpandString(dst, repl, s, m)
		last = m[1]
	}
	return append(dst, s[last:]...)
}

// splitKernel is split(s, delim): an array(varchar).
func splitKernel(a *arena, out *vec, args []*vec) {
	x, d := args[0], args[1]
	strictNulls(out, args)
	out.x = make([]any, out.n)
	for i, s := range x.s {
		if out.isNull(i) {
			continue
		}
		parts := strings.Split(s, d.s[i])
		arr := make([]any, len(parts))
		for k, p := range parts {
			arr[k] = p
		}
		out.x[i] = arr
	}
}

// buildConcatWS is concat_ws(separator, string, ...) and
// concat_ws(separator, array(varchar)), as Trino has them: the values
// joined by the separator, NULL values skipped; NULL when the separator
// is.
func buildConcatWS(c *compiler, call *Call, args []expr) (expr, error) {
	if len(args) == 2 && args[1].typ().k == kArray {
		if et := args[1].typ().elem; et == nil || !et.isText() && et.k != kNull {
			return nil, c.errf(call.Args[1].Pos(), "expected array(varchar) as argument 2 of concat_ws, found "+args[1].typ().name)
		}
		sep, err := c.argAs(call, 0, args[0], tString)
		if err != nil {
			return nil, err
		}
		// array_join(array, separator), which skips NULL elements.
		return &exprFunc{name: call.Name, t: tString, args: []expr{args[1], sep}, k: arrayJoinKernel}, nil
	}
	if err := c.coerceArgs(call, args, func(int) *dtype { return tString }); err != nil {
		return nil, err
	}
	return &exprFunc{name: call.Name, t: tString, args: args, k: concatWSKernel}, nil
}

// concatWSKernel joins args[1:] by args[0], skipping NULLs.
func concatWSKernel(a *arena, out *vec, args []*vec) {
	o := out.strs()
	sep := args[0]
	out.null = nil
	if sep.null != nil {
		out.nulls()
		copy(out.null, sep.null)
	}
	for i := range o {
		if sep.isNull(i) {
			o[i] = ""
			continue
		}
		start, first := a.strStart(), true
		for _, v := range args[1:] {
			if v.isNull(i) {
				continue
			}
			if !first {
				a.buf = append(a.buf, sep.s[i]...)
			}
			a.buf = append(a.buf, v.s[i]...)
			first = false
		}
		o[i] = a.strEnd(start)
	}
}

// chrKernel is chr(n): the character of code point n; an error for a
// negative, surrogate or too large n, as Trino's.
func chrKernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.strs()
	strictNulls(out, args)
	for i, n := range x.i {
		if out.isNull(i) {
			continue
		}
		if n < 0 || n > utf8.MaxRune || (n >= 0xd800 && n <= 0xdfff) {
			a.fail("chr: not a valid Unicode code point: " + itoa(n))
			failRow(out, i)
			continue
		}
		start := a.strStart()
		a.buf = utf8.AppendRune(a.buf, rune(n))
		o[i] = a.strEnd(start)
	}
}

// codepointKernel is codepoint(s): the code point of a one-character
// string, an error for any other length.
func codepointKernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.ints()
	strictNulls(out, args)
	for i, s := range x.s {
		if out.isNull(i) {
			continue
		}
		r, size := utf8.DecodeRuneInString(s)
		if size == 0 || size != len(s) {
			a.fail("codepoint: input string must be a single character string, found " + quoteFound(s))
			failRow(out, i)
			continue
		}
		o[i] = int64(r)
	}
}

// appendRunes appends the code points of s to dst (as int64, to use an
// arena vec's buffer); ok is false for invalid UTF-8.
func appendRunes(dst []int64, s string) ([]int64, bool) {
	for _, r := range s {
		dst = append(dst, int64(r))
	}
	return dst, utf8.ValidString(s)
}

// levenshteinKernel is levenshtein_distance(a, b) over code points, with
// Trino's limit on the inputs' sizes.
func levenshteinKernel(a *arena, out *vec, args []*vec) {
	x, y := args[0], args[1]
	o := out.ints()
	strictNulls(out, args)
	sv, tv, dv := a.vec(tInt, 0), a.vec(tInt, 0), a.vec(tInt, 0)
	for i := range o {
		if out.isNull(i) {
			continue
		}
		o[i] = 0
		l, okl := appendRunes(sv.ib[:0], x.s[i])
		r, okr := appendRunes(tv.ib[:0], y.s[i])
		sv.ib, tv.ib = l, r
		if !okl || !okr {
			a.fail("levenshtein_distance: invalid UTF-8 encoding in characters")
			failRow(out, i)
			continue
		}
		if len(l) < len(r) {
			l, r = r, l
		}
		if len(r) == 0 {
			o[i] = int64(len(l))
			continue
		}
		if len(l)*(len(r)-1) > 1_000_000 {
			a.fail("levenshtein_distance: the combined inputs for Levenshtein distance are too large")
			failRow(out, i)
			continue
		}
		d := grow(&dv.ib, len(r))
		for j := range d {
			d[j] = int64(j + 1)
		}
		for k, lc := range l {
			up := d[0]
			if lc == r[0] {
				d[0] = int64(k)
			} else {
				d[0] = min(int64(k), d[0]) + 1
			}
			for j := 1; j < len(r); j++ {
				next := d[j]
				if lc == r[j] {
					d[j] = up
				} else {
					d[j] = min(d[j-1], up, d[j]) + 1
				}
				up = next
			}
		}
		o[i] = d[len(r)-1]
	}
}

// hammingKernel is hamming_distance(a, b): the code points that differ;
// an error when the lengths differ.
func hammingKernel(a *arena, out *vec, args []*vec) {
	x, y := args[0], args[1]
	o := out.ints()
	strictNulls(out, args)
	for i := range o {
		if out.isNull(i) {
			continue
		}
		s, t := x.s[i], y.s[i]
		n := int64(0)
		for len(s) > 0 && len(t) > 0 {
			r1, n1 := utf8.DecodeRuneInString(s)
			r2, n2 := utf8.DecodeRuneInString(t)
			if r1 != r2 || n1 != n2 {
				n++
			}
			s, t = s[n1:], t[n2:]
		}
		o[i] = n
		if len(s) > 0 || len(t) > 0 {
			a.fail("hamming_distance: the input strings to hamming_distance function must have the same length")
			failRow(out, i)
		}
	}
}

// failRow makes row i of out NULL after an evaluation error, which is
// what try() then returns; out's nulls are its own (strictNulls' or new).
func failRow(out *vec, i int) {
	if out.null == nil {
		out.nulls()
	}
	out.null[i] = true
}
