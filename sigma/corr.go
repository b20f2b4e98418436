package sigma

// Correlation rules compiled to one SQL query each.
//
// # Semantics
//
// Windows slide; they are not clock buckets. The windows of a group are
// the trailing windows [t-timespan, t] that end at each of the group's
// events (time t), both ends included: two events exactly one timespan
// apart fall in one window. (The specification does not say; this is the
// frame `RANGE BETWEEN INTERVAL 'n' SECOND PRECEDING AND CURRENT ROW`
// means in Trino and in the engine, so the query means the same on
// Athena.) A window matches when its count meets the condition:
//
//   - event_count: the events the referenced rules match;
//   - value_count: the distinct non-missing values of condition.field;
//   - temporal: the distinct referenced rules with an event in the
//     window (without a condition: all of them);
//   - temporal_ordered: the window ending at an event of the last rule
//     holds events of rules 1..n at times t1 <= t2 <= ... <= tn (events
//     of one second count as in order).
//
// A correlation may refer to correlations: their matching windows are
// its events, at the time of each window's last event, with their
// group-by fields as the only fields.
//
// An event matched by several referenced rules counts once, except where
// aliases give the rules different fields: then it is one event per rule.
//
// An event whose group-by field is missing belongs to no group, as in a
// stats-by or terms aggregation. Matching windows of a group that overlap
// (one ends at or after the next one starts) form one burst, and a burst
// is one result row: first_seen is the first event of its first window,
// last_seen the last event of its last, and the count column the peak
// count of its windows. The hunt's findings then fold rows by group and
// by the bucket of first_seen one timespan long (the hunt's window),
// which `hunt run --state` also uses to re-read the objects of the
// previous timespan, so a burst spanning two runs is found once.
//
// # Queries
//
// All of it is SQL the engine and Athena run: one CTE selects the events
// of the referenced rules (one SELECT per rule, UNION ALL, when rules
// differ in their fields; else one SELECT with the conditions OR-ed),
// window functions count them, and a gaps-and-islands pass merges
// overlapping windows. Distinct counts over sliding windows are not a
// window function in Trino (count(DISTINCT) OVER is rejected), so
// value_count and temporal count intervals: each value's occurrences
// become islands [first, last+timespan] (occurrences closer than one
// timespan merge), and the distinct count at an event's time is the
// running sum of +1 at island starts and -1 at island ends. Every step
// is a sort and a scan, O(n log n), no self-join.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/queries"
	"go.yaml.in/yaml/v3"
)

// listPos returns the positions of the entries strList reads from n (a
// list, or one scalar), in the same order.
func listPos(n *yaml.Node) []Pos {
	n = deref(n)
	if n.Kind == yaml.ScalarNode {
		if n.Tag == "!!null" {
			return nil
		}
		return []Pos{posOf(n)}
	}
	var out []Pos
	for _, e := range n.Content {
		if e = deref(e); e.Kind == yaml.ScalarNode && e.Tag != "!!null" && e.Value != "" {
			out = append(out, posOf(e))
		}
	}
	return out
}

// entryErr is a positioned error at entry i of a list key (rules or
// group-by), or at the key's value when the entry has no position.
func (cc *corrCompiler) entryErr(key string, poss []Pos, i int, format string, args ...any) error {
	err := cc.errAt(key, format, args...).(*Error)
	if i >= 0 && i < len(poss) {
		err.Pos = poss[i]
	}
	return err
}

// corrRef is one referenced rule of a correlation, resolved.
type corrRef struct {
	rule  *Rule
	name  string // as written in rules:
	where string // its compiled condition
	group []string
	value string // value_count field, value_sum/avg field (SQL)
	pos   int    // 1-based position among distinct rules (temporal types)
	// sub is the compiled correlation of a correlation rule referred to
	// (a chain): its matching windows are this ref's events.
	sub *corrCompiler
}

// corrCompiler holds one correlation rule while it compiles.
type corrCompiler struct {
	r     *Rule
	c     *Correlation
	table *parsers.Table
	opts  Options
	refs  []*corrRef
	// prefix names this correlation's CTEs ("" for the outermost, c1_
	// for its first referred correlation, ...).
	prefix string
}

