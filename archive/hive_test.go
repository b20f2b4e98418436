package archive

import (
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
