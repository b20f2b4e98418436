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
//
// On amd64 with AVX2 blocks of eight values go through assembly
// (loadStringsAsm, about five instructions a value): their offsets
// loaded or gathered, checked and turned into headers eight at a time;
// a block with a row or offset out of range is left to the Go loop,
// which panics on it. The assembly stores pointers without the
// collector's write barriers. What they would do is done otherwise: the
// barrier on the old values (which the collector must see if it is
// marking) is clear(out) first, whose bulk barrier shades them; the new
// ones point into buf, which the array keeps reachable (and whose every
// reference is dropped through a barrier or on a stack the collector
// scans) until out's strings are dropped with the batch's views, so the
// collector marks buf without them. cleared reports that out holds only
// zero headers already (vec.strsCleared: its views were dropped at the
// end of the last push), which have no old values to shade: out is not
// cleared again.
func loadStrings(out []string, offs []int32, buf []byte, rows []int32, cleared bool) {
	if len(out) == 0 {
		return
	}
	if rows != nil {
		rows = rows[:len(out)]
	}
	if useLoadStringsAsm && len(out) >= 16 && len(offs) >= 2 && len(offs) < 1<<31 && uint64(len(buf)) < 1<<32 && (rows != nil || len(offs) > len(out)) {
		// Fast path: eight values a step in assembly.
		if !cleared {
			clear(out) // the old values' write barrier (see above)
		}
		done, _ := loadStringsAsm(out, offs, buf, rows)
		if done == len(out) {
			return
		}
		// Slow path: the last values, or from a block out of range.
		out = out[done:]
		if rows != nil {
			rows = rows[done:]
		} else {
			offs = offs[done:]
		}
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
	for j, r := range rows {
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
