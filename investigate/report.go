package investigate

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/findings"
)

// Report is everything found about one entity. Its JSON form is
// `hunt investigate --output json`.
type Report struct {
	Entity  Entity `json:"entity"`
	Records int64  `json:"records_read"`
	Objects int    `json:"objects_read"`
	// First and Last bound the entity's appearances (calls, flows, findings).
	First time.Time `json:"first_seen,omitzero"`
	Last  time.Time `json:"last_seen,omitzero"`

	Calls []Call `json:"calls"` // API calls by or against the entity, by time
	Flows []Flow `json:"flows"` // flows of the address, per minute, peer and port
	// GuardDuty are GuardDuty's findings naming the entity; Config the AWS
	// Config items of the entity or whose configuration names it.
	GuardDuty []GuardDutyFinding `json:"guardduty,omitempty"`
	Config    []ConfigItem       `json:"config,omitempty"`

	// Keys, Principals and Addresses are the entity's own: the keys and
	// principals that made its calls and the addresses they came from.
	Keys       []string `json:"keys,omitempty"`
	Principals []string `json:"principals,omitempty"`
	Addresses  []string `json:"addresses,omitempty"`

	// OtherPrincipals used the entity's addresses; OtherAddresses used its
	// keys or principals.
	OtherPrincipals []Pivot `json:"other_principals,omitempty"`
	OtherAddresses  []Pivot `json:"other_addresses,omitempty"`
	// Chains are the credentials the entity's identities (and, in turn,
	// those credentials) issued: role chains.
	Chains []Chain `json:"role_chains,omitempty"`
	// Resources are what the calls named, by access: read, changed or created.
	Resources []Resource         `json:"resources,omitempty"`
	Regions   []Count            `json:"regions,omitempty"`
	Services  []Count            `json:"services,omitempty"`
	FirstSeen []FirstCall        `json:"first_seen_calls,omitempty"`
	Findings  []findings.Finding `json:"findings,omitempty"`
	Incidents []Incident         `json:"incidents,omitempty"`
	// Errors are hunts that failed; their findings are missing.
	Errors []string `json:"errors,omitempty"`
}

// Call is one CloudTrail record by or against the entity.
type Call struct {
	Time      time.Time `json:"time"`
	Service   string    `json:"service"`
	Name      string    `json:"name"`
	Region    string    `json:"region,omitempty"`
	Address   string    `json:"address,omitempty"`
	Principal string    `json:"principal,omitempty"`
	Key       string    `json:"key,omitempty"`
	Issuer    string    `json:"issuer,omitempty"`
	UserAgent string    `json:"user_agent,omitempty"`
	Error     string    `json:"error,omitempty"`
	Resources []string  `json:"resources,omitempty"`
	EventID   string    `json:"event_id,omitempty"`
	Source    string    `json:"source,omitempty"` // the object the record came from
}

// Flow is the flows between the address and one peer on one port in one
// minute with one action.
type Flow struct {
	Minute    time.Time `json:"minute"`
	Peer      string    `json:"peer"`
	Direction string    `json:"direction"` // "in": the peer sent; "out": the address sent
	Port      int64     `json:"port"`
	Protocol  int64     `json:"protocol"`
	Action    string    `json:"action"` // ACCEPT or REJECT
	Flows     int64     `json:"flows"`
	Bytes     int64     `json:"bytes"`
	Source    string    `json:"source,omitempty"`
}

// GuardDutyFinding is one GuardDuty finding naming the entity.
type GuardDutyFinding struct {
	Time     time.Time `json:"time"` // updated at
	Type     string    `json:"type"`
	Severity string    `json:"severity"`
	Title    string    `json:"title"`
	ID       string    `json:"id"`
	Account  string    `json:"account,omitempty"`
	Region   string    `json:"region,omitempty"`
	Source   string    `json:"source,omitempty"`
}

// ConfigItem is one recorded state of a resource in AWS Config.
type ConfigItem struct {
	Time         time.Time `json:"time"` // capture time
	ResourceType string    `json:"resource_type"`
	ResourceID   string    `json:"resource_id"`
	Name         string    `json:"name,omitempty"`
	ARN          string    `json:"arn,omitempty"`
	Status       string    `json:"status,omitempty"`
	Region       string    `json:"region,omitempty"`
	Source       string    `json:"source,omitempty"`
}

