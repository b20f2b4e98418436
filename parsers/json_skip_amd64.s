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
DATA stopBytes<>+8(SB)/1, $0x02
GLOBL stopBytes<>(SB), RODATA|NOPTR, $16

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

// STRSTOP sets AX to the '"', '\\' and control bytes of Y0: x^0x02 is
// at most 0x20 exactly for '"' and the controls (Y13 holds 0x02, Y6
// 0x20, Y3 '\\'; Y8 and Y9 are scratch).
#define STRSTOP \
	VPXOR     Y13, Y0, Y8; \
	VPMAXUB   Y6, Y8, Y8; \
	VPCMPEQB  Y6, Y8, Y8; \
	VPCMPEQB  Y3, Y0, Y9; \
	VPOR      Y8, Y9, Y9; \
	VPMOVMSKB Y9, AX

// ASCIISTOP is STRSTOP that also stops at bytes >= 0x80.
#define ASCIISTOP \
	VPXOR     Y13, Y0, Y8; \
	VPMAXUB   Y6, Y8, Y8; \
	VPCMPEQB  Y6, Y8, Y8; \
	VPCMPEQB  Y3, Y0, Y9; \
	VPOR      Y8, Y9, Y9; \
	VPOR      Y0, Y9, Y9; \
	VPMOVMSKB Y9, AX

// PLAIN sets the flags of a VPTEST that is zero when the block in Y0:Y1
// has no backslash and no control byte (below 0x20, which 0x20 less
// their bytewise minimum shows; Y6 holds 0x20, Y8 and Y9 scratch).
#define PLAIN \
	VPCMPEQB Y3, Y0, Y8; \
	VPCMPEQB Y3, Y1, Y9; \
	VPOR     Y8, Y9, Y9; \
	VPMINUB  Y0, Y1, Y8; \
	VPSUBUSB Y8, Y6, Y8; \
	VPOR     Y8, Y9, Y9; \
	VPTEST   Y9, Y9

// BRACKETS sets CX to the brackets of the block in Y0:Y1 outside the
// strings AX, as the bytes x with x|0x26 == 0x7f (Y4 and Y5): '[' ']'
// '{' '}' and 'Y' 'y' '_' DEL, which valid JSON has only in strings
// (see container). The flags are ANDN's: zero when there are none.
#define BRACKETS \
	VPOR      Y4, Y0, Y8; \
	VPCMPEQB  Y5, Y8, Y8; \
	VPMOVMSKB Y8, CX; \
	VPOR      Y4, Y1, Y9; \
	VPCMPEQB  Y5, Y9, Y9; \
	VPMOVMSKB Y9, BX; \
	SHLQ      $32, BX; \
	ORQ       BX, CX; \
	ANDNQ     CX, AX, CX

// ESCAPES0 is ESCAPES with no escape carried into the block: R12 the
// escaped bytes of the backslashes BX, R13 the carry out (CX scratch).
#define ESCAPES0 \
	MOVQ BX, R13; \
	SHLQ $1, R13; \
	MOVQ $0xaaaaaaaaaaaaaaaa, R12; \
	ORQ  R12, R13; \
	SUBQ BX, R13; \
	XORQ R12, R13; \
	MOVQ BX, R12; \
	XORQ R13, R12; \
	ANDQ BX, R13; \
	SHRQ $63, R13

// SLOWBLOCK is a container block with a backslash or a control byte
// (Y0:Y1, at DI), resolved as skipBlocksAVX2 does: AX the bytes inside
// strings, and the flags nonzero (a backslash outside a string, a
// control byte in one) or an escape carried out of it send the block
// to bail (Go reads the container again); no escape is carried into
// it, since one carried out is bailed.
#define SLOWBLOCK(bail) \
	MASK64(Y2, AX); \
	MASK64(Y3, BX); \
	ESCAPES0; \
	TESTQ R13, R13; \
	JNZ   bail; \
	ANDNQ AX, R12, AX; \
	INSTRING; \
	ANDNQ BX, AX, BX; \
	CTL64; \
	ANDQ  AX, CX; \
	ANDNQ CX, R12, CX; \
	ORQ   CX, BX

