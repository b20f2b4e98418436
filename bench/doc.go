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
// The same [Config] always produces byte-identical files (given the same
// klauspost/compress version; the uncompressed content depends only on the
// Config): every object is
// built from its own PCG stream derived from Config.Seed and its index, so
// objects can be built in parallel and in any order. Attack patterns are
// planted into known objects and listed in the [Manifest] with the rule that
// finds them and the number of matching records, so tests and benchmarks can
// check the answers of hunts. The background traffic is built so that it
// never matches those rules.
//
// For example, 1 GB of each table with the default three accounts and two
// regions:
//
//	m, err := bench.Generate(ctx, bench.Config{Seed: 1, Dir: dir, CloudTrailBytes: 1 << 30, FlowBytes: 1 << 30})
//	// m.Objects: about 340 CloudTrail and 340 flow objects of 1-5 MB.
//	// m.Attacks: {Name: "flow_reject_flood", Actor: "185.220.7.47", Records: 150, Rule: "action = 'REJECT', grouped by …"}, …
//
// [GenerateCloudTrailRecords] and [GenerateFlowLines] return the same kind
// of data in memory, for parser benchmarks.
package bench
