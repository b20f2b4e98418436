-- id: ssm_start_session
-- title: Interactive SSM session started on an instance
-- severity: LOW
-- table: cloudtrail
-- tactics: TA0008, TA0002
-- techniques: T1021, T1651
-- resource: resource
-- resource_type: AwsEc2Instance
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A principal opened a Session Manager shell (or port forward) on an instance (Stratus
--   ssm-start-session). Normal for operators, so LOW: the value is the record of who had a shell
--   where, for correlation with other findings. One finding per instance and principal per day.
--   Benign look-alike: failed attempts are not reported; TerminateSession and ResumeSession never
--   count.
--   Dedup: one finding per account and actor per day, whatever the number of targets (one
--   detonation, one finding; the evidence lists the first targets).
-- remediation: Confirm the operator had a reason; session logs (S3 or CloudWatch) show what was
--   typed if session logging is on.
-- references: https://attack.mitre.org/techniques/T1021/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.execution.ssm-start-session/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.target'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ssm.amazonaws.com'
  AND eventname = 'StartSession'
  AND errorcode IS NULL
