package engine

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestLambda_Results(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"SELECT transform(split('1,2,3', ','), x -> CAST(x AS bigint) * 2)", "[2, 4, 6]\n"},
		{"SELECT transform(split('a,b', ','), x -> upper(x) || '!')", "[A!, B!]\n"},
		{"SELECT filter(split('a,,b', ','), x -> x <> '')", "[a, b]\n"},
		{"SELECT filter(split('', ','), x -> x <> '')", "[]\n"},
		{"SELECT transform(CAST(NULL AS array(varchar)), x -> x)", "NULL\n"},
		// Trino: TRUE if any test is TRUE, else NULL if any is NULL, else FALSE.
		{"SELECT any_match(split('1,2', ','), x -> x = '2'), any_match(split('1,2', ','), x -> x = '3'), any_match(split('1,2', ','), x -> IF(x = '1', NULL, FALSE)), any_match(split('1,2', ','), x -> IF(x = '1', NULL, TRUE))",
			"true|false|NULL|true\n"},
		{"SELECT all_match(split('1,2', ','), x -> x <> '3'), all_match(split('1,2', ','), x -> x = '1'), all_match(split('1,2', ','), x -> IF(x = '1', NULL, TRUE)), all_match(split('1,2', ','), x -> IF(x = '1', NULL, FALSE))",
			"true|false|NULL|false\n"},
		{"SELECT none_match(split('1,2', ','), x -> x = '3'), none_match(split('1,2', ','), x -> x = '1'), none_match(split('1,2', ','), x -> IF(x = '1', NULL, FALSE)), none_match(split('1,2', ','), x -> IF(x = '1', NULL, TRUE))",
			"true|false|NULL|false\n"},
		{"SELECT any_match(filter(split('a', ','), x -> FALSE), x -> TRUE), all_match(filter(split('a', ','), x -> FALSE), x -> FALSE)", "false|true\n"},
		{"SELECT transform(split('a,b', ','), x -> transform(split('1,2', ','), y -> x || y))", "[[a1, a2], [b1, b2]]\n"},
	}
	for _, tt := range tests {
		if got := resultText(runQuery(t, tt.sql, 1)); got != tt.want {
			t.Errorf("%s\ngot:  %q\nwant: %q", tt.sql, got, tt.want)
		}
	}
}

// TestLambda_CloudTrail runs lambdas over Arrow list columns, with outer
// columns captured in the body.
func TestLambda_CloudTrail(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := ctRecords(mem, 2)
	defer releaseAll(recs)
	tests := []struct{ sql, want string }{
		{"SELECT eventname, transform(resources, r -> r.type || '@' || awsregion) FROM cloudtrail WHERE cardinality(resources) > 0 ORDER BY 1",
			"CreateNetworkAclEntry|[AWS::EC2::NetworkAcl@us-east-1]\nDeleteNetworkAcl|[AWS::EC2::NetworkAcl@us-east-1, AWS::EC2::VPC@us-east-1]\n"},
		{"SELECT eventname FROM cloudtrail WHERE any_match(resources, r -> r.arn LIKE '%vpc%')", "DeleteNetworkAcl\n"},
		{"SELECT count(*) FROM cloudtrail WHERE none_match(resources, r -> r.type = 'AWS::EC2::VPC')", "1\n"},
		{"SELECT eventname, cardinality(filter(resources, r -> r.type <> 'AWS::EC2::VPC')) FROM cloudtrail WHERE resources IS NOT NULL ORDER BY 1",
			"CreateNetworkAclEntry|1\nDeleteNetworkAcl|1\n"},
		// A lambda call as a GROUP BY key, by ordinal and by its text
		// (bench/differential lambda_any_match): the key, not its
		// ungrouped argument, is what the select list refers to.
		{"SELECT any_match(resources, r -> r.type = 'AWS::EC2::VPC') AS v, count(*) FROM cloudtrail GROUP BY 1 ORDER BY 1",
			"false|1\ntrue|1\nNULL|4\n"},
		{"SELECT none_match(resources, r -> r.arn LIKE '%vpc%'), count(*) FROM cloudtrail GROUP BY none_match(resources, r -> r.arn LIKE '%vpc%') ORDER BY 1",
			"false|1\ntrue|1\nNULL|4\n"},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2} {
			if got := resultText(runQuery(t, tt.sql, workers, recs...)); got != tt.want {
				t.Errorf("workers=%d %s\ngot:\n%s\nwant:\n%s", workers, tt.sql, got, tt.want)
			}
		}
	}
}

func TestLambda_Failure(t *testing.T) {
	for _, tt := range []struct{ sql, msg string }{
		{"SELECT transform('a', x -> x)", "expected an array as argument 1 of transform, found varchar"},
		{"SELECT filter(split('a', ','), x -> 1)", "expected a boolean lambda body for filter, found bigint"},
		{"SELECT transform(split('a', ','), 1)", "expected a lambda x -> ... as argument 2 of transform, found \"1\""},
		{"SELECT lower(x -> 1)", "expected a lambda only as argument 2 of transform"},
		{"SELECT any_match(split('a', ','))", "expected 2 arguments to any_match, found 1"},
	} {
		_, err := Compile(tt.sql, Options{})
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Compile(%q): got %v; want %q", tt.sql, err, tt.msg)
		}
	}
}
