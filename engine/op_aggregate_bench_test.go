package engine

import (
	"io"
	"math/rand/v2"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// manyGroupBatches builds nb flow-log batches whose sources rarely repeat
// (~nb*BatchRows/4 sources, each probing 4 ports of 2 targets within one
// five-minute bucket): the shape of vpc_port_scan over a large archive,
// where groups reach the millions.
func manyGroupBatches(mem memory.Allocator, nb int) []arrow.RecordBatch {
	schema := flowSchema("srcaddr", "dstaddr", "dstport", "bytes", "start", "end", "action")
	out := make([]arrow.RecordBatch, nb)
	for b := range out {
		rows := make([]map[string]any, BatchRows)
		for i := range rows {
			n := b*BatchRows + i
			src := n / 4
			rows[i] = map[string]any{
				"srcaddr": "10." + strconv.Itoa(src>>16&255) + "." + strconv.Itoa(src>>8&255) + "." + strconv.Itoa(src&255),
				"dstaddr": "172.16.0." + strconv.Itoa(n%2), "dstport": 1000 + n%4, "bytes": 100 + n%7,
				"start": 1709251200 + src%3600, "end": 1709251260 + src%3600, "action": "ACCEPT",
			}
		}
		out[b] = buildRecord(mem, schema, rows)
	}
	return out
}

// BenchmarkGroupMillions runs vpc_port_scan's and vpc_large_egress's
// grouping over 64 batches (262,144 rows, ~65,000 sources) per iteration,
// Push and Finish: COUNT(DISTINCT) pairs and multi-key group folds at
// scale, in memory and (_spill) past a 1 MiB budget. MB/s of raw flow-log
// text the rows stand for.
func BenchmarkGroupMillions(b *testing.B) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	recs := manyGroupBatches(mem, 64)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for _, bq := range []struct{ name, sql string }{
		{"count_distinct", "SELECT srcaddr, count(DISTINCT dstport), count(DISTINCT dstaddr), count(*) FROM vpc_flow GROUP BY srcaddr, start - start % 300 HAVING count(DISTINCT dstport) >= 50"},
		{"three_keys", "SELECT srcaddr, dstaddr, sum(bytes), min(start), max(\"end\") FROM vpc_flow WHERE action = 'ACCEPT' GROUP BY srcaddr, dstaddr, start - start % 3600 HAVING sum(bytes) >= 1073741824"},
	} {
		for _, spill := range []bool{false, true} {
			name, pool := bq.name, NewMemoryPool(-1)
			if spill {
				// A budget the groups pass a fifth of the way in: the
				// rest spills, and Finish merges the frozen groups into
				// every partition (what hunt run's shared budget does).
				name, pool = bq.name+"_spill", NewMemoryPool(1<<20)
			}
			benchGroups(b, name, bq.sql, Options{MemoryPool: pool, TempDir: b.TempDir()}, recs)
		}
	}
}

// BenchmarkGroupMillion groups 2,097,152 flow-log rows into 1,048,576
// groups that barely repeat (each source sends two flows in one
// minute, sources never come back): the three heavy flow hunts' grouping
// by (account, source, time bucket) with their aggregates, array_agg(DISTINCT
// "$path") included, then the lone query of the Parquet peer benchmark
// (one aggregate, two keys, a count). Each runs at the default budget, as
// hunt query runs it, and at 8 MiB shared by many aggregates (_spill), as in
// hunt run. The rows are built once (a few seconds). MB/s of raw flow-log text the rows stand for.
func BenchmarkGroupMillion(b *testing.B) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	recs := millionGroupBatches(mem, 512)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for _, bq := range []struct{ name, sql string }{
		{"port_scan", `SELECT account_id, srcaddr, count(DISTINCT dstport), count(DISTINCT dstaddr), count(*), count_if(action = 'ACCEPT'), min(start), max("end"), array_agg(DISTINCT "$path") FROM vpc_flow GROUP BY account_id, srcaddr, start - start % 300 HAVING count(DISTINCT dstport) >= 50`},
		{"reject_flood", `SELECT account_id, srcaddr, start - start % 60, count(*), count(DISTINCT dstport), min(start), max("end"), array_agg(DISTINCT "$path") FROM vpc_flow GROUP BY account_id, srcaddr, start - start % 60 HAVING count(*) > 100`},
		{"lone_count", "SELECT srcaddr, start / 60 * 60 AS minute, count(*) AS n FROM vpc_flow GROUP BY 1, 2 HAVING count(*) > 100"},
	} {
		benchGroups(b, bq.name, bq.sql, Options{TempDir: b.TempDir()}, recs)
		benchGroups(b, bq.name+"_spill", bq.sql, Options{MemoryPool: NewMemoryPool(8 << 20), TempDir: b.TempDir()}, recs)
	}
}

