package archive

import (
	"testing"
	"time"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func hour(y, m, d, h int) time.Time { return time.Date(y, time.Month(m), d, h, 0, 0, 0, time.UTC) }

func TestParseKey(t *testing.T) {
	tests := []struct {
		name string
		key  string
		want Key
	}{
		{"cloudtrail", "AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "us-east-2", Date: day(2015, 8, 1), HasDate: true}},
		{"trail prefix with slashes", "logs/prod/trail one/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/05/x.json.gz",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "eu-west-1", Date: day(2024, 3, 5), HasDate: true}},
		{"s3 uri", "s3://bucket/p/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/05/x.json.gz",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "eu-west-1", Date: day(2024, 3, 5), HasDate: true}},
		{"local absolute path", "/var/data/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/05/x.json.gz",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "eu-west-1", Date: day(2024, 3, 5), HasDate: true}},
		{"folder named AWSLogs above the archive", "/home/AWSLogs/copy/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/05/x.json.gz",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "eu-west-1", Date: day(2024, 3, 5), HasDate: true}},
		{"not a segment", "xAWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/05/x.json.gz", Key{}},
		{"cwlogs export", "s3://logs/exportedlogs/cda45419-90ea-4db5-9833-aade86253e66/eni-0a1b2c3d-all/000000.gz", Key{Kind: KindCWLogsExport}},
		{"cwlogs export, stream with slashes", "x/cda45419-90ea-4db5-9833-aade86253e66/2024/03/05/[$LATEST]0a1b/000012.gz", Key{Kind: KindCWLogsExport}},
		{"cwlogs export write test", "s3://logs/exportedlogs/aws-logs-write-test", Key{Kind: KindOther}},
		{"cwlogs export without a stream folder", "x/cda45419-90ea-4db5-9833-aade86253e66/000000.gz", Key{}},
		{"not an export: no UUID", "x/task/stream/000000.gz", Key{}},
		{"bare export file name", "000000.gz", Key{}},
		{"organization trail", "AWSLogs/o-exampleorgid/111122223333/CloudTrail/us-east-1/2024/12/31/f.json.gz",
			Key{Kind: KindCloudTrail, OrgID: "o-exampleorgid", Account: "111122223333", Region: "us-east-1", Date: day(2024, 12, 31), HasDate: true}},
		{"govcloud", "AWSLogs/111122223333/CloudTrail/us-gov-west-1/2024/02/29/f.json.gz",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "us-gov-west-1", Date: day(2024, 2, 29), HasDate: true}},
		{"china", "AWSLogs/111122223333/CloudTrail/cn-northwest-1/2024/01/02/f.json.gz",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "cn-northwest-1", Date: day(2024, 1, 2), HasDate: true}},
		{"digest", "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/01/02/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240102T010000Z.json.gz",
			Key{Kind: KindCloudTrailDigest, Account: "111122223333", Region: "us-east-1", Date: day(2024, 1, 2), HasDate: true}},
		{"org digest", "AWSLogs/o-abcdefghij/111122223333/CloudTrail-Digest/us-east-1/2024/01/02/d.json.gz",
			Key{Kind: KindCloudTrailDigest, OrgID: "o-abcdefghij", Account: "111122223333", Region: "us-east-1", Date: day(2024, 1, 2), HasDate: true}},
		{"insight", "AWSLogs/111122223333/CloudTrail-Insight/ca-central-1/2020/09/23/111122223333_CloudTrail-Insight_ca-central-1_20200923T0516Z_abcdefghijklmnop.json.gz",
			Key{Kind: KindCloudTrailInsight, Account: "111122223333", Region: "ca-central-1", Date: day(2020, 9, 23), HasDate: true}},
		{"network activity", "AWSLogs/111122223333/CloudTrail-NetworkActivity/us-west-2/2025/06/01/f.json.gz",
			Key{Kind: KindCloudTrailNetworkActivity, Account: "111122223333", Region: "us-west-2", Date: day(2025, 6, 1), HasDate: true}},
		{"aggregated", "AWSLogs/111122223333/CloudTrail-Aggregated/us-west-2/2025/06/01/f.json.gz",
			Key{Kind: KindCloudTrailAggregated, Account: "111122223333", Region: "us-west-2", Date: day(2025, 6, 1), HasDate: true}},
		{"vpc flow", "flows/AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
			Key{Kind: KindVPCFlow, Account: "123456789012", Region: "us-east-1", Date: day(2018, 6, 20), HasDate: true, Format: "log"}},
		{"vpc flow hourly", "AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/16/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
			Key{Kind: KindVPCFlow, Account: "123456789012", Region: "us-east-1", Date: hour(2018, 6, 20, 16), HasDate: true, Hourly: true, Format: "log"}},
		{"vpc flow parquet", "AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/a_vpcflowlogs_b.log.parquet",
			Key{Kind: KindVPCFlow, Account: "123456789012", Region: "us-east-1", Date: day(2018, 6, 20), HasDate: true, Format: "parquet"}},
		{"hive", "p/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=eu-central-1/year=2024/month=03/day=05/f.log.gz",
			Key{Kind: KindVPCFlow, Account: "123456789012", Region: "eu-central-1", Date: day(2024, 3, 5), HasDate: true, Format: "log"}},
		{"hive hourly parquet", "AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-gov-east-1/year=2024/month=03/day=05/hour=23/f.parquet",
			Key{Kind: KindVPCFlow, Account: "123456789012", Region: "us-gov-east-1", Date: hour(2024, 3, 5, 23), HasDate: true, Hourly: true, Format: "parquet"}},
		{"cloudtrail has no hour folder", "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/07/f.json.gz",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "us-east-1", Date: day(2024, 3, 5), HasDate: true}},
		{"prefix region", "AWSLogs/111122223333/CloudTrail/us-east-1/",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "us-east-1"}},
		{"prefix month", "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "us-east-1"}},
		{"prefix day", "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "us-east-1", Date: day(2024, 3, 5), HasDate: true}},
		{"guardduty", "AWSLogs/111122223333/GuardDuty/us-east-1/2024/03/05/1b4c6e0a-3c2f-3a4b-9c0d-2f6a1e7b8c9d.jsonl.gz",
			Key{Kind: KindGuardDuty, Account: "111122223333", Region: "us-east-1", Date: day(2024, 3, 5), HasDate: true}},
		{"config history", "AWSLogs/111122223333/Config/us-east-1/2024/3/5/ConfigHistory/111122223333_Config_us-east-1_ConfigHistory_AWS::EC2::SecurityGroup_20240305T060000Z_20240305T120000Z_1.json.gz",
			Key{Kind: KindConfig, Account: "111122223333", Region: "us-east-1", Date: day(2024, 3, 5), HasDate: true}},
		{"config snapshot two-digit day", "AWSLogs/111122223333/Config/eu-west-1/2024/12/25/ConfigSnapshot/111122223333_Config_eu-west-1_ConfigSnapshot_20241225T000000Z_0a1b.json.gz",
			Key{Kind: KindConfig, Account: "111122223333", Region: "eu-west-1", Date: day(2024, 12, 25), HasDate: true}},
		{"config prefix month", "AWSLogs/111122223333/Config/eu-west-1/2024/1/",
			Key{Kind: KindConfig, Account: "111122223333", Region: "eu-west-1"}},
		{"config writability check", "AWSLogs/111122223333/Config/ConfigWritabilityCheckFile", Key{Kind: KindOther, Account: "111122223333"}},
		{"one-digit month is Config's only", "AWSLogs/111122223333/CloudTrail/us-east-1/2024/3/5/f.json.gz",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "us-east-1"}},
		{"prefix account", "AWSLogs/111122223333/", Key{Account: "111122223333"}},
		{"prefix org", "AWSLogs/o-abcdefghij/", Key{OrgID: "o-abcdefghij"}},
		{"other stream", "AWSLogs/111122223333/elasticloadbalancing/us-east-1/2024/03/05/f.log.gz", Key{Kind: KindOther, Account: "111122223333"}},
		{"other hive service", "AWSLogs/aws-account-id=111122223333/aws-service=elb/x.gz", Key{Kind: KindOther, Account: "111122223333"}},
		{"file under account", "AWSLogs/111122223333/notes.json", Key{Account: "111122223333"}},
		{"invalid date", "AWSLogs/111122223333/CloudTrail/us-east-1/2023/02/29/f.json.gz",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "us-east-1"}},
		{"bad month", "AWSLogs/111122223333/CloudTrail/us-east-1/2023/13/01/f.json.gz",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "us-east-1"}},
		{"short account", "AWSLogs/11112222333/CloudTrail/us-east-1/2023/01/01/f.json.gz", Key{}},
		{"file name only", "downloads/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "us-east-2", Date: day(2015, 8, 1), HasDate: true}},
		{"lenient file name", "123456789012_CloudTrail_us-west-1_20140620T1255ZHdkvFTXOA3Vnhbc.json.gz",
			Key{Kind: KindCloudTrail, Account: "123456789012", Region: "us-west-1", Date: day(2014, 6, 20), HasDate: true}},
		{"file name insight", "111122223333_CloudTrail-Insight_ca-central-1_20200923T0516Z_abcdefghijklmnop.json.gz",
			Key{Kind: KindCloudTrailInsight, Account: "111122223333", Region: "ca-central-1", Date: day(2020, 9, 23), HasDate: true}},
		{"file name digest", "111122223333_CloudTrail-Digest_us-east-1_my_trail_us-east-1_20240102T010000Z.json.gz",
			Key{Kind: KindCloudTrailDigest, Account: "111122223333", Region: "us-east-1"}},
		{"file name flow", "x/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
			Key{Kind: KindVPCFlow, Account: "123456789012", Region: "us-east-1", Date: day(2018, 6, 20), HasDate: true, Format: "log"}},
		{"file name without timestamp", "111122223333_CloudTrail_us-east-2_whatever.json",
			Key{Kind: KindCloudTrail, Account: "111122223333", Region: "us-east-2"}},
		{"plain file", "testdata/cloudtrail/sample.json", Key{}},
		{"empty", "", Key{}},
		{"only AWSLogs", "AWSLogs/", Key{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseKey(tt.key)
			if got != tt.want {
				t.Errorf("ParseKey(%q)\n got %+v\nwant %+v", tt.key, got, tt.want)
			}
		})
	}
}