func (cc *corrCompiler) errAt(key string, format string, args ...any) error {
	pos, ok := cc.c.KeyPos[key]
	if !ok {
		pos = cc.c.Pos
	}
	return &Error{Source: cc.r.Source, Pos: pos, Subject: "correlation." + key, Err: fmt.Errorf(format, args...)}
}

// FindRule returns the rule of rules whose id or name is ref, else (as
// packs such as Suzaku's write them, and as [Standalone] reads them) whose
// title is ref.
func FindRule(rules []*Rule, ref string) *Rule {
	if ref == "" {
		return nil
	}
	for _, match := range []func(r *Rule) bool{
		func(r *Rule) bool { return r.ID == ref },
		func(r *Rule) bool { return r.Name == ref },
		func(r *Rule) bool { return r.Title == ref },
	} {
		for _, r := range rules {
			if match(r) {
				return r
			}
		}
	}
	return nil
}

// aliasField is the field alias a gives rule b: keyed by b's name (the
// specification), id or title.
func aliasField(a Alias, b *Rule) (string, bool) {
	for _, k := range []string{b.Name, b.ID, b.Title} {
		if f, ok := a.Fields[k]; ok && k != "" {
			return f, true
		}
	}
	return "", false
}

// corrColumns are the output columns of a correlation hunt other than
// its group-by fields.
var corrColumns = []string{"account", "region", "first_seen", "last_seen", "events", "sources"}

// groupColumn is the output column of a group-by field: its name in
// lower-case letters, digits and '_' (userIdentity.arn → useridentity_arn),
// prefixed with group_ where that would clash.
func groupColumn(name string, taken []string) string {
	var b strings.Builder
	for _, c := range []byte(strings.ToLower(name)) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' {
			b.WriteByte(c)
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || s[0] >= '0' && s[0] <= '9' || slices.Contains(corrColumns, s) || slices.Contains(taken, s) || strings.HasPrefix(s, "corr_") {
		s = "group_" + s
	}
	for slices.Contains(taken, s) {
		s += "_"
	}
	return s
}

// CorrelationSQL compiles correlation rule r, whose referenced rules are
// among rules (found by [FindRule]), into one query over their table.
// It returns the query and the output columns of the group-by fields.
// Errors are *Error values positioned in r's file (or in a referenced
// rule's, for a detection that does not compile).
func CorrelationSQL(r *Rule, rules []*Rule, opts Options) (string, *parsers.Table, []string, error) {
	if r.Correlation == nil {
		return "", nil, nil, &Error{Source: r.Source, Pos: r.Pos, Subject: "correlation", Err: fmt.Errorf("expected a correlation rule, found a detection rule")}
	}
	cc, err := compileCorr(r, rules, opts, "", []*Rule{r})
	if err != nil {
		return "", nil, nil, err
	}
	var cols []string
	for _, g := range r.Correlation.GroupBy {
		cols = append(cols, groupColumn(g, cols))
	}
	return "WITH " + cc.ctes(true) + cc.final(cols), cc.table, cols, nil
}

// maxChain is how deep correlations of correlations may nest.
const maxChain = 8

