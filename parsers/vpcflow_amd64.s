#include "textflag.h"

// func flowSpaceBlocks(b []byte, bits []uint64) (bad uint64)
//
// SSE2, which every amd64 has: 16 bytes a compare. See vpcflow_amd64.go.
TEXT ·flowSpaceBlocks(SB), NOSPLIT, $0-56
	MOVQ b_base+0(FP), SI
	MOVQ bits_base+24(FP), DI
	MOVQ bits_len+32(FP), CX
	MOVQ $0x2020202020202020, AX
	MOVQ AX, X8
	PUNPCKLQDQ X8, X8 // 16 spaces
	PXOR X9, X9       // the bad bytes seen, 0xff each
	TESTQ CX, CX
	JLE done

loop:
	MOVOU (SI), X0
	MOVOU 16(SI), X1
	MOVOU 32(SI), X2
	MOVOU 48(SI), X3

	// Bad bytes: 0x20 > int8(c), that is c below 0x20 or above 0x7f.
	MOVO X8, X4
	PCMPGTB X0, X4
	POR X4, X9
	MOVO X8, X4
	PCMPGTB X1, X4
	POR X4, X9
	MOVO X8, X4
	PCMPGTB X2, X4
	POR X4, X9
	MOVO X8, X4
	PCMPGTB X3, X4
	POR X4, X9

	// Spaces: a bit per byte, in byte order.
	PCMPEQB X8, X0
	PMOVMSKB X0, AX
	PCMPEQB X8, X1
	PMOVMSKB X1, BX
	SHLQ $16, BX
	ORQ BX, AX
	PCMPEQB X8, X2
	PMOVMSKB X2, BX
	SHLQ $32, BX
	ORQ BX, AX
	PCMPEQB X8, X3
	PMOVMSKB X3, BX
	SHLQ $48, BX
	ORQ BX, AX
	MOVQ AX, (DI)

	ADDQ $64, SI
	ADDQ $8, DI
	DECQ CX
	JNZ loop

done:
	PMOVMSKB X9, AX
	MOVQ AX, bad+48(FP)
	RET

// CLASSIFY16 sets, for the 16 bytes in X, bits shift..shift+15 of R10
// (spaces and newlines) and R11 (newlines), and the bytes of X9 that are
// below 0x20 or above 0x7f other than newlines.
#define CLASSIFY16(X, shift) \
	MOVO X8, X4; PCMPGTB X, X4; \
	MOVO X, X5; PCMPEQB X10, X5; \
	PXOR X5, X4; POR X4, X9; \
	PCMPEQB X8, X; POR X5, X; \
	PMOVMSKB X, AX; SHLQ $shift, AX; ORQ AX, R10; \
	PMOVMSKB X5, BX; SHLQ $shift, BX; ORQ BX, R11

// func flowClassifySSE2(b []byte, sep, nl, bad []uint64)
//
// SSE2, 16 bytes a compare: see flowClassifyGo.
TEXT ·flowClassifySSE2(SB), NOSPLIT, $0-96
	MOVQ b_base+0(FP), SI
	MOVQ sep_base+24(FP), DI
	MOVQ sep_len+32(FP), CX
	MOVQ nl_base+48(FP), R8
	MOVQ bad_base+72(FP), R9
	MOVQ $0x2020202020202020, AX
	MOVQ AX, X8
	PUNPCKLQDQ X8, X8 // 16 spaces
	MOVQ $0x0a0a0a0a0a0a0a0a, AX
	MOVQ AX, X10
	PUNPCKLQDQ X10, X10 // 16 newlines
	TESTQ CX, CX
	JLE cdone

cloop:
	PREFETCHT0 2048(SI) // as flowClassify512's
	MOVOU (SI), X0
	MOVOU 16(SI), X1
	MOVOU 32(SI), X2
	MOVOU 48(SI), X3
	XORQ R10, R10
	XORQ R11, R11
	PXOR X9, X9
	CLASSIFY16(X0, 0)
	CLASSIFY16(X1, 16)
	CLASSIFY16(X2, 32)
	CLASSIFY16(X3, 48)
	MOVQ R10, (DI)
	MOVQ R11, (R8)
	PMOVMSKB X9, AX
	MOVQ AX, (R9)

	ADDQ $64, SI
	ADDQ $8, DI
	ADDQ $8, R8
	ADDQ $8, R9
	DECQ CX
	JNZ cloop

cdone:
	RET

// CLASSIFY_CONSTS sets Y8 to 32 spaces and Y10 to 32 newlines for
// CLASSIFY64 (AX clobbered).
#define CLASSIFY_CONSTS \
	MOVL $0x20, AX; MOVQ AX, X8; VPBROADCASTB X8, Y8; \
	MOVL $0x0a, AX; MOVQ AX, X10; VPBROADCASTB X10, Y10

// CLASSIFY64_INTO compares the 64 bytes at SI (prefetching 2 KiB ahead,
// as flowClassify512) and stores their spaces-or-newlines bitmap at dst;
// it leaves the newlines in Y2/Y3 and the bad bytes (below 0x20 but not
// a newline, or above 0x7f) of both halves ORed in Y4 (AX, BX clobbered).
#define CLASSIFY64_INTO(dst) \
	PREFETCHT0 2048(SI); \
	VMOVDQU (SI), Y0; VMOVDQU 32(SI), Y1; \
	VPCMPEQB Y0, Y10, Y2; VPCMPEQB Y1, Y10, Y3; \
	VPCMPGTB Y0, Y8, Y4; VPCMPGTB Y1, Y8, Y5; \
	VPCMPEQB Y0, Y8, Y0; VPCMPEQB Y1, Y8, Y1; \
	VPXOR Y2, Y4, Y4; VPXOR Y3, Y5, Y5; VPOR Y5, Y4, Y4; \
	VPOR Y2, Y0, Y0; VPOR Y3, Y1, Y1; \
	VPMOVMSKB Y0, AX; VPMOVMSKB Y1, BX; SHLQ $32, BX; ORQ BX, AX; \
	MOVQ AX, dst

// CLASSIFY64 stores the bitmap at (DI).
#define CLASSIFY64 CLASSIFY64_INTO((DI))

// func flowClassifyAVX2(b []byte, sep, nl, bad []uint64)
//
// AVX2, 32 bytes a compare: see flowClassifyGo; bad is only made
// non-zero (a bit per bad byte of the block's first or second half).
TEXT ·flowClassifyAVX2(SB), NOSPLIT, $0-96
	MOVQ b_base+0(FP), SI
	MOVQ sep_base+24(FP), DI
	MOVQ sep_len+32(FP), CX
	MOVQ nl_base+48(FP), R8
	MOVQ bad_base+72(FP), R9
	CLASSIFY_CONSTS
	TESTQ CX, CX
	JLE c2done

c2loop:
	CLASSIFY64
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y3, BX
	SHLQ $32, BX
	ORQ BX, AX
	MOVQ AX, (R8)
	VPMOVMSKB Y4, AX
	MOVQ AX, (R9)

	ADDQ $64, SI
	ADDQ $8, DI
	ADDQ $8, R8
	ADDQ $8, R9
	DECQ CX
	JNZ c2loop

c2done:
	VZEROUPPER
	RET

// func flowClassifyNLAVX2(b []byte, sep, bad []uint64, nls []int32, base int) int
//
// AVX2, BMI1: flowClassifyAVX2 with the positions of the newlines
// (base plus the index in b) written to nls, in order, instead of their
// bitmap: no pass over a bitmap of few bits. Returns how many.
TEXT ·flowClassifyNLAVX2(SB), NOSPLIT, $0-112
	MOVQ b_base+0(FP), SI
	MOVQ sep_base+24(FP), DI
	MOVQ sep_len+32(FP), CX
	MOVQ bad_base+48(FP), R9
	MOVQ nls_base+72(FP), R8
	MOVQ base+96(FP), R10
	CLASSIFY_CONSTS
	TESTQ CX, CX
	JLE n2done

