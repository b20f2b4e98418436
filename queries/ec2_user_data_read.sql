-- id: ec2_user_data_read
-- title: User data read for many instances
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0007, TA0006
-- techniques: T1552.005, T1580
-- resource: actor
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: first_seen
-- last_seen: last_seen
-- count: calls
-- sources: sources
-- dedup: account, actor
-- window: 1h
-- evidence: actor, calls, instances, denied, first_seen, last_seen
-- description: One principal read the userData attribute of three or more instances within one
--   clock hour, allowed or denied: user data often holds bootstrap secrets (Stratus
--   ec2-download-user-data). Benign look-alike: an operator inspecting one instance's bootstrap
--   script is not reported; inventory tools that do this should be excluded in a copy of the hunt.
--   Dedup: one finding per account, actor per hour.
-- remediation: Move secrets out of user data (Secrets Manager, Parameter Store) and rotate those
--   exposed; review the principal.
-- references: https://attack.mitre.org/techniques/T1552/005/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.discovery.ec2-download-user-data/

SELECT recipientaccountid AS account, awsregion AS region, coalesce(useridentity.arn, useridentity.principalid) AS actor, count(*) AS calls, count(DISTINCT json_extract_scalar(requestparameters, '$.instanceId')) AS instances,
       count_if(errorcode IS NOT NULL) AS denied,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'DescribeInstanceAttribute'
  AND json_extract_scalar(requestparameters, '$.attribute') = 'userData'
GROUP BY recipientaccountid, awsregion, coalesce(useridentity.arn, useridentity.principalid), floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 3600)
HAVING count(DISTINCT json_extract_scalar(requestparameters, '$.instanceId')) >= 3
