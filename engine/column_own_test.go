package engine

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// scribble overwrites every buffer of d and its children.
func scribble(d arrow.ArrayData) {
	for _, b := range d.Buffers() {
		if b == nil {
			continue
		}
		bs := b.Bytes()
		for i := range bs {
			bs[i] = 'X'
		}
	}
	for _, c := range d.Children() {
		scribble(c)
	}
	if dict, ok := d.Dictionary().(*array.Data); ok && dict != nil {
		scribble(dict)
	}
}

// TestResult_OwnsStrings: a result keeps nothing of the batches pushed
// (the engine does not Retain them): overwriting their buffers after
// Finish changes no value, nested ones (structs, lists, split's parts)
// included; nor the rows kept with AppendRow from StreamViews' chunks. A kept view would also pin each batch's data buffer.
func TestResult_OwnsStrings(t *testing.T) {
	for _, sql := range []string{
		"SELECT eventname, useridentity, resources, split(sourceipaddress, '.') AS parts FROM cloudtrail",
		"SELECT eventname, max_by(useridentity, eventtime) AS who, array_agg(resources) AS res FROM cloudtrail GROUP BY eventname",
		"SELECT useridentity.arn, resources FROM cloudtrail ORDER BY eventtime DESC",
	} {
		t.Run(sql, func(t *testing.T) {
			mem := memory.NewGoAllocator()
			rec := buildRecord(mem, parsers.CloudTrailSchema, ctSample())
			defer rec.Release()
			for _, mode := range []string{"finish", "stream", "views"} {
				q, err := Compile(sql, Options{})
				if err != nil {
					t.Fatal(err)
				}
				run := q.NewRun(1)
				var kept *Result
				keep := func(r *Result) error {
					if kept == nil {
						kept = r.Empty()
					}
					for i := range r.Len() {
						kept.AppendRow(r, i)
					}
					return nil
				}
				switch mode {
				case "stream":
					run.Stream(keep)
				case "views":
					run.StreamViews(keep)
				}
				if err := run.Push(0, rec); err != nil {
					t.Fatal(err)
				}
				res, err := run.Finish()
				if err != nil {
					t.Fatal(err)
				}
				if kept != nil {
					res = kept
				}
				before := resultText(res)
				if res.Len() == 0 {
					t.Fatal("no rows: the test proves nothing")
				}
				for i := range rec.NumCols() {
					scribble(rec.Column(int(i)).Data())
				}
				if after := resultText(res); after != before {
					t.Errorf("%s: the result changed with the batch's buffers:\nbefore %s\nafter  %s", mode, before, after)
				}
				rec = buildRecord(mem, parsers.CloudTrailSchema, ctSample())
			}
		})
	}
}
