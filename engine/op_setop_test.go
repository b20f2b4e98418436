package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

func TestSetOp_Results(t *testing.T) {
	const data = `WITH a AS (SELECT 1 AS x, 'p' AS y UNION ALL SELECT 1, 'p' UNION ALL SELECT 2, 'q' UNION ALL SELECT NULL, 'r' UNION ALL SELECT 3, NULL),
b AS (SELECT 1 AS x, 'p' AS y UNION ALL SELECT NULL, 'r' UNION ALL SELECT 3, 's' UNION ALL SELECT 4, 't') `
	tests := []struct{ name, sql, want string }{
		{"intersect is distinct, NULLs equal", "SELECT * FROM a INTERSECT SELECT * FROM b", "1|p\nNULL|r\n"},
		{"except is distinct", "SELECT * FROM a EXCEPT SELECT * FROM b", "2|q\n3|NULL\n"},
		{"except the other way", "SELECT * FROM b EXCEPT DISTINCT SELECT * FROM a ORDER BY x", "3|s\n4|t\n"},
		{"intersect binds tighter", "SELECT x FROM a EXCEPT SELECT x FROM b INTERSECT SELECT 3", "1\n2\nNULL\n"},
		{"left to right", "SELECT x FROM a EXCEPT SELECT 1 EXCEPT SELECT 2", "3\nNULL\n"},
		{"coerces column types", "SELECT 1 INTERSECT SELECT 1.0", "1.0\n"},
		{"under union all", "SELECT 9 UNION ALL (SELECT x FROM a INTERSECT SELECT x FROM b) ORDER BY 1 LIMIT 2", "1\n3\n"},
		{"empty", "SELECT x FROM a INTERSECT SELECT 7", ""},
		{"union is distinct", "SELECT x FROM a UNION SELECT x FROM b", "1\n2\n3\n4\nNULL\n"},
		{"union distinct then all", "SELECT x FROM a UNION DISTINCT SELECT 1 UNION ALL SELECT 1", "1\n1\n2\n3\nNULL\n"},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2} {
			if got := resultText(runQuery(t, data+tt.sql, workers)); got != tt.want {
				t.Errorf("%s (workers=%d): %s\ngot:\n%s\nwant:\n%s", tt.name, workers, tt.sql, got, tt.want)
			}
		}
	}
}

// TestSetOp_CloudTrail intersects two scans of a table.
func TestSetOp_CloudTrail(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := ctRecords(mem, 2)
	defer releaseAll(recs)
	tests := []struct{ sql, want string }{
		{"SELECT useridentity.username FROM cloudtrail WHERE awsregion = 'us-east-1' EXCEPT SELECT useridentity.username FROM cloudtrail WHERE errorcode IS NOT NULL", "bob\n"},
		{"SELECT useridentity.username FROM cloudtrail WHERE awsregion = 'us-east-1' INTERSECT SELECT useridentity.username FROM cloudtrail WHERE errorcode IS NOT NULL", "alice\n"},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2} {
			if got := resultText(runQuery(t, tt.sql, workers, recs...)); got != tt.want {
				t.Errorf("workers=%d %s\ngot:\n%s\nwant:\n%s", workers, tt.sql, got, tt.want)
			}
		}
	}
}

func TestSetOp_Failure(t *testing.T) {
	for _, tt := range []struct{ sql, msg string }{
		{"SELECT 1, 2 INTERSECT ¶SELECT 1", "expected 2 columns in each operand of INTERSECT, found 1"},
		{"SELECT 1 ¶EXCEPT SELECT 'a'", "expected column 1 of one type in both operands of EXCEPT"},
		{"SELECT resources FROM cloudtrail ¶INTERSECT SELECT resources FROM cloudtrail", "expected columns of scalar types in INTERSECT, found array"},
	} {
		off := strings.Index(tt.sql, "¶")
		sql := strings.Replace(tt.sql, "¶", "", 1)
		_, err := Compile(sql, Options{})
		var pe *parsers.ParseError
		if !errors.As(err, &pe) || pe.Offset != int64(off) || !strings.Contains(pe.Err.Error(), tt.msg) {
			t.Errorf("Compile(%q): got %v; want at offset %d %q", sql, err, off, tt.msg)
		}
	}
}
