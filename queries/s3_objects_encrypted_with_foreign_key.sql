-- id: s3_objects_encrypted_with_foreign_key
-- title: S3 objects written with another account's KMS key (ransomware pattern)
-- severity: CRITICAL
-- table: cloudtrail
-- tactics: TA0040
-- techniques: T1486
-- resource: resource
-- resource_type: AwsS3Bucket
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Objects were copied in place or written with server-side encryption under a KMS key
--   of another account (CopyObject, PutObject, CreateMultipartUpload with
--   x-amz-server-side-encryption-aws-kms-key-id naming a foreign key ARN): once the attacker revokes
--   that key, the data cannot be read, the S3 ransomware pattern. Needs S3 data events. Only
--   successful calls count. Dedup: one finding per account, resource, actor per day. Benign
--   look-alikes: writes with this account's keys, with a key alias or ID (which always resolve in
--   this account) and with SSE-S3 are not reported; cross-account pipelines that encrypt with a
--   partner's key are, so list those keys.
-- remediation: Stop the actor (deactivate its keys), copy objects still readable to a safe bucket,
--   restore earlier versions, and contact AWS about the foreign key.
-- references: https://attack.mitre.org/techniques/T1486/
-- references: https://www.invictus-ir.com/news/ransomware-in-the-cloud
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.bucketName'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND eventname IN ('CopyObject', 'PutObject', 'CreateMultipartUpload')
  AND errorcode IS NULL
  AND regexp_extract(coalesce(json_extract_scalar(requestparameters, '$["x-amz-server-side-encryption-aws-kms-key-id"]'), ''), '^arn:aws[a-z-]*:kms:[^:]*:([0-9]{12}):', 1) <> recipientaccountid
