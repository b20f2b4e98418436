// Package bench holds hunt's end-to-end benchmarks and the deterministic
// corpus generator they run on.
//
// # Generator
//
// [Generate] writes a realistic S3-layout archive of CloudTrail and VPC flow
// logs under a folder, as AWS delivers them:
//
//	AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_<16 chars>.json.gz
//	AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail-Digest_REGION_TRAIL_REGION_YYYYMMDDTHHMMSSZ.json.gz
//	AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/ACCOUNT_vpcflowlogs_REGION_fl-ID_YYYYMMDDTHHMMZ_HASH.log.gz
//
// The same [Config] always produces byte-identical files: every object is
// built from its own PCG stream derived from Config.Seed and its index, so
// objects can be built in parallel and in any order. Attack patterns are
// planted into known objects and listed in the [Manifest] with the rule that
// finds them and the number of matching records, so tests and benchmarks can
// check the answers of hunts. The background traffic is built so that it
// never matches those rules.
//
// [GenerateCloudTrailRecords] and [GenerateFlowLines] return the same kind
// of data in memory, for parser benchmarks.
package bench
