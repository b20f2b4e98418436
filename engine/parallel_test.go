package engine

import (
	"strconv"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// TestParallelDeterminism pushes many batches from concurrent workers and
// checks every query gives the same result as one worker.
func TestParallelDeterminism(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []arrow.RecordBatch
	for k := 0; k < 24; k++ {
		var rows []map[string]any
		for i := 0; i < 300; i++ {
			n := k*300 + i
			rows = append(rows, ctRow([]string{"A", "B", "C", "D", "E"}[n%5], "u"+strconv.Itoa(n%37),
				"2024-03-0"+strconv.Itoa(1+n%9)+"T1"+strconv.Itoa(n%10)+":00:00Z", []string{"us-east-1", "eu-west-1"}[n%2], "1", map[string]any{
					"sourceipaddress": "10.0." + strconv.Itoa(n%3) + "." + strconv.Itoa(n%251),
					"resources":       []any{map[string]any{"arn": "r" + strconv.Itoa(n%7)}, map[string]any{"arn": "s" + strconv.Itoa(n%5)}},
				}))
		}
		recs = append(recs, buildRecord(mem, parsers.CloudTrailSchema, rows))
	}
	defer releaseAll(recs)
	queries := []string{
		"SELECT eventname, useridentity.username, count(*), count(DISTINCT sourceipaddress), min(eventtime), max_by(sourceipaddress, eventtime), array_agg(awsregion)[1] FROM cloudtrail GROUP BY 1, 2",
		"SELECT sourceipaddress, eventname FROM cloudtrail WHERE eventname IN ('A', 'C') AND sourceipaddress LIKE '10.0.1.%'",
		"SELECT r.arn, count(*) FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r) GROUP BY 1 ORDER BY 2 DESC, 1",
		"SELECT eventtime, sourceipaddress FROM cloudtrail ORDER BY eventtime DESC LIMIT 17",
		"SELECT DISTINCT awsregion, eventname FROM cloudtrail",
		"SELECT approx_distinct(useridentity.username), sum(length(sourceipaddress)), avg(length(eventname)) FROM cloudtrail",
	}
	for _, sql := range queries {
		want := resultText(runQuery(t, sql, 1, recs...))
		for _, workers := range []int{2, 5} {
			q, err := Compile(sql, Options{})
			if err != nil {
				t.Fatal(err)
			}
			r := q.NewRun(workers)
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := w; i < len(recs); i += workers {
						if err := r.Push(w, recs[i]); err != nil {
							t.Error(err)
							return
						}
					}
				}(w)
			}
			wg.Wait()
			res, err := r.Finish()
			if err != nil {
				t.Fatal(err)
			}
			if got := resultText(res); got != want {
				t.Errorf("%s with %d workers differs from 1 worker:\n%.500s\nwant\n%.500s", sql, workers, got, want)
			}
		}
	}
}
