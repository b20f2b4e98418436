package parsers

import (
	"bytes"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
)

// GuardDutySchema is the schema of the guardduty table: the columns of the
// GuardDuty findings table AWS documents for Athena ("Querying Amazon
// GuardDuty findings", table gd_logs), lowercase and in its order, plus
// [SourceColumn]. As in AWS's table every column is a string: resource and
// service hold the raw JSON text of the objects (read them with
// json_extract_scalar(service, '$.archived')), severity holds the number's
// text (compare CAST(severity AS double) >= 7), createdat and updatedat
// are ISO-8601 text. Low-cardinality strings are dictionary-encoded.
var GuardDutySchema = arrow.NewSchema([]arrow.Field{
	dict("schemaversion"),
	dict("accountid"),
	dict("region"),
	dict("partition"),
	str("id"),
	str("arn"),
	dict("type"),
	str("resource"),
	str("service"),
	dict("severity"),
	str("createdat"),
	str("updatedat"),
	str("title"),
	str("description"),
	dict(SourceColumn),
}, nil)

var guardDutyTable = &jrTable{
	name:   "guardduty",
	schema: GuardDutySchema,
	columns: []jrColumn{
		{key: "schemaversion"},
		{key: "accountid"},
		{key: "region"},
		{key: "partition"},
		{key: "id", required: true},
		{key: "arn"},
		{key: "type"},
		{key: "resource", kind: jrRaw},
		{key: "service", kind: jrRaw},
		{key: "severity"},
		{key: "createdat", kind: jrTime},
		{key: "updatedat", kind: jrTime, required: true},
		{key: "title"},
		{key: "description"},
	},
	what: "a GuardDuty finding",
}

// GuardDutyReader reads GuardDuty findings exported to S3
// (AWSLogs/ACCOUNT/GuardDuty/REGION/YYYY/MM/DD/*.jsonl.gz: JSON Lines, one
// finding a line) into Arrow record batches of the (projected)
// [GuardDutySchema]. Concatenated or pretty-printed finding objects read
// too.
//
// Only projected keys are decoded; the values of the others are skipped
// structurally. Keys match ignoring ASCII case, as in Athena's JSON SerDe.
// A finding without an id or an updatedAt, with a value of the wrong type,
// a bad time or invalid UTF-8 is counted in Stats.Rejected with a
// positioned [ParseError] (line:col, offset and key) in Rejects; broken
// JSON rejects its line and reading goes on at the next one. With
// [WithStrict] the first bad finding is Err.
//
// GuardDuty exports a finding again each time it is updated (new
// occurrences, archiving), with the same id and a later updatedAt; the
// reader keeps every export as a row. A finding exported twice with the
// same updatedAt is two identical rows: hunts that count findings
// deduplicate with GROUP BY id and max_by(column, updatedat) (see
// queries/guardduty_high_severity.sql).
//
// A GuardDutyReader is not safe for concurrent use.
type GuardDutyReader struct{ *jsonRowReader }

// NewGuardDutyReader returns a reader of the findings in r, a decompressed
// stream. source names r in errors and fills the $path column. The caller
// must call Release.
func NewGuardDutyReader(r io.Reader, source string, opts ...Option) (*GuardDutyReader, error) {
	jr, err := newJSONRowReader(guardDutyTable, r, source, opts)
	if err != nil {
		return nil, err
	}
	return &GuardDutyReader{jr}, nil
}

// sniffGuardDuty: an object whose first keys are a finding's
// ("schemaVersion", then a guardduty ARN or the "partition" key).
func sniffGuardDuty(head []byte) bool {
	return head[0] == '{' && bytes.Contains(head, []byte(`"schemaVersion"`)) &&
		(bytes.Contains(head, []byte(`:guardduty:`)) || bytes.Contains(head, []byte(`"partition"`)))
}
