package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

func ctRecords(mem memory.Allocator, split int) []arrow.RecordBatch {
	rows := ctSample()
	var recs []arrow.RecordBatch
	for i := 0; i < len(rows); i += split {
		recs = append(recs, buildRecord(mem, parsers.CloudTrailSchema, rows[i:min(i+split, len(rows))]))
	}
	return recs
}

func releaseAll(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}

var cloudtrailResultTests = []struct{ name, sql, want string }{
	{"count", "SELECT count(*) FROM cloudtrail", "6\n"},
	{"group", "SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY eventname ORDER BY n DESC, eventname",
		"ConsoleLogin|2\nDescribeInstances|2\nCreateNetworkAclEntry|1\nDeleteNetworkAcl|1\n"},
	{"acl window", `SELECT useridentity.arn, eventname, eventtime FROM cloudtrail_logs
		WHERE eventname LIKE '%NetworkAcl%' AND from_iso8601_timestamp(eventtime) BETWEEN timestamp '2024-03-01 15:00:00' AND timestamp '2024-03-01 16:00:00'`,
		"arn:aws:iam::111111111111:user/alice|CreateNetworkAclEntry|2024-03-01T15:04:05Z\n"},
	{"console no mfa", `SELECT useridentity.username, sourceipaddress FROM cloudtrail
		WHERE eventname = 'ConsoleLogin' AND json_extract_scalar(additionaleventdata, '$.MFAUsed') <> 'Yes'
		AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Success'`,
		"bob|203.0.113.7\n"},
	{"in and not", "SELECT DISTINCT useridentity.username FROM cloudtrail WHERE awsregion IN ('us-east-1', 'eu-west-1') AND NOT eventname = 'ConsoleLogin'",
		"alice\n"},
	{"is null", "SELECT count(*) FROM cloudtrail WHERE errorcode IS NULL", "5\n"},
	{"is not null", "SELECT eventname, errorcode FROM cloudtrail WHERE errorcode IS NOT NULL", "DeleteNetworkAcl|AccessDenied\n"},
	{"unnest", "SELECT eventname, r.arn FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r) ORDER BY 2",
		"CreateNetworkAclEntry|arn:aws:ec2:acl/acl-1\nDeleteNetworkAcl|arn:aws:ec2:acl/acl-2\nDeleteNetworkAcl|arn:aws:ec2:vpc/vpc-1\n"},
	{"unnest fields", "SELECT arn, type FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(arn, accountid, type) WHERE type = 'AWS::EC2::VPC'",
		"arn:aws:ec2:vpc/vpc-1|AWS::EC2::VPC\n"},
	{"subscript", "SELECT resources[1].arn, cardinality(resources) FROM cloudtrail WHERE resources IS NOT NULL ORDER BY 1",
		"arn:aws:ec2:acl/acl-1|1\narn:aws:ec2:acl/acl-2|2\n"},
	{"subscript empty", "SELECT resources[1].arn FROM cloudtrail WHERE resources IS NULL AND eventname = 'ConsoleLogin'", "NULL\nNULL\n"},
	{"subscript range", "SELECT resources[9223372036854775807].arn, element_at(resources, 2).type FROM cloudtrail WHERE resources IS NOT NULL ORDER BY 2",
		"NULL|AWS::EC2::VPC\nNULL|NULL\n"},
	{"cidr", "SELECT sourceipaddress FROM cloudtrail WHERE contains('10.0.0.0/8', CAST(sourceipaddress AS IPADDRESS)) ORDER BY 1",
		"10.1.2.3\n10.1.2.3\n10.1.2.4\n10.9.9.9\n"},
	{"having", "SELECT useridentity.username AS u, count(*) FROM cloudtrail GROUP BY 1 HAVING count(*) > 1", "alice|3\n"},
	{"aggregates", "SELECT count(DISTINCT eventname), approx_distinct(awsregion), min(eventtime), max(eventtime), arbitrary(recipientaccountid) FROM cloudtrail",
		"4|3|2024-03-01T15:04:05Z|2024-03-02T10:00:01Z|111111111111\n"},
	{"min_by", "SELECT useridentity.username, min_by(eventname, eventtime), max_by(eventname, eventtime) FROM cloudtrail GROUP BY 1 ORDER BY 1",
		"alice|CreateNetworkAclEntry|DescribeInstances\nbob|ConsoleLogin|ConsoleLogin\ncarol|ConsoleLogin|ConsoleLogin\ndave|DescribeInstances|DescribeInstances\n"},
	{"boolean aggregates", "SELECT useridentity.username, bool_or(errorcode IS NOT NULL), bool_and(awsregion = 'us-east-1'), every(eventname LIKE 'D%'), bool_or(NULL), bool_and(DISTINCT eventname <> 'x') FROM cloudtrail GROUP BY 1 ORDER BY 1",
		"alice|true|false|false|NULL|true\nbob|false|true|false|NULL|true\ncarol|false|false|false|NULL|true\ndave|false|false|true|NULL|true\n"},
	{"array_agg", "SELECT useridentity.username, array_agg(eventname) FROM cloudtrail GROUP BY 1 ORDER BY 1 LIMIT 1",
		"alice|[CreateNetworkAclEntry, DeleteNetworkAcl, DescribeInstances]\n"},
	{"date_trunc", "SELECT date_trunc('day', from_iso8601_timestamp(eventtime)) AS d, count(*) FROM cloudtrail GROUP BY 1 ORDER BY 1",
		"2024-03-01 00:00:00.000|3\n2024-03-02 00:00:00.000|3\n"},
	{"strings", "SELECT lower(eventname), upper(awsregion), substr(eventname, 1, 4), strpos(eventname, 'Net'), split_part(useridentity.arn, '/', 2), concat(awsregion, ':', eventname), starts_with(eventname, 'Cre') FROM cloudtrail WHERE eventname = 'CreateNetworkAclEntry'",
		"createnetworkaclentry|US-EAST-1|Crea|7|alice|us-east-1:CreateNetworkAclEntry|true\n"},
	{"regexp", "SELECT regexp_extract(useridentity.arn, 'user/(.*)', 1), regexp_like(eventname, '^Desc') FROM cloudtrail WHERE eventname <> 'ConsoleLogin' ORDER BY 1, 2",
		"alice|false\nalice|false\nalice|true\ndave|true\n"},
	{"case", "SELECT CASE WHEN errorcode IS NULL THEN 'ok' ELSE 'err' END AS s, count(*) FROM cloudtrail GROUP BY 1 ORDER BY 1",
		"err|1\nok|5\n"},
	{"simple case", "SELECT CASE awsregion WHEN 'us-east-1' THEN 1 WHEN 'eu-west-1' THEN 2 ELSE 3 END AS r FROM cloudtrail ORDER BY 1", "1\n1\n1\n2\n3\n3\n"},
	{"cte union", "WITH a AS (SELECT eventname FROM cloudtrail WHERE awsregion = 'eu-west-1'), b AS (SELECT eventname FROM cloudtrail WHERE errorcode = 'AccessDenied') SELECT * FROM a UNION ALL SELECT * FROM b ORDER BY 1",
		"ConsoleLogin\nDeleteNetworkAcl\n"},
	{"subquery", "SELECT n, count(*) FROM (SELECT useridentity.username AS u, count(*) AS n FROM cloudtrail GROUP BY 1) AS s GROUP BY n ORDER BY n",
		"1|3\n3|1\n"},
	{"limit", "SELECT eventname FROM cloudtrail ORDER BY eventtime DESC LIMIT 2", "DescribeInstances\nDescribeInstances\n"},
	{"contains over an array in WHERE", "SELECT eventname FROM cloudtrail WHERE contains(split('ConsoleLogin,DeleteNetworkAcl', ','), eventname) ORDER BY 1",
		"ConsoleLogin\nConsoleLogin\nDeleteNetworkAcl\n"},
	{"arrays made per dictionary entry", "SELECT count(*), count_if(contains(split(eventsource, '.'), 'ec2')), sum(cardinality(split(eventsource, '.'))), max(element_at(split(eventsource, '.'), 1)), max(any_match(split(eventsource, '.'), x -> x = 'com')) FROM cloudtrail WHERE cardinality(split(eventsource, '.')) = 3",
		"6|6|18|ec2|true\n"},
	{"substring FROM FOR and position IN", "SELECT substring(eventname FROM 2 FOR 3), substring(eventname FROM 12), position('Acl' IN eventname) FROM cloudtrail WHERE eventname LIKE 'Create%'",
		"rea|rkAclEntry|14\n"},
	{"concat_ws", "SELECT concat_ws('/', awsregion, errorcode, eventname), concat_ws(errorcode, 'a', 'b') IS NULL, concat_ws('.', split(awsregion, '-')), concat_ws('|', ARRAY[eventname, NULL, 'x']) FROM cloudtrail WHERE eventname LIKE 'Delete%'",
		"us-east-1/AccessDenied/DeleteNetworkAcl|false|us.east.1|DeleteNetworkAcl|x\n"},
	{"array constructor", "SELECT eventname, contains(ARRAY['ConsoleLogin', NULL, 'nope'], eventname), ARRAY[eventname, awsregion] FROM cloudtrail WHERE contains(ARRAY['ConsoleLogin', 'DeleteNetworkAcl'], eventname) ORDER BY eventtime",
		"ConsoleLogin|true|[ConsoleLogin, us-east-1]\nConsoleLogin|true|[ConsoleLogin, eu-west-1]\nDeleteNetworkAcl|NULL|[DeleteNetworkAcl, us-east-1]\n"},
	{"offset", "SELECT eventname, eventtime FROM cloudtrail ORDER BY eventtime DESC OFFSET 1 LIMIT 2",
		"DescribeInstances|2024-03-02T10:00:00Z\nDeleteNetworkAcl|2024-03-02T09:00:00Z\n"},
	{"offset without limit", "SELECT eventname FROM cloudtrail ORDER BY eventtime OFFSET 4", "DescribeInstances\nDescribeInstances\n"},
	{"offset past the end", "SELECT eventname FROM cloudtrail ORDER BY eventtime OFFSET 6", ""},
	{"offset unordered", "SELECT count(*) FROM (SELECT eventname FROM cloudtrail OFFSET 2)", "4\n"},
	{"offset fetch", "SELECT awsregion, count(*) FROM cloudtrail GROUP BY 1 ORDER BY 1 OFFSET 1 ROW FETCH FIRST 1 ROW ONLY", "us-east-1|3\n"},
	{"arith", "SELECT 1 + 2 * 3, 7 / 2, 7 % 3, 7.0 / 2, -(2 - 5), 1 || 'a'", "7|3|1|3.5|3|1a\n"},
	{"cast", "SELECT CAST('42' AS bigint) + 1, TRY_CAST('x' AS bigint), CAST(1.6 AS bigint), CAST(2 AS varchar), CAST('2024-01-02 03:04:05' AS timestamp)",
		"43|NULL|2|2|2024-01-02 03:04:05.000\n"},
	{"time", "SELECT to_unixtime(timestamp '2024-01-01 00:00:00'), from_unixtime(1704067200), date_add('hour', 2, timestamp '2024-01-01 00:00:00'), date_diff('minute', timestamp '2024-01-01 00:00:00', timestamp '2024-01-01 01:30:00'), timestamp '2024-01-31 00:00:00' + interval '1' month",
		"1.7040672E9|2024-01-01 00:00:00.000|2024-01-01 02:00:00.000|90|2024-02-29 00:00:00.000\n"},
	{"json", `SELECT json_extract_scalar(requestparameters, '$.ruleNumber'), json_extract(requestparameters, '$.egress'), json_extract_scalar(requestparameters, '$.missing') FROM cloudtrail WHERE requestparameters IS NOT NULL`,
		"100|false|NULL\n"},
	{"nested mfa", "SELECT count(*) FROM cloudtrail WHERE useridentity.sessioncontext.attributes.mfaauthenticated = 'false'", "6\n"},
	{"star count cols", "SELECT count(*) FROM (SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin')", "2\n"},
	{"order nulls", "SELECT errorcode FROM cloudtrail ORDER BY errorcode NULLS FIRST LIMIT 2", "NULL\nNULL\n"},
	{"coalesce", "SELECT coalesce(errorcode, 'none'), count(*) FROM cloudtrail GROUP BY 1 ORDER BY 1", "AccessDenied|1\nnone|5\n"},
	{"multi key", "SELECT awsregion, useridentity.username, count(*) FROM cloudtrail GROUP BY 1, 2 ORDER BY 1, 2",
		"eu-west-1|carol|1\nus-east-1|alice|2\nus-east-1|bob|1\nus-west-2|alice|1\nus-west-2|dave|1\n"},
	{"global empty", "SELECT count(*), sum(1), max(eventname) FROM cloudtrail WHERE eventname = 'Nope'", "0|NULL|NULL\n"},
	{"path", `SELECT count(DISTINCT "$path") FROM cloudtrail`, "1\n"},
}

