package queries

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/findings"
	"github.com/hunt-sec/hunt/parsers"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.golden from the hunts' results")

// testNow is current_timestamp for hunts under test, so results do not
// depend on the day the tests run.
var testNow = time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)

const validHeader = `-- id: x
-- title: T
-- severity: LOW
-- table: cloudtrail
-- resource: r
-- resource_type: Other
-- time: eventtime
-- dedup: r
`

func TestParse_Success(t *testing.T) {
	h, err := Parse("x.sql", `-- id: root_used
-- title: Root account used
--   for API calls
-- severity: HIGH
-- table: cloudtrail_logs
-- tactics: TA0004, TA0001
-- techniques: T1078.004
-- resource: actor
-- resource_type: AwsIamUser
-- actor: actor
-- time: eventtime
-- dedup: account,
-- dedup: actor
-- window: 1h
-- references: https://a.example/1
-- references: https://a.example/2, https://a.example/3
--
-- evidence: a bare "--" ends the header, so this is SQL.
-- A free comment after a blank comment line is not a key.

SELECT eventtime, useridentity.arn AS actor, recipientaccountid AS account, "$path" FROM cloudtrail_logs
`)
	if err != nil {
		t.Fatal(err)
	}
	want := &Hunt{ID: "root_used", Title: "Root account used for API calls", Severity: "HIGH", Table: "cloudtrail", Tables: []string{"cloudtrail"},
		Tactics: []string{"TA0004", "TA0001"}, Techniques: []string{"T1078.004"}, Resource: "actor", ResourceType: "AwsIamUser",
		Actor: "actor", Time: "eventtime", Dedup: []string{"account", "actor"}, Window: time.Hour, Sources: "$path",
		References: []string{"https://a.example/1", "https://a.example/2", "https://a.example/3"}}
	got := *h
	got.SQL, got.Source, got.text, got.sqlOff, got.keyLine = "", "", "", 0, nil
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Fatalf("got %s; want %s", gb, wb)
	}
	if !strings.HasPrefix(h.SQL, "--\n-- evidence: a bare") {
		t.Fatalf("SQL: got %q; want it to start at the free comment", h.SQL)
	}
	if _, err := h.Compile(engine.Options{}); err != nil {
		t.Fatal(err)
	}
	// Defaults.
	h, err = Parse("x.sql", validHeader+"SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	if h.Window != DefaultWindow || h.Sources != "$path" {
		t.Fatalf("defaults: got window %s, sources %q", h.Window, h.Sources)
	}
}

// TestParse_Failure marks the expected error position with ¶ in the input.
func TestParse_Failure(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"bad severity", "-- id: x\n-- severity: ¶SEVERE\n", `severity: expected INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL, found "SEVERE"`},
		{"unknown key", "-- id: x\n-- ¶colour: red\n", `expected a header key`},
		{"bad id", "-- id: ¶Root-Login\n", `id: expected lower-case letters`},
		{"bad tactic", "-- id: x\n-- tactics: ¶T1078\n", `expected a MITRE ATT&CK tactic ID such as TA0005, found "T1078"`},
		{"bad technique", "-- id: x\n-- techniques:   ¶TA0001\n", `found "TA0001"`},
		{"bad table", "-- id: x\n-- table: ¶elb_logs\n", `expected cloudtrail or vpc_flow or guardduty or config, found "elb_logs"`},
		{"bad table in a join's list", "-- id: x\n-- table: ¶guardduty, elb_logs\n", `found "elb_logs"`},
		{"table twice in a join's list", "-- id: x\n-- table: ¶cloudtrail, cloudtrail_logs\n", `expected each table once, found "cloudtrail_logs" twice`},
		{"bad window", "-- id: x\n-- window: ¶a day\n", `window: expected a duration`},
		{"twice", "-- id: x\n-- title: a\n-- ¶title: b\n", `title: expected once, found again (first at line 2)`},
		{"stray continuation", "-- id: x\n--   ¶more\n", `found continuation "more"`},
		{"missing key", strings.Replace(validHeader, "-- dedup: r\n", "", 1) + "¶SELECT 1", `expected header key dedup, found none`},
		{"no sql", validHeader + "¶", `expected SQL after the header, found end of file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mark := strings.Index(tt.in, "¶")
			in := strings.Replace(tt.in, "¶", "", 1)
			line := strings.Count(in[:mark], "\n") + 1
			col := mark - strings.LastIndex(in[:mark], "\n")
			_, err := Parse("q.sql", in)
			var pe *parsers.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v; want a *parsers.ParseError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %q; want it to contain %q", err, tt.want)
			}
			if pe.Line != line || pe.Col != col {
				t.Fatalf("got %d:%d (%v); want %d:%d", pe.Line, pe.Col, err, line, col)
			}
		})
	}
}

func TestCompile_Failure(t *testing.T) {
	tests := []struct {
		name, sql, want string
	}{
		{"sql error", "SELECT eventtime AS r, \"$path\" FROM cloudtrail WHERE (eventname = 'x'", "q.sql:10:70: expected ')' to close '(' at 10:54, found end of input"},
		{"missing column", "SELECT eventtime, \"$path\" FROM cloudtrail", `q.sql:5:4: resource: expected an output column of the SQL (eventtime, $path), found "r"`},
		{"other table", "SELECT start AS eventtime, srcaddr AS r, \"$path\" FROM vpc_flow", `q.sql:4:4: table: expected the SQL to read only cloudtrail, found [vpc_flow]`},
		{"join of a table the header lacks", "SELECT c.eventtime, c.eventname AS r, c.\"$path\" FROM cloudtrail c JOIN vpc_flow v ON v.srcaddr = c.sourceipaddress", `table: expected the SQL to read only cloudtrail, found [cloudtrail vpc_flow]`},
		{"no sources", "SELECT eventtime, eventname AS r FROM cloudtrail", `sources: expected an output column of the SQL (eventtime, r), found "$path"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := Parse("q.sql", validHeader+"\n"+tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			_, err = h.Compile(engine.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v; want %q", err, tt.want)
			}
		})
	}
}

