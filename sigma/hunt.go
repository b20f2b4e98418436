package sigma

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/queries"
	"go.yaml.in/yaml/v3"
)

// tactics maps ATT&CK tactic tags (attack.defense-evasion) to their IDs.
// Tags of tactics not listed (newer ATT&CK versions') stay in the
// description only: an ID is never guessed.
var tactics = map[string]string{
	"reconnaissance": "TA0043", "resource-development": "TA0042", "initial-access": "TA0001",
	"execution": "TA0002", "persistence": "TA0003", "privilege-escalation": "TA0004",
	"defense-evasion": "TA0005", "credential-access": "TA0006", "discovery": "TA0007",
	"lateral-movement": "TA0008", "collection": "TA0009", "exfiltration": "TA0010",
	"command-and-control": "TA0011", "impact": "TA0040",
}

// techniqueTag is compiled on first use, not at start-up: most processes
// convert no Sigma rule.
var techniqueTag = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^attack\.(t[0-9]{4}(\.[0-9]{3})?)$`)
})

// Attack returns the ATT&CK tactic and technique IDs of a rule's tags
// (attack.persistence → TA0003, attack.t1098.001 → T1098.001).
func Attack(tags []string) (tac, tech []string) {
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if id, ok := tactics[strings.TrimPrefix(t, "attack.")]; ok && strings.HasPrefix(t, "attack.") {
			if !slices.Contains(tac, id) {
				tac = append(tac, id)
			}
			continue
		}
		if m := techniqueTag().FindStringSubmatch(t); m != nil {
			id := strings.ToUpper(m[1])
			if !slices.Contains(tech, id) {
				tech = append(tech, id)
			}
		}
	}
	return tac, tech
}

// HuntID is the saved-hunt ID of a rule: "sigma_" and its id (or title)
// in lower-case letters, digits and '_'.
func HuntID(r *Rule) string {
	s := r.ID
	if s == "" {
		s = r.Title
	}
	var b strings.Builder
	b.WriteString("sigma_")
	last := byte('_')
	for _, c := range []byte(strings.ToLower(s)) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
			last = c
		} else if last != '_' {
			b.WriteByte('_')
			last = '_'
		}
	}
	return strings.TrimRight(b.String(), "_")
}

// projection is the SELECT list of a Sigma hunt over each table: the
// columns the hunt's header names, and the evidence.
var projection = map[string]struct {
	sel, resourceType, evidence string
}{
	"cloudtrail": {
		sel: `SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.principalid, sourceipaddress, 'unknown') AS actor,
       recipientaccountid AS account, awsregion AS region,
       sourceipaddress, useragent, errorcode, requestparameters, eventid, "$path"`,
		resourceType: "Other",
		evidence:     "eventtime, eventsource, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters, eventid",
	},
	"vpc_flow": {
		sel: `SELECT from_unixtime(start) AS eventtime, coalesce(srcaddr, 'unknown') AS actor,
       account_id AS account, region, srcaddr, dstaddr, srcport, dstport, protocol, action, "$path"`,
		resourceType: "Other",
		evidence:     "eventtime, srcaddr, dstaddr, srcport, dstport, protocol, action",
	},
}

// SQL returns the whole query of a detection rule over t: the hunt's
// columns, FROM the table's Athena name, WHERE the compiled detection.
// It runs in the local engine and on Athena alike.
func SQL(r *Rule, t *parsers.Table, opts Options) (string, error) {
	where, err := Compile(r, t, opts)
	if err != nil {
		return "", err
	}
	p, ok := projection[t.Name]
	if !ok {
		return "", &Error{Source: r.Source, Pos: r.Logsource.Pos, Subject: "logsource", Err: fmt.Errorf("expected table cloudtrail or vpc_flow, found %s", t.Name)}
	}
	name := t.Name
	if len(t.AthenaNames) > 0 {
		name = t.AthenaNames[0]
	}
	return p.sel + "\nFROM " + name + "\nWHERE " + where + "\n", nil
}

// Hunt turns a detection rule into a saved hunt that hunt run runs like
// any other: the rule's id, title, level (as severity), ATT&CK tags,
// references, author and licence in the header, and its detection as
// the WHERE clause. One finding per account, actor and API call (or
// flow source) per day, with the matching events as evidence.
func Hunt(r *Rule, opts Options) (*queries.Hunt, error) {
	if r.Level == "" {
		// Optional in Sigma, but a finding needs a severity: never guessed.
		return nil, &Error{Source: r.Source, Pos: r.Pos, Subject: "level", Err: fmt.Errorf("expected a level (%s) to give findings a severity, found none", strings.Join(Levels, ", "))}
	}
	t, err := TableFor(r)
	if err != nil {
		return nil, err
	}
	sql, err := SQL(r, t, opts)
	if err != nil {
		return nil, err
	}
	text := HuntText(r, t, sql)
	h, err := queries.Parse(r.Source, text)
	if err != nil {
		return nil, fmt.Errorf("%s: BUG: generated hunt does not parse: %w", r.Source, err)
	}
	return h, nil
}

// HuntText is the saved-hunt file (header and SQL) of rule r over t.
func HuntText(r *Rule, t *parsers.Table, sql string) string {
	p := projection[t.Name]
	oneLine := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	var b strings.Builder
	put := func(k, v string) {
		if v != "" {
			b.WriteString("-- " + k + ": " + v + "\n")
		}
	}
	tac, tech := Attack(r.Tags)
	put("id", HuntID(r))
	put("title", oneLine(r.Title))
	put("severity", strings.ToUpper(r.Level))
	put("table", t.Name)
	put("tactics", strings.Join(tac, ", "))
	put("techniques", strings.Join(tech, ", "))
	resource := "actor"
	dedup := "account, actor, eventname"
	if t.Name == "vpc_flow" {
		resource, dedup = "dstaddr", "account, actor, dstaddr"
	}
	put("resource", resource)
	put("resource_type", p.resourceType)
	put("actor", "actor")
	put("account", "account")
	put("region", "region")
	put("time", "eventtime")
	put("dedup", dedup)
	put("window", "24h")
	put("evidence", p.evidence)
	var d strings.Builder
	d.WriteString("Sigma rule " + r.ID)
	if r.Author != "" {
		d.WriteString(" by " + r.Author)
	}
	lic := r.License
	if lic == "" {
		lic = "Detection Rule License 1.1"
	}
	d.WriteString(" (" + lic + "); level " + r.Level)
	if r.Status != "" {
		d.WriteString(", status " + r.Status)
	}
	if len(r.Tags) > 0 {
		d.WriteString("; tags " + strings.Join(r.Tags, " "))
	}
	desc := strings.TrimSpace(r.Description)
	if desc != "" && !strings.HasSuffix(desc, ".") {
		desc += "."
	}
	d.WriteString(". " + desc)
	if len(r.FalsePositives) > 0 {
		d.WriteString(" False positives: " + strings.Join(r.FalsePositives, "; ") + ".")
	}
	put("description", oneLine(d.String()))
	for _, ref := range r.References {
		put("references", strings.ReplaceAll(oneLine(ref), ",", "%2C"))
	}
	b.WriteString("\n")
	b.WriteString(sql)
	return b.String()
}

// LoadPlaceholders reads a placeholder file for the expand modifier:
// YAML mapping each placeholder name (without '%') to a value or a list of
// values (Sigma strings, wildcards allowed).
//
//	Administrators: [admin*, root]
func LoadPlaceholders(path string) (map[string][]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, yamlError(path, err)
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = *n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil, errAt(path, &n, "", "expected a mapping of placeholder → values, found %s", kindName(&n))
	}
	p := &ruleParser{source: path}
	out := map[string][]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		vals, err := p.strList(v, k.Value)
		if err != nil {
			return nil, err
		}
		out[strings.Trim(k.Value, "%")] = vals
	}
	return out, nil
}

// Filter selects rules for a run.
type Filter struct {
	// MinLevel keeps rules of this level or above ("" keeps all).
	MinLevel string
	// Statuses keeps rules with one of these statuses (none keeps all).
	Statuses []string
	// Tags keeps rules with one of these tags, ignoring case; a technique
	// tag also selects its sub-techniques (attack.t1098 selects
	// attack.t1098.001). None keeps all.
	Tags []string
}

// Validate checks the filter's level and statuses.
func (f *Filter) Validate() error {
	if f.MinLevel != "" && !slices.Contains(Levels, strings.ToLower(f.MinLevel)) {
		return fmt.Errorf("expected a level (%s), found %q", strings.Join(Levels, ", "), f.MinLevel)
	}
	for _, s := range f.Statuses {
		if !slices.Contains(Statuses, strings.ToLower(s)) {
			return fmt.Errorf("expected a status (%s), found %q", strings.Join(Statuses, ", "), s)
		}
	}
	return nil
}

// Match reports whether r passes the filter.
func (f *Filter) Match(r *Rule) bool {
	if f.MinLevel != "" && slices.Index(Levels, r.Level) < slices.Index(Levels, strings.ToLower(f.MinLevel)) {
		return false
	}
	if len(f.Statuses) > 0 && !slices.ContainsFunc(f.Statuses, func(s string) bool { return strings.EqualFold(s, r.Status) }) {
		return false
	}
	if len(f.Tags) > 0 && !slices.ContainsFunc(f.Tags, func(want string) bool {
		want = strings.ToLower(want)
		return slices.ContainsFunc(r.Tags, func(t string) bool {
			t = strings.ToLower(t)
			return t == want || strings.HasPrefix(t, want+".") && techniqueTag().MatchString(want)
		})
	}) {
		return false
	}
	return true
}

// Standalone returns the detection rules that produce findings of their
// own: every detection rule except those a correlation rule refers to
// (by id or name) without generate: true.
func Standalone(rules []*Rule) []*Rule {
	hidden := map[string]bool{}
	for _, r := range rules {
		if r.Correlation != nil && !r.Correlation.Generate {
			for _, ref := range r.Correlation.Rules {
				hidden[ref] = true
			}
		}
	}
	var out []*Rule
	for _, r := range rules {
		if r.Detection == nil {
			continue
		}
		if (r.ID != "" && hidden[r.ID]) || (r.Name != "" && hidden[r.Name]) || hidden[r.Title] {
			continue
		}
		out = append(out, r)
	}
	return out
}
