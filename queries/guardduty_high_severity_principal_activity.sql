-- id: guardduty_high_severity_principal_activity
-- title: GuardDuty high-severity finding with its principal's CloudTrail activity
-- severity: HIGH
-- table: guardduty, cloudtrail
-- tactics: TA0001, TA0006, TA0007, TA0010
-- techniques: T1078.004, T1552.005
-- resource: finding
-- resource_type: Other
-- actor: subject
-- account: account
-- region: region
-- time: first_seen
-- last_seen: last_seen
-- sources: sources
-- dedup: account, finding
-- window: 24h
-- evidence: finding, type, title, severity, subject, first_seen, last_seen, events, first_event, last_event, api_calls, source_ips
-- description: A GuardDuty finding of severity 7 or more (its latest export) joined with what the
--   same access key (AccessKey findings: resource.accessKeyDetails.accessKeyId) or instance
--   (Instance findings: CloudTrail calls with the instance's role credentials, whose session name
--   is the instance ID) did in CloudTrail from an hour before the activity GuardDuty saw
--   (service.eventFirstSeen) to an hour after it (eventLastSeen): the API calls, source addresses
--   and event count an analyst looks up first. Reads the guardduty and cloudtrail tables in one
--   pass. Benign look-alikes: a high-severity finding whose principal made no call in the window,
--   and lower-severity findings with activity, are not reported.
--   Dedup: one finding per account, GuardDuty finding per day.
-- remediation: Disable or rotate the access key (or the instance's role session: revoke older
--   sessions), review the listed API calls for changes to undo, and block the source addresses.
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_remediate.html

WITH finding AS (
  SELECT id, accountid, region,
         max_by(type, updatedat) AS type, max_by(title, updatedat) AS title,
         max_by(try_cast(severity AS double), updatedat) AS severity,
         max_by(json_extract_scalar(resource, '$.accessKeyDetails.accessKeyId'), updatedat) AS access_key,
         max_by(json_extract_scalar(resource, '$.instanceDetails.instanceId'), updatedat) AS instance,
         min(from_iso8601_timestamp(coalesce(json_extract_scalar(service, '$.eventFirstSeen'), createdat))) AS first_seen,
         max(from_iso8601_timestamp(coalesce(json_extract_scalar(service, '$.eventLastSeen'), updatedat))) AS last_seen,
         max_by("$path", updatedat) AS export
  FROM guardduty
  GROUP BY id, accountid, region
  HAVING max_by(try_cast(severity AS double), updatedat) >= 7
),
activity AS (
  SELECT recipientaccountid, eventname, eventsource, sourceipaddress, "$path" AS path,
         from_iso8601_timestamp(eventtime) AS at, useridentity.accesskeyid AS subject
  FROM cloudtrail
  WHERE useridentity.accesskeyid IS NOT NULL
  UNION ALL
  SELECT recipientaccountid, eventname, eventsource, sourceipaddress, "$path" AS path,
         from_iso8601_timestamp(eventtime) AS at, regexp_extract(useridentity.principalid, ':(i-[0-9a-f]+)$', 1) AS subject
  FROM cloudtrail
  WHERE regexp_like(useridentity.principalid, ':i-[0-9a-f]+$')
),
-- The CloudTrail events of each finding's access key or instance in its
-- window, and a row of the finding itself for its export's path.
matched AS (
  SELECT f.id, f.accountid, f.region, f.type, f.title, f.severity, a.subject, f.first_seen, f.last_seen,
         a.at, a.eventsource || ':' || a.eventname AS api_call, a.sourceipaddress, a.path
  FROM finding f
  JOIN activity a ON a.recipientaccountid = f.accountid AND a.subject = coalesce(f.access_key, f.instance)
  WHERE a.at BETWEEN f.first_seen - INTERVAL '1' HOUR AND f.last_seen + INTERVAL '1' HOUR
  UNION ALL
  SELECT id, accountid, region, type, title, severity, coalesce(access_key, instance), first_seen, last_seen,
         NULL, NULL, NULL, export
  FROM finding
)
SELECT id AS finding, accountid AS account, region, type, title, severity, subject,
       first_seen, last_seen, count(at) AS events, min(at) AS first_event, max(at) AS last_event,
       array_sort(filter(array_agg(DISTINCT api_call), x -> x IS NOT NULL)) AS api_calls,
       array_sort(filter(array_agg(DISTINCT sourceipaddress), x -> x IS NOT NULL)) AS source_ips,
       array_sort(array_agg(DISTINCT path)) AS sources
FROM matched
GROUP BY id, accountid, region, type, title, severity, subject, first_seen, last_seen
HAVING count(at) > 0
