-- id: securityhub_findings_suppressed
-- title: Security Hub findings suppressed or archived by a person
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
-- description: Security Hub findings were suppressed (BatchUpdateFindings workflow SUPPRESSED),
--   archived (UpdateFindings recordState ARCHIVED), or an automation rule that suppresses findings
--   was written, by a person or program rather than by Security Hub's own automation: the attacker's
--   findings disappear from the queue. Security Hub logs its request members as the API names them
--   (FindingIdentifiers, Workflow.Status); the lower-case spelling is read too. Only successful
--   calls count. Dedup: one finding per account, resource, actor per day. Benign look-alikes:
--   findings suppressed by Security Hub automation rules as they run (invokedBy
--   securityhub.amazonaws.com) and workflow changes to NOTIFIED or RESOLVED are not reported;
--   analysts suppressing triaged findings are, so compare with the ticket queue.
-- remediation: Set the findings' workflow back to NEW, delete unexpected automation rules, and
--   review the findings the actor hid.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/securityhub/latest/userguide/finding-workflow-status.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.FindingIdentifiers[0].Id'), json_extract_scalar(requestparameters, '$.findingIdentifiers[0].id'), json_extract_scalar(requestparameters, '$.RuleName'), json_extract_scalar(requestparameters, '$.ruleName'), recipientaccountid) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'securityhub.amazonaws.com'
  AND ((eventname = 'BatchUpdateFindings' AND coalesce(json_extract_scalar(requestparameters, '$.Workflow.Status'), json_extract_scalar(requestparameters, '$.workflow.status')) = 'SUPPRESSED')
       OR (eventname = 'UpdateFindings' AND coalesce(json_extract_scalar(requestparameters, '$.RecordState'), json_extract_scalar(requestparameters, '$.recordState')) = 'ARCHIVED')
       OR (eventname IN ('CreateAutomationRule', 'BatchUpdateAutomationRules') AND regexp_like(requestparameters, '"(status|Status)"\s*:\s*"SUPPRESSED"')))
  AND errorcode IS NULL
  AND useridentity.invokedby IS NULL
  AND useridentity.type <> 'AWSService'
