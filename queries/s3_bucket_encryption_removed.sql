-- id: s3_bucket_encryption_removed
-- title: S3 bucket default encryption removed
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0040, TA0005
-- techniques: T1486, T1562.001
-- resource: resource
-- resource_type: AwsS3Bucket
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A bucket's default encryption configuration was deleted (S3 falls back to SSE-S3),
--   often followed by the attacker's own encryption with a key it controls. Only successful calls
--   count. Dedup: one finding per account, resource, actor per day. Benign look-alikes: putting or
--   reading an encryption configuration is not reported.
-- remediation: Put the encryption configuration back (s3api put-bucket-encryption) and check for
--   objects written with foreign KMS keys (s3_objects_encrypted_with_foreign_key).
-- references: https://attack.mitre.org/techniques/T1486/
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.bucketName'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND eventname = 'DeleteBucketEncryption'
  AND errorcode IS NULL
