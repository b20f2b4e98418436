package parsers

import (
	"bytes"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
)

// ConfigSchema is the schema of the config table: one row per AWS Config
// configuration item, with the fields of the configurationItems struct of
// the AWS Config table AWS documents for Athena, lowercase and in its
// order, plus relationships and [SourceColumn]. configuration and
// relationships hold the raw JSON text (read them with json_extract);
// supplementaryconfiguration maps each key to its value's JSON text (a
// string value to its content, as AWS Config writes some of them as JSON
// in a string); tags map keys to values. configurationitemcapturetime
// and resourcecreationtime are ISO-8601 text.
var ConfigSchema = arrow.NewSchema([]arrow.Field{
	dict("configurationitemversion"),
	str("configurationitemcapturetime"),
	{Name: "configurationstateid", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	dict("awsaccountid"),
	dict("configurationitemstatus"),
	dict("resourcetype"),
	str("resourceid"),
	str("resourcename"),
	str("arn"),
	dict("awsregion"),
	dict("availabilityzone"),
	str("configurationstatemd5hash"),
	str("configuration"),
	{Name: "supplementaryconfiguration", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), Nullable: true},
	{Name: "tags", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), Nullable: true},
	str("resourcecreationtime"),
	str("relationships"),
	dict(SourceColumn),
}, nil)

var configTable = &jrTable{
	name:   "config",
	schema: ConfigSchema,
	columns: []jrColumn{
		{key: "configurationitemversion"},
		{key: "configurationitemcapturetime", kind: jrTime, required: true},
		{key: "configurationstateid", kind: jrInt64},
		{key: "awsaccountid"},
		{key: "configurationitemstatus"},
		{key: "resourcetype", required: true},
		{key: "resourceid", required: true},
		{key: "resourcename"},
		{key: "arn"},
		{key: "awsregion"},
		{key: "availabilityzone"},
		{key: "configurationstatemd5hash"},
		{key: "configuration", kind: jrRaw},
		{key: "supplementaryconfiguration", kind: jrMap},
		{key: "tags", kind: jrMap},
		{key: "resourcecreationtime", kind: jrTime},
		{key: "relationships", kind: jrRaw},
	},
	arrayKey: "configurationitems",
	what:     "a configuration item",
}

// ConfigReader reads AWS Config configuration history and snapshot files
// (AWSLogs/ACCOUNT/Config/REGION/YYYY/M/D/ConfigHistory|ConfigSnapshot/*.json.gz,
// {"fileVersion":...,"configurationItems":[...]}) into Arrow record
// batches of the (projected) [ConfigSchema], one row per configuration
// item. It streams over the configurationItems array item by item, as the
// CloudTrail reader streams Records, never holding the file whole; keys
// before and after the array are skipped, and so are objects without one
// (the ConfigWritabilityCheckFile), counted in Stats.Skipped.
//
// An item without resourceType, resourceId or configurationItemCaptureTime,
// with a value of the wrong type, a bad time or invalid UTF-8 is counted
// in Stats.Rejected with a positioned [ParseError] in Rejects, and reading
// goes on. Broken JSON inside the array cannot be resynchronised: it ends
// the file with a sticky Err. With [WithStrict] the first bad item is Err.
//
// The state of resources at a time T is the latest item per resource at
// or before T:
//
//	SELECT resourceid, max_by(configuration, configurationitemcapturetime) AS configuration
//	FROM config
//	WHERE configurationitemcapturetime <= '2024-03-05T12:00:00Z'
//	GROUP BY resourceid
//
// (ISO-8601 text in one format orders as time; an item whose status is
// ResourceDeleted says the resource no longer existed.)
//
// A ConfigReader is not safe for concurrent use.
type ConfigReader struct{ *jsonRowReader }

// NewConfigReader returns a reader of the configuration items in r, a
// decompressed stream. source names r in errors and fills the $path
// column. The caller must call Release.
func NewConfigReader(r io.Reader, source string, opts ...Option) (*ConfigReader, error) {
	jr, err := newJSONRowReader(configTable, r, source, opts)
	if err != nil {
		return nil, err
	}
	return &ConfigReader{jr}, nil
}

// sniffConfig: an object whose first key is fileVersion, configSnapshotId
// or configurationItems.
func sniffConfig(head []byte) bool {
	if head[0] != '{' {
		return false
	}
	i := skipWS(head, 1)
	for _, k := range [...]string{`"fileVersion"`, `"configSnapshotId"`, `"configurationItems"`} {
		if bytes.HasPrefix(head[i:], []byte(k)) {
			return true
		}
	}
	return false
}
