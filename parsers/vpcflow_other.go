//go:build !amd64

package parsers

// flowSpaceBlocks is [flowSpaceBlocksGo] where there is no assembly
// version.
func flowSpaceBlocks(b []byte, bits []uint64) (bad uint64) { return flowSpaceBlocksGo(b, bits) }