// A join hunt lists its tables, the findings' table first; the SQL must
// read each of them.
func TestCompile_Tables(t *testing.T) {
	header := strings.Replace(validHeader, "-- table: cloudtrail\n", "-- table: cloudtrail, vpc_flow\n", 1)
	join := "SELECT c.eventtime, c.eventname AS r, c.\"$path\" FROM cloudtrail c JOIN vpc_flow v ON v.srcaddr = c.sourceipaddress"
	h, err := Parse("q.sql", header+"\n"+join)
	if err != nil {
		t.Fatal(err)
	}
	if h.Table != "cloudtrail" || !slices.Equal(h.Tables, []string{"cloudtrail", "vpc_flow"}) || !h.ReadsTable("vpc_flow") || h.ReadsTable("config") {
		t.Fatalf("got table %q, tables %v", h.Table, h.Tables)
	}
	if !strings.Contains(h.String(), "-- table: cloudtrail, vpc_flow\n") {
		t.Errorf("String() lacks the table list:\n%s", h.String())
	}
	if _, err := h.Compile(engine.Options{}); err != nil {
		t.Fatal(err)
	}
	h, err = Parse("q.sql", header+"\nSELECT eventtime, eventname AS r, \"$path\" FROM cloudtrail")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Compile(engine.Options{}); err == nil || !strings.Contains(err.Error(), "table: expected the SQL to read only cloudtrail and vpc_flow, found [cloudtrail]") {
		t.Errorf("got %v; want the tables the SQL does not read", err)
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("x.sql", validHeader+"SELECT eventtime, eventname AS r, \"$path\" FROM cloudtrail")
	hunts, err := LoadDir(dir)
	if err != nil || len(hunts) != 1 || hunts[0].ID != "x" {
		t.Fatalf("got %v, %v; want hunt x", hunts, err)
	}
	write("y.sql", validHeader+"SELECT 1")
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), `id: expected "y", the file name, found "x"`) {
		t.Fatalf("got %v; want a file-name mismatch", err)
	}
	emb, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckUnique(emb, []*Hunt{{ID: emb[0].ID, Source: "mine.sql", keyLine: map[string]int{"id": 1}}}); err == nil ||
		!strings.Contains(err.Error(), "mine.sql:1:4: id: expected a unique hunt ID") {
		t.Fatalf("got %v; want a duplicate-ID error", err)
	}
}

