-- id: rds_snapshot_shared
-- title: RDS snapshot shared with another account or made public
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0010
-- techniques: T1537
-- resource: resource
-- resource_type: AwsRdsDbSnapshot
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A database snapshot's restore permission was given to another account, or to "all"
--   (public) (Stratus rds-share-snapshot). Only successful calls count. Benign look-alikes:
--   removing accounts (valuesToRemove only) is not reported; sharing with your own backup account
--   is, so keep a list of those.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Remove the account from the snapshot's restore attribute and treat the database
--   contents as exposed.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.exfiltration.rds-share-snapshot/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.dBSnapshotIdentifier'), json_extract_scalar(requestparameters, '$.dBClusterSnapshotIdentifier'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'rds.amazonaws.com'
  AND eventname IN ('ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute')
  AND errorcode IS NULL
  AND json_extract_scalar(requestparameters, '$.attributeName') = 'restore'
  AND json_extract_scalar(requestparameters, '$.valuesToAdd[0]') IS NOT NULL
