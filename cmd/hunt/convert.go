package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/scan"
)

const convertExamples = `  # convert a local copy of the trail and the flow logs, then query the Parquet
  hunt convert ./AWSLogs ./parquet
  hunt query "SELECT eventtime, sourceipaddress FROM cloudtrail WHERE eventname = 'ConsoleLogin'" ./parquet

  # only one account's last week, straight from S3; run again later to add new objects only
  hunt convert --account 111122223333 --since 168h s3://trail-bucket/AWSLogs/ ./parquet

  # write the Parquet to S3 (staged locally, uploaded at the end), then query it there
  hunt convert s3://trail-bucket/AWSLogs/ s3://lake-bucket/hunt/
  hunt query "SELECT count(*) FROM cloudtrail" s3://lake-bucket/hunt/
`

// The manifest of a converted lake (see [archive.HiveManifest]).
const convertManifestName = archive.HiveManifestName

type (
	convertManifest = archive.HiveManifest
	convertedSource = archive.HiveSource
)

// Defaults of `hunt convert`.
const (
	convertFileBytes   = 128 << 20 // Parquet files are cut at this size
	convertBufferBytes = 32 << 20  // Arrow data held, all workers together, before rows are written
	// convertMemoryLimit is the Go runtime's soft memory limit during a
	// convert with the default --buffer and up to two workers (unless
	// GOMEMLIMIT is set): what convert holds is bounded (--buffer, the
	// open files' row groups, the readers' buffers), but with the default
	// GOGC the heap grows to twice that between collections.
	convertMemoryLimit = 224 << 20
	// convertWorkerBytes is about what each worker holds beside its share
	// of --buffer: the batch its reader builds (CloudTrail batches reach
	// 30-40 MB) and its open files' row groups.
	convertWorkerBytes = 80 << 20
)

// convertMemLimit is the soft memory limit of a convert with workers
// workers and a --buffer of buffer bytes: [convertMemoryLimit], plus what
// more workers or a larger buffer hold, so that they do not make the
// collector run without pause.
func convertMemLimit(workers int, buffer int64) int64 {
	return convertMemoryLimit + int64(max(workers-2, 0))*convertWorkerBytes + max(buffer-convertBufferBytes, 0)
}

