//go:build amd64 && !purego

#include "textflag.h"

// CHECKSTORE checks and stores the string headers of eight values whose
// start offsets are in Y3 and end offsets in Y4, at out[AX:AX+8] (DI):
// it jumps to ls_fail, before storing anything, unless every end is at
// most len(buf) (Y15) and every start at most its end; then a value's
// length is end-start and its pointer buf+min(start, end-1) (Y12: buf in
// every quadword), so an empty value points at a byte of buf, or is
// buf's own pointer when buf is empty, as in loadStrings' Go loop.
#define CHECKSTORE \
	VPMAXUD Y4, Y15, Y5 \
	VPCMPEQD Y5, Y15, Y5 \
	VPMAXUD Y3, Y4, Y6 \
	VPCMPEQD Y6, Y4, Y6 \
	VPAND Y5, Y6, Y5 \
	VPMOVMSKB Y5, DX \
	CMPL DX, $-1 \
	JNE ls_fail \
	VPSUBD Y3, Y4, Y7 \
	VPADDD Y13, Y4, Y4 \
	VPMINUD Y4, Y3, Y3 \
	MOVQ AX, DX \
	SHLQ $4, DX \
	VPMOVZXDQ X3, Y8 \
	VPADDQ Y12, Y8, Y8 \
	VPMOVZXDQ X7, Y9 \
	VPUNPCKLQDQ Y9, Y8, Y10 \
	VPUNPCKHQDQ Y9, Y8, Y11 \
	VPERM2I128 $0x20, Y11, Y10, Y8 \
	VPERM2I128 $0x31, Y11, Y10, Y9 \
	VMOVDQU Y8, (DI)(DX*1) \
	VMOVDQU Y9, 32(DI)(DX*1) \
	VEXTRACTI128 $1, Y3, X3 \
	VEXTRACTI128 $1, Y7, X7 \
	VPMOVZXDQ X3, Y8 \
	VPADDQ Y12, Y8, Y8 \
	VPMOVZXDQ X7, Y9 \
	VPUNPCKLQDQ Y9, Y8, Y10 \
	VPUNPCKHQDQ Y9, Y8, Y11 \
	VPERM2I128 $0x20, Y11, Y10, Y8 \
	VPERM2I128 $0x31, Y11, Y10, Y9 \
	VMOVDQU Y8, 64(DI)(DX*1) \
	VMOVDQU Y9, 96(DI)(DX*1)

// func loadStringsAsm(out []string, offs []int32, buf []byte, rows []int32) (done int, ok bool)
//
// loadStrings' loop over blocks of eight values (see vec_strings.go):
// done is how many values it stored (a multiple of eight; the Go loop
// takes the rest), ok false when it stopped at a block with a row or
// offset out of range, stored nothing of that block and left it to the
// Go loop, which panics on it. Through rows, a block's rows are checked
// below len(offs)-1 (Y14: that minus one) before its offsets are
// gathered. The wrapper ensures len(offs) < 2^31 and len(buf) < 2^32, and
// without rows len(offs) > len(out).
TEXT ·loadStringsAsm(SB), NOSPLIT, $0-105
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ offs_base+24(FP), SI
	MOVQ offs_len+32(FP), R9
	MOVQ buf_base+48(FP), R8
	MOVQ buf_len+56(FP), R10
	MOVQ rows_base+72(FP), BX
	MOVQ rows_len+80(FP), R11
	XORQ AX, AX
	MOVL R10, X15
	VPBROADCASTD X15, Y15 // len(buf)
	MOVQ R8, X12
	VPBROADCASTQ X12, Y12 // buf
	VPCMPEQD Y13, Y13, Y13 // -1
	TESTQ R11, R11
	JZ   ls_plain
	DECQ R9
	DECQ R9
	MOVL R9, X14
	VPBROADCASTD X14, Y14 // len(offs)-2: the last row allowed

ls_rows:
	LEAQ 8(AX), DX
	CMPQ DX, CX
	JA   ls_done
	VMOVDQU (BX)(AX*4), Y0
	VPMAXUD Y0, Y14, Y1
	VPCMPEQD Y1, Y14, Y1
	VPMOVMSKB Y1, DX
	CMPL DX, $-1
	JNE  ls_fail
	VPCMPEQD Y2, Y2, Y2
	VPGATHERDD Y2, (SI)(Y0*4), Y3
	VPCMPEQD Y2, Y2, Y2
	VPGATHERDD Y2, 4(SI)(Y0*4), Y4
	CHECKSTORE
	ADDQ $8, AX
	JMP  ls_rows

ls_plain:
	LEAQ 8(AX), DX
	CMPQ DX, CX
	JA   ls_done
	VMOVDQU (SI)(AX*4), Y3
	VMOVDQU 4(SI)(AX*4), Y4
	CHECKSTORE
	ADDQ $8, AX
	JMP  ls_plain

ls_done:
	VZEROUPPER
	MOVQ AX, done+96(FP)
	MOVB $1, ok+104(FP)
	RET

ls_fail:
	VZEROUPPER
	MOVQ AX, done+96(FP)
	MOVB $0, ok+104(FP)
	RET
