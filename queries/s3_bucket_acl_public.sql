-- id: s3_bucket_acl_public
-- title: S3 bucket ACL grants access to all users
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0010, TA0009
-- techniques: T1530
-- resource: resource
-- resource_type: AwsS3Bucket
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A bucket ACL now grants the AllUsers or AuthenticatedUsers group (any AWS account)
--   access, or a canned public-read, public-read-write or authenticated-read ACL was set. Only
--   successful calls count. Benign look-alikes: private ACLs, grants to the log delivery group or
--   to named accounts are not reported.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Set the ACL back to private (put-bucket-acl --acl private), enable Block Public
--   Access and Object Ownership "bucket owner enforced" so ACLs no longer apply.
-- references: https://attack.mitre.org/techniques/T1530/
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.bucketName'), recipientaccountid) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND eventname = 'PutBucketAcl'
  AND errorcode IS NULL
  AND (regexp_like(requestparameters, 'acs\.amazonaws\.com/groups/global/(AllUsers|AuthenticatedUsers)')
       OR regexp_like(requestparameters, '"x-amz-acl"\s*:\s*\[?\s*"(public-read|public-read-write|authenticated-read)"'))