// runConvert converts CloudTrail and flow-log archives to Parquet.
func runConvert(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("convert", "hunt convert [flags] SRC DST", convertExamples, stdout)
	var common commonFlags
	common.register(fs)
	table := fs.String("table", "", "convert only this table: "+tableNamesOr()+" (default: all)")
	fileMB := fs.Int("file-size", convertFileBytes>>20, "target size of each Parquet file, in MiB")
	bufferMB := fs.Int("buffer", convertBufferBytes>>20, "MiB of parsed rows held, all workers together, before they are sorted and written; larger makes fuller row groups and more memory")
	rowGroup := fs.Int("row-group-rows", parsers.ParquetRowGroupRows, "rows per Parquet row group")
	pos, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if len(pos) != 2 {
		fmt.Fprintln(stderr, "hunt convert: expected SRC and DST\nUsage: hunt convert [flags] SRC DST (hunt convert -h for help)")
		return exitUsage
	}
	if err := common.validate(); err != nil {
		fmt.Fprintf(stderr, "hunt convert: %v\n", err)
		return exitUsage
	}
	defer common.startProfiles(stderr)()
	tab, err := tableFlag(*table)
	if err != nil {
		fmt.Fprintf(stderr, "hunt convert: %v\n", err)
		return exitUsage
	}
	if *fileMB <= 0 || *bufferMB <= 0 || *rowGroup <= 0 {
		fmt.Fprintln(stderr, "hunt convert: --file-size, --buffer and --row-group-rows must be positive")
		return exitUsage
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		workers := common.workers
		if workers <= 0 {
			workers = scan.DefaultWorkers()
		}
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(convertMemLimit(workers, int64(*bufferMB)<<20)))
	}
	src, dst := pos[0], pos[1]
	var s3dst *s3Dest // nil when DST is a local folder
	if strings.HasPrefix(dst, "s3://") {
		if _, _, err := archive.ParseS3URI(dst); err != nil {
			fmt.Fprintf(stderr, "hunt convert: DST: %v\n", err)
			return exitUsage
		}
	}
	start := time.Now()
	facts, err := common.facts(*table, start)
	if err != nil {
		fmt.Fprintf(stderr, "hunt convert: %v\n", err)
		return exitUsage
	}
	var man *convertManifest
	if strings.HasPrefix(dst, "s3://") {
		s3dst, man, err = openS3Dest(ctx, common, dst, stderr)
		if err == nil {
			defer s3dst.close()
		}
	} else if man, err = readConvertManifest(dst); err == nil {
		var n int
		if n, err = removeUnpublished(dst, man); n > 0 {
			fmt.Fprintf(stderr, "hunt convert: removed %d files of unfinished runs under %s\n", n, dst)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "hunt convert: %v\n", err)
		return exitError
	}
	plan, err := planPaths(ctx, common, []string{src}, facts)
	if err != nil {
		fmt.Fprintf(stderr, "hunt convert: %v\n", err)
		return exitError
	}
	absDst, _ := filepath.Abs(dst)
	var todo []archive.Object
	var todoBytes int64
	// Objects of tables without a Parquet reader (guardduty, config):
	// files of theirs could not be read back, so they are skipped and
	// stay read in place.
	noParquet := map[string]int{}
	sniffedNoParquet := map[string]bool{} // URIs known only once read
	done := 0
	for _, o := range plan.Objects {
		if !strings.HasPrefix(o.URI, "s3://") {
			if abs, err := filepath.Abs(o.URI); err == nil && strings.HasPrefix(abs, absDst+string(filepath.Separator)) {
				continue // our own output, when DST is inside SRC
			}
		} else if s3dst != nil && strings.HasPrefix(o.URI, s3dst.uri) {
			continue // the same, in S3
		}
		if t := parsers.TableNamed(o.Facts.Kind.Table()); t != nil && t.NewParquetReader == nil {
			noParquet[t.Name]++ // its layout says a table without a Parquet form
			continue
		}
		if s, ok := man.Sources[o.URI]; ok && s.Size == o.Size && s.ETag == o.ETag && (o.ETag != "" || s.ModTime.Equal(o.ModTime)) {
			done++
			continue
		}
		todo = append(todo, o)
		todoBytes += o.Size
	}
	fmt.Fprintf(stderr, "hunt convert: %d objects to convert (%s), %d already converted, %d pruned\n",
		len(todo), byteSize(todoBytes), done, len(plan.Pruned))
	cfg := scan.Config{Table: tab, Strict: common.strict, Workers: common.workers, MaxErrors: common.maxErrors, Columns: map[string][]string{}, Options: common.readerOptions()}
	cfg.Options = append(cfg.Options, convertOptions...)
	c := newConverter(dst, newRunID(start), scan.Workers(cfg), int64(*fileMB)<<20, int64(*bufferMB)<<20, *rowGroup)
	if s3dst != nil {
		c.dst = s3dst.stage // uploaded at publish
	}
	for _, t := range parsers.Tables {
		if t.NewParquetReader != nil {
			cfg.Columns[t.Name] = tableColumns(t.Schema)
		}
	}
	cfg.Progress = archive.NewProgress(len(todo), todoBytes)
	progCtx, stopProgress := context.WithCancel(ctx)
	var progDone sync.WaitGroup
	if f, ok := stderr.(*os.File); ok && archive.IsTerminal(f) {
		progDone.Go(func() { cfg.Progress.Run(progCtx, stderr, 250*time.Millisecond) })
	}
	totals := c.convert(ctx, cfg, todo)
	rows := map[string]int64{} // per source URI
	tables := map[string]string{}
	for _, cw := range c.workers {
		for uri, n := range cw.rows {
			rows[uri] += n
			tables[uri] = cw.tables[uri]
		}
		for uri, name := range cw.noParquet {
			if !sniffedNoParquet[uri] {
				sniffedNoParquet[uri] = true
				noParquet[name]++
			}
		}
	}
	stopProgress()
	progDone.Wait()
	code := finishScan(stderr, "convert", plan, totals, time.Since(start), common.maxErrors)
	for _, t := range parsers.Tables {
		if n := noParquet[t.Name]; n > 0 {
			fmt.Fprintf(stderr, "hunt convert: skipped %d objects of table %s: it has no Parquet form (hunt reads them in place)\n", n, t.Name)
		}
	}
	if totals.Stopped != nil {
		c.abort()
		return exitError
	}
	// Publish: the run as pending, its files, then the manifest that
	// says their sources are done (readers read only published runs).
	if s3dst != nil {
		err = s3dst.publish(ctx, c, man)
	} else if len(c.files) > 0 {
		man.Pending = []string{c.run}
		if err = writeConvertManifest(dst, man); err == nil {
			err = c.publish()
		}
		man.Pending = nil
	}
	if err != nil {
		fmt.Fprintf(stderr, "hunt convert: %v\n", err)
		return exitError
	}
	// An object that failed before any row is tried again next run. One
	// that failed part way is recorded with its error: its rows up to the
	// failure (what a query of it reads too) are in the files, and
	// converting it again would write them twice.
	for _, o := range todo {
		if sniffedNoParquet[o.URI] {
			continue
		}
		var msg string
		if err := totals.ObjectFailed(o.URI); err != nil {
			if rows[o.URI] == 0 {
				continue
			}
			msg = err.Error()
		}
		man.Sources[o.URI] = convertedSource{Size: o.Size, ETag: o.ETag, ModTime: o.ModTime, Table: tables[o.URI], Rows: rows[o.URI], Run: c.run, Error: msg}
	}
	if s3dst != nil {
		err = s3dst.writeManifest(ctx, man)
	} else {
		err = writeConvertManifest(dst, man)
	}
	if err != nil {
		fmt.Fprintf(stderr, "hunt convert: %v\n", err)
		return exitError
	}
	size := "no source bytes"
	switch {
	case c.written > 0 && totals.RawBytes >= c.written:
		size = fmt.Sprintf("%.1fx smaller than the source objects", float64(totals.RawBytes)/float64(c.written))
	case c.written > 0:
		// Tiny inputs: Parquet's footer and page headers outweigh the rows.
		size = fmt.Sprintf("%.1fx larger than the source objects", float64(c.written)/float64(max(totals.RawBytes, 1)))
	}
	fmt.Fprintf(stderr, "hunt convert: wrote %d Parquet files (%s, %d rows) under %s; %s\n",
		len(c.files), byteSize(c.written), c.rows, dst, size)
	return code
}

