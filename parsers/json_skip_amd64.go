package parsers

import "golang.org/x/sys/cpu"

// useBlockMasks tells skipContainer to classify 64 bytes at a time with
// blockMasksAVX2.
var useBlockMasks = cpu.X86.HasAVX2

// blockMasksAVX2 is blockMasksGo in AVX2 (json_skip_amd64.s).
//
//go:noescape
func blockMasksAVX2(p *[64]byte) (quote, bslash, brk, ctl uint64)

func blockMasks(p *[64]byte) (quote, bslash, brk, ctl uint64) { return blockMasksAVX2(p) }
