package parsers

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// vpcFlowSink keeps benchmark results live.
var vpcFlowSink int64

// vpcFlowBenchInput returns a realistic flow-log file of about size bytes:
// varied addresses, ports and counters, some NODATA lines.
func vpcFlowBenchInput(v5 bool, size int) []byte {
	var b bytes.Buffer
	if v5 {
		b.WriteString(flowHeaderV5 + "\n")
	} else {
		b.WriteString(flowHeaderV2 + "\n")
	}
	actions := []string{"ACCEPT", "ACCEPT", "ACCEPT", "REJECT"}
	for i := 0; b.Len() < size; i++ {
		if i%50 == 49 {
			fmt.Fprintf(&b, "%d 123456789012 eni-0%016x - - - - - - - %d %d - NODATA", 2+3*btoi(v5), i%97, 1700000000+i/10, 1700000060+i/10)
			if v5 {
				b.WriteString(" vpc-09676f97a1b2c3b8a subnet-02d645a1b2c3ddbc0 i-0a1b2c3d4e5f1ad77 - - - - us-east-1 use1-az5 - - - - - -")
			}
			b.WriteByte('\n')
			continue
		}
		src := fmt.Sprintf("10.%d.%d.%d", i%7, i%251, (i*7)%253+1)
		dst := fmt.Sprintf("%d.%d.%d.%d", 52+i%13, (i*3)%256, (i*11)%256, i%254+1)
		fmt.Fprintf(&b, "%d 123456789012 eni-0%016x %s %s %d %d %d %d %d %d %d %s OK",
			2+3*btoi(v5), i%97, src, dst, 1024+(i*7919)%64000, []int{443, 80, 22, 53, 3389}[i%5], []int{6, 6, 17, 1}[i%4],
			1+i%300, 40+(i*37)%150000, 1700000000+i/10, 1700000060+i/10, actions[i%4])
		if v5 {
			fmt.Fprintf(&b, " vpc-09676f97a1b2c3b8a subnet-02d645a1b2c3ddbc0 i-0a1b2c3d4e5f1ad77 %d IPv4 %s %s us-east-1 use1-az5 - - - %s %s %s",
				[]int{2, 18, 3, 19, 0}[i%5], src, dst, []string{"-", "S3", "AMAZON", "-"}[i%4], []string{"ingress", "egress"}[i%2], []string{"-", "1", "2", "7"}[i%4])
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkVPCFlow reads 8 MiB of v2 and v5 lines, uncompressed, projected
// onto six hunt columns and onto the full schema.
func BenchmarkVPCFlow(b *testing.B) {
	projections := []struct {
		name string
		cols []string
		eq   map[string][]string
	}{
		{"cols=1-first", []string{"version"}, nil},   // line split only
		{"cols=1-last", []string{"log_status"}, nil}, // every field located
		{"cols=6", []string{"srcaddr", "dstaddr", "dstport", "protocol", "bytes", "action"}, nil},
		{"cols=reject", []string{"srcaddr", "start", "action"}, nil},                                          // bench.PeerQueries' flow_reject_per_minute
		{"cols=reject/eq", []string{"srcaddr", "start", "action"}, map[string][]string{"action": {"REJECT"}}}, // as hunt query reads it
		{"cols=all", nil, nil},
	}
	for _, shape := range []struct {
		name string
		v5   bool
	}{{"v2", false}, {"v5", true}} {
		in := vpcFlowBenchInput(shape.v5, 8<<20)
		for _, proj := range projections {
			b.Run(shape.name+"/"+proj.name, func(b *testing.B) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(b, 0)
				r := bytes.NewReader(in)
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				for b.Loop() {
					r.Reset(in)
					p, err := NewVPCFlowReader(r, "bench.log", WithAllocator(mem), WithColumns(proj.cols...), WithEqual(proj.eq))
					if err != nil {
						b.Fatal(err)
					}
					drainFlowBench(b, p)
				}
			})
		}
	}
}

// BenchmarkVPCFlowSource reads 8 MiB of v2 and v5 lines as hunt query
// reads the REJECT hunt's columns, from a stream (copied into the
// reader's buffer) and from an [InMemory] source (an object inflated
// whole, parsed where it lies).
func BenchmarkVPCFlowSource(b *testing.B) {
	cols := []string{"srcaddr", "start", "action"}
	eq := map[string][]string{"action": {"REJECT"}}
	for _, shape := range []struct {
		name string
		v5   bool
	}{{"v2", false}, {"v5", true}} {
		in := vpcFlowBenchInput(shape.v5, 8<<20)
		for _, src := range []string{"stream", "in-memory"} {
			b.Run(shape.name+"/"+src, func(b *testing.B) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(b, 0)
				r := bytes.NewReader(in)
				m := &memSource{}
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				for b.Loop() {
					var from io.Reader = r
					if src == "stream" {
						r.Reset(in)
					} else {
						m.b, from = in, m
					}
					p, err := NewVPCFlowReader(from, "bench.log", WithAllocator(mem), WithColumns(cols...), WithEqual(eq))
					if err != nil {
						b.Fatal(err)
					}
					drainFlowBench(b, p)
				}
			})
		}
	}
}

// BenchmarkVPCFlowParallel runs one reader per goroutine, as the engine
// does with one object per worker.
func BenchmarkVPCFlowParallel(b *testing.B) {
	in := vpcFlowBenchInput(false, 4<<20)
	cols := strings.Fields("srcaddr dstaddr dstport protocol bytes action")
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer() // RunParallel has no b.Loop to exclude the setup
	b.RunParallel(func(pb *testing.PB) {
		r := bytes.NewReader(in)
		for pb.Next() {
			r.Reset(in)
			p, err := NewVPCFlowReader(r, "bench.log", WithAllocator(mem), WithColumns(cols...))
			if err != nil {
				b.Error(err)
				return
			}
			for p.Next() {
			}
			p.Release()
		}
	})
}

// BenchmarkVPCFlowParquet reads a Parquet file made from the v5 benchmark
// text (AWS's schema and GZIP codec); MB/s are of the file's size.
func BenchmarkVPCFlowParquet(b *testing.B) {
	text := vpcFlowBenchInput(true, 4<<20)
	var rows []awsFlowParquetRow
	for i, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		if i > 0 {
			rows = append(rows, awsFlowRowFromText(b, line))
		}
	}
	var file bytes.Buffer
	writeAWSFlowParquet(b, &file, rows, 1<<20)
	data := file.Bytes()
	for _, proj := range []struct {
		name string
		cols []string
	}{
		{"cols=6", []string{"srcaddr", "dstaddr", "dstport", "protocol", "bytes", "action"}},
		{"cols=reject", []string{"srcaddr", "start", "action"}},
		{"cols=all", nil},
	} {
		b.Run(proj.name, func(b *testing.B) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(b, 0)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				p, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "bench.parquet", Pruning{}, WithAllocator(mem), WithColumns(proj.cols...))
				if err != nil {
					b.Fatal(err)
				}
				for p.Next() {
					vpcFlowSink += p.Batch().NumRows()
				}
				if p.Err() != nil || p.Stats().Records != int64(len(rows)) {
					b.Fatal(p.Err(), p.Stats())
				}
				p.Release()
			}
		})
	}
}

