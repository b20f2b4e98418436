package engine

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokKind is the class of a token.
type tokKind uint8

const (
	tokEOF    tokKind = iota
	tokIdent          // bare word: identifier or keyword, matched case-insensitively
	tokQIdent         // "quoted identifier"; val has "" unescaped
	tokString         // 'string literal'; val has '' unescaped
	tokNumber         // 42, 1.5, 1e3, .5
	tokOp             // punctuation and operators: ( ) , . [ ] ; * + - / % || = <> != < <= > >=
)

// token is one lexeme. pos is the byte offset of its first byte in the
// query text (PR promql Item.Pos); line:col are computed only for errors.
type token struct {
	kind tokKind
	pos  int
	end  int    // byte offset just past the token
	text string // raw source text
	val  string // decoded value: unquoted string/identifier, lower-case keyword or identifier, the operator
}

// lexer splits a query into tokens. It never panics; malformed input
// becomes a positioned error.
type lexer struct {
	src string
	pos int
}

// lex returns every token of src, ending with a tokEOF token at len(src).
func lex(src string) ([]token, error) {
	l := lexer{src: src}
	toks := make([]token, 0, len(src)/4+1)
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		if t.kind == tokEOF {
			return toks, nil
		}
	}
}

// lexError is a positioned lexing or parsing error; Query.Compile turns it
// into a *parsers.ParseError with line and column.
type lexError struct {
	pos   int
	msg   string
	class error // sentinel the positioned error wraps; parsers.ErrSyntax when nil
}

func (e *lexError) Error() string { return e.msg }

func (l *lexer) errorf(pos int, msg string) error { return &lexError{pos: pos, msg: msg} }

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9') || c == '$'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// next returns the next token, skipping white space and comments.
func (l *lexer) next() (token, error) {
	if err := l.skipSpace(); err != nil {
		return token{}, err
	}
	src := l.src
	start := l.pos
	if start >= len(src) {
		return token{kind: tokEOF, pos: start, end: start}, nil
	}
	c := src[start]
	switch {
	case isIdentStart(c):
		i := start + 1
		for i < len(src) && isIdentPart(src[i]) {
			i++
		}
		l.pos = i
		text := src[start:i]
		return token{kind: tokIdent, pos: start, end: i, text: text, val: strings.ToLower(text)}, nil
	case isDigit(c) || (c == '.' && start+1 < len(src) && isDigit(src[start+1])):
		return l.number()
	case c == '\'':
		return l.quoted('\'', tokString, "string literal")
	case c == '"':
		return l.quoted('"', tokQIdent, "quoted identifier")
	}
	// Operators: longest match first.
	if start+1 < len(src) {
		switch src[start : start+2] {
		case "||", "<>", "!=", "<=", ">=":
			l.pos = start + 2
			op := src[start : start+2]
			return token{kind: tokOp, pos: start, end: l.pos, text: op, val: op}, nil
		}
	}
	switch c {
	case '(', ')', ',', '.', '[', ']', ';', '*', '+', '-', '/', '%', '=', '<', '>':
		l.pos = start + 1
		op := src[start : start+1]
		return token{kind: tokOp, pos: start, end: l.pos, text: op, val: op}, nil
	}
	r, _ := utf8.DecodeRuneInString(src[start:])
	return token{}, l.errorf(start, "unexpected character "+strconv.QuoteRune(r))
}

// skipSpace skips white space, -- line comments and /* block */ comments.
func (l *lexer) skipSpace() error {
	src := l.src
	for l.pos < len(src) {
		c := src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case c == '-' && l.pos+1 < len(src) && src[l.pos+1] == '-':
			i := strings.IndexByte(src[l.pos:], '\n')
			if i < 0 {
				l.pos = len(src)
			} else {
				l.pos += i + 1
			}
		case c == '/' && l.pos+1 < len(src) && src[l.pos+1] == '*':
			i := strings.Index(src[l.pos+2:], "*/")
			if i < 0 {
				return l.errorf(l.pos, "expected \"*/\" to close comment, found end of input")
			}
			l.pos += 2 + i + 2
		default:
			return nil
		}
	}
	return nil
}

// number lexes 123, 1.5, .5, 1e10, 1.5E-3. A letter right after a number is
// an error ("1abc") rather than two tokens.
func (l *lexer) number() (token, error) {
	src := l.src
	start := l.pos
	i := start
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '.' {
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			i = j
		}
	}
	if i < len(src) && isIdentPart(src[i]) {
		return token{}, l.errorf(i, "expected digit or end of number, found "+strconv.Quote(src[i:i+1]))
	}
	l.pos = i
	text := src[start:i]
	return token{kind: tokNumber, pos: start, end: i, text: text, val: text}, nil
}

// quoted lexes a string literal or quoted identifier; a doubled quote
// stands for one quote character.
func (l *lexer) quoted(q byte, kind tokKind, what string) (token, error) {
	src := l.src
	start := l.pos
	i := start + 1
	var b []byte // only when the value has doubled quotes
	seg := i
	for {
		j := strings.IndexByte(src[i:], q)
		if j < 0 {
			return token{}, l.errorf(start, "expected closing "+string(q)+" of "+what+", found end of input")
		}
		i += j
		if i+1 < len(src) && src[i+1] == q {
			b = append(b, src[seg:i+1]...)
			i += 2
			seg = i
			continue
		}
		break
	}
	var val string
	if b == nil {
		val = src[start+1 : i]
	} else {
		val = string(append(b, src[seg:i]...))
	}
	l.pos = i + 1
	if kind == tokQIdent {
		if val == "" {
			return token{}, l.errorf(start, "expected identifier, found empty quoted identifier")
		}
		// Athena lower-cases every identifier, quoted or not.
		val = strings.ToLower(val)
	}
	return token{kind: kind, pos: start, end: l.pos, text: src[start:l.pos], val: val}, nil
}

// lineCol converts a byte offset in src into a 1-based line and column
// (column counted in bytes, as go/scanner does).
func lineCol(src string, pos int) (line, col int) {
	if pos > len(src) {
		pos = len(src)
	}
	line = 1 + strings.Count(src[:pos], "\n")
	col = pos - (strings.LastIndexByte(src[:pos], '\n') + 1) + 1
	return line, col
}

// quoteFound quotes found text for an error message, keeping both ends when
// it is longer than 80 bytes.
func quoteFound(s string) string {
	const max = 80
	if len(s) <= max {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:max/2]) + "..." + strconv.Quote(s[len(s)-max/2:])
}

// describe names a token for "found Y" in errors.
func (t token) describe() string {
	if t.kind == tokEOF {
		return "end of input"
	}
	return quoteFound(t.text)
}
