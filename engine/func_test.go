package engine

import (
	"strings"
	"testing"
)

func TestFuncTable(t *testing.T) {
	for name := range scalarFuncs() {
		if athenaFuncs[name] || aggregates[name] || athenaAggregates[name] {
			t.Errorf("%s is in two function tables", name)
		}
	}
	for _, tt := range []struct{ sql, msg string }{
		{"SELECT lower(1)", "expected argument 1 of lower to be varchar, found bigint"},
		{"SELECT substr('a')", "expected 2 to 3 arguments to substr, found 1"},
		{"SELECT concat()", "expected at least 1 arguments to concat, found 0"},
		{"SELECT regexp_like('a', '(')", "expected a valid regular expression"},
		{"SELECT date_trunc('fortnight', current_timestamp)", `expected a unit (millisecond, second, minute, hour, day, week, month, quarter, year), found "fortnight"`},
		{"SELECT contains('10.0.0.0/33', IPADDRESS '10.0.0.1')", `expected a network such as '10.0.0.0/8' as argument 1 of contains, found "10.0.0.0/33" (Invalid CIDR)`},
		{"SELECT md5('x')", "function md5 is not supported by the local engine; run the query with --engine athena"},
	} {
		_, err := Compile(tt.sql, Options{})
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Compile(%q): got %v; want %q", tt.sql, err, tt.msg)
		}
	}
}
