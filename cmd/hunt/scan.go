package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/parsers"
)

// Table names, as in SQL.
const (
	tableCloudTrail = "cloudtrail"
	tableVPCFlow    = "vpc_flow"
)

// batchReader is what the scan needs of every parser.
type batchReader interface {
	Next() bool
	Batch() arrow.RecordBatch
	Err() error
	Stats() parsers.Stats
	Rejects() *parsers.ErrorList
	Release()
}

// scanConfig says how to read a plan's objects.
type scanConfig struct {
	columns   map[string][]string // projection per table; a missing table reads every column
	table     string              // read only objects of this table; "" reads both
	strict    bool
	workers   int // objects read at once; 0 = GOMAXPROCS
	maxErrors int
	mem       memory.Allocator
	progress  *archive.Progress // counts bytes and objects when set
	// progressTo gets a progress line (objects and bytes done/total, rate,
	// ETA) while the scan runs, when it is a terminal.
	progressTo io.Writer
	pruning    parsers.Pruning // row groups CloudTrail Parquet readers may skip
}

// scanTotals is what a scan read, for the summary and the exit code.
type scanTotals struct {
	Objects    int
	Failed     int // objects that could not be read to the end
	OtherTable int // objects of another table than the one read
	RawBytes   int64
	Stats      parsers.Stats // records, rejected, skipped (digests), decompressed bytes
	PerTable   map[string]int64
	Rejects    parsers.ErrorList
	Failures   []error // one per failed object, naming it
	Stopped    error   // a --strict stop or a callback error
	mu         sync.Mutex
}

// batchFunc receives each batch of an object. worker is in [0, workers);
// calls for one worker never overlap. The batch is valid during the call.
type batchFunc func(worker int, table string, obj archive.Object, b arrow.RecordBatch) error

