package engine

import (
	"errors"
	"unsafe"
)

// loadStrings sets out[j] to value rows[j] of a string array (value j
// when rows is nil), given the array's value offsets (value i is
// buf[offs[i]:offs[i+1]], as [array.String.ValueOffsets] returns them)
// and its whole value buffer buf (the array's third buffer, which the
// offsets index from its start). The strings view buf: they are valid as
// long as the array.
//
// It is the per-row body of every string column a hunt reads, mostly
// through the rows a gate routed (a flow log's addresses and account
// through the ACCEPT rows), so it avoids what Go's slice expression
// spends there: a second bounds check on offs, sign extensions, the
// subtraction of offs[0], the masking of an empty value's pointer and,
// with unsafe.String, its checks of each length and end address (about
// 36 instructions a row through rows; this loop 22). Each row is still
// checked, its row within offs and its value within buf
// (lo <= hi <= len(buf)); a corrupt array panics, as the slice expression
// did. An empty value points at a byte of buf (or is buf's own pointer
// when buf is empty), never past its end.
func loadStrings(out []string, offs []int32, buf []byte, rows []int32) {
	if len(out) == 0 {
		return
	}
	hs := stringHeaders(out)
	p := unsafe.Pointer(unsafe.SliceData(buf))
	size := uint(len(buf))
	if rows == nil {
		offs = offs[:len(out)+1]
		for j := range out {
			lo, hi := uint(uint32(offs[j])), uint(uint32(offs[j+1]))
			if hi > size || lo > hi {
				panic(errStringOffsets)
			}
			hs[j] = stringHeader{(*byte)(unsafe.Add(p, min(lo, hi-1))), hi - lo}
		}
		return
	}
	last := uint(len(offs) - 1) // rows must be below
	op := unsafe.Pointer(unsafe.SliceData(offs))
	for j, r := range rows[:len(out)] {
		i := uint(uint32(r))
		if i >= last {
			panic(errStringOffsets)
		}
		// offs[i] and offs[i+1]: i+1 <= last.
		lo := uint(*(*uint32)(unsafe.Add(op, 4*i)))
		hi := uint(*(*uint32)(unsafe.Add(op, 4*i+4)))
		if hi > size || lo > hi {
			panic(errStringOffsets)
		}
		hs[j] = stringHeader{(*byte)(unsafe.Add(p, min(lo, hi-1))), hi - lo}
	}
}

// errStringOffsets is loadStrings' panic for a row or value outside the
// array.
var errStringOffsets = errors.New("engine: string array row or offsets out of range")

// stringHeader is the layout of a Go string: a pointer to its bytes and
// its length (the runtime's stringStruct; TestStringHeaders checks it).
// loadStrings writes strings through it because unsafe.String checks
// the length and the end address of every string it makes, a third of
// the loop's instructions, which loadStrings' own checks make needless.
type stringHeader struct {
	data *byte
	len  uint
}

// stringHeaders views out as string headers.
func stringHeaders(out []string) []stringHeader {
	return unsafe.Slice((*stringHeader)(unsafe.Pointer(unsafe.SliceData(out))), len(out))
}
