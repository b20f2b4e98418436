package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/parsers"
)

// parseSuccessTests pairs inputs with their canonical form ("" means the
// input is already canonical). They also seed FuzzParseQuery.
var parseSuccessTests = []struct{ in, want string }{
	{"select 1", "SELECT 1"},
	{"SELECT * FROM cloudtrail", ""},
	{"select eventName, count(*) c from cloudtrail group by 1 order by c desc limit 10",
		"SELECT eventname, count(*) AS c FROM cloudtrail GROUP BY 1 ORDER BY c DESC LIMIT 10"},
	{`SELECT "end" - "start" AS dur, "$path" FROM vpc_flow`, `SELECT "end" - start AS dur, "$path" FROM vpc_flow`},
	{"SELECT DISTINCT useridentity.sessioncontext.sessionissuer.username FROM cloudtrail_logs AS t", ""},
	{"SELECT t.* FROM cloudtrail t", "SELECT t.* FROM cloudtrail AS t"},
	{"SELECT a FROM t WHERE a = 1 AND b <> 2 OR NOT c != 3", "SELECT a FROM t WHERE a = 1 AND b <> 2 OR NOT c <> 3"},
	{"SELECT a FROM t WHERE (a = 1 OR b = 2) AND c", ""},
	{"SELECT a FROM t WHERE NOT (a AND b)", ""},
	{"SELECT 1 + 2 * 3, (1 + 2) * 3, 1 - (2 - 3), 1 - 2 - 3, -(-1), - 1, a || b || 'c'",
		"SELECT 1 + 2 * 3, (1 + 2) * 3, 1 - (2 - 3), 1 - 2 - 3, -(-1), -1, a || b || 'c'"},
	{"SELECT x FROM t WHERE x BETWEEN 1 AND 2 AND y NOT BETWEEN 3 AND 4", ""},
	{"SELECT x FROM t WHERE x IN (1, 2, 3) AND y NOT IN ('a')", ""},
	{"SELECT x FROM t WHERE x LIKE 'a%' AND y NOT LIKE 'a\\_%' ESCAPE '\\'", ""},
	{"SELECT x FROM t WHERE x IS NULL AND y IS NOT NULL", ""},
	{"SELECT 'it''s', TRUE, FALSE, NULL, 1.5, 1e3", ""},
	{"SELECT timestamp '2024-01-01 00:00:00', interval '5' minute, date '2024-01-02'",
		"SELECT TIMESTAMP '2024-01-01 00:00:00', INTERVAL '5' MINUTE, DATE '2024-01-02'"},
	{"SELECT CASE WHEN a = 1 THEN 'x' WHEN a = 2 THEN 'y' ELSE 'z' END, CASE a WHEN 1 THEN 2 END", ""},
	{"SELECT CAST(x AS bigint), try_cast(y as varchar(10)), cast(z as timestamp with time zone), cast(a as int)",
		"SELECT CAST(x AS bigint), TRY_CAST(y AS varchar(10)), CAST(z AS timestamp with time zone), CAST(a AS integer)"},
	{"SELECT count(DISTINCT x), approx_distinct(y), min_by(a, b), json_extract_scalar(requestparameters, '$.bucketName')", ""},
	{"SELECT a[1], a[1].arn, (a).b, f(x).y", ""},
	{"SELECT r.arn FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r)", ""},
	{"SELECT arn FROM cloudtrail, UNNEST(resources) AS u(arn, accountid, type)",
		"SELECT arn FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(arn, accountid, type)"},
	{"WITH a AS (SELECT 1 AS x), b AS (SELECT x FROM a) SELECT * FROM b", ""},
	{"SELECT x FROM (SELECT 1 AS x) s", "SELECT x FROM (SELECT 1 AS x) AS s"},
	{"SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 ORDER BY 1 LIMIT 5", ""},
	{"(SELECT 1 LIMIT 1) UNION ALL (SELECT 2)", "(SELECT 1 LIMIT 1) UNION ALL SELECT 2"},
	{"SELECT a FROM t ORDER BY a OFFSET 10 ROWS LIMIT 5", "SELECT a FROM t ORDER BY a OFFSET 10 LIMIT 5"},
	{"SELECT a FROM t ORDER BY a OFFSET 1 ROW FETCH NEXT 3 ROWS ONLY", "SELECT a FROM t ORDER BY a OFFSET 1 LIMIT 3"},
	{"SELECT a FROM t fetch first row only", "SELECT a FROM t LIMIT 1"},
	{"SELECT a FROM t OFFSET 0 LIMIT ALL", "SELECT a FROM t"},
	{"SELECT substring(a FROM 2 FOR 3), substring(a || b FROM n + 1), position('x' IN a || b), substring(a, 2), position(a IN b) = 0 FROM t",
		"SELECT substring(a, 2, 3), substring(a || b, n + 1), strpos(a || b, 'x'), substring(a, 2), strpos(b, a) = 0 FROM t"},
	{"SELECT trim(BOTH '$' FROM a), trim(leading FROM a), TRIM(Trailing 'ER' FROM upper(b)), trim('!' FROM a), trim(FROM a), trim(a, 'x'), ltrim(a, 'x'), trim(both), trim(leading, 'x') FROM t",
		"SELECT trim(a, '$'), ltrim(a), rtrim(upper(b), 'ER'), trim(a, '!'), trim(a), trim(a, 'x'), ltrim(a, 'x'), trim(both), trim(leading, 'x') FROM t"},
	{"SELECT contains(array['a', 'b'], x), ARRAY[], ARRAY[ARRAY[1], ARRAY[2, 3]][1], array FROM t", "SELECT contains(ARRAY['a', 'b'], x), ARRAY[], ARRAY[ARRAY[1], ARRAY[2, 3]][1], array FROM t"},
	{"SELECT * FROM (SELECT a FROM t OFFSET 2) x", "SELECT * FROM (SELECT a FROM t OFFSET 2) AS x"},
	{"SELECT a FROM t ORDER BY a ASC NULLS FIRST, b DESC NULLS LAST", "SELECT a FROM t ORDER BY a NULLS FIRST, b DESC NULLS LAST"},
	{"SELECT current_timestamp - interval '1' day", "SELECT current_timestamp - INTERVAL '1' DAY"},
	{"SELECT current_date", ""},
	{"SELECT count(*) filter (where a > 1), sum(x) FILTER (WHERE b)", "SELECT count(*) FILTER (WHERE a > 1), sum(x) FILTER (WHERE b)"},
	{"SELECT contains(ipprefix '10.0.0.0/8', ipaddress '10.1.1.1')", "SELECT contains(IPPREFIX '10.0.0.0/8', IPADDRESS '10.1.1.1')"},
	{"select a from t -- trailing\n/* block */ ;", "SELECT a FROM t"},
	{"SELECT srcaddr, count(*) FROM vpc_flow WHERE action = 'REJECT' GROUP BY srcaddr, date_trunc('minute', from_unixtime(start)) HAVING count(*) > 100", ""},
	{"SELECT x FROM default.cloudtrail_logs", "SELECT x FROM cloudtrail_logs"},
	{`SELECT "Mixed" AS "select", "a b"`, `SELECT mixed AS "select", "a b"`},
	{"SELECT (a = b) = c, a = (b = c)", ""},
	{"SELECT - - 1", "SELECT -(-1)"},
	{"SELECT -a.b[2]", ""},
	{"SELECT a IS DISTINCT FROM b, a is not distinct from (b = c)", "SELECT a IS DISTINCT FROM b, a IS NOT DISTINCT FROM (b = c)"},
	{"SELECT extract(hour FROM ts), EXTRACT(dow FROM ts)", "SELECT hour(ts), day_of_week(ts)"},
	{"SELECT x FROM t WHERE (a OR b) IS NULL", ""},
	{"SELECT x FROM t WHERE NOT a IS NULL", ""},
	{"SELECT x FROM t WHERE a LIKE (b || c)", "SELECT x FROM t WHERE a LIKE b || c"},
	{"SELECT a.x, b.y FROM t a INNER JOIN u b ON a.k = b.k AND a.j = b.j", "SELECT a.x, b.y FROM t AS a JOIN u AS b ON a.k = b.k AND a.j = b.j"},
	{"SELECT * FROM t LEFT OUTER JOIN u ON t.k = u.k RIGHT JOIN v ON v.k = u.k FULL OUTER JOIN w USING (k, j)",
		"SELECT * FROM t LEFT JOIN u ON t.k = u.k RIGHT JOIN v ON v.k = u.k FULL JOIN w USING (k, j)"},
	{"SELECT * FROM t CROSS JOIN u, v AS x CROSS JOIN UNNEST(x.a) AS z", ""},
	{"SELECT * FROM (SELECT 1 AS k) AS s JOIN t ON s.k = t.k", ""},
	{"SELECT x FROM t WHERE x IN (SELECT y FROM u) AND z NOT IN (SELECT 1) OR NOT EXISTS (SELECT * FROM u WHERE u.y = t.x)", ""},
	{"SELECT (SELECT max(y) FROM u) + 1, x FROM t WHERE x = (WITH a AS (SELECT 1 AS v) SELECT v FROM a)", ""},
	{"create table db.x with (format = 'PARQUET', external_location = 's3://b/p/') as select 1 with no data",
		"CREATE TABLE db.x WITH (format = 'PARQUET', external_location = 's3://b/p/') AS SELECT 1 WITH NO DATA"},
	{"CREATE TABLE x AS WITH a AS (SELECT 1 AS v) SELECT v FROM a WITH DATA", "CREATE TABLE x AS WITH a AS (SELECT 1 AS v) SELECT v FROM a"},
	{"insert into x (a, b) select 1, 2", "INSERT INTO x (a, b) SELECT 1, 2"},
	{"INSERT INTO x (SELECT 1)", "INSERT INTO x SELECT 1"},
	{"WITH iocs(ip) AS (values '10.0.0.1', '10.0.0.2') SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name)",
		"WITH iocs(ip) AS (VALUES ('10.0.0.1'), ('10.0.0.2')) SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name)"},
	{"VALUES (1, 2), (3, 4) ORDER BY 1", ""},
	{"SELECT x, n FROM UNNEST(ARRAY[1, 2]) with ordinality AS t(x, n) CROSS JOIN UNNEST(t.a) WITH ORDINALITY", "SELECT x, n FROM UNNEST(ARRAY[1, 2]) WITH ORDINALITY AS t(x, n) CROSS JOIN UNNEST(t.a) WITH ORDINALITY"},
}

