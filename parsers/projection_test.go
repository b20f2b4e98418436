package parsers

import (
	"strings"
	"testing"
)

// TestProjectSchema_Shared: readers of the same projection (a scan's, one
// reader per object) hand out one schema, so a query resolves its columns
// once, not once per object; another projection gets its own.
func TestProjectSchema_Shared(t *testing.T) {
	schemaOf := func(cols ...string) string {
		t.Helper()
		r, err := NewCloudTrailReader(strings.NewReader(""), "x", WithColumns(cols...))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		return r.Schema().String()
	}
	a1, err := NewCloudTrailReader(strings.NewReader(""), "a", WithColumns("eventname", "useridentity.arn", "$path"))
	if err != nil {
		t.Fatal(err)
	}
	defer a1.Release()
	a2, err := NewCloudTrailReader(strings.NewReader(""), "b", WithColumns("eventname", "useridentity.arn", "$path"))
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Release()
	if a1.Schema() != a2.Schema() {
		t.Errorf("two readers of one projection have two schemas:\n%s\n%s", a1.Schema(), a2.Schema())
	}
	b, err := NewCloudTrailReader(strings.NewReader(""), "c", WithColumns("eventname", "useridentity.principalid", "$path"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	if b.Schema() == a1.Schema() || b.Schema().Equal(a1.Schema()) {
		t.Errorf("another projection has the same schema: %s", b.Schema())
	}
	if got, want := schemaOf("eventname"), schemaOf("EventName"); got != want {
		t.Errorf("eventname and EventName: %s and %s", got, want)
	}
}
