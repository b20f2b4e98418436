-- id: cloudtrail_modified
-- title: CloudTrail trail or event selectors changed
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.008
-- resource: resource
-- resource_type: AwsCloudTrailTrail
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A trail was reconfigured (UpdateTrail: another bucket, no multi-region, no log
--   validation) or its event selectors were changed, which can silently exclude management or data
--   events (Stratus cloudtrail-event-selectors). Only successful calls count. Benign look-alike:
--   infrastructure as code applying a trail change (Terraform user agent, CloudFormation) is
--   skipped; a console change by an administrator is reported, so check it against change records.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Compare the trail with its intended configuration (get-trail, get-event-selectors)
--   and restore it; find out who changed it and why.
-- references: https://attack.mitre.org/techniques/T1562/008/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.cloudtrail-event-selectors/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.trailName'), json_extract_scalar(requestparameters, '$.name'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'cloudtrail.amazonaws.com'
  AND eventname IN ('UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors', 'DeleteEventDataStore', 'StopEventDataStoreIngestion')
  AND errorcode IS NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
