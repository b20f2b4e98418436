package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestAthenaDDL_Command(t *testing.T) {
	code, out, errOut := runHunt(t, "athena", "ddl", "--location", "s3://trail-bucket/", "--account", "111122223333", "--region", "us-east-1,eu-west-1")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	for _, want := range []string{
		"CREATE DATABASE IF NOT EXISTS `hunt`;\n",
		"CREATE EXTERNAL TABLE IF NOT EXISTS `hunt`.`cloudtrail_logs` (",
		"'storage.location.template'='s3://trail-bucket/AWSLogs/${account}/CloudTrail/${region}/${timestamp}'",
		"CREATE EXTERNAL TABLE IF NOT EXISTS `hunt`.`vpc_flow_logs` (",
		"'storage.location.template'='s3://trail-bucket/AWSLogs/${aws_account_id}/vpcflowlogs/${aws_region}/${day}'",
		"'projection.aws_region.values'='us-east-1,eu-west-1'",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runHunt(t, "athena", "ddl", "--table", "vpc_flow", "--location", "s3://flows/x/", "--account", "111122223333", "--parquet", "--hive", "--hourly", "--name", "flows", "--database", "sec")
	if code != exitOK || !strings.Contains(out, "`sec`.`flows`") || !strings.Contains(out, "/year=${year}/month=${month}/day=${day}/hour=${hour}'") || strings.Contains(out, "cloudtrail") {
		t.Errorf("exit %d; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

func TestAthenaDDL_CommandFailure(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"athena"}, "Usage: hunt athena ddl"},
		{[]string{"athena", "tables"}, `unknown subcommand "tables"`},
		{[]string{"athena", "ddl", "--account", "111122223333"}, "--location: expected s3://bucket[/prefix]/"},
		{[]string{"athena", "ddl", "--location", "s3://b/"}, "--account: expected the account IDs"},
		{[]string{"athena", "ddl", "--location", "s3://b/", "--account", "111122223333", "--table", "flows"}, `--table: expected cloudtrail, vpc_flow, guardduty, config or all, found "flows"`},
		{[]string{"athena", "ddl", "--location", "s3://b/", "--account", "111122223333", "--name", "x"}, "--name needs a single --table"},
		{[]string{"athena", "ddl", "--location", "s3://b/", "--account", "111122223333", "--since", "2024-01-01"}, `--since: expected yyyy/MM/dd, found "2024-01-01"`},
		{[]string{"athena", "ddl", "--location", "s3://b/", "--account", "111122223333", "--table", "vpc_flow", "--format", "${version} ${bogus}"}, `found "${bogus}"`},
	}
	for _, tt := range tests {
		code, _, errOut := runHunt(t, tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("hunt %s: exit %d, stderr %q; want exit 2 and %q", strings.Join(tt.args, " "), code, errOut, tt.want)
		}
	}
}

func TestQuery_EngineAthenaExplain(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"tables mapped, partitions from WHERE and flags",
			[]string{"--since", "2024-03-01", "--account", "111122223333", "SELECT eventname, count(*) AS n FROM cloudtrail_logs WHERE awsregion IN ('us-east-1', 'eu-west-1') GROUP BY 1"},
			"athena sql: SELECT eventname, count(*) AS n FROM hunt.cloudtrail_logs WHERE awsregion IN ('us-east-1', 'eu-west-1') AND cloudtrail_logs.account = '111122223333' AND cloudtrail_logs.region IN ('eu-west-1', 'us-east-1') AND cloudtrail_logs.timestamp >= '2024/03/01' GROUP BY 1\n"},
		{"configured table, no partitions",
			[]string{"--athena-table", "cloudtrail=sec.trail", "--athena-partitions", "none", "--athena-database", "sec", "SELECT eventname FROM cloudtrail WHERE eventtime > '2024-03-01T00:00:00Z'"},
			"engine athena: workgroup primary, catalog AwsDataCatalog, database sec\nathena sql: SELECT eventname FROM sec.trail AS cloudtrail WHERE eventtime > '2024-03-01T00:00:00Z'\n"},
		{"hive flow layout",
			[]string{"--athena-flow-layout", "hive", "SELECT srcaddr FROM vpc_flow WHERE start >= 1710000000 AND start < 1710003600"},
			"athena sql: SELECT srcaddr FROM hunt.vpc_flow_logs AS vpc_flow WHERE start >= 1710000000 AND start < 1710003600 AND vpc_flow.year BETWEEN '2024' AND '2024' AND concat(vpc_flow.year, '/', vpc_flow.month, '/', vpc_flow.day) BETWEEN '2024/03/09' AND '2024/03/09'\n"},
		{"function only Athena has",
			[]string{"SELECT to_hex(sha256(to_utf8(eventname))) AS h FROM cloudtrail"},
			"athena sql: SELECT to_hex(sha256(to_utf8(eventname))) AS h FROM hunt.cloudtrail_logs AS cloudtrail\n"},
		{"CREATE TABLE AS, which only Athena runs",
			[]string{"CREATE TABLE x AS SELECT eventname FROM cloudtrail"},
			"athena sql: CREATE TABLE x AS SELECT eventname FROM hunt.cloudtrail_logs AS cloudtrail\n"},
		{"join",
			[]string{"SELECT c.eventname, v.dstport FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr"},
			"athena sql: SELECT c.eventname, v.dstport FROM (SELECT * FROM hunt.cloudtrail_logs AS cloudtrail) AS c JOIN (SELECT * FROM hunt.vpc_flow_logs AS vpc_flow) AS v ON c.sourceipaddress = v.srcaddr\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runHunt(t, append([]string{"query", "--engine", "athena", "--explain"}, tt.args...)...)
			if code != exitOK || !strings.HasSuffix(out, tt.want) {
				t.Errorf("exit %d; stdout:\n%s\nwant suffix:\n%s\nstderr:\n%s", code, out, tt.want, errOut)
			}
		})
	}
}

