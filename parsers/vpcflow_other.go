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
