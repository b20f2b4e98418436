package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/bench"
	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/scan"
	"github.com/parquet-go/parquet-go"
)

// convertQueries are asked of the JSON and of its Parquet conversion; the
// answers must be the same. "$path" differs by design and is not asked.
var convertQueries = []string{
	"SELECT eventtime, useridentity.arn, eventname, sourceipaddress, errorcode FROM cloudtrail ORDER BY eventtime, eventname, sourceipaddress",
	"SELECT eventname, eventsource, count(*) AS n FROM cloudtrail GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2",
	"SELECT eventtime, r.arn, r.type FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r) ORDER BY 1, 2, 3",
	"SELECT useridentity.type, useridentity.sessioncontext.sessionissuer.arn, useridentity.sessioncontext.attributes.mfaauthenticated, count(*) AS n FROM cloudtrail GROUP BY 1, 2, 3",
	"SELECT eventtime, sourceipaddress, json_extract_scalar(responseelements, '$.ConsoleLogin') AS outcome FROM cloudtrail WHERE eventname = 'ConsoleLogin' ORDER BY 1, 2",
	"SELECT recipientaccountid, awsregion, readonly, tlsdetails.tlsversion, count(*) AS n FROM cloudtrail GROUP BY 1, 2, 3, 4",
	"SELECT count(*) AS n, min(eventtime) AS first, max(eventtime) AS last FROM cloudtrail WHERE eventtime BETWEEN '2026-01-06T00:00:00Z' AND '2026-01-06T12:00:00Z'",
	"SELECT eventid, requestparameters, additionaleventdata FROM cloudtrail WHERE errorcode IN ('AccessDenied', 'Client.UnauthorizedOperation') ORDER BY 1",
	"SELECT srcaddr, dstaddr, dstport, protocol, action, count(*) AS n, sum(bytes) AS b FROM vpc_flow GROUP BY 1, 2, 3, 4, 5 ORDER BY 7 DESC, 1, 2, 3 LIMIT 50",
	"SELECT action, log_status, count(*) AS n, min(start) AS s, max(\"end\") AS e FROM vpc_flow GROUP BY 1, 2",
	// Every column of every row: the Parquet holds the rows read, unchanged.
	"SELECT * FROM cloudtrail ORDER BY eventtime, eventid, requestid, eventname, sourceipaddress, useragent, errorcode",
	"SELECT * FROM vpc_flow ORDER BY start, \"end\", interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, action, log_status, pkt_srcaddr, pkt_dstaddr, type",
}

// TestConvert_SameAnswers converts the sample archive and a generated one
// to Parquet and asks both the same questions.
func TestConvert_SameAnswers(t *testing.T) {
	gen := t.TempDir()
	if _, err := bench.Generate(context.Background(), bench.Config{Seed: 7, Dir: gen, CloudTrailBytes: 6 << 20, FlowBytes: 3 << 20, Days: 2, Digests: true}); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"../../testdata/cloudtrail/AWSLogs", gen} {
		t.Run(filepath.Base(src), func(t *testing.T) {
			dst := t.TempDir()
			// Small files and row groups, so queries cross many of both.
			code, _, errOut := runHunt(t, "convert", "--file-size", "1", "--row-group-rows", "500", "--buffer", "4", src, dst)
			if code != exitOK {
				t.Fatalf("convert: exit %d\n%s", code, errOut)
			}
			for _, q := range convertQueries {
				// A table the source has no object of is an error on both.
				codeJSON, want, errJSON := runHunt(t, "query", "--output", "csv", q, src)
				if codeJSON != exitOK && !strings.Contains(errJSON, "no object of table") {
					t.Fatalf("%s\nJSON: exit %d\n%s", q, codeJSON, errJSON)
				}
				code, got, errPQ := runHunt(t, "query", "--output", "csv", q, dst)
				if code != codeJSON {
					t.Fatalf("%s\nParquet: exit %d, JSON %d\n%s", q, code, codeJSON, errPQ)
				}
				if got != want {
					t.Errorf("%s\nParquet answer differs:\n%s\nJSON:\n%s", q, head(got), head(want))
				}
				if strings.Count(want, "\n") < 2 && src == gen && !strings.Contains(q, "BETWEEN") {
					t.Errorf("%s: only %q: the corpus does not exercise it", q, want)
				}
			}
		})
	}
}

