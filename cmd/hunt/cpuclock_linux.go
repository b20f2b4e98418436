//go:build linux

package main

import (
	"time"

	"golang.org/x/sys/unix"
)

// costClock names what --cost's push column measures (finish is the
// process's CPU time: Finish may finish partitions on several goroutines).
const costClock = "CPU time"

// threadCPU is the CPU time the calling OS thread has used. A goroutine
// measuring its own work with it must be locked to its thread
// (runtime.LockOSThread) between the two readings: a wall clock would
// also count the time the thread waited for a core, which on a busy
// machine is most of a small hunt's "cost".
func threadCPU() time.Duration {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}
