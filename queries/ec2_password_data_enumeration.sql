-- id: ec2_password_data_enumeration
-- title: Windows password data requested for many instances
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0006
-- techniques: T1552
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
-- description: One principal called GetPasswordData for three or more instances within one clock
--   hour, allowed or denied: collecting Windows administrator passwords (Stratus
--   ec2-get-password-data). Benign look-alike: an administrator fetching the password of one or two
--   instances from the console is not reported.
--   Dedup: one finding per account, actor per hour.
-- remediation: Check the principal's purpose; rotate the local administrator passwords of the
--   instances in the evidence if the calls succeeded.
-- references: https://attack.mitre.org/techniques/T1552/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.credential-access.ec2-get-password-data/

SELECT recipientaccountid AS account, awsregion AS region, coalesce(useridentity.arn, useridentity.principalid) AS actor, count(*) AS calls, count(DISTINCT json_extract_scalar(requestparameters, '$.instanceId')) AS instances,
       count_if(errorcode IS NOT NULL) AS denied,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'GetPasswordData'
GROUP BY recipientaccountid, awsregion, coalesce(useridentity.arn, useridentity.principalid), floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 3600)
HAVING count(DISTINCT json_extract_scalar(requestparameters, '$.instanceId')) >= 3
