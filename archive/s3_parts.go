package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// partConcurrency caps the ranged GETs in flight for one large object.
// Objects are already fetched in parallel with each other, so a few parts
// per object fill the link; more would only hold more buffers.
const partConcurrency = 4

// openParts fetches a large object with the transfer manager's concurrent
// ranged GETs and streams it in order through a bounded window of
// partConcurrency × PartSize bytes, so memory does not grow with the
// object. If the manager gives up (its part retries exhausted) or ends
// short, reading resumes from the first missing byte with a retrying
// streaming GET.
func (s *S3) openParts(ctx context.Context, o Object, bucket, key string) io.ReadCloser {
	ctx, cancel := context.WithCancel(ctx)
	conc := min(partConcurrency, s.cfg.Concurrency)
	w := newPartWindow(o.Size, s.cfg.PartSize, int64(conc)*s.cfg.PartSize)
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if o.ETag != "" {
		in.IfMatch = aws.String(`"` + o.ETag + `"`)
	}
	pc := &partsClient{c: s.clientFor(ctx, bucket), w: w, retries: s.cfg.Retries, etag: o.ETag, attempts: map[string]int{}}
	d := manager.NewDownloader(pc, func(d *manager.Downloader) {
		d.PartSize = s.cfg.PartSize
		d.Concurrency = conc
		d.PartBodyMaxRetries = pc.retries
	})
	done := make(chan struct{})
	dctx, stop := context.WithCancel(ctx)
	go func() {
		defer close(done)
		_, err := d.Download(dctx, w, in)
		w.finish(err)
	}()
	return &partsReader{s: s, ctx: ctx, cancel: cancel, stop: stop, done: done, w: w, pc: pc, o: o, bucket: bucket, key: key}
}

// partsClient is the transfer manager's S3 client for one object. It
// checks each part's body against its Content-Range (or Content-Length),
// so that a part cut short is an error the manager retries, not a gap;
// it records the ETag the parts are pinned to, for the streaming
// fallback; and once a part has failed for good it aborts the window, so
// that neither the reader nor workers waiting for room wait for bytes
// that will not come.
type partsClient struct {
	c       *s3.Client
	w       *partWindow
	retries int // the manager's PartBodyMaxRetries

	mu       sync.Mutex
	etag     string         // of the object the parts come from; "" until known
	attempts map[string]int // GETs per Range, to tell a part's last attempt
}

// GetObject implements manager.DownloadAPIClient.
func (pc *partsClient) GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	rng := aws.ToString(in.Range)
	pc.mu.Lock()
	pc.attempts[rng]++
	// The manager retries a part whose body fails PartBodyMaxRetries
	// times, a failed request (already retried by the SDK) never.
	isLast := pc.attempts[rng] > pc.retries
	pc.mu.Unlock()
	out, err := pc.c.GetObject(ctx, in, opts...)
	if err != nil {
		pc.w.abort(err)
		return nil, err
	}
	pc.mu.Lock()
	if pc.etag == "" {
		pc.etag = strings.Trim(aws.ToString(out.ETag), `"`)
	}
	pc.mu.Unlock()
	out.Body = &partBody{ReadCloser: out.Body, rng: rng, left: bodyLen(out), pc: pc, isLast: isLast}
	return out, nil
}

// pinnedETag returns the ETag the parts were read from.
func (pc *partsClient) pinnedETag() string {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.etag
}

// bodyLen returns how many bytes a GET response's body must hold: the
// span of its Content-Range, else its Content-Length, else -1.
func bodyLen(out *s3.GetObjectOutput) int64 {
	var first, last int64
	if cr := aws.ToString(out.ContentRange); cr != "" {
		if _, err := fmt.Sscanf(cr, "bytes %d-%d/", &first, &last); err == nil && last >= first {
			return last - first + 1
		}
	}
	if out.ContentLength != nil {
		return *out.ContentLength
	}
	return -1
}

// partBody is one part's body: an end before the promised bytes is
// ErrTruncated, and an error on the part's last attempt aborts the window.
type partBody struct {
	io.ReadCloser
	rng    string
	left   int64 // bytes still promised; -1 if unknown
	pc     *partsClient
	isLast bool
}

func (b *partBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.left >= 0 {
		b.left -= int64(n)
	}
	if err == io.EOF && b.left > 0 {
		err = truncated(fmt.Errorf("truncated body: part %s ended %d bytes short", b.rng, b.left))
	}
	if err != nil && err != io.EOF && b.isLast {
		b.pc.w.abort(err)
	}
	return n, err
}

// partsReader reads a large object from a partWindow, falling back to an
// s3Reader from the first missing byte if the download fails.
type partsReader struct {
	s           *S3
	ctx         context.Context
	cancel      context.CancelFunc
	stop        context.CancelFunc // stops the download, not the fallback
	done        chan struct{}
	w           *partWindow
	pc          *partsClient
	o           Object
	bucket, key string
	fallback    *s3Reader // set once the window has failed
	isClosed    bool
}

