-- id: s3_bucket_logging_disabled
-- title: S3 server access logging turned off
-- severity: LOW
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.008
-- resource: resource
-- resource_type: AwsS3Bucket
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Server access logging of a bucket was turned off (PutBucketLogging with an empty
--   BucketLoggingStatus): reads of the bucket stop being logged, ahead of exfiltration. Only
--   successful calls count. Dedup: one finding per account, resource, actor per day. Benign
--   look-alikes: turning logging on or moving it to another target bucket (LoggingEnabled present)
--   is not reported.
-- remediation: Turn access logging back on (s3api put-bucket-logging) and use CloudTrail data events
--   for the gap.
-- references: https://attack.mitre.org/techniques/T1562/008/
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.bucketName'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND eventname = 'PutBucketLogging'
  AND json_extract(requestparameters, '$.BucketLoggingStatus') IS NOT NULL
  AND json_extract(requestparameters, '$.BucketLoggingStatus.LoggingEnabled') IS NULL
  AND errorcode IS NULL
