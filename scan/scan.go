package scan

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/parsers"
)

// Config says how to read a plan's objects.
type Config struct {
	// Columns is the projection per table name; a table missing from it
	// is read with every column, a nil or empty list with none (count(*)).
	Columns map[string][]string
	// Table, when set, reads only objects of this table: objects of other
	// tables are counted in [Totals.OtherTable], and an object whose
	// content says no table is handed to this table's reader, which
	// explains what it found. When nil, every table is read and such an
	// object fails.
	Table     *parsers.Table
	Strict    bool // the first bad record stops the scan
	Workers   int  // objects read at once; 0 = [DefaultWorkers]
	MaxErrors int  // rejected-record errors kept; 0 = the readers' default
	// Mem is the allocator of the batches' buffers; nil gives each
	// worker a parsers.Recycler (see [Func]).
	Mem memory.Allocator
	// Progress counts bytes and objects when set.
	Progress *archive.Progress
	// ProgressTo gets a progress line (objects and bytes done/total, rate,
	// ETA) while the scan runs, when it is a terminal and Progress is nil.
	ProgressTo io.Writer
	// Pruning lets Parquet readers skip row groups; its Equal also lets
	// text readers leave out rows (parsers.WithEqual).
	Pruning parsers.Pruning
	// Options are given to every reader after the scan's own
	// (parsers.WithFlowFormat for headerless flow logs).
	Options []parsers.Option
	// First lists tables whose objects are read before every other
	// object (a staged scan: GuardDuty findings before the CloudTrail
	// activity a hunt joins them with); Staged is then called once they
	// all have been, while no Func call runs, before any other object is
	// opened (the caller ends those tables' input: engine's
	// Run.FinishTable). The scan stages only when every object's table
	// is told by its key; otherwise it reads in plan order and Staged is
	// not called. An error from Staged stops the scan.
	First  []string
	Staged func() error
}

// Totals is what a scan read, for the summary and the exit code.
type Totals struct {
	Objects    int // objects read to the end or failed partway
	Failed     int // objects that could not be read to the end
	OtherTable int // objects of another table than Config.Table
	RawBytes   int64
	Stats      parsers.Stats    // records, rejected, skipped (digests), decompressed bytes
	PerTable   map[string]int64 // records per table name
	// TableObjects counts the objects opened for reading per table name:
	// a table with none was not in the inputs at all.
	TableObjects map[string]int
	Rejects      parsers.ErrorList
	Failures     []error          // one *archive.ObjectError per failed object
	Stopped      error            // a --strict stop, a callback error or cancellation
	failed       map[string]error // by object URI
	mu           sync.Mutex
}

// ObjectFailed returns why the object at uri could not be read to the
// end, or nil when it was (or was not read at all). Its rows are
// incomplete, so a run must not record it as read.
func (t *Totals) ObjectFailed(uri string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed[uri]
}

// Func receives each batch of an object. worker is in [0, workers); calls
// for one worker never overlap. The batch is valid during the call only:
// its memory is built in again once it is released (unless Config.Mem says
// otherwise), so fn keeps copies of its values, or the batch retained,
// never views of its buffers (strings of its values) past the call.
// An error stops the scan and becomes [Totals.Stopped].
type Func func(worker int, table *parsers.Table, obj archive.Object, b arrow.RecordBatch) error

// DefaultWorkers is how many objects are read at once: one per core.
func DefaultWorkers() int { return runtime.GOMAXPROCS(0) }

// Workers returns how many workers [Run] uses at most under cfg:
// the size callers give per-worker state.
func Workers(cfg Config) int {
	if cfg.Workers > 0 {
		return cfg.Workers
	}
	return DefaultWorkers()
}

