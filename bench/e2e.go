package bench

import (
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
	"syscall"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/scan"
)

// Table names, as in SQL.
var (
	TableCloudTrail = parsers.CloudTrail.Name
	TableVPCFlow    = parsers.VPCFlow.Name
)

// Projections hunts typically read: what the parse-only "projection"
// measurement asks the readers for (the same eight CloudTrail columns as
// the parsers' cols=8 benchmark).
var (
	CloudTrailHuntColumns = []string{"eventtime", "eventsource", "eventname", "awsregion", "sourceipaddress",
		"useridentity.arn", "errorcode", "recipientaccountid"}
	VPCFlowHuntColumns = []string{"srcaddr", "dstaddr", "dstport", "protocol", "start", "bytes", "action"}
)

// PeerQuery is a query that hunt, DuckDB and jq all answer in
// bench/peer, so their answers can be compared row by row.
type PeerQuery struct {
	Name  string // short name used in tables, JSON and bench/peer
	Table string // TableCloudTrail or TableVPCFlow
	SQL   string // hunt's SQL (Athena dialect)
}

// PeerQueries are the three end-to-end queries of the peer comparison:
// CloudTrail count by eventname, console logins without MFA by source IP,
// and VPC flow REJECTs per source address per minute above 100.
var PeerQueries = []PeerQuery{
	{Name: "ct_count_by_eventname", Table: TableCloudTrail,
		SQL: `SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY eventname`},
	{Name: "ct_console_login_no_mfa", Table: TableCloudTrail,
		SQL: `SELECT sourceipaddress, count(*) AS n FROM cloudtrail
WHERE eventname = 'ConsoleLogin'
  AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Success'
  AND json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'
GROUP BY sourceipaddress`},
	{Name: "flow_reject_per_minute", Table: TableVPCFlow,
		SQL: `SELECT srcaddr, start / 60 * 60 AS minute, count(*) AS n FROM vpc_flow
WHERE action = 'REJECT' GROUP BY 1, 2 HAVING count(*) > 100`},
}

// Corpus is a planned archive to measure: the objects of each table, in
// key order. Digests are left out (hunt skips them unread).
type Corpus struct {
	Dir        string
	CloudTrail []archive.Object
	VPCFlow    []archive.Object
	// Parquet: dir holds no .gz logs but a Parquet lake `hunt convert`
	// wrote, and the tables' objects are its published part files. The
	// suite then measures parsing and the peer queries over them (there is
	// nothing to inflate), and each query plans the lake inside its timed
	// span, as `hunt query` does and as DuckDB's read_parquet globs it.
	Parquet bool
}

// OpenCorpus plans every object under dir, as `hunt query` does without
// pruning: the .gz logs, or when there are none, the lake's part files.
func OpenCorpus(ctx context.Context, dir string) (*Corpus, error) {
	c := &Corpus{Dir: dir}
	var lake archive.Plan
	plan, err := archive.PlanLocal(ctx, []string{dir}, archive.Facts{})
	if err != nil {
		return nil, err
	}
	for _, o := range plan.Objects {
		switch {
		case strings.HasSuffix(o.Key, ".parquet") && archive.HiveTable(o.Key) != "":
			lake.Objects = append(lake.Objects, o)
		case o.Facts.Kind == archive.KindCloudTrail:
			c.CloudTrail = append(c.CloudTrail, o)
		case o.Facts.Kind == archive.KindVPCFlow && o.Facts.Format != "parquet":
			c.VPCFlow = append(c.VPCFlow, o)
		}
	}
	if len(c.CloudTrail)+len(c.VPCFlow) == 0 && len(lake.Objects) > 0 {
		if err := archive.PruneUnpublished(&lake, openFile); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		c.Parquet = true
		for _, o := range lake.Objects {
			switch archive.HiveTable(o.Key) {
			case TableCloudTrail:
				c.CloudTrail = append(c.CloudTrail, o)
			case TableVPCFlow:
				c.VPCFlow = append(c.VPCFlow, o)
			}
		}
	}
	if len(c.CloudTrail)+len(c.VPCFlow) == 0 {
		return nil, fmt.Errorf("bench: %s: no CloudTrail or VPC flow log objects found (.gz logs, or a Parquet lake hunt convert wrote)", dir)
	}
	return c, nil
}

// openFile opens a local lake's manifest for archive.PruneUnpublished.
func openFile(name string) (io.ReadCloser, error) { return os.Open(name) }

