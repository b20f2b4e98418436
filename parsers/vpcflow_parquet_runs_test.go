package parsers

import (
	"bytes"
	"slices"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
)

// TestVPCFlowParquet_KeptRuns: the rows a filter on action keeps are the
// file's, with their values, nulls and rejects, whether the kept rows
// come in a few runs (the flow lake's row groups, clustered by action:
// whole batches and pages kept, runs across page boundaries, appended a
// run at a time) or here and there (more runs than flowMaxRuns, appended
// a row at a time), and read whole. Within the runs are nulls,
// dictionary values that are "-" or bad (the row is rejected), integers
// out of range (rejected), a PLAIN text column and an INT32 one, so each
// kind's bulk copy and its way out to the row-at-a-time path are taken.
// The expected rows are computed from the rows written, not read.
func TestVPCFlowParquet_KeptRuns(t *testing.T) {
	type row struct {
		Srcaddr *string `parquet:"srcaddr,optional,dict"`
		Dstaddr *string `parquet:"dstaddr,optional"` // PLAIN
		Dstport *int32  `parquet:"dstport,optional"`
		Bytes   *int64  `parquet:"bytes,optional"`
		Start   *int64  `parquet:"start,optional"`
		Action  *string `parquet:"action,optional,dict"`
	}
	ptr := func(s string) *string { return &s }
	cell := func(p *string) string {
		if p == nil || *p == "-" {
			return "NULL"
		}
		return *p
	}
	const n = 4*BatchRows + 777
	for _, tc := range []struct {
		name   string
		action func(i int) string // "" for null
		runs   bool               // the batches' kept rows come in at most flowMaxRuns runs
	}{
		{"clustered", func(i int) string {
			// Blocks of 2,500 rows: 40 nulls, 1,900 ACCEPT, the rest
			// REJECT.
			switch j := i % 2500; {
			case j < 40:
				return ""
			case j < 1940:
				return "ACCEPT"
			}
			return "REJECT"
		}, true},
		{"all accepted", func(int) string { return "ACCEPT" }, true},
		{"scattered", func(i int) string { return []string{"ACCEPT", "REJECT"}[i%3/2] }, false},
	} {
		rows := make([]row, n)
		// want: the rows of action ACCEPT; wantTwo: those whose srcaddr
		// is also one of srcs (a filter read before action's, which
		// then starts from rows some of which are left out).
		var want, wantAll, wantTwo []string
		var srcs []string
		for k := range 251 {
			srcs = append(srcs, "10.0.1."+strconv.Itoa(k), "10.0.3."+strconv.Itoa(k))
		}
		isRuns := true
		for b := 0; b < n; b += BatchRows {
			keep := make([]bool, min(BatchRows, n-b))
			for i := range keep {
				keep[i] = tc.action(b+i) == "ACCEPT"
			}
			_, ok := keepRuns(nil, keep, flowMaxRuns)
			isRuns = isRuns && ok
		}
		if isRuns != tc.runs {
			t.Fatalf("%s: runs %v; want %v", tc.name, isRuns, tc.runs)
		}
		for i := range rows {
			r := &rows[i]
			bad := false
			switch {
			case i%97 == 0:
			case i%89 == 0:
				r.Srcaddr = ptr("-")
			case i%1201 == 5:
				r.Srcaddr, bad = ptr("10.0.\x01.1"), true
			default:
				r.Srcaddr = ptr("10.0." + strconv.Itoa(i/700%5) + "." + strconv.Itoa(i*7%251))
			}
			if i%31 != 0 {
				r.Dstaddr = ptr("172.16." + strconv.Itoa(i%3) + "." + strconv.Itoa(i%200))
			}
			if i%43 != 0 {
				port := int32(i % 1024)
				if i%1777 == 11 {
					port, bad = 70000, true
				}
				r.Dstport = &port
			}
			if i%53 != 0 {
				b := int64(i) * 1000
				if i%2003 == 7 {
					b, bad = -1, true
				}
				r.Bytes = &b
			}
			start := int64(1_700_000_000 + i)
			r.Start = &start
			if a := tc.action(i); a != "" {
				r.Action = ptr(a)
			}
			if bad {
				continue
			}
			port, byt := "NULL", "NULL"
			if r.Dstport != nil {
				port = strconv.Itoa(int(*r.Dstport))
			}
			if r.Bytes != nil {
				byt = strconv.FormatInt(*r.Bytes, 10)
			}
			s := cell(r.Srcaddr) + " " + cell(r.Dstaddr) + " " + port + " " + byt + " " + strconv.FormatInt(start, 10) + " " + cell(r.Action)
			wantAll = append(wantAll, s)
			if r.Action != nil && *r.Action == "ACCEPT" {
				want = append(want, s)
				if r.Srcaddr != nil && slices.Contains(srcs, *r.Srcaddr) {
					wantTwo = append(wantTwo, s)
				}
			}
		}
		var buf bytes.Buffer
		// Pages of about 1,000 rows and row groups of 6,000: runs and
		// batches cross page boundaries, and batches end at row groups.
		pw := parquet.NewGenericWriter[row](&buf, parquet.Compression(&parquet.Zstd), parquet.PageBufferSize(4<<10), parquet.MaxRowsPerRowGroup(6000))
		if _, err := pw.Write(rows); err != nil {
			t.Fatal(err)
		}
		if err := pw.Close(); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		for filters := range 3 {
			for _, pg := range []bool{false, true} {
				name := tc.name
				var prune Pruning
				wantRows := wantAll
				switch filters {
				case 1:
					name += ", filtered"
					prune.Equal = map[string][]string{"action": {"ACCEPT"}}
					wantRows = want
				case 2:
					name += ", two filters"
					prune.Equal = map[string][]string{"srcaddr": srcs, "action": {"ACCEPT"}}
					wantRows = wantTwo
				}
				opts := []Option{WithColumns("srcaddr", "dstaddr", "dstport", "bytes", "start", "action")}
				if pg {
					name += ", parquet-go"
					opts = append(opts, withParquetGo())
				}
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				p, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "flow.parquet", prune, append(opts, WithAllocator(mem))...)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for p.Next() {
					got = append(got, flowBatchRows(p.Batch())...)
				}
				if p.Err() != nil {
					t.Fatalf("%s: %v", name, p.Err())
				}
				p.Release()
				if !slices.Equal(got, wantRows) {
					t.Errorf("%s: %d rows, first differing %v; want %d", name, len(got), firstDiff(got, wantRows), len(wantRows))
				}
				mem.AssertSize(t, 0)
			}
		}
	}
}

// TestKeepRuns: keepRuns finds the runs of kept rows, and gives up past
// maxRuns.
func TestKeepRuns(t *testing.T) {
	b := func(s string) []bool {
		out := make([]bool, len(s))
		for i, c := range s {
			out[i] = c == '1'
		}
		return out
	}
	for _, tc := range []struct {
		keep string
		max  int
		want []int32
		ok   bool
	}{
		{"", 4, nil, true},
		{"0000", 4, nil, true},
		{"1111", 4, []int32{0, 4}, true},
		{"0110", 4, []int32{1, 3}, true},
		{"1001", 4, []int32{0, 1, 3, 4}, true},
		{"10101", 3, []int32{0, 1, 2, 3, 4, 5}, true},
		{"10101", 2, nil, false},
		{"0101010", 2, nil, false},
	} {
		got, ok := keepRuns(nil, b(tc.keep), tc.max)
		if ok != tc.ok || ok && !slices.Equal(got, tc.want) {
			t.Errorf("keepRuns(%q, %d) = %v, %v; want %v, %v", tc.keep, tc.max, got, ok, tc.want, tc.ok)
		}
	}
}
