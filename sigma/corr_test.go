package sigma

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"

	"strings"
	"testing"
	"time"

	"github.com/hunt-sec/hunt/engine"
)

// corrBase are the detection rules the correlation tests refer to.
const corrBase = `title: list buckets
id: 11111111-0000-0000-0000-000000000001
name: list_buckets
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventName: ListBuckets}
  condition: selection
level: low
---
title: get object
id: 11111111-0000-0000-0000-000000000002
name: get_object
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventName: GetObject}
  condition: selection
level: low
---
title: delete bucket
id: 11111111-0000-0000-0000-000000000003
name: delete_bucket
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventName: DeleteBucket}
  condition: selection
level: low
---
title: console login
id: 11111111-0000-0000-0000-000000000004
name: login
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventName: ConsoleLogin}
  condition: selection
level: low
---
title: many list
id: 33333333-0000-0000-0000-000000000001
name: many_list
correlation: {type: event_count, rules: [list_buckets], group-by: [userIdentity.arn], timespan: 1m, condition: {gte: 3}}
`

// corrRules are correlations over corrBase, one per form.
var corrRules = map[string]string{
	"event_count":            `correlation: {type: event_count, rules: [list_buckets], group-by: [userIdentity.arn], timespan: 1m, condition: {gte: 3}}`,
	"event_count two rules":  `correlation: {type: event_count, rules: [list_buckets, 11111111-0000-0000-0000-000000000002], group-by: [userIdentity.arn], timespan: 1m, condition: {gt: 4}}`,
	"event_count two groups": `correlation: {type: event_count, rules: [get_object], group-by: [userIdentity.arn, sourceIPAddress], timespan: 90s, condition: {gte: 2}}`,
	"event_count range":      `correlation: {type: event_count, rules: [list_buckets], group-by: [userIdentity.arn], timespan: 1m, condition: {gt: 2, lte: 3}}`,
	"event_count eq":         `correlation: {type: event_count, rules: [list_buckets], group-by: [userIdentity.arn], timespan: 30s, condition: {eq: 2}}`,
	"event_count no group":   `correlation: {type: event_count, rules: [login], timespan: 30s, condition: {gte: 4}}`,
	"value_count":            `correlation: {type: value_count, rules: [list_buckets], group-by: [userIdentity.arn], timespan: 2m, condition: {field: sourceIPAddress, gte: 3}}`,
	"value_count lt":         `correlation: {type: value_count, rules: [get_object, list_buckets], group-by: [userIdentity.arn], timespan: 1m, condition: {field: sourceIPAddress, lt: 2}}`,
	"value_count json":       `correlation: {type: value_count, rules: [delete_bucket], group-by: [userIdentity.arn], timespan: 5m, condition: {field: requestParameters.bucketName, gt: 2}}`,
	"temporal":               `correlation: {type: temporal, rules: [list_buckets, get_object, delete_bucket], group-by: [userIdentity.arn], timespan: 1m}`,
	"temporal gte 2":         `correlation: {type: temporal, rules: [list_buckets, get_object, delete_bucket], group-by: [userIdentity.arn], timespan: 30s, condition: {gte: 2}}`,
	"temporal_ordered":       `correlation: {type: temporal_ordered, rules: [list_buckets, get_object, delete_bucket], group-by: [userIdentity.arn], timespan: 2m}`,
	"temporal_ordered two":   `correlation: {type: temporal_ordered, rules: [login, delete_bucket], group-by: [sourceIPAddress], timespan: 1m}`,
	"temporal aliases": `correlation:
  type: temporal
  rules: [list_buckets, delete_bucket]
  group-by: [user]
  timespan: 1m
  aliases:
    user: {list_buckets: userIdentity.userName, delete_bucket: requestParameters.userName}`,
	"value_sum":              `correlation: {type: value_sum, rules: [get_object], group-by: [userIdentity.arn], timespan: 1m, condition: {field: requestParameters.size, gte: 50}}`,
	"value_avg":              `correlation: {type: value_avg, rules: [get_object], group-by: [userIdentity.arn], timespan: 1m, condition: {field: requestParameters.size, gt: 15}}`,
	"chain temporal_ordered": `correlation: {type: temporal_ordered, rules: [many_list, delete_bucket], group-by: [userIdentity.arn], timespan: 2m}`,
	"chain event_count aliases": `correlation:
  type: event_count
  rules: [many_list]
  group-by: [who]
  timespan: 3m
  condition: {gte: 2}
  aliases:
    who: {many_list: userIdentity.arn}`,
	"event_count aliases": `correlation:
  type: event_count
  rules: [list_buckets, delete_bucket]
  group-by: [user]
  timespan: 1m
  condition: {gte: 3}
  aliases:
    user: {list_buckets: userIdentity.userName, delete_bucket: requestParameters.userName}`,
}