// Run reads objs with up to [Workers] in parallel and calls fn for every
// batch. Each object is opened, its table told by its key layout or its
// content (see [Open]), and read by that table's reader with the table's
// projection. Objects are handed out in order; with one worker, batches
// arrive in plan order. A bad object is counted and the scan goes on,
// unless cfg.Strict.
func Run(ctx context.Context, cfg Config, objs []archive.Object, fn Func) *Totals {
	t := &Totals{PerTable: map[string]int64{}, TableObjects: map[string]int{}, failed: map[string]error{}}
	t.Rejects.Max = cfg.MaxErrors
	workers := min(Workers(cfg), max(len(objs), 1))
	if f, ok := cfg.ProgressTo.(*os.File); ok && cfg.Progress == nil && archive.IsTerminal(f) {
		var total int64
		for _, o := range objs {
			total += o.Size
		}
		cfg.Progress = archive.NewProgress(len(objs), total)
		pctx, stop := context.WithCancel(ctx)
		var pwg sync.WaitGroup
		pwg.Go(func() { cfg.Progress.Run(pctx, f, 250*time.Millisecond) })
		defer pwg.Wait()
		defer stop()
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if first, rest, ok := stages(cfg, objs); ok {
		readAll(ctx, cancel, cfg, workers, first, t, fn)
		if ctx.Err() == nil {
			if err := cfg.Staged(); err != nil {
				cancel(err)
			}
		}
		objs = rest
	}
	readAll(ctx, cancel, cfg, workers, objs, t, fn)
	if err := context.Cause(ctx); err != nil && t.Stopped == nil {
		t.Stopped = err
	}
	return t
}

// readAll reads objs with workers goroutines and returns when all are
// read (or the scan stopped).
func readAll(ctx context.Context, cancel context.CancelCauseFunc, cfg Config, workers int, objs []archive.Object, t *Totals, fn Func) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(workers, len(objs)) {
		wg.Go(func() {
			cfg := cfg
			if cfg.Mem == nil {
				// Each worker's readers build their batches in
				// the buffers of the batches fn released
				// (parsers.Recycler): fn must not keep views of a
				// batch's memory, only copies or the batch,
				// retained.
				cfg.Mem = parsers.NewRecycler(parsers.DefaultRecycleBytes)
			}
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(objs) {
					return
				}
				if err := readObjectSafe(ctx, cfg, w, objs[i], t, fn); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// stages splits objs into the objects of cfg.First's tables and the
// others, each in plan order; ok is false when the scan does not stage:
// no cfg.Staged, or an object whose table its key does not tell (its
// content might name a table of First).
func stages(cfg Config, objs []archive.Object) (first, rest []archive.Object, ok bool) {
	if len(cfg.First) == 0 || cfg.Staged == nil {
		return nil, nil, false
	}
	for _, o := range objs {
		table := keyTable(o)
		if table == "" {
			return nil, nil, false
		}
		if slices.Contains(cfg.First, table) {
			first = append(first, o)
		} else {
			rest = append(rest, o)
		}
	}
	return first, rest, true
}

// keyTable is the table [Open] reads obj as, when its key tells it
// (a digest, read as none, is "-"); "" when only its content does.
func keyTable(obj archive.Object) string {
	if obj.Facts.Kind == archive.KindCloudTrailDigest {
		return "-"
	}
	if (obj.Facts.Kind == archive.KindVPCFlow && obj.Facts.Format == "parquet") || strings.HasSuffix(obj.Key, ".parquet") {
		if t := archive.HiveTable(obj.Key); parsers.TableNamed(t) != nil {
			return t
		}
	}
	return obj.Facts.Kind.Table()
}

// ErrInternal is wrapped by the error a panic while reading an object
// becomes: a bug, reported with its stack, that stops the scan (the
// command exits 1, not with the runtime's exit code 2).
var ErrInternal = errors.New("internal error")

// readObjectSafe is readObject turning a panic (a bug in a reader or an
// operator) into an error naming the object, with the stack.
func readObjectSafe(ctx context.Context, cfg Config, worker int, obj archive.Object, t *Totals, fn Func) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &archive.ObjectError{URI: obj.URI, Err: fmt.Errorf("%w: panic: %v\n%s", ErrInternal, p, debug.Stack())}
			t.fail(obj, err)
		}
	}()
	return readObject(ctx, cfg, worker, obj, t, fn)
}

// readObject reads one object. It returns an error only to stop the whole
// scan (--strict, a callback error, cancellation); a bad object is counted.
func readObject(ctx context.Context, cfg Config, worker int, obj archive.Object, t *Totals, fn Func) error {
	o, err := Open(ctx, cfg, obj)
	if err != nil && stopping(ctx, err) {
		// The scan is stopping (a LIMIT met, a callback error,
		// cancellation) and this object was not opened because of it:
		// not a bad object. The stop itself is [Totals.Stopped].
		return err
	}
	if err != nil {
		t.fail(obj, err)
		if cfg.Progress != nil {
			cfg.Progress.ObjectFailed()
		}
		if cfg.Strict || ctx.Err() != nil {
			return err
		}
		return nil
	}
	defer o.Close()
	if o.Table == nil {
		// A digest or an object of another table: counted, not read.
		t.mu.Lock()
		if o.Other {
			t.OtherTable++
		}
		t.Stats.Skipped += o.Skipped
		t.mu.Unlock()
		return nil
	}
	t.mu.Lock()
	t.TableObjects[o.Table.Name]++ // counted when opened: a LIMIT may stop it early
	t.mu.Unlock()
	r := o.Reader
	for r.Next() {
		b := r.Batch()
		if len(o.parts) > 0 {
			b = o.addPartitions(b, obj, cfg.Mem)
		}
		err := fn(worker, o.Table, obj, b)
		if len(o.parts) > 0 {
			b.Release()
		}
		if err != nil {
			return err
		}
	}
	st := r.Stats()
	t.mu.Lock()
	t.Objects++
	t.RawBytes += obj.Size
	t.Stats.Add(st)
	t.PerTable[o.Table.Name] += st.Records
	for _, e := range r.Rejects().Errs {
		t.Rejects.Add(e)
	}
	t.Rejects.Dropped += r.Rejects().Dropped
	t.mu.Unlock()
	if err := r.Err(); err != nil && !stopping(ctx, err) {
		t.fail(obj, err)
		if cfg.Strict {
			return err
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}

// stopping tells whether err comes from the scan's own stop: ctx is done
// and err is its cancellation (or the cause given to it), not a fault of
// the object. Such an object is neither read nor failed; counting it as
// failed made a query whose LIMIT was met while another worker opened an
// object exit 1 with "results are incomplete".
func stopping(ctx context.Context, err error) bool {
	if ctx.Err() == nil {
		return false
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Cause(ctx))
}

func (t *Totals) fail(obj archive.Object, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.Failed++
	var oe *archive.ObjectError
	if !errors.As(err, &oe) || oe.URI != obj.URI {
		err = &archive.ObjectError{URI: obj.URI, Err: err}
	}
	t.failed[obj.URI] = err
	t.Failures = append(t.Failures, err)
}

// Object is an opened object with its reader, or the reason it is not
// read (Table nil).
type Object struct {
	Table  *parsers.Table // nil when the object is not read
	Reader parsers.Reader // the table's reader, when Table is set
	// Skipped counts objects skipped by design (a CloudTrail digest);
	// Other says the object is of another table than Config.Table.
	Skipped int64
	Other   bool
	closer  io.Closer
	// parts are the partition columns the projection asks for, which the
	// scan adds to each batch (see [parsers.Partition]).
	parts  []parsers.Partition
	schema *arrow.Schema // the last batch schema with the partitions added
	from   *arrow.Schema // the reader schema it was made from
}

// Close releases the reader and closes the object.
func (o *Object) Close() error {
	if o.Reader != nil {
		o.Reader.Release()
	}
	if o.closer != nil {
		return o.closer.Close()
	}
	return nil
}

// ErrUnknownTable is wrapped by the error of an object whose table can be
// told neither from its key nor from its content.
var ErrUnknownTable = errors.New("object of no known table")

// Open opens obj and picks its table's reader, failing closed:
//   - a CloudTrail digest is skipped (counted, never parsed);
//   - Parquet (by the key layout, or a .parquet name) goes to the Parquet
//     reader of the table its Hive table= folder, its key layout or its
//     footer names ([parsers.ParquetTable]);
//   - anything else is decompressed and goes to the text reader of the
//     table its key layout names, else the table whose content it starts
//     with ([parsers.SniffTable]).
//
// An object no table answers to is an error wrapping [ErrUnknownTable],
// unless cfg.Table is set: then that table's reader reads it and explains
// what it found instead. The caller must Close the returned Object.
func Open(ctx context.Context, cfg Config, obj archive.Object) (*Object, error) {
	if obj.Facts.Kind == archive.KindCloudTrailDigest {
		return &Object{Skipped: 1}, nil
	}
	if (obj.Facts.Kind == archive.KindVPCFlow && obj.Facts.Format == "parquet") || strings.HasSuffix(obj.Key, ".parquet") {
		return openParquet(ctx, cfg, obj)
	}
	var rc io.ReadCloser
	var err error
	if cfg.Progress != nil {
		rc, err = cfg.Progress.Open(ctx, obj)
	} else {
		rc, err = archive.Open(ctx, obj)
	}
	if err != nil {
		return nil, err
	}
	// Content inflated whole is sniffed and read where it lies; a stream
	// gets a read-ahead buffer to sniff.
	br, ok := rc.(peekReader)
	if !ok {
		br = bufio.NewReaderSize(rc, 64<<10)
	}
	table := parsers.TableNamed(obj.Facts.Kind.Table())
	if table == nil {
		head, _ := br.Peek(512)
		if table = parsers.SniffTable(head); table == nil {
			if cfg.Table == nil {
				rc.Close()
				return nil, &archive.ObjectError{URI: obj.URI, Err: fmt.Errorf("%w: expected %s, found %s", ErrUnknownTable, contentNames(), quoteHead(head))}
			}
			table = cfg.Table // its reader explains what it found
		}
	}
	if cfg.Table != nil && table != cfg.Table {
		return &Object{Other: true, closer: rc}, nil
	}
	opts, parts := readerOptions(cfg, table)
	r, err := table.NewReader(br, obj.URI, opts...)
	if err != nil {
		rc.Close()
		return nil, err
	}
	return &Object{Table: table, Reader: r, closer: rc, parts: parts}, nil
}

// peekReader is a reader that shows its next bytes without consuming
// them: a bufio.Reader, or an object archive inflated whole.
type peekReader interface {
	io.Reader
	Peek(n int) ([]byte, error)
}

func openParquet(ctx context.Context, cfg Config, obj archive.Object) (*Object, error) {
	var ra archive.ReadAtCloser
	var size int64
	var err error
	if cfg.Progress != nil {
		ra, size, err = cfg.Progress.OpenAt(ctx, obj)
	} else {
		ra, size, err = archive.OpenAt(ctx, obj)
	}
	if err != nil {
		return nil, err
	}
	table := parsers.TableNamed(archive.HiveTable(obj.Key))
	if table == nil {
		table = parsers.TableNamed(obj.Facts.Kind.Table())
	}
	if table == nil {
		table = parsers.ParquetTable(ra, size)
	}
	switch {
	case table == nil:
		ra.Close()
		return nil, &archive.ObjectError{URI: obj.URI, Err: fmt.Errorf("%w: expected a Parquet file of %s (hunt's %q footer key, or the table's columns), found neither", ErrUnknownTable, strings.Join(parsers.TableNames(), " or "), parsers.ParquetTableKey)}
	case cfg.Table != nil && table != cfg.Table:
		return &Object{Other: true, closer: ra}, nil
	case table.NewParquetReader == nil:
		ra.Close()
		return nil, &archive.ObjectError{URI: obj.URI, Err: fmt.Errorf("expected a text object of table %s, found Parquet (the table has no Parquet reader)", table.Name)}
	}
	opts, parts := readerOptions(cfg, table)
	r, err := table.NewParquetReader(ra, size, obj.URI, cfg.Pruning, opts...)
	if err != nil {
		ra.Close()
		return nil, err
	}
	return &Object{Table: table, Reader: r, closer: ra, parts: parts}, nil
}

// TableOf tells the table of obj as [Open] does (key layout, Hive folder,
// Parquet footer, content), reading at most its first bytes; nil for a
// digest or an object no table answers to.
func TableOf(ctx context.Context, obj archive.Object) (*parsers.Table, error) {
	if obj.Facts.Kind == archive.KindCloudTrailDigest {
		return nil, nil
	}
	if t := parsers.TableNamed(obj.Facts.Kind.Table()); t != nil {
		return t, nil
	}
	if t := parsers.TableNamed(archive.HiveTable(obj.Key)); t != nil {
		return t, nil
	}
	if strings.HasSuffix(obj.Key, ".parquet") {
		ra, size, err := archive.OpenAt(ctx, obj)
		if err != nil {
			return nil, err
		}
		defer ra.Close()
		return parsers.ParquetTable(ra, size), nil
	}
	rc, err := archive.Open(ctx, obj)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(rc, head)
	return parsers.SniffTable(head[:n]), nil
}

func readerOptions(cfg Config, t *parsers.Table) ([]parsers.Option, []parsers.Partition) {
	opts := []parsers.Option{parsers.WithStrict(cfg.Strict), parsers.WithMaxErrors(cfg.MaxErrors)}
	if cfg.Mem != nil {
		opts = append(opts, parsers.WithAllocator(cfg.Mem))
	}
	opts = append(opts, cfg.Options...)
	if len(cfg.Pruning.Equal) > 0 {
		opts = append(opts, parsers.WithEqual(cfg.Pruning.Equal)) // text readers leave out rows it rules out
	}
	cols, ok := cfg.Columns[t.Name]
	if !ok {
		return opts, nil
	}
	// Partition columns are the scan's to add; the reader builds what
	// they fall back on for objects outside the AWS key layout.
	read := []string{} // a query that needs no column (count(*)) reads none, never "every column"
	var parts []parsers.Partition
	for _, c := range cols {
		if p := t.PartitionNamed(c); p != nil {
			parts = append(parts, *p)
		} else {
			read = append(read, c)
		}
	}
	if len(parts) > 0 {
		for _, c := range []string{t.AccountColumn, t.RegionColumn, t.TimeColumns[0]} {
			if !slices.Contains(read, c) {
				read = append(read, c)
			}
		}
	}
	return append(opts, parsers.WithColumns(read...)), parts
}

// addPartitions returns b with the partition columns o.parts appended
// (the caller releases it): each row's value is the object's key fact, or,
// for an object outside the AWS key layout, the record's.
func (o *Object) addPartitions(b arrow.RecordBatch, obj archive.Object, mem memory.Allocator) arrow.RecordBatch {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	if o.from != b.Schema() {
		fields := b.Schema().Fields()
		for _, p := range o.parts {
			var typ arrow.DataType = arrow.BinaryTypes.String
			if p.IsDate {
				typ = arrow.FixedWidthTypes.Date32
			}
			fields = append(fields, arrow.Field{Name: p.Name, Type: typ, Nullable: true})
		}
		o.from, o.schema = b.Schema(), arrow.NewSchema(fields, nil)
	}
	n := int(b.NumRows())
	cols := slices.Clone(b.Columns())
	sb := array.NewStringBuilder(mem)
	defer sb.Release()
	col := func(name string) arrow.Array {
		if idx := b.Schema().FieldIndices(name); len(idx) == 1 {
			return b.Column(idx[0])
		}
		return nil
	}
	for _, p := range o.parts {
		if p.IsDate {
			cols = append(cols, o.dateColumn(b, obj, mem, col, n))
			continue
		}
		sb.Reserve(n)
		var key string
		switch p.Kind {
		case parsers.PartitionAccount:
			key = obj.Facts.Account
		case parsers.PartitionRegion:
			key = obj.Facts.Region
		case parsers.PartitionDate:
			if obj.Facts.HasDate && (!p.Hourly || obj.Facts.Hourly) {
				key = obj.Facts.Date.UTC().Format(p.DateLayout)
			}
		}
		if key != "" {
			for range n {
				sb.Append(key)
			}
		} else {
			o.appendFromRecords(sb, p, col, n)
		}
		cols = append(cols, sb.NewArray())
	}
	out := array.NewRecordBatch(o.schema, cols, int64(n))
	for _, c := range cols[len(b.Columns()):] {
		c.Release() // the batch holds them
	}
	return out
}

// dateColumn is a DATE partition column: the object's key date, else each
// record's first time column's date.
func (o *Object) dateColumn(b arrow.RecordBatch, obj archive.Object, mem memory.Allocator, col func(string) arrow.Array, n int) arrow.Array {
	db := array.NewDate32Builder(mem)
	defer db.Release()
	db.Reserve(n)
	if obj.Facts.HasDate {
		d := arrow.Date32FromTime(obj.Facts.Date.UTC())
		for range n {
			db.Append(d)
		}
		return db.NewArray()
	}
	a := col(o.Table.TimeColumns[0])
	for i := range n {
		switch c := a.(type) {
		case *array.String:
			if ts, err := time.Parse(time.RFC3339Nano, c.Value(i)); err == nil && c.IsValid(i) {
				db.Append(arrow.Date32FromTime(ts.UTC()))
				continue
			}
		case *array.Int64:
			if c.IsValid(i) {
				db.Append(arrow.Date32FromTime(time.Unix(c.Value(i), 0).UTC()))
				continue
			}
		}
		db.AppendNull()
	}
	return db.NewArray()
}

// appendFromRecords appends partition p's value of each row from the
// record's own columns: the table's account or region column, or the date
// of its first time column.
func (o *Object) appendFromRecords(sb *array.StringBuilder, p parsers.Partition, col func(string) arrow.Array, n int) {
	t := o.Table
	var a arrow.Array
	switch p.Kind {
	case parsers.PartitionAccount:
		a = col(t.AccountColumn)
	case parsers.PartitionRegion:
		a = col(t.RegionColumn)
	case parsers.PartitionDate:
		a = col(t.TimeColumns[0])
	}
	var buf []byte
	for i := range n {
		if a == nil || a.IsNull(i) {
			sb.AppendNull()
			continue
		}
		switch c := a.(type) {
		case *array.String:
			v := c.Value(i)
			if p.Kind == parsers.PartitionDate {
				ts, err := time.Parse(time.RFC3339Nano, v)
				if err != nil {
					sb.AppendNull()
					continue
				}
				buf = ts.UTC().AppendFormat(buf[:0], p.DateLayout)
				sb.BinaryBuilder.Append(buf)
				continue
			}
			sb.Append(v)
		case *array.Dictionary:
			d := c.Dictionary().(*array.String)
			sb.Append(d.Value(c.GetValueIndex(i)))
		case *array.Int64:
			buf = time.Unix(c.Value(i), 0).UTC().AppendFormat(buf[:0], p.DateLayout)
			sb.BinaryBuilder.Append(buf)
		default:
			sb.AppendNull()
		}
	}
}

// contentNames describes what content the tables start with, for errors.
func contentNames() string {
	names := parsers.TableNames()
	return "content of table " + strings.Join(names, " or ")
}

// quoteHead quotes the first bytes of an object for an error: up to 40
// bytes, "empty input" when there are none.
func quoteHead(head []byte) string {
	if len(strings.TrimSpace(string(head))) == 0 {
		return "empty input"
	}
	if len(head) > 40 {
		return strconv.Quote(string(head[:40])) + "..."
	}
	return strconv.Quote(string(head))
}
