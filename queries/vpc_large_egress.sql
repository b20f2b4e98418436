-- id: vpc_large_egress
-- title: Unusually large transfer to one internet address
-- severity: MEDIUM
-- table: vpc_flow
-- tactics: TA0010
-- techniques: T1048, T1567
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
-- evidence: srcaddr, dstaddr, bytes, flows, first_seen, last_seen
-- description: A private address sent 1 GiB or more to one public address within one clock hour
--   (accepted flows, by flow start): bulk exfiltration, or a miner's or botnet's traffic. A fixed
--   threshold, not a learned baseline: raise it in a copy of the hunt for hosts that move data by
--   design. Benign look-alikes: traffic to AWS services (flow logs v5 name them in
--   pkt-dst-aws-service, e.g. S3 through a gateway endpoint) and between private addresses is not
--   counted.
--   Dedup: one finding per account, srcaddr, dstaddr per day.
-- remediation: Identify the destination (owner, reputation) and the process on the source; if it is
--   not a known backup or sync, isolate the instance and block the destination.
-- references: https://attack.mitre.org/techniques/T1048/
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html

SELECT account_id AS account, srcaddr, dstaddr, sum(bytes) AS bytes, count(*) AS flows,
       from_unixtime(min(start)) AS first_seen, from_unixtime(max("end")) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM vpc_flow_logs
WHERE action = 'ACCEPT'
  AND pkt_dst_aws_service IS NULL
  AND regexp_like(srcaddr, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|f[cd]|fe80)')
  AND NOT regexp_like(dstaddr, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|f[cd]|fe80)')
GROUP BY account_id, srcaddr, dstaddr, start - start % 3600
HAVING sum(bytes) >= 1073741824
