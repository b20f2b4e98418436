-- id: s3_replication_to_other_account
-- title: S3 bucket replicated to another account
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0010
-- techniques: T1537
-- resource: resource
-- resource_type: AwsS3Bucket
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A replication rule was put that copies the bucket's new objects to a bucket owned by
--   another account (Destination.Account): a continuous, quiet exfiltration channel that S3 runs on
--   the attacker's behalf. Every rule is read, whether Rule is one object or a list. Only successful
--   calls count. Dedup: one finding per account, resource, actor per day. Benign look-alikes:
--   replication to this account's own buckets (no Destination.Account, or this account) is not
--   reported; replication to your backup or log-archive account is, so list it.
-- remediation: Delete the rule (s3api delete-bucket-replication or put a corrected configuration),
--   check the destination account against your organization, and review the replication role's
--   permissions.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.bucketName'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND eventname = 'PutBucketReplication'
  AND errorcode IS NULL
  AND array_join(array_distinct(regexp_extract_all(coalesce(json_format(json_extract(requestparameters, '$.ReplicationConfiguration')), ''), '"Account"\s*:\s*"([0-9]{12})"', 1)), ',') NOT IN ('', recipientaccountid)
