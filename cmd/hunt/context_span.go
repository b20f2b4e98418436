package main

import (
	"path"
	"regexp"
	"sync"
	"time"

	"github.com/hunt-sec/hunt/archive"
)

// fileStamp is the UTC time stamp AWS puts in the names of CloudTrail and
// flow-log files (…_CloudTrail_us-east-1_20240305T1535Z_…): when the
// file was written, minutes after its events.
// It is compiled on first use, not at every hunt start-up.
var fileStamp = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`_([0-9]{8}T[0-9]{4})Z[_.]`) })

// contextSpan is when the events of object o may have happened, as its
// key tells: within the delivery margin ([archive.DefaultMargin]) of its
// file name's time stamp, else its date folder (a day, or an hour in
// hourly layouts) widened by the margin before it (a late delivery lands
// in a later folder). ok is false for a key without a date.
//
// The windows of aggregating hunts (addContext) compare these spans, not
// the folder dates alone: a one-minute burst across an hour or day
// folder boundary needs the object of the previous folder, and an object
// of the same day far from the new ones need not be read again.
func contextSpan(o archive.Object) (lo, hi time.Time, ok bool) {
	if !o.Facts.HasDate {
		return time.Time{}, time.Time{}, false
	}
	if m := fileStamp().FindStringSubmatch(path.Base(o.Key)); m != nil {
		if t, err := time.Parse("20060102T1504", m[1]); err == nil {
			return t.Add(-archive.DefaultMargin), t.Add(archive.DefaultMargin), true
		}
	}
	d, prec := o.Facts.Date, 24*time.Hour
	if o.Facts.Hourly {
		prec = time.Hour
	}
	return d.Add(-archive.DefaultMargin), d.Add(prec), true
}
