-- id: access_denied_burst
-- title: Burst of denied API calls from one principal
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0007
-- techniques: T1580, T1526, T1087.004
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
-- evidence: actor, calls, apis, api_names, addresses, first_seen, last_seen
-- description: One principal got ten or more AccessDenied or UnauthorizedOperation errors within
--   ten minutes (clock buckets), across at least three different APIs or five different requests:
--   stolen credentials being enumerated for what they can do (for example GetPasswordData over many
--   instances). Benign look-alike: one misconfigured application retrying the same denied call is
--   not reported (one API, one request).
--   Dedup: one finding per account, actor per hour.
-- remediation: Find where the principal's credentials are used from (source addresses, user agents
--   in the evidence); rotate them if that is not the owner, and review the calls that succeeded.
-- references: https://attack.mitre.org/techniques/T1580/
-- references: https://attack.mitre.org/techniques/T1526/

SELECT recipientaccountid AS account, awsregion AS region, coalesce(useridentity.arn, useridentity.principalid) AS actor, count(*) AS calls, count(DISTINCT eventname) AS apis,
       array_agg(DISTINCT eventname) AS api_names, array_agg(DISTINCT sourceipaddress) AS addresses,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM cloudtrail_logs
WHERE errorcode IN ('AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Client.UnauthorizedOperation', 'UnauthorizedAccess')
  AND useridentity.invokedby IS NULL
GROUP BY recipientaccountid, awsregion, coalesce(useridentity.arn, useridentity.principalid), floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 600)
HAVING count(*) >= 10 AND (count(DISTINCT eventname) >= 3 OR count(DISTINCT requestparameters) >= 5)