func TestQuery_EngineFailure(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--engine", "spark", "SELECT 1"}, exitUsage, `--engine: expected local, athena or auto, found "spark"`},
		{[]string{"--engine", "athena", "--explain", "--athena-flow-layout", "weekly", "SELECT 1"}, exitUsage, `--athena-flow-layout: expected default, hourly, hive or hive-hourly, found "weekly"`},
		{[]string{"--engine", "athena", "--explain", "--athena-table", "cloudtrail", "SELECT 1"}, exitUsage, `--athena-table: expected cloudtrail=[DB.]NAME`},
		{[]string{"--engine", "athena", "--explain", "--athena-output", "bucket/x", "SELECT 1"}, exitUsage, `--athena-output: expected s3://bucket/prefix/`},
		// Names are checked locally, positioned, before Athena bills anything.
		{[]string{"--engine", "athena", "--explain", "SELECT evntname FROM cloudtrail"}, exitError, `query:1:8: expected a column of cloudtrail`},
		// The local engine names the function and suggests Athena.
		{[]string{"--engine", "local", "SELECT sha256(to_utf8(eventname)) FROM cloudtrail", "../../testdata/cloudtrail/AWSLogs"}, exitError,
			"function sha256 is not supported by the local engine; run the query with --engine athena"},
	}
	for _, tt := range tests {
		code, _, errOut := runHunt(t, append([]string{"query"}, tt.args...)...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("hunt query %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tt.args, " "), code, errOut, tt.code, tt.want)
		}
	}
}