// convertOptions are the reader options of convert on top of the common
// ones: the flow columns that repeat per network interface come
// dictionary-encoded, so the writer maps a batch's few values to its
// dictionaries instead of hashing every row's.
var convertOptions = []parsers.Option{parsers.WithFlowDictionaries()}

// tableColumns is every column of s but SourceColumn: the Parquet files
// keep the rows, not the path of the object they came from.
func tableColumns(s *arrow.Schema) []string {
	var cols []string
	for _, f := range s.Fields() {
		if f.Name != parsers.SourceColumn {
			cols = append(cols, f.Name)
		}
	}
	return cols
}

func newRunID(t time.Time) string {
	var b [3]byte
	rand.Read(b[:])
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

func readConvertManifest(dst string) (*convertManifest, error) {
	name := filepath.Join(dst, convertManifestName)
	b, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return &convertManifest{Version: 1, Sources: map[string]convertedSource{}}, nil
	}
	if err != nil {
		return nil, err
	}
	return archive.ParseHiveManifest(b, name)
}

// removeUnpublished deletes the part files under the local lake dst of
// runs m does not publish: files of an interrupted run (pending), or of a
// run whose manifest could not be written. They were never read; their
// sources are converted again.
func removeUnpublished(dst string, m *convertManifest) (int, error) {
	published := m.Published()
	n := 0
	err := filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dst {
			return filepath.SkipAll // nothing converted yet
		}
		if err != nil || d.IsDir() {
			return err
		}
		if run := archive.HivePartRun(filepath.ToSlash(p)); run != "" && !published[run] {
			if err := os.Remove(p); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	m.Pending = nil
	return n, err
}

func writeConvertManifest(dst string, m *convertManifest) error {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil { // nothing written yet: a new folder
		return err
	}
	tmp := filepath.Join(dst, convertManifestName+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dst, convertManifestName))
}

// convertOpenFiles is how many Parquet files a convert worker keeps open
// at once. Archives list a partition's objects together (keys are
// account/region/date), so a worker rarely goes back to a partition it has
// left; when it does, the file it closed stays and a new one is started.
// Each open file holds its row group's compressed pages and its column
// writers' buffers.
const convertOpenFiles = 2

// converter turns parsed batches into Parquet files under Hive partition
// folders. Each scan worker has its own [convertWorker], with its own
// buffer and files, so workers sort and write in parallel; only the list
// of written files is shared.
type converter struct {
	dst, run     string
	fileBytes    int64
	rowGroupRows int
	workers      []*convertWorker
	seq          atomic.Int64 // part file numbers

	mu      sync.Mutex    // guards what follows
	files   []convertFile // written, not yet published
	written int64
	rows    int64
}

