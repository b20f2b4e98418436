package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/hunt-sec/hunt/bench"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/queries"
)

// thresholdRE matches an integer a hunt compares with > or >= (a HAVING
// threshold, a distinct-port count): what generated copies vary.
// It is compiled on first use, not at every hunt start-up.
var thresholdRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(>=?\s*)(\d+)\b`) })

// generateHunts writes n hunts into dir, for measuring rule sets larger
// than the library: the shipped hunts in ID order, each as <id>_g<i>, the
// first copy as shipped, later copies with every > / >= threshold raised
// by the copy's number (so each is its own query, with the same gates and
// a little different answers).
func generateHunts(dir string, n int) error {
	lib, err := queries.Embedded()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range n {
		h := lib[i%len(lib)]
		k := i / len(lib)
		text := h.Text()
		at := strings.Index(text, h.SQL)
		if at < 0 {
			return fmt.Errorf("%s: the SQL is not in the file text", h.Source)
		}
		header, sql := text[:at], text[at:]
		id := h.ID + "_g" + strconv.Itoa(i)
		header = strings.Replace(header, "-- id: "+h.ID+"\n", "-- id: "+id+"\n", 1)
		if k > 0 {
			sql = thresholdRE().ReplaceAllStringFunc(sql, func(m string) string {
				g := thresholdRE().FindStringSubmatch(m)
				v, _ := strconv.Atoi(g[2])
				return g[1] + strconv.Itoa(v+k)
			})
		}
		if err := os.WriteFile(filepath.Join(dir, id+".sql"), []byte(header+sql), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// benchHunts runs the hunts of dir over the corpus in one pass, as hunt
// run does (one read of each object for all hunts, row routing, the
// shared aggregate memory), at each core count, reps times, and prints
// the best wall time with MB/s, CPU time and the peak RSS of the runs.
func benchHunts(ctx context.Context, w, stderr io.Writer, corpus, dir string, cores []int, reps int, quiet bool) error {
	own, err := queries.LoadDir(dir)
	if err != nil {
		return err
	}
	if len(own) == 0 {
		return fmt.Errorf("--hunts %s: no *.sql hunts", dir)
	}
	all, err := loadHunts([]string{dir})
	if err != nil {
		return err
	}
	ids := make([]string, len(own))
	for i, h := range own {
		ids[i] = h.ID
	}
	hunts, err := selectHunts(all, ids)
	if err != nil {
		return err
	}
	if len(cores) == 0 {
		cores = []int{runtime.NumCPU()}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "hunts\tcores\tobjects\trecords\tMB\tMB/s\twall\tcpu\tfindings\tpeak RSS\t")
	for _, c := range cores {
		runtime.GOMAXPROCS(c)
		var best, bestCPU time.Duration
		var peak int64
		var r *hunter
		var found int
		for rep := range reps {
			debug.FreeOSMemory()
			resetPeak()
			start, cpu0 := time.Now(), processCPU()
			r = &hunter{stderr: io.Discard, hunts: hunts, explicit: true, start: start, common: commonFlags{workers: c}}
			pool := engine.NewMemoryPool(0)
			for _, h := range hunts {
				q, err := h.Compile(engine.Options{Now: start, MemoryPool: pool})
				if err != nil {
					return err
				}
				r.queries = append(r.queries, q)
			}
			if err := r.plan(ctx, []string{corpus}); err != nil {
				return err
			}
			if code := r.scan(ctx); code != exitOK {
				return fmt.Errorf("reading %s failed (exit %d)", corpus, code)
			}
			found = 0
			for range r.findings() {
				found++
			}
			if err := errors.Join(r.huntErrs...); err != nil {
				return err
			}
			wall, cpu := time.Since(start), processCPU()-cpu0
			peak = max(peak, bench.PeakRSS())
			if rep == 0 || wall < best {
				best, bestCPU = wall, cpu
			}
			if !quiet {
				fmt.Fprintf(stderr, "  hunts %d cores %d: %.2fs wall, %.2fs cpu, %d findings\n", len(hunts), c, wall.Seconds(), cpu.Seconds(), found)
			}
		}
		t := r.totals
		mb := float64(t.Stats.Bytes) / 1e6
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%.0f\t%.1f\t%.2fs\t%.2fs\t%d\t%s\t\n", len(hunts), c, t.Objects, t.Stats.Records, mb,
			mb/best.Seconds(), best.Seconds(), bestCPU.Seconds(), found, byteSize(peak))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nMB = 10^6 decompressed bytes; best wall of the runs; peak RSS = highest VmHWM of the runs, reset before each run.")
	return nil
}

// processCPU is the user+system CPU time of the process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeak resets the process's VmHWM to its current RSS (Linux), so
// each run's peak is its own.
func resetPeak() {
	if f, err := os.OpenFile("/proc/self/clear_refs", os.O_WRONLY, 0); err == nil {
		_, _ = f.WriteString("5")
		_ = f.Close()
	}
}
