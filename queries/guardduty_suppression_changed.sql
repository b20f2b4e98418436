-- id: guardduty_suppression_changed
-- title: GuardDuty suppression rule or trusted IP list changed
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
-- description: A GuardDuty filter that archives matching findings (a suppression rule) was created
--   or changed, or a trusted IP list was created or updated: GuardDuty stops reporting the
--   attacker's address or behaviour (trusted-listing an address). Only successful calls count.
--   Dedup: one finding per account, resource, actor per day. Benign look-alikes: filters with the
--   NOOP action (saved views), threat intel sets (lists of bad addresses) and reads are not
--   reported; suppression rules the security team writes for scanners are, so review the criteria in
--   the evidence.
-- remediation: Delete the filter or IP set (guardduty delete-filter, delete-ip-set) unless the
--   security team wrote it, and review findings archived since.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/findings_suppression-rule.html
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.name'), json_extract_scalar(requestparameters, '$.filterName'), json_extract_scalar(requestparameters, '$.ipSetId'), json_extract_scalar(requestparameters, '$.detectorId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'guardduty.amazonaws.com'
  AND ((eventname IN ('CreateFilter', 'UpdateFilter') AND json_extract_scalar(requestparameters, '$.action') = 'ARCHIVE')
       OR eventname IN ('CreateIPSet', 'UpdateIPSet'))
  AND errorcode IS NULL
