-- id: dynamodb_mass_deletion
-- title: DynamoDB tables or backups deleted in bulk
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0040
-- techniques: T1485, T1490
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
-- description: One principal deleted three or more DynamoDB tables or backups within one clock hour:
--   destroying data and its recovery points. Failed calls count too. Dedup: one finding per account,
--   actor, resource per hour. Benign look-alikes: one table or backup removed, and deletions by AWS
--   Backup or CloudFormation stacks (invokedBy set), are not reported; a test environment torn down
--   by its pipeline is, so list those roles.
-- remediation: Restore the tables from point-in-time recovery or AWS Backup, stop the actor's
--   credentials, and turn on deletion protection for the tables.
-- references: https://attack.mitre.org/techniques/T1485/
-- references: https://attack.mitre.org/techniques/T1490/
-- references: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection

SELECT recipientaccountid AS account, awsregion AS region, coalesce(useridentity.arn, useridentity.principalid) AS actor,
       'dynamodb' AS resource,
       count(*) AS calls, count(DISTINCT coalesce(json_extract_scalar(requestparameters, '$.tableName'), json_extract_scalar(requestparameters, '$.backupArn'), eventid)) AS distinct_targets,
       array_agg(DISTINCT eventname) AS event_names,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM cloudtrail_logs
WHERE eventsource = 'dynamodb.amazonaws.com'
  AND eventname IN ('DeleteTable', 'DeleteBackup')
  AND useridentity.invokedby IS NULL
GROUP BY recipientaccountid, awsregion, coalesce(useridentity.arn, useridentity.principalid), 'dynamodb', floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 3600)
HAVING count(DISTINCT coalesce(json_extract_scalar(requestparameters, '$.tableName'), json_extract_scalar(requestparameters, '$.backupArn'), eventid)) >= 3