// compileCorr resolves correlation rule r's references (detection rules,
// compiled; correlation rules, compiled recursively with their own CTE
// prefixes) and fields. chain are the correlations being compiled,
// outermost first.
func compileCorr(r *Rule, rules []*Rule, opts Options, prefix string, chain []*Rule) (*corrCompiler, error) {
	c := r.Correlation
	cc := &corrCompiler{r: r, c: c, opts: opts, prefix: prefix}
	switch c.Type {
	case "event_count", "value_count", "temporal", "temporal_ordered", "value_sum", "value_avg":
	default:
		return nil, cc.errAt("type", "expected event_count, value_count, temporal, temporal_ordered, value_sum or value_avg, found %s (not supported)", c.Type)
	}
	if c.Type == "temporal_ordered" && c.Condition != nil {
		return nil, &Error{Source: r.Source, Pos: c.Condition.Pos, Subject: "correlation.condition", Err: fmt.Errorf("expected no condition for temporal_ordered (all rules, in order), found %s", c.Condition.Op)}
	}
	// The referenced rules: by id or name, detection rules of one table.
	seen := map[*Rule]int{}
	for ri, ref := range c.Rules {
		b := FindRule(rules, ref)
		switch {
		case b == nil:
			return nil, cc.entryErr("rules", c.RulePos, ri, "expected the id or name of a rule loaded with this one, found %q", ref)
		case b == r:
			return nil, cc.entryErr("rules", c.RulePos, ri, "expected another rule, found %q (the correlation itself)", ref)
		case slices.Contains(chain, b):
			return nil, cc.entryErr("rules", c.RulePos, ri, "expected a rule, found %q, which refers back to this correlation (a cycle)", ref)
		case b.Correlation != nil && len(chain) >= maxChain:
			return nil, cc.entryErr("rules", c.RulePos, ri, "expected correlations nested at most %d deep, found %q deeper", maxChain, ref)
		}
		var sub *corrCompiler
		var t *parsers.Table
		var err error
		if b.Correlation != nil {
			// A correlation of a correlation: its matching windows are
			// the events, at the time of each window's last event.
			if sub, err = compileCorr(b, rules, opts, prefix+"c"+strconv.Itoa(len(cc.refs)+1)+"_", append(slices.Clone(chain), b)); err != nil {
				return nil, err
			}
			t = sub.table
		} else if t, err = TableFor(b); err != nil {
			return nil, err
		}
		if cc.table == nil {
			cc.table = t
		} else if cc.table != t {
			return nil, cc.entryErr("rules", c.RulePos, ri, "expected rules of one table (%s), found %q of table %s", cc.table.Name, ref, t.Name)
		}
		if _, dup := seen[b]; dup && c.Type != "temporal_ordered" {
			continue // a rule listed twice counts once
		}
		var where string
		if sub == nil {
			if where, err = Compile(b, t, opts); err != nil {
				return nil, err
			}
		}
		seen[b] = len(cc.refs)
		cc.refs = append(cc.refs, &corrRef{rule: b, name: ref, where: where, pos: len(cc.refs) + 1, sub: sub})
	}
	// Aliases name the rules referred to: by name (the specification),
	// id or title.
	for _, a := range c.Aliases {
		for ref := range a.Fields {
			if !slices.ContainsFunc(cc.refs, func(x *corrRef) bool { return x.rule.Name == ref || x.rule.ID == ref || x.rule.Title == ref }) {
				return nil, &Error{Source: r.Source, Pos: a.Pos, Subject: "correlation.aliases." + a.Name, Err: fmt.Errorf("expected the name of a rule the correlation refers to, found %q", ref)}
			}
		}
	}
	for _, ref := range cc.refs {
		for gi, g := range c.GroupBy {
			sql, err := cc.field(ref, g, "group-by")
			if e, ok := err.(*Error); ok && e.Subject == "correlation.group-by" && gi < len(c.GroupByPos) {
				e.Pos = c.GroupByPos[gi] // at the entry, not the list
			}
			if err != nil {
				return nil, err
			}
			ref.group = append(ref.group, sql)
		}
		if c.Type == "value_count" || c.Type == "value_sum" || c.Type == "value_avg" {
			sql, err := cc.field(ref, c.Condition.Field, "condition")
			if err != nil {
				return nil, err
			}
			ref.value = sql
		}
	}
	return cc, nil
}

