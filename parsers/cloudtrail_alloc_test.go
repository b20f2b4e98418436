package parsers

import (
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestCloudTrailReader_InMemoryNoWindow: a reader of an [InMemory] input
// parses it in place and allocates no input window; a reader of a stream
// still gets one.
func TestCloudTrailReader_InMemoryNoWindow(t *testing.T) {
	input := `{"Records":[` + rec1 + `,` + rec2 + `]}`
	for _, tt := range []struct {
		name     string
		inMemory bool
	}{{"in memory", true}, {"stream", false}} {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var r *CloudTrailReader
			var err error
			if tt.inMemory {
				r, err = NewCloudTrailReader(inMemoryInput(input), "x.json", WithAllocator(mem), WithColumns("eventname"))
			} else {
				r, err = NewCloudTrailReader(strings.NewReader(input), "x.json", WithAllocator(mem), WithColumns("eventname"))
			}
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			allocated := after.TotalAlloc - before.TotalAlloc
			if window := allocated >= windowSize; window != !tt.inMemory {
				t.Errorf("NewCloudTrailReader allocated %d bytes; want a window of %d: %v", allocated, windowSize, !tt.inMemory)
			}
			rows := int64(0)
			for r.Next() {
				rows += r.Batch().NumRows()
			}
			if rows != 2 || r.Err() != nil {
				t.Errorf("rows %d, err %v; want 2, nil", rows, r.Err())
			}
		})
	}
}
