//go:build amd64 && !purego

package engine

import "golang.org/x/sys/cpu"

// useGatherAsm: the integer gathers and widenings of vec_gather.go run in
// assembly (vec_gather_amd64.s, AVX2's VPGATHERDD/VPGATHERDQ and
// VPMOVSXDQ).
var useGatherAsm = cpu.X86.HasAVX2

// useGatherQAsm: int64 and string gathers (VPGATHERDQ, four quadwords an
// instruction; a string header is two) run in assembly too. Off: on AMD
// Zen 3 (the project's machine: EPYC family 25 model 1) the Go loops
// took 2-20 % less time for int64 rows and 33-37 % less for strings
// (BenchmarkGatherWays, 2,048 and 3,072 of 4,096 rows, fastest and
// median of 8 interleaved runs), though they run about four times the
// instructions. Zen 3 issues a VPGATHERDQ about as slowly as its four
// loads, and Intel's Downfall (GDS) microcode slows gathers on the
// Skylake to Ice Lake servers of most cloud instance types; VPGATHERDD,
// eight doublewords an instruction, still wins (int32 rows, widening:
// 30-50 % less time) and stays on. Set it on a CPU where
// BenchmarkGatherWays shows the assembly ahead.
var useGatherQAsm = false

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
