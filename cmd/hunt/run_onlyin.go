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
// gated hunts read, each with one entry per key column (gates, per hunt
// and table; nil for a hunt whose group's first hunt pushes for it): the
// reader decodes such a column only in the records where one of its keys
// holds one of the values of a hunt keyed on it (parsers.WithOnlyIn),
// and no hunt is handed a record where it is null unless the record
// fails that hunt's gate, which its WHERE requires. A hunt is keyed on
// eventname when its gate pins it, else on another column its gate pins
// (eventsource, errorcode, useridentity.type...). A Sigma pack's four
// ConsoleLogin rules read responseelements and additionaleventdata, a
// seventh of the text of every record, which the other 733 rules never
// look at; in the library, responseelements is read by hunts pinning
// eventname, eventsource = 'lambda.amazonaws.com' and useridentity.type
// = 'Root'. A hunt that reads the column and may get any record (an open
// gate, a join, --unrouted) keeps it decoded in every record.
func (r *hunter) onlyIn(cols []string, gates []map[string]engine.Gate) []parsers.OnlyIn {
	const table = "cloudtrail"
	var out []parsers.OnlyIn
	// Each hunt's columns, asked once: Columns sorts and prunes the
	// paths, and asking once per column and hunt cost the library's run
	// 64 M instructions (~15 % of its setup).
	read := make([][]string, len(r.hunts))
	reads := func(i int, c string) bool {
		if read[i] == nil {
			read[i] = r.sharedQuery(i).Columns(table) // never nil
		}
		return slices.ContainsFunc(read[i], func(x string) bool { return x == c || isFieldOf(x, c) })
	}
	for _, c := range cols {
		if strings.Contains(c, ".") || c == onlyInKey || c == parsers.SourceColumn {
			continue
		}
		var entries []parsers.OnlyIn // one per key
		isRead, routed := false, true
		for i := range r.hunts {
			g, ok := gates[i][table]
			if !ok || !reads(i, c) {
				continue
			}
			isRead = true
			key := onlyInKeyOf(g, c)
			if key == "" || len(r.hunts[i].TableList()) > 1 {
				routed = false
				break
			}
			exact, folded, _ := g.Values(key)
			k := slices.IndexFunc(entries, func(o parsers.OnlyIn) bool { return o.Key == key })
			if k < 0 {
				k = len(entries)
				entries = append(entries, parsers.OnlyIn{Column: c, Key: key})
			}
			entries[k].Values = append(entries[k].Values, exact...)
			entries[k].Folded = append(entries[k].Folded, folded...)
		}
		if isRead && routed {
			out = append(out, entries...)
		}
	}
	return out
}

// isFieldOf reports whether path names a field inside column c
// ("useridentity.arn" in "useridentity"), without building c+".".
func isFieldOf(path, c string) bool {
	return len(path) > len(c) && path[len(c)] == '.' && path[:len(c)] == c
}

// onlyInKeyOf returns the column of gate g a reader of column c can be
// keyed on: eventname if g pins it, else the first other column g pins;
// "" when g is open.
func onlyInKeyOf(g engine.Gate, c string) string {
	if _, _, ok := g.Values(onlyInKey); ok {
		return onlyInKey
	}
	for _, k := range g.Columns() {
		if k != c {
			return k
		}
	}
	return ""
}
