package archive

import (
	"slices"
	"strings"
	"time"

	"github.com/hunt-sec/hunt/parsers"
)

// Kind is the kind of a log object, read from its key layout.
type Kind uint8

const (
	// KindUnknown is an object whose key matches no AWS log layout.
	KindUnknown Kind = iota
	// KindCloudTrail is a CloudTrail management/data event file (stream folder "CloudTrail").
	KindCloudTrail
	// KindCloudTrailDigest is an hourly integrity digest ("CloudTrail-Digest"); never events.
	KindCloudTrailDigest
	// KindCloudTrailInsight is an Insights event file ("CloudTrail-Insight").
	KindCloudTrailInsight
	// KindCloudTrailNetworkActivity is a network-activity event file ("CloudTrail-NetworkActivity").
	KindCloudTrailNetworkActivity
	// KindVPCFlow is a VPC flow log file ("vpcflowlogs"), text or Parquet.
	KindVPCFlow
	// KindCloudTrailAggregated is a data-event aggregation file
	// ("CloudTrail-Aggregated"); its record shape is not supported, so
	// planning prunes it.
	KindCloudTrailAggregated
	// KindOther is another AWS service's logs in an AWSLogs/ACCOUNT/ tree
	// (elasticloadbalancing, ...); hunt reads none, planning prunes them.
	KindOther
	// KindGuardDuty is a GuardDuty findings export ("GuardDuty",
	// AWSLogs/ACCOUNT/GuardDuty/REGION/YYYY/MM/DD/*.jsonl.gz).
	KindGuardDuty
	// KindConfig is an AWS Config history or snapshot file ("Config",
	// AWSLogs/ACCOUNT/Config/REGION/YYYY/M/D/ConfigHistory|ConfigSnapshot/FILE,
	// month and day without leading zeros). The ConfigWritabilityCheckFile
	// is KindOther.
	KindConfig
	// KindCWLogsExport is an object of a CloudWatch Logs export task
	// (CreateExportTask): PREFIX/TASK-ID/LOG-STREAM/NNNNNN.gz, TASK-ID a
	// UUID and the stream name maybe holding '/'. Its lines are flow-log
	// lines or CloudTrail events: the content tells the table. The
	// aws-logs-write-test object the task writes first is KindOther.
	KindCWLogsExport
)

var kindNames = [...]string{
	KindUnknown:                   "unknown",
	KindCloudTrail:                "cloudtrail",
	KindCloudTrailDigest:          "cloudtrail-digest",
	KindCloudTrailInsight:         "cloudtrail-insight",
	KindCloudTrailNetworkActivity: "cloudtrail-networkactivity",
	KindVPCFlow:                   "vpcflow",
	KindCloudTrailAggregated:      "cloudtrail-aggregated",
	KindOther:                     "other",
	KindGuardDuty:                 "guardduty",
	KindConfig:                    "config",
	KindCWLogsExport:              "cwlogs-export",
}

// String returns the kind's lower-case name: "cloudtrail", "cloudtrail-digest",
// "cloudtrail-insight", "cloudtrail-networkactivity", "vpcflow",
// "cloudtrail-aggregated", "other", "guardduty", "config", "cwlogs-export"
// or "unknown".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Table returns the table whose rows objects of this kind hold:
// "cloudtrail" (events, insights, network activity), "vpc_flow",
// "guardduty", "config", or "" for kinds that hold no rows of a table
// (digests, aggregations, unknown) and for export tasks, whose content
// tells.
func (k Kind) Table() string {
	switch k {
	case KindCloudTrail, KindCloudTrailInsight, KindCloudTrailNetworkActivity:
		return "cloudtrail"
	case KindVPCFlow:
		return "vpc_flow"
	case KindGuardDuty:
		return "guardduty"
	case KindConfig:
		return "config"
	}
	return ""
}

// deliveryLag is how long after an event the kind's files may be
// delivered at most, when that is longer than [DefaultMargin]: GuardDuty
// exports updated findings every 6 hours by default (the longest
// frequency it offers), AWS Config delivers history files every 6 hours.
func (k Kind) deliveryLag() time.Duration {
	switch k {
	case KindGuardDuty, KindConfig:
		return 7 * time.Hour
	}
	return 0
}

// dayFolder returns the date folders of day d in k's layout:
// "2006/01/02/", "2006/1/2/" for Config, or Hive's year=/month=/day=.
func (k Kind) dayFolder(d time.Time, hive bool) string {
	switch {
	case hive:
		return d.Format("year=2006/month=01/day=02/")
	case k == KindConfig:
		return d.Format("2006/1/2/")
	}
	return d.Format("2006/01/02/")
}

