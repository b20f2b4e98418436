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
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
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
	convertBufferBytes = 1 << 30   // Arrow data held for sorting before files are written
)

// runConvert converts CloudTrail and flow-log archives to Parquet.
func runConvert(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("convert", "hunt convert [flags] SRC DST", convertExamples, stdout)
	var common commonFlags
	common.register(fs)
	table := fs.String("table", "", "convert only this table: "+tableNamesOr()+" (default: all)")
	fileMB := fs.Int("file-size", convertFileBytes>>20, "target size of each Parquet file, in MiB")
	bufferMB := fs.Int("buffer", convertBufferBytes>>20, "MiB of parsed rows held for sorting before files are written; larger makes fewer, larger files")
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
	c := &converter{
		dst: dst, run: newRunID(start), fileBytes: int64(*fileMB) << 20, bufferBytes: int64(*bufferMB) << 20,
		rowGroupRows: *rowGroup, tables: map[string]*convertTable{},
	}
	if s3dst != nil {
		c.dst = s3dst.stage // uploaded at publish
	}
	cfg := scan.Config{Table: tab, Strict: common.strict, Workers: common.workers, MaxErrors: common.maxErrors, Columns: map[string][]string{}, Options: common.readerOptions()}
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
	rows := map[string]int64{} // per source URI
	tables := map[string]string{}
	totals := scan.Run(ctx, cfg, todo, func(_ int, table *parsers.Table, obj archive.Object, b arrow.RecordBatch) error {
		c.mu.Lock()
		defer c.mu.Unlock()
		if table.NewParquetReader == nil {
			if !sniffedNoParquet[obj.URI] {
				sniffedNoParquet[obj.URI] = true
				noParquet[table.Name]++
			}
			return nil
		}
		rows[obj.URI] += b.NumRows()
		tables[obj.URI] = table.Name
		return c.add(table, obj, b)
	})
	if totals.Stopped == nil {
		c.mu.Lock()
		totals.Stopped = c.flush()
		c.mu.Unlock()
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
	tmp := filepath.Join(dst, convertManifestName+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dst, convertManifestName))
}

// converter buffers parsed batches per table, sorted into Hive partitions,
// and writes them as Parquet files when the buffer is full and at the end.
// Its methods run under mu.
type converter struct {
	mu           sync.Mutex
	dst, run     string
	fileBytes    int64
	bufferBytes  int64
	rowGroupRows int
	tables       map[string]*convertTable
	buffered     int64 // bytes of retained batches
	seq          int

	files   []convertFile // written, not yet published
	written int64
	rows    int64
}

// convertTable is one table's retained batches and, per partition, the
// rows that go there.
type convertTable struct {
	batches []arrow.RecordBatch
	parts   map[string]*convertPart // by partition folder
	refs    []parsers.RowRef        // scratch
}

type convertPart struct {
	dir  string
	refs []parsers.RowRef
}

// convertFile is a written file: its hidden temporary name and final name.
type convertFile struct{ tmp, final string }

// add takes the rows of b, a batch of table read from obj.
func (c *converter) add(tab *parsers.Table, obj archive.Object, b arrow.RecordBatch) error {
	table := tab.Name
	t := c.tables[table]
	if t == nil {
		t = &convertTable{parts: map[string]*convertPart{}}
		c.tables[table] = t
	}
	b.Retain()
	bi := len(t.batches)
	t.batches = append(t.batches, b)
	t.refs = parsers.AppendRowRefs(t.refs[:0], bi, b)
	acct, region := partitionColumns(tab, b)
	for _, r := range t.refs {
		dir := archive.HivePartitionDir(table, valueOr(acct, int(r.Row), obj.Facts.Account), valueOr(region, int(r.Row), obj.Facts.Region), r.Time)
		p := t.parts[dir]
		if p == nil {
			p = &convertPart{dir: dir}
			t.parts[dir] = p
		}
		p.refs = append(p.refs, r)
	}
	c.buffered += batchBytes(b)
	if c.buffered >= c.bufferBytes {
		return c.flush()
	}
	return nil
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

// valueOr returns row i of the string column a, or def when it is null,
// empty or absent, or "unknown".
func valueOr(a arrow.Array, i int, def string) string {
	if a != nil && a.IsValid(i) {
		var s string
		switch c := a.(type) {
		case *array.String:
			s = c.Value(i)
		case *array.Dictionary:
			if d, ok := c.Dictionary().(*array.String); ok {
				s = d.Value(c.GetValueIndex(i))
			}
		}
		if s != "" && !strings.ContainsAny(s, "/\\=") && s != "." && s != ".." {
			return s
		}
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
				n += int64(buf.Len())
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

// flush writes every buffered partition as sorted Parquet files and
// releases the batches.
func (c *converter) flush() error {
	names := make([]string, 0, len(c.tables))
	for name := range c.tables {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t := c.tables[name]
		dirs := make([]string, 0, len(t.parts))
		for d := range t.parts {
			dirs = append(dirs, d)
		}
		slices.Sort(dirs)
		for _, d := range dirs {
			p := t.parts[d]
			parsers.SortRowRefs(p.refs)
			if err := c.writePartition(name, t.batches, p); err != nil {
				return err
			}
		}
		for _, b := range t.batches {
			b.Release()
		}
		delete(c.tables, name)
	}
	c.buffered = 0
	return nil
}

// writePartition writes p's rows, in order, into files of about
// c.fileBytes each.
func (c *converter) writePartition(table string, batches []arrow.RecordBatch, p *convertPart) error {
	dir := filepath.Join(c.dst, filepath.FromSlash(p.dir))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	refs := p.refs
	for len(refs) > 0 {
		c.seq++
		name := fmt.Sprintf("part-%s-%05d.parquet", c.run, c.seq)
		tmp := filepath.Join(dir, "."+name+".tmp")
		f, err := os.Create(tmp)
		if err != nil {
			return err
		}
		c.files = append(c.files, convertFile{tmp: tmp, final: filepath.Join(dir, name)})
		w, err := parsers.NewParquetWriter(f, parsers.TableNamed(table), c.rowGroupRows)
		if err != nil {
			f.Close()
			return err
		}
		// Write a row group at a time until the file reaches its size.
		for len(refs) > 0 && w.Size() < c.fileBytes {
			k := min(len(refs), c.rowGroupRows)
			if err := w.Write(batches, refs[:k]); err != nil {
				f.Close()
				return fmt.Errorf("%s: %w", tmp, err)
			}
			refs = refs[k:]
		}
		err = w.Close()
		if err == nil {
			var st os.FileInfo
			if st, err = f.Stat(); err == nil {
				c.written += st.Size()
			}
		}
		c.rows += w.Rows()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %w", tmp, err)
		}
	}
	return nil
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

// abort removes the files of a failed run and releases what is buffered.
func (c *converter) abort() {
	for _, f := range c.files {
		os.Remove(f.tmp)
	}
	for _, t := range c.tables {
		for _, b := range t.batches {
			b.Release()
		}
	}
	c.tables = map[string]*convertTable{}
}
