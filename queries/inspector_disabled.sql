-- id: inspector_disabled
-- title: Amazon Inspector scanning disabled
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
-- description: Amazon Inspector vulnerability scanning was disabled for EC2, ECR or Lambda, or the
--   account left its administrator: vulnerable workloads planted or left by an attacker go
--   unreported. Only successful calls count. Dedup: one finding per account, resource, actor per
--   day. Benign look-alikes: enabling Inspector and reading its findings are not reported.
-- remediation: Enable Inspector again (inspector2 enable --resource-types EC2 ECR LAMBDA) and review
--   findings once scanning resumes.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/inspector/latest/user/deactivating-best.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       recipientaccountid AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'inspector2.amazonaws.com'
  AND eventname IN ('Disable', 'DisableDelegatedAdminAccount', 'DisassociateMember')
  AND errorcode IS NULL
