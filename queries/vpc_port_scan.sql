-- id: vpc_port_scan
-- title: Port scan: one source probing many ports
-- severity: MEDIUM
-- table: vpc_flow
-- tactics: TA0007
-- techniques: T1046
-- resource: srcaddr
-- resource_type: Other
-- actor: srcaddr
-- account: account
-- time: first_seen
-- last_seen: last_seen
-- count: flows
-- sources: sources
-- dedup: account, srcaddr
-- window: 1h
-- evidence: srcaddr, ports, targets, flows, accepted, first_seen, last_seen
-- description: One source address sent flows to 50 or more distinct destination ports within five
--   minutes (clock buckets by flow start), allowed or rejected: a port scan, from outside or from a
--   compromised host inside. Only flows whose destination port is below their source port count,
--   the shape of a client probing services. Benign look-alike: a server answering many clients
--   (source port 443, destination ports ephemeral) does not count; load balancer health checks hit
--   a handful of ports.
--   Dedup: one finding per account, srcaddr per hour.
-- remediation: Find out what the source is (external: block it in the NACL; internal: isolate the
--   instance) and check which probed ports were ACCEPTed.
-- references: https://attack.mitre.org/techniques/T1046/
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html

SELECT account_id AS account, srcaddr, count(DISTINCT dstport) AS ports, count(DISTINCT dstaddr) AS targets, count(*) AS flows,
       count_if(action = 'ACCEPT') AS accepted,
       from_unixtime(min(start)) AS first_seen, from_unixtime(max("end")) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM vpc_flow_logs
WHERE srcaddr IS NOT NULL AND protocol IN (6, 17) AND dstport < srcport
GROUP BY account_id, srcaddr, start - start % 300
HAVING count(DISTINCT dstport) >= 50
