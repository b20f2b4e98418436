-- id: rds_instance_made_public
-- title: RDS instance made publicly accessible
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0010, TA0005
-- techniques: T1537, T1562.007
-- resource: resource
-- resource_type: AwsRdsDbInstance
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: An existing RDS instance was modified, or one restored from a snapshot or point in
--   time, to be publicly accessible: its endpoint resolves to a public address, the step before
--   reading a copy of the data from outside. Only successful calls count. Dedup: one finding per
--   account, resource, actor per day. Benign look-alikes: modifications that keep or set
--   publiclyAccessible false, and new instances created public on purpose (CreateDBInstance, left to
--   configuration checks), are not reported.
-- remediation: Set publiclyAccessible back to false (rds modify-db-instance
--   --no-publicly-accessible), check its security groups, and review connections in the database
--   logs.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://attack.mitre.org/techniques/T1562/007/
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.dBInstanceIdentifier'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'rds.amazonaws.com'
  AND eventname IN ('ModifyDBInstance', 'RestoreDBInstanceFromDBSnapshot', 'RestoreDBInstanceToPointInTime')
  AND json_extract_scalar(requestparameters, '$.publiclyAccessible') = 'true'
  AND errorcode IS NULL
