package engine_test

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/engine"
)

// flowBatch builds a small vpc_flow batch (a projection of
// parsers.VPCFlowSchema, as a reader with WithColumns returns it).
func flowBatch(mem memory.Allocator) arrow.RecordBatch {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "srcaddr", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "start", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "action", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i := 0; i < 300; i++ {
		src, action := "10.0.0.9", "REJECT"
		if i%3 == 0 {
			src, action = "10.0.0.7", "ACCEPT"
		}
		b.Field(0).(*array.StringBuilder).Append(src)
		b.Field(1).(*array.Int64Builder).Append(1709251200 + int64(i%60))
		if err := b.Field(2).(*array.BinaryDictionaryBuilder).AppendString(action); err != nil {
			panic(err)
		}
	}
	return b.NewRecordBatch()
}

// Compile a query, hand its column list to the reader, push batches from
// workers and read the result.
func Example() {
	q, err := engine.Compile(`
		SELECT srcaddr, date_trunc('minute', from_unixtime(start)) AS minute, count(*) AS rejects
		FROM vpc_flow_logs
		WHERE action = 'REJECT'
		GROUP BY 1, 2
		HAVING count(*) > 100`, engine.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.Columns("vpc_flow")) // for parsers.WithColumns

	mem := memory.NewGoAllocator()
	rec := flowBatch(mem)
	defer rec.Release()

	run := q.NewRun(2) // two workers
	if err := run.Push(0, rec); err != nil {
		fmt.Println(err)
		return
	}
	res, err := run.Finish()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Columns, res.Types)
	for i := 0; i < res.Len(); i++ {
		fmt.Println(res.Text(i, 0), res.Text(i, 1), res.Value(i, 2))
	}
	// Output:
	// [action srcaddr start]
	// [srcaddr minute rejects] [varchar timestamp(3) bigint]
	// 10.0.0.9 2024-03-01 00:00:00.000 200
}

// Errors point at the offending token and say what was expected.
func ExampleCompile_error() {
	_, err := engine.Compile("SELECT eventname\nFROM cloudtrail\nWHERE evntname = 'ConsoleLogin'", engine.Options{Source: "queries/login.sql"})
	fmt.Println(err)
	_, err = engine.Compile("SELECT approx_percentile(bytes, 0.9) FROM vpc_flow", engine.Options{})
	fmt.Println(err)
	// Output:
	// queries/login.sql:3:7: expected a column of cloudtrail, found "evntname"
	// query:1:8: aggregate function approx_percentile is not supported by the local engine; run the query with --engine athena
}

// Pruning tells archive which objects can hold matching rows.
func ExampleQuery_Pruning() {
	q, err := engine.Compile(`SELECT eventname FROM cloudtrail
		WHERE eventtime >= '2024-03-01T00:00:00Z' AND eventtime < '2024-03-02T00:00:00Z'
		  AND recipientaccountid IN ('111111111111', '222222222222') AND awsregion = 'us-east-1'`, engine.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := q.Pruning("cloudtrail")
	fmt.Println(p.Since, p.Until)
	fmt.Println(p.Accounts, p.Regions)
	// Output:
	// 2024-03-01 00:00:00 +0000 UTC 2024-03-02 00:00:00 +0000 UTC
	// [111111111111 222222222222] [us-east-1]
}

// Parse and String give the canonical form `hunt fmt` prints.
func ExampleParse() {
	stmt, err := engine.Parse("select eventName, count(*) c from cloudtrail where errorCode is not null group by 1 order by c desc limit 5")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(stmt)
	// Output:
	// SELECT eventname, count(*) AS c FROM cloudtrail WHERE errorcode IS NOT NULL GROUP BY 1 ORDER BY c DESC LIMIT 5
}
