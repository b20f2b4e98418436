package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/parsers"
)

func plan(t *testing.T, paths ...string) []archive.Object {
	t.Helper()
	p, err := archive.PlanLocal(context.Background(), paths, archive.Facts{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Objects
}

// TestRun_Routes: every object goes to its table's reader, by key layout
// or content, and the totals count per table.
func TestRun_Routes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	objs := plan(t, "../testdata/cloudtrail/AWSLogs", "../testdata/vpcflow/v2-default-header.log.gz", "../testdata/vpcflow/v5-all-fields.parquet")
	rows := map[string]int64{}
	cfg := Config{Workers: 2, Mem: mem, Columns: map[string][]string{"cloudtrail": {"eventname"}, "vpc_flow": {"srcaddr"}}}
	var mu sync.Mutex
	tot := Run(context.Background(), cfg, objs, func(_ int, tb *parsers.Table, _ archive.Object, b arrow.RecordBatch) error {
		mu.Lock()
		rows[tb.Name] += b.NumRows()
		mu.Unlock()
		if b.NumCols() != 1 {
			t.Errorf("%s batch has %d columns; want the 1 projected", tb.Name, b.NumCols())
		}
		return nil
	})
	if tot.Stopped != nil || tot.Failed != 0 {
		t.Fatalf("stopped %v, failures %v", tot.Stopped, tot.Failures)
	}
	if rows["cloudtrail"] == 0 || rows["vpc_flow"] == 0 || rows["cloudtrail"] != tot.PerTable["cloudtrail"] || rows["vpc_flow"] != tot.PerTable["vpc_flow"] {
		t.Errorf("rows %v; per table %v", rows, tot.PerTable)
	}
}

// TestRun_FailsClosed: an object no table answers to is a failure naming
// it, never read as some default table; with Config.Table, it goes to
// that table's reader, which says what it found.
func TestRun_FailsClosed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(path, []byte("hello, these are not logs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	objs := plan(t, dir)
	tot := Run(context.Background(), Config{}, objs, func(int, *parsers.Table, archive.Object, arrow.RecordBatch) error {
		t.Error("a batch from an object of no table")
		return nil
	})
	if tot.Failed != 1 || !errors.Is(tot.Failures[0], ErrUnknownTable) || !strings.Contains(tot.Failures[0].Error(), path) ||
		!strings.Contains(tot.Failures[0].Error(), `found "hello, these are not logs\n"`) {
		t.Fatalf("failures %v", tot.Failures)
	}
	if tot.ObjectFailed(path) == nil {
		t.Error("ObjectFailed does not name it")
	}
	tot = Run(context.Background(), Config{Table: parsers.VPCFlow}, objs, func(int, *parsers.Table, archive.Object, arrow.RecordBatch) error { return nil })
	if tot.Stats.Rejected+int64(tot.Failed) == 0 {
		t.Errorf("flow reader accepted it: %+v", tot.Stats)
	}
}

// TestRun_OtherTable: with Config.Table, objects of the other table are
// counted, not read.
func TestRun_OtherTable(t *testing.T) {
	objs := plan(t, "../testdata/cloudtrail/AWSLogs", "../testdata/vpcflow/v2-default-header.log.gz")
	tot := Run(context.Background(), Config{Table: parsers.VPCFlow}, objs, func(_ int, tb *parsers.Table, _ archive.Object, _ arrow.RecordBatch) error {
		if tb != parsers.VPCFlow {
			t.Errorf("batch of %s", tb.Name)
		}
		return nil
	})
	if tot.Objects != 1 || tot.OtherTable == 0 || tot.PerTable["cloudtrail"] != 0 {
		t.Errorf("objects %d, other %d, per table %v", tot.Objects, tot.OtherTable, tot.PerTable)
	}
}

// TestRun_Panic: a panic while reading an object (a bug) stops the scan
// with an error naming the object and ErrInternal, instead of killing the
// process with the runtime's exit code.
func TestRun_Panic(t *testing.T) {
	objs := plan(t, "../testdata/vpcflow/v2-default-header.log.gz")
	tot := Run(context.Background(), Config{Workers: 2}, objs, func(int, *parsers.Table, archive.Object, arrow.RecordBatch) error {
		panic("boom")
	})
	if !errors.Is(tot.Stopped, ErrInternal) || !strings.Contains(tot.Stopped.Error(), "v2-default-header.log.gz") || !strings.Contains(tot.Stopped.Error(), "boom") {
		t.Errorf("stopped %v", tot.Stopped)
	}
}

// TestRun_Partitions: partition columns asked for are added to each batch,
// from the key or, outside the AWS layout, from the record; nothing leaks.
func TestRun_Partitions(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	objs := plan(t, "../testdata/cloudtrail/AWSLogs", "../testdata/cloudtrail/forms/single.json")
	got := map[string]int64{}
	var mu sync.Mutex
	cfg := Config{Mem: mem, Table: parsers.CloudTrail, Columns: map[string][]string{"cloudtrail": {"eventname", "account", "timestamp"}}}
	tot := Run(context.Background(), cfg, objs, func(_ int, _ *parsers.Table, o archive.Object, b arrow.RecordBatch) error {
		acct := b.Column(b.Schema().FieldIndices("account")[0]).(*array.String)
		day := b.Column(b.Schema().FieldIndices("timestamp")[0]).(*array.String)
		mu.Lock()
		defer mu.Unlock()
		for i := range int(b.NumRows()) {
			got[acct.Value(i)+" "+day.Value(i)]++
		}
		return nil
	})
	if tot.Failed != 0 || tot.Stopped != nil {
		t.Fatalf("%v %v", tot.Failures, tot.Stopped)
	}
	if got["111122223333 2024/03/05"] != 13 || got["111122223333 2024/03/06"] != 2 {
		t.Errorf("partition values %v", got)
	}
}

// TestRun_Staged: with Config.First, every object of those tables is
// read before Staged runs, and every other object after it, whatever the
// plan order and the workers; an object whose table only its content
// tells turns staging off (it might be of a First table).
func TestRun_Staged(t *testing.T) {
	objs := plan(t, "../testdata/cloudtrail/AWSLogs", "../testdata/guardduty/AWSLogs", "../testdata/vpcflow/v2-default-header.log.gz")
	for _, workers := range []int{1, 3} {
		var mu sync.Mutex
		staged := 0
		var before, after []string // tables of the batches before and after Staged
		cfg := Config{Workers: workers, First: []string{"guardduty"}, Staged: func() error {
			mu.Lock()
			defer mu.Unlock()
			staged++
			return nil
		}}
		// The flow log's key says no table (it is told by its content).
		tot := Run(context.Background(), cfg, objs[:len(objs)-1], func(_ int, tb *parsers.Table, _ archive.Object, _ arrow.RecordBatch) error {
			mu.Lock()
			defer mu.Unlock()
			if staged == 0 {
				before = append(before, tb.Name)
			} else {
				after = append(after, tb.Name)
			}
			return nil
		})
		if tot.Stopped != nil || tot.Failed != 0 {
			t.Fatalf("stopped %v, failures %v", tot.Stopped, tot.Failures)
		}
		if staged != 1 || len(before) == 0 || len(after) == 0 || slices.ContainsFunc(before, func(s string) bool { return s != "guardduty" }) ||
			slices.Contains(after, "guardduty") {
			t.Errorf("workers %d: Staged ran %d times; batches before it %v, after %v", workers, staged, before, after)
		}
		staged = 0
		Run(context.Background(), cfg, objs, func(int, *parsers.Table, archive.Object, arrow.RecordBatch) error { return nil })
		if staged != 0 {
			t.Errorf("workers %d: staged a scan with an object of no key table", workers)
		}
	}
	// An error from Staged stops the scan before the other objects.
	boom := errors.New("boom")
	read := 0
	tot := Run(context.Background(), Config{Workers: 1, First: []string{"guardduty"}, Staged: func() error { return boom }}, objs[:len(objs)-1],
		func(_ int, tb *parsers.Table, _ archive.Object, _ arrow.RecordBatch) error {
			if tb.Name != "guardduty" {
				read++
			}
			return nil
		})
	if !errors.Is(tot.Stopped, boom) || read != 0 {
		t.Errorf("stopped %v, %d batches read after Staged failed", tot.Stopped, read)
	}
}

// TestReadObject_Stopping: an object a stopping scan could not open (a
// LIMIT met by another worker, cancellation) is not a failed object; the
// stop is the scan's, and a real fault while stopping still counts.
func TestReadObject_Stopping(t *testing.T) {
	errLimit := errors.New("limit met")
	objs := plan(t, "../testdata/vpcflow/v2-default-header.log.gz")
	for _, tc := range []struct {
		name   string
		cancel func(context.CancelCauseFunc)
	}{
		{"cause", func(c context.CancelCauseFunc) { c(errLimit) }},
		{"canceled", func(c context.CancelCauseFunc) { c(nil) }},
	} {
		ctx, cancel := context.WithCancelCause(context.Background())
		tc.cancel(cancel)
		tot := &Totals{PerTable: map[string]int64{}, TableObjects: map[string]int{}, failed: map[string]error{}}
		err := readObject(ctx, Config{}, 0, objs[0], tot, func(int, *parsers.Table, archive.Object, arrow.RecordBatch) error { return nil })
		if err == nil || tot.Failed != 0 || len(tot.Failures) != 0 {
			t.Errorf("%s: err %v, failed %d %v; want the stop returned and no failure", tc.name, err, tot.Failed, tot.Failures)
		}
	}
	if stopping(context.Background(), context.Canceled) {
		t.Error("stopping: a live scan's error is a fault of the object")
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errLimit)
	if stopping(ctx, errors.New("gzip: invalid header")) {
		t.Error("stopping: a real fault while the scan stops is not a stop")
	}
}

// batchText is every column of b printed.
func batchText(b arrow.RecordBatch) string {
	var s strings.Builder
	for i, c := range b.Columns() {
		s.WriteString(b.ColumnName(i) + ": " + c.String() + "\n")
	}
	return s.String()
}

// TestRun_Recycled: with no Config.Mem, each worker's readers build
// batches in the memory of the batches released before them
// (parsers.Recycler). Read through a Recycler that overwrites what is
// freed, every table's batches (partition columns added by the scan
// included) hold the rows they hold in Go memory, and the batches fn
// retains keep them past the scan; the default Mem reads the same.
func TestRun_Recycled(t *testing.T) {
	objs := plan(t, "../testdata/cloudtrail/AWSLogs", "../testdata/vpcflow", "../testdata/guardduty/AWSLogs", "../testdata/config/AWSLogs", "../testdata/cwlogs")
	for _, cols := range []map[string][]string{
		nil,
		{"cloudtrail": {"eventname", "useridentity.arn", "account", "region", "timestamp"}, "vpc_flow": {"srcaddr", "dstport", "action", "day"}},
	} {
		read := func(mem memory.Allocator) map[string]string {
			texts := map[string]string{}
			var kept []arrow.RecordBatch
			var keys []string
			var mu sync.Mutex
			n := map[string]int{}
			tot := Run(context.Background(), Config{Workers: 2, Mem: mem, Columns: cols}, objs, func(_ int, _ *parsers.Table, obj archive.Object, b arrow.RecordBatch) error {
				mu.Lock()
				defer mu.Unlock()
				k := obj.URI + "#" + strconv.Itoa(n[obj.URI])
				n[obj.URI]++
				texts[k] = batchText(b)
				if len(texts)%2 == 0 {
					b.Retain()
					kept = append(kept, b)
					keys = append(keys, k)
				}
				return nil
			})
			if tot.Stopped != nil || tot.Objects < 20 {
				t.Fatalf("stopped %v after %d objects", tot.Stopped, tot.Objects)
			}
			for i, b := range kept {
				if batchText(b) != texts[keys[i]] {
					t.Errorf("batch %s, retained, changed while later batches were read", keys[i])
				}
				b.Release()
			}
			return texts
		}
		want := read(memory.NewGoAllocator())
		for name, got := range map[string]map[string]string{"poisoning Recycler": read(parsers.NewPoisonRecycler()), "default": read(nil)} {
			if len(got) != len(want) {
				t.Errorf("%v, %s: %d batches; want %d", cols, name, len(got), len(want))
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%v, %s: batch %s differs from Go memory's", cols, name, k)
				}
			}
		}
	}
	// Every buffer comes back once the batches and readers are released,
	// but the string bytes the flow text reader's columns keep for its
	// next reader (parsers' flowSpare).
	rec := parsers.NewPoisonRecycler()
	objs = plan(t, "../testdata/cloudtrail/AWSLogs", "../testdata/vpcflow/v5-all-fields.parquet", "../testdata/guardduty/AWSLogs", "../testdata/config/AWSLogs")
	Run(context.Background(), Config{Workers: 2, Mem: rec}, objs, func(int, *parsers.Table, archive.Object, arrow.RecordBatch) error { return nil })
	if n := rec.Outstanding(); n != 0 {
		t.Errorf("%d buffers of the poisoning Recycler not freed", n)
	}
}
