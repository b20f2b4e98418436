-- id: s3_mass_deletion
-- title: Mass deletion of S3 objects or buckets
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0040
-- techniques: T1485
-- resource: resource
-- resource_type: AwsS3Bucket
-- actor: actor
-- account: account
-- region: region
-- time: first_seen
-- last_seen: last_seen
-- count: calls
-- sources: sources
-- dedup: account, actor, resource
-- window: 1h
-- evidence: actor, calls, distinct_targets, event_names, first_seen, last_seen
-- description: One principal made 50 or more DeleteObject/DeleteObjects calls on one bucket within
--   one clock hour, or deleted three or more buckets: data destruction or the clean-up after
--   exfiltration (Stratus s3-ransomware-individual-deletion, batch-deletion). Needs S3 data events
--   for object deletions. Failed calls count too: they show intent. Dedup: one finding per account,
--   actor, resource per hour. Benign look-alikes: lifecycle expiry (done by S3 itself, no API call)
--   and a few deletions are not reported; batch jobs that purge a bucket on purpose are, so list
--   their roles.
-- remediation: Stop the actor's credentials, restore objects from earlier versions or replicas, and
--   check versioning and Object Lock on the bucket.
-- references: https://attack.mitre.org/techniques/T1485/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.impact.s3-ransomware-batch-deletion/

SELECT recipientaccountid AS account, awsregion AS region, coalesce(useridentity.arn, useridentity.principalid) AS actor,
       CASE WHEN eventname = 'DeleteBucket' THEN 'buckets' ELSE coalesce(json_extract_scalar(requestparameters, '$.bucketName'), 'unknown') END AS resource,
       count(*) AS calls, count(DISTINCT coalesce(json_extract_scalar(requestparameters, '$.key'), json_extract_scalar(requestparameters, '$.bucketName'), eventid)) AS distinct_targets,
       array_agg(DISTINCT eventname) AS event_names,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND eventname IN ('DeleteObject', 'DeleteObjects', 'DeleteBucket')
GROUP BY recipientaccountid, awsregion, coalesce(useridentity.arn, useridentity.principalid), CASE WHEN eventname = 'DeleteBucket' THEN 'buckets' ELSE coalesce(json_extract_scalar(requestparameters, '$.bucketName'), 'unknown') END, floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 3600)
HAVING (max(eventname) = 'DeleteBucket' AND count(DISTINCT json_extract_scalar(requestparameters, '$.bucketName')) >= 3) OR (max(eventname) <> 'DeleteBucket' AND count(*) >= 50)
