package engine

import (
	"strconv"
	"strings"
	"testing"
)

// TestVariance: stddev and variance in their sample and population forms,
// exact where the sum of squares would cancel (values near 1e9), merged
// across workers and batches, NULL below two (sample) or one value.
func TestVariance(t *testing.T) {
	var big strings.Builder // 1e9+1, 1e9+2, 1e9+4 repeated, across batches
	for i := 0; i < 3*BatchRows; i++ {
		if i > 0 {
			big.WriteString(", ")
		}
		big.WriteString(strconv.Itoa(1_000_000_000 + []int{1, 2, 4}[i%3]))
	}
	tests := []struct{ name, sql, want string }{
		{"all forms", "SELECT round(stddev(x), 12), round(stddev_samp(x), 12), round(stddev_pop(x), 12), round(variance(x), 12), round(var_samp(x), 12), round(var_pop(x), 12) FROM (VALUES 1, 2, 4) t(x)",
			"1.527525231652|1.527525231652|1.247219128925|2.333333333333|2.333333333333|1.555555555556\n"},
		{"near 1e9", "SELECT round(variance(x), 6), round(var_pop(x), 6), count(*) FROM (VALUES " + big.String() + ") t(x)",
			"1.555682|1.555556|" + strconv.Itoa(3*BatchRows) + "\n"},
		{"one value, none, NULLs", "SELECT variance(x), var_pop(x), stddev_pop(x), variance(y), var_pop(y) FROM (VALUES (5, CAST(NULL AS double)), (NULL, NULL)) t(x, y)",
			"NULL|0.0|0.0|NULL|NULL\n"},
		{"doubles, grouped", "SELECT g, round(var_samp(v), 9) FROM (VALUES ('a', 1.5e0), ('a', 2.5e0), ('b', -1e0), ('b', 1e0), ('b', 3e0)) t(g, v) GROUP BY 1 ORDER BY 1",
			"a|0.5\nb|4.0\n"},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 3} {
			if got := resultText(runQuery(t, tt.sql, workers)); got != tt.want {
				t.Errorf("%s (workers=%d): %s\ngot:\n%s\nwant:\n%s", tt.name, workers, tt.sql[:min(len(tt.sql), 120)], got, tt.want)
			}
		}
	}
}

func TestVariance_Failure(t *testing.T) {
	for _, sql := range []string{"SELECT stddev(eventname) FROM cloudtrail", "SELECT var_pop(useridentity) FROM cloudtrail"} {
		if _, err := Compile(sql, Options{}); err == nil || !strings.Contains(err.Error(), "expected a numeric argument to") {
			t.Errorf("Compile(%q): %v; want the numeric-argument error", sql, err)
		}
	}
}
