package parsers

import "golang.org/x/sys/cpu"

// useBlockMasks tells skipContainer to classify 64 bytes at a time with
// blockMasksAVX2.
var useBlockMasks = cpu.X86.HasAVX2

// useSkipBlocks tells skipContainerBlocks to run its plain blocks through
// skipBlocksAVX2, which needs a carry-less multiply too.
var useSkipBlocks = cpu.X86.HasAVX2 && cpu.X86.HasPCLMULQDQ

// blockMasksAVX2 is blockMasksGo in AVX2 (json_skip_amd64.s).
//
//go:noescape
func blockMasksAVX2(p *[64]byte) (quote, bslash, brk, ctl uint64)

func blockMasks(p *[64]byte) (quote, bslash, brk, ctl uint64) { return blockMasksAVX2(p) }

// skipBlocksAVX2 is skipBlocks in AVX2 (json_skip_amd64.s).
//
//go:noescape
func skipBlocksAVX2(b []byte, j int, st *blockState) (k, status int)

func skipBlocks(b []byte, j int, st *blockState) (k, status int) { return skipBlocksAVX2(b, j, st) }

// useStringStop tells skipString to look for a string's end 32 bytes at
// a time with stringStopAVX2.
var useStringStop = cpu.X86.HasAVX2

// stringStopAVX2 returns the index of the first '"', '\\' or control
// byte at or after b[j] (found), or, when there is none before it, an
// index k with fewer than 32 bytes left at b[k] (json_skip_amd64.s).
//
//go:noescape
func stringStopAVX2(b []byte, j int) (k int, found bool)

func stringStop32(b []byte, j int) (int, bool) { return stringStopAVX2(b, j) }

// useSkipMembers tells CloudTrailReader.parseTop and parseObject to
// read runs of predicted members with skipMembersAVX2 (its containers
// need the carry-less multiply, and ANDN and BLSR of BMI1, too).
var useSkipMembers = cpu.X86.HasAVX2 && cpu.X86.HasPCLMULQDQ && cpu.X86.HasBMI1

// skipMembersAVX2 is the fast path of parseTop and parseObject for the
// members they skip and the plain strings, literals and ASCII raw
// containers they decode, in a loop over a run of them
// (json_skip_amd64.s). (Not noescape: last is f0, f1 or a field
// reached from them.)
// parseTop and parseObject call it without a wrapper (~35 instructions
// a call to pass its eleven words on).
func skipMembersAVX2(b []byte, i int, f0, f1 *ctField, st *blockState, vals []span, room int, tc *timeCache) (k int, last *ctField, status int)

// stringStopASCIIAVX2 is stringStopAVX2 stopping at bytes >= 0x80 too
// (json_skip_amd64.s).
//
//go:noescape
func stringStopASCIIAVX2(b []byte, j int) (k int, found bool)

func stringStopASCII32(b []byte, j int) (int, bool) { return stringStopASCIIAVX2(b, j) }
