#include "textflag.h"
#include "go_asm.h"

// The bytes the scanners compare, each broadcast from memory in one
// instruction: '"', '\\', 0x1f (the controls' bound), 0x20, '{', '}',
// 0x26 and 0x7f (x|0x26 == 0x7f for the four brackets).
DATA stopBytes<>+0(SB)/1, $0x22
DATA stopBytes<>+1(SB)/1, $0x5c
DATA stopBytes<>+2(SB)/1, $0x1f
DATA stopBytes<>+3(SB)/1, $0x20
DATA stopBytes<>+4(SB)/1, $0x7b
DATA stopBytes<>+5(SB)/1, $0x7d
DATA stopBytes<>+6(SB)/1, $0x26
DATA stopBytes<>+7(SB)/1, $0x7f
GLOBL stopBytes<>(SB), RODATA|NOPTR, $8

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

// MASK64 sets bit i of dst where byte i of the 64-byte block in Y0:Y1
// equals the byte broadcast in Yc (CX, Y8 and Y9 are scratch).
#define MASK64(Yc, dst) \
	VPCMPEQB Yc, Y0, Y8; \
	VPMOVMSKB Y8, dst; \
	VPCMPEQB Yc, Y1, Y9; \
	VPMOVMSKB Y9, CX; \
	SHLQ $32, CX; \
	ORQ  CX, dst

// ESCAPES resolves the escapes of the block whose backslashes are BX,
// with R10 the escape carried into it (0 or 1): R12 the escaped bytes
// (escaped = code ^ (bs | carry), code from the odd-length backslash
// runs starting at potential = bs &^ carry) and R13 the carry out (CX
// scratch).
#define ESCAPES \
	MOVQ R10, CX; \
	NOTQ CX; \
	ANDQ BX, CX; \
	MOVQ CX, R13; \
	SHLQ $1, R13; \
	MOVQ $0xaaaaaaaaaaaaaaaa, R12; \
	ORQ  R12, R13; \
	SUBQ CX, R13; \
	XORQ R12, R13; \
	MOVQ BX, R12; \
	ORQ  R10, R12; \
	XORQ R13, R12; \
	ANDQ BX, R13; \
	SHRQ $63, R13

// INSTRING turns the quotes AX into the bytes inside strings, opening
// quotes included: their prefix XOR (carry-less multiply by all ones in
// X11), flipped by R11 (all ones when a string is open at the block's
// start).
#define INSTRING \
	VMOVQ AX, X10; \
	VPCLMULQDQ $0, X11, X10, X10; \
	VMOVQ X10, AX; \
	XORQ R11, AX

// CTL64 sets CX to the control bytes (below 0x20: Y7 holds 0x1f) of the
// block in Y0:Y1 (R13, Y8 and Y9 are scratch).
#define CTL64 \
	VPMAXUB Y7, Y0, Y8; \
	VPCMPEQB Y7, Y8, Y8; \
	VPMOVMSKB Y8, CX; \
	VPMAXUB Y7, Y1, Y9; \
	VPCMPEQB Y7, Y9, Y9; \
	VPMOVMSKB Y9, R13; \
	SHLQ $32, R13; \
	ORQ  R13, CX

