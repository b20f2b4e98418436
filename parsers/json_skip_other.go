//go:build !amd64

package parsers

// useBlockMasks is false: without a vector blockMasks, skipContainer
// follows strings a word at a time.
var useBlockMasks = false

func blockMasks(p *[64]byte) (quote, bslash, brk, ctl uint64) { return blockMasksGo(p) }