// fixture is one parsed fixture file: its batches, retained.
type fixture struct {
	path string // "testdata/hunts/ID/positive.json", as $path shows it
	hunt string // the folder: the hunt it is a fixture of
	// group is the scenario the file is part of: its name up to the first
	// dot. A hunt over several tables has a file per table in a scenario
	// ("positive.guardduty.jsonl", "positive.cloudtrail.json"); the
	// others have one.
	group   string
	table   string
	batches []arrow.RecordBatch
}

// loadFixtures parses every file under ../testdata/hunts once.
func loadFixtures(t *testing.T, mem memory.Allocator) []*fixture {
	t.Helper()
	files, err := filepath.Glob("../testdata/hunts/*/*")
	if err != nil {
		t.Fatal(err)
	}
	var out []*fixture
	for _, f := range files {
		rel := strings.TrimPrefix(filepath.ToSlash(f), "../")
		base := path.Base(rel)
		if base == "README.md" {
			continue
		}
		fx := &fixture{path: rel, hunt: path.Base(path.Dir(rel))}
		fx.group, _, _ = strings.Cut(base, ".")
		file, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		var r interface {
			Next() bool
			Batch() arrow.RecordBatch
			Err() error
			Release()
			Stats() parsers.Stats
		}
		opts := []parsers.Option{parsers.WithAllocator(mem), parsers.WithStrict(true)}
		switch {
		case strings.HasSuffix(base, ".json") || strings.HasSuffix(base, ".jsonl"):
			// CloudTrail, GuardDuty findings or a Config file: the
			// content tells, as in a scan.
			br := bufio.NewReader(file)
			head, _ := br.Peek(512)
			tb := parsers.SniffTable(head)
			if tb == nil || tb == parsers.VPCFlow {
				t.Fatalf("%s: expected CloudTrail, GuardDuty or Config JSON, found %q", rel, head[:min(len(head), 40)])
			}
			fx.table = tb.Name
			r, err = tb.NewReader(br, rel, opts...)
		case strings.HasSuffix(base, ".log"):
			fx.table = "vpc_flow"
			r, err = parsers.NewVPCFlowReader(file, rel, opts...)
		default:
			t.Fatalf("%s: expected a .json or .jsonl (CloudTrail, GuardDuty, Config) or .log (flow log) fixture, found %q", rel, base)
		}
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			b := r.Batch()
			b.Retain()
			fx.batches = append(fx.batches, b)
		}
		if err := r.Err(); err != nil {
			t.Fatalf("fixture %s: %v", rel, err)
		}
		if st := r.Stats(); st.Records == 0 || st.Rejected > 0 {
			t.Fatalf("fixture %s: got %d records, %d rejected; want records and none rejected", rel, st.Records, st.Rejected)
		}
		r.Release()
		file.Close()
		out = append(out, fx)
	}
	return out
}

