//go:build amd64 && !purego

package engine

import "golang.org/x/sys/cpu"

// useGatherAsm: the integer gathers and widenings of vec_gather.go run in
// assembly (vec_gather_amd64.s, AVX2's VPGATHERDD/VPGATHERDQ and
// VPMOVSXDQ).
var useGatherAsm = cpu.X86.HasAVX2

// rowsBelowAsm reports whether every row of rows (at least eight), as an
// unsigned number, is below n.
//
//go:noescape
func rowsBelowAsm(rows []int32, n int) bool

// gatherInt64Asm, gatherInt32Asm and gatherWidenAsm set dst[j] to
// src[rows[j]] (widened to int64) for every j of rows, whose rows
// rowsBelowAsm has checked against len(src) < 2^31; dst has room.
//
//go:noescape
func gatherInt64Asm(dst []int64, src []int64, rows []int32)

//go:noescape
func gatherInt32Asm(dst []int32, src []int32, rows []int32)

//go:noescape
func gatherWidenAsm(dst []int64, src []int32, rows []int32)

// widenAsm sets dst[j] to int64(src[j]) for every j of dst (len(src) >=
// len(dst)).
//
//go:noescape
func widenAsm(dst []int64, src []int32)

// gatherStringsAsm sets dst[j] to src[rows[j]] for every j of rows,
// whose rows rowsBelowAsm has checked against len(src) < 2^30; dst has
// room. It stores without write barriers: see gatherFast.
//
//go:noescape
func gatherStringsAsm(dst []string, src []string, rows []int32)
