package main

import (
	"testing"
	"time"

	"github.com/hunt-sec/hunt/archive"
)

func TestContextSpan(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		key    string
		lo, hi string // "" when the key has no date
	}{
		// The file name's stamp, within the delivery margin.
		{"AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T1535Z_abc.json.gz", "2024-03-05T14:35:00Z", "2024-03-05T16:35:00Z"},
		{"AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/03/05/15/111122223333_vpcflowlogs_us-east-1_fl-1_20240305T1505Z_h.log.gz", "2024-03-05T14:05:00Z", "2024-03-05T16:05:00Z"},
		// No stamp: the day or hour folder, widened by the margin before.
		{"AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/positive.json", "2024-03-04T23:00:00Z", "2024-03-06T00:00:00Z"},
		{"AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/03/05/15/flows.log", "2024-03-05T14:00:00Z", "2024-03-05T16:00:00Z"},
		{"logs/flows.log", "", ""},
	}
	for _, tc := range tests {
		o := archive.Object{Key: tc.key, Facts: archive.ParseKey(tc.key)}
		lo, hi, ok := contextSpan(o)
		if tc.lo == "" {
			if ok {
				t.Errorf("%s: got %s..%s; want no span", tc.key, lo, hi)
			}
			continue
		}
		if !ok || !lo.Equal(at(tc.lo)) || !hi.Equal(at(tc.hi)) {
			t.Errorf("%s: got %s..%s (%v); want %s..%s", tc.key, lo, hi, ok, tc.lo, tc.hi)
		}
	}
}
