package archive

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// maxFreeDepth is how many levels of folders outside any AWSLogs/ layout
// (trail prefixes such as "org/prod/") planning descends with delimiter
// listings looking for AWSLogs/ before it lists the rest flat.
const maxFreeDepth = 4

// maxExactDays is the longest window for which planning lists computed
// day prefixes; longer windows are discovered year by year.
const maxExactDays = 400

// Plan lists the objects under uri ("s3://bucket", "s3://bucket/prefix/"
// or one object "s3://bucket/key") that may hold rows matching f.
//
// Listing follows the key layouts of [ParseKey] level by level: the
// AWSLogs/ folder and each account are listed with a delimiter to discover
// organization IDs, accounts and log streams (digest, aggregated and
// other-table streams are pruned there, with reasons); regions are
// discovered the same way unless f.Regions names them; then, when the
// window is closed (Since and Until set), the exact day prefixes of the
// window widened by the delivery margin are listed, without a delimiter,
// and open windows walk year, month and day folders pruning as they go.
// Prefixes are listed in parallel (at most [S3Config.Concurrency] requests
// at once) with full pagination. Folders outside any layout are descended
// up to a few levels and then listed flat; their objects are kept, since
// only content can tell what they hold. A URI naming one object plans it
// regardless of f.
func (s *S3) Plan(ctx context.Context, uri string, f Facts) (*Plan, error) {
	bucket, prefix, err := ParseS3URI(uri)
	if err != nil {
		return nil, err
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	pl := &planner{s: s, bucket: bucket, f: &f}
	pl.cond.L = &pl.qmu
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pl.cancel = cancel
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		// A file or a folder: list the name itself to tell.
		if err := pl.resolveName(ctx, prefix); err != nil {
			return nil, err
		}
	} else {
		pl.expand(ctx, prefix, 0)
	}
	// A fixed pool of workers drains the queue of prefixes to list, so
	// neither requests nor goroutines grow with the number of prefixes.
	var wg sync.WaitGroup
	for range s.cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				t, ok := pl.next()
				if !ok {
					return
				}
				if ctx.Err() == nil {
					pl.runList(ctx, t)
				}
				pl.taskDone()
			}
		}()
	}
	wg.Wait()
	if pl.err != nil {
		return nil, pl.err
	}
	pl.plan.finish()
	return &pl.plan, nil
}

// planner is the state of one S3.Plan call.
type planner struct {
	s      *S3
	bucket string
	f      *Facts
	cancel context.CancelFunc

	qmu     sync.Mutex
	cond    sync.Cond  // signals queue and pending changes, on qmu
	queue   []listTask // prefixes waiting to be listed (LIFO)
	pending int        // tasks queued or running

	mu   sync.Mutex
	plan Plan
	err  error // first error
}

func (pl *planner) uri(key string) string { return "s3://" + pl.bucket + "/" + key }

func (pl *planner) setErr(err error) {
	pl.mu.Lock()
	if pl.err == nil {
		pl.err = err
		pl.cancel()
	}
	pl.mu.Unlock()
}

func (pl *planner) firstErr() error {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	return pl.err
}

func (pl *planner) prunePrefix(prefix string, cause PruneCause, reason string) {
	pl.mu.Lock()
	pl.plan.Pruned = append(pl.plan.Pruned, Pruned{Prefix: pl.uri(prefix), Cause: cause, Reason: reason})
	pl.mu.Unlock()
}

// resolveName plans "s3://bucket/name" without a trailing slash: the object
// name if it exists (always planned), and the folder name/ if it exists.
func (pl *planner) resolveName(ctx context.Context, name string) error {
	var found bool
	err := pl.list(ctx, name, "/", func(objs []s3Object, prefixes []string) {
		for _, o := range objs {
			if o.key == name {
				found = true
				pl.add([]Object{pl.object(o)}, nil)
			}
		}
		for _, p := range prefixes {
			if p == name+"/" {
				found = true
				pl.expand(ctx, p, 0)
			}
		}
	})
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%s: no such object or prefix", pl.uri(name))
	}
	return nil
}

// expand plans everything under prefix (ending in '/' or empty): it prunes
// it, computes exact child prefixes, or queues it for listing. depth counts
// folders descended outside a layout.
func (pl *planner) expand(ctx context.Context, prefix string, depth int) {
	k, prec := parseKey(prefix)
	if c, r := pl.f.prune(k, prec); c != PrunedUnknown {
		pl.prunePrefix(prefix, c, r)
		return
	}
	inLayout := hasAWSLogs(prefix)
	last := lastSegment(prefix)
	switch {
	case prec >= precDay:
		// A day (or hour) folder: everything below it, hours included.
		pl.goList(prefix, "", depth)
		return
	case inLayout && k.Region != "" && prec == precNone:
		if days := pl.exactDays(k.Kind); days != nil {
			hive := strings.HasPrefix(last, "aws-region=")
			for _, d := range days {
				pl.expand(ctx, prefix+k.Kind.dayFolder(d, hive), depth)
			}
			return
		}
	case inLayout && k.Kind != KindUnknown && k.Region == "" && len(pl.f.Regions) > 0 &&
		(last == streamFolder(k.Kind) || last == "aws-service=vpcflowlogs"):
		for _, r := range pl.f.Regions {
			r = strings.ToLower(strings.TrimSpace(r))
			if last == "aws-service=vpcflowlogs" {
				r = "aws-region=" + r
			}
			pl.expand(ctx, prefix+r+"/", depth)
		}
		return
	}
	if !inLayout && depth >= maxFreeDepth {
		pl.goList(prefix, "", depth)
		return
	}
	pl.goList(prefix, "/", depth)
}

