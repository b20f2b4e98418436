//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

import "os"

// ttyColumns: on this system a terminal is not told from a pipe, so
// nothing is cut (isTerm false).
func ttyColumns(f *os.File) (cols int, isTerm bool) { return 0, false }