// newConverter returns a converter of workers workers writing under dst,
// sharing bufferBytes of parsed rows between them.
func newConverter(dst, run string, workers int, fileBytes, bufferBytes int64, rowGroupRows int) *converter {
	c := &converter{dst: dst, run: run, fileBytes: fileBytes, rowGroupRows: rowGroupRows}
	for range max(workers, 1) {
		c.workers = append(c.workers, &convertWorker{
			c: c, budget: max(bufferBytes/int64(max(workers, 1)), 1), parts: map[string]*convertPart{},
			rows: map[string]int64{}, tables: map[string]string{}, noParquet: map[string]string{},
		})
	}
	return c
}

// convertWorker is one scan worker's share of a conversion. It holds the
// batches it was given until their rows are written: a partition's rows
// go out as a row group when they fill one ([converter.rowGroupRows]), and
// every partition's rows go out (the row groups stay open) when the
// batches held exceed budget. Memory is thus bounded by budget plus
// [convertOpenFiles] open files, whatever the input size.
// Not safe for concurrent use.
type convertWorker struct {
	c      *converter
	budget int64 // bytes of batches held before every partition is written

	// batches[i] is the batch RowRef.Batch i names, nil once released;
	// pins[i] counts the partitions with unwritten rows of it, plus one
	// while add routes its rows.
	batches []arrow.RecordBatch
	pins    []int32
	sizes   []int64 // batchBytes of each batch
	free    []int32 // indexes of released batches, reused: no ref names them
	live    int     // batches not yet released
	held    int64   // bytes of those batches

	parts map[string]*convertPart // by partition folder
	open  []*convertPart          // parts with an open file, least recently written first
	refs  []parsers.RowRef        // scratch
	last  convertRoute            // the route of the previous row (fast path)

	pending    int // rows routed, not yet written
	maxPending int // most rows ever pending (tests)
	maxBatches int // longest batches ever was (tests)

	rows      map[string]int64  // per source URI
	tables    map[string]string // per source URI
	noParquet map[string]string // source URI → table without a Parquet form
}

// convertRoute remembers which partition the previous row went to, so the
// next row with the same account and region values (as the batch has
// them, aliasing it) and day skips checking them and building the folder
// name.
type convertRoute struct {
	acct, region string
	day          int64
	part         *convertPart
}

// convertPart is one partition folder of a worker: its unwritten rows and
// its open file.
type convertPart struct {
	table  *parsers.Table
	dir    string
	refs   []parsers.RowRef // unwritten rows, into the worker's batches
	pinned []int32          // batches refs has pinned
	f      *os.File         // open file, nil between files
	w      *parsers.ParquetWriter
	tmp    string
}

// convertFile is a written file: its hidden temporary name and final name.
type convertFile struct{ tmp, final string }

// add takes the rows of b, a batch of table read from obj.
func (cw *convertWorker) add(tab *parsers.Table, obj archive.Object, b arrow.RecordBatch) error {
	b.Retain()
	var bi int32
	if n := len(cw.free); n > 0 {
		// Some partition nearly always has rows pending, so live rarely
		// drops to 0: released indexes are reused, or the list would
		// grow with the input.
		bi, cw.free = cw.free[n-1], cw.free[:n-1]
		cw.batches[bi], cw.pins[bi], cw.sizes[bi] = b, 1, batchBytes(b) // 1: routing's own pin
	} else {
		bi = int32(len(cw.batches))
		cw.batches = append(cw.batches, b)
		cw.pins = append(cw.pins, 1)
		cw.sizes = append(cw.sizes, batchBytes(b))
	}
	cw.maxBatches = max(cw.maxBatches, len(cw.batches))
	cw.live++
	cw.held += cw.sizes[bi]
	cw.refs = parsers.AppendRowRefs(cw.refs[:0], int(bi), b)
	acctCol, regionCol := partitionColumns(tab, b)
	acct, region := parsers.NewTextColumn(acctCol), parsers.NewTextColumn(regionCol)
	cw.last = convertRoute{}
	for _, r := range cw.refs {
		a, g := acct.At(int(r.Row)), region.At(int(r.Row))
		day := dayOf(r.Time)
		p := cw.last.part
		// Fast path: the same partition as the previous row.
		if p == nil || day != cw.last.day || a != cw.last.acct || g != cw.last.region {
			dir := archive.HivePartitionDir(tab.Name, valueOr(a, obj.Facts.Account), valueOr(g, obj.Facts.Region), r.Time)
			p = cw.part(tab, dir)
			cw.last = convertRoute{acct: a, region: g, day: day, part: p}
		}
		if n := len(p.pinned); n == 0 || p.pinned[n-1] != bi {
			p.pinned = append(p.pinned, bi)
			cw.pins[bi]++
		}
		p.refs = append(p.refs, r)
		cw.pending++
		cw.maxPending = max(cw.maxPending, cw.pending)
		if len(p.refs) >= cw.c.rowGroupRows {
			if err := cw.write(p); err != nil {
				return err
			}
		}
	}
	cw.last = convertRoute{}
	cw.unpin(bi)
	if cw.held > cw.budget {
		return cw.writeAll()
	}
	return nil
}

