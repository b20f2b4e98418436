-- id: macie_disabled
-- title: Amazon Macie disabled or paused
-- severity: MEDIUM
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
-- description: Macie, which finds sensitive data in S3, was disabled, paused or detached from its
--   administrator account, so data staged for exfiltration goes unclassified. Only successful calls
--   count. Dedup: one finding per account, resource, actor per day. Benign look-alikes: enabling
--   Macie, changing its finding-publishing frequency and resuming a paused session are not reported.
-- remediation: Enable Macie again (macie2 enable-macie or update-macie-session --status ENABLED) and
--   re-run the classification jobs for the period it was off.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/macie/latest/user/macie-suspend-disable.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       recipientaccountid AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'macie2.amazonaws.com'
  AND (eventname IN ('DisableMacie', 'DisableOrganizationAdminAccount', 'DisassociateFromAdministratorAccount', 'DisassociateFromMasterAccount')
       OR (eventname = 'UpdateMacieSession' AND json_extract_scalar(requestparameters, '$.status') = 'PAUSED'))
  AND errorcode IS NULL
