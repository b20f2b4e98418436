//go:build amd64 && !purego

package engine

import "golang.org/x/sys/cpu"

// useGatherAsm: the int32 gathers and widenings of vec_gather.go run in
// assembly (vec_gather_amd64.s, AVX2's VPGATHERDD and VPMOVSXDQ).
//
// int64 and string gathers (VPGATHERDQ, four quadwords an instruction; a
// string header is two) are Go loops: on AMD Zen 3 (the project's
// machine, EPYC family 25 model 1) the Go loops took 2-20 % less time
// for int64 rows and 33-37 % less for strings than the assembly they
// replaced (2,048 and 3,072 of 4,096 rows, fastest and median of 8
// interleaved runs, bench/abtime.sh), though they run about four times
// the instructions: Zen 3 issues a VPGATHERDQ about as slowly as its
// four loads, and Intel's Downfall (GDS) microcode slows gathers on the
// Skylake to Ice Lake servers of most cloud instances. When they were
// added, timed against the Go loops, they were not ahead either (-6 to
// -10 %, not significant). VPGATHERDD, eight doublewords an instruction,
// still wins (int32 rows, widening: 30-50 % less time).
var useGatherAsm = cpu.X86.HasAVX2

// rowsBelowAsm reports whether every row of rows (at least eight), as an
// unsigned number, is below n.
//
//go:noescape
func rowsBelowAsm(rows []int32, n int) bool

// gatherInt32Asm and gatherWidenAsm set dst[j] to src[rows[j]]
// (widened to int64) for every j of rows, whose rows rowsBelowAsm has
// checked against len(src) < 2^31; dst has room.
//
//go:noescape
func gatherInt32Asm(dst []int32, src []int32, rows []int32)

//go:noescape
func gatherWidenAsm(dst []int64, src []int32, rows []int32)

// widenAsm sets dst[j] to int64(src[j]) for every j of dst (len(src) >=
// len(dst)).
//
//go:noescape
func widenAsm(dst []int64, src []int32)
