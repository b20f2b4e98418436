package archive

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

// Progress counts objects and raw (compressed) bytes read against a plan's
// totals and renders a one-line status. Counting is lock-free and safe for
// concurrent use; rendering is for one goroutine ([Progress.Run]).
//
//	prog := archive.NewProgress(len(plan.Objects), plan.Bytes)
//	go prog.Run(ctx, os.Stderr, 250*time.Millisecond) // only if IsTerminal(os.Stderr)
//	r, err := prog.Open(ctx, obj) // counts bytes as read, the object as done on Close
type Progress struct {
	objects, objectsTotal atomic.Int64
	bytes, bytesTotal     atomic.Int64
	failed                atomic.Int64
	start                 time.Time
	now                   func() time.Time // time source, for tests
}

// NewProgress returns a Progress for objects objects of bytes bytes in total.
func NewProgress(objects int, bytes int64) *Progress {
	p := &Progress{start: time.Now(), now: time.Now}
	p.objectsTotal.Store(int64(objects))
	p.bytesTotal.Store(bytes)
	return p
}

// AddTotal grows the totals, for work discovered while running.
func (p *Progress) AddTotal(objects int, bytes int64) {
	p.objectsTotal.Add(int64(objects))
	p.bytesTotal.Add(bytes)
}

// AddBytes counts n raw bytes read.
func (p *Progress) AddBytes(n int64) { p.bytes.Add(n) }

// ObjectDone counts one object finished.
func (p *Progress) ObjectDone() { p.objects.Add(1) }

// ObjectFailed counts one object that could not be read (it also counts
// as done, so the total is reached).
func (p *Progress) ObjectFailed() {
	p.failed.Add(1)
	p.objects.Add(1)
}

// Open is [Open] that counts o's raw bytes as they are read and o as done
// when the reader is closed.
func (p *Progress) Open(ctx context.Context, o Object) (io.ReadCloser, error) {
	raw, err := openRaw(ctx, o)
	if err != nil {
		return nil, objectErr(o.URI, err)
	}
	return decompressed(&countingReader{r: raw, p: p}, o.URI)
}

// OpenAt is [OpenAt] that counts the bytes read through ReadAt and the
// object as done when it is closed.
func (p *Progress) OpenAt(ctx context.Context, o Object) (ReadAtCloser, int64, error) {
	ra, size, err := OpenAt(ctx, o)
	if err != nil {
		return nil, 0, err
	}
	return &countingReaderAt{r: ra, p: p}, size, nil
}

type countingReaderAt struct {
	r        ReadAtCloser
	p        *Progress
	isClosed atomic.Bool
}

func (c *countingReaderAt) ReadAt(b []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(b, off)
	c.p.AddBytes(int64(n))
	return n, err
}

func (c *countingReaderAt) Close() error {
	if c.isClosed.CompareAndSwap(false, true) {
		c.p.ObjectDone()
	}
	return c.r.Close()
}

type countingReader struct {
	r        io.ReadCloser
	p        *Progress
	isClosed bool
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.AddBytes(int64(n))
	return n, err
}

func (c *countingReader) Close() error {
	if !c.isClosed {
		c.isClosed = true
		c.p.ObjectDone()
	}
	return c.r.Close()
}

// ProgressStats is a snapshot of a [Progress].
type ProgressStats struct {
	Objects, ObjectsTotal int64
	Bytes, BytesTotal     int64
	Failed                int64
	Elapsed               time.Duration
	Rate                  float64       // bytes per second since the start
	ETA                   time.Duration // at the current rate; 0 when unknown
}

// Stats returns the current counts, rate and ETA.
func (p *Progress) Stats() ProgressStats {
	s := ProgressStats{
		Objects: p.objects.Load(), ObjectsTotal: p.objectsTotal.Load(),
		Bytes: p.bytes.Load(), BytesTotal: p.bytesTotal.Load(),
		Failed:  p.failed.Load(),
		Elapsed: p.now().Sub(p.start),
	}
	if secs := s.Elapsed.Seconds(); secs > 0 {
		s.Rate = float64(s.Bytes) / secs
	}
	if s.Rate > 0 && s.BytesTotal > s.Bytes {
		s.ETA = time.Duration(float64(s.BytesTotal-s.Bytes) / s.Rate * float64(time.Second))
	}
	return s
}

// AppendLine appends the status line, e.g.
// "objects 120/480  bytes 61.2 MB/245 MB  25.5 MB/s  ETA 7s  failed 1".
func (s ProgressStats) AppendLine(dst []byte) []byte {
	dst = append(dst, "objects "...)
	dst = strconv.AppendInt(dst, s.Objects, 10)
	dst = append(dst, '/')
	dst = strconv.AppendInt(dst, s.ObjectsTotal, 10)
	dst = append(dst, "  bytes "...)
	dst = appendSize(dst, float64(s.Bytes))
	dst = append(dst, '/')
	dst = appendSize(dst, float64(s.BytesTotal))
	dst = append(dst, "  "...)
	dst = appendSize(dst, s.Rate)
	dst = append(dst, "/s"...)
	if s.ETA > 0 {
		dst = append(dst, "  ETA "...)
		dst = append(dst, s.ETA.Round(time.Second).String()...)
	}
	if s.Failed > 0 {
		dst = append(dst, "  failed "...)
		dst = strconv.AppendInt(dst, s.Failed, 10)
	}
	return dst
}

// appendSize appends n bytes in decimal units with three significant digits.
func appendSize(dst []byte, n float64) []byte {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	u := 0
	for n >= 1000 && u < len(units)-1 {
		n /= 1000
		u++
	}
	prec := 0
	if u > 0 && n < 10 {
		prec = 2
	} else if u > 0 && n < 100 {
		prec = 1
	}
	dst = strconv.AppendFloat(dst, n, 'f', prec, 64)
	dst = append(dst, ' ')
	return append(dst, units[u]...)
}

// Run renders the status line to w every interval (at least 100 ms),
// rewriting it in place with a carriage return, until ctx is done; then it
// renders the final line and a newline. Call it only when w is a terminal
// (see [IsTerminal]).
func (p *Progress) Run(ctx context.Context, w io.Writer, interval time.Duration) {
	interval = max(interval, 100*time.Millisecond)
	t := time.NewTicker(interval)
	defer t.Stop()
	var line []byte
	render := func(end string) {
		line = append(line[:0], '\r')
		line = p.Stats().AppendLine(line)
		line = append(line, "\x1b[K"...) // clear the rest of a longer previous line
		line = append(line, end...)
		w.Write(line)
	}
	for {
		select {
		case <-ctx.Done():
			render("\n")
			return
		case <-t.C:
			render("")
		}
	}
}

// IsTerminal reports whether f is a character device (a terminal), where
// a progress line belongs; pipes and files get none.
func IsTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// String returns the status line.
func (s ProgressStats) String() string { return string(s.AppendLine(nil)) }

var _ fmt.Stringer = ProgressStats{}
