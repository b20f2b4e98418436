-- id: rds_snapshot_public
-- title: RDS snapshot made public
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0010
-- techniques: T1537
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A DB snapshot or cluster snapshot was shared with "all": any AWS account can restore
--   the database. Every value added is read, not only the first. Only successful calls count. Dedup:
--   one finding per account, resource, actor per day. Benign look-alikes: sharing with named
--   accounts (left to rds_snapshot_shared) and removing "all" are not reported.
-- remediation: Remove "all" (rds modify-db-snapshot-attribute --values-to-remove all) at once and
--   treat the data as exposed.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.dBSnapshotIdentifier'), json_extract_scalar(requestparameters, '$.dBClusterSnapshotIdentifier'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'rds.amazonaws.com'
  AND eventname IN ('ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute')
  AND json_extract_scalar(requestparameters, '$.attributeName') = 'restore'
  AND regexp_like(coalesce(json_format(json_extract(requestparameters, '$.valuesToAdd')), ''), '"all"')
  AND errorcode IS NULL
