// Package archive is where hunt's bytes come from: local folders and S3.
// It plans which objects a query must read, pruning by the AWS key layout
// before anything is opened, and opens them as decompressed streams.
//
// # Planning
//
// [ParseKey] reads what a key says: the kind of log (CloudTrail, its digest,
// Insight and NetworkActivity streams, VPC flow logs in the default, hourly
// and Hive-compatible layouts), organization ID, account, region and
// delivery date:
//
//	trail/AWSLogs/o-exampleorgid/111122223333/CloudTrail/us-east-1/2024/03/05/f.json.gz
//	→ Key{Kind: KindCloudTrail, OrgID: "o-exampleorgid", Account: "111122223333",
//	      Region: "us-east-1", Date: 2024-03-05, HasDate: true}
//
// [PlanLocal] and [S3.Plan] turn [Facts] (table, time range, accounts,
// regions) into a [Plan]: the objects to read, sorted by key, and every
// object or prefix skipped with its cause ([PruneCause]) and reason. Date folders are delivery
// dates, so the window is widened by [DefaultMargin] after its end;
// digests are always skipped.
//
// # Reading
//
// [Open] returns an object's decompressed bytes (gzip or zstd detected by
// magic bytes, see [Decompress]); [OpenAt] gives raw random access for
// Parquet. S3 objects are fetched with retries: throttling, connection
// resets and truncated bodies are retried and resumed, never passed on as
// a short file. [Progress] counts objects and bytes for a progress line.
//
// A failure to open an object is an [*ObjectError] naming it. Bytes that
// end early — an S3 body short of its Content-Length or listed size after
// all retries, a local file that shrank since it was planned, a gzip or
// zstd stream cut short — are [ErrTruncated], which is
// parsers.ErrTruncated: one errors.Is whichever layer saw it.
//
// # Testing against S3
//
// The S3 tests start versitygw themselves (from PATH or $(go env
// GOPATH)/bin) on a free loopback port over a temporary folder, load a
// generated archive through it and check planning, pruning and fetching,
// also through a loopback proxy that injects 503 SlowDown, connection
// resets and truncated bodies. Without versitygw they skip, unless
// HUNT_REQUIRE_S3=1, where they fail. CI runs:
//
//	go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
//	HUNT_REQUIRE_S3=1 go test ./archive
//
// Benchmarks: go test -run X -bench 'S3|OpenScan' ./archive.
package archive
