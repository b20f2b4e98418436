package engine

import (
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// flowSample is the VPC flow fixture of the join tests; its addresses
// meet ctSample's sourceipaddress values (10.1.2.3 twice, 203.0.113.7
// once), and one srcaddr is NULL.
func flowSample() []map[string]any {
	row := func(src, dst any, dstport, protocol, bytes int, action string) map[string]any {
		return map[string]any{"version": 2, "account_id": "111111111111", "srcaddr": src, "dstaddr": dst,
			"srcport": 40000, "dstport": dstport, "protocol": protocol, "packets": 1, "bytes": bytes,
			"start": 1709305000, "end": 1709305060, "action": action, "log_status": "OK"}
	}
	return []map[string]any{
		row("10.1.2.3", "10.0.0.5", 443, 6, 100, "ACCEPT"),
		row("10.1.2.3", "10.0.0.6", 22, 6, 50, "REJECT"),
		row("203.0.113.7", "10.0.0.5", 443, 17, 10, "ACCEPT"),
		row(nil, "10.0.0.7", 80, 6, 5, "ACCEPT"),
		row("192.0.2.9", "10.1.2.3", 3389, 6, 22, "REJECT"),
	}
}

// tableBatch is one batch of a table, for runTables.
type tableBatch struct {
	table string
	rec   arrow.RecordBatch
}

// joinBatches splits both fixtures into batches of split rows,
// interleaved as scan.Run delivers them (one pass, tables mixed).
func joinBatches(mem memory.Allocator, split int) []tableBatch {
	ct, fl := ctSample(), flowSample()
	var out []tableBatch
	for i := 0; i < max(len(ct), len(fl)); i += split {
		if i < len(fl) {
			out = append(out, tableBatch{"vpc_flow", buildRecord(mem, parsers.VPCFlowSchema, fl[i:min(i+split, len(fl))])})
		}
		if i < len(ct) {
			out = append(out, tableBatch{"cloudtrail", buildRecord(mem, parsers.CloudTrailSchema, ct[i:min(i+split, len(ct))])})
		}
	}
	return out
}

func releaseBatches(bs []tableBatch) {
	for _, b := range bs {
		b.rec.Release()
	}
}

// runTables runs sql over batches of several tables (batch i on worker
// i % workers).
func runTables(t testing.TB, sql string, opts Options, workers int, bs []tableBatch) (*Result, error) {
	t.Helper()
	q, err := Compile(sql, opts)
	if err != nil {
		return nil, err
	}
	r := q.NewRun(workers)
	for i, b := range bs {
		if slicesContains(q.Tables(), b.table) {
			if err := r.PushTable(i%workers, b.table, b.rec); err != nil {
				return nil, err
			}
		}
	}
	return r.Finish()
}

func slicesContains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// TestJoin_Results checks joins and subqueries against answers computed
// by hand from ctSample and flowSample: NULL keys never match, outer
// joins pad with NULLs, duplicates on both sides multiply, several keys,
// int = bigint, IPADDRESS keys, residual ON conditions, USING, CROSS.
var joinResultTests = []struct{ name, sql, want string }{
	{"inner", "SELECT c.eventname, v.dstport FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr",
		"ConsoleLogin|443\nCreateNetworkAclEntry|22\nCreateNetworkAclEntry|443\nDescribeInstances|22\nDescribeInstances|443\n"},
	{"inner reversed", "SELECT c.eventname, v.dstport FROM cloudtrail c INNER JOIN vpc_flow v ON v.srcaddr = c.sourceipaddress WHERE v.dstport = 22",
		"CreateNetworkAclEntry|22\nDescribeInstances|22\n"},
	{"left", "SELECT c.useridentity.username, c.sourceipaddress, count(v.srcaddr) FROM cloudtrail c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr GROUP BY 1, 2",
		"alice|10.1.2.3|4\nalice|10.9.9.9|0\nbob|203.0.113.7|1\ncarol|198.51.100.1|0\ndave|10.1.2.4|0\n"},
	{"right with residual on the other side", "SELECT v.srcaddr, v.dstport, c.eventname FROM cloudtrail c RIGHT OUTER JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND c.eventname = 'CreateNetworkAclEntry'",
		"10.1.2.3|22|CreateNetworkAclEntry\n10.1.2.3|443|CreateNetworkAclEntry\n192.0.2.9|3389|NULL\n203.0.113.7|443|NULL\nNULL|80|NULL\n"},
	{"full", "SELECT c.sourceipaddress, v.srcaddr FROM (SELECT DISTINCT sourceipaddress FROM cloudtrail) c FULL JOIN (SELECT DISTINCT srcaddr FROM vpc_flow) v ON c.sourceipaddress = v.srcaddr",
		"10.1.2.3|10.1.2.3\n10.1.2.4|NULL\n10.9.9.9|NULL\n198.51.100.1|NULL\n203.0.113.7|203.0.113.7\nNULL|192.0.2.9\nNULL|NULL\n"},
	{"self join, NULL keys never equal", "SELECT a.eventname, b.eventname FROM cloudtrail a JOIN cloudtrail b ON a.errorcode = b.errorcode",
		"DeleteNetworkAcl|DeleteNetworkAcl\n"},
	{"duplicates on both sides", "SELECT count(*) FROM cloudtrail a JOIN cloudtrail b ON a.useridentity.username = b.useridentity.username", "12\n"},
	{"two keys", "SELECT count(*) FROM cloudtrail a JOIN cloudtrail b ON a.useridentity.username = b.useridentity.username AND b.awsregion = a.awsregion", "8\n"},
	{"residual", "SELECT a.eventname, b.eventname FROM cloudtrail a JOIN cloudtrail b ON a.useridentity.username = b.useridentity.username AND a.eventtime < b.eventtime",
		"CreateNetworkAclEntry|DeleteNetworkAcl\nCreateNetworkAclEntry|DescribeInstances\nDeleteNetworkAcl|DescribeInstances\n"},
	{"left with residual", "SELECT a.eventname, b.eventname FROM cloudtrail a LEFT JOIN cloudtrail b ON a.useridentity.username = b.useridentity.username AND a.eventtime < b.eventtime WHERE a.useridentity.username = 'alice'",
		"CreateNetworkAclEntry|DeleteNetworkAcl\nCreateNetworkAclEntry|DescribeInstances\nDeleteNetworkAcl|DescribeInstances\nDescribeInstances|NULL\n"},
	{"left join, WHERE on the padded side", "SELECT c.eventname FROM cloudtrail c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr WHERE v.srcaddr IS NULL",
		"ConsoleLogin\nDeleteNetworkAcl\nDescribeInstances\n"},
	{"integer = bigint", "SELECT v.srcaddr, w.srcaddr FROM vpc_flow v JOIN vpc_flow w ON v.dstport = w.bytes", "10.1.2.3|192.0.2.9\n"},
	{"integer = double", "SELECT v.srcaddr, w.srcaddr FROM vpc_flow v JOIN vpc_flow w ON v.dstport = CAST(w.bytes AS double)", "10.1.2.3|192.0.2.9\n"},
	{"ipaddress keys", "SELECT c.eventname, v.dstport FROM cloudtrail c JOIN vpc_flow v ON CAST(c.sourceipaddress AS IPADDRESS) = CAST(v.dstaddr AS IPADDRESS)",
		"CreateNetworkAclEntry|3389\nDescribeInstances|3389\n"},
	{"using", "SELECT eventname, count(*) FROM cloudtrail a JOIN cloudtrail b USING (eventname) GROUP BY eventname",
		"ConsoleLogin|4\nCreateNetworkAclEntry|1\nDeleteNetworkAcl|1\nDescribeInstances|4\n"},
	{"full using coalesces", "SELECT k FROM (SELECT sourceipaddress AS k FROM cloudtrail WHERE awsregion = 'eu-west-1') a FULL JOIN (SELECT srcaddr AS k FROM vpc_flow WHERE dstport = 3389) b USING (k)",
		"192.0.2.9\n198.51.100.1\n"},
	{"cross", "SELECT count(*) FROM cloudtrail CROSS JOIN vpc_flow", "30\n"},
	{"comma join", "SELECT count(*) FROM cloudtrail c, vpc_flow v WHERE c.sourceipaddress = v.srcaddr", "5\n"},
	{"three tables", "SELECT a.eventname, v.dstport FROM cloudtrail a JOIN vpc_flow v ON a.sourceipaddress = v.srcaddr JOIN cloudtrail b ON b.sourceipaddress = v.srcaddr AND b.eventname = 'ConsoleLogin'",
		"ConsoleLogin|443\n"},
	{"star", "SELECT * FROM (SELECT 1 AS k, 'a' AS x) a JOIN (SELECT 1 AS k, 'b' AS y) b USING (k)", "1|a|b\n"},
	{"join then unnest", "SELECT r.arn, v.dstport FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr CROSS JOIN UNNEST(c.resources) AS r WHERE v.dstport = 22",
		"arn:aws:ec2:acl/acl-1|22\n"},

	{"nested values through a join", "SELECT a.resources[2].arn, element_at(a.resources, 1).type, cardinality(b.resources), a.useridentity.username FROM cloudtrail a JOIN cloudtrail b ON a.eventname = b.eventname WHERE a.errorcode IS NOT NULL",
		"arn:aws:ec2:vpc/vpc-1|AWS::EC2::NetworkAcl|2|alice\n"},

	{"CTE joined with itself", "WITH ips AS (SELECT DISTINCT sourceipaddress AS ip FROM cloudtrail) SELECT count(*) FROM ips a JOIN ips b ON a.ip = b.ip", "5\n"},
	{"aggregate, order and limit over a join", "SELECT c.useridentity.username AS u, count(*) AS n FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr GROUP BY 1 ORDER BY n DESC LIMIT 1", "alice|4\n"},
	{"exists without FROM", "SELECT 1 WHERE EXISTS (SELECT 1 FROM cloudtrail WHERE awsregion = 'eu-west-1')", "1\n"},
	{"scalars without FROM", "SELECT (SELECT count(*) FROM cloudtrail), (SELECT count(*) FROM vpc_flow)", "6|5\n"},

	{"in", "SELECT eventname FROM cloudtrail WHERE sourceipaddress IN (SELECT srcaddr FROM vpc_flow)", "ConsoleLogin\nCreateNetworkAclEntry\nDescribeInstances\n"},
	{"not in, subquery has NULL", "SELECT eventname FROM cloudtrail WHERE sourceipaddress NOT IN (SELECT srcaddr FROM vpc_flow)", ""},
	{"not in", "SELECT eventname FROM cloudtrail WHERE sourceipaddress NOT IN (SELECT srcaddr FROM vpc_flow WHERE srcaddr IS NOT NULL)", "ConsoleLogin\nDeleteNetworkAcl\nDescribeInstances\n"},
	{"not in empty keeps NULL", "SELECT count(*) FROM vpc_flow WHERE srcaddr NOT IN (SELECT sourceipaddress FROM cloudtrail WHERE eventname = 'nope')", "5\n"},
	{"in as a value", "SELECT srcaddr, dstport, srcaddr IN (SELECT sourceipaddress FROM cloudtrail) FROM vpc_flow",
		"10.1.2.3|22|true\n10.1.2.3|443|true\n192.0.2.9|3389|false\n203.0.113.7|443|true\nNULL|80|NULL\n"},
	{"exists correlated", "SELECT c.eventname FROM cloudtrail c WHERE EXISTS (SELECT 1 FROM vpc_flow v WHERE v.dstaddr = c.sourceipaddress)", "CreateNetworkAclEntry\nDescribeInstances\n"},
	{"not exists correlated", "SELECT count(*) FROM cloudtrail c WHERE NOT EXISTS (SELECT * FROM vpc_flow v WHERE c.sourceipaddress = v.srcaddr AND v.action = 'REJECT')", "4\n"},
	{"exists uncorrelated", "SELECT count(*) FROM vpc_flow WHERE EXISTS (SELECT 1 FROM cloudtrail WHERE errorcode = 'AccessDenied')", "5\n"},
	{"exists uncorrelated empty", "SELECT count(*) FROM vpc_flow WHERE EXISTS (SELECT 1 FROM cloudtrail WHERE errorcode = 'nope')", "0\n"},
	{"in correlated", "SELECT c.eventname, c.sourceipaddress IN (SELECT v.srcaddr FROM vpc_flow v WHERE v.action = 'REJECT' AND v.account_id = c.recipientaccountid) FROM cloudtrail c WHERE c.awsregion <> 'us-west-2'",
		"ConsoleLogin|false\nConsoleLogin|false\nCreateNetworkAclEntry|true\nDeleteNetworkAcl|false\n"},
	{"scalar", "SELECT eventname FROM cloudtrail WHERE eventtime = (SELECT max(eventtime) FROM cloudtrail)", "DescribeInstances\n"},
	{"scalar in select", "SELECT srcaddr, (SELECT count(*) FROM cloudtrail) FROM vpc_flow WHERE dstport = 22", "10.1.2.3|6\n"},
	{"scalar empty is NULL", "SELECT srcaddr, (SELECT eventname FROM cloudtrail WHERE eventname = 'nope') FROM vpc_flow WHERE dstport = 22", "10.1.2.3|NULL\n"},
	// Subqueries in aggregate arguments run before the aggregate, per
	// row; those outside them (items, HAVING) after it, over its rows.
	{"in inside an aggregate", "SELECT count_if(sourceipaddress IN (SELECT srcaddr FROM vpc_flow)), count(*) FROM cloudtrail", "3|6\n"},
	{"exists inside FILTER", "SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM vpc_flow v WHERE v.dstaddr = sourceipaddress)) FROM cloudtrail", "2\n"},
	{"scalar inside an aggregate, grouped", "SELECT eventname, sum(CASE WHEN eventtime = (SELECT max(eventtime) FROM cloudtrail) THEN 1 ELSE 0 END) FROM cloudtrail GROUP BY 1 ORDER BY 1",
		"ConsoleLogin|0\nCreateNetworkAclEntry|0\nDeleteNetworkAcl|0\nDescribeInstances|1\n"},
	{"scalar after the aggregate", "SELECT eventname, count(*) * 100 / (SELECT count(*) FROM cloudtrail) FROM cloudtrail GROUP BY 1 ORDER BY 1",
		"ConsoleLogin|33\nCreateNetworkAclEntry|16\nDeleteNetworkAcl|16\nDescribeInstances|33\n"},
	{"scalar in HAVING", "SELECT eventname FROM cloudtrail GROUP BY 1 HAVING count(*) >= (SELECT count(*) FROM vpc_flow WHERE dstport = 443) ORDER BY 1",
		"ConsoleLogin\nDescribeInstances\n"},
	{"in after the aggregate", "SELECT eventname, count(*) IN (SELECT dstport - 441 FROM vpc_flow) FROM cloudtrail GROUP BY 1 ORDER BY 1",
		"ConsoleLogin|true\nCreateNetworkAclEntry|false\nDeleteNetworkAcl|false\nDescribeInstances|true\n"},
	{"scalar both inside and after the aggregate", "SELECT max(length(eventname) + (SELECT 1)) + (SELECT 2) FROM cloudtrail", "24\n"},
}

func TestJoin_Results(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tests := joinResultTests
	for _, split := range []int{1, 4} {
		bs := joinBatches(mem, split)
		for _, tt := range tests {
			for _, workers := range []int{1, 3} {
				res, err := runTables(t, tt.sql, Options{}, workers, bs)
				if err != nil {
					t.Errorf("%s: %s: %v", tt.name, tt.sql, err)
					continue
				}
				if got := resultText(res); got != tt.want {
					t.Errorf("%s (split %d, workers %d): %s\ngot:\n%s\nwant:\n%s", tt.name, split, workers, tt.sql, got, tt.want)
				}
			}
		}
		releaseBatches(bs)
	}
}

// joinFuzzSeeds seed FuzzCompileRun with joins and subqueries.
var joinFuzzSeeds = []string{
	"SELECT c.eventname, v.dstport FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND v.dstport > 100",
	"SELECT a.eventname, b.eventname FROM cloudtrail a LEFT JOIN cloudtrail b ON a.useridentity.username = b.useridentity.username AND a.eventtime < b.eventtime",
	"SELECT k FROM (SELECT sourceipaddress AS k FROM cloudtrail) a FULL JOIN (SELECT srcaddr AS k FROM vpc_flow) b USING (k)",
	"SELECT count(*) FROM cloudtrail c RIGHT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr CROSS JOIN UNNEST(c.resources) AS r",
	"SELECT eventname FROM cloudtrail WHERE sourceipaddress NOT IN (SELECT srcaddr FROM vpc_flow) OR EXISTS (SELECT 1 FROM vpc_flow v WHERE v.dstaddr = sourceipaddress)",
	"SELECT srcaddr, (SELECT max(eventtime) FROM cloudtrail) FROM vpc_flow, cloudtrail",
}

// TestJoin_Failure checks positioned compile errors (¶ marks the position).
func TestJoin_Failure(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"SELECT 1 FROM cloudtrail a JOIN ¶cloudtrail a ON TRUE", `expected relation names that differ on the two sides of JOIN (add an alias), found "a" on both`},
		{"SELECT 1 FROM cloudtrail c JOIN vpc_flow v ON c.useridentity = ¶v.srcaddr", "expected join keys of comparable scalar types, found"},
		{"SELECT ¶eventname FROM cloudtrail a JOIN cloudtrail b ON a.eventname = b.eventname", `expected an unambiguous column, found "eventname" in both cloudtrail and cloudtrail`},
		{"¶CREATE TABLE x AS SELECT 1", "expected a query, found CREATE TABLE AS (the local engine only reads logs; run it with --engine athena)"},
		{"¶INSERT INTO x SELECT eventname FROM cloudtrail", "expected a query, found INSERT INTO"},
		{"SELECT 1 FROM cloudtrail c WHERE EXISTS (SELECT 1 FROM vpc_flow v WHERE ¶v.srcaddr <> c.sourceipaddress)", "expected a subquery condition on outer columns of the form inner = outer"},
		{"SELECT 1 FROM cloudtrail c WHERE c.eventname IN (¶SELECT eventname, awsregion FROM cloudtrail)", "expected a subquery of one column, found 2"},
		{"SELECT eventsource, ¶(SELECT count(*) FROM vpc_flow WHERE srcaddr = eventsource) FROM cloudtrail GROUP BY 1", "expected a subquery without columns of the outer query outside aggregate arguments of a query with GROUP BY or aggregates"},
		{"SELECT count(*) FROM cloudtrail GROUP BY ¶(SELECT 1)", "expected a subquery in WHERE, the select list, HAVING or ORDER BY"},
		{"SELECT 1 FROM cloudtrail c JOIN vpc_flow v ON ¶c.eventname IN (SELECT 'x')", "expected a join condition without subqueries"},
	}
	for _, tt := range tests {
		pos := strings.Index(tt.sql, "¶")
		sql := strings.Replace(tt.sql, "¶", "", 1)
		_, err := Compile(sql, Options{})
		var pe *parsers.ParseError
		if !errorsAs(err, &pe) {
			t.Errorf("Compile(%q): got %v; want *parsers.ParseError", sql, err)
			continue
		}
		if pe.Offset != int64(pos) || !strings.Contains(pe.Err.Error(), tt.want) {
			t.Errorf("Compile(%q): got offset %d %q; want offset %d %q", sql, pe.Offset, pe.Err.Error(), pos, tt.want)
		}
		if strings.Contains(tt.want, "--engine athena") && !errors.Is(err, ErrUnsupported) {
			t.Errorf("Compile(%q): %v is not ErrUnsupported", sql, err)
		}
	}
}

