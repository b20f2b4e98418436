-- id: access_analyzer_deleted
-- title: IAM Access Analyzer deleted
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
-- description: An IAM Access Analyzer was deleted, or an archive rule created or changed (findings
--   matching it are archived automatically): resources shared outside the account or organization
--   stop being reported. Only successful calls count. Dedup: one finding per account, resource,
--   actor per day. Benign look-alikes: creating an analyzer and reading findings are not reported;
--   archive rules the security team writes for known partners are, so review them.
-- remediation: Recreate the analyzer, delete unexpected archive rules, and review findings archived
--   since.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-archive-rules.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.analyzerName'), recipientaccountid) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'access-analyzer.amazonaws.com'
  AND eventname IN ('DeleteAnalyzer', 'CreateArchiveRule', 'UpdateArchiveRule')
  AND errorcode IS NULL
