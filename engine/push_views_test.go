package engine

import (
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestRun_KeepsNoViewPastPush: the state a query keeps between pushes
// (groups, aggregates, join and sort buffers, windows) holds copies, not
// views of the batches pushed: scan builds each batch in the memory of
// the ones released before it (parsers.Recycler), which this test plays
// by overwriting each batch's buffers once it is pushed. The answers must
// be those of batches left alone.
func TestRun_KeepsNoViewPastPush(t *testing.T) {
	for _, sql := range []string{
		"SELECT eventname, count(*) AS n, min(sourceipaddress) AS lo, max(useragent) AS hi FROM cloudtrail GROUP BY eventname",
		"SELECT eventname, array_agg(split(sourceipaddress, '.')) AS parts FROM cloudtrail GROUP BY eventname",
		"SELECT eventname, max_by(split(sourceipaddress, '.'), eventtime) AS last FROM cloudtrail GROUP BY eventname",
		"SELECT eventname, min_by(sourceipaddress, eventtime) AS first, array_agg(DISTINCT awsregion) AS regions FROM cloudtrail GROUP BY eventname",
		"SELECT count(DISTINCT sourceipaddress) AS n, count(DISTINCT useridentity.arn) AS arns FROM cloudtrail",
		"SELECT sourceipaddress, eventname FROM cloudtrail ORDER BY eventtime DESC, eventname",
		"SELECT DISTINCT eventname, awsregion FROM cloudtrail",
		"SELECT eventname, sourceipaddress, row_number() OVER (PARTITION BY eventname ORDER BY eventtime) AS k FROM cloudtrail",
		"SELECT a.eventname, b.sourceipaddress FROM cloudtrail a JOIN cloudtrail b ON a.sourceipaddress = b.sourceipaddress",
		"SELECT eventname FROM cloudtrail UNION SELECT sourceipaddress FROM cloudtrail",
	} {
		t.Run(sql, func(t *testing.T) {
			run := func(scrawl bool) string {
				q, err := Compile(sql, Options{})
				if err != nil {
					t.Fatal(err)
				}
				r := q.NewRun(1)
				recs := ctRecords(memory.NewGoAllocator(), 2)
				defer releaseAll(recs)
				for _, rec := range recs {
					if err := r.Push(0, rec); err != nil {
						t.Fatal(err)
					}
					if scrawl {
						for i := range rec.NumCols() {
							scribble(rec.Column(int(i)).Data())
						}
					}
				}
				res, err := r.Finish()
				if err != nil {
					t.Fatal(err)
				}
				if res.Len() == 0 {
					t.Fatal("no rows: the test proves nothing")
				}
				return sortedLines(resultText(res))
			}
			if want, got := run(false), run(true); got != want {
				t.Errorf("the answer changed with the pushed batches' buffers:\nwant %s\ngot  %s", want, got)
			}
		})
	}
}

// sortedLines is text's lines sorted (the answers of queries without
// ORDER BY come in any order).
func sortedLines(text string) string {
	l := strings.Split(text, "\n")
	slices.Sort(l)
	return strings.Join(l, "\n")
}
