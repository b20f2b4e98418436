//go:build amd64 && !purego

#include "textflag.h"

// SB_EMIT8 writes the rows of the low byte of BX's mask (eight rows from
// Y7's) at (DI)(DX*4) through the table at R10, counts them into DX,
// advances Y7 by eight and shifts BX to the next byte.
#define SB_EMIT8 \
	MOVBLZX BL, R12; POPCNTL R12, R13; SHLQ $5, R12; \
	VPADDD (R10)(R12*1), Y7, Y1; VMOVDQU Y1, (DI)(DX*4); \
	ADDQ R13, DX; VPADDD Y8, Y7, Y7; SHRL $8, BX

// func selectBoolsAsm(sel []int32, b []bool, null []bool, tab *[256][8]int32) int
//
// selectBools over the first len(b) &^ 31 rows (see op_select_amd64.go):
// 32 bools (and NULL flags, when null is not empty) a load, their TRUE
// rows as a 32-bit mask (VPMOVMSKB of the bytes shifted left by 7); a
// block with none costs those few instructions; otherwise each eight
// rows store their selected positions, tab[mask byte] plus the first
// row's, as eight int32s at sel[k] (those past the selected ones are
// overwritten by later rows or cut off: k <= the rows' first, so they
// stay within sel[:len(b)]), and k grows by the byte's ones.
TEXT ·selectBoolsAsm(SB), NOSPLIT, $0-88
	MOVQ sel_base+0(FP), DI
	MOVQ b_base+24(FP), SI
	MOVQ b_len+32(FP), CX
	MOVQ null_base+48(FP), R8
	MOVQ null_len+56(FP), R9
	MOVQ tab+72(FP), R10
	ANDQ $-32, CX
	XORQ AX, AX // row
	XORQ DX, DX // k
	VPXOR Y7, Y7, Y7 // the eight rows' first, in every lane
	MOVL $8, R11
	MOVL R11, X8
	VPBROADCASTD X8, Y8 // 8 in every lane
	MOVL $32, R11
	MOVL R11, X9
	VPBROADCASTD X9, Y9 // 32 in every lane

sb_block:
	CMPQ AX, CX
	JAE  sb_done
	VMOVDQU (SI)(AX*1), Y0
	TESTQ R9, R9
	JZ   sb_mask
	VMOVDQU (R8)(AX*1), Y1
	VPANDN Y0, Y1, Y0 // b &^ null

sb_mask:
	VPSLLW $7, Y0, Y0
	VPMOVMSKB Y0, BX
	ADDQ $32, AX
	TESTL BX, BX
	JNZ  sb_rows
	VPADDD Y9, Y7, Y7
	JMP  sb_block

sb_rows:
	SB_EMIT8
	SB_EMIT8
	SB_EMIT8
	POPCNTL BX, R13
	SHLQ $5, BX
	VPADDD (R10)(BX*1), Y7, Y1
	VMOVDQU Y1, (DI)(DX*4)
	ADDQ R13, DX
	VPADDD Y8, Y7, Y7
	JMP  sb_block

sb_done:
	VZEROUPPER
	MOVQ DX, ret+80(FP)
	RET
