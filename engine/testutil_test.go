package engine

import (
	"errors"
	"github.com/hunt-sec/hunt/parsers"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// buildRecord builds a record of schema from rows given as nested Go
// values: map[string]any for structs, []any for lists, nil for NULL.
// Columns missing from a row are NULL.
func buildRecord(mem memory.Allocator, schema *arrow.Schema, rows []map[string]any) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, row := range rows {
		for i, f := range schema.Fields() {
			appendAny(b.Field(i), row[f.Name])
		}
	}
	return b.NewRecordBatch()
}

func appendAny(b array.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch bb := b.(type) {
	case *array.StringBuilder:
		bb.Append(v.(string))
	case *array.BinaryDictionaryBuilder:
		if err := bb.AppendString(v.(string)); err != nil {
			panic(err)
		}
	case *array.Int64Builder:
		bb.Append(toInt(v))
	case *array.Int32Builder:
		bb.Append(int32(toInt(v)))
	case *array.StructBuilder:
		m := v.(map[string]any)
		bb.Append(true)
		st := bb.Type().(*arrow.StructType)
		for k := 0; k < bb.NumField(); k++ {
			appendAny(bb.FieldBuilder(k), m[st.Field(k).Name])
		}
	case *array.ListBuilder:
		bb.Append(true)
		for _, e := range v.([]any) {
			appendAny(bb.ValueBuilder(), e)
		}
	case *array.MapBuilder:
		bb.Append(true)
		for k, x := range v.(map[string]any) {
			appendAny(bb.KeyBuilder(), k)
			appendAny(bb.ItemBuilder(), x)
		}
	default:
		panic("appendAny: unsupported builder " + b.Type().String())
	}
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int64:
		return x
	}
	panic("not an int")
}

// ctRow is a compact CloudTrail test event.
func ctRow(name, user, t, region, account string, extra map[string]any) map[string]any {
	r := map[string]any{
		"eventname":          name,
		"eventtime":          t,
		"awsregion":          region,
		"recipientaccountid": account,
		"eventsource":        "ec2.amazonaws.com",
		"useridentity": map[string]any{
			"type": "IAMUser", "arn": "arn:aws:iam::" + account + ":user/" + user, "username": user,
			"sessioncontext": map[string]any{"attributes": map[string]any{"mfaauthenticated": "false"}},
		},
	}
	for k, v := range extra {
		r[k] = v
	}
	return r
}

// ctSample is the CloudTrail fixture most result tests run on.
func ctSample() []map[string]any {
	return []map[string]any{
		ctRow("CreateNetworkAclEntry", "alice", "2024-03-01T15:04:05Z", "us-east-1", "111111111111", map[string]any{
			"requestparameters": `{"networkAclId":"acl-1","ruleNumber":100,"egress":false,"cidrBlock":"0.0.0.0/0"}`,
			"resources":         []any{map[string]any{"arn": "arn:aws:ec2:acl/acl-1", "accountid": "111111111111", "type": "AWS::EC2::NetworkAcl"}},
			"sourceipaddress":   "10.1.2.3",
		}),
		ctRow("ConsoleLogin", "bob", "2024-03-01T15:10:00Z", "us-east-1", "111111111111", map[string]any{
			"additionaleventdata": `{"MFAUsed":"No","LoginTo":"https://console.aws.amazon.com"}`,
			"responseelements":    `{"ConsoleLogin":"Success"}`,
			"sourceipaddress":     "203.0.113.7",
		}),
		ctRow("ConsoleLogin", "carol", "2024-03-01T16:00:00Z", "eu-west-1", "222222222222", map[string]any{
			"additionaleventdata": `{"MFAUsed":"Yes"}`,
			"responseelements":    `{"ConsoleLogin":"Success"}`,
			"sourceipaddress":     "198.51.100.1",
		}),
		ctRow("DeleteNetworkAcl", "alice", "2024-03-02T09:00:00Z", "us-east-1", "111111111111", map[string]any{
			"errorcode":       "AccessDenied",
			"sourceipaddress": "10.9.9.9",
			"resources": []any{
				map[string]any{"arn": "arn:aws:ec2:acl/acl-2", "accountid": "111111111111", "type": "AWS::EC2::NetworkAcl"},
				map[string]any{"arn": "arn:aws:ec2:vpc/vpc-1", "accountid": "111111111111", "type": "AWS::EC2::VPC"},
			},
		}),
		ctRow("DescribeInstances", "dave", "2024-03-02T10:00:00Z", "us-west-2", "111111111111", map[string]any{"sourceipaddress": "10.1.2.4"}),
		ctRow("DescribeInstances", "alice", "2024-03-02T10:00:01Z", "us-west-2", "111111111111", map[string]any{"sourceipaddress": "10.1.2.3"}),
	}
}

// runQuery compiles sql and runs it over records split across workers
// (record i goes to worker i % workers).
func runQuery(t testing.TB, sql string, workers int, recs ...arrow.RecordBatch) *Result {
	t.Helper()
	q, err := Compile(sql, Options{})
	if err != nil {
		t.Fatalf("Compile(%q): %v", sql, err)
	}
	r := q.NewRun(workers)
	for i, rec := range recs {
		if err := r.Push(i%workers, rec); err != nil {
			t.Fatalf("Push(%q): %v", sql, err)
		}
	}
	res, err := r.Finish()
	if err != nil {
		t.Fatalf("Finish(%q): %v", sql, err)
	}
	return res
}

// resultText renders a result as "a|b\n..." rows for comparisons.
func resultText(r *Result) string {
	var b strings.Builder
	for i := 0; i < r.Len(); i++ {
		for j := range r.Columns {
			if j > 0 {
				b.WriteByte('|')
			}
			b.WriteString(r.Text(i, j))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func errorsAs(err error, target **parsers.ParseError) bool { return errors.As(err, target) }

// evalText evaluates SELECT exprs (no FROM) and returns the row as text.
func evalText(t *testing.T, exprs string) string {
	t.Helper()
	q, err := Compile("SELECT "+exprs, Options{})
	if err != nil {
		t.Fatalf("Compile(SELECT %s): %v", exprs, err)
	}
	r := q.NewRun(1)
	res, err := r.Finish()
	if err != nil {
		t.Fatalf("Finish(SELECT %s): %v", exprs, err)
	}
	return strings.TrimSuffix(resultText(res), "\n")
}

// exprTests runs a table of expression → text tests.
func exprTests(t *testing.T, tests [][2]string) {
	t.Helper()
	for _, tt := range tests {
		if got := evalText(t, tt[0]); got != tt[1] {
			t.Errorf("SELECT %s\ngot  %q\nwant %q", tt[0], got, tt[1])
		}
	}
}

// collectorRunning runs the collector over and over until t ends: the
// tests of assembly that stores pointers without write barriers check
// their values under it.
func collectorRunning(t *testing.T) {
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			default:
				runtime.GC()
			}
		}
	}()
	t.Cleanup(func() { close(done) })
}
