package investigate

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hunt-sec/hunt/queries"
)

var generated = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// The fixture's report of the attacker's address: 9 calls, 4 flow rows,
// 4 hunt findings (one the GuardDuty × CloudTrail join) and 1 GuardDuty finding on the timeline; the address, its 3 principals and 3 keys,
// the instance's address, the flow peer and 8 resources (5 named by request
// parameters, 3 ARNs of the resources column) in the graph.
const (
	wantMarks = 9 + 4 + 4 + 1
	wantNodes = 1 + 3 + 3 + 1 + 1 + 8
)

func fixtureHTML(t *testing.T) (string, *Report) {
	t.Helper()
	rep := investigateDir(t, attacker, fixture, queries.Window{})
	var b bytes.Buffer
	if err := rep.WriteHTML(&b, generated); err != nil {
		t.Fatal(err)
	}
	return b.String(), rep
}

// Log content is attacker-controlled: a user agent holding a script tag
// is text on the page, not a script.
func TestWriteHTML_EscapesLogContent(t *testing.T) {
	page, _ := fixtureHTML(t)
	if strings.Contains(page, `<script>document.body.dataset.pwned`) {
		t.Error("the user agent's <script> reached the page unescaped")
	}
	if !strings.Contains(page, `&lt;script&gt;document.body.dataset.pwned=&#34;1&#34;&lt;/script&gt;`) {
		t.Error("the user agent is not shown, escaped")
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d script elements, want the page's own one", n)
	}
	for _, banned := range []string{"http://", "https://", "src="} {
		if strings.Contains(page, banned) {
			t.Errorf("the page refers to %q: it must open offline", banned)
		}
	}
}

func TestWriteHTML_Drawings(t *testing.T) {
	page, rep := fixtureHTML(t)
	if n := strings.Count(page, `<rect class="mark `); n != wantMarks {
		t.Errorf("timeline marks = %d, want %d", n, wantMarks)
	}
	if n := strings.Count(page, `<g class="node `); n != wantNodes {
		t.Errorf("graph nodes = %d, want %d", n, wantNodes)
	}
	// Every call row links back to its source object and names its record.
	if n := strings.Count(page, `<tr class="evidence" data-eventid="evt-`); n != len(rep.Calls) {
		t.Errorf("call evidence rows = %d, want %d", n, len(rep.Calls))
	}
	abs, _ := filepath.Abs(filepath.Join(fixture, "cloudtrail"))
	if !strings.Contains(page, `href="file://`+filepath.ToSlash(abs)+`/111122223333_CloudTrail_us-east-1_20240305T1050Z_investigate.json"`) {
		t.Error("no link to the CloudTrail object")
	}
	// The same report draws the same page.
	var again bytes.Buffer
	if err := rep.WriteHTML(&again, generated); err != nil {
		t.Fatal(err)
	}
	if again.String() != page {
		t.Error("two renderings of one report differ")
	}
}

func TestSourceURL(t *testing.T) {
	for in, want := range map[string]string{"": "", "s3://b/k.json.gz": "", "/logs/a b#c.json": "file:///logs/a%20b%23c.json"} {
		if got := string(sourceURL(in)); got != want {
			t.Errorf("sourceURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// chromium is the browser for TestWriteHTML_Browser: Debian's chromium.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("HUNT_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("HUNT_REQUIRE_CHROMIUM=1 but no chromium on PATH (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH; set HUNT_REQUIRE_CHROMIUM=1 to fail instead")
	return ""
}

// The report opens in a real browser, offline: its script runs to the end
// (it sets data-ok on the body), the user agent's script does not run, and
// the DOM holds every timeline mark and graph node. The screenshot goes to
// $HUNT_REPORT_SCREENSHOT when set, for a person to look at.
func TestWriteHTML_Browser(t *testing.T) {
	bin := chromium(t)
	page, _ := fixtureHTML(t)
	dir := t.TempDir()
	report := filepath.Join(dir, "report.html")
	if err := os.WriteFile(report, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "report.png")
	if p := os.Getenv("HUNT_REPORT_SCREENSHOT"); p != "" {
		shot = p
	}
	run := func(extra ...string) (string, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir=" + filepath.Join(dir, "profile"), "--window-size=1400,1000",
			"--enable-logging=stderr", "--v=0"}, extra...)
		args = append(args, "file://"+report)
		cmd := exec.CommandContext(ctx, bin, args...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %v: %v\n%s", bin, extra, err, errb.String())
		}
		return out.String(), errb.String()
	}
	dom, logs := run("--dump-dom")
	if !strings.Contains(dom, `data-ok="1"`) {
		t.Errorf("the page's script did not finish (no data-ok on body); browser log:\n%s", logs)
	}
	if strings.Contains(dom, "data-pwned") {
		t.Error("the user agent's script ran")
	}
	if strings.Contains(logs, "Uncaught") {
		t.Errorf("JavaScript error:\n%s", logs)
	}
	if n := strings.Count(dom, `<rect class="mark `); n != wantMarks {
		t.Errorf("DOM timeline marks = %d, want %d", n, wantMarks)
	}
	if n := strings.Count(dom, `<g class="node `); n != wantNodes {
		t.Errorf("DOM graph nodes = %d, want %d", n, wantNodes)
	}
	run("--screenshot=" + shot)
	if st, err := os.Stat(shot); err != nil || st.Size() < 10000 {
		t.Errorf("screenshot %s: %v (size %v)", shot, err, st)
	}
}