n2loop:
	CLASSIFY64
	VPMOVMSKB Y4, AX
	MOVQ AX, (R9)
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y3, BX
	SHLQ $32, BX
	ORQ BX, AX
	JEQ n2next

n2bits:
	TZCNTQ AX, R11
	ADDQ R10, R11
	MOVL R11, (R8)
	ADDQ $4, R8
	BLSRQ AX, AX
	JNE n2bits

n2next:
	ADDQ $64, SI
	ADDQ $8, DI
	ADDQ $8, R9
	ADDQ $64, R10
	DECQ CX
	JNZ n2loop

n2done:
	VZEROUPPER
	SUBQ nls_base+72(FP), R8
	SHRQ $2, R8
	MOVQ R8, ret+104(FP)
	RET

// BIT1 writes the index of the lowest set bit of AX plus DX to n(R9) and
// clears that bit (junk when AX is zero); one cycle a bit, the chain
// through AX.
#define BIT1(n) \
	TZCNTQ AX, R10; ADDL DX, R10; MOVL R10, n(R9); BLSRQ AX, AX

// func flowFlattenBMI(t []int32, k int, words []uint64, sparse bool) int
//
// Needs POPCNT and BMI1: see flowFlattenGo. With sparse (few bits a
// word, as newlines) it writes two entries a round, else eight.
TEXT ·flowFlattenBMI(SB), NOSPLIT, $0-72
	MOVQ t_base+0(FP), DI
	MOVQ k+24(FP), BX
	MOVQ words_base+32(FP), SI
	MOVQ words_len+40(FP), CX
	MOVBLZX sparse+56(FP), R12
	XORQ DX, DX // 64 times the word's index
	TESTQ CX, CX
	JLE fdone
	TESTQ R12, R12
	JNE sloop

floop:
	MOVQ (SI), AX
	POPCNTQ AX, R8
	ADDQ BX, R8 // k after this word
	LEAQ (DI)(BX*4), R9
	TESTQ AX, AX
	JEQ fnext

fbits:
	BIT1(0)
	BIT1(4)
	BIT1(8)
	BIT1(12)
	BIT1(16)
	BIT1(20)
	BIT1(24)
	BIT1(28)
	ADDQ $32, R9
	TESTQ AX, AX
	JNE fbits

fnext:
	MOVQ R8, BX
	ADDQ $64, DX
	ADDQ $8, SI
	DECQ CX
	JNZ floop
	JMP fdone

sloop:
	MOVQ (SI), AX
	POPCNTQ AX, R8
	ADDQ BX, R8
	LEAQ (DI)(BX*4), R9
	TESTQ AX, AX
	JEQ snext

sbits:
	BIT1(0)
	BIT1(4)
	ADDQ $8, R9
	TESTQ AX, AX
	JNE sbits

snext:
	MOVQ R8, BX
	ADDQ $64, DX
	ADDQ $8, SI
	DECQ CX
	JNZ sloop

fdone:
	MOVQ BX, ret+64(FP)
	RET

// flowIota holds the bytes 0, 1, ..., 63: the index of each byte of a block.
DATA flowIota<>+0(SB)/8, $0x0706050403020100
DATA flowIota<>+8(SB)/8, $0x0f0e0d0c0b0a0908
DATA flowIota<>+16(SB)/8, $0x1716151413121110
DATA flowIota<>+24(SB)/8, $0x1f1e1d1c1b1a1918
DATA flowIota<>+32(SB)/8, $0x2726252423222120
DATA flowIota<>+40(SB)/8, $0x2f2e2d2c2b2a2928
DATA flowIota<>+48(SB)/8, $0x3736353433323130
DATA flowIota<>+56(SB)/8, $0x3f3e3d3c3b3a3938
GLOBL flowIota<>(SB), RODATA|NOPTR, $64

// func flowClassify512(b []byte, sep, nl, bad []uint64)
//
// AVX-512BW, a block a compare: see flowClassifyGo; bad gets the bad
// bytes' bits.
TEXT ·flowClassify512(SB), NOSPLIT, $0-96
	MOVQ b_base+0(FP), SI
	MOVQ sep_base+24(FP), DI
	MOVQ sep_len+32(FP), CX
	MOVQ nl_base+48(FP), R8
	MOVQ bad_base+72(FP), R9
	MOVL $0x20, AX
	VPBROADCASTB AX, Z8 // 64 spaces
	MOVL $0x0a, AX
	VPBROADCASTB AX, Z10 // 64 newlines
	TESTQ CX, CX
	JLE c5done

c5loop:
	// The bytes 2 KiB ahead, to L1: an object inflated whole is read
	// from L3 or memory, where the hardware prefetcher alone leaves the
	// loop waiting (a third faster on 3 MB of flow lines).
	PREFETCHT0 2048(SI)
	VMOVDQU8 (SI), Z0
	VPCMPEQB Z0, Z8, K1
	VPCMPEQB Z0, Z10, K2
	VPCMPUB $1, Z8, Z0, K3 // below 0x20
	VPMOVB2M Z0, K4        // 0x80 and above
	KORQ K1, K2, K1
	KORQ K3, K4, K3
	KANDNQ K3, K2, K3      // but newlines
	KMOVQ K1, (DI)
	KMOVQ K2, (R8)
	KMOVQ K3, (R9)
	ADDQ $64, SI
	ADDQ $8, DI
	ADDQ $8, R8
	ADDQ $8, R9
	DECQ CX
	JNZ c5loop

c5done:
	VZEROUPPER
	RET

// COMPRESSED16 writes the 16 bytes of lane n of Z1, widened to dwords
// plus the dwords of Z6, to off(R9).
#define COMPRESSED16(n, off) \
	VEXTRACTI32X4 $n, Z1, X3; VPMOVZXBD X3, Z3; VPADDD Z6, Z3, Z3; VMOVDQU32 Z3, off(R9)

// func flowFlatten512(t []int32, k int, words []uint64) int
//
// AVX-512 VBMI2: a word's bit indexes gathered by one VPCOMPRESSB, with
// no loop per bit; see flowFlattenGo.
TEXT ·flowFlatten512(SB), NOSPLIT, $0-64
	MOVQ t_base+0(FP), DI
	MOVQ k+24(FP), BX
	MOVQ words_base+32(FP), SI
	MOVQ words_len+40(FP), CX
	VMOVDQU8 flowIota<>(SB), Z7
	VPXORD Z6, Z6, Z6 // 64 times the word's index, in each dword
	MOVL $64, AX
	VPBROADCASTD AX, Z5
	TESTQ CX, CX
	JLE f5done

f5loop:
	MOVQ (SI), AX
	POPCNTQ AX, R8
	KMOVQ AX, K1
	VPCOMPRESSB.Z Z7, K1, Z1
	LEAQ (DI)(BX*4), R9
	VPMOVZXBD X1, Z2
	VPADDD Z6, Z2, Z2
	VMOVDQU32 Z2, (R9)
	CMPQ R8, $16
	JLE f5next
	COMPRESSED16(1, 64)
	CMPQ R8, $32
	JLE f5next
	COMPRESSED16(2, 128)
	COMPRESSED16(3, 192)

f5next:
	ADDQ R8, BX
	VPADDD Z5, Z6, Z6
	ADDQ $8, SI
	DECQ CX
	JNZ f5loop

