//go:build !amd64 || purego

package engine

// useLoadStringsAsm is false where loadStrings has no assembly (and with
// the purego build tag, which tests the Go loop on amd64 too).
const useLoadStringsAsm = false

func loadStringsAsm(out []string, offs []int32, buf []byte, rows []int32) (done int, ok bool) {
	panic("BUG: no assembly")
}
