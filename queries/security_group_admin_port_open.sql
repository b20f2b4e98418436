-- id: security_group_admin_port_open
-- title: Security group opened SSH or RDP to the whole internet
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0005, TA0001
-- techniques: T1562.007, T1190
-- resource: security_group
-- resource_type: AwsEc2SecurityGroup
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, security_group, actor
-- window: 24h
-- evidence: eventtime, actor, protocol, from_port, to_port, sourceipaddress, useragent, requestparameters
-- description: An ingress rule allowed 0.0.0.0/0 or ::/0 (any /0 range: the Stratus log writes it
--   x.x.x.x/0) to port 22 or 3389, or to all traffic (protocol -1). Checks each of the first five permissions of
--   the request with its own address ranges. Only successful calls count. Benign look-alikes:
--   rules for a known office range (not /0) and web ports are not reported; Terraform creating such
--   a rule is still reported, because the exposure is the same.
--   Dedup: one finding per account, security_group, actor per day.
-- remediation: Remove the rule (revoke-security-group-ingress) or narrow it to known addresses;
--   reach instances through Session Manager or a VPN instead of open SSH/RDP, and check the
--   instances behind the group for logins since the change.
-- references: https://attack.mitre.org/techniques/T1562/007/
-- references: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.exfiltration.ec2-security-group-open-port-22-ingress/

WITH ingress AS (
  -- one branch per permission of the request (up to five), each with its own ranges
  SELECT eventtime, eventname,
         coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
         recipientaccountid AS account, awsregion AS region,
         coalesce(json_extract_scalar(requestparameters, '$.groupId'), json_extract_scalar(requestparameters, '$.groupName'), 'unknown') AS security_group,
         coalesce(json_extract_scalar(requestparameters, '$.ipPermissions.items[0].ipProtocol'), json_extract_scalar(requestparameters, '$.ipProtocol')) AS protocol,
         try_cast(coalesce(json_extract_scalar(requestparameters, '$.ipPermissions.items[0].fromPort'), json_extract_scalar(requestparameters, '$.fromPort')) AS bigint) AS from_port,
         try_cast(coalesce(json_extract_scalar(requestparameters, '$.ipPermissions.items[0].toPort'), json_extract_scalar(requestparameters, '$.toPort')) AS bigint) AS to_port,
         sourceipaddress, useragent, requestparameters, "$path"
  FROM cloudtrail_logs
  WHERE eventsource = 'ec2.amazonaws.com'
    AND eventname = 'AuthorizeSecurityGroupIngress'
    AND errorcode IS NULL
    AND regexp_like(coalesce(json_format(json_extract(requestparameters, '$.ipPermissions.items[0]')), requestparameters), '"cidrIp(v6)?"\s*:\s*"[^"]*/0"')
  UNION ALL
  SELECT eventtime, eventname,
         coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
         recipientaccountid AS account, awsregion AS region,
         coalesce(json_extract_scalar(requestparameters, '$.groupId'), json_extract_scalar(requestparameters, '$.groupName'), 'unknown') AS security_group,
         json_extract_scalar(requestparameters, '$.ipPermissions.items[1].ipProtocol') AS protocol,
         try_cast(json_extract_scalar(requestparameters, '$.ipPermissions.items[1].fromPort') AS bigint) AS from_port,
         try_cast(json_extract_scalar(requestparameters, '$.ipPermissions.items[1].toPort') AS bigint) AS to_port,
         sourceipaddress, useragent, requestparameters, "$path"
  FROM cloudtrail_logs
  WHERE eventsource = 'ec2.amazonaws.com'
    AND eventname = 'AuthorizeSecurityGroupIngress'
    AND errorcode IS NULL
    AND regexp_like(json_format(json_extract(requestparameters, '$.ipPermissions.items[1]')), '"cidrIp(v6)?"\s*:\s*"[^"]*/0"')
  UNION ALL
  SELECT eventtime, eventname,
         coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
         recipientaccountid AS account, awsregion AS region,
         coalesce(json_extract_scalar(requestparameters, '$.groupId'), json_extract_scalar(requestparameters, '$.groupName'), 'unknown') AS security_group,
         json_extract_scalar(requestparameters, '$.ipPermissions.items[2].ipProtocol') AS protocol,
         try_cast(json_extract_scalar(requestparameters, '$.ipPermissions.items[2].fromPort') AS bigint) AS from_port,
         try_cast(json_extract_scalar(requestparameters, '$.ipPermissions.items[2].toPort') AS bigint) AS to_port,
         sourceipaddress, useragent, requestparameters, "$path"
  FROM cloudtrail_logs
  WHERE eventsource = 'ec2.amazonaws.com'
    AND eventname = 'AuthorizeSecurityGroupIngress'
    AND errorcode IS NULL
    AND regexp_like(json_format(json_extract(requestparameters, '$.ipPermissions.items[2]')), '"cidrIp(v6)?"\s*:\s*"[^"]*/0"')
  UNION ALL
  SELECT eventtime, eventname,
         coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
         recipientaccountid AS account, awsregion AS region,
         coalesce(json_extract_scalar(requestparameters, '$.groupId'), json_extract_scalar(requestparameters, '$.groupName'), 'unknown') AS security_group,
         json_extract_scalar(requestparameters, '$.ipPermissions.items[3].ipProtocol') AS protocol,
         try_cast(json_extract_scalar(requestparameters, '$.ipPermissions.items[3].fromPort') AS bigint) AS from_port,
         try_cast(json_extract_scalar(requestparameters, '$.ipPermissions.items[3].toPort') AS bigint) AS to_port,
         sourceipaddress, useragent, requestparameters, "$path"
  FROM cloudtrail_logs
  WHERE eventsource = 'ec2.amazonaws.com'
    AND eventname = 'AuthorizeSecurityGroupIngress'
    AND errorcode IS NULL
    AND regexp_like(json_format(json_extract(requestparameters, '$.ipPermissions.items[3]')), '"cidrIp(v6)?"\s*:\s*"[^"]*/0"')
  UNION ALL
  SELECT eventtime, eventname,
         coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
         recipientaccountid AS account, awsregion AS region,
         coalesce(json_extract_scalar(requestparameters, '$.groupId'), json_extract_scalar(requestparameters, '$.groupName'), 'unknown') AS security_group,
         json_extract_scalar(requestparameters, '$.ipPermissions.items[4].ipProtocol') AS protocol,
         try_cast(json_extract_scalar(requestparameters, '$.ipPermissions.items[4].fromPort') AS bigint) AS from_port,
         try_cast(json_extract_scalar(requestparameters, '$.ipPermissions.items[4].toPort') AS bigint) AS to_port,
         sourceipaddress, useragent, requestparameters, "$path"
  FROM cloudtrail_logs
  WHERE eventsource = 'ec2.amazonaws.com'
    AND eventname = 'AuthorizeSecurityGroupIngress'
    AND errorcode IS NULL
    AND regexp_like(json_format(json_extract(requestparameters, '$.ipPermissions.items[4]')), '"cidrIp(v6)?"\s*:\s*"[^"]*/0"')
)
SELECT * FROM ingress
WHERE (protocol = '-1' OR (from_port <= 22 AND to_port >= 22) OR (from_port <= 3389 AND to_port >= 3389))
