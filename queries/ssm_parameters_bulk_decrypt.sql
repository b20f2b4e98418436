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
-- description: One principal decrypted five or more different parameters (GetParameter,
--   GetParameters, GetParametersByPath with decryption) within one clock hour: harvesting
--   SecureString secrets (Stratus ssm-retrieve-securestring-parameters). Benign look-alikes: an
--   application polling the same parameters (identical requests) and reads without decryption are
--   not reported; nor are parameters the same principal put or deleted (PutParameter,
--   DeleteParameter, DeleteParameters succeeded) in the same hour, which is what infrastructure as
--   code does on apply and destroy. That is judged from the data, not from a user agent, so a
--   spoofed Terraform agent is still reported. Each name of a GetParameters or DeleteParameters
--   list counts on its own; a GetParametersByPath request counts as one read of its request text.
--   Dedup: one finding per account, actor per hour.
-- remediation: Rotate the secrets stored in the parameters named in the evidence and review the
--   principal.
-- references: https://attack.mitre.org/techniques/T1552/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.credential-access.ssm-retrieve-securestring-parameters/

SELECT account, region, actor, sum(reads) AS calls, count(*) AS distinct_requests, array_agg(parameter) AS parameters,
       min(first_seen) AS first_seen, max(last_seen) AS last_seen, array_agg(DISTINCT source) AS sources
FROM (
  SELECT recipientaccountid AS account, awsregion AS region, coalesce(useridentity.arn, useridentity.principalid) AS actor,
         floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 3600) AS hour,
         n.parameter,
         count_if(eventname IN ('GetParameter', 'GetParameters', 'GetParametersByPath') AND json_extract_scalar(requestparameters, '$.withDecryption') = 'true') AS reads,
         count_if(eventname IN ('PutParameter', 'DeleteParameter', 'DeleteParameters') AND errorcode IS NULL) AS owned,
         min(eventtime) AS first_seen, max(eventtime) AS last_seen, min("$path") AS source
  FROM cloudtrail_logs
  CROSS JOIN UNNEST(split(coalesce(json_extract_scalar(requestparameters, '$.name'), array_join(regexp_extract_all(json_format(json_extract(requestparameters, '$.names')), '"([^"]*)"', 1), '|'), requestparameters), '|')) AS n (parameter)
  WHERE eventsource = 'ssm.amazonaws.com'
    AND eventname IN ('GetParameter', 'GetParameters', 'GetParametersByPath', 'PutParameter', 'DeleteParameter', 'DeleteParameters')
    AND useridentity.invokedby IS NULL
  GROUP BY recipientaccountid, awsregion, coalesce(useridentity.arn, useridentity.principalid), floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 3600), n.parameter
) AS per_parameter
WHERE reads > 0 AND owned = 0
GROUP BY account, region, actor, hour
HAVING count(*) >= 5
