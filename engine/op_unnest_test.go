package engine

import "testing"

func TestUnnestComputed(t *testing.T) {
	exprTests(t, [][2]string{
		{"x, p FROM (SELECT 'k' AS x, split('a,b,c', ',') AS parts) CROSS JOIN UNNEST(parts) AS u(p) ORDER BY p DESC", "k|c\nk|b\nk|a"},
		{"count(*) FROM (SELECT split('', ',') AS parts) CROSS JOIN UNNEST(parts) AS u(p)", "1"},
	})
}

func TestNormalizePaths(t *testing.T) {
	got := normalizePaths([]string{"useridentity.arn", "eventname", "useridentity", "useridentityx"})
	want := []string{"eventname", "useridentity", "useridentityx"}
	if len(got) != len(want) {
		t.Fatalf("got %v; want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %v; want %v", got, want)
		}
	}
}
