package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"time"

	"github.com/hunt-sec/hunt/engine"
)

// A soft memory limit bounds the heap's headroom over its live data, not
// the live data: with a fixed limit, a run whose live data outgrows it
// makes the collector run back to back (a run keeping 322k findings took
// 3x the CPU at 448 MiB). So the limit follows the live heap: at least
// the base, and at least the live heap after the last collection plus a
// headroom: a quarter for a run (GOGC=25 in effect, instead of the
// default 100, once past the base), all of it for a query (GOGC=100 in
// effect past its base, as without a limit).

// Headrooms over the live heap, in percent.
const (
	runHeadroom   = 25
	queryHeadroom = 100
)

// adaptLimit is the limit for a live heap of live bytes with headroom
// percent over it.
func adaptLimit(base, live, headroom int64) int64 {
	return max(base, live+live*headroom/100)
}

// limitInterval is how often the live heap is looked at.
const limitInterval = 50 * time.Millisecond

// softLimit keeps the soft memory limit at adaptLimit of a base and the
// live heap while a command runs.
type softLimit struct {
	headroom int64
	prev     int64 // the limit before, put back by stop
	mu       sync.Mutex
	base     int64
	live     int64 // the live heap last seen
	cur      int64 // the limit set
	done     chan struct{}
	wg       sync.WaitGroup
}

// adaptMemoryLimit sets the soft memory limit to base and keeps it at
// adaptLimit of the base, the live heap and headroom until stop is
// called, which puts the limit there was before back.
func adaptMemoryLimit(base, headroom int64) *softLimit {
	l := &softLimit{headroom: headroom, base: base, cur: base, done: make(chan struct{})}
	l.prev = setMemoryLimit(base)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(limitInterval)
		defer t.Stop()
		for {
			select {
			case <-l.done:
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return
			}
			l.mu.Lock()
			l.live = int64(sample[0].Value.Uint64())
			l.apply()
			l.mu.Unlock()
		}
	}()
	return l
}

// apply sets the limit for the base and live heap last seen (l.mu held).
func (l *softLimit) apply() {
	if lim := adaptLimit(l.base, l.live, l.headroom); lim != l.cur {
		setMemoryLimit(lim)
		l.cur = lim
	}
}

// setBase moves the base to base, the limit with it at once.
func (l *softLimit) setBase(base int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.base = base
	l.apply()
}

// stop ends the adaptation and puts the previous limit back.
func (l *softLimit) stop() {
	close(l.done)
	l.wg.Wait()
	setMemoryLimit(l.prev)
}

// softMemLimit returns a soft memory limit of base bytes, raised by any
// --aggregate-memory (aggregate) beyond the default, and false when none
// is to be set: GOMEMLIMIT (env) is set, or --aggregate-memory is off
// (aggregate < 0: the groups are not bounded, so neither is the heap).
func softMemLimit(env string, base, aggregate int64) (int64, bool) {
	if env != "" || aggregate < 0 {
		return 0, false
	}
	if aggregate > engine.DefaultAggregateMemory {
		base += aggregate - engine.DefaultAggregateMemory
	}
	return base, true
}

// collector is the garbage collection policy of a command: a soft
// memory limit that follows the live heap, and a GOGC below it.
type collector struct {
	limit  *softLimit
	prevGC int
	ownsGC bool // GOGC was set here (not in the environment): stop puts it back
}

// collectUnder keeps the soft memory limit at adaptMemoryLimit(base,
// headroom) and, unless GOGC is set, collects at gcPercent below it (-1:
// only the limit starts a collection), until stop is called, which puts
// both back.
func collectUnder(base, headroom int64, gcPercent int) *collector {
	c := &collector{limit: adaptMemoryLimit(base, headroom)}
	if os.Getenv("GOGC") == "" {
		c.prevGC = setGCPercent(gcPercent)
		c.ownsGC = true
	}
	return c
}

// setBase moves the limit's base (a run knows how many hunts it runs
// only after loading them, under the limit already).
func (c *collector) setBase(base int64) { c.limit.setBase(base) }

// stop puts the limit and GOGC there were before back.
func (c *collector) stop() {
	if c.ownsGC {
		setGCPercent(c.prevGC)
	}
	c.limit.stop()
}

// A query's process is short-lived: the memory its heap touches is
// memory the kernel maps in, one 4 KiB page fault at a time, and those
// faults, not the collector nor the scavenger, were what its memory cost
// (perf, 1 core, each query a process, best of 3: page faults 22.5 % of
// the CPU of the three peer queries over the small Parquet lake, 4 %
// over the .gz corpus; collections 1.5 % and 0.5 %; the scavenger
// returned nothing). A lower GOGC touches fewer pages but collects more
// (the flow query over the lake: 19 % fewer faults, 4.3x the collections
// and 7 % less MB per CPU-second at GOGC=100), and a higher limit does
// not matter, as the queries' heaps stay under 64 MiB. What remains is
// the page size: where the kernel maps transparent huge pages only where
// advised (the "madvise" setting), a query advises the heap it is about
// to use, so that its first touches fault 2 MiB at a time.

// thpSetting is the kernel's transparent huge page setting (tests point
// it elsewhere).
var thpSetting = "/sys/kernel/mm/transparent_hugepage/enabled"

// thpAdvised reports whether setting, the text of thpSetting, says huge
// pages back the memory advised for them and only that: "always" backs
// the heap with them anyway, "never" never does.
func thpAdvised(setting string) bool {
	return strings.Contains(setting, "[madvise]")
}

// freeOSMemory is debug.FreeOSMemory (tests record the calls).
var freeOSMemory = debug.FreeOSMemory

// hugePageHeap advises n bytes of heap for transparent huge pages when
// the kernel's setting asks for it (thpAdvised): it allocates them as one
// block, which the runtime maps and does not touch, advises the block
// (madviseHugePage) and frees it back at once, released and still
// advised, for the allocations that follow (the runtime takes the lowest
// free addresses first). It reports whether the block was advised. It
// costs a collection and 3-4 ms of CPU (a count over the small lake: 15
// to 19 ms); the flow query over that lake took 70 % fewer page faults
// and 15 % less CPU (95 to 80 ms), the peer queries over the .gz corpus
// 50-80 % fewer faults at the same CPU. The advice holds while the
// runtime keeps the block mapped (it never unmaps its heap), so
// returning the block's pages to the OS keeps it too. A huge page is
// mapped whole, and khugepaged may fill a partly used one, so the most
// this adds to RSS is the block, n, which is the query's memory limit
// base anyway; the queries measured peaked 2-6 MB lower (the collection
// frees the start-up garbage) to 8 MB higher.
func hugePageHeap(n int64) bool {
	if n <= 0 {
		return false
	}
	setting, err := os.ReadFile(thpSetting)
	if err != nil || !thpAdvised(string(setting)) {
		return false
	}
	err = adviseBlock(n)
	freeOSMemory() // the block is garbage once adviseBlock returns
	return err == nil
}

// adviseBlock allocates n bytes and advises them for huge pages, with
// the collector off meanwhile: the block would start a collection of its
// own (it is over the first heap goal, 4 MB), on top of the one that
// frees it.
func adviseBlock(n int64) error {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	return madviseHugePage(make([]byte, n))
}

// collectQueryUnder is collectUnder(base, queryHeadroom,
// queryGCPercent) for a query's process, whose heap it first advises for
// huge pages (hugePageHeap, up to base bytes); advised reports whether it
// did.
func collectQueryUnder(base int64) (stop func(), advised bool) {
	advised = hugePageHeap(base)
	return collectUnder(base, queryHeadroom, queryGCPercent).stop, advised
}
