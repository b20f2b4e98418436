-- id: console_login_failures
-- title: Burst of failed console sign-ins from one address
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0006
-- techniques: T1110, T1110.001
-- resource: sourceipaddress
-- resource_type: Other
-- actor: sourceipaddress
-- account: account
-- region: region
-- time: first_seen
-- last_seen: last_seen
-- count: failures
-- sources: sources
-- dedup: account, sourceipaddress
-- window: 1h
-- evidence: sourceipaddress, failures, users, first_seen, last_seen
-- description: Five or more failed console sign-ins from one source address within ten minutes
--   (clock buckets), against one or several users: password guessing or spraying. Benign
--   look-alike: a user mistyping a password two or three times stays below the threshold;
--   successful sign-ins never count.
--   Dedup: one finding per account, sourceipaddress per hour.
-- remediation: Block the address if it is not yours, check whether any of the targeted users later
--   signed in successfully from it, and require MFA for them.
-- references: https://attack.mitre.org/techniques/T1110/
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html

SELECT recipientaccountid AS account, awsregion AS region, sourceipaddress,
       count(*) AS failures,
       array_agg(DISTINCT coalesce(useridentity.username, useridentity.arn, 'unknown')) AS users,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM cloudtrail_logs
WHERE eventsource = 'signin.amazonaws.com'
  AND eventname = 'ConsoleLogin'
  AND (json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure' OR errormessage IS NOT NULL)
GROUP BY recipientaccountid, awsregion, sourceipaddress,
         floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 600)
HAVING count(*) >= 5