func TestQuery_EngineAuto(t *testing.T) {
	const sql = "SELECT count(*) AS n FROM cloudtrail WHERE eventname = 'ConsoleLogin'"
	// Small listing: local, and the explain shows the estimate and the SQL
	// that Athena would get.
	code, out, errOut := runHunt(t, "query", "--engine", "auto", "--explain", sql, "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || !strings.HasPrefix(out, "engine auto: local (3 objects, ") ||
		!strings.Contains(out, "athena sql: SELECT count(*) AS n FROM hunt.cloudtrail_logs AS cloudtrail WHERE eventname = 'ConsoleLogin'\n") ||
		!strings.Contains(out, "athena estimate: about 3.4 KiB scanned, $0.000048 ($5 per TB, 10 MB minimum)\n") ||
		!strings.Contains(out, "scan cloudtrail") {
		t.Errorf("exit %d; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	// Local run: same answer as --engine local.
	code, out, errOut = runHunt(t, "query", "--engine", "auto", "--output", "csv", sql, "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || out != "n\n4\n" || !strings.Contains(errOut, "engine auto: local") {
		t.Errorf("exit %d; stdout %q; stderr:\n%s", code, out, errOut)
	}
	// Over the byte threshold: Athena.
	code, out, _ = runHunt(t, "query", "--engine", "auto", "--explain", "--auto-max-bytes", "100", sql, "../../testdata/cloudtrail/AWSLogs")
	if code != exitOK || !strings.HasPrefix(out, "engine auto: athena (3 objects, ") || !strings.Contains(out, "more than --auto-max-bytes 100 B") {
		t.Errorf("exit %d; stdout:\n%s", code, out)
	}
	// Over the object threshold: Athena.
	_, out, _ = runHunt(t, "query", "--engine", "auto", "--explain", "--auto-max-objects", "2", sql, "../../testdata/cloudtrail/AWSLogs")
	if !strings.Contains(out, "more than --auto-max-objects 2") {
		t.Errorf("stdout:\n%s", out)
	}
	// A function only Athena has: Athena, whatever the size.
	_, out, _ = runHunt(t, "query", "--engine", "auto", "--explain", "SELECT md5(to_utf8(eventname)) FROM cloudtrail", "../../testdata/cloudtrail/AWSLogs")
	if !strings.HasPrefix(out, "engine auto: athena (uses md5, to_utf8, which only Athena runs)") {
		t.Errorf("stdout:\n%s", out)
	}
}

// TestQuery_EngineAthenaRun runs hunt query --engine athena against a
// fake Athena endpoint (AWS_ENDPOINT_URL_ATHENA, credentials from the
// environment).
func TestQuery_EngineAthenaRun(t *testing.T) {
	var mu sync.Mutex
	var sent string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		var out any
		switch r.Header.Get("X-Amz-Target") {
		case "AmazonAthena.StartQueryExecution":
			mu.Lock()
			sent, _ = in["QueryString"].(string)
			mu.Unlock()
			out = map[string]any{"QueryExecutionId": "q1"}
		case "AmazonAthena.GetQueryExecution":
			out = map[string]any{"QueryExecution": map[string]any{"QueryExecutionId": "q1",
				"Status": map[string]any{"State": "SUCCEEDED"}, "Statistics": map[string]any{"DataScannedInBytes": 52428800}}}
		case "AmazonAthena.GetQueryResults":
			v := func(s string) map[string]any { return map[string]any{"VarCharValue": s} }
			out = map[string]any{"ResultSet": map[string]any{
				"ResultSetMetadata": map[string]any{"ColumnInfo": []any{
					map[string]any{"Name": "eventname", "Label": "eventname", "Type": "varchar"},
					map[string]any{"Name": "n", "Label": "n", "Type": "bigint"}}},
				"Rows": []any{
					map[string]any{"Data": []any{v("eventname"), v("n")}},
					map[string]any{"Data": []any{v("StopLogging"), v("2")}},
					map[string]any{"Data": []any{v("ConsoleLogin"), v("4")}},
				}}}
		default:
			http.Error(w, "unexpected "+r.Header.Get("X-Amz-Target"), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(out)
	}))
	defer srv.Close()
	useFakeAthena(t, srv.URL)
	code, out, errOut := runHunt(t, "query", "--engine", "athena", "--output", "csv", "--region", "us-east-1",
		"SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY 1")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	if want := "eventname,n\nConsoleLogin,4\nStopLogging,2\n"; out != want {
		t.Errorf("stdout %q; want %q (header row dropped, rows sorted as locally)", out, want)
	}
	if want := "SELECT eventname, count(*) AS n FROM hunt.cloudtrail_logs AS cloudtrail WHERE cloudtrail.region = 'us-east-1' GROUP BY 1"; sent != want {
		t.Errorf("sent %q; want %q", sent, want)
	}
	if want := "hunt query: athena query q1 SUCCEEDED: 2 rows; 50.0 MiB scanned, cost $0.000238 ($5 per TB, 10 MB minimum)"; !strings.Contains(errOut, want) {
		t.Errorf("stderr %q; want %q", errOut, want)
	}
}

func TestQuery_EngineAthenaIgnoresPaths(t *testing.T) {
	code, _, errOut := runHunt(t, "query", "--engine", "athena", "--explain", "SELECT 1", "../../testdata/cloudtrail")
	if want := "--engine athena reads the Athena tables (cloudtrail → hunt.cloudtrail_logs, vpc_flow → hunt.vpc_flow_logs, guardduty → hunt.gd_logs, config → hunt.config_items); the 1 PATH arguments are not read"; code != exitOK || !strings.Contains(errOut, want) {
		t.Errorf("exit %d; stderr %q; want %q", code, errOut, want)
	}
}

func TestAthenaFlags_Client(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_PROFILE", "")
	f := athenaFlags{workGroup: "primary", database: "sec", catalog: "AwsDataCatalog", flowLayout: "hourly", partitions: "hunt"}
	a, err := f.client(context.Background(), commonFlags{region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Tables()["vpc_flow"]; got.Database != "sec" || got.Partitions.Date != "hour" {
		t.Errorf("vpc_flow table %+v; want sec.vpc_flow_logs partitioned by hour", got)
	}
	f.partitions = "some"
	if _, err := f.client(context.Background(), commonFlags{}); err == nil || !strings.Contains(err.Error(), "--athena-partitions: expected hunt or none") {
		t.Errorf("error %v", err)
	}
}

// useFakeAthena points the SDK's default chain at a fake Athena endpoint
// with static credentials from the environment, and no shared config.
func useFakeAthena(t *testing.T, url string) {
	t.Helper()
	t.Setenv("AWS_ENDPOINT_URL_ATHENA", url)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_PROFILE", "")
}

// TestAthena_FlowColumns: --engine athena refuses, before running, a query
// reading a flow-log field the Athena table (made for a text format) does
// not declare; --athena-flow-format says which it declares, and hunt
// athena ddl --from reads that format from a real object's header.
func TestAthena_FlowColumns(t *testing.T) {
	q := "SELECT pkt_srcaddr, count(*) AS n FROM vpc_flow GROUP BY 1"
	code, _, errOut := runHunt(t, "query", "--engine", "athena", "--explain", q)
	if code != exitError || !strings.Contains(errOut, `column "pkt_srcaddr" of vpc_flow is not in the Athena table vpc_flow_logs, which declares 14 columns`) {
		t.Errorf("default table: exit %d\n%s", code, errOut)
	}
	code, out, errOut := runHunt(t, "query", "--engine", "athena", "--explain", "--athena-flow-format", "${version} ${pkt-srcaddr} ${start} ${end}", q)
	if code != exitOK || !strings.Contains(out, "athena sql: SELECT pkt_srcaddr") {
		t.Errorf("with the format: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, _ := runHunt(t, "query", "--engine", "athena", "--explain", "--athena-flow-format", "parquet", q); code != exitOK {
		t.Errorf("parquet table: exit %d", code)
	}
	code, out, errOut = runHunt(t, "athena", "ddl", "--location", "s3://b/", "--account", "111122223333", "--table", "vpc_flow", "--from", "../../testdata/vpcflow/v3-custom.log")
	if code != exitOK || !strings.Contains(out, "`pkt_srcaddr` string") || !strings.Contains(out, "`tcp_flags` int") {
		t.Errorf("--from: exit %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = runHunt(t, "athena", "ddl", "--location", "s3://b/", "--account", "111122223333", "--table", "vpc_flow", "--from", "../../testdata/vpcflow/v2-default-noheader.log")
	if code != exitError || !strings.Contains(errOut, "expected a header line naming the fields") {
		t.Errorf("--from without header: exit %d\n%s", code, errOut)
	}
}