// func skipBlocksAVX2(b []byte, j int, st *blockState) (k, status int)
//
// skipContainerBlocks' loop over whole blocks from b[j]: escapes resolved
// as escapedBits does, the quotes' prefix XOR by a carry-less multiply,
// and the brackets outside strings matched on st's stack. It stops at the
// first block with a backslash outside a string or a control character
// in one (blocksSlow, k = that block), at fewer than 64 bytes left
// (blocksEnd, k = j), at the container's end (blocksDone, k = after it),
// or at an error (blocksTooDeep, blocksMismatch: k = the bracket; st.n
// then as skipContainerBlocks has it there). st.n, st.inStr and
// st.escCarry are those before block k.
//
// Registers: SI b, DX len(b), DI j, R8 st, R9 st.n, R10 the escape carry
// into the block, R11 st.inStr; per block AX the quotes then s, BX the
// backslashes, CX the brackets, R12 the escaped bytes then k, R13 c.
TEXT ·skipBlocksAVX2(SB), NOSPLIT, $0-56
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), DX
	MOVQ j+24(FP), DI
	MOVQ st+32(FP), R8
	MOVQ blockState_n(R8), R9
	MOVQ blockState_escCarry(R8), R10
	MOVQ blockState_inStr(R8), R11

	// The bytes compared, each broadcast from memory in one instruction
	// (per call: a container is a few blocks).
	VPBROADCASTB stopBytes<>+0(SB), Y2 // '"'
	VPBROADCASTB stopBytes<>+1(SB), Y3 // '\\'
	VPBROADCASTB stopBytes<>+3(SB), Y4 // 0x20: x|0x20 maps '[' ']' onto '{' '}'
	VPBROADCASTB stopBytes<>+4(SB), Y5 // '{'
	VPBROADCASTB stopBytes<>+5(SB), Y6 // '}'
	VPBROADCASTB stopBytes<>+2(SB), Y7 // 0x1f: max(x, 0x1f) == 0x1f for controls
	VPCMPEQQ X11, X11, X11 // all ones, the prefix XOR's multiplier

block:
	LEAQ 64(DI), AX
	CMPQ AX, DX
	JGT  end
	VMOVDQU 0(SI)(DI*1), Y0
	VMOVDQU 32(SI)(DI*1), Y1

	// Quotes (AX) and backslashes (BX).
	MASK64(Y2, AX)
	MASK64(Y3, BX)

	// Escaped bytes (R12) and the carry out of the block (st.carryOut),
	// as escapedBits: escaped quotes are not quotes.
	XORQ R12, R12
	MOVQ $0, blockState_carryOut(R8)
	MOVQ BX, CX
	ORQ  R10, CX
	JZ   quotes
	ESCAPES
	MOVQ R13, blockState_carryOut(R8)
	MOVQ R12, CX
	NOTQ CX
	ANDQ CX, AX // q &^= escaped

quotes:
	// s: the bytes inside strings, opening quotes included.
	INSTRING

	// A backslash outside a string, or a control character in one (not
	// escaped): the block is skipContainerBlocks'.
	MOVQ AX, CX
	NOTQ CX
	ANDQ CX, BX // bs &^ s
	CTL64
	ANDQ AX, CX
	NOTQ R12
	ANDQ R12, CX // ctl & s &^ escaped
	ORQ  CX, BX
	JNZ  slow

	// The brackets outside strings.
	VPOR Y4, Y0, Y8
	VPCMPEQB Y5, Y8, Y9
	VPCMPEQB Y6, Y8, Y8
	VPOR Y8, Y9, Y9
	VPMOVMSKB Y9, CX
	VPOR Y4, Y1, Y8
	VPCMPEQB Y5, Y8, Y10
	VPCMPEQB Y6, Y8, Y8
	VPOR Y8, Y10, Y10
	VPMOVMSKB Y10, BX
	SHLQ $32, BX
	ORQ  BX, CX
	MOVQ AX, BX
	NOTQ BX
	ANDQ BX, CX

bracket:
	TESTQ CX, CX
	JZ    next
	BSFQ  CX, BX
	LEAQ  (DI)(BX*1), R12 // k
	MOVBQZX (SI)(R12*1), R13
	LEAQ  -1(CX), BX
	ANDQ  BX, CX
	TESTQ $2, R13 // '{' and '[' have bit 1 set, '}' and ']' clear
	JZ    close
	CMPQ  R9, blockState_room(R8)
	JGE   toodeep
	MOVB  R13, (R8)(R9*1)
	INCQ  R9
	JMP   bracket

close:
	DECQ    R9
	MOVBQZX (R8)(R9*1), BX
	ADDQ    $2, BX // '{'+2 == '}', '['+2 == ']'
	CMPQ    BX, R13
	JNE     mismatch
	TESTQ   R9, R9
	JNZ     bracket
	INCQ    R12
	MOVQ    $0, AX // blocksDone
	JMP     ret

