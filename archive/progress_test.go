package archive

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestProgress_Stats(t *testing.T) {
	p := NewProgress(4, 4_000_000)
	start := p.start
	p.now = func() time.Time { return start.Add(2 * time.Second) }
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.AddBytes(250_000)
		}()
	}
	wg.Wait()
	p.ObjectDone()
	p.ObjectFailed()
	s := p.Stats()
	if s.Objects != 2 || s.Failed != 1 || s.Bytes != 1_000_000 || s.Rate != 500_000 || s.ETA != 6*time.Second {
		t.Errorf("Stats() = %+v; want 2 objects, 1 failed, 1 MB, 500 kB/s, ETA 6s", s)
	}
	const want = "objects 2/4  bytes 1.00 MB/4.00 MB  500 kB/s  ETA 6s  failed 1"
	if got := s.String(); got != want {
		t.Errorf("line\n got %q\nwant %q", got, want)
	}
	p.AddTotal(1, 1_000_000)
	if s := p.Stats(); s.ObjectsTotal != 5 || s.BytesTotal != 5_000_000 {
		t.Errorf("after AddTotal: %+v", s)
	}
}

func TestAppendSize(t *testing.T) {
	f := func(n float64, want string) {
		t.Helper()
		if got := string(appendSize(nil, n)); got != want {
			t.Errorf("appendSize(%v) = %q; want %q", n, got, want)
		}
	}
	f(0, "0 B")
	f(999, "999 B")
	f(1000, "1.00 kB")
	f(61_234_000, "61.2 MB")
	f(245_000_000, "245 MB")
	f(3.5e12, "3.50 TB")
}

func TestProgress_Open(t *testing.T) {
	dir := t.TempDir()
	data := gz(t, strings.Repeat("event ", 10000))
	writeTree(t, dir, map[string][]byte{"a.gz": data})
	plan, err := PlanLocal(context.Background(), []string{dir}, Facts{})
	if err != nil {
		t.Fatal(err)
	}
	p := NewProgress(len(plan.Objects), plan.Bytes)
	r, err := p.Open(context.Background(), plan.Objects[0])
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil || len(b) != 60000 {
		t.Fatalf("read %d bytes, %v; want 60000", len(b), err)
	}
	r.Close()
	r.Close()
	if s := p.Stats(); s.Objects != 1 || s.Bytes != int64(len(data)) || s.Bytes != s.BytesTotal {
		t.Errorf("Stats() = %+v; want 1 object and %d raw bytes", s, len(data))
	}
	ra, size, err := p.OpenAt(context.Background(), plan.Objects[0])
	if err != nil || size != int64(len(data)) {
		t.Fatalf("OpenAt: size %d, %v", size, err)
	}
	if n, err := ra.ReadAt(make([]byte, 10), 5); n != 10 || err != nil {
		t.Errorf("ReadAt: %d, %v", n, err)
	}
	ra.Close()
	if s := p.Stats(); s.Objects != 2 || s.Bytes != int64(len(data))+10 {
		t.Errorf("after OpenAt: %+v; want 2 objects and 10 more bytes", s)
	}
	if _, err := p.Open(context.Background(), Object{URI: filepath.Join(dir, "missing")}); err == nil {
		t.Error("missing file: got nil error")
	}
}

func TestProgress_Run(t *testing.T) {
	p := NewProgress(1, 10)
	var buf bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		p.Run(ctx, &buf, time.Millisecond) // raised to 100 ms
		close(done)
	}()
	time.Sleep(250 * time.Millisecond)
	p.AddBytes(10)
	p.ObjectDone()
	cancel()
	<-done
	out := buf.String()
	if n := strings.Count(out, "\r"); n < 1 || n > 4 {
		t.Errorf("%d renders in 250 ms; want 1-4 (at most one per 100 ms plus the last): %q", n, out)
	}
	last := out[strings.LastIndexByte(out, '\r')+1:]
	if !strings.HasPrefix(last, "objects 1/1  bytes 10 B/10 B  ") || !strings.HasSuffix(last, "\x1b[K\n") {
		t.Errorf("final line %q; want the finished counts, a line clear and a newline", last)
	}
}
