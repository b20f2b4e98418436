package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The seed questions of the engine issue, end to end over testdata.
func TestQuery_SeedQuestions(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // CSV output
	}{
		{
			name: "who changed a network ACL in a time window",
			args: []string{"SELECT eventtime, useridentity.arn, eventname FROM cloudtrail WHERE eventname IN ('CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation') AND from_iso8601_timestamp(eventtime) BETWEEN timestamp '2024-03-05 15:00:00' AND timestamp '2024-03-05 15:30:00' ORDER BY eventtime",
				"../../testdata/cloudtrail/AWSLogs"},
			want: "eventtime,arn,eventname\n" +
				"2024-03-05T15:02:41Z,arn:aws:iam::111122223333:user/alice,CreateNetworkAclEntry\n" +
				"2024-03-05T15:04:10Z,arn:aws:sts::111122223333:assumed-role/OpsAdmin/alice@example.com,ReplaceNetworkAclEntry\n",
		},
		{
			name: "REJECT count per source IP per minute over 100",
			args: []string{"SELECT srcaddr, date_trunc('minute', from_unixtime(start)) AS minute, count(*) AS rejects FROM vpc_flow WHERE action = 'REJECT' GROUP BY 1, 2 HAVING count(*) > 100",
				"../../testdata/vpcflow/reject-flood.log.gz"},
			want: "srcaddr,minute,rejects\n198.51.100.77,2024-03-05 15:00:00.000,150\n",
		},
		{
			name: "console logins without MFA",
			args: []string{"SELECT useridentity.type, useridentity.arn, sourceipaddress, json_extract_scalar(responseelements, '$.ConsoleLogin') AS outcome FROM cloudtrail_logs WHERE eventname = 'ConsoleLogin' AND lower(json_extract_scalar(additionaleventdata, '$.MFAUsed')) = 'no' ORDER BY eventtime",
				"../../testdata/cloudtrail/AWSLogs"},
			want: "type,arn,sourceipaddress,outcome\n" +
				"IAMUser,arn:aws:iam::111122223333:user/bob,192.0.2.44,Success\n" +
				"IAMUser,,192.0.2.44,Failure\n" +
				"Root,arn:aws:iam::111122223333:root,192.0.2.99,Success\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runHunt(t, append([]string{"query", "--output", "csv"}, tt.args...)...)
			if code != exitOK {
				t.Errorf("exit %d; stderr:\n%s", code, errOut)
			}
			if out != tt.want {
				t.Errorf("got\n%s\nwant\n%s\nstderr:\n%s", out, tt.want, errOut)
			}
		})
	}
}

func TestQuery_SQLSources(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "q.sql")
	os.WriteFile(f, []byte("SELECT count(*) AS n\nFROM cloudtrail\nWHERE eventname = 'ConsoleLogin'\n"), 0o644)
	code, out, errOut := runHunt(t, "query", "--file", f, "--output", "csv", "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || out != "n\n4\n" {
		t.Errorf("--file: exit %d, out %q, stderr %s", code, out, errOut)
	}
	// A positioned error names the file, line and column.
	os.WriteFile(f, []byte("SELECT count(*)\nFROM cloudtrail\nWHERE (eventname = 'x'\n"), 0o644)
	code, _, errOut = runHunt(t, "query", "--file", f, "../../testdata/cloudtrail/AWSLogs")
	if code != exitError || !strings.HasPrefix(errOut, f+":4:1: expected ')' to close '(' at 3:7, found end of input") {
		t.Errorf("bad SQL: exit %d, stderr %q; want a positioned error in %s", code, errOut, f)
	}
}

func TestQuery_Explain(t *testing.T) {
	code, out, errOut := runHunt(t, "query", "--explain",
		"SELECT count(*) FROM cloudtrail WHERE eventtime >= '2024-03-06T00:00:00Z' AND awsregion = 'eu-west-1'",
		"../../testdata/cloudtrail/AWSLogs")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"columns cloudtrail: awsregion, eventtime",
		"objects to read: 1",
		"CloudTrail-Digest/: digest",
		"us-east-1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
}