func TestQuery_Results(t *testing.T) {
	for _, workers := range []int{1, 3} {
		for _, split := range []int{6, 1} {
			for _, tt := range cloudtrailResultTests {
				t.Run(tt.name, func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					rows := ctSample()
					for _, r := range rows {
						r["$path"] = "s3://bucket/a.json.gz"
					}
					var recs []arrow.RecordBatch
					for i := 0; i < len(rows); i += split {
						recs = append(recs, buildRecord(mem, parsers.CloudTrailSchema, rows[i:min(i+split, len(rows))]))
					}
					defer releaseAll(recs)
					got := resultText(runQuery(t, tt.sql, workers, recs...))
					if got != tt.want {
						t.Errorf("workers=%d split=%d %s\ngot:\n%s\nwant:\n%s", workers, split, tt.sql, got, tt.want)
					}
				})
			}
		}
	}
}

var vpcResultTests = []struct{ name, sql, want string }{
	{"reject per minute", `SELECT srcaddr, date_trunc('minute', from_unixtime(start)) AS minute, count(*) AS n
		FROM vpc_flow WHERE action = 'REJECT' GROUP BY srcaddr, date_trunc('minute', from_unixtime(start)) HAVING count(*) > 100`,
		"10.0.0.9|2024-03-01 00:00:00.000|150\n"},
	{"bytes", `SELECT action, sum(bytes), avg(packets), min("end" - start) FROM vpc_flow_logs GROUP BY action ORDER BY action`,
		"ACCEPT|10000|1.0|10\nREJECT|3000|1.0|10\n"},
	{"null", "SELECT count(*), count(dstport) FROM vpc_flow", "250|150\n"},
}

