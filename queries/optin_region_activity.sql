-- id: optin_region_activity
-- title: Changes made in an opt-in region
-- severity: LOW
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1535
-- resource: region
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: first_seen
-- last_seen: last_seen
-- count: calls
-- sources: sources
-- dedup: account, region
-- window: 24h
-- evidence: region, calls, api_names, actors, first_seen, last_seen
-- description: Write API calls in a region AWS keeps disabled until an account opts in (af-south-1,
--   ap-east-1, me-south-1 and the other opt-in regions): accounts that never use those regions have
--   no business there, and attackers launch miners or hide resources in them. One finding per
--   account and region per day. This is a fixed list, not a learned baseline: copy the hunt and put
--   the regions your accounts never use in the IN list. Benign look-alikes: read-only calls (the
--   console probing every region) and AWS services acting for you are not reported.
--   Dedup: one finding per account, region per day.
-- remediation: Confirm the account uses the region; otherwise look at what was created there (the
--   evidence lists the APIs) and deny the region with an SCP (aws:RequestedRegion).
-- references: https://attack.mitre.org/techniques/T1535/
-- references: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html

SELECT recipientaccountid AS account, awsregion AS region, count(*) AS calls, array_agg(DISTINCT eventname) AS api_names, array_agg(DISTINCT coalesce(useridentity.arn, useridentity.principalid)) AS actors, min(coalesce(useridentity.arn, useridentity.principalid)) AS actor,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM cloudtrail_logs
WHERE awsregion IN ('af-south-1', 'ap-east-1', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5',
                    'ap-southeast-7', 'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1',
                    'me-central-1', 'me-south-1', 'mx-central-1')
  AND readonly = 'false'
  AND useridentity.invokedby IS NULL
  AND coalesce(useridentity.type, '') <> 'AWSService'
GROUP BY recipientaccountid, awsregion, date_trunc('day', from_iso8601_timestamp(eventtime))
HAVING count(*) >= 1
