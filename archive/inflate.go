package archive

import (
	"fmt"
	"strings"
	"sync/atomic"
)

// Gzip inflaters. Klauspost (github.com/klauspost/compress/gzip) is pure
// Go and streams: what every build has. Libdeflate is the C library of
// that name through cgo, in binaries built with -tags libdeflate (needs a
// C compiler and libdeflate-dev): it inflates 2.5× faster per core here
// (BENCHMARKS.md), but only whole buffers, so it reads each object whole
// and falls back to Klauspost for objects over the size caps below and for
// any stream it rejects (so a corrupt or truncated object gives the same
// records and the same positioned error in both builds).
const (
	Klauspost  = "klauspost"
	Libdeflate = "libdeflate"
)

// Size caps for inflating an object whole: a gzip object larger than
// wholeMaxIn compressed, or whose content is larger than wholeMaxOut, is
// streamed instead, so each worker holds at most wholeMaxIn + wholeMaxOut
// of buffers. CloudTrail objects are a few MB; flow-log files rarely reach
// these sizes. Variables so tests can lower them.
var (
	wholeMaxIn  = 16 << 20
	wholeMaxOut = 64 << 20
)

// useLibdeflate selects Libdeflate in builds that have it (the default
// there).
var useLibdeflate atomic.Bool

func init() { useLibdeflate.Store(hasLibdeflate) }

// Inflaters lists the gzip inflaters built into this binary, the default
// first.
func Inflaters() []string {
	if hasLibdeflate {
		return []string{Libdeflate, Klauspost}
	}
	return []string{Klauspost}
}

// Inflater names the gzip inflater [Decompress] uses.
func Inflater() string {
	if useLibdeflate.Load() {
		return Libdeflate
	}
	return Klauspost
}

// SetInflater selects the gzip inflater of every later [Decompress] call
// (for benchmarks and comparisons; readers already open keep theirs). It
// fails for a name this binary does not have.
func SetInflater(name string) error {
	switch {
	case name == Klauspost:
		useLibdeflate.Store(false)
	case name == Libdeflate && hasLibdeflate:
		useLibdeflate.Store(true)
	case name == Libdeflate:
		return fmt.Errorf("inflater %q: this binary was built without it (build with -tags libdeflate, which needs cgo and libdeflate-dev)", name)
	default:
		return fmt.Errorf("inflater %q: unknown; this binary has %s", name, strings.Join(Inflaters(), ", "))
	}
	return nil
}