next:
	SARQ $63, AX
	MOVQ AX, R11
	MOVQ blockState_carryOut(R8), R10
	ADDQ $64, DI
	JMP  block

end:
	MOVQ DI, R12
	MOVQ $4, AX // blocksEnd
	JMP  ret

slow:
	MOVQ DI, R12
	MOVQ $3, AX // blocksSlow
	JMP  ret

toodeep:
	MOVQ $1, AX // blocksTooDeep
	JMP  ret

mismatch:
	MOVQ $2, AX // blocksMismatch

ret:
	VZEROUPPER
	MOVQ R9, blockState_n(R8)
	MOVQ R10, blockState_escCarry(R8)
	MOVQ R11, blockState_inStr(R8)
	MOVQ R12, k+40(FP)
	MOVQ AX, status+48(FP)
	RET


// func stringStopAVX2(b []byte, j int) (k int, found bool)
//
// The index of the first byte at or after b[j] that is '"', '\\' or a
// control character (below 0x20), looking 32 bytes at a time: found,
// or not found before k with fewer than 32 bytes left at b[k].
TEXT ·stringStopAVX2(SB), NOSPLIT, $0-41
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), DX
	MOVQ j+24(FP), DI
	VPBROADCASTB stopBytes<>+0(SB), Y2 // '"'
	VPBROADCASTB stopBytes<>+1(SB), Y3 // '\\'
	VPBROADCASTB stopBytes<>+2(SB), Y7 // 0x1f: max(x, 0x1f) == 0x1f for controls

sloop:
	LEAQ 32(DI), AX
	CMPQ AX, DX
	JGT  snone
	VMOVDQU (SI)(DI*1), Y0
	VPCMPEQB Y2, Y0, Y1
	VPCMPEQB Y3, Y0, Y4
	VPMAXUB  Y7, Y0, Y5
	VPCMPEQB Y7, Y5, Y5
	VPOR     Y1, Y4, Y4
	VPOR     Y4, Y5, Y5
	VPMOVMSKB Y5, AX
	TESTL AX, AX
	JNZ   sfound
	ADDQ  $32, DI
	JMP   sloop

sfound:
	BSFL AX, AX
	ADDQ AX, DI
	MOVQ DI, k+32(FP)
	MOVB $1, found+40(FP)
	VZEROUPPER
	RET

snone:
	MOVQ DI, k+32(FP)
	MOVB $0, found+40(FP)
	VZEROUPPER
	RET

// func skipMembersAVX2(b []byte, i int, f0, f1 *ctField, st *blockState, vals []span, room int) (k int, last *ctField, status int)
//
// The fast path of CloudTrailReader.parseTop and parseObject over a run
// of an object's members from the key at b[i] (its '"'), given the
// fields predicted for it, f0 then f1 (either may be nil): while the
// member's key is f0's or else f1's as keyWordsAt matches it, and that
// field f and the value right after the ':' are one of
//   - ctSkip: a string without escapes or control characters, true,
//     false or null, or a container of whole plain blocks (see
//     container): skipped;
//   - ctString or ctRaw: a string of printable ASCII without escapes,
//     whose content becomes vals[f.slot] (a span of b, as decodeString
//     gives it); true or false, whose text does; null, which makes the
//     slot null (a zero span);
//   - ctRaw: a container of whole plain blocks without a byte >= 0x80,
//     whose text becomes vals[f.slot] (parseValue's utf8.Valid holds);
// the member is read, f's mark joins the marks (status bits 8-15),
// last becomes f and the next member's predictions f.next; then ','
// and '"' go on with the next member. It returns in status bits 0-7
// (see membersAt...):
// membersAfter with k after a value not followed by ',' and '"';
// membersContainer with k at the value of last, an object or an array
// it did not read (last's mark is in the marks; Go reads the value);
// membersAt with k at a member it leaves to Go (any other case,
// including fewer than 64 bytes left at the key, so that its 24 key
// bytes, a literal and the first 32 bytes of a string are in b, and a
// slot outside vals). room is the most brackets a container may hold
// (MaxDepth less the object's depth).
//
// Registers: SI b, DX len(b), DI i, R8 f0, R13 f1, R14 f, R9 last, R10
// the marks, R11 f.plen, R12 the value's index, then its end.
TEXT ·skipMembersAVX2(SB), NOSPLIT, $16-112
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), DX
	MOVQ i+24(FP), DI
	MOVQ f0+32(FP), R8
	MOVQ f1+40(FP), R13
	XORQ R9, R9
	XORQ R10, R10
	VPBROADCASTB stopBytes<>+0(SB), Y2 // '"'
	VPBROADCASTB stopBytes<>+1(SB), Y3 // '\\'
	VPBROADCASTB stopBytes<>+2(SB), Y7 // 0x1f: max(x, 0x1f) == 0x1f for controls