f5done:
	VZEROUPPER
	MOVQ BX, ret+56(FP)
	RET

// flowDigitShuf holds, for n = 1 to 16 at 16(n-1), the PSHUFB mask that
// moves the first n bytes of a register to its last n and zeroes the
// others: a value of n digits right-aligned behind zeros.
DATA flowDigitShuf<>+0(SB)/8, $0x8080808080808080
DATA flowDigitShuf<>+8(SB)/8, $0x0080808080808080
DATA flowDigitShuf<>+16(SB)/8, $0x8080808080808080
DATA flowDigitShuf<>+24(SB)/8, $0x0100808080808080
DATA flowDigitShuf<>+32(SB)/8, $0x8080808080808080
DATA flowDigitShuf<>+40(SB)/8, $0x0201008080808080
DATA flowDigitShuf<>+48(SB)/8, $0x8080808080808080
DATA flowDigitShuf<>+56(SB)/8, $0x0302010080808080
DATA flowDigitShuf<>+64(SB)/8, $0x8080808080808080
DATA flowDigitShuf<>+72(SB)/8, $0x0403020100808080
DATA flowDigitShuf<>+80(SB)/8, $0x8080808080808080
DATA flowDigitShuf<>+88(SB)/8, $0x0504030201008080
DATA flowDigitShuf<>+96(SB)/8, $0x8080808080808080
DATA flowDigitShuf<>+104(SB)/8, $0x0605040302010080
DATA flowDigitShuf<>+112(SB)/8, $0x8080808080808080
DATA flowDigitShuf<>+120(SB)/8, $0x0706050403020100
DATA flowDigitShuf<>+128(SB)/8, $0x0080808080808080
DATA flowDigitShuf<>+136(SB)/8, $0x0807060504030201
DATA flowDigitShuf<>+144(SB)/8, $0x0100808080808080
DATA flowDigitShuf<>+152(SB)/8, $0x0908070605040302
DATA flowDigitShuf<>+160(SB)/8, $0x0201008080808080
DATA flowDigitShuf<>+168(SB)/8, $0x0a09080706050403
DATA flowDigitShuf<>+176(SB)/8, $0x0302010080808080
DATA flowDigitShuf<>+184(SB)/8, $0x0b0a090807060504
DATA flowDigitShuf<>+192(SB)/8, $0x0403020100808080
DATA flowDigitShuf<>+200(SB)/8, $0x0c0b0a0908070605
DATA flowDigitShuf<>+208(SB)/8, $0x0504030201008080
DATA flowDigitShuf<>+216(SB)/8, $0x0d0c0b0a09080706
DATA flowDigitShuf<>+224(SB)/8, $0x0605040302010080
DATA flowDigitShuf<>+232(SB)/8, $0x0e0d0c0b0a090807
DATA flowDigitShuf<>+240(SB)/8, $0x0706050403020100
DATA flowDigitShuf<>+248(SB)/8, $0x0f0e0d0c0b0a0908
GLOBL flowDigitShuf<>(SB), RODATA|NOPTR, $256

// flowDigitConst holds flowSegInts' constants, 16 bytes each: '0'; 118,
// which a digit's value plus 118 (saturated) keeps below 0x80 and any
// other byte's does not; the bytes 10, 1 (pairs of digits); the words
// 100, 1 (of pairs, four digits); the words 10000, 1 (eight digits).
DATA flowDigitConst<>+0(SB)/8, $0x3030303030303030
DATA flowDigitConst<>+8(SB)/8, $0x3030303030303030
DATA flowDigitConst<>+16(SB)/8, $0x7676767676767676
DATA flowDigitConst<>+24(SB)/8, $0x7676767676767676
DATA flowDigitConst<>+32(SB)/8, $0x010a010a010a010a
DATA flowDigitConst<>+40(SB)/8, $0x010a010a010a010a
DATA flowDigitConst<>+48(SB)/8, $0x0001006400010064
DATA flowDigitConst<>+56(SB)/8, $0x0001006400010064
DATA flowDigitConst<>+64(SB)/8, $0x0001271000012710
DATA flowDigitConst<>+72(SB)/8, $0x0001271000012710
GLOBL flowDigitConst<>(SB), RODATA|NOPTR, $80

// flowDigitE8 holds the quadwords 100000000, twice: the first eight
// digits' weight, for VPMULUDQ.
DATA flowDigitE8<>+0(SB)/8, $100000000
DATA flowDigitE8<>+8(SB)/8, $100000000
GLOBL flowDigitE8<>(SB), RODATA|NOPTR, $16

// flowSegInts64x2, flowSegInts64x2W and flowSegInts32x2 (see
// vpcflow_amd64.go) have one body but for the store and the window
// check. Registers: R11 counts from -len(seg) up to 0 and indexes seg
// (SI at its end), v1 (R9 at its end) and v2 (R12 at its end); DI is
// tape from pos1, R13 tape from pos2, R8 b, BX the shuffle masks less 32
// (the mask of n at 16(n+1)). AX, CX, DX, R10 and R14 are scratch.
//
// Per line: the two values' lengths come from the tape; each of 1 to 16
// bytes is loaded as 16, the first to the low lane of Y0 and the second
// to the high one, and both are made numbers as flowSegInts64 makes one,
// in one instruction a step (the steps work within lanes), the last
// (the first eight digits times 10^8 plus the last eight) too. Two "-"
// (a NODATA line's) are nulls: both rows' validity bits cleared, counted
// in nulls, 0 stored. The loop stops at a line with another value (one
// "-", a bad one), one over its maximum, or, with the window check, a
// first value above the second.
#define FLOW_SEG_INTS2(scale, STORE, WCHECK, loop, other, store, stop) \
	MOVQ $0, nulls+216(FP); \
	MOVQ seg_len+152(FP), R11; \
	TESTQ R11, R11; \
	JEQ stop; \
	MOVQ seg_base+144(FP), SI; \
	LEAQ (SI)(R11*4), SI; \
	MOVQ v1_base+0(FP), R9; \
	LEAQ (R9)(R11*scale), R9; \
	MOVQ v2_base+24(FP), R12; \
	LEAQ (R12)(R11*scale), R12; \
	NEGQ R11; \
	MOVQ tape_base+120(FP), DI; \
	MOVQ pos2+176(FP), AX; \
	LEAQ (DI)(AX*4), R13; \
	MOVQ pos1+168(FP), AX; \
	LEAQ (DI)(AX*4), DI; \
	MOVQ b_base+96(FP), R8; \
	LEAQ flowDigitShuf<>(SB), BX; \
	SUBQ $32, BX; \
	VBROADCASTI128 flowDigitConst<>+0(SB), Y8; \
	VBROADCASTI128 flowDigitConst<>+16(SB), Y9; \
	VBROADCASTI128 flowDigitConst<>+32(SB), Y10; \
	VBROADCASTI128 flowDigitConst<>+48(SB), Y11; \
	VBROADCASTI128 flowDigitConst<>+64(SB), Y12; \
	VBROADCASTI128 flowDigitE8<>+0(SB), Y13; \
