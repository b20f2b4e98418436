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
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A bucket policy with an Allow statement for Principal "*" and no Condition was put:
--   the bucket is readable (or writable) by anyone on the internet. Only successful calls count.
--   Benign look-alikes: the common "deny non-TLS" statement (Deny, Principal *, Condition
--   aws:SecureTransport) and policies restricted by a Condition (aws:SourceVpce,
--   aws:PrincipalOrgID) are not reported. A policy that has both a conditional statement and an
--   open one is missed: the check reads the whole document, not statement by statement. Website
--   buckets are reported too.
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
  AND regexp_like(requestparameters, '"Effect"\s*:\s*"Allow"')
  AND regexp_like(requestparameters, '"Principal"\s*:\s*("\*"|\{\s*"AWS"\s*:\s*(\[\s*)?"\*")')
  AND strpos(requestparameters, '"Condition"') = 0