member:
	LEAQ  64(DI), AX
	CMPQ  AX, DX
	JGT   at
	MOVQ  R8, R14
	TESTQ R14, R14
	JZ    second

try:
	// The key and its ':' against f's, as keyWordsAt: 32 bytes at once
	// (pat and pmask are four words, the fourth's mask zero).
	MOVQ    ctField_plen(R14), R11
	TESTQ   R11, R11
	JZ      miss
	VMOVDQU (SI)(DI*1), Y0
	VPXOR   ctField_pat(R14), Y0, Y0
	VPAND   ctField_pmask(R14), Y0, Y0
	VPTEST  Y0, Y0
	JZ      hit

miss:
	CMPQ R14, R13
	JEQ  at // f1 missed too

second:
	// f1, unless it is nil or f0.
	MOVQ  R13, R14
	TESTQ R14, R14
	JZ    at
	CMPQ  R14, R8
	JNE   try
	JMP   at

hit:
	// The value, at most 24 bytes on: 40 are buffered.
	LEAQ    (DI)(R11*1), R12
	MOVBLZX (SI)(R12*1), AX
	MOVBLZX ctField_kind(R14), CX
	CMPB    CL, $const_ctSkip
	JNE     decode
	CMPB    AL, $0x22
	JEQ     str
	CMPB    AL, $0x7b // '{'
	JEQ     container
	CMPB    AL, $0x5b // '['
	JEQ     container
	MOVL    (SI)(R12*1), BX
	CMPB    AL, $0x6e // 'n'
	JEQ     null
	CMPB    AL, $0x74 // 't'
	JEQ     true
	CMPB    AL, $0x66 // 'f'
	JNE     at
	CMPL    BX, $0x736c6166 // "fals"
	JNE     at
	CMPB    4(SI)(R12*1), $0x65 // 'e'
	JNE     at
	ADDQ    $5, R12
	JMP     done

null:
	CMPL BX, $0x6c6c756e // "null"
	JNE  at
	ADDQ $4, R12
	JMP  done

true:
	CMPL BX, $0x65757274 // "true"
	JNE  at
	ADDQ $4, R12
	JMP  done

str:
	// As stringStopAVX2; a backslash or a control character is Go's.
	INCQ R12

sloop:
	LEAQ 32(R12), AX
	CMPQ AX, DX
	JGT  at
	VMOVDQU   (SI)(R12*1), Y0
	VPCMPEQB  Y2, Y0, Y1
	VPCMPEQB  Y3, Y0, Y4
	VPMAXUB   Y7, Y0, Y5
	VPCMPEQB  Y7, Y5, Y5
	VPOR      Y1, Y4, Y4
	VPOR      Y4, Y5, Y5
	VPMOVMSKB Y5, AX
	TESTL     AX, AX
	JNZ       sfound
	ADDQ      $32, R12
	JMP       sloop

sfound:
	BSFL AX, AX
	ADDQ AX, R12
	CMPB (SI)(R12*1), $0x22
	JNE  at
	INCQ R12
	JMP  done

decode:
	// A string, raw or time field: its slot in vals, CX its span's
	// address.
	CMPB  CL, $const_ctString
	JEQ   slot
	CMPB  CL, $const_ctRaw
	JEQ   slot
	CMPB  CL, $const_ctTime
	JNE   at

	// A time: only a plain string, and only one a run (its mark not
	// yet in the marks): Go checks it after the run
	// (CloudTrailReader.runTime). Anything else is Go's.
	CMPB  AL, $0x22
	JNE   at
	TESTQ $const_markTime, R10
	JNZ   at

