package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// startVersitygw starts versitygw on a free loopback port serving root
// (each sub-folder a bucket) and returns its endpoint, with the AWS
// environment set to its credentials. Without versitygw the test skips,
// unless HUNT_REQUIRE_S3 is set. (A copy of archive's test helper.)
func startVersitygw(t *testing.T, root string) string {
	t.Helper()
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		gopath, _ := exec.Command("go", "env", "GOPATH").Output()
		bin = filepath.Join(strings.TrimSpace(string(gopath)), "bin", "versitygw")
		if _, err := os.Stat(bin); err != nil {
			const msg = "versitygw not installed: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"
			if os.Getenv("HUNT_REQUIRE_S3") != "" {
				t.Fatal(msg + " (HUNT_REQUIRE_S3 is set)")
			}
			t.Skip(msg)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var out bytes.Buffer
	cmd := exec.Command(bin, "--access", "AKIAHUNTTEST", "--secret", "hunt-test-secret", "--port", addr, "posix", root)
	cmd.Stdout, cmd.Stderr = &out, &out
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
			t.Fatalf("versitygw did not listen on %s within 15s\n%s", addr, out.String())
		}
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIAHUNTTEST", "AWS_SECRET_ACCESS_KEY": "hunt-test-secret", "AWS_SESSION_TOKEN": "",
		"AWS_REGION": "us-east-1", "AWS_PROFILE": "", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_S3": "",
	} {
		t.Setenv(k, v)
	}
	return "http://" + addr
}

// snapshot maps each file under dir to its size and modification time.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if st, err := d.Info(); err == nil {
				rel, _ := filepath.Rel(dir, p)
				m[filepath.ToSlash(rel)] = fmt.Sprint(st.Size(), " ", st.ModTime())
			}
		}
		return nil
	})
	return m
}

// TestConvert_S3Dest converts the sample archive to an S3 prefix, queries
// the Parquet there, and runs again: nothing is uploaded.
func TestConvert_S3Dest(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, "bucket"), 0o755)
	endpoint := startVersitygw(t, root)
	const src, dst = "../../testdata/cloudtrail/AWSLogs", "s3://bucket/pq/"
	// One worker, so one file per partition (each worker writes its own).
	code, _, errOut := runHunt(t, "convert", "--workers", "1", "--endpoint-url", endpoint, "--file-size", "1", "--row-group-rows", "5", src, dst)
	if code != exitOK || !strings.Contains(errOut, "3 objects to convert") || !strings.Contains(errOut, "14 rows") {
		t.Fatalf("convert: exit %d\n%s", code, errOut)
	}
	files := slices.Sorted(maps.Keys(snapshot(t, filepath.Join(root, "bucket"))))
	if len(files) != 3 || files[0] != "pq/.hunt-convert.json" || !strings.HasPrefix(files[1], "pq/table=cloudtrail/account=111122223333/region=eu-west-1/date=2024-03-06/part-") {
		t.Errorf("objects %v; want the manifest and 2 part files", files)
	}
	for _, q := range convertQueries {
		codeJSON, want, _ := runHunt(t, "query", "--output", "csv", q, src)
		code, got, errOut := runHunt(t, "query", "--output", "csv", "--endpoint-url", endpoint, q, dst)
		if code != codeJSON || got != want {
			t.Errorf("%s\nParquet in S3: exit %d\n%s\nJSON:\n%s\n%s", q, code, head(got), head(want), errOut)
		}
	}
	// Nothing new: nothing uploaded, not even the manifest.
	before := snapshot(t, root)
	code, _, errOut = runHunt(t, "convert", "--endpoint-url", endpoint, src, dst)
	if code != exitOK || !strings.Contains(errOut, "0 objects to convert (0 B), 3 already converted") || !strings.Contains(errOut, "wrote 0 Parquet files") {
		t.Errorf("second run: exit %d\n%s", code, errOut)
	}
	if after := snapshot(t, root); !maps.Equal(before, after) {
		t.Errorf("second run changed the bucket:\nbefore %v\nafter  %v", before, after)
	}
}

// TestConvert_S3DestCrash: a run that uploaded its files but crashed before
// its manifest leaves them visible; the next run deletes them before it
// converts their source again, so no row is counted twice.
func TestConvert_S3DestCrash(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, "bucket"), 0o755)
	endpoint := startVersitygw(t, root)
	src, dst := t.TempDir(), "s3://bucket/pq/"
	copyTree(t, "../../testdata/cloudtrail/AWSLogs", filepath.Join(src, "AWSLogs"))
	if code, _, errOut := runHunt(t, "convert", "--endpoint-url", endpoint, src, dst); code != exitOK {
		t.Fatalf("convert: exit %d\n%s", code, errOut)
	}
	count := func() string {
		t.Helper()
		_, out, errOut := runHunt(t, "query", "--output", "csv", "--endpoint-url", endpoint, "SELECT count(*) AS n FROM cloudtrail", dst)
		if out == "" {
			t.Fatalf("count: %s", errOut)
		}
		return out
	}

	// The crashed run: a new object, converted on the side, its file put
	// under the prefix and its run pending in the manifest.
	obj := filepath.Join(src, "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T1600Z_New.json")
	os.WriteFile(obj, []byte(`{"Records":[{"eventVersion":"1.09","eventTime":"2024-03-05T15:59:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","recipientAccountId":"111122223333"}]}`), 0o644)
	side := t.TempDir()
	if code, _, errOut := runHunt(t, "convert", obj, side); code != exitOK {
		t.Fatalf("side convert: exit %d\n%s", code, errOut)
	}
	var run string
	filepath.WalkDir(side, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "part-") {
			rel, _ := filepath.Rel(side, p)
			copyTree(t, filepath.Dir(p), filepath.Join(root, "bucket", "pq", filepath.Dir(rel)))
			run = strings.TrimPrefix(d.Name(), "part-")
			run = run[:strings.LastIndexByte(run, '-')]
		}
		return nil
	})
	manPath := filepath.Join(root, "bucket", "pq", convertManifestName)
	var man convertManifest
	if b, err := os.ReadFile(manPath); err != nil || json.Unmarshal(b, &man) != nil {
		t.Fatalf("read the manifest: %v", err)
	}
	man.Pending = []string{run}
	b, _ := json.Marshal(man)
	os.WriteFile(manPath, b, 0o644)
	// Readers read only what the manifest publishes: the crashed run's
	// file is not half a lake (issue 17.7; it used to count 15).
	if got := count(); got != "n\n14\n" {
		t.Fatalf("count with the crashed run's file: %q; want 14", got)
	}

	code, _, errOut := runHunt(t, "convert", "--endpoint-url", endpoint, src, dst)
	if code != exitOK || !strings.Contains(errOut, "removed 1 files of unfinished run "+run) || !strings.Contains(errOut, "1 objects to convert") {
		t.Fatalf("run after the crash: exit %d\n%s", code, errOut)
	}
	if got := count(); got != "n\n15\n" {
		t.Errorf("count after the run: %q; want 15 (the new row once)", got)
	}
	if b, _ := os.ReadFile(manPath); strings.Contains(string(b), "pending") {
		t.Errorf("manifest still has a pending run:\n%s", b)
	}
}
