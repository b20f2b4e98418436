package archive

import (
	"fmt"
	"strings"
	"sync/atomic"
)

// Gzip inflaters. Klauspost (github.com/klauspost/compress/gzip) is pure
// Go and streams. Purego is hunt's own pure-Go whole-object inflater
// (inflate_flate.go): it reads each object whole and inflates it into one
// buffer, about 1.4× Klauspost's speed per core here (BENCHMARKS.md); the
// default of builds without libdeflate. Libdeflate is the C library of
// that name through cgo, in binaries built with -tags libdeflate (needs a
// C compiler and libdeflate-dev): whole objects too, about 2.5× Klauspost;
// the default there. Both whole-object inflaters fall back to Klauspost
// for objects over the size caps below and for any stream they reject
// (so a corrupt or truncated object gives the same records and the same
// positioned error with every inflater).
const (
	Klauspost  = "klauspost"
	Purego     = "purego"
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

// inflater is the selected inflater's name.
var inflater atomic.Value

func init() { inflater.Store(Inflaters()[0]) }

// Inflaters lists the gzip inflaters built into this binary, the default
// first.
func Inflaters() []string {
	if hasLibdeflate {
		return []string{Libdeflate, Purego, Klauspost}
	}
	return []string{Purego, Klauspost}
}

// Inflater names the gzip inflater [Decompress] uses.
func Inflater() string { return inflater.Load().(string) }

// SetInflater selects the gzip inflater of every later [Decompress] call
// (for benchmarks and comparisons; readers already open keep theirs). It
// fails for a name this binary does not have.
func SetInflater(name string) error {
	switch {
	case name == Klauspost, name == Purego, name == Libdeflate && hasLibdeflate:
		inflater.Store(name)
	case name == Libdeflate:
		return fmt.Errorf("inflater %q: this binary was built without it (build with -tags libdeflate, which needs cgo and libdeflate-dev)", name)
	default:
		return fmt.Errorf("inflater %q: unknown; this binary has %s", name, strings.Join(Inflaters(), ", "))
	}
	return nil
}
