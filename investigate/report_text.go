package investigate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// maxTextRows bounds each list of the terminal summary; --output json and
// --html hold everything.
const maxTextRows = 20

// WriteJSON writes the report as one JSON document.
func (rep *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// WriteText writes the terminal summary.
func (rep *Report) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Format(time.RFC3339)
	}
	fmt.Fprintf(b, "%s %s: %d calls, %d flow rows, %d findings in %d incidents, %d GuardDuty findings, %d Config items; first seen %s, last seen %s\n",
		rep.Entity.Kind, rep.Entity.Value, len(rep.Calls), len(rep.Flows), len(rep.Findings), len(rep.Incidents), len(rep.GuardDuty), len(rep.Config), ts(rep.First), ts(rep.Last))
	list := func(title string, vals []string) {
		if len(vals) > 0 {
			fmt.Fprintf(b, "%s: %s\n", title, strings.Join(vals, ", "))
		}
	}
	list("keys", rep.Keys)
	list("principals", rep.Principals)
	list("addresses", rep.Addresses)
	section := func(title string, n int) bool {
		if n == 0 {
			return false
		}
		fmt.Fprintf(b, "\n%s (%d):\n", title, n)
		return true
	}
	more := func(n int) {
		if n > maxTextRows {
			fmt.Fprintf(b, "  ... %d more (--output json or --html for all)\n", n-maxTextRows)
		}
	}
	if section("timeline", len(rep.Calls)) {
		for i, c := range rep.Calls {
			if i == maxTextRows {
				break
			}
			errc := ""
			if c.Error != "" {
				errc = " [" + c.Error + "]"
			}
			fmt.Fprintf(b, "  %s  %s:%s%s  by %s from %s  %s\n", ts(c.Time), c.Service, c.Name, errc, firstOf(c.Principal, c.Key, "-"), c.Address, strings.Join(c.Resources, " "))
		}
		more(len(rep.Calls))
	}
	if section("flows (per minute, peer, port)", len(rep.Flows)) {
		for i, f := range rep.Flows {
			if i == maxTextRows {
				break
			}
			fmt.Fprintf(b, "  %s  %-3s %s port %d proto %d  %s  %d flows %d bytes\n", ts(f.Minute), f.Direction, f.Peer, f.Port, f.Protocol, f.Action, f.Flows, f.Bytes)
		}
		more(len(rep.Flows))
	}
	if section("GuardDuty findings", len(rep.GuardDuty)) {
		for _, g := range rep.GuardDuty {
			fmt.Fprintf(b, "  %s  severity %s  %s  (%s)\n", ts(g.Time), g.Severity, g.Type, g.ID)
		}
	}
	if section("AWS Config items", len(rep.Config)) {
		for i, c := range rep.Config {
			if i == maxTextRows {
				break
			}
			fmt.Fprintf(b, "  %s  %s %s %s  %s\n", ts(c.Time), c.ResourceType, c.ResourceID, c.Name, c.Status)
		}
		more(len(rep.Config))
	}
	pivots := func(title string, ps []Pivot) {
		if section(title, len(ps)) {
			for i, p := range ps {
				if i == maxTextRows {
					break
				}
				fmt.Fprintf(b, "  %s  via %s  %d calls  %s .. %s\n", p.Value, p.Via, p.Calls, ts(p.First), ts(p.Last))
			}
			more(len(ps))
		}
	}
	pivots("other principals from the same addresses", rep.OtherPrincipals)
	pivots("other addresses using the same keys or principals", rep.OtherAddresses)
	if section("role chains", len(rep.Chains)) {
		for _, c := range rep.Chains {
			fmt.Fprintf(b, "  %s%s  %s by %s -> %s %s", strings.Repeat("  ", c.Depth-1), ts(c.Time), c.Call, c.By, c.Session, c.Key)
			for _, n := range c.Calls {
				fmt.Fprintf(b, " %s×%d", n.Name, n.N)
			}
			b.WriteString("\n")
		}
	}
	if section("resources", len(rep.Resources)) {
		for i, r := range rep.Resources {
			if i == maxTextRows {
				break
			}
			fmt.Fprintf(b, "  %-7s %s  %d calls  first %s\n", r.Access, r.Name, r.Calls, ts(r.First))
		}
		more(len(rep.Resources))
	}
	countLine := func(title string, cs []Count) {
		if len(cs) == 0 {
			return
		}
		parts := make([]string, len(cs))
		for i, c := range cs {
			parts[i] = fmt.Sprintf("%s (%d)", c.Name, c.N)
		}
		fmt.Fprintf(b, "%s: %s\n", title, strings.Join(parts, ", "))
	}
	if len(rep.Regions)+len(rep.Services) > 0 {
		b.WriteString("\n")
	}
	countLine("regions", rep.Regions)
	countLine("services", rep.Services)
	if section("first calls in the window", len(rep.FirstSeen)) {
		for i, f := range rep.FirstSeen {
			if i == maxTextRows {
				break
			}
			fmt.Fprintf(b, "  %s  %s  %s\n", ts(f.Time), f.Principal, f.Call)
		}
		more(len(rep.FirstSeen))
	}
	if section("incidents", len(rep.Incidents)) {
		if err := WriteIncidents(b, rep.Incidents); err != nil {
			return err
		}
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(b, "hunt failed, its findings are missing: %s\n", e)
	}
	return b.Flush()
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
