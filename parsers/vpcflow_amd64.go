package parsers

import "golang.org/x/sys/cpu"

// flowSpaceBlocks is [flowSpaceBlocksGo] in assembly (vpcflow_amd64.s),
// 16 bytes a compare with SSE2, which every amd64 has. b must hold 64
// bytes for each word of bits.
//
//go:noescape
func flowSpaceBlocks(b []byte, bits []uint64) (bad uint64)

// flowClassify is [flowClassifyGo] in assembly (vpcflow_amd64.s): with
// AVX-512BW a block a compare, else with AVX2 32 bytes a compare, else
// SSE2 (every amd64), 16 bytes a compare. b must hold 64 bytes for each
// word of sep; nl and bad at least as many words as sep.
func flowClassify(b []byte, sep, nl, bad []uint64) {
	if use512 {
		flowClassify512(b, sep, nl, bad)
		return
	}
	if useAVX2 {
		flowClassifyAVX2(b, sep, nl, bad)
		return
	}
	flowClassifySSE2(b, sep, nl, bad)
}

// useAVX2 tells flowClassify to use its AVX2 version where AVX-512 is
// not (AMD before Zen 4, Intel before Ice Lake): about 30 instructions a
// 64-byte block against SSE2's 75.
var useAVX2 = cpu.X86.HasAVX2

//go:noescape
func flowClassifyAVX2(b []byte, sep, nl, bad []uint64)

// use512 tells flowClassify and flowFlatten to use their AVX-512 versions
// (Intel since Ice Lake, AMD since Zen 4).
var use512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI2 && cpu.X86.HasPOPCNT

//go:noescape
func flowClassifySSE2(b []byte, sep, nl, bad []uint64)

//go:noescape
func flowClassify512(b []byte, sep, nl, bad []uint64)

//go:noescape
func flowFlatten512(t []int32, k int, words []uint64) int

// flowFlatten is [flowFlattenGo], in assembly where the CPU has POPCNT
// and BMI1 (every amd64 since 2013): Go's bit loops spill registers, and
// without BLSR clearing a bit takes two dependent instructions. Sparse
// words (newlines, about one in 64 bytes of flow lines) go to the BMI
// version even where AVX-512 is: its rounds of two bits cost a quarter of
// the AVX-512 version's four 16-entry stores a word (0.3 vs 1.2 ns a
// word, a 16 KiB run of v5 lines in L1).
func flowFlatten(t []int32, words []uint64, sparse bool) []int32 {
	if !useFlattenBMI && !use512 {
		return flowFlattenGo(t, words, sparse)
	}
	k := len(t)
	t = t[:cap(t)]
	if cap(t)-k < 64*len(words)+8 {
		panic("parsers: flowFlatten: no room")
	}
	if use512 && !(sparse && useFlattenBMI) {
		return t[:flowFlatten512(t, k, words)]
	}
	return t[:flowFlattenBMI(t, k, words, sparse)]
}

// useFlattenBMI tells flowFlatten to call flowFlattenBMI.
var useFlattenBMI = cpu.X86.HasPOPCNT && cpu.X86.HasBMI1

// flowFlattenBMI is flowFlattenGo in assembly, writing from t[k]; it
// returns the entries in t after.
//
//go:noescape
func flowFlattenBMI(t []int32, k int, words []uint64, sparse bool) int
