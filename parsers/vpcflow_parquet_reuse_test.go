package parsers

import (
	"bytes"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestVPCFlowParquet_DictShared: consecutive batches of a dictionary
// column (action) share one dictionary array while the column's values
// are the same, and every batch still holds the rows' own values (those
// the text reader reads from the same lines), also across a file whose
// first batches lack a value the later ones use.
func TestVPCFlowParquet_DictShared(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// Sorted by time: the first rows are all ACCEPT, then REJECT and
	// null ("-") rows come, so the dictionary grows between batches.
	var text strings.Builder
	for i := range 3 * BatchRows {
		action := "ACCEPT"
		if i >= BatchRows+100 {
			action = []string{"ACCEPT", "REJECT", "-"}[i%3]
		}
		text.WriteString(strings.Join([]string{"2 123456789012 eni-1", "10.0.0." + strconv.Itoa(i%10), "172.16.0.1 1 2 6 1 40",
			strconv.Itoa(1700000000 + i), strconv.Itoa(1700000060 + i), action, "OK\n"}, " "))
	}
	flow := readFlowBatches(t, mem, text.String())
	data := writeParquet(t, "vpc_flow", flow, 0, true)
	releaseBatches(flow)

	p, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "flow.parquet", Pruning{}, WithAllocator(mem), WithColumns("srcaddr", "action"))
	if err != nil {
		t.Fatal(err)
	}
	var batches []arrow.RecordBatch
	for p.Next() {
		p.Batch().Retain()
		batches = append(batches, p.Batch())
	}
	if p.Err() != nil {
		t.Fatal(p.Err())
	}
	p.Release()
	defer releaseBatches(batches)
	if len(batches) < 3 {
		t.Fatalf("%d batches; want at least 3", len(batches))
	}
	var got []string
	shared := 0
	for i, b := range batches {
		d := b.Column(1).(*array.Dictionary)
		vals := d.Dictionary().(*array.String)
		for r := range d.Len() {
			v := "-"
			if d.IsValid(r) {
				v = vals.Value(d.GetValueIndex(r))
			}
			got = append(got, flowCell(b.Column(0), r)+" "+v)
		}
		if i == 0 {
			continue
		}
		prev := batches[i-1].Column(1).(*array.Dictionary).Dictionary().(*array.String)
		same := prev.Len() == vals.Len()
		for k := 0; same && k < vals.Len(); k++ {
			same = prev.Value(k) == vals.Value(k)
		}
		if same != (prev.Data() == vals.Data()) {
			t.Errorf("batch %d: dictionary %v after %v: shared %v; want %v", i, vals, prev, prev.Data() == vals.Data(), same)
		}
		if same {
			shared++
		}
	}
	if shared == 0 {
		t.Errorf("no batch shares its dictionary with the one before")
	}
	want := flowTextPairs(t, mem, text.String())
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("%d rows %.200q; want %d rows %.200q", len(got), got, len(want), want)
	}
}

// flowTextPairs reads text with the text reader and returns its rows as
// "srcaddr action" ("-" for a null action), sorted.
func flowTextPairs(t *testing.T, mem memory.Allocator, text string) []string {
	t.Helper()
	flow := readFlowBatches(t, mem, text, "srcaddr", "action")
	defer releaseBatches(flow)
	var rows []string
	for _, b := range flow {
		d := b.Column(1).(*array.Dictionary)
		for r := range d.Len() {
			v := "-"
			if d.IsValid(r) {
				v = d.Dictionary().(*array.String).Value(d.GetValueIndex(r))
			}
			rows = append(rows, b.Column(0).(*array.String).Value(r)+" "+v)
		}
	}
	sort.Strings(rows)
	return rows
}

// TestVPCFlowParquetReuse_Bytes: a Parquet reader per file takes the
// columns of a released reader (flowSpare), as the text reader does, and
// its batches share their dictionaries: after the first, reading a small
// file allocates its footer, the reader and the batches' text, not a
// batch's worth of every column again.
func TestVPCFlowParquetReuse_Bytes(t *testing.T) {
	mem := memory.NewGoAllocator()
	data := clusteredFlowParquet(t, mem, 3*BatchRows, 0)
	cols := []string{"srcaddr", "start", "action"}
	// One P: see TestVPCFlowReuse_Bytes.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	read := func() uint64 {
		return readBytes(t, func() (Reader, error) {
			return NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "flow.parquet", Pruning{}, WithAllocator(mem), WithColumns(cols...))
		})
	}
	read()
	least := uint64(math.MaxUint64)
	for range 5 { // a GC between two reads empties the pools: the least of a few
		least = min(least, read())
	}
	// The batches' text, the footer, the reader, and its recycled
	// buffers (pqRecycler): about 300 KiB; the columns (over 250 KiB
	// more) come back.
	if limit := uint64(400 << 10); least > limit {
		t.Errorf("%d bytes allocated to read %d bytes; want at most %d", least, len(data), limit)
	}
	t.Logf("%d bytes allocated to read %d bytes", least, len(data))
}

