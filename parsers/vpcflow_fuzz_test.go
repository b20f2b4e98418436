package parsers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
)

// failingReader returns data, then err instead of io.EOF: a stream cut
// short, like a truncated gzip member.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// FuzzVPCFlow checks the text reader's properties on any input (STYLE §9):
// no panic, every error a *ParseError with its Offset inside the input, no
// more rows than lines, every line either a row, rejected or a header, and
// the allocator back to zero. cols picks a projection (bit i: column i of
// VPCFlowSchema; 0: every column); cut, when below len(data), ends the
// input with a read error there.
func FuzzVPCFlow(f *testing.F) {
	for _, tt := range vpcFlowSuccessCases {
		f.Add([]byte(tt.input), uint64(0), false, uint16(0xffff))
	}
	for _, tt := range vpcFlowFailureCases {
		in := strings.Replace(tt.input, "§", "", 1)
		f.Add([]byte(in), uint64(0), false, uint16(0xffff))
		f.Add([]byte(in), uint64(1<<7|1<<5), true, uint16(len(in)/2))
	}
	files, _ := filepath.Glob("../testdata/vpcflow/*.log")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint64(0), false, uint16(0xffff))
		f.Add(data, uint64(0b1111000000001000), false, uint16(len(data)-7))
	}
	f.Fuzz(func(t *testing.T, data []byte, cols uint64, strict bool, cut uint16) {
		var proj []string
		if cols != 0 {
			proj = []string{}
			for i, fl := range VPCFlowSchema.Fields() {
				if cols&(1<<i) != 0 {
					proj = append(proj, fl.Name)
				}
			}
			if len(proj) == 0 {
				proj = nil
			}
		}
		var r io.Reader = bytes.NewReader(data)
		if int(cut) < len(data) {
			r = &failingReader{data: data[:cut], err: io.ErrUnexpectedEOF}
		}
		checkErr := func(what string, err error) {
			t.Helper()
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("%s: %v (%T); want a *ParseError", what, err, err)
			}
			if pe.Offset < 0 || pe.Offset > int64(len(data)) || pe.Line < 0 || pe.Col < 0 {
				t.Fatalf("%s: %v at line %d col %d offset %d; input has %d bytes", what, err, pe.Line, pe.Col, pe.Offset, len(data))
			}
		}

		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		p, err := NewVPCFlowReader(r, "fuzz", WithAllocator(mem), WithColumns(proj...), WithStrict(strict))
		if err != nil {
			checkErr("NewVPCFlowReader", err)
			return
		}
		defer p.Release()
		rows := int64(0)
		for p.Next() {
			b := p.Batch()
			if b.NumRows() == 0 || b.NumRows() > BatchRows {
				t.Fatalf("batch of %d rows", b.NumRows())
			}
			for _, c := range b.Columns() {
				if c.Len() != int(b.NumRows()) {
					t.Fatalf("column of %d rows in a batch of %d", c.Len(), b.NumRows())
				}
			}
			rows += b.NumRows()
		}
		if p.Err() != nil {
			checkErr("Err", p.Err())
		}
		for _, e := range p.Rejects().Errs {
			checkErr("Rejects", e)
		}
		st := p.Stats()
		lines := int64(bytes.Count(data, []byte{'\n'}) + 1)
		if st.Records != rows || rows+st.Rejected > lines {
			t.Fatalf("%d rows, stats %+v; input has %d lines", rows, st, lines)
		}
		if st.Bytes < 0 || st.Bytes > int64(len(data)) {
			t.Fatalf("stats.Bytes = %d; input has %d bytes", st.Bytes, len(data))
		}
		if !strict && p.Err() == nil && int(cut) >= len(data) && st.Bytes != int64(len(data)) {
			t.Fatalf("stats.Bytes = %d at a clean end; want %d", st.Bytes, len(data))
		}

		// WithEqual leaves rows out but rejects and counts the same.
		r = bytes.NewReader(data)
		if int(cut) < len(data) {
			r = &failingReader{data: data[:cut], err: io.ErrUnexpectedEOF}
		}
		q, err := NewVPCFlowReader(r, "fuzz", WithAllocator(mem), WithColumns(proj...), WithStrict(strict),
			WithEqual(map[string][]string{"action": {"REJECT"}, "log_status": {"OK", "NODATA"}}))
		if err != nil {
			t.Fatalf("with WithEqual: %v; without: none", err)
		}
		defer q.Release()
		for q.Next() {
		}
		if errText(q.Err()) != errText(p.Err()) || q.Stats() != st || rejectsText(q.Rejects()) != rejectsText(p.Rejects()) {
			t.Fatalf("with WithEqual: err %v, stats %+v, rejects %v; without: err %v, stats %+v, rejects %v",
				q.Err(), q.Stats(), q.Rejects(), p.Err(), st, p.Rejects())
		}

		// One equality, as the REJECT hunts have: parseRun drops the
		// lines it leaves out on its fast path (dropLines), and rejects
		// and counts the same.
		r = bytes.NewReader(data)
		if int(cut) < len(data) {
			r = &failingReader{data: data[:cut], err: io.ErrUnexpectedEOF}
		}
		d, err := NewVPCFlowReader(r, "fuzz", WithAllocator(mem), WithColumns(proj...), WithStrict(strict),
			WithEqual(map[string][]string{"action": {"REJECT"}}))
		if err != nil {
			t.Fatalf("with one equality: %v; without: none", err)
		}
		defer d.Release()
		for d.Next() {
		}
		if errText(d.Err()) != errText(p.Err()) || d.Stats() != st || rejectsText(d.Rejects()) != rejectsText(p.Rejects()) {
			t.Fatalf("with one equality: err %v, stats %+v, rejects %v; without: err %v, stats %+v, rejects %v",
				d.Err(), d.Stats(), d.Rejects(), p.Err(), st, p.Rejects())
		}

		// Lines located one by one (no parseRun) give the same rows,
		// rejects and errors.
		r = bytes.NewReader(data)
		if int(cut) < len(data) {
			r = &failingReader{data: data[:cut], err: io.ErrUnexpectedEOF}
		}
		defer func(n int) { flowRunBytes = n }(flowRunBytes)
		flowRunBytes = 0
		l, err := NewVPCFlowReader(r, "fuzz", WithAllocator(mem), WithColumns(proj...), WithStrict(strict))
		if err != nil {
			t.Fatalf("line by line: %v; in runs: none", err)
		}
		defer l.Release()
		lrows := int64(0)
		for l.Next() {
			lrows += l.Batch().NumRows()
		}
		if errText(l.Err()) != errText(p.Err()) || l.Stats() != st || lrows != rows || rejectsText(l.Rejects()) != rejectsText(p.Rejects()) {
			t.Fatalf("line by line: err %v, stats %+v, rejects %v; in runs: err %v, stats %+v, rejects %v",
				l.Err(), l.Stats(), l.Rejects(), p.Err(), st, p.Rejects())
		}
	})
}

