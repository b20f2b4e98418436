//go:build !unix

package findings

import (
	"errors"
	"fmt"
	"runtime"
	"time"
)

// ErrLocked reports that another run holds the state file's lock.
var ErrLocked = errors.New("state is locked by another run")

// StateLock is a held lock on a state file.
type StateLock struct{}

// LockState fails: state files are locked with flock(2), which this
// operating system does not have.
func LockState(path string, now time.Time) (*StateLock, error) {
	return nil, fmt.Errorf("%s: cannot lock state: expected a Unix system with flock(2), found %s", path, runtime.GOOS)
}

// Unlock does nothing.
func (l *StateLock) Unlock() error { return nil }
