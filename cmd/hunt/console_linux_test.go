//go:build linux

package main

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"unsafe"
)

// openPty opens a pseudo-terminal of the given width and returns its
// terminal side.
func openPty(t *testing.T, cols uint16) *os.File {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skipf("TIOCGPTN: %v", e)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("TIOCSPTLCK: %v", e)
	}
	tty, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pts: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	ws := struct{ Row, Col, X, Y uint16 }{Row: 24, Col: cols}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, tty.Fd(), syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws))); e != 0 {
		t.Skipf("TIOCSWINSZ: %v", e)
	}
	return tty
}

// TestTerminalWidth_Pty: on a terminal, the table width is the terminal's.
func TestTerminalWidth_Pty(t *testing.T) {
	tty := openPty(t, 123)
	if got := terminalWidth(tty); got != 123 {
		t.Errorf("terminalWidth(pty of 123 columns) = %d", got)
	}
	con := newConsole(tty, tty)
	if got := con.tableWidth(); got != 123 {
		t.Errorf("table width on a 123-column terminal = %d", got)
	}
	con.maxWidth.Set("0")
	if got := con.tableWidth(); got != 0 {
		t.Errorf("--max-width 0 on a terminal: table width %d; want 0 (no limit)", got)
	}
}
