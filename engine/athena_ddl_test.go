package engine

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateAthena = flag.Bool("update-athena", false, "rewrite engine/testdata/athena/*.golden")

// checkGolden compares got with testdata/athena/name.golden.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "athena", name+".golden")
	if *updateAthena {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./engine -run %s -update-athena)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

func TestAthenaDDL_Success(t *testing.T) {
	base := AthenaDDLConfig{Location: "s3://trail-bucket/logs/", Accounts: []string{"111122223333", "444455556666"}, Regions: []string{"us-east-1", "eu-west-1"}}
	with := func(f func(c *AthenaDDLConfig)) AthenaDDLConfig {
		c := base
		f(&c)
		return c
	}
	tests := []struct {
		name string
		gen  func(AthenaDDLConfig) (string, AthenaTable, error)
		cfg  AthenaDDLConfig
		want AthenaTable
	}{
		{"cloudtrail", CloudTrailDDL, base,
			AthenaTable{Database: "hunt", Name: "cloudtrail_logs", Partitions: CloudTrailPartitions()}},
		{"cloudtrail_org", CloudTrailDDL, with(func(c *AthenaDDLConfig) {
			c.Org, c.Database, c.Table, c.Location, c.Since = "o-abc123", "sec", "org_trail", "s3://org-trail/AWSLogs/", "2023/06/01"
		}), AthenaTable{Database: "sec", Name: "org_trail", Partitions: CloudTrailPartitions()}},
		{"cloudtrail_network_activity", CloudTrailDDL, with(func(c *AthenaDDLConfig) { c.NetworkActivity, c.Table = true, "network_activity" }),
			AthenaTable{Database: "hunt", Name: "network_activity", Partitions: CloudTrailPartitions()}},
		{"vpc_flow_text", FlowDDL, base,
			AthenaTable{Database: "hunt", Name: "vpc_flow_logs", Partitions: FlowPartitions(FlowLayout{})}},
		{"vpc_flow_text_custom_hourly", FlowDDL, with(func(c *AthenaDDLConfig) {
			c.Flow = FlowLayout{Hourly: true, Fields: strings.Fields("${version} ${vpc-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${start} ${end} ${action} ${region} ${flow-direction} ${reject-reason}")}
		}), AthenaTable{Database: "hunt", Name: "vpc_flow_logs", Partitions: FlowPartitions(FlowLayout{Hourly: true})}},
		{"vpc_flow_hive", FlowDDL, with(func(c *AthenaDDLConfig) { c.Flow.Hive = true }),
			AthenaTable{Database: "hunt", Name: "vpc_flow_logs", Partitions: FlowPartitions(FlowLayout{Hive: true})}},
		{"vpc_flow_parquet_hive_hourly", FlowDDL, with(func(c *AthenaDDLConfig) { c.Flow = FlowLayout{Parquet: true, Hive: true, Hourly: true} }),
			AthenaTable{Database: "hunt", Name: "vpc_flow_logs", Partitions: FlowPartitions(FlowLayout{Hive: true, Hourly: true})}},
		{"vpc_flow_parquet", FlowDDL, with(func(c *AthenaDDLConfig) { c.Flow.Parquet, c.Regions = true, nil }),
			AthenaTable{Database: "hunt", Name: "vpc_flow_logs", Partitions: FlowPartitions(FlowLayout{})}},
		{"guardduty", GuardDutyDDL, base, AthenaTable{Database: "hunt", Name: "gd_logs", Partitions: GuardDutyPartitions()}},
		{"config", ConfigDDL, with(func(c *AthenaDDLConfig) { c.Table = "cfg" }), AthenaTable{Database: "hunt", Name: "cfg", Partitions: ConfigPartitions()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ddl, table, err := tt.gen(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if table.Database != tt.want.Database || table.Name != tt.want.Name || table.Partitions != tt.want.Partitions {
				t.Errorf("table %+v; want %+v", table, tt.want)
			}
			// A text flow-log table declares its format's fields; every
			// other table every column.
			if isText := tt.gen == nil || (strings.HasPrefix(tt.name, "vpc_flow") && !strings.Contains(tt.name, "parquet")); isText != (table.Columns != nil) {
				t.Errorf("columns %v", table.Columns)
			}
			checkGolden(t, tt.name, tt.cfg.DatabaseDDL()+"\n"+ddl)
		})
	}
}

// The generated tables have the columns and types of AWS's documented
// DDL (../shared/reference/athena-ddl.md).
func TestAthenaDDL_ReferenceColumns(t *testing.T) {
	cfg := AthenaDDLConfig{Location: "s3://b/", Accounts: []string{"111122223333"}}
	ct, _, err := CloudTrailDDL(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"`eventversion` string,", "`eventtime` string,", "`requestparameters` string,", "`readonly` string,",
		"`resources` array<struct<arn:string, accountid:string, type:string>>,",
		"`addendum` struct<reason:string, updatedfields:string, originalrequestid:string, originaleventid:string>,",
		"`tlsdetails` struct<tlsversion:string, ciphersuite:string, clientprovidedhostheader:string>\n",
		"onbehalfof:struct<userid:string, identitystorearn:string>",
		"sessionissuer:struct<type:string, principalid:string, arn:string, accountid:string, username:string>",
		"webidfederationdata:struct<federatedprovider:string, attributes:map<string,string>>",
		"ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'",
		"STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'",
		"'projection.timestamp.format'='yyyy/MM/dd'",
		"'storage.location.template'='s3://b/AWSLogs/${account}/CloudTrail/${region}/${timestamp}'",
	} {
		if !strings.Contains(ct, want) {
			t.Errorf("CloudTrail DDL lacks %q:\n%s", want, ct)
		}
	}
	if strings.Contains(ct, "$path") {
		t.Errorf("CloudTrail DDL declares the $path pseudo-column")
	}
	cfg.Flow.Parquet = true
	vpc, _, err := FlowDDL(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"`version` int,", "`srcport` int,", "`protocol` bigint,", "`packets` bigint,", "`end` bigint,", "`tcp_flags` int,",
		"`traffic_path` int,", "`region` string,", "`reject_reason` string\n", "ParquetHiveSerDe",
	} {
		if !strings.Contains(vpc, want) {
			t.Errorf("flow DDL lacks %q:\n%s", want, vpc)
		}
	}
}

// The GuardDuty table has the columns of AWS's gd_logs; the Config table
// AWS's configurationitems array, and its view the local config columns.
func TestAthenaDDL_ReferenceColumnsSources(t *testing.T) {
	cfg := AthenaDDLConfig{Location: "s3://b/", Accounts: []string{"111122223333"}}
	gd, _, err := GuardDutyDDL(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"`schemaversion` string,\n  `accountid` string,\n  `region` string,\n  `partition` string,\n  `id` string,\n  `arn` string,\n  `type` string,\n  `resource` string,\n  `service` string,\n  `severity` string,\n  `createdat` string,\n  `updatedat` string,\n  `title` string,\n  `description` string\n)",
		"ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'", "'has_encrypted_data'='true'",
		"'storage.location.template'='s3://b/AWSLogs/${aws_account_id}/GuardDuty/${aws_region}/${day}'",
	} {
		if !strings.Contains(gd, want) {
			t.Errorf("GuardDuty DDL lacks %q:\n%s", want, gd)
		}
	}
	cf, _, err := ConfigDDL(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"`configurationitems` array<struct<configurationitemversion:string, configurationitemcapturetime:string, configurationstateid:bigint, awsaccountid:string,",
		"supplementaryconfiguration:map<string,string>, tags:map<string,string>, resourcecreationtime:string, relationships:string>>",
		"'projection.day.format'='yyyy/M/d'",
		"'storage.location.template'='s3://b/AWSLogs/${aws_account_id}/Config/${aws_region}/${day}'",
		`CREATE OR REPLACE VIEW "hunt"."config_items" AS`, "ci.resourceid AS resourceid", `CROSS JOIN UNNEST(configurationitems) AS t (ci);`,
	} {
		if !strings.Contains(cf, want) {
			t.Errorf("Config DDL lacks %q:\n%s", want, cf)
		}
	}
}

func TestAthenaDDL_Failure(t *testing.T) {
	ok := AthenaDDLConfig{Location: "s3://b/", Accounts: []string{"111122223333"}}
	tests := []struct {
		name string
		f    func(c *AthenaDDLConfig)
		want string
	}{
		{"no location", func(c *AthenaDDLConfig) { c.Location = "" }, `location: expected s3://bucket[/prefix]/ (the prefix holding AWSLogs/), found ""`},
		{"not s3", func(c *AthenaDDLConfig) { c.Location = "/tmp/logs" }, `found "/tmp/logs"`},
		{"no accounts", func(c *AthenaDDLConfig) { c.Accounts = nil }, "accounts: expected the account IDs"},
		{"bad account", func(c *AthenaDDLConfig) { c.Accounts = []string{"1234"} }, `accounts: expected a 12-digit account ID, found "1234"`},
		{"bad org", func(c *AthenaDDLConfig) { c.Org = "abc" }, `org: expected an organization ID such as o-abc123, found "abc"`},
		{"quote in name", func(c *AthenaDDLConfig) { c.Table = "x'y" }, `found "x'y"`},
		{"bad field", func(c *AthenaDDLConfig) { c.Flow.Fields = []string{"${version}", "${pkt-src}"} }, `format: expected a flow-log field (version, account-id, ... reject-reason), found "${pkt-src}"`},
		{"fields with parquet", func(c *AthenaDDLConfig) { c.Flow = FlowLayout{Parquet: true, Fields: []string{"version"}} }, "format: Parquet columns are read by name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.f(&c)
			_, _, err := FlowDDL(c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("FlowDDL: %v; want %q", err, tt.want)
			}
		})
	}
}