slot:
	MOVQ  ctField_slot(R14), CX
	CMPQ  CX, vals_len+64(FP)
	JAE   at
	LEAQ  (CX)(CX*2), CX // span__size == 12
	SHLQ  $2, CX
	ADDQ  vals_base+56(FP), CX
	CMPB  AL, $0x22
	JEQ   dstr
	CMPB  AL, $0x7b // '{'
	JEQ   draw
	CMPB  AL, $0x5b // '['
	JEQ   draw
	MOVL  (SI)(R12*1), BX
	CMPB  AL, $0x6e // 'n'
	JEQ   dnull
	CMPB  AL, $0x74 // 't'
	JEQ   dtrue
	CMPB  AL, $0x66 // 'f'
	JNE   at
	CMPL  BX, $0x736c6166 // "fals"
	JNE   at
	CMPB  4(SI)(R12*1), $0x65 // 'e'
	JNE   at
	MOVL  R12, span_start(CX)
	ADDQ  $5, R12
	JMP   dtext

dtrue:
	CMPL BX, $0x65757274 // "true"
	JNE  at
	MOVL R12, span_start(CX)
	ADDQ $4, R12

dtext:
	// true or false: its text, as parseValue keeps a literal.
	MOVL R12, span_end(CX)
	MOVB $const_srcBuf, span_src(CX)
	JMP  done

dnull:
	CMPL BX, $0x6c6c756e // "null"
	JNE  at
	ADDQ $4, R12
	MOVL $0, span_start(CX)
	MOVL $0, span_end(CX)
	MOVB $const_srcNull, span_src(CX)
	JMP  done

draw:
	// A container: only a raw field keeps it as text.
	CMPB ctField_kind(R14), $const_ctRaw
	JNE  at
	JMP  container

dstr:
	// As stringStopASCIIAVX2: a backslash, a control character or a
	// byte >= 0x80 is Go's.
	INCQ R12
	MOVQ R12, BX

dloop:
	LEAQ 32(R12), AX
	CMPQ AX, DX
	JGT  at
	VMOVDQU   (SI)(R12*1), Y0
	VPCMPEQB  Y2, Y0, Y1
	VPCMPEQB  Y3, Y0, Y4
	VPMAXUB   Y7, Y0, Y5
	VPCMPEQB  Y7, Y5, Y5
	VPOR      Y1, Y4, Y4
	VPOR      Y4, Y5, Y5
	VPOR      Y0, Y5, Y5 // bytes >= 0x80 have their high bit set
	VPMOVMSKB Y5, AX
	TESTL     AX, AX
	JNZ       dfound
	ADDQ      $32, R12
	JMP       dloop

dfound:
	BSFL AX, AX
	ADDQ AX, R12
	CMPB (SI)(R12*1), $0x22
	JNE  at
	MOVL BX, span_start(CX)
	MOVL R12, span_end(CX)
	MOVB $const_srcBuf, span_src(CX)
	INCQ R12

done:
	// The member is read: on with the next, after ',' and '"'. Fast
	// path: the next key has its 64 bytes, so ',' '"' is one compare
	// and the member's own check is done.
	ORB  ctField_mark(R14), R10
	MOVQ R14, R9
	MOVQ ctField_next+0(R14), R8
	MOVQ ctField_next+8(R14), R13
	LEAQ 65(R12), AX
	CMPQ AX, DX
	JGT  donetail
	CMPW (SI)(R12*1), $0x222c // ',' '"'
	JNE  after
	LEAQ 1(R12), DI
	MOVQ R8, R14
	TESTQ R14, R14
	JNZ  try
	JMP  second

donetail:
	// Slow path: near the window's end, as member would check.
	LEAQ 1(R12), AX
	CMPQ AX, DX
	JGE  after
	CMPB (SI)(R12*1), $0x2c // ','
	JNE  after
	CMPB (SI)(AX*1), $0x22
	JNE  after
	MOVQ AX, DI
	JMP  member

