package investigate

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

//go:embed report.html.tmpl
var reportHTML string

// maxMarks bounds the timeline's marks and maxGroupNodes each kind of node
// of the entity graph, so a busy entity still gives a page a browser opens;
// the tables hold every row.
const (
	maxMarks      = 5000
	maxGroupNodes = 12
)

// Geometry of the drawings, in SVG user units.
const (
	timelineWidth  = 1200
	timelineLeft   = 90
	timelineRight  = 20
	graphWidth     = 900 // room for the labels of the nodes left and right
	graphHeight    = 620
	graphRadius    = 260
	graphNodeLabel = 28 // characters of a node label shown
)

// reportTemplate is parsed on first use, not when the program starts:
// every hunt command would pay its ~3 ms (GODEBUG=inittrace=1).
var reportTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"ts": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format(time.RFC3339)
		},
		"join":   func(s []string) string { return strings.Join(s, " ") },
		"source": sourceURL,
	}).Parse(reportHTML))
})

// mark is one timeline mark: a call, a flow row or a finding.
type mark struct {
	Kind  string // call, flow-accept, flow-reject, finding
	X, Y  float64
	Title string
}

// tick is a label on the timeline's axis.
type tick struct {
	X      float64
	Label  string
	Anchor string // text-anchor of the label
}

// node is a vertex of the entity graph.
type node struct {
	ID, Kind, Label string
	X, Y            float64
}

// edge joins two nodes of the entity graph.
type edge struct {
	Kind           string
	X1, Y1, X2, Y2 float64
}

// htmlPage is what the template draws.
type htmlPage struct {
	*Report
	Generated    string
	Marks        []mark
	MarksLeftOut int
	Ticks        []tick
	Lanes        []tick
	Nodes        []node
	Edges        []edge
	TimelineW    int
	GraphW       int
	GraphH       int
}

// WriteHTML writes the report as one self-contained HTML page: no network
// fetches, every log value escaped by html/template.
func (rep *Report) WriteHTML(w io.Writer, now time.Time) error {
	p := &htmlPage{Report: rep, Generated: now.UTC().Format(time.RFC3339), TimelineW: timelineWidth, GraphW: graphWidth, GraphH: graphHeight}
	p.timeline()
	p.graph()
	return reportTemplate().Execute(w, p)
}

// lanes of the timeline, top to bottom.
var laneY = map[string]float64{"call": 30, "flow-accept": 70, "flow-reject": 90, "finding": 130, "guardduty": 165, "config": 165}

func (p *htmlPage) timeline() {
	p.Lanes = []tick{{X: 30, Label: "calls"}, {X: 80, Label: "flows"}, {X: 130, Label: "findings"}, {X: 165, Label: "GuardDuty, Config"}}
	lo, hi := p.First, p.Last
	if lo.IsZero() {
		return
	}
	span := hi.Sub(lo)
	if span <= 0 {
		span = time.Minute
		lo = lo.Add(-span / 2)
	}
	x := func(t time.Time) float64 {
		f := float64(t.Sub(lo)) / float64(span)
		return math.Round((timelineLeft+f*(timelineWidth-timelineLeft-timelineRight))*10) / 10
	}
	add := func(kind string, t time.Time, title string) {
		if len(p.Marks) == maxMarks {
			p.MarksLeftOut++
			return
		}
		p.Marks = append(p.Marks, mark{Kind: kind, X: x(t), Y: laneY[kind], Title: title})
	}
	for _, c := range p.Calls {
		add("call", c.Time, fmt.Sprintf("%s %s:%s by %s from %s", c.Time.Format(time.RFC3339), c.Service, c.Name, firstOf(c.Principal, c.Key), c.Address))
	}
	for _, f := range p.Flows {
		kind := "flow-accept"
		if f.Action == "REJECT" {
			kind = "flow-reject"
		}
		add(kind, f.Minute, fmt.Sprintf("%s %s %s port %d %s (%d flows)", f.Minute.Format(time.RFC3339), f.Direction, f.Peer, f.Port, f.Action, f.Flows))
	}
	for _, f := range p.Findings {
		add("finding", f.FirstSeen, fmt.Sprintf("%s %s %s", f.FirstSeen.Format(time.RFC3339), f.Severity, f.HuntID))
	}
	for _, g := range p.GuardDuty {
		add("guardduty", g.Time, fmt.Sprintf("%s GuardDuty %s severity %s", g.Time.Format(time.RFC3339), g.Type, g.Severity))
	}
	for _, c := range p.Config {
		add("config", c.Time, fmt.Sprintf("%s Config %s %s %s", c.Time.Format(time.RFC3339), c.ResourceType, c.ResourceID, c.Status))
	}
	for i := range 5 {
		t := lo.Add(time.Duration(float64(span) * float64(i) / 4))
		anchor := "middle"
		switch i {
		case 0:
			anchor = "start"
		case 4:
			anchor = "end"
		}
		p.Ticks = append(p.Ticks, tick{X: x(t), Label: t.Format("2006-01-02 15:04:05"), Anchor: anchor})
	}
}

