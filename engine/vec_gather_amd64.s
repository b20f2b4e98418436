//go:build amd64 && !purego

#include "textflag.h"

// The gathers of vec_gather_amd64.go. Each takes rows its Go wrapper has
// checked (rowsBelowAsm: every row below len(src), and len(src) below
// 2^31, so the gathers' sign-extended dword indexes are the rows), and
// dst of at least len(rows) values. Blocks of eight rows go through
// VPGATHERDD (whose mask it consumes, so it is set to all ones again),
// the rest one at a time.

// func rowsBelowAsm(rows []int32, n int) bool
//
// Reports whether every row, as an unsigned number, is below n; rows
// has at least eight.
TEXT ·rowsBelowAsm(SB), NOSPLIT, $0-33
	MOVQ rows_base+0(FP), SI
	MOVQ rows_len+8(FP), CX
	VPXOR Y0, Y0, Y0
	XORQ AX, AX
	LEAQ -8(CX), DX // the last block starts at or before DX

below_block:
	VPMAXUD (SI)(AX*4), Y0, Y0
	ADDQ $8, AX
	CMPQ AX, DX
	JBE  below_block
	VPMAXUD (SI)(DX*4), Y0, Y0 // the last eight rows (they may overlap)
	VEXTRACTI128 $1, Y0, X1
	VPMAXUD X1, X0, X0
	VPSHUFD $0x4e, X0, X1
	VPMAXUD X1, X0, X0
	VPSHUFD $0xb1, X0, X1
	VPMAXUD X1, X0, X0
	VMOVD X0, AX // the largest row, zero-extended
	VZEROUPPER
	CMPQ AX, n+24(FP)
	SETCS ret+32(FP)
	RET

// func gatherInt32Asm(dst []int32, src []int32, rows []int32)
TEXT ·gatherInt32Asm(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ rows_base+48(FP), BX
	MOVQ rows_len+56(FP), CX
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-16, DX
	JZ   g32_tail

g32_block:
	VPCMPEQD Y1, Y1, Y1
	VPCMPEQD Y3, Y3, Y3
	VMOVDQU  (BX)(AX*4), Y0
	VMOVDQU  32(BX)(AX*4), Y2
	VPGATHERDD Y1, (SI)(Y0*4), Y4
	VPGATHERDD Y3, (SI)(Y2*4), Y5
	VMOVDQU  Y4, (DI)(AX*4)
	VMOVDQU  Y5, 32(DI)(AX*4)
	ADDQ $16, AX
	CMPQ AX, DX
	JB   g32_block

g32_tail:
	CMPQ AX, CX
	JAE  g32_done
	MOVLQSX (BX)(AX*4), R8
	MOVL (SI)(R8*4), R9
	MOVL R9, (DI)(AX*4)
	INCQ AX
	JMP  g32_tail

g32_done:
	VZEROUPPER
	RET

// func gatherWidenAsm(dst []int64, src []int32, rows []int32)
//
// dst[j] = int64(src[rows[j]]).
TEXT ·gatherWidenAsm(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ rows_base+48(FP), BX
	MOVQ rows_len+56(FP), CX
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX
	JZ   gw_tail

gw_block:
	VPCMPEQD Y1, Y1, Y1
	VMOVDQU  (BX)(AX*4), Y0
	VPGATHERDD Y1, (SI)(Y0*4), Y4
	VEXTRACTI128 $1, Y4, X5
	VPMOVSXDQ X4, Y6
	VPMOVSXDQ X5, Y7
	VMOVDQU  Y6, (DI)(AX*8)
	VMOVDQU  Y7, 32(DI)(AX*8)
	ADDQ $8, AX
	CMPQ AX, DX
	JB   gw_block

gw_tail:
	CMPQ AX, CX
	JAE  gw_done
	MOVLQSX (BX)(AX*4), R8
	MOVLQSX (SI)(R8*4), R9
	MOVQ R9, (DI)(AX*8)
	INCQ AX
	JMP  gw_tail

gw_done:
	VZEROUPPER
	RET

// func widenAsm(dst []int64, src []int32)
//
// dst[j] = int64(src[j]) for j below len(dst) (len(src) >= len(dst)).
TEXT ·widenAsm(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX
	JZ   w_tail

w_block:
	VPMOVSXDQ (SI)(AX*4), Y0
	VPMOVSXDQ 16(SI)(AX*4), Y1
	VMOVDQU  Y0, (DI)(AX*8)
	VMOVDQU  Y1, 32(DI)(AX*8)
	ADDQ $8, AX
	CMPQ AX, DX
	JB   w_block

w_tail:
	CMPQ AX, CX
	JAE  w_done
	MOVLQSX (SI)(AX*4), R9
	MOVQ R9, (DI)(AX*8)
	INCQ AX
	JMP  w_tail

w_done:
	VZEROUPPER
	RET
