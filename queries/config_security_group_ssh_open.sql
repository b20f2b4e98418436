-- id: config_security_group_ssh_open
-- title: Security group recorded by AWS Config with SSH open to the internet
-- severity: HIGH
-- table: config
-- tactics: TA0001, TA0005
-- techniques: T1190, T1562.007
-- resource: security_group
-- resource_type: AwsEc2SecurityGroup
-- account: account
-- region: region
-- time: capturetime
-- dedup: account, security_group
-- window: 24h
-- evidence: capturetime, security_group, group_name, status, permission
-- description: A configuration item of an EC2 security group (AWS Config history or snapshot) holds
--   an inbound permission from 0.0.0.0/0 or ::/0 whose port range covers 22, or that allows every
--   protocol: the group's state as Config recorded it, whatever API call (or console, or
--   CloudFormation) made it. Complements security_group_admin_port_open, which sees the
--   AuthorizeSecurityGroupIngress call in CloudTrail. Each permission of ipPermissions is taken
--   apart with regexp_extract_all, as the configuration column is JSON text. Benign look-alike: SSH
--   open to a private or office range, and HTTPS open to the world, are not reported.
--   Dedup: one finding per account, security_group per day.
-- remediation: Remove the rule (revoke-security-group-ingress) or narrow it to known addresses;
--   reach instances through Session Manager instead of open SSH, and check the instances behind the
--   group for logins since the capture time. AWS Config rule restricted-ssh flags it continuously.
-- references: https://docs.aws.amazon.com/config/latest/developerguide/restricted-ssh.html
-- references: https://attack.mitre.org/techniques/T1190/

WITH permissions AS (
  SELECT configurationitemcapturetime AS capturetime, awsaccountid AS account, awsregion AS region,
         resourceid AS security_group, resourcename AS group_name, configurationitemstatus AS status,
         permission, "$path"
  FROM config
  CROSS JOIN UNNEST(regexp_extract_all(json_format(json_extract(configuration, '$.ipPermissions')),
    '\{(?:[^{}\[\]]|\[(?:[^\[\]{}]|\{[^{}]*\})*\])*\}')) AS p (permission)
  WHERE resourcetype = 'AWS::EC2::SecurityGroup'
    AND configurationitemstatus IN ('OK', 'ResourceDiscovered')
)
SELECT * FROM permissions
WHERE regexp_like(permission, '"(0\.0\.0\.0/0|::/0)"')
  AND (json_extract_scalar(permission, '$.ipProtocol') = '-1'
       OR (try_cast(json_extract_scalar(permission, '$.fromPort') AS bigint) <= 22
           AND try_cast(json_extract_scalar(permission, '$.toPort') AS bigint) >= 22))
