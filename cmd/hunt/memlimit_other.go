//go:build !linux

package main

import "errors"

// madviseHugePage advises b's pages for transparent huge pages: Linux
// only (hugePageHeap does not get here elsewhere, as there is no
// thpSetting to read).
var madviseHugePage = func(b []byte) error {
	return errors.New("transparent huge pages: Linux only")
}
