-- id: s3_bucket_versioning_suspended
-- title: S3 bucket versioning suspended or MFA delete turned off
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0040
-- techniques: T1490, T1485
-- resource: resource
-- resource_type: AwsS3Bucket
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Versioning was suspended on a bucket, or MFA delete turned off: overwritten and
--   deleted objects are no longer kept, so the next mass deletion or encryption cannot be undone
--   (ransomware preparation). Only successful calls count. Dedup: one finding per account, resource,
--   actor per day. Benign look-alikes: enabling versioning is not reported; buckets of short-lived
--   build output suspended by their pipeline are, so check the bucket's purpose.
-- remediation: Enable versioning again (s3api put-bucket-versioning --versioning-configuration
--   Status=Enabled) and add Object Lock or replication for critical buckets.
-- references: https://attack.mitre.org/techniques/T1490/
-- references: https://attack.mitre.org/techniques/T1485/
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.bucketName'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND eventname = 'PutBucketVersioning'
  AND (json_extract_scalar(requestparameters, '$.VersioningConfiguration.Status') = 'Suspended'
       OR json_extract_scalar(requestparameters, '$.VersioningConfiguration.MfaDelete') = 'Disabled')
  AND errorcode IS NULL
