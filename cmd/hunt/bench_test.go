package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/bench"
	"github.com/hunt-sec/hunt/queries"
)

func TestBench_Success(t *testing.T) {
	dir := t.TempDir()
	jsonFile := filepath.Join(dir, "bench.json")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"bench", "--generate", "1MiB", "--dir", filepath.Join(dir, "corpus"),
		"--cores", "1,2", "--reps", "1", "--json", jsonFile}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"inflate  cloudtrail", "parse    vpc_flow", "ct_count_by_eventname", "flow_reject_per_minute",
		"scaling over 1 core", "MB/cpu-s"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr.String(), "generated ") || !strings.Contains(stderr.String(), "cores 2:") {
		t.Errorf("stderr lacks the generation and progress lines:\n%s", stderr.String())
	}
	rep := readBenchReport(t, jsonFile)
	if len(rep.Summaries) != 2*(2*3+len(bench.PeerQueries)) || rep.Reps != 1 {
		t.Errorf("JSON has %d summaries over %d reps; want %d over 1", len(rep.Summaries), rep.Reps, 2*(2*3+len(bench.PeerQueries)))
	}
}

// readBenchReport reads the JSON report hunt bench --json wrote to file.
func readBenchReport(t *testing.T, file string) bench.Report {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var rep bench.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestBench_Lake: over a Parquet lake hunt convert wrote, the suite parses
// and queries its published part files (nothing to inflate), and the peer
// queries give the answers they give over the .gz logs it came from. A
// part file of a pending run is not read.
func TestBench_Lake(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	dir := t.TempDir()
	src, lake := filepath.Join(dir, "src"), filepath.Join(dir, "lake")
	if _, err := bench.Generate(context.Background(), bench.Config{Seed: 5, Dir: src, CloudTrailBytes: 2 << 20, FlowBytes: 2 << 20}); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runHunt(t, "convert", "--row-group-rows", "1000", src, lake); code != exitOK {
		t.Fatalf("convert: exit %d\n%s", code, errOut)
	}
	// An unpublished part file (a run that never finished) beside the
	// published ones: planning must leave it out, as hunt query does.
	parts, err := filepath.Glob(filepath.Join(lake, "table=cloudtrail", "*", "*", "*", "*.parquet"))
	if err != nil || len(parts) == 0 {
		t.Fatalf("no CloudTrail part files under %s (%v)", lake, err)
	}
	b, err := os.ReadFile(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(filepath.Dir(parts[0]), "part-20990101T000000Z-abcdef-00001.parquet")
	if err := os.WriteFile(stray, b, 0o644); err != nil {
		t.Fatal(err)
	}
	report := func(corpus string) bench.Report {
		t.Helper()
		jsonFile := filepath.Join(dir, filepath.Base(corpus)+".json")
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"bench", "--dir", corpus, "--cores", "1", "--reps", "2", "--quiet", "--json", jsonFile}, &stdout, &stderr)
		if code != exitOK {
			t.Fatalf("bench %s: exit %d; stderr:\n%s", corpus, code, stderr.String())
		}
		return readBenchReport(t, jsonFile)
	}
	gz, pq := report(src), report(lake)
	// Measured under hunt query's garbage collection policy, and saying so.
	if want := "GOGC=400 below it"; !strings.Contains(pq.Machine.GC, want) || !strings.Contains(pq.Machine.GC, "soft memory limit max(64.0 MiB") {
		t.Errorf("report's GC %q; want hunt query's policy (a 64 MiB soft limit, %s)", pq.Machine.GC, want)
	}
	if gz.Corpus.Parquet || !pq.Corpus.Parquet {
		t.Fatalf("corpus Parquet flags %v (gz) and %v (lake); want false and true", gz.Corpus.Parquet, pq.Corpus.Parquet)
	}
	if want := len(parts); pq.Corpus.CloudTrailObjects != want {
		t.Errorf("lake's CloudTrail objects %d; want the %d published part files", pq.Corpus.CloudTrailObjects, want)
	}
	answers := map[string][]string{}
	for _, s := range gz.Summaries {
		if s.Best.Kind == "query" {
			answers[s.Best.Variant] = s.Best.Answer
		}
	}
	var kinds []string
	for _, s := range pq.Summaries {
		kinds = append(kinds, s.Best.Kind+"/"+s.Best.Table+"/"+s.Best.Variant)
		if s.Best.Kind != "query" {
			continue
		}
		want := answers[s.Best.Variant]
		if len(want) == 0 || strings.Join(s.Best.Answer, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s over the lake: %d rows %q; over the .gz logs %d rows %q", s.Best.Variant, len(s.Best.Answer), s.Best.Answer, len(want), want)
		}
		delete(answers, s.Best.Variant)
	}
	if len(answers) != 0 || len(pq.Summaries) != 2*2+len(bench.PeerQueries) {
		t.Errorf("lake measurements %q; want parse (all, projection) per table and every peer query", kinds)
	}
}

