package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/bench"
	"github.com/hunt-sec/hunt/engine"
)

const benchExamples = `  # generate a 256 MiB + 256 MiB corpus, measure at 1 and 2 cores, keep the JSON
  hunt bench --generate 256MiB --dir /tmp/corpus --cores 1,2 --json bench.json

  # measure your own archive (CloudTrail .json.gz and flow .log.gz, in AWS key layout)
  hunt bench --dir ./AWSLogs-copy --reps 5

  # 500 hunts (the library's, copied with varied thresholds) in one pass, at 2 cores
  hunt bench --dir /tmp/corpus --hunts /tmp/hunts500 --hunts-generate 500 --cores 2 --reps 1

  # the peer queries over a Parquet lake hunt convert wrote, in one warm process
  hunt bench --dir /tmp/lake --only query --cores 1 --reps 7

  # compare the gzip inflaters of a binary built with -tags libdeflate
  hunt bench --dir /tmp/corpus --cores 1,2 --inflaters klauspost,libdeflate
`

// runBench measures inflate-only, parse-only and end-to-end throughput
// over a corpus (see bench.RunSuite) and prints a table.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("bench", "hunt bench [flags]", benchExamples, stdout)
	generate := fs.String("generate", "", "first generate a corpus of this uncompressed size per table into --dir (e.g. 512MiB, 1GB)")
	dir := fs.String("dir", "", "corpus folder (required): .gz logs in AWS key layout, or a Parquet lake hunt convert wrote (then parse and query only, each query planning the lake in its timed span)")
	coresFlag := fs.String("cores", "", "comma-separated core counts (GOMAXPROCS and workers); default 1..NumCPU")
	reps := fs.Int("reps", 3, "repetitions of each measurement; the best and the spread are reported")
	seed := fs.Int64("seed", 1, "generator seed (with --generate)")
	days := fs.Int("days", 1, "days of deliveries the generated objects spread over (with --generate)")
	jsonFile := fs.String("json", "", "also write the report as JSON to this file")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	inflaters := fs.String("inflaters", "", "comma-separated gzip inflaters to measure, each in turn, or \"all\": "+strings.Join(archive.Inflaters(), ", ")+" in this binary (libdeflate needs a binary built with -tags libdeflate); default "+archive.Inflater())
	huntsDir := fs.String("hunts", "", "instead of the suite, run the *.sql hunts of this folder over the corpus in one pass, as hunt run does, and report MB/s, wall, CPU and peak RSS")
	huntsGen := fs.Int("hunts-generate", 0, "first write this many hunts into --hunts: the shipped library's in ID order, copies past the first with raised thresholds")
	only := fs.String("only", "", "comma-separated: measure only what kind/table/variant contains one of these (e.g. inflate,query/vpc_flow); default everything")
	pos, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *dir == "" || len(pos) > 0 {
		fmt.Fprintln(stderr, "hunt bench: --dir is required and there are no arguments\nUsage: hunt bench [flags] (hunt bench -h for help)")
		return exitUsage
	}
	var cores []int
	if *coresFlag != "" {
		for s := range strings.SplitSeq(*coresFlag, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 {
				fmt.Fprintf(stderr, "hunt bench: --cores: expected positive integers like 1,2, found %q\n", s)
				return exitUsage
			}
			cores = append(cores, n)
		}
	}
	if *generate != "" {
		size, err := parseSize(*generate)
		if err != nil {
			fmt.Fprintf(stderr, "hunt bench: --generate: %v\n", err)
			return exitUsage
		}
		m, err := bench.Generate(ctx, bench.Config{Seed: *seed, Dir: *dir, CloudTrailBytes: size, FlowBytes: size, Days: *days})
		if err != nil {
			fmt.Fprintf(stderr, "hunt bench: %v\n", err)
			return exitError
		}
		fmt.Fprintf(stderr, "generated %d objects, %d CloudTrail records, %d flow records, %s raw, %s compressed in %s\n",
			len(m.Objects), m.CloudTrailRecords, m.FlowRecords, byteSize(m.RawBytes), byteSize(m.Bytes), *dir)
	}
	if *huntsGen > 0 && *huntsDir == "" {
		fmt.Fprintln(stderr, "hunt bench: --hunts-generate needs --hunts DIR to write the hunts into")
		return exitUsage
	}
	if *huntsDir != "" {
		if *huntsGen > 0 {
			if err := generateHunts(*huntsDir, *huntsGen); err != nil {
				fmt.Fprintf(stderr, "hunt bench: %v\n", err)
				return exitError
			}
		}
		if err := benchHunts(ctx, stdout, stderr, *dir, *huntsDir, cores, *reps, *quiet); err != nil {
			fmt.Fprintf(stderr, "hunt bench: %v\n", err)
			return exitError
		}
		return exitOK
	}
	c, err := bench.OpenCorpus(ctx, *dir)
	if err != nil {
		fmt.Fprintf(stderr, "hunt bench: %v\n", err)
		return exitError
	}
	opts := bench.SuiteOptions{Cores: cores, Reps: *reps}
	if *only != "" {
		opts.Only = strings.Split(*only, ",")
	}
	names := strings.Split(*inflaters, ",")
	if *inflaters == "all" {
		names = archive.Inflaters()
	}
	defer archive.SetInflater(archive.Inflater())
	for _, name := range names {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if err := archive.SetInflater(name); err != nil { // checks the name; RunSuite sets it per run
			fmt.Fprintf(stderr, "hunt bench: --inflaters: %v\n", err)
			return exitUsage
		}
		opts.Inflaters = append(opts.Inflaters, bench.Inflater(name))
	}
	if !*quiet {
		opts.Progress = func(m bench.Measurement) {
			fmt.Fprintf(stderr, "  %-7s %-10s %-24s %-10s cores %d: %7.1f MB/s (%.2fs wall, %.2fs cpu)\n",
				m.Kind, m.Table, m.Variant, m.Inflater, m.Cores, m.MBps(), m.Wall.Seconds(), m.CPU.Seconds())
		}
	}
	// Measure as hunt query runs: under its garbage collection policy.
	gc := ""
	if lim, ok := queryMemLimit(os.Getenv("GOMEMLIMIT"), engine.DefaultAggregateMemory); ok {
		stop, advised := collectQueryUnder(lim)
		defer stop()
		gc = fmt.Sprintf("as hunt query: soft memory limit max(%s, twice the live heap)", byteSize(lim))
		if os.Getenv("GOGC") == "" {
			gc += fmt.Sprintf(", GOGC=%d below it", queryGCPercent)
		}
		if advised {
			gc += fmt.Sprintf(", first %s of heap advised for huge pages", byteSize(lim))
		}
	}
	rep, err := bench.RunSuite(ctx, c, opts)
	if rep != nil {
		rep.Machine.GC = gc
	}
	if err != nil {
		fmt.Fprintf(stderr, "hunt bench: %v\n", err)
		return exitError
	}
	printBench(stdout, rep)
	if *jsonFile != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err == nil {
			err = os.WriteFile(*jsonFile, append(b, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintf(stderr, "hunt bench: %v\n", err)
			return exitError
		}
	}
	return exitOK
}

