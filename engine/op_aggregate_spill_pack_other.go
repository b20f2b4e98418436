//go:build !amd64 || purego

package engine

// useSpillPackAsm: no assembly here.
const useSpillPackAsm = false

func spillPackRunAsm(dst []byte, strs []string, sel []int32) (k, n int) {
	return spillPackRunGo(dst, strs, sel)
}

// spillPackRun is spillPackRunGo (see op_aggregate_spill_pack_amd64.go).
func spillPackRun(dst []byte, strs []string, sel []int32) (int, int) {
	return spillPackRunGo(dst, strs, sel)
}
