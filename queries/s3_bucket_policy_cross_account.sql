-- id: s3_bucket_policy_cross_account
-- title: S3 bucket policy grants access to another account
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0010, TA0003
-- techniques: T1537, T1098
-- resource: resource
-- resource_type: AwsS3Bucket
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, external_principals, sourceipaddress, useragent, requestparameters
-- description: A bucket policy was put whose Allow statements name a principal of another account
--   (an ARN or a bare account ID): that account can now read or write the bucket, the usual way to
--   stage data for exfiltration to an attacker's account. Principals are read with
--   policy_external_principals; "*" is left to s3_bucket_policy_public. Only successful calls
--   count. Dedup: one finding per account, bucket and actor per day. Benign look-alikes: AWS
--   service principals (CloudTrail, ELB log delivery), this account's own roles and "*" pinned to
--   the organization are not reported; partners' and your other accounts are, so keep an allow
--   list of account IDs.
-- remediation: Check the account IDs in external_principals against your organization and
--   partners; otherwise remove the statement (put-bucket-policy) and review data events of the
--   bucket for reads by that account.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.bucketName'), recipientaccountid) AS resource,
       array_join(policy_external_principals(json_extract(requestparameters, '$.bucketPolicy'), recipientaccountid), ', ') AS external_principals,
       sourceipaddress, useragent, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND eventname = 'PutBucketPolicy'
  AND errorcode IS NULL
  AND cardinality(policy_external_principals(json_extract(requestparameters, '$.bucketPolicy'), recipientaccountid)) > 0
  AND NOT contains(policy_external_principals(json_extract(requestparameters, '$.bucketPolicy'), recipientaccountid), 'AWS:*')
