package main

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"
)

const longARN = "arn:aws:sts::111122223333:assumed-role/OrganizationAccountAccessRole/alice@example.com-1700000000"

// writeTable writes rows through newRowWriter to a console of the given
// terminal width (0: a pipe or file) and --max-width.
func writeTable(t *testing.T, format string, width int, maxWidth string, columns []string, rows ...[]any) string {
	t.Helper()
	var buf bytes.Buffer
	con := &console{Writer: &buf, stderr: &buf, width: width}
	if maxWidth != "" {
		if err := con.maxWidth.Set(maxWidth); err != nil {
			t.Fatal(err)
		}
	}
	w, err := newRowWriter(format, con, columns)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestTableWriter_Width: in a pipe or file nothing is cut, however long;
// in a terminal the widest columns are narrowed so a row fits its width;
// --max-width overrides both (0 = never cut).
func TestTableWriter_Width(t *testing.T) {
	cols := []string{"arn", "event", "uri"}
	row := []any{longARN, "AssumeRole", "s3://trail-bucket/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/05/x.json.gz"}
	for _, tc := range []struct {
		name     string
		width    int
		maxWidth string
		wantMax  int  // longest line, runes (0: no limit)
		wantFull bool // the ARN appears whole
	}{
		{"pipe", 0, "", 0, true},
		{"wide terminal", 300, "", 300, true},
		{"narrow terminal", 80, "", 80, false},
		{"max-width in a pipe", 0, "60", 60, false},
		{"max-width 0 in a terminal", 80, "0", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := writeTable(t, "table", tc.width, tc.maxWidth, cols, row)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != 3 {
				t.Fatalf("got %d lines; want header, rule, row:\n%s", len(lines), out)
			}
			for _, l := range lines {
				if n := len([]rune(l)); tc.wantMax > 0 && n > tc.wantMax {
					t.Errorf("line of %d runes; want at most %d:\n%s", n, tc.wantMax, l)
				}
			}
			if got := strings.Contains(out, longARN); got != tc.wantFull {
				t.Errorf("whole ARN shown: %v; want %v:\n%s", got, tc.wantFull, out)
			}
			if !tc.wantFull && !strings.Contains(lines[2], "…") {
				t.Errorf("a cut cell has no ellipsis:\n%s", out)
			}
			if !strings.Contains(lines[2], "AssumeRole") {
				t.Errorf("a narrow column was cut too:\n%s", out)
			}
		})
	}
}

func TestFitWidths(t *testing.T) {
	for _, tc := range []struct {
		widths []int
		limit  int
		want   []int
	}{
		{[]int{10, 100, 20}, 0, []int{10, 100, 20}},
		{[]int{10, 100, 20}, 200, []int{10, 100, 20}},
		{[]int{10, 100, 20}, 60, []int{10, 26, 20}},    // only the widest narrows: 10+26+20+4 = 60
		{[]int{10, 100, 90}, 60, []int{10, 23, 23}},    // both wide ones share what is left
		{[]int{50, 50, 50, 50}, 10, []int{6, 6, 6, 6}}, // never below minCell
	} {
		got := append([]int(nil), tc.widths...)
		fitWidths(got, tc.limit)
		if !slicesEqual(got, tc.want) {
			t.Errorf("fitWidths(%v, %d) = %v; want %v", tc.widths, tc.limit, got, tc.want)
		}
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestLineWriter: --output line prints one "column = value" per line, the
// names right-aligned, a blank line between rows, nothing cut.
func TestLineWriter(t *testing.T) {
	out := writeTable(t, "line", 40, "", []string{"arn", "eventname"}, []any{longARN, "AssumeRole"}, []any{nil, "StopLogging"})
	want := "      arn = " + longARN + "\neventname = AssumeRole\n\n      arn = NULL\neventname = StopLogging\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

// TestOutputFlags: --output line and --max-width reach the commands, a
// file is never cut, and a bad --max-width is a usage error.
func TestOutputFlags(t *testing.T) {
	code, out, errOut := runHunt(t, "cat", "--columns", "useridentity.arn", "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || !strings.Contains(out, "arn:aws:sts::111122223333:assumed-role/OpsAdmin/alice@example.com") {
		t.Errorf("table to a file: exit %d; want ARNs uncut:\n%s%s", code, out, errOut)
	}
	code, out, errOut = runHunt(t, "cat", "--output", "line", "--columns", "eventname,useridentity.arn", "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || !strings.Contains(out, "\nuseridentity.arn = arn:aws:sts::111122223333:assumed-role/OpsAdmin/alice@example.com\n") {
		t.Errorf("--output line: exit %d:\n%s%s", code, out, errOut)
	}
	code, out, errOut = runHunt(t, "cat", "--max-width", "30", "--columns", "useridentity.arn", "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || strings.Contains(out, "alice@example.com") || !strings.Contains(out, "…") {
		t.Errorf("--max-width 30: exit %d; want cut cells:\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runHunt(t, "cat", "--max-width", "wide", "x"); code != exitUsage || !strings.Contains(errOut, "--max-width") {
		t.Errorf("--max-width wide: exit %d:\n%s", code, errOut)
	}
}

// TestTerminalWidth: a pipe is not a terminal, so nothing is cut there.
func TestTerminalWidth(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	t.Setenv("COLUMNS", "50")
	if got := terminalWidth(w); got != 0 {
		t.Errorf("terminalWidth(pipe) = %d; want 0", got)
	}
	if got := newConsole(w, w).tableWidth(); got != 0 {
		t.Errorf("a pipe's table width = %d; want 0 (no limit)", got)
	}
}

// TestValueText_Doubles: cells print doubles as Trino (and so Athena's
// results) do, not as Go's %g.
func TestValueText_Doubles(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{
		{4, "4.0"}, {0.1, "0.1"}, {-2.5, "-2.5"}, {1.7e9, "1.7E9"}, {1e7, "1.0E7"}, {9999999, "9999999.0"},
		{1e-3, "0.001"}, {1e-4, "1.0E-4"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"}, {math.NaN(), "NaN"}, {0, "0.0"},
	} {
		if got := valueText(tt.v); got != tt.want {
			t.Errorf("valueText(%v) = %q; want %q", tt.v, got, tt.want)
		}
	}
	got := writeTable(t, "csv", 0, "", []string{"d"}, []any{1.7e9})
	if !strings.Contains(got, "1.7E9") {
		t.Errorf("CSV of 1.7e9: %q; want 1.7E9", got)
	}
}
