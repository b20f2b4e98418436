package engine

import (
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ruleSet returns n hunts over benchBatch's columns, each pinning
// eventname to one or two of its ~40 values (~2.5% of the rows each), as
// saved hunts and Sigma rules do. They aggregate, so pushing one batch
// again and again does not grow their output.
func ruleSet(n int) []string {
	names := []string{"ConsoleLogin", "AssumeRole", "GetObject", "PutObject", "DescribeInstances", "CreateNetworkAclEntry"}
	for i := 0; len(names) < 40; i++ {
		names = append(names, "Describe"+strconv.Itoa(i))
	}
	out := make([]string, n)
	for i := range out {
		a, b := names[i%len(names)], names[(i*7+3)%len(names)]
		switch i % 3 {
		case 0:
			out[i] = "SELECT useridentity.arn, sourceipaddress, max(eventtime) FROM cloudtrail WHERE eventname = '" + a + "' AND errorcode IS NULL AND sourceipaddress LIKE '10.0.1.%' GROUP BY 1, 2"
		case 1:
			out[i] = "SELECT useridentity.arn, count(*) FROM cloudtrail WHERE eventname IN ('" + a + "', '" + b + "') GROUP BY 1 HAVING count(*) > " + strconv.Itoa(1000+i)
		default:
			out[i] = "SELECT sourceipaddress, min(eventtime) FROM cloudtrail WHERE eventname = '" + a + "' AND awsregion = 'us-east-1' AND errorcode = 'AccessDenied' GROUP BY 1"
		}
	}
	return out
}

// BenchmarkRuleSet pushes one 4096-row batch per iteration to every hunt
// of a rule set: mode=batch is the batch-level gate (every hunt whose
// values the batch holds filters all its rows), mode=rows routes each
// hunt only its candidate rows (Gate.Rows, Run.PushRows). MB/s of raw
// CloudTrail JSON the batch stands for.
func BenchmarkRuleSet(b *testing.B) {
	for _, n := range []int{10, 100, 500} {
		for _, mode := range []string{"batch", "rows"} {
			b.Run("hunts="+strconv.Itoa(n)+"/mode="+mode, func(b *testing.B) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(b, 0)
				rec := benchBatch(mem, BatchRows)
				defer rec.Release()
				var runs []*Run
				var gates []Gate
				for _, sql := range ruleSet(n) {
					q, err := Compile(sql, Options{})
					if err != nil {
						b.Fatal(err)
					}
					runs = append(runs, q.NewRun(1))
					gates = append(gates, q.Gate("cloudtrail"))
				}
				var v BatchValues
				push := func() {
					v.Reset(rec)
					for i, r := range runs {
						var err error
						if mode == "batch" {
							if gates[i].Admits(&v) {
								err = r.Push(0, rec)
							}
						} else if rows, all := gates[i].Rows(&v); all {
							err = r.Push(0, rec)
						} else if len(rows) > 0 {
							err = r.PushRows(0, rec, rows)
						}
						if err != nil {
							b.Fatal(err)
						}
					}
				}
				push() // warm up: groups, buffers
				b.SetBytes(int64(rec.NumRows()) * rawEventBytes)
				b.ReportAllocs()
				stop := reportCPU(b)
				for b.Loop() {
					push()
				}
				stop()
				for _, r := range runs {
					if _, err := r.Finish(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkGateRows_Flow routes a flow batch's action column (ACCEPT,
// REJECT, about 1% NULL rows: NODATA lines) to a hunt gated on ACCEPT,
// one index and place of the column per iteration, as hunt run does per
// batch.
func BenchmarkGateRows_Flow(b *testing.B) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	codes, valid := make([]int32, BatchRows), make([]bool, BatchRows)
	x := uint32(1)
	for i := range codes {
		x = x*1664525 + 1013904223
		codes[i] = int32(x>>28) & 1
		if x>>20&0xff < 3 {
			codes[i] = 0
		} else {
			valid[i] = true
		}
	}
	col := newGateDictColumn(mem, []string{"ACCEPT", "REJECT"}, codes, valid)
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "action", Type: gateDictType, Nullable: true}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, BatchRows)
	defer rec.Release()
	q, err := Compile("SELECT count(*) FROM vpc_flow WHERE action = 'ACCEPT'", Options{})
	if err != nil {
		b.Fatal(err)
	}
	g := q.Gate("vpc_flow")
	var v BatchValues
	for b.Loop() {
		v.Reset(rec)
		if rows, all := g.Rows(&v); all || len(rows) == 0 {
			b.Fatal("no routing")
		}
	}
}
