package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// writeTree creates files (slash paths relative to dir) with the given content.
func writeTree(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func gz(t testing.TB, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const (
	ctA = "AWSLogs/111122223333/CloudTrail/us-east-1/"
	ctB = "AWSLogs/o-exampleorgid/222233334444/CloudTrail/eu-west-1/"
)

func localArchive(t *testing.T) string {
	dir := t.TempDir()
	b := []byte("x")
	writeTree(t, dir, map[string][]byte{
		ctA + "2024/03/04/a.json.gz":                                             b,
		ctA + "2024/03/05/a.json.gz":                                             b,
		ctA + "2024/03/06/a.json.gz":                                             b,
		ctA + "2024/03/07/a.json.gz":                                             b,
		ctA + "2024/04/01/a.json.gz":                                             b,
		ctB + "2024/03/05/b.json.gz":                                             b,
		"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/05/d":          b,
		"AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2024/03/05/i.json.gz": b,
		"AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/03/05/13/f.log.gz":      b,
		"AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2024/month=03/day=06/f.parquet": b,
		"loose/sample.json":  b,
		"loose/.DS_Store":    b,
		".git/HEAD":          b,
		"AWSLogs/readme.txt": b,
	})
	return dir
}

func keysOf(dir string, objs []Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, strings.TrimPrefix(o.Key, filepath.ToSlash(dir)+"/"))
	}
	return out
}

func prunedOf(dir string, ps []Pruned) []string {
	var out []string
	for _, p := range ps {
		k := p.Prefix
		if k == "" {
			k = p.Object.Key
		}
		out = append(out, strings.TrimPrefix(k, filepath.ToSlash(dir)+"/")+" | "+p.Cause.String()+" | "+p.Reason)
	}
	return out
}

func TestPlanLocal_Pruning(t *testing.T) {
	dir := localArchive(t)
	f := func(facts Facts, wantObjs, wantPruned []string) {
		t.Helper()
		p, err := PlanLocal(context.Background(), []string{dir}, facts)
		if err != nil {
			t.Fatal(err)
		}
		if got := keysOf(dir, p.Objects); !slices.Equal(got, wantObjs) {
			t.Errorf("facts %+v: objects\n got %q\nwant %q", facts, got, wantObjs)
		}
		if wantPruned != nil {
			if got := prunedOf(dir, p.Pruned); !slices.Equal(got, wantPruned) {
				t.Errorf("facts %+v: pruned\n got %q\nwant %q", facts, got, wantPruned)
			}
		}
		if p.Bytes != int64(len(p.Objects)) {
			t.Errorf("Bytes = %d; want %d", p.Bytes, len(p.Objects))
		}
	}
	// No facts: everything but digests and hidden files.
	f(Facts{}, []string{
		"AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2024/03/05/i.json.gz",
		ctA + "2024/03/04/a.json.gz", ctA + "2024/03/05/a.json.gz", ctA + "2024/03/06/a.json.gz",
		ctA + "2024/03/07/a.json.gz", ctA + "2024/04/01/a.json.gz",
		"AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/03/05/13/f.log.gz",
		"AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2024/month=03/day=06/f.parquet",
		ctB + "2024/03/05/b.json.gz",
		"AWSLogs/readme.txt",
		"loose/sample.json",
	}, []string{
		".git/ | hidden | hidden",
		"AWSLogs/111122223333/CloudTrail-Digest/ | digest | digest",
		"loose/.DS_Store | hidden | hidden",
	})

	// A day window on cloudtrail: the day before is outside, the day after
	// only within the margin when Until is near midnight.
	since, until := day(2024, 3, 5), day(2024, 3, 6)
	f(Facts{Table: "cloudtrail", Since: since, Until: until, Accounts: []string{"111122223333"}}, []string{
		"AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2024/03/05/i.json.gz",
		ctA + "2024/03/05/a.json.gz", ctA + "2024/03/06/a.json.gz",
		"AWSLogs/readme.txt",
		"loose/sample.json",
	}, []string{
		".git/ | hidden | hidden",
		"AWSLogs/111122223333/CloudTrail-Digest/ | digest | digest",
		ctA + "2024/03/04/ | date | date 2024-03-04 outside 2024-03-05..2024-03-06 (+1h delivery margin)",
		ctA + "2024/03/07/ | date | date 2024-03-07 outside 2024-03-05..2024-03-06 (+1h delivery margin)",
		ctA + "2024/04/ | date | month 2024-04 outside 2024-03-05..2024-03-06 (+1h delivery margin)",
		"AWSLogs/111122223333/vpcflowlogs/ | table | vpcflow not in table cloudtrail",
		"AWSLogs/aws-account-id=111122223333/ | table | vpcflow not in table cloudtrail",
		"AWSLogs/o-exampleorgid/222233334444/ | account | account 222233334444 not in --account",
		"loose/.DS_Store | hidden | hidden",
	})

	// Hourly flow logs: hour 13 is outside 14:00-15:00 (+1h) but inside 12:00-13:00 (+1h).
	f(Facts{Table: "vpc_flow", Since: hour(2024, 3, 5, 14), Until: hour(2024, 3, 5, 15), Regions: []string{"us-east-1"}},
		[]string{"AWSLogs/readme.txt", "loose/sample.json"}, nil)
	f(Facts{Table: "vpc_flow", Since: hour(2024, 3, 5, 12), Until: hour(2024, 3, 5, 13)}, []string{
		"AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/03/05/13/f.log.gz",
		"AWSLogs/readme.txt", "loose/sample.json",
	}, nil)
	// Region filter, case-insensitive, org trail kept.
	f(Facts{Regions: []string{"EU-WEST-1"}}, []string{ctB + "2024/03/05/b.json.gz", "AWSLogs/readme.txt", "loose/sample.json"}, nil)
}

