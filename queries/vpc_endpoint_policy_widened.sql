-- id: vpc_endpoint_policy_widened
-- title: VPC endpoint policy widened to full access
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0005, TA0010
-- techniques: T1562.007, T1048
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A VPC endpoint's policy was reset to the default full-access policy, or replaced by
--   one that lets anyone do anything (Principal * without an account or organization condition,
--   Action *): the endpoint, often the only way out of a private subnet, now lets data reach any
--   account's buckets. Principals are read with policy_external_principals. Only successful calls
--   count. Dedup: one finding per account, resource, actor per day. Benign look-alikes: endpoint
--   policies limited to the organization (aws:PrincipalOrgID) or to named actions, and route-table
--   or subnet changes, are not reported.
-- remediation: Put back the restrictive policy (ec2 modify-vpc-endpoint --policy-document) and
--   review traffic through the endpoint.
-- references: https://attack.mitre.org/techniques/T1562/007/
-- references: https://attack.mitre.org/techniques/T1048/
-- references: https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.ModifyVpcEndpointRequest.VpcEndpointId'), json_extract_scalar(requestparameters, '$.vpcEndpointId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'ModifyVpcEndpoint'
  AND errorcode IS NULL
  AND (coalesce(json_extract_scalar(requestparameters, '$.ModifyVpcEndpointRequest.ResetPolicy'), json_extract_scalar(requestparameters, '$.resetPolicy')) = 'true'
       OR (contains(policy_external_principals(coalesce(json_extract_scalar(requestparameters, '$.ModifyVpcEndpointRequest.PolicyDocument'), json_extract_scalar(requestparameters, '$.policyDocument')), recipientaccountid), 'AWS:*')
           AND regexp_like(coalesce(json_extract_scalar(requestparameters, '$.ModifyVpcEndpointRequest.PolicyDocument'), json_extract_scalar(requestparameters, '$.policyDocument')), '"Action"\s*:\s*(\[\s*)?"\*"')))