// convert reads objs with cfg and writes their rows (all but those of
// tables without a Parquet form, which are noted per worker), then closes
// every file unless the scan stopped.
func (c *converter) convert(ctx context.Context, cfg scan.Config, objs []archive.Object) *scan.Totals {
	// Each worker converts the objects it reads into its own files: no
	// lock is held while rows are sorted and written.
	totals := scan.Run(ctx, cfg, objs, func(w int, table *parsers.Table, obj archive.Object, b arrow.RecordBatch) error {
		cw := c.workers[w]
		if table.NewParquetReader == nil {
			cw.noParquet[obj.URI] = table.Name
			return nil
		}
		cw.rows[obj.URI] += b.NumRows()
		cw.tables[obj.URI] = table.Name
		return cw.add(table, obj, b)
	})
	if totals.Stopped == nil {
		totals.Stopped = c.finish()
	}
	return totals
}

// dayOf is the UTC day of a time in Unix microseconds.
func dayOf(us int64) int64 {
	const day = 86_400_000_000
	if us < 0 {
		return (us+1)/day - 1
	}
	return us / day
}

// part returns the partition of folder dir, made on first use.
func (cw *convertWorker) part(tab *parsers.Table, dir string) *convertPart {
	p := cw.parts[dir]
	if p == nil {
		p = &convertPart{table: tab, dir: dir}
		cw.parts[dir] = p
	}
	return p
}

// unpin drops one pin of batch bi and releases it when none is left.
func (cw *convertWorker) unpin(bi int32) {
	cw.pins[bi]--
	if cw.pins[bi] > 0 {
		return
	}
	cw.batches[bi].Release()
	cw.batches[bi] = nil
	cw.held -= cw.sizes[bi]
	cw.live--
	cw.free = append(cw.free, bi)
	if cw.live == 0 {
		// Nothing held: the indexes start again.
		cw.batches, cw.pins, cw.sizes, cw.free = cw.batches[:0], cw.pins[:0], cw.sizes[:0], cw.free[:0]
	}
}

// writeAll writes every partition's unwritten rows, which releases every
// batch held.
func (cw *convertWorker) writeAll() error {
	dirs := make([]string, 0, len(cw.parts))
	for d, p := range cw.parts {
		if len(p.refs) > 0 {
			dirs = append(dirs, d)
		}
	}
	slices.Sort(dirs)
	for _, d := range dirs {
		if err := cw.write(cw.parts[d]); err != nil {
			return err
		}
	}
	return nil
}

// write sorts p's unwritten rows by time (to the minute, see
// [parsers.SortRowRefs]) and appends them to p's file,
// opening one (and closing the least recently written if too many are
// open) when p has none. The file is closed when it reaches its size.
func (cw *convertWorker) write(p *convertPart) error {
	c := cw.c
	if p.w == nil {
		if len(cw.open) >= convertOpenFiles {
			if err := cw.closeFile(cw.open[0]); err != nil {
				return err
			}
		}
		if err := cw.openFile(p); err != nil {
			return err
		}
	} else {
		i := slices.Index(cw.open, p)
		cw.open = append(slices.Delete(cw.open, i, i+1), p)
	}
	parsers.SortRowRefs(p.refs)
	if err := p.w.Write(cw.batches, p.refs); err != nil {
		return fmt.Errorf("%s: %w", p.tmp, err)
	}
	cw.pending -= len(p.refs)
	p.refs = p.refs[:0]
	for _, bi := range p.pinned {
		cw.unpin(bi)
	}
	p.pinned = p.pinned[:0]
	if p.w.Size() >= c.fileBytes {
		return cw.closeFile(p)
	}
	return nil
}

