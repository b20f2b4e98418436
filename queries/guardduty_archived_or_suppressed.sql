-- id: guardduty_archived_or_suppressed
-- title: GuardDuty finding archived or suppressed
-- severity: MEDIUM
-- table: guardduty
-- tactics: TA0005
-- techniques: T1562.001
-- resource: finding
-- resource_type: Other
-- account: account
-- region: region
-- time: last_seen
-- sources: sources
-- dedup: account, finding
-- window: 24h
-- evidence: finding, type, title, severity, first_seen, last_seen
-- description: A GuardDuty finding whose latest export says service.archived true: someone
--   archived it, or a suppression rule (a filter with the archive action) did as it arrived. Both
--   hide the finding from the console's current view, which is what an intruder with GuardDuty
--   permissions does to their own findings (guardduty_disabled sees the CreateFilter and
--   ArchiveFindings calls in CloudTrail). Every export of a finding is folded into one row, its
--   latest state by max_by over updatedat. Benign look-alike: findings archived and then
--   unarchived (latest export archived false) are not reported.
--   Dedup: one finding per account, finding per day.
-- remediation: Check who archived the finding or which filter suppressed it (CloudTrail
--   ArchiveFindings, CreateFilter, UpdateFilter), and whether the finding was a true positive.
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/findings_suppression-rule.html
-- references: https://attack.mitre.org/techniques/T1562/001/

SELECT id AS finding, accountid AS account, region,
       max_by(type, updatedat) AS type, max_by(title, updatedat) AS title,
       max_by(severity, updatedat) AS severity,
       min(createdat) AS first_seen, max(updatedat) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM guardduty
GROUP BY id, accountid, region
HAVING max_by(json_extract_scalar(service, '$.archived'), updatedat) = 'true'
