package parsers

// flowSpaceBlocks is [flowSpaceBlocksGo] in assembly (vpcflow_amd64.s),
// 16 bytes a compare with SSE2, which every amd64 has. b must hold 64
// bytes for each word of bits.
//
//go:noescape
func flowSpaceBlocks(b []byte, bits []uint64) (bad uint64)
