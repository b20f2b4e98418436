//go:build linux

package main

import (
	"time"

	"golang.org/x/sys/unix"
)

// costClock names what --cost's push column measures (finish is the
// process's CPU time: Finish may finish partitions on several goroutines).
const costClock = "CPU time"

// pushClock reads the CPU time of the calling OS thread, and which thread
// that is. A push is charged the difference of two readings on the same
// thread: a wall clock would also count the time the thread waited for a
// core, which on a busy machine is most of a small hunt's "cost". A
// goroutine that moved to another thread between the readings (rare: a
// push seldom blocks) is charged the elapsed time instead. Locking the
// worker to its thread instead would make the scheduler hand the thread
// over at every preemption, which doubled the run's wall time.
type pushClock struct {
	tid  int
	cpu  time.Duration
	wall time.Time
}

func readPushClock() pushClock {
	var ts unix.Timespec
	c := pushClock{tid: unix.Gettid(), wall: time.Now()}
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) == nil {
		c.cpu = time.Duration(ts.Nano())
	}
	return c
}

// since is what the work between start and now cost.
func (start pushClock) since() time.Duration {
	end := readPushClock()
	if end.tid != start.tid {
		return end.wall.Sub(start.wall)
	}
	return end.cpu - start.cpu
}
