//go:build linux

package main

import (
	"runtime"
	"testing"
	"time"
)

// TestPushClock: --cost charges a push its thread's CPU time, so a hunt
// is not charged for the time its worker waited (here: slept) for a core,
// and is charged for the work it did.
func TestPushClock(t *testing.T) {
	runtime.LockOSThread() // the test's readings stay on one thread
	defer runtime.UnlockOSThread()
	start := readPushClock()
	time.Sleep(50 * time.Millisecond)
	if d := start.since(); d > 20*time.Millisecond {
		t.Errorf("a 50 ms sleep cost %v of the thread's CPU, want under 20 ms", d)
	}
	start = readPushClock()
	deadline := time.Now().Add(10 * time.Second)
	x := 0
	for start.since() < 5*time.Millisecond {
		if time.Now().After(deadline) {
			t.Fatalf("10 s of busy work did not advance the thread's CPU clock by 5 ms (x=%d)", x)
		}
		for i := range 10000 {
			x += i
		}
	}
}
