#include "textflag.h"

// func indexBlocksAVX2(p *byte, n int, quote, brk *uint64, c *idxCarry) int
//
// For each 64-byte block from p, as indexBlocksGo: the quotes that are not
// escaped into quote[k], the brackets outside strings into brk[k], the
// lexer state carried in c (inStr, esc); it stops before a block with a
// backslash outside a string or an unescaped control character inside
// one, and returns the blocks built.
//
// Registers in the loop: SI the block, CX blocks left, DI and R8 the
// outputs, R12 inStr, R13 esc (the carries), X8 all ones (for the
// carry-less multiply that is the prefix XOR), Y2-Y7 the byte constants.
TEXT ·indexBlocksAVX2(SB), NOSPLIT, $8-48
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ quote+16(FP), DI
	MOVQ brk+24(FP), R8
	MOVQ c+32(FP), R9
	MOVQ 0(R9), R12
	MOVQ 8(R9), R13

	MOVQ $-1, AX
	MOVQ AX, X8
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

loop:
	TESTQ CX, CX
	JZ done
	VMOVDQU 0(SI), Y0
	VMOVDQU 32(SI), Y1

	// AX = quotes
	VPCMPEQB Y2, Y0, Y9
	VPCMPEQB Y2, Y1, Y10
	VPMOVMSKB Y9, AX
	VPMOVMSKB Y10, BX
	SHLQ $32, BX
	ORQ BX, AX

	// DX = backslashes
	VPCMPEQB Y3, Y0, Y9
	VPCMPEQB Y3, Y1, Y10
	VPMOVMSKB Y9, DX
	VPMOVMSKB Y10, BX
	SHLQ $32, BX
	ORQ BX, DX

	// R10 = brackets
	VPOR Y4, Y0, Y9
	VPOR Y4, Y1, Y10
	VPCMPEQB Y5, Y9, Y11
	VPCMPEQB Y6, Y9, Y9
	VPOR Y9, Y11, Y9
	VPCMPEQB Y5, Y10, Y11
	VPCMPEQB Y6, Y10, Y10
	VPOR Y10, Y11, Y10
	VPMOVMSKB Y9, R10
	VPMOVMSKB Y10, BX
	SHLQ $32, BX
	ORQ BX, R10

	// R11 = control characters
	VPMAXUB Y7, Y0, Y9
	VPMAXUB Y7, Y1, Y10
	VPCMPEQB Y7, Y9, Y9
	VPCMPEQB Y7, Y10, Y10
	VPMOVMSKB Y9, R11
	VPMOVMSKB Y10, BX
	SHLQ $32, BX
	ORQ BX, R11

	// Escapes: R9 the escaped bytes, BX the next carry (both 0
	// without a backslash or an incoming carry).
	MOVQ DX, BX
	ORQ R13, BX
	JNZ escapes
	XORQ R9, R9

unescaped:
	MOVQ AX, 0(DI) // stored even for a bad block, which is not counted

	// AX = s, the bytes inside strings: the prefix XOR of the quotes,
	// flipped when the block starts inside a string.
	MOVQ AX, X9
	PCLMULQDQ $0x00, X8, X9
	MOVQ X9, AX
	XORQ R12, AX

	// A backslash outside a string, or a control character inside one
	// that is not escaped: stop before this block.
	ANDNQ DX, AX, DX   // DX = bs &^ s
	ANDQ AX, R11       // R11 = ctl & s
	ANDNQ R11, R9, R11 // R11 = ctl & s &^ esc
	ORQ DX, R11
	JNZ done

	ANDNQ R10, AX, R10 // brackets outside strings
	MOVQ R10, 0(R8)
	SARQ $63, AX
	MOVQ AX, R12
	MOVQ BX, R13
	ADDQ $64, SI
	ADDQ $8, DI
	ADDQ $8, R8
	DECQ CX
	JMP loop

escapes:
	// escapedBits: potential = bs &^ carry; code = ((potential<<1 |
	// odd) - potential) ^ odd; escaped = code ^ (bs | carry); next =
	// (code & bs) >> 63.
	MOVQ R10, 0(SP)
	ANDNQ DX, R13, R9 // R9 = potential
	MOVQ $0xaaaaaaaaaaaaaaaa, BX
	LEAQ (R9)(R9*1), R10
	ORQ BX, R10
	SUBQ R9, R10
	XORQ BX, R10      // R10 = code
	MOVQ DX, R9
	ORQ R13, R9
	XORQ R10, R9      // R9 = escaped
	ANDQ DX, R10
	SHRQ $63, R10
	MOVQ R10, BX      // BX = next carry
	ANDNQ AX, R9, AX  // quotes &^ escaped
	MOVQ 0(SP), R10
	JMP unescaped

done:
	MOVQ c+32(FP), R9
	MOVQ R12, 0(R9)
	MOVQ R13, 8(R9)
	MOVQ n+8(FP), AX
	SUBQ CX, AX
	MOVQ AX, ret+40(FP)
	VZEROUPPER
	RET
