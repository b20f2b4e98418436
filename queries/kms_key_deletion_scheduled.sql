-- id: kms_key_deletion_scheduled
-- title: KMS key scheduled for deletion or disabled
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0040
-- techniques: T1485, T1486
-- resource: resource
-- resource_type: AwsKmsKey
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A customer-managed KMS key was scheduled for deletion or disabled: everything
--   encrypted under it (EBS volumes, S3 objects, secrets, backups) becomes unreadable, a ransom or
--   destruction move. Only successful calls count. Benign look-alike: Terraform or CloudFormation
--   destroying a stack key is skipped; AWS-managed keys cannot be deleted.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Cancel the deletion during the waiting period (cancel-key-deletion) or enable the
--   key (enable-key), then find out who did it and what else they touched.
-- references: https://attack.mitre.org/techniques/T1485/
-- references: https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(responseelements, '$.keyId'), json_extract_scalar(requestparameters, '$.keyId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'kms.amazonaws.com'
  AND eventname IN ('ScheduleKeyDeletion', 'DisableKey')
  AND errorcode IS NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
