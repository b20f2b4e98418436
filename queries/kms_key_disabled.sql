-- id: kms_key_disabled
-- title: KMS key disabled
-- severity: MEDIUM
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
-- description: A customer managed KMS key was disabled (everything encrypted under it becomes
--   unreadable until it is enabled again) or its rotation turned off. Attackers disable keys to deny
--   access to data, or as a step before deletion. Only successful calls count. Dedup: one finding
--   per account, resource, actor per day. Benign look-alikes: enabling keys, scheduled deletions
--   (left to kms_key_deletion_scheduled) and reads are not reported; retiring a key on purpose is,
--   so check the change records.
-- remediation: Enable the key (kms enable-key) unless its retirement is planned, and find who
--   depends on it from Decrypt calls.
-- references: https://attack.mitre.org/techniques/T1485/
-- references: https://attack.mitre.org/techniques/T1486/
-- references: https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.keyId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'kms.amazonaws.com'
  AND eventname IN ('DisableKey', 'DisableKeyRotation')
  AND errorcode IS NULL
