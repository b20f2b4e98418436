//go:build !linux

package main

import "time"

// costClock names what --cost's push column measures: here, without a
// per-thread CPU clock, elapsed time.
const costClock = "elapsed time"

var clockStart = time.Now()

// threadCPU falls back to elapsed time on systems without Linux's
// per-thread CPU clock.
func threadCPU() time.Duration { return time.Since(clockStart) }