// Pivot is another principal or address linked to the entity.
type Pivot struct {
	Value string    `json:"value"`
	Via   string    `json:"via"` // the entity's address, key or principal they share
	Calls int64     `json:"calls"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
}

// Chain is one credential-issuing call made by the entity's identities (or
// by credentials issued in an earlier link), and what the new credentials did.
type Chain struct {
	Depth   int       `json:"depth"` // 1: issued to the entity's identity; 2: by those credentials...
	Time    time.Time `json:"time"`
	Call    string    `json:"call"`
	By      string    `json:"by"`
	Key     string    `json:"new_key,omitempty"`
	Session string    `json:"new_session,omitempty"`
	Calls   []Count   `json:"calls,omitempty"` // the new credentials' calls
	EventID string    `json:"event_id,omitempty"`
	Source  string    `json:"source,omitempty"`
}

// Resource is one resource the calls named.
type Resource struct {
	Name   string    `json:"name"`
	Access string    `json:"access"` // read, changed or created
	Calls  int64     `json:"calls"`
	First  time.Time `json:"first"`
}

// Count is a name and how often it was seen.
type Count struct {
	Name string `json:"name"`
	N    int64  `json:"n"`
}

// FirstCall is the first time a principal made a call in the window.
type FirstCall struct {
	Principal string    `json:"principal"`
	Call      string    `json:"call"`
	Time      time.Time `json:"time"`
}

// indexRow is one row of the index query.
type indexRow struct {
	key, arn, ip, service, name, region string
	n                                   int64
	first, last                         time.Time
}

// assumeRow is one credential-issuing call.
type assumeRow struct {
	t                                      time.Time
	name, arn, key, ip, newARN, newKey, id string
	source                                 string
}

func str(r *engine.Result, row, col int) string {
	if col < 0 {
		return ""
	}
	switch v := r.Value(row, col).(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return r.Text(row, col)
	}
}

func num(r *engine.Result, row, col int) int64 {
	if col < 0 {
		return 0
	}
	switch v := r.Value(row, col).(type) {
	case int64:
		return v
	case int32:
		return int64(v)
	case float64:
		return int64(v)
	}
	return 0
}

func when(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func cols(r *engine.Result) func(string) int {
	return func(name string) int { return slices.Index(r.Columns, name) }
}

// build turns the queries' results and the hunts' findings into the report.
func build(e Entity, res [nQueries]*engine.Result, fs []findings.Finding) *Report {
	rep := &Report{Entity: e, Calls: []Call{}, Flows: []Flow{}}
	keys, principals, addrs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	if e.Kind == KindIP {
		addrs[e.Value] = true
	}
	if r := res[qCalls]; r != nil {
		c := cols(r)
		iT, iS, iN, iR, iIP, iA, iK, iI, iU, iE, iP, iID, iSrc := c("eventtime"), c("eventsource"), c("eventname"), c("awsregion"), c("sourceipaddress"), c("arn"), c("accesskeyid"), c("issuer"), c("useragent"), c("errorcode"), c("requestparameters"), c("eventid"), c("path")
		iRA := c("resource_arns")
		for i := range r.Len() {
			call := Call{Time: when(str(r, i, iT)), Service: str(r, i, iS), Name: str(r, i, iN), Region: str(r, i, iR),
				Address: str(r, i, iIP), Principal: str(r, i, iA), Key: str(r, i, iK), Issuer: str(r, i, iI),
				UserAgent: str(r, i, iU), Error: str(r, i, iE), EventID: str(r, i, iID), Source: str(r, i, iSrc)}
			call.Resources = resourcesOf(str(r, i, iP))
			if iRA >= 0 {
				call.Resources = appendARNs(call.Resources, r.Value(i, iRA))
			}
			rep.Calls = append(rep.Calls, call)
			if !byEntity(e, call) {
				continue // a call against the entity: its caller is not the entity's identity
			}
			if call.Key != "" {
				keys[call.Key] = true
			}
			if call.Principal != "" {
				principals[call.Principal] = true
			}
			if call.Address != "" {
				addrs[call.Address] = true
			}
		}
	}
	sort.SliceStable(rep.Calls, func(a, b int) bool { return rep.Calls[a].Time.Before(rep.Calls[b].Time) })
	if r := res[qFlows]; r != nil {
		c := cols(r)
		iM, iPeer, iD, iPort, iProto, iAct, iN, iB, iSrc := c("minute"), c("peer"), c("direction"), c("dstport"), c("protocol"), c("action"), c("flows"), c("bytes"), c("path")
		for i := range r.Len() {
			rep.Flows = append(rep.Flows, Flow{Minute: time.Unix(num(r, i, iM), 0).UTC(), Peer: str(r, i, iPeer), Direction: str(r, i, iD),
				Port: num(r, i, iPort), Protocol: num(r, i, iProto), Action: str(r, i, iAct), Flows: num(r, i, iN), Bytes: num(r, i, iB), Source: str(r, i, iSrc)})
		}
		slices.SortStableFunc(rep.Flows, func(a, b Flow) int {
			if c := a.Minute.Compare(b.Minute); c != 0 {
				return c
			}
			if c := strings.Compare(a.Peer, b.Peer); c != 0 {
				return c
			}
			if a.Port != b.Port {
				return int(a.Port - b.Port)
			}
			return strings.Compare(a.Action, b.Action)
		})
	}
	rep.Keys, rep.Principals, rep.Addresses = sortedKeys(keys), sortedKeys(principals), sortedKeys(addrs)
	if r := res[qGuard]; r != nil {
		c := cols(r)
		iT, iTy, iS, iTi, iID, iA, iR, iSrc := c("updatedat"), c("type"), c("severity"), c("title"), c("id"), c("accountid"), c("region"), c("path")
		for i := range r.Len() {
			rep.GuardDuty = append(rep.GuardDuty, GuardDutyFinding{when(str(r, i, iT)), str(r, i, iTy), str(r, i, iS), str(r, i, iTi), str(r, i, iID), str(r, i, iA), str(r, i, iR), str(r, i, iSrc)})
		}
		slices.SortStableFunc(rep.GuardDuty, func(a, b GuardDutyFinding) int {
			if c := a.Time.Compare(b.Time); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
	}
	if r := res[qConfig]; r != nil {
		c := cols(r)
		iT, iTy, iID, iN, iA, iS, iR, iSrc := c("configurationitemcapturetime"), c("resourcetype"), c("resourceid"), c("resourcename"), c("arn"), c("configurationitemstatus"), c("awsregion"), c("path")
		for i := range r.Len() {
			rep.Config = append(rep.Config, ConfigItem{when(str(r, i, iT)), str(r, i, iTy), str(r, i, iID), str(r, i, iN), str(r, i, iA), str(r, i, iS), str(r, i, iR), str(r, i, iSrc)})
		}
		slices.SortStableFunc(rep.Config, func(a, b ConfigItem) int {
			if c := a.Time.Compare(b.Time); c != 0 {
				return c
			}
			return strings.Compare(a.ResourceID, b.ResourceID)
		})
	}

	var index []indexRow
	if r := res[qIndex]; r != nil {
		c := cols(r)
		iK, iA, iIP, iS, iN, iR, iC, iF, iL := c("accesskeyid"), c("arn"), c("sourceipaddress"), c("eventsource"), c("eventname"), c("awsregion"), c("n"), c("first"), c("last")
		for i := range r.Len() {
			index = append(index, indexRow{str(r, i, iK), str(r, i, iA), str(r, i, iIP), str(r, i, iS), str(r, i, iN), str(r, i, iR), num(r, i, iC), when(str(r, i, iF)), when(str(r, i, iL))})
		}
	}
	rep.OtherPrincipals = pivots(index, func(x indexRow) (string, string, bool) {
		return x.arn, x.ip, addrs[x.ip] && x.arn != "" && !principals[x.arn]
	})
	rep.OtherAddresses = pivots(index, func(x indexRow) (string, string, bool) {
		via := x.key
		if !keys[x.key] {
			via = x.arn
		}
		return x.ip, via, (keys[x.key] || principals[x.arn]) && x.ip != "" && !addrs[x.ip]
	})
	var assumes []assumeRow
	if r := res[qAssume]; r != nil {
		c := cols(r)
		iT, iN, iA, iK, iIP, iNA, iNK, iID, iSrc := c("eventtime"), c("eventname"), c("arn"), c("accesskeyid"), c("sourceipaddress"), c("newarn"), c("newkey"), c("eventid"), c("path")
		for i := range r.Len() {
			assumes = append(assumes, assumeRow{when(str(r, i, iT)), str(r, i, iN), str(r, i, iA), str(r, i, iK), str(r, i, iIP), str(r, i, iNA), str(r, i, iNK), str(r, i, iID), str(r, i, iSrc)})
		}
		slices.SortStableFunc(assumes, func(a, b assumeRow) int { return a.t.Compare(b.t) })
	}
	rep.Chains = chains(keys, principals, assumes, index)
	rep.Resources = resources(rep.Calls)
	regions, services := map[string]int64{}, map[string]int64{}
	for _, c := range rep.Calls {
		regions[c.Region]++
		services[c.Service]++
	}
	rep.Regions, rep.Services = counts(regions), counts(services)
	rep.FirstSeen = firstCalls(index, principals, keys)

	// A finding involves the entity when it names the entity or one of
	// the keys and principals that made the entity's calls: the same
	// identity under another name (the session of a stolen key).
	related := map[string]bool{e.Value: true}
	for k := range keys {
		related[k] = true
	}
	for p := range principals {
		related[p] = true
	}
	for _, f := range fs {
		if mentions(f, related) {
			rep.Findings = append(rep.Findings, f)
		}
	}
	rep.Incidents = Incidents(rep.Findings, DefaultGap)
	for _, c := range rep.Calls {
		rep.seen(c.Time)
	}
	for _, f := range rep.Flows {
		rep.seen(f.Minute)
	}
	for _, g := range rep.GuardDuty {
		rep.seen(g.Time)
	}
	for _, c := range rep.Config {
		rep.seen(c.Time)
	}
	for _, f := range rep.Findings {
		rep.seen(f.FirstSeen)
		rep.seen(f.LastSeen)
	}
	return rep
}

func (rep *Report) seen(t time.Time) {
	if t.IsZero() {
		return
	}
	if rep.First.IsZero() || t.Before(rep.First) {
		rep.First = t
	}
	if t.After(rep.Last) {
		rep.Last = t
	}
}

// byEntity reports whether the call was made by the entity (not merely
// naming it in its parameters).
func byEntity(e Entity, c Call) bool {
	switch e.Kind {
	case KindIP:
		return c.Address == e.Value
	case KindKey:
		return c.Key == e.Value
	case KindPrincipal:
		return c.Principal == e.Value || c.Issuer == e.Value
	}
	return false
}

// pivots sums the index rows pick keeps by the value it returns.
func pivots(index []indexRow, pick func(indexRow) (value, via string, ok bool)) []Pivot {
	by := map[string]*Pivot{}
	for _, x := range index {
		v, via, ok := pick(x)
		if !ok {
			continue
		}
		p := by[v]
		if p == nil {
			p = &Pivot{Value: v, Via: via, First: x.first, Last: x.last}
			by[v] = p
		}
		p.Calls += x.n
		if !x.first.IsZero() && x.first.Before(p.First) {
			p.First = x.first
		}
		if x.last.After(p.Last) {
			p.Last = x.last
		}
	}
	out := make([]Pivot, 0, len(by))
	for _, p := range by {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b Pivot) int {
		if a.Calls != b.Calls {
			return int(b.Calls - a.Calls)
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}

// maxChainDepth bounds how far role chains are followed.
const maxChainDepth = 5

// chains follows credential-issuing calls from the entity's identities: the
// credentials each issued, then those they issued in turn.
func chains(keys, principals map[string]bool, assumes []assumeRow, index []indexRow) []Chain {
	var out []Chain
	fromKeys, fromARNs := maps(keys), maps(principals)
	used := map[string]bool{}
	for depth := 1; depth <= maxChainDepth; depth++ {
		nextKeys, nextARNs := map[string]bool{}, map[string]bool{}
		for _, a := range assumes {
			if used[a.id+a.newKey] || !(fromKeys[a.key] && a.key != "" || fromARNs[a.arn] && a.arn != "") || (a.newKey == "" && a.newARN == "") {
				continue
			}
			used[a.id+a.newKey] = true
			by := a.arn
			if by == "" {
				by = a.key
			}
			ch := Chain{Depth: depth, Time: a.t, Call: a.name, By: by, Key: a.newKey, Session: a.newARN, EventID: a.id, Source: a.source}
			calls := map[string]int64{}
			for _, x := range index {
				if x.key != "" && x.key == a.newKey {
					calls[x.name] += x.n
				}
			}
			ch.Calls = counts(calls)
			out = append(out, ch)
			if a.newKey != "" {
				nextKeys[a.newKey] = true
			}
		}
		if len(nextKeys) == 0 {
			break
		}
		// A session ARN names every session of the role with that name:
		// the next links follow keys only.
		fromKeys, fromARNs = nextKeys, nextARNs
	}
	return out
}

func maps(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// readPrefixes name calls that only read.
var readPrefixes = []string{"Get", "List", "Describe", "Head", "Lookup", "Search", "Scan", "Query", "Select", "BatchGet"}

// createPrefixes name calls that make something new.
var createPrefixes = []string{"Create", "Run", "Put", "Allocate", "Import", "Register", "Upload", "Copy", "Add", "Attach"}

// AccessOf says whether the call named reads, changes or creates.
func AccessOf(name string) string {
	for _, p := range readPrefixes {
		if strings.HasPrefix(name, p) {
			return "read"
		}
	}
	for _, p := range createPrefixes {
		if strings.HasPrefix(name, p) {
			return "created"
		}
	}
	return "changed"
}

func resources(calls []Call) []Resource {
	type k struct{ name, access string }
	by := map[k]*Resource{}
	var order []k
	for _, c := range calls {
		acc := AccessOf(c.Name)
		for _, r := range c.Resources {
			key := k{r, acc}
			x := by[key]
			if x == nil {
				x = &Resource{Name: r, Access: acc, First: c.Time}
				by[key] = x
				order = append(order, key)
			}
			x.Calls++
		}
	}
	out := make([]Resource, 0, len(order))
	for _, key := range order {
		out = append(out, *by[key])
	}
	slices.SortStableFunc(out, func(a, b Resource) int {
		if c := strings.Compare(a.Access, b.Access); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// resourceKey picks the request parameters that name a resource.
var resourceKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)(^key$|^bucketName$|name$|id$|arn$)`) })

