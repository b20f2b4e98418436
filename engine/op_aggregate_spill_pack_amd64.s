//go:build amd64 && !purego

#include "textflag.h"

// Constants of spillPackRunAsm: 16 × '.', 16 × ('9' - '.'), 16 × 0x0f
// (a byte's low nibble), and 1, 16 repeated (PMADDUBSW: a pair of
// nibbles as one byte, the second high).
DATA packDots<>+0(SB)/8, $0x2e2e2e2e2e2e2e2e
DATA packDots<>+8(SB)/8, $0x2e2e2e2e2e2e2e2e
GLOBL packDots<>(SB), RODATA|NOPTR, $16
DATA packSpan<>+0(SB)/8, $0x0b0b0b0b0b0b0b0b
DATA packSpan<>+8(SB)/8, $0x0b0b0b0b0b0b0b0b
GLOBL packSpan<>(SB), RODATA|NOPTR, $16
DATA packLows<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA packLows<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL packLows<>(SB), RODATA|NOPTR, $16
DATA packPair<>+0(SB)/8, $0x1001100110011001
DATA packPair<>+8(SB)/8, $0x1001100110011001
GLOBL packPair<>(SB), RODATA|NOPTR, $16

// func spillPackRunAsm(dst []byte, strs []string, sel []int32) (k, n int)
//
// spillPackRunGo's loop: the same values, bytes and stops. A value's 4
// to 16 bytes are two 8-byte words (or two 4-byte loads that overlap)
// as spillPackRunGo loads them, one XMM register; its bytes are tested
// against ['.', '9'] 16 at a time (the lanes past its length masked
// off) and its nibbles joined pairwise by PMADDUBSW and PACKUSWB.
TEXT ·spillPackRunAsm(SB), NOSPLIT, $0-88
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), R8
	MOVQ strs_base+24(FP), SI
	MOVQ strs_len+32(FP), DX
	MOVQ sel_base+48(FP), BX
	MOVQ sel_len+56(FP), R15
	XORQ R9, R9   // n: bytes written
	XORQ R10, R10 // k: rows written
	MOVOU packDots<>(SB), X6
	MOVOU packSpan<>(SB), X7
	MOVOU packLows<>(SB), X5
	MOVOU packPair<>(SB), X4

loop:
	CMPQ R10, R15
	JGE  done
	MOVLQSX (BX)(R10*4), AX
	CMPQ AX, DX
	JAE  done // a row out of strs (or negative): the Go path panics
	SHLQ $4, AX
	MOVQ (SI)(AX*1), R11  // the string's bytes
	MOVQ 8(SI)(AX*1), R12 // its length l
	LEAQ -4(R12), AX
	CMPQ AX, $12
	JA   done // l < 4 or l > 16
	MOVQ R8, AX
	SUBQ R9, AX
	CMPQ AX, $9
	JLT  done // no room for 9 bytes
	CMPQ R12, $8
	JLT  short

	// l >= 8: bytes 0-7, then bytes 8 to l-1 (at l = 8 the shift is
	// 64, masked to 0: bytes 0-7 again, their lanes masked off below).
	MOVQ (R11), R13
	MOVQ -8(R11)(R12*1), R14
	MOVQ $16, CX
	SUBQ R12, CX
	SHLQ $3, CX
	SHRQ CX, R14
	JMP  check

short:
	// 4 <= l < 8: two 4-byte loads that overlap.
	MOVL (R11), R13
	MOVL -4(R11)(R12*1), R14
	LEAQ -4(R12), CX
	SHLQ $3, CX
	SHLQ CX, R14
	ORQ  R14, R13
	XORL R14, R14

check:
	MOVQ       R13, X0
	MOVQ       R14, X1
	PUNPCKLQDQ X1, X0
	MOVOU      X0, X1
	PSUBB      X6, X1
	MOVOU      X1, X2
	PMINUB     X7, X2
	PCMPEQB    X2, X1 // 0xff: a byte in ['.', '9']
	PMOVMSKB   X1, AX
	NOTL       AX
	MOVQ       R12, CX
	MOVL       $1, R11
	SHLL       CX, R11
	DECL       R11 // lanes 0 to l-1
	TESTL      R11, AX
	JNZ        done // a byte that does not pack

	PAND      X5, X0
	PMADDUBSW X4, X0
	PACKUSWB  X0, X0
	LEAQ      1(R12)(R12*1), AX
	MOVB      AX, (DI)(R9*1)
	MOVQ      X0, 1(DI)(R9*1)
	LEAQ      1(R12), AX
	SHRQ      $1, AX
	LEAQ      1(R9)(AX*1), R9
	INCQ      R10
	JMP       loop

done:
	MOVQ R10, k+72(FP)
	MOVQ R9, n+80(FP)
	RET