// TestQuery_AggregateMemory: a tiny budget makes the aggregate spill to
// $TMPDIR with the same answer; a bad size is a usage error.
func TestQuery_AggregateMemory(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	sql := "SELECT eventname, sourceipaddress, count(*) AS n FROM cloudtrail GROUP BY 1, 2"
	_, want, _ := runHunt(t, "query", "--output", "csv", sql, "../../testdata/cloudtrail/AWSLogs")
	for _, size := range []string{"1KiB", "off", "1GiB"} {
		code, out, errOut := runHunt(t, "query", "--aggregate-memory", size, "--output", "csv", sql, "../../testdata/cloudtrail/AWSLogs")
		if code != exitOK || out != want || strings.Count(out, "\n") < 10 {
			t.Errorf("--aggregate-memory %s: exit %d, %d lines (want %d), stderr %s", size, code, strings.Count(out, "\n"), strings.Count(want, "\n"), errOut)
		}
	}
	code, out, errOut := runHunt(t, "query", "--aggregate-memory", "lots", sql, "../../testdata/cloudtrail/AWSLogs")
	if code != exitUsage || !strings.Contains(out+errOut, `expected a size such as 64MiB, or off, found "lots"`) {
		t.Errorf("bad size: exit %d, output %q", code, out+errOut)
	}
	code, _, errOut = runHunt(t, "run", "--aggregate-memory", "4KiB", "--output", "json", "../../testdata/cloudtrail/AWSLogs")
	if code != exitFindings {
		t.Errorf("run with a 4 KiB pool: exit %d, stderr %s", code, errOut)
	}
}

