//go:build linux

package main

import "syscall"

// madvHugePage is MADV_HUGEPAGE (the same on every Linux architecture Go
// supports).
const madvHugePage = 14

// madviseHugePage advises b's pages for transparent huge pages (tests
// record the calls).
var madviseHugePage = func(b []byte) error {
	return syscall.Madvise(b, madvHugePage)
}