// field resolves a group-by or condition field for one referenced rule,
// through the aliases, to SQL yielding varchar (double for value_sum and
// value_avg).
func (cc *corrCompiler) field(ref *corrRef, name, key string) (string, error) {
	pos, ok := cc.c.KeyPos[key]
	if !ok {
		pos = cc.c.Pos
	}
	subject := "correlation." + key
	if key == "condition" {
		pos, subject = cc.c.Condition.Pos, "correlation.condition.field"
	}
	for _, a := range cc.c.Aliases {
		if a.Name != name {
			continue
		}
		f, ok := aliasField(a, ref.rule)
		if !ok {
			return "", &Error{Source: cc.r.Source, Pos: a.Pos, Subject: "correlation.aliases." + a.Name, Err: fmt.Errorf("expected a field for rule %q, found none", ref.name)}
		}
		name, pos, subject = f, a.Pos, "correlation.aliases."+a.Name
		break
	}
	if ref.sub != nil {
		// A referred correlation's events carry its group-by fields only.
		for i, g := range ref.sub.c.GroupBy {
			if g == name {
				if key == "condition" && (cc.c.Type == "value_sum" || cc.c.Type == "value_avg") {
					return "TRY_CAST(corr_g" + strconv.Itoa(i+1) + " AS double)", nil
				}
				return "corr_g" + strconv.Itoa(i+1), nil
			}
		}
		return "", &Error{Source: cc.r.Source, Pos: pos, Subject: subject, Err: fmt.Errorf("expected a group-by field of correlation %q (%s), found %q", ref.name, strings.Join(ref.sub.c.GroupBy, ", "), name)}
	}
	f, err := resolveField(name, cc.table, cc.opts.FieldMap)
	if err != nil {
		return "", &Error{Source: cc.r.Source, Pos: pos, Subject: subject, Err: err}
	}
	v := f.value()
	if f.Kind == fieldNumber {
		if cc.c.Type == "value_sum" || cc.c.Type == "value_avg" {
			return "CAST(" + v + " AS double)", nil
		}
		return "CAST(" + v + " AS varchar)", nil
	}
	if key == "condition" && (cc.c.Type == "value_sum" || cc.c.Type == "value_avg") {
		return "TRY_CAST(" + v + " AS double)", nil
	}
	return v, nil
}

// timeSQL is the event time of a table as a timestamp.
func timeSQL(t *parsers.Table) string {
	if t.Name == "vpc_flow" {
		return "from_unixtime(start)"
	}
	return "from_iso8601_timestamp(eventtime)"
}

// regionSQL is the region of a table's rows. Flow logs' region is not
// among the default format's 14 fields, which the Athena table of `hunt
// athena ddl` declares: reading it would fail there, so it is NULL.
func regionSQL(t *parsers.Table) string {
	if t.Name == "vpc_flow" {
		return "CAST(NULL AS varchar)"
	}
	return t.RegionColumn
}

