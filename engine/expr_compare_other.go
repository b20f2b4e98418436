//go:build !amd64 || purego

package engine

// useInAsm is false where x IN (integers) has no assembly (and with the
// purego build tag, which tests the Go loops on amd64 too).
const useInAsm = false

func inInt64Asm(b []bool, xs []int64, c0, c1, c2 int64, tab *[256]uint64) int {
	panic("BUG: no assembly")
}