// TestQuery_SinceUntilFilterEvents: --since/--until keep only the events
// in the window, not every row of the objects the window keeps.
func TestQuery_SinceUntilFilterEvents(t *testing.T) {
	code, out, errOut := runHunt(t, "query", "--output", "csv", "--since", "2024-03-05T15:10:00Z", "--until", "2024-03-05T15:12:02Z",
		"SELECT eventtime FROM cloudtrail ORDER BY 1", "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || out != "eventtime\n2024-03-05T15:10:00Z\n2024-03-05T15:11:30Z\n" {
		t.Errorf("exit %d, out:\n%s\nstderr:\n%s", code, out, errOut)
	}
	// Flows: a flow is kept when its span overlaps the window.
	q := `SELECT count(*) AS n, min("end") >= 1709650860 AND max(start) < 1709650870 AS inside FROM vpc_flow`
	code, all, errOut := runHunt(t, "query", "--output", "csv", q, "../../testdata/vpcflow/reject-flood.log.gz")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	code, out, errOut = runHunt(t, "query", "--output", "csv", "--since", "2024-03-05T15:01:00Z", "--until", "2024-03-05T15:01:10Z", q,
		"../../testdata/vpcflow/reject-flood.log.gz")
	if code != exitOK || !strings.HasSuffix(out, ",true\n") || out == all || strings.HasPrefix(out, "n,inside\n0,") {
		t.Errorf("exit %d, window:\n%s\nall:\n%s\nstderr:\n%s", code, out, all, errOut)
	}
	// hunt cat too.
	code, out, errOut = runHunt(t, "cat", "--output", "csv", "--columns", "eventname", "--since", "2024-03-05T15:10:00Z", "--until", "2024-03-05T15:12:02Z",
		"../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || out != "eventname\nConsoleLogin\nConsoleLogin\n" {
		t.Errorf("cat: exit %d, out:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// TestQuery_NoObjectOfTable: a query over inputs that hold no object of
// its table is an error, not 0 rows; objects pruned by the window are not.
func TestQuery_NoObjectOfTable(t *testing.T) {
	code, out, errOut := runHunt(t, "query", "SELECT count(*) FROM vpc_flow", "../../testdata/cloudtrail/AWSLogs")
	if code != exitError || !strings.Contains(errOut, "no object of table vpc_flow among the inputs") {
		t.Errorf("exit %d, out %q; stderr:\n%s", code, out, errOut)
	}
	code, _, errOut = runHunt(t, "query", "SELECT count(*) FROM cloudtrail", t.TempDir())
	if code != exitError || !strings.Contains(errOut, "no object of table cloudtrail among the inputs") {
		t.Errorf("empty folder: exit %d; stderr:\n%s", code, errOut)
	}
	code, _, errOut = runHunt(t, "query", "--since", "2030-01-01", "SELECT count(*) FROM cloudtrail", "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || !strings.Contains(errOut, "no object of table cloudtrail left to read after pruning") {
		t.Errorf("all pruned: exit %d; stderr:\n%s", code, errOut)
	}
}

// TestQuery_PartitionColumns: the partition columns hunt athena ddl
// declares exist locally with Athena's names and values (from the key,
// else the record), prune date folders as projection does, and answer
// under another name with --column-name.
func TestQuery_PartitionColumns(t *testing.T) {
	q := `SELECT account, region, "timestamp", count(*) AS n FROM cloudtrail_logs GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`
	code, out, errOut := runHunt(t, "query", "--output", "csv", q, "../../testdata/cloudtrail/AWSLogs", "../../testdata/cloudtrail/forms/single.json")
	want := "account,region,timestamp,n\n111122223333,eu-west-1,2024/03/06,2\n111122223333,us-east-1,2024/03/05,13\n"
	if code != exitOK || !strings.HasPrefix(out, "account,region,timestamp,n\n") || !strings.Contains(out, "111122223333,eu-west-1,2024/03/06,2\n") {
		t.Errorf("exit %d, out:\n%s\nwant like:\n%s\nstderr:\n%s", code, out, want, errOut)
	}
	// The date partition prunes folders, as partition projection does.
	q = `SELECT count(*) AS n FROM cloudtrail WHERE "timestamp" >= '2024/03/06' AND account = '111122223333'`
	code, out, errOut = runHunt(t, "query", "--explain", q, "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || !strings.Contains(out, "objects to read: 1 ") || !strings.Contains(out, "pruned ../../testdata/cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/: date") {
		t.Errorf("explain: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runHunt(t, "query", "--output", "csv", q, "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || out != "n\n2\n" {
		t.Errorf("pruned query: exit %d, %q", code, out)
	}
	// Another team's names for the same partitions.
	code, out, errOut = runHunt(t, "query", "--output", "csv", "--column-name", "date_partition=timestamp", "--column-name", "region_partition=region",
		`SELECT region_partition, count(*) AS n FROM cloudtrail WHERE date_partition = '2024/03/06' GROUP BY 1`, "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || out != "region_partition,n\neu-west-1,2\n" {
		t.Errorf("--column-name: exit %d, %q\n%s", code, out, errOut)
	}
	// The mapping a team keeps in a file.
	names := filepath.Join(t.TempDir(), "columns")
	os.WriteFile(names, []byte("# our Athena tables\ndate_partition = timestamp\nregion_partition=region\n"), 0o644)
	code, out, errOut = runHunt(t, "query", "--output", "csv", "--column-name", "@"+names,
		`SELECT region_partition, count(*) AS n FROM cloudtrail WHERE date_partition = '2024/03/06' GROUP BY 1`, "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || out != "region_partition,n\neu-west-1,2\n" {
		t.Errorf("--column-name @FILE: exit %d, %q\n%s", code, out, errOut)
	}
	os.WriteFile(names, []byte("date_partition\n"), 0o644)
	if code, _, errOut = runHunt(t, "query", "--column-name", "@"+names, "SELECT 1", "../../testdata/cloudtrail/AWSLogs"); code != exitUsage || !strings.Contains(errOut, names+":1: --column-name: expected NAME=COLUMN") {
		t.Errorf("bad file: exit %d\n%s", code, errOut)
	}
	// Flow logs: aws_account_id, aws_region, day.
	code, out, errOut = runHunt(t, "query", "--output", "csv", `SELECT aws_account_id, day, count(*) AS n FROM vpc_flow_logs GROUP BY 1, 2`, "../../testdata/vpcflow/reject-flood.log.gz")
	if code != exitOK || !strings.HasPrefix(out, "aws_account_id,day,n\n111122223333,2024/03/05,") {
		t.Errorf("flow: exit %d, %q\n%s", code, out, errOut)
	}
	// One team's names for both tables' partitions (the AWS security
	// analytics bootstrap's date_partition, account_partition): a name
	// qualified by a table applies to it alone.
	os.WriteFile(names, []byte("date_partition=timestamp\naccount_partition=account\nvpc_flow.date_partition=day\nvpc_flow.account_partition=aws_account_id\n"), 0o644)
	code, out, errOut = runHunt(t, "query", "--output", "csv", "--column-name", "@"+names,
		`SELECT date_partition, count(*) AS n FROM cloudtrail WHERE date_partition = '2024/03/06' AND account_partition = '111122223333' GROUP BY 1`, "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || out != "date_partition,n\n2024/03/06,2\n" {
		t.Errorf("qualified --column-name, cloudtrail: exit %d, %q\n%s", code, out, errOut)
	}
	code, out, errOut = runHunt(t, "query", "--output", "csv", "--column-name", "@"+names,
		`SELECT account_partition, date_partition, count(*) AS n FROM vpc_flow_logs GROUP BY 1, 2`, "../../testdata/vpcflow/reject-flood.log.gz")
	if code != exitOK || !strings.HasPrefix(out, "account_partition,date_partition,n\n111122223333,2024/03/05,") {
		t.Errorf("qualified --column-name, vpc_flow: exit %d, %q\n%s", code, out, errOut)
	}
	code, out, errOut = runHunt(t, "athena", "ddl", "--column-name", "@"+names, "--location", "s3://b/", "--account", "111122223333")
	if code != exitOK || strings.Count(out, "`account_partition` string") != 2 || strings.Count(out, "`date_partition` string") != 2 || !strings.Contains(out, "`account_partition` string, `aws_region` string, `date_partition` string") {
		t.Errorf("qualified --column-name, athena ddl: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestQuery_AthenaDocExamples: every CloudTrail and VPC Flow Logs example
// query of AWS's Athena documentation (testdata/athena-docs, copied
// unchanged) runs over the samples, partition columns included; the table
// name of the flow-log examples' second table maps with --table-name.
func TestQuery_AthenaDocExamples(t *testing.T) {
	for file, path := range map[string]string{
		"cloudtrail.sql": "../../testdata/cloudtrail/AWSLogs",
		"vpcflow.sql":    "../../testdata/vpcflow/reject-flood.log.gz",
	} {
		text := readFile(t, filepath.Join("../../testdata/athena-docs", file))
		for i, q := range strings.Split(text, "\n;\n") {
			sqlFile := filepath.Join(t.TempDir(), "q.sql")
			os.WriteFile(sqlFile, []byte(q), 0o644)
			code, out, errOut := runHunt(t, "query", "--output", "csv", "--table-name", "test_table_vpclogs=vpc_flow", "--file", sqlFile, path)
			if code != exitOK {
				t.Errorf("%s #%d: exit %d\n%s\nstderr:\n%s", file, i+1, code, q, errOut)
				continue
			}
			if strings.Count(out, "\n") < 1 {
				t.Errorf("%s #%d: no header: %q", file, i+1, out)
			}
		}
	}
	// Two of them answer from the samples.
	q := "SELECT day_of_week(date) AS\n  day,\n  date,\n  interface_id,\n  srcaddr,\n  action,\n  protocol\nFROM vpc_flow_logs\nWHERE action = 'REJECT' AND protocol = 6\nLIMIT 100"
	_, out, _ := runHunt(t, "query", "--output", "csv", q, "../../testdata/vpcflow/reject-flood.log.gz")
	if !strings.HasPrefix(out, "day,date,interface_id,srcaddr,action,protocol\n2,2024-03-05,eni-") || strings.Count(out, "\n") != 101 {
		t.Errorf("REJECT example: %.300q", out)
	}
}

// TestQuery_SecurityAnalyticsBootstrap: the CloudTrail and VPC flow-log
// demo queries of AWS's security analytics bootstrap (unchanged in
// testdata/athena-queries, statements separated by blank lines) run over
// the samples with its names mapped (columns.txt): all but its CREATE
// TABLE AS / INSERT INTO, which name --engine athena, and one query
// reading vpcflow.event_date, which its own vpcflow DDL does not declare.
func TestQuery_SecurityAnalyticsBootstrap(t *testing.T) {
	dir := "../../testdata/athena-queries/aws-security-analytics-bootstrap"
	ran := 0
	for _, file := range []string{"cloudtrail_demo_queries.sql", "vpcflow_demo_queries.sql"} {
		for i, q := range splitDemoQueries(readFile(t, filepath.Join(dir, file))) {
			sqlFile := filepath.Join(t.TempDir(), "q.sql")
			os.WriteFile(sqlFile, []byte(q), 0o644)
			code, _, errOut := runHunt(t, "query", "--output", "csv", "--table-name", "vpcflow=vpc_flow", "--column-name", "@"+filepath.Join(dir, "columns.txt"),
				"--file", sqlFile, "../../testdata/cloudtrail/AWSLogs", "../../testdata/vpcflow/reject-flood.log.gz")
			head := strings.ToUpper(strings.Fields(q)[0])
			switch {
			case head == "CREATE" || head == "INSERT":
				if code == exitOK || !strings.Contains(errOut, "run it with --engine athena") {
					t.Errorf("%s #%d: exit %d; want the --engine athena error\n%s", file, i+1, code, errOut)
				}
			case strings.Contains(q, "vpcflow.event_date"):
				if code == exitOK || !strings.Contains(errOut, `found "vpcflow.event_date"`) {
					t.Errorf("%s #%d: exit %d; want the unknown column error\n%s", file, i+1, code, errOut)
				}
			case code != exitOK:
				t.Errorf("%s #%d: exit %d\n%s\nstderr:\n%s", file, i+1, code, q, errOut)
			default:
				ran++
			}
		}
	}
	if ran != 35 {
		t.Errorf("ran %d queries; want 35", ran)
	}
}

// splitDemoQueries splits a file of statements separated by blank lines
// or ';' (comments dropped) into statements: a line starting SELECT,
// WITH, CREATE or INSERT at its first column after a blank line starts a
// new one.
func splitDemoQueries(text string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, strings.TrimSuffix(s, ";"))
		}
		cur.Reset()
	}
	inBlock, blank := false, true
	for _, line := range strings.Split(text, "\n") {
		if inBlock {
			if _, rest, ok := strings.Cut(line, "*/"); ok {
				inBlock, line = false, rest
			} else {
				continue
			}
		}
		if before, _, ok := strings.Cut(line, "/*"); ok && !strings.Contains(line, "*/") {
			inBlock, line = true, before
		}
		line, _, _ = strings.Cut(line, "--")
		for _, kw := range []string{"SELECT", "WITH", "CREATE", "INSERT"} {
			if blank && len(line) >= len(kw) && strings.EqualFold(line[:len(kw)], kw) {
				flush()
			}
		}
		blank = strings.TrimSpace(line) == ""
		cur.WriteString(line + "\n")
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			flush()
		}
	}
	flush()
	return out
}

// TestQuery_Stream: --stream writes the rows as they come, the same rows.
func TestQuery_Stream(t *testing.T) {
	q := "SELECT srcaddr, dstport, action FROM vpc_flow WHERE action = 'REJECT'"
	_, want, _ := runHunt(t, "query", "--output", "csv", q, "../../testdata/vpcflow/reject-flood.log.gz")
	code, got, errOut := runHunt(t, "query", "--output", "csv", "--stream", "--workers", "2", q, "../../testdata/vpcflow/reject-flood.log.gz")
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	slices.Sort(wl)
	slices.Sort(gl)
	if code != exitOK || len(wl) < 100 || !slices.Equal(wl, gl) {
		t.Errorf("exit %d: %d rows streamed, %d sorted\n%s", code, len(gl), len(wl), errOut)
	}
}

// TestQuery_GuardDutyConfig: hunt query reads the guardduty and config
// tables from their S3 layouts, and --account, --region and --since prune
// their objects by key before any is opened.
func TestQuery_GuardDutyConfig(t *testing.T) {
	for _, tc := range []struct {
		args []string
		out  string
		err  string
	}{
		{[]string{"query", "--output", "csv", "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM guardduty", "../../testdata/guardduty/AWSLogs"}, "n,ids\n5,3\n", "1 objects read"},
		{[]string{"query", "--output", "csv", "SELECT count(*) AS n FROM config WHERE resourcetype = 'AWS::EC2::Volume'", "../../testdata/config/AWSLogs"}, "n\n4\n", "2 objects read"},
		{[]string{"query", "--output", "csv", "--since", "2024-03-06T00:00:00Z", "SELECT count(*) AS n FROM config", "../../testdata/config/AWSLogs"}, "n\n0\n", "1 objects read, 0 failed, 0 of another table, 1 pruned"}, // the snapshot's items are older
		{[]string{"query", "--output", "csv", "--region", "eu-west-1", "SELECT count(*) AS n FROM guardduty", "../../testdata/guardduty/AWSLogs"}, "n\n0\n", "1 pruned"},
		{[]string{"query", "--output", "csv", "--account", "444455556666", "SELECT count(*) AS n FROM config", "../../testdata/config/AWSLogs"}, "n\n0\n", "0 objects read, 0 failed, 0 of another table, 1 pruned"},
	} {
		code, out, errOut := runHunt(t, tc.args...)
		if out != tc.out || !strings.Contains(errOut, tc.err) {
			t.Errorf("hunt %v: exit %d, %q; want %q and %q in\n%s", tc.args, code, out, tc.out, tc.err, errOut)
		}
	}
}

// TestQuery_FlowFormat: headerless flow-log text (as CloudWatch Logs
// delivers it) is read with --flow-format, or with its version's
// all-fields layout inferred from the field count, which stderr says.
func TestQuery_FlowFormat(t *testing.T) {
	dir := t.TempDir()
	v5 := filepath.Join(dir, "v5.log")
	os.WriteFile(v5, []byte("5 111122223333 eni-1 10.0.0.1 10.0.0.2 443 49152 6 10 840 1709650800 1709650860 ACCEPT OK vpc-1 subnet-1 i-1 2 IPv4 10.0.0.1 10.0.0.99 us-east-1 use1-az1 - - - S3 egress 1\n"), 0o644)
	code, out, errOut := runHunt(t, "query", "--output", "csv", "SELECT pkt_dstaddr, flow_direction FROM vpc_flow", v5)
	if code != exitOK || out != "pkt_dstaddr,flow_direction\n10.0.0.99,egress\n" || !strings.Contains(errOut, "inferred from their field count") {
		t.Errorf("inferred: exit %d, %q\n%s", code, out, errOut)
	}
	custom := filepath.Join(dir, "custom.log")
	os.WriteFile(custom, []byte("5 10.0.0.1 10.0.0.9 10.0.0.2\n"), 0o644)
	code, out, errOut = runHunt(t, "query", "--output", "csv", "--flow-format", "${version} ${srcaddr} ${pkt-dstaddr} ${dstaddr}", "SELECT srcaddr, pkt_dstaddr FROM vpc_flow", custom)
	if code != exitOK || out != "srcaddr,pkt_dstaddr\n10.0.0.1,10.0.0.9\n" {
		t.Errorf("--flow-format: exit %d, %q\n%s", code, out, errOut)
	}
	code, _, errOut = runHunt(t, "query", "SELECT count(*) FROM vpc_flow", custom)
	if !strings.Contains(errOut, "give its format with --flow-format") {
		t.Errorf("no format: exit %d\n%s", code, errOut)
	}
}

// TestQuery_DeliveryColumns: rows delivered through CloudWatch Logs carry
// their envelope's log group, stream and owner as hidden columns, which
// SELECT * leaves out; control messages are counted on stderr.
func TestQuery_DeliveryColumns(t *testing.T) {
	dir := "../../testdata/cwlogs/firehose"
	code, out, errOut := runHunt(t, "query", "--output", "csv", `SELECT "$loggroup", "$logstream", "$owner", count(*) AS n FROM vpc_flow GROUP BY 1, 2, 3 ORDER BY 2`, dir)
	if code != exitOK || !strings.Contains(errOut, "1 CloudWatch Logs control messages skipped") {
		t.Errorf("exit %d, %q\n%s", code, out, errOut)
	}
	if want := "$loggroup,$logstream,$owner,n\nvpc-flow-logs,eni-0a1b2c3d4e5f60718-all,111122223333,6\n"; out != want {
		t.Errorf("got %q; want %q", out, want)
	}
	code, out, errOut = runHunt(t, "query", "--output", "csv", `SELECT * FROM cloudtrail LIMIT 1`, dir)
	if code != exitOK || strings.Contains(out, "$loggroup") {
		t.Errorf("SELECT *: exit %d, %q\n%s", code, out, errOut)
	}
}

// TestQuery_CWLogsExport: an export task's objects (flow lines and
// CloudTrail events behind timestamps) give the rows the same log events
// give delivered through a subscription; the write-test object is pruned.
func TestQuery_CWLogsExport(t *testing.T) {
	for _, q := range []string{
		`SELECT srcaddr, dstaddr, dstport, action, start, "$logstream" FROM vpc_flow ORDER BY srcaddr`,
		`SELECT eventtime, eventname, useridentity.arn, "$logstream" FROM cloudtrail`,
	} {
		code, exp, errOut := runHunt(t, "query", "--output", "csv", q, "../../testdata/cwlogs/export")
		if code != exitOK || !strings.Contains(errOut, "1 pruned") || strings.Count(exp, "\n") < 2 {
			t.Fatalf("%s over the export: exit %d, %q\n%s", q, code, exp, errOut)
		}
		_, sub, _ := runHunt(t, "query", "--output", "csv", q, "../../testdata/cwlogs/firehose")
		if exp != sub {
			t.Errorf("%s:\nexport       %q\nsubscription %q", q, exp, sub)
		}
	}
}

// TestQueryMemLimit: a query sets a soft memory limit of 64 MiB (more with
// a larger --aggregate-memory) and collects at queryGCPercent below it,
// unless GOMEMLIMIT or GOGC is set or --aggregate-memory is off; the
// previous limit and GOGC come back at the end. Past the base the limit
// is twice the live heap, as GOGC=100.
func TestQueryMemLimit(t *testing.T) {
	for _, tc := range []struct {
		env       string
		aggregate int64
		want      int64
		ok        bool
	}{
		{"", 0, 64 << 20, true},
		{"", 64 << 20, 64 << 20, true},
		{"", 256 << 20, 256 << 20, true},
		{"", -1, 0, false},
		{"1GiB", 0, 0, false},
	} {
		got, ok := queryMemLimit(tc.env, tc.aggregate)
		if got != tc.want || ok != tc.ok {
			t.Errorf("queryMemLimit(%q, %d) = %d MiB, %v; want %d MiB, %v", tc.env, tc.aggregate, got>>20, ok, tc.want>>20, tc.ok)
		}
	}
	if got := adaptLimit(64<<20, 100<<20, queryHeadroom); got != 200<<20 {
		t.Errorf("adaptLimit(64 MiB, live 100 MiB, queryHeadroom) = %d MiB; want 200 MiB", got>>20)
	}
	var calls, gc []int64
	defer func(f func(int64) int64) { setMemoryLimit = f }(setMemoryLimit)
	setMemoryLimit = func(n int64) int64 { calls = append(calls, n); return 1 << 40 }
	defer func(f func(int) int) { setGCPercent = f }(setGCPercent)
	setGCPercent = func(n int) int { gc = append(gc, int64(n)); return 77 }
	sql, path := "SELECT count(*) FROM vpc_flow", "../../testdata/vpcflow/reject-flood.log.gz"
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	if code, _, errOut := runHunt(t, "query", sql, path); code != exitOK {
		t.Fatalf("query: exit %d\n%s", code, errOut)
	}
	if len(calls) < 2 || calls[0] != 64<<20 || calls[len(calls)-1] != 1<<40 {
		t.Errorf("SetMemoryLimit calls %v; want 64 MiB, then the previous limit back", calls)
	}
	if !slices.Equal(gc, []int64{queryGCPercent, 77}) {
		t.Errorf("SetGCPercent calls %v; want %d, then the previous 77 back", gc, queryGCPercent)
	}
	// GOGC set: left alone; the limit still applies.
	calls, gc = nil, nil
	t.Setenv("GOGC", "100")
	runHunt(t, "query", sql, path)
	if len(gc) != 0 || len(calls) < 2 {
		t.Errorf("with GOGC set: SetGCPercent calls %v (want none), SetMemoryLimit calls %v (want the limit)", gc, calls)
	}
	// No limit (GOMEMLIMIT set, or --aggregate-memory off): no GOGC either.
	calls, gc = nil, nil
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "1GiB")
	runHunt(t, "query", sql, path)
	t.Setenv("GOMEMLIMIT", "")
	runHunt(t, "query", "--aggregate-memory", "off", sql, path)
	if len(gc) != 0 || len(calls) != 0 {
		t.Errorf("without a limit: SetGCPercent calls %v, SetMemoryLimit calls %v; want none", gc, calls)
	}
}