// TestJoin_MemoryLimit: past --aggregate-memory a join fails and says so.
func TestJoin_MemoryLimit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bs := joinBatches(mem, 2)
	defer releaseBatches(bs)
	// Nested values (resources) cannot spill.
	sql := "SELECT c.resources, v.dstport FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr"
	_, err := runTables(t, sql, Options{AggregateMemory: 300}, 1, bs)
	if !errors.Is(err, errJoinMemory) || !strings.Contains(err.Error(), "--aggregate-memory") || !strings.Contains(err.Error(), "300 bytes") {
		t.Fatalf("got %v; want the join memory error naming 300 bytes and --aggregate-memory", err)
	}
	// A pool shared with other queries gets its bytes back, after a
	// failure too.
	for _, limit := range []int64{300, 1 << 20} {
		pool := NewMemoryPool(limit)
		_, err := runTables(t, sql, Options{MemoryPool: pool}, 1, bs)
		if (err != nil) != (limit == 300) {
			t.Errorf("limit %d: %v", limit, err)
		}
		if used := pool.used.Load(); used != 0 {
			t.Errorf("limit %d: the pool still counts %d bytes after the run", limit, used)
		}
	}
}

// TestJoin_ScalarSubqueryRows: a scalar subquery of several rows fails.
func TestJoin_ScalarSubqueryRows(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bs := joinBatches(mem, 2)
	defer releaseBatches(bs)
	_, err := runTables(t, "SELECT srcaddr FROM vpc_flow WHERE srcaddr = (SELECT sourceipaddress FROM cloudtrail)", Options{}, 1, bs)
	if err == nil || !strings.Contains(err.Error(), "expected at most one row, found 6") {
		t.Fatalf("got %v; want the scalar subquery row error", err)
	}
}

