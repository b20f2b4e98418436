package main

import (
	"strings"
	"testing"
)

func TestLs(t *testing.T) {
	code, out, errOut := runHunt(t, "ls", "--output", "csv", "--pruned", "--since", "2024-03-06", "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := []string{
		"status,uri,size,kind,account,region,date,reason",
		"read,../../testdata/cloudtrail/AWSLogs/o-aa111bb222/111122223333/CloudTrail/eu-west-1/2024/03/06/111122223333_CloudTrail_eu-west-1_20240306T0110Z_Hh3kQ9mZp0Lw2Xc8.json.gz,758,cloudtrail,111122223333,eu-west-1,2024-03-06,",
		"pruned,../../testdata/cloudtrail/AWSLogs/111122223333/CloudTrail-Digest/,,,,,,digest",
		"pruned,../../testdata/cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/,,,,,,date 2024-03-05 outside 2024-03-06.. (+1h delivery margin)",
	}
	if got := strings.Split(strings.TrimSpace(out), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", out, strings.Join(want, "\n"))
	}
	if !strings.Contains(errOut, "1 objects to read (758 B), 2 pruned") {
		t.Errorf("stderr: %s", errOut)
	}
	for _, args := range [][]string{{"ls"}, {"ls", "--table", "x", "p"}, {"ls", "--output", "xml", "p"}} {
		if code, _, _ := runHunt(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d; want %d", args, code, exitUsage)
		}
	}
}

// TestLs_DeliveryMargin: a wider margin reads date folders further past
// --until, for late deliveries.
func TestLs_DeliveryMargin(t *testing.T) {
	for _, tc := range []struct {
		margin string
		want   string
	}{
		{"1h", "hunt ls: 2 objects to read"},
		{"48h", "hunt ls: 3 objects to read"},
	} {
		code, _, errOut := runHunt(t, "ls", "--until", "2024-03-05T14:00:00Z", "--delivery-margin", tc.margin, "../../testdata/cloudtrail/AWSLogs")
		if code != exitOK || !strings.Contains(errOut, tc.want) {
			t.Errorf("--delivery-margin %s: exit %d, stderr %q; want %q", tc.margin, code, errOut, tc.want)
		}
	}
	if code, _, _ := runHunt(t, "ls", "--delivery-margin", "-1h", "../../testdata/cloudtrail/AWSLogs"); code != exitUsage {
		t.Errorf("negative margin: exit %d; want %d", code, exitUsage)
	}
}