func (r *partsReader) Read(p []byte) (int, error) {
	if r.isClosed {
		return 0, fmt.Errorf("%s: read after close", r.o.URI)
	}
	if r.fallback != nil {
		return r.fallback.Read(p)
	}
	n, err := r.w.Read(p)
	if err == nil || err == io.EOF {
		return n, err
	}
	if r.ctx.Err() != nil {
		return n, fmt.Errorf("%s: %w", r.o.URI, r.ctx.Err())
	}
	// The parallel download failed: resume streaming from the first byte
	// not yet delivered, with the streaming reader's retries, from the
	// object version the parts came from.
	r.stop()
	r.fallback = &s3Reader{s: r.s, ctx: r.ctx, uri: r.o.URI, bucket: r.bucket, key: r.key,
		etag: r.pc.pinnedETag(), start: r.w.base, end: -1, size: r.o.Size}
	if n > 0 {
		return n, nil
	}
	return r.fallback.Read(p)
}

func (r *partsReader) Close() error {
	if r.isClosed {
		return nil
	}
	r.isClosed = true
	r.w.close()
	r.cancel()
	<-r.done
	if r.fallback != nil {
		r.fallback.Close()
	}
	return nil
}

var errWindowClosed = errors.New("reader closed")

// partWindow is an io.WriterAt for the transfer manager that holds only a
// sliding window of the object: writes beyond base+len(buf) wait until the
// reader has consumed enough. The manager queues parts in order to its
// workers, so the earliest unfinished part always fits and the window
// cannot deadlock. Safe for one reader and concurrent writers.
type partWindow struct {
	mu       sync.Mutex
	cond     sync.Cond
	buf      []byte  // ring: object byte off lives at buf[off%len(buf)]
	size     int64   // object size
	partSize int64   // the manager's part size
	filled   []int64 // per part: bytes written contiguously from the part's start
	base     int64   // bytes consumed by the reader
	isDone   bool    // the download goroutine has returned
	err      error   // the download's error, once isDone
	aborted  error   // a part that failed for good; ends reads and writes
	isClosed bool
}

func newPartWindow(size, partSize, window int64) *partWindow {
	window = min(window, size)
	w := &partWindow{
		buf:      make([]byte, window),
		size:     size,
		partSize: partSize,
		filled:   make([]int64, (size+partSize-1)/partSize),
	}
	w.cond.L = &w.mu
	return w
}

func (w *partWindow) partLen(i int64) int64 {
	return min(w.partSize, w.size-i*w.partSize)
}

// WriteAt stores p at object offset off, waiting for room in the window.
// Bytes the reader has already consumed (a retried part rewriting them)
// are dropped.
func (w *partWindow) WriteAt(p []byte, off int64) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for len(p) > 0 {
		if w.isClosed || w.aborted != nil {
			return n, errWindowClosed
		}
		if off+int64(len(p)) > w.size {
			return n, fmt.Errorf("object is larger than listed: write at %d+%d beyond %d bytes", off, len(p), w.size)
		}
		part := off / w.partSize
		partStart := part * w.partSize
		if off-partStart > w.filled[part] {
			return n, fmt.Errorf("BUG: write at %d leaves a gap in part %d (filled %d)", off, part, w.filled[part])
		}
		if off < w.base {
			skip := int(min(int64(len(p)), w.base-off))
			w.filled[part] = max(w.filled[part], off+int64(skip)-partStart)
			p, off, n = p[skip:], off+int64(skip), n+skip
			continue
		}
		room := w.base + int64(len(w.buf)) - off
		if room <= 0 {
			w.cond.Wait()
			continue
		}
		// Stay within the part and the room, and wrap the ring.
		c := min(int64(len(p)), room, partStart+w.partLen(part)-off)
		at := off % int64(len(w.buf))
		c = min(c, int64(len(w.buf))-at)
		copy(w.buf[at:at+c], p[:c])
		w.filled[part] = max(w.filled[part], off+c-partStart)
		p, off, n = p[c:], off+c, n+int(c)
		w.cond.Broadcast()
	}
	return n, nil
}

// readable returns the end of the bytes written contiguously from base.
func (w *partWindow) readable() int64 {
	if w.base >= w.size {
		return w.size
	}
	i := w.base / w.partSize
	for {
		end := i*w.partSize + w.filled[i]
		if w.filled[i] < w.partLen(i) || i+1 == int64(len(w.filled)) {
			return end
		}
		i++
	}
}

func (w *partWindow) Read(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		if w.base >= w.size {
			return 0, io.EOF
		}
		if avail := w.readable() - w.base; avail > 0 {
			at := w.base % int64(len(w.buf))
			c := min(int64(len(p)), avail, int64(len(w.buf))-at)
			copy(p, w.buf[at:at+c])
			w.base += c
			w.cond.Broadcast()
			return int(c), nil
		}
		if w.aborted != nil {
			return 0, w.aborted
		}
		if w.isDone {
			if w.err != nil {
				return 0, w.err
			}
			return 0, truncated(fmt.Errorf("truncated body: ranged download ended at %d of %d bytes", w.readable(), w.size))
		}
		if w.isClosed {
			return 0, errWindowClosed
		}
		w.cond.Wait()
	}
}

// finish records the download's result.
func (w *partWindow) finish(err error) {
	w.mu.Lock()
	w.isDone, w.err = true, err
	w.cond.Broadcast()
	w.mu.Unlock()
}

// abort fails the window with err, the error of a part that will not be
// retried: the bytes before the gap it leaves can still be read, then Read
// returns err, and writers waiting for room return.
func (w *partWindow) abort(err error) {
	w.mu.Lock()
	if w.aborted == nil {
		w.aborted = err
	}
	w.cond.Broadcast()
	w.mu.Unlock()
}

func (w *partWindow) close() {
	w.mu.Lock()
	w.isClosed = true
	w.cond.Broadcast()
	w.mu.Unlock()
}
