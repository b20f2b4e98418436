//go:build amd64 && !purego

package engine

import "golang.org/x/sys/cpu"

// useSelectAsm: selectBools reads 32 rows a step in assembly
// (op_select_amd64.s, AVX2 and POPCNT).
var useSelectAsm = cpu.X86.HasAVX2 && cpu.X86.HasPOPCNT

// selectBoolsAsm is selectBools over the first len(b) &^ 31 rows, with
// tab = &selPos8; sel has room for len(b) rows and null is empty or has
// len(b) flags. It returns how many rows it selected.
//
//go:noescape
func selectBoolsAsm(sel []int32, b []bool, null []bool, tab *[256][8]int32) int
