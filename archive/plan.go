package archive

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultMargin is how long after the end of a time window a CloudTrail or
// flow-log file may still be delivered and hold events from inside it.
// Folder dates and file-name timestamps are delivery times: CloudTrail
// delivers about 5 minutes after the event (Insights about 30), flow logs
// about 10 minutes after the capture window, neither guaranteed. One hour
// covers normal delivery with room to spare; files delivered later (e.g.
// CloudTrail's 30-day retries after a broken bucket policy) need a larger
// [Facts.Margin]. The engine still filters rows on eventtime / start.
//
// The start of a window needs no margin: a file delivered at T holds only
// events from before T, and a flow-log file is named after the 5-minute
// window its records' end times fall in (end ≥ start), so no file dated
// before Since can hold a row at or after Since.
const DefaultMargin = time.Hour

// Facts are the pruning facts a query plan gives the archive: only objects
// that may hold matching rows are planned. Zero values mean no restriction.
type Facts struct {
	// Table is the name of the one table to plan objects of, one of
	// [KindTables] ("cloudtrail", "vpc_flow"), or "" for all tables.
	// Objects whose key layout names another table are pruned; objects of
	// no known layout are kept (their content tells).
	Table string
	// Since (inclusive) and Until (exclusive) bound event times; zero is open.
	Since, Until time.Time
	// Margin is the delivery lag allowed after Until; zero means [DefaultMargin].
	Margin time.Duration
	// Accounts and Regions restrict to these account IDs and regions.
	Accounts, Regions []string
}

// check validates f.
func (f *Facts) check() error {
	if f.Table != "" && !slices.Contains(KindTables(), f.Table) {
		return fmt.Errorf("unknown table %q: expected %s or \"\" (a table no key layout names is planned as \"\")", f.Table, quoteList(KindTables()))
	}
	if f.Margin < 0 {
		return fmt.Errorf("negative delivery margin %s", f.Margin)
	}
	return nil
}

func (f *Facts) margin() time.Duration {
	if f.Margin == 0 {
		return DefaultMargin
	}
	return f.Margin
}

// Object is one log object to read.
type Object struct {
	// URI is "s3://bucket/key" or a local path as given (OS separators).
	URI string
	// Key is the S3 key, or the local path with forward slashes.
	Key     string
	Size    int64
	ETag    string // S3 ETag (quotes stripped); "" for local files
	ModTime time.Time
	// Facts is what the key layout says (kind, account, region, date).
	Facts Key

	s3 *S3 // the source that planned an s3:// object, used by [Open]
}

// Pruned is an object or a whole prefix that planning skipped, and why.
// Exactly one of Object.URI and Prefix is set.
type Pruned struct {
	Object Object
	Prefix string     // "s3://bucket/prefix/" or a local folder ending in '/'
	Cause  PruneCause // e.g. PrunedDigest, PrunedAccount
	Reason string     // e.g. "digest", "account 222233334444 not in --account"
}

// Plan is the result of planning: the objects to read, sorted by Key, what
// was skipped, and what was listed to find them.
type Plan struct {
	Objects []Object
	Pruned  []Pruned
	// ListedPrefixes are the S3 prefixes listed (or local folders read).
	ListedPrefixes []string
	// Bytes is the total Size of Objects.
	Bytes int64
}

func (p *Plan) finish() {
	slices.SortFunc(p.Objects, func(a, b Object) int { return strings.Compare(a.Key, b.Key) })
	p.Objects = slices.CompactFunc(p.Objects, func(a, b Object) bool { return a.URI == b.URI })
	p.Bytes = 0
	for _, o := range p.Objects {
		p.Bytes += o.Size
	}
	slices.SortFunc(p.Pruned, func(a, b Pruned) int {
		return strings.Compare(a.Prefix+a.Object.URI, b.Prefix+b.Object.URI)
	})
	slices.Sort(p.ListedPrefixes)
	p.ListedPrefixes = slices.Compact(p.ListedPrefixes)
}

// prune returns why an object (or a prefix showing k with date precision
// prec) cannot hold rows matching f, or PrunedUnknown and "" if it may.
func (f *Facts) prune(k Key, prec datePrec) (PruneCause, string) {
	switch k.Kind {
	case KindCloudTrailDigest:
		return PrunedDigest, "digest"
	case KindCloudTrailAggregated:
		return PrunedKind, "cloudtrail-aggregated: record shape not supported"
	case KindOther:
		return PrunedKind, "not CloudTrail or VPC flow logs"
	}
	if f.Table != "" && k.Kind != KindUnknown && k.Kind != KindCWLogsExport && k.Kind.Table() != f.Table {
		return PrunedTable, fmt.Sprintf("%s not in table %s", k.Kind, f.Table)
	}
	if k.Account != "" && len(f.Accounts) > 0 && !containsFold(f.Accounts, k.Account) {
		return PrunedAccount, fmt.Sprintf("account %s not in --account", k.Account)
	}
	if k.Region != "" && len(f.Regions) > 0 && !containsFold(f.Regions, k.Region) {
		return PrunedRegion, fmt.Sprintf("region %s not in --region", k.Region)
	}
	if prec == precNone || (f.Since.IsZero() && f.Until.IsZero()) {
		return PrunedUnknown, ""
	}
	start, end := k.Date, prec.end(k.Date)
	lo, hi := f.window(k.Kind)
	if (!f.Since.IsZero() && !end.After(lo)) || (!f.Until.IsZero() && !start.Before(hi)) {
		return PrunedDate, fmt.Sprintf("%s %s outside %s..%s (+%s delivery margin)",
			precName(prec), fmtPrec(start, prec), fmtBound(f.Since), fmtBound(f.Until), fmtDur(max(f.margin(), k.Kind.deliveryLag())))
	}
	return PrunedUnknown, ""
}

// window returns the delivery-time window [lo, hi) that may hold events of
// [Since, Until) in files of kind k (the margin is at least k's delivery
// lag).
func (f *Facts) window(k Kind) (lo, hi time.Time) {
	if !f.Since.IsZero() {
		lo = f.Since
	}
	if !f.Until.IsZero() {
		hi = f.Until.Add(max(f.margin(), k.deliveryLag()))
	}
	return lo, hi
}

func precName(p datePrec) string {
	switch p {
	case precYear:
		return "year"
	case precMonth:
		return "month"
	case precHour:
		return "hour"
	}
	return "date"
}

func fmtPrec(t time.Time, p datePrec) string {
	switch p {
	case precYear:
		return t.Format("2006")
	case precMonth:
		return t.Format("2006-01")
	case precHour:
		return t.Format("2006-01-02T15")
	}
	return t.Format("2006-01-02")
}

func fmtBound(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format("2006-01-02")
	}
	return t.Format(time.RFC3339)
}

func fmtDur(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	s = strings.TrimSuffix(s, "0m")
	return s
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), s) {
			return true
		}
	}
	return false
}

// quoteList quotes names for messages: "a", "b".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
