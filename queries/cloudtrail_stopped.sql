-- id: cloudtrail_stopped
-- title: CloudTrail logging stopped or trail deleted
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.008
-- resource: trail
-- resource_type: AwsCloudTrailTrail
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, trail
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, requestparameters
-- description: A trail was stopped (StopLogging) or deleted (DeleteTrail), so API activity after it
--   may go unrecorded: attackers do this first. Only successful calls count; a denied attempt is
--   left to access_denied_burst. Benign look-alike: Terraform or CloudFormation destroying a
--   test trail, recognised by its user agent (Terraform) or by CloudFormation invoking the call;
--   those are skipped, so review trail teardown in your change records instead.
--   Dedup: one finding per account, trail per day.
-- remediation: Restart logging (aws cloudtrail start-logging --name TRAIL) or recreate the trail,
--   then review what the actor did while logging was off, from other trails or service logs.
-- references: https://attack.mitre.org/techniques/T1562/008/
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html

SELECT eventtime, eventname,
       coalesce(useridentity.arn, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.name'), 'unknown') AS trail,
       sourceipaddress, useragent, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'cloudtrail.amazonaws.com'
  AND eventname IN ('StopLogging', 'DeleteTrail')
  AND errorcode IS NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%'
  AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
