package engine

import "testing"

func TestExprLogic(t *testing.T) {
	// Three-valued logic: NULL AND FALSE is FALSE, NULL OR TRUE is TRUE.
	exprTests(t, [][2]string{
		{"NULL AND FALSE, NULL AND TRUE, NULL OR TRUE, NULL OR FALSE, NOT NULL, NOT TRUE", "false|NULL|true|NULL|NULL|false"},
		{"NULL IS NULL, 1 IS NULL, 1 IS NOT NULL", "true|false|true"},
		{"CASE WHEN NULL THEN 1 WHEN 1 = 1 THEN 2 END, CASE 3 WHEN 1 THEN 'a' END, CASE WHEN FALSE THEN 1 ELSE 2.5 END", "2|NULL|2.5"},
	})
}

func TestExprFilterNulls(t *testing.T) {
	// WHERE keeps only TRUE rows: NULL comparisons drop out, NOT keeps NULLs out too.
	exprTests(t, [][2]string{
		{"count(*) FROM (SELECT NULL AS x UNION ALL SELECT 'a' UNION ALL SELECT 'b') WHERE x <> 'a'", "1"},
		{"count(*) FROM (SELECT NULL AS x UNION ALL SELECT 'a' UNION ALL SELECT 'b') WHERE NOT x = 'a'", "1"},
		{"count(*) FROM (SELECT NULL AS x UNION ALL SELECT 'a') WHERE NOT (x = 'a' AND x = 'b')", "1"},
		{"count(*) FROM (SELECT NULL AS x UNION ALL SELECT 'a') WHERE x IN ('a', NULL)", "1"},
		{"count(*) FROM (SELECT NULL AS x UNION ALL SELECT 'a') WHERE x NOT IN ('b', NULL)", "0"},
	})
}
