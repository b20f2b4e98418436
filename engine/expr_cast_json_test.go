package engine

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

func TestCastJSONArray(t *testing.T) {
	exprTests(t, [][2]string{
		{`cardinality(CAST(json_extract('{"a":[1,"x",{"b":2},[3]]}', '$.a') AS ARRAY(JSON))), cardinality(CAST(json_parse('[]') AS ARRAY(JSON)))`, `4|0`},
		{`any_match(CAST(json_extract('{"a":["p","Q"]}', '$.a') AS ARRAY(JSON)), e -> lower(json_extract_scalar(e, '$')) = 'q')`, `true`},
		{`any_match(CAST(json_extract('{"a":[{"b":"x"},{"b":"y"}]}', '$.a') AS ARRAY(JSON)), e -> json_extract_scalar(e, '$.b') = 'y')`, `true`},
		// TRY_CAST: a scalar, an object or a missing path is NULL, and so is a JSON null.
		{`TRY_CAST(json_extract('{"a":"x"}', '$.a') AS ARRAY(JSON)) IS NULL, TRY_CAST(json_extract('{"a":{}}', '$.a') AS ARRAY(JSON)) IS NULL, TRY_CAST(json_extract('{}', '$.a') AS ARRAY(JSON)) IS NULL, TRY_CAST(json_parse('null') AS ARRAY(JSON)) IS NULL`, `true|true|true|true`},
	})
}

func TestCastJSONArray_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := buildRecord(mem, parsers.CloudTrailSchema, ctSample())
	defer rec.Release()
	q, err := Compile(`SELECT CAST(json_parse(eventname) AS ARRAY(JSON)) AS a FROM cloudtrail`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	err = r.Push(0, rec)
	if err == nil {
		_, err = r.Finish()
	}
	if err == nil || !strings.Contains(err.Error(), "to array(json)") {
		t.Fatalf("got %v; want a cast error", err)
	}
}

// TestCastJSONScalar: CAST(json AS bigint | double | boolean) and of
// arrays of them, with Trino's rules for each JSON value.
func TestCastJSONScalar(t *testing.T) {
	exprTests(t, [][2]string{
		{`CAST(json_parse('12') AS bigint), CAST(json_parse('"12"') AS bigint), CAST(json_parse('2.5') AS bigint), CAST(json_parse('-2.5') AS bigint), CAST(json_parse('true') AS bigint), CAST(json_parse('null') AS bigint) IS NULL`,
			`12|12|3|-3|1|true`},
		{`CAST(json_parse('1.5') AS double), CAST(json_parse('"2.25"') AS double), CAST(json_parse('false') AS double)`, `1.5|2.25|0.0`},
		{`CAST(json_parse('true') AS boolean), CAST(json_parse('"f"') AS boolean), CAST(json_parse('0') AS boolean), CAST(json_parse('2') AS boolean)`, `true|false|false|true`},
		{`CAST(json_extract('{"port":"22"}', '$.port') AS integer) + 1`, `23`},
		{`TRY_CAST(json_parse('"x"') AS bigint) IS NULL, TRY_CAST(json_parse('[1]') AS bigint) IS NULL, TRY_CAST(json_parse('{}') AS double) IS NULL, TRY_CAST(json_parse('1e30') AS bigint) IS NULL`,
			`true|true|true|true`},
		{`CAST(json_parse('[1, null, "3", 2.5]') AS ARRAY(bigint))`, `[1, NULL, 3, 3]`},
		{`CAST(json_parse('["a", null, 1, true]') AS ARRAY(varchar))`, `[a, NULL, 1, true]`},
		{`CAST(json_parse('[1.5, "2"]') AS ARRAY(double)), CAST(json_parse('[1, "false"]') AS ARRAY(boolean))`, `[1.5, 2.0]|[true, false]`},
		{`contains(CAST(json_extract('{"ids":["i-1","i-2"]}', '$.ids') AS ARRAY(varchar)), 'i-2')`, `true`},
		// TRY_CAST of an array: one element that fails makes it NULL.
		{`TRY_CAST(json_parse('["x", 1]') AS ARRAY(bigint)) IS NULL, TRY_CAST(json_parse('["2", 1]') AS ARRAY(bigint)), TRY_CAST(json_parse('{"a":1}') AS ARRAY(varchar)) IS NULL`,
			`true|[2, 1]|true`},
	})
}

func TestCastJSONScalar_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := buildRecord(mem, parsers.CloudTrailSchema, ctSample())
	defer rec.Release()
	for _, tt := range []struct{ sql, want string }{
		{`SELECT CAST(json_parse('"' || eventname || '"') AS bigint) FROM cloudtrail`, `cannot cast "\"CreateNetworkAclEntry\"" to bigint`},
		{`SELECT CAST(json_parse('[' || awsregion || ']') AS double) FROM cloudtrail`, "to double"},
		{`SELECT CAST(json_parse('[1, "' || eventname || '"]') AS ARRAY(bigint)) FROM cloudtrail`, "to bigint"},
	} {
		err := func() error {
			q, err := Compile(tt.sql, Options{})
			if err != nil {
				return err
			}
			r := q.NewRun(1)
			if err := r.Push(0, rec); err != nil {
				return err
			}
			_, err = r.Finish()
			return err
		}()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v; want an error with %q", tt.sql, err, tt.want)
		}
	}
}
