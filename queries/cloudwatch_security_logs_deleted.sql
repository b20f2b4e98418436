-- id: cloudwatch_security_logs_deleted
-- title: CloudWatch log group of security logs deleted
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1070, T1562.008
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A log group holding security logs (its name says cloudtrail, flow, vpc, guardduty,
--   security, audit, waf, dns, resolver or route53) was deleted, lost a stream or its subscription
--   filter (the copy to the SIEM), or got a retention of a week or less: clearing the evidence. Only
--   successful calls count. Dedup: one finding per account, resource, actor per day. Benign
--   look-alikes: application log groups (a Lambda function's /aws/lambda/... removed with its stack)
--   and retention settings longer than a week are not reported.
-- remediation: Recreate the log group and its subscription filter, restore the logs from their other
--   copies (S3 trail, SIEM), and review the actor's activity.
-- references: https://attack.mitre.org/techniques/T1070/
-- references: https://attack.mitre.org/techniques/T1562/008/
-- references: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.logGroupName'), json_extract_scalar(requestparameters, '$.logGroupIdentifier'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'logs.amazonaws.com'
  AND eventname IN ('DeleteLogGroup', 'DeleteLogStream', 'DeleteSubscriptionFilter', 'PutRetentionPolicy')
  AND errorcode IS NULL
  AND regexp_like(lower(coalesce(json_extract_scalar(requestparameters, '$.logGroupName'), json_extract_scalar(requestparameters, '$.logGroupIdentifier'), '')), 'cloudtrail|flow|vpc|guardduty|security|audit|waf|dns|resolver|route53')
  AND NOT (eventname = 'PutRetentionPolicy' AND coalesce(try(CAST(json_extract_scalar(requestparameters, '$.retentionInDays') AS bigint)), 0) > 7)
