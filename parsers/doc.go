// Package parsers turns raw CloudTrail, VPC Flow Logs, GuardDuty and AWS
// Config bytes into Apache Arrow record batches, building only the columns a
// query needs.
//
// # Readers
//
// Each table has a pull reader in the style of encoding/csv and
// bufio.Scanner: Next decodes up to [BatchRows] records, Batch returns them
// (valid until the next Next; Retain to keep), Err reports what stopped the
// reader, Stats counts records read, rejected and skipped, and Rejects keeps
// the positioned errors of the rejected records. Release frees the builders.
//
//   - [NewCloudTrailReader] reads the S3 delivery object {"Records":[...]},
//     JSON arrays, NDJSON and single records, detected from the content, into
//     [CloudTrailSchema]. Digest files are counted in Stats.Skipped. In a
//     record without eventTime, as SIEM exports have, a top-level
//     "@timestamp" is the event time (checked as eventTime is).
//   - [NewVPCFlowReader] reads flow-log text, v2 to v8, in the column order of
//     its header line (the default v2 format without one), into
//     [VPCFlowSchema].
//   - [NewGuardDutyReader] reads GuardDuty findings exported to S3 (JSON
//     Lines) into [GuardDutySchema]; [NewConfigReader] streams the items of
//     AWS Config history and snapshot files into [ConfigSchema], one row
//     each. Both share the flat JSON reader of json_rows.go.
//   - The flow-log and CloudTrail tables' readers ([Table].NewReader) also
//     unwrap CloudWatch Logs subscription deliveries (cwlogs.go).
//   - [NewVPCFlowParquetReader] reads the Parquet files AWS delivers into the
//     same schema; [NewCloudTrailParquetReader] reads the Parquet files
//     `hunt convert` writes.
//
// Readers take a decompressed io.Reader (see archive.Decompress) and know
// nothing about S3. [WithColumns] projects a reader onto the columns and
// nested fields a query needs; everything else is skipped at the byte level.
//
// A small input and its result:
//
//	{"Records":[{"eventVersion":"1.08","eventTime":"2024-03-05T15:02:41Z",
//	  "eventName":"CreateNetworkAclEntry","userIdentity":{"arn":"arn:aws:iam::111122223333:user/alice"}}]}
//
// read WithColumns("eventtime", "eventname", "useridentity.arn") gives one
// row: eventtime "2024-03-05T15:02:41Z", eventname "CreateNetworkAclEntry",
// useridentity {arn: "arn:aws:iam::111122223333:user/alice"}.
//
// # Bad input
//
// Nothing is dropped silently: a record is either a row or counted as
// rejected with a [ParseError] naming the source, the position (byte offset,
// or line:column for text), the record and field ("Records[17].eventTime"),
// what was expected and what was found. Reading goes on with the next record
// where the format allows; [WithStrict] makes the first bad record fatal.
// Inputs are bounded: [MaxDepth] levels of JSON nesting, [MaxRecordBytes]
// per CloudTrail record, and what a Parquet file's metadata claims (footer,
// page and value sizes, compressed streams' output) by the file's size, so
// a hostile file is a [ParseError] wrapping [ErrCorrupt], never an OOM.
//
// # Cost
//
// Decoding works on []byte with no per-record allocation in steady state:
// values are located in the input buffer, unescaped only when they hold
// escapes, and appended straight into Arrow buffers.
package parsers