// millionGroupBatches builds nb batches of flow-log rows in which each
// source address sends two flows, a minute apart at most, and is never
// seen again: nb*BatchRows/2 groups by source and minute; "$path" names
// one object per four batches.
func millionGroupBatches(mem memory.Allocator, nb int) []arrow.RecordBatch {
	schema := flowSchema("srcaddr", "dstaddr", "dstport", "bytes", "start", "end", "action", "account_id", parsers.SourceColumn)
	out := make([]arrow.RecordBatch, nb)
	rows := make([]map[string]any, BatchRows)
	for b := range out {
		path := "s3://flow-logs/AWSLogs/111111111111/vpcflowlogs/eu-west-1/2026/01/05/fl-" + strconv.Itoa(b/4) + ".log.gz"
		for i := range rows {
			n := b*BatchRows + i
			src := n / 2
			t := 1709251200 + n/64
			rows[i] = map[string]any{
				"srcaddr": strconv.Itoa(src>>16&255) + "." + strconv.Itoa(src>>8&255) + "." + strconv.Itoa(src&255) + "." + strconv.Itoa(src>>24+1),
				"dstaddr": "172.16.0." + strconv.Itoa(n%2), "dstport": 1000 + n%4, "bytes": 100 + n%7,
				"start": t - t%60, "end": t - t%60 + 30, "action": []string{"ACCEPT", "REJECT"}[n%2],
				"account_id": "111111111111", parsers.SourceColumn: path,
			}
		}
		out[b] = buildRecord(mem, schema, rows)
	}
	return out
}

