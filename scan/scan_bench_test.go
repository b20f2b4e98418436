package scan_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/bench"
	"github.com/hunt-sec/hunt/parsers"
)

var benchSink int64

// memSource is a parsers.InMemory source: content held whole.
type memSource struct{ b []byte }

func (m *memSource) Read(p []byte) (int, error) {
	if len(m.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, m.b)
	m.b = m.b[n:]
	return n, nil
}

func (m *memSource) Contents() []byte {
	b := m.b
	m.b = nil
	return b
}

// BenchmarkObjects reads delivery-sized gzip objects (4 CloudTrail
// objects of 2,400 records, ~3.7 MB each; 4 flow-log objects of 20,000
// version-5 lines, ~3.5 MB each) from memory with each inflater: inflate
// only, through a 64 KiB buffer as `hunt bench` measures it ("inflate"),
// and inflated and parsed with the projection and equalities of the
// bench's peer queries ("parse"), so parse over inflate is the share of
// the inflater's speed a query can reach before the engine.
//
// For Klauspost, which streams, "parse-whole" first reads the whole
// object into one buffer and then parses it in place, as the
// whole-object inflaters hand it over: against "parse", which parses each
// read while it is still in cache, it measures what inflating whole
// costs the parser in cache misses (nothing measurable, issue 23: the
// parsers read sequentially and the prefetcher keeps up).
func BenchmarkObjects(b *testing.B) {
	tables := []struct {
		name string
		obj  func(seed int64) []byte
		cols []string
		eq   map[string][]string
	}{
		{"cloudtrail/count", func(seed int64) []byte { return bench.GenerateCloudTrailRecords(seed, 2400) },
			[]string{"eventname"}, nil},
		{"cloudtrail/login", func(seed int64) []byte { return bench.GenerateCloudTrailRecords(seed, 2400) },
			[]string{"sourceipaddress", "eventname", "responseelements", "additionaleventdata"},
			map[string][]string{"eventname": {"ConsoleLogin"}}},
		{"vpc_flow/reject", func(seed int64) []byte { return bench.GenerateFlowLines(seed, 20000, bench.FlowV5) },
			[]string{"srcaddr", "start", "action"}, map[string][]string{"action": {"REJECT"}}},
	}
	defer archive.SetInflater(archive.Inflater())
	for _, tc := range tables {
		table := parsers.TableNamed(tc.name[:bytes.IndexByte([]byte(tc.name), '/')])
		var objs [][]byte
		size := 0
		for seed := range int64(4) {
			content := tc.obj(seed + 1)
			size += len(content)
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			zw.Write(content)
			zw.Close()
			objs = append(objs, z.Bytes())
		}
		for _, inf := range archive.Inflaters() {
			modes := []string{"inflate", "parse"}
			if inf == archive.Klauspost {
				modes = append(modes, "parse-whole")
			}
			for _, mode := range modes {
				b.Run(tc.name+"/"+inf+"/"+mode, func(b *testing.B) {
					if err := archive.SetInflater(inf); err != nil {
						b.Fatal(err)
					}
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(b, 0)
					buf := make([]byte, 64<<10)
					whole := make([]byte, 0, 8<<20) // parse-whole: the largest object
					b.SetBytes(int64(size))
					b.ReportAllocs()
					for b.Loop() {
						for _, o := range objs {
							rc, _, err := archive.Decompress(bytes.NewReader(o))
							if err != nil {
								b.Fatal(err)
							}
							var src io.Reader = rc
							switch mode {
							case "inflate":
								for {
									n, err := rc.Read(buf)
									benchSink += int64(n)
									if err == io.EOF {
										break
									}
									if err != nil {
										b.Fatal(err)
									}
								}
								rc.Close()
								continue
							case "parse-whole":
								whole = whole[:0]
								for {
									if len(whole) == cap(whole) {
										whole = append(whole, 0)[:len(whole)]
									}
									n, err := rc.Read(whole[len(whole):cap(whole)])
									whole = whole[:len(whole)+n]
									if err == io.EOF {
										break
									}
									if err != nil {
										b.Fatal(err)
									}
								}
								src = &memSource{b: whole}
							}
							r, err := table.NewReader(src, "bench", parsers.WithAllocator(mem), parsers.WithColumns(tc.cols...), parsers.WithEqual(tc.eq))
							if err != nil {
								b.Fatal(err)
							}
							for r.Next() {
								benchSink += r.Batch().NumRows()
							}
							if r.Err() != nil || r.Stats().Rejected != 0 {
								b.Fatalf("err %v, stats %+v", r.Err(), r.Stats())
							}
							r.Release()
							rc.Close()
						}
					}
				})
			}
		}
	}
}
