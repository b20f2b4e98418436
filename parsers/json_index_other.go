//go:build !amd64

package parsers

// hasIndexAVX2 is false: without vector masks, building the index costs
// more than the byte-level scanners save, so the CloudTrail reader does
// not take its indexed fast path.
var hasIndexAVX2 = false

// indexBlocks is indexBlocksGo.
func indexBlocks(p []byte, quote, brk []uint64, c *idxCarry) int {
	return indexBlocksGo(p, quote, brk, c)
}