// replan is the planning `hunt query` does before reading a lake of
// table: list dir, then keep the part files its manifest publishes. It
// must find the same objects as OpenCorpus.
func (c *Corpus) replan(ctx context.Context, table string) error {
	plan, err := archive.PlanLocal(ctx, []string{c.Dir}, archive.Facts{Table: table})
	if err != nil {
		return err
	}
	if err := archive.PruneUnpublished(plan, openFile); err != nil {
		return err
	}
	n := 0
	for _, o := range plan.Objects {
		if archive.HiveTable(o.Key) == table {
			n++
		}
	}
	if want := len(c.Objects(table)); n != want {
		return fmt.Errorf("bench: %s: planning found %d part files of %s, expected %d: the lake changed", c.Dir, n, table, want)
	}
	return nil
}

// Objects returns the objects of table.
func (c *Corpus) Objects(table string) []archive.Object {
	if table == TableCloudTrail {
		return c.CloudTrail
	}
	return c.VPCFlow
}

// Inflater names the gzip inflater a measurement reads through: one of
// archive.Inflaters(), or InflaterDefault for the build's default
// (archive.Inflater() when the measurement starts).
type Inflater string

const (
	InflaterDefault    Inflater = ""
	InflaterKlauspost  Inflater = archive.Klauspost
	InflaterLibdeflate Inflater = archive.Libdeflate
)

// HasLibdeflate reports whether this binary was built with -tags
// libdeflate (see archive.Inflaters).
func HasLibdeflate() bool { return slices.Contains(archive.Inflaters(), archive.Libdeflate) }

// useInflater switches archive's inflater to inf for one measurement and
// returns its name and the function restoring the previous one.
func useInflater(inf Inflater) (Inflater, func(), error) {
	prev := archive.Inflater()
	if inf == InflaterDefault {
		return Inflater(prev), func() {}, nil
	}
	if err := archive.SetInflater(string(inf)); err != nil {
		return inf, nil, fmt.Errorf("bench: %w", err)
	}
	return inf, func() { archive.SetInflater(prev) }, nil
}

// Measurement is one timed run over the objects of one table.
type Measurement struct {
	Kind    string `json:"kind"`    // "inflate", "parse" or "query"
	Table   string `json:"table"`   // TableCloudTrail or TableVPCFlow
	Variant string `json:"variant"` // "all", "projection", or the PeerQuery name
	Cores   int    `json:"cores"`   // GOMAXPROCS
	Workers int    `json:"workers"` // objects read at once
	// Inflater is the gzip inflater archive.Open used.
	Inflater Inflater `json:"inflater"`

	Objects  int   `json:"objects"`
	Bytes    int64 `json:"bytes"`     // compressed bytes read
	RawBytes int64 `json:"raw_bytes"` // decompressed bytes
	Records  int64 `json:"records"`   // rows parsed (0 for inflate)

	Wall time.Duration `json:"wall_ns"`
	CPU  time.Duration `json:"cpu_ns"` // user+system time of the process during the run
	// Finish is the wall time of a query's Run.Finish (merging the
	// workers' partial results, sorting, HAVING): the serial tail.
	Finish time.Duration `json:"finish_ns,omitempty"`

	Mallocs    uint64 `json:"mallocs"`     // heap objects allocated
	AllocBytes uint64 `json:"alloc_bytes"` // heap bytes allocated
	PeakRSS    int64  `json:"peak_rss"`    // bytes; VmHWM, reset before the run where Linux allows
	RSSReset   bool   `json:"rss_reset"`   // false: PeakRSS is the process's peak so far

	// Answer holds a query's result rows, tab-separated and sorted, for
	// comparing with peers.
	Answer []string `json:"answer,omitempty"`
}

// MBps is the decompressed throughput in MB/s (10^6 bytes) of wall time.
func (m *Measurement) MBps() float64 { return rate(m.RawBytes, m.Wall) / 1e6 }

// CPUMBps is the decompressed throughput in MB per CPU-second: the
// per-core speed, undistorted by other processes taking the cores.
func (m *Measurement) CPUMBps() float64 { return rate(m.RawBytes, m.CPU) / 1e6 }

// EventsPerSec is rows per second of wall time.
func (m *Measurement) EventsPerSec() float64 { return rate(m.Records, m.Wall) }