func TestParse_Success(t *testing.T) {
	for _, tt := range parseSuccessTests {
		want := tt.want
		if want == "" {
			want = tt.in
		}
		q, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		got := q.String()
		if got != want {
			t.Errorf("Parse(%q).String()\ngot  %q\nwant %q", tt.in, got, want)
			continue
		}
		q2, err := Parse(got)
		if err != nil {
			t.Errorf("re-parse of %q: %v", got, err)
			continue
		}
		if q2.String() != got {
			t.Errorf("round trip of %q gives %q", got, q2.String())
		}
	}
}

// parseFailureTests mark the expected error position with ¶.
var parseFailureTests = []struct{ in, msg string }{
	{"¶", "expected SELECT, found end of input"},
	{"SELECT ¶FROM t", `expected expression, found "FROM"`},
	{"SELECT a FROM t x ¶garbage", `expected end of query, found "garbage"`},
	{"SELECT a FROM t WHERE ¶", "expected expression, found end of input"},
	{"SELECT a\nFROM t\nWHERE CAST(x AS bigint\n  ¶and", `expected ')' to close '(' at 3:11, found "and"`},
	{"SELECT count(a ¶b", `expected ')' to close '(' at 1:13, found "b"`},
	{"SELECT a FROM t ORDER BY a NULLS ¶x", `expected FIRST or LAST, found "x"`},
	{"SELECT a FROM t LIMIT ¶x", `expected row count after LIMIT, found "x"`},
	{"SELECT a FROM t OFFSET ¶-1", `expected row count after OFFSET, found "-"`},
	{"SELECT ARRAY[1, 2 ¶FROM t", `expected ']' to close '[' at 1:13, found "FROM"`},
	{"SELECT substring(a FROM ¶) FROM t", `expected expression, found ")"`},
	{"SELECT trim(BOTH 'x' ¶a) FROM t", `expected FROM, found "a"`},
	{"SELECT trim(LEADING 'x' FROM ¶) FROM t", `expected expression, found ")"`},
	{"SELECT trim('x' FROM a ¶, 'y') FROM t", `expected ')' to close '(' at 1:12, found ","`},
	{"SELECT position('x' IN a ¶FOR 2) FROM t", `expected ')' to close '(' at 1:16, found "FOR"`},
	{"SELECT a FROM t LIMIT 2 ¶OFFSET 1", `expected end of query, found "OFFSET"`},
	{"SELECT a FROM t FETCH FIRST 2 ROWS ¶WITH TIES", `expected ONLY after FETCH FIRST ... ROWS (WITH TIES is not supported; run the query with --engine athena), found "WITH"`},
	{"SELECT a FROM t FETCH ¶2 ROWS ONLY", `expected FIRST or NEXT after FETCH, found "2"`},
	{"SELECT a FROM t FETCH FIRST 2 ¶ONLY", `expected ROW or ROWS after FETCH FIRST, found "ONLY"`},
	{"SELECT 1 UNION ALL ¶FROM", `expected SELECT, found "FROM"`},
	{"SELECT a FROM t JOIN u ¶", `expected ON or USING after JOIN u, found end of input`},
	{"SELECT a FROM t LEFT ¶u", `expected JOIN, found "u"`},
	{"SELECT a FROM t ¶NATURAL JOIN u", `expected JOIN ... ON or USING (NATURAL JOIN is not supported), found "NATURAL"`},
	{"SELECT a FROM t JOIN u USING (¶1)", `expected column name in USING, found "1"`},
	{"SELECT a FROM t JOIN ¶UNNEST(x) ON TRUE", `expected a table or subquery after JOIN (only CROSS JOIN UNNEST is supported), found "UNNEST"`},
	{"SELECT a FROM t WHERE EXISTS (SELECT 1 ¶", `expected ')' to close '(' at 1:30, found end of input`},
	{"CREATE TABLE x WITH (format ¶'PARQUET') AS SELECT 1", `expected "=", found "'PARQUET'"`},
	{"CREATE TABLE x ¶SELECT 1", `expected AS, found "SELECT"`},
	{"INSERT ¶x SELECT 1", `expected INTO, found "x"`},
	{"SELECT a IS ¶1", `expected NULL or DISTINCT FROM after IS, found "1"`},
	{"SELECT CASE ¶END", `expected expression, found "END"`},
	{"SELECT CASE a ¶END", `expected WHEN, found "END"`},
	{"SELECT CAST(a ¶bigint)", `expected AS, found "bigint"`},
	{"SELECT interval '1' ¶week", `expected interval unit (SECOND, MINUTE, HOUR, DAY, MONTH, YEAR), found "week"`},
	{"SELECT a[1¶", `expected ']' to close '[' at 1:9, found end of input`},
	{"SELECT 'abc' ¶'x'", `expected end of query, found "'x'"`},
	{"SELECT extract(¶fortnight FROM x)", `expected a field to EXTRACT (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, DAY_OF_WEEK, ...), found "fortnight"`},
	{"SELECT a.¶from", `expected field name after '.', found "from"`},
	{"SELECT a AS ¶from", `expected alias after AS, found "from"`},
}