// benchGroups runs sql over recs as one sub-benchmark, Push and Finish.
func benchGroups(b *testing.B, name, sql string, opts Options, recs []arrow.RecordBatch) {
	b.Run(name, func(b *testing.B) {
		q, err := Compile(sql, opts)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(recs)*BatchRows) * rawFlowBytes)
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			r := q.NewRun(1)
			for _, rec := range recs {
				if err := r.Push(0, rec); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := r.Finish(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// reportCPU reports the process's CPU time per op (cpu-ns/op) from the
// call to the call of the function it returns: on a machine shared with
// other work, wall time per op varies with the load, CPU time much less.
func reportCPU(b *testing.B) func() {
	start := processCPUTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((processCPUTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkGroupKeys numbers the groups of 524,288 rows by two, three and
// four keys (an account, a source address, a time bucket, a port) with
// the grouper alone: 262,144 groups that repeat twice, as in the flow
// hunts' partitions. MB/s of the rows' key bytes.
func BenchmarkGroupKeys(b *testing.B) {
	const nb = 128
	accts, srcs, buckets, ports := make([]*vec, nb), make([]*vec, nb), make([]*vec, nb), make([]*vec, nb)
	bytes := 0
	for c := range nb {
		accts[c] = &vec{t: tString, n: BatchRows, s: make([]string, BatchRows)}
		srcs[c] = &vec{t: tString, n: BatchRows, s: make([]string, BatchRows)}
		buckets[c] = &vec{t: tInt, n: BatchRows, i: make([]int64, BatchRows)}
		ports[c] = &vec{t: tInt, n: BatchRows, i: make([]int64, BatchRows)}
		for i := range BatchRows {
			n := (c*BatchRows + i) / 2
			accts[c].s[i] = "11111111111" + strconv.Itoa(n%3)
			srcs[c].s[i] = "10." + strconv.Itoa(n>>16&255) + "." + strconv.Itoa(n>>8&255) + "." + strconv.Itoa(n&255)
			buckets[c].i[i] = 1709251200 + int64(n/4096*300)
			ports[c].i[i] = int64(n % 1024)
			bytes += len(accts[c].s[i]) + len(srcs[c].s[i]) + 16
		}
	}
	for _, nk := range []int{2, 3, 4} {
		b.Run("keys="+strconv.Itoa(nk), func(b *testing.B) {
			pick := map[int][]int{2: {1, 2}, 3: {0, 1, 2}, 4: {0, 1, 2, 3}}[nk]
			all := []*dtype{tString, tString, tInt, tInt}
			var types []*dtype
			for _, k := range pick {
				types = append(types, all[k])
			}
			b.SetBytes(int64(bytes))
			b.ReportAllocs()
			defer reportCPU(b)()
			var a arena
			g := newGrouper(types)
			for b.Loop() {
				g.reset()
				for c := range nb {
					a.reset()
					all := []*vec{accts[c], srcs[c], buckets[c], ports[c]}
					keys := make([]*vec, 0, 4)
					for _, k := range pick {
						keys = append(keys, all[k])
					}
					g.groupIDs(&a, keys, BatchRows)
				}
				if g.ngroups != nb*BatchRows/2 {
					b.Fatalf("%d groups", g.ngroups)
				}
			}
		})
	}
}

// BenchmarkSpillWrite writes 262,144 flow-log rows (vpc_port_scan's
// spilled columns: an account, a source, a bucket, a port, a target, a
// count_if flag, start, end, "$path") to a spill set, as a frozen
// aggregate does. MB/s of spill bytes written.
func BenchmarkSpillWrite(b *testing.B) {
	chunks := spillBenchChunks()
	dir := b.TempDir()
	var written int64
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		s := newSpillSet(dir, 0)
		for _, cols := range chunks {
			if err := s.write(cols, 3, BatchRows); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.finish(); err != nil {
			b.Fatal(err)
		}
		written = s.off
		s.close()
	}
	b.SetBytes(written)
}

// BenchmarkSpillLog writes the rows of BenchmarkSpillWrite to a log and
// counts them in vpc_port_scan's sketch (count(DISTINCT) of the port),
// as an aggregate with a HAVING bound spills (op_aggregate_sketch.go),
// then finds the rows of hot cells in the log as finishing does. MB/s
// of log bytes written.
func BenchmarkSpillLog(b *testing.B) {
	chunks := spillBenchChunks()
	q, err := Compile(`SELECT account_id, srcaddr, count(DISTINCT dstport), count(DISTINCT dstaddr), count(*), count_if(action = 'ACCEPT'),
		min(start), max("end"), array_agg(DISTINCT "$path") FROM vpc_flow GROUP BY account_id, srcaddr, start - start % 300
		HAVING count(DISTINCT dstport) >= 50`, Options{TempDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	o := aggregateOf(b, q)
	o.initSpill(1)
	if len(o.sp.types) != len(chunks[0]) || o.dist == nil {
		b.Fatalf("spilled columns %d, distinct bound %v; want %d and one", len(o.sp.types), o.dist != nil, len(chunks[0]))
	}
	var written int64
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		o.initSpill(1)
		o.ws = []*aggWorker{o.newWorker()}
		s, sk := newSpillLog(o.sp.dir), newHavingSketch(o)
		for _, cols := range chunks {
			if err := s.write(cols, 3, BatchRows); err != nil {
				b.Fatal(err)
			}
			sk.add(o, s.hash, cols, BatchRows)
		}
		written = s.off
		o.sp.sets[0], o.sp.sketches[0] = s, sk
		if err := o.sortLogs(groupHashes(o.ws)); err != nil {
			b.Fatal(err)
		}
		if o.sp.sets[0] != nil {
			o.sp.sets[0].close()
		}
	}
	b.SetBytes(written)
}

// BenchmarkSpillRead reads back, partition by partition as finishing
// does, the rows BenchmarkSpillWrite writes. MB/s of spill bytes read.
func BenchmarkSpillRead(b *testing.B) {
	chunks := spillBenchChunks()
	s := newSpillSet(b.TempDir(), 0)
	defer s.close()
	for _, cols := range chunks {
		if err := s.write(cols, 3, BatchRows); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.finish(); err != nil {
		b.Fatal(err)
	}
	types := make([]*dtype, len(chunks[0]))
	for c, v := range chunks[0] {
		types[c] = v.t
	}
	b.SetBytes(s.off)
	b.ReportAllocs()
	defer reportCPU(b)()
	var a arena
	var buf []byte
	for b.Loop() {
		rows := 0
		for p := range spillParts {
			sr := spillReader{f: s.f, blocks: s.blocks[p], types: types, buf: buf}
			for {
				a.reset()
				_, n, err := sr.next(&a)
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				rows += n
			}
			buf = sr.buf
		}
		if rows != len(chunks)*BatchRows {
			b.Fatalf("read %d rows; want %d", rows, len(chunks)*BatchRows)
		}
	}
}

// spillBenchChunks returns the 64 chunks of BenchmarkSpillWrite.
func spillBenchChunks() [][]*vec {
	const nb = 64
	chunks := make([][]*vec, nb)
	for c := range chunks {
		cols := []*vec{
			{t: tString, n: BatchRows, s: make([]string, BatchRows)}, {t: tString, n: BatchRows, s: make([]string, BatchRows)},
			{t: tInt, n: BatchRows, i: make([]int64, BatchRows)}, {t: tInt, n: BatchRows, i: make([]int64, BatchRows)},
			{t: tString, n: BatchRows, s: make([]string, BatchRows)}, {t: tInt, n: BatchRows, i: make([]int64, BatchRows), null: make([]bool, BatchRows)},
			{t: tInt, n: BatchRows, i: make([]int64, BatchRows)}, {t: tInt, n: BatchRows, i: make([]int64, BatchRows)},
			{t: tString, n: BatchRows, s: make([]string, BatchRows)},
		}
		for i := range BatchRows {
			n := c*BatchRows + i
			t := int64(1709251200 + n/16)
			cols[0].s[i] = "111111111111"
			cols[1].s[i] = "10." + strconv.Itoa(n>>16&255) + "." + strconv.Itoa(n>>8&255) + "." + strconv.Itoa(n&255)
			cols[2].i[i] = t - t%300
			cols[3].i[i] = int64(n*7919) % 65536
			cols[4].s[i] = "172.16." + strconv.Itoa(n%7) + "." + strconv.Itoa(n%250)
			cols[5].i[i], cols[5].null[i] = 1, n%2 == 0
			cols[6].i[i], cols[7].i[i] = t, t+int64(n%60)
			cols[8].s[i] = "s3://flow-logs/AWSLogs/111111111111/vpcflowlogs/eu-west-1/2026/01/05/fl-" + strconv.Itoa(c/4) + ".log.gz"
		}
		chunks[c] = cols
	}
	return chunks
}

// BenchmarkGroupPeer runs the two questions of bench/peer/grouping.mjs
// (issue 18), each an aggregate of one row over hundreds of thousands of
// groups, over 1,048,576 flow-log rows shaped like the 256 MiB generated
// corpus's: 3 accounts, ~29,000 sources, ~19,000 destinations and
// ~33,000 ports over a day, in no order. port_scan_groups makes ~260,000
// groups of (account, source, five minutes) with two COUNT(DISTINCT)s;
// large_egress_groups ~520,000 of (account, source, destination, hour)
// with a sum and a count: each flows through the whole operator chain,
// the inner aggregate's groups into the outer one. At the default budget
// (spilling past its table bound, as hunt query runs them) and in memory
// (_mem). MB/s of raw flow-log text the rows stand for.
func BenchmarkGroupPeer(b *testing.B) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	recs := peerFlowBatches(mem, 256)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for _, bq := range []struct{ name, sql string }{
		{"port_scan_groups", `SELECT count(*), sum(ports), sum(targets), sum(flows), max(ports) FROM (SELECT account_id, srcaddr, start - start % 300 AS bucket, count(DISTINCT dstport) AS ports,
    count(DISTINCT dstaddr) AS targets, count(*) AS flows FROM vpc_flow WHERE srcaddr IS NOT NULL AND protocol IN (6, 17) AND dstport < srcport
  GROUP BY account_id, srcaddr, start - start % 300) g`},
		{"large_egress_groups", `SELECT count(*), sum(bytes), sum(flows), max(bytes) FROM (SELECT account_id, srcaddr, dstaddr, start - start % 3600 AS hour, sum(bytes) AS bytes, count(*) AS flows
  FROM vpc_flow WHERE action = 'ACCEPT' GROUP BY account_id, srcaddr, dstaddr, start - start % 3600) g`},
	} {
		benchGroups(b, bq.name, bq.sql, Options{TempDir: b.TempDir()}, recs)
		benchGroups(b, bq.name+"_mem", bq.sql, Options{AggregateMemory: -1}, recs)
	}
}

// peerFlowBatches builds nb batches of flow-log rows for BenchmarkGroupPeer:
// row n belongs to conversation c (a permutation of n, halved, so a
// conversation's two flows are far apart), whose source, destination,
// port and time are hashes of c.
func peerFlowBatches(mem memory.Allocator, nb int) []arrow.RecordBatch {
	schema := flowSchema("account_id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "bytes", "start", "action")
	bld := array.NewRecordBuilder(mem, schema)
	defer bld.Release()
	ip := func(x uint64) string {
		return "10." + strconv.Itoa(int(x>>16&255)) + "." + strconv.Itoa(int(x>>8&255)) + "." + strconv.Itoa(int(x&255))
	}
	accts := []string{"431309979965", "672114516313", "761975611326"}
	total := uint64(nb * BatchRows)
	out := make([]arrow.RecordBatch, nb)
	fs := schema.Fields()
	for b := range out {
		for i := range BatchRows {
			n := uint64(b*BatchRows + i)
			c := (n * 0x9e3779b97f4a7c15 % total) / 2
			h := mix64(c + 1)
			src := h % 29000
			for j, f := range fs {
				fb := bld.Field(j)
				switch f.Name {
				case "account_id":
					fb.(*array.StringBuilder).Append(accts[src%3])
				case "srcaddr":
					fb.(*array.StringBuilder).Append(ip(src))
				case "dstaddr":
					fb.(*array.StringBuilder).Append(ip(1<<20 + h>>16%19000))
				case "srcport":
					fb.(*array.Int32Builder).Append(int32(1024 + h>>32%64000))
				case "dstport":
					fb.(*array.Int32Builder).Append(int32(n * 7919 % 33000))
				case "protocol":
					fb.(*array.Int64Builder).Append([]int64{6, 17, 6, 1}[h>>40%4])
				case "bytes":
					fb.(*array.Int64Builder).Append(int64(40 + n%100000))
				case "start":
					fb.(*array.Int64Builder).Append(int64(1767571200 + h>>44%86400))
				case "action":
					fb.(*array.BinaryDictionaryBuilder).AppendString([]string{"ACCEPT", "ACCEPT", "ACCEPT", "REJECT"}[n%4])
				}
			}
		}
		out[b] = bld.NewRecordBatch()
	}
	return out
}

// BenchmarkHavingSketchHot finds the hot cells of a full-size sketch
// (2^19 cells) whose counters are mostly small, as finishing a bounded
// spill does once per aggregate: vpc_port_scan's distinct bound and
// vpc_reject_flood's row bound, and vpc_large_egress's sum alone.
func BenchmarkHavingSketchHot(b *testing.B) {
	const from = ` FROM vpc_flow GROUP BY srcaddr, start - start % 60 HAVING `
	for _, bq := range []struct{ name, sql string }{
		{"distinct", `SELECT srcaddr, count(*), count(DISTINCT dstport)` + from + `count(DISTINCT dstport) >= 50`},
		{"rows", `SELECT srcaddr, count(*)` + from + `count(*) > 100`},
		{"sum", `SELECT srcaddr, count(*), sum(bytes)` + from + `sum(bytes) >= 1073741824`},
	} {
		b.Run(bq.name, func(b *testing.B) {
			q, err := Compile(bq.sql, Options{})
			if err != nil {
				b.Fatal(err)
			}
			o := aggregateOf(b, q)
			o.initSpill(1)
			sk := newHavingSketch(o)
			r := uint64(7)
			for _, cs := range [][]uint8{sk.rows, sk.dist} {
				for c := range cs {
					r ^= r << 13
					r ^= r >> 7
					r ^= r << 17
					cs[c] = uint8(r % 3)
				}
			}
			for c := range sk.sums {
				sk.sums[c] = uint32(c % 7)
			}
			b.ReportAllocs()
			for b.Loop() {
				sk.hot(o)
			}
		})
	}
}

// BenchmarkHashKeys hashes vpc_port_scan's spilled keys (an account, a
// source address in runs of one to three rows, with a null slice, and a
// time bucket) a batch at a time, as writing a log does.
func BenchmarkHashKeys(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	n := BatchRows
	acct := make([]string, n)
	addrs := make([]string, n)
	null := make([]bool, n)
	bucket := make([]int64, n)
	for i := 0; i < n; {
		a := strconv.Itoa(10+r.IntN(200)) + "." + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(r.IntN(256))
		for range 1 + r.IntN(2) {
			if i < n {
				acct[i], addrs[i], bucket[i] = "123456789012", a, int64(1700000000+i/100*300)
				i++
			}
		}
	}
	keys := []*vec{{t: tString, n: n, s: acct}, {t: tString, n: n, s: addrs, null: null}, {t: tInt, n: n, i: bucket}}
	var h, vh []uint64
	for b.Loop() {
		h = hashKeysInto(keys, n, h, &vh)
	}
}
