package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
)

// S3Config configures an [S3] source. The zero value uses the SDK's default
// credential chain (environment, shared config and credentials files, SSO,
// web identity, container and instance roles), its default region, and
// real AWS endpoints.
type S3Config struct {
	// AWS, when set, is the configuration the caller loaded once for every
	// AWS client of the run; Profile and Region are then already in it.
	// The S3 client sets its own HTTP client, retryer and checksum policy.
	AWS *aws.Config
	// Profile selects a shared-config profile (--profile); "" uses
	// AWS_PROFILE or "default".
	Profile string
	// Region overrides the configured region (--region). When no region is
	// configured anywhere, "us-east-1" is used.
	Region string
	// EndpointURL points at an S3-compatible server (--endpoint-url),
	// e.g. "http://127.0.0.1:7070". AWS_ENDPOINT_URL_S3 works too.
	EndpointURL string
	// UsePathStyle addresses buckets as http://host/bucket/key, which most
	// S3-compatible servers need.
	UsePathStyle bool
	// Concurrency bounds concurrent requests: list calls during planning,
	// and ranged part downloads per large object. Zero means 16.
	Concurrency int
	// Retries is the number of attempts per request and per stalled body
	// (zero means 5): throttling (503 SlowDown), 5xx, connection resets and
	// truncated bodies are retried with exponential backoff and jitter.
	Retries int
	// MaxBackoff caps the delay between attempts; zero means 5 s.
	MaxBackoff time.Duration
	// LargeObject is the size from which objects are fetched with parallel
	// ranged GETs instead of one streaming GET; zero means
	// [DefaultLargeObject], negative disables ranged fetches.
	LargeObject int64
	// PartSize is the ranged-GET part size for large objects; zero means
	// [DefaultPartSize].
	PartSize int64
}

const (
	// DefaultLargeObject is the default size from which an object is
	// fetched in parallel ranged parts (see [S3Config.LargeObject]).
	//
	// Measured on loopback against versitygw (BenchmarkS3Fetch, 2 cores):
	// one streaming GET wins at every size — 1 MiB 646 vs 345 MB/s
	// (4 × 1 MiB parts), 8 MiB 727 vs 448 (4 × 8 MiB), 32 MiB 728 vs 671,
	// 128 MiB 961 vs 640 — so on loopback there is no crossover: ranged
	// parts add requests and copies, and one connection is not the limit.
	// Against real S3 a single connection tops out near 50–100 MB/s, so
	// parts can pay for objects several parts large. Typical CloudTrail
	// and flow-log objects (50 KB–5 MB) are far below this threshold and
	// stream, and scans already fetch many objects at once; only rare
	// large files (flow logs reach 75 MB) use ranged parts.
	DefaultLargeObject = 32 << 20
	// DefaultPartSize is the default part size for ranged fetches.
	DefaultPartSize = 8 << 20
)

func (c *S3Config) withDefaults() S3Config {
	d := *c
	if d.Concurrency <= 0 {
		d.Concurrency = 16
	}
	if d.Retries <= 0 {
		d.Retries = 5
	}
	if d.MaxBackoff <= 0 {
		d.MaxBackoff = 5 * time.Second
	}
	if d.LargeObject == 0 {
		d.LargeObject = DefaultLargeObject
	}
	if d.PartSize <= 0 {
		d.PartSize = DefaultPartSize
	}
	return d
}

// stallTimeout is how long a request may wait for response headers, or a
// body for its next byte, before the attempt fails and is retried.
const stallTimeout = 60 * time.Second

// S3 plans and reads log archives in S3 or an S3-compatible server. It is
// safe for concurrent use.
type S3 struct {
	client *s3.Client
	cfg    S3Config

	mu      sync.Mutex
	buckets map[string]*s3.Client // per-bucket clients in the bucket's region
}