// func skipMembersAVX2(b []byte, i int, f0, f1 *ctField, st *blockState, vals []span, room int, tc *timeCache) (k int, last *ctField, status int)
//
// The fast path of CloudTrailReader.parseTop and parseObject over a run
// of an object's members from the key at b[i] (its '"'), given the
// fields predicted for it, f0 then f1 (either may be nil): while the
// member's key is f0's or else f1's as keyWordsAt matches it (a field
// whose spelling is too long for the words never matches: see
// ctField.setSpelled), and that field f and the value right after the
// ':' are one of
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
// (MaxDepth less the object's depth). A time that tc's fast path finds
// valid does not put markTime in the marks (see time).
//
// Registers: SI b, DX len(b), DI i, R14 f0 then f, R13 f1, R9 last,
// R10 the marks, R12 the value's index, then its end; the compared bytes
// in Y2-Y7, Y13 and X11 for the whole call. Frame: v the container's
// index, plim the address of b's last 64 bytes, lim len(b)-65.
TEXT ·skipMembersAVX2(SB), NOSPLIT, $24-120
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), DX
	MOVQ i+24(FP), DI
	MOVQ f0+32(FP), R14
	MOVQ f1+40(FP), R13
	XORQ R9, R9
	XORQ R10, R10
	LEAQ -64(SI)(DX*1), AX
	MOVQ AX, plim-16(SP)
	LEAQ -65(DX), AX
	MOVQ AX, lim-24(SP)
	VPBROADCASTB stopBytes<>+0(SB), Y2 // '"'
	VPBROADCASTB stopBytes<>+1(SB), Y3 // '\\'
	VPBROADCASTB stopBytes<>+6(SB), Y4 // 0x26
	VPBROADCASTB stopBytes<>+7(SB), Y5 // 0x7f: x|0x26 for the brackets
	VPBROADCASTB stopBytes<>+3(SB), Y6 // 0x20
	VPBROADCASTB stopBytes<>+2(SB), Y7 // 0x1f: max(x, 0x1f) == 0x1f for controls
	VPBROADCASTB stopBytes<>+8(SB), Y13 // 0x02: x^0x02 <= 0x20 for '"' and controls
	VPCMPEQQ X11, X11, X11 // all ones, the prefix XOR's multiplier

member:
	LEAQ  64(DI), AX
	CMPQ  AX, DX
	JGT   at
	TESTQ R14, R14
	JZ    second

try:
	// The key and its ':' against f's, as keyWordsAt: 32 bytes at once
	// (pat and pmask are four words, the fourth's mask zero; a field
	// whose spelling is too long has a pattern no key matches).
	VMOVDQU (SI)(DI*1), Y0
	VPXOR   ctField_pat(R14), Y0, Y0
	VPAND   ctField_pmask(R14), Y0, Y0
	VPTEST  Y0, Y0
	JZ      hit

miss:
	CMPQ R14, R13
	JEQ  at // f1 missed too

second:
	// f1, unless it is nil (f1 == f0 misses again, at once).
	MOVQ  R13, R14
	TESTQ R14, R14
	JNZ   try
	JMP   at

hit:
	// The value, at most 24 bytes on: 40 are buffered.
	MOVQ    ctField_plen(R14), R12
	ADDQ    DI, R12
	MOVBLZX (SI)(R12*1), AX
	CMPB    ctField_kind(R14), $const_ctSkip
	JNE     decode
	CMPB    AL, $0x22
	JNE     literal

	// A string, as stringStopAVX2 (a backslash or a control character
	// is Go's): its first 32 bytes are buffered (the key's 64 less at
	// most 24 and the quote), so the first look needs no bound. R12
	// stays 1 before the bytes looked at (at the quote, then 32 on).
	VMOVDQU   1(SI)(R12*1), Y0
	STRSTOP
	TESTL     AX, AX
	JZ        sloop

sfound:
	BSFL AX, AX
	ADDQ AX, R12
	CMPB 1(SI)(R12*1), $0x22
	JNE  at
	ADDQ $2, R12

done:
	// The member is read: on with the next, after ',' and '"'. Fast
	// path: the next key has its 64 bytes, so ',' '"' is one compare
	// and the member's own check is done.
	ORB  ctField_mark(R14), R10

marked:
	MOVQ R14, R9
	MOVQ ctField_next+8(R9), R13
	MOVQ ctField_next+0(R9), R14
	CMPQ R12, lim-24(SP) // R12+65 > len(b)
	JGT  donetail
	CMPW (SI)(R12*1), $0x222c // ',' '"'
	JNE  after
	LEAQ 1(R12), DI
	TESTQ R14, R14
	JNZ  try
	JMP  second

sloop:
	// The string's next 32 bytes.
	ADDQ      $32, R12
	LEAQ      33(R12), AX
	CMPQ      AX, DX
	JGT       at
	VMOVDQU   1(SI)(R12*1), Y0
	STRSTOP
	TESTL     AX, AX
	JZ        sloop
	JMP       sfound

literal:
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

