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
