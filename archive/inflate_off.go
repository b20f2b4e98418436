//go:build !(libdeflate && cgo)

package archive

import (
	"bufio"
	"io"
)

// Built without -tags libdeflate (or without cgo): Klauspost only.
const hasLibdeflate = false

func inflateWhole(*bufio.Reader, *bufio.Reader) (io.ReadCloser, error) {
	panic("BUG: inflateWhole without libdeflate")
}
