//go:build !amd64 || purego

package engine

// gatherQWays: without the quadword assembly, one way (see the amd64
// version).
func gatherQWays() ([]bool, func()) { return []bool{false}, func() {} }

func setGatherQAsm(bool) {}
