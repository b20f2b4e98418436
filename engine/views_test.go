package engine

import (
	"runtime"
	"strings"
	"testing"
	"weak"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// TestPush_KeepsNoViews: between pushes a query keeps nothing of the
// batch it was pushed (its scratch held views of the batch's strings and
// arrays, keeping each hunt's last batch alive): once the caller lets the
// batch go, the collector frees its data buffer.
func TestPush_KeepsNoViews(t *testing.T) {
	for _, sql := range []string{
		"SELECT max(length(useragent)) FROM cloudtrail",
		"SELECT eventname, count(*) FROM cloudtrail WHERE useragent LIKE '%aws-cli%' GROUP BY eventname",
		"SELECT useragent, useridentity.arn FROM cloudtrail WHERE lower(useragent) LIKE '%x%' ORDER BY 1 LIMIT 3",
		"SELECT u FROM cloudtrail CROSS JOIN UNNEST(resources) AS t(u) WHERE useragent <> ''",
		// Streamed as views (hunt run's fold): the chunk's columns are
		// reused, and must not keep the batch's strings after the push.
		"STREAM VIEWS: SELECT useragent, eventname FROM cloudtrail WHERE useragent <> ''",
	} {
		t.Run(sql, func(t *testing.T) {
			views := strings.HasPrefix(sql, "STREAM VIEWS: ")
			q, err := Compile(strings.TrimPrefix(sql, "STREAM VIEWS: "), Options{})
			if err != nil {
				t.Fatal(err)
			}
			run := q.NewRun(1)
			streamed := 0
			if views {
				run.StreamViews(func(res *Result) error {
					streamed += res.Len()
					return nil
				})
			}
			rows := ctSample()
			for i := range rows {
				rows[i]["useragent"] = strings.Repeat("aws-cli/2 x ", 1000) // a buffer of its own
			}
			rec := buildRecord(memory.NewGoAllocator(), parsers.CloudTrailSchema, rows)
			col := rec.Column(parsers.CloudTrailSchema.FieldIndices("useragent")[0])
			data := col.Data().Buffers()[2].Bytes()
			wp := weak.Make(&data[0])
			data, col = nil, nil
			if err := run.Push(0, rec); err != nil {
				t.Fatal(err)
			}
			rec.Release()
			rec = nil
			for range 3 {
				runtime.GC()
			}
			if wp.Value() != nil {
				t.Errorf("the pushed batch's useragent buffer is still reachable after the push")
			}
			if views && streamed == 0 {
				t.Errorf("no row streamed")
			}
			if _, err := run.Finish(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
