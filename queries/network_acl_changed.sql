-- id: network_acl_changed
-- title: Network ACL or its entries changed
-- severity: LOW
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
-- description: A network ACL was created, deleted, re-associated, or had an entry added, replaced
--   or removed: subnet-wide filtering changed. One finding per ACL and actor per day. Only
--   successful calls count. Benign look-alike: Terraform and CloudFormation managing ACLs are
--   skipped; a hand change is reported at LOW, and network_acl_allow_all reports entries that open
--   everything.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Compare the ACL with its intended rules (describe-network-acls) and revert
--   unexpected entries.
-- references: https://attack.mitre.org/techniques/T1562/007/
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.networkAclId'), json_extract_scalar(requestparameters, '$.associationId'), json_extract_scalar(responseelements, '$.networkAcl.networkAclId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname IN ('CreateNetworkAcl', 'CreateNetworkAclEntry', 'ReplaceNetworkAclEntry', 'DeleteNetworkAclEntry',
                    'DeleteNetworkAcl', 'ReplaceNetworkAclAssociation')
  AND errorcode IS NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