func head(s string) string {
	lines := strings.SplitN(s, "\n", 12)
	if len(lines) == 12 {
		lines[11] = "..."
	}
	return strings.Join(lines, "\n")
}

// TestConvert_Layout checks the partition folders, the manifest and that a
// second run converts only new objects.
func TestConvert_Layout(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	copyTree(t, "../../testdata/cloudtrail/AWSLogs", filepath.Join(src, "AWSLogs"))
	// One worker, so one file per partition (each worker writes its own).
	code, _, errOut := runHunt(t, "convert", "--workers", "1", src, dst)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var files []string
	filepath.WalkDir(dst, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dst, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	want := []string{
		".hunt-convert.json",
		"table=cloudtrail/account=111122223333/region=eu-west-1/date=2024-03-06/part-",
		"table=cloudtrail/account=111122223333/region=us-east-1/date=2024-03-05/part-",
	}
	if len(files) != len(want) {
		t.Fatalf("files %v; want %v", files, want)
	}
	for i, w := range want {
		if !strings.HasPrefix(files[i], w) {
			t.Errorf("file %q; want %q…", files[i], w)
		}
	}
	if !strings.Contains(errOut, "3 objects to convert") || !strings.Contains(errOut, "14 rows") {
		t.Errorf("stderr lacks the counts:\n%s", errOut)
	}
	// Nothing new: nothing converted.
	code, _, errOut = runHunt(t, "convert", src, dst)
	if code != exitOK || !strings.Contains(errOut, "0 objects to convert (0 B), 3 already converted") {
		t.Errorf("second run: exit %d\n%s", code, errOut)
	}
	// One new object: only it is converted, next to the old files.
	obj := filepath.Join(src, "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T1600Z_New.json")
	os.WriteFile(obj, []byte(`{"Records":[{"eventVersion":"1.09","eventTime":"2024-03-05T15:59:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","recipientAccountId":"111122223333"}]}`), 0o644)
	code, _, errOut = runHunt(t, "convert", src, dst)
	if code != exitOK || !strings.Contains(errOut, "1 objects to convert") || !strings.Contains(errOut, "1 rows") {
		t.Errorf("third run: exit %d\n%s", code, errOut)
	}
	code, out, errOut := runHunt(t, "query", "--output", "csv", "SELECT count(*) AS n FROM cloudtrail", dst)
	if code != exitOK || out != "n\n15\n" {
		t.Errorf("count after the incremental run: exit %d, %q\n%s", code, out, errOut)
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestConvert_Usage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"convert", "x"}, "expected SRC and DST"},
		{[]string{"convert", "x", "s3:///out/"}, "DST: \"s3:///out/\": expected s3://bucket[/prefix], found no bucket"},
		{[]string{"convert", "--table", "elb", "x", "y"}, "--table: expected cloudtrail or vpc_flow"},
		{[]string{"convert", "--file-size", "0", "x", "y"}, "must be positive"},
	} {
		code, _, errOut := runHunt(t, tc.args...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want usage error %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestConvert_S3 converts from an S3 bucket (versitygw serving a folder)
// and then queries the Parquet in place in S3, through ranged reads.
func TestConvert_S3(t *testing.T) {
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		bin = filepath.Join(os.Getenv("HOME"), "go", "bin", "versitygw")
		if _, err := os.Stat(bin); err != nil {
			t.Skip("versitygw not installed: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0")
		}
	}
	root := t.TempDir()
	copyTree(t, "../../testdata/cloudtrail/AWSLogs", filepath.Join(root, "trail", "AWSLogs"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--access", "AKIAHUNTTEST", "--secret", "hunt-test-secret", "--port", addr, "posix", root)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("versitygw did not start")
		}
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIAHUNTTEST", "AWS_SECRET_ACCESS_KEY": "hunt-test-secret", "AWS_SESSION_TOKEN": "",
		"AWS_REGION": "us-east-1", "AWS_PROFILE": "", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_S3": "",
	} {
		t.Setenv(k, v)
	}
	endpoint := "http://" + addr
	dst := filepath.Join(root, "lake") // a bucket: the Parquet is then in S3 too
	// One worker: each worker writes its own files, and the query below
	// counts them.
	code, _, errOut := runHunt(t, "convert", "--workers", "1", "--endpoint-url", endpoint, "s3://trail/AWSLogs/", dst)
	if code != exitOK || !strings.Contains(errOut, "14 rows") {
		t.Fatalf("convert from S3: exit %d\n%s", code, errOut)
	}
	q := "SELECT eventtime, useridentity.arn, eventname FROM cloudtrail WHERE eventname = 'ConsoleLogin' ORDER BY 1, 2"
	_, want, _ := runHunt(t, "query", "--output", "csv", q, "../../testdata/cloudtrail/AWSLogs")
	code, got, errOut := runHunt(t, "query", "--output", "csv", "--endpoint-url", endpoint, q, "s3://lake/")
	if code != exitOK || got != want || !strings.Contains(errOut, "2 objects read") {
		t.Errorf("query of the Parquet in S3: exit %d\ngot  %q\nwant %q\n%s", code, got, want, errOut)
	}
}

// TestConvert_BadObject: an object that cannot be read to the end makes the
// run exit 1; its rows before the damage are converted and recorded with
// the error, so a later run does not write them twice.
func TestConvert_BadObject(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	good := `{"eventVersion":"1.09","eventTime":"2024-03-05T15:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","recipientAccountId":"111122223333"}`
	os.WriteFile(filepath.Join(src, "a.json"), []byte(`{"Records":[`+good+`,`+good+`,{"eventName": tru`), 0o644)
	os.WriteFile(filepath.Join(src, "a.json.gz"), []byte("not gzip at all"), 0o644)
	code, _, errOut := runHunt(t, "convert", src, dst)
	if code != exitError || !strings.Contains(errOut, "2 rows") {
		t.Fatalf("exit %d; want 1 and 2 rows converted\n%s", code, errOut)
	}
	man, err := readConvertManifest(dst)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := man.Sources[filepath.Join(src, "a.json")]; !ok || s.Rows != 2 || s.Error == "" {
		t.Errorf("a.json in the manifest: %+v, %v; want 2 rows and the error", s, ok)
	}
	if _, ok := man.Sources[filepath.Join(src, "a.json.gz")]; ok {
		t.Errorf("a.json.gz (no row read) is in the manifest; want it tried again")
	}
	code, _, errOut = runHunt(t, "convert", src, dst)
	if !strings.Contains(errOut, "1 objects to convert") || !strings.Contains(errOut, "0 rows") {
		t.Errorf("second run: exit %d\n%s", code, errOut)
	}
}

// TestConvert_LocalUnpublished: part files of a local run whose manifest
// was never written (the write failed, or the run was killed) are not
// read, and the next convert removes them and converts their sources
// once: no row is read twice (issue 17.7).
func TestConvert_LocalUnpublished(t *testing.T) {
	src := t.TempDir()
	copyTree(t, "../../testdata/cloudtrail/AWSLogs", filepath.Join(src, "AWSLogs"))
	dst := t.TempDir()
	count := func() string {
		_, out, _ := runHunt(t, "query", "--output", "csv", "SELECT count(*) AS n FROM cloudtrail", dst)
		return out
	}
	if code, _, errOut := runHunt(t, "convert", src, dst); code != exitOK {
		t.Fatalf("convert: exit %d\n%s", code, errOut)
	}
	if got := count(); got != "n\n14\n" {
		t.Fatalf("count: %q", got)
	}
	// A new source converted by a run that died before its manifest: its
	// part file is there, the manifest does not know it.
	obj := filepath.Join(src, "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T1600Z_New.json")
	os.WriteFile(obj, []byte(`{"Records":[{"eventVersion":"1.09","eventTime":"2024-03-05T15:59:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","recipientAccountId":"111122223333"}]}`), 0o644)
	side := t.TempDir()
	if code, _, errOut := runHunt(t, "convert", obj, side); code != exitOK {
		t.Fatalf("side convert: exit %d\n%s", code, errOut)
	}
	filepath.WalkDir(side, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "part-") {
			rel, _ := filepath.Rel(side, p)
			copyTree(t, filepath.Dir(p), filepath.Join(dst, filepath.Dir(rel)))
		}
		return nil
	})
	if got := count(); got != "n\n14\n" {
		t.Fatalf("count with the unpublished file: %q; want 14", got)
	}
	code, _, errOut := runHunt(t, "convert", src, dst)
	if code != exitOK || !strings.Contains(errOut, "removed 1 files of unfinished runs") || !strings.Contains(errOut, "1 objects to convert") {
		t.Fatalf("rerun: exit %d\n%s", code, errOut)
	}
	if got := count(); got != "n\n15\n" {
		t.Errorf("count after the rerun: %q; want 15 (the new row once)", got)
	}
}

