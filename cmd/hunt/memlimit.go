package main

import (
	"os"
	"runtime/metrics"
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

// adaptMemoryLimit sets the soft memory limit to base and keeps it at
// adaptLimit of the live heap and headroom until stop is called, which
// puts the limit there was before back.
func adaptMemoryLimit(base, headroom int64) (stop func()) {
	prev := setMemoryLimit(base)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		cur := base
		t := time.NewTicker(limitInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return
			}
			if lim := adaptLimit(base, int64(sample[0].Value.Uint64()), headroom); lim != cur {
				setMemoryLimit(lim)
				cur = lim
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		setMemoryLimit(prev)
	}
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

// collectUnder keeps the soft memory limit at adaptMemoryLimit(base,
// headroom) and, unless GOGC is set, collects at runGCPercent below it,
// until stop is called, which puts both back.
func collectUnder(base, headroom int64) (stop func()) {
	stopLimit := adaptMemoryLimit(base, headroom)
	if os.Getenv("GOGC") != "" {
		return stopLimit
	}
	prev := setGCPercent(runGCPercent)
	return func() {
		setGCPercent(prev)
		stopLimit()
	}
}
