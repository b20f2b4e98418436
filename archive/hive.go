package archive

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The Hive layout hunt convert writes its Parquet files in, and reads back:
//
//	table=NAME/account=A/region=R/date=YYYY-MM-DD/part-RUN-SEQ.parquet
//	table=vpc_flow/AWSLogs/aws-account-id=A/aws-service=vpcflowlogs/aws-region=R/year=YYYY/month=MM/day=DD/...
//
// Flow logs take AWS's own Hive-compatible layout, so AWS's Parquet DDL and
// the planner prune them as they do delivered files; other tables have no
// AWS Parquet layout and get plain account=/region=/date= folders, whose
// date is the events' UTC date (not a delivery date).

// HiveTableFolder is the folder hunt convert puts a table's Parquet files
// under, inside the destination: "table=NAME".
func HiveTableFolder(table string) string { return "table=" + table }

// HiveTable returns the table the key's table=NAME folder names, or "".
func HiveTable(key string) string {
	dir := key[:strings.LastIndexByte(key, '/')+1] // folders only, not the file name
	for seg := range strings.SplitSeq(dir, "/") {
		if name, ok := strings.CutPrefix(seg, "table="); ok && name != "" {
			return name
		}
	}
	return ""
}

// HivePartitionDir is the folder, relative to the destination, of a row of
// table with the given account, region and event time (Unix microseconds;
// math.MinInt64 when unknown).
func HivePartitionDir(table, acct, region string, us int64) string {
	day := "unknown"
	var t time.Time
	if us != -1<<63 {
		t = time.UnixMicro(us).UTC()
		day = t.Format("2006-01-02")
	}
	if table == KindVPCFlow.Table() {
		date := "year=unknown/month=unknown/day=unknown"
		if day != "unknown" {
			date = t.Format("year=2006/month=01/day=02")
		}
		return HiveTableFolder(table) + "/AWSLogs/aws-account-id=" + acct + "/aws-service=vpcflowlogs/aws-region=" + region + "/" + date
	}
	return HiveTableFolder(table) + "/account=" + acct + "/region=" + region + "/date=" + day
}

// PruneHive moves the objects of plan whose Hive folders (table=,
// account=, region=, date=, as hunt convert writes them) rule them out
// under facts into plan.Pruned. Planning reads only AWS's own layouts, so
// it keeps these; the date here is the events' UTC date, not a delivery
// date, so no delivery margin applies. Hidden files (the convert manifest,
// unfinished files) are pruned too: local planning skips them, S3 planning
// lists them.
func PruneHive(plan *Plan, facts Facts) {
	if plan == nil {
		return
	}
	kept := plan.Objects[:0]
	for _, o := range plan.Objects {
		if c, r := hivePruneReason(o.Key, facts); r != "" {
			plan.Pruned = append(plan.Pruned, Pruned{Object: o, Cause: c, Reason: r})
			plan.Bytes -= o.Size
			continue
		}
		kept = append(kept, o)
	}
	plan.Objects = kept
}

// hivePruneReason says why the object at key cannot hold rows matching
// facts, or "" when it may.
func hivePruneReason(key string, facts Facts) (PruneCause, string) {
	if strings.HasPrefix(key[strings.LastIndexByte(key, '/')+1:], ".") {
		return PrunedHidden, "hidden"
	}
	table := HiveTable(key)
	if table == "" || table == KindVPCFlow.Table() {
		// Flow logs' folders are AWS's layout, which planning prunes.
		return PrunedUnknown, ""
	}
	if facts.Table != "" && facts.Table != table {
		return PrunedTable, table + " not in table " + facts.Table
	}
	for _, seg := range strings.Split(key, "/") {
		name, val, ok := strings.Cut(seg, "=")
		if !ok || val == "unknown" {
			continue
		}
		switch name {
		case "account":
			if len(facts.Accounts) > 0 && !slices.Contains(facts.Accounts, val) {
				return PrunedAccount, "partition account=" + val + " not in the query's accounts"
			}
		case "region":
			if len(facts.Regions) > 0 && !slices.Contains(facts.Regions, val) {
				return PrunedRegion, "partition region=" + val + " not in the query's regions"
			}
		case "date":
			day, err := time.Parse("2006-01-02", val)
			if err != nil {
				continue
			}
			if (!facts.Since.IsZero() && !day.AddDate(0, 0, 1).After(facts.Since)) || (!facts.Until.IsZero() && day.After(facts.Until)) {
				return PrunedDate, fmt.Sprintf("partition date=%s outside %s..%s", val, fmtWhen(facts.Since), fmtWhen(facts.Until))
			}
		}
	}
	return PrunedUnknown, ""
}

func fmtWhen(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
