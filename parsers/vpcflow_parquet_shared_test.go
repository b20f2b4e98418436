package parsers

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestVPCFlowParquet_SharedDict: a text column's batches that keep at
// least half as many rows as their chunk's dictionary has values share
// that dictionary, handed as it is (textShared); the others get their
// own (textBatch); both give the rows the file holds. The file (hunt's
// writer, rows clustered by action in row groups of 16,384) has:
//   - row groups whose srcaddr dictionary stays small, where a filter on
//     action keeps no row of some batches, part of others and all of
//     the rest, so a chunk's batches go from their own dictionary to the
//     shared one (action = 'REJECT', the last block) and back (ACCEPT);
//   - a last row group of long srcaddr values whose dictionary outgrows
//     the writer's limit, so its chunk goes on in PLAIN pages: a batch
//     sharing the dictionary meets a PLAIN page (its rows so far move to
//     a batch dictionary, unshare) and the next batches start PLAIN;
//   - NODATA rows ("-" addresses): the shared dictionary's "-" is a
//     NULL entry no row uses, and their rows are NULL.
//
// Every batch's rows equal the text reader's (as a multiset per read,
// the writer reorders rows), a row never uses a NULL entry, a shared
// dictionary is the same array for the batches of a row group, and
// each read shares some batches' dictionaries and not others'.
func TestVPCFlowParquet_SharedDict(t *testing.T) {
	const groupRows = 16384
	var sb strings.Builder
	for i := range 3 * groupRows {
		g := i / groupRows
		src := fmt.Sprintf("10.%d.%d.%d", g, i*7919%2000/200, i*7919%200)
		if g == 2 {
			// Long, most of them distinct: about 3,000 make the writer's
			// 128 KiB dictionary.
			src = fmt.Sprintf("2001:db8:85a3:1234:5678:8a2e:%04x:%04x", i%6000, i%6000*7)
		}
		dst := fmt.Sprintf("172.16.%d.%d", i%3, i*13%100)
		action, status := "ACCEPT", "OK"
		switch {
		case i%61 == 0:
			src, dst, action, status = "-", "-", "-", "NODATA"
		case i%11 < 3:
			action = "REJECT"
		}
		if src == "-" {
			fmt.Fprintf(&sb, "2 123456789012 eni-0a1b - - - - - - - %d %d - %s\n", 1_700_000_000+i, 1_700_000_060+i, status)
			continue
		}
		fmt.Fprintf(&sb, "2 123456789012 eni-0a1b %s %s 443 %d 6 10 %d %d %d %s %s\n", src, dst, 1024+i%50000, 100*i, 1_700_000_000+i, 1_700_000_060+i, action, status)
	}
	cols := []string{"srcaddr", "dstaddr", "action", "bytes", "start"}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	batches := readFlowBatchesFrom(t, mem, strings.NewReader(sb.String()), cols...)
	data := writeParquet(t, "vpc_flow", batches, groupRows, false)
	// The rows of each action, from the text reader.
	want := map[string][]string{}
	for _, b := range batches {
		ai := b.Schema().FieldIndices("action")[0]
		for _, r := range flowBatchRows(b) {
			f := strings.Fields(r)
			want[""] = append(want[""], r)
			want[f[ai]] = append(want[f[ai]], r)
		}
	}
	releaseBatches(batches)
	for _, action := range []string{"", "ACCEPT", "REJECT"} {
		for _, pg := range []bool{false, true} {
			name := "whole"
			var prune Pruning
			if action != "" {
				name = "action = " + action
				prune.Equal = map[string][]string{"action": {action}}
			}
			opts := []Option{WithColumns(cols...), WithAllocator(mem)}
			if pg {
				name += ", parquet-go"
				opts = append(opts, withParquetGo())
			}
			p, err := NewVPCFlowParquetReader(bytes.NewReader(data), int64(len(data)), "flow.parquet", prune, opts...)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var last [2]arrow.ArrayData // the last batch's dictionaries
			shared, own := 0, 0
			for p.Next() {
				b := p.Batch()
				for c := range 2 {
					x := b.Column(c).(*array.Dictionary)
					dict := x.Dictionary().(*array.String)
					for k := range dict.Len() {
						if dict.IsValid(k) && dict.Value(k) == "-" {
							t.Fatalf("%s: column %s: dictionary entry %d is \"-\", not NULL", name, b.ColumnName(c), k)
						}
					}
					for i := range x.Len() {
						if x.IsValid(i) && dict.IsNull(x.GetValueIndex(i)) {
							t.Fatalf("%s: column %s row %d uses NULL entry %d", name, b.ColumnName(c), i, x.GetValueIndex(i))
						}
					}
					switch d := x.Data().Dictionary(); {
					case d == last[c]:
						shared++
					case dict.Len() > x.Len():
						// More entries than rows: the chunk's.
						shared++
					default:
						own++
					}
					last[c] = x.Data().Dictionary()
				}
				got = append(got, flowBatchRows(b)...)
			}
			if p.Err() != nil {
				t.Fatalf("%s: %v", name, p.Err())
			}
			p.Release()
			w := want[action]
			if !slices.Equal(sortedRows(got), sortedRows(w)) {
				t.Errorf("%s: %d rows, first differing %v; want %d", name, len(got), firstDiff(sortedRows(got), sortedRows(w)), len(w))
			}
			if shared == 0 || own == 0 {
				t.Errorf("%s: %d batch columns share their chunk's dictionary, %d have their own; want some of each", name, shared, own)
			}
		}
	}
}
