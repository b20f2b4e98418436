package archive

import (
	"testing"
	"time"
)

func TestFactsPrune(t *testing.T) {
	week := Facts{Since: day(2024, 3, 5), Until: day(2024, 3, 12)}
	f := func(facts Facts, key, want string) {
		t.Helper()
		k, prec := parseKey(key)
		if _, got := facts.prune(k, prec); got != want {
			t.Errorf("facts %+v, key %q\n got %q\nwant %q", facts, key, got, want)
		}
	}
	const ct = "AWSLogs/111122223333/CloudTrail/us-east-1/"
	f(Facts{}, ct+"2024/03/05/x.json.gz", "")
	f(Facts{}, "AWSLogs/111122223333/CloudTrail-Digest/", "digest")
	f(Facts{}, "AWSLogs/111122223333/CloudTrail-Aggregated/us-east-1/2024/03/05/x", "cloudtrail-aggregated: record shape not supported")
	f(Facts{Table: "vpc_flow"}, ct, "cloudtrail not in table vpc_flow")
	f(Facts{}, "AWSLogs/111122223333/elasticloadbalancing/", "not CloudTrail or VPC flow logs")
	f(Facts{Table: "cloudtrail"}, "AWSLogs/111122223333/CloudTrail-Insight/", "")
	f(Facts{Table: "cloudtrail"}, "AWSLogs/111122223333/CloudTrail-NetworkActivity/", "")
	f(Facts{Table: "cloudtrail"}, "misc/unknown.json", "")
	f(Facts{Accounts: []string{"222233334444"}}, ct, "account 111122223333 not in --account")
	f(Facts{Accounts: []string{" 111122223333 "}}, ct, "")
	f(Facts{Regions: []string{"eu-west-1"}}, ct, "region us-east-1 not in --region")
	// Delivery dates: the window's end is widened by the margin.
	f(week, ct+"2024/03/04/", "date 2024-03-04 outside 2024-03-05..2024-03-12 (+1h delivery margin)")
	f(week, ct+"2024/03/05/", "")
	f(week, ct+"2024/03/12/", "") // within the 1h margin
	f(week, ct+"2024/03/13/", "date 2024-03-13 outside 2024-03-05..2024-03-12 (+1h delivery margin)")
	f(week, ct+"2024/02/", "month 2024-02 outside 2024-03-05..2024-03-12 (+1h delivery margin)")
	f(week, ct+"2023/", "year 2023 outside 2024-03-05..2024-03-12 (+1h delivery margin)")
	f(week, ct+"2024/", "")
	narrow := Facts{Since: day(2024, 3, 5).Add(23 * time.Hour), Until: day(2024, 3, 5).Add(23*time.Hour + 30*time.Minute), Margin: 45 * time.Minute}
	f(narrow, ct+"2024/03/06/", "") // 23:30 + 45m crosses midnight
	f(Facts{Since: narrow.Since, Until: narrow.Until}, ct+"2024/03/07/",
		"date 2024-03-07 outside 2024-03-05T23:00:00Z..2024-03-05T23:30:00Z (+1h delivery margin)")
	// GuardDuty and Config deliver up to 6 hours late: a 7h margin.
	gd := "AWSLogs/111122223333/GuardDuty/us-east-1/"
	f(Facts{Until: day(2024, 3, 5).Add(20 * time.Hour)}, gd+"2024/03/06/", "")
	f(Facts{Until: day(2024, 3, 5).Add(16 * time.Hour)}, gd+"2024/03/06/", "date 2024-03-06 outside ..2024-03-05T16:00:00Z (+7h delivery margin)")
	f(Facts{Table: "guardduty"}, ct, "cloudtrail not in table guardduty")
	f(Facts{Table: "config", Accounts: []string{"222233334444"}}, "AWSLogs/111122223333/Config/us-east-1/2024/3/5/ConfigHistory/x.json.gz", "account 111122223333 not in --account")
	f(week, "AWSLogs/111122223333/Config/us-east-1/2024/3/4/ConfigHistory/x.json.gz", "date 2024-03-04 outside 2024-03-05..2024-03-12 (+7h delivery margin)")
	f(week, "AWSLogs/111122223333/Config/us-east-1/2024/3/12/ConfigSnapshot/x.json.gz", "")
	hourly := "AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/03/05/"
	f(Facts{Since: day(2024, 3, 5).Add(14 * time.Hour)}, hourly+"13/", "hour 2024-03-05T13 outside 2024-03-05T14:00:00Z.. (+1h delivery margin)")
	f(Facts{Until: day(2024, 3, 5).Add(14 * time.Hour)}, hourly+"14/", "")
	f(Facts{Until: day(2024, 3, 5).Add(14 * time.Hour)}, hourly+"15/", "hour 2024-03-05T15 outside ..2024-03-05T14:00:00Z (+1h delivery margin)")
}

func TestFactsPrune_Cause(t *testing.T) {
	week := Facts{Since: day(2024, 3, 5), Until: day(2024, 3, 12)}
	const ct = "AWSLogs/111122223333/CloudTrail/us-east-1/"
	for _, tc := range []struct {
		facts Facts
		key   string
		want  PruneCause
	}{
		{Facts{}, ct + "2024/03/05/x.json.gz", PrunedUnknown}, // kept
		{Facts{}, "AWSLogs/111122223333/CloudTrail-Digest/", PrunedDigest},
		{Facts{}, "AWSLogs/111122223333/CloudTrail-Aggregated/us-east-1/2024/03/05/x", PrunedKind},
		{Facts{}, "AWSLogs/111122223333/elasticloadbalancing/", PrunedKind},
		{Facts{Table: "vpc_flow"}, ct, PrunedTable},
		{Facts{Table: "cloudtrail"}, "AWSLogs/111122223333/vpcflowlogs/us-east-1/", PrunedTable},
		{Facts{Accounts: []string{"222233334444"}}, ct, PrunedAccount},
		{Facts{Regions: []string{"eu-west-1"}}, ct, PrunedRegion},
		{week, ct + "2024/03/04/", PrunedDate},
		{week, ct + "2023/", PrunedDate},
		{Facts{Since: day(2024, 3, 5).Add(14 * time.Hour)}, "AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/03/05/13/", PrunedDate},
		// The first fact that rules a key out is its cause.
		{Facts{Table: "vpc_flow", Accounts: []string{"222233334444"}}, ct, PrunedTable},
		{Facts{Accounts: []string{"222233334444"}, Regions: []string{"eu-west-1"}}, ct, PrunedAccount},
	} {
		k, prec := parseKey(tc.key)
		got, reason := tc.facts.prune(k, prec)
		if got != tc.want || (got == PrunedUnknown) != (reason == "") {
			t.Errorf("facts %+v, key %q: got %v (%q); want %v", tc.facts, tc.key, got, reason, tc.want)
		}
	}
}
