-- id: vpc_admin_port_from_internet
-- title: SSH or RDP connections accepted from the internet
-- severity: LOW
-- table: vpc_flow
-- tactics: TA0001
-- techniques: T1133, T1021
-- resource: dstaddr
-- resource_type: Other
-- account: account
-- time: first_seen
-- last_seen: last_seen
-- count: flows
-- sources: sources
-- dedup: account, dstaddr, dstport
-- window: 24h
-- evidence: dstaddr, dstport, flows, sources_count, from_addresses, first_seen, last_seen
-- description: Inbound TCP connections from public addresses to port 22 or 3389 of a private
--   address were ACCEPTed: remote administration exposed to the internet (see
--   security_group_admin_port_open for the change that allows it). One finding per target and port
--   per day. Benign look-alikes: REJECTed attempts (the security group works) and connections from
--   private addresses (bastions, VPN) are not reported.
--   Dedup: one finding per account, dstaddr, dstport per day.
-- remediation: Close the port to the internet (Session Manager or a VPN instead) and check the
--   target's authentication logs for the source addresses in the evidence.
-- references: https://attack.mitre.org/techniques/T1133/
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html

SELECT account_id AS account, dstaddr, dstport, count(*) AS flows, count(DISTINCT srcaddr) AS sources_count, array_agg(DISTINCT srcaddr) AS from_addresses,
       from_unixtime(min(start)) AS first_seen, from_unixtime(max("end")) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM vpc_flow_logs
WHERE action = 'ACCEPT' AND protocol = 6 AND dstport IN (22, 3389)
  AND regexp_like(dstaddr, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|f[cd]|fe80)')
  AND NOT regexp_like(srcaddr, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.|f[cd]|fe80)')
GROUP BY account_id, dstaddr, dstport
HAVING count(*) >= 1
