-- id: s3_bucket_replication_removed
-- title: S3 bucket replication removed
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0040
-- techniques: T1490
-- resource: resource
-- resource_type: AwsS3Bucket
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A bucket's replication configuration was deleted: the copy in another region or
--   account (often the backup) stops receiving changes, so data destroyed next cannot be recovered
--   from it. Only successful calls count. Dedup: one finding per account, resource, actor per day.
--   Benign look-alikes: putting or reading a replication configuration is not reported.
-- remediation: Put the replication configuration back and check the replica for objects missed
--   since.
-- references: https://attack.mitre.org/techniques/T1490/
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.bucketName'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND eventname = 'DeleteBucketReplication'
  AND errorcode IS NULL