// TestConvert_NoParquetForm: objects of tables without a Parquet reader
// (GuardDuty findings, Config items) are skipped with a message, by their
// key layout or by their content, and not recorded as converted; the
// CloudTrail objects beside them are converted.
func TestConvert_NoParquetForm(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	copyTree(t, "../../testdata/guardduty/AWSLogs", filepath.Join(src, "AWSLogs"))
	finding, err := os.ReadFile("../../testdata/guardduty/pretty.json")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(src, "finding.json"), finding, 0o644) // no layout: sniffed
	good := `{"eventVersion":"1.09","eventTime":"2024-03-05T15:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","recipientAccountId":"111122223333"}`
	os.WriteFile(filepath.Join(src, "trail.json"), []byte(`{"Records":[`+good+`]}`), 0o644)
	code, _, errOut := runHunt(t, "convert", src, dst)
	if code != exitOK || !strings.Contains(errOut, "skipped 2 objects of table guardduty: it has no Parquet form (hunt reads them in place)") ||
		!strings.Contains(errOut, "1 rows") {
		t.Fatalf("exit %d; want 0, the skipped GuardDuty objects named and 1 row converted\n%s", code, errOut)
	}
	if files, _ := filepath.Glob(filepath.Join(dst, "table=guardduty")); len(files) != 0 {
		t.Errorf("got %v; want no GuardDuty Parquet", files)
	}
	man, err := readConvertManifest(dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(man.Sources) != 1 {
		t.Errorf("manifest sources %v; want only trail.json", man.Sources)
	}
	// Only objects without a Parquet form, into a folder that does not
	// exist yet: nothing to write, and no error about the manifest.
	only := t.TempDir()
	copyTree(t, "../../testdata/guardduty/AWSLogs", filepath.Join(only, "AWSLogs"))
	fresh := filepath.Join(t.TempDir(), "new", "lake")
	if code, _, errOut := runHunt(t, "convert", only, fresh); code != exitOK || strings.Contains(errOut, "no such file") {
		t.Fatalf("GuardDuty only, new destination: exit %d; want 0\n%s", code, errOut)
	}
}

