package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
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

// newRowWriter returns the writer for format ("table", "json", "csv").
func newRowWriter(format string, w io.Writer, columns []string) (rowWriter, error) {
	switch format {
	case "table":
		return &tableWriter{w: w, columns: columns}, nil
	case "json":
		return &jsonWriter{w: bufio.NewWriter(w), columns: columns}, nil
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(columns); err != nil {
			return nil, err
		}
		return &csvWriter{w: cw, rec: make([]string, len(columns))}, nil
	}
	return nil, fmt.Errorf("--output: expected table, json or csv, found %q", format)
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
// and then streams, so a long output is not held in memory; cells wider than
// maxCell are cut with an ellipsis.
type tableWriter struct {
	w       io.Writer
	columns []string
	pending [][]string
	widths  []int
	started bool
	bw      *bufio.Writer
}

const (
	tableSample = 500
	maxCell     = 60
)

func (t *tableWriter) Row(vals []any) error {
	cells := make([]string, len(vals))
	for i, v := range vals {
		if v == nil {
			cells[i] = "NULL"
			continue
		}
		cells[i] = cut(strings.ReplaceAll(valueText(v), "\n", " "), maxCell)
	}
	if t.started {
		return t.write(cells)
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

func (t *tableWriter) write(cells []string) error {
	for i, c := range cells {
		if i > 0 {
			t.bw.WriteString("  ")
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
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