func vpcRows() []map[string]any {
	var rows []map[string]any
	for i := 0; i < 250; i++ {
		r := map[string]any{"version": 2, "account_id": "111111111111", "srcaddr": "10.0.0.9", "dstaddr": "10.0.1.1",
			"srcport": 40000 + i, "dstport": 22, "protocol": 6, "packets": 1, "bytes": 20, "start": 1709251200 + i/10, "end": 1709251210 + i/10,
			"action": "REJECT", "log_status": "OK"}
		if i >= 150 {
			r["action"] = "ACCEPT"
			r["srcaddr"] = "10.0.0.8"
			r["bytes"] = 100 * (i % 2) * 2
			r["dstport"] = nil
		}
		rows = append(rows, r)
	}
	return rows
}

func TestQuery_VPCFlow(t *testing.T) {
	for _, workers := range []int{1, 4} {
		for _, tt := range vpcResultTests {
			t.Run(tt.name, func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				rows := vpcRows()
				var recs []arrow.RecordBatch
				for i := 0; i < len(rows); i += 64 {
					recs = append(recs, buildRecord(mem, parsers.VPCFlowSchema, rows[i:min(i+64, len(rows))]))
				}
				defer releaseAll(recs)
				got := resultText(runQuery(t, tt.sql, workers, recs...))
				if got != tt.want {
					t.Errorf("workers=%d %s\ngot:\n%s\nwant:\n%s", workers, tt.sql, got, tt.want)
				}
			})
		}
	}
}

