package bench

import (
	"bytes"
	stdgzip "compress/gzip"
	"io"
	"testing"

	"github.com/hunt-sec/hunt/archive"
	"github.com/klauspost/compress/gzip"
)

// inflateSink keeps benchmark results live.
var inflateSink int64

// BenchmarkInflate decompresses generated objects as the generator
// compresses them (klauspost gzip, BestSpeed, like the archive's objects)
// with archive.Decompress and each inflater built in (klauspost; with
// -tags libdeflate also libdeflate, whole object in, whole content out)
// and with the standard library, reading through a 64 KiB buffer as the readers'
// bufio does. MB/s are of decompressed bytes: the ceiling of any reader.
//
//	go test -run X -bench Inflate -count 6 ./bench | tee new.txt; benchstat old.txt new.txt
func BenchmarkInflate(b *testing.B) {
	shapes := []struct {
		name string
		raw  []byte
	}{
		{"cloudtrail-1MiB", GenerateCloudTrailRecords(1, 660)},
		{"cloudtrail-4MiB", GenerateCloudTrailRecords(1, 2640)},
		{"vpcflow-v2-4MiB", GenerateFlowLines(1, 4<<20/118, FlowV2)},
		{"vpcflow-v5-4MiB", GenerateFlowLines(1, 4<<20/253, FlowV5)},
	}
	type decoder struct {
		name string
		open func(r *bytes.Reader, gz []byte) (io.ReadCloser, error) // r reads gz
	}
	var decoders []decoder
	for _, inf := range archive.Inflaters() {
		decoders = append(decoders, decoder{inf, func(r *bytes.Reader, _ []byte) (io.ReadCloser, error) {
			if err := archive.SetInflater(inf); err != nil {
				return nil, err
			}
			rc, _, err := archive.Decompress(r)
			return rc, err
		}})
	}
	decoders = append(decoders, decoder{"stdlib", func(r *bytes.Reader, _ []byte) (io.ReadCloser, error) { return stdgzip.NewReader(r) }})
	defer archive.SetInflater(archive.Inflater())
	buf := make([]byte, 64<<10)
	for _, s := range shapes {
		var gz bytes.Buffer
		zw, err := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
		if err != nil {
			b.Fatal(err)
		}
		zw.Write(s.raw)
		zw.Close()
		for _, d := range decoders {
			b.Run(s.name+"/"+d.name, func(b *testing.B) {
				src := bytes.NewReader(gz.Bytes())
				b.SetBytes(int64(len(s.raw)))
				b.ReportAllocs()
				for b.Loop() {
					src.Reset(gz.Bytes())
					rc, err := d.open(src, gz.Bytes())
					if err != nil {
						b.Fatal(err)
					}
					var n int64
					for {
						k, err := rc.Read(buf)
						n += int64(k)
						if err == io.EOF {
							break
						}
						if err != nil {
							b.Fatal(err)
						}
					}
					rc.Close()
					if n != int64(len(s.raw)) {
						b.Fatalf("inflated %d bytes; want %d", n, len(s.raw))
					}
					inflateSink += n
				}
				b.ReportMetric(float64(len(s.raw))/float64(gz.Len()), "ratio")
			})
		}
	}
}