loop: \
	MOVLQSX (SI)(R11*4), AX; \
	MOVLQSX (DI)(AX*4), DX; \
	MOVLQSX 4(DI)(AX*4), CX; \
	MOVLQSX (R13)(AX*4), R10; \
	MOVLQSX 4(R13)(AX*4), R14; \
	SUBQ DX, CX; \
	SUBQ R10, R14; \
	LEAQ -2(CX), AX; \
	CMPQ AX, $15; \
	JA stop; \
	LEAQ -2(R14), AX; \
	CMPQ AX, $15; \
	JA stop; \
	VMOVDQU 1(R8)(DX*1), X0; \
	VINSERTI128 $1, 1(R8)(R10*1), Y0, Y0; \
	SHLQ $4, CX; \
	SHLQ $4, R14; \
	VMOVDQU (BX)(CX*1), X1; \
	VINSERTI128 $1, (BX)(R14*1), Y1, Y1; \
	VPSUBB Y8, Y0, Y0; \
	VPSHUFB Y1, Y0, Y0; \
	VPADDUSB Y9, Y0, Y1; \
	VPMOVMSKB Y1, AX; \
	TESTL AX, AX; \
	JNE other; \
	VPMADDUBSW Y10, Y0, Y0; \
	VPMADDWD Y11, Y0, Y0; \
	VPACKSSDW Y0, Y0, Y0; \
	VPMADDWD Y12, Y0, Y0; \
	VPMULUDQ Y13, Y0, Y1; \
	VPSRLQ $32, Y0, Y0; \
	VPADDQ Y1, Y0, Y0; \
	VMOVQ X0, AX; \
	VEXTRACTI128 $1, Y0, X1; \
	VMOVQ X1, DX; \
	CMPQ AX, max1+184(FP); \
	JA stop; \
	CMPQ DX, max2+192(FP); \
	JA stop; \
	WCHECK; \
store: \
	STORE AX, (R9)(R11*scale); \
	STORE DX, (R12)(R11*scale); \
	INCQ R11; \
	JNE loop; \
stop: \
	VZEROUPPER; \
	MOVQ seg_len+152(FP), AX; \
	ADDQ R11, AX; \
	MOVQ AX, k+208(FP); \
	RET; \
other: \
	CMPQ CX, $32; \
	JNE stop; \
	CMPQ R14, $32; \
	JNE stop; \
	CMPB 1(R8)(DX*1), $0x2d; \
	JNE stop; \
	CMPB 1(R8)(R10*1), $0x2d; \
	JNE stop; \
	INCQ nulls+216(FP); \
	MOVQ row+200(FP), AX; \
	ADDQ seg_len+152(FP), AX; \
	ADDQ R11, AX; \
	MOVQ AX, CX; \
	SHRQ $3, AX; \
	ANDL $7, CX; \
	MOVQ valid1_base+48(FP), DX; \
	MOVBLZX (DX)(AX*1), R10; \
	BTRL CX, R10; \
	MOVB R10, (DX)(AX*1); \
	MOVQ valid2_base+72(FP), DX; \
	MOVBLZX (DX)(AX*1), R10; \
	BTRL CX, R10; \
	MOVB R10, (DX)(AX*1); \
	XORL AX, AX; \
	XORL DX, DX; \
	JMP store

#define FLOW_NO_WINDOW NOP
#define FLOW_WINDOW CMPQ AX, DX; JA i64wstop


// flowSegInts64 and flowSegInts32 (see vpcflow_amd64.go) have one body
// but for the store. Registers: R11 counts from -len(seg) up to 0 and
// indexes seg (SI at its end) and vals (R9 at its end); DI is tape, R8 b,
// R12 max, R13 the nulls, BX the shuffle masks less 32 (the mask of n at
// 16(n+1)). AX, CX, DX and R10 are scratch.
//
// Per value: its length n+1 comes from the tape; a value of 1 to 16 bytes
// is loaded as 16 bytes, less '0', and PSHUFB right-aligns its digits
// behind zeros; a saturating add flags any byte that is not a digit; the
// multiply-adds make the first eight digits' value and the last eight's,
// joined by one multiply. Anything else (other) is null when it is "-"
// (its validity bit cleared, the value stored as 0) and fails otherwise.
// The macro takes the element scale and store, and the function's labels
// (a macro cannot make its own).
#define FLOW_SEG_INTS(scale, STORE, loop, other, store, done, fail) \
	XORQ R13, R13; \
	MOVQ seg_len+104(FP), R11; \
	TESTQ R11, R11; \
	JEQ done; \
	MOVQ seg_base+96(FP), SI; \
	LEAQ (SI)(R11*4), SI; \
	MOVQ vals_base+0(FP), R9; \
	LEAQ (R9)(R11*scale), R9; \
	NEGQ R11; \
	MOVQ tape_base+72(FP), DI; \
	MOVQ b_base+48(FP), R8; \
	MOVQ max+120(FP), R12; \
	LEAQ flowDigitShuf<>(SB), BX; \
	SUBQ $32, BX; \
	MOVOU flowDigitConst<>+0(SB), X8; \
	MOVOU flowDigitConst<>+16(SB), X9; \
	MOVOU flowDigitConst<>+32(SB), X10; \
	MOVOU flowDigitConst<>+48(SB), X11; \
	MOVOU flowDigitConst<>+64(SB), X12; \
loop: \
	MOVLQSX (SI)(R11*4), AX; \
	MOVLQSX (DI)(AX*4), DX; \
	MOVLQSX 4(DI)(AX*4), CX; \
	SUBQ DX, CX; \
	LEAQ -2(CX), AX; \
	CMPQ AX, $15; \
	JA other; \
	MOVOU 1(R8)(DX*1), X0; \
	SHLQ $4, CX; \
	MOVOU (BX)(CX*1), X1; \
	PSUBB X8, X0; \
	PSHUFB X1, X0; \
	MOVO X0, X1; \
	PADDUSB X9, X1; \
	PMOVMSKB X1, AX; \
	TESTL AX, AX; \
	JNE other; \
	PMADDUBSW X10, X0; \
	PMADDWL X11, X0; \
	PACKSSLW X0, X0; \
	PMADDWL X12, X0; \
	MOVQ X0, AX; \
	MOVL AX, DX; \
	SHRQ $32, AX; \
	IMUL3Q $100000000, DX, DX; \
	ADDQ DX, AX; \
	CMPQ AX, R12; \
	JA other; \
store: \
	STORE AX, (R9)(R11*scale); \
	INCQ R11; \
	JNE loop; \
done: \
	MOVQ R13, nulls+136(FP); \
	MOVB $1, ok+144(FP); \
	RET; \
other: \
	MOVLQSX (SI)(R11*4), AX; \
	MOVLQSX (DI)(AX*4), DX; \
	MOVLQSX 4(DI)(AX*4), CX; \
	SUBQ DX, CX; \
	CMPQ CX, $2; \
	JNE fail; \
	CMPB 1(R8)(DX*1), $0x2d; \
	JNE fail; \
	INCQ R13; \
	MOVQ row+128(FP), AX; \
	ADDQ seg_len+104(FP), AX; \
	ADDQ R11, AX; \
	MOVQ AX, CX; \
	SHRQ $3, AX; \
	ANDL $7, CX; \
	MOVQ valid_base+24(FP), DX; \
	MOVBLZX (DX)(AX*1), R10; \
	BTRL CX, R10; \
	MOVB R10, (DX)(AX*1); \
	XORL AX, AX; \
	JMP store; \
fail: \
	MOVB $0, ok+144(FP); \
	RET

// func flowSegInts64(vals []int64, valid []byte, b []byte, tape []int32, seg []int32, max int64, row int) (nulls int, ok bool)
TEXT ·flowSegInts64(SB), NOSPLIT, $0-145
	FLOW_SEG_INTS(8, MOVQ, i64loop, i64other, i64store, i64done, i64fail)

// func flowSegInts32(vals []int32, valid []byte, b []byte, tape []int32, seg []int32, max int64, row int) (nulls int, ok bool)
TEXT ·flowSegInts32(SB), NOSPLIT, $0-145
	FLOW_SEG_INTS(4, MOVL, i32loop, i32other, i32store, i32done, i32fail)