after:
	MOVQ R12, DI
	MOVQ $const_membersAfter, AX
	JMP  mret

container:
	// The container, as skipBlocksAVX2 skips it from an empty stack in
	// st: then on with the next member. Where it does not end in whole
	// plain blocks (fewer than 64 bytes left, a backslash outside a
	// string, a control character in one, an error), or holds a byte
	// >= 0x80 and is a raw field's, it is left to Go
	// (membersContainer), which reads it again from its start. The
	// registers are skipBlocksAVX2's; f stays in R14, the marks and
	// the container's index wait in the frame, and Y12 gathers the
	// bytes of the blocks before the last.
	MOVQ R10, mk-8(SP)
	MOVQ R12, v-16(SP)
	MOVQ st+48(FP), R8
	MOVQ room+80(FP), AX
	MOVQ AX, blockState_room(R8)
	MOVQ R12, DI
	XORQ R9, R9
	XORQ R10, R10
	XORQ R11, R11
	VPXOR Y12, Y12, Y12
	VPBROADCASTB stopBytes<>+6(SB), Y4 // 0x26
	VPBROADCASTB stopBytes<>+7(SB), Y5 // 0x7f: x|0x26 for the brackets
	VPCMPEQQ X11, X11, X11 // all ones, the prefix XOR's multiplier

cblock:
	LEAQ 64(DI), AX
	CMPQ AX, DX
	JGT  cbail
	VMOVDQU 0(SI)(DI*1), Y0
	VMOVDQU 32(SI)(DI*1), Y1

	// Fast path: a block without a backslash or a control byte, and no
	// escape carried into it (most blocks): only the quotes' prefix XOR.
	// Slow path (cslow): the escapes and the control bytes in strings
	// resolved as skipBlocksAVX2 does. A control byte in either half is
	// one in their bytewise minimum.
	TESTQ    R10, R10
	JNZ      cslow
	VPCMPEQB Y3, Y0, Y8
	VPCMPEQB Y3, Y1, Y9
	VPOR     Y8, Y9, Y9
	VPMINUB  Y0, Y1, Y8
	VPMAXUB  Y7, Y8, Y8
	VPCMPEQB Y7, Y8, Y8
	VPOR     Y8, Y9, Y9
	VPTEST   Y9, Y9
	JNZ      cslow
	MASK64(Y2, AX)
	INSTRING

cbrackets:
	// The brackets outside strings, as the bytes x with x|0x26 == 0x7f:
	// '[' ']' '{' '}' and 'Y' 'y' '_' DEL, which valid JSON has only in
	// strings. Outside them, 'Y' and 'y' read as closing brackets and
	// '_' and DEL as opening ones that no bracket closes (their +2 is
	// none of the eight), so they end in cbail as a mismatch or at the
	// window's end, and Go reads the container as before.
	VPOR      Y4, Y0, Y8
	VPCMPEQB  Y5, Y8, Y8
	VPMOVMSKB Y8, CX
	VPOR      Y4, Y1, Y9
	VPCMPEQB  Y5, Y9, Y9
	VPMOVMSKB Y9, BX
	SHLQ  $32, BX
	ORQ   BX, CX
	ANDNQ CX, AX, CX

cbracket:
	TESTQ CX, CX
	JZ    cnext
	BSFQ  CX, BX
	LEAQ  (DI)(BX*1), R12
	MOVBQZX (SI)(R12*1), R13
	BLSRQ CX, CX
	TESTQ $2, R13
	JZ    cclose
	CMPQ  R9, blockState_room(R8)
	JGE   cbail
	MOVB  R13, (R8)(R9*1)
	INCQ  R9
	JMP   cbracket