// loadCorr loads correlation yml (given as its correlation: section)
// with the base rules.
func loadCorr(t *testing.T, corr string) (*Rule, []*Rule) {
	t.Helper()
	res := Parse("corr.yml", []byte("title: the correlation\nid: 22222222-0000-0000-0000-000000000001\nlevel: high\n"+corr+"\n---\n"+corrBase))
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors[0])
	}
	return res.Rules[0], res.Rules
}

// ev is one CloudTrail record for the correlation tests: seconds after
// the base time, event name, user and source address.
type ev struct {
	sec        int
	name, user string
	ip         string
}

var corrT0 = time.Date(2024, 3, 5, 15, 0, 0, 0, time.UTC)

func records(evs []ev) []map[string]any {
	var out []map[string]any
	for i, e := range evs {
		rec := map[string]any{
			"eventVersion": "1.08", "eventTime": corrT0.Add(time.Duration(e.sec) * time.Second).Format(time.RFC3339),
			"eventSource": "s3.amazonaws.com", "eventName": e.name, "awsRegion": "us-east-1",
			"eventID": fmt.Sprint(i), "recipientAccountId": "111122223333",
		}
		if e.user != "" {
			rec["userIdentity"] = map[string]any{"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/" + e.user, "userName": e.user}
		}
		if e.ip != "" {
			rec["sourceIPAddress"] = e.ip
		}
		if e.name == "GetObject" {
			// A number for value_sum and value_avg: ten times the address.
			n, _ := strconv.Atoi(e.ip)
			rec["requestParameters"] = map[string]any{"bucketName": "b", "size": n * 10}
		}
		if e.name == "DeleteBucket" {
			rec["requestParameters"] = map[string]any{"bucketName": "b-" + e.ip, "userName": e.user}
		}
		out = append(out, rec)
	}
	// As the oracle reads records: decoded JSON (numbers as json.Number).
	b, err := json.Marshal(out)
	if err != nil {
		panic(err)
	}
	return decodeRecords(b)
}

