-- id: vpc_crypto_mining_pool_traffic
-- title: Traffic to cryptocurrency mining pool ports
-- severity: HIGH
-- table: vpc_flow
-- tactics: TA0040
-- techniques: T1496.001
-- resource: srcaddr
-- resource_type: Other
-- actor: srcaddr
-- account: account
-- time: first_seen
-- last_seen: last_seen
-- count: flows
-- sources: sources
-- dedup: account, srcaddr, dstaddr
-- window: 24h
-- evidence: srcaddr, dstaddr, port, flows, bytes, first_seen, last_seen
-- description: A private address made accepted TCP connections to a public address on a port mining
--   pools use for Stratum (3333, 3334, 3335, 3357, 4444, 5555, 6666, 7777, 14433, 14444, 45560,
--   45700): the usual sign of a miner on an instance. One finding per source and pool address per
--   day. Benign look-alikes: the same ports between private addresses (internal services on 3333 or
--   5555) and REJECTed attempts (blocked egress) are not reported; 8888 and 9999, common for web
--   tools, are left out on purpose.
--   Dedup: one finding per account, srcaddr, dstaddr per day.
-- remediation: Isolate the instance, look for the miner process and how it got there, and block
--   egress to the pool in the security group or network firewall.
-- references: https://attack.mitre.org/techniques/T1496/001/
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html#cryptocurrency-ec2-bitcointoolbdns

SELECT account_id AS account, srcaddr, dstaddr, min(dstport) AS port, count(*) AS flows, sum(bytes) AS bytes,
       from_unixtime(min(start)) AS first_seen, from_unixtime(max("end")) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM vpc_flow_logs
WHERE action = 'ACCEPT' AND protocol = 6
  AND dstport IN (3333, 3334, 3335, 3357, 4444, 5555, 6666, 7777, 14433, 14444, 45560, 45700)
  AND regexp_like(srcaddr, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|f[cd]|fe80)')
  AND NOT regexp_like(dstaddr, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|f[cd]|fe80)')
GROUP BY account_id, srcaddr, dstaddr
HAVING count(*) >= 1