// TestJoin_Pruning: a WHERE over a join narrows a table's reads only by
// conjuncts that read that table alone, and only when the table is not
// the NULL-supplying side of an outer join (there, dropping rows turns
// matches into NULL-padded rows a WHERE such as `IS NULL` keeps).
func TestJoin_Pruning(t *testing.T) {
	const (
		from = "SELECT 1 FROM cloudtrail c %s vpc_flow v ON c.sourceipaddress = v.srcaddr WHERE "
		ct   = "c.eventtime >= '2024-03-01T00:00:00Z' AND c.recipientaccountid = '1'"
		vf   = "v.start >= 1709251200 AND v.account_id = '9'"
	)
	tests := []struct {
		sql                  string
		ctSince, ctAccounts  string // "" / "*": not narrowed
		vpcSince, vpcAccount string
	}{
		{strings.Replace(from, "%s", "JOIN", 1) + ct + " AND " + vf, "2024-03-01T00:00:00Z", "1", "2024-03-01T00:00:00Z", "9"},
		{strings.Replace(from, "%s", "LEFT JOIN", 1) + ct + " AND " + vf, "2024-03-01T00:00:00Z", "1", "", "*"},
		{strings.Replace(from, "%s", "RIGHT JOIN", 1) + ct + " AND " + vf, "", "*", "2024-03-01T00:00:00Z", "9"},
		{strings.Replace(from, "%s", "FULL JOIN", 1) + ct + " AND " + vf, "", "*", "", "*"},
		{strings.Replace(from, "%s", "JOIN", 1) + "(c.recipientaccountid = '1' OR v.account_id = '9')", "", "*", "", "*"},
		{strings.Replace(from, "%s", "JOIN", 1) + "c.recipientaccountid = v.account_id", "", "*", "", "*"},
		// The two reads of a self join: one is not narrowed, so neither is the table.
		{"SELECT 1 FROM cloudtrail c JOIN cloudtrail d ON c.eventname = d.eventname WHERE " + ct, "", "*", "", "*"},
		{"SELECT 1 FROM cloudtrail c JOIN cloudtrail d ON c.eventname = d.eventname WHERE " + ct + " AND d.recipientaccountid = '2'", "", "1,2", "", "*"},
		// ON conditions on one table narrow it where unmatched rows are dropped.
		{"SELECT 1 FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND " + ct + " AND " + vf, "2024-03-01T00:00:00Z", "1", "2024-03-01T00:00:00Z", "9"},
		{"SELECT 1 FROM cloudtrail c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND " + ct + " AND " + vf, "", "*", "2024-03-01T00:00:00Z", "9"},
		{"SELECT 1 FROM cloudtrail c RIGHT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND " + ct + " AND " + vf, "2024-03-01T00:00:00Z", "1", "", "*"},
		{"SELECT 1 FROM cloudtrail c FULL JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND " + ct + " AND " + vf, "", "*", "", "*"},
		{"SELECT 1 FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND " + vf + " WHERE v.account_id = '9' AND " + ct, "2024-03-01T00:00:00Z", "1", "2024-03-01T00:00:00Z", "9"},
		// b is NULL-supplying inside the left input: the outer ON must not narrow it.
		{"SELECT 1 FROM cloudtrail c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr JOIN cloudtrail d ON d.eventname = c.eventname AND v.account_id = '9'", "", "*", "", "*"},
		// Subqueries narrow their own reads.
		{"SELECT 1 FROM cloudtrail c WHERE " + ct + " AND c.sourceipaddress IN (SELECT srcaddr FROM vpc_flow v WHERE " + vf + ")", "2024-03-01T00:00:00Z", "1", "2024-03-01T00:00:00Z", "9"},
		{"SELECT 1 FROM cloudtrail c WHERE " + ct + " AND EXISTS (SELECT 1 FROM vpc_flow v WHERE v.srcaddr = c.sourceipaddress AND " + vf + ")", "2024-03-01T00:00:00Z", "1", "2024-03-01T00:00:00Z", "9"},
	}
	list := func(l []string) string {
		if l == nil {
			return "*"
		}
		return strings.Join(l, ",")
	}
	for _, tt := range tests {
		q, err := Compile(tt.sql, Options{})
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.sql, err)
		}
		c, v := q.Pruning("cloudtrail"), q.Pruning("vpc_flow")
		got := [4]string{fmtSince(c.Since), list(c.Accounts), fmtSince(v.Since), list(v.Accounts)}
		want := [4]string{tt.ctSince, tt.ctAccounts, tt.vpcSince, tt.vpcAccount}
		if got != want {
			t.Errorf("Pruning(%q) = %q; want %q", tt.sql, got, want)
		}
	}
}

