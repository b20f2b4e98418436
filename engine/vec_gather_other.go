//go:build !amd64 || purego

package engine

// useGatherAsm is false where no assembly gathers (and with the purego
// build tag, which tests the Go loops on amd64 too).
const useGatherAsm = false

func rowsBelowAsm(rows []int32, n int) bool                 { panic("BUG: no assembly") }
func gatherInt32Asm(dst []int32, src []int32, rows []int32) { panic("BUG: no assembly") }
func gatherWidenAsm(dst []int64, src []int32, rows []int32) { panic("BUG: no assembly") }
func widenAsm(dst []int64, src []int32)                     { panic("BUG: no assembly") }
