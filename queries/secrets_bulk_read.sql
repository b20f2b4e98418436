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
--   Proxy), are not reported; nor are secrets the same principal created, wrote or deleted
--   (CreateSecret, PutSecretValue, DeleteSecret succeeded) in the same hour, which is what
--   infrastructure as code does on apply and destroy. That is judged from the data, not from a
--   user agent (an attacker can send Terraform's), so a spoofed agent is still reported.
--   Dedup: one finding per account, actor per hour.
-- remediation: Check whether the principal is a secrets-sync tool; otherwise rotate every secret in
--   the evidence and review the principal's credentials and recent activity.
-- references: https://attack.mitre.org/techniques/T1555/006/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.credential-access.secretsmanager-retrieve-secrets/

SELECT account, region, actor, sum(reads) AS calls, count(*) AS secrets, array_agg(secret) AS secret_ids,
       min(first_seen) AS first_seen, max(last_seen) AS last_seen, array_agg(DISTINCT source) AS sources
FROM (
  SELECT recipientaccountid AS account, awsregion AS region, coalesce(useridentity.arn, useridentity.principalid) AS actor,
         floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 3600) AS hour,
         regexp_replace(coalesce(json_extract_scalar(requestparameters, '$.secretId'), json_extract_scalar(requestparameters, '$.name'), concat('batch:', eventid)), '^arn:aws[a-z-]*:secretsmanager:[^:]+:[0-9]+:secret:(.+)-[A-Za-z0-9]{6}$', '$1') AS secret,
         count_if(eventname IN ('GetSecretValue', 'BatchGetSecretValue')) AS reads,
         count_if(eventname IN ('CreateSecret', 'PutSecretValue', 'DeleteSecret') AND errorcode IS NULL) AS owned,
         min(eventtime) AS first_seen, max(eventtime) AS last_seen, min("$path") AS source
  FROM cloudtrail_logs
  WHERE eventsource = 'secretsmanager.amazonaws.com'
    AND eventname IN ('GetSecretValue', 'BatchGetSecretValue', 'CreateSecret', 'PutSecretValue', 'DeleteSecret')
    AND useridentity.invokedby IS NULL
  GROUP BY recipientaccountid, awsregion, coalesce(useridentity.arn, useridentity.principalid), floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 3600),
           regexp_replace(coalesce(json_extract_scalar(requestparameters, '$.secretId'), json_extract_scalar(requestparameters, '$.name'), concat('batch:', eventid)), '^arn:aws[a-z-]*:secretsmanager:[^:]+:[0-9]+:secret:(.+)-[A-Za-z0-9]{6}$', '$1')
) AS per_secret
WHERE reads > 0 AND owned = 0
GROUP BY account, region, actor, hour
HAVING count(*) >= 5
