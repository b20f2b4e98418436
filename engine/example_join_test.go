package engine_test

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/engine"
)

// trailBatch builds a small cloudtrail batch with the two columns the
// join below reads (a reader's projection).
func trailBatch(mem memory.Allocator) arrow.RecordBatch {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "eventname", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "sourceipaddress", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, r := range [][2]string{{"ConsoleLogin", "10.0.0.7"}, {"CreateAccessKey", "10.0.0.7"}, {"GetObject", "192.0.2.1"}} {
		b.Field(0).(*array.StringBuilder).Append(r[0])
		b.Field(1).(*array.StringBuilder).Append(r[1])
	}
	return b.NewRecordBatch()
}

// A query over two tables: push each batch with its table's name; the
// tables' batches may come in any order and from any worker.
func ExampleRun_PushTable() {
	q, err := engine.Compile(`
		SELECT c.eventname, count(v.srcaddr) AS flows
		FROM cloudtrail c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND v.action = 'ACCEPT'
		GROUP BY 1`, engine.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.Tables(), q.Columns("cloudtrail"), q.Columns("vpc_flow"))

	mem := memory.NewGoAllocator()
	flows, trail := flowBatch(mem), trailBatch(mem)
	defer flows.Release()
	defer trail.Release()
	run := q.NewRun(2)
	if err := run.PushTable(1, "vpc_flow", flows); err != nil {
		fmt.Println(err)
		return
	}
	if err := run.PushTable(0, "cloudtrail", trail); err != nil {
		fmt.Println(err)
		return
	}
	res, err := run.Finish()
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := 0; i < res.Len(); i++ {
		fmt.Println(res.Text(i, 0), res.Value(i, 1))
	}
	// Output:
	// [cloudtrail vpc_flow] [eventname sourceipaddress] [action srcaddr]
	// ConsoleLogin 100
	// CreateAccessKey 100
	// GetObject 0
}
