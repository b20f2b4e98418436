-- id: rds_backups_removed
-- title: RDS automated backups deleted or turned off
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0040
-- techniques: T1490, T1485
-- resource: resource
-- resource_type: AwsRdsDbInstance
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Automated backups of an RDS instance or cluster were deleted, backup retention was
--   set to 0 (which deletes them), or an instance was deleted with its automated backups and no
--   final snapshot: the recovery points a ransom attacker destroys before wiping or encrypting data.
--   Only successful calls count. Dedup: one finding per account, resource, actor per day. Benign
--   look-alikes: changing the retention to another non-zero value, deleting an instance with a final
--   snapshot or keeping its backups, and read calls are not reported.
-- remediation: Restore from any remaining snapshot or AWS Backup recovery point, set the retention
--   back, and lock backups with AWS Backup Vault Lock.
-- references: https://attack.mitre.org/techniques/T1490/
-- references: https://attack.mitre.org/techniques/T1485/
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.dBInstanceIdentifier'), json_extract_scalar(requestparameters, '$.dBClusterIdentifier'), json_extract_scalar(requestparameters, '$.dbiResourceId'), json_extract_scalar(requestparameters, '$.dbClusterResourceId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'rds.amazonaws.com'
  AND errorcode IS NULL
  AND (eventname IN ('DeleteDBInstanceAutomatedBackup', 'DeleteDBClusterAutomatedBackup')
       OR (eventname IN ('ModifyDBInstance', 'ModifyDBCluster') AND json_extract_scalar(requestparameters, '$.backupRetentionPeriod') = '0')
       OR (eventname = 'DeleteDBInstance' AND json_extract_scalar(requestparameters, '$.deleteAutomatedBackups') = 'true' AND json_extract_scalar(requestparameters, '$.skipFinalSnapshot') = 'true'))
