package archive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestHivePartitionDir(t *testing.T) {
	us := time.Date(2024, 3, 5, 23, 59, 59, 0, time.UTC).UnixMicro()
	for _, tc := range []struct{ table, acct, region, want string }{
		{"cloudtrail", "111122223333", "us-east-1", "table=cloudtrail/account=111122223333/region=us-east-1/date=2024-03-05"},
		{"vpc_flow", "111122223333", "eu-west-1", "table=vpc_flow/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2024/month=03/day=05"},
	} {
		if got := HivePartitionDir(tc.table, tc.acct, tc.region, us); got != tc.want {
			t.Errorf("got %q; want %q", got, tc.want)
		}
	}
	if got := HivePartitionDir("cloudtrail", "unknown", "unknown", -1<<63); got != "table=cloudtrail/account=unknown/region=unknown/date=unknown" {
		t.Errorf("no time: got %q", got)
	}
}

func TestHivePruneReason(t *testing.T) {
	facts := Facts{
		Since:    time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC),
		Until:    time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC),
		Accounts: []string{"111122223333"}, Regions: []string{"us-east-1"},
	}
	for _, tc := range []struct{ key, want string }{
		{"p/table=cloudtrail/account=111122223333/region=us-east-1/date=2024-03-05/part-1.parquet", ""},
		{"p/table=cloudtrail/account=111122223333/region=us-east-1/date=2024-03-06/part-1.parquet", ""}, // Until inclusive
		{"p/table=cloudtrail/account=111122223333/region=us-east-1/date=2024-03-07/part-1.parquet", "partition date=2024-03-07 outside"},
		{"p/table=cloudtrail/account=111122223333/region=us-east-1/date=2024-03-04/part-1.parquet", "partition date=2024-03-04 outside"},
		{"table=cloudtrail/account=444455556666/region=us-east-1/date=2024-03-05/part-1.parquet", "partition account=444455556666 not in"},
		{"p/table=cloudtrail/account=111122223333/region=eu-west-1/date=2024-03-05/part-1.parquet", "partition region=eu-west-1 not in"},
		{"p/table=cloudtrail/account=unknown/region=unknown/date=unknown/part-1.parquet", ""},
		{"p/other/account=444455556666/x.parquet", ""},
		{"lake/.hunt-convert.json", "hidden"},
		{".hunt-convert.json", "hidden"},
	} {
		_, got := hivePruneReason(tc.key, facts)
		if (tc.want == "") != (got == "") || !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: got %q; want %q", tc.key, got, tc.want)
		}
	}
	if c, got := hivePruneReason("table=cloudtrail/account=1/x.parquet", Facts{Table: "vpc_flow"}); got == "" || c != PrunedTable {
		t.Errorf("vpc_flow query kept a cloudtrail partition")
	}
}

func TestHiveTable(t *testing.T) {
	for key, want := range map[string]string{
		"lake/table=cloudtrail/account=1/x.parquet": "cloudtrail",
		"table=vpc_flow/AWSLogs/x.parquet":          "vpc_flow",
		"lake/x/table=cloudtrail":                   "", // a file name, not a folder
		"lake/account=1/x.parquet":                  "",
		"table=/x.parquet":                          "",
	} {
		if got := HiveTable(key); got != want {
			t.Errorf("HiveTable(%q) = %q; want %q", key, got, want)
		}
	}
}

func TestHivePartRun(t *testing.T) {
	for key, want := range map[string]string{
		"lake/table=cloudtrail/account=1/region=r/date=2024-03-05/part-20240305T101500Z-a1b2c3-00001.parquet": "20240305T101500Z-a1b2c3",
		"part-20240305T101500Z-a1b2c3-00012.parquet":                                                          "20240305T101500Z-a1b2c3",
		"lake/table=cloudtrail/x.parquet":                                                                     "",
		"lake/part-x.json":                                                                                    "",
	} {
		if got := HivePartRun(key); got != want {
			t.Errorf("HivePartRun(%q) = %q; want %q", key, got, want)
		}
	}
	for uri, want := range map[string]string{
		"lake/table=cloudtrail/a/part-1-2.parquet":    "lake/",
		"s3://b/p/table=vpc_flow/x/part-1-2.parquet":  "s3://b/p/",
		"table=cloudtrail/x.parquet":                  "",
		"lake/mytable=x/table=cloudtrail/x.parquet":   "lake/mytable=x/",
		"lake\\table=cloudtrail\\x\\part-1-2.parquet": "lake\\",
	} {
		if got := hiveRoot(uri); got != want {
			t.Errorf("hiveRoot(%q) = %q; want %q", uri, got, want)
		}
	}
}