func TestCompile_Failure(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"SELECT ¶evntname FROM cloudtrail", `expected a column of cloudtrail, found "evntname"`},
		{"SELECT a FROM ¶cloudtrails", `expected table cloudtrail or vpc_flow or guardduty or config (or a mapped name such as cloudtrail_logs), found "cloudtrails"`},
		{"SELECT ¶approx_percentile(bytes, 0.5) FROM vpc_flow", "aggregate function approx_percentile is not supported by the local engine; run the query with --engine athena"},
		{"SELECT ¶to_hex(eventname) FROM cloudtrail", "function to_hex is not supported by the local engine; run the query with --engine athena"},
		{"SELECT ¶nosuch(1)", `expected a known function, found "nosuch"`},
		{"SELECT eventname FROM cloudtrail WHERE eventname = ¶1", "expected a value comparable with varchar after =, found bigint"},
		{"SELECT 1 FROM cloudtrail WHERE eventtime > ¶timestamp '2024-01-01 00:00:00'", "expected a value comparable with varchar after >, found timestamp(3) (convert the varchar with from_iso8601_timestamp(), or compare with an ISO 8601 string)"},
		{"SELECT eventname, ¶useridentity.arn, count(*) FROM cloudtrail GROUP BY eventname", `expected an aggregate or a GROUP BY expression, found "useridentity.arn"`},
		{"SELECT count(*) FROM cloudtrail WHERE ¶count(*) > 1", "expected a scalar expression, found aggregate count() (aggregates are allowed in SELECT, HAVING and ORDER BY)"},
		{"SELECT ¶useridentity.nope FROM cloudtrail", `expected a field of useridentity, found "nope"`},
		{"SELECT 1 FROM cloudtrail WHERE ¶eventname", "expected a boolean condition in WHERE, found varchar"},
		{"SELECT ¶CAST('x' AS varbinary)", `expected a type the local engine supports (varchar, bigint, integer, double, boolean, timestamp, date, json, ipaddress), found "varbinary"; run the query with --engine athena`},
		{"SELECT ¶CAST('x' AS bigint)", `cannot cast "x" to bigint`},
		{"SELECT x FROM cloudtrail WHERE eventname LIKE ¶eventsource", `expected a constant varchar LIKE pattern, found "eventsource"`},
		{"SELECT json_extract(requestparameters, ¶'a.b') FROM cloudtrail", `expected a JSONPath such as '$.a.b[0]', found "a.b"`},
		{"SELECT eventname FROM cloudtrail ORDER BY ¶3", "expected ORDER BY position between 1 and 1, found 3"},
		{"SELECT 1 UNION ALL ¶SELECT 1, 2", "expected 1 columns in each UNION ALL branch, found 2"},
	}
	for _, tt := range tests {
		off := strings.Index(tt.in, "¶")
		in := strings.Replace(tt.in, "¶", "", 1)
		_, err := Compile(in, Options{Source: "x.sql"})
		var pe *parsers.ParseError
		if err == nil || !errorsAs(err, &pe) {
			t.Errorf("Compile(%q): got %v; want *parsers.ParseError", in, err)
			continue
		}
		if pe.Offset != int64(off) || pe.Err.Error() != tt.msg {
			t.Errorf("Compile(%q):\ngot  %d %q\nwant %d %q", in, pe.Offset, pe.Err.Error(), off, tt.msg)
		}
	}
}

