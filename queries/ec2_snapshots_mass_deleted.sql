-- id: ec2_snapshots_mass_deleted
-- title: EBS snapshots deleted in bulk
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0040
-- techniques: T1490
-- resource: resource
-- resource_type: Other
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
-- description: One principal deleted five or more EBS snapshots within one clock hour: destroying
--   the recovery points of volumes before wiping or encrypting them. Failed calls count too. Dedup:
--   one finding per account, actor, resource per hour. Benign look-alikes: snapshots expired by Data
--   Lifecycle Manager or AWS Backup (invokedBy set, or their service roles' sessions) are not
--   reported when invokedBy is set; one or two deletions are not reported.
-- remediation: Check the Recycle Bin for the snapshots (ec2 list-snapshots-in-recycle-bin) and
--   restore them; add a Recycle Bin retention rule for snapshots.
-- references: https://attack.mitre.org/techniques/T1490/
-- references: https://docs.aws.amazon.com/ebs/latest/userguide/recycle-bin.html

SELECT recipientaccountid AS account, awsregion AS region, coalesce(useridentity.arn, useridentity.principalid) AS actor,
       'ebs-snapshots' AS resource,
       count(*) AS calls, count(DISTINCT coalesce(json_extract_scalar(requestparameters, '$.snapshotId'), eventid)) AS distinct_targets,
       array_agg(DISTINCT eventname) AS event_names,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'DeleteSnapshot'
  AND useridentity.invokedby IS NULL
GROUP BY recipientaccountid, awsregion, coalesce(useridentity.arn, useridentity.principalid), 'ebs-snapshots', floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 3600)
HAVING count(DISTINCT coalesce(json_extract_scalar(requestparameters, '$.snapshotId'), eventid)) >= 5
