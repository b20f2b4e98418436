package archive

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Benchmarks against versitygw on loopback (see s3_test.go). Objects are
// written straight into the gateway's folder, which is much faster than
// uploading them.

// BenchmarkS3Plan lists a layout of 2 accounts × 2 regions × 30 days × 40
// files (4,800 objects, plus digests) and reports objects/s planned.
func BenchmarkS3Plan(b *testing.B) {
	endpoint, dir := startVersitygwDir(b)
	files := map[string][]byte{}
	for _, acct := range []string{acctA, acctB} {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			for d := 1; d <= 30; d++ {
				folder := fmt.Sprintf("logs/AWSLogs/%s/CloudTrail/%s/2024/04/%02d/", acct, region, d)
				for i := range 40 {
					files[folder+fmt.Sprintf("%s_CloudTrail_%s_202404%02dT%04dZ_%016d.json.gz", acct, region, d, i*30, i)] = []byte("x")
				}
				files[fmt.Sprintf("logs/AWSLogs/%s/CloudTrail-Digest/%s/2024/04/%02d/d.json.gz", acct, region, d)] = []byte("x")
			}
		}
	}
	writeTree(b, dir, files)
	s := newTestS3(b, endpoint, func(c *S3Config) { c.Concurrency = 16 })
	for _, bc := range []struct {
		name  string
		facts Facts
	}{
		{"all", Facts{}},
		{"week", Facts{Since: day(2024, 4, 10), Until: day(2024, 4, 17)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var objects int
			for b.Loop() {
				p, err := s.Plan(context.Background(), "s3://logs", bc.facts)
				if err != nil {
					b.Fatal(err)
				}
				objects += len(p.Objects)
			}
			b.ReportMetric(float64(objects)/b.Elapsed().Seconds(), "objects/s")
		})
	}
}

// BenchmarkS3Fetch reads one object of each size with one streaming GET
// and with ranged parts (4 × 8 MiB by default, 4 × 1 MiB for small
// objects), to find the crossover that sets DefaultLargeObject.
func BenchmarkS3Fetch(b *testing.B) {
	endpoint, dir := startVersitygwDir(b)
	sizes := []int64{64 << 10, 1 << 20, 8 << 20, 32 << 20, 128 << 20}
	for _, size := range sizes {
		writeRandomFile(b, filepath.Join(dir, "logs", fmt.Sprintf("obj-%d", size)), size)
	}
	for _, size := range sizes {
		for _, mode := range []string{"stream", "parts-1MiB", "parts-8MiB"} {
			if mode != "stream" && size < 1<<20 {
				continue
			}
			b.Run(fmt.Sprintf("size=%s/%s", sizeName(size), mode), func(b *testing.B) {
				s := newTestS3(b, endpoint, func(c *S3Config) {
					switch mode {
					case "stream":
						c.LargeObject = -1
					case "parts-1MiB":
						c.LargeObject, c.PartSize = 1, 1<<20
					case "parts-8MiB":
						c.LargeObject, c.PartSize = 1, 8<<20
					}
				})
				o := Object{URI: fmt.Sprintf("s3://logs/obj-%d", size), Size: size, s3: s}
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					r, err := s.openRaw(context.Background(), o)
					if err != nil {
						b.Fatal(err)
					}
					n, err := io.Copy(io.Discard, r)
					r.Close()
					if err != nil || n != size {
						b.Fatalf("read %d of %d bytes: %v", n, size, err)
					}
				}
			})
		}
	}
}

// BenchmarkS3FetchMany reads 64 objects of 256 KiB, 8 at a time: the shape
// of a CloudTrail scan.
func BenchmarkS3FetchMany(b *testing.B) {
	endpoint, dir := startVersitygwDir(b)
	const n, size = 64, 256 << 10
	for i := range n {
		writeRandomFile(b, filepath.Join(dir, "logs", fmt.Sprintf("many/%03d", i)), size)
	}
	s := newTestS3(b, endpoint, nil)
	p, err := s.Plan(context.Background(), "s3://logs/many/", Facts{})
	if err != nil || len(p.Objects) != n {
		b.Fatalf("planned %d objects, %v", len(p.Objects), err)
	}
	b.SetBytes(n * size)
	b.ReportAllocs()
	for b.Loop() {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 8)
		for _, o := range p.Objects {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				r, err := s.openRaw(context.Background(), o)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, r)
				r.Close()
			}()
		}
		wg.Wait()
	}
}

func writeRandomFile(b testing.TB, path string, size int64) {
	b.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, size)
	x := uint64(time.Now().UnixNano()) | 1
	for i := range data {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		data[i] = byte(x)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
}

func sizeName(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%dMiB", n>>20)
	}
	return fmt.Sprintf("%dKiB", n>>10)
}

// BenchmarkOpenScan reads 32 gzip CloudTrail-like objects (about 1 MB
// compressed each) through Open, 8 at a time, from a local folder and from
// versitygw: the archive's share of a hunt over S3 versus a local copy.
// Bytes are decompressed bytes.
func BenchmarkOpenScan(b *testing.B) {
	endpoint, dir := startVersitygwDir(b)
	files := map[string][]byte{}
	var raw int64
	for i := range 32 {
		var text []byte
		for len(text) < 6<<20 {
			text = fmt.Appendf(text, `{"eventID":"%08d-%d","eventName":"GetObject","sourceIPAddress":"10.0.%d.%d","userAgent":"aws-cli/2.15"},`, len(text), i, i, len(text)%251)
		}
		files[fmt.Sprintf("logs/AWSLogs/%s/CloudTrail/us-east-1/2024/04/01/%02d.json.gz", acctA, i)] = gz(b, string(text))
		raw += int64(len(text))
	}
	writeTree(b, dir, files)
	s := newTestS3(b, endpoint, nil)
	local, err := PlanLocal(context.Background(), []string{filepath.Join(dir, "logs")}, Facts{})
	if err != nil {
		b.Fatal(err)
	}
	remote, err := s.Plan(context.Background(), "s3://logs", Facts{})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		plan *Plan
	}{{"local", local}, {"s3", remote}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(raw)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := scanAll(bc.plan, 8); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// scanAll opens and reads every object of p, workers at a time, and
// returns the decompressed bytes read.
func scanAll(p *Plan, workers int) (int64, error) {
	var total int64
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for _, o := range p.Objects {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r, err := Open(context.Background(), o)
			var n int64
			if err == nil {
				n, err = io.Copy(io.Discard, r)
				r.Close()
			}
			mu.Lock()
			total += n
			if err != nil && firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return total, firstErr
}