// TestConvert_BoundedBuffer converts many row groups' worth of rows with a
// 1 MiB buffer: each worker holds a bounded number of rows whatever the
// input size, yet writes full row groups (rows written when the buffer
// fills go into the open row group), and every row arrives.
func TestConvert_BoundedBuffer(t *testing.T) {
	ctx := context.Background()
	src, dst := t.TempDir(), t.TempDir()
	m, err := bench.Generate(ctx, bench.Config{Seed: 3, Dir: src, CloudTrailBytes: 4 << 20, FlowBytes: 20 << 20, Days: 2})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := archive.PlanLocal(ctx, []string{src}, archive.Facts{})
	if err != nil {
		t.Fatal(err)
	}
	const workers, rowGroup = 2, 1000
	cfg := scan.Config{Workers: workers, Columns: map[string][]string{}}
	for _, tab := range parsers.Tables {
		if tab.NewParquetReader != nil {
			cfg.Columns[tab.Name] = tableColumns(tab.Schema)
		}
	}
	c := newConverter(dst, "test", workers, 2<<20, 1<<20, rowGroup)
	if tot := c.convert(ctx, cfg, plan.Objects); tot.Stopped != nil {
		t.Fatal(tot.Stopped)
	}
	want := m.CloudTrailRecords + m.FlowRecords
	if c.rows != want {
		t.Errorf("wrote %d rows; want %d", c.rows, want)
	}
	// A worker holds what its share of the buffer takes, plus the batch
	// being routed: a few batches, not the input.
	if got, bound := c.maxPending(), 2*parsers.BatchRows; got > bound || want < 10*int64(bound) {
		t.Errorf("at most %d rows held; want ≤ %d of %d", got, bound, want)
	}
	var read int64
	for _, f := range c.files {
		b, err := os.ReadFile(f.tmp)
		if err != nil {
			t.Fatal(err)
		}
		pf, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		groups := pf.RowGroups()
		for i, g := range groups {
			n := g.NumRows()
			read += n
			if n > rowGroup || (n != rowGroup && i < len(groups)-1) {
				t.Errorf("%s: row group %d of %d has %d rows; want %d (all but the last full)", f.tmp, i, len(groups), n, rowGroup)
			}
		}
	}
	if read != want {
		t.Errorf("files hold %d rows; want %d", read, want)
	}

	// With a buffer the input never fills, rows go out only as row groups
	// fill, and some partition always has rows pending: released batches'
	// indexes must be reused, or the list of batches grows with the input
	// (it did: converting 1 GiB of flow logs kept 250 MB of released
	// batches reachable through it).
	c = newConverter(t.TempDir(), "test", workers, 2<<20, 1<<30, rowGroup)
	if tot := c.convert(ctx, cfg, plan.Objects); tot.Stopped != nil {
		t.Fatal(tot.Stopped)
	}
	if got, bound := c.maxBatches(), 16; got > bound {
		t.Errorf("batch list grew to %d; want ≤ %d", got, bound)
	}
	t.Logf("batch list at most %d", c.maxBatches())
}