// TestCorrelation_Success checks each type at its edges against answers
// written by hand, in the engine and in the oracle.
func TestCorrelation_Success(t *testing.T) {
	const u = "arn:aws:iam::111122223333:user/"
	at := func(sec int) string { return fmtT(corrT0.Add(time.Duration(sec) * time.Second)) }
	row := func(g string, first, last, n int) string {
		return fmt.Sprintf("%s|%s|%s|%d", g, at(first), at(last), n)
	}
	tests := []struct {
		name, rule string
		evs        []ev
		want       []string
	}{
		{"event_count exactly timespan apart is in", "event_count",
			[]ev{{0, "ListBuckets", "a", "1"}, {30, "ListBuckets", "a", "1"}, {60, "ListBuckets", "a", "1"}},
			[]string{row(u+"a", 0, 60, 3)}},
		{"event_count one second more is out", "event_count",
			[]ev{{0, "ListBuckets", "a", "1"}, {30, "ListBuckets", "a", "1"}, {61, "ListBuckets", "a", "1"}},
			nil},
		{"event_count one short", "event_count",
			[]ev{{0, "ListBuckets", "a", "1"}, {10, "ListBuckets", "a", "1"}, {20, "GetObject", "a", "1"}},
			nil},
		{"event_count groups apart", "event_count",
			[]ev{{0, "ListBuckets", "a", "1"}, {10, "ListBuckets", "b", "1"}, {20, "ListBuckets", "a", "1"}, {30, "ListBuckets", "b", "1"}, {40, "ListBuckets", "a", "1"}},
			[]string{row(u+"a", 0, 40, 3)}},
		{"event_count sliding, not clock minutes", "event_count",
			// 15:00:50, 15:01:10, 15:01:20: no clock minute holds three.
			[]ev{{50, "ListBuckets", "a", "1"}, {70, "ListBuckets", "a", "1"}, {80, "ListBuckets", "a", "1"}},
			[]string{row(u+"a", 50, 80, 3)}},
		{"event_count overlapping windows are one burst; a gap starts another", "event_count",
			[]ev{{0, "ListBuckets", "a", "1"}, {10, "ListBuckets", "a", "1"}, {20, "ListBuckets", "a", "1"}, {50, "ListBuckets", "a", "1"}, {75, "ListBuckets", "a", "1"},
				{300, "ListBuckets", "a", "1"}, {301, "ListBuckets", "a", "1"}, {302, "ListBuckets", "a", "1"}},
			[]string{row(u+"a", 0, 75, 4), row(u+"a", 300, 302, 3)}},
		{"event_count missing group field belongs to no group", "event_count",
			[]ev{{0, "ListBuckets", "", "1"}, {1, "ListBuckets", "", "1"}, {2, "ListBuckets", "", "1"}},
			nil},
		{"event_count eq", "event_count eq",
			[]ev{{0, "ListBuckets", "a", "1"}, {30, "ListBuckets", "a", "1"}, {31, "ListBuckets", "a", "1"}},
			// [0,30] and [1,31] hold two each and overlap: one burst.
			[]string{row(u+"a", 0, 31, 2)}},
		{"event_count range gt 2 and lte 3", "event_count range",
			// Windows ending at 0, 10, 20, 30, 40, 80 hold 1, 2, 3, 4, 5, 4:
			// only the one ending at 20 has more than 2 and at most 3.
			[]ev{{0, "ListBuckets", "a", "1"}, {10, "ListBuckets", "a", "1"}, {20, "ListBuckets", "a", "1"}, {30, "ListBuckets", "a", "1"}, {40, "ListBuckets", "a", "1"}, {80, "ListBuckets", "a", "1"}},
			[]string{row(u+"a", 0, 20, 3)}},
		{"event_count no group-by", "event_count no group",
			[]ev{{0, "ConsoleLogin", "a", "1"}, {10, "ConsoleLogin", "b", "2"}, {20, "ConsoleLogin", "c", "3"}, {30, "ConsoleLogin", "", "4"}},
			[]string{row("all", 0, 30, 4)}},
		{"value_count at the edge", "value_count",
			[]ev{{0, "ListBuckets", "a", "1"}, {60, "ListBuckets", "a", "1"}, {100, "ListBuckets", "a", "2"}, {120, "ListBuckets", "a", "3"}},
			[]string{row(u+"a", 0, 120, 3)}},
		{"value_count one short", "value_count",
			[]ev{{0, "ListBuckets", "a", "1"}, {60, "ListBuckets", "a", "2"}, {121, "ListBuckets", "a", "3"}, {130, "ListBuckets", "a", "2"}},
			nil},
		{"value_count repeated values count once", "value_count",
			[]ev{{0, "ListBuckets", "a", "1"}, {1, "ListBuckets", "a", "1"}, {2, "ListBuckets", "a", "2"}, {3, "ListBuckets", "a", "2"}},
			nil},
		{"value_sum at the edge", "value_sum",
			[]ev{{0, "GetObject", "a", "2"}, {30, "GetObject", "a", "1"}, {60, "GetObject", "a", "2"}, {61, "ListBuckets", "a", "4"}},
			[]string{row(u+"a", 0, 60, 50)}},
		{"value_sum one short", "value_sum",
			[]ev{{0, "GetObject", "a", "2"}, {30, "GetObject", "a", "1"}, {61, "GetObject", "a", "2"}},
			nil},
		{"value_avg", "value_avg",
			// Windows ending at 0 (avg 20), 10 (15), 70 ([10,70]: 15) and
			// 71 ([11,71]: 25): two bursts.
			[]ev{{0, "GetObject", "a", "2"}, {10, "GetObject", "a", "1"}, {70, "GetObject", "a", "2"}, {71, "GetObject", "a", "3"}},
			[]string{row(u+"a", 0, 0, 20), row(u+"a", 70, 71, 25)}},
		{"temporal all three", "temporal",
			[]ev{{0, "DeleteBucket", "a", "1"}, {30, "ListBuckets", "a", "1"}, {60, "GetObject", "a", "1"}},
			[]string{row(u+"a", 0, 60, 3)}},
		{"temporal one second too long", "temporal",
			[]ev{{0, "DeleteBucket", "a", "1"}, {30, "ListBuckets", "a", "1"}, {61, "GetObject", "a", "1"}},
			nil},
		{"temporal rules of two users do not mix", "temporal",
			[]ev{{0, "DeleteBucket", "a", "1"}, {1, "ListBuckets", "b", "1"}, {2, "GetObject", "a", "1"}},
			nil},
		{"temporal_ordered in order", "temporal_ordered",
			[]ev{{0, "ListBuckets", "a", "1"}, {30, "GetObject", "a", "1"}, {120, "DeleteBucket", "a", "1"}},
			[]string{row(u+"a", 0, 120, 3)}},
		{"temporal_ordered out of order", "temporal_ordered",
			[]ev{{0, "GetObject", "a", "1"}, {30, "ListBuckets", "a", "1"}, {60, "DeleteBucket", "a", "1"}},
			nil},
		{"temporal_ordered takes the latest start", "temporal_ordered",
			[]ev{{0, "ListBuckets", "a", "1"}, {10, "ListBuckets", "a", "1"}, {50, "GetObject", "a", "1"}, {125, "DeleteBucket", "a", "1"}},
			[]string{row(u+"a", 10, 125, 3)}},
		{"temporal_ordered same second counts as in order", "temporal_ordered",
			[]ev{{5, "ListBuckets", "a", "1"}, {5, "GetObject", "a", "1"}, {5, "DeleteBucket", "a", "1"}},
			[]string{row(u+"a", 5, 5, 3)}},
		{"chain: many lists, then a delete", "chain temporal_ordered",
			// many_list fires at 20 (three in [−40, 20]) and at 25.
			[]ev{{0, "ListBuckets", "a", "1"}, {10, "ListBuckets", "a", "1"}, {15, "DeleteBucket", "a", "1"}, {20, "ListBuckets", "a", "1"}, {25, "ListBuckets", "a", "1"}, {145, "DeleteBucket", "a", "1"}},
			[]string{row(u+"a", 25, 145, 2)}},
		{"chain: the delete before the burst", "chain temporal_ordered",
			[]ev{{0, "ListBuckets", "a", "1"}, {10, "ListBuckets", "a", "1"}, {15, "DeleteBucket", "a", "1"}, {20, "ListBuckets", "a", "1"}, {146, "DeleteBucket", "a", "1"}},
			nil},
		{"temporal aliases join two fields", "temporal aliases",
			[]ev{{0, "ListBuckets", "alice", "1"}, {40, "DeleteBucket", "alice", "2"}, {41, "DeleteBucket", "bob", "2"}},
			[]string{row("alice", 0, 40, 2)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, rules := loadCorr(t, corrRules[tc.rule])
			recs := records(tc.evs)
			got := engineCorrelation(t, r, rules, recs)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("engine: got %q; want %q", got, tc.want)
			}
			if o := oracleCorrelation(t, r, rules, recs); strings.Join(o, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("oracle: got %q; want %q", o, tc.want)
			}
		})
	}
}

