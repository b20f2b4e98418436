-- id: guardduty_findings_archived
-- title: GuardDuty findings archived by hand
-- severity: LOW
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
-- description: GuardDuty findings were archived through the API or console: an attacker hides the
--   findings its own activity raised. Only successful calls count. Dedup: one finding per account,
--   resource, actor per day. Benign look-alikes: unarchiving and reading findings, and archiving by
--   GuardDuty's own suppression rules (no ArchiveFindings call), are not reported; analysts
--   archiving triaged findings are, so compare with the ticket queue.
-- remediation: Unarchive the findings (guardduty unarchive-findings) and review them.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ArchiveFindings.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.detectorId'), recipientaccountid) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'guardduty.amazonaws.com'
  AND eventname = 'ArchiveFindings'
  AND errorcode IS NULL
  AND useridentity.invokedby IS NULL
