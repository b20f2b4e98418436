//go:build amd64 && !purego

#include "textflag.h"

// func inInt64Asm(b []bool, xs []int64, c0, c1, c2 int64, tab *[256]uint64) int
//
// Sets b[i] to whether xs[i] is c0, c1 or c2, for the first len(xs) &^ 7
// values (returned): eight values a step, their three VPCMPEQQs ORed, the
// eight results' signs (two VMOVMSKPDs) one byte whose eight bools
// tab holds, stored as one word. b has room for len(xs).
TEXT ·inInt64Asm(SB), NOSPLIT, $0-88
	MOVQ b_base+0(FP), DI
	MOVQ xs_base+24(FP), SI
	MOVQ xs_len+32(FP), CX
	MOVQ tab+72(FP), R9
	VPBROADCASTQ c0+48(FP), Y10
	VPBROADCASTQ c1+56(FP), Y11
	VPBROADCASTQ c2+64(FP), Y12
	ANDQ $-8, CX
	XORQ AX, AX

in_block:
	CMPQ AX, CX
	JAE  in_done
	VMOVDQU (SI)(AX*8), Y0
	VMOVDQU 32(SI)(AX*8), Y1
	VPCMPEQQ Y0, Y10, Y2
	VPCMPEQQ Y0, Y11, Y3
	VPOR Y3, Y2, Y2
	VPCMPEQQ Y0, Y12, Y3
	VPOR Y3, Y2, Y2
	VPCMPEQQ Y1, Y10, Y4
	VPCMPEQQ Y1, Y11, Y5
	VPOR Y5, Y4, Y4
	VPCMPEQQ Y1, Y12, Y5
	VPOR Y5, Y4, Y4
	VMOVMSKPD Y2, DX
	VMOVMSKPD Y4, R8
	SHLL $4, R8
	ORL  R8, DX
	MOVQ (R9)(DX*8), DX
	MOVQ DX, (DI)(AX*1)
	ADDQ $8, AX
	JMP  in_block

in_done:
	VZEROUPPER
	MOVQ CX, ret+80(FP)
	RET