decode:
	// A string, raw or time field: its slot in vals, CX its span's
	// address.
	MOVBLZX ctField_kind(R14), CX
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
	JMP  rcontainer

dstr:
	// As stringStopASCIIAVX2: a backslash, a control character or a
	// byte >= 0x80 is Go's. The first 32 bytes are buffered, as above.
	INCQ      R12
	MOVQ      R12, BX
	VMOVDQU   (SI)(R12*1), Y0
	ASCIISTOP
	TESTL     AX, AX
	JZ        dloop

dfound:
	BSFL AX, AX
	ADDQ AX, R12
	CMPB (SI)(R12*1), $0x22
	JNE  at
	MOVL BX, span_start(CX)
	MOVL R12, span_end(CX)
	MOVB $const_srcBuf, span_src(CX)
	CMPB ctField_kind(R14), $const_ctTime
	JEQ  time
	INCQ R12
	JMP  done

time:
	// The time b[BX:R12], as timeCache.isTime's fast path: 20 bytes
	// whose first 14 ("YYYY-MM-DDTHH:") are the cache's (w0, w1: the
	// cache's zero words match no string here, which holds no control
	// byte), then "MM:SS" with MM and SS 00-59, and 'Z'. Such a time
	// is valid: its mark joins the marks but markTime, so Go does not
	// check it again (CloudTrailReader.runTime) and a later time in the
	// run is decoded too. Any other is left to runTime, as before.
	MOVQ R12, AX
	SUBQ BX, AX
	CMPQ AX, $20
	JNE  timego
	MOVQ tc+88(FP), R8
	MOVQ (SI)(BX*1), AX
	CMPQ AX, timeCache_w0(R8)
	JNE  timego
	MOVQ 6(SI)(BX*1), AX
	CMPQ AX, timeCache_w1(R8)
	JNE  timego
	// s[12:20] as a word: byte 4 ':' and byte 7 'Z'; bytes 2, 3, 5
	// and 6 digits (high nibble 3) at most '5', '9', '5', '9' (adding
	// 10, 6, 10 and 6 keeps the nibble; no byte carries).
	MOVQ 12(SI)(BX*1), AX
	MOVQ $0xfff0f0fff0f00000, R8
	ANDQ AX, R8
	MOVQ $0x5a30303a30300000, R11
	CMPQ R8, R11
	JNE  timego
	MOVQ $0x00060a00060a0000, R8
	ADDQ R8, AX
	MOVQ $0x00f0f000f0f00000, R8
	ANDQ R8, AX
	MOVQ $0x0030300030300000, R11
	CMPQ AX, R11
	JNE  timego
	INCQ R12
	MOVBLZX ctField_mark(R14), AX
	ANDL $~const_markTime, AX
	ORL  AX, R10
	JMP  marked

timego:
	INCQ R12
	JMP  done

dloop:
	ADDQ      $32, R12
	LEAQ      32(R12), AX
	CMPQ      AX, DX
	JGT       at
	VMOVDQU   (SI)(R12*1), Y0
	ASCIISTOP
	TESTL     AX, AX
	JZ        dloop
	JMP       dfound

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
	// A skipped container, as skipBlocksAVX2 skips it from an empty
	// stack in st: then on with the next member. Where it does not end
	// in whole plain blocks (fewer than 64 bytes left, a backslash
	// outside a string, a control character in one, an escape carried
	// out of a block, an error), it is left to Go (membersContainer),
	// which reads it again from its start. Its bracket (AL) is pushed
	// first without a check of room, which is at least 1 (the objects
	// of runs are the schema's, a few levels deep: MaxDepth less their
	// depth), and the blocks start after it. DI walks the blocks by
	// address; R8 is st's stack, R9 its depth, R11 all ones when the
	// block starts in a string, R13 the bracket; f stays in R14, the
	// marks in R10, the container's index in v.
	MOVQ R12, v-8(SP)
	MOVQ st+48(FP), R8
	MOVB AL, (R8) // the container's bracket, pushed (room >= 1: see above)
	MOVL $1, R9
	LEAQ 1(SI)(R12*1), DI
	XORQ R11, R11
	CMPQ DI, plim-16(SP)
	JHI  cbail

cblock:
	VMOVDQU 0(DI), Y0
	VMOVDQU 32(DI), Y1

	// Fast path: a block without a backslash or a control byte (most
	// blocks): only the quotes' prefix XOR. Else cslow.
	PLAIN
	JNZ      cslow
	MASK64(Y2, AX)
	INSTRING

