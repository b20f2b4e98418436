package engine

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

func TestMapKeysValues(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	rows := []map[string]any{
		ctRow("A", "u1", "2024-03-01T00:00:00Z", "us-east-1", "1", nil),
		ctRow("B", "u2", "2024-03-01T00:00:00Z", "us-east-1", "1", nil),
		ctRow("C", "u3", "2024-03-01T00:00:00Z", "us-east-1", "1", nil),
	}
	wif := func(attrs any) map[string]any {
		return map[string]any{"webidfederationdata": map[string]any{"federatedprovider": "p", "attributes": attrs}}
	}
	rows[0]["useridentity"].(map[string]any)["sessioncontext"] = wif(map[string]any{"mfaauthenticated": "false"})
	rows[1]["useridentity"].(map[string]any)["sessioncontext"] = wif(nil)
	rows[2]["useridentity"].(map[string]any)["sessioncontext"] = wif(map[string]any{})
	rec := buildRecord(mem, parsers.CloudTrailSchema, rows)
	defer rec.Release()
	res := runQuery(t, `SELECT eventname, map_keys(useridentity.sessioncontext.webidfederationdata.attributes), map_values(useridentity.sessioncontext.webidfederationdata.attributes),
		cardinality(map_keys(useridentity.sessioncontext.webidfederationdata.attributes)), element_at(useridentity.sessioncontext.webidfederationdata.attributes, 'mfaauthenticated'),
		contains(map_keys(useridentity.sessioncontext.webidfederationdata.attributes), 'mfaauthenticated')
		FROM cloudtrail ORDER BY eventname`, 1, rec)
	want := "A|[mfaauthenticated]|[false]|1|false|true\nB|NULL|NULL|NULL|NULL|NULL\nC|[]|[]|0|NULL|false\n"
	if got := resultText(res); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, sql := range []string{"SELECT map_keys(eventname) FROM cloudtrail", "SELECT map_values(1)"} {
		if _, err := Compile(sql, Options{}); err == nil || !strings.Contains(err.Error(), "expected a map") {
			t.Errorf("Compile(%q): %v", sql, err)
		}
	}
	exprTests(t, [][2]string{{"map_keys(NULL)", "NULL"}})
}
