-- id: cloudtrail_log_bucket_short_lifecycle
-- title: CloudTrail log bucket given a short lifecycle expiry
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.008, T1070
-- resource: resource
-- resource_type: AwsS3Bucket
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A lifecycle rule that expires objects (or their old versions) after one to seven days
--   was put on a bucket that holds CloudTrail logs (its name says cloudtrail, trail or audit, or the
--   rule names the AWSLogs/ prefix): the logs erase themselves a day later, the Stratus
--   cloudtrail-lifecycle-rule technique. The rule is read whether Rule is one object or a list and
--   Days a number or a string. Only successful calls count. Dedup: one finding per account,
--   resource, actor per day. Benign look-alikes: retention rules of 30 days or more on log buckets,
--   and short expiry on other buckets (build artefacts, tmp), are not reported.
-- remediation: Remove the rule (put-bucket-lifecycle-configuration or delete-bucket-lifecycle),
--   restore deleted logs from versions or replicas, and review what the actor did.
-- references: https://attack.mitre.org/techniques/T1562/008/
-- references: https://attack.mitre.org/techniques/T1070/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.cloudtrail-lifecycle-rule/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.bucketName'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND eventname = 'PutBucketLifecycle'
  AND errorcode IS NULL
  AND regexp_like(requestparameters, '"(Expiration|NoncurrentVersionExpiration)"\s*:\s*\{[^}]*"(Days|NoncurrentDays)"\s*:\s*"?[1-7]"?\s*[,}]')
  AND (regexp_like(lower(coalesce(json_extract_scalar(requestparameters, '$.bucketName'), '')), 'cloudtrail|trail|audit')
       OR strpos(requestparameters, 'AWSLogs') > 0)