// notResource are parameter names matching resourceKey that name no resource.
var notResource = map[string]bool{"nexttoken": true, "clienttoken": true, "requestid": true, "x-amz-id-2": true, "maxresults": true, "externalid": true, "rolesessionname": true, "durationseconds": true}

// maxResourcesPerCall bounds what one call's parameters contribute.
const maxResourcesPerCall = 16

// resourcesOf returns the resource names in a call's request parameters
// (JSON text): string values of keys such as bucketName, key, instanceId,
// roleArn, in document order.
func resourcesOf(params string) []string {
	if params == "" || params == "null" {
		return nil
	}
	var v any
	if json.Unmarshal([]byte(params), &v) != nil {
		return nil
	}
	var out []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		if len(out) >= maxResourcesPerCall {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			ks := make([]string, 0, len(x))
			for k := range x {
				ks = append(ks, k)
			}
			slices.Sort(ks)
			for _, k := range ks {
				walk(k, x[k])
			}
		case []any:
			for _, y := range x {
				walk(key, y)
			}
		case string:
			if x != "" && resourceKey().MatchString(key) && !notResource[strings.ToLower(key)] && !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	walk("", v)
	// An S3 object is bucket/key.
	if b, k := jsonString(v, "bucketName"), jsonString(v, "key"); b != "" && k != "" {
		out = slices.DeleteFunc(out, func(s string) bool { return s == b || s == k })
		out = append([]string{b + "/" + k}, out...)
	}
	return out
}

// appendARNs appends the ARNs of CloudTrail's resources column (an array
// value of the result) not in out yet.
func appendARNs(out []string, v any) []string {
	var arns []string
	switch x := v.(type) {
	case []string:
		arns = x
	case []any:
		for _, a := range x {
			if s, ok := a.(string); ok {
				arns = append(arns, s)
			}
		}
	}
	for _, a := range arns {
		if a != "" && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func jsonString(v any, key string) string {
	m, _ := v.(map[string]any)
	s, _ := m[key].(string)
	return s
}

func counts(m map[string]int64) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		if k != "" {
			out = append(out, Count{k, n})
		}
	}
	slices.SortFunc(out, func(a, b Count) int {
		if a.N != b.N {
			return int(b.N - a.N)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// firstCalls are, for each of the entity's principals (or keys), the first
// time in the window it made each call, earliest first.
func firstCalls(index []indexRow, principals, keys map[string]bool) []FirstCall {
	type k struct{ who, call string }
	first := map[k]time.Time{}
	for _, x := range index {
		who := ""
		switch {
		case principals[x.arn]:
			who = x.arn
		case keys[x.key]:
			who = x.key
		default:
			continue
		}
		key := k{who, x.name}
		if t, ok := first[key]; !ok || x.first.Before(t) {
			first[key] = x.first
		}
	}
	out := make([]FirstCall, 0, len(first))
	for key, t := range first {
		out = append(out, FirstCall{key.who, key.call, t})
	}
	slices.SortFunc(out, func(a, b FirstCall) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		if c := strings.Compare(a.Principal, b.Principal); c != 0 {
			return c
		}
		return strings.Compare(a.Call, b.Call)
	})
	return out
}

// mentions reports whether the finding's actor, resource or evidence names
// one of values.
func mentions(f findings.Finding, values map[string]bool) bool {
	if values[f.Actor] || values[f.Resource] {
		return true
	}
	for _, ev := range f.Evidence {
		for _, v := range ev {
			s, ok := v.(string)
			if !ok {
				s = fmt.Sprint(v)
			}
			for x := range values {
				if x != "" && strings.Contains(s, x) {
					return true
				}
			}
		}
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
