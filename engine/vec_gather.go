package engine

// Gathers of integer columns through rows are most of what loading a
// routed hunt's columns costs (a flow log's ports, times and byte counts
// through its ACCEPT rows; dictionary codes; a chunk's rows through the
// rows a conjunct kept). In Go each row is a bounds-checked load and a
// store, four to five instructions (eleven for an int32 widened to
// int64); on amd64 with AVX2 a block of eight int32 rows is one gather
// instruction (vec_gather_amd64.s), after one pass that checks every
// row is in range. Rows out of range leave the work to the Go loops,
// which panic as before. Fewer instructions are not less time: int64
// and string rows stay Go loops, faster than gathers of quadwords on
// the machines measured (useGatherAsm).

// gatherAsmRows is the fewest rows the assembly gathers take: below, the
// call and the range check cost more than the loop saves.
const gatherAsmRows = 16

// gatherAsmOK reports whether rows can go through the assembly gathers
// over a source of n values: enough rows, a source small enough for
// dword indexes, and every row below n.
func gatherAsmOK(rows []int32, n int) bool {
	return useGatherAsm && len(rows) >= gatherAsmRows && n < 1<<31 && rowsBelowAsm(rows, n)
}

// gatherFast sets dst[j] to src[sel[j]] for each j of sel when dst and
// src are int32 slices the assembly gathers take, and reports whether it
// did; dst has at least len(sel) values. int64 and string slices go
// through gatherInto's Go loop (see useGatherAsm).
func gatherFast[T any](dst, src []T, sel []int32) bool {
	d, ok := any(dst).([]int32)
	if !ok {
		return false
	}
	s := any(src).([]int32)
	if !gatherAsmOK(sel, len(s)) {
		return false
	}
	gatherInt32Asm(d, s, sel)
	return true
}

// widenInto sets dst[j] to int64(src[j]) for each j of dst (len(src) >=
// len(dst)).
func widenInto(dst []int64, src []int32) {
	src = src[:len(dst)]
	if useGatherAsm && len(dst) >= gatherAsmRows {
		widenAsm(dst, src)
		return
	}
	for j, x := range src {
		dst[j] = int64(x)
	}
}

// gatherWiden sets dst[j] to int64(src[rows[j]]) for each j of rows.
func gatherWiden(dst []int64, src []int32, rows []int32) {
	dst = dst[:len(rows)] // no bounds check on dst in the loop
	if gatherAsmOK(rows, len(src)) {
		gatherWidenAsm(dst, src, rows)
		return
	}
	for j, r := range rows {
		dst[j] = int64(src[r])
	}
}