func TestBench_Failure(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no dir", []string{"bench"}, exitUsage, "--dir is required"},
		{"bad cores", []string{"bench", "--dir", "x", "--cores", "1,two"}, exitUsage, `--cores: expected positive integers like 1,2, found "two"`},
		{"bad size", []string{"bench", "--dir", "x", "--generate", "lots"}, exitUsage, `expected a size such as 512MiB or 1GB, found "lots"`},
		{"empty corpus", []string{"bench", "--dir", t.TempDir()}, exitError, "no CloudTrail or VPC flow log objects"},
		{"generate without hunts", []string{"bench", "--dir", "x", "--hunts-generate", "3"}, exitUsage, "--hunts-generate needs --hunts DIR"},
		{"no hunts in dir", []string{"bench", "--dir", t.TempDir(), "--hunts", t.TempDir()}, exitError, "no *.sql hunts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("got exit %d, stderr %q; want exit %d and %q", code, stderr.String(), tt.code, tt.want)
			}
		})
	}
}

// TestBench_Hunts: --hunts-generate writes the library's hunts under new
// IDs (copies past the first with raised thresholds), and --hunts runs
// just them over the corpus in one pass and reports the run.
func TestBench_Hunts(t *testing.T) {
	dir := t.TempDir()
	lib, err := queries.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	huntsDir := filepath.Join(dir, "hunts")
	n := len(lib) + 2
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"bench", "--generate", "1MiB", "--dir", filepath.Join(dir, "corpus"),
		"--hunts", huntsDir, "--hunts-generate", strconv.Itoa(n), "--cores", "1", "--reps", "1"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
	}
	got, err := queries.LoadDir(huntsDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("generated %d hunts; want %d", len(got), n)
	}
	byID := map[string]*queries.Hunt{}
	for _, h := range got {
		byID[h.ID] = h
	}
	// The first copy is the hunt as shipped; the second raises thresholds.
	first, second := byID[lib[1].ID+"_g1"], byID[lib[1].ID+"_g"+strconv.Itoa(len(lib)+1)]
	if first == nil || second == nil {
		t.Fatalf("generated IDs lack %s_g1 or its second copy", lib[1].ID)
	}
	if first.SQL != lib[1].SQL {
		t.Errorf("first copy of %s changed its SQL:\n%s", lib[1].ID, first.SQL)
	}
	if thresholdRE().MatchString(lib[1].SQL) && second.SQL == lib[1].SQL {
		t.Errorf("second copy of %s kept its thresholds:\n%s", lib[1].ID, second.SQL)
	}
	out := stdout.String()
	if want := regexp.MustCompile(`(?m)^\s+` + strconv.Itoa(n) + `\s+1\s+\d+\s+\d+`); !want.MatchString(out) {
		t.Errorf("report lacks a row for %d hunts at 1 core:\n%s", n, out)
	}
	if !strings.Contains(out, "peak RSS") {
		t.Errorf("report lacks the peak RSS column:\n%s", out)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"512MiB": 512 << 20, "1GiB": 1 << 30, "200MB": 200e6, "1.5GB": 15e8, "4096": 4096} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}