// graph lays the entity out in the centre and its neighbours on a circle,
// group after group, in a fixed order: the same report, the same picture.
func (p *htmlPage) graph() {
	cx, cy := float64(graphWidth)/2, float64(graphHeight)/2
	p.Nodes = append(p.Nodes, node{ID: p.Entity.Value, Kind: "entity", Label: short(p.Entity.Value), X: cx, Y: cy})
	type member struct{ id, kind, via string }
	var ring []member
	seen := map[string]bool{p.Entity.Value: true}
	group := func(kind string, vals []string, via func(int) string) {
		n := 0
		for i, v := range vals {
			if seen[v] || v == "" {
				continue
			}
			if n == maxGroupNodes {
				break
			}
			seen[v] = true
			n++
			ring = append(ring, member{v, kind, via(i)})
		}
	}
	none := func(int) string { return p.Entity.Value }
	group("principal", p.Principals, none)
	group("key", p.Keys, none)
	group("address", p.Addresses, none)
	op := make([]string, len(p.OtherPrincipals))
	for i, x := range p.OtherPrincipals {
		op[i] = x.Value
	}
	group("principal", op, func(i int) string { return p.OtherPrincipals[i].Via })
	oa := make([]string, len(p.OtherAddresses))
	for i, x := range p.OtherAddresses {
		oa[i] = x.Value
	}
	group("address", oa, func(i int) string { return p.OtherAddresses[i].Via })
	ch := make([]string, len(p.Chains))
	for i, x := range p.Chains {
		ch[i] = firstOf(x.Session, x.Key)
	}
	group("session", ch, func(i int) string { return p.Chains[i].By })
	var peers []string
	for _, f := range p.Flows {
		peers = append(peers, f.Peer)
	}
	group("peer", peers, none)
	rs := make([]string, len(p.Resources))
	for i, r := range p.Resources {
		rs[i] = r.Name
	}
	group("resource", rs, none)
	pos := map[string]int{p.Entity.Value: 0}
	for i, m := range ring {
		a := 2 * math.Pi * float64(i) / float64(len(ring))
		n := node{ID: m.id, Kind: m.kind, Label: short(m.id),
			X: math.Round((cx+graphRadius*math.Cos(a))*10) / 10, Y: math.Round((cy+graphRadius*math.Sin(a))*10) / 10}
		pos[m.id] = len(p.Nodes)
		p.Nodes = append(p.Nodes, n)
	}
	for _, m := range ring {
		from, ok := pos[m.via]
		if !ok {
			from = 0
		}
		a, b := p.Nodes[from], p.Nodes[pos[m.id]]
		p.Edges = append(p.Edges, edge{Kind: m.kind, X1: a.X, Y1: a.Y, X2: b.X, Y2: b.Y})
	}
}

// short cuts a node label to its tail, where ARNs keep their names.
func short(s string) string {
	r := []rune(s)
	if len(r) <= graphNodeLabel {
		return s
	}
	return "…" + string(r[len(r)-graphNodeLabel+1:])
}

// sourceURL links a local source object as a file: URL; other sources (S3)
// get no link.
func sourceURL(path string) template.URL {
	if path == "" || strings.Contains(path, "://") {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	return template.URL((&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String())
}
