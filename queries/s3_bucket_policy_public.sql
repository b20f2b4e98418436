-- id: s3_bucket_policy_public
-- title: S3 bucket policy allows anyone
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0010, TA0009
-- techniques: T1530, T1537
-- resource: resource
-- resource_type: AwsS3Bucket
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A bucket policy with an Allow statement for anyone ("*", {"AWS": "*"}, NotPrincipal)
--   not pinned by a Condition on account, organization, source ARN or VPC endpoint was put: the
--   bucket is readable (or writable) by anyone on the internet. Statements are read one by one
--   with policy_external_principals, so an open statement next to a conditional one is found. Only
--   successful calls count. Dedup: one finding per account, bucket and actor per day. Benign
--   look-alikes: the common "deny non-TLS" statement (Deny, Principal *, Condition
--   aws:SecureTransport) and statements restricted by aws:SourceVpce or aws:PrincipalOrgID are not
--   reported; other accounts named by ARN are left to s3_bucket_policy_cross_account. Website
--   buckets are reported too, and so is "*" limited only by aws:SourceIp.
-- remediation: Check the bucket's Block Public Access settings and the policy; remove the public
--   statement (put-bucket-policy or delete-bucket-policy) and review S3 data events of the bucket
--   for anonymous reads.
-- references: https://attack.mitre.org/techniques/T1530/
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.bucketName'), recipientaccountid) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND eventname = 'PutBucketPolicy'
  AND errorcode IS NULL
  AND contains(policy_external_principals(json_extract(requestparameters, '$.bucketPolicy'), recipientaccountid), 'AWS:*')