// BenchmarkVPCFlowLine parses one realistic v2 line over and over into
// the columns, without reading or building batches: the per-line cost of
// locating and converting fields alone.
func BenchmarkVPCFlowLine(b *testing.B) {
	for _, proj := range []struct {
		name string
		cols []string
	}{
		{"cols=1-last", []string{"log_status"}},
		{"cols=6", []string{"srcaddr", "dstaddr", "dstport", "protocol", "bytes", "action"}},
		{"cols=reject", []string{"srcaddr", "start", "action"}},
		{"cols=all", nil},
	} {
		b.Run(proj.name, func(b *testing.B) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(b, 0)
			const sample = "2 123456789012 eni-0a1b2c3d4e5f60718 10.3.117.52 54.174.201.17 51234 443 6 12 5180 1700000003 1700000058 ACCEPT OK"
			// More than one buffer of input, so the columns are sized
			// for BatchRows rather than for a small object.
			in := flowHeaderV2 + "\n" + strings.Repeat(sample+"\n", 1000)
			p, err := NewVPCFlowReader(strings.NewReader(in), "bench.log", WithAllocator(mem), WithColumns(proj.cols...))
			if err != nil {
				b.Fatal(err)
			}
			defer p.Release()
			if p.maxRows != BatchRows {
				b.Fatalf("columns for %d rows; want %d", p.maxRows, BatchRows)
			}
			buf := make([]byte, 0, 256)
			buf = append(buf, sample...)
			line := buf[:len(buf):cap(buf)]
			b.SetBytes(int64(len(line) + 1))
			b.ReportAllocs()
			for b.Loop() {
				if p.rows == BatchRows {
					for _, c := range p.cols {
						c.reset()
					}
					p.rows = 0
				}
				if !p.parseLine(line) {
					b.Fatal(p.Rejects())
				}
				p.rows++
			}
		})
	}
}

// drainFlowBench reads p's batches to the end, fails b if p met an error
// or rejected a line, and releases p.
func drainFlowBench(b *testing.B, p *VPCFlowReader) {
	for p.Next() {
		vpcFlowSink += p.Batch().NumRows()
	}
	if p.Err() != nil || p.Stats().Rejected != 0 {
		b.Fatal(p.Err(), p.Rejects())
	}
	p.Release()
}
