-- id: rds_deletion_protection_disabled
-- title: RDS deletion protection disabled
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0040
-- techniques: T1485
-- resource: resource
-- resource_type: AwsRdsDbInstance
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Deletion protection was turned off on an RDS instance or Aurora cluster: the last
--   guard before the database can be deleted. Only successful calls count. Dedup: one finding per
--   account, resource, actor per day. Benign look-alikes: enabling it and other modifications are
--   not reported; planned decommissioning turns it off too, so check the change records.
-- remediation: Turn deletion protection back on (rds modify-db-instance --deletion-protection)
--   unless a decommission is planned, and make sure a recent snapshot exists.
-- references: https://attack.mitre.org/techniques/T1485/
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.dBInstanceIdentifier'), json_extract_scalar(requestparameters, '$.dBClusterIdentifier'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'rds.amazonaws.com'
  AND eventname IN ('ModifyDBInstance', 'ModifyDBCluster', 'ModifyGlobalCluster')
  AND json_extract_scalar(requestparameters, '$.deletionProtection') = 'false'
  AND errorcode IS NULL