func fmtSince(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// readTestdata parses files of ../testdata with the table's reader
// (gunzipping .gz) and returns their batches, interleaved with out.
func readTestdata(t *testing.T, mem memory.Allocator, table string, files []string) []tableBatch {
	t.Helper()
	var out []tableBatch
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = fh
		if strings.HasSuffix(f, ".gz") {
			zr, err := gzip.NewReader(fh)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		}
		var rd interface {
			Next() bool
			Batch() arrow.RecordBatch
			Err() error
			Release()
		}
		if table == "cloudtrail" {
			rd, err = parsers.NewCloudTrailReader(r, f, parsers.WithAllocator(mem))
		} else {
			rd, err = parsers.NewVPCFlowReader(r, f, parsers.WithAllocator(mem))
		}
		if err != nil {
			t.Fatal(err)
		}
		for rd.Next() {
			b := rd.Batch()
			b.Retain()
			out = append(out, tableBatch{table, b})
		}
		if err := rd.Err(); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		rd.Release()
		fh.Close()
	}
	return out
}

// TestJoin_Testdata joins the testdata CloudTrail archive with the flow
// log samples on the caller's address, through the parsers: "what did
// this address do in the API and on the network".
func TestJoin_Testdata(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ct, err := filepath.Glob("../testdata/cloudtrail/AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	org, _ := filepath.Glob("../testdata/cloudtrail/AWSLogs/*/*/CloudTrail/*/*/*/*/*.json.gz")
	ct = append(ct, org...)
	if len(ct) != 3 {
		t.Fatalf("found %d CloudTrail files: %v; want 3", len(ct), ct)
	}
	cts := readTestdata(t, mem, "cloudtrail", ct)
	flows := readTestdata(t, mem, "vpc_flow", []string{"../testdata/vpcflow/v8-ecs.log", "../testdata/vpcflow/reject-flood.log.gz", "../testdata/vpcflow/v2-default-header.log"})
	// Interleave the tables, as one scan pass over mixed objects does.
	var bs []tableBatch
	for i := 0; i < max(len(cts), len(flows)); i++ {
		if i < len(flows) {
			bs = append(bs, flows[i])
		}
		if i < len(cts) {
			bs = append(bs, cts[i])
		}
	}
	defer releaseBatches(bs)
	tests := []struct{ sql, want string }{
		{"SELECT c.eventname, v.dstport, v.action FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr",
			"CreateAccessKey|8080|REJECT\nReplaceNetworkAclEntry|8080|REJECT\nStopLogging|8080|REJECT\n"},
		{"SELECT count(*), count(v.srcaddr) FROM cloudtrail_logs c LEFT JOIN vpc_flow_logs v ON c.sourceipaddress = v.srcaddr", "14|3\n"},
		{`SELECT ip, calls, flows FROM (SELECT sourceipaddress AS ip, count(*) AS calls FROM cloudtrail GROUP BY 1) a
			FULL JOIN (SELECT srcaddr AS ip, count(*) AS flows FROM vpc_flow WHERE srcaddr LIKE '198.51.100.%' GROUP BY 1) b USING (ip)`,
			"192.0.2.44|3|NULL\n192.0.2.99|1|NULL\n198.51.100.23|3|1\n198.51.100.7|NULL|3\n198.51.100.77|NULL|150\n203.0.113.10|6|NULL\ncloudtrail.amazonaws.com|1|NULL\n"},
		{"SELECT DISTINCT eventname FROM cloudtrail WHERE try_cast(sourceipaddress AS IPADDRESS) IN (SELECT CAST(srcaddr AS IPADDRESS) FROM vpc_flow WHERE action = 'REJECT')",
			"CreateAccessKey\nReplaceNetworkAclEntry\nStopLogging\n"},
	}
	for _, tt := range tests {
		res, err := runTables(t, tt.sql, Options{}, 2, bs)
		if err != nil {
			t.Errorf("%s: %v", tt.sql, err)
			continue
		}
		if got := resultText(res); got != tt.want {
			t.Errorf("%s\ngot:\n%s\nwant:\n%s", tt.sql, got, tt.want)
		}
	}
}

// TestJoin_Spill: past the memory pool, equi-joins spill both inputs by
// key hash and join a partition at a time, with the same answers, and
// give the pool its bytes back.
func TestJoin_Spill(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	spillable := map[string]bool{"inner": true, "inner reversed": true, "left": true, "right with residual on the other side": true,
		"full": true, "self join, NULL keys never equal": true, "duplicates on both sides": true, "two keys": true, "residual": true,
		"left with residual": true, "left join, WHERE on the padded side": true, "integer = bigint": true, "integer = double": true,
		"ipaddress keys": true, "using": true, "full using coalesces": true, "comma join": true, "three tables": true, "CTE joined with itself": true,
		// Subqueries: mark joins (IN, EXISTS) and scalar joins.
		"exists without FROM": true, "scalars without FROM": true, "in": true, "not in, subquery has NULL": true, "not in": true,
		"not in empty keeps NULL": true, "in as a value": true, "exists correlated": true, "not exists correlated": true,
		"exists uncorrelated": true, "exists uncorrelated empty": true, "in correlated": true, "scalar": true,
		"scalar in select": true, "scalar empty is NULL": true, "in inside an aggregate": true, "exists inside FILTER": true,
		"scalar inside an aggregate, grouped": true, "scalar after the aggregate": true, "scalar in HAVING": true,
		"in after the aggregate": true, "scalar both inside and after the aggregate": true}
	bs := joinBatches(mem, 2)
	defer releaseBatches(bs)
	joinSpillRows = 1
	defer func() { joinSpillRows = 0 }()
	n := 0
	for _, tt := range joinResultTests {
		if !spillable[tt.name] {
			continue
		}
		n++
		for _, workers := range []int{1, 3} {
			before := spillFiles.Load()
			pool := NewMemoryPool(1 << 20)
			res, err := runTables(t, tt.sql, Options{MemoryPool: pool, TempDir: t.TempDir()}, workers, bs)
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			if got := resultText(res); got != tt.want {
				t.Errorf("%s (workers %d, spilled): %s\ngot:\n%s\nwant:\n%s", tt.name, workers, tt.sql, got, tt.want)
			}
			if spillFiles.Load() == before {
				t.Errorf("%s: nothing spilled", tt.name)
			}
			if used := pool.used.Load(); used != 0 {
				t.Errorf("%s: the pool still counts %d bytes", tt.name, used)
			}
		}
	}
	if n != len(spillable) {
		t.Errorf("ran %d spill tests; want %d (a name changed)", n, len(spillable))
	}
}

// TestJoin_SpillSubqueryNested: a subquery whose probe rows hold a
// nested value (resources) cannot spill. When the probe's rows come
// first the join knows it before it would spill and keeps them in
// memory; when the subquery's rows come first and the join must spill
// (its own rows past the budget), it fails with the memory error, as it
// did before subqueries spilled. Never a wrong answer.
func TestJoin_SpillSubqueryNested(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bs := joinBatches(mem, 2)
	defer releaseBatches(bs)
	var ctFirst, flowFirst []tableBatch
	for _, b := range bs {
		if b.table == "cloudtrail" {
			ctFirst = append(ctFirst, b)
		} else {
			flowFirst = append(flowFirst, b)
		}
	}
	ctFirst, flowFirst = append(ctFirst, flowFirst...), append(flowFirst, ctFirst...)
	const sql = "SELECT eventname, cardinality(resources) FROM cloudtrail WHERE sourceipaddress IN (SELECT srcaddr FROM vpc_flow)"
	const want = "ConsoleLogin|NULL\nCreateNetworkAclEntry|1\nDescribeInstances|NULL\n" // as without the pool
	joinSpillRows = 1
	defer func() { joinSpillRows = 0 }()
	before := spillFiles.Load()
	pool := NewMemoryPool(1 << 20)
	res, err := runTables(t, sql, Options{MemoryPool: pool, TempDir: t.TempDir()}, 1, ctFirst)
	if err != nil {
		t.Fatalf("probe rows first: %v", err)
	}
	if got := resultText(res); got != want {
		t.Errorf("probe rows first: got\n%s\nwant\n%s", got, want)
	}
	if spillFiles.Load() != before {
		t.Errorf("probe rows first: spilled nested values")
	}
	_, err = runTables(t, sql, Options{MemoryPool: pool, TempDir: t.TempDir()}, 1, flowFirst)
	if !errors.Is(err, errJoinMemory) || !strings.Contains(err.Error(), "nested values") {
		t.Errorf("subquery rows first: got %v; want the join memory error naming nested values", err)
	}
	if used := pool.used.Load(); used != 0 {
		t.Errorf("the pool still counts %d bytes", used)
	}
}

// TestJoin_SpillReadsOnlyGivingPartitions: a spilled join reads back only
// the partitions that can give rows: none when an inner join's side is
// empty (a day of CloudTrail joined with no high-severity finding), the
// one partition of the few rows when a side has one key, every partition
// a full join needs; the answers are the in-memory ones.
func TestJoin_SpillReadsOnlyGivingPartitions(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bs := joinBatches(mem, 1)
	defer releaseBatches(bs)
	tests := []struct {
		name, sql string
		maxLoads  int64 // partitions read back, both sides counted
	}{
		{"inner, left side empty", "SELECT c.eventname, v.dstport FROM (SELECT * FROM cloudtrail WHERE eventname = 'NoSuchCall') c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr", 0},
		{"inner, right side empty", "SELECT c.eventname, v.dstport FROM cloudtrail c JOIN (SELECT * FROM vpc_flow WHERE dstport = 1) v ON c.sourceipaddress = v.srcaddr", 0},
		{"left, left side empty", "SELECT c.eventname, v.dstport FROM (SELECT * FROM cloudtrail WHERE eventname = 'NoSuchCall') c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr", 0},
		{"right, right side empty", "SELECT c.eventname, v.dstport FROM cloudtrail c RIGHT JOIN (SELECT * FROM vpc_flow WHERE dstport = 1) v ON c.sourceipaddress = v.srcaddr", 0},
		{"inner, one key on the left", "SELECT c.eventname, v.dstport FROM (SELECT * FROM cloudtrail WHERE sourceipaddress = '10.1.2.3') c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr", 2},
		{"left, right side empty", "SELECT c.eventname, v.dstport FROM cloudtrail c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND v.dstport = 1", 1 << 20},
		{"full", "SELECT c.eventname, v.dstport FROM cloudtrail c FULL JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr", 1 << 20},
	}
	for _, tt := range tests {
		want, err := runTables(t, tt.sql, Options{}, 2, bs)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		joinSpillRows = 1
		loads, files := joinPartsLoaded.Load(), spillFiles.Load()
		got, err := runTables(t, tt.sql, Options{MemoryPool: NewMemoryPool(1 << 20), TempDir: t.TempDir()}, 2, bs)
		joinSpillRows = 0
		if err != nil {
			t.Fatalf("%s (spilled): %v", tt.name, err)
		}
		if spillFiles.Load() == files {
			t.Errorf("%s: nothing spilled", tt.name)
		}
		if g, w := resultText(got), resultText(want); g != w {
			t.Errorf("%s: spilled\n%s\nin memory\n%s", tt.name, g, w)
		}
		if n := joinPartsLoaded.Load() - loads; n > tt.maxLoads {
			t.Errorf("%s: read back %d partitions, want at most %d", tt.name, n, tt.maxLoads)
		}
	}
}

// TestJoin_SpillPastMemory: a join past its pool spills instead of
// failing, and answers as it does in memory.
func TestJoin_SpillPastMemory(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bs, _ := joinBenchInput(mem, 4096, 4096, 1024)
	defer releaseBatches(bs)
	sql := "SELECT v.srcaddr, count(*), sum(v.bytes), count(c.eventname) FROM vpc_flow v LEFT JOIN cloudtrail c ON c.sourceipaddress = v.srcaddr GROUP BY 1"
	want, err := runTables(t, sql, Options{}, 2, bs)
	if err != nil {
		t.Fatal(err)
	}
	before := spillFiles.Load()
	pool := NewMemoryPool(256 << 10)
	got, err := runTables(t, sql, Options{MemoryPool: pool, TempDir: t.TempDir()}, 2, bs)
	if err != nil {
		t.Fatal(err)
	}
	if spillFiles.Load() == before {
		t.Errorf("nothing spilled within 256 KiB")
	}
	if g, w := resultText(got), resultText(want); g != w || want.Len() != 1024 {
		t.Errorf("spilled join: %d rows, in memory %d (want 1024); equal: %v", got.Len(), want.Len(), g == w)
	}
	if used := pool.used.Load(); used != 0 {
		t.Errorf("the pool still counts %d bytes", used)
	}
}

// TestJoin_PushesFilters: conjuncts that read one input of a join, and
// that the join would apply to that input's rows anyway, filter the
// input before the join buffers it; conditions on the rows an outer join
// keeps unmatched, and conditions that can fail, stay above it. The
// answers are those of joinResultTests, which run with the push.
func TestJoin_PushesFilters(t *testing.T) {
	tests := []struct {
		name, sql string
		ct, flow  string // the filter under each scan ("" = none)
	}{
		{"inner, WHERE on each side", "SELECT c.eventname FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr WHERE c.eventname = 'ConsoleLogin' AND v.dstport > 10",
			"c.eventname = 'ConsoleLogin'", "v.dstport > 10"},
		{"inner, ON on one side", "SELECT c.eventname FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND v.action = 'REJECT'",
			"", "v.action = 'REJECT'"},
		{"comma join", "SELECT c.eventname FROM cloudtrail c, vpc_flow v WHERE c.sourceipaddress = v.srcaddr AND lower(c.eventname) = 'consolelogin'",
			"lower(c.eventname) = 'consolelogin'", ""},
		{"left: ON on the right input", "SELECT c.eventname FROM cloudtrail c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND v.dstport = 22",
			"", "v.dstport = 22"},
		{"left: ON on the kept left input stays", "SELECT c.eventname FROM cloudtrail c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND c.eventname = 'ConsoleLogin'",
			"", ""},
		{"right: ON on the left input", "SELECT v.dstport FROM cloudtrail c RIGHT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND c.eventname = 'ConsoleLogin'",
			"c.eventname = 'ConsoleLogin'", ""},
		{"full: nothing moves", "SELECT v.dstport FROM cloudtrail c FULL JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND c.eventname = 'ConsoleLogin' AND v.dstport = 22",
			"", ""},
		{"a condition that can fail stays", "SELECT c.eventname FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr WHERE CAST(c.eventname AS integer) = 1",
			"", ""},
		{"a condition on both inputs stays", "SELECT c.eventname FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr WHERE c.eventname <> v.action",
			"", ""},
	}
	for _, tt := range tests {
		q, err := Compile(tt.sql, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		plan := q.Explain()
		for table, want := range map[string]string{"cloudtrail": tt.ct, "vpc_flow": tt.flow} {
			got := ""
			lines := strings.Split(plan, "\n")
			for i, l := range lines {
				if strings.HasPrefix(strings.TrimSpace(l), "scan "+table+" ") && i+1 < len(lines) {
					if next := strings.TrimSpace(lines[i+1]); strings.HasPrefix(next, "-> filter ") {
						got = strings.TrimSuffix(strings.TrimPrefix(next, "-> filter "), " (each on the rows the previous kept, cheap and selective first)")
					}
				}
			}
			if got != want {
				t.Errorf("%s: filter under the %s scan %q, want %q\n%s", tt.name, table, got, want, plan)
			}
		}
	}
}

// TestJoin_SpillFinishBesideFullPool: a spilled join reads its partitions
// back whatever the pool's other operators hold (in hunt run, the hunts
// not finished yet): a partition fails the query only when it alone
// passes the budget, so a run does not fail or succeed by scheduling.
func TestJoin_SpillFinishBesideFullPool(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bs := joinBatches(mem, 1)
	defer releaseBatches(bs)
	sql := "SELECT c.eventname, v.dstport FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr"
	want, err := runTables(t, sql, Options{}, 2, bs)
	if err != nil {
		t.Fatal(err)
	}
	pool := NewMemoryPool(1 << 20)
	others := pool.limit - 16 // another hunt's groups, held through this join's finish
	pool.used.Add(others)
	joinSpillRows = 1
	got, err := runTables(t, sql, Options{MemoryPool: pool, TempDir: t.TempDir()}, 2, bs)
	joinSpillRows = 0
	if err != nil {
		t.Fatalf("spilled join beside a full pool: %v", err)
	}
	if g, w := resultText(got), resultText(want); g != w {
		t.Errorf("spilled:\n%s\nin memory:\n%s", g, w)
	}
	if used := pool.used.Load(); used != others {
		t.Errorf("the pool counts %d bytes after the join, want the others' %d", used, others)
	}
	// A join that cannot spill (IN's mark join) buffers past a pool the
	// others filled, and fails only when its own rows pass the budget.
	sql = "SELECT eventname FROM cloudtrail WHERE sourceipaddress IN (SELECT srcaddr FROM vpc_flow)"
	if want, err = runTables(t, sql, Options{}, 2, bs); err != nil {
		t.Fatal(err)
	}
	pool = NewMemoryPool(1 << 20)
	pool.used.Add(others)
	if got, err = runTables(t, sql, Options{MemoryPool: pool}, 2, bs); err != nil {
		t.Fatalf("mark join beside a full pool: %v", err)
	}
	if g, w := resultText(got), resultText(want); g != w {
		t.Errorf("mark join beside a full pool:\n%s\nalone:\n%s", g, w)
	}
	if _, err := runTables(t, sql, Options{MemoryPool: NewMemoryPool(64)}, 2, bs); !errors.Is(err, errJoinMemory) {
		t.Errorf("mark join past its own budget: %v, want the join memory error", err)
	}
}
