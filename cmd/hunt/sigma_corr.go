package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/queries"
	"github.com/hunt-sec/hunt/sigma"
)

// correlationHunts are the saved hunts of the correlation rules among
// rules that pass filter (but those another correlation uses without
// generate: true); rules that cannot run are reported on stderr and left
// out, as detection rules are.
func correlationHunts(rules []*sigma.Rule, filter sigma.Filter, opts sigma.Options, have []*queries.Hunt, stderr io.Writer) []*queries.Hunt {
	var out []*queries.Hunt
	for _, r := range sigma.StandaloneCorrelations(rules) {
		if !filter.Match(r) {
			continue
		}
		h, err := sigma.CorrelationHunt(r, rules, opts)
		if err != nil {
			fmt.Fprintf(stderr, "hunt run: sigma rule left out: %v\n", err)
			continue
		}
		if slices.ContainsFunc(have, func(o *queries.Hunt) bool { return o.ID == h.ID }) || slices.ContainsFunc(out, func(o *queries.Hunt) bool { return o.ID == h.ID }) {
			fmt.Fprintf(stderr, "hunt run: sigma rule left out: %s: id %s is already a hunt\n", r.Source, h.ID)
			continue
		}
		out = append(out, h)
	}
	return out
}

// checkCorrelation compiles correlation rule r (with the rules it refers
// to, among rules) through the engine and prints its line of hunt sigma
// check; it reports whether r compiles.
func checkCorrelation(stdout io.Writer, r *sigma.Rule, rules []*sigma.Rule, opts sigma.Options) bool {
	h, err := sigma.CorrelationHunt(r, rules, opts)
	if err == nil {
		_, err = h.Compile(engine.Options{})
	}
	if err != nil {
		fmt.Fprintf(stdout, "FAIL  %v\n", err)
		return false
	}
	c := r.Correlation
	fmt.Fprintf(stdout, "ok    %s:%d:%d: %s (%s, %s; correlation %s of %s)\n", r.Source, r.Pos.Line, r.Pos.Col, oneLine(r.Title), r.Level, h.ID, c.Type, strings.Join(c.Rules, ", "))
	return true
}

// correlationSQL is the SQL hunt sigma convert prints for correlation
// rule r.
func correlationSQL(r *sigma.Rule, rules []*sigma.Rule, opts sigma.Options) (string, error) {
	sql, _, _, err := sigma.CorrelationSQL(r, rules, opts)
	return sql, err
}
