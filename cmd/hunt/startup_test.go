package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// initAllocBudget is the most allocations each of hunt's packages may make
// while it initializes, which every hunt process pays before its command
// runs. Tables that only some commands use are built on first use instead:
// the engine's scalar function table, the hunt-header and Sigma tag
// patterns. (The Athena-only name sets stay in engine's init: about 70
// allocations. Before the tables were lazy: engine 180, queries 173,
// sigma 118.)
var initAllocBudget = map[string]int{
	"github.com/hunt-sec/hunt/engine":  100,
	"github.com/hunt-sec/hunt/queries": 30,
	"github.com/hunt-sec/hunt/sigma":   30,
}

var initTraceLine = regexp.MustCompile(`^init (\S+) @[0-9.]+ ms, [0-9.]+ ms clock, [0-9]+ bytes, ([0-9]+) allocs$`)

// TestStartup_InitAllocs_Success runs this test binary again, running no
// test, with GODEBUG=inittrace=1, and checks the allocations of hunt's
// packages' initialization against initAllocBudget. In this binary those
// packages are built as in hunt (only cmd/hunt has its tests linked in).
func TestStartup_InitAllocs_Success(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s -test.run=^$: %v\n%s", os.Args[0], err, out)
	}
	allocs := map[string]int{}
	for _, line := range strings.Split(string(out), "\n") {
		if m := initTraceLine.FindStringSubmatch(line); m != nil {
			allocs[m[1]], _ = strconv.Atoi(m[2])
		}
	}
	for pkg, budget := range initAllocBudget {
		n, ok := allocs[pkg]
		if !ok {
			// A package whose initialization does nothing is not traced.
			continue
		}
		if n > budget {
			t.Errorf("init %s: %d allocations; want at most %d (build tables on first use, not at start-up)", pkg, n, budget)
		}
	}
	if len(allocs) == 0 {
		t.Fatalf("no inittrace lines in the output:\n%s", out)
	}
}

// TestStartup_LazyTables_Success: the tables built on first use work from
// many goroutines at once (run with -race) and match what they replace.
func TestStartup_LazyTables_Success(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if m := fileStamp().FindStringSubmatch("1_CloudTrail_us-east-1_20240305T1535Z_x.json.gz"); len(m) != 2 || m[1] != "20240305T1535" {
				t.Errorf("fileStamp: %q", m)
			}
			if g := thresholdRE().FindStringSubmatch("HAVING count(*) >= 20"); len(g) != 3 || g[2] != "20" {
				t.Errorf("thresholdRE: %q", g)
			}
		})
	}
	wg.Wait()
	if fileStamp() != fileStamp() || thresholdRE() != thresholdRE() {
		t.Error("a lazy pattern was compiled twice")
	}
}

// TestStartup_StaticBuild_Success: nothing in the default build needs cgo,
// so CGO_ENABLED=0 builds hunt as README says: on Linux a static binary
// (no ELF interpreter), whose processes skip the dynamic loader and the C
// library's start-up, and whose hunt version says cgo is off.
func TestStartup_StaticBuild_Success(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds hunt")
	}
	gobin := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	bin := filepath.Join(t.TempDir(), "hunt")
	build := exec.Command(gobin, "build", "-o", bin, "github.com/hunt-sec/hunt/cmd/hunt")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	if runtime.GOOS == "linux" {
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("CGO_ENABLED=0 build has an ELF interpreter: dynamically linked")
			}
		}
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "\ncgo:       off (CGO_ENABLED=0)\n") {
		t.Errorf("hunt version: %v\n%s\nwant the line \"cgo:       off (CGO_ENABLED=0)\"", err, out)
	}
}
