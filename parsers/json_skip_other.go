//go:build !amd64

package parsers

// useBlockMasks is false: without a vector blockMasks, skipContainer
// follows strings a word at a time.
var useBlockMasks = false

// useSkipBlocks is false: skipContainerBlocks is never used.
var useSkipBlocks = false

func blockMasks(p *[64]byte) (quote, bslash, brk, ctl uint64) { return blockMasksGo(p) }

func skipBlocks(b []byte, j int, st *blockState) (k, status int) {
	panic("BUG: skipBlocks without a vector implementation")
}

// useStringStop is false: skipString looks at a word at a time.
var useStringStop = false

func stringStop32(b []byte, j int) (int, bool) {
	panic("BUG: stringStop32 without a vector implementation")
}

// useSkipMembers is false: parseTop reads every member itself.
var useSkipMembers = false

func skipMembersAVX2(b []byte, i int, f0, f1 *ctField, st *blockState, vals []span, room int, tc *timeCache) (int, *ctField, int) {
	panic("BUG: skipMembers without a vector implementation")
}

func stringStopASCII32(b []byte, j int) (int, bool) {
	panic("BUG: stringStopASCII32 without a vector implementation")
}