// openFile starts a new hidden part file for p.
func (cw *convertWorker) openFile(p *convertPart) error {
	c := cw.c
	dir := filepath.Join(c.dst, filepath.FromSlash(p.dir))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	name := fmt.Sprintf("part-%s-%05d.parquet", c.run, c.seq.Add(1))
	tmp := filepath.Join(dir, "."+name+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.files = append(c.files, convertFile{tmp: tmp, final: filepath.Join(dir, name)})
	c.mu.Unlock()
	w, err := parsers.NewParquetWriter(f, p.table, c.rowGroupRows)
	if err != nil {
		f.Close()
		return err
	}
	p.f, p.w, p.tmp = f, w, tmp
	cw.open = append(cw.open, p)
	return nil
}

// closeFile writes the footer of p's file and closes it.
func (cw *convertWorker) closeFile(p *convertPart) error {
	c := cw.c
	if i := slices.Index(cw.open, p); i >= 0 {
		cw.open = slices.Delete(cw.open, i, i+1)
	}
	err := p.w.Close()
	var size int64
	if err == nil {
		var st os.FileInfo
		if st, err = p.f.Stat(); err == nil {
			size = st.Size()
		}
	}
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	c.mu.Lock()
	c.written += size
	c.rows += p.w.Rows()
	c.mu.Unlock()
	p.f, p.w = nil, nil
	if err != nil {
		return fmt.Errorf("%s: %w", p.tmp, err)
	}
	return nil
}

// finish writes every worker's remaining rows and closes their files, the
// workers in parallel.
func (c *converter) finish() error {
	errs := make([]error, len(c.workers))
	var wg sync.WaitGroup
	for i, cw := range c.workers {
		wg.Go(func() {
			err := cw.writeAll()
			for len(cw.open) > 0 {
				err = errors.Join(err, cw.closeFile(cw.open[0]))
			}
			errs[i] = err
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// maxBatches is the most batch indexes any worker used at once.
func (c *converter) maxBatches() int {
	n := 0
	for _, cw := range c.workers {
		n = max(n, cw.maxBatches)
	}
	return n
}

// maxPending is the most rows any worker held unwritten at once.
func (c *converter) maxPending() int {
	n := 0
	for _, cw := range c.workers {
		n = max(n, cw.maxPending)
	}
	return n
}

// partitionColumns returns the account and region columns of b, a batch
// of table t.
func partitionColumns(t *parsers.Table, b arrow.RecordBatch) (acct, region arrow.Array) {
	var cols [2]arrow.Array
	for i, n := range [2]string{t.AccountColumn, t.RegionColumn} {
		if idx := b.Schema().FieldIndices(n); len(idx) == 1 {
			cols[i] = b.Column(idx[0])
		}
	}
	return cols[0], cols[1]
}

// valueOr returns s, a partition column's value, when it can name a
// folder: else def when that is not empty, else "unknown".
func valueOr(s, def string) string {
	if s != "" && !strings.ContainsAny(s, "/\\=") && s != "." && s != ".." {
		return s
	}
	if def != "" {
		return def
	}
	return "unknown"
}

// batchBytes is the memory b's buffers hold.
func batchBytes(b arrow.RecordBatch) int64 {
	var n int64
	var walk func(d arrow.ArrayData)
	walk = func(d arrow.ArrayData) {
		for _, buf := range d.Buffers() {
			if buf != nil {
				n += int64(buf.Cap())
			}
		}
		for _, c := range d.Children() {
			walk(c)
		}
		if d.DataType().ID() == arrow.DICTIONARY {
			walk(d.Dictionary())
		}
	}
	for _, col := range b.Columns() {
		walk(col.Data())
	}
	return n
}

// publish renames the written files to their final, visible names.
func (c *converter) publish() error {
	for _, f := range c.files {
		if err := os.Rename(f.tmp, f.final); err != nil {
			return err
		}
	}
	return nil
}

// abort closes and removes the files of a failed run and releases what
// is held.
func (c *converter) abort() {
	for _, cw := range c.workers {
		for _, p := range cw.open {
			p.f.Close()
		}
		cw.open = nil
		for _, b := range cw.batches {
			if b != nil {
				b.Release()
			}
		}
		cw.batches = nil
	}
	for _, f := range c.files {
		os.Remove(f.tmp)
	}
}
