package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/parsers"
)

func TestCompile_Columns(t *testing.T) {
	tests := []struct{ sql, table, want string }{
		{"SELECT eventname, useridentity.arn FROM cloudtrail WHERE useridentity.sessioncontext.sessionissuer.username = 'x'", "cloudtrail",
			"eventname,useridentity.arn,useridentity.sessioncontext.sessionissuer.username"},
		{"SELECT useridentity, useridentity.arn FROM cloudtrail", "cloudtrail", "useridentity"},
		{`SELECT "$path", r.arn FROM cloudtrail_logs CROSS JOIN UNNEST(resources) AS u(r)`, "cloudtrail", "$path,resources.arn"},
		{"SELECT type, count(*) FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(arn, accountid, type) GROUP BY 1", "cloudtrail", "resources.type"},
		{"SELECT count(*) FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r)", "cloudtrail", "resources.arn"},
		{"SELECT r FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r)", "cloudtrail", "resources"},
		{"SELECT r.arn, cardinality(resources) FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r)", "cloudtrail", "resources"},
		{`SELECT count(*) FROM vpc_flow WHERE "end" - start > 60`, "vpc_flow", "end,start"},
		{"SELECT count(*) FROM vpc_flow", "vpc_flow", ""},
		{"SELECT * FROM vpc_flow", "vpc_flow", "account_id,action,az_id,bytes,dstaddr,dstport,ecs_cluster_arn,ecs_cluster_name,ecs_container_id,ecs_container_instance_arn,ecs_container_instance_id,ecs_second_container_id,ecs_service_name,ecs_task_arn,ecs_task_definition_arn,ecs_task_id,end,flow_direction,instance_id,interface_id,log_status,packets,pkt_dst_aws_service,pkt_dstaddr,pkt_src_aws_service,pkt_srcaddr,protocol,region,reject_reason,srcaddr,srcport,start,sublocation_id,sublocation_type,subnet_id,tcp_flags,traffic_path,type,version,vpc_id"},
		{"WITH x AS (SELECT eventname AS e FROM cloudtrail) SELECT e FROM x", "cloudtrail", "eventname"},
	}
	for _, tt := range tests {
		q, err := Compile(tt.sql, Options{})
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.sql, err)
		}
		if got := strings.Join(q.Columns(tt.table), ","); got != tt.want {
			t.Errorf("Columns(%q)\ngot  %s\nwant %s", tt.sql, got, tt.want)
		}
	}
}

