package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const floodRule = "sigma_6f0b7f0e_3b1d_4c57_9a51_2f4c1d8e7a10"

// sigmaFindings decodes hunt run's JSON Lines.
func sigmaFindings(t *testing.T, out string) []map[string]any {
	t.Helper()
	var fs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var f map[string]any
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		fs = append(fs, f)
	}
	return fs
}

// TestRunSigma_RejectFlood: the shipped REJECT flood correlation finds
// the planted flood (150 REJECTs from 198.51.100.77 within a minute) and
// not the slow SSH REJECTs from 192.0.2.9 (90 over three minutes); its
// base rule, referred to without generate, makes no findings of its own.
func TestRunSigma_RejectFlood(t *testing.T) {
	code, out, errOut := runHunt(t, "run", "--sigma", "../../testdata/sigma/examples", "../../testdata/vpcflow/reject-flood.log.gz")
	if code != exitFindings {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	fs := sigmaFindings(t, out)
	if len(fs) != 1 {
		t.Fatalf("got %d findings; want 1:\n%s", len(fs), out)
	}
	f := fs[0]
	if f["hunt_id"] != floodRule || f["resource"] != "198.51.100.77" || f["count"] != float64(150) ||
		f["first_seen"] != "2024-03-05T15:00:00Z" || f["last_seen"] != "2024-03-05T15:00:49Z" || f["severity"] != "MEDIUM" {
		t.Errorf("got %v", f)
	}
}

// TestRunSigma_Generate: with generate: true the base rule's own matches
// are findings too.
func TestRunSigma_Generate(t *testing.T) {
	dir := t.TempDir()
	src := string(mustRead(t, "../../testdata/sigma/examples/vpc_reject_flood.yml"))
	if !strings.Contains(src, "generate: false") {
		t.Fatal("the example lost its generate: false")
	}
	os.WriteFile(filepath.Join(dir, "flood.yml"), []byte(strings.Replace(src, "generate: false", "generate: true", 1)), 0o644)
	code, out, errOut := runHunt(t, "run", "--sigma", dir, "../../testdata/vpcflow/reject-flood.log.gz")
	if code != exitFindings {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	byHunt := map[string]int{}
	for _, f := range sigmaFindings(t, out) {
		byHunt[f["hunt_id"].(string)]++
	}
	if byHunt[floodRule] != 1 || byHunt["sigma_0d7f4c52_8a0e_4a36_b1f4_7c2b9e3d5a21"] == 0 {
		t.Errorf("findings per hunt: %v; want the correlation's and the base rule's", byHunt)
	}
}

// TestSigma_ConvertCorrelation: convert prints the correlation's query,
// and check compiles it.
func TestSigma_ConvertCorrelation(t *testing.T) {
	code, out, errOut := runHunt(t, "sigma", "convert", "../../testdata/sigma/examples/vpc_reject_flood.yml")
	if code != exitOK || !strings.Contains(out, "count(*) OVER (PARTITION BY corr_g1 ORDER BY corr_t RANGE BETWEEN INTERVAL '60' SECOND PRECEDING AND CURRENT ROW)") || !strings.Contains(out, "FROM vpc_flow_logs") {
		t.Fatalf("exit %d; out:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, out, _ = runHunt(t, "sigma", "check", "../../testdata/sigma/examples")
	if code != exitOK || !strings.Contains(out, "correlation event_count of vpc_flow_rejected") || !strings.Contains(out, "2 rules load, 0 fail") {
		t.Fatalf("check: exit %d; out:\n%s", code, out)
	}
}

// floodLog writes a flow log of REJECTs from src at the given offsets
// (seconds after 2024-03-05T15:00:00Z).
func floodLog(t *testing.T, path, src string, secs []int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
	base := time.Date(2024, 3, 5, 15, 0, 0, 0, time.UTC).Unix()
	for i, s := range secs {
		fmt.Fprintf(&b, "2 111122223333 eni-0a1b2c3d4e5f60718 %s 10.0.1.15 %d 22 6 1 44 %d %d REJECT OK\n", src, 40000+i, base+int64(s), base+int64(s)+1)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func spread(from, to, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = from + (to-from)*i/max(n-1, 1)
	}
	return out
}

// TestRunSigma_CorrelationAcrossRuns: with --state, a flood split across
// two objects read in two runs is found once. Run 1 reads the first half
// (60 REJECTs, below the threshold): nothing. Run 2 reads the second
// object and, for the correlation's window, the first again: the flood
// (120 within 60 s, the last exactly one timespan after the first) is
// found. Run 3 adds more of the same burst: it re-reads both, finds the
// same burst (same first event, so the same finding ID) and suppresses it.
func TestRunSigma_CorrelationAcrossRuns(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "archive")
	day := filepath.Join(dir, "AWSLogs", "111122223333", "vpcflowlogs", "us-east-1", "2024", "03", "05")
	state := filepath.Join(t.TempDir(), "state.json")
	run := func(name string) (int, []map[string]any, string) {
		code, out, errOut := runHunt(t, "run", "--state", state, "--sigma", "../../testdata/sigma/examples", dir)
		if code != exitOK && code != exitFindings {
			t.Fatalf("%s: exit %d; stderr:\n%s", name, code, errOut)
		}
		return code, sigmaFindings(t, out), errOut
	}
	floodLog(t, filepath.Join(day, "111122223333_vpcflowlogs_us-east-1_fl-0a1b_20240305T1500Z_a.log"), "198.51.100.77", spread(0, 30, 60))
	if code, fs, errOut := run("run 1"); code != exitOK || len(fs) != 0 {
		t.Fatalf("run 1: exit %d, findings %v; stderr:\n%s", code, fs, errOut)
	}
	floodLog(t, filepath.Join(day, "111122223333_vpcflowlogs_us-east-1_fl-0a1b_20240305T1505Z_b.log"), "198.51.100.77", spread(31, 60, 60))
	code, fs, errOut := run("run 2")
	if code != exitFindings || len(fs) != 1 || fs[0]["resource"] != "198.51.100.77" || fs[0]["count"] != float64(120) ||
		fs[0]["first_seen"] != "2024-03-05T15:00:00Z" || fs[0]["last_seen"] != "2024-03-05T15:01:00Z" {
		t.Fatalf("run 2: exit %d, findings %v; stderr:\n%s", code, fs, errOut)
	}
	if !strings.Contains(errOut, "2 objects read (1 of them again, for the windows of aggregating hunts)") {
		t.Errorf("run 2 did not re-read the first object for the window:\n%s", errOut)
	}
	id := fs[0]["id"]
	floodLog(t, filepath.Join(day, "111122223333_vpcflowlogs_us-east-1_fl-0a1b_20240305T1510Z_c.log"), "198.51.100.77", spread(61, 80, 20))
	code, fs, errOut = run("run 3")
	if code != exitOK || len(fs) != 0 || !strings.Contains(errOut, "1 found, 0 new, 1 suppressed") {
		t.Fatalf("run 3: exit %d, findings %v (run 2's was %v); stderr:\n%s", code, fs, id, errOut)
	}
}

// TestRunSigma_CorrelationAcrossFolders: a flood split across an hour
// folder (hourly flow-log layout) or a day folder, read in two runs, is
// found in the second: the first object is read again for the window
// although its folder date lies more than one timespan before the new
// object's, because the file names' time stamps say its events do not.
func TestRunSigma_CorrelationAcrossFolders(t *testing.T) {
	for _, tc := range []struct {
		name, first, second string
	}{
		{"hour", "2024/03/05/14/111122223333_vpcflowlogs_us-east-1_fl-0a1b_20240305T1500Z_a.log", "2024/03/05/15/111122223333_vpcflowlogs_us-east-1_fl-0a1b_20240305T1505Z_b.log"},
		{"day", "2024/03/05/111122223333_vpcflowlogs_us-east-1_fl-0a1b_20240305T2359Z_a.log", "2024/03/06/111122223333_vpcflowlogs_us-east-1_fl-0a1b_20240306T0005Z_b.log"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "archive")
			root := filepath.Join(dir, "AWSLogs", "111122223333", "vpcflowlogs", "us-east-1")
			state := filepath.Join(t.TempDir(), "state.json")
			// The flood's first half just before the folder boundary (14:59:30..15:00 or
			// 23:59:30..), the second just after.
			before, after := spread(-30, -1, 60), spread(0, 29, 60)
			if tc.name == "day" {
				for i := range before {
					before[i] += 9 * 3600 // 23:59:30 .. 23:59:59
					after[i] += 9 * 3600
				}
			}
			floodLog(t, filepath.Join(root, tc.first), "198.51.100.77", before)
			code, out, errOut := runHunt(t, "run", "--state", state, "--sigma", "../../testdata/sigma/examples", dir)
			if code != exitOK {
				t.Fatalf("run 1: exit %d; out:\n%s\nstderr:\n%s", code, out, errOut)
			}
			floodLog(t, filepath.Join(root, tc.second), "198.51.100.77", after)
			code, out, errOut = runHunt(t, "run", "--state", state, "--sigma", "../../testdata/sigma/examples", dir)
			fs := sigmaFindings(t, out)
			if code != exitFindings || len(fs) != 1 || fs[0]["count"] != float64(120) {
				t.Fatalf("run 2: exit %d, findings %v; stderr:\n%s", code, fs, errOut)
			}
		})
	}
}

// TestRunSigma_ChainExample: the shipped chain (five failed console
// logins from one address within 5m, then a success from it within 10m)
// finds the one address that guessed a password, and none of the look-
// alikes of the fixture: failures without success, success before the
// failures, one failure short, success one second too late.
func TestRunSigma_ChainExample(t *testing.T) {
	code, out, errOut := runHunt(t, "run", "--sigma", "../../testdata/sigma/correlations", "../../testdata/sigma/correlations/brute-force-then-login.json")
	if code != exitFindings {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	fs := sigmaFindings(t, out)
	if len(fs) != 1 || fs[0]["hunt_id"] != "sigma_5b2f7c1e_9a43_4d0e_8c6b_2e1f0a9d7c31" || fs[0]["resource"] != "203.0.113.5" ||
		fs[0]["first_seen"] != "2024-03-05T12:01:40Z" || fs[0]["last_seen"] != "2024-03-05T12:06:40Z" || fs[0]["severity"] != "HIGH" {
		t.Fatalf("got %v; want one finding for 203.0.113.5", fs)
	}
}
