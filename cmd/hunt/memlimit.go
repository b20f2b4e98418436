package main

import (
	"runtime/metrics"
	"sync"
	"time"
)

// A soft memory limit bounds the heap's headroom over its live data, not
// the live data: with a fixed limit, a run whose live data outgrows it
// makes the collector run back to back (a run keeping 322k findings took
// 3x the CPU at 448 MiB). So the limit follows the live heap: at least
// the base, and at least 5/4 of the live heap after the last collection
// (GOGC=25 in effect, instead of the default 100, once past the base).

// adaptLimit is the limit for a live heap of live bytes.
func adaptLimit(base, live int64) int64 {
	return max(base, live+live/4)
}

// limitInterval is how often the live heap is looked at.
const limitInterval = 50 * time.Millisecond

// adaptMemoryLimit sets the soft memory limit to base and keeps it at
// adaptLimit of the live heap until stop is called, which puts the
// limit there was before back.
func adaptMemoryLimit(base int64) (stop func()) {
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
			if lim := adaptLimit(base, int64(sample[0].Value.Uint64())); lim != cur {
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