func rate(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// Inflate decompresses every object with archive.Open through inf (the
// decompressor the readers use) and discards the bytes, through a 64 KiB
// buffer as the readers' bufio does: the ceiling for any reader of
// compressed input.
func Inflate(ctx context.Context, objs []archive.Object, workers int, inf Inflater) (Measurement, error) {
	m := Measurement{Kind: "inflate", Variant: "gzip", Inflater: inf}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	bufs := make([][]byte, workers)
	var raw atomic.Int64
	err := measure(ctx, &m, objs, workers, nil, nil, func(workers int) error {
		return eachObject(ctx, objs, workers, func(w int, o archive.Object) error {
			rc, err := archive.Open(ctx, o)
			if err != nil {
				return err
			}
			defer rc.Close()
			if bufs[w] == nil {
				bufs[w] = make([]byte, 64<<10)
			}
			var n int64
			for {
				k, err := rc.Read(bufs[w])
				n += int64(k)
				if err == io.EOF {
					break
				}
				if err != nil {
					return fmt.Errorf("%s: %w", o.URI, err)
				}
			}
			raw.Add(n)
			return nil
		})
	})
	m.RawBytes = raw.Load()
	return m, err
}

// Parse reads every object of table with its reader, projected onto
// columns (nil: every column), and discards the batches.
func Parse(ctx context.Context, objs []archive.Object, table string, columns []string, workers int, inf Inflater) (Measurement, error) {
	m := Measurement{Kind: "parse", Table: table, Variant: "all", Inflater: inf}
	if columns != nil {
		m.Variant = "projection"
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var totals *scan.Totals
	err := measure(ctx, &m, objs, workers, nil, nil, func(workers int) error {
		totals = scan.Run(ctx, scanConfig(table, columns, workers), objs, func(int, *parsers.Table, archive.Object, arrow.RecordBatch) error { return nil })
		return totalsErr(totals)
	})
	if totals != nil {
		m.RawBytes, m.Records = totals.Stats.Bytes, totals.Stats.Records
	}
	return m, err
}

// Query runs q end to end over the objects of its table: compile, read
// with the query's projection, push every batch, finish. The answer's rows
// are kept in Measurement.Answer.
func Query(ctx context.Context, objs []archive.Object, q PeerQuery, workers int, inf Inflater) (Measurement, *engine.Result, error) {
	return query(ctx, objs, q, workers, inf, nil)
}

// QueryLake is Query over the part files of c, a Parquet lake, with the
// lake's planning (listing, manifest) inside the timed span.
func QueryLake(ctx context.Context, c *Corpus, q PeerQuery, workers int) (Measurement, *engine.Result, error) {
	return query(ctx, c.Objects(q.Table), q, workers, InflaterDefault, func() error { return c.replan(ctx, q.Table) })
}

// query is Query; plan, when not nil, runs first in the timed span.
func query(ctx context.Context, objs []archive.Object, q PeerQuery, workers int, inf Inflater, plan func() error) (Measurement, *engine.Result, error) {
	m := Measurement{Kind: "query", Table: q.Table, Variant: q.Name, Inflater: inf}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var res *engine.Result
	var totals *scan.Totals
	var run *engine.Run
	var cq *engine.Query
	setup := func(workers int) error {
		if plan != nil {
			if err := plan(); err != nil {
				return err
			}
		}
		var err error
		if cq, err = engine.Compile(q.SQL, engine.Options{Source: q.Name}); err != nil {
			return err
		}
		run = cq.NewRun(workers)
		return nil
	}
	finish := func() error {
		var err error
		start := time.Now()
		res, err = run.Finish()
		m.Finish = time.Since(start)
		return err
	}
	err := measure(ctx, &m, objs, workers, setup, finish, func(workers int) error {
		cfg := scanConfig(q.Table, cq.Columns(q.Table), workers)
		if len(cq.Tables()) == 1 {
			// As hunt query: the WHERE clause's equalities let readers
			// leave out rows that cannot match.
			cfg.Pruning.Equal = cq.Pruning(q.Table).Equal
		}
		totals = scan.Run(ctx, cfg, objs, func(w int, t *parsers.Table, _ archive.Object, b arrow.RecordBatch) error {
			return run.PushTable(w, t.Name, b)
		})
		return totalsErr(totals)
	})
	if totals != nil {
		m.RawBytes, m.Records = totals.Stats.Bytes, totals.Stats.Records
	}
	if err != nil {
		return m, nil, err
	}
	m.Answer = answerRows(res)
	return m, res, nil
}

// answerRows renders a result's rows as sorted tab-separated lines.
func answerRows(res *engine.Result) []string {
	rows := make([]string, res.Len())
	var sb strings.Builder
	for i := range rows {
		sb.Reset()
		for j := range res.Columns {
			if j > 0 {
				sb.WriteByte('\t')
			}
			sb.WriteString(res.Text(i, j))
		}
		rows[i] = sb.String()
	}
	slices.Sort(rows)
	return rows
}

// scanConfig is the scan of hunt's commands over objects of table,
// projected onto columns (nil: every column), reading only that table.
func scanConfig(table string, columns []string, workers int) scan.Config {
	cfg := scan.Config{Table: parsers.TableNamed(table), Workers: workers, Mem: memory.DefaultAllocator}
	if columns != nil {
		cfg.Columns = map[string][]string{table: columns}
	}
	return cfg
}

// totalsErr is the first thing wrong with a measured scan: a benchmark
// over a corpus with bad objects or records measures something else.
func totalsErr(t *scan.Totals) error {
	switch {
	case t.Stopped != nil:
		return t.Stopped
	case len(t.Failures) > 0:
		return t.Failures[0]
	case t.Stats.Rejected > 0:
		return fmt.Errorf("%d records rejected, first: %v", t.Stats.Rejected, t.Rejects.Errs)
	case t.OtherTable > 0:
		return fmt.Errorf("%d objects of another table in the corpus", t.OtherTable)
	}
	return nil
}

// measure times run (given the worker count) over objs, reading through
// archive's inflater m.Inflater (set to the one used), and fills m's
// counters, times, allocations and peak RSS. setup and finish, when not
// nil, run inside the timed span, before and after run.
func measure(ctx context.Context, m *Measurement, objs []archive.Object, workers int,
	setup func(workers int) error, finish func() error, run func(workers int) error) error {
	inf, restore, err := useInflater(m.Inflater)
	if err != nil {
		return err
	}
	defer restore()
	m.Inflater = inf
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	m.Cores, m.Workers, m.Objects = runtime.GOMAXPROCS(0), workers, len(objs)
	for _, o := range objs {
		m.Bytes += o.Size
	}
	// Start from a clean heap so one run's garbage does not count in the
	// next one's peak RSS.
	runtime.GC()
	debug.FreeOSMemory()
	m.RSSReset = resetPeakRSS()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0 := cpuTime()
	start := time.Now()

	if setup != nil {
		if err := setup(workers); err != nil {
			return err
		}
	}
	if err := run(workers); err != nil {
		return err
	}
	if finish != nil {
		if err := finish(); err != nil {
			return err
		}
	}

	m.Wall = time.Since(start)
	m.CPU = cpuTime() - cpu0
	runtime.ReadMemStats(&ms1)
	m.Mallocs = ms1.Mallocs - ms0.Mallocs
	m.AllocBytes = ms1.TotalAlloc - ms0.TotalAlloc
	m.PeakRSS = PeakRSS()
	return nil
}

// eachObject runs fn over objs with workers goroutines, each taking the
// next object; the first error stops it.
func eachObject(ctx context.Context, objs []archive.Object, workers int, fn func(worker int, o archive.Object) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(workers, max(len(objs), 1)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(objs) {
					return
				}
				if err := fn(w, objs[i]); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}

// cpuTime is the user+system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// PeakRSS is the process's peak resident set size in bytes: VmHWM from
// /proc/self/status, else getrusage's maxrss.
func PeakRSS() int64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for line := range strings.Lines(string(b)) {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				f := strings.Fields(rest) // "123456 kB"
				if len(f) == 2 && f[1] == "kB" {
					if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
						return kb << 10
					}
				}
			}
		}
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss << 10 // kB on Linux
}

