-- id: backup_recovery_points_deleted
-- title: AWS Backup vault, plan or recovery points deleted
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0040
-- techniques: T1490
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: AWS Backup recovery points, a vault, a plan, a selection or a vault lock were
--   deleted, or a recovery point's lifecycle shortened: the backups a ransom attacker destroys
--   first. Only successful calls by people or programs count. Dedup: one finding per account,
--   resource, actor per day. Benign look-alikes: recovery points expired by their lifecycle (deleted
--   by AWS Backup itself, invokedBy set) and backup jobs are not reported.
-- remediation: Check the vault's remaining recovery points and the copies in the backup account;
--   apply Vault Lock in compliance mode to critical vaults.
-- references: https://attack.mitre.org/techniques/T1490/
-- references: https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.backupVaultName'), json_extract_scalar(requestparameters, '$.BackupVaultName'), json_extract_scalar(requestparameters, '$.backupPlanId'), json_extract_scalar(requestparameters, '$.BackupPlanId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'backup.amazonaws.com'
  AND eventname IN ('DeleteRecoveryPoint', 'DeleteBackupVault', 'DeleteBackupPlan', 'DeleteBackupVaultLockConfiguration', 'DeleteBackupSelection', 'UpdateRecoveryPointLifecycle')
  AND errorcode IS NULL
  AND useridentity.invokedby IS NULL
