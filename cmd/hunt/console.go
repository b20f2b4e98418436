package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
)

// console is the stdout of a command with what the command line knows
// about it: where usage errors go (stderr), how wide the terminal is, and
// --max-width. dispatch makes one per command.
type console struct {
	io.Writer
	stderr io.Writer
	// width is the terminal's width in columns, 0 when stdout is not a
	// terminal (a pipe or a file: nothing is cut there).
	width int
	// maxWidth is --max-width.
	maxWidth widthFlag
}

// newConsole wraps stdout; a terminal's width is read once.
func newConsole(stdout, stderr io.Writer) *console {
	c := &console{Writer: stdout, stderr: stderr}
	if f, ok := stdout.(*os.File); ok {
		c.width = terminalWidth(f)
	}
	return c
}

// consoleOf returns w's console; a command called with a plain writer
// (tests) gets one whose errors go to os.Stderr.
func consoleOf(w io.Writer) *console {
	if c, ok := w.(*console); ok {
		return c
	}
	return &console{Writer: w, stderr: os.Stderr}
}

// tableWidth is how wide a table may be: --max-width when given (0: no
// limit), else the terminal's width, else no limit.
func (c *console) tableWidth() int {
	if c.maxWidth.set {
		return c.maxWidth.n
	}
	return c.width
}

// terminalWidth is f's width in columns when f is a terminal, else 0. When
// the terminal does not tell, COLUMNS does, else 80.
func terminalWidth(f *os.File) int {
	w, isTerm := ttyColumns(f)
	if !isTerm {
		return 0
	}
	if w > 0 {
		return w
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 80
}

// widthFlag is --max-width: a number of columns, or unset (auto).
type widthFlag struct {
	n   int
	set bool
}

func (w *widthFlag) String() string {
	if w == nil || !w.set {
		return ""
	}
	return strconv.Itoa(w.n)
}

func (w *widthFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return fmt.Errorf("expected a number of columns (0 = no limit), found %q", s)
	}
	w.n, w.set = n, true
	return nil
}
