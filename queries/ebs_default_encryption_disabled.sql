-- id: ebs_default_encryption_disabled
-- title: EBS encryption by default disabled
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0005, TA0040
-- techniques: T1562.001, T1486
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Encryption by default was turned off for new EBS volumes and snapshot copies in a
--   region: new data lands unencrypted, or an attacker prepares to share volumes without the
--   account's KMS key. Only successful calls count. Dedup: one finding per account, resource, actor
--   per day. Benign look-alikes: enabling it, reading it and changing the default key are not
--   reported.
-- remediation: Enable it again (ec2 enable-ebs-encryption-by-default) and check volumes created
--   since for encryption.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://attack.mitre.org/techniques/T1486/
-- references: https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat(recipientaccountid, '/', awsregion) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'DisableEbsEncryptionByDefault'
  AND errorcode IS NULL
