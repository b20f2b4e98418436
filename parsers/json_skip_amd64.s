#include "textflag.h"

// func blockMasksAVX2(p *[64]byte) (quote, bslash, brk, ctl uint64)
//
// Bit k of each result is set when p[k] is: '"'; '\\'; one of '[', ']',
// '{', '}'; a control character (below 0x20).
TEXT ·blockMasksAVX2(SB), NOSPLIT, $0-40
	MOVQ p+0(FP), SI
	VMOVDQU 0(SI), Y0
	VMOVDQU 32(SI), Y1

	MOVL $0x22, AX
	MOVD AX, X2
	VPBROADCASTB X2, Y2 // '"'
	MOVL $0x5c, AX
	MOVD AX, X3
	VPBROADCASTB X3, Y3 // '\\'
	MOVL $0x20, AX
	MOVD AX, X4
	VPBROADCASTB X4, Y4 // 0x20: x|0x20 maps '[' ']' onto '{' '}'
	MOVL $0x7b, AX
	MOVD AX, X5
	VPBROADCASTB X5, Y5 // '{'
	MOVL $0x7d, AX
	MOVD AX, X6
	VPBROADCASTB X6, Y6 // '}'
	MOVL $0x1f, AX
	MOVD AX, X7
	VPBROADCASTB X7, Y7 // 0x1f: max(x, 0x1f) == 0x1f for controls

	// Bytes 32-63 into the high halves.
	VPCMPEQB Y2, Y1, Y8
	VPMOVMSKB Y8, R8
	VPCMPEQB Y3, Y1, Y9
	VPMOVMSKB Y9, R9
	VPOR Y4, Y1, Y10
	VPCMPEQB Y5, Y10, Y11
	VPCMPEQB Y6, Y10, Y10
	VPOR Y10, Y11, Y11
	VPMOVMSKB Y11, R10
	VPMAXUB Y7, Y1, Y12
	VPCMPEQB Y7, Y12, Y12
	VPMOVMSKB Y12, R11
	SHLQ $32, R8
	SHLQ $32, R9
	SHLQ $32, R10
	SHLQ $32, R11

	// Bytes 0-31.
	VPCMPEQB Y2, Y0, Y8
	VPMOVMSKB Y8, AX
	VPCMPEQB Y3, Y0, Y9
	VPMOVMSKB Y9, BX
	VPOR Y4, Y0, Y10
	VPCMPEQB Y5, Y10, Y11
	VPCMPEQB Y6, Y10, Y10
	VPOR Y10, Y11, Y11
	VPMOVMSKB Y11, CX
	VPMAXUB Y7, Y0, Y12
	VPCMPEQB Y7, Y12, Y12
	VPMOVMSKB Y12, DX
	VZEROUPPER

	ORQ AX, R8
	ORQ BX, R9
	ORQ CX, R10
	ORQ DX, R11
	MOVQ R8, quote+8(FP)
	MOVQ R9, bslash+16(FP)
	MOVQ R10, brk+24(FP)
	MOVQ R11, ctl+32(FP)
	RET