// manifestOf returns a manifest of n sources of the runs given in turn.
func manifestOf(n int, pending []string, runs ...string) *HiveManifest {
	m := &HiveManifest{Version: 1, Sources: map[string]HiveSource{}, Pending: pending}
	for i := range n {
		uri := fmt.Sprintf("s3://trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T%04dZ_%06d.json.gz", i%2400, i)
		m.Sources[uri] = HiveSource{Size: int64(1000 + i), ModTime: time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), Table: "cloudtrail", Rows: int64(i), Run: runs[i%len(runs)]}
	}
	return m
}

func TestHiveManifest_Summary(t *testing.T) {
	m := manifestOf(5, nil, "r2", "r1", "r2")
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	// The summary comes before the sources, runs sorted and once each.
	s := string(b)
	runs, sources := strings.Index(s, `"runs": [`), strings.Index(s, `"sources": {`)
	if runs < 0 || sources < 0 || runs > sources || strings.Contains(s, "pending") {
		t.Fatalf("runs at %d, sources at %d; want both, in that order, and no pending:\n%s", runs, sources, s)
	}
	if !strings.Contains(s, "\"runs\": [\n  \"r1\",\n  \"r2\"\n ]") {
		t.Errorf("runs not [r1 r2]:\n%s", s)
	}
	// The full parse (hunt convert's) reads it back as it was.
	got, err := ParseHiveManifest(b, "m")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip: got %+v; want %+v", got, m)
	}
	// Pending runs come before the sources too.
	m.Pending = []string{"r3"}
	if b, err = json.MarshalIndent(m, "", " "); err != nil {
		t.Fatal(err)
	}
	s = string(b)
	if p := strings.Index(s, "\"pending\": [\n  \"r3\"\n ]"); p < 0 || p > strings.Index(s, `"sources"`) {
		t.Errorf("pending not [r3] before the sources:\n%s", s)
	}
}