// clientFor returns the client for bucket. Without an explicit region or
// endpoint, the bucket's region is looked up once (HEAD bucket), so a
// bucket outside the default region works without --region.
func (s *S3) clientFor(ctx context.Context, bucket string) *s3.Client {
	if s.cfg.Region != "" || s.cfg.EndpointURL != "" {
		return s.client
	}
	s.mu.Lock()
	c, ok := s.buckets[bucket]
	s.mu.Unlock()
	if ok {
		return c
	}
	c = s.client
	region, err := manager.GetBucketRegion(ctx, s.client, bucket)
	if err == nil && region != "" && region != s.client.Options().Region {
		c = s3.New(s.client.Options(), func(o *s3.Options) { o.Region = region })
	}
	if err != nil && ctx.Err() != nil {
		return c // don't cache a cancelled lookup
	}
	// On other errors keep the default client: the real request will
	// report the real problem (no such bucket, access denied).
	s.mu.Lock()
	if s.buckets == nil {
		s.buckets = map[string]*s3.Client{}
	}
	s.buckets[bucket] = c
	s.mu.Unlock()
	return c
}

// NewS3 loads AWS configuration (see [S3Config]) and returns an S3 source.
// It does not contact S3; credential problems surface from the first call.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	cfg = cfg.withDefaults()
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		// Keep a connection per concurrent request alive between requests.
		t.MaxIdleConns = 4 * cfg.Concurrency
		t.MaxIdleConnsPerHost = 4 * cfg.Concurrency
		t.ResponseHeaderTimeout = stallTimeout
	}).WithReadTimeout(stallTimeout) // a stalled body errors and is resumed
	retryer := func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = cfg.Retries
			o.MaxBackoff = cfg.MaxBackoff
			// Throttling is the server's to signal; a client-side
			// retry quota would turn a burst of 503s into failures.
			o.RateLimiter = ratelimit.None
		})
	}
	var awsCfg aws.Config
	if cfg.AWS != nil {
		awsCfg = cfg.AWS.Copy()
	} else {
		opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})} // library code never logs
		if cfg.Profile != "" {
			opts = append(opts, config.WithSharedConfigProfile(cfg.Profile))
		}
		if cfg.Region != "" {
			opts = append(opts, config.WithRegion(cfg.Region))
		}
		var err error
		if awsCfg, err = config.LoadDefaultConfig(ctx, opts...); err != nil {
			return nil, fmt.Errorf("cannot load AWS configuration: %w", err)
		}
	}
	awsCfg.HTTPClient = httpClient
	awsCfg.Retryer = retryer
	// S3-compatible servers reject the default request checksums
	// (reference/s3.md §4); reads need none.
	awsCfg.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	awsCfg.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.EndpointURL != "" {
			o.BaseEndpoint = aws.String(cfg.EndpointURL)
		}
		o.UsePathStyle = cfg.UsePathStyle
	})
	return &S3{client: client, cfg: cfg}, nil
}

// ParseS3URI splits "s3://bucket/prefix" into bucket and prefix.
func ParseS3URI(uri string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%q: expected s3://bucket[/prefix]", uri)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%q: expected s3://bucket[/prefix], found no bucket", uri)
	}
	return bucket, prefix, nil
}

// Object returns the object at an s3:// URI as this source would plan it
// (facts from its key, no size), for opening objects known by name.
func (s *S3) Object(uri string) (Object, error) {
	_, key, err := ParseS3URI(uri)
	if err != nil {
		return Object{}, err
	}
	return Object{URI: uri, Key: key, Facts: ParseKey(key), Size: -1, s3: s}, nil
}

// Open returns the decompressed content of the s3:// object o. Objects of
// at least [S3Config.LargeObject] bytes are fetched in parallel ranged
// parts, smaller ones with one streaming GET. Throttling, 5xx, connection
// resets and truncated bodies (fewer bytes than the Content-Length, the
// Content-Range or o.Size, the listed size) are retried; an interrupted body resumes with a ranged GET pinned to the
// object's ETag, so a failed attempt never shows up as a short file. An
// object that still fails yields an error naming its URI, from Open or
// from Read; one still short is [ErrTruncated]. The reader uses ctx for its reconnects and ranged parts, so
// it must not outlive ctx. The caller must Close the reader.
func (s *S3) Open(ctx context.Context, o Object) (io.ReadCloser, error) {
	raw, err := s.openRaw(ctx, o)
	if err != nil {
		return nil, objectErr(o.URI, err)
	}
	return decompressed(raw, o.URI)
}