// resetPeakRSS resets VmHWM to the current RSS (Linux: "5" to
// /proc/self/clear_refs) and reports whether it could.
func resetPeakRSS() bool {
	f, err := os.OpenFile("/proc/self/clear_refs", os.O_WRONLY, 0)
	if err != nil {
		return false
	}
	_, err = f.WriteString("5")
	return errors.Join(err, f.Close()) == nil
}

// SuiteOptions says which measurements RunSuite makes.
type SuiteOptions struct {
	Cores []int // GOMAXPROCS values, workers = cores; default 1..NumCPU
	Reps  int   // repetitions of each measurement; default 3
	// Inflaters to measure with, each in turn; default: the build's
	// default only.
	Inflaters []Inflater
	// Only keeps the measurements whose kind/table/variant name contains
	// one of these strings (e.g. "inflate", "query/vpc_flow"); default all.
	Only []string
	// Progress, when set, is called after every run (for a progress line).
	Progress func(m Measurement)
}

// Summary is the result of one measurement over its repetitions: the best
// run (shortest wall time) and the spread of all of them.
type Summary struct {
	Best Measurement `json:"best"`
	Runs int         `json:"runs"`
	// Wall and CPU times of every run, in run order.
	Walls []time.Duration `json:"walls_ns"`
	CPUs  []time.Duration `json:"cpus_ns"`
	// BestCPU is the run with the least CPU time (its throughput per
	// CPU-second is the least disturbed by other processes).
	BestCPU time.Duration `json:"best_cpu_ns"`
	// MaxPeakRSS is the highest peak RSS over the runs.
	MaxPeakRSS int64 `json:"max_peak_rss"`
}