// runHunt runs h over the fixtures of its tables and folds the findings.
func runHunt(t *testing.T, h *Hunt, fixtures []*fixture) []findings.Finding {
	t.Helper()
	q, err := h.Compile(engine.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	for _, fx := range fixtures {
		if !h.ReadsTable(fx.table) {
			continue
		}
		for _, b := range fx.batches {
			if err := r.PushTable(0, fx.table, b); err != nil {
				t.Fatalf("%s on %s: %v", h.ID, fx.path, err)
			}
		}
	}
	res, err := r.Finish()
	if err != nil {
		t.Fatal(err)
	}
	fs, err := h.Findings(res, Window{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range fs {
		if err := fs[i].Validate(); err != nil {
			t.Fatalf("%s: %v", h.ID, err)
		}
	}
	return fs
}

// MarshalGolden writes findings as JSON Lines, one finding per line.
func marshalGolden(t *testing.T, fs []findings.Finding) []byte {
	t.Helper()
	var b bytes.Buffer
	for i := range fs {
		line, err := json.Marshal(&fs[i])
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// TestHunts loads every embedded hunt, checks its header and String round
// trip, runs it on its positive fixtures (at least one finding each), its
// negative fixtures (none), and all fixtures together, whose findings must
// equal testdata/golden/ID.golden.
func TestHunts(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	hunts, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	fixtures := loadFixtures(t, mem)
	defer func() {
		for _, fx := range fixtures {
			for _, b := range fx.batches {
				b.Release()
			}
		}
	}()
	ids := map[string]bool{}
	for _, h := range hunts {
		ids[h.ID] = true
	}
	for _, fx := range fixtures {
		if !ids[fx.hunt] {
			t.Errorf("%s: fixture folder of no hunt %q", fx.path, fx.hunt)
		}
	}
	goldens, _ := filepath.Glob("../testdata/golden/*.golden")
	for _, g := range goldens {
		if id := strings.TrimSuffix(filepath.Base(g), ".golden"); !ids[id] && !strings.HasPrefix(id, "run") {
			t.Errorf("%s: golden file of no hunt %q", g, id)
		}
	}
	for _, h := range hunts {
		t.Run(h.ID, func(t *testing.T) {
			// The canonical text parses back to the same hunt.
			again, err := Parse(h.Source, h.String())
			if err != nil {
				t.Fatalf("parse String(): %v\n%s", err, h.String())
			}
			if again.String() != h.String() {
				t.Fatalf("String round trip:\n%s\n---\n%s", h.String(), again.String())
			}
			st, err := engine.ParseSource(h.Source, h.SQL)
			if err != nil {
				t.Fatal(err)
			}
			if st2, err := engine.ParseSource(h.Source, st.String()); err != nil || st2.String() != st.String() {
				t.Fatalf("SQL String round trip: %v\n%s\n---\n%v", err, st, st2)
			}
			if len(h.Tactics) == 0 || len(h.Techniques) == 0 || h.Description == "" || h.Remediation == "" || len(h.References) == 0 {
				t.Errorf("%s: want tactics, techniques, description, remediation and references", h.Source)
			}
			var pos, neg int
			for _, group := range fixtureGroups(fixtures, h.ID) {
				fx := group[0]
				base := fx.group
				if i := slices.IndexFunc(group, func(fx *fixture) bool { return !h.ReadsTable(fx.table) }); i >= 0 {
					t.Errorf("%s: a %s fixture for a hunt over %v", group[i].path, group[i].table, h.TableList())
					continue
				}
				fs := runHunt(t, h, group)
				switch {
				case strings.HasPrefix(base, "positive"):
					pos++
					if len(fs) == 0 {
						t.Errorf("%s: got no findings; want at least one", fx.path)
					}
				case strings.HasPrefix(base, "negative"):
					neg++
					if len(fs) != 0 {
						t.Errorf("%s: got %d findings; want none:\n%s", fx.path, len(fs), marshalGolden(t, fs))
					}
				default:
					t.Errorf("%s: expected a name starting positive or negative, found %q", fx.path, base)
				}
			}
			if pos == 0 || neg == 0 {
				t.Errorf("testdata/hunts/%s: got %d positive and %d negative fixtures; want at least one of each", h.ID, pos, neg)
			}
			got := marshalGolden(t, runHunt(t, h, fixtures))
			golden := filepath.Join("..", "testdata", "golden", h.ID+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./queries -update)", err)
			}
			if !bytes.Equal(got, want) {
				gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
				for i := range max(len(gl), len(wl)) {
					g, w := at(gl, i), at(wl, i)
					if g != w {
						t.Fatalf("%s line %d:\ngot  %s\nwant %s\n(run go test ./queries -update if the change is intended)", golden, i+1, g, w)
					}
				}
			}
		})
	}
}

// fixtureGroups returns the scenarios of hunt id's fixtures (see
// [fixture].group), in the order of their first files.
func fixtureGroups(fixtures []*fixture, id string) [][]*fixture {
	var out [][]*fixture
	idx := map[string]int{}
	for _, fx := range fixtures {
		if fx.hunt != id {
			continue
		}
		i, ok := idx[fx.group]
		if !ok {
			i = len(out)
			idx[fx.group] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], fx)
	}
	return out
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<EOF>"
}

// TestHuntsSources checks every finding names its source objects, and only
// fixture files.
func TestHuntsSources(t *testing.T) {
	goldens, _ := filepath.Glob("../testdata/golden/*.golden")
	if len(goldens) < 40 && !*update {
		t.Errorf("got %d golden files; want one per hunt, at least 40", len(goldens))
	}
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			var f findings.Finding
			if err := json.Unmarshal(line, &f); err != nil {
				t.Fatalf("%s:%d: %v", g, i+1, err)
			}
			if len(f.Sources) == 0 || !slices.ContainsFunc(f.Sources, func(s string) bool { return strings.HasPrefix(s, "testdata/hunts/") }) {
				t.Errorf("%s:%d: got sources %v; want fixture files", g, i+1, f.Sources)
			}
		}
	}
}