func TestKindTable(t *testing.T) {
	for k, want := range map[Kind]string{KindGuardDuty: "guardduty", KindConfig: "config", KindCloudTrail: "cloudtrail", KindOther: ""} {
		if got := k.Table(); got != want {
			t.Errorf("%s.Table() = %q; want %q", k, got, want)
		}
	}
	for _, tc := range []struct {
		k    Kind
		hive bool
		want string
	}{{KindConfig, false, "2024/3/5/"}, {KindGuardDuty, false, "2024/03/05/"}, {KindVPCFlow, true, "year=2024/month=03/day=05/"}} {
		if got := tc.k.dayFolder(day(2024, 3, 5), tc.hive); got != tc.want {
			t.Errorf("%s.dayFolder(hive %v) = %q; want %q", tc.k, tc.hive, got, tc.want)
		}
	}
}

func TestKindString(t *testing.T) {
	want := map[Kind]string{
		KindUnknown: "unknown", KindCloudTrail: "cloudtrail", KindCloudTrailDigest: "cloudtrail-digest",
		KindCloudTrailInsight: "cloudtrail-insight", KindCloudTrailNetworkActivity: "cloudtrail-networkactivity",
		KindVPCFlow: "vpcflow", KindCloudTrailAggregated: "cloudtrail-aggregated", KindOther: "other", Kind(200): "unknown",
		KindGuardDuty: "guardduty", KindConfig: "config",
	}
	for k, w := range want {
		if got := k.String(); got != w {
			t.Errorf("Kind(%d).String() = %q; want %q", k, got, w)
		}
	}
}

func FuzzParseKey(f *testing.F) {
	f.Add("AWSLogs/o-exampleorgid/111122223333/CloudTrail/us-east-1/2024/12/31/f.json.gz")
	f.Add("AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-gov-east-1/year=2024/month=03/day=05/hour=23/f.parquet")
	f.Add("123456789012_CloudTrail_us-west-1_20140620T1255ZHdkvFTXOA3Vnhbc.json.gz")
	f.Add("AWSLogs/111122223333/Config/us-east-1/2024/3/5/ConfigHistory/f.json.gz")
	f.Fuzz(func(t *testing.T, key string) {
		k := ParseKey(key)
		if k.HasDate != !k.Date.IsZero() {
			t.Fatalf("ParseKey(%q): HasDate %v with Date %v", key, k.HasDate, k.Date)
		}
	})
}
