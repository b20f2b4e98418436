-- id: rds_restore_from_public_snapshot
-- title: RDS database restored from another account's (public or shared) snapshot
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0002, TA0003
-- techniques: T1578.002, T1525
-- resource: resource
-- resource_type: AwsRdsDbInstance
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A database was restored from a snapshot named by the ARN of another account: a public
--   snapshot or one shared by an outsider, which may carry a planted user, trigger or data, and
--   costs the account the instance. Only successful calls count. Dedup: one finding per account,
--   resource, actor per day. Benign look-alikes: restores from this account's own snapshots (a name
--   or an own-account ARN) are not reported; snapshots shared by your other accounts (a backup
--   account) are, so list them.
-- remediation: Check who owns the snapshot account; if unknown, stop and delete the restored
--   database and review what it connected to.
-- references: https://attack.mitre.org/techniques/T1578/002/
-- references: https://attack.mitre.org/techniques/T1525/
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.dBInstanceIdentifier'), json_extract_scalar(requestparameters, '$.dBClusterIdentifier'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'rds.amazonaws.com'
  AND eventname IN ('RestoreDBInstanceFromDBSnapshot', 'RestoreDBClusterFromSnapshot')
  AND errorcode IS NULL
  AND regexp_extract(coalesce(json_extract_scalar(requestparameters, '$.dBSnapshotIdentifier'), json_extract_scalar(requestparameters, '$.snapshotIdentifier'), ''), '^arn:aws[a-z-]*:rds:[^:]*:([0-9]{12}):', 1) <> recipientaccountid