// TestPlanLocal_NotFile: symbolic links to folders are not followed and
// special files not read, each pruned with PrunedNotFile; a region not
// asked for is PrunedRegion.
func TestPlanLocal_NotFile(t *testing.T) {
	dir := localArchive(t)
	if err := os.Symlink(filepath.Join(dir, "loose"), filepath.Join(dir, "linked")); err != nil {
		t.Skip("symbolic links:", err)
	}
	fifo := filepath.Join(dir, "loose", "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("named pipes:", err)
	}
	p, err := PlanLocal(context.Background(), []string{dir}, Facts{Regions: []string{"eu-west-1"}})
	if err != nil {
		t.Fatal(err)
	}
	got := prunedOf(dir, p.Pruned)
	want := []string{
		".git/ | hidden | hidden",
		"AWSLogs/111122223333/CloudTrail-Digest/ | digest | digest",
		"AWSLogs/111122223333/CloudTrail-Insight/us-east-1/ | region | region us-east-1 not in --region",
		ctA + " | region | region us-east-1 not in --region",
		"AWSLogs/111122223333/vpcflowlogs/us-east-1/ | region | region us-east-1 not in --region",
		"AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/ | region | region us-east-1 not in --region",
		"linked/ | not a file | symbolic link to a folder not followed",
		"loose/.DS_Store | hidden | hidden",
		"loose/fifo | not a file | not a regular file",
	}
	if !slices.Equal(got, want) {
		t.Errorf("pruned\n got %q\nwant %q", got, want)
	}
}

func TestPlanLocal_ExplicitFiles(t *testing.T) {
	dir := localArchive(t)
	digest := filepath.Join(dir, "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/05/d")
	old := filepath.Join(dir, ctA+"2024/03/04/a.json.gz")
	p, err := PlanLocal(context.Background(), []string{old, digest, old, filepath.Join(dir, ctA+"2024/03/04")},
		Facts{Since: day(2024, 3, 5)})
	if err != nil {
		t.Fatal(err)
	}
	got := keysOf(dir, p.Objects)
	want := []string{"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/05/d", ctA + "2024/03/04/a.json.gz"}
	if !slices.Equal(got, want) {
		t.Errorf("objects\n got %q\nwant %q", got, want)
	}
	if k := p.Objects[0].Facts.Kind; k != KindCloudTrailDigest {
		t.Errorf("explicit digest facts kind = %v; want cloudtrail-digest", k)
	}
}