// Spread is (slowest - fastest) / fastest wall time, e.g. 0.12 for 12 %.
func (s *Summary) Spread() float64 {
	lo, hi := slices.Min(s.Walls), slices.Max(s.Walls)
	if lo <= 0 {
		return 0
	}
	return float64(hi-lo) / float64(lo)
}

// CPUMBps is the best decompressed throughput per CPU-second.
func (s *Summary) CPUMBps() float64 { return rate(s.Best.RawBytes, s.BestCPU) / 1e6 }

// Report is what RunSuite measured, with the machine it ran on.
type Report struct {
	Machine   Machine   `json:"machine"`
	Corpus    CorpusRef `json:"corpus"`
	Reps      int       `json:"reps"`
	Summaries []Summary `json:"summaries"`
}

// CorpusRef describes the measured corpus.
type CorpusRef struct {
	Dir               string `json:"dir"`
	CloudTrailObjects int    `json:"cloudtrail_objects"`
	CloudTrailBytes   int64  `json:"cloudtrail_bytes"` // compressed
	VPCFlowObjects    int    `json:"vpcflow_objects"`
	VPCFlowBytes      int64  `json:"vpcflow_bytes"` // compressed
	// Parquet: the objects are a Parquet lake's part files (Corpus.Parquet).
	Parquet bool `json:"parquet,omitempty"`
}

// Machine describes where a report was measured.
type Machine struct {
	Time      time.Time `json:"time"`
	GoVersion string    `json:"go_version"`
	OS        string    `json:"os"`
	Arch      string    `json:"arch"`
	NumCPU    int       `json:"num_cpu"`
	CPUModel  string    `json:"cpu_model"`
	MemTotal  string    `json:"mem_total"`
	LoadStart string    `json:"load_start"` // /proc/loadavg when the suite started
	LoadEnd   string    `json:"load_end"`
	// GC is the garbage collector's policy during the suite, as the
	// command that ran it set it ("" when the runtime's defaults).
	GC string `json:"gc,omitempty"`
}

