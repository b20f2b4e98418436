//go:build amd64 && !purego

package engine

import "golang.org/x/sys/cpu"

// useInAsm: x IN (two or three integers) compares eight values a step in
// assembly (expr_compare_amd64.s, AVX2).
var useInAsm = cpu.X86.HasAVX2

// inInt64Asm sets b[i] to whether xs[i] is c0, c1 or c2 for the first
// len(xs) &^ 7 values and returns how many; tab is &boolBytes8.
//
//go:noescape
func inInt64Asm(b []bool, xs []int64, c0, c1, c2 int64, tab *[256]uint64) int
