package parsers

import "golang.org/x/sys/cpu"

// hasIndexAVX2 tells indexBlocks to build with indexBlocksAVX2, and the
// CloudTrail reader to take its indexed fast path at all: without vector
// masks, building the index costs more than the byte-level scanners save.
var hasIndexAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasPCLMULQDQ

// indexBlocksAVX2 is indexBlocksGo in AVX2 and PCLMULQDQ
// (json_index_amd64.s), for n blocks of 64 bytes from p.
//
//go:noescape
func indexBlocksAVX2(p *byte, n int, quote, brk *uint64, c *idxCarry) int

// indexBlocks is indexBlocksGo, with vectors where the CPU has them.
func indexBlocks(p []byte, quote, brk []uint64, c *idxCarry) int {
	if len(quote) == 0 {
		return 0
	}
	if !hasIndexAVX2 {
		return indexBlocksGo(p, quote, brk, c)
	}
	_ = p[len(quote)<<6-1]
	_ = brk[len(quote)-1]
	return indexBlocksAVX2(&p[0], len(quote), &quote[0], &brk[0], c)
}