func TestPlanLocal_Failure(t *testing.T) {
	_, err := PlanLocal(context.Background(), []string{"/nonexistent/hunt/archive"}, Facts{})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/hunt/archive") {
		t.Errorf("got %v; want an error naming the path", err)
	}
	for _, f := range []Facts{{Table: "cloudtrail_logs"}, {Margin: -time.Hour}} {
		if _, err := PlanLocal(context.Background(), []string{t.TempDir()}, f); err == nil {
			t.Errorf("facts %+v: got nil error", f)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := PlanLocal(ctx, []string{t.TempDir()}, Facts{}); err == nil {
		t.Errorf("cancelled context: got nil error")
	}
}

func TestOpen_Local(t *testing.T) {
	dir := t.TempDir()
	const text = `{"Records":[]}`
	var zs bytes.Buffer
	zw, _ := zstd.NewWriter(&zs)
	zw.Write([]byte(text))
	zw.Close()
	writeTree(t, dir, map[string][]byte{"a.gz": gz(t, text), "b.zst": zs.Bytes(), "c.json": []byte(text)})
	p, err := PlanLocal(context.Background(), []string{dir}, Facts{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Objects) != 3 {
		t.Fatalf("planned %d objects; want 3", len(p.Objects))
	}
	for _, o := range p.Objects {
		r, err := Open(context.Background(), o)
		if err != nil {
			t.Fatalf("Open(%s): %v", o.URI, err)
		}
		b, err := io.ReadAll(r)
		if err != nil || string(b) != text {
			t.Errorf("Open(%s): got %q, %v; want %q", o.URI, b, err, text)
		}
		if err := r.Close(); err != nil {
			t.Errorf("Close(%s): %v", o.URI, err)
		}
		ra, size, err := OpenAt(context.Background(), o)
		if err != nil || size != o.Size {
			t.Fatalf("OpenAt(%s): size %d, %v; want %d", o.URI, size, err, o.Size)
		}
		ra.Close()
	}
}

func TestOpen_Failure(t *testing.T) {
	_, err := Open(context.Background(), Object{URI: "/nonexistent/x.json.gz"})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/x.json.gz") {
		t.Errorf("missing file: got %v; want an error naming the path", err)
	}
	_, err = Open(context.Background(), Object{URI: "s3://b/k"})
	if err == nil || !strings.Contains(err.Error(), "s3://b/k") {
		t.Errorf("s3 object without client: got %v; want an error naming the URI", err)
	}
	// A truncated gzip file opens, then fails on Read with io.ErrUnexpectedEOF.
	dir := t.TempDir()
	data := gz(t, strings.Repeat("record ", 1000))
	writeTree(t, dir, map[string][]byte{"t.gz": data[:len(data)/2]})
	r, err := Open(context.Background(), Object{URI: filepath.Join(dir, "t.gz")})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := io.ReadAll(r); err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("truncated gzip: got %v; want unexpected EOF", err)
	}
}

