package main

import (
	"bytes"
	"strings"
	"testing"
	"unsafe"
)

// TestTableWriter_CopiesPending: the rows a table holds back to size its
// columns are copies: hunt cat hands it values viewing the batch being
// read, whose memory the next batch is built in (parsers.Recycler).
func TestTableWriter_CopiesPending(t *testing.T) {
	var out bytes.Buffer
	w, err := newRowWriter("table", &out, []string{"arn"})
	if err != nil {
		t.Fatal(err)
	}
	batch := []byte("arn:aws:iam::111111111111:user/alice")
	view := unsafe.String(&batch[0], len(batch))
	if err := w.Row([]any{view}); err != nil {
		t.Fatal(err)
	}
	for i := range batch {
		batch[i] = 'X' // the batch released, its memory built in again
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "arn:aws:iam::111111111111:user/alice") {
		t.Errorf("the row held back changed with the batch's memory:\n%s", out.String())
	}
}
