package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runHunt runs the command line args and returns the exit code and outputs.
func runHunt(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestCat_Archive(t *testing.T) {
	code, out, errOut := runHunt(t, "cat", "--output", "csv", "--columns", "eventtime,eventname,useridentity.arn,resources.arn",
		"../../testdata/cloudtrail/AWSLogs")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "eventtime,eventname,useridentity.arn,resources.arn" || len(lines) != 15 {
		t.Errorf("got %d lines starting %q; want the header and 14 rows", len(lines), lines[0])
	}
	want := `2024-03-05T15:02:41Z,CreateNetworkAclEntry,arn:aws:iam::111122223333:user/alice,"[""arn:aws:ec2:us-east-1:111122223333:network-acl/acl-0a1b2c3d4e5f60718""]"`
	if !strings.Contains(out, want+"\n") {
		t.Errorf("output lacks %s:\n%s", want, out)
	}
	if !strings.Contains(errOut, "3 objects read, 0 failed, 0 of another table, 1 pruned (1 digests); 14 records, 0 rejected") {
		t.Errorf("summary: %s", errOut)
	}
}

func TestCat_Forms(t *testing.T) {
	code, out, errOut := runHunt(t, "cat", "../../testdata/cloudtrail/forms", "--output", "json", "--columns", "eventname")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	if n := strings.Count(out, `{"eventname":`); n != 12 {
		t.Errorf("%d rows; want 12 (3 array, 3 NDJSON, 1 single, 2 pretty, 3 zstd):\n%s", n, out)
	}
	if !strings.Contains(errOut, "5 objects read, 0 failed") {
		t.Errorf("summary: %s", errOut)
	}
}

// TestCat_BadInput: every bad input is reported with its file and position,
// counted, and the run goes on; the exit code says the results are
// incomplete when an object could not be read to the end.
func TestCat_BadInput(t *testing.T) {
	code, out, errOut := runHunt(t, "cat", "--columns", "eventname,useragent", "--output", "csv", "../../testdata/cloudtrail/bad")
	if code != exitError {
		t.Errorf("exit %d; want %d (incomplete)", code, exitError)
	}
	for _, want := range []string{
		"bad/invalid-json-line.json: offset 1028 (record 1): expected ',' or '}' in object, found string \"eventID\"",
		"bad/invalid-utf8.json: offset 1329 (Records[1].userAgent): expected valid UTF-8",
		"bad/large-requestparameters.json.gz: offset 963 (Records[1]): expected a record of at most 4 MiB, found a larger one",
		"bad/too-deep.json: offset 2587 (Records[1].requestParameters): expected at most 128 levels of nesting",
		"bad/wrong-type.json: offset 1566 (Records[1].eventTime): expected string (RFC 3339 time), found number 1709650800",
		"failed: ../../testdata/cloudtrail/bad/crc-error.json.gz: offset 14165: corrupt input",
		"failed: ../../testdata/cloudtrail/bad/truncated.json.gz: offset 3029: truncated input",
		"failed: ../../testdata/cloudtrail/bad/empty.json: offset 0: expected CloudTrail JSON, found empty input",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(errOut, "11 objects read, 3 failed") {
		t.Errorf("summary: %s", errOut)
	}
	// Good records around the bad ones are kept.
	if !strings.Contains(out, "CreateNetworkAclEntry") {
		t.Errorf("good records missing:\n%s", out)
	}
}

func TestCat_Strict(t *testing.T) {
	code, _, errOut := runHunt(t, "cat", "--strict", "../../testdata/cloudtrail/bad/wrong-type.json")
	if code != exitError || !strings.Contains(errOut, "stopped: ") || !strings.Contains(errOut, "Records[1].eventTime") {
		t.Errorf("exit %d; stderr:\n%s", code, errOut)
	}
}

func TestCat_VPCFlow(t *testing.T) {
	code, out, errOut := runHunt(t, "cat", "--output", "csv", "../../testdata/vpcflow/v2-default-header.log.gz")
	if code != exitOK || !strings.HasPrefix(out, "start,srcaddr,dstaddr,srcport,dstport,protocol,action,log_status\n") {
		t.Errorf("exit %d, out:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

func TestCat_Usage(t *testing.T) {
	for _, args := range [][]string{
		{"cat"},
		{"cat", "--output", "xml", "x"},
		{"cat", "--table", "nope", "x"},
		{"cat", "--since", "yesterday", "x"},
		{"nosuchcommand"},
	} {
		code, _, errOut := runHunt(t, args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d; want %d\n%s", args, code, exitUsage, errOut)
		}
	}
	code, out, _ := runHunt(t, "cat", "-h")
	if code != exitOK || !strings.Contains(out, "Examples:") {
		t.Errorf("cat -h: exit %d, %q", code, out)
	}
}
