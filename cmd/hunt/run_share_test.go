package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/bench"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/queries"
	"github.com/hunt-sec/hunt/scan"
)

// shareRun runs hunts over paths as hunt run does, sharing queries that
// differ only in HAVING or (unshared) each alone, and returns the
// findings as JSON (IDs included) and the hunter.
func shareRun(t *testing.T, hunts []*queries.Hunt, paths []string, unshared bool) ([]string, *hunter) {
	t.Helper()
	return runHunter(t, hunts, paths, func(r *hunter) { r.unshared = unshared })
}

// runHunter runs hunts over paths as hunt run does (the hunter set up by
// configure: routing, sharing) and returns the findings as JSON (IDs
// included) and the hunter.
func runHunter(t *testing.T, hunts []*queries.Hunt, paths []string, configure func(*hunter)) ([]string, *hunter) {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	r := &hunter{stderr: io.Discard, hunts: hunts, explicit: true, start: start}
	configure(r)
	pool := engine.NewMemoryPool(0)
	for _, h := range hunts {
		q, err := h.Compile(engine.Options{Now: start, MemoryPool: pool})
		if err != nil {
			t.Fatal(err)
		}
		r.queries = append(r.queries, q)
	}
	if err := r.plan(ctx, paths); err != nil {
		t.Fatal(err)
	}
	if code := r.scan(ctx); code != exitOK {
		t.Fatalf("scan %v: exit %d", paths, code)
	}
	var out []string
	for f := range r.findings() {
		b, err := json.Marshal(&f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	if err := errors.Join(r.huntErrs...); err != nil {
		t.Fatal(err)
	}
	return out, r
}

// TestRun_SharedHunts: the library plus two copies of each hunt with its
// thresholds raised (hunt bench --hunts-generate) finds exactly the same,
// IDs included, whether copies that differ only in HAVING run as one
// query or each alone; over testdata/hunts and a generated corpus.
func TestRun_SharedHunts(t *testing.T) {
	t.Chdir("../..") // $path in findings as in the golden files
	gen := t.TempDir()
	if _, err := bench.Generate(context.Background(), bench.Config{Seed: 23, Dir: gen, CloudTrailBytes: 4 << 20, FlowBytes: 4 << 20}); err != nil {
		t.Fatal(err)
	}
	lib, err := queries.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := generateHunts(dir, 3*len(lib)); err != nil {
		t.Fatal(err)
	}
	hunts, err := loadHunts([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"testdata/hunts", gen} {
		shared, r := shareRun(t, hunts, []string{path}, false)
		alone, _ := shareRun(t, hunts, []string{path}, true)
		if len(alone) == 0 {
			t.Fatalf("%s: no findings; the comparison would prove nothing", path)
		}
		if !slices.Equal(shared, alone) {
			t.Errorf("%s: shared queries found %d findings, each hunt alone %d; first difference:", path, len(shared), len(alone))
			for i := range min(len(shared), len(alone)) {
				if shared[i] != alone[i] {
					t.Errorf("shared %s\nalone  %s", shared[i], alone[i])
					break
				}
			}
		}
		// Sharing happened, and some groups differ in HAVING.
		groups, flagged := 0, 0
		for i, g := range r.shares {
			if g == nil || g.lead() != i {
				continue
			}
			groups++
			own, err := r.hunts[i].Compile(engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(g.s.Query().OutputColumns()) > len(own.OutputColumns()) {
				flagged++
			}
		}
		if groups < len(lib)/2 || flagged < 5 {
			t.Errorf("%s: %d shared queries, %d of them with HAVING flags; want most of the library's %d hunts shared", path, groups, flagged, len(lib))
		}
	}
}

// TestShareHunts_DifferentObjects: copies that must read different
// objects (an incremental run owes one of them an object the other has
// read) run alone.
func TestShareHunts_DifferentObjects(t *testing.T) {
	lib, err := queries.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(lib, func(h *queries.Hunt) bool { return h.ID == "vpc_reject_flood" })
	mk := func(id, having string) *queries.Hunt {
		t.Helper()
		text := strings.Replace(lib[i].Text(), "-- id: vpc_reject_flood\n", "-- id: "+id+"\n", 1)
		text = strings.Replace(text, "HAVING count(*) > 100", "HAVING count(*) > "+having, 1)
		h, err := queries.Parse(id+".sql", text)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	hunts := []*queries.Hunt{mk("a", "1"), mk("b", "2"), mk("c", "3")}
	r := &hunter{hunts: hunts}
	for _, h := range hunts {
		q, err := h.Compile(engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r.queries = append(r.queries, q)
	}
	r.need = [][]int{{0, 1, 2}, {0, 2}, {0, 1, 2}} // b has read object 1
	r.shareHunts()
	if r.shares[1] != nil {
		t.Errorf("b shares a query though it reads other objects")
	}
	if r.shares[0] == nil || r.shares[0] != r.shares[2] || len(r.shares[0].members) != 2 {
		t.Errorf("a and c read the same objects and differ only in HAVING: want one query for both")
	}
	r.need = [][]int{{0, 1, 2}, {0, 1}, {2}} // same counts, other objects
	r.shareHunts()
	if r.shares[0] == nil || r.shares[0] != r.shares[1] || r.shares[2] != nil {
		t.Errorf("want a and b shared, c alone; got %v %v %v", r.shares[0], r.shares[1], r.shares[2])
	}
}

// TestRun_Cost: --cost prints each hunt's push and finish time, what its
// query held at the end of the scan and spilled, and which hunts rode on
// another's shared query.
func TestRun_Cost(t *testing.T) {
	lib, err := queries.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(lib, func(h *queries.Hunt) bool { return h.ID == "vpc_reject_flood" })
	gen := t.TempDir()
	if _, err := bench.Generate(context.Background(), bench.Config{Seed: 7, Dir: gen, FlowBytes: 8 << 20}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	text := strings.Replace(lib[i].Text(), "-- id: vpc_reject_flood\n", "-- id: vpc_reject_flood_strict\n", 1)
	text = strings.Replace(text, "HAVING count(*) > 100", "HAVING count(*) > 500", 1)
	if err := os.WriteFile(filepath.Join(dir, "vpc_reject_flood_strict.sql"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mem           string // --aggregate-memory
		held, spilled bool   // vpc_reject_flood's query holds groups, spills
	}{
		// A bounded aggregate whose groups barely repeat freezes past a
		// 128th of its table bound (engine aggSpill.sparse): 64 KiB at
		// the default budget, 64 MiB at this one.
		{"64GiB", true, false},
		{"64KiB", true, true},
	} {
		code, _, errOut := runHunt(t, "run", "--cost", "--workers", "1", "--aggregate-memory", tc.mem, "--hunts", dir,
			"--hunt", "vpc_reject_flood,vpc_reject_flood_strict,root_account_used", "--sink", "file:"+filepath.Join(t.TempDir(), "f.jsonl"),
			gen)
		if code != exitFindings && code != exitOK {
			t.Fatalf("exit %d; stderr:\n%s", code, errOut)
		}
		var flood, strict string
		for _, l := range strings.Split(errOut, "\n") {
			switch f := strings.Fields(l); {
			case len(f) > 0 && f[0] == "vpc_reject_flood":
				flood = l
			case len(f) > 0 && f[0] == "vpc_reject_flood_strict":
				strict = l
			}
		}
		if !strings.Contains(errOut, "held") || !strings.Contains(errOut, "spilled") {
			t.Errorf("--aggregate-memory %s: no held/spilled columns:\n%s", tc.mem, errOut)
		}
		// vpc_reject_flood is first by index: it runs the shared query.
		if !strings.Contains(flood, "one query for it and 1 copies") || !strings.Contains(strict, "in vpc_reject_flood's query") {
			t.Errorf("--aggregate-memory %s: sharing not shown:\n%s\n%s", tc.mem, flood, strict)
		}
		f := strings.Fields(flood)
		if len(f) < 11 {
			t.Fatalf("--aggregate-memory %s: row %q", tc.mem, flood)
		}
		held, spilled := f[6]+" "+f[7], f[8]+" "+f[9]
		if (held != "0 B") != tc.held || (spilled != "0 B") != tc.spilled {
			t.Errorf("--aggregate-memory %s: held %q spilled %q; want held %v, spilled %v", tc.mem, held, spilled, tc.held, tc.spilled)
		}
	}
}

// TestRun_EachAlone: one pass of every hunt together (shared reads, row
// routing, one aggregate memory budget, queries shared across copies)
// finds exactly what running each hunt in a run of its own finds, IDs
// included, over testdata/hunts and a generated corpus; the library
// plus copies of it that differ in HAVING.
func TestRun_EachAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("a run per hunt")
	}
	t.Chdir("../..") // $path in findings as in the golden files
	gen := t.TempDir()
	if _, err := bench.Generate(context.Background(), bench.Config{Seed: 31, Dir: gen, CloudTrailBytes: 3 << 20, FlowBytes: 3 << 20}); err != nil {
		t.Fatal(err)
	}
	lib, err := queries.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := generateHunts(dir, 2*len(lib)); err != nil {
		t.Fatal(err)
	}
	hunts, err := loadHunts([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"testdata/hunts", gen} {
		together, _ := shareRun(t, hunts, []string{path}, false)
		var alone []string
		for _, h := range hunts {
			got, _ := shareRun(t, []*queries.Hunt{h}, []string{path}, false)
			alone = append(alone, got...)
		}
		if len(alone) == 0 {
			t.Fatalf("%s: no findings; the comparison would prove nothing", path)
		}
		if !slices.Equal(together, alone) {
			t.Errorf("%s: together %d findings, each alone %d; first difference:", path, len(together), len(alone))
			for i := range min(len(together), len(alone)) {
				if together[i] != alone[i] {
					t.Errorf("together %s\nalone    %s", together[i], alone[i])
					break
				}
			}
		}
	}
}

// TestRun_StagedJoins: copies of the GuardDuty hunt (it joins findings
// with CloudTrail activity) find the same, IDs included, whether the
// scan reads GuardDuty first and ends its input before CloudTrail's
// batches come or reads in plan order; and over CloudTrail alone (no
// finding to join) the staged copies hold nothing after the scan, where
// each unstaged copy buffers the activity for its join.
func TestRun_StagedJoins(t *testing.T) {
	dir := t.TempDir()
	lib, err := queries.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if err := generateHunts(dir, 3*len(lib)); err != nil {
		t.Fatal(err)
	}
	all, err := loadHunts([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var hunts []*queries.Hunt
	for _, h := range all {
		if strings.HasPrefix(h.ID, "guardduty_high_severity_principal_activity") || strings.HasPrefix(h.ID, "console_login_without_mfa") {
			hunts = append(hunts, h)
		}
	}
	// The fixtures in the AWS key layout, so the scan knows each
	// object's table before opening it.
	logs := t.TempDir()
	fix := "../../testdata/hunts/guardduty_high_severity_principal_activity/"
	for _, name := range []string{"positive", "positive-instance", "negative"} {
		writeGzip(t, fix+name+".guardduty.jsonl", filepath.Join(logs, "AWSLogs/111122223333/GuardDuty/us-east-1/2024/03/05", name+".jsonl.gz"))
		writeGzip(t, fix+name+".cloudtrail.json", filepath.Join(logs, "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05",
			"111122223333_CloudTrail_us-east-1_20240305T1545Z_"+strings.ReplaceAll(name, "-", "")+".json.gz"))
	}
	trail := filepath.Join(logs, "AWSLogs/111122223333/CloudTrail")
	for _, path := range []string{logs, trail} {
		staged, rs := runHunter(t, hunts, []string{path}, func(r *hunter) { r.profile = true })
		plain, ru := runHunter(t, hunts, []string{path}, func(r *hunter) { r.profile, r.unstaged = true, true })
		if !slices.Equal(staged, plain) {
			t.Errorf("%s: staged %d findings, unstaged %d:\n%s\n%s", path, len(staged), len(plain), strings.Join(staged, "\n"), strings.Join(plain, "\n"))
		}
		if path == logs && len(plain) == 0 {
			t.Fatalf("%s: no findings; the comparison would prove nothing", path)
		}
		if path != trail {
			continue
		}
		for i, h := range hunts {
			if !strings.HasPrefix(h.ID, "guardduty") || rs.shares[i] != nil && rs.shares[i].lead() != i {
				continue
			}
			if s, u := rs.cost[0][i].held, ru.cost[0][i].held; s != 0 || u == 0 {
				t.Errorf("%s: after the scan the staged run holds %d bytes, the unstaged %d; want 0 and the buffered activity", h.ID, s, u)
			}
		}
	}
}

// writeGzip writes the file at from gzipped to to.
func writeGzip(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRun_SharedWhere: copies of hunts whose thresholds sit in the
// top-level WHERE, of a query without grouping (security_group_admin_
// port_open's ports) or over a grouping subquery (ssm_parameters_bulk_
// decrypt's reads, with array_agg), run as one query, and find what each
// finds alone.
func TestRun_SharedWhere(t *testing.T) {
	t.Chdir("../..") // $path in findings as in the golden files
	lib, err := queries.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := generateHunts(dir, 3*len(lib)); err != nil {
		t.Fatal(err)
	}
	all, err := loadHunts([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var hunts []*queries.Hunt
	for _, h := range all {
		if strings.HasPrefix(h.ID, "security_group_") || strings.HasPrefix(h.ID, "cloudwatch_security_logs_deleted") ||
			strings.HasPrefix(h.ID, "ssm_parameters_bulk_decrypt") || strings.HasPrefix(h.ID, "secrets_bulk_read") {
			hunts = append(hunts, h)
		}
	}
	paths := []string{"testdata/hunts/security_group_admin_port_open", "testdata/hunts/security_group_open_to_world", "testdata/hunts/cloudwatch_security_logs_deleted",
		"testdata/hunts/ssm_parameters_bulk_decrypt", "testdata/hunts/secrets_bulk_read"}
	shared, r := shareRun(t, hunts, paths, false)
	alone, _ := shareRun(t, hunts, paths, true)
	if len(alone) == 0 {
		t.Fatal("no findings; the comparison would prove nothing")
	}
	if !slices.Equal(shared, alone) {
		t.Errorf("shared %d findings, alone %d:\n%s\n%s", len(shared), len(alone), strings.Join(shared, "\n"), strings.Join(alone, "\n"))
	}
	for i, h := range hunts {
		if r.shares[i] == nil || r.shares[i].s.Members() < 3 {
			t.Errorf("%s runs alone; want one query with its copies", h.ID)
		}
	}
}

// TestRun_StageTablesBySize: the table read first is the smaller one by
// the bytes planned, a Parquet lake's table=NAME folder naming its
// objects' table (their keys say no kind).
func TestRun_StageTablesBySize(t *testing.T) {
	lib, err := queries.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var h *queries.Hunt
	for _, x := range lib {
		if x.ID == "guardduty_high_severity_principal_activity" {
			h = x
		}
	}
	q, err := h.Compile(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &hunter{hunts: []*queries.Hunt{h}, queries: []*engine.Query{q}, shares: make([]*huntShare, 1)}
	r.runs = []*engine.Run{q.NewRun(1)}
	r.objects = []archive.Object{
		{Key: "lake/table=cloudtrail/part-0.parquet", Size: 1 << 20},
		{Key: "AWSLogs/111122223333/GuardDuty/us-east-1/2024/03/05/a.jsonl.gz", Size: 1 << 10, Facts: archive.Key{Kind: archive.KindGuardDuty}},
	}
	var cfg scan.Config
	r.stageTables(&cfg)
	if !slices.Equal(cfg.First, []string{"guardduty"}) || cfg.Staged == nil {
		t.Errorf("tables read first: %v; want [guardduty]", cfg.First)
	}
}
