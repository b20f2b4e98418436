package archive

import "testing"

func TestPruneCause_String(t *testing.T) {
	want := map[PruneCause]string{
		PrunedUnknown: "unknown", PrunedDigest: "digest", PrunedKind: "kind", PrunedTable: "table",
		PrunedAccount: "account", PrunedRegion: "region", PrunedDate: "date", PrunedHidden: "hidden",
		PrunedNotFile: "not a file", PrunedUnpublished: "unpublished", PrunedUnpublished + 1: "PruneCause(10)",
	}
	for c, w := range want {
		if got := c.String(); got != w {
			t.Errorf("PruneCause(%d).String() = %q; want %q", c, got, w)
		}
	}
}