// TestOpen_Shrunk: a local file that shrank between planning and reading is
// ErrTruncated, even when it was cut where its content still looks whole
// (at a line, or between gzip members); one that grew is read whole. The
// error does not name the path: the parser reading it does.
func TestOpen_Shrunk(t *testing.T) {
	var lines bytes.Buffer
	for i := range 105 {
		fmt.Fprintf(&lines, "2 111122223333 eni-%04d - - - - - - - 1431280876 1431280934 - NODATA\n", i)
	}
	text := lines.String()
	cut := strings.Index(text, "eni-0051") - 2 // after 51 lines
	first := gz(t, text[:cut])
	for _, tc := range []struct {
		name       string
		planned    []byte // content when planned
		read       []byte // content when read
		wantErr    string // "" for none
		wantPrefix string // of the content read
	}{
		{"plain cut at a line", []byte(text), []byte(text[:cut]),
			fmt.Sprintf("file shrank after it was listed: expected %d bytes, found %d", len(text), cut), text[:cut]},
		{"gzip cut between members", append(bytes.Clone(first), gz(t, text[cut:])...), first,
			fmt.Sprintf("gzip: file shrank after it was listed: expected %d bytes, found %d", len(first)+len(gz(t, text[cut:])), len(first)), text[:cut]},
		{"grown", []byte(text[:cut]), []byte(text), "", text},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "flow.log")
			if err := os.WriteFile(path, tc.planned, 0o644); err != nil {
				t.Fatal(err)
			}
			p, err := PlanLocal(context.Background(), []string{path}, Facts{})
			if err != nil || len(p.Objects) != 1 {
				t.Fatalf("planned %d objects, %v; want 1", len(p.Objects), err)
			}
			if err := os.WriteFile(path, tc.read, 0o644); err != nil {
				t.Fatal(err)
			}
			for name, open := range map[string]func(context.Context, Object) (io.ReadCloser, error){
				"Open": Open, "Progress.Open": NewProgress(1, 0).Open} {
				r, err := open(context.Background(), p.Objects[0])
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(r)
				r.Close()
				if !strings.HasPrefix(string(got), tc.wantPrefix) {
					t.Errorf("%s: read %d bytes; want the %d before the cut", name, len(got), len(tc.wantPrefix))
				}
				switch {
				case tc.wantErr == "" && err != nil:
					t.Errorf("%s: got %v; want no error", name, err)
				case tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr):
					t.Errorf("%s: got %v; want %q", name, err, tc.wantErr)
				case tc.wantErr != "" && (!errors.Is(err, ErrTruncated) || !errors.Is(err, io.ErrUnexpectedEOF)):
					t.Errorf("%s: %v: want ErrTruncated and io.ErrUnexpectedEOF", name, err)
				}
			}
		})
	}
}

// TestOpen_ObjectError: every failure to open an object is an
// *ObjectError naming it, and its message names the object once.
func TestOpen_ObjectError(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string][]byte{"cut.gz": gz(t, "x")[:5]})
	cut := filepath.Join(dir, "cut.gz")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	type opener func(context.Context, Object) error
	open := func(ctx context.Context, o Object) error {
		r, err := Open(ctx, o)
		if err == nil {
			r.Close()
		}
		return err
	}
	openAt := func(ctx context.Context, o Object) error {
		r, _, err := OpenAt(ctx, o)
		if err == nil {
			r.Close()
		}
		return err
	}
	progress := func(ctx context.Context, o Object) error {
		r, err := NewProgress(1, 0).Open(ctx, o)
		if err == nil {
			r.Close()
		}
		return err
	}
	for _, tc := range []struct {
		name string
		open opener
		ctx  context.Context
		uri  string
		want string
	}{
		{"missing", open, context.Background(), "/nonexistent/x.json.gz", "open /nonexistent/x.json.gz: no such file or directory"},
		{"missing OpenAt", openAt, context.Background(), "/nonexistent/x.parquet", "open /nonexistent/x.parquet: no such file or directory"},
		{"missing Progress", progress, context.Background(), "/nonexistent/x.json.gz", "open /nonexistent/x.json.gz: no such file or directory"},
		{"no S3 client", open, context.Background(), "s3://b/k", "s3://b/k: no S3 client for this object: plan it with S3.Plan or open it with S3.Open"},
		{"no S3 client OpenAt", openAt, context.Background(), "s3://b/k", "s3://b/k: no S3 client for this object: plan it with S3.Plan or open it with S3.OpenAt"},
		{"gzip header", open, context.Background(), cut, cut + ": gzip header: unexpected EOF"},
		{"cancelled", open, cancelled, cut, cut + ": context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.open(tc.ctx, Object{URI: tc.uri, Size: -1})
			var oe *ObjectError
			if !errors.As(err, &oe) || oe.URI != tc.uri {
				t.Fatalf("got %v (%T); want an *ObjectError for %s", err, err, tc.uri)
			}
			if err.Error() != tc.want {
				t.Errorf("got %q; want %q", err, tc.want)
			}
		})
	}
}
