// Package queries is hunt's library of saved hunting queries: one .sql file
// per hunt, embedded in the binary, each a SQL query in the Athena (Trino)
// dialect with a metadata header of comment lines that says what a responder
// needs to act on its rows.
//
// # Hunt files
//
//	-- id: cloudtrail_stopped
//	-- title: CloudTrail logging stopped or trail deleted
//	-- severity: HIGH
//	-- table: cloudtrail
//	-- tactics: TA0005
//	-- techniques: T1562.008
//	-- resource: trail
//	-- resource_type: AwsCloudTrailTrail
//	-- actor: actor
//	-- account: account
//	-- region: region
//	-- time: eventtime
//	-- dedup: trail, actor
//	-- window: 24h
//	-- evidence: eventtime, eventname, actor, sourceipaddress
//	-- description: Someone stopped a trail or deleted it. Benign look-alike:
//	--   Terraform destroying a test trail (ignored when the user agent says so).
//	-- remediation: Restart logging (StartLogging) and find out who and why.
//	-- references: https://attack.mitre.org/techniques/T1562/008/
//
//	SELECT eventtime, eventname, useridentity.arn AS actor, ... , "$path"
//	FROM cloudtrail_logs WHERE eventname IN ('StopLogging', 'DeleteTrail')
//
// Required keys: id (the file name without .sql), title, severity
// (INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL, as ASFF), table (cloudtrail,
// vpc_flow, guardduty or config, or their Athena names; a hunt that joins
// tables lists each, the findings' table first: "guardduty, cloudtrail",
// and hunt run hands it the batches of each from its one scan),
// resource and resource_type, time and dedup. The column keys (resource, actor, account, region, time, last_seen,
// count, sources, dedup, evidence) name output columns of the SQL. title,
// description and remediation continue on lines that start with "--" and
// three spaces; tactics, techniques, dedup, evidence and references take
// comma-separated lists and may repeat. window defaults to 24h, sources to
// "$path" (the object each row came from), evidence to every column but the
// sources.
//
// # From rows to findings
//
// [Hunt.Findings] folds the rows of a run: rows with equal dedup key values
// whose time falls into the same window bucket (time rounded down to a
// multiple of window) are one finding, with ID findings.NewID(hunt, key,
// bucket), first and last seen, a count (rows, or the sum of the count
// column for hunts that aggregate), the first [MaxEvidence] rows and the
// source objects. The ID is stable, so run state suppresses a finding already
// delivered and Security Hub updates it in place.
//
// # Limits
//
// Hunts that count (bursts, scans, floods) count within one run: with
// incremental runs, a burst whose events straddle two runs' objects may stay
// below its threshold in both. Their windows are clock buckets (GROUP BY
// time rounded down), not sliding windows, so a burst across a bucket
// boundary is split too; the engine has no window functions. Without joins,
// hunts cannot compare against a learned baseline ("a region this account
// never used", "a new source address for this role"): they use fixed lists
// and thresholds that a copy of the hunt can tune. JSON arrays in request
// parameters are read whole: with regexp_extract_all over the list (the
// accounts a snapshot, AMI or document is shared with), or one UNION ALL
// branch per element for the first five (security-group permissions).
//
// IAM policy documents (trust, bucket, key, secret, repository, queue, topic
// and endpoint policies, Lambda permission statements) are read only with
// policy_principals and policy_external_principals (engine/func_policy.go):
// every principal form, Allow statements only, Condition-restricted "*"
// told apart. They are local functions Athena lacks, so a hunt that uses
// them runs only with --engine local, and --engine athena says so. A finding already
// delivered is not sent again when later rows fall into its window: its
// count and last seen stay as delivered.
//
// # Tests
//
// Every hunt has fixtures in testdata/hunts/ID/ (positive* must raise at least
// one finding of the hunt, negative* none: benign look-alikes) and a golden
// file testdata/golden/ID.golden with its findings, as JSON Lines, over all
// fixtures of all hunts — so `hunt run testdata/hunts` emits exactly the
// golden files put together. Refresh them with `go test ./queries -update`.
// Adding a hunt means adding files, not Go code. TestScorecard is the
// detection scorecard (go test ./queries -run Scorecard -v prints it per
// hunt): every positive fixture fires, every negative stays quiet, and every
// header names techniques, dedup, window and benign look-alikes;
// TestScorecard_Stratus checks the expected hunts fire on each Stratus Red
// Team detonation log in testdata/cloudtrail/corpus.
package queries
