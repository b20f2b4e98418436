-- id: ec2_instance_credentials_from_two_addresses
-- title: EC2 instance credentials used from two source addresses
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0006, TA0001
-- techniques: T1552.005, T1078.004
-- resource: session
-- resource_type: AwsIamRole
-- actor: actor
-- account: account
-- region: region
-- time: first_seen
-- last_seen: last_seen
-- count: calls
-- sources: sources
-- dedup: account, session
-- window: 1h
-- evidence: session, actor, calls, addresses, address_list, first_seen, last_seen
-- description: The role session an EC2 instance got from its metadata service (its session name is
--   the instance ID) called AWS from two or more public source addresses within one clock hour: the
--   credentials were copied off the instance and used elsewhere (Stratus
--   ec2-steal-instance-credentials; GuardDuty InstanceCredentialExfiltration). Benign look-alikes:
--   calls through VPC endpoints (private addresses, vpcendpointid set) and AWS services acting for
--   the instance are not counted; an instance whose traffic leaves through several NAT addresses
--   can still show two addresses.
--   Dedup: one finding per account, session per hour.
-- remediation: Revoke the role's active sessions (an IAM deny on aws:TokenIssueTime), find the
--   second address in the evidence, and check the instance for SSRF or compromise; require IMDSv2.
-- references: https://attack.mitre.org/techniques/T1552/005/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.credential-access.ec2-steal-instance-credentials/

SELECT recipientaccountid AS account, awsregion AS region, useridentity.principalid AS session, min(useridentity.arn) AS actor, count(*) AS calls,
       count(DISTINCT sourceipaddress) AS addresses, array_agg(DISTINCT sourceipaddress) AS address_list,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM cloudtrail_logs
WHERE useridentity.type = 'AssumedRole'
  AND regexp_like(useridentity.principalid, ':i-[0-9a-fA-F]+$')
  AND vpcendpointid IS NULL
  AND regexp_like(sourceipaddress, '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$')
  AND NOT regexp_like(sourceipaddress, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.)')
GROUP BY recipientaccountid, awsregion, useridentity.principalid, floor(to_unixtime(from_iso8601_timestamp(eventtime)) / 3600)
HAVING count(DISTINCT sourceipaddress) >= 2
