-- id: ssm_parameters_bulk_decrypt
-- title: Many SecureString parameters decrypted by one principal
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0006
-- techniques: T1552, T1555.006
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
-- evidence: actor, calls, distinct_requests, first_seen, last_seen
-- description: One principal made five or more different
--   GetParameter/GetParameters/GetParametersByPath calls with decryption within one clock hour:
--   harvesting SecureString secrets (Stratus ssm-retrieve-securestring-parameters). Benign
--   look-alikes: an application polling the same parameters (identical requests) and reads without
--   decryption are not reported.
--   Dedup: one finding per account, actor per hour.
-- remediation: Rotate the secrets stored in the parameters named in the evidence and review the
--   principal.
-- references: https://attack.mitre.org/techniques/T1552/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.credential-access.ssm-retrieve-securestring-parameters/

SELECT recipientaccountid AS account, awsregion AS region, coalesce(useridentity.arn, useridentity.principalid) AS actor, count(*) AS calls, count(DISTINCT requestparameters) AS distinct_requests,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM cloudtrail_logs
WHERE eventsource = 'ssm.amazonaws.com'
  AND eventname IN ('GetParameter', 'GetParameters', 'GetParametersByPath')
  AND json_extract_scalar(requestparameters, '$.withDecryption') = 'true'
  AND useridentity.invokedby IS NULL
GROUP BY recipientaccountid, awsregion, coalesce(useridentity.arn, useridentity.principalid), floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 3600)
HAVING count(DISTINCT requestparameters) >= 5
