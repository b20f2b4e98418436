-- id: rds_master_password_reset
-- title: RDS master user password changed
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0003, TA0006
-- techniques: T1098
-- resource: resource
-- resource_type: AwsRdsDbInstance
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: The master password of an RDS instance or Aurora cluster was set through the API:
--   whoever set it can log in to the database with full rights, a way to reach data that IAM does
--   not log. Only successful calls count. Dedup: one finding per account, resource, actor per day.
--   Benign look-alikes: rotation by Secrets Manager (manageMasterUserPassword, or a call invoked by
--   secretsmanager.amazonaws.com) and other modifications are not reported.
-- remediation: Rotate the password again through Secrets Manager, review database logins since, and
--   ask the actor why.
-- references: https://attack.mitre.org/techniques/T1098/
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ModifyInstance.Settings.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.dBInstanceIdentifier'), json_extract_scalar(requestparameters, '$.dBClusterIdentifier'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'rds.amazonaws.com'
  AND eventname IN ('ModifyDBInstance', 'ModifyDBCluster')
  AND json_extract(requestparameters, '$.masterUserPassword') IS NOT NULL
  AND errorcode IS NULL
