//go:build amd64 && !purego

#include "textflag.h"

// func prefetchIdx(base unsafe.Pointer, stride uintptr, idx []uint32)
TEXT ·prefetchIdx(SB), NOSPLIT, $0-40
	MOVQ base+0(FP), AX
	MOVQ stride+8(FP), BX
	MOVQ idx_base+16(FP), SI
	MOVQ idx_len+24(FP), CX
	TESTQ CX, CX
	JZ done

loop:
	MOVLQZX (SI), DX
	IMULQ BX, DX
	PREFETCHT0 (AX)(DX*1)
	ADDQ $4, SI
	DECQ CX
	JNZ loop

done:
	RET
