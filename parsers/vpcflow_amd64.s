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