// printBench writes the report as a table: one row per measurement and
// core count, then the targets' ratios.
func printBench(w io.Writer, rep *bench.Report) {
	m := rep.Machine
	fmt.Fprintf(w, "machine: %s, %d CPUs, %s, %s %s/%s; load %s → %s\n", m.CPUModel, m.NumCPU, m.MemTotal,
		m.GoVersion, m.OS, m.Arch, m.LoadStart, m.LoadEnd)
	if m.GC != "" {
		fmt.Fprintf(w, "garbage collection: %s\n", m.GC)
	}
	c := rep.Corpus
	fmt.Fprintf(w, "corpus: %s: CloudTrail %d objects (%s gz), flow %d objects (%s gz); best of %d runs\n\n",
		c.Dir, c.CloudTrailObjects, byteSize(c.CloudTrailBytes), c.VPCFlowObjects, byteSize(c.VPCFlowBytes), rep.Reps)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\ttable\tvariant\tinflater\tcores\tMB/s\tspread\tMB/cpu-s\tMevents/s\tof inflate\t(cpu)\tallocs/MB\tpeak RSS\t")
	type ref struct{ wall, cpu float64 }
	inflate := map[string]ref{} // table/inflater/cores → inflate-only MB/s
	for _, s := range rep.Summaries {
		b := s.Best
		key := b.Table + "/" + string(b.Inflater) + "/" + strconv.Itoa(b.Cores)
		if b.Kind == "inflate" {
			inflate[key] = ref{b.MBps(), s.CPUMBps()}
		}
		ofInflate, ofInflateCPU := "-", "-"
		if r := inflate[key]; b.Kind != "inflate" && r.wall > 0 && r.cpu > 0 {
			ofInflate = fmt.Sprintf("%.0f%%", 100*b.MBps()/r.wall)
			ofInflateCPU = fmt.Sprintf("%.0f%%", 100*s.CPUMBps()/r.cpu)
		}
		events := "-"
		if b.Records > 0 {
			events = fmt.Sprintf("%.2f", b.EventsPerSec()/1e6)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%.1f\t%.0f%%\t%.1f\t%s\t%s\t%s\t%.0f\t%s\t\n", b.Kind, b.Table, b.Variant,
			b.Inflater, b.Cores, b.MBps(), 100*s.Spread(), s.CPUMBps(), events, ofInflate, ofInflateCPU,
			float64(b.Mallocs)/(float64(b.RawBytes)/1e6), byteSize(s.MaxPeakRSS))
	}
	tw.Flush()

	// Scaling: best MB/s at each core count over one core.
	one := map[string]float64{}
	name := func(b bench.Measurement) string {
		return b.Kind + " " + b.Table + " " + b.Variant + " " + string(b.Inflater)
	}
	for _, s := range rep.Summaries {
		if s.Best.Cores == 1 {
			one[name(s.Best)] = s.Best.MBps()
		}
	}
	var lines []string
	for _, s := range rep.Summaries {
		b := s.Best
		if base := one[name(b)]; b.Cores > 1 && base > 0 {
			lines = append(lines, fmt.Sprintf("  %-60s %d cores: %.2f×", name(b), b.Cores, b.MBps()/base))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintln(w, "\nscaling over 1 core (wall clock, best runs):")
		fmt.Fprintln(w, strings.Join(lines, "\n"))
	}
	fmt.Fprintln(w, "\nMB = 10^6 decompressed bytes; MB/cpu-s = MB per CPU-second of this process (per-core speed, little")
	fmt.Fprintln(w, "affected by other load); of inflate = over inflate-only of the same table, inflater and cores, by wall")
	fmt.Fprintln(w, "clock and (cpu) by CPU time; peak RSS = highest VmHWM of the runs, reset before each run.")
}

// parseSize reads a byte size: 123, 512MiB, 1GiB, 200MB, 1GB.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	num, mult := s, int64(1)
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			num, mult = n, u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("expected a size such as 512MiB or 1GB, found %q", s)
	}
	return int64(n * float64(mult)), nil
}
