package engine

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hunt-sec/hunt/parsers"
)

var athenaNow = time.Date(2024, 3, 20, 12, 0, 0, 0, time.UTC)

func TestAthenaSQL_Success(t *testing.T) {
	tables := DefaultAthenaTables("hunt")
	hive := DefaultAthenaTables("hunt")
	hive["vpc_flow"] = AthenaTable{Name: "flows", Partitions: FlowPartitions(FlowLayout{Hive: true, Hourly: true})}
	hourly := DefaultAthenaTables("hunt")
	hourly["vpc_flow"] = AthenaTable{Database: "hunt", Name: "vpc_flow_logs", Partitions: FlowPartitions(FlowLayout{Hourly: true})}
	plain := map[string]AthenaTable{"cloudtrail": {Name: "cloudtrail_logs"}}
	pp := map[string]AthenaTable{"cloudtrail": {Database: "default", Name: "cloudtrail_logs_pp", Partitions: AthenaPartitions{Date: "timestamp", DateFormat: "yyyy/MM/dd"}}}
	tests := []struct {
		name   string
		sql    string
		tables map[string]AthenaTable
		extra  Pruning
		want   string
	}{
		{"time and region from WHERE", `SELECT eventname FROM cloudtrail WHERE eventtime >= '2024-03-18T00:00:00Z' AND awsregion = 'eu-west-1'`, tables, Pruning{},
			`SELECT eventname FROM hunt.cloudtrail_logs AS cloudtrail WHERE eventtime >= '2024-03-18T00:00:00Z' AND awsregion = 'eu-west-1' AND cloudtrail.region = 'eu-west-1' AND cloudtrail.timestamp >= '2024/03/18'`},
		{"until widened by the delivery margin", `SELECT count(*) FROM cloudtrail_logs WHERE eventtime BETWEEN '2024-03-18T10:00:00Z' AND '2024-03-19T23:30:00Z'`, tables, Pruning{},
			`SELECT count(*) FROM hunt.cloudtrail_logs WHERE eventtime BETWEEN '2024-03-18T10:00:00Z' AND '2024-03-19T23:30:00Z' AND cloudtrail_logs.timestamp BETWEEN '2024/03/18' AND '2024/03/20'`},
		{"relative time, accounts, alias kept", `SELECT t.eventname FROM cloudtrail AS t WHERE from_iso8601_timestamp(t.eventtime) > now() - INTERVAL '1' DAY AND t.recipientaccountid IN ('444455556666', '111122223333')`, tables, Pruning{},
			`SELECT t.eventname FROM hunt.cloudtrail_logs AS t WHERE from_iso8601_timestamp(t.eventtime) > now() - INTERVAL '1' DAY AND t.recipientaccountid IN ('444455556666', '111122223333') AND t.account IN ('111122223333', '444455556666') AND t.timestamp >= '2024/03/19'`},
		{"ARRAY constructors and OFFSET print as Trino SQL", `SELECT eventname FROM cloudtrail WHERE contains(ARRAY['ConsoleLogin', 'GetSessionToken'], eventname) ORDER BY eventtime OFFSET 10 ROWS FETCH FIRST 5 ROWS ONLY`, plain, Pruning{},
			`SELECT eventname FROM cloudtrail_logs AS cloudtrail WHERE contains(ARRAY['ConsoleLogin', 'GetSessionToken'], eventname) ORDER BY eventtime OFFSET 10 LIMIT 5`},
		{"VALUES and column aliases print as Trino SQL", `WITH iocs(ip) AS (VALUES '203.0.113.7') SELECT eventname FROM cloudtrail WHERE sourceipaddress IN (SELECT ip FROM iocs)`, plain, Pruning{},
			`WITH iocs(ip) AS (VALUES ('203.0.113.7')) SELECT eventname FROM cloudtrail_logs AS cloudtrail WHERE sourceipaddress IN (SELECT ip FROM iocs)`},
		{"the functions run locally print as Trino SQL", `SELECT url_extract_host(useragent), url_extract_parameter(useragent, 'a'), json_array_contains(requestparameters, 'x'), trim(LEADING '0' FROM eventname), trim(BOTH FROM eventname), format_datetime(from_iso8601_timestamp(eventtime), 'yyyy-MM-dd''T''HH'), date_parse(eventtime, '%Y-%m-%dT%H:%i:%sZ'), levenshtein_distance(eventname, 'x'), typeof(1) FROM cloudtrail`, plain, Pruning{},
			`SELECT url_extract_host(useragent), url_extract_parameter(useragent, 'a'), json_array_contains(requestparameters, 'x'), ltrim(eventname, '0'), trim(eventname), format_datetime(from_iso8601_timestamp(eventtime), 'yyyy-MM-dd''T''HH'), date_parse(eventtime, '%Y-%m-%dT%H:%i:%sZ'), levenshtein_distance(eventname, 'x'), typeof(1) FROM cloudtrail_logs AS cloudtrail`},
		{"OR in WHERE stays grouped", `SELECT eventname FROM cloudtrail WHERE awsregion = 'us-east-1' OR awsregion = 'us-west-2'`, tables, Pruning{},
			`SELECT eventname FROM hunt.cloudtrail_logs AS cloudtrail WHERE (awsregion = 'us-east-1' OR awsregion = 'us-west-2') AND cloudtrail.region IN ('us-east-1', 'us-west-2')`},
		{"UNNEST columns and Athena-only functions are not pruning facts", `SELECT r.arn FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r) WHERE r.arn LIKE 'arn:aws:s3:::%' AND regexp_count(eventname, 'a') > 1 AND eventtime < '2024-03-02T00:00:00Z'`, tables, Pruning{},
			`SELECT r.arn FROM hunt.cloudtrail_logs AS cloudtrail CROSS JOIN UNNEST(resources) AS u(r) WHERE r.arn LIKE 'arn:aws:s3:::%' AND regexp_count(eventname, 'a') > 1 AND eventtime < '2024-03-02T00:00:00Z' AND cloudtrail.timestamp <= '2024/03/02'`},
		{"each SELECT of a UNION, CTE names left alone", `WITH logins AS (SELECT * FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND awsregion = 'us-east-1') SELECT eventname FROM logins UNION ALL SELECT srcaddr FROM vpc_flow_logs WHERE start >= 1710000000 AND account_id = '111122223333'`, tables, Pruning{},
			`WITH logins AS (SELECT * FROM hunt.cloudtrail_logs AS cloudtrail WHERE eventname = 'ConsoleLogin' AND awsregion = 'us-east-1' AND cloudtrail.region = 'us-east-1') SELECT eventname FROM logins UNION ALL SELECT srcaddr FROM hunt.vpc_flow_logs WHERE start >= 1710000000 AND account_id = '111122223333' AND vpc_flow_logs.aws_account_id = '111122223333' AND vpc_flow_logs.day >= '2024/03/09'`},
		{"subquery in FROM", `SELECT n FROM (SELECT count(*) AS n FROM vpc_flow WHERE "end" <= 1710003600 AND action = 'REJECT') AS s`, tables, Pruning{},
			`SELECT n FROM (SELECT count(*) AS n FROM hunt.vpc_flow_logs AS vpc_flow WHERE "end" <= 1710003600 AND action = 'REJECT' AND vpc_flow.day <= '2024/03/09') AS s`},
		{"extra facts from flags", `SELECT eventname FROM cloudtrail WHERE awsregion IN ('us-east-1', 'eu-west-1')`, tables,
			Pruning{Since: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC), Regions: []string{"eu-west-1"}, Accounts: []string{"111122223333"}},
			`SELECT eventname FROM hunt.cloudtrail_logs AS cloudtrail WHERE awsregion IN ('us-east-1', 'eu-west-1') AND cloudtrail.account = '111122223333' AND cloudtrail.region = 'eu-west-1' AND cloudtrail.timestamp BETWEEN '2024/03/01' AND '2024/03/02'`},
		{"contradictory facts", `SELECT eventname FROM cloudtrail WHERE awsregion = 'us-east-1'`, tables, Pruning{Regions: []string{"eu-west-1"}},
			`SELECT eventname FROM hunt.cloudtrail_logs AS cloudtrail WHERE awsregion = 'us-east-1' AND FALSE`},
		{"hive flow partitions", `SELECT srcaddr FROM vpc_flow WHERE from_unixtime(start) BETWEEN TIMESTAMP '2024-02-28 22:00:00' AND TIMESTAMP '2024-03-01 01:00:00' AND region = 'eu-west-1'`, hive, Pruning{},
			`SELECT srcaddr FROM flows AS vpc_flow WHERE from_unixtime(start) BETWEEN TIMESTAMP '2024-02-28 22:00:00' AND TIMESTAMP '2024-03-01 01:00:00' AND region = 'eu-west-1' AND vpc_flow.aws_region = 'eu-west-1' AND vpc_flow.year BETWEEN '2024' AND '2024' AND concat(vpc_flow.year, '/', vpc_flow.month, '/', vpc_flow.day) BETWEEN '2024/02/28' AND '2024/03/01'`},
		{"hourly flow partitions", `SELECT srcaddr FROM vpc_flow WHERE start >= 1710000000 AND start < 1710003600`, hourly, Pruning{},
			`SELECT srcaddr FROM hunt.vpc_flow_logs AS vpc_flow WHERE start >= 1710000000 AND start < 1710003600 AND vpc_flow.hour BETWEEN '2024/03/09/16' AND '2024/03/09/18'`},
		{"guardduty: until widened by the export lag", `SELECT id FROM guardduty WHERE updatedat BETWEEN '2024-03-18T10:00:00Z' AND '2024-03-19T20:00:00Z' AND accountid = '111122223333'`, tables, Pruning{},
			`SELECT id FROM hunt.gd_logs AS guardduty WHERE updatedat BETWEEN '2024-03-18T10:00:00Z' AND '2024-03-19T20:00:00Z' AND accountid = '111122223333' AND guardduty.aws_account_id = '111122223333' AND guardduty.day BETWEEN '2024/03/18' AND '2024/03/20'`},
		{"config view: account and region, no date", `SELECT resourceid FROM config WHERE configurationitemcapturetime >= '2024-03-18T10:00:00Z' AND awsregion = 'eu-west-1'`, tables, Pruning{},
			`SELECT resourceid FROM hunt.config_items AS config WHERE configurationitemcapturetime >= '2024-03-18T10:00:00Z' AND awsregion = 'eu-west-1' AND config.aws_region = 'eu-west-1'`},
		{"a table without partitions", `SELECT eventname FROM cloudtrail WHERE eventtime > '2024-03-01T00:00:00Z'`, plain, Pruning{},
			`SELECT eventname FROM cloudtrail_logs AS cloudtrail WHERE eventtime > '2024-03-01T00:00:00Z'`},
		{"AWS's cloudtrail_logs_pp", `SELECT eventname FROM cloudtrail_logs_pp WHERE eventtime > '2024-03-01T00:00:00Z'`, pp, Pruning{},
			`SELECT eventname FROM default.cloudtrail_logs_pp WHERE eventtime > '2024-03-01T00:00:00Z' AND cloudtrail_logs_pp.timestamp >= '2024/03/01'`},
		{"placeholder name taken by the query", `SELECT 'hunt_athena_table_0_' AS x FROM cloudtrail`, tables, Pruning{},
			`SELECT 'hunt_athena_table_0_' AS x FROM hunt.cloudtrail_logs AS cloudtrail`},
		{"no table", `SELECT 1 AS one`, tables, Pruning{}, `SELECT 1 AS one`},
		{"ipaddress casts, literals and contains", `SELECT try_cast(sourceipaddress AS ipaddress) AS ip FROM cloudtrail WHERE contains('10.0.0.0/8', cast(sourceipaddress as IPADDRESS)) OR try_cast(sourceipaddress AS ipaddress) BETWEEN ipaddress '192.168.0.0' AND IPADDRESS '192.168.255.255'`, tables, Pruning{},
			`SELECT TRY_CAST(sourceipaddress AS ipaddress) AS ip FROM hunt.cloudtrail_logs AS cloudtrail WHERE contains('10.0.0.0/8', CAST(sourceipaddress AS ipaddress)) OR TRY_CAST(sourceipaddress AS ipaddress) BETWEEN IPADDRESS '192.168.0.0' AND IPADDRESS '192.168.255.255'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AthenaSQL(tt.sql, Options{Now: athenaNow}, tt.tables, tt.extra)
			if err != nil {
				t.Fatalf("AthenaSQL(%q): %v", tt.sql, err)
			}
			if got != tt.want {
				t.Errorf("AthenaSQL(%q)\ngot  %s\nwant %s", tt.sql, got, tt.want)
			}
		})
	}
}

func TestAthenaSQL_Mapping(t *testing.T) {
	// --table-name mappings resolve like the local engine's.
	got, err := AthenaSQL(`SELECT eventname FROM trail`, Options{TableNames: map[string]string{"trail": "cloudtrail"}}, DefaultAthenaTables("sec"), Pruning{})
	if want := `SELECT eventname FROM sec.cloudtrail_logs AS trail`; err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	// --column-name: the partition predicates hunt adds name the team's
	// partition columns (the table's, from hunt athena ddl --column-name).
	names := map[string]string{"date_partition": "timestamp", "vpc_flow.date_partition": "day", "account_partition": "account"}
	got, err = AthenaSQL(`SELECT count(*) FROM cloudtrail WHERE eventtime >= '2024-03-01T00:00:00Z' AND recipientaccountid = '111122223333' UNION ALL SELECT count(*) FROM vpc_flow WHERE start > 1709251200`,
		Options{ColumnNames: names}, DefaultAthenaTables("sec"), Pruning{})
	if want := `SELECT count(*) FROM sec.cloudtrail_logs AS cloudtrail WHERE eventtime >= '2024-03-01T00:00:00Z' AND recipientaccountid = '111122223333' AND cloudtrail.account_partition = '111122223333' AND cloudtrail.date_partition >= '2024/03/01' UNION ALL SELECT count(*) FROM sec.vpc_flow_logs AS vpc_flow WHERE start > 1709251200 AND vpc_flow.date_partition >= '2024/03/01'`; err != nil || got != want {
		t.Errorf("renamed partitions:\ngot  %q, %v\nwant %q", got, err, want)
	}
}

func TestAthenaSQL_Failure(t *testing.T) {
	tables := map[string]AthenaTable{"cloudtrail": {Name: "cloudtrail_logs"}}
	tests := []struct {
		name string
		sql  string // ¶ marks the expected error position
		want string
	}{
		{"syntax", `SELECT ¶FROM FROM cloudtrail`, `expected`},
		{"unknown table", `SELECT 1 FROM ¶trails`, `expected table cloudtrail or vpc_flow or guardduty or config (or a mapped name such as cloudtrail_logs), found "trails"`},
		{"table not configured", `SELECT srcaddr FROM ¶vpc_flow`, `expected an Athena table for vpc_flow, found none configured`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pos := strings.Index(tt.sql, "¶")
			sql := strings.Replace(tt.sql, "¶", "", 1)
			_, err := AthenaSQL(sql, Options{Source: "q.sql"}, tables, Pruning{})
			var pe *parsers.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("AthenaSQL(%q) error %v; want a *parsers.ParseError", sql, err)
			}
			if pe.Source != "q.sql" || pe.Offset != int64(pos) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("AthenaSQL(%q) error %q at offset %d; want %q at %d", sql, err, pe.Offset, tt.want, pos)
			}
		})
	}
}

func TestCheckFuncs(t *testing.T) {
	// A function only the local engine has is an error naming it and the
	// engine, positioned at the call.
	stmt, err := Parse(`SELECT eventname FROM cloudtrail WHERE ip_in('10.0.0.0/8', sourceipaddress) OR lower(x) = 'a'`)
	if err != nil {
		t.Fatal(err)
	}
	err = checkFuncs(stmt, map[string]bool{"ip_in": true}, "Athena", "local")
	var le *lexError
	if !errors.As(err, &le) || le.pos != 39 || le.msg != "function ip_in is not supported by Athena; run the query with --engine local" {
		t.Errorf("checkFuncs: %v; want ip_in at offset 39", err)
	}
	if err := checkFuncs(stmt, athenaLacks, "Athena", "local"); err != nil {
		t.Errorf("checkFuncs with athenaLacks: %v", err)
	}
}

func TestLocalUnsupported(t *testing.T) {
	stmt, err := Parse(`WITH x AS (SELECT to_hex(sha256(to_utf8(eventname))) AS h FROM cloudtrail) SELECT h, approx_percentile(1, 0.5), lower(h) FROM x GROUP BY h ORDER BY sha256(to_utf8(h))`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(LocalUnsupported(stmt), ","); got != "approx_percentile,sha256,to_hex,to_utf8" {
		t.Errorf("LocalUnsupported = %s", got)
	}
	stmt, err = Parse(`SELECT url_extract_host(x), json_array_contains(x, 1), map_keys(m), typeof(x), chr(1), codepoint(x), levenshtein_distance(x, y), hamming_distance(x, y), format_datetime(t, 'y'), parse_datetime(x, 'y'), date_parse(x, '%Y'), trim(BOTH 'x' FROM y), ltrim(x, 'y') FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	if got := LocalUnsupported(stmt); len(got) > 0 {
		t.Errorf("LocalUnsupported = %v; want none", got)
	}
}

func TestGoLayout(t *testing.T) {
	tm := time.Date(2024, 3, 5, 7, 0, 0, 0, time.UTC)
	for format, want := range map[string]string{"": "2024/03/05", "yyyy/MM/dd": "2024/03/05", "yyyy-MM-dd": "2024-03-05", "yyyy/MM/dd/HH": "2024/03/05/07", "yyyyMMdd": "20240305"} {
		if got := tm.Format(goLayout(format)); got != want {
			t.Errorf("goLayout(%q) formats %q; want %q", format, got, want)
		}
	}
}

func ExampleAthenaSQL() {
	sql := `SELECT useridentity.arn, count(*) AS n FROM cloudtrail_logs
	        WHERE eventname = 'ConsoleLogin' AND eventtime >= '2024-03-18T00:00:00Z' AND awsregion = 'us-east-1'
	        GROUP BY 1`
	out, err := AthenaSQL(sql, Options{}, DefaultAthenaTables("hunt"), Pruning{Accounts: []string{"111122223333"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out)
	// Output:
	// SELECT useridentity.arn, count(*) AS n FROM hunt.cloudtrail_logs WHERE eventname = 'ConsoleLogin' AND eventtime >= '2024-03-18T00:00:00Z' AND awsregion = 'us-east-1' AND cloudtrail_logs.account = '111122223333' AND cloudtrail_logs.region = 'us-east-1' AND cloudtrail_logs.timestamp >= '2024/03/18' GROUP BY 1
}

func ExampleAthenaCost() {
	fmt.Printf("$%.6f $%.2f\n", AthenaCost(1<<20), AthenaCost(250<<30))
	// Output: $0.000048 $1.22
}

// TestAthenaSQL_Joins: every table a join reads becomes a subquery with
// its partition predicates (the run's narrowing), whatever the join
// kind; subqueries in expressions are rewritten like FROM subqueries.
func TestAthenaSQL_Joins(t *testing.T) {
	tables := DefaultAthenaTables("hunt")
	since := Pruning{Since: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	tests := []struct{ sql, want string }{
		{`SELECT c.eventname, v.dstport FROM cloudtrail c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr WHERE c.eventtime >= '2024-03-18T00:00:00Z'`,
			`SELECT c.eventname, v.dstport FROM (SELECT * FROM hunt.cloudtrail_logs AS cloudtrail WHERE cloudtrail.timestamp >= '2024/03/01') AS c LEFT JOIN (SELECT * FROM hunt.vpc_flow_logs AS vpc_flow WHERE vpc_flow.day >= '2024/03/01') AS v ON c.sourceipaddress = v.srcaddr WHERE c.eventtime >= '2024-03-18T00:00:00Z'`},
		{`SELECT eventname FROM cloudtrail WHERE sourceipaddress IN (SELECT srcaddr FROM vpc_flow WHERE start >= 1710000000) AND awsregion = 'eu-west-1'`,
			`SELECT eventname FROM hunt.cloudtrail_logs AS cloudtrail WHERE sourceipaddress IN (SELECT srcaddr FROM hunt.vpc_flow_logs AS vpc_flow WHERE start >= 1710000000 AND vpc_flow.day >= '2024/03/09') AND awsregion = 'eu-west-1' AND cloudtrail.region = 'eu-west-1' AND cloudtrail.timestamp >= '2024/03/01'`},
		{`SELECT c.eventname FROM cloudtrail c WHERE EXISTS (SELECT 1 FROM vpc_flow v WHERE v.srcaddr = c.sourceipaddress)`,
			`SELECT c.eventname FROM hunt.cloudtrail_logs AS c WHERE EXISTS (SELECT 1 FROM hunt.vpc_flow_logs AS v WHERE v.srcaddr = c.sourceipaddress AND v.day >= '2024/03/01') AND c.timestamp >= '2024/03/01'`},
		{`CREATE TABLE x WITH (format = 'PARQUET') AS SELECT eventname FROM cloudtrail`,
			`CREATE TABLE x WITH (format = 'PARQUET') AS SELECT eventname FROM hunt.cloudtrail_logs AS cloudtrail WHERE cloudtrail.timestamp >= '2024/03/01'`},
	}
	for _, tt := range tests {
		got, err := AthenaSQL(tt.sql, Options{Now: athenaNow}, tables, since)
		if err != nil || got != tt.want {
			t.Errorf("AthenaSQL(%q)\ngot  %q, %v\nwant %q", tt.sql, got, err, tt.want)
		}
	}
}