// TestVPCFlowParquet_DictCheckedAtOnce: once rows used a share of a
// dictionary of printable ASCII values, it is checked as a whole: every
// value's state is known (valid, or null for "-") before a row uses it.
// One with another byte is checked a value at a time, when used (a bad
// value rejects only the rows using it: TestVPCFlowParquet_DictText_Failure).
func TestVPCFlowParquet_DictCheckedAtOnce(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		name      string
		odd       string // row 3's value
		wantState uint8  // the state of a value no row read yet uses
		rejects   int
	}{
		{"printable", "-", dictValid, 0},
		{"a control character", "eni-\x01", dictUnchecked, 1},
		// Valid text, checked a value at a time.
		{"not ASCII", "eni-é", dictUnchecked, 0},
		// A query keeping a few rows checks the few values they use.
		{"selective", "-", dictUnchecked, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Every value distinct: the first batch uses a third of them.
			var rows []flowDictRow
			for i := range 3 * BatchRows {
				id := "eni-" + strconv.Itoa(i)
				if i == 3 {
					id = tc.odd
				}
				action := "ACCEPT"
				if i%1000 == 4 {
					action = "REJECT"
				}
				rows = append(rows, flowDictRow{str(id), str(action)})
			}
			data := writeGenericParquet(t, rows)
			var prune Pruning
			if tc.name == "selective" {
				prune.Equal = map[string][]string{"action": {"REJECT"}}
			}
			r, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "f.parquet", prune, WithAllocator(mem), WithColumns("interface_id", "action"))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			if !r.Next() {
				t.Fatal(r.Err())
			}
			d := &r.cols[0].dict
			if len(d.state) != 3*BatchRows {
				t.Fatalf("%d dictionary values; want %d", len(d.state), 3*BatchRows)
			}
			x := -1
			for k := range d.state {
				if string(d.data[d.offs[k]:d.offs[k+1]]) == "eni-9999" {
					x = k
				}
			}
			if x < 0 {
				t.Fatal("no value eni-9999 in the dictionary")
			}
			if d.state[x] != tc.wantState {
				t.Errorf("state of eni-9999 (row 9999, not read yet) %d; want %d", d.state[x], tc.wantState)
			}
			c := r.Batch().Column(0)
			if tc.name == "selective" {
				if got := StringAt(c, 0); got != "eni-4" {
					t.Errorf("row 4 %q; want eni-4", got)
				}
			} else {
				if tc.odd == "-" && !c.IsNull(3) {
					t.Errorf("row 3 (%q) %q; want null", tc.odd, StringAt(c, 3))
				}
				if got := StringAt(c, 4-tc.rejects); got != "eni-4" {
					t.Errorf("row 4 %q; want eni-4", got)
				}
			}
			for r.Next() {
			}
			if r.Err() != nil {
				t.Fatal(r.Err())
			}
			if r.Stats().Rejected != int64(tc.rejects) {
				t.Errorf("%d rows rejected; want %d", r.Stats().Rejected, tc.rejects)
			}
		})
	}
}

// TestFlowASCII: flowASCII accepts exactly the bytes 0x20-0x7f, in the
// words and the tail, and a text it accepts is one badFlowText accepts.
func TestFlowASCII(t *testing.T) {
	for _, tc := range []struct {
		b    string
		want bool
	}{
		{"", true},
		{"10.0.0.1", true},
		{"172.16.254.254 ~\x7f", true},
		{" !", true},
		{"10.0.0.1\x1f", false},         // the tail
		{"\x1f10.0.0.1", false},         // the first word
		{"10.0.0.\x0010.0.0.1", false},  // a NUL
		{"eni-0123\x80", false},         // the tail
		{"eni-\xc3\xa9-0123456", false}, // valid UTF-8, not ASCII
		{"0123456789abcde\xff", false},
	} {
		if got := flowASCII([]byte(tc.b)); got != tc.want {
			t.Errorf("flowASCII(%q) %v; want %v", tc.b, got, tc.want)
		}
	}
	// Every byte at every position of two words and a tail.
	for pos := range 19 {
		for c := range 256 {
			b := []byte(strings.Repeat("a", 19))
			b[pos] = byte(c)
			want := c >= 0x20 && c < 0x80
			if got := flowASCII(b); got != want {
				t.Fatalf("flowASCII with byte %#x at %d: %v; want %v", c, pos, got, want)
			}
			if want && badFlowText(b) >= 0 {
				t.Fatalf("badFlowText rejects %q, which flowASCII accepts", b)
			}
		}
	}
}
