package main

import (
	"slices"
	"strings"

	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/parsers"
)

// onlyInKey is the CloudTrail column the gates of most hunts route on.
const onlyInKey = "eventname"

// onlyIn returns the columns of the cloudtrail projection cols that only
// hunts routed on eventname read, each with the event names those hunts
// are routed (gates, per hunt and table; nil for a hunt whose group's
// first hunt pushes for it): the reader decodes such a column only in
// the records of those event names (parsers.WithOnlyIn), and no hunt
// is handed a record where it is null. A Sigma pack's four ConsoleLogin
// rules read responseelements and additionaleventdata, a seventh of the
// text of every record, which the other 733 rules never look at. A
// hunt that reads the column and may get any record (an open gate, a
// join, --unrouted) keeps it decoded in every record.
func (r *hunter) onlyIn(cols []string, gates []map[string]engine.Gate) []parsers.OnlyIn {
	const table = "cloudtrail"
	var out []parsers.OnlyIn
	for _, c := range cols {
		if strings.Contains(c, ".") || c == onlyInKey || c == parsers.SourceColumn {
			continue
		}
		o := parsers.OnlyIn{Column: c, Key: onlyInKey}
		read, routed := false, true
		for i := range r.hunts {
			g, ok := gates[i][table]
			if !ok || !slices.ContainsFunc(r.sharedQuery(i).Columns(table), func(x string) bool { return x == c || strings.HasPrefix(x, c+".") }) {
				continue
			}
			read = true
			exact, folded, gated := g.Values(onlyInKey)
			if !gated || len(r.hunts[i].TableList()) > 1 {
				routed = false
				break
			}
			o.Values = append(o.Values, exact...)
			o.Folded = append(o.Folded, folded...)
		}
		if read && routed {
			out = append(out, o)
		}
	}
	return out
}
