-- id: securityhub_disabled
-- title: Security Hub disabled or its standards or integrations turned off
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.001
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Security Hub was disabled, standards were disabled, a product integration stopped
--   importing findings, or the account was cut off from its administrator. Only successful calls
--   count. Benign look-alike: infrastructure as code (Terraform user agent, CloudFormation) is
--   skipped; UpdateStandardsControl disabling one control is not reported.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Re-enable Security Hub and the standards, re-associate the account with the
--   administrator, and review findings raised elsewhere (GuardDuty, Config) for the blind period.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-disable.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       recipientaccountid AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'securityhub.amazonaws.com'
  AND eventname IN ('DisableSecurityHub', 'BatchDisableStandards', 'DisableImportFindingsForProduct',
                    'DisassociateFromAdministratorAccount', 'DisassociateFromMasterAccount', 'DeleteMembers', 'DisassociateMembers')
  AND errorcode IS NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