// func flowSegStrings(data []byte, d int, offs []int32, valid []byte, b []byte, tape []int32, seg []int32, row int) (k, dout, nulls, status int)
//
// SSE2; see vpcflow_amd64.go. Registers: R11 counts from -len(seg) up
// to 0 and indexes seg (SI at its end) and offs (R10 at its end); DI is
// tape, R8 b, R9 data, BX the bytes in data, R12 len(data). AX, CX, DX
// and R13 are scratch; the nulls are counted in their result.
TEXT ·flowSegStrings(SB), NOSPLIT, $0-192
	MOVQ $0, nulls+176(FP)
	MOVQ d+24(FP), BX
	MOVQ seg_len+136(FP), R11
	TESTQ R11, R11
	JEQ sdone
	MOVQ seg_base+128(FP), SI
	LEAQ (SI)(R11*4), SI
	MOVQ offs_base+32(FP), R10
	LEAQ (R10)(R11*4), R10
	NEGQ R11
	MOVQ tape_base+104(FP), DI
	MOVQ b_base+80(FP), R8
	MOVQ data_base+0(FP), R9
	MOVQ data_len+8(FP), R12

sloop:
	MOVLQSX (SI)(R11*4), AX
	MOVLQSX (DI)(AX*4), DX
	MOVLQSX 4(DI)(AX*4), CX
	SUBQ DX, CX          // n+1
	LEAQ 1(R8)(DX*1), DX // the value's first byte
	CMPQ CX, $2
	JBE sshort           // n at most 1

scopy:
	LEAQ 15(BX)(CX*1), AX // d+n+16: room for the last move's 16 bytes
	CMPQ AX, R12
	JA sroom
	MOVOU (DX), X0
	MOVOU X0, (R9)(BX*1)
	CMPQ CX, $17
	JA slong // more than 16 bytes

scopied:
	LEAQ -1(BX)(CX*1), BX // d += n

snext:
	MOVL BX, (R10)(R11*4)
	INCQ R11
	JNE sloop

sdone:
	MOVQ seg_len+136(FP), R11
	MOVQ R11, k+160(FP)
	MOVQ BX, dout+168(FP)
	MOVQ $0, status+184(FP) // flowSegDone
	RET

slong:
	// Slow path: the bytes after the first 16, 16 a move.
	LEAQ 16(R9)(BX*1), AX
	ADDQ $16, DX
	LEAQ -17(CX), R13 // bytes left, more than 0

slongloop:
	MOVOU (DX), X0
	MOVOU X0, (AX)
	ADDQ $16, DX
	ADDQ $16, AX
	SUBQ $16, R13
	JA slongloop
	JMP scopied

sshort:
	CMPQ CX, $2
	JNE sfail // empty
	CMPB (DX), $0x2d
	JNE scopy // one byte, not "-"
	// Slow path: "-" is null.
	INCQ nulls+176(FP)
	MOVQ row+152(FP), AX
	ADDQ seg_len+136(FP), AX
	ADDQ R11, AX // the row
	MOVQ AX, CX
	SHRQ $3, AX
	ANDL $7, CX
	MOVQ valid_base+56(FP), DX
	MOVBLZX (DX)(AX*1), R13
	BTRL CX, R13
	MOVB R13, (DX)(AX*1)
	JMP snext

sroom:
	MOVQ seg_len+136(FP), AX
	ADDQ R11, AX
	MOVQ AX, k+160(FP)
	MOVQ BX, dout+168(FP)
	MOVQ $1, status+184(FP) // flowSegRoom
	RET

sfail:
	MOVQ seg_len+136(FP), AX
	ADDQ R11, AX
	MOVQ AX, k+160(FP)
	MOVQ BX, dout+168(FP)
	MOVQ $2, status+184(FP) // flowSegFail
	RET

// flowKeyMask holds, for n = 1 to 8 at 8(n-1), the mask of a word's first
// n bytes.
DATA flowKeyMask<>+0(SB)/8, $0x00000000000000ff
DATA flowKeyMask<>+8(SB)/8, $0x000000000000ffff
DATA flowKeyMask<>+16(SB)/8, $0x0000000000ffffff
DATA flowKeyMask<>+24(SB)/8, $0x00000000ffffffff
DATA flowKeyMask<>+32(SB)/8, $0x000000ffffffffff
DATA flowKeyMask<>+40(SB)/8, $0x0000ffffffffffff
DATA flowKeyMask<>+48(SB)/8, $0x00ffffffffffffff
DATA flowKeyMask<>+56(SB)/8, $0xffffffffffffffff
GLOBL flowKeyMask<>(SB), RODATA|NOPTR, $64

// func flowSegDict(idx []int32, keys []uint64, klen []uint8, b []byte, tape []int32, seg []int32) int
//
// See vpcflow_amd64.go. Registers: R11 counts from -len(seg) up to 0 and
// indexes seg (SI at its end) and idx (R9 at its end); DI is tape, R8 b,
// R12 keys, R13 klen, BX len(keys), R14 the masks less 16 (the mask of n
// at 8(n+1)). AX, CX, DX and R10 are scratch.
TEXT ·flowSegDict(SB), NOSPLIT, $0-152
	MOVQ seg_len+128(FP), R11
	TESTQ R11, R11
	JEQ ddone
	MOVQ seg_base+120(FP), SI
	LEAQ (SI)(R11*4), SI
	MOVQ idx_base+0(FP), R9
	LEAQ (R9)(R11*4), R9
	NEGQ R11
	MOVQ tape_base+96(FP), DI
	MOVQ b_base+72(FP), R8
	MOVQ keys_base+24(FP), R12
	MOVQ keys_len+32(FP), BX
	MOVQ klen_base+48(FP), R13
	LEAQ flowKeyMask<>(SB), R14
	SUBQ $16, R14

dloop:
	MOVLQSX (SI)(R11*4), AX
	MOVLQSX (DI)(AX*4), DX
	MOVLQSX 4(DI)(AX*4), CX
	SUBQ DX, CX // n+1
	LEAQ -2(CX), AX
	CMPQ AX, $7
	JA dstop // n not 1 to 8
	MOVQ 1(R8)(DX*1), AX
	ANDQ (R14)(CX*8), AX // the value as a word
	DECQ CX              // n
	XORL R10, R10

dkey:
	CMPQ R10, BX
	JAE dstop // no key
	CMPQ AX, (R12)(R10*8)
	JEQ dword

dnextkey:
	INCQ R10
	JMP dkey

dword:
	MOVBLZX (R13)(R10*1), DX
	CMPQ DX, CX
	JNE dnextkey
	MOVL R10, (R9)(R11*4)
	INCQ R11
	JNE dloop

ddone:
	MOVQ seg_len+128(FP), AX
	MOVQ AX, ret+144(FP)
	RET

dstop:
	MOVQ seg_len+128(FP), AX
	ADDQ R11, AX
	MOVQ AX, ret+144(FP)
	RET

// LOCWIN sets AX to the 64 bits of the bitmap at DI from bit BX on (one
// SHRD of the two words they span); CX and R11 are scratch.
#define LOCWIN \
	MOVQ BX, CX; SHRQ $6, CX; MOVQ (DI)(CX*8), AX; MOVQ 8(DI)(CX*8), R11; \
	MOVQ BX, CX; SHRQ CX, R11, AX