// openRaw returns o's raw bytes.
func (s *S3) openRaw(ctx context.Context, o Object) (io.ReadCloser, error) {
	bucket, key, err := ParseS3URI(o.URI)
	if err != nil {
		return nil, err
	}
	if s.cfg.LargeObject > 0 && o.Size >= s.cfg.LargeObject {
		return s.openParts(ctx, o, bucket, key), nil
	}
	// The listed size, when known, is what the body must deliver: a
	// response that ends early is a short read even when its own
	// Content-Length (or chunked encoding) says it is complete.
	size := o.Size
	if size <= 0 {
		size = -1 // unknown (or empty): the first response tells
	}
	r := &s3Reader{s: s, ctx: ctx, uri: o.URI, bucket: bucket, key: key, etag: o.ETag, size: size, end: -1}
	// Fetch the first bytes now so that a missing object or denied access
	// is an error from Open.
	if err := r.connect(); err != nil {
		return nil, err
	}
	return r, nil
}

// s3Reader streams one object (or the byte range [start, end) of it),
// reconnecting with a ranged GET from the current offset when the body
// fails. Not safe for concurrent use.
type s3Reader struct {
	s                *S3
	ctx              context.Context
	uri, bucket, key string
	etag             string // pins resumed reads to the same object version
	start, end       int64  // requested range; end -1 means to the object's end
	size             int64  // object size, listed or from the first response; -1 until known
	off              int64  // next byte offset in the object
	body             io.ReadCloser
	remaining        int64 // bytes the current body still owes, from Content-Length
	fails            int   // consecutive failed attempts without progress
	totalFails       int
	err              error // sticky
}

// connect issues a GET for [off, end) (retries for the request itself are
// the SDK's).
func (r *s3Reader) connect() error {
	if r.off == 0 && r.start > 0 {
		r.off = r.start
	}
	in := &s3.GetObjectInput{Bucket: &r.bucket, Key: &r.key}
	if r.off > 0 || r.end >= 0 {
		rng := fmt.Sprintf("bytes=%d-", r.off)
		if r.end >= 0 {
			rng += fmt.Sprint(r.end - 1)
		}
		in.Range = &rng
	}
	if r.etag != "" {
		in.IfMatch = aws.String(`"` + r.etag + `"`)
	}
	out, err := r.s.clientFor(r.ctx, r.bucket).GetObject(r.ctx, in)
	if err != nil {
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) && apiErr.ErrorCode() == "PreconditionFailed" {
			return fmt.Errorf("%s: object changed while being read (ETag %s): %w", r.uri, r.etag, err)
		}
		if errors.As(err, &apiErr) && apiErr.ErrorCode() == "InvalidRange" && r.size >= 0 {
			// The object now ends before r.off: it shrank since it was
			// listed (or first read), which no retry will undo.
			return truncated(fmt.Errorf("%s: truncated body: the object ends before offset %d of %d: %w", r.uri, r.off, r.size, err))
		}
		return fmt.Errorf("%s: get: %w", r.uri, err)
	}
	if r.etag == "" {
		r.etag = strings.Trim(aws.ToString(out.ETag), `"`)
	}
	r.body = out.Body
	r.remaining = aws.ToInt64(out.ContentLength)
	if out.ContentLength == nil {
		r.remaining = -1
	}
	if r.size < 0 {
		r.size = objectSize(out, r.off)
	}
	return nil
}

// objectSize returns the object's full size from a GET response starting
// at off.
func objectSize(out *s3.GetObjectOutput, off int64) int64 {
	if cr := aws.ToString(out.ContentRange); cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			var n int64
			if _, err := fmt.Sscan(cr[i+1:], &n); err == nil {
				return n
			}
		}
	}
	if out.ContentLength != nil {
		return off + *out.ContentLength
	}
	return -1
}

func (r *s3Reader) wantEnd() int64 {
	if r.end >= 0 {
		return r.end
	}
	return r.size
}

