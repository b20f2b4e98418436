package engine

import "testing"

func TestCompileExpr_Types(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"1", "bigint"}, {"1.5", "double"}, {"'a'", "varchar"}, {"TRUE", "boolean"}, {"NULL", "unknown"},
		{"timestamp '2024-01-01 00:00:00'", "timestamp(3)"}, {"interval '1' day", "interval day to second"},
		{"1 + 1.5", "double"}, {"CAST(1 AS varchar)", "varchar"}, {"json_extract('{}', '$.a')", "json"},
		{"CASE WHEN TRUE THEN 1 ELSE 2.5 END", "double"}, {"split('a', ',')", "array(varchar)"},
	}
	for _, tt := range tests {
		q, err := Compile("SELECT "+tt.sql, Options{})
		if err != nil {
			t.Fatalf("Compile(%s): %v", tt.sql, err)
		}
		if got := q.types[0].name; got != tt.want {
			t.Errorf("type of %s = %s; want %s", tt.sql, got, tt.want)
		}
	}
}
