-- id: mfa_device_deactivated
-- title: MFA device deactivated or deleted
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0006, TA0005
-- techniques: T1556.006
-- resource: resource
-- resource_type: AwsIamUser
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: An MFA device was deactivated or a virtual MFA device deleted, weakening sign-in for
--   the user (an attacker with a password removes the second factor). Only successful calls count.
--   Benign look-alike: replacing a phone, which shows as a deactivation followed by EnableMFADevice
--   for the same user; the deactivation is still reported at MEDIUM, so check that a new device was
--   enabled. Terraform/CloudFormation are skipped.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Check that the user enabled a new device; if not, require MFA again and review the
--   user's sign-ins without MFA.
-- references: https://attack.mitre.org/techniques/T1556/006/
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_disable.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.userName'), json_extract_scalar(requestparameters, '$.serialNumber'), useridentity.arn) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND eventname IN ('DeactivateMFADevice', 'DeleteVirtualMFADevice')
  AND errorcode IS NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
