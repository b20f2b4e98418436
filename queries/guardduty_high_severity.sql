-- id: guardduty_high_severity
-- title: GuardDuty high-severity finding
-- severity: HIGH
-- table: guardduty
-- tactics: TA0001, TA0006, TA0010
-- techniques: T1078.004
-- resource: finding
-- resource_type: Other
-- account: account
-- region: region
-- time: first_seen
-- last_seen: last_seen
-- sources: sources
-- dedup: account, finding
-- window: 24h
-- evidence: finding, type, title, severity, first_seen, last_seen, occurrences, exports
-- description: A GuardDuty finding whose latest export has severity 7 or more (GuardDuty's High
--   and Critical bands): instance or credential compromise, exfiltration, crypto mining. GuardDuty
--   exports a finding again each time it is updated (same id, later updatedAt), and may export the
--   same update twice; the hunt folds every export of a finding into one row (GROUP BY id, the
--   latest values by max_by over updatedat), so a finding is reported once however often it was
--   exported. Benign look-alike: findings of severity below 7 are not reported.
--   Dedup: one finding per account, finding per day.
-- remediation: Follow GuardDuty's remediation for the finding type; isolate the resource, rotate
--   the credentials involved and look for the activity in CloudTrail around first_seen.
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html
-- references: https://docs.aws.amazon.com/athena/latest/ug/querying-guardduty.html

SELECT id AS finding, accountid AS account, region,
       max_by(type, updatedat) AS type, max_by(title, updatedat) AS title,
       max_by(try_cast(severity AS double), updatedat) AS severity,
       min(createdat) AS first_seen, max(updatedat) AS last_seen,
       max_by(json_extract_scalar(service, '$.count'), updatedat) AS occurrences,
       count(*) AS exports,
       array_agg(DISTINCT "$path") AS sources
FROM guardduty
GROUP BY id, accountid, region
HAVING max_by(try_cast(severity AS double), updatedat) >= 7