// func flowLocateAsm(tape []int32, b []byte, sep []uint64, nls []int32, prev, lim int, masks []uint64, first bool) int
//
// BMI1, BMI2 and POPCNT: see flowLocateGo. Registers: R8 walks nls up to
// nend; DX is the line's newline, R14 the last end found (prev before
// the line's first), BX the base of the window AX (the bits of sep from
// BX on, those of the ends found cleared); R12 counts the ends of a line
// from -len(masks) up to 0, indexing masks back from their end R10 and
// the line's ends on the tape back from R13 (their end), R9 is the mask of the
// end sought. CX and R11 are scratch.
TEXT ·flowLocateAsm(SB), NOSPLIT, $16-152
	MOVQ tape_base+0(FP), R13
	MOVQ b_base+24(FP), SI
	MOVQ sep_base+48(FP), DI
	MOVQ nls_base+72(FP), R8
	MOVQ nls_len+80(FP), R10
	LEAQ (R8)(R10*4), R10
	MOVQ R10, nend-8(SP)
	MOVQ prev+96(FP), R14
	MOVQ masks_base+112(FP), R10
	MOVQ masks_len+120(FP), CX
	LEAQ (R10)(CX*8), R10
	SHLQ $2, CX
	MOVQ CX, mlen4-16(SP)

lline:
	CMPQ R8, nend-8(SP)
	JEQ ldone
	MOVLQSX (R8), DX
	CMPQ DX, lim+104(FP)
	JGE ldone              // past wide, or in a block with a bad byte
	LEAQ 1(R14), BX        // the line's start
	CMPQ DX, BX
	JLE ldone              // empty
	MOVBLZX (SI)(BX*1), CX
	SUBL $0x61, CX
	CMPL CX, $26
	JCS ldone              // a lowercase letter: a header?
	CMPB first+136(FP), $0
	JEQ lwin
	MOVL R14, (R13)        // end -1
	ADDQ $4, R13

lwin:
	ADDQ mlen4-16(SP), R13 // the end of the line's ends
	LOCWIN
	MOVQ masks_len+120(FP), R12
	NEGQ R12

lstep:
	MOVQ (R10)(R12*8), R9

lsel:
	PDEPQ AX, R9, R11      // the end's bit in the window
	TZCNTQ R11, CX
	JCS lnext              // not in it
	LEAQ (BX)(CX*1), R14
	BLSMSKQ R11, R11       // clear the bits up to it
	ANDNQ AX, R11, AX
	MOVL R14, (R13)(R12*4)
	INCQ R12
	JNZ lstep
	CMPQ R14, DX
	JNE ldone              // another field count
	ADDQ $4, R8
	JMP lline

lnext:
	// Fewer than the mask's count of bits in the window: the rest of
	// them in the next 64, unless they start past the newline.
	TZCNTQ R9, CX
	POPCNTQ AX, R11
	SUBQ R11, CX
	MOVL $1, R9
	SHLQ CX, R9
	ADDQ $64, BX
	CMPQ BX, DX
	JGT ldone              // fewer fields
	LOCWIN
	JMP lsel

ldone:
	SUBQ nls_base+72(FP), R8
	SHRQ $2, R8
	MOVQ R8, ret+144(FP)
	RET

// func flowSegFilterAsm(kept, left []int32, b []byte, tape, seg []int32, keys []uint64, lens []int) (nk, nl int, ok bool)
//
// BMI2: see flowSegFilterGo. Registers: R10 walks seg up to R11; DI and
// R8 are where the next kept and left line go; SI is b, R9 tape, R12
// keys, R14 lens, R13 len(keys). AX, BX, CX and DX are scratch.
TEXT ·flowSegFilterAsm(SB), NOSPLIT, $0-185
	MOVQ kept_base+0(FP), DI
	MOVQ left_base+24(FP), R8
	MOVQ b_base+48(FP), SI
	MOVQ tape_base+72(FP), R9
	MOVQ seg_base+96(FP), R10
	MOVQ seg_len+104(FP), R11
	LEAQ (R10)(R11*4), R11
	MOVQ keys_base+120(FP), R12
	MOVQ keys_len+128(FP), R13
	MOVQ lens_base+144(FP), R14

floop:
	CMPQ R10, R11
	JEQ fok
	MOVLQSX (R10), AX       // t
	MOVLQSX 4(R9)(AX*4), DX // to
	MOVLQSX (R9)(AX*4), BX
	INCQ BX                 // from
	SUBQ BX, DX             // the value's length
	JEQ ffail               // empty
	MOVL AX, (DI)           // both lists get the line
	MOVL AX, (R8)
	XORL AX, AX             // kept?
	CMPQ DX, $8
	JA fput
	MOVQ (SI)(BX*1), BX
	LEAQ (DX*8), CX
	BZHIQ CX, BX, BX        // the value as a word
	XORL CX, CX

fkey:
	CMPQ CX, R13
	JEQ fput
	CMPQ BX, (R12)(CX*8)
	JNE fnext
	CMPQ DX, (R14)(CX*8)
	JNE fnext
	MOVL $1, AX

fnext:
	INCQ CX
	JMP fkey

fput:
	LEAQ (DI)(AX*4), DI
	XORL $1, AX
	LEAQ (R8)(AX*4), R8
	ADDQ $4, R10
	JMP floop

fok:
	SUBQ kept_base+0(FP), DI
	SHRQ $2, DI
	MOVQ DI, nk+168(FP)
	SUBQ left_base+24(FP), R8
	SHRQ $2, R8
	MOVQ R8, nl+176(FP)
	MOVB $1, ok+184(FP)
	RET

ffail:
	MOVQ $0, nk+168(FP)
	MOVQ $0, nl+176(FP)
	MOVB $0, ok+184(FP)
	RET

// func flowSegmentAsm(seg []int32, b []byte, nls, tape []int32, c, lim, nf int) (k, after int)
//
// See vpcflow_amd64.go. Registers: BX is k, indexing nls (SI) and seg
// (R9), up to R13 = len(seg); CX is c, DX nf-1, DI tape, R12 len(tape),
// R8 b, R11 lim. AX, R10 and R14 are scratch.
TEXT ·flowSegmentAsm(SB), NOSPLIT, $0-136
	MOVQ seg_base+0(FP), R9
	MOVQ seg_len+8(FP), R13
	MOVQ b_base+24(FP), R8
	MOVQ nls_base+48(FP), SI
	MOVQ tape_base+72(FP), DI
	MOVQ tape_len+80(FP), R12
	MOVQ c+96(FP), CX
	MOVQ lim+104(FP), R11
	MOVQ nf+112(FP), DX
	DECQ DX
	XORL BX, BX

gloop:
	CMPQ BX, R13
	JAE gdone
	MOVLQSX (SI)(BX*4), AX // nl
	CMPQ AX, R11
	JGE gdone              // past wide, or in a block with a bad byte
	LEAQ (CX)(DX*1), R10   // e, where the newline must be
	CMPQ R10, R12
	JAE gdone
	MOVLQSX (DI)(R10*4), R14
	CMPQ R14, AX
	JNE gdone              // another field count
	MOVLQSX -4(DI)(CX*4), R14
	INCQ R14               // the line's start
	CMPQ AX, R14
	JLE gdone              // empty
	MOVBLZX (R8)(R14*1), AX
	SUBL $0x61, AX
	CMPL AX, $26
	JB gdone               // a lowercase letter: a header?
	LEAQ -1(CX), AX
	MOVL AX, (R9)(BX*4)
	LEAQ 1(R10), CX
	INCQ BX
	JMP gloop

gdone:
	MOVQ BX, k+120(FP)
	MOVQ CX, after+128(FP)
	RET