func TestCompile_TableNames(t *testing.T) {
	q, err := Compile("SELECT eventname FROM my_trail", Options{TableNames: map[string]string{"my_trail": "cloudtrail"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := q.Tables(); len(got) != 1 || got[0] != "cloudtrail" {
		t.Errorf("Tables() = %v", got)
	}
}

func TestCompile_Explain(t *testing.T) {
	q, err := Compile("SELECT eventname, count(*) FROM cloudtrail WHERE awsregion = 'us-east-1' GROUP BY 1 ORDER BY 2 DESC LIMIT 3", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := q.Explain()
	for _, want := range []string{
		"scan cloudtrail [awsregion, eventname]",
		"-> filter awsregion = 'us-east-1' (each on the rows the previous kept",
		"-> aggregate count(*) by eventname (hash",
		"-> project eventname, _col1",
		"-> top 3 by 2 DESC (per-worker bound, merged)",
		"-> output",
		"columns cloudtrail: awsregion, eventname",
		"pruning cloudtrail: since -, until -, accounts any, regions [us-east-1]",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Explain() lacks %q:\n%s", want, got)
		}
	}
}

func TestCompile_Fold(t *testing.T) {
	q, err := Compile("SELECT 1 FROM cloudtrail WHERE eventtime > to_iso8601(timestamp '2024-01-01 00:00:00' - interval '1' day)", Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := q.wheres[q.scans[0]].(*exprCmp)
	k, ok := w.r.(*exprConst)
	if !ok || k.v.s[0] != "2023-12-31T00:00:00.000Z" {
		t.Errorf("constant not folded: %#v", w.r)
	}
}

func TestCompile_ErrorClasses(t *testing.T) {
	for _, tt := range []struct {
		sql         string
		unsupported bool
	}{
		{"SELECT md5(eventname) FROM cloudtrail", true},
		{"SELECT approx_percentile(bytes, 0.5) FROM vpc_flow", true},
		{"SELECT a FROM cloudtrail JOIN vpc_flow ON 1 = 1", false},
		{"CREATE TABLE t AS SELECT eventname FROM cloudtrail", true},
		{"INSERT INTO t SELECT eventname FROM cloudtrail", true},
		{"SELECT 1 FROM cloudtrail c WHERE EXISTS (SELECT 1 FROM vpc_flow v WHERE v.srcaddr > c.sourceipaddress)", true},
		{"SELECT stddev(bytes) OVER (ORDER BY start) FROM vpc_flow", true},
		{"SELECT CAST(x AS varbinary) FROM cloudtrail", false},
		{"SELECT evntname FROM cloudtrail", false},
		{"SELECT FROM", false},
	} {
		_, err := Compile(tt.sql, Options{})
		if err == nil {
			t.Fatalf("Compile(%q): no error", tt.sql)
		}
		if got := errors.Is(err, ErrUnsupported); got != tt.unsupported {
			t.Errorf("Compile(%q): errors.Is(ErrUnsupported) = %v; want %v (%v)", tt.sql, got, tt.unsupported, err)
		}
		if !tt.unsupported && !errors.Is(err, parsers.ErrSyntax) {
			t.Errorf("Compile(%q): %v does not wrap parsers.ErrSyntax", tt.sql, err)
		}
	}
}

func TestCompile_ExplainUnnest(t *testing.T) {
	q, err := Compile("SELECT r.arn FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r)", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := q.Explain(), "-> cross join UNNEST(resources) AS u(r) (one row per element)"; !strings.Contains(got, want) {
		t.Errorf("Explain() lacks %q:\n%s", want, got)
	}
}

// TestCompile_ColumnNamesNotShared: the column types a table's relations
// share (tableTypesOf) do not keep another query's column names: a name
// one query's Options.ColumnNames add is unknown to the next query.
func TestCompile_ColumnNamesNotShared(t *testing.T) {
	sql := "SELECT count(*) FROM cloudtrail WHERE event_name = 'x'"
	for _, tc := range []struct {
		names map[string]string
		ok    bool
	}{{nil, false}, {map[string]string{"event_name": "eventname"}, true}, {nil, false}} {
		_, err := Compile(sql, Options{ColumnNames: tc.names})
		if (err == nil) != tc.ok {
			t.Errorf("%s with column names %v: error %v; want success %v", sql, tc.names, err, tc.ok)
		}
	}
}

// TestCompile_ColumnNamesQualified: a name qualified by a table maps
// for that table only and wins over the same name unqualified.
func TestCompile_ColumnNamesQualified(t *testing.T) {
	names := map[string]string{"date_partition": "timestamp", "vpc_flow.date_partition": "day", "cloudtrail.ev": "eventname"}
	for _, tt := range []struct {
		sql string
		ok  bool
	}{
		{"SELECT count(*) FROM cloudtrail WHERE date_partition = '2024/03/06' AND ev = 'x'", true},
		{"SELECT count(*) FROM vpc_flow WHERE date_partition = '2024/03/06'", true},
		{"SELECT count(*) FROM vpc_flow WHERE ev = 'x'", false}, // cloudtrail's only
	} {
		q, err := Compile(tt.sql, Options{ColumnNames: names})
		if (err == nil) != tt.ok {
			t.Errorf("%s: error %v; want success %v", tt.sql, err, tt.ok)
			continue
		}
		if err == nil && !strings.Contains(q.Explain(), "since 2024-03-06T00:00:00Z, until 2024-03-07T00:00:00Z") {
			t.Errorf("%s: the date partition is not a pruning fact:\n%s", tt.sql, q.Explain())
		}
	}
}
