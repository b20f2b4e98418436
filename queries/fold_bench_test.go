package queries

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/parsers"
)

// sigmaHeader is the header and SELECT a Sigma rule's hunt has
// (sigma.HuntText): one finding per account, actor and API call a day,
// nine evidence columns, the source objects.
const sigmaHeader = `-- id: sigma_bench
-- title: T
-- severity: LOW
-- table: cloudtrail
-- resource: actor
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, actor, eventname
-- window: 24h
-- evidence: eventtime, eventsource, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters, eventid

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.principalid, sourceipaddress, 'unknown') AS actor,
       recipientaccountid AS account, awsregion AS region,
       sourceipaddress, useragent, errorcode, requestparameters, eventid, "$path"
FROM cloudtrail`

// sigmaObjects returns n CloudTrail objects of rows records each, as a
// Sigma rule for a common call matches them: a few actors, a few calls,
// two days, requestparameters and a user agent in every record; a
// finding comes from tens of objects.
func sigmaObjects(n, rows int) []string {
	var objs []string
	for o := range n {
		var recs []string
		for i := range rows {
			k := o*rows + i
			sec := k * 172800 / (n * rows) // two days, in order
			recs = append(recs, fmt.Sprintf(`{"eventVersion":"1.08","eventTime":"2024-03-%02dT%02d:%02d:%02dZ","eventSource":"s3.amazonaws.com","eventName":"%s",`+
				`"awsRegion":"us-east-1","sourceIPAddress":"10.0.%d.%d","userAgent":"aws-cli/2.19.1 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0-49-generic md/arch#x86_64 lang/python#3.12.6",`+
				`"recipientAccountId":"111122223333","eventID":"%08x-8062-41a9-a40e-30c41c5f9d60",`+
				`"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PowerUserAccess_0ae82315e7af791e/user%d@example.com"},`+
				`"requestParameters":{"bucketName":"bucket-%d","key":"logs/2024/03/%d/object-%d.json.gz","Host":"bucket-%d.s3.us-east-1.amazonaws.com"}}`,
				5+sec/86400, sec/3600%24, sec/60%60, sec%60, []string{"GetObject", "PutObject", "HeadObject"}[k%3],
				k%7, k%250, k, k%37, k%5, k%30, k, k%5))
		}
		objs = append(objs, "{\"Records\":["+strings.Join(recs, ",")+"]}")
	}
	return objs
}

// BenchmarkFolder_Sigma folds the result of a Sigma rule's hunt as hunt
// run does: streamed chunk by chunk (views of each object's batch), the
// engine's push of the batches included (fold), then makes every finding
// (findings).
func BenchmarkFolder_Sigma(b *testing.B) {
	h, err := Parse("t.sql", sigmaHeader)
	if err != nil {
		b.Fatal(err)
	}
	q, err := h.Compile(engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	mem := memory.NewGoAllocator()
	var batches []arrow.RecordBatch
	var size int64
	for i, o := range sigmaObjects(200, 100) {
		size += int64(len(o))
		rd, err := parsers.NewCloudTrailReader(strings.NewReader(o), fmt.Sprintf("s3://trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/obj%03d.json.gz", i), parsers.WithAllocator(mem), parsers.WithStrict(true), parsers.WithColumns(q.Columns("cloudtrail")...))
		if err != nil {
			b.Fatal(err)
		}
		for rd.Next() {
			bt := rd.Batch()
			bt.Retain()
			batches = append(batches, bt)
		}
		if err := rd.Err(); err != nil {
			b.Fatal(err)
		}
		rd.Release()
	}
	defer func() {
		for _, bt := range batches {
			bt.Release()
		}
	}()
	fold := func() *Folded {
		r := q.NewRun(1)
		f := h.NewFolder(Window{}, false)
		r.StreamViews(f.Add)
		for _, bt := range batches {
			if err := r.Push(0, bt); err != nil {
				b.Fatal(err)
			}
		}
		res, err := r.Finish()
		if err != nil {
			b.Fatal(err)
		}
		if err := f.Add(res); err != nil {
			b.Fatal(err)
		}
		fd, err := f.Folded()
		if err != nil {
			b.Fatal(err)
		}
		return fd
	}
	b.Run("fold", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			fold()
		}
	})
	// The findings of the fold, made one by one as hunt run hands them
	// to findings.Deliver.
	b.Run("findings", func(b *testing.B) {
		fd := fold()
		var ev int
		b.ReportAllocs()
		for b.Loop() {
			ev = 0
			for x := range fd.All() {
				ev += len(x.Evidence)
			}
		}
		if ev == 0 {
			b.Fatal("no evidence")
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*ev), "ns/evidence-row")
	})
}