// scan reads objs with up to cfg.workers in parallel and calls fn for every
// batch. Objects are handed out in order; with one worker, batches arrive in
// plan order.
func scan(ctx context.Context, cfg scanConfig, objs []archive.Object, fn batchFunc) *scanTotals {
	t := &scanTotals{PerTable: map[string]int64{}}
	t.Rejects.Max = cfg.maxErrors
	workers := cfg.workers
	if workers <= 0 {
		workers = defaultWorkers()
	}
	workers = min(workers, max(len(objs), 1))
	if f, ok := cfg.progressTo.(*os.File); ok && cfg.progress == nil && archive.IsTerminal(f) {
		var total int64
		for _, o := range objs {
			total += o.Size
		}
		cfg.progress = archive.NewProgress(len(objs), total)
		pctx, stop := context.WithCancel(ctx)
		var pwg sync.WaitGroup
		pwg.Go(func() { cfg.progress.Run(pctx, f, 250*time.Millisecond) })
		defer pwg.Wait()
		defer stop()
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(objs) {
					return
				}
				if err := readObject(ctx, cfg, w, objs[i], t, fn); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && t.Stopped == nil {
		t.Stopped = err
	}
	return t
}

// readObject reads one object. It returns an error only to stop the whole
// scan (--strict, a callback error, cancellation); a bad object is counted.
func readObject(ctx context.Context, cfg scanConfig, worker int, obj archive.Object, t *scanTotals, fn batchFunc) error {
	r, table, raw, err := openReader(ctx, cfg, obj)
	if err != nil {
		t.fail(obj, err)
		if cfg.progress != nil {
			cfg.progress.ObjectFailed()
		}
		if cfg.strict || ctx.Err() != nil {
			return err
		}
		return nil
	}
	defer raw.Close()
	defer r.Release()
	if table == "" {
		// A digest or an object of another table: counted, not read.
		t.mu.Lock()
		if nr, ok := r.(nopReader); ok && nr.other {
			t.OtherTable++
		}
		t.Stats.Skipped += r.Stats().Skipped
		t.mu.Unlock()
		return nil
	}
	for r.Next() {
		if err := fn(worker, table, obj, r.Batch()); err != nil {
			return err
		}
	}
	st := r.Stats()
	t.mu.Lock()
	t.Objects++
	t.RawBytes += obj.Size
	t.Stats.Add(st)
	t.PerTable[table] += st.Records
	for _, e := range r.Rejects().Errs {
		t.Rejects.Add(e)
	}
	t.Rejects.Dropped += r.Rejects().Dropped
	t.mu.Unlock()
	if err := r.Err(); err != nil {
		t.fail(obj, err)
		if cfg.strict {
			return err
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}

func (t *scanTotals) fail(obj archive.Object, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.Failed++
	var pe *parsers.ParseError
	if !errors.As(err, &pe) && !strings.Contains(err.Error(), obj.URI) {
		err = fmt.Errorf("%s: %w", obj.URI, err)
	}
	t.Failures = append(t.Failures, err)
}

// openReader opens obj and picks its parser: by the key layout when it says
// (CloudTrail, flow logs, Parquet), else by the content (JSON is CloudTrail,
// a Parquet footer magic is flow-log Parquet, other text is flow-log text).
// table is "" for objects the scan does not read.
func openReader(ctx context.Context, cfg scanConfig, obj archive.Object) (batchReader, string, io.Closer, error) {
	switch obj.Facts.Kind {
	case archive.KindCloudTrailDigest:
		return nopReader{skipped: 1}, "", io.NopCloser(nil), nil
	case archive.KindVPCFlow:
		if obj.Facts.Format == "parquet" {
			return openParquet(ctx, cfg, obj)
		}
	}
	if strings.HasSuffix(obj.Key, ".parquet") {
		return openParquet(ctx, cfg, obj)
	}
	var rc io.ReadCloser
	var err error
	if cfg.progress != nil {
		rc, err = cfg.progress.Open(ctx, obj)
	} else {
		rc, err = archive.Open(ctx, obj)
	}
	if err != nil {
		return nil, "", nil, err
	}
	br := bufio.NewReaderSize(rc, 64<<10)
	table := tableOf(obj.Facts.Kind)
	if table == "" {
		head, _ := br.Peek(512)
		table = sniffTable(head)
	}
	switch {
	case table == "" && cfg.table != "":
		table = cfg.table // no content to tell: its reader explains
	case table == "":
		table = tableCloudTrail
	case cfg.table != "" && table != cfg.table:
		return nopReader{other: true}, "", rc, nil
	}
	opts := []parsers.Option{parsers.WithStrict(cfg.strict), parsers.WithMaxErrors(cfg.maxErrors)}
	if cfg.mem != nil {
		opts = append(opts, parsers.WithAllocator(cfg.mem))
	}
	if cols, ok := cfg.columns[table]; ok {
		opts = append(opts, projection(cols))
	}
	var r batchReader
	switch table {
	case tableCloudTrail:
		r, err = parsers.NewCloudTrailReader(br, obj.URI, opts...)
	default:
		r, err = parsers.NewVPCFlowReader(br, obj.URI, opts...)
	}
	if err != nil {
		rc.Close()
		return nil, "", nil, err
	}
	return r, table, rc, nil
}

func openParquet(ctx context.Context, cfg scanConfig, obj archive.Object) (batchReader, string, io.Closer, error) {
	if isCloudTrailParquet(ctx, obj) {
		return openCloudTrailParquet(ctx, cfg, obj) // written by hunt convert
	}
	if cfg.table != "" && cfg.table != tableVPCFlow {
		return nopReader{}, "", io.NopCloser(nil), nil
	}
	ra, size, err := archive.OpenAt(ctx, obj)
	if err != nil {
		return nil, "", nil, err
	}
	opts := []parsers.Option{parsers.WithStrict(cfg.strict), parsers.WithMaxErrors(cfg.maxErrors)}
	if cfg.mem != nil {
		opts = append(opts, parsers.WithAllocator(cfg.mem))
	}
	if cols, ok := cfg.columns[tableVPCFlow]; ok {
		opts = append(opts, projection(cols))
	}
	r, err := parsers.NewVPCFlowParquetReader(ra, size, obj.URI, opts...)
	if err != nil {
		ra.Close()
		return nil, "", nil, err
	}
	return r, tableVPCFlow, ra, nil
}

func tableOf(k archive.Kind) string {
	switch k {
	case archive.KindCloudTrail, archive.KindCloudTrailInsight, archive.KindCloudTrailNetworkActivity:
		return tableCloudTrail
	case archive.KindVPCFlow:
		return tableVPCFlow
	}
	return ""
}

// sniffTable guesses the table of decompressed content: JSON is CloudTrail;
// a flow-log header ("version ...", "account-id ...") or a line starting
// with a digit is flow-log text; anything else is "" (unknown: the reader of
// the table asked for explains what it found).
func sniffTable(head []byte) string {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(head) == 0:
		return ""
	case head[0] == '{' || head[0] == '[':
		return tableCloudTrail
	case head[0] >= '0' && head[0] <= '9':
		return tableVPCFlow
	}
	first, _, _ := bytes.Cut(head, []byte(" "))
	for _, f := range parsers.VPCFlowSchema.Fields() {
		if string(first) == f.Name || string(first) == strings.ReplaceAll(f.Name, "_", "-") {
			return tableVPCFlow
		}
	}
	return ""
}

// nopReader stands for an object that is not read: a digest (skipped) or
// an object of another table (other).
type nopReader struct {
	skipped int64
	other   bool
}

func (nopReader) Next() bool                  { return false }
func (nopReader) Batch() arrow.RecordBatch    { return nil }
func (nopReader) Err() error                  { return nil }
func (n nopReader) Stats() parsers.Stats      { return parsers.Stats{Skipped: n.skipped} }
func (nopReader) Rejects() *parsers.ErrorList { return &parsers.ErrorList{} }
func (nopReader) Release()                    {}

// defaultWorkers is how many objects are read at once: one per core.
func defaultWorkers() int { return runtime.GOMAXPROCS(0) }

// projection is the reader option for a query's columns: a query that needs
// none (count(*)) gets an empty, non-nil projection, never "every column".
func projection(cols []string) parsers.Option {
	if cols == nil {
		cols = []string{}
	}
	return parsers.WithColumns(cols...)
}