// corrCorpus generates CloudTrail records: times on a 5-second grid so
// that events exactly one timespan apart are common, a few users,
// addresses and event names, some events without a user.
func corrCorpus(seed uint64, n int) []map[string]any {
	rng := rand.New(rand.NewPCG(seed, 7))
	names := []string{"ListBuckets", "GetObject", "DeleteBucket", "ConsoleLogin", "PutObject"}
	users := []string{"alice", "bob", "carol", ""}
	var evs []ev
	sec := 0
	for range n {
		sec += 5 * rng.IntN(4)
		evs = append(evs, ev{sec, names[rng.IntN(len(names))], users[rng.IntN(len(users))], fmt.Sprint(rng.IntN(5))})
	}
	// Shuffle: the engine must not rely on input order.
	rng.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
	return records(evs)
}

// TestCorrelation_Oracle compares the engine with the oracle on every
// correlation form over generated corpora.
func TestCorrelation_Oracle(t *testing.T) {
	for name, corr := range corrRules {
		t.Run(name, func(t *testing.T) {
			r, rules := loadCorr(t, corr)
			matched := 0
			for seed := uint64(1); seed <= 4; seed++ {
				recs := corrCorpus(seed, 400)
				got := engineCorrelation(t, r, rules, recs)
				want := oracleCorrelation(t, r, rules, recs)
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Fatalf("seed %d: engine and oracle differ\nengine: %q\noracle: %q", seed, got, want)
				}
				matched += len(got)
			}
			if matched == 0 {
				t.Errorf("no burst in any corpus: the comparison tests nothing")
			}
		})
	}
}

