//go:build amd64 && !purego

package engine

import "golang.org/x/sys/cpu"

// useSpillPackAsm: spillPackRun is spillPackRunAsm (SSSE3's PMADDUBSW).
var useSpillPackAsm = cpu.X86.HasSSSE3

// spillPackRunAsm is spillPackRunGo in assembly
// (op_aggregate_spill_pack_amd64.s).
//
//go:noescape
func spillPackRunAsm(dst []byte, strs []string, sel []int32) (k, n int)

// spillPackRun writes into dst the packed values (see
// op_aggregate_spill_pack.go) of rows sel of strs, as long as each is 4
// to 16 bytes that pack and dst has room for 9 bytes more, and returns
// the rows and bytes written.
//
// In assembly it is ~50 instructions an address, against ~107 for
// spillPackRunGo, whose range tests and nibble shifts were the largest
// part of writing the heavy flow hunts' logs (133 M of the library's
// instructions over /tmp/s11/sub8).
func spillPackRun(dst []byte, strs []string, sel []int32) (int, int) {
	if useSpillPackAsm {
		return spillPackRunAsm(dst, strs, sel)
	}
	return spillPackRunGo(dst, strs, sel)
}