// rejectsText is every error of l, one a line, and how many were dropped.
func rejectsText(l *ErrorList) string {
	var b strings.Builder
	for _, e := range l.Errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String() + strconv.Itoa(l.Dropped)
}

// errText is err's message, "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// FuzzVPCFlowParquet checks the Parquet reader's properties on damaged
// files: the same answer (rows, Stats, rejects, error) whether it plans
// from the footer it decodes or from parquet-go's opening, no panic or hang, every error a *ParseError naming the source with
// its Offset inside the file, batches of even columns, no more rows than
// the file's metadata bounds, memory bounded by the file's size (claims of
// more are refused before parquet-go allocates for them), and the
// allocator back to zero. cols picks a projection as in FuzzVPCFlow.
func FuzzVPCFlowParquet(f *testing.F) {
	sample, err := os.ReadFile(vpcFlowParquetSample)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample, uint64(0))
	f.Add(sample, uint64(1<<7|1<<5|1<<12))
	if data, err := os.ReadFile("testdata/alloc4g.parquet"); err == nil {
		f.Add(data, uint64(0))
	}
	var rows []awsFlowParquetRow
	for i := range 50 {
		rows = append(rows, awsFlowRowFromText(f, "5 123456789012 eni-"+strconv.Itoa(i)+" 10.0.0.1 10.0.1.1 "+strconv.Itoa(i)+
			" 443 6 3 100 1640000000 1640000060 ACCEPT OK vpc-1 subnet-1 - 2 IPv4 - - us-east-1 use1-az1 - - - - egress -"))
	}
	for _, codec := range []compress.Codec{&parquet.Snappy, &parquet.Zstd, &parquet.Uncompressed} {
		var buf bytes.Buffer
		w := parquet.NewGenericWriter[awsFlowParquetRow](&buf, parquet.Compression(codec), parquet.PageBufferSize(1<<10))
		if _, err := w.Write(rows); err != nil {
			f.Fatal(err)
		}
		if err := w.Close(); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes(), uint64(1<<7|1<<2))
	}
	f.Add(sample, uint64(1<<63|1<<12|1<<3))
	f.Fuzz(func(t *testing.T, data []byte, cols uint64) {
		// The top bit adds equalities the reader prunes row groups and
		// filters rows by (late materialisation).
		var prune Pruning
		if cols&(1<<63) != 0 {
			cols &^= 1 << 63
			prune.Equal = map[string][]string{"action": {"REJECT"}, "srcaddr": {"10.0.0.1", "10.0.1.1"}}
		}
		var proj []string
		if cols != 0 {
			proj = []string{}
			for i, fl := range VPCFlowSchema.Fields() {
				if cols&(1<<i) != 0 {
					proj = append(proj, fl.Name)
				}
			}
		}
		checkErr := func(what string, err error) {
			t.Helper()
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Source != "fuzz.parquet" {
				t.Fatalf("%s: %v (%T); want a *ParseError naming fuzz.parquet", what, err, err)
			}
			if pe.Offset < 0 || pe.Offset > int64(len(data)) {
				t.Fatalf("%s: %v at offset %d; input has %d bytes", what, err, pe.Offset, len(data))
			}
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		var rows int64
		n := allocated(func() {
			p, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "fuzz.parquet", prune, WithAllocator(mem), WithColumns(proj...))
			if err != nil {
				checkErr("NewVPCFlowParquetReader", err)
				return
			}
			defer p.Release()
			for p.Next() {
				b := p.Batch()
				if b.NumRows() == 0 || b.NumRows() > BatchRows {
					t.Fatalf("batch of %d rows", b.NumRows())
				}
				for _, c := range b.Columns() {
					if c.Len() != int(b.NumRows()) {
						t.Fatalf("column of %d rows in a batch of %d", c.Len(), b.NumRows())
					}
				}
				rows += b.NumRows()
			}
			if p.Err() != nil {
				checkErr("Err", p.Err())
			}
			for _, e := range p.Rejects().Errs {
				checkErr("Rejects", e)
			}
			// Rows a filter leaves out are records not returned.
			if st := p.Stats(); st.Records != rows && (prune.Equal == nil || st.Records < rows) || st.Records > pqMaxRowsPerByte*int64(len(data))+pqSlack {
				t.Fatalf("%d rows, stats %+v, for a file of %d bytes", rows, st, len(data))
			}
		})
		if limit := uint64(256<<20 + 2048*len(data)); n > limit {
			t.Fatalf("allocated %d MiB reading a %d-byte file", n>>20, len(data))
		}
		// Planned from the footer decoded here or from parquet-go's
		// opening of the file: the same rows, Stats, rejects and error.
		got, _, _ := readFlowParquetGroups(t, data, prune, WithAllocator(mem), WithColumns(proj...))
		want, _, _ := readFlowParquetGroups(t, data, prune, WithAllocator(mem), WithColumns(proj...), withParquetGo())
		if fmt.Sprint(got.err) != fmt.Sprint(want.err) || !slices.Equal(got.rows, want.rows) || got.stats != want.stats ||
			fmt.Sprint(got.rejects) != fmt.Sprint(want.rejects) {
			t.Fatalf("own footer: %d rows, %+v, %v, error %v; parquet-go's: %d rows, %+v, %v, error %v",
				len(got.rows), got.stats, got.rejects, got.err, len(want.rows), want.stats, want.rejects, want.err)
		}
	})
}
