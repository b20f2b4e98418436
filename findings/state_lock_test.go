//go:build unix

package findings

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestLockState_Success(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	l, err := LockState(path, day(5))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".lock"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("lock file left after Unlock: %v", err)
	}
	l, err = LockState(path, day(5))
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	l.Unlock()

	// A lock file nobody holds (its run was killed, or it came from
	// another host) does not block.
	os.WriteFile(path+".lock", []byte("pid 4194304 host elsewhere.example since 2024-03-05T00:00:00Z\n"), 0o644)
	l, err = LockState(path, day(5))
	if err != nil {
		t.Fatalf("lock file without a holder: %v", err)
	}
	l.Unlock()
}

func TestLockState_Failure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	l, err := LockState(path, day(5))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	_, err = LockState(path, day(5))
	want := fmt.Sprintf("%s.lock: state is locked by another run (pid %d host ", path, os.Getpid())
	if !errors.Is(err, ErrLocked) || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("second lock: got %v; want ErrLocked starting %q", err, want)
	}
	// A state whose folder cannot hold a lock file.
	notDir := filepath.Join(dir, "file")
	os.WriteFile(notDir, nil, 0o644)
	if _, err := LockState(filepath.Join(notDir, "state.json"), day(5)); err == nil || errors.Is(err, ErrLocked) {
		t.Fatalf("parent is a file: got %v; want an error other than ErrLocked", err)
	}
}

// TestLockState_KilledHolder: a run killed with SIGKILL while it holds the
// lock does not block the next; and when several runs start together
// after such a kill, exactly one of them holds the lock at a time. Each
// run is a process (this test binary re-executed as TestLockHelper).
func TestLockState_KilledHolder(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	helper := func(mode string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelper$")
		cmd.Env = append(os.Environ(), "HUNT_LOCK_HELPER="+mode, "HUNT_LOCK_STATE="+path)
		return cmd
	}
	for trial := range 8 {
		// A holder killed with SIGKILL leaves its lock file.
		out, err := helper("die").CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL || !bytes.Contains(out, []byte("LOCKED-THEN-KILLED")) {
			t.Fatalf("trial %d: dying helper: %v, %s", trial, err, out)
		}
		if _, err := os.Stat(path + ".lock"); err != nil {
			t.Fatalf("trial %d: the killed holder left no lock file: %v", trial, err)
		}
		// Four runs start together.
		os.Remove(filepath.Join(dir, "go"))
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			outs []string
		)
		for range 4 {
			cmd := helper("contend")
			var b bytes.Buffer
			cmd.Stdout, cmd.Stderr = &b, &b
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := cmd.Wait()
				mu.Lock()
				outs = append(outs, fmt.Sprintf("%s(exit %v)", strings.TrimSpace(b.String()), err))
				mu.Unlock()
			}()
		}
		time.Sleep(150 * time.Millisecond) // let every helper reach the barrier
		os.WriteFile(filepath.Join(dir, "go"), nil, 0o644)
		wg.Wait()
		all := strings.Join(outs, " ")
		if strings.Contains(all, "OVERLAP") || !strings.Contains(all, "HELD") || strings.Contains(all, "ERROR") {
			t.Fatalf("trial %d: want exactly one holder at a time; helpers said: %s", trial, all)
		}
	}
}

// TestLockHelper is not a test: TestLockState_KilledHolder runs this test
// binary with HUNT_LOCK_HELPER set to take the lock as a separate process.
// "die" takes the lock and kills itself with SIGKILL; "contend" waits for
// the go file, tries the lock once and, holding it, checks that no other
// holder exists (a marker file created with O_EXCL).
func TestLockHelper(t *testing.T) {
	mode, path := os.Getenv("HUNT_LOCK_HELPER"), os.Getenv("HUNT_LOCK_STATE")
	if mode == "" {
		t.Skip("helper process of TestLockState_KilledHolder")
	}
	dir := filepath.Dir(path)
	switch mode {
	case "die":
		if _, err := LockState(path, time.Now()); err != nil {
			fmt.Println("ERROR", err)
			os.Exit(1)
		}
		fmt.Println("LOCKED-THEN-KILLED")
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		time.Sleep(time.Minute)
	case "contend":
		for {
			if _, err := os.Stat(filepath.Join(dir, "go")); err == nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		l, err := LockState(path, time.Now())
		switch {
		case errors.Is(err, ErrLocked):
			fmt.Println("LOCKED")
			os.Exit(0)
		case err != nil:
			fmt.Println("ERROR", err)
			os.Exit(1)
		}
		marker, err := os.OpenFile(filepath.Join(dir, "holder"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Println("OVERLAP", err)
			os.Exit(1)
		}
		marker.Close()
		time.Sleep(300 * time.Millisecond)
		os.Remove(filepath.Join(dir, "holder"))
		if err := l.Unlock(); err != nil {
			fmt.Println("ERROR unlock", err)
			os.Exit(1)
		}
		fmt.Println("HELD")
	}
	os.Exit(0)
}
