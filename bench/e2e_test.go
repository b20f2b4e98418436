package bench

import (
	"context"
	"runtime"
	"strings"
	"testing"
)

func TestOpenCorpus_Failure(t *testing.T) {
	if _, err := OpenCorpus(context.Background(), t.TempDir()); err == nil || !strings.Contains(err.Error(), "no CloudTrail or VPC flow log objects") {
		t.Fatalf("got %v; want an error naming the empty folder", err)
	}
}

// The measurements read exactly what the generator wrote, whatever the
// worker count, and the peer queries find the planted attacks.
func TestMeasurements_Success(t *testing.T) {
	dir, man := testCorpus(t)
	ctx := context.Background()
	c, err := OpenCorpus(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	var ctRaw, flowRaw int64
	var ctObjs, flowObjs int
	for _, o := range man.Objects {
		switch o.Kind {
		case KindCloudTrail:
			ctRaw += o.RawBytes
			ctObjs++
		case KindVPCFlow:
			flowRaw += o.RawBytes
			flowObjs++
		}
	}
	if len(c.CloudTrail) != ctObjs || len(c.VPCFlow) != flowObjs {
		t.Fatalf("got %d CloudTrail and %d flow objects; want %d and %d (digests left out)", len(c.CloudTrail), len(c.VPCFlow), ctObjs, flowObjs)
	}
	want := map[string]struct{ raw, records int64 }{
		TableCloudTrail: {ctRaw, man.CloudTrailRecords},
		TableVPCFlow:    {flowRaw, man.FlowRecords},
	}
	planted := map[string]int64{}
	for _, a := range man.Attacks {
		planted[a.Name] += int64(a.Records)
	}
	inflaters := []Inflater{InflaterKlauspost}
	if HasLibdeflate() {
		inflaters = append(inflaters, InflaterLibdeflate)
	}
	for _, run := range [][2]int{{1, 0}, {2, 0}, {2, 1}} {
		workers := run[0]
		if run[1] >= len(inflaters) {
			continue
		}
		inf := inflaters[run[1]]
		for _, table := range []string{TableCloudTrail, TableVPCFlow} {
			m, err := Inflate(ctx, c.Objects(table), workers, inf)
			if err != nil || m.RawBytes != want[table].raw || m.Workers != workers {
				t.Errorf("Inflate(%s, %d workers, %q) = %d raw bytes, %d workers, %v; want %d", table, workers, inf, m.RawBytes, m.Workers, err, want[table].raw)
			}
			for _, cols := range [][]string{nil, CloudTrailHuntColumns, VPCFlowHuntColumns} {
				if cols != nil && (table == TableCloudTrail) != (cols[0] == CloudTrailHuntColumns[0]) {
					continue
				}
				m, err := Parse(ctx, c.Objects(table), table, cols, workers, inf)
				if err != nil || m.RawBytes != want[table].raw || m.Records != want[table].records {
					t.Errorf("Parse(%s, %v, %d workers) = %d raw bytes, %d records, %v; want %d, %d",
						table, cols, workers, m.RawBytes, m.Records, err, want[table].raw, want[table].records)
				}
				if m.Wall <= 0 || m.PeakRSS <= 0 || m.Mallocs == 0 {
					t.Errorf("Parse(%s): wall %v, peak RSS %d, mallocs %d; want all > 0", table, m.Wall, m.PeakRSS, m.Mallocs)
				}
			}
		}
		for _, q := range PeerQueries {
			m, res, err := Query(ctx, c.Objects(q.Table), q, workers, inf)
			if err != nil {
				t.Fatalf("Query(%s): %v", q.Name, err)
			}
			if m.Records != want[q.Table].records || m.Finish <= 0 || m.Finish > m.Wall {
				t.Errorf("Query(%s) read %d records, finish %v of %v; want %d records and 0 < finish <= wall",
					q.Name, m.Records, m.Finish, m.Wall, want[q.Table].records)
			}
			var sum int64
			for i := range res.Len() {
				sum += res.Value(i, len(res.Columns)-1).(int64)
			}
			wantSum := map[string]int64{
				"ct_count_by_eventname":   man.CloudTrailRecords,
				"ct_console_login_no_mfa": planted[AttackConsoleLoginNoMFA],
				"flow_reject_per_minute":  planted[AttackFlowRejectFlood],
			}[q.Name]
			if sum != wantSum || len(m.Answer) != res.Len() || wantSum == 0 {
				t.Errorf("Query(%s, %d workers): counts sum to %d in %d rows; want %d\n%s", q.Name, workers, sum, len(m.Answer), wantSum, strings.Join(m.Answer, "\n"))
			}
		}
	}
}

func TestRunSuite_Success(t *testing.T) {
	dir, _ := testCorpus(t)
	ctx := context.Background()
	c, err := OpenCorpus(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	procs := runtime.GOMAXPROCS(0)
	var runs int
	rep, err := RunSuite(ctx, c, SuiteOptions{Cores: []int{1, 2}, Reps: 2, Progress: func(Measurement) { runs++ }})
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOMAXPROCS(0) != procs {
		t.Errorf("GOMAXPROCS = %d after the suite; want %d restored", runtime.GOMAXPROCS(0), procs)
	}
	// Per core count: per table inflate + parse all + parse projection, and 3 queries.
	const perCores = 2*3 + 3
	if len(rep.Summaries) != 2*perCores || runs != 2*2*perCores {
		t.Fatalf("got %d summaries from %d runs; want %d from %d", len(rep.Summaries), runs, 2*perCores, 2*2*perCores)
	}
	answers := map[string][]string{}
	for _, s := range rep.Summaries {
		b := s.Best
		if s.Runs != 2 || len(s.Walls) != 2 || b.Wall != min(s.Walls[0], s.Walls[1]) || b.Cores != b.Workers {
			t.Errorf("%s %s %s: runs %d, walls %v, best %v, cores %d, workers %d", b.Kind, b.Table, b.Variant, s.Runs, s.Walls, b.Wall, b.Cores, b.Workers)
		}
		if b.Kind != "query" {
			continue
		}
		key := b.Variant
		if prev, ok := answers[key]; ok && strings.Join(prev, "\n") != strings.Join(b.Answer, "\n") {
			t.Errorf("%s: answer at %d cores differs from 1 core", key, b.Cores)
		}
		answers[key] = b.Answer
	}
	if len(answers) != len(PeerQueries) {
		t.Errorf("got answers for %d queries; want %d", len(answers), len(PeerQueries))
	}
	if rep.Machine.NumCPU != runtime.NumCPU() || rep.Machine.GoVersion == "" || rep.Corpus.CloudTrailObjects != len(c.CloudTrail) {
		t.Errorf("machine %+v, corpus %+v", rep.Machine, rep.Corpus)
	}
}

func TestRunSuite_Only(t *testing.T) {
	dir, _ := testCorpus(t)
	c, err := OpenCorpus(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	inflaters := []Inflater{InflaterKlauspost}
	if HasLibdeflate() {
		inflaters = append(inflaters, InflaterLibdeflate)
	}
	rep, err := RunSuite(context.Background(), c, SuiteOptions{Cores: []int{1}, Reps: 1, Inflaters: inflaters,
		Only: []string{"inflate/cloudtrail", "query/vpc_flow"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range rep.Summaries {
		got = append(got, s.Best.Kind+"/"+s.Best.Table+"/"+s.Best.Variant+"/"+string(s.Best.Inflater))
	}
	var want []string // per table, per inflater
	for _, m := range []string{"inflate/cloudtrail/gzip/", "query/vpc_flow/flow_reject_per_minute/"} {
		for _, inf := range inflaters {
			want = append(want, m+string(inf))
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v; want %v", got, want)
	}
	if _, err := RunSuite(context.Background(), c, SuiteOptions{Only: []string{"parse/athena"}}); err == nil || !strings.Contains(err.Error(), "no measurement matches") {
		t.Errorf("got %v; want no measurement matches", err)
	}
}

func TestInflate_LibdeflateMissing(t *testing.T) {
	if HasLibdeflate() {
		t.Skip("built with -tags libdeflate")
	}
	dir, _ := testCorpus(t)
	c, err := OpenCorpus(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Inflate(context.Background(), c.CloudTrail, 1, InflaterLibdeflate); err == nil || !strings.Contains(err.Error(), "-tags libdeflate") {
		t.Errorf("got %v; want an error saying to build with -tags libdeflate", err)
	}
	if _, err := RunSuite(context.Background(), c, SuiteOptions{Inflaters: []Inflater{InflaterLibdeflate}}); err == nil || !strings.Contains(err.Error(), "-tags libdeflate") {
		t.Errorf("RunSuite: got %v; want an error saying to build with -tags libdeflate", err)
	}
}

func TestPeakRSS(t *testing.T) {
	if PeakRSS() <= 0 {
		t.Fatalf("PeakRSS() = %d; want > 0", PeakRSS())
	}
	big := make([]byte, 96<<20)
	for i := 0; i < len(big); i += 4096 {
		big[i] = 1
	}
	if got := PeakRSS(); got < 90<<20 {
		t.Errorf("PeakRSS() = %d after touching 96 MiB; want at least that", got)
	}
	sinkBytes = big
}

var sinkBytes []byte
