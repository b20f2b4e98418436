package engine

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

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

// TestUnnestProjected runs UNNEST over a batch whose resources rows carry
// only the fields the query reads, as a projecting reader builds them.
func TestUnnestProjected(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "eventname", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "resources", Type: arrow.ListOf(arrow.StructOf(arrow.Field{Name: "arn", Type: arrow.BinaryTypes.String, Nullable: true})), Nullable: true},
	}, nil)
	rec := buildRecord(mem, schema, []map[string]any{
		{"eventname": "A", "resources": []any{map[string]any{"arn": "x"}, map[string]any{"arn": "y"}}},
		{"eventname": "B", "resources": nil},
	})
	defer rec.Release()
	for _, tt := range []struct{ sql, want string }{
		{"SELECT eventname, r.arn FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r) ORDER BY 2", "A|x\nA|y\n"},
		{"SELECT arn, type FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(arn, accountid, type) ORDER BY 1", "x|NULL\ny|NULL\n"},
	} {
		if got := resultText(runQuery(t, tt.sql, 1, rec)); got != tt.want {
			t.Errorf("%s\ngot  %q\nwant %q", tt.sql, got, tt.want)
		}
	}
}
