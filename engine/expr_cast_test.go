package engine

import "testing"

func TestExprCast(t *testing.T) {
	exprTests(t, [][2]string{
		{"CAST('12' AS bigint), CAST(' 12 ' AS integer), CAST('1.5' AS double), CAST('true' AS boolean), CAST(1 AS double), CAST(2.5 AS bigint)", "12|12|1.5|true|1.0|3"},
		{"CAST(12 AS varchar), CAST(1.5 AS varchar), CAST(TRUE AS varchar), CAST(timestamp '2024-01-02 03:04:05' AS varchar), CAST(timestamp '2024-01-02 03:04:05' AS date)", "12|1.5|true|2024-01-02 03:04:05.000|2024-01-02"},
		{"TRY_CAST('x' AS bigint), TRY_CAST('x' AS double), TRY_CAST('x' AS timestamp), TRY_CAST('2024-01-02' AS timestamp)", "NULL|NULL|NULL|2024-01-02 00:00:00.000"},
		{"CAST(NULL AS varchar), CAST('a' AS varchar)", "NULL|a"},
		{"try(CAST('x' AS bigint)), try(1 / 0), try(from_iso8601_timestamp('yesterday')), try(CAST('7' AS bigint)) + 1", "NULL|NULL|NULL|8"},
	})
}
