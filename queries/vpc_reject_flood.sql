-- id: vpc_reject_flood
-- title: Flood of rejected connections from one source address
-- severity: MEDIUM
-- table: vpc_flow
-- tactics: TA0007, TA0043
-- techniques: T1046, T1595.001
-- resource: srcaddr
-- resource_type: Other
-- actor: srcaddr
-- account: account
-- time: first_seen
-- last_seen: last_seen
-- count: rejects
-- dedup: account, srcaddr
-- window: 1h
-- evidence: minute, srcaddr, rejects, distinct_ports, distinct_targets, first_seen, last_seen
-- sources: sources
-- description: More than 100 REJECTed flow records from one source address within one clock minute
--   (by flow start): a scan or flood hitting security groups or network ACLs. Benign look-alike: a
--   misconfigured health checker retrying one port is usually far below 100 per minute; NODATA and
--   SKIPDATA records carry no addresses and never count. One finding per source per hour.
--   Dedup: one finding per account, srcaddr per hour.
-- remediation: Check whether the source is internal (a compromised host scanning laterally) or
--   external; block it in the network ACL or WAF, and review which of its flows were ACCEPTed.
-- references: https://attack.mitre.org/techniques/T1046/
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html

SELECT account_id AS account, srcaddr,
       from_unixtime(start - start % 60) AS minute,
       count(*) AS rejects,
       count(DISTINCT dstport) AS distinct_ports,
       count(DISTINCT dstaddr) AS distinct_targets,
       from_unixtime(min(start)) AS first_seen,
       from_unixtime(max("end")) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM vpc_flow_logs
WHERE action = 'REJECT' AND srcaddr IS NOT NULL
GROUP BY account_id, srcaddr, start - start % 60
HAVING count(*) > 100
