package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// TestNewTable shows what adding a log type takes: a reader and one
// descriptor (here both in this file, for a toy alert log of a few JSON
// lines). With the descriptor in parsers.Tables, hunt query routes the
// objects to its reader by their content, binds the table in SQL, and
// prunes and filters on its time column, through the same scan every
// command runs. A real table also adds its archive key kind, its Athena
// DDL and its hunts.
func TestNewTable(t *testing.T) {
	toy := &parsers.Table{
		Name:          "toy_alerts",
		AthenaNames:   []string{"toy_alerts_logs"},
		Schema:        toySchema,
		TimeColumns:   []string{"ts"},
		TimeUnit:      parsers.TimeISO8601,
		AccountColumn: "account",
		RegionColumn:  "region",
		CatColumns:    []string{"ts", "host", "level"},
		Sniff:         func(head []byte) bool { return bytes.HasPrefix(head, []byte(`{"alert":`)) },
		NewReader: func(r io.Reader, source string, _ ...parsers.Option) (parsers.Reader, error) {
			return &toyReader{sc: bufio.NewScanner(r), source: source}, nil
		},
	}
	saved := parsers.Tables
	parsers.Tables = append([]*parsers.Table{toy}, saved...) // before CloudTrail: both start with '{'
	t.Cleanup(func() { parsers.Tables = saved })

	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.json", `{"alert":"disk full","ts":"2024-03-05T10:00:00Z","host":"web-1","level":3,"account":"111122223333","region":"eu-west-1"}
{"alert":"login burst","ts":"2024-03-05T11:00:00Z","host":"web-2","level":5,"account":"111122223333","region":"eu-west-1"}
`)
	write("b.json", `{"alert":"cpu hot","ts":"2024-03-06T09:30:00Z","host":"web-1","level":4,"account":"444455556666","region":"us-east-1"}
`)
	// A CloudTrail object beside them is of another table.
	write("trail.json", `{"Records":[{"eventVersion":"1.08","eventTime":"2024-03-05T10:00:00Z","eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com"}]}`)

	code, out, errOut := runHunt(t, "query", "--output", "csv",
		"SELECT host, count(*) AS n, max(level) AS worst FROM toy_alerts_logs WHERE level >= 4 GROUP BY host ORDER BY host", dir)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	if want := "host,n,worst\nweb-1,1,4\nweb-2,1,5\n"; out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if !strings.Contains(errOut, "2 objects read, 0 failed, 1 of another table") {
		t.Errorf("summary: %s", errOut)
	}
	// The time column prunes and filters as eventtime does for CloudTrail.
	code, out, errOut = runHunt(t, "query", "--output", "csv",
		"SELECT alert FROM toy_alerts WHERE ts >= '2024-03-06T00:00:00Z'", dir)
	if code != exitOK || out != "alert\ncpu hot\n" {
		t.Errorf("exit %d, out %q; stderr:\n%s", code, out, errOut)
	}
	// hunt cat knows its default columns.
	code, out, errOut = runHunt(t, "cat", "--output", "csv", filepath.Join(dir, "b.json"))
	if code != exitOK || out != "ts,host,level\n2024-03-06T09:30:00Z,web-1,4\n" {
		t.Errorf("cat: exit %d, out %q; stderr:\n%s", code, out, errOut)
	}
}

var toySchema = arrow.NewSchema([]arrow.Field{
	{Name: "alert", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ts", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "host", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "level", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "account", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "region", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: parsers.SourceColumn, Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// toyReader reads the toy table's JSON lines, every column, one batch per
// object (a test reader: the real ones stream, project and never use
// encoding/json).
type toyReader struct {
	sc      *bufio.Scanner
	source  string
	batch   arrow.RecordBatch
	stats   parsers.Stats
	rejects parsers.ErrorList
	err     error
	done    bool
}

func (r *toyReader) Next() bool {
	if r.done {
		return false
	}
	r.done = true
	b := array.NewRecordBuilder(memory.DefaultAllocator, toySchema)
	defer b.Release()
	line := 0
	for r.sc.Scan() {
		line++
		var rec struct {
			Alert, TS, Host, Account, Region string
			Level                            int64
		}
		if err := json.Unmarshal(r.sc.Bytes(), &rec); err != nil {
			r.stats.Rejected++
			r.rejects.Add(&parsers.ParseError{Source: r.source, Line: line, Err: fmt.Errorf("%w: %v", parsers.ErrSyntax, err)})
			continue
		}
		for i, s := range []string{rec.Alert, rec.TS, rec.Host} {
			b.Field(i).(*array.StringBuilder).Append(s)
		}
		b.Field(3).(*array.Int64Builder).Append(rec.Level)
		b.Field(4).(*array.StringBuilder).Append(rec.Account)
		b.Field(5).(*array.StringBuilder).Append(rec.Region)
		b.Field(6).(*array.StringBuilder).Append(r.source)
		r.stats.Records++
	}
	r.err = r.sc.Err()
	r.batch = b.NewRecordBatch()
	return r.batch.NumRows() > 0
}

func (r *toyReader) Batch() arrow.RecordBatch    { return r.batch }
func (r *toyReader) Err() error                  { return r.err }
func (r *toyReader) Stats() parsers.Stats        { return r.stats }
func (r *toyReader) Rejects() *parsers.ErrorList { return &r.rejects }
func (r *toyReader) Release() {
	if r.batch != nil {
		r.batch.Release()
	}
}
