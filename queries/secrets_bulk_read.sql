-- id: secrets_bulk_read
-- title: Many secrets read by one principal
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0006
-- techniques: T1555.006
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
-- evidence: actor, calls, secrets, secret_ids, first_seen, last_seen
-- description: One principal read five or more different Secrets Manager secrets (GetSecretValue,
--   and each BatchGetSecretValue call) within one clock hour: harvesting credentials (Stratus
--   secretsmanager-retrieve-secrets, secretsmanager-batch-retrieve-secrets). Failed reads count
--   too: they show the attempt. Benign look-alikes: an application reading its own one or two
--   secrets again and again, and AWS services reading secrets for you (invokedBy set, e.g. RDS
--   Proxy), are not reported.
--   Dedup: one finding per account, actor per hour.
-- remediation: Check whether the principal is a secrets-sync tool; otherwise rotate every secret in
--   the evidence and review the principal's credentials and recent activity.
-- references: https://attack.mitre.org/techniques/T1555/006/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.credential-access.secretsmanager-retrieve-secrets/

SELECT recipientaccountid AS account, awsregion AS region, coalesce(useridentity.arn, useridentity.principalid) AS actor, count(*) AS calls,
       count(DISTINCT coalesce(json_extract_scalar(requestparameters, '$.secretId'), eventid)) AS secrets,
       array_agg(DISTINCT coalesce(json_extract_scalar(requestparameters, '$.secretId'), 'batch')) AS secret_ids,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM cloudtrail_logs
WHERE eventsource = 'secretsmanager.amazonaws.com'
  AND eventname IN ('GetSecretValue', 'BatchGetSecretValue')
  AND useridentity.invokedby IS NULL
GROUP BY recipientaccountid, awsregion, coalesce(useridentity.arn, useridentity.principalid), floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 3600)
HAVING count(DISTINCT coalesce(json_extract_scalar(requestparameters, '$.secretId'), eventid)) >= 5
