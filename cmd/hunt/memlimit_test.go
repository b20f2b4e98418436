package main

import (
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"testing"
)

// TestThpAdvised: only the "madvise" setting calls for advice; "always"
// backs the heap with huge pages anyway and "never" never does.
func TestThpAdvised(t *testing.T) {
	for _, tc := range []struct {
		setting string
		want    bool
	}{
		{"always [madvise] never\n", true},
		{"[always] madvise never\n", false},
		{"always madvise [never]\n", false},
		{"", false},
	} {
		if got := thpAdvised(tc.setting); got != tc.want {
			t.Errorf("thpAdvised(%q) = %v; want %v", tc.setting, got, tc.want)
		}
	}
}

// TestHugePageHeap_Success: under the "madvise" setting, a block of n
// bytes is advised and freed back to the runtime at once.
func TestHugePageHeap_Success(t *testing.T) {
	var advised []int
	path := filepath.Join(t.TempDir(), "enabled")
	if err := os.WriteFile(path, []byte("always [madvise] never\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(s string, a func([]byte) error, f func()) { thpSetting, madviseHugePage, freeOSMemory = s, a, f }(thpSetting, madviseHugePage, freeOSMemory)
	thpSetting = path
	freed := 0
	madviseHugePage = func(b []byte) error { advised = append(advised, len(b)); return nil }
	freeOSMemory = func() { freed++ }
	if !hugePageHeap(64 << 20) {
		t.Errorf("hugePageHeap(64 MiB) = false; want true")
	}
	if !slices.Equal(advised, []int{64 << 20}) || freed != 1 {
		t.Errorf("advised blocks %v, freeOSMemory calls %d; want one block of 64 MiB, then one call", advised, freed)
	}
}

// TestHugePageHeap_Failure: no advice without the "madvise" setting (or
// without a setting to read, as off Linux); a refused advice still frees
// the block.
func TestHugePageHeap_Failure(t *testing.T) {
	for _, tc := range []struct {
		name, setting string
		err           error
		wantAdvised   int
		wantFreed     int
	}{
		{"always", "[always] madvise never\n", nil, 0, 0},
		{"never", "always madvise [never]\n", nil, 0, 0},
		{"no setting", "", nil, 0, 0},
		{"refused", "always [madvise] never\n", errors.New("EINVAL"), 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "enabled")
			if tc.setting != "" {
				if err := os.WriteFile(path, []byte(tc.setting), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			defer func(s string, a func([]byte) error, f func()) { thpSetting, madviseHugePage, freeOSMemory = s, a, f }(thpSetting, madviseHugePage, freeOSMemory)
			thpSetting = path
			advised, freed := 0, 0
			madviseHugePage = func([]byte) error { advised++; return tc.err }
			freeOSMemory = func() { freed++ }
			if hugePageHeap(64 << 20) {
				t.Errorf("hugePageHeap(64 MiB) = true; want false")
			}
			if advised != tc.wantAdvised || freed != tc.wantFreed {
				t.Errorf("madvise calls %d, freeOSMemory calls %d; want %d, %d", advised, freed, tc.wantAdvised, tc.wantFreed)
			}
		})
	}
}

// TestQueryHugePages: hunt query advises the heap up to its limit's base
// for huge pages before it runs, and not when it sets no limit.
func TestQueryHugePages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enabled")
	if err := os.WriteFile(path, []byte("always [madvise] never\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(s string, a func([]byte) error, f func()) { thpSetting, madviseHugePage, freeOSMemory = s, a, f }(thpSetting, madviseHugePage, freeOSMemory)
	thpSetting = path
	var advised []int
	madviseHugePage = func(b []byte) error { advised = append(advised, len(b)); return nil }
	freeOSMemory = func() {}
	sql, data := "SELECT count(*) FROM vpc_flow", "../../testdata/vpcflow/reject-flood.log.gz"
	t.Setenv("GOMEMLIMIT", "")
	if code, _, errOut := runHunt(t, "query", sql, data); code != exitOK {
		t.Fatalf("query: exit %d\n%s", code, errOut)
	}
	if !slices.Equal(advised, []int{64 << 20}) {
		t.Errorf("advised blocks %v; want one of 64 MiB", advised)
	}
	advised = nil
	t.Setenv("GOMEMLIMIT", "1GiB")
	runHunt(t, "query", sql, data)
	if len(advised) != 0 {
		t.Errorf("with GOMEMLIMIT set: advised blocks %v; want none", advised)
	}
}

// TestAdviseBlock_CollectorOff: the block is allocated and advised with
// the collector off (it would start a collection of its own, on top of
// the one that frees it), and the collector's GOGC comes back after.
func TestAdviseBlock_CollectorOff(t *testing.T) {
	defer func(a func([]byte) error) { madviseHugePage = a }(madviseHugePage)
	during := 0
	madviseHugePage = func([]byte) error {
		during = debug.SetGCPercent(-1)
		debug.SetGCPercent(during)
		return nil
	}
	before := debug.SetGCPercent(123)
	defer debug.SetGCPercent(before)
	if err := adviseBlock(8 << 20); err != nil {
		t.Fatal(err)
	}
	if after := debug.SetGCPercent(123); during != -1 || after != 123 {
		t.Errorf("GOGC %d while advising, %d after; want -1 (off), then 123 back", during, after)
	}
}
