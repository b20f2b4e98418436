package bench

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestFlowObjects_Fields(t *testing.T) {
	dir, m := testCorpus(t)
	formats := map[string]int{}
	for _, o := range m.Objects {
		if o.Kind != KindVPCFlow {
			continue
		}
		formats[o.Format]++
		body := readGzip(t, filepath.Join(dir, o.Key))
		lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
		want := FlowV2.Header()
		if o.Format == "v5" {
			want = FlowV5.Header()
		}
		if lines[0] != want {
			t.Fatalf("%s: header %q; want %q", o.Key, lines[0], want)
		}
		if len(lines)-1 != o.Records {
			t.Errorf("%s: %d data lines; manifest says %d", o.Key, len(lines)-1, o.Records)
		}
		nf := len(strings.Fields(want))
		for i, l := range lines[1:] {
			if f := strings.Fields(l); len(f) != nf || f[0] != o.Format[1:] {
				t.Fatalf("%s:%d: %d fields, version %q; header has %d, version %s", o.Key, i+2, len(f), f[0], nf, o.Format[1:])
			}
		}
	}
	if formats["v2"] == 0 || formats["v5"] == 0 {
		t.Errorf("flow formats %v; want both v2 and v5", formats)
	}
}

func TestGenerateFlowLines(t *testing.T) {
	f := func(format FlowFormat, nfields int) {
		t.Helper()
		const n = 20000
		body := GenerateFlowLines(3, n, format)
		if !bytes.Equal(body, GenerateFlowLines(3, n, format)) {
			t.Fatalf("%s: two calls with the same seed differ", format)
		}
		lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
		header := strings.Fields(lines[0])
		if len(header) != nfields || len(lines) != n+1 {
			t.Fatalf("%s: %d header fields and %d lines; want %d and %d", format, len(header), len(lines), nfields, n+1)
		}
		col := map[string]int{}
		for i, h := range header {
			col[h] = i
		}
		count := map[string]int{}
		for i, l := range lines[1:] {
			fs := strings.Fields(l)
			if len(fs) != nfields {
				t.Fatalf("%s: line %d: %d fields; want %d: %q", format, i+2, len(fs), nfields, l)
			}
			status := fs[col["log-status"]]
			count[status]++
			if status != "OK" {
				if fs[col["srcaddr"]] != "-" || fs[col["action"]] != "-" || fs[col["start"]] == "-" {
					t.Fatalf("%s: line %d: %s row with data: %q", format, i+2, status, l)
				}
				continue
			}
			count[fs[col["action"]]]++
			count["proto "+fs[col["protocol"]]]++
			if strings.Contains(fs[col["srcaddr"]], ":") {
				count["ipv6"]++
			}
			switch fs[col["dstport"]] {
			case "3333", "4444", "5555", "7777", "14444", "45700":
				t.Fatalf("%s: line %d: background flow to a mining port: %q", format, i+2, l)
			}
		}
		t.Logf("%s: %v", format, count)
		for _, k := range []string{"ACCEPT", "REJECT", "NODATA", "SKIPDATA", "proto 6", "proto 17", "proto 1", "ipv6"} {
			if count[k] == 0 {
				t.Errorf("%s: no %s rows in %d", format, k, n)
			}
		}
		if r := float64(count["REJECT"]) / n; r < 0.05 || r > 0.3 {
			t.Errorf("%s: %.0f%% REJECT; want a realistic minority", format, 100*r)
		}
	}
	f(FlowV2, 14)
	f(FlowV5, 29)
}

func BenchmarkFlowObject(b *testing.B) {
	for _, format := range []FlowFormat{FlowV2, FlowV5} {
		b.Run(format.String(), func(b *testing.B) {
			cfg := withDefaults(Config{Seed: 1})
			f := flowWriter{w: newWorld(cfg)}
			j := job{kind: KindVPCFlow, t: cfg.Start.Unix() + 3600, target: 4 << 20, flow: int(format)}
			b.ReportAllocs()
			b.SetBytes(int64(j.target))
			for b.Loop() {
				j.seed++
				f.object(&j, nil)
			}
		})
	}
}
