-- id: vpc_ssh_rdp_brute_force
-- title: Many SSH or RDP connections from one internet address to one host
-- severity: MEDIUM
-- table: vpc_flow
-- tactics: TA0006
-- techniques: T1110
-- resource: dstaddr
-- resource_type: Other
-- actor: srcaddr
-- account: account
-- time: first_seen
-- last_seen: last_seen
-- count: flows
-- sources: sources
-- dedup: account, srcaddr, dstaddr
-- window: 1h
-- evidence: srcaddr, dstaddr, dstport, flows, accepted, first_seen, last_seen
-- description: One public address opened 30 or more flows to port 22 or 3389 of one private address
--   within ten minutes (clock buckets by flow start), allowed or rejected: password guessing.
--   Benign look-alike: an administrator's few sessions and connections from private addresses
--   (bastions) are not reported.
--   Dedup: one finding per account, srcaddr, dstaddr per hour.
-- remediation: Block the address, check the host's authentication logs for a success from it, and
--   move administration off the internet.
-- references: https://attack.mitre.org/techniques/T1110/
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html

SELECT account_id AS account, srcaddr, dstaddr, dstport, count(*) AS flows, count_if(action = 'ACCEPT') AS accepted,
       from_unixtime(min(start)) AS first_seen, from_unixtime(max("end")) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM vpc_flow_logs
WHERE protocol = 6 AND dstport IN (22, 3389)
  AND regexp_like(dstaddr, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|f[cd]|fe80)')
  AND NOT regexp_like(srcaddr, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|f[cd]|fe80)')
GROUP BY account_id, srcaddr, dstaddr, dstport, start - start % 600
HAVING count(*) >= 30