// ReadMachine describes this machine now.
func ReadMachine() Machine {
	m := Machine{Time: time.Now().UTC(), GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		NumCPU: runtime.NumCPU(), LoadStart: loadAvg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				m.MemTotal = strings.TrimSpace(v)
			}
		}
	}
	return m
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// RunSuite measures c: for each core count, Reps rounds of inflate-only
// and parse-only (every column and the hunt projection) per table and the
// PeerQueries end to end. Rounds interleave the measurements, so a burst
// of load from elsewhere spreads over all of them. GOMAXPROCS is restored
// on return. Query answers must be identical in every run.
func RunSuite(ctx context.Context, c *Corpus, opts SuiteOptions) (*Report, error) {
	if len(opts.Cores) == 0 {
		for n := 1; n <= runtime.NumCPU(); n++ {
			opts.Cores = append(opts.Cores, n)
		}
	}
	if opts.Reps <= 0 {
		opts.Reps = 3
	}
	rep := &Report{Machine: ReadMachine(), Reps: opts.Reps, Corpus: CorpusRef{Dir: c.Dir,
		CloudTrailObjects: len(c.CloudTrail), VPCFlowObjects: len(c.VPCFlow), Parquet: c.Parquet}}
	for _, o := range c.CloudTrail {
		rep.Corpus.CloudTrailBytes += o.Size
	}
	for _, o := range c.VPCFlow {
		rep.Corpus.VPCFlowBytes += o.Size
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))

	type step struct {
		name string // kind/table/variant
		run  func(workers int) (Measurement, error)
	}
	var steps []step
	inflaters := opts.Inflaters
	if len(inflaters) == 0 {
		inflaters = []Inflater{Inflater(archive.Inflater())}
	}
	for _, inf := range inflaters {
		_, restore, err := useInflater(inf)
		if err != nil {
			return nil, err
		}
		restore()
	}
	for _, table := range []string{TableCloudTrail, TableVPCFlow} {
		objs := c.Objects(table)
		if len(objs) == 0 {
			continue
		}
		cols := CloudTrailHuntColumns
		if table == TableVPCFlow {
			cols = VPCFlowHuntColumns
		}
		if c.Parquet {
			steps = append(steps,
				step{"parse/" + table + "/all", func(w int) (Measurement, error) { return Parse(ctx, objs, table, nil, w, InflaterDefault) }},
				step{"parse/" + table + "/projection", func(w int) (Measurement, error) { return Parse(ctx, objs, table, cols, w, InflaterDefault) }},
			)
			for _, q := range PeerQueries {
				if q.Table == table {
					steps = append(steps, step{"query/" + table + "/" + q.Name, func(w int) (Measurement, error) {
						m, _, err := QueryLake(ctx, c, q, w)
						return m, err
					}})
				}
			}
			continue
		}
		for _, inf := range inflaters {
			steps = append(steps,
				step{"inflate/" + table + "/gzip", func(w int) (Measurement, error) {
					m, err := Inflate(ctx, objs, w, inf)
					m.Table = table
					return m, err
				}},
				step{"parse/" + table + "/all", func(w int) (Measurement, error) { return Parse(ctx, objs, table, nil, w, inf) }},
				step{"parse/" + table + "/projection", func(w int) (Measurement, error) { return Parse(ctx, objs, table, cols, w, inf) }},
			)
			for _, q := range PeerQueries {
				if q.Table == table {
					steps = append(steps, step{"query/" + table + "/" + q.Name, func(w int) (Measurement, error) {
						m, _, err := Query(ctx, objs, q, w, inf)
						return m, err
					}})
				}
			}
		}
	}
	if len(opts.Only) > 0 {
		steps = slices.DeleteFunc(steps, func(s step) bool {
			return !slices.ContainsFunc(opts.Only, func(o string) bool { return strings.Contains(s.name, o) })
		})
		if len(steps) == 0 {
			return nil, fmt.Errorf("bench: no measurement matches %q (names are kind/table/variant, like query/vpc_flow/flow_reject_per_minute)", opts.Only)
		}
	}
	for _, cores := range opts.Cores {
		runtime.GOMAXPROCS(cores)
		first := len(rep.Summaries)
		for range opts.Reps {
			for i, s := range steps {
				m, err := s.run(cores)
				if err != nil {
					return rep, fmt.Errorf("bench: %s %s %s at %d cores: %w", m.Kind, m.Table, m.Variant, cores, err)
				}
				if opts.Progress != nil {
					opts.Progress(m)
				}
				if first+i == len(rep.Summaries) {
					rep.Summaries = append(rep.Summaries, Summary{Best: m, BestCPU: m.CPU})
				}
				if err := rep.Summaries[first+i].add(m); err != nil {
					return rep, err
				}
			}
		}
	}
	rep.Machine.LoadEnd = loadAvg()
	return rep, nil
}

// add records run m of s's measurement.
func (s *Summary) add(m Measurement) error {
	if !slices.Equal(m.Answer, s.Best.Answer) {
		return fmt.Errorf("bench: %s at %d cores: answer changed between runs (%d rows, then %d)",
			m.Variant, m.Cores, len(s.Best.Answer), len(m.Answer))
	}
	s.Runs++
	s.Walls = append(s.Walls, m.Wall)
	s.CPUs = append(s.CPUs, m.CPU)
	if m.Wall < s.Best.Wall {
		s.Best = m
	}
	s.BestCPU = min(s.BestCPU, m.CPU)
	s.MaxPeakRSS = max(s.MaxPeakRSS, m.PeakRSS)
	return nil
}