// TestCorrelation_Failure checks the compile-time errors of bad
// correlation rules, positioned at the offending key (marked ¶).
func TestCorrelation_Failure(t *testing.T) {
	tests := []struct {
		name, corr, want string
	}{
		{"unknown rule", "correlation:\n  type: event_count\n  rules: [list_buckets, ¶nosuch]\n  group-by: [userIdentity.arn]\n  timespan: 1m\n  condition: {gt: 1}",
			`correlation.rules: expected the id or name of a rule loaded with this one, found "nosuch"`},
		{"missing group-by field", "correlation:\n  type: event_count\n  rules: [list_buckets]\n  group-by: [¶userIdentity.nosuch]\n  timespan: 1m\n  condition: {gt: 1}",
			`correlation.group-by: expected a field of table cloudtrail, found "userIdentity.nosuch"`},
		{"missing value field", "correlation:\n  type: value_count\n  rules: [list_buckets]\n  group-by: [userIdentity.arn]\n  timespan: 1m\n  condition: ¶{field: nosuchfield, gt: 1}",
			`correlation.condition.field: expected a field of table cloudtrail`},
		{"alias without the rule", "correlation:\n  type: temporal\n  rules: [list_buckets, delete_bucket]\n  group-by: [user]\n  timespan: 1m\n  aliases:\n    ¶user: {list_buckets: userIdentity.userName}",
			`correlation.aliases.user: expected a field for rule "delete_bucket", found none`},
		{"alias of a rule not referenced", "correlation:\n  type: temporal\n  rules: [list_buckets]\n  group-by: [user]\n  timespan: 1m\n  aliases:\n    ¶user: {list_buckets: userIdentity.userName, login: userIdentity.arn}",
			`correlation.aliases.user: expected a rule of correlation.rules (list_buckets), found "login"`},
		{"correlation of itself", "correlation:\n  type: event_count\n  rules: [¶22222222-0000-0000-0000-000000000001]\n  group-by: [userIdentity.arn]\n  timespan: 1m\n  condition: {gt: 1}",
			`expected another rule, found`},
		{"chain by a field the inner correlation lacks", "correlation:\n  type: temporal_ordered\n  rules: [many_list, delete_bucket]\n  group-by: [¶sourceIPAddress]\n  timespan: 1m",
			`correlation.group-by: expected a group-by field of correlation "many_list" (userIdentity.arn), found "sourceIPAddress"`},
		{"percentile", "correlation:\n  type: ¶value_percentile\n  rules: [list_buckets]\n  group-by: [userIdentity.arn]\n  timespan: 1m\n  condition: {field: sourceIPAddress, gt: 1}",
			`correlation.type: expected event_count, value_count, temporal, temporal_ordered, value_sum or value_avg, found value_percentile`},
		{"ordered with condition", "correlation:\n  type: temporal_ordered\n  rules: [list_buckets, login]\n  group-by: [userIdentity.arn]\n  timespan: 1m\n  condition: ¶{gt: 1}",
			`correlation.condition: expected no condition for temporal_ordered`},
		{"two tables", "correlation:\n  type: temporal\n  rules: [list_buckets, ¶flow]\n  group-by: [userIdentity.arn]\n  timespan: 1m",
			`expected rules of one table (cloudtrail), found "flow" of table vpc_flow`},
	}
	flow := "---\ntitle: flow\nname: flow\nlogsource: {product: aws, service: vpcflowlogs}\ndetection: {s: {action: REJECT}, condition: s}\nlevel: low\n"
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "title: the correlation\nid: 22222222-0000-0000-0000-000000000001\nlevel: high\n" + tc.corr + "\n---\n" + corrBase + flow
			line, col := markerPos(src, "¶")
			src = strings.Replace(src, "¶", "", 1)
			res := Parse("corr.yml", []byte(src))
			var err error
			if len(res.Errors) > 0 {
				err = res.Errors[0] // the loader checks some (aliases of rules not listed)
			} else {
				_, _, _, err = CorrelationSQL(res.Rules[0], res.Rules, Options{})
			}
			if err == nil {
				t.Fatalf("no error; want %q", tc.want)
			}
			wantPos := fmt.Sprintf("corr.yml:%d:%d: ", line, col)
			if !strings.HasPrefix(err.Error(), wantPos) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q; want %s...%s", err, wantPos, tc.want)
			}
		})
	}
}

