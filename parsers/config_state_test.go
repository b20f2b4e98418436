package parsers_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/parsers"
)

// stateAt is the documented pattern for the state of resources at a time
// (see [parsers.ConfigReader]): the latest item per resource at or before
// T, and whether that item records a deletion.
const stateAt = `SELECT resourceid,
       max_by(configurationitemstatus, configurationitemcapturetime) AS status,
       max_by(json_format(json_extract(configuration, '$.ipPermissions')), configurationitemcapturetime) AS ingress
FROM config
WHERE configurationitemcapturetime <= '%T%'
GROUP BY resourceid
ORDER BY resourceid`

// TestConfigStateAt checks the state-at-time pattern over the sample
// history: the security group open to the world for SSH at 10:00 and
// narrowed at 11:10, the volume deleted at 12:00.
func TestConfigStateAt(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	files, _ := filepath.Glob("../testdata/config/AWSLogs/*/Config/*/*/*/*/ConfigHistory/*.json.gz")
	if len(files) != 1 {
		t.Fatalf("got %v; want the sample history", files)
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	state := func(at string) map[string]string {
		q, err := engine.Compile(strings.ReplaceAll(stateAt, "%T%", at), engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r, err := parsers.NewConfigReader(bytes.NewReader(data), files[0], parsers.WithAllocator(mem), parsers.WithStrict(true))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		run := q.NewRun(1)
		for r.Next() {
			if err := run.Push(0, r.Batch()); err != nil {
				t.Fatal(err)
			}
		}
		if r.Err() != nil {
			t.Fatal(r.Err())
		}
		res, err := run.Finish()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for i := range res.Len() {
			out[res.Text(i, 0)] = res.Text(i, 1) + " " + res.Text(i, 2)
		}
		return out
	}
	const sg, vol = "sg-0a1b2c3d4e5f60718", "vol-0123456789abcdef0"
	at10, at13 := state("2024-03-05T10:00:00Z"), state("2024-03-05T13:00:00Z")
	if got := at10[sg]; !strings.HasPrefix(got, "OK ") || !strings.Contains(got, `"fromPort":22`) || !strings.Contains(got, `"ipRanges":["0.0.0.0/0"],"toPort":22`) {
		t.Errorf("at 10:00 got %s: %s; want SSH open to 0.0.0.0/0", sg, got)
	}
	if got := at13[sg]; strings.Contains(got, `"ipRanges":["0.0.0.0/0"],"toPort":22`) || !strings.Contains(got, `"10.0.0.0/8"`) {
		t.Errorf("at 13:00 got %s: %s; want SSH narrowed to 10.0.0.0/8", sg, got)
	}
	if got := at10[vol]; !strings.HasPrefix(got, "OK ") {
		t.Errorf("at 10:00 got %s: %s; want OK", vol, got)
	}
	if got := at13[vol]; !strings.HasPrefix(got, "ResourceDeleted") {
		t.Errorf("at 13:00 got %s: %s; want ResourceDeleted", vol, got)
	}
	if len(state("2024-03-05T08:00:00Z")) != 0 {
		t.Errorf("before the first item: got resources; want none")
	}
}
