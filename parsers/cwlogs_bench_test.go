package parsers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/hunt-sec/hunt/parsers"
)

// BenchmarkCWLogsFlow reads 8 MB of CloudWatch Logs subscription
// envelopes (100 flow-log lines each, concatenated without newlines, the
// log streams of 20 interfaces interleaved) through the flow-log table's
// reader; Envelopes+logstream also projects "$logstream" (a reader per
// envelope); Export reads the same lines as an export task's object
// (a timestamp before each); Plain reads them as a flow-log file, for the
// cost of the unwrapping.
func BenchmarkCWLogsFlow(b *testing.B) {
	type event struct {
		ID        string `json:"id"`
		Timestamp int64  `json:"timestamp"`
		Message   string `json:"message"`
	}
	var env, plain, export bytes.Buffer
	rows := int64(0)
	for env.Len() < 8<<20 {
		events := make([]event, 100)
		for i := range events {
			msg := fmt.Sprintf("2 111122223333 eni-0a1b2c3d4e5f60718 10.0.%d.%d 203.0.113.%d %d 443 6 %d %d 1709632800 1709632860 ACCEPT OK", i%250, rows%250, i, 40000+i, rows%97, rows*31%100000)
			events[i] = event{ID: fmt.Sprint(rows), Timestamp: 1709632800000, Message: msg}
			plain.WriteString(msg + "\n")
			export.WriteString("2024-03-05T10:00:00.000Z " + msg + "\n")
			rows++
		}
		data, _ := json.Marshal(map[string]any{"messageType": "DATA_MESSAGE", "owner": "111122223333", "logGroup": "vpc-flow-logs",
			"logStream": fmt.Sprintf("eni-0a1b2c3d4e5f607%02d-all", rows/100%20), "subscriptionFilters": []string{"to-firehose"}, "logEvents": events})
		env.Write(data)
	}
	newFlow := func(r io.Reader, s string, o ...parsers.Option) (parsers.Reader, error) {
		return parsers.VPCFlow.NewReader(r, s, o...)
	}
	cols := map[string][]string{"cols=3": {"srcaddr", "dstport", "action"}}
	b.Run("Envelopes", func(b *testing.B) { benchRows(b, env.Bytes(), rows, newFlow, cols) })
	b.Run("Envelopes+logstream", func(b *testing.B) {
		benchRows(b, env.Bytes(), rows, newFlow, map[string][]string{"cols=3": {"srcaddr", "dstport", "action", parsers.LogStreamColumn}})
	})
	b.Run("Export", func(b *testing.B) { benchRows(b, export.Bytes(), rows, newFlow, cols) })
	b.Run("Plain", func(b *testing.B) { benchRows(b, plain.Bytes(), rows, newFlow, cols) })
}
