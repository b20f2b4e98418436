//go:build !linux

package main

import "time"

// costClock names what --cost's push column measures: here, without a
// per-thread CPU clock, elapsed time.
const costClock = "elapsed time"

// pushClock is elapsed time on systems without Linux's per-thread CPU
// clock.
type pushClock struct{ wall time.Time }

func readPushClock() pushClock { return pushClock{wall: time.Now()} }

func (start pushClock) since() time.Duration { return time.Since(start.wall) }