func TestParse_Failure(t *testing.T) {
	for _, tt := range parseFailureTests {
		off := strings.Index(tt.in, "¶")
		in := strings.Replace(tt.in, "¶", "", 1)
		_, err := ParseSource("x.sql", in)
		var pe *parsers.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q): got %v; want *parsers.ParseError", in, err)
			continue
		}
		line, col := lineCol(in, off)
		if pe.Offset != int64(off) || pe.Line != line || pe.Col != col || pe.Source != "x.sql" {
			t.Errorf("Parse(%q): error at %s:%d:%d offset %d; want x.sql:%d:%d offset %d (%v)", in, pe.Source, pe.Line, pe.Col, pe.Offset, line, col, off, err)
		}
		if pe.Err.Error() != tt.msg {
			t.Errorf("Parse(%q): got %q; want %q", in, pe.Err.Error(), tt.msg)
		}
	}
}

func TestParse_ErrorMessage(t *testing.T) {
	_, err := ParseSource("queries/x.sql", "SELECT a\nFROM t\nWHERE CAST(x AS bigint\n  and")
	want := `queries/x.sql:4:3: expected ')' to close '(' at 3:11, found "and"`
	if err == nil || err.Error() != want {
		t.Errorf("got %v; want %s", err, want)
	}
}

func TestParse_Depth(t *testing.T) {
	in := "SELECT " + strings.Repeat("(", 1000) + "1" + strings.Repeat(")", 1000)
	if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), "levels of nesting") {
		t.Errorf("got %v; want nesting error", err)
	}
	in = "SELECT " + strings.Repeat("-", 1000) + "1"
	if _, err := Parse(in); err == nil {
		t.Errorf("got no error for deep unary minus")
	}
}