func (r *s3Reader) Read(p []byte) (int, error) {
	for r.err == nil {
		if r.body == nil {
			if e := r.wantEnd(); r.size >= 0 && r.off >= e {
				r.err = io.EOF
				break
			}
			if err := r.connect(); err != nil {
				r.fail(err)
				continue
			}
		}
		n, err := r.body.Read(p)
		r.off += int64(n)
		if r.remaining >= 0 {
			r.remaining -= int64(n)
		}
		if n > 0 {
			r.fails = 0
		}
		switch {
		case err == nil:
			return n, nil
		case err == io.EOF && r.remaining <= 0 && (r.wantEnd() < 0 || r.off >= r.wantEnd()):
			r.closeBody()
			r.err = io.EOF
			if n > 0 {
				return n, nil
			}
			return 0, io.EOF
		case err == io.EOF:
			// A body shorter than Content-Length (or than the object):
			// reconnect from r.off rather than pass on a short file.
			r.fail(truncated(fmt.Errorf("%s: truncated body at offset %d of %d", r.uri, r.off, r.wantEnd())))
		default:
			if errors.Is(err, io.ErrUnexpectedEOF) {
				// The connection closed before Content-Length bytes.
				err = truncated(fmt.Errorf("truncated body: %w", err))
			}
			r.fail(fmt.Errorf("%s: read body at offset %d: %w", r.uri, r.off, err))
		}
		if n > 0 {
			return n, nil
		}
	}
	return 0, r.err
}

// fail records a failed attempt: it closes the body and, while retries
// remain, sleeps with backoff so the next Read reconnects; otherwise err
// becomes sticky.
func (r *s3Reader) fail(err error) {
	r.closeBody()
	r.fails++
	r.totalFails++
	if ctxErr := r.ctx.Err(); ctxErr != nil {
		r.err = fmt.Errorf("%s: %w", r.uri, ctxErr)
		return
	}
	if !isRetryable(err) || r.fails > r.s.cfg.Retries || r.totalFails > 10*r.s.cfg.Retries {
		if r.fails > 1 {
			err = fmt.Errorf("%w (after %d attempts)", err, r.fails)
		}
		r.err = err
		return
	}
	if !sleepCtx(r.ctx, backoff(r.fails, r.s.cfg.MaxBackoff)) {
		r.err = fmt.Errorf("%s: %w", r.uri, r.ctx.Err())
	}
}

// isRetryable reports whether an error that outlived the SDK's own retries
// is still worth another attempt: throttling, server errors, connection
// errors and bodies cut short are; NoSuchKey, AccessDenied,
// PreconditionFailed and cancellation are not.
func isRetryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "Throttling", "ThrottlingException":
			return true
		}
		return false
	}
	return true
}

func (r *s3Reader) closeBody() {
	if r.body != nil {
		r.body.Close()
		r.body = nil
	}
}

func (r *s3Reader) Close() error {
	r.closeBody()
	if r.err == nil {
		r.err = fmt.Errorf("%s: read after close", r.uri)
	}
	return nil
}

// backoff returns the delay before attempt n (1-based): exponential from
// 50 ms with full jitter, capped at max.
func backoff(n int, max time.Duration) time.Duration {
	d := 50 * time.Millisecond << min(n-1, 16)
	if d > max {
		d = max
	}
	return d/2 + rand.N(d/2+1)
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// OpenAt opens the raw bytes of the s3:// object o for random access, as
// Parquet readers need; each ReadAt is a ranged GET with the retries of
// [S3.Open]. If o.Size is unknown (negative) it is asked for with HEAD.
func (s *S3) OpenAt(ctx context.Context, o Object) (ReadAtCloser, int64, error) {
	bucket, key, err := ParseS3URI(o.URI)
	if err != nil {
		return nil, 0, objectErr(o.URI, err)
	}
	size, etag := o.Size, o.ETag
	if size < 0 || etag == "" {
		out, err := s.clientFor(ctx, bucket).HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
		if err != nil {
			return nil, 0, objectErr(o.URI, fmt.Errorf("head: %w", err))
		}
		size, etag = aws.ToInt64(out.ContentLength), strings.Trim(aws.ToString(out.ETag), `"`)
	}
	return &s3ReaderAt{s: s, ctx: ctx, uri: o.URI, bucket: bucket, key: key, etag: etag, size: size}, size, nil
}

type s3ReaderAt struct {
	s                      *S3
	ctx                    context.Context
	uri, bucket, key, etag string
	size                   int64
}

func (r *s3ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), r.size)
	rr := &s3Reader{s: r.s, ctx: r.ctx, uri: r.uri, bucket: r.bucket, key: r.key, etag: r.etag,
		start: off, end: end, size: r.size}
	defer rr.Close()
	n, err := io.ReadFull(rr, p[:end-off])
	if err != nil {
		return n, err
	}
	if end < off+int64(len(p)) {
		return n, io.EOF
	}
	return n, nil
}

func (r *s3ReaderAt) Close() error { return nil }
