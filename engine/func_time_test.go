package engine

import "testing"

func TestFuncTime(t *testing.T) {
	exprTests(t, [][2]string{
		{"from_iso8601_timestamp('2024-03-01T15:04:05Z'), from_iso8601_timestamp('2024-03-01T15:04:05.123Z'), from_iso8601_timestamp('2024-03-01T15:04:05+01:00')",
			"2024-03-01 15:04:05.000|2024-03-01 15:04:05.123|2024-03-01 14:04:05.000"},
		{"from_unixtime(1709305445), from_unixtime(1709305445.5), to_unixtime(from_unixtime(10))", "2024-03-01 15:04:05.000|2024-03-01 15:04:05.500|10.0"},
		{"date_trunc('hour', timestamp '2024-03-01 15:04:05'), date_trunc('month', timestamp '2024-03-21 15:04:05'), date_trunc('week', timestamp '2024-03-21 15:04:05'), date_trunc('quarter', timestamp '2024-05-21 00:00:00'), date_trunc('year', timestamp '2024-05-21 00:00:00')",
			"2024-03-01 15:00:00.000|2024-03-01 00:00:00.000|2024-03-18 00:00:00.000|2024-04-01 00:00:00.000|2024-01-01 00:00:00.000"},
		{"date_add('day', -1, timestamp '2024-03-01 00:00:00'), date_add('month', 1, timestamp '2024-01-31 00:00:00'), date_diff('day', timestamp '2024-03-01 00:00:00', timestamp '2024-03-03 12:00:00'), date_diff('month', timestamp '2024-01-31 00:00:00', timestamp '2024-02-29 00:00:00')",
			"2024-02-29 00:00:00.000|2024-02-29 00:00:00.000|2|1"},
		{"year(timestamp '2024-03-01 15:04:05'), month(timestamp '2024-03-01 15:04:05'), day(timestamp '2024-03-01 15:04:05'), hour(timestamp '2024-03-01 15:04:05'), minute(timestamp '2024-03-01 15:04:05'), second(timestamp '2024-03-01 15:04:05'), day_of_week(timestamp '2024-03-03 00:00:00')",
			"2024|3|1|15|4|5|7"},
		{"date_format(timestamp '2024-03-01 15:04:05', '%Y-%m-%d %H:%i:%s'), to_iso8601(timestamp '2024-03-01 15:04:05')", "2024-03-01 15:04:05|2024-03-01T15:04:05.000Z"},
		{"timestamp '2024-03-01 00:00:00' - interval '90' minute, timestamp '2024-03-01 00:00:01' - timestamp '2024-03-01 00:00:00' = interval '1' second",
			"2024-02-29 22:30:00.000|true"},
		{"from_iso8601_timestamp(eventtime) > timestamp '2024-01-01 00:00:00' FROM (SELECT '2024-06-01T00:00:00Z' AS eventtime)", "true"},
		{"timestamp '2024-03-01 00:00:00' < '2024-03-02 00:00:00'", "true"},
		{"date('2024-03-01'), date(timestamp '2024-03-01 15:00:00'), from_iso8601_date('2024-03-01') = date '2024-03-01', current_date <= current_timestamp", "2024-03-01|2024-03-01|true|true"},
	})
}

func TestParseISOFast(t *testing.T) {
	for _, s := range []string{"2024-03-01T15:04:05Z", "1969-12-31T23:59:59Z", "2000-02-29T00:00:00.5Z", "2024-12-31T23:59:59.123456789Z"} {
		got, ok := parseISOFast(s, nil)
		want, ok2 := parseTimestamp(s[:len(s)-1] + "+00:00")
		if !ok || !ok2 || got != want {
			t.Errorf("parseISOFast(%q) = %d %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"2024-13-01T00:00:00Z", "2024-03-01T25:00:00Z", "2024-03-01 15:04:05Z", "x024-03-01T15:04:05Z"} {
		if _, ok := parseISOFast(s, nil); ok {
			t.Errorf("parseISOFast(%q) accepted", s)
		}
	}
}
