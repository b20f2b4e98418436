package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// rowWriter writes result rows in one output format.
type rowWriter interface {
	// Row writes one row; vals has one value per column.
	Row(vals []any) error
	// Close flushes what is buffered.
	Close() error
}

// newRowWriter returns the writer for format ("table", "line", "json",
// "csv"). A table fits the terminal when w is one (or --max-width), and is
// never cut in a pipe or a file.
func newRowWriter(format string, w io.Writer, columns []string) (rowWriter, error) {
	switch format {
	case "table":
		return &tableWriter{w: w, columns: columns, limit: consoleOf(w).tableWidth()}, nil
	case "line":
		return newLineWriter(w, columns), nil
	case "json":
		return &jsonWriter{w: bufio.NewWriter(w), columns: columns}, nil
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(columns); err != nil {
			return nil, err
		}
		return &csvWriter{w: cw, rec: make([]string, len(columns))}, nil
	}
	return nil, fmt.Errorf("--output: expected table, line, json or csv, found %q", format)
}

// jsonWriter writes JSON Lines, keys in column order.
type jsonWriter struct {
	w       *bufio.Writer
	columns []string
}

func (j *jsonWriter) Row(vals []any) error {
	j.w.WriteByte('{')
	for i, c := range j.columns {
		if i > 0 {
			j.w.WriteByte(',')
		}
		k, _ := json.Marshal(c)
		j.w.Write(k)
		j.w.WriteByte(':')
		v, err := json.Marshal(vals[i])
		if err != nil {
			return fmt.Errorf("column %s: %w", c, err)
		}
		j.w.Write(v)
	}
	j.w.WriteString("}\n")
	return nil
}

func (j *jsonWriter) Close() error { return j.w.Flush() }

type csvWriter struct {
	w   *csv.Writer
	rec []string
}

func (c *csvWriter) Row(vals []any) error {
	for i, v := range vals {
		c.rec[i] = valueText(v)
	}
	return c.w.Write(c.rec)
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

// tableWriter aligns columns. It sizes them from the first tableSample rows
// and then streams, so a long output is not held in memory. With a limit
// (the terminal's width, or --max-width) the widest columns are narrowed
// until a row fits and their cells are cut with an ellipsis; without one
// nothing is cut.
type tableWriter struct {
	w       io.Writer
	columns []string
	limit   int // columns a row may take, 0 = no limit
	pending [][]string
	widths  []int
	started bool
	bw      *bufio.Writer
}

const (
	tableSample = 500
	// minCell is the narrowest a column is cut to, to fit a limit.
	minCell = 6
)

func (t *tableWriter) Row(vals []any) error {
	cells := make([]string, len(vals))
	for i, v := range vals {
		if v == nil {
			cells[i] = "NULL"
			continue
		}
		cells[i] = strings.ReplaceAll(valueText(v), "\n", " ")
	}
	if t.started {
		return t.write(cells)
	}
	// Kept past the call: a cell may view the batch being read (hunt
	// cat), whose memory the next batch is built in.
	for i, c := range cells {
		cells[i] = strings.Clone(c)
	}
	t.pending = append(t.pending, cells)
	if len(t.pending) >= tableSample {
		return t.start()
	}
	return nil
}

func (t *tableWriter) start() error {
	t.started = true
	t.bw = bufio.NewWriter(t.w)
	t.widths = make([]int, len(t.columns))
	for i, c := range t.columns {
		t.widths[i] = utf8.RuneCountInString(c)
	}
	for _, row := range t.pending {
		for i, c := range row {
			t.widths[i] = max(t.widths[i], utf8.RuneCountInString(c))
		}
	}
	fitWidths(t.widths, t.limit)
	if err := t.write(t.columns); err != nil {
		return err
	}
	sep := make([]string, len(t.columns))
	for i, w := range t.widths {
		sep[i] = strings.Repeat("-", w)
	}
	if err := t.write(sep); err != nil {
		return err
	}
	for _, row := range t.pending {
		if err := t.write(row); err != nil {
			return err
		}
	}
	t.pending = nil
	return nil
}

// fitWidths narrows the widest columns, all to one cap, until a row of
// widths (two spaces between columns) fits in limit; no column is cut
// below minCell. limit 0 leaves widths as they are.
func fitWidths(widths []int, limit int) {
	if limit <= 0 || len(widths) == 0 {
		return
	}
	avail := limit - 2*(len(widths)-1)
	total := func(c int) int {
		n := 0
		for _, w := range widths {
			n += min(w, c)
		}
		return n
	}
	widest := slices.Max(widths)
	if total(widest) <= avail {
		return
	}
	c := widest
	for c > minCell && total(c) > avail {
		c--
	}
	for i, w := range widths {
		widths[i] = min(w, c)
	}
}

func (t *tableWriter) write(cells []string) error {
	for i, c := range cells {
		if i > 0 {
			t.bw.WriteString("  ")
		}
		if t.limit > 0 {
			c = cut(c, t.widths[i])
		}
		t.bw.WriteString(c)
		if i < len(cells)-1 {
			if pad := t.widths[i] - utf8.RuneCountInString(c); pad > 0 {
				t.bw.WriteString(strings.Repeat(" ", pad))
			}
		}
	}
	_, err := t.bw.WriteString("\n")
	return err
}

func (t *tableWriter) Close() error {
	if !t.started {
		if err := t.start(); err != nil {
			return err
		}
	}
	return t.bw.Flush()
}

// cut shortens s to at most n runes, marking the cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// lineWriter writes each row vertically, one "column = value" per line
// with the names right-aligned and a blank line between rows, as DuckDB's
// .mode line does: wide rows stay readable and nothing is cut.
type lineWriter struct {
	w      *bufio.Writer
	names  []string // padded column names
	rowNum int
}

func newLineWriter(w io.Writer, columns []string) *lineWriter {
	width := 0
	for _, c := range columns {
		width = max(width, utf8.RuneCountInString(c))
	}
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = strings.Repeat(" ", width-utf8.RuneCountInString(c)) + c
	}
	return &lineWriter{w: bufio.NewWriter(w), names: names}
}

func (l *lineWriter) Row(vals []any) error {
	if l.rowNum > 0 {
		l.w.WriteByte('\n')
	}
	l.rowNum++
	for i, v := range vals {
		l.w.WriteString(l.names[i])
		l.w.WriteString(" = ")
		if v == nil {
			l.w.WriteString("NULL")
		} else {
			l.w.WriteString(valueText(v))
		}
		l.w.WriteByte('\n')
	}
	return nil
}

func (l *lineWriter) Close() error { return l.w.Flush() }
