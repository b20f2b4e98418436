package parsers_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/hunt-sec/hunt/parsers"
)

// BenchmarkConfigReader reads one history file of 8 MB: the sample
// history's items (security groups, volumes, buckets) repeated.
func BenchmarkConfigReader(b *testing.B) {
	one := sampleInput(b, "../testdata/config/AWSLogs/*/Config/*/*/*/*/ConfigHistory/*.json.gz")
	items := one[bytes.IndexByte(one, '[')+1 : bytes.LastIndexByte(one, ']')]
	n := (8 << 20) / len(items)
	var in bytes.Buffer
	in.WriteString(`{"fileVersion":"1.0","configurationItems":[`)
	for i := range n {
		if i > 0 {
			in.WriteByte(',')
		}
		in.Write(items)
	}
	in.WriteString("]}")
	benchRows(b, in.Bytes(), int64(7*n), func(r io.Reader, s string, o ...parsers.Option) (parsers.Reader, error) {
		return parsers.NewConfigReader(r, s, o...)
	}, map[string][]string{"cols=3": {"resourcetype", "resourceid", "configuration"}})
}