func TestRun_LimitStopsScan(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := ctRecords(mem, 2)
	defer releaseAll(recs)
	q, err := Compile("SELECT eventname FROM cloudtrail WHERE awsregion <> 'nowhere' LIMIT 3", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(2)
	pushed := 0
	for i, rec := range recs {
		if r.Done() {
			break
		}
		if err := r.Push(i%2, rec); err != nil {
			t.Fatal(err)
		}
		pushed++
	}
	if !r.Done() || pushed != 2 {
		t.Errorf("Done() = %v after %d pushes; want true after 2", r.Done(), pushed)
	}
	res, err := r.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 3 {
		t.Errorf("got %d rows; want 3", res.Len())
	}
	// ORDER BY needs every row: no early stop.
	q, _ = Compile("SELECT eventname FROM cloudtrail ORDER BY 1 LIMIT 1", Options{})
	r = q.NewRun(1)
	for _, rec := range recs {
		if err := r.Push(0, rec); err != nil {
			t.Fatal(err)
		}
	}
	if r.Done() {
		t.Errorf("Done() with ORDER BY")
	}
	if _, err := r.Finish(); err != nil {
		t.Fatal(err)
	}
}

func TestRun_TwoTables(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ct := ctRecords(mem, 6)
	defer releaseAll(ct)
	vpc := buildRecord(mem, parsers.VPCFlowSchema, vpcRows()[:5])
	defer vpc.Release()
	q, err := Compile(`SELECT sourceipaddress AS ip FROM cloudtrail WHERE eventname = 'ConsoleLogin'
		UNION ALL SELECT DISTINCT srcaddr FROM vpc_flow ORDER BY ip`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	if err := r.Push(0, vpc); err == nil {
		t.Errorf("Push on a two-table query: no error")
	}
	if err := r.PushTable(0, "vpc_flow", vpc); err != nil {
		t.Fatal(err)
	}
	if err := r.PushTable(0, "cloudtrail", ct[0]); err != nil {
		t.Fatal(err)
	}
	res, err := r.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := resultText(res), "10.0.0.9\n198.51.100.1\n203.0.113.7\n"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestRun_Errors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := ctRecords(mem, 6)
	defer releaseAll(recs)
	q, err := Compile("SELECT CAST(eventname AS bigint) FROM cloudtrail", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	if err := r.Push(0, recs[0]); err == nil || err.Error() != `query:1:8: cannot cast "CreateNetworkAclEntry" to bigint` {
		t.Errorf("got %v; want cast error", err)
	}
	if _, err := r.Finish(); err == nil {
		t.Errorf("Finish after a failed push: no error")
	}
	// A batch without a projected column the query needs.
	q, _ = Compile("SELECT useragent FROM cloudtrail", Options{})
	r = q.NewRun(1)
	small := buildRecord(mem, projectTestSchema([]string{"eventname"}), []map[string]any{{"eventname": "x"}})
	defer small.Release()
	if err := r.Push(0, small); err == nil || !strings.Contains(err.Error(), `lacks column "useragent"`) {
		t.Errorf("got %v; want missing column error", err)
	}
	if err := r.Push(5, small); err == nil {
		t.Errorf("worker out of range: no error")
	}
}

// TestRun_Context_Failure: once the run's context is done, Push and
// Finish return its error instead of working on, so SIGINT stops a scan
// between batches.
func TestRun_Context_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := ctRecords(mem, 2)
	defer releaseAll(recs)
	q, err := Compile("SELECT eventname, count(*) FROM cloudtrail GROUP BY 1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := q.NewRunContext(ctx, 1)
	if err := r.Push(0, recs[0]); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := r.Push(0, recs[1]); !errors.Is(err, context.Canceled) {
		t.Errorf("Push after cancel: got %v; want context.Canceled", err)
	}
	if _, err := r.Finish(); !errors.Is(err, context.Canceled) {
		t.Errorf("Finish after cancel: got %v; want context.Canceled", err)
	}
	// Cancelled before Finish, with every push done.
	ctx, cancel = context.WithCancel(context.Background())
	r = q.NewRunContext(ctx, 1)
	if err := r.Push(0, recs[0]); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := r.Finish(); !errors.Is(err, context.Canceled) {
		t.Errorf("Finish after cancel: got %v; want context.Canceled", err)
	}
}

// streamRows runs sql with Run.Stream over recs on workers and returns
// the streamed rows as text (in arrival order) and the Result of Finish.
func streamRows(t *testing.T, sql string, workers int, recs []arrow.RecordBatch) ([]string, *Result) {
	t.Helper()
	q, err := Compile(sql, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(workers)
	var rows []string
	r.Stream(func(res *Result) error {
		if len(res.Columns) != len(q.columns) || len(res.Types) != len(q.columns) {
			t.Errorf("streamed result columns %v types %v", res.Columns, res.Types)
		}
		for _, l := range strings.Split(strings.TrimSuffix(resultText(res), "\n"), "\n") {
			rows = append(rows, l)
		}
		return nil
	})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(recs); i += workers {
				if err := r.Push(w, recs[i]); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for _, ws := range q.sink.ws {
		for _, c := range ws {
			if c.len() != 0 {
				t.Errorf("%s: the sink kept %d rows while streaming", sql, c.len())
			}
		}
	}
	res, err := r.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return rows, res
}

// TestRun_Stream_Success: streamed batches hold the rows Finish would
// return (any order without ORDER BY, its order with one), and Finish
// then returns no rows.
func TestRun_Stream_Success(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := ctRecords(mem, 2)
	defer releaseAll(recs)
	for _, tc := range []struct {
		sql     string
		ordered bool
	}{
		{"SELECT eventname, regexp_replace(sourceipaddress, '\\.', '-') FROM cloudtrail", false},
		{"SELECT eventname, count(*) FROM cloudtrail GROUP BY 1", false},
		{"SELECT eventname, eventtime FROM cloudtrail ORDER BY eventtime DESC, 1", true},
		{"SELECT eventname FROM cloudtrail ORDER BY 1 LIMIT 2", true},
	} {
		want := strings.Split(strings.TrimSuffix(resultText(runQuery(t, tc.sql, 2, recs...)), "\n"), "\n")
		got, res := streamRows(t, tc.sql, 2, recs)
		if !tc.ordered {
			slices.Sort(got)
			slices.Sort(want)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s\ngot  %q\nwant %q", tc.sql, got, want)
		}
		if res.Len() != 0 || len(res.Columns) != len(res.Types) || len(res.Columns) == 0 {
			t.Errorf("%s: Finish after streaming: %d rows, columns %v", tc.sql, res.Len(), res.Columns)
		}
	}
	// LIMIT without ORDER BY: as many rows, whichever came first.
	got, _ := streamRows(t, "SELECT eventname FROM cloudtrail LIMIT 3", 2, recs)
	if len(got) != 3 {
		t.Errorf("LIMIT 3: streamed %d rows", len(got))
	}
}

// TestRun_Stream_Failure: an error of the callback stops the run.
func TestRun_Stream_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := ctRecords(mem, 2)
	defer releaseAll(recs)
	stop := errors.New("sink full")
	for _, sql := range []string{"SELECT eventname FROM cloudtrail", "SELECT eventname FROM cloudtrail ORDER BY 1"} {
		q, err := Compile(sql, Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := q.NewRun(1)
		r.Stream(func(*Result) error { return stop })
		for _, rec := range recs {
			if err := r.Push(0, rec); err != nil {
				if !errors.Is(err, stop) {
					t.Errorf("%s: Push: got %v; want %v", sql, err, stop)
				}
				break
			}
		}
		if _, err := r.Finish(); !errors.Is(err, stop) {
			t.Errorf("%s: Finish: got %v; want %v", sql, err, stop)
		}
	}
}

// TestQuery_WhereNull: WHERE NULL (a constant of unknown type, without a
// boolean value) keeps no row; it panicked (found by FuzzCompileRun).
func TestQuery_WhereNull(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := ctRecords(mem, 6)
	defer releaseAll(recs)
	for _, sql := range []string{"SELECT eventname FROM cloudtrail WHERE NULL", "SELECT eventname FROM cloudtrail WHERE NOT NULL OR NULL"} {
		if res := runQuery(t, sql, 1, recs...); res.Len() != 0 {
			t.Errorf("%s: %d rows", sql, res.Len())
		}
	}
}
