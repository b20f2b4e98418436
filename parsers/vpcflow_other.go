//go:build !amd64

package parsers

// flowSpaceBlocks is [flowSpaceBlocksGo] where there is no assembly
// version.
func flowSpaceBlocks(b []byte, bits []uint64) (bad uint64) { return flowSpaceBlocksGo(b, bits) }

// flowClassify is [flowClassifyGo] where there is no assembly version.
func flowClassify(b []byte, sp, nl, bad []uint64) { flowClassifyGo(b, sp, nl, bad) }

// flowFlatten is [flowFlattenGo] where there is no assembly version.
func flowFlatten(t []int32, words []uint64, sparse bool) []int32 {
	return flowFlattenGo(t, words, sparse)
}

// segInts32 is [segIntsGo] for an int32 column where there is no
// assembly version.
func segInts32(c *flowCol, b []byte, tape, seg []int32, pos int, max int64, row int) bool {
	return segIntsGo(c, c.i32, b, tape, seg, pos, max, row)
}

// segInts64 is [segIntsGo] for an int64 column where there is no
// assembly version.
func segInts64(c *flowCol, b []byte, tape, seg []int32, pos int, max int64, row int) bool {
	return segIntsGo(c, c.i64, b, tape, seg, pos, max, row)
}

// segString is [flowCol.segStringGo] where there is no assembly version.
func (c *flowCol) segString(b []byte, tape, seg []int32, pos int, row int) bool {
	return c.segStringGo(b, tape, seg, pos, row)
}

// segDict is [flowCol.segDictGo] where there is no assembly version.
func (c *flowCol) segDict(b []byte, tape, seg []int32, pos int, row int) bool {
	return c.segDictGo(b, tape, seg, pos, row)
}

// checkInts is [segCheckInts] where there is no assembly version.
func (r *flowRun) checkInts(b []byte, tape, seg []int32, digits int, max int64) bool {
	return segCheckInts(b, tape, seg, digits, max)
}

// flowLocate is [flowLocateGo] where there is no assembly version.
func flowLocate(tape []int32, b []byte, sep []uint64, nls []int32, prev, lim, nf int, bounds []int32, masks []uint64) int {
	return flowLocateGo(tape, b, sep, nls, prev, lim, nf, bounds)
}

// flowSegFilter is [flowSegFilterGo] where there is no assembly version.
func flowSegFilter(kept, left []int32, b []byte, tape, seg []int32, keys []uint64, lens []int) (nk, nl int, ok bool) {
	return flowSegFilterGo(kept, left, b, tape, seg, keys, lens)
}

// flowSegDrop is [flowSegDropGo] where there is no assembly version.
func flowSegDrop(kept []int32, b []byte, tape, seg []int32, fpos int, key uint64, texts, ints []int32) (int, bool) {
	return flowSegDropGo(kept, b, tape, seg, fpos, key, texts, ints)
}

// flowLines is [flowLinesGo] where there is no assembly version.
func flowLines(b []byte, tail *[64]byte, sep, nl, bad []uint64, nls []int32) []int32 {
	return flowLinesGo(b, tail, sep, nl, bad, nls)
}

// flowLinesLocate is flowLines, locating no line, where there is no
// assembly version.
func flowLinesLocate(b []byte, tail *[64]byte, sep, nl, bad []uint64, nls, tape []int32, wide int, l *flowLocTables) (_ []int32, located, clean int) {
	return flowLines(b, tail, sep, nl, bad, nls), 0, 0
}

// flowSegment is [flowSegmentGo] where there is no assembly version.
func flowSegment(seg []int32, b []byte, nls, tape []int32, c, nb, nf, limit, wide int) ([]int32, int) {
	return flowSegmentGo(seg, b, nls, tape, c, nb, nf, limit, wide)
}

// locateFast is false where flowLocateAsm is not there: every plan takes
// the full tape (setBounds).
const locateFast = false

// useSegPair is false where there is no assembly version: setSegOps
// pairs no columns.
const useSegPair = false

// segIntsPair is [segIntsPairGo] where there is no assembly version.
func segIntsPair(c1, c2 *flowCol, b []byte, tape, seg []int32, pos1, pos2 int, max1, max2 int64, row int, window bool) bool {
	return segIntsPairGo(c1, c2, b, tape, seg, pos1, pos2, max1, max2, row, window)
}