// func flowSegInts64x2(v1, v2 []int64, valid1, valid2 []byte, b []byte, tape []int32, seg []int32, pos1, pos2 int, max1, max2 int64, row int) (k, nulls int)
TEXT ·flowSegInts64x2(SB), NOSPLIT, $0-224
	FLOW_SEG_INTS2(8, MOVQ, FLOW_NO_WINDOW, i64x2loop, i64x2other, i64x2store, i64x2stop)

// func flowSegInts64x2W(v1, v2 []int64, valid1, valid2 []byte, b []byte, tape []int32, seg []int32, pos1, pos2 int, max1, max2 int64, row int) (k, nulls int)
TEXT ·flowSegInts64x2W(SB), NOSPLIT, $0-224
	FLOW_SEG_INTS2(8, MOVQ, FLOW_WINDOW, i64wloop, i64wother, i64wstore, i64wstop)

// func flowSegInts32x2(v1, v2 []int32, valid1, valid2 []byte, b []byte, tape []int32, seg []int32, pos1, pos2 int, max1, max2 int64, row int) (k, nulls int)
TEXT ·flowSegInts32x2(SB), NOSPLIT, $0-224
	FLOW_SEG_INTS2(4, MOVL, FLOW_NO_WINDOW, i32x2loop, i32x2other, i32x2store, i32x2stop)

// func flowClassifyLocateAVX2(b []byte, sep, bad []uint64, nls, tape []int32, tab *flowLocTab) (nnl, ntape, stop int)
//
// AVX2, BMI1, BMI2 and POPCNT: see vpcflow_amd64.go. Registers: SI is b;
// R10 is 8 times the block's index, indexing, in cloop, sep (DI) and bad
// (R9), up to CX; R8 and R13 are where the next newline and end go; R12
// is tab, DX the phase; Y8 and Y9 hold 0x20s and 0x21s. In lloop AX
// holds the block's bytes below 0x20 or above 0x7f (its newlines, if it
// is clean), R11 those and its spaces (not stored: a store a block for
// words few read, flowRun.sepAt), R14 the newlines the phase predicts
// and then the ends to write; BX and R11 are scratch. A block is located
// when those bytes are the predicted newlines, each a newline, and no
// lowercase letter follows one (lnonl: a block with none of those
// bytes, and none predicted); else (lundo, lstop) the locating stops,
// the block's newlines written so far are taken back (those at or past
// its first byte), and the blocks from there are only classified
// (cloop), as flowClassifyNLAVX2's, bad included.
TEXT ·flowClassifyLocateAVX2(SB), NOSPLIT, $0-152
	MOVQ b_base+0(FP), SI
	MOVQ sep_base+24(FP), DI
	MOVQ sep_len+32(FP), CX
	MOVQ nls_base+72(FP), R8
	MOVQ tape_base+96(FP), R13
	MOVQ tab+120(FP), R12
	SHLQ $3, CX
	XORL R10, R10
	XORL DX, DX
	MOVL $0x20, AX
	MOVQ AX, X8
	VPBROADCASTB X8, Y8
	MOVL $0x21, AX
	MOVQ AX, X9
	VPBROADCASTB X9, Y9
	MOVQ CX, BX
	SHLQ $3, BX
	MOVQ BX, stop+144(FP)
	TESTQ CX, CX
	JEQ ldone

lloop:
	VMOVDQU (SI)(R10*8), Y0
	VMOVDQU 32(SI)(R10*8), Y1
	VPCMPGTB Y0, Y8, Y2    // below 0x20 or above 0x7f
	VPCMPGTB Y1, Y8, Y3
	VPCMPGTB Y0, Y9, Y0    // those and spaces: one compare, no VPOR
	VPCMPGTB Y1, Y9, Y1
	VPMOVMSKB Y0, R11
	VPMOVMSKB Y1, BX
	SHLQ $32, BX
	ORQ BX, R11            // spaces and newlines (if clean), not stored
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y3, BX
	SHLQ $32, BX
	ORQ BX, AX             // newlines and bad bytes
	JEQ lnonl              // none (the flags of ORQ)
	MOVQ 2048(R12)(DX*8), R14
	PDEPQ R11, R14, R14    // where the newlines must be
	CMPQ R14, AX
	JNE lstop              // a bad byte, another field count, an empty line
	MOVQ (R12)(DX*8), R14
	PDEPQ R11, R14, R14    // the ends to write
	POPCNTQ R11, R11
	ADDQ R11, DX
	MOVBQZX 4096(R12)(DX*1), DX

lnl:
	TZCNTQ AX, BX
	LEAQ (BX)(R10*8), BX
	CMPB (SI)(BX*1), $0x0a
	JNE lundo              // a bad byte
	MOVL BX, (R8)
	ADDQ $4, R8
	CMPB 1(SI)(BX*1), $0x61
	JCC llower             // maybe a lowercase letter
lnlnext:
	BLSRQ AX, AX
	JNE lnl

	// The ends, as at lkbits (a copy, not a jump there): a newline is an
	// end (the last of bounds is nf-1), so R14 is not 0.
lnlkbits:
	TZCNTQ R14, R11
	LEAQ (R11)(R10*8), R11
	MOVL R11, (R13)
	BLSRQ R14, R14
	JEQ lnlkone
	TZCNTQ R14, BX
	LEAQ (BX)(R10*8), BX
	MOVL BX, 4(R13)
	ADDQ $8, R13
	BLSRQ R14, R14
	JNE lnlkbits
	ADDQ $8, R10
	CMPQ R10, CX
	JNE lloop
	JMP ldone

lnlkone:
	ADDQ $4, R13
	ADDQ $8, R10
	CMPQ R10, CX
	JNE lloop
	JMP ldone

llower:
	CMPB 1(SI)(BX*1), $0x7a
	JLS lundo              // a lowercase letter starts the next line
	JMP lnlnext

lnonl:
	// A block with no newline: none must be predicted.
	MOVQ 2048(R12)(DX*8), R14
	PDEPQ R11, R14, R14
	TESTQ R14, R14
	JNE lstop              // another field count
	MOVQ (R12)(DX*8), R14
	PDEPQ R11, R14, R14    // the ends to write
	POPCNTQ R11, R11
	ADDQ R11, DX
	MOVBQZX 4096(R12)(DX*1), DX
	TESTQ R14, R14
	JEQ lnext

lkbits:
	// Two ends a turn (ends come in pairs: a field's two).
	TZCNTQ R14, R11
	LEAQ (R11)(R10*8), R11
	MOVL R11, (R13)
	BLSRQ R14, R14
	JEQ lkone
	TZCNTQ R14, BX
	LEAQ (BX)(R10*8), BX
	MOVL BX, 4(R13)
	ADDQ $8, R13
	BLSRQ R14, R14
	JNE lkbits

lnext:
	ADDQ $8, R10
	CMPQ R10, CX
	JNE lloop
	JMP ldone

lkone:
	ADDQ $4, R13
	ADDQ $8, R10
	CMPQ R10, CX
	JNE lloop
	JMP ldone

lundo:
	// Take back the block's newlines: those from its first byte on.
	MOVQ nls_base+72(FP), BX
	MOVQ R10, R11
	SHLQ $3, R11

lundo1:
	CMPQ R8, BX
	JEQ lstop
	MOVLQSX -4(R8), DX
	CMPQ DX, R11
	JLT lstop
	SUBQ $4, R8
	JMP lundo1

lstop:
	MOVQ R10, BX
	SHLQ $3, BX
	MOVQ BX, stop+144(FP)
	MOVQ bad_base+48(FP), R9
	LEAQ (SI)(R10*8), SI
	MOVL $0x0a, AX
	MOVQ AX, X10
	VPBROADCASTB X10, Y10