cbrackets:
	// The brackets outside strings. Outside them, 'Y' and 'y' read as
	// closing brackets and '_' and DEL as opening ones that no bracket
	// closes (their +2 is none of the eight), so they end in cbail as a
	// mismatch or at the window's end, and Go reads the container as
	// before.
	BRACKETS
	JZ    cnext

cbracket:
	BSFQ    CX, BX
	MOVBQZX (DI)(BX*1), R13
	TESTQ   $2, R13 // '{' and '[' have bit 1 set, '}' and ']' clear
	JZ      cclose
	CMPQ    R9, room+80(FP)
	JGE     cbail
	MOVB    R13, (R8)(R9*1)
	INCQ    R9
	BLSRQ   CX, CX
	JNZ     cbracket

cnext:
	MOVQ AX, R11
	SARQ $63, R11
	ADDQ $64, DI
	CMPQ DI, plim-16(SP)
	JLS  cblock
	JMP  cbail

cclose:
	SUBQ  $2, R13 // '{'+2 == '}', '['+2 == ']'
	CMPB  -1(R8)(R9*1), R13
	JNE   cbail
	DECQ  R9
	JZ    cend
	BLSRQ CX, CX
	JNZ   cbracket
	JMP   cnext

cend:
	// After the container.
	LEAQ 1(DI)(BX*1), R12
	SUBQ SI, R12
	JMP  done

cslow:
	SLOWBLOCK(cbail)
	JNZ cbail
	JMP cbrackets

rcontainer:
	// A raw field's container: container's loop, Y12 gathering the
	// bytes of the blocks before the last, whose text becomes the
	// field's if it is ASCII (its slot is checked).
	MOVQ  R12, v-8(SP)
	MOVQ  st+48(FP), R8
	MOVB  AL, (R8)
	MOVL  $1, R9
	LEAQ  1(SI)(R12*1), DI
	XORQ  R11, R11
	VPXOR Y12, Y12, Y12
	CMPQ  DI, plim-16(SP)
	JHI   cbail

rblock:
	VMOVDQU 0(DI), Y0
	VMOVDQU 32(DI), Y1
	PLAIN
	JNZ      rslow
	MASK64(Y2, AX)
	INSTRING

rbrackets:
	BRACKETS
	JZ    rnext

rbracket:
	BSFQ    CX, BX
	MOVBQZX (DI)(BX*1), R13
	TESTQ   $2, R13
	JZ      rclose
	CMPQ    R9, room+80(FP)
	JGE     cbail
	MOVB    R13, (R8)(R9*1)
	INCQ    R9
	BLSRQ   CX, CX
	JNZ     rbracket

rnext:
	VPOR Y0, Y12, Y12
	VPOR Y1, Y12, Y12
	MOVQ AX, R11
	SARQ $63, R11
	ADDQ $64, DI
	CMPQ DI, plim-16(SP)
	JLS  rblock
	JMP  cbail

rclose:
	SUBQ  $2, R13
	CMPB  -1(R8)(R9*1), R13
	JNE   cbail
	DECQ  R9
	JZ    rend
	BLSRQ CX, CX
	JNZ   rbracket
	JMP   rnext

rend:
	// The blocks before this one, and this one's bytes up to the
	// bracket at BX, must be ASCII.
	VPMOVMSKB Y12, AX
	TESTL     AX, AX
	JNZ       cbail
	VPMOVMSKB Y0, AX
	VPMOVMSKB Y1, R13
	SHLQ      $32, R13
	ORQ       R13, AX
	MOVQ      $63, CX
	SUBQ      BX, CX
	SHLQ      CL, AX
	TESTQ     AX, AX
	JNZ       cbail
	LEAQ      1(DI)(BX*1), R12
	SUBQ      SI, R12
	MOVQ      ctField_slot(R14), CX
	LEAQ      (CX)(CX*2), CX // checked before the container
	SHLQ      $2, CX
	ADDQ      vals_base+56(FP), CX
	MOVQ      v-8(SP), AX
	MOVL      AX, span_start(CX)
	MOVL      R12, span_end(CX)
	MOVB      $const_srcBuf, span_src(CX)
	JMP       done

rslow:
	SLOWBLOCK(cbail)
	JNZ cbail
	JMP rbrackets

cbail:
	ORB  ctField_mark(R14), R10
	MOVQ R14, R9
	MOVQ v-8(SP), DI
	MOVQ $const_membersContainer, AX
	JMP  mret

at:
	MOVQ $const_membersAt, AX

mret:
	VZEROUPPER
	SHLQ $8, R10
	ORQ  R10, AX
	MOVQ DI, k+96(FP)
	MOVQ R9, last+104(FP)
	MOVQ AX, status+112(FP)
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
