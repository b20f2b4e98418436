-- id: network_acl_allow_all
-- title: Network ACL entry allows all inbound traffic from anywhere
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.007
-- resource: resource
-- resource_type: AwsEc2NetworkAcl
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: An inbound network ACL entry now allows every protocol or every port from 0.0.0.0/0
--   or ::/0, undoing the subnet's filtering. Only successful calls count. Benign look-alike: the
--   default ACL's allow-all entry is created by AWS with the VPC, not through
--   CreateNetworkAclEntry; an allow entry for one port range is not reported. Infrastructure as
--   code is reported too: the exposure is the same.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Replace the entry with the specific ports and ranges needed, and check flow logs of
--   the subnet for new inbound traffic.
-- references: https://attack.mitre.org/techniques/T1562/007/
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.networkAclId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname IN ('CreateNetworkAclEntry', 'ReplaceNetworkAclEntry')
  AND errorcode IS NULL
  AND json_extract_scalar(requestparameters, '$.ruleAction') = 'allow'
  AND json_extract_scalar(requestparameters, '$.egress') = 'false'
  AND regexp_like(coalesce(json_extract_scalar(requestparameters, '$.cidrBlock'), json_extract_scalar(requestparameters, '$.ipv6CidrBlock'), ''), '/0$')
  AND (json_extract_scalar(requestparameters, '$.aclProtocol') = '-1'
       OR (json_extract_scalar(requestparameters, '$.portRange.from') = '0' AND json_extract_scalar(requestparameters, '$.portRange.to') = '65535'))