func TestReadHivePublished_Success(t *testing.T) {
	marshal := func(m *HiveManifest) string {
		b, err := json.MarshalIndent(m, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, tc := range []struct {
		name, manifest string
		want           []string
	}{
		{"summary", marshal(manifestOf(4, nil, "r1", "r2")), []string{"r1", "r2"}},
		{"summary, pending", marshal(manifestOf(4, []string{"r2", "r3"}, "r1", "r2")), []string{"r1"}},
		{"summary, no sources", marshal(&HiveManifest{Version: 1}), nil},
		// Written before the summary: sources, then pending.
		{"old", `{"version": 1, "sources": {"a": {"size": 1, "run": "r1"}, "b": {"run": "r2", "error": "x"}}}`, []string{"r1", "r2"}},
		{"old, pending", `{"version": 1, "sources": {"a": {"run": "r1"}, "b": {"run": "r2"}}, "pending": ["r2"]}`, []string{"r1"}},
		{"old, empty", `{"version": 1, "sources": {}}`, nil},
		{"old, null sources", `{"version": 1, "sources": null}`, nil},
		// The sources, when read (here before the summary), decide.
		{"sources first", `{"sources": {"a": {"run": "r1"}}, "version": 1, "runs": ["r9"], "pending": []}`, []string{"r1"}},
		{"version last", `{"runs": ["r1"], "pending": [], "sources": {"a": {"run": "r1"}}, "version": 1}`, []string{"r1"}},
		{"unknown keys", `{"version": 1, "x": [1, {"y": 2}], "runs": ["r1"], "pending": [], "sources": {}}`, []string{"r1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadHivePublished(strings.NewReader(tc.manifest), "m")
			if err != nil {
				t.Fatalf("%s: %v", tc.manifest, err)
			}
			want := map[string]bool{}
			for _, r := range tc.want {
				want[r] = true
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %v; want %v", tc.manifest, got, want)
			}
		})
	}
}

func TestReadHivePublished_Failure(t *testing.T) {
	for _, tc := range []struct{ manifest, want string }{
		{``, `m: offset 0: EOF`},
		{`[]`, `m: offset 1: expected a JSON object, found [`},
		{`{"version": 2, "runs": [], "sources": {}}`, `m: expected a hunt convert manifest of version 1, found version 2`},
		{`{"runs": [], "sources": {}}`, `m: expected a hunt convert manifest of version 1, found version 0`},
		{`{"version": 1, "runs": ["r1"`, `m: offset 22: unexpected EOF`},
		{`{"version": 1, "sources": {"a": {"run": 7}}}`, `m: offset 43: json: cannot unmarshal number into Go struct field .run of type string`},
		{`{"version": 1, "sources": {}`, `m: offset 28: EOF`},
	} {
		_, err := ReadHivePublished(strings.NewReader(tc.manifest), "m")
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got error %v; want %q", tc.manifest, err, tc.want)
		}
	}
}

// manifestReader counts the bytes of a manifest read from r.
type manifestReader struct {
	r io.Reader
	n int
}

func (c *manifestReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func (c *manifestReader) Close() error { return nil }

// TestPruneUnpublished_ReadsSummaryOnly: the query path reads a large
// manifest only up to its summary and decodes none of its sources; one
// written before the summary is still read whole.
func TestPruneUnpublished_ReadsSummaryOnly(t *testing.T) {
	const sources = 20000
	var runs []string
	for i := range 50 {
		runs = append(runs, fmt.Sprintf("20240305T%06dZ-a1b2c3", i))
	}
	m := manifestOf(sources, []string{runs[7]}, runs...)
	summary, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	type oldManifest HiveManifest // without MarshalJSON: sources first, no summary
	old, err := json.MarshalIndent((*oldManifest)(m), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	plan := func() *Plan {
		p := &Plan{}
		for _, run := range runs[5:10] {
			key := "lake/table=cloudtrail/account=1/region=r/date=2024-03-05/part-" + run + "-00001.parquet"
			p.Objects = append(p.Objects, Object{URI: key, Key: key, Size: 10})
			p.Bytes += 10
		}
		return p
	}
	for _, tc := range []struct {
		name      string
		manifest  []byte
		maxRead   int
		maxAllocs float64
	}{
		{"summary", summary, 64 << 10, 400},
		{"old", old, len(old), sources * 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cr *manifestReader
			open := func(uri string) (io.ReadCloser, error) {
				if uri != "lake/"+HiveManifestName {
					t.Fatalf("opened %q", uri)
				}
				cr = &manifestReader{r: bytes.NewReader(tc.manifest)}
				return cr, nil
			}
			p := plan()
			if err := PruneUnpublished(p, open); err != nil {
				t.Fatal(err)
			}
			if len(p.Objects) != 4 || len(p.Pruned) != 1 || HivePartRun(p.Pruned[0].Object.Key) != runs[7] || p.Bytes != 40 {
				t.Errorf("kept %d, pruned %v, %d bytes; want 4 kept, run %s pruned, 40 bytes", len(p.Objects), p.Pruned, p.Bytes, runs[7])
			}
			if cr.n > tc.maxRead {
				t.Errorf("read %d bytes of a %d-byte manifest; want at most %d", cr.n, len(tc.manifest), tc.maxRead)
			}
			allocs := testing.AllocsPerRun(5, func() { PruneUnpublished(plan(), open) })
			if allocs > tc.maxAllocs {
				t.Errorf("%.0f allocations for %d sources; want at most %.0f", allocs, sources, tc.maxAllocs)
			}
			t.Logf("read %d of %d bytes, %.0f allocations", cr.n, len(tc.manifest), allocs)
		})
	}
	// No manifest: the lake is read whole.
	p := plan()
	err = PruneUnpublished(p, func(string) (io.ReadCloser, error) { return nil, fs.ErrNotExist })
	if err != nil || len(p.Objects) != 5 {
		t.Errorf("no manifest: kept %d, err %v; want 5 kept", len(p.Objects), err)
	}
}

// FuzzReadHivePublished: any input is read without a panic, and a
// manifest the full parse accepts, written again with its summary, is
// read up to the summary as publishing what its sources and pending say.
func FuzzReadHivePublished(f *testing.F) {
	f.Add(`{"version": 1, "sources": {"a": {"run": "r1"}, "b": {"run": "r2"}}, "pending": ["r2"]}`)
	f.Add(`{"version": 1, "runs": ["r1", "r2"], "pending": ["r2"], "sources": {"a": {"run": "r1"}, "b": {"run": "r2"}}}`)
	f.Add(`{"version": 1, "sources": {}}`)
	f.Add(`{"sources": {"a": {"run": "r1"}}, "version": 1, "runs": ["r9"]}`)
	f.Add(`{"version": 1, "runs": ["r1"`)
	f.Fuzz(func(t *testing.T, manifest string) {
		ReadHivePublished(strings.NewReader(manifest), "m")
		m, err := ParseHiveManifest([]byte(manifest), "m")
		if err != nil {
			return
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadHivePublished(bytes.NewReader(b), "m")
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if want := m.Published(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v; want %v", b, got, want)
		}
	})
}