cclose:
	DECQ    R9
	MOVBQZX (R8)(R9*1), BX
	ADDQ    $2, BX
	CMPQ    BX, R13
	JNE     cbail
	TESTQ   R9, R9
	JNZ     cbracket
	INCQ    R12 // after the container
	CMPB    ctField_kind(R14), $const_ctRaw
	JNE     cdone

	// A raw field's container: its text, if it is ASCII (the blocks
	// before this one, and this one's bytes before R12).
	VPMOVMSKB Y12, AX
	TESTL     AX, AX
	JNZ       cbail
	VPMOVMSKB Y0, AX
	VPMOVMSKB Y1, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	MOVQ      $64, CX
	ADDQ      DI, CX
	SUBQ      R12, CX // 64 less the container's bytes in this block
	SHLQ      CL, AX
	TESTQ     AX, AX
	JNZ       cbail
	MOVQ      ctField_slot(R14), CX
	LEAQ      (CX)(CX*2), CX // checked before the container
	SHLQ      $2, CX
	ADDQ      vals_base+56(FP), CX
	MOVQ      v-16(SP), AX
	MOVL      AX, span_start(CX)
	MOVL      R12, span_end(CX)
	MOVB      $const_srcBuf, span_src(CX)

cdone:
	MOVQ    mk-8(SP), R10
	JMP     done

cnext:
	// R10 is the escape carry into the next block (cslow sets it).
	VPOR Y0, Y12, Y12
	VPOR Y1, Y12, Y12
	SARQ $63, AX
	MOVQ AX, R11
	ADDQ $64, DI
	JMP  cblock

cslow:
	MASK64(Y2, AX)
	MASK64(Y3, BX)
	XORQ R12, R12
	MOVQ BX, CX
	ORQ  R10, CX
	JZ   cquotes // no escapes, and the carry out is R10, 0
	ESCAPES
	MOVQ R13, R10 // the carry out, into the next block
	MOVQ R12, CX
	NOTQ CX
	ANDQ CX, AX

cquotes:
	INSTRING
	MOVQ AX, CX
	NOTQ CX
	ANDQ CX, BX
	CTL64
	ANDQ AX, CX
	NOTQ R12
	ANDQ R12, CX
	ORQ  CX, BX
	JNZ  cbail
	JMP  cbrackets

cbail:
	MOVQ mk-8(SP), R10
	ORB  ctField_mark(R14), R10
	MOVQ R14, R9
	MOVQ v-16(SP), DI
	MOVQ $const_membersContainer, AX
	JMP  mret

at:
	MOVQ $const_membersAt, AX

mret:
	VZEROUPPER
	SHLQ $8, R10
	ORQ  R10, AX
	MOVQ DI, k+88(FP)
	MOVQ R9, last+96(FP)
	MOVQ AX, status+104(FP)
	RET

// func stringStopASCIIAVX2(b []byte, j int) (k int, found bool)
//
// stringStopAVX2 that also stops at the first byte >= 0x80, for
// scanString before a string's first non-ASCII byte.
TEXT ·stringStopASCIIAVX2(SB), NOSPLIT, $0-41
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), DX
	MOVQ j+24(FP), DI
	VPBROADCASTB stopBytes<>+0(SB), Y2 // '"'
	VPBROADCASTB stopBytes<>+1(SB), Y3 // '\\'
	VPBROADCASTB stopBytes<>+2(SB), Y7 // 0x1f: max(x, 0x1f) == 0x1f for controls

aloop:
	LEAQ 32(DI), AX
	CMPQ AX, DX
	JGT  anone
	VMOVDQU   (SI)(DI*1), Y0
	VPCMPEQB  Y2, Y0, Y1
	VPCMPEQB  Y3, Y0, Y4
	VPMAXUB   Y7, Y0, Y5
	VPCMPEQB  Y7, Y5, Y5
	VPOR      Y1, Y4, Y4
	VPOR      Y4, Y5, Y5
	VPOR      Y0, Y5, Y5 // bytes >= 0x80 have their high bit set
	VPMOVMSKB Y5, AX
	TESTL     AX, AX
	JNZ       afound
	ADDQ      $32, DI
	JMP       aloop

afound:
	BSFL AX, AX
	ADDQ AX, DI
	MOVQ DI, k+32(FP)
	MOVB $1, found+40(FP)
	VZEROUPPER
	RET

anone:
	MOVQ DI, k+32(FP)
	MOVB $0, found+40(FP)
	VZEROUPPER
	RET
