//go:build !amd64 || purego

package engine

// useSelectAsm is false where selectBools has no assembly (and with the
// purego build tag, which tests the Go loop on amd64 too).
const useSelectAsm = false

func selectBoolsAsm(sel []int32, b []bool, null []bool, tab *[256][8]int32) int {
	panic("BUG: no assembly")
}
