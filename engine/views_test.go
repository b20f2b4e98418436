package engine

import (
	"math/rand/v2"
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

// TestVec_StrsCleared: strsCleared reports its strings clear only when
// every header is zero: a new buffer, or one whose views were dropped
// with nothing written since, however the rows of successive pushes
// grow and shrink (buffers reallocated), and never for a buffer handed
// in with strings (the dictionary cache's recycled ones). loadStrings
// skips its clear on that report, which the collector's barriers rely
// on.
func TestVec_StrsCleared(t *testing.T) {
	isClear := func(s []string) bool {
		for _, h := range stringHeaders(s) {
			if h.data != nil || h.len != 0 {
				return false
			}
		}
		return true
	}
	rng := rand.New(rand.NewPCG(7, 23))
	text := strings.Repeat("abcdefgh", 64)
	var v vec
	reported := 0
	for step := range 2000 {
		switch rng.IntN(4) {
		case 0:
			v.dropViews()
		default:
			v.n = 1 + rng.IntN(BatchRows*3/2)
			if rng.IntN(3) == 0 {
				v.n = 1 + rng.IntN(40)
			}
			s, cleared := v.strsCleared()
			if cleared {
				reported++
				if !isClear(s) {
					t.Fatalf("step %d: %d strings reported clear hold a string", step, v.n)
				}
			}
			for i := range s[:rng.IntN(len(s)+1)] {
				s[i] = text[:1+i%len(text)]
			}
		}
	}
	if reported < 200 {
		t.Fatalf("only %d loads found their strings clear", reported)
	}
	// A recycled buffer: strings throughout, the first 50 rows written
	// and dropped by a push, the rest never written.
	recycled := make([]string, 100)
	for i := range recycled {
		recycled[i] = "kept"
	}
	w := &vec{sb: recycled, n: 50}
	if _, cleared := w.strsCleared(); cleared {
		t.Fatal("a recycled buffer holding strings reported clear")
	}
	w.dropViews()
	for _, n := range []int{1, 50, 51, 53, 100} {
		w.n = n
		if s, cleared := w.strsCleared(); cleared != (n <= 50) || cleared && !isClear(s) {
			t.Fatalf("recycled buffer, %d rows after a push of 50: reported clear %v", n, cleared)
		}
		w.dropViews()
	}
}