func TestConvertMemLimit(t *testing.T) {
	for _, tc := range []struct {
		workers int
		buffer  int64
		want    int64
	}{
		{1, convertBufferBytes, 224 << 20},
		{2, convertBufferBytes, 224 << 20},
		{4, convertBufferBytes, (224 + 2*80) << 20},
		{2, 1 << 30, (224 + 1024 - 32) << 20},
		{2, 1 << 20, 224 << 20},
	} {
		if got := convertMemLimit(tc.workers, tc.buffer); got != tc.want {
			t.Errorf("convertMemLimit(%d, %d) = %d MiB; want %d MiB", tc.workers, tc.buffer, got>>20, tc.want>>20)
		}
	}
}

// TestConvertWorker_Partitions: each row goes to the partition of its
// account, region and day; a value that cannot name a folder (null,
// empty, with a slash or '=', "." or "..") goes to the object's key's
// account or region instead, and rows with the same raw value as the row
// before them take its partition without a check.
func TestConvertWorker_Partitions(t *testing.T) {
	line := func(acct string, start int) string {
		return fmt.Sprintf("2 %s eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 %d %d ACCEPT OK", acct, start, start+60)
	}
	const day1, day2 = 1767225600, 1767312000 // 2026-01-01, 2026-01-02
	text := strings.Join([]string{
		line("111122223333", day1), line("111122223333", day1), line("-", day1), line("a/b", day1),
		line("..", day1), line("x=y", day1), line("222233334444", day1), line("111122223333", day2),
		line("111122223333", day2),
	}, "\n") + "\n"
	r, err := parsers.NewVPCFlowReader(strings.NewReader(text), "x", parsers.WithColumns(tableColumns(parsers.VPCFlow.Schema)...))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	c := newConverter(t.TempDir(), "test", 1, 1<<30, 1<<30, 1<<20)
	defer c.abort()
	obj := archive.Object{URI: "x", Facts: archive.Key{Account: "999988887777", Region: "eu-west-1"}}
	for r.Next() {
		if err := c.workers[0].add(parsers.VPCFlow, obj, r.Batch()); err != nil {
			t.Fatal(err)
		}
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	dir := func(acct, day string) string {
		return "table=vpc_flow/AWSLogs/aws-account-id=" + acct + "/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=01/day=" + day
	}
	want := map[string]int{
		dir("111122223333", "01"): 2,
		dir("999988887777", "01"): 4,
		dir("222233334444", "01"): 1,
		dir("111122223333", "02"): 2,
	}
	got := map[string]int{}
	for d, p := range c.workers[0].parts {
		got[d] = len(p.refs)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows per partition:\n got %v\nwant %v", got, want)
	}
}
