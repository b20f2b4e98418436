-- id: rds_snapshot_exported_to_s3
-- title: RDS snapshot exported to S3
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0010
-- techniques: T1537, T1530
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: An export of an RDS or Aurora snapshot (or cluster) to S3 in Parquet was started: a
--   full copy of the database leaves RDS for a bucket, a quiet exfiltration path. The bucket and
--   role are in the evidence. Only successful calls count. Dedup: one finding per account, resource,
--   actor per day. Benign look-alikes: describing or cancelling export tasks is not reported;
--   analytics pipelines that export on a schedule are, so list their roles.
-- remediation: Check the bucket and role against the data team's pipelines; otherwise cancel the
--   task (rds cancel-export-task), delete the exported objects and review the bucket's policy.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://attack.mitre.org/techniques/T1530/
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ExportSnapshot.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.sourceArn'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'rds.amazonaws.com'
  AND eventname = 'StartExportTask'
  AND errorcode IS NULL