// markerPos is the 1-based line and column of marker in s.
func markerPos(s, marker string) (int, int) {
	i := strings.Index(s, marker)
	before := s[:i]
	line := strings.Count(before, "\n") + 1
	col := i - strings.LastIndex(before, "\n")
	return line, col
}

// TestCorrelation_AthenaSQL: every correlation form's query rewrites for
// Athena (hunt run --engine athena) with the run window's partition
// predicates on the table it reads, and the result parses again.
func TestCorrelation_AthenaSQL(t *testing.T) {
	now := time.Date(2024, 3, 20, 12, 0, 0, 0, time.UTC)
	window := engine.Pruning{Since: now.Add(-24 * time.Hour), Until: now}
	tables := engine.DefaultAthenaTables("hunt")
	check := func(name string, r *Rule, rules []*Rule, want string) {
		sql, _, _, err := CorrelationSQL(r, rules, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		q, err := engine.Compile(sql, engine.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// The columns are those of the Athena tables hunt athena ddl makes
		// (for flow logs, the default format's 14 fields and partitions).
		if err := engine.CheckAthenaColumns(q, tables); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		out, err := engine.AthenaSQL(sql, engine.Options{Source: name, Now: now}, tables, window)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, sql)
		}
		if _, err := engine.Parse(out); err != nil {
			t.Errorf("%s: the Athena SQL does not parse: %v\n%s", name, err, out)
		}
		if !strings.Contains(out, want) {
			t.Errorf("%s: Athena SQL lacks %q:\n%s", name, want, out)
		}
	}
	for name, corr := range corrRules {
		r, rules := loadCorr(t, corr)
		check(name, r, rules, ".timestamp BETWEEN '2024/03/19' AND '2024/03/20'")
	}
	res, err := LoadPath("../testdata/sigma/examples/vpc_reject_flood.yml")
	if err != nil || len(res.Errors) > 0 {
		t.Fatal(err, res.Errors)
	}
	check("vpc_reject_flood", res.Rules[0], res.Rules, ".day BETWEEN '2024/03/19' AND '2024/03/20'")
}

func TestStandaloneCorrelations(t *testing.T) {
	_, rules := loadCorr(t, corrRules["chain temporal_ordered"])
	got := StandaloneCorrelations(rules)
	if len(got) != 1 || got[0].Title != "the correlation" {
		t.Errorf("got %d rules; want only the outer correlation (many_list is used without generate)", len(got))
	}
	_, rules = loadCorr(t, corrRules["chain temporal_ordered"]+"\ngenerate: true")
	if got := StandaloneCorrelations(rules); len(got) != 2 {
		t.Errorf("with generate: got %d rules; want both correlations", len(got))
	}
}

// TestCorrelation_FailureCycle: correlations that refer to each other
// are a positioned error, not a stack overflow.
func TestCorrelation_FailureCycle(t *testing.T) {
	src := "title: a\nname: a\ncorrelation:\n  type: event_count\n  rules: [b]\n  group-by: [userIdentity.arn]\n  timespan: 1m\n  condition: {gt: 1}\n" +
		"---\ntitle: b\nname: b\ncorrelation:\n  type: event_count\n  rules: [a]\n  group-by: [userIdentity.arn]\n  timespan: 1m\n  condition: {gt: 1}\n"
	res := Parse("cycle.yml", []byte(src))
	_, _, _, err := CorrelationSQL(res.Rules[0], res.Rules, Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "cycle.yml:14:11: correlation.rules: expected a rule, found \"a\", which refers back") {
		t.Errorf("got %v; want the cycle at b's rules (cycle.yml:14:11)", err)
	}
}

// TestCorrelationHunt_Window: a correlation hunt's window (what --state
// re-reads, and the suppression bucket) is its timespan, plus the
// lookback of a correlation it refers to.
func TestCorrelationHunt_Window(t *testing.T) {
	for name, want := range map[string]time.Duration{
		"event_count":            time.Minute,
		"value_count":            2 * time.Minute,
		"chain temporal_ordered": 3 * time.Minute, // 2m after many_list's 1m
	} {
		r, rules := loadCorr(t, corrRules[name])
		h, err := CorrelationHunt(r, rules, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if h.Window != want || h.LastSeen == "" {
			t.Errorf("%s: window %s, last_seen %q; want %s and a last_seen column", name, h.Window, h.LastSeen, want)
		}
	}
}
