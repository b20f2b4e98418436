//go:build !(libdeflate && cgo)

package bench

import (
	"errors"
	"io"
)

// Without -tags libdeflate (and cgo) there is no libdeflate inflater.
const hasLibdeflate = false

type libdeflateState struct{}

func newLibdeflate() *libdeflateState { return &libdeflateState{} }

var errNoLibdeflate = errors.New("bench: libdeflate: built without -tags libdeflate")

func (*libdeflateState) open(string) (io.ReadCloser, error) { return nil, errNoLibdeflate }

func (*libdeflateState) inflate([]byte) ([]byte, error) { return nil, errNoLibdeflate }