// opSQL is the SQL operator of a correlation condition.
var opSQL = map[string]string{"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "eq": "=", "neq": "<>"}

func numSQL(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// groups are the names of the group columns of cc's CTEs.
func (cc *corrCompiler) groups() []string {
	ng := max(len(cc.c.GroupBy), 1) // no group-by: one group of every event
	g := make([]string, ng)
	for i := range g {
		g[i] = "corr_g" + strconv.Itoa(i+1)
	}
	return g
}

// ctes writes the CTEs of cc, each "name AS (...),\n", those of the
// correlations it refers to first, up to its hit CTE (the matching
// windows: groups, corr_t, corr_account, corr_region, corr_path, corr_ws,
// corr_n), and with top, the burst CTEs the final SELECT reads.
func (cc *corrCompiler) ctes(top bool) string {
	c, t, p := cc.c, cc.table, cc.prefix
	span := "INTERVAL '" + strconv.FormatInt(int64(c.Timespan.Seconds()), 10) + "' SECOND"
	name := t.Name
	if len(t.AthenaNames) > 0 {
		name = t.AthenaNames[0]
	}
	g := cc.groups()
	gl := strings.Join(g, ", ")
	part := "PARTITION BY " + gl
	var b strings.Builder
	w := func(s ...string) {
		for _, x := range s {
			b.WriteString(x)
		}
	}
	for _, ref := range cc.refs {
		if ref.sub != nil {
			w(ref.sub.ctes(false))
		}
	}

	// ev: one row per event (per rule and event where rules differ or
	// their position matters).
	perRule := c.Type == "temporal" || c.Type == "temporal_ordered"
	for _, ref := range cc.refs {
		if !slices.Equal(ref.group, cc.refs[0].group) || ref.value != cc.refs[0].value || ref.sub != nil {
			perRule = true
		}
	}
	sel := func(ref *corrRef) string {
		var s strings.Builder
		s.WriteString("  SELECT ")
		var notNull []string
		for i := range g {
			v := "'all'"
			if len(ref.group) > 0 {
				v = ref.group[i]
				notNull = append(notNull, v+" IS NOT NULL")
			}
			s.WriteString(v + " AS " + g[i] + ", ")
		}
		if ref.value != "" {
			s.WriteString(ref.value + " AS corr_v, ")
		}
		if perRule {
			s.WriteString(strconv.Itoa(ref.pos) + " AS corr_rule, ")
		}
		if ref.sub != nil {
			// The referred correlation's matching windows, each at the
			// time of its last event.
			s.WriteString("corr_t, corr_account, corr_region, corr_path\n  FROM " + ref.sub.prefix + "hit")
			if len(notNull) > 0 {
				s.WriteString("\n  WHERE " + strings.Join(notNull, " AND "))
			}
			return s.String()
		}
		s.WriteString(timeSQL(t) + " AS corr_t, " + t.AccountColumn + " AS corr_account, " + regionSQL(t) + ` AS corr_region, "$path" AS corr_path` + "\n  FROM " + name + "\n  WHERE ")
		return s.String() + strings.Join(append(notNull, timeSQL(t)+" IS NOT NULL"), " AND ") + " AND (" + ref.where + ")"
	}
	w(p, "ev AS (\n")
	if perRule {
		for i, ref := range cc.refs {
			if i > 0 {
				w("\n  UNION ALL\n")
			}
			w(sel(ref))
		}
	} else {
		var ors []string
		for _, ref := range cc.refs {
			ors = append(ors, "("+ref.where+")")
		}
		one := *cc.refs[0]
		one.where = strings.Join(ors, " OR ")
		w(sel(&one))
	}
	w("\n),\n")

	frame := "(" + part + " ORDER BY corr_t RANGE BETWEEN " + span + " PRECEDING AND CURRENT ROW)"
	carry := gl + ", corr_t, corr_account, corr_region, corr_path"
	cond := func(x string) string {
		if c.Condition == nil { // temporal: every rule
			return x + " >= " + strconv.Itoa(len(cc.refs))
		}
		s := x + " " + opSQL[c.Condition.Op] + " " + numSQL(c.Condition.Value)
		for _, a := range c.Condition.And {
			s += " AND " + x + " " + opSQL[a.Op] + " " + numSQL(a.Value)
		}
		return s
	}
	switch c.Type {
	case "event_count", "value_sum", "value_avg":
		agg, src := "count(*)", p+"ev"
		if c.Type != "event_count" {
			// value_sum, value_avg: the events with a number.
			agg, src = strings.TrimPrefix(c.Type, "value_")+"(corr_v)", p+"vs"
			w(p, "vs AS (SELECT ", carry, ", corr_v FROM ", p, "ev WHERE corr_v IS NOT NULL),\n")
		}
		w(p, "win AS (\n  SELECT ", carry, ",\n    ", agg, " OVER ", frame, " AS corr_n,\n    min(corr_t) OVER ", frame, " AS corr_ws\n  FROM ", src, "\n),\n")
		w(p, "hit AS (SELECT ", carry, ", corr_ws, corr_n FROM ", p, "win WHERE ", cond("corr_n"), "),\n")
	case "value_count", "temporal":
		v := "corr_v"
		if c.Type == "temporal" {
			v = "corr_rule"
		}
		w(p, "vals AS (SELECT DISTINCT ", gl, ", ", v, " AS corr_v, corr_t FROM ", p, "ev WHERE ", v, " IS NOT NULL),\n")
		// Islands: occurrences of a value closer than one timespan merge.
		w(p, "isl1 AS (\n  SELECT ", gl, ", corr_v, corr_t,\n    CASE WHEN lag(corr_t) OVER (", part, ", corr_v ORDER BY corr_t) >= corr_t - ", span, " THEN 0 ELSE 1 END AS corr_new\n  FROM ", p, "vals\n),\n")
		w(p, "isl2 AS (\n  SELECT ", gl, ", corr_v, corr_t,\n    sum(corr_new) OVER (", part, ", corr_v ORDER BY corr_t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS corr_island\n  FROM ", p, "isl1\n),\n")
		w(p, "isl AS (SELECT ", gl, ", min(corr_t) AS corr_s, max(corr_t) + ", span, " AS corr_e FROM ", p, "isl2 GROUP BY ", gl, ", corr_v, corr_island),\n")
		// Probes: each event's time, with its window's first event.
		w(p, "probe AS (\n  SELECT ", carry, ", min(corr_t) OVER ", frame, " AS corr_ws\n  FROM ", p, "ev WHERE ", v, " IS NOT NULL\n),\n")
		w(p, "pts AS (\n  SELECT ", carry, ", corr_ws, 0 AS corr_d, 0 AS corr_k, 1 AS corr_probe FROM ", p, "probe\n",
			"  UNION ALL\n  SELECT ", gl, ", corr_s, CAST(NULL AS varchar), CAST(NULL AS varchar), CAST(NULL AS varchar), corr_s, 1, 0, 0 FROM ", p, "isl\n",
			"  UNION ALL\n  SELECT ", gl, ", corr_e, CAST(NULL AS varchar), CAST(NULL AS varchar), CAST(NULL AS varchar), corr_e, -1, 1, 0 FROM ", p, "isl\n),\n")
		// Ends sort after starts and probes of their time: both ends of a
		// window are included.
		w(p, "win AS (\n  SELECT ", carry, ", corr_ws, corr_probe,\n    sum(corr_d) OVER (", part, " ORDER BY corr_t, corr_k) AS corr_n\n  FROM ", p, "pts\n),\n")
		w(p, "hit AS (SELECT ", carry, ", corr_ws, corr_n FROM ", p, "win WHERE corr_probe = 1 AND ", cond("corr_n"), "),\n")
	case "temporal_ordered":
		// s_k: the latest start of a chain of rules 1..k in order up to
		// each row's time; non-decreasing, so the latest rule-k event
		// gives the best chain.
		prev := p + "ev"
		n := len(cc.refs)
		for k := 1; k < n; k++ {
			in := "corr_t"
			if k > 1 {
				in = "corr_s" + strconv.Itoa(k-1)
			}
			w(p, "ord", strconv.Itoa(k), " AS (\n  SELECT ", carry, ", corr_rule,\n    max(CASE WHEN corr_rule = ", strconv.Itoa(k), " THEN ", in, " END) OVER (", part, " ORDER BY corr_t) AS corr_s", strconv.Itoa(k), "\n  FROM ", prev, "\n),\n")
			prev = p + "ord" + strconv.Itoa(k)
		}
		start := "corr_t"
		if n > 1 {
			start = "corr_s" + strconv.Itoa(n-1)
		}
		w(p, "hit AS (\n  SELECT ", carry, ", ", start, " AS corr_ws, ", strconv.Itoa(n), " AS corr_n\n  FROM ", prev, "\n  WHERE corr_rule = ", strconv.Itoa(n), " AND ", start, " >= corr_t - ", span, "\n),\n")
	}
	if !top {
		return b.String()
	}
	// Bursts: overlapping matching windows of a group are one row.
	w("brk AS (\n  SELECT ", carry, ", corr_ws, corr_n,\n    CASE WHEN lag(corr_t) OVER (", part, " ORDER BY corr_t, corr_ws) >= corr_ws THEN 0 ELSE 1 END AS corr_new\n  FROM hit\n),\n")
	w("burst AS (\n  SELECT ", carry, ", corr_ws, corr_n,\n    sum(corr_new) OVER (", part, " ORDER BY corr_t, corr_ws) AS corr_burst\n  FROM brk\n)\n")
	return b.String()
}

// final is the SELECT over the bursts; cols are the group-by output
// columns.
func (cc *corrCompiler) final(cols []string) string {
	g := cc.groups()
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, col := range cols {
		b.WriteString(g[i] + " AS " + col + ", ")
	}
	b.WriteString("min(corr_account) AS account, min(corr_region) AS region, min(corr_ws) AS first_seen, max(corr_t) AS last_seen, max(corr_n) AS events, array_agg(DISTINCT corr_path) AS sources\n")
	b.WriteString("FROM burst\nGROUP BY " + strings.Join(g, ", ") + ", corr_burst\n")
	return b.String()
}

// CorrelationHunt turns correlation rule r into a saved hunt: one finding
// per group and burst of matching windows (see the package comment of
// corr.go), its window one timespan long so that `hunt run --state`
// re-reads one timespan of earlier objects.
func CorrelationHunt(r *Rule, rules []*Rule, opts Options) (*queries.Hunt, error) {
	sql, t, cols, err := CorrelationSQL(r, rules, opts)
	if err != nil {
		return nil, err
	}
	text := CorrelationHuntText(r, rules, t, cols, sql)
	h, err := queries.Parse(r.Source, text)
	if err != nil {
		return nil, fmt.Errorf("%s: BUG: generated hunt does not parse: %w", r.Source, err)
	}
	return h, nil
}

// CorrelationHuntText is the saved-hunt file of correlation rule r.
func CorrelationHuntText(r *Rule, rules []*Rule, t *parsers.Table, cols []string, sql string) string {
	c := r.Correlation
	oneLine := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	var b strings.Builder
	put := func(k, v string) {
		if v != "" {
			b.WriteString("-- " + k + ": " + v + "\n")
		}
	}
	level := r.Level
	if level == "" {
		level = "medium"
	}
	tac, tech := Attack(r.Tags)
	put("id", HuntID(r))
	put("title", oneLine(r.Title))
	put("severity", strings.ToUpper(level))
	put("table", t.Name)
	put("tactics", strings.Join(tac, ", "))
	put("techniques", strings.Join(tech, ", "))
	resource := "account"
	if len(cols) > 0 {
		resource = cols[0]
	}
	put("resource", resource)
	put("resource_type", "Other")
	put("account", "account")
	put("region", "region")
	put("time", "first_seen")
	put("last_seen", "last_seen")
	put("count", "events")
	put("sources", "sources")
	dedup := cols
	if len(dedup) == 0 {
		dedup = []string{"account"}
	}
	put("dedup", strings.Join(dedup, ", "))
	put("window", queries.FormatWindow(lookback(r, rules, 0)))
	put("evidence", strings.Join(append(slices.Clone(cols), "first_seen", "last_seen", "events"), ", "))
	var d strings.Builder
	d.WriteString("Sigma correlation rule " + r.ID)
	if r.Author != "" {
		d.WriteString(" by " + r.Author)
	}
	lic := r.License
	if lic == "" {
		lic = "Detection Rule License 1.1"
	}
	d.WriteString(" (" + lic + "); level " + level)
	d.WriteString("; " + c.Type + " of " + strings.Join(c.Rules, ", "))
	if len(c.GroupBy) > 0 {
		d.WriteString(" by " + strings.Join(c.GroupBy, ", "))
	}
	d.WriteString(" within " + c.TimespanText)
	if c.Condition != nil {
		d.WriteString(", " + c.Condition.Op + " " + numSQL(c.Condition.Value))
		for _, a := range c.Condition.And {
			d.WriteString(" and " + a.Op + " " + numSQL(a.Value))
		}
		if c.Condition.Field != "" {
			d.WriteString(" of " + c.Condition.Field)
		}
	}
	d.WriteString(" (sliding window; events = the peak count). " + r.Description)
	put("description", oneLine(d.String()))
	for _, ref := range r.References {
		put("references", strings.ReplaceAll(oneLine(ref), ",", "%2C"))
	}
	b.WriteString("\n")
	b.WriteString(sql)
	return b.String()
}

// lookback is how far before its last event a match of correlation r
// may reach: its timespan, plus the longest lookback of the
// correlations it refers to (an inner match ends where the outer window
// may start). It is the hunt's window, so --state re-reads that much.
func lookback(r *Rule, rules []*Rule, depth int) time.Duration {
	d := r.Correlation.Timespan
	var inner time.Duration
	for _, ref := range r.Correlation.Rules {
		if b := FindRule(rules, ref); b != nil && b.Correlation != nil && b != r && depth < maxChain {
			inner = max(inner, lookback(b, rules, depth+1))
		}
	}
	return d + inner
}

// Correlations returns the correlation rules of rules.
func Correlations(rules []*Rule) []*Rule {
	var out []*Rule
	for _, r := range rules {
		if r.Correlation != nil {
			out = append(out, r)
		}
	}
	return out
}

// StandaloneCorrelations returns the correlation rules that produce
// findings of their own: all but those another correlation refers to
// (by id, name or title) without generate: true, as [Standalone] does
// for detection rules.
func StandaloneCorrelations(rules []*Rule) []*Rule {
	var out []*Rule
	for _, r := range Correlations(rules) {
		hidden := false
		for _, o := range Correlations(rules) {
			if o == r || o.Correlation.Generate {
				continue
			}
			for _, ref := range o.Correlation.Rules {
				if FindRule(rules, ref) == r {
					hidden = true
				}
			}
		}
		if !hidden {
			out = append(out, r)
		}
	}
	return out
}