// KindTables returns the tables some key kind names (see [Kind.Table]):
// the tables planning can prune objects of by their keys.
func KindTables() []string {
	var out []string
	for k := range Kind(len(kindNames)) {
		if t := k.Table(); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// streamKinds maps the stream folder after the account (and the stream token
// in file names) to a kind.
var streamKinds = map[string]Kind{
	"CloudTrail":                 KindCloudTrail,
	"CloudTrail-Digest":          KindCloudTrailDigest,
	"CloudTrail-Insight":         KindCloudTrailInsight,
	"CloudTrail-NetworkActivity": KindCloudTrailNetworkActivity,
	"CloudTrail-Aggregated":      KindCloudTrailAggregated,
	"vpcflowlogs":                KindVPCFlow,
	"GuardDuty":                  KindGuardDuty,
	"Config":                     KindConfig,
}

// streamFolder returns the stream folder name of k in the AWSLogs layout.
func streamFolder(k Kind) string {
	for name, kk := range streamKinds {
		if kk == k {
			return name
		}
	}
	return ""
}

// Key is what an object's key (or path) says about it, without opening it.
// Fields the key does not show are zero.
type Key struct {
	Kind    Kind
	OrgID   string // organization trail ID ("o-…"), else ""
	Account string // 12-digit account ID
	Region  string // e.g. "us-east-1", "us-gov-west-1", "cn-north-1"
	// Date is the delivery date from the date folders (UTC midnight), or the
	// delivery hour for hourly flow-log layouts (Hourly is then true). For
	// CloudTrail it is when the file was delivered, not when its events
	// happened: see [Facts] for the margin planning adds.
	Date    time.Time
	HasDate bool
	Hourly  bool
	// Format is "log" (text, .log.gz) or "parquet" for flow-log files, "" otherwise.
	Format string
}

// datePrec is how much of a date a key or prefix shows.
type datePrec uint8

const (
	precNone datePrec = iota
	precYear
	precMonth
	precDay
	precHour
)

// end returns the end of the interval that starts at t with precision p.
func (p datePrec) end(t time.Time) time.Time {
	switch p {
	case precYear:
		return t.AddDate(1, 0, 0)
	case precMonth:
		return t.AddDate(0, 1, 0)
	case precDay:
		return t.AddDate(0, 0, 1)
	case precHour:
		return t.Add(time.Hour)
	}
	return t
}

// ParseKey reads the AWS log layout of an S3 key or a slash-separated local
// path. It locates the AWSLogs/ segment anywhere in the key (trail prefixes
// and local folders may contain slashes) and recognises:
//
//	AWSLogs/ACCOUNT/STREAM/REGION/YYYY/MM/DD/FILE            CloudTrail streams, vpcflowlogs
//	AWSLogs/o-ORGID/ACCOUNT/STREAM/REGION/YYYY/MM/DD/FILE    organization trails
//	AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/HH/FILE    hourly flow logs
//	AWSLogs/aws-account-id=ACCOUNT/aws-service=vpcflowlogs/aws-region=REGION/year=YYYY/month=MM/day=DD/[hour=HH/]FILE
//
//	AWSLogs/ACCOUNT/Config/REGION/YYYY/M/D/ConfigHistory/FILE   AWS Config (also ConfigSnapshot)
//
// where STREAM is CloudTrail, CloudTrail-Digest, CloudTrail-Insight,
// CloudTrail-NetworkActivity, CloudTrail-Aggregated, vpcflowlogs or
// GuardDuty; any other stream folder (elasticloadbalancing, ...) is
// KindOther. A prefix
// (a key cut short, e.g. ".../CloudTrail/us-east-1/") yields what it shows.
// Without an AWSLogs layout it falls back to the file name
// (ACCOUNT_STREAM_REGION_..._YYYYMMDDTHHmmZ...), read leniently. It never
// fails: a key it cannot read has Kind KindUnknown.
func ParseKey(key string) Key {
	k, _ := parseKey(key)
	if !k.HasDate {
		k.Date = time.Time{}
	}
	return k
}

func parseKey(key string) (Key, datePrec) {
	// Try every AWSLogs segment, last first, so that a folder named AWSLogs
	// above a real archive does not hide it.
	end := len(key)
	for end > 0 {
		i := strings.LastIndex(key[:end], "AWSLogs/")
		if i < 0 {
			break
		}
		if i == 0 || key[i-1] == '/' {
			if k, p, ok := parseLayout(key[i+len("AWSLogs/"):]); ok {
				return k, p
			}
		}
		end = i
	}
	base := key
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		base = key[i+1:]
	}
	if k, ok := parseExportKey(key, base); ok {
		return k, precNone
	}
	return parseFileName(base)
}

// parseExportKey recognises the objects of a CloudWatch Logs export task:
// PREFIX/TASK-ID/LOG-STREAM/NNNNNN.gz (TASK-ID a UUID, the stream name
// maybe holding '/'), and the PREFIX/aws-logs-write-test object.
func parseExportKey(key, base string) (Key, bool) {
	if base == "aws-logs-write-test" {
		return Key{Kind: KindOther}, true
	}
	if len(base) != len("000000.gz") || !strings.HasSuffix(base, ".gz") {
		return Key{}, false
	}
	if _, ok := atoiN(base[:6], 6); !ok {
		return Key{}, false
	}
	// A UUID folder with at least one folder (the stream) after it.
	if len(key) <= len(base) {
		return Key{}, false
	}
	rest := key[:len(key)-len(base)-1]
	for {
		i := strings.LastIndexByte(rest, '/')
		if i < 0 {
			return Key{}, false
		}
		seg := rest[i+1:]
		rest = rest[:i]
		if j := strings.LastIndexByte(rest, '/'); parsers.IsExportTaskID(rest[j+1:]) {
			return Key{Kind: KindCWLogsExport}, seg != ""
		}
	}
}

// parseLayout parses the part of a key after "AWSLogs/".
func parseLayout(rest string) (Key, datePrec, bool) {
	var buf [12]string // keys have at most 11 segments after AWSLogs/
	segs := appendSplit(buf[:0], rest)
	// A trailing "" (prefix ending in '/') is not a file.
	hasFile := segs[len(segs)-1] != ""
	if !hasFile {
		segs = segs[:len(segs)-1]
	}
	if len(segs) == 0 {
		return Key{}, precNone, false
	}
	if strings.HasPrefix(segs[0], "aws-account-id=") {
		return parseHive(segs, hasFile)
	}
	var k Key
	if isOrgID(segs[0]) {
		k.OrgID = segs[0]
		segs = segs[1:]
		if len(segs) == 0 {
			return k, precNone, true
		}
	}
	if !isAccount(segs[0]) {
		return Key{}, precNone, false
	}
	k.Account = segs[0]
	segs = segs[1:]
	if len(segs) == 0 {
		return k, precNone, true
	}
	if len(segs) == 1 && hasFile {
		return k, precNone, true // a file directly under the account
	}
	kind, ok := streamKinds[segs[0]]
	if !ok {
		k.Kind = KindOther
		return k, precNone, true
	}
	k.Kind = kind
	segs = segs[1:]
	// What remains: REGION/YYYY/MM/DD/[HH/]FILE; the last segment is the file
	// if hasFile.
	folders := segs
	file := ""
	if hasFile {
		folders, file = segs[:len(segs)-1], segs[len(segs)-1]
	}
	if kind == KindVPCFlow && file != "" {
		k.Format = flowFormat(file)
	}
	if kind == KindConfig && file == "ConfigWritabilityCheckFile" {
		k.Kind = KindOther // Config's test that it may write: no items
		return k, precNone, true
	}
	if len(folders) == 0 {
		return k, precNone, true
	}
	if !isRegion(folders[0]) {
		return k, precNone, true
	}
	k.Region = folders[0]
	var nums [4]int
	n := 0
	for _, s := range folders[1:] {
		if n == 4 {
			break
		}
		want := 2
		if n == 0 {
			want = 4
		} else if kind == KindConfig && len(s) == 1 {
			want = 1 // Config's month and day folders have no leading zero
		}
		v, ok := atoiN(s, want)
		if !ok || (n == 3 && kind != KindVPCFlow) {
			break
		}
		nums[n] = v
		n++
	}
	k, p := setDate(k, nums, n)
	return k, p, true
}

// parseHive parses the Hive-compatible flow-log layout; segs starts with
// "aws-account-id=…".
func parseHive(segs []string, hasFile bool) (Key, datePrec, bool) {
	k := Key{Kind: KindVPCFlow}
	file := ""
	if hasFile {
		segs, file = segs[:len(segs)-1], segs[len(segs)-1]
		k.Format = flowFormat(file)
	}
	if len(segs) == 0 {
		return Key{}, precNone, false // "aws-account-id=…" is the file itself
	}
	acct := strings.TrimPrefix(segs[0], "aws-account-id=")
	if !isAccount(acct) {
		return Key{}, precNone, false
	}
	k.Account = acct
	if len(segs) > 1 && segs[1] != "aws-service=vpcflowlogs" {
		return Key{Kind: KindOther, Account: acct}, precNone, true
	}
	if len(segs) > 2 {
		if r, ok := strings.CutPrefix(segs[2], "aws-region="); ok && isRegion(r) {
			k.Region = r
		} else {
			return k, precNone, true
		}
	}
	var nums [4]int
	n := 0
	names := [4]string{"year=", "month=", "day=", "hour="}
	for i := 3; i < len(segs) && n < 4; i++ {
		s, ok := strings.CutPrefix(segs[i], names[n])
		if !ok {
			break
		}
		want := 2
		if n == 0 {
			want = 4
		}
		v, ok := atoiN(s, want)
		if !ok {
			break
		}
		nums[n] = v
		n++
	}
	k, p := setDate(k, nums, n)
	return k, p, true
}

// setDate fills k's date from n of year, month, day, hour and returns the
// precision. An invalid date (month 13, February 30) leaves no date.
func setDate(k Key, nums [4]int, n int) (Key, datePrec) {
	if n == 0 {
		return k, precNone
	}
	y, m, d, h := nums[0], 1, 1, 0
	if n > 1 {
		m = nums[1]
		if m < 1 || m > 12 {
			return k, precNone
		}
	}
	if n > 2 {
		d = nums[2]
	}
	if n > 3 {
		h = nums[3]
		if h > 23 {
			n = 3
			h = 0
		}
	}
	t := time.Date(y, time.Month(m), d, h, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return k, precNone
	}
	p := datePrec(n)
	// Date is kept for year and month prefixes too, for pruning; ParseKey
	// clears it unless HasDate.
	k.Date = t
	k.HasDate = p >= precDay
	k.Hourly = p == precHour
	return k, p
}

// parseFileName reads ACCOUNT_STREAM_REGION_..._YYYYMMDDTHHmmZ... from a
// file name. The date it yields is the delivery day from the name's
// timestamp.
func parseFileName(base string) (Key, datePrec) {
	var buf [4]string
	parts := buf[:0]
	for rest := base; ; {
		i := strings.IndexByte(rest, '_')
		if i < 0 || len(parts) == 3 {
			parts = append(parts, rest)
			break
		}
		parts = append(parts, rest[:i])
		rest = rest[i+1:]
	}
	if len(parts) < 3 || !isAccount(parts[0]) {
		return Key{}, precNone
	}
	kind, ok := streamKinds[parts[1]]
	if !ok || !isRegion(parts[2]) {
		return Key{}, precNone
	}
	k := Key{Kind: kind, Account: parts[0], Region: parts[2]}
	if kind == KindVPCFlow {
		k.Format = flowFormat(base)
	}
	if len(parts) < 4 || kind == KindCloudTrailDigest {
		return k, precNone
	}
	// Find YYYYMMDDTHHmmZ anywhere in the rest: one AWS example glues the
	// unique suffix to the Z, flow logs put the flow-log ID before it.
	rest := parts[3]
	for i := 0; i+14 <= len(rest); i++ {
		if rest[i+8] != 'T' || rest[i+13] != 'Z' || (i > 0 && rest[i-1] != '_') {
			continue
		}
		y, ok1 := atoiN(rest[i:i+4], 4)
		m, ok2 := atoiN(rest[i+4:i+6], 2)
		d, ok3 := atoiN(rest[i+6:i+8], 2)
		_, ok4 := atoiN(rest[i+9:i+13], 4)
		if ok1 && ok2 && ok3 && ok4 {
			k, p := setDate(k, [4]int{y, m, d}, 3)
			return k, p
		}
	}
	return k, precNone
}

// appendSplit appends the '/'-separated segments of s to dst, like
// strings.Split without allocating when dst has room.
func appendSplit(dst []string, s string) []string {
	for {
		i := strings.IndexByte(s, '/')
		if i < 0 {
			return append(dst, s)
		}
		dst = append(dst, s[:i])
		s = s[i+1:]
	}
}

// flowFormat returns "parquet" for Parquet flow-log file names and "log"
// otherwise.
func flowFormat(name string) string {
	if strings.HasSuffix(name, ".parquet") || strings.Contains(name, ".parquet.") {
		return "parquet"
	}
	return "log"
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isOrgID reports whether s looks like an Organizations ID, o-[a-z0-9]{10,32}.
func isOrgID(s string) bool {
	if len(s) < 12 || len(s) > 34 || !strings.HasPrefix(s, "o-") {
		return false
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// isRegion reports whether s looks like an AWS region: lower-case letters,
// digits and dashes, at least two dashes' worth of parts, ending in a digit
// ("us-east-1", "us-gov-west-1", "cn-north-1", "eu-isoe-west-1").
func isRegion(s string) bool {
	if len(s) < 6 || len(s) > 32 {
		return false
	}
	dashes := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
			if i == 0 || s[i-1] == '-' {
				return false
			}
			dashes++
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		default:
			return false
		}
	}
	last := s[len(s)-1]
	return dashes >= 2 && last >= '0' && last <= '9' && s[0] >= 'a' && s[0] <= 'z'
}

// atoiN parses exactly n ASCII digits.
func atoiN(s string, n int) (int, bool) {
	if len(s) != n {
		return 0, false
	}
	v := 0
	for i := 0; i < n; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}
