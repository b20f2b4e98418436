package engine

import "testing"

func TestFuncMath(t *testing.T) {
	exprTests(t, [][2]string{
		{"abs(-3), abs(-2.5), floor(2.7), ceil(2.1), round(2.5), round(-2.5), round(3.14159, 2), round(1234, -2)", "3|2.5|2.0|3.0|3.0|-3.0|3.14|1200"},
		{"coalesce(NULL, 2, 3), coalesce(NULL, NULL), if(1 < 2, 'y', 'n'), if(1 > 2, 'y'), nullif(1, 1), nullif(1, 2)", "2|NULL|y|NULL|NULL|1"},
	})
}

func TestFuncMathMore(t *testing.T) {
	exprTests(t, [][2]string{
		{"sqrt(16), power(2, 10), ln(1), log2(8), log10(1000), exp(0), sign(-3), mod(7, 3), mod(7.5, 2)", "4.0|1024.0|0.0|3.0|3.0|1.0|-1.0|1|1.5"},
		{"greatest(1, 5, 3), least(1.5, 0.5), greatest('a', 'c', 'b'), greatest(1, NULL)", "5|0.5|c|NULL"},
	})
}
