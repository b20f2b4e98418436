package archive

import "strconv"

// PruneCause is why planning skipped an object or a prefix: the class a
// caller counts or branches on, where [Pruned.Reason] is the text for
// people. When several facts rule a key out, the first checked is the
// cause: kind, table, account, region, then date.
type PruneCause uint8

const (
	// PrunedUnknown is the zero value: a Pruned made without a cause.
	PrunedUnknown PruneCause = iota
	// PrunedDigest is a CloudTrail digest file: integrity data, no events.
	PrunedDigest
	// PrunedKind is a log kind hunt does not read: other services' logs
	// under AWSLogs/, CloudTrail-Aggregated.
	PrunedKind
	// PrunedTable is a log kind of another table than [Facts.Table].
	PrunedTable
	// PrunedAccount is an account not in [Facts.Accounts].
	PrunedAccount
	// PrunedRegion is a region not in [Facts.Regions].
	PrunedRegion
	// PrunedDate is a delivery date (year, month, day or hour folder)
	// outside the time window and its delivery margin.
	PrunedDate
	// PrunedHidden is a hidden file or folder (name starting with '.').
	PrunedHidden
	// PrunedNotFile is not a regular file: a special file, or a symbolic
	// link to a folder (not followed).
	PrunedNotFile
	// PrunedUnpublished is a part file of a hunt convert run its lake's
	// manifest does not publish (see [PruneUnpublished]).
	PrunedUnpublished
)

var pruneCauseNames = [...]string{
	PrunedUnknown:     "unknown",
	PrunedDigest:      "digest",
	PrunedKind:        "kind",
	PrunedTable:       "table",
	PrunedAccount:     "account",
	PrunedRegion:      "region",
	PrunedDate:        "date",
	PrunedHidden:      "hidden",
	PrunedNotFile:     "not a file",
	PrunedUnpublished: "unpublished",
}

func (c PruneCause) String() string {
	if int(c) < len(pruneCauseNames) {
		return pruneCauseNames[c]
	}
	return "PruneCause(" + strconv.Itoa(int(c)) + ")"
}
