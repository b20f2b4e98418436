package engine

import (
	"strings"
	"testing"
)

func TestExprArith(t *testing.T) {
	exprTests(t, [][2]string{
		{"1 + 2, 5 - 7, 3 * 4, 7 / 2, -7 / 2, 7 % 3, 1.5 + 1, 1 / 4.0, -(3)", "3|-2|12|3|-3|1|2.5|0.25|-3"},
		{"NULL + 1, 'a' || 'b' || 'c', 1e10, 0.0001", "NULL|abc|1.0E10|1.0E-4"},
	})
	if _, err := Compile("SELECT 1 / 0", Options{}); err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("1 / 0: got %v; want division by zero", err)
	}
	if _, err := Compile("SELECT 'a' + 1", Options{}); err == nil {
		t.Errorf("'a' + 1 compiled")
	}
}
