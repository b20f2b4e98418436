-- id: s3_public_access_block_removed
-- title: S3 Block Public Access removed or weakened
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0005, TA0010
-- techniques: T1562.001, T1530
-- resource: resource
-- resource_type: AwsS3Bucket
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Block Public Access was deleted, or one of its four settings turned off, for a
--   bucket or the whole account (the resource is the account ID then): the usual step before making
--   a bucket public. Only successful calls count. Benign look-alikes: putting a configuration with
--   all four settings true (Terraform does this when enabling it) and infrastructure-as-code
--   changes are not reported.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Turn the four settings back on (put-public-access-block) unless the bucket is meant
--   to be public, and review its policy and ACL.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.bucketName'), recipientaccountid) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND errorcode IS NULL
  AND (eventname IN ('DeleteBucketPublicAccessBlock', 'DeleteAccountPublicAccessBlock')
       OR (eventname IN ('PutBucketPublicAccessBlock', 'PutAccountPublicAccessBlock')
           AND regexp_like(requestparameters, '"(BlockPublicAcls|IgnorePublicAcls|BlockPublicPolicy|RestrictPublicBuckets)"\s*:\s*false')))
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
