package parsers

import (
	"bytes"
	"testing"

	"github.com/parquet-go/parquet-go"
)

func TestSniffTable(t *testing.T) {
	tests := []struct {
		head string
		want *Table
	}{
		{`{"Records":[`, CloudTrail},
		{"\xef\xbb\xbf  \n[{\"eventVersion\"", CloudTrail},
		{"version account-id interface-id", VPCFlow},
		{"account_id srcaddr", VPCFlow},
		{"2 123456789012 eni-1 10.0.0.1", VPCFlow},
		{`{"eventVersion":"1.08","userIdentity":{"type":"Root"}}`, CloudTrail},
		{`{"schemaVersion":"2.0","accountId":"111122223333","region":"us-east-1","partition":"aws","id":"1"`, GuardDuty},
		{`{"schemaVersion":"2.0","accountId":"111122223333","region":"us-east-1","arn":"arn:aws-us-gov:guardduty:`, GuardDuty},
		{`{"fileVersion":"1.0","configurationItems":[`, Config},
		{"{\n  \"configSnapshotId\": \"x\"", Config},
		{`{"configurationItems":[{`, Config},
		{`{"Records":[{"eventVersion":"1.08","requestParameters":{"fileVersion":"1"}}]}`, CloudTrail},
		{"", nil},
		{" \r\n\t", nil},
		{"hello world", nil},
		{"<html>", nil},
	}
	for _, tt := range tests {
		if got := SniffTable([]byte(tt.head)); got != tt.want {
			t.Errorf("SniffTable(%q) = %v; want %v", tt.head, got, tt.want)
		}
	}
}

func TestTables_Consistent(t *testing.T) {
	names := map[string]bool{}
	for _, tb := range Tables {
		if TableNamed(tb.Name) != tb {
			t.Errorf("TableNamed(%q) does not return it", tb.Name)
		}
		for _, n := range append([]string{tb.Name}, tb.AthenaNames...) {
			if names[n] {
				t.Errorf("table name %q used twice", n)
			}
			names[n] = true
		}
		cols := append(append([]string{tb.AccountColumn, tb.RegionColumn}, tb.TimeColumns...), tb.CatColumns...)
		for _, c := range cols {
			if _, err := projectSchema(tb.Schema, []string{c}); err != nil {
				t.Errorf("%s: column %q: %v", tb.Name, c, err)
			}
		}
		if tb.Sniff == nil || tb.NewReader == nil {
			t.Errorf("%s: no Sniff or NewReader", tb.Name)
		}
	}
	if TableNamed("nope") != nil {
		t.Error("TableNamed(nope) != nil")
	}
}

// writeOtherParquet writes a Parquet file whose columns belong to no table.
func writeOtherParquet(t *testing.T) []byte {
	t.Helper()
	type row struct {
		Colour string `parquet:"colour"`
		Weight int64  `parquet:"weight"`
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[row](&buf)
	if _, err := w.Write([]row{{"red", 3}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
