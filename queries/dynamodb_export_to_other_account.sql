-- id: dynamodb_export_to_other_account
-- title: DynamoDB table exported to another account's bucket
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0010
-- techniques: T1537
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A DynamoDB table was exported to an S3 bucket whose owner (s3BucketOwner) is another
--   account: the whole table is copied out in one call. Only successful calls count. Dedup: one
--   finding per account, resource, actor per day. Benign look-alikes: exports to this account's own
--   buckets (no s3BucketOwner, or this account) are not reported; exports to your data-lake account
--   are, so list it.
-- remediation: Check the bucket owner's account against your organization; otherwise ask AWS and the
--   owner to delete the copy, and review who can call ExportTableToPointInTime.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.HowItWorks.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.tableArn'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'dynamodb.amazonaws.com'
  AND eventname = 'ExportTableToPointInTime'
  AND errorcode IS NULL
  AND coalesce(json_extract_scalar(requestparameters, '$.s3BucketOwner'), recipientaccountid) <> recipientaccountid