// listTask is a prefix to list: with delimiter "/" its objects are planned
// and its sub-folders expanded; without, every object below is planned.
type listTask struct {
	prefix, delim string
	depth         int
}

// goList queues prefix for listing by the workers of Plan.
func (pl *planner) goList(prefix, delim string, depth int) {
	pl.qmu.Lock()
	pl.queue = append(pl.queue, listTask{prefix, delim, depth})
	pl.pending++
	pl.cond.Signal()
	pl.qmu.Unlock()
}

// next returns the next task, waiting while others still run; false when
// all are done.
func (pl *planner) next() (listTask, bool) {
	pl.qmu.Lock()
	defer pl.qmu.Unlock()
	for len(pl.queue) == 0 && pl.pending > 0 {
		pl.cond.Wait()
	}
	if len(pl.queue) == 0 {
		return listTask{}, false
	}
	t := pl.queue[len(pl.queue)-1]
	pl.queue = pl.queue[:len(pl.queue)-1]
	return t, true
}

func (pl *planner) taskDone() {
	pl.qmu.Lock()
	pl.pending--
	if pl.pending == 0 {
		pl.cond.Broadcast()
	}
	pl.qmu.Unlock()
}

func (pl *planner) runList(ctx context.Context, t listTask) {
	inLayout := hasAWSLogs(t.prefix)
	err := pl.list(ctx, t.prefix, t.delim, func(objs []s3Object, prefixes []string) {
		var keep []Object
		var pruned []Pruned
		for _, so := range objs {
			if strings.HasSuffix(so.key, "/") && so.size == 0 {
				continue // a folder marker
			}
			o := pl.object(so)
			k, prec := parseKey(so.key)
			if c, r := pl.f.prune(k, prec); c != PrunedUnknown {
				pruned = append(pruned, Pruned{Object: o, Cause: c, Reason: r})
				continue
			}
			keep = append(keep, o)
		}
		pl.add(keep, pruned)
		for _, p := range prefixes {
			depth := t.depth
			if !inLayout {
				depth++
			}
			pl.expand(ctx, p, depth)
		}
	})
	if err != nil {
		pl.setErr(err)
	}
}

func (pl *planner) add(objs []Object, pruned []Pruned) {
	if len(objs) == 0 && len(pruned) == 0 {
		return
	}
	pl.mu.Lock()
	pl.plan.Objects = append(pl.plan.Objects, objs...)
	pl.plan.Pruned = append(pl.plan.Pruned, pruned...)
	pl.mu.Unlock()
}

type s3Object struct {
	key, etag string
	size      int64
	mod       time.Time
}

func (pl *planner) object(o s3Object) Object {
	return Object{URI: pl.uri(o.key), Key: o.key, Size: o.size, ETag: o.etag, ModTime: o.mod,
		Facts: ParseKey(o.key), s3: pl.s}
}

// list runs ListObjectsV2 over every page of prefix, calling page for each.
func (pl *planner) list(ctx context.Context, prefix, delim string, page func([]s3Object, []string)) error {
	pl.mu.Lock()
	pl.plan.ListedPrefixes = append(pl.plan.ListedPrefixes, pl.uri(prefix))
	pl.mu.Unlock()
	in := &s3.ListObjectsV2Input{Bucket: aws.String(pl.bucket), Prefix: aws.String(prefix)}
	if delim != "" {
		in.Delimiter = aws.String(delim)
	}
	p := s3.NewListObjectsV2Paginator(pl.s.clientFor(ctx, pl.bucket), in)
	fails := 0
	for pages := 0; p.HasMorePages(); pages++ {
		out, err := p.NextPage(ctx)
		if err != nil {
			if ctx.Err() != nil && pl.firstErr() != nil {
				return nil // another listing failed first
			}
			// The SDK retried the request; a body cut short (a
			// deserialization error) is retried here, repeating the page.
			if fails++; isRetryable(err) && fails <= pl.s.cfg.Retries {
				if !sleepCtx(ctx, backoff(fails, pl.s.cfg.MaxBackoff)) {
					return ctx.Err()
				}
				pages--
				continue
			}
			return fmt.Errorf("%s: list (page %d): %w", pl.uri(prefix), pages+1, err)
		}
		fails = 0
		objs := make([]s3Object, 0, len(out.Contents))
		for _, c := range out.Contents {
			objs = append(objs, s3Object{
				key:  aws.ToString(c.Key),
				etag: strings.Trim(aws.ToString(c.ETag), `"`),
				size: aws.ToInt64(c.Size),
				mod:  aws.ToTime(c.LastModified).UTC(),
			})
		}
		prefixes := make([]string, 0, len(out.CommonPrefixes))
		for _, cp := range out.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(cp.Prefix))
		}
		page(objs, prefixes)
	}
	return nil
}

// exactDays returns the UTC days whose folders may hold rows of a closed
// window (Since and Until both set), or nil if the window is open or too
// long to enumerate.
func (pl *planner) exactDays(k Kind) []time.Time {
	if pl.f.Since.IsZero() || pl.f.Until.IsZero() {
		return nil
	}
	lo, hi := pl.f.window(k)
	first := lo.UTC().Truncate(24 * time.Hour)
	var days []time.Time
	for d := first; d.Before(hi); d = d.AddDate(0, 0, 1) {
		if len(days) == maxExactDays {
			return nil
		}
		days = append(days, d)
	}
	return days
}

func hasAWSLogs(prefix string) bool {
	return strings.HasPrefix(prefix, "AWSLogs/") || strings.Contains(prefix, "/AWSLogs/")
}

// lastSegment returns the last folder name of a prefix ending in '/'.
func lastSegment(prefix string) string {
	p := strings.TrimSuffix(prefix, "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}
