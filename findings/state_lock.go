//go:build unix

package findings

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// ErrLocked reports that another run holds the state file's lock.
var ErrLocked = errors.New("state is locked by another run")

// StateLock is a held lock on a state file.
type StateLock struct {
	path string
	f    *os.File // holds the flock
}

// LockState takes the lock of the state file at path: an exclusive
// flock(2) on path+".lock", held through the open file until [StateLock.Unlock]
// or the end of the process. The OS releases the lock of a process that
// dies, even by SIGKILL, so a lock file left behind by a crashed run (or
// copied from another host) blocks nothing, and there is no stale-lock
// takeover to race on. The holder writes its process ID, host and start
// time into the file; if another run holds the lock, LockState returns at
// once with an error wrapping [ErrLocked] that names it.
func LockState(path string, now time.Time) (*StateLock, error) {
	lp := path + ".lock"
	host, _ := os.Hostname()
	me := fmt.Sprintf("pid %d host %s since %s\n", os.Getpid(), host, now.UTC().Format(time.RFC3339))
	for {
		f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("cannot lock state: %w", err)
		}
		if err := flock(f); err != nil {
			f.Close()
			if !errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, fmt.Errorf("%s: cannot lock: %w", lp, err)
			}
			b, _ := os.ReadFile(lp)
			holder := strings.TrimSpace(string(b))
			if holder == "" {
				holder = "holder not yet written"
			}
			return nil, fmt.Errorf("%s: %w (%s)", lp, ErrLocked, holder)
		}
		// Unlock removes the file before releasing it: if the path no
		// longer names the file locked, its holder left between our open
		// and our flock, and the lock is on the new file; take that one.
		if same, err := isFileAt(f, lp); err != nil || !same {
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: cannot lock: %w", lp, err)
			}
			continue
		}
		if err := f.Truncate(0); err == nil {
			f.WriteAt([]byte(me), 0) // for the message of a run that finds it locked
		}
		return &StateLock{path: lp, f: f}, nil
	}
}

// flock takes an exclusive flock on f without waiting, retrying when a
// signal interrupts the call.
func flock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// isFileAt reports whether path names the open file f.
func isFileAt(f *os.File, path string) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}

// Unlock removes the lock file and releases the lock, in that order, so a
// run that opened the file just before finds it gone once it gets the lock.
func (l *StateLock) Unlock() error {
	rerr := os.Remove(l.path)
	cerr := l.f.Close()
	return errors.Join(rerr, cerr)
}