cloop:
	CLASSIFY64_INTO((DI)(R10*1))
	VPMOVMSKB Y4, AX
	MOVQ AX, (R9)(R10*1)
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y3, BX
	SHLQ $32, BX
	ORQ BX, AX
	TESTQ AX, AX
	JEQ cnext

cbits:
	TZCNTQ AX, R11
	LEAQ (R11)(R10*8), R11
	MOVL R11, (R8)
	ADDQ $4, R8
	BLSRQ AX, AX
	JNE cbits

cnext:
	ADDQ $64, SI
	ADDQ $8, R10
	CMPQ R10, CX
	JNE cloop

ldone:
	VZEROUPPER
	SUBQ nls_base+72(FP), R8
	SHRQ $2, R8
	MOVQ R8, nnl+128(FP)
	SUBQ tape_base+96(FP), R13
	SHRQ $2, R13
	MOVQ R13, ntape+136(FP)
	RET

// FLOW_DROP_TEST is the loop head of flowSegDropAsm and flowSegDrop1Asm:
// the next line of seg, AX its t, kept (DI) when its filtered value (ends
// at R12) is the key R13, else on to left; done at the end of seg, fail
// at an empty value. Registers as flowSegDropAsm's; BX and DX clobbered.
#define FLOW_DROP_TEST(loop, done, left, fail) \
	CMPQ R10, R11; \
	JEQ done; \
	MOVLQSX (R10), AX; \
	ADDQ $4, R10; \
	MOVLQSX 4(R12)(AX*4), DX; \
	MOVLQSX (R12)(AX*4), BX; \
	INCQ BX; \
	SUBQ BX, DX; \
	JEQ fail; \
	CMPQ DX, $8; \
	JA left; \
	MOVQ (SI)(BX*1), BX; \
	SHLQ $3, DX; \
	BZHIQ DX, BX, BX; \
	CMPQ BX, R13; \
	JNE left; \
	MOVL AX, (DI); \
	ADDQ $4, DI; \
	JMP loop

// FLOW_DROP_INT checks the value whose ends are at DX of the tape (R9):
// 1 to 16 digits go on to next, "-" to next too, anything else to fail.
// One 16-byte load, less '0', plus 118 saturated: a byte whose high bit
// is then set is not a digit (X14 holds 16 '0's, X15 16 118s). BX, DX
// and the scratch register r clobbered.
#define FLOW_DROP_INT(r, next, fail) \
	MOVLQSX (R9)(DX*4), BX; \
	MOVLQSX 4(R9)(DX*4), DX; \
	INCQ BX; \
	SUBQ BX, DX; \
	JEQ fail; \
	CMPQ DX, $16; \
	JA fail; \
	MOVOU (SI)(BX*1), X0; \
	PSUBB X14, X0; \
	PADDUSB X15, X0; \
	PMOVMSKB X0, r; \
	BZHIL DX, r, r; \
	JEQ next; \
	CMPQ DX, $1; \
	JNE fail; \
	CMPB (SI)(BX*1), $0x2d; \
	JEQ next; \
	JMP fail

// FLOW_DROP_CONSTS sets X14 to 16 '0's and X15 to 16 118s for
// FLOW_DROP_INT (AX clobbered).
#define FLOW_DROP_CONSTS \
	MOVQ $0x3030303030303030, AX; \
	MOVQ AX, X14; \
	PUNPCKLQDQ X14, X14; \
	MOVQ $0x7676767676767676, AX; \
	MOVQ AX, X15; \
	PUNPCKLQDQ X15, X15

// func flowSegDropAsm(kept []int32, b []byte, tape, seg []int32, fpos int, key uint64, texts, ints []int32) (nk int, ok bool)
//
// BMI2 and SSE2: see flowSegDropGo. Registers: R10 walks seg up to R11;
// DI is where the next kept line goes; SI is b, R9 tape, R12 the
// filtered field's ends (tape from fpos), R13 key; AX is the line's t
// (its first entry); CX counts texts or ints down, R8 and R14 are their
// bases; X14 holds 16 '0's, X15 16 118s. BX and DX are scratch, and R8
// in the ints' loop.
TEXT ·flowSegDropAsm(SB), NOSPLIT, $0-169
	MOVQ kept_base+0(FP), DI
	MOVQ b_base+24(FP), SI
	MOVQ tape_base+48(FP), R9
	MOVQ seg_base+72(FP), R10
	MOVQ seg_len+80(FP), R11
	LEAQ (R10)(R11*4), R11
	MOVQ fpos+96(FP), R12
	LEAQ (R9)(R12*4), R12
	MOVQ key+104(FP), R13
	FLOW_DROP_CONSTS
	MOVQ ints_base+136(FP), R14

xloop:
	FLOW_DROP_TEST(xloop, xok, xleft, xfail)

xleft:
	// Left out: the built text fields not empty.
	MOVQ texts_len+120(FP), CX
	TESTQ CX, CX
	JEQ xints
	MOVQ texts_base+112(FP), R8

xtext:
	MOVLQSX -4(R8)(CX*4), DX
	ADDQ AX, DX
	MOVL 4(R9)(DX*4), BX
	SUBL (R9)(DX*4), BX
	CMPL BX, $2
	JLT xfail
	DECQ CX
	JNE xtext

xints:
	// The built integer fields "-" or 1 to 16 digits.
	MOVQ ints_len+144(FP), CX
	TESTQ CX, CX
	JEQ xloop

xint:
	MOVLQSX -4(R14)(CX*4), DX
	ADDQ AX, DX
	FLOW_DROP_INT(R8, xnext, xfail)

xnext:
	DECQ CX
	JNE xint
	JMP xloop

xfail:
	MOVQ $0, nk+160(FP)
	MOVB $0, ok+168(FP)
	RET

xok:
	SUBQ kept_base+0(FP), DI
	SHRQ $2, DI
	MOVQ DI, nk+160(FP)
	MOVB $1, ok+168(FP)
	RET

// func flowSegDrop1Asm(kept []int32, b []byte, tape, seg []int32, fpos int, key uint64, tpos, ipos int) (nk int, ok bool)
//
// flowSegDropAsm for one text field (at tpos) and one integer field (at
// ipos), with no loop over them. Registers as flowSegDropAsm's; R8 is the
// text field's ends (tape from tpos), R14 ipos; CX is scratch.
TEXT ·flowSegDrop1Asm(SB), NOSPLIT, $0-137
	MOVQ kept_base+0(FP), DI
	MOVQ b_base+24(FP), SI
	MOVQ tape_base+48(FP), R9
	MOVQ seg_base+72(FP), R10
	MOVQ seg_len+80(FP), R11
	LEAQ (R10)(R11*4), R11
	MOVQ fpos+96(FP), R12
	LEAQ (R9)(R12*4), R12
	MOVQ key+104(FP), R13
	FLOW_DROP_CONSTS
	MOVQ tpos+112(FP), R8
	LEAQ (R9)(R8*4), R8
	MOVQ ipos+120(FP), R14

yloop:
	FLOW_DROP_TEST(yloop, yok, yleft, yfail)

yleft:
	MOVL 4(R8)(AX*4), BX
	SUBL (R8)(AX*4), BX
	CMPL BX, $2
	JLT yfail
	LEAQ (R14)(AX*1), DX
	FLOW_DROP_INT(CX, yloop, yfail)

yfail:
	MOVQ $0, nk+128(FP)
	MOVB $0, ok+136(FP)
	RET

yok:
	SUBQ kept_base+0(FP), DI
	SHRQ $2, DI
	MOVQ DI, nk+128(FP)
	MOVB $1, ok+136(FP)
	RET
