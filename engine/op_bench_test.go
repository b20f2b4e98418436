package engine

import (
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// rawEventBytes is the size of a typical CloudTrail event as JSON text; the
// benchmarks report MB/s of raw input so they compare directly with the
// parser's throughput.
const rawEventBytes = 1400

// benchBatch builds a projected CloudTrail batch of n rows with realistic
// cardinalities: ~40 event names, 4 regions, 500 source IPs, 200 users.
func benchBatch(mem memory.Allocator, n int) arrow.RecordBatch {
	names := []string{"ConsoleLogin", "AssumeRole", "GetObject", "PutObject", "DescribeInstances", "CreateNetworkAclEntry"}
	for i := 0; len(names) < 40; i++ {
		names = append(names, "Describe"+strconv.Itoa(i))
	}
	regions := []string{"us-east-1", "us-west-2", "eu-west-1", "ap-south-1"}
	rows := make([]map[string]any, n)
	for i := range rows {
		r := map[string]any{
			"eventname":       names[(i*7)%len(names)],
			"awsregion":       regions[i%len(regions)],
			"sourceipaddress": "10.0." + strconv.Itoa(i%500/250) + "." + strconv.Itoa(i%250),
			"eventtime":       "2024-03-01T" + strconv.Itoa(10+i%10) + ":0" + strconv.Itoa(i%10) + ":00Z",
			"useridentity":    map[string]any{"arn": "arn:aws:iam::111111111111:user/u" + strconv.Itoa(i%200)},
		}
		if i%17 == 0 {
			r["errorcode"] = "AccessDenied"
		}
		rows[i] = r
	}
	schema := projectTestSchema([]string{"useridentity", "eventtime", "eventname", "awsregion", "sourceipaddress", "errorcode"})
	return buildRecord(mem, schema, rows)
}

// projectTestSchema keeps the named top-level columns of CloudTrailSchema,
// with useridentity reduced to arn, as a reader's projection would.
func projectTestSchema(cols []string) *arrow.Schema {
	var fields []arrow.Field
	for _, f := range parsers.CloudTrailSchema.Fields() {
		for _, c := range cols {
			if f.Name == c {
				if c == "useridentity" {
					f.Type = arrow.StructOf(arrow.Field{Name: "arn", Type: arrow.BinaryTypes.String, Nullable: true})
				}
				fields = append(fields, f)
			}
		}
	}
	return arrow.NewSchema(fields, nil)
}

var benchQueries = []struct{ name, sql string }{
	{"filter_dict", "SELECT count(*) FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND errorcode IS NULL"},
	{"filter_like", "SELECT count(*) FROM cloudtrail WHERE useridentity.arn LIKE '%user/u1%' AND awsregion IN ('us-east-1', 'eu-west-1')"},
	{"filter_cidr", "SELECT count(*) FROM cloudtrail WHERE contains('10.0.1.0/24', try_cast(sourceipaddress AS IPADDRESS))"},
	{"filter_time", "SELECT count(*) FROM cloudtrail WHERE from_iso8601_timestamp(eventtime) >= timestamp '2024-03-01 15:00:00'"},
	{"group_dict", "SELECT eventname, count(*) FROM cloudtrail GROUP BY eventname"},
	{"group_string", "SELECT sourceipaddress, count(*), max(eventtime) FROM cloudtrail GROUP BY sourceipaddress"},
	{"filter_group2", "SELECT awsregion, useridentity.arn, count(*) FROM cloudtrail WHERE errorcode IS NULL GROUP BY 1, 2"},
	{"top_n", "SELECT eventtime, useridentity.arn FROM cloudtrail ORDER BY eventtime DESC LIMIT 10"},
	{"group_minute", "SELECT date_trunc('minute', from_iso8601_timestamp(eventtime)), count(*) FROM cloudtrail GROUP BY 1"},
	{"filter_or", "SELECT count(*) FROM cloudtrail WHERE errorcode IS NOT NULL OR sourceipaddress LIKE '10.0.1.%'"},
	{"count_if", "SELECT eventname, count_if(errorcode IS NOT NULL) FROM cloudtrail GROUP BY 1"},
	{"case_arms", "SELECT count(*) FROM cloudtrail WHERE CASE WHEN errorcode IS NULL THEN awsregion WHEN eventname = 'ConsoleLogin' THEN 'x' ELSE lower(eventname) END = 'us-east-1'"},
}

// BenchmarkEngine runs filter and group-by queries over one 4096-row
// batch per iteration (MB/s of raw CloudTrail JSON the batch stands for).
func BenchmarkEngine(b *testing.B) {
	for _, bq := range benchQueries {
		b.Run(bq.name, func(b *testing.B) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(b, 0)
			rec := benchBatch(mem, BatchRows)
			defer rec.Release()
			q, err := Compile(bq.sql, Options{})
			if err != nil {
				b.Fatal(err)
			}
			r := q.NewRun(1)
			b.SetBytes(int64(rec.NumRows()) * rawEventBytes)
			b.ReportAllocs()
			for b.Loop() {
				if err := r.Push(0, rec); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := r.Finish(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// TestKernelAllocs locks in that steady-state filter and group-by pushes
// allocate nothing per row.
func TestKernelAllocs(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := benchBatch(mem, BatchRows)
	defer rec.Release()
	for _, bq := range benchQueries {
		q, err := Compile(bq.sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := q.NewRun(1)
		if err := r.Push(0, rec); err != nil { // warm up: groups, buffers
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(20, func() {
			if err := r.Push(0, rec); err != nil {
				t.Fatal(err)
			}
		})
		// A few allocations per batch (closures, small slices) are fine;
		// one per row is not. top_n clones up to LIMIT candidate strings
		// per batch: repeating one batch makes every push have some.
		limit := 16.0
		if bq.name == "top_n" {
			limit = 40
		}
		if allocs > limit {
			t.Errorf("%s: %.0f allocations per %d-row push; want a handful", bq.name, allocs, BatchRows)
		}
	}
}

// vpcBenchBatch builds a projected vpc_flow batch: 1000 source addresses,
// a third of the flows rejected, ports 0-1023.
func vpcBenchBatch(mem memory.Allocator, n int) arrow.RecordBatch {
	rows := make([]map[string]any, n)
	for i := range rows {
		action := "ACCEPT"
		if i%3 == 0 {
			action = "REJECT"
		}
		rows[i] = map[string]any{
			"srcaddr": "10." + strconv.Itoa(i%4) + "." + strconv.Itoa(i%250) + ".1", "dstaddr": "10.9.9.9",
			"dstport": i % 1024, "bytes": 40 * i, "start": 1709251200 + i%600, "end": 1709251260 + i%600,
			"action": action,
		}
	}
	var fields []arrow.Field
	for _, f := range parsers.VPCFlowSchema.Fields() {
		switch f.Name {
		case "srcaddr", "dstaddr", "dstport", "bytes", "start", "end", "action":
			fields = append(fields, f)
		}
	}
	return buildRecord(mem, arrow.NewSchema(fields, nil), rows)
}

// rawFlowBytes is the size of a typical flow-log line.
const rawFlowBytes = 110

// BenchmarkEngineVPC runs the seed's REJECT-per-minute hunt and friends
// over one 4096-row flow-log batch per iteration.
func BenchmarkEngineVPC(b *testing.B) {
	for _, bq := range []struct{ name, sql string }{
		{"reject_per_minute", "SELECT srcaddr, date_trunc('minute', from_unixtime(start)), count(*) FROM vpc_flow WHERE action = 'REJECT' GROUP BY 1, 2 HAVING count(*) > 100"},
		{"port_filter", "SELECT count(*), sum(bytes) FROM vpc_flow WHERE dstport IN (22, 3389) AND action = 'ACCEPT'"},
		{"cidr_sum", "SELECT dstaddr, sum(bytes) FROM vpc_flow WHERE NOT contains('10.1.0.0/16', CAST(srcaddr AS IPADDRESS)) GROUP BY 1"},
	} {
		b.Run(bq.name, func(b *testing.B) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(b, 0)
			rec := vpcBenchBatch(mem, BatchRows)
			defer rec.Release()
			q, err := Compile(bq.sql, Options{})
			if err != nil {
				b.Fatal(err)
			}
			r := q.NewRun(1)
			b.SetBytes(int64(rec.NumRows()) * rawFlowBytes)
			b.ReportAllocs()
			for b.Loop() {
				if err := r.Push(0, rec); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := r.Finish(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkResultFinish: a projection returning every row (a hunt that
// matches most events), its result merged from two workers and sorted by
// Finish.
func BenchmarkResultFinish(b *testing.B) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	rec := benchBatch(mem, BatchRows)
	defer rec.Release()
	q, err := Compile("SELECT eventtime, useridentity.arn, sourceipaddress, eventname FROM cloudtrail", Options{})
	if err != nil {
		b.Fatal(err)
	}
	const batches = 16
	b.SetBytes(batches * int64(rec.NumRows()) * rawEventBytes)
	b.ReportAllocs()
	for b.Loop() {
		r := q.NewRun(2)
		for i := range batches {
			if err := r.Push(i%2, rec); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := r.Finish(); err != nil {
			b.Fatal(err)
		}
	}
}
